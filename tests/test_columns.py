"""The entities' columns noted by the direct readers (``annotator.columns``): the
marks index, the counts and the list's rows made from them are those made from
the objects, and a table that is not exactly the one read gets no columns."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from annotator import columns, store
from annotator.pace import drop as pace_drop
from annotator.marks import MarkIndex
from annotator.model import NO_ATTRS, SUGGESTED, Entity, Span
from annotator.schema import default_schema
from annotator.session import Session, _counts
from annotator.store.direct_reader import direct_read
from annotator.tui.widgets import Rows


def _bench_set(n_entities=3000, events=300, attributions=300, relations=30, seed=5):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from gen import make_annotations, make_article

    text = make_article(80_000, seed)
    return make_annotations(text, n_entities, seed, n_events=events, n_attributions=attributions, n_relations=relations)


@pytest.fixture(autouse=True)
def wanted():
    columns.want()  # as the app's opening asks
    yield
    columns.forget()


def _without_columns(make, aset):
    saved = columns._noted[:]
    columns.forget()
    try:
        return make(aset)
    finally:
        columns._noted[:] = saved
        columns.want()


def _same_index(a: MarkIndex, b: MarkIndex) -> None:
    for x, y in zip((a._s, a._e, a._k, a._st), (b._s, b._e, b._k, b._st)):
        assert np.array_equal(x, y)
    assert len(a._a) == len(b._a) and all(p is q for p, q in zip(a._a, b._a))
    assert a._long == b._long and a._by_id == b._by_id


def _same_everything(aset) -> None:
    assert columns.of(aset.entities) is not None
    _same_index(MarkIndex.build(aset), _without_columns(MarkIndex.build, aset))
    rows, old = Rows.of(aset), _without_columns(Rows.of, aset)
    assert rows.keys() == old.keys()
    assert _counts(aset) == _without_columns(_counts, aset)


@pytest.fixture
def small_chunks(monkeypatch):
    # several chunks (and a last short one) out of a few thousand entities
    monkeypatch.setattr(columns, "CHUNK", 700)


def test_a_set_read_by_columns_gives_the_index_rows_and_counts_of_its_objects(small_chunks):
    aset = _bench_set()
    assert any(len(e.span.fragments) > 1 for e in aset.entities.values())  # spans of many fragments
    assert any(e.attrs is not NO_ATTRS for e in aset.entities.values())
    got = direct_read(store.dumps(aset), "t", aset.document.text, None, default_schema())
    assert got.same_annotations(aset)
    _same_everything(got)


def test_a_file_read_in_pieces_gives_the_same(tmp_path, small_chunks):
    aset = _bench_set(n_entities=6000, seed=8)
    path = tmp_path / "a.yaml"
    path.write_text(store.dumps(aset), encoding="utf-8")
    got = store.read(path, article=aset.document, schema=default_schema(), editing=True).aset
    assert got.same_annotations(aset)
    _same_everything(got)


def test_a_changed_table_gets_no_columns():
    aset = direct_read(store.dumps(_bench_set()), "t", None, None, None)
    assert columns.of(aset.entities) is not None
    session = Session(aset, default_schema())
    first = next(iter(aset.entities.values()))
    session.apply("status", [(first, replace(first, status=SUGGESTED))])  # same ids, same count
    assert columns.of(aset.entities) is None
    # the steps read the objects again: the same as with no columns noted at all
    assert Rows.of(aset).keys() == _without_columns(Rows.of, aset).keys()
    assert _counts(aset) == _without_columns(_counts, aset)


def test_another_table_or_forgotten_columns_get_none():
    aset = direct_read(store.dumps(_bench_set()), "t", None, None, None)
    assert columns.of(dict(aset.entities)) is None  # the same objects, another table
    columns.forget()
    assert columns.of(aset.entities) is None


def test_nothing_is_noted_unless_wanted():
    columns.forget()
    aset = direct_read(store.dumps(_bench_set()), "t", None, None, None)
    assert columns.of(aset.entities) is None and columns._noted[1] is None


def test_a_lost_span_among_the_entities_gets_no_columns(monkeypatch):
    monkeypatch.setattr(columns, "SMALL", 2)
    table: dict = {}
    ents = [Entity(f"T{i}", "PER", Span(((i, i + 1),), "x")) for i in range(5)]
    ents[3] = replace(ents[3], attrs={"lost": True})
    table.update((e.id, e) for e in ents)
    columns.note_objects(table, ents, first=True)
    assert columns.of(table) is None
    ents[3] = replace(ents[3], attrs={"note": "n"})
    table[ents[3].id] = ents[3]
    columns.note_objects(table, ents, first=True)
    assert columns.of(table) is not None


def test_a_small_table_gets_no_columns():
    aset = direct_read(store.dumps(_bench_set(n_entities=1500)), "t", None, None, None)
    assert len(aset.entities) <= columns.SMALL and columns.of(aset.entities) is None


def test_counting_from_columns_needs_no_numpy():
    # a session with no index (`annotator suggest`) counts from the columns
    # without the arrays, whose numpy import it does without
    import subprocess

    bench = str(Path(__file__).resolve().parent.parent / "bench")
    code = (
        f"import sys; sys.path.insert(0, {bench!r}); from gen import make_annotations, make_article; "
        "from annotator import columns, store; from annotator.store.direct_reader import direct_read; "
        "from annotator.session import Session; from annotator.schema import default_schema; "
        "columns.want(); text = make_article(80_000, 5); made = make_annotations(text, 3000, 5); "
        "aset = direct_read(store.dumps(made), 't', text, None, default_schema()); "
        "assert columns.of(aset.entities) is not None; s = Session(aset, default_schema(), index=False); "
        "print('numpy' in sys.modules, sum(s.status_counts().values()) == len(aset))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_forget_empties_the_columns_a_chunk_at_a_time_when_nobody_else_holds_them(monkeypatch):
    aset = direct_read(store.dumps(_bench_set()), "t", None, None, None)
    noted = columns._noted[1]
    assert noted is not None and all(len(col) == len(aset.entities) for col in noted)
    dropped = []
    monkeypatch.setattr(columns, "drop", lambda col: (dropped.append(col), pace_drop(col)))
    del noted
    columns.forget()
    assert len(dropped) == 5 and all(col == [] for col in dropped)  # (pace.drop: a pause between two chunks)
    assert columns._noted[1] is None and columns.of(aset.entities) is None
    assert len(aset.entities) == 3000  # the set itself untouched


def test_forget_leaves_columns_still_in_use_whole():
    aset = direct_read(store.dumps(_bench_set()), "t", None, None, None)
    cols = columns.of(aset.entities)
    assert cols is not None
    columns.forget()
    assert columns.of(aset.entities) is None
    ids = [i for piece in cols.chunks("ids") for i in piece.ids]
    assert ids == list(aset.entities)  # what a step still holds is not emptied under it


def _fragments_of(n: int) -> list:
    """``n`` entities' fragments, one each but for every seventh (three)."""
    return [((10 * i, 10 * i + 3), (10 * i + 4, 10 * i + 5), (10 * i + 7, 10 * i + 9)) if i % 7 == 3 else ((10 * i, 10 * i + 5),) for i in range(n)]


