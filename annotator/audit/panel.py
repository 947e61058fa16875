"""Agreement of a panel of annotators on every layer (``annotator agree``).

Over the articles every annotator annotated, for each layer (``layers``):

* pairwise F1, strict and by overlap, as an N x N matrix (one-to-one matching;
  F1 = 2 matched / (|A| + |B|), the same whichever side is the reference);
* Cohen's kappa for each pair, Fleiss' kappa and Krippendorff's alpha (nominal)
  over all annotators, at the token level (linked pairs for relations), with "no
  annotation" (``O``) as a category;
* the same per label (does the token carry the label? yes/no) and, per article,
  Fleiss, alpha and the mean pairwise F1;
* 95% bootstrap intervals over articles for everything summed over articles
  (seeded: the same input and seed give the same intervals).

Counts are summed per article first (``coefficients``), which is what makes a
thousand resamples one matrix product each. The coefficients' values themselves
are computed from the units as the reference implementations do (``exact``):
scikit-learn's, statsmodels' and the ``krippendorff`` package's very floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from ..model import AnnotationSet
from . import coefficients as co
from . import exact as ex
from .layers import LAYERS, NO_ANNOTATION, OVERALL_LABEL, WHOLE_ATTRIBUTION, anchors, items, links
from .matching import distinct_items, pair_counts
from .units import TokenGrid, UnitSums, link_units, unit_sums

ALL = "all"
MEASURES = ("f1_strict", "f1_overlap", "cohen", "fleiss", "alpha")


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class Estimate:
    """A value and its bootstrap interval (None where undefined)."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(slots=True)
class Matrix:
    """A pairwise measure: N x N values and intervals (None on the diagonal and where undefined)."""

    value: list[list[float | None]]
    low: list[list[float | None]]
    high: list[list[float | None]]

    def mean(self) -> float | None:
        vals = [v for i, row in enumerate(self.value) for j, v in enumerate(row) if i < j and v is not None]
        return sum(vals) / len(vals) if vals else None

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high, "mean": self.mean()}


@dataclass(slots=True)
class LabelAgreement:
    """One label (or ``all``) of one layer; a measure that does not apply is None."""

    f1_strict: Matrix | None = None
    f1_overlap: Matrix | None = None
    cohen: Matrix | None = None
    fleiss: Estimate | None = None
    alpha: Estimate | None = None

    def to_dict(self) -> dict:
        return {m: (None if getattr(self, m) is None else getattr(self, m).to_dict()) for m in MEASURES}


@dataclass(slots=True)
class LayerAgreement:
    layer: str
    unit: str  # "token" or "linked pair"
    units: int  # units the coefficients count, over all articles
    annotations: list[int]  # items per annotator
    labels: dict[str, LabelAgreement]  # "all" first, then by name
    documents: dict[str, dict[str, float | None]]

    @property
    def empty(self) -> bool:
        return not any(self.annotations)

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "units": self.units,
            "annotations": list(self.annotations),
            "labels": {lab: v.to_dict() for lab, v in self.labels.items()},
            "documents": self.documents,
        }


@dataclass(slots=True)
class PanelAgreement:
    annotators: list[str]
    articles: list[str]
    layers: dict[str, LayerAgreement]
    resamples: int
    seed: int
    confidence: float = co.CONFIDENCE
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "annotators": list(self.annotators),
            "articles": list(self.articles),
            "bootstrap": {"resamples": self.resamples, "seed": self.seed, "confidence": self.confidence},
            "layers": {name: layer.to_dict() for name, layer in self.layers.items()},
        }


def _matrix(n: int, pairs: list[tuple[int, int]], value, low, high) -> Matrix:
    out = []
    for arr in (value, low, high):
        arr = np.asarray(arr, dtype=float).reshape(-1)
        m: list[list[float | None]] = [[None] * n for _ in range(n)]
        for k, (a, b) in enumerate(pairs):
            m[a][b] = m[b][a] = co.number(arr[k])
        out.append(m)
    return Matrix(*out)


