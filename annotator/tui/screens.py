"""Modal screens: help, and pickers that filter as you type."""

from __future__ import annotations

from typing import Callable

from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.reactive import Reactive
from textual.content import Content
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from .inputs import LineInput
from .keymap import display, extend_keys, key_for, prose

#: the help screen's prose; ``{id}`` is that binding's first key in this keymap
#: (``{undo}``: u, or what the settings made of it); ``{moves}``, ``{extend}``,
#: ``{digit}`` and ``{a_digit}`` are written by ``help_intro``
HELP_INTRO = """\
Move with {moves}; {article.select} starts a selection (moves, finds and the
sentence/clause keys {sentence_start} {sentence_end} {clause_start} {clause_end} then extend it), {extend} extend by a token.
{digit} tags the selection (or the token under the cursor) with that label; on an
entity with no selection it relabels it. {delete} deletes; {undo} undoes, {redo} redoes.

Events: select the trigger ("captured"), press {event}, type to filter the event types,
enter. The event is now active. Put the cursor on an entity and press {role} to pick the
role it plays ({role} on a selection that is not an entity asks its label first, then
the role). {role} on an argument changes its role or removes it. {event} on a trigger makes
that event active; {event} again changes its type; {delete} on the trigger deletes the event.
{next_part} and {prev_part} walk the trigger and its arguments.

Attributions: select the source (or stand on an entity such as Mazlum Abdi) and
press {attribution}. Select the cue ("said", "told Reuters") and press {confirm}, then select the
content and press {confirm}: {article.select} then {sentence_end} selects to the end of the sentence, {clause_end} to the end
of a clause, and {find}text enter extends the selection to a match. The type (direct,
indirect, mixed) is guessed from quotes; {attribution_type} changes it. {attribution} on an attribution edits
its source, cue or content; {next_part} and {prev_part} walk its source, cue and content.
{cancel} drops the selection, then cancels the step.

Relations: {relation} on one entity, {relation} on another, pick or type the relation type.
{delete_relation} on an entity deletes one of its relations.

Attributes: {attributes} on an annotation lists its attributes (Realis, Polarity, a
Wikidata link, ...) and its note: pick one, then its value; empty clears.

Suggestions: {next_suggestion} / {prev_suggestion} go to the next / previous pending suggestion; {accept}
accepts it and goes on, {delete} rejects it, {a_digit} relabels and accepts; {undo} undoes the
decision. The palette accepts every pending suggestion of a label above a score.

Everything is saved automatically within a second; {save} saves now; {quit} saves and
quits. ctrl+p opens the command palette: every action is there.
"""

_MOVES = ("article.prev_token", "article.line_down", "article.line_up", "article.next_token")


def help_intro(keys: dict[str, list[str]], template: str | None = None) -> str:
    """``template`` (``HELP_INTRO``) with the keys of this keymap. ``keys``: binding
    id -> the keys (Textual's names) that reach it now, first the one to teach;
    ``{id}`` is that first key, ``{id*}`` all of them (``n / ]``)."""
    import re

    def first(binding_id: str) -> str:
        got = keys.get(binding_id)
        if not got:
            return f"({binding_id}: no key)"
        return prose(got[0])

    if [keys.get(i) for i in _MOVES] == [["left", "h"], ["down", "j"], ["up", "k"], ["right", "l"]]:
        moves = "the arrows or h j k l"
    else:
        moves = ", ".join("/".join(display(k) for k in keys.get(i) or []) or first(i) for i in _MOVES)
        moves += " (left, down, up, right)"
    extend = extend_keys(keys)
    digits = all(keys.get(f"label_{d}", [None])[0] == str(d) for d in range(1, 10))
    words = {
        "moves": moves,
        "extend": extend,
        "digit": "A digit" if digits else "A label's key (listed below)",
        "a_digit": "a digit" if digits else "a label's key",
    }
    def every(binding_id: str) -> str:
        got = keys.get(binding_id)
        if not got:
            return first(binding_id)
        return " / ".join(prose(k) for k in got)

    def fill(m) -> str:
        name = m.group(1)
        if name.endswith("*"):
            return every(name[:-1])
        return words.get(name) or first(name)

    return re.sub(r"\{([a-z0-9_.]+\*?)\}", fill, HELP_INTRO if template is None else template)


def _tinter(color):
    """A function: style -> the style BackgroundScreen.process_segments makes of it
    under ``color`` (meta and links cleared, colours blended), memoised."""
    from rich.style import Style as RichStyle
    from textual.color import Color

    null = RichStyle()
    from_rich = Color.from_rich_color
    memo: dict = {}

    def tint(style):
        done = memo.get(style)
        if done is None:
            base = null if style is None else style.clear_meta_and_links()
            if color.a == 0:
                done = base
            else:
                done = base + RichStyle.from_color(
                    (from_rich(base.color) + color).rich_color if base.color is not None else None,
                    (from_rich(base.bgcolor) + color).rich_color if base.bgcolor is not None else None,
                )
            memo[style] = done
        return done

    return tint


