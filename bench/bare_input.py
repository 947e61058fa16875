"""Anchors for typing and for opening a modal: a bare Textual app with one Input.

    python bench/bare_input.py            # one focused Input: each key types a character
    python bench/bare_input.py --modal    # "e" opens a modal with an Input and a list of 12 options

The yardstick of bench_inputs.py: what Textual itself costs per keystroke in an
Input and per modal screen, measured in the same run as the app.
"""

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static


class Modal(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Static("pick one")
        yield Input(placeholder="type to filter")
        yield OptionList(*[f"choice {i}" for i in range(12)])

    def action_dismiss(self) -> None:
        self.dismiss(None)


class BareInput(App):
    BINDINGS = [Binding("e", "modal", "Modal")]

    def __init__(self, modal: bool) -> None:
        super().__init__()
        self.modal = modal

    def compose(self) -> ComposeResult:
        yield Static("READY bare input app")
        if not self.modal:
            yield Input(placeholder="type here")

    def action_modal(self) -> None:
        self.push_screen(Modal())


if __name__ == "__main__":
    BareInput("--modal" in sys.argv).run()
