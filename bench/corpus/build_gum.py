"""Build the GUM news part of the learning-curve corpus (bench/corpus/gum/).

    git clone https://github.com/amir-zeldes/gum && git -C gum checkout 72ce5ac14978a324c2fd18d49484e65292cbe316
    python bench/corpus/build_gum.py gum/

Reads the 24 Wikinews documents of GUM (``dep/GUM_news_*.conllu``: tokens,
paragraphs, dependency parse and entity mentions; ``rst/rstweb/GUM_news_*.rs4``:
the eRST discourse tree with its signals) and writes ``gum/texts/*.txt``,
``gum/gold/*.yaml`` (the project's own model and store) and ``gum/SOURCES.tsv``
(every part's Wikinews page). See bench/corpus/README.md for what the gold is.

Deterministic: the same files every run from the same GUM commit.
"""

from __future__ import annotations

import re
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.model import AnnotationSet, Attribution, Document, Entity, Ref, Span  # noqa: E402
from annotator.schema import default_schema  # noqa: E402

OUT = HERE / "gum"
GUM_COMMIT = "72ce5ac14978a324c2fd18d49484e65292cbe316"
#: GUM entity type -> the bench's label, for mentions headed by a proper noun
NAMED = {"person": "PER", "organization": "ORG", "place": "GPE"}
#: every other type but time and quantity: a proper-noun head and a Wikipedia identity make it MISC
MISC_TYPES = {"event", "object", "abstract", "substance", "animal", "plant"}
PROPER = {"NNP", "NNPS"}
#: a part of an article ends at the first clean paragraph break past this many characters
PART_CHARS = 1200


@dataclass
class Token:
    form: str
    upos: str
    xpos: str
    head: int  # global index of the head token, -1 for the root
    deprel: str
    start: int = 0
    end: int = 0
    entity: str = ""


@dataclass
class Doc:
    name: str
    url: str
    title: str
    tokens: list[Token] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # token ranges
    text: str = ""


def read_conllu(path: Path) -> Doc:
    """Tokens with global indices (0-based here; rs4 signals count from 1) and paragraphs."""
    doc = Doc(path.stem, "", "")
    sent: list[list[str]] = []
    par_start: list[int] = []
    mwt: tuple[int, str, bool, int] | None = None  # a multi-word token: last id, surface, space after

    def flush() -> None:
        base = len(doc.tokens)
        for c in sent:
            misc = dict(kv.split("=", 1) for kv in c[9].split("|") if "=" in kv)
            head = int(c[6])
            tok = Token(c[1], c[3], c[4], base + head - 1 if head else -1, c[7], entity=misc.get("Entity", ""))
            tok.end = 0 if misc.get("SpaceAfter") == "No" else 1  # space after, fixed below
            doc.tokens.append(tok)
        sent.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# meta::sourceURL = "):
            doc.url = line.split(" = ", 1)[1]
        elif line.startswith("# meta::title = "):
            doc.title = line.split(" = ", 1)[1]
        elif line.startswith("# newpar") and not line.startswith("# newpar_"):
            par_start.append(len(doc.tokens) + sum(1 for _ in sent))
        elif line.startswith("#"):
            continue
        elif not line.strip():
            flush()
        else:
            c = line.split("\t")
            if "." in c[0]:  # an empty node of the enhanced graph: no text
                continue
            if "-" in c[0]:  # "Trump's" = "Trump" + "'s": the words, no space inside
                mwt = (int(c[0].split("-")[1]), c[1], "SpaceAfter=No" not in c[9], len(sent))
                continue
            if mwt is not None:
                last, surface, space, first = mwt
                if int(c[0]) < last:
                    c[9] = c[9] + "|SpaceAfter=No" if c[9] != "_" else "SpaceAfter=No"
                else:
                    c[9] = "|".join(kv for kv in c[9].split("|") if not kv.startswith("SpaceAfter")) or "_"
                    if not space:
                        c[9] = c[9] + "|SpaceAfter=No" if c[9] != "_" else "SpaceAfter=No"
                    if "".join(w[1] for w in sent[first:]) + c[1] != surface:
                        raise SystemExit(f"{path}: token {c[0]}: the words do not spell {surface!r}")
                    mwt = None
            sent.append(c)
    flush()
    bounds = sorted(set(par_start) | {0}) + [len(doc.tokens)]
    doc.paragraphs = [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]
    # The text: tokens as written, a space unless SpaceAfter=No, sentences of a
    # paragraph by a space, paragraphs by a line break.
    parts: list[str] = []
    pos = 0
    for a, b in doc.paragraphs:
        for i in range(a, b):
            tok = doc.tokens[i]
            space = tok.end and i + 1 < b
            tok.start, tok.end = pos, pos + len(tok.form)
            parts.append(tok.form + (" " if space else ""))
            pos = tok.end + (1 if space else 0)
        parts.append("\n")
        pos += 1
    doc.text = "".join(parts)
    return doc


