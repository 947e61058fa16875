"""The events' and attributions' spans noted by the direct readers
(``columns.note_spans``): the marks index and the list's rows made from their
numbers are those made from the objects (the same arrays, in the same order),
read whole, in pieces, a few rows at a time or by the read-ahead worker; a
table that is not exactly the one read is read from its objects."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from annotator import columns, forked, store
from annotator.marks import MarkIndex
from annotator.referrers import ReferrerIndex
from annotator.model import AnnotationSet, Attribution, Document, Event, Ref, Span
from annotator.schema import default_schema
from annotator.session import Session
from annotator.store import ahead, direct_bytes, direct_reader
from annotator.store.direct_reader import direct_read
from annotator.tui.widgets import Rows


def _set(n_events=2600, n_attributions=2600, seed=3) -> AnnotationSet:
    """A set with more events and attributions than ``columns.SMALL``: some triggers
    and attribution spans of two fragments, attributions with a Ref, a Span or no
    source, and some without a cue or a content."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from gen import make_annotations, make_article

    text = make_article(120_000, seed)
    aset = make_annotations(text, 3000, seed, n_events=n_events, n_attributions=n_attributions, n_relations=20)
    ents = sorted(aset.entities.values(), key=lambda e: e.start)
    singles = [e.span.fragments[0] for e in ents if len(e.span.fragments) == 1]
    pairs = [(a, b) for a, b in zip(singles, singles[1:]) if a[1] < b[0] and "\n" not in text[a[0] : b[1]]]
    for k, ev in enumerate(list(aset.events.values())):
        if k % 97 == 5:
            aset.events[ev.id] = replace(ev, trigger=Span.from_fragments(text, list(pairs[k % len(pairs)])))
    for k, att in enumerate(list(aset.attributions.values())):
        if k % 89 == 3:
            att = replace(att, cue=None)
        if k % 101 == 7:
            att = replace(att, content=None)
        if k % 83 == 11:
            att = replace(att, source=Span.from_fragments(text, list(pairs[(k * 7) % len(pairs)])))
        if k % 211 == 13:
            att = replace(att, source=None, cue=None, content=None)
        aset.attributions[att.id] = att
    atts = list(aset.attributions.values())
    assert any(type(a.source) is Ref for a in atts) and any(a.source is None for a in atts)
    assert any(a.cue is None for a in atts) and any(a.content is None for a in atts)
    assert any(len(e.trigger.fragments) > 1 for e in aset.events.values())
    assert any(type(a.source) is Span and len(a.source.fragments) > 1 for a in atts)
    return aset


@pytest.fixture(autouse=True)
def wanted():
    columns.want()  # as the app's opening asks
    yield
    columns.forget()


def _plain(aset: AnnotationSet) -> AnnotationSet:
    """The same objects in other tables: nothing noted for them."""
    out = AnnotationSet(aset.document)
    for name in ("entities", "events", "attributions", "relations"):
        getattr(out, name).update(getattr(aset, name))
    return out


def _same(aset: AnnotationSet) -> None:
    """The index and the rows of ``aset``, made from the spans noted, are those made
    from its objects."""
    assert columns.spans_of(aset.events) is not None and columns.spans_of(aset.attributions) is not None
    plain = _plain(aset)
    assert columns.spans_of(plain.events) is None and columns.spans_of(plain.attributions) is None
    a, b = MarkIndex.build(aset), MarkIndex.build(plain)
    for x, y in zip((a._s, a._e, a._k, a._st), (b._s, b._e, b._k, b._st)):
        assert np.array_equal(x, y)
    assert len(a._a) == len(b._a) and all(p is q for p, q in zip(a._a, b._a))
    assert a._long == b._long
    assert Rows.of(aset).keys() == Rows.of(plain).keys()
    # the referrers' index from the links noted: that of the objects
    assert columns.links_of(aset.events) is not None and columns.links_of(aset.attributions) is not None
    assert columns.links_of(plain.events) is None
    x, y = ReferrerIndex(aset), ReferrerIndex(plain)
    assert x._in == y._in and x._in
    targets = {t for t in x._in}
    assert all(x.of(t) == y.of(t) and set(x.of(t)) == set(aset.referrers(t)) for t in sorted(targets)[:50])


@pytest.fixture
def small_chunks(monkeypatch):
    # several chunks of the marks and the rows (and a last short one)
    from annotator import marks
    from annotator.tui import widgets

    monkeypatch.setattr(marks, "_CHUNK", 700)
    monkeypatch.setattr(widgets, "_CHUNK", 700)


def test_a_set_read_whole_gives_the_index_and_rows_of_its_objects(small_chunks):
    aset = _set()
    got = direct_read(store.dumps(aset), "t", aset.document.text, None, default_schema())
    assert got.same_annotations(aset)
    _same(got)


