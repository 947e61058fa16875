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