MENTION = re.compile(r"\((\d+)-([^()]*?)(\)|(?=\()|$)|(\d+)\)")


def mentions(doc: Doc) -> list[tuple[int, int, str, str]]:
    """(first token, end token, GUM entity type, Wikipedia identity or "") of every mention.

    ``Entity=(3-organization-new-sssss-cf1-5-coref-Afghan_Girls_Robotics_Team`` opens
    mention 3 (fields: etype, infstat, salience, centering, minspan, link, identity),
    ``3)`` closes it."""
    open_: dict[str, list[tuple[int, str, str]]] = {}
    out = []
    for i, tok in enumerate(doc.tokens):
        for m in MENTION.finditer(tok.entity):
            if m.group(1):
                fields = m.group(2).split("-")
                etype, identity = fields[0], "-".join(fields[6:])
                if m.group(3) == ")":
                    out.append((i, i + 1, etype, identity))
                else:
                    open_.setdefault(m.group(1), []).append((i, etype, identity))
            else:
                s, etype, identity = open_[m.group(4)].pop()
                out.append((s, i + 1, etype, identity))
    return out


def _head(doc: Doc, s: int, e: int) -> Token:
    """The mention's syntactic head: its first token whose head lies outside it."""
    for i in range(s, e):
        if not s <= doc.tokens[i].head < e:
            return doc.tokens[i]
    return doc.tokens[s]


def _trim(doc: Doc, s: int, e: int, lead_that: bool = False) -> tuple[int, int]:
    """Drop punctuation at both ends, a final possessive ('s), and for contents a leading 'that'."""
    while s < e and (doc.tokens[s].upos == "PUNCT" or (lead_that and doc.tokens[s].form.lower() == "that" and doc.tokens[s].deprel == "mark")):
        s += 1
    while e > s and (doc.tokens[e - 1].upos == "PUNCT" or doc.tokens[e - 1].xpos == "POS"):
        e -= 1
    return s, e


def entities(doc: Doc) -> list[tuple[int, int, str]]:
    """The gold entities as token ranges: named person/organization/place/other, and times."""
    out = set()
    for s, e, etype, identity in mentions(doc):
        head = _head(doc, s, e)
        if etype in NAMED and head.xpos in PROPER:
            label = NAMED[etype]
        elif etype in MISC_TYPES and head.xpos in PROPER and identity:
            label = "MISC"
        elif etype == "time" and head.upos in ("NOUN", "PROPN", "NUM"):
            label = "DATE"
        else:
            continue
        s, e = _trim(doc, s, e)
        if s < e:
            out.add((s, e, label))
    return sorted(out)


def attributions(doc: Doc, rs4: Path) -> list[dict]:
    """eRST attribution relations as token sets: cue, source, content (see the README)."""
    root = ET.parse(rs4).getroot()
    body = root.find("body")
    nodes: dict[str, tuple[str | None, str]] = {}
    seg_tokens: dict[str, range] = {}
    pos = 0
    for el in body:
        if el.tag not in ("segment", "group"):
            continue
        nodes[el.get("id")] = (el.get("parent"), el.get("relname") or "")
        if el.tag == "segment":
            n = len((el.text or "").split())
            seg_tokens[el.get("id")] = range(pos, pos + n)
            pos += n
    if pos != len(doc.tokens):
        raise SystemExit(f"{rs4}: {pos} tokens in the segments, {len(doc.tokens)} in the conllu")
    children: dict[str, list[str]] = {}
    for nid, (parent, _) in nodes.items():
        if parent:
            children.setdefault(parent, []).append(nid)

    def tokens_under(nid: str) -> set[int]:
        got = set(seg_tokens.get(nid, ()))
        for c in children.get(nid, ()):
            got |= tokens_under(c)
        return got

    signals: dict[str, list[tuple[str, str, list[int]]]] = {}
    for sig in root.iter("signal"):
        toks = [int(t) - 1 for t in (sig.get("tokens") or "").split(",") if t]
        signals.setdefault(sig.get("source"), []).append((sig.get("type"), sig.get("subtype"), toks))
    out = []
    for nid, (parent, rel) in nodes.items():
        if not rel.startswith("attribution") or parent is None:
            continue
        sat = tokens_under(nid)
        content = sorted(tokens_under(parent) - sat)
        sigs = signals.get(nid, [])
        cue = sorted({t for typ, _, ts in sigs if typ == "lexical" for t in ts})
        if not cue:  # no lexical signal: the attributing unit's verb, if it has one
            verbs = [t for t in sorted(sat) if doc.tokens[t].upos == "VERB" and doc.tokens[t].head not in sat]
            cue = verbs[:1]
        source = sorted({t for typ, sub, ts in sigs if sub == "attribution_source" for t in ts})
        if not cue or not content:
            continue
        quoted = any(sub == "quotation_marks" for _, sub, _ in sigs)
        out.append({"cue": cue, "source": source, "content": content, "quoted": quoted})
    return out


