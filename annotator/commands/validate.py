"""`annotator validate FILE.yaml...`: report every problem, change nothing."""

from __future__ import annotations

import argparse
import sys
from .defaults import SCHEMA_HELP


def register(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check annotation files and report every problem (changes nothing)",
        description=(
            "Check annotation files (format annotator/1) against their articles and the schema. "
            "Every problem is printed as FILE:LINE: what is wrong, an accepted link (event argument, "
            "attribution source, relation) to a rejected entity included. Exit status 2 if any."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE.yaml", help="annotation files (or folders of them)")
    p.add_argument("--schema", metavar="FILE", help=SCHEMA_HELP)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from . import defaults
    from .. import store

    schema = defaults.schema(args)
    paths = store.yaml_files(args.files)
    n_problems = 0
    n_annotations = 0
    for path in paths:
        got = store.read(path, schema=schema, strict=True)
        aset, found = got.aset, got.problems + store.rejected_link_problems(got)
        for problem in found:
            print(problem, file=sys.stderr)
        n_problems += len(found)
        if aset is not None:
            n_annotations += len(aset)
    if not paths:
        print("annotator: no annotation files given (folders held no .yaml files)", file=sys.stderr)
        return 2
    if n_problems:
        return 2
    print(f"ok: {len(paths)} files, {n_annotations} annotations")
    return 0
