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
thousand resamples one matrix product each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from ..model import AnnotationSet
from . import coefficients as co
from .layers import LAYERS, NO_ANNOTATION, OVERALL_LABEL, WHOLE_ATTRIBUTION, anchors, items, links, marks

ALL = "all"
MEASURES = ("f1_strict", "f1_overlap", "cohen", "fleiss", "alpha")


# ---------------------------------------------------------------------------
# Matching items one to one
# ---------------------------------------------------------------------------
def _extent(parts: tuple) -> tuple[int, int]:
    present = [p for p in parts if p is not None]
    return (min(p[0][0] for p in present), max(p[-1][1] for p in present)) if present else (-1, -1)


def _frags_overlap(a, b) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _parts_overlap(a: tuple, b: tuple) -> bool:
    for x, y in zip(a, b):
        if (x is None) != (y is None):
            return False
        if x is not None and not _frags_overlap(x, y):
            return False
    return True


def _overlap_matches(a: Counter, b: Counter) -> int:
    """Greedy one-to-one matching by overlap, in position order (what strict matching left)."""
    left_a = sorted(a.elements(), key=_extent)
    left_b = sorted(b.elements(), key=_extent)
    used = [False] * len(left_a)
    n = 0
    for pb in left_b:
        for j, pa in enumerate(left_a):
            if not used[j] and _parts_overlap(pa, pb):
                used[j] = True
                n += 1
                break
    return n


def group_items(its: Sequence[tuple]) -> dict[tuple, Counter]:
    """Items by (label, anchor): the parts, as a multiset."""
    out: dict[tuple, Counter] = {}
    for label, anchor, parts in its:
        c = out.get((label, anchor))
        if c is None:
            c = out[(label, anchor)] = Counter()
        c[parts] += 1
    return out


def match_pair(ga: dict, gb: dict, keep_anchors: frozenset | None) -> dict[str, list[int]]:
    """Per label: [strict matches, overlap matches, |A|, |B|] between two annotators' grouped items."""
    out: dict[str, list[int]] = {}
    for key in ga.keys() | gb.keys():
        label, anchor = key
        if keep_anchors is not None and anchor not in keep_anchors:
            continue
        ca, cb = ga.get(key), gb.get(key)
        row = out.get(label)
        if row is None:
            row = out[label] = [0, 0, 0, 0]
        na = sum(ca.values()) if ca else 0
        nb = sum(cb.values()) if cb else 0
        row[2] += na
        row[3] += nb
        if ca and cb:
            strict = sum((ca & cb).values())
            row[0] += strict
            row[1] += strict
            if strict < na and strict < nb:
                row[1] += _overlap_matches(ca - cb, cb - ca)
    return out


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


def _tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    from ..text import tokenize

    toks = tokenize(text)
    return np.asarray(toks.starts, dtype=np.int64), np.asarray(toks.ends, dtype=np.int64)


def _matrix(n: int, pairs: list[tuple[int, int]], value, low, high) -> Matrix:
    out = []
    for arr in (value, low, high):
        m: list[list[float | None]] = [[None] * n for _ in range(n)]
        for k, (a, b) in enumerate(pairs):
            m[a][b] = m[b][a] = co.number(arr[k])
        out.append(m)
    return Matrix(*out)


def _estimate(value, low, high) -> Estimate:
    return Estimate(co.number(value), co.number(low), co.number(high))


class _LayerCounts:
    """Per-article sums of one layer, filled article by article."""

    def __init__(self, layer: str, docs: int, raters: int, f1_labels: list[str], token_labels: list[str]):
        self.layer = layer
        self.raters = raters
        self.pairs = list(combinations(range(raters), 2))
        self.f1_labels = f1_labels
        self.f1_index = {lab: k + 1 for k, lab in enumerate(f1_labels)}
        self.token_labels = token_labels
        self.category = {lab: k + 1 for k, lab in enumerate(token_labels)}
        V, L, P = len(token_labels) + 1, len(token_labels), len(self.pairs)
        self.f1 = np.zeros((docs, P, len(f1_labels) + 1, 4))
        self.units = np.zeros(docs)
        self.n = np.zeros((docs, V))
        self.q = np.zeros((docs, V))
        self.lab = np.zeros((docs, L, 3))  # n_L, q_L, q_notL
        self.conf = np.zeros((docs, P, V, V))
        self.bin = np.zeros((docs, P, L, 3))  # both, a_only, b_only

    def add_f1(self, d: int, grouped: list[dict], keep: list[frozenset | None]) -> None:
        overall_label = OVERALL_LABEL.get(self.layer)
        for p, (a, b) in enumerate(self.pairs):
            common = None if keep[a] is None else keep[a] & keep[b]
            for label, row in match_pair(grouped[a], grouped[b], common).items():
                self.f1[d, p, self.f1_index[label]] += row
                if overall_label is None or label == overall_label:
                    self.f1[d, p, 0] += row

    def add_units(self, d: int, codes: np.ndarray, cover: np.ndarray) -> None:
        """``codes``: (raters, T) categories; ``cover``: (raters, T, L) labels carried."""
        R, T = codes.shape
        V = len(self.token_labels) + 1
        self.units[d] = T
        if T == 0:
            return
        counts = np.zeros((T, V))
        rows = np.arange(T)
        for a in range(R):
            counts[rows, codes[a]] += 1
        self.n[d] = counts.sum(axis=0)
        self.q[d] = (counts * counts).sum(axis=0)
        c = cover.sum(axis=0, dtype=np.int64)  # (T, L)
        self.lab[d, :, 0] = c.sum(axis=0)
        self.lab[d, :, 1] = (c * c).sum(axis=0)
        self.lab[d, :, 2] = ((R - c) ** 2).sum(axis=0)
        for p, (a, b) in enumerate(self.pairs):
            self.conf[d, p] = np.bincount(codes[a] * V + codes[b], minlength=V * V).reshape(V, V)
            both = (cover[a] & cover[b]).sum(axis=0)
            self.bin[d, p, :, 0] = both
            self.bin[d, p, :, 1] = cover[a].sum(axis=0) - both
            self.bin[d, p, :, 2] = cover[b].sum(axis=0) - both


