"""Disagreements between two sides, for showing (and adjudicating) in the article.

Every layer: entities (``disagreements``), events (``event_disagreements``:
trigger, type, each argument role) and attributions
(``attribution_disagreements``: the whole, and each of source, cue, content,
type); and the candidates a merge left in one gold file (``candidates``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..model import AnnotationSet, Span, is_candidate, merge_info, source_span
from .selection import is_gold, predicted_as, predicted_filter

MATCH, MISSED, SPURIOUS, WRONG_LABEL, PARTIAL = "match", "missed", "spurious", "wrong_label", "partial"
#: an event argument role whose fillers differ; an attribution part that differs; a merge candidate
ARGUMENT, PART, CANDIDATE = "argument", "part", "candidate"
_KIND_ORDER = {MATCH: 0, WRONG_LABEL: 1, PARTIAL: 2, MISSED: 3, SPURIOUS: 4, ARGUMENT: 5, PART: 6, CANDIDATE: 7}
ENTITY, EVENT, ATTRIBUTION, RELATION = "entity", "event", "attribution", "relation"
LAYER_ORDER = {ENTITY: 0, EVENT: 1, ATTRIBUTION: 2, RELATION: 3}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One gold entity and/or one predicted entity, and how they compare.

    ``kind``: match (same span and label), wrong_label (same span), partial
    (overlapping spans; the labels may differ too), missed (gold only), spurious
    (prediction only).
    """

    kind: str
    gold_id: str | None
    pred_id: str | None
    gold_span: Span | None
    pred_span: Span | None
    gold_label: str | None
    pred_label: str | None
    #: entity, event or attribution (relation: candidates only)
    layer: str = ENTITY
    #: an event argument's role; an attribution's part (source, cue, content, type)
    part: str | None = None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.gold_span, self.pred_span) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.gold_span, self.pred_span) if s is not None)

    @property
    def agrees(self) -> bool:
        return self.kind == MATCH


def _spans_overlap(a: Span, b: Span) -> bool:
    return any(b.overlaps(s, e) for s, e in a.fragments)


def disagreements(gold: AnnotationSet, pred: AnnotationSet, by: str | None = None) -> list[Disagreement]:
    """Pair the gold entities with the predicted ones, best pairs first, sorted by position.

    Same selection as ``score_entities`` (gold: accepted; predicted: accepted or
    suggested, or all of ``by``'s). Passing one set twice with ``by`` compares a
    file's accepted entities with one suggester's output.
    """
    golds = sorted((e for e in gold.entities.values() if is_gold(e)), key=lambda e: (e.start, e.end))
    keep = predicted_filter(by)
    as_pred = predicted_as(keep)  # (a relabelled suggestion: as it was suggested)
    preds = sorted((as_pred(e) for e in pred.entities.values() if keep(e)), key=lambda e: (e.start, e.end))
    g_used = [False] * len(golds)
    p_used = [False] * len(preds)
    out: list[Disagreement] = []

    def pair(kind: str, gi: int, pi: int) -> None:
        g, p = golds[gi], preds[pi]
        g_used[gi] = p_used[pi] = True
        out.append(Disagreement(kind, g.id, p.id, g.span, p.span, g.label, p.label))

    # 1. same span and label, 2. same span.
    for kind, key in ((MATCH, lambda e: (e.span.fragments, e.label)), (WRONG_LABEL, lambda e: e.span.fragments)):
        index: dict = {}
        for gi, g in enumerate(golds):
            if not g_used[gi]:
                index.setdefault(key(g), []).append(gi)
        for pi, p in enumerate(preds):
            if p_used[pi]:
                continue
            waiting = index.get(key(p))
            if waiting:
                pair(kind, waiting.pop(0), pi)
    # 3. overlapping spans: the closest unmatched gold.
    starts = [g.start for g in golds]
    longest = max((g.end - g.start for g in golds), default=0)
    for pi, p in enumerate(preds):
        if p_used[pi]:
            continue
        lo = bisect_right(starts, p.start - longest - 1)
        hi = bisect_left(starts, p.end)
        best, best_dist = -1, 0
        for gi in range(lo, hi):
            g = golds[gi]
            if g_used[gi] or not _spans_overlap(g.span, p.span):
                continue
            dist = abs(g.start - p.start) + abs(g.end - p.end)
            if best < 0 or dist < best_dist:
                best, best_dist = gi, dist
        if best >= 0:
            pair(PARTIAL, best, pi)
    for gi, g in enumerate(golds):
        if not g_used[gi]:
            out.append(Disagreement(MISSED, g.id, None, g.span, None, g.label, None))
    for pi, p in enumerate(preds):
        if not p_used[pi]:
            out.append(Disagreement(SPURIOUS, None, p.id, None, p.span, None, p.label))
    out.sort(key=lambda d: (d.start, d.end, _KIND_ORDER[d.kind], d.gold_id or "", d.pred_id or ""))
    return out


