"""Validation: parsed data -> an ``AnnotationSet`` and every problem in it.

One checker for both readers' output: each problem is a ``Problem``
(``file:line: what``), every annotation that can be built is kept.
"""

from __future__ import annotations

import math
from typing import Any

from ..digest import sha256
from ..errors import Problem
from ..model import (
    ACCEPTED,
    STATUSES,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
    fragments_text,
)
from ..schema import Schema
from .tree import Tree
from .tree import FORMAT

_TOP_KEYS = ("format", "document", "entities", "events", "attributions", "relations")
_DOC_KEYS = {"path", "sha256", "length"}
_COMMON = {"status", "by", "score", "suggested_by", "suggested_label", "attrs"}
_ENTITY_KEYS = {"id", "label", "start", "end", "fragments", "text"} | _COMMON
_EVENT_KEYS = {"id", "type", "trigger", "arguments"} | _COMMON
_ATTRIBUTION_KEYS = {"id", "source", "cue", "content", "type"} | _COMMON
_RELATION_KEYS = {"id", "type", "arg1", "arg2"} | _COMMON
_SPAN_KEYS = {"start", "end", "fragments", "text"}
_ARG_KEYS = {"role", "ref"}


class LostSpan(Problem):
    """A span marked lost (see ``reanchor``): a problem for validate, export, audit."""

    __slots__ = ("what",)

    def __init__(self, path: str, line: int | None, message: str, what: str):
        super().__init__(path, line, message)
        #: which span: ``T4``, ``E2 trigger``, ``A1 cue``
        self.what = what


