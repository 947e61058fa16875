"""The fast reader: a line-based reader for the YAML subset the writer emits.

It also takes the common hand edits (comments, blank lines, reordered keys,
CRLF, single quotes, indented sequences). It accepts a line only when it is
sure ``yaml.safe_load`` reads it the same way (the scanner's rules for plain
scalars, escapes and indicators, copied from the PyYAML version pinned in
pyproject.toml); anything else raises ``NotOurs`` and the file goes to
``pyyaml_reader``.
"""

from __future__ import annotations

import re
from types import GeneratorType
from typing import Any

from .scalars import DECIMAL, INT_TAG, STR_TAG, pyyaml
from .scalars import PLAIN_R_CHECKED as PLAIN_R  # (the text is checked first: see _FastReader)
from .tree import NotOurs, Tree

#: Raw characters that send a file to the fallback (YAML non-printables, NEL,
#: LS/PS line breaks, BOM, lone CR).
_FAST_BAD = re.compile(
    "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff\\r]"
)


class _Lazy:
    """A pattern of this module compiled when first used: on the first attribute
    asked (``.match``, ``.sub``), the module's name is bound to the compiled
    pattern itself. For the patterns of what the writer does not write (quotes,
    escapes, comments): a file of its own, such as the seed's gold, needs none,
    and compiling them was ~0.4 ms of the app's first frame."""

    __slots__ = ("name", "source")

    def __init__(self, name: str, source: str):
        self.name, self.source = name, source

    def __getattr__(self, attr: str):
        compiled = globals()[self.name] = re.compile(self.source)
        return getattr(compiled, attr)


_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,900}):(?: +|$)")
_DQ = _Lazy("_DQ", r'"((?:[^"\\]|\\.)*)"')
_SQ = _Lazy("_SQ", r"'((?:[^']|'')*)'")
_SPACES = re.compile(r" *")
_COMMENT_REST = _Lazy("_COMMENT_REST", r"(?: +#.*)?")
_YAML_ESC = _Lazy("_YAML_ESC", r"\\(?:(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|(.))")

