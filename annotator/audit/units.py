"""The units the coefficients count (tokens, or linked pairs) and their per-article sums.

All articles' units are laid end to end (``offsets[d]`` is article d's first);
each annotator gives every unit a category (0: no annotation) and carries a set of
labels (a yes/no per label). The sums per article are what ``coefficients`` needs
for the bootstrap intervals (the values themselves are ``exact``'s, from the units):

* ``units`` (D,), ``n`` and ``q`` (D, V): ratings of each category, and the sum
  over units of the squared count of annotators giving it (Fleiss, Krippendorff);
* ``lab`` (D, L, 3): per label the same, yes/no: n_L, q_L, q_notL;
* ``margins`` (D, P, 2, V): each pair's two annotators' category counts; ``agree``
  (D, P): units a pair gives the same category (Cohen, from the margins);
* ``binary`` (D, P, L, 3): per pair and label, units both / only the first / only
  the second annotator gave the label.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

import numpy as np

from .layers import _pos as _extent


@dataclass(slots=True)
class UnitSums:
    units: np.ndarray
    n: np.ndarray
    q: np.ndarray
    lab: np.ndarray
    margins: np.ndarray
    agree: np.ndarray
    binary: np.ndarray
    # Over all articles, for the values themselves (``exact``): the units someone annotated
    # (ascending), how many annotators gave each a category (A, V) and carry each label
    # (A, L); each pair's confusion table (P, V, V), rows the first annotator's category.
    active: np.ndarray
    counts: np.ndarray
    carried: np.ndarray
    confusion: np.ndarray


def _per_doc(doc_of: np.ndarray, D: int, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` (U, K) by article: (D, K), one bincount."""
    U, K = values.shape
    if U == 0 or K == 0:
        return np.zeros((D, K))
    idx = (doc_of[:, None] * K + np.arange(K)).reshape(-1)
    return np.bincount(idx, weights=values.reshape(-1).astype(float), minlength=D * K).reshape(D, K)


def _margins(doc_act: np.ndarray, D: int, V: int, codes_act: np.ndarray, idle: np.ndarray) -> np.ndarray:
    """One annotator's category counts per article (D, V): those of the active units, and
    the idle ones' in category 0."""
    m = np.bincount(doc_act * V + codes_act, minlength=D * V).reshape(D, V).astype(float)
    m[:, 0] += idle
    return m


def unit_sums(codes: np.ndarray, cover: np.ndarray, offsets: np.ndarray, n_categories: int,
              pair_paint: Sequence[tuple[np.ndarray, np.ndarray]] | None = None) -> UnitSums:
    """``codes`` (R, U) categories, ``cover`` (R, U, L) labels carried: what Fleiss and
    Krippendorff count. ``pair_paint``: per pair (``combinations``), the two annotators'
    codes (2, U) and cover (2, U, L) that the pair's Cohen counts, when they are not
    rows of ``codes`` and ``cover`` (an anchored layer: each pair's own shared anchors)."""
    R, U = codes.shape
    V = n_categories
    L = cover.shape[2]
    D = len(offsets) - 1
    pairs = list(combinations(range(R), 2))
    units = np.diff(offsets)
    doc_of = np.repeat(np.arange(D), units)
    # Only units someone gave a category (or a label) differ from "all say O": the rest
    # add R^2 to the O column of q.
    active = np.flatnonzero((codes != 0).any(axis=0) | cover.any(axis=(0, 2)))
    doc_act = doc_of[active]
    idle = units - np.bincount(doc_act, minlength=D)
    per_rater = [_margins(doc_act, D, V, codes[a, active], idle) for a in range(R)]
    n = sum(per_rater) if R else np.zeros((D, V))
    counts = np.zeros((len(active), V), dtype=np.int64)
    rows = np.arange(len(active))
    for a in range(R):
        counts[rows, codes[a, active]] += 1
    q = _per_doc(doc_act, D, counts * counts)
    q[:, 0] += idle * R * R
    cov = cover[:, active, :]  # (R, A, L)
    c = cov.sum(axis=0, dtype=np.int64)
    lab = np.stack([_per_doc(doc_act, D, c), _per_doc(doc_act, D, c * c), _per_doc(doc_act, D, (R - c) ** 2)], axis=-1)
    lab[:, :, 2] += (idle * R * R)[:, None]
    confusion = np.zeros((len(pairs), V, V), dtype=np.int64)
    margins = np.zeros((D, len(pairs), 2, V))
    agree = np.zeros((D, len(pairs)))
    binary = np.zeros((D, len(pairs), L, 3))
    carried = [_per_doc(doc_act, D, cov[a]) for a in range(R)] if pair_paint is None else []
    for p, (a, b) in enumerate(pairs):
        if pair_paint is None:
            d_act, two, cov2 = doc_act, codes[[a, b]][:, active], cov[[a, b]]
            margins[:, p, 0], margins[:, p, 1] = per_rater[a], per_rater[b]
            c_a, c_b = carried[a], carried[b]
        else:
            pc, pv = pair_paint[p]
            act = np.flatnonzero((pc != 0).any(axis=0) | pv.any(axis=(0, 2)))
            d_act = doc_of[act]
            two, cov2 = pc[:, act], pv[:, act, :]
            left = units - np.bincount(d_act, minlength=D)
            margins[:, p, 0], margins[:, p, 1] = (_margins(d_act, D, V, two[k], left) for k in (0, 1))
            c_a, c_b = _per_doc(d_act, D, cov2[0]), _per_doc(d_act, D, cov2[1])
        agree[:, p] = units - np.bincount(d_act, weights=(two[0] != two[1]).astype(float), minlength=D)
        confusion[p] = np.bincount(two[0] * V + two[1], minlength=V * V).reshape(V, V)
        confusion[p, 0, 0] += U - len(d_act)
        both = _per_doc(d_act, D, cov2[0] & cov2[1])
        binary[:, p, :, 0] = both
        binary[:, p, :, 1] = c_a - both
        binary[:, p, :, 2] = c_b - both
    return UnitSums(units.astype(float), n, q, lab, margins, agree, binary, active, counts, c, confusion)


