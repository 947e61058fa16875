"""The agreement coefficients' values, as the reference implementations compute them.

``cohen`` is scikit-learn's ``cohen_kappa_score``, ``fleiss`` statsmodels'
``fleiss_kappa`` (method ``fleiss``) and ``alpha`` the ``krippendorff`` package's
``alpha`` (nominal), to the last bit: the same floating-point operations on the
same numbers in the same order, over the categories they see (those that occur,
in sorted order: of the category names; a label's yes/no: no, then yes). What is
done otherwise cannot change a float: whole numbers are summed in any order (the
sum is exact), 0.0 is not added, and the units nobody annotated are laid out
only where their values are summed one by one.

* Cohen: from the confusion table (rows: the first annotator), as scikit-learn
  does after ``confusion_matrix``.
* Fleiss: the per-unit agreement ``p_rat`` is a float per unit and its mean is
  numpy's (pairwise) sum over the units in order; the rest is sums of counts.
* Krippendorff: the coincidence matrix is numpy's sum of the units' (V, V) terms
  along the units, one after another in order (so here too, the cells on and
  above the diagonal; only the base category's diagonal cell gets terms from the
  units nobody annotated). With ``R - 1`` a power of two (2, 3, 5 annotators) every
  term and sum is exact, and that cell is the others' sum plus ``R`` per such unit.
* Layout matters: numpy sums along the outer axis of a C-ordered table one row
  after another, but pairwise along a contiguous one; so the tables here are in
  C order, as the references' are.

The units are the app's tokens (or linked pairs), every article's laid end to end
in the articles' order (``offsets``); per article, the article's alone.
``coefficients`` has the formulas rearranged into sums over articles, for the
bootstrap intervals, which have no reference to equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAN = float("nan")
#: About how many units' Krippendorff terms are laid out at once (whole articles).
CHUNK = 4096


def cohen(confusion) -> float:
    """scikit-learn's ``cohen_kappa_score`` from the confusion table (V, V) of counts,
    the categories in sorted order (those that occur in neither row nor column are
    left out, as scikit-learn never sees them); NaN where it is undefined."""
    conf = np.asarray(confusion)
    seen = (conf.sum(axis=0) + conf.sum(axis=1)) > 0
    conf = np.ascontiguousarray(conf[np.ix_(seen, seen)], dtype=np.float64)  # its sums in scikit-learn's order
    n = conf.shape[0]
    sum0 = np.sum(conf, axis=0)
    sum1 = np.sum(conf, axis=1)
    numerator = np.outer(sum0, sum1)
    denominator = np.sum(sum0)
    if denominator == 0:
        return NAN
    expected = numerator / denominator
    w_mat = np.ones([n, n], dtype=np.float64)
    w_mat.flat[:: n + 1] = 0
    numerator = np.sum(w_mat * conf)
    denominator = np.sum(w_mat * expected)
    if denominator == 0:
        return NAN
    k = numerator / denominator
    return float(1 - k)


@dataclass(slots=True)
class Ratings:
    """Each unit's category from each of ``raters`` annotators, kept sparse: the units
    ``active`` (ascending) with how many annotators gave each category (``counts``
    (A, V), the categories in sorted order); every other unit has all of them give
    ``base``. ``offsets[d]``: article d's first unit."""

    raters: int
    base: int
    active: np.ndarray
    counts: np.ndarray
    offsets: np.ndarray

    @property
    def units(self) -> int:
        return int(self.offsets[-1])

    def totals(self) -> np.ndarray:
        """Ratings of each category, over all units (V,)."""
        out = self.counts.sum(axis=0)
        out[self.base] += (self.units - len(self.active)) * self.raters
        return out

    def cuts(self) -> np.ndarray:
        """Article d's active units are ``active[cuts[d]:cuts[d + 1]]``."""
        return np.searchsorted(self.active, self.offsets)

    def doc_totals(self) -> np.ndarray:
        """``totals`` of each article alone (D, V)."""
        cuts = self.cuts()
        summed = np.zeros((len(self.counts) + 1, self.counts.shape[1]), dtype=np.int64)
        np.cumsum(self.counts, axis=0, out=summed[1:])
        out = summed[cuts[1:]] - summed[cuts[:-1]]
        out[:, self.base] += (np.diff(self.offsets) - np.diff(cuts)) * self.raters
        return out


def fleiss(r: Ratings) -> float:
    """statsmodels' ``fleiss_kappa`` of all the units; NaN where undefined (no units, one category)."""
    return fleiss_both(r, per_document=False)[0]


