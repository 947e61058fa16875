"""The annotation model: plain, immutable dataclasses. No Textual, no YAML.

Offsets are Python ``str`` indices (code points) into the article text, end
exclusive. Every span is a tuple of fragments so that discontinuous spans are the
general case and contiguous ones the common one (a single fragment).

Annotations are frozen: an edit replaces an object with a changed copy
(``dataclasses.replace``), which is what makes undo in ``session`` a matter of
swapping objects back.

The classes are dataclasses (``fields``, ``replace``, ``__match_args__``) whose
methods are written out here, the same as ``dataclass(frozen=True)`` makes them:
made by the decorator, each class cost about 0.6 ms of compiling at every start
(the first frame waits for it); written out they come compiled from the bytecode
cache.
"""

from __future__ import annotations

from collections import abc
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields, is_dataclass, replace
from types import MemberDescriptorType
from typing import Any, Callable, Iterable, Iterator, Mapping, Union

ACCEPTED = "accepted"
SUGGESTED = "suggested"
REJECTED = "rejected"
STATUSES = (ACCEPTED, SUGGESTED, REJECTED)

ATTRIBUTION_TYPES = ("direct", "indirect", "mixed")

Fragments = tuple[tuple[int, int], ...]

_set = object.__setattr__
#: the default of a field made by a factory (``dict()`` per object)
FACTORY: Any = type("_Factory", (), {"__repr__": lambda self: "<factory>"})()


class _Frozen:
    """Immutable as ``dataclass(frozen=True)`` makes a class: no field can be set
    or deleted (``FrozenInstanceError``); ``__init__`` sets them with ``_set``."""

    __slots__ = ()

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")


class _FrozenSlots(_Frozen):
    """A frozen dataclass with slots: pickled and copied as the decorator makes it
    (its fields' values in order). Its ``__init__`` sets the fields and does
    nothing else (``slot_maker`` may build objects without it)."""

    __slots__ = ()
    _INIT_SETS_FIELDS = True

    def __getstate__(self):
        return [getattr(self, f.name) for f in fields(self)]

    def __setstate__(self, state):
        for f, value in zip(fields(self), state):
            _set(self, f.name, value)


class _NoAttrs(abc.Mapping):
    """The empty, immutable ``attrs`` every annotation without extra facts shares
    (an empty dict each cost 64 bytes: 3 MB for 50,000 entities). Code that
    changes attrs copies them first (``dict(ann.attrs)``), as it must anyway."""

    __slots__ = ()

    def __getitem__(self, key):
        raise KeyError(key)

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other) -> bool:
        return isinstance(other, abc.Mapping) and not other

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self):
        return "NO_ATTRS"


NO_ATTRS: Mapping[str, object] = _NoAttrs()


def fragments_text(text: str, fragments: Fragments) -> str:
    """The text a span covers: fragment texts joined by one space (SPEC)."""
    return " ".join(text[s:e] for s, e in fragments)


def normalise_fragments(fragments: Iterable[tuple[int, int]]) -> Fragments:
    """Sort fragments by position; they must not be empty."""
    frags = tuple(sorted((int(s), int(e)) for s, e in fragments))
    if not frags:
        raise ValueError("a span needs at least one fragment")
    return frags


@dataclass(init=False, repr=False, eq=False, slots=True)
class Span(_FrozenSlots):
    """A piece of the article: one or more fragments and the text they cover."""

    fragments: Fragments
    text: str

    def __init__(self, fragments, text):
        _set(self, "fragments", fragments)
        _set(self, "text", text)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(fragments={self.fragments!r}, text={self.text!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.fragments, self.text) == (other.fragments, other.text)
        return NotImplemented

    def __hash__(self):
        return hash((self.fragments, self.text))

    @classmethod
    def of(cls, article: str, start: int, end: int) -> "Span":
        return cls(((start, end),), article[start:end])

    @classmethod
    def from_fragments(cls, article: str, fragments: Iterable[tuple[int, int]]) -> "Span":
        frags = normalise_fragments(fragments)
        return cls(frags, fragments_text(article, frags))

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]

    @property
    def discontinuous(self) -> bool:
        return len(self.fragments) > 1

    def covers(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.fragments)

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.fragments)


