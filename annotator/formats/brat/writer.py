"""Writing brat standoff: one document's ``.ann`` text, and a folder of them.

:class:`BratWriter` writes in named steps: brat IDs for our annotations, the
entities, events, attributions (PolNeAR), relations and equivalences, each with
its attribute (``A``), normalization (``N``) and note (``#``) lines; what brat
has no place for travels in one ``annotator`` note of JSON per annotation.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable

from ...errors import InputError
from ...model import ACCEPTED, ATTRIBUTION_TYPES, AnnotationSet, Attribution, Fragments, Ref, Span, fragments_text, normalise_fragments
from ..common import Named, Report, select
from .conf import ConfCollector, Names, dumps_conf
from .spec import (
    ATTRIBUTION,
    ATTRIBUTION_NO_SOURCE,
    CONTENT,
    CUE,
    ID,
    PARTS_KEY,
    PROVENANCE_NOTE,
    SAFE,
    SOURCE,
    TYPE_ATTRIBUTE,
    default_attribution_trigger,
    frag_spec,
    id_key,
    join_fragments,
    json_note,
    note_safe,
    oneline,
)


def write(items: Iterable[Named], out: Path, report: Report, status: str = "accepted", *, schema=None, **_kw) -> None:
    """Write ``out/<name>.txt`` and ``out/<name>.ann`` per document, then
    ``out/annotation.conf`` for the schema and every type written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "brat output must be a folder")
    out.mkdir(parents=True, exist_ok=True)
    reserved = []
    if schema is not None:
        reserved = [*schema.entity_names, *schema.event_names, *schema.relation_types]
    names = Names(reserved)
    col = ConfCollector()
    for name, aset in items:
        sel = select(aset, status, report, keep_rejected=True)
        ann = dumps_ann(sel, names, col, report)
        base = out / name  # name may hold subfolders ("news/000-introduction")
        base.parent.mkdir(parents=True, exist_ok=True)
        base.with_name(base.name + ".txt").write_bytes(sel.document.text.encode("utf-8"))
        tmp = base.with_name(f".{base.name}.ann.tmp")
        tmp.write_text(ann, encoding="utf-8", newline="\n")
        tmp.replace(base.with_name(base.name + ".ann"))
        report.documents += 1
    (out / "annotation.conf").write_text(dumps_conf(col, names, schema), encoding="utf-8", newline="\n")


def dumps_ann(aset: AnnotationSet, names: Names | None = None, col: ConfCollector | None = None, report: Report | None = None) -> str:
    """One document's .ann text."""
    return BratWriter(aset, names or Names(), col or ConfCollector(), report or Report("brat")).write()


def _find(parent: dict, x: str) -> str:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


