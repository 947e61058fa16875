"""What a suggester is, and how its proposals join an annotation set.

A suggester turns an article (with what is already annotated on it) into
*proposals*: annotations with local IDs (``~T1``, ``~E1``, ...) whose references
point at other proposals or at annotations already in the set. ``merge``
decides which proposals are new and gives those fresh IDs that continue the
set's numbering; it never changes an existing annotation.

Which proposals are new (idempotence; doccano #1951):

- An entity is not proposed when the set already has an entity with the same
  fragments and the same label (any status, any suggester); nor when an accepted
  or rejected entity covers exactly the same fragments with *another* label (a
  person has decided that span: accepting it, relabelling it, or rejecting a
  guess; offering a rival label would undo that decision); nor when the same
  suggester already has a pending suggestion on those fragments (one guess per
  span per suggester, so a re-run after the gazetteer changed does not stack a
  second label).
- An event is not proposed when an event with the same trigger fragments exists
  with the same type, or with any type if it is accepted/rejected, or from the
  same suggester.
- An attribution is not proposed when one with the same cue fragments exists
  (the content's when there is no cue).
- A relation is not proposed when one with the same type and arguments exists.

A proposal that is not proposed because an entity of *another* suggester (or a
person) already has the same fragments and label is not lost: the suggester is
recorded in that entity's ``attrs["also_suggested_by"]`` (a list of ``by``
values), so ``audit --by`` counts the prediction for both suggesters (``Merging.also``:
the pairs that record it; the only change ``merge`` makes to what the set has).

References of a skipped proposal are resolved to what blocked it when that is
an entity a person kept (accepted) or a pending suggestion, so a new suggested
event can use an accepted entity as its argument; a rejected entity is never
used as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol, runtime_checkable

from ..collector import paused_calls
from ..model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Fragments,
    Ref,
    Relation,
    Span,
    slot_maker,
    id_number,
)

#: ``progress(fraction)`` with 0 <= fraction <= 1; a worker may raise from it to cancel.
Progress = Callable[[float], None]

LOCAL = "~"  # prefix of proposal IDs, never used by a saved annotation


@dataclass
class Proposals:
    """What a suggester proposes for one article, before merging."""

    annotations: list[Annotation] = field(default_factory=list)
    #: notes for the user (skipped labels, ...), one line each
    notes: list[str] = field(default_factory=list)

    def add(self, ann: Annotation) -> Annotation:
        self.annotations.append(ann)
        return ann

    def of_kind(self, kind: type) -> list:
        return [a for a in self.annotations if type(a) is kind]


@runtime_checkable
class Suggester(Protocol):
    """Turns an article into proposals. ``name`` is written as ``by`` of each suggestion,
    followed by ``:RULE`` when a proposal's own ``by`` names the rule that made it."""

    name: str

    def propose(self, aset: AnnotationSet, *, progress: Progress | None = None) -> Proposals:
        """Proposals for ``aset.document`` (``aset`` itself is only read)."""
        ...


#: ``fn`` run with the cyclic collector paused: a 1 MB article makes some 200,000
#: small objects and no cycles (a quarter of the time of ``rules`` on 1 MB).
gc_paused = paused_calls


class LocalIds:
    """Hands out proposal IDs: ``~T1``, ``~E1``, ..."""

    def __init__(self) -> None:
        self._n: dict[str, int] = {}

    def __call__(self, prefix: str) -> str:
        n = self._n.get(prefix, 0) + 1
        self._n[prefix] = n
        return f"{LOCAL}{prefix}{n}"

    def skip(self, prefix: str, n: int) -> None:
        """Mark ``~PREFIX1``..``~PREFIXn`` as handed out (a caller numbered them itself)."""
        self._n[prefix] = self._n.get(prefix, 0) + n


# -- who made a suggestion: the suggester and its rule -------------------------------
#
# ``by`` of a suggestion is the suggester's name (``rules``, ``spacy:NAME``,
# ``file:NAME``), followed by ``:RULE`` when the suggester says which of its rules
# or components made it: ``rules:gazetteer``, ``spacy:news:ner``. A plain string,
# so files written before rules were named (``by: rules``) read as they always did,
# and older readers read the new ones. Accepting or rejecting keeps it in
# ``suggested_by``.

#: suggesters whose own name has one ``:ARG`` part (``spacy:NAME``, ``file:NAME``)
_ONE_ARG = ("spacy", "file")


