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
