"""The corpus view: every article of the open folder, how far it is, and the label counts.

The numbers come from ``annotator.corpus`` (the same as ``annotator status``);
the article open in the app is counted from its session, so unsaved changes
show. Files are read in a thread worker and kept in a cache keyed by their
modification time and size, so opening the view again reads only what changed.
``enter`` dismisses the screen with the index of the article to open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.bar import Bar
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from .. import corpus
from ..resources import data_dir
from .footer import KeyFooter
from .keymap import key_for
from .side import SideBySide
from .corpus_table import CorpusTable

#: what the view's scans read: on ``ctrl+l`` or a second visit only changed files are read again
_CACHE = corpus.ScanCache()
#: below this many columns the side panel (the label bars, the done rule) is hidden: the table needs them
CORPUS_SIDE_MIN_WIDTH = 90


class CorpusScreen(Screen[int | None]):
    """Every article: counts, what is left, who, saved or not. Enter opens one."""

    CSS_PATH = data_dir("styles") / "corpus.tcss"

    BINDINGS = [
        Binding("escape,C", "close", "Back", id="corpus.close"),
        Binding("s", "sort", "Sort by column", id="corpus.sort"),
        Binding("f", "filter", "Filter column", id="corpus.filter"),
        Binding("slash", "filter_name", "Find article", id="corpus.find"),
        Binding("F", "clear_filters", "Clear filters", id="corpus.clear_filters"),
        Binding("ctrl+l", "reload", "Reload", show=False, id="corpus.reload"),
    ]

    def __init__(self, articles: Sequence[Path], annotations_dir: Path, schema, *, current: int = 0, session=None) -> None:
        super().__init__()
        self.articles = list(articles)
        self.annotations_dir = Path(annotations_dir)
        self.label_order = [lab.name for lab in schema.entities]
        self.current = current
        self.session = session
        self.stats: corpus.CorpusStats | None = None
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.filters: dict[str, str] = {}
        #: the column the filter prompt is for
        self._filtering: str | None = None
        self.shown: list[corpus.ArticleStats] = []

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="corpus-head"):
            yield Static(Content("Corpus"), id="corpus-title")
            yield ProgressBar(total=1, show_eta=False, id="corpus-progress")
            yield Static(Content("reading…"), id="corpus-done")
        with SideBySide(id="corpus-main", side="#corpus-side", minimum=CORPUS_SIDE_MIN_WIDTH):
            yield CorpusTable(id="corpus-table")
            with VerticalScroll(id="corpus-side") as side:
                side.display = self.app.size.width >= CORPUS_SIDE_MIN_WIDTH
                yield Static(id="corpus-bars")
                yield Static(Content(corpus.DONE_RULE), id="corpus-rule")
        yield Static(Content(""), id="corpus-state", markup=False)
        bar = Input(id="corpus-filter")
        bar.display = False
        yield bar
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(CorpusTable))
        self.reload()

    # -- data ------------------------------------------------------------------
    def reload(self) -> None:
        self.query_one("#corpus-done", Static).update(Content(f"reading {len(self.articles)} article(s)…"))
        self._scan()

    @work(thread=True, exclusive=True, group="corpus", exit_on_error=False)
    def _scan(self) -> corpus.CorpusStats:
        def progress(n: int) -> None:
            self.app.call_from_thread(self._reading, n)

        return corpus.scan(self.articles, self.annotations_dir, self.label_order, cache=_CACHE, progress=progress)

    def _reading(self, n: int) -> None:
        self.query_one("#corpus-done", Static).update(Content(f"reading {n}/{len(self.articles)}…"))

    @on(Worker.StateChanged)
    def _scanned(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "corpus":
            return
        if event.state == WorkerState.SUCCESS:
            stats = event.worker.result
            self._live_row(stats)
            self.stats = stats
            self.refresh_all()
        elif event.state == WorkerState.ERROR:
            self.query_one("#corpus-done", Static).update(Content(f"could not read the folder: {event.worker.error}"))

    def _live_row(self, stats: corpus.CorpusStats) -> None:
        """The open article counted from its session: what is on screen, saved or not."""
        session = self.session
        if session is None or not 0 <= self.current < len(self.articles):
            return
        article = self.articles[self.current]
        row = corpus.ArticleStats(name=Path(article).stem, index=self.current, article=str(article))
        if session.yaml_path is not None and session.yaml_path.exists():
            row.yaml = str(session.yaml_path)
        corpus.fill_from_set(row, session.aset, self.label_order)
        row.unsaved = session.dirty
        row.locked = bool(getattr(session, "read_only", False))
        stats.replace(row)

    # -- drawing -----------------------------------------------------------------
    def refresh_all(self) -> None:
        stats = self.stats
        if stats is None:
            return
        bar = self.query_one("#corpus-progress", ProgressBar)
        bar.update(total=max(stats.total, 1), progress=stats.done)
        errors = f", {stats.errors} unreadable" if stats.errors else ""
        self.query_one("#corpus-done", Static).update(
            Content(f"{stats.done}/{stats.total} done{errors}")
        )
        self.query_one("#corpus-bars", Static).update(self._bars(stats))
        self.refill()

    def _bars(self, stats: corpus.CorpusStats):
        grid = Table.grid(padding=(0, 1), expand=False)
        grid.add_column(no_wrap=True, max_width=14, overflow="ellipsis")
        grid.add_column(no_wrap=True, width=10)
        grid.add_column(no_wrap=True, justify="right", min_width=4)

        def section(title: str, counts: dict[str, int]) -> None:
            grid.add_row(Text(title, style="bold"), "", "")
            if not counts:
                grid.add_row(Text("none yet", style="dim"), "", "")
            top = max(counts.values(), default=1)
            for name, n in counts.items():
                grid.add_row(Text(name), Bar(size=top, begin=0, end=n, width=10), Text(str(n)))
            grid.add_row("", "", "")

        section("labels", stats.labels)
        section("event types", stats.event_types)
        section("annotators", stats.by)
        sums = stats.sums()
        grid.add_row(Text("left to do", style="bold"), "", "")
        for k in ("pending", "lost"):
            grid.add_row(Text(k), "", Text(str(sums[k])))
        grid.add_row("", "", "")
        grid.add_row(Text("articles", style="bold"), "", "")
        for k, v in stats.states().items():
            grid.add_row(Text(k), "", Text(str(v)))
        return grid

    def refill(self) -> None:
        """Show the rows, filtered and sorted; the cursor stays on its article."""
        stats = self.stats
        if stats is None:
            return
        rows = stats.articles
        if self.filters:
            rows = corpus.filter_rows(rows, self.filters)
        if self.sort_key is not None:
            rows = corpus.sort_rows(rows, self.sort_key, self.sort_reverse)
        self.shown = list(rows)
        titles = {}
        for key, title in corpus.COLUMNS:
            label = corpus.SHORT_TITLES.get(key, title)
            if key == self.sort_key:
                label += " ▼" if self.sort_reverse else " ▲"
            if key in self.filters:
                label += f" [{self.filters[key]}]"
            titles[key] = label
        self.query_one(CorpusTable).set_rows(self.shown, titles, current=self.current)
        self._say_state()

    def _say_state(self, extra: str = "") -> None:
        stats = self.stats
        parts = []
        if stats is not None:
            parts.append(f"{len(self.shown)} of {stats.total} shown")
        if self.sort_key:
            title = dict(corpus.COLUMNS)[self.sort_key]
            parts.append(f"sorted by {title} {'descending' if self.sort_reverse else 'ascending'}")
        if self.filters:
            parts.append("filter: " + ", ".join(f"{dict(corpus.COLUMNS)[k]} {v}" for k, v in self.filters.items()))
        row = self._row_under_cursor()
        if row is not None and row.error:
            parts.append(row.error)
        if extra:
            parts.append(extra)
        self.query_one("#corpus-state", Static).update(Content("  ·  ".join(parts)))

    def _row_under_cursor(self) -> corpus.ArticleStats | None:
        return self.query_one(CorpusTable).row

    def _column_under_cursor(self) -> str:
        return self.query_one(CorpusTable).column

    @on(CorpusTable.Moved)
    def _moved(self, _event) -> None:
        self._say_state()

    # -- actions -------------------------------------------------------------------
    @on(CorpusTable.Selected)
    def _open(self, event: CorpusTable.Selected) -> None:
        event.stop()
        self.dismiss(event.row.index)

    def action_close(self) -> None:
        """esc: close the filter prompt first; else go back to the article."""
        if self._filtering is not None:
            self._close_filter()
            return
        self.dismiss(None)

    def action_sort(self) -> None:
        """Sort by the column under the cursor; again: the other way; a third time: folder order."""
        key = self._column_under_cursor()
        if self.sort_key != key:
            # numbers: most first is what one looks for (pending, lost); names: A to Z
            self.sort_key, self.sort_reverse = key, key in corpus.NUMERIC
        elif self.sort_reverse == (key in corpus.NUMERIC):
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = None, False
        self.refill()

    def action_filter(self, key: str | None = None) -> None:
        key = key or self._column_under_cursor()
        self._filtering = key
        title = dict(corpus.COLUMNS)[key]
        bar = self.query_one("#corpus-filter", Input)
        hint = ">0, =3, <=2, !=0" if key in corpus.NUMERIC else "text, !text (without), =text (exactly)"
        # (the prompt takes a printable key: C, of "escape,C", is typed into it)
        cancel = key_for(self.app, "corpus.close", CorpusScreen, typing=True)
        bar.placeholder = f"filter {title}: {hint}; empty clears; {cancel} cancels"
        bar.value = self.filters.get(key, "")
        bar.display = True
        self.set_focus(bar)  # now, not after a refresh: keys typed ahead go into the prompt

    def action_filter_name(self) -> None:
        self.action_filter("name")

    def action_clear_filters(self) -> None:
        self.filters.clear()
        self.refill()

    def action_reload(self) -> None:
        self.reload()

    @on(Input.Submitted, "#corpus-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = self._filtering or "name"
        value = event.value.strip()
        if value:
            try:
                corpus.parse_condition(key, value)
            except ValueError:
                self.app.bell()
                self._say_state(f"not a number condition: {value!r} (try >0, =3, <=2)")
                return
            self.filters[key] = value
        else:
            self.filters.pop(key, None)
        self._close_filter()
        self.refill()

    def _close_filter(self) -> None:
        bar = self.query_one("#corpus-filter", Input)
        bar.display = False
        self._filtering = None
        self.set_focus(self.query_one(CorpusTable))
