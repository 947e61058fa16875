"""What taking a side changes, for events, attributions and merge candidates.

Each function returns ``(label, pairs)``: one ``Session.apply`` step (so one
undo step per decision). Taking the other side of an event or an attribution
brings the entities it refers to: a gold entity with the same label and span is
used when there is one; otherwise the other side's entity is added to the gold
with a new ID, and the references are rewritten to it. No Textual here.
"""

from __future__ import annotations

from dataclasses import replace

from .audit.disagreements import (
    ARGUMENT,
    CANDIDATE,
    MISSED,
    PARTIAL,
    PART,
    SPURIOUS,
    WRONG_LABEL,
    Disagreement,
    is_candidate,
    merge_info,
)
from .model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    id_number,
    label_field,
    with_label,
    with_status,
)
from .session import Pair


class _Bringer:
    """Gold IDs for the other side's entities: an equal gold entity's, or a new one's."""

    def __init__(self, gold: AnnotationSet, pred: AnnotationSet, user: str, source: str | None, next_id=None):
        self.gold, self.pred, self.user, self.source = gold, pred, user, source
        self.pairs: list[Pair] = []
        self.added: list[str] = []
        self._next = id_number((next_id or gold.next_id)(Entity))
        self._by_key = {
            (e.label, e.span.fragments): e.id for e in gold.entities.values() if e.status == ACCEPTED
        }
        self._moved: dict[str, str] = {}

    def ref(self, pred_ref: str) -> str | None:
        if pred_ref in self._moved:
            return self._moved[pred_ref]
        p = self.pred.entities.get(pred_ref)
        if p is None:
            return None
        found = self._by_key.get((p.label, p.span.fragments))
        if found is None:
            found = f"T{self._next}"
            self._next += 1
            new = Entity(found, p.label, p.span, by=self.user, score=p.score, suggested_by=self.source, attrs=dict(p.attrs))
            self.pairs.append((None, new))
            self.added.append(found)
            self._by_key[(p.label, p.span.fragments)] = found
        self._moved[pred_ref] = found
        return found

    def args(self, arguments) -> tuple[Argument, ...]:
        out = []
        for a in arguments:
            r = self.ref(a.ref)
            if r is not None:
                out.append(Argument(a.role, r))
        return tuple(out)

    def source_of(self, at: Attribution):
        src = at.source
        if isinstance(src, Ref):
            r = self.ref(src.ref)
            return Ref(r) if r is not None else None
        return src

    def note(self) -> str:
        return f" (brought {', '.join(self.added)})" if self.added else ""


def _delete(gold: AnnotationSet, ann) -> list[Pair]:
    """Remove ``ann`` and the relations to it (arguments and sources are not links to events)."""
    pairs: list[Pair] = [(ann, None)]
    for other in gold.referrers(ann.id):
        if isinstance(other, Relation):
            pairs.append((other, None))
    return pairs


def take_other_event(
    gold: AnnotationSet, pred: AnnotationSet, d: Disagreement, user: str, source: str | None, next_id=None
) -> tuple[str, list[Pair]]:
    """``next_id``: the session's (``Session.next_id``: never an ID it had), else the gold set's."""
    next_id = next_id or gold.next_id
    g = gold.events.get(d.gold_id) if d.gold_id else None
    p = pred.events.get(d.pred_id) if d.pred_id else None
    if d.kind == MISSED:
        assert g is not None
        return f"deleted event {g.id}", _delete(gold, g)
    b = _Bringer(gold, pred, user, source, next_id)
    if d.kind == SPURIOUS:
        assert p is not None
        new = Event(
            next_id(Event), p.type, p.trigger, b.args(p.arguments),
            by=user, score=p.score, suggested_by=source, attrs=dict(p.attrs),
        )
        return f"added event {new.id} {p.type} from the other side{b.note()}", [*b.pairs, (None, new)]
    assert g is not None and p is not None
    if d.kind in (WRONG_LABEL, PARTIAL):
        new = replace(g, type=p.type, trigger=p.trigger, by=user, suggested_by=source)
        what = f"typed {g.id} as {p.type}" if d.kind == WRONG_LABEL else f"{g.id} took the other trigger"
        return what, [(g, new)]
    if d.kind == ARGUMENT:
        role = d.part
        theirs = b.args(a for a in p.arguments if a.role == role)
        args = tuple(a for a in g.arguments if a.role != role) + theirs
        new = replace(g, arguments=args, by=user, suggested_by=source)
        return f"{g.id} took the other {role}{b.note()}", [*b.pairs, (g, new)]
    raise ValueError(f"not an event disagreement: {d.kind}")


