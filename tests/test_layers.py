"""The layers, as import-linter checks them (contracts in pyproject.toml): the
core never imports the TUI, the commands or Textual; the TUI never imports the
commands. And every core module is under the core's contract."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: import-linter brings tomli
    import tomli as tomllib

from .test_core_boundaries import core_modules

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_lint_imports_keeps_every_contract():
    exe = Path(sys.executable).parent / "lint-imports"
    found = str(exe) if exe.exists() else shutil.which("lint-imports")
    if not found:
        pytest.fail("import-linter is not installed (pip install -e '.[test]')")
    out = subprocess.run([found, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and f"{len(_contracts())} kept" in out.stdout


def test_every_core_module_is_under_the_core_contract():
    core = next(c for c in _contracts() if "annotator.tui" in c["forbidden_modules"])
    covered = set(core["source_modules"])
    missing = [m for m in core_modules() if not any(m == c or m.startswith(c + ".") for c in covered)]
    assert not missing, f"add these to the core's contract in pyproject.toml [tool.importlinter]: {missing}"
    assert {"textual", "annotator.commands", "annotator.tui"} <= set(core["forbidden_modules"])
