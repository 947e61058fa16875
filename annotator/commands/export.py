"""`annotator export --to FORMAT PATH... -o OUT`: our YAML -> a format that
training and scoring tools read. Articles stream one at a time; whatever the
format cannot carry is counted in one line on stderr.

The batch rule, as audit and agree apply it: a file that cannot be read is one
line on stderr (the file and its problem) and is left out; the others are
exported, and the exit status is then 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from itertools import chain
from typing import Iterator

from ..errors import InputError
from .defaults import SCHEMA_HELP


def register(sub) -> None:
    from ..formats import FORMATS

    p = sub.add_parser(
        "export",
        help="write annotations as brat, spaCy, Prodigy JSONL, CoNLL, doccano or Label Studio",
        description="Write annotation YAML files in a format that training and scoring tools read.",
    )
    p.add_argument("--to", dest="fmt", required=True, metavar="FORMAT", help=f"one of: {', '.join(FORMATS)}")
    p.add_argument("paths", nargs="+", metavar="PATH", help="annotation .yaml files or folders of them")
    p.add_argument(
        "-o", "--output", dest="out", required=True, metavar="OUT",
        help="output file, - for stdout (brat: a folder; spacy: a file, or a folder for shards of 1,000 articles)",
    )
    p.add_argument(
        "--status",
        choices=("accepted", "all"),
        default="accepted",
        help="accepted: gold only (default); all: suggestions too, and rejections where the format can say so",
    )
    p.add_argument("--schema", metavar="FILE", help=SCHEMA_HELP)
    p.set_defaults(func=run)


def find_files(raw: list[str]) -> tuple[list[tuple[str, str]], int]:
    """(annotation file, its path under the folder given, without suffix) from
    PATHs (folders searched as ``store.files.annotation_files_in`` does), and how
    many other .yaml files were passed over."""
    from ..store.files import annotation_files_in

    out: list[tuple[str, str]] = []  # plain strings: 10,000 Path objects weigh ~10 MiB
    skipped = 0
    for item in raw:
        p = Path(item)
        if p.is_dir():
            found, passed = annotation_files_in(p)
            out.extend(found)
            skipped += passed
        elif p.is_file():
            out.append((str(p), p.stem))
        else:
            raise InputError(str(p), "no such file or folder")
    if not out:
        raise InputError(" ".join(raw), "no annotation files (.yaml) found")
    return out, skipped


YAML_SUFFIXES = (".yaml", ".yml")


def _not_ours(path: Path, err: InputError, ann_dir: Path) -> InputError:
    """What to say when a file given to export cannot be read: a .txt article (or
    any file that is not YAML) is not "broken YAML" but not an annotation file,
    and the annotation file to give instead is named when it is there."""
    if path.suffix.lower() in YAML_SUFFIXES or err.problem.startswith("cannot read"):
        return err
    from ..store.files import annotation_path

    yaml_path = annotation_path(path, ann_dir)
    if yaml_path.is_file():
        return InputError(str(path), f"is not an annotation file: export its annotation file, {yaml_path}")
    return InputError(
        str(path),
        f"is not an annotation file (.yaml): give the annotation file of the article "
        f"(annotate writes it to {ann_dir / (path.stem + '.yaml')}, or under its --annotations folder)",
    )


def run(args: argparse.Namespace) -> int:
    from .. import formats, store
    from ..formats.common import Names, Report, safe_name
    from ..formats.progress import Clock, bar
    from . import defaults

    key = formats.canonical(args.fmt, "--to")
    fmt = formats.get(key, "--to")
    schema = defaults.schema(args)
    files, skipped = find_files(args.paths)
    out = Path(args.out)
    to_stdout = args.out == "-"  # the file's bytes on stdout; this command's own lines on stderr
    if args.out.endswith(("/", os.sep)) and getattr(fmt, "OUT_MAY_BE_DIR", False):
        out.mkdir(parents=True, exist_ok=True)
    if to_stdout:
        if fmt.OUT_IS_DIR:
            raise InputError("-o -", f"{key} output is a folder of files, not stdout")
    elif fmt.OUT_IS_DIR:
        if out.exists() and not out.is_dir():
            raise InputError(str(out), f"{key} output must be a folder")
    else:
        if out.is_dir() and not getattr(fmt, "OUT_MAY_BE_DIR", False):
            raise InputError(str(out), f"is a folder; {key} output is one file")
        if not out.is_dir() and not out.parent.exists():
            raise InputError(str(out.parent), "no such folder for the output")
    report = Report(key)
    names = Names()
    clock = Clock()
    left_out: list[str] = []

    with bar(f"exporting {key}", len(files)) as progress:

        def items() -> Iterator[tuple[str, object]]:
            for path, rel in files:
                (aset,) = store.read_sets([path], workers=1)  # the set, or why it cannot be read
                if isinstance(aset, InputError):
                    err = _not_ours(Path(path), aset, defaults.annotations_dir(args))
                    print(f"annotator: {err.message}", file=sys.stderr)
                    left_out.append(path)
                    progress.advance()
                    continue
                if fmt.OUT_IS_DIR:  # brat: keep the folders, so names stay as they were
                    parts = [safe_name(x, "article") for x in rel.split("/")]
                    name = names.take("/".join(parts))
                else:
                    name = names.take(safe_name(Path(path).stem, "article"))
                yield name, aset
                progress.advance()

        stream = items()
        first = next(stream, None)  # nothing could be read: the output is left as it was
        try:
            if first is not None:
                fmt.write(chain([first], stream), out, report, args.status, schema=schema, fmt_name=key)
        except OSError as exc:  # a format writing a folder of files (brat, spaCy shards)
            raise InputError(str(exc.filename or out), f"cannot write: {exc.strerror or exc}") from None
    line = report.line()
    if line:
        print(f"annotator: {line}", file=sys.stderr)
    for note in report.take_warnings():  # what was carried, but not as it was
        print(f"annotator: {note}", file=sys.stderr)
    if skipped:
        print(f"annotator: passed over {skipped} .yaml files that are not annotation files", file=sys.stderr)
    where = "stdout" if to_stdout else out
    if first is None:
        where = f"{where} (nothing written)"
    n = len(left_out)
    bad = f", {n} file{'s' if n != 1 else ''} left out (see above)" if n else ""
    print(f"exported {report.documents} articles to {where}{bad} ({clock.rate(report.documents)})",
          file=sys.stderr if to_stdout else sys.stdout)
    return 2 if left_out else 0
