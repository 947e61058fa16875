"""Re-finding spans when the article changed after it was annotated.

The annotation file keeps, for every span, its offsets and its text, but not
the article as it was: the old article is known only where it was annotated.
So re-anchoring works from the span texts, their old offsets and their order.
Every fragment of every span (entity fragments, event triggers, attribution
source / cue / content) is a *piece*, taken in old order.

1. **Runs that moved together** (``_Placer.chain``). Each piece's exact text
   is looked up in the new text, on word boundaries (``said`` is never found
   inside ``unsaid``): every occurrence of a rare text, and for a common one
   the occurrences at the shifts (new offset - old offset) the pieces before
   it were found at, at its old offset and at its old offset moved by the
   change in length. The best chain of occurrences in both old and new order
   is chosen: 1 point per piece, 1.5 paid per change of shift (the start and
   the end of the article count as fixed ends). Real edits are few and the
   text between two edits moves as one block, so the chain keeps the runs of
   pieces that moved together, repeated words land on the occurrence that
   keeps their place in the run, and a piece of a deleted sentence is not
   pulled onto the same word elsewhere (that would cost two changes of shift
   for one point). Ties go to the chain that keeps earlier pieces: an edit is
   placed as late as the text allows, as diff does.
2. **Between placed neighbours** (``_Placer.between_neighbours``). A piece left
   out lies between the placed pieces before it (P) and after it (N). Its
   exact text between them is taken when its shift is P's or N's give or take
   ``2 + gap/10`` (line-ending changes move offsets a little on every line), or
   when it is the one occurrence between them and that stretch did not grow
   much. Otherwise the text is taken as edited: its left context pins its
   start (its old distance from P, at P's shift), its right context pins its
   end (at N's shift), and the text between becomes the span if it is similar
   (``difflib`` ratio >= 0.6, case-insensitive): an edited name "Abdi" ->
   "Abdy", "Mazlum" -> "Mazloum".

A line-ending change (CRLF -> LF or back) that explains many more pieces than
the text as it is is tried as well: offsets mapped through it, the placement
kept if it places more.

A span that cannot be placed is *lost*: it is kept with its old text, its
offsets clamped into the new article (so the file stays valid), and
``attrs["lost"]`` set (``true`` for an entity or an event trigger; for an
attribution, the list of its lost parts, e.g. ``[cue]``). It is never moved
onto other text. It stays lost until it is tagged again or deleted, or until
the article changes so that its text is back at its offsets. ``store`` skips
the text check of lost parts, and ``store.read`` of a file (``annotator validate``)
lists each as a problem.

With the old article at hand a diff would be exact; it is not stored (only
its sha256), hence the above. On a 1 MB article with 66,000 spans a
re-anchoring takes about 1.5 s (bench/bench_journal.py --reanchor).
"""

from __future__ import annotations

import difflib
import gc
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields
from typing import Callable, Iterable

from annotator.model import (
    Annotation,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Fragments,
    Span,
)

__all__ = ["reanchor", "reattach", "Report", "Moved", "Lost", "lost_parts", "lost_of", "lost_in", "is_lost", "LOST"]

#: the attrs key that marks lost spans
LOST = "lost"

#: a text with at most this many occurrences has them all as candidates
_FEW = 16
_WORD = re.compile(r"\w+")
#: similarity needed for an edited span, between its pinned ends
_SIMILAR = 0.6


@dataclass(frozen=True)
class Moved:
    """A span found again at other offsets (or with other text)."""

    id: str
    part: str  # span | trigger | source | cue | content
    old: Fragments
    new: Fragments
    old_text: str
    new_text: str
    how: str  # exact | similar

    def __str__(self) -> str:
        def pos(fr: Fragments) -> str:
            return ",".join(f"{s}-{e}" for s, e in fr)

        what = self.id if self.part == "span" else f"{self.id} {self.part}"
        edit = "" if self.new_text == self.old_text else f" as {self.new_text!r}"
        return f"{what} {self.old_text!r} moved {pos(self.old)} -> {pos(self.new)}{edit}"


