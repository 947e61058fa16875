"""A selection that covers exactly an entity is that entity (issue 14, bug 1)."""

from annotator.tui.screens import Picker

SIZE = (120, 36)


async def find(pilot, text):
    await pilot.press("slash", *list(text), "enter")


async def _capture_event_with_sdf(pilot, app):
    await find(pilot, "Syrian Democratic Forces")
    await pilot.press("2")  # ORG
    await pilot.press("g")
    await find(pilot, "captured")
    await pilot.press("e", *list("captu"), "enter")
    await pilot.pause()
    assert app.active_event is not None
    return app.active_event


async def test_r_on_a_found_entity_asks_its_role(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        ev_id = await _capture_event_with_sdf(pilot, app)
        (sdf,) = [e for e in app.session.aset.entities.values() if e.text == "Syrian Democratic Forces"]
        await pilot.press("g")
        await find(pilot, "Syrian Democratic Forces")
        assert app.view.selection == (sdf.start, sdf.end)
        await pilot.press("r")
        assert isinstance(app.screen, Picker)
        assert "Role of" in app.screen.title_text  # not "Label for ..."
        await pilot.press(*list("agent"), "enter")
        await pilot.pause()
        ev = app.session.aset.events[ev_id]
        assert [(a.role, a.ref) for a in ev.arguments] == [("Agent", sdf.id)]
        assert len(app.session.aset.entities) == 1  # no second entity on the same span


async def test_digit_on_a_found_entity_relabels_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("2")
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("8")
        ents = list(app.session.aset.entities.values())
        assert [(e.label, e.text) for e in ents] == [("MISC", "Syrian Democratic Forces")]


async def test_x_on_a_found_entity_deletes_that_entity(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Syrian")
        await pilot.press("6")  # NORP inside the ORG
        await pilot.press("g")
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("2")
        await pilot.press("g")
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("x")
        assert [(e.label, e.text) for e in app.session.aset.entities.values()] == [("NORP", "Syrian")]


async def test_a_picker_says_when_nothing_matches(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "captured")
        await pilot.press("e", *list("zzz"))
        picker = app.screen
        assert isinstance(picker, Picker)
        note = picker.query_one("#picker-note")
        assert note.display and "no choice matches 'zzz'" in str(note.content)
        await pilot.press("enter")
        assert isinstance(app.screen, Picker)  # still open, still saying so
        assert "no choice matches" in str(note.content)
        await pilot.press("backspace", "backspace", "backspace")
        assert not note.display
