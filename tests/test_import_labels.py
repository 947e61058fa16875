"""`annotator import`: the labels a format brings (it declares none) make the
schema written under DIR/schemas/ from the documents imported only; a label is
one line, taken without the spaces around it; and that schema is no news to
the commands that read the folder afterwards."""

from __future__ import annotations

import json
from pathlib import Path

from annotator import store
from annotator.cli import main
from annotator.schema import default_schema, load_schema


def _jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _run(fmt: str, src: Path, tmp_path: Path, capsys) -> tuple[int, list[str], list[str]]:
    code = main(["import", "--from", fmt, str(src), "--annotations", str(tmp_path / "ann"),
                 "--texts", str(tmp_path / "texts")])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out.splitlines()


def _added(schema_path: Path) -> list[str]:
    return [x for x in load_schema(schema_path).entity_names if x not in default_schema().entity_names]


def test_labels_of_a_refused_document_are_not_in_the_schema_written(tmp_path, capsys):
    """doccano's EMPTY on a zero-length span (a refused line) went into
    schemas/doccano.yaml and into the "not in the built-in news schema" list, as
    did the labels of any refused document. Now only the labels of documents
    imported count, whatever the order."""
    src = _jsonl(tmp_path / "d.jsonl", [
        {"text": "Ali in Damascus.", "label": [[7, 7, "EMPTY"]], "name": "zero"},
        {"text": "Ali in Damascus.", "label": [[0, 3, "HERO"], [7, 99, "FAR"]], "name": "beyond"},
        {"text": "Ali in Damascus.", "label": [[0, 3, "NEWPER"]], "name": "good"},
        {"text": "Ali in Damascus.", "label": [[0, 3, "NEWPER"], [7, 15, "TOWN"], [5, 5, "ZERO"]], "name": "late"},
    ])
    code, err, out = _run("doccano", src, tmp_path, capsys)
    assert code == 2 and len(err) == 3 and all(line.endswith("(not imported)") for line in err)
    schema = tmp_path / "ann" / "schemas" / "doccano.yaml"
    assert out[0] == (f"not in the built-in news schema: labels: NEWPER; a schema with them written to {schema} "
                      f"(open the articles with --schema {schema})")
    assert "imported 1 of 4 articles" in out[1]
    assert _added(schema) == ["NEWPER"]
    assert main(["validate", str(tmp_path / "ann" / "good.yaml"), "--schema", str(schema)]) == 0


def test_nothing_imported_writes_no_schema(tmp_path, capsys):
    src = _jsonl(tmp_path / "d.jsonl", [{"text": "Ali in Damascus.", "label": [[7, 7, "EMPTY"]], "name": "zero"}])
    code, err, out = _run("doccano", src, tmp_path, capsys)
    assert code == 2 and not (tmp_path / "ann").exists()
    assert not any("not in the built-in" in line for line in out)


def test_a_label_is_taken_without_the_spaces_and_line_breaks_around_it(tmp_path, capsys):
    """"GPE\\n" or " NEWPER " were new labels (the summary line broke in two, the
    schema had a label no key could type). Now they are GPE and NEWPER, one line
    each says so (once per label); a line break inside a label refuses its
    document, nothing of it written, the source untouched."""
    src = _jsonl(tmp_path / "d.jsonl", [
        {"text": "Ali in Damascus.", "label": [[7, 15, "GPE\n"], [0, 3, " NEWPER "]], "name": "a"},
        {"text": "Ali in Damascus.", "label": [[7, 15, "A\nB"]], "name": "b"},
        {"text": "Bob in Aleppo.", "label": [[0, 3, " NEWPER "], [7, 13, "GPE"]], "name": "c"},
    ])
    before = src.read_bytes()
    code, err, out = _run("doccano", src, tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:2: label 'A\\nB' holds a line break (U+000A): a label is one line of text (not imported)",
        f"annotator: {src}:1: label 'GPE\\n' is taken as 'GPE' (the spaces and line breaks around it left out)",
        f"annotator: {src}:1: label ' NEWPER ' is taken as 'NEWPER' (the spaces and line breaks around it left out)",
    ]
    schema = tmp_path / "ann" / "schemas" / "doccano.yaml"
    assert out[0].startswith("not in the built-in news schema: labels: NEWPER; a schema with them written to")
    assert "imported 2 of 3 articles" in out[1] and len(out) == 2
    assert _added(schema) == ["NEWPER"]
    assert src.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "texts").iterdir()) == ["a.txt", "c.txt"]
    a = store.read(tmp_path / "ann" / "a.yaml").checked()
    assert sorted(e.label for e in a.entities.values()) == ["GPE", "NEWPER"]


def test_export_of_a_folder_import_wrote_says_nothing_of_its_schemas(tmp_path, capsys):
    """Every export of a folder import wrote said "passed over 1 .yaml files that
    are not annotation files": the schemas/ import itself put there."""
    src = _jsonl(tmp_path / "ner.jsonl", [{"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}])
    code, err, out = _run("jsonl", src, tmp_path, capsys)
    assert code == 0 and (tmp_path / "ann" / "schemas" / "jsonl.yaml").exists()
    schema = str(tmp_path / "ann" / "schemas" / "jsonl.yaml")
    assert main(["export", "--to", "conll", str(tmp_path / "ann"), "-o", str(tmp_path / "x.conll"), "--schema", schema]) == 0
    assert "passed over" not in capsys.readouterr().err
    # another YAML that is not ours, beside the files: still said
    (tmp_path / "ann" / "notes.yaml").write_text("entities:\n  - PER\n", encoding="utf-8")
    assert main(["export", "--to", "conll", str(tmp_path / "ann"), "-o", str(tmp_path / "x.conll"), "--schema", schema]) == 0
    assert "passed over 1 .yaml files that are not annotation files" in capsys.readouterr().err
