"""The README is for users: it points at nothing outside the repository (issue 14.6)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_points_inside_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text and "/work/" not in text and "HELPERS" not in text
    # Every Markdown link or image to a local file exists.
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if "://" not in target:
            assert (ROOT / target).exists(), target


def test_no_internal_working_notes_in_docs():
    assert not (ROOT / "docs" / "HELPERS.md").exists()


def test_the_readme_s_git_lines_cover_the_layout_import_writes(tmp_path):
    """The README's lines named `annotations/*.yaml` and `annotations/.*`, which
    leave out the subfolders import writes (annotations/news/x.yaml): git merged
    those as text, with conflict markers, and committed their locks and journals.
    The lines are run here as the README gives them."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**Git.**"):]
    lines = [ln for block in re.findall(r"```sh\n(.*?)```", section, re.S)[:2] for ln in block.splitlines() if ln.strip()]
    assert any(".gitattributes" in ln for ln in lines) and any("merge.annotator.driver" in ln for ln in lines)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    for ln in lines:
        subprocess.run(ln, shell=True, cwd=tmp_path, check=True)
    files = ["annotations/a.yaml", "annotations/TDT/w078.yaml", "annotations/schemas/TDT.yaml",
             "annotations/.a.lock", "annotations/TDT/.w078.journal", "annotations/TDT/.w078.journal.base"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x\n", encoding="utf-8")

    def attr(path):
        out = subprocess.run(["git", "check-attr", "merge", path], cwd=tmp_path, capture_output=True, text=True, check=True)
        return out.stdout.strip().rpartition(": ")[2]

    assert [attr(f) for f in files[:3]] == ["annotator", "annotator", "text"]
    ignored = subprocess.run(["git", "check-ignore", *files], cwd=tmp_path, capture_output=True, text=True).stdout.split()
    assert ignored == files[3:]
    driver = subprocess.run(["git", "config", "merge.annotator.driver"], cwd=tmp_path, capture_output=True, text=True)
    assert driver.stdout.strip() == "annotator merge-file %O %A %B %P"
