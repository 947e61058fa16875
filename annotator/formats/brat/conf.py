"""brat's ``annotation.conf``: read into a schema (and the map of type names our
exporter wrote), and written for an export from the types it used."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

from ...errors import InputError
from ...model import ATTRIBUTION_TYPES
from .spec import (
    ATTR_ROLES,
    ATTRIBUTION,
    ATTRIBUTION_NO_SOURCE,
    ATTRIBUTION_TYPES_BRAT,
    CONTENT,
    CUE,
    NAMES_COMMENT,
    SAFE,
    SOURCE,
    TYPE_ATTRIBUTE,
)


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
        #: name -> (what it is for, its values; none for a flag), from [attributes]
        self.attribute_specs: dict[str, tuple[list[str], list[str]]] = {}
        #: knowledge bases from tools.conf [normalization] (Wikipedia, Wikidata, ...)
        self.normalizations: list[str] = []
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
        data = {
            "name": title,
            "entities": entities,
            "events": events,
            "relations": [self.name(r) for r in self.relations],
        }
        attributes = self.schema_attributes()
        if attributes:
            data["attributes"] = attributes
        return data

    def schema_attributes(self) -> list[dict]:
        """The [attributes] section in the schema's ``attributes:`` shape
        (``name``, ``for``, ``values`` or ``flag``), and tools.conf's knowledge
        bases as ``link`` attributes; an attribution's ``Type`` is its type,
        not an attribute."""
        out = []
        # In brat an attribution is an event: what is for <EVENT> is for both.
        polnear = any(n in ATTRIBUTION_TYPES_BRAT for n in self.events)
        for name, (args, values) in self.attribute_specs.items():
            kinds = []
            for a in args:
                kinds += ["event", "attribution"] if a == "<EVENT>" and polnear else [_ARG_KINDS.get(a) or self.name(a)]
            on = list(dict.fromkeys(kinds))
            if name == TYPE_ATTRIBUTE and on and set(on) <= {"attribution"}:
                continue
            item: dict = {"name": self.name(name)}
            if on:
                item["for"] = on
            if values:
                item["values"] = values
            else:
                item["flag"] = True
            out.append(item)
        # A knowledge base is a link attribute (the app keeps it as a brat N line).
        names = {a["name"] for a in out}
        out += [{"name": db, "link": True} for db in self.normalizations if db not in names]
        return out


#: what an attribute's ``Arg:`` names in brat -> the kind our schema names
_ARG_KINDS = {
    "<ENTITY>": "entity",
    "<EVENT>": "event",
    "<RELATION>": "relation",
    ATTRIBUTION: "attribution",
    ATTRIBUTION_NO_SOURCE: "attribution",
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
                targets: list[str] = []
                values: list[str] = []
                for a in args:
                    key, _, val = a.partition(":")
                    if key == "Arg":
                        targets += [t.strip() for t in val.split("|") if t.strip()]
                    elif key == "Value":
                        values += [v.strip() for v in val.split("|") if v.strip()]
                conf.attribute_specs[name] = (targets, values)
    _read_tools_conf(path.with_name("tools.conf"), conf)
    return conf


def _read_tools_conf(path: Path, conf: Conf) -> None:
    """The knowledge bases of brat's ``tools.conf`` ([normalization]: one per
    line, its name first), beside annotation.conf; optional, so a missing or
    unreadable one is no error."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    section = None
    for line in raw.split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^\[(.*)\]$", line)
        if m:
            section = m.group(1).strip().lower()
            continue
        if section == "normalization":
            name = line.split(None, 1)[0]
            if name not in conf.normalizations:
                conf.normalizations.append(name)


def find_conf(ann_path: Path, root: Path | None = None) -> Path | None:
    """brat's rule: the nearest annotation.conf in the folder or its parents, up
    to the filesystem root (brat's command-line tools search the whole tree; its
    server stops at its own base folder). ``root``, the folder an import was
    given, does not stop the search: a sub-collection takes its parent's conf."""
    del root  # kept for callers; brat looks above the collection too
    folder = ann_path.parent.resolve()
    while True:
        cand = folder / "annotation.conf"
        if cand.is_file():
            return cand
        if folder.parent == folder:
            return None
        folder = folder.parent


