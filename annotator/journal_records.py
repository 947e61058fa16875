"""The journal's records: annotations <-> JSON-ready data, and the bytes of each
line (see ``annotator.journal`` for the file's layout).

``encode`` / ``decode`` are the reference; ``_record`` writes the same bytes as
``_line(encode...)`` faster, for the annotations it knows (anything else takes
the reference path), since a record is written at every key that changes
something. ``_read_lines`` reads a journal's lines back, torn last line and all.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from .model import (
    ACCEPTED,
    Annotation,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    plain_tail,
)

__all__ = ["encode", "decode", "encode_pairs", "decode_pairs", "apply_pairs", "Pair"]

Pair = tuple[Annotation | None, Annotation | None]


# ---------------------------------------------------------------------------
# Model objects <-> JSON-ready data
# ---------------------------------------------------------------------------


def _span(span: Span) -> dict:
    return {"f": [[s, e] for s, e in span.fragments], "t": span.text}


def _unspan(d: dict) -> Span:
    return Span(tuple((int(s), int(e)) for s, e in d["f"]), d["t"])


def _tail(ann: Any, out: dict) -> dict:
    return plain_tail(ann, out)


def _untail(d: dict) -> dict:
    return {
        "status": d.get("status", ACCEPTED),
        "by": d.get("by"),
        "score": d.get("score"),
        "suggested_by": d.get("suggested_by"),
        "attrs": d.get("attrs") or {},
        "suggested_label": d.get("suggested_label"),
    }


def encode(ann: Annotation) -> dict:
    """An annotation as JSON-ready data (all four kinds, every field)."""
    if isinstance(ann, Entity):
        return _tail(ann, {"k": "T", "id": ann.id, "label": ann.label, "span": _span(ann.span)})
    if isinstance(ann, Event):
        return _tail(
            ann,
            {
                "k": "E",
                "id": ann.id,
                "type": ann.type,
                "trigger": _span(ann.trigger),
                "args": [[a.role, a.ref] for a in ann.arguments],
            },
        )
    if isinstance(ann, Attribution):
        out: dict[str, Any] = {"k": "A", "id": ann.id}
        if isinstance(ann.source, Ref):
            out["source"] = {"ref": ann.source.ref}
        elif isinstance(ann.source, Span):
            out["source"] = _span(ann.source)
        if ann.cue is not None:
            out["cue"] = _span(ann.cue)
        if ann.content is not None:
            out["content"] = _span(ann.content)
        if ann.type is not None:
            out["type"] = ann.type
        return _tail(ann, out)
    if isinstance(ann, Relation):
        return _tail(ann, {"k": "R", "id": ann.id, "type": ann.type, "arg1": ann.arg1, "arg2": ann.arg2})
    raise TypeError(f"not an annotation: {ann!r}")


def decode(d: dict) -> Annotation:
    """The inverse of ``encode``."""
    kind = d["k"]
    if kind == "T":
        return Entity(d["id"], d["label"], _unspan(d["span"]), **_untail(d))
    if kind == "E":
        args = tuple(Argument(role, ref) for role, ref in d.get("args", ()))
        return Event(d["id"], d["type"], _unspan(d["trigger"]), args, **_untail(d))
    if kind == "A":
        src = d.get("source")
        source: Ref | Span | None
        if src is None:
            source = None
        elif "ref" in src:
            source = Ref(src["ref"])
        else:
            source = _unspan(src)
        cue = _unspan(d["cue"]) if d.get("cue") is not None else None
        content = _unspan(d["content"]) if d.get("content") is not None else None
        return Attribution(d["id"], source, cue, content, d.get("type"), **_untail(d))
    if kind == "R":
        return Relation(d["id"], d["type"], d["arg1"], d["arg2"], **_untail(d))
    raise ValueError(f"unknown annotation kind {kind!r}")


def encode_pairs(pairs: Iterable[Pair]) -> list:
    return [[None if b is None else encode(b), None if a is None else encode(a)] for b, a in pairs]


def decode_pairs(data: Iterable) -> list[Pair]:
    return [(None if b is None else decode(b), None if a is None else decode(a)) for b, a in data]


def apply_pairs(aset: AnnotationSet, pairs: Sequence[Pair]) -> int:
    """Apply pairs to a set in place: after replaces before by ID; after None deletes.

    Returns how many pairs found a ``before`` other than the one recorded (the
    set was not in the state the step was made in); they are applied anyway.
    """
    conflicts = 0
    for before, after in pairs:
        ann = after if after is not None else before
        if ann is None:
            continue
        table = aset.table(type(ann))
        if table.get(ann.id) != before:
            conflicts += 1
        if after is None:
            table.pop(ann.id, None)
        else:
            table[after.id] = after
    return conflicts


def _line(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# -- the same bytes, faster ----------------------------------------------------
#
# A step's record is the bulk of the journal's time: ``encode`` builds a dict per
# annotation and ``json.dumps`` walks them (0.41 s for a worker's 42,000
# suggestions on a 1 MB article). ``_record`` writes the same characters
# directly: one format string per kind, strings through json's own C escaper,
# numbers as json writes them. Anything out of the ordinary (a str subclass, a
# bool where an int goes, a float json spells otherwise, another class) is
# encoded the ordinary way, so the bytes are always ``_line``'s
# (tests/test_journal.py compares them).

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_quote = json.encoder.encode_basestring  # json's escaper for ensure_ascii=False (C when built)


class _Ordinary(Exception):
    """Not for the fast path: encode this annotation as ``encode`` + ``json.dumps``."""


def _js(x) -> str:
    if type(x) is str:
        return _quote(x)
    if x is None:
        return "null"
    raise _Ordinary


def _jn(x) -> str:
    """A number as json writes it (ints and finite floats; the rest the ordinary way)."""
    t = type(x)
    if t is int or (t is float and x - x == 0.0):
        return repr(x)
    raise _Ordinary


def _jspan(span) -> str:
    if type(span) is not Span:
        raise _Ordinary
    frags = span.fragments
    if len(frags) == 1:
        ((s, e),) = frags
        if type(s) is not int or type(e) is not int:
            raise _Ordinary
        f = f"[[{s},{e}]]"
    else:
        parts = []
        for s, e in frags:
            if type(s) is not int or type(e) is not int:
                raise _Ordinary
            parts.append(f"[{s},{e}]")
        f = "[" + ",".join(parts) + "]"
    return f'{{"f":{f},"t":{_js(span.text)}}}'


#: the tails of annotations without attrs, by (status, by, suggested_by, suggested_label, score's type, score):
#: a worker's suggestions share a few (cleared when it grows past _TAILS_MAX)
_TAILS: dict = {}
_TAILS_MAX = 4096


def _jtail(ann) -> str:
    if ann.attrs:
        return _jtail_of(ann)
    score = ann.score
    # (equal scores json writes alike, but for 0 / -0.0 / False and 1 / 1.0 / True: hence the type, and no zero)
    key = (ann.status, ann.by, ann.suggested_by, ann.suggested_label, type(score), score)
    try:
        got = _TAILS.get(key)
    except TypeError:  # something unhashable: the ordinary way
        return _jtail_of(ann)
    if got is None:
        got = _jtail_of(ann)
        if score != 0:
            if len(_TAILS) >= _TAILS_MAX:
                _TAILS.clear()
            _TAILS[key] = got
    return got


def _jtail_of(ann) -> str:
    out = ""
    status = ann.status
    if status != ACCEPTED:
        out = ',"status":' + _js(status)
    if ann.by is not None:
        out += ',"by":' + _js(ann.by)
    if ann.score is not None:
        out += ',"score":' + _jn(ann.score)
    if ann.suggested_by is not None:
        out += ',"suggested_by":' + _js(ann.suggested_by)
    if ann.suggested_label is not None:
        out += ',"suggested_label":' + _js(ann.suggested_label)
    if ann.attrs:
        out += ',"attrs":' + _dumps(dict(ann.attrs))
    return out + "}"


def _jann(ann) -> str:
    """``json.dumps(encode(ann))`` with the line's separators (None: ``null``)."""
    if ann is None:
        return "null"
    t = type(ann)
    try:
        if t is Entity:
            return f'{{"k":"T","id":{_js(ann.id)},"label":{_js(ann.label)},"span":{_jspan(ann.span)}' + _jtail(ann)
        if t is Event:
            args = ",".join(
                f"[{_js(a.role)},{_js(a.ref)}]" if type(a) is Argument else _raise() for a in ann.arguments
            )
            return (
                f'{{"k":"E","id":{_js(ann.id)},"type":{_js(ann.type)},"trigger":{_jspan(ann.trigger)},'
                f'"args":[{args}]' + _jtail(ann)
            )
        if t is Attribution:
            out = f'{{"k":"A","id":{_js(ann.id)}'
            source = ann.source
            if type(source) is Ref:
                out += f',"source":{{"ref":{_js(source.ref)}}}'
            elif source is not None:
                out += ',"source":' + _jspan(source)
            if ann.cue is not None:
                out += ',"cue":' + _jspan(ann.cue)
            if ann.content is not None:
                out += ',"content":' + _jspan(ann.content)
            if ann.type is not None:
                out += ',"type":' + _js(ann.type)
            return out + _jtail(ann)
        if t is Relation:
            return (
                f'{{"k":"R","id":{_js(ann.id)},"type":{_js(ann.type)},"arg1":{_js(ann.arg1)},'
                f'"arg2":{_js(ann.arg2)}' + _jtail(ann)
            )
    except _Ordinary:
        pass
    return _dumps(encode(ann))


