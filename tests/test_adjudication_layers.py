"""Adjudication of events, attributions and merge candidates, in the core (no Textual):
which disagreements each layer has, what each decision changes, one undo step each."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import store
from annotator.adjudication import Adjudication, name_of
from annotator.audit.disagreements import (
    ARGUMENT,
    ATTRIBUTION,
    CANDIDATE,
    ENTITY,
    EVENT,
    MATCH,
    MISSED,
    PART,
    SPURIOUS,
    WRONG_LABEL,
    attribution_disagreements,
    candidates,
    event_disagreements,
)
from annotator.consensus import merge_sets
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, Argument, Document, Entity, Event, Ref, Span
from annotator.schema import default_schema
from annotator.session import Session
from annotator.three_way import merge3

from .conftest import ROOT, SEED

GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


def gold_set():
    return store.read(GOLD).checked()


def span_of(aset, words: str, nth: int = 0) -> Span:
    text = aset.document.text
    s = -1
    for _ in range(nth + 1):
        s = text.index(words, s + 1)
    return Span.of(text, s, s + len(words))


def other_side():
    """The seed as a second annotator saw it: E1 typed otherwise, E3's Agent a new
    entity, one more event, A2's cue shorter, A3 gone, one more attribution."""
    p = gold_set()
    e1, e3 = p.events["E1"], p.events["E3"]
    p.events["E1"] = replace(e1, type="Conflict.Attack")
    p.entities["T900"] = Entity("T900", "ORG", span_of(p, "the alliance"), by="bob")
    p.events["E3"] = replace(e3, arguments=tuple(a if a.role != "Agent" else Argument("Agent", "T900") for a in e3.arguments))
    p.entities["T901"] = Entity("T901", "PER", span_of(p, "Mazlum Abdi"), by="bob")  # same as gold T66
    p.events["E900"] = Event("E900", "Justice.Arrest", span_of(p, "swept in"), (Argument("Agent", "T901"),), by="bob")
    a2 = p.attributions["A2"]
    p.attributions["A2"] = replace(a2, cue=span_of(p, "told"))
    del p.attributions["A3"]
    return p


def adjudication(pred=None) -> Adjudication:
    session = Session(gold_set(), default_schema(), user="carol")
    return Adjudication("seed", session, pred if pred is not None else other_side())


def test_event_disagreements_trigger_type_and_each_argument():
    gold, pred = gold_set(), other_side()
    found = [(d.kind, d.gold_id, d.pred_id, d.part) for d in event_disagreements(gold, pred) if d.kind != MATCH]
    assert found == [
        (WRONG_LABEL, "E1", "E1", None),  # Conflict.Capture / Conflict.Attack
        (ARGUMENT, "E3", "E3", "Agent"),  # T17 / the alliance
        (SPURIOUS, None, "E900", None),
    ]
    # Equal sets agree on everything.
    assert all(d.kind == MATCH for d in event_disagreements(gold, gold_set()))


def test_attribution_disagreements_each_part_and_the_whole():
    gold, pred = gold_set(), other_side()
    found = [(d.kind, d.gold_id, d.pred_id, d.part) for d in attribution_disagreements(gold, pred) if d.kind != MATCH]
    assert found == [(PART, "A2", "A2", "cue"), (MISSED, "A3", None, None)]
    cue = next(d for d in attribution_disagreements(gold, pred) if d.part == "cue")
    assert (cue.gold_span.text, cue.pred_span.text) == ("told Reuters", "told")


def test_open_disagreements_of_every_layer_in_reading_order():
    adj = adjudication()
    assert sorted((d.layer, name_of(d)) for d in adj.open) == sorted([
        (EVENT, "event wrong type"),
        (EVENT, "event argument Agent"),
        (EVENT, "event spurious"),
        (ATTRIBUTION, "attribution cue"),
        (ATTRIBUTION, "attribution missed"),
        (ENTITY, "spurious"),
        (ENTITY, "spurious"),
    ])
    starts = [d.start for d in adj.open]
    assert starts == sorted(starts)
    assert adj.layer_counts() == {ENTITY: 2, EVENT: 3, ATTRIBUTION: 2, "relation": 0}


