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
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

from ..digest import sha256
from ..errors import InputError
from . import defaults
from .defaults import ANNOTATIONS_HELP

#: what a brat import checks against where it finds no annotation.conf
_SCHEMA_HELP = (
    "the schema the articles will be opened with: each document is checked against it "
    "(default for brat: the nearest annotation.conf in the folder or its parents, "
    "else settings, else the built-in news schema)"
)


def register(sub) -> None:
    from ..formats import FORMATS

    p = sub.add_parser(
        "import",
        help="read brat, spaCy, Prodigy, CoNLL, doccano or Label Studio files into annotation YAML",
        description="Read annotations made elsewhere into annotation YAML (one file per article).",
    )
    p.add_argument("--from", dest="fmt", required=True, metavar="FORMAT", help=f"one of: {', '.join(FORMATS)}")
    p.add_argument("sources", nargs="+", metavar="SRC", help="files or folders to read")
    p.add_argument("--annotations", metavar="DIR", help=ANNOTATIONS_HELP)
    p.add_argument("--texts", metavar="DIR", default="seeds", help="where article texts go when the source holds them (default ./seeds)")
    p.add_argument("--schema", metavar="FILE", help=_SCHEMA_HELP)
    p.add_argument("--force", action="store_true", help="replace annotation files that already exist (and the texts they annotate)")
    p.set_defaults(func=run)


def _sources(raw: list[str], suffixes: tuple[str, ...], state: "_Import") -> list[tuple[str, Path | None]]:
    """(file, root folder it was found under) for each SRC (strings: cheap in bulk).
    A SRC that is not there is refused with one line; the others go on."""
    from ..store.files import walk

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


def _holds(path: Path, data: bytes) -> bool | None:
    """Does the file at ``path`` hold ``data``: None when there is no file there."""
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except FileNotFoundError:
        return None
    except OSError:
        return False  # something is there: not ours to write over


def _annotates(yaml_path: Path, text_path: Path) -> bool:
    """Is ``text_path`` the article the annotation file ``yaml_path`` names."""
    from ..articles import _annotated_article

    try:
        return os.path.samefile(_annotated_article(yaml_path), text_path)
    except (InputError, OSError):
        return False


def _write_text(path: Path, data: bytes, replace: bool) -> None:
    """The article text of an imported document. Another article that is there
    is written over only when ``replace`` (the text of the annotation file that
    ``--force`` replaces: ``_Import.place``)."""
    same = _holds(path, data)
    if same:
        return
    if same is False and not replace:
        raise InputError(str(path), "another article of this name is already there")
    from ..store import write_text_atomic

    # All or nothing, without an fsync per file: a bulk import syncs once at the end.
    write_text_atomic(path, data, make_folder=True, fsync=False)


def article_bytes(text: str, where: str) -> tuple[bytes, str, bool]:
    """(the bytes to write as the article of ``text``, the text they read back
    as, whether a leading BOM was left out). The text is checked as the store
    reads an article (``articles.text_of``, the one door: too big, NUL, empty),
    so that what is checked and written is what opens; a leading BOM, which the
    store does not keep, is left out here (``_without_bom`` moves the spans).
    InputError naming ``where`` for a text that cannot be an article, or that
    holds half of a UTF-16 surrogate pair (not UTF-8 text at all)."""
    from ..articles import text_of

    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        ch = text[exc.start]
        raise InputError(
            where, f"its text holds U+{ord(ch):04X} at character {exc.start + bom}, half of a UTF-16 surrogate pair "
            "(a string cut in the middle of a character), which is not text: it cannot be an article"
        ) from None
    read = text_of(data, where, subject="its text ")
    assert read == text, "an article reads back as the text it was written from"
    return data, text, bom


