"""Entity scores equal the reference scorers' to the last digit.

nervaluate (pinned in the ``test`` extra) is run one document at a time and over
lists of documents; seqeval over IOB2 tags. Multi-document sums are also checked
against hand-counted cases, since nervaluate 1.1.0 dropped the half credit of
partial matches when merging documents.
"""

from __future__ import annotations

import warnings
from importlib.metadata import version

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from annotator.audit import (
    NERVALUATE_NAME,
    SCHEMES,
    EntityScorer,
    entity_items,
    is_gold,
    np_mean,
    np_sum,
    predicted_filter,
    score_entities,
    score_items,
)
from annotator.model import REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span

LABELS = ("PER", "ORG", "LOC")
TEXT = "x" * 400


def test_nervaluate_version_is_the_pinned_one():
    assert version("nervaluate") == "1.2.1"


# ---------------------------------------------------------------------------
# Building sets and asking nervaluate
# ---------------------------------------------------------------------------
def make_set(spans, statuses=None) -> AnnotationSet:
    aset = AnnotationSet(Document(TEXT))
    for k, (s, e, label) in enumerate(spans):
        status = statuses[k] if statuses else "accepted"
        by = "tool" if status != "accepted" else None
        aset.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(TEXT, s, e), status=status, by=by)
    return aset


def nerv_docs(asets, keep):
    """nervaluate's dicts, in our order (start, end, label), ends made inclusive."""
    return [[{"label": lab, "start": s, "end": e - 1} for s, e, lab, _f in entity_items(a, keep)] for a in asets]


def nervaluate(golds, preds, keep=is_gold):
    true = nerv_docs(golds, is_gold)
    pred = nerv_docs(preds, keep)
    return Evaluator(true, pred, tags=list(LABELS), loader="dict").evaluate()


def counts_tuple(r):
    return (r.correct, r.incorrect, r.partial, r.missed, r.spurious, r.precision, r.recall, r.f1)


def assert_same(ours, theirs):
    for scheme in SCHEMES:
        name = NERVALUATE_NAME[scheme]
        assert counts_tuple(ours.overall[scheme]) == counts_tuple(theirs["overall"][name]), scheme
        assert set(ours.labels) == set(theirs["entities"])
        for label, by_scheme in theirs["entities"].items():
            assert counts_tuple(ours.labels[label][scheme]) == counts_tuple(by_scheme[name]), (label, scheme)


# Spans: mostly short, some longer than 100 characters (where a one-character
# overlap is under nervaluate's 1% threshold), starting close together so that
# they overlap a lot.
span = st.tuples(
    st.integers(0, 150),
    st.one_of(st.integers(1, 12), st.integers(90, 220)),
    st.sampled_from(LABELS),
).map(lambda t: (t[0], t[0] + t[1], t[2]))
doc = st.lists(span, max_size=10)


@st.composite
def gold_and_pred(draw):
    gold = draw(doc)
    pred = list(draw(st.lists(span, max_size=6)))
    # Predictions close to the gold: copies, relabelled copies, nudged copies.
    for s, e, label in gold:
        choice = draw(st.integers(0, 4))
        if choice == 1:
            pred.append((s, e, label))
        elif choice == 2:
            pred.append((s, e, draw(st.sampled_from(LABELS))))
        elif choice == 3:
            d = draw(st.integers(-3, 3))
            pred.append((max(0, s + d), max(max(0, s + d) + 1, e + draw(st.integers(-3, 3))), label))
    pred = draw(st.permutations(pred))
    statuses = draw(st.lists(st.sampled_from(("accepted", SUGGESTED, REJECTED)), min_size=len(pred), max_size=len(pred)))
    return gold, pred, statuses


@settings(max_examples=600, deadline=None)
@given(gold_and_pred())
def test_one_document_equals_nervaluate(case):
    gold, pred, statuses = case
    g, p = make_set(gold), make_set(pred, statuses)
    ours = score_entities([(g, p)])
    assert_same(ours, nervaluate([g], [p], predicted_filter(None)))


