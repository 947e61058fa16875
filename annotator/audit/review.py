"""Review decisions per suggester."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, decision_of
from .selection import selects, suggester_of


@dataclass(slots=True)
class ReviewTally:
    accepted: int = 0
    #: rejected, and accepted with another label (``relabelled``: the suggester was wrong)
    rejected: int = 0
    pending: int = 0
    #: of ``rejected``, those accepted after a relabel or retype (``suggested_label``)
    relabelled: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def precision(self) -> float | None:
        """accepted / (accepted + rejected): a relabelled suggestion counts as
        rejected; None before any decision."""
        return self.accepted / self.decided if self.decided else None

    def to_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "pending": self.pending,
            "relabelled": self.relabelled,
            "precision": self.precision,
        }


def review_counts(asets: Iterable[AnnotationSet], by: str | None = None) -> dict[str, ReviewTally]:
    """Per suggester, its suggestions accepted, rejected and still pending (every kind
    of annotation); with ``by``, the suggesters it selects (``selection.selects``)."""
    from ..suggest.base import also_suggested_by

    out: dict[str, ReviewTally] = {}
    for aset in asets:
        for ann in aset.all():
            names = [suggester_of(ann), *(also_suggested_by(ann) if ann.attrs else ())]
            for name in names:
                if name:
                    _count(out, name, ann, by)
    return dict(sorted(out.items()))


def _count(out: dict[str, ReviewTally], name: str, ann, by: str | None) -> None:
    """``review_counts``' count of one suggester's decision on ``ann`` (``name``
    made it, or predicted it too: ``suggest.base.ALSO_BY``)."""
    if by is not None and not selects(by, name):
        return
    t = out.get(name)
    if t is None:
        t = out[name] = ReviewTally()
    if ann.status == SUGGESTED:
        t.pending += 1
        return
    decided = decision_of(ann.status, ann.suggested_label)
    if decided == ACCEPTED:
        t.accepted += 1
    elif decided == REJECTED:
        t.rejected += 1
        if ann.status == ACCEPTED:
            t.relabelled += 1


# ---------------------------------------------------------------------------
# Calibration: are higher scores accepted more often?
# ---------------------------------------------------------------------------
#: Equal-width score bins over [0, 1]; a score outside goes to the nearest end bin.
CALIBRATION_BINS = 10


@dataclass(slots=True)
class ScoreBin:
    low: float
    high: float
    decided: int = 0
    accepted: int = 0
    score_sum: float = 0.0

    @property
    def share(self) -> float | None:
        """Share of the decided suggestions accepted; None when none was decided."""
        return self.accepted / self.decided if self.decided else None

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.decided if self.decided else None

    def to_dict(self) -> dict:
        return {
            "low": self.low,
            "high": self.high,
            "decided": self.decided,
            "accepted": self.accepted,
            "share": self.share,
            "mean_score": self.mean_score,
        }


@dataclass(slots=True)
class Calibration:
    """One suggester's decided, scored suggestions by score bin."""

    bins: list[ScoreBin]

    @property
    def decided(self) -> int:
        return sum(b.decided for b in self.bins)

    @property
    def accepted(self) -> int:
        return sum(b.accepted for b in self.bins)

    @property
    def ece(self) -> float | None:
        """Expected calibration error: the decided-weighted mean of |share accepted - mean score|."""
        n = self.decided
        if not n:
            return None
        return sum(b.decided / n * abs(b.share - b.mean_score) for b in self.bins if b.decided)

    def to_dict(self) -> dict:
        return {"decided": self.decided, "accepted": self.accepted, "ece": self.ece, "bins": [b.to_dict() for b in self.bins]}


def calibration(asets: Iterable[AnnotationSet], by: str | None = None, bins: int = CALIBRATION_BINS) -> dict[str, Calibration]:
    """Per suggester: its accepted and rejected suggestions that carry a ``score``, by
    score bin; with ``by``, the suggesters it selects (``selection.selects``)."""
    out: dict[str, Calibration] = {}
    for aset in asets:
        for ann in aset.all():
            if ann.score is None or ann.status not in (ACCEPTED, REJECTED):
                continue
            name = suggester_of(ann)
            if not name or (by is not None and not selects(by, name)):
                continue
            cal = out.get(name)
            if cal is None:
                cal = out[name] = Calibration([ScoreBin(k / bins, (k + 1) / bins) for k in range(bins)])
            b = cal.bins[min(bins - 1, max(0, int(ann.score * bins)))]
            b.decided += 1
            b.score_sum += ann.score
            if decision_of(ann.status, ann.suggested_label) == ACCEPTED:  # (relabelled: not accepted)
                b.accepted += 1
    return dict(sorted(out.items()))