def _estimate(value, low, high) -> Estimate:
    return Estimate(co.number(value), co.number(low), co.number(high))


def agreement_panel(
    sets: Mapping[str, Mapping[str, AnnotationSet]],
    resamples: int = co.RESAMPLES,
    seed: int = co.SEED,
    layers: Sequence[str] = LAYERS,
    tokens: dict | None = None,
) -> PanelAgreement:
    """Every layer's agreement over the articles all annotators have (``sets``: annotator -> article -> set).
    ``tokens``: a cache of the articles' tokens (``units.TokenGrid``) to share."""
    from ..store.reader import no_gc

    with no_gc():  # many small objects, no cycles: the collector would walk every loaded set again and again
        return _panel(sets, resamples, seed, layers, tokens)


def _panel(sets, resamples, seed, layers, tokens) -> PanelAgreement:
    names = list(sets)
    R = len(names)
    if R < 2:
        raise ValueError("agreement needs two or more annotators")
    docs = sorted(set.intersection(*(set(s) for s in sets.values())))
    boot = co.Bootstrap(len(docs), resamples, seed)
    grid: TokenGrid | None = None
    out: dict[str, LayerAgreement] = {}
    for layer in layers:
        per_doc = [[items(sets[n][doc], layer) for n in names] for doc in docs]
        keep = [[anchors(sets[n][doc], layer) for n in names] for doc in docs]
        dist = distinct_items(per_doc, keep)
        f1_labels = sorted({it[0] for it in dist.items})
        token_labels = [lab for lab in f1_labels if lab != WHOLE_ATTRIBUTION]
        f1_index = {lab: k + 1 for k, lab in enumerate(f1_labels)}
        category = {lab: k + 1 for k, lab in enumerate(token_labels)}
        label_index = {lab: k for k, lab in enumerate(token_labels)}
        f1 = pair_counts(per_doc, keep, f1_index, OVERALL_LABEL.get(layer), dist)
        if layer == "relations":
            codes, cover, offsets = link_units([[links(its) for its in d] for d in per_doc], per_doc, category, label_index)
        else:
            if grid is None:
                grid = TokenGrid([sets[names[0]][doc].document.text for doc in docs], tokens)
            codes, cover, pair_paint = _paint(grid, dist, label_index)
            offsets = grid.offsets
        sums = unit_sums(codes, cover, offsets, len(token_labels) + 1, pair_paint)
        out[layer] = _layer_result(layer, names, docs, boot, f1, f1_labels, token_labels, sums, offsets)
    return PanelAgreement(names, docs, out, boot.resamples, seed)


def _paint(grid: TokenGrid, dist, label_index: dict):
    """A layer's marks on the tokens: (codes, cover) for Fleiss and Krippendorff, and per
    pair the (codes, cover) of its two annotators for Cohen, or None when those are rows
    of the first.

    An anchored layer (arguments) is scored on the anchors (triggers) that are shared, as
    its F1 is (``matching.pair_counts``): a pair's Cohen counts the items on the anchors
    both of them have, Fleiss and Krippendorff those on the anchors all of them have."""
    R = dist.counts.shape[1]
    everyone = (1 << R) - 1
    if dist.anchor_masks and dist.anchor_masks[0] is not None and (dist.masks != everyone).any():
        shared = dist.masks == everyone
        codes, cover = grid.paint_distinct(dist, label_index, WHOLE_ATTRIBUTION, dist.counts * shared[:, None])
        pair_paint = []
        for a, b in combinations(range(R), 2):
            bits = (1 << a) | (1 << b)
            theirs = (dist.masks & bits) == bits
            pair_paint.append(grid.paint_distinct(dist, label_index, WHOLE_ATTRIBUTION, dist.counts[:, [a, b]] * theirs[:, None]))
        return codes, cover, pair_paint
    codes, cover = grid.paint_distinct(dist, label_index, WHOLE_ATTRIBUTION)
    return codes, cover, None


