"""Pairwise agreement between two annotators: entity F1 and Cohen's kappa over tokens."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

from ..model import AnnotationSet
from .entities import EntityScores, Item, entity_items, score_items
from .selection import is_gold

#: The token label of a token no entity covers, in the all-labels kappa.
NO_LABEL = "O"


def token_bounds(text: str) -> tuple[Sequence[int], Sequence[int]]:
    """Token starts and ends: the tokens the app's cursor moves over (``annotator.text``)."""
    from ..text import tokenize

    toks = tokenize(text)
    return toks.starts, toks.ends


def cohen_kappa(confusion: Mapping[tuple[object, object], int]) -> float | None:
    """Cohen's kappa of a confusion table {(label_a, label_b): count}: scikit-learn's
    ``cohen_kappa_score``, to the last bit (``exact.cohen``, which ``agree``'s layers
    use too); None where it is undefined."""
    from .exact import cohen

    cells = {k: v for k, v in confusion.items() if v}
    # Only the labels that occur, in order, as scikit-learn's confusion_matrix sees them.
    classes = sorted({a for a, _ in cells} | {b for _, b in cells})
    index = {c: k for k, c in enumerate(classes)}
    n = len(classes)
    conf = [[0] * n for _ in range(n)]
    for (a, b), count in cells.items():
        conf[index[a]][index[b]] += count
    if not n:
        return None
    k = cohen(conf)
    return None if k != k else k


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
    bounds: dict | None = None,
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
        text = x.document.text
        if bounds is None:
            starts, ends = token_bounds(text)
        else:  # every pair of annotators tokenizes the same articles: once is enough
            if text not in bounds:
                bounds[text] = token_bounds(text)
            starts, ends = bounds[text]
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
    tokens: dict | None = None,
) -> list[Agreement]:
    """Every pair of annotators: ``sets`` maps annotator -> article name -> set.

    The same numbers as ``agreement`` on each pair, but each set's entities are
    listed and painted on the tokens once (not once per pair), and the token
    tables of a pair are counted with numpy over all its articles at once.
    ``tokens``: a cache of the articles' tokens (``units.TokenGrid``) to share."""
    from ..store.reader import no_gc

    with no_gc():  # many small objects, no cycles
        return _agreements(sets, tokens)


def _agreements(sets: Mapping[str, Mapping[str, AnnotationSet]], tokens: dict | None) -> list[Agreement]:
    import numpy as np

    from .entity_pairs import Laid, score_pair
    from .units import TokenGrid

    names = list(sets)
    articles = sorted(set().union(*(set(by) for by in sets.values()))) if names else []
    index = {n: d for d, n in enumerate(articles)}
    texts: dict[str, str] = {}
    for by in sets.values():
        for n, aset in by.items():
            texts.setdefault(n, aset.document.text)
    items = {a: {n: entity_items(aset, is_gold) for n, aset in sets[a].items()} for a in names}
    labels = sorted({it[2] for by in items.values() for its in by.values() for it in its})
    label_index = {lab: k for k, lab in enumerate(labels)}
    grid = TokenGrid([texts[n] for n in articles], tokens)
    doc_of = np.repeat(np.arange(len(articles)), np.diff(grid.offsets))
    laid = {a: Laid([items[a].get(n) for n in articles], grid.char_offsets, label_index) for a in names}
    painted = {}
    for a in names:
        code, cover = grid.paint_laid(laid[a], len(labels))
        painted[a] = (code, np.ascontiguousarray(cover.T))  # (labels, tokens): fast sums along tokens
    V = len(labels) + 1
    category = [NO_LABEL, *labels]
    out = []
    for a, b in combinations(names, 2):
        common = sorted(set(sets[a]) & set(sets[b]))
        in_common = np.zeros(len(articles), dtype=bool)
        in_common[[index[n] for n in common]] = True
        entities = score_pair(laid[a], laid[b], in_common, labels)
        (code_a, cover_a), (code_b, cover_b) = painted[a], painted[b]
        if not in_common.all():
            tokens = in_common[doc_of]
            code_a, code_b, cover_a, cover_b = code_a[tokens], code_b[tokens], cover_a[:, tokens], cover_b[:, tokens]
        total = len(code_a)
        pairs_of = np.bincount(code_a * V + code_b, minlength=V * V)
        overall: dict = {}
        for cell in np.flatnonzero(pairs_of):
            key = (category[cell // V], category[cell % V])
            overall[key] = overall.get(key, 0) + int(pairs_of[cell])
        both = np.count_nonzero(cover_a & cover_b, axis=1)
        n_a, n_b = np.count_nonzero(cover_a, axis=1), np.count_nonzero(cover_b, axis=1)
        present = np.union1d(laid[a].label[in_common[laid[a].doc]], laid[b].label[in_common[laid[b].doc]])
        tables = {}
        for k in present.tolist():  # the labels either gave on these articles, by name (labels are sorted)
            tables[labels[k]] = KappaTable(total, int(n_a[k] - both[k]), int(n_b[k] - both[k]), int(both[k]))
        out.append(Agreement(a, b, common, entities, tables, cohen_kappa(overall) if total else None, total))
    return out
