"""The batch rule for folders of annotation files: a bad file is one line naming it
and the problem, its article is left out (and the output says how many), the rest
is scored, and the exit status is 2 at the end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotator.cli import main

TEXT = "Acme Corp hired John Smith in Paris.\n"
SCHEMA = "entities: [{name: Person}, {name: Organization}, {name: GPE}]\nevents: []\n"


def annotation(name: str, by: str, entities: str) -> str:
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    return (
        f"format: annotator/1\ndocument: {{path: ../articles/{name}.txt, sha256: {sha}, length: {len(TEXT)}}}\n"
        f"entities:\n{entities}events: []\nattributions: []\nrelations: []\n"
    )


BOTH = (
    "- {id: T1, label: Organization, start: 0, end: 9, text: Acme Corp, by: %s}\n"
    "- {id: T2, label: Person, start: 16, end: 26, text: John Smith, by: %s}\n"
)


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """art1..art4 in a/ and b/; b/art2 is broken YAML, a/art3 names an article that is not there."""
    (tmp_path / "articles").mkdir()
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    for n in range(1, 5):
        (tmp_path / "articles" / f"art{n}.txt").write_text(TEXT, encoding="utf-8")
        for d in ("a", "b"):
            (tmp_path / d / f"art{n}.yaml").write_text(annotation(f"art{n}", d, BOTH % (d, d)), encoding="utf-8")
    (tmp_path / "b" / "art2.yaml").write_text("format: annotator/1\nentities:\n- {id: T1, label: Person, start: 0\n", encoding="utf-8")
    (tmp_path / "a" / "art3.yaml").write_text(annotation("gone", "a", BOTH % ("a", "a")), encoding="utf-8")
    (tmp_path / "schema.yaml").write_text(SCHEMA, encoding="utf-8")
    return tmp_path


def check_two_lines(err: str, root: Path) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"annotator: {root / 'b' / 'art2.yaml'}:") and "broken YAML" in lines[0]
    assert lines[1].startswith(f"annotator: {root / 'a' / 'art3.yaml'}:") and "no such article file" in lines[1]
    assert "Traceback" not in err


def test_agree_names_every_bad_file_and_scores_the_rest(folders, capsys):
    root = folders
    code = main(["agree", str(root / "a"), str(root / "b"), "--json", "--resamples", "0", "--schema", str(root / "schema.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    check_two_lines(err, root)
    data = json.loads(out)
    assert data["articles"] == 2 and sorted(data["documents"]) == ["art1", "art4"]
    assert any(n.startswith("2 articles left out") and "art2, art3" in n for n in data["notes"])
    assert data["pairs"][0]["f1"]["strict"] == 1.0


def test_audit_names_every_bad_file_and_scores_the_rest(folders, capsys):
    root = folders
    code = main(["audit", str(root / "a"), str(root / "b"), "--json", "--schema", str(root / "schema.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    check_two_lines(err, root)
    data = json.loads(out)
    assert data["articles"] == ["art1", "art4"]
    assert data["entities"]["micro"]["strict"]["correct"] == 4
    assert any(n.startswith("2 articles left out") and "art2, art3" in n for n in data["notes"])


def test_audit_of_gold_alone_goes_on_past_a_bad_file(folders, capsys):
    root = folders
    code = main(["audit", str(root / "b"), "--by", "rules", "--json", "--schema", str(root / "schema.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(root / "b" / "art2.yaml") in lines[0]
    assert json.loads(out)["articles"] == ["art1", "art3", "art4"]


def test_audit_fail_under_with_a_bad_file_is_still_2(folders, capsys):
    root = folders
    code = main(["audit", str(root / "a"), str(root / "b"), "--fail-under", "0.5", "--schema", str(root / "schema.yaml")])
    assert code == 2
    assert "left out" in capsys.readouterr().out


def test_merge_names_every_bad_file(folders, capsys):
    root = folders
    code = main(["merge", str(root / "a"), str(root / "b"), "-o", str(root / "gold"), "--schema", str(root / "schema.yaml")])
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].endswith("; art2 not merged") and lines[1].endswith("; art3 not merged")
    assert "merged 2 of 4 articles" in out


def test_audit_counts_a_gold_article_without_prediction_as_missed(folders, capsys):
    root = folders
    for n in (2, 3):  # a sound gold folder: art1..art4
        (root / "a" / f"art{n}.yaml").write_text(annotation(f"art{n}", "a", BOTH % ("a", "a")), encoding="utf-8")
    (root / "b" / "art2.yaml").unlink()
    (root / "b" / "art3.yaml").unlink()
    code = main(["audit", str(root / "a"), str(root / "b"), "--json", "--schema", str(root / "schema.yaml")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["articles"] == ["art1", "art2", "art3", "art4"]
    strict = data["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (4, 4, 0)
    assert strict["recall"] == 0.5 and strict["precision"] == 1.0
    note = next(n for n in data["notes"] if "only in GOLD" in n)
    assert note.startswith("2 article(s) only in GOLD") and "count as missed" in note and "art2, art3" in note


def test_export_names_every_bad_file_and_exports_the_rest(folders, capsys):
    root = folders
    for d, n in (("b", 2), ("a", 3)):  # one folder with both bad files: art2 broken, art3's article gone
        (root / "c").mkdir(exist_ok=True)
        (root / "c" / f"art{n}.yaml").write_bytes((root / d / f"art{n}.yaml").read_bytes())
    for n in (1, 4):
        (root / "c" / f"art{n}.yaml").write_bytes((root / "a" / f"art{n}.yaml").read_bytes())
    out = root / "out.jsonl"
    code = main(["export", "--to", "jsonl", str(root / "c"), "-o", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"annotator: {root / 'c' / 'art2.yaml'}:") and "broken YAML" in lines[0]
    assert lines[1].startswith(f"annotator: {root / 'c' / 'art3.yaml'}:") and "no such article file" in lines[1]
    assert "Traceback" not in err
    assert f"exported 2 articles to {out}, 2 files left out (see above)" in stdout
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_audit_view_names_every_bad_file_and_opens_the_rest(folders, capsys):
    from annotator.cli import build_parser
    from annotator.commands.audit import run_view, view_app

    root = folders
    schema = str(root / "schema.yaml")
    # nothing disagrees in the usable articles: nothing opens, the bad files still make it 2
    args = build_parser().parse_args(["audit", str(root / "a"), str(root / "b"), "--view", "--schema", schema])
    assert run_view(args) == 2
    out, err = capsys.readouterr()
    check_two_lines(err, root)
    assert "nothing to adjudicate" in out
    # art4 disagrees: it opens; art2 and art3 are left out, one line each
    (root / "b" / "art4.yaml").write_text(
        annotation("art4", "b", "- {id: T1, label: Person, start: 0, end: 9, text: Acme Corp, by: b}\n"), encoding="utf-8"
    )
    left_out: list[str] = []
    args = build_parser().parse_args(["audit", str(root / "a"), str(root / "b"), "--view", "--schema", schema, "--annotator", "c"])
    app = view_app(args, left_out)
    try:
        assert app is not None and [adj.name for adj in app.articles] == ["art4"]
        assert len(left_out) == 2
        check_two_lines(capsys.readouterr().err, root)
        assert any("2 files left out" in n for n in app.notes)
    finally:
        app.close_workspaces(save=False)
    # GOLD only: a broken gold file is left out too
    left_out = []
    args = build_parser().parse_args(["audit", str(root / "b"), "--view", "--by", "rules", "--schema", schema])
    view_app(args, left_out)
    assert len(left_out) == 1 and str(root / "b" / "art2.yaml") in left_out[0]
