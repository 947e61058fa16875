"""The command palette, with the speed fixes of our own modals.

Textual's palette re-renders the whole screen below it, through Rich, on every
frame it paints, and its input lays out the whole screen on every keystroke.
This subclass keeps the dimmed background drawn once (``_FrozenBackground``)
and types into an input that repaints only itself (as ``LineInput`` does).

Textual also searches anew on every keystroke: a worker per key asks each
provider for its commands again (ours rebuilds the live key table each time),
streams the hits through a queue, parses every hit's help text and refills the
list with every hit, which then measures and lays out all of them: 30 ms of CPU
a key. Here the commands are gathered once, when the palette opens; each
keystroke matches them in the same frame (only the previous query's hits when
the query grows, since a fuzzy match of a longer query is a match of its
prefix), keeps the best ``MAX_HITS`` and re-renders only their rows. A provider
the palette does not know (one without ``candidates()``) gets Textual's own
search.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from textual.app import ComposeResult
from textual.command import (
    Command,
    CommandInput,
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    SearchIcon,
    SimpleProvider,
)
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.geometry import Size
from textual.reactive import Reactive
from textual.cache import LRUCache
from textual.strip import Strip
from textual.style import Style
from textual.system_commands import SystemCommandsProvider
from textual.visual import Padding, Visual
from textual.widgets import Button, LoadingIndicator
from textual.widgets.option_list import Option

from .screens import _FrozenBackground


class Candidate(NamedTuple):
    """One command of the palette, as a provider lists it."""

    name: str
    help: str | None
    callback: Callable[[], Any]
    #: listed while the query is empty
    discover: bool = True


def candidates_of(provider) -> list[Candidate] | None:
    """Every command ``provider`` can offer (None: it can only be searched)."""
    own = getattr(provider, "candidates", None)
    if callable(own):
        return [Candidate(*c) for c in own()]
    if isinstance(provider, SystemCommandsProvider):
        found = [Candidate(name, help_text, cb, discover) for name, help_text, cb, discover in
                 provider.app.get_system_commands(provider.screen)]
        return sorted(found, key=lambda c: c.name)  # as its discovery lists them
    if isinstance(provider, SimpleProvider):
        return [Candidate(c.name, c.help_text, c.callback) for c in provider._commands]
    return None


class _QuietCommandInput(CommandInput):
    """The palette's input: no layout per keystroke, and the search runs as the
    value changes (in the keystroke's own frame, not one message later)."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        screen = self.screen if self.is_attached else None
        if isinstance(screen, QuickPalette):
            screen._search_now(value)


class _QuickCommand(Command):
    """A hit, with its name line and its help line kept apart: ``parts`` is
    ((key, Content), ...), the key naming what the Content shows."""

    def __init__(self, prompt: Content, hit, parts: tuple, id: str | None = None) -> None:
        super().__init__(prompt, hit, id=id)
        self.parts = parts


class _QuickCommandList(CommandList):
    """The palette's list: each row is rendered once per text, highlight, style and
    width, and kept across keystrokes (Textual's list renders every row again after
    each refill). A command's help line never changes: it is drawn once.

    Its height is set by the palette from its rows (``show_rows``), so a refill
    lays out the screen only when that height changes: a layout resizes the list,
    which then throws its rendered rows away and paints them all again in a
    second frame."""

    virtual_size = Reactive(Size(0, 0), layout=False)
    _rows: int | None = None

    def show_rows(self, rows: int) -> None:
        """Make the list as high as ``rows`` rows (and its two border rows)."""
        if rows != self._rows:
            self._rows = rows
            self.styles.height = rows + 2

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parts: LRUCache[tuple, list[Strip]] = LRUCache(1024)

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        parts = getattr(option, "parts", None)
        padding = self.get_component_styles("option-list--option").padding
        if parts is None or option._divider or padding.top or padding.bottom:
            return super()._get_option_render(option, style)
        cache_key = (option, style, padding)
        strips = self._option_render_cache.get(cache_key)
        if strips is not None:
            return strips
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        rich_style = style.rich_style
        strips = []
        for key, content in parts:
            part_key = (key, style, padding, width)
            lines = self._parts.get(part_key)
            if lines is None:
                visual = Padding(content, padding) if padding else content
                lines = [s.extend_cell_length(width, rich_style) for s in Visual.to_strips(self, visual, width, None, style)]
                self._parts[part_key] = lines
            strips.extend(lines)
        meta = {"option": self._option_to_index[option]}
        strips = [s.apply_meta(meta) for s in strips]
        self._option_render_cache[cache_key] = strips
        return strips

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._parts.clear()

    @staticmethod
    def _shows(option: Option) -> tuple:
        """What a row shows (equal: the row need not be painted again)."""
        parts = getattr(option, "parts", None)
        if parts is not None:
            return tuple(key for key, _ in parts)
        return (str(option.prompt), option.disabled)

    def refill(self, options: list[Option]) -> None:
        """Show ``options`` instead, painting again only the rows that changed
        (``set_options`` paints every row): while a query grows, most visible
        rows keep their place and only their highlight changes."""
        old = self._options
        cache = self._line_cache
        if not self.is_mounted or len(old) != len(options) or not cache.lines or any(o._divider for o in options):
            self.set_options(options)
            return
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - self._get_left_gutter_width() - padding.width
        changed = []
        for i, (was, new) in enumerate(zip(old, options)):
            if self._shows(was) == self._shows(new):
                if isinstance(was, Command) and isinstance(new, Command):
                    was.hit = new.hit
                continue
            if self._get_visual(new).get_height(self.styles, width) != cache.heights.get(i):
                self.set_options(options)  # the rows move: paint them all
                return
            changed.append((i, was, new))
        for i, was, new in changed:
            self._option_to_index.pop(was, None)
            if was._id is not None:
                self._id_to_option.pop(was._id, None)
            old[i] = new
            self._option_to_index[new] = i
            if new._id is not None:
                self._id_to_option[new._id] = new
            first, height = cache.index_to_line[i], cache.heights[i]
            was_parts, new_parts = getattr(was, "parts", None), getattr(new, "parts", None)
            if was_parts and new_parts and len(was_parts) == len(new_parts) == height:
                # a row a part (nothing wraps): paint the rows whose part changed
                # (the name's highlight; a command's help row stays as it is)
                for j, (a, b) in enumerate(zip(was_parts, new_parts)):
                    if a[0] != b[0]:
                        self.refresh_lines(first + j)
            else:
                self.refresh_lines(first, height)


class QuickPalette(_FrozenBackground, CommandPalette):
    #: the best hits listed for a query (None: as many rows as the list can show,
    #: about 14 hits of two rows fit on a 40-row terminal); the last row then says
    #: how many more there are
    MAX_HITS: int | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: (provider order, candidate) of every command; None: a provider needs Textual's search
        self._all: list[Candidate] | None = None
        self._query: str | None = None
        #: the hits of the last query, as (score, order, candidate)
        self._hits: list[tuple[float, int, Candidate]] = []
        self._names: dict[str, Content] = {}
        self._helps: dict[str, Content] = {}

    def compose(self) -> ComposeResult:
        # CommandPalette.compose, with the quiet input
        with Vertical(id="--container"):
            with Horizontal(id="--input"):
                yield SearchIcon()
                yield _QuietCommandInput(placeholder=self._placeholder, select_on_focus=False)
                if not self.run_on_select:
                    yield Button("\u25b6")
            with Vertical(id="--results"):
                yield _QuickCommandList()
                yield LoadingIndicator()

    # -- the commands, gathered once -------------------------------------------------------
    def _gather_all(self) -> list[Candidate] | None:
        every: list[Candidate] = []
        system: list[Candidate] = []
        for provider in self._providers:
            found = candidates_of(provider)
            if found is None:
                return None
            (system if isinstance(provider, SystemCommandsProvider) else every).extend(found)
        # the app's own commands first, then Textual's (Theme, Quit, Keys, ...)
        return every + system

    def _name_content(self, name: str) -> Content:
        content = self._names.get(name)
        if content is None:
            content = self._names[name] = Content.from_markup(name)
        return content

    def _help_content(self, text: str) -> Content:
        content = self._helps.get(text)
        if content is None:
            help_style = Style.from_styles(self.get_component_styles("command-palette--help-text"))
            content = self._helps[text] = Content.from_markup(text).stylize_before(help_style)
        return content


    # -- CommandPalette's search, replaced ----------------------------------------------------
    def _gather_commands(self, search_value: str) -> None:  # type: ignore[override]
        """Called by CommandPalette when it opens (with an empty query)."""
        if self._all is None:
            self._all = self._gather_all()
        if self._all is None:  # a provider we cannot list: Textual's worker
            return super()._gather_commands(search_value)
        self._search_now(search_value)

    def on_input_changed(self, event) -> None:
        # searched already, as the value changed; CommandPalette's own handler would
        # start its worker (prevent_default stops the handlers of the base classes)
        if self._all is not None:
            event.stop()
            event.prevent_default()

    def _search_now(self, value: str) -> None:
        if self._all is None:
            return
        query = value.strip()
        if query == self._query:
            return
        self._stop_no_matches_countdown()
        previous, self._query = self._query, query
        if not query:
            hits = [(0.0, i, c) for i, c in enumerate(self._discovery())]
        else:
            matcher = Matcher(query, match_style=self._match_style())
            grows = bool(previous) and query.lower().startswith(previous.lower())
            pool = [(i, c) for _, i, c in self._hits] if grows else enumerate(self._all)
            hits = []
            for i, c in pool:
                score = matcher.match(c.name)
                if score > 0:
                    hits.append((score, i, c))
            hits.sort(key=lambda h: (-h[0], h[1]))
        self._hits = hits
        self._show(hits, matcher if query else None)

    def _discovery(self) -> list[Candidate]:
        return [c for c in self._all if c.discover]

    def _match_style(self) -> Style:
        return self.get_visual_style("command-palette--highlight", partial=True)

    def _show(self, hits: list[tuple[float, int, Candidate]], matcher: Matcher | None) -> None:
        command_list = self.query_one(_QuickCommandList)
        options: list[Option] = []
        limit = self._max_hits()
        for n, (score, _, c) in enumerate(hits[:limit]):
            if matcher is None:
                hit: Hit | DiscoveryHit = DiscoveryHit(c.name, c.callback, help=c.help)
                name, offsets = self._name_content(c.name), ()
            else:
                name, offsets = self._highlight(matcher, c.name)
                hit = Hit(score, name, c.callback, text=c.name, help=c.help)
            parts: tuple = (((c.name, offsets), name),)
            if c.help:
                help_content = self._help_content(c.help)
                parts += ((("help", c.help), help_content),)
                prompt = Content("\n").join([name, help_content])
            else:
                prompt = name
            options.append(_QuickCommand(prompt, hit, parts, id=str(n)))
        more = len(hits) - limit
        if more > 0:
            options.append(Option(Content(f"… {more} more: type to narrow"), disabled=True, id="--more"))
        rows = sum(len(o.parts) if isinstance(o, _QuickCommand) else 1 for o in options)
        # at most 70% of the screen, with the list's two border rows (its CSS max-height)
        command_list.show_rows(min(rows, int(self.size.height * 0.7) - 2))
        # not clear_options + add_options: an empty list in between hides the
        # scrollbar and shows it again, a layout each time
        command_list.refill(options)
        if options:
            command_list.highlighted = 0
        self._list_visible = bool(options)
        self._hit_count = min(len(hits), limit)
        self._show_busy = False
        if not hits:
            self._hit_count = 0
            self._start_no_matches_countdown(self._query or "")
        self.add_class("-ready")

    def _max_hits(self) -> int:
        # the list is at most 70% of the screen high, a hit at least one row
        return max(10, int(self.size.height * 0.7)) if self.MAX_HITS is None else self.MAX_HITS

    def _highlight(self, matcher: Matcher, name: str) -> tuple[Content, tuple[int, ...]]:
        """Matcher.highlight (without parsing the name's markup again for every
        key), and the offsets it highlights."""
        content = self._name_content(name)
        score, offsets = matcher.fuzzy_search.match(matcher.query, name)
        if not score:
            return content, ()
        style = matcher.match_style
        shown = tuple(o for o in offsets if not name[o].isspace())
        for offset in shown:
            content = content.stylize(style, offset, offset + 1)
        return content, shown
