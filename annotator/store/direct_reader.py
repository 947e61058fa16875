"""The direct reader: a file in the writer's exact layout, straight to the model.

``writer.dumps`` gives every file the same shape: a fixed header, one line per
entity and per relation, each event and attribution a block of known lines in a
known order. For such a file this reader builds the ``AnnotationSet`` line by
line, skipping the plain data that ``fast_reader`` + ``validate`` go through. It
reads each token by the fast reader's rules (the same patterns and checks, so a
value reads as ``yaml.safe_load`` reads it), and builds only annotations that
pass every check of ``validate.Checker``. Anything else (a line not in the
writer's form, such as a hand edit or a comment; a problem to report; a span
that does not match the article, as when the article changed) raises
``Decline``, and the file goes the general way, which gives the same set and
lists the problems. So the result, when there is one, is the general reader's.

The patterns of the layout and the reading of its tokens and spans are
``direct_tokens``'; here are the sections, read into the annotations: a column
at a time for a big section, a row at a time for a small one.
"""

from __future__ import annotations

import re
import sys
from itertools import chain, islice, repeat
from typing import Callable, Iterable, Sequence

from ..model import (
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    slot_maker,
)
from .. import columns
from ..lazy import names_from
from ..pace import pause
from ..schema import Schema
from . import direct_tokens as _dt
from .direct_tokens import _SPECIAL_FIRST, Decline, _maker, _make_span, _new_span, _Tokens
from .fast_reader import _SPECIAL_WORDS
from .tree import COMPILE_COST, NotOurs


#: refs checked per C-level pass (``build``: a thread gives way between two)
REFS_PIECE = 4096
#: characters of small files read the general way while the patterns are not compiled
#: (from those ``reader.worth_compiling`` counted before this module was imported)
_spared: int = getattr(sys.modules.get(f"{__package__}.reader"), "_spared", 0)


def worth_compiling(size: int) -> bool:
    """Should a file of ``size`` characters be read here? Always once the patterns
    are compiled; before that, only when it and the small files read the general
    way before it come to ``COMPILE_COST``: so the first small files of a process
    (the one the app opens before its first frame, the seed's: 3-5 ms the general
    way, 21-23 ms here with the compile, on a slow machine) go the general way, and many small ones or a big one
    get the patterns compiled, at most twice what was best in hindsight."""
    global _spared
    if type(_dt._HEADER) is not _dt._LazyPattern:
        return True
    _spared += size
    return _spared >= COMPILE_COST


_make_ref = _maker(Ref, "ref")
_make_argument = _maker(Argument, "role ref")
#: each kind's fields in the file's order (the tail's: status, by, score, suggested_by, suggested_label, attrs)
_ENTITY_FIELDS = "id label span status by score suggested_by suggested_label attrs"
_EVENT_FIELDS = "id type trigger arguments status by score suggested_by suggested_label attrs"
_ATTRIBUTION_FIELDS = "id source cue content type status by score suggested_by suggested_label attrs"
_RELATION_FIELDS = "id type arg1 arg2 status by score suggested_by suggested_label attrs"
_make_entity = _maker(Entity, _ENTITY_FIELDS)
_make_event = _maker(Event, _EVENT_FIELDS)
_make_attribution = _maker(Attribution, _ATTRIBUTION_FIELDS)
_make_relation = _maker(Relation, _RELATION_FIELDS)

#: the number of ``_Reader.entity_columns``' columns (a piece read ahead adds its
#: fragments' ``columns.Numbers``: see ``direct_bytes.piece_columns``)
ENTITY_COLUMNS = 11
#: the same of ``event_columns`` and ``attribution_columns`` (then their spans' numbers)
EVENT_COLUMNS = ATTRIBUTION_COLUMNS = 14

#: A section of at most this many items is read row by row (``_Reader.*_rows``):
#: a column costs a few calls whatever its length, which a file of 50 annotations
#: (an annotator's article) pays more for than for its rows.
SMALL = 128
_new_ref = slot_maker(Ref)
_new_argument = slot_maker(Argument)
_new_entity = slot_maker(Entity, order=_ENTITY_FIELDS)
_new_event = slot_maker(Event, order=_EVENT_FIELDS)
_new_attribution = slot_maker(Attribution, order=_ATTRIBUTION_FIELDS)
_new_relation = slot_maker(Relation, order=_RELATION_FIELDS)


