"""A bare Textual app, the SPEC's yardstick for startup: one Static, then idle."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("READY bare textual app")


if __name__ == "__main__":
    Bare().run()