def test_taking_the_other_event_type_and_undo():
    adj = adjudication()
    d = next(d for d in adj.open if d.layer == EVENT and d.kind == WRONG_LABEL)
    steps = len(adj.session._undo)
    adj.take_other(d)
    assert adj.session.aset.events["E1"].type == "Conflict.Attack"
    assert len(adj.session._undo) == steps + 1
    assert not any(x.layer == EVENT and x.kind == WRONG_LABEL for x in adj.open)
    adj.undo()
    assert adj.session.aset.events["E1"].type == "Conflict.Capture"
    assert any(x.layer == EVENT and x.kind == WRONG_LABEL for x in adj.open)


def test_taking_the_other_argument_brings_its_entity():
    adj = adjudication()
    before = set(adj.session.aset.entities)
    d = next(d for d in adj.open if d.kind == ARGUMENT)
    decision = adj.take_other(d)
    new = set(adj.session.aset.entities) - before
    assert len(new) == 1
    (tid,) = new
    ent = adj.session.aset.entities[tid]
    assert (ent.label, ent.text, ent.status, ent.by) == ("ORG", "the alliance", ACCEPTED, "carol")
    agents = [a.ref for a in adj.session.aset.events["E3"].arguments if a.role == "Agent"]
    assert agents == [tid]
    assert tid in decision.label
    # The brought entity now agrees with the other side's: no entity disagreement for it.
    assert not any(x.layer == ENTITY and x.pred_id == "T900" and x.kind != MATCH for x in adj.all)
    adj.undo()
    assert set(adj.session.aset.entities) == before
    assert [a.ref for a in adj.session.aset.events["E3"].arguments if a.role == "Agent"] == ["T17"]


def test_taking_a_spurious_event_reuses_an_equal_gold_entity():
    adj = adjudication()
    before = dict(adj.session.aset.entities)
    d = next(d for d in adj.open if d.layer == EVENT and d.kind == SPURIOUS)
    adj.take_other(d)
    new_events = [e for e in adj.session.aset.events.values() if e.type == "Justice.Arrest"]
    assert len(new_events) == 1 and new_events[0].arguments == (Argument("Agent", "T66"),)
    assert adj.session.aset.entities == before  # Mazlum Abdi is gold T66 already
    adj.undo()
    assert not any(e.type == "Justice.Arrest" for e in adj.session.aset.events.values())


def test_attribution_part_missed_and_keep_gold():
    adj = adjudication()
    cue = next(d for d in adj.open if d.part == "cue")
    adj.take_other(cue)
    assert adj.session.aset.attributions["A2"].cue.text == "told"
    assert adj.session.aset.attributions["A2"].source == Ref("T22")
    missed = next(d for d in adj.open if d.layer == ATTRIBUTION and d.kind == MISSED)
    adj.take_other(missed)
    assert "A3" not in adj.session.aset.attributions
    adj.undo()
    assert "A3" in adj.session.aset.attributions
    missed = next(d for d in adj.open if d.layer == ATTRIBUTION and d.kind == MISSED)
    steps = len(adj.session._undo)
    adj.take_gold(missed)  # settled, nothing changed
    assert len(adj.session._undo) == steps and not adj.is_open(adj.find(("attribution", MISSED, "A3", None, None)))
    adj.undo()
    assert adj.is_open(adj.find(("attribution", MISSED, "A3", None, None)))


def test_a_spurious_attribution_brings_its_source_entity():
    from annotator.model import Attribution

    p = gold_set()
    p.entities["T903"] = Entity("T903", "PER", span_of(p, "Reuters"), by="bob")  # gold T4 is ORG: a new entity
    p.attributions["A901"] = Attribution(
        "A901", Ref("T903"), span_of(p, "led by"), span_of(p, "the main border crossing with Iraq"), "direct", by="bob"
    )
    adj = adjudication(p)
    d = next(d for d in adj.open if d.pred_id == "A901")
    assert (d.layer, d.kind) == (ATTRIBUTION, SPURIOUS)
    before = set(adj.session.aset.entities)
    adj.take_other(d)
    (tid,) = set(adj.session.aset.entities) - before
    new = [a for a in adj.session.aset.attributions.values() if a.type == "direct" and a.cue.text == "led by"]
    assert len(new) == 1 and new[0].source == Ref(tid) and new[0].id not in p.attributions
    assert (adj.session.aset.entities[tid].label, adj.session.aset.entities[tid].text) == ("PER", "Reuters")
    assert not any(x.pred_id == "A901" for x in adj.open)
    adj.undo()
    assert set(adj.session.aset.entities) == before and any(x.pred_id == "A901" for x in adj.open)


