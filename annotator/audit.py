"""Scoring and agreement: pure functions over AnnotationSets (no Textual, no I/O).

What counts
-----------
* Gold: the *accepted* annotations of the gold file.
* Predicted, by default: the *accepted or suggested* annotations of the predicted
  file (rejected ones were thrown out by a reviewer). With ``by=NAME``: every
  annotation suggested by that suggester, whatever became of it (accepted,
  relabelled, rejected or pending): that is the extractor's whole output. An
  annotation's suggester is its ``suggested_by``, or its ``by`` while it is still
  suggested or rejected.

Entities: the four schemes of MUC / SemEval-2013 task 9.1, computed exactly as
nervaluate 1.2.1 computes them for one document (same greedy matching, in the same
order, same "sufficient overlap" rule, same formulas: precision and recall are
``correct / actual`` and ``correct / possible`` for strict and exact,
``(correct + 0.5 * partial) / ...`` for partial and type). Entities are taken in
position order (start, end, then label), whatever their order in the file; that is
the list order given to nervaluate's matching. Over several documents the five counts are summed and the
scores computed once from the sums, so partial matches keep their half credit
(nervaluate 1.1.0 lost it when merging documents; 1.2.1 agrees with us).
"Micro" is nervaluate's "overall"; "macro" is the mean of the per-label scores over
the labels seen in gold or prediction, sorted by name, summed the way numpy sums
(pairwise), so it equals seqeval's ``average="macro"`` to the last digit.

A discontinuous entity is scored by its extent (first start, last end) for overlap;
boundaries are "the same" only when all its fragments are.

Events: the ACE measures as Li, Ji and Huang (2013) define them. A trigger is
identified when its offsets match a gold trigger's, classified when its event type
matches too; an argument is identified when its event type and offsets match a gold
argument's, classified when its role matches too. Matching is one to one (multiset).

Attributions: source, cue and content, each matched one to one, strictly (same
fragments) and by overlap (any shared character); "attribution" counts whole
attributions whose three parts all match (an absent part matches an absent part).
A source given as an entity reference is scored by that entity's span.

Agreement: pairwise entity F1 (A as reference) and Cohen's kappa over tokens (the
tokens the app's cursor moves over, ``annotator.text.tokenize``), per label (does
the token carry the label?) and over all labels (the label of the first entity
covering the token, or ``O``), computed as scikit-learn's ``cohen_kappa_score``
computes it. A token carries a label when an entity of that label covers any of it.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable, Iterable, Mapping, Sequence

from .model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Attribution,
    Entity,
    Event,
    Ref,
    Span,
)

#: Scheme names, in report order; nervaluate calls "type" ``ent_type``.
SCHEMES = ("strict", "exact", "partial", "type")
NERVALUATE_NAME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
CATEGORIES = ("correct", "incorrect", "partial", "missed", "spurious")
#: nervaluate's default ``min_overlap_percentage``: a prediction overlaps a gold
#: entity when the shared characters are at least this percent of the gold's length.
MIN_OVERLAP_PERCENT = 1.0

# Flat counter layout: scheme index * 5 + category index.
_S, _E, _P, _T = 0, 5, 10, 15
_COR, _INC, _PAR, _MIS, _SPU = 0, 1, 2, 3, 4
_ALL_MISSED = (_S + _MIS, _E + _MIS, _P + _MIS, _T + _MIS)
_ALL_SPURIOUS = (_S + _SPU, _E + _SPU, _P + _SPU, _T + _SPU)
_ALL_CORRECT = (_S + _COR, _E + _COR, _P + _COR, _T + _COR)
_SAME_SPAN_OTHER_LABEL = (_S + _INC, _E + _COR, _P + _COR, _T + _INC)
_OVERLAP_SAME_LABEL = (_S + _INC, _E + _INC, _P + _PAR, _T + _COR)
_OVERLAP_OTHER_LABEL = (_S + _INC, _E + _INC, _P + _PAR, _T + _INC)


# ---------------------------------------------------------------------------
# Which annotations count
# ---------------------------------------------------------------------------
def suggester_of(ann: Annotation) -> str | None:
    """The suggester an annotation came from, or None when a person made it."""
    if ann.suggested_by:
        return ann.suggested_by
    if ann.status != ACCEPTED:
        return ann.by
    return None


def is_gold(ann: Annotation) -> bool:
    return ann.status == ACCEPTED


def predicted_filter(by: str | None = None) -> Callable[[Annotation], bool]:
    """What counts as predicted: accepted or suggested; with ``by``, all of that suggester's output."""
    if by is None:
        return _not_rejected
    from .suggest.base import is_from  # `--by rules` is every rule of it: rules:gazetteer, ...

    return lambda ann: is_from(suggester_of(ann), by)


