"""The session's status and label counts, counted a chunk at a time (``_counts``),
are those of one pass over the whole set (the code they replace), order included;
and they stay right through changes."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import session as session_mod
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, Relation
from annotator.schema import default_schema
from annotator.session import Session, _counts
from tests.test_marks_arrays import sets

_STATUS = session_mod._STATUS
_LABEL = session_mod._LABEL


def old_counts(aset):
    return (
        Counter(map(_STATUS, aset.all())),
        Counter(map(_LABEL, filter(lambda e: e.status == ACCEPTED, aset.entities.values()))),
    )


@settings(max_examples=100, deadline=None)
@given(sets(), st.integers(1, 7), st.lists(st.sampled_from([ACCEPTED, SUGGESTED, REJECTED, "odd"]), max_size=5))
def test_counts_are_those_of_one_pass(aset, chunk, rel_statuses):
    for i, status in enumerate(rel_statuses):
        aset.relations[f"R{i}"] = Relation(f"R{i}", "rel", "T0", "T1", status)
    want = old_counts(aset)
    saved = session_mod._COUNT_CHUNK
    session_mod._COUNT_CHUNK = chunk  # chunk boundaries inside every table
    try:
        got = _counts(aset)
    finally:
        session_mod._COUNT_CHUNK = saved
    assert got == want
    assert [list(c.items()) for c in got] == [list(c.items()) for c in want]  # same order of keys


@settings(max_examples=60, deadline=None)
@given(sets(), st.data())
def test_session_counts_follow_changes(aset, data):
    s = Session(aset, default_schema())
    assert (s._statuses, s._labels) == old_counts(aset)
    ids = sorted(a.id for a in aset.all())
    for ann_id in data.draw(st.lists(st.sampled_from(ids), max_size=4)) if ids else ():
        if s.get(ann_id) is None:
            continue
        if data.draw(st.booleans()):
            s.set_status(ann_id, data.draw(st.sampled_from([ACCEPTED, SUGGESTED, REJECTED])))
        else:
            s.delete(ann_id)
    want = old_counts(s.aset)
    assert +s._statuses == +want[0] and +s._labels == +want[1]
    assert s.status_counts() == {k: want[0][k] for k in (ACCEPTED, SUGGESTED, REJECTED)}
