"""The session: the one door for changes, with undo and redo."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Document,
    Entity,
    Ref,
    Span,
)
from annotator.schema import default_schema
from annotator.session import Session

TEXT = "By Orhan Qereman\nHASAKEH, Syria (Reuters) - the SDF captured Deir el-Zor, Abdi said."


def make(text=TEXT) -> Session:
    return Session(AnnotationSet(Document(text)), default_schema(), user="alice")


def test_add_entity_records_who_and_offsets():
    s = make()
    ent = s.add_entity("PER", 3, 16)
    assert ent.text == "Orhan Qereman"
    assert ent.by == "alice"
    assert s.aset.entities[ent.id] == ent
    assert [m.ann_id for m in s.marks.at(5)] == [ent.id]
    assert s.dirty


def test_same_span_same_label_is_not_duplicated():
    s = make()
    a = s.add_entity("PER", 3, 16)
    b = s.add_entity("PER", 3, 16)
    assert a.id == b.id
    assert len(s.aset.entities) == 1


def test_undo_redo_any_number_of_steps():
    s = make()
    e1 = s.add_entity("PER", 3, 16)
    e2 = s.add_entity("GPE", 17, 24)
    s.relabel(e2.id, "LOC")
    states = []
    for _ in range(3):
        states.append(dict(s.aset.entities))
        s.undo()
    assert s.aset.entities == {}
    assert s.marks.at(5) == []
    for expected in reversed(states):
        s.redo()
        assert s.aset.entities == expected
    assert s.aset.entities[e2.id].label == "LOC"
    assert s.aset.entities[e1.id].label == "PER"
    assert s.redo() is None


def test_new_change_clears_redo():
    s = make()
    s.add_entity("PER", 3, 16)
    s.undo()
    s.add_entity("GPE", 17, 24)
    assert not s.can_redo


def test_ids_stay_stable_and_take_next_free_number():
    s = make()
    a = s.add_entity("PER", 3, 16)
    b = s.add_entity("GPE", 17, 24)
    s.delete(a.id)
    c = s.add_entity("GPE", 26, 31)
    assert (a.id, b.id, c.id) == ("T1", "T2", "T3")


def test_delete_entity_removes_links_but_keeps_event_and_attribution():
    s = make()
    sdf = s.add_entity("ORG", TEXT.index("SDF"), TEXT.index("SDF") + 3)
    abdi = s.add_entity("PER", TEXT.index("Abdi"), TEXT.index("Abdi") + 4)
    trig = TEXT.index("captured")
    ev = s.add_event("Conflict.Capture", trig, trig + len("captured"))
    s.set_argument(ev.id, "Agent", sdf.id)
    cue = TEXT.index("said")
    at = s.add_attribution(Ref(abdi.id), Span.of(TEXT, cue, cue + 4), Span.of(TEXT, 45, 80))
    s.delete(sdf.id)
    assert s.aset.events[ev.id].arguments == ()
    s.delete(abdi.id)
    assert s.aset.attributions[at.id].source is None
    assert "source of" in s._undo[-1].note
    s.undo()
    s.undo()
    assert s.aset.events[ev.id].arguments[0].ref == sdf.id
    assert s.aset.attributions[at.id].source == Ref(abdi.id)
    assert sdf.id in s.aset.entities and abdi.id in s.aset.entities


def test_delete_on_suggestion_rejects_and_keeps_it():
    s = make()
    sug = Entity("T1", "GPE", Span.of(TEXT, 17, 24), status=SUGGESTED, by="rules", score=0.8)
    s.add_many("suggest", [sug])
    s.delete("T1")
    ent = s.aset.entities["T1"]
    assert ent.status == REJECTED
    assert ent.suggested_by == "rules"


def test_accept_records_acceptor_and_suggester():
    s = make()
    sug = Entity("T1", "GPE", Span.of(TEXT, 17, 24), status=SUGGESTED, by="rules", score=0.8)
    s.add_many("suggest", [sug])
    s.set_status("T1", ACCEPTED)
    ent = s.aset.entities["T1"]
    assert (ent.status, ent.by, ent.suggested_by) == (ACCEPTED, "alice", "rules")
    s.undo()
    assert s.aset.entities["T1"].status == SUGGESTED


def test_listeners_get_the_changed_ranges():
    s = make()
    seen = []
    s.listeners.append(lambda r: seen.append(r.ranges))
    s.add_entity("PER", 3, 16)
    s.undo()
    assert seen == [[(3, 16)], [(3, 16)]]


def test_saved_version_tracks_dirty():
    s = make()
    s.add_entity("PER", 3, 16)
    version, snap = s.snapshot()
    s.add_entity("GPE", 17, 24)
    s.mark_saved(version)
    assert s.dirty
    assert "T2" not in snap.entities
    s.mark_saved(s.version)
    assert not s.dirty


ops = st.lists(
    st.tuples(st.sampled_from(["add", "del", "relabel", "undo", "redo"]), st.integers(0, 60), st.integers(1, 8)),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_random_edits_keep_index_consistent_and_undo_returns_to_start(seq):
    s = make()
    labels = default_schema().entity_names
    for op, pos, n in seq:
        if op == "add":
            start = pos % (len(TEXT) - 1)
            end = min(len(TEXT), start + n)
            s.add_entity(labels[n % len(labels)], start, end)
        elif op == "del" and s.aset.entities:
            ids = sorted(s.aset.entities)
            s.delete(ids[pos % len(ids)])
        elif op == "relabel" and s.aset.entities:
            ids = sorted(s.aset.entities)
            s.relabel(ids[pos % len(ids)], labels[n % len(labels)])
        elif op == "undo":
            s.undo()
        elif op == "redo":
            s.redo()
        # The index always mirrors the set, and every span matches the text.
        marked = {m.ann_id for m in s.marks.overlapping(0, len(TEXT))}
        assert marked == set(s.aset.entities)
        for e in s.aset.entities.values():
            assert TEXT[e.start : e.end] == e.text
    while s.undo():
        pass
    assert s.aset.entities == {}


def test_retype_takes_off_roles_the_new_type_lacks_and_the_file_loads_again():
    """A retyped event keeps only roles of its new type (a file holding others
    would be refused on the next open); undo brings the old type and roles back."""
    from annotator import store

    s = make()
    sdf = s.add_entity("ORG", TEXT.index("SDF"), TEXT.index("SDF") + 3)
    place = s.add_entity("GPE", TEXT.index("Deir"), TEXT.index("Deir") + len("Deir el-Zor"))
    start = TEXT.index("captured")
    ev = s.add_event("Conflict.Capture", start, start + len("captured"))
    s.set_argument(ev.id, "Agent", sdf.id)
    s.set_argument(ev.id, "Place", place.id)
    dropped = s.set_event_type(ev.id, "Conflict.Attack")  # Attack has Place, not Agent
    assert [(a.role, a.ref) for a in dropped] == [("Agent", sdf.id)]
    assert [(a.role, a.ref) for a in s.aset.events[ev.id].arguments] == [("Place", place.id)]
    back = store.read(text=store.dumps(s.aset), article=s.aset.document, schema=default_schema())
    assert back.problems == []
    s.undo()
    restored = s.aset.events[ev.id]
    assert restored.type == "Conflict.Capture"
    assert {(a.role, a.ref) for a in restored.arguments} == {("Agent", sdf.id), ("Place", place.id)}


def _many(text: str, n: int):
    """n annotations of every kind over ``text`` (suggested and accepted; one long, one lost)."""
    from annotator.model import Attribution, Event, Relation
    from annotator.reanchor import LOST

    out = []
    for i in range(n):
        s = (i * 7) % (len(text) - 12)
        status = SUGGESTED if i % 3 else ACCEPTED
        kind = i % 5
        if kind in (0, 1):
            out.append(Entity(f"T{i + 1}", "PER" if i % 2 else "GPE", Span.of(text, s, s + 1 + i % 9), status, "rules", 0.5))
        elif kind == 2:
            out.append(Event(f"E{i + 1}", "Conflict.Attack", Span.of(text, s, s + 3), status=status, by="rules"))
        elif kind == 3:
            out.append(Attribution(f"A{i + 1}", Ref("T1"), Span.of(text, s, s + 2), Span.of(text, s + 3, len(text)),
                                   status=status, by="rules", attrs={LOST: ["cue"]} if i % 4 == 0 else {}))
        else:
            out.append(Relation(f"R{i + 1}", "Located", "T1", "T2", status=status))
    return out


def test_many_added_at_once_as_one_at_a_time(monkeypatch):
    """A large add_many (its marks merged into the index at once) leaves the
    session, its index, its counts and its reports as adding one by one does,
    through undo and redo: one step."""
    import annotator.session as session_mod

    text = TEXT * 20
    base = [Entity("T0", "ORG", Span.of(text, 40, 43), by="alice")]
    anns = _many(text, 3 * session_mod._MANY)
    runs = []
    for many in (session_mod._MANY, 10**9):  # the bulk path, then the one-by-one one
        monkeypatch.setattr(session_mod, "_MANY", many)
        aset = AnnotationSet(Document(text))
        aset.entities["T0"] = base[0]
        s = Session(aset, default_schema(), user="alice")
        seen = []
        s.listeners.append(seen.append)
        s.set_status("T0", REJECTED)  # a crossed-out mark in the arrays
        s.add_many("suggest", anns)
        states = []
        for act in (None, s.undo, s.redo):
            if act is not None:
                act()
            states.append((
                {a.id: a for a in s.aset.all()}, s.status_counts(), s.counts(), s.version, s.can_undo, s.can_redo,
                s.marks.overlapping(0, len(text)), len(s.marks),
                {a.id: sorted(s.marks.of(a.id)) for a in anns},
                [s.marks.at(p) for p in range(0, len(text), 13)],
            ))
        reports = [(sorted(r.ranges), r.ids, r.undo, r.redo, len(r.step.pairs)) for r in seen]
        runs.append((states, reports))
    assert runs[0] == runs[1]
    assert len(runs[0][1]) == 4  # reject, add, undo, redo


def test_session_without_index_builds_it_when_asked():
    """``index=False`` (`annotator suggest`): changes, undo and redo touch no
    marks index; asked for later, the index is the one an indexed session has."""
    import annotator.session as session_mod

    text = TEXT * 20
    anns = _many(text, 3 * session_mod._MANY)
    sessions = []
    for index in (True, False):
        aset = AnnotationSet(Document(text))
        aset.entities["T0"] = Entity("T0", "ORG", Span.of(text, 40, 43), by="alice")
        s = Session(aset, default_schema(), user="alice", index=index)
        s.set_status("T0", REJECTED)
        s.add_many("suggest", anns)
        s.undo()
        s.redo()
        assert (s._marks is None) is not index
        s.add_entity("PER", 3, 16)  # (looks for the same entity: the index is built)
        sessions.append(s)
    indexed, lazy = sessions
    assert {a.id: a for a in lazy.aset.all()} == {a.id: a for a in indexed.aset.all()}
    assert lazy.marks.overlapping(0, len(text)) == indexed.marks.overlapping(0, len(text))
    assert [lazy.marks_at(p) for p in range(0, len(text), 7)] == [indexed.marks_at(p) for p in range(0, len(text), 7)]
    assert len(lazy.marks) == len(indexed.marks)


# -- a relabelled suggestion keeps the label it was suggested with ----------------------


def _with_suggestions() -> Session:
    from annotator.model import Attribution, Event

    aset = AnnotationSet(Document(TEXT))
    aset.entities["T1"] = Entity("T1", "ORG", Span.of(TEXT, 17, 24), status=SUGGESTED, by="rules", score=0.7)
    aset.events["E1"] = Event("E1", "Conflict.Attack", Span.of(TEXT, 52, 60), status=SUGGESTED, by="rules")
    aset.attributions["A1"] = Attribution("A1", None, Span.of(TEXT, 79, 83), Span.of(TEXT, 44, 72), "direct",
                                          status=SUGGESTED, by="rules")
    return Session(aset, default_schema(), user="alice")


def test_relabelling_a_suggestion_accepts_it_and_keeps_its_suggested_label_until_undone():
    s = _with_suggestions()
    s.relabel("T1", "GPE")  # a digit on a suggestion: relabel and accept
    ent = s.aset.entities["T1"]
    assert (ent.label, ent.status, ent.by, ent.suggested_by, ent.suggested_label) == ("GPE", ACCEPTED, "alice", "rules", "ORG")
    s.relabel("T1", "LOC")  # relabelled again: the suggester's label stays the one kept
    assert s.aset.entities["T1"].suggested_label == "ORG"
    s.relabel("T1", "ORG")  # back to the suggester's label: nothing to keep
    assert s.aset.entities["T1"].suggested_label is None
    s.undo()
    s.undo()
    assert s.aset.entities["T1"].suggested_label == "ORG"
    s.undo()
    ent = s.aset.entities["T1"]
    assert (ent.label, ent.status, ent.by, ent.suggested_by, ent.suggested_label) == ("ORG", SUGGESTED, "rules", None, None)
    s.redo()
    assert s.aset.entities["T1"].suggested_label == "ORG"


def test_accepting_a_suggestion_then_relabelling_it_keeps_its_suggested_label():
    s = _with_suggestions()
    s.set_status("T1", ACCEPTED)  # y
    assert s.aset.entities["T1"].suggested_label is None  # accepted as suggested
    s.relabel("T1", "GPE")
    assert s.aset.entities["T1"].suggested_label == "ORG"
    s.undo()
    assert s.aset.entities["T1"].suggested_label is None and s.aset.entities["T1"].label == "ORG"


def test_a_persons_own_entity_relabelled_has_no_suggested_label():
    s = make()
    ent = s.add_entity("ORG", 17, 24)
    s.relabel(ent.id, "GPE")
    assert s.aset.entities[ent.id].suggested_label is None


def test_retyping_a_suggested_event_or_attribution_keeps_its_suggested_type_until_undone():
    s = _with_suggestions()
    s.set_event_type("E1", "Conflict.Capture")
    s.set_status("E1", ACCEPTED)
    ev = s.aset.events["E1"]
    assert (ev.type, ev.status, ev.suggested_by, ev.suggested_label) == ("Conflict.Capture", ACCEPTED, "rules", "Conflict.Attack")
    s.update_attribution("A1", type="indirect")
    assert s.aset.attributions["A1"].suggested_label == "direct"
    s.undo()
    assert s.aset.attributions["A1"].suggested_label is None and s.aset.attributions["A1"].type == "direct"
    s.undo()
    s.undo()
    assert s.aset.events["E1"].suggested_label is None and s.aset.events["E1"].type == "Conflict.Attack"


# -- `by` is who made an annotation or last changed it ------------------------------


def test_every_change_records_who_made_it_as_a_relabel_does():
    """Relabelling set `by` to the annotator; retyping an attribution or an event,
    adding or removing an event's argument, editing attributes kept the creator's
    name, so a merge-file conflict said "proposed by alice" on bob's version."""
    from annotator.model import Argument, Attribution, Event

    aset = AnnotationSet(Document(TEXT))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 3, 16), by="alice")
    aset.entities["T2"] = Entity("T2", "ORG", Span.of(TEXT, 57, 60), by="alice")
    aset.entities["T3"] = Entity("T3", "GPE", Span.of(TEXT, 26, 31), by="alice")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(TEXT, 61, 69), by="alice",
                              arguments=(Argument("Agent", "T2"),))
    aset.attributions["A1"] = Attribution("A1", Ref("T1"), Span.of(TEXT, 79, 83), Span.of(TEXT, 44, 72),
                                          "direct", by="alice")
    aset.entities["T9"] = Entity("T9", "ORG", Span.of(TEXT, 34, 41), status=SUGGESTED, by="rules")
    s = Session(aset, default_schema(), user="bob")
    changes = [
        (lambda: s.relabel("T3", "LOC"), "T3"),
        (lambda: s.update_attribution("A1", type="indirect"), "A1"),
        (lambda: s.set_argument("E1", "Place", "T3"), "E1"),
    ]
    for change, ann_id in changes:
        change()
        assert s.get(ann_id).by == "bob", ann_id
        s.undo()
        assert s.get(ann_id).by == "alice", ann_id  # undo gives the name back
        s.redo()
    s.undo()
    s.remove_argument("E1", "T2")
    assert s.aset.events["E1"].by == "bob"
    s.undo()
    s.set_event_type("E1", "Conflict.Attack")
    assert s.aset.events["E1"].by == "bob"
    s.undo()
    s.set_attrs("T1", {"note": "checked"}, "note T1")
    assert s.aset.entities["T1"].by == "bob"
    s.delete("T1")  # the attribution loses its source: bob changed it
    assert s.aset.attributions["A1"].source is None and s.aset.attributions["A1"].by == "bob"
    s.undo()
    assert s.aset.attributions["A1"].by == "bob"  # (its retype, redone above)
    s.relabel("T2", "ORG")  # no change: nothing recorded
    assert s.aset.entities["T2"].by == "alice"
    # a pending suggestion keeps its suggester as `by` (its precision counts it)...
    s.set_attrs("T9", {"note": "maybe"}, "note T9")
    assert s.aset.entities["T9"].by == "rules"
    s.set_status("T9", REJECTED)  # ...until decided
    t9 = s.aset.entities["T9"]
    assert (t9.by, t9.suggested_by) == ("bob", "rules")
