"""Tokens, sentences, display widths and word wrap of an article.

Everything here works on Python ``str`` offsets (code points), never bytes, and
never imports Textual: the article view asks this module where tokens, sentences
and screen rows are, and only paints.

Display model (what the article view draws, one cell per terminal column):

* a *cluster* is a base character plus the zero-width characters attached to it
  (combining marks, variation selectors, a zero-width joiner and the character it
  joins); a cluster is never split across rows, and a highlight is drawn per
  cluster;
* wide characters (CJK, most emoji) take 2 cells, combining marks and format
  characters 0, tabs expand to the next multiple of ``tab_size`` cells, and a
  ``\\r`` (as in CRLF) or any other control character takes none;
* right-to-left text is laid out in logical order, like every other character.

The widths follow the table Rich 15 (which Textual renders with) uses, so a row
measured here measures the same when Textual crops it.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate
from operator import sub
from typing import Iterator

from .pace import pause

TAB_SIZE = 4

__all__ = [
    "TAB_SIZE",
    "Tokens",
    "tokenize",
    "Sentences",
    "split_sentences",
    "TextIndex",
    "char_cells",
    "str_cells",
    "clusters",
    "iter_clusters",
    "is_break_space",
    "Layout",
    "wrap",
]

# ---------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------


def _ranges(codepoints: list[int]) -> str:
    """A regex character-class body for a sorted list of code points."""
    out: list[str] = []
    start = prev = None
    for cp in codepoints:
        if prev is not None and cp == prev + 1:
            prev = cp
            continue
        if start is not None:
            out.append(_class_item(start, prev))
        start = prev = cp
    if start is not None:
        out.append(_class_item(start, prev))
    return "".join(out)


def _class_item(a: int, b: int) -> str:
    if a == b:
        return re.escape(chr(a))
    return f"{re.escape(chr(a))}-{re.escape(chr(b))}"


#: Combining marks of the Basic Multilingual Plane (Unicode category M*, as of
#: Unicode 14), as a regex class body; a test checks it against ``unicodedata``.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed"
    "\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823"
    "\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903"
    "\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962-\u0963\u0981-\u0983\u09bc\u09be-\u09c4"
    "\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe\u0a01-\u0a03\u0a3c\u0a3e-\u0a42"
    "\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71\u0a75\u0a81-\u0a83\u0abc\u0abe-\u0ac5"
    "\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-\u0b44"
    "\u0b47-\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8"
    "\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d"
    "\u0c55-\u0c56\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd"
    "\u0cd5-\u0cd6\u0ce2-\u0ce3\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48"
    "\u0d4a-\u0d4d\u0d57\u0d62-\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf"
    "\u0df2-\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f3f\u0f71-\u0f84\u0f86-\u0f87\u0f8d-\u0f97"
    "\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"
    "\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-\u1734"
    "\u1752-\u1753\u1772-\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885-\u1886\u18a9"
    "\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace"
    "\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3"
    "\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff"
    "\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099-\u309a\ua66f-\ua672"
    "\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c"
    "\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983"
    "\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c-\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4"
    "\uaab7-\uaab8\uaabe-\uaabf\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6\uabe3-\uabea\uabec-\uabed"
    "\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f"
)


# Characters that are one cell wide and need no special handling (a superset of
# what most news text holds, curly quotes and accented Latin included). A row made
# only of these takes the fast path: cells == characters, breaks only at ' '.
_SIMPLE_BODY = (
    "\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u048a-\u052f"  # Latin, Greek, Cyrillic
    "\u0531-\u0556\u0559-\u058a\u05d0-\u05ea\u05ef-\u05f4"  # Armenian, Hebrew letters
    "\u0606-\u060f\u061b\u061d-\u064a\u0660-\u066f\u0671-\u06d5\u06de\u06e5\u06e6\u06e9\u06ee-\u06ff"  # Arabic
    "\u10a0-\u10c5\u10c7\u10cd\u10d0-\u10ff\u13a0-\u13f5"  # Georgian, Cherokee
    "\u1e00-\u1fff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0"  # Latin/Greek extended, punctuation
)
_COMPLEX = re.compile(f"[^{_SIMPLE_BODY}]")

# Whitespace that does not allow a line break.
_NO_BREAK = frozenset("\xa0\u2007\u202f")

# Prepended concatenation marks and the soft hyphen: format characters that show.
_VISIBLE_FORMAT = frozenset("\xad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")

# Wide in Unicode 16/17 (Rich's table) but not yet in this Python's unicodedata.
_EXTRA_WIDE = ((0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356), (0x1D360, 0x1D376))

# Narrow characters that a following VARIATION SELECTOR-16 turns into 2-cell emoji.
_VS16_WIDE = frozenset("#*0123456789\xa9\xae")

ZWJ = "\u200d"
VS16 = "\ufe0f"


def is_break_space(ch: str) -> bool:
    """Whitespace after which a row may break (not the no-break spaces)."""
    return ch.isspace() and ch not in _NO_BREAK


@lru_cache(maxsize=8192)
def _base_cells(ch: str) -> int:
    """Cells of one character on its own (a tab counts 0 here; see char_cells)."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return 0
    if cp < 0x300:
        return 1
    cat = unicodedata.category(ch)
    if cat[0] == "M":
        return 0
    if cat == "Cf":
        return 1 if ch in _VISIBLE_FORMAT else 0
    if cat in ("Zl", "Zp"):
        return 0
    if cat == "Cn":  # unassigned: wide only in the ideograph planes
        return 2 if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFD else 1
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF or cp == 0x3164:
        return 0  # Hangul medial/final jamo: they combine with the syllable before
    if 0x1F3FB <= cp <= 0x1F3FF:
        return 0  # emoji skin-tone modifiers
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    for a, b in _EXTRA_WIDE:
        if a <= cp <= b:
            return 2
    return 1


