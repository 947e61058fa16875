"""`annotator agree DIR_A DIR_B [...]`: agreement between annotators on the same articles.

Each path is one annotator's annotation folder (or a single file); articles are
paired by file name. For every pair of annotators: entity F1, strict and partial
(the first as reference), and Cohen's kappa over tokens, per label and over all.
Only accepted annotations count.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError
from .audit import _names, annotation_files, check_same_article, emit, load, load_schema_arg, num


def register(sub) -> None:
    p = sub.add_parser(
        "agree",
        help="agreement between annotators (pairwise F1, Cohen's kappa)",
        description=(
            "Agreement between annotators who annotated the same articles: pairwise entity F1, "
            "strict and partial (the first folder as reference), and Cohen's kappa over tokens, "
            "per label and over all labels. Only accepted annotations count; articles are paired "
            "by file name."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="DIR", help="one annotation folder (or file) per annotator; two or more")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (stable keys) instead of tables")
    fmt.add_argument("--markdown", action="store_true", help="print Markdown tables")
    p.add_argument("--schema", metavar="FILE", help="label schema used to read the files (default: the built-in news schema)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..audit import agreements

    if len(args.paths) < 2:
        raise InputError(args.paths[0], "agree needs two or more annotators' folders")
    if len(set(args.paths)) != len(args.paths):
        raise InputError(args.paths[0], "the same folder is given twice")
    schema = load_schema_arg(args.schema)
    files = {p: annotation_files(Path(p)) for p in args.paths}
    single_files = all(Path(p).is_file() for p in args.paths)
    if single_files:  # one file each: the same article whatever the names
        files = {p: {"article": next(iter(f.values()))} for p, f in files.items()}
    everywhere = set.intersection(*(set(f) for f in files.values()))
    anywhere = set.union(*(set(f) for f in files.values()))
    notes = []
    for p, f in files.items():
        missing = sorted(anywhere - set(f))
        if missing:
            notes.append(f"{p} lacks {len(missing)} article(s) others annotated: {_names(missing)}")
    # Load what at least two annotators share.
    needed = {n for n in anywhere if sum(n in f for f in files.values()) >= 2}
    if not needed:
        raise InputError(args.paths[1], f"no annotation file with the same name as in {args.paths[0]}")
    sets = {p: {n: load(path, schema) for n, path in f.items() if n in needed} for p, f in files.items()}
    reference: dict = {}
    for p, by_name in sets.items():
        for n, aset in by_name.items():
            if n in reference:
                check_same_article(n, reference[n], aset, files[p][n])
            else:
                reference[n] = aset

    results = agreements(sets)
    for r in results:
        if not r.articles:
            notes.append(f"{r.a} and {r.b} share no article")
    data = {
        "annotators": list(args.paths),
        "articles": len(everywhere),
        "pairs": [r.to_dict() for r in results],
        "notes": notes,
    }
    tables = []
    for r in results:
        d = r.to_dict()
        rows = [["all", num(d["f1"]["strict"]), num(d["f1"]["partial"]), num(d["kappa"])]]
        for lab, v in d["labels"].items():
            rows.append([lab, num(v["strict_f1"]), num(v["partial_f1"]), num(v["kappa"])])
        n = len(r.articles)
        title = f"{r.a} vs {r.b} ({n} article{'s' if n != 1 else ''}, {r.tokens} tokens)"
        tables.append((title, ["label", "strict F1", "partial F1", "kappa"], rows))
    emit(args, data, tables, notes)
    return 0
