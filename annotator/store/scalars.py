"""Plain YAML scalars: what the writer may write unquoted and the fast reader accepts.

Shared by the writer (what may be plain) and the fast reader (what it accepts
as plain). The reader's set contains the writer's, so our own files always
take the fast path. The rules follow PyYAML's scanner and resolver (the
version pinned in pyproject.toml).
"""

from __future__ import annotations

import math
import re
from typing import Any

#: Characters never written raw in a plain scalar: C0/C1 controls (tab, breaks,
#: NEL included), DEL, line/paragraph separators, surrogates, BOM, non-characters.
#: Those of Latin-1, then the others (the "wide" ones).
_EXC_LATIN1 = "\\x00-\\x1f\\x7f-\\x9f"
_EXC_WIDE = "\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
_EXC = _EXC_LATIN1 + _EXC_WIDE


def _plain_parts(exc: str) -> tuple[str, str, str]:
    """(first, middle, after spaces) of a plain scalar, ``exc`` never in one."""
    # A "middle" character: anything but space, EXC, ':', '?' and flow indicators.
    mid_ch = f"[^ {exc}:?,\\[\\]{{}}]"
    # A character that may follow spaces inside a plain scalar ('#' would start a comment).
    after_sp = f"[^ {exc}:?,\\[\\]{{}}#]"
    mid = f"(?:{mid_ch}|:(?={mid_ch})| +(?={after_sp}))"
    first = f"[^ {exc}\\-?:,\\[\\]{{}}#&*!|>'\"%@`]"
    return first, mid, after_sp


def _plain_r_src(exc: str) -> str:
    first, mid, after_sp = _plain_parts(exc)
    return f"(?:{first}|-(?={after_sp})){mid}*"


_FIRST, _MID, _AFTER_SP = _plain_parts(_EXC)
#: What the writer may write plain (before the resolver check); compiled on first
#: write, with the two other patterns only the writer uses (``_writer``): opening an
#: article writes nothing before its first frame.
_PLAIN_W_SRC = f"{_FIRST}{_MID}*"
#: What the reader accepts as a plain token (also '-3', '-x': '-' then non-blank):
#: ``PLAIN_R``, compiled when first used (see ``__getattr__``; the readers use
#: ``PLAIN_R_CHECKED``).
_PLAIN_R_SRC = _plain_r_src(_EXC)
#: ``PLAIN_R`` for text holding none of the wide characters of ``_EXC``, which the
#: fast reader checks before it reads a token (``fast_reader._FAST_BAD`` holds
#: them all, and the direct readers check the whole text against it too): on such
#: text both match the same, character for character. Compiled in a fifth of the
#: time: a class with a character beyond Latin-1 is a map of all 65,536 of the
#: BMP (and the surrogates' range is set one by one), each of PLAIN_R's five
#: classes 0.3 ms of the app's start.
PLAIN_R_CHECKED = re.compile(_plain_r_src(_EXC_LATIN1))

#: Strings a YAML 1.2 core-schema reader (or a YAML 1.1 one using y/n) would not
#: read as strings: quote them too, so the files travel well.
_NOT_STR_ANYWHERE_SRC = (
    r"""(?:null|Null|NULL|~|y|Y|n|N
    |true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)"""
)

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")

#: Characters to escape inside double quotes (besides backslash and quote).
_DQ_ESCAPE_SRC = f'[\\\\"{_EXC}]'
_WRITER: tuple[re.Pattern, re.Pattern, re.Pattern] | None = None


def _writer() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The writer's patterns: what may be plain, what is not a string anywhere, what to escape."""
    global _WRITER
    if _WRITER is None:
        _WRITER = (re.compile(_PLAIN_W_SRC), re.compile(_NOT_STR_ANYWHERE_SRC, re.X), re.compile(_DQ_ESCAPE_SRC))
    return _WRITER


_DQ_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    named = _DQ_NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_PYYAML: tuple[Any, Any, Any, Any] | None = None