@settings(max_examples=200, deadline=None)
@given(st.lists(gold_and_pred(), min_size=1, max_size=5))
def test_many_documents_equal_nervaluate_121(cases):
    # nervaluate 1.2.1 sums the counts over documents and scores the sums, as we do.
    golds = [make_set(g) for g, _p, _s in cases]
    preds = [make_set(p, s) for _g, p, s in cases]
    ours = score_entities(list(zip(golds, preds)))
    assert_same(ours, nervaluate(golds, preds, predicted_filter(None)))
    # ... and the sums are the sums of the documents' counts.
    singles = [score_entities([(g, p)]) for g, p in zip(golds, preds)]
    for scheme in SCHEMES:
        for field in ("correct", "incorrect", "partial", "missed", "spurious"):
            assert getattr(ours.overall[scheme], field) == sum(getattr(s.overall[scheme], field) for s in singles)


@settings(max_examples=200, deadline=None)
@given(gold_and_pred())
def test_gold_is_accepted_only(case):
    gold, pred, statuses = case
    # Rejected and suggested entities in the gold file are not gold.
    not_gold = [REJECTED if k % 2 else SUGGESTED for k in range(len(pred))]
    g = make_set(gold + pred, ["accepted"] * len(gold) + not_gold)
    p = make_set(pred, statuses)
    ours = score_entities([(g, p)])
    assert_same(ours, nervaluate([make_set(gold)], [p], predicted_filter(None)))


def test_by_suggester_takes_its_rejected_and_accepted_suggestions():
    gold = make_set([(0, 5, "PER"), (10, 15, "ORG")])
    pred = AnnotationSet(Document(TEXT))
    pred.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 0, 5), status="accepted", by="ann", suggested_by="rules")
    pred.entities["T2"] = Entity("T2", "ORG", Span.of(TEXT, 10, 15), status=REJECTED, by="rules")
    pred.entities["T3"] = Entity("T3", "LOC", Span.of(TEXT, 20, 25), status=SUGGESTED, by="spacy")
    pred.entities["T4"] = Entity("T4", "LOC", Span.of(TEXT, 30, 35), status="accepted", by="ann")
    by_rules = score_entities([(gold, pred)], by="rules").overall["strict"]
    assert (by_rules.correct, by_rules.spurious, by_rules.missed) == (2, 0, 0)
    by_spacy = score_entities([(gold, pred)], by="spacy").overall["strict"]
    assert (by_spacy.correct, by_spacy.spurious, by_spacy.missed) == (0, 1, 2)
    default = score_entities([(gold, pred)]).overall["strict"]  # accepted or suggested, any source
    assert (default.correct, default.spurious, default.missed) == (1, 2, 1)


# ---------------------------------------------------------------------------
# Hand-counted cases
# ---------------------------------------------------------------------------
def test_multi_document_sums_keep_half_credit():
    docs = [
        ([(0, 5, "PER")], [(0, 3, "PER")]),  # a partial match, same label
        ([(10, 20, "ORG")], [(10, 20, "ORG")]),  # correct
        ([(0, 4, "LOC")], [(30, 35, "ORG")]),  # one missed, one spurious
    ]
    pairs = [(make_set(g), make_set(p)) for g, p in docs]
    s = score_entities(pairs)
    part = s.overall["partial"]
    assert (part.correct, part.incorrect, part.partial, part.missed, part.spurious) == (1, 0, 1, 1, 1)
    assert (part.possible, part.actual) == (3, 3)
    assert part.precision == part.recall == part.f1 == 0.5  # (1 + 0.5) / 3; nervaluate 1.1.0 said 1/3
    typ = s.overall["type"]
    assert (typ.correct, typ.incorrect, typ.missed, typ.spurious) == (2, 0, 1, 1)
    assert typ.precision == 2 / 3
    strict = s.overall["strict"]
    assert (strict.correct, strict.incorrect, strict.missed, strict.spurious) == (1, 1, 1, 1)
    assert strict.precision == strict.recall == 1 / 3
    exact = s.overall["exact"]
    assert (exact.correct, exact.incorrect, exact.missed, exact.spurious) == (1, 1, 1, 1)
    # per label, summed the same way
    assert s.labels["PER"]["partial"].precision == 0.5  # 0.5 / 1
    assert s.labels["ORG"]["strict"].precision == 0.5  # 1 correct of 2 predicted
    assert s.labels["ORG"]["strict"].recall == 1.0
    assert s.labels["LOC"]["strict"].missed == 1
    # macro strict = mean over LOC, ORG, PER of the per-label scores
    assert s.macro("strict").precision == (0 + 0.5 + 0) / 3
    assert s.macro("strict").recall == (0 + 1 + 0) / 3