def _without_bom(aset, text: str, where: str):
    """``aset`` (on ``"\ufeff" + text``) with each span one character earlier, as
    on ``text``; a span that covers only the BOM refuses the document."""
    from dataclasses import replace

    from ..model import AnnotationSet, Span, fragments_text

    old = "\ufeff" + text

    def moved(span, what: str) -> Span:
        frags = tuple((max(s - 1, 0), e - 1) for s, e in span.fragments if e - 1 > max(s - 1, 0))
        if not frags:
            raise InputError(where, f"{what} at {span.start}-{span.end} covers only the byte-order mark (U+FEFF) "
                             "the text begins with, which an article does not keep")
        if span.text == fragments_text(old, span.fragments):  # else the check says where it does not match
            return Span(frags, fragments_text(text, frags))
        return Span(frags, span.text)

    out = AnnotationSet(aset.document)
    out.entities = {k: replace(e, span=moved(e.span, f"the {e.label} span")) for k, e in aset.entities.items()}
    out.events = {k: replace(ev, trigger=moved(ev.trigger, f"the trigger of {ev.type}")) for k, ev in aset.events.items()}
    attributions = {}
    for k, at in aset.attributions.items():
        parts = {}
        for part in ("source", "cue", "content"):
            span = getattr(at, part)
            if isinstance(span, Span):
                parts[part] = moved(span, f"the {part} of an attribution")
        attributions[k] = replace(at, **parts) if parts else at
    out.attributions = attributions
    out.relations = aset.relations
    return out


def _shown(name: str) -> str:
    """A name in a line: quoted, a line break or a control character escaped."""
    return repr(name)


def _tidy_names(aset, where: str, tidied: list) -> None:
    """The labels, event types, roles, relation and attribution types of ``aset``
    (a reader's, changed in place) without spaces or line breaks around them
    (``"GPE\\n"`` is ``GPE``), each so taken added to ``tidied`` as (where,
    kind, name as given, as taken). A name that holds a line break, a control
    character or half a surrogate pair inside refuses the document (InputError
    naming ``where``): a name is one line, in the schema and in every line said.
    What is not a string is left to the store's check."""
    import unicodedata
    from dataclasses import replace

    def tidy(name, kind: str):
        if not isinstance(name, str):
            return name
        clean = name.strip()
        for ch in clean:
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Cs", "Zl", "Zp"):
                what = ("a line break" if ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
                        else "half of a UTF-16 surrogate pair" if cat == "Cs" else "a control character")
                raise InputError(where, f"{kind} {_shown(name)} holds {what} (U+{ord(ch):04X}): a {kind} is one line of text")
        if clean != name and clean:
            tidied.append((where, kind, name, clean))
            return clean
        return name

    for k, e in aset.entities.items():
        label = tidy(e.label, "label")
        if label is not e.label:
            aset.entities[k] = replace(e, label=label)
    for k, ev in aset.events.items():
        t = tidy(ev.type, "event type")
        args = []
        for a in ev.arguments:
            role = tidy(a.role, "role")
            args.append(a if role is a.role else replace(a, role=role))
        args = tuple(args)
        if t is not ev.type or any(x is not y for x, y in zip(args, ev.arguments)):
            aset.events[k] = replace(ev, type=t, arguments=args)
    for k, r in aset.relations.items():
        t = tidy(r.type, "relation type")
        if t is not r.type:
            aset.relations[k] = replace(r, type=t)
    for k, at in aset.attributions.items():
        t = tidy(at.type, "attribution type") if at.type is not None else None
        if t is not at.type:
            aset.attributions[k] = replace(at, type=t)


def check(aset, where: str, schema=None, whose: str = "") -> None:
    """The one door of import: what a format reader made is checked by the
    store's own validation (``store.plain.problems``: the checks reading the
    file back would make), against ``schema`` when given (the one the file
    will be opened with, ``whose`` saying which), before anything of it is
    written. The first problem refuses the document (InputError naming
    ``where``, the source's file:line)."""
    from ..store.plain import problems

    found = problems(aset, where, aset.document, schema)
    if found:
        more = f" (and {len(found) - 1} more problems)" if len(found) > 1 else ""
        which = f", {whose}" if whose and "not in the schema" in found[0].message else ""
        raise InputError(where, f"it would make an invalid annotation file: {found[0].message}{which}{more}")