# ---------------------------------------------------------------------------
# Events and attributions
# ---------------------------------------------------------------------------


def _joined(text: str, spans) -> Span | None:
    """One span covering the fragments of ``spans`` (None when there are none)."""
    frags = [f for sp in spans if sp is not None for f in sp.fragments]
    return Span.from_fragments(text, frags) if frags else None


def _entity_key(aset: AnnotationSet, ref: str) -> tuple:
    """What an argument filler or a source entity is, across sets: label and fragments."""
    e = aset.entities.get(ref)
    return ("?", ref) if e is None else (e.label, e.span.fragments)


def _pair_by_span(golds: list, preds: list, span_of, label_of) -> list[tuple[str, object, object]]:
    """(kind, gold, pred) pairs: same span and label (match), same span (wrong
    label), overlapping spans (partial, the closest); then the unpaired ones."""
    out: list[tuple[str, object, object]] = []
    g_left = list(golds)
    p_left = list(preds)
    for kind, key in (
        (MATCH, lambda a: (span_of(a).fragments, label_of(a))),
        (WRONG_LABEL, lambda a: span_of(a).fragments),
    ):
        index: dict = {}
        for g in g_left:
            index.setdefault(key(g), []).append(g)
        rest = []
        for p in p_left:
            waiting = index.get(key(p))
            if waiting:
                g = waiting.pop(0)
                g_left.remove(g)
                out.append((kind, g, p))
            else:
                rest.append(p)
        p_left = rest
    rest = []
    for p in p_left:
        ps = span_of(p)
        near = [g for g in g_left if _spans_overlap(span_of(g), ps)]
        if near:
            g = min(near, key=lambda g: abs(span_of(g).start - ps.start) + abs(span_of(g).end - ps.end))
            g_left.remove(g)
            out.append((PARTIAL, g, p))
        else:
            rest.append(p)
    out += [(MISSED, g, None) for g in g_left]
    out += [(SPURIOUS, None, p) for p in rest]
    return out


def _sorted(out: list[Disagreement]) -> list[Disagreement]:
    out.sort(key=lambda d: (d.start, d.end, LAYER_ORDER[d.layer], _KIND_ORDER[d.kind], d.part or "", d.gold_id or "", d.pred_id or ""))
    return out


def event_disagreements(gold: AnnotationSet, pred: AnnotationSet, by: str | None = None) -> list[Disagreement]:
    """Pair the gold events with the predicted ones by trigger (as entities by
    span, the type as the label); on each pair, every argument role whose
    fillers (label and span of the entities) differ is one ``ARGUMENT``
    disagreement, drawn on the fillers."""
    text = gold.document.text
    keep = predicted_filter(by)
    as_pred = predicted_as(keep)  # (a relabelled suggestion: as it was suggested)
    golds = sorted((e for e in gold.events.values() if is_gold(e)), key=lambda e: (e.start, e.end, e.id))
    preds = sorted((as_pred(e) for e in pred.events.values() if keep(e)), key=lambda e: (e.start, e.end, e.id))
    out: list[Disagreement] = []
    for kind, g, p in _pair_by_span(golds, preds, lambda e: e.trigger, lambda e: e.type):
        out.append(Disagreement(
            kind, g.id if g else None, p.id if p else None, g.trigger if g else None, p.trigger if p else None,
            g.type if g else None, p.type if p else None, EVENT,
        ))
        if g is None or p is None:
            continue
        roles = sorted({a.role for a in (*g.arguments, *p.arguments)})
        for role in roles:
            g_refs = [a.ref for a in g.arguments if a.role == role]
            p_refs = [a.ref for a in p.arguments if a.role == role]
            if sorted(_entity_key(gold, r) for r in g_refs) == sorted(_entity_key(pred, r) for r in p_refs):
                continue
            g_ents = [gold.entities[r] for r in g_refs if r in gold.entities]
            p_ents = [pred.entities[r] for r in p_refs if r in pred.entities]
            g_span = _joined(text, [e.span for e in g_ents])
            p_span = _joined(text, [e.span for e in p_ents])
            if g_span is None and p_span is None:
                g_span, p_span = g.trigger, p.trigger
            out.append(Disagreement(
                ARGUMENT, g.id, p.id, g_span, p_span,
                ", ".join(e.label for e in g_ents) or None, ", ".join(e.label for e in p_ents) or None,
                EVENT, role,
            ))
    return _sorted(out)


ATTRIBUTION_PARTS = ("source", "cue", "content", "type")


