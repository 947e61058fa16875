"""N annotators' sets of one article -> one gold set: what enough of them agree on.

Only accepted annotations count. Two annotators agree on an annotation when it is
the same annotation: an entity's label and fragments; an event's type, trigger and
arguments (role and the filler, itself compared the same way); an attribution's
source, cue, content and type, the source by its characters (``model.source_span``:
a span, or the span of the entity it refers to, as ``audit`` and ``agree`` score
it); a relation's type and its two ends. IDs do not matter.

A merged attribution's source is a reference to an entity of the gold (accepted)
when one of the annotators who made it gave its source so; else, when the
attribution is accepted, the span (an entity that is only a candidate may be
rejected, and the source they agreed on would go with it); else (a candidate) as
its first annotator gave it.

What at least ``min_share`` of the annotators who annotated the article agree on
(default: more than half of them) is accepted, ``by: merge``. Everything else is
kept as a *candidate* for adjudication: ``status: suggested``, ``by`` the first
annotator who made it, and on every merged annotation, accepted or not,
``attrs: {merge: {agree: K, of: N, annotators: [...]}}`` (``annotators`` only on
candidates). An annotation that an event, attribution or relation refers to comes
along with it (as a candidate when not accepted itself).

With a ``schema``, every merged event fits its type: an argument whose role the
event's type does not have (an annotator retyped the event and kept it) is taken
off that event and kept on a candidate of the same trigger whose type has the
role (the type another annotator gave that trigger, else one the schema lists the
trigger word for, else the first with the role), ``attrs.merge.split_from``
naming the event it came from; an alternative to it in the adjudication view.
Not kept again when an event of such a type at that trigger already has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from .model import (
    MERGE_ATTR,
    ACCEPTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    slot_maker,
    source_span,
)

MERGE_BY = "merge"
_KIND_ORDER = {Entity: 0, Event: 1, Attribution: 2, Relation: 3}


class _Keys:
    """Content keys of one set's annotations (what "the same annotation" means)."""

    def __init__(self, aset: AnnotationSet):
        self.aset = aset
        self.memo: dict[str, tuple] = {}
        self.busy: set[str] = set()

    def of_id(self, ann_id: str) -> tuple:
        key = self.memo.get(ann_id)
        if key is not None:
            return key
        ann = self.aset.get(ann_id)
        if ann is None or ann_id in self.busy:
            return ("?", ann_id)
        self.busy.add(ann_id)
        try:
            key = self.of(ann)
        finally:
            self.busy.discard(ann_id)
        self.memo[ann_id] = key
        return key

    def of(self, ann: Annotation) -> tuple:
        if isinstance(ann, Entity):
            return ("T", ann.label, ann.span.fragments)
        if isinstance(ann, Event):
            args = tuple(sorted((a.role, self.of_id(a.ref)) for a in ann.arguments))
            return ("E", ann.type, ann.trigger.fragments, args)
        if isinstance(ann, Attribution):
            src = source_span(self.aset, ann)  # a span and an entity on it: the same source
            skey = ("span", src.fragments) if src is not None else ("ref", self.of_id(ann.source.ref)) if isinstance(ann.source, Ref) else None
            return (
                "A",
                skey,
                ann.cue.fragments if ann.cue else None,
                ann.content.fragments if ann.content else None,
                ann.type,
            )
        if isinstance(ann, Relation):
            return ("R", ann.type, self.of_id(ann.arg1), self.of_id(ann.arg2))
        raise TypeError(type(ann))


@dataclass(slots=True)
class _Group:
    key: tuple
    first: Annotation  # as the first annotator who has it made it
    keys: _Keys  # that annotator's keys (to translate its references)
    owner: str
    agree: list[str] = field(default_factory=list)  # annotators who accepted it
    split_from: tuple | None = None  # arguments taken off that group's event (never accepted)
    refs: list | None = None  # an attribution's: (keys, ID) of each source its annotators gave as a reference


