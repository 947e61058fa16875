"""Agreement of N annotators on every layer equals the reference implementations.

Fleiss' kappa: statsmodels; Krippendorff's alpha (nominal): the ``krippendorff``
package; Cohen's kappa: scikit-learn; strict F1: the audit's (nervaluate's) entity
scores. The annotations are generated (hypothesis); the references are given the
token tags built here independently, one row per token.
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

from annotator.audit import score_entities
from annotator.audit import coefficients as co
from annotator.audit.coefficients import Bootstrap
from annotator.audit.panel import ALL, agreement_panel
from annotator.model import (
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)

LABELS = ("PER", "ORG", "GPE", "LOC")


def words_text(n: int):
    words = [f"w{i}" for i in range(n)]
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), offsets


def ref_fleiss(rows):
    """rows: one list of N category names per unit."""
    cats = sorted({c for r in rows for c in r})
    table = np.array([[r.count(c) for c in cats] for r in rows], dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        k = fleiss_kappa(table, method="fleiss")
    return None if k != k else float(k)


def ref_alpha(rows):
    cats = sorted({c for r in rows for c in r})
    code = {c: i for i, c in enumerate(cats)}
    data = np.array([[code[c] for c in r] for r in rows], dtype=float).T  # raters x units
    try:
        a = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value only in the whole domain
        return None
    return None if a != a else float(a)


def ref_cohen(y1, y2):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(y1, y2)
    return None if k != k else float(k)


def close(ours, ref):
    """The same float (None where the reference is undefined)."""
    if ref is None:
        return ours is None
    return ours is not None and ours == ref


def near(ours, ref):
    """F1: 2 m / (|A| + |B|) here, 2 P R / (P + R) in the audit: the same to 1e-12."""
    if ref is None:
        return ours is None
    return ours is not None and ours == pytest.approx(ref, abs=1e-12)


@st.composite
def token_entities(draw, n_tokens: int):
    """Entities on whole tokens; a few overlap (the first in position order labels the token)."""
    out, t = [], 0
    while t < n_tokens:
        t += draw(st.integers(0, 3))
        if t >= n_tokens:
            break
        end = min(n_tokens, t + draw(st.integers(1, 3)))
        out.append((t, end, draw(st.sampled_from(LABELS))))
        if draw(st.integers(0, 9)) == 0 and end - t > 1:  # a nested one
            out.append((t, t + 1, draw(st.sampled_from(LABELS))))
        t = end
    return out


@st.composite
def panels(draw):
    raters = draw(st.integers(2, 5))
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 20))
        base = draw(token_entities(n))
        per_rater = []
        for _r in range(raters):
            mine = [e for e in base if draw(st.integers(0, 3)) > 0]
            if draw(st.booleans()):
                mine += draw(token_entities(n))
            per_rater.append(sorted(set(mine)))
        docs.append((n, per_rater))
    return raters, docs


def as_set(n, ents) -> AnnotationSet:
    text, offsets = words_text(n)
    aset = AnnotationSet(Document(text))
    for k, (a, b, label) in enumerate(ents):
        aset.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(text, offsets[a][0], offsets[b - 1][1]))
    return aset


def first_tags(n, ents):
    tags = ["O"] * n
    for a, b, label in sorted(ents, key=lambda e: (e[0], e[1], e[2])):
        for t in range(a, b):
            if tags[t] == "O":
                tags[t] = label
    return tags


def carries(n, ents, label):
    out = [False] * n
    for a, b, lab in ents:
        if lab == label:
            for t in range(a, b):
                out[t] = True
    return out


def not_nested(ents) -> bool:
    ents = sorted(ents)
    return all(x[1] <= y[0] for x, y in zip(ents, ents[1:]))


def sets_of(raters, docs):
    return {f"r{r}": {f"d{k}": as_set(n, per[r]) for k, (n, per) in enumerate(docs)} for r in range(raters)}


@settings(max_examples=150, deadline=None)
@given(panels())
def test_entity_coefficients_equal_the_references(panel):
    raters, docs = panel
    report = agreement_panel(sets_of(raters, docs), resamples=0)
    layer = report.layers["entities"]
    rows = [[first_tags(n, per[r])[t] for r in range(raters)] for n, per in docs for t in range(n)]
    overall = layer.labels[ALL]
    assert layer.units == len(rows)
    assert close(overall.fleiss.value, ref_fleiss(rows))
    assert close(overall.alpha.value, ref_alpha(rows))
    for a in range(raters):
        for b in range(a + 1, raters):
            ya = [r[a] for r in rows]
            yb = [r[b] for r in rows]
            assert close(overall.cohen.value[a][b], ref_cohen(ya, yb)), (a, b)
            assert overall.cohen.value[a][b] == overall.cohen.value[b][a]
            # strict F1 is the audit's (nervaluate's) with either side as gold, where no entity of
            # one side overlaps another of the same side (nervaluate's greedy matching then lets
            # an overlapping miss use up a gold entity)
            pairs = [(as_set(n, per[a]), as_set(n, per[b])) for n, per in docs]
            ref = score_entities(pairs).overall["strict"]
            flat = all(not_nested(per[x]) for _n, per in docs for x in (a, b))
            if flat and ref.possible + ref.actual:
                assert near(overall.f1_strict.value[a][b], ref.f1)
    labels = {lab for _n, per in docs for ents in per for _a, _b, lab in ents}
    for lab in labels:
        rows_l = [[carries(n, per[r], lab)[t] for r in range(raters)] for n, per in docs for t in range(n)]
        got = layer.labels[lab]
        assert close(got.fleiss.value, ref_fleiss(rows_l)), lab
        assert close(got.alpha.value, ref_alpha(rows_l)), lab
        assert close(got.cohen.value[0][1], ref_cohen([r[0] for r in rows_l], [r[1] for r in rows_l])), lab
    # per document: the coefficients of that document alone
    for k, (n, per) in enumerate(docs):
        doc_rows = [[first_tags(n, per[r])[t] for r in range(raters)] for t in range(n)]
        assert close(layer.documents[f"d{k}"]["fleiss"], ref_fleiss(doc_rows))
        assert close(layer.documents[f"d{k}"]["alpha"], ref_alpha(doc_rows))


@settings(max_examples=25, deadline=None)
@given(panels(), st.integers(0, 2**16))
def test_bootstrap_intervals_are_percentiles_of_resampled_corpora(panel, seed):
    """Each resample is a corpus of documents drawn with replacement; its Fleiss' kappa is statsmodels'."""
    raters, docs = panel
    resamples = 30
    report = agreement_panel(sets_of(raters, docs), resamples=resamples, seed=seed)
    again = agreement_panel(sets_of(raters, docs), resamples=resamples, seed=seed)
    assert report.to_dict() == again.to_dict()  # seeded: deterministic
    weights = Bootstrap(len(docs), resamples, seed).weights
    values = []
    for w in weights:
        rows = []
        for k, (n, per) in enumerate(docs):
            doc_rows = [[first_tags(n, per[r])[t] for r in range(raters)] for t in range(n)]
            rows += doc_rows * int(w[k])
        values.append(ref_fleiss(rows))
    defined = [v for v in values if v is not None]
    got = report.layers["entities"].labels[ALL].fleiss
    if not defined:
        assert got.low is None and got.high is None
    else:
        assert got.low == pytest.approx(float(np.percentile(defined, 2.5)), abs=1e-12)
        assert got.high == pytest.approx(float(np.percentile(defined, 97.5)), abs=1e-12)


# ---------------------------------------------------------------------------
# The other layers, by hand
# ---------------------------------------------------------------------------
TEXT = "Orhan Qereman said SDF fighters captured the town near Hasakeh on Monday ."


def span(word: str) -> Span:
    s = TEXT.index(word)
    return Span.of(TEXT, s, s + len(word))


def annotator(capture_type="Conflict.Capture", agent="T2", cue="said", content="SDF fighters captured the town", rel="located",
              attribution_type=None):
    x = AnnotationSet(Document(TEXT))
    for k, (lab, w) in enumerate([("PER", "Orhan Qereman"), ("ORG", "SDF"), ("GPE", "Hasakeh"), ("LOC", "town")]):
        x.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", lab, span(w))
    x.events["E1"] = Event("E1", capture_type, span("captured"), (Argument("Agent", agent), Argument("Place", "T4")))
    x.attributions["A1"] = Attribution("A1", Ref("T1"), span(cue), span(content), attribution_type)
    x.relations["R1"] = Relation("R1", rel, "T4", "T3")
    return x


def test_every_layer_is_reported():
    sets = {
        "a": {"doc": annotator()},
        "b": {"doc": annotator(agent="T1", content="SDF fighters captured the town near Hasakeh")},
        "c": {"doc": annotator(capture_type="Conflict.Attack", rel="near")},
    }
    rep = agreement_panel(sets, resamples=50).to_dict()
    layers = rep["layers"]
    assert list(layers) == ["entities", "triggers", "arguments", "attributions", "relations"]
    assert layers["entities"]["labels"]["all"]["f1_strict"]["mean"] == 1.0
    # triggers: same span, c typed it otherwise
    trig = layers["triggers"]["labels"]["all"]["f1_strict"]["value"]
    assert trig[0][1] == 1.0 and trig[0][2] == 0.0 and trig[1][2] == 0.0
    # arguments, on the trigger all three marked: b's Agent is another entity
    args = layers["arguments"]["labels"]
    assert args["Agent"]["f1_strict"]["value"][0][1] == 0.0
    assert args["Place"]["f1_strict"]["value"][0][1] == 1.0
    assert args["all"]["f1_strict"]["value"][0][1] == 0.5
    # attributions: b's content is longer: strict no, overlapping yes; the whole likewise
    att = layers["attributions"]["labels"]
    assert att["content"]["f1_strict"]["value"][0][1] == 0.0
    assert att["content"]["f1_overlap"]["value"][0][1] == 1.0
    assert att["attribution"]["f1_strict"]["value"][0][1] == 0.0
    assert att["attribution"]["f1_overlap"]["value"][0][1] == 1.0
    assert att["all"]["f1_strict"]["value"][0][2] == 1.0  # the whole attribution is the layer's F1
    assert att["source"]["fleiss"]["value"] == 1.0
    # relations: one linked pair, c gave it another type
    rel = layers["relations"]
    assert rel["unit"] == "linked pair" and rel["units"] == 1
    assert rel["labels"]["all"]["f1_strict"]["value"][0][1] == 1.0
    assert rel["labels"]["all"]["f1_strict"]["value"][0][2] == 0.0
    assert rep["bootstrap"] == {"resamples": 50, "seed": 0, "confidence": 0.95}


def test_a_whole_attribution_matches_only_with_the_same_type():
    """The same source, cue and content, direct for a and indirect for b: the parts
    agree, the whole attribution (the layer's F1) does not, strictly or by overlap,
    as audit scores it and --view and merge see it."""
    sets = {
        "a": {"doc": annotator(attribution_type="direct")},
        "b": {"doc": annotator(attribution_type="indirect")},
        "c": {"doc": annotator(attribution_type="direct", content="SDF fighters captured the town near Hasakeh")},
    }
    att = agreement_panel(sets, resamples=0).to_dict()["layers"]["attributions"]["labels"]
    for part in ("source", "cue"):
        assert att[part]["f1_strict"]["value"][0][1] == 1.0
    for row in ("attribution", "all"):
        assert att[row]["f1_strict"]["value"][0][1] == 0.0
        assert att[row]["f1_overlap"]["value"][0][1] == 0.0
        assert att[row]["f1_overlap"]["value"][0][2] == 1.0  # same type, overlapping content
        assert att[row]["f1_strict"]["value"][0][2] == 0.0
    assert att["source"]["fleiss"]["value"] == 1.0  # the tokens are the parts' as before


def test_relation_units_against_the_references():
    sets = {}
    types = [["located", "near", None], ["located", "near", "part"], ["near", "near", None]]
    for r, row in enumerate(types):
        x = annotator()
        x.relations.clear()
        for k, (t, (a1, a2)) in enumerate(zip(row, [("T4", "T3"), ("T1", "T2"), ("T2", "T3")])):
            if t:
                x.relations[f"R{k + 1}"] = Relation(f"R{k + 1}", t, a1, a2)
        sets[f"r{r}"] = {"doc": x}
    rep = agreement_panel(sets, resamples=0)
    units = [[(types[r][u] or "O") for r in range(3)] for u in range(3)]
    overall = rep.layers["relations"].labels[ALL]
    assert close(overall.fleiss.value, ref_fleiss(units))
    assert close(overall.alpha.value, ref_alpha(units))
    assert close(overall.cohen.value[0][2], ref_cohen([u[0] for u in units], [u[2] for u in units]))


def brute_overlap_matches(a_items, b_items):
    """The overlap matching the long way: strict pairs first, then each leftover of B (in
    position order) takes the first leftover of A (in position order) of its label that overlaps."""
    from collections import Counter

    ca, cb = Counter(a_items), Counter(b_items)
    strict = sum((ca & cb).values())
    left_a = sorted((ca - cb).elements(), key=lambda e: (e[0], e[1], e[2]))
    left_b = sorted((cb - ca).elements(), key=lambda e: (e[0], e[1], e[2]))
    used = [False] * len(left_a)
    extra = 0
    for s, e, lab in left_b:
        for j, (s2, e2, lab2) in enumerate(left_a):
            if not used[j] and lab2 == lab and s2 < e and s < e2:
                used[j] = True
                extra += 1
                break
    return strict, strict + extra


@settings(max_examples=150, deadline=None)
@given(panels())
def test_strict_and_overlap_f1_equal_a_brute_force_matching(panel):
    raters, docs = panel
    report = agreement_panel(sets_of(raters, docs), resamples=0)
    overall = report.layers["entities"].labels[ALL]
    for a in range(raters):
        for b in range(a + 1, raters):
            m_s = m_o = n = 0
            for n_tok, per in docs:
                _text, offsets = words_text(n_tok)
                span = lambda e: (offsets[e[0]][0], offsets[e[1] - 1][1], e[2])  # noqa: E731
                s, o = brute_overlap_matches([span(e) for e in per[a]], [span(e) for e in per[b]])
                m_s, m_o, n = m_s + s, m_o + o, n + len(per[a]) + len(per[b])
            assert close(overall.f1_strict.value[a][b], 2 * m_s / n if n else None)
            assert close(overall.f1_overlap.value[a][b], 2 * m_o / n if n else None)


def test_row_means_without_nans_at_once_are_those_row_by_row():
    """``_nanmeans`` (rows grouped by where their NaNs are) gives ``_nanmean``'s very floats."""
    import numpy as np

    from annotator.audit.panel import _nanmean, _nanmeans

    rng = np.random.default_rng(1)
    for n in (0, 1, 3, 8, 15, 21, 40):
        for _ in range(100):
            a = rng.random((int(rng.integers(0, 30)), n)) * rng.choice([1, 1e-3, 1e6])
            a[rng.random(a.shape) < rng.choice([0, 0.1, 0.5, 1])] = np.nan
            assert _nanmeans(a) == [_nanmean(r) for r in a]


# ---------------------------------------------------------------------------
# ``exact`` on its own: random ratings, any number of annotators
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("chunk", [3, 4096])
def test_exact_values_are_the_references_floats(monkeypatch, chunk):
    """Fleiss and alpha of all units and of each article, and Cohen of each pair, equal
    the references with ``==``: 2 to 7 annotators (R - 1 a power of two or not), units
    nobody annotated among the others, articles long and short; ``chunk``: the
    coincidences summed a few units at a time (with what came before) or at once."""
    from annotator.audit import exact as ex

    monkeypatch.setattr(ex, "CHUNK", chunk)
    rng = np.random.default_rng(7)
    names = ["O", "DATE", "GPE", "ORG", "PER", "LOC", "NORP", "FAC", "MISC", "LAW"]
    for _ in range(60):
        R = int(rng.integers(2, 8))
        V = int(rng.integers(2, len(names) + 1))
        sizes = rng.integers(0, 40, size=int(rng.integers(1, 40)))
        sizes[rng.integers(0, len(sizes))] += int(rng.integers(0, 300))  # one long article
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        U = int(offsets[-1])
        codes = rng.integers(0, V, size=(R, U)) * (rng.random((R, U)) < rng.random())
        if U:
            codes[:, rng.random(U) < 0.3] = 0  # units nobody annotated
        cats = sorted(names[:V])
        rank = np.array([cats.index(n) for n in names[:V]])
        active = np.flatnonzero((codes != 0).any(axis=0))
        counts = np.zeros((len(active), V), dtype=np.int64)
        for a in range(R):
            counts[np.arange(len(active)), rank[codes[a, active]]] += 1
        r = ex.Ratings(R, int(rank[0]), active, counts, offsets)
        rows = [[names[c] for c in codes[:, t]] for t in range(U)]
        (fleiss, per_fleiss), (alpha, per_alpha) = ex.fleiss_both(r), ex.alpha_both(r)
        assert close(co.number(fleiss), ref_fleiss(rows) if U else None)
        assert close(co.number(alpha), ref_alpha(rows) if U else None)
        assert fleiss == ex.fleiss(r) or fleiss != fleiss
        assert alpha == ex.alpha(r) or alpha != alpha
        for d in range(len(sizes)):
            doc_rows = rows[offsets[d] : offsets[d + 1]]
            assert close(co.number(per_fleiss[d]), ref_fleiss(doc_rows) if doc_rows else None), d
            assert close(co.number(per_alpha[d]), ref_alpha(doc_rows) if doc_rows else None), d
        if U:
            a, b = rng.choice(R, size=2, replace=False)
            conf = np.zeros((V, V), dtype=np.int64)
            np.add.at(conf, (rank[codes[a]], rank[codes[b]]), 1)
            assert close(co.number(ex.cohen(conf)), ref_cohen([r_[a] for r_ in rows], [r_[b] for r_ in rows]))