def _paint(starts: np.ndarray, ends: np.ndarray, layer_marks, category: dict, label_index: dict):
    """One annotator's marks over tokens: category codes (first mark wins) and labels carried."""
    T = len(starts)
    code = np.zeros(T, dtype=np.int64)
    cover = np.zeros((T, len(label_index)), dtype=bool)
    spans = []
    for frags, label in layer_marks:
        for fs, fe in frags:
            spans.append((fs, fe, label))
    if not spans:
        return code, cover
    fs = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
    fe = np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans))
    t0 = np.searchsorted(ends, fs, side="right")
    t1 = np.searchsorted(starts, fe, side="left")
    for k in range(len(spans) - 1, -1, -1):  # backwards: the first mark is painted last
        lo, hi = t0[k], t1[k]
        if lo < hi:
            label = spans[k][2]
            code[lo:hi] = category[label]
            cover[lo:hi, label_index[label]] = True
    return code, cover


def agreement_panel(
    sets: Mapping[str, Mapping[str, AnnotationSet]],
    resamples: int = co.RESAMPLES,
    seed: int = co.SEED,
    layers: Sequence[str] = LAYERS,
) -> PanelAgreement:
    """Every layer's agreement over the articles all annotators have (``sets``: annotator -> article -> set)."""
    names = list(sets)
    R = len(names)
    if R < 2:
        raise ValueError("agreement needs two or more annotators")
    docs = sorted(set.intersection(*(set(s) for s in sets.values())))
    D = len(docs)
    boot = co.Bootstrap(D, resamples, seed)
    bounds = [_tokens(sets[names[0]][doc].document.text) for doc in docs]
    out: dict[str, LayerAgreement] = {}
    for layer in layers:
        # Each annotator's items, grouped; and the labels seen.
        per_doc = [[items(sets[n][doc], layer) for n in names] for doc in docs]
        f1_labels = sorted({it[0] for doc_items in per_doc for its in doc_items for it in its})
        token_labels = sorted(lab for lab in f1_labels if lab != WHOLE_ATTRIBUTION)
        counts = _LayerCounts(layer, D, R, f1_labels, token_labels)
        label_index = {lab: k for k, lab in enumerate(token_labels)}
        for d, doc in enumerate(docs):
            doc_items = per_doc[d]
            grouped = [group_items(its) for its in doc_items]
            keep = [anchors(sets[n][doc], layer) for n in names]
            counts.add_f1(d, grouped, keep)
            if layer == "relations":
                linked = [links(its) for its in doc_items]
                units = sorted(set().union(*linked), key=lambda u: (_extent(u), u))
                T = len(units)
                codes = np.zeros((R, T), dtype=np.int64)
                cover = np.zeros((R, T, len(token_labels)), dtype=bool)
                for a, its in enumerate(doc_items):
                    types = {(parts, label) for label, _anchor, parts in its}
                    for t, u in enumerate(units):
                        if u in linked[a]:
                            codes[a, t] = counts.category[linked[a][u]]
                    for parts, label in types:
                        cover[a, units.index(parts), label_index[label]] = True
            else:
                starts, ends = bounds[d]
                painted = [_paint(starts, ends, marks(layer, its), counts.category, label_index) for its in doc_items]
                codes = np.stack([p[0] for p in painted]) if painted else np.zeros((R, 0), dtype=np.int64)
                cover = np.stack([p[1] for p in painted])
            counts.add_units(d, codes, cover)
        out[layer] = _layer_result(counts, docs, boot, names)
    return PanelAgreement(names, docs, out, boot.resamples, seed)


