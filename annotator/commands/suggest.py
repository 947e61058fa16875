"""`annotator suggest PATH... --with SUGGESTER`: write suggestions into annotation files."""

from __future__ import annotations

import argparse
import sys

from ..collector import paused
from .defaults import ANNOTATIONS_HELP, SCHEMA_HELP

MAX_PROBLEMS = 20  # per file; the rest are counted

#: May the suggester give part of its work to a forked worker (``annotator.forked``)?
#: None: when a core is spare; True or False: always, never (tests, benchmarks).
FORK: bool | None = None
#: what a command leaving at once (``cli.quick_exit``) keeps until then: the
#: suggester and the last article's objects (the set, the proposals, the merge's
#: working dicts), a million small objects not freed one by one (25 ms of 1 MB)
LEFT: list = []
#: the worker writes the entities alone (not the events) when they are this share
#: of the set's annotations and the proposals or more (see ``_yaml_beside``)
ENTITIES_ALONE = 2 / 3
#: when the worker writes the entities alone, this process writes their last part
#: too (in file order) if the worker would take the longer: it starts at once, this
#: process when it has merged and added the rest (cost: one a suggestion added, a
#: few an event's or an attribution's block, ``BLOCK_COST``) and writes their YAML;
#: the worker writes a line ``WORKER_SLOWER`` times slower (each page of the set it
#: reads is copied on the first write of either process). On 1 MB with its own
#: 50,000 entities (92,000 entities written, 3,600 events and attributions, 46,000
#: new) this process writes about a third: the whole command 3.32 -> 2.90 s, medians
#: of 8 in turn on a slow machine; on 1 MB with an empty set, nothing (it ends last)
ENTITIES_HERE_MAX = 0.5
BLOCK_COST = 3
WORKER_SLOWER = 1.5
#: that share of the entities, when set (tests); None: worked out as above
ENTITIES_HERE: float | None = None
#: new entities this many or more have their file's YAML made by a worker too
YAML_BESIDE_MIN = 5_000


