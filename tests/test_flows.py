"""Events and attributions made with the keyboard (issue 3 flows)."""

from annotator.model import Ref
from annotator.tui.screens import Picker

SIZE = (120, 36)


async def find(pilot, text):
    await pilot.press("slash", *list(text), "enter")


async def make_capture_event(pilot, app):
    await pilot.press("g")
    await find(pilot, "captured")
    await pilot.press("e")
    assert isinstance(app.screen, Picker)
    await pilot.press(*list("captu"), "enter")
    await pilot.pause()
    return app.active_event


async def test_event_with_type_picker_then_roles(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Iraq")
        await pilot.press("3")
        ev_id = await make_capture_event(pilot, app)
        ev = app.session.aset.events[ev_id]
        assert (ev.type, ev.trigger.text) == ("Conflict.Capture", "captured")
        # r on an existing entity: pick the role.
        await pilot.press("g")
        await find(pilot, "Iraq")
        await pilot.press("escape", "r")
        assert isinstance(app.screen, Picker)
        await pilot.press(*list("place"), "enter")
        await pilot.pause()
        ev = app.session.aset.events[ev_id]
        assert [(a.role, app.session.get(a.ref).text) for a in ev.arguments] == [("Place", "Iraq")]
        # r on a selection that is not an entity: label first, then role, one undo step.
        await find(pilot, "Friday")
        await pilot.press("r")
        await pilot.press(*list("DATE"), "enter")
        await pilot.pause()
        await pilot.press(*list("time"), "enter")
        await pilot.pause()
        ev = app.session.aset.events[ev_id]
        roles = {a.role: app.session.get(a.ref) for a in ev.arguments}
        assert roles["Time"].label == "DATE" and roles["Time"].text == "Friday"
        assert text[roles["Time"].start : roles["Time"].end] == "Friday"
        await pilot.press("u")
        ev = app.session.aset.events[ev_id]
        assert [a.role for a in ev.arguments] == ["Place"]
        assert not any(e.text == "Friday" for e in app.session.aset.entities.values())


async def test_event_cancel_at_each_step_creates_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "captured")
        await pilot.press("e", "escape")
        await pilot.pause()
        assert app.session.aset.events == {}
        assert not isinstance(app.screen, Picker)
        ev_id = await make_capture_event(pilot, app)
        await find(pilot, "Syria")
        await pilot.press("r", "escape")  # label picker cancelled
        await pilot.pause()
        await pilot.press("r", "1", "escape")  # filter, then cancel
        await pilot.pause()
        await find(pilot, "Syria")
        await pilot.press("r", "enter")  # first label (PER) picked
        await pilot.pause()
        await pilot.press("escape")  # role picker cancelled
        await pilot.pause()
        assert app.session.aset.events[ev_id].arguments == ()
        assert app.session.aset.entities == {}