def fleiss_both(r: Ratings, per_document: bool = True) -> tuple[float, np.ndarray | None]:
    """``fleiss`` of all the units, and of each article alone (D,)."""
    p_rat = _p_rat(r)
    docs = None
    if per_document:
        offs = r.offsets.tolist()
        p_mean = np.array([p_rat[s:e].mean() if e > s else np.nan for s, e in zip(offs, offs[1:])])
        docs = _fleiss(r.doc_totals(), (np.diff(r.offsets) * r.raters).astype(np.float64), p_mean)
    if not r.units:
        return NAN, docs
    value = _fleiss(r.totals()[None], np.array([float(r.units * r.raters)]), p_rat.mean()[None])[0]
    return float(value), docs


def _p_rat(r: Ratings) -> np.ndarray:
    """statsmodels' ``p_rat``: each unit's agreement, ``(sum of squared counts - R) / (R (R - 1))``."""
    n_rat = float(r.raters)
    squares = np.full(r.units, n_rat * n_rat)
    squares[r.active] = (r.counts * r.counts).sum(axis=1)
    return (squares - n_rat) / (n_rat * (n_rat - 1.0))


def _fleiss(totals: np.ndarray, n_total: np.ndarray, p_mean: np.ndarray) -> np.ndarray:
    """statsmodels' kappa from ``p_mean`` and the categories' totals (D, V) of ``n_total`` ratings, per row."""
    out = np.full(len(totals), np.nan)
    for rows, cats in _groups(totals > 0):
        p_cat = totals[np.ix_(rows, cats)] / n_total[rows, np.newaxis]
        p_mean_exp = (p_cat * p_cat).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[rows] = (p_mean[rows] - p_mean_exp) / (1 - p_mean_exp)
    return out


