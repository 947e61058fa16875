"""doccano JSONL, both shapes it exports and imports:

- the sequence-labelling form: ``{"text": ..., "label": [[start, end, "LABEL"], ...]}``;
- the relation form: ``{"text": ..., "entities": [{"id", "label", "start_offset",
  "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}``.

``--to doccano`` writes the relation form (it holds everything doccano can);
``--to doccano-label`` the label form. Reading takes either, line by line.
Offsets are code points, as doccano counts them.

doccano has no suggestions. With ``--status all`` the relation form marks each
suggested entity and relation with our own keys (``status: suggested``, ``by``,
``score``; doccano ignores them), so that importing the file back gives
suggestions, not gold; the label form (``[start, end, label]``) has no place for
them: its suggestions read back as accepted, and the export says so.
"""

from __future__ import annotations

from itertools import chain

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import ACCEPTED, SUGGESTED, AnnotationSet, Document, Entity, Relation, Span, id_number
from .common import Ids, Imported, Named, Refused, Report, contiguous_entities, leave_attrs, leave_unsupported, select
from .jsonl import iter_json_lines
from ..store.files import atomic_output
from ..store.validate import show

SOURCE_SUFFIXES = (".jsonl", ".json")
OUT_IS_DIR = False


def record(n: int, name: str, aset: AnnotationSet, report: Report, status: str, form: str = "entities", counts: Counter | None = None) -> dict:
    sel = select(aset, status, report, keep_rejected=False)
    leave_unsupported(sel, report, relations=form == "label")
    ents = contiguous_entities(sel, report)
    leave_attrs(ents if form == "label" else chain(ents, sel.relations.values()), report)
    if form == "label":
        if counts is not None:
            counts["plain suggestions"] += sum(e.status == SUGGESTED for e in ents)
        return {"id": n, "text": sel.document.text, "label": [[e.start, e.end, e.label] for e in ents], "name": name}
    num: dict[str, int] = {}
    used: set[int] = set()
    for e in ents:  # keep T7 as 7 when it is free
        k = id_number(e.id)
        if k > 0 and k not in used:
            num[e.id] = k
            used.add(k)
    nxt = max(used, default=0)
    for e in ents:
        if e.id not in num:
            nxt += 1
            num[e.id] = nxt
    entities = [_status({"id": num[e.id], "label": e.label, "start_offset": e.start, "end_offset": e.end}, e) for e in ents]
    relations = []
    for i, rel in enumerate(sel.relations.values(), 1):
        a, b = num.get(rel.arg1), num.get(rel.arg2)
        if a is None or b is None:
            report.leave("relations not between two exported entities")
            continue
        k = id_number(rel.id)
        relations.append(_status({"id": k if k > 0 else i, "from_id": a, "to_id": b, "type": rel.type}, rel))
    return {"id": n, "text": sel.document.text, "entities": entities, "relations": relations, "name": name}


def _status(d: dict, ann) -> dict:
    """A suggestion's status, suggester and score on its doccano object (doccano
    itself has no suggestions: without them it would read back as gold)."""
    if ann.status == SUGGESTED:
        d["status"] = SUGGESTED
        if ann.by is not None:
            d["by"] = ann.by
        if ann.score is not None:
            d["score"] = ann.score
    return d


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", *, fmt_name: str = "doccano", **_kw) -> None:
    form = "label" if fmt_name == "doccano-label" else "entities"
    counts: Counter = Counter()
    with atomic_output(out) as fh:  # all or nothing; an OS error is one line
        for n, (name, aset) in enumerate(items, 1):
            fh.write(json.dumps(record(n, name, aset, report, status, form, counts), ensure_ascii=False))
            fh.write("\n")
            report.documents += 1
    plain = counts["plain suggestions"]
    if plain:
        report.warn(fmt_name, f"{plain} suggestion{'s' * (plain != 1)} written as plain labels: [start, end, label] has no status, so "
                    "they read back as accepted (--to doccano keeps them suggestions)")


def _offsets(s, e, text: str, where: str) -> tuple[int, int]:
    if type(s) is not int or type(e) is not int or not 0 <= s <= e <= len(text):
        raise InputError(where, f"bad span {s!r}-{e!r} for a text of {len(text)} characters")
    return s, e


def read(path: Path, report: Report, **_kw) -> Iterator[Imported | Refused]:
    """One document per line; a bad line is one :class:`Refused` and the next goes on."""
    path = Path(path)
    for n, (no, rec) in enumerate(iter_json_lines(path), 1):
        if isinstance(rec, Refused):
            yield rec
            continue
        try:
            yield _document(path, n, no, rec, report)
        except InputError as err:
            yield Refused.of(err)


