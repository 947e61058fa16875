"""Where the article view draws each character: its tokens, its rows wrapped to
the view's width (``text.Layout``) and the cell column of each character on a
row with wide, zero-width or tab characters. No painting here (see
``article_view``).

A long article is laid out in two steps: its first ``PART`` characters (to a
line end) at once, for the first screen, and the whole text later (``rest``,
pure, run in a thread; ``take`` puts it in place). Until then ``cut`` is where
the laid-out part ends: there are no tokens or rows after it.
"""

from __future__ import annotations

from textual.cache import LRUCache

from ..text import Layout, TextIndex, Tokens, tokenize_in_parts

#: an article longer than twice this is laid out in two steps (see above)
PART = 20_000

#: characters tokenized per call into the regex engine when the rest is laid out
#: in a thread (one call holds the interpreter: 1 << 18 held it 25-60 ms, a key
#: waited for it; the same cost in all, 0.70 s for 10 MB)
REST_PART = 1 << 15


class ArticleLayout:
    """The article's text as the view lays it out: tokens and wrapped rows."""

    def __init__(self, text: str, tab_size: int = 4):
        self.text = text
        self.tab_size = tab_size
        self.index = TextIndex(text)
        #: wrapped rows; None until the width is known (``wrap``)
        self.layout: Layout | None = None
        self._col_maps: LRUCache[tuple, dict[int, int]] = LRUCache(256)
        #: the end of the part laid out so far (the text's length once complete)
        self.cut = len(text)
        self._part_tokens: Tokens | None = None
        if len(text) > 2 * PART:
            nl = text.find("\n", PART)
            if 0 <= nl < len(text) - 1:
                self.cut = nl + 1

    @property
    def complete(self) -> bool:
        return self.cut == len(self.text)

    @property
    def tokens(self) -> Tokens:
        if not self.complete:
            if self._part_tokens is None:
                self._part_tokens = tokenize_in_parts(self.text, self.cut)
            return self._part_tokens
        return self.index.tokens

    def rest(self, width: int) -> tuple[Tokens, Layout]:
        """The whole text's tokens and rows (pure: may run in a thread, whose
        regular expression then holds the interpreter ``REST_PART`` characters
        at a time: a few milliseconds)."""
        return tokenize_in_parts(self.text, part=REST_PART), Layout(self.text, width, self.tab_size)

    def take(self, tokens: Tokens, layout: Layout) -> None:
        """Put the whole text's tokens and rows (from ``rest``) in place."""
        self.index._tokens = tokens
        self.layout = layout
        self.cut = len(self.text)
        self._part_tokens = None
        self._col_maps.clear()

    def wrap(self, width: int) -> bool:
        """Wrap the rows to ``width`` cells; False when they stay as they were."""
        if self.layout is None:
            text = self.text if self.complete else self.text[: self.cut]
            self.layout = Layout(text, width, self.tab_size)
            return True
        if not self.layout.rewrap(width):
            return False
        self._col_maps.clear()
        return True

    def columns(self, row: int) -> dict[int, int] | None:
        """Cell column of each char of a row drawn with wide/zero-width chars (else None)."""
        layout = self.layout
        assert layout is not None
        if layout.is_simple(row):
            return None
        key = (row, layout.width)
        cols = self._col_maps.get(key)
        if cols is None:
            cols = {}
            col = 0
            for a, b, w in layout.clusters(row):
                for k in range(a, b):
                    cols[k] = col
                col += w
            cols[layout.row(row)[1]] = col
            self._col_maps[key] = cols
        return cols

    def col(self, row: int, offset: int) -> int:
        cols = self.columns(row)
        if cols is None:
            return offset - self.layout.row(row)[0]  # type: ignore[union-attr]
        return cols[offset]

    def token_on_row(self, row: int, column: int, exclude: int | None = None) -> int | None:
        """The token drawn nearest to ``column`` on ``row`` (None if the row has none)."""
        layout = self.layout
        assert layout is not None
        rs, re_ = layout.row(row)
        best = None
        best_d = None
        tk = self.tokens
        for i in tk.overlapping(rs, re_):
            if i == exclude:
                continue
            s, e = tk[i]
            c0 = self.col(row, max(s, rs))
            c1 = self.col(row, min(e, re_))
            if c0 <= column < c1:
                return i
            d = c0 - column if column < c0 else column - c1 + 1
            if best_d is None or d < best_d:
                best, best_d = i, d
        return best

    def token_at_cell(self, row: int, column: int) -> int | None:
        """The token under a cell, or the nearest one on that row (for the mouse)."""
        tokens = self.tokens
        if not len(tokens):
            return None
        layout = self.layout
        assert layout is not None
        row = max(0, min(row, len(layout) - 1))
        found = self.token_on_row(row, max(0, column))
        if found is not None:
            return found
        return tokens.index_nearest(layout.row(row)[0])

    def row_tokens(self, offset: int) -> range:
        """The tokens on the row holding ``offset``."""
        layout = self.layout
        assert layout is not None
        rs, re_ = layout.row(layout.row_of(offset))
        return self.tokens.overlapping(rs, re_)
