"""The autosave of the app and of the adjudication screen: ``autosave.Saver``
driven by a Textual timer, each save written in a worker thread.

The saving logic (debounce, one save at a time, retry after a failure) is the
core's; this only gives it Textual's clock and threads, and tells the user when
a save fails, or when what another writer changed in the file was taken.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from textual.dom import DOMNode

from ..autosave import Saver
from ..workspace import Workspace


def textual_saver(node: DOMNode, workspace: Workspace, on_state: Callable[[str], None] | None = None) -> Saver:
    """A Saver whose timers and workers belong to ``node`` (the app or a screen)."""

    def run_off_thread(fn, done, failed) -> None:
        async def job() -> None:
            try:
                with node.app.sharing_interpreter():  # keys keep the interpreter meanwhile (KeyGateMixin)
                    result = await asyncio.to_thread(fn)
            except Exception as exc:  # noqa: BLE001 - any failure is reported, the work is kept
                failed(exc)
                return
            done(result)

        node.run_worker(job, group="save", exit_on_error=False)

    saver = Saver(workspace, set_timer=lambda delay, cb: node.set_timer(delay, cb), run_off_thread=run_off_thread)
    #: the failure last told in a notification: each retry that fails alike says nothing
    #: more (a toast every 5 s covered the status line's end, and the message there)
    told: list[str | None] = [None]

    def tell(what: str) -> None:
        if what == "took" and saver.note:
            try:
                node.app.notify(saver.note, markup=False)
            except Exception:  # noqa: BLE001 - no app running any more (closing)
                pass
        if what == "saved":
            told[0] = None
        if what == "failed" and saver.error and not saver.elsewhere and saver.error != told[0]:
            told[0] = saver.error
            try:
                node.app.notify(f"Could not save: {saver.error}. {kept(workspace)}", severity="error", markup=False)
            except Exception:  # noqa: BLE001 - no app running any more (closing)
                pass
        if on_state is not None:
            on_state(what)

    saver.listeners.append(tell)
    try:
        running = node.app.is_running
    except Exception:  # noqa: BLE001 - (no app yet: the app's own, made before it runs)
        running = False
    if running:  # (else the app starts it when mounted: ``start_saver``; its timers need it running)
        start_saver(saver)
    return saver


def quit_hint(quit_key: str = "q") -> str:
    """What q (``quit_key``: the keymap's) says when the save before quitting failed:
    the way out first (the status line cuts a message at its end, and its state
    says NOT SAVED and why already). ctrl+q is Textual's own quit: no keymap moves it."""
    return f"ctrl+q quits without saving; {quit_key} again once the problem is fixed"


def kept(workspace: Workspace) -> str:
    """Where the unsaved work is while saves fail: in the journal when it is
    written, else only in this process's memory (ctrl+q would lose it)."""
    journal = workspace.journal
    if journal is not None and journal.error is None:
        return "Your work is kept in the journal; retrying."
    return "Your work is only in memory (no journal): do not quit; retrying."


def start_saver(saver: Saver) -> None:
    """The saver's first timers, once the app runs: what the article just opened
    holds and its file does not (recovered from the journal) is saved soon
    (``Saver.opened``), and the saver looks at its file on disk every few seconds
    (another writer's changes to it: a ``git pull`` while the article is open), once."""
    if not saver.workspace.read_only and not saver.watching:
        saver.opened()
        saver.watch()
