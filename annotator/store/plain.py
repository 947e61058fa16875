"""A set as the plain data its file reads back as, without writing or parsing it.

``plain(aset)`` is what reading ``dumps(aset)`` parses to (the writer writes
every scalar so that it reads back as the very same value), so the checker can
look at a set about to be written as it will look at the file: ``problems``
runs the same checks as ``read(path, text=dumps(aset), ...)``, without the cost
of the text (``annotator merge`` checks every gold file before writing it).
The only difference: a problem names no line (the file does not exist yet).

``attrs`` repeat over thousands of annotations (merge's ``{merge: {agree, of}}``):
their plain value is made once per distinct repr (as the writer writes them,
``writer._attrs_flow``) and shared, and the checker looks at each shared value
once (``_Checker.bad_attr``): the checked set is thrown away, nothing changes them.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from ..model import AnnotationSet, Document, Ref, Span, plain_tail
from . import writer
from .scalars import _sort_key_of_attr
from .tree import Tree
from .validate import Checker, bad_attr


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


#: attrs by repr -> (their plain value, why the checker refuses it or None);
#: by the id of a plain value held there -> the same verdict
_ATTRS_CACHE: dict[str, tuple[dict, str | None]] = {}
_VERDICT: dict[int, str | None] = {}


def _attrs(attrs: Any) -> dict:
    """``_value(dict(attrs))``, shared by every ``attrs`` of the same repr."""
    key = repr(attrs)
    got = _ATTRS_CACHE.get(key)
    if got is None:
        value = _value(dict(attrs))
        if len(_ATTRS_CACHE) > 20_000:
            _ATTRS_CACHE.clear()
            _VERDICT.clear()
        got = _ATTRS_CACHE[key] = (value, bad_attr(value, 0))
        _VERDICT[id(value)] = got[1]
    return got[0]


def _tail(ann: Any, d: dict) -> dict:
    return plain_tail(ann, d, _attrs)


def _checked_tail(ann: Any, d: dict) -> dict:
    """``_tail`` for the checker: ``attrs`` it would find nothing wrong with and
    that mark nothing lost are left out (the checker looks at nothing else in
    them), so that it takes its fast way for an entity."""
    plain_tail(ann, d, None)
    if ann.attrs:
        value = _attrs(ann.attrs)
        if _VERDICT.get(id(value), True) is not None or "lost" in value:
            d["attrs"] = value
    return d


def plain(aset: AnnotationSet) -> dict:
    """The data ``dumps(aset)`` reads back as (the same keys, values and order)."""
    return _plain(aset, _tail)


def _plain(aset: AnnotationSet, _tail) -> dict:
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
    tree = Tree()
    tree.data = _plain(aset, _checked_tail)
    checker = _Checker(tree, where, article.text, article.sha256, schema)
    checker.run()
    return checker.problems


class _Checker(Checker):
    """``validate.check``'s checker, looking at each shared ``attrs`` value once."""

    def bad_attr(self, value: Any, depth: int) -> str | None:
        if depth == 0:
            verdict = _VERDICT.get(id(value), False)
            if verdict is not False:
                return verdict
        return bad_attr(value, depth)
