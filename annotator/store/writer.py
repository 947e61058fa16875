"""The writer: an ``AnnotationSet`` as canonical format-1 YAML.

Hand-made for the fixed line shape (PyYAML's dumper is ~10x too slow for
50,000 entities). Every scalar is written plain when PyYAML's safe loader (and
a YAML 1.2 core-schema reader) would read it back as the very same string,
otherwise double-quoted with escapes; the decision is cached per distinct
string (``scalars.QUOTE_CACHE``).
"""

from __future__ import annotations

from typing import Any, Iterator

from ..model import ACCEPTED, NO_ATTRS, AnnotationSet, Attribution, Entity, Event, Ref, Span, id_number
from ..pace import chunks
from .scalars import QUOTE_CACHE, flow, number, scalar
from .tree import FORMAT  # (the readers take it from there: ``store.FORMAT`` is this)


def _span_flow(span: Span) -> str:
    fr = span.fragments
    if len(fr) == 1:
        pos = f"start: {fr[0][0]}, end: {fr[0][1]}"
    else:
        pos = "fragments: [" + ", ".join(f"[{s}, {e}]" for s, e in fr) + "]"
    return "{" + pos + ", text: " + scalar(span.text) + "}"


def _tail(ann: Any) -> list[str]:
    """status, by, score, suggested_by, suggested_label, attrs as ``key: value`` parts."""
    parts = []
    if ann.status != ACCEPTED:
        parts.append("status: " + scalar(ann.status))
    if ann.by is not None:
        parts.append("by: " + scalar(ann.by))
    if ann.score is not None:
        parts.append("score: " + number(ann.score))
    if ann.suggested_by is not None:
        parts.append("suggested_by: " + scalar(ann.suggested_by))
    if ann.suggested_label is not None:
        parts.append("suggested_label: " + scalar(ann.suggested_label))
    if ann.attrs:
        parts.append("attrs: " + _attrs_flow(ann.attrs))
    return parts


#: attrs written, by their repr (the same repr, the same YAML): merge's and a
#: suggester's attrs repeat over thousands of annotations
_ATTRS_CACHE: dict[str, str] = {}


def _attrs_flow(attrs: Any) -> str:
    key = repr(attrs)
    out = _ATTRS_CACHE.get(key)
    if out is None:
        out = flow(dict(attrs))
        if len(_ATTRS_CACHE) > 20_000:
            _ATTRS_CACHE.clear()
        _ATTRS_CACHE[key] = out
    return out


def _entity_lines(entities: list[Entity]) -> list[str]:
    """The entities' lines (one per entity), built inline (the hot loop of a save): one
    f-string per line, the tokens from the quote cache (ids and texts of a set saved
    before are in it), and the tail (status, by, score, suggested_by, suggested_label, attrs, as
    ``_tail`` writes them) from small caches of its parts."""
    cached = QUOTE_CACHE.get
    q = scalar
    no_attrs = NO_ATTRS
    # ", by: x" by ``by`` (None: nothing), ", status: x" by status (accepted: nothing),
    # ", suggested_by: x" by suggested_by: a few distinct values each
    by_part: dict = {None: ""}
    status_part: dict = {ACCEPTED: ""}
    suggested_part: dict = {None: ""}
    by_get, status_get, suggested_get = by_part.get, status_part.get, suggested_part.get
    out = []
    append = out.append
    for e in entities:
        span = e.span
        fr = span.fragments
        i, lab, t = e.id, e.label, span.text
        i = cached(i) or q(i)
        lab = cached(lab) or q(lab)
        t = cached(t) or q(t)
        by = e.by
        tail = by_get(by)
        if tail is None:
            tail = by_part[by] = ", by: " + q(by)
        status = e.status
        if status != ACCEPTED:
            head = status_get(status)
            if head is None:
                head = status_part[status] = ", status: " + q(status)
            tail = head + tail
        score = e.score
        if score is not None:
            if type(score) is float:
                r = repr(score)  # number(score), unless it is not finite or has an exponent
                if "e" in r or "n" in r:
                    r = number(score)
            else:
                r = number(score)
            tail += ", score: " + r
        suggested_by = e.suggested_by
        if suggested_by is not None:
            part = suggested_get(suggested_by)
            if part is None:
                part = suggested_part[suggested_by] = ", suggested_by: " + q(suggested_by)
            tail += part
        if e.suggested_label is not None:  # (a relabelled suggestion: a few)
            tail += ", suggested_label: " + q(e.suggested_label)
        attrs = e.attrs
        if attrs is not no_attrs and attrs:
            tail += ", attrs: " + _attrs_flow(attrs)
        if len(fr) == 1:
            ((s, u),) = fr
            append(f"- {{id: {i}, label: {lab}, start: {s}, end: {u}, text: {t}{tail}}}\n")
        else:
            frs = ", ".join([f"[{s}, {u}]" for s, u in fr])
            append(f"- {{id: {i}, label: {lab}, fragments: [{frs}], text: {t}{tail}}}\n")
    return out


