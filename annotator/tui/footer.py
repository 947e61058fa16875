"""A one-widget footer of the keys that work here.

Textual's ``Footer`` recomposes itself (removes and mounts one widget per key,
each styled by CSS) whenever the focus moves: opening the find bar or a picker
and closing it cost a hundred milliseconds or more of it. This footer is one
line drawn from the screen's active bindings, repainted only when what it shows
changed. A click on a key presses it, as in Textual's footer.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget


#: per class of node: its bindings' places in its declaration (by id, else action)
_DECLARED: dict[type, dict[tuple[str, str], int]] = {}


def declared_rank(cls: type, binding) -> int:
    """Where ``binding`` is declared among ``cls``'s bindings. The footer keeps
    that order: a binding the user's keymap remaps (``App.set_keymap``) is
    taken out of the node's bindings and put back at their end, so the keys
    the user chose went last, off the footer's end, and only the defaults
    were left to see."""
    places = _DECLARED.get(cls)
    if places is None:
        places = {}
        merged = getattr(cls, "_merge_bindings", None)
        for _key, b in merged() if merged is not None else ():
            places.setdefault(_name(b), len(places))
        _DECLARED[cls] = places
    return places.get(_name(binding), len(places))


def _name(binding) -> tuple[str, str]:
    return ("id", binding.id) if binding.id else ("action", binding.action)


class KeyFooter(Widget, can_focus=False):
    """The shown bindings of the focused widget's chain, as `key description` pairs."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: (key, key display, description, enabled) per shown action
        self.items: list[tuple[str, str, str, bool]] = []
        self._cells: list[tuple[int, int, str]] = []  # x0, x1, key: for clicks
        self._strip: Strip | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # The items are read when the footer is first painted, with the focus
        # (whose bindings they show) in place. Read here, they could be those of
        # no focus yet, and the focus arriving repainted the footer after the
        # first frame.
        self._unread = True

    #: the items are to be read at the next paint (see on_mount)
    _unread = False

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        if self._read_items(screen):
            self._strip = None
            self.refresh()

    def _read_items(self, screen) -> bool:
        """The shown bindings of ``screen`` as ``items``; did they change?"""
        self._unread = False
        app = self.app
        ranked: list[tuple[tuple[int, int], tuple[str, str, str, bool]]] = []
        seen: set[str] = set()
        nodes: dict[int, int] = {}
        palette = None
        shown = getattr(app, "footer_key_display", app.get_key_display)
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (binding.key, app.get_key_display(binding), binding.description, enabled)
                continue
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            rank = (nodes.setdefault(id(node), len(nodes)), declared_rank(type(node), binding))
            ranked.append((rank, (binding.key, shown(binding), binding.description, enabled)))
        ranked.sort(key=lambda pair: pair[0])
        items = [item for _rank, item in ranked]
        if palette is not None:
            items.append(palette)
        if items == self.items:
            return False
        self.items = items
        return True

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    def render_line(self, y: int) -> Strip:
        if self._unread and self.is_attached:
            self._read_items(self.screen)
            self._strip = None
        width = self.size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        if self._strip is not None and self._strip.cell_length == width:
            return self._strip
        key_style = self.get_component_rich_style("key-footer--key")
        desc_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        segments: list[Segment] = []
        cells: list[tuple[int, int, str]] = []
        items = self.items
        palette = items[-1] if items and items[-1][0] == self.app.COMMAND_PALETTE_BINDING else None
        if palette is not None:
            items = items[:-1]

        def pair(display: str, description: str, enabled: bool) -> tuple[Segment, Segment]:
            return (
                Segment(f" {display} ", key_style + dim if not enabled else key_style),
                Segment(f"{description} ", desc_style + dim if not enabled else desc_style),
            )

        right: list[Segment] = []
        room = width
        if palette is not None:
            right = list(pair(palette[1], palette[2], palette[3]))
            n = sum(seg.cell_length for seg in right)
            room = max(0, width - n)
            cells.append((room, width, palette[0]))
        x = 0
        for key, display, description, enabled in items:
            k, d = pair(display, description, enabled)
            n = k.cell_length + d.cell_length
            if x + n > room:
                break  # what does not fit is left out (the help screen lists every key)
            cells.insert(len(cells) - (1 if palette is not None else 0), (x, x + n, key))
            segments += [k, d]
            x += n
        if right:
            segments.append(Segment(" " * (room - x), base))
            segments += right
        self._cells = cells
        self._strip = Strip(segments).crop_extend(0, width, base)
        return self._strip

    def on_click(self, event: events.Click) -> None:
        for x0, x1, key in self._cells:
            if x0 <= event.x < x1:
                event.stop()
                self.app.simulate_key(key)
                return
