"""Annotation files (format ``annotator/1``) <-> the model; atomic writes; validation.

Writing is hand-made for the fixed line shape (PyYAML's dumper is ~10x too slow
for 50,000 entities). Every scalar is written plain when PyYAML's safe loader
(and a YAML 1.2 core-schema reader) would read it back as the very same string,
otherwise double-quoted with escapes; the decision is cached per distinct string.

Reading has two paths that give the same data:

* a fast, line-based reader for the subset the writer emits (plus common hand
  edits: comments, blank lines, reordered keys, CRLF, single quotes, indented
  sequences). It accepts a line only when it is sure ``yaml.safe_load`` reads it
  the same way; anything else raises ``_NotOurs``;
* the fallback, PyYAML's event stream (the C parser when available), built into
  Python objects here so that line numbers are kept, anchors and aliases are
  refused before anything is expanded (no alias bomb), and nesting is bounded.

Both produce plain Python data plus line numbers; one validator turns that into
an ``AnnotationSet`` and a list of every ``Problem`` (``file:line: what``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import math
import os
import re
import secrets
from pathlib import Path
from types import GeneratorType
from typing import Any, Iterable

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .errors import InputError, Problem, ValidationError
from .model import (
    ACCEPTED,
    STATUSES,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    fragments_text,
    id_number,
)
from .schema import Schema

FORMAT = "annotator/1"

__all__ = [
    "FORMAT",
    "dumps",
    "loads",
    "problems",
    "read_article",
    "annotation_path",
    "new_set",
    "load_for_article",
    "open_article",
    "Opened",
    "check_file_report",
    "load_file",
    "check_file",
    "save",
    "write_atomic",
    "validate_paths",
]

# ---------------------------------------------------------------------------
# Scalars: shared by the writer (what may be plain) and the fast reader (what it
# accepts as plain). The reader's set contains the writer's, so our own files
# always take the fast path.
# ---------------------------------------------------------------------------

#: Characters never written raw in a plain scalar: C0/C1 controls (tab, breaks,
#: NEL included), DEL, line/paragraph separators, surrogates, BOM, non-characters.
_EXC = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
# A "middle" character: anything but space, EXC, ':', '?' and flow indicators.
_MID_CH = f"[^ {_EXC}:?,\\[\\]{{}}]"
# A character that may follow spaces inside a plain scalar ('#' would start a comment).
_AFTER_SP = f"[^ {_EXC}:?,\\[\\]{{}}#]"
_MID = f"(?:{_MID_CH}|:(?={_MID_CH})| +(?={_AFTER_SP}))"
_FIRST = f"[^ {_EXC}\\-?:,\\[\\]{{}}#&*!|>'\"%@`]"
#: What the writer may write plain (before the resolver check).
_PLAIN_W = re.compile(f"{_FIRST}{_MID}*")
#: What the reader accepts as a plain token (also '-3', '-x': '-' then non-blank).
_PLAIN_R = re.compile(f"(?:{_FIRST}|-(?={_AFTER_SP})){_MID}*")

#: Strings a YAML 1.2 core-schema reader (or a YAML 1.1 one using y/n) would not
#: read as strings: quote them too, so the files travel well.
_NOT_STR_ANYWHERE = re.compile(
    r"""(?:null|Null|NULL|~|y|Y|n|N
    |true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)""",
    re.X,
)

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")

#: Characters to escape inside double quotes (besides backslash and quote).
_DQ_ESCAPE = re.compile(f'[\\\\"{_EXC}]')
_DQ_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    named = _DQ_NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _resolves_to_str(s: str) -> bool:
    return _RESOLVER.resolve(ScalarNode, s, (True, False)) == _STR_TAG


def _plain_ok(s: str) -> bool:
    return (
        _PLAIN_W.fullmatch(s) is not None
        and not s[0].isspace()
        and not s[-1].isspace()
        and _NOT_STR_ANYWHERE.fullmatch(s) is None
        and _resolves_to_str(s)
    )


_QUOTE_CACHE: dict[str, str] = {}


def _scalar(s: str) -> str:
    """A string as a YAML scalar: plain when it reads back as itself, else quoted."""
    out = _QUOTE_CACHE.get(s)
    if out is None:
        if type(s) is not str:
            raise TypeError(f"expected a string, got {type(s).__name__}: {s!r}")
        out = s if s and _plain_ok(s) else '"' + _DQ_ESCAPE.sub(_escape_char, s) + '"'
        if len(_QUOTE_CACHE) > 400_000:
            _QUOTE_CACHE.clear()
        _QUOTE_CACHE[s] = out
    return out


def _float(x: float) -> str:
    x = float(x)
    if x != x:
        return ".nan"
    if x in (math.inf, -math.inf):
        return ".inf" if x > 0 else "-.inf"
    r = repr(x).lower()
    if "." not in r and "e" in r:  # 1e-05 is a string to YAML 1.1: write 1.0e-05
        r = r.replace("e", ".0e", 1)
    return r


def _flow(value: Any, depth: int = 0) -> str:
    """A value of ``attrs`` in flow style (keys sorted, so output is deterministic)."""
    if depth > 50:
        raise ValueError("attrs nest too deeply")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _scalar(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        items = []
        for k in sorted(value, key=_sort_key_of_attr):
            if not isinstance(k, str):
                raise TypeError(f"attrs keys must be strings, not {k!r}")
            key = _scalar(k)
            if len(key) > 1000:  # YAML readers give up on implicit keys over 1024 characters
                key = "? " + key
            items.append(f"{key}: {_flow(value[k], depth + 1)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v, depth + 1) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in attrs: {value!r}")


def _sort_key_of_attr(k: Any) -> tuple:
    return (type(k).__name__, k) if not isinstance(k, str) else ("", k)


# ---------------------------------------------------------------------------
# Writer
# ---------------------------------------------------------------------------


def _span_flow(span: Span) -> str:
    fr = span.fragments
    if len(fr) == 1:
        pos = f"start: {fr[0][0]}, end: {fr[0][1]}"
    else:
        pos = "fragments: [" + ", ".join(f"[{s}, {e}]" for s, e in fr) + "]"
    return "{" + pos + ", text: " + _scalar(span.text) + "}"


def _tail(ann: Any) -> list[str]:
    """status, by, score, suggested_by, attrs as ``key: value`` parts."""
    parts = []
    if ann.status != ACCEPTED:
        parts.append("status: " + _scalar(ann.status))
    if ann.by is not None:
        parts.append("by: " + _scalar(ann.by))
    if ann.score is not None:
        parts.append("score: " + _float(ann.score))
    if ann.suggested_by is not None:
        parts.append("suggested_by: " + _scalar(ann.suggested_by))
    if ann.attrs:
        parts.append("attrs: " + _flow(dict(ann.attrs)))
    return parts


def _entity_line(e: Entity) -> str:
    q = _scalar
    fr = e.span.fragments
    if len(fr) == 1:
        s, t = fr[0]
        head = f"- {{id: {q(e.id)}, label: {q(e.label)}, start: {s}, end: {t}, text: {q(e.span.text)}"
    else:
        frs = ", ".join(f"[{s}, {t}]" for s, t in fr)
        head = f"- {{id: {q(e.id)}, label: {q(e.label)}, fragments: [{frs}], text: {q(e.span.text)}"
    if e.status == ACCEPTED and e.score is None and e.suggested_by is None and not e.attrs:
        if e.by is None:
            return head + "}\n"
        return f"{head}, by: {q(e.by)}}}\n"
    return head + ", " + ", ".join(_tail(e)) + "}\n"


def _entity_key(e: Entity) -> tuple:
    fr = e.span.fragments
    return (fr[0][0], fr[-1][1], id_number(e.id), e.id)


def _event_key(ev: Event) -> tuple:
    fr = ev.trigger.fragments
    return (fr[0][0], fr[-1][1], id_number(ev.id), ev.id)


def _attribution_key(at: Attribution, entities: dict) -> tuple:
    spans = list(at.spans())
    if isinstance(at.source, Ref) and at.source.ref in entities:
        spans.append(entities[at.source.ref].span)
    if spans:
        return (min(s.start for s in spans), max(s.end for s in spans), id_number(at.id), at.id)
    return (-1, -1, id_number(at.id), at.id)


def _block_tail(ann: Any) -> list[str]:
    return [f"  {part}\n" for part in _tail(ann)]


def dumps(aset: AnnotationSet) -> str:
    """The canonical format-1 YAML of a set: deterministic, sorted by position."""
    q = _scalar
    doc = aset.document
    out = [f"format: {FORMAT}\n", "document:\n"]
    if doc.path is not None:
        out.append(f"  path: {q(str(doc.path))}\n")
    if doc.sha256 is not None:
        out.append(f"  sha256: {q(doc.sha256)}\n")
    out.append(f"  length: {len(doc.text)}\n")

    entities = sorted(aset.entities.values(), key=_entity_key)
    if entities:
        out.append("entities:\n")
        out.extend(map(_entity_line, entities))
    else:
        out.append("entities: []\n")

    events = sorted(aset.events.values(), key=_event_key)
    if events:
        out.append("events:\n")
        for ev in events:
            out.append(f"- id: {q(ev.id)}\n  type: {q(ev.type)}\n  trigger: {_span_flow(ev.trigger)}\n")
            if ev.arguments:
                out.append("  arguments:\n")
                out.extend(f"  - {{role: {q(a.role)}, ref: {q(a.ref)}}}\n" for a in ev.arguments)
            else:
                out.append("  arguments: []\n")
            out.extend(_block_tail(ev))
    else:
        out.append("events: []\n")

    attributions = sorted(aset.attributions.values(), key=lambda a: _attribution_key(a, aset.entities))
    if attributions:
        out.append("attributions:\n")
        for at in attributions:
            out.append(f"- id: {q(at.id)}\n")
            if isinstance(at.source, Ref):
                out.append(f"  source: {{ref: {q(at.source.ref)}}}\n")
            elif isinstance(at.source, Span):
                out.append(f"  source: {_span_flow(at.source)}\n")
            if at.cue is not None:
                out.append(f"  cue: {_span_flow(at.cue)}\n")
            if at.content is not None:
                out.append(f"  content: {_span_flow(at.content)}\n")
            if at.type is not None:
                out.append(f"  type: {q(at.type)}\n")
            out.extend(_block_tail(at))
    else:
        out.append("attributions: []\n")

    relations = sorted(aset.relations.values(), key=lambda r: (id_number(r.id), r.id))
    if relations:
        out.append("relations:\n")
        for r in relations:
            parts = [f"id: {q(r.id)}", f"type: {q(r.type)}", f"arg1: {q(r.arg1)}", f"arg2: {q(r.arg2)}"]
            parts.extend(_tail(r))
            out.append("- {" + ", ".join(parts) + "}\n")
    else:
        out.append("relations: []\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Parsed data with line numbers (both readers produce this)
# ---------------------------------------------------------------------------


class _Tree:
    """Plain data as ``yaml.safe_load`` gives it, plus where each part came from.

    ``lines`` maps ``id(container)`` to its 1-based line; ``keylines`` maps
    ``id(mapping)`` to ``{key: line}`` (only block mappings span several lines).
    """

    __slots__ = ("data", "lines", "keylines", "dups")

    def __init__(self) -> None:
        self.data: Any = None
        self.lines: dict[int, int] = {}
        self.keylines: dict[int, dict] = {}
        self.dups: list[tuple[int, Any]] = []

    def line(self, obj: Any, default: int | None) -> int | None:
        return self.lines.get(id(obj), default)

    def key_line(self, mapping: Any, key: Any, default: int | None) -> int | None:
        kl = self.keylines.get(id(mapping))
        if kl is not None and key in kl:
            return kl[key]
        return self.lines.get(id(mapping), default)


class _NotOurs(Exception):
    """The fast reader is not sure: let PyYAML read the file."""


# ---------------------------------------------------------------------------
# Fast reader
# ---------------------------------------------------------------------------

#: Raw characters that send a file to the fallback (YAML non-printables, NEL,
#: LS/PS line breaks, BOM, lone CR).
_FAST_BAD = re.compile(
    "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff\\r]"
)
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,900}):(?: +|$)")
_DQ = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SQ = re.compile(r"'((?:[^']|'')*)'")
_SPACES = re.compile(r" *")
_COMMENT_REST = re.compile(r"(?: +#.*)?")
_YAML_ESC = re.compile(r"\\(?:(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|(.))")
_ESC_REPL = dict(yaml.scanner.Scanner.ESCAPE_REPLACEMENTS)
_MAX_DEPTH = 40


def _unescape_one(m: re.Match) -> str:
    code, ch = m.group(1), m.group(2)
    if code is not None:
        n = int(code[1:], 16)
        if n > 0x10FFFF:
            raise _NotOurs
        return chr(n)
    rep = _ESC_REPL.get(ch)
    if rep is None:
        raise _NotOurs
    return rep


def _unescape(body: str) -> str:
    return _YAML_ESC.sub(_unescape_one, body) if "\\" in body else body


#: Words PyYAML resolves to bool or null; with a first character in
#: ``_NUMERIC_FIRST`` they cover every plain scalar that may not be a string.
_SPECIAL_WORDS = frozenset(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)
_NUMERIC_FIRST = frozenset("-+.0123456789~=<!&*")


def _maybe_not_str(tok: str) -> bool:
    """False when PyYAML surely resolves the plain scalar ``tok`` to a string."""
    return not tok or tok[0] in _NUMERIC_FIRST or tok in _SPECIAL_WORDS


_INT = "(0|[1-9][0-9]*)"
# A loose token of the canonical entity line: plain (checked afterwards, see
# ``_FastReader.entity_line``) or double-quoted.
_LT = "[^- ?:,\"{}\\[\\]#&*!|>'%@`\t][^,\"{}\\[\\]\t?]*"
_LV = f'({_LT}|"(?:[^"\\\\]|\\\\.)*")'
#: The canonical entity line (after "- "), as the writer emits it without attrs/fragments.
_ENTITY_LINE = re.compile(
    f"\\{{id: {_LV}, label: {_LV}, start: {_INT}, end: {_INT}, text: {_LV}"
    f"(?:, status: {_LV})?(?:, by: {_LV})?(?:, score: ([-+.0-9a-z]+))?(?:, suggested_by: {_LV})?\\}}"
)
#: Other canonical one-line mappings: opening -> (pattern, keys, kinds: i int, v token).
_CANONICAL = {
    "{start:": (re.compile(f"\\{{start: {_INT}, end: {_INT}, text: {_LV}\\}}"), ("start", "end", "text"), "iiv"),
    "{role:": (re.compile(f"\\{{role: {_LV}, ref: {_LV}\\}}"), ("role", "ref"), "vv"),
    "{ref:": (re.compile(f"\\{{ref: {_LV}\\}}"), ("ref",), "v"),
}


def _suspect(c: str) -> bool:
    """In a line without quotes: a sequence that no plain token of ours contains."""
    return " #" in c or " :" in c or "::" in c or ":," in c or ":}" in c or " ," in c or " }" in c


class _FastReader:
    def __init__(self, text: str):
        self.tree = _Tree()
        self.cache: dict[str, Any] = {}
        self.text = text

    # -- scalars --------------------------------------------------------------
    def plain(self, tok: str) -> Any:
        cache = self.cache
        v = cache.get(tok, cache)
        if v is cache:
            if _PLAIN_R.fullmatch(tok) is None:
                raise _NotOurs
            if not _maybe_not_str(tok):
                v = tok
            elif _DECIMAL.fullmatch(tok):
                v = int(tok)
            else:
                tag = _RESOLVER.resolve(ScalarNode, tok, (True, False))
                if tag == _STR_TAG:
                    v = tok
                elif tag == _INT_TAG and _DECIMAL.fullmatch(tok):
                    v = int(tok)
                else:
                    fn = SafeConstructor.yaml_constructors.get(tag)
                    if fn is None:
                        raise _NotOurs
                    try:
                        v = fn(_CONSTRUCTOR, ScalarNode(tag, tok))
                    except Exception:
                        raise _NotOurs from None
                    if isinstance(v, (GeneratorType, list, dict)):
                        raise _NotOurs
            cache[tok] = v
        return v

    def conv(self, t: str) -> Any:
        """A token of ``_ENTITY_LINE``: double-quoted, or plain already checked."""
        c0 = t[0]
        if c0 == '"':
            return _unescape(t[1:-1])
        if c0 in _NUMERIC_FIRST or t in _SPECIAL_WORDS:
            return self.plain(t)
        return t

    def entity_line(self, c: str) -> dict | None:
        m = _ENTITY_LINE.fullmatch(c, 2)
        if m is None:
            return None
        g = m.groups()
        if '"' in c:
            # check each plain token on its own (quoted ones may hold anything)
            for t in g:
                if t is not None and t[0] != '"' and _PLAIN_R.fullmatch(t) is None:
                    return None
        elif c.count(": ") != 9 - g.count(None) or _suspect(c):
            return None
        i, label, start, end, text, status, by, score, sby = g
        conv = self.conv
        d = {"id": conv(i), "label": conv(label), "start": int(start), "end": int(end), "text": conv(text)}
        if status is not None:
            d["status"] = conv(status)
        if by is not None:
            d["by"] = conv(by)
        if score is not None:
            d["score"] = self.plain(score)
        if sby is not None:
            d["suggested_by"] = conv(sby)
        return d

    def canonical(self, s: str) -> dict | None:
        """A span, argument or ref mapping written the writer's way; None if not."""
        spec = _CANONICAL.get(s[: s.find(":") + 1])
        if spec is None:
            return None
        rx, names, kinds = spec
        m = rx.fullmatch(s)
        if m is None:
            return None
        g = m.groups()
        if '"' in s:
            for t, k in zip(g, kinds):
                if k == "v" and t[0] != '"' and _PLAIN_R.fullmatch(t) is None:
                    return None
        elif s.count(": ") != len(g) or _suspect(s):
            return None
        conv = self.conv
        return {name: int(t) if k == "i" else conv(t) for name, t, k in zip(names, g, kinds)}

    # -- flow (one line) ------------------------------------------------------
    def flow_map_simple(self, s: str) -> dict | None:
        """``{k: v, k: v}`` with plain keys and values only; None if not that shape."""
        inner = s[1:-1]
        parts = inner.split(", ")
        if inner.count(",") != len(parts) - 1:
            return None
        d: dict = {}
        plain = self.plain
        try:
            for p in parts:
                k, sep, v = p.partition(": ")
                if not sep or len(k) > 900:
                    return None
                key = plain(k)
                if key in d:
                    return None  # let the general path record the duplicate
                d[key] = plain(v)
        except _NotOurs:
            return None
        return d

    def value(self, s: str, i: int, depth: int, ln: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise _NotOurs
        c = s[i : i + 1]
        if c == "{":
            return self.flow_map(s, i, depth, ln)
        if c == "[":
            return self.flow_seq(s, i, depth, ln)
        if c == '"':
            m = _DQ.match(s, i)
            if m is None:
                raise _NotOurs
            return _unescape(m.group(1)), m.end()
        if c == "'":
            m = _SQ.match(s, i)
            if m is None:
                raise _NotOurs
            return m.group(1).replace("''", "'"), m.end()
        m = _PLAIN_R.match(s, i)
        if m is None:
            raise _NotOurs
        return self.plain(m.group()), m.end()

    def flow_map(self, s: str, i: int, depth: int, ln: int) -> tuple[dict, int]:
        d: dict = {}
        self.tree.lines[id(d)] = ln
        i = _SPACES.match(s, i + 1).end()
        if s[i : i + 1] == "}":
            return d, i + 1
        while True:
            c = s[i : i + 1]
            if c in ("{", "["):
                raise _NotOurs  # complex keys
            key_start = i
            key, i = self.value(s, i, depth + 1, ln)
            if s[i : i + 2] != ": " or i - key_start > 900:
                raise _NotOurs
            i = _SPACES.match(s, i + 2).end()
            val, i = self.value(s, i, depth + 1, ln)
            if key in d:
                self.tree.dups.append((ln, key))
            d[key] = val
            i = _SPACES.match(s, i).end()
            c = s[i : i + 1]
            if c == "}":
                return d, i + 1
            if c != ",":
                raise _NotOurs
            i = _SPACES.match(s, i + 1).end()
            if s[i : i + 1] in ("}", ""):
                raise _NotOurs  # trailing comma: leave it to PyYAML

    def flow_seq(self, s: str, i: int, depth: int, ln: int) -> tuple[list, int]:
        out: list = []
        self.tree.lines[id(out)] = ln
        i = _SPACES.match(s, i + 1).end()
        if s[i : i + 1] == "]":
            return out, i + 1
        while True:
            val, i = self.value(s, i, depth + 1, ln)
            if s[i : i + 2] == ": " or s[i : i + 1] == ":":
                raise _NotOurs  # single-pair mapping inside a sequence
            out.append(val)
            i = _SPACES.match(s, i).end()
            c = s[i : i + 1]
            if c == "]":
                return out, i + 1
            if c != ",":
                raise _NotOurs
            i = _SPACES.match(s, i + 1).end()
            if s[i : i + 1] in ("]", ""):
                raise _NotOurs

    def inline(self, s: str, ln: int) -> Any:
        """A whole value written on one line (maybe followed by a comment)."""
        if s[:1] == "{":
            d = self.canonical(s)
            if d is not None:
                self.tree.lines[id(d)] = ln
                return d
        if s[:1] == "{" and s[-1:] == "}" and '"' not in s and "'" not in s and "[" not in s and s.count("{") == 1:
            d = self.flow_map_simple(s)
            if d is not None:
                self.tree.lines[id(d)] = ln
                return d
        val, i = self.value(s, 0, 0, ln)
        if i != len(s) and _COMMENT_REST.fullmatch(s, i) is None:
            raise _NotOurs
        return val

    # -- block structure ------------------------------------------------------
    def parse(self) -> _Tree:
        text = self.text
        if text[:1] == "\ufeff":  # a byte-order mark at the start is not content (PyYAML too)
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if _FAST_BAD.search(text):
            raise _NotOurs
        rows: list[tuple[int, int, str]] = []
        for n, raw in enumerate(text.split("\n"), 1):
            c = raw.lstrip(" ")
            if not c or c[0] == "#":
                continue
            c = c.rstrip(" ")
            rows.append((n, len(raw) - len(raw.lstrip(" ")), c))
        self.rows = rows
        tree = self.tree
        if not rows:
            tree.data = None
            return tree
        if rows[0][2].startswith(("---", "...", "%")):
            raise _NotOurs
        data, i = self.node(0, rows[0][1], 0)
        if i != len(rows):
            raise _NotOurs
        tree.data = data
        return tree

    def node(self, i: int, indent: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise _NotOurs
        c = self.rows[i][2]
        if c == "-" or c.startswith("- "):
            return self.block_seq(i, indent, depth)
        if _KEY.match(c):
            return self.block_map(i, indent, depth)
        raise _NotOurs

    def block_map(self, i: int, indent: int, depth: int) -> tuple[dict, int]:
        rows = self.rows
        n = len(rows)
        d: dict = {}
        kl: dict = {}
        tree = self.tree
        tree.lines[id(d)] = rows[i][0]
        tree.keylines[id(d)] = kl
        while i < n:
            ln, ind, c = rows[i]
            if ind < indent:
                break
            if ind > indent:
                raise _NotOurs
            m = _KEY.match(c)
            if m is None:
                if c == "-" or c.startswith("- "):
                    break  # the parent (a sequence at this indent) goes on
                raise _NotOurs
            key = self.plain(m.group(1))
            rest = c[m.end() :]
            if rest and rest[0] != "#":
                value = self.inline(rest, ln)
                i += 1
            else:
                j = i + 1
                if j < n and (
                    rows[j][1] > indent or (rows[j][1] == indent and (rows[j][2] == "-" or rows[j][2].startswith("- ")))
                ):
                    value, i = self.node(j, rows[j][1], depth + 1)
                else:
                    value, i = None, j
            if key in d:
                tree.dups.append((ln, key))
            d[key] = value
            kl[key] = ln
        return d, i

    def block_seq(self, i: int, indent: int, depth: int) -> tuple[list, int]:
        rows = self.rows
        n = len(rows)
        out: list = []
        lines = self.tree.lines
        lines[id(out)] = rows[i][0]
        inline = self.inline
        entity_line = self.entity_line
        append = out.append
        while i < n:
            ln, ind, c = rows[i]
            if ind != indent:
                if ind < indent:
                    break
                raise _NotOurs
            if c[:2] != "- ":
                if c == "-":
                    raise _NotOurs
                break
            if c[2] == "{":  # the common case: one flow mapping per line
                d = entity_line(c)
                if d is None:
                    d = inline(c[2:], ln)
                else:
                    lines[id(d)] = ln
                append(d)
                i += 1
                continue
            rest = c[2:]
            pad = len(rest) - len(rest.lstrip(" "))
            rest = rest[pad:]
            if rest[:1] in ("#", "") or rest == "-" or rest.startswith("- "):
                raise _NotOurs
            if _KEY.match(rest):
                col = indent + 2 + pad
                rows[i] = (ln, col, rest)
                value, i = self.block_map(i, col, depth + 1)
            else:
                value = inline(rest, ln)
                i += 1
            append(value)
        return out, i


def _fast_parse(text: str) -> _Tree:
    """Read our subset of YAML exactly as PyYAML's safe loader would; ``_NotOurs`` otherwise."""
    try:
        return _FastReader(text).parse()
    except (ValueError, RecursionError):  # ValueError: an int of over 4300 digits
        raise _NotOurs from None


# ---------------------------------------------------------------------------
# Fallback: PyYAML's event stream, built here (no aliases, bounded depth)
# ---------------------------------------------------------------------------

_LOADERS = [getattr(yaml, "CSafeLoader", None), yaml.SafeLoader]
_LOADERS = [lo for lo in _LOADERS if lo is not None]
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SLOW_MAX_DEPTH = 64


class _Refused(Exception):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message


def _slow_parse_with(text: str, loader_cls: type) -> _Tree:
    tree = _Tree()
    lines, keylines, dups = tree.lines, tree.keylines, tree.dups
    loader = loader_cls(text)
    # A frame: [container, is_map, pending_key, has_key, key_line]
    stack: list[list] = []
    root: list = []
    docs = 0
    try:
        while True:
            ev = loader.get_event()
            t = type(ev)
            if t is yaml.StreamEndEvent:
                break
            ln = ev.start_mark.line + 1 if ev.start_mark is not None else None
            if t is yaml.AliasEvent:
                raise _Refused(ln, "aliases (*name) are not used in annotator files")
            if t is yaml.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    raise _Refused(ln, "more than one YAML document in the file")
                continue
            if t in (yaml.StreamStartEvent, yaml.DocumentEndEvent):
                continue
            if t in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent) and ev.anchor is not None:
                raise _Refused(ln, f"anchors (&{ev.anchor}) are not used in annotator files")
            is_key_node = False
            if t is yaml.ScalarEvent:
                tag = ev.tag
                if tag is None or tag == "!":
                    tag = _RESOLVER.resolve(ScalarNode, ev.value, ev.implicit)
                if tag == _MERGE_TAG and stack and stack[-1][1] and not stack[-1][3]:
                    raise _Refused(ln, "merge keys (<<) are not used in annotator files")
                fn = SafeConstructor.yaml_constructors.get(tag)
                if fn is None:
                    if ev.tag in (None, "!"):  # '=' or '<<' written plain
                        raise _Refused(ln, f"{ev.value!r} must be quoted")
                    raise _Refused(ln, f"unknown YAML tag {tag}")
                node = ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, style=ev.style)
                value = fn(_CONSTRUCTOR, node)
                if isinstance(value, GeneratorType):
                    raise _Refused(ln, f"YAML tag {tag} cannot be used on a scalar")
            elif t is yaml.MappingStartEvent or t is yaml.SequenceStartEvent:
                is_map = t is yaml.MappingStartEvent
                tag = ev.tag
                if tag not in (None, "!", _MAP_TAG if is_map else _SEQ_TAG):
                    raise _Refused(ln, f"YAML tag {tag} is not used in annotator files")
                if len(stack) >= _SLOW_MAX_DEPTH:
                    raise _Refused(ln, "the YAML nests too deeply")
                obj: Any = {} if is_map else []
                lines[id(obj)] = ln
                if is_map:
                    keylines[id(obj)] = {}
                stack.append([obj, is_map, None, False, None])
                continue
            else:  # MappingEndEvent / SequenceEndEvent
                value = stack.pop()[0]
                ln = lines.get(id(value), ln)
            # attach ``value`` to its parent
            if not stack:
                root.append(value)
                continue
            frame = stack[-1]
            if not frame[1]:
                frame[0].append(value)
            elif not frame[3]:
                if isinstance(value, (dict, list)):
                    raise _Refused(ln, "a mapping key must be a plain value, not a list or mapping")
                frame[2], frame[3], frame[4] = value, True, ln
            else:
                key = frame[2]
                d = frame[0]
                try:
                    if key in d:
                        dups.append((frame[4], key))
                    d[key] = value
                except TypeError:
                    raise _Refused(frame[4], "a mapping key must be a plain value") from None
                keylines[id(d)][key] = frame[4]
                frame[3] = False
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    tree.data = root[0] if root else None
    return tree