def _not_rejected(ann: Annotation) -> bool:
    return ann.status != REJECTED


def suggesters(asets: Iterable[AnnotationSet]) -> list[str]:
    """Every suggester named in these sets, sorted."""
    found: set[str] = set()
    for aset in asets:
        for ann in aset.all():
            name = suggester_of(ann)
            if name:
                found.add(name)
    return sorted(found)


# ---------------------------------------------------------------------------
# Small numeric helpers
# ---------------------------------------------------------------------------
def np_sum(values: Sequence[float]) -> float:
    """Sum floats exactly as numpy's pairwise summation does (same rounding, same digits)."""
    return _pairwise(values, 0, len(values))


def _pairwise(a: Sequence[float], lo: int, n: int) -> float:
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= 128:
        r = [a[lo + k] for k in range(8)]
        i = 8
        stop = n - (n % 8)
        while i < stop:
            for k in range(8):
                r[k] += a[lo + i + k]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            res += a[lo + i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a, lo, n2) + _pairwise(a, lo + n2, n - n2)


def np_mean(values: Sequence[float]) -> float:
    return np_sum(values) / len(values) if values else 0.0


def f1_of(precision: float, recall: float) -> float:
    return 2 * (precision * recall) / (precision + recall) if (precision + recall) > 0 else 0.0


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


# ---------------------------------------------------------------------------
# Entities: the four schemes
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class Counts:
    """One scheme's five counts (nervaluate's EvaluationResult) and the scores they give."""

    scheme: str
    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def half_credit(self) -> bool:
        return self.scheme in ("partial", "type")

    @property
    def precision(self) -> float:
        actual = self.actual
        if self.half_credit:
            return (self.correct + 0.5 * self.partial) / actual if actual > 0 else 0
        return self.correct / actual if actual > 0 else 0

    @property
    def recall(self) -> float:
        possible = self.possible
        if self.half_credit:
            return (self.correct + 0.5 * self.partial) / possible if possible > 0 else 0
        return self.correct / possible if possible > 0 else 0

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)

    @property
    def prf(self) -> PRF:
        return PRF(self.precision, self.recall, self.f1)

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "incorrect": self.incorrect,
            "partial": self.partial,
            "missed": self.missed,
            "spurious": self.spurious,
            "possible": self.possible,
            "actual": self.actual,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _counts_from_flat(flat: Sequence[int]) -> dict[str, Counts]:
    return {s: Counts(s, *flat[i * 5 : i * 5 + 5]) for i, s in enumerate(SCHEMES)}


@dataclass(slots=True)
class EntityScores:
    """Entity scores over one or more documents: micro (overall) and per label."""

    documents: int
    overall: dict[str, Counts]
    labels: dict[str, dict[str, Counts]]

    def micro(self, scheme: str = "strict") -> PRF:
        return self.overall[scheme].prf

    def macro(self, scheme: str = "strict") -> PRF:
        """Mean of the per-label scores, labels sorted by name (seqeval's macro average)."""
        rows = [self.labels[lab][scheme] for lab in sorted(self.labels)]
        return PRF(
            np_mean([c.precision for c in rows]),
            np_mean([c.recall for c in rows]),
            np_mean([c.f1 for c in rows]),
        )

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "micro": {s: self.overall[s].to_dict() for s in SCHEMES},
            "macro": {s: self.macro(s).to_dict() for s in SCHEMES},
            "labels": {lab: {s: self.labels[lab][s].to_dict() for s in SCHEMES} for lab in sorted(self.labels)},
        }


#: An entity as the scorer sees it: (start, end, label, fragments).
Item = tuple[int, int, str, tuple]


def entity_items(aset: AnnotationSet, keep: Callable[[Annotation], bool]) -> list[Item]:
    """The entities that count, as (start, end, label, fragments), sorted: the order
    in which nervaluate's matching takes them."""
    ents = aset.entities.values()
    if keep is is_gold:  # the common selections, without a call per entity
        out = [(f[0][0], f[-1][1], e.label, f) for e in ents if e.status == ACCEPTED for f in (e.span.fragments,)]
    elif keep is _not_rejected:
        out = [(f[0][0], f[-1][1], e.label, f) for e in ents if e.status != REJECTED for f in (e.span.fragments,)]
    else:
        out = [(f[0][0], f[-1][1], e.label, f) for e in ents if keep(e) for f in (e.span.fragments,)]
    out.sort()
    return out


