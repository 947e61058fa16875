"""A second core: ``Forked`` runs a function in a forked process beside this one.

``Forked`` is the one fork door of the package (audit, agree, merge, suggest,
and the store's read of a big file outside the app's load). The worker sees this process's memory as
it was at the fork (nothing is sent to it) and sends its value back over a pipe.
The process may run threads (the app's UI thread while the loading thread
forks): the child only runs ``fn``, writes to the pipe and leaves by
``os._exit`` (no interpreter shutdown, no flush of a stream another thread may
have held, no ``pace`` hook, which waits for the UI thread the child does not have).
``Streamed`` is its other door, for a worker whose value comes in parts, each
taken as soon as it is sent (the read ahead of a big file, ``store.ahead``).
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import struct
import sys
import time
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


_MSG = struct.Struct("<QQQ")  # a streamed part's tag, offset, length
#: bytes at the start of a ``Streamed`` mapping: the first tag the parent still wants
#: (``skip``), the first it no longer wants from the end (``stop_at``), the last sent
_HEAD = 64
_F_SETPIPE_SZ = 1031
#: a ``Streamed`` mapping's pages the parts taken were in are freed this many bytes at a time
FREE_FROM = 1 << 20


class Full(Exception):
    """A ``Streamed`` worker's mapping has no room for another part."""


class Streamed:
    """``fn(out)`` run in a forked process (as ``Forked``), which sends its value as
    parts, each as soon as it is made: ``out.send(tag, data)`` (bytes; tags
    increasing) puts the bytes into an anonymous mapping shared with this
    process (``capacity`` bytes, its pages only used as written) and their place
    through a pipe; ``next(timeout)`` is the next part, as a view of the mapping.

    This process tells the worker which parts it no longer wants (it made them
    itself): those before a tag (``skip``), those from a tag on (``stop_at``); the
    worker asks ``out.skipped()`` and ``out.limit()``.
    Nothing it sends is trusted for more than it says: a worker that fails or
    dies just sends no more parts (``next`` gives ``END``), and the parts not
    sent are this process's to make. Always reaped: by ``cancel()``."""

    END = object()  # the worker sends no more parts
    WAIT = object()  # no part within the timeout

    def __init__(self, fn: Callable[["_StreamOut"], Any], *, capacity: int, nice: int = 0):
        self._buf = mmap.mmap(-1, _HEAD + capacity)  # (MAP_SHARED: the worker's writes seen here)
        _LEN.pack_into(self._buf, 8, (1 << 64) - 1)  # (``stop_at``: none yet)
        r, w = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(w, _F_SETPIPE_SZ, 1 << 20)  # (room for some 40,000 parts' places)
        except (ImportError, OSError):
            pass
        self.started = time.perf_counter()
        self._pid: int | None = None
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            self._buf.close()
            raise
        if pid == 0:  # the worker
            try:
                os.close(r)
                pace.set_hook(None)
                if nice:
                    os.nice(nice)
                fn(_StreamOut(self._buf, w))
            except BaseException:
                pass
            finally:
                os._exit(0)
        os.close(w)
        self._pid: int | None = pid
        self._fd = r
        self._head = b""
        self.ended = False
        self._taken = 0  # the end of the last part given
        self._freed = mmap.PAGESIZE  # the mapping's pages freed up to here (the head's page kept)

    def next(self, timeout: float | None = None):
        """The next part, as (tag, a memoryview of its bytes); ``WAIT`` when none
        came within ``timeout`` seconds (None: wait for it); ``END`` when the worker
        sends no more (it ended, failed, or was cancelled)."""
        if self.ended or self._pid is None:
            self.ended = True
            return self.END
        fd = self._fd
        self._free()
        try:
            while len(self._head) < _MSG.size:
                if timeout is not None and not select.select([fd], [], [], timeout)[0]:
                    return self.WAIT
                got = os.read(fd, _MSG.size - len(self._head))
                if not got:
                    self.ended = True
                    return self.END
                self._head += got
        except (OSError, ValueError):
            self.ended = True
            return self.END
        tag, at, n = _MSG.unpack(self._head)
        self._head = b""
        if at < _HEAD or at + n > len(self._buf):
            self.ended = True
            return self.END
        self._taken = at + n
        return tag, memoryview(self._buf)[at : at + n]

    def _free(self) -> None:
        """The mapping's pages before the last part given (done with by the time the
        next is asked for) freed, a MiB or more at a time: the parts taken do not
        stay in memory (both processes')."""
        end = self._taken & ~(mmap.PAGESIZE - 1)
        if end - self._freed >= FREE_FROM:
            try:
                self._buf.madvise(mmap.MADV_REMOVE, self._freed, end - self._freed)
            except (AttributeError, OSError, ValueError):
                pass
            self._freed = end

    def skip(self, tag: int) -> None:
        """The worker need not make the parts before ``tag`` (this process made them)."""
        if self._pid is not None:
            _LEN.pack_into(self._buf, 0, tag)

    def stop_at(self, tag: int) -> None:
        """The worker need not make the parts from ``tag`` on (this process makes them)."""
        if self._pid is not None:
            _LEN.pack_into(self._buf, 8, tag)

    def cancel(self) -> None:
        """Stop the worker (no more parts wanted), reap it, free the mapping (once
        no view of it is left: the parts taken are made by then)."""
        self.ended = True
        pid, self._pid = self._pid, None
        if pid is None:
            return
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        try:
            os.close(self._fd)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        try:
            self._buf.close()
        except BufferError:  # (a view still held: freed with the last of them)
            pass

    def __del__(self):
        if getattr(self, "_pid", None) is not None:
            self.cancel()


class _StreamOut:
    """A ``Streamed`` worker's end."""

    def __init__(self, buf: mmap.mmap, fd: int):
        self.buf, self.fd, self.at = buf, fd, _HEAD

    def limit(self) -> int:
        """The first tag the parent no longer wants, from the end (see ``Streamed.stop_at``)."""
        return _LEN.unpack_from(self.buf, 8)[0]

    def skipped(self) -> int:
        """The first tag the parent still wants (see ``Streamed.skip``)."""
        return _LEN.unpack_from(self.buf, 0)[0]

    def send(self, tag: int, data: bytes) -> None:
        """Part ``tag``, its bytes into the mapping, its place through the pipe
        (``Full``: no room; the parent makes the rest)."""
        n = len(data)
        at = self.at
        if at + n > len(self.buf):
            raise Full
        self.buf[at : at + n] = data
        self.at = at + n
        view = memoryview(_MSG.pack(tag, at, n))
        while view:
            view = view[os.write(self.fd, view) :]
        _LEN.pack_into(self.buf, 16, tag)  # (the last part sent: for a look from outside)
