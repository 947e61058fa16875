"""A set as the plain data its file reads back as, without writing or parsing it.

``plain(aset)`` is what reading ``dumps(aset)`` parses to (the writer writes
every scalar so that it reads back as the very same value), so the checker can
look at a set about to be written as it will look at the file: ``problems``
runs the same checks as ``read(path, text=dumps(aset), ...)``, without the cost
of the text (``annotator merge`` checks every gold file before writing it).
The only difference: a problem names no line (the file does not exist yet).
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from ..model import ACCEPTED, AnnotationSet, Document, Ref, Span
from . import writer
from .scalars import _sort_key_of_attr
from .tree import Tree


def _span(span: Span) -> dict:
    fr = span.fragments
    if len(fr) == 1:
        return {"start": fr[0][0], "end": fr[0][1], "text": span.text}
    return {"fragments": [[s, e] for s, e in fr], "text": span.text}


def _value(value: Any, depth: int = 0) -> Any:
    """An ``attrs`` value as the writer's flow style reads back (``scalars.flow``)."""
    if depth > 50:
        raise ValueError("attrs nest too deeply")
    if value is None or value is True or value is False or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        out = {}
        for k in sorted(value, key=_sort_key_of_attr):
            if not isinstance(k, str):
                raise TypeError(f"attrs keys must be strings, not {k!r}")
            out[k] = _value(value[k], depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_value(v, depth + 1) for v in value]
    raise TypeError(f"cannot write {type(value).__name__} in attrs: {value!r}")


def _tail(ann: Any, d: dict) -> dict:
    if ann.status != ACCEPTED:
        d["status"] = ann.status
    if ann.by is not None:
        d["by"] = ann.by
    if ann.score is not None:
        d["score"] = ann.score
    if ann.suggested_by is not None:
        d["suggested_by"] = ann.suggested_by
    if ann.attrs:
        d["attrs"] = _value(dict(ann.attrs))
    return d


def plain(aset: AnnotationSet) -> dict:
    """The data ``dumps(aset)`` reads back as (the same keys, values and order)."""
    doc = aset.document
    document: dict = {}
    if doc.path is not None:
        document["path"] = str(doc.path)
    if doc.sha256 is not None:
        document["sha256"] = doc.sha256
    document["length"] = len(doc.text)
    entities = []
    for e in sorted(aset.entities.values(), key=writer._entity_key):
        d = {"id": e.id, "label": e.label}
        d.update(_span(e.span))
        entities.append(_tail(e, d))
    events = []
    for ev in sorted(aset.events.values(), key=writer._event_key):
        d = {"id": ev.id, "type": ev.type, "trigger": _span(ev.trigger),
             "arguments": [{"role": a.role, "ref": a.ref} for a in ev.arguments]}
        events.append(_tail(ev, d))
    attributions = []
    for at in sorted(aset.attributions.values(), key=lambda a: writer._attribution_key(a, aset.entities)):
        d = {"id": at.id}
        if isinstance(at.source, Ref):
            d["source"] = {"ref": at.source.ref}
        elif isinstance(at.source, Span):
            d["source"] = _span(at.source)
        if at.cue is not None:
            d["cue"] = _span(at.cue)
        if at.content is not None:
            d["content"] = _span(at.content)
        if at.type is not None:
            d["type"] = at.type
        attributions.append(_tail(at, d))
    relations = [
        _tail(r, {"id": r.id, "type": r.type, "arg1": r.arg1, "arg2": r.arg2})
        for r in sorted(aset.relations.values(), key=lambda r: (writer.id_number(r.id), r.id))
    ]
    return {
        "format": writer.FORMAT,
        "document": document,
        "entities": entities,
        "events": events,
        "attributions": attributions,
        "relations": relations,
    }


def problems(aset: AnnotationSet, where: str, article: Document, schema=None) -> list[Problem]:
    """What reading ``dumps(aset)`` from ``where`` against ``article`` would find wrong."""
    from .validate import check

    tree = Tree()
    tree.data = plain(aset)
    checker, _ = check(tree, where, article, schema)
    return checker.problems
