"""The article view: a Line API widget that paints only the rows a key changed.

Built like Textualize/toolong's ``log_lines.py``: a ``ScrollView`` whose
``render_line(y)`` draws one screen row from the wrapped text (``text.Layout``)
and the marks touching it (``MarkIndex.overlapping``), and keeps the drawn rows in
an ``LRUCache`` keyed by ``(row, width, version)``. A row's version is bumped when
something on it changes (cursor, selection, a mark); moving the cursor bumps and
refreshes the old and new rows only.

The cursor is a token (``text.tokenize``); the selection runs from the anchor
token to the cursor token. All offsets are ``str`` indices into the article.
A cursor that leaves the screen is brought back to its middle (as in Emacs), so
stepping down a long article repaints the whole screen once per half page, not
once per key.

How one row is drawn (the style of each run, the segments) is in
``article_paint.RowPainting``, a mixin of the view.
"""

from __future__ import annotations

import asyncio
import threading
from bisect import bisect_left
from typing import Callable, ClassVar, Iterable, Mapping

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..lazy import names_from
from ..marks import MarkIndex
from ..text import Layout, TextIndex, Tokens
from .article_layout import ArticleLayout
from .article_paint import RowPainting
from .steady import PlainLines, SteadyScrollbars
from .article_ranges import Range, RangeLike, Ranges as _Ranges, difference as _difference, span as _span

#: More rows than this changed at once: drop the whole strip cache instead.
_MANY_ROWS = 300



def _focus_styled(widget) -> bool:
    """Whether a rule of the app's stylesheet with :focus (or :blur) may apply to
    ``widget`` or to one of its component classes."""
    names = widget._selector_names | widget._get_component_classes()
    for rule in widget.app.stylesheet.rules:
        if not {"focus", "blur", "focus-within"}.isdisjoint(rule.pseudo_classes) and not names.isdisjoint(rule.selector_names):
            return True
    return False