@dataclass(slots=True)
class Merged:
    """One article merged: the new set and how much was accepted or left to decide."""

    aset: AnnotationSet
    accepted: int
    candidates: int
    of: int


def accepted_share(agree: int, of: int, min_share: float | None) -> bool:
    """Is ``agree`` of ``of`` enough? Default (None): more than half."""
    if min_share is None:
        return 2 * agree > of
    return agree >= min_share * of - 1e-9


def _position(ann: Annotation) -> tuple:
    return (ann.start, ann.end) if not isinstance(ann, Relation) else (0, 0)


def merge_sets(
    sets: Mapping[str, AnnotationSet],
    document: Document,
    min_share: float | None = None,
    schema=None,
) -> Merged:
    """Merge one article's sets (annotator name -> set) into a new set on ``document``;
    with ``schema``, every event's arguments fit its type (see the module)."""
    from .store.reader import no_gc

    with no_gc():  # many small objects, no cycles
        return _merge(sets, document, min_share, schema)


def _merge(sets, document, min_share, schema) -> Merged:
    names = list(sets)
    of = len(names)
    groups: dict[tuple, _Group] = {}
    get_group = groups.get

    for name in names:
        aset = sets[name]
        keys = _Keys(aset)
        memo = keys.memo
        key_of = keys.of
        entities = aset.entities
        for eid, ann in entities.items():
            key = memo[eid] = ("T", ann.label, ann.span.fragments)  # what ``keys.of_id(eid)`` gives
            if ann.status == ACCEPTED:
                g = get_group(key)
                if g is None:
                    g = groups[key] = _Group(key, ann, keys, name)
                if name not in g.agree:
                    g.agree.append(name)
        for table in (aset.events, aset.attributions, aset.relations):
            for ann in table.values():
                if ann.status != ACCEPTED:
                    continue
                key = key_of(ann)
                g = get_group(key)
                if g is None:
                    g = groups[key] = _Group(key, ann, keys, name)
                if name not in g.agree:
                    g.agree.append(name)
                if type(ann) is Attribution and type(ann.source) is Ref:
                    if g.refs is None:
                        g.refs = []
                    g.refs.append((keys, ann.source.ref))
                for ref in _refs(ann):  # what it refers to comes along
                    target = entities.get(ref)
                    if target is not None:  # an entity refers to nothing: noted alone
                        key = memo[ref]
                        if key not in groups:
                            groups[key] = _Group(key, target, keys, name)
                        continue
                    target = aset.get(ref)
                    if target is not None:
                        _bring(name, keys, target, groups)

    if schema is not None:
        _fit_roles(groups, schema)

    # IDs: by kind, in position order, accepted before candidates at the same place
    # (then by the key's repr: computed only where the rest ties).
    ranked = []
    accepted_keys = set()
    for g in groups.values():
        ok = g.split_from is None and accepted_share(len(g.agree), of, min_share)
        if ok:
            accepted_keys.add(g.key)
        first = g.first
        kind = type(first)
        if kind is Entity:
            fr = first.span.fragments
            pos = (fr[0][0], fr[-1][1])
        elif kind is Event:
            fr = first.trigger.fragments
            pos = (fr[0][0], fr[-1][1])
        else:
            pos = _position(first)
        ranked.append(((_KIND_ORDER[kind], pos, not ok), ok, g))
    ranked.sort(key=_rank)
    ordered = _sorted_with_ties(ranked)
    new_id: dict[tuple, str] = {}
    counters = {Entity: 0, Event: 0, Attribution: 0, Relation: 0}
    prefix = {Entity: "T", Event: "E", Attribution: "A", Relation: "R"}
    for _, _, g in ordered:
        kind = type(g.first)
        n = counters[kind] = counters[kind] + 1
        new_id[g.key] = f"{prefix[kind]}{n}"

    out = AnnotationSet(document)
    accepted = candidates = 0
    tables = {Entity: out.entities, Event: out.events, Attribution: out.attributions, Relation: out.relations}
    for _, ok, g in ordered:
        info: dict = {"agree": len(g.agree), "of": of}
        if not ok:
            info["annotators"] = list(g.agree) or [g.owner]
        if g.split_from is not None:
            info["split_from"] = new_id[g.split_from]
        attrs = {**g.first.attrs, MERGE_ATTR: info} if g.first.attrs else {MERGE_ATTR: info}
        ann = _merged(
            g.first, g.keys, new_id, new_id[g.key],
            ACCEPTED if ok else SUGGESTED,
            MERGE_BY if ok else (g.agree[0] if g.agree else g.owner),
            attrs,
            _merged_source(g, ok, accepted_keys, groups, new_id) if type(g.first) is Attribution else None,
        )
        tables[type(ann)][ann.id] = ann
        if ok:
            accepted += 1
        else:
            candidates += 1
    return Merged(out, accepted, candidates, of)