def _vs16_widens(ch: str) -> bool:
    """Does VS16 after this one-cell character make it a two-cell emoji?"""
    if ch in _VS16_WIDE:
        return True
    return ord(ch) >= 0x203C and unicodedata.category(ch) in ("So", "Sm", "Po") and _base_cells(ch) == 1


def char_cells(ch: str, column: int = 0, tab_size: int = TAB_SIZE) -> int:
    """Cells one character takes at ``column`` (no context: see ``clusters``)."""
    if ch == "\t":
        return tab_size - column % tab_size
    return _base_cells(ch)


def iter_clusters(
    text: str, start: int = 0, end: int | None = None, column: int = 0, tab_size: int = TAB_SIZE
) -> Iterator[tuple[int, int, int]]:
    """Display clusters of ``text[start:end]`` as ``(start, end, cells)``.

    Zero-width characters attach to the cluster before them (so do a variation
    selector and an emoji joined by ZWJ); whitespace and tabs are clusters of their
    own. ``column`` is where the first one is drawn (tabs depend on it).
    """
    if end is None:
        end = len(text)
    i = start
    col = column
    base_cells = _base_cells
    while i < end:
        ch = text[i]
        j = i + 1
        if ch == "\t":
            w = tab_size - col % tab_size
        elif ch.isspace():
            w = base_cells(ch)
        else:
            w = base_cells(ch)
            while j < end:
                c2 = text[j]
                if c2 == ZWJ:
                    j = min(j + 2, end)
                    continue
                if c2 == VS16:
                    if w == 1 and _vs16_widens(ch):
                        w = 2
                    j += 1
                    continue
                if c2.isspace() or base_cells(c2) != 0:
                    break
                j += 1
        yield (i, j, w)
        col += w
        i = j


def clusters(
    text: str, start: int = 0, end: int | None = None, column: int = 0, tab_size: int = TAB_SIZE
) -> list[tuple[int, int, int]]:
    """``iter_clusters`` as a list."""
    return list(iter_clusters(text, start, end, column, tab_size))


def str_cells(s: str, tab_size: int = TAB_SIZE) -> int:
    """Cells ``s`` takes when drawn from column 0."""
    if not _COMPLEX.search(s):
        return len(s)
    return sum(c for _s, _e, c in clusters(s, 0, len(s), 0, tab_size))


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

#: Abbreviations that keep their period (and never end a sentence).
ABBREVIATIONS = (
    "Mr Mrs Ms Mx Dr Prof Gen Col Lt Sgt Capt Cmdr Adm Maj Brig Cpl Pvt Sen Rep Gov Pres "
    "Rev Hon Fr St Mt Ft Jr Sr Inc Ltd Co Corp Bros Dept Univ Assn vs etc approx "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No Nos Vol Fig"
).split()