def take_other_attribution(
    gold: AnnotationSet, pred: AnnotationSet, d: Disagreement, user: str, source: str | None, next_id=None
) -> tuple[str, list[Pair]]:
    """``next_id``: as for ``take_other_event``."""
    next_id = next_id or gold.next_id
    g = gold.attributions.get(d.gold_id) if d.gold_id else None
    p = pred.attributions.get(d.pred_id) if d.pred_id else None
    if d.kind == MISSED:
        assert g is not None
        return f"deleted attribution {g.id}", _delete(gold, g)
    b = _Bringer(gold, pred, user, source, next_id)
    if d.kind == SPURIOUS:
        assert p is not None
        new = replace(
            p, id=next_id(Attribution), source=b.source_of(p), status=ACCEPTED,
            by=user, suggested_by=source, attrs=dict(p.attrs),
        )
        return f"added attribution {new.id} from the other side{b.note()}", [*b.pairs, (None, new)]
    if d.kind == PART:
        assert g is not None and p is not None
        part = d.part
        value = b.source_of(p) if part == "source" else getattr(p, part)
        new = replace(g, **{part: value}, by=user, suggested_by=source)
        return f"{g.id} took the other {part}{b.note()}", [*b.pairs, (g, new)]
    raise ValueError(f"not an attribution disagreement: {d.kind}")


def accept_suggestion(gold: AnnotationSet, p, user: str, source: str | None) -> tuple[str, list[Pair]]:
    """One file: accept the suggested event or attribution ``p`` and the suggested
    entities it refers to (the caller removes the gold one it replaces)."""
    pairs: list[Pair] = [(p, replace(p, status=ACCEPTED, by=user, suggested_by=source or p.suggested_by or p.by))]
    brought = []
    for ref in _refs(p):
        e = gold.entities.get(ref)
        if e is not None and e.status == SUGGESTED:
            pairs.append((e, replace(e, status=ACCEPTED, by=user, suggested_by=source or e.suggested_by or e.by)))
            brought.append(e.id)
    what = "event" if isinstance(p, Event) else "attribution"
    return f"accepted {what} {p.id}" + (f" (with {', '.join(brought)})" if brought else ""), pairs


# ---------------------------------------------------------------------------
# Candidates of a merged gold
# ---------------------------------------------------------------------------


def _refs(ann) -> list[str]:
    if isinstance(ann, Event):
        return [a.ref for a in ann.arguments]
    if isinstance(ann, Attribution) and isinstance(ann.source, Ref):
        return [ann.source.ref]
    if isinstance(ann, Relation):
        return [ann.arg1, ann.arg2]
    return []


def _overlap(aset: AnnotationSet, a, b) -> bool:
    from .audit.disagreements import attribution_span

    def span(x):
        if isinstance(x, Entity):
            return x.span
        if isinstance(x, Event):
            return x.trigger
        if isinstance(x, Attribution):
            return attribution_span(aset, x)
        return None

    sa, sb = span(a), span(b)
    if sa is None or sb is None:
        return isinstance(a, Relation) and isinstance(b, Relation) and {a.arg1, a.arg2} & {b.arg1, b.arg2} != set()
    return any(sb.overlaps(s, e) for s, e in sa.fragments)


def _place(ann):
    """Where a candidate stands: two candidates at one place are alternatives."""
    if isinstance(ann, Entity):
        return ("T", ann.span.fragments)
    if isinstance(ann, Event):
        return ("E", ann.trigger.fragments)
    if isinstance(ann, Attribution):
        main = ann.content or ann.cue
        return ("A", main.fragments) if main is not None else None
    return None


