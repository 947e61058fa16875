"""Foreign formats, one module each, with ``read()`` and ``write()`` against the
model only. This registry maps the names users type (``--to``, ``--from``) to
modules, imported lazily so that spaCy is loaded only when asked for.

A format module provides:

- ``read(path, report) -> Iterator[Imported | Refused]``: documents of one
  source file (brat: one ``.ann``/``.txt`` pair). A file of many documents
  yields a ``Refused`` (``file:line`` and why) for a bad one and goes on; an
  ``InputError`` raised while reading ends that file (the command reports it
  and goes on with the next); lines left out of a document it still reads
  go to ``report.warn``;
- ``write(items, out, report, status) -> None``: ``items`` is an iterable of
  ``(name, AnnotationSet)``; ``out`` a file or (brat) a folder;
- ``SOURCE_SUFFIXES``: which files in a folder it reads;
- ``OUT_IS_DIR``: whether ``-o`` names a folder.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import InputError

#: name users type -> module in this package
FORMATS: dict[str, str] = {
    "brat": "brat",
    "jsonl": "jsonl",
    "spacy": "spacy_docbin",
    "conll": "conll",
    "doccano": "doccano",
    "doccano-label": "doccano",
    "labelstudio": "labelstudio",
}

#: other spellings people use
ALIASES = {
    "prodigy": "jsonl",
    "docbin": "spacy",
    "conll2003": "conll",
    "label-studio": "labelstudio",
    "ls": "labelstudio",
    "standoff": "brat",
}


def names() -> list[str]:
    return list(FORMATS)


def canonical(name: str, where: str = "--to") -> str:
    """The registry name for what a user typed; one clear InputError if unknown."""
    key = (name or "").strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise InputError(where, f"unknown format {name!r} (choose from: {', '.join(FORMATS)})")
    return key


def get(name: str, where: str = "--to") -> ModuleType:
    """The module for a format name; one clear InputError for an unknown one."""
    return importlib.import_module(f".{FORMATS[canonical(name, where)]}", __package__)