def _overlaps_enough(p: Item, g: Item, min_overlap: float) -> bool:
    """nervaluate's ``_has_sufficient_overlap``, with its inclusive ends made exclusive."""
    ps, pe, gs, ge = p[0], p[1], g[0], g[1]
    if ps >= ge or pe <= gs:
        return False
    if ge <= gs:  # an empty gold span: only the same span overlaps it
        return p[3] == g[3]
    ov = (pe if pe < ge else ge) - (ps if ps > gs else gs)
    return (ov / (ge - gs)) * 100.0 >= min_overlap


def _match_bounds(golds: Sequence[Item], preds: Sequence[Item], check_label: bool, min_overlap: float):
    """nervaluate's strict (``check_label``) and exact/partial matching: one prediction
    at a time, in order; the first unmatched gold with the same boundaries (and label)
    is correct, else the first unmatched gold it overlaps enough is incorrect/partial."""
    matched = [False] * len(golds)
    cor = inc = spu = 0
    for p in preds:
        first_overlap = -1
        for j, g in enumerate(golds):
            if matched[j]:
                continue
            if p[3] == g[3] and (not check_label or p[2] == g[2]):
                cor += 1
                matched[j] = True
                break
            if first_overlap < 0 and _overlaps_enough(p, g, min_overlap):
                first_overlap = j
        else:
            if first_overlap >= 0:
                inc += 1
                matched[first_overlap] = True
            else:
                spu += 1
    return cor, inc, matched.count(False), spu


def _match_type(golds: Sequence[Item], preds: Sequence[Item], min_overlap: float):
    """nervaluate's ent_type matching: among the unmatched golds a prediction overlaps
    enough, the same-label one with the closest boundaries is correct (first on ties),
    else the first other-label one is incorrect."""
    matched = [False] * len(golds)
    cor = inc = spu = 0
    for p in preds:
        best = -1
        best_dist = 0
        first_other = -1
        for j, g in enumerate(golds):
            if matched[j] or not _overlaps_enough(p, g, min_overlap):
                continue
            if p[2] == g[2]:
                dist = abs(p[0] - g[0]) + abs(p[1] - g[1])
                if best < 0 or dist < best_dist:
                    best, best_dist = j, dist
            elif first_other < 0:
                first_other = j
        if best >= 0:
            cor += 1
            matched[best] = True
        elif first_other >= 0:
            inc += 1
            matched[first_other] = True
        else:
            spu += 1
    return cor, inc, matched.count(False), spu


def _label_flat(labels: dict[str, list[int]], label: str) -> list[int]:
    flat = labels.get(label)
    if flat is None:
        flat = labels[label] = [0] * 20
    return flat


def _score_cluster(golds, preds, overall, labels, min_overlap) -> None:
    """Score a group of mutually overlapping entities the long way (nervaluate's loops)."""
    c, i, m, s = _match_bounds(golds, preds, True, min_overlap)
    overall[_S + _COR] += c
    overall[_S + _INC] += i
    overall[_S + _MIS] += m
    overall[_S + _SPU] += s
    c, i, m, s = _match_bounds(golds, preds, False, min_overlap)
    overall[_E + _COR] += c
    overall[_E + _INC] += i
    overall[_E + _MIS] += m
    overall[_E + _SPU] += s
    overall[_P + _COR] += c
    overall[_P + _PAR] += i
    overall[_P + _MIS] += m
    overall[_P + _SPU] += s
    c, i, m, s = _match_type(golds, preds, min_overlap)
    overall[_T + _COR] += c
    overall[_T + _INC] += i
    overall[_T + _MIS] += m
    overall[_T + _SPU] += s
    for label in {x[2] for x in golds} | {x[2] for x in preds}:
        g_l = [x for x in golds if x[2] == label]
        p_l = [x for x in preds if x[2] == label]
        flat = _label_flat(labels, label)
        # One label only: strict and exact are the same matching as partial.
        c, i, m, s = _match_bounds(g_l, p_l, False, min_overlap)
        for base in (_S, _E):
            flat[base + _COR] += c
            flat[base + _INC] += i
            flat[base + _MIS] += m
            flat[base + _SPU] += s
        flat[_P + _COR] += c
        flat[_P + _PAR] += i
        flat[_P + _MIS] += m
        flat[_P + _SPU] += s
        c, i, m, s = _match_type(g_l, p_l, min_overlap)
        flat[_T + _COR] += c
        flat[_T + _INC] += i
        flat[_T + _MIS] += m
        flat[_T + _SPU] += s


