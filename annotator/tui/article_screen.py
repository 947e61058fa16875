"""The app's own screen, under the article view: what it paints, and when.

Kept apart from the modal screens (tui.screens), which are imported only when
one first opens: this one is needed for the first frame."""

from __future__ import annotations

from textual import _time, events, messages
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets._toast import ToastRack


class QuietFocusScreen(Screen):
    """A Screen that does not repaint all of itself when the focus moves, nor
    twice when it first shows.

    Screen.focused is a reactive that repaints the whole screen on every change
    (`/` and esc for the find bar each painted all 120x40 cells again). What the
    focus changes is painted by the widgets it concerns: the focus styles are
    applied to the widgets they match (Screen._update_focus_styles), and a widget
    gaining or losing the focus repaints itself.

    The first frame: Textual's ScreenResume handler styles every widget again
    (they were styled as they were mounted, a moment before), lays the screen out
    and paints it, then repaints all of it. Each widget given its size in that
    layout asks for a repaint and another layout, which came as a second full
    frame; the Resize events queued meanwhile, all of the same size, laid the
    screen out again each; and the toast rack, hidden by its CSS, is hidden once
    more by an inline style when the notifications are first shown, which laid
    the whole screen out and painted it once more. Here the first resume lays
    out and paints once, and what that layout asked for, or was asked before
    it, is dropped: it is on screen (`_on_screen_resume`, `_on_update`,
    `_on_layout`); a resize to the size the screen is laid out at does nothing
    (`_screen_resized`); and the toast rack is hidden inline from the start
    (`_extend_compose`): the same screen in one frame, not four of 20 KB
    (tests/test_first_frame.py)."""

    focused = Reactive(None, repaint=False)

    #: its widgets (the article and side panel, the status line, the footer) cover
    #: every cell of it: blank lines, not a styled background line by line (~1 ms
    #: of the first frame)
    BLANK = True

    #: the article has the focus from the start. Textual's default gave it to the
    #: first focusable widget, the hidden find bar, and the app then moved it to
    #: the article: the find bar was styled four times over (each time with its
    #: component classes), for a focus no one saw.
    AUTO_FOCUS = "ArticleView"

    #: has the screen been shown (laid out and painted) once?
    _shown_once = False
    #: when the first layout began: what was asked for before it is in it
    _first_layout_at = float("-inf")

    def _extend_compose(self, widgets: list) -> None:
        super()._extend_compose(widgets)
        for widget in widgets:
            if isinstance(widget, ToastRack):
                # what ToastRack.show sets when there is nothing to show; set
                # without a refresh (the styles' descriptor would lay out again)
                widget.styles.set_rule("display", "none")

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._shown_once or not self.is_attached:
            return  # Textual's handler (Screen._on_screen_resume) runs
        self._shown_once = True
        event.prevent_default()
        # Screen._on_screen_resume but the restyling and the second paint
        app = self.app
        if app.SUSPENDED_SCREEN_CLASS:
            self.remove_class(app.SUSPENDED_SCREEN_CLASS)
        self.stack_updates += 1
        app._refresh_notifications()
        self._update_auto_focus()
        if self._size != app.size:
            self._first_layout_at = _time.get_time()
            self._refresh_layout(app.size)  # lays out and paints all of it
            self._drop_refreshes()
        else:
            self.refresh()

    def _drop_refreshes(self) -> None:
        """After a layout and paint of the whole screen: the repaints and layouts
        the widgets asked for until then (the layout gave them their sizes) are
        done. What changes later asks again."""
        for widget in self.walk_children(with_self=True):
            # with its scrollbars (not in the DOM)
            for one in (widget, widget._vertical_scrollbar, widget._horizontal_scrollbar, widget._scrollbar_corner):
                if one is not None:
                    one._layout_required = False
                    one._repaint_required = False

    async def _on_update(self, message: messages.Update) -> None:
        if message.time < self._first_layout_at:
            message.stop()
            message.prevent_default()  # posted before the first layout: painted in it
        # else Screen._on_update

    async def _on_layout(self, message: messages.Layout) -> None:
        if message.time < self._first_layout_at:
            message.stop()
            message.prevent_default()  # posted before the first layout: laid out in it

    def _screen_resized(self, size) -> None:
        if self._shown_once and size == self._compositor.size and not self._layout_required:
            return  # laid out at this size (the Resize events queued before the first frame)
        super()._screen_resized(size)