_ABBREV_SET = frozenset(a + "." for a in ABBREVIATIONS)
_NUMBER_ABBREVS = frozenset(("No.", "Nos.", "Vol.", "Fig."))  # abbreviations only before a number


_CJK = "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303c\u3041-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"


def _token_pattern(full: bool) -> str:
    """The token regex: leading whitespace, then one token (no groups, for findall).

    ``full`` adds combining marks inside words, one token per CJK character and
    emoji sequences; without them the pattern compiles ~20x faster, which is what
    most articles (no such characters) get.
    """
    w1 = r"[^\W_]"  # a letter or digit
    if full:
        word = rf"(?:{w1}++(?:[{_MARKS}]++{w1}*+)*+)"
        ext = rf"[{_MARKS}\u200c\U000E0100-\U000E01EF\U0001F3FB-\U0001F3FF]"
        symbol = rf"(?:[{_CJK}]|[^\w\s]){ext}*+(?:\u200d\S{ext}*+)*+"  # one ideograph/kana, mark or emoji
    else:
        word = rf"{w1}++"
        symbol = r"[^\w\s]"
    abbrevs = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
    return rf"""
        \s*+(?:
            (?=[A-Za-z]{{1,6}}\.)(?:
                (?:[A-Za-z]\.){{2,}}(?!\w)                  # U.S.  U.N.  e.g.
              | (?:[A-Za-z]\.)++[A-Za-z](?![\w.])            # U.S.A  U.S (no last period)
              | (?:{abbrevs})\.                              # Mr.  Gen.  Inc.
            )
          | \d+(?:[.,:/]\d+)+{w1}*+                          # 3.5  1,000  10:30  2.5bn
          | ['\u2019][sS](?!\w)                             # possessive 's as its own token
          | {symbol}                                        # punctuation, symbol, CJK, emoji
          | {word}(?:['\u2019](?![sS](?!\w)){word})*+        # words; don't, O'Brien (not 's)
          | \S                                              # anything else but space
        )
    """


@lru_cache(maxsize=2)
def _token_re(full: bool = True) -> re.Pattern[str]:
    return re.compile(_token_pattern(full), re.VERBOSE)


def _needs_full_tokens(text: str) -> bool:
    """Does ``text`` hold a combining mark, a CJK character, a joiner or an emoji modifier?"""
    category = unicodedata.category
    for m in _COMPLEX.finditer(text):
        ch = m.group()
        cp = ord(ch)
        if 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF66 <= cp <= 0xFF9F or cp >= 0x1F3FB:
            return True
        if category(ch)[0] == "M" or ch in "\u200c\u200d":
            return True
    return False


class _Spans:
    """Spans kept as two int arrays (starts and ends, sorted, disjoint)."""

    __slots__ = ("starts", "ends")

    def __init__(self, starts: array, ends: array):
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.ends[i]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends)


