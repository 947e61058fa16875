"""The article's and the list's lines put together without Textual's per-line
styling (tui.steady.PlainLines) are the strips Textual's own way makes."""

from textual.geometry import Region
from textual.widget import Widget

from annotator.tui.article_view import ArticleView
from annotator.tui.steady import PlainLines
from annotator.tui.widgets import AnnotationList

from .conftest import seed_gold_in

SIZE = (120, 40)


def same_lines(widget, crop=None):
    crop = crop or Region(0, 0, widget.region.width, widget.region.height)
    ours = PlainLines.render_lines(widget, crop)
    theirs = Widget.render_lines(widget, crop)
    assert len(ours) == len(theirs) == crop.height
    for a, b in zip(ours, theirs):
        assert list(a) == list(b) and a.cell_length == b.cell_length
    return ours


async def test_the_plain_lines_are_textuals(make_app, tmp_path):
    seed_gold_in(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        view, lst = app.query_one(ArticleView), app.query_one(AnnotationList)
        assert isinstance(view, PlainLines) and isinstance(lst, PlainLines)
        for keys in ([], ["l", "l", "v", "l", "l"], ["escape", "right_square_bracket", "j"], ["pagedown", "j"]):
            await pilot.press(*keys)
            await pilot.pause(0.05)
            for widget in (view, lst):
                lines = same_lines(widget)
                assert any(strip.text.strip() for strip in lines)
                same_lines(widget, Region(3, 2, widget.region.width - 5, 7))  # a part of it
        app.theme = "textual-light"
        await pilot.pause(0.1)
        same_lines(view)
        same_lines(lst)
        view.styles.border_left = ("solid", "red")  # Textual's way, as it is not plain
        lst.styles.padding = (1, 0, 0, 2)
        await pilot.pause(0.1)
        same_lines(view)
        same_lines(lst)
        assert same_lines(lst)[0].text.strip() == ""  # (the padding above)
