"""Audit speed: our entity scoring against nervaluate's on the same generated data.

    python bench/bench_audit.py [--articles 10000] [--entities 50] [--seed 7] [--per-doc]

Generates ARTICLES articles of about ENTITIES gold entities each, and a prediction
for each (most entities right, some relabelled, some with shifted boundaries,
some dropped, some invented), then times:

* ours: ``annotator.audit.score_entities`` from the AnnotationSets (selection,
  sorting and the four schemes, overall and per label), and the whole ``audit``
  (entities, events, attributions, review counts);
* nervaluate: ``Evaluator(true, pred, tags, loader="dict").evaluate()`` over the
  list of documents, the lists already built (its loading is counted, our
  conversion to its dicts is not); with ``--per-doc`` also one Evaluator per
  document.

It checks that both give the same counts and scores, and prints the times and the
ratio. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.audit import NERVALUATE_NAME, SCHEMES, audit, score_entities  # noqa: E402
from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Span  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC")
WORDS = ("the", "army", "said", "on", "Monday", "that", "forces", "had", "taken", "town", "near", "river", ",", ".")


def generate(n_articles: int, n_entities: int, seed: int) -> list[tuple[AnnotationSet, AnnotationSet]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n_articles):
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        k = max(1, int(rng.gauss(n_entities, n_entities / 10)))
        for _e in range(k):
            for _w in range(rng.randint(1, 6)):
                w = rng.choice(WORDS)
                words.append(w)
                pos += len(w) + 1
            length = 0
            start = pos
            for _w in range(rng.randint(1, 3)):
                w = "Name%d" % rng.randint(0, 999)
                words.append(w)
                length += len(w) + 1
            pos += length
            spans.append((start, start + length - 1))
        text = " ".join(words)
        gold = AnnotationSet(Document(text))
        pred = AnnotationSet(Document(text))
        g_n = p_n = 0
        for s, e in spans:
            label = rng.choice(LABELS)
            g_n += 1
            gold.entities[f"T{g_n}"] = Entity(f"T{g_n}", label, Span.of(text, s, e))
            r = rng.random()
            if r < 0.05:  # missed
                continue
            if r < 0.15:
                label = rng.choice(LABELS)
            elif r < 0.25:
                s = max(0, s + rng.choice((-3, -1, 1, 2)))
                e = max(s + 1, e + rng.choice((-2, 0, 1, 4)))
            p_n += 1
            pred.entities[f"T{p_n}"] = Entity(f"T{p_n}", label, Span.of(text, s, e), status=SUGGESTED, by="bench")
            if rng.random() < 0.05:  # spurious
                s2 = e + 1
                p_n += 1
                pred.entities[f"T{p_n}"] = Entity(
                    f"T{p_n}", rng.choice(LABELS), Span.of(text, s2, s2 + 4), status=SUGGESTED, by="bench"
                )
        pairs.append((gold, pred))
    return pairs


def as_dicts(aset: AnnotationSet, gold: bool) -> list[dict]:
    ents = [e for e in aset.entities.values() if (e.status == "accepted" if gold else e.status != "rejected")]
    ents.sort(key=lambda e: (e.start, e.end, e.label))
    return [{"label": e.label, "start": e.start, "end": e.end - 1} for e in ents]  # nervaluate: inclusive end


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--entities", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-doc", action="store_true", help="also time one nervaluate Evaluator per document")
    args = ap.parse_args()

    from nervaluate import Evaluator
    from importlib.metadata import version

    t0 = time.perf_counter()
    pairs = generate(args.articles, args.entities, args.seed)
    n_gold = sum(len(g.entities) for g, _ in pairs)
    n_pred = sum(len(p.entities) for _, p in pairs)
    print(f"generated {len(pairs)} articles, {n_gold} gold and {n_pred} predicted entities "
          f"({n_gold / len(pairs):.1f} gold per article) in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    ours = score_entities(pairs)
    t_ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = audit(pairs)
    t_audit = time.perf_counter() - t0
    assert report.entities.overall["strict"].to_dict() == ours.overall["strict"].to_dict()

    true = [as_dicts(g, True) for g, _ in pairs]
    pred = [as_dicts(p, False) for _, p in pairs]
    t0 = time.perf_counter()
    theirs = Evaluator(true, pred, tags=list(LABELS), loader="dict").evaluate()
    t_nerv = time.perf_counter() - t0

    same = True
    for scheme in SCHEMES:
        r = theirs["overall"][NERVALUATE_NAME[scheme]]
        c = ours.overall[scheme]
        a = (r.correct, r.incorrect, r.partial, r.missed, r.spurious, r.precision, r.recall, r.f1)
        b = (c.correct, c.incorrect, c.partial, c.missed, c.spurious, c.precision, c.recall, c.f1)
        same &= a == b
        for lab, by_scheme in theirs["entities"].items():
            r = by_scheme[NERVALUATE_NAME[scheme]]
            c = ours.labels[lab][scheme]
            same &= (r.correct, r.incorrect, r.partial, r.missed, r.spurious, r.f1) == (
                c.correct, c.incorrect, c.partial, c.missed, c.spurious, c.f1)

    print(f"nervaluate {version('nervaluate')}, Python {sys.version.split()[0]}")
    print(f"same numbers as nervaluate: {'yes' if same else 'NO'}")
    for scheme in SCHEMES:
        c = ours.overall[scheme]
        print(f"  {scheme:8s} P {c.precision:.6f}  R {c.recall:.6f}  F1 {c.f1:.6f}")
    print(f"ours, entities (score_entities):     {t_ours:8.3f} s")
    print(f"ours, whole audit (all layers):      {t_audit:8.3f} s")
    print(f"nervaluate, one Evaluator, all docs: {t_nerv:8.3f} s")
    print(f"ratio nervaluate / ours (entities):  {t_nerv / t_ours:8.1f}x")
    print(f"ratio nervaluate / ours (audit):     {t_nerv / t_audit:8.1f}x")
    if args.per_doc:
        t0 = time.perf_counter()
        for t, p in zip(true, pred):
            Evaluator([t], [p], tags=list(LABELS), loader="dict").evaluate()
        t_per = time.perf_counter() - t0
        print(f"nervaluate, one Evaluator per doc:   {t_per:8.3f} s  ({t_per / t_ours:.1f}x ours)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
