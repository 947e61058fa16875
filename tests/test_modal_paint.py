"""What opening a modal or the find bar paints (screens._FrozenBackground,
QuietFocusScreen, steady.SteadyScrollbars): the screen below is not laid out or
painted again, a modal's first frame is its only one, the find bar repaints its
own rows, and the palette's rows drawn once a frame are OptionList's rows."""

from textual import _compositor
from textual.widgets import OptionList

from annotator.tui.palette import QuickPalette, _QuickCommandList
from annotator.tui.screens import Picker

SIZE = (120, 40)


class Updates:
    """Every update the compositors render: (root screen's class, update's class)."""

    def __init__(self, monkeypatch) -> None:
        self.seen: list[tuple[str, str]] = []
        original = _compositor.Compositor.render_update

        def render_update(compositor, *args, **kwargs):
            update = original(compositor, *args, **kwargs)
            if update is not None:
                self.seen.append((type(compositor.root).__name__, type(update).__name__))
            return update

        monkeypatch.setattr(_compositor.Compositor, "render_update", render_update)

    def take(self) -> list[tuple[str, str]]:
        seen, self.seen = self.seen, []
        return seen


async def settled(app, pilot) -> None:
    from annotator.tui.footer import KeyFooter

    for _ in range(50):  # the footer is mounted after the first frame
        if app.query(KeyFooter):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)


async def test_a_picker_does_not_lay_out_the_screen_below(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        below = app.screen
        on_top = []  # the screen on top each time the article's screen is laid out
        original = type(below)._refresh_layout

        def spy(screen, *args, **kwargs):
            if screen is below:
                on_top.append(type(app.screen).__name__)
            return original(screen, *args, **kwargs)

        monkeypatch.setattr(type(below), "_refresh_layout", spy)
        for _ in range(2):
            await pilot.press("e")
            await pilot.pause(0.3)
            assert isinstance(app.screen, Picker)
            await pilot.press("escape")
            await pilot.pause(0.3)
        assert "Picker" not in on_top


async def test_a_modal_paints_one_full_frame_as_it_opens(make_app, monkeypatch):
    updates = Updates(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        for key, kind in (("e", "Picker"), ("ctrl+p", "QuickPalette"), ("question_mark", "HelpScreen")):
            updates.take()
            await pilot.press(key)
            await pilot.pause(0.4)
            assert type(app.screen).__name__ == kind
            frames = [u for u in updates.take() if u[0] == kind]
            assert frames == [(kind, "LayoutUpdate")], (kind, frames)
            await pilot.press("escape")
            await pilot.pause(0.3)


async def test_the_find_bar_repaints_its_rows_only(make_app, monkeypatch):
    updates = Updates(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        for key in ("slash", "s", "escape", "slash", "escape"):
            updates.take()
            await pilot.press(key)
            await pilot.pause(0.2)
            assert all(kind == "ChopsUpdate" for _, kind in updates.take()), key
        assert not app.find_bar.display


async def test_the_palettes_rows_are_optionlists_rows(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, QuickPalette)
        lst = app.screen.query_one(_QuickCommandList)
        for key in ("l", "a", "down", "down", "backspace", "x"):
            await pilot.press(key)
            await pilot.pause()
            lst._update_lines()
            height = lst.scrollable_content_region.height
            lst._frame = (lst.scroll_offset.y, lst.highlighted, lst._mouse_hovering_over, {})
            try:
                ours = [lst.render_line(y) for y in range(height)]
            finally:
                lst._frame = None
            theirs = [OptionList.render_line(lst, y) for y in range(height)]
            assert [list(s) for s in ours] == [list(s) for s in theirs], key


async def test_a_resized_palette_draws_its_rows_at_the_new_width(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", "l")
        await pilot.pause(0.3)
        lst = app.screen.query_one(_QuickCommandList)
        before = lst.render_line(0).cell_length
        await pilot.resize_terminal(90, 40)
        await pilot.pause(0.3)
        width = lst.scrollable_content_region.width
        assert width != before
        rows = [lst.render_line(y) for y in range(lst.scrollable_content_region.height)]
        assert all(row.cell_length == width for row in rows)
        assert listed_names(app)[0] in "".join(row.text for row in rows)


def listed_names(app) -> list[str]:
    from textual.command import Command

    return [o.hit.text for o in app.screen.query_one(_QuickCommandList).options if isinstance(o, Command)]
