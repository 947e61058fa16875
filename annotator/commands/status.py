"""`annotator status PATH...`: per-article progress of a folder, as a table or JSON.

The numbers are the corpus screen's (``annotator.corpus``). PATH is what
``annotate`` takes (articles, or folders of them; their annotation files are
looked for in ``--annotations``), or annotation files and folders of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError


def register(sub) -> None:
    from ..corpus import DONE_RULE

    p = sub.add_parser(
        "status",
        help="per-article progress of a folder (table or --json)",
        description=(
            "What each article holds (accepted entities, events, attributions, relations), what is left "
            "(pending suggestions, lost spans, accepted links to rejected entities), who annotated it and whether everything is saved, with "
            f"the folder's progress and its label counts. {DONE_RULE[0].upper()}{DONE_RULE[1:]}. "
            "An article changed since its file was saved is counted as opening it would: its spans re-found, "
            "those not found lost. Exit status 2 when a file cannot be read or its article is missing or cannot "
            "be opened (it is reported on its row and on stderr; the rest is still counted)."
        ),
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="articles (.txt) or folders of them (subfolders too), or annotation files (.yaml) or folders of them",
    )
    p.add_argument(
        "--annotations", metavar="DIR",
        help="where the articles' YAML files are (default: settings, else ./annotations)",
    )
    p.add_argument(
        "--schema", metavar="FILE",
        help="label schema: the order of the labels (default: settings, else the built-in news schema)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (stable keys) instead of tables")
    p.add_argument(
        "--fail-under", metavar="P", type=float,
        help="exit 1 when the share of done articles is below P (0..1)",
    )
    p.set_defaults(func=run)


def collect(paths: list[str], annotations: str, label_order) -> "tuple":
    """(CorpusStats, where the YAML files were looked for) for the command's PATHs."""
    from ..corpus import CorpusStats, scan, scan_files

    from ..articles import articles_in
    from ..store.files import annotation_files_in

    articles: list[Path] = []
    yaml_files: list[Path] = []
    yaml_names: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            txt = articles_in(p)  # (the one door: subfolders too, paired as import mirrors them)
            if txt:
                articles.extend(txt)
                continue
            found, _skipped = annotation_files_in(p)  # (subfolders too: import mirrors the source tree)
            if not found:
                raise InputError(str(p), "no .txt articles and no .yaml annotation files in this folder or its subfolders")
            yaml_files.extend(Path(q) for q, _ in found)
            yaml_names.extend(key for _, key in found)
        elif p.is_file():
            if p.suffix in (".yaml", ".yml"):
                yaml_files.append(p)
                yaml_names.append(p.stem)
            else:
                articles.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    ann_dir = Path(annotations)
    if articles and ann_dir.exists() and not ann_dir.is_dir():
        raise InputError(str(ann_dir), "is not a folder (--annotations)")
    rows = []
    if articles:
        rows.extend(scan(articles, ann_dir, label_order).articles)
    if yaml_files:
        rows.extend(scan_files(yaml_files, label_order, row_names=yaml_names).articles)
    for i, row in enumerate(rows):
        row.index = i
    return CorpusStats(rows, tuple(label_order)), (ann_dir if articles else None)


def run(args: argparse.Namespace) -> int:
    from . import defaults

    if args.fail_under is not None and not 0 <= args.fail_under <= 1:
        raise InputError("--fail-under", f"must be between 0 and 1, not {args.fail_under:g}")
    schema = defaults.schema(args)
    order = [lab.name for lab in schema.entities]
    stats, ann_dir = collect(args.paths, str(defaults.annotations_dir(args)), order)
    if args.json:
        data = {"paths": list(args.paths), "annotations": str(ann_dir) if ann_dir else None, **stats.to_dict()}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        print_tables(stats, ann_dir)
    for row in stats.articles:
        if row.error is not None:
            print(f"annotator: {row.error}", file=sys.stderr)
    if stats.errors:
        return 2
    if args.fail_under is not None and stats.progress < args.fail_under:
        return 1
    return 0


def print_tables(stats, ann_dir: Path | None) -> None:
    """The table of articles, the progress bar and the label bars, fitted to the width.

    Titles never wrap: every column keeps at least its title's width and long
    cells (article names, annotators) are cut with an ellipsis instead."""
    from rich.bar import Bar
    from rich.console import Console
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    from ..corpus import DONE_RULE

    console = Console(highlight=False)
    width = console.width
    done, total = stats.done, stats.total
    head = Table.grid(padding=(0, 1))
    head.add_column(no_wrap=True)
    head.add_column(no_wrap=True)
    head.add_column(no_wrap=True, overflow="ellipsis")
    bar_width = max(10, min(40, width - 30))
    head.add_row(
        Text("progress", style="bold"),
        ProgressBar(total=max(total, 1), completed=done, width=bar_width),
        Text(f"{done}/{total} done ({stats.progress:.0%})"),
    )
    console.print(head)
    console.print(Text(DONE_RULE, style="dim"), overflow="ellipsis", no_wrap=True)

    table, left_out = articles_table(stats, width)
    console.print(table)
    if left_out:
        console.print(Text(f"not shown (too narrow): {', '.join(left_out)}; see --json"), no_wrap=True, overflow="ellipsis")

    def bars(title: str, counts: dict[str, int]) -> None:
        if not counts:
            return
        grid = Table.grid(padding=(0, 1))
        name_w = max(len(k) for k in counts)
        grid.add_column(no_wrap=True, min_width=name_w)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        top = max(counts.values())
        w = max(5, min(40, width - name_w - 12))
        for k, v in counts.items():
            grid.add_row(Text(k), Bar(size=top, begin=0, end=v, width=w), Text(str(v)))
        console.print(Text(title, style="bold"))
        console.print(grid)

    bars("entities per label (accepted)", stats.labels)
    bars("events per type (accepted)", stats.event_types)
    bars("accepted annotations per annotator", stats.by)
    flagged = [r for r in stats.articles if r.rejected_links and r.error is None]
    if flagged:
        names = ", ".join(f"{r.name} ({r.rejected_links})" for r in flagged)
        console.print(Text(
            f"inconsistent: accepted links to rejected entities in {names}; `annotator validate` says where",
            style="yellow",
        ))
    if ann_dir is not None and not any(r.yaml for r in stats.articles):
        console.print(Text(f"note: no annotation file in {ann_dir} for these articles (see --annotations)"))