def _yaml_error_problem(exc: Exception, text: str, source: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        ch = exc.character
        code = ord(ch) if isinstance(ch, str) else ch
        what = f"character U+{code:04X} is not allowed raw in YAML (write it as an escape inside double quotes)"
        return Problem(source, line, what)
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    cmark = getattr(exc, "context_mark", None)
    if context:
        where = f" at line {cmark.line + 1}" if cmark is not None and (mark is None or cmark.line != mark.line) else ""
        what = f"{what} ({context}{where})"
    return Problem(source, line, f"broken YAML: {what}")


def _slow_parse(text: str, source: str, strict: bool = False) -> tuple[_Tree | None, Problem | None]:
    """PyYAML's reading of a file the fast reader declined.

    The C parser (libyaml) first, for speed; on an error the pure-Python one,
    which is the reference (it reads ``\\ud800`` escapes that libyaml refuses).
    libyaml also accepts a few things the pure-Python parser refuses (a ``?``
    inside a plain scalar in a flow mapping, some tabs): ``strict`` (used by
    ``annotator validate``) reads with the pure-Python parser alone, ~7x slower.
    """
    last_error: Problem | None = None
    for loader_cls in _LOADERS[-1:] if strict else _LOADERS:
        try:
            return _slow_parse_with(text, loader_cls), None
        except _Refused as ref:
            return None, Problem(source, ref.line, ref.message)
        except yaml.YAMLError as exc:
            last_error = _yaml_error_problem(exc, text, source)
        except (RecursionError, MemoryError):
            last_error = Problem(source, None, "the YAML nests too deeply")
        except (ValueError, OverflowError) as exc:
            last_error = Problem(source, None, f"broken YAML: {exc}")
    return None, last_error


def _parse(text: str, source: str, strict: bool = False) -> tuple[_Tree | None, Problem | None]:
    try:
        return _fast_parse(text), None
    except _NotOurs:
        return _slow_parse(text, source, strict)


# ---------------------------------------------------------------------------
# Validation: data -> AnnotationSet + every problem
# ---------------------------------------------------------------------------

_TOP_KEYS = ("format", "document", "entities", "events", "attributions", "relations")
_DOC_KEYS = {"path", "sha256", "length"}
_COMMON = {"status", "by", "score", "suggested_by", "attrs"}
_ENTITY_KEYS = {"id", "label", "start", "end", "fragments", "text"} | _COMMON
_EVENT_KEYS = {"id", "type", "trigger", "arguments"} | _COMMON
_ATTRIBUTION_KEYS = {"id", "source", "cue", "content", "type"} | _COMMON
_RELATION_KEYS = {"id", "type", "arg1", "arg2"} | _COMMON
_SPAN_KEYS = {"start", "end", "fragments", "text"}
_ARG_KEYS = {"role", "ref"}


def _show(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _is_int(v: Any) -> bool:
    return type(v) is int


def _marked_lost(item: dict, part: str) -> bool:
    """Is this part of a parsed annotation marked lost (``attrs: {lost: true | [parts]}``)?"""
    attrs = item.get("attrs")
    if not isinstance(attrs, dict):
        return False
    flag = attrs.get("lost")
    if flag is True:
        return True
    return isinstance(flag, list) and part in flag


class _Checker:
    def __init__(self, tree: _Tree, source: str, article: str | None, article_sha: str | None, schema: Schema | None):
        self.tree = tree
        self.source = source
        self.article = article
        self.article_sha = article_sha
        self.schema = schema
        self.problems: list[Problem] = []
        self.changed_note = ""
        #: spans marked lost (``attrs: {lost: ...}``, see ``reanchor``): their text is
        #: not checked against the article; ``check_file`` lists them
        self.lost: list[Problem] = []
        self.ids: dict[str, int | None] = {}
        self._pending_refs: list[tuple[str, int | None, str]] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    # -- pieces ---------------------------------------------------------------
    def seq(self, top: dict, key: str) -> tuple[list, int | None]:
        if key not in top or top[key] is None:
            return [], None
        value = top[key]
        line = self.tree.key_line(top, key, None)
        if not isinstance(value, list):
            self.add(line, f"'{key}' must be a list, not {_show(value)}")
            return [], line
        return value, self.tree.line(value, line)

    def unknown_keys(self, d: dict, allowed: set, who: str, line: int | None) -> None:
        for k in d:
            if k not in allowed:
                self.add(self.tree.key_line(d, k, line), f"{who}: unknown key {_show(k)}")

    def opt_str(self, d: dict, key: str, who: str, line: int | None) -> str | None:
        v = d.get(key)
        if v is None or type(v) is str:
            return v
        self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a string, not {_show(v)}")
        return None

    def req_str(self, d: dict, key: str, who: str, line: int | None) -> str | None:
        if key not in d or d[key] is None:
            self.add(line, f"{who}: '{key}' is missing")
            return None
        v = d[key]
        if type(v) is not str or not v:
            self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a non-empty string, not {_show(v)}")
            return None
        return v

    def the_id(self, d: dict, line: int | None, kind: str) -> str | None:
        if "id" not in d:
            self.add(line, f"{kind} without an 'id'")
            return None
        v = d["id"]
        if type(v) is not str or not v:
            self.add(self.tree.key_line(d, "id", line), f"{kind} id must be a non-empty string, not {_show(v)}")
            return None
        if v in self.ids:
            first = self.ids[v]
            at = f" (first at line {first})" if first is not None else ""
            self.add(self.tree.key_line(d, "id", line), f"duplicate id {v}{at}")
            return None
        self.ids[v] = self.tree.key_line(d, "id", line)
        return v

    def common(self, d: dict, who: str, line: int | None) -> dict | None:
        """status, by, score, suggested_by, attrs -> keyword arguments (None if bad)."""
        ok = True
        kw: dict[str, Any] = {}
        status = d.get("status", ACCEPTED)
        if status is None:
            status = ACCEPTED
        if status not in STATUSES or type(status) is not str:
            what = f"{who}: status {_show(status)} must be accepted, suggested or rejected"
            self.add(self.tree.key_line(d, "status", line), what)
            ok = False
        kw["status"] = status
        for key in ("by", "suggested_by"):
            v = d.get(key)
            if v is not None and type(v) is not str:
                self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a string, not {_show(v)}")
                ok = False
            kw[key] = v
        score = d.get("score")
        if score is not None:
            if type(score) not in (int, float) or not math.isfinite(score):
                what = f"{who}: score must be a finite number, not {_show(score)}"
                self.add(self.tree.key_line(d, "score", line), what)
                ok = False
            else:
                score = float(score)
        kw["score"] = score
        attrs = d.get("attrs")
        if attrs is None:
            attrs = {}
        elif not isinstance(attrs, dict):
            self.add(self.tree.key_line(d, "attrs", line), f"{who}: attrs must be a mapping, not {_show(attrs)}")
            ok = False
        else:
            bad = self.bad_attr(attrs, 0)
            if bad:
                self.add(self.tree.key_line(d, "attrs", line), f"{who}: attrs: {bad}")
                ok = False
        kw["attrs"] = attrs
        return kw if ok else None

    def bad_attr(self, value: Any, depth: int) -> str | None:
        if depth > 50:
            return "nests too deeply"
        if value is None or type(value) in (str, int, bool):
            return None
        if type(value) is float:
            return None if math.isfinite(value) else f"{value!r} is not a finite number"
        if isinstance(value, list):
            for v in value:
                bad = self.bad_attr(v, depth + 1)
                if bad:
                    return bad
            return None
        if isinstance(value, dict):
            for k, v in value.items():
                if type(k) is not str:
                    return f"key {_show(k)} must be a string"
                bad = self.bad_attr(v, depth + 1)
                if bad:
                    return bad
            return None
        return f"{_show(value)} cannot be kept (quote dates and binary data)"

    def span(self, d: dict, who: str, line: int | None, lost: bool = False) -> Span | None:
        """A span from start/end (or fragments) and text; checked against the article.

        ``lost``: the span is marked lost (not found when the article changed):
        its offsets are checked, its text is not (it keeps the old text).
        """
        article = self.article
        start, end, text = d.get("start"), d.get("end"), d.get("text")
        if (
            not lost
            and type(start) is int
            and type(end) is int
            and type(text) is str
            and 0 <= start < end
            and "fragments" not in d
            and (article is None or (end <= len(article) and article[start:end] == text))
        ):
            return Span(((start, end),), text)
        has_pos = "start" in d or "end" in d
        if has_pos and "fragments" in d:
            self.add(line, f"{who}: give either start/end or fragments, not both")
            return None
        kline = self.tree.key_line
        if "fragments" in d:
            frs = d["fragments"]
            fline = kline(d, "fragments", line)
            if not isinstance(frs, list) or not frs:
                self.add(fline, f"{who}: fragments must be a list of [start, end] pairs, not {_show(frs)}")
                return None
            frags = []
            for fr in frs:
                if not (isinstance(fr, list) and len(fr) == 2 and _is_int(fr[0]) and _is_int(fr[1])):
                    self.add(fline, f"{who}: fragment {_show(fr)} must be a [start, end] pair of whole numbers")
                    return None
                frags.append((fr[0], fr[1]))
            for (s0, e0), (s1, e1) in zip(frags, frags[1:]):
                if s1 < e0:
                    self.add(fline, f"{who}: fragments must be in order and must not overlap")
                    return None
        else:
            start, end = d.get("start"), d.get("end")
            if start is None or end is None:
                missing = "start" if start is None else "end"
                self.add(line, f"{who}: '{missing}' is missing")
                return None
            ok = True
            for key, v in (("start", start), ("end", end)):
                if not _is_int(v):
                    self.add(kline(d, key, line), f"{who}: {key} must be a whole number, not {_show(v)}")
                    ok = False
            if not ok:
                return None
            frags = [(start, end)]
            fline = kline(d, "start", line)
        article = self.article
        for s, e in frags:
            if s < 0:
                self.add(fline, f"{who}: start {s} is negative")
                return None
            if e <= s:
                self.add(fline, f"{who}: end {e} must be after start {s}")
                return None
            if article is not None and e > len(article):
                what = f"{who}: end {e} is past the end of the article ({len(article)} characters)"
                self.add(fline, what + self.changed_note)
                return None
        text = d.get("text")
        if type(text) is not str:
            if "text" not in d:
                self.add(line, f"{who}: 'text' is missing")
            else:
                self.add(kline(d, "text", line), f"{who}: text must be a string, not {_show(text)}")
            return None
        fr = tuple(frags)
        if lost:
            where = f"{fr[0][0]}-{fr[0][1]}" if len(fr) == 1 else " ".join(f"{s}-{e}" for s, e in fr)
            self.lost.append(
                Problem(
                    self.source,
                    kline(d, "text", line),
                    f"span {who} {_show(text, 50)} not found in the changed article "
                    f"(kept at {where}, marked lost: tag it again or delete it)",
                )
            )
        elif article is not None:
            actual = article[fr[0][0] : fr[0][1]] if len(fr) == 1 else fragments_text(article, fr)
            if actual != text:
                where = f"{fr[0][0]}-{fr[0][1]}" if len(fr) == 1 else " ".join(f"{s}-{e}" for s, e in fr)
                self.add(
                    kline(d, "text", line),
                    f"{who}: text {_show(text, 50)} does not match the article at {where}, "
                    f"which reads {_show(actual, 50)}{self.changed_note}",
                )
        return Span(fr, text)

    def span_part(self, d: dict, key: str, who: str, line: int | None, lost: bool = False) -> Span | None:
        v = d[key]
        pline = self.tree.key_line(d, key, line)
        if not isinstance(v, dict):
            self.add(pline, f"{who}: {key} must be a mapping {{start, end, text}}, not {_show(v)}")
            return None
        self.unknown_keys(v, _SPAN_KEYS, f"{who} {key}", pline)
        return self.span(v, f"{who} {key}", self.tree.line(v, pline), lost)

    # -- the whole file ---------------------------------------------------------
    def run(self) -> AnnotationSet | None:
        data = self.tree.data
        tree = self.tree
        if not isinstance(data, dict):
            what = f"not an annotator file: expected a mapping starting with 'format: {FORMAT}'"
            self.add(tree.line(data, 1) if data is not None else 1, what)
            return None
        fmt = data.get("format")
        if fmt != FORMAT:
            if "format" not in data:
                self.add(tree.line(data, 1), f"no 'format' key: not an annotator file (expected 'format: {FORMAT}')")
            else:
                self.add(tree.key_line(data, "format", 1), f"format is {_show(fmt)}; this version reads only {FORMAT}")
            return None
        for line, key in tree.dups:
            self.add(line, f"key {_show(key)} appears twice in one mapping (the last one would win)")
        for k in data:
            if k not in _TOP_KEYS:
                self.add(tree.key_line(data, k, None), f"unknown top-level key {_show(k)}")

        document = self.document(data)
        if document is None:
            return None
        aset = AnnotationSet(document)
        self.entities(data, aset)
        self.events(data, aset)
        self.attributions(data, aset)
        self.relations(data, aset)
        self.refs(aset)
        return aset

    def document(self, data: dict) -> Document | None:
        tree = self.tree
        d = data.get("document")
        dline = tree.key_line(data, "document", tree.line(data, 1))
        if d is None:  # only ``load_file`` needs it (for the path): it says so
            d = {}
        if not isinstance(d, dict):
            self.add(dline, f"document must be a mapping {{path, sha256, length}}, not {_show(d)}")
            return None
        dline = tree.line(d, dline)
        self.unknown_keys(d, _DOC_KEYS, "document", dline)
        path = self.opt_str(d, "path", "document", dline)
        sha = self.opt_str(d, "sha256", "document", dline)
        length = d.get("length")
        if length is not None and not (_is_int(length) and length >= 0):
            self.add(tree.key_line(d, "length", dline), f"document: length must be a whole number, not {_show(length)}")
        if self.article is not None and sha is not None and self.article_sha is not None and sha != self.article_sha:
            self.changed_note = " (the article has changed since this file was saved: its sha256 differs)"
        text = self.article if self.article is not None else ""
        out_sha = self.article_sha if self.article is not None and self.article_sha is not None else sha
        return Document(text, path, out_sha)

    def entities(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "entities")
        table = aset.entities
        tree = self.tree
        schema_labels = set(self.schema.entity_names) if self.schema is not None else None
        ids = self.ids
        lines = tree.lines
        article = self.article
        alen = len(article) if article is not None else None
        for k, item in enumerate(items):
            items[k] = None  # let the parsed mapping go as soon as it is read: lower peak memory
            line = lines.get(id(item), sline)
            # Fast path: a well-formed contiguous entity without fragments or attrs.
            if type(item) is dict:
                eid = item.get("id")
                label = item.get("label")
                start = item.get("start")
                end = item.get("end")
                text = item.get("text")
                by = item.get("by")
                status = item.get("status")
                score = item.get("score")
                sby = item.get("suggested_by")
                if (
                    len(item) == 5 + (by is not None) + (status is not None) + (score is not None) + (sby is not None)
                    and type(eid) is str
                    and type(label) is str
                    and type(start) is int
                    and type(end) is int
                    and type(text) is str
                    and (by is None or type(by) is str)
                    and (status is None or (type(status) is str and status in STATUSES))
                    and (sby is None or type(sby) is str)
                    and (score is None or (type(score) in (int, float) and math.isfinite(score)))
                    and eid
                    and label
                    and eid not in ids
                    and 0 <= start < end
                    and (schema_labels is None or label in schema_labels)
                    and (article is None or (end <= alen and article[start:end] == text))
                ):
                    ids[eid] = line
                    table[eid] = Entity(
                        eid,
                        label,
                        Span(((start, end),), text),
                        status or ACCEPTED,
                        by,
                        None if score is None else float(score),
                        sby,
                    )
                    continue
            if not isinstance(item, dict):
                self.add(line, f"an entity must be a mapping {{id, label, start, end, text}}, not {_show(item)}")
                continue
            eid = self.the_id(item, line, "entity")
            who = eid or "entity"
            if not _ENTITY_KEYS.issuperset(item):
                self.unknown_keys(item, _ENTITY_KEYS, who, line)
            label = self.req_str(item, "label", who, line)
            if label is not None and schema_labels is not None and label not in schema_labels:
                known = ", ".join(self.schema.entity_names)
                self.add(tree.key_line(item, "label", line), f"{who}: label {label!r} is not in the schema ({known})")
            span = self.span(item, who, line, _marked_lost(item, "span"))
            kw = self.common(item, who, line)
            if eid is None or label is None or span is None or kw is None:
                continue
            table[eid] = Entity(eid, label, span, **kw)

    def events(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "events")
        tree = self.tree
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"an event must be a mapping {{id, type, trigger, arguments}}, not {_show(item)}")
                continue
            eid = self.the_id(item, line, "event")
            who = eid or "event"
            self.unknown_keys(item, _EVENT_KEYS, who, line)
            etype = self.req_str(item, "type", who, line)
            if etype is not None and self.schema is not None and not self.schema.has_event(etype):
                known = ", ".join(self.schema.event_names)
                self.add(tree.key_line(item, "type", line), f"{who}: event type {etype!r} is not in the schema ({known})")
            trigger = None
            if item.get("trigger") is None:
                self.add(line, f"{who}: 'trigger' is missing")
            else:
                trigger = self.span_part(item, "trigger", who, line, _marked_lost(item, "trigger"))
            args: list[Argument] | None = []
            raw_args = item.get("arguments")
            aline = tree.key_line(item, "arguments", line)
            if raw_args is None:
                raw_args = []
            if not isinstance(raw_args, list):
                self.add(aline, f"{who}: arguments must be a list of {{role, ref}}, not {_show(raw_args)}")
                args = None
                raw_args = []
            roles = None
            if self.schema is not None and etype is not None and self.schema.has_event(etype):
                roles = self.schema.roles(etype)
            for arg in raw_args:
                argline = tree.line(arg, aline)
                if not isinstance(arg, dict):
                    self.add(argline, f"{who}: an argument must be a mapping {{role, ref}}, not {_show(arg)}")
                    args = None
                    continue
                self.unknown_keys(arg, _ARG_KEYS, f"{who} argument", argline)
                role = self.req_str(arg, "role", f"{who} argument", argline)
                ref = self.req_str(arg, "ref", f"{who} argument", argline)
                if role is not None and roles is not None and role not in roles:
                    self.add(argline, f"{who}: role {role!r} is not a role of {etype} ({', '.join(roles)})")
                if role is None or ref is None:
                    args = None
                elif args is not None:
                    args.append(Argument(role, ref))
                    what = f"{who}: argument {role} refers to {ref}, which is not in the file"
                    self._pending_refs.append((ref, argline, what))
            kw = self.common(item, who, line)
            if eid is None or etype is None or trigger is None or args is None or kw is None:
                continue
            aset.events[eid] = Event(eid, etype, trigger, tuple(args), **kw)

    def attributions(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "attributions")
        tree = self.tree
        types = self.schema.attribution_types if self.schema is not None else None
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"an attribution must be a mapping {{id, source, cue, content}}, not {_show(item)}")
                continue
            aid = self.the_id(item, line, "attribution")
            who = aid or "attribution"
            self.unknown_keys(item, _ATTRIBUTION_KEYS, who, line)
            ok = True
            source: Ref | Span | None = None
            src = item.get("source")
            if src is not None:
                sl = tree.key_line(item, "source", line)
                if isinstance(src, dict) and "ref" in src:
                    if len(src) != 1:
                        self.add(sl, f"{who}: source is either {{ref: ID}} or a span {{start, end, text}}, not both")
                        ok = False
                    elif type(src["ref"]) is not str or not src["ref"]:
                        self.add(sl, f"{who}: source ref must be an id, not {_show(src['ref'])}")
                        ok = False
                    else:
                        source = Ref(src["ref"])
                        what = f"{who}: source refers to {src['ref']}, which is not in the file"
                        self._pending_refs.append((src["ref"], sl, what))
                else:
                    source = self.span_part(item, "source", who, line, _marked_lost(item, "source"))
                    ok = ok and source is not None
            parts: dict[str, Span | None] = {}
            for key in ("cue", "content"):
                if item.get(key) is None:
                    parts[key] = None
                else:
                    parts[key] = self.span_part(item, key, who, line, _marked_lost(item, key))
                    ok = ok and parts[key] is not None
            atype = item.get("type")
            if atype is not None:
                if type(atype) is not str:
                    self.add(tree.key_line(item, "type", line), f"{who}: type must be a string, not {_show(atype)}")
                    ok = False
                elif types is not None and atype not in types:
                    what = f"{who}: attribution type {atype!r} must be one of {', '.join(types)}"
                    self.add(tree.key_line(item, "type", line), what)
                    ok = False
            kw = self.common(item, who, line)
            if aid is None or not ok or kw is None:
                continue
            aset.attributions[aid] = Attribution(aid, source, parts["cue"], parts["content"], atype, **kw)

    def relations(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "relations")
        tree = self.tree
        rtypes = self.schema.relation_types if self.schema is not None else ()
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"a relation must be a mapping {{id, type, arg1, arg2}}, not {_show(item)}")
                continue
            rid = self.the_id(item, line, "relation")
            who = rid or "relation"
            self.unknown_keys(item, _RELATION_KEYS, who, line)
            rtype = self.req_str(item, "type", who, line)
            if rtype is not None and rtypes and rtype not in rtypes:
                what = f"{who}: relation type {rtype!r} is not in the schema ({', '.join(rtypes)})"
                self.add(tree.key_line(item, "type", line), what)
            arg1 = self.req_str(item, "arg1", who, line)
            arg2 = self.req_str(item, "arg2", who, line)
            for key, ref in (("arg1", arg1), ("arg2", arg2)):
                if ref is not None:
                    what = f"{who}: {key} refers to {ref}, which is not in the file"
                    self._pending_refs.append((ref, tree.key_line(item, key, line), what))
            kw = self.common(item, who, line)
            if rid is None or rtype is None or arg1 is None or arg2 is None or kw is None:
                continue
            aset.relations[rid] = Relation(rid, rtype, arg1, arg2, **kw)

    def refs(self, aset: AnnotationSet) -> None:
        ids = self.ids
        for ref, line, message in self._pending_refs:
            if ref not in ids:
                self.add(line, message)


