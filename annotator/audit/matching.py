"""One-to-one matching of two annotators' items, for the pairwise F1 of ``panel``.

Items are ``(label, anchor, parts, position)`` (``layers``), in position order. Strict: the same item (a
multiset intersection). By overlap: what strict matching left is matched greedily
in position order within the same label and anchor, each part sharing a
character with the other's (an absent part matching an absent part only).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from typing import Sequence

import numpy as np


def extent(parts: tuple) -> tuple[int, int]:
    present = [p for p in parts if p is not None]
    return (min(p[0][0] for p in present), max(p[-1][1] for p in present)) if present else (-1, -1)


def frags_overlap(a, b) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def parts_overlap(a: tuple, b: tuple) -> bool:
    for x, y in zip(a, b):
        if (x is None) != (y is None):
            return False
        if x is not None and not frags_overlap(x, y):
            return False
    return True


def _edges(disputed: list) -> dict:
    """Among items not every annotator has alike: which overlap another of the same label and
    anchor. {item: [overlapping items in position order]}; most items have none."""
    groups: dict[tuple, list] = {}
    for it in disputed:
        groups.setdefault((it[0], it[1]), []).append(it)
    out: dict = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=itemgetter(3))
        # One part of one fragment: its extent is the part, so overlapping extents are enough.
        plain = [len(it[2]) == 1 and len(it[2][0]) == 1 for it in group]
        for i, x in enumerate(group):
            xs, xe = x[3]
            one = len(x[2]) == 1
            x_plain = plain[i]
            for j in range(i + 1, len(group)):
                y = group[j]
                ys, ye = y[3]
                if ys >= xe and one:
                    break  # sorted by start: nothing later overlaps a one-part item
                if ys < xe and xs < ye and ((x_plain and plain[j]) or parts_overlap(x[2], y[2])):
                    out.setdefault(x, []).append(y)
                    out.setdefault(y, []).append(x)
    for v in out.values():
        v.sort(key=itemgetter(3))
    return out


@dataclass(slots=True)
class Distinct:
    """Every distinct item of each article (``u``), with how many times each annotator has it."""

    items: list  # u -> item; article d's are items[firsts[d]:firsts[d + 1]], in first-seen order
    firsts: list[int]
    doc: np.ndarray  # (U,) the article of each
    counts: np.ndarray  # (U, R)
    masks: np.ndarray  # (U,) the annotators who have the item's anchor, as bits
    anchor_masks: list  # per article: anchor -> bits (None: the layer has no anchors)
    labels: list  # the labels, in first-seen order
    label: np.ndarray  # (U,) each item's, an index in ``labels``
    start: np.ndarray  # (U,) its position: first start, last end
    end: np.ndarray
    plain: np.ndarray  # (U,) one part of one fragment (the part is ``(start, end)``)

    def label_codes(self, index: dict[str, int], missing: int | None = None) -> np.ndarray:
        """Each item's label as ``index`` numbers it (``missing`` for labels it lacks)."""
        lut = [index[lab] if missing is None else index.get(lab, missing) for lab in self.labels]
        return np.asarray(lut, dtype=np.int64)[self.label] if len(self.label) else np.zeros(0, dtype=np.int64)


