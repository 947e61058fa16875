"""Moving through the article in the app: suggestions in review (``tab``, ``y``),
annotations (``]``, ``[``), find (``/``, ``n``, ``N``) and ``esc``.

A mixin of ``AnnotatorApp``: it reads the app's session, view and status line and
changes annotations only through the session (``Session.set_status``: one undo
step, journaled). The find bar's messages are taken in ``app.py`` (Textual's
``@on`` handlers are collected from the App's own class, not from a plain mixin)
and handed to ``find_submitted`` and ``_close_find`` here.
"""

from __future__ import annotations

from ..model import ACCEPTED, SUGGESTED, Entity, is_candidate


class NavigationMixin:
    # -- actions: review (suggestions) ------------------------------------------------------
    def _review_target(self):
        """The suggestion tab went to, while the cursor is still on it.

        Several annotations may cover one token (a suggested trigger inside an
        accepted entity); the one tab landed on is the one y, x and digits decide."""
        mark = self._review
        if mark is None:
            return None
        ann = self.session.get(mark.ann_id)
        s, e = self.view.cursor_token
        if ann is None or ann.status != SUGGESTED or not (mark.start < max(e, s + 1) and s < mark.end):
            return None
        return ann

    def _position_of(self, ann) -> tuple[int, int, str] | None:
        marks = self.session.marks.of(ann.id)
        if not marks:
            return None
        first = min(marks)
        return (first.start, first.end, first.ann_id)

    def _goto_suggestion(self, forward: bool, after=None) -> None:
        """Go to the next (or previous) pending suggestion in reading order.

        ``after`` is the (start, end, id) to continue from: the suggestion just
        decided, or the one under review; else the cursor."""
        marks = self.session.marks
        if after is None:
            current = self._review_target()
            after = self._position_of(current) if current is not None else None
        skip = after[2] if after else None
        key = after or ((self.view.cursor, -1, "") if forward else (self.view.cursor, 1 << 62, ""))

        def pending(m) -> bool:
            return m.status == SUGGESTED and m.ann_id != skip

        # status=: the index looks at suggestions only (a pred alone would see every mark)
        if forward:
            mark = marks.next_start(key[0] - 1, pred=lambda m: pending(m) and (m.start, m.end, m.ann_id) > key,
                                    status=SUGGESTED)
            mark = mark or marks.next_start(-1, pred=pending, status=SUGGESTED)
        else:
            mark = marks.prev_start(key[0] + 1, pred=lambda m: pending(m) and (m.start, m.end, m.ann_id) < key,
                                    status=SUGGESTED)
            mark = mark or marks.prev_start(len(self.session.text) + 1, pred=pending, status=SUGGESTED)
        if mark is None:
            self._review = None
            self.say("no pending suggestions: review done")
            return
        self._review = mark
        self.view.move_to(mark.start)
        self._side_key = None
        self.refresh_side()

    def action_next_suggestion(self) -> None:
        self._goto_suggestion(True)

    def action_prev_suggestion(self) -> None:
        self._goto_suggestion(False)

    def action_accept(self) -> None:
        ann = self.current_annotation()
        if ann is None or ann.status != SUGGESTED:
            self.say("no suggestion under the cursor")
            return
        where = self._position_of(ann)
        if is_candidate(ann):
            self.accept_merge_version(ann)
            return
        self.session.set_status(ann.id, ACCEPTED)
        self._goto_suggestion(True, after=where)

    def accept_merge_version(self, ann, as_label: str | None = None) -> None:
        """One side of a merge conflict (or one annotator's version, of `annotator
        merge`) accepted, relabelled first with ``as_label`` (a label key), its
        alternatives rejected, in one step, as `audit --view` does; on to the next."""
        from ..adjudication_changes import accept_candidate  # (the audit's: not at startup)

        where = self._position_of(ann)
        label, pairs = accept_candidate(self.session.aset, ann.id, self.user, as_label)
        self.session.edit(label, pairs)
        self._goto_suggestion(True, after=where)
        self.say(label + ("; no pending suggestions: review done" if self._review is None else ""))

    def _advance_if_reviewing(self, ent: Entity, where=None) -> None:
        if ent.status == SUGGESTED:
            self._goto_suggestion(True, after=where)

    # -- actions: navigation --------------------------------------------------------------------
    def action_next_annotation(self) -> None:
        mark = self.session.marks.next_start(self.view.cursor)
        if mark is None:
            self.say("no annotation after the cursor")
            return
        self.view.move_to(mark.start)

    def action_prev_annotation(self) -> None:
        mark = self.session.marks.prev_start(self.view.cursor)
        if mark is None:
            self.say("no annotation before the cursor")
            return
        self.view.move_to(mark.start)

    async def action_find(self) -> None:
        bar = self.find_bar
        if not bar.is_attached:
            # into its slot (see AnnotatorApp.compose); the key gate (tui.keygate)
            # holds the next key until it is mounted
            await self.query_one("#find-slot").mount(bar)
        bar.display = True
        bar.value = ""
        self.screen.set_focus(bar)  # now, not after a callback: the next key goes to it

    def find_submitted(self, query: str) -> None:
        """enter in the find bar: close it, go to the first match after the cursor."""
        self._close_find()
        if query:
            self.last_query = query
            self._find(forward=True, from_offset=self.view.cursor)

    def _close_find(self) -> None:
        bar = self.find_bar
        bar.display = False
        self.screen.set_focus(self.view)

    def _find(self, *, forward: bool, from_offset: int) -> None:
        query = self.last_query
        if not query:
            self.say(f"nothing to find: press {self.key_for('find')} first")
            return
        text = self.session.text
        # Smart case: a query with capitals is matched exactly.
        hay, needle = (text, query) if any(c.isupper() for c in query) else (text.lower(), query.lower())
        if len(hay) != len(text):  # lower() changed lengths (rare scripts): fall back to exact
            hay, needle = text, query
        if forward:
            i = hay.find(needle, from_offset)
            if i < 0:
                i = hay.find(needle)
                wrapped = i >= 0
            else:
                wrapped = False
        else:
            i = hay.rfind(needle, 0, max(0, from_offset))
            if i < 0:
                i = hay.rfind(needle)
                wrapped = i >= 0
            else:
                wrapped = False
        if i < 0:
            self.say(f"not found: {query}")
            return
        view = self.view
        if view.extending:
            # A find while selecting (v, or a match grown by shift+arrows, ``)``,
            # ``}``) extends the selection to the match's end; otherwise the match
            # becomes the selection (a previous match's is replaced).
            view.move_to(i + len(needle) - 1, extend=True)
        else:
            view.select(i, i + len(needle))
        self.say(f"found {query!r}" + (" (wrapped)" if wrapped else ""))

    def action_find_next(self) -> None:
        view = self.view
        sel = view.selection
        start = (sel[0] + 1) if sel else view.cursor + 1
        self._find(forward=True, from_offset=start)

    def action_find_prev(self) -> None:
        view = self.view
        sel = view.selection
        start = sel[0] if sel else view.cursor
        self._find(forward=False, from_offset=start)

    def action_cancel(self) -> None:
        """Esc: drop the selection first; with none, cancel the step in progress."""
        view = self.view
        if view.selection is not None:
            view.clear_selection()
            self.say("selection cancelled" + (f"; {self.key_for('cancel')} again cancels the attribution" if self.draft else ""))
            return
        self.cancel_flow()
