"""Label Studio task JSON: ``data.text``, accepted entities as ``annotations``,
suggestions as ``predictions`` (one per suggester, ``model_version`` = its name,
a ``score`` per result). Offsets are UTF-16 code units, as Label Studio (a
JavaScript app) counts them: an emoji is two.

Reading: a task's annotation is accepted, ``by`` its ``completed_by``; several
people's annotations of one task are merged as ``annotator merge`` merges (what
more than half made accepted, the rest candidates to adjudicate), unless one is
the ``ground_truth``; a prediction an annotation came from (its kept regions
copied into it, ``origin: prediction``) is decided by it: a kept region is that
annotation (``suggested_by`` the model), one left out rejected. Results on
another ``<Text>`` field than the task's text (``to_name``) are left out.
Writing: an annotation only where something is accepted, so that an article
not reviewed yet is an unlabeled task with its suggestions as predictions.

The export is one JSON array written task by task; the reader walks an array
(or JSON lines, or one task) object by object, so neither holds all tasks. In
JSON lines each line is a task: a broken one is refused alone.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import chain

import json
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..consensus import MERGE_BY
from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Relation, Span
from .common import (
    Ids,
    Imported,
    Named,
    Refused,
    Report,
    Utf16,
    contiguous_entities,
    json_problem,
    leave_attrs,
    leave_unsupported,
    merge_annotators,
    select,
)
from ..store.files import atomic_output
from ..store.validate import show

SOURCE_SUFFIXES = (".json", ".jsonl")
OUT_IS_DIR = False
FROM_NAME = "label"
TO_NAME = "text"


def task(n: int, name: str, aset: AnnotationSet, report: Report, status: str) -> dict:
    sel = select(aset, status, report, keep_rejected=False)
    leave_unsupported(sel, report, relations=False)
    ents = contiguous_entities(sel, report)
    leave_attrs(chain(ents, sel.relations.values()), report)
    text = sel.document.text
    u16 = Utf16(text)

    def region(e: Entity) -> dict:
        item = {
            "id": e.id,
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {"start": u16.to_units(e.start), "end": u16.to_units(e.end), "text": e.text, "labels": [e.label]},
        }
        if e.status == SUGGESTED and e.score is not None:
            item["score"] = e.score
        return item

    exported = {e.id: e for e in ents}
    accepted = [region(e) for e in ents if e.status == ACCEPTED]
    preds: dict[str | None, list[dict]] = {}
    for e in ents:
        if e.status == SUGGESTED:
            preds.setdefault(e.by, []).append(region(e))
    for rel in sel.relations.values():
        a, b = exported.get(rel.arg1), exported.get(rel.arg2)
        if a is None or b is None or a.status != b.status or rel.status != a.status or (a.status == SUGGESTED and a.by != b.by):
            report.leave("relations not between two entities of one annotation")
            continue
        item = {"from_id": a.id, "to_id": b.id, "type": "relation", "direction": "right", "labels": [rel.type]}
        if rel.status == ACCEPTED:
            accepted.append(item)
        else:
            preds[a.by].append(item)  # with the suggestions of its head entity
    out: dict = {"id": n, "data": {"text": text}, "meta": {"name": name}}
    # Label Studio counts a task with an annotation, even an empty one, as labeled; an
    # unlabeled task has none (its own export writes [] for one)
    out["annotations"] = [{"result": accepted, "was_cancelled": False, "ground_truth": False}] if accepted else []
    if preds:
        out["predictions"] = [
            {"model_version": by or "suggestions", "result": res} for by, res in preds.items()
        ]
    return out


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", **_kw) -> None:
    with atomic_output(out) as fh:  # all or nothing; an OS error is one line
        fh.write("[")
        for n, (name, aset) in enumerate(items, 1):
            fh.write("\n" if n == 1 else ",\n")
            fh.write(json.dumps(task(n, name, aset, report, status), ensure_ascii=False))
            report.documents += 1
        fh.write("\n]\n")


# -- reading ------------------------------------------------------------------


def iter_tasks(path: Path, chunk: int = 1 << 16) -> Iterator[tuple[int, dict | Refused]]:
    """(line, task) from a JSON array, JSON lines or a single object, streamed;
    a value that is not an object is a :class:`Refused`, and reading goes on.
    In JSON lines a line that is not JSON is a :class:`Refused` too and the next
    line goes on; a broken array or multi-line object ends the file (InputError)."""
    dec = json.JSONDecoder()
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    with fh:
        buf = ""
        line = 1  # line number at buf[0]
        in_array = None
        eof = False

        def more() -> bool:
            nonlocal buf, eof
            if eof:
                return False
            try:
                data = fh.read(chunk)
            except UnicodeDecodeError as exc:
                raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None
            if not data:
                eof = True
                return False
            buf += data
            return True

        def skip(chars: str) -> None:
            nonlocal buf, line
            while True:
                i = 0
                while i < len(buf) and (buf[i].isspace() or buf[i] in chars):
                    i += 1
                line += buf.count("\n", 0, i)
                buf = buf[i:]
                if buf or not more():
                    return

        skip("")
        if not buf:
            return
        if buf[0] == "[":
            in_array = True
            buf = buf[1:]
        lines = False  # JSON lines: a task per line, so a broken line is refused alone
        while True:
            skip("," if in_array else "")
            if not buf:
                if in_array:
                    raise InputError(str(path), "the JSON array is not closed")
                return
            if in_array and buf[0] == "]":
                return
            obj = end = None
            if not in_array:
                while "\n" not in buf and more():
                    pass
                nl = buf.find("\n")
                try:
                    obj, end = dec.raw_decode(buf if nl < 0 else buf[:nl])
                    lines = True
                except ValueError as exc:
                    if lines:  # this line alone is refused; the next one goes on
                        yield line, Refused(f"{path}:{line}", f"not JSON: {json_problem(exc)}")
                        line, buf = line + (nl >= 0), buf[nl + 1 :] if nl >= 0 else ""
                        continue
                    first_error = exc
            while end is None:  # a value over several lines (an array's task, a pretty-printed object)
                try:
                    obj, end = dec.raw_decode(buf)
                except ValueError as exc:
                    if not more():
                        at = line + buf.count(chr(10), 0, exc.pos)
                        if not in_array and (at == line or _task_line(buf, dec)):  # JSON lines, this one refused alone
                            yield line, Refused(f"{path}:{line}", f"not JSON: {json_problem(first_error)}")
                            lines = True
                            nl = buf.find("\n")
                            line, buf = line + (nl >= 0), buf[nl + 1 :] if nl >= 0 else ""
                            break
                        raise InputError(f"{path}:{at}", f"not JSON: {json_problem(exc)}") from None
            if end is None:
                continue
            yield line, obj if isinstance(obj, dict) else Refused(f"{path}:{line}", "each task must be a JSON object")
            line += buf.count("\n", 0, end)
            buf = buf[end:]


def _task_line(buf: str, dec: json.JSONDecoder) -> bool:
    """Is the first non-blank line after ``buf``'s first one a whole JSON object
    on its own (so the file is JSON lines, not one object over many lines)?"""
    i = buf.find("\n")
    while i >= 0:
        j = buf.find("\n", i + 1)
        line = buf[i + 1 : j if j >= 0 else len(buf)].strip()
        i = j
        if line:
            try:
                obj, end = dec.raw_decode(line)
            except ValueError:
                return False
            return end == len(line) and isinstance(obj, dict)
    return False


def read(path: Path, report: Report, **_kw) -> Iterator[Imported | Refused]:
    """One document per task; a bad task is one :class:`Refused` and the next goes on."""
    path = Path(path)
    for n, (no, t) in enumerate(iter_tasks(path), 1):
        if isinstance(t, Refused):
            yield t
            continue
        try:
            yield _document(path, n, no, t, report)
        except InputError as err:
            yield Refused.of(err)


def _objects(t: dict, keys: tuple[str, ...], n: int, where: str, what: str) -> list[dict]:
    """The task's list of annotations (or predictions): one InputError when it
    is not a list of objects."""
    got, key = None, keys[0]
    for key in keys:
        got = t.get(key)
        if got:
            break
    if not got:
        return []
    if not isinstance(got, list):
        raise InputError(where, f"task {n}: {key!r} must be a list of {what}s, not {show(got)}")
    for item in got:
        if not isinstance(item, dict):
            raise InputError(where, f"each {what} must be an object")
    return got


def _result_list(obj: dict) -> list:
    res = obj.get("result")
    return res if isinstance(res, list) else []


def _text_field(data: dict, parts: list[dict], where: str) -> str:
    """The key of ``data`` the text is in: ``text``; else its only string; else the
    only string field the span results name as their ``to_name``."""
    if isinstance(data.get("text"), str):
        return "text"
    strs = [k for k, v in data.items() if isinstance(v, str)]
    if len(strs) != 1:
        named = {r.get("to_name") for p in parts for r in _result_list(p) if isinstance(r, dict) and r.get("type") == "labels"}
        strs = [k for k in strs if k in named]
    if len(strs) != 1:
        raise InputError(where, "a task needs its text in data.text")
    return strs[0]


class _Region:
    """A span result, checked: its ID (None without one), code-point offsets, labels, score."""

    __slots__ = ("rid", "start", "end", "labels", "score")

    def __init__(self, rid, start, end, labels, score):
        self.rid, self.start, self.end, self.labels, self.score = rid, start, end, labels, score


class _Results:
    """One annotation's (or prediction's) results, checked: span regions, relation
    items, every result ID (relations name them), and which IDs came from a
    prediction (``origin: prediction``, Label Studio's mark on a kept one)."""

    def __init__(self):
        self.regions: list[_Region] = []
        self.links: list[dict] = []
        self.ids: set[str] = set()
        self.from_prediction: set[str] = set()


def _annotator(ann: dict) -> str | None:
    """Who made an annotation (``completed_by``: a user object, as Label Studio's
    export writes it, or a user ID): the email, else the name, else ``user ID``."""
    cb = ann.get("completed_by")
    if isinstance(cb, dict):
        for key in ("email", "username"):
            if isinstance(cb.get(key), str) and cb[key].strip():
                return cb[key].strip()
        name = " ".join(x.strip() for x in (cb.get("first_name"), cb.get("last_name")) if isinstance(x, str) and x.strip())
        if name:
            return name
        cb = cb.get("id")
    if isinstance(cb, str) and cb.strip():
        return cb.strip()
    if type(cb) is int:
        return f"user {cb}"
    return None


def _document(path: Path, n: int, no: int, t: dict, report: Report) -> Imported:
    """One task. Its annotation is accepted, ``by`` its ``completed_by``; several
    (more than one person's, none the ``ground_truth``) are merged as ``annotator
    merge`` merges (the agreed accepted, the rest candidates); a ``ground_truth``
    one is taken alone. Predictions are suggestions, except where an annotation
    came from them (Label Studio copies a kept prediction's regions into it with
    ``origin: prediction``): a kept region is that annotation (accepted,
    ``suggested_by`` the model), one left out of it rejected."""
    where = f"{path}:{no}"
    data = t.get("data")
    if not isinstance(data, dict):
        raise InputError(where, "a task needs 'data'")
    anns = _objects(t, ("annotations", "completions"), n, where, "annotation")
    preds = _objects(t, ("predictions",), n, where, "prediction")
    field = _text_field(data, anns + preds, where)
    text = data[field]
    u16 = Utf16(text)
    document = Document(text)

    def parse(res_list) -> _Results:
        out = _Results()
        if res_list is not None and not isinstance(res_list, list):
            raise InputError(where, f"task {n}: 'result' must be a list of results, not {show(res_list)}")
        for k, item in enumerate(res_list or [], 1):
            if not isinstance(item, dict):
                raise InputError(where, "each result must be an object")
            rid = str(item["id"]) if "id" in item else None
            if rid is not None:
                out.ids.add(rid)
                if str(item.get("origin", "")).startswith("prediction"):
                    out.from_prediction.add(rid)
            if item.get("type") == "relation":
                out.links.append(item)
                continue
            to = item.get("to_name")
            if isinstance(to, str) and to != field and to in data:
                report.leave(f"results on data.{to} (the text is data.{field})")  # a title's regions
                continue
            what = f"task {n}: result {item['id']!r}" if "id" in item else f"task {n}: result {k}"
            value = item.get("value")
            if not isinstance(value, dict):
                raise InputError(where, f"{what} has no 'value' (an object with start, end, text and labels)")
            kind = item.get("type")
            if kind != "labels" and (kind is not None or not {"start", "end", "labels"} & value.keys()):
                report.leave(f"{kind or 'unknown'} results")  # choices, textarea, rating, HTML spans
                continue
            missing = [key for key in ("start", "end") if key not in value]
            if missing:
                raise InputError(where, f"{what} has no {' and no '.join(missing)} in its value")
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x for x in labels):
                raise InputError(where, f"{what}: 'labels' must be a list of label names, as [\"PER\"], not {show(labels)}")
            s0, e0 = value["start"], value["end"]
            if type(s0) is not int or type(e0) is not int or not 0 <= s0 <= e0:
                raise InputError(where, f"bad offsets {s0!r}-{e0!r}")
            s, e = u16.to_code_points(s0), u16.to_code_points(e0)
            if e > len(text):
                raise InputError(where, f"offsets beyond the text ({len(text)} characters)")
            said = value.get("text")
            if said is not None and said != text[s:e]:
                raise InputError(
                    where, f"{what} at {s0}-{e0} says {show(said)}, but the text there reads {show(text[s:e])}"
                )
            out.regions.append(_Region(rid, s, e, tuple(dict.fromkeys(labels)), item.get("score")))
        return out

    def relation_labels(item: dict) -> list[str]:
        labels = item.get("labels") or ["relation"]
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            raise InputError(where, f"task {n}: a relation's 'labels' must be a list of label names, not {show(labels)}")
        return labels

    def ends(item: dict, local: dict[str, str], res: _Results) -> tuple[str, str] | None:
        a, b = local.get(str(item.get("from_id"))), local.get(str(item.get("to_id")))
        if a is None or b is None:
            missing = [str(item.get(k)) for k in ("from_id", "to_id") if str(item.get(k)) not in res.ids]
            if missing:
                report.warn(where, f"left out a relation: it refers to result {missing[0]!r}, which is not in this task")
            else:
                report.leave("relations to results that are not entities")
            return None
        return (b, a) if item.get("direction") == "left" else (a, b)

    # -- the annotations: one person's accepted; several merged ------------------------
    live: list[tuple[dict, _Results]] = []
    for ann in anns:
        if ann.get("was_cancelled"):
            report.leave("cancelled annotations")
            continue
        live.append((ann, parse(ann.get("result"))))
    preds_parsed = [(pred, parse(pred.get("result"))) for pred in preds]
    truth = [x for x in live if x[0].get("ground_truth") is True]
    if truth and len(truth) < len(live):
        report.leave("annotations beside a ground_truth one", len(live) - len(truth))
        live = truth
    taken = set().union(*(res.ids for _, res in live))  # their IDs are theirs: a prediction takes another
    names: list[str | None] = []
    for k, (ann, _) in enumerate(live, 1):
        name = _annotator(ann)
        if len(live) > 1:
            name = name or (f"annotation {ann['id']}" if isinstance(ann.get("id"), (int, str)) else f"annotation {k}")
            while name in names:
                name = f"{name} #{k}"
        names.append(name)

    def annotation_set(res: _Results, by: str | None, keep_ids: bool) -> tuple[AnnotationSet, Ids]:
        aset = AnnotationSet(document)
        ids = Ids()
        local: dict[str, str] = {}
        seen: dict[tuple, str] = {}
        for r in res.regions:
            for label in r.labels:
                key = (r.start, r.end, label)
                if key in seen:
                    local.setdefault(str(r.rid), seen[key])
                    continue
                rid = r.rid
                if keep_ids and rid and rid[:1] == "T" and rid[1:].isdigit() and rid not in aset.entities:
                    ent_id = rid  # our own export: keep the ID
                else:
                    ent_id = ids.next("T")
                    while ent_id in aset.entities or (keep_ids and ent_id in taken):
                        ent_id = ids.next("T")
                ids.see(ent_id)
                aset.entities[ent_id] = Entity(ent_id, label, Span(((r.start, r.end),), text[r.start : r.end]), by=by)
                seen[key] = ent_id
                local.setdefault(str(r.rid), ent_id)
        for item in res.links:
            got = ends(item, local, res)
            if got is None:
                continue
            for label in relation_labels(item):
                rel_id = ids.next("R")
                aset.relations[rel_id] = Relation(rel_id, label, got[0], got[1], by=by)
        return aset, ids

    if len(live) == 1:
        aset, ids = annotation_set(live[0][1], names[0], keep_ids=True)
    elif live:
        sets = {name: annotation_set(res, None, keep_ids=False)[0] for name, (_, res) in zip(names, live)}
        aset = merge_annotators(sets, document, report, "tasks")
        ids = Ids()
        for ann_id in chain(aset.entities, aset.relations):
            ids.see(ann_id)
    else:
        aset, ids = AnnotationSet(document), Ids()

    # -- the predictions: suggestions, or decided by the annotation made from them -----
    at: dict[tuple, str] = {(e.start, e.end, e.label): e.id for e in aset.entities.values()}
    kept: dict[str, str] = {}  # a region ID of the annotations -> its entity (the first of its labels)
    for (_, res) in live:
        for r in res.regions:
            if r.rid is not None and r.rid not in kept:
                got = at.get((r.start, r.end, r.labels[0]))
                if got is not None:
                    kept[r.rid] = got
    linked_rels = {(r.type, r.arg1, r.arg2) for r in aset.relations.values()}
    seen: dict[tuple, str] = {}
    for pred, res in preds_parsed:
        mv = pred.get("model_version")
        model = str(mv) if mv not in (None, "", "suggestions") else None
        default_score = pred.get("score")
        pred_id = pred.get("id")
        # the annotators who started from this prediction: what they left out, they rejected
        reviewers = [
            name for name, (ann, ares) in zip(names, live)
            if (pred_id is not None and (ann.get("parent_prediction") == pred_id
                                         or (isinstance(ann.get("prediction"), dict) and ann["prediction"].get("id") == pred_id)))
            or ares.from_prediction & res.ids
        ]
        status = REJECTED if reviewers else SUGGESTED
        by = reviewers[0] if reviewers else model
        local: dict[str, str] = {}
        for r in res.regions:
            score = r.score if r.score is not None else default_score
            score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
            for label in r.labels:
                same = at.get((r.start, r.end, label)) or (kept.get(r.rid) if r.rid is not None else None)
                if same is not None:  # in an annotation: it is that one, its suggester recorded
                    ent = aset.entities[same]
                    if ent.status == ACCEPTED and ent.suggested_by is None and model is not None and ent.by != MERGE_BY:
                        aset.entities[same] = replace(
                            ent, suggested_by=model, score=ent.score if ent.score is not None else score,
                            suggested_label=label if label != ent.label else None,
                        )
                    local.setdefault(str(r.rid), same)
                    continue
                key = (r.start, r.end, label, status, by, model)
                if key in seen:
                    local.setdefault(str(r.rid), seen[key])
                    continue
                rid = r.rid
                ours = rid is not None and rid[:1] == "T" and rid[1:].isdigit()
                if ours and rid not in aset.entities and rid not in taken:
                    ent_id = rid  # our own export: keep the ID
                else:
                    ent_id = ids.next("T")
                    while ent_id in aset.entities or ent_id in taken:
                        ent_id = ids.next("T")
                ids.see(ent_id)
                aset.entities[ent_id] = Entity(
                    ent_id, label, Span(((r.start, r.end),), text[r.start : r.end]), status=status, by=by, score=score,
                    suggested_by=model if status == REJECTED else None,
                )
                seen[key] = ent_id
                local.setdefault(str(r.rid), ent_id)
        for item in res.links:
            got = ends(item, local, res)
            if got is None:
                continue
            for label in relation_labels(item):
                if (label, *got) in linked_rels:
                    continue  # kept in the annotation
                rel_id = ids.next("R")
                aset.relations[rel_id] = Relation(
                    rel_id, label, got[0], got[1], status=status, by=by, suggested_by=model if status == REJECTED else None
                )
    meta = t.get("meta") if isinstance(t.get("meta"), dict) else {}
    name = meta.get("name") or t.get("id")
    return Imported(str(name) if name is not None else f"{path.stem}-{n}", aset, source=str(path), where=where)
