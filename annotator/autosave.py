"""The autosave of an open article (``workspace.Workspace``): debounced, retried
after a failure, and watching the file on disk (a ``git pull`` while it is open).

No Textual here: the app gives a ``Saver`` its timer and its worker thread
(``tui.saving``); ``save_error`` turns a failed save into a line naming the
user's file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .workspace import ChangedOnDisk, Workspace

__all__ = ["Saver", "save_error", "AUTOSAVE_DELAY", "RETRY_DELAY", "WATCH_DELAY"]

#: seconds after the last change before the autosave writes (well within the promised second)
AUTOSAVE_DELAY = 0.5
#: seconds before a failed save is tried again
RETRY_DELAY = 5.0
#: seconds between two looks at the annotation file on disk (a ``git pull`` while it is open)
WATCH_DELAY = 2.0


def save_error(exc: BaseException, yaml_path: Path) -> tuple[str, str]:
    """A failed save as (a line naming the user's file, a few words for the status
    line): ``("Permission denied: a.yaml", "Permission denied")``. The file an
    OSError names is often the temporary one written beside the YAML
    (``.a.yaml.1091.5041d69f.tmp``): the user's file is named instead."""
    if isinstance(exc, ChangedOnDisk):
        what = str(exc)
        return what, "changed on disk, cannot be read" if "cannot be read" in what else "changed on disk"
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        named = os.path.basename(os.fspath(exc.filename)) if exc.filename else ""
        if not named or named == yaml_path.name or named.startswith(f".{yaml_path.name}."):
            named = yaml_path.name
        return f"{reason}: {named}", reason
    return f"{type(exc).__name__}: {exc}", type(exc).__name__


class Saver:
    """Debounced autosave of one workspace, retried after a failure.

    The caller provides the clock and the thread (the app: Textual's timer and
    a worker): ``set_timer(delay, callback)`` returns something with
    ``stop()``; ``run_off_thread(fn, done, failed)`` runs ``fn()`` off the UI
    thread, then ``done(result)`` or ``failed(exc)`` back on it. ``listeners``
    hear ``"saved"`` or ``"failed"`` after each save (the status line).
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        set_timer: Callable[[float, Callable[[], None]], object],
        run_off_thread: Callable[[Callable[[], int], Callable[[int], None], Callable[[BaseException], None]], None],
        delay: float = AUTOSAVE_DELAY,
        retry: float = RETRY_DELAY,
    ):
        self.workspace = workspace
        self._set_timer = set_timer
        self._run = run_off_thread
        self.delay = delay
        self.retry = retry
        self._timer = None
        self.saving = False
        #: the last failure, in a line naming the user's file (not a temporary
        #: one); None once a save succeeds
        self.error: str | None = None
        #: the same in a few words, for the status line ("Permission denied")
        self.reason: str | None = None
        #: the failure is not the save's (``failed_elsewhere``: the journal), told by whoever had it
        self.elsewhere = False
        self.listeners: list[Callable[[str], None]] = []
        self.stopped = False
        #: what the last ``"took"`` took from the file on disk, for the status line
        self.note: str | None = None
        self._watch = None
        self._watch_delay: float | None = None

    def _schedule(self, delay: float) -> None:
        self._cancel()
        if not self.stopped:
            self._timer = self._set_timer(delay, self._fire)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
            self._timer = None

    def changed(self) -> None:
        """A change was made: save a moment after the last one."""
        self._schedule(self.delay)

    def opened(self) -> None:
        """The workspace was just opened: what its session holds and the file does
        not (changes recovered from the journal, spans re-anchored to a changed
        article) is saved a moment later, as after any change."""
        if not self.workspace.read_only and self.workspace.session.dirty:
            self.changed()

    def failed_elsewhere(self, message: str, reason: str | None = None) -> None:
        """Something outside the save failed (the journal): show it, save soon."""
        self.error, self.reason, self.elsewhere = message, reason or message, True
        self._tell("failed")
        self._schedule(self.delay)

    def _fire(self) -> None:
        self._timer = None
        ws = self.workspace
        if self.stopped or ws.closed:
            return
        if not self.saving and ws.changed_on_disk() and not self._take():
            return
        if not ws.needs_save():
            return
        if self.saving:
            self._schedule(self.delay)  # one save at a time: try again after it
            return
        self.saving = True
        version, snapshot = ws.session.snapshot()
        self._run(lambda: ws.write(version, snapshot), self._done, self._failed)

    def _done(self, version: int) -> None:
        self.saving = False
        self.error = self.reason = None
        self.workspace.session.mark_saved(version)
        self._tell("saved")

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        if isinstance(exc, ChangedOnDisk):
            if self._take():  # (else it said why, and tries again later)
                self._schedule(self.delay)  # merged: the save again, with what the file had
            return
        self.error, self.reason = save_error(exc, self.workspace.yaml_path)
        self.elsewhere = False
        self._tell("failed")
        self._schedule(self.retry)

    def _take(self) -> bool:
        """``Workspace.take_disk_changes`` (the calling thread: the app's). False when
        the file cannot be read: said as a failed save, and tried again later."""
        try:
            self.note = self.workspace.take_disk_changes()
        except Exception as exc:  # noqa: BLE001 - ChangedOnDisk, or any failure: said, the work kept
            self.error, self.reason = save_error(exc, self.workspace.yaml_path)
            self.elsewhere = False
            self._tell("failed")
            self._schedule(self.retry)
            return False
        if self.note is not None:
            self._tell("took")
        return True

    @property
    def watching(self) -> bool:
        return self._watch_delay is not None and not self.stopped

    def watch(self, delay: float | None = None) -> None:
        """Look at the file on disk every ``delay`` seconds (``WATCH_DELAY``), and take
        what another writer changed there (``git pull`` while the article is open) at
        once, not at the next save: the user sees it, and edits what is there now."""
        self._watch_delay = delay = WATCH_DELAY if delay is None else delay
        self._watch = self._set_timer(delay, self._look)

    def _look(self) -> None:
        self._watch = None
        if self.stopped or self.workspace.closed:
            return
        if not self.saving and self._timer is None and self.workspace.changed_on_disk():
            if self._take() and self.workspace.needs_save():
                self.changed()
        if self._watch_delay is not None and not self.stopped:
            self._watch = self._set_timer(self._watch_delay, self._look)

    def _tell(self, what: str) -> None:
        for listener in list(self.listeners):
            listener(what)

    def save_soon(self) -> bool:
        """Save now, off the calling thread (ctrl+s on a big article: the keys go
        on while it writes). False when there is nothing to save."""
        if self.stopped or self.workspace.closed or not self.workspace.needs_save():
            return False
        self._cancel()
        self._fire()
        return True

    def save_now(self) -> bool:
        """Save on the calling thread (ctrl+s, quitting, switching). False when it
        failed (``error`` says why; a retry is scheduled)."""
        self._cancel()
        try:
            wrote = self.workspace.save()
        except OSError as exc:
            self._failed(exc)
            return False
        self.error = self.reason = None
        if wrote:
            self._tell("saved")
        return True

    def stop(self) -> None:
        """No more autosaves (the workspace is closing)."""
        self._cancel()
        if self._watch is not None:
            self._watch.stop()  # type: ignore[attr-defined]
            self._watch = None
        self.stopped = True
