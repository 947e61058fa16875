"""What both readers produce: plain data plus the line each part came from."""

from __future__ import annotations

from typing import Any

#: the format of our files (``format: annotator/1``): here, so that the readers have
#: it without importing the writer (``writer.FORMAT`` is this)
FORMAT = "annotator/1"

#: compiling the direct reader's patterns costs what reading this many characters
#: of files the general way costs more than reading them directly
#: (``direct_reader.worth_compiling``; here, so that ``reader`` has it without
#: importing the direct reader). ``bench/bench_compile_cost.py``, three runs on a
#: slow machine: 19-21 ms of compile, 105,000-191,000 characters (500,000 before
#: the patterns' classes left out the wide characters, when they took 62 ms)
COMPILE_COST = 150_000


class Tree:
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


class NotOurs(Exception):
    """The fast reader is not sure: let PyYAML read the file."""
