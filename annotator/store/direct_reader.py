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
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..model import ACCEPTED, STATUSES, AnnotationSet, Argument, Attribution, Document, Entity, Event, Ref, Relation, Span
from ..schema import Schema
from .fast_reader import _FAST_BAD, _NUMERIC_FIRST, _SPECIAL_WORDS, _FastReader, _unescape
from .tree import NotOurs
from .validate import bad_attr
from .writer import FORMAT


class Decline(Exception):
    """Not the writer's layout, or something to report: read the file the general way."""


# A token: a plain scalar or a double-quoted one. The plain pattern is a part of
# ``scalars.PLAIN_R`` (what the fast reader takes as a plain token, read as
# itself up to the next ``,`` or ``}``) without look-aheads: after the first
# character, any but space, ``:`` and the flow indicators; a ``:`` followed by
# one of those; spaces followed by one of those but ``#``. So it never ends in a
# space or a ``:``, never holds ``: ``, `` #``, `` :`` or ``::``.
_EXC = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
_FIRST = f"[^ {_EXC}\\-?:,\\[\\]{{}}#&*!|>'\"%@`]"
_MID = f"[^ {_EXC}:?,\\[\\]{{}}]"
_AFTER_SP = f"[^ {_EXC}:?,\\[\\]{{}}#]"
_PLAIN = f"{_FIRST}{_MID}*+(?:(?::{_MID}| +{_AFTER_SP}){_MID}*+)*+"
_LV = f'({_PLAIN}|"(?:[^"\\\\\n]|\\\\.)*+")'  # (never across a line: YAML would fold it)
_INT = "(0|[1-9][0-9]*)"
_N = "(?:0|[1-9][0-9]*)"
_FRAGS = f"\\[((?:\\[{_N}, {_N}\\], )*\\[{_N}, {_N}\\])\\]"
_POS = f"(?:start: {_INT}, end: {_INT}|fragments: {_FRAGS})"
_NUM = "([-+.0-9a-z]+)"
_TAIL = f"(?:, status: {_LV})?(?:, by: {_LV})?(?:, score: {_NUM})?(?:, suggested_by: {_LV})?(?:, attrs: (\\{{.*\\}}))?"
#: ``- {id, label, start, end | fragments, text, status?, by?, score?, suggested_by?, attrs?}``
_ENTITY = re.compile(f"- \\{{id: {_LV}, label: {_LV}, {_POS}, text: {_LV}{_TAIL}\\}}\n")
#: ``- {id, type, arg1, arg2, status?, by?, score?, suggested_by?, attrs?}``
_RELATION = re.compile(f"- \\{{id: {_LV}, type: {_LV}, arg1: {_LV}, arg2: {_LV}{_TAIL}\\}}\n")
#: A span written ``{start, end, text}`` or ``{fragments, text}`` (4 groups).
_SPAN = f"\\{{{_POS}, text: {_LV}\\}}"
#: The block lines after an event's or attribution's own (5 groups).
_BLOCK_TAIL = (
    f"(?:  status: {_LV}\n)?(?:  by: {_LV}\n)?(?:  score: {_NUM}\n)?(?:  suggested_by: {_LV}\n)?(?:  attrs: (\\{{.*\\}})\n)?"
)
_ARGS = re.compile(f"  - \\{{role: {_LV}, ref: {_LV}\\}}\n")
_LV_NC = "(?:" + _LV[1:]
_ARG = f"  - \\{{role: {_LV_NC}, ref: {_LV_NC}\\}}\n"
#: An event's block: id, type, trigger (4), arguments (the lines), tail (5).
_EVENT = re.compile(
    f"- id: {_LV}\n  type: {_LV}\n  trigger: {_SPAN}\n  arguments:(?: \\[\\]\n|\n((?:{_ARG})+)){_BLOCK_TAIL}"
)
#: An attribution's block: id, source ref or span (1 + 4), cue (4), content (4), type, tail (5).
_ATTRIBUTION = re.compile(
    f"- id: {_LV}\n(?:  source: (?:\\{{ref: {_LV}\\}}|{_SPAN})\n)?(?:  cue: {_SPAN}\n)?(?:  content: {_SPAN}\n)?"
    f"(?:  type: {_LV}\n)?{_BLOCK_TAIL}"
)
_HEADER = re.compile(f"format: {re.escape(FORMAT)}\ndocument:\n(?:  path: {_LV}\n)?(?:  sha256: {_LV}\n)?  length: {_INT}\n")
#: First characters of a token that may not read as itself.
_SPECIAL_FIRST = _NUMERIC_FIRST | {'"'}
_DIGITS = re.compile("[0-9]+")


def _copy(value: Any) -> Any:
    """A copy of parsed data: new dicts and lists, the same scalars (immutable)."""
    t = type(value)
    if t is dict:
        return {k: _copy(v) for k, v in value.items()}
    if t is list:
        return [_copy(v) for v in value]
    return value