def _sorted_entities(entities: dict[str, Entity]) -> list[Entity]:
    """The entities in file order (``_entity_key``). Sorted on one int per entity,
    ``start << 64 | end``, when no offset is negative: a quarter of the key
    function's time. Entities that share their offsets (the ids decide only
    there: a suggester's other label for a span already tagged, a few in
    100,000) are sorted by the key function among themselves, in their place."""
    values = entities.values()
    try:
        keys = [((fr := e.span.fragments)[0][0] << 64) | fr[-1][1] for e in values]
    except TypeError:  # (offsets that are not ints: the key function says what is wrong)
        return sorted(values, key=_entity_key)
    by_key = dict(zip(keys, values))
    if by_key and min(by_key) < 0:
        return sorted(values, key=_entity_key)
    if len(by_key) == len(entities):
        return list(map(by_key.__getitem__, sorted(by_key)))
    # (the 92,465 entities of a suggest on 1 MB with 7 shared: 0.09 s instead of 0.18)
    first: dict[int, Entity] = {}
    shared: dict[int, list[Entity]] = {}
    for k, e in zip(keys, values):
        if k in first:
            shared.setdefault(k, [first[k]]).append(e)
        else:
            first[k] = e
    out: list[Entity] = []
    add, extend, get = out.append, out.extend, shared.get
    for k in sorted(by_key):
        same = get(k)
        if same is None:
            add(by_key[k])
        else:
            extend(sorted(same, key=_entity_key))
    return out


def _entity_key(e: Entity) -> tuple:
    fr = e.span.fragments
    digits = e.id[1:]  # id_number, inline: called once per entity of a save
    return (fr[0][0], fr[-1][1], int(digits) if digits.isdigit() else 0, e.id)


def _event_key(ev: Event) -> tuple:
    fr = ev.trigger.fragments
    return (fr[0][0], fr[-1][1], id_number(ev.id), ev.id)


def _attribution_key(at: Attribution, entities: dict) -> tuple:
    spans = list(at.spans())
    if isinstance(at.source, Ref) and at.source.ref in entities:
        spans.append(entities[at.source.ref].span)
    if spans:
        return (min(s.start for s in spans), max(s.end for s in spans), id_number(at.id), at.id)
    return (-1, -1, id_number(at.id), at.id)


def _block_tail(ann: Any) -> list[str]:
    return [f"  {part}\n" for part in _tail(ann)]


#: ``_block_tail`` joined, of annotations without attrs, by (status, by,
#: suggested_by, suggested_label, the score's type, score): a suggester's events share a few
#: (not a zero score: 0, -0.0 and False are equal keys written apart)
_BLOCK_TAILS: dict = {}
_BLOCK_TAILS_MAX = 4096


