"""Who links to an annotation, answered without a scan of the whole set.

``AnnotationSet.referrers`` looks at every event, attribution and relation: on
an article with 50,000 events and 50,000 attributions that is 50-100 ms, paid
on every cursor move that lands on an entity (the side panel lists what links
to it). This index keeps the links both ways and is told which annotations a
change touched (the session's change report), so a lookup costs a dict get.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter
from typing import Iterable

from .model import Annotation, AnnotationSet, Attribution, Event, Ref, Relation
from .pace import chunks

#: annotations indexed between two ``pause``s (``pace.chunks``): a thread making
#: the index (the app's opening) gives way to the UI every few milliseconds
#: (the whole index of 50,000 events and 50,000 attributions: 0.1 s of Python)
PIECE = 2048

_ORDER = {Event: 0, Attribution: 1, Relation: 2}
_REF = attrgetter("ref")
_SOURCE = attrgetter("source")


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


class ReferrerIndex:
    """``of(id)`` == ``aset.referrers(id)`` (events, then attributions, then relations)."""

    def __init__(self, aset: AnnotationSet) -> None:
        self.aset = aset
        self._in: dict[str, set[str]] = {}
        self._out: dict[str, tuple[str, ...]] = {}
        self._pending: set[str] = set()
        # as ``_link`` of each (events, attributions, relations), by table: the
        # tests of ``_targets`` made once per table, not per annotation (0.10 s
        # for 50,000 events and 50,000 attributions while the app loads them)
        put = self._put
        for evs in chunks(aset.events.values(), PIECE):
            for ev in evs:
                if ev.arguments:
                    put(ev.id, tuple(dict.fromkeys(map(_REF, ev.arguments))))
        for atts in chunks(aset.attributions.values(), PIECE):
            for at in compress(atts, map(isinstance, map(_SOURCE, atts), repeat(Ref))):
                put(at.id, (at.source.ref,))
        for rels in chunks(aset.relations.values(), PIECE):
            for rel in rels:
                put(rel.id, tuple(dict.fromkeys((rel.arg1, rel.arg2))))

    def _put(self, ann_id: str, targets: tuple[str, ...]) -> None:
        self._out[ann_id] = targets
        into = self._in
        for t in targets:
            refs = into.get(t)
            if refs is None:
                into[t] = {ann_id}
            else:
                refs.add(ann_id)

    def _link(self, ann: Annotation) -> None:
        targets = _targets(ann)
        if targets:
            self._out[ann.id] = targets
            for t in targets:
                self._in.setdefault(t, set()).add(ann.id)

    def _unlink(self, ann_id: str) -> None:
        for t in self._out.pop(ann_id, ()):
            refs = self._in.get(t)
            if refs is not None:
                refs.discard(ann_id)
                if not refs:
                    del self._in[t]

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
        found = [a for a in (self.aset.get(i) for i in self._in.get(ann_id, ())) if a is not None]
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
