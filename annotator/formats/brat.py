"""brat standoff: ``.txt`` + ``.ann``, and ``annotation.conf`` for the schema.

What brat has and our model keeps, so that a round trip is exact:

- ``T`` text-bound annotations become entities (discontinuous ``s e;s e`` spans
  are fragments). A ``T`` used only as an event trigger becomes that event's
  trigger span; triggers shared by several events are written once on export.
- ``E`` events keep their role arguments (entities or other events).
- Attributions use the PolNeAR encoding: text-bound ``Source``, ``Cue`` and
  ``Content`` spans, an ``Attribution`` trigger on the cue's offsets and
  ``E1\\tAttribution:T4 Source:T1 Cue:T2 Content:T3`` (``Attribution-no-source``
  when there is none). A source that is one of our entities is written as that
  entity's ``T``; a source span is a ``Source`` ``T``, written once however many
  attributions share it.
- ``R`` relations keep their roles (in ``attrs['brat:roles']`` when not
  ``Arg1``/``Arg2``); ``*`` equivalences become relations marked
  ``attrs['brat:equiv']``, regrouped by connected components on export.
- ``A``/``M`` attributes go to ``attrs[name]`` (``True`` for a flag, else the
  value), ``N`` normalizations to ``attrs['N:Type']`` as ``[[ref, text], ...]``,
  ``#`` notes to ``attrs['#Type']`` (a string, or a list when there are several).
- What brat has no place for (``by``, ``status``, ``score``, other attrs, an ID
  brat cannot spell) travels in a note of type ``annotator`` holding JSON, which
  brat shows as a note and our importer reads back.

Type names brat cannot store (``Conflict.Attack``: brat allows ``[A-Za-z0-9_-]``)
are written in brat's storage form (``Conflict_Attack``) and the exported
``annotation.conf`` records the mapping in a comment, read back on import.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import (
    ACCEPTED,
    ATTRIBUTION_TYPES,
    STATUSES,
    Argument,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    fragments_text,
    normalise_fragments,
)
from .common import Imported, Named, Report, select

SOURCE_SUFFIXES = (".ann",)
OUT_IS_DIR = True

ATTRIBUTION = "Attribution"
ATTRIBUTION_NO_SOURCE = "Attribution-no-source"
ATTRIBUTION_TYPES_BRAT = (ATTRIBUTION, ATTRIBUTION_NO_SOURCE)
ATTR_ROLES = ("Source", "Cue", "Content")
SOURCE, CUE, CONTENT = ATTR_ROLES
PROVENANCE_NOTE = "annotator"
NAMES_COMMENT = "# annotator-names: "
TYPE_ATTRIBUTE = "Type"  # brat attribute carrying an attribution's type

_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_ID = {k: re.compile(rf"{k}\d+") for k in "TER"}
# Characters that end a line for brat (codecs' readline splits like str.splitlines).
_LINE_BREAKS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ONELINE = str.maketrans({c: " " for c in _LINE_BREAKS})


def _oneline(text: str) -> str:
    return text.translate(_ONELINE)


def _json_note(data: dict) -> str:
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def _id_key(ann_id: str):
    digits = ann_id[1:]
    return (ann_id[:1], int(digits) if digits.isdigit() else -1, ann_id)


# =============================================================================
# annotation.conf
# =============================================================================


class Conf:
    """What we take from an annotation.conf: a schema (as YAML-shaped data) and
    the storage-name -> our-name map written by our exporter."""

    def __init__(self, path: Path | None):
        self.path = path
        self.names: dict[str, str] = {}
        self.entities: list[str] = []
        self.events: dict[str, list[str]] = {}
        self.relations: list[str] = []
        self.attributes: list[str] = []
        self.equiv_types: set[str] = set()

    def name(self, stored: str) -> str:
        return self.names.get(stored, stored)

    def schema_data(self) -> dict:
        has_attr = any(n in ATTRIBUTION_TYPES_BRAT for n in self.events)
        skip = set(ATTR_ROLES) if has_attr else set()
        entities = [{"name": self.name(e)} for e in self.entities if e not in skip]
        events = [
            {"name": self.name(n), "roles": [self.name(r) for r in roles]}
            for n, roles in self.events.items()
            if n not in ATTRIBUTION_TYPES_BRAT
        ]
        title = self.path.parent.name if self.path else "brat"
        return {
            "name": title,
            "entities": entities,
            "events": events,
            "relations": [self.name(r) for r in self.relations],
        }


def read_conf(path: Path) -> Conf:
    """Parse brat's annotation.conf (sections, hierarchies, macros, cardinalities)."""
    conf = Conf(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read brat configuration: {exc}") from None
    section = None
    macros: dict[str, str] = {}
    for line in raw.split("\n"):
        line = line.rstrip("\r")
        if line.startswith(NAMES_COMMENT):
            try:
                data = json.loads(line[len(NAMES_COMMENT):])
                if isinstance(data, dict):
                    conf.names.update({str(k): str(v) for k, v in data.items()})
            except ValueError:
                pass
            continue
        if not line.strip() or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
            continue
        m = re.match(r"^\s*\[(.*)\]\s*$", line)
        if m:
            section = {"spans": "entities"}.get(m.group(1).strip(), m.group(1).strip())
            macros = {}
            continue
        m = re.match(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$", line)
        if m:
            macros[f"<{m.group(1)}>"] = m.group(2)
            continue
        for k, v in macros.items():
            line = line.replace(k, v)
        m = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
        if not m:
            continue
        terms = [t.strip() for t in m.group(2).split("|") if t.strip()]
        if not terms:
            continue
        name = terms[0]
        unused = name.startswith("!")
        name = name.lstrip("!")
        args = [a.strip() for a in (m.group(3) or "").split(",") if a.strip()]
        if section == "entities":
            if not unused:
                conf.entities.append(name)
        elif section == "events":
            if unused:
                continue
            roles: list[str] = []
            for a in args:
                key = a.split(":", 1)[0]
                if key.startswith("<"):
                    continue
                key = re.sub(r"(\{\S+\}|\?|\*|\+)$", "", key)
                if key and key not in roles:
                    roles.append(key)
            conf.events[name] = roles
        elif section == "relations":
            if unused or name in ("<OVERLAP>", "ENTITY-NESTING"):
                continue
            conf.relations.append(name)
            for a in args:
                if a.startswith("<REL-TYPE>:") and "transitive" in a:
                    conf.equiv_types.add(name)
        elif section == "attributes":
            if not unused:
                conf.attributes.append(name)
    return conf


def find_conf(ann_path: Path, root: Path | None) -> Path | None:
    """brat's rule: the nearest annotation.conf in the folder or its parents
    (not above ``root`` when given)."""
    folder = ann_path.parent.resolve()
    stop = root.resolve() if root is not None else None
    while True:
        cand = folder / "annotation.conf"
        if cand.is_file():
            return cand
        if stop is not None and (folder == stop or stop not in folder.parents):
            return None
        if folder.parent == folder:
            return None
        folder = folder.parent


# =============================================================================
# reading
# =============================================================================


class _Line:
    __slots__ = ("no", "id", "kind", "fields")

    def __init__(self, no: int, ann_id: str, fields: list[str]):
        self.no = no
        self.id = ann_id
        self.kind = ann_id[:1]
        self.fields = fields


def _parse_frags(spec: str, where: str, text_len: int) -> tuple[tuple[int, int], ...]:
    frags = []
    for part in spec.split(";"):
        bits = part.split()
        if len(bits) != 2 or not bits[0].isdigit() or not bits[1].isdigit():
            raise InputError(where, f"bad offsets {spec!r}")
        s, e = int(bits[0]), int(bits[1])
        if not 0 <= s <= e <= text_len:
            raise InputError(where, f"offsets {s}-{e} are outside the article ({text_len} characters)")
        frags.append((s, e))
    return normalise_fragments(frags)


def _role_arg(token: str, where: str) -> tuple[str, str]:
    role, sep, arg = token.rpartition(":")
    if not sep or not role or not arg:
        raise InputError(where, f"expected ROLE:ID, not {token!r}")
    return role, arg


def read(path: Path, report: Report, *, root: Path | None = None, conf_cache: dict | None = None) -> Iterator[Imported]:
    """One document: ``path`` is a .ann (or its .txt)."""
    path = Path(path)
    ann_path = path.with_suffix(".ann") if path.suffix != ".ann" else path
    txt_path = ann_path.with_suffix(".txt")
    from ..articles import read_article

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
        raw = ann_path.read_text(encoding="utf-8") if ann_path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(ann_path), f"cannot read: {exc}") from None
    aset = parse_ann(raw, doc, str(ann_path), conf, report)
    yield Imported(ann_path.stem, aset, txt_path, conf.schema_data() if conf else None, str(ann_path))


def parse_ann(raw: str, doc: Document, where: str, conf: Conf | None, report: Report) -> AnnotationSet:
    """The annotations of one .ann file, against its article."""
    text = doc.text
    nm = conf.name if conf is not None else (lambda s: s)
    lines: list[_Line] = []
    by_id: dict[str, _Line] = {}
    for no, line in enumerate(raw.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            continue
        fields = line.split("\t")
        ann_id = fields[0].strip()
        loc = f"{where}:{no}"
        if len(fields) < 2 or not ann_id or ann_id[0] not in "TERAMN#*":
            raise InputError(loc, f"not a brat annotation line: {line[:60]!r}")
        rec = _Line(no, ann_id, fields)
        lines.append(rec)
        if ann_id != "*":
            if ann_id in by_id:
                raise InputError(loc, f"ID {ann_id} is used twice")
            by_id[ann_id] = rec

    def loc(rec: _Line) -> str:
        return f"{where}:{rec.no}"

    def need(rec: _Line, ref: str, kinds: str) -> _Line:
        target = by_id.get(ref)
        if target is None or target.kind not in kinds:
            raise InputError(loc(rec), f"{rec.id} refers to {ref}, which is not defined")
        return target

    # -- text-bound -----------------------------------------------------------
    tb: dict[str, tuple[str, tuple]] = {}  # T id -> (type, fragments)
    for rec in lines:
        if rec.kind != "T":
            continue
        head = rec.fields[1]
        ttype, _, spec = head.partition(" ")
        if not ttype or not spec:
            raise InputError(loc(rec), f"{rec.id}: expected TYPE START END")
        frags = _parse_frags(spec, loc(rec), len(text))
        if len(rec.fields) >= 3:
            col = "\t".join(rec.fields[2:])
            actual = fragments_text(text, frags)
            if col != actual and _oneline(col) != _oneline(actual):
                raise InputError(
                    loc(rec), f"{rec.id}: text {col[:40]!r} does not match the article at {spec} ({actual[:40]!r})"
                )
        tb[rec.id] = (nm(ttype), frags)

    # -- events, and which of them are attributions --------------------------------
    special: set[str] = set()  # T ids used as triggers / attribution parts
    other: set[str] = set()  # T ids referenced any other way
    events: list[tuple[_Line, str, str, list[tuple[str, str]]]] = []  # rec, type, trigger, args
    for rec in lines:
        if rec.kind != "E":
            continue
        parts = rec.fields[1].split()
        if not parts:
            raise InputError(loc(rec), f"{rec.id}: expected TYPE:TRIGGER")
        etype, trig = _role_arg(parts[0], loc(rec))
        need(rec, trig, "T")
        args = [_role_arg(p, loc(rec)) for p in parts[1:]]
        for _, a in args:
            need(rec, a, "TE")
        events.append((rec, etype, trig, args))

    def is_attribution(etype: str, trig: str, args) -> bool:
        if etype not in ATTRIBUTION_TYPES_BRAT:
            return False
        roles = [r for r, _ in args]
        if len(set(roles)) != len(roles) or not set(roles) <= set(ATTR_ROLES):
            return False
        for r, a in args:
            if r in (CUE, CONTENT) and (not a.startswith("T") or tb.get(a, ("",))[0] != r):
                return False
        return True

    attr_events = {rec.id for rec, et, tr, args in events if is_attribution(et, tr, args)}
    for rec, etype, trig, args in events:
        special.add(trig)
        for role, a in args:
            if rec.id in attr_events and (role in (CUE, CONTENT) or (role == SOURCE and a in tb and tb[a][0] == SOURCE)):
                special.add(a)
            elif a in tb:
                other.add(a)
    for rec in lines:
        if rec.kind == "R":
            for tok in rec.fields[1].split()[1:]:
                other.add(_role_arg(tok, loc(rec))[1])
        elif rec.kind in "AMN#":
            bits = rec.fields[1].split()
            if len(bits) >= 2:
                other.add(bits[1])
        elif rec.kind == "*":
            other.update(rec.fields[1].split()[1:])

    # -- our IDs ---------------------------------------------------------------
    our_id: dict[str, str] = {}
    for tid in tb:
        if tid in other or tid not in special:
            our_id[tid] = tid
    used_a = set()
    for rec, *_ in events:
        if rec.id in attr_events:
            our_id[rec.id] = "A" + rec.id[1:] if _ID["E"].fullmatch(rec.id) else rec.id
            used_a.add(our_id[rec.id])
        else:
            our_id[rec.id] = rec.id
    for rec in lines:
        if rec.kind == "R":
            our_id[rec.id] = rec.id

    def ref_of(rec: _Line, brat_id: str) -> str:
        got = our_id.get(brat_id)
        if got is None:
            raise InputError(loc(rec), f"{rec.id} refers to {brat_id}, which cannot be linked to")
        return got

    aset = AnnotationSet(doc)
    extras: dict[str, dict] = defaultdict(dict)  # our id -> attrs
    prov: dict[str, dict] = {}  # our id -> provenance note

    for tid, (ttype, frags) in tb.items():
        if our_id.get(tid) == tid:
            aset.entities[tid] = Entity(tid, ttype, Span(frags, fragments_text(text, frags)))

    def span_of(tid: str) -> Span:
        frags = tb[tid][1]
        return Span(frags, fragments_text(text, frags))

    for rec, etype, trig, args in events:
        attrs: dict = {}
        if rec.id in attr_events:
            parts = dict(args)
            source = None
            if SOURCE in parts:
                s = parts[SOURCE]
                if s in tb and tb[s][0] == SOURCE:
                    source = span_of(s)
                else:
                    source = Ref(ref_of(rec, s))
            cue = span_of(parts[CUE]) if CUE in parts else None
            content = span_of(parts[CONTENT]) if CONTENT in parts else None
            at = Attribution(our_id[rec.id], source, cue, content)
            want_type = ATTRIBUTION if source is not None else ATTRIBUTION_NO_SOURCE
            if etype != want_type:
                attrs["brat:type"] = etype
            trig_type, trig_frags = tb[trig]
            if trig_type != etype:
                attrs["brat:trigger_type"] = trig_type
            if trig_frags != _default_attr_trigger(at):
                attrs["brat:trigger"] = [list(f) for f in trig_frags]
            aset.attributions[at.id] = at
        else:
            trig_type, trig_frags = tb[trig]
            etype_ours = nm(etype)
            arguments = tuple(Argument(nm(role), ref_of(rec, a)) for role, a in _unnumber(args))
            if trig_type != etype_ours:
                attrs["brat:trigger_type"] = trig_type
            ev = Event(rec.id, etype_ours, span_of(trig), arguments)
            aset.events[ev.id] = ev
        if attrs:
            extras[our_id[rec.id]].update(attrs)

    equivs: list[tuple[str, list[str]]] = []
    for rec in lines:
        if rec.kind == "R":
            bits = rec.fields[1].split()
            if len(bits) != 3:
                raise InputError(loc(rec), f"{rec.id}: expected TYPE Arg1:ID Arg2:ID")
            (r1, a1), (r2, a2) = (_role_arg(b, loc(rec)) for b in bits[1:])
            for a in (a1, a2):
                if a not in by_id:
                    raise InputError(loc(rec), f"{rec.id} refers to {a}, which is not defined")
            rel = Relation(rec.id, nm(bits[0]), ref_of(rec, a1), ref_of(rec, a2))
            aset.relations[rel.id] = rel
            if (r1, r2) != ("Arg1", "Arg2"):
                extras[rel.id]["brat:roles"] = [r1, r2]
        elif rec.kind == "*":
            bits = rec.fields[1].split()
            if len(bits) < 3:
                raise InputError(loc(rec), "an equivalence needs a type and at least two members")
            members = []
            for m in bits[1:]:
                if m not in by_id:
                    raise InputError(loc(rec), f"equivalence refers to {m}, which is not defined")
                members.append(ref_of(rec, m))
            equivs.append((nm(bits[0]), sorted(set(members), key=_id_key)))
        elif rec.kind in "AM":
            bits = rec.fields[1].split()
            if len(bits) not in (2, 3):
                raise InputError(loc(rec), f"{rec.id}: expected NAME ID [VALUE]")
            target = ref_of(rec, bits[1])
            name = nm(bits[0])
            value: object = bits[2] if len(bits) == 3 else True
            if (
                name == TYPE_ATTRIBUTE
                and target in aset.attributions
                and value in ATTRIBUTION_TYPES
                and aset.attributions[target].type is None
            ):
                aset.attributions[target] = replace(aset.attributions[target], type=value)
            else:
                extras[target][name] = value
        elif rec.kind == "N":
            bits = rec.fields[1].split()
            if len(bits) != 3:
                raise InputError(loc(rec), f"{rec.id}: expected TYPE ID DB:REF")
            target = ref_of(rec, bits[1])
            note = "\t".join(rec.fields[2:]) if len(rec.fields) > 2 else ""
            extras[target].setdefault(f"N:{bits[0]}", []).append([bits[2], note])
        elif rec.kind == "#":
            bits = rec.fields[1].split()
            if len(bits) != 2:
                raise InputError(loc(rec), f"{rec.id}: expected TYPE ID")
            target = ref_of(rec, bits[1])
            note = "\t".join(rec.fields[2:]) if len(rec.fields) > 2 else ""
            if bits[0] == PROVENANCE_NOTE:
                try:
                    data = json.loads(note)
                except ValueError:
                    data = None
                if isinstance(data, dict):
                    prov[target] = data
                    continue
            key = f"#{bits[0]}"
            have = extras[target].get(key)
            if have is None:
                extras[target][key] = note
            elif isinstance(have, list):
                have.append(note)
            else:
                extras[target][key] = [have, note]

    # Equivalences: one relation per link of a chain through the sorted members.
    if equivs:
        highest = max((int(r[1:]) for r in aset.relations if _ID["R"].fullmatch(r)), default=0)
        for etype, members in sorted(equivs, key=lambda g: (g[0], [_id_key(m) for m in g[1]])):
            for a, b in zip(members, members[1:]):
                highest += 1
                rid = f"R{highest}"
                aset.relations[rid] = Relation(rid, etype, a, b)
                extras[rid]["brat:equiv"] = True

    for ann_id, attrs in extras.items():
        for table in (aset.entities, aset.events, aset.attributions, aset.relations):
            if ann_id in table:
                table[ann_id] = replace(table[ann_id], attrs=dict(attrs))
                break
        else:
            report.leave("notes or attributes on annotations we cannot hold")
    if prov:
        _apply_provenance(aset, prov, report)
    return aset


_NUMBERED = re.compile(r"(.*\D)(\d+)")


def _unnumber(args: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """brat writes the second Theme of an event as ``Theme2``: read it back as Theme."""
    count: dict[str, int] = {}
    out = []
    for role, a in args:
        m = _NUMBERED.fullmatch(role)
        if m and count.get(m.group(1), 0) == int(m.group(2)) - 1 >= 1:
            role = m.group(1)
        count[role] = count.get(role, 0) + 1
        out.append((role, a))
    return out


def _apply_provenance(aset: AnnotationSet, prov: dict[str, dict], report: Report) -> None:
    renames: dict[str, str] = {}
    for ann_id, data in prov.items():
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


def _default_attr_trigger(at: Attribution):
    """Where an attribution's brat trigger goes when nothing says otherwise."""
    for part in (at.cue, at.content, at.source if isinstance(at.source, Span) else None):
        if part is not None:
            return part.fragments
    return None


# =============================================================================
# writing
# =============================================================================


class _Names:
    """Our names -> brat storage forms, consistent across one export."""

    def __init__(self, reserved: Iterable[str] = ()):
        self.to_brat: dict[str, str] = {}
        self.taken: set[str] = set(n for n in reserved if _SAFE.fullmatch(n))

    def __call__(self, name: str) -> str:
        got = self.to_brat.get(name)
        if got is not None:
            return got
        if _SAFE.fullmatch(name):
            got = name
        else:
            base = re.sub(r"[^A-Za-z0-9_-]", "_", name) or "_"
            got, n = base, 1
            while got in self.taken:
                n += 1
                got = f"{base}_{n}"
        self.to_brat[name] = got
        self.taken.add(got)
        return got

    def mapping(self) -> dict[str, str]:
        return {b: o for o, b in self.to_brat.items() if b != o}


class _ConfCollector:
    def __init__(self):
        self.entities: dict[str, None] = {}
        self.events: dict[str, dict[str, None]] = {}
        self.relations: dict[str, None] = {}
        self.equivs: dict[str, None] = {}
        self.attributes: dict[str, dict] = {}  # name -> {"values": {}, "on": set()}
        self.attributions = False


def _attr_safe(key: str, value: object) -> bool:
    return (
        _SAFE.fullmatch(key) is not None
        and key != TYPE_ATTRIBUTE
        and (value is True or (isinstance(value, str) and value != "" and not any(c.isspace() for c in value)))
    )


def _note_safe(value: object) -> bool:
    return isinstance(value, str) and _oneline(value) == value


def _split_attrs(attrs: dict):
    """attrs -> (brat attributes, notes, normalizations, leftovers for the JSON note)."""
    attributes, notes, norms, rest = [], [], [], {}
    for key, value in attrs.items():
        if not isinstance(key, str):
            rest[key] = value
        elif key.startswith("brat:"):
            continue
        elif key.startswith("#") and _SAFE.fullmatch(key[1:]) and key[1:] != PROVENANCE_NOTE:
            vals = value if isinstance(value, list) else [value]
            if vals and all(_note_safe(v) for v in vals) and (not isinstance(value, list) or len(vals) > 1):
                notes.extend((key[1:], v) for v in vals)
            else:
                rest[key] = value
        elif key.startswith("N:") and _SAFE.fullmatch(key[2:]):
            ok = isinstance(value, list) and value and all(
                isinstance(p, list)
                and len(p) == 2
                and isinstance(p[0], str)
                and p[0]
                and not any(c.isspace() for c in p[0])
                and _note_safe(p[1])
                for p in value
            )
            if ok:
                norms.extend((key[2:], p[0], p[1]) for p in value)
            else:
                rest[key] = value
        elif _attr_safe(key, value):
            attributes.append((key, value))
        else:
            rest[key] = value
    return attributes, notes, norms, rest


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", *, schema=None, **_kw) -> None:
    """Write ``out/<name>.txt`` and ``out/<name>.ann`` per document, then
    ``out/annotation.conf`` for the schema and every type written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "brat output must be a folder")
    out.mkdir(parents=True, exist_ok=True)
    reserved = []
    if schema is not None:
        reserved = [*schema.entity_names, *schema.event_names, *schema.relation_types]
    names = _Names(reserved)
    col = _ConfCollector()
    for name, aset in items:
        sel = select(aset, status, report, keep_rejected=True)
        ann = dumps_ann(sel, names, col, report)
        base = out / name  # name may hold subfolders ("news/000-introduction")
        base.parent.mkdir(parents=True, exist_ok=True)
        base.with_name(base.name + ".txt").write_bytes(sel.document.text.encode("utf-8"))
        tmp = base.with_name(f".{base.name}.ann.tmp")
        tmp.write_text(ann, encoding="utf-8", newline="\n")
        tmp.replace(base.with_name(base.name + ".ann"))
        report.documents += 1
    (out / "annotation.conf").write_text(dumps_conf(col, names, schema), encoding="utf-8", newline="\n")


def dumps_ann(aset: AnnotationSet, names: _Names | None = None, col: _ConfCollector | None = None, report: Report | None = None) -> str:
    """One document's .ann text."""
    names = names or _Names()
    col = col or _ConfCollector()
    report = report or Report("brat")
    text = aset.document.text

    # -- brat IDs for our annotations ---------------------------------------------
    brat_id: dict[str, str] = {}
    keep_id: dict[str, bool] = {}

    def assign(table: dict, prefix: str, extra_used: set[int] | None = None) -> tuple[list[str], set[int]]:
        used = set(extra_used or ())
        pending = []
        for ann_id in table:
            if _ID[prefix].fullmatch(ann_id) and int(ann_id[1:]) not in used:
                used.add(int(ann_id[1:]))
                brat_id[ann_id] = ann_id
                keep_id[ann_id] = True
            else:
                pending.append(ann_id)
        return pending, used

    pend_t, used_t = assign(aset.entities, "T")
    next_t = max(used_t, default=0)
    for ann_id in pend_t:
        next_t += 1
        brat_id[ann_id] = f"T{next_t}"
        keep_id[ann_id] = False
    pend_e, used_e = assign(aset.events, "E")
    # Attributions: A7 -> E7 when free, so the number survives.
    used_all_e = set(used_e)
    attr_pending = []
    for ann_id in aset.attributions:
        n = ann_id[1:]
        if ann_id[:1] == "A" and n.isdigit() and int(n) not in used_all_e:
            used_all_e.add(int(n))
            brat_id[ann_id] = f"E{int(n)}"
            keep_id[ann_id] = True
        else:
            attr_pending.append(ann_id)
    next_e = max(used_all_e, default=0)
    for ann_id in [*pend_e, *attr_pending]:
        next_e += 1
        brat_id[ann_id] = f"E{next_e}"
        keep_id[ann_id] = False
    plain_rel = {k: v for k, v in aset.relations.items() if not v.attrs.get("brat:equiv")}
    pend_r, used_r = assign(plain_rel, "R")
    next_r = max(used_r, default=0)
    for ann_id in pend_r:
        next_r += 1
        brat_id[ann_id] = f"R{next_r}"
        keep_id[ann_id] = False

    referenced: set[str] = set()
    for ev in aset.events.values():
        referenced.update(a.ref for a in ev.arguments)
    for at in aset.attributions.values():
        if isinstance(at.source, Ref):
            referenced.add(at.source.ref)
    for rel in aset.relations.values():
        referenced.update((rel.arg1, rel.arg2))

    t_lines: list[str] = []
    e_lines: list[str] = []
    r_lines: list[str] = []
    star_lines: list[str] = []
    a_lines: list[str] = []
    n_lines: list[str] = []
    note_lines: list[str] = []
    counters = {"A": 0, "N": 0, "#": 0}

    def frag_spec(frags) -> str:
        return ";".join(f"{s} {e}" for s, e in frags)

    def t_line(tid: str, ttype: str, frags) -> str:
        return f"{tid}\t{ttype} {frag_spec(frags)}\t{_oneline(fragments_text(text, frags))}"

    def side_lines(ann, bid: str, extra_prov: dict | None = None) -> bool:
        """A/N/# lines for one annotation; True when any was written."""
        attributes, notes, norms, rest = _split_attrs(dict(ann.attrs))
        wrote = False
        for key, value in attributes:
            counters["A"] += 1
            a_lines.append(f"A{counters['A']}\t{key} {bid}" + ("" if value is True else f" {value}"))
            info = col.attributes.setdefault(key, {"values": {}, "on": set()})
            if value is not True:
                info["values"][value] = None
            info["on"].add(type(ann).__name__)
            wrote = True
        for ntype, ref, ntext in norms:
            counters["N"] += 1
            n_lines.append(f"N{counters['N']}\t{ntype} {bid} {ref}\t{ntext}")
            wrote = True
        for ntype, ntext in notes:
            counters["#"] += 1
            note_lines.append(f"#{counters['#']}\t{ntype} {bid}\t{ntext}")
            wrote = True
        p = dict(extra_prov or {})
        for key in ("by", "score", "suggested_by"):
            v = getattr(ann, key)
            if v is not None:
                p[key] = v
        if ann.status != ACCEPTED:
            p["status"] = ann.status
        if rest:
            p["attrs"] = rest
        if not keep_id.get(ann.id, True):
            p["id"] = ann.id
        if p:
            counters["#"] += 1
            note_lines.append(f"#{counters['#']}\t{PROVENANCE_NOTE} {bid}\t{_json_note(p)}")
            wrote = True
        return wrote

    # -- entities ---------------------------------------------------------------
    span_t: dict[tuple, str] = {}  # (brat type, fragments) -> T id, for sharing
    for ent in aset.entities.values():
        label = names(ent.label)
        col.entities[label] = None
        bid = brat_id[ent.id]
        t_lines.append(t_line(bid, label, ent.fragments))
        wrote = side_lines(ent, bid)
        if ent.id in referenced or wrote:
            span_t.setdefault((label, ent.fragments), bid)

    def shared_t(ttype: str, frags) -> str:
        key = (ttype, frags)
        got = span_t.get(key)
        if got is None:
            nonlocal next_t
            next_t += 1
            got = f"T{next_t}"
            span_t[key] = got
            t_lines.append(t_line(got, ttype, frags))
        return got

    def arg_id(ref: str) -> str | None:
        got = brat_id.get(ref)
        if got is None or got[0] not in "TE":
            return None
        return got

    # -- events -------------------------------------------------------------------
    for ev in aset.events.values():
        etype = names(ev.type)
        roles = col.events.setdefault(etype, {})
        ttype = ev.attrs.get("brat:trigger_type")
        ttype = names(ttype) if isinstance(ttype, str) else etype
        trig = shared_t(ttype, ev.trigger.fragments)
        parts = [f"{etype}:{trig}"]
        seen_roles: dict[str, int] = {}
        for arg in ev.arguments:
            target = arg_id(arg.ref)
            if target is None:
                report.leave("event arguments brat cannot point at")
                continue
            role = names(arg.role)
            roles[role] = None
            k = seen_roles[role] = seen_roles.get(role, 0) + 1
            parts.append(f"{role}{k if k > 1 else ''}:{target}")  # brat: Place, Place2, ...
        e_lines.append(f"{brat_id[ev.id]}\t" + " ".join(parts))
        side_lines(ev, brat_id[ev.id])

    # -- attributions (PolNeAR) ------------------------------------------------------
    for at in aset.attributions.values():
        col.attributions = True
        etype = at.attrs.get("brat:type") or (ATTRIBUTION if at.source is not None else ATTRIBUTION_NO_SOURCE)
        trig_frags = at.attrs.get("brat:trigger")
        trig_frags = normalise_fragments(trig_frags) if trig_frags else _default_attr_trigger(at)
        if trig_frags is None:
            report.leave("attributions with no span at all")
            continue
        ttype = at.attrs.get("brat:trigger_type") or etype
        trig = shared_t(ttype, trig_frags)
        parts = [f"{etype}:{trig}"]
        if isinstance(at.source, Span):
            parts.append(f"{SOURCE}:{shared_t(SOURCE, at.source.fragments)}")
        elif isinstance(at.source, Ref):
            target = arg_id(at.source.ref)
            if target is None:
                report.leave("attribution sources brat cannot point at")
            else:
                parts.append(f"{SOURCE}:{target}")
        if at.cue is not None:
            parts.append(f"{CUE}:{shared_t(CUE, at.cue.fragments)}")
        if at.content is not None:
            parts.append(f"{CONTENT}:{shared_t(CONTENT, at.content.fragments)}")
        bid = brat_id[at.id]
        e_lines.append(f"{bid}\t" + " ".join(parts))
        if at.type is not None:
            if _SAFE.fullmatch(at.type):
                counters["A"] += 1
                a_lines.append(f"A{counters['A']}\t{TYPE_ATTRIBUTE} {bid} {at.type}")
                side_lines(at, bid)
            else:
                side_lines(at, bid, {"type": at.type})
        else:
            side_lines(at, bid)

    # -- relations and equivalences ---------------------------------------------------
    groups: dict[str, dict[str, str]] = defaultdict(dict)  # type -> union-find parent

    def find(parent: dict, x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rel in aset.relations.values():
        rtype = names(rel.type)
        a1, a2 = brat_id.get(rel.arg1), brat_id.get(rel.arg2)
        if rel.attrs.get("brat:equiv"):
            if a1 is None or a2 is None:
                report.leave("equivalences brat cannot point at")
                continue
            if rel.status != ACCEPTED or rel.by or rel.score is not None or set(rel.attrs) != {"brat:equiv"}:
                report.leave("notes on equivalences (brat's * lines have no ID to hang them on)")
            col.equivs[rtype] = None
            parent = groups[rtype]
            ra, rb = find(parent, rel.arg1), find(parent, rel.arg2)
            if ra != rb:
                parent[max(ra, rb, key=_id_key)] = min(ra, rb, key=_id_key)
            continue
        if a1 is None or a2 is None:
            report.leave("relations brat cannot point at")
            continue
        col.relations[rtype] = None
        roles = rel.attrs.get("brat:roles") or ["Arg1", "Arg2"]
        r1, r2 = (names(str(r)) for r in roles[:2])
        bid = brat_id[rel.id]
        r_lines.append(f"{bid}\t{rtype} {r1}:{a1} {r2}:{a2}\t")
        side_lines(rel, bid)
    star_groups = []
    for rtype, parent in groups.items():
        comps: dict[str, list[str]] = defaultdict(list)
        for x in list(parent):
            comps[find(parent, x)].append(x)
        for members in comps.values():
            members = sorted(members, key=_id_key)
            star_groups.append((rtype, members))
    for rtype, members in sorted(star_groups, key=lambda g: (g[0], [_id_key(m) for m in g[1]])):
        star_lines.append(f"*\t{rtype} " + " ".join(brat_id[m] for m in members))

    out = [*t_lines, *e_lines, *r_lines, *star_lines, *a_lines, *n_lines, *note_lines]
    return "".join(line + "\n" for line in out)


def dumps_conf(col: _ConfCollector, names: _Names, schema=None) -> str:
    """annotation.conf declaring our schema and every type the export wrote."""
    entities = dict.fromkeys(names(e) for e in (schema.entity_names if schema else ()))
    entities.update(col.entities)
    events: dict[str, dict[str, None]] = {}
    if schema is not None:
        for ev in schema.events:
            events[names(ev.name)] = dict.fromkeys(names(r) for r in ev.roles)
    for etype, roles in col.events.items():
        events.setdefault(etype, {}).update(roles)
    relations = dict.fromkeys(names(r) for r in (schema.relation_types if schema else ()))
    relations.update(col.relations)
    attributions = col.attributions or schema is not None
    out = [
        "# brat configuration written by annotator.",
        "# Type names brat cannot store were written in brat's storage form; the",
        "# line below maps them back to annotator's names on import.",
    ]
    mapping = names.mapping()
    if mapping:
        out.append(NAMES_COMMENT + json.dumps(mapping, ensure_ascii=False, sort_keys=True))
    out += ["", "[entities]", ""]
    out += list(entities)
    if attributions:
        out += [SOURCE, CUE, CONTENT]
    out += ["", "[relations]", "", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
    for r in relations:
        out.append(f"{r}\tArg1:<ENTITY>|<EVENT>, Arg2:<ENTITY>|<EVENT>")
    for r in col.equivs:
        out.append(f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive")
    out += ["", "[events]", ""]
    for etype, roles in events.items():
        args = ", ".join(f"{r}{'?' if r[-1:].isdigit() else '*'}:<ENTITY>|<EVENT>" for r in roles)
        out.append(f"{etype}\t{args}" if args else etype)
    if attributions:
        out.append(f"{ATTRIBUTION}\t{SOURCE}?:{SOURCE}|<ENTITY>, {CUE}?:{CUE}, {CONTENT}?:{CONTENT}")
        out.append(f"{ATTRIBUTION_NO_SOURCE}\t{CUE}?:{CUE}, {CONTENT}?:{CONTENT}")
    out += ["", "[attributes]", ""]
    if attributions:
        types = schema.attribution_types if schema is not None else ATTRIBUTION_TYPES
        out.append(f"{TYPE_ATTRIBUTE}\tArg:{ATTRIBUTION}|{ATTRIBUTION_NO_SOURCE}, Value:{'|'.join(types)}")
    for name, info in col.attributes.items():
        on = sorted({"Entity": "<ENTITY>", "Event": "<EVENT>", "Attribution": "<EVENT>", "Relation": "<RELATION>"}[k] for k in info["on"])
        spec = f"Arg:{'|'.join(dict.fromkeys(on))}"
        if info["values"]:
            spec += f", Value:{'|'.join(info['values'])}"
        out.append(f"{name}\t{spec}")
    return "\n".join(out) + "\n"