def _merged_source(g: _Group, ok: bool, accepted_keys: set, groups: dict, new_id: Mapping[tuple, str]):
    """The source of a merged attribution (see the module), or None: as its first
    annotator gave it. The group's annotators may have given one source as a
    span or as a reference to an entity on it (one key, ``_Keys.of``)."""
    best = None
    for keys, ref in g.refs or ():
        k = keys.of_id(ref)
        if k in accepted_keys and (best is None or len(groups[k].agree) > len(groups[best].agree)):
            best = k
    if best is not None:
        return _new_ref(new_id[best])
    if ok and isinstance(g.first.source, Ref):
        return source_span(g.keys.aset, g.first)  # (None, a reference to no entity: as it was)
    return None


def _rank(item: tuple) -> tuple:
    return item[0]


def _fit_roles(groups: dict[tuple, _Group], schema) -> None:
    """Take the arguments whose role is not one of their event's type off it, and
    keep each on a candidate event (same trigger) of a type that has the role."""
    events = [g for g in groups.values() if isinstance(g.first, Event)]
    for g in events:
        ev = g.first
        if not schema.has_event(ev.type):
            continue  # not a type of this schema: nothing to fit it to (the guard names it)
        fits = [schema.has_role(ev.type, a.role) for a in ev.arguments]
        if all(fits):
            continue
        stray = [a for a, fit in zip(ev.arguments, fits) if not fit]
        g.first = replace(ev, arguments=tuple(a for a, fit in zip(ev.arguments, fits) if fit))
        here = sorted(
            (o for o in events if o is not g and o.split_from is None and o.first.trigger.fragments == ev.trigger.fragments),
            key=lambda o: -len(o.agree),
        )
        homes: dict[str, list[Argument]] = {}
        for a in stray:
            filler = g.keys.of_id(a.ref)
            if any((a.role, filler) in o.key[3] and schema.has_role(o.first.type, a.role) for o in here):
                continue  # already on an event of a type that has the role, at this trigger
            home = _home_type(schema, a.role, ev, here)
            if home is not None:
                homes.setdefault(home, []).append(a)
        for home, args in homes.items():
            key = ("E", home, ev.trigger.fragments, tuple(sorted((a.role, g.keys.of_id(a.ref)) for a in args)))
            other = groups.get(key)
            if other is None:
                groups[key] = _Group(key, replace(ev, type=home, arguments=tuple(args)), g.keys, g.owner,
                                     list(g.agree), split_from=g.key)
            elif other.split_from is not None:  # another annotator's retype left the same
                other.agree += [n for n in g.agree if n not in other.agree]


