"""Keys typed ahead reach the widget they were typed for, in order (issue 14, bug 2).

The keys are posted to the app all at once, as a terminal delivers a clump of
keystrokes, and the result is compared with the same keys pressed one by one."""

import asyncio

from textual import events


SIZE = (120, 36)

NAMES = {"/": "slash", "\r": "enter", "\x1b": "escape", " ": "space", ".": "full_stop"}


def key_events(keys: str):
    for ch in keys:
        name = NAMES.get(ch, ch)
        char = None if ch in "\r\x1b" else ch
        yield events.Key(name, char)


def summary(aset):
    ents = sorted((e.label, e.text, e.start) for e in aset.entities.values())
    evs = sorted((ev.type, ev.trigger.text, tuple(sorted(a.role for a in ev.arguments))) for ev in aset.events.values())
    return ents, evs


def _state(app):
    find_open = app.find_bar.display if app.query("#find") else False
    return summary(app.session.aset), find_open, type(app.screen).__name__


async def run_keys(make_app, keys: str, *, at_once: bool, until=None):
    """The state the keys leave. ``at_once`` with ``until`` (the state of the same keys
    pressed one by one): wait up to 10 s for the clump to reach it (a loaded machine
    takes its time); a state that never comes is returned as it is then, and differs."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if at_once:
            for ev in key_events(keys):
                app.post_message(ev)
            await pilot.pause()
            await pilot.pause(0.2)
            await pilot.pause()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while until is not None and _state(app) != until and loop.time() < deadline:
                await pilot.pause(0.05)
            await pilot.pause(0.1)  # and nothing after it
        else:
            await pilot.press(*[e.key for e in key_events(keys)])
        return _state(app)


async def test_find_then_label_typed_at_once(make_app):
    keys = "/activist\r8"
    one_by_one = await run_keys(make_app, keys, at_once=False)
    at_once = await run_keys(make_app, keys, at_once=True, until=one_by_one)
    assert one_by_one[0][0] == [("MISC", "activist", one_by_one[0][0][0][2])]
    assert at_once == one_by_one
    assert at_once[1] is False  # the find bar closed


async def test_two_finds_then_label_typed_at_once(make_app):
    keys = "/activist\r/protests\r8"
    one_by_one = await run_keys(make_app, keys, at_once=False)
    at_once = await run_keys(make_app, keys, at_once=True, until=one_by_one)
    assert [e[:2] for e in one_by_one[0][0]] == [("MISC", "protests")]
    assert one_by_one[0][1] == []  # no event made out of the letters
    assert at_once == one_by_one


async def test_event_and_role_through_pickers_typed_at_once(make_app):
    keys = "/Iraq\r3g/captured\recaptu\r/Iraq\rrplace\r"
    one_by_one = await run_keys(make_app, keys, at_once=False)
    at_once = await run_keys(make_app, keys, at_once=True, until=one_by_one)
    assert one_by_one[0][1] == [("Conflict.Capture", "captured", ("Place",))]
    assert at_once == one_by_one
    assert at_once[2] == "QuietFocusScreen"  # the article's own screen: no picker left open


async def test_a_paste_after_keys_waits_its_turn(make_app):
    """`/` then a paste of the query then enter, all at once: the paste goes into the find bar."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Key("slash", "/"))
        app.post_message(events.Paste("activist"))
        app.post_message(events.Key("enter", None))
        app.post_message(events.Key("8", "8"))
        await pilot.pause()
        await pilot.pause(0.2)
        assert [(e.label, e.text) for e in app.session.aset.entities.values()] == [("MISC", "activist")]
