"""``read_sets``: many annotation files at once (agree, merge, audit of folders).

Each file is read as ``read(path, schema=schema).checked()`` reads it: its set,
or the ``InputError`` that names the file and its first problem (the caller
reports it and goes on, or stops, as it did one file at a time). The files of
one article (several annotators' folders name the same article) read the
article once.

With many files and an idle core or more, the files are read in a process
pool: the workers read and check them and send each set back as plain tuples,
from which the model is rebuilt here (cheaper than pickling the frozen
dataclasses, and about half the cost of reading the file here). The result is
the same, in the same order, with or without the pool. On a busy machine (no
idle core, by the load average) the pool would only add work: the files are
read here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError, Problem, ValidationError
from ..model import NO_ATTRS, AnnotationSet, Argument, Attribution, Document, Entity, Event, Ref, Relation, Span
from ..schema import Schema

#: Fewer files than this are read in this process (a pool costs a few tenths of a second to start).
POOL_MIN_FILES = 200
#: Files per task sent to a worker (the files of an article kept together).
CHUNK = 60


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _idle_cores() -> int:
    """Cores not busy with other work (the cores less the 1-minute load average)."""
    cores = _cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores
    return max(0, int(cores - load + 0.5))


def read_sets(
    paths: Sequence[str | os.PathLike], schema: Schema | None = None, *, workers: int | None = None
) -> list[AnnotationSet | InputError]:
    """For each file, in order, its set or the ``InputError`` reading it raised.

    ``workers``: processes to read in (default: with at least
    ``POOL_MIN_FILES`` files, one per idle core, up to 4, when that is two or
    more; 1 reads here, without a pool).
    """
    paths = [Path(p) for p in paths]
    if workers is None:
        idle = _idle_cores() if len(paths) >= POOL_MIN_FILES else 0
        workers = min(idle, 4) if idle >= 2 else 1
    if workers <= 1 or len(paths) < 2:
        return _read_here(paths, schema)
    return _read_in_pool(paths, schema, workers)


def _read_one(path: Path, schema: Schema | None, cache: dict) -> AnnotationSet | InputError:
    from .reader import read

    try:
        return read(path, schema=schema, article_cache=cache).checked()
    except InputError as err:
        return err


def _read_here(paths: list[Path], schema: Schema | None) -> list[AnnotationSet | InputError]:
    from .reader import no_gc

    cache: dict = {}
    with no_gc():
        return [_read_one(p, schema, cache) for p in paths]


def _tasks(paths: list[Path]) -> list[list[int]]:
    """Indices of ``paths`` in chunks, the files of one article (same name) together."""
    order = sorted(range(len(paths)), key=lambda i: (paths[i].stem, i))
    return [order[k : k + CHUNK] for k in range(0, len(order), CHUNK)]


def _read_in_pool(paths: list[Path], schema: Schema | None, workers: int) -> list[AnnotationSet | InputError]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .reader import no_gc

    # fork starts a worker in milliseconds; elsewhere the platform's default
    ctx = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    out: list[Any] = [None] * len(paths)
    tasks = _tasks(paths)
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx) as pool:
        futures = [pool.submit(_read_task, [str(paths[i]) for i in task], schema) for task in tasks]
        with no_gc():
            for task, fut in zip(tasks, futures):
                for i, packed in zip(task, fut.result()):
                    out[i] = _unpack(packed)
    return out


def _read_task(names: list[str], schema: Schema | None) -> list[tuple]:
    """In a worker: each file read and checked, packed as plain tuples."""
    from .reader import no_gc

    cache: dict = {}
    with no_gc():
        return [_pack(_read_one(Path(n), schema, cache)) for n in names]


# -- the model as plain tuples (for the way back from a worker) --------------------


def _sp(span: Span | None) -> tuple | None:
    return None if span is None else (span.fragments, span.text)


def _pack(got: AnnotationSet | InputError) -> tuple:
    if isinstance(got, ValidationError):
        return ("v", [(p.path, p.line, p.message) for p in got.problems])
    if isinstance(got, InputError):
        return ("e", got.where, got.problem, got.line)
    d = got.document
    ents = [
        (e.id, e.label, e.span.fragments, e.span.text, e.status, e.by, e.score, e.suggested_by, e.attrs or None, e.suggested_label)
        for e in got.entities.values()
    ]
    evs = [
        (v.id, v.type, v.trigger.fragments, v.trigger.text, tuple((a.role, a.ref) for a in v.arguments),
         v.status, v.by, v.score, v.suggested_by, v.attrs or None, v.suggested_label)
        for v in got.events.values()
    ]
    ats = [
        (a.id, a.source.ref if isinstance(a.source, Ref) else None, _sp(a.source) if isinstance(a.source, Span) else None,
         _sp(a.cue), _sp(a.content), a.type, a.status, a.by, a.score, a.suggested_by, a.attrs or None, a.suggested_label)
        for a in got.attributions.values()
    ]
    rels = [
        (r.id, r.type, r.arg1, r.arg2, r.status, r.by, r.score, r.suggested_by, r.attrs or None, r.suggested_label)
        for r in got.relations.values()
    ]
    return ("s", d.text, d.path, d.sha256, ents, evs, ats, rels)


def _span(packed: tuple | None) -> Span | None:
    return None if packed is None else Span(packed[0], packed[1])


def _unpack(packed: tuple) -> AnnotationSet | InputError:
    tag = packed[0]
    if tag == "v":
        return ValidationError([Problem(path, line, message) for path, line, message in packed[1]])
    if tag == "e":
        return InputError(packed[1], packed[2], packed[3])
    _, text, path, sha, ents, evs, ats, rels = packed
    aset = AnnotationSet(Document(text, path, sha))
    table: dict = aset.entities
    for eid, label, frs, t, status, by, score, sby, attrs, slab in ents:
        table[eid] = Entity(eid, label, Span(frs, t), status, by, score, sby, NO_ATTRS if attrs is None else attrs, slab)
    table = aset.events
    for eid, etype, frs, t, args, status, by, score, sby, attrs, slab in evs:
        arguments = tuple(Argument(role, ref) for role, ref in args)
        table[eid] = Event(eid, etype, Span(frs, t), arguments, status, by, score, sby, NO_ATTRS if attrs is None else attrs, slab)
    table = aset.attributions
    for aid, ref, src, cue, content, atype, status, by, score, sby, attrs, slab in ats:
        source = Ref(ref) if ref is not None else _span(src)
        attrs = NO_ATTRS if attrs is None else attrs
        table[aid] = Attribution(aid, source, _span(cue), _span(content), atype, status, by, score, sby, attrs, slab)
    table = aset.relations
    for rid, rtype, a1, a2, status, by, score, sby, attrs, slab in rels:
        table[rid] = Relation(rid, rtype, a1, a2, status, by, score, sby, NO_ATTRS if attrs is None else attrs, slab)
    return aset
