"""``suggest.base.merge`` as it was before it was made faster (the reference of
tests/test_suggest_speedups.py)."""

from __future__ import annotations

from typing import Iterable

from annotator.model import (
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
)
from annotator.suggest.base import LOCAL, Proposals, _attribution_key, _Numbers, _rank, by_rule, is_from


def ref_merge(aset: AnnotationSet, proposals: Proposals | Iterable[Annotation], by: str) -> list[Annotation]:
    """The new suggestions among ``proposals``: fresh IDs, status suggested, ``by``
    (``by:RULE`` when a proposal names its rule in its own ``by``).

    ``aset`` is not changed. See the module docstring for what counts as new.
    """
    anns = proposals.annotations if isinstance(proposals, Proposals) else list(proposals)
    numbers = _Numbers(aset)
    new: list[Annotation] = []
    resolved: dict[str, str | None] = {}  # local id -> final id (None: dropped)
    local_spans: dict[str, Span] = {}  # local entity id -> its span (for sources)

    # Entities ------------------------------------------------------------------
    same_label: dict[tuple[Fragments, str], Entity] = {}
    decided: dict[Fragments, Entity] = {}  # accepted first, else rejected
    mine: dict[Fragments, Entity] = {}  # pending suggestions of this suggester
    for e in aset.entities.values():
        key = (e.fragments, e.label)
        old = same_label.get(key)
        if old is None or _rank(e) < _rank(old):
            same_label[key] = e
        if e.status != SUGGESTED:
            old = decided.get(e.fragments)
            if old is None or (old.status == REJECTED and e.status == ACCEPTED):
                decided[e.fragments] = e
        elif is_from(e.by, by):
            mine.setdefault(e.fragments, e)

    busy = {e.fragments for e in aset.entities.values()}  # every span any blocker can be on
    n = numbers.next["T"]
    rule_by: dict[str | None, str] = {}  # a proposal's rule -> the suggestion's by
    for p in anns:
        if type(p) is not Entity:
            continue
        span = p.span
        local_spans[p.id] = span
        frags = span.fragments
        if frags in busy:
            blockers = [b for b in (same_label.get((frags, p.label)), decided.get(frags), mine.get(frags)) if b]
            if blockers:
                usable = [b for b in blockers if b.status != REJECTED]
                resolved[p.id] = usable[0].id if usable else None
                continue
        who = rule_by.get(p.by)
        if who is None:
            who = rule_by[p.by] = by_rule(by, p.by)
        ent = Entity(f"T{n}", p.label, span, SUGGESTED, who, p.score, None, p.attrs)
        n += 1
        resolved[p.id] = ent.id
        same_label[(frags, ent.label)] = ent
        mine[frags] = ent
        busy.add(frags)
        new.append(ent)
    numbers.next["T"] = n

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
        elif is_from(ev.by, by):
            ev_mine.add(ev.trigger.fragments)
    for p in anns:
        if not isinstance(p, Event):
            continue
        frags = p.trigger.fragments
        if (frags, p.type) in ev_same or frags in ev_decided or frags in ev_mine:
            resolved[p.id] = None
            continue
        args: list[Argument] = []
        seen: set[tuple[str, str]] = set()
        for a in p.arguments:
            r = ref(a.ref)
            if r is not None and (a.role, r) not in seen:
                seen.add((a.role, r))
                args.append(Argument(a.role, r))
        ev = Event(numbers.take("E"), p.type, p.trigger, tuple(args), SUGGESTED, by_rule(by, p.by), p.score, None, p.attrs)
        resolved[p.id] = ev.id
        ev_same.add((frags, ev.type))
        ev_mine.add(frags)
        new.append(ev)

    # Attributions ----------------------------------------------------------------
    at_keys: set[tuple[str, Fragments]] = set()
    for at in aset.attributions.values():
        k = _attribution_key(at)
        if k is not None:
            at_keys.add(k)
    for p in anns:
        if not isinstance(p, Attribution):
            continue
        k = _attribution_key(p)
        if k is None or k in at_keys:
            resolved[p.id] = None
            continue
        source = p.source
        if isinstance(source, Ref):
            r = ref(source.ref)
            if r is not None:
                source = Ref(r)
            else:
                # The entity was rejected (or never proposed): keep the words, not the link.
                source = local_spans.get(source.ref)
        at = Attribution(
            numbers.take("A"), source, p.cue, p.content, p.type, SUGGESTED, by_rule(by, p.by), p.score, None, p.attrs
        )
        resolved[p.id] = at.id
        at_keys.add(k)
        new.append(at)

    # Relations -------------------------------------------------------------------
    rel_keys = {(r.type, r.arg1, r.arg2) for r in aset.relations.values()}
    for p in anns:
        if not isinstance(p, Relation):
            continue
        a1, a2 = ref(p.arg1), ref(p.arg2)
        if a1 is None or a2 is None or (p.type, a1, a2) in rel_keys:
            resolved[p.id] = None
            continue
        rel = Relation(numbers.take("R"), p.type, a1, a2, SUGGESTED, by_rule(by, p.by), p.score, None, p.attrs)
        rel_keys.add((rel.type, a1, a2))
        new.append(rel)
    return new


