"""The status line's hints, the prompts' placeholders and the help's title name the
keys of the user's keymap (``keymap.key_for``), as the footer and the help do; the
default keys without one. They named the default keys always: with ``find = "f"``
and ``attribution = "w"`` a hint still said "/ extends" and "a on it edits a part"."""

from __future__ import annotations

import pytest

from annotator.tui.keymap import key_for, keys_for, prose
from annotator.tui.screens import AskValue, HelpScreen, Picker

SIZE = (160, 40)

KEYMAP = {
    "find": "f",
    "attribution": "w",
    "attribution_type": "T",
    "cancel": "ctrl+g",
    "confirm": "ctrl+o",
    "article.select": "s",
    "relation": "ctrl+t",
    "undo": "z,ctrl+z",
    "find.cancel": "ctrl+g",
    "picker.cancel": "q,ctrl+b",  # q is typed into the filter: ctrl+b cancels
    "help.close": "f1",
    "attributes": "I",
    "event": "E",
    "role": "o",
    "sentence_end": "ctrl+e",
    "ask.cancel": "ctrl+b",
    "reattach_lost": "ctrl+l",
    "delete": "X",
}

#: binding id -> the key the hints name and the key to press: with KEYMAP, then without a keymap
NAMED = {
    "find": ("f", "f", "/", "slash"),
    "attribution": ("w", "w", "a", "a"),
    "attribution_type": ("T", "T", "t", "t"),
    "cancel": ("ctrl+g", "ctrl+g", "esc", "escape"),
    "confirm": ("ctrl+o", "ctrl+o", "enter", "enter"),
    "article.select": ("s", "s", "v", "v"),
    "relation": ("ctrl+t", "ctrl+t", "R", "R"),
    "undo": ("z", "z", "u", "u"),
    "find.cancel": ("ctrl+g", "ctrl+g", "esc", "escape"),
    "picker.cancel": ("ctrl+b", "ctrl+b", "esc", "escape"),
    "help.close": ("f1", "f1", "esc", "escape"),
    "attributes": ("I", "I", "i", "i"),
    "event": ("E", "E", "e", "e"),
    "role": ("o", "o", "r", "r"),
    "sentence_end": ("ctrl+e", "ctrl+e", ")", "right_parenthesis"),
    "ask.cancel": ("ctrl+b", "ctrl+b", "esc", "escape"),
}


@pytest.fixture(params=["keymap", "default"])
def keyed(request, make_app):
    """An app with KEYMAP or none; binding id -> the key its hints name; -> the key to press."""
    remapped = request.param == "keymap"
    app = make_app(keymap=KEYMAP) if remapped else make_app()
    at = 0 if remapped else 2
    return app, {i: v[at] for i, v in NAMED.items()}, {i: v[at + 1] for i, v in NAMED.items()}


async def find(pilot, press, text):
    await pilot.press(press["find"], *text, "enter")


async def test_the_attribution_hints_name_the_keys_of_the_keymap(keyed):
    app, k, p = keyed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # nothing found yet
        assert app.message == f"nothing to find: press {k['find']} first"
        await find(pilot, p, "Mazlum Abdi")
        await pilot.press("1", p["attribution"])
        assert app.message == (
            f"attribution from T1 'Mazlum Abdi': select the cue ({k['article.select']}, shift+arrows), "
            f"{k['confirm']}; {k['cancel']} cancels"
        )
        await pilot.press(p["attribution"])
        assert app.message == f"finish the attribution step with {k['confirm']}, or {k['cancel']} to cancel"
        await find(pilot, p, "told reporters")
        await pilot.press(p["confirm"])
        assert app.message == (
            f"cue 'told reporters': now select the content (( {k['sentence_end']} by sentence, {{ }} by clause, "
            f"{k['find']} extends), {k['confirm']}"
        )
        await find(pilot, p, "his forces")
        await pilot.press(p["cancel"])
        assert app.message == f"selection cancelled; {k['cancel']} again cancels the attribution"
        await pilot.press(p["article.select"], p["sentence_end"], p["confirm"])
        at = next(iter(app.session.aset.attributions.values()))
        assert app.message == (
            f"{at.id} made ({at.type}); {k['attribution_type']} changes its type, {k['attribution']} on it edits a part"
        )
        # the relation hints
        await find(pilot, p, "Mazlum Abdi")
        await pilot.press(p["relation"])
        assert app.message == f"relation from T1 'Mazlum Abdi': {k['relation']} on the other entity ({k['cancel']} cancels)"


