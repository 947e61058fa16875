"""The first article, opened in a thread: the app paints its text at once and
loads a big annotation file meanwhile (``workspace.Opening``).

While it loads, the thread and the UI share the interpreter: the interpreter's
switch interval is lowered (a key waits 0.25 ms for it, not 5) and the thread's
pieces give way while a key is handled (``pace``, ``KeyGateMixin.gate_give_way``).
Keys that only move the article's cursor or selection go on; the others wait
(``gate_holds``) until the annotations are in (``_opened``). The rest of a long
article's layout is made once they are in, not beside the load: the two would
share the interpreter, the load would take the layout's time and a key would
wait for both. Once the load and that layout are done, the switch interval is
what it was (``_settle_loading``), quitting mid-load too.
"""

from __future__ import annotations

import asyncio

from textual import events

from .article_view import ArticleView


class OpeningMixin:
    """Mixed into the app: the first article's loading (``self.opening``)."""

    #: the load shares the interpreter (``KeyGateMixin._share``) until it is settled
    _load_shares = False

    @property
    def loading(self) -> bool:
        """Are the first article's annotations still loading (keys that need them wait)?"""
        return self.opening is not None

    def _start_opening(self) -> None:
        opening = self.opening
        if opening is None or opening.running or opening.finished:
            return
        loop = asyncio.get_running_loop()

        def done() -> None:  # in the thread
            try:
                loop.call_soon_threadsafe(self._opened)
            except RuntimeError:
                pass  # the app is gone: on_unmount waits for the thread and closes what it opened

        if not self._load_shares:  # (until _settle_loading: the layout after the load too)
            self._load_shares = True
            self._share()
        opening.start(done)

    def _settle_loading(self) -> None:
        """The load and the layout after it are done (or the app is closing):
        the switch interval as it was, no more giving way (unless a save shares it)."""
        if self._load_shares:
            self._load_shares = False
            self._unshare()

    def _opened(self) -> None:
        """The thread is done (on the UI thread): show the annotations, or exit on a bad file."""
        opening = self.opening
        if opening is None or not opening.finished:
            return
        if self._exit_renderables or self.return_code is not None or not self.is_running:
            self._settle_loading()
            return  # quitting: on_unmount closes what it opened
        ws = opening.workspace
        if opening.error is not None:
            self._settle_loading()
            if ws is not None:
                ws.close(save=False)
            self.opening = None
            self.load_error = opening.error
            self.exit(2, return_code=2)
            return
        assert ws is not None
        self.opening = None
        placeholder = self.workspace
        self._attach(ws)
        self.workspace = ws
        self.session = ws.session
        old_saver, self.saver = self.saver, self._saver_for(ws)
        old_saver.stop()
        placeholder.close(save=False)
        view = self.view
        view.marks = ws.session.marks
        rows, lost, decided = opening.prepared  # type: ignore[misc]
        self._lost_session, self._lost_ids, self._lost_pick = ws.session, lost, None  # see LostMixin.lost_ids
        lst = self.annotation_list
        lst.aset = ws.session.aset
        lst.reload(rows)
        self._side_key = None
        self.refresh_side()
        self._show_notes(ws)
        self.refresh_status()
        self.gate_release()
        # the rest of a long article's layout, now that the load has the
        # interpreter no more (the switch interval stays low meanwhile); begun once
        # the frame that shows the annotations is out: begun before it, the layout's
        # thread shared the interpreter with that frame (on the 10 MB article the
        # status line said "loaded" 40-80 ms after this, 14-18 ms now)
        self.call_after_refresh(view.lay_out_rest, self._settle_loading)
        self.start_suggesting()
        self.start_estimating(decided)

    def _let_go_of_opening(self) -> None:
        """Closing (on_unmount): wait for the thread and close what it opened."""
        self._settle_loading()
        if self.opening is not None:  # quit while loading
            ws = self.opening.wait()
            if ws is not None:
                ws.close(save=False)

    def gate_holds(self, event) -> bool:
        """While the annotations load, a key waits unless it only moves the
        article's cursor or selection (the article view's own keys)."""
        if self.opening is None:
            return False
        if isinstance(event, events.Key) and any(
            b.action == "quit" for _node, bm in self.screen._binding_chain for b in bm.key_to_bindings.get(event.key, ())
        ):
            return False  # ctrl+q quits at once (on_unmount lets go of what the thread opened)
        if not isinstance(event, events.Key) or len(self.screen_stack) > 1:
            return True
        screen = self.screen
        if not isinstance(screen.focused, ArticleView):
            return True
        chain = screen._binding_chain
        if not chain or chain[0][0] is not screen.focused or event.key not in chain[0][1].key_to_bindings:
            return True
        # a priority binding further up takes the key first
        return any(b.priority for _node, bm in chain[1:] for b in bm.key_to_bindings.get(event.key, ()))