def _block_tail_text(ann: Any) -> str:
    """``"".join(_block_tail(ann))``, from ``_BLOCK_TAILS`` when it can."""
    if ann.attrs:
        return "".join(_block_tail(ann))
    score = ann.score
    key = (ann.status, ann.by, ann.suggested_by, ann.suggested_label, type(score), score)
    try:
        got = _BLOCK_TAILS.get(key)
    except TypeError:  # (something unhashable)
        return "".join(_block_tail(ann))
    if got is None:
        got = "".join(_block_tail(ann))
        if score != 0:
            if len(_BLOCK_TAILS) >= _BLOCK_TAILS_MAX:
                _BLOCK_TAILS.clear()
            _BLOCK_TAILS[key] = got
    return got


def _event_blocks(events: list[Event]) -> list[str]:
    """The events' blocks, one string each, the same text as ``_span_flow``,
    ``scalar`` and ``_block_tail`` make (the hot loop of a suggester's save:
    8,000 events of 1 MB)."""
    cached = QUOTE_CACHE.get
    q = scalar
    tail_text = _block_tail_text
    out = []
    append = out.append
    for ev in events:
        trigger = ev.trigger
        fr = trigger.fragments
        i, typ, t = ev.id, ev.type, trigger.text
        i = cached(i) or q(i)
        typ = cached(typ) or q(typ)
        t = cached(t) or q(t)
        if len(fr) == 1:
            ((s, u),) = fr
            head = f"- id: {i}\n  type: {typ}\n  trigger: {{start: {s}, end: {u}, text: {t}}}\n"
        else:
            frs = ", ".join(f"[{s}, {u}]" for s, u in fr)
            head = f"- id: {i}\n  type: {typ}\n  trigger: {{fragments: [{frs}], text: {t}}}\n"
        args = ev.arguments
        if args:
            head += "  arguments:\n" + "".join(
                [f"  - {{role: {cached(a.role) or q(a.role)}, ref: {cached(a.ref) or q(a.ref)}}}\n" for a in args]
            )
        else:
            head += "  arguments: []\n"
        append(head + tail_text(ev))
    return out


def dumps(aset: AnnotationSet) -> str:
    """The canonical format-1 YAML of a set: deterministic, sorted by position."""
    return "".join(_pieces(aset))


#: entities written between two ``pace.pause()`` (about 5 ms of a save)
_LINES_PIECE = 5_000

#: lines (or a few lines) per chunk of ``dump_chunks`` (about 100 kB each)
CHUNK_LINES = 1000


def dump_chunks(aset: AnnotationSet, part: str = "all", cut: int | None = None) -> Iterator[bytes]:
    """``dumps(aset).encode("utf-8")`` in chunks of about ``CHUNK_LINES`` lines, made
    as they are written: a save never holds the whole file (the 10 MB article's
    66 MB of YAML as a million strings took 160 MB more at each save). Joining and
    encoding the whole file at once also costs more than the chunks do (13 of 18 ms
    for 50,000 entities).

    ``part``: "head" (the document, entities and events) or "tail" (the
    attributions and relations): the head's bytes then the tail's are the whole
    file's (two processes may make one each: see `annotator suggest`); so are
    "entities" (the document and entities) then "after entities" (the rest).
    ``cut``: with those two, the first ``cut`` entities (in file order) are the
    first part's, the others the second's."""
    for lines in _parts(aset, part, cut):
        if lines:
            yield "".join(lines).encode("utf-8")


def _pieces(aset: AnnotationSet) -> list[str]:
    """The text of ``dumps`` in order, a line (or a few) per string."""
    return [piece for part in _parts(aset) for piece in part]


def _head_parts(aset: AnnotationSet):
    """``_parts`` of the document, entities and events; returns the lines not yielded yet."""
    out = yield from _entity_parts(aset)
    return (yield from _event_parts(aset, out))