async def test_retype_remove_argument_delete_and_activate(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Iraq")
        await pilot.press("3")
        ev_id = await make_capture_event(pilot, app)
        await pilot.press("g")
        await find(pilot, "Iraq")
        await pilot.press("escape", "r", *list("place"), "enter")
        await pilot.pause()
        # e on the active event's trigger: change its type.
        await pilot.press("g")
        await find(pilot, "captured")
        await pilot.press("escape", "e")
        await pilot.press(*list("attack"), "enter")
        await pilot.pause()
        assert app.session.aset.events[ev_id].type == "Conflict.Attack"
        # r on an argument: remove it.
        await pilot.press("g")
        await find(pilot, "Iraq")
        await pilot.press("escape", "r", *list("remove"), "enter")
        await pilot.pause()
        assert app.session.aset.events[ev_id].arguments == ()
        # a second event, then make the first active again with e on its trigger.
        await find(pilot, "retook")
        await pilot.press("e", *list("capture"), "enter")
        await pilot.pause()
        second = app.active_event
        assert second != ev_id
        await pilot.press("g")
        await find(pilot, "captured")
        await pilot.press("escape", "e")
        assert app.active_event == ev_id
        # delete the event with x on its trigger, and undo it.
        await pilot.press("x")
        assert ev_id not in app.session.aset.events
        assert app.active_event is None
        await pilot.press("u")
        assert ev_id in app.session.aset.events


async def test_deleting_an_argument_entity_keeps_the_event(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Iraq")
        await pilot.press("3")
        ev_id = await make_capture_event(pilot, app)
        await pilot.press("g")
        await find(pilot, "Iraq")
        await pilot.press("escape", "r", *list("place"), "enter")
        await pilot.pause()
        await pilot.press("x")
        assert ev_id in app.session.aset.events
        assert app.session.aset.events[ev_id].arguments == ()
        assert "argument of" in app.message
        await pilot.press("u")
        assert app.session.aset.events[ev_id].arguments[0].role == "Place"


async def test_attribution_flow_with_entity_source(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Mazlum Abdi")
        await pilot.press("1", "a")
        assert app.draft is not None
        await find(pilot, "told reporters")
        await pilot.press("enter")
        # Content: from "his forces" to the end of the sentence (sentence motion).
        await find(pilot, "his forces")
        await pilot.press("escape", "v", "right_parenthesis", "enter")
        at = next(iter(app.session.aset.attributions.values()))
        assert at.source == Ref("T1")
        assert at.cue.text == "told reporters"
        assert at.content.text.startswith("his forces had “channels")
        assert at.content.text.endswith("Aleppo city.")
        assert at.type == "mixed"
        assert app.draft is None
        await pilot.press("u")
        assert app.session.aset.attributions == {}


async def test_attribution_span_source_and_cancel_at_each_step(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Two security sources based in eastern Syria")
        await pilot.press("a", "escape")
        assert app.draft is None
        await find(pilot, "Two security sources based in eastern Syria")
        await pilot.press("a")
        await find(pilot, "said")
        await pilot.press("enter", "escape")
        assert app.draft is None and app.session.aset.attributions == {}
        await find(pilot, "Two security sources based in eastern Syria")
        await pilot.press("a")
        await find(pilot, "said")
        await pilot.press("enter")
        await find(pilot, "by Friday")
        await pilot.press("escape", "v")
        await find(pilot, "in a week")
        await pilot.press("enter")
        at = next(iter(app.session.aset.attributions.values()))
        assert at.source.text == "Two security sources based in eastern Syria"
        assert at.cue.text == "said"
        assert at.content.text.startswith("by Friday afternoon") and at.content.text.endswith("in a week")
        assert at.type == "indirect"
        # t sets the type; a on it edits a part.
        await pilot.press("t", *list("direct"), "enter")
        await pilot.pause()
        assert app.session.aset.attributions[at.id].type == "direct"
        await pilot.press("a", *list("cue"), "enter")
        await pilot.pause()
        await find(pilot, "said that")
        await pilot.press("enter")
        assert app.session.aset.attributions[at.id].cue.text == "said that"


async def test_part_jumps_walk_an_event(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Iraq")
        await pilot.press("3")
        ev_id = await make_capture_event(pilot, app)
        await pilot.press("g")
        await find(pilot, "Iraq")
        await pilot.press("escape", "r", *list("place"), "enter")
        await pilot.pause()
        await pilot.press("g", "full_stop")  # off the event: the active event's walk, from its first part
        assert app.view.cursor == text.index("captured")
        await pilot.press("full_stop")
        assert app.view.cursor == text.index("Iraq")
        await pilot.press("full_stop")
        assert app.view.cursor == text.index("captured")
        await pilot.press("comma")
        assert app.view.cursor == text.index("Iraq")


async def test_clause_and_sentence_motions_extend_a_selection(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Two security")
        await pilot.press("v", "right_curly_bracket")
        # "Two security sources ... afternoon the alliance" stops before the comma.
        s, e = app.view.selection
        assert text[s:e] == "Two security sources based in eastern Syria said that by Friday afternoon the alliance"
        await pilot.press("right_parenthesis")
        s, e = app.view.selection
        assert text[s:e].endswith("control in a week.")
        await pilot.press("left_parenthesis")
        assert app.view.cursor == text.index("Two security")
        await pilot.press("escape", "right_curly_bracket", "left_curly_bracket")
        assert app.view.selection is None
        assert app.view.cursor == text.index("Two security")