def _home_type(schema, role: str, ev: Event, here: list[_Group]) -> str | None:
    """The type an argument of ``role`` at ``ev``'s trigger belongs to."""
    for o in here:
        if schema.has_role(o.first.type, role):
            return o.first.type
    word = ev.trigger.text.lower()
    with_role = [t for t in schema.event_names if schema.has_role(t, role)]
    for t in with_role:
        if word in (w.lower() for w in schema.event_type(t).triggers):
            return t
    return with_role[0] if with_role else None


def _bring(name, keys, target, groups) -> None:
    """Note a referenced annotation (and what it refers to) without counting it as agreed."""
    stack = [target]
    seen: set[str] = set()
    while stack:
        ann = stack.pop()
        if ann.id in seen:
            continue
        seen.add(ann.id)
        key = keys.of(ann)
        if key not in groups:
            groups[key] = _Group(key, ann, keys, name)
        for ref in _refs(ann):
            t = keys.aset.get(ref)
            if t is not None:
                stack.append(t)


def _refs(ann: Annotation) -> list[str]:
    if isinstance(ann, Event):
        return [a.ref for a in ann.arguments]
    if isinstance(ann, Attribution):
        return [ann.source.ref] if isinstance(ann.source, Ref) else []
    if isinstance(ann, Relation):
        return [ann.arg1, ann.arg2]
    return []


def _sorted_with_ties(ranked: list) -> list:
    """``ranked`` ((rank, ok, group), sorted by rank) with each run of equal rank sorted
    by the group key's repr: the same as sorting by (rank, repr) with a repr for the
    ties only."""
    out: list = []
    i, n = 0, len(ranked)
    while i < n:
        k = ranked[i][0]
        j = i + 1
        while j < n and ranked[j][0] == k:
            j += 1
        if j - i == 1:
            out.append(ranked[i])
        else:
            out.extend(sorted(ranked[i:j], key=lambda item: item[2].key.__repr__()))
        i = j
    return out


def _merged(ann: Annotation, keys: _Keys, new_id: Mapping[tuple, str], ann_id: str, status: str, by: str,
            attrs: dict, source=None) -> Annotation:
    """The merged copy of ``ann``: its new ID, status, ``by`` and attrs, no score or
    suggester, its references naming the merged set's IDs; an attribution's
    ``source`` when given (``_merged_source``)."""

    def ref(old: str) -> str:
        return new_id[keys.of_id(old)]

    if isinstance(ann, Entity):
        return _new_entity(ann_id, ann.label, ann.span, status, by, None, None, attrs)
    if isinstance(ann, Event):
        args = tuple(_new_argument(a.role, ref(a.ref)) for a in ann.arguments)
        return _new_event(ann_id, ann.type, ann.trigger, args, status, by, None, None, attrs)
    if isinstance(ann, Attribution):
        if source is None:
            source = _new_ref(ref(ann.source.ref)) if isinstance(ann.source, Ref) else ann.source
        return _new_attribution(ann_id, source, ann.cue, ann.content, ann.type, status, by, None, None, attrs)
    if isinstance(ann, Relation):
        return _new_relation(ann_id, ann.type, ref(ann.arg1), ref(ann.arg2), status, by, None, None, attrs)
    raise TypeError(type(ann))


#: The model's constructors without ``__init__``'s per-field ``object.__setattr__`` (``model.slot_maker``).
_new_entity = slot_maker(Entity)
_new_event = slot_maker(Event)
_new_argument = slot_maker(Argument)
_new_ref = slot_maker(Ref)
_new_attribution = slot_maker(Attribution)
_new_relation = slot_maker(Relation)


def names_of(paths: Sequence[str], files: Mapping[str, Iterable] | None = None) -> list[str]:
    """The annotators' names for their folders (``merge``'s ``by`` and
    ``attrs.merge.annotators``, ``agree``'s labels): the person a folder's files
    record (``files``: each path's annotation files, or their sets: ``people``),
    else the shortest end of its path that tells it apart from the others
    (``folder_names``: ``alice/annotations`` and ``bob/annotations`` are ``alice``
    and ``bob``). Two folders that record the same person are named by their folders."""
    named = [people(files[p]) if files is not None and p in files else None for p in paths]
    folders = folder_names(paths)
    out = [n if n is not None and named.count(n) == 1 else f for n, f in zip(named, folders)]
    if len(set(out)) < len(out):  # a folder named as another's person: the paths as given
        out = [o if out.count(o) == 1 else str(p) for o, p in zip(out, paths)]
    return out


