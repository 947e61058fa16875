"""A second core: ``Forked`` runs a function in a forked process beside this one.

Used by the commands (audit, agree, merge, suggest), never by the app (a process
with threads is not forked). Cheap to import: no annotator module until asked.
"""

from __future__ import annotations

import os
import sys


def spare_core(fork: bool | None = None) -> bool:
    """Is a second core free enough for a ``Forked`` worker (Linux only: fork)?

    The 1-minute load average counts this command's own last runs (two
    processes each, for a few seconds), so a machine that does nothing else
    but run it again and again shows a load of 1 to 2; a worker on a busy
    machine costs little (its share of the work, plus a tenth of a second)."""
    if fork is not None:
        return fork and hasattr(os, "fork")
    if not sys.platform.startswith("linux"):
        return False
    from .store.many import _cores

    cores = _cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores >= 2
    return cores >= 2 and load < cores


class Forked:
    """``fn()`` run in a forked process, which sees this process's memory as it is
    now (nothing is sent to it), while this one goes on; ``result()`` is its value,
    pickled back (keep it small: counts, text, not the model).

    Whatever goes wrong in the worker (an error, the worker killed, a value that
    cannot be pickled), ``result()`` runs ``fn()`` here instead: the same value or
    the same error as without a worker."""

    def __init__(self, fn):
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._fn = fn
        self._recv, send = ctx.Pipe(duplex=False)
        sys.stdout.flush()
        sys.stderr.flush()
        self._proc = ctx.Process(target=_run_forked, args=(fn, send), daemon=True)
        self._proc.start()
        send.close()

    def result(self):
        try:
            ok, value = self._recv.recv()
        except Exception:  # EOFError: the worker died; an unpickling error
            ok, value = False, None
        finally:
            self._recv.close()
            self._proc.join()
        return value if ok else self._fn()


def _run_forked(fn, send) -> None:
    """In the worker: ``fn()`` sent back, or (False, None) for the parent to run it
    again and report what goes wrong; quiet when the parent is gone (ctrl+c)."""
    try:
        out = (True, fn())
    except BaseException:
        out = (False, None)
    for attempt in (out, (False, None)):  # a value that cannot be pickled: the parent runs it
        try:
            send.send(attempt)
            break
        except BaseException:
            continue
    try:
        send.close()
    except BaseException:
        pass
