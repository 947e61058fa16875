"""Entity scores of many pairs of annotators over the same articles, with numpy.

``EntityScorer.add`` cuts one document at a time into groups of entities that
overlap (gold and predicted, in order of start, gold first on ties) and counts
the common groups (one alone, one of each) without nervaluate's loops. Here the
groups of every article of a pair are found at once: each annotator's items are
laid end to end once (``Laid``), and a group starts where an item starts at or
after the end of everything before it. The common groups are counted with
numpy; the rest go through the same loops (``entities._score_cluster``). Same
numbers as ``score_items`` (tests: ``agreements`` against ``agreement``).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Sequence

import numpy as np

from .entities import (
    _ALONE_GOLD,
    _ALONE_PRED,
    _OVERLAP,
    _SAME_SPAN,
    _TOO_LITTLE,
    MIN_OVERLAP_PERCENT,
    EntityScorer,
    EntityScores,
    Item,
    _overlaps_enough,
    _score_cluster,
)


class Laid:
    """One annotator's entity items (``entity_items``) of every article, end to end:
    ``per_article[d]`` (or None), character offsets shifted by ``char_offsets[d]``."""

    def __init__(self, per_article: Sequence[Sequence[Item] | None], char_offsets: Sequence[int], labels: dict[str, int]):
        items: list[Item] = []
        doc: list[int] = []
        for d, its in enumerate(per_article):
            if its:
                items.extend(its)
                doc.extend([d] * len(its))
        n = len(items)
        self.items = items
        self.doc = np.asarray(doc, dtype=np.int64)
        off = np.asarray(char_offsets, dtype=np.int64)[self.doc] if n else np.zeros(0, dtype=np.int64)
        # One pass in C per column (map and itemgetter: no Python frame per item).
        self.start = np.fromiter(map(_0, items), dtype=np.int64, count=n) + off
        self.end = np.fromiter(map(_1, items), dtype=np.int64, count=n) + off
        self.label = np.fromiter(map(labels.__getitem__, map(_2, items)), dtype=np.int64, count=n)
        self.single = np.fromiter(map(len, map(_3, items)), dtype=np.int64, count=n) == 1


_0, _1, _2, _3 = (itemgetter(k) for k in range(4))


def score_pair(gold: Laid, pred: Laid, common: np.ndarray, label_names: Sequence[str],
               min_overlap: float = MIN_OVERLAP_PERCENT) -> EntityScores:
    """``score_items`` of the articles where ``common`` (a bool per article) is set."""
    scorer = EntityScorer(min_overlap)
    scorer.documents = int(common.sum())
    gi = np.flatnonzero(common[gold.doc])
    pi = np.flatnonzero(common[pred.doc])
    G, P = len(gi), len(pi)
    n = G + P
    if n == 0:
        return scorer.result()
    start = np.concatenate([gold.start[gi], pred.start[pi]])
    end = np.concatenate([gold.end[gi], pred.end[pi]])
    side = np.concatenate([np.zeros(G, dtype=np.int64), np.ones(P, dtype=np.int64)])
    order = np.lexsort((side, start))  # by start, gold first on ties, each side in its own order
    s, e, is_pred = start[order], end[order], side[order] == 1
    opens = np.empty(n, dtype=bool)
    opens[0] = True
    opens[1:] = s[1:] >= np.maximum.accumulate(e)[:-1]
    cluster = np.cumsum(opens) - 1
    C = int(cluster[-1]) + 1
    n_p = np.bincount(cluster, weights=is_pred, minlength=C).astype(np.int64)
    n_g = np.bincount(cluster, weights=~is_pred, minlength=C).astype(np.int64)
    first = np.flatnonzero(opens)
    golds_before = np.concatenate([[0], np.cumsum(~is_pred)[:-1]])[first]
    preds_before = np.concatenate([[0], np.cumsum(is_pred)[:-1]])[first]
    L = len(label_names)
    shapes = scorer._shapes

    def tally(shape: int, gl, pl) -> None:
        if gl is None:
            codes = np.bincount(pl, minlength=L)
        elif pl is None:
            codes = np.bincount(gl, minlength=L)
        else:
            codes = np.bincount(gl * L + pl, minlength=L * L)
        for code in np.flatnonzero(codes):
            if gl is None:
                key = (shape, None, label_names[code])
            elif pl is None:
                key = (shape, label_names[code], None)
            else:
                key = (shape, label_names[code // L], label_names[code % L])
            shapes[key] += int(codes[code])

    alone_g = (n_g == 1) & (n_p == 0)
    tally(_ALONE_GOLD, gold.label[gi[golds_before[alone_g]]], None)
    alone_p = (n_g == 0) & (n_p == 1)
    tally(_ALONE_PRED, None, pred.label[pi[preds_before[alone_p]]])
    one_one = (n_g == 1) & (n_p == 1)
    g = gi[golds_before[one_one]]
    p = pi[preds_before[one_one]]
    simple = gold.single[g] & pred.single[p]
    gs, ge, ps, pe = gold.start[g], gold.end[g], pred.start[p], pred.end[p]
    same = simple & (gs == ps) & (ge == pe)
    with np.errstate(divide="ignore", invalid="ignore"):
        ov = np.minimum(pe, ge) - np.maximum(ps, gs)
        enough = (ps < ge) & (pe > gs) & (ge > gs) & ((ov / (ge - gs)) * 100.0 >= min_overlap)
    gl, pl = gold.label[g], pred.label[p]
    tally(_SAME_SPAN, gl[same], pl[same])
    over = simple & ~same & enough
    tally(_OVERLAP, gl[over], pl[over])
    little = simple & ~same & ~enough
    tally(_TOO_LITTLE, gl[little], pl[little])
    for k in np.flatnonzero(~simple):  # a discontinuous span: as ``add`` does it
        gq, pq = gold.items[g[k]], pred.items[p[k]]
        if pq[3] == gq[3]:
            shapes[(_SAME_SPAN, gq[2], pq[2])] += 1
        elif _overlaps_enough(pq, gq, min_overlap):
            shapes[(_OVERLAP, gq[2], pq[2])] += 1
        else:
            shapes[(_TOO_LITTLE, gq[2], pq[2])] += 1
    for c in np.flatnonzero(~(alone_g | alone_p | one_one)):
        g0, p0 = int(golds_before[c]), int(preds_before[c])
        golds = [gold.items[k] for k in gi[g0 : g0 + n_g[c]]]
        preds = [pred.items[k] for k in pi[p0 : p0 + n_p[c]]]
        _score_cluster(golds, preds, scorer._overall, scorer._labels, min_overlap)
    return scorer.result()
