"""The annotation list's rows as they were kept before ``widgets.Rows`` (a sorted
list of key tuples and a dict by id): kept to compare with (test_widgets_rows)."""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Iterable

from annotator.model import Annotation, AnnotationSet, Relation
from annotator.reanchor import lost_parts


def position(ann: Annotation) -> int:
    if isinstance(ann, Relation):
        return 1 << 60
    return ann.start


def key(ann: Annotation) -> tuple[int, int, str]:
    if ann.attrs and lost_parts(ann):  # not on the article: listed first
        return (-1, 0, ann.id)
    return (position(ann), getattr(ann, "end", 0) if not isinstance(ann, Relation) else 0, ann.id)


def rows_of(aset: AnnotationSet) -> tuple[list, dict]:
    keys = [key(a) for a in aset.all()]
    keys.sort()
    return keys, {k[2]: k for k in keys}


class OldRows:
    def __init__(self, aset: AnnotationSet) -> None:
        self.aset = aset
        self._keys, self._key_of = rows_of(aset)

    def update_ids(self, ids: Iterable[str]) -> None:
        for ann_id in ids:
            old = self._key_of.pop(ann_id, None)
            if old is not None:
                i = bisect_left(self._keys, old)
                if i < len(self._keys) and self._keys[i] == old:
                    del self._keys[i]
            ann = self.aset.get(ann_id)
            if ann is not None:
                k = key(ann)
                insort(self._keys, k)
                self._key_of[ann_id] = k

    def row_of(self, ann_id: str) -> int | None:
        k = self._key_of.get(ann_id)
        if k is None:
            return None
        return bisect_left(self._keys, k)
