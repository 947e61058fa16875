"""Character ranges the article view paints over its marks (find matches, the
parts of the focused annotation, the audit's layers), and the difference
between two selections: which characters to repaint."""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterable, Union

from ..marks import Mark

Range = tuple[int, int]
RangeLike = Union[Range, Mark]


def span(r: RangeLike) -> Range:
    if isinstance(r, Mark):
        return r.start, r.end
    return int(r[0]), int(r[1])


class Ranges:
    """Sorted character ranges that may overlap, queried by range."""

    __slots__ = ("spans", "starts", "longest")

    def __init__(self, ranges: Iterable[RangeLike] = ()):
        self.spans = sorted(span(r) for r in ranges)
        self.starts = [s for s, _e in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def __bool__(self) -> bool:
        return bool(self.spans)

    def overlapping(self, start: int, end: int) -> list[Range]:
        lo = bisect_left(self.starts, start - self.longest)
        hi = bisect_left(self.starts, end)
        return [sp for sp in self.spans[lo:hi] if sp[1] > start]


def difference(old: Range | None, new: Range | None) -> list[Range]:
    """The characters whose selected-ness changed between two selections."""
    if old is None and new is None:
        return []
    if old is None:
        return [new]  # type: ignore[list-item]
    if new is None:
        return [old]
    if old[1] <= new[0] or new[1] <= old[0]:
        return [old, new]
    out = []
    if old[0] != new[0]:
        out.append((min(old[0], new[0]), max(old[0], new[0])))
    if old[1] != new[1]:
        out.append((min(old[1], new[1]), max(old[1], new[1])))
    return out
