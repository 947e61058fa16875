"""The review queue screen: pending suggestions as one row per decision.

Rows come from ``annotator.review_queue`` (grouping, filters, orders, group
decisions and their undo); this screen only shows them and calls it. The other
articles of the folder are read once in a thread worker (progress on the status
line); after a decision only the changed articles are read again. The precision
estimates are the app's (``tui.estimates``): fresh after every decision, here
and in the article. ``enter``
dismisses the screen with (article, offset) for the app to jump to.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from .. import review_queue as rq
from .footer import KeyFooter
from ..model import ACCEPTED, REJECTED
from ..session import ReadOnlyError
from ..suggest import precision

SCORE_STEP = 0.1


#: the columns, the context (what a reviewer reads to decide) right after the text
COLUMNS = ("n", "label", "text", "context", "score", "by", "precision")
#: the widest a column other than the context may be (its cells are cut with …)
COLUMN_MOST = {1: 18, 2: 28, 5: 22, 6: 20}
#: the context's width at least (the columns after it scroll sideways on a narrow screen)
CONTEXT_LEAST = 40


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fitted(rows: list[list[str]], width: int) -> list[list[str]]:
    """The rows' cells (in ``COLUMNS`` order) fitted to a table ``width`` cells
    wide: the label, text, rule and precision cut at their most (``COLUMN_MOST``),
    and the context given the rest of the line (at least ``CONTEXT_LEAST``), cut
    from the end. It came last and took what the others left: at 120 columns a
    reviewer saw "By Orhan" of it."""
    if not rows:
        return rows
    ctx = COLUMNS.index("context")
    out = [[_cut(c, COLUMN_MOST[k]) if k in COLUMN_MOST else c for k, c in enumerate(cells)] for cells in rows]
    others = [max(len(COLUMNS[k]), *(len(cells[k]) for cells in out)) for k in range(len(COLUMNS)) if k != ctx]
    # (each column has a cell of padding either side; the scrollbar takes 2)
    room = max(CONTEXT_LEAST, width - sum(w + 2 for w in others) - 2 - 2)
    for cells in out:
        cells[ctx] = _cut(cells[ctx], room)
    return out


class ReviewQueueScreen(Screen[tuple[Path, int] | None]):
    BINDINGS = [
        Binding("escape,S", "close", "Back", id="queue.close"),
        Binding("y", "decide('accepted')", "Accept group", id="queue.accept"),
        Binding("x", "decide('rejected')", "Reject group", id="queue.reject"),
        Binding("u", "undo", "Undo group", id="queue.undo"),
        Binding("enter", "jump", "Go to it", id="queue.jump"),
        Binding("s", "sort", "Sort", id="queue.sort"),
        Binding("f", "scope", "Article/folder", id="queue.scope"),
        Binding("l", "label", "Filter label", id="queue.label"),
        Binding("g", "suggester", "Filter suggester", id="queue.suggester"),
        Binding("plus", "score(1)", "Min score +", id="queue.score_up"),
        Binding("minus", "score(-1)", "Min score -", id="queue.score_down"),
        Binding("F", "clear", "Clear filters", id="queue.clear"),
    ]

    DEFAULT_CSS = """
    ReviewQueueScreen #queue-status { height: 1; background: $panel; }
    ReviewQueueScreen DataTable { height: 1fr; }
    """

    def __init__(self, app_) -> None:
        super().__init__()
        self.host = app_
        self.folder = len(app_.articles) > 1
        self.how = "position"
        self.label: str | None = None
        self.suggester: str | None = None
        self.low: float | None = None
        #: article -> its annotation set as saved (the open one: its live session)
        self.sets: dict[Path, object] = {}
        self.estimates: dict[str, precision.Estimate] = {}
        self.shown: list[rq.Row] = []
        self.steps: list[rq.FolderStep] = []
        self.reading = True
        self.progress = ""
        self.message = ""

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="queue-status", markup=False)
        table = DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.current = Path(self.host.articles[self.host.index])
        self.sets[self.current] = self.host.session.aset
        self._estimate()
        self.refill()
        self.query_one(DataTable).focus()
        self.read_others([Path(a) for a in self.host.articles if Path(a) != self.current])

    @work(thread=True, exclusive=True, group="queue-read")
    def read_others(self, articles: list[Path]) -> None:
        """Read the folder's other articles (once at open; after a decision, the changed ones)."""

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        got = rq.read_folder(articles, self.host.annotations_dir, self.host.schema, progress=progress)
        counts: dict = {a: precision.decisions([s]) for a, s in got.items()}
        counts.update({a: None for a in articles if a not in got})  # gone or unreadable now
        self.app.call_from_thread(self._read, articles, got, counts)

    def _progress(self, done: int, total: int) -> None:
        self.reading = done < total
        self.progress = f"reading the folder: {done}/{total}"
        self._status()

    def _read(self, articles, got, counts) -> None:
        for a in articles:
            self.sets.pop(a, None)
        self.sets.update(got)
        self.reading = False
        self.host.count_files(counts, replace_live=True)  # the app's estimates, then ours
        self._estimate()
        self.refill()

    def _estimate(self) -> None:
        self.estimates = self.host.rule_estimates or {}

    def estimates_changed(self) -> None:
        """The app's estimates moved (its folder worker, a decision): show them."""
        if self.is_attached and self.estimates is not self.host.rule_estimates:
            self._estimate()
            self.refill()

    # -- rows ------------------------------------------------------------------------------
    def _items(self) -> list[rq.Item]:
        order = {Path(a): n for n, a in enumerate(self.host.articles)}
        chosen = self.sets if self.folder else {self.current: self.sets[self.current]}
        items = []
        for article, aset in chosen.items():
            items += rq.pending(article, aset, order.get(article, 0))
        return items

    def all_rows(self) -> list[rq.Row]:
        return rq.rows(self._items(), self.estimates, folder=self.folder)

    def refill(self, keep: int | None = None) -> None:
        table = self.query_one(DataTable)
        at = table.cursor_row if keep is None else keep
        rows = rq.select(self.all_rows(), label=self.label, suggester=self.suggester, low=self.low)
        self.shown = rq.order(rows, self.how, self.estimates)
        table.clear()
        rows_cells = []
        for r in self.shown:
            score = "" if r.score is None else f"{r.score:.2f}"
            rows_cells.append([str(r.count), r.label, r.text, r.first.context, score, r.rule, r.precision_text()])
        for cells in fitted(rows_cells, self.size.width or self.app.size.width):
            table.add_row(*(Text(c) for c in cells))  # plain text: [brackets] are not markup
        if self.shown:
            table.move_cursor(row=min(max(at, 0), len(self.shown) - 1))
        self._status()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.refill()

    def _status(self) -> None:
        parts = [
            f"{sum(r.count for r in self.shown)} pending in {len(self.shown)} rows",
            "folder" if self.folder else "this article",
            f"sort: {rq.SORT_NAMES[self.how]}",
        ]
        if self.label:
            parts.append(f"label={self.label}")
        if self.suggester:
            parts.append(f"by={self.suggester}")
        if self.low is not None:
            parts.append(f"score>={self.low:.1f}")
        if self.reading and self.folder:
            parts.append(self.progress or "reading the folder…")
        if self.message:
            parts.append(self.message)
        self.query_one("#queue-status", Static).update(" · ".join(parts))

    def row(self) -> rq.Row | None:
        table = self.query_one(DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    # -- actions -----------------------------------------------------------------------------
    def _opener(self):
        h = self.host
        return rq.folder_opener(self.current, h.session, h.annotations_dir, h.schema, user=h.user, locked=h.lock_files)

    def _after(self, step: rq.FolderStep, lines: list[str]) -> None:
        others = [a for a in step.articles if a != self.current]
        self.message = "; ".join(lines)
        if self.reading:  # the first reading was cut short by this one: read them all
            others = [Path(a) for a in self.host.articles if Path(a) != self.current]
        for article, pairs in step.changes:  # shown at once; the worker reads the files again
            aset = self.sets.get(article)
            if article != self.current and aset is not None and not lines[0].startswith("undone"):
                for _before, after in pairs:
                    aset.table(type(after))[after.id] = after
                if self.host.tally is not None:  # counted now; the worker reads the file again
                    self.host.tally.change(article, pairs)
        if self.host.tally is not None:
            self.host.publish_estimates(repaint=False)
        self._estimate()
        if others:
            self.read_others(others)
        self.refill()

    def action_decide(self, status: str) -> None:
        row = self.row()
        if row is None:
            self.message = "nothing pending here"
            self._status()
            return
        try:
            step = rq.decide(row, ACCEPTED if status == ACCEPTED else REJECTED, self._opener())
        except ReadOnlyError as err:
            self.message = str(err)
            self._status()
            return
        if step.changes:
            self.steps.append(step)
        verb = "accepted" if status == ACCEPTED else "rejected"
        rivals = f"; rejected {step.rivals} other side{'s' if step.rivals != 1 else ''} of merge conflicts" if step.rivals else ""
        self._after(step, [f"{verb} {step.changed}: {row.label} {row.text!r}{rivals}", *step.skipped])

    def action_undo(self) -> None:
        if not self.steps:
            self.message = "nothing to undo in the queue"
            self._status()
            return
        step = self.steps.pop()
        lines = step.undo(self._opener())
        self._after(step, [f"undone: {step.label}", *lines])

    def action_jump(self) -> None:
        row = self.row()
        if row is None:
            return
        it = row.items[0]
        here = [i for i in row.items if i.article == self.current]
        if here:
            it = here[0]
        self.dismiss((it.article, it.start))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on a row (the table's own binding)
        self.action_jump()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_sort(self) -> None:
        self.how = rq.SORTS[(rq.SORTS.index(self.how) + 1) % len(rq.SORTS)]
        self.refill(keep=0)

    def action_scope(self) -> None:
        self.folder = not self.folder
        self.refill(keep=0)

    def _cycle(self, current: str | None, choices: list[str]) -> str | None:
        seq: list[str | None] = [None, *choices]
        return seq[(seq.index(current) + 1) % len(seq)] if current in seq else None

    def action_label(self) -> None:
        self.label = self._cycle(self.label, sorted({r.label for r in self.all_rows()}))
        self.refill(keep=0)

    def action_suggester(self) -> None:
        rules = sorted({i.rule for r in self.all_rows() for i in r.items})
        names = sorted({rq.suggester_of(r) for r in rules})
        self.suggester = self._cycle(self.suggester, [*names, *[r for r in rules if r not in names]])
        self.refill(keep=0)

    def action_score(self, step: int) -> None:
        low = (self.low or 0.0) + step * SCORE_STEP
        self.low = None if low <= 1e-9 else min(1.0, round(low, 1))
        self.refill(keep=0)

    def action_clear(self) -> None:
        self.label = self.suggester = self.low = None
        self.refill(keep=0)
