"""The core never imports Textual, and the seed's gold annotation loads and validates."""

import pkgutil
import subprocess
import sys
from pathlib import Path

from annotator import store
from annotator.cli import main
from annotator.model import Ref
from annotator.schema import default_schema

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
#: the parts of the package that are not the core
NOT_CORE = ("tui", "commands", "cli", "__main__")


def core_modules() -> list[str]:
    """Every module of the core, found by walking the package (nothing to keep up to date)."""
    import annotator

    return sorted(
        m.name for m in pkgutil.walk_packages(annotator.__path__, "annotator.") if m.name.split(".")[1] not in NOT_CORE
    )


CORE = core_modules()


def test_core_modules_do_not_import_textual():
    assert {"annotator.workspace", "annotator.session", "annotator.journal", "annotator.store"} <= set(CORE)
    code = "import sys\n" + "".join(f"import {m}\n" for m in CORE) + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_gold_annotation_of_the_seed_loads_and_validates(capsys):
    gold = store.read(GOLD, schema=default_schema()).checked()
    assert len(gold.entities) >= 100 and len(gold.events) >= 20 and len(gold.attributions) >= 7
    # Every argument and source resolves, and the reported speech the issue names is there.
    cues = sorted(at.cue.text for at in gold.attributions.values())
    assert "told Reuters" in cues and "told reporters" in cues and "said" in cues
    sources = {gold.get(at.source.ref).text for at in gold.attributions.values() if isinstance(at.source, Ref)}
    assert "Mazlum Abdi" in sources
    plain = {at.source.text for at in gold.attributions.values() if at.source is not None and not isinstance(at.source, Ref)}
    assert "Two security sources based in eastern Syria" in plain
    capture = [ev for ev in gold.events.values() if ev.trigger.text == "captured"][0]
    assert capture.type == "Conflict.Capture" and {a.role for a in capture.arguments} >= {"Agent", "Place", "Time"}
    assert main(["validate", str(GOLD)]) == 0
    assert "ok: 1 files" in capsys.readouterr().out
