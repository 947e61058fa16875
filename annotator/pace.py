"""Long work in a thread gives way to the UI between its pieces.

A thread shares the interpreter with the UI thread: while it is inside one long
C-level call (a regular expression over a 50 MB file, a list of 500,000
objects), the UI cannot run, and a key waits for the call to end. Work that may
run in such a thread is done in pieces (a few milliseconds each) and calls
``pause()`` between two: nothing happens unless the app has set a hook, which
waits while the user is typing (see ``tui.app``). The hook is only called from
threads other than the main one: work on the main thread never waits.

``chunks``, ``joined`` and ``take`` are long C-level calls (a list of a big
table, a concatenation or a take of 600,000 objects) made a piece at a time,
with a pause between two.
"""

from __future__ import annotations

import threading
from itertools import islice
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


def sharing() -> bool:
    """Does a thread share the interpreter with a UI now (a hook is set)?"""
    return _hook is not None


def set_hook(hook: Callable[[], None] | None) -> None:
    """Set (or, with None, remove) what ``pause`` calls."""
    global _hook
    _hook = hook


# -- long C-level calls, cut into pieces -----------------------------------------
#: items per piece of the helpers below (a few milliseconds of C each at most)
CHUNK = 20_000


def chunks(items, size: int = CHUNK):
    """Lists of ``size`` items of ``items`` (a list, a dict's values...), in order,
    with a ``pause()`` after each but the last: ``list(table.values())`` of 500,000
    annotations is one C-level call of 10 ms, a slice of it one of 0.3 ms."""
    it = iter(items)
    chunk = list(islice(it, size))
    while chunk:
        yield chunk
        chunk = list(islice(it, size))
        if chunk:
            pause()


def joined(parts, n: int, size: int = CHUNK):
    """``np.concatenate(parts)`` for parts of objects (arrays or lists) of ``n``
    items in all, an object array made a part at a time (at most ``size`` items
    a C-level call, a ``pause()`` between two: one ``fromiter`` or
    ``concatenate`` of 600,000 objects holds the interpreter 10-35 ms)."""
    import numpy as np

    out = np.empty(n, object)
    at = 0
    for part in parts:
        for a in range(0, len(part), size):
            piece = part[a : a + size]
            k = len(piece)
            # (fromiter for a list: ``out[:] = a_list`` looks into each item for a sequence)
            out[at : at + k] = piece if isinstance(piece, np.ndarray) else np.fromiter(piece, object, k)
            at += k
            pause()
    if at != n:
        raise ValueError(f"joined: {at} items for {n}")
    return out


def take(values, order, size: int = CHUNK):
    """``values[order]`` for an object array, ``size`` items a C-level call with a
    ``pause()`` between two (600,000 objects taken at once: 15-55 ms, each an
    incref at a place of its own in memory)."""
    import numpy as np

    out = np.empty(len(order), object)
    for a in range(0, len(order), size):
        out[a : a + size] = values[order[a : a + size]]
        pause()
    return out


def drop(items, size: int = CHUNK) -> None:
    """Empty a big list or object array a piece at a time, with a ``pause()``
    between two: freeing one of 600,000 objects (each a decref at a place of
    its own in memory) holds the interpreter 5-6 ms, at the ``del`` or return
    that lets go of it. A list of parts (lists, object arrays) is emptied part
    by part. The caller lets go of the emptied container as usual."""
    if isinstance(items, list):
        while items:
            part = items[-1]
            if isinstance(part, list) or getattr(part, "dtype", None) == object:
                drop(part, size)
                items.pop()
            else:
                del items[-size:]
            pause()
        return
    for a in range(0, len(items), size):  # an object array: its items let go of
        items[a : a + size] = None
        pause()