def _drop_second_await(widget) -> None:
    """Widget.mount schedules (call_next) what a compose has just awaited: the
    children mounted, then a layout and a repaint of ``widget``. Run again after
    the modal's first frame, it painted ``widget`` a second time (the whole
    screen, for a screen): called after the compose, this drops that copy."""
    widget._next_callbacks[:] = [
        c for c in widget._next_callbacks if getattr(getattr(c.callback, "func", None), "_parent", None) is not widget
    ]


class Box(Vertical):
    """A Vertical for a modal's widgets (see _drop_second_await)."""

    async def _compose(self) -> None:
        await super()._compose()
        _drop_second_await(self)


class Row(Horizontal):
    """A Horizontal for a modal's widgets (see _drop_second_await)."""

    async def _compose(self) -> None:
        await super()._compose()
        _drop_second_await(self)


class _FrozenBackground:
    """For a modal screen: the dimmed copy of the screen below is drawn once.

    Textual draws a translucent modal's background by rendering the whole screen
    below through Rich and tinting it, on every frame the modal paints (each
    keystroke in its input): 15-20 ms a frame. The screen below does not change
    while the modal is up, so its tinted lines are kept, per size, until the modal
    closes (or the theme changes)."""

    _background: list[Strip] | None = None

    def _background_lines(self) -> list[Strip]:
        width, height = self.size
        lines = self._background
        if lines is not None and len(lines) == height and (not lines or lines[0].cell_length == width):
            return lines
        stack = self.app.screen_stack
        below = stack[stack.index(self) - 1] if self in stack and stack.index(self) > 0 else None
        color = self.styles.background
        if below is None or color.a >= 1:
            lines = [Strip.blank(width, self.rich_style)] * height
        else:
            # What BackgroundScreen draws (Textual's translucent-screen background),
            # from the compositor's strips without a pass through Rich, each
            # distinct style tinted once
            strips = below._compositor.render_strips(Size(width, height))
            tint = _tinter(color)
            lines = [
                Strip(
                    [seg if seg.control else Segment(seg.text, tint(seg.style)) for seg in strip.crop_extend(0, width, None)],
                    width,
                )
                for strip in strips
            ]
            lines = (lines + [Strip.blank(width, self.rich_style)] * height)[:height]
        self._background = lines
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._background_lines()
        return lines[y] if 0 <= y < len(lines) else Strip.blank(self.size.width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._background = None

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        if regions and repaint and not layout and not recompose and self._background is not None:
            # Only the screens below refresh regions of this one: they pass on
            # what changed on them (Screen._compositor_refresh; the screen the
            # modal was pushed on does so a frame after the modal's first, as
            # push_screen refreshes all of it), and a region of a screen is a
            # repaint of the whole screen. What this one shows of them is frozen:
            # nothing to paint again.
            return self
        if layout and repaint and not regions and not recompose and self._painted:
            # A layout paints what it moves or resizes. The rest of the screen is
            # the frozen background: no need to paint it all again (push_screen's
            # AwaitMount asks for a layout and a repaint once the screen is
            # mounted, which may come after the first frame).
            repaint = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_screen_suspend(self) -> None:
        self._background = None

    _resumed = False
    _hold_paint = False
    #: the first frame has been painted
    _painted = False
    #: messages being handled, callbacks being run (see _settled)
    _busy = 0

    async def _compose(self) -> None:
        # A screen paints from a timer that ticks every 1/60 s once it has
        # something to paint, and a new screen's timer started only when its
        # first frame was due: that frame waited a whole period (17 ms) on an
        # idle loop. Started now, the timer's first period runs while the widgets
        # are made; it paints nothing before the screen is settled
        # (_on_timer_update), and the first frame goes out as soon as it is.
        self._update_timer.resume()
        await super()._compose()
        _drop_second_await(self)

    def _settled(self) -> bool:
        """Resumed, and nothing left to handle before the first frame."""
        return self._resumed and not self._busy and not self._next_callbacks and self._message_queue.empty()

    async def _dispatch_message(self, message) -> None:
        self._busy += 1
        try:
            await super()._dispatch_message(message)
        finally:
            self._busy -= 1

    async def _flush_next_callbacks(self) -> None:
        self._busy += 1
        try:
            await super()._flush_next_callbacks()
        finally:
            self._busy -= 1

    def _on_timer_update(self) -> None:
        if not self._painted:
            if not self._settled() or self.app._batch_count:
                return  # (the timer goes on ticking)
            self._painted = True
            if self._repaint_required:
                # This first frame paints the whole screen, each widget as it is
                # now: a repaint a widget asked for before it would be sent to the
                # screen once that widget is idle, and paint it a second time.
                for widget in self.walk_children():
                    widget._repaint_required = False
        super()._on_timer_update()

    async def _on_idle(self, event) -> None:
        # (runs before Screen's own handler, which resumes the timer)
        if not self._painted and self._settled() and not self.app._batch_count:
            self._on_timer_update()  # the first frame, now

    def _on_screen_resume(self, event) -> None:
        # (runs before Screen's own handler)
        if not self._resumed:
            self._resumed = True
            # just made: its styles were applied as its widgets were mounted
            event.refresh_styles = False

    def _refresh_layout(self, size=None, scroll: bool = False) -> None:
        if self._repaint_required:
            # A full repaint is due (Screen._on_timer_update paints after the
            # layout; on resume, Screen asks for it after the layout): lay out
            # without painting the screen twice.
            self._hold_paint = True
            try:
                super()._refresh_layout(size, scroll)
            finally:
                self._hold_paint = False
            return
        super()._refresh_layout(size, scroll)

    def _compositor_refresh(self) -> None:
        if not self._hold_paint:
            super()._compositor_refresh()

    async def _on_resize(self, event) -> None:
        # (runs before Screen's own handler) A screen just mounted gets a Resize,
        # and Screen's handler then lays out every screen below it again, at the
        # size they already have: the article screen is reflowed and its scrollbar
        # drawn anew through Rich, for the dimmed copy of the modal's first frame
        # (a third of the CPU of opening a picker). Here the screens below are
        # laid out only if their size really changed; the rest is Screen's handler.
        app = self.app
        if app.HORIZONTAL_BREAKPOINTS or app.VERTICAL_BREAKPOINTS or self.HORIZONTAL_BREAKPOINTS or self.VERTICAL_BREAKPOINTS:
            return  # Screen's handler, breakpoints and all
        event.stop()
        event.prevent_default()
        self._screen_resized(event.size)
        for screen in app._background_screens:
            if screen is not self and screen._compositor.size != event.size:
                screen._screen_resized(event.size)


class QuickModal(_FrozenBackground, ModalScreen):
    """A modal screen whose dimmed copy of the screen below is drawn once."""

    # The boxes of the help screen and of the pickers and prompts: here rather than
    # in styles/annotator.tcss, so that they are parsed when the first modal opens,
    # not before the app's first frame. Not scoped: the rules name their screens
    # and boxes as the app's stylesheet did.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    HelpScreen, Picker {
        align: center middle;
    }

    #help-box {
        width: 90;
        max-width: 95%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 2;
    }

    #help-title, #picker-title {
        text-style: bold;
        color: $accent;
    }

    #picker-box {
        width: 60;
        height: auto;
        max-height: 80%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }

    #picker-list {
        height: auto;
        max-height: 20;
    }

    #picker-note {
        display: none;
        color: $warning;
    }
    """


class HelpScreen(QuickModal):
    """Every key, built from the live bindings."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str]], intro: str) -> None:
        super().__init__()
        self.rows = rows
        #: the prose, with the keys of this keymap (``help_intro``)
        self.intro = intro

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        table = "\n".join(f"{k:<{width}}{d}" for k, d in self.rows)
        with VerticalScroll(id="help-box"):
            yield Static(Content(f"Keys of annotator   ({self.close_key()} closes)"), id="help-title")
            yield Static(Content(self.intro), id="help-intro")
            yield Static(Content(table), id="help-keys")

    def close_key(self) -> str:
        """The key that closes the help (``esc``), as the keymap has it."""
        return key_for(self.app, "help.close", HelpScreen)

    def action_dismiss(self) -> None:
        self.dismiss(None)


