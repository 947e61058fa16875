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
prefix), lists the best hits that fit and re-renders only the rows that changed. A provider
the palette does not know (one without ``candidates()``) gets Textual's own
search.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual._styles_cache import StylesCache
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
from textual.content import Content
from textual.fuzzy import FuzzySearch, Matcher
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.cache import LRUCache
from textual.strip import Strip
from textual.style import Style
from textual.system_commands import SystemCommandsProvider
from textual.theme import ThemeProvider
from textual.visual import Padding, Visual
from textual.widgets import Button, LoadingIndicator
from textual.widgets.option_list import Option

from .screens import Box, Row, _FrozenBackground, _resize_keeping_rows


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
    if isinstance(provider, ThemeProvider):
        return [Candidate(name, None, cb) for name, cb in provider.commands]
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

    def __init__(self, prompt: Content | None, hit, parts: tuple, id: str | None = None) -> None:
        super().__init__(prompt, hit, id=id)
        self.parts = parts

    @property
    def prompt(self) -> Content:
        # its parts, one a line: made when asked for (the list draws the parts; a
        # Content.join for each new row was a tenth of a keystroke's CPU)
        prompt = self._prompt
        if prompt is None:
            contents = [content for _key, content in self.parts]
            prompt = self._prompt = contents[0] if len(contents) == 1 else Content("\n").join(contents)
        return prompt


#: the meta style of each place in a list of hits ({"option": index}: a click picks it)
_METAS: dict[int, RichStyle] = {}


class _RowsCache(StylesCache):
    """The list's StylesCache, which hands a row of hits on as its render_line
    made it when nothing of the list's styles changes a row between its border
    rows: no left or right border, outline or padding, no tint, hatch or opacity
    (the palette's list). StylesCache.render_line reads every one of those styles
    again for each row, to return the row as it was; the top and bottom rows, and
    any list styled otherwise, go through it."""

    _plain: tuple | None = None

    def render(self, styles, size, base_background, background, render_content_line, filters, border_title,
               border_subtitle, content_size=None, padding=None, crop=None, opacity=1.0, **kwargs):
        pad = styles.padding if padding is None else padding
        content = size if content_size is None else content_size
        (top, _), (right, _), (bottom, _), (left, _) = styles.border
        outline = styles.outline
        plain = (
            not (left or right or pad.left or pad.right or pad.top or pad.bottom)
            and not any(edge for edge, _ in outline)
            and opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.tint.a
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and content.width == size.width
        )
        inner = self.get_inner_outer(base_background, background)[0].rich_style if plain else None
        # (rows 1 .. height - 2 when the list has both border rows)
        self._plain = (inner, 1 if top else 0, size.height - (1 if bottom else 0), content.height, size.width) if plain else None
        try:
            return super().render(styles, size, base_background, background, render_content_line, filters,
                                  border_title, border_subtitle, content_size=content_size, padding=padding, crop=crop,
                                  opacity=opacity, **kwargs)
        finally:
            self._plain = None

    def render_line(self, styles, y, size, content_size, padding, base_background, background, render_content_line,
                    *args):
        plain = self._plain
        if plain is not None:
            inner, first, end, content_height, width = plain
            if first <= y < end and y - first < content_height:
                return render_content_line(y - first).adjust_cell_length(width, inner)
        return super().render_line(styles, y, size, content_size, padding, base_background, background,
                                   render_content_line, *args)


