"""What the reader and the writer agree on: brat's names for PolNeAR attributions,
the note that carries what brat has no place for, ID shapes, and how text is
made safe for one line of a ``.ann`` file."""

from __future__ import annotations

import json
import re
from typing import Iterable

from ...model import Attribution, Fragments, Span

ATTRIBUTION = "Attribution"
ATTRIBUTION_NO_SOURCE = "Attribution-no-source"
ATTRIBUTION_TYPES_BRAT = (ATTRIBUTION, ATTRIBUTION_NO_SOURCE)
ATTR_ROLES = ("Source", "Cue", "Content")
SOURCE, CUE, CONTENT = ATTR_ROLES
PROVENANCE_NOTE = "annotator"
NAMES_COMMENT = "# annotator-names: "
TYPE_ATTRIBUTE = "Type"  # brat attribute carrying an attribution's type
#: attrs key recording the brat spans an attribution part was joined from
#: (``Content`` + ``Content2`` ...), so that export splits it the same way.
PARTS_KEY = "brat:parts"

SAFE = re.compile(r"[A-Za-z0-9_-]+")
ID = {k: re.compile(rf"{k}\d+") for k in "TER"}
#: ``Content2`` -> (``Content``, 2)
NUMBERED = re.compile(r"(.*\D)(\d+)")
# Characters that end a line for brat (codecs' readline splits like str.splitlines),
# and the tab that separates the columns of a text-bound line.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ONELINE = str.maketrans({c: " " for c in "\t" + _LINE_BREAKS})
_NO_BREAKS = str.maketrans({c: " " for c in _LINE_BREAKS})


def oneline(text: str) -> str:
    """Text for the last column of a ``T`` line: no line breaks, no tabs."""
    return text.translate(_ONELINE)


def note_safe(value: object) -> bool:
    """A note or normalization text brat stores as it is (tabs are fine there:
    the text is everything after the second tab)."""
    return isinstance(value, str) and value.translate(_NO_BREAKS) == value


def json_note(data: dict) -> str:
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def id_key(ann_id: str):
    digits = ann_id[1:]
    return (ann_id[:1], int(digits) if digits.isdigit() else -1, ann_id)


def frag_spec(frags) -> str:
    return ";".join(f"{s} {e}" for s, e in frags)


def join_fragments(parts: Iterable[Fragments]) -> Fragments:
    """The fragments of several spans as one span, in order; overlaps merged."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(f for frags in parts for f in frags):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return tuple(out)


def default_attribution_trigger(at: Attribution):
    """Where an attribution's brat trigger goes when nothing says otherwise."""
    for part in (at.cue, at.content, at.source if isinstance(at.source, Span) else None):
        if part is not None:
            return part.fragments
    return None
