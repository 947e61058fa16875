"""Marks: the character ranges the article view paints, indexed by position.

Every annotation becomes one or more marks (one per fragment; an event gives its
trigger, an attribution its source, cue and content). The index answers "which
marks touch characters [a, b)" in O(log n + k), which is what lets the view paint
one screen line without looking at the other 49,999 entities, and is updated
incrementally when one annotation changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import chain, compress, repeat
from operator import attrgetter, is_, is_not, itemgetter, not_
from typing import Iterable, Iterator, NamedTuple

from .model import (
    ACCEPTED,
    NO_ATTRS,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Attribution,
    Entity,
    Event,
    Relation,
    Span,
)
from .lazy import LOOK, noted_columns, noted_spans
from .pace import chunks, drop, joined, pause, take

# ``lost_marks``, not ``reanchor`` (with its search machinery: a fifth of the
# `annotator suggest` command's imports): the lost-mark rule without it
from .lost_marks import LOST, lost_parts


class _Numpy:
    """numpy, imported when an index first needs it; the module's ``np`` is then
    numpy itself. An empty index (the article on screen while its annotations
    load in a thread) needs none, and the import was 80 ms of the first frame."""

    def __getattr__(self, name: str):
        import numpy

        globals()["np"] = numpy
        return getattr(numpy, name)


np = _Numpy()

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


_KINDS = (ENTITY, TRIGGER, SOURCE, CUE, CONTENT)
_CODE = {k: i for i, k in enumerate(_KINDS)}
_STATUS = (ACCEPTED, SUGGESTED, REJECTED)
_SCODE = {s: i for i, s in enumerate(_STATUS)}
_OTHER = 255  # a status outside STATUSES (kept exact through the annotation itself)
_SCODES: defaultdict[str, int] = defaultdict(lambda: _OTHER, _SCODE)
_FRAGMENTS = attrgetter("fragments")
_SPAN_FRAGMENTS = attrgetter("span.fragments")
_TRIGGER_FRAGMENTS = attrgetter("trigger.fragments")
_SOURCE = attrgetter("source")
_CUE = attrgetter("cue")
_CONTENT = attrgetter("content")
_ATTRS = attrgetter("attrs")
_STATUS_OF = attrgetter("status")
_ID_OF = attrgetter("id")
#: marks of ``_short`` dropped at once: fewer are taken out one by one, more by a rebuild
_MANY_SHORT = 64
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
#: annotations taken from a table per C-level call while building: between two,
#: the UI thread can take the interpreter (a key waits for one chunk at most)
_CHUNK = 5_000


def _label(ann, code: int) -> str:
    if code == 0:
        return ann.label
    if code == 1:
        return ann.type
    return _KINDS[code]


#: the arrays of an index with none (``MarkIndex()``)
_NO_ARRAY = ()
#: a set with at most this many entities, events and attributions is indexed
#: without arrays (see ``MarkIndex.build``)
SMALL = 2_000


class MarkIndex:
    """Every mark, sorted by start.

    Built from a set (``build``), the marks are four numpy arrays (start, end,
    kind and status codes) and one of annotations, 18 bytes a mark instead of a
    tuple each (about 200 bytes with its links): a ``Mark`` is made only for the
    few a query returns. The arrays are sorted with numpy, which lets go of the
    interpreter while it sorts: keys are read meanwhile. Changes do not touch the
    arrays: a replaced annotation's marks are crossed out there (``_dead``) and
    its new ones go to a short sorted list (``_short``), as do the marks of an
    index made from loose marks. Marks longer than ``LONG`` are kept apart
    (``_long``) so the back-scan for short ones stays short.
    """

    def __init__(self, marks: Iterable[Mark] = ()):
        self._aset: AnnotationSet | None = None
        # the arrays (empty until ``build``; every use of them is behind ``len(self._s)``)
        self._s = self._e = self._k = self._st = self._a = _NO_ARRAY
        #: array positions crossed out (their annotation was replaced or removed)
        self._dead: set[int] = set()
        short: list[Mark] = []
        self._long: list[Mark] = []
        for m in marks:
            (self._long if m.end - m.start > LONG else short).append(m)
        short.sort()
        self._short = short
        self._starts = [m.start for m in short]
        #: the marks of ``_short`` and ``_long`` of an annotation: one Mark, or a list
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
    def build(cls, aset: AnnotationSet, small: int | None = None, entity_columns=LOOK) -> "MarkIndex":
        """The index of a set's marks: in arrays, or for a set of at most
        ``small`` annotations with marks (default ``SMALL``) in the sorted list
        of loose marks, which needs no numpy (its import was 80 ms of the first
        frame of a small article: more than building the list). ``entity_columns``:
        the entities' columns (``columns.of``; None for none), looked up by default."""
        size = len(aset.entities) + len(aset.events) + len(aset.attributions)
        if size <= (SMALL if small is None else small):
            index = cls(chain.from_iterable(map(marks_of, chain(
                aset.entities.values(), aset.events.values(), aset.attributions.values()))))
            index._aset = aset
            return index
        index = cls()
        index._aset = aset
        # the entities just read from columns: their marks made from those, not the objects
        cols = noted_columns(aset.entities, entity_columns)
        # (and the events' and attributions' spans: their numbers as read, not the objects')
        spans = (noted_spans(aset.events), noted_spans(aset.attributions))
        arrays = index._arrays(
            (aset.entities.values(), aset.events.values(), aset.attributions.values()), entity_columns=cols, span_columns=spans
        )
        index._s, index._e, index._k, index._st, index._a = arrays
        return index

    def _arrays(self, groups, entity_columns=None, span_columns=(None, None)) -> tuple[np.ndarray, ...]:
        """The marks of ``groups`` (entities, events, attributions) as the five
        arrays (start, end, kind code, status code, annotation), sorted by start;
        the long ones go to ``_long`` instead (linked). ``entity_columns``: the
        columns of the entities (``columns.of``), read instead of the objects;
        ``span_columns``: the events' and attributions' (``columns.spans_of``, or None),
        the same chunks as from their objects."""
        ss: list[np.ndarray] = []
        es: list[np.ndarray] = []
        ks: list[np.ndarray] = []
        sts: list[np.ndarray] = []
        anns: list[np.ndarray] = []

        def put(starts, ends, kinds, owners, n: int) -> None:
            ss.append(np.fromiter(starts, np.int64, n))
            es.append(np.fromiter(ends, np.int64, n))
            ks.append(np.fromiter(kinds, np.uint8, n))
            sts.append(np.fromiter(map(_SCODES.__getitem__, map(_STATUS_OF, owners)), np.uint8, n))
            # (fromiter: a tenth of the time of ``a[:] = owners``, which looks into each for a sequence)
            anns.append(np.fromiter(owners, object, n))

        def owned(owners: list, statuses, starts, ends, counts, code: int, codes=None) -> None:
            # the marks of ``owners`` (their ``statuses``; ``codes``: their codes, if
            # made), whose fragments start and end at ``starts`` and ``ends`` (arrays),
            # ``counts`` fragments each (an array; None: one each)
            m = len(owners)
            st = np.fromiter(map(_SCODES.__getitem__, statuses), np.uint8, m) if codes is None else codes
            own = np.fromiter(owners, object, m)
            if counts is not None:  # spans of many fragments: their owner once a fragment
                # (by numpy: a ``repeat`` an owner was 0.12 s for 500,000 entities)
                at = np.repeat(np.arange(m), counts)
                st, own = st[at], own[at]
            ss.append(starts)
            es.append(ends)
            ks.append(np.full(len(starts), code, np.uint8))
            sts.append(st)
            anns.append(own)

        def spans(owners: list, frags: list, code: int) -> None:
            # a chunk's marks in a few C-level passes (no bytecode per mark)
            pairs = list(chain.from_iterable(frags))
            n, m = len(pairs), len(owners)
            owned(
                owners, map(_STATUS_OF, owners),
                np.fromiter(map(_FIRST, pairs), np.int64, n), np.fromiter(map(_SECOND, pairs), np.int64, n),
                None if n == m else np.fromiter(map(len, frags), np.intp, m), code,
            )

        slow: list[Annotation] = []  # lost spans: see marks_of
        for group, code in zip(groups, (0, 1, -1)):
            if code == 0 and entity_columns is not None:
                # (their fragments' numbers read once: see columns; their statuses' codes
                # made once, for the session's counts too)
                for piece in entity_columns.chunks("objs", "numbers", "codes", code_of=_SCODES):
                    owned(piece.objs, None, piece.starts, piece.ends, piece.counts, 0, piece.codes)
                pause()
                continue
            noted = span_columns[0] if code == 1 else span_columns[1] if code == -1 else None
            if noted is not None:  # (no lost span among them: the direct readers decline one)
                for a in range(0, len(noted), _CHUNK):
                    for pcode, _, owners, starts, ends, counts in noted.cut(a, a + _CHUNK)[1]:
                        owned(owners, map(_STATUS_OF, owners), starts, ends, counts, pcode)
                    pause()
                continue
            for chunk in chunks(group, _CHUNK):  # (never the whole table as one list first: see pace)
                # (compared in C: a Python-level test per annotation costs as much as the rest)
                extra = compress(chunk, map(is_not, map(_ATTRS, chunk), repeat(NO_ATTRS)))
                lost = [a for a in extra if a.attrs and a.attrs.get(LOST)]
                if lost:
                    gone = set(map(id, lost))
                    chunk = list(compress(chunk, map(not_, map(gone.__contains__, map(id, chunk)))))
                    slow.extend(lost)
                if code == 0:
                    spans(chunk, list(map(_SPAN_FRAGMENTS, chunk)), 0)
                elif code == 1:
                    spans(chunk, list(map(_TRIGGER_FRAGMENTS, chunk)), 1)
                else:
                    for part, pcode in ((_SOURCE, 2), (_CUE, 3), (_CONTENT, 4)):
                        parts = list(map(part, chunk))
                        has = list(map(is_, map(type, parts), repeat(Span)))  # type(part) is Span
                        spans(list(compress(chunk, has)), list(map(_FRAGMENTS, compress(parts, has))), pcode)
                pause()  # a thread building it gives way to the UI (see annotator.pace)
        starts: list[int] = []
        ends: list[int] = []
        kinds: list[int] = []
        owners: list = []
        for ann in slow:
            for m in marks_of(ann):
                starts.append(m.start)
                ends.append(m.end)
                kinds.append(_CODE[m.kind])
                owners.append(ann)
        put(starts, ends, kinds, owners, len(starts))
        del starts, ends, kinds, owners, slow
        s, e, k, st = (np.concatenate(x) for x in (ss, es, ks, sts))
        a = joined(anns, len(s))  # objects: in pieces (see pace)
        drop(anns)
        ss = es = ks = sts = anns = None  # (let go of them: not by del, as the functions above name them)
        keep = e > s
        long = keep & (e - s > LONG)
        if long.any():
            for i in np.flatnonzero(long).tolist():
                m = self._mark(int(s[i]), int(e[i]), int(k[i]), a[i])
                self._long.append(m)
                self._link(m)
            keep &= ~long
        if not keep.all():
            s, e, k, st, a = s[keep], e[keep], k[keep], st[keep], a[keep]
        order = np.argsort(s, kind="stable")  # numpy lets go of the interpreter while it sorts
        out = s[order], e[order], k[order], st[order], take(a, order)
        drop(a)
        return out

    @staticmethod
    def _mark(s: int, e: int, code: int, ann) -> Mark:
        return Mark(s, e, ann.id, _KINDS[code], _label(ann, code), ann.status)

    def _marks_at(self, idx) -> list[Mark]:
        """The Marks of array positions ``idx`` (numpy indices), crossed-out ones left out."""
        if self._dead:
            idx = [i for i in idx.tolist() if i not in self._dead]
        if not len(idx):
            return []
        a = self._a
        return [
            Mark(s, e, ann.id, _KINDS[c], _label(ann, c), ann.status)
            for s, e, c, ann in zip(self._s[idx].tolist(), self._e[idx].tolist(), self._k[idx].tolist(), a[idx])
        ]

    def __len__(self) -> int:
        return len(self._s) - len(self._dead) + len(self._short) + len(self._long)

    # -- queries --------------------------------------------------------------
    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks touching [start, end), sorted by (start, end)."""
        out: list[Mark] = []
        if len(self._s):
            lo, hi = np.searchsorted(self._s, (start - LONG, end)).tolist()
            if hi > lo:
                out = self._marks_at(np.flatnonzero(self._e[lo:hi] > start) + lo)
        if self._short:
            lo = bisect_left(self._starts, start - LONG)
            hi = bisect_left(self._starts, end)
            for m in self._short[lo:hi]:
                if m.end > start:
                    out.append(m)
        for m in self._long:
            if m.start < end and m.end > start:
                out.append(m)
        out.sort()
        return out

    def at(self, offset: int) -> list[Mark]:
        """Marks covering one character, innermost (shortest) first."""
        found = self.overlapping(offset, offset + 1)
        found.sort(key=lambda m: (m.end - m.start, m.start))
        return found

    def of(self, ann_id: str) -> list[Mark]:
        had = self._by_id.get(ann_id)
        out = [] if had is None else list(had) if isinstance(had, list) else [had]
        if self._aset is not None and len(self._s):
            ann = self._aset.get(ann_id)
            if ann is not None:
                out.extend(self._marks_at(np.array(self._positions(ann), np.intp)))
        return out

    def _positions(self, ann: Annotation) -> list[int]:
        """The array positions (not crossed out) holding the marks of ``ann``."""
        found: list[int] = []
        s_arr, a_arr, dead = self._s, self._a, self._dead
        for m in marks_of(ann):
            if m.end - m.start > LONG:
                continue
            lo, hi = np.searchsorted(s_arr, (m.start, m.start + 1)).tolist()
            for i in range(lo, hi):
                other = a_arr[i]
                if i not in dead and i not in found and other.id == ann.id and self._e[i] == m.end \
                        and _KINDS[self._k[i]] == m.kind:
                    found.append(i)
                    break
        return found

    def _first(self, lo: int, hi: int, step: int, status: str | None, pred) -> Mark | None:
        """The first array mark from position ``lo`` towards ``hi`` (by ``step``)
        that has ``status`` and that ``pred`` takes, in (start, end, ...) order."""
        s_arr = self._s
        n = len(s_arr)
        code = None if status is None else _SCODE.get(status, _OTHER)
        i = lo
        span = 64
        while (step > 0 and i < hi) or (step < 0 and i > hi):
            j = min(hi, i + span) if step > 0 else max(hi, i - span)
            a, b = (i, j) if step > 0 else (j + 1, i + 1)
            # extend to whole groups of equal starts
            if step > 0 and b < n:
                b = int(np.searchsorted(s_arr, s_arr[b - 1], "right"))
            if step < 0 and a > 0:
                a = int(np.searchsorted(s_arr, s_arr[a], "left"))
            idx = np.arange(a, b)
            if code is not None:
                idx = idx[self._st[a:b] == code]
            marks = self._marks_at(idx)
            if status is not None:
                marks = [m for m in marks if m.status == status]
            marks.sort(reverse=step < 0)
            for m in marks:
                if pred is None or pred(m):
                    return m
            i = b if step > 0 else a - 1
            span = min(span * 4, 1 << 16)
        return None

    def next_start(self, offset: int, *, pred=None, status: str | None = None) -> Mark | None:
        """The first mark starting after ``offset`` (long marks included).
        ``status``: only marks with that status (found faster than by ``pred``)."""
        take = (lambda m: (status is None or m.status == status) and (pred is None or pred(m)))
        best = None
        if len(self._s):
            i = int(np.searchsorted(self._s, offset, "right"))
            best = self._first(i, len(self._s), 1, status, pred)
        i = bisect_right(self._starts, offset)
        while i < len(self._short):
            m = self._short[i]
            if take(m):
                if best is None or m < best:
                    best = m
                break
            i += 1
        for m in self._long:
            if m.start > offset and take(m) and (best is None or m < best):
                best = m
        return best

    def prev_start(self, offset: int, *, pred=None, status: str | None = None) -> Mark | None:
        """The last mark starting before ``offset``."""
        take = (lambda m: (status is None or m.status == status) and (pred is None or pred(m)))
        best = None
        if len(self._s):
            i = int(np.searchsorted(self._s, offset, "left")) - 1
            best = self._first(i, -1, -1, status, pred)
        i = bisect_left(self._starts, offset) - 1
        while i >= 0:
            m = self._short[i]
            if take(m):
                if best is None or m > best:
                    best = m
                break
            i -= 1
        for m in self._long:
            if m.start < offset and take(m) and (best is None or m > best):
                best = m
        return best

    # -- updates --------------------------------------------------------------
    def remove(self, ann_id: str, ann: Annotation | None = None) -> list[Mark]:
        """Drop an annotation's marks; returns them (their ranges need repainting).
        ``ann``: the annotation whose marks are in the index (by default the set's)."""
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
        if len(self._s):
            if ann is None and self._aset is not None:
                ann = self._aset.get(ann_id)
            if ann is not None:
                pos = self._positions(ann)
                gone = gone + self._marks_at(np.array(pos, np.intp))
                self._dead.update(pos)
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

    def add_many(self, anns: Iterable[Annotation]) -> list[tuple[int, int]]:
        """Add the marks of many new annotations at once (the same index as
        ``add`` of each, in far less time: a worker's 42,000 suggestions cost
        0.27 s one at a time). Returns the (start, end) of every mark added (the
        ranges to repaint, in no particular order).

        Their marks are made as ``build`` makes them, in a few C-level passes,
        and merged into the sorted arrays once (crossed-out positions dropped
        on the way). The index must then know the set (``build``) and the set
        already hold them, as for every change (``Session._swap``); an index of
        loose marks adds them one at a time."""
        anns = list(anns)
        if self._aset is None:
            return [(m.start, m.end) for ann in anns for m in self.add(ann)]
        groups: tuple[list, list, list] = ([], [], [])
        put = {Entity: groups[0].append, Event: groups[1].append, Attribution: groups[2].append}
        for ann in anns:
            add = put.get(type(ann))
            if add is None:
                if isinstance(ann, Relation):
                    continue
                add = groups[0 if isinstance(ann, Entity) else 1 if isinstance(ann, Event) else 2].append
            add(ann)
        n_long = len(self._long)
        s1, e1, k1, st1, a1 = self._arrays(groups)
        ranges = [(m.start, m.end) for m in self._long[n_long:]]
        if not len(s1):
            return ranges
        ranges.extend(zip(s1.tolist(), e1.tolist()))
        old = (self._s, self._e, self._k, self._st, self._a)
        if self._dead:
            keep = np.ones(len(self._s), bool)
            keep[np.fromiter(self._dead, np.intp, len(self._dead))] = False
            old = tuple(x[keep] for x in old)
        if not len(old[0]):
            merged = (s1, e1, k1, st1, a1)
        else:
            # new marks after the old ones of equal start, as a stable sort of both would put them
            at = np.searchsorted(old[0], s1, "right")
            merged = tuple(np.insert(x, at, y) for x, y in zip(old, (s1, e1, k1, st1, a1)))
        self._s, self._e, self._k, self._st, self._a = merged
        self._dead = set()
        return ranges

    def remove_many(self, anns: Iterable[Annotation]) -> list[tuple[int, int]]:
        """Drop the marks of many annotations at once, as ``remove(ann.id, ann)``
        of each would (undoing a worker's batch: 0.6 s one at a time for 42,000).
        Returns the (start, end) of every mark dropped, in no particular order.

        The array marks of all of them are found in a few numpy passes (the
        positions of equal start, then end, kind and annotation ID compared),
        each position taken once, and crossed out."""
        anns = list(anns)
        ranges: list[tuple[int, int]] = []
        short_gone: list[Mark] = []
        for ann in anns:
            had = self._by_id.pop(ann.id, None)
            if had is None:
                continue
            for m in had if isinstance(had, list) else (had,):
                ranges.append((m.start, m.end))
                if m.end - m.start > LONG:
                    self._long.remove(m)
                else:
                    short_gone.append(m)
        if len(short_gone) < _MANY_SHORT:
            for m in short_gone:
                i = bisect_left(self._short, m)
                if i < len(self._short) and self._short[i] == m:
                    del self._short[i]
                    del self._starts[i]
        else:
            drop = Counter(short_gone)
            keep: list[Mark] = []
            for m in self._short:
                if drop.get(m):
                    drop[m] -= 1
                else:
                    keep.append(m)
            self._short = keep
            self._starts = [m.start for m in keep]
        if not len(self._s) or not anns:
            return ranges
        groups: tuple[list, list, list] = ([], [], [])
        for ann in anns:
            if isinstance(ann, Entity):
                groups[0].append(ann)
            elif isinstance(ann, Event):
                groups[1].append(ann)
            elif isinstance(ann, Attribution):
                groups[2].append(ann)
        # their marks as build makes them (the long ones, never in the arrays, set aside)
        s1, e1, k1, _, a1 = MarkIndex()._arrays(groups)
        if not len(s1):
            return ranges
        s_arr, e_arr, k_arr, a_arr = self._s, self._e, self._k, self._a
        lo = np.searchsorted(s_arr, s1, "left")
        counts = np.searchsorted(s_arr, s1, "right") - lo
        owner = np.repeat(np.arange(len(s1)), counts)  # candidate -> the mark it may be
        first = np.cumsum(counts) - counts
        idx = np.arange(int(counts.sum())) - np.repeat(first, counts) + np.repeat(lo, counts)
        ok = (e_arr[idx] == e1[owner]) & (k_arr[idx] == k1[owner])
        idx, owner = idx[ok], owner[ok]
        ids = list(map(_ID_OF, a1))
        dead, taken, placed = self._dead, set(), set()
        for i, o, held in zip(idx.tolist(), owner.tolist(), a_arr[idx]):
            # by mark, then position: each mark takes the first position left (as _positions does)
            if o not in placed and i not in dead and i not in taken and held.id == ids[o]:
                taken.add(i)
                placed.add(o)
        if taken:
            pos = np.fromiter(taken, np.intp, len(taken))
            ranges.extend(zip(s_arr[pos].tolist(), e_arr[pos].tolist()))
            dead.update(taken)
        return ranges

    def replace(self, old: Annotation | None, new: Annotation | None) -> list[Mark]:
        """Swap one annotation's marks; returns every mark whose range changed."""
        changed: list[Mark] = []
        if old is not None:
            changed.extend(self.remove(old.id, old))
        if new is not None:
            changed.extend(self.add(new))
        return changed


__all__ = ["Mark", "MarkIndex", "marks_of", "ENTITY", "TRIGGER", "SOURCE", "CUE", "CONTENT", "LONG"]