def _raise() -> str:
    raise _Ordinary


def _record(version: int, kind: str, label: str, pairs: Sequence[Pair]) -> bytes:
    """``_line({"v": version, "k": kind, "l": label, "p": encode_pairs(pairs)})``, faster."""
    if type(version) is not int or type(kind) is not str or type(label) is not str:
        return _line({"v": version, "k": kind, "l": label, "p": encode_pairs(pairs)})
    lines = _pair_lines(pairs)
    head = f'{{"v":{version},"k":{_quote(kind)},"l":{_quote(label)},"p":['
    if not lines:
        return (head + "]}\n").encode("utf-8")
    # the head and the end joined with the first and last pair: the record's 7 MB
    # (42,000 suggestions) copied once into the line, not three times
    lines[0] = head + lines[0]
    lines[-1] += "]}\n"
    return ",".join(lines).encode("utf-8")


def _pair_lines(pairs: Sequence[Pair]) -> list[str]:
    """``f"[{_jann(b)},{_jann(a)}]"`` of each pair; an entity or an event added
    with one fragment of ints (a worker's suggestions: 31,000 and 8,000 of 42,000
    on 1 MB) written inline, the rest by ``_jann``."""
    quote, tail_of = _quote, _jtail
    out = []
    append = out.append
    for b, a in pairs:
        if b is None and type(a) is Entity:
            span = a.span
            if type(span) is Span:
                frags = span.fragments
                if len(frags) == 1:
                    ((s, e),) = frags
                    i, label, text = a.id, a.label, span.text
                    if type(s) is int and type(e) is int and type(i) is str and type(label) is str and type(text) is str:
                        try:
                            tail = tail_of(a)
                        except _Ordinary:
                            pass
                        else:
                            append(
                                f'[null,{{"k":"T","id":{quote(i)},"label":{quote(label)},'
                                f'"span":{{"f":[[{s},{e}]],"t":{quote(text)}}}{tail}]'
                            )
                            continue
        elif b is None and type(a) is Event:  # (a worker's events: 8,000 of 1 MB's)
            trigger = a.trigger
            if type(trigger) is Span:
                frags = trigger.fragments
                if len(frags) == 1:
                    ((s, e),) = frags
                    i, kind, text = a.id, a.type, trigger.text
                    if type(s) is int and type(e) is int and type(i) is str and type(kind) is str and type(text) is str:
                        try:
                            args = ",".join(
                                [f"[{_js(x.role)},{_js(x.ref)}]" if type(x) is Argument else _raise() for x in a.arguments]
                            )
                            tail = tail_of(a)
                        except _Ordinary:
                            pass
                        else:
                            append(
                                f'[null,{{"k":"E","id":{quote(i)},"type":{quote(kind)},'
                                f'"trigger":{{"f":[[{s},{e}]],"t":{quote(text)}}},"args":[{args}]{tail}]'
                            )
                            continue
        append(f"[{_jann(b)},{_jann(a)}]")
    return out


def _read_lines(raw: bytes) -> tuple[list[dict], bool]:
    """Complete, readable lines; True when something at the end was dropped."""
    parts = raw.split(b"\n")
    torn = parts[-1] != b""  # the last write did not finish its line
    out: list[dict] = []
    for part in parts[:-1]:
        try:
            obj = json.loads(part.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return out, True
        if not isinstance(obj, dict):
            return out, True
        out.append(obj)
    return out, torn
