"""The text around a position, for the rules: words before and after, clause
ends, prepositions, and an index of the entities found so far."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter
from typing import Iterator

from . import lexicon as lx

_CLAUSE_PUNCT = re.compile(r"[,;:(\u2014]")
_PREP_WORDS = re.compile(r"[\w'-]+")


@dataclass(slots=True)
class Ent:
    start: int
    end: int
    label: str
    id: str  # an existing ID or a local proposal ID



_start = attrgetter("start")
_end_start = attrgetter("end", "start")


def _by_end_first(x: "Ent") -> int:
    return -x.end


class EntityIndex:
    """Entities by position: what ends just before an offset, what starts in a range."""

    def __init__(self, ents: list[Ent]):
        # One per span: the first listed (existing before proposed).
        seen: dict[tuple[int, int], Ent] = {}
        for x in ents:
            seen.setdefault((x.start, x.end), x)
        values = list(seen.values())
        values.sort(key=_by_end_first)  # the same order as sorting by (start, -end) alone would give
        values.sort(key=_start)
        self.by_start = values
        self.starts = [x.start for x in values]
        self.by_end = sorted(values, key=_end_start)
        self.ends = [x.end for x in self.by_end]

    def ending_at(self, end: int) -> Ent | None:
        """The longest entity ending exactly at ``end``."""
        i = bisect_left(self.ends, end)
        best = None
        while i < len(self.ends) and self.ends[i] == end:
            x = self.by_end[i]
            if best is None or x.start < best.start:
                best = x
            i += 1
        return best

    def starting_at(self, start: int) -> Ent | None:
        i = bisect_left(self.starts, start)
        return self.by_start[i] if i < len(self.starts) and self.starts[i] == start else None

    def starting_in(self, a: int, b: int) -> list[Ent]:
        i, j = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return [x for x in self.by_start[i:j] if x.end <= b]

    def iter_starting_in(self, a: int, b: int) -> Iterator[Ent]:
        """``starting_in`` one at a time (a caller that stops early pays for what it read)."""
        by_start = self.by_start
        for i in range(bisect_left(self.starts, a), len(by_start)):
            x = by_start[i]
            if x.start >= b:
                return
            if x.end <= b:
                yield x

    def overlapping(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b)
        for x in self.by_start[max(0, i - 8) : i]:
            if x.end > a:
                return True
        return False



WORD_CHARS = frozenset(".-'\u2019_")
# A character is a word character here when it is alphanumeric (``str.isalnum``)
# or one of WORD_CHARS; ``\w`` of a str pattern is exactly ``isalnum()`` or "_".
_WORD_BACK = re.compile(r"[\w.'\u2019-]*")  # matched on the reversed text before a position
_WORD_AFTER = re.compile(r"[ \t]*([\w'\u2019-]{0,40})")


def word_before(text: str, s: int) -> str:
    """The word (letters, digits, . - ' ’) that ends right before ``s``, past spaces and tabs
    (at most 40 characters of it)."""
    i = s
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    n = _WORD_BACK.match(text[max(0, i - 40) : i][::-1]).end()
    return text[i - n : i]


def word_after(text: str, e: int) -> str:
    """The word that starts right after ``e``, past spaces and tabs (at most 40 characters)."""
    return _WORD_AFTER.match(text, e).group(1)


def first_role(roles: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    for r in wanted:
        if r in roles:
            return r
    return None


def clause_end(text: str, e: int, se: int) -> int:
    """Where the clause after ``e`` ends: the next , ; : or sentence end."""
    m = _CLAUSE_PUNCT.search(text, e, se)
    return m.start() if m else se


def preposition_before(text: str, a: int, b: int) -> str:
    """The preposition heading the phrase ``text[a:b]`` ends with ('' when none)."""
    words = _PREP_WORDS.findall(text[a:b].lower())
    skip = {"the", "a", "an", "eastern", "western", "northern", "southern", "central", "nearby", "city", "town", "of"}
    # "pulled out of X": "out of"; "the city of X": "of"
    while words and words[-1] in ("the", "eastern", "western", "northern", "southern", "central", "nearby"):
        words.pop()
    if len(words) >= 2 and words[-2:] == ["out", "of"]:
        return "out of"
    if words and (words[-1] in lx.PLACE_BEFORE or words[-1] in ("by", "with")):
        return words[-1]
    if not words or all(w in skip for w in words):
        return ""
    return "?"



def prev_word(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """(start, end) of the word ending before ``hi`` (past spaces), not before ``lo``."""
    i = hi
    while i > lo and text[i - 1] in " \t":
        i -= 1
    n = _WORD_BACK.match(text[max(lo, i - 40) : i][::-1]).end()
    return (i - n, i) if n else None


def has_quote(s: str) -> bool:
    return any(q in s for q in "\"\u201c\u201d")


def trim(text: str, a: int, b: int, chars: str = " \t,;:.") -> tuple[int, int]:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b

