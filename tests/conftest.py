import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
SEED_GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


def seed_gold_in(folder: Path) -> None:
    """``folder/annotations`` holding a copy of the seed's gold annotations."""
    (folder / "annotations").mkdir()
    shutil.copyfile(SEED_GOLD, folder / "annotations" / SEED_GOLD.name)


def run_seed_startup(tmp_path: Path, script: str) -> dict:
    """Run ``script`` (it starts the app on the seed with its gold, as ``annotator``
    with no argument does, and prints one JSON line last) in a fresh Python
    process, in ``tmp_path`` with its own settings; what it printed."""
    seed_gold_in(tmp_path)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path))
    # (no terminal here: the app runs headless, as the script makes it)
    script = "import annotator.commands.defaults as _d\n_d.terminal_problem = lambda: None\n" + script
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A private copy of the seed article and an empty annotations folder beside it."""
    (tmp_path / "seeds").mkdir()
    dst = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, dst)
    return dst


@pytest.fixture
def make_app(seed_copy, tmp_path):
    from annotator.schema import default_schema
    from annotator.tui.app import AnnotatorApp

    def make(articles=None, **kw):
        return AnnotatorApp(
            articles or [seed_copy],
            annotations_dir=tmp_path / "annotations",
            schema=kw.pop("schema", default_schema()),
            user=kw.pop("user", "tester"),
            **kw,
        )

    return make


@pytest.fixture(autouse=True)
def _as_in_a_terminal(monkeypatch):
    """`annotate` and `audit --view` refuse to run without a terminal (commands.defaults.terminal_problem);
    a test's stdin is none: tests that run the command (with a fake app, or the
    app under Pilot) run it as in one. tests/test_cli_errors.py checks the refusal."""
    monkeypatch.setattr("annotator.commands.defaults.terminal_problem", lambda: None)


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's real settings (~/.config/annotator)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
