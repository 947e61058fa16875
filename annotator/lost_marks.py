"""Which spans of an annotation are marked lost, without importing ``reanchor``.

The one place of the rule: ``reanchor`` and the mark index import ``LOST``,
``lost_parts`` and ``is_lost`` from here. ``lost_of`` needs ``reanchor.Lost``:
it imports ``reanchor`` (with ``reanchor_place``: ~3 ms of the app's start) only
when the annotation carries a lost mark, which most never do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Attribution, Entity, Event, Span

if TYPE_CHECKING:
    from .model import Annotation
    from .reanchor import Lost

#: the attrs key that marks lost spans
LOST = "lost"


def lost_parts(ann: Annotation) -> tuple[str, ...]:
    """The parts of an annotation marked lost in its attrs."""
    flag = ann.attrs.get(LOST) if ann.attrs else None
    if not flag:
        return ()
    if isinstance(ann, Entity):
        return ("span",)
    if isinstance(ann, Event):
        return ("trigger",)
    if isinstance(ann, Attribution):
        if flag is True:
            return tuple(p for p in ("source", "cue", "content") if isinstance(getattr(ann, p), Span))
        if isinstance(flag, (list, tuple)):
            return tuple(p for p in ("source", "cue", "content") if p in flag)
    return ()


def is_lost(ann: Annotation) -> bool:
    return bool(lost_parts(ann))


def lost_of(ann: Annotation) -> list[Lost]:
    """The lost spans of one annotation (as marked in its attrs)."""
    if not (ann.attrs and ann.attrs.get(LOST)):
        return []
    from .reanchor import lost_of as of

    return of(ann)
