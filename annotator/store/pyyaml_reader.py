"""The fallback reader: PyYAML's event stream, built into Python data here.

The C parser when available. Building the objects here keeps line numbers,
refuses anchors and aliases before anything is expanded (no alias bomb) and
bounds the nesting.
"""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from ..errors import Problem
from .scalars import CONSTRUCTOR, RESOLVER
from .tree import Tree

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


def _slow_parse_with(text: str, loader_cls: type) -> Tree:
    tree = Tree()
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
            if t is yaml.ScalarEvent:
                tag = ev.tag
                if tag is None or tag == "!":
                    tag = RESOLVER.resolve(ScalarNode, ev.value, ev.implicit)
                if tag == _MERGE_TAG and stack and stack[-1][1] and not stack[-1][3]:
                    raise _Refused(ln, "merge keys (<<) are not used in annotator files")
                fn = SafeConstructor.yaml_constructors.get(tag)
                if fn is None:
                    if ev.tag in (None, "!"):  # '=' or '<<' written plain
                        raise _Refused(ln, f"{ev.value!r} must be quoted")
                    raise _Refused(ln, f"unknown YAML tag {tag}")
                node = ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, style=ev.style)
                value = fn(CONSTRUCTOR, node)
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


def slow_parse(text: str, source: str, strict: bool = False) -> tuple[Tree | None, Problem | None]:
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