@contextlib.contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while building many small objects.

    Reading 50,000 entities allocates hundreds of thousands of objects and no
    cycles; the collector would otherwise walk the growing heap again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check(
    tree: _Tree, source: str, article: str | Document | None, schema: Schema | None
) -> tuple[AnnotationSet | None, list[Problem]]:
    checker, aset = _check_full(tree, source, article, schema)
    return aset, checker.problems


def _check_full(
    tree: _Tree, source: str, article: str | Document | None, schema: Schema | None
) -> tuple["_Checker", AnnotationSet | None]:
    if isinstance(article, Document):
        text, sha = article.text, article.sha256
    elif article is not None:
        text, sha = article, hashlib.sha256(article.encode("utf-8", "surrogatepass")).hexdigest()
    else:
        text, sha = None, None
    checker = _Checker(tree, source, text, sha, schema)
    aset = checker.run()
    return checker, aset


def _recorded_length(tree: _Tree) -> int | None:
    """``document.length`` as the file has it (before the checker consumes the tree)."""
    data = tree.data
    doc = data.get("document") if isinstance(data, dict) else None
    length = doc.get("length") if isinstance(doc, dict) else None
    return length if _is_int(length) and length >= 0 else None


def _reanchored(
    text: str, source: str, doc: Document, schema: Schema | None, strict: bool = False
) -> tuple["_Checker | None", AnnotationSet | None, Any]:
    """Read the file without the article and re-find its spans in ``doc``.

    (checker, set, report); the set is None when the file has problems of its
    own (then the checker lists them)."""
    from .reanchor import reanchor

    with _no_gc():
        tree, _problem = _parse(text, source, strict)
        if tree is None:
            return None, None, None
        old_length = _recorded_length(tree)
        checker, aset = _check_full(tree, source, None, schema)
    if aset is None or checker.problems:
        return checker, None, None
    fixed, report = reanchor(aset, doc, old_length=old_length)
    return checker, fixed, report


