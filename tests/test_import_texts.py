"""`annotator import`: the article texts it writes are what the store opens.

A text is checked as the store will read it back (``articles.text_of``, the one
door): one that cannot be an article (a NUL, over the size limit, half of a
surrogate pair) is refused with one line and nothing of it is written, the
others are imported; a leading BOM, which the store does not keep, is left out
and the spans are moved with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import articles, store
from annotator.cli import main


def _jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def _run(fmt: str, srcs: list[Path], tmp_path: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    code = main(["import", "--from", fmt, *map(str, srcs), "--annotations", str(ann), "--texts", str(texts), *extra])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out


def _files(tmp_path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tmp_path)): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}


def _written(tmp_path: Path) -> list[str]:
    """The annotation files written, each read back as the app reads it (article and all)."""
    ann = tmp_path / "ann"
    for y in ann.glob("*.yaml"):
        store.read(y).checked()
    return sorted(p.stem for p in ann.glob("*.yaml"))


def test_a_text_with_a_nul_or_too_big_to_open_is_refused_as_the_store_refuses_it(tmp_path, capsys, monkeypatch):
    """A NUL in a text, or a text over the size an article can be, was written and
    "imported 1 of 1" (exit 0); validate, export and the app then refused it. Now
    each is refused with the store's line, the good one beside them imported."""
    monkeypatch.setattr(articles, "MAX_ARTICLE_BYTES", 2**20)
    src = _jsonl(tmp_path / "d.jsonl", [
        {"text": "Ali \u0000 in Damascus.", "label": [[10, 18, "GPE"]], "name": "nul"},
        {"text": "Ali met Maria in Damascus. " * 40_000, "label": [[0, 3, "PER"]], "name": "big"},
        {"text": "Ali in Damascus.", "label": [[7, 15, "GPE"]], "name": "good"},
    ])
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "nul.txt").write_text("the user's own article", encoding="utf-8")
    before = _files(tmp_path)
    code, err, out = _run("doccano", [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:1: its text is a binary file (it contains NUL bytes), not a text article (not imported)",
        f"annotator: {src}:2: its text is 1 MiB; articles up to 1 MiB can be opened (split it) (not imported)",
    ]
    assert "imported 1 of 3 articles" in out
    assert _written(tmp_path) == ["good"]
    after = _files(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before  # the source and the user's text untouched
    assert sorted(set(after) - set(before)) == ["ann/good.yaml", "texts/good.txt"]


@pytest.mark.parametrize("fmt,bad,good", [
    ("labelstudio",
     {"id": "cut", "data": {"text": "Ali in Damascus \ud83d"},
      "annotations": [{"result": [{"type": "labels", "value": {"start": 7, "end": 15, "labels": ["GPE"]}}]}]},
     {"id": "ok", "data": {"text": "Ali in Damascus."}}),
    ("doccano", {"text": "Ali in Damascus \ud83d", "label": [[7, 15, "GPE"]], "name": "cut"},
     {"text": "Ali in Damascus.", "label": [[7, 15, "GPE"]], "name": "ok"}),
    ("jsonl", {"text": "Ali in Damascus \ud83d", "spans": [{"start": 7, "end": 15, "label": "GPE"}], "answer": "accept",
               "meta": {"name": "cut"}},
     {"text": "Ali in Damascus.", "spans": [{"start": 7, "end": 15, "label": "GPE"}], "answer": "accept",
      "meta": {"name": "ok"}}),
])
def test_half_of_a_surrogate_pair_in_a_text_is_one_line_the_others_imported(fmt, bad, good, tmp_path, capsys):
    """A text cut in the middle of an emoji by a JavaScript tool (JSON "\\ud83d")
    crashed the whole import with a UnicodeEncodeError traceback (exit 1)."""
    if fmt == "labelstudio":
        src = tmp_path / "ls.json"
        src.write_text(json.dumps([bad, good]), encoding="utf-8")  # json.dumps writes "\ud83d" as an escape
    else:
        src = _jsonl(tmp_path / "d.jsonl", [bad, good])
    before = _files(tmp_path)
    code, err, out = _run(fmt, [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:1: its text holds U+D83D at character 16, half of a UTF-16 surrogate pair (a string cut "
        "in the middle of a character), which is not text: it cannot be an article (not imported)"
    ]
    assert "imported 1 of 2 articles" in out
    assert _written(tmp_path) == ["ok"]
    assert {k: v for k, v in _files(tmp_path).items() if k in before} == before


def test_a_text_that_begins_with_a_bom_is_imported_without_it_its_spans_moved(tmp_path, capsys):
    """A text beginning with U+FEFF (a .txt read with Python's plain utf-8 keeps
    it) was written with it and imported with exit 0, but the store reads an
    article without its BOM: every span one character off, and validate and
    export refused the file. Now the BOM is left out and the spans move with it,
    with one line saying so; what is written validates and exports."""
    src = _jsonl(tmp_path / "d.jsonl", [
        {"text": "\ufeffAli in Damascus.", "label": [[8, 16, "GPE"], [0, 4, "PER"]], "name": "bom"},
        {"text": "\ufeffBob left Aleppo.", "label": [[10, 16, "GPE"]], "name": "bom2"},
        {"text": "Ali \ufeffin Raqqa.", "label": [[8, 13, "GPE"]], "name": "inside"},  # (not leading: kept)
    ])
    code, err, out = _run("doccano", [src], tmp_path, capsys)
    assert code == 0, err
    assert err == [
        f"annotator: {src}:1: the byte-order mark (U+FEFF) 2 texts began with is left out, as an article is read "
        "without it, and their spans are one character earlier (this is the first)"
    ]
    assert "imported 3 of 3 articles" in out
    assert _written(tmp_path) == ["bom", "bom2", "inside"]
    assert (tmp_path / "texts" / "bom.txt").read_bytes() == "Ali in Damascus.".encode()
    got = store.read(tmp_path / "ann" / "bom.yaml").checked()
    assert sorted((e.label, e.start, e.end, e.text) for e in got.entities.values()) == [
        ("GPE", 7, 15, "Damascus"), ("PER", 0, 3, "Ali")]
    inside = store.read(tmp_path / "ann" / "inside.yaml").checked()
    assert [e.text for e in inside.entities.values()] == ["Raqqa"]
    assert main(["validate", *map(str, sorted((tmp_path / "ann").glob("*.yaml")))]) == 0
    assert main(["export", "--to", "conll", str(tmp_path / "ann"), "-o", str(tmp_path / "out.conll")]) == 0


def test_a_span_on_the_bom_alone_refuses_its_document(tmp_path, capsys):
    src = _jsonl(tmp_path / "d.jsonl", [
        {"text": "\ufeffAli in Damascus.", "label": [[0, 1, "PER"]], "name": "bom"},
        {"text": "Ali in Damascus.", "label": [[7, 15, "GPE"]], "name": "ok"},
    ])
    code, err, out = _run("doccano", [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:1: the PER span at 0-1 covers only the byte-order mark (U+FEFF) the text begins with, "
        "which an article does not keep (not imported)"
    ]
    assert "imported 1 of 2 articles" in out and _written(tmp_path) == ["ok"]
    assert not (tmp_path / "texts" / "bom.txt").exists()


def _ls_project(path: Path, text: str, start: int, end: int) -> Path:
    task = {"id": 1, "data": {"text": text},
            "annotations": [{"result": [{"type": "labels", "value": {"start": start, "end": end, "labels": ["GPE"]}}]}]}
    path.write_text(json.dumps([task]), encoding="utf-8")
    return path


def _import(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["import", "--from", "labelstudio", *argv])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out


def test_another_article_of_the_same_name_is_never_written_over_this_one_takes_a_free_name(tmp_path, capsys, monkeypatch):
    """Label Studio numbers the tasks of every project from 1: project B into its
    own folder was refused ("seeds/1.txt: a different article of this name is
    already there (use --force to replace it)"), and with --force, as told,
    project A's text was written over (annA/1.yaml then annotated project B's
    text, its spans lost). Now B's article takes a name of its own, 1-2, for its
    text and its annotation file, and a line says so; A's files stay as they are,
    with --force too."""
    monkeypatch.chdir(tmp_path)
    a = _ls_project(tmp_path / "projA.json", "Ali in Damascus.", 7, 15)
    b = _ls_project(tmp_path / "projB.json", "Bob went to Aleppo yesterday.", 12, 18)
    assert _import(capsys, str(a), "--annotations", "annA")[0] == 0
    mine = {p: p.read_bytes() for p in (Path("seeds/1.txt"), Path("annA/1.yaml"))}
    code, err, out = _import(capsys, str(b), "--annotations", "annB")
    assert code == 0
    assert err == [f"annotator: {b}:1: seeds/1.txt is another article, so this one is seeds/1-2.txt, annotated by "
                   "annB/1-2.yaml (--texts DIR keeps an import's texts apart)"]
    assert "imported 1 of 1 articles" in out
    assert {p: p.read_bytes() for p in mine} == mine
    assert sorted(p.name for p in Path("annB").glob("*.yaml")) == ["1-2.yaml"]
    got = store.read(Path("annB/1-2.yaml")).checked()
    assert got.document.path == "../seeds/1-2.txt" and [e.text for e in got.entities.values()] == ["Aleppo"]
    kept = store.read(Path("annA/1.yaml")).checked()
    assert [e.text for e in kept.entities.values()] == ["Damascus"] and not any(e.attrs for e in kept.entities.values())
    # the same again: its own files are there (exit 2, --force replaces them), A's untouched
    assert _import(capsys, str(b), "--annotations", "annB")[0] == 2
    code, err, out = _import(capsys, str(b), "--annotations", "annB", "--force")
    assert code == 0 and "imported 1 of 1 articles" in out
    assert {p: p.read_bytes() for p in mine} == mine
    assert sorted(p.name for p in Path("seeds").iterdir()) == ["1-2.txt", "1.txt"]
    assert sorted(p.name for p in Path("annB").glob("*.yaml")) == ["1-2.yaml"]
    # the article is opened from its own annotation file, and by its text with the folder
    assert main(["validate", "annB/1-2.yaml", "annA/1.yaml"]) == 0
    # project A again into another folder: the same text, so the same article (no copy)
    capsys.readouterr()
    code, err, out = _import(capsys, str(a), "--annotations", "annC")
    assert code == 0 and err == [] and Path("annC/1.yaml").exists()
    assert sorted(p.name for p in Path("seeds").iterdir()) == ["1-2.txt", "1.txt"]


def test_force_replaces_the_earlier_import_of_the_same_source_and_its_text(tmp_path, capsys):
    """What --force is for: the source changed, the article and its annotation file
    that an import into this folder wrote are replaced (without it: exit 2, both
    kept)."""
    src = tmp_path / "proj.json"
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    _ls_project(src, "Ali in Damascus.", 7, 15)
    assert _import(capsys, str(src), "--annotations", str(ann), "--texts", str(texts))[0] == 0
    _ls_project(src, "Ali stayed in Damascus.", 14, 22)
    before = {p: p.read_bytes() for p in (texts / "1.txt", ann / "1.yaml")}
    code, err, out = _import(capsys, str(src), "--annotations", str(ann), "--texts", str(texts))
    assert code == 2 and err == [f"annotator: {ann / '1.yaml'}: already exists (use --force to replace it)"]
    assert {p: p.read_bytes() for p in before} == before
    code, err, out = _import(capsys, str(src), "--annotations", str(ann), "--texts", str(texts), "--force")
    assert code == 0 and err == []
    assert (texts / "1.txt").read_text(encoding="utf-8") == "Ali stayed in Damascus."
    assert sorted(p.name for p in texts.iterdir()) == ["1.txt"]
    got = store.read(ann / "1.yaml").checked()
    assert [(e.start, e.text) for e in got.entities.values()] == [(14, "Damascus")]


def test_force_never_writes_over_an_article_its_annotation_file_does_not_annotate(tmp_path, capsys):
    """--force replaces DIR/1.yaml; --texts t2 holds another 1.txt, which that file
    does not annotate (it annotates t1/1.txt): refused with one line, and every
    file stays as it was."""
    src = _ls_project(tmp_path / "proj.json", "Ali in Damascus.", 7, 15)
    ann = tmp_path / "ann"
    assert _import(capsys, str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t1"))[0] == 0
    (tmp_path / "t2").mkdir()
    (tmp_path / "t2" / "1.txt").write_text("Someone else's article.", encoding="utf-8")
    before = _files(tmp_path)
    code, err, out = _import(capsys, str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t2"), "--force")
    assert code == 2
    assert err == [f"annotator: {tmp_path / 't2' / '1.txt'}: is another article than the one {ann / '1.yaml'} "
                   "annotates, and is not written over: give --texts DIR for this import's texts (not imported)"]
    assert "imported 0 of 1 articles" in out
    assert _files(tmp_path) == before
