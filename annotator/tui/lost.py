"""Lost spans in the app: listed, counted, re-attached (`L`) or deleted (`x`).

A span is lost when the article changed and re-anchoring could not find it
again (``reanchor``): it keeps its old text and an old article's offsets, so it
is never painted (``marks.marks_of`` gives it no marks). The side list shows it
at the top, the status line counts the lost spans whenever the article is
open, and:

* ``L`` with no selection picks the next lost span (the details show its old
  text; ``x`` right then deletes it);
* ``L`` with a selection re-attaches the picked one (or the only one, or the
  one whose old text is the selected text; else a picker asks which) to the
  selected text.

Both go through ``Session.apply``: one undo step each, journaled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lost_marks import lost_of, lost_parts
from ..model import Annotation, Entity

if TYPE_CHECKING:
    from ..reanchor import Lost


def _id_key(ann_id: str) -> tuple:
    digits = ann_id[1:]
    return (ann_id[:1], int(digits) if digits.isdigit() else 0, ann_id)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _name(x: Lost) -> str:
    return x.id if x.part == "span" else f"{x.id} {x.part}"


class LostMixin:
    """The app's actions on lost spans (see the module docstring)."""

    #: the lost span ``L`` picked: (annotation id, part), and the cursor then
    _lost_pick: tuple[str, str] | None = None
    _lost_pick_at: int | None = None
    #: lost annotation ids of the session they were counted for (kept up to date per change)
    _lost_ids: set[str] = set()
    _lost_session = None

    # -- counting ---------------------------------------------------------------------
    def lost_ids(self) -> set[str]:
        """Ids of the annotations with a lost span (counted once per opened session)."""
        session = self.session
        if self._lost_session is not session:
            self._lost_session = session
            self._lost_ids = {ann.id for ann in session.aset.all() if ann.attrs and lost_parts(ann)}
            self._lost_pick = None
        return self._lost_ids

    def lost_changed(self, ids) -> None:
        """After a change: recount the annotations it touched."""
        lost = self.lost_ids()
        for ann_id in ids:
            ann = self.session.get(ann_id)
            if ann is not None and ann.attrs and lost_parts(ann):
                lost.add(ann_id)
            else:
                lost.discard(ann_id)
        if self._lost_pick is not None and self._lost_pick[0] not in lost:
            self._lost_pick = None

    def lost_status(self) -> str:
        """The status line's part: how many spans are lost (empty when none)."""
        n = len(self.lost_ids())
        return f"  LOST:{n}" if n else ""

    def lost_spans(self) -> list[Lost]:
        """Every lost span of the article, by annotation id."""
        out: list[Lost] = []
        for ann_id in sorted(self.lost_ids(), key=_id_key):
            ann = self.session.get(ann_id)
            if ann is not None:
                out.extend(lost_of(ann))
        return out

    def picked_lost(self) -> Annotation | None:
        """The lost annotation ``L`` just picked, while the cursor has not moved since."""
        pick = self._lost_pick
        if pick is None or self._lost_pick_at != self.view.cursor or self.view.selection is not None:
            return None
        ann = self.session.get(pick[0])
        return ann if ann is not None and pick[1] in lost_parts(ann) else None

    # -- the key ----------------------------------------------------------------------
    def action_lost(self) -> None:
        spans = self.lost_spans()
        if not spans:
            self._lost_pick = None
            self.say("no lost spans in this article")
            return
        sel = self.view.selection
        if sel is None:
            self._pick_next_lost(spans)
            return
        if self.session.read_only:
            self.say("read-only: nothing is re-attached")
            return
        chosen = self._lost_for_selection(spans, sel)
        if chosen is not None:
            self._reattach(chosen, sel)
            return
        text = _norm(self.session.text[sel[0] : sel[1]])
        ordered = sorted(spans, key=lambda x: _norm(x.text) != text)
        labels = {f"{_name(x)}  {x.text!r}": x for x in ordered}

        def picked(choice: str | None) -> None:
            if choice is not None and choice in labels:
                self._reattach(labels[choice], sel)

        self.pick(f"Re-attach which lost span to {self.session.text[sel[0]:sel[1]]!r}?", list(labels), then=picked)

    def pick_lost(self, ann_id: str) -> None:
        """Pick the (first) lost span of an annotation: a click on its row in the list."""
        spans = self.lost_spans()
        keys = [(x.id, x.part) for x in spans]
        i = next((k for k, key in enumerate(keys) if key[0] == ann_id), None)
        if i is not None:
            self._show_lost(spans, i)

    def _pick_next_lost(self, spans: list[Lost]) -> None:
        keys = [(x.id, x.part) for x in spans]
        i = (keys.index(self._lost_pick) + 1) % len(keys) if self._lost_pick in keys else 0
        self._show_lost(spans, i)

    def _show_lost(self, spans: list[Lost], i: int) -> None:
        keys = [(x.id, x.part) for x in spans]
        x = spans[i]
        self._lost_pick = keys[i]
        self._lost_pick_at = self.view.cursor
        self._side_key = None
        self.refresh_side()
        self.say(
            f"lost {i + 1}/{len(spans)}: {_name(x)} {x.text!r}: select its text and press {self.key_for('reattach_lost')} "
            f"to re-attach it, {self.key_for('delete')} deletes it"
        )

    def _lost_for_selection(self, spans: list[Lost], sel: tuple[int, int]) -> Lost | None:
        if self._lost_pick is not None:
            for x in spans:
                if (x.id, x.part) == self._lost_pick:
                    return x
        if len(spans) == 1:
            return spans[0]
        text = _norm(self.session.text[sel[0] : sel[1]])
        same = [x for x in spans if _norm(x.text) == text]
        return same[0] if len(same) == 1 else None

    def _reattach(self, x: Lost, sel: tuple[int, int]) -> None:
        session = self.session
        ann = session.get(x.id)
        if ann is None or x.part not in lost_parts(ann):
            self.say(f"{_name(x)} is no longer lost")
            return
        start, end = sel
        words = session.text[start:end]
        same = session.entity_with_span(start, end, ann.label) if isinstance(ann, Entity) else None
        if same is not None and same.id != ann.id:
            # That text is tagged so already: the lost one is that entity; its links move there.
            from ..adjudication import redirect_links  # the audit's modules: not at startup

            pairs = [(ann, None), *redirect_links(session.aset, ann.id, same.id)]
            session.edit(f"re-attach {ann.id} to {words!r}: it is {same.id}", pairs)
            done = f"{ann.id} is {same.id} ({same.label} {words!r}): merged into it"
        else:
            from ..reanchor import reattach  # (imported when a span is re-attached)

            session.edit(f"re-attach {_name(x)} to {words!r}", [(ann, reattach(ann, x.part, session.span(start, end)))])
            done = f"re-attached {_name(x)} to {words!r}"
        self._lost_pick = None
        self.view.clear_selection()
        self.view.move_to(start)
        left = len(self.lost_spans())
        self.say(done + (f"; {left} lost left" if left else "; none lost"))
