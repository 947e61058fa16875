"""The mark index built from a set (numpy arrays, changes crossed out and kept
apart) answers every query as the index of per-mark tuples did (tests/marks_old.py),
before and after a run of changes."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import marks
from annotator.marks import LONG, MarkIndex
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Attribution, Document, Entity, Event, Ref, Span
from annotator.reanchor import LOST
from tests.marks_old import MarkIndex as OldIndex

N = 3 * LONG + 40
TEXT = "x" * N

statuses = st.sampled_from([ACCEPTED, SUGGESTED, REJECTED])
lengths = st.one_of(st.integers(0, 12), st.integers(LONG - 2, LONG + 40))


@st.composite
def spans(draw) -> Span:
    n = draw(st.integers(1, 3))
    frags = []
    for _ in range(n):
        s = draw(st.integers(0, N - 1))
        frags.append((s, min(N, s + draw(lengths))))
    return Span(tuple(sorted(frags)), "")


def attrs():
    return st.sampled_from([{}, {}, {}, {"note": "n"}, {LOST: True}, {LOST: ["cue"]}, {LOST: ["source", "content"]}])


@st.composite
def annotation(draw, i: int):
    kind = draw(st.sampled_from("EEEEVA"))
    status = draw(statuses)
    at = draw(attrs())
    if kind == "E":
        return Entity(f"T{i}", draw(st.sampled_from(["PER", "LOC", "ORG"])), draw(spans()), status, attrs=at)
    if kind == "V":
        return Event(f"E{i}", draw(st.sampled_from(["Attack", "Move"])), draw(spans()), status=status, attrs=at)
    part = st.one_of(st.none(), spans())
    source = draw(st.one_of(part, st.just(Ref("T0"))))
    return Attribution(f"A{i}", source, draw(part), draw(part), status=status, attrs=at)


@st.composite
def sets(draw):
    n = draw(st.integers(0, 40))
    aset = AnnotationSet(Document(TEXT))
    for i in range(n):
        ann = draw(annotation(i))
        aset.table(type(ann))[ann.id] = ann
    return aset


def same(new: MarkIndex, old: OldIndex, aset: AnnotationSet, probes: list[int]) -> None:
    assert len(new) == len(old)
    assert new.overlapping(-5, N + 5) == old.overlapping(-5, N + 5)
    for p in probes:
        assert new.overlapping(p, p + 7) == old.overlapping(p, p + 7)
        assert new.at(p) == old.at(p)
        for pred in (None, lambda m: m.status == SUGGESTED, lambda m: m.kind == "cue" and m.end - m.start > 3):
            assert new.next_start(p, pred=pred) == old.next_start(p, pred=pred)
            assert new.prev_start(p, pred=pred) == old.prev_start(p, pred=pred)
        for status in (SUGGESTED, ACCEPTED):
            only = lambda m, s=status: m.status == s  # noqa: E731
            assert new.next_start(p, status=status) == old.next_start(p, pred=only)
            assert new.prev_start(p, status=status) == old.prev_start(p, pred=only)
    for ann in aset.all():
        assert sorted(new.of(ann.id)) == sorted(old.of(ann.id))


@settings(max_examples=150, deadline=None)
@given(sets(), st.lists(st.integers(-2, N + 2), min_size=1, max_size=12), st.data())
def test_built_index_answers_as_the_old_one(aset, probes, data):
    # small=0: in arrays; else a small set's index, in the list of loose marks
    small = data.draw(st.sampled_from([0, 0, 10_000]))
    # a few annotations a chunk too: every table cut into several (see marks._CHUNK)
    chunk, was = data.draw(st.sampled_from([3, marks._CHUNK])), marks._CHUNK
    marks._CHUNK = chunk
    try:
        new = MarkIndex.build(aset, small=small)
    finally:
        marks._CHUNK = was
    old = OldIndex.build(aset)
    if small:
        assert len(new._s) == 0  # no arrays
    same(new, old, aset, probes)
    # a run of changes as Session._swap makes them: the table first, then the index
    for step in range(data.draw(st.integers(0, 8))):
        ids = [a.id for a in aset.all()]
        what = data.draw(st.sampled_from(["add", "remove", "change", "status"] if ids else ["add"]))
        before = after = None
        if what == "add":
            after = data.draw(annotation(100 + step))
        else:
            before = aset.get(data.draw(st.sampled_from(ids)))
            if what == "change":
                after = replace(before, trigger=data.draw(spans())) if isinstance(before, Event) else (
                    replace(before, span=data.draw(spans())) if isinstance(before, Entity) else
                    replace(before, cue=data.draw(st.one_of(st.none(), spans()))))
            elif what == "status":
                after = replace(before, status=data.draw(statuses), attrs={})
        ann = after if after is not None else before
        table = aset.table(type(ann))
        if after is None:
            del table[before.id]
        else:
            table[after.id] = after
        assert sorted(new.replace(before, after)) == sorted(old.replace(before, after))
        same(new, old, aset, probes)


def _change(aset, new, old, data, step):
    """One change as Session._swap makes it (the table first, then the index), on both indexes."""
    ids = [a.id for a in aset.all()]
    what = data.draw(st.sampled_from(["add", "remove", "change", "status"] if ids else ["add"]))
    before = after = None
    if what == "add":
        after = data.draw(annotation(100 + step))
    else:
        before = aset.get(data.draw(st.sampled_from(ids)))
        if what == "change":
            after = replace(before, trigger=data.draw(spans())) if isinstance(before, Event) else (
                replace(before, span=data.draw(spans())) if isinstance(before, Entity) else
                replace(before, cue=data.draw(st.one_of(st.none(), spans()))))
        elif what == "status":
            after = replace(before, status=data.draw(statuses), attrs={})
    ann = after if after is not None else before
    table = aset.table(type(ann))
    if after is None:
        del table[before.id]
    else:
        table[after.id] = after
    assert sorted(new.replace(before, after)) == sorted(old.replace(before, after))


@settings(max_examples=150, deadline=None)
@given(sets(), st.lists(st.integers(-2, N + 2), min_size=1, max_size=12), st.data())
def test_many_added_at_once_answer_as_one_at_a_time(aset, probes, data):
    """add_many (a batch of suggestions) gives the index the old one reaches by
    adding them one by one, whatever changes came before (crossed-out array
    positions) and after (the batch's own marks removed or replaced)."""
    new, old = MarkIndex.build(aset), OldIndex.build(aset)
    for step in range(data.draw(st.integers(0, 4))):
        _change(aset, new, old, data, step)
    batch = [data.draw(annotation(200 + i)) for i in range(data.draw(st.integers(0, 30)))]
    for ann in batch:
        aset.table(type(ann))[ann.id] = ann
    expected = [(m.start, m.end) for ann in batch for m in old.add(ann)]
    assert sorted(new.add_many(batch)) == sorted(expected)
    same(new, old, aset, probes)
    for step in range(data.draw(st.integers(0, 6))):
        _change(aset, new, old, data, 300 + step)
        same(new, old, aset, probes)


def test_many_added_to_an_index_of_loose_marks():
    aset = AnnotationSet(Document(TEXT))
    batch = [Entity("T1", "PER", Span(((3, 9),), "")), Entity("T2", "LOC", Span(((1, 2), (5, LONG + 9)), ""))]
    new, old = MarkIndex(), OldIndex()
    assert sorted(new.add_many(batch)) == sorted((m.start, m.end) for a in batch for m in old.add(a))
    assert new.overlapping(0, N) == old.overlapping(0, N)
    assert new.of("T2") == old.of("T2")


def test_the_lost_key_is_the_reanchoring_one():
    from annotator import marks, reanchor

    assert marks.LOST == reanchor.LOST


@settings(max_examples=150, deadline=None)
@given(sets(), st.lists(st.integers(-2, N + 2), min_size=1, max_size=12), st.data())
def test_many_removed_at_once_as_one_at_a_time(aset, probes, data):
    """remove_many (a batch undone) leaves the index removing one by one
    leaves, whether the marks are in the arrays, changed since (kept apart) or
    added in a batch; with more than _MANY_SHORT kept apart, or fewer."""
    import annotator.marks as marks_mod

    new, old = MarkIndex.build(aset), OldIndex.build(aset)
    for step in range(data.draw(st.integers(0, 4))):
        _change(aset, new, old, data, step)
    batch = [data.draw(annotation(200 + i)) for i in range(data.draw(st.integers(0, 12)))]
    for ann in batch:
        aset.table(type(ann))[ann.id] = ann
    if data.draw(st.booleans()):
        new.add_many(batch)
    else:
        for ann in batch:
            new.add(ann)
    for ann in batch:
        old.add(ann)
    anns = list(aset.all())
    gone = data.draw(st.lists(st.sampled_from(anns), unique_by=lambda a: a.id)) if anns else []
    for ann in gone:
        del aset.table(type(ann))[ann.id]
    expected = [(m.start, m.end) for ann in gone for m in old.remove(ann.id)]
    saved = marks_mod._MANY_SHORT
    marks_mod._MANY_SHORT = data.draw(st.sampled_from([0, 64]))
    try:
        assert sorted(new.remove_many(gone)) == sorted(expected)
    finally:
        marks_mod._MANY_SHORT = saved
    same(new, old, aset, probes)
    for step in range(data.draw(st.integers(0, 4))):
        _change(aset, new, old, data, 300 + step)
        same(new, old, aset, probes)
