"""The widgets made cheap for speed (issue 10) still behave: the one-line key
footer, inputs that skip the screen layout, the fixed-height picker, and the
article's drawn rows kept across focus changes."""

from annotator.tui.article_view import ArticleView
from annotator.tui.footer import KeyFooter
from annotator.tui.screens import Picker

SIZE = (120, 36)


def footer_descriptions(app) -> list[str]:
    return [d for _k, _disp, d, _en in app.screen.query_one(KeyFooter).items]


async def test_footer_follows_the_focus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = footer_descriptions(app)
        assert "Find" in shown and "Select" in shown and "Cancel" not in shown
        await pilot.press("slash")
        await pilot.pause()
        shown = footer_descriptions(app)
        assert "Cancel" in shown and "Select" not in shown  # the find bar's keys, not the article's
        await pilot.press("escape")
        await pilot.pause()
        assert "Select" in footer_descriptions(app)


async def test_click_on_a_footer_key_presses_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        keys = {key: (x0, x1) for x0, x1, key in footer._cells}
        x0, x1 = keys["slash"]
        await pilot.click(KeyFooter, offset=((x0 + x1) // 2, 0))
        await pilot.pause()
        assert app.find_bar.display and app.focused is app.find_bar
        await pilot.press("escape")
        x0, x1 = keys["ctrl+p"]  # the palette's key, at the right edge
        assert x1 == footer.size.width
        await pilot.click(KeyFooter, offset=(x0 + 1, 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "QuickPalette"


async def test_long_query_scrolls_in_the_find_bar_and_finds(make_app):
    app = make_app()
    text = app.session.text
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        bar = app.find_bar
        query = "x" * 150
        await pilot.press(*query)
        assert bar.value == query
        assert bar.scroll_x > 0  # the cursor stays in view without a layout
        await pilot.press(*["backspace"] * 150, *"Qereman", "enter")
        start = text.index("Qereman")
        assert app.view.selection == (start, start + len("Qereman"))


async def test_picker_filters_in_a_list_of_fixed_height(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        lst = app.screen.query_one("#picker-list")
        height = lst.size.height
        assert lst.option_count == len(app.schema.event_names)
        await pilot.press(*"capt")
        await pilot.pause()
        ids = [lst.get_option_at_index(i).id for i in range(lst.option_count)]
        assert ids and all("capt" in i.lower() or "capt" in app.screen.hints.get(i, "").lower() for i in ids)
        assert len(ids) < len(app.schema.event_names)
        assert lst.size.height == height  # the box did not move
        await pilot.press("escape")


async def test_focus_changes_keep_the_drawn_rows_a_theme_change_does_not(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one("#article", ArticleView)
        drawn = view.renders
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert view.renders == drawn  # no row drawn again: the cached strips were kept
        app.theme = "textual-light"
        await pilot.pause()
        assert view.renders > drawn  # new colours: every row on screen drawn again


async def test_a_picker_of_two_choices_shows_both_inside_its_border(make_app):
    """The list's height counts its border: two choices (the attribute editor of a
    PER: Wikidata and the note) are both on screen, not an empty box."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(Picker("two", ["alpha", "beta"]))
        await pilot.pause()
        lst = app.screen.query_one("#picker-list")
        assert lst.content_region.height >= 2
        rows = [app.screen._compositor.render_strips()[y].text for y in range(SIZE[1])]
        assert any("alpha" in r for r in rows) and any("beta" in r for r in rows)


async def test_a_picker_is_as_high_as_its_wrapped_choices(make_app):
    """Choices with long hints wrap: the list counts their rows, so every row is on
    screen without a scrollbar (the event types of the default schema wrap)."""
    app = make_app()
    hints = {"one": "a hint " * 12, "two": "short", "three": "another long hint " * 4}
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(Picker("wrapped", list(hints), hints))
        await pilot.pause()
        lst = app.screen.query_one("#picker-list")
        assert lst.virtual_size.height > lst.option_count  # they do wrap
        assert lst.virtual_size.height <= lst.scrollable_content_region.height
        assert not lst.show_vertical_scrollbar