@dataclass(init=False, repr=False, eq=False, slots=True)
class Ref(_FrozenSlots):
    """A link to another annotation by ID (an attribution's source entity)."""

    ref: str

    def __init__(self, ref):
        _set(self, "ref", ref)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(ref={self.ref!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.ref,) == (other.ref,)
        return NotImplemented

    def __hash__(self):
        return hash((self.ref,))


@dataclass(init=False, repr=False, eq=False, slots=True)
class Entity(_FrozenSlots):
    """A labelled span of the article (a name, a date, ...)."""

    id: str
    label: str
    span: Span
    status: str = ACCEPTED
    by: str | None = None
    score: float | None = None
    suggested_by: str | None = None
    # Extra facts carried from other formats (brat attributes, notes, normalizations).
    attrs: Mapping[str, object] = NO_ATTRS
    #: the label (an event's or attribution's type) its suggester gave it, when a
    #: person changed it since (None: unchanged, or not a suggestion)
    suggested_label: str | None = None

    def __init__(self, id, label, span, status=ACCEPTED, by=None, score=None, suggested_by=None, attrs=NO_ATTRS, suggested_label=None):
        _set(self, "id", id)
        _set(self, "label", label)
        _set(self, "span", span)
        _set(self, "status", status)
        _set(self, "by", by)
        _set(self, "score", score)
        _set(self, "suggested_by", suggested_by)
        _set(self, "attrs", attrs)
        _set(self, "suggested_label", suggested_label)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(id={self.id!r}, label={self.label!r}, span={self.span!r}, status={self.status!r}, by={self.by!r}, score={self.score!r}, suggested_by={self.suggested_by!r}, attrs={self.attrs!r}, suggested_label={self.suggested_label!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.id, self.label, self.span, self.status, self.by, self.score, self.suggested_by, self.attrs, self.suggested_label) == (other.id, other.label, other.span, other.status, other.by, other.score, other.suggested_by, other.attrs, other.suggested_label)
        return NotImplemented

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def fragments(self) -> Fragments:
        return self.span.fragments

    def __hash__(self) -> int:  # attrs is a dict: hash the rest
        return hash((self.id, self.label, self.span, self.status))


@dataclass(init=False, repr=False, eq=False, slots=True)
class Argument(_FrozenSlots):
    """An event's argument: the annotation ``ref`` in the role ``role``."""

    role: str
    ref: str

    def __init__(self, role, ref):
        _set(self, "role", role)
        _set(self, "ref", ref)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(role={self.role!r}, ref={self.ref!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.role, self.ref) == (other.role, other.ref)
        return NotImplemented

    def __hash__(self):
        return hash((self.role, self.ref))


@dataclass(init=False, repr=False, eq=False, slots=True)
class Event(_FrozenSlots):
    """Something that happened: a typed trigger span with its arguments."""

    id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    status: str = ACCEPTED
    by: str | None = None
    score: float | None = None
    suggested_by: str | None = None
    attrs: Mapping[str, object] = NO_ATTRS
    #: the label (an event's or attribution's type) its suggester gave it, when a
    #: person changed it since (None: unchanged, or not a suggestion)
    suggested_label: str | None = None

    def __init__(self, id, type, trigger, arguments=(), status=ACCEPTED, by=None, score=None, suggested_by=None, attrs=NO_ATTRS, suggested_label=None):
        _set(self, "id", id)
        _set(self, "type", type)
        _set(self, "trigger", trigger)
        _set(self, "arguments", arguments)
        _set(self, "status", status)
        _set(self, "by", by)
        _set(self, "score", score)
        _set(self, "suggested_by", suggested_by)
        _set(self, "attrs", attrs)
        _set(self, "suggested_label", suggested_label)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(id={self.id!r}, type={self.type!r}, trigger={self.trigger!r}, arguments={self.arguments!r}, status={self.status!r}, by={self.by!r}, score={self.score!r}, suggested_by={self.suggested_by!r}, attrs={self.attrs!r}, suggested_label={self.suggested_label!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.id, self.type, self.trigger, self.arguments, self.status, self.by, self.score, self.suggested_by, self.attrs, self.suggested_label) == (other.id, other.type, other.trigger, other.arguments, other.status, other.by, other.score, other.suggested_by, other.attrs, other.suggested_label)
        return NotImplemented

    @property
    def start(self) -> int:
        return self.trigger.start

    @property
    def end(self) -> int:
        return self.trigger.end

    def __hash__(self) -> int:
        return hash((self.id, self.type, self.trigger, self.arguments, self.status))


@dataclass(init=False, repr=False, eq=False, slots=True)
class Attribution(_FrozenSlots):
    """Who said what. ``source`` is an entity (``Ref``), a plain span, or absent."""

    id: str
    source: Union[Ref, Span, None] = None
    cue: Span | None = None
    content: Span | None = None
    type: str | None = None  # direct | indirect | mixed
    status: str = ACCEPTED
    by: str | None = None
    score: float | None = None
    suggested_by: str | None = None
    attrs: Mapping[str, object] = NO_ATTRS
    #: the label (an event's or attribution's type) its suggester gave it, when a
    #: person changed it since (None: unchanged, or not a suggestion)
    suggested_label: str | None = None

    def __init__(self, id, source=None, cue=None, content=None, type=None, status=ACCEPTED, by=None, score=None, suggested_by=None, attrs=NO_ATTRS, suggested_label=None):
        _set(self, "id", id)
        _set(self, "source", source)
        _set(self, "cue", cue)
        _set(self, "content", content)
        _set(self, "type", type)
        _set(self, "status", status)
        _set(self, "by", by)
        _set(self, "score", score)
        _set(self, "suggested_by", suggested_by)
        _set(self, "attrs", attrs)
        _set(self, "suggested_label", suggested_label)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(id={self.id!r}, source={self.source!r}, cue={self.cue!r}, content={self.content!r}, type={self.type!r}, status={self.status!r}, by={self.by!r}, score={self.score!r}, suggested_by={self.suggested_by!r}, attrs={self.attrs!r}, suggested_label={self.suggested_label!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.id, self.source, self.cue, self.content, self.type, self.status, self.by, self.score, self.suggested_by, self.attrs, self.suggested_label) == (other.id, other.source, other.cue, other.content, other.type, other.status, other.by, other.score, other.suggested_by, other.attrs, other.suggested_label)
        return NotImplemented

    def spans(self) -> Iterator[Span]:
        """The attribution's own spans (a Ref source is the entity's, not ours)."""
        for part in (self.source, self.cue, self.content):
            if isinstance(part, Span):
                yield part

    @property
    def start(self) -> int:
        starts = [s.start for s in self.spans()]
        return min(starts) if starts else 0

    @property
    def end(self) -> int:
        ends = [s.end for s in self.spans()]
        return max(ends) if ends else 0

    def __hash__(self) -> int:
        return hash((self.id, self.source, self.cue, self.content, self.type, self.status))


@dataclass(init=False, repr=False, eq=False, slots=True)
class Relation(_FrozenSlots):
    """A binary typed link between two annotations (by ID)."""

    id: str
    type: str
    arg1: str
    arg2: str
    status: str = ACCEPTED
    by: str | None = None
    score: float | None = None
    suggested_by: str | None = None
    attrs: Mapping[str, object] = NO_ATTRS
    #: the label (an event's or attribution's type) its suggester gave it, when a
    #: person changed it since (None: unchanged, or not a suggestion)
    suggested_label: str | None = None

    def __init__(self, id, type, arg1, arg2, status=ACCEPTED, by=None, score=None, suggested_by=None, attrs=NO_ATTRS, suggested_label=None):
        _set(self, "id", id)
        _set(self, "type", type)
        _set(self, "arg1", arg1)
        _set(self, "arg2", arg2)
        _set(self, "status", status)
        _set(self, "by", by)
        _set(self, "score", score)
        _set(self, "suggested_by", suggested_by)
        _set(self, "attrs", attrs)
        _set(self, "suggested_label", suggested_label)

    def __repr__(self):
        return f"{self.__class__.__qualname__}(id={self.id!r}, type={self.type!r}, arg1={self.arg1!r}, arg2={self.arg2!r}, status={self.status!r}, by={self.by!r}, score={self.score!r}, suggested_by={self.suggested_by!r}, attrs={self.attrs!r}, suggested_label={self.suggested_label!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.id, self.type, self.arg1, self.arg2, self.status, self.by, self.score, self.suggested_by, self.attrs, self.suggested_label) == (other.id, other.type, other.arg1, other.arg2, other.status, other.by, other.score, other.suggested_by, other.attrs, other.suggested_label)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.id, self.type, self.arg1, self.arg2, self.status))


Annotation = Union[Entity, Event, Attribution, Relation]

#: ID prefix of each kind, as in brat: T entities, E events, A attributions, R relations.
PREFIX: dict[type, str] = {Entity: "T", Event: "E", Attribution: "A", Relation: "R"}
KIND_OF_PREFIX = {v: k for k, v in PREFIX.items()}


def id_number(ann_id: str) -> int:
    """The numeric part of an ID such as ``T12`` (0 when there is none)."""
    digits = ann_id[1:]
    return int(digits) if digits.isdigit() else 0


@dataclass(init=False, repr=False, eq=False, slots=True)
class Document:
    """The article: its text and where it came from."""

    text: str
    path: str | None = None  # as written in the YAML: relative to the annotation file
    sha256: str | None = None  # of the raw bytes

    def __init__(self, text, path=None, sha256=None):
        self.text = text
        self.path = path
        self.sha256 = sha256

    def __repr__(self):
        return f"{self.__class__.__qualname__}(text={self.text!r}, path={self.path!r}, sha256={self.sha256!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.text, self.path, self.sha256) == (other.text, other.path, other.sha256)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(init=False, repr=False, eq=False, slots=True)
class AnnotationSet:
    """All annotations of one article, each kind keyed by ID (insertion-ordered)."""

    document: Document
    entities: dict[str, Entity] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    attributions: dict[str, Attribution] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)

    def __init__(self, document, entities=FACTORY, events=FACTORY, attributions=FACTORY, relations=FACTORY):
        self.document = document
        self.entities = dict() if entities is FACTORY else entities
        self.events = dict() if events is FACTORY else events
        self.attributions = dict() if attributions is FACTORY else attributions
        self.relations = dict() if relations is FACTORY else relations

    def __repr__(self):
        return f"{self.__class__.__qualname__}(document={self.document!r}, entities={self.entities!r}, events={self.events!r}, attributions={self.attributions!r}, relations={self.relations!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.document, self.entities, self.events, self.attributions, self.relations) == (other.document, other.entities, other.events, other.attributions, other.relations)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    # -- lookup ---------------------------------------------------------------
    def table(self, kind: type) -> dict:
        if kind is Entity:
            return self.entities
        if kind is Event:
            return self.events
        if kind is Attribution:
            return self.attributions
        if kind is Relation:
            return self.relations
        raise TypeError(kind)

    def get(self, ann_id: str) -> Annotation | None:
        for table in (self.entities, self.events, self.attributions, self.relations):
            ann = table.get(ann_id)
            if ann is not None:
                return ann
        return None

    def __contains__(self, ann_id: str) -> bool:
        return self.get(ann_id) is not None

    def all(self) -> Iterator[Annotation]:
        yield from self.entities.values()
        yield from self.events.values()
        yield from self.attributions.values()
        yield from self.relations.values()

    def __len__(self) -> int:
        return len(self.entities) + len(self.events) + len(self.attributions) + len(self.relations)

    def next_id(self, kind: type) -> str:
        """The next free ID of a kind: one more than the highest in use."""
        prefix = PREFIX[kind]
        table = self.table(kind)
        highest = max((id_number(i) for i in table), default=0)
        return f"{prefix}{highest + 1}"

    # -- references -----------------------------------------------------------
    def referrers(self, ann_id: str) -> list[Annotation]:
        """Annotations that link to ``ann_id`` (event arguments, sources, relations)."""
        found: list[Annotation] = []
        for ev in self.events.values():
            if any(a.ref == ann_id for a in ev.arguments):
                found.append(ev)
        for at in self.attributions.values():
            if isinstance(at.source, Ref) and at.source.ref == ann_id:
                found.append(at)
        for rel in self.relations.values():
            if ann_id in (rel.arg1, rel.arg2):
                found.append(rel)
        return found

    def links_to_rejected(self) -> list[tuple[Annotation, str, str]]:
        """Accepted links that point at a rejected annotation: ``(the linking annotation,
        which link, the rejected ID)``, in file order. A merge (one side rejected the
        entity, the other linked to it) or a hand edit leaves them; the gold would
        then hold an event argument, a source or a relation whose entity is not gold."""
        def rejected(ref: str) -> bool:
            ann = self.get(ref)
            return ann is not None and ann.status == REJECTED

        found: list[tuple[Annotation, str, str]] = []
        for ev in self.events.values():
            if ev.status == ACCEPTED:
                found.extend((ev, f"argument {a.role}", a.ref) for a in ev.arguments if rejected(a.ref))
        for at in self.attributions.values():
            if at.status == ACCEPTED and isinstance(at.source, Ref) and rejected(at.source.ref):
                found.append((at, "source", at.source.ref))
        for rel in self.relations.values():
            if rel.status == ACCEPTED:
                found.extend((rel, key, ref) for key, ref in (("arg1", rel.arg1), ("arg2", rel.arg2)) if rejected(ref))
        return found

    def copy(self) -> "AnnotationSet":
        return AnnotationSet(
            Document(self.document.text, self.document.path, self.document.sha256),
            dict(self.entities),
            dict(self.events),
            dict(self.attributions),
            dict(self.relations),
        )

    def same_annotations(self, other: "AnnotationSet") -> bool:
        return (
            self.entities == other.entities
            and self.events == other.events
            and self.attributions == other.attributions
            and self.relations == other.relations
        )


def ref_span(aset: AnnotationSet, ref: str) -> Span | None:
    """The characters an annotation referred to stands for: an entity's span, an
    event's trigger; None for another kind, or an ID not in ``aset``."""
    target = aset.get(ref)
    if isinstance(target, Entity):
        return target.span
    if isinstance(target, Event):
        return target.trigger
    return None


def source_span(aset: AnnotationSet, at: Attribution) -> Span | None:
    """An attribution's source as characters: its own span, or the span of the
    entity it refers to (``ref_span``); None when it has none.

    This is what makes two sources the same one, wherever attributions are
    compared: ``audit`` and ``agree`` score a source given as an entity reference
    by that entity's span, and ``merge`` and ``merge-file`` take a span and a
    reference to an entity on that span for the same source."""
    src = at.source
    if isinstance(src, Span):
        return src
    if isinstance(src, Ref):
        return ref_span(aset, src.ref)
    return None


def plain_tail(ann: Annotation, out: dict, attrs: Callable[[Any], Any] | None = dict) -> dict:
    """``out`` with the fields every kind has after its own (status, by, score,
    suggested_by, suggested_label, attrs), those that are not their default, as a file writes them;
    ``attrs`` makes their plain value (None: left for the caller)."""
    if ann.status != ACCEPTED:
        out["status"] = ann.status
    if ann.by is not None:
        out["by"] = ann.by
    if ann.score is not None:
        out["score"] = ann.score
    if ann.suggested_by is not None:
        out["suggested_by"] = ann.suggested_by
    if ann.suggested_label is not None:
        out["suggested_label"] = ann.suggested_label
    if ann.attrs and attrs is not None:
        out["attrs"] = attrs(ann.attrs)
    return out


def with_status(ann: Annotation, status: str, by: str | None = None) -> Annotation:
    """A copy with a new status; accepting a suggestion keeps its suggester."""
    if ann.status == SUGGESTED and status != SUGGESTED:
        return replace(ann, status=status, by=by or ann.by, suggested_by=ann.suggested_by or ann.by)
    return replace(ann, status=status)


#: the suggesters' families (``suggest.get_suggester``): ``rules``, ``spacy:NAME``, ``file:PATH``
SUGGESTER_FAMILIES = ("rules", "spacy", "file")


def is_suggester(name: str | None) -> bool:
    """Whether ``name`` (a ``by``) names a rule or a model rather than a person: a
    suggester family, alone (``rules``: files written before rules were named) or
    with what it names after a colon (``rules:gazetteer``, ``spacy:news:ner``,
    ``file:gold.jsonl``). A merge's candidate is pending with its annotator's name
    as ``by``: a person, whose "precision" is no rule's."""
    if not name:
        return False
    family, colon, _ = name.partition(":")
    return family in SUGGESTER_FAMILIES or bool(colon)


def decision_of(status: str | None, suggested_label: object = None) -> str | None:
    """What a decided suggestion says about its suggester: ``ACCEPTED`` when a person
    accepted it as suggested, ``REJECTED`` when they rejected it or changed its
    label (``suggested_label``: the suggester was wrong about the label), None
    while pending. Review decisions, calibration and rule precision count this."""
    if status is None or status == ACCEPTED:
        return ACCEPTED if suggested_label is None else REJECTED
    if status == REJECTED:
        return REJECTED
    return None


def label_field(ann: Annotation) -> str:
    """The name of the field ``suggested_label`` keeps: an entity's label, the others' type."""
    return "label" if isinstance(ann, Entity) else "type"


def with_label(ann: Annotation, label: str | None, **changes: Any) -> Annotation:
    """A copy with a new label (an entity's; the others' type) and ``changes``. A
    suggester's annotation (still suggested, or decided: ``suggested_by``) keeps
    the label it was suggested with in ``suggested_label``, so that an audit of
    the suggester scores what it proposed; set back to it, the field goes."""
    name = label_field(ann)
    old = getattr(ann, name)
    original = ann.suggested_label
    if original is None and old != label and (ann.status == SUGGESTED or ann.suggested_by is not None):
        original = old
    if original == label:
        original = None
    return replace(ann, **{name: label}, suggested_label=original, **changes)


#: the ``attrs`` key a merge (``annotator merge``, ``merge-file``) leaves its facts in
MERGE_ATTR = "merge"


def merge_info(ann) -> dict | None:
    """``attrs.merge`` of a merged annotation, or None."""
    info = ann.attrs.get(MERGE_ATTR) if ann.attrs else None
    return info if isinstance(info, dict) else None


def is_candidate(ann) -> bool:
    """Left by a merge for adjudication: ``annotators`` (annotator merge) or
    ``side`` (merge-file) in ``attrs.merge``. Stays one once decided."""
    info = merge_info(ann)
    return info is not None and ("annotators" in info or "side" in info)


def kind_of(ann: Annotation) -> type:
    return type(ann)


def slots_settable(cls: type) -> bool:
    """Can ``slot_maker`` build objects of ``cls``: a dataclass whose ``__init__``
    only sets the fields (generated, or ours), no ``__post_init__``, every field in
    it and in a slot?"""
    init = getattr(cls.__init__, "__code__", None)
    return (
        is_dataclass(cls)
        and not hasattr(cls, "__post_init__")
        and init is not None
        # made by dataclasses, or written out to set the fields only (_FrozenSlots)
        and (init.co_filename == "<string>" or getattr(cls, "_INIT_SETS_FIELDS", False))
        and all(f.init and isinstance(cls.__dict__.get(f.name), MemberDescriptorType) for f in fields(cls))
    )


def slot_maker(cls: type, *, keep: str | None = None, order: str | None = None) -> Callable:
    """A fast constructor for a frozen dataclass with slots: its fields set straight
    into their slots, without ``__init__``'s per-field ``object.__setattr__``.
    The trailing fields with a default may be left out, as with ``cls(...)``.

    With ``keep``: ``f(ann, value)``, a copy of ``ann`` with that field set to
    ``value`` (e.g. the re-anchored span of a moved entity). Only for classes
    without ``__post_init__`` (there is nothing their ``__init__`` checks).

    ``order``: every field's name, in the order the constructor takes them all
    (a reader's, in its file's order)."""
    names = tuple(f.name for f in fields(cls))
    if order is not None:
        wanted = tuple(order.split())
        if sorted(wanted) != sorted(names):
            raise TypeError(f"{cls.__name__}: {order!r} is not its fields")
        if not slots_settable(cls):
            return lambda *values: cls(**dict(zip(wanted, values)))
        names = wanted
    if not slots_settable(cls):
        if keep is None:
            return cls
        return lambda ann, value: replace(ann, **{keep: value})
    env = {"_new_": object.__new__, "_cls_": cls, **{f"_set_{n}": cls.__dict__[n].__set__ for n in names}}
    if keep is None:
        params = list(names)
        if order is None:
            flds = fields(cls)
            for k, f in enumerate(flds):
                if all(g.default is not MISSING for g in flds[k:]):
                    env[f"_default_{f.name}"] = f.default
                    params[k] = f"{f.name}=_default_{f.name}"
        head = f"def make({', '.join(params)}):"
        body = [f"    _set_{n}(_o_, {n})" for n in names]
    else:
        head = "def make(_ann_, _value_):"
        body = [f"    _set_{n}(_o_, {'_value_' if n == keep else '_ann_.' + n})" for n in names]
    exec("\n".join([head, "    _o_ = _new_(_cls_)", *body, "    return _o_"]), env)
    return env["make"]
