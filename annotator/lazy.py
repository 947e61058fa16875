"""Names of a module imported from its package's other modules when first used
(PEP 562): what start-up does not need is not imported before the first frame."""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable


def names_from(module: dict, where: dict[str, str]) -> Callable[[str], Any]:
    """A ``__getattr__`` for the module whose ``globals()`` is ``module``: each
    name of ``where`` taken from the module of the same package that ``where``
    gives (``{"DirectFile": "direct_reader"}``), imported on first use and then
    kept in ``module`` (the next look-up finds it there)."""
    package, name_of = module["__package__"], module["__name__"]

    def __getattr__(name: str) -> Any:
        source = where.get(name)
        if source is None:
            raise AttributeError(f"module {name_of!r} has no attribute {name!r}")
        value = module[name] = getattr(importlib.import_module(f".{source}", package), name)
        return value

    return __getattr__


#: (``noted_columns``'s ``given``, the default of the steps that take the entities'
#: columns: the marks index, the session's counts) look them up
LOOK = object()


def noted_columns(table: dict, given=LOOK):
    """``columns.of(table)``, None without importing ``annotator.columns`` when it
    is not imported yet: then no reader has noted columns (``columns.want`` comes
    first), and a small article opened first never imports it. ``given``: the
    columns a caller looked up already (None: none), returned as they are."""
    if given is not LOOK:
        return given
    columns = sys.modules.get("annotator.columns")
    return None if columns is None else columns.of(table)


def noted_spans(table: dict):
    """``columns.spans_of(table)`` (the events' or attributions' spans as the reader
    noted them), None without importing ``annotator.columns`` (as ``noted_columns``)."""
    columns = sys.modules.get("annotator.columns")
    return None if columns is None else columns.spans_of(table)


def noted_links(table: dict):
    """``columns.links_of(table)`` (the events' or attributions' links as the reader
    noted them), None without importing ``annotator.columns`` (as ``noted_columns``)."""
    columns = sys.modules.get("annotator.columns")
    return None if columns is None else columns.links_of(table)
