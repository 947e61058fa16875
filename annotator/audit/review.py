"""Review decisions per suggester."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet
from .selection import suggester_of


@dataclass(slots=True)
class ReviewTally:
    accepted: int = 0
    rejected: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def precision(self) -> float | None:
        """accepted / (accepted + rejected); None before any decision."""
        return self.accepted / self.decided if self.decided else None

    def to_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "precision": self.precision,
        }


def review_counts(asets: Iterable[AnnotationSet], by: str | None = None) -> dict[str, ReviewTally]:
    """Per suggester, its suggestions accepted, rejected and still pending (every kind of annotation)."""
    out: dict[str, ReviewTally] = {}
    for aset in asets:
        for ann in aset.all():
            name = suggester_of(ann)
            if not name or (by is not None and name != by):
                continue
            t = out.get(name)
            if t is None:
                t = out[name] = ReviewTally()
            if ann.status == ACCEPTED:
                t.accepted += 1
            elif ann.status == REJECTED:
                t.rejected += 1
            elif ann.status == SUGGESTED:
                t.pending += 1
    return dict(sorted(out.items()))