class _QuickCommandList(CommandList):
    """The palette's list: each row is rendered once per text, highlight, style and
    width, and kept across keystrokes (Textual's list renders every row again after
    each refill). A command's help line never changes: it is drawn once.

    Its height is set by the palette from its rows (``show_rows``), so a refill
    lays out the screen only when that height changes: a layout resizes the list,
    which then throws its rendered rows away and paints them all again in a
    second frame."""

    DEFAULT_CSS = """
    _QuickCommandList {
        overflow-y: hidden;
    }
    """

    # nor a full repaint when the number of rows changes: refill paints the rows
    # that changed
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    _rows: int | None = None

    def show_rows(self, rows: int) -> None:
        """Make the list as high as ``rows`` rows (and its two border rows)."""
        if rows != self._rows:
            self._rows = rows
            self.styles.height = rows + 2

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._styles_cache = _RowsCache()
        self._parts: LRUCache[tuple, list[Strip]] = LRUCache(1024)
        #: an option's rows as drawn at a place in the list, kept across refills
        #: (``_option_render_cache`` is emptied by each one): a row that moves up or
        #: down as the hits change is drawn once per place
        self._placed: LRUCache[tuple, list[Strip]] = LRUCache(1024)

    def _update_lines(self) -> None:
        """OptionList's, with the height of our rows known without measuring them:
        a hit whose name and help each fit on one row is that many rows high
        (Textual measures each option's wrapped text again after every refill)."""
        cache = self._line_cache
        lines = cache.lines
        options = self._options
        filled = (len(options), len(lines), lines[-1] if lines else None)
        if lines and filled == self._filled:
            return  # (called for each row painted) every option has its rows already
        region = self.scrollable_content_region
        if region:
            index = lines[-1][0] + 1 if lines else 0
            if index < len(options):
                padding = self._option_padding()
                room = region.width - self._get_left_gutter_width() - padding.width
                for index in range(index, len(options)):
                    n = _rows_of(options[index], room)
                    if n is None:
                        break  # measured by OptionList (below), from here on
                    cache.index_to_line[index] = len(lines)
                    cache.heights[index] = n
                    lines.extend([(index, k) for k in range(n)])
        super()._update_lines()
        self._filled = (len(options), len(lines), lines[-1] if lines else None)

    _filled: tuple | None = None

    #: while a frame is drawn: (first row shown, highlighted index, index under
    #: the mouse, the option styles met so far)
    _frame: tuple | None = None
    #: while a frame is drawn: the width of a row
    _frame_width: int | None = None

    def render_lines(self, crop):
        # OptionList.render_line looks up, for every row, the scroll offset, the
        # highlight and its option style (which checks every ancestor for
        # :disabled and the like): here once a frame
        self._update_lines()
        self._frame = (self.scroll_offset.y, self.highlighted, self._mouse_hovering_over, {})
        self._frame_width = self._row_width()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = self._frame_width = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            return super().render_line(y)
        top, highlighted, hover, styles = frame
        lines = self._line_cache.lines
        row = top + y
        if not 0 <= row < len(lines):
            return super().render_line(y)
        index, offset = lines[row]
        option = self._options[index]
        if option.disabled:
            component = "option-list--option-disabled"
        elif highlighted == index:
            component = "option-list--option-highlighted"
        elif hover == index:
            component = "option-list--option-hover"
        else:
            component = ""
        style = styles.get(component)
        if style is None:
            style = styles[component] = (
                self.get_visual_style("option-list--option", component)
                if component
                else self.get_visual_style("option-list--option")
            )
        strips = self._get_option_render(option, style)
        if offset >= len(strips):
            return super().render_line(y)
        return strips[offset]

    _padding = None

    def _option_padding(self):
        padding = self._padding
        if padding is None:
            padding = self._padding = self.get_component_styles("option-list--option").padding
        return padding

    def _row_width(self) -> int:
        return self.scrollable_content_region.width - self._get_left_gutter_width()

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        # (called for each row painted: what it needs is looked up once per style)
        padding = self._option_padding()
        cache_key = (option, style, padding)
        strips = self._option_render_cache.get(cache_key)
        if strips is not None:
            return strips
        parts = getattr(option, "parts", None)
        if parts is None or option._divider or padding.top or padding.bottom:
            return super()._get_option_render(option, style)
        width = self._frame_width or self._row_width()
        index = self._option_to_index[option]
        placed_key = (option, style, padding, width, index)
        strips = self._placed.get(placed_key)
        if strips is not None:
            self._option_render_cache[cache_key] = strips
            return strips
        strips = []
        for key, content in parts:
            part_key = (key, style, padding, width)
            lines = self._parts.get(part_key)
            if lines is None:
                lines = self._render_part(content, style, padding, width)
                self._parts[part_key] = lines
            strips.extend(lines)
        meta = _METAS.get(index)
        if meta is None:
            # one meta style a place, for every palette (Strip.apply_meta makes a new
            # one each time, so every Style addition under it missed Rich's cache)
            meta = _METAS[index] = RichStyle.from_meta({"option": index})
        strips = [s.apply_style(meta) for s in strips]
        self._option_render_cache[cache_key] = strips
        self._placed[placed_key] = strips
        return strips

    def _render_part(self, content: Content, style: Style, padding, width: int) -> list[Strip]:
        rich_style = style.rich_style
        if "\n" not in content.plain and content.cell_length + padding.width <= width:
            # one row that fits: what Visual.to_strips draws, without its wrapping
            # machinery (less the text-selection offsets: the palette has none)
            # (one Strip made, of the segments Strip.extend_cell_length and the right
            # padding would add)
            segments = [Segment(" " * padding.left, rich_style)] if padding.left else []
            marked = _marked_segments(content, style)
            segments += content.render_segments(style) if marked is None else marked
            fill = width - padding.right - padding.left - content.cell_length
            if fill > 0:
                segments.append(Segment(" " * fill, rich_style))
            if padding.right:
                segments.append(Segment(" " * padding.right, rich_style))
            return [Strip(segments, width)]
        visual = Padding(content, padding) if padding else content
        return [s.extend_cell_length(width, rich_style) for s in Visual.to_strips(self, visual, width, None, style)]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._padding = None
        self._parts.clear()
        self._placed.clear()

    def _on_resize(self, event) -> None:
        # OptionList throws every rendered row away on any resize, and paints them
        # all again in a frame of its own; the rows depend only on the width (the
        # list's height changes as the hits do, the new size is painted anyway)
        _resize_keeping_rows(self, event)

    def _line_keys(self) -> list:
        """What each row of the list shows (equal keys: the row is painted the same)."""
        keys = []
        highlighted = self.highlighted
        for index, offset in self._line_cache.lines:
            option = self._options[index]
            parts = getattr(option, "parts", None)
            if parts is not None and len(parts) == self._line_cache.heights[index]:
                key = parts[offset][0]  # a row a part: nothing wraps
            elif parts is not None:
                key = (tuple(k for k, _ in parts), offset)
            else:
                key = (str(option.prompt), option.disabled, offset)
            keys.append((key, index == highlighted, option.disabled))
        return keys

    def refill(self, options: list[Option]) -> None:
        """``set_options``, painting again only the rows that show something else
        (``set_options`` paints every row, twice when the scrollbar comes and goes
        on the way): while a query grows, most rows keep their text and only their
        highlight changes; a command's help row stays as it is."""
        if not self.is_mounted or not self._line_cache.lines or any(o._divider for o in options):
            self.set_options(options)
            return
        before = self._line_keys()
        highlighted = self.highlighted
        if self.scroll_y:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
        self._options.clear()
        self._line_cache.clear()
        self._option_render_cache.clear()
        self._id_to_option.clear()
        self._option_to_index.clear()
        for option in options:
            self._option_to_index[option] = len(self._options)
            if option._id is not None:
                self._id_to_option[option._id] = option
            self._options.append(option)
        if highlighted is not None and highlighted >= len(options):
            self.highlighted = None
        self._update_lines()
        after = self._line_keys()
        # one refresh for every row that changed (a refresh per row cost more
        # than painting it), a region per run of changed rows
        changed = [y for y in range(max(len(before), len(after))) if y >= len(before) or y >= len(after) or before[y] != after[y]]
        if changed:
            width = max(self.virtual_size.width, self.size.width)
            top = self.scroll_offset.y
            regions = []
            start = prev = changed[0]
            for y in changed[1:] + [None]:
                if y is not None and y == prev + 1:
                    prev = y
                    continue
                regions.append(Region(0, start - top, width, prev - start + 1))
                if y is not None:
                    start = prev = y
            self.refresh(*regions)


