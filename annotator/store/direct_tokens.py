"""The writer's layout as patterns, and its tokens read and checked.

``direct_reader`` reads a file in the writer's exact layout (``writer.dumps``)
straight to the model, with what this module holds: the patterns of the
layout's lines and blocks (each compiled when first used), and ``_Tokens``,
which reads a token, a column of tokens, an annotation's tail (status, by,
score, suggested_by, attrs) or a span by the fast reader's rules (so that a
value reads as ``yaml.safe_load`` reads it) and checks it as ``validate.Checker``
does. What it would not take raises ``Decline``: the file then goes the general
way.

The patterns are this module's names, and a pattern not compiled yet binds its
name here to the compiled one when first used: use them as ``direct_tokens.X``
(a name imported from here would stay the uncompiled one).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import deque
from itertools import islice, repeat
from operator import itemgetter, lt
from typing import Any, Callable, Iterable, Sequence

from ..model import ACCEPTED, NO_ATTRS, STATUSES, Span, slot_maker, slots_settable
from .. import columns
from .fast_reader import _NUMERIC_FIRST, _SPECIAL_WORDS, _FastReader, _unescape
from .scalars import _EXC_LATIN1
from .tree import FORMAT
from .validate import bad_attr


class Decline(Exception):
    """Not the writer's layout, or something to report: read the file the general way."""


class _LazyPattern:
    """A pattern of this module, compiled when it is first used: on the first
    attribute asked (``.findall``, ``.match``...), the module's name is bound to
    the compiled pattern itself, so later uses cost nothing more. (Compiled at
    import, the patterns took 65-70 ms of the app's start, before its first
    frame, also when the file is read later in a thread; some 20 ms on a slow
    machine since their classes left out the wide characters.)"""

    __slots__ = ("name", "source", "flags")

    def __init__(self, name: str, source: str, flags: int = 0):
        self.name, self.source, self.flags = name, source, flags

    def __getattr__(self, attr: str):
        compiled = re.compile(self.source, self.flags)
        globals()[self.name] = compiled
        return getattr(compiled, attr)


# A token: a plain scalar or a double-quoted one. The plain pattern is a part of
# ``scalars.PLAIN_R_CHECKED`` (what the fast reader takes as a plain token, read as
# itself up to the next ``,`` or ``}``) without look-aheads: after the first
# character, any but space, ``:`` and the flow indicators; a ``:`` followed by
# one of those; spaces followed by one of those but ``#``. So it never ends in a
# space or a ``:``, never holds ``: ``, `` #``, `` :`` or ``::``.
#
# Its classes leave out only the characters of ``scalars._EXC`` within Latin-1: every
# text these patterns run on has passed ``fast_reader._FAST_BAD``, which holds the
# wide ones too (the line and paragraph separators, the surrogates, the BOM, the
# non-characters; ``DirectFile`` checks the text, ``DirectBytes`` each piece, a
# header is declined after its match), and on such text both match the same. A
# class with a character beyond Latin-1 is a map of all 65,536 of the BMP: the
# patterns compiled in 14 ms of CPU instead of 75, once a process, on the path of
# every ``suggest`` and every big file's load.
_EXC = _EXC_LATIN1
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
_TAIL = (
    f"(?:, status: {_LV})?(?:, by: {_LV})?(?:, score: {_NUM})?(?:, suggested_by: {_LV})?(?:, suggested_label: {_LV})?"
    f"(?:, attrs: (\\{{.*\\}}))?"
)
#: ``- {id, label, start, end | fragments, text, status?, by?, score?, suggested_by?, suggested_label?, attrs?}``
_ENTITY = f"- \\{{id: {_LV}, label: {_LV}, {_POS}, text: {_LV}{_TAIL}\\}}\n"
#: ``- {id, type, arg1, arg2, status?, by?, score?, suggested_by?, suggested_label?, attrs?}``
_RELATION = f"- \\{{id: {_LV}, type: {_LV}, arg1: {_LV}, arg2: {_LV}{_TAIL}\\}}\n"
#: A span written ``{start, end, text}`` or ``{fragments, text}`` (4 groups).
_SPAN = f"\\{{{_POS}, text: {_LV}\\}}"
#: The block lines after an event's or attribution's own (6 groups).
_BLOCK_TAIL = (
    f"(?:  status: {_LV}\n)?(?:  by: {_LV}\n)?(?:  score: {_NUM}\n)?(?:  suggested_by: {_LV}\n)?(?:  suggested_label: {_LV}\n)?"
    f"(?:  attrs: (\\{{.*\\}})\n)?"
)
_ARGS = _LazyPattern("_ARGS", f"  - \\{{role: {_LV}, ref: {_LV}\\}}\n")
_LV_NC = "(?:" + _LV[1:]
_ARG = f"  - \\{{role: {_LV_NC}, ref: {_LV_NC}\\}}\n"
#: An event's block: id, type, trigger (4), arguments (the lines), tail (6).
_EVENT = _LazyPattern(
    "_EVENT",
    f"- id: {_LV}\n  type: {_LV}\n  trigger: {_SPAN}\n  arguments:(?: \\[\\]\n|\n((?:{_ARG})+)){_BLOCK_TAIL}"
)
#: An attribution's block: id, source ref or span (1 + 4), cue (4), content (4), type, tail (6).
_ATTRIBUTION = _LazyPattern(
    "_ATTRIBUTION",
    f"- id: {_LV}\n(?:  source: (?:\\{{ref: {_LV}\\}}|{_SPAN})\n)?(?:  cue: {_SPAN}\n)?(?:  content: {_SPAN}\n)?"
    f"(?:  type: {_LV}\n)?{_BLOCK_TAIL}"
)
_HEADER = _LazyPattern("_HEADER", f"format: {re.escape(FORMAT)}\ndocument:\n(?:  path: {_LV}\n)?(?:  sha256: {_LV}\n)?  length: {_INT}\n")
#: First characters of a token that may not read as itself.
_SPECIAL_FIRST = _NUMERIC_FIRST | {'"'}
_DIGITS = _LazyPattern("_DIGITS", "[0-9]+")
#: The entity and relation patterns for ``findall`` over a section: each match
#: starts at a line's start and takes the whole line (no pattern crosses one).
_ENTITY_LINE = _LazyPattern("_ENTITY_LINE", "^" + _ENTITY, re.MULTILINE)
_RELATION_LINE = _LazyPattern("_RELATION_LINE", "^" + _RELATION, re.MULTILINE)
_FIRST_CHAR = itemgetter(0)
_SPECIAL_FIRST_RE = _LazyPattern("_SPECIAL_FIRST_RE", "[" + re.escape("".join(sorted(_SPECIAL_FIRST))) + "]")


