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
    parser.set_defaults(quick_exit=False)
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
    whole_process = argv is None  # the command line's: nothing runs after main()
    argv = list(sys.argv[1:] if argv is None else argv)
    # `annotator [PATH ...]` is `annotator annotate [PATH ...]`.
    if not argv or argv[0] not in KNOWN:
        argv = ["annotate", *argv]
    parser = build_parser(only=argv[0] if argv[0] not in ("-h", "--help", "--version") else None)
    args = parser.parse_args(argv)
    # a command that only writes files may leave at once (``quick_exit``): not when
    # main() is called in a process that goes on (tests, scripts: ``argv`` given)
    args.quick_exit = args.quick_exit and whole_process
    try:
        status = args.func(args)
        if whole_process:
            sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
    except InputError as err:
        print(f"annotator: {err.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        if not stdout_gone():
            raise  # another pipe (a worker's): not the reader of the output leaving
        return PIPE_GONE
    status = int(status or 0)
    if args.quick_exit:
        quick_exit(status)
    return status


#: the status of a command whose reader left (``annotator keys | head``): 1, as
#: Python's documentation does and Rich (the tables of ``status``, ``audit``) does
PIPE_GONE = 1


def stdout_gone() -> bool:
    """Has the reader of stdout closed its end (a pipe to ``head``)? If so, stdout
    now writes to /dev/null, so that what is still buffered is not flushed at exit
    into the closed pipe (a second error, printed as a traceback)."""
    import os
    import select

    try:
        fd = sys.stdout.fileno()
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        gone = any(ev & select.POLLERR for _, ev in poll.poll(0))
    except (AttributeError, OSError, ValueError):
        return False
    if gone:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    return gone


def quick_exit(status: int) -> None:
    """Leave the process now, with ``status``, once stdout and stderr are flushed:
    no interpreter shutdown, which frees every object one by one (a command that
    suggested on 1 MB holds a million of them: 0.02 s) and runs no ``atexit``
    hook (the package registers none; a command opts in with ``quick_exit``
    only when everything it writes is written and closed)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
