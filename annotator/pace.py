"""Long work in a thread gives way to the UI between its pieces.

A thread shares the interpreter with the UI thread: while it is inside one long
C-level call (a regular expression over a 50 MB file, a list of 500,000
objects), the UI cannot run, and a key waits for the call to end. Work that may
run in such a thread is done in pieces (a few milliseconds each) and calls
``pause()`` between two: nothing happens unless the app has set a hook, which
waits while the user is typing (see ``tui.app``). The hook is only called from
threads other than the main one: work on the main thread never waits.
"""

from __future__ import annotations

import threading
from typing import Callable

_hook: Callable[[], None] | None = None
_main = threading.main_thread()


def pause() -> None:
    """Between two pieces of long work: give way to the UI if it is busy."""
    hook = _hook
    if hook is not None and threading.current_thread() is not _main:
        try:
            hook()
        except Exception:  # giving way is a courtesy: never the reason a load fails
            pass


def set_hook(hook: Callable[[], None] | None) -> None:
    """Set (or, with None, remove) what ``pause`` calls."""
    global _hook
    _hook = hook