#: (base style, mark style) -> their Rich styles, unmarked and marked
_MARKED_STYLES: LRUCache[tuple, tuple] = LRUCache(64)


def _marked_segments(content: Content, base: Style) -> list[Segment] | None:
    """``content.render_segments(base)`` for a content whose only spans mark single
    characters in one style (a hit's name with its matched characters), without
    Content.render's span stack; None for any other content.

    The same segments: a run of unmarked text in ``base``, each marked character
    a segment of its own in ``base`` combined with the mark's style."""
    spans = content.spans
    if not spans:
        return None
    mark = spans[0].style
    if not isinstance(mark, Style):
        return None
    text = content.plain
    for span in spans:
        if span.style is not mark or span.end != span.start + 1:
            return None
    starts = sorted(span.start for span in spans)  # (Content.stylize puts a new span first)
    if len(set(starts)) != len(starts) or starts[0] < 0 or starts[-1] >= len(text):
        return None
    styles = _MARKED_STYLES.get((base, mark))
    if styles is None:
        marked = Style.combine([base, mark])
        styles = _MARKED_STYLES[base, mark] = (base.rich_style if base else None, marked.rich_style if marked else None)
    plain_style, marked_style = styles
    segments = []
    position = 0
    for start in starts:
        if start > position:
            segments.append(Segment(text[position:start], plain_style))
        segments.append(Segment(text[start], marked_style))
        position = start + 1
    if position < len(text):
        segments.append(Segment(text[position:], plain_style))
    return segments


