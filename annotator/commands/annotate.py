"""`annotator annotate PATH...`: open articles in the app."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..collector import freeze as _freeze

if TYPE_CHECKING:
    import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "annotate",
        help="open articles to annotate (the default command)",
        description="Open .txt articles (or folders of them) to annotate from the keyboard.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help=".txt files or folders (subfolders too; default: the bundled seed article); an annotation file "
                   "(annotations/x.yaml) opens the article it annotates, with its folder as --annotations")
    p.add_argument("--annotations", metavar="DIR", help="where YAML goes (default: settings, else ./annotations)")
    p.add_argument("--schema", metavar="FILE", help="label schema (default: settings, else the built-in news schema)")
    p.add_argument("--annotator", metavar="NAME", help="recorded as `by` (default: settings, else $USER)")
    p.add_argument("--theme", metavar="NAME", help="a Textual theme (default: settings, else textual-dark)")
    p.add_argument(
        "--suggest",
        metavar="SUGGESTER",
        help="pre-tag on opening, in the background: rules, spacy:NAME_OR_PATH or file:PATH",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # No cyclic collection from here to the app's first frame (the app turns it
    # on again then: AnnotatorApp.collect_after_first_frame). The imports (Textual's
    # among them: the settings' keymap is checked against its bindings), the read
    # and the first screen make hundreds of thousands of objects and no garbage:
    # the collector walked them some hundred times for nothing, ~10 ms of the
    # first frame. Loading a big article is the same, only more so (see below).
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()  # (on already, unless the app never painted)


def _run(args: argparse.Namespace) -> int:
    # Load everything that can fail before the terminal is taken over, so a bad
    # input gives one line on stderr and exit 2.
    from .. import store
    from ..errors import InputError
    from ..settings import load
    from . import defaults
    from .keys import checked

    # the settings' keymap and theme are checked once a big file's worker is forked
    # (below): the check imports Textual, a fifth of a second the worker reads meanwhile
    settings = load()
    args._settings = settings
    theme = getattr(args, "theme", None)
    try:
        schema, articles, annotations_dir, yaml_path, document = _found(args)
    except InputError:
        checked(settings, theme)  # (a bad settings file is the one line: it is read first)
        raise
    no_terminal = defaults.terminal_problem()
    if no_terminal:  # (before the lock: a headless app held it, spinning, for ever)
        raise InputError("annotate", no_terminal)
    # Loading a big article makes hundreds of thousands of objects and no cycles:
    # the cyclic collector would walk them again and again (a third of the load),
    # and later, every full collection would walk them all (a pause of a tenth of
    # a second on a key). So: no collection while loading (none since the first
    # line, see run), then what was loaded is frozen out of the collector's sight
    # (reference counting still frees it).
    ahead = None
    start, skipped = 0, []
    try:
        first = None
        if document is None:
            # a folder: an article that cannot be opened (broken file, labels the
            # schema lacks, not text) is told in the app and skipped, as > skips it
            start, first, skipped = _first_openable(articles, annotations_dir, schema, args)
            yaml_path = store.annotation_path(articles[start], annotations_dir)
            if first is None:  # (big: read in a thread, as below)
                from ..articles import read_article

                document = read_article(articles[start])
        big = first is None and _size(yaml_path) > READ_BEFORE
        if big:
            # the app paints the text at once and reads the file in a thread (a bad
            # file is then reported the same way, after the app has closed); a
            # worker forked now, before Textual is imported, reads its entities
            # meanwhile (store.ahead: reaped below)
            from ..store import ahead as read_ahead

            ahead = read_ahead.start(yaml_path, document, schema)
        keymap, theme = checked(settings, theme)
        if not big and first is None:
            first = store.read(yaml_path, article=document, schema=schema, editing=True)
            try:
                first.checked()  # a bad file: one line on stderr, before the terminal is taken over
            except InputError as err:
                raise defaults.with_schema_hint(err, args, annotations_dir) from None
            document = None
        suggester = None
        if args.suggest:
            from ..suggest import get_suggester

            suggester = get_suggester(args.suggest, schema, annotations_dir)

        from ..tui.app import AnnotatorApp

        app = AnnotatorApp(
            articles,
            annotations_dir=annotations_dir,
            schema=schema,
            user=defaults.user(args),
            first=first,
            document=document,
            suggester=suggester,
            keymap=keymap,
            theme=theme,
            remember_theme=True,
            start=start,
            skipped=skipped,
        )
        # The app holds the set; the file's text and what the read made to check
        # it (a few MB for a big article) must not stay alive while it runs.
        del first
        _freeze()
    except BaseException:
        if ahead is not None:
            ahead.cancel()
        raise
    app.collect_after_first_frame = True
    try:
        result = app.run()
    finally:
        if ahead is not None:
            ahead.cancel()  # (taken by the load, and reaped, unless it never came to it)
    if app.load_error is not None:  # InputError: one line on stderr, exit 2 (cli.main)
        raise defaults.with_schema_hint(app.load_error, args, annotations_dir)
    return int(result or 0)


def _first_openable(articles: list[Path], annotations_dir: Path, schema, args: argparse.Namespace):
    """(index, its read file or None when it is big, the lines of those skipped
    before it): the first article of a folder whose file reads and checks (one
    bigger than ``READ_BEFORE`` is taken as it is: the app reads it in a thread).
    None can be opened: the first one's error (InputError)."""
    from .. import store
    from ..articles import read_article
    from ..errors import InputError
    from . import defaults

    skipped: list[str] = []
    first_error = None
    for index, article in enumerate(articles):
        yaml_path = store.annotation_path(article, annotations_dir)
        try:
            document = read_article(article)
            if _size(yaml_path) > READ_BEFORE:
                return index, None, skipped
            got = store.read(yaml_path, article=document, schema=schema, editing=True)
            got.checked()
            return index, got, skipped
        except InputError as err:
            err = defaults.with_schema_hint(err, args, annotations_dir)
            first_error = first_error or err
            skipped.append(err.message)
    assert first_error is not None
    raise first_error


def _found(args: argparse.Namespace):
    """(schema, articles, annotations folder, the first's annotation file, its
    document): what ``annotate`` opens; raises InputError as each is looked for."""
    from .. import store
    from ..articles import articles_of_annotation_files, bundled_seed, find_articles, read_article
    from ..errors import InputError
    from . import defaults

    schema = defaults.schema(args)
    paths, folder = articles_of_annotation_files(args.paths or [], getattr(args, "annotations", None))
    articles = find_articles(paths) if paths else [bundled_seed()]
    annotations_dir = folder if folder is not None else defaults.annotations_dir(args)
    if annotations_dir.exists() and not annotations_dir.is_dir():
        raise InputError(str(annotations_dir), "is not a folder (--annotations)")
    for p in paths:  # an article given by name, imported in a collection's subfolder
        if os.path.isfile(p):
            store.files.pair_given_article(p, annotations_dir)
    # (a folder's first article that can be opened is found later: _first_openable)
    document = read_article(articles[0]) if len(articles) == 1 else None
    return schema, articles, annotations_dir, store.annotation_path(articles[0], annotations_dir), document


#: annotation files up to this size are read (and checked) before the terminal is
#: taken over; a bigger one is read in a thread while the article's text is shown
READ_BEFORE = 256 * 1024


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