def rivals(aset: AnnotationSet, ann) -> list:
    """The open candidates that are alternatives to ``ann``: of a merge-file
    conflict, the other ``side``'s version (same kind, overlapping); of
    ``annotator merge``, the other annotators' versions at the same place
    (an entity's span, an event's trigger, an attribution's content)."""
    info = merge_info(ann) or {}
    side = info.get("side")
    table = aset.table(type(ann)).values()
    if side in ("ours", "theirs"):
        other = "theirs" if side == "ours" else "ours"
        return [
            x for x in table
            if x.id != ann.id and x.status == SUGGESTED and (merge_info(x) or {}).get("side") == other and _overlap(aset, ann, x)
        ]
    place = _place(ann)
    if place is None:
        return []
    return [x for x in table if x.id != ann.id and x.status == SUGGESTED and is_candidate(x) and _place(x) == place]


def redirect_links(aset: AnnotationSet, old: str, new: str) -> list[Pair]:
    """Pairs moving every link to ``old`` onto ``new``."""
    return [(other, _relinked(other, {old}, new)) for other in aset.referrers(old)]


def _relinked(other, olds: set[str], new: str):
    """``other`` (an event, attribution or relation) with its links to any of ``olds`` on ``new``."""
    if isinstance(other, Event):
        return replace(other, arguments=tuple(replace(a, ref=new) if a.ref in olds else a for a in other.arguments))
    if isinstance(other, Attribution):
        return replace(other, source=Ref(new))
    return replace(other, arg1=new if other.arg1 in olds else other.arg1, arg2=new if other.arg2 in olds else other.arg2)


def accept_candidate(aset: AnnotationSet, ann_id: str, user: str, as_label: str | None = None) -> tuple[str, list[Pair]]:
    """Accept a candidate, the suggested annotations it refers to, and reject
    its rivals (``rivals``), in one step; with ``as_label``, the candidate relabelled
    (an entity's label, another annotation's type) as it is accepted."""
    ann = aset.get(ann_id)
    assert ann is not None and is_candidate(ann)
    relabelled = as_label is not None and as_label != getattr(ann, label_field(ann))
    new = with_label(ann, as_label) if relabelled else ann
    pairs: list[Pair] = [(ann, with_status(new, ACCEPTED, user))]
    brought = []
    for ref in _refs(ann):
        part = aset.get(ref)
        if part is not None and part.status == SUGGESTED:
            pairs.append((part, with_status(part, ACCEPTED, user)))
            brought.append(part.id)
    beaten = rivals(aset, ann)
    pairs += [(x, with_status(x, REJECTED, user)) for x in beaten]
    # what linked to a rival (an agreed relation to the entity the two sides
    # labelled differently) links to the version accepted now, not to a rejected one
    olds = {x.id for x in beaten if type(x) is type(ann)}
    done = {b.id for b, _ in pairs}
    for old in sorted(olds):
        for other in aset.referrers(old):
            if other.id not in done:
                done.add(other.id)
                pairs.append((other, _relinked(other, olds, ann_id)))
    label = f"accepted {ann_id}" + (f" as {getattr(new, label_field(new))}" if relabelled else "")
    if brought:
        label += f" with {', '.join(brought)}"
    if beaten:
        label += f"; rejected {', '.join(x.id for x in beaten)}"
    return label, pairs


def reject_candidate(aset: AnnotationSet, ann_id: str, user: str) -> tuple[str, list[Pair]]:
    ann = aset.get(ann_id)
    assert ann is not None and is_candidate(ann)
    return f"rejected {ann_id}", [(ann, with_status(ann, REJECTED, user))]


def candidate_is_open(aset: AnnotationSet, d: Disagreement) -> bool:
    ann = aset.get(d.pred_id) if d.kind == CANDIDATE and d.pred_id else None
    return ann is not None and ann.status == SUGGESTED


__all__ = [
    "redirect_links", "accept_candidate", "accept_suggestion", "candidate_is_open", "reject_candidate", "rivals", "take_other_attribution", "take_other_event",
]
