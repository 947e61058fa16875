"""A progress bar for import and export: rich's, only when stderr is a terminal;
otherwise nothing (pipes and CI logs stay clean)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator


class _Quiet:
    def advance(self, n: int = 1) -> None:
        pass


class _Bar:
    def __init__(self, progress, task):
        self.progress = progress
        self.task = task

    def advance(self, n: int = 1) -> None:
        self.progress.advance(self.task, n)


@contextmanager
def bar(description: str, total: int | None = None, *, enabled: bool | None = None) -> Iterator[object]:
    """``with bar("exporting", total) as b: ... b.advance()``."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield _Quiet()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if total is None:
        columns = [SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} articles"), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield _Bar(progress, progress.add_task(description, total=total))


class Clock:
    def __init__(self):
        self.t0 = time.perf_counter()

    def rate(self, n: int) -> str:
        dt = max(time.perf_counter() - self.t0, 1e-9)
        return f"{dt:.1f} s, {n / dt:,.0f} articles/s"