class TokenGrid:
    """Every article's tokens end to end (``annotator.text.tokenize``), with a gap between articles."""

    def __init__(self, texts: Sequence[str], cache: dict | None = None):
        """``cache``: text -> (starts, ends), shared by grids over the same articles."""
        from ..text import tokenize

        starts, ends, char_off, tok_off = [], [], [], [0]
        pos = 0
        for text in texts:
            bounds = cache.get(text) if cache is not None else None
            if bounds is None:
                toks = tokenize(text)
                bounds = (np.asarray(toks.starts, dtype=np.int64), np.asarray(toks.ends, dtype=np.int64))
                if cache is not None:
                    cache[text] = bounds
            s = bounds[0] + pos
            e = bounds[1] + pos
            starts.append(s)
            ends.append(e)
            char_off.append(pos)
            tok_off.append(tok_off[-1] + len(s))
            pos += len(text) + 1
        self.starts = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
        self.ends = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
        self.char_offsets = char_off
        self.offsets = np.asarray(tok_off, dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.starts)

    def paint(self, marks_per_doc: Sequence[Sequence[tuple]], label_index: dict):
        """One annotator's marks over all tokens: categories (the first mark in each article
        wins) and labels carried. ``marks_per_doc[d]``: (fragments, label) in position order."""
        offs = self.char_offsets
        rows = (
            x
            for d, doc_marks in enumerate(marks_per_doc) for off in (offs[d],)
            for frags, label in doc_marks for k in (label_index[label],) for fs, fe in frags
            for x in (fs + off, fe + off, k)
        )
        return self._paint(np.fromiter(rows, dtype=np.int64), label_index)

    def paint_items(self, items_per_doc: Sequence[Sequence[tuple]], label_index: dict, skip: str | None = None):
        """``paint`` of a layer's items (``layers.items``): each item's first part is its
        mark, labelled with the item's label; items labelled ``skip`` mark nothing."""
        offs = self.char_offsets
        rows = (
            x
            for d, doc_items in enumerate(items_per_doc) for off in (offs[d],)
            for it in doc_items if it[0] != skip for k in (label_index[it[0]],) for fs, fe in it[2][0]
            for x in (fs + off, fe + off, k)
        )
        return self._paint(np.fromiter(rows, dtype=np.int64), label_index)

    def paint_laid(self, laid, n_labels: int):
        """``paint`` of one annotator's entities laid end to end (``entity_pairs.Laid``, in the
        order ``entity_items`` gives): a one-fragment entity is its start and end; the others
        are listed fragment by fragment, in their place."""
        single = laid.single
        if single.all():
            flat = np.stack([laid.start, laid.end, laid.label], axis=1)
        else:
            offs = np.asarray(self.char_offsets, dtype=np.int64)
            rest = np.flatnonzero(~single).tolist()
            more = np.fromiter(
                (x for i in rest for fs, fe in laid.items[i][3] for x in (i, fs, fe)), dtype=np.int64
            ).reshape(-1, 3)
            ones = np.flatnonzero(single)
            who = np.concatenate([ones, more[:, 0]])
            shift = offs[laid.doc[more[:, 0]]]
            flat = np.stack([
                np.concatenate([laid.start[ones], more[:, 1] + shift]),
                np.concatenate([laid.end[ones], more[:, 2] + shift]),
                laid.label[who],
            ], axis=1)[np.argsort(who, kind="stable")]
        return self._paint(flat.reshape(-1), range(n_labels))

    def paint_distinct(self, dist, label_index: dict, skip: str | None = None, counts: np.ndarray | None = None):
        """``paint_items`` of every annotator at once, from a layer's distinct items
        (``matching.Distinct``): codes (R, U) and cover (R, U, L).

        Each distinct item is laid on the tokens once; an annotator's marks are the
        items they have. A token's category is the label of the first of them (in
        position order, then label) covering it, as ``paint_items`` finds it: marks
        that tie on both have the same label. ``counts`` (U, R'): who has each item,
        in place of ``dist.counts`` (some annotators only, or only some of their items)."""
        if counts is None:
            counts = dist.counts
        R = counts.shape[1]
        U = self.size
        L = len(label_index)
        codes = np.zeros((R, U), dtype=np.int64)
        cover = np.zeros((R, U, L), dtype=bool)
        items, offs = dist.items, np.asarray(self.char_offsets, dtype=np.int64)
        lab = dist.label_codes(label_index, -1)  # -1: ``skip``, no mark
        off = offs[dist.doc] if len(dist.doc) else np.zeros(0, dtype=np.int64)
        ps, pe = dist.start + off, dist.end + off
        plain = np.flatnonzero(dist.plain & (lab >= 0))
        # A part of one fragment is its position; the others are listed fragment by fragment.
        rest = np.flatnonzero(~dist.plain & (lab >= 0)).tolist()
        more = np.fromiter(
            (x for u in rest for fs, fe in items[u][2][0] for x in (u, fs, fe)), dtype=np.int64
        ).reshape(-1, 3)
        u_all = np.concatenate([plain, more[:, 0]])
        flat = np.stack([
            u_all,
            np.concatenate([ps[plain], more[:, 1] + off[more[:, 0]]]),
            np.concatenate([pe[plain], more[:, 2] + off[more[:, 0]]]),
            lab[u_all], ps[u_all], pe[u_all],
        ], axis=1)
        if not flat.size:
            return codes, cover
        flat = flat[np.lexsort((flat[:, 3], flat[:, 5], flat[:, 4]))]  # position, then label: the first mark first
        u_l, fs_l, fe_l, lab_l = flat[:, 0], flat[:, 1], flat[:, 2], flat[:, 3]
        t0 = np.searchsorted(self.ends, fs_l, side="right")
        t1 = np.searchsorted(self.starts, fe_l, side="left")
        lengths = np.clip(t1 - t0, 0, None)
        total = int(lengths.sum())
        if not total:
            return codes, cover
        rep = np.repeat(np.arange(len(lengths)), lengths)
        tok = t0[rep] + (np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths))
        labs = lab_l[rep]
        has = counts[u_l[rep]] > 0  # (marks on tokens, R)
        for a in range(R):
            mine = has[:, a]
            tok_a, lab_a = tok[mine], labs[mine]
            uniq, first = np.unique(tok_a, return_index=True)  # the first occurrence: the first mark
            codes[a, uniq] = lab_a[first] + 1  # category k + 1 is label k (0: no annotation)
            cover[a, tok_a, lab_a] = True
        return codes, cover

    def _paint(self, flat: np.ndarray, label_index: dict):
        U = self.size
        code = np.zeros(U, dtype=np.int64)
        cover = np.zeros((U, len(label_index)), dtype=bool)
        if not flat.size:
            return code, cover
        flat = flat.reshape(-1, 3)
        fs_l, fe_l, lab_l = flat[:, 0], flat[:, 1], flat[:, 2]
        t0 = np.searchsorted(self.ends, fs_l, side="right")
        t1 = np.searchsorted(self.starts, fe_l, side="left")
        lengths = np.clip(t1 - t0, 0, None)
        total = int(lengths.sum())
        if not total:
            return code, cover
        rep = np.repeat(np.arange(len(lengths)), lengths)
        within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        tok = t0[rep] + within
        labs = lab_l
        cats = labs + 1  # category k + 1 is label k (0: no annotation)
        uniq, first = np.unique(tok, return_index=True)  # the first occurrence: the first mark
        code[uniq] = cats[rep[first]]
        cover[tok, labs[rep]] = True
        return code, cover