def test_two_documents_by_hand_against_nervaluate_lists():
    docs = [
        ([(0, 10, "PER"), (20, 30, "LOC")], [(0, 8, "PER"), (20, 30, "ORG")]),
        ([(5, 9, "ORG")], [(5, 9, "ORG"), (40, 44, "PER")]),
    ]
    golds = [make_set(g) for g, _ in docs]
    preds = [make_set(p) for _, p in docs]
    s = score_entities(list(zip(golds, preds)))
    # partial: doc 1: one partial (PER), one correct (same span, other label); doc 2: correct + spurious
    p = s.overall["partial"]
    assert (p.correct, p.partial, p.missed, p.spurious) == (2, 1, 0, 1)
    assert p.precision == (2 + 0.5) / 4 and p.recall == (2 + 0.5) / 3
    assert_same(s, nervaluate(golds, preds))


def test_overlap_under_one_percent_of_gold_is_no_overlap():
    # A 150-character gold entity touched by one character: 0.67% < 1%.
    g = make_set([(0, 150, "ORG")])
    p = make_set([(149, 155, "ORG")])
    s = score_entities([(g, p)])
    assert (s.overall["partial"].partial, s.overall["partial"].missed, s.overall["partial"].spurious) == (0, 1, 1)
    assert_same(s, nervaluate([g], [p]))
    # Two characters of a 150-character gold: 1.33%, an overlap.
    p2 = make_set([(148, 155, "ORG")])
    s2 = score_entities([(g, p2)])
    assert s2.overall["partial"].partial == 1
    assert s2.overall["type"].correct == 1
    assert_same(s2, nervaluate([g], [p2]))


def test_one_prediction_overlapping_two_golds_takes_the_first():
    g = make_set([(0, 5, "PER"), (6, 12, "LOC")])
    p = make_set([(3, 9, "LOC")])
    s = score_entities([(g, p)])
    strict = s.overall["strict"]
    assert (strict.incorrect, strict.missed) == (1, 1)
    # type: the same-label gold (LOC) is chosen even though PER comes first
    assert s.overall["type"].correct == 1
    assert_same(s, nervaluate([g], [p]))


def test_adjacent_spans_do_not_overlap():
    g = make_set([(0, 5, "PER")])
    p = make_set([(5, 9, "PER")])
    s = score_entities([(g, p)])
    assert (s.overall["partial"].missed, s.overall["partial"].spurious) == (1, 1)
    assert_same(s, nervaluate([g], [p]))


def test_discontinuous_entities_need_all_fragments_for_the_same_span():
    text = "New York and New Jersey"
    g = AnnotationSet(Document(text))
    g.entities["T1"] = Entity("T1", "GPE", Span.from_fragments(text, [(0, 3), (17, 23)]))
    same = AnnotationSet(Document(text))
    same.entities["T1"] = Entity("T1", "GPE", Span.from_fragments(text, [(0, 3), (17, 23)]))
    other = AnnotationSet(Document(text))
    other.entities["T1"] = Entity("T1", "GPE", Span.from_fragments(text, [(0, 8), (17, 23)]))
    assert score_entities([(g, same)]).overall["strict"].correct == 1
    s = score_entities([(g, other)])
    assert s.overall["strict"].incorrect == 1
    assert s.overall["partial"].partial == 1


