"""A read-only article (another annotator holds its lock) tells the user, at
each editing key, that it is read-only and who holds it; nothing changes, and
the toasts do not pile up (the keys were dropped in silence)."""

from annotator import workspace as workspaces

SIZE = (100, 30)

#: the editing keys of SPEC.md and the app's other changes
EDITING_KEYS = ["1", "x", "delete", "u", "ctrl+z", "ctrl+r", "ctrl+y", "y", "e", "r", "a", "t", "i", "R", "D", "ctrl+s"]


async def test_each_editing_key_on_a_read_only_article_says_who_holds_it(make_app, seed_copy, tmp_path):
    first = make_app(user="alice")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syria", "enter", "3", "q")  # alice tagged one, saved
    held = workspaces.open_article(seed_copy, tmp_path / "annotations", first.schema, user="alice")
    try:
        yaml_path = held.yaml_path
        before = yaml_path.read_bytes()
        app = make_app(user="bob")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.session.read_only
            entities = dict(app.session.aset.entities)
            await pilot.press("slash", *"Syria", "enter")  # finding still works: a selection to act on
            for key in EDITING_KEYS:
                app.message = ""
                await pilot.press(key)
                assert app.screen is app.screen_stack[0], key  # no picker opened
                assert app.message == "read-only, nothing changed: alice has it open", (key, app.message)
                assert app._status_text.endswith(app.message)
            assert dict(app.session.aset.entities) == entities and not app.session.dirty
            told = [n for n in app._notifications if "read-only, nothing changed" in n.message]
            assert len(told) == 1 and told[0].severity == "warning"  # one toast, not one for each key
            assert "alice (user " in told[0].message and " pid " in told[0].message  # where it is held
            app.message = ""
            await pilot.press("right", "question_mark")  # keys that change nothing say nothing of it
            assert "read-only" not in app.message
        assert yaml_path.read_bytes() == before
    finally:
        held.close()
