"""The whole audit of (gold, predicted) pairs: every layer and the review decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..model import AnnotationSet
from .attributions import AttributionScores, score_attributions
from .entities import EntityScores, score_entities
from .events import EventScores, score_events
from .review import Calibration, ReviewTally, calibration, review_counts
from .selection import SuggesterOutput, predicted_filter


@dataclass(slots=True)
class AuditReport:
    articles: list[str]
    entities: EntityScores
    events: EventScores
    attributions: AttributionScores
    review: dict[str, ReviewTally]
    by: str | None = None
    calibration: dict[str, Calibration] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: with ``decided_only``: how many of ``by``'s pending suggestions were left out (else None)
    pending_left_out: int | None = None

    def to_dict(self) -> dict:
        return {
            "articles": list(self.articles),
            "by": self.by,
            "pending_left_out": self.pending_left_out,
            "entities": self.entities.to_dict(),
            "events": self.events.to_dict(),
            "attributions": self.attributions.to_dict(),
            "review": {name: t.to_dict() for name, t in self.review.items()},
            "calibration": {name: c.to_dict() for name, c in self.calibration.items()},
            "notes": list(self.notes),
        }


def audit(
    pairs: Sequence[tuple[AnnotationSet, AnnotationSet]],
    by: str | None = None,
    names: Sequence[str] | None = None,
    notes: Sequence[str] = (),
    decided_only: bool = False,
) -> AuditReport:
    """Score every layer over (gold, predicted) pairs; review decisions come from the gold sets.

    ``decided_only`` (with ``by``; a file against its own suggestions): ``by``'s
    pending suggestions are not judged yet, so they are left out of the scores
    rather than counted spurious; a note says how many (``pending_left_out``)."""
    pairs = list(pairs)
    keep = predicted_filter(by, decided_only)
    notes = list(notes)
    left_out = None
    if decided_only and isinstance(keep, SuggesterOutput):
        left_out = sum(
            1 for _, p in pairs for table in (p.entities, p.events, p.attributions) for ann in table.values() if keep.pending(ann)
        )
        if left_out:
            notes.append(
                f"{left_out} pending suggestion{'s' if left_out != 1 else ''} of {by!r} left out of the scores "
                "(not accepted or rejected yet)"
            )
    return AuditReport(
        articles=list(names) if names is not None else [str(i + 1) for i in range(len(pairs))],
        entities=score_entities(pairs, pred_keep=keep),
        events=score_events(pairs, pred_keep=keep),
        attributions=score_attributions(pairs, pred_keep=keep),
        review=review_counts((g for g, _ in pairs), by),
        by=by,
        calibration=calibration((g for g, _ in pairs), by),
        notes=notes,
        pending_left_out=left_out,
    )
