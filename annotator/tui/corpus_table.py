"""The corpus view's table: one line per article, drawn only where it is on screen.

A Line API ``ScrollView`` (like the article view): a folder of 10,000 articles
costs the lines that are visible, whether it is sorted, filtered or scrolled.
The header is its first line and stays in place. The cursor is a cell: its row
is highlighted and its column is the one sorting and filtering act on.
"""

from __future__ import annotations

from typing import ClassVar, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import corpus

PAD = 1  # cells of padding on each side of a column


def _fit(text: str, width: int, right: bool) -> str:
    """``text`` in exactly ``width`` cells: cut with … or padded (left or right aligned)."""
    n = cell_len(text)
    if n > width:
        out, used = "", 0
        for ch in text:
            w = cell_len(ch)
            if used + w > width - 1:
                break
            out += ch
            used += w
        return out + "…" + " " * (width - used - 1)
    pad = " " * (width - n)
    return pad + text if right else text + pad


class CorpusTable(ScrollView, can_focus=True):
    """Rows of ``corpus.ArticleStats``; ``enter`` posts ``Selected`` with the row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "corpus-table--header",
        "corpus-table--cursor-row",
        "corpus-table--cursor-cell",
        "corpus-table--done",
        "corpus-table--review",
        "corpus-table--error",
        "corpus-table--unsaved",
    }

    BINDINGS = [
        Binding("down,j", "move(1, 0)", "Down", show=False, id="corpus.down"),
        Binding("up,k", "move(-1, 0)", "Up", show=False, id="corpus.up"),
        Binding("right,l", "move(0, 1)", "Next column", show=False, id="corpus.right"),
        Binding("left,h", "move(0, -1)", "Previous column", show=False, id="corpus.left"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="corpus.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="corpus.page_up"),
        Binding("home,g", "edge(-1)", "First", show=False, id="corpus.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="corpus.last"),
        Binding("enter", "select", "Open", id="corpus.open"),
    ]

    class Selected(Message):
        def __init__(self, row: corpus.ArticleStats) -> None:
            super().__init__()
            self.row = row

    class Moved(Message):
        """The cursor moved (the screen says what is under it)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[corpus.ArticleStats] = []
        self.columns: list[tuple[str, str]] = []  # (key, title as shown)
        self.widths: list[int] = []
        self.current: int | None = None  # the app's open article (marked ▶)
        self.cursor_row = 0
        self.cursor_col = 0

    # -- content -------------------------------------------------------------
    def set_rows(self, rows: Sequence[corpus.ArticleStats], titles: dict[str, str], *, current: int | None) -> None:
        """Show these rows; the cursor stays on the article it was on, if it is still shown."""
        keep = self.rows[self.cursor_row].index if self.rows and self.cursor_row < len(self.rows) else current
        self.rows = list(rows)
        self.current = current
        self.columns = [(key, titles[key]) for key, _ in corpus.COLUMNS]
        self._measure()
        self.cursor_row = 0
        if keep is not None:
            for i, row in enumerate(self.rows):
                if row.index == keep:
                    self.cursor_row = i
                    break
        self.virtual_size = Size(sum(self.widths) + 2 * PAD * len(self.widths), len(self.rows) + 1)
        self.refresh()
        self.call_after_refresh(self._show_cursor)

    def _text(self, row: corpus.ArticleStats, key: str) -> str:
        text = row.text(key)
        if key == "name" and row.index == self.current:
            return "▶ " + text
        return text

    def _measure(self) -> None:
        """Column widths from titles and values; names take what is left of the width."""
        widths = []
        for key, title in self.columns:
            if key == "name":
                widths.append(0)
                continue
            longest = max((len(self._text(r, key)) for r in self.rows), default=0)
            widths.append(max(cell_len(title), longest))
        names = max((cell_len(self._text(r, "name")) for r in self.rows), default=0)
        names = max(names, cell_len(self.columns[0][1]))
        available = (self.scrollable_content_region.width or self.size.width or 80) - 1
        rest = sum(widths) + 2 * PAD * len(widths)
        widths[0] = max(12, min(names, available - rest))
        self.widths = widths

    def on_resize(self) -> None:
        if self.columns:
            self._measure()
            self.virtual_size = Size(sum(self.widths) + 2 * PAD * len(self.widths), len(self.rows) + 1)
            self.refresh()

    @property
    def row(self) -> corpus.ArticleStats | None:
        return self.rows[self.cursor_row] if 0 <= self.cursor_row < len(self.rows) else None

    @property
    def column(self) -> str:
        return self.columns[self.cursor_col][0] if self.columns else "name"

    # -- drawing -------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("corpus-table--header")
            return self._strip([t for _k, t in self.columns], header, [header] * len(self.columns), width)
        i = self.scroll_offset.y + y - 1
        if not 0 <= i < len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[i]
        style = base
        if i == self.cursor_row:
            style = self.get_component_rich_style("corpus-table--cursor-row")
        cells, styles = [], []
        for c, (key, _title) in enumerate(self.columns):
            text = self._text(row, key)
            cell = style
            state = None
            if key == "state":
                state = {"done": "done", "review": "review", "error": "error"}.get(text)
            elif key == "saved" and text == "unsaved":
                state = "unsaved"
            if state is not None:
                cell = cell + self.get_component_rich_style(f"corpus-table--{state}", partial=True)
            if i == self.cursor_row and c == self.cursor_col and self.has_focus:
                cell = self.get_component_rich_style("corpus-table--cursor-cell")
            cells.append(text)
            styles.append(cell)
        return self._strip(cells, style, styles, width)

    def _strip(self, cells: list[str], line_style: Style, styles: list[Style], width: int) -> Strip:
        """The line: the first column (the article) stays in place, the others scroll sideways."""
        pieces = []
        for c, text in enumerate(cells):
            key = self.columns[c][0]
            right = key in corpus.NUMERIC
            pieces.append([
                Segment(" " * PAD, line_style),
                Segment(_fit(text, self.widths[c], right), styles[c]),
                Segment(" " * PAD, line_style),
            ])
        frozen = Strip(pieces[0]) if pieces else Strip([])
        rest = Strip([seg for piece in pieces[1:] for seg in piece])
        x = self.scroll_offset.x
        fixed = frozen.cell_length
        if fixed >= width:
            return frozen.crop_extend(0, width, line_style)
        return Strip.join([frozen, rest.crop_extend(x, x + width - fixed, line_style)])

    # -- moving ----------------------------------------------------------------------
    def _show_cursor(self) -> None:
        height = max(1, self.size.height - 1)  # the header takes a line
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)
        self._show_column()

    def _show_column(self) -> None:
        """Scroll sideways so that the cursor's column is on screen (a narrow terminal)."""
        if not self.widths:
            return
        col = min(self.cursor_col, len(self.widths) - 1)
        if col == 0:  # the article's column does not scroll
            return
        fixed = self.widths[0] + 2 * PAD
        left = sum(self.widths[1:col]) + 2 * PAD * (col - 1)
        right = left + self.widths[col] + 2 * PAD
        width = max(1, (self.scrollable_content_region.width or self.size.width) - fixed)
        x = self.scroll_offset.x
        if left < x:
            self.scroll_to(x=left, animate=False)
        elif right > x + width:  # to a column's start: no column cut on the left
            starts = [sum(self.widths[1:c]) + 2 * PAD * (c - 1) for c in range(1, col + 1)]
            self.scroll_to(x=next((s for s in starts if right - s <= width), left), animate=False)

    def move_to(self, row: int | None = None, col: int | None = None) -> None:
        if row is not None:
            self.cursor_row = max(0, min(len(self.rows) - 1, row))
        if col is not None:
            self.cursor_col = max(0, min(len(self.columns) - 1, col))
        self._show_cursor()
        self.refresh()
        self.post_message(self.Moved())

    def action_move(self, rows: int, cols: int) -> None:
        self.move_to(self.cursor_row + rows, self.cursor_col + cols)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_edge(self, direction: int) -> None:
        self.move_to(0 if direction < 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.row
        if row is not None:
            self.post_message(self.Selected(row))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
