"""One-to-one matching of two annotators' items, for the pairwise F1 of ``panel``.

Items are ``(label, anchor, parts, position)`` (``layers``), in position order. Strict: the same item (a
multiset intersection). By overlap: what strict matching left is matched greedily
in position order within the same label and anchor, each part sharing a
character with the other's (an absent part matching an absent part only).
"""

from __future__ import annotations

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
        for i, x in enumerate(group):
            xs, xe = x[3]
            for y in group[i + 1 :]:
                ys, ye = y[3]
                if ys >= xe and len(x[2]) == 1:
                    break  # sorted by start: nothing later overlaps a one-part item
                if ys < xe and xs < ye and parts_overlap(x[2], y[2]):
                    out.setdefault(x, []).append(y)
                    out.setdefault(y, []).append(x)
    for v in out.values():
        v.sort(key=itemgetter(3))
    return out


def pair_counts(
    per_doc: Sequence[Sequence[Sequence[tuple]]],
    keep: Sequence[Sequence[frozenset | None]],
    label_index: dict[str, int],
    overall_label: str | None,
) -> np.ndarray:
    """(documents, pairs, 1 + labels, 4): strict matches, overlap matches, |A|, |B|.

    ``per_doc[d][a]``: annotator a's items in document d (in position order);
    ``keep[d][a]``: its anchors (None: the layer has none); an anchored item counts
    for a pair only when both annotators have its anchor. Index 0 of the label
    axis is the whole layer: every label, or ``overall_label`` alone.

    Each distinct item is looked at once per article, with how many times each
    annotator has it; the pairs are then counted for all articles at once. Only
    items that overlap another (of the same label) go through the greedy matching.
    """
    D = len(per_doc)
    R = len(per_doc[0]) if D else 0
    pairs = list(combinations(range(R), 2))
    P = len(pairs)
    L1 = len(label_index) + 1
    everyone = (1 << R) - 1
    # Every distinct item of each article gets a number (u); how many times each
    # annotator has it is then one bincount, and the pairs are counted with numpy.
    distinct: list = []  # u -> item
    doc_firsts = [0]  # article d's items are distinct[doc_firsts[d]:doc_firsts[d + 1]]
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
    out = np.zeros((D, P, L1, 4))
    counts = np.bincount(
        np.asarray(flat_u, dtype=np.int64) * R + np.repeat(np.asarray(chunk_a, dtype=np.int64), chunk_n), minlength=U * R
    ).reshape(U, R) if R else np.zeros((U, 0), dtype=np.int64)
    if U:
        firsts = np.asarray(doc_firsts, dtype=np.int64)
        doc = np.repeat(np.arange(D, dtype=np.int64), np.diff(firsts))
        lab = np.fromiter((label_index[it[0]] for it in distinct), dtype=np.int64, count=U)
        masks = np.asarray(masks_l, dtype=np.int64)
        cvs = counts.astype(float)
        where = doc * L1 + lab
        for p, (a, b) in enumerate(pairs):
            inc = (((masks >> a) & 1) & ((masks >> b) & 1)).astype(float)
            for col, weight in ((0, np.minimum(cvs[:, a], cvs[:, b])), (2, cvs[:, a]), (3, cvs[:, b])):
                out[:, p, :, col] = np.bincount(where, weights=inc * weight, minlength=D * L1).reshape(D, L1)
        disputed_u = np.flatnonzero(counts.min(axis=1) != counts.max(axis=1)) if R else np.zeros(0, dtype=np.int64)
    else:
        disputed_u = np.zeros(0, dtype=np.int64)
    out[..., 1] = out[..., 0]
    # By overlap: only items not every annotator has alike, and of those only
    # the ones that overlap another of the same label and anchor.
    extra_idx: list[int] = []  # overlap matches beyond the strict ones: flat (d, p, label) index
    cuts = np.searchsorted(disputed_u, doc_firsts)
    for d in range(D):
        lo, hi = int(cuts[d]), int(cuts[d + 1])
        if hi - lo < 2:
            continue
        us = disputed_u[lo:hi].tolist()
        disputed = [distinct[u] for u in us]
        edges = _edges(disputed)
        if not edges:
            continue
        of_item = dict(zip(disputed, us))
        anchor_mask = anchor_masks[d]
        nodes = sorted(edges, key=itemgetter(3))
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
    if overall_label is not None and overall_label in label_index:
        out[:, :, 0, :] = out[:, :, label_index[overall_label], :]
    else:
        out[:, :, 0, :] = out[:, :, 1:, :].sum(axis=2)
    return out
