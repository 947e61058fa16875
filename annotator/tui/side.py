"""A main area and its side panel side by side; on a narrow terminal the panel is
hidden, so the article (or the corpus table) keeps the width.

The article's screen, the adjudication view and the corpus view use it: at 60
columns a fixed panel left the article 16 columns (its width also shrinks with
the terminal's above that: styles/annotator.tcss).
"""

from __future__ import annotations

from textual.containers import Horizontal

#: below this many columns the side panel is hidden (the article's screens)
SIDE_MIN_WIDTH = 70


def side_shown(main, width: int, side: str = "#side", minimum: int = SIDE_MIN_WIDTH) -> None:
    """Show the side panel (``side`` in ``main``) only when ``width`` leaves room beside it."""
    wide = width >= minimum
    for panel in main.query(side):
        if panel.display != wide:
            panel.display = wide


class SideBySide(Horizontal):
    """The main widget and the side panel ``side`` (a selector of one of its
    children), the panel hidden while the container is narrower than ``minimum``."""

    def __init__(self, *children, side: str = "#side", minimum: int = SIDE_MIN_WIDTH, **kwargs) -> None:
        super().__init__(*children, **kwargs)
        self.side = side
        self.minimum = minimum

    def on_resize(self, event) -> None:
        side_shown(self, event.size.width, self.side, self.minimum)