def by_rule(suggester: str, rule: str | None) -> str:
    """The ``by`` of a suggestion: ``suggester`` or ``suggester:rule``."""
    return f"{suggester}:{rule}" if rule else suggester


def split_by(by: str | None) -> tuple[str | None, str | None]:
    """(suggester, rule) of a ``by`` value: ``rules:gazetteer`` -> (``rules``, ``gazetteer``),
    ``spacy:news:ner`` -> (``spacy:news``, ``ner``), ``spacy:news`` -> (``spacy:news``, None),
    ``alice`` -> (``alice``, None)."""
    if not by:
        return by, None
    parts = by.split(":")
    keep = 2 if parts[0] in _ONE_ARG else 1
    if len(parts) <= keep:
        return by, None
    return ":".join(parts[:keep]), ":".join(parts[keep:])


def is_from(by: str | None, suggester: str) -> bool:
    """Was a suggestion with this ``by`` made by ``suggester`` (any of its rules)?"""
    return by == suggester or (by is not None and by.startswith(suggester + ":") and split_by(by)[0] == suggester)


# -- merging ----------------------------------------------------------------------


class _Numbers:
    def __init__(self, aset: AnnotationSet):
        self.next = {
            "T": max((id_number(i) for i in aset.entities), default=0) + 1,
            "E": max((id_number(i) for i in aset.events), default=0) + 1,
            "A": max((id_number(i) for i in aset.attributions), default=0) + 1,
            "R": max((id_number(i) for i in aset.relations), default=0) + 1,
        }

    def take(self, prefix: str) -> str:
        n = self.next[prefix]
        self.next[prefix] = n + 1
        return f"{prefix}{n}"


#: (id, label, span, status, by, score, suggested_by, attrs)
new_entity = slot_maker(Entity)
#: (id, type, trigger, arguments, status, by, score, suggested_by, attrs)
new_event = slot_maker(Event)
#: (fragments, text)
new_span = slot_maker(Span)


@gc_paused
def merge(aset: AnnotationSet, proposals: Proposals | Iterable[Annotation], by: str) -> list[Annotation]:
    """The new suggestions among ``proposals``: fresh IDs, status suggested, ``by``
    (``by:RULE`` when a proposal names its rule in its own ``by``).

    ``aset`` is not changed. See the module docstring for what counts as new
    (``Merging.also``: what this leaves out, existing entities the suggester
    predicted too).
    """
    return merged(Merging(aset, proposals, by))


#: ``attrs`` key of the other suggesters that predicted an entity too (``by`` values)
ALSO_BY = "also_suggested_by"


def also_suggested_by(ann: Annotation) -> list[str]:
    """The suggesters recorded as having predicted ``ann`` too (``ALSO_BY``)."""
    got = ann.attrs.get(ALSO_BY) if ann.attrs else None
    return [x for x in got if isinstance(x, str)] if isinstance(got, list) else []


def with_also_by(ann: Annotation, who: str) -> Annotation:
    """``ann`` recording that ``who`` predicted it too."""
    from dataclasses import replace

    attrs = dict(ann.attrs)
    attrs[ALSO_BY] = [*also_suggested_by(ann), who]
    return replace(ann, attrs=attrs)


def merged(steps) -> list[Annotation]:
    """What ``Merging`` gives, its steps run to the end: ``merge``'s list."""
    for _ in steps:
        pass
    return steps.new


class Merging:
    """``merge`` a step at a time: iterating it merges the entities (the first
    step: ``new`` holds the new entities then), then the rest; ``new`` is the
    whole of ``merge``'s list once done. (`annotator suggest` forks its YAML
    worker between the two: each process finishes the merge on its own.)"""

    def __init__(self, aset: AnnotationSet, proposals: Proposals | Iterable[Annotation], by: str):
        self.new: list[Annotation] = []
        #: (existing entity, it with the suggester in ``ALSO_BY``): what the suggester
        #: predicted that another suggester (or a person) has already, with that label
        self.also: list[tuple[Annotation, Annotation]] = []
        self._steps = _merge_steps(aset, proposals, by, self.new, self.also)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._steps)


