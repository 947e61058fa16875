"""Event scores the ACE way, on the worked example of Li, Ji and Huang (2013)."""

from __future__ import annotations

from annotator.audit import score_events
from annotator.model import SUGGESTED, AnnotationSet, Argument, Document, Entity, Event, Span

SENTENCE = "In Baghdad, a cameraman died when an American tank fired on the Palestine Hotel."


def span(word: str) -> Span:
    s = SENTENCE.index(word)
    return Span.of(SENTENCE, s, s + len(word))


def build(entities: list[tuple[str, str, str]], events, status="accepted", by=None) -> AnnotationSet:
    aset = AnnotationSet(Document(SENTENCE))
    for ent_id, label, word in entities:
        aset.entities[ent_id] = Entity(ent_id, label, span(word), status=status, by=by)
    for ev_id, ev_type, trigger, args in events:
        aset.events[ev_id] = Event(
            ev_id, ev_type, span(trigger), tuple(Argument(role, ref) for role, ref in args), status=status, by=by
        )
    return aset


def gold_set() -> AnnotationSet:
    return build(
        [("T1", "GPE", "Baghdad"), ("T2", "PER", "cameraman"), ("T3", "MISC", "American tank"), ("T4", "FAC", "Palestine Hotel")],
        [
            ("E1", "Life.Die", "died", [("Place", "T1"), ("Victim", "T2"), ("Instrument", "T3")]),
            ("E2", "Conflict.Attack", "fired",
             [("Instrument", "T3"), ("Place", "T1"), ("Target", "T2"), ("Target", "T4")]),
        ],
    )


def predicted_set() -> AnnotationSet:
    # The system's own entity IDs: arguments are matched by span, not by ID.
    return build(
        [("T7", "FAC", "Palestine Hotel"), ("T8", "PER", "cameraman"), ("T9", "ORG", "American tank"), ("T10", "GPE", "Baghdad")],
        [
            ("E5", "Life.Die", "died", [("Place", "T7"), ("Victim", "T8")]),
            ("E6", "Conflict.Attack", "fired", [("Attacker", "T9"), ("Place", "T10"), ("Target", "T7")]),
        ],
        status=SUGGESTED,
        by="system",
    )


def test_li_ji_huang_2013_worked_example():
    s = score_events([(gold_set(), predicted_set())])
    for tally in (s.trigger_identification, s.trigger_classification):
        assert (tally.correct, tally.predicted, tally.gold) == (2, 2, 2)
        assert (tally.precision, tally.recall, tally.f1) == (1.0, 1.0, 1.0)
    ai = s.argument_identification
    assert (ai.correct, ai.predicted, ai.gold) == (4, 5, 7)
    assert (round(ai.precision, 2), round(ai.recall, 2), round(ai.f1, 2)) == (0.80, 0.57, 0.67)
    assert ai.precision == 4 / 5 and ai.recall == 4 / 7
    ac = s.argument_classification
    assert (ac.correct, ac.predicted, ac.gold) == (3, 5, 7)
    assert (round(ac.precision, 2), round(ac.recall, 2), round(ac.f1, 2)) == (0.60, 0.43, 0.50)
    assert ac.f1 == 2 * (0.6 * (3 / 7)) / (0.6 + 3 / 7)


def test_trigger_with_the_wrong_type_is_identified_not_classified():
    gold = gold_set()
    pred = build(
        [("T1", "PER", "cameraman")],
        [("E1", "Life.Injure", "died", [("Victim", "T1")])],
    )
    s = score_events([(gold, pred)])
    assert (s.trigger_identification.correct, s.trigger_classification.correct) == (1, 0)
    # The argument is scored with its event type: Injure/cameraman is not Die/cameraman.
    assert s.argument_identification.correct == 0


def test_rejected_predictions_do_not_count_unless_by_suggester():
    gold = gold_set()
    pred = predicted_set()
    for ev_id in list(pred.events):
        from dataclasses import replace

        pred.events[ev_id] = replace(pred.events[ev_id], status="rejected")
    s = score_events([(gold, pred)])
    assert s.trigger_identification.predicted == 0
    s = score_events([(gold, pred)], by="system")
    assert s.trigger_identification.predicted == 2
    assert s.argument_classification.correct == 3


def test_documents_sum():
    s = score_events([(gold_set(), predicted_set()), (gold_set(), gold_set())])
    assert (s.argument_identification.correct, s.argument_identification.predicted,
            s.argument_identification.gold) == (4 + 7, 5 + 7, 14)


def test_no_events_is_empty():
    empty = AnnotationSet(Document(SENTENCE))
    s = score_events([(empty, empty)])
    assert s.empty
    assert s.trigger_identification.f1 == 0.0
    assert list(s.to_dict()) == [
        "trigger_identification", "trigger_classification", "argument_identification", "argument_classification",
    ]
