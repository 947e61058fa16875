"""brat standoff: ``.txt`` + ``.ann``, and ``annotation.conf`` for the schema.

What brat has and our model keeps, so that a round trip is exact:

- ``T`` text-bound annotations become entities (discontinuous ``s e;s e`` spans
  are fragments). A ``T`` used only as an event trigger becomes that event's
  trigger span; triggers shared by several events are written once on export.
- ``E`` events keep their role arguments (entities or other events).
- Attributions use the PolNeAR encoding: text-bound ``Source``, ``Cue`` and
  ``Content`` spans, an ``Attribution`` trigger on the cue's offsets and
  ``E1\\tAttribution:T4 Source:T1 Cue:T2 Content:T3`` (``Attribution-no-source``
  when there is none). A source that is one of our entities is written as that
  entity's ``T``; a source span is a ``Source`` ``T``, written once however many
  attributions share it. A part written as several spans (``Content:T19
  Content2:T21``, PolNeAR's way for a quote split around its cue) is one span
  of those fragments; ``attrs['brat:parts']`` records the pieces, so export
  writes them the same way while the span still covers exactly them.
- Fragments of a discontinuous span may be written in any order (brat allows
  it; the text column follows the order written); they are kept sorted.
- A line that only points at an ID that is not there is left out with one
  warning naming ``file:line``; a line that breaks the file refuses the article.
- ``R`` relations keep their roles (in ``attrs['brat:roles']`` when not
  ``Arg1``/``Arg2``); ``*`` equivalences become relations marked
  ``attrs['brat:equiv']``, regrouped by connected components on export.
- ``A``/``M`` attributes go to ``attrs[name]`` (``True`` for a flag, else the
  value), ``N`` normalizations to ``attrs['N:Type']`` as ``[[ref, text], ...]``,
  ``#`` notes to ``attrs['#Type']`` (a string, or a list when there are several),
  on entities, events, attributions and relations alike; they are written back
  as the same lines.
- What brat has no place for (``by``, ``status``, ``score``, other attrs, an ID
  brat cannot spell) travels in a note of type ``annotator`` holding JSON, which
  brat shows as a note and our importer reads back.

Type names brat cannot store (``Conflict.Attack``: brat allows ``[A-Za-z0-9_-]``)
are written in brat's storage form (``Conflict_Attack``) and the exported
``annotation.conf`` records the mapping in a comment, read back on import.
"""

from __future__ import annotations

from .conf import Conf, ConfCollector, Names, dumps_conf, find_conf, read_conf
from .reader import BratReader, parse_ann, read
from .spec import (
    ATTR_ROLES,
    ATTRIBUTION,
    ATTRIBUTION_NO_SOURCE,
    ATTRIBUTION_TYPES_BRAT,
    CONTENT,
    CUE,
    NAMES_COMMENT,
    PARTS_KEY,
    PROVENANCE_NOTE,
    SOURCE,
    TYPE_ATTRIBUTE,
)
from .writer import BratWriter, dumps_ann, split_attrs, write

SOURCE_SUFFIXES = (".ann",)
OUT_IS_DIR = True

# The names these had when the format was one module.
_Names = Names
_ConfCollector = ConfCollector
_split_attrs = split_attrs

__all__ = [
    "ATTR_ROLES",
    "ATTRIBUTION",
    "ATTRIBUTION_NO_SOURCE",
    "ATTRIBUTION_TYPES_BRAT",
    "BratReader",
    "BratWriter",
    "CONTENT",
    "CUE",
    "Conf",
    "ConfCollector",
    "NAMES_COMMENT",
    "Names",
    "OUT_IS_DIR",
    "PARTS_KEY",
    "PROVENANCE_NOTE",
    "SOURCE",
    "SOURCE_SUFFIXES",
    "TYPE_ATTRIBUTE",
    "dumps_ann",
    "dumps_conf",
    "find_conf",
    "parse_ann",
    "read",
    "read_conf",
    "split_attrs",
    "write",
]