# ---------------------------------------------------------------------------
# A merged gold: candidates
# ---------------------------------------------------------------------------


def three_annotators():
    """ann1 and ann2 as the seed; ann3 with E1 without its Time and T4 otherwise labelled;
    ann1 with one more entity and E3's Agent another entity."""
    a1, a2, a3 = gold_set(), gold_set(), gold_set()
    a3.events["E1"] = replace(a3.events["E1"], arguments=a3.events["E1"].arguments[:-1])  # no Time
    a3.entities["T4"] = replace(a3.entities["T4"], label="MISC")
    a1.entities["T900"] = Entity("T900", "ORG", span_of(a1, "the alliance"), by="ann1")
    a1.events["E3"] = replace(a1.events["E3"], arguments=(Argument("Agent", "T900"),))
    return merge_sets({"ann1": a1, "ann2": a2, "ann3": a3}, a1.document).aset


def test_candidates_of_a_merged_gold_and_only_those():
    merged = three_annotators()
    cands = candidates(merged)
    # T4 MISC (ann3), T900 (brought by ann1's E3: a candidate), E1 without Time (ann3), E3 with T900 (ann1)
    assert sorted((d.layer, d.pred_label) for d in cands) == [
        (ENTITY, "MISC"), (ENTITY, "ORG"), (EVENT, "Conflict.Capture"), (EVENT, "Conflict.Capture"),
    ]
    assert [(d.pred_label, d.start) for d in candidates(merged, "ann3")] == [("MISC", 33), ("Conflict.Capture", 97)]
    adj = Adjudication("seed", Session(merged, default_schema(), user="carol"), merged, merged=True)
    assert all(d.kind == CANDIDATE for d in adj.all)  # no "missed" accepted entity
    assert len(adj.open) == 4
    e = next(d for d in adj.open if d.layer == EVENT and d.start == 97)
    assert "proposed by ann3; 1 of 3 agree" == adj.who(e)
    # By one annotator: still no false "missed".
    adj3 = Adjudication("seed", Session(merged.copy(), default_schema(), user="carol"), None, by="ann3", merged=True)
    assert [d.kind for d in adj3.open] == [CANDIDATE, CANDIDATE]


def test_accepting_a_candidate_event_accepts_its_candidate_entity_in_one_step():
    merged = three_annotators()
    adj = Adjudication("seed", Session(merged, default_schema(), user="carol"), merged, merged=True)
    d = next(d for d in adj.open if d.layer == EVENT and d.start == 400)  # E3 with the alliance as Agent
    ev = merged.events[d.pred_id]
    (agent,) = [a.ref for a in ev.arguments]
    adj.take_other(d)
    s = adj.session.aset
    assert s.events[d.pred_id].status == ACCEPTED and s.entities[agent].status == ACCEPTED
    assert len(adj.open) == 2 and len(adj.session._undo) == 1
    reject = next(d for d in adj.open if d.pred_label == "MISC")
    adj.take_gold(reject)
    assert s.entities[reject.pred_id].status == REJECTED
    assert len(adj.open) == 1 and adj.settled_count() == 3
    adj.undo()
    adj.undo()
    assert s.events[d.pred_id].status == SUGGESTED and s.entities[agent].status == SUGGESTED
    assert len(adj.open) == 4