def write_annotation_file(yaml_path: Path, aset) -> None:
    """The one place import writes a new annotation file, through the
    workspace's door for new files (lock, all-or-nothing write, release): an
    article open in the app is refused (InputError), never overwritten. No
    fsync per file: the import syncs once at the end."""
    from .. import workspace

    try:
        workspace.write_new(aset, yaml_path, replace=True, durable=False)
    except OSError as exc:
        raise InputError(str(yaml_path), f"cannot write: {exc.strerror or exc}") from None


def _documents(fmt, src: Path, report, root: Path | None, conf_cache: dict) -> Iterator:
    """Each document of one source: Imported, or Refused for a bad one. A source
    that fails as a whole (unreadable, not the format) is one Refused, after
    whatever documents it gave before."""
    from ..formats.common import Refused

    it = fmt.read(src, report, root=root, conf_cache=conf_cache)
    given = False
    while True:
        try:
            item = next(it)
        except StopIteration:
            break
        except InputError as err:
            yield Refused.of(err)
            return
        given = True
        yield item
    if not given:  # an empty file, or one of blank lines: say so rather than "imported 0 of 0"
        try:
            empty = src.stat().st_size == 0
        except OSError:
            empty = False
        yield Refused(str(src), ("is empty" if empty else "holds no document") + ": nothing to import")


