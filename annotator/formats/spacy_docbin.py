"""spaCy's DocBin (``.spacy``), written and read through spaCy itself.

Entities go to the span group ``sc`` (spancat's default key), where they may
overlap; ``doc.ents`` holds the largest non-overlapping subset, for the NER
component (the summary counts the entities it leaves out). Reading takes every
span group (``suggested`` and ``rejected`` as such, any other accepted) and
``doc.ents``; a span with no label is no entity (left out, counted). With ``--status all`` suggestions go to the group ``suggested`` and
rejected suggestions to ``rejected``. The document's name rides in
``doc.user_data["annotator"]``, and so do the ``by`` and ``score`` of the spans
that have them (``"by": {group: [[start_char, end_char, label, by, score]]}``:
a spaCy span holds no attributes of its own without an extension). ``-o FOLDER/`` writes shards of 1,000 documents
(``part-0001.spacy``, ...), so a large export keeps memory flat.

spaCy is an optional extra, imported only here and only when used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span
from ..store.files import write_text_atomic
from .jsonl import UNLABELLED
from .common import (
    Ids,
    Imported,
    Named,
    Report,
    TokenIndex,
    contiguous_entities,
    export_tokens,
    leave_attrs,
    leave_unsupported,
    non_overlapping,
    select,
    span_bounds,
)

SOURCE_SUFFIXES = (".spacy",)
OUT_IS_DIR = False
OUT_MAY_BE_DIR = True  # a folder gets shards of 1,000 documents
GROUP_OF = {ACCEPTED: "sc", SUGGESTED: "suggested", REJECTED: "rejected"}
STATUS_OF = {v: k for k, v in GROUP_OF.items()}
USER_KEY = "annotator"


def _spacy(where: str):
    try:
        from spacy.tokens import Doc, DocBin
        from spacy.tokens import Span as SpacySpan
        from spacy.vocab import Vocab
    except ImportError:
        raise InputError(where, "spaCy is not installed: pip install 'annotator[spacy]'") from None
    return Doc, DocBin, SpacySpan, Vocab


def to_doc(name: str, aset: AnnotationSet, report: Report, status: str, vocab):
    """One spaCy Doc with our entities in span groups (and ``doc.ents``)."""
    Doc, _, SpacySpan, _ = _spacy("--to spacy")
    sel = select(aset, status, report, keep_rejected=True)
    leave_unsupported(sel, report)
    ents = contiguous_entities(sel, report)
    leave_attrs(ents, report)
    text = sel.document.text
    starts, ends = span_bounds(ents)
    tokens = export_tokens(text, starts, ends)
    idx = TokenIndex(tokens)
    doc = Doc(vocab, words=[text[t.start : t.end] for t in tokens], spaces=[t.ws for t in tokens])
    groups: dict[str, list] = {}
    who: dict[str, list] = {}  # group -> [start_char, end_char, label, by, score]: spaCy spans hold no such attrs
    for ent in ents:
        ts, te = idx.span(ent.start, ent.end)
        groups.setdefault(GROUP_OF[ent.status], []).append(SpacySpan(doc, ts, te + 1, label=ent.label))
        if ent.by is not None or ent.score is not None:
            who.setdefault(GROUP_OF[ent.status], []).append([ent.start, ent.end, ent.label, ent.by, ent.score])
    for key, spans in groups.items():
        doc.spans[key] = spans
    kept, left = non_overlapping([e for e in ents if e.status == ACCEPTED])
    report.leave("overlapping entities from doc.ents (kept in the sc span group)", len(left))
    doc.ents = [SpacySpan(doc, *_exclusive(idx.span(e.start, e.end)), label=e.label) for e in kept]
    doc.user_data[USER_KEY] = {"name": name, "by": who} if who else {"name": name}
    return doc


def _exclusive(pair: tuple[int, int]) -> tuple[int, int]:
    return pair[0], pair[1] + 1


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", *, shard: int = 1000, **_kw) -> None:
    """One DocBin file; or, when ``out`` is a folder (existing, or written with a
    trailing slash), DocBins of ``shard`` documents each (``part-0001.spacy``...),
    which spaCy's training reads as one corpus and which keeps memory flat:
    a DocBin holds all its documents until it is written."""
    _, DocBin, _, Vocab = _spacy("--to spacy")
    out = Path(out)
    folder = out.is_dir() or str(out).endswith(("/", "\\"))
    if folder:
        out.mkdir(parents=True, exist_ok=True)
    vocab = Vocab()
    db = DocBin(store_user_data=True)
    part = 0
    for name, aset in items:
        db.add(to_doc(name, aset, report, status, vocab))
        report.documents += 1
        if folder and len(db) >= shard:
            part += 1
            db.to_disk(out / f"part-{part:04d}.spacy")
            db = DocBin(store_user_data=True)
            vocab = Vocab()  # the string store would grow too
    if not folder:
        write_text_atomic(out, db.to_bytes())  # all or nothing; an OS error is one line
    elif len(db) or not part:
        db.to_disk(out / f"part-{part + 1:04d}.spacy")


def _who(info) -> dict:
    """(group, start_char, end_char, label) -> (by, score), as ``to_doc`` keeps them."""
    out = {}
    groups = info.get("by") if isinstance(info, dict) else None
    for group, rows in (groups.items() if isinstance(groups, dict) else ()):
        for row in rows if isinstance(rows, (list, tuple)) else ():  # msgpack gives tuples back
            if isinstance(row, (list, tuple)) and len(row) == 5:
                s, e, label, by, score = row
                out[(group, s, e, label)] = (by, float(score) if type(score) is int else score)
    return out


def read(path: Path, report: Report, **_kw) -> Iterator[Imported]:
    _, DocBin, _, Vocab = _spacy("--from spacy")
    path = Path(path)
    try:
        db = DocBin().from_disk(path)
    except Exception as exc:  # spaCy raises several kinds for a bad file
        raise InputError(str(path), f"not a spaCy DocBin: {exc}") from None
    for n, doc in enumerate(db.get_docs(Vocab()), 1):
        info = doc.user_data.get(USER_KEY) if isinstance(doc.user_data, dict) else None
        name = info.get("name") if isinstance(info, dict) else None
        who = _who(info)
        text = doc.text
        aset = AnnotationSet(Document(text))
        ids = Ids()
        seen: set[tuple] = set()

        def add(start: int, end: int, label: str, st: str, by_score=(None, None)) -> None:
            key = (start, end, label, st)
            if key in seen:
                return
            seen.add(key)
            ent_id = ids.next("T")
            by, score = by_score
            aset.entities[ent_id] = Entity(ent_id, label, Span(((start, end),), text[start:end]), status=st, by=by, score=score)

        unlabelled = 0
        for key in doc.spans:
            st = STATUS_OF.get(key, ACCEPTED)
            for sp in doc.spans[key]:
                if not sp.label_:  # spaCy allows spans with no label (a span finder's candidates): no entity
                    unlabelled += 1
                    continue
                add(sp.start_char, sp.end_char, sp.label_, st, who.get((key, sp.start_char, sp.end_char, sp.label_), (None, None)))
        for sp in doc.ents:
            add(sp.start_char, sp.end_char, sp.label_, ACCEPTED)
        report.leave(UNLABELLED, unlabelled)
        yield Imported(str(name) if name is not None else f"{path.stem}-{n}", aset, source=str(path), where=f"{path}: document {n}")