class BratWriter:
    """One :class:`AnnotationSet` as the lines of a ``.ann`` file, step by step."""

    def __init__(self, aset: AnnotationSet, names: Names, col: ConfCollector, report: Report):
        self.aset = aset
        self.text = aset.document.text
        self.names = names
        self.col = col
        self.report = report
        self.brat_id: dict[str, str] = {}
        self.keep_id: dict[str, bool] = {}
        self.next_t = 0
        self.referenced: set[str] = set()
        self.span_t: dict[tuple, str] = {}  # (brat type, fragments) -> T id, for sharing
        self.t_lines: list[str] = []
        self.e_lines: list[str] = []
        self.r_lines: list[str] = []
        self.star_lines: list[str] = []
        self.a_lines: list[str] = []
        self.n_lines: list[str] = []
        self.note_lines: list[str] = []
        self.counters = {"A": 0, "N": 0, "#": 0}

    def write(self) -> str:
        self.assign_ids()
        self.find_referenced()
        self.write_entities()
        self.write_events()
        self.write_attributions()
        self.write_relations()
        self.write_equivalences()
        out = [*self.t_lines, *self.e_lines, *self.r_lines, *self.star_lines, *self.a_lines, *self.n_lines, *self.note_lines]
        return "".join(line + "\n" for line in out)

    # -- IDs -----------------------------------------------------------------------

    def _keep(self, table, prefix: str, used: set[int]) -> list[str]:
        """Keep our IDs brat can spell (T7 stays T7); the others, to number."""
        pending = []
        for ann_id in table:
            if ID[prefix].fullmatch(ann_id) and int(ann_id[1:]) not in used:
                used.add(int(ann_id[1:]))
                self.brat_id[ann_id] = ann_id
                self.keep_id[ann_id] = True
            else:
                pending.append(ann_id)
        return pending

    def _number(self, pending: list[str], prefix: str, used: set[int]) -> int:
        n = max(used, default=0)
        for ann_id in pending:
            n += 1
            self.brat_id[ann_id] = f"{prefix}{n}"
            self.keep_id[ann_id] = False
        return n

    def assign_ids(self) -> None:
        aset = self.aset
        used_t: set[int] = set()
        self.next_t = self._number(self._keep(aset.entities, "T", used_t), "T", used_t)
        used_e: set[int] = set()
        pend_e = self._keep(aset.events, "E", used_e)
        # Attributions: A7 -> E7 when free, so the number survives.
        attr_pending = []
        for ann_id in aset.attributions:
            n = ann_id[1:]
            if ann_id[:1] == "A" and n.isdigit() and int(n) not in used_e:
                used_e.add(int(n))
                self.brat_id[ann_id] = f"E{int(n)}"
                self.keep_id[ann_id] = True
            else:
                attr_pending.append(ann_id)
        self._number([*pend_e, *attr_pending], "E", used_e)
        plain = {k: v for k, v in aset.relations.items() if not v.attrs.get("brat:equiv")}
        used_r: set[int] = set()
        self._number(self._keep(plain, "R", used_r), "R", used_r)

    def find_referenced(self) -> None:
        for ev in self.aset.events.values():
            self.referenced.update(a.ref for a in ev.arguments)
        for at in self.aset.attributions.values():
            if isinstance(at.source, Ref):
                self.referenced.add(at.source.ref)
        for rel in self.aset.relations.values():
            self.referenced.update((rel.arg1, rel.arg2))

    def arg_id(self, ref: str) -> str | None:
        got = self.brat_id.get(ref)
        if got is None or got[0] not in "TE":
            return None
        return got

    # -- text-bound lines ----------------------------------------------------------

    def span_line(self, tid: str, ttype: str, frags) -> str:
        return f"{tid}\t{ttype} {frag_spec(frags)}\t{oneline(fragments_text(self.text, frags))}"

    def shared_span(self, ttype: str, frags) -> str:
        """The ``T`` for a trigger or attribution part: one per (type, fragments)."""
        key = (ttype, tuple(frags))
        got = self.span_t.get(key)
        if got is None:
            self.next_t += 1
            got = f"T{self.next_t}"
            self.span_t[key] = got
            self.t_lines.append(self.span_line(got, ttype, frags))
        return got

    # -- A, N and # lines ------------------------------------------------------------

    def side_lines(self, ann, bid: str, extra_prov: dict | None = None) -> bool:
        """A/N/# lines for one annotation; True when any was written."""
        attributes, notes, norms, rest = split_attrs(dict(ann.attrs), ann if isinstance(ann, Attribution) else None)
        wrote = self.write_attributes(ann, bid, attributes)
        wrote = self.write_normalisations(bid, norms) or wrote
        wrote = self.write_notes(bid, notes) or wrote
        return self.write_provenance(ann, bid, rest, extra_prov) or wrote

    def write_attributes(self, ann, bid: str, attributes: list) -> bool:
        for key, value in attributes:
            self.counters["A"] += 1
            self.a_lines.append(f"A{self.counters['A']}\t{key} {bid}" + ("" if value is True else f" {value}"))
            info = self.col.attributes.setdefault(key, {"values": {}, "on": set()})
            if value is not True:
                info["values"][value] = None
            info["on"].add(type(ann).__name__)
        return bool(attributes)

    def write_normalisations(self, bid: str, norms: list) -> bool:
        for ntype, ref, ntext in norms:
            self.counters["N"] += 1
            self.n_lines.append(f"N{self.counters['N']}\t{ntype} {bid} {ref}\t{ntext}")
        return bool(norms)

    def write_notes(self, bid: str, notes: list) -> bool:
        for ntype, ntext in notes:
            self.counters["#"] += 1
            self.note_lines.append(f"#{self.counters['#']}\t{ntype} {bid}\t{ntext}")
        return bool(notes)

    def write_provenance(self, ann, bid: str, rest: dict, extra: dict | None) -> bool:
        p = dict(extra or {})
        for key in ("by", "score", "suggested_by"):
            v = getattr(ann, key)
            if v is not None:
                p[key] = v
        if ann.status != ACCEPTED:
            p["status"] = ann.status
        if rest:
            p["attrs"] = rest
        if not self.keep_id.get(ann.id, True):
            p["id"] = ann.id
        if not p:
            return False
        self.counters["#"] += 1
        self.note_lines.append(f"#{self.counters['#']}\t{PROVENANCE_NOTE} {bid}\t{json_note(p)}")
        return True

    # -- annotations -------------------------------------------------------------------

    def write_entities(self) -> None:
        for ent in self.aset.entities.values():
            label = self.names(ent.label)
            self.col.entities[label] = None
            bid = self.brat_id[ent.id]
            self.t_lines.append(self.span_line(bid, label, ent.fragments))
            wrote = self.side_lines(ent, bid)
            if ent.id in self.referenced or wrote:
                self.span_t.setdefault((label, ent.fragments), bid)

    def write_events(self) -> None:
        names = self.names
        for ev in self.aset.events.values():
            etype = names(ev.type)
            roles = self.col.events.setdefault(etype, {})
            ttype = ev.attrs.get("brat:trigger_type")
            ttype = names(ttype) if isinstance(ttype, str) else etype
            parts = [f"{etype}:{self.shared_span(ttype, ev.trigger.fragments)}"]
            seen_roles: dict[str, int] = {}
            for arg in ev.arguments:
                target = self.arg_id(arg.ref)
                if target is None:
                    self.report.leave("event arguments brat cannot point at")
                    continue
                role = names(arg.role)
                roles[role] = None
                k = seen_roles[role] = seen_roles.get(role, 0) + 1
                parts.append(f"{role}{k if k > 1 else ''}:{target}")  # brat: Place, Place2, ...
            self.e_lines.append(f"{self.brat_id[ev.id]}\t" + " ".join(parts))
            self.side_lines(ev, self.brat_id[ev.id])

    def attribution_part(self, at: Attribution, role: str, span: Span) -> list[str]:
        """``Role:T`` for one part of an attribution; several (``Content``,
        ``Content2``, ...) when it was read from several spans and still covers
        exactly what they did."""
        parts = at.attrs.get(PARTS_KEY)
        pieces = parts.get(role) if isinstance(parts, dict) else None
        frag_lists = _fragment_lists(pieces)
        if frag_lists is None or join_fragments(frag_lists) != span.fragments:
            frag_lists = [span.fragments]
        out = []
        for k, frags in enumerate(frag_lists, 1):
            out.append(f"{role}{k if k > 1 else ''}:{self.shared_span(role, frags)}")
        return out

    def write_attributions(self) -> None:
        for at in self.aset.attributions.values():
            self.col.attributions = True
            etype = at.attrs.get("brat:type") or (ATTRIBUTION if at.source is not None else ATTRIBUTION_NO_SOURCE)
            trig_frags = at.attrs.get("brat:trigger")
            trig_frags = normalise_fragments(trig_frags) if trig_frags else default_attribution_trigger(at)
            if trig_frags is None:
                self.report.leave("attributions with no span at all")
                continue
            ttype = at.attrs.get("brat:trigger_type") or etype
            parts = [f"{etype}:{self.shared_span(ttype, trig_frags)}"]
            if isinstance(at.source, Span):
                parts += self.attribution_part(at, SOURCE, at.source)
            elif isinstance(at.source, Ref):
                target = self.arg_id(at.source.ref)
                if target is None:
                    self.report.leave("attribution sources brat cannot point at")
                else:
                    parts.append(f"{SOURCE}:{target}")
            if at.cue is not None:
                parts += self.attribution_part(at, CUE, at.cue)
            if at.content is not None:
                parts += self.attribution_part(at, CONTENT, at.content)
            bid = self.brat_id[at.id]
            self.e_lines.append(f"{bid}\t" + " ".join(parts))
            if at.type is not None and SAFE.fullmatch(at.type):
                self.counters["A"] += 1
                self.a_lines.append(f"A{self.counters['A']}\t{TYPE_ATTRIBUTE} {bid} {at.type}")
                self.side_lines(at, bid)
            elif at.type is not None:
                self.side_lines(at, bid, {"type": at.type})
            else:
                self.side_lines(at, bid)

    def write_relations(self) -> None:
        for rel in self.aset.relations.values():
            if rel.attrs.get("brat:equiv"):
                continue
            rtype = self.names(rel.type)
            a1, a2 = self.brat_id.get(rel.arg1), self.brat_id.get(rel.arg2)
            if a1 is None or a2 is None:
                self.report.leave("relations brat cannot point at")
                continue
            self.col.relations[rtype] = None
            roles = rel.attrs.get("brat:roles") or ["Arg1", "Arg2"]
            r1, r2 = (self.names(str(r)) for r in roles[:2])
            bid = self.brat_id[rel.id]
            self.r_lines.append(f"{bid}\t{rtype} {r1}:{a1} {r2}:{a2}\t")
            self.side_lines(rel, bid)

    def write_equivalences(self) -> None:
        """Relations marked ``brat:equiv`` regrouped into ``*`` lines by
        connected components."""
        groups: dict[str, dict[str, str]] = defaultdict(dict)  # type -> union-find parent
        for rel in self.aset.relations.values():
            if not rel.attrs.get("brat:equiv"):
                continue
            rtype = self.names(rel.type)
            if self.brat_id.get(rel.arg1) is None or self.brat_id.get(rel.arg2) is None:
                self.report.leave("equivalences brat cannot point at")
                continue
            if rel.status != ACCEPTED or rel.by or rel.score is not None or set(rel.attrs) != {"brat:equiv"}:
                self.report.leave("notes on equivalences (brat's * lines have no ID to hang them on)")
            self.col.equivs[rtype] = None
            parent = groups[rtype]
            ra, rb = _find(parent, rel.arg1), _find(parent, rel.arg2)
            if ra != rb:
                parent[max(ra, rb, key=id_key)] = min(ra, rb, key=id_key)
        star_groups = []
        for rtype, parent in groups.items():
            comps: dict[str, list[str]] = defaultdict(list)
            for x in list(parent):
                comps[_find(parent, x)].append(x)
            for members in comps.values():
                star_groups.append((rtype, sorted(members, key=id_key)))
        for rtype, members in sorted(star_groups, key=lambda g: (g[0], [id_key(m) for m in g[1]])):
            self.star_lines.append(f"*\t{rtype} " + " ".join(self.brat_id[m] for m in members))


