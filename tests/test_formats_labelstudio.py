"""Label Studio import and export against what Label Studio writes and reads:
JSON lines, several annotators on a task, a completed pre-annotated task, a
second text field, an unreviewed article, malformed values."""

from __future__ import annotations

import json
from pathlib import Path

from annotator import store
from annotator.cli import main


def _run(srcs: list[Path], tmp_path: Path, capsys, fmt: str = "labelstudio") -> tuple[int, list[str], str]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    code = main(["import", "--from", fmt, *map(str, srcs), "--annotations", str(ann), "--texts", str(texts)])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out


def _written(tmp_path: Path) -> list[str]:
    for y in (tmp_path / "ann").glob("*.yaml"):
        store.read(y).checked()  # every file written is a valid annotation file
    return sorted(p.stem for p in (tmp_path / "ann").glob("*.yaml"))


def _read(tmp_path: Path, name: str):
    return store.read(tmp_path / "ann" / f"{name}.yaml").checked()


# -- JSON lines ------------------------------------------------------------------------


def test_json_lines_a_broken_line_is_refused_alone_and_the_tasks_after_it_imported(tmp_path, capsys):
    """One streaming decode read the whole file: a broken line 2 ended it, and tasks
    c and d were never read, the summary counting 2 articles. Each line is a task:
    the broken one is refused with its line, the others go in, counted right."""
    src = tmp_path / "tasks.jsonl"
    src.write_text(
        '{"id": "a", "data": {"text": "Doc A."}}\n'
        '{"id": "b", "data": {"text": "Doc B.}}\n'
        '{"id": "c", "data": {"text": "Doc C."}}\r\n'
        "\n"
        "{not json\n"
        '{"id": "d", "data": {"text": "Doc D."}}',
        encoding="utf-8",
    )
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 2
    assert [line.split(": ", 2)[1] for line in err] == [f"{src}:2", f"{src}:5"]
    assert all("not JSON" in line and line.endswith("(not imported)") for line in err)
    assert "imported 3 of 5 articles from labelstudio" in out
    assert _written(tmp_path) == ["a", "c", "d"]


def test_json_lines_a_broken_first_line_is_refused_alone(tmp_path, capsys):
    src = tmp_path / "tasks.jsonl"
    src.write_text('{"id": "a", "data": \n{"id": "b", "data": {"text": "Doc B."}}\n', encoding="utf-8")
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith(f"annotator: {src}:1: not JSON")
    assert "imported 1 of 2 articles" in out and _written(tmp_path) == ["b"]


def test_a_pretty_printed_task_and_a_broken_one_still_read_as_before(tmp_path, capsys):
    """A single task over many lines is one task; one broken on a later line is one
    line naming that line (not a line per line of it)."""
    task = {"id": 7, "data": {"text": "Rebels took Raqqa."}, "annotations": []}
    good = tmp_path / "one.json"
    good.write_text(json.dumps(task, indent=2), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(task, indent=2).replace('"annotations": []', '"annotations": [}'), encoding="utf-8")
    code, err, out = _run([good, bad], tmp_path, capsys)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"annotator: {bad}:6: not JSON")
    assert _written(tmp_path) == ["7"]


# -- what Label Studio's export holds ----------------------------------------------------


def _region(rid: str, start: int, end: int, text: str | None, label: str, to_name: str = "text", **extra) -> dict:
    value = {"start": start, "end": end, "labels": [label]}
    if text is not None:
        value["text"] = text
    return {"id": rid, "from_name": "label", "to_name": to_name, "type": "labels", "value": value, **extra}


def _annotation(ann_id: int, results: list, completed_by=None, **extra) -> dict:
    """An annotation as Label Studio's JSON export writes it (the fields it always has)."""
    return {
        "id": ann_id, "completed_by": completed_by, "result": results, "was_cancelled": False, "ground_truth": False,
        "created_at": "2024-05-02T09:14:31.102Z", "lead_time": 12.5, "prediction": {}, "parent_prediction": None, **extra,
    }


def _task(task_id: int, text: str, annotations: list, predictions: list | None = None, **data) -> dict:
    return {"id": task_id, "data": {"text": text, **data}, "annotations": annotations, "predictions": predictions or [],
            "meta": {}, "inner_id": task_id, "total_annotations": len(annotations)}