@dataclass(frozen=True)
class Lost:
    """A span not found in the changed article; kept where it was, marked lost."""

    id: str
    part: str
    fragments: Fragments
    text: str
    #: it was lost already (marked so in the file), not by this change
    earlier: bool = False

    def __str__(self) -> str:
        what = self.id if self.part == "span" else f"{self.id} {self.part}"
        return f"span {what} {self.text!r} not found in the changed article"


@dataclass
class Report:
    """What re-anchoring did: spans moved, spans lost, spans untouched."""

    moved: list[Moved] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)
    unchanged: int = 0
    #: "crlf->lf" / "lf->crlf" when a line-ending change was recognised
    newlines: str | None = None

    @property
    def lost_ids(self) -> list[str]:
        return sorted({x.id for x in self.lost}, key=_id_key)

    @property
    def moved_ids(self) -> list[str]:
        return sorted({x.id for x in self.moved}, key=_id_key)

    def summary(self) -> str:
        """One line for a status bar."""
        parts = [f"the article changed: {len(self.moved)} spans moved"]
        if self.lost:
            ids = self.lost_ids
            shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
            parts.append(f"{len(self.lost)} not found ({shown}: kept where they were, marked lost)")
        else:
            parts.append("none lost")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        return [str(m) for m in self.moved] + [str(x) for x in self.lost]


def _id_key(ann_id: str) -> tuple:
    digits = ann_id[1:]
    return (ann_id[:1], int(digits) if digits.isdigit() else 0, ann_id)


# ---------------------------------------------------------------------------
# Lost marks
# ---------------------------------------------------------------------------


def lost_parts(ann: Annotation) -> tuple[str, ...]:
    """The parts of an annotation marked lost in its attrs."""
    flag = ann.attrs.get(LOST) if ann.attrs else None
    if not flag:
        return ()
    if isinstance(ann, Entity):
        return ("span",)
    if isinstance(ann, Event):
        return ("trigger",)
    if isinstance(ann, Attribution):
        if flag is True:
            return tuple(p for p in ("source", "cue", "content") if isinstance(getattr(ann, p), Span))
        if isinstance(flag, (list, tuple)):
            return tuple(p for p in ("source", "cue", "content") if p in flag)
    return ()


def is_lost(ann: Annotation) -> bool:
    return bool(lost_parts(ann))


def lost_of(ann: Annotation) -> list[Lost]:
    """The lost spans of one annotation (as marked in its attrs)."""
    out = []
    for part in lost_parts(ann):
        span = _part(ann, part)
        if span is not None:
            out.append(Lost(ann.id, part, span.fragments, span.text, earlier=True))
    return out


def lost_in(aset: AnnotationSet) -> list[Lost]:
    """Every lost span of a set (as marked in attrs), for the app's list."""
    return [x for ann in aset.all() if ann.attrs for x in lost_of(ann)]


def reattach(ann: Annotation, part: str, span: Span) -> Annotation:
    """``ann`` with its lost ``part`` put on ``span`` (found again by the user), no longer lost.

    The other lost parts of an attribution stay lost. ``ValueError`` when that
    part is not lost (only lost spans are re-attached: a found one is edited).
    """
    lost = list(lost_parts(ann))
    if part not in lost:
        raise ValueError(f"{ann.id} {part} is not lost")
    lost.remove(part)
    return _rebuild(ann, {part: span}, lost)


def _part(ann: Annotation, part: str) -> Span | None:
    if part == "span":
        return ann.span  # type: ignore[union-attr]
    if part == "trigger":
        return ann.trigger  # type: ignore[union-attr]
    value = getattr(ann, part, None)
    return value if isinstance(value, Span) else None


def _spans_of(ann: Annotation) -> list[tuple[str, Span]]:
    if isinstance(ann, Entity):
        return [("span", ann.span)]
    if isinstance(ann, Event):
        return [("trigger", ann.trigger)]
    if isinstance(ann, Attribution):
        return [(p, s) for p in ("source", "cue", "content") if isinstance(s := getattr(ann, p), Span)]
    return []


# ---------------------------------------------------------------------------
# Pieces and their placement
# ---------------------------------------------------------------------------


