"""The `file:PATH` suggester: another extractor's output as suggestions.

Reads annotation YAML in our format, brat standoff (``.ann``), or spaCy/Prodigy
JSONL (``text`` plus ``spans`` of ``start``/``end``/``label``; spaCy's own
``Doc.to_json()``, with ``ents`` and ``spans`` as span groups ``{"sc": [...]}``;
``entities`` as ``[start, end, label]`` triples also works). PATH may be one file or a folder
holding ``<article stem>.yaml|.yml|.ann|.jsonl|.json``.

Offsets must match the article: each span's text (when the file gives one) is
compared with the article's; any mismatch is reported, ``file:line: what``, as a
``ValidationError`` listing every one, and nothing of that file is suggested.
Spans are never shifted or re-found by guessing. Labels go through the schema's
``label_map``; labels, types and roles the schema lacks are skipped with a note.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..errors import InputError, Problem, ValidationError
from ..model import (
    REJECTED,
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from ..schema import Schema
from .base import LOCAL, LocalIds, Progress, Proposals

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".ann": "brat", ".jsonl": "jsonl", ".json": "jsonl"}


class FileSuggester:
    """Suggestions read from a file (or a folder of files) another tool wrote."""

    def __init__(self, path: str | Path, schema: Schema):
        self.path = Path(path).expanduser()
        self.schema = schema
        self.name = f"file:{self.path.name}"
        if not self.path.exists():
            raise InputError(str(self.path), "no such file or folder (--with file:PATH)")
        if self.path.is_file() and self.path.suffix.lower() not in SUFFIXES:
            raise InputError(str(self.path), "unknown format: expected .yaml, .ann (brat) or .jsonl (spaCy/Prodigy)")
        self._jsonl_cache: dict[Path, list[tuple[int, dict]]] = {}

    # -- which file speaks about this article --------------------------------------
    def _file_for(self, doc: Document) -> Path | None:
        if self.path.is_file():
            return self.path
        if not doc.path:
            return None
        # An article in a subfolder (``src/news/x.txt``) takes the file at the same path
        # in the folder (``DIR/news/x.ann``), as an annotations folder mirrors the tree;
        # ``document.path`` is relative to its annotation file, so its tails are tried,
        # the longest first, down to the stem (``DIR/x.ann``).
        parts = PurePosixPath(Path(doc.path).as_posix()).with_suffix("").parts
        if ".." in parts:
            parts = parts[len(parts) - parts[::-1].index(".."):]
        for i in range(len(parts)):
            if parts[i] in ("/", "."):
                continue
            for suffix in SUFFIXES:
                p = self.path.joinpath(*parts[i:]).with_name(parts[-1] + suffix)
                if p.is_file():
                    return p
        return None

    def propose(self, aset: AnnotationSet, *, progress: Progress | None = None) -> Proposals:
        doc = aset.document
        path = self._file_for(doc)
        if path is None:
            article = Path(doc.path).name if doc.path else "this article"
            return Proposals(notes=[f"{self.path}: no file for {article} (looked for <stem>.yaml, .ann, .jsonl)"])
        kind = SUFFIXES[path.suffix.lower()]
        reader = _Reader(path, doc, self.schema)
        if kind == "yaml":
            reader.yaml()
        elif kind == "brat":
            reader.brat()
        else:
            records = self._jsonl_cache.get(path)
            if records is None:
                records = self._jsonl_cache[path] = _read_jsonl(path)
            reader.jsonl(records)
        if reader.problems:
            raise ValidationError(reader.problems)
        out = reader.out
        out.notes.extend(reader.notes())
        if progress:
            progress(0.95)
        return out


# -- reading ------------------------------------------------------------------------


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    where = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text (bad byte at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"broken JSON: {exc.msg}", exc.lineno) from None
        items = data if isinstance(data, list) else [data]
        return [(1, item) for item in items if isinstance(item, dict)]
    records: list[tuple[int, dict]] = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"broken JSON: {exc.msg}", n) from None
        if not isinstance(item, dict):
            raise InputError(where, "each line must be a JSON object", n)
        records.append((n, item))
    return records


def _show(s: str, limit: int = 40) -> str:
    s = s if len(s) <= limit else s[: limit - 1] + "…"
    return repr(s)


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


class _Reader:
    """Turns one file into proposals for one article; collects problems and skips."""

    def __init__(self, path: Path, doc: Document, schema: Schema):
        self.path = path
        self.where = str(path)
        self.doc = doc
        self.text = doc.text
        self.schema = schema
        self.out = Proposals()
        self.ids = LocalIds()
        self.problems: list[Problem] = []
        self.skipped: Counter = Counter()

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.where, line, message))

    def notes(self) -> list[str]:
        if not self.skipped:
            return []
        parts = ", ".join(f"{what} ({n})" for what, n in sorted(self.skipped.items()))
        return [f"{self.where}: skipped what the schema lacks: {parts} (map labels with the schema's label_map)"]

    # -- names -----------------------------------------------------------------
    def label(self, label: str) -> str | None:
        mapped = self.schema.label_map.get(label)
        if mapped is not None and self.schema.has_entity(mapped):
            return mapped
        if self.schema.has_entity(label):
            return label
        self.skipped[f"label {label}"] += 1
        return None

    def event_type(self, type_: str) -> str | None:
        if self.schema.has_event(type_):
            return type_
        mapped = self.schema.label_map.get(type_)
        if mapped is not None and self.schema.has_event(mapped):
            return mapped
        self.skipped[f"event type {type_}"] += 1
        return None

    def role(self, type_: str, role: str) -> str | None:
        base = self.schema.role_of(type_, role)  # brat numbers repeated roles: Theme2 is Theme
        if base is not None:
            return base
        self.skipped[f"role {role} of {type_}"] += 1
        return None

    def span(self, frags: list[tuple[int, int]], given: str | None, line: int | None, who: str) -> Span | None:
        n = len(self.text)
        for s, e in frags:
            if not (0 <= s < e <= n):
                self.problem(line, f"{who}: offsets {s}-{e} are outside the article ({n} characters)")
                return None
        span = Span.from_fragments(self.text, frags)
        if given is not None and given != span.text:
            where = ";".join(f"{s}-{e}" for s, e in span.fragments)
            self.problem(
                line,
                f"{who}: text {_show(given)} does not match the article at {where}, which reads {_show(span.text)}",
            )
            return None
        return span

    # -- our YAML ----------------------------------------------------------------
    def yaml(self) -> None:
        from .. import store

        try:
            raw = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(self.where, f"cannot read: {exc}") from None
        got = store.read(self.where, text=raw)
        theirs, probs = got.aset, got.problems
        if theirs is None:
            raise ValidationError(probs)
        if theirs.document.sha256 != self.doc.sha256 and self.doc.path and theirs.document.path:
            if Path(theirs.document.path).stem != Path(self.doc.path).stem and self.path.stem != Path(self.doc.path).stem:
                raise InputError(
                    self.where,
                    f"annotates {theirs.document.path}, not {Path(self.doc.path).name} (its sha256 differs too)",
                )
        probs = store.read(self.where, text=raw, article=self.doc).problems
        if probs:
            self.problems.extend(probs)
            return
        local = {ann_id: f"{LOCAL}{ann_id}" for ann_id in (a.id for a in theirs.all())}
        for e in theirs.entities.values():
            if e.status == REJECTED:
                continue
            label = self.label(e.label)
            if label is not None:
                self.out.add(replace(e, id=local[e.id], label=label, by=None))
        for ev in theirs.events.values():
            if ev.status == REJECTED:
                continue
            type_ = self.event_type(ev.type)
            if type_ is None:
                continue
            args = []
            for a in ev.arguments:
                role = self.role(type_, a.role)
                if role is not None:
                    args.append(Argument(role, local.get(a.ref, a.ref)))
            self.out.add(replace(ev, id=local[ev.id], type=type_, arguments=tuple(args), by=None))
        for at in theirs.attributions.values():
            if at.status == REJECTED:
                continue
            source = Ref(local.get(at.source.ref, at.source.ref)) if isinstance(at.source, Ref) else at.source
            self.out.add(replace(at, id=local[at.id], source=source, by=None))
        for rel in theirs.relations.values():
            if rel.status == REJECTED:
                continue
            self.out.add(replace(rel, id=local[rel.id], arg1=local.get(rel.arg1, rel.arg1), arg2=local.get(rel.arg2, rel.arg2), by=None))

    # -- brat standoff --------------------------------------------------------------
    def brat(self) -> None:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(self.where, f"cannot read: {exc}") from None
        textbounds: dict[str, tuple[str, Span, int]] = {}
        events: list[tuple[str, str, str, list[tuple[str, str]], int]] = []
        relations: list[tuple[str, str, str, str, int]] = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip() or line[0] in "#AMN*":
                continue  # notes, attributes, normalisations, equivalences
            parts = line.split("\t")
            tid = parts[0]
            if tid.startswith("T"):
                if len(parts) < 2:
                    self.problem(n, f"{tid}: expected 'ID<TAB>LABEL START END<TAB>TEXT'")
                    continue
                m = re.fullmatch(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)", parts[1])
                if not m:
                    self.problem(n, f"{tid}: expected 'LABEL START END[;START END...]', got {_show(parts[1])}")
                    continue
                frags = [tuple(int(x) for x in f.split()) for f in m.group(2).split(";")]
                span = self.span(frags, parts[2] if len(parts) > 2 else None, n, tid)
                if span is not None:
                    textbounds[tid] = (m.group(1), span, n)
            elif tid.startswith("E"):
                if len(parts) < 2 or ":" not in parts[1]:
                    self.problem(n, f"{tid}: expected 'ID<TAB>TYPE:TRIGGER ROLE:ID ...'")
                    continue
                items = parts[1].split()
                type_, _, trig = items[0].partition(":")
                args = [tuple(it.split(":", 1)) for it in items[1:] if ":" in it]
                events.append((tid, type_, trig, args, n))
            elif tid.startswith("R"):
                m = re.fullmatch(r"(\S+) Arg1:(\S+) Arg2:(\S+)", parts[1] if len(parts) > 1 else "")
                if not m:
                    self.problem(n, f"{tid}: expected 'ID<TAB>TYPE Arg1:ID Arg2:ID'")
                    continue
                relations.append((tid, m.group(1), m.group(2), m.group(3), n))
            else:
                self.problem(n, f"unknown brat line {_show(line)}")
        if self.problems:
            return
        triggers = {trig for _, _, trig, _, _ in events}
        for tid, (label, span, _) in textbounds.items():
            if tid in triggers:
                continue
            mapped = self.label(label)
            if mapped is not None:
                self.out.add(Entity(f"{LOCAL}{tid}", mapped, span))
        event_ids = {tid for tid, *_ in events}
        for eid, type_, trig, args, n in events:
            if trig not in textbounds:
                self.problem(n, f"{eid}: its trigger {trig} is not a text-bound annotation in this file")
                continue
            mapped = self.event_type(type_)
            if mapped is None:
                continue
            arguments = []
            for role, ref in args:
                r = self.role(mapped, role)
                if r is not None and (ref in textbounds or ref in event_ids):
                    arguments.append(Argument(r, f"{LOCAL}{ref}"))
            self.out.add(Event(f"{LOCAL}{eid}", mapped, textbounds[trig][1], tuple(arguments)))
        for rid, type_, a1, a2, n in relations:
            if type_ not in self.schema.relation_types:
                self.skipped[f"relation type {type_}"] += 1
                continue
            self.out.add(Relation(f"{LOCAL}{rid}", type_, f"{LOCAL}{a1}", f"{LOCAL}{a2}"))

    # -- spaCy / Prodigy JSONL ---------------------------------------------------------
    def jsonl(self, records: list[tuple[int, dict]]) -> None:
        mine = [(n, r) for n, r in records if r.get("text") == self.text]
        if not mine:
            article = Path(self.doc.path).name if self.doc.path else "the article"
            texts = [(n, r.get("text")) for n, r in records]
            if len(texts) == 1:
                n, t = texts[0]
                if not isinstance(t, str):
                    self.problem(n, "the record has no 'text' to check the offsets against")
                else:
                    i = _first_difference(t, self.text)
                    self.problem(
                        n,
                        f"the record's text is not {article}'s (they differ from character {i}): "
                        "its offsets would not match, so nothing is suggested",
                    )
            else:
                self.out.notes.append(f"{self.where}: no record has the text of {article}; nothing suggested for it")
            return
        for n, rec in mine:
            if str(rec.get("answer", "accept")) in ("reject", "ignore"):
                continue
            spans = self._record_spans(n, rec)
            if spans is None:
                continue
            seen: set[tuple[int, int, str]] = set()
            for who, sp in spans:
                if not isinstance(sp, dict):
                    self.problem(n, f"{who}: must be an object with start, end, label")
                    continue
                s, e, label = sp.get("start"), sp.get("end"), sp.get("label")
                if type(s) is not int or type(e) is not int or not isinstance(label, str):
                    self.problem(n, f"{who}: needs integer 'start' and 'end' and a 'label'")
                    continue
                given = sp.get("text")
                span = self.span([(s, e)], given if isinstance(given, str) else None, n, who)
                if span is None:
                    continue
                if (s, e, label) in seen:  # (spaCy's Doc.to_json: the same span in ents and a span group)
                    continue
                seen.add((s, e, label))
                mapped = self.label(label)
                if mapped is None:
                    continue
                score = sp.get("score")
                if score is None and len(spans) == 1:
                    score = rec.get("score") if not isinstance(rec.get("meta"), dict) else rec["meta"].get(
                        "score", rec.get("score")
                    )
                score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
                self.out.add(Entity(self.ids("T"), mapped, span, score=score))

    def _record_spans(self, n: int, rec: dict) -> list[tuple[str, object]] | None:
        """A record's spans, each with where it is (for messages), as
        ``formats.jsonl.record_spans`` reads them for ``import --from jsonl``
        (Prodigy's ``spans``; spaCy's ``ents`` and span groups; ``entities``
        or doccano's ``label`` as triples). None (with a problem) for a bad shape."""
        from ..formats.jsonl import record_spans

        try:
            return [(who, sp) for who, _group, sp in record_spans(rec, doccano_label=True)]
        except ValueError as exc:
            self.problem(n, str(exc))
            return None
