"""Accepting what links to a rejected entity drops that link (validate refuses an
accepted event, source or relation to a rejected entity), in the same undoable
step, and says so; rejecting an entity drops the accepted links to it."""

from annotator import review_queue as rq
from annotator.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
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
from annotator.schema import default_schema
from annotator.session import Session

TEXT = "Rebels captured Aleppo on Friday, officials said."


def session() -> Session:
    s = Session(AnnotationSet(Document(TEXT)), default_schema(), user="alice")
    sp = lambda a, b: Span.of(TEXT, a, b)  # noqa: E731
    s.add_many("suggest", [
        Entity("T1", "ORG", sp(0, 6), status=SUGGESTED, by="rules"),
        Entity("T2", "GPE", sp(16, 22), status=SUGGESTED, by="rules"),
        Event("E1", "Conflict.Capture", sp(7, 15), (Argument("Agent", "T1"), Argument("Place", "T2")),
              status=SUGGESTED, by="rules"),
        Attribution("A1", Ref("T1"), sp(44, 48), sp(0, 32), status=SUGGESTED, by="rules"),
        Relation("R1", "located_in", "T1", "T2", status=SUGGESTED, by="rules"),
    ])
    return s


def test_accepting_an_event_after_rejecting_its_argument_drops_that_argument_in_one_step():
    s = session()
    s.set_status("T1", REJECTED)
    report = s.set_status("E1", ACCEPTED)
    ev = s.aset.events["E1"]
    assert ev.status == ACCEPTED
    assert ev.arguments == (Argument("Place", "T2"),)
    assert s.aset.entities["T2"].status == ACCEPTED
    assert s.aset.entities["T1"].status == REJECTED
    assert "T1" in report.step.note and "rejected" in report.step.note
    assert s.aset.links_to_rejected() == []
    s.undo()
    assert s.aset.events["E1"].status == SUGGESTED
    assert len(s.aset.events["E1"].arguments) == 2


def test_accepting_an_attribution_or_relation_to_a_rejected_entity():
    s = session()
    s.set_status("T1", REJECTED)
    s.set_status("A1", ACCEPTED)
    assert s.aset.attributions["A1"].status == ACCEPTED
    assert s.aset.attributions["A1"].source is None
    report = s.set_status("R1", ACCEPTED)
    assert report is None or "R1" in report.step.note
    assert s.aset.relations["R1"].status == SUGGESTED
    assert s.aset.links_to_rejected() == []


def test_rejecting_an_entity_drops_the_accepted_links_to_it():
    s = session()
    s.set_status("E1", ACCEPTED)  # accepts T1 and T2 with it
    s.set_argument("E1", "Agent", "T1")
    s.apply("back to suggested", [(s.aset.entities["T1"], Entity("T1", "ORG", Span.of(TEXT, 0, 6), status=SUGGESTED, by="rules"))])
    report = s.set_status("T1", REJECTED)
    assert s.aset.links_to_rejected() == []
    assert "E1" in report.step.note
    assert [a.ref for a in s.aset.events["E1"].arguments] == ["T2"]


def test_group_accept_in_the_review_queue_drops_links_to_rejected_entities():
    s = session()
    s.apply("no relation", [(s.aset.relations["R1"], None)])
    s.set_status("T1", REJECTED)
    item = next(it for it in rq.pending("a.txt", s.aset, 0) if it.ann.id == "E1")
    row = rq.Row("Conflict.Capture", "captured", [item])
    step = rq.decide(row, ACCEPTED, lambda article: (s, lambda: None))
    assert step.changes
    assert s.aset.events["E1"].status == ACCEPTED
    assert s.aset.links_to_rejected() == []