class _FilterInput(LineInput):
    """Calls ``on_value`` as the value changes, in the same frame as the keystroke
    (an ``Input.Changed`` message is handled after that frame: two repaints a key)."""

    on_value = None

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self.on_value is not None:
            self.on_value(value)


def _resize_keeping_rows(option_list: OptionList, event) -> None:
    """An OptionList's Resize handler that keeps its rendered rows when its
    width is the one they were drawn at.

    OptionList throws every row away on any resize and paints them all again,
    in a frame of its own: its first Resize comes after the modal's first frame,
    which drew them at the size laid out (nothing is drawn before the first
    layout), so that frame painted the list twice."""
    event.prevent_default()
    width = event.size.width
    if width != getattr(option_list, "_rows_width", width):
        option_list._clear_caches()
    option_list._rows_width = width


class _FixedList(OptionList):
    """An OptionList of a fixed height whose filtering lays out nothing else.

    Its height is set once, for every choice (the picker box never moves while
    you type); a change of the options changes only its virtual size, which
    Textual would otherwise answer with a layout of the whole screen."""

    # (nor a repaint: its rows are painted as the options change, and its first
    # rows, measured as they are first painted, would paint the list again)
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)

    def _on_resize(self, event) -> None:
        _resize_keeping_rows(self, event)


