"""A big annotation file read ahead, by a worker forked before the app starts.

``annotator annotate`` on an article whose annotation file is big paints the
article first and loads the file in a thread that shares the interpreter with
the UI. Before it imports Textual (the process small, one thread: a fork costs
a millisecond and copies nothing worth speaking of on write), it forks a worker
(``forked.Streamed``) that reads the file's entities, events and attributions
into plain columns a piece at a time (``direct_bytes.ahead_read``: every token
read and checked as in this process), each piece's sent as soon as it is read,
while this process starts the app and paints. The loading thread's
``store.read`` then ``take``s it: once it has checked that the worker read the
very bytes it reads (their sha256), the reader makes each piece's objects from
the worker's columns, in the file's order, while the worker reads the next
ones; a piece the worker did not send (it is not there yet, the worker failed
or declined it) is read in this process. A worker that failed, a file changed
since (other bytes), another article or schema: the file is read in this
process, with the same set or the same problems as without a worker. Whoever
``start``s one reaps it (``cancel`` in a ``finally``); a worker nobody took is
killed and reaped then.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..forked import Streamed, spare_core

if TYPE_CHECKING:
    from ..model import Document
    from ..schema import Schema

#: a file of at least this many bytes is read ahead (2 MiB: 20,000 entities or so;
#: the fork before the app costs a few milliseconds, the worker's start a few tens)
AHEAD_FROM = 2 << 20

#: the room for the worker's columns, in the file's sizes (a shared mapping: its pages
#: used as they are written, freed once taken; the 66 MB file's columns are 35 MB);
#: a worker out of room sends no more (the rest is read here)
AHEAD_ROOM = 3

#: the worker's niceness: on cores busy with other work, the app's UI first (the
#: keys pressed while it loads); on a core of its own it runs as fast anyway
AHEAD_NICE = 10

_pending: dict[str, "Ahead"] = {}


def _key(path: str | os.PathLike) -> str:
    return os.path.abspath(path)


class Ahead:
    """A worker reading ``path`` for ``document``'s text and ``schema``."""

    def __init__(self, path: Path, document: Document, schema: Schema | None, size: int):
        self.path, self.document, self.schema = path, document, schema
        room = AHEAD_ROOM * size + (1 << 20)
        self.worker: Streamed | None = Streamed(lambda out: _read(out, path, document.text, schema), capacity=room, nice=AHEAD_NICE)

    def take(self, document: Document | None, schema: Schema | None) -> Streamed | None:
        """The worker, for a read of the same article and schema (else it is
        cancelled, and None); once only."""
        worker, self.worker = self.worker, None
        if worker is None:
            return None
        if document is None or document.text is not self.document.text or schema is not self.schema:
            worker.cancel()
            return None
        return worker

    def cancel(self) -> None:
        """Kill and reap the worker if nobody took it (idempotent)."""
        if _pending.get(_key(self.path)) is self:
            del _pending[_key(self.path)]
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.cancel()


def _read(out, path: Path, article: str, schema: Schema | None) -> None:
    """In the worker (its imports there: not before the app's first paint)."""
    from .direct_bytes import ahead_read

    ahead_read(out, path, article, schema)


def _core_free(force: bool | None) -> bool:
    """A core idle for the worker: stricter than ``forked.spare_core`` (a load
    average below the number of cores), since the worker runs beside the app's UI
    (on cores busy with other work it took from the keys pressed while loading);
    ``force`` (or ``forked.FORK``, ``ANNOTATOR_FORK``) decides as there."""
    from .. import forked

    if force is None:
        force = forked.FORK
    if force is not None:
        return spare_core(force)
    from .many import _idle_cores

    return spare_core() and _idle_cores() >= 1


def start(yaml_path: str | os.PathLike, document: Document, schema: Schema | None, force: bool | None = None) -> Ahead | None:
    """Fork a worker reading ``yaml_path`` ahead, when the file is big
    and a core is idle (``_core_free``); None otherwise."""
    path = Path(yaml_path)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size < AHEAD_FROM or not _core_free(force):
        return None
    old = _pending.pop(_key(path), None)
    if old is not None:
        old.cancel()
    try:
        ahead = Ahead(path, document, schema, size)
    except OSError:  # (no fork, no room for the mapping: read in the app)
        return None
    _pending[_key(path)] = ahead
    return ahead


def pending(yaml_path: str | os.PathLike) -> bool:
    """Is a worker reading ``yaml_path`` ahead (not taken yet)?"""
    return bool(_pending) and _key(yaml_path) in _pending


def take(yaml_path: str | os.PathLike, document: Document | None, schema: Schema | None) -> Streamed | None:
    """The worker started for ``yaml_path`` (see ``Ahead.take``), or None."""
    if not _pending:
        return None
    ahead = _pending.pop(_key(yaml_path), None)
    return ahead.take(document, schema) if ahead is not None else None
