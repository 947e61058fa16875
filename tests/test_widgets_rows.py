"""The annotation list's rows (``widgets.Rows``, numpy arrays) are the rows the
list of key tuples made (tests/widgets_old.py), in the same order, on sets made by
hypothesis, and stay so through a run of changes made by ``Session.apply``, undo
and redo."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from annotator.reanchor import LOST
from annotator.schema import default_schema
from annotator.session import Session
from annotator.tui import widgets
from annotator.tui.widgets import AnnotationList, Rows
from tests.widgets_old import OldRows, rows_of as old_rows_of

N = 60
TEXT = "x" * N
statuses = st.sampled_from([ACCEPTED, SUGGESTED, REJECTED])


@st.composite
def spans(draw) -> Span:
    # few places, so that many rows share (start, end) and go by id
    frags = []
    for _ in range(draw(st.integers(1, 3))):
        s = draw(st.integers(0, N - 1))
        frags.append((s, min(N, s + draw(st.integers(0, 4)))))
    return Span(tuple(sorted(frags)), "")


def attrs():
    return st.sampled_from([{}, {}, {}, {"note": "n"}, {LOST: True}, {LOST: ["cue"]}, {LOST: ["source", "content"]}])


@st.composite
def annotation(draw, i: int):
    kind = draw(st.sampled_from("EEEVAR"))
    status = draw(statuses)
    at = draw(attrs())
    # ids of several lengths and prefixes: string order is not number order
    num = draw(st.sampled_from([i, i * 10, i * 100 + 7]))
    if kind == "E":
        return Entity(f"T{num}", draw(st.sampled_from(["PER", "LOC"])), draw(spans()), status, attrs=at)
    if kind == "V":
        return Event(f"E{num}", "Attack", draw(spans()), status=status, attrs=at)
    if kind == "R":
        return Relation(f"R{num}", "rel", "T1", "T2", status=status, attrs=at)
    part = st.one_of(st.none(), spans())
    source = draw(st.one_of(part, st.just(Ref("T0"))))
    return Attribution(f"A{num}", source, draw(part), draw(part), status=status, attrs=at)


@st.composite
def sets(draw):
    aset = AnnotationSet(Document(TEXT))
    for i in range(draw(st.integers(0, 40))):
        ann = draw(annotation(i))
        aset.table(type(ann))[ann.id] = ann
    return aset


class sizes:
    """Rows made (and changed) as for a big set: numpy, whole columns at once."""

    def __init__(self, small: int, bulk: int) -> None:
        self.small, self.bulk = small, bulk

    def __enter__(self):
        self.was = widgets._SMALL, widgets._BULK
        widgets._SMALL, widgets._BULK = self.small, self.bulk

    def __exit__(self, *exc):
        widgets._SMALL, widgets._BULK = self.was


@settings(max_examples=300, deadline=None)
@given(sets(), st.sampled_from([0, 2000]), st.sampled_from([3, widgets._CHUNK]))
def test_rows_of_a_set_are_the_old_rows(aset, small, chunk):
    keys, key_of = old_rows_of(aset)
    was = widgets._CHUNK
    widgets._CHUNK = chunk  # (3: every table and column cut into several chunks)
    try:
        with sizes(small, widgets._BULK):
            rows = Rows.of(aset)
    finally:
        widgets._CHUNK = was
    assert rows.keys() == keys
    assert [rows.key(i) for i in range(len(rows))] == keys
    assert rows.lost_ids() == {k[2] for k in keys if k[0] == -1}
    for i, k in enumerate(keys):
        assert rows.find(k) == i and rows.index(k) == i
    for probe in [(-1, 0, "A"), (3, 2, "T5"), (3, 9, "T5"), (1 << 60, 0, "R"), (N, 0, "")]:
        from bisect import bisect_left

        assert rows.find(probe) == bisect_left(keys, probe)


def change(data, aset: AnnotationSet, step: int):
    """One edit as the app makes them: (before, after) pairs."""
    ids = [a.id for a in aset.all()]
    what = data.draw(st.sampled_from(["add", "remove", "move", "status", "lose"] if ids else ["add"]))
    if what == "add":
        after = data.draw(annotation(1000 + step))
        return [] if aset.get(after.id) is not None else [(None, after)]
    pairs = []
    for ann_id in data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)):
        before = aset.get(ann_id)
        if what == "remove":
            after = None
        elif what == "status":
            after = replace(before, status=data.draw(statuses))
        elif what == "lose":
            after = replace(before, attrs=data.draw(attrs()))
        elif isinstance(before, Entity):
            after = replace(before, span=data.draw(spans()))
        elif isinstance(before, Event):
            after = replace(before, trigger=data.draw(spans()))
        elif isinstance(before, Attribution):
            after = replace(before, cue=data.draw(st.one_of(st.none(), spans())))
        else:
            after = replace(before, type="other")
        pairs.append((before, after))
    return pairs


@settings(max_examples=200, deadline=None)
@given(sets(), st.data(), st.sampled_from([(0, 0), (0, 256), (2000, 256), (2000, 0)]))
def test_rows_follow_changes_as_the_old_rows_did(aset, data, mode):
    with sizes(*mode):
        changes_follow(aset, data)


def changes_follow(aset, data):
    session = Session(aset, default_schema())
    lst = AnnotationList(session.aset, session.schema)
    plain = AnnotationList(session.aset, session.schema)  # found by id, without the pairs
    old = OldRows(session.aset)
    for step in range(data.draw(st.integers(1, 8))):
        how = data.draw(st.sampled_from(["apply", "apply", "undo", "redo"]))
        if how == "apply":
            report = session.apply(f"step {step}", change(data, session.aset, step))
        else:
            report = session.undo() if how == "undo" else session.redo()
        if report is None:
            continue
        old.update_ids(report.ids)
        lst.update_ids(report.ids, report.step.pairs)
        plain.update_ids(report.ids)
        assert lst.keys() == old._keys == plain.keys()
        for ann in session.aset.all():
            assert lst.row_of(ann.id) == old.row_of(ann.id) == plain.row_of(ann.id)
    lst.reload()
    assert lst.keys() == old._keys


def test_a_column_is_copied_a_chunk_at_a_time_with_a_pause_between_two(monkeypatch):
    import threading
    from array import array

    import numpy as np

    from annotator import pace

    monkeypatch.setattr(widgets, "_CHUNK", 4)
    for n in (0, 1, 3, 4, 5, 11):
        values = np.arange(n, dtype=np.int64) * 7 - 3
        pauses = []
        got = []
        pace.set_hook(lambda: pauses.append(1))
        try:
            t = threading.Thread(target=lambda: got.append(widgets._column(values)))
            t.start()
            t.join()
        finally:
            pace.set_hook(None)
        assert got[0] == array("q", values.tolist())
        assert len(pauses) == max(0, -(-n // 4) - 1)