class _Import:
    """One run of the command: where things go, what was done, the lines said."""

    def __init__(self, args: argparse.Namespace, key: str):
        from ..formats.common import Names

        self.key = key
        self.args = args
        self.force = args.force
        self._schemas: dict[str, tuple] = {}  # a conf's schema data (as JSON) -> (Schema, whose)
        self._default: tuple | None = None
        #: the default schema with the labels it lacks added (``derived_for``) and its data
        self._derived: tuple | None = None
        self._derived_data: dict | None = None
        self.added: dict[str, list[str]] = {}  # what the derived schema added, by kind
        #: (derived schema, its data, what it adds) for the document being imported:
        #: taken (``_adopt``) once that document is written, so that only the labels
        #: of documents imported make the schema
        self._pending: tuple | None = None
        #: (where, kind, name as given, as taken) of each name taken without the
        #: spaces around it (``_tidy_names``), of the documents imported; and of the one at hand
        self.tidied: list[tuple[str, str, str, str]] = []
        self._tidied_now: list[tuple[str, str, str, str]] = []
        self.ann_dir = defaults.annotations_dir(args)
        self.texts_dir = Path(args.texts)
        self.names = Names()
        self.schemas: dict[str, Path] = {}
        self.imported = 0
        self.refused = 0
        self.existing: list[Path] = []
        #: (where, the other article whose name it had, its text, its annotation file) of each
        #: document that took a free name
        self.renamed: list[tuple[str, Path, Path, Path]] = []
        #: where each text imported began with a BOM (left out, its spans moved)
        self.boms: list[str] = []

    @property
    def total(self) -> int:
        return self.imported + self.refused + len(self.existing)

    def schema_for(self, imp) -> tuple:
        """(the schema a document will be opened with, what to call it):
        ``--schema``; else a brat document's annotation.conf's (written under
        DIR/schemas/), else the settings' or the built-in one; another format's
        document without ``--schema``: ``derived_for``."""
        if imp.text_path is None and not getattr(self.args, "schema", None):
            return self.derived_for(imp)
        if imp.schema is not None and not getattr(self.args, "schema", None):
            import json

            from ..schema import schema_from_data

            key = json.dumps(imp.schema, sort_keys=True)
            got = self._schemas.get(key)
            if got is None:
                conf = imp.schema_source or "annotation.conf"
                got = self._schemas[key] = (schema_from_data(imp.schema, conf), f"read from {conf}")
            return got
        if self._default is None:
            path = defaults.schema_file(self.args)
            whose = f"read from {path}" if path else "the built-in news schema: give --schema FILE, or an annotation.conf that declares it"
            self._default = (defaults.schema(self.args), whose)
        return self._default

    def derived_for(self, imp) -> tuple:
        """A document of a format that declares no labels (Label Studio, doccano,
        Prodigy, JSONL, spaCy, CoNLL), without ``--schema``: the settings' or the
        built-in schema, with the labels, event types, roles, relation and
        attribution types of the documents read so far that it lacks added
        (written under DIR/schemas/ at the end, as a brat conf's is), so that what
        is written is what the articles open with (``--schema`` that file)."""
        from ..schema import schema_data, schema_from_data

        if self._default is None:
            path = defaults.schema_file(self.args)
            self._default = (defaults.schema(self.args), f"read from {path}" if path else "the built-in news schema")
        schema, whose = self._derived or self._default
        aset = imp.aset
        new_labels = [e.label for e in aset.entities.values() if not schema.has_entity(e.label)]
        new_roles = [(ev.type, a.role) for ev in aset.events.values() for a in ev.arguments]
        new_roles = [(t, r) for t, r in new_roles if not schema.has_role(t, r)]
        new_types = [ev.type for ev in aset.events.values() if not schema.has_event(ev.type)]
        new_rels = [r.type for r in aset.relations.values() if r.type not in schema.relation_types]
        new_atts = [a.type for a in aset.attributions.values() if a.type and a.type not in schema.attribution_types]
        def named(x) -> bool:  # (an empty or odd name is the store's check to refuse, with its line)
            return isinstance(x, str) and bool(x.strip())

        new_labels = [x for x in new_labels if named(x)]
        new_types = [x for x in new_types if named(x)]
        new_roles = [(t, r) for t, r in new_roles if named(t) and named(r)]
        new_rels = [x for x in new_rels if named(x)]
        new_atts = [x for x in new_atts if named(x)]
        if not (new_labels or new_roles or new_types or new_rels or new_atts):
            return schema, whose
        data = schema_data(schema)
        base, base_whose = self._default
        data["name"] = f"{base.name}+{self.key}"
        added: dict[str, list[str]] = {}
        for label in dict.fromkeys(new_labels):
            data["entities"].append({"name": label})
            added.setdefault("labels", []).append(label)
        events = {e["name"]: e for e in data["events"]}
        for t in dict.fromkeys(new_types):
            events[t] = {"name": t, "roles": []}
            data["events"].append(events[t])
            added.setdefault("event types", []).append(t)
        for t, r in dict.fromkeys(new_roles):
            if r not in events[t]["roles"]:
                events[t]["roles"].append(r)
                added.setdefault("roles", []).append(f"{t}.{r}")
        for r in dict.fromkeys(new_rels):
            data["relations"].append(r)
            added.setdefault("relation types", []).append(r)
        for a in dict.fromkeys(new_atts):
            data["attribution"]["types"].append(a)
            added.setdefault("attribution types", []).append(a)
        derived = (schema_from_data(data, f"<{self.key} labels>"), f"{base_whose}, with the labels of the {self.key} source")
        self._pending = (derived, data, added)
        return derived

    def _adopt(self) -> None:
        """The document checked against ``derived_for``'s schema is written: its
        labels go into the schema written at the end, and into the summary; and
        the names ``_tidy_names`` took without their spaces into its lines."""
        self.tidied.extend(self._tidied_now)
        self._tidied_now = []
        if self._pending is None:
            return
        self._derived, self._derived_data, added = self._pending
        self._pending = None
        for kind, names in added.items():
            self.added.setdefault(kind, []).extend(names)

    def place(self, base: str, data: bytes) -> tuple[Path, Path, bool, Path | None] | None:
        """(annotation file, article text, whether that text is written over, the
        other article whose name it passed over or None) for a document whose text
        is ``data``; None when its annotation file is there already (without
        ``--force``: counted in ``existing``).

        A name is this document's when DIR/NAME.yaml is there (an earlier import
        into this folder: ``--force`` replaces it, and the text it annotates), or
        when --texts DIR/NAME.txt is not there or holds this very text. Another
        article of that name (which another folder's annotation file may annotate:
        Label Studio numbers the tasks of every project from 1) is never written
        over: the document takes the next free name, NAME-2 (both its text and
        its annotation file, which are paired by name), and a line says so."""
        skipped: list[Path] = []

        def free(name: str) -> bool:
            text_path = self.texts_dir / f"{name}.txt"
            if (self.ann_dir / f"{name}.yaml").exists() or _holds(text_path, data) is not False:
                return True
            skipped.append(text_path)
            return False

        name = self.names.take_free(base, free)
        yaml_path, text_path = self.ann_dir / f"{name}.yaml", self.texts_dir / f"{name}.txt"
        replace = False
        if yaml_path.exists():
            if not self.force:
                self.existing.append(yaml_path)
                return None
            replace = _holds(text_path, data) is False
            if replace and not _annotates(yaml_path, text_path):
                raise InputError(str(text_path), f"is another article than the one {yaml_path} annotates, "
                                 "and is not written over: give --texts DIR for this import's texts")
        return yaml_path, text_path, replace, (skipped[0] if skipped else None)

    def refuse(self, message: str) -> None:
        self.refused += 1
        print(f"annotator: {message} (not imported)", file=sys.stderr)

    def warn(self, lines: list[str]) -> None:
        for line in lines:
            print(f"annotator: {line}", file=sys.stderr)

    def document(self, imp, src: Path, root: Path | None) -> bool:
        """One document to its annotation file (and its text, when the source
        holds it); True when written. An InputError refuses it before anything
        of it is written: what a reader made is checked as the store checks a
        file (``check``) before the text or the YAML is written."""
        from .. import store
        from ..formats.common import safe_name
        from ..model import Document

        data = None
        if imp.text_path is not None:
            # brat: the article stays where it is; mirror subfolders.
            sub = src.parent.relative_to(root) if root is not None else Path()
            yaml_path = self.ann_dir / sub / f"{imp.name}.yaml"
            doc = imp.aset.document
            if doc.path is None:
                doc.path = str(imp.text_path)
            if yaml_path.exists() and not self.force:
                self.existing.append(yaml_path)
                return False
        else:
            if not imp.aset.document.text.strip():
                # as brat's empty .txt, and as the store refuses an empty article (annotate, export)
                raise InputError(imp.where or str(src), "the article is empty: its text is empty or blank")
            where = imp.where or imp.source or str(src)
            data, text, bom = article_bytes(imp.aset.document.text, where)
            placed = self.place(safe_name(imp.name, f"{src.stem}-{self.total + 1}"), data)
            if placed is None:
                return False
            yaml_path, text_path, replace_text, other = placed
            if bom:
                imp.aset = _without_bom(imp.aset, text, where)
            doc = Document(text, str(text_path), sha256(data).hexdigest())
        self._pending, self._tidied_now = None, []
        _tidy_names(imp.aset, imp.where or imp.source or str(src), self._tidied_now)
        aset = store.new_set(doc, yaml_path)
        aset.entities = imp.aset.entities
        aset.events = imp.aset.events
        aset.attributions = imp.aset.attributions
        aset.relations = imp.aset.relations
        schema, whose = self.schema_for(imp)
        check(aset, imp.where or imp.source or str(src), schema, whose)
        if data is not None:
            _write_text(text_path, data, replace_text)
        elif imp.schema is not None and not getattr(self.args, "schema", None):
            _write_schema(imp.schema, self.ann_dir, self.schemas)
        write_annotation_file(yaml_path, aset)
        self.imported += 1
        self._adopt()
        if data is not None and bom:
            self.boms.append(where)
        if data is not None and other is not None:
            self.renamed.append((where, other, text_path, yaml_path))
        return True

    def summary(self, report, clock) -> int:
        if self.imported and hasattr(os, "sync"):
            os.sync()  # one flush for the whole import instead of one per file
        line = report.line()
        if line:
            print(f"annotator: {line}", file=sys.stderr)
        seen: set[tuple[str, str]] = set()
        for where, kind, raw, clean in self.tidied:
            if (kind, raw) not in seen:
                seen.add((kind, raw))
                print(f"annotator: {where}: {kind} {_shown(raw)} is taken as {_shown(clean)} (the spaces and line "
                      "breaks around it left out)", file=sys.stderr)
        if self.renamed:
            where, other, text_path, yaml_path = self.renamed[0]
            more = len(self.renamed) - 1
            also = f"; {more} more took a name of their own so" if more else ""
            print(f"annotator: {where}: {other} is another article, so this one is {text_path}, annotated by "
                  f"{yaml_path}{also} (--texts DIR keeps an import's texts apart)", file=sys.stderr)
        if self.boms:
            n = len(self.boms)
            texts = f"{n} texts" if n > 1 else "its text"
            print(f"annotator: {self.boms[0]}: the byte-order mark (U+FEFF) {texts} began with is left out, as an article "
                  f"is read without it, and {'their' if n > 1 else 'its'} spans are one character earlier"
                  f"{' (this is the first)' if n > 1 else ''}", file=sys.stderr)
        if self.existing:
            first, more = self.existing[0], len(self.existing) - 1
            also = f", and so do {more} more" if more else ""
            print(f"annotator: {first}: already exists{also} (use --force to replace {'them' if more else 'it'})", file=sys.stderr)
        for path in self.schemas.values():
            print(f"schema from annotation.conf written to {path} (open the articles with --schema {path})")
        if self._derived_data is not None and self.imported:
            path = write_schema_file(self._derived_data, self.ann_dir, self.key)
            base = self._default[1] if self._default else "the built-in news schema"
            what = "; ".join(f"{kind}: {', '.join(names[:8])}{', …' if len(names) > 8 else ''}" for kind, names in self.added.items())
            print(f"not in {base.removeprefix('read from ')}: {what}; a schema with them written to {path} "
                  f"(open the articles with --schema {path})")
        print(f"imported {self.imported} of {self.total} articles from {self.key} into {self.ann_dir}{os.sep} ({clock.rate(self.imported)})")
        return 2 if self.refused or self.existing else 0


