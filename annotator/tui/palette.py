"""The command palette, with the speed fixes of our own modals.

Textual's palette re-renders the whole screen below it, through Rich, on every
frame it paints, and its input lays out the whole screen on every keystroke.
This subclass keeps the dimmed background drawn once (``_FrozenBackground``)
and types into an input that repaints only itself (as ``LineInput`` does).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.command import CommandInput, CommandList, CommandPalette, SearchIcon
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Button, LoadingIndicator

from .screens import _FrozenBackground


class _QuietCommandInput(CommandInput):
    virtual_size = Reactive(Size(0, 0), layout=False)


class QuickPalette(_FrozenBackground, CommandPalette):
    def compose(self) -> ComposeResult:
        # CommandPalette.compose, with the quiet input
        with Vertical(id="--container"):
            with Horizontal(id="--input"):
                yield SearchIcon()
                yield _QuietCommandInput(placeholder=self._placeholder, select_on_focus=False)
                if not self.run_on_select:
                    yield Button("\u25b6")
            with Vertical(id="--results"):
                yield CommandList()
                yield LoadingIndicator()
