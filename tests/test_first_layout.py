"""The first frame is laid out with the document's size and its scrollbar
(ArticleView._get_scrollable_region, steady.SteadyScrollbars): the article is not
wrapped while it is painted, which set its size after the layout and took two more
layouts and frames."""

from textual import _compositor

from annotator.tui.article_view import ArticleView
from annotator.tui.widgets import AnnotationList

SIZE = (120, 40)


async def test_the_first_frame_has_the_articles_size_and_scrollbar(make_app, monkeypatch):
    app = make_app()
    seen = []
    original = _compositor.Compositor.render_update

    def render_update(compositor, *args, **kwargs):
        if not seen and app.screen is compositor.root and app.screen.query(ArticleView):
            view = app.screen.query_one(ArticleView)
            bar = view._vertical_scrollbar
            seen.append((view.virtual_size, bar is not None and bar in compositor.full_map, view.scrollable_content_region.width))
        return original(compositor, *args, **kwargs)

    monkeypatch.setattr(_compositor.Compositor, "render_update", render_update)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        view = app.query_one(ArticleView)
        (virtual, scrollbar, width), *_ = seen
        assert virtual.height > view.size.height  # the seed is longer than a screen
        assert scrollbar
        # what the first frame had is what it settled to: no second wrap
        assert (virtual, scrollbar, width) == (view.virtual_size, view.show_vertical_scrollbar, view._width)


async def test_the_side_list_has_its_scrollbar_in_the_first_frame(make_app, monkeypatch, tmp_path):
    import shutil
    from pathlib import Path

    ROOT = Path(__file__).resolve().parent.parent
    (tmp_path / "annotations").mkdir()
    gold = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
    shutil.copyfile(gold, tmp_path / "annotations" / gold.name)
    app = make_app()
    seen = []
    original = _compositor.Compositor.render_update

    def render_update(compositor, *args, **kwargs):
        if not seen and app.screen is compositor.root and app.screen.query(AnnotationList):
            lst = app.screen.query_one(AnnotationList)
            bar = lst._vertical_scrollbar  # placed by this layout, or not
            seen.append((bar is not None and bar in compositor.full_map, lst.scrollable_content_region.width))
        return original(compositor, *args, **kwargs)

    monkeypatch.setattr(_compositor.Compositor, "render_update", render_update)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        lst = app.query_one(AnnotationList)
        assert lst.virtual_size.height > lst.size.height  # the gold's entities: more than the list's rows
        assert seen == [(True, lst.scrollable_content_region.width)]


async def test_a_row_added_to_a_long_list_lays_nothing_out_again(make_app, monkeypatch, tmp_path):
    """A tag adds a row to the side list: its scrollbar's thumb follows, but the
    screen is not laid out again (a layout reactive would: a second frame, 20 ms
    a key). A list that comes to overflow gets its scrollbar (that needs a layout);
    the list never has a horizontal bar."""
    from textual.screen import Screen

    from tests.conftest import seed_gold_in

    seed_gold_in(tmp_path)
    app = make_app()
    layouts = []
    original = Screen._refresh_layout

    def _refresh_layout(screen, *args, **kwargs):
        if screen._layout_required:
            layouts.append(1)
        return original(screen, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", _refresh_layout)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        lst = app.query_one(AnnotationList)
        rows = len(lst.keys())
        assert rows > lst.size.height and lst.show_vertical_scrollbar
        for _ in range(3):
            layouts.clear()
            await pilot.press("l", "l", "l")
            await pilot.pause()
            before = len(lst.keys())
            await pilot.press("1")
            await pilot.pause(0.1)
            if len(lst.keys()) == before + 1:
                break
        assert len(lst.keys()) == before + 1  # a new entity: a new row
        assert lst.virtual_size.height == len(lst.keys()) == lst.vertical_scrollbar.window_virtual_size
        assert not layouts
        assert not lst.show_horizontal_scrollbar


async def test_a_list_that_comes_to_overflow_gets_its_scrollbar(make_app):
    async with make_app().run_test(size=(120, 16)) as pilot:  # the seed with no annotations: an empty list
        await pilot.pause(0.2)
        lst = app_list = pilot.app.query_one(AnnotationList)
        assert not lst.show_vertical_scrollbar
        for _ in range(30):
            await pilot.press("l", "1")
            if len(app_list.keys()) > lst.size.height:
                break
        await pilot.pause(0.1)
        assert len(lst.keys()) > lst.size.height
        assert lst.show_vertical_scrollbar and lst.vertical_scrollbar in pilot.app.screen._compositor.full_map
        assert lst.vertical_scrollbar.window_virtual_size == len(lst.keys())
        assert not lst.show_horizontal_scrollbar
