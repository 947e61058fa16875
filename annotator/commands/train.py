"""`annotator train DIR... -o MODEL_DIR`: fit a spaCy pipeline on the gold of folders."""

from __future__ import annotations

import argparse
import sys
from .defaults import SCHEMA_HELP


def register(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train a spaCy pipeline (ner + spancat) and a lexicon on the accepted annotations of folders",
        description=(
            "Fit a spaCy pipeline (NER, and a span categorizer for nested or overlapping labels) on the "
            "accepted entities of the annotation files in DIR..., from a blank English model on the CPU, with "
            "spaCy's training loop. MODEL_DIR also gets the attribution cues, sources and shapes and the names "
            "and triggers of the gold (annotator-lexicon.json). Use it with `annotator suggest --with "
            "spacy:MODEL_DIR` or `--with rules --learn-from MODEL_DIR`. Needs pip install 'annotator[spacy]'."
        ),
    )
    p.add_argument("folders", nargs="+", metavar="DIR", help="folders of annotation files (YAML) with their articles")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR", help="where the trained pipeline goes")
    p.add_argument("--schema", metavar="FILE", help=SCHEMA_HELP)
    p.add_argument("--steps", type=int, default=600, metavar="N", help="training steps (default 600)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..errors import InputError
    from . import defaults
    from ..suggest.training import gold_sets, require_spacy, train

    if args.steps < 1:
        raise InputError("--steps", "must be at least 1")
    require_spacy()
    schema = defaults.schema(args)
    sets, notes = gold_sets(args.folders, schema)
    for note in notes:
        print(f"annotator: note: {note}", file=sys.stderr)
    console = Console(stderr=True)
    columns = (
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[scores]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=not console.is_terminal) as bar:
        task = bar.add_task("train", total=args.steps, scores="")

        def show(info: dict) -> None:
            other = info.get("other_scores") or {}
            ents = other.get("ents_f")
            spans = other.get("spans_sc_f")
            loss = sum(float(v) for v in (info.get("losses") or {}).values())
            parts = [f"loss {loss:.0f}"]
            if ents is not None:
                parts.append(f"ner F {ents:.2f}")
            if spans is not None:
                parts.append(f"spancat F {spans:.2f}")
            bar.update(task, completed=min(args.steps, info.get("step", 0)), scores="  ".join(parts))

        report = train(args.folders, args.output, schema, max_steps=args.steps, seed=args.seed, progress=show, sets=sets)
        bar.update(task, completed=args.steps)
    scores = report.scores
    fig = ""
    if "ents_f" in scores:
        where = "its training docs (too few to hold some out)" if report.dev_is_train else "a tenth held out"
        fig = f"; on {where}: ner F1 {scores['ents_f']:.2f}, spancat F1 {scores.get('spans_sc_f', 0):.2f}"
    print(
        f"trained on {report.articles} article(s), {report.docs} paragraph(s), {report.entities} entities "
        f"({', '.join(report.labels)}) in {report.seconds:.0f} s{fig} -> {report.model_dir}"
    )
    return 0
