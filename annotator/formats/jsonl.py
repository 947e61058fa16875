"""spaCy / Prodigy JSONL: one task per line with ``text``, ``tokens``, ``spans``
(``start``, ``end``, ``label``, ``token_start``, ``token_end`` inclusive) and
``answer``; relations in Prodigy's ``relations`` shape.

Status travels as Prodigy does it: the document's accepted entities in one task
with ``answer: accept``; suggestions in a task with no answer (a pre-highlighted
task, as Prodigy shows a model's suggestions); each rejected entity in its own
task with ``answer: reject`` (Prodigy's binary tasks). Tokens are split at every
span boundary, so every span is a whole number of tokens. A span's ``by`` and
``score`` ride in its ``meta`` (``{"by": "rules", "score": 0.8}``), read back.

Reading makes one article of all the tasks on one input, wherever they are in
the file: the same ``_input_hash`` (Prodigy's), else the same text (and
``meta.name``). An ``ignore`` answer carries nothing: an input with only those
is no article. A named session's answers (``_annotator_id``, else
``_session_id``) are ``by`` it; several annotators' on one input are merged as
``annotator merge`` merges (``common.merge_annotators``).
spaCy's own lines are read too (``record_spans``, the reader
``suggest --with file:`` shares): ``Doc.to_json()``'s ``ents`` and ``spans`` as
span groups (``{"sc": [...]}``), and training lines' ``entities`` as ``[start,
end, label]``, as ``--from spacy`` reads a DocBin: accepted (the ``suggested``
and ``rejected`` groups as such), an unlabelled span left out and counted. A
doccano line (``label`` triples, ``start_offset``) is refused, pointing at
``--from doccano``.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import chain

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Relation, Span
from ..store.files import atomic_output
from ..store.validate import show
from .common import (
    Ids,
    Imported,
    Named,
    Refused,
    Report,
    TokenIndex,
    contiguous_entities,
    export_tokens,
    json_problem,
    leave_attrs,
    leave_unsupported,
    merge_annotators,
    select,
    span_bounds,
)

SOURCE_SUFFIXES = (".jsonl", ".json")
OUT_IS_DIR = False

ANSWER_OF = {ACCEPTED: "accept", REJECTED: "reject"}


def _span(ent: Entity, idx: TokenIndex) -> dict:
    ts, te = idx.span(ent.start, ent.end)
    out = {"start": ent.start, "end": ent.end, "label": ent.label, "token_start": ts, "token_end": te}
    meta = {k: v for k, v in (("by", ent.by), ("score", ent.score)) if v is not None}
    if meta:
        out["meta"] = meta  # who suggested it, how sure (Prodigy and spaCy ignore it)
    return out


def records(name: str, aset: AnnotationSet, report: Report, status: str) -> list[dict]:
    """The Prodigy tasks of one document."""
    sel = select(aset, status, report, keep_rejected=True)
    leave_unsupported(sel, report, relations=False)
    ents = contiguous_entities(sel, report)
    leave_attrs(chain(ents, sel.relations.values()), report)
    text = sel.document.text
    starts, ends = span_bounds(ents)
    tokens = export_tokens(text, starts, ends)
    idx = TokenIndex(tokens)
    tok_dicts = [
        {"text": text[t.start : t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws} for i, t in enumerate(tokens)
    ]
    by_status: dict[str, list[Entity]] = {ACCEPTED: [], SUGGESTED: [], REJECTED: []}
    for ent in ents:
        by_status[ent.status].append(ent)
    meta = {"name": name}

    def relations_for(group: list[Entity], st: str) -> list[dict]:
        spans = {e.id: e for e in group}
        out = []
        for rel in sel.relations.values():
            if rel.status != st:
                continue
            h, c = spans.get(rel.arg1), spans.get(rel.arg2)
            if h is None or c is None:
                continue
            hs, cs = _span(h, idx), _span(c, idx)
            out.append({"head": hs["token_end"], "child": cs["token_end"], "head_span": hs, "child_span": cs, "label": rel.type})
        return out

    out = []
    main = {"text": text, "tokens": tok_dicts, "spans": [_span(e, idx) for e in by_status[ACCEPTED]]}
    rels = relations_for(by_status[ACCEPTED], ACCEPTED)
    if rels:
        main["relations"] = rels
    main["answer"] = "accept"
    main["meta"] = meta
    out.append(main)
    carried = len(rels)
    if by_status[SUGGESTED]:
        task = {"text": text, "tokens": tok_dicts, "spans": [_span(e, idx) for e in by_status[SUGGESTED]]}
        rels = relations_for(by_status[SUGGESTED], SUGGESTED)
        if rels:
            task["relations"] = rels
        carried += len(rels)
        task["meta"] = meta
        out.append(task)
    for ent in by_status[REJECTED]:
        out.append({"text": text, "tokens": tok_dicts, "spans": [_span(ent, idx)], "answer": "reject", "meta": meta})
    report.leave("relations not between two entities of one task", len(sel.relations) - carried)
    return out


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", **_kw) -> None:
    out = Path(out)
    with atomic_output(out) as fh:  # all or nothing; an OS error is one line
        for name, aset in items:
            for rec in records(name, aset, report, status):
                fh.write(json.dumps(rec, ensure_ascii=False))
                fh.write("\n")
            report.documents += 1


# -- reading ------------------------------------------------------------------


def _is_array(path: Path) -> bool:
    """Does the file hold a JSON array (its first non-blank character ``[``)?"""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            while True:
                chunk = fh.read(1 << 12)
                if not chunk:
                    return False
                chunk = chunk.lstrip()
                if chunk:
                    return chunk[0] == "["
    except (OSError, UnicodeDecodeError):
        return False  # (said when the file is read)


def iter_json_lines(path: Path) -> Iterator[tuple[int, dict | Refused]]:
    """(line number, object) per non-blank line; a line that is not a JSON
    object is a :class:`Refused` and the reading goes on. A file that holds a
    JSON array (a pretty-printed ``tasks.json``) is read as one, as ``--from
    labelstudio`` reads it: each element an object, at the line it starts on.
    A file that cannot be read at all is one InputError."""
    if _is_array(path):
        from .labelstudio import iter_tasks

        yield from iter_tasks(path)
        return
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    with fh:
        try:
            for no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield no, Refused(f"{path}:{no}", f"not JSON: {json_problem(exc)}")
                    continue
                if not isinstance(obj, dict):
                    yield no, Refused(f"{path}:{no}", "each line must be a JSON object")
                    continue
                yield no, obj
        except UnicodeDecodeError as exc:
            raise InputError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def _int(v, where: str, what: str) -> int:
    if type(v) is not int:
        raise InputError(where, f"{what} must be a whole number, not {v!r}")
    return v


class _Builder:
    """Collects the tasks of one document (one input: see :func:`_input_key`)."""

    def __init__(self, name: str, text: str, where: str, who: str | None = None):
        self.name = name
        self.aset = AnnotationSet(Document(text))
        self.where = where  # its first task
        self.ids = Ids()
        self.index: dict[tuple, str] = {}
        self.refused: Refused | None = None
        self.kept = False  # a task not ignored
        #: the annotator of these tasks (``_annotator_id``, else ``_session_id``): their ``by``
        self.who = who
        #: each annotator's tasks on this input, apart (the tasks of none are this one's)
        self.parts: dict[str, _Builder] = {}

    def part(self, rec: dict) -> "_Builder":
        """Where a task goes: the builder of its annotator (this one when it names none)."""
        who = _who(rec)
        if who is None:
            return self
        got = self.parts.get(who)
        if got is None:
            got = self.parts[who] = _Builder(self.name, self.aset.document.text, self.where, who)
        return got

    def done(self, path: Path, report: Report) -> Iterator[Imported]:
        """The document, unless it was refused (which was said when it happened)
        or all its tasks were ignored. One annotator's answers are theirs (``by``);
        several annotators' are merged as ``annotator merge`` merges (what more
        than half of them accepted is accepted, the rest candidates to adjudicate;
        what they rejected and nobody accepted, rejected)."""
        if self.refused is not None:
            return
        named = {who: p for who, p in self.parts.items() if p.kept}
        for p in named.values():
            for rel_id, rel in p.aset.relations.items():
                if rel.by is None and rel.status != SUGGESTED:
                    p.aset.relations[rel_id] = replace(rel, by=p.who)
        if not named:
            if self.kept:
                yield Imported(self.name, self.aset, source=str(path), where=self.where)
            return
        if len(named) == 1:
            base = next(iter(named.values())).aset
        else:
            base = merge_annotators({who: p.aset for who, p in named.items()}, self.aset.document, report, "inputs")
            for p in named.values():  # what they rejected (or left as suggestions) that the merge does not hold
                _fold(base, p.aset, loose=True)
        if self.kept:
            _fold(base, self.aset)
        yield Imported(self.name, base, source=str(path), where=self.where)

    def entity(self, start: int, end: int, label: str, status: str, where: str, said=None, meta=None) -> str:
        """The entity at start-end; ``said`` is the span's own ``text``, when it
        has one: a span whose text is not the article's there is refused, never
        imported at the wrong place."""
        text = self.aset.document.text
        if not 0 <= start <= end <= len(text):
            raise InputError(where, f"span {start}-{end} is outside the text ({len(text)} characters)")
        if said is not None and said != text[start:end]:
            raise InputError(where, f"span {start}-{end} says {show(said)}, but the text there reads {show(text[start:end])}")
        key = (start, end, label, status)
        got = self.index.get(key)
        if got is not None:
            return got
        ent_id = self.ids.next("T")
        info = meta if isinstance(meta, dict) else {}
        score = info.get("score")  # by and score are checked at import's door (store.plain)
        self.aset.entities[ent_id] = Entity(
            ent_id, label, Span(((start, end),), text[start:end]), status=status,
            by=info.get("by") or (self.who if status != SUGGESTED else None),
            score=float(score) if type(score) is int else score,
        )
        self.index[key] = ent_id
        return ent_id


#: a session Prodigy named itself (no ``?session=NAME``): its start time, or ``default``
_UNNAMED_SESSION = re.compile(r"(?:^|-)(?:\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}|default)$")


def _who(rec: dict) -> str | None:
    """The annotator of a Prodigy task: db-out's ``_annotator_id``, else its
    ``_session_id``, when the session is named (``?session=alice``:
    ``news-alice``); None for a session Prodigy named by its start time, which
    says nothing of who (one person's sessions of two days are one annotator)."""
    for key in ("_annotator_id", "_session_id"):
        v = rec.get(key)
        if isinstance(v, str) and v.strip():
            v = v.strip()
            return None if _UNNAMED_SESSION.search(v) else v
    return None


def _fold(dst: AnnotationSet, src: AnnotationSet, loose: bool = False) -> None:
    """``src``'s entities and relations into ``dst`` (not accepted ones only, when
    ``loose``), with IDs ``dst`` has free. One ``dst`` has already (the same label
    and span, and status unless ``loose``) is that one, not a second."""
    ids = Ids()
    for ann_id in chain(dst.entities, dst.relations):
        ids.see(ann_id)

    def ent_key(e: Entity) -> tuple:
        return (e.label, e.span.fragments) + (() if loose else (e.status,))

    have = {ent_key(e): e.id for e in dst.entities.values()}
    new_id: dict[str, str] = {}
    for e in src.entities.values():
        got = have.get(ent_key(e))
        if got is None and not (loose and e.status == ACCEPTED):
            got = have[ent_key(e)] = ids.next("T")
            dst.entities[got] = replace(e, id=got)
        if got is not None:
            new_id[e.id] = got
    rels = {(r.type, r.arg1, r.arg2) + (() if loose else (r.status,)) for r in dst.relations.values()}
    for r in src.relations.values():
        a, b = new_id.get(r.arg1), new_id.get(r.arg2)
        key = (r.type, a, b) + (() if loose else (r.status,))
        if a is None or b is None or key in rels or (loose and r.status == ACCEPTED):
            continue
        rels.add(key)
        rel_id = ids.next("R")
        dst.relations[rel_id] = replace(r, id=rel_id, arg1=a, arg2=b)


#: what an unlabelled span of a span group is counted as (left out)
UNLABELLED = "unlabelled spans in span groups (an entity needs a label)"
#: a span group's status, as ``--to spacy`` writes them and ``--from spacy`` reads them
STATUS_OF_GROUP = {"sc": ACCEPTED, "suggested": SUGGESTED, "rejected": REJECTED}


def record_spans(rec: dict, *, doccano_label: bool = False) -> list[tuple[str, str | None, object]]:
    """The spans of one JSON record, each as (where it is in the record, for
    messages; its group; the span, a dict when well formed): Prodigy's ``spans``
    list (group None); spaCy's ``Doc.to_json()``, ``ents`` (group ``"ents"``) and
    ``spans`` as a dict of span groups (``{"sc": [...]}``, the group's name);
    else ``entities`` as ``[start, end, label]`` triples, spaCy's training
    lines (group ``"entities"``), and with ``doccano_label`` doccano's ``label``
    triples too. The one reader of these shapes, for ``import --from jsonl``
    and ``suggest --with file:``. ValueError for a shape that is none of them."""
    out: list[tuple[str, str | None, object]] = []
    spans = rec.get("spans")
    if isinstance(spans, dict):
        for group, items in spans.items():
            if not isinstance(items, list):
                raise ValueError(f"spans.{group}: a span group must be a list")
            out += [(f"spans.{group}[{k}]", str(group), sp) for k, sp in enumerate(items)]
    elif isinstance(spans, list):
        out += [(f"spans[{k}]", None, sp) for k, sp in enumerate(spans)]
    elif spans is not None:
        raise ValueError("'spans' must be a list (or spaCy's span groups: an object of lists)")
    ents = rec.get("ents")
    if ents is not None:
        if not isinstance(ents, list):
            raise ValueError("'ents' must be a list")
        out += [(f"ents[{k}]", "ents", sp) for k, sp in enumerate(ents)]
    if spans is None and ents is None:
        key = "entities" if rec.get("entities") is not None or not doccano_label else "label"
        items = rec.get(key)
        if items is not None and not isinstance(items, list):
            raise ValueError(f"{key!r} must be a list of [start, end, label]")
        for k, item in enumerate(items or ()):
            if isinstance(item, str) and key == "label":
                continue  # doccano's text-classification label: no span
            if isinstance(item, (list, tuple)):
                if len(item) < 3:
                    raise ValueError(f"{key}[{k}]: expected [start, end, label], not {show(item)}")
                item = {"start": item[0], "end": item[1], "label": item[2]}
            out.append((f"{key}[{k}]", "entities", item))
    return out


def _doccano_shape(rec: dict) -> str | None:
    """What to say of a doccano line given as Prodigy/spaCy JSONL, which would
    import with no entities: its ``label`` triples, or its ``entities`` with
    ``start_offset``."""
    if rec.get("spans") is not None or rec.get("ents") is not None:
        return None
    label = rec.get("label")
    if isinstance(label, list) and label and all(isinstance(x, list) for x in label):
        return "it has doccano's 'label' as [start, end, label]"
    ents = rec.get("entities")
    if isinstance(ents, list) and any(isinstance(x, dict) and "start_offset" in x for x in ents):
        return "its 'entities' have doccano's 'start_offset' and 'end_offset'"
    return None


def _span_offsets(sp: dict, tokens, where: str) -> tuple[int, int]:
    if "start" in sp and "end" in sp:
        return _int(sp["start"], where, "start"), _int(sp["end"], where, "end")
    if "token_start" in sp and "token_end" in sp and isinstance(tokens, list):
        try:
            return int(tokens[sp["token_start"]]["start"]), int(tokens[sp["token_end"]]["end"])
        except (IndexError, KeyError, TypeError):
            pass
    raise InputError(where, "a span needs start and end")


def _name(rec: dict) -> str | None:
    meta = rec.get("meta")
    name = meta.get("name") if isinstance(meta, dict) else None
    return None if name is None else str(name)


def _input_key(rec: dict) -> tuple | None:
    """Which input a task is on: its ``_input_hash``, else its text (a digest,
    so that the first pass holds no texts), with its name; None without a text."""
    text = rec.get("text")
    if not isinstance(text, str):
        return None
    h = rec.get("_input_hash")
    if isinstance(h, (int, str)) and not isinstance(h, bool):
        return (_name(rec), "hash", h)
    return (_name(rec), "text", hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())


def _last_lines(path: Path) -> dict[tuple, int]:
    """The line of each input's last task (a first pass over the file)."""
    last: dict[tuple, int] = {}
    for no, rec in iter_json_lines(path):
        if not isinstance(rec, Refused):
            key = _input_key(rec)
            if key is not None:
                last[key] = no
    return last


def read(path: Path, report: Report, **_kw) -> Iterator[Imported | Refused]:
    """One document per input (``_input_hash``, else text and name), its tasks
    anywhere in the file; documents are named in the order they first appear.
    A bad task refuses its document (one :class:`Refused`); the others go on.

    A first pass finds each input's last task, so a document is held only from
    its first task to its last, not the whole file to its end."""
    path = Path(path)
    last = _last_lines(path)
    open_: dict[tuple, _Builder] = {}
    n = 0
    for no, rec in iter_json_lines(path):
        if isinstance(rec, Refused):
            yield rec
            continue
        where = f"{path}:{no}"
        key = _input_key(rec)
        if key is None:
            yield Refused(where, "a task needs a 'text' string")
            continue
        cur = open_.get(key)
        if cur is None:
            n += 1
            name = key[0]
            cur = open_[key] = _Builder(name if name is not None else f"{path.stem}-{n}", rec["text"], where)
        if cur.refused is None:
            try:
                if rec["text"] != cur.aset.document.text:
                    raise InputError(where, f"_input_hash {key[2]!r} is on another text at {cur.where}")
                _task(cur.part(rec), rec, where, report)
            except InputError as err:
                cur.refused = Refused.of(err)
                yield cur.refused
        if last.get(key) == no:
            del open_[key]
            yield from cur.done(path, report)
    for cur in open_.values():  # only if the file changed between the two passes
        yield from cur.done(path, report)


def _task(cur: _Builder, rec: dict, where: str, report: Report) -> None:
    """One task's spans and relations into its document."""
    answer = rec.get("answer")
    if answer == "ignore":
        report.leave("ignored tasks")
        return
    status = {"accept": ACCEPTED, "reject": REJECTED, None: SUGGESTED}.get(answer) if answer is None or type(answer) is str else None
    if status is None:
        raise InputError(where, f"answer must be accept, reject or ignore, not {answer!r}")
    cur.kept = True
    other = _doccano_shape(rec)
    if other is not None:
        raise InputError(where, f"not a Prodigy or spaCy line: {other} (import it with --from doccano)")
    try:
        spans = record_spans(rec)
    except ValueError as exc:
        raise InputError(where, str(exc)) from None
    tokens = rec.get("tokens")
    text = cur.aset.document.text
    labelled: dict[tuple[int, int], str] = {}  # this task's entities by offsets
    unlabelled = 0
    for _at, group, sp in spans:
        if not isinstance(sp, dict):
            raise InputError(where, "each span must be an object")
        s, e = _span_offsets(sp, tokens, where)
        label = sp.get("label")
        st = status
        if group is not None:  # spaCy's shapes: what --from spacy makes of a DocBin
            if label is None or label == "":
                unlabelled += 1  # a span group's span with no label (a span finder's candidates): no entity
                continue
            if answer is None:
                st = STATUS_OF_GROUP.get(group, ACCEPTED)
        elif label is None:
            # Prodigy keeps spans with no label (tokens merged in rel.manual): no entity.
            report.warn(where, f"left out span {s}-{e} {show(text[s:e])}: it has no label (an entity needs one)")
            continue
        if not isinstance(label, str) or not label:
            raise InputError(where, f"span {s}-{e}: label must be a label name, not {show(label)}")
        labelled.setdefault((s, e), cur.entity(s, e, label, st, where, sp.get("text"), sp.get("meta")))
    report.leave(UNLABELLED, unlabelled)
    rels = rec.get("relations") or []
    if not isinstance(rels, list):
        raise InputError(where, f"'relations' must be a list, not {show(rels)}")
    for rel in rels:
        if not isinstance(rel, dict):
            raise InputError(where, "each relation must be an object")
        hs, cs = rel.get("head_span"), rel.get("child_span")
        if not isinstance(hs, dict) or not isinstance(cs, dict):
            report.leave("relations without head_span and child_span")
            continue
        rel_label = rel.get("label")
        if not isinstance(rel_label, str) or not rel_label:
            raise InputError(where, f"a relation's label must be a label name, not {show(rel_label)}")
        ends = []
        for which, sp in (("head_span", hs), ("child_span", cs)):
            s, e = _span_offsets(sp, tokens, where)
            label = sp.get("label")
            if label is None:
                # Prodigy links plain tokens too; an entity of this task at the same place stands in.
                stand_in = labelled.get((s, e))
                if stand_in is None:
                    report.warn(where, f"left out relation {rel_label!r}: its {which} {s}-{e} {show(text[s:e])} has no label "
                                "(a relation joins two entities)")
                    break
                ends.append(stand_in)
                continue
            if not isinstance(label, str) or not label:
                raise InputError(where, f"{which} {s}-{e}: label must be a label name, not {show(label)}")
            ends.append(cur.entity(s, e, label, status, where, sp.get("text"), sp.get("meta")))
        if len(ends) < 2:
            continue
        rel_id = cur.ids.next("R")
        cur.aset.relations[rel_id] = Relation(rel_id, rel_label, ends[0], ends[1], status=status)
