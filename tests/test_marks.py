"""The mark index answers range queries exactly like a brute-force scan."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.marks import LONG, Mark, MarkIndex

spans = st.lists(
    st.tuples(st.integers(0, 2000), st.one_of(st.integers(1, 30), st.integers(LONG, 3 * LONG))),
    max_size=60,
)


def build(items):
    marks = [Mark(s, s + n, f"T{i}", "entity", "PER", "accepted") for i, (s, n) in enumerate(items)]
    return marks, MarkIndex(marks)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 2500), st.integers(0, 400))
def test_overlapping_equals_brute_force(items, start, length):
    marks, index = build(items)
    end = start + length + 1
    expected = sorted(m for m in marks if m.start < end and m.end > start)
    assert index.overlapping(start, end) == expected


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(-1, 2500))
def test_next_and_prev_start(items, offset):
    marks, index = build(items)
    after = sorted(m for m in marks if m.start > offset)
    before = sorted(m for m in marks if m.start < offset)
    nxt = index.next_start(offset)
    prv = index.prev_start(offset)
    assert (nxt.start if nxt else None) == (after[0].start if after else None)
    assert (prv.start if prv else None) == (before[-1].start if before else None)


@settings(max_examples=100, deadline=None)
@given(spans, st.data())
def test_remove_then_query(items, data):
    marks, index = build(items)
    if not marks:
        return
    gone = data.draw(st.sampled_from(marks))
    index.remove(gone.ann_id)
    rest = sorted(m for m in marks if m.ann_id != gone.ann_id)
    assert index.overlapping(0, 10_000) == rest
    assert len(index) == len(rest)
