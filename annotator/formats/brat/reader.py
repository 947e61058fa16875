"""Reading brat standoff: one ``.ann`` file against its article.

:class:`BratReader` reads in named steps, each over the lines of one kind:
the lines themselves, the text-bound spans, the event and relation lines, what
is left out for pointing at nothing, which events are attributions, our IDs,
then entities, attributions, events, relations, equivalences, attributes,
normalizations and notes, and last the provenance notes our exporter wrote.

A line that breaks the file (not brat, offsets outside the article, text that
does not match) refuses the whole article with an :class:`InputError` naming
``file:line``. A line that only points at an ID that is not there is left out,
with one warning naming ``file:line`` (``Report.warn``), and the rest is read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ...errors import InputError
from ...model import (
    ATTRIBUTION_TYPES,
    STATUSES,
    Argument,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Fragments,
    Ref,
    Relation,
    Span,
    fragments_text,
    normalise_fragments,
)
from ..common import Imported, Report
from .conf import Conf, find_conf, read_conf
from .spec import (
    ATTR_ROLES,
    ATTRIBUTION,
    ATTRIBUTION_NO_SOURCE,
    ATTRIBUTION_TYPES_BRAT,
    CONTENT,
    CUE,
    ID,
    NUMBERED,
    PARTS_KEY,
    PROVENANCE_NOTE,
    SOURCE,
    TYPE_ATTRIBUTE,
    default_attribution_trigger,
    id_key,
    join_fragments,
    oneline,
)

_KIND_NAMES = {"T": "a text span", "E": "an event", "R": "a relation"}


def read(path: Path, report: Report, *, root: Path | None = None, conf_cache: dict | None = None) -> Iterator[Imported]:
    """One document: ``path`` is a .ann (or its .txt)."""
    path = Path(path)
    ann_path = path.with_suffix(".ann") if path.suffix != ".ann" else path
    txt_path = ann_path.with_suffix(".txt")
    from ...articles import read_article

    doc = read_article(txt_path)
    conf_path = find_conf(ann_path, root)
    conf = None
    if conf_path is not None:
        if conf_cache is not None and conf_path in conf_cache:
            conf = conf_cache[conf_path]
        else:
            conf = read_conf(conf_path)
            if conf_cache is not None:
                conf_cache[conf_path] = conf
    try:
        raw = ann_path.read_text(encoding="utf-8-sig") if ann_path.exists() else ""  # a BOM is no annotation
    except UnicodeDecodeError as exc:
        raise InputError(str(ann_path), f"is not UTF-8 text (bad byte 0x{exc.object[exc.start]:02x} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(str(ann_path), f"cannot read: {exc.strerror or exc}") from None
    aset = parse_ann(raw, doc, str(ann_path), conf, report)
    yield Imported(ann_path.stem, aset, txt_path, conf.schema_data() if conf else None, str(ann_path),
                   schema_source=str(conf_path) if conf else "")


def parse_ann(raw: str, doc: Document, where: str, conf: Conf | None, report: Report) -> AnnotationSet:
    """The annotations of one .ann file, against its article."""
    return BratReader(raw, doc, where, conf, report).read()


class _Line:
    __slots__ = ("no", "id", "kind", "fields")

    def __init__(self, no: int, ann_id: str, fields: list[str]):
        self.no = no
        self.id = ann_id
        self.kind = ann_id[:1]
        self.fields = fields


class _EventLine:
    __slots__ = ("rec", "type", "trigger", "args")

    def __init__(self, rec: _Line, etype: str, trigger: str, args: list[tuple[str, str]]):
        self.rec = rec
        self.type = etype
        self.trigger = trigger
        self.args = args


class _RelationLine:
    __slots__ = ("rec", "type", "args")

    def __init__(self, rec: _Line, rtype: str, args: list[tuple[str, str]]):
        self.rec = rec
        self.type = rtype
        self.args = args


def _same(name: str) -> str:
    return name


def _frags_written(spec: str, where: str, text_len: int) -> list[tuple[int, int]]:
    """The fragments of ``s e;s e`` in the order written, each checked."""
    frags = []
    for part in spec.split(";"):
        bits = part.split()
        if len(bits) != 2 or not bits[0].isdigit() or not bits[1].isdigit():
            raise InputError(where, f"bad offsets {spec!r}")
        s, e = int(bits[0]), int(bits[1])
        if not 0 <= s <= e <= text_len:
            raise InputError(where, f"offsets {s}-{e} are outside the article ({text_len} characters)")
        if s == e:
            raise InputError(where, f"offsets {s}-{e} cover no text")
        frags.append((s, e))
    return frags


def _overlap(frags: Fragments) -> bool:
    return any(s1 < e0 for (_, e0), (s1, _) in zip(frags, frags[1:]))


def _role_arg(token: str, where: str) -> tuple[str, str]:
    role, sep, arg = token.rpartition(":")
    if not sep or not role or not arg:
        raise InputError(where, f"expected ROLE:ID, not {token!r}")
    return role, arg


def _base_role(role: str) -> tuple[str, int]:
    """``Content2`` -> (``Content``, 2); ``Content`` -> (``Content``, 1)."""
    m = NUMBERED.fullmatch(role)
    if m and m.group(1) in ATTR_ROLES:
        return m.group(1), int(m.group(2))
    return role, 1


def _unnumber(args: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """brat writes the second Theme of an event as ``Theme2``: read it back as Theme."""
    count: dict[str, int] = {}
    out = []
    for role, a in args:
        m = NUMBERED.fullmatch(role)
        if m and count.get(m.group(1), 0) == int(m.group(2)) - 1 >= 1:
            role = m.group(1)
        count[role] = count.get(role, 0) + 1
        out.append((role, a))
    return out


class BratReader:
    """One ``.ann`` file read into an :class:`AnnotationSet`, step by step."""

    def __init__(self, raw: str, doc: Document, where: str, conf: Conf | None, report: Report):
        self.raw = raw
        self.doc = doc
        self.text = doc.text
        self.where = where
        self.report = report
        self.nm = conf.name if conf is not None else _same
        self.lines: list[_Line] = []
        self.by_id: dict[str, _Line] = {}
        self.spans: dict[str, tuple[str, Fragments]] = {}  # T id -> (type, fragments)
        self.events: list[_EventLine] = []
        self.relations: list[_RelationLine] = []
        self.left: set[str] = set()  # brat IDs left out for pointing at nothing
        self.parts: dict[str, dict[str, list[str]]] = {}  # attribution E id -> role -> T ids
        self.our_id: dict[str, str] = {}
        self.aset = AnnotationSet(doc)
        self.extras: dict[str, dict] = defaultdict(dict)  # our id -> attrs
        self.prov: dict[str, dict] = {}  # our id -> provenance note
        self.warnings: list[tuple[int, str]] = []  # (line, what was left out)

    def read(self) -> AnnotationSet:
        self.read_lines()
        self.read_spans()
        self.read_event_lines()
        self.read_relation_lines()
        self.leave_dangling()
        self.find_attributions()
        self.assign_ids()
        self.read_entities()
        self.read_attributions()
        self.read_events()
        self.read_relations()
        self.read_equivalences()
        self.read_attributes()
        self.read_normalisations()
        self.read_notes()
        self.attach_extras()
        self.apply_provenance()
        for no, message in sorted(self.warnings):
            self.report.warn(f"{self.where}:{no}", message)
        return self.aset

    # -- helpers -------------------------------------------------------------------

    def loc(self, rec: _Line) -> str:
        return f"{self.where}:{rec.no}"

    def of(self, kinds: str) -> Iterator[_Line]:
        return (rec for rec in self.lines if rec.kind in kinds)

    def live(self, rec: _Line) -> bool:
        return rec.id not in self.left

    def dangling(self, ref: str, kinds: str) -> str | None:
        """Why ``ref`` cannot be pointed at, or None when it can."""
        target = self.by_id.get(ref)
        if target is None:
            return f"{ref}, which is not defined"
        if ref in self.left:
            return f"{ref}, which was left out"
        if target.kind not in kinds:
            return f"{ref}, which is not {' or '.join(_KIND_NAMES[k] for k in kinds)}"
        return None

    def leave(self, rec: _Line, why: str) -> None:
        self.left.add(rec.id)
        what = rec.id if rec.id != "*" else "this equivalence"
        self.warnings.append((rec.no, f"left out {what}: it refers to {why}"))

    def target(self, rec: _Line, ref: str) -> str | None:
        """Our ID for what an attribute, note or equivalence line points at; None
        (and the line left out) when it points at nothing we keep."""
        why = self.dangling(ref, "TER")
        if why is None and ref not in self.our_id:
            why = f"{ref}, which cannot carry it"
        if why is not None:
            self.leave(rec, why)
            return None
        return self.our_id[ref]

    def span(self, frags: Fragments) -> Span:
        return Span(frags, fragments_text(self.text, frags))

    def span_of(self, tid: str) -> Span:
        return self.span(self.spans[tid][1])

    def ref(self, brat_id: str) -> str:
        return self.our_id[brat_id]

    # -- steps ---------------------------------------------------------------------

    def read_lines(self) -> None:
        for no, line in enumerate(self.raw.split("\n"), 1):
            if line.endswith("\r"):
                line = line[:-1]
            if not line.strip():
                continue
            fields = line.split("\t")
            ann_id = fields[0].strip()
            if len(fields) < 2 or not ann_id or ann_id[0] not in "TERAMN#*":
                raise InputError(f"{self.where}:{no}", f"not a brat annotation line: {line[:60]!r}")
            rec = _Line(no, ann_id, fields)
            self.lines.append(rec)
            if ann_id != "*":
                if ann_id in self.by_id:
                    raise InputError(f"{self.where}:{no}", f"ID {ann_id} is used twice")
                self.by_id[ann_id] = rec

    def read_spans(self) -> None:
        """``T`` lines. Fragments may be written in any order (brat allows it):
        they are kept sorted, and the text column is checked against the
        fragments joined by one space in the order written."""
        text = self.text
        for rec in self.of("T"):
            ttype, _, spec = rec.fields[1].partition(" ")
            if not ttype or not spec:
                raise InputError(self.loc(rec), f"{rec.id}: expected TYPE START END")
            written = _frags_written(spec, self.loc(rec), len(text))
            frags = normalise_fragments(written)
            if _overlap(frags):
                raise InputError(self.loc(rec), f"{rec.id}: the fragments {spec} overlap")
            if len(rec.fields) >= 3:
                col = oneline("\t".join(rec.fields[2:]))
                candidates = {fragments_text(text, written), fragments_text(text, frags)}
                if not any(col == oneline(c) for c in candidates):
                    actual = fragments_text(text, written)
                    raise InputError(
                        self.loc(rec), f"{rec.id}: text {col[:40]!r} does not match the article at {spec} ({actual[:40]!r})"
                    )
            self.spans[rec.id] = (self.nm(ttype), frags)

    def read_event_lines(self) -> None:
        for rec in self.of("E"):
            parts = rec.fields[1].split()
            if not parts:
                raise InputError(self.loc(rec), f"{rec.id}: expected TYPE:TRIGGER")
            etype, trig = _role_arg(parts[0], self.loc(rec))
            args = [_role_arg(p, self.loc(rec)) for p in parts[1:]]
            self.events.append(_EventLine(rec, etype, trig, args))

    def read_relation_lines(self) -> None:
        for rec in self.of("R"):
            bits = rec.fields[1].split()
            if len(bits) != 3:
                raise InputError(self.loc(rec), f"{rec.id}: expected TYPE Arg1:ID Arg2:ID")
            args = [_role_arg(b, self.loc(rec)) for b in bits[1:]]
            self.relations.append(_RelationLine(rec, bits[0], args))

    def leave_dangling(self) -> None:
        """Events and relations that point at an ID that is not there (or at one
        left out, and so on) are left out, one warning each."""
        changed = True
        while changed:
            changed = False
            for ev in self.events:
                if not self.live(ev.rec):
                    continue
                why = self.dangling(ev.trigger, "T")
                for _, a in ev.args:
                    why = why or self.dangling(a, "TE")
                if why:
                    self.leave(ev.rec, why)
                    changed = True
            for rel in self.relations:
                if not self.live(rel.rec):
                    continue
                why = None
                for _, a in rel.args:
                    why = why or self.dangling(a, "TER")
                if why:
                    self.leave(rel.rec, why)
                    changed = True

    def find_attributions(self) -> None:
        """PolNeAR attributions: an ``Attribution`` event whose roles are Source,
        Cue and Content, each possibly in numbered parts (``Content2``) that
        join as fragments of one span."""
        for ev in self.events:
            if self.live(ev.rec) and ev.type in ATTRIBUTION_TYPES_BRAT:
                parts = self._attribution_parts(ev.args)
                if parts is not None:
                    self.parts[ev.rec.id] = parts

    def _attribution_parts(self, args: list[tuple[str, str]]) -> dict[str, list[str]] | None:
        roles = [r for r, _ in args]
        if len(set(roles)) != len(roles):
            return None
        numbered: dict[str, list[tuple[int, str]]] = {}
        for role, a in args:
            base, n = _base_role(role)
            if base not in ATTR_ROLES:
                return None
            numbered.setdefault(base, []).append((n, a))
        parts = {base: [a for _, a in sorted(items)] for base, items in numbered.items()}
        for base, ids in parts.items():
            if base in (CUE, CONTENT) or len(ids) > 1:
                if not all(a in self.spans and self.spans[a][0] == base for a in ids):
                    return None
        return parts

    def _source_is_span(self, ids: list[str]) -> bool:
        return len(ids) > 1 or (ids[0] in self.spans and self.spans[ids[0]][0] == SOURCE)

    def assign_ids(self) -> None:
        """A ``T`` is an entity unless it only serves as a trigger or a part of
        an attribution; attribution events take ``A`` IDs (E7 -> A7)."""
        special: set[str] = set()
        other: set[str] = set()
        for ev in self.events:
            special.add(ev.trigger)
            if not self.live(ev.rec):
                continue
            parts = self.parts.get(ev.rec.id)
            if parts is None:
                other.update(a for _, a in ev.args if a in self.spans)
                continue
            for base, ids in parts.items():
                if base in (CUE, CONTENT) or self._source_is_span(ids):
                    special.update(ids)
                else:
                    other.update(a for a in ids if a in self.spans)
        for rel in self.relations:
            if self.live(rel.rec):
                other.update(a for _, a in rel.args)
        for rec in self.of("AMN#"):
            bits = rec.fields[1].split()
            if len(bits) >= 2:
                other.add(bits[1])
        for rec in self.of("*"):
            other.update(rec.fields[1].split()[1:])
        for tid in self.spans:
            if tid in other or tid not in special:
                self.our_id[tid] = tid
        for ev in self.events:
            rid = ev.rec.id
            if not self.live(ev.rec):
                continue
            if rid in self.parts:
                self.our_id[rid] = "A" + rid[1:] if ID["E"].fullmatch(rid) else rid
            else:
                self.our_id[rid] = rid
        for rel in self.relations:
            if self.live(rel.rec):
                self.our_id[rel.rec.id] = rel.rec.id

    def read_entities(self) -> None:
        for tid, (ttype, frags) in self.spans.items():
            if self.our_id.get(tid) == tid:
                self.aset.entities[tid] = Entity(tid, ttype, self.span(frags))

    def read_attributions(self) -> None:
        for ev in self.events:
            parts = self.parts.get(ev.rec.id)
            if parts is None:
                continue
            attrs: dict = {}

            def joined(role: str) -> Span | None:
                ids = parts.get(role)
                if not ids:
                    return None
                frag_lists = [self.spans[i][1] for i in ids]
                if len(ids) > 1:
                    attrs.setdefault(PARTS_KEY, {})[role] = [[list(f) for f in fl] for fl in frag_lists]
                return self.span(join_fragments(frag_lists))

            source = None
            if SOURCE in parts:
                ids = parts[SOURCE]
                source = joined(SOURCE) if self._source_is_span(ids) else Ref(self.ref(ids[0]))
            at = Attribution(self.our_id[ev.rec.id], source, joined(CUE), joined(CONTENT))
            want_type = ATTRIBUTION if source is not None else ATTRIBUTION_NO_SOURCE
            if ev.type != want_type:
                attrs["brat:type"] = ev.type
            trig_type, trig_frags = self.spans[ev.trigger]
            if trig_type != ev.type:
                attrs["brat:trigger_type"] = trig_type
            if trig_frags != default_attribution_trigger(at):
                attrs["brat:trigger"] = [list(f) for f in trig_frags]
            self.aset.attributions[at.id] = at
            if attrs:
                self.extras[at.id].update(attrs)

    def read_events(self) -> None:
        for ev in self.events:
            if not self.live(ev.rec) or ev.rec.id in self.parts:
                continue
            trig_type, _ = self.spans[ev.trigger]
            etype = self.nm(ev.type)
            arguments = tuple(Argument(self.nm(role), self.ref(a)) for role, a in _unnumber(ev.args))
            event = Event(ev.rec.id, etype, self.span_of(ev.trigger), arguments)
            self.aset.events[event.id] = event
            if trig_type != etype:
                self.extras[event.id]["brat:trigger_type"] = trig_type

    def read_relations(self) -> None:
        for rel in self.relations:
            if not self.live(rel.rec):
                continue
            (r1, a1), (r2, a2) = rel.args
            ours = Relation(rel.rec.id, self.nm(rel.type), self.ref(a1), self.ref(a2))
            self.aset.relations[ours.id] = ours
            if (r1, r2) != ("Arg1", "Arg2"):
                self.extras[ours.id]["brat:roles"] = [r1, r2]

    def read_equivalences(self) -> None:
        """``*`` lines: one relation per link of a chain through the sorted
        members, marked ``brat:equiv`` (export regroups them)."""
        groups: list[tuple[str, list[str]]] = []
        for rec in self.of("*"):
            bits = rec.fields[1].split()
            if len(bits) < 3:
                raise InputError(self.loc(rec), "an equivalence needs a type and at least two members")
            members = [self.target(rec, m) for m in bits[1:]]
            if None in members:
                continue
            groups.append((self.nm(bits[0]), sorted(set(members), key=id_key)))
        if not groups:
            return
        highest = max((int(r[1:]) for r in self.aset.relations if ID["R"].fullmatch(r)), default=0)
        for etype, members in sorted(groups, key=lambda g: (g[0], [id_key(m) for m in g[1]])):
            for a, b in zip(members, members[1:]):
                highest += 1
                rid = f"R{highest}"
                self.aset.relations[rid] = Relation(rid, etype, a, b)
                self.extras[rid]["brat:equiv"] = True

    def read_attributes(self) -> None:
        """``A`` (and legacy ``M``) lines -> ``attrs[name]``: True for a flag,
        else the value; ``Type`` on an attribution is its type."""
        for rec in self.of("AM"):
            bits = rec.fields[1].split()
            if len(bits) not in (2, 3):
                raise InputError(self.loc(rec), f"{rec.id}: expected NAME ID [VALUE]")
            target = self.target(rec, bits[1])
            if target is None:
                continue
            name = self.nm(bits[0])
            value: object = bits[2] if len(bits) == 3 else True
            at = self.aset.attributions.get(target)
            if name == TYPE_ATTRIBUTE and at is not None and value in ATTRIBUTION_TYPES and at.type is None:
                self.aset.attributions[target] = replace(at, type=value)
            else:
                self.extras[target][name] = value

    def read_normalisations(self) -> None:
        """``N`` lines -> ``attrs['N:Type']`` as ``[[ref, text], ...]``."""
        for rec in self.of("N"):
            bits = rec.fields[1].split()
            if len(bits) != 3:
                raise InputError(self.loc(rec), f"{rec.id}: expected TYPE ID DB:REF")
            target = self.target(rec, bits[1])
            if target is None:
                continue
            note = "\t".join(rec.fields[2:]) if len(rec.fields) > 2 else ""
            self.extras[target].setdefault(f"N:{bits[0]}", []).append([bits[2], note])

    def read_notes(self) -> None:
        """``#`` lines -> ``attrs['#Type']`` (a string, a list when several);
        our own ``annotator`` note holds provenance as JSON."""
        for rec in self.of("#"):
            bits = rec.fields[1].split()
            if len(bits) != 2:
                raise InputError(self.loc(rec), f"{rec.id}: expected TYPE ID")
            target = self.target(rec, bits[1])
            if target is None:
                continue
            note = "\t".join(rec.fields[2:]) if len(rec.fields) > 2 else ""
            if bits[0] == PROVENANCE_NOTE:
                try:
                    data = json.loads(note)
                except ValueError:
                    data = None
                if isinstance(data, dict):
                    self.prov[target] = data
                    continue
            key = f"#{bits[0]}"
            have = self.extras[target].get(key)
            if have is None:
                self.extras[target][key] = note
            elif isinstance(have, list):
                have.append(note)
            else:
                self.extras[target][key] = [have, note]

    def attach_extras(self) -> None:
        aset = self.aset
        for ann_id, attrs in self.extras.items():
            for table in (aset.entities, aset.events, aset.attributions, aset.relations):
                if ann_id in table:
                    table[ann_id] = replace(table[ann_id], attrs=dict(attrs))
                    break
            else:
                self.report.leave("notes or attributes on annotations we cannot hold")

    def apply_provenance(self) -> None:
        """What our exporter put in the ``annotator`` note: by, status, score,
        other attrs, an attribution type brat cannot spell, our own ID."""
        aset = self.aset
        renames: dict[str, str] = {}
        for ann_id, data in self.prov.items():
            for table in (aset.entities, aset.events, aset.attributions, aset.relations):
                ann = table.get(ann_id)
                if ann is None:
                    continue
                changes: dict = {}
                for key in ("by", "status", "score", "suggested_by"):
                    if key in data:
                        changes[key] = data[key]
                if isinstance(data.get("attrs"), dict):
                    merged = dict(ann.attrs)
                    merged.update(data["attrs"])
                    changes["attrs"] = merged
                if isinstance(data.get("type"), str) and isinstance(ann, Attribution):
                    changes["type"] = data["type"]
                if changes.get("status") not in (None, *STATUSES):
                    del changes["status"]
                table[ann_id] = replace(ann, **changes)
                if isinstance(data.get("id"), str) and data["id"] != ann_id:
                    renames[ann_id] = data["id"]
                break
        if renames:
            _rename(aset, renames)


def _rename(aset: AnnotationSet, renames: dict[str, str]) -> None:
    def r(x: str) -> str:
        return renames.get(x, x)

    for name in ("entities", "events", "attributions", "relations"):
        table = getattr(aset, name)
        new = {}
        for ann_id, ann in table.items():
            ann = replace(ann, id=r(ann_id))
            if isinstance(ann, Event):
                ann = replace(ann, arguments=tuple(Argument(a.role, r(a.ref)) for a in ann.arguments))
            elif isinstance(ann, Attribution) and isinstance(ann.source, Ref):
                ann = replace(ann, source=Ref(r(ann.source.ref)))
            elif isinstance(ann, Relation):
                ann = replace(ann, arg1=r(ann.arg1), arg2=r(ann.arg2))
            new[ann.id] = ann
        setattr(aset, name, new)
