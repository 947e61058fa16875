"""The session's new IDs (``Session.next_id``, kept up to date by its swaps
instead of reading every ID at each new annotation): one more than the highest
ID number the session has known, in use (``AnnotationSet.next_id``, which reads
them all) or gone (deleted, undone, taken out behind its back): through tags,
deletes, undo, redo, batches, and changes made to the set behind the session's
back. An ID once there is never given again: a teammate's copy may still use it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Event, Span
from annotator.schema import default_schema
from annotator.session import Session

TEXT = " ".join(f"w{i:02d}" for i in range(40))  # 40 words of 3 letters, a space between
WORDS = [(4 * i, 4 * i + 3) for i in range(40)]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("tag"), st.integers(0, 39), st.sampled_from(["PER", "ORG"])),
        st.tuples(st.just("delete"), st.integers(0, 39)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
        st.tuples(st.just("event"), st.integers(0, 39)),
        st.tuples(st.just("many"), st.lists(st.integers(1, 500), min_size=1, max_size=80, unique=True), st.booleans()),
        st.tuples(st.just("behind"), st.integers(1, 999)),  # an entity put in the table directly
        st.tuples(st.just("drop_behind"),),  # the highest entity taken out of the table directly
    ),
    max_size=40,
)


def check(s: Session, seen: dict) -> None:
    """``seen``: kind -> the highest ID number in the set after any step so far."""
    for kind, prefix in ((Entity, "T"), (Event, "E")):
        in_use = int(s.aset.next_id(kind)[1:]) - 1
        seen[kind] = max(seen.get(kind, 0), in_use)
        assert s.next_id(kind) == f"{prefix}{seen[kind] + 1}"


@settings(max_examples=150, deadline=None)
@given(ops)
def test_new_ids_are_one_more_than_the_highest_in_use(steps):
    s = Session(AnnotationSet(Document(TEXT)), default_schema(), user="zed")
    seen: dict = {}
    for op in steps:
        kind = op[0]
        if kind == "tag":
            start, end = WORDS[op[1]]
            s.add_entity(op[2], start, end)
        elif kind == "delete":
            start, _end = WORDS[op[1]]
            ann = s.annotation_at(start)
            if ann is not None:
                s.delete(ann.id)
        elif kind == "undo":
            s.undo()
        elif kind == "redo":
            s.redo()
        elif kind == "event":
            start, end = WORDS[op[1]]
            s.add_event(default_schema().event_names[0], start, end)
        elif kind == "many":
            spell = "T0{}" if op[2] else "T{}"  # T05 and T5: two IDs of one number
            free = [n for n in op[1] if spell.format(n) not in s.aset.entities]
            anns = [
                Entity(spell.format(n), "ORG", Span.of(TEXT, *WORDS[n % 40]), status=SUGGESTED, by="rules")
                for n in free
            ]
            s.add_many("suggest", anns)
        elif kind == "behind":
            n = op[1]
            s.aset.entities[f"T{n}"] = Entity(f"T{n}", "PER", Span.of(TEXT, *WORDS[n % 40]))
        elif kind == "drop_behind" and s.aset.entities:
            top = max(s.aset.entities, key=lambda i: int(i[1:]))
            del s.aset.entities[top]
        check(s, seen)


def test_a_new_set_in_the_session_is_read_again():
    s = Session(AnnotationSet(Document(TEXT)), default_schema(), user="zed")
    s.add_entity("PER", *WORDS[0])
    assert s.next_id(Entity) == "T2"
    other = AnnotationSet(Document(TEXT))
    other.entities["T7"] = Entity("T7", "PER", Span.of(TEXT, *WORDS[1]))
    s.aset = other
    assert s.next_id(Entity) == "T8"


def test_a_tag_reads_only_its_own_id(monkeypatch):
    """Once the numbers are counted, a new entity, or an undo, costs a few
    ``id_number`` calls, not one per entity of the article."""
    import annotator.session as session_mod

    text = " ".join(["word"] * 3000)
    aset = AnnotationSet(Document(text))
    for i in range(2000):
        aset.entities[f"T{i + 1}"] = Entity(f"T{i + 1}", "PER", Span.of(text, 5 * i, 5 * i + 4))
    s = Session(aset, default_schema(), user="zed")
    assert s.next_id(Entity) == "T2001"
    calls = []
    real = session_mod.id_number
    monkeypatch.setattr(session_mod, "id_number", lambda i: calls.append(i) or real(i))
    for i in range(2000, 2010):
        s.add_entity("ORG", 5 * i, 5 * i + 4)
    assert s.next_id(Entity) == "T2011"
    assert len(calls) <= 3 * 10
    calls.clear()
    s.undo()  # the highest goes (found without reading every ID), and is not given again
    assert s.next_id(Entity) == "T2011" and s.aset.next_id(Entity) == "T2010"
    s.add_entity("ORG", 5 * 2009, 5 * 2009 + 4)
    assert s.next_id(Entity) == "T2012"
    assert len(calls) <= 6


def test_two_ids_of_one_number_hold_it_until_both_go():
    s = Session(AnnotationSet(Document(TEXT)), default_schema(), user="zed")
    s.add_entity("PER", *WORDS[0])
    assert s.next_id(Entity) == "T2"
    s.add_many("import", [Entity("T07", "ORG", Span.of(TEXT, *WORDS[3])), Entity("T7", "ORG", Span.of(TEXT, *WORDS[4]))])
    assert s.next_id(Entity) == "T8"
    s.delete("T7")
    assert s.next_id(Entity) == s.aset.next_id(Entity) == "T8"  # T07 still holds 7
    s.delete("T07")
    assert s.aset.next_id(Entity) == "T2" and s.next_id(Entity) == "T8"  # 7 was there: never again


def test_a_deleted_id_is_never_given_again():
    """T3 deleted (the highest of the file as loaded): the next new entity is T4, not
    T3 again, which a teammate's copy of the file still has and refers to."""
    aset = AnnotationSet(Document(TEXT))
    for n in (1, 2, 3):
        aset.entities[f"T{n}"] = Entity(f"T{n}", "PER", Span.of(TEXT, *WORDS[n]))
    s = Session(aset, default_schema(), user="zed")
    s.delete("T3")  # before any new ID was asked for
    assert s.add_entity("ORG", *WORDS[10]).id == "T4"
    s.undo()  # the new T4 goes too
    assert s.add_entity("ORG", *WORDS[11]).id == "T5"
    # of the file as loaded, even when the set is put in again behind the session's back
    loaded = AnnotationSet(Document(TEXT))
    loaded.entities["T9"] = Entity("T9", "PER", Span.of(TEXT, *WORDS[9]))
    s2 = Session(loaded, default_schema(), user="zed")
    assert s2.next_id(Entity) == "T10"
    del loaded.entities["T9"]
    assert s2.next_id(Entity) == "T10"
    # the carried history's IDs (an article left and opened again) count as known
    s3 = Session(AnnotationSet(Document(TEXT)), default_schema(), user="zed")
    s3.carry(s.steps()[0], s.steps()[1])
    assert s3.next_id(Entity) == "T6"


def test_the_numbers_are_read_as_id_number_reads_them():
    import pytest

    from annotator.model import id_number
    from annotator.session import _scan

    cases = {
        ("T1", "T"): False, ("T1", "T٣"): False, ("T+5", "T1"): False, ("T 5",): False, ("T5_0",): False,
        ("TT",): False, ("T007", "T7"): False, ("X7", "T1"): False, (): True, ("T12", "T3"): True, ("T0", "T9"): True,
    }
    for ids, plain in cases.items():
        assert _scan(list(ids), "T") == (max(map(id_number, ids), default=0), plain), ids
    with pytest.raises(ValueError):  # as id_number itself
        _scan(["T²"], "T")
    many = [f"T{n}" for n in range(1, 50_001)]  # several parts of the scan
    assert _scan(many, "T") == (50_000, True)
    assert _scan(many + ["T050"], "T") == (50_000, False)
