"""Rule precision kept as decisions are made: the per-article tally, moved by each
session step, always equals a full recount of the folder; and the counts read from
a file alone equal those of the file read whole."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span, with_status
from annotator.schema import default_schema
from annotator.session import Session
from annotator.suggest.precision import Tally, decisions, decisions_in_file, estimate

RULES = ["rules:gazetteer", "rules:name-shape", "rules:acronym", "spacy:ner"]
TEXT = "word " * 60


def _article(n_suggestions: int, rules: list[int], seed_decisions: list[int]) -> AnnotationSet:
    """Suggestions by the given rules; some decided already (0 pending, 1 accepted, 2 rejected)."""
    aset = AnnotationSet(Document(TEXT))
    for i in range(n_suggestions):
        ent = Entity(f"T{i + 1}", "PER", Span.of(TEXT, 5 * i, 5 * i + 4), SUGGESTED, RULES[rules[i % len(rules)]], 0.5)
        d = seed_decisions[i % len(seed_decisions)]
        if d:
            ent = with_status(ent, ACCEPTED if d == 1 else REJECTED, "alice")
        aset.entities[ent.id] = ent
    # a person's own annotation: never a decision
    aset.entities["T99"] = Entity("T99", "ORG", Span.of(TEXT, 295, 299), by="alice")
    return aset


def _summed(tally: Tally) -> dict[str, list[int]]:
    return {k: list(v) for k, v in tally.total.items()}


ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 2),  # which article
        st.sampled_from(["accept", "reject", "undo", "redo", "delete", "suggest", "relabel", "reread"]),
        st.integers(0, 11),  # which annotation
        st.integers(0, len(RULES) - 1),  # rule of a new suggestion
    ),
    max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.lists(st.integers(0, 3), min_size=1, max_size=4), st.lists(st.integers(0, 2), min_size=1, max_size=5)),
        min_size=3,
        max_size=3,
    ),
    ACTIONS,
)
def test_incremental_tally_equals_a_full_recount(articles, actions):
    schema = default_schema()
    sessions = [Session(_article(n, rules, seeded), schema, user="bob") for n, rules, seeded in articles]
    tally = Tally()
    for i, s in enumerate(sessions):
        tally.recount(i, s.aset)  # the worker's first reading
        s.listeners.append(
            lambda report, i=i: tally.change(i, report.step.inverse().pairs if report.undo else report.step.pairs)
        )
    fresh = 100
    for which, action, pick, rule in actions:
        s = sessions[which]
        ids = sorted(s.aset.entities)
        ann_id = ids[pick % len(ids)] if ids else None
        if action in ("accept", "reject") and ann_id is not None:
            s.set_status(ann_id, ACCEPTED if action == "accept" else REJECTED)
        elif action == "undo":
            s.undo()
        elif action == "redo":
            s.redo()
        elif action == "delete" and ann_id is not None:
            s.delete(ann_id)
        elif action == "relabel" and ann_id is not None:
            s.relabel(ann_id, "ORG")
        elif action == "suggest":
            fresh += 1
            start = (fresh * 7) % 290
            s.add_many("new", [Entity(f"T{fresh}", "LOC", Span.of(TEXT, start, start + 3), SUGGESTED, RULES[rule], 0.4)])
        elif action == "reread":
            tally.recount(which, s.aset)  # read again (the queue after a decision): no change
        # after every step: the same as counting the whole folder again
        assert tally.articles[which] == decisions([s.aset])
        assert _summed(tally) == decisions([x.aset for x in sessions])
        assert tally.estimates() == estimate([x.aset for x in sessions])


def test_a_decision_moves_only_its_article_and_its_rule():
    schema = default_schema()
    a = Session(_article(6, [0, 1], [1, 0, 2]), schema, user="bob")
    b = Session(_article(4, [0], [1]), schema, user="bob")
    tally = Tally()
    tally.recount("a", a.aset)
    tally.recount("b", b.aset)
    before = tally.estimates()
    other_rule = before["rules:name-shape"]
    pending = next(e for e in a.aset.entities.values() if e.status == SUGGESTED and e.by == "rules:gazetteer")
    report = a.set_status(pending.id, ACCEPTED)
    assert tally.change("a", report.step.pairs)
    after = tally.estimates()
    assert after is not before  # a new dict: readers holding the old one are not surprised
    assert after["rules:gazetteer"].accepted == before["rules:gazetteer"].accepted + 1
    assert after["rules:name-shape"] is other_rule  # not recomputed
    assert tally.articles["b"] == decisions([b.aset])
    assert tally.estimates() is after  # nothing changed: the same dict
    # an article forgotten (its file gone): its counts leave the sums
    tally.set("b", None)
    assert _summed(tally) == decisions([a.aset])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 12), st.lists(st.integers(0, 3), min_size=1, max_size=4), st.lists(st.integers(0, 2), min_size=1, max_size=5))
def test_counts_from_the_file_alone_equal_the_file_read_whole(tmp_path_factory, n, rules, seeded):
    folder: Path = tmp_path_factory.mktemp("ann")
    article = folder / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    aset = _article(n, rules, seeded)
    aset = AnnotationSet(Document(TEXT, path="a.txt"), entities=aset.entities)
    yaml_path = folder / "a.yaml"
    store.save(aset, yaml_path)
    whole = store.read(yaml_path, schema=default_schema()).checked()
    assert decisions_in_file(yaml_path) == decisions([whole])


def test_a_file_that_cannot_be_read_counts_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities: [unclosed\n", encoding="utf-8")
    assert decisions_in_file(bad) is None
    assert decisions_in_file(tmp_path / "missing.yaml") is None