async def test_the_prompts_and_the_help_name_the_keys_of_the_keymap(keyed):
    app, k, p = keyed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.find_bar.placeholder == f"find (enter: select the match, {k['find.cancel']}: cancel)"
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert str(app.screen.query_one("#help-title").content) == f"Keys of annotator   ({k['help.close']} closes)"
        await pilot.press(p["help.close"])
        assert not isinstance(app.screen, HelpScreen)
        # a picker (the event types)
        await find(pilot, p, "captured")
        await pilot.press(p["event"])
        assert isinstance(app.screen, Picker)
        placeholder = app.screen.query_one("#picker-input").placeholder
        assert placeholder == f"type to filter, enter picks, {k['picker.cancel']} cancels"
        await pilot.press(*"zzz", "enter")
        assert str(app.screen.query_one("#picker-note").content).endswith(f"backspace and type again, {k['picker.cancel']} cancels")
        await pilot.press(p["picker.cancel"])
        await pilot.pause()
        assert not isinstance(app.screen, Picker)
        assert app.message == "event cancelled"
        # the attributes, with nothing under the cursor, then a note's prompt
        await pilot.press(p["cancel"], "g")
        await pilot.press(p["attributes"])
        assert app.message == f"no annotation under the cursor: {k['attributes']} works on an entity, a trigger or an attribution"
        await find(pilot, p, "Mazlum Abdi")
        await pilot.press("1", p["attributes"])
        await pilot.pause()
        await pilot.press(*"note", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AskValue)
        assert app.screen.title_text == f"Note on T1 (enter takes it, empty removes it, {k['ask.cancel']} cancels)"
        await pilot.press(p["ask.cancel"])
        await pilot.pause()
        assert app.message == "note: nothing changed"


async def test_an_event_retyped_says_the_undo_key_and_the_role_key(keyed):
    app, k, p = keyed
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(p["role"])
        assert app.message == f"no active event: select a trigger and press {k['event']} (or {k['event']} on a trigger)"
        await find(pilot, p, "captured")
        await pilot.press(p["event"], *"captu", "enter")
        await pilot.pause()
        ev = app.active_event
        assert app.message == f"{ev} Conflict.Capture is active: on an entity, {k['role']} picks its role"