def problems(
    text: str,
    source: str = "<string>",
    *,
    article: str | Document | None = None,
    schema: Schema | None = None,
) -> tuple[AnnotationSet | None, list[Problem]]:
    """Read a format-1 file and list every problem in it (``file:line: what``).

    ``article`` (its text, or the ``Document`` from ``read_article``) turns on
    the span checks; ``schema`` the label / type / role checks. The set is
    returned whenever the file is a readable format-1 file, holding each
    annotation that could be built (a span whose text does not match the
    article is kept, with the file's text, so that it can be re-anchored); it is
    None when the file is not YAML or not format 1. A file whose sha256 differs
    from the article's is fine as long as every span still matches.
    """
    with _no_gc():
        tree, problem = _parse(text, source)
        if tree is None:
            return None, [problem] if problem is not None else [Problem(source, None, "cannot read the file")]
        return _check(tree, source, article, schema)


def loads(
    text: str,
    source: str = "<string>",
    *,
    article: str | Document | None = None,
    schema: Schema | None = None,
) -> AnnotationSet:
    """Read a format-1 file; ``ValidationError`` listing every problem if any.

    Without ``article`` the set's ``document.text`` is empty (a placeholder).
    """
    aset, probs = problems(text, source, article=article, schema=schema)
    if probs:
        raise ValidationError(probs)
    assert aset is not None
    return aset


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