def link_units(per_doc_links: Sequence[Sequence[dict]], per_doc_items, category: dict, label_index: dict):
    """Relations: every linked pair any annotator made is a unit; (codes, cover, offsets)."""
    R = len(per_doc_links[0]) if per_doc_links else 0
    code_rows: list[list[int]] = [[] for _ in range(R)]
    cover_rows: list[list[tuple[int, int]]] = [[] for _ in range(R)]
    offsets = [0]
    for d, linked in enumerate(per_doc_links):
        units = sorted(set().union(*linked), key=lambda u: (_extent(u), repr(u)))
        where = {u: offsets[-1] + t for t, u in enumerate(units)}
        for a in range(R):
            code_rows[a].extend(category[linked[a][u]] if u in linked[a] else 0 for u in units)
            for label, _anchor, parts, _pos in per_doc_items[d][a]:
                cover_rows[a].append((where[parts], label_index[label]))
        offsets.append(offsets[-1] + len(units))
    U = offsets[-1]
    codes = np.zeros((R, U), dtype=np.int64)
    cover = np.zeros((R, U, len(label_index)), dtype=bool)
    for a in range(R):
        codes[a] = np.asarray(code_rows[a], dtype=np.int64)
        for u, k in cover_rows[a]:
            cover[a, u, k] = True
    return codes, cover, np.asarray(offsets, dtype=np.int64)
