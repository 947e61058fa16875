"""Labels, keys, event types and roles; the built-in news schema.

A schema file is YAML of the same shape as ``DEFAULT_SCHEMA_YAML`` below. Colours
are not here: they come from the stylesheet (``styles/annotator.tcss``), one
component class per label slot, so themes can restyle them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import FACTORY, _Frozen, _set

ENTITY_KEYS = "123456789"


@dataclass(init=False, repr=False, eq=False)
class EntityLabel(_Frozen):
    """An entity label, the key that tags it, what it is for."""

    name: str
    key: str | None = None
    description: str = ""

    def __init__(self, name, key=None, description=""):
        _set(self, "name", name)
        _set(self, "key", key)
        _set(self, "description", description)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(name={self.name!r}, key={self.key!r}, description={self.description!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.name, self.key, self.description) == (other.name, other.key, other.description)
        return NotImplemented

    def __hash__(self):
        return hash((self.name, self.key, self.description))


@dataclass(init=False, repr=False, eq=False)
class EventType(_Frozen):
    """An event type: its roles, the trigger words a rules suggester may use."""

    name: str
    roles: tuple[str, ...]
    triggers: tuple[str, ...] = ()  # trigger words a rules suggester may use
    description: str = ""

    def __init__(self, name, roles, triggers=(), description=""):
        _set(self, "name", name)
        _set(self, "roles", roles)
        _set(self, "triggers", triggers)
        _set(self, "description", description)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(name={self.name!r}, roles={self.roles!r}, triggers={self.triggers!r}, description={self.description!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.name, self.roles, self.triggers, self.description) == (other.name, other.roles, other.triggers, other.description)
        return NotImplemented

    def __hash__(self):
        return hash((self.name, self.roles, self.triggers, self.description))


#: what an attribute's ``on`` may name besides labels and types
KINDS = {"entity": "entity", "entities": "entity", "event": "event", "events": "event",
         "attribution": "attribution", "attributions": "attribution", "relation": "relation", "relations": "relation"}
ATTRIBUTE_KINDS = ("choice", "flag", "text", "link")


@dataclass(init=False, repr=False, eq=False)
class AttributeSpec(_Frozen):
    """An attribute the schema lets annotations carry (see ``annotator.attributes``).

    ``kind`` is ``choice`` (one of ``values``), ``flag`` (on or off), ``text``
    (free text, matching ``pattern`` when given) or ``link`` (an id in a
    knowledge base named ``name``, e.g. Wikidata ``Q42``: a brat normalization).
    ``on`` (``for:`` in the schema file) names annotation kinds (entity, event, attribution, relation) or
    entity labels, event types and relation types; empty means every annotation.
    """

    name: str
    kind: str = "text"
    values: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    pattern: str | None = None
    description: str = ""

    def __init__(self, name, kind="text", values=(), on=(), pattern=None, description=""):
        _set(self, "name", name)
        _set(self, "kind", kind)
        _set(self, "values", values)
        _set(self, "on", on)
        _set(self, "pattern", pattern)
        _set(self, "description", description)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(name={self.name!r}, kind={self.kind!r}, values={self.values!r}, on={self.on!r}, pattern={self.pattern!r}, description={self.description!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.name, self.kind, self.values, self.on, self.pattern, self.description) == (other.name, other.kind, other.values, other.on, other.pattern, other.description)
        return NotImplemented

    def __hash__(self):
        return hash((self.name, self.kind, self.values, self.on, self.pattern, self.description))

    def applies(self, kind: str, label: str | None) -> bool:
        if not self.on:
            return True
        return any(KINDS.get(o) == kind or o == label for o in self.on)


@dataclass(init=False, repr=False, eq=False)
class Schema(_Frozen):
    """What can be annotated: entity labels, event types, attribution types, ...
    (frozen dataclasses whose methods are written out, as in ``annotator.model``)."""

    entities: tuple[EntityLabel, ...]
    events: tuple[EventType, ...] = ()
    attribution_types: tuple[str, ...] = ("direct", "indirect", "mixed")
    attribution_cues: tuple[str, ...] = ()
    relation_types: tuple[str, ...] = ()
    #: foreign label -> our label (spaCy PERSON -> PER, ...)
    label_map: dict[str, str] = field(default_factory=dict)
    name: str = "custom"
    #: attributes annotations may carry (Realis, Polarity, a Wikidata link, ...)
    attributes: tuple[AttributeSpec, ...] = ()

    def __init__(self, entities, events=(), attribution_types=("direct", "indirect", "mixed"), attribution_cues=(), relation_types=(), label_map=FACTORY, name="custom", attributes=()):
        _set(self, "entities", entities)
        _set(self, "events", events)
        _set(self, "attribution_types", attribution_types)
        _set(self, "attribution_cues", attribution_cues)
        _set(self, "relation_types", relation_types)
        _set(self, "label_map", dict() if label_map is FACTORY else label_map)
        _set(self, "name", name)
        _set(self, "attributes", attributes)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(entities={self.entities!r}, events={self.events!r}, attribution_types={self.attribution_types!r}, attribution_cues={self.attribution_cues!r}, relation_types={self.relation_types!r}, label_map={self.label_map!r}, name={self.name!r}, attributes={self.attributes!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.entities, self.events, self.attribution_types, self.attribution_cues, self.relation_types, self.label_map, self.name, self.attributes) == (other.entities, other.events, other.attribution_types, other.attribution_cues, other.relation_types, other.label_map, other.name, other.attributes)
        return NotImplemented

    def __hash__(self):
        return hash((self.entities, self.events, self.attribution_types, self.attribution_cues, self.relation_types, self.label_map, self.name, self.attributes))

    # -- lookups --------------------------------------------------------------
    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    @property
    def event_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.events)

    def label_for_key(self, key: str) -> str | None:
        for lab in self.entities:
            if lab.key == key:
                return lab.name
        return None

    def key_for_label(self, label: str) -> str | None:
        for lab in self.entities:
            if lab.name == label:
                return lab.key
        return None

    def slot(self, label: str) -> int:
        """The colour slot (1..9, 0 for unknown) of a label: its place in the list."""
        for i, lab in enumerate(self.entities):
            if lab.name == label:
                return i % 9 + 1
        return 0

    def event_type(self, name: str) -> EventType | None:
        for ev in self.events:
            if ev.name == name:
                return ev
        return None

    def roles(self, event_type: str) -> tuple[str, ...]:
        ev = self.event_type(event_type)
        return ev.roles if ev else ()

    def role_of(self, event_type: str, role: str) -> str | None:
        """The type's role that ``role`` is, counting brat's numbered roles:
        ``Theme2`` and ``Site2`` (the second Theme, the Site paired with it) are
        Theme and Site, as brat itself checks them against ``annotation.conf``;
        None when it is none of the type's roles."""
        roles = self.roles(event_type)
        if role in roles:
            return role
        if role[-1:].isdigit():
            base = role.rstrip("0123456789")
            if base in roles:
                return base
        return None

    def has_role(self, event_type: str, role: str) -> bool:
        """Whether ``role`` is a role of the type (see ``role_of``): the name is kept
        as written, Theme2 stays Theme2."""
        return self.role_of(event_type, role) is not None

    def has_entity(self, label: str) -> bool:
        return label in self.entity_names

    def has_event(self, name: str) -> bool:
        return self.event_type(name) is not None


