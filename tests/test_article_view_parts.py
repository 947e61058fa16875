"""A long article is laid out in two steps: the first part at once (the first
screen), the whole text in a thread; a key that needs more lays it out at once.
Either way the view ends with the whole text's tokens and rows, the cursor on
the same characters."""

from __future__ import annotations

import random
import threading

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from annotator.marks import MarkIndex
from annotator.text import Layout, tokenize, tokenize_in_parts
from annotator.tui import article_layout
from annotator.tui.article_view import ArticleView

from .test_article_view import STYLES, SLOTS


def article(n_paragraphs: int = 60, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = "the SDF took Raqqa on Friday , said Mr. Abdi “we will” café naïve 北京 U.S. 3.5 don't".split()
    paras = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 40))) for _ in range(n_paragraphs)]
    return "\n\n".join(paras) + "\n"


class ViewApp(App):
    CSS_PATH = [STYLES / "article.tcss"]

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield ArticleView(self.text, MarkIndex(), slot_of=lambda label: SLOTS.get(label, 0), id="view")


@given(st.text(alphabet="ab \n.’'\u0301北", max_size=300), st.integers(1, 40))
@settings(max_examples=200, deadline=None)
def test_tokens_made_in_parts_are_the_same(text, part):
    whole = tokenize(text)
    parts = tokenize_in_parts(text, part=part)
    assert (list(parts.starts), list(parts.ends)) == (list(whole.starts), list(whole.ends))
    cut = text.find("\n", len(text) // 2)
    if cut >= 0:
        prefix = tokenize(text[: cut + 1])
        first = tokenize_in_parts(text, cut + 1, part=part)
        assert list(first.starts) == list(prefix.starts)


async def test_the_rest_is_laid_out_in_a_thread(monkeypatch):
    text = article()
    monkeypatch.setattr(article_layout, "PART", 500)
    app = ViewApp(text)
    async with app.run_test(size=(80, 30)) as pilot:
        view = app.query_one(ArticleView)
        assert view._geo.cut < len(text) or view._geo.complete
        for _ in range(300):
            if view._geo.complete:
                break
            await pilot.pause(0.01)
        assert view._geo.complete
        assert list(view.tokens.starts) == list(tokenize(text).starts)
        width = view.layout.width
        assert view.layout.rows() == Layout(text, width).rows()
        assert view.virtual_size.height == len(Layout(text, width))


async def test_a_key_past_the_part_lays_the_rest_out_at_once(monkeypatch):
    text = article()
    monkeypatch.setattr(article_layout, "PART", 500)
    hold = threading.Event()
    real_rest = article_layout.ArticleLayout.rest

    def slow_rest(self, width):
        hold.wait(10)
        return real_rest(self, width)

    monkeypatch.setattr(article_layout.ArticleLayout, "rest", slow_rest)
    app = ViewApp(text)
    try:
        async with app.run_test(size=(80, 30)) as pilot:
            view = app.query_one(ArticleView)
            assert not view._geo.complete
            cut = view._geo.cut
            await pilot.press("l", "l", "v", "l")  # moves inside the part: nothing more laid out
            assert not view._geo.complete
            sel = view.selection
            hold.set()  # the synchronous path below must not wait for the thread's copy
            await pilot.press("G")  # the last token: past the part
            assert view._geo.complete
            last = tokenize(text)
            assert view.cursor_token == (last.starts[-1], last.ends[-1]) and view.cursor > cut
            assert view.selection[0] == sel[0]  # the anchor stayed on its characters
            await pilot.press("g")
            assert view.cursor == 0
            await pilot.pause(0.2)  # the thread's late copy changes nothing
            assert list(view.tokens.starts) == list(last.starts)
    finally:
        hold.set()


async def test_paging_down_to_the_end_of_the_part(monkeypatch):
    text = article()
    monkeypatch.setattr(article_layout, "PART", 500)
    monkeypatch.setattr(article_layout.ArticleLayout, "rest", _never_in_thread(article_layout.ArticleLayout.rest))
    app = ViewApp(text)
    async with app.run_test(size=(80, 12)) as pilot:
        view = app.query_one(ArticleView)
        seen = []
        for _ in range(40):
            await pilot.press("pagedown")
            seen.append(view.cursor)
        assert view._geo.complete
        assert seen == sorted(seen) and seen[-1] >= tokenize(text).starts[-1] - 200


def _never_in_thread(real):
    """``rest`` that only works on the UI thread (the thread's call never returns)."""
    main = threading.main_thread()

    def rest(self, width):
        if threading.current_thread() is not main:
            threading.Event().wait(5)
        return real(self, width)

    return rest


async def test_paging_past_the_part_scrolls_as_with_the_whole_text(monkeypatch):
    """Page by page, the cursor and the scroll are those of the whole text laid out
    at once, also on the page that crosses the end of the part (laid out then)."""
    text = article(300)

    async def pages(part: int) -> list[tuple[int, int]]:
        monkeypatch.setattr(article_layout, "PART", part)
        app = ViewApp(text)
        seen = []
        async with app.run_test(size=(80, 12)) as pilot:
            view = app.query_one(ArticleView)
            assert view._geo.complete == (part > len(text))
            for _ in range(60):
                await pilot.press("pagedown")
                seen.append((view.cursor, round(view.scroll_y)))
            for _ in range(10):
                await pilot.press("pageup")
                seen.append((view.cursor, round(view.scroll_y)))
        return seen

    whole = await pages(10 * len(text))
    monkeypatch.setattr(article_layout.ArticleLayout, "rest", _never_in_thread(article_layout.ArticleLayout.rest))
    assert await pages(3000) == whole
