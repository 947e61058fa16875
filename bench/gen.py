"""Generate a large article and its annotations, for benchmarks (store, TUI, audit).

    make_article(size_chars, seed) -> str
    make_annotations(text, n_entities, seed, *, n_events=0, n_attributions=0, n_relations=0) -> AnnotationSet

As a script it writes ``OUT/<name>.txt`` and ``OUT/annotations/<name>.yaml``::

    python bench/gen.py /tmp/big                     # 1 MB, 50,000 entities
    python bench/gen.py /tmp/big --events            # + 5,000 events and 5,000 attributions
    python bench/gen.py /tmp/big --size 200000 --entities 10000 --seed 3
    python bench/gen.py /tmp/huge --size 10000000 --entities 500000 --events 50000 --attributions 50000

Deterministic: the same arguments give the same text and the same YAML.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.model import (  # noqa: E402
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from annotator.schema import default_schema  # noqa: E402

_PEOPLE = [
    "Orhan Qereman", "Mazloum Abdi", "Ahmed al-Hassan", "Jean-Luc Moreau", "Zhang Wei", "Ayşe Yılmaz",
    "María José García", "عبد الله", "Олег Петров", "Nguyễn Văn An", "Sarah O'Connor", "Kwame Mensah",
]
_PLACES = [
    "Deir el-Zor", "HASAKEH", "Raqqa", "Manbij", "Qamishli", "Aleppo", "Washington, D.C.", "São Paulo",
    "Kraków", "北京", "دمشق", "Île-de-France", "Tel Abyad", "Kobani",
]
_ORGS = [
    "Syrian Democratic Forces", "SDF", "the United Nations", "Reuters", "Islamic State", "the Pentagon",
    "Médecins Sans Frontières", "NATO", "the Red Crescent",
]
_WORDS = (
    "the a of and to in on at for with from by after before during near against under over between "
    "said says told reported according officials fighters forces village town city road bridge border "
    "captured attacked withdrew moved killed injured met talks convoy checkpoint offensive operation "
    "civilians residents families aid water fuel bread hospital school market mosque church river "
    "morning evening night week month year statement spokesman commander government local regional "
    "security situation control area north south east west eastern western northern southern province "
    "yes no on off null true 2019 2020 12 3.5 1:30 ~ ok"
).split()
_EXTRA = ["—", "“quoted”", '"air strikes"', "(AFP)", "#breaking", "50%", "key: value", "[update]", "🙂", "naïve", "e\u0301"]


def _sentence(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(8, 22)):
        r = rng.random()
        if r < 0.08:
            parts.append(rng.choice(_PEOPLE))
        elif r < 0.15:
            parts.append(rng.choice(_PLACES))
        elif r < 0.19:
            parts.append(rng.choice(_ORGS))
        elif r < 0.21:
            parts.append(rng.choice(_EXTRA))
        else:
            parts.append(rng.choice(_WORDS))
        if rng.random() < 0.08:
            parts[-1] += ","
    s = " ".join(parts)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!", ":"])


def make_article(size_chars: int = 1_000_000, seed: int = 0) -> str:
    """News-like text of exactly ``size_chars`` characters (paragraphs, some \\r\\n, Unicode)."""
    rng = random.Random(seed)
    out: list[str] = []
    n = 0
    while n < size_chars:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        para += "\r\n\r\n" if rng.random() < 0.05 else "\n\n"
        out.append(para)
        n += len(para)
    text = "".join(out)[:size_chars]
    return text[:-1] + "\n" if text else text


_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*")


def make_annotations(
    text: str,
    n_entities: int,
    seed: int = 0,
    *,
    n_events: int = 0,
    n_attributions: int = 0,
    n_relations: int = 0,
) -> AnnotationSet:
    """Random but plausible annotations over ``text``: non-overlapping entities of
    1-3 tokens (some discontinuous), suggestions with scores, rejected ones, and
    optionally events (with arguments), attributions and relations."""
    rng = random.Random(seed)
    schema = default_schema()
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    if len(tokens) < n_entities * 2:
        raise ValueError(f"text too short for {n_entities} entities ({len(tokens)} tokens)")
    starts = sorted(rng.sample(range(len(tokens) - 3), n_entities))
    ids = list(range(1, n_entities + 1))
    rng.shuffle(ids)
    labels = [lab.name for lab in schema.entities]
    aset = AnnotationSet(Document(text))
    entity_ids: list[str] = []
    for k, ti in enumerate(starts):
        limit = starts[k + 1] if k + 1 < len(starts) else len(tokens)
        length = min(rng.choice((1, 1, 1, 2, 2, 3)), limit - ti)
        s, e = tokens[ti][0], tokens[ti + length - 1][1]
        if "\n" in text[s:e] or "\r" in text[s:e]:
            e = tokens[ti][1]
        if rng.random() < 0.01 and ti + 2 < limit and "\n" not in text[s : tokens[ti + 2][1]]:
            span = Span.from_fragments(text, [tokens[ti], tokens[ti + 2]])
        else:
            span = Span.of(text, s, e)
        eid = f"T{ids[k]}"
        r = rng.random()
        if r < 0.80:
            ent = Entity(eid, rng.choice(labels), span, by="alice")
        elif r < 0.92:
            ent = Entity(eid, rng.choice(labels), span, status=SUGGESTED, by="rules", score=round(rng.random(), 3))
        elif r < 0.97:
            ent = Entity(eid, rng.choice(labels), span, status=REJECTED, by="alice", score=round(rng.random(), 3),
                         suggested_by="spacy:en_core_web_sm")
        else:
            ent = Entity(eid, rng.choice(labels), span, status=ACCEPTED, by="bob", suggested_by="rules",
                         attrs={"note": rng.choice(["check", "ambiguous: two readings", "source, see wiki"])})
        aset.entities[eid] = ent
        entity_ids.append(eid)
    by_position = sorted(entity_ids, key=lambda i: aset.entities[i].start)

    for n in range(1, n_events + 1):
        ti = rng.randrange(len(tokens))
        etype = rng.choice(schema.events)
        near = rng.randrange(len(by_position))
        args = tuple(
            Argument(rng.choice(etype.roles), by_position[min(near + j, len(by_position) - 1)])
            for j in range(rng.randint(0, 3))
        )
        aset.events[f"E{n}"] = Event(f"E{n}", etype.name, Span.of(text, *tokens[ti]), args, by="alice")

    for n in range(1, n_attributions + 1):
        ti = rng.randrange(len(tokens) - 12)
        cue = Span.of(text, *tokens[ti])
        content = Span.of(text, tokens[ti + 1][0], tokens[ti + rng.randint(2, 10)][1])
        r = rng.random()
        source: Ref | Span | None
        if r < 0.7:
            source = Ref(rng.choice(entity_ids))
        elif r < 0.9:
            source = Span.of(text, *tokens[max(0, ti - 1)]) if ti > 0 else None
        else:
            source = None
        aset.attributions[f"A{n}"] = Attribution(
            f"A{n}", source, cue, content, type=rng.choice(schema.attribution_types), by="alice"
        )

    for n in range(1, n_relations + 1):
        a, b = rng.sample(entity_ids, 2)
        aset.relations[f"R{n}"] = Relation(f"R{n}", rng.choice(["located_in", "member_of"]), a, b, by="alice")
    return aset


def ensure(size: int, entities: int, events: int = 0, attributions: int = 0, seed: int = 0) -> tuple[Path, Path]:
    """The article and its annotation folder for these arguments, generated once into
    bench/out/ (git-ignored) and reused by later runs: (article.txt, annotations dir)."""
    folder = ROOT / "bench" / "out" / f"gen-{size}-{entities}-{events}-{attributions}-{seed}"
    article = folder / "bench-article.txt"
    ann = folder / "annotations"
    if not (ann / "bench-article.yaml").exists():
        main([str(folder), "--size", str(size), "--entities", str(entities), "--events", str(events),
              "--attributions", str(attributions), "--seed", str(seed)])
    return article, ann


def main(argv: list[str] | None = None) -> int:
    import hashlib

    from annotator import store
    from annotator.articles import read_article

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder")
    ap.add_argument("--size", type=int, default=1_000_000, help="article size in characters")
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--events", type=int, nargs="?", const=5000, default=0,
                    help="add events (5,000 without a number) and as many attributions unless --attributions")
    ap.add_argument("--attributions", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--name", default="bench-article")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    text = make_article(args.size, args.seed)
    article = out / f"{args.name}.txt"
    article.write_bytes(text.encode("utf-8"))
    n_att = args.events if args.attributions is None else args.attributions
    aset = make_annotations(text, args.entities, args.seed, n_events=args.events, n_attributions=n_att)
    yaml_path = store.annotation_path(article, out / "annotations")
    aset.document = store.new_set(read_article(article), yaml_path).document
    assert aset.document.sha256 == hashlib.sha256(article.read_bytes()).hexdigest()
    store.save(aset, yaml_path)
    print(f"{article} ({len(text)} characters)\n{yaml_path} ({len(aset)} annotations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
