"""An annotation file given where an article is expected (``annotator annotate
annotations/x.yaml``) stands for the article it annotates, with its folder as the
annotations folder; anything else named .yaml is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import store
from annotator.articles import articles_of_annotation_files, read_article
from annotator.cli import main
from annotator.errors import InputError
from annotator.model import SUGGESTED

TEXT = "The Syrian Democratic Forces captured the town on Monday, officials said.\n"


@pytest.fixture
def team(tmp_path: Path, monkeypatch) -> Path:
    """An article in texts/, its annotation file in gold/ (not ./annotations)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "texts").mkdir()
    article = tmp_path / "texts" / "capture.txt"
    article.write_text(TEXT, encoding="utf-8")
    yaml_path = tmp_path / "gold" / "capture.yaml"
    yaml_path.parent.mkdir()
    store.save(store.new_set(read_article(article), yaml_path), yaml_path)
    return tmp_path


def test_an_annotation_file_stands_for_its_article_and_folder(team):
    paths, folder = articles_of_annotation_files(["gold/capture.yaml"], None)
    assert [Path(p).resolve() for p in paths] == [(team / "texts" / "capture.txt").resolve()]
    assert folder == Path("gold")
    assert articles_of_annotation_files(["texts/capture.txt", "texts"], None) == (["texts/capture.txt", "texts"], None)
    assert articles_of_annotation_files(["gold/capture.yaml"], "gold")[1] == Path("gold")


def test_suggest_on_an_annotation_file_writes_that_file(team, capsys):
    assert main(["suggest", "gold/capture.yaml", "--with", "rules"]) == 0
    got = store.read(team / "gold" / "capture.yaml").checked()
    assert any(e.status == SUGGESTED for e in got.entities.values())
    assert not (team / "annotations").exists()  # nothing beside, in the default folder
    assert not list((team / "texts").glob("*.yaml"))


@pytest.mark.parametrize(
    "write, args, says",
    [
        (lambda t: (t / "notes.yaml").write_text("a: 1\n"), ["notes.yaml"], "is not an annotation file"),
        (lambda t: (t / "empty.yaml").write_text(""), ["empty.yaml"], "is not an annotation file"),
        (lambda t: (t / "bin.yaml").write_bytes(b"\x00\xff\x00"), ["bin.yaml"], "is not an annotation file"),
        (
            lambda t: (t / "gold" / "other.yaml").write_bytes((t / "gold" / "capture.yaml").read_bytes()),
            ["gold/other.yaml"],
            "whose annotation file in this folder is capture.yaml",
        ),
        (lambda t: None, ["gold/capture.yaml", "--annotations", "elsewhere"], "but --annotations is elsewhere"),
        (
            lambda t: (t / "gold" / "capture.yaml").write_text("format: annotator/1\ndocument: {sha256: x}\nentities: []\n"),
            ["gold/capture.yaml"],
            "names no article",
        ),
        (  # ours, with a broken header: the line and the problem, as validate gives them
            lambda t: (t / "gold" / "capture.yaml").write_text(
                "format: annotator/1\ndocument:\n  path: ../texts/capture.txt\n  sha256: [abc\nentities: []\n"
            ),
            ["gold/capture.yaml"],
            "gold/capture.yaml:5: broken YAML: expected ',' or ']', but got ':'",
        ),
    ],
)
def test_what_cannot_stand_for_an_article_is_one_line(team, capsys, write, args, says):
    write(team)
    before = {p: p.read_bytes() for p in team.rglob("*") if p.is_file()}
    for command in (["suggest", *args, "--with", "rules"], ["annotate", *args]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err, err
    assert {p: p.read_bytes() for p in team.rglob("*") if p.is_file()} == before


def test_a_broken_header_is_reported_as_validate_reports_it(team, capsys):
    (team / "gold" / "capture.yaml").write_text("format: annotator/1\ndocument:\n  path: {../texts/capture.txt\n")
    assert main(["validate", "gold/capture.yaml"]) == 2
    said = capsys.readouterr()
    assert main(["annotate", "gold/capture.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "annotator: " + (said.out + said.err).strip()


def test_files_of_two_folders_are_refused(team):
    (team / "other").mkdir()
    (team / "other" / "capture.yaml").write_bytes((team / "gold" / "capture.yaml").read_bytes())
    with pytest.raises(InputError, match="like the other annotation files given"):
        articles_of_annotation_files(["gold/capture.yaml", "other/capture.yaml"], None)
