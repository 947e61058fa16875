"""`annotator import` in every format: one bad article never stops the others.
Each refused article is one line (file:line and why) and nothing of it is
written; the rest is imported; the summary says "imported N of M"; exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import store
from annotator.cli import main


def _run(fmt: str, srcs: list[Path], tmp_path: Path, capsys) -> tuple[int, list[str], str]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    code = main(["import", "--from", fmt, *map(str, srcs), "--annotations", str(ann), "--texts", str(texts)])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out


def _written(tmp_path: Path) -> tuple[list[str], list[str]]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    for y in ann.glob("*.yaml"):
        store.read(y).checked()  # every file written is a valid annotation file
    return sorted(p.stem for p in ann.glob("*.yaml")), sorted(p.stem for p in texts.glob("*.txt"))


def _jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def test_jsonl_a_bad_task_and_a_bad_line_are_refused_the_rest_imported(tmp_path, capsys):
    src = _jsonl(
        tmp_path / "tasks.jsonl",
        [
            {"text": "Rebels took Raqqa.", "spans": [{"start": 12, "end": 17, "label": "GPE"}], "answer": "accept", "meta": {"name": "one"}},
            {"text": "Mook said so.", "spans": [{"start": 0, "end": 40, "label": "PER"}], "answer": "accept", "meta": {"name": "two"}},
            {"text": "Mook said so.", "spans": [{"start": 0, "end": 4, "label": "PER"}], "answer": "accept", "meta": {"name": "two"}},
            "{not json",
            {"text": "The town fell.", "spans": [{"start": 4, "end": 8, "label": "LOC"}], "answer": "accept", "meta": {"name": "three"}},
        ],
    )
    code, err, out = _run("jsonl", [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:2: span 0-40 is outside the text (13 characters) (not imported)",
        f"annotator: {src}:4: not JSON: Expecting property name enclosed in double quotes (column 2) (not imported)",
    ]
    assert "imported 2 of 4 articles from jsonl" in out
    assert _written(tmp_path) == (["one", "three"], ["one", "three"])  # nothing of "two"


def test_doccano_a_bad_line_is_refused_the_rest_imported(tmp_path, capsys):
    src = _jsonl(
        tmp_path / "d.jsonl",
        [
            {"text": "Rebels took Raqqa.", "label": [[12, 17, "GPE"]], "name": "one"},
            {"text": "Mook said so.", "label": [[0, 4]], "name": "two"},
            {"text": "The town fell.", "entities": [{"id": 1, "label": "LOC", "start_offset": 4, "end_offset": 8}], "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "x"}], "name": "three"},
            {"text": "It rained.", "label": [], "name": "four"},
        ],
    )
    code, err, out = _run("doccano", [src], tmp_path, capsys)
    assert code == 2 and len(err) == 2
    assert err[0].startswith(f"annotator: {src}:2: expected [start, end, label]") and err[0].endswith("(not imported)")
    # A relation naming an entity that is not there is left out, one line; its article goes in.
    assert err[1] == f"annotator: {src}:3: left out relation 1: it refers to entity 9, which is not in this line"
    assert "imported 3 of 4 articles from doccano" in out
    assert _written(tmp_path) == (["four", "one", "three"], ["four", "one", "three"])
    three = store.read(tmp_path / "ann" / "three.yaml").checked()
    assert list(three.entities) == ["T1"] and not three.relations


def test_label_studio_a_bad_task_is_refused_the_rest_imported(tmp_path, capsys):
    tasks = [
        {"id": 1, "data": {"text": "Rebels took Raqqa."}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": 12, "end": 17, "labels": ["GPE"]}}]}], "meta": {"name": "one"}},
        {"id": 2, "annotations": [], "meta": {"name": "two"}},
        [1, 2],
        {"id": 4, "data": {"text": "The town fell."}, "annotations": [{"result": [{"id": "b", "type": "labels", "value": {"start": 4, "end": 99, "labels": ["LOC"]}}]}], "meta": {"name": "four"}},
        {"id": 5, "data": {"text": "Mook said so."}, "annotations": [{"result": [{"id": "c", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}}]}], "meta": {"name": "five"}},
    ]
    src = tmp_path / "ls.json"
    src.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n", encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 2
    assert [line.split(": ", 2)[1] for line in err] == [f"{src}:3", f"{src}:4", f"{src}:5"]
    assert "a task needs 'data'" in err[0] and "each task must be a JSON object" in err[1] and "beyond the text" in err[2]
    assert "imported 2 of 5 articles from labelstudio" in out
    assert _written(tmp_path) == (["five", "one"], ["five", "one"])


def test_label_studio_a_relation_to_a_missing_result_is_left_out_with_a_line(tmp_path, capsys):
    task = {
        "id": 1,
        "data": {"text": "Mook said so."},
        "annotations": [{"result": [
            {"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["PER"]}},
            {"id": "b", "type": "choices", "value": {"choices": ["x"]}},
            {"from_id": "a", "to_id": "zz", "type": "relation", "labels": ["r"]},
            {"from_id": "a", "to_id": "b", "type": "relation", "labels": ["r"]},
        ]}],
        "meta": {"name": "one"},
    }
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 0 and "imported 1 of 1" in out
    assert err[0] == f"annotator: {src}:1: left out a relation: it refers to result 'zz', which is not in this task"
    assert "left out" in err[1] and "relation to results that are not entities" in err[1]  # counted, as before
    one = store.read(tmp_path / "ann" / "one.yaml").checked()
    assert list(one.entities) == ["T1"] and not one.relations


def test_label_studio_a_broken_array_keeps_what_came_before(tmp_path, capsys):
    src = tmp_path / "ls.json"
    good = {"id": 1, "data": {"text": "Rebels took Raqqa."}, "annotations": [], "meta": {"name": "one"}}
    src.write_text("[\n" + json.dumps(good) + ",\n{\"id\": 2, \"data\": \n", encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 2 and len(err) == 1 and "not JSON" in err[0]
    assert "imported 1 of 2 articles" in out
    assert _written(tmp_path)[0] == ["one"]


def test_conll_a_bad_document_is_refused_the_next_goes_on(tmp_path, capsys):
    src = tmp_path / "x.conll"
    src.write_text(
        "-DOCSTART- -X- O O\n\nRebels B-ORG\ntook O\n\n"
        "-DOCSTART- -X- O O\n\nMook B-PER\nsaid\nso O\n\n"
        "-DOCSTART- -X- O O\n\nRaqqa B-GPE\nfell O\n",
        encoding="utf-8",
    )
    code, err, out = _run("conll", [src], tmp_path, capsys)
    assert code == 2
    assert err == [f"annotator: {src}:9: expected a token and a tag, not 'said' (not imported)"]
    assert "imported 2 of 3 articles from conll" in out
    ann, _ = _written(tmp_path)
    texts = sorted((tmp_path / "texts" / f"{n}.txt").read_text(encoding="utf-8") for n in ann)
    assert texts == ["Raqqa fell", "Rebels took"]


def test_spacy_a_file_that_is_not_a_docbin_is_refused_the_others_imported(tmp_path, capsys):
    pytest.importorskip("spacy")
    from annotator.formats import spacy_docbin
    from annotator.formats.common import Report
    from annotator.model import AnnotationSet, Document, Entity, Span

    text = "Rebels took Raqqa."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "GPE", Span.of(text, 12, 17))
    good = tmp_path / "good.spacy"
    spacy_docbin.write([("one", aset)], good, Report("spacy"))
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not a docbin")
    code, err, out = _run("spacy", [bad, good, tmp_path / "missing.spacy"], tmp_path, capsys)
    assert code == 2 and len(err) == 2
    assert err[0].startswith(f"annotator: {tmp_path / 'missing.spacy'}: no such file")
    assert err[1].startswith(f"annotator: {bad}: not a spaCy DocBin")
    assert "imported 1 of 3 articles from spacy" in out
    assert _written(tmp_path)[0] == ["one"]


def test_everything_good_is_exit_0_and_n_of_n(tmp_path, capsys):
    src = _jsonl(tmp_path / "ok.jsonl", [{"text": "Rebels took Raqqa.", "spans": [], "answer": "accept", "meta": {"name": "one"}}])
    code, err, out = _run("jsonl", [src], tmp_path, capsys)
    assert code == 0 and err == [] and "imported 1 of 1 articles" in out


def test_a_file_that_cannot_be_written_is_refused_the_others_imported(tmp_path, capsys):
    src = tmp_path / "corpus"
    for sub in ("a", "b"):
        (src / sub).mkdir(parents=True)
        (src / sub / "d.txt").write_text("Mook said so.", encoding="utf-8")
        (src / sub / "d.ann").write_text("T1\tPER 0 4\tMook\n", encoding="utf-8")
    ann = tmp_path / "ann"
    ann.mkdir()
    (ann / "b").write_text("a file where the folder b would go", encoding="utf-8")
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 2
    cap = capsys.readouterr()
    (line,) = cap.err.splitlines()
    assert line.startswith(f"annotator: {ann / 'b' / 'd.yaml'}: cannot write") and line.endswith("(not imported)")
    assert "imported 1 of 2 articles" in cap.out
    store.read(ann / "a" / "d.yaml").checked()


def test_brat_files_that_are_not_utf8_are_refused_one_line_each(tmp_path, capsys):
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "a.txt").write_bytes(b"caf\xe9 au lait")
    (src / "a.ann").write_text("T1\tX 0 3\tcaf\n", encoding="utf-8")
    (src / "b.txt").write_text("ok text", encoding="utf-8")
    (src / "b.ann").write_bytes(b"T1\tX 0 2\tok\n\xff\n")
    (src / "c.txt").write_text("ok text", encoding="utf-8")
    (src / "c.ann").write_text("T1\tX 0 2\tok\n", encoding="utf-8")
    (src / "annotation.conf").write_text("[entities]\nX\n", encoding="utf-8")  # X is a known label
    code, err, out = _run("brat", [src], tmp_path, capsys)
    assert code == 2
    assert err[0].startswith(f"annotator: {src / 'a.txt'}: is not UTF-8 text")
    assert err[1] == f"annotator: {src / 'b.ann'}: is not UTF-8 text (bad byte 0xff at byte 12) (not imported)"
    assert "imported 1 of 3 articles" in out
    assert _written(tmp_path)[0] == ["c"]


def test_an_article_open_in_the_app_is_refused_never_overwritten(tmp_path, capsys):
    from annotator import lock

    src = tmp_path / "corpus"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.txt").write_text("Mook said so.", encoding="utf-8")
        (src / f"{name}.ann").write_text("T1\tPER 0 4\tMook\n", encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    capsys.readouterr()
    before = (ann / "a.yaml").read_bytes()
    (src / "a.ann").write_text("T1\tORG 0 4\tMook\n", encoding="utf-8")
    (src / "b.ann").write_text("T1\tORG 0 4\tMook\n", encoding="utf-8")
    held = lock.acquire(ann / "a.yaml")  # as the app holds it while the article is open
    assert held is not None
    try:
        assert main(["import", "--from", "brat", str(src), "--annotations", str(ann), "--force"]) == 2
    finally:
        held.release()
    cap = capsys.readouterr()
    (line,) = cap.err.splitlines()
    assert line.startswith(f"annotator: {ann / 'a.yaml'}: is open in the app") and line.endswith("(not imported)")
    assert "imported 1 of 2 articles" in cap.out
    assert (ann / "a.yaml").read_bytes() == before
    assert store.read(ann / "b.yaml").checked().entities["T1"].label == "ORG"


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "doccano", "doccano-label", "labelstudio"])
def test_an_empty_or_blank_source_is_refused_with_one_line_the_others_imported(fmt, tmp_path, capsys):
    """An empty file, or one of blank lines, is said as such (exit 2), never "imported
    0 of 0"; a good source beside it is imported."""
    good = {
        "jsonl": ('{"text": "Rebels took Raqqa.", "spans": [], "answer": "accept", "meta": {"name": "one"}}\n', "jsonl"),
        "conll": ("Rebels O\ntook O\nRaqqa B-GPE\n. O\n", "conll"),
        "doccano": ('{"text": "Rebels took Raqqa.", "label": [], "id": 1}\n', "jsonl"),
        "doccano-label": ('{"text": "Rebels took Raqqa.", "label": [], "id": 1}\n', "jsonl"),
        "labelstudio": ('[{"id": 1, "data": {"text": "Rebels took Raqqa."}, "annotations": []}]', "json"),
    }[fmt]
    ok = tmp_path / f"ok.{good[1]}"
    ok.write_text(good[0], encoding="utf-8")
    empty, blank = tmp_path / f"empty.{good[1]}", tmp_path / f"blank.{good[1]}"
    empty.write_bytes(b"")
    blank.write_text("\n\n", encoding="utf-8")
    code, err, out = _run(fmt, [empty, ok, blank], tmp_path, capsys)
    assert code == 2
    assert f"annotator: {empty}: is empty: nothing to import (not imported)" in err
    assert f"annotator: {blank}: holds no document: nothing to import (not imported)" in err
    assert "imported 1 of 3 articles" in out
    assert len(_written(tmp_path)[0]) == 1


