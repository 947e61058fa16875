"""Entity scores: the four schemes of MUC / SemEval-2013 task 9.1, as nervaluate 1.2.1 counts them."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..model import ACCEPTED, REJECTED, Annotation, AnnotationSet
from .measures import PRF, f1_of, np_mean
from .selection import SuggesterOutput, _not_rejected, is_gold, predicted_filter

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
    elif isinstance(keep, SuggesterOutput):  # a relabelled suggestion counts with the label it was suggested with
        out = [(f[0][0], f[-1][1], e.suggested_label or e.label, f) for e in ents if keep(e) for f in (e.span.fragments,)]
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


def _add(flat: list[int], base: int, counts: tuple[int, int, int, int], second: int = _INC) -> None:
    """Add (correct, ``second``, missed, spurious) counts to one schema's cells of ``flat``."""
    c, i, m, s = counts
    flat[base + _COR] += c
    flat[base + second] += i
    flat[base + _MIS] += m
    flat[base + _SPU] += s


def _score_cluster(golds, preds, overall, labels, min_overlap) -> None:
    """Score a group of mutually overlapping entities the long way (nervaluate's loops)."""
    _add(overall, _S, _match_bounds(golds, preds, True, min_overlap))
    bounds = _match_bounds(golds, preds, False, min_overlap)
    _add(overall, _E, bounds)
    _add(overall, _P, bounds, _PAR)
    _add(overall, _T, _match_type(golds, preds, min_overlap))
    for label in {x[2] for x in golds} | {x[2] for x in preds}:
        g_l = [x for x in golds if x[2] == label]
        p_l = [x for x in preds if x[2] == label]
        flat = _label_flat(labels, label)
        # One label only: strict and exact are the same matching as partial.
        bounds = _match_bounds(g_l, p_l, False, min_overlap)
        _add(flat, _S, bounds)
        _add(flat, _E, bounds)
        _add(flat, _P, bounds, _PAR)
        _add(flat, _T, _match_type(g_l, p_l, min_overlap))


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
