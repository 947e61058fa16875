"""The article view: keys, mouse, selection, and what lands on which cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.app import App, ComposeResult

from annotator.marks import MarkIndex
from annotator.model import (
    SUGGESTED,
    REJECTED,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Span,
)
from annotator.tui.article_view import ArticleView

STYLES = Path(__file__).resolve().parent.parent / "styles"
SLOTS = {"PER": 1, "ORG": 2, "GPE": 3, "LOC": 4, "FAC": 5, "NORP": 6, "DATE": 7, "MISC": 8}


def entity(text: str, ident: str, label: str, start: int, end: int, status: str = "accepted") -> Entity:
    return Entity(ident, label, Span.of(text, start, end), status=status)


def aset_of(text: str, *anns) -> AnnotationSet:
    aset = AnnotationSet(Document(text))
    for ann in anns:
        aset.table(type(ann))[ann.id] = ann
    return aset


class ViewApp(App):
    CSS_PATH = [STYLES / "article.tcss"]

    def __init__(self, text: str, aset: AnnotationSet | None = None):
        super().__init__()
        self.text = text
        self.aset = aset or AnnotationSet(Document(text))
        self.moves: list[int] = []
        self.selections: list = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self.text, MarkIndex.build(self.aset), slot_of=lambda lab: SLOTS.get(lab, 0), id="article")

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.moves.append(message.offset)

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        self.selections.append(message.selection)


def word(view: ArticleView) -> str:
    s, e = view.cursor_token
    return view.text[s:e]


def sel_text(view: ArticleView) -> str | None:
    sel = view.selection
    return None if sel is None else view.text[sel[0] : sel[1]]


def cells(view: ArticleView, y: int) -> list[tuple[str, Style]]:
    """The drawn row as (text, style) per cell; a wide char's second cell is ''."""
    out: list[tuple[str, Style]] = []
    for seg in view.render_line(y):
        for ch in _graphemes(seg.text):
            n = cell_len(ch)
            if n == 0:
                continue
            out.append((ch, seg.style))
            out.extend([("", seg.style)] * (n - 1))
    return out


def _graphemes(s: str) -> list[str]:
    from rich.cells import split_graphemes

    spans, _ = split_graphemes(s)
    return [s[a:b] for a, b, _w in spans]


# -- keys -----------------------------------------------------------------------

LINES = "aaa bbb ccc\nddd eee fff\n\nggg hhh iii jjj\nkk"


async def test_left_right_and_vim_keys():
    app = ViewApp(LINES)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(ArticleView)
        assert view.has_focus and view.cursor == 0 and word(view) == "aaa"
        await pilot.press("l")
        assert word(view) == "bbb"
        await pilot.press("right", "right")
        assert word(view) == "ddd"  # on to the next line
        await pilot.press("h")
        assert word(view) == "ccc"
        await pilot.press("left", "left", "left", "left")
        assert view.cursor == 0  # stops at the start
        assert app.moves == [4, 8, 12, 8, 4, 0]
        assert view.selection is None and view.target == (0, 3)


async def test_up_down_keep_the_column():
    app = ViewApp(LINES)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("l")  # bbb, column 4
        await pilot.press("j")
        assert word(view) == "eee"
        await pilot.press("down")  # the blank line has no token: skip it
        assert word(view) == "hhh"
        await pilot.press("j")  # "kk" is short: nearest token
        assert word(view) == "kk"
        await pilot.press("k")  # the column is remembered across vertical moves
        assert word(view) == "hhh"
        await pilot.press("up", "up")
        assert word(view) == "bbb"
        await pilot.press("k")  # first row: stays
        assert word(view) == "bbb"


async def test_home_end_start_end():
    app = ViewApp(LINES)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j", "end")
        assert word(view) == "fff"
        await pilot.press("home")
        assert word(view) == "ddd"
        await pilot.press("G")
        assert word(view) == "kk"
        await pilot.press("g")
        assert view.cursor == 0


