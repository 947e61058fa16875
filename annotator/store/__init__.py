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
* ``many``: ``read_sets``, many files at once (in a process pool when there
  are many), for agree, merge and audit of folders.

Reading: ``store.read(path)`` (a file, its article found through
``document.path``), ``store.read(path, article=doc, editing=True)`` (open an
article's annotations), ``store.read(text=..., article=...)`` (in memory);
then ``.checked()`` for the set or ``.problems`` for every problem.
"""

from ..errors import ValidationError
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
from .reader import Read, read, validate_paths
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
    "save",
    "validate_paths",
    "write_atomic",
    "write_text_atomic",
    "yaml_files",
]
