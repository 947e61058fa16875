"""ReferrerIndex answers as AnnotationSet.referrers does (the same annotations),
through random steps, deletes and undos."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import Argument, AnnotationSet, Attribution, Document, Entity, Event, Ref, Relation, Span
from annotator.referrers import ReferrerIndex, _targets
from annotator.session import Session
from annotator.schema import default_schema

TEXT = "Orhan Qereman said the SDF captured Deir el-Zor on Friday, Reuters reported. " * 4


def base() -> AnnotationSet:
    aset = AnnotationSet(Document(TEXT))
    for i in range(8):
        s = 6 * i
        aset.entities[f"T{i + 1}"] = Entity(f"T{i + 1}", "PER", Span.of(TEXT, s, s + 5))
    return aset


ops = st.lists(
    st.tuples(st.sampled_from(["event", "attr", "rel", "delete", "retarget"]), st.integers(1, 8), st.integers(1, 8)),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(ops)
def test_index_matches_a_scan(steps):
    session = Session(base(), default_schema())
    index = ReferrerIndex(session.aset)
    session.listeners.append(lambda r: index.changed(r.ids))
    n = 0
    for kind, a, b in steps:
        n += 1
        aset = session.aset
        if kind == "event":
            ev = Event(f"E{n}", "Conflict.Attack", Span.of(TEXT, 100, 105), (Argument("Attacker", f"T{a}"), Argument("Target", f"T{b}")))
            session.apply("event", [(None, ev)])
        elif kind == "attr":
            at = Attribution(f"A{n}", Ref(f"T{a}"), Span.of(TEXT, 14, 18), Span.of(TEXT, 19, 40))
            session.apply("attr", [(None, at)])
        elif kind == "rel":
            session.apply("rel", [(None, Relation(f"R{n}", "member_of", f"T{a}", f"T{b}"))])
        elif kind == "delete" and f"T{a}" in aset.entities:
            session.delete(f"T{a}")
        elif kind == "retarget" and aset.events:
            ev = next(iter(aset.events.values()))
            session.apply("retarget", [(ev, replace(ev, arguments=(Argument("Attacker", f"T{b}"),)))])
        if n % 4 == 0:
            session.undo()
        for i in range(1, 9):
            want = session.aset.referrers(f"T{i}")
            got = index.of(f"T{i}")
            assert {x.id for x in got} == {x.id for x in want}
            assert len(got) == len(want)
            kinds = [type(x).__name__ for x in got]  # events, then attributions, then relations
            assert kinds == sorted(kinds, key=["Event", "Attribution", "Relation"].index)
        assert _links_of(index) == _plain_links(session.aset)  # (nothing left behind by a change)


def test_an_index_made_in_a_thread_gives_way_between_pieces_and_matches_a_scan(monkeypatch):
    import threading

    from annotator import pace, referrers

    aset = base()
    ids = list(aset.entities)
    for i in range(10):
        a, b = ids[i % 8], ids[(i + 3) % 8]
        aset.events[f"E{i}"] = Event(f"E{i}", "Attack", Span.of(TEXT, 23, 26), (Argument("Agent", a), Argument("Target", b)))
        aset.attributions[f"A{i}"] = Attribution(f"A{i}", Ref(b), None, None, "SAY")
        aset.relations[f"R{i}"] = Relation(f"R{i}", "related", a, b)
    monkeypatch.setattr(referrers, "PIECE", 3)
    pauses = []
    made = []
    pace.set_hook(lambda: pauses.append(1))
    try:
        t = threading.Thread(target=lambda: made.append(ReferrerIndex(aset)))
        t.start()
        t.join()
    finally:
        pace.set_hook(None)
    assert len(pauses) >= 9  # (3 pieces of 10 per table: a pause between two)
    for i in ids:
        assert made[0].of(i) == aset.referrers(i)


def _plain_links(aset: AnnotationSet) -> dict[str, set[str]]:
    """target id -> the ids linking to it, from each annotation's targets (the plain object path)."""
    links: dict[str, set[str]] = {}
    for table in (aset.events, aset.attributions, aset.relations):
        for ann in table.values():
            for t in _targets(ann):
                links.setdefault(t, set()).add(ann.id)
    return links


def _links_of(index: ReferrerIndex) -> dict[str, set[str]]:
    return {t: set(had) if type(had) is set else {had} for t, had in index._in.items()}


ref_ids = st.sampled_from([f"T{i}" for i in range(1, 9)] + ["E1", "A2", "T99"])
sources = st.one_of(st.none(), ref_ids.map(Ref), st.just(Span.of(TEXT, 0, 5)))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.sampled_from(["Attacker", "Target"]), ref_ids), max_size=4), max_size=12),
    st.lists(sources, max_size=12),
    st.lists(st.tuples(ref_ids, ref_ids), max_size=8),
    st.integers(1, 5),
)
def test_an_index_made_by_tables_equals_one_made_link_by_link(events, attributions, relations, piece):
    import annotator.referrers as referrers

    aset = base()
    for i, args in enumerate(events):
        aset.events[f"E{i + 1}"] = Event(f"E{i + 1}", "Conflict.Attack", Span.of(TEXT, 100, 105), tuple(Argument(r, t) for r, t in args))
    for i, source in enumerate(attributions):
        aset.attributions[f"A{i + 1}"] = Attribution(f"A{i + 1}", source, Span.of(TEXT, 14, 18))
    for i, (a, b) in enumerate(relations):
        aset.relations[f"R{i + 1}"] = Relation(f"R{i + 1}", "member_of", a, b)
    old, referrers.PIECE = referrers.PIECE, piece  # (tables cut into pieces of a few)
    try:
        index = ReferrerIndex(aset)
    finally:
        referrers.PIECE = old
    assert _links_of(index) == _plain_links(aset)
    # the annotations linked, each the version indexed (their links are those to undo):
    # the relations in ``_out``, the events and attributions in the copies of their tables
    linked = [a for t in (aset.events, aset.attributions, aset.relations) for a in t.values() if _targets(a)]
    assert list(index._out.items()) == [(a.id, a) for a in aset.relations.values()]
    assert index._base == (aset.events, aset.attributions)
    assert index._base[0] is not aset.events and index._base[1] is not aset.attributions
    indexed = {**index._base[0], **index._base[1], **index._out}
    assert all(indexed[a.id] is a for a in linked)
    for i in [f"T{i}" for i in range(1, 9)] + ["E1", "A2", "T99"]:
        assert index.of(i) == aset.referrers(i)