def _values(u: UnitSums, offsets: np.ndarray, raters: int, token_labels: list[str]) -> dict:
    """The coefficients' values, the reference implementations' very floats (``exact``),
    over the categories by name: ``cohen`` (P,) and ``cohen_label`` (P, L) per pair,
    ``fleiss``, ``alpha``, their ``_label`` (L,) and ``_doc`` (D,)."""
    names = [NO_ANNOTATION, *token_labels]
    order = sorted(range(len(names)), key=names.__getitem__)  # the categories by name: their codes
    base = order.index(0)
    r = ex.Ratings(raters, base, u.active, u.counts[:, order], offsets)
    units = r.units
    out = {"cohen": np.array([ex.cohen(c[np.ix_(order, order)]) for c in u.confusion])}
    out["fleiss"], out["fleiss_doc"] = ex.fleiss_both(r)
    out["alpha"], out["alpha_doc"] = ex.alpha_both(r)
    per_pair = u.binary.sum(axis=0).astype(np.int64)  # (P, L, 3) whole numbers: exact
    L = len(token_labels)
    out["cohen_label"] = np.array([
        [ex.cohen([[units - both - a_only - b_only, b_only], [a_only, both]]) for both, a_only, b_only in per_pair[p].tolist()]
        for p in range(len(per_pair))
    ]).reshape(len(per_pair), L)
    yes_no = [ex.yes_no(u.carried[:, k], u.active, raters, offsets) for k in range(L)]
    out["fleiss_label"] = np.array([ex.fleiss(x) for x in yes_no])
    out["alpha_label"] = np.array([ex.alpha(x) for x in yes_no])
    return out


