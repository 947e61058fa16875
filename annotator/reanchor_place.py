"""Placing the pieces of spans in a changed article (for ``reanchor``).

A *piece* is one fragment of one span: its old offsets and its text. Placing
gives it new offsets in the new text, or leaves it unplaced (lost). The rules
are those described in ``annotator.reanchor``; this module does the work:

0. **Runs** (``_Placer.scan``). Pieces are walked in old order at the shift of
   the piece before (new offset - old offset, 0 at the start): while a piece's
   text is at its old offset moved by that shift (on word boundaries), it is
   in the run. Where one is not, the next pieces' occurrences near where they
   would be, at the article's change in length and at their old offsets give
   the shifts tried next; the shift whose run goes furthest wins. A run of at
   least ``_RUN`` pieces is an *anchor*: it moved as one block. Everything
   between two anchors, with ``_MARGIN`` pieces of each, is a *window*, and so
   are the start and the end of the article when they did not stay in place.
   Between edits that is a walk with one ``str.startswith`` per piece.
1. **Runs that moved together** (``_Placer.chain``): in each window the best
   chain of occurrences (see ``annotator.reanchor``), starting from the shift
   of the anchor before it and ending at the shift of the one after; its
   candidates are looked for in the stretch of the new text between the two
   anchors. Without any anchor the window is the whole article. When a
   window's chain does not keep the anchors' margins where the anchors put
   them, the whole article is chained at once instead.
2. **Between placed neighbours** (``_Placer.between_neighbours``), for what is
   left: only the unplaced pieces are visited.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Callable, Iterable

#: a text with at most this many occurrences has them all as candidates
_FEW = 16
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
#: similarity needed for an edited span, between its pinned ends
_SIMILAR = 0.6
#: a run of at least this many pieces at one shift is an anchor (taken as it is)
_RUN = 8
#: pieces of an anchor on each side of a window that the window's chain includes
_MARGIN = 4
#: pieces tried at a time to find the shift of the next run after a change
_LOOK = 8
#: occurrences, nearest to where a piece would be, tried as the shift of the next run,
#: within this many characters (farther moves are found by the chain in a window)
_NEAR = 16
_REACH = 4096


class _Piece:
    __slots__ = ("s", "e", "text", "earlier", "ns", "ne", "how")

    def __init__(self, s: int, e: int, text: str, earlier: bool):
        self.s, self.e, self.text = s, e, text  # old offsets
        self.earlier = earlier  # part of a span already lost
        self.ns = -1
        self.ne = -1
        self.how = "exact"  # (read only once placed: "similar" when placed as edited)

    @property
    def placed(self) -> bool:
        return self.ns >= 0

    def mapped(self, fn: Callable[[int], int]) -> "_Piece":
        """A fresh copy with old offsets mapped through ``fn`` (earlier-lost ones as they are)."""
        if self.earlier:
            return new_piece(self.s, self.e, self.text, True)
        return new_piece(fn(self.s), fn(self.e), self.text, False)

    @property
    def shift(self) -> int:
        return self.ns - self.s


def new_piece(s: int, e: int, text: str, earlier: bool, _new=object.__new__, _cls=_Piece) -> _Piece:
    """``_Piece(s, e, text, earlier)`` without the class call (its slots set here,
    as ``__init__`` sets them): a third less time, and there is one per span."""
    p = _new(_cls)
    p.s = s
    p.e = e
    p.text = text
    p.earlier = earlier
    p.ns = -1
    p.ne = -1
    p.how = "exact"
    return p


_start = attrgetter("s")
_text = attrgetter("text")


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


def _tokens(new: str, lo: int = 0, hi: int | None = None) -> dict[str, list[int]]:
    """Where each word starts in new[lo:hi] (sorted); words cut by lo or hi are whole."""
    if hi is None or hi > len(new):
        hi = len(new)
    # Move the ends out of any word they cut (a token is a whole \w+ run).
    while lo > 0 and _WORD_CHAR.match(new, lo - 1):
        lo -= 1
    if hi < len(new):
        m = _WORD.match(new, hi)
        hi = m.end() if m else hi
    tokens: dict[str, list[int]] = {}
    for m in _WORD.finditer(new, lo, hi):
        tokens.setdefault(m.group(), []).append(m.start())
    return tokens


def place(
    pieces: list[_Piece], new: str, old_length: int | None, *, count: bool = True, plain: list[_Piece] | None = None
) -> tuple[int, int]:
    """Place the pieces (in place); how many were placed, and how many of them where they
    were (``(0, 0)`` when not ``count``). ``plain``: the pieces not lost earlier, when known."""
    placer = _Placer(pieces, new, old_length, plain)
    placer.chain_windows()
    placer.between_neighbours()
    if not count:
        return 0, 0
    return sum(1 for p in pieces if p.ns >= 0), sum(1 for p in pieces if p.ns == p.s)


class _Placer:
    def __init__(self, pieces: list[_Piece], new: str, old_length: int | None, plain: list[_Piece] | None = None):
        # Pieces of spans lost earlier have offsets into an older article: they
        # take no part in the order, and are found again only where they were.
        if plain is None:
            plain = [p for p in pieces if not p.earlier]
        self.pieces = plain
        self.earlier = [p for p in pieces if p.earlier] if len(plain) < len(pieces) else []
        self.new = new
        self.end_shift = None if old_length is None else len(new) - old_length
        self.old_length = old_length
        self.tokens: dict[str, list[int]] = {}
        #: (first, end) of the stretches of pieces that may be left unplaced after
        #: ``chain_windows`` (its windows: the anchors between them are placed)
        self.open: list[tuple[int, int]] = [(0, len(plain))]

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

    # -- pass 0: runs and windows --------------------------------------------------
    def _run(self, i: int, d: int) -> int:
        """The end of the run of pieces from i whose exact text is at their old offset + d;
        each is placed there as it is walked (``scan`` puts back the pieces of the runs
        it takes that a run at another shift, not taken, walked over)."""
        pieces, new = self.pieces, self.new
        n, size = len(pieces), len(new)
        startswith = new.startswith
        while i < n:
            p = pieces[i]
            text = p.text
            q = p.s + d
            if q < 0 or not startswith(text, q):
                break
            # _clean, inlined (this is the loop every piece goes through; the
            # new text's character first: mostly a space, which settles it)
            if q > 0:
                c = new[q - 1]
                if c != " " and (c.isalnum() or c == "_"):
                    c = text[0]
                    if c.isalnum() or c == "_":
                        break
            end = q + len(text)
            if end < size:
                c = new[end]
                if c != " " and (c.isalnum() or c == "_"):
                    c = text[-1]
                    if c.isalnum() or c == "_":
                        break
            p.ns = q
            p.ne = end
            i += 1
        return i

    def _shifts(self, p: _Piece, d: int) -> list[int]:
        """Shifts to try for the run starting at p, after the run at shift d stopped."""
        new, text = self.new, p.text
        pred = p.s + d
        found = set(_nearest(new, text, pred, max(0, pred - _REACH), min(len(new), pred + _REACH), _NEAR))
        found.add(p.s + d)
        found.add(p.s)
        if self.end_shift:
            found.add(p.s + self.end_shift)
            if self.old_length:
                found.add(p.s + self.end_shift * p.s // self.old_length)
        return sorted({q - p.s for q in found if q >= 0})

    def scan(self) -> list[tuple[int, int, int]]:
        """The anchors: (first piece, end, shift) of each run of at least ``_RUN`` pieces."""
        pieces = self.pieces
        n = len(pieces)
        runs: list[tuple[int, int, int]] = []
        d = 0
        j = self._run(0, 0)
        if j >= _RUN:
            runs.append((0, j, 0))
        k0 = j
        while k0 < n:
            best = None
            tried = []
            for k in range(k0, min(n, k0 + _LOOK)):
                p = pieces[k]
                if runs:
                    last = pieces[runs[-1][1] - 1]
                    floor = last.e + runs[-1][2] if p.s >= last.e else 0
                else:
                    floor = 0
                for d2 in self._shifts(p, d):
                    if p.s + d2 < floor:
                        continue  # the run would start before the anchor it follows ends
                    e = self._run(k, d2)
                    tried.append((k, e, d2))
                    if e - k >= _RUN and (best is None or (e, d2 == d) > (best[1], best[2] == d)):
                        best = (k, e, d2)
                if best is not None:
                    break
            if best is None:
                k0 += _LOOK
                continue
            runs.append(best)
            k0, d = best[1], best[2]
            # Pieces of the run taken that a run tried at another shift walked over
            # (and placed): placed at the run's shift again. (The pieces of runs not
            # taken are in windows, chained afresh; later runs start after this one.)
            for k, e, d2 in tried:
                if d2 != d and k < k0 and e > best[0]:
                    for p in pieces[max(k, best[0]) : min(e, k0)]:
                        p.ns = q = p.s + d
                        p.ne = q + len(p.text)
        return runs

    def _windows(self, runs: list[tuple[int, int, int]]) -> list[list]:
        """[first, end, shift before, shift after, anchored before, anchored after] of each window."""
        n = len(self.pieces)
        m = _MARGIN
        if not runs:
            return [[0, n, 0, self.end_shift, False, False]]
        out = []
        a0, a1, da = runs[0]
        if a0 > 0 or da != 0:
            out.append([0, min(a1, a0 + m), 0, da, False, True])
        for (a0, a1, da), (b0, b1, db) in zip(runs, runs[1:]):
            out.append([max(a0, a1 - m), min(b1, b0 + m), da, db, True, True])
        a0, a1, da = runs[-1]
        if a1 < n or (self.end_shift is not None and da != self.end_shift):
            out.append([max(a0, a1 - m), n, da, self.end_shift, True, False])
        merged: list[list] = []
        for w in out:
            if merged and w[0] <= merged[-1][1]:
                last = merged[-1]
                last[1], last[3], last[5] = max(last[1], w[1]), w[3], w[5]
            else:
                merged.append(w)
        return merged

    def chain_windows(self) -> None:
        """Runs placed as they are, windows chained; the whole article chained when that fails."""
        pieces = self.pieces
        if not pieces:
            return
        runs = self.scan()
        windows = self._windows(runs)
        self.open = [(w[0], w[1]) for w in windows]
        # (the pieces of the runs are placed: ``scan`` placed them)
        size = len(self.new)
        for lo, hi, d0, d1, before, after in windows:
            for p in pieces[lo:hi]:
                p.ns = p.ne = -1
            # The stretch of the new text between the anchors.
            shifts = [d0] if d1 is None else [d0, d1]
            a = 0 if not before else max(0, pieces[lo].s + min(shifts))
            b = size if not after else min(size, max(p.e for p in pieces[lo:hi]) + max(shifts))
            self.chain(lo, hi, d0, d1, a, b, set(shifts) if before or after else set())
            if (before and pieces[lo].ns != pieces[lo].s + d0) or (after and pieces[hi - 1].ns != pieces[hi - 1].s + d1):
                break
        else:
            return
        self.open = [(0, len(pieces))]
        for p in pieces:  # an anchor moved: chain the whole article
            p.ns = p.ne = -1
        self.chain(0, len(pieces), 0, self.end_shift, 0, size, set())

    # -- pass 1 ------------------------------------------------------------------
    def _candidates(self, p: _Piece, carried: Iterable[int], lo: int, hi: int) -> list[int]:
        """Where the piece's exact text sits on word boundaries in new[lo:hi].

        Every occurrence when there are few (``_FEW``: these find the shift
        after an edit). For a common text: the occurrences at the shifts the
        two pieces before it were found at, at its old offset, at that offset
        moved by the change in length and moved by the change scaled to where
        it is; failing all those, the few nearest to the last three."""
        new, text = self.new, p.text
        n = len(text)
        limit = hi - n
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
            out = [q for q in near if lo <= q <= limit and new.startswith(text, q) and _clean(new, q, text)]
            if out:
                return sorted(out)
            for g in guesses:
                if starts is not None:
                    k = bisect_left(starts, g)
                    near.update(starts[max(0, k - 2) : k + 2])
                else:
                    near.update(_nearest(new, text, g, lo, hi, 4))
            pool = sorted(near)
        return [q for q in pool if lo <= q <= limit and new.startswith(text, q) and _clean(new, q, text)]

    def chain(self, lo: int, hi: int, d0: int, d1: int | None, a: int, b: int, extra: set[int]) -> None:
        """Place pieces[lo:hi] that move together: the best chain of occurrences in order.

        Each piece's exact occurrences in new[a:b] (see ``_candidates``) are
        nodes; ``extra`` shifts are tried for every piece. A chain takes at most one node per piece, in old order and in new order (a
        piece ends, in the new text, before the next one starts). It scores 1
        per piece (a quarter for a piece inside the one before it in the
        chain: a name inside a found quote confirms little) and pays 1.5 each
        time the shift changes, counting the start (shift ``d0``) and the end
        (shift ``d1``, the change in length at the article's end) as fixed
        ends. Real edits are few and the text
        between them moves as one, so the best chain keeps the runs of pieces
        that moved together and leaves out a deleted piece whose word happens
        to occur elsewhere. Dynamic programming with a Fenwick tree over new
        offsets for the "any earlier node that ends before here" query.
        """
        pieces = self.pieces[lo:hi]
        if not pieces:
            return
        self.tokens = _tokens(self.new, a, b)
        # Candidates first (each piece's depend on the shifts found just before it).
        cands: list[list[int]] = []
        carried: set[int] = set()
        before: set[int] = set()
        for p in pieces:
            qs = self._candidates(p, carried | before | extra, a, b)
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
        # then one starting at the shift it starts from.
        n_pieces = len(pieces)
        big = 2 * n_pieces * n_pieces + 2 * n_pieces + 8
        one, quarter, jump = 4 * big, big, 6 * big  # a jump costs 1.5 pieces
        by_shift: dict[int, tuple[int, tuple]] = {}
        top = None  # the best value of any node so far
        final_val, final_node = None, None
        end_shift = d1
        for i, (p, qs) in enumerate(zip(pieces, cands)):
            tie = 2 * (n_pieces - i)
            made = []
            for q in qs:
                d = q - p.s
                best, prev = (one + 1 if d == d0 else one - jump), None
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
        pieces = self.pieces
        unplaced = [i for lo, hi in self.open for i in range(lo, hi) if pieces[i].ns < 0]
        if unplaced:
            for similar in (False, True):
                for _ in range(rounds):
                    if not self._between_once(similar, unplaced):
                        break
                    unplaced = [i for i in unplaced if pieces[i].ns < 0]
        new = self.new
        for p in self.earlier:
            if new.startswith(p.text, p.s) and _clean(new, p.s, p.text):
                p.ns, p.ne, p.how = p.s, p.s + len(p.text), "exact"

    def _between_once(self, similar: bool, unplaced: list[int]) -> bool:
        """One round over the ``unplaced`` pieces (indices, in order); did it place any?"""
        pieces = self.pieces
        if not unplaced:
            return False
        n = len(pieces)
        # As the round starts: the unplaced pieces, and for each, the end of
        # the block of unplaced pieces it is in (the next placed piece).
        gap: dict[int, int] = {}
        for i in reversed(unplaced):
            gap[i] = gap.get(i + 1, i + 1)
        last_new = -1  # the last piece placed in this round
        before = -1  # the last piece placed before the current block, as the round started
        placed_any = False
        for i in unplaced:
            if i - 1 not in gap:
                before = i - 1
            p = pieces[i]
            # The left neighbour: the last placed piece before it (this round's included).
            j = max(before, last_new)
            prev = pieces[j] if j >= 0 else None
            # The right neighbour starts where this piece ends or later (not a
            # piece inside it: a quote is bounded by what follows it).
            k = bisect_left(pieces, p.e, i + 1, key=_start)
            k = gap.get(k, k)
            nxt = pieces[k] if k < n else None
            if self._place_between(p, prev, nxt, similar):
                last_new = i
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


def implied_old(new: str) -> tuple[str, str] | None:
    """The line-ending change to try on ``new`` and the old text it implies (every
    line ending of the new text changed back): ``(name, old text)``, or None."""
    if "\n" in new and "\r" not in new:
        return "crlf->lf", new.replace("\n", "\r\n")
    if "\r\n" in new:
        return "lf->crlf", new.replace("\r\n", "\n")
    return None


def newline_change(
    pieces: list[_Piece], new: str, implied: tuple[str, str] | None | bool = True, matches: int | None = None
) -> tuple[str, Callable[[int], int]] | None:
    """Recognise a line-ending change; (name, old offset -> new offset) or None.

    It is recognised when the old text it implies (every line ending of the new
    text changed back) has many more pieces at their very offsets than the new
    text: ``max(1, n // 10)`` more of the n pieces. ``implied``: what
    ``implied_old(new)`` gave, when known; ``matches``: how many of the pieces
    that old text has at their offsets, when counted already (``reanchor``
    counts them as it makes the pieces, each one's text at hand)."""
    if implied is True:
        implied = implied_old(new)
    if not implied:
        return None
    name, old = implied  # type: ignore[misc]
    need = max(1, len(pieces) // 10)
    if matches is None:
        matches = sum(map(old.startswith, map(_text, pieces), map(_start, pieces)))
    # (the pieces in place in the new text are counted only when it can matter)
    if matches < need or matches < sum(map(new.startswith, map(_text, pieces), map(_start, pieces))) + need:
        return None
    if name == "crlf->lf":
        crs = [m.start() for m in re.finditer("\r", old)]  # removed by the change

        def crlf_to_lf(o: int, crs=crs) -> int:
            return o - bisect_left(crs, o)

        return name, crlf_to_lf
    # old offsets of the LFs that gained a CR
    lfs = [m.start() - k for k, m in enumerate(re.finditer("\r\n", new))]

    def lf_to_crlf(o: int, lfs=lfs) -> int:
        return o + bisect_left(lfs, o)

    return name, lf_to_crlf