def _write(path: Path, tasks: list) -> Path:
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    return path


TEXT = "Protesters gathered in Damascus on Monday."


def _ents(aset) -> list[tuple]:
    return sorted(
        (e.label, e.text, e.status, e.by, e.suggested_by, e.suggested_label, e.score) for e in aset.entities.values()
    )


def test_one_person_s_annotation_is_accepted_as_theirs(tmp_path, capsys):
    """``completed_by`` is who made it: a user object (its email), or a user ID."""
    src = _write(tmp_path / "export.json", [
        _task(1, TEXT, [_annotation(10, [_region("a", 23, 31, "Damascus", "GPE")], {"id": 1, "email": "alice@example.org"})]),
        _task(2, TEXT, [_annotation(11, [_region("b", 35, 41, "Monday", "DATE")], 7)]),
    ])
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and err == [] and "imported 2 of 2" in out
    assert _ents(_read(tmp_path, "1")) == [("GPE", "Damascus", "accepted", "alice@example.org", None, None, None)]
    assert _ents(_read(tmp_path, "2")) == [("DATE", "Monday", "accepted", "user 7", None, None, None)]


def test_two_annotators_who_disagree_are_candidates_to_adjudicate_as_merge_makes_them(tmp_path, capsys):
    """Two people's annotations of one task were one gold, both labels of the same
    span accepted, nobody named. They are merged as ``annotator merge`` merges two
    folders: what both made is accepted (``by: merge``), each other one a candidate
    (``status: suggested``, ``by`` its annotator, ``attrs.merge``); the summary
    says how many tasks had several annotations."""
    alice, bob = {"id": 1, "email": "alice@example.org"}, {"id": 2, "email": "bob@example.org"}
    src = _write(tmp_path / "export.json", [_task(1, TEXT, [
        _annotation(10, [_region("a1", 23, 31, "Damascus", "GPE"), _region("a2", 35, 41, "Monday", "DATE")], alice),
        _annotation(11, [_region("b1", 23, 31, "Damascus", "LOC"), _region("b2", 35, 41, "Monday", "DATE")], bob),
    ])])
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and "imported 1 of 1" in out
    assert err == [
        "annotator: labelstudio: 1 task had several annotators' annotations, merged as `annotator merge` merges: "
        "1 accepted, 2 left to adjudicate (`annotator audit DIR --view`)"
    ]
    aset = _read(tmp_path, "1")
    got = {(e.label, e.status, e.by): dict(e.attrs["merge"]) for e in aset.entities.values()}
    assert got == {
        ("DATE", "accepted", "merge"): {"agree": 2, "of": 2},
        ("GPE", "suggested", "alice@example.org"): {"agree": 1, "of": 2, "annotators": ["alice@example.org"]},
        ("LOC", "suggested", "bob@example.org"): {"agree": 1, "of": 2, "annotators": ["bob@example.org"]},
    }
    # the adjudication view's candidates: accepting one rejects the other annotator's at that span
    from annotator.adjudication_changes import accept_candidate

    gpe = next(e.id for e in aset.entities.values() if e.label == "GPE")
    _, pairs = accept_candidate(aset, gpe, "carol")
    for _old, new in pairs:
        aset.entities[new.id] = new
    assert {(e.label, e.status) for e in aset.entities.values()} == {("DATE", "accepted"), ("GPE", "accepted"), ("LOC", "rejected")}


def test_a_ground_truth_annotation_is_the_gold_and_a_cancelled_one_no_annotator(tmp_path, capsys):
    alice, bob, carol = ({"id": i, "email": f"{n}@example.org"} for i, n in enumerate(["alice", "bob", "carol"], 1))
    src = _write(tmp_path / "export.json", [
        _task(1, TEXT, [
            _annotation(10, [_region("a1", 23, 31, "Damascus", "GPE")], alice),
            _annotation(11, [_region("b1", 23, 31, "Damascus", "LOC")], bob, ground_truth=True),
        ]),
        _task(2, TEXT, [
            _annotation(12, [_region("c1", 23, 31, "Damascus", "GPE")], carol),
            _annotation(13, [], bob, was_cancelled=True),
        ]),
    ])
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and "imported 2 of 2" in out
    assert err == ["annotator: labelstudio: left out 1 annotation beside a ground_truth one, 1 cancelled annotation"]
    assert _ents(_read(tmp_path, "1")) == [("LOC", "Damascus", "accepted", "bob@example.org", None, None, None)]
    assert _ents(_read(tmp_path, "2")) == [("GPE", "Damascus", "accepted", "carol@example.org", None, None, None)]