def _layer_result(c: _LayerCounts, docs: list[str], boot: co.Bootstrap, names: list[str]) -> LayerAgreement:
    R = c.raters
    pairs = c.pairs
    N = len(names)

    def both(per_doc: np.ndarray, fn):
        """Point value (on the sums) and interval (over resampled sums) of fn(sums)."""
        point = fn(per_doc.sum(axis=0))
        low, high = boot.interval(fn(boot.sums(per_doc))) if boot.resamples else (np.full(np.shape(point), np.nan),) * 2
        return point, low, high

    def f1_matrices(k: int) -> tuple[Matrix, Matrix]:
        rows = c.f1[:, :, k, :]  # (D, P, 4)
        strict = both(rows, lambda s: co.f1(s[..., 0], s[..., 2], s[..., 3]))
        overlap = both(rows, lambda s: co.f1(s[..., 1], s[..., 2], s[..., 3]))
        return _matrix(N, pairs, *strict), _matrix(N, pairs, *overlap)

    labels: dict[str, LabelAgreement] = {}
    # all labels
    s, o = f1_matrices(0)
    cohen = both(c.conf, co.cohen_from_confusion)
    units = c.units
    fl = both(np.concatenate([units[:, None], c.n, c.q], axis=1), lambda s: _fleiss_of(s, R, c.n.shape[1]))
    al = both(np.concatenate([c.n, c.q], axis=1), lambda s: _alpha_of(s, R, c.n.shape[1]))
    has_units = len(c.token_labels) > 0 or c.units.sum() > 0
    labels[ALL] = LabelAgreement(
        s,
        o,
        _matrix(N, pairs, *cohen) if has_units else None,
        _estimate(*fl) if has_units else None,
        _estimate(*al) if has_units else None,
    )
    for lab in sorted(set(c.f1_labels) | set(c.token_labels)):
        entry = LabelAgreement()
        if lab in c.f1_index:
            entry.f1_strict, entry.f1_overlap = f1_matrices(c.f1_index[lab])
        if lab in c.category:
            k = c.category[lab] - 1
            binary = c.bin[:, :, k, :]  # (D, P, 3)
            with_units = np.concatenate([binary, np.broadcast_to(units[:, None, None], binary.shape[:2] + (1,))], axis=2)
            entry.cohen = _matrix(N, pairs, *both(with_units, lambda s: co.cohen_binary(s[..., 0], s[..., 1], s[..., 2], s[..., 3])))
            lab_rows = np.concatenate([units[:, None], c.lab[:, k, :]], axis=1)  # T, n_L, q_L, q_not
            entry.fleiss = _estimate(*both(lab_rows, lambda s: _binary_fleiss(s, R)))
            entry.alpha = _estimate(*both(lab_rows, lambda s: _binary_alpha(s, R)))
        labels[lab] = entry
    documents: dict[str, dict[str, float | None]] = {}
    V = c.n.shape[1]
    for d, doc in enumerate(docs):
        row = c.f1[d, :, 0, :]
        strict = [co.number(x) for x in co.f1(row[:, 0], row[:, 2], row[:, 3])]
        overlap = [co.number(x) for x in co.f1(row[:, 1], row[:, 2], row[:, 3])]
        documents[doc] = {
            "fleiss": co.number(_fleiss_of(np.concatenate([[units[d]], c.n[d], c.q[d]]), R, V)) if has_units else None,
            "alpha": co.number(_alpha_of(np.concatenate([c.n[d], c.q[d]]), R, V)) if has_units else None,
            "f1_strict": _mean(strict),
            "f1_overlap": _mean(overlap),
        }
    per_annotator = _items_per_annotator(c, N)
    unit = "linked pair" if c.layer == "relations" else "token"
    return LayerAgreement(c.layer, unit, int(units.sum()), per_annotator, labels, documents)


def _items_per_annotator(c: _LayerCounts, n: int) -> list[int]:
    out = [0] * n
    seen = [False] * n
    for p, (a, b) in enumerate(c.pairs):
        for who, col in ((a, 2), (b, 3)):
            if not seen[who]:
                out[who] = int(c.f1[:, p, 0, col].sum())
                seen[who] = True
    return out


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _fleiss_of(s: np.ndarray, raters: int, V: int):
    return co.fleiss(s[..., 0], raters, s[..., 1 : 1 + V], s[..., 1 + V : 1 + 2 * V])


def _alpha_of(s: np.ndarray, raters: int, V: int):
    return co.alpha_nominal(raters, s[..., :V], s[..., V : 2 * V])


def _binary(s: np.ndarray, raters: int):
    units, n_l, q_l, q_not = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
    n = np.stack([units * raters - n_l, n_l], axis=-1)
    q = np.stack([q_not, q_l], axis=-1)
    return units, n, q


def _binary_fleiss(s: np.ndarray, raters: int):
    units, n, q = _binary(s, raters)
    return co.fleiss(units, raters, n, q)


def _binary_alpha(s: np.ndarray, raters: int):
    _units, n, q = _binary(s, raters)
    return co.alpha_nominal(raters, n, q)


__all__ = ["ALL", "MEASURES", "NO_ANNOTATION", "PanelAgreement", "LayerAgreement", "LabelAgreement", "agreement_panel"]