def _fragment_lists(pieces) -> list[Fragments] | None:
    """``attrs['brat:parts'][role]`` as fragment tuples, or None if it is not that shape."""
    if not isinstance(pieces, list) or len(pieces) < 2:
        return None
    out = []
    for piece in pieces:
        if not isinstance(piece, list) or not piece:
            return None
        frags = []
        for f in piece:
            if not (isinstance(f, list) and len(f) == 2 and all(type(x) is int for x in f)):
                return None
            frags.append((f[0], f[1]))
        out.append(normalise_fragments(frags))
    return out


def _attr_safe(key: str, value: object, attribution: Attribution | None) -> bool:
    """Can ``attrs[key] = value`` be an ``A`` line (and read back the same)?
    On an attribution, ``Type`` is its type's line."""
    if attribution is not None and key == TYPE_ATTRIBUTE and (attribution.type is not None or value in ATTRIBUTION_TYPES):
        return False
    return SAFE.fullmatch(key) is not None and (
        value is True or (isinstance(value, str) and value != "" and not any(c.isspace() for c in value))
    )


def split_attrs(attrs: dict, attribution: Attribution | None = None):
    """attrs -> (brat attributes, notes, normalizations, leftovers for the JSON note)."""
    attributes, notes, norms, rest = [], [], [], {}
    for key, value in attrs.items():
        if not isinstance(key, str):
            rest[key] = value
        elif key.startswith("brat:"):
            continue
        elif key.startswith("#") and SAFE.fullmatch(key[1:]) and key[1:] != PROVENANCE_NOTE:
            vals = value if isinstance(value, list) else [value]
            if vals and all(note_safe(v) for v in vals) and (not isinstance(value, list) or len(vals) > 1):
                notes.extend((key[1:], v) for v in vals)
            else:
                rest[key] = value
        elif key.startswith("N:") and SAFE.fullmatch(key[2:]):
            ok = isinstance(value, list) and value and all(
                isinstance(p, list)
                and len(p) == 2
                and isinstance(p[0], str)
                and p[0]
                and not any(c.isspace() for c in p[0])
                and note_safe(p[1])
                for p in value
            )
            if ok:
                norms.extend((key[2:], p[0], p[1]) for p in value)
            else:
                rest[key] = value
        elif _attr_safe(key, value, attribution):
            attributes.append((key, value))
        else:
            rest[key] = value
    return attributes, notes, norms, rest
