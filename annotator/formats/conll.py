"""CoNLL-2003 style IOB2: ``token TAG`` per line, a blank line between
sentences, ``-DOCSTART- -X- O O`` (the line spaCy's converter looks for) before
each document. Entities only, and not overlapping: what IOB2 cannot hold is
counted in the one-line report.

Reading accepts any number of columns (the token first, the tag last, as many
on each line as on the file's first) and IOB1, IOB2, BIOES/BILOU tags, and IO
tags (a bare label, ``Paris LOC``: a run of one label is one entity). ``O`` and
``_`` (an empty column) are outside; a prefix with no label (``B-``, or ``B``
alone) refuses its document, and so does a line that is not a token and a tag
(its columns not the file's, or its last no tag: ``data.``, ``"GPE"]]}``, a
README's prose or a JSON line). A ``#`` line that is no token line is a comment
(CoNLL-U's ``# text = ...``, MultiCoNER's ``# id ... domain=en``); ``# O`` is
a token. The text is rebuilt as tokens joined by one space, sentences by a
line break; export writes such a text's tokens back as they were (``common.export_tokens``)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import ACCEPTED, AnnotationSet, Document, Entity, Span
from ..text import split_sentences
from ..store.files import atomic_output
from .common import (
    Ids,
    Imported,
    Named,
    Refused,
    Report,
    contiguous_entities,
    export_tokens,
    is_spaced,
    leave_attrs,
    leave_unsupported,
    non_overlapping,
    select,
    span_bounds,
)

SOURCE_SUFFIXES = (".conll", ".iob", ".iob2", ".bio", ".tsv", ".txt")
OUT_IS_DIR = False
DOCSTART = "-DOCSTART- -X- O O"


def sentences(name: str, aset: AnnotationSet, report: Report, status: str) -> list[list[tuple[str, str]]]:
    """One document as sentences of (token, tag)."""
    sel = select(aset, status, report, keep_rejected=False)
    leave_unsupported(sel, report)
    ents = contiguous_entities(sel, report)
    kept, left = non_overlapping(ents)
    report.leave("overlapping entities", len(left))
    leave_attrs(kept, report)
    text = sel.document.text
    bad = [e for e in kept if any(c.isspace() for c in e.label) or not e.label]
    if bad:
        report.leave("entities whose label has spaces", len(bad))
        kept = [e for e in kept if e not in bad]
    starts, ends = span_bounds(kept)
    spaced = is_spaced(text)
    tokens = [t for t in export_tokens(text, starts, ends, spaced) if not text[t.start].isspace()]
    tags = ["O"] * len(tokens)
    tok_starts = [t.start for t in tokens]
    for ent in kept:
        i = bisect.bisect_left(tok_starts, ent.start)
        j = bisect.bisect_left(tok_starts, ent.end)
        if i >= j:
            report.leave("entities with no token (only spaces)")
            continue
        tags[i] = f"B-{ent.label}"
        for k in range(i + 1, j):
            tags[k] = f"I-{ent.label}"
    if spaced:  # a text rebuilt from tokens: one sentence a line, as the import made it
        sent_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    else:
        sent_starts = list(split_sentences(text).starts)
    out: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for k, tok in enumerate(tokens):
        if cur and not tags[k].startswith("I-"):
            prev_end = tokens[k - 1].end
            # a sentence starts in (prev_end, tok.start]
            s = bisect.bisect_right(sent_starts, prev_end)
            if s < len(sent_starts) and sent_starts[s] <= tok.start:
                out.append(cur)
                cur = []
        cur.append((text[tok.start : tok.end], tags[k]))
    if cur:
        out.append(cur)
    return out


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", **_kw) -> None:
    with atomic_output(out) as fh:  # all or nothing; an OS error is one line
        for name, aset in items:
            fh.write(DOCSTART + "\n\n")
            for sent in sentences(name, aset, report, status):
                fh.write("".join(f"{tok} {tag}\n" for tok, tag in sent))
                fh.write("\n")
            report.documents += 1


# -- reading ------------------------------------------------------------------


_PREFIXES = "BIESLU"

#: a label: word characters, with ``. : / + & ' -`` inside (``WORK_OF_ART``,
#: ``PER.NOM``, Few-NERD's ``person-artist/author``); it ends in a letter or digit
_LABEL = r"[^\W_](?:[\w.:/+&'-]*[^\W_])?"
#: a tag: ``O``, ``_``, a prefix and a label (``B-PER``, ``e_LOC``), or a label
#: alone (IO tags), which starts with a letter (``PER``, not ``1996`` or ``data.``)
_TAG_RE = re.compile(rf"O|_|[{_PREFIXES}{_PREFIXES.lower()}][-_](?:{_LABEL})?|[^\W\d_](?:[\w.:/+&'-]*[^\W_])?")
#: a CoNLL-U style comment, ``# key = value`` (``# text = ...``, ``# sent_id = 3``,
#: MultiCoNER's ``# id 3b5b... domain=en``)
_KEY_VALUE = re.compile(r"#\s*[^\W\d][\w. -]*=")
_NOT_A_TAG = "(expected O, B-LABEL, I-LABEL, ... or LABEL alone for IO tags)"


def _is_tag(tag: str) -> bool:
    """Does ``tag`` look like a tag? (What ``_split_tag`` takes, and a bare
    prefix, which it refuses with its own line.)"""
    return _TAG_RE.fullmatch(tag) is not None


def _split_tag(tag: str) -> tuple[str, str]:
    """(prefix, label) of a tag; a bare label is IO tagging, read as ``I-``
    (which goes on with an open entity of its label, or begins one).
    ValueError for a tag that names no label, or that does not look like a tag
    (``data.``, ``"GPE"]]}``: a line of prose or JSON)."""
    if tag in ("O", "_"):
        return "O", ""
    if len(tag) >= 2 and tag[1] in "-_" and tag[0].upper() in _PREFIXES:
        if len(tag) == 2:
            raise ValueError(f"tag {tag!r} has no label after its prefix")
        if not _is_tag(tag):
            raise ValueError(f"not CoNLL: {tag!r} is not a tag {_NOT_A_TAG}")
        return tag[0].upper(), tag[2:]
    if tag.upper() in _PREFIXES:
        raise ValueError(f"tag {tag!r} has no label {_NOT_A_TAG}")
    if not _is_tag(tag):
        raise ValueError(f"not CoNLL: {tag!r} is not a tag {_NOT_A_TAG}")
    return "I", tag


def _is_comment(line: str, cols: list[str], width: int | None) -> bool:
    """A ``#`` line that is no token line: ``# key = value`` (CoNLL-U, MultiCoNER),
    or one whose columns are not the file's or whose last is no tag
    (``#begin document ...``). ``# O`` and ``#hashtag O`` are tokens."""
    if not line.startswith("#"):
        return False
    if _KEY_VALUE.match(line):
        return True
    return len(cols) < 2 or (width is not None and len(cols) != width) or not _is_tag(cols[-1])


def _build(name: str, sents: list[list[tuple[str, str, str]]], where: str) -> AnnotationSet:
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for si, sent in enumerate(sents):
        if si:
            parts.append("\n")
            pos += 1
        open_: tuple[int, str] | None = None
        last_end = pos
        for ti, (tok, prefix, label) in enumerate(sent):
            if ti:
                parts.append(" ")
                pos += 1
            start = pos
            parts.append(tok)
            pos += len(tok)
            begins = prefix in ("B", "S", "U") or (prefix in ("I", "E", "L") and (open_ is None or open_[1] != label))
            if open_ is not None and (prefix == "O" or begins):
                spans.append((open_[0], last_end, open_[1]))
                open_ = None
            if prefix != "O" and open_ is None:
                open_ = (start, label)
            last_end = pos
            if prefix in ("E", "L", "S", "U") and open_ is not None:
                spans.append((open_[0], pos, open_[1]))
                open_ = None
        if open_ is not None:
            spans.append((open_[0], last_end, open_[1]))
    text = "".join(parts)
    aset = AnnotationSet(Document(text))
    ids = Ids()
    for s, e, label in spans:
        ent_id = ids.next("T")
        aset.entities[ent_id] = Entity(ent_id, label, Span(((s, e),), text[s:e]), status=ACCEPTED)
    return aset


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without its line break); a file that cannot be read
    is one InputError."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    with fh:
        try:
            for no, line in enumerate(fh, 1):
                yield no, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def _digits(path: Path) -> int:
    """Digits of the file's last document number (a first pass counts its
    ``-DOCSTART-`` lines), so that the documents are named ``train-001``, ...,
    ``train-946``: in the order of the file, as export writes a folder back."""
    n, before = 0, False  # -DOCSTART- lines; a line before the first (a document of its own)
    for _, line in _lines(path):
        cols = line.split(None, 1)
        if cols and cols[0] == "-DOCSTART-":
            n += 1
        elif cols and not n:
            before = True
    return len(str(max(n + before, 1)))