def run(args: argparse.Namespace) -> int:
    from .. import formats
    from ..formats.common import Refused, Report
    from ..formats.progress import Clock, bar

    key = formats.canonical(args.fmt, "--from")
    fmt = formats.get(key, "--from")
    for d, opt in ((defaults.annotations_dir(args), "--annotations"), (Path(args.texts), "--texts")):
        if d.exists() and not d.is_dir():
            raise InputError(str(d), f"is not a folder ({opt})")
    run_ = _Import(args, key)
    sources = _sources(args.sources, fmt.SOURCE_SUFFIXES, run_)
    report = Report(key)
    clock = Clock()
    conf_cache: dict = {}
    with bar(f"importing {key}", None) as progress:
        for src_name, root in sources:
            src = Path(src_name)
            for item in _documents(fmt, src, report, root, conf_cache):
                warnings = report.take_warnings()
                if isinstance(item, Refused):
                    run_.refuse(item.message)  # nothing of it is written
                    continue
                try:
                    written = run_.document(item, src, root)
                except InputError as err:
                    run_.refuse(err.message)
                    continue
                if written:
                    run_.warn(warnings)  # what was left out of what was written
                progress.advance()
    return run_.summary(report, clock)


def _write_schema(data: dict, ann_dir: Path, done: dict[str, Path]) -> None:
    """Each annotation.conf once, as a schema file under DIR/schemas/ (named after
    its collection, ``write_schema_file``)."""
    import json

    from ..formats.common import safe_name

    key = json.dumps(data, sort_keys=True)
    if key not in done:
        done[key] = write_schema_file(data, ann_dir, safe_name(str(data.get("name") or "brat"), "brat"), done.values())


def write_schema_file(data: dict, ann_dir: Path, name: str, taken: Iterable[Path] = ()) -> Path:
    """The one writer of an import's schemas: ``data`` as DIR/schemas/NAME.yaml, or
    NAME-2.yaml, ... when that name is ``taken`` (by another schema of this import)
    or holds another schema already (the user's, or an earlier import's: kept); a
    file that holds this very schema is written again."""
    import yaml

    from ..store.files import write_text_atomic

    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    taken = set(taken)
    path, n = ann_dir / "schemas" / f"{name}.yaml", 1
    while path in taken or (path.exists() and path.read_text(encoding="utf-8", errors="replace") != text):
        n += 1
        path = ann_dir / "schemas" / f"{name}-{n}.yaml"
    write_text_atomic(path, text, make_folder=True)
    return path