#: Larger files are refused at once (a book is a few MiB): the app keeps tokens,
#: rows and marks for the whole article in memory.
MAX_ARTICLE_BYTES = 32 * 2**20


def read_article(path: str | os.PathLike) -> Document:
    """Read an article: raw bytes hashed, UTF-8 decoded strictly, ``\\r`` kept.

    A leading UTF-8 byte-order mark is not part of the text: offsets count from
    the character after it (as spaCy, brat and Python's ``utf-8-sig`` see the
    text); ``sha256`` is still that of the raw bytes, BOM included.
    ``InputError`` naming the file for a missing path, a folder, a binary or
    non-UTF-8 file, or an empty one.
    """
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise InputError(where, "no such article file")
    if p.is_dir():
        raise InputError(where, "is a folder, not an article (.txt file)")
    size = p.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise InputError(
            where,
            f"is {size / 2**20:.0f} MiB; articles up to {MAX_ARTICLE_BYTES // 2**20} MiB can be opened (split it)",
        )
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(where, f"cannot read the article: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise InputError(where, "is a binary file (it contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(where, "the article is empty")
    return Document(text, str(path), hashlib.sha256(raw).hexdigest())


def annotation_path(article_path: str | os.PathLike, annotations_dir: str | os.PathLike) -> Path:
    """``<annotations_dir>/<article stem>.yaml``."""
    return Path(annotations_dir) / f"{Path(article_path).stem}.yaml"


def _relative_path(article_path: str | os.PathLike, yaml_path: str | os.PathLike) -> str:
    folder = os.path.dirname(os.path.abspath(yaml_path))
    target = os.path.abspath(article_path)
    try:
        rel = os.path.relpath(target, folder)
    except ValueError:  # another drive (Windows)
        rel = target
    return Path(rel).as_posix()


def new_set(document: Document, yaml_path: str | os.PathLike) -> AnnotationSet:
    """An empty set whose ``document.path`` is the article relative to the YAML's folder."""
    path = _relative_path(document.path, yaml_path) if document.path is not None else None
    return AnnotationSet(Document(document.text, path, document.sha256))


def _read_yaml_text(yaml_path: Path) -> str:
    where = str(yaml_path)
    if yaml_path.is_dir():
        raise InputError(where, "is a folder, not an annotation file")
    try:
        raw = yaml_path.read_bytes()
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text (bad byte at byte {exc.start})") from None


class Opened:
    """An article's annotations as opened for editing (see ``open_article``)."""

    __slots__ = ("aset", "reanchored", "yaml_path", "yaml_sha")

    def __init__(self, aset: AnnotationSet, reanchored: Any, yaml_path: Path, yaml_sha: str):
        self.aset = aset
        #: a ``reanchor.Report`` when the article changed and spans were re-found
        #: (the set then differs from the file: save it); None otherwise
        self.reanchored = reanchored
        self.yaml_path = yaml_path
        #: sha256 of the YAML file's bytes as read ("" when there is no file): the
        #: journal's base
        self.yaml_sha = yaml_sha


def open_article(
    article_path: str | os.PathLike, annotations_dir: str | os.PathLike, schema: Schema | None = None
) -> Opened:
    """The article's annotations (an empty set when it has no file yet), re-anchored if need be.

    When every span still matches the article, the file is read as it is. When
    the article's sha256 differs from the file's and spans no longer match,
    they are re-found (``reanchor``): the set holds them at their new offsets
    (lost ones kept and marked) and ``reanchored`` reports it. Any other
    problem raises ``ValidationError`` (the app never overwrites such a file).
    The set's ``document`` is the article as read now (its path relative to
    the YAML file, its current sha256).
    """
    doc = read_article(article_path)
    yaml_path = annotation_path(article_path, annotations_dir)
    if not yaml_path.exists():
        return Opened(new_set(doc, yaml_path), None, yaml_path, "")
    text = _read_yaml_text(yaml_path)
    yaml_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = str(yaml_path)
    with _no_gc():
        tree, problem = _parse(text, source)
        if tree is None:
            raise ValidationError([problem] if problem is not None else [Problem(source, None, "cannot read the file")])
        checker, aset = _check_full(tree, source, doc, schema)
    report = None
    if checker.problems:
        if not checker.changed_note:  # the article is the one annotated: the file is wrong
            raise ValidationError(checker.problems)
        _, fixed, report = _reanchored(text, source, doc, schema)
        if fixed is None:
            raise ValidationError(checker.problems)
        aset = fixed
    assert aset is not None
    aset.document.path = _relative_path(article_path, yaml_path)
    return Opened(aset, report, yaml_path, yaml_sha)


def load_for_article(
    article_path: str | os.PathLike, annotations_dir: str | os.PathLike, schema: Schema | None = None
) -> AnnotationSet:
    """The article's annotations, or an empty set when it has no file yet.

    A file with problems raises ``ValidationError`` (the app never overwrites it).
    Spans of a changed article are re-found (see ``open_article``, which also
    says what moved). The set's ``document`` is the article as read now (its
    path relative to the YAML file, its current sha256).
    """
    return open_article(article_path, annotations_dir, schema).aset


def check_file(
    yaml_path: str | os.PathLike, schema: Schema | None = None, *, strict: bool = False
) -> tuple[AnnotationSet | None, list[Problem]]:
    """Every problem of one annotation file, its article found through ``document.path``.

    ``strict``: a file the fast reader declines must also satisfy PyYAML's
    pure-Python safe loader, the reference (see ``_slow_parse``).

    When the article changed (sha256 differs) and spans no longer match, they
    are re-found (see ``reanchor``): the set returned holds them at their new
    offsets, and only the spans that cannot be found are problems, as are
    spans marked lost in the file.
    """
    aset, probs, _report = check_file_report(yaml_path, schema, strict=strict)
    return aset, probs


def check_file_report(
    yaml_path: str | os.PathLike, schema: Schema | None = None, *, strict: bool = False
) -> tuple[AnnotationSet | None, list[Problem], Any]:
    """``check_file`` plus the re-anchoring report (None when the spans matched as they were)."""
    p = Path(yaml_path)
    where = str(p)
    try:
        text = _read_yaml_text(p)
    except InputError as err:
        return None, [Problem(where, None, err.problem)], None
    with _no_gc():
        tree, problem = _parse(text, where, strict)
    if tree is None:
        return None, ([problem] if problem is not None else []), None
    article: Document | None = None
    extra: list[Problem] = []
    data = tree.data
    doc = data.get("document") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if isinstance(doc, dict):
        rel = doc.get("path")
        pline = tree.key_line(doc, "path", tree.line(doc, None))
        if rel is None:
            extra.append(Problem(where, pline, "document.path is missing: cannot check the spans against the article"))
        elif type(rel) is str:
            article_path = p.parent / rel
            try:
                article = read_article(article_path)
            except InputError as err:
                extra.append(Problem(where, pline, f"article {rel} (relative to this file): {err.problem}"))
    with _no_gc():
        checker, aset = _check_full(tree, where, article, schema)
    probs = checker.problems
    if probs and checker.changed_note and article is not None:
        fixed_checker, fixed, report = _reanchored(text, where, article, schema, strict)
        if fixed is not None and fixed_checker is not None:
            lines = fixed_checker.ids
            lost = []
            for x in report.lost:
                where_ = ",".join(f"{s}-{e}" for s, e in x.fragments)
                what = x.id if x.part == "span" else f"{x.id} {x.part}"
                lost.append(
                    Problem(
                        where,
                        lines.get(x.id),
                        f"span {what} {_show(x.text, 50)} not found in the changed article "
                        f"(kept at {where_}, marked lost when opened: tag it again or delete it)",
                    )
                )
            return fixed, extra + lost, report
    return aset, extra + probs + checker.lost, None


def load_file(yaml_path: str | os.PathLike, schema: Schema | None = None) -> AnnotationSet:
    """Read a file and its article (through ``document.path``); ``ValidationError`` on any problem."""
    aset, probs = check_file(yaml_path, schema)
    if probs:
        raise ValidationError(probs)
    assert aset is not None
    return aset


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write a file so that it is either all old or all new, never half-written.

    A temporary file in the same folder is written, flushed and fsynced, then
    renamed over the target, then the folder is fsynced. On any failure the old
    file is untouched, the temporary file removed, and the exception propagates.
    The folder is created if missing; an existing file keeps its permissions.
    """
    p = Path(path)
    folder = p.parent
    folder.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        mode = os.stat(p).st_mode & 0o7777
    except OSError:
        mode = None
    tmp = folder / f".{p.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666 if mode is None else mode)
    try:
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def save(aset: AnnotationSet, yaml_path: str | os.PathLike) -> None:
    """Write the set's canonical YAML atomically (folder created if missing)."""
    write_atomic(yaml_path, dumps(aset))


def _expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file()))
        else:
            out.append(p)
    return out


def validate_paths(paths: Iterable[str | os.PathLike], schema: Schema | None = None) -> list[Problem]:
    """Every problem in the given files (folders: their .yaml files); changes nothing."""
    found: list[Problem] = []
    for p in _expand(paths):
        found.extend(check_file(p, schema, strict=True)[1])
    return found