def _groups(present: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The rows (articles) with the same categories present, together: (rows, categories)
    of each group that has some; a reference sees those categories only."""
    if not present.size:
        return []
    patterns, which = np.unique(present, axis=0, return_inverse=True)
    which = which.reshape(-1)
    return [(np.flatnonzero(which == k), np.flatnonzero(p)) for k, p in enumerate(patterns) if p.any()]


def alpha(r: Ratings) -> float:
    """The ``krippendorff`` package's ``alpha`` (nominal) of all the units; NaN where it
    raises (fewer than two categories)."""
    return alpha_both(r, per_document=False)[0]


def alpha_both(r: Ratings, per_document: bool = True) -> tuple[float, np.ndarray | None]:
    """``alpha`` of all the units, and of each article alone (D,)."""
    D = len(r.offsets) - 1
    docs = np.full(D, np.nan) if per_document else None
    present = np.flatnonzero(r.totals())
    if len(present) < 2:
        return NAN, docs
    V = len(present)
    base = _where(present, r.base)
    tri, tri_docs = _coincidence_sums(r, r.counts[:, present], per_document)
    o = _square(tri[None], V)
    o_docs = _square(tri_docs, V) if per_document else None
    if base is not None:  # the one cell the units nobody annotated add to
        R = r.raters
        idle = np.diff(r.offsets) - np.diff(r.cuts())
        if _exact_terms(R):  # R each: exact, as is every sum
            o[0, base, base] += float((r.units - len(r.active)) * R)
            if per_document:
                o_docs[:, base, base] += idle * float(R)
        else:
            terms = _base_terms(r)
            o[0, base, base] = np.add.accumulate(terms)[-1]
            if per_document:
                offs = r.offsets.tolist()
                for d in range(D):
                    if offs[d + 1] > offs[d]:
                        o_docs[d, base, base] = np.add.accumulate(terms[offs[d] : offs[d + 1]])[-1]
    value = float(_alphas(o)[0])
    if per_document:
        for rows, cats in _groups(r.doc_totals()[:, present] > 0):
            if len(cats) >= 2:
                docs[rows] = _alphas(o_docs[np.ix_(rows, cats, cats)])
    return value, docs


def _coincidence_sums(r: Ratings, counts: np.ndarray, per_document: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The coincidence matrix's cells on and above the diagonal (``_terms``), summed over
    the active units one after another as krippendorff sums over its units (those of the
    others are 0 here, but in the base category's diagonal cell): of all the units (T,)
    and of each article alone (D, T). A block of articles at a time (about ``CHUNK``
    active units), each unit's terms made once for both."""
    cuts = r.cuts()
    D, V = len(cuts) - 1, counts.shape[1]
    T = V * (V + 1) // 2
    tri = np.zeros(T)
    docs = np.zeros((D, T)) if per_document else None
    d = 0
    while d < D:
        e = max(d + 1, int(np.searchsorted(cuts, cuts[d] + CHUNK, side="right")) - 1)
        a0, a1 = int(cuts[d]), int(cuts[e])
        if a1 > a0:
            terms = _terms(counts[a0:a1], r.raters)
            tri = _in_order(tri, terms)
            if per_document:
                local = (cuts[d : e + 1] - a0).tolist()
                for k in range(e - d):
                    if local[k + 1] > local[k]:
                        docs[d + k] = terms[local[k] : local[k + 1]].sum(axis=0)  # in order: see _in_order
        d = e
    return tri, docs


def _where(present: np.ndarray, category: int) -> int | None:
    k = int(np.searchsorted(present, category))
    return k if k < len(present) and present[k] == category else None


def _exact_terms(raters: int) -> bool:
    """Whether a unit's terms, whole numbers divided by ``raters - 1``, are exact (and so their sums)."""
    div = raters - 1
    return div > 0 and div & (div - 1) == 0


def _terms(counts: np.ndarray, raters: int) -> np.ndarray:
    """krippendorff's unnormalized coincidences of each unit divided by ``R - 1``, the cells
    on and above the diagonal (the matrix is symmetric, and so are its sums): (A, V (V + 1)
    / 2), in C order. ``n_i n_j``, and ``(n_j - 1) n_j`` on the diagonal (krippendorff's
    ``n_j n_j - n_j``: whole numbers, exact as floats), over ``R - 1``."""
    V = counts.shape[1]
    rows, cols = np.triu_indices(V)
    c = counts.astype(np.float64)
    less_one = np.concatenate([c, np.maximum(c - 1.0, 0.0)], axis=1)
    out = np.take(less_one, np.where(rows == cols, rows + V, rows), axis=1)
    out *= np.take(c, cols, axis=1)
    out /= float(raters - 1)
    return out


def _in_order(first: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """``first + rest[0] + rest[1] + ...``, cell by cell, one after another, as krippendorff's
    sum along its units: numpy's sum along the outer axis of a C-ordered table whose rows
    have two or more cells (three or more here: V >= 2)."""
    table = np.empty((1 + len(rest), len(first)))
    table[0] = first
    table[1:] = rest
    return table.sum(axis=0)


def _square(tri: np.ndarray, V: int) -> np.ndarray:
    """Matrices (k, V, V) from their cells on and above the diagonal (k, V (V + 1) / 2)."""
    rows, cols = np.triu_indices(V)
    out = np.empty((len(tri), V, V))
    out[:, rows, cols] = tri
    out[:, cols, rows] = tri
    return out


def _base_terms(r: Ratings) -> np.ndarray:
    """Every unit's term in the base category's diagonal cell (U,): the one cell that
    the units nobody annotated add to."""
    R = r.raters
    out = np.full(r.units, (R * R - R) / float(R - 1))
    b = r.counts[:, r.base]
    out[r.active] = (b * b - b) / float(R - 1)
    return out


def _alphas(o: np.ndarray) -> np.ndarray:
    """krippendorff's alpha (nominal) from coincidence matrices (k, V, V) of the values that
    occur: its operations, on each matrix (its sum along the rows, one after another; its
    sums of a row or of all cells, numpy's pairwise ones)."""
    o = np.ascontiguousarray(o)
    k, V, _ = o.shape
    n_v = o[:, 0, :].copy()
    for i in range(1, V):
        n_v += o[:, i, :]
    idx = np.arange(V)
    e = n_v[:, :, np.newaxis] * n_v[:, np.newaxis, :]  # np.outer(n_v, n_v) - np.diagflat(n_v)
    e[:, idx, idx] -= n_v
    e /= (n_v.sum(axis=1) - 1)[:, np.newaxis, np.newaxis]
    d = (idx[:, np.newaxis] != idx[np.newaxis, :]).astype(np.float64)
    observed = (o * d).reshape(k, V * V).sum(axis=1)
    expected = (e * d).reshape(k, V * V).sum(axis=1)
    return 1 - observed / expected


def yes_no(carried: np.ndarray, active: np.ndarray, raters: int, offsets: np.ndarray) -> Ratings:
    """``Ratings`` of a label: ``carried`` (A,) how many annotators gave the active units the
    label; categories no (0) and yes (1)."""
    some = carried > 0
    c = carried[some].astype(np.int64)
    return Ratings(raters, 0, active[some], np.stack([raters - c, c], axis=1), offsets)
