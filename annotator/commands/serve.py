"""`annotator serve [PATH...]`: the same app in a web browser, through textual-serve.

textual-serve runs a small web server; each browser tab that opens the page
gets its own ``annotator annotate ...`` process (started through the shell with
Textual's web driver), whose screen and keys travel over a websocket. So
everything the terminal app does holds in the browser too: the same YAML, the
journal, and the lock (a second tab on the same article opens it read-only).

Only this machine can connect unless ``--host`` names another interface.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from ..errors import InputError

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
INSTALL_HINT = "needs textual-serve, which is not installed: pip install 'annotator[serve]' (or: pip install textual-serve)"


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="the app in a web browser on this machine (textual-serve)",
        description=(
            "Serve the app to a web browser: open the address it prints. Each browser tab runs its own "
            "app on the given articles (the same as `annotator annotate`). Only this machine can connect, "
            "unless --host names another interface. Needs textual-serve (pip install 'annotator[serve]')."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help=".txt files or folders (default: the bundled seed article)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--host", default="localhost",
        help="interface to listen on (default localhost: this machine only); another one lets others reach the app",
    )
    p.add_argument("--annotations", metavar="DIR", help="where YAML goes (default: settings, else ./annotations)")
    p.add_argument("--schema", metavar="FILE", help="label schema (default: settings, else the built-in news schema)")
    p.add_argument("--annotator", metavar="NAME", help="recorded as `by` (default: settings, else $USER)")
    p.add_argument("--theme", metavar="NAME", help="a Textual theme (default: settings, else textual-dark)")
    p.add_argument("--suggest", metavar="SUGGESTER", help="pre-tag on opening: rules, spacy:NAME_OR_PATH or file:PATH")
    p.set_defaults(func=run)


def app_command(args: argparse.Namespace) -> str:
    """The shell command each browser tab runs: this Python, `annotate`, absolute paths.

    Everything is checked here first (articles, schema, annotations folder), so
    a bad input is one line on the command line, not a dead page in the browser."""
    from ..articles import find_articles
    from ..schema import load_schema
    from .keys import load_checked

    settings, _keymap, _theme = load_checked(theme=args.theme)  # a bad settings file: one line, now
    if args.paths:
        find_articles(args.paths)  # folders stay folders in the command: listed by the app itself
    if args.schema:
        load_schema(args.schema)
    ann = Path(args.annotations or settings.annotations or "annotations")
    if ann.exists() and not ann.is_dir():
        raise InputError(str(ann), "is not a folder (--annotations)")
    # Options given here are passed on; the rest the app takes from the settings, as annotate does.
    argv = [sys.executable, "-m", "annotator", "annotate", *(str(Path(a).resolve()) for a in args.paths)]
    if args.annotations:
        argv += ["--annotations", str(Path(args.annotations).resolve())]
    if args.schema:
        argv += ["--schema", str(Path(args.schema).resolve())]
    for option in ("annotator", "theme", "suggest"):
        value = getattr(args, option)
        if value:
            argv += [f"--{option}", value]
    return shlex.join(argv)


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise InputError("serve", INSTALL_HINT) from None
    if not 0 < args.port < 65536:
        raise InputError("--port", f"must be between 1 and 65535, not {args.port}")
    command = app_command(args)
    if args.host not in LOCAL_HOSTS:
        print(
            f"annotator: warning: listening on {args.host}: anyone who can reach it on port {args.port} "
            "can read and change these annotations (there is no password)",
            file=sys.stderr,
        )
    server = Server(command, host=args.host, port=args.port, title="annotator")
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the host is not this machine's
        raise InputError(f"{args.host}:{args.port}", f"cannot listen there: {exc.strerror or exc}") from None
    return 0