def test_empty_inputs():
    empty = AnnotationSet(Document(TEXT))
    s = score_entities([(empty, empty)])
    assert s.documents == 1 and s.labels == {}
    for scheme in SCHEMES:
        assert (s.overall[scheme].precision, s.overall[scheme].recall, s.overall[scheme].f1) == (0, 0, 0)
        assert s.macro(scheme).f1 == 0.0
    assert score_items([]).documents == 0


def test_scorer_accumulates_like_score_items():
    docs = [
        (entity_items(make_set([(0, 5, "PER")]), is_gold), entity_items(make_set([(0, 5, "ORG")]), is_gold)),
        (entity_items(make_set([(0, 9, "LOC")]), is_gold), []),
    ]
    scorer = EntityScorer()
    for g, p in docs:
        scorer.add(g, p)
    assert scorer.result().to_dict() == score_items(docs).to_dict()
    assert scorer.result().to_dict() == scorer.result().to_dict()  # result() does not consume


# ---------------------------------------------------------------------------
# seqeval over IOB2
# ---------------------------------------------------------------------------
def words_text(n: int) -> tuple[str, list[tuple[int, int]]]:
    words = [f"w{i}" for i in range(n)]
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), offsets


@st.composite
def token_entities(draw, n_tokens: int, labels=("PER", "ORG", "LOC", "GPE", "FAC", "NORP", "DATE", "MISC", "EVT")):
    """Non-overlapping token spans with labels, as a list of (first token, last token + 1, label)."""
    out, t = [], 0
    while t < n_tokens:
        t += draw(st.integers(0, 3))
        if t >= n_tokens:
            break
        length = draw(st.integers(1, 3))
        end = min(n_tokens, t + length)
        out.append((t, end, draw(st.sampled_from(labels))))
        t = end
    return out


def iob2(n_tokens: int, ents) -> list[str]:
    tags = ["O"] * n_tokens
    for a, b, label in ents:
        tags[a] = f"B-{label}"
        for k in range(a + 1, b):
            tags[k] = f"I-{label}"
    return tags


@st.composite
def iob_docs(draw):
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 30))
        gold = draw(token_entities(n))
        pred = [e for e in gold if draw(st.booleans())] if draw(st.booleans()) else []
        pred += draw(token_entities(n))
        # keep predictions non-overlapping: drop any that overlaps an earlier one
        kept = []
        for e in sorted(pred):
            if all(e[0] >= k[1] or e[1] <= k[0] for k in kept):
                kept.append(e)
        docs.append((n, gold, kept))
    return docs


def char_set(n: int, ents) -> AnnotationSet:
    text, offsets = words_text(n)
    aset = AnnotationSet(Document(text))
    for k, (a, b, label) in enumerate(ents):
        aset.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", label, Span.of(text, offsets[a][0], offsets[b - 1][1]))
    return aset


@settings(max_examples=300, deadline=None)
@given(iob_docs())
def test_strict_equals_seqeval_over_iob2(docs):
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true = [iob2(n, g) for n, g, _p in docs]
    y_pred = [iob2(n, p) for n, _g, p in docs]
    ours = score_entities([(char_set(n, g), char_set(n, p)) for n, g, p in docs])
    if not ours.labels:
        return  # seqeval has nothing to report
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for mode, scheme in ((None, None), ("strict", IOB2)):
            rep = classification_report(y_true, y_pred, mode=mode, scheme=scheme, output_dict=True, zero_division=0)
            for label in ours.labels:
                c = ours.labels[label]["strict"]
                r = rep[label]
                assert (c.precision, c.recall, c.f1) == (r["precision"], r["recall"], r["f1-score"])
            micro, macro = ours.micro("strict"), ours.macro("strict")
            assert (micro.precision, micro.recall, micro.f1) == tuple(
                rep["micro avg"][k] for k in ("precision", "recall", "f1-score")
            )
            assert (macro.precision, macro.recall, macro.f1) == tuple(
                rep["macro avg"][k] for k in ("precision", "recall", "f1-score")
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1), max_size=300))
def test_np_sum_is_numpy_sum(values):
    assert np_sum(values) == float(np.sum(np.array(values, dtype=np.float64)))
    if values:
        assert np_mean(values) == float(np.mean(np.array(values, dtype=np.float64)))


