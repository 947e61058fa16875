"""The mark index as it was before its marks went to numpy arrays (see test_marks_arrays): kept to compare with."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator, NamedTuple

from annotator.model import (
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Attribution,
    Entity,
    Event,
    Relation,
    Span,
)
from annotator.reanchor import LOST, lost_parts

#: Marks longer than this are kept apart so the back-scan for short ones stays short.
LONG = 256

# Mark kinds, each painted differently (stylesheet component classes).
ENTITY = "entity"
TRIGGER = "trigger"
SOURCE = "source"
CUE = "cue"
CONTENT = "content"


class Mark(NamedTuple):
    """One painted range. A tuple: built, sorted and compared in C (a dataclass
    with ``order=True`` compares in Python: building the index of 50,000
    entities took twice as long)."""

    start: int
    end: int
    ann_id: str
    kind: str
    label: str  # entity label, event type, or attribution part name
    status: str  # accepted | suggested | rejected

    @property
    def suggested(self) -> bool:
        return self.status == SUGGESTED


def _span_marks(span: Span, ann_id: str, kind: str, label: str, status: str) -> Iterator[Mark]:
    for s, e in span.fragments:
        if e > s:
            yield Mark(s, e, ann_id, kind, label, status)


def marks_of(ann: Annotation) -> list[Mark]:
    """The marks one annotation paints.

    A span marked lost (not found when the article changed, see ``reanchor``)
    paints nothing: its offsets are an old article's, over other text now.
    """
    if ann.attrs and ann.attrs.get(LOST):
        lost = lost_parts(ann)
        if isinstance(ann, Attribution) and len(lost) < 3:
            return [m for m in _attribution_marks(ann) if m.kind not in lost]
        return []
    if isinstance(ann, Entity):
        return list(_span_marks(ann.span, ann.id, ENTITY, ann.label, ann.status))
    if isinstance(ann, Event):
        return list(_span_marks(ann.trigger, ann.id, TRIGGER, ann.type, ann.status))
    if isinstance(ann, Attribution):
        return _attribution_marks(ann)
    if isinstance(ann, Relation):
        return []
    raise TypeError(ann)


def _attribution_marks(ann: Attribution) -> list[Mark]:
    out: list[Mark] = []
    for kind, part in ((SOURCE, ann.source), (CUE, ann.cue), (CONTENT, ann.content)):
        if isinstance(part, Span):
            out.extend(_span_marks(part, ann.id, kind, kind, ann.status))
    return out


class MarkIndex:
    """Marks sorted by start, with long marks in a separate short list."""

    def __init__(self, marks: Iterable[Mark] = ()):
        short: list[Mark] = []
        self._long: list[Mark] = []
        for m in marks:
            (self._long if m.end - m.start > LONG else short).append(m)
        short.sort()
        self._short = short
        self._starts = [m.start for m in short]
        #: an annotation's marks: one Mark, or a list of them (most annotations
        #: have one: no list each, 3.6 MB less for 50,000 entities)
        self._by_id: dict[str, Mark | list[Mark]] = {}
        for m in short:
            self._link(m)
        for m in self._long:
            self._link(m)

    def _link(self, m: Mark) -> None:
        by_id = self._by_id
        had = by_id.get(m.ann_id)
        if had is None:
            by_id[m.ann_id] = m
        elif isinstance(had, list):
            had.append(m)
        else:
            by_id[m.ann_id] = [had, m]

    @classmethod
    def build(cls, aset: AnnotationSet) -> "MarkIndex":
        marks: list[Mark] = []
        add = marks.append
        for ent in aset.entities.values():
            # entities are most of the marks: their loop is inlined
            if ent.attrs and ent.attrs.get(LOST):
                continue  # lost: never painted (see marks_of)
            eid, label, status = ent.id, ent.label, ent.status
            for s, e in ent.span.fragments:
                if e > s:
                    add(Mark(s, e, eid, ENTITY, label, status))
        for group in (aset.events, aset.attributions):
            for ann in group.values():
                marks.extend(marks_of(ann))
        return cls(marks)

    def __len__(self) -> int:
        return len(self._short) + len(self._long)

    # -- queries --------------------------------------------------------------
    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks touching [start, end), sorted by (start, end)."""
        out: list[Mark] = []
        lo = bisect_left(self._starts, start - LONG)
        hi = bisect_left(self._starts, end)
        for m in self._short[lo:hi]:
            if m.end > start:
                out.append(m)
        for m in self._long:
            if m.start < end and m.end > start:
                out.append(m)
        if self._long:
            out.sort()
        return out

    def at(self, offset: int) -> list[Mark]:
        """Marks covering one character, innermost (shortest) first."""
        found = self.overlapping(offset, offset + 1)
        found.sort(key=lambda m: (m.end - m.start, m.start))
        return found

    def of(self, ann_id: str) -> list[Mark]:
        had = self._by_id.get(ann_id)
        if had is None:
            return []
        return list(had) if isinstance(had, list) else [had]

    def next_start(self, offset: int, *, pred=None) -> Mark | None:
        """The first mark starting after ``offset`` (long marks included)."""
        best = None
        i = bisect_right(self._starts, offset)
        while i < len(self._short):
            m = self._short[i]
            if pred is None or pred(m):
                best = m
                break
            i += 1
        for m in self._long:
            if m.start > offset and (pred is None or pred(m)) and (best is None or m < best):
                best = m
        return best

    def prev_start(self, offset: int, *, pred=None) -> Mark | None:
        """The last mark starting before ``offset``."""
        best = None
        i = bisect_left(self._starts, offset) - 1
        while i >= 0:
            m = self._short[i]
            if pred is None or pred(m):
                best = m
                break
            i -= 1
        for m in self._long:
            if m.start < offset and (pred is None or pred(m)) and (best is None or m > best):
                best = m
        return best

    # -- updates --------------------------------------------------------------
    def remove(self, ann_id: str) -> list[Mark]:
        """Drop an annotation's marks; returns them (their ranges need repainting)."""
        had = self._by_id.pop(ann_id, None)
        gone = [] if had is None else had if isinstance(had, list) else [had]
        for m in gone:
            if m.end - m.start > LONG:
                self._long.remove(m)
            else:
                i = bisect_left(self._short, m)
                if i < len(self._short) and self._short[i] == m:
                    del self._short[i]
                    del self._starts[i]
        return gone

    def add(self, ann: Annotation) -> list[Mark]:
        new = marks_of(ann)
        for m in new:
            if m.end - m.start > LONG:
                self._long.append(m)
            else:
                i = bisect_left(self._short, m)
                self._short.insert(i, m)
                self._starts.insert(i, m.start)
            self._link(m)
        return new

    def replace(self, old: Annotation | None, new: Annotation | None) -> list[Mark]:
        """Swap one annotation's marks; returns every mark whose range changed."""
        changed: list[Mark] = []
        if old is not None:
            changed.extend(self.remove(old.id))
        if new is not None:
            changed.extend(self.add(new))
        return changed


__all__ = ["Mark", "MarkIndex", "marks_of", "ENTITY", "TRIGGER", "SOURCE", "CUE", "CONTENT", "LONG"]