#: the width a choice's text wraps at in the picker (its box is 60 cells wide, less
#: the box's border and padding, the list's border, an option's padding and room
#: for a scrollbar); a little narrower than it is, so no choice takes more rows
#: than counted
_CHOICE_WIDTH = 48


def _rows(options: list[Option]) -> int:
    """How many rows ``options`` take in the picker's list."""
    return sum(len(Content(str(o.prompt)).wrap(_CHOICE_WIDTH)) for o in options)


class Picker(QuickModal):
    """Pick one of many strings: type to filter, enter picks, esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next choice", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous choice", show=False, id="picker.up"),
    ]

    def __init__(
        self, title: str, choices: list[str], hints: dict[str, str] | None = None, *, allow_new: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hints = hints or {}
        #: enter on a filter that matches nothing picks the typed text itself
        self.allow_new = allow_new

    def compose(self) -> ComposeResult:
        with Box(id="picker-box"):
            yield Static(Content(self.title_text), id="picker-title")
            field = _FilterInput(placeholder=f"type to filter, enter picks, {self.cancel_key()} cancels", id="picker-input")
            field.on_value = self._filter
            yield field
            options = self._options("")
            self._shown = [o.id for o in options]
            lst = _FixedList(*options, id="picker-list", markup=False)
            # the rows the choices take (up to 18), plus the two rows of the list's
            # tall border: a list too short for its wrapped choices shows a
            # scrollbar, which costs two more frames when the picker opens
            lst.styles.height = max(1, min(_rows(options), 18)) + 2
            yield lst
            yield Static(Content(""), id="picker-note")

    def _options(self, query: str) -> list[Option]:
        q = query.lower()
        out = []
        for c in self.choices:
            hint = self.hints.get(c, "")
            if q in c.lower() or (hint and q in hint.lower()):
                out.append(Option(Content(f"{c}  {hint}".rstrip()), id=c))
        return out

    def _filter(self, value: str) -> None:
        if not self.is_mounted:
            return
        options = self._options(value)
        self._note("" if options or self.allow_new else f"no choice matches {value!r}")
        ids = [o.id for o in options]
        if ids == self._shown:
            return
        self._shown = ids
        lst = self.query_one(OptionList)
        lst.set_options(options)
        if lst.option_count:
            lst.highlighted = 0

    def _note(self, text: str) -> None:
        note = self.query_one("#picker-note", Static)
        if note.display == bool(text) and str(note.content) == text:
            return  # unchanged: no repaint for this keystroke
        note.display = bool(text)
        note.update(Content(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # filtered already, as the value changed (_filter)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        lst = self.query_one(OptionList)
        if lst.highlighted is not None and lst.option_count:
            self.dismiss(lst.get_option_at_index(lst.highlighted).id)
        elif self.allow_new and event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self._note(f"no choice matches {event.value!r}: backspace and type again, {self.cancel_key()} cancels")
            self.app.bell()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def cancel_key(self) -> str:
        """The key that cancels the picker (``esc``), as the keymap has it; one
        typed into the filter (a printable one) does not."""
        return key_for(self.app, "picker.cancel", Picker, typing=True)

    def action_move(self, delta: int) -> None:
        lst = self.query_one(OptionList)
        if not lst.option_count:
            return
        cur = lst.highlighted if lst.highlighted is not None else -1
        lst.highlighted = max(0, min(lst.option_count - 1, cur + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskValue(QuickModal):
    """One line of text, checked before it is taken: enter confirms, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, value: str = "", check: Callable[[str], str | None] | None = None, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.check = check
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Box(id="picker-box"):
            yield Static(Content(self.title_text), id="picker-title")
            yield LineInput(value=self.value, placeholder=self.placeholder, id="value-input")
            yield Static(Content(""), id="picker-note")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        wrong = self.check(value) if self.check is not None and value else None
        if wrong:
            note = self.query_one("#picker-note", Static)
            note.display = True
            note.update(Content(wrong))
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskNumber(QuickModal):
    """Ask for one number (a minimum score): enter confirms, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, default: float) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Box(id="picker-box"):
            yield Static(Content(self.title_text), id="picker-title")
            yield LineInput(value=f"{self.default:g}", type="number", id="number-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = float(event.value)
        except ValueError:
            self.app.bell()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskText(QuickModal):
    """Ask for one line of text (a path): enter confirms (empty allowed), esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Box(id="picker-box"):
            yield Static(Content(self.title_text), id="picker-title")
            yield LineInput(placeholder=self.placeholder, id="text-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