class _Reader(_Tokens):
    """A file in the writer's layout read section by section into an ``AnnotationSet``."""

    # -- rows ---------------------------------------------------------------
    # A small section (``SMALL`` items or fewer) is read a row at a time: the
    # same tokens, checks and objects as the columns give, without a column's
    # fixed cost (a few calls each, ten columns a section).

    def entity_rows(self, rows: list[tuple], table: dict, article: str | None, label: Callable[[str], str]) -> None:
        labels: dict[str, str] = {}
        tails: dict = {}
        string, span_of, tail_of = self.string, self.span_of, self.tail_of
        special, words = _SPECIAL_FIRST, _SPECIAL_WORDS
        alen = -1 if article is None else len(article)
        before = len(table)  # (a big section's pieces go into one table: see direct_bytes)
        news: list = []
        for eid, lab, start, stop, frs, text, status, by, score, sby, slab, attrs in rows:
            if eid[0] in special or eid in words:
                eid = string(eid)
            v = labels.get(lab)
            if v is None:
                v = labels[lab] = label(lab)
            if frs or text[0] in special or text in words:
                span = span_of(start, stop, frs, text, article)
            else:  # span_of's common case, inline
                s, e = int(start), int(stop)
                if not s < e or (alen >= 0 and (e > alen or article[s:e] != text)):  # type: ignore[index]
                    raise Decline
                span = _new_span(((s, e),), text)
            if attrs:
                tail = tail_of(tails, status, by, score, sby, slab, attrs)
            else:
                tail = tails.get((status, by, score, sby, slab))
                if tail is None:
                    tail = tail_of(tails, status, by, score, sby, slab, attrs)
            table[eid] = made = _new_entity(eid, v, span, *tail)
            news.append(made)
        if len(table) != before + len(rows):  # an id twice
            raise Decline
        columns.note_objects(table, news, first=not before)  # (as put_entities does)

    def event_rows(self, rows: list[tuple], table: dict, article: str | None, event_type, schema: Schema | None) -> None:
        types: dict[str, str] = {}
        roles: dict[str, str] = {}
        tails: dict = {}
        string, span_of, tail_of, new_id, refs = self.string, self.span_of, self.tail_of, self.new_id, self.refs
        first = not table
        news: list = []
        for g in rows:
            eid = new_id(g[0])
            etype = types.get(g[1])
            if etype is None:
                etype = types[g[1]] = event_type(g[1])
            trigger = span_of(g[2], g[3], g[4], g[5], article)
            arguments: tuple = ()
            if g[6] is not None:
                args = []
                for role_tok, ref in _dt._ARGS.findall(g[6]):
                    role = roles.get(role_tok)
                    if role is None:
                        role = roles[role_tok] = string(role_tok)
                    if ref[0] in _SPECIAL_FIRST or ref in _SPECIAL_WORDS:
                        ref = string(ref)
                    if schema is not None and not schema.has_role(etype, role):
                        raise Decline
                    refs.append(ref)
                    args.append(_new_argument(role, ref))
                arguments = tuple(args)
            table[eid] = made = _new_event(eid, etype, trigger, arguments, *tail_of(tails, *g[7:13]))
            news.append(made)
        columns.note_span_objects(table, news, first)  # (as put_events does)

    def attribution_rows(self, rows: list[tuple], table: dict, article: str | None, atype) -> None:
        types: dict = {}
        tails: dict = {}
        string, span_of, tail_of, new_id, refs = self.string, self.span_of, self.tail_of, self.new_id, self.refs
        first = not table
        news: list = []
        for g in rows:
            aid = new_id(g[0])
            source: Ref | Span | None = None
            ref = g[1]
            if ref is not None:
                if ref[0] in _SPECIAL_FIRST or ref in _SPECIAL_WORDS:
                    ref = string(ref)
                refs.append(ref)
                source = _new_ref(ref)
            elif g[5] is not None:
                source = span_of(g[2], g[3], g[4], g[5], article)
            cue = span_of(g[6], g[7], g[8], g[9], article) if g[9] is not None else None
            content = span_of(g[10], g[11], g[12], g[13], article) if g[13] is not None else None
            t = g[14]
            kind = types[t] if t in types else types.setdefault(t, atype(t))
            table[aid] = made = _new_attribution(aid, source, cue, content, kind, *tail_of(tails, *g[15:21]))
            news.append(made)
        columns.note_span_objects(table, news, first)  # (as put_attributions does)

    def relation_rows(self, rows: list[tuple], table: dict, rtype: Callable[[str], str]) -> None:
        types: dict[str, str] = {}
        tails: dict = {}
        string, tail_of, new_id, refs = self.string, self.tail_of, self.new_id, self.refs
        for rid, rt, a1, a2, status, by, score, sby, slab, attrs in rows:
            rid = new_id(rid)
            v = types.get(rt)
            if v is None:
                v = types[rt] = rtype(rt)
            if a1[0] in _SPECIAL_FIRST or a1 in _SPECIAL_WORDS:
                a1 = string(a1)
            if a2[0] in _SPECIAL_FIRST or a2 in _SPECIAL_WORDS:
                a2 = string(a2)
            refs.append(a1)
            refs.append(a2)
            table[rid] = _new_relation(rid, v, a1, a2, *tail_of(tails, status, by, score, sby, slab, attrs))

    # -- the whole file -------------------------------------------------------
    def build(self, article: str | None, article_sha: str | None, schema: Schema | None) -> AnnotationSet:
        out_sha = article_sha if article is not None and article_sha is not None else self.sha
        aset = AnnotationSet(Document(article if article is not None else "", self.path, out_sha))
        self.entities_table = aset.entities
        pos = self.entities(self.body, aset, article, schema)
        pos = self.events(pos, aset, article, schema)
        pos = self.attributions(pos, aset, article, schema)
        pos = self.relations(pos, aset, schema)
        if pos != len(self.text):
            raise Decline
        self.last_entities(aset)
        refs, known, step = self.refs, aset.entities.keys(), REFS_PIECE
        for a in range(0, len(refs), step):  # (in one pass, 110,000 refs held the interpreter 70 ms: see pace)
            missing = set(refs[a : a + step]) - self.ids
            if missing and not known >= missing:
                raise Decline
            pause()
        return aset

    def last_entities(self, aset: AnnotationSet) -> None:
        """The entities read beside the rest (a worker's: see ``direct_bytes``), into the set."""

    def section(self, pos: int, key: str, next_key: str | None) -> tuple[int, int]:
        """(start, end) of the items of ``key:`` (empty for ``key: []``), up to ``next_key:``."""
        text = self.text
        if text.startswith(key + ": []\n", pos):
            return pos + len(key) + 5, pos + len(key) + 5
        if not text.startswith(key + ":\n", pos):
            raise Decline
        start = pos + len(key) + 2
        if next_key is None:
            return start, len(text)
        # from the end: the sections after this one are the smaller (the line is
        # there once in a file of ours; if it is there twice, a line between reads
        # as no item of either section and the file is declined)
        end = text.rfind("\n" + next_key + ":", start - 1)
        if end < 0:
            raise Decline
        return start, end + 1

    def lines(self, pattern: re.Pattern, start: int, end: int) -> list[tuple]:
        """The groups of each line of ``start:end`` ('' for a group not there); every
        line must be one (``pattern`` starts at a line's start and takes one line)."""
        text = self.text
        rows = pattern.findall(text, start, end)
        if len(rows) != text.count("\n", start, end) or (start < end and text[end - 1] != "\n"):
            raise Decline
        return rows

    def blocks(self, pattern: re.Pattern, pos: int, end: int) -> list[tuple]:
        """The groups of each block of ``pos:end`` (None for a group not there), the blocks end to end."""
        rows = []
        append = rows.append
        for m in pattern.finditer(self.text, pos, end):
            if m.start() != pos:
                raise Decline
            pos = m.end()
            append(m.groups())
        if pos != end:
            raise Decline
        return rows

    def entities(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        start, end = self.section(pos, "entities", "events")
        rows = self.lines(_dt._ENTITY_LINE, start, end)
        if not rows:
            return end
        label = self.label_of(schema)
        if len(rows) <= SMALL:
            self.entity_rows(rows, aset.entities, article, label)
            return end
        self.put_entities(aset, self.entity_columns(rows, article, label, columns.wanted()))  # (numbers: see columns)
        return end

    def label_of(self, schema: Schema | None) -> Callable[[str], str]:
        names = frozenset(schema.entity_names) if schema is not None else None

        def label(t: str) -> str:
            v = self.string(t)
            if names is not None and v not in names:
                raise Decline
            return v

        return label

    def entity_columns(
        self, rows: list[tuple], article: str | None, label: Callable[[str], str], numbers: bool = False, sent: bool = False
    ) -> list:
        """The columns of ``_make_entity`` for the rows of ``direct_tokens._ENTITY_LINE``, checked
        (the spans as fragments and texts: ``put_entities`` makes them); with
        ``numbers``, then their fragments' ``columns.Numbers``; ``sent``: see
        ``span_columns``."""
        ids, labels, starts, stops, frs, texts, statuses, bys, scores, sbys, slabs, attrss = zip(*rows)
        del rows
        ids = self.tokens(ids, self.string)
        nums: list | None = [] if numbers else None
        cols = [
            len(ids), ids, self.each(labels, label), *self.span_columns(starts, stops, frs, texts, article, nums, sent),
            *self.tails(statuses, bys, scores, sbys, slabs, attrss),
        ]
        if nums and nums[0] is not None:  # (None: a number past int64, see columns.numbers_of)
            cols.append(nums[0])
        return cols

    @staticmethod
    def put_entities(aset: AnnotationSet, cols: list) -> None:
        """The entities of ``entity_columns`` made, into the set's table (``cols``
        may end with their fragments' ``columns.Numbers``: noted with them)."""
        numbers = cols[ENTITY_COLUMNS] if len(cols) > ENTITY_COLUMNS else None
        n, ids, labels, fr_col, texts, *tails = cols[:ENTITY_COLUMNS]
        made = _make_entity(n, ids, labels, _make_span(n, fr_col, texts), *tails)
        table = aset.entities
        before = len(table)  # (a big section's pieces go into one table: see direct_bytes)
        table.update(zip(ids, made))
        if len(table) != before + n:  # an id twice
            raise Decline
        # the marks index, the counts and the list's rows read these, not the objects
        columns.note(table, made, ids, labels, fr_col, tails[0], tails[5], first=not before, numbers=numbers)

    def events(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        start, end = self.section(pos, "events", "attributions")
        rows = self.blocks(_dt._EVENT, start, end)
        if not rows:
            return end
        event_type = self.event_type_of(schema)
        if len(rows) <= SMALL:
            self.event_rows(rows, aset.events, article, event_type, schema)
            return end
        self.put_events(aset, self.event_columns(rows, article, event_type, schema, columns.wanted()))  # (numbers: see columns)
        return end

    def event_type_of(self, schema: Schema | None) -> Callable[[str], str]:
        def event_type(t: str) -> str:
            v = self.string(t)
            if schema is not None and not schema.has_event(v):
                raise Decline
            return v

        return event_type

    def atype_of(self, schema: Schema | None) -> Callable[[str | None], str | None]:
        types = schema.attribution_types if schema is not None else None

        def atype(t: str | None) -> str | None:
            if t is None:
                return None
            v = self.string(t)
            if types is not None and v not in types:
                raise Decline
            return v

        return atype

    def event_columns(
        self, rows: list[tuple], article: str | None, event_type: Callable[[str], str], schema: Schema | None,
        numbers: bool = False, sent: bool = False,
    ) -> list:
        """The events' columns for the rows of ``direct_tokens._EVENT``, checked but for their ids'
        being new and their refs' being there (``put_events`` checks those, and makes
        them): plain data (a read-ahead worker sends them, see ``direct_bytes``).
        With ``numbers``, then their triggers' ``columns.Numbers``; ``sent``: see
        ``span_columns``."""
        g = list(zip(*rows))
        del rows
        ids = self.tokens(g[0], self.string)
        types = self.values(g[1], event_type)
        nums: list | None = [] if numbers else None
        fr_col, texts = self.span_columns(g[2], g[3], g[4], g[5], article, nums, sent)
        counts: list[int] = []
        pairs: list[tuple[str, str]] = []
        for a in g[6]:
            if a is None:
                counts.append(0)
            else:
                found = _dt._ARGS.findall(a)
                counts.append(len(found))
                pairs.extend(found)
        roles: Sequence[str] = ()
        refs: Sequence[str] = ()
        if pairs:
            role_toks, ref_toks = zip(*pairs)
            roles = self.values(role_toks, self.string)
            refs = self.tokens(ref_toks, self.string)
            if schema is not None:
                arg_types = [t for t, c in zip(types, counts) for _ in range(c)]
                for etype, role in set(zip(arg_types, roles)):
                    if not schema.has_role(etype, role):
                        raise Decline
        cols = [len(ids), ids, types, fr_col, texts, counts, roles, refs, *self.tails(*g[7:13])]
        if nums and nums[0] is not None:  # (None: a number past int64)
            cols.append(nums[0])
        return cols

    def take_refs(self, refs: Sequence[str]) -> None:
        """The refs of a piece of events or attributions, to be checked (``build``):
        those to an entity read already are checked now, while the set is read (the
        entities come first: a piece's refs are looked up in C, the set of them made
        once), the others at the end (``self.refs``: an event's, an attribution's or
        a relation's id, or none)."""
        if self.entities_table:
            self.refs.extend(set(refs).difference(self.entities_table))  # (a set's difference with a dict: its keys, hashed once)
        else:
            self.refs.extend(refs)

    def put_events(self, aset: AnnotationSet, cols: list) -> None:
        """The events of ``event_columns`` made, into the set's table (their ids new,
        none an entity's); ``cols`` may end with their triggers' ``columns.Numbers``
        (noted with them: ``columns.note_spans``)."""
        numbers = cols[EVENT_COLUMNS] if len(cols) > EVENT_COLUMNS else None
        n, ids, types, fr_col, texts, counts, roles, refs, *tails = cols[:EVENT_COLUMNS]
        first = not aset.events
        self.check_new(ids)
        triggers = _make_span(n, fr_col, texts)
        if refs:
            self.take_refs(refs)
            it = iter(_make_argument(len(roles), roles, refs))
            arguments: Iterable[tuple] = [tuple(islice(it, c)) if c else () for c in counts]
        else:
            arguments = repeat(())
        made = _make_event(n, ids, types, triggers, arguments, *tails)
        aset.events.update(zip(ids, made))
        # (the marks index and the list's rows read these, not the objects)
        if columns.wanted():  # (and their links, for the referrers' index)
            owners = list(chain.from_iterable(map(repeat, ids, counts))) if refs else []
            columns.note_spans(aset.events, made, ((1, None, numbers),), first, (refs, owners))

    def attributions(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        start, end = self.section(pos, "attributions", "relations")
        rows = self.blocks(_dt._ATTRIBUTION, start, end)
        if not rows:
            return end
        atype = self.atype_of(schema)
        if len(rows) <= SMALL:
            self.attribution_rows(rows, aset.attributions, article, atype)
            return end
        self.put_attributions(aset, self.attribution_columns(rows, article, atype, columns.wanted()))  # (numbers: see columns)
        return end

    def attribution_columns(
        self, rows: list[tuple], article: str | None, atype: Callable[[str | None], str | None], numbers: bool = False
    ) -> list:
        """The attributions' columns for the rows of ``direct_tokens._ATTRIBUTION``, checked as
        ``event_columns``'; a span column that may be absent: ``some_span_columns``'.
        With ``numbers``, then their spans' ``columns.PartNumbers``."""
        g = list(zip(*rows))
        del rows
        n = len(g[0])
        ids = self.tokens(g[0], self.string)
        nums: list | None = [] if numbers else None
        sources = self.some_span_columns(n, g[2], g[3], g[4], g[5], article, nums)
        ref_at: list[int] = []
        refs: Sequence[str] = ()
        if any(r is not None for r in g[1]):
            ref_at = [i for i, r in enumerate(g[1]) if r is not None]
            refs = self.tokens([g[1][i] for i in ref_at], self.string)
        cues = self.some_span_columns(n, g[6], g[7], g[8], g[9], article, nums)
        contents = self.some_span_columns(n, g[10], g[11], g[12], g[13], article, nums)
        cols = [n, ids, sources, ref_at, refs, cues, contents, self.each(g[14], atype), *self.tails(*g[15:21])]
        if nums and None not in nums:  # (None: a number past int64)
            cols.append(columns.PartNumbers(*nums))
        return cols

    def put_attributions(self, aset: AnnotationSet, cols: list) -> None:
        """The attributions of ``attribution_columns`` made, into the set's table (as
        ``put_events``; ``cols`` may end with their spans' ``columns.PartNumbers``)."""
        numbers = cols[ATTRIBUTION_COLUMNS] if len(cols) > ATTRIBUTION_COLUMNS else (None, None, None)
        n, ids, sources, ref_at, refs, cues, contents, *rest = cols[:ATTRIBUTION_COLUMNS]
        first = not aset.attributions
        self.check_new(ids)
        source_col = self.made_spans(n, sources)
        if refs:
            self.take_refs(refs)
            for i, ref in zip(ref_at, _make_ref(len(refs), refs)):
                source_col[i] = ref
        made = _make_attribution(n, ids, source_col, self.made_spans(n, cues), self.made_spans(n, contents), *rest)
        aset.attributions.update(zip(ids, made))
        # (as put_events; a part none of them has: no marks)
        parts = tuple((code, part[0], x) for code, part, x in zip((2, 3, 4), (sources, cues, contents), numbers) if part is not None)
        if columns.wanted():
            columns.note_spans(aset.attributions, made, parts, first, (refs, list(map(ids.__getitem__, ref_at))))

    def relations(self, pos: int, aset: AnnotationSet, schema: Schema | None) -> int:
        start, end = self.section(pos, "relations", None)
        rows = self.lines(_dt._RELATION_LINE, start, end)
        if not rows:
            return end
        allowed = schema.relation_types if schema is not None else ()

        def rtype(t: str) -> str:
            v = self.string(t)
            if allowed and v not in allowed:
                raise Decline
            return v

        if len(rows) <= SMALL:
            self.relation_rows(rows, aset.relations, rtype)
            return end
        ids, rtypes, arg1s, arg2s, statuses, bys, scores, sbys, slabs, attrss = zip(*rows)
        n = len(ids)
        ids = self.new_ids(ids)
        arg1s = self.tokens(arg1s, self.string)
        arg2s = self.tokens(arg2s, self.string)
        for a1, a2 in zip(arg1s, arg2s):
            self.refs.append(a1)
            self.refs.append(a2)
        made = _make_relation(n, ids, self.each(rtypes, rtype), arg1s, arg2s, *self.tails(statuses, bys, scores, sbys, slabs, attrss))
        aset.relations.update(zip(ids, made))
        return end


def take_header(r: _Reader, m: re.Match) -> None:
    """The document's path and sha256 from a ``direct_tokens._HEADER`` match onto the reader
    (text or bytes); Decline when either is not a value this reader takes."""
    path, sha, _length = m.groups()
    try:
        r.path = r.string(path) if path is not None else None
        r.sha = r.string(sha) if sha is not None else None
    except NotOurs:
        raise Decline from None


class DirectFile:
    """A file in the writer's layout, its header read (``Decline`` if it is not one).

    ``path``: ``document.path`` (None when the file has none); ``build`` gives the
    set when the file has no problem at all, else raises ``Decline``.
    """

    __slots__ = ("_reader", "path")

    def __init__(self, text: str, source: str):
        from .direct_bytes import _PiecedReader, _bad_char

        m = _dt._HEADER.match(text)
        if m is None or _bad_char(text):
            raise Decline
        r = _PiecedReader(text, source)
        take_header(r, m)
        r.body = m.end()
        self._reader = r
        self.path = r.path

    def build(self, article: str | None, article_sha: str | None, schema: Schema | None) -> AnnotationSet:
        try:
            return self._reader.build(article, article_sha, schema)
        except (NotOurs, ValueError, RecursionError):
            # NotOurs: a token the fast reader would not take; ValueError: an int
            # of over 4300 digits
            raise Decline from None


def direct_read(text: str, source: str, article: str | None, article_sha: str | None, schema: Schema | None) -> AnnotationSet:
    """The set of a file in the writer's layout with no problem at all; ``Decline`` otherwise."""
    return DirectFile(text, source).build(article, article_sha, schema)


#: the bytes / piece-by-piece reader's names, importable from here as before
#: (``annotator.store.direct_bytes``, which imports this module)
__getattr__ = names_from(globals(), dict.fromkeys(("PIECE", "DirectBytes", "_PiecedReader", "_BytesReader", "_bad_char"), "direct_bytes"))
