"""`annotator merge DIR... -o GOLD_DIR`: N annotators' folders -> one gold folder.

Articles are paired by their path in the folder (``audit.selection``; subfolders
too, mirrored in GOLD_DIR); each is merged by
``annotator.consensus``: what enough annotators agree on is accepted, the rest is
kept as suggestions for adjudication (``annotator audit --view GOLD_DIR --by NAME``
walks one annotator's candidates). A bad input file refuses its article (one
line) and the others go on; the exit status is then 2. Each merged article is
checked as the store will read it back (with the schema, the built-in one by
default) before it is written: one that would not validate is refused the same way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .audit import load_many, load_schema_arg
from . import defaults


def register(sub) -> None:
    p = sub.add_parser(
        "merge",
        help="merge N annotators' folders into a new gold (majority), the rest left to adjudicate",
        description=(
            "Merge the annotation folders of several annotators into a new gold folder, article by article "
            "(paired by their path in the folder, subfolders included). An annotation at least --min-share of the article's annotators made "
            "(default: more than half) is accepted; every other one is kept as a suggestion (status: suggested, "
            "by: its annotator, attrs: {merge: {agree, of, annotators}}) for the adjudication view. Events, "
            "attributions and relations bring the entities they refer to. Only accepted annotations count."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="DIR", help="one annotation folder per annotator; two or more")
    p.add_argument("-o", "--output", required=True, metavar="GOLD_DIR", help="folder for the merged gold files (created)")
    p.add_argument("--min-share", type=float, metavar="S",
                   help="accept what at least this share of the annotators agree on, 0 < S <= 1 (default: more than half)")
    p.add_argument("--force", action="store_true", help="replace gold files that already exist")
    p.add_argument("--schema", metavar="FILE", help="label schema used to read the files (default: settings, else none: any label is read)")
    p.set_defaults(func=run)


def _article_path(yaml_path: Path, aset) -> str | None:
    if aset.document.path is None:
        return None
    return str((yaml_path.parent / aset.document.path).resolve())


def run(args: argparse.Namespace) -> int:
    from ..audit.selection import group_by_article
    from ..consensus import names_of
    from ..store.files import Staged
    from ..store.reader import no_gc
    from ..schema import default_schema
    from .audit import Forked, spare_core

    if len(args.paths) < 2:
        raise InputError(args.paths[0], "merge needs two or more annotators' folders")
    if args.min_share is not None and not 0.0 < args.min_share <= 1.0:
        raise InputError("--min-share", f"takes a share above 0 and at most 1, not {args.min_share:g}")
    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(str(out_dir), "is a file, not a folder")
    resolved = {Path(p).resolve() for p in args.paths}
    if out_dir.resolve() in resolved:
        raise InputError(str(out_dir), "is one of the annotators' folders: give a new folder")
    schema = load_schema_arg(defaults.schema_file(args))
    check_schema = schema or default_schema()  # what the app and the adjudication view read the gold with
    files, notes = group_by_article(args.paths)
    if all(Path(p).is_file() for p in args.paths):  # one file each: the first one's name
        stem = Path(args.paths[0]).stem
        files = {p: {stem: f["article"]} for p, f in files.items()}
    # each annotator by the name their files record (``by``), else by their folder
    names = dict(zip(args.paths, names_of(args.paths, {p: f.values() for p, f in files.items()})))
    articles = sorted(set().union(*(set(f) for f in files.values())))
    targets = {article: out_dir / f"{article}.yaml" for article in articles}
    kept = {article for article in articles if targets[article].exists() and not args.force}
    work = [article for article in articles if article not in kept]

    def prepare(share: list[str], workers: int | None = None) -> list:
        return _prepare(share, files, names, targets, schema, args.min_share, check_schema, workers)

    # Each article is read, merged, checked and written out (as text) on its own: with a
    # core to spare, a forked worker does the second half (its files read there, only
    # the texts and counts sent back) while this process does the first.
    if len(work) >= FORK_MIN_ARTICLES and spare_core():
        half = (len(work) + 1) // 2
        worker = Forked(lambda: prepare(work[half:], workers=1))
        prepared = prepare(work[:half], workers=1)
        prepared += worker.result()
    else:
        prepared = prepare(work)
    outcome = dict(zip(work, prepared))
    refused = merged_n = accepted = candidates = 0
    staged_results = []  # (target, article, (accepted, candidates)): staged, to be placed
    made: set[Path] = set()  # the folders made for the gold files
    with Staged() as staged, no_gc():  # many small objects, no cycles
        for article in articles:
            target = targets[article]
            if article in kept:
                print(f"annotator: {target}: exists (use --force to replace it); {article} not merged", file=sys.stderr)
                refused += 1
                continue
            got = outcome[article]
            if isinstance(got, (str, list)):  # why it was refused: a line, or one for each bad file
                for line in [got] if isinstance(got, str) else got:
                    print(f"annotator: {line}; {article} not merged", file=sys.stderr)
                refused += 1
                continue
            data, n_accepted, n_candidates = got
            _write(staged, data, target, made)
            staged_results.append((target, article, (n_accepted, n_candidates)))
        for result in _place_all(staged, staged_results):
            if result is None:
                refused += 1
                continue
            merged_n += 1
            accepted += result[0]
            candidates += result[1]
    for note in notes:
        print(f"note: {note}")
    print(
        f"merged {merged_n} of {len(articles)} article{'s' if len(articles) != 1 else ''} into {out_dir}: "
        f"{accepted} accepted, {candidates} left to adjudicate"
    )
    return 2 if refused else 0


#: Fewer articles than this are merged in this process alone (a worker costs a few hundredths of a second).
FORK_MIN_ARTICLES = 100


def _prepare(share, files, names, targets, schema, min_share, check_schema, workers) -> list:
    """Each article of ``share`` read, merged and checked: the gold file's bytes with the
    counts of accepted and of candidates, or why the article is refused (a str, or
    a list of lines: one for each of its files that cannot be used)."""
    from ..store.reader import no_gc

    wanted = [(p, a) for a in share for p, f in files.items() if a in f]
    loaded = dict(zip(wanted, load_many([files[p][a] for p, a in wanted], schema, workers=workers)))
    with no_gc():  # many small objects, no cycles
        return [_prepare_one(article, files, names, loaded, targets[article], min_share, check_schema) for article in share]


def _prepare_one(article, files, names, loaded, target: Path, min_share, check_schema):
    from .. import store
    from ..consensus import merge_sets
    from ..model import Document

    from ..audit.selection import article_sets

    by_side, problems = article_sets(article, files, loaded)
    if problems:
        return problems
    sets = {names[p]: aset for p, aset in by_side.items()}
    first_path = next(f[article] for f in files.values() if article in f)
    base = next(iter(sets.values()))
    article_file = _article_path(first_path, base)
    doc = Document(base.document.text, article_file, base.document.sha256)
    result = merge_sets(sets, doc, min_share, check_schema)
    gold = store.new_set(doc, target)
    gold.entities, gold.events = result.aset.entities, result.aset.events
    gold.attributions, gold.relations = result.aset.attributions, result.aset.relations
    problem = _problem(gold, target, check_schema)
    if problem is not None:
        return str(problem)
    return _text(gold), result.accepted, result.candidates


def _problem(gold, target: Path, schema):
    """The first problem the store would find in ``gold`` read back as it will be
    written, or None (the checker on the data the file reads back as: ``store.plain``)."""
    from ..store.plain import problems

    found = problems(gold, str(target), gold.document, schema)
    return found[0] if found else None


def _text(aset) -> bytes:
    """The gold file's bytes."""
    from ..store import dumps

    return dumps(aset).encode("utf-8")