class _Reader:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.fast = _FastReader("")  # its scalar resolver and flow parser (for attrs)
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.entities_table: dict = {}
        self.attrs_of: dict[str, dict] = {}

    # -- tokens ---------------------------------------------------------------
    def conv(self, t: str) -> Any:
        """A token of ``_LV``: double-quoted, or plain."""
        c0 = t[0]
        if c0 == '"':
            return _unescape(t[1:-1])
        if c0 in _NUMERIC_FIRST or t in _SPECIAL_WORDS:
            return self.fast.plain(t)
        return t

    def string(self, t: str) -> str:
        """A token that must read as a non-empty string."""
        v = self.conv(t)
        if type(v) is not str or not v:
            raise Decline
        return v

    def new_id(self, v: str) -> str:
        v = self.string(v)
        ids = self.ids
        if v in ids or v in self.entities_table:
            raise Decline
        ids.add(v)
        return v

    # -- parts ----------------------------------------------------------------
    def fragments(self, start: str | None, end: str | None, frs: str | None) -> tuple:
        if frs is None:
            s, e = int(start), int(end)  # type: ignore[arg-type]
            if not s < e:
                raise Decline
            return ((s, e),)
        nums = [int(x) for x in _DIGITS.findall(frs)]
        out = tuple(zip(nums[::2], nums[1::2]))
        prev = 0
        for s, e in out:
            if s < prev or e <= s:
                raise Decline
            prev = e
        return out

    def span(self, start, end, frs, text, article: str | None) -> Span:
        """A span from its groups (``_SPAN``), checked against the article."""
        if text[0] in _SPECIAL_FIRST or text in _SPECIAL_WORDS:
            text = self.conv(text)
            if type(text) is not str:
                raise Decline
        if frs is None:
            s, e = int(start), int(end)
            if not s < e or (article is not None and (e > len(article) or article[s:e] != text)):
                raise Decline
            return Span(((s, e),), text)
        fr = self.fragments(None, None, frs)
        if article is not None and (fr[-1][1] > len(article) or " ".join(article[s:e] for s, e in fr) != text):
            raise Decline
        return Span(fr, text)

    def tail(self, status, by, score, sby, attrs) -> tuple:
        """status, by, score, suggested_by and attrs, checked as ``Checker.common`` does."""
        if status is not None:
            status = self.conv(status)
            if type(status) is not str or status not in STATUSES:
                raise Decline
        else:
            status = ACCEPTED
        if by is not None:
            by = self.conv(by)
            if type(by) is not str:
                raise Decline
        if sby is not None:
            sby = self.conv(sby)
            if type(sby) is not str:
                raise Decline
        if score is not None:
            score = self.fast.plain(score)
            if type(score) not in (int, float) or not math.isfinite(score):
                raise Decline
            score = float(score)
        if attrs is not None:
            attrs = self.attrs(attrs)
        return status, by, score, sby, attrs

    def attrs(self, s: str) -> dict:
        """``attrs: {...}`` read by the fast reader's flow parser; the same text
        (they repeat: merge's, a suggester's) is parsed once and copied."""
        known = self.attrs_of.get(s)
        if known is not None:
            return _copy(known)
        fast = self.fast
        value, end = fast.value(s, 0, 1, 0)
        if end != len(s) or type(value) is not dict or fast.tree.dups or "lost" in value:
            raise Decline
        if bad_attr(value, 0) is not None:
            raise Decline
        self.attrs_of[s] = _copy(value)
        return value

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
        ids = self.ids
        entities = aset.entities
        for ref in self.refs:
            if ref not in ids and ref not in entities:
                raise Decline
        return aset

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
        end = text.find("\n" + next_key + ":", start - 1)
        if end < 0:
            raise Decline
        return start, end + 1

    def entities(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        pos, end = self.section(pos, "entities", "events")
        labels = frozenset(schema.entity_names) if schema is not None else None
        table = aset.entities
        conv = self.conv
        special_first = _SPECIAL_FIRST
        special_words = _SPECIAL_WORDS
        alen = len(article) if article is not None else 0
        # label and by repeat: each distinct token is read and checked once
        label_of: dict[str, str] = {}
        by_of: dict[str | None, str | None] = {None: None}
        for m in _ENTITY.finditer(self.text, pos, end):
            if m.start() != pos:
                raise Decline
            pos = m.end()
            eid, label, start, stop, frs, text, status, by, score, sby, attrs = m.groups()
            if eid[0] in special_first or eid in special_words:
                eid = conv(eid)
                if type(eid) is not str or not eid:
                    raise Decline
            if text[0] in special_first or text in special_words:
                text = conv(text)
                if type(text) is not str:
                    raise Decline
            lab = label_of.get(label)
            if lab is None:
                lab = label_of[label] = self.string(label)
                if labels is not None and lab not in labels:
                    raise Decline
            if eid in table:
                raise Decline
            if frs is None:
                s = int(start)
                e = int(stop)
                if not s < e or (article is not None and (e > alen or article[s:e] != text)):
                    raise Decline
                span = Span(((s, e),), text)
            else:
                fr = self.fragments(None, None, frs)
                if article is not None and (fr[-1][1] > alen or " ".join(article[s:e] for s, e in fr) != text):
                    raise Decline
                span = Span(fr, text)
            if status is None and score is None and sby is None and attrs is None:
                who = by_of.get(by, by_of)
                if who is by_of:
                    who = by_of[by] = conv(by)
                    if type(who) is not str:
                        raise Decline
                table[eid] = Entity(eid, lab, span, ACCEPTED, who)
            else:
                status, by, score, sby, attrs = self.tail(status, by, score, sby, attrs)
                if attrs is None:
                    table[eid] = Entity(eid, lab, span, status, by, score, sby)
                else:
                    table[eid] = Entity(eid, lab, span, status, by, score, sby, attrs)
        if pos != end:
            raise Decline
        return pos

    def events(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        pos, end = self.section(pos, "events", "attributions")
        table = aset.events
        string = self.string
        refs = self.refs
        for m in _EVENT.finditer(self.text, pos, end):
            if m.start() != pos:
                raise Decline
            pos = m.end()
            g = m.groups()
            eid = self.new_id(g[0])
            etype = string(g[1])
            roles = None
            if schema is not None:
                if not schema.has_event(etype):
                    raise Decline
                roles = schema.roles(etype)
            trigger = self.span(g[2], g[3], g[4], g[5], article)
            args = []
            if g[6] is not None:
                for role, ref in _ARGS.findall(g[6]):
                    role, ref = string(role), string(ref)
                    if roles is not None and role not in roles:
                        raise Decline
                    args.append(Argument(role, ref))
                    refs.append(ref)
            status, by, score, sby, attrs = self.tail(*g[7:12])
            if attrs is None:
                table[eid] = Event(eid, etype, trigger, tuple(args), status, by, score, sby)
            else:
                table[eid] = Event(eid, etype, trigger, tuple(args), status, by, score, sby, attrs)
        if pos != end:
            raise Decline
        return pos

    def attributions(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        pos, end = self.section(pos, "attributions", "relations")
        table = aset.attributions
        types = schema.attribution_types if schema is not None else None
        span = self.span
        for m in _ATTRIBUTION.finditer(self.text, pos, end):
            if m.start() != pos:
                raise Decline
            pos = m.end()
            g = m.groups()
            aid = self.new_id(g[0])
            source: Ref | Span | None = None
            if g[1] is not None:
                ref = self.string(g[1])
                source = Ref(ref)
                self.refs.append(ref)
            elif g[5] is not None:
                source = span(g[2], g[3], g[4], g[5], article)
            cue = span(g[6], g[7], g[8], g[9], article) if g[9] is not None else None
            content = span(g[10], g[11], g[12], g[13], article) if g[13] is not None else None
            atype = None
            if g[14] is not None:
                atype = self.string(g[14])
                if types is not None and atype not in types:
                    raise Decline
            status, by, score, sby, attrs = self.tail(*g[15:20])
            if attrs is None:
                table[aid] = Attribution(aid, source, cue, content, atype, status, by, score, sby)
            else:
                table[aid] = Attribution(aid, source, cue, content, atype, status, by, score, sby, attrs)
        if pos != end:
            raise Decline
        return pos

    def relations(self, pos: int, aset: AnnotationSet, schema: Schema | None) -> int:
        pos, end = self.section(pos, "relations", None)
        table = aset.relations
        rtypes = schema.relation_types if schema is not None else ()
        string = self.string
        for m in _RELATION.finditer(self.text, pos, end):
            if m.start() != pos:
                raise Decline
            pos = m.end()
            rid, rtype, arg1, arg2, status, by, score, sby, attrs = m.groups()
            rid = self.new_id(rid)
            rtype, arg1, arg2 = string(rtype), string(arg1), string(arg2)
            if rtypes and rtype not in rtypes:
                raise Decline
            self.refs.append(arg1)
            self.refs.append(arg2)
            status, by, score, sby, attrs = self.tail(status, by, score, sby, attrs)
            if attrs is None:
                table[rid] = Relation(rid, rtype, arg1, arg2, status, by, score, sby)
            else:
                table[rid] = Relation(rid, rtype, arg1, arg2, status, by, score, sby, attrs)
        if pos != end:
            raise Decline
        return pos


class DirectFile:
    """A file in the writer's layout, its header read (``Decline`` if it is not one).

    ``path``: ``document.path`` (None when the file has none); ``build`` gives the
    set when the file has no problem at all, else raises ``Decline``.
    """

    __slots__ = ("_reader", "path")

    def __init__(self, text: str, source: str):
        m = _HEADER.match(text)
        if m is None or _FAST_BAD.search(text):
            raise Decline
        r = _Reader(text, source)
        path, sha, _length = m.groups()
        try:
            r.path = r.string(path) if path is not None else None
            r.sha = r.string(sha) if sha is not None else None
        except NotOurs:
            raise Decline from None
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