def _split(span: Span) -> list[tuple[int, int, str]] | None:
    """(start, end, text) of each fragment; None when the text does not fit the fragments."""
    frs = span.fragments
    if len(frs) == 1:
        return [(frs[0][0], frs[0][1], span.text)]
    lengths = [e - s for s, e in frs]
    if sum(lengths) + len(frs) - 1 != len(span.text):
        return None
    out, i = [], 0
    for (s, e), n in zip(frs, lengths):
        out.append((s, e, span.text[i : i + n]))
        i += n + 1
    return out


class _Piece:
    __slots__ = ("s", "e", "text", "earlier", "ns", "ne", "how")

    def __init__(self, s: int, e: int, text: str, earlier: bool):
        self.s, self.e, self.text = s, e, text  # old offsets
        self.earlier = earlier  # part of a span already lost
        self.ns = -1
        self.ne = -1
        self.how = ""

    @property
    def placed(self) -> bool:
        return self.ns >= 0

    def mapped(self, fn: Callable[[int], int]) -> "_Piece":
        """A fresh copy with old offsets mapped through ``fn`` (earlier-lost ones as they are)."""
        if self.earlier:
            return _Piece(self.s, self.e, self.text, True)
        return _Piece(fn(self.s), fn(self.e), self.text, False)

    @property
    def shift(self) -> int:
        return self.ns - self.s


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _clean(new: str, q: int, text: str) -> bool:
    """The occurrence at q sits on word boundaries (where the text itself starts/ends a word)."""
    # (_is_word inlined: this runs once per candidate, 60,000 times on a big article)
    if q > 0:
        c = text[0]
        if c.isalnum() or c == "_":
            c = new[q - 1]
            if c.isalnum() or c == "_":
                return False
    end = q + len(text)
    if end < len(new):
        c = text[-1]
        if c.isalnum() or c == "_":
            c = new[end]
            if c.isalnum() or c == "_":
                return False
    return True


def _nearest(new: str, text: str, pred: int, lo: int, hi: int, limit: int) -> list[int]:
    """Up to ``limit`` occurrences of text in new[lo:hi], nearest to ``pred`` first."""
    n = len(text)
    if not n or hi - lo < n:
        return []
    pred = min(max(pred, lo), hi - n)
    w = 64
    while True:
        a = max(lo, pred - w)
        b = min(hi, pred + w + n)
        found = []
        i = new.find(text, a, b)
        while i >= 0:
            found.append(i)
            i = new.find(text, i + 1, b)
        covers = a == lo and b == hi
        near = [q for q in found if abs(q - pred) <= w] if not covers else found
        if len(near) >= limit or covers:
            near.sort(key=lambda q: (abs(q - pred), q))
            return near[:limit]
        w *= 8


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    r = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    if r < 1.0:
        fa, fb = a.casefold(), b.casefold()
        if fa == fb:
            return 1.0
        r = max(r, difflib.SequenceMatcher(None, fa, fb, autojunk=False).ratio())
    return r


def _tokens(new: str) -> dict[str, list[int]]:
    """Where each word starts in the new text (sorted)."""
    tokens: dict[str, list[int]] = {}
    for m in _WORD.finditer(new):
        tokens.setdefault(m.group(), []).append(m.start())
    return tokens


def _place(
    pieces: list[_Piece], new: str, old_length: int | None, tokens: dict[str, list[int]]
) -> tuple[int, int]:
    """Place the pieces (in place); how many were placed, and how many of them where they were."""
    placer = _Placer(pieces, new, old_length, tokens)
    placer.chain()
    placer.between_neighbours()
    return sum(1 for p in pieces if p.placed), sum(1 for p in pieces if p.ns == p.s)


