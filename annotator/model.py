"""The annotation model: plain, immutable dataclasses. No Textual, no YAML.

Offsets are Python ``str`` indices (code points) into the article text, end
exclusive. Every span is a tuple of fragments so that discontinuous spans are the
general case and contiguous ones the common one (a single fragment).

Annotations are frozen: an edit replaces an object with a changed copy
(``dataclasses.replace``), which is what makes undo in ``session`` a matter of
swapping objects back.
"""

from __future__ import annotations

from collections import abc
from dataclasses import dataclass, field, fields, is_dataclass, replace
from types import MemberDescriptorType
from typing import Any, Callable, Iterable, Iterator, Mapping, Union

ACCEPTED = "accepted"
SUGGESTED = "suggested"
REJECTED = "rejected"
STATUSES = (ACCEPTED, SUGGESTED, REJECTED)

ATTRIBUTION_TYPES = ("direct", "indirect", "mixed")

Fragments = tuple[tuple[int, int], ...]


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


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the article: one or more fragments and the text they cover."""

    fragments: Fragments
    text: str

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


@dataclass(frozen=True, slots=True)
class Ref:
    """A link to another annotation by ID (an attribution's source entity)."""

    ref: str


@dataclass(frozen=True, slots=True)
class Entity:
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


@dataclass(frozen=True, slots=True)
class Argument:
    """An event's argument: the annotation ``ref`` in the role ``role``."""

    role: str
    ref: str


@dataclass(frozen=True, slots=True)
class Event:
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

    @property
    def start(self) -> int:
        return self.trigger.start

    @property
    def end(self) -> int:
        return self.trigger.end

    def __hash__(self) -> int:
        return hash((self.id, self.type, self.trigger, self.arguments, self.status))


@dataclass(frozen=True, slots=True)
class Attribution:
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


@dataclass(frozen=True, slots=True)
class Relation:
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


@dataclass(slots=True)
class Document:
    """The article: its text and where it came from."""

    text: str
    path: str | None = None  # as written in the YAML: relative to the annotation file
    sha256: str | None = None  # of the raw bytes

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(slots=True)
class AnnotationSet:
    """All annotations of one article, each kind keyed by ID (insertion-ordered)."""

    document: Document
    entities: dict[str, Entity] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    attributions: dict[str, Attribution] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)

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


def plain_tail(ann: Annotation, out: dict, attrs: Callable[[Any], Any] | None = dict) -> dict:
    """``out`` with the fields every kind has after its own (status, by, score,
    suggested_by, attrs), those that are not their default, as a file writes them;
    ``attrs`` makes their plain value (None: left for the caller)."""
    if ann.status != ACCEPTED:
        out["status"] = ann.status
    if ann.by is not None:
        out["by"] = ann.by
    if ann.score is not None:
        out["score"] = ann.score
    if ann.suggested_by is not None:
        out["suggested_by"] = ann.suggested_by
    if ann.attrs and attrs is not None:
        out["attrs"] = attrs(ann.attrs)
    return out


def with_status(ann: Annotation, status: str, by: str | None = None) -> Annotation:
    """A copy with a new status; accepting a suggestion keeps its suggester."""
    if ann.status == SUGGESTED and status != SUGGESTED:
        return replace(ann, status=status, by=by or ann.by, suggested_by=ann.suggested_by or ann.by)
    return replace(ann, status=status)


def kind_of(ann: Annotation) -> type:
    return type(ann)


def slots_settable(cls: type) -> bool:
    """Can ``slot_maker`` build objects of ``cls``: a dataclass with the generated
    ``__init__`` (no ``__post_init__``), every field in it and in a slot?"""
    init = getattr(cls.__init__, "__code__", None)
    return (
        is_dataclass(cls)
        and not hasattr(cls, "__post_init__")
        and init is not None
        and init.co_filename == "<string>"  # made by dataclasses
        and all(f.init and isinstance(cls.__dict__.get(f.name), MemberDescriptorType) for f in fields(cls))
    )


def slot_maker(cls: type, *, keep: str | None = None) -> Callable:
    """A fast constructor for a frozen dataclass with slots: its fields set straight
    into their slots, without ``__init__``'s per-field ``object.__setattr__``.

    With ``keep``: ``f(ann, value)``, a copy of ``ann`` with that field set to
    ``value`` (e.g. the re-anchored span of a moved entity). Only for classes
    without ``__post_init__`` (there is nothing their ``__init__`` checks)."""
    names = tuple(f.name for f in fields(cls))
    if not slots_settable(cls):
        if keep is None:
            return cls
        return lambda ann, value: replace(ann, **{keep: value})
    env = {"_new_": object.__new__, "_cls_": cls, **{f"_set_{n}": cls.__dict__[n].__set__ for n in names}}
    if keep is None:
        head = f"def make({', '.join(names)}):"
        body = [f"    _set_{n}(_o_, {n})" for n in names]
    else:
        head = "def make(_ann_, _value_):"
        body = [f"    _set_{n}(_o_, {'_value_' if n == keep else '_ann_.' + n})" for n in names]
    exec("\n".join([head, "    _o_ = _new_(_cls_)", *body, "    return _o_"]), env)
    return env["make"]