def _part_value(aset: AnnotationSet, at, part: str):
    if part == "source":
        # (a span and an entity on that span are one source, as audit scores them
        # and merge takes them: ``source_span``; the entity's label is the entity
        # layer's disagreement, not this one's)
        sp = source_span(aset, at)
        return sp.fragments if sp is not None else None
    if part == "type":
        return at.type
    sp = getattr(at, part)
    return sp.fragments if sp is not None else None


def _part_span(aset: AnnotationSet, at, part: str) -> Span | None:
    if part == "source":
        return source_span(aset, at)
    if part == "type":
        return at.content or at.cue
    return getattr(at, part)


def attribution_span(aset: AnnotationSet, at) -> Span | None:
    """Every character of an attribution: source, cue and content."""
    return _joined(aset.document.text, [source_span(aset, at), at.cue, at.content])


def attribution_disagreements(gold: AnnotationSet, pred: AnnotationSet, by: str | None = None) -> list[Disagreement]:
    """Pair the gold attributions with the predicted ones by their content (or
    cue, when there is no content): same content, then overlapping ones. Each
    part of a pair that differs (source, cue, content, type) is one ``PART``
    disagreement; an unpaired attribution is missed or spurious as a whole."""
    keep = predicted_filter(by)
    as_pred = predicted_as(keep)  # (a relabelled suggestion: as it was suggested)
    golds = sorted((a for a in gold.attributions.values() if is_gold(a)), key=lambda a: (a.start, a.end, a.id))
    preds = sorted((as_pred(a) for a in pred.attributions.values() if keep(a)), key=lambda a: (a.start, a.end, a.id))
    mains = {id(a): a.content or a.cue or attribution_span(gold, a) for a in golds}
    mains.update({id(a): a.content or a.cue or attribution_span(pred, a) for a in preds})
    golds = [a for a in golds if mains[id(a)] is not None]
    preds = [a for a in preds if mains[id(a)] is not None]

    def main(a):
        return mains[id(a)]

    out: list[Disagreement] = []
    for kind, g, p in _pair_by_span(golds, preds, main, lambda a: None):
        if g is None or p is None:
            out.append(Disagreement(
                kind, g.id if g else None, p.id if p else None,
                attribution_span(gold, g) if g else None, attribution_span(pred, p) if p else None,
                "attribution" if g else None, "attribution" if p else None, ATTRIBUTION,
            ))
            continue
        differs = [part for part in ATTRIBUTION_PARTS if _part_value(gold, g, part) != _part_value(pred, p, part)]
        if not differs:
            out.append(Disagreement(MATCH, g.id, p.id, main(g), main(p), "attribution", "attribution", ATTRIBUTION))
        for part in differs:
            g_span, p_span = _part_span(gold, g, part), _part_span(pred, p, part)
            if g_span is None and p_span is None:
                g_span, p_span = main(g), main(p)
            gl = g.type if part == "type" else (part if _part_value(gold, g, part) is not None else None)
            pl = p.type if part == "type" else (part if _part_value(pred, p, part) is not None else None)
            out.append(Disagreement(PART, g.id, p.id, g_span, p_span, gl, pl, ATTRIBUTION, part))
    return _sorted(out)


# ---------------------------------------------------------------------------
# Candidates of a merged gold (annotator merge, merge-file)
# ---------------------------------------------------------------------------

def proposers(ann) -> list[str]:
    """Who proposed a candidate."""
    info = merge_info(ann) or {}
    names = info.get("annotators")
    if isinstance(names, list) and names:
        return [str(n) for n in names]
    return [ann.suggested_by or ann.by] if (ann.suggested_by or ann.by) else []


def has_candidates(aset: AnnotationSet) -> bool:
    return any(is_candidate(a) for a in aset.all())


def candidates(aset: AnnotationSet, by: str | None = None) -> list[Disagreement]:
    """Every merge candidate of one set (decided or not), in reading order; with
    ``by``, only those that annotator proposed. A candidate is the "other side"
    (``pred_id``) of a disagreement with nothing in gold."""
    from ..model import Attribution, Entity, Event, Relation

    out: list[Disagreement] = []
    for ann in aset.all():
        if not is_candidate(ann) or (by is not None and by not in proposers(ann)):
            continue
        if isinstance(ann, Entity):
            span, label, layer = ann.span, ann.label, ENTITY
        elif isinstance(ann, Event):
            span, label, layer = ann.trigger, ann.type, EVENT
        elif isinstance(ann, Attribution):
            span, label, layer = attribution_span(aset, ann), "attribution", ATTRIBUTION
        elif isinstance(ann, Relation):
            ends = [aset.entities.get(r) for r in (ann.arg1, ann.arg2)]
            span = _joined(aset.document.text, [e.span for e in ends if e is not None])
            label, layer = ann.type, RELATION
        else:  # pragma: no cover
            continue
        if span is None:
            continue
        out.append(Disagreement(CANDIDATE, None, ann.id, None, span, None, label, layer))
    return _sorted(out)