async def test_a_label_picker_names_the_labels_keys_of_the_keymap(make_app):
    """The role picker's label list (r on a plain selection) gives each label's key."""
    app = make_app(keymap={"label_1": "p", "label_3": "ctrl+g"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"captured", "enter", "e", *"captu", "enter")
        await pilot.pause()
        await pilot.press("slash", *"Friday", "enter", "r")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        assert app.screen.hints["PER"].startswith("key p ") and app.screen.hints["GPE"].startswith("key ctrl+g ")
        assert app.screen.hints["ORG"].startswith("key 2 ")


async def test_key_for_reads_the_live_bindings_under_a_modal_and_a_class_not_on_show(make_app):
    from annotator.tui.inputs import FindBar

    app = make_app(keymap={"undo": "z,ctrl+z", "find.cancel": "ctrl+g", "picker.cancel": "q,ctrl+x,ctrl+b"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert keys_for(app, "undo") == ["z", "ctrl+z"] and app.key_for("undo") == "z"
        await pilot.press("ctrl+p")  # a modal on top: the app's keys are off under it, still its keys
        await pilot.pause()
        assert keys_for(app, "undo") == ["z", "ctrl+z"]
        assert key_for(app, "find.cancel", FindBar) == "ctrl+g"  # a prompt not open: as its class has it
        # q is typed into the filter, ctrl+x cuts its text: ctrl+b cancels
        assert key_for(app, "picker.cancel", Picker, typing=True) == "ctrl+b"
        assert key_for(app, "picker.cancel", Picker) == "q"
        assert key_for(app, "no.such.binding") == "(no.such.binding: no key)"
    assert [prose(k) for k in ("slash", "escape", "enter", "ctrl+z", "full_stop", "question_mark")] == \
        ["/", "esc", "enter", "ctrl+z", ".", "?"]


from .test_lost_spans import changed  # noqa: E402,F401  (the fixture: an article that lost spans)


@pytest.mark.parametrize("keymap", [{"reattach_lost": "ctrl+l", "delete": "X"}, None])
async def test_the_lost_span_hints_name_the_keys_of_the_keymap(changed, keymap):
    from annotator.schema import default_schema
    from annotator.tui.app import AnnotatorApp

    article, ann = changed
    app = AnnotatorApp([article], annotations_dir=ann, schema=default_schema(), user="tester", keymap=keymap)
    reattach, delete = ("ctrl+l", "X") if keymap else ("L", "x")
    async with app.run_test(size=(150, 70)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l" if keymap else "L")
        assert app._lost_pick == ("E8", "trigger")
        assert app.message.endswith(f": select its text and press {reattach} to re-attach it, {delete} deletes it")
        await pilot.pause()
        panel = app.query_one("#details").render().plain
        assert f"select its text and press {reattach} to re-attach it; {delete} deletes it" in panel


from .test_adjudicate import files  # noqa: E402,F401  (the fixture: a gold and another side)


@pytest.mark.parametrize("remapped", [True, False])
async def test_the_adjudication_hints_name_the_keys_of_the_keymap(files, remapped):
    from .test_adjudicate import SIZE as ASIZE, make_app as make_adjudication, screen_of

    app = make_adjudication(*files)
    if remapped:
        app.set_keymap({"adjudicate.gold": "ctrl+k", "adjudicate.undo": "z", "adjudicate.next": "w",
                        "adjudicate.quit": "Q", "help.close": "f1"})
    gold, undo, next_, quit_, close = ("ctrl+k", "z", "w", "Q", "f1") if remapped else ("1/a", "u", "n", "q", "esc")
    async with app.run_test(size=ASIZE) as pilot:
        screen = screen_of(app)
        details = str(screen.query_one("#adj-details").content)
        assert f"\n{gold}  keep gold" in details and "\n2/b  take the other side:" in details
        for _ in range(4):
            await pilot.press("ctrl+k" if remapped else "1")
        details = str(screen.query_one("#adj-details").content)
        assert details.endswith(f"nothing left to decide here.\n{undo} undoes; {quit_} saves and quits.")
        await pilot.press("2")
        assert screen.message == f"no open disagreement selected: {next_} goes to the next"
        await pilot.press("question_mark")
        assert str(app.screen.query_one("#help-title").content) == f"Keys of the adjudication view   ({close} closes)"


@pytest.mark.parametrize("remapped", [True, False])
async def test_the_corpus_filter_prompt_names_the_key_that_closes_it(tmp_path, remapped):
    """corpus.close is "escape,C": C is typed into the prompt, esc closes it."""
    from annotator.articles import find_articles
    from annotator.schema import default_schema
    from annotator.tui.app import AnnotatorApp

    from .test_corpus import make_folder
    from .test_corpus_screen import open_corpus

    arts, ann = make_folder(tmp_path)
    (arts / "e-bad.txt").unlink()
    app = AnnotatorApp(find_articles([str(arts)]), annotations_dir=ann, schema=default_schema(), user="carol",
                       lock_files=False, keymap={"corpus.close": "x,ctrl+b"} if remapped else None)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await open_corpus(pilot, app)
        await pilot.press("slash")
        bar = screen.query_one("#corpus-filter")
        assert bar.placeholder.endswith(f"; empty clears; {'ctrl+b' if remapped else 'esc'} cancels")
        await pilot.press(*"x", "ctrl+b" if remapped else "escape")
        assert not bar.display and screen.filters == {}
