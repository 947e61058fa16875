"""What every format module shares: the imported-document record, the "left out"
report, status selection, tokens for token-based formats, and UTF-16 offsets.

Formats stream: ``read`` yields one :class:`Imported` at a time and ``write``
consumes an iterable of ``(name, AnnotationSet)`` pairs, so 10,000 articles
never sit in memory together.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Document,
    Entity,
    Ref,
    Span,
)
from ..schema import Schema
from ..text import ABBREVIATIONS, _ranges

Named = tuple[str, AnnotationSet]


@dataclass
class Imported:
    """One document read from a foreign file.

    ``text_path`` is where the article already lives on disk (brat's .txt); when
    it is None the importer writes the text out itself. ``where`` names the
    document in its source (``file:line``, or the file) for a refusal.
    ``schema`` is the schema data the source declares (brat's annotation.conf).
    """

    name: str
    aset: AnnotationSet
    text_path: Path | None = None
    schema: Schema | None = None
    source: str = ""
    where: str = ""
    #: the file ``schema`` was read from (brat: its annotation.conf)
    schema_source: str = ""


@dataclass
class Refused:
    """A document a reader could not take: where (``file:line``) and why.
    Readers of files that hold many documents yield one for each bad document
    and go on with the next; nothing of it is imported."""

    where: str
    problem: str

    @classmethod
    def of(cls, err: InputError) -> "Refused":
        where = f"{err.where}:{err.line}" if err.line is not None else err.where
        return cls(where, err.problem)

    @property
    def message(self) -> str:
        return f"{self.where}: {self.problem}"


_PLURALS = {
    "entities": "entity",
    "annotations": "annotation",
    "events": "event",
    "attributions": "attribution",
    "relations": "relation",
    "arguments": "argument",
    "sources": "source",
    "tasks": "task",
    "inputs": "input",
    "results": "result",
    "documents": "document",
    "labels": "label",
    "equivalences": "equivalence",
    "notes": "note",
    "links": "link",
    "attributes": "attribute",
    "notes": "note",
    "spans": "span",
}


@dataclass
class Report:
    """What a format could not carry, counted, for the one-line message."""

    fmt: str
    left: Counter = field(default_factory=Counter)
    documents: int = 0
    #: "file:line: what was left out and why", one per line of the source
    warnings: list[str] = field(default_factory=list)
    #: documents that held several annotators' annotations, merged (``several``):
    #: noun (plural) -> [documents, accepted, candidates]
    merged: dict[str, list[int]] = field(default_factory=dict)

    def leave(self, what: str, n: int = 1) -> None:
        """Count ``n`` things left out; ``what`` is a plural noun phrase."""
        if n:
            self.left[what] += n

    def warn(self, where: str, message: str) -> None:
        """One line of the source left out, said where (``file:line``)."""
        self.warnings.append(f"{where}: {message}")

    def take_warnings(self) -> list[str]:
        out, self.warnings = self.warnings, []
        return out

    def several(self, noun: str, accepted: int, candidates: int) -> None:
        """One document (a ``noun``: tasks, inputs) whose several annotators'
        annotations were merged (``merge_annotators``), counted for the line."""
        got = self.merged.setdefault(noun, [0, 0, 0])
        got[0] += 1
        got[1] += accepted
        got[2] += candidates

    def line(self) -> str | None:
        said = []
        if self.left:
            parts = [f"{n} {_number(what, n)}" for what, n in self.left.items()]
            kept = [i for i, what in enumerate(self.left) if what in _BRAT_KEEPS]
            if kept:
                parts[kept[-1]] += " (brat keeps them)"
            said.append("left out " + ", ".join(parts))
        for noun, (n, accepted, candidates) in self.merged.items():
            said.append(
                f"{n} {_number(noun, n)} had several annotators' annotations, merged as `annotator merge` merges: "
                f"{accepted} accepted, {candidates} left to adjudicate (`annotator audit DIR --view`)"
            )
        return f"{self.fmt}: " + "; ".join(said) if said else None


def _number(what: str, n: int) -> str:
    """The phrase in the singular when n == 1 (its first plural noun)."""
    if n != 1:
        return what
    words = what.split(" ")
    for i, w in enumerate(words):
        if w in _PLURALS:
            words[i] = _PLURALS[w]
            break
    return " ".join(words)


# -- status selection ---------------------------------------------------------------

def select(aset: AnnotationSet, status: str, report: Report, *, keep_rejected: bool) -> AnnotationSet:
    """The annotations an export carries for ``--status``.

    ``accepted``: accepted only. ``all``: suggested too, and rejected where the
    format can say so (``keep_rejected``). What is dropped is counted, and so are
    links that would be left dangling (which are then dropped too).
    """
    allowed = {ACCEPTED} if status == "accepted" else {ACCEPTED, SUGGESTED} | ({REJECTED} if keep_rejected else set())
    out = AnnotationSet(aset.document)
    dropped = Counter()
    for table_name in ("entities", "events", "attributions", "relations"):
        src = getattr(aset, table_name)
        dst = getattr(out, table_name)
        for ann_id, ann in src.items():
            if ann.status in allowed:
                dst[ann_id] = ann
            else:
                dropped[ann.status] += 1
    for st in (SUGGESTED, REJECTED):
        if dropped[st]:
            hint = " (--status all includes them)" if status == "accepted" and st == SUGGESTED else ""
            report.leave(f"{st} annotations{hint}", dropped[st])
    if not dropped:
        return out
    # Dangling links: drop the link, count it.
    for ev_id, ev in list(out.events.items()):
        args = tuple(a for a in ev.arguments if a.ref in out)
        if len(args) != len(ev.arguments):
            report.leave("event arguments pointing at left-out annotations", len(ev.arguments) - len(args))
            out.events[ev_id] = replace(ev, arguments=args)
    for at_id, at in list(out.attributions.items()):
        if isinstance(at.source, Ref) and at.source.ref not in out:
            report.leave("attribution sources pointing at left-out annotations")
            out.attributions[at_id] = replace(at, source=None)
    changed = True
    while changed:  # relations may point at relations
        changed = False
        for rel_id, rel in list(out.relations.items()):
            if rel.arg1 not in out or rel.arg2 not in out:
                report.leave("relations pointing at left-out annotations")
                del out.relations[rel_id]
                changed = True
    return out


def leave_unsupported(aset: AnnotationSet, report: Report, *, events=True, attributions=True, relations=True) -> None:
    """Count whole kinds a format has no place for."""
    if events:
        report.leave("events", len(aset.events))
    if attributions:
        report.leave("attributions", len(aset.attributions))
    if relations:
        report.leave("relations", len(aset.relations))


def leave_attrs(anns: Iterable, report: Report) -> None:
    """Count the notes, links and attributes of the annotations a format carries
    without them (brat keeps them): ``#AnnotatorNotes``, ``N:...`` entries (a
    Wikidata link), any other attribute (``Realis``, ``merge``...)."""
    from ..attributes import INTERNAL, INTERNAL_PREFIXES, NOTE

    notes = links = attributes = 0
    for ann in anns:
        for key, value in (ann.attrs or {}).items():
            if key == NOTE:
                notes += 1
            elif isinstance(key, str) and key.startswith("N:"):
                links += len(value) if isinstance(value, list) else 1
            elif key not in INTERNAL and not (isinstance(key, str) and key.startswith(INTERNAL_PREFIXES)):
                attributes += 1
    report.leave("notes", notes)
    report.leave("links", links)
    report.leave("attributes", attributes)


#: what ``leave_attrs`` counts: the summary says once, after the last, that brat keeps them
_BRAT_KEEPS = ("notes", "links", "attributes")


def contiguous_entities(aset: AnnotationSet, report: Report) -> list[Entity]:
    """Entities with one non-empty fragment, by position; the rest are counted."""
    out = []
    for ent in aset.entities.values():
        if ent.span.discontinuous:
            report.leave("discontinuous entities")
        elif ent.start >= ent.end:
            report.leave("empty entities")
        else:
            out.append(ent)
    out.sort(key=lambda e: (e.start, e.end, e.label, e.id))
    return out


def non_overlapping(entities: list[Entity]) -> tuple[list[Entity], list[Entity]]:
    """spaCy's ``filter_spans`` rule: longest first, then earliest. Returns (kept, left)."""
    order = sorted(entities, key=lambda e: (-(e.end - e.start), e.start, e.label, e.id))
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    kept, left = [], []
    for ent in order:
        i = bisect.bisect_left(taken, (ent.start, ent.end))
        clash = (i > 0 and taken[i - 1][1] > ent.start) or (i < len(taken) and taken[i][0] < ent.end)
        if clash:
            left.append(ent)
        else:
            taken.insert(i, (ent.start, ent.end))
            kept.append(ent)
    kept.sort(key=lambda e: (e.start, e.end))
    return kept, left


# -- tokens ---------------------------------------------------------------------

@lru_cache(maxsize=2)
def _piece_re(acronyms: bool = False) -> re.Pattern[str]:
    """Words, symbols, whitespace runs; a word keeps its marks, as in spaCy.
    With ``acronyms``, letters each followed by a period are one piece
    (``U.S.``, ``U.N.``, ``e.g.``), as spaCy and the app's tokens keep them.

    ``re`` has no ``\\p{M}``, so the combining marks come from ``unicodedata``
    (the BMP, plane 1 and the variation selectors of plane 14: every mark there
    is; ~30 ms, once). A word is word characters with the marks and joiners
    inside it (Devanagari vowel signs and virama, Arabic harakat, a decomposed
    accent); a symbol is one other character with what attaches to it (marks,
    variation selectors, skin tones, tag characters, an emoji ZWJ sequence), or
    a pair of regional indicators (a flag).
    """
    marks = _marks()
    ext = f"{marks}\u200c\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F"
    word = rf"\w[\w{marks}\u200c\u200d]*"
    symbol = rf"[\U0001F1E6-\U0001F1FF]{{2}}[{ext}]*|[^\w\s][{ext}]*(?:\u200d[^\w\s][{ext}]*)*"
    acronym = r"(?:[A-Za-z]\.){2,}(?!\w)|" if acronyms else ""
    return re.compile(rf"{acronym}{word}|{symbol}|\s+")


@lru_cache(maxsize=1)
def _marks() -> str:
    category = unicodedata.category
    cps = chain(range(0x300, 0x20000), range(0xE0100, 0xE01F0))
    return _ranges([cp for cp in cps if category(chr(cp))[0] == "M"])


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    ws: bool  # followed by one space that belongs to it (spaCy's whitespace_)


def tokenize(text: str, starts: Iterable[int] = (), ends: Iterable[int] = (), *, pieces: re.Pattern[str] | None = None) -> list[Token]:
    """spaCy-shaped tokens: words (with their combining marks), punctuation
    marks and symbols (an emoji sequence or a flag is one), whitespace runs
    (or the ``pieces`` given, which must cover the text, whitespace runs apart).
    Offsets are code points.

    Every span start and end given is a token boundary, so each span is a whole
    number of tokens. A single space after a word belongs to that word (``ws``),
    as in spaCy, unless a span starts on it or ends just after it.
    ``"".join(text[t.start:t.end] + " " * t.ws for t in tokens) == text``.
    """
    starts = set(starts)
    ends = set(ends)
    cuts = sorted(starts | ends)
    raw: list[tuple[int, int]] = []
    for m in (pieces or _piece_re()).finditer(text):
        s, e = m.span()
        i = bisect.bisect_right(cuts, s)
        while i < len(cuts) and cuts[i] < e:
            raw.append((s, cuts[i]))
            s = cuts[i]
            i += 1
        raw.append((s, e))
    tokens: list[Token] = []
    for s, e in raw:
        if text[s].isspace() and tokens and not tokens[-1].ws and text[s] == " ":
            prev = tokens[-1]
            if prev.end == s and not text[prev.start].isspace() and s not in starts and (s + 1) not in ends:
                tokens[-1] = Token(prev.start, prev.end, True)
                s += 1
                if s == e:
                    continue
        tokens.append(Token(s, e, False))
    return tokens


_SPACED = re.compile(r"\S+|\s+")
#: sentence punctuation standing alone between spaces (``agree .``), as a text
#: rebuilt from tokens has it
_STANDALONE = re.compile(r"(?<!\S)[.,;:!?]+(?!\S)")
#: ... and glued to the end of a word (``agree.``, ``said,``), as prose has it
_GLUED = re.compile(r"(?<!\S)(\S*?[^\W_])([.,;:!?]+)[)\]\"'\u201d\u2019\u00bb]*(?!\S)")
_ABBREVS = frozenset(ABBREVIATIONS)
_ACRONYM_END = re.compile(r"(?:^|[^\w.])(?:[A-Za-z]\.)*[A-Za-z]\Z")


def is_spaced(text: str) -> bool:
    """Are the text's spaces its token boundaries? As in a text an import
    rebuilt from tokens (CoNLL: the tokens joined by one space): its sentence
    punctuation (``. , ; : ! ?``) stands alone between spaces at least as often
    as it is glued to the end of a word (``U.S.``, ``Mr.`` and ``Inc.`` are no
    glued period), which prose does all the time. A text with neither counts as spaced."""
    alone = len(_STANDALONE.findall(text))
    glued = 0
    for m in _GLUED.finditer(text):
        if m.group(2) == "." and (_ACRONYM_END.search(m.group(1)) or m.group(1).rsplit(".", 1)[-1].lstrip("\"'([\u201c\u2018") in _ABBREVS):
            continue  # U.S., Mr., Inc.: an abbreviation keeps its period
        glued += 1
        if glued > alone:
            return False
    return True


def export_tokens(text: str, starts: Iterable[int] = (), ends: Iterable[int] = (), spaced: bool | None = None) -> list[Token]:
    """The tokens the token-based exports (CoNLL, JSONL, spaCy) write: in a
    spaced text (``is_spaced``: one that an import rebuilt from tokens) the
    runs between spaces, so that the tokens an import read come back out as
    they were (``1996-08-22``, ``U.S.``, ``n't``); in prose ``tokenize``'s, an
    acronym one token (``U.N.``). Either way every span start and end given is
    a token boundary (an entity marked in the app inside a token splits it)."""
    if spaced is None:
        spaced = is_spaced(text)
    return tokenize(text, starts, ends, pieces=_SPACED if spaced else _piece_re(True))


def span_bounds(entities: Iterable[Entity]) -> tuple[set[int], set[int]]:
    starts, ends = set(), set()
    for ent in entities:
        for s, e in ent.fragments:
            starts.add(s)
            ends.add(e)
    return starts, ends


class TokenIndex:
    """Character offset -> token index, for spans that sit on token boundaries."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self._starts = {t.start: i for i, t in enumerate(tokens)}
        self._ends = {t.end: i for i, t in enumerate(tokens)}

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Inclusive (token_start, token_end) of a span, or None if it is not aligned."""
        a = self._starts.get(start)
        b = self._ends.get(end)
        if a is None or b is None or b < a:
            return None
        return a, b


# -- UTF-16 offsets (Label Studio counts like JavaScript) ---------------------------

class Utf16:
    """Converts between code-point offsets and UTF-16 code-unit offsets of one text."""

    def __init__(self, text: str):
        # Code-point positions of astral characters (two UTF-16 units each).
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._units = [a + k + 1 for k, a in enumerate(self.astral)]  # unit offset just after each one's first unit

    def to_units(self, cp: int) -> int:
        return cp + bisect.bisect_left(self.astral, cp)

    def to_code_points(self, units: int) -> int:
        # Each astral char before the position adds one extra unit.
        k = bisect.bisect_left(self._units, units)
        # An offset in the middle of a surrogate pair snaps forward.
        if k < len(self._units) and self._units[k] == units:
            return self.astral[k] + 1
        return units - k


# -- naming ---------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(name: str, fallback: str) -> str:
    """A file stem from a foreign document name."""
    name = _UNSAFE.sub("-", str(name)).strip("-.")
    return name[:120] or fallback


class Names:
    """Unique stems within one import run."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        base = name
        n = 1
        while name.casefold() in self.used:
            n += 1
            name = f"{base}-{n}"
        self.used.add(name.casefold())
        return name

    def take_free(self, name: str, free) -> str:
        """As ``take``, passing over a name for which ``free(name)`` is false
        (something on disk has it): the first of NAME, NAME-2, ... that is
        neither used in this run nor refused."""
        base = name
        n = 1
        while name.casefold() in self.used or not free(name):
            n += 1
            name = f"{base}-{n}"
        self.used.add(name.casefold())
        return name


def new_set(text: str) -> AnnotationSet:
    return AnnotationSet(Document(text))


class Ids:
    """Next free IDs per prefix, without rescanning the tables (O(1) each)."""

    def __init__(self):
        self.highest: Counter = Counter()

    def see(self, ann_id: str) -> None:
        digits = ann_id[1:]
        if digits.isdigit():
            n = int(digits)
            if n > self.highest[ann_id[0]]:
                self.highest[ann_id[0]] = n

    def next(self, prefix: str) -> str:
        self.highest[prefix] += 1
        return f"{prefix}{self.highest[prefix]}"


def merge_annotators(sets: dict[str, AnnotationSet], document: Document, report: Report, noun: str) -> AnnotationSet:
    """Several annotators' annotations of one document (annotator name -> their
    set) as ``annotator merge`` merges their folders (``consensus.merge_sets``):
    what more than half of them made is accepted (``by: merge``), the rest kept
    as candidates (``status: suggested``, ``by`` the annotator, ``attrs.merge``)
    for the adjudication view; counted in ``report`` (one ``noun``)."""
    from ..consensus import merge_sets

    got = merge_sets(sets, document)
    report.several(noun, got.accepted, got.candidates)
    return got.aset


def add_entity(aset: AnnotationSet, ids: Ids, label: str, start: int, end: int, status: str = ACCEPTED, **kw) -> Entity:
    """Add a contiguous entity with the next free T ID."""
    ent_id = kw.pop("ann_id", None) or ids.next("T")
    ids.see(ent_id)
    ent = Entity(ent_id, label, Span(((start, end),), aset.document.text[start:end]), status=status, **kw)
    aset.entities[ent_id] = ent
    return ent


__all__ = [
    "json_problem",
    "Imported",
    "Refused",
    "Report",
    "Named",
    "select",
    "leave_unsupported",
    "contiguous_entities",
    "non_overlapping",
    "Token",
    "tokenize",
    "is_spaced",
    "export_tokens",
    "span_bounds",
    "TokenIndex",
    "Utf16",
    "safe_name",
    "Names",
    "new_set",
    "Ids",
    "add_entity",
    "merge_annotators",
]


def json_problem(exc: ValueError) -> str:
    """json's message with the column it names (``Unterminated string starting
    at column 19``; ``Expecting value (column 1)``): ``exc.msg`` alone ends in
    a dangling "at"."""
    msg, col = getattr(exc, "msg", None), getattr(exc, "colno", None)
    if msg is None or col is None:
        return str(exc)
    return f"{msg} column {col}" if msg.endswith(" at") else f"{msg} (column {col})"