class _Placer:
    def __init__(self, pieces: list[_Piece], new: str, old_length: int | None, tokens: dict[str, list[int]]):
        # Pieces of spans lost earlier have offsets into an older article: they
        # take no part in the order, and are found again only where they were.
        self.pieces = [p for p in pieces if not p.earlier]
        self.earlier = [p for p in pieces if p.earlier]
        self.new = new
        self.end_shift = None if old_length is None else len(new) - old_length
        self.old_length = old_length
        self.tokens = tokens

    # -- helpers ---------------------------------------------------------------
    @staticmethod
    def _overlap(a: _Piece, b: _Piece) -> bool:
        """a comes first in old order; do they overlap in the old text?"""
        return b.s < a.e

    def _lo(self, prev: _Piece | None, p: _Piece) -> int:
        if prev is None:
            return 0
        return prev.ns if self._overlap(prev, p) else prev.ne

    def _hi(self, p: _Piece, nxt: _Piece | None) -> int:
        return len(self.new) if nxt is None else nxt.ns

    @staticmethod
    def _tol(gap: int) -> int:
        return 2 + max(gap, 0) // 10

    # -- pass 1 ------------------------------------------------------------------
    def _candidates(self, p: _Piece, carried: Iterable[int]) -> list[int]:
        """Where the piece's exact text sits on word boundaries in the new text.

        Every occurrence when there are few (``_FEW``: these find the shift
        after an edit). For a common text: the occurrences at the shifts the
        two pieces before it were found at, at its old offset, at that offset
        moved by the change in length and moved by the change scaled to where
        it is; failing all those, the few nearest to the last three."""
        new, text = self.new, p.text
        n = len(text)
        limit = len(new) - n
        word = _is_word(text[0])
        starts = self.tokens.get(_WORD.match(text).group(), ()) if word else None  # type: ignore[union-attr]
        if starts is not None and len(starts) <= _FEW:
            pool: Iterable[int] = starts
        else:
            guesses = [p.s]
            if self.end_shift:
                guesses.append(p.s + self.end_shift)
                if self.old_length:
                    guesses.append(p.s + self.end_shift * p.s // self.old_length)
            near = {p.s + d for d in carried}
            near.update(guesses)
            out = [q for q in near if 0 <= q <= limit and new.startswith(text, q) and _clean(new, q, text)]
            if out:
                return sorted(out)
            for g in guesses:
                if starts is not None:
                    k = bisect_left(starts, g)
                    near.update(starts[max(0, k - 2) : k + 2])
                else:
                    near.update(_nearest(new, text, g, 0, len(new), 4))
            pool = sorted(near)
        return [q for q in pool if 0 <= q <= limit and new.startswith(text, q) and _clean(new, q, text)]

    def chain(self) -> None:
        """Place the pieces that move together: the best chain of occurrences in order.

        Each piece's exact occurrences (see ``_candidates``) are nodes. A chain
        takes at most one node per piece, in old order and in new order (a
        piece ends, in the new text, before the next one starts). It scores 1
        per piece (a quarter for a piece inside the one before it in the
        chain: a name inside a found quote confirms little) and pays 1.5 each
        time the shift changes, counting the start of the article (shift 0)
        and its end (the change in length) as fixed ends. Real edits are few and the text
        between them moves as one, so the best chain keeps the runs of pieces
        that moved together and leaves out a deleted piece whose word happens
        to occur elsewhere. Dynamic programming with a Fenwick tree over new
        offsets for the "any earlier node that ends before here" query.
        """
        pieces = self.pieces
        if not pieces:
            return
        # Candidates first (each piece's depend on the shifts found just before it).
        cands: list[list[int]] = []
        carried: set[int] = set()
        before: set[int] = set()
        for p in pieces:
            qs = self._candidates(p, carried | before)
            cands.append(qs)
            before, carried = carried, {q - p.s for q in qs}
        keys = sorted({q + len(p.text) for p, qs in zip(pieces, cands) for q in qs})
        if not keys:
            return
        size = len(keys)
        tval: list[int | None] = [None] * (size + 1)
        tnode: list[tuple | None] = [None] * (size + 1)

        def update(pos: int, val: int, node: tuple) -> None:
            while pos <= size:
                old = tval[pos]
                if old is None or val > old:
                    tval[pos], tnode[pos] = val, node
                pos += pos & -pos

        def query(pos: int) -> tuple[int, tuple | None]:
            best, who = 0, None
            while pos > 0:
                v = tval[pos]
                if v is not None and (who is None or v > best):
                    best, who = v, tnode[pos]
                pos -= pos & -pos
            return best, who

        # Scores are integers: the weights above times ``big``, plus tie-breaks
        # below ``big`` that never outweigh them: a chain keeping earlier pieces
        # wins (an edit is placed as late as the text allows, as diff does),
        # then one starting where the article starts.
        n_pieces = len(pieces)
        big = 2 * n_pieces * n_pieces + 2 * n_pieces + 8
        one, quarter, jump = 4 * big, big, 6 * big  # a jump costs 1.5 pieces
        by_shift: dict[int, tuple[int, tuple]] = {}
        top = None  # the best value of any node so far
        final_val, final_node = None, None
        end_shift = self.end_shift
        for i, (p, qs) in enumerate(zip(pieces, cands)):
            tie = 2 * (n_pieces - i)
            made = []
            for q in qs:
                d = q - p.s
                best, prev = (one + 1 if d == 0 else one - jump), None
                same = by_shift.get(d)
                if same is not None:
                    inside = same[1][0].e > p.s  # within the piece before it: weak evidence
                    val = same[0] + (quarter if inside else one)
                    if val > best:
                        best, prev = val, same[1]
                if top is not None and top + one - jump > best:  # else no jump can do better
                    jv, jn = query(bisect_right(keys, q))
                    if jn is not None and jv + one - jump > best:
                        best, prev = jv + one - jump, jn
                node = (p, q, d, prev)
                val = best + tie
                made.append((val, node))
                last = val - (0 if end_shift is None or d == end_shift else jump)
                if final_val is None or last > final_val:
                    final_val, final_node = last, node
            for val, node in made:
                d = node[2]
                if d not in by_shift or val > by_shift[d][0]:
                    by_shift[d] = (val, node)
                update(bisect_right(keys, node[1] + len(node[0].text)), val, node)
                if top is None or val > top:
                    top = val
        node = final_node
        while node is not None:
            p, q, _d, node = node
            p.ns, p.ne, p.how = q, q + len(p.text), "exact"

    # -- pass 2 ------------------------------------------------------------------
    def between_neighbours(self, rounds: int = 4) -> None:
        """Place what pass 1 left, between placed neighbours; again while that places more."""
        for similar in (False, True):
            for _ in range(rounds):
                if not self._between_once(similar):
                    break
        new = self.new
        for p in self.earlier:
            if new.startswith(p.text, p.s) and _clean(new, p.s, p.text):
                p.ns, p.ne, p.how = p.s, p.s + len(p.text), "exact"

    def _between_once(self, similar: bool) -> bool:
        pieces = self.pieces
        # next_placed[k]: the first placed piece at index k or after
        next_placed: list[_Piece | None] = [None] * (len(pieces) + 1)
        for i in range(len(pieces) - 1, -1, -1):
            next_placed[i] = pieces[i] if pieces[i].placed else next_placed[i + 1]
        starts = [q.s for q in pieces]
        prev: _Piece | None = None
        placed_any = False
        for i, p in enumerate(pieces):
            if p.placed:
                prev = p
                continue
            # The right neighbour starts where this piece ends or later (not a
            # piece inside it: a quote is bounded by what follows it).
            nxt = next_placed[bisect_left(starts, p.e, i + 1)]
            if self._place_between(p, prev, nxt, similar):
                prev = p
                placed_any = True
        return placed_any

    def _place_between(self, p: _Piece, prev: _Piece | None, nxt: _Piece | None, similar: bool) -> bool:
        new = self.new
        lo, hi = self._lo(prev, p), self._hi(p, nxt)
        d_prev = 0 if prev is None else prev.shift
        d_next = self.end_shift if nxt is None else nxt.shift
        gap_prev = p.s if prev is None else p.s - prev.e
        gap_next = None if nxt is None else nxt.s - p.e
        tol_prev = self._tol(gap_prev)
        tol_next = self._tol(gap_next if gap_next is not None else 0)
        # Exact text at (about) a neighbour's shift.
        found = _nearest(new, p.text, p.s + d_prev, lo, hi, 16)
        if d_next is not None and d_next != d_prev:
            found += [q for q in _nearest(new, p.text, p.s + d_next, lo, hi, 16) if q not in found]
        for q in found:
            shift = q - p.s
            exact = shift == d_prev or shift == d_next
            if not exact and not _clean(new, q, p.text):
                continue
            if abs(shift - d_prev) <= tol_prev or (d_next is not None and abs(shift - d_next) <= tol_next):
                p.ns, p.ne, p.how = q, q + len(p.text), "exact"
                return True
        # The one clean occurrence between the neighbours, when the text between
        # them did not grow much (a long insertion could hold the same word).
        left = 0 if prev is None else (prev.s if prev.e > p.s else prev.e)
        right = nxt.s if nxt is not None else self.old_length
        if right is not None:
            clean = [q for q in found if _clean(new, q, p.text)]
            if len(clean) == 1 and len(found) < 16 and hi - lo <= 2 * (right - left) + 100:
                q = clean[0]
                p.ns, p.ne, p.how = q, q + len(p.text), "exact"
                return True
        if not similar:
            return False
        # An edited span: its left context pins its start (the old distance from
        # the piece before, at that piece's shift), its right context pins its
        # end; the text between becomes the span if it is similar.
        if d_next is None:
            return False
        n = len(p.text)
        a, b = p.s + d_prev, p.e + d_next
        if not (lo <= a < b <= hi) or not (n / 2 <= b - a <= 2 * n):
            return False
        if _similarity(p.text, new[a:b]) < _SIMILAR:
            return False
        p.ns, p.ne, p.how = a, b, "similar"
        return True


def _newline_change(pieces: list[_Piece], new: str) -> tuple[str, Callable[[int], int]] | None:
    """Recognise a line-ending change; (name, old offset -> new offset) or None."""
    in_place = sum(1 for p in pieces if new.startswith(p.text, p.s))
    best = None
    if "\n" in new and "\r" not in new:
        old = new.replace("\n", "\r\n")
        crs = [m.start() for m in re.finditer("\r", old)]  # removed by the change

        def crlf_to_lf(o: int, crs=crs) -> int:
            return o - bisect_left(crs, o)

        best = ("crlf->lf", old, crlf_to_lf)
    elif "\r\n" in new:
        old = new.replace("\r\n", "\n")
        # old offsets of the LFs that gained a CR
        lfs = [m.start() - k for k, m in enumerate(re.finditer("\r\n", new))]

        def lf_to_crlf(o: int, lfs=lfs) -> int:
            return o + bisect_left(lfs, o)

        best = ("lf->crlf", old, lf_to_crlf)
    if best is None:
        return None
    name, old, fn = best
    matches = sum(1 for p in pieces if old.startswith(p.text, p.s))
    if matches >= in_place + max(1, len(pieces) // 10):
        return name, fn
    return None


def _clamp(frs: Fragments, n: int) -> Fragments:
    """Fragments moved inside [0, n) so that the span stays valid."""
    out: list[list[int]] = []
    for s, e in frs:
        s = min(max(s, 0), n - 1)
        e = min(max(e, s + 1), n)
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


# ---------------------------------------------------------------------------
# The whole set
# ---------------------------------------------------------------------------


def reanchor(
    aset: AnnotationSet, new: str | Document, *, old_length: int | None = None
) -> tuple[AnnotationSet, Report]:
    """Re-find every span of ``aset`` (offsets and texts as in its file) in the new article.

    ``new`` is the article's text now (or its ``Document``: its sha256 is
    kept); ``old_length`` the ``document.length`` the file recorded (it helps
    to place spans after the last edit). Returns a new set (the input is not
    changed) whose spans match the new text, except the lost ones, and the
    report.
    """
    # Many small objects and no cycles: the cyclic collector would only walk
    # them (40% of the time on a 1 MB article with 60,000 annotations).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _reanchor(aset, new, old_length)
    finally:
        if enabled:
            gc.enable()


def _reanchor(aset: AnnotationSet, new: str | Document, old_length: int | None) -> tuple[AnnotationSet, Report]:
    if isinstance(new, Document):
        text, sha = new.text, new.sha256
    else:
        text, sha = new, aset.document.sha256
    report = Report()
    out = AnnotationSet(Document(text, aset.document.path, sha))
    if not text:
        raise ValueError("cannot re-anchor spans in an empty article")

    # Pieces, one per distinct (start, end, text) fragment.
    table: dict[tuple[int, int, str, bool], _Piece] = {}
    plan: list[tuple[Annotation, list[tuple[str, Span, list[_Piece] | None]]]] = []
    for ann in aset.all():
        earlier = set(lost_parts(ann))
        parts = []
        for part, span in _spans_of(ann):
            split = _split(span)
            if split is None:
                parts.append((part, span, None))
                continue
            mine = []
            for s, e, t in split:
                key = (s, e, t, part in earlier)
                piece = table.get(key)
                if piece is None:
                    piece = table[key] = _Piece(s, e, t, part in earlier)
                mine.append(piece)
            parts.append((part, span, mine))
        plan.append((ann, parts))
    pieces = sorted((p for p in table.values() if p.text), key=lambda p: (p.s, -p.e, p.text))

    tokens = _tokens(text)
    placed = _place(pieces, text, old_length, tokens)
    change = _newline_change([p for p in pieces if not p.earlier], text) if placed[1] < len(pieces) else None
    if change is not None:
        # A line-ending change explains more pieces in place than the text as it
        # is: try the offsets mapped through it, and keep whichever places more
        # (then: more at the very offsets expected).
        name, fn = change
        trial = [p.mapped(fn) for p in pieces]
        if _place(trial, text, None if old_length is None else fn(old_length), tokens) > placed:
            report.newlines = name
            for p, t in zip(pieces, trial):
                p.ns, p.ne, p.how = t.ns, t.ne, t.how

    n_text = len(text)
    for ann, parts in plan:
        new_parts: dict[str, Span] = {}
        lost_now: list[str] = []
        for part, span, mine in parts:
            ok = mine is not None
            if ok:
                for p in mine:  # type: ignore[union-attr]
                    if p.ns < 0:
                        ok = False
                        break
            if ok and len(mine) == 1:  # type: ignore[arg-type]
                p = mine[0]  # type: ignore[index]
                frs = ((p.ns, p.ne),)
                new_text = text[p.ns : p.ne]
                if frs == span.fragments and new_text == span.text:
                    report.unchanged += 1
                    continue
                new_parts[part] = Span(frs, new_text)
                how = "similar" if p.how == "similar" else "exact"
                report.moved.append(Moved(ann.id, part, span.fragments, frs, span.text, new_text, how))
                continue
            if ok:
                frs = tuple((p.ns, p.ne) for p in mine)  # type: ignore[union-attr]
                if any(b[0] < a[1] for a, b in zip(frs, frs[1:])):
                    ok = False
            if not ok:
                lost_now.append(part)
                frs = _clamp(span.fragments, n_text)
                if frs != span.fragments:
                    new_parts[part] = Span(frs, span.text)
                report.lost.append(Lost(ann.id, part, frs, span.text, earlier=part in lost_parts(ann)))
                continue
            new_text = " ".join(text[s:e] for s, e in frs)
            if frs == span.fragments and new_text == span.text:
                report.unchanged += 1
                continue
            new_parts[part] = Span(frs, new_text)
            how = "similar" if any(p.how == "similar" for p in mine) else "exact"  # type: ignore[union-attr]
            report.moved.append(Moved(ann.id, part, span.fragments, frs, span.text, new_text, how))
        out.table(type(ann))[ann.id] = _rebuild(ann, new_parts, lost_now) if new_parts or lost_now or ann.attrs else ann
    return out, report


def _rebuild(ann: Annotation, parts: dict[str, Span], lost: list[str]) -> Annotation:
    changes: dict = {}
    for part, span in parts.items():
        changes["span" if part == "span" else part] = span
    attrs = dict(ann.attrs) if ann.attrs else {}
    had = LOST in attrs
    if lost:
        attrs[LOST] = sorted(lost, key=("source", "cue", "content").index) if isinstance(ann, Attribution) else True
    else:
        attrs.pop(LOST, None)
    if lost or had:
        changes["attrs"] = attrs
    return _replace(ann, changes) if changes else ann


_FIELDS: dict[type, tuple[str, ...]] = {}


def _replace(ann: Annotation, changes: dict) -> Annotation:
    """``dataclasses.replace`` without its per-field checks (called for every moved span)."""
    cls = type(ann)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls) if f.init)
    get = changes.get
    return cls(*[get(n, getattr(ann, n)) if n in changes else getattr(ann, n) for n in names])
