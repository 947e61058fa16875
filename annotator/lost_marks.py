"""Which spans of an annotation are marked lost, without importing ``reanchor``.

Most annotations carry no ``lost`` mark: for them the answer needs no more than
a look at their attrs, and ``reanchor`` (with ``reanchor_place``: ~3 ms of the
app's start) is imported only when a mark is there. Same results as
``reanchor.lost_parts`` and ``reanchor.lost_of`` (a test checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Annotation
    from .reanchor import Lost

#: the attr that marks spans lost (``reanchor.LOST``)
LOST = "lost"


def lost_parts(ann: Annotation) -> tuple[str, ...]:
    """The parts of an annotation marked lost in its attrs."""
    if not (ann.attrs and ann.attrs.get(LOST)):
        return ()
    from .reanchor import lost_parts as parts

    return parts(ann)


def lost_of(ann: Annotation) -> list[Lost]:
    """The lost spans of one annotation (as marked in its attrs)."""
    if not (ann.attrs and ann.attrs.get(LOST)):
        return []
    from .reanchor import lost_of as of

    return of(ann)
