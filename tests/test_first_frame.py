"""The app's first frame: painted once, with nothing imported that it does not show.

The modal screens (tui.screens) and the rules' precision counts (suggest.precision)
are imported after the first frame, when first needed; the screen is laid out
and painted once at startup (tui.article_screen.QuietFocusScreen): no second
full frame for the same screen."""

from textual.widgets._toast import Toast, ToastRack

from annotator.tui.article_view import ArticleView

from .conftest import run_seed_startup, seed_gold_in

SIZE = (120, 40)

_STARTUP = """
import json, sys
import textual.app
from annotator.tui.app import AnnotatorApp

seen = {}
display = textual.app.App._display

def first_display(self, screen, renderable):
    if renderable is not None and not seen:
        seen["modules"] = sorted(m for m in sys.modules if m.startswith("annotator."))
        seen["stdlib"] = sorted(m for m in ("hashlib", "secrets", "getpass") if m in sys.modules)
        seen["screen"] = [type(w).__name__ for w in screen.walk_children()]
    return display(self, screen, renderable)

textual.app.App._display = first_display

async def after(pilot):
    await pilot.pause(0.3)
    seen["later"] = sorted(m for m in sys.modules if m.startswith("annotator."))
    pilot.app.exit()

run = AnnotatorApp.run
AnnotatorApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40), auto_pilot=after)
sys.argv = ["annotator"]
from annotator.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(seen))
"""


def test_the_first_frame_imports_no_modal_screen_nor_the_precision_counts(tmp_path):
    seen = run_seed_startup(tmp_path, _STARTUP)
    assert "ArticleView" in seen["screen"] and "AnnotationList" in seen["screen"]  # the real screen
    first = set(seen["modules"])
    assert "annotator.tui.screens" not in first  # help, pickers: imported when one opens
    assert not {m for m in first if m.startswith("annotator.suggest")}  # counted after the first frame
    assert "annotator.suggest.precision" in seen["later"]  # ...but counted
    # the seed's SHA-256 without hashlib, the lock's token and user without
    # secrets and getpass (digest, lock)
    assert seen["stdlib"] == []
    assert not {"annotator.tui.inputs", "annotator.columns", "annotator.store.ahead"} & first


_COLLECTOR = """
import gc, json, sys
import textual.app
seen = {}
display = textual.app.App._display

def first_display(self, screen, renderable):
    if renderable is not None and "first" not in seen:
        seen["first"] = gc.isenabled()
    return display(self, screen, renderable)

textual.app.App._display = first_display

async def after(pilot):
    await pilot.pause(0.3)
    seen["later"] = gc.isenabled()
    pilot.app.exit()

run = textual.app.App.run
textual.app.App.run = lambda self, **kw: run(self, headless=True, size=(120, 40), auto_pilot=after)
sys.argv = ["annotator"]
from annotator.cli import main
try:
    main()
except SystemExit:
    pass
seen["after"] = gc.isenabled()
print(json.dumps(seen))
"""


def test_no_cyclic_collection_until_the_first_frame_and_on_after_it(tmp_path):
    """``annotate`` turns the collector off from its first line (Textual's import
    among what follows) and the app turns it on once its first frame is out."""
    seen = run_seed_startup(tmp_path, _COLLECTOR)
    assert seen == {"first": False, "later": True, "after": True}


def _frames(app, monkeypatch) -> list:
    """The frames painted on the app's own screen (the compositor's updates)."""
    from textual import _compositor

    frames = []
    original = _compositor.Compositor.render_update

    def render_update(compositor, *args, **kwargs):
        update = original(compositor, *args, **kwargs)
        if app.screen is compositor.root and app.screen.query(ArticleView):
            frames.append(type(update).__name__)
        return update

    monkeypatch.setattr(_compositor.Compositor, "render_update", render_update)
    return frames


