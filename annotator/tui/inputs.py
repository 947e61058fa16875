"""The app's one-line inputs: the find prompt and the pickers' lines (imported
when the first is shown: the first frame has none)."""

from __future__ import annotations

from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input

from .widgets import FindCancelled


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

    Cancelled = FindCancelled

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())


__all__ = ["FindBar", "LineInput"]
