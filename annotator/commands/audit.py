"""`annotator audit GOLD [PRED]`: score an extractor's output against gold.

GOLD and PRED are annotation files or folders of them (subfolders too), paired by
their path in the folder (``audit.selection.annotation_files``). A gold article
with no pred file is scored against nothing (its gold annotations missed: an
extractor that produced nothing for it missed all of it); a pred file with no gold
is not scored (a note names both).
Given one path only, its accepted annotations are compared with the suggestions of
one suggester (``--by``, or the only one there is) that were decided: its pending
ones are not judged yet, left out of the scores with a note. What counts on each side is set
out in ``annotator.audit``. ``--view`` opens the articles that have disagreements in
the adjudication view (``annotator.tui.adjudicate``) instead of printing scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from ..audit.selection import annotation_files, pair_paths, selects
from ..audit.selection import pick_suggester  # noqa: F401
from ..errors import InputError
from ..forked import Forked, spare_core as _spare_core  # noqa: F401 (Forked: used by agree, merge)
from . import defaults



def register(sub) -> None:
    p = sub.add_parser(
        "audit",
        help="score an extractor's output against gold annotations",
        description=(
            "Score predicted annotations against gold: entities (strict, exact, partial and type, "
            "as nervaluate counts them), events (ACE trigger and argument measures), attributions "
            "(source, cue, content; the whole attribution with its type), and review decisions per suggester. Gold is the accepted "
            "annotations of GOLD; predicted is the accepted or suggested annotations of PRED "
            "(with --by: everything that suggester suggested, rejected included). With GOLD only: "
            "its accepted annotations against one suggester's accepted and rejected suggestions (pending ones "
            "are not judged yet: left out of the scores, a note says how many). A gold article with no PRED file counts "
            "its gold annotations as missed."
        ),
    )
    p.add_argument("gold", metavar="GOLD", help="gold annotation file (.yaml) or folder of them")
    p.add_argument("pred", metavar="PRED", nargs="?", help="predicted annotation file or folder, paired with GOLD by the path in the folder")
    p.add_argument("--by", metavar="SUGGESTER", help="score only this suggester's suggestions (e.g. rules, spacy:en_core_web_sm)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (stable keys) instead of tables")
    fmt.add_argument("--markdown", action="store_true", help="print Markdown tables")
    p.add_argument("--fail-under", metavar="F1", type=float, help="exit 1 when the strict micro entity F1 is below F1 (0..1)")
    p.add_argument("--schema", metavar="FILE", help="label schema used to read the files (default: settings, else none: any label is read)")
    p.add_argument(
        "--view",
        action="store_true",
        help="open the articles with disagreements in the app and adjudicate them: each disagreement in turn, "
        "keep gold or take the other side into the GOLD file (undoable; PRED is never written)",
    )
    p.add_argument("--annotator", metavar="NAME", help="with --view: recorded as `by` on what you take into gold (default: settings, else $USER)")
    p.add_argument(
        "--merged",
        action="store_true",
        help="with --view and GOLD only: adjudicate the candidates `annotator merge` or `merge-file` left in GOLD "
        "(the default when GOLD has any); with --by NAME, only NAME's",
    )
    p.set_defaults(func=run)


# ---------------------------------------------------------------------------
# Finding and loading files
# ---------------------------------------------------------------------------
def load_schema_arg(schema_path: str | None):
    if not schema_path:
        return None
    from ..schema import load_schema

    return load_schema(schema_path)


def load(path: Path, schema=None):
    from .. import store

    return store.read(path, schema=schema).checked()


#: Fewer files than this are read in this process alone.
FORK_MIN_FILES = 400
#: The share of the files a ``Forked`` worker reads beside this process: it also
#: packs and pickles them, and this process unpacks them (about a third of the
#: cost of reading them), so each side is done at about the same time.
WORKER_SHARE = 0.43


def load_many(paths, schema=None, *, workers: int | None = None) -> list:
    """``store.read_sets``: each file's set, or its ``InputError`` (``load_articles``
    reports it by the batch rule).
    ``workers``: as ``read_sets`` takes it (1: in this process only). By default,
    with many files and a core to spare (``spare_core``), a forked worker reads
    ``WORKER_SHARE`` of them (whole articles: the files of one article together)
    while this process reads the rest; the sets are the same.

    The sets live until the command ends and hold no cycles, so they are moved out
    of the garbage collector's sight (``gc.freeze``): otherwise its next pass walks
    every object just read (0.3 s for 6,000 files), and each later pass again."""
    from .. import store
    from ..collector import freeze as _freeze
    from ..store.reader import no_gc

    paths = list(paths)
    with no_gc():  # frozen before the collector is back on, so it never walks them
        if workers is None and len(paths) >= FORK_MIN_FILES and spare_core():
            sets = _load_beside_worker(paths, schema)
        else:
            sets = store.read_sets(paths, schema, workers=workers)
        _freeze()
    return sets


def load_articles(files: dict[str, dict[str, Path]], schema=None) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Every file of ``files`` (side -> article -> file) read (``load_many``), by the
    batch rule, as merge reads its articles (``audit.selection.article_sets``):
    each file that cannot be read, or does not annotate the same text as its
    article's first file, is one line on stderr naming it and the problem, and its
    article is left out of every side; the others go on.

    The sets (side -> article -> set) of the articles kept, in the order given,
    and the names of those left out (the caller says how many, and exits 2)."""
    from ..audit.selection import article_sets

    wanted = [(side, article) for side, by_article in files.items() for article in by_article]
    loaded = dict(zip(wanted, load_many([files[side][article] for side, article in wanted], schema)))
    sets: dict[str, dict[str, object]] = {side: {} for side in files}
    left_out: list[str] = []
    for article in dict.fromkeys(article for _, article in wanted):
        by_side, problems = article_sets(article, files, loaded)
        for line in problems:
            print(f"annotator: {line}", file=sys.stderr)
        if problems:
            left_out.append(article)
            continue
        for side, aset in by_side.items():
            sets[side][article] = aset
    return sets, left_out


