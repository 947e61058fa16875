"""Each rule's precision for the open folder, counted in the background and kept fresh.

When the app opens, the open article is counted from its session and a thread
worker counts the decisions in every other annotation file of the annotations
folder (the other articles' and the rest of the folder's, ``other_files``: an
article opened alone counts them too; ``precision.decisions_in_file``: the YAML
alone, not the article), with its progress on the status line. A large folder is counted in another process (the
thread only waits for its chunks), so the parsing never holds the interpreter
lock a key needs: keys keep their speed meanwhile. Each step of the open
session then moves the counts of that article only (``Tally.change``: the
step's own pairs), so a decision costs what the decision changed, never a pass
over the folder. The side panel and the review queue read ``app.rule_estimates``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from .. import store
from ..session import ChangeReport

if TYPE_CHECKING:
    from ..suggest import precision

#: how often the worker reports its progress (seconds)
PROGRESS_EVERY = 0.2
#: folders of more articles than this are counted in another process
IN_THREAD = 200
#: articles per chunk sent to that process
CHUNK = 250

#: the counting process runs at a lower priority than the app (keys first)
_SERVE = (
    "import os\nif hasattr(os, 'nice'): os.nice(10)\n"
    "from annotator.suggest.precision import serve_counts; serve_counts()"
)


def _counter() -> subprocess.Popen:
    """A Python process answering chunks (``precision.serve_counts``), importing this very
    package; its errors go nowhere (the terminal is the app's)."""
    here = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.Popen(
        [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, encoding="utf-8", env=env,
    )


def other_files(annotations_dir: Path, opened) -> list[Path]:
    """The annotation files of ``annotations_dir`` (``store.files.annotation_files_in``:
    subfolders too) that are not those of the ``opened`` articles: the rest of the
    folder, whose decisions count too (an article opened alone: all but its own)."""
    from ..errors import InputError
    from ..store.files import annotation_files_in

    if not annotations_dir.is_dir():
        return []
    mine = {os.path.abspath(store.annotation_path(a, annotations_dir)) for a in opened}
    try:
        found, _skipped = annotation_files_in(annotations_dir)
    except InputError:  # cannot be listed: the articles' own files are counted
        return []
    return [Path(q) for q, _key in found if os.path.abspath(q) not in mine]


class EstimatesMixin:
    """For ``AnnotatorApp``: ``start_estimating()`` on mount, ``estimates_opened()``
    after moving to another article, ``decisions_changed(report)`` on every step."""

    #: each rule's Estimate (``suggest.precision``), or None before the first count
    rule_estimates: dict | None = None
    #: the folder's counts: one entry per article
    tally: precision.Tally | None = None
    #: "estimating precision 120/900" while the worker reads the folder
    _estimating: str = ""
    #: articles counted from a session since the worker started (its file may be older)
    _live: set

    def _article_key(self) -> Path:
        return Path(self.articles[self.index])

    def start_estimating(self, counts: dict | None = None) -> None:
        """Count the open article now and the rest of the folder in a worker.
        ``counts``: the open article's ``precision.decisions``, made already (off
        the UI thread, while it loaded). The app calls it after its first frame,
        which does not need the counts (nor suggest.precision imported)."""
        from ..suggest import precision

        self.tally = precision.Tally()
        self._live = set()
        self.estimates_opened(counts)
        others = [Path(a) for a in self.articles if Path(a) != self._article_key()]
        folder = Path(self.annotations_dir)
        if others or folder.is_dir():  # (the folder's other files too: an article opened alone)
            if others:
                self._estimating = f"estimating precision 0/{len(others)}"
                self.refresh_status()
            self._count_folder(others, folder, [Path(a) for a in self.articles])

    def estimates_opened(self, counts: dict | None = None) -> None:
        """The open article (just opened, or moved to) is counted from its session
        (``counts``: its decisions, counted already)."""
        if self.tally is None:
            return
        key = self._article_key()
        self._live.add(key)
        if counts is None:
            self.tally.recount(key, self.session.aset)
        else:
            self.tally.set(key, counts)
        self.publish_estimates()

    def decisions_changed(self, report: ChangeReport) -> None:
        """A step of the open session: move that article's counts by the step's pairs."""
        if self.tally is None:
            return
        pairs = report.step.inverse().pairs if report.undo else report.step.pairs
        if self.tally.change(self._article_key(), pairs):
            self.publish_estimates(repaint=False)  # the app repaints the side panel after a change

    def count_files(self, counts: dict[Path, dict | None], *, replace_live: bool = False) -> None:
        """Counts read from files (the worker, or the review queue after a decision
        in other articles); the open article always keeps its session's counts."""
        if self.tally is None:
            return
        here = self._article_key()
        for article, c in counts.items():
            if article == here or (article in self._live and not replace_live):
                continue
            self.tally.set(article, c)
        self.publish_estimates()

    def estimates_status(self) -> str:
        """The status line's part for the worker (empty when it is done)."""
        return f"  {self._estimating}" if self._estimating else ""

    def publish_estimates(self, repaint: bool = True) -> None:
        assert self.tally is not None
        fresh = self.tally.estimates()
        if fresh is self.rule_estimates:
            return
        self.rule_estimates = fresh
        self._side_key = None  # the side panel shows the new figures
        if not repaint or not self.is_running:
            return
        try:
            self.refresh_side()
        except Exception:  # not mounted yet (or quitting): painted with the next refresh
            pass
        for screen in self.screen_stack:
            changed = getattr(screen, "estimates_changed", None)
            if changed is not None:
                changed()

    @work(thread=True, group="estimates", exclusive=True, exit_on_error=False)
    def _count_folder(self, articles: list[Path], annotations_dir: Path, opened: list[Path] = ()) -> None:
        """The decisions of ``articles``' annotation files and of every other annotation
        file of ``annotations_dir`` (``opened``: the articles the app has, whose files
        are theirs), each counted under its article, or its own path for the others."""
        from ..suggest import precision

        worker = get_current_worker()
        counts: dict[Path, dict | None] = {}
        last = time.monotonic()
        files = {article: store.annotation_path(article, annotations_dir) for article in articles}
        extra = other_files(annotations_dir, opened)
        files.update((p, p) for p in extra)
        articles = list(files)
        total = len(articles)
        if extra:
            self._from_worker(self._count_progress, 0, total)
        if total <= IN_THREAD:
            for n, article in enumerate(articles, 1):
                if worker.is_cancelled:
                    return
                counts[article] = precision.decisions_in_file(files[article])
                time.sleep(0)  # let the app's thread take the interpreter lock between files
                now = time.monotonic()
                if now - last >= PROGRESS_EVERY:
                    last = now
                    self._from_worker(self._count_progress, n, total)
        else:
            proc = _counter()
            try:
                for i in range(0, total, CHUNK):
                    if worker.is_cancelled:
                        return
                    chunk = articles[i : i + CHUNK]
                    paths = [str(files[a]) for a in chunk]
                    got = None
                    try:
                        proc.stdin.write(json.dumps(paths) + "\n")
                        proc.stdin.flush()
                        got = json.loads(proc.stdout.readline() or "null")
                    except (OSError, ValueError):
                        pass
                    if not isinstance(got, list) or len(got) != len(chunk):  # it died: count here
                        got = precision.decisions_in_files(paths)
                    counts.update(zip(chunk, got))
                    self._from_worker(self._count_progress, len(counts), total)
            finally:
                proc.kill()
                proc.wait()
        self._from_worker(self._counted, counts)

    def _from_worker(self, callback, *args) -> None:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # the app has quit meanwhile
            pass

    def _count_progress(self, done: int, total: int) -> None:
        self._estimating = f"estimating precision {done}/{total}"
        self.refresh_status()

    def _counted(self, counts: dict[Path, dict | None]) -> None:
        self._estimating = ""
        self.count_files(counts)
        self.refresh_status()
