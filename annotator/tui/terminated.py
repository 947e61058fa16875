"""SIGTERM and SIGHUP end the app as ``q`` does: the work saved, the lock let go.

``kill``, a logout, a closed terminal window or a dropped ssh connection would
otherwise end the process where it stands: nothing lost (the journal holds
every change, and the next open recovers it and takes the dead process's lock
over), but the file not saved and the lock left behind. Both apps call
``quit_on`` from their ``on_mount``: the signal is handled on the app's event
loop, between two messages, never inside a change.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Callable

#: the signals that ask the process to end (SIGINT is a key to Textual: ctrl+c)
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def quit_on(callback: Callable[[int], None]) -> Callable[[], None]:
    """Call ``callback(signum)`` on the running loop when one of ``SIGNALS``
    arrives; returns what undoes it (for ``on_unmount``). Where a loop can't
    handle signals (not the main thread), nothing is done."""
    loop = asyncio.get_running_loop()
    handled = []
    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, callback, signum)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        handled.append(signum)

    def undo() -> None:
        for signum in handled:
            try:
                loop.remove_signal_handler(signum)
            except (RuntimeError, ValueError):  # the loop closed already
                pass
        handled.clear()

    return undo


def exit_status(signum: int) -> int:
    """A shell's status for a process ended by ``signum`` (143 for SIGTERM)."""
    return 128 + signum
