"""Agreement coefficients from sums over documents, and bootstrap intervals.

Every coefficient here is computed from counts that add up over documents, so
that a bootstrap resample of documents is a weighted sum (one matrix product).
The formulas are the references' own, rearranged: the same numbers to about
1e-15, not the same floats. They give the resamples' values, for the intervals;
the values reported are ``exact``'s, the references' very floats (a resample that
draws every article once is the corpus itself, and is given that value):

* Cohen's kappa (scikit-learn's ``cohen_kappa_score``): from a confusion table,
  ``1 - off-diagonal / expected off-diagonal``.
* Fleiss' kappa (statsmodels' ``fleiss_kappa``, method ``fleiss``): units rated by
  all ``N`` raters; ``T`` units, ``n_c`` ratings of category ``c``, ``q_c`` the sum
  over units of the squared count of ``c``.
* Krippendorff's alpha, nominal (the ``krippendorff`` package): the same sums, the
  coincidence matrix's diagonal being ``(q_c - n_c) / (N - 1)``.

Undefined values (no units, one category only) are NaN here and ``None`` in reports.
"""

from __future__ import annotations

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 1000
SEED = 0


def _div(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def cohen_from_confusion(conf) -> np.ndarray:
    """Cohen's kappa of confusion tables ``(..., V, V)``."""
    conf = np.asarray(conf, dtype=float)
    total = conf.sum(axis=(-2, -1))
    rows = conf.sum(axis=-1)
    cols = conf.sum(axis=-2)
    observed = total - np.trace(conf, axis1=-2, axis2=-1)
    expected = _div(total * total - (rows * cols).sum(axis=-1), total)
    return 1.0 - _div(observed, expected)


def cohen_binary(both, a_only, b_only, units) -> np.ndarray:
    """Cohen's kappa of yes/no tables given as counts (any matching shapes)."""
    both, a_only, b_only, units = (np.asarray(x, dtype=float) for x in (both, a_only, b_only, units))
    neither = units - both - a_only - b_only
    conf = np.stack([np.stack([neither, b_only], -1), np.stack([a_only, both], -1)], -2)
    return cohen_from_confusion(conf)


def fleiss(units, raters: int, n, q) -> np.ndarray:
    """Fleiss' kappa from ``units`` (T), ``n`` (..., V) and ``q`` (..., V)."""
    units = np.asarray(units, dtype=float)
    n = np.asarray(n, dtype=float)
    q = np.asarray(q, dtype=float)
    ratings = units * raters
    p_mean = _div(q.sum(axis=-1) - ratings, ratings * (raters - 1))
    p_cat = _div(n, ratings[..., None])
    p_exp = (p_cat * p_cat).sum(axis=-1)
    kappa = _div(p_mean - p_exp, 1.0 - p_exp)
    return np.where(units > 0, kappa, np.nan)


def alpha_nominal(raters: int, n, q) -> np.ndarray:
    """Krippendorff's alpha (nominal) from ``n`` (..., V) and ``q`` (..., V), every unit rated by all."""
    n = np.asarray(n, dtype=float)
    q = np.asarray(q, dtype=float)
    total = n.sum(axis=-1)
    diagonal = ((q - n) / (raters - 1)).sum(axis=-1)
    expected = total * total - (n * n).sum(axis=-1)
    return 1.0 - (total - 1.0) * _div(total - diagonal, expected)


def f1(matched, n_a, n_b) -> np.ndarray:
    """F1 of a one-to-one matching: ``2 m / (|A| + |B|)`` (the same whichever side is the reference)."""
    return _div(2.0 * np.asarray(matched, dtype=float), np.asarray(n_a, dtype=float) + np.asarray(n_b, dtype=float))


class Bootstrap:
    """Resamples of documents: a (resamples x documents) matrix of how often each is drawn.

    Seeded: the same documents and seed give the same intervals."""

    def __init__(self, documents: int, resamples: int = RESAMPLES, seed: int = SEED):
        self.documents = documents
        self.resamples = resamples if documents > 0 else 0
        rng = np.random.default_rng(seed)
        if self.resamples:
            self.weights = rng.multinomial(documents, np.full(documents, 1.0 / documents), size=self.resamples).astype(float)
        else:
            self.weights = np.zeros((0, documents))
        #: The resamples that draw every article once: the corpus itself (with one article, all of them).
        self.itself = np.flatnonzero((self.weights == 1).all(axis=1))

    def sums(self, per_document: np.ndarray) -> np.ndarray:
        """Per-document counts ``(D, ...)`` summed in each resample: ``(B, ...)``."""
        per_document = np.asarray(per_document, dtype=float)
        flat = per_document.reshape(per_document.shape[0], -1)
        return (self.weights @ flat).reshape((self.resamples,) + per_document.shape[1:])

    def interval(self, values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
        """Percentile interval of resampled values ``(B, ...)``: (low, high); resamples where a
        value is undefined are left out of its interval, NaN when it is never defined."""
        values = np.asarray(values, dtype=float)
        shape = values.shape[1:]
        low = np.full(shape, np.nan)
        high = np.full(shape, np.nan)
        if values.shape[0] == 0:
            return low, high
        tail = (1.0 - confidence) / 2 * 100
        flat = values.reshape(values.shape[0], -1)
        lo, hi = low.reshape(-1), high.reshape(-1)
        missing = np.isnan(flat)
        clean = ~missing.any(axis=0)
        if clean.any():
            lo[clean], hi[clean] = np.percentile(flat[:, clean], [tail, 100 - tail], axis=0)
        for k in np.flatnonzero(~clean):
            column = flat[~missing[:, k], k]
            if column.size:
                lo[k], hi[k] = np.percentile(column, [tail, 100 - tail])
        return lo.reshape(shape), hi.reshape(shape)


def number(x) -> float | None:
    """A float for JSON: NaN becomes None."""
    x = float(x)
    return None if x != x else x


def cohen_from_margins(total, agree, margins_a, margins_b) -> np.ndarray:
    """Cohen's kappa from the units (``total``), those both gave the same category
    (``agree``) and each one's category counts (``(..., V)``): the confusion table's
    off-diagonal and its expectation, without the table."""
    total = np.asarray(total, dtype=float)
    observed = total - np.asarray(agree, dtype=float)
    expected = _div(total * total - (np.asarray(margins_a, dtype=float) * np.asarray(margins_b, dtype=float)).sum(axis=-1), total)
    return 1.0 - _div(observed, expected)
