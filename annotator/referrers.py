"""Who links to an annotation, answered without a scan of the whole set.

``AnnotationSet.referrers`` looks at every event, attribution and relation: on
an article with 50,000 events and 50,000 attributions that is 50-100 ms, paid
on every cursor move that lands on an entity (the side panel lists what links
to it). This index keeps the links both ways and is told which annotations a
change touched (the session's change report), so a lookup costs a dict get.
"""

from __future__ import annotations

from itertools import chain, compress, repeat
from operator import attrgetter, is_not
from typing import Iterable

from .model import Annotation, AnnotationSet, Attribution, Event, Ref, Relation
from .lazy import noted_links
from .pace import CHUNK, chunks, pause

#: annotations indexed between two ``pause``s (``pace.chunks``): a thread making
#: the index (the app's opening) gives way to the UI every few milliseconds
#: (the whole index of 50,000 events and 50,000 attributions: 0.1 s of Python)
PIECE = 2048

#: no referrer (``of``)
EMPTY: set[str] = set()

_ORDER = {Event: 0, Attribution: 1, Relation: 2}
_REF = attrgetter("ref")
_SOURCE = attrgetter("source")
_ID = attrgetter("id")
_ARGUMENTS = attrgetter("arguments")
_ARG1 = attrgetter("arg1")
_ARG2 = attrgetter("arg2")


def _targets(ann: Annotation) -> tuple[str, ...]:
    if isinstance(ann, Event):
        return tuple(dict.fromkeys(a.ref for a in ann.arguments))
    if isinstance(ann, Attribution):
        return (ann.source.ref,) if isinstance(ann.source, Ref) else ()
    if isinstance(ann, Relation):
        return tuple(dict.fromkeys((ann.arg1, ann.arg2)))
    return ()


def _id_key(ann_id: str) -> tuple:
    digits = ann_id[1:]
    return (int(digits) if digits.isdigit() else 0, ann_id)


def _add(into: dict, target: str, ann_id: str) -> None:
    """``ann_id`` among the referrers of ``target`` in ``into`` (``ReferrerIndex._in``:
    one referrer as its id, several as a set)."""
    had = into.get(target)
    if had is None:
        into[target] = ann_id
    elif type(had) is set:
        had.add(ann_id)
    elif had != ann_id:  # (a target linked twice by one annotation: its id alone)
        into[target] = {had, ann_id}


class ReferrerIndex:
    """``of(id)`` == ``aset.referrers(id)`` (events, then attributions, then relations)."""

    def __init__(self, aset: AnnotationSet) -> None:
        self.aset = aset
        #: target id -> the id of the one annotation linking to it, or a set of
        #: the ids of several (a set a target was 0.03 s of making for 70,000)
        self._in: dict[str, str | set[str]] = {}
        #: id -> the annotation linked since the index was made (its version indexed:
        #: its targets, ``_targets``, are those to unlink; a tuple of them made for
        #: each was 0.035 s more), and the relations
        self._out: dict[str, Annotation] = {}
        #: the events and the attributions as indexed: copies of their tables (a C-level
        #: copy, not 100,000 entries put one by one into ``_out``); one leaves its copy
        #: when it is unlinked (each is its version indexed until then)
        self._base = (aset.events.copy(), aset.attributions.copy())
        self._pending: set[str] = set()
        # as ``_link`` of each (events, attributions, relations), by table, in
        # C-level passes a piece at a time: no Python-level call a link (a call a
        # link was 0.11 s for 50,000 events and 50,000 attributions while the app
        # loads them): the links' targets and the ids linking, in step; those of
        # a table just read, as the reader noted them (``columns.links_of``)
        out = self._out
        targets: list[str] = []
        owners: list[str] = []
        noted = noted_links(aset.events)
        if noted is not None:
            targets += noted[0]
            owners += noted[1]
        for evs in chunks(aset.events.values(), PIECE) if noted is None else ():
            args = list(map(_ARGUMENTS, evs))
            has = list(map(bool, args))
            if not all(has):
                evs = list(compress(evs, has))
                args = list(compress(args, has))
            ids = list(map(_ID, evs))
            targets += map(_REF, chain.from_iterable(args))
            owners += chain.from_iterable(map(repeat, ids, map(len, args)))
        noted = noted_links(aset.attributions)
        if noted is not None:
            targets += noted[0]
            owners += noted[1]
        for atts in chunks(aset.attributions.values(), PIECE) if noted is None else ():
            has = list(map(isinstance, map(_SOURCE, atts), repeat(Ref)))
            atts = list(compress(atts, has))
            targets += map(_REF, map(_SOURCE, atts))
            owners += map(_ID, atts)
        for rels in chunks(aset.relations.values(), PIECE):
            ids = list(map(_ID, rels))
            out.update(zip(ids, rels))
            targets += chain.from_iterable(zip(map(_ARG1, rels), map(_ARG2, rels)))
            owners += chain.from_iterable(zip(ids, ids))
        pause()
        # each target's first owner in, in one C-level pass a piece: ``setdefault``
        # gives back the owner there already, another than this one for a target
        # linked before (one pass over the strings: each a cache miss, 600,000
        # objects spread in memory; the test is of identity, no string read)
        into = self._in
        for a in range(0, len(targets), CHUNK):  # (a piece at a time, a ``pause`` between two)
            part, ids = targets[a : a + CHUNK], owners[a : a + CHUNK]
            had = list(map(into.setdefault, part, ids))
            again = list(map(is_not, had, ids))
            if any(again):
                for t, ann_id in compress(zip(part, ids), again):
                    _add(into, t, ann_id)
            pause()

    def _link(self, ann: Annotation) -> None:
        targets = _targets(ann)
        if targets:
            self._out[ann.id] = ann
            into = self._in
            for t in targets:
                _add(into, t, ann.id)

    def _unlink(self, ann_id: str) -> None:
        ann = self._out.pop(ann_id, None)
        if ann is None:
            for base in self._base:
                ann = base.pop(ann_id, None)
                if ann is not None:
                    break
            else:
                return
        into = self._in
        for t in _targets(ann):
            had = into.get(t)
            if had is None:
                continue
            if type(had) is set:
                had.discard(ann_id)
                if not had:
                    del into[t]
            elif had == ann_id:
                del into[t]

    def changed(self, ids: Iterable[str]) -> None:
        """These annotations changed (added, edited or deleted): applied at the next lookup."""
        self._pending.update(ids)

    def _apply(self) -> None:
        pending, self._pending = self._pending, set()
        for ann_id in pending:
            self._unlink(ann_id)
            ann = self.aset.get(ann_id)
            if ann is not None:
                self._link(ann)

    def of(self, ann_id: str) -> list[Annotation]:
        if self._pending:
            self._apply()
        had = self._in.get(ann_id, EMPTY)
        found = [a for a in map(self.aset.get, had if type(had) is set else (had,)) if a is not None]
        found.sort(key=lambda a: (_ORDER.get(type(a), 3), _id_key(a.id)))
        return found


def for_session(session) -> ReferrerIndex:
    """The session's index, made on first use and kept up to date by its change reports."""
    index = getattr(session, "_referrer_index", None)
    if index is None or index.aset is not session.aset:
        index = ReferrerIndex(session.aset)
        session._referrer_index = index
        if not getattr(session, "_referrer_listening", False):
            session._referrer_listening = True
            # first in line: whoever repaints on a change must see the change here
            session.listeners.insert(0, lambda report: for_session(session).changed(report.ids))
    return index
