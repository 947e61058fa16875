"""Attributions, review decisions, disagreements and the whole report."""

from __future__ import annotations

import json

from annotator.audit import (
    MATCH,
    MISSED,
    PARTIAL,
    SPURIOUS,
    WRONG_LABEL,
    audit,
    disagreements,
    review_counts,
    score_attributions,
    suggester_of,
    suggesters,
)
from annotator.model import (
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Span,
    with_status,
)

TEXT = 'Kobani is calm now, Orhan Qereman said on Monday. "We hold the town," a spokesman told reporters.'


def sp(word: str, nth: int = 0) -> Span:
    s = -1
    for _ in range(nth + 1):
        s = TEXT.index(word, s + 1)
    return Span.of(TEXT, s, s + len(word))


def new() -> AnnotationSet:
    return AnnotationSet(Document(TEXT))


# ---------------------------------------------------------------------------
# Attributions
# ---------------------------------------------------------------------------
def gold_attributions() -> AnnotationSet:
    g = new()
    g.entities["T1"] = Entity("T1", "PER", sp("Orhan Qereman"))
    g.attributions["A1"] = Attribution("A1", Ref("T1"), sp("said"), sp("Kobani is calm now"), "indirect")
    g.attributions["A2"] = Attribution("A2", sp("a spokesman"), sp("told"), sp("We hold the town,"), "direct")
    return g


def test_attribution_parts_strict_and_overlap():
    g = gold_attributions()
    p = new()
    # A source given as a plain span equals the gold's entity source with the same span.
    p.attributions["A1"] = Attribution("A1", sp("Orhan Qereman"), sp("said"), sp("Kobani is calm"), "indirect", status=SUGGESTED, by="rules")
    # Overlapping source and content, same cue.
    p.attributions["A2"] = Attribution("A2", sp("spokesman"), sp("told"), sp("We hold the town"), "direct", status=SUGGESTED, by="rules")
    s = score_attributions([(g, p)])
    parts = s.parts
    assert (parts["source"]["strict"].correct, parts["source"]["overlap"].correct) == (1, 2)
    assert (parts["cue"]["strict"].correct, parts["cue"]["overlap"].correct) == (2, 2)
    assert (parts["content"]["strict"].correct, parts["content"]["overlap"].correct) == (0, 2)
    assert (parts["attribution"]["strict"].correct, parts["attribution"]["overlap"].correct) == (0, 2)
    for part in parts.values():
        for t in part.values():
            assert (t.predicted, t.gold) == (2, 2)
    assert parts["source"]["strict"].f1 == 0.5
    assert parts["cue"]["strict"].f1 == 1.0


def test_whole_attribution_needs_every_part():
    g = gold_attributions()
    p = new()
    p.attributions["A1"] = Attribution("A1", None, sp("said"), sp("Kobani is calm now"))  # no source
    p.attributions["A2"] = Attribution("A2", sp("a spokesman"), sp("told"), sp("We hold the town,"), "direct")
    s = score_attributions([(g, p)]).parts
    assert s["attribution"]["strict"].correct == 1
    assert s["attribution"]["overlap"].correct == 1
    assert (s["source"]["strict"].predicted, s["source"]["strict"].gold) == (1, 2)


def test_whole_attribution_needs_the_same_type():
    """The same source, cue and content with another type is another attribution
    (as agree and --view see it); each part still matches."""
    g = gold_attributions()
    p = new()
    p.attributions["A1"] = Attribution("A1", sp("Orhan Qereman"), sp("said"), sp("Kobani is calm now"), "direct")
    p.attributions["A2"] = Attribution("A2", sp("a spokesman"), sp("told"), sp("We hold the town,"), "direct")
    s = score_attributions([(g, p)]).parts
    assert (s["attribution"]["strict"].correct, s["attribution"]["overlap"].correct) == (1, 1)
    for part in ("source", "cue", "content"):
        assert s[part]["strict"].correct == 2


def test_a_retyped_attribution_counts_with_the_type_it_was_suggested_with():
    """Suggested indirect, retyped direct by a person: the suggester proposed
    indirect, so under --by its whole attribution is wrong (as a retyped event)."""
    from annotator.model import ACCEPTED, with_label

    a = new()
    sug = Attribution("A1", sp("a spokesman"), sp("told"), sp("We hold the town,"), "indirect", status=SUGGESTED, by="rules")
    a.attributions["A1"] = with_label(with_status(sug, ACCEPTED, "me"), "direct")
    assert a.attributions["A1"].suggested_label == "indirect"
    s = score_attributions([(a, a)], by="rules").parts
    assert (s["attribution"]["strict"].correct, s["attribution"]["overlap"].correct) == (0, 0)
    assert s["content"]["strict"].correct == 1
    # without --by, the file is scored as it is (its type now)
    assert score_attributions([(a, a)]).parts["attribution"]["strict"].correct == 1


def test_overlap_matching_is_one_to_one():
    g = new()
    g.attributions["A1"] = Attribution("A1", None, sp("said"), None)
    p = new()
    p.attributions["A1"] = Attribution("A1", None, Span.of(TEXT, sp("said").start, sp("said").end - 1), None)
    p.attributions["A2"] = Attribution("A2", None, Span.of(TEXT, sp("said").start + 1, sp("said").end), None)
    t = score_attributions([(g, p)]).parts["cue"]["overlap"]
    assert (t.correct, t.predicted, t.gold) == (1, 2, 1)