def cut_middle(name: str, width: int) -> str:
    """``name`` in ``width`` cells, cut in the middle with an ellipsis so that its
    end stays: the rows of one collection differ in their file names, not in the
    folders they start with. A path keeps its file name whole where it fits
    (``corpor…/PMID-12729016``, ``…/000-introduction``); a file name that does not
    fit is cut in its own middle, after the ``…/`` that says its folder was cut
    (``…/PMC25650…esults-07``); a name with no folder is cut in its middle."""
    if len(name) <= width:
        return name
    if width <= 1:
        return "…"[:width]
    room = width - 1
    folder, _, last = name.rpartition("/")
    if folder and len(last) < room:
        tail = min(room, max(len(last) + 1, room - room // 3))
        return name[: room - tail] + "…" + name[len(name) - tail:]
    if folder and width >= 5:  # "…/" and a file name of 3 cells at least
        return "…/" + cut_middle(last, width - 2)
    body = last if folder else name
    head = (room + 1) // 2
    return body[:head] + "…" + body[len(body) - (room - head):]


def _cut_at(name: str, width: int, head: int) -> str:
    return name if len(name) <= width else name[:head] + "…" + name[len(name) - (width - 1 - head):]


def cut_names(names: list[str], width: int) -> list[str]:
    """Each name ``cut_middle`` cut to ``width``; names that would then read the same
    though they differ (``news/000-introduction``, ``sport/000-introduction``: both
    ``…/000-introduction``) are cut in the middle of the whole path instead, where
    they differ (``news/000…oduction``, ``sport/00…oduction``), the cut nearest the
    middle that tells them apart."""
    out = [cut_middle(n, width) for n in names]
    groups: dict[str, set[str]] = {}
    for full, cut in zip(names, out):
        groups.setdefault(cut, set()).add(full)
    if width < 3 or all(len(g) == 1 for g in groups.values()):
        return out
    room = width - 1
    heads = sorted(range(1, room), key=lambda h: (abs(h - (room + 1) // 2), -h))
    better: dict[str, str] = {}
    for fulls in groups.values():
        if len(fulls) < 2:
            continue
        for h in heads:
            tried = {_cut_at(f, width, h) for f in fulls}
            if len(tried) == len(fulls):
                better.update((f, _cut_at(f, width, h)) for f in fulls)
                break
    out = [better.get(full, cut) for full, cut in zip(names, out)]
    return out


#: columns left out, in this order, when even the short titles do not fit
DROP_ORDER = ("relations", "saved", "by", "lost", "attributions", "events")
#: an article name gets at least this many cells before columns are shortened
NAME_MIN = 16


def articles_table(stats, width: int):
    """A Rich table of the rows that fits ``width`` cells with every title whole."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ..corpus import COLUMNS, SHORT_TITLES

    cells = {key: [row.text(key) for row in stats.articles] for key, _ in COLUMNS}

    def col_width(key: str, titles) -> int:
        return max([len(titles[key]), *(len(c) for c in cells[key])])

    def need(columns, titles) -> int:
        """Cells the table takes with the names cut to NAME_MIN (3 per column: padding, divider)."""
        total = sum(col_width(k, titles) if k != "name" else min(NAME_MIN, col_width(k, titles)) for k in columns)
        return total + 3 * len(columns) - 1

    long = dict(COLUMNS)
    short = {k: SHORT_TITLES.get(k, t) for k, t in COLUMNS}
    columns = [k for k, _ in COLUMNS]
    titles = long
    if need(columns, long) > width:
        titles = short
        for key in DROP_ORDER:
            if need(columns, short) <= width:
                break
            columns.remove(key)
    widths = {k: col_width(k, titles) for k in columns}
    rest = sum(widths[k] for k in columns if k != "name") + 3 * len(columns) - 1
    widths["name"] = max(len(titles["name"]), min(widths["name"], width - rest))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), show_edge=False)
    for key in columns:
        numeric = key not in ("name", "by", "saved", "state")
        table.add_column(
            titles[key],
            justify="right" if numeric else "left",
            no_wrap=True,
            width=widths[key],
            overflow="ellipsis",
        )
    names = cut_names(cells["name"], widths["name"])
    for i, row in enumerate(stats.articles):
        style = "red" if row.error else ("green" if row.done else None)
        table.add_row(*(Text(names[i] if key == "name" else cells[key][i]) for key in columns), style=style)
    left_out = [long[k] for k, _ in COLUMNS if k not in columns]
    return table, left_out