def _entity_parts(aset: AnnotationSet, cut: int | None = None):
    """``_parts`` of the document and entities (the first ``cut`` of them: all when
    None); returns the lines not yielded yet."""
    q = scalar
    doc = aset.document
    out = [f"format: {FORMAT}\n", "document:\n"]
    if doc.path is not None:
        out.append(f"  path: {q(str(doc.path))}\n")
    if doc.sha256 is not None:
        out.append(f"  sha256: {q(doc.sha256)}\n")
    out.append(f"  length: {len(doc.text)}\n")
    entities = _sorted_entities(aset.entities)
    if entities:
        out.append("entities:\n")
        return (yield from _entity_line_parts(entities if cut is None else entities[:cut], out))
    out.append("entities: []\n")
    return out


def _entity_line_parts(entities: list[Entity], out: list[str]):
    """``_parts`` of these entities' lines, after ``out``; returns the lines not yielded yet."""
    for part in chunks(entities, _LINES_PIECE):  # (a save in a thread gives way between two: see pace)
        lines = _entity_lines(part)
        for k in range(0, len(lines), CHUNK_LINES):
            out.extend(lines[k : k + CHUNK_LINES])
            yield out
            out = []
    return out


def _event_parts(aset: AnnotationSet, out: list[str]):
    """``_parts`` of the events, after ``out`` (lines not yielded yet); returns those not yielded yet."""
    events = sorted(aset.events.values(), key=_event_key)
    if events:
        out.append("events:\n")
        step = max(1, CHUNK_LINES // 8)  # events a chunk: about CHUNK_LINES lines
        for k in range(0, len(events), step):
            out.extend(_event_blocks(events[k : k + step]))
            yield out
            out = []
    else:
        out.append("events: []\n")
    return out


def _parts(aset: AnnotationSet, part: str = "all", cut: int | None = None) -> Iterator[list[str]]:
    """The text of ``dumps`` in order, a line (or a few) per string, in lists of
    about ``CHUNK_LINES`` strings; ``part``, ``cut``: see ``dump_chunks``."""
    q = scalar
    if part == "entities":
        yield (yield from _entity_parts(aset, cut))
        return
    if part == "after entities":
        out = []
        if cut is not None:
            out = yield from _entity_line_parts(_sorted_entities(aset.entities)[cut:], out)
        out = yield from _event_parts(aset, out)
    elif part != "tail":
        out = yield from _head_parts(aset)
        if part == "head":
            yield out
            return
    else:
        out = []
    attributions = sorted(aset.attributions.values(), key=lambda a: _attribution_key(a, aset.entities))
    if attributions:
        out.append("attributions:\n")
        for at in attributions:
            out.append(f"- id: {q(at.id)}\n")
            if isinstance(at.source, Ref):
                out.append(f"  source: {{ref: {q(at.source.ref)}}}\n")
            elif isinstance(at.source, Span):
                out.append(f"  source: {_span_flow(at.source)}\n")
            if at.cue is not None:
                out.append(f"  cue: {_span_flow(at.cue)}\n")
            if at.content is not None:
                out.append(f"  content: {_span_flow(at.content)}\n")
            if at.type is not None:
                out.append(f"  type: {q(at.type)}\n")
            out.append(_block_tail_text(at))
            if len(out) >= CHUNK_LINES:
                yield out
                out = []
    else:
        out.append("attributions: []\n")

    relations = sorted(aset.relations.values(), key=lambda r: (id_number(r.id), r.id))
    if relations:
        out.append("relations:\n")
        for r in relations:
            parts = [f"id: {q(r.id)}", f"type: {q(r.type)}", f"arg1: {q(r.arg1)}", f"arg2: {q(r.arg2)}"]
            parts.extend(_tail(r))
            out.append("- {" + ", ".join(parts) + "}\n")
            if len(out) >= CHUNK_LINES:
                yield out
                out = []
    else:
        out.append("relations: []\n")
    yield out