# -- writing ------------------------------------------------------------------


class Names:
    """Our names -> brat storage forms, consistent across one export."""

    def __init__(self, reserved: Iterable[str] = ()):
        self.to_brat: dict[str, str] = {}
        self.taken: set[str] = set(n for n in reserved if SAFE.fullmatch(n))

    def __call__(self, name: str) -> str:
        got = self.to_brat.get(name)
        if got is not None:
            return got
        if SAFE.fullmatch(name):
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


class ConfCollector:
    def __init__(self):
        self.entities: dict[str, None] = {}
        self.events: dict[str, dict[str, None]] = {}
        self.relations: dict[str, None] = {}
        self.equivs: dict[str, None] = {}
        self.attributes: dict[str, dict] = {}  # name -> {"values": {}, "on": set()}
        self.attributions = False


def dumps_conf(col: ConfCollector, names: Names, schema=None) -> str:
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
        # '*': a part joined from several spans is written as Content, Content2, ...
        out.append(f"{ATTRIBUTION}\t{SOURCE}*:{SOURCE}|<ENTITY>, {CUE}*:{CUE}, {CONTENT}*:{CONTENT}")
        out.append(f"{ATTRIBUTION_NO_SOURCE}\t{CUE}*:{CUE}, {CONTENT}*:{CONTENT}")
    out += ["", "[attributes]", ""]
    if attributions:
        types = schema.attribution_types if schema is not None else ATTRIBUTION_TYPES
        out.append(f"{TYPE_ATTRIBUTE}\tArg:{ATTRIBUTION}|{ATTRIBUTION_NO_SOURCE}, Value:{'|'.join(types)}")
    declared = _declared_attributes(schema, names)
    for name, info in col.attributes.items():
        if name in declared:
            declared[name]["values"].update(info["values"])
            declared[name]["on"].update(_brat_args(info["on"]))
    for name, info in declared.items():
        spec = f"Arg:{'|'.join(sorted(info['on']))}"
        if info["values"]:
            spec += f", Value:{'|'.join(info['values'])}"
        out.append(f"{name}\t{spec}")
    for name, info in col.attributes.items():
        if name in declared:
            continue
        on = sorted({"Entity": "<ENTITY>", "Event": "<EVENT>", "Attribution": "<EVENT>", "Relation": "<RELATION>"}[k] for k in info["on"])
        spec = f"Arg:{'|'.join(dict.fromkeys(on))}"
        if info["values"]:
            spec += f", Value:{'|'.join(info['values'])}"
        out.append(f"{name}\t{spec}")
    return "\n".join(out) + "\n"


#: what a schema attribute's ``for`` names besides labels -> brat's ``Arg:``
_KIND_ARGS = {
    "entity": "<ENTITY>", "entities": "<ENTITY>",
    "event": "<EVENT>", "events": "<EVENT>",
    "attribution": "<EVENT>", "attributions": "<EVENT>",
    "relation": "<RELATION>", "relations": "<RELATION>",
}
_CLASS_ARGS = {"Entity": "<ENTITY>", "Event": "<EVENT>", "Attribution": "<EVENT>", "Relation": "<RELATION>"}


def _brat_args(classes) -> set[str]:
    return {_CLASS_ARGS[k] for k in classes}


def _declared_attributes(schema, names: Names) -> dict[str, dict]:
    """The schema's choice and flag attributes (``schema.attributes``, where the
    schema has them) as [attributes] lines: name -> {"values", "on"}. Links are
    brat normalizations and free text is a note: neither is declared here."""
    out: dict[str, dict] = {}
    for spec in getattr(schema, "attributes", ()) or ():
        if spec.kind not in ("choice", "flag") or not SAFE.fullmatch(spec.name) or spec.name == TYPE_ATTRIBUTE:
            continue
        on = set()
        for target in spec.on or ("entity", "event", "relation"):
            on.add(_KIND_ARGS.get(target) or names(target))
        out[spec.name] = {"values": dict.fromkeys(spec.values), "on": on}
    return out
