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