@pytest.mark.parametrize("sizes", [[5, 300, 1, 699, 700, 41], [2500], [1] * 9])
def test_the_numbers_a_reader_gives_are_the_arrays_of_the_fragments(small_chunks, sizes):
    """``numbers_of`` each part's fragments (as a read-ahead worker sends them),
    joined into chunks of about ``CHUNK``: the starts, ends and counts made from
    the fragments themselves, in the same order."""
    frags = _fragments_of(sum(sizes))
    cols = ([None] * len(frags), [], [], frags, [])
    given, at = [], 0
    for n in sizes:
        part = frags[at : at + n]
        numbers = columns.numbers_of(part)
        assert (numbers.counts is None) == all(len(f) == 1 for f in part)
        given.append((n, numbers))
        at += n
    got, want = columns._arrays(cols, given), columns._arrays(cols)
    assert got.bounds[0] == 0 and got.bounds[-1] == len(frags) and len(got.fs) == len(got.bounds) - 1
    for a, b in zip(got.bounds, got.bounds[1:]):  # about a chunk each (a part is never cut)
        assert b - a <= max(columns.CHUNK, max(sizes))
    for name in ("fs", "fe"):
        assert np.array_equal(np.concatenate(getattr(got, name)), np.concatenate(getattr(want, name)))

    def counts(ar):
        return np.concatenate([np.ones(b - a, np.intp) if c is None else c for a, b, c in zip(ar.bounds, ar.bounds[1:], ar.counts)])

    assert np.array_equal(counts(got), counts(want)) and counts(got).dtype == np.intp


