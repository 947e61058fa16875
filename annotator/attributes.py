"""Attributes, links and notes on annotations, kept in ``attrs``.

The convention is brat's, as the brat reader and writer use it
(``annotator/formats/brat``), so a round trip through brat keeps everything:

- a ``choice`` or ``text`` attribute is ``attrs[name] = value`` and a ``flag``
  is ``attrs[name] = True`` (brat ``A`` lines);
- a ``link`` (a knowledge-base id such as Wikidata ``Q42``) is an entry
  ``["Wikidata:Q42", text]`` in ``attrs["N:Reference"]`` (brat ``N`` lines:
  ``N1  Reference T1 Wikidata:Q42  Orhan Qereman``);
- the note is ``attrs["#AnnotatorNotes"]``, one line of text (brat ``#`` lines).

Which attributes an annotation may carry is the schema's (``Schema.attributes``).
No Textual here; changes are new ``attrs`` dicts the session applies.
"""

from __future__ import annotations

import re
from typing import Mapping

from .model import Annotation, Attribution, Entity, Event, Relation
from .schema import AttributeSpec, Schema

NOTE = "#AnnotatorNotes"
LINKS = "N:Reference"
#: attrs the app keeps for itself (not shown as attributes)
INTERNAL_PREFIXES = ("brat:",)
INTERNAL = {"lost", "also_suggested_by"}  # (suggest.base.ALSO_BY: other suggesters that predicted it too)


def kind_of(ann: Annotation) -> tuple[str, str | None]:
    """(kind, label) of an annotation: ("entity", "PER"), ("event", "Conflict.Attack")..."""
    if isinstance(ann, Entity):
        return "entity", ann.label
    if isinstance(ann, Event):
        return "event", ann.type
    if isinstance(ann, Relation):
        return "relation", ann.type
    if isinstance(ann, Attribution):
        return "attribution", ann.type
    return "?", None


def specs_for(schema: Schema, ann: Annotation) -> list[AttributeSpec]:
    kind, label = kind_of(ann)
    return [spec for spec in schema.attributes if spec.applies(kind, label)]


def _links(attrs: Mapping[str, object], key: str = LINKS) -> list:
    value = attrs.get(key)
    return list(value) if isinstance(value, list) else []


def _is_link(entry, prefix: str) -> bool:
    return isinstance(entry, list) and bool(entry) and isinstance(entry[0], str) and entry[0].startswith(prefix)


def value_of(ann: Annotation, spec: AttributeSpec):
    """The attribute's value on the annotation (None when it has none).

    A link is found in any normalization type (brat files say ``Reference``,
    some name the base: ``N1  Wikidata T1 Wikidata:Q858``)."""
    if spec.kind == "link":
        prefix = f"{spec.name}:"
        keys = [LINKS] + [k for k in ann.attrs if isinstance(k, str) and k.startswith("N:") and k != LINKS]
        for key in keys:
            for entry in _links(ann.attrs, key):
                if _is_link(entry, prefix):
                    return entry[0][len(prefix):]
        return None
    value = ann.attrs.get(spec.name)
    if spec.kind == "flag":
        return True if value is True else None
    return value if isinstance(value, str) else None


def problem(spec: AttributeSpec, value: str) -> str | None:
    """Why ``value`` cannot be the attribute's value (None when it can)."""
    if spec.kind == "choice" and value not in spec.values:
        return f"{spec.name} is one of {', '.join(spec.values)}, not {value!r}"
    if spec.kind in ("text", "link"):
        if value != value.strip() or any(c in value for c in "\n\r\t"):
            return f"{spec.name}: no leading or trailing spaces, tabs or line breaks"
        if spec.kind == "link" and (not value or any(c.isspace() for c in value)):
            return f"{spec.name}: a link is one id without spaces"
        if spec.pattern and value and re.fullmatch(spec.pattern, value) is None:
            return f"{spec.name}: {value!r} does not match {spec.pattern}"
    return None


def with_value(ann: Annotation, spec: AttributeSpec, value) -> dict:
    """The annotation's attrs with the attribute set (None or "" removes it)."""
    attrs = dict(ann.attrs)
    if value == "":
        value = None
    if spec.kind == "link":
        prefix = f"{spec.name}:"
        for key in [k for k in attrs if isinstance(k, str) and k.startswith("N:") and k != LINKS]:
            kept = [e for e in _links(attrs, key) if not _is_link(e, prefix)]
            if len(kept) != len(_links(attrs, key)):
                if kept:
                    attrs[key] = kept
                else:
                    del attrs[key]
        links = [e for e in _links(attrs) if not _is_link(e, prefix)]
        if value is not None:
            text = " ".join(_text(ann).split())
            links.append([f"{prefix}{value}", text])
        if links:
            attrs[LINKS] = links
        else:
            attrs.pop(LINKS, None)
        return attrs
    if value is None or value is False:
        attrs.pop(spec.name, None)
    else:
        attrs[spec.name] = True if spec.kind == "flag" else str(value)
    return attrs


def note_of(ann: Annotation) -> str:
    value = ann.attrs.get(NOTE)
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def with_note(ann: Annotation, text: str) -> dict:
    attrs = dict(ann.attrs)
    text = " ".join(text.split())  # one line: brat keeps a note on one line
    if text:
        attrs[NOTE] = text
    else:
        attrs.pop(NOTE, None)
    return attrs


def _text(ann: Annotation) -> str:
    if isinstance(ann, Entity):
        return ann.text
    if isinstance(ann, Event):
        return ann.trigger.text
    return ""


def _show(value) -> str:
    if value is True:
        return "yes"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def lines(ann: Annotation, schema: Schema | None = None) -> list[str]:
    """What the side panel shows: the schema's attributes first, then any other
    attrs (imported from brat), then the note."""
    out: list[str] = []
    shown: set[str] = set()
    for spec in specs_for(schema, ann) if schema is not None else ():
        value = value_of(ann, spec)
        if value is not None:
            out.append(f"{spec.name}: {_show(value)}" + ("  (link)" if spec.kind == "link" else ""))
            shown.add(spec.name)
    linked = {f"{s.name}:" for s in (schema.attributes if schema else ()) if s.kind == "link" and s.name in shown}
    for key, value in ann.attrs.items():
        if not isinstance(key, str) or key in shown or key in INTERNAL or key == NOTE or key.startswith(INTERNAL_PREFIXES):
            continue
        if key.startswith("N:") and isinstance(value, list):
            for entry in value:
                if isinstance(entry, list) and len(entry) == 2 and not any(str(entry[0]).startswith(p) for p in linked):
                    out.append(f"{key[2:]}: {entry[0]}" + (f" ({entry[1]})" if entry[1] else ""))
            continue
        if key.startswith("#"):
            out.append(f"{key[1:]}: {_show(value)}")
            continue
        out.append(f"{key}: {_show(value)}")
    note = note_of(ann)
    if note:
        out.append(f"note: {note}")
    return out