def test_a_file_read_in_pieces_gives_the_same(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(direct_bytes, "PIECE", 3000)  # (many pieces: a note each)
    aset = _set(seed=4)
    path = tmp_path / "a.yaml"
    path.write_text(store.dumps(aset), encoding="utf-8")
    got = store.read(path, article=aset.document, schema=default_schema(), editing=True).aset
    assert got.same_annotations(aset)
    assert len(columns._spans[id(got.events)][0]) > 10  # (pieces)
    _same(got)


def test_pieces_read_a_few_rows_at_a_time_give_the_same(tmp_path, small_chunks, monkeypatch):
    # every piece at most SMALL items: each read row by row (note_span_objects)
    monkeypatch.setattr(direct_bytes, "PIECE", 3000)
    monkeypatch.setattr(direct_reader, "SMALL", 10_000)
    aset = _set(seed=5)
    path = tmp_path / "a.yaml"
    path.write_text(store.dumps(aset), encoding="utf-8")
    got = store.read(path, article=aset.document, schema=default_schema(), editing=True).aset
    assert got.same_annotations(aset)
    _same(got)


def test_the_read_ahead_worker_sends_the_spans_numbers(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(direct_bytes, "PIECE", 3000)
    monkeypatch.setattr(ahead, "AHEAD_FROM", 0)
    monkeypatch.setattr(forked, "FORK", True)
    monkeypatch.setattr(direct_bytes, "WORKER_PIECES", 1 << 30)  # (the read's own worker: never)
    monkeypatch.setattr(direct_bytes, "AHEAD_WAIT", 30.0)  # (every piece the worker's)
    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", False)
    monkeypatch.setattr(direct_reader, "SMALL", 1)  # (a piece of a few events: columns, as a big one's)
    decoded = []
    real_decode = direct_bytes._decode
    monkeypatch.setattr(direct_bytes, "_decode", lambda view: decoded.append(real_decode(view)) or decoded[-1])
    aset = _set(seed=6)
    path = tmp_path / "a.yaml"
    path.write_text(store.dumps(aset), encoding="utf-8")
    started = ahead.start(path, aset.document, default_schema())
    assert started is not None
    try:
        got = store.read(path, article=aset.document, schema=default_schema(), editing=True).aset
    finally:
        started.cancel()
    assert got.same_annotations(aset)
    # the events' and attributions' pieces came with their numbers
    assert any(type(c[-1]) is columns.Numbers and len(c) > direct_reader.EVENT_COLUMNS for c in decoded if len(c) > 10)
    assert any(type(c[-1]) is columns.PartNumbers for c in decoded)
    _same(got)


def test_a_changed_table_is_read_from_its_objects():
    aset = direct_read(store.dumps(_set()), "t", None, None, None)
    assert columns.spans_of(aset.events) is not None
    session = Session(aset, default_schema())
    ev = next(iter(aset.events.values()))
    session.apply("status", [(ev, replace(ev, status="suggested"))])  # the same ids and count
    assert columns.spans_of(aset.events) is None
    assert columns.spans_of(aset.attributions) is not None
    plain = _plain(aset)
    assert Rows.of(aset).keys() == Rows.of(plain).keys()
    a, b = MarkIndex.build(aset), MarkIndex.build(plain)
    assert np.array_equal(a._s, b._s) and np.array_equal(a._st, b._st)
    assert all(p is q for p, q in zip(a._a, b._a))


def test_nothing_is_noted_unless_wanted_and_forget_lets_go():
    aset = direct_read(store.dumps(_set()), "t", None, None, None)
    assert columns.spans_of(aset.attributions) is not None
    columns.forget()
    assert columns.spans_of(aset.attributions) is None and not columns._spans
    got = direct_read(store.dumps(aset), "t", None, None, None)
    assert columns.spans_of(got.events) is None and not columns._spans


def test_a_small_table_gets_no_spans():
    aset = direct_read(store.dumps(_set(n_events=300, n_attributions=300)), "t", None, None, None)
    assert columns.spans_of(aset.events) is None and columns.spans_of(aset.attributions) is None


def test_a_trigger_past_int64_is_read_from_the_objects():
    """With no article to check them against, a number past int64 gives no numbers:
    the table is read from its objects, as without columns."""
    doc = Document("", None, None)
    aset = AnnotationSet(doc)
    for i in range(2500):
        aset.events[f"E{i}"] = Event(f"E{i}", "Conflict.Attack", Span(((10 * i, 10 * i + 3),), "abc"), by="a")
    aset.events["E7"] = Event("E7", "Conflict.Attack", Span(((1 << 70, (1 << 70) + 3),), "abc"), by="a")
    for i in range(2500):
        aset.attributions[f"A{i}"] = Attribution(f"A{i}", None, Span(((10 * i, 10 * i + 2),), "ab"), None, by="a")
    got = direct_read(store.dumps(aset), "t", None, None, None)
    assert got.same_annotations(aset)
    assert columns.spans_of(got.events) is None  # (its numbers: none)
    assert columns.spans_of(got.attributions) is not None
