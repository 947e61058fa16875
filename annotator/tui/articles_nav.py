"""Moving between the articles of a folder: > and <, the corpus view, a jump from
the review queue; each through ``workspace.switch`` (the lock, the journal, the
save of the article left), an article that cannot be opened told and, with > and
<, passed over.

A mixin of ``AnnotatorApp`` (``tui.app``): it reads the app's ``articles``,
``index``, ``workspace``, ``session`` and ``saver``, and repaints through the
app's ``_make_view``, ``_attach``, ``_open`` and ``_saver_for``.
"""

from __future__ import annotations

from pathlib import Path

from textual.containers import Horizontal

from .. import workspace as workspaces
from ..errors import InputError, short_error


class ArticlesMixin:
    """The folder's articles, for ``AnnotatorApp``."""

    async def _switch(self, index: int, step: int = 0) -> None:
        """Save this article, open another: its lock first, then this one lets go
        (``workspace.switch`` keeps the order that loses no lock or journal).
        ``step`` (> and <: 1 or -1): an article that cannot be opened is told and
        passed over, the next one that way opened instead."""
        if not 0 <= index < len(self.articles):
            self.say("no more articles that way")
            return
        if index == self.index:
            return
        if not self.save_now():
            self.say("not saved: fix the problem before moving to another article")
            return
        old, old_saver = self.workspace, self.saver
        cursor = self.view.cursor
        skipped: list[str] = []
        while True:
            back = self._left.get(index)  # (its undo and redo, and cursor, when it was left before)
            try:
                ws = workspaces.switch(
                    old, self.articles[index], self.annotations_dir, self.schema, user=self.user,
                    locked=self.lock_files, history=back[0] if back else None,
                )
                break
            except InputError as err:
                if old.closed:  # the same file: reopen it
                    self.workspace = self._open(self.index, history=old.history)
                    self.session = self.workspace.session
                    self.saver = self._saver_for(self.workspace)
                    await self._show_session()
                    self.view.move_to(cursor)
                    old, old_saver = self.workspace, self.saver
                skipped.append(err.message)
                index += step
                if step and 0 <= index < len(self.articles) and index != self.index:
                    continue
                self.notify(err.message, severity="error", markup=False)
                self.say(err.message if len(skipped) == 1 else
                         f"no article that way can be opened ({len(skipped)} tried): {skipped[0]}")
                return
            except OSError as exc:
                self.say(f"not saved: {short_error(exc)}")
                return
        old_saver.stop()
        if self._on_session_change in old.session.listeners:
            old.session.listeners.remove(self._on_session_change)
        if old.history is not None:
            self._left[self.index] = (old.history, cursor)
        if ws.resumed is not None:  # taken back or dropped (read-only: kept for the next time)
            self._left.pop(index, None)
        self._attach(ws)
        self.index = index
        self.workspace = ws
        self.session = ws.session
        self.saver = self._saver_for(ws)
        await self._show_session()
        if back is not None and back[0].article == ws.session.aset.document.sha256:
            self.view.move_to(back[1])  # where it was left (the same text)
        self._show_notes(ws)
        self._tell_skipped(skipped)
        self.refresh_status()
        self.start_suggesting()
        self.estimates_opened()

    async def _show_session(self) -> None:
        """Put the open session on screen: a new article view, the list reloaded."""
        session = self.session
        self.active_event = None
        self.draft = None
        self.relation_from = None
        await self.view.remove()
        new = self._make_view()
        await self.query_one("#main", Horizontal).mount(new, before="#side")
        new.focus()
        lst = self.annotation_list
        lst.aset = session.aset
        lst.current = None
        lst.reload()
        self.message = ""
        self._side_key = None
        self._away = False
        self.refresh_side()
        self.refresh_status()

    async def action_next_article(self) -> None:
        await self._switch(self.index + 1, 1)

    async def action_prev_article(self) -> None:
        await self._switch(self.index - 1, -1)

    def action_corpus(self) -> None:
        """The corpus view: every article of the folder; enter there opens one."""
        from .corpus_screen import CorpusScreen

        async def opened(index: int | None) -> None:
            if index is not None and index != self.index:
                await self._switch(index)

        screen = CorpusScreen(
            self.articles, self.annotations_dir, self.schema, current=self.index, session=self.session
        )
        self.push_screen(screen, opened)

    def action_review_queue(self) -> None:
        """The review queue: one row per decision (same label and text), in this
        article or the folder; enter there jumps to the suggestion."""
        from .review_queue import ReviewQueueScreen

        async def chosen(where) -> None:
            self.refresh_side()
            if where is None:
                return
            article, offset = where
            index = [Path(a) for a in self.articles].index(Path(article))
            if index != self.index:
                await self._switch(index)
            self.view.move_to(offset)

        self.push_screen(ReviewQueueScreen(self), chosen)
