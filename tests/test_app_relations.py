"""Relations and discontinuous spans in the app (issue 5's app part)."""

from annotator.model import Entity, Span
from annotator.tui.screens import Picker

SIZE = (120, 36)


async def find(pilot, text):
    await pilot.press("slash", *list(text), "enter")


async def test_relation_between_two_entities_then_delete_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Mazlum Abdi")
        await pilot.press("1")
        await find(pilot, "SDF head")
        await pilot.press("escape", "2")
        await pilot.press("g")
        await find(pilot, "Mazlum")
        await pilot.press("escape", "R")
        await find(pilot, "SDF head")
        await pilot.press("escape", "R")
        assert isinstance(app.screen, Picker)
        await pilot.press(*"member_of", "enter")  # a new type, typed
        await pilot.pause()
        rels = list(app.session.aset.relations.values())
        assert [(r.type, app.session.get(r.arg1).text, app.session.get(r.arg2).text) for r in rels] == [
            ("member_of", "Mazlum Abdi", "SDF")
        ]
        assert "relation R1" in str(app.query_one("#details").content)
        await pilot.press("D", "enter")
        await pilot.pause()
        assert app.session.aset.relations == {}
        await pilot.press("u")
        assert "R1" in app.session.aset.relations


async def test_relation_cancelled_with_escape(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Mazlum Abdi")
        await pilot.press("1", "R", "escape")
        assert app.relation_from is None
        assert app.session.aset.relations == {}


async def test_discontinuous_span_is_painted_and_deletable(make_app):
    app = make_app()
    text = app.session.text
    a = text.index("Syrian Democratic Forces")
    b = text.index("(SDF)") + 1
    ent = Entity("T1", "ORG", Span.from_fragments(text, [(a, a + 6), (b, b + 3)]), by="import")
    async with app.run_test(size=SIZE) as pilot:
        app.session.add_many("import", [ent])
        await pilot.pause()
        view = app.view
        # Both fragments carry the entity; the words between them do not.
        assert [m.ann_id for m in app.session.marks.at(a)] == ["T1"]
        assert [m.ann_id for m in app.session.marks.at(b)] == ["T1"]
        assert app.session.marks.at(a + 8) == []
        view.move_to(b)
        await pilot.press("x")
        assert app.session.aset.entities == {}


async def test_a_schema_that_declares_its_relation_types_is_offered_only_those(make_app, tmp_path):
    """The picker took a new type typed in even when the schema declares its types:
    the file was saved with it, and then neither validate nor the app would open it."""
    from annotator import store
    from annotator.schema import default_schema

    schema = default_schema()
    schema = type(schema)(schema.entities, schema.events, relation_types=("allied_with", "member_of"))
    app = make_app(schema=schema)
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Mazlum Abdi")
        await pilot.press("1")
        await find(pilot, "SDF head")
        await pilot.press("escape", "2", "g")
        await find(pilot, "Mazlum")
        await pilot.press("escape", "R")
        await find(pilot, "SDF head")
        await pilot.press("escape", "R")
        assert isinstance(app.screen, Picker) and not app.screen.allow_new
        await pilot.press(*"enemy_of", "enter")  # no such choice: nothing made
        await pilot.pause()
        assert app.session.aset.relations == {}
        assert isinstance(app.screen, Picker)  # (still open: no choice matches)
        await pilot.press("escape", "g")  # cancelled; again
        await find(pilot, "Mazlum")
        await pilot.press("escape", "R")
        await find(pilot, "SDF head")
        await pilot.press("escape", "R", *"member", "enter")
        await pilot.pause()
        assert [r.type for r in app.session.aset.relations.values()] == ["member_of"]
        await pilot.press("q")
    path = store.annotation_path(app.articles[0], app.annotations_dir)
    assert store.read(path, schema=schema).checked().relations["R1"].type == "member_of"


def test_the_session_refuses_a_relation_type_its_schema_lacks(tmp_path):
    import pytest

    from annotator.model import AnnotationSet, Document
    from annotator.schema import default_schema
    from annotator.session import Session

    base = default_schema()
    schema = type(base)(base.entities, base.events, relation_types=("member_of",))
    text = "Abdi of the SDF."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 4))
    aset.entities["T2"] = Entity("T2", "ORG", Span.of(text, 12, 15))
    s = Session(aset, schema)
    with pytest.raises(ValueError, match="'enemy_of' is not in the schema"):
        s.add_relation("enemy_of", "T1", "T2")
    assert s.add_relation("member_of", "T1", "T2").type == "member_of"