def test_merge_file_conflict_pairs_are_settled_one_side_at_a_time():
    base = gold_set()
    ours, theirs = gold_set(), gold_set()
    ours.entities["T4"] = replace(ours.entities["T4"], label="MISC", by="ann1")
    theirs.entities["T4"] = replace(theirs.entities["T4"], label="PER", by="ann2")
    result = merge3(base, ours, theirs).aset
    adj = Adjudication("seed", Session(result, default_schema(), user="carol"), result, merged=True)
    assert len(adj.open) == 2
    first = adj.open[0]
    other = adj.open[1]
    assert "side of a conflict" in adj.who(first)
    assert f"reject {other.pred_id}" in adj.describe_take_other(first)
    adj.take_other(first)
    s = adj.session.aset
    assert s.entities[first.pred_id].status == ACCEPTED
    assert s.entities[other.pred_id].status == REJECTED
    assert adj.open == []
    adj.undo()
    assert len(adj.open) == 2


def annotator_folders(tmp_path: Path) -> list[Path]:
    """ann1, ann2, ann3 folders of the seed (as ``three_annotators`` changes them)."""
    (tmp_path / "seeds").mkdir()
    shutil.copyfile(SEED, tmp_path / "seeds" / SEED.name)
    a1, a2, a3 = gold_set(), gold_set(), gold_set()
    a3.events["E1"] = replace(a3.events["E1"], arguments=a3.events["E1"].arguments[:-1])  # no Time
    a3.entities["T4"] = replace(a3.entities["T4"], label="MISC")
    a1.entities["T900"] = Entity("T900", "ORG", span_of(a1, "the alliance"), by="ann1")
    a1.events["E3"] = replace(a1.events["E3"], arguments=(Argument("Agent", "T900"),))
    out = []
    for name, aset in (("ann1", a1), ("ann2", a2), ("ann3", a3)):
        path = tmp_path / name / GOLD.name
        path.parent.mkdir()
        doc = aset.document
        fresh = store.new_set(Document(doc.text, str(tmp_path / "seeds" / SEED.name), doc.sha256), path)
        for kind in ("entities", "events", "attributions", "relations"):
            getattr(fresh, kind).update(getattr(aset, kind))
        store.save(fresh, path)
        out.append(path.parent)
    return out


def test_audit_view_opens_a_merged_gold_by_itself(tmp_path):
    from annotator.adjudication import open_files
    from annotator.cli import main

    folders = annotator_folders(tmp_path)
    assert main(["merge", *map(str, folders), "-o", str(tmp_path / "gold")]) == 0
    for by, n in ((None, 4), ("ann3", 2), ("ann2", 0)):
        arts, wss, notes = open_files(tmp_path / "gold", None, by=by, schema=None, user="carol")
        try:
            assert sum(len(a.open) for a in arts) == n
            assert all(a.merged and all(d.kind == CANDIDATE for d in a.all) for a in arts)
        finally:
            for ws in wss:
                ws.close(save=False)
    # A gold without candidates: --merged has nothing to open.
    arts, wss, notes = open_files(folders[1], None, by=None, schema=None, user="carol", merged=True)
    assert arts == [] and notes[0].startswith("nothing to adjudicate")


@pytest.mark.parametrize("take_other", [True, False])
def test_after_every_decision_the_disagreements_equal_a_fresh_pairing(take_other):
    """Deciding everything one by one (and undoing it all) keeps the list what
    pairing the sets again from scratch gives."""
    from annotator.adjudication import order_of

    adj = adjudication()
    pred = adj.pred
    n = 0
    while adj.open and n < 50:
        d = adj.open[0]
        adj.take_other(d) if take_other else adj.take_gold(d)
        n += 1
        fresh = Adjudication("seed", Session(adj.session.aset.copy(), default_schema(), user="carol"), pred)
        assert sorted(adj.all, key=order_of) == sorted(fresh.all, key=order_of)
    assert adj.open == [] and n >= 7
    if take_other:  # gold now agrees with the other side on every layer
        assert adj.all == [d for d in adj.all if d.kind == MATCH]
    while adj.can_undo:
        adj.undo()
    again = adjudication()
    assert sorted(adj.all, key=order_of) == sorted(again.all, key=order_of)
    assert len(adj.open) == len(again.open)


def test_merged_option_errors(tmp_path, capsys):
    from annotator.cli import main

    folders = annotator_folders(tmp_path)
    assert main(["audit", str(folders[0]), "--merged"]) == 2
    assert "--merged: goes with --view" in capsys.readouterr().err
    assert main(["audit", str(folders[0]), str(folders[1]), "--view", "--merged"]) == 2
    assert "leave out PRED" in capsys.readouterr().err