def register(sub) -> None:
    p = sub.add_parser(
        "suggest",
        help="pre-tag articles with suggestions (rules, a spaCy pipeline, or another tool's output)",
        description=(
            "Add suggestions (status: suggested) to the articles' annotation files. Accepted and rejected "
            "annotations are never changed, and running it again adds nothing new."
        ),
        epilog=(
            "SUGGESTER: 'rules' (built in: names already tagged in the annotations folder, the schema's "
            "trigger words and attribution cues, capitalised names); 'spacy:NAME_OR_PATH' (an installed "
            "spaCy pipeline, needs pip install 'annotator[spacy]'); 'file:PATH' (annotation YAML, brat .ann, "
            "or spaCy/Prodigy JSONL; or a folder of <article stem>.* files). A MODEL_DIR from `annotator train` "
            "works as spacy:MODEL_DIR (its entities, and events and attributions with its learned lexicon)."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt articles or folders of them")
    p.add_argument("--with", dest="suggester", required=True, metavar="SUGGESTER", help="rules | spacy:NAME_OR_PATH | file:PATH")
    p.add_argument("--annotations", metavar="DIR", help=ANNOTATIONS_HELP)
    p.add_argument("--schema", metavar="FILE", help=SCHEMA_HELP)
    p.add_argument(
        "--learn-from", action="append", default=[], metavar="DIR",
        help="with --with rules: also learn names, triggers, cues and sources from the gold in DIR "
        "(annotation files, or a MODEL_DIR from `annotator train`); repeatable",
    )
    # (everything is written and closed when run() returns: see cli.quick_exit)
    p.set_defaults(func=run, quick_exit=True)


def _count(new) -> str:
    from collections import Counter

    from ..model import Attribution, Entity, Event, Relation

    kinds = Counter(map(type, new))  # (one pass, not one a kind)
    parts = []
    for kind, word in ((Entity, "entit"), (Event, "event"), (Attribution, "attribution"), (Relation, "relation")):
        n = kinds[kind]
        if n:
            noun = (word + ("y" if n == 1 else "ies")) if word == "entit" else word + ("" if n == 1 else "s")
            parts.append(f"{n} {noun}")
    return ", ".join(parts)


def run(args: argparse.Namespace) -> int:
    from ..articles import articles_of_annotation_files, find_articles
    from ..errors import InputError, ValidationError
    from . import defaults
    from ..suggest import get_suggester

    schema = defaults.schema(args)
    paths, folder = articles_of_annotation_files(args.paths, getattr(args, "annotations", None))
    annotations_dir = folder if folder is not None else defaults.annotations_dir(args)
    if annotations_dir.exists() and not annotations_dir.is_dir():
        raise InputError(str(annotations_dir), "is not a folder (--annotations)")
    articles = find_articles(paths)
    suggester = get_suggester(args.suggester, schema, annotations_dir, args.learn_from)
    if hasattr(suggester, "beside"):
        from ..forked import spare_core

        suggester.beside = spare_core(FORK)  # part of its work beside this process

    failed = False
    seen_notes: set[str] = set()
    # the last article's objects, not freed one by one when the process leaves at once
    # after run() (cli.quick_exit); each article's go when the next one is done
    kept: list | None = None
    if getattr(args, "quick_exit", False):
        # (a module's list: one local to run() went with its frame, before the exit)
        kept = LEFT
        kept[:] = [suggester]  # (its folder's facts, the last proposal's working objects)
    made_folder = not annotations_dir.exists()  # the lock creates it; remove it if nothing is written

    for article in articles:
        try:
            # one article's work (read, suggest, journal, save): a million small objects,
            # no cycles; the collector walked them again and again (0.3 s of 1 MB)
            with paused():
                _suggest_one(article, annotations_dir, schema, suggester, seen_notes, kept)
        except (ValidationError, InputError, OSError):
            failed = True
    if made_folder and annotations_dir.is_dir() and not any(annotations_dir.iterdir()):
        annotations_dir.rmdir()
    return 2 if failed else 0


def _suggest_one(article, annotations_dir, schema, suggester, seen_notes, kept: list | None = None) -> None:
    """Suggest on one article, through its workspace (lock, journal, atomic save);
    user errors are printed, then re-raised. An article open in the app is
    left alone: its autosave would overwrite what we write (and we its unsaved
    work). ``kept``: a list given takes the article's objects (the set, the
    proposals), left for the process's exit to drop."""
    from ..errors import InputError

    document = None
    if getattr(suggester, "beside", False) and hasattr(suggester, "ahead"):
        # the work on the article's text alone started before its file is read
        # (``RulesSuggester.ahead``); a bad article is read again below, to say so
        from ..articles import read_article

        try:
            document = read_article(article)
        except InputError:
            pass
        else:
            suggester.ahead(document.text)
    try:
        _suggest_read(article, annotations_dir, schema, suggester, seen_notes, kept, document)
    finally:
        if document is not None:
            suggester.drop_ahead()  # (not taken: the file was bad, or open in the app)


def _suggest_read(article, annotations_dir, schema, suggester, seen_notes, kept, document) -> None:
    """``_suggest_one`` of the article read already (``document``: None to read it here)."""
    from .. import workspace
    from ..errors import InputError, ValidationError
    from ..suggest.base import Merging, merged

    try:
        # (no marks index: nothing is painted; it and numpy's import were 0.13 s of 1 MB)
        ws = workspace.open_article(article, annotations_dir, schema, user=suggester.name, index=False, document=document)
    except ValidationError as err:
        _problems(err, article)
        raise
    except InputError as err:
        print(f"annotator: {err.message}", file=sys.stderr)
        raise
    try:
        if ws.read_only:
            print(f"annotator: {ws.yaml_path}: open in the app by {ws.holder}: nothing written; "
                  "use `annotate --suggest` there, or quit it first", file=sys.stderr)
            raise InputError(str(ws.yaml_path), "open in the app")
        for note in ws.notes:
            print(f"annotator: note: {ws.yaml_path}: {note}", file=sys.stderr)
        try:
            proposals = suggester.propose(ws.session.aset.copy())
        except ValidationError as err:
            _problems(err, article)
            raise
        except InputError as err:
            print(f"annotator: {err.message}", file=sys.stderr)
            raise
        for note in proposals.notes:
            if note not in seen_notes:
                seen_notes.add(note)
                print(f"annotator: note: {note}", file=sys.stderr)
        steps = Merging(ws.session.aset, proposals, suggester.name)
        prepared = None
        if getattr(suggester, "beside", False):
            next(steps)  # the entities merged: the worker finishes the merge as this process does
            if len(steps.new) >= YAML_BESIDE_MIN and not steps.also:  # (the worker writes the set as it was)
                prepared = _yaml_beside(ws, steps, proposals)
        new = merged(steps)
        if kept is not None:
            kept[1:] = (ws, proposals, new, steps, prepared)
        if new or steps.also:
            if ws.journal is not None:
                ws.journal.hold()  # (their record written only if the save below fails)
            if steps.also:  # one step: the new ones, and the suggester on what it predicted too
                with paused():
                    ws.session.apply(f"{len(new)} suggestions from {suggester.name}",
                                     [*steps.also, *((None, a) for a in new)])
            else:
                ws.session.add_many(f"{len(new)} suggestions from {suggester.name}", new)
        try:
            ws.save(prepared)
        except OSError as exc:
            print(f"annotator: {ws.yaml_path}: not saved: {exc.strerror or exc}", file=sys.stderr)
            raise
        also = (f"; {len(steps.also)} already there recorded as predicted by {suggester.name} too (also_suggested_by)"
                if steps.also else "")
        if not new:
            print(f"{article}: nothing new from {suggester.name}{also}")
        else:
            print(f"{article}: {len(new)} new suggestions ({_count(new)}) from {suggester.name}{also} -> {ws.yaml_path}")
    finally:
        ws.close(save=False)  # saved above; on a failure the journal keeps the work


def _yaml_beside(ws, steps, proposals):
    """The YAML of the set with the new suggestions added, its head (document,
    entities, and events or not: see below) made by a forked worker while this
    process finishes the merge and adds them, then writes the rest:
    ``Workspace.save``'s ``prepared``, for the version ``add_many`` makes. (0.24 s
    of 42,000 suggestions on 1 MB.) ``steps``: the ``Merging``, its entities
    merged: the worker finishes its own copy (the fork's) when it writes more
    than the entities, then adds what it gives to its copy of the set; done here
    instead (the worker failed), the session's set holds them already."""
    from .. import store
    from ..forked import Forked
    from ..model import Attribution
    from ..suggest.base import merged

    session = ws.session
    aset = session.aset
    # the attributions written here when they are few (a tenth of the file's
    # annotations or less): the worker has the most of the work (it merges, adds,
    # writes the entities and events), this process less (it adds); and the events
    # too when the entities are twice as many as the rest or more (``ENTITIES_ALONE``): the worker then
    # only writes the entities (merged before the fork), their first part, while this
    # process merges the rest, adds, and writes the last entities (``WORKER_SLOWER``),
    # the events and attributions (on 1 MB: 0.11 s in the worker, 0.15 s here; the
    # worker's merge and events were 0.17 s)
    said = len(aset.attributions) + sum(1 for p in proposals.annotations if type(p) is Attribution)
    total = len(aset) + len(proposals.annotations)
    part = "head" if said * 10 <= total else "all"
    if part == "head" and len(aset.entities) + len(steps.new) >= ENTITIES_ALONE * total:
        part = "entities"
    rest = {"head": "tail", "entities": "after entities"}.get(part)
    # the worker writing the entities alone: their last part written here, after the
    # rest, when the worker would end last (the entities of both sets: the same in file order)
    cut = None
    if part == "entities":
        n = len(aset.entities) + len(steps.new)
        rest_here = total - len(aset) + BLOCK_COST * (total - n)
        here = min(ENTITIES_HERE_MAX, (WORKER_SLOWER * n - rest_here) / ((1 + WORKER_SLOWER) * n)) if n else 0
        if ENTITIES_HERE is not None:
            here = ENTITIES_HERE
        if here > 0:
            cut = n - int(n * here)

    def made() -> bytes:  # in the worker: the set as it was at the fork, before add_many
        if part == "entities":
            for ann in steps.new:  # (the entities: merged before the fork)
                aset.entities[ann.id] = ann
        else:
            for ann in merged(steps):
                aset.table(type(ann))[ann.id] = ann
        return b"".join(store.dump_chunks(aset, part, cut))

    # (raw: the bytes as they are, not pickled there and unpickled here: two copies of 6 MB)
    worker = Forked(made, here=lambda: b"".join(store.dump_chunks(session.aset, part, cut)), raw=True)
    if rest is None:
        return session.version + 1, worker.result

    def whole() -> bytes:  # the tail made here, then the worker's head waited for
        tail = b"".join(store.dump_chunks(session.aset, rest, cut))
        return b"".join((worker.result(), tail))

    return session.version + 1, whole


def _problems(err, article) -> None:
    for problem in err.problems[:MAX_PROBLEMS]:
        print(f"annotator: {problem}", file=sys.stderr)
    if len(err.problems) > MAX_PROBLEMS:
        print(f"annotator: ... and {len(err.problems) - MAX_PROBLEMS} more problems", file=sys.stderr)
    print(f"annotator: {article}: nothing written", file=sys.stderr)