def show(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _is_int(v: Any) -> bool:
    return type(v) is int


def _marked_lost(item: dict, part: str) -> bool:
    """Is this part of a parsed annotation marked lost (``attrs: {lost: true | [parts]}``)?"""
    attrs = item.get("attrs")
    if not isinstance(attrs, dict):
        return False
    flag = attrs.get("lost")
    if flag is True:
        return True
    return isinstance(flag, list) and part in flag


def bad_attr(value: Any, depth: int) -> str | None:
    """Why a value of ``attrs`` cannot be kept (None: it can)."""
    if depth > 50:
        return "nests too deeply"
    if value is None or type(value) in (str, int, bool):
        return None
    if type(value) is float:
        return None if math.isfinite(value) else f"{value!r} is not a finite number"
    if isinstance(value, list):
        for v in value:
            bad = bad_attr(v, depth + 1)
            if bad:
                return bad
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if type(k) is not str:
                return f"key {show(k)} must be a string"
            bad = bad_attr(v, depth + 1)
            if bad:
                return bad
        return None
    return f"{show(value)} cannot be kept (quote dates and binary data)"


class Checker:
    def __init__(self, tree: Tree, source: str, article: str | None, article_sha: str | None, schema: Schema | None):
        self.tree = tree
        self.source = source
        self.article = article
        self.article_sha = article_sha
        self.schema = schema
        self.problems: list[Problem] = []
        self.changed_note = ""
        #: spans marked lost (``attrs: {lost: ...}``, see ``reanchor``): their text is
        #: not checked against the article; ``reader.read`` of a file lists them
        self.lost: list[LostSpan] = []
        self.ids: dict[str, int | None] = {}
        self._pending_refs: list[tuple[str, int | None, str]] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    # -- pieces ---------------------------------------------------------------
    def seq(self, top: dict, key: str) -> tuple[list, int | None]:
        if key not in top or top[key] is None:
            return [], None
        value = top[key]
        line = self.tree.key_line(top, key, None)
        if not isinstance(value, list):
            self.add(line, f"'{key}' must be a list, not {show(value)}")
            return [], line
        return value, self.tree.line(value, line)

    def unknown_keys(self, d: dict, allowed: set, who: str, line: int | None) -> None:
        for k in d:
            if k not in allowed:
                self.add(self.tree.key_line(d, k, line), f"{who}: unknown key {show(k)}")

    def opt_str(self, d: dict, key: str, who: str, line: int | None) -> str | None:
        v = d.get(key)
        if v is None or type(v) is str:
            return v
        self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a string, not {show(v)}")
        return None

    def req_str(self, d: dict, key: str, who: str, line: int | None) -> str | None:
        if key not in d or d[key] is None:
            self.add(line, f"{who}: '{key}' is missing")
            return None
        v = d[key]
        if type(v) is not str or not v:
            self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a non-empty string, not {show(v)}")
            return None
        return v

    def the_id(self, d: dict, line: int | None, kind: str) -> str | None:
        if "id" not in d:
            self.add(line, f"{kind} without an 'id'")
            return None
        v = d["id"]
        if type(v) is not str or not v:
            self.add(self.tree.key_line(d, "id", line), f"{kind} id must be a non-empty string, not {show(v)}")
            return None
        if v in self.ids:
            first = self.ids[v]
            at = f" (first at line {first})" if first is not None else ""
            self.add(self.tree.key_line(d, "id", line), f"duplicate id {v}{at}")
            return None
        self.ids[v] = self.tree.key_line(d, "id", line)
        return v

    def common(self, d: dict, who: str, line: int | None) -> dict | None:
        """status, by, score, suggested_by, suggested_label, attrs -> keyword arguments (None if bad)."""
        ok = True
        kw: dict[str, Any] = {}
        status = d.get("status", ACCEPTED)
        if status is None:
            status = ACCEPTED
        if status not in STATUSES or type(status) is not str:
            what = f"{who}: status {show(status)} must be accepted, suggested or rejected"
            self.add(self.tree.key_line(d, "status", line), what)
            ok = False
        kw["status"] = status
        for key in ("by", "suggested_by"):
            v = d.get(key)
            if v is not None and type(v) is not str:
                self.add(self.tree.key_line(d, key, line), f"{who}: {key} must be a string, not {show(v)}")
                ok = False
            kw[key] = v
        v = d.get("suggested_label")
        if v is not None and (type(v) is not str or not v):
            what = f"{who}: suggested_label must be a non-empty string, not {show(v)}"
            self.add(self.tree.key_line(d, "suggested_label", line), what)
            ok = False
        kw["suggested_label"] = v
        score = d.get("score")
        if score is not None:
            if type(score) not in (int, float) or not math.isfinite(score):
                what = f"{who}: score must be a finite number, not {show(score)}"
                self.add(self.tree.key_line(d, "score", line), what)
                ok = False
            else:
                score = float(score)
        kw["score"] = score
        attrs = d.get("attrs")
        if attrs is None:
            attrs = {}
        elif not isinstance(attrs, dict):
            self.add(self.tree.key_line(d, "attrs", line), f"{who}: attrs must be a mapping, not {show(attrs)}")
            ok = False
        else:
            bad = self.bad_attr(attrs, 0)
            if bad:
                self.add(self.tree.key_line(d, "attrs", line), f"{who}: attrs: {bad}")
                ok = False
        kw["attrs"] = attrs
        return kw if ok else None

    def bad_attr(self, value: Any, depth: int) -> str | None:
        return bad_attr(value, depth)

    def span(self, d: dict, who: str, line: int | None, lost: bool = False) -> Span | None:
        """A span from start/end (or fragments) and text; checked against the article.

        ``lost``: the span is marked lost (not found when the article changed):
        its offsets are checked, its text is not (it keeps the old text).
        """
        article = self.article
        start, end, text = d.get("start"), d.get("end"), d.get("text")
        if (
            not lost
            and type(start) is int
            and type(end) is int
            and type(text) is str
            and 0 <= start < end
            and "fragments" not in d
            and (article is None or (end <= len(article) and article[start:end] == text))
        ):
            return Span(((start, end),), text)
        has_pos = "start" in d or "end" in d
        if has_pos and "fragments" in d:
            self.add(line, f"{who}: give either start/end or fragments, not both")
            return None
        kline = self.tree.key_line
        if "fragments" in d:
            frs = d["fragments"]
            fline = kline(d, "fragments", line)
            if not isinstance(frs, list) or not frs:
                self.add(fline, f"{who}: fragments must be a list of [start, end] pairs, not {show(frs)}")
                return None
            frags = []
            for fr in frs:
                if not (isinstance(fr, list) and len(fr) == 2 and _is_int(fr[0]) and _is_int(fr[1])):
                    self.add(fline, f"{who}: fragment {show(fr)} must be a [start, end] pair of whole numbers")
                    return None
                frags.append((fr[0], fr[1]))
            for (s0, e0), (s1, e1) in zip(frags, frags[1:]):
                if s1 < e0:
                    self.add(fline, f"{who}: fragments must be in order and must not overlap")
                    return None
        else:
            start, end = d.get("start"), d.get("end")
            if start is None or end is None:
                missing = "start" if start is None else "end"
                self.add(line, f"{who}: '{missing}' is missing")
                return None
            ok = True
            for key, v in (("start", start), ("end", end)):
                if not _is_int(v):
                    self.add(kline(d, key, line), f"{who}: {key} must be a whole number, not {show(v)}")
                    ok = False
            if not ok:
                return None
            frags = [(start, end)]
            fline = kline(d, "start", line)
        article = self.article
        for s, e in frags:
            if s < 0:
                self.add(fline, f"{who}: start {s} is negative")
                return None
            if e <= s:
                self.add(fline, f"{who}: end {e} must be after start {s}")
                return None
            if article is not None and e > len(article):
                what = f"{who}: end {e} is past the end of the article ({len(article)} characters)"
                self.add(fline, what + self.changed_note)
                return None
        text = d.get("text")
        if type(text) is not str:
            if "text" not in d:
                self.add(line, f"{who}: 'text' is missing")
            else:
                self.add(kline(d, "text", line), f"{who}: text must be a string, not {show(text)}")
            return None
        fr = tuple(frags)
        if lost:
            where = f"{fr[0][0]}-{fr[0][1]}" if len(fr) == 1 else " ".join(f"{s}-{e}" for s, e in fr)
            self.lost.append(
                LostSpan(
                    self.source,
                    kline(d, "text", line),
                    f"span {who} {show(text, 50)} not found in the changed article "
                    f"(kept at {where}, marked lost: tag it again or delete it)",
                    who,
                )
            )
        elif article is not None:
            actual = article[fr[0][0] : fr[0][1]] if len(fr) == 1 else fragments_text(article, fr)
            if actual != text:
                where = f"{fr[0][0]}-{fr[0][1]}" if len(fr) == 1 else " ".join(f"{s}-{e}" for s, e in fr)
                self.add(
                    kline(d, "text", line),
                    f"{who}: text {show(text, 50)} does not match the article at {where}, "
                    f"which reads {show(actual, 50)}{self.changed_note}",
                )
        return Span(fr, text)

    def span_part(self, d: dict, key: str, who: str, line: int | None, lost: bool = False) -> Span | None:
        v = d[key]
        pline = self.tree.key_line(d, key, line)
        if not isinstance(v, dict):
            self.add(pline, f"{who}: {key} must be a mapping {{start, end, text}}, not {show(v)}")
            return None
        self.unknown_keys(v, _SPAN_KEYS, f"{who} {key}", pline)
        return self.span(v, f"{who} {key}", self.tree.line(v, pline), lost)

    # -- the whole file ---------------------------------------------------------
    def run(self) -> AnnotationSet | None:
        data = self.tree.data
        tree = self.tree
        if not isinstance(data, dict):
            what = f"not an annotator file: expected a mapping starting with 'format: {FORMAT}'"
            self.add(tree.line(data, 1) if data is not None else 1, what)
            return None
        fmt = data.get("format")
        if fmt != FORMAT:
            if "format" not in data:
                self.add(tree.line(data, 1), f"no 'format' key: not an annotator file (expected 'format: {FORMAT}')")
            else:
                self.add(tree.key_line(data, "format", 1), f"format is {show(fmt)}; this version reads only {FORMAT}")
            return None
        for line, key in tree.dups:
            self.add(line, f"key {show(key)} appears twice in one mapping (the last one would win)")
        for k in data:
            if k not in _TOP_KEYS:
                self.add(tree.key_line(data, k, None), f"unknown top-level key {show(k)}")

        document = self.document(data)
        if document is None:
            return None
        aset = AnnotationSet(document)
        self.entities(data, aset)
        self.events(data, aset)
        self.attributions(data, aset)
        self.relations(data, aset)
        self.refs(aset)
        return aset

    def document(self, data: dict) -> Document | None:
        tree = self.tree
        d = data.get("document")
        dline = tree.key_line(data, "document", tree.line(data, 1))
        if d is None:  # only reading a file needs it (for the path): it says so
            d = {}
        if not isinstance(d, dict):
            self.add(dline, f"document must be a mapping {{path, sha256, length}}, not {show(d)}")
            return None
        dline = tree.line(d, dline)
        self.unknown_keys(d, _DOC_KEYS, "document", dline)
        path = self.opt_str(d, "path", "document", dline)
        sha = self.opt_str(d, "sha256", "document", dline)
        length = d.get("length")
        if length is not None and not (_is_int(length) and length >= 0):
            self.add(tree.key_line(d, "length", dline), f"document: length must be a whole number, not {show(length)}")
        if self.article is not None and sha is not None and self.article_sha is not None and sha != self.article_sha:
            self.changed_note = " (the article has changed since this file was saved: its sha256 differs)"
        text = self.article if self.article is not None else ""
        out_sha = self.article_sha if self.article is not None and self.article_sha is not None else sha
        return Document(text, path, out_sha)

    def entities(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "entities")
        table = aset.entities
        tree = self.tree
        schema_labels = set(self.schema.entity_names) if self.schema is not None else None
        ids = self.ids
        lines = tree.lines
        article = self.article
        alen = len(article) if article is not None else None
        for k, item in enumerate(items):
            items[k] = None  # let the parsed mapping go as soon as it is read: lower peak memory
            line = lines.get(id(item), sline)
            # Fast path: a well-formed contiguous entity without fragments or attrs.
            if type(item) is dict:
                eid = item.get("id")
                label = item.get("label")
                start = item.get("start")
                end = item.get("end")
                text = item.get("text")
                by = item.get("by")
                status = item.get("status")
                score = item.get("score")
                sby = item.get("suggested_by")
                if (
                    len(item) == 5 + (by is not None) + (status is not None) + (score is not None) + (sby is not None)
                    and type(eid) is str
                    and type(label) is str
                    and type(start) is int
                    and type(end) is int
                    and type(text) is str
                    and (by is None or type(by) is str)
                    and (status is None or (type(status) is str and status in STATUSES))
                    and (sby is None or type(sby) is str)
                    and (score is None or (type(score) in (int, float) and math.isfinite(score)))
                    and eid
                    and label
                    and eid not in ids
                    and 0 <= start < end
                    and (schema_labels is None or label in schema_labels)
                    and (article is None or (end <= alen and article[start:end] == text))
                ):
                    ids[eid] = line
                    table[eid] = Entity(
                        eid,
                        label,
                        Span(((start, end),), text),
                        status or ACCEPTED,
                        by,
                        None if score is None else float(score),
                        sby,
                    )
                    continue
            if not isinstance(item, dict):
                self.add(line, f"an entity must be a mapping {{id, label, start, end, text}}, not {show(item)}")
                continue
            eid = self.the_id(item, line, "entity")
            who = eid or "entity"
            if not _ENTITY_KEYS.issuperset(item):
                self.unknown_keys(item, _ENTITY_KEYS, who, line)
            label = self.req_str(item, "label", who, line)
            if label is not None and schema_labels is not None and label not in schema_labels:
                known = ", ".join(self.schema.entity_names)
                self.add(tree.key_line(item, "label", line), f"{who}: label {label!r} is not in the schema ({known})")
            span = self.span(item, who, line, _marked_lost(item, "span"))
            kw = self.common(item, who, line)
            if eid is None or label is None or span is None or kw is None:
                continue
            table[eid] = Entity(eid, label, span, **kw)

    def events(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "events")
        tree = self.tree
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"an event must be a mapping {{id, type, trigger, arguments}}, not {show(item)}")
                continue
            eid = self.the_id(item, line, "event")
            who = eid or "event"
            self.unknown_keys(item, _EVENT_KEYS, who, line)
            etype = self.req_str(item, "type", who, line)
            if etype is not None and self.schema is not None and not self.schema.has_event(etype):
                known = ", ".join(self.schema.event_names)
                self.add(tree.key_line(item, "type", line), f"{who}: event type {etype!r} is not in the schema ({known})")
            trigger = None
            if item.get("trigger") is None:
                self.add(line, f"{who}: 'trigger' is missing")
            else:
                trigger = self.span_part(item, "trigger", who, line, _marked_lost(item, "trigger"))
            args: list[Argument] | None = []
            raw_args = item.get("arguments")
            aline = tree.key_line(item, "arguments", line)
            if raw_args is None:
                raw_args = []
            if not isinstance(raw_args, list):
                self.add(aline, f"{who}: arguments must be a list of {{role, ref}}, not {show(raw_args)}")
                args = None
                raw_args = []
            roles = None
            if self.schema is not None and etype is not None and self.schema.has_event(etype):
                roles = self.schema.roles(etype)
            for arg in raw_args:
                argline = tree.line(arg, aline)
                if not isinstance(arg, dict):
                    self.add(argline, f"{who}: an argument must be a mapping {{role, ref}}, not {show(arg)}")
                    args = None
                    continue
                self.unknown_keys(arg, _ARG_KEYS, f"{who} argument", argline)
                role = self.req_str(arg, "role", f"{who} argument", argline)
                ref = self.req_str(arg, "ref", f"{who} argument", argline)
                if role is not None and roles is not None and not self.schema.has_role(etype, role):
                    self.add(argline, f"{who}: role {role!r} is not a role of {etype} ({', '.join(roles)})")
                if role is None or ref is None:
                    args = None
                elif args is not None:
                    args.append(Argument(role, ref))
                    what = f"{who}: argument {role} refers to {ref}, which is not in the file"
                    self._pending_refs.append((ref, argline, what))
            kw = self.common(item, who, line)
            if eid is None or etype is None or trigger is None or args is None or kw is None:
                continue
            aset.events[eid] = Event(eid, etype, trigger, tuple(args), **kw)

    def attributions(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "attributions")
        tree = self.tree
        types = self.schema.attribution_types if self.schema is not None else None
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"an attribution must be a mapping {{id, source, cue, content}}, not {show(item)}")
                continue
            aid = self.the_id(item, line, "attribution")
            who = aid or "attribution"
            self.unknown_keys(item, _ATTRIBUTION_KEYS, who, line)
            ok = True
            source: Ref | Span | None = None
            src = item.get("source")
            if src is not None:
                sl = tree.key_line(item, "source", line)
                if isinstance(src, dict) and "ref" in src:
                    if len(src) != 1:
                        self.add(sl, f"{who}: source is either {{ref: ID}} or a span {{start, end, text}}, not both")
                        ok = False
                    elif type(src["ref"]) is not str or not src["ref"]:
                        self.add(sl, f"{who}: source ref must be an id, not {show(src['ref'])}")
                        ok = False
                    else:
                        source = Ref(src["ref"])
                        what = f"{who}: source refers to {src['ref']}, which is not in the file"
                        self._pending_refs.append((src["ref"], sl, what))
                else:
                    source = self.span_part(item, "source", who, line, _marked_lost(item, "source"))
                    ok = ok and source is not None
            parts: dict[str, Span | None] = {}
            for key in ("cue", "content"):
                if item.get(key) is None:
                    parts[key] = None
                else:
                    parts[key] = self.span_part(item, key, who, line, _marked_lost(item, key))
                    ok = ok and parts[key] is not None
            atype = item.get("type")
            if atype is not None:
                if type(atype) is not str:
                    self.add(tree.key_line(item, "type", line), f"{who}: type must be a string, not {show(atype)}")
                    ok = False
                elif types is not None and atype not in types:
                    what = f"{who}: attribution type {atype!r} must be one of {', '.join(types)}"
                    self.add(tree.key_line(item, "type", line), what)
                    ok = False
            kw = self.common(item, who, line)
            if aid is None or not ok or kw is None:
                continue
            aset.attributions[aid] = Attribution(aid, source, parts["cue"], parts["content"], atype, **kw)

    def relations(self, data: dict, aset: AnnotationSet) -> None:
        items, sline = self.seq(data, "relations")
        tree = self.tree
        rtypes = self.schema.relation_types if self.schema is not None else ()
        for item in items:
            line = tree.line(item, sline)
            if not isinstance(item, dict):
                self.add(line, f"a relation must be a mapping {{id, type, arg1, arg2}}, not {show(item)}")
                continue
            rid = self.the_id(item, line, "relation")
            who = rid or "relation"
            self.unknown_keys(item, _RELATION_KEYS, who, line)
            rtype = self.req_str(item, "type", who, line)
            if rtype is not None and rtypes and rtype not in rtypes:
                what = f"{who}: relation type {rtype!r} is not in the schema ({', '.join(rtypes)})"
                self.add(tree.key_line(item, "type", line), what)
            arg1 = self.req_str(item, "arg1", who, line)
            arg2 = self.req_str(item, "arg2", who, line)
            for key, ref in (("arg1", arg1), ("arg2", arg2)):
                if ref is not None:
                    what = f"{who}: {key} refers to {ref}, which is not in the file"
                    self._pending_refs.append((ref, tree.key_line(item, key, line), what))
            kw = self.common(item, who, line)
            if rid is None or rtype is None or arg1 is None or arg2 is None or kw is None:
                continue
            aset.relations[rid] = Relation(rid, rtype, arg1, arg2, **kw)

    def refs(self, aset: AnnotationSet) -> None:
        ids = self.ids
        for ref, line, message in self._pending_refs:
            if ref not in ids:
                self.add(line, message)


def check(
    tree: Tree, source: str, article: str | Document | None, schema: Schema | None
) -> tuple["Checker", AnnotationSet | None]:
    if isinstance(article, Document):
        text, sha = article.text, article.sha256
    elif article is not None:
        text, sha = article, sha256(article.encode("utf-8", "surrogatepass")).hexdigest()
    else:
        text, sha = None, None
    checker = Checker(tree, source, text, sha, schema)
    aset = checker.run()
    return checker, aset