@pytest.mark.parametrize("take", ["theirs", "ours"])
def test_links_to_a_conflict_pair_follow_the_side_taken(take):
    """Both sides kept a link (an event's argument, an attribution's source) to one
    entity they labelled otherwise: whichever version is accepted, the links are on
    it, none on the rejected one; one undo step puts them back."""
    base = gold_set()
    linked = next(e for e in base.entities.values() if len(base.referrers(e.id)) >= 1)
    ours, theirs = gold_set(), gold_set()
    ours.entities[linked.id] = replace(linked, label="MISC", by="ann1")
    theirs.entities[linked.id] = replace(linked, label="NORP", by="ann2")
    result = merge3(base, ours, theirs).aset
    before = {a.id: a for a in result.referrers(linked.id)}
    adj = Adjudication("seed", Session(result, default_schema(), user="carol"), result, merged=True)
    chosen = next(d for d in adj.open if result.entities[d.pred_id].attrs["merge"]["side"] == take)
    adj.take_other(chosen)
    s = adj.session.aset
    rejected = {e.id for e in s.entities.values() if e.status == REJECTED}
    assert rejected and chosen.pred_id not in rejected
    for gone in rejected:
        assert [a.id for a in s.referrers(gone) if a.status == ACCEPTED] == []
    assert {a.id for a in s.referrers(chosen.pred_id)} == set(before)
    assert len(adj.session._undo) == 1
    adj.undo()
    assert {a.id: a for a in s.referrers(linked.id)} == before


MEET = "Alice Smith met Bob Jones in Paris on Monday.\n"


def meet_span(word: str) -> Span:
    s = MEET.index(word)
    return Span.of(MEET, s, s + len(word))


def meet_set(*place) -> "AnnotationSet":
    from annotator.model import AnnotationSet

    x = AnnotationSet(Document(MEET))
    x.entities["T1"] = Entity("T1", "PER", meet_span("Alice Smith"), by="x")
    x.entities["T3"] = Entity("T3", "GPE", meet_span("Paris"), by="x")
    x.events["E1"] = Event("E1", "Contact.Meet", meet_span("met"), (Argument("Participant", "T1"), *place), by="x")
    return x


def validates(aset) -> bool:
    got = store.read("gold.yaml", text=store.dumps(aset), article=MEET, schema=default_schema())
    return not got.problems and not store.rejected_link_problems(got)


def test_rejecting_a_candidate_an_accepted_event_uses_drops_the_argument_in_the_same_step():
    """merge-file: ours gave E1 Paris (T3) as Place, theirs deleted T3: T3 is a
    candidate. Rejecting it dropped nothing: E1 (accepted) kept an argument to a
    rejected entity, and the file failed validate after "all settled"."""
    base, ours, theirs = meet_set(), meet_set(Argument("Place", "T3")), meet_set()
    del theirs.entities["T3"]
    result = merge3(base, ours, theirs).aset
    adj = Adjudication("meet", Session(result, default_schema(), user="adj"), result, merged=True)
    (d,) = adj.open
    assert d.pred_id == "T3"
    decision = adj.take_gold(d)
    s = adj.session.aset
    assert s.entities["T3"].status == REJECTED
    assert s.events["E1"].status == ACCEPTED and s.events["E1"].arguments == (Argument("Participant", "T1"),)
    assert "dropped E1's Place T3 (rejected)" in decision.label
    assert adj.open == [] and validates(s)
    assert len(adj.session._undo) == 1  # one step: u brings both back
    adj.undo()
    assert s.entities["T3"].status == SUGGESTED and Argument("Place", "T3") in s.events["E1"].arguments