def _merge_steps(
    aset: AnnotationSet,
    proposals: Proposals | Iterable[Annotation],
    by: str,
    new: list[Annotation],
    also: list[tuple[Annotation, Annotation]] | None = None,
) -> Iterator[None]:
    anns = proposals.annotations if isinstance(proposals, Proposals) else list(proposals)
    numbers = _Numbers(aset)
    resolved: dict[str, str | None] = {}  # local id -> final id (None: dropped)
    # One pass sorts the proposals by kind (in their order): entities are merged
    # first, so that events and attributions can refer to them.
    p_entities: list[Entity] = []
    p_events: list[Event] = []
    p_attributions: list[Attribution] = []
    p_relations: list[Relation] = []
    for p in anns:
        t = type(p)
        if t is Entity:
            p_entities.append(p)
        elif t is Event or isinstance(p, Event):
            p_events.append(p)
        elif t is Attribution or isinstance(p, Attribution):
            p_attributions.append(p)
        elif t is Relation or isinstance(p, Relation):
            p_relations.append(p)
    rule_by: dict[str | None, str] = {}  # a proposal's rule -> the suggestion's by
    # is_from(x, by) of each ``by`` the set's suggestions hold: a few values among
    # tens of thousands of suggestions (on a second run, 40,000 calls: 0.03 s)
    from_me: dict[str | None, bool] = {}

    def mine_by(x: str | None) -> bool:
        got = from_me.get(x)
        if got is None:
            got = from_me[x] = is_from(x, by)
        return got

    def who(rule: str | None) -> str:
        w = rule_by.get(rule)
        if w is None:
            w = rule_by[rule] = by_rule(by, rule)
        return w

    # Entities ------------------------------------------------------------------
    same_label: dict[tuple[Fragments, str], Entity] = {}
    decided: dict[Fragments, Entity] = {}  # accepted first, else rejected
    mine: dict[Fragments, Entity] = {}  # pending suggestions of this suggester
    busy: set[Fragments] = set()  # every span any blocker can be on
    busy_add = busy.add
    for e in aset.entities.values():  # (one pass, each span's fragments looked up once)
        frags = e.span.fragments
        busy_add(frags)
        key = (frags, e.label)
        old = same_label.get(key)
        if old is None or _rank(e) < _rank(old):
            same_label[key] = e
        if e.status != SUGGESTED:
            old = decided.get(frags)
            if old is None or (old.status == REJECTED and e.status == ACCEPTED):
                decided[frags] = e
        elif mine_by(e.by):
            mine.setdefault(frags, e)

    recorded: dict[str, Annotation] = {}  # existing id -> it with ALSO_BY as recorded so far

    def _also(same: Entity, w: str) -> None:
        """Record that this suggester predicted ``same`` too, unless it made it or
        ``same`` was relabelled (the label it has is then not the one scored)."""
        if same.suggested_label is not None or mine_by(same.suggested_by or same.by if same.status == SUGGESTED or same.suggested_by else None):
            return
        now = recorded.get(same.id, same)
        if any(is_from(x, by) for x in also_suggested_by(now)):
            return
        recorded[same.id] = with_also_by(now, w)

    # the new entity on each span: at most one (it is ``mine`` there, blocking any other),
    # and ``same_label``'s with its label (no entity of the set has that span and label)
    added: dict[Fragments, Entity] = {}
    n = numbers.next["T"]
    make = new_entity
    add_new = new.append
    for p in p_entities:
        span = p.span
        pid = p.id
        frags = span.fragments
        if frags in busy or frags in added:
            ent = added.get(frags)
            same = same_label.get((frags, p.label))
            if same is None and ent is not None and ent.label == p.label:
                same = ent
            blockers = [b for b in (same, decided.get(frags), mine.get(frags) or ent) if b]
            if blockers:
                if same is not None and same is not ent and also is not None:
                    _also(same, who(p.by))
                usable = [b for b in blockers if b.status != REJECTED]
                resolved[pid] = usable[0].id if usable else None
                continue
        rule = p.by
        w = rule_by.get(rule)
        if w is None:
            w = rule_by[rule] = by_rule(by, rule)
        eid = f"T{n}"
        n += 1
        resolved[pid] = eid
        add_new(make(eid, p.label, span, SUGGESTED, w, p.score, None, p.attrs))
        added[frags] = new[-1]
    numbers.next["T"] = n
    if also is not None:
        also.extend((aset.entities[k], v) for k, v in recorded.items())
    yield  # the entities merged

    def ref(r: str) -> str | None:
        if r in resolved:
            return resolved[r]
        if r.startswith(LOCAL):
            return None
        existing = aset.get(r)
        if existing is None or existing.status == REJECTED:
            return None
        return r

    # Events --------------------------------------------------------------------
    ev_same: set[tuple[Fragments, str]] = set()
    ev_decided: set[Fragments] = set()
    ev_mine: set[Fragments] = set()
    for ev in aset.events.values():
        ev_same.add((ev.trigger.fragments, ev.type))
        if ev.status != SUGGESTED:
            ev_decided.add(ev.trigger.fragments)
        elif mine_by(ev.by):
            ev_mine.add(ev.trigger.fragments)
    n = numbers.next["E"]
    make = new_event
    for p in p_events:
        frags = p.trigger.fragments
        if (frags, p.type) in ev_same or frags in ev_decided or frags in ev_mine:
            resolved[p.id] = None
            continue
        args: list[Argument] = []
        if p.arguments:
            seen: set[tuple[str, str]] = set()
            for a in p.arguments:
                r = ref(a.ref)
                if r is not None and (a.role, r) not in seen:
                    seen.add((a.role, r))
                    args.append(a if r == a.ref else Argument(a.role, r))
        eid = f"E{n}"
        n += 1
        ev = make(eid, p.type, p.trigger, tuple(args), SUGGESTED, who(p.by), p.score, None, p.attrs)
        resolved[p.id] = eid
        ev_same.add((frags, ev.type))
        ev_mine.add(frags)
        add_new(ev)
    numbers.next["E"] = n

    # Attributions ----------------------------------------------------------------
    local_spans: dict[str, Span] | None = None  # (made when first needed: a source that went)
    at_keys: set[tuple[str, Fragments]] = set()
    for at in aset.attributions.values():
        k = _attribution_key(at)
        if k is not None:
            at_keys.add(k)
    for p in p_attributions:
        k = _attribution_key(p)
        if k is None or k in at_keys:
            resolved[p.id] = None
            continue
        source = p.source
        if isinstance(source, Ref):
            r = ref(source.ref)
            if r is not None:
                source = source if r == source.ref else Ref(r)
            else:
                # The entity was rejected (or never proposed): keep the words, not the link.
                if local_spans is None:
                    local_spans = {e.id: e.span for e in p_entities}  # local entity id -> its span
                source = local_spans.get(source.ref)
        at = Attribution(
            numbers.take("A"), source, p.cue, p.content, p.type, SUGGESTED, who(p.by), p.score, None, p.attrs
        )
        resolved[p.id] = at.id
        at_keys.add(k)
        add_new(at)

    # Relations -------------------------------------------------------------------
    rel_keys = {(r.type, r.arg1, r.arg2) for r in aset.relations.values()}
    for p in p_relations:
        a1, a2 = ref(p.arg1), ref(p.arg2)
        if a1 is None or a2 is None or (p.type, a1, a2) in rel_keys:
            resolved[p.id] = None
            continue
        rel = Relation(numbers.take("R"), p.type, a1, a2, SUGGESTED, who(p.by), p.score, None, p.attrs)
        rel_keys.add((rel.type, a1, a2))
        add_new(rel)