def read(path: Path, report: Report, **_kw) -> Iterator[Imported | Refused]:
    """Documents between ``-DOCSTART-`` lines (the whole file when there are
    none), named after the file and numbered with as many digits as the last
    number has (``train-001``). A bad line refuses its document (one
    :class:`Refused`); reading goes on at the next ``-DOCSTART-``. ``#`` lines
    that are no token lines are comments."""
    path = Path(path)
    digits = _digits(path)
    n = 0
    sents: list[list[tuple[str, str, str]]] = []
    cur: list[tuple[str, str, str]] = []
    started = False
    bad: Refused | None = None
    first = 1  # the line the document starts on
    width: int | None = None  # columns of a token line: the file's first one's
    width_line = 0

    def flush():
        nonlocal n
        n += 1
        if bad is not None:
            return bad
        name = f"{path.stem}-{n:0{digits}d}"
        return Imported(name, _build(name, sents, str(path)), source=str(path), where=f"{path}:{first}")

    for no, line in _lines(path):
        cols = line.split()
        if cols and cols[0] == "-DOCSTART-":
            if cur:
                sents.append(cur)
                cur = []
            if started or sents or bad:
                yield flush()
            sents = []
            bad = None
            started = True
            first = no
            continue
        if bad is not None:
            continue  # the rest of a refused document
        if not cols:
            if cur:
                sents.append(cur)
                cur = []
            continue
        if _is_comment(line, cols, width):
            continue
        if len(cols) < 2:
            bad = Refused(f"{path}:{no}", f"expected a token and a tag, not {line[:40]!r}")
            cur = []
            continue
        if width is None:
            width, width_line = len(cols), no
        elif len(cols) != width:
            bad = Refused(f"{path}:{no}", f"not CoNLL: this line has {len(cols)} columns, line {width_line} has {width} "
                          "(a token and its tag per line, the tag last)")
            cur = []
            continue
        try:
            prefix, label = _split_tag(cols[-1])
        except ValueError as exc:
            bad = Refused(f"{path}:{no}", str(exc))
            cur = []
            continue
        cur.append((cols[0], prefix, label))
    if cur:
        sents.append(cur)
    if started or sents or bad:
        yield flush()