def _write(staged, data: bytes, target: Path, made: set[Path]) -> None:
    """The gold file's bytes, staged beside ``target`` (not yet flushed, not yet in place).
    ``made``: the folders made so far (articles of nested folders go to the same
    subfolders of GOLD_DIR)."""
    folder = target.parent
    if folder not in made:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(str(folder), f"cannot make the folder: {exc.strerror or exc}") from None
        made.add(folder)
    staged.add(target, data)


def _place_all(staged, done: list) -> list:
    """Every staged gold file flushed to disk at once, then each renamed into place
    through the workspace's door for new files (locked: a file open in the app is
    refused in one line, its article not merged, the others go on), then the
    folder flushed once. Each article's (accepted, candidates), or None when refused.

    The same never-lose-work guarantee as ``write_new``'s fsync of each file and
    of its folder, at one flush for them all: a gold file only ever appears
    complete and on disk (its data is flushed before its rename), whatever stops
    the process or the machine; a rename not yet flushed when the power goes
    leaves that file as it was (absent, or the one --force was replacing); the
    annotators' folders are only read, so a cut-short merge is run again.
    """
    from .. import workspace

    staged.sync()
    out = []
    for target, article, result in done:
        try:
            workspace.place_new(staged, target, replace=True)
        except InputError as err:
            staged.drop(target)
            print(f"annotator: {err.message}; {article} not merged", file=sys.stderr)
            result = None
        out.append(result)
    staged.sync_folders()
    return out