class ArticleView(RowPainting, PlainLines, SteadyScrollbars, ScrollView, inherit_bindings=False):
    """The article, its marks, a token cursor and a selection."""

    ALLOW_SELECT = False  # our own drag-to-select, not Textual's text selection

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        # (the label colour slots 1-9: article_paint.SLOT_HUES, not component classes)
        "article--entity",  # an entity whose label has no colour slot
        "article--suggested",
        "article--trigger",
        "article--source",
        "article--cue",
        "article--content",
        "article--related",
        "article--cursor",
        "article--selection",
        "article--match",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l", "cursor_next", "Next token", show=False, id="article.next_token"),
        Binding("left,h", "cursor_prev", "Previous token", show=False, id="article.prev_token"),
        Binding("down,j", "cursor_down", "Line down", show=False, id="article.line_down"),
        Binding("up,k", "cursor_up", "Line up", show=False, id="article.line_up"),
        Binding("pagedown", "cursor_page_down", "Page down", show=False, id="article.page_down"),
        Binding("pageup", "cursor_page_up", "Page up", show=False, id="article.page_up"),
        Binding("g", "cursor_first", "Start", show=False, id="article.start"),
        Binding("G", "cursor_last", "End", show=False, id="article.end"),
        Binding("home", "cursor_row_start", "Line start", show=False, id="article.row_start"),
        Binding("end", "cursor_row_end", "Line end", show=False, id="article.row_end"),
        Binding("v", "start_selection", "Select", id="article.select"),
        Binding("shift+right", "extend_next", "Extend right", show=False, id="article.extend_next"),
        Binding("shift+left", "extend_prev", "Extend left", show=False, id="article.extend_prev"),
    ]

    class CursorMoved(Message):
        """The cursor moved to another token (``offset`` is its start)."""

        def __init__(self, view: "ArticleView", offset: int) -> None:
            super().__init__()
            self.view = view
            self.offset = offset

        @property
        def control(self) -> "ArticleView":
            return self.view

    class SelectionChanged(Message):
        """The selection changed (``selection`` is a char range or None)."""

        def __init__(self, view: "ArticleView", selection: Range | None) -> None:
            super().__init__()
            self.view = view
            self.selection = selection

        @property
        def control(self) -> "ArticleView":
            return self.view

    def __init__(
        self,
        text: str,
        marks: MarkIndex,
        *,
        slot_of: Callable[[str], int],
        id: str | None = None,
        classes: str | None = None,
        tab_size: int = 4,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text
        #: tokens, rows and columns (the wrap map); rows are made once the width is known
        self._geo = ArticleLayout(text, tab_size)
        self._marks = marks
        self._slot_of = slot_of
        self._slots: dict[str, int] = {}
        self._width = 0  # cells a row is drawn in (the content width)
        self._height = 0
        self._cursor_i: int | None = 0 if len(self._tokens) else None
        self._anchor_i: int | None = None
        self._exact: Range | None = None  # a selection set by select(), until the next move
        self._goal_col: int | None = None  # column kept across up/down moves
        self._matches = _Ranges()
        self._related = _Ranges()
        #: named overlays, painted in this order with the component class of their name
        self._layers: dict[str, _Ranges] = {}
        self._drag_i: int | None = None
        #: called synchronously when the cursor moves, before this frame is painted,
        #: so what the owner repaints in response lands in the same frame (a
        #: CursorMoved message would arrive after the frame: two repaints per key)
        self.on_cursor: Callable[[int], None] | None = None
        # rendering caches
        self._strips: LRUCache[tuple, Strip] = LRUCache(2048)
        self._row_version: dict[int, int] = {}
        self._generation = 0
        self._sig_styles: dict[tuple, Style] = {}
        self._component_cache: dict[str, Style] = {}
        self._ink_cache: dict[int, Style] = {}
        self.renders = 0  # rows drawn (cache misses): lets tests check "only changed rows"
        self._style_check = True
        self._painted_with: tuple | None = None
        #: the view's own style (``rich_style`` walks the ancestors): set by
        #: _check_styles, which every paint runs first after a style change
        self._base_style = Style()

    # ------------------------------------------------------------------
    # Public state
    # ------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self._text

    @property
    def tokens(self) -> Tokens:
        return self._geo.tokens

    @property
    def text_index(self) -> TextIndex:
        return self._geo.index

    @property
    def _tokens(self) -> Tokens:
        return self._geo.tokens

    @property
    def _layout(self) -> Layout | None:
        return self._geo.layout

    @property
    def layout(self) -> Layout:
        return self._ensure_layout()

    @property
    def marks(self) -> MarkIndex:
        return self._marks

    @marks.setter
    def marks(self, marks: MarkIndex) -> None:
        self._marks = marks
        self.invalidate_all()

    @property
    def cursor(self) -> int:
        """Start offset of the cursor token (0 in an article with no tokens)."""
        if self._cursor_i is None:
            return 0
        return self._tokens.starts[self._cursor_i]

    @cursor.setter
    def cursor(self, offset: int) -> None:
        self.move_to(offset)

    @property
    def cursor_token(self) -> Range:
        if self._cursor_i is None:
            return (0, 0)
        return self._tokens[self._cursor_i]

    @property
    def anchor(self) -> int | None:
        """Start of the token the selection is anchored at, or None."""
        if self._anchor_i is None:
            return None
        return self._tokens.starts[self._anchor_i]

    @property
    def selection(self) -> Range | None:
        """The selected characters: anchor token to cursor token, inclusive."""
        if self._exact is not None:
            return self._exact
        if self._anchor_i is None or self._cursor_i is None:
            return None
        a, c = self._anchor_i, self._cursor_i
        lo, hi = (a, c) if a <= c else (c, a)
        return self._tokens.starts[lo], self._tokens.ends[hi]

    @property
    def target(self) -> Range:
        """What a command acts on: the selection, else the cursor token."""
        return self.selection or self.cursor_token

    # ------------------------------------------------------------------
    # Commands (the app calls these)
    # ------------------------------------------------------------------
    def move_to(self, offset: int, extend: bool = False) -> None:
        """Put the cursor on the token at ``offset`` (or the nearest one).

        ``extend`` keeps (or starts) the selection; otherwise it is cleared.
        """
        self._need(offset)
        i = self._tokens.index_nearest(max(0, min(offset, len(self._text))))
        if i is not None:
            self._set_cursor(i, extend=extend)

    def start_selection(self) -> None:
        """Anchor a selection at the cursor token (moves then extend it)."""
        if self._cursor_i is None:
            return
        old = self.selection
        self._anchor_i = self._cursor_i
        self._exact = None
        self._selection_changed(old)

    def clear_selection(self) -> None:
        old = self.selection
        self._anchor_i = None
        self._exact = None
        self._selection_changed(old)

    def select(self, start: int, end: int) -> None:
        """Make ``[start, end)`` the selection, the cursor on its first token."""
        n = len(self._text)
        start, end = max(0, min(start, n)), max(0, min(end, n))
        self._need(end)
        if end <= start or not len(self._tokens):
            return
        first = self._tokens.index_nearest(start)
        last = self._tokens.index_at(end - 1)
        if last is None:
            last = max(first, bisect_left(self._tokens.starts, end) - 1)
        old_sel = self.selection
        old_cur = self.cursor_token
        self._anchor_i = last
        self._exact = (start, end)
        self._cursor_i = first
        self._goal_col = None
        self._after_move(old_cur, old_sel)

    def scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        """Scroll (no animation) so the row holding ``offset`` is on screen.

        A row already on screen stays put (unless ``center``); one off screen is
        brought to the middle, as Emacs does: stepping down past the last row
        scrolls half a page, so the next dozen steps repaint two rows each
        instead of the whole screen.
        """
        self._need(offset)
        layout = self._ensure_layout()
        row = layout.row_of(offset)
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if not center and top <= row < top + height:
            return
        self.scroll_to(y=max(0, row - height // 2), animate=False)

    def invalidate(self, ranges: Iterable[RangeLike]) -> None:
        """Repaint the rows showing these characters (after the marks changed)."""
        self._touch([_span(r) for r in ranges])

    def invalidate_all(self) -> None:
        """Repaint every row (new marks index, new label colours)."""
        self._slots.clear()
        self._generation += 1
        self._row_version.clear()
        self._strips.clear()
        self.refresh()

    def set_matches(self, ranges: Iterable[RangeLike]) -> None:
        """Find matches to paint (``article--match``); replaces the previous ones."""
        old = self._matches
        self._matches = _Ranges(ranges)
        self._touch(old.spans + self._matches.spans)

    def set_related(self, marks: Iterable[RangeLike]) -> None:
        """The parts of the focused annotation (``article--related``)."""
        old = self._related
        self._related = _Ranges(marks)
        self._touch(old.spans + self._related.spans)

    def set_layers(self, layers: Mapping[str, Iterable[RangeLike]]) -> None:
        """Overlays painted over the marks, each with the component class it is named
        after (``article--missed``...), in the mapping's order; replaces the previous
        ones. Only the rows whose overlays changed are repainted."""
        for name in layers:
            if name not in self._get_component_classes():
                raise KeyError(f"No {name!r} key in COMPONENT_CLASSES")
        old = self._layers
        new = {name: _Ranges(ranges) for name, ranges in layers.items()}
        self._layers = new
        if [n for n in old if n in new] != [n for n in new if n in old]:  # the paint order changed
            self._touch([sp for rs in (*old.values(), *new.values()) for sp in rs.spans])
            return
        changed: list[Range] = []
        for name in old.keys() | new.keys():
            a, b = old.get(name), new.get(name)
            changed.extend(set(a.spans if a else ()) ^ set(b.spans if b else ()))
        self._touch(changed)

    def update_layer(self, name: str, remove: Iterable[RangeLike] = (), add: Iterable[RangeLike] = ()) -> None:
        """Take some ranges out of one overlay and put others in (a new overlay is
        painted last): costs the ranges given, not the overlay's size."""
        if name not in self._get_component_classes():
            raise KeyError(f"No {name!r} key in COMPONENT_CLASSES")
        rs = self._layers.get(name)
        if rs is None:
            rs = self._layers[name] = _Ranges()
        gone = [_span(r) for r in remove]
        new = [_span(r) for r in add]
        for sp in gone:
            i = bisect_left(rs.spans, sp)
            if i < len(rs.spans) and rs.spans[i] == sp:
                del rs.spans[i]
                del rs.starts[i]
        for sp in new:
            i = bisect_left(rs.spans, sp)
            rs.spans.insert(i, sp)
            rs.starts.insert(i, sp[0])
            rs.longest = max(rs.longest, sp[1] - sp[0])
        self._touch(gone + new)

    def set_layer(self, name: str, ranges: Iterable[RangeLike]) -> None:
        """Replace one overlay (a new one is painted last); the others stay."""
        if name not in self._get_component_classes():
            raise KeyError(f"No {name!r} key in COMPONENT_CLASSES")
        old = self._layers.get(name)
        new = self._layers[name] = _Ranges(ranges)
        self._touch(list(set(old.spans if old else ()) ^ set(new.spans)))

    # ------------------------------------------------------------------
    # Cursor machinery
    # ------------------------------------------------------------------
    def _set_cursor(self, i: int, *, extend: bool, goal: int | None = None) -> None:
        old_sel = self.selection
        old_cur = self.cursor_token
        if extend:
            if self._exact is not None and self._anchor_i is not None and self._cursor_i is not None:
                # a selection set by select() (a find): extended from its far end,
                # the side the cursor goes to (it was anchored at its last token,
                # the cursor on its first: shift+right shrank a match to its last word)
                first, last = sorted((self._anchor_i, self._cursor_i))
                self._anchor_i = last if i < first else first
            elif self._anchor_i is None:
                self._anchor_i = self._cursor_i if self._cursor_i is not None else i
        else:
            self._anchor_i = None
        self._exact = None
        self._cursor_i = i
        self._goal_col = goal
        self._after_move(old_cur, old_sel)

    def _after_move(self, old_cur: Range, old_sel: Range | None) -> None:
        new_cur = self.cursor_token
        if self.is_mounted:
            self.scroll_to_offset(new_cur[0])
        changed: list[Range] = []
        if new_cur != old_cur:
            changed += [old_cur, new_cur]
        new_sel = self.selection
        if new_sel != old_sel:
            changed += _difference(old_sel, new_sel)
        self._touch(changed)
        if new_cur != old_cur:
            if self.on_cursor is not None:
                self.on_cursor(new_cur[0])
            self.post_message(self.CursorMoved(self, new_cur[0]))
        if new_sel != old_sel:
            self.post_message(self.SelectionChanged(self, new_sel))

    def _selection_changed(self, old: Range | None) -> None:
        new = self.selection
        if new != old:
            self._touch(_difference(old, new))
            self.post_message(self.SelectionChanged(self, new))

    def _touch(self, ranges: list[Range]) -> None:
        """Bump the version of the rows these ranges cover and refresh them."""
        if not ranges or self._layout is None:
            return
        layout = self._layout
        rows: set[int] = set()
        for s, e in ranges:
            r0 = layout.row_of(s)
            r1 = layout.row_of(max(s, e - 1))
            if r1 - r0 > _MANY_ROWS or len(rows) > _MANY_ROWS:
                self.invalidate_all()
                return
            rows.update(range(r0, r1 + 1))
        versions = self._row_version
        top = round(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        for r in rows:
            versions[r] = versions.get(r, 0) + 1
            if top <= r < bottom:
                self.refresh_line(r)

    # ------------------------------------------------------------------
    # Layout
    # ------------------------------------------------------------------
    def _wrap_width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else 80

    def _ensure_layout(self) -> Layout:
        geo = self._geo
        if geo.layout is None:
            self._width = self._wrap_width()
            geo.wrap(self._width)
            self.virtual_size = Size(geo.layout.width, len(geo.layout))  # type: ignore[union-attr]
        return geo.layout  # type: ignore[return-value]

    def _get_scrollable_region(self, region: Region) -> Region:
        """Textual asks this while it places the widget, before it sets its size and
        scrollbars. The first time, the text is wrapped here, at the width it gets (the
        gutter keeps the scrollbar's width), so the first layout has the document's size
        and its scrollbar (SteadyScrollbars), and the first frame is the final one
        (wrapped while painting, the document's size came after the layout: two more
        layouts and frames, one for the size, one for the scrollbar)."""
        geo = self._geo
        styles = self.styles
        if geo.layout is None and styles.scrollbar_gutter == "stable" and region.height > 0:
            width = region.width - styles.scrollbar_size_vertical
            if width > 0:
                self._width = width
                geo.wrap(width)
                self.set_reactive(ScrollView.virtual_size, Size(geo.layout.width, len(geo.layout)))  # type: ignore[union-attr]
        return super()._get_scrollable_region(region)

    # -- a long article: the rest of its layout ------------------------------
    #: the owner lays the rest out when it says (``lay_out_rest``), not at mount:
    #: the app while a big annotation file loads (the two threads would share the
    #: interpreter, and the load would wait for the layout as keys would)
    defer_rest = False

    def on_mount(self) -> None:
        if not self._geo.complete and not self.defer_rest:
            self.call_after_refresh(self.lay_out_rest)

    def lay_out_rest(self, then: Callable[[], None] | None = None) -> bool:
        """Lay the whole text out in a thread (the first screen is painted);
        ``then()`` on this thread once it is in place (at once if it is). False
        when there was nothing to lay out."""
        geo = self._geo
        if geo.complete:
            if then is not None:
                then()
            return False
        width = self._ensure_layout().width
        loop = asyncio.get_running_loop()

        def run() -> None:
            tokens, layout = geo.rest(width)
            try:
                loop.call_soon_threadsafe(self._take_rest, tokens, layout, then)
            except RuntimeError:
                pass  # closed meanwhile

        threading.Thread(target=run, name="annotator-layout", daemon=True).start()
        return True

    def _take_rest(self, tokens: Tokens, layout: Layout, then: Callable[[], None] | None = None) -> None:
        try:
            if self._geo.complete or not self.is_attached:
                return  # a key needed it first (laid out on this thread)
            if layout.width != self._width:
                layout.rewrap(self._width)
            self._complete(tokens, layout)
        finally:
            if then is not None:
                then()

    def _need(self, offset: int) -> None:
        """The text up to ``offset`` must be laid out: if it is not yet, now."""
        geo = self._geo
        if not geo.complete and offset >= geo.cut - 1:
            self._complete(*geo.rest(self._ensure_layout().width))

    def _need_rows(self, rows: int) -> None:
        """``rows`` rows down from the cursor must be laid out."""
        geo = self._geo
        if rows > 0 and not geo.complete:
            layout = self._ensure_layout()
            if layout.row_of(self.cursor) + rows >= len(layout) - 1:
                self._need(len(self._text))

    def _complete(self, tokens: Tokens, layout: Layout) -> None:
        """Put the whole text's tokens and rows in place, the cursor and the
        selection on the same characters."""
        cursor, anchor = self.cursor, self.anchor
        self._geo.take(tokens, layout)
        self._cursor_i = tokens.index_nearest(cursor) if len(tokens) else None
        self._anchor_i = tokens.index_nearest(anchor) if anchor is not None and len(tokens) else None
        self._generation += 1
        self._row_version.clear()
        self._strips.clear()
        self.virtual_size = Size(layout.width, len(layout))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        width = self._width = self._wrap_width()
        height, self._height = self._height, self.scrollable_content_region.height
        geo = self._geo
        if geo.layout is not None and geo.layout.width == width:
            if height != self._height:  # shorter or taller: keep the cursor on screen
                self.call_after_refresh(lambda: self.scroll_to_offset(self.cursor))
            return
        first_visible = None
        if geo.layout is not None:
            first_visible = geo.layout.row(min(round(self.scroll_y), len(geo.layout) - 1))[0]
            geo.wrap(width)
        layout = self._ensure_layout()
        self._generation += 1
        self._row_version.clear()
        self._strips.clear()
        self.virtual_size = Size(layout.width, len(layout))

        def keep_place() -> None:
            if first_visible is not None:  # the same text stays at the top
                self.scroll_to(y=layout.row_of(first_visible), animate=False)
            self.scroll_to_offset(self.cursor)

        self.call_after_refresh(keep_place)

    def _col(self, row: int, offset: int) -> int:
        self._ensure_layout()
        return self._geo.col(row, offset)

    def _token_on_row(self, row: int, column: int, exclude: int | None = None) -> int | None:
        """The token drawn nearest to ``column`` on ``row`` (None if the row has none)."""
        self._ensure_layout()
        return self._geo.token_on_row(row, column, exclude)

    def _token_at_cell(self, row: int, column: int) -> int | None:
        """The token under a cell, or the nearest one on that row (for the mouse)."""
        self._ensure_layout()
        return self._geo.token_at_cell(row, column)

    # ------------------------------------------------------------------
    # Actions (key bindings)
    # ------------------------------------------------------------------
    @property
    def extending(self) -> bool:
        """Whether plain moves extend the selection: one started with ``v`` (or
        dragged, or grown by an explicit extension: shift+arrows, ``)``, ``}``).

        A find's match (``select``) is a selection but not an extending one: a
        plain move after a find drops it, as in brat or INCEpTION (anchored at the
        match's last token, ``g`` after a find selected from the article's start to
        the match, and the next find extended that instead of selecting its match)."""
        return self._anchor_i is not None and self._exact is None

    _extending = extending

    def action_cursor_next(self) -> None:
        self._step(+1, self._extending)

    def action_cursor_prev(self) -> None:
        self._step(-1, self._extending)

    def action_extend_next(self) -> None:
        self._step(+1, True)

    def action_extend_prev(self) -> None:
        self._step(-1, True)

    def _step(self, delta: int, extend: bool) -> None:
        if self._cursor_i is None:
            return
        base = self._cursor_i
        if extend and self._exact is not None and self._anchor_i is not None:
            # from the end of a found selection the step goes to (see _set_cursor)
            base = max(base, self._anchor_i) if delta > 0 else min(base, self._anchor_i)
        if delta > 0 and base + delta >= len(self._tokens) - 1:
            self._need(len(self._text))
        i = max(0, min(base + delta, len(self._tokens) - 1))
        if i != self._cursor_i or extend != self._extending or self._exact is not None:
            self._set_cursor(i, extend=extend)

    def action_cursor_down(self) -> None:
        self._vertical(+1)

    def action_cursor_up(self) -> None:
        self._vertical(-1)

    def _goal(self) -> int:
        if self._goal_col is None:
            s = self.cursor
            layout = self._ensure_layout()
            self._goal_col = self._col(layout.row_of(s), s)
        return self._goal_col

    def _vertical(self, direction: int) -> None:
        if self._cursor_i is None:
            return
        self._need_rows(direction)
        layout = self._ensure_layout()
        goal = self._goal()
        s, e = self.cursor_token
        row = layout.row_of(s if direction < 0 else max(s, e - 1)) + direction
        while 0 <= row < len(layout):
            i = self._token_on_row(row, goal, exclude=self._cursor_i)
            if i is not None:
                self._set_cursor(i, extend=self._extending, goal=goal)
                return
            row += direction

    def _page(self, direction: int) -> None:
        if self._cursor_i is None:
            return
        height = max(1, self.scrollable_content_region.height)
        # the page below the cursor's and the one the view scrolls to (the cursor is
        # on screen): with fewer rows laid out, the scroll would stop at their end
        self._need_rows(direction * (2 * height + 1))
        layout = self._ensure_layout()
        goal = self._goal()
        cur_row = layout.row_of(self.cursor)
        target = max(0, min(cur_row + direction * height, len(layout) - 1))
        self.scroll_to(y=round(self.scroll_y) + direction * height, animate=False)
        row = target
        while 0 <= row < len(layout):
            i = self._token_on_row(row, goal)
            if i is not None:
                break
            row += direction
        else:
            i = 0 if direction < 0 else len(self._tokens) - 1
        self._set_cursor(i, extend=self._extending, goal=goal)

    def action_cursor_page_down(self) -> None:
        self._page(+1)

    def action_cursor_page_up(self) -> None:
        self._page(-1)

    def action_cursor_first(self) -> None:
        if self._cursor_i is not None:
            self._set_cursor(0, extend=self._extending)

    def action_cursor_last(self) -> None:
        if self._cursor_i is not None:
            self._need(len(self._text))
            self._set_cursor(len(self._tokens) - 1, extend=self._extending)

    def _row_tokens(self) -> range:
        self._ensure_layout()
        return self._geo.row_tokens(self.cursor)

    def action_cursor_row_start(self) -> None:
        if self._cursor_i is not None:
            self._set_cursor(self._row_tokens()[0], extend=self._extending)

    def action_cursor_row_end(self) -> None:
        if self._cursor_i is not None:
            self._set_cursor(self._row_tokens()[-1], extend=self._extending)

    def action_start_selection(self) -> None:
        self.start_selection()

    # ------------------------------------------------------------------
    # Mouse
    # ------------------------------------------------------------------
    def _event_token(self, event: events.MouseEvent, capture: bool) -> int | None:
        offset = event.get_content_offset_capture(self) if capture else event.get_content_offset(self)
        if offset is None:
            return None
        scroll = self.scroll_offset
        return self._token_at_cell(offset.y + scroll.y, offset.x + scroll.x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        i = self._event_token(event, capture=False)
        if i is None:
            return
        event.stop()
        self.focus()
        self._drag_i = i
        self.capture_mouse()
        if i != self._cursor_i or self.selection is not None:
            self._set_cursor(i, extend=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_i is None:
            return
        i = self._event_token(event, capture=True)
        if i is None or i == self._cursor_i:
            return
        if self._anchor_i is None:
            self._anchor_i = self._drag_i
        self._set_cursor(i, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_i is not None:
            self._drag_i = None
            self.release_mouse()

    # ------------------------------------------------------------------
    # Painting
    # ------------------------------------------------------------------
    def _on_focus(self, event: events.Focus) -> None:
        # Widget's, without its repaint of the whole article: nothing drawn here
        # depends on the focus (its CSS, if any, repaints what it changes), and
        # `/` (the find bar takes the focus) repainted all of the article
        event.prevent_default()
        self.has_focus = True
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def watch_has_focus(self, has_focus: bool) -> None:
        # Widget's applies the CSS again on every change of focus. No rule of the
        # stylesheet depends on the article's focus (none is checked here by its
        # names and component classes), and applying its rules again repaints its
        # scrollbar (Textual's scrollbar colours repaint it when set, changed or
        # not): `/` painted it in a frame of its own.
        if _focus_styled(self):
            super().watch_has_focus(has_focus)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Textual calls this on every focus change (CSS is re-applied to the
        # ancestors of the old and new focus), before the component styles are
        # ready: check at the next paint whether a style the rows use changed (a
        # theme change does; opening the find bar does not) and keep them if not.
        self._style_check = True

    def _check_styles(self) -> None:
        self._style_check = False
        sig = (
            self.rich_style,
            self.background_colors,  # (the slots' colours are blended over it: article_paint.slot_style)
            *(self.get_component_rich_style(n) for n in sorted(self._get_component_classes())),
        )
        self._base_style = sig[0]
        if sig == self._painted_with:
            return
        self._painted_with = sig
        self._component_cache.clear()
        self._sig_styles.clear()
        self._ink_cache.clear()
        self._generation += 1
        self._row_version.clear()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        if self._style_check:
            self._check_styles()
        layout = self._ensure_layout()
        width = self._width
        row = self.scroll_offset.y + y
        if row >= len(layout) or row < 0:
            return Strip.blank(width, self.rich_style)
        key = (row, width, self._generation, self._row_version.get(row, 0))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, width)
            self._strips[key] = strip
        return strip


__all__ = ["ArticleView"]


# ``LayeredArticleView`` (the audit's view) lives in tui.article_layers: the
# annotator's first frame does not make its class
__getattr__ = names_from(globals(), {"LayeredArticleView": "article_layers"})