def test_a_completed_pre_annotated_task_is_done_its_predictions_decided(tmp_path, capsys):
    """Label Studio shows the predictions; the annotator keeps some (copied into the
    annotation, same region ID, ``origin: prediction``; relabelled:
    ``prediction-changed``) and deletes the others. A kept one was accepted and
    also pending again at the same span, a deleted one pending again: now a kept
    one is that annotation, ``suggested_by`` the model (with what it said, when
    relabelled), a deleted one rejected; nothing is left to review."""
    text = "Protesters gathered in Damascus on Monday, Ali Veli said."
    src = _write(tmp_path / "export.json", [_task(5, text, [_annotation(10, [
        _region("p1", 23, 31, "Damascus", "GPE", origin="prediction"),
        _region("p3", 43, 51, "Ali Veli", "PER", origin="prediction-changed"),
        _region("m1", 35, 41, "Monday", "DATE", origin="manual"),
    ], 1)], [{"id": 3, "model_version": "ner-v1", "score": 0.9, "result": [
        _region("p1", 23, 31, "Damascus", "GPE"),
        _region("p2", 35, 41, "Monday", "PER"),
        {**_region("p3", 43, 51, "Ali Veli", "ORG"), "score": 0.4},
    ]}])])
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and err == []
    assert _ents(_read(tmp_path, "5")) == [
        ("DATE", "Monday", "accepted", "user 1", None, None, None),
        ("GPE", "Damascus", "accepted", "user 1", "ner-v1", None, 0.9),
        ("PER", "Ali Veli", "accepted", "user 1", "ner-v1", "ORG", 0.4),
        ("PER", "Monday", "rejected", "user 1", "ner-v1", None, 0.9),
    ]
    assert main(["status", str(tmp_path / "texts"), "--annotations", str(tmp_path / "ann"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["states"]["done"] == 1
    # audit --by the model counts its decisions: one accepted as is, one relabelled, one rejected
    assert main(["audit", str(tmp_path / "ann"), "--by", "ner-v1", "--json"]) == 0
    review = json.loads(capsys.readouterr().out)["review"]
    assert review["ner-v1"] == {"accepted": 1, "rejected": 2, "pending": 0, "relabelled": 1, "precision": 1 / 3}


def test_predictions_no_annotation_came_from_stay_suggestions_once(tmp_path, capsys):
    """An annotation made by hand (no region from the predictions) decides nothing of
    them: they stay suggestions, except one that is in the annotation already
    (the same span and label), which is not a second entity."""
    src = _write(tmp_path / "export.json", [_task(5, TEXT, [_annotation(10, [
        _region("m1", 23, 31, "Damascus", "GPE", origin="manual"),
    ], 1)], [{"id": 3, "model_version": "ner-v1", "result": [
        {**_region("x1", 23, 31, "Damascus", "GPE"), "score": 0.8},
        {**_region("x2", 35, 41, "Monday", "DATE"), "score": 0.7},
    ]}])])
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and err == []
    assert _ents(_read(tmp_path, "5")) == [
        ("DATE", "Monday", "suggested", "ner-v1", None, None, 0.7),
        ("GPE", "Damascus", "accepted", "user 1", "ner-v1", None, 0.8),
    ]


def test_regions_on_another_text_field_are_left_out_and_counted(tmp_path, capsys):
    """A config with two <Text> fields (a title and the body): the title's regions
    (``to_name: title``) were applied to data.text: a task refused with a baffling
    line, or, without the region's text, a GPE on 'F ent' of the body."""
    title = "Kurdish forces take Raqqa"
    body = "Ali Veli said the SDF entered Raqqa on Monday."
    tasks = [
        _task(1, body, [_annotation(10, [
            _region("h1", 20, 25, text, "GPE", to_name="title"),
            _region("b1", 0, 8, "Ali Veli", "PER"),
        ], 1)], title=title)
        for text in ("Raqqa", None)
    ]
    tasks[1]["id"] = 2
    # a task whose text field is not called "text": the field its regions name
    tasks.append({"id": 3, "data": {"article": body, "url": "https://example.org/a"},
                  "annotations": [_annotation(12, [_region("c1", 30, 35, "Raqqa", "GPE", to_name="article")], 1)]})
    src = _write(tmp_path / "export.json", tasks)
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 0 and "imported 3 of 3" in out
    assert err == ["annotator: labelstudio: left out 2 results on data.title (the text is data.text)"]
    for name in ("1", "2"):
        assert [(e.label, e.text) for e in _read(tmp_path, name).entities.values()] == [("PER", "Ali Veli")]
    assert [(e.label, e.text) for e in _read(tmp_path, "3").entities.values()] == [("GPE", "Raqqa")]
    assert (tmp_path / "texts" / "3.txt").read_text(encoding="utf-8") == body


def test_values_of_the_wrong_type_are_one_line_each_not_a_traceback(tmp_path, capsys):
    good = _task(9, TEXT, [_annotation(10, [_region("a", 23, 31, "Damascus", "GPE")], 1)])
    bad = [
        ({"id": 1, "data": {"text": TEXT}, "annotations": [{"result": 1.5}]}, "task 1: 'result' must be a list of results, not 1.5"),
        ({"id": 2, "data": {"text": TEXT}, "annotations": 1.5}, "task 2: 'annotations' must be a list of annotations, not 1.5"),
        ({"id": 3, "data": {"text": TEXT}, "completions": {"a": 1}}, "task 3: 'completions' must be a list of annotations"),
        ({"id": 4, "data": {"text": TEXT}, "predictions": [{"result": {"x": 1}}]}, "task 4: 'result' must be a list of results"),
        ({"id": 5, "data": {"text": TEXT}, "predictions": "ner"}, "task 5: 'predictions' must be a list of predictions"),
        ({"id": 6, "data": {"text": TEXT}, "annotations": [1]}, "each annotation must be an object"),
    ]
    src = tmp_path / "ls.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in [t for t, _ in bad] + [good]), encoding="utf-8")
    code, err, out = _run([src], tmp_path, capsys)
    assert code == 2 and "imported 1 of 7" in out
    assert len(err) == len(bad)
    for i, (line, (_, problem)) in enumerate(zip(err, bad), 1):
        assert line.startswith(f"annotator: {src}:{i}: {problem}") and line.endswith("(not imported)")
    assert _written(tmp_path) == ["9"]


# -- export ----------------------------------------------------------------------------------


def test_an_article_with_nothing_accepted_is_an_unlabeled_task_with_its_predictions(tmp_path, capsys):
    """An empty annotation was written for it, which Label Studio counts as labeled
    (``is_labeled = annotations >= overlap``): the task showed as done and its
    pre-annotations were never reviewed. Now it has predictions only; an article
    with something accepted has its annotation. Both read back as they were."""
    from annotator.formats import labelstudio
    from annotator.formats.common import Report
    from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Span

    pending = AnnotationSet(Document(TEXT))
    pending.entities["T1"] = Entity("T1", "GPE", Span.of(TEXT, 23, 31), status=SUGGESTED, by="rules", score=0.8)
    done = AnnotationSet(Document(TEXT))
    done.entities["T1"] = Entity("T1", "GPE", Span.of(TEXT, 23, 31))
    out = tmp_path / "ls.json"
    labelstudio.write([("pending", pending), ("done", done)], out, Report("labelstudio"), "all")
    first, second = json.loads(out.read_text(encoding="utf-8"))
    assert first["annotations"] == []  # as Label Studio's own export writes an unlabeled task
    assert [p["model_version"] for p in first["predictions"]] == ["rules"]
    assert [a["result"][0]["value"]["labels"] for a in second["annotations"]] == [["GPE"]]
    assert "predictions" not in second
    back = {imp.name: imp.aset for imp in labelstudio.read(out, Report("ls"))}
    assert _ents(back["pending"]) == [("GPE", "Damascus", "suggested", "rules", None, None, 0.8)]
    assert _ents(back["done"]) == [("GPE", "Damascus", "accepted", None, None, None, None)]
