"""Three-way merge of one article's annotations (git's base, ours, theirs), annotation by annotation.

Annotations are matched by ID (same kind), and annotations new on both sides by
their span and label (``loose_key``), else by their place alone (``place_key``: two
labels for one span are a disagreement). For each annotation:

* changed on one side only (or the same way on both): that change is taken,
  a deletion included;
* deleted on one side and rejected on the other, or rejected on both: the
  rejection is taken (ours' if both), cleanly: neither side has it in the gold;
* changed differently on both sides (or changed on one and deleted on the
  other): both versions are kept for adjudication, as ``annotator merge`` keeps
  candidates: ``status: suggested``, ``by`` whoever made that version (absent if
  it had none: never the side's name), ``attrs: {merge: {agree: 1, of: 2, side: ours|theirs}}``. Ours keeps the
  ID; theirs takes the next free one;
* new on one side: added; new on both with the same span and label: once (both
  kept, as above, when they differ otherwise); new on both at the same span with
  another label (an event's trigger with another type): both kept, as above. A new ID of theirs that ours
  already uses is renumbered, and theirs' references follow it;
* new on both as one suggestion (each side ran the suggester: the same place,
  label as suggested and suggester, ``_decided``), pending on one side as it was
  suggested and decided on the other (accepted, rejected, relabelled): the
  decision, cleanly, as if the base had held the pending one. Two decisions
  that differ are changes on both sides, kept as above. An entity tagged by hand
  on one side where the other has the same span and label pending as a
  suggestion is that suggestion accepted by the one who tagged it (``by`` them,
  ``suggested_by`` the suggester), as tagging it in the app would be.

An attribution's source is one source whether it is given as a span or as a
reference to an entity on that span (``model.source_span``, as ``merge``, ``agree``
and ``audit`` take it): two versions that differ only so are the same change (new
on both sides, or changed on both), not a conflict, and the result refers to the
entity when it is accepted in the result, else has the span; a side that only
gave the source the other way does not make the other side's change a conflict:
that change is taken, with the first side's way of giving the source when the
other kept the source's characters.

An annotation left referring to one the other side deleted brings it back, marked
the same way; so does an accepted link to one the other side rejected (the
rejected version comes back as a candidate, ``attrs.merge.status: rejected``).
The result always has unique IDs and resolvable references, and no accepted
link to a rejected annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import (
    ACCEPTED,
    MERGE_ATTR,
    PREFIX,
    REJECTED,
    SUGGESTED,
    Annotation,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    id_number,
    is_candidate,
    label_field,
    source_span,
)

KINDS = (Entity, Event, Attribution, Relation)


def loose_key(ann: Annotation) -> tuple:
    """What makes two annotations the same one when their IDs do not say: span and label."""
    if isinstance(ann, Entity):
        return ("T", ann.label, ann.span.fragments)
    if isinstance(ann, Event):
        return ("E", ann.type, ann.trigger.fragments)
    if isinstance(ann, Attribution):
        return ("A", ann.cue.fragments if ann.cue else None, ann.content.fragments if ann.content else None)
    return ("R", ann.type, ann.arg1, ann.arg2)


def place_key(ann: Annotation) -> tuple:
    """Where an annotation is, whatever it says there: two annotations new on both
    sides at one place are one annotation the two annotators disagree on (an entity's
    span, an event's trigger, an attribution's cue and content, a relation's ends)."""
    if isinstance(ann, Entity):
        return ("T", ann.span.fragments)
    if isinstance(ann, Event):
        return ("E", ann.trigger.fragments)
    if isinstance(ann, Attribution):
        return loose_key(ann)
    return ("R", ann.arg1, ann.arg2)


def _refs(ann: Annotation) -> list[str]:
    if isinstance(ann, Event):
        return [a.ref for a in ann.arguments]
    if isinstance(ann, Attribution):
        return [ann.source.ref] if isinstance(ann.source, Ref) else []
    if isinstance(ann, Relation):
        return [ann.arg1, ann.arg2]
    return []


def _remap(ann: Annotation, mapping: dict[str, str]) -> Annotation:
    if not mapping:
        return ann
    m = lambda r: mapping.get(r, r)  # noqa: E731
    if isinstance(ann, Event):
        args = tuple(Argument(a.role, m(a.ref)) for a in ann.arguments)
        return replace(ann, arguments=args) if args != ann.arguments else ann
    if isinstance(ann, Attribution) and isinstance(ann.source, Ref) and ann.source.ref in mapping:
        return replace(ann, source=Ref(m(ann.source.ref)))
    if isinstance(ann, Relation) and (ann.arg1 in mapping or ann.arg2 in mapping):
        return replace(ann, arg1=m(ann.arg1), arg2=m(ann.arg2))
    return ann


def _mark(ann: Annotation, side: str) -> Annotation:
    info: dict = {"agree": 1, "of": 2, "side": side}
    if ann.status != SUGGESTED and ann.status != "accepted":
        info["status"] = ann.status  # e.g. this side had rejected it
    # ``by`` stays what that side had (none if none): the side is told by attrs.merge.side,
    # never by a made-up annotator name.
    return replace(ann, status=SUGGESTED, attrs={**dict(ann.attrs), MERGE_ATTR: info})


@dataclass(slots=True)
class ThreeWay:
    aset: AnnotationSet
    #: annotations kept from both sides for adjudication (pairs, or one side against a deletion)
    conflicts: int
    renumbered: int


def merge3(base: AnnotationSet, ours: AnnotationSet, theirs: AnnotationSet) -> ThreeWay:
    """Merge theirs into ours against base; ours' document is the result's."""
    out = AnnotationSet(ours.document)
    used: dict[type, set[str]] = {k: set(base.table(k)) | set(ours.table(k)) | set(theirs.table(k)) for k in KINDS}
    t_map: dict[str, str] = {}  # theirs' ID -> the result's
    # theirs' new IDs (not in base) -> the result's: what theirs' references mean in
    # ours' IDs when the two sides are compared (both sides' next free ID is the same
    # one: theirs' T3 is not ours' T3). Base IDs stand for the same annotation on
    # both sides, changed or not, so they are compared as they are.
    t_new: dict[str, str] = {}
    from_theirs: set[str] = set()  # result IDs whose annotation came from theirs (its refs need t_map)
    conflicts = renumbered = 0

    def fresh(kind: type) -> str:
        n = max((id_number(i) for i in used[kind]), default=0) + 1
        new = f"{PREFIX[kind]}{n}"
        used[kind].add(new)
        return new

    def put(ann: Annotation, theirs_side: bool) -> None:
        out.table(type(ann))[ann.id] = ann
        if theirs_side:
            from_theirs.add(ann.id)
        else:
            from_theirs.discard(ann.id)

    for kind in KINDS:
        b_tab, o_tab, t_tab = base.table(kind), ours.table(kind), theirs.table(kind)
        for ann_id, b in b_tab.items():
            o, t = o_tab.get(ann_id), t_tab.get(ann_id)
            if o == (t if t is None else _remap(t, t_new)):
                if o is not None:
                    put(o, False)
            elif o == b:
                if t is not None:
                    put(t, True)
            elif t == b:
                if o is not None:
                    put(o, False)
            elif _removed(o) and _removed(t):
                # deleted on one side and rejected on the other (or rejected on both):
                # both removed it from the gold; the rejection is kept (ours' if both),
                # the record that a suggestion was turned down (a suggester learns from it)
                kept = o if o is not None else t
                put(kept, kept is t)
            elif kind is Attribution and (took := _source_given_otherwise(b, o, t, (base, ours, theirs), out, t_map, t_new)):
                put(*took)
            else:  # changed differently on both sides
                conflicts += 1
                if o is not None:
                    put(_mark(o, "ours"), False)
                if t is not None:
                    new_id = ann_id if o is None else fresh(kind)
                    t_map[ann_id] = new_id
                    put(replace(_mark(t, "theirs"), id=new_id), True)
        # New on either side.
        new_ours = {loose_key(a): a for i, a in o_tab.items() if i not in b_tab}
        at_place: dict[tuple, list[Annotation]] = {}
        for ann_id, o in o_tab.items():
            if ann_id not in b_tab:
                put(o, False)
                at_place.setdefault(place_key(o), []).append(o)
        twinned: set[str] = set()  # ours' new annotations matched with one of theirs
        for ann_id, t in t_tab.items():
            if ann_id in b_tab:
                continue
            seen = _remap(t, t_new)  # (compared in ours' IDs; put as it is: its refs follow below)
            twin = new_ours.get(loose_key(seen))
            if twin is None or twin.id in twinned:  # the same place, another label or type
                twin = next((o for o in at_place.get(place_key(seen), ()) if o.id not in twinned), None)
            if twin is not None and not _same(twin, replace(seen, id=twin.id)) and _decided(twin, seen) is None:
                # the same suggestion at that place, decided on one side (relabelled, say), before another there
                twin = next((o for o in at_place.get(place_key(seen), ()) if o.id not in twinned and _decided(o, seen)), twin)
            if twin is not None:
                twinned.add(twin.id)
                t_map[ann_id] = t_new[ann_id] = twin.id
                if _same(twin, replace(seen, id=twin.id)):
                    continue
                decided = _decided(twin, seen)
                if decided is not None:
                    # one suggestion both sides got (each ran the suggester), pending on one
                    # and decided on the other: the decision, as if the base had it pending
                    if decided is seen:
                        put(replace(t, id=twin.id), True)
                    continue
                hand = _tagged_by_hand(twin, seen)
                if hand is not None:
                    # a suggestion pending on one side, the same entity tagged by hand on the
                    # other: the suggestion accepted by that annotator, as tagging it in the app does
                    if hand is seen:
                        put(replace(t, id=twin.id, suggested_by=twin.by, score=twin.score), True)
                    else:
                        put(replace(twin, suggested_by=seen.by, score=seen.score), False)
                    continue
                if kind is Attribution and _same(_says(ours, twin), replace(_says(theirs, t), id=twin.id)):
                    put(_preferred_source(twin, t, ours, out, t_map), False)  # one source, given two ways
                    continue
                conflicts += 1
                put(_mark(twin, "ours"), False)
                new_id = fresh(kind)
                # theirs' version takes a new ID, and theirs' annotations put in the result
                # refer to it (t_map). Compared, theirs' links to it are links to ours'
                # version (t_new) when the two are one suggestion both sides got, decided
                # two ways: as with a suggestion in the base, one annotation both refer to
                t_map[ann_id] = new_id
                if _suggestion(twin) is None or _suggestion(twin) != _suggestion(seen):
                    t_new[ann_id] = new_id
                put(replace(_mark(t, "theirs"), id=new_id), True)
                continue
            if ann_id in o_tab or ann_id in out.table(kind):
                new_id = fresh(kind)
                renumbered += 1
            else:
                new_id = ann_id
            t_map[ann_id] = t_new[ann_id] = new_id
            put(replace(t, id=new_id), True)

    # Theirs' references follow theirs' renumbering.
    for kind in KINDS:
        tab = out.table(kind)
        for ann_id in list(tab):
            if ann_id in from_theirs:
                tab[ann_id] = _remap(tab[ann_id], {k: v for k, v in t_map.items() if k != v})

    # What is still referred to comes back (the other side deleted it).
    changed = True
    while changed:
        changed = False
        for ann in list(out.all()):
            if ann.status == REJECTED:  # not in the gold: its links go (below), nothing comes back for it
                continue
            for ref in _refs(ann):
                if out.get(ref) is not None:
                    continue
                source = (theirs if ann.id in from_theirs else ours, ours, theirs, base)
                back = next((s.get(ref) for s in source if s.get(ref) is not None), None)
                if back is None:
                    continue
                side = "theirs" if ann.id in from_theirs else "ours"
                conflicts += 1
                put(replace(_mark(back, side), id=ref), side == "theirs" and back is theirs.get(ref))
                changed = True
    # Anything still dangling (nowhere to bring it from) loses the link rather than the file.
    for ann in list(out.all()):
        missing = [r for r in _refs(ann) if out.get(r) is None]
        if missing and isinstance(ann, Relation):
            del out.relations[ann.id]
        elif missing:
            out.table(type(ann))[ann.id] = _drop_refs(ann, set(missing))
    # An accepted link to an annotation one side rejected (one rejected the suggested
    # T2, the other made it an argument of an accepted event): neither the rejection
    # nor the link is taken silently (the file would not validate). The rejected
    # annotation comes back as a candidate, marked with the side that rejected it
    # (attrs.merge.status: rejected): accepting it keeps the link, rejecting it drops it.
    for ref in dict.fromkeys(ref for _ann, _what, ref in out.links_to_rejected()):
        back = out.get(ref)
        assert back is not None
        side = "theirs" if ref in from_theirs else "ours"
        conflicts += 1
        put(_mark(back, side), side == "theirs")
    return ThreeWay(out, conflicts, renumbered)


def _removed(ann: Annotation | None) -> bool:
    """Not in the gold on that side: deleted, or rejected."""
    return ann is None or ann.status == REJECTED


def _same(a: Annotation, b: Annotation) -> bool:
    """The same annotation, whoever is named as having made it."""
    return replace(a, by=None) == replace(b, by=None)


def _suggestion(ann: Annotation) -> tuple | None:
    """The suggestion an annotation is, or was before a person decided it: its
    place (``place_key``), the label (an event's or attribution's type) it was
    suggested with, and its suggester; None when no suggester is named."""
    suggester = ann.by if ann.status == SUGGESTED else ann.suggested_by
    if suggester is None:
        return None
    label = ann.suggested_label if ann.suggested_label is not None else getattr(ann, label_field(ann))
    return (place_key(ann), label, suggester)


def _decided(o: Annotation, t: Annotation) -> Annotation | None:
    """Of two annotations new on both sides (``t`` in ours' IDs), the one that
    decided the suggestion the other still has pending, as its suggester made it
    (``status: suggested``, its label unchanged): accepted, rejected, relabelled
    (and accepted), its links changed too maybe. Both sides ran the suggester, so
    the base lacks it; the pending one is what the base would have had, and the
    decision is the one side's change. None when neither is so (two decisions,
    two pending ones that differ, another suggestion)."""
    for pending, decided in ((o, t), (t, o)):
        if pending.status != SUGGESTED or pending.suggested_label is not None:
            continue
        if decided.status == SUGGESTED and decided.suggested_label is None:
            continue  # pending on both sides: not a decision
        key = _suggestion(pending)
        if key is not None and key == _suggestion(decided):
            return decided
    return None


def _tagged_by_hand(o: Annotation, t: Annotation) -> Annotation | None:
    """Of two entities new on both sides with one span and label (``t`` in ours'
    IDs), the one a person tagged by hand (accepted, no suggester) when the other is
    a suggestion still pending as it was made (not a merge's candidate): tagging a
    pending suggestion's span with its label in the app accepts that suggestion,
    so the merge does the same. None otherwise."""
    if not (isinstance(o, Entity) and isinstance(t, Entity)) or loose_key(o) != loose_key(t):
        return None
    for pending, hand in ((o, t), (t, o)):
        if (pending.status == SUGGESTED and pending.by and pending.suggested_label is None
                and not is_candidate(pending)
                and hand.status == ACCEPTED and hand.suggested_by is None and hand.suggested_label is None):
            return hand
    return None


def _says(aset: AnnotationSet, ann: Annotation) -> Annotation:
    """``ann`` as it is compared: an attribution's source as its characters
    (``model.source_span``), so that a span and a reference to an entity on it
    are one source."""
    if type(ann) is Attribution and type(ann.source) is Ref:
        span = source_span(aset, ann)
        if span is not None:
            return replace(ann, source=span)
    return ann


def _source_given_otherwise(b, o, t, sets, out: AnnotationSet, t_map: dict, t_new: dict):
    """An attribution changed on both sides, where the two versions, or one side's
    change, differ only in how the source is given (a span, or a reference to an
    entity on it): what to put, ``(annotation, from theirs)``; None (a conflict) else."""
    if o is None or t is None:
        return None
    base, ours, theirs = sets
    o_says, t_says, b_says = _says(ours, o), _remap(_says(theirs, t), t_new), _says(base, b)
    if o_says == t_says:  # the same change, the source given two ways
        return _preferred_source(o, t, ours, out, t_map), False
    if o_says == b_says:  # ours only gave the source another way: theirs' change
        return (replace(t, source=o.source), False) if t_says.source == o_says.source else (t, True)
    if t_says == b_says:  # theirs only did
        return (replace(o, source=t.source), True) if o_says.source == t_says.source else (o, False)
    return None


def _preferred_source(o: Attribution, t: Attribution, ours: AnnotationSet, out: AnnotationSet, t_map: dict) -> Attribution:
    """Ours' version of an attribution whose source theirs gave another way (the
    same characters), the source being a reference to an entity accepted in the
    result (ours', else theirs', in the result's IDs), else the span."""
    for x, ids in ((o, None), (t, t_map)):
        if isinstance(x.source, Ref):
            ref = x.source.ref if ids is None else ids.get(x.source.ref, x.source.ref)
            target = out.get(ref)
            if target is not None and target.status == ACCEPTED:
                return o if x is o else replace(o, source=Ref(ref))
    if isinstance(o.source, Span):
        return o
    if isinstance(t.source, Span):
        return replace(o, source=t.source)
    span = source_span(ours, o)
    return o if span is None else replace(o, source=span)


def _drop_refs(ann: Annotation, missing: set[str]) -> Annotation:
    if isinstance(ann, Event):
        return replace(ann, arguments=tuple(a for a in ann.arguments if a.ref not in missing))
    return replace(ann, source=None)  # an attribution


__all__ = ["ThreeWay", "loose_key", "merge3", "place_key"]
