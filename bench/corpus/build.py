"""Build the learning-curve corpus (bench/corpus/texts + gold) from what may be shipped.

    python bench/corpus/build.py

Two sources (see bench/corpus/README.md):

- brat's news tutorial (``brat-news/``, MIT, from the brat repository): every
  distinct line with an annotated Person, Organization or GPE becomes one
  document (the "1 ) " numbering dropped); its Report events become attributions
  (source: the Reporter-Arg, cue: the trigger, content: what the reported
  event covers, nested reports included).
- The seed article and its gold (``seeds/``, ``annotations/``): one document per
  paragraph (line), with the annotations lying wholly inside it.

Deterministic: the same files every run.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from annotator import store  # noqa: E402
from annotator.model import AnnotationSet, Argument, Attribution, Document, Entity, Event, Ref, Span  # noqa: E402
from annotator.schema import default_schema  # noqa: E402

LABELS = {"Person": "PER", "Organization": "ORG", "GPE": "GPE"}
NUMBERING = re.compile(r"\d+ \) ")


def _brat(ann_path: Path) -> tuple[dict, dict]:
    """T lines -> (type, start, end); E lines -> (trigger T, [(role, id)])."""
    spans, events = {}, {}
    for line in ann_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, mid, _ = line.split("\t", 2)
            typ, s, e = mid.split(" ")
            spans[tid] = (typ, int(s), int(e))
        elif line.startswith("E"):
            eid, mid = line.split("\t")[:2]
            parts = mid.split()
            trig = parts[0].split(":")[1]
            events[eid] = (trig, [tuple(p.split(":")) for p in parts[1:]])
    return spans, events


def _extent(eid: str, spans: dict, events: dict) -> tuple[int, int]:
    trig, args = events[eid]
    lo, hi = spans[trig][1], spans[trig][2]
    for _, ref in args:
        s, e = _extent(ref, spans, events) if ref in events else spans[ref][1:]
        lo, hi = min(lo, s), max(hi, e)
    return lo, hi


def brat_docs() -> list[tuple[str, AnnotationSet]]:
    out = []
    seen: set[str] = set()
    for ann_path in sorted((HERE / "brat-news").glob("*.ann")):
        text = ann_path.with_suffix(".txt").read_text(encoding="utf-8")
        spans, events = _brat(ann_path)
        pos = 0
        for n, line in enumerate(text.split("\n")):
            ls, le = pos, pos + len(line)
            pos = le + 1
            m = NUMBERING.match(line)
            cut = ls + (m.end() if m else 0)
            body = text[cut:le]
            ents = {t: v for t, v in spans.items() if v[0] in LABELS and cut <= v[1] and v[2] <= le}
            if not ents or body in seen:
                continue
            seen.add(body)
            aset = AnnotationSet(Document(body + "\n"))
            btext = aset.document.text
            ids = {}
            for k, (tid, (typ, s, e)) in enumerate(sorted(ents.items(), key=lambda x: x[1][1]), 1):
                ids[tid] = f"T{k}"
                aset.entities[f"T{k}"] = Entity(f"T{k}", LABELS[typ], Span.of(btext, s - cut, e - cut), by="brat")
            k = 0
            for eid, (trig, args) in sorted(events.items(), key=lambda x: spans[x[1][0]][1]):
                typ, s, e = spans[trig]
                if typ != "Report" or not (cut <= s and e <= le):
                    continue
                src = [ref for role, ref in args if role.startswith("Reporter")]
                what = [ref for role, ref in args if role.startswith("Event")]
                if not what or what[0] not in events:
                    continue
                cs, ce = _extent(what[0], spans, events)
                k += 1
                aset.attributions[f"A{k}"] = Attribution(
                    f"A{k}",
                    Ref(ids[src[0]]) if src and src[0] in ids else None,
                    Span.of(btext, s - cut, e - cut),
                    Span.of(btext, cs - cut, ce - cut),
                    type="indirect",
                    by="brat",
                )
            out.append((f"brat-{ann_path.stem[:3]}-line{n + 1:02d}", aset))
    return out


def seed_docs() -> list[tuple[str, AnnotationSet]]:
    seed = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
    gold = store.load_for_article(seed, ROOT / "annotations", default_schema())
    text = gold.document.text
    out = []
    pos = 0
    for n, line in enumerate(text.split("\n")):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        if not line.strip():
            continue
        doc = Document(line + "\n")
        out.append((f"seed-line{n + 1:02d}", _cut(gold, lo, hi, doc)))
    return out


def _cut(aset: AnnotationSet, lo: int, hi: int, doc: Document) -> AnnotationSet:
    """The annotations lying wholly in text[lo:hi], shifted to start at 0."""

    def inside(span) -> bool:
        return span is None or not isinstance(span, Span) or (lo <= span.start and span.end <= hi)

    def shift(span):
        if not isinstance(span, Span):
            return span
        return Span(tuple((s - lo, e - lo) for s, e in span.fragments), span.text)

    out = AnnotationSet(doc)
    for e in aset.entities.values():
        if inside(e.span):
            out.entities[e.id] = replace(e, span=shift(e.span))
    for ev in aset.events.values():
        if inside(ev.trigger):
            args = tuple(Argument(a.role, a.ref) for a in ev.arguments if a.ref in out.entities)
            out.events[ev.id] = replace(ev, trigger=shift(ev.trigger), arguments=args)
    for at in aset.attributions.values():
        if all(inside(p) for p in at.spans()) and (not isinstance(at.source, Ref) or at.source.ref in out.entities):
            out.attributions[at.id] = replace(at, source=shift(at.source), cue=shift(at.cue), content=shift(at.content))
    return out


def main() -> int:
    texts, gold = HERE / "texts", HERE / "gold"
    for folder in (texts, gold):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    docs = brat_docs() + seed_docs()
    for name, aset in docs:
        article = texts / f"{name}.txt"
        article.write_text(aset.document.text, encoding="utf-8", newline="")
        yaml_path = store.annotation_path(article, gold)
        doc = store.new_set(store.read_article(article), yaml_path).document
        aset.document = doc
        store.save(aset, yaml_path)
        store.load_file(yaml_path, default_schema())  # valid, or this raises
    n_ents = sum(len(a.entities) for _, a in docs)
    n_ats = sum(len(a.attributions) for _, a in docs)
    print(f"{len(docs)} documents, {n_ents} entities, {n_ats} attributions -> {texts.relative_to(ROOT)}, {gold.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
