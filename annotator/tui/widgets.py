"""The small widgets around the article: annotation list, details, status, find bar."""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from itertools import compress, repeat
from operator import attrgetter, is_not, itemgetter
from typing import TYPE_CHECKING, ClassVar, Iterable

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static
from .article_paint import SLOT_HUES
from .steady import PlainLines, SteadyScrollbars
from textual.content import Content

from ..model import (
    NO_ATTRS,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from ..pace import chunks, drop, joined, pause
from ..lazy import LOOK, names_from, noted_columns, noted_spans
from ..lost_marks import lost_of, lost_parts
from ..referrers import for_session
from ..schema import Schema

if TYPE_CHECKING:
    from ..session import Pair


def short(text: str, width: int) -> str:
    """One line of at most ``width`` characters, newlines shown as spaces."""
    text = text.replace("\r", "").replace("\n", " ").replace("\t", " ")
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def describe(ann: Annotation) -> tuple[str, str]:
    """(label, text) of an annotation for one list row."""
    if isinstance(ann, Entity):
        return ann.label, ann.text
    if isinstance(ann, Event):
        return ann.type, ann.trigger.text
    if isinstance(ann, Attribution):
        cue = ann.cue.text if ann.cue else "…"
        return "ATTR", cue + (" — " + ann.content.text if ann.content else "")
    if isinstance(ann, Relation):
        return ann.type, f"{ann.arg1} → {ann.arg2}"
    return "?", ""


def position(ann: Annotation) -> int:
    if isinstance(ann, Relation):
        return 1 << 60
    return ann.start


#: the list's row key of a relation (after every annotation on the article)
_RELATION_AT = 1 << 60
_ID = attrgetter("id")
_ATTRS = attrgetter("attrs")
_FIRST = itemgetter(0)
_LAST = itemgetter(-1)
_SECOND = itemgetter(1)
_FRAGMENTS = attrgetter("fragments")
#: annotations taken per C-level pass while the rows are made (in the loading
#: thread: between two passes the UI thread can take the interpreter)
_CHUNK = 5_000
#: a set of at most this many annotations: rows sorted in Python (numpy, whose
#: import costs a first frame 80 ms, is for big sets); a change of more rows than
#: ``_BULK`` at once makes the columns again in one pass instead of row by row
_SMALL = 2_000
_BULK = 256


def row_key(ann: Annotation) -> tuple[int, int, str]:
    """The list's key of an annotation: ``(start, end, id)``; a lost one first, a relation last."""
    if ann.attrs and lost_parts(ann):  # not on the article: listed first
        return (-1, 0, ann.id)
    return (position(ann), getattr(ann, "end", 0) if not isinstance(ann, Relation) else 0, ann.id)


def _chunks(items, size: int | None = None):
    return chunks(items, _CHUNK if size is None else size)  # (never the whole table as one list first: see pace)


class Rows:
    """The annotation list's rows, sorted by key ``(start, end, id)``, in columns.

    ``s`` and ``e`` (``array('q')``) hold each row's start and end, ``ids`` (a
    list) its annotation's id: 24 bytes a row, where a tuple a row and a dict by
    id took 51 MiB for 600,000 annotations. A row's key tuple is made only when it
    is asked for (``key``); a row is found by bisection of the columns. A lost
    annotation is listed first (start -1, end 0), a relation last (start 2**60,
    end 0), as ``row_key`` says.
    """

    __slots__ = ("s", "e", "ids")

    def __init__(self, s: array, e: array, ids: list[str]) -> None:
        self.s, self.e, self.ids = s, e, ids

    @classmethod
    def from_keys(cls, keys: list[tuple[int, int, str]]) -> "Rows":
        """Rows of keys sorted already."""
        return cls(array("q", map(_FIRST, keys)), array("q", map(_SECOND, keys)), list(map(itemgetter(2), keys)))

    def __len__(self) -> int:
        return len(self.ids)

    def key(self, row: int) -> tuple[int, int, str]:
        return (self.s[row], self.e[row], self.ids[row])

    def keys(self) -> list[tuple[int, int, str]]:
        """Every key, in order (for tests and small lists)."""
        return list(zip(self.s, self.e, self.ids))

    def lost_ids(self) -> set[str]:
        """The ids of the annotations with a lost span (listed first)."""
        return set(self.ids[: bisect_left(self.s, 0)])

    def find(self, key: tuple[int, int, str]) -> int:
        """Where ``key`` is or would go (``bisect_left`` on the keys)."""
        s, e, ann_id = key
        lo = bisect_left(self.s, s)
        hi = bisect_right(self.s, s, lo)
        if hi > lo:
            lo = bisect_left(self.e, e, lo, hi)  # (sorted by end among equal starts)
            hi = bisect_right(self.e, e, lo, hi)
            if hi > lo:
                return bisect_left(self.ids, ann_id, lo, hi)
        return lo

    def index(self, key: tuple[int, int, str]) -> int | None:
        """The row holding ``key``, or None."""
        i = self.find(key)
        if i < len(self.ids) and self.ids[i] == key[2] and self.s[i] == key[0] and self.e[i] == key[1]:
            return i
        return None

    def change(self, gone: list[int], new: list[tuple[int, int, str]]) -> None:
        """Drop the rows at ``gone`` and add the keys ``new``."""
        new = sorted(new)
        if len(gone) + len(new) > _BULK:
            self._change_all(gone, new)
            return
        for i in sorted(gone, reverse=True):
            del self.s[i], self.e[i], self.ids[i]
        for k in reversed(new):  # from the last: the places found stay right
            i = self.find(k)
            self.s.insert(i, k[0])
            self.e.insert(i, k[1])
            self.ids.insert(i, k[2])

    def _change_all(self, gone: list[int], new: list[tuple[int, int, str]]) -> None:
        """As ``change``, the columns made again from slices of the old ones (one
        pass, whatever the number of rows changed)."""
        s, e, ids = self.s, self.e, self.ids
        if gone:
            s2, e2, ids2 = array("q"), array("q"), []
            prev = 0
            for g in sorted(gone):
                s2 += s[prev:g]
                e2 += e[prev:g]
                ids2 += ids[prev:g]
                prev = g + 1
            s2 += s[prev:]
            e2 += e[prev:]
            ids2 += ids[prev:]
            self.s, self.e, self.ids = s, e, ids = s2, e2, ids2
        if new:
            at = [self.find(k) for k in new]  # in order: ``new`` is sorted
            s2, e2, ids2 = array("q"), array("q"), []
            prev = 0
            for i, k in zip(at, new):
                s2 += s[prev:i]
                e2 += e[prev:i]
                ids2 += ids[prev:i]
                s2.append(k[0])
                e2.append(k[1])
                ids2.append(k[2])
                prev = i
            s2 += s[prev:]
            e2 += e[prev:]
            ids2 += ids[prev:]
            self.s, self.e, self.ids = s2, e2, ids2

    @classmethod
    def of(cls, aset: AnnotationSet, entity_columns=LOOK) -> "Rows":
        """The rows of a set; a big one made in C-level passes a chunk at a time and
        sorted by numpy (which lets go of the interpreter while it sorts).
        ``entity_columns``: the entities' columns (``columns.of``; None for none),
        looked up by default."""
        if len(aset) <= _SMALL:
            return cls.from_keys(sorted(map(row_key, aset.all())))
        import numpy as np

        ss: list = []
        es: list = []
        idss: list = []

        def put(anns: list, starts, ends) -> None:
            n = len(anns)
            s = np.fromiter(starts, np.int64, n)
            e = np.fromiter(ends, np.int64, n)
            ids = list(map(_ID, anns))
            # lost spans are listed first (a test in Python for the few with attrs only)
            extra = np.flatnonzero(np.fromiter(map(is_not, map(_ATTRS, anns), repeat(NO_ATTRS)), bool, n))
            for i in extra.tolist():
                ann = anns[i]
                if ann.attrs and lost_parts(ann):
                    s[i], e[i] = -1, 0
            ss.append(s)
            es.append(e)
            idss.append(ids)

        cols = noted_columns(aset.entities, entity_columns)  # the entities just read from columns: those read, not the objects
        if cols is not None:
            for piece in cols.chunks("ids", "numbers"):  # (no lost span among them: see columns.of)
                s, e = piece.starts, piece.ends
                if piece.counts is not None:  # the first start and the last end of each
                    last = np.cumsum(piece.counts) - 1
                    s, e = s[last - piece.counts + 1], e[last]
                ss.append(s)
                es.append(e)
                idss.append(piece.ids)
            pause()
        spans = {id(t): noted_spans(t) for t in (aset.events, aset.attributions)}  # (their numbers as read: see columns)
        for noted in spans.values():
            if noted is None:
                continue
            # the first start and the last end of each one's own spans (0, 0 without any;
            # no lost span among them: the direct readers decline one)
            for a in range(0, len(noted), _CHUNK):
                objs, parts = noted.cut(a, a + _CHUNK)
                n = len(objs)
                lo = np.full(n, np.iinfo(np.int64).max, np.int64)
                hi = np.full(n, np.iinfo(np.int64).min, np.int64)
                for _, where, _, starts, ends, counts in parts:
                    if counts is not None:
                        last = np.cumsum(counts) - 1
                        starts, ends = starts[last - counts + 1], ends[last]
                    at = slice(None) if where is None else where
                    lo[at] = np.minimum(lo[at], starts)
                    hi[at] = np.maximum(hi[at], ends)
                none = hi < lo
                lo[none] = 0
                hi[none] = 0
                ss.append(lo)
                es.append(hi)
                idss.append(list(map(_ID, objs)))
                pause()
        for table, part in ((aset.entities, "span"), (aset.events, "trigger")):
            if cols is not None and table is aset.entities or spans.get(id(table)) is not None:
                continue
            get = attrgetter(part + ".fragments")
            for chunk in _chunks(table.values()):
                frags = list(map(get, chunk))
                put(chunk, map(_FIRST, map(_FIRST, frags)), map(_SECOND, map(_LAST, frags)))
                pause()
        for chunk in _chunks(aset.attributions.values()) if spans[id(aset.attributions)] is None else ():
            n = len(chunk)
            # the first start and the last end of its own spans (0, 0 without any)
            lo = np.full(n, np.iinfo(np.int64).max, np.int64)
            hi = np.full(n, np.iinfo(np.int64).min, np.int64)
            for name in ("source", "cue", "content"):
                parts = list(map(attrgetter(name), chunk))
                has = np.fromiter(map(isinstance, parts, repeat(Span)), bool, n)
                if has.any():
                    frags = list(map(_FRAGMENTS, compress(parts, has.tolist())))
                    k = len(frags)
                    at = np.flatnonzero(has)
                    lo[at] = np.minimum(lo[at], np.fromiter(map(_FIRST, map(_FIRST, frags)), np.int64, k))
                    hi[at] = np.maximum(hi[at], np.fromiter(map(_SECOND, map(_LAST, frags)), np.int64, k))
            none = hi < lo
            lo[none] = 0
            hi[none] = 0
            put(chunk, lo, hi)
            pause()
        rels = list(aset.relations.values())
        put(rels, repeat(_RELATION_AT, len(rels)), repeat(0, len(rels)))
        s, e = np.concatenate(ss), np.concatenate(es)
        ss.clear()  # (the parts: ``put`` still refers to the lists, not called again)
        es.clear()
        order = np.lexsort((e, s))  # numpy lets go of the interpreter while it sorts
        s, e = s[order], e[order]
        # the ids in that order, a chunk at a time (one C-level pass over 600,000
        # ids, an object array's take and tolist, held the interpreter 35 ms)
        # (from an object array: its take is C, where a list's __getitem__ is a call an id)
        unsorted = joined(idss, len(order))  # (one fromiter of 600,000 ids: 35 ms held)
        drop(idss)  # (emptied a piece at a time)
        ids: list = []
        for a in range(0, len(order), _CHUNK):
            ids += unsorted[order[a : a + _CHUNK]].tolist()
            pause()
        drop(unsorted)
        del unsorted
        # rows of equal (start, end) go by id: sorted in Python, run by run (few and short)
        same = np.flatnonzero((s[1:] == s[:-1]) & (e[1:] == e[:-1]))
        if len(same):
            starts = same[np.concatenate(([True], same[1:] != same[:-1] + 1))]
            ends = same[np.concatenate((same[1:] != same[:-1] + 1, [True]))] + 2
            for a, b in zip(starts.tolist(), ends.tolist()):
                ids[a:b] = sorted(ids[a:b])
        return cls(_column(s), _column(e), ids)


def _column(values) -> array:
    """An int64 numpy array as an ``array('q')`` (one copy of its bytes), ``_CHUNK``
    numbers a C-level call with a ``pause()`` between two (the 600,000 of a big
    article at once: two copies of 4.8 MB into new memory, 5-7 ms held)."""
    out = array("q")
    for a in range(0, len(values), _CHUNK):
        if a:
            pause()
        out.frombytes(values[a : a + _CHUNK].tobytes())
    return out


class AnnotationList(PlainLines, SteadyScrollbars, ScrollView, can_focus=False):
    """Every annotation of the article, by position, one row each (Line API).

    Rows are rendered on demand, so 50,000 annotations cost nothing until seen;
    their keys are in columns (``Rows``).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-list--current",
        "annotation-list--suggested",
        "annotation-list--rejected",
        "annotation-list--id",
        "annotation-list--lost",
        "annotation-list--slot-0",  # a label with no colour slot (the theme's text colour)
    }

    #: the label colours of slots 1-9 (the article's hues, ``article_paint.SLOT_HUES``): each is the
    #: list's own style with that colour, as a rule ``color: #hex`` on a component
    #: class gave (tests/test_first_frame.py); not component classes, which Textual
    #: styled one by one before the first frame (~2 ms with their rules' parsing)
    SLOT_COLOURS: ClassVar[tuple[str, ...]] = SLOT_HUES

    class Picked(Message):
        """A row was clicked."""

        def __init__(self, ann_id: str) -> None:
            self.ann_id = ann_id
            super().__init__()

    def __init__(self, aset: AnnotationSet, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.aset = aset
        self.schema = schema
        self._rows: Rows
        self.current: str | None = None
        self._cache: LRUCache[tuple, Strip] = LRUCache(256)
        self._style_check = True
        self._painted_with: tuple | None = None
        self._base_style = Style()
        #: the label's style of each slot, 0-9 (see ``_check_styles``)
        self._slot_styles: list[Style] = []
        self.reload()

    _key = staticmethod(row_key)

    @classmethod
    def rows_of(cls, aset: AnnotationSet, entity_columns=LOOK) -> Rows:
        """The list's rows for a set (pure: may run in a thread, see ``reload``);
        ``entity_columns``: as ``Rows.of``'s."""
        return Rows.of(aset, entity_columns)

    def reload(self, rows: Rows | None = None) -> None:
        """Rebuild the rows from ``aset`` (or take ``rows_of(aset)`` made already)."""
        self._rows = rows if rows is not None else self.rows_of(self.aset)
        self._cache.clear()
        self.set_document_size(Size(0, len(self._rows)))  # (no width: the rows are cut to the view)
        self.refresh()

    def key_at(self, row: int) -> tuple[int, int, str]:
        """The key ``(start, end, id)`` of a row."""
        return self._rows.key(row)

    def keys(self) -> list[tuple[int, int, str]]:
        """Every row's key, in order."""
        return self._rows.keys()

    def update_ids(self, ids: Iterable[str], versions: Iterable[Pair] | None = None) -> None:
        """The annotations ``ids`` changed (added, changed, removed) in ``aset``.

        ``versions``: the change's (before, after) pairs, which hold every version
        of them the list may show (its rows are found at their keys); without
        them a row is looked for by its id among them all."""
        rows = self._rows
        seen: dict[str, list[Annotation]] | None = None
        if versions is not None:
            seen = {}
            for pair in versions:
                for ann in pair:
                    if ann is not None:
                        seen.setdefault(ann.id, []).append(ann)
        gone: list[int] = []
        new: list[tuple[int, int, str]] = []
        for ann_id in ids:
            old = None
            if seen is not None:
                for version in seen.get(ann_id, ()):
                    old = rows.index(self._key(version))
                    if old is not None:
                        break
            else:
                try:
                    old = rows.ids.index(ann_id)
                except ValueError:
                    old = None
            ann = self.aset.get(ann_id)
            key = self._key(ann) if ann is not None else None
            if old is not None and key is not None and rows.key(old) == key:
                continue  # same place (a status or a label changed)
            if old is not None:
                gone.append(old)
            if key is not None:
                new.append(key)
        rows.change(gone, new)
        self._cache.clear()
        self.set_document_size(Size(0, len(rows)))
        self.refresh()

    def row_of(self, ann_id: str) -> int | None:
        ann = self.aset.get(ann_id)
        if ann is None:
            return None
        return self._rows.index(self._key(ann))

    def show(self, ann_id: str | None) -> None:
        """Mark the current annotation and scroll it into view."""
        if ann_id == self.current:
            return
        old = self.row_of(self.current) if self.current else None
        self.current = ann_id  # cached rows are keyed by "is current": no cache to clear
        if old is not None:
            self.refresh_line(old)
        row = self.row_of(ann_id) if ann_id else None
        if row is not None:
            self.refresh_line(row)
            top = self.scroll_offset.y
            height = self.scrollable_content_region.height
            if row < top or row >= top + height:
                self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # called on every focus change: the next paint keeps the rows unless a style changed
        self._style_check = True

    def _check_styles(self) -> None:
        self._style_check = False
        sig = (self.rich_style, *(self.get_component_rich_style(n) for n in sorted(self.COMPONENT_CLASSES)))
        base = self._base_style = sig[0]  # (rich_style walks the ancestors: once per check, not per row)
        if sig != self._painted_with:
            self._painted_with = sig
            self._cache.clear()
            self._slot_styles = [
                self.get_component_rich_style("annotation-list--slot-0"),
                *(base + Style(color=Color.parse(hex_).rich_color) for hex_ in self.SLOT_COLOURS),
            ]

    #: the rows' width while a frame is rendered (``render_lines``): asked once, not
    #: per row (the scrollbar's gutter is worked out from the styles each time)
    _row_width: int | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._row_width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._row_width = None

    def render_line(self, y: int) -> Strip:
        if self._style_check:
            self._check_styles()
        row = self.scroll_offset.y + y
        width = self._row_width if self._row_width is not None else self.scrollable_content_region.width
        base = self._base_style
        if row >= len(self._rows) or width <= 0:
            return Strip.blank(width, base)
        key = self._rows.key(row)
        cache_key = (key, width, key[2] == self.current)
        strip = self._cache.get(cache_key)
        if strip is not None:
            return strip
        ann = self.aset.get(key[2])
        if ann is None:
            return Strip.blank(width, base)
        label, text = describe(ann)
        slot = self.schema.slot(label) if isinstance(ann, Entity) else 0
        id_style = self.get_component_rich_style("annotation-list--id")
        label_style = self._slot_styles[slot]
        text_style = base
        if ann.status == SUGGESTED:
            text_style = self.get_component_rich_style("annotation-list--suggested")
        elif ann.status == REJECTED:
            text_style = self.get_component_rich_style("annotation-list--rejected")
        mark = {SUGGESTED: "?", REJECTED: "✗"}.get(ann.status, " ")
        if key[0] < 0:  # lost: its old text, never its old place
            mark = "!"
            text = "LOST " + " / ".join(repr(x.text) for x in lost_of(ann))
            text_style = self.get_component_rich_style("annotation-list--lost")
        head = f"{ann.id:>6}{mark}"
        lab = f"{short(label, 17):<9} "
        rest = max(0, width - len(head) - len(lab))
        segments = [
            Segment(head, id_style),
            Segment(lab, label_style),
            Segment(short(text, rest), text_style),
        ]
        strip = Strip(segments).crop_extend(0, width, base)
        if key[2] == self.current:
            strip = strip.apply_style(self.get_component_rich_style("annotation-list--current", partial=True))
        self._cache[cache_key] = strip
        return strip

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < len(self._rows):
            self.post_message(self.Picked(self._rows.ids[row]))


class DetailPanel(Static):
    """Details of the annotation under the cursor (plain text: no markup)."""

    _shown: str | None = None

    def show(self, session, ann: Annotation | None, active_event: str | None = None) -> None:
        index = for_session(session) if ann is not None else None
        text = details(
            session.aset, ann, active_event, getattr(session, "schema", None), index.of if index is not None else None,
            estimates=getattr(self.app, "rule_estimates", None), keys=getattr(self.app, "key_for", None),
        )
        if text != self._shown:
            self._shown = text
            self.update(Content(text), layout=False)


#: the keys the side panel's hints name, without a keymap
_DEFAULT_KEYS = {"reattach_lost": "L", "delete": "x"}


def _span_text(part) -> str:
    if isinstance(part, Span):
        return f"{part.text!r} [{part.start}:{part.end}]"
    return "—"


def details(
    aset: AnnotationSet,
    ann: Annotation | None,
    active_event: str | None = None,
    schema: Schema | None = None,
    referrers=None,
    estimates=None,
    keys=None,
) -> str:
    """The side panel's text. ``referrers``: a faster ``aset.referrers`` (a ReferrerIndex's ``of``);
    ``estimates``: each rule's precision (``suggest.precision``), shown beside a suggestion;
    ``keys``: binding id -> the key its hints name (the app's ``key_for``; else the default keys)."""
    from ..attributes import lines as attribute_lines

    lines: list[str] = []
    if ann is None:
        lines.append("(no annotation under the cursor)")
    elif isinstance(ann, Entity):
        frags = "; ".join(f"{s}:{e}" for s, e in ann.fragments)
        lines += [f"{ann.id}  {ann.label}", f"text   {ann.text!r}", f"offsets {frags}"]
    elif isinstance(ann, Event):
        lines += [f"{ann.id}  event {ann.type}", f"trigger {_span_text(ann.trigger)}"]
        for arg in ann.arguments:
            ref = aset.get(arg.ref)
            txt = describe(ref)[1] if ref else "(missing)"
            lines.append(f"  {arg.role}: {arg.ref} {txt!r}")
    elif isinstance(ann, Attribution):
        if isinstance(ann.source, Ref):
            ref = aset.get(ann.source.ref)
            src = f"{ann.source.ref} {describe(ref)[1]!r}" if ref else ann.source.ref
        else:
            src = _span_text(ann.source)
        lines += [
            f"{ann.id}  attribution{' (' + ann.type + ')' if ann.type else ''}",
            f"source  {src}",
            f"cue     {_span_text(ann.cue)}",
            f"content {_span_text(ann.content)}",
        ]
    elif isinstance(ann, Relation):
        lines += [f"{ann.id}  relation {ann.type}", f"{ann.arg1} → {ann.arg2}"]
    if ann is not None and ann.attrs.get("lost"):
        for x in lost_of(ann):
            part = "" if x.part == "span" else f" {x.part}"
            lines.append(f"LOST{part} {x.text!r}: not found in the changed article, not shown on it")
        key = keys or _DEFAULT_KEYS.__getitem__
        lines.append(f"select its text and press {key('reattach_lost')} to re-attach it; {key('delete')} deletes it")
    if ann is not None:
        status = ann.status + (f" by {ann.by}" if ann.by else "")
        if ann.suggested_by and ann.suggested_by != ann.by:
            status += f" (suggested by {ann.suggested_by})"
        if ann.score is not None:
            status += f" score {ann.score:g}"
        lines.append(status)
        if estimates and ann.status == SUGGESTED:
            from ..suggest.precision import is_suggester, rule_of

            rule = rule_of(ann)
            est = estimates.get(rule) if is_suggester(rule) else None  # (not a teammate's name)
            if est is not None:
                lines.append(f"rule precision {est.describe()}")
        lines += attribute_lines(ann, schema)  # attributes, links, note (i edits them)
        for other in (referrers or aset.referrers)(ann.id):
            if isinstance(other, Relation):
                lines.append(f"relation {other.id}: {other.arg1} {other.type} {other.arg2}")
                lines += [f"  {line}" for line in attribute_lines(other, schema)]
            elif isinstance(other, Event):
                roles = ", ".join(a.role for a in other.arguments if a.ref == ann.id)
                lines.append(f"{roles} of {other.id} {other.type}")
            else:
                lines.append(f"source of {other.id}")
    if active_event:
        lines.append(f"active event: {active_event}")
    return "\n".join(lines)


class StatusLine(Static):
    """Article, counts per label, review counts, and whether the work is saved.

    ``show(head, counts, state, message)`` fits the line to the widget's width
    (``fit_status``): what matters most, the state (lost spans, saved or not)
    and the latest message, stays whole as long as the width allows; the
    counts and the article's name give way first. A big article's counts alone
    fill 120 columns, and on 60 or 80 columns the name and the counts pushed
    "[saved]" and every message off the line's end."""

    _parts: tuple[str, str, str, str] | None = None
    #: the line as last fitted (a resize to the width it was fitted to repaints nothing)
    _fitted: str | None = None

    def show(self, head: str, counts: str, state: str, message: str = "") -> None:
        self._parts = (head, counts, state, message)
        self._fit()

    def _fit(self) -> None:
        width = self.size.width or (self.app.size.width if self.is_attached else 0)
        line = fit_status(*self._parts, width)
        if line != self._fitted:
            self._fitted = line
            self.update(line, layout=False)

    def on_resize(self) -> None:
        if self._parts is not None:
            self._fit()


#: the counts are cut to no less than this (cells) before the article's name is cut
MIN_COUNTS = 24
#: the head (the article's name) is cut to no less than this (cells) before the counts go
MIN_HEAD = 16


def _cut(part: str, cells: int) -> str:
    """``part`` in at most ``cells`` cells: its end cut off, with an ellipsis
    (its trailing blanks, the gap to the next part, kept); nothing when too
    little would be left to read."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(part) <= cells:
        return part
    body = part.rstrip(" ")
    gap = part[len(body):]
    room = cells - cell_len(gap) - 1
    if room < 2 or not body.strip():
        return ""
    return set_cell_size(body, room).rstrip(" ") + "…" + gap


def fit_status(head: str, counts: str, state: str, message: str, width: int) -> str:
    """The status line in ``width`` cells (see StatusLine); unchanged when it fits
    or when the width is not known yet (0).

    What gives way, in order, each only as far as the line is still too wide:
    the counts (to MIN_COUNTS cells), the head (to MIN_HEAD), the counts (all of
    them), the head (all of it), then the message, and the state last."""
    from rich.cells import cell_len

    parts = [head, counts, state, message]
    over = cell_len("".join(parts)) - width
    if width <= 0 or over <= 0:
        return "".join(parts)
    # (part, the fewest cells it keeps at this step)
    for i, floor in ((1, MIN_COUNTS), (0, MIN_HEAD), (1, 0), (0, 0), (3, 0), (2, 0)):
        have = cell_len(parts[i])
        keep = max(min(have, floor), have - over)
        if keep < have:
            parts[i] = _cut(parts[i], keep)
            over -= have - cell_len(parts[i])
        if over <= 0:
            break
    return "".join(parts)


class FindCancelled(Message):
    """The find prompt (``inputs.FindBar``) was cancelled (escape)."""


# The inputs (the find prompt, the pickers' lines) live in tui.inputs: the
# first frame shows none, and making their classes (Input's) was ~0.7 ms of it
__getattr__ = names_from(globals(), {"LineInput": "inputs", "FindBar": "inputs"})