_END = (math.inf, math.inf, None, None)  # sentinel closing each side of a document

# Shapes of the groups settled without nervaluate's loops, by (shape, gold label, predicted label):
_ALONE_GOLD, _ALONE_PRED, _SAME_SPAN, _OVERLAP, _TOO_LITTLE = range(5)


class EntityScorer:
    """Sums entity counts document by document; ``result()`` gives the scores.

    Entities that overlap nothing of the other side cannot change anyone else's
    match, so a document is cut into groups of overlapping entities; the common
    groups (a gold alone, a prediction alone, one of each) are only counted here,
    and the rest go through nervaluate's own loops. Same numbers, a fraction of the work.
    """

    def __init__(self, min_overlap: float = MIN_OVERLAP_PERCENT):
        self.min_overlap = min_overlap
        self.documents = 0
        self._overall = [0] * 20
        self._labels: dict[str, list[int]] = {}
        self._shapes: Counter = Counter()
        self._pending: list[tuple] = []

    def add(self, golds: Sequence[Item], preds: Sequence[Item]) -> None:
        """One document's gold and predicted items, each sorted (``entity_items``)."""
        self.documents += 1
        G = list(golds)
        G.append(_END)
        P = list(preds)
        P.append(_END)
        note = self._pending.append
        min_overlap = self.min_overlap
        i = j = 0
        g, p = G[0], P[0]
        while True:
            gi, pj = i, j
            if g[0] <= p[0]:
                if g is _END:
                    break
                cend = g[1]
                i += 1
                g = G[i]
            else:
                cend = p[1]
                j += 1
                p = P[j]
            while True:  # take in everything that starts before the group ends
                if g[0] <= p[0]:
                    if g[0] >= cend:
                        break
                    if g[1] > cend:
                        cend = g[1]
                    i += 1
                    g = G[i]
                else:
                    if p[0] >= cend:
                        break
                    if p[1] > cend:
                        cend = p[1]
                    j += 1
                    p = P[j]
            n_g, n_p = i - gi, j - pj
            if n_g == 1 and n_p == 1:
                gq, pq = G[gi], P[pj]
                if pq[3] == gq[3]:
                    note((_SAME_SPAN, gq[2], pq[2]))
                elif _overlaps_enough(pq, gq, min_overlap):
                    note((_OVERLAP, gq[2], pq[2]))
                else:
                    note((_TOO_LITTLE, gq[2], pq[2]))
            elif n_p == 0 and n_g == 1:
                note((_ALONE_GOLD, G[gi][2], None))
            elif n_g == 0 and n_p == 1:
                note((_ALONE_PRED, None, P[pj][2]))
            else:
                _score_cluster(G[gi:i], P[pj:j], self._overall, self._labels, min_overlap)
        if len(self._pending) > 100_000:
            self._shapes.update(self._pending)
            self._pending.clear()

    def result(self) -> EntityScores:
        shapes = self._shapes.copy()
        shapes.update(self._pending)
        overall = list(self._overall)
        labels = {lab: list(flat) for lab, flat in self._labels.items()}

        def bump(flat: list[int], idx: Sequence[int], n: int) -> None:
            for k in idx:
                flat[k] += n

        for (shape, gl, pl), n in shapes.items():
            if shape == _ALONE_GOLD:
                bump(overall, _ALL_MISSED, n)
                bump(_label_flat(labels, gl), _ALL_MISSED, n)
            elif shape == _ALONE_PRED:
                bump(overall, _ALL_SPURIOUS, n)
                bump(_label_flat(labels, pl), _ALL_SPURIOUS, n)
            elif shape == _TOO_LITTLE:
                bump(overall, _ALL_MISSED, n)
                bump(overall, _ALL_SPURIOUS, n)
                bump(_label_flat(labels, gl), _ALL_MISSED, n)
                bump(_label_flat(labels, pl), _ALL_SPURIOUS, n)
            elif gl == pl:
                idx = _ALL_CORRECT if shape == _SAME_SPAN else _OVERLAP_SAME_LABEL
                bump(overall, idx, n)
                bump(_label_flat(labels, gl), idx, n)
            else:
                bump(overall, _SAME_SPAN_OTHER_LABEL if shape == _SAME_SPAN else _OVERLAP_OTHER_LABEL, n)
                bump(_label_flat(labels, gl), _ALL_MISSED, n)
                bump(_label_flat(labels, pl), _ALL_SPURIOUS, n)
        return EntityScores(
            self.documents,
            _counts_from_flat(overall),
            {lab: _counts_from_flat(flat) for lab, flat in sorted(labels.items())},
        )