def _maker(cls: type, names: str) -> Callable[..., list]:
    """``make(n, *columns)``: n objects of the frozen dataclass ``cls``, the i-th
    with the i-th value of each column (one column per field, in ``names``' order:
    every field, in any order).

    This is what ``cls(*values)`` gives, made a column at a time: ``object.__new__``
    and each slot set for all objects by ``map`` (twice as fast as the generated
    ``__init__``, which sets each field through ``object.__setattr__``). Only when
    the class is what it was written for: a slotted dataclass with exactly these
    fields and the generated ``__init__`` (no ``__post_init__``); otherwise the
    objects are made by calling the class with the fields by name.
    """
    want = tuple(names.split())
    fast = slots_settable(cls) and sorted(f.name for f in dataclasses.fields(cls)) == sorted(want)
    if not fast:

        def by_name(n: int, *cols: Iterable[Any]) -> list:
            return [cls(**dict(zip(want, values))) for values in islice(zip(*cols), n)]

        return by_name
    new = object.__new__
    setters = [cls.__dict__[name].__set__ for name in want]

    def make(n: int, *cols: Iterable[Any]) -> list:
        if len(cols) != len(setters):
            raise TypeError(f"{cls.__name__}: {len(cols)} columns for {len(setters)} fields")
        objs = list(map(new, repeat(cls, n)))
        for setter, col in zip(setters, cols):
            deque(map(setter, objs, col), 0)
        return objs

    return make


_make_span = _maker(Span, "fragments text")
_new_span = slot_maker(Span)


def _copy(value: Any) -> Any:
    """A copy of parsed data: new dicts and lists, the same scalars (immutable)."""
    t = type(value)
    if t is dict:
        return {k: _copy(v) for k, v in value.items()}
    if t is list:
        return [_copy(v) for v in value]
    return value


