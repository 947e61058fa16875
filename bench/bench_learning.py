"""Learning curve: F1 on held-out gold after 5, 10, 20, 40... training articles.

    python bench/bench_learning.py                 # the curve (rules, rules that learned, trained model)
    python bench/bench_learning.py --no-model      # without spaCy training (seconds)
    python bench/bench_learning.py --splits 3      # pool 3 random train/test splits
    python bench/bench_learning.py --corpus tutorial   # the small corpus (brat's tutorial, the seed)
    python bench/bench_learning.py --train-speed   # `train` on 100 news-sized articles, timed

Two corpora in bench/corpus (see its README). ``gum`` (the default): GUM's 24
Wikinews articles (CC BY 2.5 texts, CC BY 4.0 annotations) cut into 67 parts
at paragraph breaks, with GUM's named entity mentions and times, and its eRST
attribution relations (cue: the relation's lexical signal, source: its
attribution-source signal, content: the attributed unit). ``tutorial``: brat's
news tutorial (MIT) and the seed's paragraphs, 25 documents.

Each split holds out a third of the source articles (all the parts of an
article go to the same side) as the test folder, and the rest is the training
pool; after n training parts (5, 10, 20, 40... up to the pool) three
suggesters run on every test article with nothing annotated:

- ``rules``: the built-in rules alone (schema words and name heuristics);
- ``rules + learned``: the same with ``--learn-from`` the n training gold files
  (names, triggers, attribution cues, sources, shapes);
- ``trained model``: ``annotator train`` on the n files (at most ``--steps``
  steps of 8 paragraphs and ``--epochs`` passes: 300 and 50 by default, so
  small sets stop early), then ``--with spacy:MODEL_DIR`` (ner + spancat,
  events and attributions by the rules' steps with the model's lexicon).

Scores are micro F1 over the test documents: entities by span and label
("strict"), and by overlapping span and the same label, one to one
("overlap"); attributions by cue span ("cue"), by overlapping cue, one to one
("cue overlap"), and by cue, source and content spans all exact ("full").
Only the labels a corpus annotates are scored (GUM has one place type: a LOC or
FAC suggestion counts as GPE there, and NORP, which GUM does not mark, is left
out). Printed as a table and drawn in the terminal (plotext, from the
``bench`` extra). Figures only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator import store
from annotator.articles import read_article  # noqa: E402
from annotator.model import ACCEPTED, AnnotationSet, Ref, Span  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.suggest import merge  # noqa: E402
from annotator.suggest.rules import RulesSuggester  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"


@dataclass(frozen=True)
class Corpus:
    name: str
    folder: Path  # holds texts/ and gold/
    build: str  # how to rebuild it
    #: a suggested label -> the corpus's; None: every label as it is
    labels: dict[str, str] | None = None

    def group(self, path: Path) -> str:
        """The source article a document was cut from (its parts stay on one side of a split)."""
        return path.stem.rsplit("-p", 1)[0] if self.name == "gum" else path.stem


CORPORA = {
    "gum": Corpus(
        "gum",
        CORPUS / "gum",
        "python bench/corpus/build_gum.py GUM_CHECKOUT (see bench/corpus/README.md)",
        {"PER": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "FAC": "GPE", "DATE": "DATE", "MISC": "MISC"},
    ),
    "tutorial": Corpus("tutorial", CORPUS, "python bench/corpus/build.py"),
}
SIZES = (5, 10, 20, 40, 80, 160)
#: the row of the whole training pool (its size differs between splits when articles have parts)
ALL = 10**9
SUGGESTERS = ("rules", "rules + learned", "trained model")


# -- scoring ----------------------------------------------------------------------------


def _part(aset: AnnotationSet, part):
    if isinstance(part, Ref):
        e = aset.entities.get(part.ref)
        return e.fragments if e is not None else None
    if isinstance(part, Span):
        return part.fragments
    return None


MEASURES = ("entities", "entities (overlap)", "attributions (cue)", "attributions (cue overlap)", "attributions (full)")


def keys(aset: AnnotationSet, gold: bool, labels: dict[str, str] | None = None) -> dict[str, set]:
    """What is scored, per measure. ``labels`` maps a suggested label to the corpus's
    (None: every label as it is); a label it leaves out is not scored."""
    ok = (lambda a: a.status == ACCEPTED) if gold else (lambda a: True)
    ents = set()
    for e in aset.entities.values():
        label = e.label if labels is None or gold else labels.get(e.label)
        if ok(e) and label is not None:
            ents.add((e.fragments, label))
    ats = [a for a in aset.attributions.values() if ok(a) and a.cue is not None]
    cues = {a.cue.fragments for a in ats}
    full = {(a.cue.fragments, _part(aset, a.source), _part(aset, a.content)) for a in ats}
    return {
        "entities": ents,
        "entities (overlap)": ents,
        "attributions (cue)": cues,
        "attributions (cue overlap)": cues,
        "attributions (full)": full,
    }


def _overlaps(a, b) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def overlap_matches(gold: set, pred: set, labelled: bool) -> int:
    """Pairs of a gold and a suggested span that overlap (and share the label when
    ``labelled``), each used once: greedy in text order, exact matches first."""
    if labelled:
        gold_l, pred_l = sorted(gold), sorted(pred)
    else:
        gold_l, pred_l = sorted((g, None) for g in gold), sorted((p, None) for p in pred)
    used: set[int] = set()
    tp = 0
    for exact in (True, False):
        for p in list(pred_l):
            for i, g in enumerate(gold_l):
                if i in used or g[1] != p[1]:
                    continue
                if (g[0] == p[0]) if exact else _overlaps(g[0], p[0]):
                    used.add(i)
                    pred_l.remove(p)
                    tp += 1
                    break
    return tp


class Score:
    def __init__(self) -> None:
        self.tp = self.pred = self.gold = 0

    def add(self, g: set, p: set, overlap: bool = False, labelled: bool = False) -> None:
        self.tp += overlap_matches(g, p, labelled) if overlap else len(g & p)
        self.pred += len(p)
        self.gold += len(g)

    def f1(self) -> float:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return p, r, self.f1()


def evaluate(suggester, tests: list[AnnotationSet], labels: dict[str, str] | None = None) -> dict[str, Score]:
    scores = {k: Score() for k in MEASURES}
    for gold in tests:
        empty = AnnotationSet(gold.document)
        new = merge(empty, suggester.propose(empty), suggester.name)
        pred = AnnotationSet(gold.document)
        for a in new:
            pred.table(type(a))[a.id] = a
        g, p = keys(gold, True, labels), keys(pred, False, labels)
        for k in scores:
            scores[k].add(g[k], p[k], overlap="overlap" in k, labelled=k.startswith("entities"))
    return scores


# -- the curve ----------------------------------------------------------------------------


def corpus(c: Corpus) -> list[tuple[Path, AnnotationSet]]:
    schema = default_schema()
    out = []
    for path in sorted((c.folder / "gold").glob("*.yaml")):
        out.append((path, store.read(path, schema=schema).checked()))
    if not out:
        raise SystemExit(f"no corpus in {c.folder}: run {c.build}")
    return out


def split_corpus(c: Corpus, docs: list[tuple[Path, AnnotationSet]], split: int) -> tuple[list[AnnotationSet], list[Path], int]:
    """(test sets, training pool in training order, test articles): a third of the
    source articles held out, every part of one article on the same side."""
    groups: dict[str, list[int]] = {}
    for i, (path, _) in enumerate(docs):
        groups.setdefault(c.group(path), []).append(i)
    order = list(groups)
    random.Random(split).shuffle(order)
    n_test = len(order) // 3
    test = [docs[i][1] for g in order[:n_test] for i in groups[g]]
    pool = [docs[i][0] for g in order[n_test:] for i in groups[g]]
    if len(pool) > len(order) - n_test:  # parts: the first n spread over the articles
        random.Random(1000 + split).shuffle(pool)
    return test, pool, n_test


def curve(c: Corpus, splits: int, with_model: bool, steps: int, epochs: int = 0) -> dict:
    schema = default_schema()
    docs = corpus(c)
    results: dict[tuple[int, str], dict[str, Score]] = {}
    train_seconds: dict[int, list[float]] = {}
    n_test_docs: list[int] = []
    pools: list[int] = []
    for split in range(splits):
        test, pool, n_test = split_corpus(c, docs, split)
        n_test_docs.append(len(test))
        pools.append(len(pool))
        for n in [n for n in SIZES if n < len(pool)] + [ALL]:
            with tempfile.TemporaryDirectory() as tmp:
                train_dir = Path(tmp) / "train"
                train_dir.mkdir()
                for path in pool[:n]:
                    # The article goes along (document.path is relative to the YAML).
                    shutil.copy(path, train_dir / path.name)
                    (Path(tmp) / "texts").mkdir(exist_ok=True)
                    shutil.copy(c.folder / "texts" / (path.stem + ".txt"), Path(tmp) / "texts")
                runs = [("rules", RulesSuggester(schema)), ("rules + learned", RulesSuggester(schema, None, [train_dir]))]
                if with_model:
                    from annotator.suggest.spacy_pipeline import SpacySuggester
                    from annotator.suggest.training import train

                    model = Path(tmp) / "model"
                    t0 = time.perf_counter()
                    train([train_dir], model, schema, max_steps=steps, max_epochs=epochs, seed=split)
                    train_seconds.setdefault(n, []).append(time.perf_counter() - t0)
                    runs.append(("trained model", SpacySuggester(str(model), schema)))
                for name, sugg in runs:
                    got = evaluate(sugg, test, c.labels)
                    acc = results.setdefault((n, name), {k: Score() for k in got})
                    for k, s in got.items():
                        acc[k].tp += s.tp
                        acc[k].pred += s.pred
                        acc[k].gold += s.gold
            print(f"  split {split + 1}/{splits}: {min(n, len(pool))} training documents done", file=sys.stderr)
    groups = len({c.group(p) for p, _ in docs})
    return {
        "corpus": c,
        "results": results,
        "train_seconds": train_seconds,
        "n_docs": len(docs),
        "n_groups": groups,
        "n_test": n_test_docs,
        "n_test_groups": groups // 3,
        "pools": pools,
    }


def size_label(n: int, pools: list[int]) -> str:
    if n != ALL:
        return str(n)
    lo, hi = min(pools), max(pools)
    return f"all {lo}" if lo == hi else f"all {lo}-{hi}"


def size_x(n: int, pools: list[int]) -> float:
    return sum(pools) / len(pools) if n == ALL else n


def by_source() -> None:
    """The rules alone on each source: the seed was tuned on, brat's tutorial never was."""
    schema = default_schema()
    docs = corpus(CORPORA["tutorial"])
    print("\n-- the rules alone (nothing learned) on all documents of each source: F1 (P / R)")
    for title, prefix in (("brat's news tutorial (never tuned on)", "brat"), ("the seed's paragraphs (tuned on)", "seed")):
        got = evaluate(RulesSuggester(schema), [a for p, a in docs if p.name.startswith(prefix)])
        cells = "  ".join(f"{k} {v.f1():.2f} ({v.prf()[0]:.2f} / {v.prf()[1]:.2f})" for k, v in got.items())
        print(f"   {title:40s} {cells}")