def score_items(
    docs: Iterable[tuple[Sequence[Item], Sequence[Item]]], min_overlap: float = MIN_OVERLAP_PERCENT
) -> EntityScores:
    """Entity scores over documents given as (gold items, predicted items), each sorted."""
    scorer = EntityScorer(min_overlap)
    for golds, preds in docs:
        scorer.add(golds, preds)
    return scorer.result()


def score_entities(
    pairs: Iterable[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    min_overlap: float = MIN_OVERLAP_PERCENT,
    pred_keep: Callable[[Annotation], bool] | None = None,
) -> EntityScores:
    """Entity scores of (gold, predicted) pairs of sets; see the module notes for what counts."""
    keep = pred_keep or predicted_filter(by)
    return score_items(
        ((entity_items(g, is_gold), entity_items(p, keep)) for g, p in pairs), min_overlap
    )


# ---------------------------------------------------------------------------
# Disagreements, for showing in the article
# ---------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------
# Precision / recall from matched counts (events, attributions)
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class Tally:
    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, correct: int, predicted: int, gold: int) -> None:
        self.correct += correct
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "predicted": self.predicted,
            "gold": self.gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _multiset_tally(tally: Tally, gold: Counter, pred: Counter) -> None:
    tally.add(sum((gold & pred).values()), sum(pred.values()), sum(gold.values()))


# ---------------------------------------------------------------------------
# Events (ACE, Li, Ji and Huang 2013)
# ---------------------------------------------------------------------------
EVENT_MEASURES = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
)


@dataclass(slots=True)
class EventScores:
    trigger_identification: Tally = field(default_factory=Tally)
    trigger_classification: Tally = field(default_factory=Tally)
    argument_identification: Tally = field(default_factory=Tally)
    argument_classification: Tally = field(default_factory=Tally)

    def measures(self) -> dict[str, Tally]:
        return {m: getattr(self, m) for m in EVENT_MEASURES}

    @property
    def empty(self) -> bool:
        return not any(t.gold or t.predicted for t in self.measures().values())

    def to_dict(self) -> dict:
        return {m: t.to_dict() for m, t in self.measures().items()}


def _ref_fragments(aset: AnnotationSet, ref: str):
    target = aset.get(ref)
    if isinstance(target, Entity):
        return target.span.fragments
    if isinstance(target, Event):
        return target.trigger.fragments
    return None


def _event_keys(aset: AnnotationSet, keep: Callable[[Annotation], bool]):
    trig_id: Counter = Counter()
    trig_cls: Counter = Counter()
    arg_id: Counter = Counter()
    arg_cls: Counter = Counter()
    for ev in aset.events.values():
        if not keep(ev):
            continue
        frags = ev.trigger.fragments
        trig_id[frags] += 1
        trig_cls[(frags, ev.type)] += 1
        for arg in ev.arguments:
            where = _ref_fragments(aset, arg.ref)
            if where is None:
                continue
            arg_id[(ev.type, where)] += 1
            arg_cls[(ev.type, where, arg.role)] += 1
    return trig_id, trig_cls, arg_id, arg_cls