async def test_page_down_and_up_scroll_by_a_page():
    text = "\n".join(f"line{i} word" for i in range(100))
    app = ViewApp(text)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("pagedown")
        assert word(view) == "line10"
        assert view.scroll_offset.y == 10
        await pilot.press("pagedown", "pagedown")
        assert word(view) == "line30"
        await pilot.press("pageup")
        assert word(view) == "line20"
        assert view.scroll_offset.y <= 20 < view.scroll_offset.y + 10
        await pilot.press("G")
        assert word(view) == "word" and view.cursor > len(text) - 10
        assert view.scroll_offset.y == 90  # the last page
        await pilot.press("g")
        assert view.scroll_offset.y == 0


async def test_cursor_moves_scroll_the_cursor_into_view():
    text = "\n".join(f"w{i}" for i in range(50))
    app = ViewApp(text)
    async with app.run_test(size=(20, 5)) as pilot:
        view = app.query_one(ArticleView)
        for _ in range(7):
            await pilot.press("j")
        assert word(view) == "w7"
        top = view.scroll_offset.y
        assert top <= 7 < top + 5
        view.move_to(text.index("w40"))
        await pilot.pause()
        assert view.scroll_offset.y <= 40 < view.scroll_offset.y + 5
        view.scroll_to_offset(text.index("w20"), center=True)
        assert view.scroll_offset.y == 18


async def test_selection_with_v_and_shift_arrows():
    text = "one two three four five"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("l", "v")
        assert view.anchor == 4 and sel_text(view) == "two"
        await pilot.press("l", "l")  # moves extend it
        assert sel_text(view) == "two three four"
        assert view.target == view.selection
        await pilot.press("h", "h", "h")  # back past the anchor: the other direction
        assert word(view) == "one" and sel_text(view) == "one two"
        view.clear_selection()
        await pilot.pause()
        assert view.selection is None and view.anchor is None
        await pilot.press("shift+right")  # starts a selection at the cursor
        assert sel_text(view) == "one two"
        await pilot.press("shift+right", "shift+left", "shift+left", "shift+left")
        assert sel_text(view) == "one" and view.anchor == 0
        assert app.selections[-1] == (0, 3)
        view.move_to(text.index("five"))  # a plain move ends the selection
        await pilot.pause()
        assert view.selection is None and word(view) == "five"
        view.move_to(text.index("three"), extend=True)
        await pilot.pause()
        assert sel_text(view) == "three four five"


async def test_select_a_range_then_extend():
    text = "Deir el-Zor city has changed hands"
    app = ViewApp(text)
    async with app.run_test(size=(60, 6)) as pilot:
        view = app.query_one(ArticleView)
        view.select(text.index("el-"), text.index(" city"))  # like a find match
        await pilot.pause()
        assert sel_text(view) == "el-Zor" and word(view) == "el"
        assert view.target == (5, 11)
        view.select(8, 10)  # part of a token is kept exactly
        assert sel_text(view) == "Zo" and word(view) == "Zor"
        await pilot.press("shift+right")  # a move goes back to whole tokens
        assert sel_text(view) == "Zor city"
        view.select(text.index("el-"), text.index(" city"))
        assert not view.extending
        await pilot.press("l")  # a plain move drops a match: it is not a v-selection
        assert view.selection is None and word(view) == "-"  # from the cursor: the first token


async def test_bindings_have_ids_and_can_be_remapped():
    ids = {b.id for b in ArticleView.BINDINGS}
    assert {"article.next_token", "article.prev_token", "article.line_down", "article.line_up",
            "article.page_down", "article.page_up", "article.start", "article.end",
            "article.row_start", "article.row_end", "article.select",
            "article.extend_next", "article.extend_prev"} <= ids
    app = ViewApp("alpha beta gamma")
    async with app.run_test(size=(40, 5)) as pilot:
        app.set_keymap({"article.next_token": "w"})
        view = app.query_one(ArticleView)
        await pilot.press("w")
        assert word(view) == "beta"


# -- mouse ----------------------------------------------------------------------


