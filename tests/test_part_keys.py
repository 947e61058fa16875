"""`.` and `,` walk the parts of the event or attribution at the cursor, in
order: an attribution's source, cue and content (an event's trigger, then its
arguments), whatever else the part they land on belongs to. On an attribution
they walked the active event's parts, or jumped to the parts of an event that
the source entity (or a word of the content) was also part of."""

import shutil
from pathlib import Path

SIZE = (120, 30)
GOLD = Path(__file__).resolve().parent.parent / "annotations" / "sdf-captures-deir-el-zor.yaml"


def _gold_app(make_app, tmp_path):
    (tmp_path / "annotations").mkdir()
    shutil.copyfile(GOLD, tmp_path / "annotations" / GOLD.name)  # A1..A7, E1.., entities
    return make_app()


async def walk(pilot, app, *keys):
    """Where each key left the cursor (the text there) and what it said."""
    out = []
    for key in keys:
        await pilot.press(key)
        c = app.view.cursor
        out.append((app.session.text[c:c + 4], app.message))
    return out


async def test_on_an_attributions_cue_with_an_event_active_the_keys_walk_the_attribution(make_app, tmp_path):
    app = _gold_app(make_app, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"captured", "enter", "escape", "e")  # E1 active
        assert app.active_event == "E1"
        await pilot.press("slash", *"said that", "enter", "escape")  # A1's cue
        got = await walk(pilot, app, "full_stop", "full_stop", "full_stop", "comma", "comma")
        assert got == [
            ("by F", "A1 content (3 of 3)"),
            ("Two ", "A1 source (1 of 3)"),
            ("said", "A1 cue (2 of 3)"),
            ("Two ", "A1 source (1 of 3)"),
            ("by F", "A1 content (3 of 3)"),
        ]
        assert app.active_event == "E1"  # still active: r adds to it


async def test_from_an_attributions_source_entity_and_content_the_keys_walk_it_in_order(make_app, tmp_path):
    app = _gold_app(make_app, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Omar Abu Layla", "enter", "escape")  # T22, A2's source
        got = await walk(pilot, app, "full_stop", "full_stop", "full_stop")
        assert got == [("told", "A2 cue (2 of 3)"), ("Syri", "A2 content (3 of 3)"), ("Omar", "A2 source (1 of 3)")]
        # A3's content comes before its source in the text: still source, cue, content
        await pilot.press("slash", *"Shortly afterwards", "enter", "escape")
        got = await walk(pilot, app, "full_stop", "full_stop", "full_stop")
        assert got == [("two ", "A3 source (1 of 3)"), ("told", "A3 cue (2 of 3)"), ("Shor", "A3 content (3 of 3)")]


async def test_an_events_walk_goes_on_through_an_argument_inside_an_attributions_content(make_app, tmp_path):
    app = _gold_app(make_app, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"taken full control", "enter", "escape")  # E3's trigger, in A1's content
        got = await walk(pilot, app, "full_stop", "full_stop", "full_stop", "full_stop")
        assert [said.split(" (")[0] for _, said in got] == ["E3 Agent", "E3 Place", "E3 Time", "E3 trigger"]
        await pilot.press("slash", *"known as", "enter", "escape")  # a word of A1's content only
        got = await walk(pilot, app, "full_stop")
        assert got == [("Two ", "A1 source (1 of 3)")]