def score_events(
    pairs: Iterable[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    pred_keep: Callable[[Annotation], bool] | None = None,
) -> EventScores:
    keep = pred_keep or predicted_filter(by)
    scores = EventScores()
    tallies = (
        scores.trigger_identification,
        scores.trigger_classification,
        scores.argument_identification,
        scores.argument_classification,
    )
    for gold, pred in pairs:
        if not gold.events and not pred.events:
            continue
        for tally, g, p in zip(tallies, _event_keys(gold, is_gold), _event_keys(pred, keep)):
            _multiset_tally(tally, g, p)
    return scores


# ---------------------------------------------------------------------------
# Attributions
# ---------------------------------------------------------------------------
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
    src = at.source
    if isinstance(src, Ref):
        return _ref_fragments(aset, src.ref)
    if isinstance(src, Span):
        return src.fragments
    return None


def _attribution_rows(aset: AnnotationSet, keep: Callable[[Annotation], bool]) -> list[tuple]:
    rows = []
    for at in aset.attributions.values():
        if keep(at):
            rows.append(
                (
                    _source_fragments(aset, at),
                    at.cue.fragments if at.cue else None,
                    at.content.fragments if at.content else None,
                )
            )
    rows.sort(key=lambda r: tuple((f[0][0], f[-1][1]) if f else (-1, -1) for f in r))
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
    for a, b in zip(g, p):
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


# ---------------------------------------------------------------------------
# Review decisions
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class ReviewTally:
    accepted: int = 0
    rejected: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def precision(self) -> float | None:
        """accepted / (accepted + rejected); None before any decision."""
        return self.accepted / self.decided if self.decided else None

    def to_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "precision": self.precision,
        }


def review_counts(asets: Iterable[AnnotationSet], by: str | None = None) -> dict[str, ReviewTally]:
    """Per suggester, its suggestions accepted, rejected and still pending (every kind of annotation)."""
    out: dict[str, ReviewTally] = {}
    for aset in asets:
        for ann in aset.all():
            name = suggester_of(ann)
            if not name or (by is not None and name != by):
                continue
            t = out.get(name)
            if t is None:
                t = out[name] = ReviewTally()
            if ann.status == ACCEPTED:
                t.accepted += 1
            elif ann.status == REJECTED:
                t.rejected += 1
            elif ann.status == SUGGESTED:
                t.pending += 1
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------
# The whole audit
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class AuditReport:
    articles: list[str]
    entities: EntityScores
    events: EventScores
    attributions: AttributionScores
    review: dict[str, ReviewTally]
    by: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "articles": list(self.articles),
            "by": self.by,
            "entities": self.entities.to_dict(),
            "events": self.events.to_dict(),
            "attributions": self.attributions.to_dict(),
            "review": {name: t.to_dict() for name, t in self.review.items()},
            "notes": list(self.notes),
        }