DEFAULT_SCHEMA_YAML = """\
name: news
entities:
- {name: PER, key: '1', description: person}
- {name: ORG, key: '2', description: organisation}
- {name: GPE, key: '3', description: 'country, city, state'}
- {name: LOC, key: '4', description: non-political location}
- {name: FAC, key: '5', description: 'building, airport, road, border crossing'}
- {name: NORP, key: '6', description: 'nationality, religious or political group'}
- {name: DATE, key: '7', description: date or period}
- {name: MISC, key: '8', description: anything else named}
events:
- name: Conflict.Attack
  roles: [Attacker, Target, Instrument, Place, Time]
  triggers: [attack, attacked, attacks, assault, bombed, bombing, shelled, shelling, struck, strike, strikes, fired, clashed, clashes, fighting, raid]
- name: Conflict.Capture
  roles: [Agent, Place, Opponent, Time]
  triggers: [captured, capture, seized, seize, took, taken, retook, overran, fell]
- name: Conflict.Withdraw
  roles: [Agent, Origin, Time]
  triggers: [withdrew, withdraw, retreated, pulled out, collapse, fled]
- name: Movement.Transport
  roles: [Agent, Artifact, Origin, Destination, Time]
  triggers: [moved, sent, deployed, transported, arrived, swept, evacuated]
- name: Life.Die
  roles: [Victim, Agent, Instrument, Place, Time]
  triggers: [killed, died, dead, death, deaths]
- name: Life.Injure
  roles: [Victim, Agent, Instrument, Place, Time]
  triggers: [injured, wounded, hurt]
- name: Contact.Meet
  roles: [Participant, Place, Time]
  triggers: [met, meeting, talks, summit, conference]
attribution:
  types: [direct, indirect, mixed]
  cues: [said, says, told, tells, according to, added, stated, announced, reported, claimed, confirmed, denied, warned]
relations: []
attributes:
- name: Realis
  for: [event]
  values: [actual, generic, other]
  description: did it happen (actual), is it a kind of event (generic), or neither (other)
- name: Polarity
  for: [event]
  values: [positive, negative]
  description: negative when the text says it did not happen
- name: Wikidata
  for: [PER, ORG, GPE, LOC, FAC, NORP]
  link: true
  pattern: 'Q[1-9][0-9]*'
  description: the Wikidata item (Q42), a link to the knowledge base
label_map:
  PERSON: PER
  ORG: ORG
  GPE: GPE
  LOC: LOC
  FAC: FAC
  NORP: NORP
  DATE: DATE
  TIME: DATE
  EVENT: MISC
  PRODUCT: MISC
  WORK_OF_ART: MISC
  LAW: MISC
  LANGUAGE: MISC
"""


