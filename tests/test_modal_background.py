"""A modal's dimmed background (screens._FrozenBackground) is what Textual's own
BackgroundScreen draws for a translucent screen, cell for cell and style for style."""

from rich.segment import Segment
from textual.renderables.background_screen import BackgroundScreen
from textual.strip import Strip

from annotator.tui.palette import QuickPalette
from annotator.tui.screens import HelpScreen, Picker


def textual_background(screen) -> list[Strip]:
    app = screen.app
    width, height = screen.size
    below = app.screen_stack[-2]
    options = app.console.options.update(width=width, height=height)
    segments = app.console.render(BackgroundScreen(below, screen.styles.background), options)
    lines = Segment.split_and_crop_lines(segments, width, pad=True, include_new_lines=False)
    return [Strip(line, width).simplify() for line in lines][:height]


async def test_the_dimmed_background_is_textuals(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        # something coloured on the article and in the side list
        await pilot.press("slash", *"Reuters", "enter", "2", "l", "l")
        for keys, kind in ((["e"], Picker), (["question_mark"], HelpScreen), (["ctrl+p"], QuickPalette)):
            await pilot.press(*keys)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, kind)
            screen._background = None
            ours = [line.simplify() for line in screen._background_lines()]
            want = textual_background(screen)
            assert len(ours) == screen.size.height
            assert [list(line) for line in ours] == [list(line) for line in want], kind.__name__
            await pilot.press("escape")
            await pilot.pause()