def audit(
    pairs: Sequence[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    names: Sequence[str] | None = None,
    notes: Sequence[str] = (),
) -> AuditReport:
    """Score every layer over (gold, predicted) pairs; review decisions come from the gold sets."""
    pairs = list(pairs)
    keep = predicted_filter(by)
    return AuditReport(
        articles=list(names) if names is not None else [str(i + 1) for i in range(len(pairs))],
        entities=score_entities(pairs, pred_keep=keep),
        events=score_events(pairs, pred_keep=keep),
        attributions=score_attributions(pairs, pred_keep=keep),
        review=review_counts((g for g, _ in pairs), by),
        by=by,
        notes=list(notes),
    )


# ---------------------------------------------------------------------------
# Agreement between annotators
# ---------------------------------------------------------------------------
#: The token label of a token no entity covers, in the all-labels kappa.
NO_LABEL = "O"


def token_bounds(text: str) -> tuple[Sequence[int], Sequence[int]]:
    """Token starts and ends: the tokens the app's cursor moves over (``annotator.text``)."""
    from .text import tokenize

    toks = tokenize(text)
    return toks.starts, toks.ends


def cohen_kappa(confusion: Mapping[tuple[object, object], int]) -> float | None:
    """Cohen's kappa of a confusion table {(label_a, label_b): count}, computed as
    scikit-learn does (same operations, same order); None where it is undefined."""
    cells = {k: v for k, v in confusion.items() if v}
    # Only the labels that occur, as scikit-learn's confusion_matrix sees them.
    classes = sorted({a for a, _ in cells} | {b for _, b in cells})
    index = {c: k for k, c in enumerate(classes)}
    n = len(classes)
    conf = [[0] * n for _ in range(n)]
    for (a, b), count in cells.items():
        conf[index[a]][index[b]] += count
    sum0 = [float(sum(conf[i][j] for i in range(n))) for j in range(n)]  # column sums
    sum1 = [float(sum(row)) for row in conf]  # row sums
    total = sum(sum0)
    if total == 0:
        return None
    observed = float(sum(conf[i][j] for i in range(n) for j in range(n) if i != j))
    expected = [((sum0[i] * sum1[j]) / total) if i != j else 0.0 for i in range(n) for j in range(n)]
    denominator = np_sum(expected)
    if denominator == 0:
        return None
    return 1 - observed / denominator


@dataclass(slots=True)
class KappaTable:
    """Token counts for one label: how many tokens each annotator gave it, and both."""

    tokens: int = 0
    a_only: int = 0
    b_only: int = 0
    both: int = 0

    @property
    def kappa(self) -> float | None:
        neither = self.tokens - self.a_only - self.b_only - self.both
        return cohen_kappa(
            {(False, False): neither, (False, True): self.b_only, (True, False): self.a_only, (True, True): self.both}
        )

    def to_dict(self) -> dict:
        return {"tokens": self.tokens, "a_only": self.a_only, "b_only": self.b_only, "both": self.both, "kappa": self.kappa}


def token_labels(starts: Sequence[int], ends: Sequence[int], items: Sequence[Item]):
    """For each token: the first label (by entity position) covering it, or ``O``;
    and for each label, the indices of the tokens it covers."""
    first: list[str] = [NO_LABEL] * len(starts)
    per_label: dict[str, set[int]] = {}
    for _start, _end, label, frags in items:
        marks = per_label.setdefault(label, set())
        for fs, fe in frags:
            for t in range(bisect_right(ends, fs), bisect_left(starts, fe)):
                marks.add(t)
                if first[t] is NO_LABEL:
                    first[t] = label
    return first, per_label


@dataclass(slots=True)
class Agreement:
    """Agreement of annotator A and annotator B over the articles both annotated."""

    a: str
    b: str
    articles: list[str]
    entities: EntityScores  # A as reference
    kappa_labels: dict[str, KappaTable]
    kappa_overall: float | None
    tokens: int

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "articles": list(self.articles),
            "tokens": self.tokens,
            "f1": {
                "strict": self.entities.overall["strict"].f1,
                "partial": self.entities.overall["partial"].f1,
            },
            "kappa": self.kappa_overall,
            "labels": {
                lab: {
                    "strict_f1": self.entities.labels[lab]["strict"].f1 if lab in self.entities.labels else 0.0,
                    "partial_f1": self.entities.labels[lab]["partial"].f1 if lab in self.entities.labels else 0.0,
                    "kappa": self.kappa_labels[lab].kappa if lab in self.kappa_labels else None,
                }
                for lab in sorted(set(self.entities.labels) | set(self.kappa_labels))
            },
        }


def agreement(
    pairs: Sequence[tuple[AnnotationSet, AnnotationSet]],
    a: str = "A",
    b: str = "B",
    names: Sequence[str] | None = None,
) -> Agreement:
    """Pairwise agreement on the same articles: entity F1 (strict, partial; A as
    reference) and Cohen's kappa over tokens. Only accepted annotations count."""
    pairs = list(pairs)
    docs = [(entity_items(x, is_gold), entity_items(y, is_gold)) for x, y in pairs]
    entities = score_items(docs)
    overall: Counter = Counter()
    tables: dict[str, KappaTable] = {}
    total = 0
    for (x, _), (items_a, items_b) in zip(pairs, docs):
        starts, ends = token_bounds(x.document.text)
        first_a, per_a = token_labels(starts, ends, items_a)
        first_b, per_b = token_labels(starts, ends, items_b)
        overall.update(zip(first_a, first_b))
        total += len(starts)
        for lab in set(per_a) | set(per_b):
            ta, tb = per_a.get(lab, set()), per_b.get(lab, set())
            t = tables.setdefault(lab, KappaTable())
            both = len(ta & tb)
            t.both += both
            t.a_only += len(ta) - both
            t.b_only += len(tb) - both
    for t in tables.values():
        t.tokens = total
    return Agreement(
        a,
        b,
        list(names) if names is not None else [str(i + 1) for i in range(len(pairs))],
        entities,
        dict(sorted(tables.items())),
        cohen_kappa(overall) if total else None,
        total,
    )


def agreements(
    sets: Mapping[str, Mapping[str, AnnotationSet]],
) -> list[Agreement]:
    """Every pair of annotators: ``sets`` maps annotator -> article name -> set."""
    out = []
    for a, b in combinations(list(sets), 2):
        common = sorted(set(sets[a]) & set(sets[b]))
        out.append(agreement([(sets[a][n], sets[b][n]) for n in common], a, b, common))
    return out
