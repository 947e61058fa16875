"""The small widgets around the article: annotation list, details, status, find bar."""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import ClassVar, Iterable

from rich.segment import Segment
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static
from .steady import SteadyScrollbars
from textual.content import Content

from ..model import (
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
from ..reanchor import lost_of, lost_parts
from ..referrers import for_session
from ..schema import Schema


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


class AnnotationList(SteadyScrollbars, ScrollView, can_focus=False):
    """Every annotation of the article, by position, one row each (Line API).

    Rows are rendered on demand, so 50,000 annotations cost nothing until seen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-list--current",
        "annotation-list--suggested",
        "annotation-list--rejected",
        "annotation-list--id",
        "annotation-list--lost",
        *(f"annotation-list--slot-{i}" for i in range(10)),
    }

    class Picked(Message):
        """A row was clicked."""

        def __init__(self, ann_id: str) -> None:
            self.ann_id = ann_id
            super().__init__()

    def __init__(self, aset: AnnotationSet, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.aset = aset
        self.schema = schema
        self._keys: list[tuple[int, int, str]] = []
        self._key_of: dict[str, tuple[int, int, str]] = {}
        self.current: str | None = None
        self._cache: LRUCache[tuple, Strip] = LRUCache(256)
        self._style_check = True
        self._painted_with: tuple | None = None
        self.reload()

    @staticmethod
    def _key(ann: Annotation) -> tuple[int, int, str]:
        if ann.attrs and lost_parts(ann):  # not on the article: listed first
            return (-1, 0, ann.id)
        return (position(ann), getattr(ann, "end", 0) if not isinstance(ann, Relation) else 0, ann.id)

    @classmethod
    def rows_of(cls, aset: AnnotationSet) -> tuple[list, dict]:
        """The list's rows for a set (pure: may run in a thread, see ``reload``)."""
        keys = [cls._key(a) for a in aset.all()]
        keys.sort()
        return keys, {k[2]: k for k in keys}

    def reload(self, rows: tuple[list, dict] | None = None) -> None:
        """Rebuild the rows from ``aset`` (or take ``rows_of(aset)`` made already)."""
        self._keys, self._key_of = rows if rows is not None else self.rows_of(self.aset)
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self._keys))
        self.refresh()

    def update_ids(self, ids: Iterable[str]) -> None:
        for ann_id in ids:
            old = self._key_of.pop(ann_id, None)
            if old is not None:
                i = bisect_left(self._keys, old)
                if i < len(self._keys) and self._keys[i] == old:
                    del self._keys[i]
            ann = self.aset.get(ann_id)
            if ann is not None:
                key = self._key(ann)
                insort(self._keys, key)
                self._key_of[ann_id] = key
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self._keys))
        self.refresh()

    def row_of(self, ann_id: str) -> int | None:
        key = self._key_of.get(ann_id)
        if key is None:
            return None
        return bisect_left(self._keys, key)

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
        if sig != self._painted_with:
            self._painted_with = sig
            self._cache.clear()

    def render_line(self, y: int) -> Strip:
        if self._style_check:
            self._check_styles()
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self._keys) or width <= 0:
            return Strip.blank(width, base)
        key = self._keys[row]
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
        label_style = self.get_component_rich_style(f"annotation-list--slot-{slot}")
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
        if 0 <= row < len(self._keys):
            self.post_message(self.Picked(self._keys[row][2]))


class DetailPanel(Static):
    """Details of the annotation under the cursor (plain text: no markup)."""

    _shown: str | None = None

    def show(self, session, ann: Annotation | None, active_event: str | None = None) -> None:
        index = for_session(session) if ann is not None else None
        text = details(
            session.aset, ann, active_event, getattr(session, "schema", None), index.of if index is not None else None,
            estimates=getattr(self.app, "rule_estimates", None),
        )
        if text != self._shown:
            self._shown = text
            self.update(Content(text), layout=False)


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
) -> str:
    """The side panel's text. ``referrers``: a faster ``aset.referrers`` (a ReferrerIndex's ``of``);
    ``estimates``: each rule's precision (``suggest.precision``), shown beside a suggestion."""
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
        lines.append("select its text and press L to re-attach it; x deletes it")
    if ann is not None:
        status = ann.status + (f" by {ann.by}" if ann.by else "")
        if ann.suggested_by and ann.suggested_by != ann.by:
            status += f" (suggested by {ann.suggested_by})"
        if ann.score is not None:
            status += f" score {ann.score:g}"
        lines.append(status)
        if estimates and ann.status == SUGGESTED:
            from ..suggest.precision import rule_of

            est = estimates.get(rule_of(ann) or "")
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
    """Article, counts per label, review counts, and whether the work is saved."""


class LineInput(Input):
    """An Input whose typing repaints only itself.

    Textual's Input sets its ``virtual_size`` (a layout reactive) on every change
    of its value, so each keystroke lays out the whole screen again and repaints
    every widget under the input (the article, the side panel): 27 ms a key
    instead of 3. Its size never depends on its value (it is never ``width:
    auto`` here), so the layout is not needed: the virtual size still follows the
    value (horizontal scrolling of long text keeps working), without a layout."""

    virtual_size = Reactive(Size(0, 0), layout=False)


class FindBar(LineInput):
    """The `/` prompt. Enter finds; escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="find.cancel")]

    class Cancelled(Message):
        pass

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