def test_the_order_of_entities_in_the_file_does_not_matter():
    spans = [(0, 5, "PER"), (3, 9, "ORG"), (3, 9, "LOC"), (20, 30, "PER")]
    g = make_set(spans)
    p1 = make_set([(3, 9, "PER"), (0, 5, "ORG")])
    p2 = make_set([(0, 5, "ORG"), (3, 9, "PER")])
    assert score_entities([(g, p1)]).to_dict() == score_entities([(g, p2)]).to_dict()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_to_dict_has_stable_keys(scheme):
    s = score_entities([(make_set([(0, 5, "PER")]), make_set([(0, 4, "PER")]))]).to_dict()
    assert list(s) == ["documents", "micro", "macro", "labels"]
    assert list(s["micro"][scheme]) == [
        "correct", "incorrect", "partial", "missed", "spurious", "possible", "actual", "precision", "recall", "f1",
    ]
    assert list(s["macro"][scheme]) == ["precision", "recall", "f1"]


def test_by_suggester_scores_a_relabelled_suggestion_with_its_suggested_label_as_nervaluate_does():
    """One file as gold and as the suggester's output: an accepted suggestion the
    user relabelled (ORG -> GPE) is the suggester's ORG, a wrong label; nervaluate,
    given the suggester's own labels, counts the same."""
    aset = AnnotationSet(Document(TEXT))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 0, 5), by="ann", suggested_by="rules")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(TEXT, 10, 15), by="ann", suggested_by="rules", suggested_label="ORG")
    aset.entities["T3"] = Entity("T3", "LOC", Span.of(TEXT, 20, 25), status=REJECTED, by="ann", suggested_by="rules",
                                 suggested_label="PER")  # relabelled, then rejected: still rules' PER
    aset.entities["T4"] = Entity("T4", "LOC", Span.of(TEXT, 30, 35), by="ann")
    ours = score_entities([(aset, aset)], by="rules")
    strict = ours.overall["strict"]
    assert (strict.correct, strict.incorrect, strict.partial, strict.missed, strict.spurious) == (1, 1, 0, 1, 1)
    assert ours.overall["exact"].correct == 2
    true = [[{"label": "PER", "start": 0, "end": 4}, {"label": "GPE", "start": 10, "end": 14}, {"label": "LOC", "start": 30, "end": 34}]]
    pred = [[{"label": "PER", "start": 0, "end": 4}, {"label": "ORG", "start": 10, "end": 14}, {"label": "PER", "start": 20, "end": 24}]]
    assert_same(ours, Evaluator(true, pred, tags=[*LABELS, "GPE"], loader="dict").evaluate())
    # without --by, the file's final labels count (the relabelled one as GPE)
    assert score_entities([(aset, aset)]).overall["strict"].correct == 3


def test_disagreements_by_suggester_show_a_relabelled_suggestion_as_a_wrong_label():
    from annotator.audit import WRONG_LABEL, disagreements

    aset = AnnotationSet(Document(TEXT))
    aset.entities["T1"] = Entity("T1", "GPE", Span.of(TEXT, 10, 15), by="ann", suggested_by="rules", suggested_label="ORG")
    (d,) = disagreements(aset, aset, by="rules")
    assert (d.kind, d.gold_label, d.pred_label) == (WRONG_LABEL, "GPE", "ORG")