async def test_click_places_the_cursor_on_the_clicked_token():
    text = "alpha beta gamma\n\u4e16\u754c delta"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.click(ArticleView, offset=(8, 0))
        assert word(view) == "beta"
        await pilot.click(ArticleView, offset=(10, 0))  # the space after beta: the token before
        assert word(view) == "beta"
        await pilot.click(ArticleView, offset=(6, 1))  # after two wide chars (4 cells) and a space
        assert word(view) == "delta"
        await pilot.click(ArticleView, offset=(3, 1))  # second cell of a wide char
        assert word(view) == "\u754c"
        await pilot.click(ArticleView, offset=(30, 0))  # past the end of the row
        assert word(view) == "gamma"


async def test_click_accounts_for_scrolling():
    text = "\n".join(f"w{i}" for i in range(40))
    app = ViewApp(text)
    async with app.run_test(size=(20, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        view.scroll_to(y=10, animate=False)  # as the mouse wheel would
        await pilot.pause()
        await pilot.click(ArticleView, offset=(0, 2))
        assert word(view) == "w12"


class PaddedApp(ViewApp):
    CSS = "#article { padding: 1 2; }"  # as the app's stylesheet pads it


async def test_click_inside_padding_and_rows_fill_the_content_width():
    text = "alpha beta gamma"
    app = PaddedApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.click(ArticleView, offset=(2 + 8, 1 + 0))  # padding left 2, top 1
        assert word(view) == "beta"
        await pilot.click(ArticleView, offset=(0, 0))  # on the padding: nothing
        assert word(view) == "beta"
        assert view.layout.width == 40 - 4 - 2  # padding and the scrollbar gutter
        assert view.render_line(0).cell_length == view.layout.width


async def test_drag_selects_and_click_clears():
    text = "one two three four five six"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.mouse_down(ArticleView, offset=(5, 0))
        await pilot.hover(ArticleView, offset=(10, 0))
        await pilot.hover(ArticleView, offset=(15, 0))
        await pilot.mouse_up(ArticleView, offset=(15, 0))
        assert sel_text(view) == "two three four" and word(view) == "four"
        assert not app.mouse_captured
        await pilot.mouse_down(ArticleView, offset=(20, 0))  # drag backwards
        await pilot.hover(ArticleView, offset=(0, 0))
        await pilot.mouse_up(ArticleView, offset=(0, 0))
        assert sel_text(view) == "one two three four five" and word(view) == "one"
        await pilot.click(ArticleView, offset=(24, 0))
        assert view.selection is None and word(view) == "six"


# -- painting -------------------------------------------------------------------


def bg(style: Style):
    return style.bgcolor


async def test_highlights_stay_on_their_characters_with_hard_text():
    """Wide chars, combining marks, Arabic, emoji, tabs, CRLF, bidi controls."""
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    lines = [
        "\u4e16\u754c Syria\tx",
        "cafe\u0301 bar!",
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 ok",
        f"{family} hi",
        "a\u202eb Kurd",
        "end",
    ]
    text = "\r\n".join(lines)
    targets = ["Syria", "bar", "\u0628\u0627\u0644\u0639\u0627\u0644\u0645", "hi", "Kurd", "end"]
    ents = [entity(text, f"T{i}", "GPE", text.index(t), text.index(t) + len(t)) for i, t in enumerate(targets)]
    app = ViewApp(text, aset_of(text, *ents))
    async with app.run_test(size=(40, 8)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(len(text) - 1)  # keep the cursor off these rows
        await pilot.pause()
        base = view.rich_style
        # (row, expected text of the row, first and last cell of the entity)
        expected = [
            (0, "\u4e16\u754c Syria  x", 5, 9),  # 2 wide chars = 4 cells; the tab fills to column 12
            (1, "cafe\u0301 bar!", 5, 7),  # e + combining acute: one cell
            (2, "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 ok", 6, 12),
            (3, f"{family} hi", 3, 4),  # the joined family emoji: 2 cells
            (4, "ab Kurd", 3, 6),  # the right-to-left override is not sent
        ]
        for row, shown, first, last in expected:
            drawn = cells(view, row)
            assert len(drawn) == view.scrollable_content_region.width
            assert "".join(t for t, _s in drawn).rstrip() == shown, row
            painted = [i for i, (_t, st) in enumerate(drawn) if bg(st) != bg(base)]
            assert painted == list(range(first, last + 1)), (row, painted)
            assert all(st.color is not None and st.bgcolor is not None for _t, st in drawn)  # base on every cell
        drawn = cells(view, 5)  # the last row: the entity under the cursor
        assert "".join(t for t, _s in drawn).rstrip() == "end"
        assert all(st.reverse for _t, st in drawn[:3]) and not drawn[3][1].reverse


async def test_nested_suggested_and_rejected_entities():
    text = "The Syrian Democratic Forces met Assad today"
    sdf = text.index("Syrian Democratic Forces")
    ents = [
        entity(text, "T1", "ORG", sdf, sdf + len("Syrian Democratic Forces")),
        entity(text, "T2", "NORP", sdf, sdf + len("Syrian")),
        entity(text, "T3", "PER", text.index("Assad"), text.index("Assad") + 5, SUGGESTED),
        entity(text, "T4", "DATE", text.index("today"), text.index("today") + 5, REJECTED),
    ]
    app = ViewApp(text, aset_of(text, *ents))
    async with app.run_test(size=(60, 4)) as pilot:
        view = app.query_one(ArticleView)
        base = view.rich_style
        drawn = cells(view, 0)
        inner = drawn[sdf][1]
        outer = drawn[sdf + len("Syrian ")][1]
        assert bg(inner) != bg(outer) and bg(inner) != bg(base) and bg(outer) != bg(base)
        assert inner.underline and not outer.underline  # the outer one underlines the overlap
        sugg = drawn[text.index("Assad")][1]
        assert bg(sugg) == bg(base) and sugg.italic and sugg.underline and sugg.color != base.color
        rejected = drawn[text.index("today")][1]
        assert rejected == drawn[text.index("met")][1]  # not painted


async def test_kinds_of_marks_look_different():
    text = "Rebels captured Homs, the governor said on Friday."
    gov = text.index("the governor")
    aset = aset_of(
        text,
        Event("E1", "Conflict.Capture", Span.of(text, 7, 15)),
        Attribution(
            "A1",
            source=Span.of(text, gov, gov + 12),
            cue=Span.of(text, text.index("said"), text.index("said") + 4),
            content=Span.of(text, 0, 20),
        ),
    )
    app = ViewApp(text, aset)
    async with app.run_test(size=(60, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(text.index("Friday"))
        await pilot.pause()
        drawn = cells(view, 0)
        plain = drawn[text.index("on")][1]
        content = drawn[0][1]
        trigger = drawn[8][1]
        source = drawn[gov + 4][1]
        cue = drawn[text.index("said")][1]
        styles = [plain, content, trigger, source, cue]
        assert len({repr(s) for s in styles}) == 5
        assert trigger.bold and cue.underline
        assert bg(content) != bg(plain)


async def test_cursor_selection_matches_and_related():
    text = "alpha beta gamma delta epsilon"
    app = ViewApp(text)
    async with app.run_test(size=(40, 4)) as pilot:
        view = app.query_one(ArticleView)
        base = view.rich_style
        await pilot.press("l", "v", "l")
        view.set_matches([(text.index("delta"), text.index("delta") + 5)])
        view.set_related([(text.index("epsilon"), len(text))])
        await pilot.pause()
        drawn = cells(view, 0)
        style_at = lambda w: drawn[text.index(w)][1]  # noqa: E731
        assert style_at("gamma").reverse  # the cursor
        assert bg(style_at("beta")) not in (bg(base), None)  # selected
        assert not style_at("beta").reverse
        assert bg(style_at("delta")) not in (bg(base), bg(style_at("beta")))  # a match
        assert bg(style_at("epsilon")) not in (bg(base), bg(style_at("delta")), bg(style_at("beta")))
        assert style_at("alpha") == drawn[text.index("alpha") + 5][1]  # plain
        view.set_matches([])
        view.set_related([])
        view.clear_selection()
        await pilot.pause()
        drawn = cells(view, 0)
        assert bg(drawn[text.index("delta")][1]) == bg(base)
        assert bg(drawn[text.index("beta")][1]) == bg(base)


# -- repainting -----------------------------------------------------------------


async def test_a_key_repaints_only_the_rows_it_changed():
    text = "\n".join(f"row {i} has a few words in it" for i in range(200))
    app = ViewApp(text)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        before = view.renders
        await pilot.press("l")  # same row
        assert view.renders - before == 1
        before = view.renders
        await pilot.press("j")  # old row and new row
        assert view.renders - before == 2
        before = view.renders
        await pilot.press("v", "l", "l")
        assert view.renders - before <= 3
        before = view.renders
        view.invalidate([(text.index("row 5 "), text.index("row 5 ") + 3)])
        await pilot.pause()
        assert view.renders - before == 1
        before = view.renders
        await pilot.press("G")  # a scroll: only the rows not drawn before
        assert view.renders - before <= 20


async def test_invalidate_after_the_marks_change():
    text = "Orhan Qereman reported from Hasakeh"
    aset = aset_of(text)
    app = ViewApp(text, aset)
    async with app.run_test(size=(50, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(len(text) - 1)
        await pilot.pause()
        before = cells(view, 0)[0][1]
        changed = view.marks.add(entity(text, "T1", "PER", 0, 13))
        view.invalidate(changed)
        await pilot.pause()
        after = cells(view, 0)[0][1]
        assert bg(after) != bg(before)
        view.invalidate(view.marks.remove("T1"))
        await pilot.pause()
        assert cells(view, 0)[0][1] == before


async def test_resize_rewraps_and_keeps_the_cursor_visible():
    text = " ".join(f"word{i}" for i in range(400))
    app = ViewApp(text)
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(text.index("word300"))
        await pilot.pause()
        wide_rows = len(view.layout)
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        assert view.layout.width == view.scrollable_content_region.width == 38
        assert len(view.layout) > wide_rows
        assert view.virtual_size.height == len(view.layout)
        row = view.layout.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + 10
        assert word(view) == "word300"
        for y in range(10):
            assert view.render_line(y).cell_length == 38


async def test_theme_change_repaints_with_new_colours():
    text = "Orhan Qereman reported"
    app = ViewApp(text, aset_of(text, entity(text, "T1", "PER", 0, 13)))
    async with app.run_test(size=(40, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(len(text) - 1)
        await pilot.pause()
        dark = cells(view, 0)
        app.theme = "textual-light"
        await pilot.pause()
        light = cells(view, 0)
        assert bg(dark[0][1]) != bg(light[0][1])  # the entity tint
        assert bg(dark[20][1]) != bg(light[20][1])  # the widget background


async def test_colours_are_distinct_on_dark_and_light_themes():
    labels = list(SLOTS) + ["ZZZ"]  # eight slots and a label with no slot
    text = " ".join(f"w{i}" for i in range(len(labels))) + " sugg trig said src body match rel sel cur"
    toks = {w: text.index(w) for w in text.split()}
    ents = [entity(text, f"T{i}", lab, toks[f"w{i}"], toks[f"w{i}"] + 2) for i, lab in enumerate(labels)]
    ents.append(entity(text, "T99", "PER", toks["sugg"], toks["sugg"] + 4, SUGGESTED))
    aset = aset_of(
        text,
        *ents,
        Event("E1", "Conflict.Attack", Span.of(text, toks["trig"], toks["trig"] + 4)),
        Attribution(
            "A1",
            source=Span.of(text, toks["src"], toks["src"] + 3),
            cue=Span.of(text, toks["said"], toks["said"] + 4),
            content=Span.of(text, toks["body"], toks["body"] + 4),
        ),
    )
    app = ViewApp(text, aset)
    async with app.run_test(size=(120, 4)) as pilot:
        view = app.query_one(ArticleView)
        view.set_matches([(toks["match"], toks["match"] + 5)])
        view.set_related([(toks["rel"], toks["rel"] + 3)])
        view.select(toks["sel"], toks["sel"] + 3)
        view.move_to(toks["cur"])  # ends the exact selection: select again, then show the cursor
        view.select(toks["sel"], toks["sel"] + 3)
        for theme in ("textual-dark", "textual-light", "nord", "solarized-light", "monokai", "catppuccin-latte"):
            app.theme = theme
            await pilot.pause()
            drawn = cells(view, 0)
            base = view.rich_style
            at = {w: drawn[i][1] for w, i in toks.items()}
            entity_bgs = [bg(at[f"w{i}"]) for i in range(len(labels))]
            assert len(set(entity_bgs)) == len(labels), theme  # each slot its own colour
            assert bg(base) not in entity_bgs
            backgrounds = {bg(at[w]) for w in ("body", "match", "rel", "sel")}
            assert len(backgrounds) == 4 and not backgrounds & set(entity_bgs) and bg(base) not in backgrounds, theme
            looks = {repr(at[w]) for w in ("w0", "sugg", "trig", "said", "src", "body", "sel", "cur", "match", "rel")}
            assert len(looks) == 10, theme
            # a suggestion's ink stands out from the background on every theme
            from textual.color import Color

            ink = Color.from_rich_color(at["sugg"].color)
            assert abs(ink.brightness - Color.from_rich_color(bg(base)).brightness) >= 0.3, theme
            # text on an entity tint contrasts with the tint
            tint = Color.from_rich_color(bg(at["w0"]))
            assert abs(Color.from_rich_color(at["w0"].color).brightness - tint.brightness) >= 0.4, theme


async def test_mouse_wheel_scrolls_without_moving_the_cursor():
    from textual import events

    text = "\n".join(f"w{i}" for i in range(60))
    app = ViewApp(text)
    async with app.run_test(size=(20, 5)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        for _ in range(3):
            view.post_message(events.MouseScrollDown(view, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_offset.y > 0 and view.cursor == 0


async def test_empty_and_blank_articles():
    for text in ("", "   \n\n  "):
        app = ViewApp(text)
        async with app.run_test(size=(20, 4)) as pilot:
            view = app.query_one(ArticleView)
            await pilot.press("l", "j", "G", "v", "pagedown", "home")
            assert view.cursor == 0 and view.cursor_token == (0, 0)
            assert view.selection is None
            assert view.render_line(0).cell_length == 18


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])


class LayeredApp(ViewApp):
    def compose(self) -> ComposeResult:
        from annotator.tui.article_view import LayeredArticleView

        yield LayeredArticleView(self.text, MarkIndex.build(self.aset), slot_of=lambda lab: 0, id="article")


async def test_the_audit_layers_are_the_layered_views_own():
    text = "Alpha beta gamma"
    app = ViewApp(text)
    async with app.run_test(size=(40, 6)):
        view = app.query_one(ArticleView)
        with pytest.raises(KeyError):  # the annotator's view has no audit layers to style
            view.set_layers({"article--missed": [(6, 10)]})
    app = LayeredApp(text)
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(ArticleView)
        plain = cells(view, 0)
        view.set_layers({"article--missed": [(6, 10)]})
        await pilot.pause()
        drawn = cells(view, 0)
        missed = view.get_component_rich_style("article--missed")
        assert [c for c, _ in drawn] == [c for c, _ in plain]
        assert all(s.underline and s.bold for _, s in drawn[6:10])  # bold underline, as article.tcss says
        assert drawn[6][1] != plain[6][1] and drawn[0][1] == plain[0][1] and missed.bold
        view.set_layer("article--current", [(0, 5)])  # the view's own and its base's classes
        view.update_layer("article--missed", remove=[(6, 10)])
        await pilot.pause()
        assert cells(view, 0)[6][1] == plain[6][1]
