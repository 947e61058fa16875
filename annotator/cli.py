"""The command line: parse, call, print. Each subcommand lives in
``annotator/commands/<name>.py`` and provides ``register(subparsers)``, which
adds its parser and sets ``func`` (a callable taking the parsed args and
returning an exit status).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    import argparse

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS = [
    "annotate",
    "validate",
    "suggest",
    "import_",
    "export",
    "audit",
    "agree",
    "merge",
    "merge_file",
    "train",
    "status",
    "serve",
    "keys",
]

#: What the command line's first word may be (anything else is a PATH to annotate).
KNOWN = {name.rstrip("_").replace("_", "-") for name in COMMANDS} | {"-h", "--help", "--version"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``only`` that one (``main`` builds
    just the one it runs: importing every command module, the audit's among them,
    was a tenth of the app's startup)."""
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles from the keyboard. With no command: annotate.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name.rstrip("_").replace("_", "-") != only:
            continue
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"commands.{name}"):
                continue  # not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `annotator [PATH ...]` is `annotator annotate [PATH ...]`.
    if not argv or argv[0] not in KNOWN:
        argv = ["annotate", *argv]
    parser = build_parser(only=argv[0] if argv[0] not in ("-h", "--help", "--version") else None)
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
    except InputError as err:
        print(f"annotator: {err.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main())
