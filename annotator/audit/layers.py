"""What each layer is made of, for agreement between annotators.

Only accepted annotations count. Each layer gives, for one annotator's set:

* **items**, matched one to one between two annotators for F1. An item is
  ``(label, anchor, parts)``: two items match *strictly* when all three are equal,
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
  the triggers both annotators marked (same span); marks are the filler spans,
  labelled with the role.
* ``attributions``: the source, cue and content spans (labels ``source``, ``cue``,
  ``content``; a source given as an entity is that entity's span) and the whole
  attribution (label ``attribution``, its three parts together), whose F1 is the
  layer's overall one.
* ``relations``: (type, arg1 span, arg2 span). Tokens do not suit links: the
  coefficients count *linked pairs* instead, every (arg1 span, arg2 span) pair
  that any annotator linked, each annotator's category being the type they gave
  it (the first by name when several) or ``O``.
"""

from __future__ import annotations

from typing import Iterable

from ..model import ACCEPTED, AnnotationSet, Attribution, Entity, Event, Ref, Span

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


def _source(aset: AnnotationSet, at: Attribution) -> Fragments | None:
    if isinstance(at.source, Ref):
        return _ref_span(aset, at.source.ref)
    if isinstance(at.source, Span):
        return at.source.fragments
    return None


def _accepted(table: dict) -> Iterable:
    return (a for a in table.values() if a.status == ACCEPTED)


def items(aset: AnnotationSet, layer: str) -> list[Item]:
    """The layer's items in this set (accepted annotations only)."""
    out: list[Item] = []
    if layer == "entities":
        out = [(e.label, None, (e.span.fragments,)) for e in _accepted(aset.entities)]
    elif layer == "triggers":
        out = [(ev.type, None, (ev.trigger.fragments,)) for ev in _accepted(aset.events)]
    elif layer == "arguments":
        for ev in _accepted(aset.events):
            for arg in ev.arguments:
                where = _ref_span(aset, arg.ref)
                if where is not None:
                    out.append((arg.role, ev.trigger.fragments, (where,)))
    elif layer == "attributions":
        for at in _accepted(aset.attributions):
            parts = (_source(aset, at), at.cue.fragments if at.cue else None, at.content.fragments if at.content else None)
            for label, part in zip(ATTRIBUTION_LABELS, parts):
                if part is not None:
                    out.append((label, None, (part,)))
            out.append((WHOLE_ATTRIBUTION, None, parts))
    elif layer == "relations":
        for rel in _accepted(aset.relations):
            a1, a2 = _ref_span(aset, rel.arg1), _ref_span(aset, rel.arg2)
            if a1 is not None and a2 is not None:
                out.append((rel.type, None, (a1, a2)))
    else:
        raise ValueError(f"unknown layer {layer!r}")
    return out


def anchors(aset: AnnotationSet, layer: str) -> frozenset | None:
    """What an anchored layer's items hang on (the trigger spans), or None."""
    if layer != "arguments":
        return None
    return frozenset(ev.trigger.fragments for ev in _accepted(aset.events))


def marks(layer: str, layer_items: list[Item]) -> list[Mark]:
    """The spans that label tokens (from ``items``), in position order; relations have none (see ``links``)."""
    if layer == "relations":
        return []
    out = [(parts[0], label) for label, _anchor, parts in layer_items if label != WHOLE_ATTRIBUTION]
    out.sort(key=lambda m: (m[0][0][0], m[0][-1][1], m[1]))
    return out


def links(layer_items: list[Item]) -> dict[tuple, str]:
    """Relations: each linked pair of spans and the type given to it (the first by name)."""
    out: dict[tuple, str] = {}
    for label, _anchor, parts in sorted(layer_items, key=lambda it: it[0]):
        out.setdefault(parts, label)
    return out


def labels_of(layer_items: Iterable[Item]) -> set[str]:
    return {it[0] for it in layer_items}
