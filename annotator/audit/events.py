"""Event scores: the ACE measures as Li, Ji and Huang (2013) define them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..model import Annotation, AnnotationSet, ref_span
from .measures import Tally, _multiset_tally
from .selection import is_gold, predicted_as, predicted_filter

EVENT_MEASURES = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
)


@dataclass(slots=True)
class EventScores:
    trigger_identification: Tally = field(default_factory=Tally)
    trigger_classification: Tally = field(default_factory=Tally)
    argument_identification: Tally = field(default_factory=Tally)
    argument_classification: Tally = field(default_factory=Tally)

    def measures(self) -> dict[str, Tally]:
        return {m: getattr(self, m) for m in EVENT_MEASURES}

    @property
    def empty(self) -> bool:
        return not any(t.gold or t.predicted for t in self.measures().values())

    def to_dict(self) -> dict:
        return {m: t.to_dict() for m, t in self.measures().items()}


def _ref_fragments(aset: AnnotationSet, ref: str):
    span = ref_span(aset, ref)
    return span.fragments if span is not None else None


def _event_keys(aset: AnnotationSet, keep: Callable[[Annotation], bool]):
    trig_id: Counter = Counter()
    trig_cls: Counter = Counter()
    arg_id: Counter = Counter()
    arg_cls: Counter = Counter()
    counted = predicted_as(keep)  # (a retyped suggestion: the type it was suggested with)
    for ev in aset.events.values():
        if not keep(ev):
            continue
        ev = counted(ev)
        frags = ev.trigger.fragments
        trig_id[frags] += 1
        trig_cls[(frags, ev.type)] += 1
        for arg in ev.arguments:
            where = _ref_fragments(aset, arg.ref)
            if where is None:
                continue
            arg_id[(ev.type, where)] += 1
            arg_cls[(ev.type, where, arg.role)] += 1
    return trig_id, trig_cls, arg_id, arg_cls


def score_events(
    pairs: Iterable[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    pred_keep: Callable[[Annotation], bool] | None = None,
) -> EventScores:
    keep = pred_keep or predicted_filter(by)
    scores = EventScores()
    tallies = (
        scores.trigger_identification,
        scores.trigger_classification,
        scores.argument_identification,
        scores.argument_classification,
    )
    for gold, pred in pairs:
        if not gold.events and not pred.events:
            continue
        for tally, g, p in zip(tallies, _event_keys(gold, is_gold), _event_keys(pred, keep)):
            _multiset_tally(tally, g, p)
    return scores