def people(files: Iterable) -> str | None:
    """The person who made most of the accepted annotations of ``files`` (annotation
    files, or sets read from them; of many files, ``SAMPLE_FILES`` spread over them),
    when one did (more than half of those that name a person: a rule, a model or
    ``merge`` names none), else None. A file that cannot be read is passed over
    (reading it for its annotations says what is wrong)."""
    from collections import Counter

    from .model import is_suggester

    votes: Counter = Counter()
    for item in _spread(list(files), SAMPLE_FILES):
        votes.update(item_bys(item) if not hasattr(item, "entities") else _set_bys(item))
    votes = Counter({by: n for by, n in votes.items() if by and by != MERGE_BY and not is_suggester(by)})
    if not votes:
        return None
    (name, n), = votes.most_common(1)
    return name if 2 * n > sum(votes.values()) else None


#: files of a folder read for its annotator's name (``people``), spread over it: a
#: name, not a count, and merge reads every file again for its annotations
SAMPLE_FILES = 25


def _spread(items: list, n: int) -> list:
    """``n`` of ``items`` spread evenly over them (the first and the last among them), or all."""
    if len(items) <= n:
        return items
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def _set_bys(aset) -> Iterable[str | None]:
    for table in (aset.entities, aset.events, aset.attributions, aset.relations):
        for ann in table.values():
            if ann.status == ACCEPTED:
                yield ann.by


def item_bys(path) -> list[str | None]:
    """The ``by`` of each accepted annotation of an annotation file, from its parsed
    text alone (no article read, nothing checked); [] when it cannot be read."""
    from pathlib import Path

    from .errors import InputError
    from .store.files import read_yaml_text
    from .store.reader import parse

    try:
        tree, problem = parse(read_yaml_text(Path(path)), str(path))
    except (InputError, OSError, ValueError, RecursionError):
        return []
    data = getattr(tree, "data", None)
    if problem is not None or not isinstance(data, dict):
        return []
    out = []
    for section in ("entities", "events", "attributions", "relations"):
        items = data.get(section)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and item.get("status", ACCEPTED) == ACCEPTED:
                by = item.get("by")
                out.append(by if isinstance(by, str) else None)
    return out


def folder_names(paths: Sequence[str]) -> list[str]:
    """The shortest end of each folder's path that tells it apart from the others,
    once the end they all share is left out (``../A/annotations``, ``../B/annotations``:
    ``A``, ``B``; ``gold``, ``pred``: themselves); the path as given for a folder
    given twice (the same folder by two paths)."""
    from pathlib import Path

    def parts_of(p: str) -> tuple[str, ...]:
        try:
            full = Path(p).resolve()
        except (OSError, RuntimeError):
            full = Path(p).absolute()
        return tuple(x for x in full.parts if x not in ("/", full.anchor)) or (str(p),)

    parts = [parts_of(p) for p in paths]
    shared = 0  # the end they all share
    while len(paths) > 1 and all(len(x) > shared + 1 for x in parts) and len({x[len(x) - shared - 1] for x in parts}) == 1:
        shared += 1
    ends = [x[: len(x) - shared] for x in parts]
    out = []
    for i, mine in enumerate(ends):
        others = [e for j, e in enumerate(ends) if j != i]
        if mine in others:
            out.append(str(paths[i]))
            continue
        k = 1
        while k < len(mine) and any(e[-k:] == mine[-k:] for e in others):
            k += 1
        out.append("/".join(mine[-k:]))
    return out
