"""A second core: ``Forked`` runs a function in a forked process beside this one.

``Forked`` is the one fork door of the package (audit, agree, merge, suggest,
and the store's read of a big file outside the app's load). The worker sees this process's memory as
it was at the fork (nothing is sent to it) and sends its value back over a pipe.
The process may run threads (the app's UI thread while the loading thread
forks): the child only runs ``fn``, writes to the pipe and leaves by
``os._exit`` (no interpreter shutdown, no flush of a stream another thread may
have held, no ``pace`` hook, which waits for the UI thread the child does not have).
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import struct
import sys
from typing import Any, Callable

from . import pace

#: May work go to a forked worker? None: when there are two cores or more and
#: they are not all busy (the load average is below their number); True or
#: False: always, never (tests, benchmarks; the environment's ``ANNOTATOR_FORK``,
#: 1 or 0, sets it for a command: a benchmark on a machine busy with others).
FORK: bool | None = {"1": True, "0": False}.get(os.environ.get("ANNOTATOR_FORK", ""))

_LEN = struct.Struct("<Q")
#: a value of this many bytes or more is received into an anonymous mapping (``_received``)
BIG = 1 << 20


def spare_core(force: bool | None = None) -> bool:
    """Is a second core free enough for a ``Forked`` worker (Linux only: fork)?
    ``force``: True or False decide (as ``FORK`` does, which it overrides).

    The 1-minute load average counts this command's own last runs (two
    processes each, for a few seconds), so a machine that does nothing else
    but run it again and again shows a load of 1 to 2; a worker on a busy
    machine costs little (its share of the work, plus a tenth of a second)."""
    if force is None:
        force = FORK
    if force is not None:
        return force and hasattr(os, "fork")
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
    now, while this one goes on; ``result()`` is its value, pickled back (keep it
    small: counts, text, plain data, not the model); with ``raw``, ``fn`` returns
    bytes, sent as they are (``result()``: a buffer of them, see ``_received``); ``nice``: the worker's niceness raised by that much
    (the app's UI thread first when the cores are busy).

    Whatever goes wrong in the worker (an error, the worker killed, a value that
    cannot be pickled), ``result()`` runs ``here()`` (``fn`` by default) in this
    process instead: the same value or the same error as without a worker. The
    worker is always reaped: by ``result()``, or ``cancel()``."""

    def __init__(self, fn: Callable[[], Any], *, here: Callable[[], Any] | None = None, raw: bool = False, nice: int = 0):
        self._here = here if here is not None else fn
        self._raw = raw
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(r)
                pace.set_hook(None)
                if nice:
                    os.nice(nice)
                pipe = _Pipe(w, raw)
                _run_forked(fn, pipe)
                code = 0 if pipe.sent else 1
            except BaseException:
                pass
            finally:
                os._exit(code)
        os.close(w)
        self._pid: int | None = pid
        self._fd = r

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        if pid is None:
            return -1
        try:
            os.close(self._fd)
        except OSError:
            pass
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return -1

    def _received(self) -> bytearray | mmap.mmap | None:
        """What the worker sent, read into one buffer (no joined copy: a big
        value is not held twice; a bytearray, or an anonymous ``mmap`` from ``BIG``
        bytes on), or None when it sent less or more than it said."""
        fd = self._fd
        try:
            head = b""
            while len(head) < _LEN.size:
                got = os.read(fd, _LEN.size - len(head))
                if not got:
                    return None
                head += got
            n = _LEN.unpack(head)[0]
            # a big value into an anonymous mapping: its pages zeroed by the kernel as
            # they are read into, while the interpreter is free (a bytearray of 40 MB
            # is zeroed at once, holding it 15 ms: a key waits for that)
            buf = mmap.mmap(-1, n) if n >= BIG else bytearray(n)
            with memoryview(buf) as view:
                pos = 0
                while pos < n:
                    k = os.readv(fd, [view[pos : pos + (1 << 20)]])
                    if not k:
                        return None
                    pos += k
            if os.read(fd, 1):
                return None
        except (OSError, MemoryError):
            return None
        return buf

    def ready(self) -> bool:
        """Has the worker sent its value (or ended)? ``result()`` then waits no more
        than for the pipe to be read."""
        if self._pid is None:
            return True
        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def result(self):
        data = self._received() if self._pid is not None else None
        status = self._reap()
        if data is None or status != 0:
            return self._here()
        if self._raw:
            return data
        try:
            return pickle.loads(data)
        except Exception:
            return self._here()

    def cancel(self) -> None:
        """Stop the worker (its value is not wanted) and reap it."""
        if self._pid is not None:
            try:
                os.kill(self._pid, 9)
            except OSError:
                pass
            self._reap()

    def __del__(self):
        if getattr(self, "_pid", None) is not None:
            self.cancel()


class _Pipe:
    """The worker's end: ``send`` a value (pickled, or bytes as they are), once."""

    def __init__(self, fd: int, raw: bool):
        self.fd, self.raw, self.sent = fd, raw, False

    def send(self, value) -> None:
        data = value if self.raw else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if type(data) is not bytes:
            raise TypeError("raw: bytes expected")
        for part in (_LEN.pack(len(data)), data):
            view = memoryview(part)
            while view:
                view = view[os.write(self.fd, view) :]
        self.sent = True

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


def _run_forked(fn, send: _Pipe) -> None:
    """In the worker: ``fn()`` sent back; nothing when it fails (or its value cannot
    be pickled): then the parent runs it again and reports what goes wrong."""
    try:
        send.send(fn())
    except BaseException:
        pass
    send.close()
