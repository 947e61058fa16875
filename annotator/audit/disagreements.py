"""Entity disagreements between two sides, for showing (and adjudicating) in the article."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..model import AnnotationSet, Span
from .selection import is_gold, predicted_filter

MATCH, MISSED, SPURIOUS, WRONG_LABEL, PARTIAL = "match", "missed", "spurious", "wrong_label", "partial"
_KIND_ORDER = {MATCH: 0, WRONG_LABEL: 1, PARTIAL: 2, MISSED: 3, SPURIOUS: 4}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One gold entity and/or one predicted entity, and how they compare.

    ``kind``: match (same span and label), wrong_label (same span), partial
    (overlapping spans; the labels may differ too), missed (gold only), spurious
    (prediction only).
    """

    kind: str
    gold_id: str | None
    pred_id: str | None
    gold_span: Span | None
    pred_span: Span | None
    gold_label: str | None
    pred_label: str | None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.gold_span, self.pred_span) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.gold_span, self.pred_span) if s is not None)

    @property
    def agrees(self) -> bool:
        return self.kind == MATCH


def _spans_overlap(a: Span, b: Span) -> bool:
    return any(b.overlaps(s, e) for s, e in a.fragments)


def disagreements(gold: AnnotationSet, pred: AnnotationSet, by: str | None = None) -> list[Disagreement]:
    """Pair the gold entities with the predicted ones, best pairs first, sorted by position.

    Same selection as ``score_entities`` (gold: accepted; predicted: accepted or
    suggested, or all of ``by``'s). Passing one set twice with ``by`` compares a
    file's accepted entities with one suggester's output.
    """
    golds = sorted((e for e in gold.entities.values() if is_gold(e)), key=lambda e: (e.start, e.end))
    keep = predicted_filter(by)
    preds = sorted((e for e in pred.entities.values() if keep(e)), key=lambda e: (e.start, e.end))
    g_used = [False] * len(golds)
    p_used = [False] * len(preds)
    out: list[Disagreement] = []

    def pair(kind: str, gi: int, pi: int) -> None:
        g, p = golds[gi], preds[pi]
        g_used[gi] = p_used[pi] = True
        out.append(Disagreement(kind, g.id, p.id, g.span, p.span, g.label, p.label))

    # 1. same span and label, 2. same span.
    for kind, key in ((MATCH, lambda e: (e.span.fragments, e.label)), (WRONG_LABEL, lambda e: e.span.fragments)):
        index: dict = {}
        for gi, g in enumerate(golds):
            if not g_used[gi]:
                index.setdefault(key(g), []).append(gi)
        for pi, p in enumerate(preds):
            if p_used[pi]:
                continue
            waiting = index.get(key(p))
            if waiting:
                pair(kind, waiting.pop(0), pi)
    # 3. overlapping spans: the closest unmatched gold.
    starts = [g.start for g in golds]
    longest = max((g.end - g.start for g in golds), default=0)
    for pi, p in enumerate(preds):
        if p_used[pi]:
            continue
        lo = bisect_right(starts, p.start - longest - 1)
        hi = bisect_left(starts, p.end)
        best, best_dist = -1, 0
        for gi in range(lo, hi):
            g = golds[gi]
            if g_used[gi] or not _spans_overlap(g.span, p.span):
                continue
            dist = abs(g.start - p.start) + abs(g.end - p.end)
            if best < 0 or dist < best_dist:
                best, best_dist = gi, dist
        if best >= 0:
            pair(PARTIAL, best, pi)
    for gi, g in enumerate(golds):
        if not g_used[gi]:
            out.append(Disagreement(MISSED, g.id, None, g.span, None, g.label, None))
    for pi, p in enumerate(preds):
        if not p_used[pi]:
            out.append(Disagreement(SPURIOUS, None, p.id, None, p.span, None, p.label))
    out.sort(key=lambda d: (d.start, d.end, _KIND_ORDER[d.kind], d.gold_id or "", d.pred_id or ""))
    return out