def _layer_result(layer, names, docs, boot, f1, f1_labels, token_labels, u: UnitSums, offsets) -> LayerAgreement:
    R = len(names)
    pairs = list(combinations(range(R), 2))
    D = len(docs)
    # Everything that is summed over articles, side by side: one product per resample set.
    parts = {
        "f1": f1, "units": u.units[:, None], "n": u.n, "q": u.q, "lab": u.lab,
        "margins": u.margins, "agree": u.agree, "binary": u.binary,
    }
    whole = {k: v.sum(axis=0) for k, v in parts.items()}
    if boot.resamples and D:
        flat = np.concatenate([v.reshape(D, -1) for v in parts.values()], axis=1)
        summed = boot.sums(flat)
        resampled, k = {}, 0
        for name, v in parts.items():
            width = int(np.prod(v.shape[1:]))
            resampled[name] = summed[:, k : k + width].reshape((boot.resamples,) + v.shape[1:])
            k += width
    else:
        resampled = None

    def both(fn, value=None):
        """value, low, high: ``value`` (a coefficient's, from ``_values``) or fn(sums) on the
        whole (F1), and the interval of fn on each resample."""
        if value is None:
            value = fn(whole)
        if resampled is None:
            nan = np.full(np.shape(value), np.nan)
            return value, nan, nan
        values = fn(resampled)
        if len(boot.itself):  # the corpus itself (one article: every resample) has its value
            values[boot.itself] = value
        low, high = boot.interval(values)
        return value, low, high

    def f1_of(k: int, col: int):
        return lambda s: co.f1(s["f1"][..., k, col], s["f1"][..., k, 2], s["f1"][..., k, 3])

    def cohen_all(s):
        m = s["margins"]
        return co.cohen_from_margins(s["units"][..., :1], s["agree"], m[..., 0, :], m[..., 1, :])

    def fleiss_all(s):
        return co.fleiss(s["units"][..., 0], R, s["n"], s["q"])

    def alpha_all(s):
        return co.alpha_nominal(R, s["n"], s["q"])

    def binary(s, k):
        units = s["units"][..., 0]
        n_l, q_l, q_not = s["lab"][..., k, 0], s["lab"][..., k, 1], s["lab"][..., k, 2]
        n = np.stack([units * R - n_l, n_l], axis=-1)
        q = np.stack([q_not, q_l], axis=-1)
        return units, n, q

    def cohen_label(k):
        return lambda s: co.cohen_binary(s["binary"][..., k, 0], s["binary"][..., k, 1], s["binary"][..., k, 2], s["units"][..., :1])

    def fleiss_label(k):
        def fn(s):
            units, n, q = binary(s, k)
            return co.fleiss(units, R, n, q)
        return fn

    def alpha_label(k):
        def fn(s):
            _units, n, q = binary(s, k)
            return co.alpha_nominal(R, n, q)
        return fn

    has_units = whole["units"][0] > 0
    values = _values(u, offsets, R, token_labels) if has_units else {}
    N = len(names)
    labels: dict[str, LabelAgreement] = {
        ALL: LabelAgreement(
            _matrix(N, pairs, *both(f1_of(0, 0))),
            _matrix(N, pairs, *both(f1_of(0, 1))),
            _matrix(N, pairs, *both(cohen_all, values["cohen"])) if has_units else None,
            _estimate(*both(fleiss_all, values["fleiss"])) if has_units else None,
            _estimate(*both(alpha_all, values["alpha"])) if has_units else None,
        )
    }
    f1_index = {lab: k + 1 for k, lab in enumerate(f1_labels)}
    for lab in sorted(set(f1_labels) | set(token_labels)):
        entry = LabelAgreement()
        if lab in f1_index:
            entry.f1_strict = _matrix(N, pairs, *both(f1_of(f1_index[lab], 0)))
            entry.f1_overlap = _matrix(N, pairs, *both(f1_of(f1_index[lab], 1)))
        if lab in token_labels and has_units:
            k = token_labels.index(lab)
            entry.cohen = _matrix(N, pairs, *both(cohen_label(k), values["cohen_label"][:, k]))
            entry.fleiss = _estimate(*both(fleiss_label(k), values["fleiss_label"][k]))
            entry.alpha = _estimate(*both(alpha_label(k), values["alpha_label"][k]))
        labels[lab] = entry
    # Per article: its own coefficients and mean pairwise F1.
    fl = values.get("fleiss_doc")
    al = values.get("alpha_doc")
    with np.errstate(all="ignore"):
        strict = _nanmeans(co.f1(f1[:, :, 0, 0], f1[:, :, 0, 2], f1[:, :, 0, 3]))
        overlap = _nanmeans(co.f1(f1[:, :, 0, 1], f1[:, :, 0, 2], f1[:, :, 0, 3]))
    documents = {
        doc: {
            "fleiss": co.number(fl[d]) if u.units[d] else None,
            "alpha": co.number(al[d]) if u.units[d] else None,
            "f1_strict": strict[d],
            "f1_overlap": overlap[d],
        }
        for d, doc in enumerate(docs)
    }
    per_annotator = [0] * N
    for p, (a, b) in enumerate(pairs):
        per_annotator[a] = per_annotator[a] or int(whole["f1"][p, 0, 2])
        per_annotator[b] = per_annotator[b] or int(whole["f1"][p, 0, 3])
    unit = "linked pair" if layer == "relations" else "token"
    return LayerAgreement(layer, unit, int(whole["units"][0]), per_annotator, labels, documents)


def _nanmean(row: np.ndarray) -> float | None:
    vals = row[~np.isnan(row)]
    return float(vals.mean()) if vals.size else None


def _nanmeans(rows: np.ndarray) -> list[float | None]:
    """``_nanmean`` of each row, the rows with the same NaNs at once: their values
    (the same, in the same order) averaged along the row, as ``_nanmean`` does."""
    rows = np.asarray(rows, dtype=float)
    out: list[float | None] = [None] * len(rows)
    if not rows.size:
        return out
    defined = ~np.isnan(rows)
    patterns, which = np.unique(defined, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        at = np.flatnonzero(which.reshape(-1) == k)
        if pattern.any():
            means = np.ascontiguousarray(rows[np.ix_(at, np.flatnonzero(pattern))]).mean(axis=1)
            for i, m in zip(at.tolist(), means.tolist()):
                out[i] = m
    return out


__all__ = ["ALL", "MEASURES", "NO_ANNOTATION", "PanelAgreement", "LayerAgreement", "LabelAgreement", "agreement_panel"]