def _runs(tokens: list[int]) -> list[tuple[int, int]]:
    """Consecutive token indices as (first, end) runs."""
    runs: list[tuple[int, int]] = []
    for t in tokens:
        if runs and runs[-1][1] == t:
            runs[-1] = (runs[-1][0], t + 1)
        else:
            runs.append((t, t + 1))
    return runs


@dataclass
class Part:
    name: str
    doc: Doc
    first: int  # token range of the part
    end: int


def parts(doc: Doc, ents: list, ats: list[dict]) -> list[Part]:
    """The article cut at paragraph breaks into parts of about PART_CHARS characters,
    never inside an entity or an attribution (cue, source and content)."""
    spans = [(s, e) for s, e, _ in ents] + [(min(a["cue"] + a["content"] + a["source"]), max(a["cue"] + a["content"] + a["source"]) + 1) for a in ats]

    def clean(cut: int) -> bool:
        return all(not (s < cut < e) for s, e in spans)

    out: list[Part] = []
    first = 0
    for a, b in doc.paragraphs:
        chars = doc.tokens[b - 1].end - doc.tokens[first].start
        rest = doc.tokens[-1].end - doc.tokens[b - 1].end
        if chars >= PART_CHARS and rest >= PART_CHARS // 2 and clean(b):
            out.append(Part(f"{doc.name}-p{len(out) + 1}", doc, first, b))
            first = b
    out.append(Part(f"{doc.name}-p{len(out) + 1}", doc, first, len(doc.tokens)))
    return out


def build_part(part: Part, ents: list, ats: list[dict]) -> AnnotationSet:
    doc = part.doc
    lo, hi = doc.tokens[part.first].start, doc.tokens[part.end - 1].end
    text = doc.text[lo:hi] + "\n"
    aset = AnnotationSet(Document(text))

    def span(tokens: list[int]) -> Span:
        frags = [(doc.tokens[s].start - lo, doc.tokens[e - 1].end - lo) for s, e in _runs(tokens)]
        return Span.from_fragments(text, frags)

    by_range = {}
    inside = [x for x in ents if part.first <= x[0] and x[1] <= part.end]
    for k, (s, e, label) in enumerate(sorted(inside, key=lambda x: (x[0], -x[1], x[2])), 1):
        aset.entities[f"T{k}"] = Entity(f"T{k}", label, span(list(range(s, e))), by="gum")
        by_range.setdefault((s, e), f"T{k}")
    k = 0
    for a in sorted(ats, key=lambda a: a["cue"][0]):
        if not all(part.first <= t < part.end for t in a["cue"] + a["content"] + a["source"]):
            continue
        cs, ce = _trim(doc, a["content"][0], a["content"][-1] + 1, lead_that=True)
        content = [t for t in a["content"] if cs <= t < ce]
        if not content:
            continue
        source = None
        if a["source"]:
            ss, se = _trim(doc, a["source"][0], a["source"][-1] + 1)
            src = [t for t in a["source"] if ss <= t < se]
            ref = by_range.get((ss, se)) if src == list(range(ss, se)) else None
            source = Ref(ref) if ref else (span(src) if src else None)
        k += 1
        aset.attributions[f"A{k}"] = Attribution(
            f"A{k}", source, span(a["cue"]), span(content), type="direct" if a["quoted"] else "indirect", by="gum"
        )
    return aset


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    gum = Path(argv[0])
    conllus = sorted((gum / "dep").glob("GUM_news_*.conllu"))
    if not conllus:
        print(f"{gum}: no dep/GUM_news_*.conllu (a checkout of https://github.com/amir-zeldes/gum?)", file=sys.stderr)
        return 2
    texts, gold = OUT / "texts", OUT / "gold"
    for folder in (texts, gold):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    schema = default_schema()
    sources = ["part\tsource document\ttitle\tWikinews page"]
    n_parts = n_ents = n_ats = 0
    for conllu in conllus:
        doc = read_conllu(conllu)
        ents = entities(doc)
        ats = attributions(doc, gum / "rst" / "rstweb" / (doc.name + ".rs4"))
        for part in parts(doc, ents, ats):
            aset = build_part(part, ents, ats)
            article = texts / f"{part.name}.txt"
            article.write_text(aset.document.text, encoding="utf-8", newline="")
            yaml_path = store.annotation_path(article, gold)
            aset.document = store.new_set(read_article(article), yaml_path).document
            store.save(aset, yaml_path)
            store.read(yaml_path, schema=schema).checked()  # valid, or this raises
            sources.append(f"{part.name}\t{doc.name}\t{doc.title}\t{doc.url}")
            n_parts += 1
            n_ents += len(aset.entities)
            n_ats += len(aset.attributions)
    (OUT / "SOURCES.tsv").write_text("\n".join(sources) + "\n", encoding="utf-8")
    print(f"{len(conllus)} GUM news documents -> {n_parts} parts, {n_ents} entities, {n_ats} attributions -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
