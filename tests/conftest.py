import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"


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
def _own_settings(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's real settings (~/.config/annotator)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
