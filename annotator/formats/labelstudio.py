"""Label Studio task JSON: ``data.text``, accepted entities as ``annotations``,
suggestions as ``predictions`` (one per suggester, ``model_version`` = its name,
a ``score`` per result). Offsets are UTF-16 code units, as Label Studio (a
JavaScript app) counts them: an emoji is two.

The export is one JSON array written task by task; the reader walks an array
(or JSON lines, or one task) object by object, so neither holds all tasks. In
JSON lines each line is a task: a broken one is refused alone.
"""

from __future__ import annotations

from itertools import chain

import json
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import ACCEPTED, SUGGESTED, AnnotationSet, Document, Entity, Relation, Span
from .common import Ids, Imported, Named, Refused, Report, Utf16, contiguous_entities, leave_attrs, leave_unsupported, select
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
    out["annotations"] = [{"result": accepted, "was_cancelled": False, "ground_truth": False}]
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
                        yield line, Refused(f"{path}:{line}", f"not JSON: {exc.msg}")
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
                            yield line, Refused(f"{path}:{line}", f"not JSON: {first_error.msg}")
                            lines = True
                            nl = buf.find("\n")
                            line, buf = line + (nl >= 0), buf[nl + 1 :] if nl >= 0 else ""
                            break
                        raise InputError(f"{path}:{at}", f"not JSON: {exc.msg}") from None
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


def _document(path: Path, n: int, no: int, t: dict, report: Report) -> Imported:
    where = f"{path}:{no}"
    data = t.get("data")
    if not isinstance(data, dict):
        raise InputError(where, "a task needs 'data'")
    text = data.get("text")
    if not isinstance(text, str):
        strs = [v for v in data.values() if isinstance(v, str)]
        if len(strs) != 1:
            raise InputError(where, "a task needs its text in data.text")
        text = strs[0]
    u16 = Utf16(text)
    aset = AnnotationSet(Document(text))
    ids = Ids()
    taken: set[str] = set()
    for result in t.get("annotations") or []:
        for item in (result.get("result") if isinstance(result, dict) else None) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                taken.add(item["id"])
    seen: dict[tuple, str] = {}

    def results(res_list, status: str, by: str | None, default_score) -> None:
        local: dict[str, str] = {}
        pending = []
        if res_list is not None and not isinstance(res_list, list):
            raise InputError(where, f"task {n}: 'result' must be a list of results, not {show(res_list)}")
        for k, item in enumerate(res_list or [], 1):
            if not isinstance(item, dict):
                raise InputError(where, "each result must be an object")
            if item.get("type") == "relation":
                pending.append(item)
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
            score = item.get("score", default_score)
            for label in labels:
                key = (s, e, str(label), status, by)
                if key in seen:
                    local[str(item.get("id"))] = seen[key]
                    continue
                rid = item.get("id")
                ours = isinstance(rid, str) and rid[:1] == "T" and rid[1:].isdigit()
                if ours and rid not in aset.entities and (status == ACCEPTED or rid not in taken):
                    ent_id = rid  # our own export: keep the ID
                else:
                    ent_id = ids.next("T")
                    while ent_id in aset.entities or ent_id in taken:
                        ent_id = ids.next("T")
                ids.see(ent_id)
                aset.entities[ent_id] = Entity(
                    ent_id,
                    str(label),
                    Span(((s, e),), text[s:e]),
                    status=status,
                    by=by,
                    score=float(score) if isinstance(score, (int, float)) and status == SUGGESTED else None,
                )
                seen[key] = ent_id
                local.setdefault(str(item.get("id")), ent_id)
        every_id = {str(item.get("id")) for item in res_list or [] if isinstance(item, dict)}
        for item in pending:
            a, b = local.get(str(item.get("from_id"))), local.get(str(item.get("to_id")))
            if a is None or b is None:
                missing = [str(item.get(k)) for k in ("from_id", "to_id") if str(item.get(k)) not in every_id]
                if missing:
                    report.warn(where, f"left out a relation: it refers to result {missing[0]!r}, which is not in this task")
                else:
                    report.leave("relations to results that are not entities")
                continue
            if item.get("direction") == "left":
                a, b = b, a
            labels = item.get("labels") or ["relation"]
            if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
                raise InputError(where, f"task {n}: a relation's 'labels' must be a list of label names, not {show(labels)}")
            for label in labels:
                rel_id = ids.next("R")
                aset.relations[rel_id] = Relation(rel_id, str(label), a, b, status=status, by=by if status == SUGGESTED else None)

    for ann in t.get("annotations") or t.get("completions") or []:
        if not isinstance(ann, dict):
            raise InputError(where, "each annotation must be an object")
        if ann.get("was_cancelled"):
            report.leave("cancelled annotations")
            continue
        results(ann.get("result"), ACCEPTED, None, None)
    for pred in t.get("predictions") or []:
        if not isinstance(pred, dict):
            raise InputError(where, "each prediction must be an object")
        mv = pred.get("model_version")
        results(pred.get("result"), SUGGESTED, str(mv) if mv not in (None, "", "suggestions") else None, pred.get("score"))
    meta = t.get("meta") if isinstance(t.get("meta"), dict) else {}
    name = meta.get("name") or t.get("id")
    return Imported(str(name) if name is not None else f"{path.stem}-{n}", aset, source=str(path), where=where)