def test_a_set_read_in_pieces_notes_its_numbers_and_gives_the_same(tmp_path, small_chunks, monkeypatch):
    from annotator.store import direct_bytes

    monkeypatch.setattr(direct_bytes, "PIECE", 2000)  # (many pieces, a note each)
    aset = _bench_set(n_entities=6000, seed=9)
    path = tmp_path / "a.yaml"
    path.write_text(store.dumps(aset), encoding="utf-8")
    got = store.read(path, article=aset.document, schema=default_schema(), editing=True).aset
    given = columns._noted[4]
    assert given is not None and len(given) > 3 and sum(n for n, _ in given) == len(got.entities)
    _same_everything(got)
    assert columns._noted[2] is not None and columns._noted[4] is None  # (made into the arrays once)


@pytest.mark.parametrize("n", [5, 300])
def test_a_number_past_int64_is_read_as_without_columns(n):
    """With no article to check them against, a start or end past int64 reads as
    it does without columns (no ``Numbers`` for it: the arrays from the fragments)."""
    ents = [Entity(f"T{i}", "PER", Span(((10 * i, 10 * i + 3),), "abc")) for i in range(n)]
    ents[n // 2] = Entity("Tbig", "PER", Span(((1 << 70, (1 << 70) + 3),), "abc"))
    from annotator.model import AnnotationSet, Document

    aset = AnnotationSet(Document("", None, None))
    aset.entities.update((e.id, e) for e in ents)
    text = store.dumps(aset)
    got = direct_read(text, "t", None, None, None)
    assert got.same_annotations(aset)
    columns.forget()
    assert direct_read(text, "t", None, None, None).same_annotations(got)
    columns.want()


def test_the_session_hands_the_rows_the_columns_it_checked_once_while_the_set_is_unchanged(small_chunks, monkeypatch):
    aset = _bench_set()
    got = direct_read(store.dumps(aset), "t", aset.document.text, None, default_schema())
    session = Session(got, default_schema())
    checks = []
    real_of = columns.of
    monkeypatch.setattr(columns, "of", lambda table: checks.append(table) or real_of(table))
    cols = session.take_entity_columns()
    assert isinstance(cols, columns.Columns)
    rows = Rows.of(got, cols)
    assert checks == []  # (not checked again)
    assert rows.keys() == _without_columns(Rows.of, got).keys()
    from annotator.lazy import LOOK

    assert session.take_entity_columns() is LOOK  # (once: the session holds them no more)


def test_after_a_change_the_session_hands_no_columns(small_chunks):
    aset = _bench_set()
    got = direct_read(store.dumps(aset), "t", aset.document.text, None, default_schema())
    session = Session(got, default_schema())
    ent = next(iter(got.entities.values()))
    session.apply("status", [(ent, replace(ent, status=SUGGESTED))])
    from annotator.lazy import LOOK

    assert session.take_entity_columns() is LOOK
    assert Rows.of(got, LOOK).keys() == _without_columns(Rows.of, got).keys()


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["PER", "ORG", "LOC"]), st.sampled_from(["accepted", "suggested", "rejected", "odd"])), max_size=60))
def test_counts_from_the_statuses_codes_are_those_from_the_columns(rows):
    from collections import Counter
    from itertools import compress

    from annotator.marks import _SCODES
    from annotator.session import _count_codes

    labels = [label for label, _ in rows]
    statuses = [status for _, status in rows]
    codes = np.fromiter(map(_SCODES.__getitem__, statuses), np.uint8, len(statuses))
    got_st, got_lab = Counter(), Counter()
    _count_codes(got_st, got_lab, columns.Piece(None, None, labels, statuses, None, None, None, codes))
    assert got_st == Counter(statuses)
    assert got_lab == Counter(compress(labels, [s == "accepted" for s in statuses]))
    assert all(type(v) is int for v in [*got_st.values(), *got_lab.values()])


def test_the_session_counts_a_read_set_from_the_codes_the_index_made(small_chunks):
    aset = _bench_set(seed=11)
    got = direct_read(store.dumps(aset), "t", aset.document.text, None, default_schema())
    session = Session(got, default_schema())
    assert columns._noted[5] is not None  # (the codes made by the index, read by the counts)
    assert (session._statuses, session._labels) == _without_columns(_counts, got)
    assert (session._statuses, session._labels) == _counts(aset, None)