def _rows_of(option: Option, room: int) -> int | None:
    """Rows a hit takes in ``room`` cells: one per part when each fits on one row
    (what OptionList would measure), else None (measure it)."""
    parts = getattr(option, "parts", None)
    if parts is None or option._divider:
        return None
    for _key, content in parts:
        if content.cell_length > room or "\n" in content.plain:
            return None
    return len(parts)


class QuickPalette(_FrozenBackground, CommandPalette):
    #: rows of hits (None: as many as the list can show, 26 on a 40-row terminal,
    #: a hit takes two): the best hits that fit are listed, and the last row says
    #: how many more there are (type to narrow). The list never scrolls, so it has
    #: no scrollbar to repaint (or to lay the screen out for) as the hits change.
    MAX_ROWS: int | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: (provider order, candidate) of every command; None: a provider needs Textual's search
        self._all: list[Candidate] | None = None
        self._query: str | None = None
        #: the hits of the last query, as (score, order, candidate)
        self._hits: list[tuple[float, int, Candidate]] = []
        self._names: dict[str, Content] = {}
        self._helps: dict[str, Content] = {}
        #: rows built so far, by (candidate, highlighted offsets)
        self._built: LRUCache[tuple, _QuickCommand] = LRUCache(1024)
        #: one fuzzy search for the palette's life: its cache serves every query again
        self._fuzzy = FuzzySearch()

    def compose(self) -> ComposeResult:
        # CommandPalette.compose, with the quiet input. When every provider can
        # be listed, the hits are shown in the palette's first frame (on mount,
        # below): the classes that show them are given now, as the widgets are
        # made, and not set after they are mounted and styled, which would style
        # the whole palette again (a fifth of the CPU of opening it).
        shown = self._listable()
        if shown:
            self.add_class("-ready", update=False)
            self.set_reactive(CommandPalette._list_visible, True)
        with Box(id="--container"):
            with Row(id="--input", classes="--list-visible" if shown else None):
                yield SearchIcon()
                # "-valid" from the start: the input has no validators, so its first
                # keystroke sets that class, and restyles it (a millisecond)
                yield _QuietCommandInput(placeholder=self._placeholder, select_on_focus=False, classes="-valid")
                if not self.run_on_select:
                    yield Button("\u25b6")
            with Box(id="--results"):
                yield _QuickCommandList(classes="--visible" if shown else None)
                yield LoadingIndicator()

    def _listable(self) -> bool:
        """Whether every provider of this palette can list its commands
        (candidates_of), judged from their classes before they are made."""
        stack = self.app.screen_stack
        if self not in stack or stack.index(self) < 1:
            return False
        # (set again, to the same screen, as the palette is mounted)
        self.set_reactive(CommandPalette._calling_screen, stack[stack.index(self) - 1])
        for source in self._provider_classes:
            if isinstance(source, SimpleProvider):
                continue
            if not (issubclass(source, (SystemCommandsProvider, ThemeProvider)) or callable(getattr(source, "candidates", None))):
                return False
        return True

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
            matcher.fuzzy_search = self._fuzzy
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

    _style: Style | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a new theme: the highlight and help styles are read again
        self._style = None
        if "_built" in self.__dict__:  # (also called while the screen is made)
            self._helps.clear()
            self._built.clear()

    def _match_style(self) -> Style:
        if self._style is None:
            self._style = self.get_visual_style("command-palette--highlight", partial=True)
        return self._style

    def _show(self, hits: list[tuple[float, int, Candidate]], matcher: Matcher | None) -> None:
        command_list = self.query_one(_QuickCommandList)
        room = self._room()
        options: list[Option] = []
        used = 0
        for n, (score, order, c) in enumerate(hits):
            rows = 2 if c.help else 1
            # the best hits that fit, and a row to say how many more there are
            if used + rows > room - (1 if n < len(hits) - 1 else 0):
                break
            used += rows
            offsets = () if matcher is None else self._offsets(matcher, c.name)
            option = self._built.get((order, offsets))
            if option is None:
                name = self._name_content(c.name)
                for offset in offsets:
                    name = name.stylize(self._match_style(), offset, offset + 1)
                parts: tuple = (((c.name, offsets), name),)
                if c.help:
                    parts += ((("help", c.help), self._help_content(c.help)),)
                if matcher is None:
                    hit: Hit | DiscoveryHit = DiscoveryHit(c.name, c.callback, help=c.help)
                else:
                    hit = Hit(score, name, c.callback, text=c.name, help=c.help)
                # the same row for the same highlight: its measured height and its
                # rendering are kept (a backspace shows rows seen before)
                option = self._built[(order, offsets)] = _QuickCommand(None, hit, parts, id=f"c{order}")
            options.append(option)
        shown = len(options)
        if shown < len(hits):
            more = Content(f"… {len(hits) - shown} more: type to narrow")
            option = Option(more, disabled=True, id="--more")
            option.parts = ((("--more", len(hits) - shown), more),)  # drawn as our rows are
            options.append(option)
            used += 1
        if command_list._rows is None:
            # As high as the hits when the palette opens, and that height while you
            # type: a change of height lays out the screen and paints the list twice.
            command_list.show_rows(max(1, used))
        command_list.refill(options)
        if options:
            command_list.highlighted = 0
        self._list_visible = bool(options)
        self._hit_count = shown
        self._show_busy = False
        if not hits:
            self._hit_count = 0
            self._start_no_matches_countdown(self._query or "")
        self.add_class("-ready")

    def _room(self) -> int:
        """Rows for hits: the list is at most 70% of the screen high (its CSS
        max-height), less its two border rows."""
        if self.MAX_ROWS is not None:
            return self.MAX_ROWS
        return max(3, int(self.size.height * 0.7) - 2)

    def _offsets(self, matcher: Matcher, name: str) -> tuple[int, ...]:
        """The characters of ``name`` that Matcher.highlight would highlight."""
        score, offsets = self._fuzzy.match(matcher.query, name)
        return tuple(o for o in offsets if not name[o].isspace()) if score else ()