def report(out: dict, with_model: bool, plot: bool) -> None:
    results = out["results"]
    sizes = sorted({n for n, _ in results})
    names = [s for s in SUGGESTERS if with_model or s != "trained model"]
    c = out["corpus"]
    held = sorted(set(out["n_test"]))
    print(
        f"\n== learning curve on {c.folder.relative_to(ROOT)} ({c.name}): {out['n_docs']} documents from {out['n_groups']} articles, "
        f"{out['n_test_groups']} articles ({'/'.join(map(str, held))} documents) held out for testing "
        f"(micro F1 over the test documents, pooled over splits)"
    )
    for measure in MEASURES:
        print(f"\n-- {measure}: F1 (P / R)")
        print(f"   {'train docs':>10}  " + "  ".join(f"{n:>22}" for n in names))
        gold = next((results[k][measure].gold for k in results), 0)
        print(f"   ({gold} in the test gold{', per split, summed' if len(out['n_test']) > 1 else ''})")
        for n in sizes:
            cells = []
            for name in names:
                s = results.get((n, name), {}).get(measure)
                if s is None:
                    cells.append(f"{'-':>22}")
                    continue
                p, r, f = s.prf()
                cells.append(f"{f:>6.2f} ({p:.2f} / {r:.2f})".rjust(22))
            print(f"   {size_label(n, out['pools']):>10}  " + "  ".join(cells))
    if c.name == "tutorial":
        by_source()
    if out["train_seconds"]:
        print("\n-- `train` time per training set (median of splits): " + ", ".join(
            f"{size_label(n, out['pools'])} docs {sorted(v)[len(v) // 2]:.0f} s" for n, v in sorted(out["train_seconds"].items())
        ))
    if not plot:
        return
    try:
        import plotext as plt
    except ImportError:
        print("\n(plot skipped: pip install 'annotator[bench]' for plotext)")
        return
    markers = {"rules": "o", "rules + learned": "+", "trained model": "x"}  # told apart without colour
    for measure in ("entities", "attributions (cue)", "attributions (full)"):
        plt.clear_figure()
        for name in names:
            ns = [n for n in sizes if (n, name) in results]
            xs = [size_x(n, out["pools"]) for n in ns]
            plt.plot(xs, [results[(n, name)][measure].f1() for n in ns], label=name, marker=markers[name])
        plt.title(f"{measure}: F1 on held-out gold vs training documents")
        plt.xlabel("training documents")
        plt.xticks([size_x(n, out["pools"]) for n in sizes], [str(n) if n != ALL else "all" for n in sizes])
        plt.ylim(0, 1)
        plt.plotsize(80, 18)
        plt.theme("clear")
        chart = plt.build()
        print(chart if sys.stdout.isatty() else plt.uncolorize(chart))  # no colour codes in a file