def test_what_a_reader_makes_goes_through_the_store_s_checks_before_anything_is_written(tmp_path, capsys):
    """Import has one door: the store's validation (``store.plain``) looks at each
    document as its annotation file would read back, before its text or YAML is
    written. A zero-width span (doccano), an empty label, a NaN score (a Label
    Studio prediction file written by Python's ``json.dump``): each was written as
    a file ``validate`` then refused; now one line names the line of the source,
    nothing of that document is written, and the rest goes in."""
    src = _jsonl(
        tmp_path / "doccano.jsonl",
        [
            {"id": 1, "text": "Rebels took Raqqa.", "label": [[12, 17, "GPE"]], "Comments": []},
            {"id": 2, "text": "Mook said so.", "label": [[0, 4, "PER"], [5, 5, "ORG"]], "Comments": []},
            {"id": 3, "text": "The town fell.", "label": [[4, 8, ""]], "Comments": []},
        ],
    )
    code, err, out = _run("doccano-label", [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:2: it would make an invalid annotation file: T2: end 5 must be after start 5 (not imported)",
        f"annotator: {src}:3: it would make an invalid annotation file: T1: label must be a non-empty string, not '' (not imported)",
    ]
    assert "imported 1 of 3 articles" in out
    assert _written(tmp_path) == (["doccano-1"], ["doccano-1"])  # no text left behind for 2 and 3

    ls = tmp_path / "predictions.json"
    ls.write_text(
        '[{"id": 7, "data": {"text": "Rebels took Raqqa."}, "predictions": [{"model_version": "ner-v2", "result": '
        '[{"id": "p1", "from_name": "label", "to_name": "text", "type": "labels", "score": NaN, '
        '"value": {"start": 12, "end": 17, "text": "Raqqa", "labels": ["GPE"]}}]}]}]\n',
        encoding="utf-8",
    )
    code, err, out = _run("labelstudio", [ls], tmp_path, capsys)
    assert code == 2
    assert err == [f"annotator: {ls}:1: it would make an invalid annotation file: T1: score must be a finite number, not nan (not imported)"]
    assert not (tmp_path / "ann" / "7.yaml").exists() and not (tmp_path / "texts" / "7.txt").exists()


def _ls_task(task_id: int, text: str, results: list, predictions: list | None = None) -> dict:
    """A task as Label Studio's JSON export writes it (the fields it always has)."""
    return {
        "id": task_id,
        "annotations": [{
            "id": 100 + task_id, "completed_by": 1, "result": results, "was_cancelled": False,
            "ground_truth": False, "created_at": "2024-05-02T09:14:31.102Z", "updated_at": "2024-05-02T09:14:31.102Z",
            "lead_time": 12.5, "prediction": {}, "result_count": 0, "task": task_id, "project": 3, "parent_prediction": None,
        }],
        "file_upload": "news.json", "drafts": [], "predictions": predictions or [],
        "data": {"text": text}, "meta": {}, "created_at": "2024-05-02T09:10:02.000Z",
        "updated_at": "2024-05-02T09:14:31.150Z", "inner_id": task_id, "total_annotations": 1,
        "cancelled_annotations": 0, "total_predictions": len(predictions or []),
    }


def _region(rid: str, **value) -> dict:
    return {"value": value, "id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"}


def test_label_studio_a_span_whose_text_is_not_the_article_s_there_is_refused(tmp_path, capsys):
    """A result says its text; when the article reads otherwise at its offsets (here
    a tool wrote code points where Label Studio counts UTF-16: one emoji earlier,
    every offset after it is one short), the task is refused with one line naming
    the task, the offsets and both texts: it used to go in one character off."""
    text = "Protesters \U0001F525 burned tyres in Raqqa."
    tasks = [
        _ls_task(1, "Rebels took Raqqa.", [_region("a1", start=12, end=17, text="Raqqa", labels=["GPE"])]),
        _ls_task(2, text, [_region("b1", start=30, end=35, text="Raqqa", labels=["GPE"])]),  # right: UTF-16
        _ls_task(3, text, [_region("c1", start=29, end=34, text="Raqqa", labels=["GPE"])]),  # code points
    ]
    src = tmp_path / "project-3-at-2024-05-02.json"
    src.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 2
    line3 = 1 + json.dumps(tasks, indent=2)[: json.dumps(tasks, indent=2).index('"id": 3,')].count("\n")
    assert err == [
        f"annotator: {src}:{line3 - 1}: task 3: result 'c1' at 29-34 says 'Raqqa', but the text there reads ' Raqq' (not imported)"
    ]
    assert "imported 2 of 3 articles" in out
    two = store.read(tmp_path / "ann" / "2.yaml").checked()
    assert [(e.start, e.end, e.text) for e in two.entities.values()] == [(29, 34, "Raqqa")]


@pytest.mark.parametrize(
    "result, problem",
    [
        ({"id": "r1", "from_name": "label", "to_name": "text", "type": "labels"},
         "task 1: result 'r1' has no 'value' (an object with start, end, text and labels)"),
        (_region("r1", start=12, text="Raqqa", labels=["GPE"]), "task 1: result 'r1' has no end in its value"),
        (_region("r1", text="Raqqa", labels=["GPE"]), "task 1: result 'r1' has no start and no end in its value"),
        (_region("r1", start=12, end=17, text="Raqqa", labels="GPE"),
         "task 1: result 'r1': 'labels' must be a list of label names, as [\"PER\"], not 'GPE'"),
        (_region("r1", start=12, end=17, text="Raqqa", labels=[]),
         "task 1: result 'r1': 'labels' must be a list of label names, as [\"PER\"], not []"),
    ],
)
def test_label_studio_a_result_of_the_wrong_shape_is_one_line(result, problem, tmp_path, capsys):
    """A span result with no value, no start or end, or its labels as a string (once
    read letter by letter: three entities G, P and E) refuses its task with one line;
    the next task goes in."""
    tasks = [
        _ls_task(1, "Rebels took Raqqa.", [result]),
        _ls_task(2, "Mook said so.", [_region("m", start=0, end=4, text="Mook", labels=["PER"])]),
    ]
    src = tmp_path / "ls.json"
    src.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n", encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 2
    assert err == [f"annotator: {src}:2: {problem} (not imported)"]
    assert "imported 1 of 2 articles" in out
    assert _written(tmp_path)[0] == ["2"]


def test_label_studio_results_that_are_not_spans_are_still_left_out_and_counted(tmp_path, capsys):
    task = _ls_task(1, "Rebels took Raqqa.", [
        _region("a", start=12, end=17, text="Raqqa", labels=["GPE"]),
        {"value": {"choices": ["Conflict"]}, "id": "c", "from_name": "topic", "to_name": "text", "type": "choices", "origin": "manual"},
    ])
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 0 and err == ["annotator: labelstudio: left out 1 choices result"]
    assert [e.label for e in store.read(tmp_path / "ann" / "1.yaml").checked().entities.values()] == ["GPE"]


def test_prodigy_a_span_whose_text_is_not_the_article_s_there_is_refused(tmp_path, capsys):
    """ner.correct writes each span's text; a span whose offsets point elsewhere (the
    text edited after the task was made) refuses its article with one line: line
    number, offsets, both texts."""
    tok = lambda text: [  # noqa: E731 - Prodigy's token dicts
        {"text": m.group(), "start": m.start(), "end": m.end(), "id": i, "ws": text[m.end():m.end() + 1] == " "}
        for i, m in enumerate(__import__("re").finditer(r"\w+|[^\w\s]", text))
    ]
    good = "Rebels took Raqqa."
    bad = "Kurdish-led rebels took Raqqa."
    src = _jsonl(tmp_path / "ner_news.jsonl", [
        {"text": good, "_input_hash": 11, "_task_hash": 21, "tokens": tok(good),
         "spans": [{"start": 12, "end": 17, "text": "Raqqa", "token_start": 2, "token_end": 2, "label": "GPE"}],
         "_view_id": "ner_manual", "answer": "accept", "_timestamp": 1714641271},
        {"text": bad, "_input_hash": 12, "_task_hash": 22, "tokens": tok(bad),
         "spans": [{"start": 12, "end": 17, "text": "Raqqa", "token_start": 2, "token_end": 2, "label": "GPE"}],
         "_view_id": "ner_manual", "answer": "accept", "_timestamp": 1714641299},
    ])
    code, err, out = _run("prodigy", [src], tmp_path, capsys)
    assert code == 2
    assert err == [f"annotator: {src}:2: span 12-17 says 'Raqqa', but the text there reads 'rebel' (not imported)"]
    assert "imported 1 of 2 articles" in out


def _prodigy_tokens(text: str) -> list[dict]:
    import re

    return [
        {"text": m.group(), "start": m.start(), "end": m.end(), "id": i, "ws": text[m.end():m.end() + 1] == " "}
        for i, m in enumerate(re.finditer(r"\w+|[^\w\s]", text))
    ]


def test_prodigy_spans_and_relation_ends_with_no_label_are_left_out_with_a_line(tmp_path, capsys):
    """Prodigy's rel.manual keeps spans with ``"label": null`` (tokens merged into
    one unit) and links plain tokens (a ``child_span`` with a null label). The span
    used to refuse the whole article and the link made an entity labelled "None".
    Neither is an entity: each is left out with a line naming where and what, and
    the article's other annotations go in (refusing them would lose the labelled
    work for something Prodigy itself writes). An end with no label that is a
    labelled span of the same task links that entity."""
    text = "Mazloum Abdi said the SDF took Raqqa."
    span = lambda s, e, ts, te, label: {"start": s, "end": e, "token_start": ts, "token_end": te, "label": label}  # noqa: E731
    task = {
        "text": text, "_input_hash": -51830447, "_task_hash": 1205542183, "tokens": _prodigy_tokens(text),
        "spans": [span(0, 12, 0, 1, "PER"), span(22, 25, 4, 4, "ORG"), span(31, 36, 6, 6, None)],
        "relations": [
            {"head": 1, "child": 2, "head_span": span(0, 12, 0, 1, "PER"), "child_span": span(13, 17, 2, 2, None),
             "color": "#c5bdf4", "label": "SPEAKER"},
            {"head": 4, "child": 6, "head_span": span(22, 25, 4, 4, None), "child_span": span(31, 36, 6, 6, "GPE"),
             "color": "#ffd882", "label": "CAPTURED"},
        ],
        "answer": "accept", "_timestamp": 1714641271, "_view_id": "relations",
    }
    src = _jsonl(tmp_path / "rel_news.jsonl", [task])
    code, err, out = _run("prodigy", [src], tmp_path, capsys)
    assert code == 0 and "imported 1 of 1 articles" in out
    assert err == [
        f"annotator: {src}:1: left out span 31-36 'Raqqa': it has no label (an entity needs one)",
        f"annotator: {src}:1: left out relation 'SPEAKER': its child_span 13-17 'said' has no label (a relation joins two entities)",
    ]
    (yaml_path,) = (tmp_path / "ann").glob("*.yaml")
    aset = store.read(yaml_path).checked()
    assert sorted((e.label, e.text) for e in aset.entities.values()) == [("GPE", "Raqqa"), ("ORG", "SDF"), ("PER", "Mazloum Abdi")]
    (rel,) = aset.relations.values()
    assert (rel.type, aset.entities[rel.arg1].text, aset.entities[rel.arg2].text) == ("CAPTURED", "SDF", "Raqqa")


def test_label_studio_an_empty_document_is_refused_as_brat_and_the_store_refuse_it(tmp_path, capsys):
    """A task whose text is "" (or blank) was passed over, counted only in a
    summary ("left out 1 empty document", "imported 0 of 0" for a file of those,
    exit 0), while brat's empty .txt was refused and export refuses an empty
    article: now it is refused the same way, with one line naming the task, counted
    in M, exit 2, and nothing written for it."""
    tasks = [
        _ls_task(1, "", []),
        _ls_task(2, "Rebels took Raqqa.", [_region("a", start=12, end=17, text="Raqqa", labels=["GPE"])]),
        _ls_task(3, " \n", [], predictions=[{"id": 9, "model_version": "ner-v2", "score": 0.5, "result": []}]),
    ]
    src = tmp_path / "ls.json"
    src.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n", encoding="utf-8")
    code, err, out = _run("labelstudio", [src], tmp_path, capsys)
    assert code == 2
    assert err == [
        f"annotator: {src}:2: the article is empty: its text is empty or blank (not imported)",
        f"annotator: {src}:4: the article is empty: its text is empty or blank (not imported)",
    ]
    assert "imported 1 of 3 articles" in out
    assert _written(tmp_path) == (["2"], ["2"])
    # the way back: an annotation file of an empty article is refused by export, nothing written
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "e.txt").write_text("", encoding="utf-8")
    (tmp_path / "ann" / "e.yaml").write_text(
        "format: annotator/1\ndocument:\n  path: ../seeds/e.txt\n"
        "  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n  length: 0\n"
        "entities: []\nevents: []\nattributions: []\nrelations: []\n", encoding="utf-8")
    out_file = tmp_path / "back.json"
    assert main(["export", "--to", "labelstudio", str(tmp_path / "ann"), "-o", str(out_file)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"annotator: {tmp_path / 'ann' / 'e.yaml'}:3: article ../seeds/e.txt (relative to this file): the article is empty"
    ]
    # (the batch rule: the empty one skipped, the good one exported)
    assert [t["data"]["text"] for t in json.loads(out_file.read_text(encoding="utf-8"))] == [tasks[1]["data"]["text"]]


def test_labels_the_schema_lacks_make_a_schema_the_files_open_with(tmp_path, capsys):
    """spaCy's labels (PERSON, WORK_OF_ART) in a JSONL file: import wrote files that
    validate and the app then refused ("label 'PERSON' is not in the schema"). Now
    the built-in schema with those labels added is written beside them, and named."""
    from annotator.schema import default_schema, load_schema

    src = _jsonl(tmp_path / "ner.jsonl", [
        {"text": "Alice met Bob in Paris.", "spans": [{"start": 0, "end": 5, "label": "PERSON"},
                                                   {"start": 17, "end": 22, "label": "GPE"}]},
        {"text": "Bob read Ulysses.", "spans": [{"start": 9, "end": 16, "label": "WORK_OF_ART"},
                                             {"start": 0, "end": 3, "label": "PERSON"}]},
    ])
    code, err, out = _run("jsonl", [src], tmp_path, capsys)
    assert code == 0 and err == []
    written = tmp_path / "ann" / "schemas" / "jsonl.yaml"
    assert f"labels: PERSON, WORK_OF_ART; a schema with them written to {written}" in out
    schema = load_schema(written)
    base = default_schema()
    assert list(schema.entity_names) == [*base.entity_names, "PERSON", "WORK_OF_ART"]
    assert schema.events == base.events and schema.attributes == base.attributes
    files = sorted((tmp_path / "ann").glob("*.yaml"))
    assert len(files) == 2
    assert main(["validate", *map(str, files), "--schema", str(written)]) == 0
    capsys.readouterr()
    # the same import again (--force): the same schema file, not a second one
    assert main(["import", "--from", "jsonl", str(src), "--annotations", str(tmp_path / "ann"),
                 "--texts", str(tmp_path / "texts"), "--force"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "ann" / "schemas").iterdir()) == ["jsonl.yaml"]
    # labels the schema has: no schema written
    other = tmp_path / "known"
    other.mkdir()
    src2 = _jsonl(other / "k.jsonl", [{"text": "Bob left Paris.", "spans": [{"start": 9, "end": 14, "label": "GPE"}]}])
    code, err, out = _run("jsonl", [src2], other, capsys)
    assert code == 0 and "a schema with them" not in out and not (other / "ann" / "schemas").exists()


def test_a_schema_written_from_a_schema_reads_back_the_same():
    from annotator.schema import default_schema, schema_data, schema_from_data

    custom = schema_from_data({
        "name": "x", "entities": [{"name": "A", "key": "3", "description": "a, b"}, "B"],
        "events": [{"name": "E", "roles": ["R"], "triggers": ["took"], "description": "d"}],
        "attribution": {"types": ["direct"], "cues": ["said"]}, "relations": ["R1"],
        "attributes": [{"name": "Realis", "for": ["E"], "values": ["actual", "other"]}, {"name": "Neg", "flag": True},
                       {"name": "Wikidata", "link": True, "pattern": "Q[0-9]+"}, {"name": "Note", "description": "n"}],
        "label_map": {"PERSON": "A"},
    })
    for schema in (default_schema(), custom):
        assert schema_from_data(schema_data(schema)) == schema


def test_a_schema_written_by_import_is_kept_when_a_new_import_brings_another(tmp_path, capsys):
    """The brat conf's schema was written over DIR/schemas/NAME.yaml at every import
    (the user's edits to it lost), while the derived one took a free name: one
    writer now. The same schema again: the same file; another: NAME-2.yaml."""
    src = tmp_path / "col"
    src.mkdir()
    (src / "a.txt").write_text("Alice met Bob.\n", encoding="utf-8")
    (src / "a.ann").write_text("T1\tPerson 0 5\tAlice\n", encoding="utf-8")
    (src / "annotation.conf").write_text("[entities]\nPerson\n[relations]\n[events]\n[attributes]\n", encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    first = ann / "schemas" / "col.yaml"
    assert f"written to {first} " in capsys.readouterr().out
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann), "--force"]) == 0
    assert f"written to {first} " in capsys.readouterr().out  # the same schema: the same file
    edited = first.read_text(encoding="utf-8") + "# mine\n"
    first.write_text(edited, encoding="utf-8")
    (src / "annotation.conf").write_text("[entities]\nPerson\nPlace\n[relations]\n[events]\n[attributes]\n", encoding="utf-8")
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann), "--force"]) == 0
    second = ann / "schemas" / "col-2.yaml"
    assert f"written to {second} " in capsys.readouterr().out
    assert first.read_text(encoding="utf-8") == edited
    assert "Place" in second.read_text(encoding="utf-8")
