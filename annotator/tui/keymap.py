"""The user's keymap on the app's bindings: listing, checking, applying.

Every binding of the app has an ``id``; ``[keymap]`` in the settings maps ids
to keys and Textual's ``App.set_keymap`` applies it. This module knows which
bindings act together (a *context*: the article and the app, the find prompt,
a picker, ...), so it can list them for ``annotator keys`` and refuse a keymap
that gives one key two meanings in one context.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys, _character_to_key, key_to_character

from ..errors import InputError
from ..model import FACTORY
from ..settings import Settings, _toml_string


@dataclass(init=False, repr=False, eq=False)  # the methods below: see annotator.model
class Row:
    """One line of the key list: a context, a binding id, its keys, what it does."""

    context: str
    id: str
    keys: list[str] = field(default_factory=list)
    description: str = ""
    action: str = ""

    def __init__(self, context, id, keys=FACTORY, description="", action=""):
        self.context = context
        self.id = id
        self.keys = list() if keys is FACTORY else keys
        self.description = description
        self.action = action

    def __repr__(self):
        return f"{self.__class__.__qualname__}(context={self.context!r}, id={self.id!r}, keys={self.keys!r}, description={self.description!r}, action={self.action!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.context, self.id, self.keys, self.description, self.action) == (other.context, other.id, other.keys, other.description, other.action)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as dataclass(eq=True) leaves it


class RemapDisplayMixin:
    """Mixed into an App: a remapped binding shows its new key (footer, help,
    palette), not the display text it was declared with (``1-9``, ``n/]``)."""

    def footer_key_display(self, binding: Binding) -> str:
        """The key as the footer shows it: its entry for the nine labels (``label_1``'s)
        gives each label's key once one is remapped (``p 2-9``)."""
        if binding.id == "label_1" and any(f"label_{d}" in self._keymap for d in range(1, 10)):
            return self._label_keys_display()
        return self.get_key_display(binding)

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """A printable key typed into an input (the find bar, a picker's filter) is
        the input's, even when the keymap put it on a priority binding of the app
        (``next_suggestion = "tab,s"``): Textual leaves out the keys an input takes
        before it applies the keymap (``Screen._binding_chain``), so the remapped
        key reached the binding and never the input ("sources" was found as
        "ource"). A key no input takes goes on as before."""
        if priority and self._keymap:
            focused = self.screen.focused
            if focused is not None and any(
                node.check_consume_key(key, key_to_character(key)) for node in focused.ancestors_with_self
            ):
                return False
        return await super()._check_bindings(key, priority)

    def keys_now(self) -> dict[str, list[str]]:
        """Binding id -> the keys (Textual's names) that reach it now (``live_keys``):
        what the help, the palette and the hints name."""
        return live_keys(self)

    def key_for(self, binding_id: str, owner: type | None = None, *, typing: bool = False) -> str:
        """The first key that reaches ``binding_id`` now, as a hint names it
        (``self.key_for("attribution")`` is ``a``, or the user's key for it)."""
        return key_for(self, binding_id, owner, typing=typing)

    def label_key(self, digit: str | None) -> str:
        """The key that tags with the schema's label on ``digit`` (``label_1`` ..
        ``label_9``), as a hint names it: the digit itself, or the user's key."""
        if digit is not None and len(digit) == 1 and digit in "123456789":
            return self.key_for(f"label_{digit}")
        return digit or ""

    def get_key_display(self, binding: Binding) -> str:
        if binding.key_display and binding.id and binding.id in self._keymap:
            binding = replace(binding, key_display=None)
        return super().get_key_display(binding)

    def _label_keys_display(self) -> str:
        """The nine label keys as the footer's one entry shows them ("1-9" by default):
        each label's first key, a run of consecutive digits written as one (p 2-9)."""
        keys = []
        for d in range(1, 10):
            given = self._keymap.get(f"label_{d}")
            first = given.split(",")[0].strip() if given else str(d)
            keys.append(super().get_key_display(Binding(first, "", "")))
        out: list[str] = []
        run: list[str] = []
        for k in keys + [""]:
            if run and k.isdigit() and len(k) == 1 and int(k) == int(run[-1]) + 1:
                run.append(k)
                continue
            if run:
                out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
                run = []
            if k.isdigit() and len(k) == 1:
                run = [k]
            elif k:
                out.append(k)
        return " ".join(out)


def contexts() -> dict[str, list[type]]:
    """Bindings that are live together, innermost (focused) first."""
    from .adjudicate import AdjudicateScreen
    from .app import AnnotatorApp
    from .article_view import ArticleView
    from .corpus_screen import CorpusScreen
    from .corpus_table import CorpusTable
    from .review_queue import ReviewQueueScreen
    from .screens import AskNumber, AskText, AskValue, HelpScreen, Picker
    from .inputs import FindBar

    found = {
        "article": [ArticleView, AnnotatorApp],
        "find": [FindBar],
        "picker": [Picker],
        "help": [HelpScreen],
        "ask": [AskNumber, AskText, AskValue],
        "adjudicate": [ArticleView, AdjudicateScreen],
        "corpus": [CorpusTable, CorpusScreen],
        "queue": [ReviewQueueScreen],
    }
    return found


def normalise(keymap: dict[str, str]) -> dict[str, str]:
    return App._normalize_keymap({k: ",".join(p.strip() for p in v.split(",") if p.strip()) for k, v in keymap.items()})


def _maps(classes: list[type], keymap: dict[str, str]) -> list[BindingsMap]:
    maps = []
    for cls in classes:
        bindings = cls._merge_bindings().copy()
        if keymap:
            bindings.apply_keymap(keymap)
        maps.append(bindings)
    return maps


def display(key: str) -> str:
    """A key as a keymap may spell it: the character itself, else Textual's name."""
    char = "/" if key == "slash" else key_to_character(key)
    return char if char is not None and char.isprintable() and not char.isspace() else key


#: how the app's prose (the help's text, the status line's hints, a prompt's
#: placeholder) names a key otherwise written as a keymap spells it
_PROSE_NAMES = {"escape": "esc"}


def prose(key: str) -> str:
    """A key (Textual's name) as the app's prose names it: ``/``, ``esc``, ``enter``, ``ctrl+z``."""
    return _PROSE_NAMES.get(key, display(key))


def screen_bindings(screen) -> dict[str, Binding]:
    """Key -> the binding it reaches on ``screen`` now (the user's keymap applied),
    as Textual's ``Screen.active_bindings`` finds them (from the focused widget up,
    stopping at a modal screen; a priority binding wins) but whether or not the
    action is enabled now: the app turns its own keys off while a modal screen
    (the palette) is on top, and the changes on a read-only article, and those
    keys still are the binding's. Nor are the keys an input would take left out
    (the find bar focused): a hint names a key of the article, not of the prompt."""
    app = screen.app
    focused = screen.focused
    if focused is not None and focused.loading:
        focused = None
    nodes = [screen, app] if focused is None else list(focused.ancestors_with_self)
    keymap = app._keymap
    found: dict[str, Binding] = {}
    for node in nodes:
        bindings = node._bindings
        if keymap:
            bindings = bindings.copy()
            bindings.apply_keymap(keymap)
        for key, binding in bindings:
            there = found.get(key)
            if there is None or (binding.priority and not there.priority):
                found[key] = binding
        if node.is_modal:
            break
    return found


def ids_to_keys(bindings: dict[str, Binding]) -> dict[str, list[str]]:
    """Binding id -> its keys, in order, of a ``screen_bindings`` map."""
    keys: dict[str, list[str]] = {}
    for key, binding in bindings.items():
        if binding.id is not None:
            keys.setdefault(binding.id, []).append(key)
    return keys


def live_keys(app) -> dict[str, list[str]]:
    """Binding id -> the keys (Textual's names) that reach it now, in order, on
    every screen of the app (the article's first, then those on top of it)."""
    keys: dict[str, list[str]] = {}
    for screen in app.screen_stack:
        for binding_id, got in ids_to_keys(screen_bindings(screen)).items():
            keys.setdefault(binding_id, got)
    return keys


@lru_cache(8)
def _declared_keys(keymap: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    return {row.id: row.keys for row in rows(dict(keymap))}


def keys_for(app, binding_id: str, owner: type | None = None, *, typing: bool = False) -> list[str]:
    """The keys (Textual's names) that reach the binding ``binding_id`` now, in
    order: as the app's screens bind them (``live_keys``); for a binding of no
    screen on show (a prompt yet to open), as ``owner`` (its class) declares it,
    the keymap applied; else as ``annotator keys`` lists it. ``typing``: only the
    keys an input leaves to the bindings of its screen (a printable key is typed
    into it, ctrl+x cuts its text)."""
    keys = live_keys(app).get(binding_id)
    if keys is None and owner is not None:
        bindings = owner._merge_bindings().copy()
        if app._keymap:
            bindings.apply_keymap(app._keymap)
        keys = [key for key, b in bindings if b.id == binding_id] or None
    if keys is None:
        keys = _declared_keys(tuple(sorted(app._keymap.items()))).get(binding_id, [])
    if typing:
        taken = _input_keys()
        keys = [k for k in keys if k not in taken and not ((c := key_to_character(k)) is not None and c.isprintable())]
    return keys


@lru_cache(1)
def _input_keys() -> frozenset[str]:
    """The keys an input binds itself (its editing keys: ctrl+x, home, ...)."""
    from textual.widgets import Input

    return frozenset(key for key, _ in Input._merge_bindings())


def key_for(app, binding_id: str, owner: type | None = None, *, typing: bool = False) -> str:
    """The first key that reaches ``binding_id`` now, as a hint names it (``prose``):
    what the status line's hints and a prompt's placeholder say to press."""
    keys = keys_for(app, binding_id, owner, typing=typing)
    return prose(keys[0]) if keys else f"({binding_id}: no key)"


def extend_keys(keys: dict[str, list[str]]) -> str:
    """The keys that extend a selection by a token, as the prose says them:
    ``shift+arrows`` (the default), else each one's first (``H/L``)."""
    prev, next_ = keys.get("article.extend_prev"), keys.get("article.extend_next")
    if [prev, next_] == [["shift+left"], ["shift+right"]]:
        return "shift+arrows"
    return "/".join(prose(k[0]) if k else f"({i}: no key)" for i, k in
                    (("article.extend_prev", prev), ("article.extend_next", next_)))


def rows(keymap: dict[str, str] | None = None) -> list[Row]:
    """Every binding id with its keys (after the keymap) and what it does."""
    keymap = normalise(keymap or {})
    out: dict[tuple[str, str], Row] = {}
    for context, classes in contexts().items():
        for bindings in _maps(classes, keymap):
            for key, binding in bindings:
                if binding.id is None:
                    continue
                row = out.get((context, binding.id))
                if row is None:
                    desc = binding.description or binding.action.replace("_", " ")
                    if binding.id.startswith("label_"):
                        desc = f"label {binding.id[6:]}"
                    row = out[(context, binding.id)] = Row(context, binding.id, [], desc, binding.action)
                if key not in row.keys:
                    row.keys.append(key)
    # An id shared by two contexts (the article view's moves in the
    # adjudication screen) is listed once, in the first.
    seen: set[str] = set()
    result = []
    for row in out.values():
        if row.id in seen:
            continue
        seen.add(row.id)
        result.append(row)
    return result


#: modifiers as Textual names them in a key event, in the (sorted) order it joins them
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
KEY_NAMES_LOOK_LIKE = "key names look like a, A, /, enter, escape, space, f1, pageup, ctrl+f, shift+tab, alt+left"


@lru_cache(1)
def _key_names() -> frozenset[str]:
    """Names (without modifiers) Textual gives a key that is not one character."""
    names = {k.value.rpartition("+")[2] for k in Keys}
    try:  # the kitty keyboard protocol's keys (a private module: its absence is no error)
        from textual._keyboard_protocol import FUNCTIONAL_KEYS

        names.update(FUNCTIONAL_KEYS.values())
    except ImportError:  # pragma: no cover - another Textual
        pass
    names.update(REPLACED_KEYS, KEY_TO_UNICODE_NAME, ("space", "enter", "tab", "escape"))
    # (a character's Unicode name that Textual replaces by a shorter one: it sends
    # "plus" for +, never "plus_sign"; a binding on "plus_sign" never fired)
    names.difference_update(REPLACED_KEYS.values())
    return frozenset(n for n in names if len(n) > 1 and re.fullmatch(r"[a-z0-9_]+", n))


def is_key(key: str) -> bool:
    """Whether Textual can ever send ``key``: a character, or its name for a key
    (``enter``, ``question_mark``), after modifiers in its order (``ctrl+shift+up``)."""
    if len(key) == 1:
        return key.isprintable()
    *mods, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in mods) or mods != sorted(set(mods)):
        return False
    if len(base) == 1:  # a character with modifiers: Textual sends it lowercase (ctrl+z),
        # and shift on a character is the character itself (A, !)
        return base.isprintable() and not base.isupper() and mods != ["shift"]
    if base in _key_names():
        return True
    char = key_to_character(base)  # a character's name as Textual spells it (full_stop)
    return char is not None and _character_to_key(char) == base


def key_suggestion(key: str) -> str | None:
    """A key Textual has, close to one it does not (``Ctrl+Z`` -> ``ctrl+z``)."""
    lower = key.lower()
    if lower != key and is_key(lower):
        return lower
    *mods, base = lower.split("+")
    fixed = []
    for m in mods:
        m = {"control": "ctrl", "option": "alt", "cmd": "super", "command": "super", "win": "super"}.get(m, m)
        close = [m] if m in MODIFIERS else difflib.get_close_matches(m, MODIFIERS, n=1)
        if not close:
            return None
        fixed.append(close[0])
    mods = sorted(set(fixed))
    if mods == ["shift"] and len(key.rpartition("+")[2]) == 1:
        return key.rpartition("+")[2].upper()
    sent = {v: k for k, v in REPLACED_KEYS.items()}  # ("plus_sign": Textual sends "plus")
    if base in sent:
        bases = [sent[base]]
    else:
        bases = [base] if (base in _key_names() or len(base) == 1) else difflib.get_close_matches(base, sorted(_key_names()), n=1)
    for b in bases:
        guess = "+".join([*mods, b])
        if guess != key and is_key(guess):
            return guess
    return None


#: keys a terminal sends as another key: the name Textual gives what arrives
SAME_IN_A_TERMINAL = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+left_square_bracket": "escape"}


def check_keys(settings: Settings) -> None:
    """InputError for a key name Textual never sends (``Ctrl+Z``, ``ctrl+fooo``,
    and ``ctrl+i``, which a terminal sends as tab)."""
    for binding_id, keys in settings.keymap.items():
        for key in (k.strip() for k in keys.split(",")):
            if key in SAME_IN_A_TERMINAL:
                raise InputError(
                    settings.line_of(f"keymap.{binding_id}"),
                    f"keymap: {binding_id}: {key!r} reaches the app as {SAME_IN_A_TERMINAL[key]} "
                    f"(a terminal sends them alike): give another key",
                )
            if key and not is_key(key):
                close = key_suggestion(key)
                hint = f" (did you mean {close}?)" if close else ""
                raise InputError(
                    settings.line_of(f"keymap.{binding_id}"),
                    f"keymap: {binding_id}: unknown key {key!r}{hint}; {KEY_NAMES_LOOK_LIKE}",
                )


#: what the bindings without an id do, in a clash message
_UNNAMED = {
    "command_palette": "the command palette",
    "quit": "Textual's own quit",
    "help_quit": "Textual's own ctrl+c (copy, or how to quit)",
    "copy": "copy",
    "screen.copy_text": "copy",
    "app.focus_next": "the next field",
    "app.focus_previous": "the previous field",
}


def _name(binding: Binding) -> str:
    """A binding's id, else what it does (a key of Textual's own has no id)."""
    if binding.id is not None:
        return binding.id
    action = binding.action
    return _UNNAMED.get(action) or f"Textual's own {action.replace('_', ' ')}"


def app_keys() -> list[tuple[str, Binding]]:
    """The app's own keys without an id, live on every screen: quit (ctrl+q),
    ctrl+c and the command palette (ctrl+p)."""
    from .app import AnnotatorApp

    found = [(key, b) for key, b in AnnotatorApp._merge_bindings() if b.id is None]
    if AnnotatorApp.ENABLE_COMMAND_PALETTE:
        for key in AnnotatorApp.COMMAND_PALETTE_BINDING.split(","):
            found.append((key.strip(), Binding(key.strip(), "command_palette", "palette", show=False)))
    return found


def _file_rank(settings: Settings, binding_id: str) -> tuple[int, int]:
    """Which settings file set ``binding_id`` (0 the first read, the user's, ...),
    and on which line: the later of two lines of one file makes a clash."""
    path = settings.origin.get(f"keymap.{binding_id}")
    rank = settings.files.index(path) if path in settings.files else -1
    where = settings.line_of(f"keymap.{binding_id}").rpartition(":")[2]
    return rank, int(where) if where.isdigit() else 0


def known_ids() -> set[str]:
    return {row.id for row in rows()}


def check(settings: Settings) -> dict[str, str]:
    """The settings' keymap, normalised; InputError for an unknown id or a clash."""
    keymap = settings.keymap
    if not keymap:
        return {}
    known = known_ids()
    for binding_id in keymap:
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else " (`annotator keys` lists them)"
            raise InputError(settings.line_of(f"keymap.{binding_id}"), f"keymap: unknown binding id {binding_id!r}{hint}")
    check_keys(settings)
    normal = normalise(keymap)
    everywhere = app_keys()
    for context, classes in contexts().items():
        by_key: dict[str, list[Binding]] = {}
        for bindings in _maps(classes, normal):
            for key, binding in bindings:
                if binding.id is not None:
                    by_key.setdefault(key, []).append(binding)
        # A binding the keymap leaves alone keeps its keys: Textual drops it
        # silently when a remapped binding of the same node takes one of them;
        # so does one without an id (a prompt's cursor keys, a screen's tab),
        # and the app's own keys (ctrl+q, ctrl+c, ctrl+p) are live everywhere.
        kept = [(key, b) for cls in classes for key, b in cls._merge_bindings() if b.id not in normal]
        for key, binding in kept + everywhere:
            bound = by_key.setdefault(key, [])
            if all(_name(b) != _name(binding) for b in bound):
                bound.append(binding)
        for key, bound in by_key.items():
            names = list(dict.fromkeys(_name(b) for b in bound))
            remapped = [b.id for b in bound if b.id in normal]
            if len(names) > 1 and remapped:
                # the file read last made the clash (the user's own is fine alone)
                mine = max(remapped, key=lambda i: _file_rank(settings, i))
                other = next(n for n in names if n != mine)
                hint = f"give {mine} another key" if other not in known else "give one of them another key"
                there = ""
                if other in normal and settings.origin.get(f"keymap.{other}") != settings.origin.get(f"keymap.{mine}"):
                    there = f" ({other} = {_toml_string(settings.keymap[other])} in {settings.line_of(f'keymap.{other}')})"
                raise InputError(
                    settings.line_of(f"keymap.{mine}"),
                    f"keymap: {display(key)!r} is bound to both {mine} and {other}{there}; {hint}",
                )
    _check_prompt_keys(settings, normal)
    return normal


#: the contexts where a text field has the focus (what is typed goes into it)
PROMPTS = ("find", "picker", "ask")
#: a text field's keys a prompt's own binding may still take (it moves or submits)
_PROMPT_MAY_TAKE = {"enter", "up", "down", "pageup", "pagedown", "ctrl+pageup", "ctrl+pagedown", "escape", "tab"}


def _check_prompt_keys(settings: Settings, normal: dict[str, str]) -> None:
    """InputError for a prompt's binding remapped to a key its text field takes
    first: a character (typed into the filter: ``picker.cancel = "q"``), or one of
    the field's editing keys (``ctrl+x`` cuts): it would never fire."""
    from textual.widgets import Input

    editing = {key for key, _ in Input._merge_bindings()} - _PROMPT_MAY_TAKE
    found = contexts()
    for context in PROMPTS:
        for bindings in _maps(found[context], normal):
            for key, binding in bindings:
                if binding.id not in normal:
                    continue
                char = key_to_character(key)
                typed = char is not None and char.isprintable()
                if typed or (key in editing and not binding.priority):
                    why = "is typed into the prompt" if typed else "is the prompt's own editing key"
                    raise InputError(
                        settings.line_of(f"keymap.{binding.id}"),
                        f"keymap: {binding.id}: {display(key)!r} {why}, so it would never reach {binding.id}; "
                        "give a key with ctrl, alt or a function key",
                    )
