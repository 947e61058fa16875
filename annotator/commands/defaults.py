"""What an option means when it is not given: the settings' value, else the built-in one.

Every command that takes ``--schema`` or ``--annotations`` asks here, so a
``schema`` or ``annotations`` set in ``annotator.toml`` (or the user's
``config.toml``) means the same thing to all of them. A bad settings file is one
line naming file:line (``settings.load`` raises ``InputError``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Settings, load

if TYPE_CHECKING:
    import argparse

SCHEMA_HELP = "label schema (default: settings, else the built-in news schema)"
ANNOTATIONS_HELP = "where YAML goes (default: settings, else ./annotations)"


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings, read once per command run (kept on ``args``)."""
    got = getattr(args, "_settings", None)
    if got is None:
        got = load()
        args._settings = got
    return got


def schema_file(args: argparse.Namespace) -> Path | None:
    """``--schema``, else the settings' ``schema``, else None (the built-in schema)."""
    given = getattr(args, "schema", None)
    if given:
        return Path(given)
    return settings_of(args).schema_file()


def schema(args: argparse.Namespace):
    """The schema the command works with (loaded and checked)."""
    from ..schema import default_schema, load_schema

    path = schema_file(args)
    return load_schema(path) if path else default_schema()


def annotations_dir(args: argparse.Namespace) -> Path:
    """``--annotations``, else the settings' ``annotations``, else ``./annotations``."""
    given = getattr(args, "annotations", None)
    if given:
        return Path(given)
    return Path(settings_of(args).annotations or "annotations")


def with_schema_hint(err, args: argparse.Namespace, annotations_dir: Path, how: str = "give --schema {path}"):
    """``err`` (an InputError), with a hint when it is a label (type, role) the
    schema lacks and no ``--schema`` was given, but a schema that ``annotator import``
    wrote under the annotations folder (``schemas/``) declares it: the one to give."""
    import re

    from ..errors import InputError

    if getattr(args, "schema", None) or not isinstance(err, InputError):
        return err
    m = re.search(r"'([^']+)' is not in the schema", err.problem)
    folder = Path(annotations_dir) / "schemas"
    if m is None or not folder.is_dir():
        return err
    from ..schema import load_schema

    name = m.group(1)
    for path in sorted(folder.glob("*.yaml")):
        try:
            schema = load_schema(path)
        except InputError:
            continue
        if schema.has_entity(name) or schema.has_event(name) or name in schema.relation_types:
            hint = f" (the schema {path} declares it: {how.format(path=path)})"
            return InputError(err.where, err.problem + hint, err.line)
    return err


def user(args: argparse.Namespace) -> str:
    """``--annotator``, else the settings' ``annotator``, else $USER (``annotator``
    when there is none): the name every command that changes annotations records
    as ``by`` (the app, ``audit --view``)."""
    return (
        getattr(args, "annotator", None) or settings_of(args).annotator
        or os.environ.get("USER") or os.environ.get("USERNAME") or "annotator"
    )


def terminal_problem() -> str | None:
    """Why the app cannot run here, or None: it needs a terminal on stdin and
    stdout, unless Textual is given a driver of its own (``annotator serve`` runs it
    in a browser through ``TEXTUAL_DRIVER``). Without one (a script, cron, ``ssh``
    without ``-t``) Textual ran headless, at 90 % of a core, holding the article's
    lock, so the user's real session opened it read-only."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    which = "stdin" if not sys.stdin.isatty() else "stdout"
    return (f"{which} is not a terminal: the app needs one (over ssh: ssh -t; in a browser: annotator serve; "
            "in a script: validate, status, export)")