# -- train speed ----------------------------------------------------------------------------


def train_speed(n_articles: int, steps: int) -> None:
    """`train` on n generated news-sized articles (3,000 characters, names of bench/gen.py
    tagged as a person would), timed in the same process, with CPU time."""
    from bench_suggest import _gold_like
    from gen import make_article

    from annotator.suggest.training import train

    schema = default_schema()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        texts, gold = tmp / "texts", tmp / "gold"
        texts.mkdir()
        n_ents = 0
        for k in range(n_articles):
            article = texts / f"a{k:03d}.txt"
            article.write_text(make_article(3000, seed=100 + k), encoding="utf-8", newline="")
            yaml_path = store.annotation_path(article, gold)
            doc = store.new_set(read_article(article), yaml_path).document
            aset = _gold_like(doc.text, doc)
            n_ents += len(aset.entities)
            store.save(aset, yaml_path)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        rep = train([gold], tmp / "model", schema, max_steps=steps)
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
        print(
            f"\n== `train` on {n_articles} articles of 3,000 characters ({n_ents:,} entities, {rep.docs} paragraphs), "
            f"{steps} steps, {cores} core(s): {dt:.0f} s wall ({cpu:.0f} s CPU); target: under 300 s on 2 cores"
        )
        if rep.scores:
            print(f"   dev F1: ner {rep.scores.get('ents_f', 0):.2f}, spancat {rep.scores.get('spans_sc_f', 0):.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splits", type=int, default=1, help="random train/test splits to pool (default 1)")
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="gum", help="bench/corpus/gum (default) or the small tutorial one")
    ap.add_argument("--no-model", action="store_true", help="skip the trained spaCy model")
    ap.add_argument("--steps", type=int, default=300, help="training steps per model, at most (default 300)")
    ap.add_argument("--epochs", type=int, default=50, help="passes over the training set, at most (default 50: small sets stop early)")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--train-speed", action="store_true", help="only time `train` on 100 generated articles")
    ap.add_argument("--articles", type=int, default=100, help="articles for --train-speed (default 100)")
    args = ap.parse_args()
    if args.train_speed:
        train_speed(args.articles, args.steps)
        return 0
    with_model = not args.no_model
    if with_model:
        try:
            import spacy  # noqa: F401
        except ImportError:
            print("spaCy is not installed: the trained model is skipped (pip install 'annotator[spacy]')")
            with_model = False
    out = curve(CORPORA[args.corpus], args.splits, with_model, args.steps, args.epochs)
    report(out, with_model, not args.no_plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
