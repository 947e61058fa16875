"""`annotator import --from FORMAT SRC...`: foreign files -> our YAML.

Each document becomes ``--annotations DIR/<name>.yaml``. Where the source holds
the text (jsonl, doccano, labelstudio, conll, spacy) it is written to
``--texts DIR/<name>.txt``; brat's ``.txt`` files are referenced where they are
(a folder's subfolders are mirrored under DIR so equal names do not collide).
Documents stream one at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

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


def _sources(raw: list[str], suffixes: tuple[str, ...]) -> list[tuple[str, Path | None]]:
    """(file, root folder it was found under) for each SRC (strings: cheap in bulk)."""
    from .export import walk

    out: list[tuple[str, Path | None]] = []
    for item in raw:
        p = Path(item)
        if p.is_dir():
            found = walk(p, suffixes)
            if not found:
                raise InputError(str(p), f"no {' / '.join(suffixes)} files in this folder")
            out.extend((q, p) for q, _ in found)
        elif p.is_file():
            out.append((str(p), None))
        elif p.with_suffix(".ann").is_file() and ".ann" in suffixes:
            out.append((str(p.with_suffix(".ann")), None))
        else:
            raise InputError(str(p), "no such file or folder")
    return out


def write_replace(path: Path, data: bytes) -> None:
    """All-or-nothing (a temporary file renamed over the target) but without
    an fsync per file: a bulk import syncs once at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


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


def run(args: argparse.Namespace) -> int:
    from .. import formats, store, workspace
    from ..formats.common import Names, Report, safe_name
    from ..formats.progress import Clock, bar
    from ..model import Document

    key = formats.canonical(args.fmt, "--from")
    fmt = formats.get(key, "--from")
    ann_dir = Path(args.annotations)
    texts_dir = Path(args.texts)
    for d, opt in ((ann_dir, "--annotations"), (texts_dir, "--texts")):
        if d.exists() and not d.is_dir():
            raise InputError(str(d), f"is not a folder ({opt})")
    sources = _sources(args.sources, fmt.SOURCE_SUFFIXES)
    report = Report(key)
    names = Names()
    clock = Clock()
    conf_cache: dict = {}
    schemas: dict[str, Path] = {}
    count = 0
    empty = 0
    with bar(f"importing {key}", None) as progress:
        for src_name, root in sources:
            src = Path(src_name)
            for imp in fmt.read(src, report, root=root, conf_cache=conf_cache):
                if imp.text_path is not None:
                    # brat: the article stays where it is; mirror subfolders.
                    sub = src.parent.relative_to(root) if root is not None else Path()
                    yaml_path = ann_dir / sub / f"{imp.name}.yaml"
                    doc = imp.aset.document
                    if doc.path is None:
                        doc.path = str(imp.text_path)
                    if imp.schema is not None:
                        _write_schema(imp.schema, ann_dir, schemas)
                else:
                    if not imp.aset.document.text.strip():
                        empty += 1
                        continue
                    name = names.take(safe_name(imp.name, f"{src.stem}-{count + 1}"))
                    yaml_path = ann_dir / f"{name}.yaml"
                    text_path = texts_dir / f"{name}.txt"
                    if yaml_path.exists() and not args.force:
                        raise InputError(str(yaml_path), "already exists (use --force to replace it)")
                    data = _write_text(text_path, imp.aset.document.text, args.force)
                    doc = Document(imp.aset.document.text, str(text_path), hashlib.sha256(data).hexdigest())
                if yaml_path.exists() and not args.force:
                    raise InputError(str(yaml_path), "already exists (use --force to replace it)")
                aset = store.new_set(doc, yaml_path)
                aset.entities = imp.aset.entities
                aset.events = imp.aset.events
                aset.attributions = imp.aset.attributions
                aset.relations = imp.aset.relations
                # The one door for a new annotation file: locked, all-or-nothing.
                workspace.write_new(aset, yaml_path, replace=args.force, durable=False)
                count += 1
                progress.advance()
    if count and hasattr(os, "sync"):
        os.sync()  # one flush for the whole import instead of one per file
    if empty:
        report.leave("empty documents", empty)
    line = report.line()
    if line:
        print(f"annotator: {line}", file=sys.stderr)
    for path in schemas.values():
        print(f"schema from annotation.conf written to {path} (open the articles with --schema {path})")
    print(f"imported {count} articles from {key} into {ann_dir}{os.sep} ({clock.rate(count)})")
    return 0


def _write_schema(data: dict, ann_dir: Path, done: dict[str, Path]) -> None:
    """Each annotation.conf once, as a schema file under DIR/schemas/."""
    import yaml

    from ..formats.common import safe_name
    from ..store import write_atomic

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
    write_atomic(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    done[key] = path
