"""Attribution scores: source, cue, content and the whole, strict and by overlap.

The whole attribution matches only with the same type (direct, indirect, mixed),
as ``agree`` compares whole attributions and ``--view`` shows a type that differs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..model import Annotation, AnnotationSet, Attribution, source_span
from .measures import Tally, _multiset_tally
from .selection import is_gold, predicted_as, predicted_filter

ATTRIBUTION_PARTS = ("source", "cue", "content", "attribution")
MATCH_MODES = ("strict", "overlap")


@dataclass(slots=True)
class AttributionScores:
    parts: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: {p: {m: Tally() for m in MATCH_MODES} for p in ATTRIBUTION_PARTS}
    )

    @property
    def empty(self) -> bool:
        return not any(t.gold or t.predicted for modes in self.parts.values() for t in modes.values())

    def to_dict(self) -> dict:
        return {p: {m: self.parts[p][m].to_dict() for m in MATCH_MODES} for p in ATTRIBUTION_PARTS}


def _frags_overlap(a: tuple, b: tuple) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _source_fragments(aset: AnnotationSet, at: Attribution):
    """The source's characters (``model.source_span``: a span, or the entity's it
    refers to), as ``agree`` and ``merge`` compare sources too."""
    src = source_span(aset, at)
    return src.fragments if src is not None else None


def _attribution_rows(aset: AnnotationSet, keep: Callable[[Annotation], bool]) -> list[tuple]:
    rows = []
    counted = predicted_as(keep)  # (a retyped suggestion: the type it was suggested with)
    for at in aset.attributions.values():
        if keep(at):
            at = counted(at)
            rows.append(
                (
                    _source_fragments(aset, at),
                    at.cue.fragments if at.cue else None,
                    at.content.fragments if at.content else None,
                    at.type,
                )
            )
    rows.sort(key=lambda r: tuple((f[0][0], f[-1][1]) if f else (-1, -1) for f in r[:3]))
    return rows


def _greedy_overlap(gold: list, pred: list, same: Callable[[object, object], bool]) -> int:
    """One-to-one matching in position order: an identical unmatched gold first, else the first that overlaps."""
    used = [False] * len(gold)
    n = 0
    for p in pred:
        pick = -1
        for j, g in enumerate(gold):
            if used[j]:
                continue
            if g == p:
                pick = j
                break
            if pick < 0 and same(g, p):
                pick = j
        if pick >= 0:
            used[pick] = True
            n += 1
    return n


def _rows_overlap(g: tuple, p: tuple) -> bool:
    """The three parts overlap (an absent one matching an absent one) and the type is the same."""
    if g[3] != p[3]:
        return False
    for a, b in zip(g[:3], p[:3]):
        if (a is None) != (b is None):
            return False
        if a is not None and not _frags_overlap(a, b):
            return False
    return True


def score_attributions(
    pairs: Iterable[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    pred_keep: Callable[[Annotation], bool] | None = None,
) -> AttributionScores:
    keep = pred_keep or predicted_filter(by)
    scores = AttributionScores()
    for gold, pred in pairs:
        if not gold.attributions and not pred.attributions:
            continue
        g_rows = _attribution_rows(gold, is_gold)
        p_rows = _attribution_rows(pred, keep)
        for k, part in enumerate(ATTRIBUTION_PARTS[:3]):
            g = [r[k] for r in g_rows if r[k] is not None]
            p = [r[k] for r in p_rows if r[k] is not None]
            _multiset_tally(scores.parts[part]["strict"], Counter(g), Counter(p))
            scores.parts[part]["overlap"].add(_greedy_overlap(g, p, _frags_overlap), len(p), len(g))
        _multiset_tally(scores.parts["attribution"]["strict"], Counter(g_rows), Counter(p_rows))
        scores.parts["attribution"]["overlap"].add(
            _greedy_overlap(g_rows, p_rows, _rows_overlap), len(p_rows), len(g_rows)
        )
    return scores