def _rank(e: Entity) -> int:
    return {ACCEPTED: 0, SUGGESTED: 1, REJECTED: 2}.get(e.status, 3)


def _attribution_key(at: Attribution) -> tuple[str, Fragments] | None:
    if at.cue is not None:
        return ("cue", at.cue.fragments)
    if at.content is not None:
        return ("content", at.content.fragments)
    return None


# -- the two calls the app and the CLI make ------------------------------------------


def suggest_into(aset: AnnotationSet, suggester: Suggester, *, progress: Progress | None = None) -> list[Annotation]:
    """The NEW suggestions of ``suggester`` for ``aset``; ``aset`` is not changed.

    Safe to run in a worker thread on a snapshot (``aset.copy()``). If the set
    changed meanwhile, merge again on the UI thread: ``merge(current, proposals, name)``
    is fast; ``suggester.propose`` is the slow part.
    """
    proposals = suggester.propose(aset, progress=progress)
    new = merge(aset, proposals, suggester.name)
    if progress is not None:
        progress(1.0)
    return new


def apply_suggestions(aset: AnnotationSet, new: Iterable[Annotation]) -> AnnotationSet:
    """A copy of ``aset`` with ``new`` added (what the CLI saves)."""
    out = aset.copy()
    for ann in new:
        table = out.table(type(ann))
        if ann.id in table:
            raise ValueError(f"{ann.id} is already in the set")
        table[ann.id] = ann
    return out


__all__ = [
    "Progress",
    "Proposals",
    "Suggester",
    "LocalIds",
    "merge",
    "ALSO_BY",
    "also_suggested_by",
    "with_also_by",
    "new_entity",
    "new_event",
    "new_span",
    "by_rule",
    "split_by",
    "is_from",
    "suggest_into",
    "apply_suggestions",
]
