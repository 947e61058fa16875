"""`annotator keys`: every binding id, its keys (after your keymap) and what it does."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "keys",
        help="list every key binding: its id (for [keymap] in the settings), keys and what it does",
        description=(
            "List every key binding of the app with its id, its keys after the keymap of your settings "
            "(annotator.toml here, then $XDG_CONFIG_HOME/annotator/config.toml) and what it does."
        ),
    )
    p.add_argument("--json", action="store_true", help="print JSON (a list of {context, id, keys, description})")
    p.set_defaults(func=run)


def load_checked(theme: str | None = None):
    """Settings with their keymap and theme checked: (settings, keymap, theme).

    One InputError (file:line) for a bad file, an unknown binding id, a key
    clash or a theme Textual does not have."""
    from ..settings import load

    settings = load()
    return (settings, *checked(settings, theme))


def checked(settings, theme: str | None = None):
    """(keymap, theme) of ``settings``, checked as ``load_checked`` says (this
    imports Textual: its bindings and themes)."""
    from ..errors import InputError
    from ..tui.keymap import check

    keymap = check(settings)
    chosen = theme or settings.theme
    if chosen:
        from textual.theme import BUILTIN_THEMES

        if chosen not in BUILTIN_THEMES:
            where = settings.line_of("theme") if not theme else "--theme"
            raise InputError(where, f"unknown theme {chosen!r} (themes: {', '.join(sorted(BUILTIN_THEMES))})")
    return keymap, chosen


def run(args: argparse.Namespace) -> int:
    from ..schema import default_schema, load_schema
    from ..tui.keymap import display, rows

    settings, keymap, _theme = load_checked()
    schema_file = settings.schema_file()
    schema = load_schema(schema_file) if schema_file else default_schema()
    table = rows(keymap)
    for row in table:
        if row.id.startswith("label_"):
            lab = schema.label_for_key(row.id[6:])
            row.description = f"tag as {lab}" if lab else f"tag with the label on key {row.id[6:]} (none in this schema)"
    if args.json:
        print(json.dumps([{"context": r.context, "id": r.id, "keys": [display(k) for k in r.keys], "description": r.description} for r in table], indent=1))
        return 0
    width_id = max(len(r.id) for r in table)
    width_keys = max(len(", ".join(display(k) for k in r.keys)) for r in table)
    context = None
    for r in table:
        if r.context != context:
            context = r.context
            print(f"{'' if context == table[0].context else chr(10)}[{context}]")
        keys = ", ".join(display(k) for k in r.keys)
        mark = "*" if r.id in keymap else " "
        print(f"  {r.id:<{width_id}}  {keys:<{width_keys}} {mark} {r.description}")
    if settings.files:
        print(f"\n* remapped by {', '.join(str(f) for f in settings.files)}")
    return 0