async def test_the_first_screen_is_painted_once(make_app, monkeypatch, tmp_path):
    seed_gold_in(tmp_path)
    app = make_app()
    frames = _frames(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        # one full frame: not the same screen repainted after it (the resume's
        # refresh, the layout the widgets' first sizes asked for, the toast rack)
        assert frames == ["LayoutUpdate"]
        assert isinstance(app.focused, ArticleView)  # the article has the focus, from the start
        await pilot.press("l")
        await pilot.pause(0.1)
        assert len(frames) > 1  # a key still paints


async def test_the_paint_timer_runs_before_the_first_key_and_paints_nothing_of_its_own(make_app, monkeypatch, tmp_path):
    """Textual's screen paints a change at its timer's tick, and the first period of
    that timer begins when it is first resumed: started after the first frame
    (keygate.start_paint_timer), the user's first key no longer waits for it."""
    from textual.timer import Timer

    resumed = []
    resume = Timer.resume
    monkeypatch.setattr(Timer, "resume", lambda self: (resumed.append(self), resume(self))[1])
    seed_gold_in(tmp_path)
    app = make_app()
    frames = _frames(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert app.screen._update_timer in resumed  # before any key
        assert frames == ["LayoutUpdate"]  # its tick found nothing to paint


async def test_notifications_still_show_after_the_quiet_first_frame(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause(0.1)
        rack = app.screen.get_child_by_type(ToastRack)
        assert not rack.display
        app.notify("hello there", timeout=5)
        await pilot.pause(0.2)
        assert rack.display
        assert any("hello there" in str(t.render()) for t in rack.query(Toast))


async def test_a_resize_still_lays_the_screen_out(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        view = app.query_one(ArticleView)
        wide = view.size.width
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.2)
        assert view.size.width < wide and app.screen.size == (100, 30)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.2)
        assert view.size.width == wide


async def test_the_find_bar_is_mounted_by_the_first_slash_and_takes_the_keys_after_it(make_app):
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert not app.screen.query(Input)  # not in the first frame
        assert app.query_one("#find-slot").region.height == 0  # its place covers no cell
        await pilot.press("slash", *"Qereman")  # typed at once: the keys land in the new bar
        await pilot.pause(0.1)
        bar = app.find_bar
        assert bar.is_attached and bar.display and app.focused is bar and bar.value == "Qereman"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert not bar.display and isinstance(app.focused, ArticleView)
        assert app.query_one("#find-slot").region.height == 0
        start = app.session.text.index("Qereman")
        assert app.view.selection == (start, start + len("Qereman"))
        await pilot.press("slash")  # the same bar again, empty
        await pilot.pause(0.1)
        assert app.focused is bar and bar.value == "" and len(app.screen.query(Input)) == 1


async def test_the_screen_and_the_main_row_show_no_cell_of_their_own(make_app):
    """They paint blank lines (Widget.BLANK): their widgets cover every cell."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for size in (SIZE, (100, 30), (60, 12)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            main = app.query_one("#main")
            under = {app.screen.get_widget_at(x, y)[0] for x in range(size[0]) for y in range(size[1])}
            assert app.screen not in under and main not in under, size
            assert app.query_one(ArticleView) in under


async def test_the_lists_label_colours_are_those_of_the_rules_they_replace(make_app, tmp_path):
    """Slots 1-9 of the annotation list are not component classes (Textual styled
    each before the first frame): their styles are what the CSS rules they replace,
    ``color: #hex`` on a component class, give, on every theme."""
    from annotator.tui.widgets import AnnotationList

    colours = AnnotationList.SLOT_COLOURS
    assert len(colours) == 9

    class OldColours(AnnotationList):
        COMPONENT_CLASSES = {f"old--slot-{i}" for i in range(1, 10)}
        DEFAULT_CSS = "\n".join(f"OldColours > .old--slot-{i} {{ color: {c}; }}" for i, c in enumerate(colours, 1))

    seed_gold_in(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        ours = app.annotation_list
        old = OldColours(ours.aset, ours.schema)
        await app.query_one("#side").mount(old)
        themes = sorted(app.available_themes)
        assert len(themes) > 10
        for theme in themes:
            app.theme = theme
            await pilot.pause(0.05)
            ours._check_styles()
            assert ours._slot_styles[1:] == [old.get_component_rich_style(f"old--slot-{i}") for i in range(1, 10)], theme
            assert ours._slot_styles[0] == ours.get_component_rich_style("annotation-list--slot-0")


def test_the_lists_label_colours_are_the_articles_hues():
    from annotator.tui.article_paint import SLOT_HUES
    from annotator.tui.widgets import AnnotationList

    assert AnnotationList.SLOT_COLOURS is SLOT_HUES
    assert SLOT_HUES == ("#f4a261", "#4cc9f0", "#80ed99", "#c77dff", "#ffd166", "#ef476f", "#06d6a0", "#adb5bd", "#ff8fab")


async def test_the_articles_slot_colours_are_those_of_the_rules_they_replace(make_app, tmp_path):
    """The article's label colour slots 1-9 are not component classes either: the
    style of an entity of each, and the hue a suggestion's ink starts from, are
    what the rules they replace, ``background: HUE 40%; color: auto 90%`` on a
    component class, give, on every theme."""
    from annotator.tui.article_paint import SLOT_HUES

    class OldSlots(ArticleView):
        COMPONENT_CLASSES = {f"old--slot-{i}" for i in range(1, 10)}
        DEFAULT_CSS = "\n".join(
            f"OldSlots > .old--slot-{i} {{ background: {c} 40%; color: auto 90%; }}" for i, c in enumerate(SLOT_HUES, 1)
        )

    seed_gold_in(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        ours = app.view
        old = OldSlots(app.session.text, app.session.marks, slot_of=app.schema.slot, id="old-view")
        await app.query_one("#main").mount(old, before="#side")
        await pilot.pause(0.05)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause(0.05)
            ours._check_styles()
            for i in range(1, 10):
                name = f"old--slot-{i}"
                old._component_cache.clear()
                assert ours._slot_component(i) == old._component(name), (theme, i)  # (the old code's way)
                assert ours._slot_hue(i) == old.get_component_styles(name).background, (theme, i)


async def test_the_scrollbars_lines_are_textuals(make_app, tmp_path):
    """The article's and the list's vertical scrollbars style each different line
    once (tui.steady.RepeatingScrollBar): their lines are those Textual's ScrollBar
    renders, wherever the thumb is, hovered or grabbed, on a dark and a light theme."""
    from textual.geometry import Offset, Region
    from textual.scrollbar import ScrollBar

    from annotator.tui.steady import RepeatingScrollBar

    seed_gold_in(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        checked = 0
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause(0.05)
            for widget in (app.view, app.annotation_list):
                bar = widget.vertical_scrollbar
                assert type(bar) is RepeatingScrollBar and bar.display
                full = Region(0, 0, bar.outer_size.width, bar.outer_size.height)
                for y in (0, 3, 10, 10_000):
                    widget.scroll_to(y=y, animate=False, immediate=True)
                    await pilot.pause(0.02)
                    for state in ("plain", "hover", "grabbed"):
                        bar.mouse_over = state == "hover"
                        bar.grabbed = Offset(0, 0) if state == "grabbed" else None
                        for crop in (full, Region(0, 2, full.width, 7), Region(1, 0, 1, full.height)):
                            bar.refresh()
                            ours = bar.render_lines(crop)
                            bar.refresh()
                            assert ours == ScrollBar.render_lines(bar, crop), (theme, widget.id, y, state, crop)
                            checked += 1
                    bar.mouse_over, bar.grabbed = False, None
        assert checked == 2 * 2 * 4 * 3 * 3