#: PyYAML's ``Scanner.ESCAPE_REPLACEMENTS`` (a test checks it is the same), so that
#: the readers need not import PyYAML
_ESC_REPL = {
    "0": "\x00", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "\\": "\\", "/": "/", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_MAX_DEPTH = 40


def _unescape_one(m: re.Match) -> str:
    code, ch = m.group(1), m.group(2)
    if code is not None:
        n = int(code[1:], 16)
        if n > 0x10FFFF:
            raise NotOurs
        return chr(n)
    rep = _ESC_REPL.get(ch)
    if rep is None:
        raise NotOurs
    return rep


def _unescape(body: str) -> str:
    return _YAML_ESC.sub(_unescape_one, body) if "\\" in body else body


#: Words PyYAML resolves to bool or null; with a first character in
#: ``_NUMERIC_FIRST`` they cover every plain scalar that may not be a string.
_SPECIAL_WORDS = frozenset(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)
_NUMERIC_FIRST = frozenset("-+.0123456789~=<!&*")


#: After a ".": the words of PyYAML's floats ``.inf`` and ``.nan``.
_DOT_WORDS = frozenset("inf Inf INF nan NaN NAN".split())


def _maybe_not_str(tok: str) -> bool:
    """False when PyYAML surely resolves the plain scalar ``tok`` to a string."""
    if not tok:
        return True
    c0 = tok[0]
    if c0 == ".":
        # PyYAML's only resolver for a first "." is the float's: "." then a digit,
        # or .inf / .nan; so a path such as ../seeds/x.txt is a string without it
        return len(tok) > 1 and ("0" <= tok[1] <= "9" or tok[1:] in _DOT_WORDS)
    return c0 in _NUMERIC_FIRST or tok in _SPECIAL_WORDS


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
        self.tree = Tree()
        self.cache: dict[str, Any] = {}
        self.text = text

    # -- scalars --------------------------------------------------------------
    def plain(self, tok: str) -> Any:
        cache = self.cache
        v = cache.get(tok, cache)
        if v is cache:
            if PLAIN_R.fullmatch(tok) is None:
                raise NotOurs
            if not _maybe_not_str(tok):
                v = tok
            elif DECIMAL.fullmatch(tok):
                v = int(tok)
            else:
                resolver, constructor, scalar_node, safe_constructor = pyyaml()
                tag = resolver.resolve(scalar_node, tok, (True, False))
                if tag == STR_TAG:
                    v = tok
                elif tag == INT_TAG and DECIMAL.fullmatch(tok):
                    v = int(tok)
                else:
                    fn = safe_constructor.yaml_constructors.get(tag)
                    if fn is None:
                        raise NotOurs
                    try:
                        v = fn(constructor, scalar_node(tag, tok))
                    except Exception:
                        raise NotOurs from None
                    if isinstance(v, (GeneratorType, list, dict)):
                        raise NotOurs
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
                if t is not None and t[0] != '"' and PLAIN_R.fullmatch(t) is None:
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
                if k == "v" and t[0] != '"' and PLAIN_R.fullmatch(t) is None:
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
        except NotOurs:
            return None
        return d

    def value(self, s: str, i: int, depth: int, ln: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise NotOurs
        c = s[i : i + 1]
        if c == "{":
            return self.flow_map(s, i, depth, ln)
        if c == "[":
            return self.flow_seq(s, i, depth, ln)
        if c == '"':
            m = _DQ.match(s, i)
            if m is None:
                raise NotOurs
            return _unescape(m.group(1)), m.end()
        if c == "'":
            m = _SQ.match(s, i)
            if m is None:
                raise NotOurs
            return m.group(1).replace("''", "'"), m.end()
        m = PLAIN_R.match(s, i)
        if m is None:
            raise NotOurs
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
                raise NotOurs  # complex keys
            key_start = i
            key, i = self.value(s, i, depth + 1, ln)
            if s[i : i + 2] != ": " or i - key_start > 900:
                raise NotOurs
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
                raise NotOurs
            i = _SPACES.match(s, i + 1).end()
            if s[i : i + 1] in ("}", ""):
                raise NotOurs  # trailing comma: leave it to PyYAML

    def flow_seq(self, s: str, i: int, depth: int, ln: int) -> tuple[list, int]:
        out: list = []
        self.tree.lines[id(out)] = ln
        i = _SPACES.match(s, i + 1).end()
        if s[i : i + 1] == "]":
            return out, i + 1
        while True:
            val, i = self.value(s, i, depth + 1, ln)
            if s[i : i + 2] == ": " or s[i : i + 1] == ":":
                raise NotOurs  # single-pair mapping inside a sequence
            out.append(val)
            i = _SPACES.match(s, i).end()
            c = s[i : i + 1]
            if c == "]":
                return out, i + 1
            if c != ",":
                raise NotOurs
            i = _SPACES.match(s, i + 1).end()
            if s[i : i + 1] in ("]", ""):
                raise NotOurs

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
            raise NotOurs
        return val

    # -- block structure ------------------------------------------------------
    def parse(self) -> Tree:
        text = self.text
        if text[:1] == "\ufeff":  # a byte-order mark at the start is not content (PyYAML too)
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if _FAST_BAD.search(text):
            raise NotOurs
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
            raise NotOurs
        data, i = self.node(0, rows[0][1], 0)
        if i != len(rows):
            raise NotOurs
        tree.data = data
        return tree

    def node(self, i: int, indent: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise NotOurs
        c = self.rows[i][2]
        if c == "-" or c.startswith("- "):
            return self.block_seq(i, indent, depth)
        if _KEY.match(c):
            return self.block_map(i, indent, depth)
        raise NotOurs

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
                raise NotOurs
            m = _KEY.match(c)
            if m is None:
                if c == "-" or c.startswith("- "):
                    break  # the parent (a sequence at this indent) goes on
                raise NotOurs
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
                raise NotOurs
            if c[:2] != "- ":
                if c == "-":
                    raise NotOurs
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
                raise NotOurs
            if _KEY.match(rest):
                col = indent + 2 + pad
                rows[i] = (ln, col, rest)
                value, i = self.block_map(i, col, depth + 1)
            else:
                value = inline(rest, ln)
                i += 1
            append(value)
        return out, i


def fast_parse(text: str) -> Tree:
    """Read our subset of YAML exactly as PyYAML's safe loader would; ``NotOurs`` otherwise."""
    try:
        return _FastReader(text).parse()
    except (ValueError, RecursionError):  # ValueError: an int of over 4300 digits
        raise NotOurs from None