def _status_of(d: dict, where: str) -> dict:
    """Status, by and score as ``--to doccano --status all`` writes them (absent:
    accepted, as doccano's own labels are)."""
    st = d.get("status", ACCEPTED)
    if st not in (ACCEPTED, SUGGESTED):
        raise InputError(where, f"status must be accepted or suggested, not {st!r}")
    if st == ACCEPTED:
        return {"status": ACCEPTED}
    score = d.get("score")  # checked, with by, at import's door (store.plain)
    return {"status": SUGGESTED, "by": d.get("by"), "score": float(score) if type(score) is int else score}


def _key(v) -> bool:
    """Is ``v`` an ID doccano gives (a number or a string)?"""
    return type(v) in (int, str)


def _other_format(rec: dict) -> str | None:
    """What to say of a line in another format's shape, that would import with
    no entities: Prodigy's ``spans``, spaCy's ``ents`` or ``[start, end, label]``
    ``entities`` (``--from jsonl`` reads them)."""
    if "label" in rec or "labels" in rec:
        return None
    ents = rec.get("entities")
    if isinstance(ents, list) and ents and all(isinstance(e, list) for e in ents):
        return "its 'entities' are [start, end, label] triples, as spaCy's training lines have them"
    if isinstance(ents, list) or ents is not None:
        return None
    for key, whose in (("spans", "Prodigy's"), ("ents", "spaCy's Doc.to_json()")):
        if rec.get(key):
            return f"it has {whose} {key!r} and no doccano 'label' or 'entities'"
    return None


def _document(path: Path, n: int, no: int, rec: dict, report: Report) -> Imported:
    where = f"{path}:{no}"
    text = rec.get("text", rec.get("data"))
    if not isinstance(text, str):
        raise InputError(where, "a doccano line needs a 'text' string")
    other = _other_format(rec)
    if other is not None:
        raise InputError(where, f"not a doccano line: {other} (import it with --from jsonl)")
    aset = AnnotationSet(Document(text))
    ids = Ids()
    if isinstance(rec.get("entities"), list):
        by_num: dict[object, str] = {}
        for ent in rec["entities"]:
            if isinstance(ent, dict) and ent.get("id") is not None and not _key(ent["id"]):
                raise InputError(where, f"an entity's 'id' must be a number or a string, not {show(ent['id'])}")
        nums = [e.get("id") for e in rec["entities"] if isinstance(e, dict)]
        keep_nums = len(set(map(str, nums))) == len(nums) and all(type(k) is int and k > 0 for k in nums)
        for ent in rec["entities"]:
            if not isinstance(ent, dict) or not isinstance(ent.get("label"), str):
                raise InputError(where, "each entity needs a 'label'")
            s, e = _offsets(ent.get("start_offset"), ent.get("end_offset"), text, where)
            ent_id = f"T{ent['id']}" if keep_nums else ids.next("T")
            ids.see(ent_id)
            aset.entities[ent_id] = Entity(ent_id, ent["label"], Span(((s, e),), text[s:e]), **_status_of(ent, where))
            if ent.get("id") is not None:
                by_num[ent["id"]] = ent_id
        relations = rec.get("relations")
        if relations is not None and not isinstance(relations, list):
            raise InputError(where, f"'relations' must be a list of relations, not {show(relations)}")
        for rel in relations or []:
            if not isinstance(rel, dict):
                raise InputError(where, "each relation must be an object")
            for end in ("from_id", "to_id"):
                if not _key(rel.get(end)):
                    raise InputError(where, f"relation {show(rel.get('id'))}: {end!r} must be an entity's id, not {show(rel.get(end))}")
            a, b = by_num.get(rel["from_id"]), by_num.get(rel["to_id"])
            if a is None or b is None:
                missing = rel.get("from_id") if a is None else rel.get("to_id")
                report.warn(where, f"left out relation {rel.get('id')!r}: it refers to entity {missing!r}, which is not in this line")
                continue
            k = rel.get("id")
            rel_id = f"R{k}" if type(k) is int and k > 0 and f"R{k}" not in aset.relations else ids.next("R")
            ids.see(rel_id)
            aset.relations[rel_id] = Relation(rel_id, str(rel.get("type", "")), a, b, **_status_of(rel, where))
    else:
        labels = rec.get("label", rec.get("labels")) or []
        if not isinstance(labels, list):
            raise InputError(where, "'label' must be a list of [start, end, label]")
        for item in labels:
            if isinstance(item, str):  # a text-classification label
                report.leave("document labels")
                continue
            if not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str):
                raise InputError(where, f"expected [start, end, label], not {item!r}")
            s, e = _offsets(item[0], item[1], text, where)
            ent_id = ids.next("T")
            aset.entities[ent_id] = Entity(ent_id, item[2], Span(((s, e),), text[s:e]), status=ACCEPTED)
    name = rec.get("name")
    if name is None and isinstance(rec.get("meta"), dict):
        name = rec["meta"].get("name")
    return Imported(str(name) if name is not None else f"{path.stem}-{n}", aset, source=str(path), where=where)
