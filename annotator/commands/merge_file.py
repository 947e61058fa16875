"""`annotator merge-file BASE OURS THEIRS`: a git merge driver for annotation files.

Git runs it as ``annotator merge-file %O %A %B %P`` (see the README): the three
versions of one annotation file, the result written into OURS, and the file's
path in the work tree, which the messages name (git's copies are temporary files
called ``.merge_file_XXXXXX``). Annotations merge
one by one (``annotator.three_way``): exit 0 on a clean merge; exit 1 when some
annotation was changed differently on both sides (both versions are then in OURS,
marked for adjudication, and git reports the file as conflicted until it is
added); exit 2, OURS untouched, when a file cannot be read, does not validate (as
``annotator validate`` checks it: against the schema validate uses, an accepted
link to a rejected annotation included) or the article itself differs between
the sides. Never conflict markers.
An accepted link of one side to an annotation the other side rejected is a
conflict too: the annotation is kept as a candidate (exit 1).

The files git hands over are temporary copies away from the article, so they are
read without it: their spans are checked against each other, not the text.

The schema is the one ``annotator validate`` would use: ``--schema``, else the
settings' ``schema`` (git runs the driver at the top of the work tree, so a
project's ``annotator.toml`` there is read), else the built-in one. Both sides
and the result are checked against it; the base is not (a side's annotations are
what the result is made of, and a base written before the schema changed is no
reason to refuse a merge).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..errors import InputError
from .defaults import SCHEMA_HELP

_LENGTH = re.compile(r"^  length: (\d+)\s*$", re.M)


def register(sub) -> None:
    p = sub.add_parser(
        "merge-file",
        help="git merge driver: merge one annotation file annotation by annotation into OURS",
        description=(
            "Three-way merge of an annotation file, for git (merge.annotator.driver = "
            "\"annotator merge-file %%O %%A %%B %%P\"). Changes to different annotations merge cleanly; two changes "
            "to the same annotation keep both versions, marked for adjudication (status: suggested, "
            "attrs: {merge: ...}), and so does an accepted link to an annotation the other side rejected; "
            "the result always validates. Exit 0: clean; 1: annotations left to "
            "adjudicate; 2: bad input, a side that does not validate included (OURS untouched)."
        ),
    )
    p.add_argument("base", metavar="BASE", help="the common ancestor's version (%%O)")
    p.add_argument("ours", metavar="OURS", help="our version (%%A): the result is written here")
    p.add_argument("theirs", metavar="THEIRS", help="their version (%%B)")
    p.add_argument(
        "path", metavar="PATH", nargs="?", default=None,
        help="the file's path in the work tree (%%P), named in messages instead of git's temporary copies",
    )
    p.add_argument("--schema", metavar="FILE", help=SCHEMA_HELP + "; both sides and the result are checked against it")
    p.set_defaults(func=run)


def read_version(path: Path, schema=None):
    """A version of the file, read without its article (the text is a placeholder of the recorded length),
    checked against ``schema`` (its labels, types and roles) when one is given."""
    from .. import store

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text (bad byte at byte {exc.start})") from None
    if not text.strip():  # git's empty base when both sides added the file
        return None
    aset = _checked(store.read(path, text=text, schema=schema, strict=True))
    m = _LENGTH.search(text)
    aset.document.text = "\0" * (int(m.group(1)) if m else 0)
    return aset


def _checked(got):
    """The set of a file read, refused as ``annotator validate`` would refuse it
    (an accepted link to a rejected annotation included): one line naming the file."""
    from .. import store
    from ..errors import ValidationError

    aset = got.checked()
    problems = store.rejected_link_problems(got)
    if problems:
        raise ValidationError(problems)
    return aset


def run(args: argparse.Namespace) -> int:
    from . import defaults

    schema = defaults.schema(args)  # a bad settings file or schema: its own line
    try:
        return _merge(args, schema)
    except InputError as exc:
        # (git runs the driver: the project's settings are where its schema goes)
        exc = defaults.with_schema_hint(
            exc, args, defaults.annotations_dir(args),
            'set schema = "{path}" in the annotator.toml at the top of the work tree, or give --schema {path}',
        )
        if args.path is None:
            raise exc from None
        names = {args.base: f"{args.path} (base)", args.ours: args.path, args.theirs: f"{args.path} (theirs)"}
        raise InputError(names.get(exc.where, exc.where), exc.problem, exc.line) from None


def _merge(args: argparse.Namespace, schema) -> int:
    from .. import store
    from ..model import AnnotationSet
    from ..three_way import merge3

    base_p, ours_p, theirs_p = Path(args.base), Path(args.ours), Path(args.theirs)
    ours = read_version(ours_p, schema)
    theirs = read_version(theirs_p, schema)
    if ours is None or theirs is None:
        raise InputError(str(ours_p if ours is None else theirs_p), "is empty: not an annotation file")
    base = read_version(base_p) if base_p.exists() else None
    if (theirs.document.sha256, theirs.document.length) != (ours.document.sha256, ours.document.length):
        raise InputError(str(theirs_p), "annotates another version of the article than OURS: merge it by hand")
    if base is None:
        base = AnnotationSet(ours.document)
    result = merge3(base, ours, theirs)
    text = store.dumps(result.aset)
    _checked(store.read(ours_p, text=text, schema=schema, strict=True))  # the result validates (or the user's file stays as it was)
    store.write_text_atomic(ours_p, text)  # all or nothing; an OS error is one line
    if result.conflicts:
        print(
            f"annotator: {args.path or ours_p}: {result.conflicts} annotation(s) to adjudicate, kept as suggestions "
            f"(attrs merge.side): changed on both sides (both versions kept), or rejected on one side and linked to "
            f"on the other (back as a candidate)",
            file=sys.stderr,
        )
        return 1
    return 0
