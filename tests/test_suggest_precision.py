"""Decisions that teach: each suggestion names its rule, and each rule's precision
is a Beta posterior of the accepted and rejected suggestions (checked against SciPy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

scipy_stats = pytest.importorskip("scipy.stats")

from annotator import store
from annotator.articles import read_article  # noqa: E402
from annotator.model import (  # noqa: E402
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Document,
    Entity,
    Span,
    with_status,
)
from annotator.schema import default_schema  # noqa: E402
from annotator.suggest import merge  # noqa: E402
from annotator.suggest.base import split_by  # noqa: E402
from annotator.suggest.precision import (  # noqa: E402
    beta_cdf,
    beta_ppf,
    confident,
    decisions,
    estimate,
    from_counts,
    most_certain_first,
    most_uncertain_first,
    probability,
    rule_of,
)
from annotator.suggest.rules import RulesSuggester  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.5, 400.0),
    st.floats(0.5, 400.0),
    st.floats(0.001, 0.999),
)
def test_beta_quantile_and_cdf_match_scipy(a, b, q):
    assert beta_ppf(q, a, b) == pytest.approx(scipy_stats.beta.ppf(q, a, b), abs=1e-9)
    x = scipy_stats.beta.ppf(q, a, b)
    assert beta_cdf(x, a, b) == pytest.approx(q, abs=1e-9)


def _set_with(decided: list[tuple[str, str]], pending: list[tuple[str, float | None]] = ()) -> AnnotationSet:
    """A set whose entities were suggested by the named rules and then decided."""
    text = "x " * 500
    aset = AnnotationSet(Document(text))
    n = 0
    for by, status in decided:
        n += 1
        sugg = Entity(f"T{n}", "PER", Span.of(text, 2 * n, 2 * n + 1), SUGGESTED, by, 0.5)
        aset.entities[sugg.id] = with_status(sugg, status, by="alice")
    for by, score in pending:
        n += 1
        aset.entities[f"T{n}"] = Entity(f"T{n}", "PER", Span.of(text, 2 * n, 2 * n + 1), SUGGESTED, by, score)
    return aset


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 5))
def test_posterior_per_rule_is_beta_one_one_updated(acc, rej, other):
    decided = [("rules:gazetteer", ACCEPTED)] * acc + [("rules:gazetteer", REJECTED)] * rej
    decided += [("rules:name-shape", REJECTED)] * other
    # Split over two articles: the folder's decisions add up.
    half = len(decided) // 2
    est = estimate([_set_with(decided[:half]), _set_with(decided[half:])])
    if acc + rej == 0:
        assert "rules:gazetteer" not in est
    else:
        g = est["rules:gazetteer"]
        assert (g.accepted, g.rejected, g.n) == (acc, rej, acc + rej)
        ref = scipy_stats.beta(1 + acc, 1 + rej)
        assert g.mean == pytest.approx(ref.mean(), abs=1e-12)
        low, high = ref.interval(0.95)
        assert g.low == pytest.approx(low, abs=1e-9) and g.high == pytest.approx(high, abs=1e-9)
    if other:
        assert est["rules:name-shape"].accepted == 0 and est["rules:name-shape"].rejected == other
    # Counted per article and summed: the same estimates.
    assert from_counts([decisions([_set_with(decided[:half])]), decisions([_set_with(decided[half:])])]) == est


def test_pending_and_hand_made_annotations_are_not_decisions():
    aset = _set_with([("rules:gazetteer", ACCEPTED)], [("rules:gazetteer", 0.9)])
    text = aset.document.text
    aset.entities["T99"] = Entity("T99", "ORG", Span.of(text, 900, 901), by="alice")  # a person's own
    est = estimate([aset])
    assert list(est) == ["rules:gazetteer"] and est["rules:gazetteer"].n == 1
    assert rule_of(aset.entities["T99"]) is None and rule_of(aset.entities["T2"]) == "rules:gazetteer"


def test_orderings_for_the_review_queue():
    decided = [("rules:gazetteer", ACCEPTED)] * 30 + [("rules:gazetteer", REJECTED)]
    decided += [("rules:name-shape", ACCEPTED)] * 3 + [("rules:name-shape", REJECTED)] * 3
    decided += [("rules:acronym", REJECTED)] * 20
    pending = [("rules:gazetteer", 0.9), ("rules:name-shape", 0.3), ("rules:acronym", 0.5), ("rules:new-rule", 0.8)]
    aset = _set_with(decided, pending)
    est = estimate([aset])
    waiting = [e for e in aset.entities.values() if e.status == SUGGESTED]
    by = {e.by: e for e in waiting}
    # A coin-flip rule first (what a decision teaches most); a rule never decided uses its score.
    assert [e.by for e in most_uncertain_first(waiting, est)] == [
        "rules:name-shape", "rules:new-rule", "rules:gazetteer", "rules:acronym"
    ]
    assert [e.by for e in most_certain_first(waiting, est)] == [
        "rules:gazetteer", "rules:new-rule", "rules:name-shape", "rules:acronym"
    ]
    assert probability(by["rules:new-rule"], est) == 0.8
    assert confident(waiting, est, 0.8) == [by["rules:gazetteer"]]
    assert est["rules:gazetteer"].describe().startswith("0.94 [0.")


def test_rule_names_round_trip_through_the_yaml_and_decisions(tmp_path):
    """A suggestion's `by: rules:<rule>` is written, read back, and kept in
    `suggested_by` when accepted or rejected; old files (`by: rules`) still read."""
    schema = default_schema()
    doc = read_article(SEED)
    yaml_path = tmp_path / "seed.yaml"
    empty = store.new_set(doc, yaml_path)
    new = merge(empty, RulesSuggester(schema).propose(empty), "rules")
    assert new and all(split_by(a.by)[0] == "rules" and split_by(a.by)[1] for a in new)
    rules = {split_by(a.by)[1] for a in new}
    assert {"name-shape", "trigger-schema"} <= rules or len(rules) >= 5
    aset = empty.copy()
    for a in new:
        aset.table(type(a))[a.id] = a
    # Decide half of the entities.
    ents = [e for e in new if isinstance(e, Entity)]
    for i, e in enumerate(ents[:20]):
        aset.entities[e.id] = with_status(e, ACCEPTED if i % 3 else REJECTED, by="alice")
    store.save(aset, yaml_path)
    text = yaml_path.read_text(encoding="utf-8")
    assert f"by: {ents[25].by}" in text and "suggested_by: rules:" in text
    back = store.read(yaml_path, schema=schema).checked()
    assert back.same_annotations(aset)
    est = estimate([back])
    assert sum(e.n for e in est.values()) == 20
    # A file of before (plain `by: rules`) is one key, "rules".
    old = text.replace(f"by: {ents[25].by}", "by: rules")
    old_path = tmp_path / "old.yaml"
    old_path.write_text(old, encoding="utf-8")
    assert store.read(old_path, schema=schema).checked().entities[ents[25].id].by == "rules"


def test_precision_of_the_rules_on_the_seed_from_its_gold():
    """Decide the rules' suggestions on the seed as its gold does: the rules that
    the gold agrees with most get the highest estimates."""
    schema = default_schema()
    gold = store.read(GOLD, schema=schema).checked()
    empty = AnnotationSet(gold.document)
    new = merge(empty, RulesSuggester(schema).propose(empty), "rules")
    truth = {(e.fragments, e.label) for e in gold.entities.values()}
    decided = AnnotationSet(gold.document)
    for a in new:
        if isinstance(a, Entity):
            decided.entities[a.id] = with_status(a, ACCEPTED if (a.fragments, a.label) in truth else REJECTED, "gold")
    est = estimate([decided])
    total = sum(e.n for e in est.values())
    assert total == len([a for a in new if isinstance(a, Entity)])
    right = sum(e.accepted for e in est.values())
    assert right / total > 0.8  # the seed's figure: 92 of 98
    for e in est.values():
        assert e.low <= e.mean <= e.high


def test_audit_by_a_suggester_counts_all_of_its_rules():
    from annotator.audit import predicted_filter

    text = "x " * 10
    made = [
        Entity("T1", "PER", Span.of(text, 0, 1), SUGGESTED, "rules:gazetteer"),
        Entity("T2", "PER", Span.of(text, 2, 3), ACCEPTED, "alice", suggested_by="rules:name-shape"),
        Entity("T3", "PER", Span.of(text, 4, 5), SUGGESTED, "rules"),
        Entity("T4", "PER", Span.of(text, 6, 7), SUGGESTED, "rulesets"),
        Entity("T5", "PER", Span.of(text, 8, 9), SUGGESTED, "spacy:news:ner"),
    ]
    assert [e.id for e in made if predicted_filter("rules")(e)] == ["T1", "T2", "T3"]
    assert [e.id for e in made if predicted_filter("rules:gazetteer")(e)] == ["T1"]
    assert [e.id for e in made if predicted_filter("spacy:news")(e)] == ["T5"]
    assert [e.id for e in made if predicted_filter("spacy")(e)] == []
