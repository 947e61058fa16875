"""`annotator annotate PATH...`: open articles in the app."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "annotate",
        help="open articles to annotate (the default command)",
        description="Open .txt articles (or folders of them) to annotate from the keyboard.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help=".txt files or folders (default: the bundled seed article)")
    p.add_argument("--annotations", metavar="DIR", default="annotations", help="where YAML goes (default ./annotations)")
    p.add_argument("--schema", metavar="FILE", help="label schema (default: the built-in news schema)")
    p.add_argument("--annotator", metavar="NAME", help="recorded as `by` (default: $USER)")
    p.add_argument(
        "--suggest",
        metavar="SUGGESTER",
        help="pre-tag on opening, in the background: rules, spacy:NAME_OR_PATH or file:PATH",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Load everything that can fail before the terminal is taken over, so a bad
    # input gives one line on stderr and exit 2.
    from .. import store
    from ..articles import bundled_seed, find_articles
    from ..schema import default_schema, load_schema

    schema = load_schema(args.schema) if args.schema else default_schema()
    articles = find_articles(args.paths) if args.paths else [bundled_seed()]
    annotations_dir = Path(args.annotations)
    if annotations_dir.exists() and not annotations_dir.is_dir():
        from ..errors import InputError

        raise InputError(str(annotations_dir), "is not a folder (--annotations)")
    # Loading a big article makes hundreds of thousands of objects and no cycles:
    # the cyclic collector would walk them again and again (a third of the load),
    # and later, every full collection would walk them all (a pause of a tenth of
    # a second on a key). So: no collection while loading, then what was loaded is
    # frozen out of the collector's sight (reference counting still frees it).
    gc.disable()
    try:
        first = store.open_article(articles[0], annotations_dir, schema)
        suggester = None
        if args.suggest:
            from ..suggest import get_suggester

            suggester = get_suggester(args.suggest, schema, annotations_dir)

        from ..tui.app import AnnotatorApp, default_user

        app = AnnotatorApp(
            articles,
            annotations_dir=annotations_dir,
            schema=schema,
            user=args.annotator or default_user(),
            first=first,
            suggester=suggester,
        )
        gc.freeze()
    finally:
        gc.enable()
    result = app.run()
    return int(result or 0)
