"""One open article: its annotations, undo/redo, and what needs saving.

This is the one door every change goes through. An edit is a list of
``(before, after)`` pairs of annotations (``None`` for "absent"); applying it
swaps objects in the AnnotationSet and in the MarkIndex, and undo applies the
pairs reversed. Because annotations are immutable, an undo step costs only the
objects it touches, whatever the size of the article.

No Textual here: the app listens through ``on_change`` and repaints the character
ranges it is given.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .collector import paused
from .lazy import LOOK, noted_columns
from .pace import chunks, pause
from .model import (
    FACTORY,
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    PREFIX,
    Span,
    id_number,
    with_label,
    with_status,
)
from .schema import Schema

if TYPE_CHECKING:
    from .marks import Mark, MarkIndex

Pair = tuple[Annotation | None, Annotation | None]
_STATUS = attrgetter("status")
_LABEL = attrgetter("label")
#: annotations counted per C-level call (``_counts``): a thread gives way between two
_COUNT_CHUNK = 20_000


def _counts(aset: AnnotationSet, cols=LOOK) -> tuple[Counter[str], Counter[str]]:
    """The set's annotations by status, and its accepted entities by label.

    Counted in C (a loop of ``_count`` over 600,000 annotations took 0.5 s), a
    chunk at a time with a ``pause`` between two (one call over them all held
    the interpreter 35 ms while the app loads them in a thread); the entities'
    statuses are read once for both counts. ``cols``: the entities' columns
    (``columns.of``, None for none), looked up by default."""
    statuses: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    cols = noted_columns(aset.entities, cols)  # the entities just read from columns: those counted
    if cols is not None:
        for piece in cols.chunks("labels", "statuses", "codes"):
            if piece.codes is not None:  # (the marks index made their codes: counted by numpy)
                _count_codes(statuses, labels, piece)
                continue
            statuses.update(piece.statuses)
            labels.update(compress(piece.labels, map(eq, piece.statuses, repeat(ACCEPTED))))
        pause()
    for table in (aset.entities, aset.events, aset.attributions, aset.relations):
        if cols is not None and table is aset.entities:
            continue
        for chunk in chunks(table.values(), _COUNT_CHUNK):  # (not one list of the table first)
            sts = list(map(_STATUS, chunk))
            statuses.update(sts)
            if table is aset.entities:
                labels.update(map(_LABEL, compress(chunk, map(eq, sts, repeat(ACCEPTED)))))
            pause()
    return statuses, labels


def _count_codes(statuses: Counter, labels: Counter, piece) -> None:
    """``_counts``' counts of a piece of the entities' columns, from its statuses' codes
    (``marks``' codes: 255 for a status of its own, counted from the column)."""
    import numpy as np

    from .marks import _OTHER, _STATUS as CODED

    codes = piece.codes
    by_code = np.bincount(codes, minlength=256).tolist()
    for c, status in enumerate(CODED):
        if by_code[c]:
            statuses[status] += by_code[c]
    if by_code[_OTHER]:
        statuses.update(compress(piece.statuses, (codes == _OTHER).tolist()))
    if by_code[0]:  # (code 0: accepted)
        labels.update(compress(piece.labels, (codes == 0).tolist()))


_ID = attrgetter("id")
#: a step adding at least this many annotations (and nothing else) merges their
#: marks into the index at once (``MarkIndex.add_many``); fewer go one by one
_MANY = 64


def _scan(ids, prefix: str) -> tuple[int, bool]:
    """(the highest ``id_number`` of ``ids``, whether every ID is spelled ``prefix``
    and its number, as the session spells new ones), read in C a part at a time
    (500,000 IDs: 0.2 s, and no list of them all: the counts of every number held
    40 MB for the rest of the session)."""
    high, plain = 0, True
    for part in chunks(ids):
        digits = list(map(_AFTER_FIRST, part))
        nums = None
        if "".join(digits).isdigit():  # (each part digits, or empty)
            try:
                nums = list(map(int, digits))
            except ValueError:  # an empty part, or a digit int() does not read
                nums = None
        if nums is None:
            plain = False
            high = max(high, max(map(id_number, part), default=0))
            continue
        high = max(high, max(nums, default=0))
        if plain:
            plain = list(map(str, nums)) == digits and all(i[:1] == prefix for i in part)
    return high, plain


_AFTER_FIRST = itemgetter(slice(1, None))


class _IdNumbers:
    """The highest ID number in use in one table. While every ID is spelled as the
    session spells new ones (``plain``: the kind's letter and the number), no two
    hold one number, so when the highest goes the next below is found by looking
    its spelling up; otherwise the numbers are read again."""

    __slots__ = ("table", "size", "prefix", "high", "plain")

    def __init__(self, table: dict, prefix: str) -> None:
        self.table = table
        self.size = len(table)
        self.prefix = prefix
        self.high, self.plain = _scan(table, prefix)

    def add(self, ann_id: str, n: int) -> None:
        if n > self.high:
            self.high = n
        if self.plain and ann_id != f"{self.prefix}{n}":
            self.plain = False

    def remove(self, ann_id: str, n: int) -> None:
        if n < self.high:
            return
        table, prefix = self.table, self.prefix
        if self.plain and n == self.high:  # a step or two when the numbers follow each other
            for k in range(n - 1, max(0, n - 64), -1):
                if f"{prefix}{k}" in table:
                    self.high = k
                    return
        self.high, self.plain = _scan(table, prefix)


class ReadOnlyError(Exception):
    """A change was asked of a session opened read-only (another process holds the article)."""


@dataclass(init=False, repr=False, eq=False)  # the methods below: see annotator.model
class Step:
    """One undoable step: what it was called and the objects it swapped."""

    label: str
    pairs: list[Pair]
    #: a message for the status line (e.g. which links a delete removed)
    note: str = ""

    def __init__(self, label, pairs, note=""):
        self.label = label
        self.pairs = pairs
        self.note = note

    def __repr__(self):
        return f"{self.__class__.__qualname__}(label={self.label!r}, pairs={self.pairs!r}, note={self.note!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.label, self.pairs, self.note) == (other.label, other.pairs, other.note)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as dataclass(eq=True) leaves it

    def inverse(self) -> "Step":
        return Step(self.label, [(after, before) for before, after in reversed(self.pairs)], self.note)


@dataclass(init=False, repr=False, eq=False)  # the methods below: see annotator.model
class ChangeReport:
    """What the app needs to repaint and say after a step."""

    step: Step
    ranges: list[tuple[int, int]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    undo: bool = False
    redo: bool = False

    def __init__(self, step, ranges=FACTORY, ids=FACTORY, undo=False, redo=False):
        self.step = step
        self.ranges = list() if ranges is FACTORY else ranges
        self.ids = set() if ids is FACTORY else ids
        self.undo = undo
        self.redo = redo

    def __repr__(self):
        return f"{self.__class__.__qualname__}(step={self.step!r}, ranges={self.ranges!r}, ids={self.ids!r}, undo={self.undo!r}, redo={self.redo!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.step, self.ranges, self.ids, self.undo, self.redo) == (other.step, other.ranges, other.ids, other.undo, other.redo)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as dataclass(eq=True) leaves it


class Session:
    def __init__(
        self,
        aset: AnnotationSet,
        schema: Schema,
        *,
        yaml_path: Path | None = None,
        article_path: Path | None = None,
        user: str = "annotator",
        index: bool = True,
    ):
        self.aset = aset
        self.schema = schema
        self.yaml_path = yaml_path
        self.article_path = article_path
        self.user = user
        #: the marks index; with ``index=False`` (a command with no view: `annotator
        #: suggest`) built from the set when first asked for, and until then the
        #: change reports carry no ranges (nothing is painted). Building it (and
        #: numpy's import) was 0.13 s of the command on a 1 MB article.
        # the entities' columns, if the set was just read from them: checked once for both
        cols = noted_columns(aset.entities)
        self._marks: MarkIndex | None = None
        if index:
            from .marks import MarkIndex

            self._marks = MarkIndex.build(aset, entity_columns=cols)
        self._undo: list[Step] = []
        self._redo: list[Step] = []
        #: bumped on every change; the saver compares it with ``saved_version``
        self.version = 0
        self.saved_version = 0
        self.listeners: list[Callable[[ChangeReport], None]] = []
        #: another process holds the article's lock: every change raises ReadOnlyError
        self.read_only = False
        # Counts kept up to date by _swap, so the status line costs O(1) per key.
        self._statuses, self._labels = _counts(aset, cols)
        # (for the list's rows, made next by the app's opening: ``entity_columns``)
        self._columns_at: tuple | None = None if cols is None else (cols, self.version, aset.entities, len(aset.entities))
        #: kind -> the ID numbers in use in its table: see next_id
        self._ids: dict[type, _IdNumbers] = {}
        #: kind -> the highest ID number the session has seen go (deleted, undone,
        #: renamed, or in a table it counted before): next_id never goes below it
        self._gone: dict[type, int] = {}

    def take_entity_columns(self):
        """The entities' columns (``columns.of``) as checked when the session was made,
        while the set is as it was then (no step, no ``mark_unsaved``: the same table
        and size); else ``LOOK`` (looked up again, and checked, by whoever asks).
        Once: the session lets go of them (the reader's lists, 20 MB for 500,000
        entities, are emptied by ``columns.forget`` when nobody holds them). The
        list's rows, made right after by the app's opening, need no second check
        (0.02 s)."""
        at, self._columns_at = self._columns_at, None
        if at is None:
            return LOOK
        cols, version, table, size = at
        if version == self.version and self.aset.entities is table and len(table) == size:
            return cols
        return LOOK

    @property
    def marks(self) -> MarkIndex:
        if self._marks is None:
            from .marks import MarkIndex

            self._marks = MarkIndex.build(self.aset)
        return self._marks

    @marks.setter
    def marks(self, index: MarkIndex) -> None:
        self._marks = index

    # -- state ----------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.aset.document.text

    @property
    def dirty(self) -> bool:
        return self.version != self.saved_version

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def get(self, ann_id: str) -> Annotation | None:
        return self.aset.get(ann_id)

    # -- the history, across a close and an open (``workspace.History``) ----------
    def steps(self) -> tuple[list[Step], list[Step]]:
        """The undo and the redo steps, oldest first (copies)."""
        return list(self._undo), list(self._redo)

    def carry(self, undo: Sequence[Step], redo: Sequence[Step]) -> None:
        """Take the steps of an earlier session on this very set (the article was
        left, then opened again, its file as it was left): u and ctrl+r go on
        where they were. Its steps swap annotations by ID (equal ones, not the
        same objects), as after any load. The IDs they name are never given to a
        new annotation (see ``next_id``)."""
        self._undo, self._redo = list(undo), list(redo)
        for step in self._undo + self._redo:
            self._went(ann for pair in step.pairs for ann in pair if ann is not None)

    def next_id(self, kind: type) -> str:
        """The ID of a new annotation: one more than the highest ID number the
        session has known, in use or gone. An ID is never given again in a session
        once it was there: not one of the file as loaded, nor one deleted, undone
        or renamed since (a teammate's copy of the file may still hold it, and
        refer to it: a merge would take the new annotation for the old one).
        While nothing went, it is ``aset.next_id(kind)``.

        Kept without reading every ID at each new annotation (50,000 entities:
        17 ms a key). The numbers in use are counted once, then kept by
        ``_swap``; they are counted again when the table has another size than
        the session's changes left it (changed behind its back, or another set),
        the highest counted before kept as gone."""
        table = self.aset.table(kind)
        got = self._ids.get(kind)
        if got is None or got.table is not table or got.size != len(table):
            if got is not None and got.high > self._gone.get(kind, 0):
                self._gone[kind] = got.high
            got = self._ids[kind] = _IdNumbers(table, PREFIX[kind])
        return f"{PREFIX[kind]}{max(got.high, self._gone.get(kind, 0)) + 1}"

    def _went(self, anns: Iterable[Annotation]) -> None:
        """These annotations' IDs left their tables (or may have): never new again."""
        gone = self._gone
        for ann in anns:
            kind, n = type(ann), id_number(ann.id)
            if n > gone.get(kind, 0):
                gone[kind] = n

    def _keep_ids(self, pairs: Iterable[Pair]) -> None:
        """``next_id``'s numbers after ``pairs`` were swapped in."""
        ids = self._ids
        for before, after in pairs:
            got = ids.get(type(after if after is not None else before))
            if got is None or (before is not None and after is not None and before.id == after.id):
                continue
            if before is not None:
                got.remove(before.id, id_number(before.id))
            if after is not None:
                got.add(after.id, id_number(after.id))
        for got in ids.values():
            got.size = len(got.table)

    # -- the one door -----------------------------------------------------------
    def _count(self, ann: Annotation, sign: int) -> None:
        self._statuses[ann.status] += sign
        if isinstance(ann, Entity) and ann.status == ACCEPTED:
            self._labels[ann.label] += sign

    def _swap(self, pairs: Sequence[Pair]) -> ChangeReport:
        report = ChangeReport(Step("", list(pairs)))
        if len(pairs) >= _MANY:
            if all(before is None for before, _ in pairs):
                return self._add_all(report, [after for _, after in pairs])
            if all(after is None for _, after in pairs):  # add_many undone
                return self._remove_all(report, [before for before, _ in pairs])
        for before, after in pairs:
            ann = after if after is not None else before
            assert ann is not None
            table = self.aset.table(type(ann))
            if after is None:
                table.pop(before.id, None)  # type: ignore[union-attr]
                self._went((before,))
            else:
                if before is not None and before.id != after.id:
                    self._went((before,))
                table[after.id] = after
            if self._marks is not None:
                for m in self._marks.replace(before, after):
                    report.ranges.append((m.start, m.end))
            report.ids.add(ann.id)
            if before is not None:
                self._count(before, -1)
            if after is not None:
                self._count(after, 1)
        if self._ids:
            self._keep_ids(pairs)
        self.version += 1
        return report

    def _add_all(self, report: ChangeReport, anns: list[Annotation]) -> ChangeReport:
        """``_swap`` of a step that only adds (``add_many``): the same tables,
        marks, counts and report, the marks merged into the index at once."""
        aset = self.aset
        tables = {Entity: aset.entities, Event: aset.events, Attribution: aset.attributions, Relation: aset.relations}
        for ann in anns:
            table = tables.get(type(ann))
            if table is None:
                table = aset.table(type(ann))
            table[ann.id] = ann
        if self._marks is not None:
            report.ranges = self._marks.add_many(anns)
        report.ids.update(map(_ID, anns))
        self._statuses.update(map(_STATUS, anns))
        self._labels.update(e.label for e in anns if isinstance(e, Entity) and e.status == ACCEPTED)
        if self._ids:
            self._keep_ids(zip(repeat(None), anns))
        self.version += 1
        return report

    def _remove_all(self, report: ChangeReport, anns: list[Annotation]) -> ChangeReport:
        """``_swap`` of a step that only removes (``add_many`` undone), the marks
        dropped at once."""
        aset = self.aset
        tables = {Entity: aset.entities, Event: aset.events, Attribution: aset.attributions, Relation: aset.relations}
        for ann in anns:
            table = tables.get(type(ann))
            if table is None:
                table = aset.table(type(ann))
            table.pop(ann.id, None)
        self._went(anns)
        if self._marks is not None:
            report.ranges = self._marks.remove_many(anns)
        report.ids.update(map(_ID, anns))
        self._statuses.subtract(map(_STATUS, anns))
        self._labels.subtract(e.label for e in anns if isinstance(e, Entity) and e.status == ACCEPTED)
        if self._ids:
            self._keep_ids(zip(anns, repeat(None)))
        self.version += 1
        return report

    def mine(self, ann: Annotation) -> Annotation:
        """``ann`` as changed by this session's annotator: ``by`` names who made it
        or last changed it (a relabel, a retype, an argument, a part, attributes,
        a decision). A suggestion still pending keeps its suggester as ``by``."""
        if ann.status == SUGGESTED or ann.by == self.user:
            return ann
        return replace(ann, by=self.user)

    def edit(self, label: str, pairs: Iterable[Pair], note: str = "") -> ChangeReport | None:
        """``apply`` a change the annotator made: every annotation it changes
        (not the ones it adds or removes) is recorded as theirs (``mine``)."""
        return self.apply(label, [(b, a if b is None or a is None or a == b else self.mine(a)) for b, a in pairs], note)

    def apply(self, label: str, pairs: Iterable[Pair], note: str = "") -> ChangeReport | None:
        """Apply one step and record it for undo. Empty steps are not recorded."""
        # (an annotation added or removed differs: not compared, 42,000 times for a worker's suggestions)
        pairs = [(b, a) for b, a in pairs if b is not a and (b is None or a is None or b != a)]
        if not pairs:
            return None
        if self.read_only:
            raise ReadOnlyError(f"read-only: not applied: {label}")
        pairs, dropped = self._unlink_rejected(pairs)
        if dropped:
            note = f"{note or label}; {dropped}"
            if not pairs:
                return None
        report = self._swap(pairs)
        step = Step(label, pairs, note)
        report.step = step
        self._undo.append(step)
        self._redo.clear()
        self._notify(report)
        return report

    def _unlink_rejected(self, pairs: list[Pair]) -> tuple[list[Pair], str]:
        """``pairs`` without a link from an accepted event, attribution or relation
        to an annotation that is rejected once they are applied (``validate``
        refuses such a file: the reviewer rejected the entity, so the gold holds no
        link to it), and what was left out, for the status line. An event loses
        that argument, an attribution its source; a relation, which is nothing
        without both ends, is left as it was (not accepted, not added)."""
        newly = [a.id for b, a in pairs if a is not None and a.status == REJECTED and (b is None or b.status != REJECTED)]
        if not newly and not any(a is not None and a.status == ACCEPTED and not isinstance(a, Entity) for _, a in pairs):
            return pairs, ""
        after = {b.id: None for b, _ in pairs if b is not None}
        after.update((a.id, a) for _, a in pairs if a is not None)
        get = self.aset.get
        if newly:  # what links to an annotation now rejected: that link goes too (in this step)
            pairs = list(pairs)
            for ref in newly:
                for other in self.aset.referrers(ref):
                    if other.id not in after and other.status == ACCEPTED:
                        pairs.append((other, other))
                        after[other.id] = other

        def rejected(ref: str) -> bool:
            ann = after[ref] if ref in after else get(ref)
            return ann is not None and ann.status == REJECTED

        out: list[Pair] = []
        notes: list[str] = []
        for b, a in pairs:
            if a is None or a.status != ACCEPTED or isinstance(a, Entity):
                out.append((b, a))
            elif isinstance(a, Event):
                gone = [x for x in a.arguments if rejected(x.ref)]
                if gone:
                    a = replace(a, arguments=tuple(x for x in a.arguments if x not in gone))
                    notes.extend(f"dropped {a.id}'s {x.role} {x.ref} (rejected)" for x in gone)
                out.append((b, a))
            elif isinstance(a, Attribution):
                if isinstance(a.source, Ref) and rejected(a.source.ref):
                    notes.append(f"dropped {a.id}'s source {a.source.ref} (rejected)")
                    a = replace(a, source=None)
                out.append((b, a))
            elif isinstance(a, Relation) and (rejected(a.arg1) or rejected(a.arg2)):
                refs = " and ".join(r for r in dict.fromkeys((a.arg1, a.arg2)) if rejected(r))
                if b is not None and b.status == ACCEPTED:  # it was gold: rejected with its end
                    out.append((b, with_status(a, REJECTED, self.user)))
                    notes.append(f"rejected {a.id} too ({refs} rejected)")
                else:  # being accepted now: left as it was
                    notes.append(f"{a.id} not accepted ({refs} rejected)")
            else:
                out.append((b, a))
        if not notes:
            return pairs, ""
        out = [(b, a) for b, a in out if b is not a and (b is None or a is None or b != a)]
        return out, "; ".join(notes)

    def undo(self) -> ChangeReport | None:
        if not self._undo:
            return None
        if self.read_only:
            raise ReadOnlyError("read-only: nothing is undone")
        step = self._undo.pop()
        report = self._swap(step.inverse().pairs)
        report.step = step
        report.undo = True
        self._redo.append(step)
        self._notify(report)
        return report

    def redo(self) -> ChangeReport | None:
        if not self._redo:
            return None
        if self.read_only:
            raise ReadOnlyError("read-only: nothing is redone")
        step = self._redo.pop()
        report = self._swap(step.pairs)
        report.step = step
        report.redo = True
        self._undo.append(step)
        self._notify(report)
        return report

    def _notify(self, report: ChangeReport) -> None:
        for listener in list(self.listeners):
            listener(report)

    # -- queries ----------------------------------------------------------------
    def marks_at(self, offset: int) -> list[Mark]:
        return self.marks.at(offset)

    def annotation_at(self, offset: int, kinds: tuple[type, ...] | None = None) -> Annotation | None:
        """The innermost annotation covering ``offset`` (rejected ones last)."""
        best = None
        for mark in self.marks.at(offset):
            ann = self.aset.get(mark.ann_id)
            if ann is None or (kinds and not isinstance(ann, kinds)):
                continue
            if ann.status != REJECTED:
                return ann
            best = best or ann
        return best

    def entity_with_span(self, start: int, end: int, label: str | None = None) -> Entity | None:
        for mark in self.marks.overlapping(start, end):
            if mark.start == start and mark.end == end and mark.kind == "entity":
                ent = self.aset.entities.get(mark.ann_id)
                if ent is not None and len(ent.fragments) == 1 and (label is None or ent.label == label):
                    return ent
        return None

    def counts(self) -> dict[str, int]:
        """Accepted entities per label, in schema order, then others."""
        out: dict[str, int] = {name: self._labels[name] for name in self.schema.entity_names}
        for label, n in sorted(self._labels.items()):
            if label not in out and n:
                out[label] = n
        return out

    def status_counts(self) -> dict[str, int]:
        return {status: self._statuses[status] for status in (ACCEPTED, SUGGESTED, REJECTED)}

    # -- entity operations ----------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        return Span.of(self.text, start, end)

    def add_entity(self, label: str, start: int, end: int) -> Entity | None:
        """Tag [start, end) with label. Tagging a span already tagged the same is a no-op."""
        if not (0 <= start < end <= len(self.text)):
            raise ValueError("empty or out-of-range span")
        same = self.entity_with_span(start, end, label)
        if same is not None:
            if same.status != ACCEPTED:
                self.set_status(same.id, ACCEPTED)
                return self.aset.entities[same.id]
            return same
        ent = Entity(self.next_id(Entity), label, self.span(start, end), by=self.user)
        self.apply(f"tag {label}", [(None, ent)])
        return ent

    def relabel(self, ann_id: str, label: str) -> None:
        ent = self.aset.entities[ann_id]
        new = with_label(ent, label)  # (a suggestion keeps the label it was suggested with)
        if ent.status == SUGGESTED:
            new = with_status(new, ACCEPTED, self.user)
        self.edit(f"relabel {ann_id} as {label}", [(ent, new)])

    def set_status(self, ann_id: str, status: str) -> ChangeReport | None:
        """Accept or reject a suggestion (its suggested parts follow it)."""
        ann = self.aset.get(ann_id)
        if ann is None:
            return None
        pairs: list[Pair] = [(ann, with_status(ann, status, self.user))]
        if status == ACCEPTED:
            for ref in self._part_refs(ann):
                part = self.aset.get(ref)
                if part is not None and part.status == SUGGESTED:
                    pairs.append((part, with_status(part, ACCEPTED, self.user)))
        # (rejecting it: what accepted links to it loses that link, in apply)
        verb = "accept" if status == ACCEPTED else "reject" if status == REJECTED else status
        return self.edit(f"{verb} {ann_id}", pairs)

    def _part_refs(self, ann: Annotation) -> list[str]:
        if isinstance(ann, Event):
            return [a.ref for a in ann.arguments]
        if isinstance(ann, Attribution) and isinstance(ann.source, Ref):
            return [ann.source.ref]
        if isinstance(ann, Relation):
            return [ann.arg1, ann.arg2]
        return []

    def delete(self, ann_id: str) -> ChangeReport | None:
        """Delete one annotation. Links to it are removed; what holds them stays.

        A suggestion is rejected instead (kept for audits)."""
        ann = self.aset.get(ann_id)
        if ann is None:
            return None
        if ann.status == SUGGESTED:
            return self.set_status(ann_id, REJECTED)
        pairs: list[Pair] = [(ann, None)]
        notes: list[str] = []
        for other in self.aset.referrers(ann_id):
            if isinstance(other, Event):
                args = tuple(a for a in other.arguments if a.ref != ann_id)
                pairs.append((other, replace(other, arguments=args)))
                notes.append(f"argument of {other.id}")
            elif isinstance(other, Attribution):
                pairs.append((other, replace(other, source=None)))
                notes.append(f"source of {other.id}")
            elif isinstance(other, Relation):
                pairs.append((other, None))
                notes.append(f"relation {other.id}")
        note = f"deleted {ann_id}" + (f"; removed its link as {', '.join(notes)}" if notes else "")
        return self.edit(f"delete {ann_id}", pairs, note)

    # -- events, attributions, relations -----------------------------------------
    def add_event(self, event_type: str, start: int, end: int) -> Event:
        ev = Event(self.next_id(Event), event_type, self.span(start, end), by=self.user)
        self.apply(f"event {event_type}", [(None, ev)])
        return ev

    def set_event_type(self, ev_id: str, event_type: str) -> list[Argument]:
        """Retype the event, as one undo step. Arguments in roles the new type does
        not have are taken off (a file holding them would not load again); they are
        returned, and undo brings them back with the old type."""
        ev = self.aset.events[ev_id]
        known = self.schema.has_event(event_type)
        kept = tuple(a for a in ev.arguments if not known or self.schema.has_role(event_type, a.role))
        dropped = [a for a in ev.arguments if a not in kept]
        self.edit(f"retype {ev_id}", [(ev, with_label(ev, event_type, arguments=kept))])
        return dropped

    def set_argument(self, ev_id: str, role: str, ref: str) -> None:
        """Make ``ref`` play ``role`` in the event (replacing its earlier role)."""
        ev = self.aset.events[ev_id]
        args = tuple(a for a in ev.arguments if a.ref != ref) + (Argument(role, ref),)
        self.edit(f"{role} of {ev_id}", [(ev, replace(ev, arguments=args))])

    def add_argument_entity(self, ev_id: str, role: str, label: str, start: int, end: int) -> Entity:
        """Tag a new entity and make it an argument of the event, as one undo step."""
        ev = self.aset.events[ev_id]
        existing = self.entity_with_span(start, end, label)
        if existing is not None and existing.status == ACCEPTED:
            self.set_argument(ev_id, role, existing.id)
            return existing
        ent = Entity(self.next_id(Entity), label, self.span(start, end), by=self.user)
        args = ev.arguments + (Argument(role, ent.id),)
        self.edit(f"{label} as {role} of {ev_id}", [(None, ent), (ev, replace(ev, arguments=args))])
        return ent

    def remove_argument(self, ev_id: str, ref: str) -> None:
        ev = self.aset.events[ev_id]
        args = tuple(a for a in ev.arguments if a.ref != ref)
        self.edit(f"unlink {ref} from {ev_id}", [(ev, replace(ev, arguments=args))])

    def add_attribution(
        self,
        source: Ref | Span | None,
        cue: Span | None,
        content: Span | None,
        type_: str | None = None,
    ) -> Attribution:
        at = Attribution(self.next_id(Attribution), source, cue, content, type_, by=self.user)
        self.apply("attribution", [(None, at)])
        return at

    def update_attribution(self, at_id: str, **parts) -> None:
        at = self.aset.attributions[at_id]
        if "type" in parts:  # (a suggested attribution keeps the type it was suggested with)
            new = with_label(at, parts.pop("type"), **parts)
        else:
            new = replace(at, **parts)
        self.edit(f"edit {at_id}", [(at, new)])

    def add_relation(self, rel_type: str, arg1: str, arg2: str) -> Relation:
        declared = self.schema.relation_types if self.schema is not None else ()
        if declared and rel_type not in declared:  # (the file would not open again)
            raise ValueError(f"relation type {rel_type!r} is not in the schema ({', '.join(declared)})")
        rel = Relation(self.next_id(Relation), rel_type, arg1, arg2, by=self.user)
        self.apply(f"relation {rel_type}", [(None, rel)])
        return rel

    def set_attrs(self, ann_id: str, attrs: dict, label: str) -> ChangeReport | None:
        """Replace an annotation's attrs (attributes, links, note): one undo step."""
        ann = self.aset.get(ann_id)
        if ann is None:
            return None
        return self.edit(label, [(ann, replace(ann, attrs=attrs))])

    def add_many(self, label: str, anns: Iterable[Annotation]) -> ChangeReport | None:
        """Add several annotations as one undo step (suggestions from a worker).

        The cyclic garbage collector is paused meanwhile: the step, its journal
        record and the listeners make some 100,000 small objects and no cycles,
        and the collector would walk the whole open set again and again for
        nothing (0.05 s of a worker's 42,000 suggestions on 1 MB)."""
        with paused():
            return self.apply(label, [(None, a) for a in anns])

    # -- saving -----------------------------------------------------------------
    def snapshot(self) -> tuple[int, AnnotationSet]:
        """A cheap copy to serialise off the UI thread (annotations are immutable);
        ``workspace.Workspace.write`` writes it."""
        return self.version, self.aset.copy()

    def mark_unsaved(self) -> None:
        """The set differs from the file without a step (journal replayed, spans
        re-anchored): bump the version so that the next save writes it."""
        self.version += 1

    def mark_saved(self, version: int) -> None:
        """Record that the snapshot of ``version`` reached the disk."""
        if version > self.saved_version:
            self.saved_version = version