#: the built-in schema as data: what ``yaml.safe_load(DEFAULT_SCHEMA_YAML)`` gives (a test
#: checks it), so that opening an article needs no YAML parser (PyYAML's import
#: was a twentieth of the app's start).
DEFAULT_SCHEMA_DATA: dict[str, Any] = {
    "name": "news",
    "entities": [
        {"name": "PER", "key": "1", "description": "person"},
        {"name": "ORG", "key": "2", "description": "organisation"},
        {"name": "GPE", "key": "3", "description": "country, city, state"},
        {"name": "LOC", "key": "4", "description": "non-political location"},
        {"name": "FAC", "key": "5", "description": "building, airport, road, border crossing"},
        {"name": "NORP", "key": "6", "description": "nationality, religious or political group"},
        {"name": "DATE", "key": "7", "description": "date or period"},
        {"name": "MISC", "key": "8", "description": "anything else named"},
    ],
    "events": [
        {"name": "Conflict.Attack", "roles": ["Attacker", "Target", "Instrument", "Place", "Time"], "triggers": ["attack", "attacked", "attacks", "assault", "bombed", "bombing", "shelled", "shelling", "struck", "strike", "strikes", "fired", "clashed", "clashes", "fighting", "raid"]},
        {"name": "Conflict.Capture", "roles": ["Agent", "Place", "Opponent", "Time"], "triggers": ["captured", "capture", "seized", "seize", "took", "taken", "retook", "overran", "fell"]},
        {"name": "Conflict.Withdraw", "roles": ["Agent", "Origin", "Time"], "triggers": ["withdrew", "withdraw", "retreated", "pulled out", "collapse", "fled"]},
        {"name": "Movement.Transport", "roles": ["Agent", "Artifact", "Origin", "Destination", "Time"], "triggers": ["moved", "sent", "deployed", "transported", "arrived", "swept", "evacuated"]},
        {"name": "Life.Die", "roles": ["Victim", "Agent", "Instrument", "Place", "Time"], "triggers": ["killed", "died", "dead", "death", "deaths"]},
        {"name": "Life.Injure", "roles": ["Victim", "Agent", "Instrument", "Place", "Time"], "triggers": ["injured", "wounded", "hurt"]},
        {"name": "Contact.Meet", "roles": ["Participant", "Place", "Time"], "triggers": ["met", "meeting", "talks", "summit", "conference"]},
    ],
    "attribution": {"types": ["direct", "indirect", "mixed"], "cues": ["said", "says", "told", "tells", "according to", "added", "stated", "announced", "reported", "claimed", "confirmed", "denied", "warned"]},
    "relations": [],
    "attributes": [
        {"name": "Realis", "for": ["event"], "values": ["actual", "generic", "other"], "description": "did it happen (actual), is it a kind of event (generic), or neither (other)"},
        {"name": "Polarity", "for": ["event"], "values": ["positive", "negative"], "description": "negative when the text says it did not happen"},
        {"name": "Wikidata", "for": ["PER", "ORG", "GPE", "LOC", "FAC", "NORP"], "link": True, "pattern": "Q[1-9][0-9]*", "description": "the Wikidata item (Q42), a link to the knowledge base"},
    ],
    "label_map": {"PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC", "NORP": "NORP", "DATE": "DATE", "TIME": "DATE", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"},
}  # fmt: skip


def _as_list(value: Any, where: str, source: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(source, f"'{where}' must be a list")
    return value


def schema_from_data(data: Any, source: str = "<schema>") -> Schema:
    """Build a Schema from parsed YAML, with one clear error for the first problem."""
    if not isinstance(data, dict):
        raise InputError(source, "a schema must be a mapping with 'entities'")
    entities: list[EntityLabel] = []
    seen: set[str] = set()
    for i, item in enumerate(_as_list(data.get("entities"), "entities", source)):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise InputError(source, f"entities[{i}] needs a 'name'")
        name = item["name"]
        bare = [str(k) for k, v in item.items() if v is None and k not in ("name", "key", "description")]
        if bare:  # {name: GPE, description: country, city}: YAML reads "city" as a key of its own
            raise InputError(source, f"entity label '{name}': unknown key {bare[0]!r} with no value "
                                     "(a description with commas inside {...} needs quotes: description: 'a, b')")
        if name in seen:
            raise InputError(source, f"entity label '{name}' is declared twice")
        seen.add(name)
        key = item.get("key")
        if key is not None:
            key = str(key)
            if key not in ENTITY_KEYS or len(key) != 1:
                raise InputError(source, f"entity label '{name}': key must be one digit 1-9, not {key!r}")
        elif len(entities) < 9:
            key = ENTITY_KEYS[len(entities)]
        entities.append(EntityLabel(name, key, str(item.get("description", ""))))
    keys = [e.key for e in entities if e.key]
    if len(keys) != len(set(keys)):
        raise InputError(source, "two entity labels share one key")
    events: list[EventType] = []
    for i, item in enumerate(_as_list(data.get("events"), "events", source)):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(source, f"events[{i}] needs a 'name'")
        roles = _as_list(item.get("roles"), f"events[{i}].roles", source)
        triggers = _as_list(item.get("triggers"), f"events[{i}].triggers", source)
        events.append(
            EventType(
                item["name"],
                tuple(str(r) for r in roles),
                tuple(str(t) for t in triggers),
                str(item.get("description", "")),
            )
        )
    attribution = data.get("attribution") or {}
    if not isinstance(attribution, dict):
        raise InputError(source, "'attribution' must be a mapping")
    label_map = data.get("label_map") or {}
    if not isinstance(label_map, dict):
        raise InputError(source, "'label_map' must be a mapping")
    attributes = _attributes(data.get("attributes"), source)
    return Schema(
        attributes=attributes,
        entities=tuple(entities),
        events=tuple(events),
        attribution_types=tuple(str(t) for t in attribution.get("types") or ("direct", "indirect", "mixed")),
        attribution_cues=tuple(str(c) for c in attribution.get("cues") or ()),
        relation_types=tuple(str(r) for r in _as_list(data.get("relations"), "relations", source)),
        label_map={str(k): str(v) for k, v in label_map.items()},
        name=str(data.get("name", "custom")),
    )


def _attributes(value: Any, source: str) -> tuple[AttributeSpec, ...]:
    """``attributes:``: a list of {name, on, values | flag | link, pattern, description}."""
    import re

    out: list[AttributeSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(_as_list(value, "attributes", source)):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError(source, f"attributes[{i}] needs a 'name'")
        name = item["name"].strip()
        if name in seen:
            raise InputError(source, f"attribute '{name}' is declared twice")
        if name.startswith(("#", "N:", "brat:")) or name in ("lost",):
            raise InputError(source, f"attribute '{name}': that name is reserved")
        seen.add(name)
        unknown = sorted(str(k) for k in set(item) - {"name", "for", "values", "flag", "link", "pattern", "description"})
        if unknown:
            hint = " (write 'for:', YAML reads a bare 'on' as true)" if unknown[0] == "True" else ""
            raise InputError(source, f"attribute '{name}': unknown key {unknown[0]!r}{hint} (name, for, values, flag, link, pattern, description)")
        on = item.get("for")
        on_list = [on] if isinstance(on, str) else _as_list(on, f"attributes[{i}].for", source)
        values = tuple(str(v) for v in _as_list(item.get("values"), f"attributes[{i}].values", source))
        flag, link = bool(item.get("flag")), bool(item.get("link"))
        if sum((bool(values), flag, link)) > 1:
            raise InputError(source, f"attribute '{name}': give one of values, flag or link")
        kind = "choice" if values else "flag" if flag else "link" if link else "text"
        pattern = item.get("pattern")
        if pattern is not None:
            if kind in ("choice", "flag"):
                raise InputError(source, f"attribute '{name}': a pattern is for text or link attributes")
            pattern = str(pattern)
            try:
                re.compile(pattern)
            except re.error as exc:
                raise InputError(source, f"attribute '{name}': bad pattern {pattern!r}: {exc}") from None
        out.append(AttributeSpec(name, kind, values, tuple(str(o) for o in on_list), pattern, str(item.get("description", ""))))
    return tuple(out)


def schema_data(schema: Schema) -> dict:
    """``schema`` as the data of a schema file (``schema_from_data`` reads it back as
    an equal schema): to write a schema made from another one (``annotator import``)."""
    data: dict = {"name": schema.name, "entities": []}
    for e in schema.entities:
        item: dict = {"name": e.name}
        if e.key:
            item["key"] = e.key
        if e.description:
            item["description"] = e.description
        data["entities"].append(item)
    events = []
    for t in schema.events:
        item = {"name": t.name, "roles": list(t.roles)}
        if t.triggers:
            item["triggers"] = list(t.triggers)
        if t.description:
            item["description"] = t.description
        events.append(item)
    data["events"] = events
    data["attribution"] = {"types": list(schema.attribution_types), "cues": list(schema.attribution_cues)}
    data["relations"] = list(schema.relation_types)
    attributes = []
    for a in schema.attributes:
        item = {"name": a.name}
        if a.on:
            item["for"] = list(a.on)
        if a.kind == "choice":
            item["values"] = list(a.values)
        elif a.kind in ("flag", "link"):
            item[a.kind] = True
        if a.pattern is not None:
            item["pattern"] = a.pattern
        if a.description:
            item["description"] = a.description
        attributes.append(item)
    data["attributes"] = attributes
    data["label_map"] = dict(schema.label_map)
    return data


_DEFAULT: Schema | None = None


def default_schema() -> Schema:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = schema_from_data(copy.deepcopy(DEFAULT_SCHEMA_DATA), "<built-in news schema>")
    return _DEFAULT


def load_schema(path: str | Path) -> Schema:
    """Read a schema file; one InputError naming the file for any problem."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(p), "no such schema file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(p), f"cannot read schema: {exc}") from None
    import yaml  # here only: the built-in schema needs no parser

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{p}{line}", f"broken YAML: {getattr(exc, 'problem', exc)}") from None
    return schema_from_data(data, str(p))
