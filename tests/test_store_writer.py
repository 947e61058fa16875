"""The writer's entity lines and their order, built inline for speed, are the ones the
plain rules give: ``_span_flow`` and ``_tail`` for every entity, ``_entity_key`` for
the order (ties on offsets, odd ids, every status, scores and attrs included)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from annotator.model import NO_ATTRS, STATUSES, AnnotationSet, Document, Entity, Span
from annotator.store import writer
from annotator.store.scalars import scalar

from .test_store import SETTINGS, annotation_sets, attrs_st, strings


def _reference_line(e: Entity) -> str:
    flow = writer._span_flow(e.span)[1:-1]  # "start: s, end: e, text: t" without the braces
    parts = [f"id: {scalar(e.id)}", f"label: {scalar(e.label)}", flow, *writer._tail(e)]
    return "- {" + ", ".join(parts) + "}\n"


scores = st.one_of(
    st.none(),
    st.floats(),
    st.sampled_from([0.0, -0.0, 1e-05, 1e16, 1e300, 5e-324, math.inf, -math.inf, math.nan, 1, 0, -3, True]),
)


@st.composite
def entity_tables(draw) -> dict[str, Entity]:
    """Entities of a 30-character article, many at the same offsets."""
    table: dict[str, Entity] = {}
    for k in range(draw(st.integers(0, 12))):
        s = draw(st.integers(0, 5))
        frs = ((s, s + draw(st.integers(1, 3))),)
        if draw(st.booleans()):
            frs += ((frs[0][1] + 1, frs[0][1] + 1 + draw(st.integers(1, 3))),)
        eid = draw(st.sampled_from([f"T{k}", f"T0{k}", f"E{k}", f"x{k}", f"{k}", f"T{k}x"]))
        text = draw(strings)
        table[eid] = Entity(
            eid,
            draw(strings.filter(bool)),
            Span(frs, text),
            draw(st.sampled_from(STATUSES)),
            draw(st.none() | strings),
            draw(scores),
            draw(st.none() | strings),
            draw(st.just(NO_ATTRS) | attrs_st),
        )
    return table


@SETTINGS
@given(entity_tables())
def test_entity_lines_and_order_are_the_plain_rules(table):
    want = sorted(table.values(), key=writer._entity_key)
    assert writer._sorted_entities(table) == want
    assert [type(e) for e in writer._sorted_entities(table)] == [type(e) for e in want]
    assert writer._entity_lines(want) == [_reference_line(e) for e in want]


@SETTINGS
@given(annotation_sets())
def test_entity_lines_of_whole_sets_are_the_plain_rules(aset: AnnotationSet):
    want = sorted(aset.entities.values(), key=writer._entity_key)
    assert writer._sorted_entities(aset.entities) == want
    assert writer._entity_lines(want) == [_reference_line(e) for e in want]


def test_offsets_that_do_not_pack_into_one_int_are_sorted_by_the_key():
    """Negative offsets (not a valid file, but dumps writes what it is given) and
    entities sharing their offsets are ordered by ``_entity_key``, as before."""
    mk = lambda i, s, e: Entity(i, "PER", Span(((s, e),), "x"))  # noqa: E731
    table = {"T2": mk("T2", 3, 4), "T1": mk("T1", -2, 1), "T10": mk("T10", 3, 4), "T3": mk("T3", 0, 1)}
    assert [e.id for e in writer._sorted_entities(table)] == ["T1", "T3", "T2", "T10"]
    shared = {"T9": mk("T9", 1, 2), "T01": mk("T01", 1, 2), "T1": mk("T1", 1, 2), "T0": mk("T0", 0, 9)}
    assert [e.id for e in writer._sorted_entities(shared)] == ["T0", "T01", "T1", "T9"]
    assert AnnotationSet(Document("x")).entities == {} and writer._sorted_entities({}) == []


@SETTINGS
@given(annotation_sets(), st.integers(1, 4))
def test_dump_chunks_are_the_bytes_of_dumps(aset: AnnotationSet, lines):
    """A save writes ``dump_chunks``: together, the very bytes of ``dumps``, however
    many lines a chunk holds."""
    from unittest.mock import patch

    with patch.object(writer, "CHUNK_LINES", lines):
        chunks = list(writer.dump_chunks(aset))  # (made as they are written: a generator)
    assert all(type(c) is bytes and c for c in chunks)
    assert b"".join(chunks) == writer.dumps(aset).encode("utf-8")
    assert b"".join(writer.dump_chunks(aset)) == writer.dumps(aset).encode("utf-8")
    # the head (document, entities, events) then the tail (attributions, relations): the file
    with patch.object(writer, "CHUNK_LINES", lines):
        head = b"".join(writer.dump_chunks(aset, "head"))
        tail = b"".join(writer.dump_chunks(aset, "tail"))
        front = b"".join(writer.dump_chunks(aset, "entities"))
        back = b"".join(writer.dump_chunks(aset, "after entities"))
    assert head + tail == writer.dumps(aset).encode("utf-8")
    # the document and entities, then the rest (events, attributions, relations): the file too
    assert front + back == writer.dumps(aset).encode("utf-8") and head.startswith(front)
    # and so with the entities cut anywhere: the first ones, then the others and the rest
    n = len(aset.entities)
    for cut in {0, n // 3, n - 1, n, n + 2} - {-1}:
        with patch.object(writer, "CHUNK_LINES", lines):
            first = b"".join(writer.dump_chunks(aset, "entities", cut))
            others = b"".join(writer.dump_chunks(aset, "after entities", cut))
        assert first + others == writer.dumps(aset).encode("utf-8"), cut
        assert front.startswith(first) and first.count(b"\n- {id: ") == min(cut, n)
    assert tail.startswith((b"attributions:", b"attributions: []\n"))


def test_save_and_write_atomic_of_chunks_write_the_bytes_of_dumps(tmp_path):
    from unittest.mock import patch

    from annotator import store

    text = "Mazloum Abdi said عبد in Raqqa. " * 40
    aset = AnnotationSet(Document(text, "a.txt"))
    for k in range(1, 60):
        s = (k * 31) % (len(text) - 10)
        aset.entities[f"T{k}"] = Entity(f"T{k}", "PER", Span.of(text, s, s + 5), by="alice", score=k / 7)
    path = tmp_path / "sub" / "a.yaml"
    with patch.object(writer, "CHUNK_LINES", 7):
        store.save(aset, path)
    assert path.read_bytes() == store.dumps(aset).encode("utf-8")
    store.write_atomic(path, [b"a", b"", b"bc"])
    assert path.read_bytes() == b"abc"
    assert [p.name for p in path.parent.iterdir()] == ["a.yaml"]  # no temporary file left


def _checked_scalar(s: str) -> str:
    """``scalar`` without its cache and its shortcut for ids: the plain rules alone."""
    from annotator.store import scalars

    return s if s and scalars._plain_ok(s) else '"' + scalars._writer()[2].sub(scalars._escape_char, s) + '"'


def test_ids_written_by_the_shortcut_are_what_the_plain_rules_write():
    """An ASCII letter then ASCII digits is written plain without the checks; the
    checks say the same for every letter and 1 to 3 digits (leading zeros too),
    and PyYAML reads each back as the string; other digits and letters still go
    through the checks (the shortcut would be wrong for them or is not taken)."""
    import string

    import yaml

    from annotator.store import scalars

    letters = string.ascii_letters
    digits = [str(n) for n in range(1000)] + ["0" + str(n) for n in range(100)] + ["00", "000", "123456789"]
    for a in letters:
        for d in digits:
            s = a + d
            scalars.QUOTE_CACHE.pop(s, None)
            assert scalar(s) == s == _checked_scalar(s)
            assert yaml.safe_load(s) == s
    for s in ["T", "T1.5", "T²", "T١", "É1", "1T", "T 1", "T-1", "y", "n", "e5", "12", "012", "-1", "+1", ".5"]:
        scalars.QUOTE_CACHE.pop(s, None)
        assert scalar(s) == _checked_scalar(s)
        assert yaml.safe_load(scalar(s)) == s


@SETTINGS
@given(strings)
def test_scalar_is_the_plain_rules(s: str):
    from annotator.store import scalars

    scalars.QUOTE_CACHE.pop(s, None)
    assert scalar(s) == _checked_scalar(s)


def _reference_event_block(ev) -> str:
    """An event's block as the plain rules write it (the writer's loop before ``_event_blocks``)."""
    out = f"- id: {scalar(ev.id)}\n  type: {scalar(ev.type)}\n  trigger: {writer._span_flow(ev.trigger)}\n"
    if ev.arguments:
        out += "  arguments:\n" + "".join(f"  - {{role: {scalar(a.role)}, ref: {scalar(a.ref)}}}\n" for a in ev.arguments)
    else:
        out += "  arguments: []\n"
    return out + "".join(writer._block_tail(ev))


@st.composite
def event_lists(draw) -> list:
    """Events with one or several fragments, arguments or none, every status, odd scores, attrs."""
    from annotator.model import Argument, Event

    out = []
    for k in range(draw(st.integers(0, 12))):
        s = draw(st.integers(0, 5))
        frs = ((s, s + draw(st.integers(1, 3))),)
        if draw(st.booleans()):
            frs += ((frs[0][1] + 1, frs[0][1] + 1 + draw(st.integers(1, 3))),)
        args = tuple(Argument(draw(strings.filter(bool)), draw(strings.filter(bool))) for _ in range(draw(st.integers(0, 3))))
        out.append(Event(
            draw(st.sampled_from([f"E{k}", f"E0{k}", f"x{k}", f"{k}"])),
            draw(strings.filter(bool)),
            Span(frs, draw(strings)),
            args,
            draw(st.sampled_from(STATUSES)),
            draw(st.none() | strings),
            draw(scores),
            draw(st.none() | strings),
            draw(st.just(NO_ATTRS) | attrs_st),
        ))
    return out


@SETTINGS
@given(event_lists())
def test_event_blocks_are_the_plain_rules(events):
    """``_event_blocks`` (one string an event, tails from a cache of equal ones) writes
    what ``_span_flow``, ``scalar`` and ``_block_tail`` write, twice over (the
    second time from the cache: 0, -0.0 and False, 1 and 1.0 apart)."""
    want = [_reference_event_block(ev) for ev in events]
    assert writer._event_blocks(events) == want
    assert writer._event_blocks(events) == want
