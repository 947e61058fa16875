"""What each layer is made of, for agreement between annotators.

Only accepted annotations count. Each layer gives, for one annotator's set:

* **items**, matched one to one between two annotators for F1. An item is
  ``(label, anchor, parts, position)``: two items match *strictly* when all three are equal,
  and *by overlap* when label and anchor are equal and each part shares a
  character with the other's (an absent part matches an absent part only).
* **marks**, ``(fragments, label)`` in position order, for the token-level
  coefficients: a token takes the label of the first mark covering any of it
  (``O``, "no annotation", when none does), and *carries* every label whose marks
  cover it (the per-label, yes/no coefficients).

The layers:

* ``entities``: an entity's span and label.
* ``triggers``: an event's trigger span and its type.
* ``arguments``: (role, filler span), anchored on the trigger span: scored only on
  the triggers both annotators marked (same span): a pair's F1 and Cohen's kappa on
  the triggers the two of them marked, Fleiss' kappa and Krippendorff's alpha on
  those all of them marked; marks are the filler spans, labelled with the role.
* ``attributions``: the source, cue and content spans (labels ``source``, ``cue``,
  ``content``; a source given as an entity is that entity's span) and the whole
  attribution (label ``attribution``, its three parts together and its type, the
  item's anchor: two attributions match, strictly or by overlap, only with the same
  type, as ``audit`` scores them), whose F1 is the layer's overall one.
* ``relations``: (type, arg1 span, arg2 span). Tokens do not suit links: the
  coefficients count *linked pairs* instead, every (arg1 span, arg2 span) pair
  that any annotator linked, each annotator's category being the type they gave
  it (the first by name when several) or ``O``.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Iterable

from ..model import ACCEPTED, AnnotationSet, Attribution, Entity, Event, source_span

LAYERS = ("entities", "triggers", "arguments", "attributions", "relations")
#: The label of a token (or linked pair) that no annotation covers.
NO_ANNOTATION = "O"
ATTRIBUTION_LABELS = ("source", "cue", "content")
WHOLE_ATTRIBUTION = "attribution"
#: Layers whose overall F1 is one label's (the rest are parts of it).
OVERALL_LABEL = {"attributions": WHOLE_ATTRIBUTION}

Fragments = tuple
Item = tuple  # (label, anchor, parts)
Mark = tuple  # (fragments, label)


def _ref_span(aset: AnnotationSet, ref: str) -> Fragments | None:
    target = aset.get(ref)
    if isinstance(target, Entity):
        return target.span.fragments
    if isinstance(target, Event):
        return target.trigger.fragments
    if isinstance(target, Attribution):
        spans = list(target.spans())
        return spans[0].fragments if spans else None
    return None


def _accepted(table: dict) -> Iterable:
    return (a for a in table.values() if a.status == ACCEPTED)


def _pos(parts: tuple) -> tuple[int, int]:
    """First start and last end of the parts present; (-1, -1) when none is."""
    lo = hi = -1
    for p in parts:
        if p is not None:
            s, e = p[0][0], p[-1][1]
            if lo < 0 or s < lo:
                lo = s
            if hi < 0 or e > hi:
                hi = e
    return (lo, hi)


def items(aset: AnnotationSet, layer: str) -> list[Item]:
    """The layer's items in this set (accepted annotations only), in position order.

    Each is ``(label, anchor, parts, position)``; ``position`` (first start, last
    end) is the parts' extent, kept for ordering."""
    if layer == "entities":
        out = [
            (e.label, None, (f,), (f[0][0], f[-1][1]))
            for e in aset.entities.values() if e.status == ACCEPTED for f in (e.span.fragments,)
        ]
    elif layer == "triggers":
        out = [
            (ev.type, None, (f,), (f[0][0], f[-1][1]))
            for ev in aset.events.values() if ev.status == ACCEPTED for f in (ev.trigger.fragments,)
        ]
    elif layer == "arguments":
        out = []
        span_of = _Spans(aset)
        for ev in _accepted(aset.events):
            anchor = ev.trigger.fragments
            for arg in ev.arguments:
                f = span_of(arg.ref)
                if f is not None:
                    out.append((arg.role, anchor, (f,), (f[0][0], f[-1][1])))
    elif layer == "attributions":
        out = []
        for at in _accepted(aset.attributions):
            src = source_span(aset, at)  # as audit scores it, and merge groups it
            source = src.fragments if src is not None else None
            parts = (source, at.cue.fragments if at.cue else None, at.content.fragments if at.content else None)
            for label, f in zip(ATTRIBUTION_LABELS, parts):
                if f is not None:
                    out.append((label, None, (f,), (f[0][0], f[-1][1])))
            out.append((WHOLE_ATTRIBUTION, at.type, parts, _pos(parts)))  # the type: as an anchor, always compared
    elif layer == "relations":
        out = []
        span_of = _Spans(aset)
        for rel in _accepted(aset.relations):
            a1, a2 = span_of(rel.arg1), span_of(rel.arg2)
            if a1 is not None and a2 is not None:
                out.append((rel.type, None, (a1, a2), _pos((a1, a2))))
    else:
        raise ValueError(f"unknown layer {layer!r}")
    out.sort(key=_order)
    return out


class _Spans:
    """``_ref_span`` with the common case (an entity) first and each answer kept."""

    __slots__ = ("aset", "entities", "memo")

    def __init__(self, aset: AnnotationSet):
        self.aset = aset
        self.entities = aset.entities
        self.memo: dict[str, Fragments | None] = {}

    def __call__(self, ref: str) -> Fragments | None:
        e = self.entities.get(ref)
        if e is not None:
            return e.span.fragments
        memo = self.memo
        if ref not in memo:
            memo[ref] = _ref_span(self.aset, ref)
        return memo[ref]


#: Position, then label (a C-level key: this sort runs on every set of every layer).
_order = itemgetter(3, 0)


def anchors(aset: AnnotationSet, layer: str) -> frozenset | None:
    """What an anchored layer's items hang on (the trigger spans), or None."""
    if layer != "arguments":
        return None
    return frozenset(ev.trigger.fragments for ev in _accepted(aset.events))


def marks(layer: str, layer_items: list[Item]) -> list[Mark]:
    """The spans that label tokens (from ``items``), in position order; relations have none (see ``links``)."""
    if layer == "relations":
        return []
    return [(it[2][0], it[0]) for it in layer_items if it[0] != WHOLE_ATTRIBUTION]


def links(layer_items: list[Item]) -> dict[tuple, str]:
    """Relations: each linked pair of spans and the type given to it (the first by name)."""
    out: dict[tuple, str] = {}
    for it in sorted(layer_items, key=lambda it: it[0]):
        out.setdefault(it[2], it[0])
    return out


def labels_of(layer_items: Iterable[Item]) -> set[str]:
    return {it[0] for it in layer_items}
