"""Prodigy JSONL as ``prodigy db-out`` writes it: several annotators' answers on
one input (named sessions, ``_annotator_id``/``_session_id``), and values of the
wrong type."""

from __future__ import annotations

import json
from pathlib import Path

from annotator import store
from annotator.cli import main

TEXT = "Protesters gathered in Damascus on Monday."


def _import(tmp_path: Path, lines: list, capsys) -> tuple[int, list[str], str, Path]:
    src = tmp_path / "db.jsonl"
    src.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    ann = tmp_path / "ann"
    code = main(["import", "--from", "jsonl", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")])
    cap = capsys.readouterr()
    return code, cap.err.splitlines(), cap.out, src


def _sets(tmp_path: Path) -> dict:
    return {y.stem: store.read(y).checked() for y in sorted((tmp_path / "ann").glob("*.yaml"))}


def _task(who: str | None, answer: str, *spans: tuple, text: str = TEXT, h: int = 42, **kw) -> dict:
    task = {
        "text": text, "_input_hash": h, "_task_hash": hash((who, answer, spans)) & 0xFFFF,
        "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans], "answer": answer, **kw,
    }
    if who is not None:
        task["_annotator_id"] = task["_session_id"] = who
    return task


def _ents(aset) -> list[tuple]:
    return sorted((e.label, e.text, e.status, e.by, dict(e.attrs.get("merge", {}))) for e in aset.entities.values())


def test_two_sessions_on_one_input_are_merged_for_adjudication_not_both_gold(tmp_path, capsys):
    """Two named sessions (feed_overlap) that disagree: both labels of the span were
    accepted gold, the session names dropped. Now each annotator is ``by``, and
    their answers are merged as ``annotator merge`` merges: the span both took is
    accepted, the others candidates; the summary says how many inputs."""
    code, err, out, _ = _import(tmp_path, [
        _task("news-alice", "accept", (23, 31, "GPE"), (35, 41, "DATE")),
        _task("news-bob", "accept", (23, 31, "LOC"), (35, 41, "DATE")),
    ], capsys)
    assert code == 0 and "imported 1 of 1" in out
    assert err == [
        "annotator: jsonl: 1 input had several annotators' annotations, merged as `annotator merge` merges: "
        "1 accepted, 2 left to adjudicate (`annotator audit DIR --view`)"
    ]
    (aset,) = _sets(tmp_path).values()
    assert _ents(aset) == [
        ("DATE", "Monday", "accepted", "merge", {"agree": 2, "of": 2}),
        ("GPE", "Damascus", "suggested", "news-alice", {"agree": 1, "of": 2, "annotators": ["news-alice"]}),
        ("LOC", "Damascus", "suggested", "news-bob", {"agree": 1, "of": 2, "annotators": ["news-bob"]}),
    ]


def test_one_annotator_s_answers_are_theirs(tmp_path, capsys):
    """A db-out of one session: accepted and rejected spans and relations are ``by``
    it (``_annotator_id``, else ``_session_id``); a session Prodigy named by its
    start time (no ``?session=``) names nobody: its answers are the same person's
    as the named one's (no merge), with no ``by``; other inputs go on as before."""
    rel = {"head": 3, "child": 5, "label": "on",
           "head_span": {"start": 23, "end": 31, "label": "GPE"}, "child_span": {"start": 35, "end": 41, "label": "DATE"}}
    only_session = _task(None, "reject", (0, 10, "PER"))
    only_session["_session_id"] = "news-2024-05-02_10-14-31"
    code, err, out, _ = _import(tmp_path, [
        _task("news-alice", "accept", (23, 31, "GPE"), (35, 41, "DATE"), relations=[rel]),
        _task("news-alice", "reject", (23, 41, "ORG")),
        only_session,
        _task(None, "accept", (0, 4, "GPE"), text="Rome rocks", h=7),
    ], capsys)
    assert code == 0 and err == [] and "imported 2 of 2" in out
    damascus, rome = sorted(_sets(tmp_path).values(), key=lambda a: a.document.text)
    assert _ents(rome) == [("GPE", "Rome", "accepted", None, {})]
    assert _ents(damascus) == [
        ("DATE", "Monday", "accepted", "news-alice", {}),
        ("GPE", "Damascus", "accepted", "news-alice", {}),
        ("ORG", "Damascus on Monday", "rejected", "news-alice", {}),
        ("PER", "Protesters", "rejected", None, {}),
    ]
    assert [r.by for r in damascus.relations.values()] == ["news-alice"]


def test_binary_answers_of_two_annotators_merge_their_rejections_too(tmp_path, capsys):
    """ner.teach with two annotators: a span one accepted and the other rejected is
    a candidate (1 of 2); one both rejected stays rejected, once."""
    code, err, out, _ = _import(tmp_path, [
        _task("news-alice", "accept", (23, 31, "GPE")),
        _task("news-bob", "reject", (23, 31, "GPE")),
        _task("news-alice", "reject", (35, 41, "PER")),
        _task("news-bob", "reject", (35, 41, "PER")),
    ], capsys)
    assert code == 0 and "imported 1 of 1" in out
    (aset,) = _sets(tmp_path).values()
    assert _ents(aset) == [
        ("GPE", "Damascus", "suggested", "news-alice", {"agree": 1, "of": 2, "annotators": ["news-alice"]}),
        ("PER", "Monday", "rejected", "news-alice", {}),
    ]


def test_values_of_the_wrong_type_are_one_line_each_not_a_traceback(tmp_path, capsys):
    """An ``answer`` that is an object and ``relations`` that are a number crashed
    the import with a TypeError; each is one file:line line, the rest imported."""
    code, err, out, src = _import(tmp_path, [
        {"text": "Ali in Damascus.", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": {"a": 1}},
        {"text": "Ali in Homs.", "spans": [], "relations": 1.5, "answer": "accept"},
        {"text": "Ali in Raqqa.", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": ["accept"]},
        {"text": "Rome rocks", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept"},
    ], capsys)
    assert code == 2 and "imported 1 of 4" in out
    assert err == [
        f"annotator: {src}:1: answer must be accept, reject or ignore, not {{'a': 1}} (not imported)",
        f"annotator: {src}:2: 'relations' must be a list, not 1.5 (not imported)",
        f"annotator: {src}:3: answer must be accept, reject or ignore, not ['accept'] (not imported)",
    ]
    assert [a.document.text for a in _sets(tmp_path).values()] == ["Rome rocks"]
