"""The cyclic garbage collector paused around work that makes many small objects
and no reference cycles: reading a file, re-anchoring, proposing suggestions,
adding them. The collector would walk the growing heap again and again for
nothing (reference counting frees all of it).

When it is on again, what was made is handed to its oldest generation without a
walk (``gc.freeze()`` then ``gc.unfreeze()``: two list splices); enabled alone,
its next pass would walk every new object to find no cycle (27 ms after reading
50,000 entities). A cycle among them is freed by the next full collection. This
is done only when nothing was frozen by ``freeze`` (the app freezes what it
loaded, see ``commands.annotate``, and must keep it so: ``unfreeze()`` would hand
it all back). A flag, not ``gc.get_freeze_count()``, which walks every frozen
object (a whole loaded article) at each call.
"""

from __future__ import annotations

import contextlib
import functools
import gc

#: has ``freeze`` been called (what it froze must stay frozen)?
frozen = False


def freeze() -> None:
    """``gc.freeze()``: what exists now is out of the collector's sight for good
    (a loaded article: hundreds of thousands of objects, no cycles)."""
    global frozen
    frozen = True
    gc.freeze()


def resume() -> None:
    """The collector on again, if it is off (``commands.annotate`` turns it off
    from its first line to the app's first frame): what was made meanwhile is
    handed to its oldest generation unwalked (unless ``freeze`` was called: then
    it is left in the young ones, as ``paused`` does)."""
    if not gc.isenabled():
        if not frozen:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


@contextlib.contextmanager
def paused():
    """No cyclic collection inside the block (nested blocks: the outer one resumes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not frozen:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def paused_calls(fn):
    """``fn`` with the collector paused while it runs (see ``paused``)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with paused():
            return fn(*args, **kwargs)

    return wrapper