def test_accepting_an_event_candidate_whose_argument_was_rejected_drops_that_argument():
    """Two versions of E1 (a merge-file conflict), theirs with Paris as Place; Paris
    rejected first, then theirs' E1 accepted: the link to the rejected entity went
    into the gold."""
    base = meet_set()
    base.entities["T3"] = replace(base.entities["T3"], status=SUGGESTED, by="rules")
    ours, theirs = base.copy(), base.copy()
    ours.events["E1"] = replace(base.events["E1"], type="Contact.Meet", arguments=(), by="bob")
    theirs.events["E1"] = replace(base.events["E1"], arguments=(*base.events["E1"].arguments, Argument("Place", "T3")), by="carol")
    result = merge3(base, ours, theirs).aset
    result.entities["T3"] = replace(result.entities["T3"], status=REJECTED, by="adj")  # decided before
    adj = Adjudication("meet", Session(result, default_schema(), user="adj"), result, merged=True)
    d = next(d for d in adj.open if d.layer == EVENT and "Place" in str(result.events[d.pred_id].arguments))
    decision = adj.take_other(d)
    s = adj.session.aset
    ev = s.events[d.pred_id]
    assert ev.status == ACCEPTED and all(a.ref != "T3" for a in ev.arguments)
    assert s.entities["T3"].status == REJECTED  # the earlier decision stands
    assert f"dropped {ev.id}'s Place" in decision.label and validates(s)
    adj.undo()
    assert s.events[d.pred_id].status == SUGGESTED and Argument("Place", "T3") in s.events[d.pred_id].arguments


def test_a_conflict_of_a_rejected_entity_says_which_side_rejected_it():
    base = meet_set()
    base.entities["T3"] = replace(base.entities["T3"], status=SUGGESTED, by="rules")
    ours, theirs = base.copy(), base.copy()
    ours.entities["T3"] = replace(base.entities["T3"], status=REJECTED, by="bob")
    theirs.events["E1"] = replace(base.events["E1"], arguments=(*base.events["E1"].arguments, Argument("Place", "T3")))
    result = merge3(base, ours, theirs).aset
    adj = Adjudication("meet", Session(result, default_schema(), user="adj"), result, merged=True)
    (d,) = adj.open
    assert "ours side of a conflict, rejected there" in adj.who(d)
    adj.take_gold(d)  # rejected after all: the argument theirs added goes with it
    assert adj.session.aset.events["E1"].arguments == (Argument("Participant", "T1"),) and validates(adj.session.aset)


def test_keeping_gold_over_a_suggested_entity_an_accepted_event_uses_drops_the_argument():
    """One file, --by rules: keeping gold rejects the suggestion; an accepted event
    that had it as an argument loses that argument in the same step."""
    x = meet_set(Argument("Place", "T3"))
    x.entities["T3"] = replace(x.entities["T3"], status=SUGGESTED, by="rules")
    adj = Adjudication("meet", Session(x, default_schema(), user="adj"), x, by="rules")
    d = next(d for d in adj.open if d.pred_id == "T3")
    decision = adj.take_gold(d)
    s = adj.session.aset
    assert s.entities["T3"].status == REJECTED and s.events["E1"].arguments == (Argument("Participant", "T1"),)
    assert decision.label == "kept gold: rejected T3; dropped E1's Place T3 (rejected)" and validates(s)
    adj.undo()
    assert Argument("Place", "T3") in s.events["E1"].arguments


def test_a_source_given_as_a_span_or_as_the_entity_on_it_is_no_disagreement():
    """A5's source, "He", given as a span in gold and as a reference to an entity
    on that span on the other side: audit scores them the same source, merge takes
    them for one, but `audit --view` listed a "source" disagreement to settle."""

    gold, pred = gold_set(), gold_set()
    he = gold.attributions["A5"].source
    assert isinstance(he, Span)
    pred.entities["T990"] = Entity("T990", "PER", he, by="bob")
    pred.attributions["A5"] = replace(pred.attributions["A5"], source=Ref("T990"))
    found = [(d.kind, d.part) for d in attribution_disagreements(gold, pred) if d.gold_id == "A5" and d.kind != MATCH]
    assert found == []
    # another span is still one
    pred.attributions["A5"] = replace(pred.attributions["A5"], source=span_of(pred, "said"))
    found = [(d.kind, d.part) for d in attribution_disagreements(gold, pred) if d.gold_id == "A5" and d.kind != MATCH]
    assert found == [(PART, "source")]
