"""Code-point offsets -> screen cells next to ZWJ emoji, flags, skin tones, combining marks.

The view's cell mapping must agree with what Rich measures and Textual draws
(``rich.cells``): a highlight covers exactly its characters' cells.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes

from annotator.text import Layout
from annotator.tui.article_view import ArticleView

from .test_article_view import ViewApp, aset_of, bg, cells, entity

FAMILY = "\U0001F469\u200d\U0001F469\u200d\U0001F467"  # woman ZWJ woman ZWJ girl
HARD = [
    f"They met {FAMILY} Zhang Wei in \u5317\u4eac and \u0645\u0631\u062d\u0628\u0627",
    "\U0001F1F8\U0001F1FE flags",
    "e\u0301 combining",
    "\U0001F44D\U0001F3FD skin tone",
    "\u2764\ufe0f heart",
    f"Reporters \U0001F389 in S\u00e3o Paulo {FAMILY} met Zhang Wei \U0001F1F8\U0001F1FE on Friday.",
]


def grapheme_starts(s: str) -> list[int]:
    spans, _ = split_graphemes(s)
    return [a for a, _b, _w in spans] + [len(s)]


def test_offset_to_cell_agrees_with_rich_on_every_grapheme_boundary():
    for text in HARD:
        layout = Layout(text, 200)
        assert len(layout) == 1
        assert layout.row_cells(0) == cell_len(text), text
        for k in grapheme_starts(text):
            assert layout.column_of(k) == (0, cell_len(text[:k])), (text, k)
            if k < len(text):
                assert layout.offset_at(0, cell_len(text[:k])) == k, (text, k)


def test_the_zwj_family_is_one_two_cell_cluster():
    text = HARD[0]
    layout = Layout(text, 200)
    at = text.index(FAMILY)
    assert [(a, b, w) for a, b, w in layout.clusters(0) if a == at] == [(at, at + len(FAMILY), 2)]
    assert cell_len(FAMILY) == 2
    zhang = text.index("Zhang")
    assert layout.column_of(zhang)[1] == cell_len("They met ") + 2 + 1


async def test_the_highlight_after_a_zwj_emoji_is_on_zhang_wei_exactly():
    text = "\n".join(HARD)
    row = 5
    line = HARD[row]
    start = text.index("Zhang Wei", text.index("Reporters"))
    app = ViewApp(text, aset_of(text, entity(text, "T1", "PER", start, start + len("Zhang Wei"))))
    async with app.run_test(size=(100, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.move_to(0)
        await pilot.pause()
        drawn = cells(view, row)
        assert len(drawn) == view.scrollable_content_region.width
        assert "".join(t for t, _s in drawn).rstrip() == line
        first = cell_len(line[: line.index("Zhang")])
        painted = [i for i, (_t, s) in enumerate(drawn) if bg(s) != bg(view.rich_style)]
        assert painted == list(range(first, first + len("Zhang Wei")))
        assert "".join(drawn[i][0] for i in painted) == "Zhang Wei"
        assert "".join(t for t, _s in drawn[first - 4 : first]) == "met "
        # the rendered strip measures what Rich measures, segment by segment
        strip = view.render_line(row)
        assert sum(cell_len(seg.text) for seg in strip) == strip.cell_length == len(drawn)


PIECES = [
    "a", "Zy", "word", " ", "  ", ".", "\u5317", "\u4eac", "e\u0301", FAMILY, "\U0001F1F8\U0001F1FE",
    "\U0001F44D\U0001F3FD", "\u2764\ufe0f", "\U0001F389", "\u0645\u0631\u062d\u0628\u0627", "S\u00e3o",
    "\U0001F468\u200d\U0001F469", "1\ufe0f\u20e3",
]
lines = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join)


async def _painted_text(text: str, start: int, end: int) -> tuple[str, list[int], int]:
    app = ViewApp(text, aset_of(text, entity(text, "T1", "PER", start, end)))
    async with app.run_test(size=(80, 4)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        view.clear_selection()
        drawn = cells(view, 0)
        painted = [i for i, (_t, s) in enumerate(drawn) if bg(s) != bg(view.rich_style) and not s.reverse]
        return "".join(drawn[i][0] for i in painted), painted, view.layout.column_of(start)[1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.data())
def test_every_marks_cells_read_back_its_text(line, data):
    text = "x " + line + " y"  # the cursor sits on "x", away from the mark
    spans, _ = split_graphemes(text)
    bounds = sorted({a for a, _b, _w in spans if a > 2} | {len(text) - 2})
    if len(bounds) < 2:
        return
    i = data.draw(st.integers(0, len(bounds) - 2))
    j = data.draw(st.integers(i + 1, len(bounds) - 1))
    start, end = bounds[i], bounds[j]
    if not text[start:end].strip():
        return
    shown, painted, col = asyncio.run(_painted_text(text, start, end))
    mark = text[start:end]
    if painted:
        assert painted == list(range(painted[0], painted[-1] + 1))  # one run of cells
        assert painted[0] == col == cell_len(text[:start])
    # the painted cells are the mark's characters (spaces at its edges show no ink, but are painted)
    assert shown == mark.replace("\u200b", "")
    assert len(painted) == cell_len(mark)


def test_the_stored_snapshot_draws_each_text_on_its_own_cells():
    """In a browser, the text after the family emoji (``met``) stays before the highlight."""
    import html
    import re

    from .snapshots import HERE

    svg = (HERE / "cjk-arabic-emoji.svg").read_text(encoding="utf-8")
    char_w = float(re.search(r"font-size: ([\d.]+)px", svg).group(1)) * 0.61
    found = re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    assert any(FAMILY in html.unescape(t) for *_r, t in found)
    for x, _y, length, raw in found:
        text = html.unescape(raw)
        if cell_len(text):
            assert round(float(length) / char_w) == cell_len(text), text
