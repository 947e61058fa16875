"""`annotator import --from FORMAT SRC...`: foreign files -> our YAML.

Each document becomes ``--annotations DIR/<name>.yaml``. Where the source holds
the text (jsonl, doccano, labelstudio, conll, spacy) it is written to
``--texts DIR/<name>.txt``; brat's ``.txt`` files are referenced where they are
(a folder's subfolders are mirrored under DIR so equal names do not collide).
Documents stream one at a time.

One bad document never stops the others: each refused one gets one line
(``file:line: why``) and nothing of it is written; the rest is imported, the
summary says "imported N of M", and the exit status is 2 when any was refused
(or was already there without ``--force``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Iterator

from ..errors import InputError


def register(sub) -> None:
    from ..formats import FORMATS

    p = sub.add_parser(
        "import",
        help="read brat, spaCy, Prodigy, CoNLL, doccano or Label Studio files into annotation YAML",
        description="Read annotations made elsewhere into annotation YAML (one file per article).",
    )
    p.add_argument("--from", dest="fmt", required=True, metavar="FORMAT", help=f"one of: {', '.join(FORMATS)}")
    p.add_argument("sources", nargs="+", metavar="SRC", help="files or folders to read")
    p.add_argument("--annotations", metavar="DIR", default="annotations", help="where YAML goes (default ./annotations)")
    p.add_argument("--texts", metavar="DIR", default="seeds", help="where article texts go when the source holds them (default ./seeds)")
    p.add_argument("--force", action="store_true", help="replace annotation files (and texts) that already exist")
    p.set_defaults(func=run)


def _sources(raw: list[str], suffixes: tuple[str, ...], state: "_Run") -> list[tuple[str, Path | None]]:
    """(file, root folder it was found under) for each SRC (strings: cheap in bulk).
    A SRC that is not there is refused with one line; the others go on."""
    from .export import walk

    out: list[tuple[str, Path | None]] = []
    for item in raw:
        p = Path(item)
        if p.is_dir():
            found = walk(p, suffixes)
            if not found:
                state.refuse(f"{p}: no {' / '.join(suffixes)} files in this folder")
            out.extend((q, p) for q, _ in found)
        elif p.is_file():
            out.append((str(p), None))
        elif p.with_suffix(".ann").is_file() and ".ann" in suffixes:
            out.append((str(p.with_suffix(".ann")), None))
        else:
            state.refuse(f"{p}: no such file or folder")
    return out


def write_replace(path: Path, data: bytes) -> None:
    """All-or-nothing (a temporary file renamed over the target) but without
    an fsync per file: a bulk import syncs once at the end."""
    from ..store.files import write_text_atomic

    write_text_atomic(path, data, make_folder=True, fsync=False)  # an OS error is one line


def _write_text(path: Path, text: str, force: bool) -> bytes:
    data = text.encode("utf-8")
    if path.exists():
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if same:
            return data
        if not force:
            raise InputError(str(path), "a different article of this name is already there (use --force to replace it)")
    write_replace(path, data)
    return data


def write_annotation_file(yaml_path: Path, aset) -> None:
    """The one place import writes a new annotation file, through the
    workspace's door for new files (lock, all-or-nothing write, release): an
    article open in the app is refused (InputError), never overwritten. No
    fsync per file: the import syncs once at the end."""
    from .. import workspace

    workspace.write_new(aset, yaml_path, replace=True, durable=False)


def _documents(fmt, src: Path, report, root: Path | None, conf_cache: dict) -> Iterator:
    """Each document of one source: Imported, or Refused for a bad one. A source
    that fails as a whole (unreadable, not the format) is one Refused, after
    whatever documents it gave before."""
    from ..formats.common import Refused

    it = fmt.read(src, report, root=root, conf_cache=conf_cache)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except InputError as err:
            yield Refused.of(err)
            return
        yield item


class _Run:
    """What one import has done so far: counts and the lines it printed."""

    def __init__(self):
        self.imported = 0
        self.refused = 0
        self.empty = 0
        self.existing: list[Path] = []

    def refuse(self, message: str) -> None:
        self.refused += 1
        print(f"annotator: {message} (not imported)", file=sys.stderr)

    @property
    def total(self) -> int:
        return self.imported + self.refused + len(self.existing)


def run(args: argparse.Namespace) -> int:
    from .. import formats, store
    from ..formats.common import Names, Refused, Report
    from ..formats.progress import Clock, bar

    key = formats.canonical(args.fmt, "--from")
    fmt = formats.get(key, "--from")
    ann_dir = Path(args.annotations)
    texts_dir = Path(args.texts)
    for d, opt in ((ann_dir, "--annotations"), (texts_dir, "--texts")):
        if d.exists() and not d.is_dir():
            raise InputError(str(d), f"is not a folder ({opt})")
    state = _Run()
    sources = _sources(args.sources, fmt.SOURCE_SUFFIXES, state)
    report = Report(key)
    names = Names()
    clock = Clock()
    conf_cache: dict = {}
    schemas: dict[str, Path] = {}
    with bar(f"importing {key}", None) as progress:
        for src_name, root in sources:
            src = Path(src_name)
            for item in _documents(fmt, src, report, root, conf_cache):
                warnings = report.take_warnings()
                if isinstance(item, Refused):
                    state.refuse(item.message)  # nothing of it is written
                    continue
                for line in warnings:
                    print(f"annotator: {line}", file=sys.stderr)
                try:
                    _import_one(item, src, root, args, ann_dir, texts_dir, names, schemas, state, store)
                except InputError as err:
                    state.refuse(err.message)
                    continue
                progress.advance()
    if state.imported and hasattr(os, "sync"):
        os.sync()  # one flush for the whole import instead of one per file
    if state.empty:
        report.leave("empty documents", state.empty)
    line = report.line()
    if line:
        print(f"annotator: {line}", file=sys.stderr)
    if state.existing:
        first, more = state.existing[0], len(state.existing) - 1
        also = f", and so do {more} more" if more else ""
        print(f"annotator: {first}: already exists{also} (use --force to replace {'them' if more else 'it'})", file=sys.stderr)
    for path in schemas.values():
        print(f"schema from annotation.conf written to {path} (open the articles with --schema {path})")
    print(f"imported {state.imported} of {state.total} articles from {key} into {ann_dir}{os.sep} ({clock.rate(state.imported)})")
    return 2 if state.refused or state.existing else 0


def _import_one(imp, src: Path, root: Path | None, args, ann_dir: Path, texts_dir: Path, names, schemas: dict, state: _Run, store) -> None:
    """One document to its annotation file (and its text, when the source
    holds it). An InputError refuses it before anything of it is written."""
    from ..formats.common import safe_name
    from ..model import Document

    if imp.text_path is not None:
        # brat: the article stays where it is; mirror subfolders.
        sub = src.parent.relative_to(root) if root is not None else Path()
        yaml_path = ann_dir / sub / f"{imp.name}.yaml"
        doc = imp.aset.document
        if doc.path is None:
            doc.path = str(imp.text_path)
        if yaml_path.exists() and not args.force:
            state.existing.append(yaml_path)
            return
        if imp.schema is not None:
            _write_schema(imp.schema, ann_dir, schemas)
    else:
        if not imp.aset.document.text.strip():
            state.empty += 1
            return
        name = names.take(safe_name(imp.name, f"{src.stem}-{state.total + state.empty + 1}"))
        yaml_path = ann_dir / f"{name}.yaml"
        text_path = texts_dir / f"{name}.txt"
        if yaml_path.exists() and not args.force:
            state.existing.append(yaml_path)
            return
        data = _write_text(text_path, imp.aset.document.text, args.force)
        doc = Document(imp.aset.document.text, str(text_path), hashlib.sha256(data).hexdigest())
    aset = store.new_set(doc, yaml_path)
    aset.entities = imp.aset.entities
    aset.events = imp.aset.events
    aset.attributions = imp.aset.attributions
    aset.relations = imp.aset.relations
    write_annotation_file(yaml_path, aset)
    state.imported += 1


def _write_schema(data: dict, ann_dir: Path, done: dict[str, Path]) -> None:
    """Each annotation.conf once, as a schema file under DIR/schemas/."""
    import yaml

    from ..formats.common import safe_name
    from ..store.files import write_text_atomic

    import json

    key = json.dumps(data, sort_keys=True)
    if key in done:
        return
    title = safe_name(str(data.get("name") or "brat"), "brat")
    path = ann_dir / "schemas" / f"{title}.yaml"
    n = 1
    while path in done.values():
        n += 1
        path = ann_dir / "schemas" / f"{title}-{n}.yaml"
    write_text_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True), make_folder=True)
    done[key] = path
