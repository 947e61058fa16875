"""The app's help, pickers, command palette and theme: what shows the keys as
they are now (after the user's keymap) and remembers a theme picked in the palette.

A mixin of ``AnnotatorApp`` (``tui.app``): it reads the app's ``schema``,
``screen_stack`` and ``remember_theme``, and tells through ``say``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from textual.app import SystemCommand
from textual.binding import Binding

from ..errors import InputError, short_error
from .article_view import ArticleView
from .keymap import screen_bindings


class HelpPaletteMixin:
    """Help (``?``), pickers, the palette and the theme, for ``AnnotatorApp``."""

    def pick(self, title: str, choices: list[str], hints: dict[str, str] | None = None, *, then,
             allow_new: bool = False) -> None:
        """Open a picker of ``choices``; ``then(choice)`` (None: cancelled). The one door
        for the flows' pickers: the modal screens are imported when one first opens
        (none is on the first frame)."""
        from .screens import Picker

        self.push_screen(Picker(title, choices, hints, allow_new=allow_new), then)

    def action_help(self) -> None:
        from .screens import HelpScreen, help_intro  # imported when first asked (startup)

        self.push_screen(HelpScreen(self.key_table(), help_intro(self.keys_by_id())))

    def keys_by_id(self) -> dict[str, list[str]]:
        """Binding id -> the keys (Textual's names) that reach it now, in order
        (``keymap.live_keys``: the one source of the help, the palette and the hints)."""
        return self.keys_now()

    def action_command_palette(self) -> None:
        """Textual's palette, drawn and typed into as cheaply as our own modals."""
        from textual.command import CommandPalette

        from .palette import QuickPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(QuickPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's "Theme" command: Textual's theme list, in our palette."""
        from textual.theme import ThemeProvider

        from .palette import QuickPalette

        self.push_screen(QuickPalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def live_bindings(self) -> list[tuple[Binding, list[str]]]:
        """The article's bindings as they are now (after the keymap), each with
        the keys that reach it, in the order they were declared."""
        screen = self.screen_stack[0] if self.screen_stack else self.screen
        keys: dict[str, list[str]] = {}
        first: dict[str, Binding] = {}
        # (whether or not enabled now: the palette is a modal screen on top, and
        # the app's keys are off under it, yet the palette lists them)
        for key, b in screen_bindings(screen).items():
            name = b.id or f"action:{b.action}"
            first.setdefault(name, b)
            keys.setdefault(name, []).append(self.get_key_display(replace(b, key_display=None)))
        # A remapped binding keeps its place in the list (Textual moves it last).
        declared: dict[str, int] = {}
        for _key, b in [*ArticleView._merge_bindings(), *type(self)._merge_bindings()]:
            declared.setdefault(b.id or f"action:{b.action}", len(declared))
        order = sorted(keys, key=lambda name: declared.get(name, len(declared)))
        return [(first[name], keys[name]) for name in order]

    def key_table(self) -> list[tuple[str, str]]:
        """Every key and what it does, from the live bindings (so remaps show)."""
        rows: list[tuple[str, str]] = []
        for binding, keys in self.live_bindings():
            if binding.action.startswith("label("):
                digit = binding.action[6:-1]
                lab = next((lab for lab in self.schema.entities if lab.key == digit), None)
                desc = f"label: {lab.name} ({lab.description})" if lab else f"label {digit} (no label on it)"
            else:
                desc = binding.description or binding.action.replace("_", " ")
            rows.append((" ".join(keys), desc))
        return rows

    def _theme_changed(self, theme) -> None:
        """Remember a theme picked in the palette (the user's settings file)."""
        if not self.remember_theme:
            return
        from ..settings import save_theme

        try:
            path = save_theme(theme.name)
        except (OSError, InputError) as exc:
            self.notify(f"Theme not remembered: {getattr(exc, 'message', None) or short_error(exc)}", severity="warning", markup=False)
            return
        # (the project's theme first: a long path is cut at the status line's end)
        over = _overridden(theme.name, path)
        self.say(f"theme {theme.name} remembered{over} (in {path})" if over else f"theme {theme.name} (remembered in {path})")

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)


def _overridden(theme: str, saved) -> str:
    """``, but annotator.toml sets gruvbox for this project`` when the
    project's settings set another theme: it wins at the next start."""
    from ..settings import load

    try:
        now = load()
    except InputError:  # the files changed meanwhile: the next start says what is wrong
        return ""
    winner = now.origin.get("theme")
    if winner is None or now.theme == theme or winner.resolve() == saved.resolve():
        return ""
    return f", but {winner} sets {now.theme} for this project"