class Tokens(_Spans):
    """Token spans."""

    __slots__ = ()

    # -- lookups (all O(log n)) ----------------------------------------------
    def index_at(self, offset: int) -> int | None:
        """Index of the token containing ``offset``, or None (whitespace)."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        return None

    def index_nearest(self, offset: int) -> int | None:
        """The token containing ``offset``, else the next one, else the last."""
        if not self.starts:
            return None
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        if i + 1 < len(self.starts):
            return i + 1
        return len(self.starts) - 1

    def token_at(self, offset: int) -> tuple[int, int] | None:
        i = self.index_at(offset)
        return None if i is None else (self.starts[i], self.ends[i])

    def nearest(self, offset: int) -> tuple[int, int] | None:
        i = self.index_nearest(offset)
        return None if i is None else (self.starts[i], self.ends[i])

    def next_token(self, offset: int) -> tuple[int, int] | None:
        """The first token that starts after ``offset``."""
        i = bisect_right(self.starts, offset)
        return (self.starts[i], self.ends[i]) if i < len(self.starts) else None

    def prev_token(self, offset: int) -> tuple[int, int] | None:
        """The last token before the one at ``offset`` (or before ``offset``)."""
        i = self.index_at(offset)
        if i is None:
            i = bisect_left(self.starts, offset)
        i -= 1
        return (self.starts[i], self.ends[i]) if i >= 0 else None

    def overlapping(self, start: int, end: int) -> range:
        """Indices of the tokens touching ``[start, end)``."""
        lo = bisect_right(self.starts, start) - 1
        if lo < 0 or self.ends[lo] <= start:
            lo += 1
        hi = bisect_left(self.starts, end)
        return range(lo, max(lo, hi))


def tokenize(text: str) -> Tokens:
    """Words, numbers and punctuation marks; a token never spans whitespace.

    ``findall`` hands back each token with the whitespace before it, so the
    offsets come from running sums of lengths, all in C (~0.1 s for 1 MB).
    """
    parts = _token_re(_needs_full_tokens(text)).findall(text)
    ends = array("i", accumulate(map(len, parts)))
    starts = array("i", map(sub, ends, map(len, map(str.lstrip, parts))))
    return Tokens(starts, ends)


def tokenize_in_parts(text: str, end: int | None = None, *, part: int = 1 << 18) -> Tokens:
    """``tokenize(text[:end])`` (``end`` just after a ``\n``, or the text's end),
    made a part of about ``part`` characters at a time, each part ending after a
    line break: the same tokens (a token never spans whitespace), but no single
    call into the regex engine holds the interpreter for long (run in a thread
    beside a UI, a 10 MB article's one ``findall`` held it for half a second)."""
    n = len(text) if end is None else end
    rx = _token_re(_needs_full_tokens(text[:n]))
    starts = array("i")
    ends = array("i")
    pos = 0
    while pos < n:
        stop = text.find("\n", min(pos + part, n - 1), n)
        stop = n if stop < 0 else stop + 1
        parts = rx.findall(text, pos, stop)
        e = array("i", accumulate(map(len, parts), initial=pos))
        del e[0]
        starts.extend(map(sub, e, map(len, map(str.lstrip, parts))))
        ends.extend(e)
        pos = stop
        pause()  # in a thread: give way to a key being handled (see annotator.pace)
    return Tokens(starts, ends)


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------



@lru_cache(maxsize=1)
def _sentence_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a sentence's end, a word of initials): compiled when sentences are first
    split, not at import (the first frame splits none)."""
    return re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*(?=\s)"), re.compile(r"(?:[A-Za-z]\.)+\Z")

_OPENERS = frozenset("\"'\u201c\u2018\u00ab([")


class Sentences(_Spans):
    """Sentence spans (trimmed of surrounding whitespace), sorted and disjoint."""

    __slots__ = ()

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence holding ``offset``; in the space after one, that one."""
        if not self.starts:
            return (0, 0)
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            i = 0
        return self.starts[i], self.ends[i]


def _ends_abbreviation(text: str, line_start: int, dot: int, nxt: str) -> bool:
    """Is the period at ``dot`` part of an abbreviation (Mr., U.S., J.)?"""
    ws = dot
    while ws > line_start and not text[ws - 1].isspace():
        ws -= 1
    word = text[ws : dot + 1].lstrip("\"'\u201c\u2018([")
    if word in _NUMBER_ABBREVS:
        return nxt.isdigit()
    return word in _ABBREV_SET or bool(_sentence_patterns()[1].match(word))


def split_sentences(text: str) -> Sentences:
    """Rule-based sentences: ``. ! ?`` then space and a capital, digit or quote.

    The project's one splitter (the app's sentence keys and the suggesters').
    A line break always ends a sentence (news copy is one paragraph per line, and
    a headline or dateline without a full stop must not run into the next
    paragraph); blank lines give no sentence; every sentence is trimmed of the
    whitespace around it (``\r`` of CRLF included). Abbreviations (Mr., U.S.) do
    not end one.
    """
    sent_end = _sentence_patterns()[0].finditer
    starts = array("i")
    ends = array("i")
    n = len(text)
    line_start = 0
    while line_start <= n:
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = n
        s = line_start
        while s < line_end and text[s].isspace():
            s += 1
        if s < line_end:
            for m in sent_end(text, s, line_end):
                k = m.end()
                while k < line_end and text[k].isspace():
                    k += 1
                if k >= line_end:
                    break
                nxt = text[k]
                if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
                    continue
                if m.group() == "." and _ends_abbreviation(text, line_start, m.start(), nxt):
                    continue
                if m.start() < s:
                    continue
                starts.append(s)
                ends.append(m.end())
                s = k
            e = line_end
            while e > s and text[e - 1].isspace():
                e -= 1
            starts.append(s)
            ends.append(e)
        line_start = line_end + 1
    return Sentences(starts, ends)


class TextIndex:
    """One article's text with its tokens and sentences (each built on first use)."""

    def __init__(self, text: str):
        self.text = text
        self._tokens: Tokens | None = None
        self._sentences: Sentences | None = None

    @property
    def tokens(self) -> Tokens:
        if self._tokens is None:
            self._tokens = tokenize(self.text)
        return self._tokens

    @property
    def sentences(self) -> Sentences:
        if self._sentences is None:
            self._sentences = split_sentences(self.text)
        return self._sentences

    def token_at(self, offset: int) -> tuple[int, int] | None:
        return self.tokens.token_at(offset)

    def next_token(self, offset: int) -> tuple[int, int] | None:
        return self.tokens.next_token(offset)

    def prev_token(self, offset: int) -> tuple[int, int] | None:
        return self.tokens.prev_token(offset)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        return self.sentences.sentence_at(offset)


# ---------------------------------------------------------------------------
# Word wrap
# ---------------------------------------------------------------------------


def _wrap_simple(text: str, ps: int, pe: int, width: int, out: array) -> None:
    """Rows of a one-cell-per-character paragraph ``text[ps:pe]`` (breaks at ' ')."""
    vis_end = pe
    while vis_end > ps and text[vis_end - 1] == " ":
        vis_end -= 1
    pos = ps
    while vis_end - pos > width:
        pos = _simple_row(text, pos, pe, width)
        out.append(pos)


def _simple_row(text: str, pos: int, pe: int, width: int) -> int:
    """Where the row starting at ``pos`` breaks, if ``text[pos:pos+width+1]`` is simple."""
    limit = pos + width
    ns = pos
    while is_break_space(text[ns]):  # indentation (only a paragraph's first row has any)
        ns += 1
    if ns >= limit:
        return ns  # indentation fills the row: it hangs
    if text[limit] == " ":
        r = limit + 1
        while r < pe and is_break_space(text[r]):
            r += 1
        return r
    i = text.rfind(" ", ns, limit)
    return limit if i < 0 else i + 1  # no space to break at: hard-break the word


def _complex_row(text: str, row_start: int, pe: int, width: int, tab_size: int) -> int | None:
    """Where the row starting at ``row_start`` breaks (None: the rest of the paragraph fits)."""
    col = 0
    last_break = -1
    prev_space = False
    content = False
    for s, _e, w in iter_clusters(text, row_start, pe, 0, tab_size):
        if is_break_space(text[s]):
            prev_space = True
            col += w
            continue
        if prev_space and content:
            last_break = s
        prev_space = False
        if w > 0 and col + w > width and col > 0:
            return last_break if last_break > row_start else s
        if w > 0:
            content = True
        col += w
    return None


def _wrap_complex(text: str, ps: int, pe: int, width: int, tab_size: int, out: array) -> None:
    """Rows of any paragraph, one cluster at a time."""
    pos: int | None = ps
    while (pos := _complex_row(text, pos, pe, width, tab_size)) is not None:
        out.append(pos)


def _wrap_mixed(text: str, ps: int, pe: int, width: int, tab_size: int, out: array) -> None:
    """Rows of a paragraph with a few wide, zero-width or tab characters.

    A row whose next ``width + 1`` characters are all simple is broken by
    arithmetic; only rows holding a special character walk their clusters.
    """
    vis_end = pe
    while vis_end > ps and (is_break_space(text[vis_end - 1])):
        vis_end -= 1
    search = _COMPLEX.search
    pos = ps
    while True:
        if vis_end - pos <= width and search(text, pos, vis_end) is None:
            return  # the rest fits
        r = None
        if pos + width < pe and search(text, pos, pos + width + 1) is None:
            r = _simple_row(text, pos, pe, width)
            if r < pe and _COMPLEX.match(text, r):
                r = None  # the break skipped spaces up to a special char: decide by clusters
        if r is None:
            r = _complex_row(text, pos, pe, width, tab_size)
            if r is None:
                return
        out.append(r)
        pos = r


def _wrap_paragraph(text: str, ps: int, pe: int, width: int, tab_size: int, out: array) -> None:
    if _COMPLEX.search(text, ps, pe) is None:
        if pe - ps > width:
            _wrap_simple(text, ps, pe, width, out)
    else:
        _wrap_mixed(text, ps, pe, width, tab_size, out)


class Layout:
    """The article wrapped to a width: screen rows as character ranges.

    Rows partition the text: row ``i`` is ``[starts[i], starts[i+1])``, every
    character (spaces and ``\\n`` included) is in exactly one row, and whitespace
    at a break stays at the end of the row it follows (hanging past the width).
    """

    def __init__(self, text: str, width: int, tab_size: int = TAB_SIZE):
        self.text = text
        self.tab_size = tab_size
        self.width = max(1, width)
        self.starts = self._wrap(self.width)

    def _wrap(self, width: int) -> array:
        text = self.text
        n = len(text)
        out = array("i", [0])
        pos = 0
        find = text.find
        tab = self.tab_size
        paragraphs = 0
        while True:
            nl = find("\n", pos)
            pe = n if nl < 0 else nl
            if pe > pos and text[pe - 1] == "\r":
                pe -= 1  # the CR of a CRLF hangs, like trailing whitespace
            if pe > pos:
                _wrap_paragraph(text, pos, pe, width, tab, out)
            if nl < 0:
                break
            pos = nl + 1
            if pos >= n:
                break
            out.append(pos)
            paragraphs += 1
            if not paragraphs & 255:
                pause()  # in a thread: give way to a key being handled (see annotator.pace)
        out.append(n)
        return out

    def rewrap(self, width: int) -> bool:
        """Wrap again for a new width; False if nothing changed."""
        width = max(1, width)
        if width == self.width:
            return False
        self.width = width
        self.starts = self._wrap(width)
        return True

    # -- rows -------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.starts) - 1

    def row(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.starts[i + 1]

    def rows(self) -> list[tuple[int, int]]:
        st = self.starts
        return [(st[i], st[i + 1]) for i in range(len(st) - 1)]

    def row_of(self, offset: int) -> int:
        """The row holding the character at ``offset`` (clamped to the text)."""
        i = bisect_right(self.starts, offset) - 1
        return max(0, min(i, len(self.starts) - 2))

    def is_simple(self, i: int) -> bool:
        """Is row ``i`` one cell per character (the fast path)?"""
        s, e = self.row(i)
        e = self._visible_end(s, e)
        return _COMPLEX.search(self.text, s, e) is None

    def _visible_end(self, s: int, e: int) -> int:
        text = self.text
        if e > s and text[e - 1] == "\n":
            e -= 1
        if e > s and text[e - 1] == "\r":
            e -= 1
        return e

    def clusters(self, i: int) -> list[tuple[int, int, int]]:
        """Row ``i``'s display clusters ``(start, end, cells)``, trailing ``\\n`` included."""
        s, e = self.row(i)
        return clusters(self.text, s, e, 0, self.tab_size)

    def row_cells(self, i: int) -> int:
        """Cells row ``i`` takes up to its last visible cluster (whitespace after it hangs)."""
        s, e = self.row(i)
        text = self.text
        while e > s and (is_break_space(text[e - 1]) or text[e - 1] == "\r"):
            e -= 1
        if _COMPLEX.search(text, s, e) is None:
            return e - s
        col = shown = 0
        for a, _b, w in iter_clusters(text, s, e, 0, self.tab_size):
            col += w
            if w and not is_break_space(text[a]):
                shown = col
        return shown

    def column_of(self, offset: int) -> tuple[int, int]:
        """``(row, cell column)`` where the character at ``offset`` is drawn."""
        r = self.row_of(offset)
        s, e = self.row(r)
        if self.is_simple(r):
            return r, min(offset, e) - s
        col = 0
        for a, b, w in self.clusters(r):
            if offset < b:
                return r, col
            col += w
        return r, col

    def offset_at(self, row: int, column: int) -> int:
        """The character drawn at ``(row, column)``; past the end, the row's last one."""
        row = max(0, min(row, len(self) - 1))
        s, e = self.row(row)
        if s == e:
            return s
        ve = self._visible_end(s, e)
        if self.is_simple(row):
            return min(s + max(0, column), max(s, ve - 1))
        col = 0
        last = s
        for a, b, w in self.clusters(row):
            if a >= ve:
                break
            if column < col + w:
                return a
            col += w
            last = a
        return last


def wrap(text: str, width: int, tab_size: int = TAB_SIZE) -> list[tuple[int, int]]:
    """Rows of ``text`` wrapped to ``width`` cells, as ``(char_start, char_end)``."""
    return Layout(text, width, tab_size).rows()
