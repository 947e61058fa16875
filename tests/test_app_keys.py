"""Each key of the app, driven with Pilot on the seed article."""

import yaml

from annotator.model import SUGGESTED, Entity, Span

SIZE = (120, 36)


async def find(pilot, text):
    await pilot.press("slash", *list(text), "enter")


def yaml_of(app):
    return yaml.safe_load(app.session.yaml_path.read_text(encoding="utf-8"))


async def test_find_label_quit_writes_the_spec_example(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Orhan Qereman")
        assert app.view.selection == (3, 16)
        await pilot.press("1", "q")
    data = yaml_of(app)
    ent = data["entities"][0]
    assert {k: ent[k] for k in ("label", "start", "end", "text")} == {
        "label": "PER",
        "start": 3,
        "end": 16,
        "text": "Orhan Qereman",
    }
    assert ent["by"] == "tester"


async def test_digit_on_token_then_relabel_then_undo_redo(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "HASAKEH")
        await pilot.press("escape")  # drop the selection: the cursor stays on the token
        assert app.view.selection is None
        await pilot.press("3")
        ent = app.session.aset.entities["T1"]
        assert (ent.label, ent.text) == ("GPE", "HASAKEH")
        await pilot.press("4")  # on an entity with no selection: relabel
        assert app.session.aset.entities["T1"].label == "LOC"
        await pilot.press("u")
        assert app.session.aset.entities["T1"].label == "GPE"
        await pilot.press("u")
        assert app.session.aset.entities == {}
        await pilot.press("ctrl+r")
        assert app.session.aset.entities["T1"].label == "GPE"
        await pilot.press("ctrl+y")
        assert app.session.aset.entities["T1"].label == "LOC"
        await pilot.press("ctrl+z")
        assert app.session.aset.entities["T1"].label == "GPE"


async def test_select_with_v_and_shift_arrows(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Orhan")
        await pilot.press("escape", "v", "right")
        assert app.view.selection == (3, 16)
        await pilot.press("shift+right")  # extend by one more token: "HASAKEH" (next line)
        assert app.view.selection == (3, 24)
        await pilot.press("shift+left")
        assert app.view.selection == (3, 16)
        await pilot.press("2")
        assert app.session.aset.entities["T1"].text == "Orhan Qereman"
        assert app.view.selection is None


async def test_shift_arrows_extend_a_found_selection_from_its_ends(make_app):
    """A find's match is anchored at its last token, the cursor on its first:
    shift+right shrank "Orhan Qereman" to "Qereman" instead of extending it."""
    app = make_app()
    text = app.session.text
    hasakeh = text.index("HASAKEH")
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Orhan Qereman")
        await pilot.press("shift+right")
        assert app.view.selection == (3, hasakeh + 7)  # "Orhan Qereman\nHASAKEH"
        await pilot.press("shift+left")
        assert app.view.selection == (3, 16)
        await pilot.press("escape", "g")
        await find(pilot, "Orhan Qereman")
        await pilot.press("shift+left")
        assert app.view.selection == (0, 16)  # "By Orhan Qereman"
        await pilot.press("escape", "g")
        await find(pilot, "Qere")  # a part of a word: the extension takes whole tokens
        await pilot.press("shift+right")
        assert app.view.selection == (9, hasakeh + 7)
        await pilot.press("escape")
        await find(pilot, "Two security")  # a motion that extends goes on from the match's end too
        start = text.index("Two security")
        await pilot.press("right_parenthesis")
        sel = app.view.selection
        assert sel[0] == start and text[sel[0]:sel[1]].endswith("in a week.")
        await pilot.press("escape", "g")
        await find(pilot, "Orhan Qereman")
        await pilot.press("shift+right", "1")
        assert app.session.aset.entities["T1"].text == "Orhan Qereman\nHASAKEH"


async def test_a_plain_move_after_a_find_drops_the_match_and_the_next_find_selects_its_own(make_app):
    """The tester's case: after a find, g (or right, pagedown) made the match an
    extending selection anchored at its last token; the next find extended it and
    the digit tagged 300 characters ("Forces (SDF), had taken ... fighters")."""
    app = make_app()
    text = app.session.text
    second = text.index("Iran-backed Iraqi fighters")
    async with app.run_test(size=SIZE) as pilot:
        for move in ("g", "right", "pagedown", "left", "down", "G", "end"):
            await pilot.press("g")
            await find(pilot, "Syrian Democratic Forces")
            await pilot.press(move)
            assert app.view.selection is None, move  # only the cursor moved
            assert not app.view.extending
        await pilot.press("g")
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("g")
        await find(pilot, "Iran-backed Iraqi fighters")
        assert app.view.selection == (second, second + 26)
        await pilot.press("2", "q")
    assert [(e["start"], e["end"], e["text"]) for e in yaml_of(app)["entities"]] == [
        (second, second + 26, "Iran-backed Iraqi fighters")]


async def test_a_find_after_a_find_selects_the_new_match(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Syrian Democratic Forces")
        await find(pilot, "Deir el-Zor")
        s, e = app.view.selection
        assert text[s:e] == "Deir el-Zor"
        await pilot.press("n")  # n replaces it with the next match
        s2, e2 = app.view.selection
        assert s2 > s and text[s2:e2] == "Deir el-Zor"


async def test_a_find_extends_a_v_selection_or_an_extended_match(make_app):
    """Kept: with a v-selection (or a match grown by shift+arrows), a find extends
    it to the match's end (README: "/text enter extends the selection")."""
    app = make_app()
    text = app.session.text
    orhan = text.index("Orhan")
    hasakeh = text.index("HASAKEH")
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Orhan")
        await pilot.press("escape", "v")
        assert app.view.extending
        await find(pilot, "HASAKEH")
        assert app.view.selection == (orhan, hasakeh + 7)
        await pilot.press("right")  # moves go on extending a v-selection
        assert app.view.selection[0] == orhan and app.view.selection[1] > hasakeh + 7
        await pilot.press("escape", "g")
        await find(pilot, "Orhan")
        await pilot.press("shift+right")  # an explicit extension of a match
        assert app.view.selection == (orhan, orhan + len("Orhan Qereman"))
        await find(pilot, "HASAKEH")
        assert app.view.selection == (orhan, hasakeh + 7)
        await pilot.press("1")
        assert app.session.aset.entities["T1"].text == "Orhan Qereman\nHASAKEH"


async def test_delete_and_jump_between_annotations(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Syria")
        await pilot.press("3")
        await find(pilot, "Reuters")
        await pilot.press("2")
        await pilot.press("g")
        assert app.view.cursor == 0
        await pilot.press("right_square_bracket")
        assert app.view.cursor == app.session.aset.entities["T1"].start
        await pilot.press("right_square_bracket")
        assert app.view.cursor == app.session.aset.entities["T2"].start
        await pilot.press("left_square_bracket")
        assert app.view.cursor == app.session.aset.entities["T1"].start
        await pilot.press("x")
        assert "T1" not in app.session.aset.entities
        await pilot.press("right_square_bracket", "delete")
        assert app.session.aset.entities == {}


async def test_find_next_and_previous_match(make_app):
    app = make_app()
    text = app.session.text
    first = text.index("SDF")
    second = text.index("SDF", first + 1)
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "SDF")
        assert app.view.selection == (first, first + 3)
        await pilot.press("n")
        assert app.view.selection == (second, second + 3)
        await pilot.press("N")
        assert app.view.selection == (first, first + 3)


async def test_find_escape_cancels_and_typing_goes_to_the_prompt(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "1", "x", "q", "escape")
        assert app.session.aset.entities == {}
        assert app.is_running
        assert app.view.has_focus


async def test_ctrl_s_saves_and_autosave_follows_a_change(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Syria")
        await pilot.press("3", "ctrl+s")
        assert yaml_of(app)["entities"][0]["text"] == "Syria"
        await find(pilot, "Iraq")
        await pilot.press("3")
        assert app.session.dirty
        await pilot.pause(1.0)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.session.dirty
        assert [e["text"] for e in yaml_of(app)["entities"]] == ["Syria", "Iraq"]


async def test_help_lists_every_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        from annotator.tui.screens import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        keys = {k for ks, _ in app.screen.rows for k in ks.split()}  # as the footer shows them
        for key in ("/", "^s", "q", "u", "x", "]", "v", "e", "r", "a", "tab", "y"):
            assert key in keys
        intro = str(app.screen.query_one("#help-intro").content)
        for flow in ("Events:", "press r to pick the", "Attributions:", "told Reuters", "Suggestions:",
                     "the arrows or h j k l", "u undoes, ctrl+r redoes", "/text enter", "A digit tags"):
            assert flow in intro
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_a_label_command(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Reuters")
        await pilot.press("ctrl+p")
        await pilot.press(*list("label as org"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        ents = list(app.session.aset.entities.values())
        assert [(e.label, e.text) for e in ents] == [("ORG", "Reuters")]


async def test_suggestion_review_keys(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        s1, s2 = text.index("Syria"), text.index("Iraq")
        app.session.add_many(
            "suggest",
            [
                Entity("T1", "GPE", Span.of(text, s1, s1 + 5), status=SUGGESTED, by="rules", score=0.9),
                Entity("T2", "PER", Span.of(text, s2, s2 + 4), status=SUGGESTED, by="rules", score=0.4),
            ],
        )
        await pilot.press("g", "tab")
        assert app.view.cursor == s1
        await pilot.press("y")
        assert app.view.cursor == s2
        await pilot.press("x", "q")
    ents = {e["id"]: e for e in yaml_of(app)["entities"]}
    assert ents["T1"].get("status", "accepted") == "accepted"
    assert ents["T1"]["suggested_by"] == "rules" and ents["T1"]["by"] == "tester"
    assert ents["T2"]["status"] == "rejected"


async def test_mouse_click_places_cursor(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.view
        # Row 0 of the article is "By Orhan Qereman"; click on "Orhan" (cell 5 + padding).
        await pilot.click("#article", offset=(1 + 5, 0))
        assert view.cursor_token == (3, 8)