def distinct_items(per_doc: Sequence[Sequence[Sequence[tuple]]], keep: Sequence[Sequence[frozenset | None]]) -> Distinct:
    """``per_doc[d][a]``: annotator a's items in document d; ``keep[d][a]``: its anchors
    (None: the layer has none). Each item is hashed once per annotator (one dict per article)."""
    D = len(per_doc)
    R = len(per_doc[0]) if D else 0
    everyone = (1 << R) - 1
    distinct: list = []
    doc_firsts = [0]
    flat_u: list[int] = []
    chunk_a: list[int] = []  # flat_u is made of chunks: one per (article, annotator)
    chunk_n: list[int] = []
    masks_l: list[int] = []
    anchor_masks: list = []
    for d in range(D):
        ids: dict = {}
        base = len(distinct)
        setdefault = ids.setdefault
        for a, its in enumerate(per_doc[d]):
            flat_u.extend([setdefault(it, base + len(ids)) for it in its])
            chunk_a.append(a)
            chunk_n.append(len(its))
        distinct.extend(ids)
        doc_firsts.append(len(distinct))
        if keep[d] and keep[d][0] is not None:
            anchor_mask: dict = {}
            for a, anchors in enumerate(keep[d]):
                bit = 1 << a
                for anc in anchors:
                    anchor_mask[anc] = anchor_mask.get(anc, 0) | bit
            get = anchor_mask.get
            masks_l.extend([get(it[1], 0) for it in ids])
            anchor_masks.append(anchor_mask)
        else:
            masks_l.extend([everyone] * len(ids))
            anchor_masks.append(None)
    U = len(distinct)
    counts = np.bincount(
        np.asarray(flat_u, dtype=np.int64) * R + np.repeat(np.asarray(chunk_a, dtype=np.int64), chunk_n), minlength=U * R
    ).reshape(U, R) if R else np.zeros((U, 0), dtype=np.int64)
    doc = np.repeat(np.arange(D, dtype=np.int64), np.diff(np.asarray(doc_firsts, dtype=np.int64)))
    # The items' numbers, each column one pass in C (map and itemgetter, no Python frame per item).
    labels = list(dict.fromkeys(map(_label, distinct)))
    code = {lab: k for k, lab in enumerate(labels)}
    label = np.fromiter(map(code.__getitem__, map(_label, distinct)), dtype=np.int64, count=U)
    pos = list(map(_position, distinct))
    start = np.fromiter(map(_first, pos), dtype=np.int64, count=U)
    end = np.fromiter(map(_second, pos), dtype=np.int64, count=U)
    parts = list(map(_parts, distinct))
    plain = (np.fromiter(map(len, parts), dtype=np.int64, count=U) == 1) & (
        np.fromiter(map(len, map(_first, parts)), dtype=np.int64, count=U) == 1
    )
    return Distinct(distinct, doc_firsts, doc, counts, np.asarray(masks_l, dtype=np.int64), anchor_masks,
                    labels, label, start, end, plain)


_label, _parts, _position = itemgetter(0), itemgetter(2), itemgetter(3)
_first, _second = itemgetter(0), itemgetter(1)