def left_out_note(left_out: list[str]) -> str:
    from ..audit.selection import names_list

    n = len(left_out)
    their = "their" if n != 1 else "its"
    return f"{n} article{'s' if n != 1 else ''} left out ({their} files could not all be used, see above): {names_list(left_out)}"


def _load_beside_worker(paths: list, schema) -> list:
    """``read_sets`` of ``paths``, a share read by a ``Forked`` worker and sent back
    as plain tuples (``store.many``'s packing, as its pool does)."""
    from ..store import many

    order = sorted(range(len(paths)), key=lambda i: (Path(paths[i]).stem, i))
    cut = len(order) - int(len(order) * WORKER_SHARE)
    mine, theirs = order[:cut], order[cut:]
    worker = Forked(lambda: [many._pack(x) for x in many.read_sets([paths[i] for i in theirs], schema, workers=1)])
    out: list = [None] * len(paths)
    for i, got in zip(mine, many.read_sets([paths[i] for i in mine], schema, workers=1)):
        out[i] = got
    for i, packed in zip(theirs, worker.result()):
        out[i] = many._unpack(packed)
    return out


def _nothing(g_set):
    """No prediction for the gold set's article."""
    from ..model import AnnotationSet

    return AnnotationSet(g_set.document)


# ---------------------------------------------------------------------------
# A second core
# ---------------------------------------------------------------------------
#: May agree and merge give part of their work to a forked worker? None: when
#: there are two cores or more and they are not all busy (the load average is
#: below their number); True or False: always, never (tests, benchmarks).
FORK: bool | None = None