def pyyaml() -> tuple[Any, Any, Any, Any]:
    """PyYAML's resolver and safe constructor (one each), ``ScalarNode`` and ``SafeConstructor``.

    Imported when first needed: reading a file in the writer's layout (the
    direct reader) and writing most strings need none of it, and importing
    PyYAML was a twentieth of the app's start.
    """
    global _PYYAML
    if _PYYAML is None:
        from yaml.constructor import SafeConstructor
        from yaml.nodes import ScalarNode
        from yaml.resolver import Resolver

        _PYYAML = (Resolver(), SafeConstructor(), ScalarNode, SafeConstructor)
    return _PYYAML


def __getattr__(name: str) -> Any:
    # ``RESOLVER``, ``CONSTRUCTOR`` and ``PLAIN_R`` as module names, built on first use
    if name == "RESOLVER":
        return pyyaml()[0]
    if name == "CONSTRUCTOR":
        return pyyaml()[1]
    if name == "PLAIN_R":
        value = globals()["PLAIN_R"] = re.compile(_PLAIN_R_SRC)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _resolves_to_str(s: str) -> bool:
    resolver, _, scalar_node, _ = pyyaml()
    return resolver.resolve(scalar_node, s, (True, False)) == STR_TAG


def _plain_ok(s: str) -> bool:
    plain_w, not_str_anywhere, _ = _writer()
    return (
        plain_w.fullmatch(s) is not None
        and not s[0].isspace()
        and not s[-1].isspace()
        and not_str_anywhere.fullmatch(s) is None
        and _resolves_to_str(s)
    )


QUOTE_CACHE: dict[str, str] = {}


def scalar(s: str) -> str:
    """A string as a YAML scalar: plain when it reads back as itself, else quoted."""
    out = QUOTE_CACHE.get(s)
    if out is None:
        if type(s) is not str:
            raise TypeError(f"expected a string, got {type(s).__name__}: {s!r}")
        if s[1:].isdigit() and s.isascii() and s[0].isalpha():
            out = s  # an id (T12, E7): plain, as _plain_ok says, without its checks
        else:
            out = s if s and _plain_ok(s) else '"' + _writer()[2].sub(_escape_char, s) + '"'
        if len(QUOTE_CACHE) > 400_000:
            QUOTE_CACHE.clear()
        QUOTE_CACHE[s] = out
    return out


def number(x: float) -> str:
    x = float(x)
    if x != x:
        return ".nan"
    if x in (math.inf, -math.inf):
        return ".inf" if x > 0 else "-.inf"
    r = repr(x).lower()
    if "." not in r and "e" in r:  # 1e-05 is a string to YAML 1.1: write 1.0e-05
        r = r.replace("e", ".0e", 1)
    return r


def flow(value: Any, depth: int = 0) -> str:
    """A value of ``attrs`` in flow style (keys sorted, so output is deterministic)."""
    # the common cases first (exactly as the general code below writes them)
    t = type(value)
    if depth <= 50:
        if t is str:
            return QUOTE_CACHE.get(value) or scalar(value)
        if t is int:
            return str(value)
        if t is dict and all(type(k) is str for k in value):
            items = []
            for k in sorted(value):
                key = QUOTE_CACHE.get(k) or scalar(k)
                if len(key) > 1000:
                    key = "? " + key
                items.append(f"{key}: {flow(value[k], depth + 1)}")
            return "{" + ", ".join(items) + "}"
        if t is list:
            return "[" + ", ".join([flow(v, depth + 1) for v in value]) + "]"
    return _flow(value, depth)


def _flow(value: Any, depth: int) -> str:
    if depth > 50:
        raise ValueError("attrs nest too deeply")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return scalar(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        items = []
        for k in sorted(value, key=_sort_key_of_attr):
            if not isinstance(k, str):
                raise TypeError(f"attrs keys must be strings, not {k!r}")
            key = scalar(k)
            if len(key) > 1000:  # YAML readers give up on implicit keys over 1024 characters
                key = "? " + key
            items.append(f"{key}: {flow(value[k], depth + 1)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v, depth + 1) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} in attrs: {value!r}")


def _sort_key_of_attr(k: Any) -> tuple:
    return (type(k).__name__, k) if not isinstance(k, str) else ("", k)
