"""Annotation files (format ``annotator/1``) <-> the model.

One module per job:

* ``writer``: ``dumps``, the canonical YAML of a set (hand-made, fast);
* ``fast_reader``: a line-based reader for the subset the writer emits (plus
  common hand edits), sure to read it as ``yaml.safe_load`` does;
* ``pyyaml_reader``: the fallback, PyYAML's event stream with line numbers,
  no aliases, bounded nesting;
* ``validate``: parsed data -> an ``AnnotationSet`` and every ``Problem``
  (``file:line: what``);
* ``files``: where files live, atomic writes of ours and of the files the
  user names (``write_text_atomic``: any OS error is one line);
* ``reader``: ``read``, the one way in for the app, the CLI and the workspace;
* ``direct_reader``: files in the writer's own layout straight to the model
  (``read`` tries it first; anything else goes the general way);
* ``direct_tokens``: the patterns of that layout, and its tokens and spans read
  and checked as the fast reader and ``validate`` would;
* ``direct_bytes``: the same for a big file, a piece at a time (its bytes decoded
  piece by piece), giving way to the UI between pieces;
* ``many``: ``read_sets``, many files at once (in a process pool when there
  are many), for agree, merge and audit of folders.

Reading: ``store.read(path)`` (a file, its article found through
``document.path``), ``store.read(path, article=doc, editing=True)`` (open an
article's annotations), ``store.read(text=..., article=...)`` (in memory);
then ``.checked()`` for the set or ``.problems`` for every problem.

Each name is imported from its module when first used (PEP 562): the app
needs only ``annotation_path`` before its first frame, and reads a big file
later, in a thread; importing every reader at once (their patterns compiled,
PyYAML's loader built) was a tenth of its start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..lazy import names_from

#: each public name and the module of this package that has it
_WHERE = {
    "annotation_path": "files",
    "atomic_output": "files",
    "new_set": "files",
    "save": "files",
    "write_atomic": "files",
    "write_text_atomic": "files",
    "yaml_files": "files",
    "read_sets": "many",
    "Read": "reader",
    "read": "reader",
    "rejected_link_problems": "reader",
    "validate_paths": "reader",
    "FORMAT": "writer",
    "dumps": "writer",
    "dump_chunks": "writer",
}


#: the modules of this package (``store.files`` works as when this file imported it)
_MODULES = {
    "direct_bytes", "direct_reader", "direct_tokens", "fast_reader", "files", "many", "plain", "pyyaml_reader", "reader", "scalars", "tree",
    "validate", "writer",
}


_name = names_from(globals(), _WHERE)


def __getattr__(name: str):
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)  # (the import binds the name here)
    return _name(name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:
    from .files import (
        annotation_path,
        atomic_output,
        new_set,
        save,
        write_atomic,
        write_text_atomic,
        yaml_files,
    )
    from .many import read_sets
    from .reader import Read, read, rejected_link_problems, validate_paths
    from .writer import FORMAT, dump_chunks, dumps

__all__ = [
    "FORMAT",
    "Read",
    "ValidationError",
    "annotation_path",
    "atomic_output",
    "dump_chunks",
    "dumps",
    "new_set",
    "read",
    "read_sets",
    "rejected_link_problems",
    "save",
    "validate_paths",
    "write_atomic",
    "write_text_atomic",
    "yaml_files",
]