class _Tokens:
    """A file's tokens, read and checked: the ids read so far (each new), the
    refs to check at the end, and the values read once for all (attrs, scores)."""

    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.fast = _FastReader("")  # its scalar resolver and flow parser (for attrs)
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.entities_table: dict = {}
        self.attrs_of: dict[str, dict] = {}
        self.scores: dict[str, float | None] = {}  # score token -> value (see ``tails``)

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

    def text_value(self, t: str) -> str:
        """A token that must read as a string (a span's text: may be empty)."""
        v = self.conv(t)
        if type(v) is not str:
            raise Decline
        return v

    def fragments(self, frs: str) -> tuple:
        """The fragments of ``fragments: [...]``: in order, not overlapping, none empty."""
        nums = [int(x) for x in _DIGITS.findall(frs)]
        out = tuple(zip(nums[::2], nums[1::2]))
        prev = 0
        for s, e in out:
            if s < prev or e <= s:
                raise Decline
            prev = e
        return out

    # -- columns --------------------------------------------------------------
    # The file is read a column at a time (all the ids, all the labels, ...):
    # a token that reads as itself (nearly all of them) is taken as it is, a
    # token that repeats (labels, by, status) is read once, and the checks and
    # the objects are made over whole columns, not in a Python loop per line.

    def tokens(self, col: Sequence[str], value: Callable[[str], str]) -> Sequence[str]:
        """The tokens of a column, those that may not read as themselves read by ``value``."""
        firsts = "".join(map(_FIRST_CHAR, col))  # found by a regex, not a loop per token
        at = [m.start() for m in _SPECIAL_FIRST_RE.finditer(firsts)]
        if not _SPECIAL_WORDS.isdisjoint(col):
            at = sorted(set(at).union(i for i, t in enumerate(col) if t in _SPECIAL_WORDS))
        if not at:
            return col
        out = list(col)
        for i in at:
            t = out[i]
            # a quoted token without an escape is its body, as ``value`` reads it
            # (a string: ``string``'s too when not empty), without its three calls
            if t[0] == '"' and len(t) > 2 and "\\" not in t:
                out[i] = t[1:-1]
            else:
                out[i] = value(t)
        return out

    @staticmethod
    def values(col: Sequence[Any], value: Callable[[Any], Any]) -> list[Any]:
        """``value`` of each token of a column, called once per distinct token."""
        of = {t: value(t) for t in set(col)}
        return list(map(of.__getitem__, col))

    @staticmethod
    def each(col: Sequence[Any], value: Callable[[Any], Any], memo: dict | None = None) -> Iterable[Any]:
        """As ``values``, but a ``repeat`` when the column has one token (for ``_make`` only).
        ``memo``: the values of tokens read before (in an earlier piece), kept there."""
        if memo is None:
            of = {t: value(t) for t in set(col)}
        else:
            of = {t: memo[t] if t in memo else memo.setdefault(t, value(t)) for t in set(col)}
        if len(of) == 1:
            return repeat(next(iter(of.values())))
        return list(map(of.__getitem__, col))

    def new_ids(self, col: Sequence[str]) -> Sequence[str]:
        """The ids of events, attributions or relations: strings, new, none an entity's."""
        col = self.tokens(col, self.string)
        self.check_new(col)
        return col

    def check_new(self, col: Sequence[str]) -> None:
        """The ids (tokens read) new: none seen before in this column or another, none an entity's."""
        ids = self.ids
        before = len(ids)
        ids.update(col)
        if len(ids) != before + len(col) or not self.entities_table.keys().isdisjoint(col):
            raise Decline

    def status(self, t: str | None) -> str:
        if not t:
            return ACCEPTED
        v = self.conv(t)
        if type(v) is not str or v not in STATUSES:
            raise Decline
        return v

    def who(self, t: str | None) -> str | None:
        """by or suggested_by."""
        if not t:
            return None
        return self.text_value(t)

    def label_value(self, t: str | None) -> str | None:
        """suggested_label: a non-empty string, or none."""
        if not t:
            return None
        v = self.text_value(t)
        if not v:
            raise Decline
        return v

    def score(self, t: str | None) -> float | None:
        if not t:
            return None
        v = self.fast.plain(t)
        if type(v) not in (int, float) or not math.isfinite(v):
            raise Decline
        return float(v)

    def tails(self, statuses, bys, scores, sbys, slabels, attrss) -> list[Iterable[Any]]:
        """status, by, score, suggested_by, suggested_label and attrs columns, checked as
        ``Checker.common`` does."""
        each = self.each
        if any(attrss):
            attrs: Iterable[Any] = [self.attrs(a) if a else NO_ATTRS for a in attrss]
        else:
            attrs = repeat(NO_ATTRS)
        # (a big section's pieces share the scores: a hundred distinct ones a piece, a thousand in all)
        return [
            each(statuses, self.status), each(bys, self.who), each(scores, self.score, self.scores), each(sbys, self.who),
            each(slabels, self.label_value), attrs,
        ]

    def span_columns(
        self, starts, stops, frs, texts, article: str | None, numbers: list | None = None, sent: bool = False
    ) -> tuple[list | None, list]:
        """The fragments and texts of the spans of the columns of ``_SPAN``'s groups,
        checked against the article (``_make_span`` makes them); ``numbers``: a list
        to append their ``columns.Numbers`` to. ``sent`` (a read-ahead worker's piece,
        sent as ``direct_bytes._encode`` writes it): no fragments (None) when the
        numbers stand for them (one fragment each), as the reader makes them again."""
        n = len(texts)
        texts = list(self.tokens(texts, self.text_value))
        multi: list[int] = [i for i, f in enumerate(frs) if f] if any(frs) else []
        frags: dict[int, tuple] = {}
        if multi:
            starts, stops = list(starts), list(stops)
            for i in multi:
                fr = frags[i] = self.fragments(frs[i])
                starts[i], stops[i] = fr[0][0], fr[-1][1]
        s_col = list(map(int, starts))
        e_col = list(map(int, stops))
        if not all(map(lt, s_col, e_col)):
            raise Decline
        if article is not None and n:
            if max(e_col) > len(article):
                raise Decline
            got = list(map(article.__getitem__, map(slice, s_col, e_col)))
            for i in multi:
                got[i] = " ".join(article[s:e] for s, e in frags[i])
            if got != texts:
                raise Decline
        if numbers is not None:
            numbers.append(columns.numbers_from(s_col, e_col, multi, frags))
            if sent and not multi and numbers[-1] is not None:
                return None, texts  # (500,000 pairs of tuples not made: 0.065 s of the worker's 2.4)
        fr_col = list(zip(zip(s_col, e_col)))  # ((s, e),) each
        for i in multi:
            fr_col[i] = frags[i]
        return fr_col, texts

    def some_span_columns(self, n: int, starts, stops, frs, texts, article: str | None, numbers: list | None = None) -> list | None:
        """The spans of a part that may be absent, as columns: None (none there), or
        [where they are (None: everywhere), their fragments, their texts]
        (``made_spans`` makes them, None where there is none). ``numbers``: a list to
        append their ``columns.Numbers`` to (empty ones when none is there)."""
        at = [i for i, t in enumerate(texts) if t is not None]
        if len(at) == n:
            return [None, *self.span_columns(starts, stops, frs, texts, article, numbers)]
        if not at:
            if numbers is not None:
                numbers.append(columns.NO_NUMBERS)
            return None
        return [
            at, *self.span_columns(
                [starts[i] for i in at], [stops[i] for i in at], [frs[i] for i in at], [texts[i] for i in at], article, numbers
            ),
        ]

    @staticmethod
    def made_spans(n: int, cols: list | None) -> list[Span | None]:
        """The spans of ``some_span_columns``, None where there is none."""
        if cols is None:
            return [None] * n
        at, fr_col, texts = cols
        got = _make_span(len(texts), fr_col, texts)
        if at is None:
            return got
        out: list[Span | None] = [None] * n
        for i, s in zip(at, got):
            out[i] = s
        return out

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

    # -- a row's tokens -----------------------------------------------------
    # (``direct_reader``'s small sections, read a row at a time)

    def new_id(self, t: str) -> str:
        """As ``new_ids``, for one token."""
        v = self.string(t) if t[0] in _SPECIAL_FIRST or t in _SPECIAL_WORDS else t
        if v in self.ids or v in self.entities_table:
            raise Decline
        self.ids.add(v)
        return v

    def tail_of(self, memo: dict, status, by, score, sby, slabel, attrs) -> tuple:
        """status, by, score, suggested_by, suggested_label and attrs of a row, as
        ``tails`` reads them (the same tokens, nearly every row's, read once: ``memo``)."""
        if attrs:
            return (self.status(status), self.who(by), self.score(score), self.who(sby), self.label_value(slabel), self.attrs(attrs))
        key = (status, by, score, sby, slabel)
        got = memo.get(key)
        if got is None:
            got = memo[key] = (
                self.status(status), self.who(by), self.score(score), self.who(sby), self.label_value(slabel), NO_ATTRS,
            )
        return got

    def span_of(self, start, stop, frs, text: str, article: str | None) -> Span:
        """One span of ``_SPAN``'s groups, checked against the article, as ``span_columns`` does."""
        if text[0] in _SPECIAL_FIRST or text in _SPECIAL_WORDS:
            text = self.text_value(text)
        if frs:
            fr = self.fragments(frs)
            if article is not None and (fr[-1][1] > len(article) or " ".join(article[s:e] for s, e in fr) != text):
                raise Decline
            return _new_span(fr, text)
        s, e = int(start), int(stop)
        if not s < e or (article is not None and (e > len(article) or article[s:e] != text)):
            raise Decline
        return _new_span(((s, e),), text)