# ---------------------------------------------------------------------------
# Review decisions
# ---------------------------------------------------------------------------
def reviewed() -> AnnotationSet:
    a = new()
    a.entities["T1"] = Entity("T1", "GPE", sp("Kobani"), status=SUGGESTED, by="rules")
    a.entities["T2"] = Entity("T2", "PER", sp("Orhan Qereman"), status=SUGGESTED, by="rules")
    a.entities["T3"] = Entity("T3", "DATE", sp("Monday"), status=SUGGESTED, by="spacy:en")
    a.entities["T4"] = Entity("T4", "PER", sp("spokesman"), status=SUGGESTED, by="rules")
    a.entities["T5"] = Entity("T5", "MISC", sp("town"), by="alice")  # made by a person
    a.events["E1"] = Event("E1", "Contact.Meet", sp("told"), status=SUGGESTED, by="rules")
    a.entities["T1"] = with_status(a.entities["T1"], "accepted", by="alice")
    a.entities["T2"] = with_status(a.entities["T2"], REJECTED, by="alice")
    a.entities["T3"] = with_status(a.entities["T3"], "accepted", by="alice")
    a.events["E1"] = with_status(a.events["E1"], REJECTED, by="alice")
    return a


def test_review_counts_per_suggester():
    a = reviewed()
    assert suggester_of(a.entities["T1"]) == "rules"  # accepted: its suggested_by
    assert suggester_of(a.entities["T4"]) == "rules"  # pending: its by
    assert suggester_of(a.entities["T5"]) is None
    counts = review_counts([a])
    assert list(counts) == ["rules", "spacy:en"]
    rules = counts["rules"]
    assert (rules.accepted, rules.rejected, rules.pending) == (1, 2, 1)
    assert rules.precision == 1 / 3
    spacy = counts["spacy:en"]
    assert (spacy.accepted, spacy.rejected, spacy.pending, spacy.precision) == (1, 0, 0, 1.0)
    assert review_counts([a], by="spacy:en").keys() == {"spacy:en"}
    assert suggesters([a]) == ["rules", "spacy:en"]


def test_review_precision_is_none_before_any_decision():
    a = new()
    a.entities["T1"] = Entity("T1", "GPE", sp("Kobani"), status=SUGGESTED, by="rules")
    assert review_counts([a])["rules"].precision is None


def test_one_file_audited_against_its_own_suggestions():
    a = reviewed()
    r = audit([(a, a)], by="rules")
    strict = r.entities.overall["strict"]
    # gold: T1 GPE, T3 DATE, T5 MISC (accepted); rules' output: T1 (accepted), T2 (rejected), T4 (pending)
    assert (strict.correct, strict.spurious, strict.missed) == (1, 2, 2)


# ---------------------------------------------------------------------------
# Disagreements
# ---------------------------------------------------------------------------
def test_disagreements_kinds_and_order():
    g = new()
    g.entities["T1"] = Entity("T1", "GPE", sp("Kobani"))
    g.entities["T2"] = Entity("T2", "PER", sp("Orhan Qereman"))
    g.entities["T3"] = Entity("T3", "DATE", sp("Monday"))
    g.entities["T4"] = Entity("T4", "PER", sp("a spokesman"))
    g.entities["T9"] = Entity("T9", "MISC", sp("town"), status=REJECTED, by="rules")  # not gold
    p = new()
    p.entities["T1"] = Entity("T1", "PER", sp("spokesman"), status=SUGGESTED, by="x")
    p.entities["T2"] = Entity("T2", "GPE", sp("Kobani"), status=SUGGESTED, by="x")
    p.entities["T3"] = Entity("T3", "ORG", sp("Orhan Qereman"), status=SUGGESTED, by="x")
    p.entities["T4"] = Entity("T4", "LOC", sp("reporters"), status=SUGGESTED, by="x")
    p.entities["T5"] = Entity("T5", "LOC", sp("calm"), status=REJECTED, by="x")  # not predicted by default
    ds = disagreements(g, p)
    got = [(d.kind, d.gold_id, d.pred_id, d.gold_label, d.pred_label) for d in ds]
    assert got == [
        (MATCH, "T1", "T2", "GPE", "GPE"),
        (WRONG_LABEL, "T2", "T3", "PER", "ORG"),
        (MISSED, "T3", None, "DATE", None),
        (PARTIAL, "T4", "T1", "PER", "PER"),
        (SPURIOUS, None, "T4", None, "LOC"),
    ]
    assert [d.start for d in ds] == sorted(d.start for d in ds)
    assert ds[3].gold_span == sp("a spokesman") and ds[3].pred_span == sp("spokesman")
    assert ds[3].start == sp("a spokesman").start and ds[3].end == sp("a spokesman").end
    assert ds[0].agrees and not ds[1].agrees
    # with by: every suggestion of that suggester, the rejected one included
    kinds = [d.kind for d in disagreements(g, p, by="x")]
    assert kinds.count(SPURIOUS) == 2


def test_disagreements_prefer_exact_pairs_over_overlaps():
    g = new()
    g.entities["T1"] = Entity("T1", "PER", sp("Orhan Qereman"))
    p = new()
    p.entities["T1"] = Entity("T1", "PER", sp("Orhan"))  # overlaps the gold, comes first
    p.entities["T2"] = Entity("T2", "PER", sp("Orhan Qereman"))
    kinds = [(d.kind, d.pred_id) for d in disagreements(g, p)]
    assert kinds == [(SPURIOUS, "T1"), (MATCH, "T2")]  # by position: "Orhan" ends first


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
def test_report_to_dict_is_json_with_stable_keys():
    g = gold_attributions()
    r = audit([(g, g)], names=["kobani"], notes=["a note"])
    d = r.to_dict()
    assert list(d) == ["articles", "by", "pending_left_out", "entities", "events", "attributions", "review", "calibration", "notes"]
    assert d["articles"] == ["kobani"] and d["notes"] == ["a note"]
    assert d["attributions"]["cue"]["strict"]["f1"] == 1.0
    assert json.loads(json.dumps(d)) == d