def spare_core() -> bool:
    """Is a second core free enough for a ``Forked`` worker? (``annotator.forked``; ``FORK`` above.)"""
    return _spare_core(FORK)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def num(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def report_tables(report) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report as (title, header, rows) tables, shared by the Rich and Markdown output."""
    from ..audit import ATTRIBUTION_PARTS, MATCH_MODES, SCHEMES

    ents = report.entities
    n = len(report.articles)
    tables = []
    rows = []
    for s in SCHEMES:
        c = ents.overall[s]
        rows.append([f"{s} micro", str(c.correct), str(c.incorrect), str(c.partial), str(c.missed),
                     str(c.spurious), num(c.precision), num(c.recall), num(c.f1)])
    for s in SCHEMES:
        m = ents.macro(s)
        rows.append([f"{s} macro", "", "", "", "", "", num(m.precision), num(m.recall), num(m.f1)])
    by = f", suggester {report.by}" if report.by else ""
    tables.append((f"Entities ({n} article{'s' if n != 1 else ''}{by})",
                   ["scheme", "COR", "INC", "PAR", "MIS", "SPU", "P", "R", "F1"], rows))
    if ents.labels:
        rows = []
        for lab, by_scheme in ents.labels.items():
            st = by_scheme["strict"]
            rows.append([lab, str(st.possible), str(st.actual), num(st.precision), num(st.recall), num(st.f1),
                         num(by_scheme["exact"].f1), num(by_scheme["partial"].f1), num(by_scheme["type"].f1)])
        tables.append(("Entities per label", ["label", "gold", "pred", "strict P", "strict R", "strict F1",
                                              "exact F1", "partial F1", "type F1"], rows))
    if not report.events.empty:
        rows = [[m.replace("_", " "), str(t.correct), str(t.predicted), str(t.gold), num(t.precision),
                 num(t.recall), num(t.f1)] for m, t in report.events.measures().items()]
        tables.append(("Events (ACE)", ["measure", "correct", "pred", "gold", "P", "R", "F1"], rows))
    if not report.attributions.empty:
        rows = []
        for part in ATTRIBUTION_PARTS:
            for mode in MATCH_MODES:
                t = report.attributions.parts[part][mode]
                rows.append([part, mode, str(t.correct), str(t.predicted), str(t.gold), num(t.precision),
                             num(t.recall), num(t.f1)])
        tables.append(("Attributions", ["part", "match", "correct", "pred", "gold", "P", "R", "F1"], rows))
    if report.review:
        rows = [[name, str(t.accepted), f"{t.rejected} ({t.relabelled} relabelled)" if t.relabelled else str(t.rejected),
                 str(t.pending), num(t.precision)]
                for name, t in report.review.items()]
        tables.append(("Review decisions (gold files)", ["suggester", "accepted", "rejected", "pending", "precision"], rows))
    if report.calibration:
        rows = []
        for name, cal in report.calibration.items():
            for b in cal.bins:
                if b.decided:
                    rows.append([name, f"{b.low:.1f}-{b.high:.1f}", str(b.decided), str(b.accepted), num(b.share), num(b.mean_score)])
            rows.append([name, "all", str(cal.decided), str(cal.accepted), num(cal.accepted / cal.decided), f"ECE {num(cal.ece)}"])
        tables.append(("Calibration: decided suggestions with a score, by score",
                       ["suggester", "score", "decided", "accepted", "share accepted", "mean score"], rows))
    return tables


def print_rich(tables, notes: Sequence[str]) -> None:
    """Tables for a person. Titles are lines of their own, never wrapped; on a pipe the
    width is what the widest table needs (at least ``$COLUMNS`` or 80), so nothing wraps."""
    import os

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    built = []
    for title, header, rows in tables:
        table = Table()
        for k, h in enumerate(header):
            table.add_column(h, justify="left" if k == 0 or h in ("part", "match", "annotator", "article", "folder") else "right")
        for row in rows:
            table.add_row(*row)
        built.append((title, table))
    if sys.stdout.isatty():
        console = Console()
    else:
        try:
            width = int(os.environ.get("COLUMNS", "80"))
        except ValueError:
            width = 80
        probe = Console(width=10_000)
        needed = max((probe.measure(t).maximum for _, t in built), default=0)
        console = Console(width=max(width, needed))
    for title, table in built:
        console.print(Text(title, style="bold"), soft_wrap=True)
        console.print(table)
    for note in notes:
        console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


def markdown(tables, notes: Sequence[str]) -> str:
    out = []
    for title, header, rows in tables:
        out.append(f"### {title}\n")
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---" if k == 0 or h in ("part", "match", "folder") else "---:" for k, h in enumerate(header)) + "|")
        for row in rows:
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        out.append("")
    for note in notes:
        out.append(f"> note: {note}")
    return "\n".join(out).rstrip() + "\n"


def emit(args: argparse.Namespace, data: dict, tables, notes: Sequence[str]) -> None:
    if args.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.markdown:
        sys.stdout.write(markdown(tables, notes))
    else:
        print_rich(tables, notes)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
def below(f1: float, threshold: float) -> str:
    """``f1`` (below ``threshold``) with 4 decimals, or as many more as it takes to
    read below the threshold (0.6667 is not below 0.66667; 0.666667 is)."""
    for digits in range(4, 18):
        shown = f"{f1:.{digits}f}"
        if float(shown) < threshold:
            return shown
    return repr(f1)


def view_app(args: argparse.Namespace, left_out: list[str] | None = None):
    """The adjudication app for ``--view`` (not run), or None when nothing disagrees.

    Everything that can fail is loaded here, before the terminal is taken over;
    the gold files are open (locked) in workspaces that the app closes. A file
    that cannot be used is one line on stderr and its article is left out (the
    batch rule); ``left_out`` gets those lines (the caller exits 2)."""
    from ..adjudication import open_files

    if args.json or args.markdown or args.fail_under is not None:
        raise InputError("--view", "opens the app: leave out --json, --markdown and --fail-under")
    merged = True if getattr(args, "merged", False) else None
    schema = load_schema_arg(defaults.schema_file(args))
    problems: list[str] = [] if left_out is None else left_out
    articles, workspaces, notes = open_files(
        Path(args.gold), Path(args.pred) if args.pred is not None else None,
        by=args.by, schema=schema, user=defaults.user(args), merged=merged, problems=problems,
    )
    for line in problems:
        print(f"annotator: {line}", file=sys.stderr)
    if problems:
        n = len(problems)
        notes.append(f"{n} file{'s' if n != 1 else ''} left out (could not be used: see the lines printed before the app)")
    if not articles:
        print(f"annotator: {notes[0]}")
        for note in notes[1:]:
            print(f"note: {note}")
        return None
    from ..schema import default_schema
    from ..tui.adjudicate import AdjudicateApp

    return AdjudicateApp(articles, schema or default_schema(), workspaces=workspaces, notes=notes)


def run_view(args: argparse.Namespace) -> int:
    from .keys import load_checked

    _settings, keymap, theme = load_checked()  # the user's keys and theme, checked first
    no_terminal = defaults.terminal_problem()
    if no_terminal:  # (before any gold file's lock is taken)
        raise InputError("audit --view", no_terminal)
    left_out: list[str] = []
    app = view_app(args, left_out)  # one writer per gold file: a file open in the app is refused
    if app is None:
        return 2 if left_out else 0
    if keymap:
        app.set_keymap(keymap)
    if theme:
        app.theme = theme
    try:
        code = int(app.run() or 0)
    finally:
        app.close_workspaces(save=False)  # saved on q; ctrl+q leaves the journals
    if left_out:
        n = len(left_out)
        print(f"annotator: {n} file{'s' if n != 1 else ''} left out (could not be used, see above)", file=sys.stderr)
        return 2
    return code


def run(args: argparse.Namespace) -> int:
    from ..audit import audit, is_gold, suggesters

    if getattr(args, "view", False):
        return run_view(args)
    if getattr(args, "merged", False):
        raise InputError("--merged", "goes with --view")
    if args.fail_under is not None and not 0.0 <= args.fail_under <= 1.0:
        raise InputError("--fail-under", f"takes an F1 between 0 and 1, not {args.fail_under:g}")
    schema = load_schema_arg(defaults.schema_file(args))
    gold = Path(args.gold)
    notes: list[str] = []
    by = args.by
    if args.pred is None:
        loaded, left_out = load_articles({"GOLD": annotation_files(gold)}, schema)
        names = list(loaded["GOLD"])
        sets = list(loaded["GOLD"].values())
        if left_out:
            notes.append(left_out_note(left_out))
        if not sets:
            return 2
        by = pick_suggester(gold, sets, by, notes)
        pairs = [(s, s) for s in sets]
        pred_label = None
    else:
        pred = Path(args.pred)
        # A gold article with no pred file is scored against nothing: all of it missed.
        paired, notes = pair_paths(gold, pred, gold_only=True)
        loaded, left_out = load_articles(
            {
                "GOLD": {n: g_path for n, g_path, _ in paired},
                "PRED": {n: p_path for n, _, p_path in paired if p_path is not None},
            },
            schema,
        )
        names = [n for n, _, _ in paired if n in loaded["GOLD"]]
        pairs = [(loaded["GOLD"][n], loaded["PRED"][n] if n in loaded["PRED"] else _nothing(loaded["GOLD"][n])) for n in names]
        if left_out:
            notes.append(left_out_note(left_out))
        if not pairs:
            return 2
        if by is not None:
            found = suggesters(p for _, p in pairs)
            if not any(selects(by, name) for name in found):
                notes.append(f"nothing in PRED was suggested by {by!r}" + (f" (suggesters: {', '.join(found)})" if found else ""))
        pred_label = str(pred)

    # GOLD alone: a suggestion still pending is not judged yet, so not scored (a note counts them).
    report = audit(pairs, by=by, names=names, notes=notes, decided_only=args.pred is None)
    if not any(is_gold(ann) for g, _ in pairs for ann in g.all()):
        report.notes.append("GOLD has no accepted annotations: every prediction counts as spurious")
    data = {"gold": str(gold), "pred": pred_label, **report.to_dict()}
    emit(args, data, report_tables(report), report.notes)

    if args.fail_under is not None:
        f1 = report.entities.overall["strict"].f1
        if f1 < args.fail_under:
            print(f"annotator: strict micro F1 {below(f1, args.fail_under)} is below --fail-under {args.fail_under!r}", file=sys.stderr)
            return 2 if left_out else 1
    return 2 if left_out else 0