def pair_counts(
    per_doc: Sequence[Sequence[Sequence[tuple]]],
    keep: Sequence[Sequence[frozenset | None]],
    label_index: dict[str, int],
    overall_label: str | None,
    distinct: Distinct | None = None,
) -> np.ndarray:
    """(documents, pairs, 1 + labels, 4): strict matches, overlap matches, |A|, |B|.

    ``per_doc[d][a]``: annotator a's items in document d (in position order);
    ``keep[d][a]``: its anchors (None: the layer has none); an anchored item counts
    for a pair only when both annotators have its anchor. Index 0 of the label
    axis is the whole layer: every label, or ``overall_label`` alone.
    ``distinct``: ``distinct_items(per_doc, keep)`` when the caller has it.

    Each distinct item is looked at once per article, with how many times each
    annotator has it; the pairs are then counted for all articles at once. Only
    items that overlap another (of the same label) go through the greedy matching,
    and of those, two that overlap only each other are counted with numpy.
    """
    D = len(per_doc)
    R = len(per_doc[0]) if D else 0
    pairs = list(combinations(range(R), 2))
    P = len(pairs)
    L1 = len(label_index) + 1
    dist = distinct if distinct is not None else distinct_items(per_doc, keep)
    items, doc_firsts, counts, masks, anchor_masks = dist.items, dist.firsts, dist.counts, dist.masks, dist.anchor_masks
    U = len(items)
    out = np.zeros((D, P, L1, 4))
    if U:
        lab = dist.label_codes(label_index)
        cvs = counts.astype(float)
        where = dist.doc * L1 + lab
        for p, (a, b) in enumerate(pairs):
            inc = (((masks >> a) & 1) & ((masks >> b) & 1)).astype(float)
            for col, weight in ((0, np.minimum(cvs[:, a], cvs[:, b])), (2, cvs[:, a]), (3, cvs[:, b])):
                out[:, p, :, col] = np.bincount(where, weights=inc * weight, minlength=D * L1).reshape(D, L1)
        disputed_u = np.flatnonzero(counts.min(axis=1) != counts.max(axis=1)) if R else np.zeros(0, dtype=np.int64)
    else:
        lab = np.zeros(0, dtype=np.int64)
        disputed_u = np.zeros(0, dtype=np.int64)
    out[..., 1] = out[..., 0]
    # By overlap: only items not every annotator has alike, and of those only
    # the ones that overlap another of the same label and anchor.
    extra_idx: list[int] = []  # overlap matches beyond the strict ones: flat (d, p, label) index
    twins_x: list[int] = []  # two items that overlap each other and nothing else (u, u)
    twins_y: list[int] = []
    cuts = np.searchsorted(disputed_u, doc_firsts)
    for d in range(D):
        lo, hi = int(cuts[d]), int(cuts[d + 1])
        if hi - lo < 2:
            continue
        us = disputed_u[lo:hi].tolist()
        disputed = [items[u] for u in us]
        edges = _edges(disputed)
        if not edges:
            continue
        of_item = dict(zip(disputed, us))
        nodes = []
        for it, others in edges.items():
            if len(others) == 1 and len(edges[others[0]]) == 1:
                if it[3] < others[0][3] or (it[3] == others[0][3] and of_item[it] < of_item[others[0]]):
                    twins_x.append(of_item[it])
                    twins_y.append(of_item[others[0]])
            else:
                nodes.append(it)
        if not nodes:
            continue
        anchor_mask = anchor_masks[d]
        nodes.sort(key=itemgetter(3))
        node_counts = [counts[of_item[it]].tolist() for it in nodes]
        for p, (a, b) in enumerate(pairs):
            bits = (1 << a) | (1 << b)
            left_a: dict = {}
            left_b = []
            for it, cv in zip(nodes, node_counts):
                if anchor_mask is not None and anchor_mask.get(it[1], 0) & bits != bits:
                    continue
                if cv[a] > cv[b]:
                    left_a[it] = cv[a] - cv[b]
                elif cv[b] > cv[a]:
                    left_b.extend([it] * (cv[b] - cv[a]))
            if not left_a or not left_b:
                continue
            base = (d * P + p) * L1
            for it in left_b:
                for other in edges[it]:
                    if left_a.get(other):
                        left_a[other] -= 1
                        extra_idx.append(base + label_index[it[0]])
                        break
    if extra_idx:
        extra = np.bincount(np.asarray(extra_idx, dtype=np.int64), minlength=D * P * L1).reshape(D, P, L1)
        out[..., 1] += extra
    if twins_x:
        # Each side's surplus of one matches the other's surplus of the other: no order to follow.
        x = np.asarray(twins_x, dtype=np.int64)
        y = np.asarray(twins_y, dtype=np.int64)
        cx, cy = counts[x], counts[y]
        m = masks[x]
        flat = (dist.doc[x] * P)[:, None] + np.arange(P)
        gained = np.empty((len(x), P), dtype=np.int64)
        for p, (a, b) in enumerate(pairs):
            inc = ((m >> a) & 1) & ((m >> b) & 1)
            dx = cx[:, a] - cx[:, b]
            dy = cy[:, a] - cy[:, b]
            gained[:, p] = inc * (np.minimum(np.maximum(dx, 0), np.maximum(-dy, 0)) + np.minimum(np.maximum(dy, 0), np.maximum(-dx, 0)))
        cells = (flat * L1 + lab[x][:, None]).reshape(-1)
        out[..., 1] += np.bincount(cells, weights=gained.reshape(-1), minlength=D * P * L1).reshape(D, P, L1)
    if overall_label is not None and overall_label in label_index:
        out[:, :, 0, :] = out[:, :, label_index[overall_label], :]
    else:
        out[:, :, 0, :] = out[:, :, 1:, :].sum(axis=2)
    return out
