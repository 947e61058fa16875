"""Adjudication view speed: the core in process, and the app in a real pseudo-terminal.

    python bench/bench_adjudicate.py [--size 1000000] [--entities 50000] [--runs 3]

Generates an article of SIZE characters with ENTITIES accepted gold entities
(bench/gen.py) and a prediction from it (2% relabelled, 2% with shifted
boundaries, 1% dropped, 1% invented), writes them as GOLD and PRED files, then:

* in process: the time to pair the whole article (``disagreements``), and per
  decision (``take_other``, ``take_gold``) and per ``undo``: a session step and
  the pairing redone around it (median over 200);
* in a pseudo-terminal (bench/pty_driver.py, as bench_app.py does):
  ``annotator audit GOLD PRED --view`` startup, and per key for moving between
  disagreements (n N ] [ and the cursor keys) and for deciding (2 b 1 a u
  ctrl+r: each also schedules the gold file's save, which runs in a thread).

Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen import make_annotations, make_article  # noqa: E402
from pty_driver import probe as pty_probe  # noqa: E402

from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.adjudication import Adjudication  # noqa: E402
from annotator.audit import disagreements  # noqa: E402
from annotator.model import ACCEPTED, SUGGESTED, Entity, Span  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.session import Session  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC")
MOVE_KEYS = "n,n,n,N,],[,l,l,j,n,N"
DECIDE_KEYS = "2,b,1,a,u,u,ctrl+r,2,u"


def write_files(folder: Path, size: int, n: int, seed: int) -> tuple[Path, Path]:
    text = make_article(size, seed)
    article = folder / "article.txt"
    folder.mkdir(parents=True, exist_ok=True)
    article.write_text(text, encoding="utf-8")
    doc = read_article(article)
    made = make_annotations(doc.text, n, seed)
    gold = store.new_set(doc, folder / "gold" / "article.yaml")
    for e in made.entities.values():
        gold.entities[e.id] = replace(e, status=ACCEPTED, suggested_by=None, by="alice", score=None)
    rng = random.Random(seed + 1)
    pred = store.new_set(doc, folder / "pred" / "article.yaml")
    for e in gold.entities.values():
        r = rng.random()
        if r < 0.01:
            continue  # missed
        if r < 0.03:
            e = replace(e, label=rng.choice([x for x in LABELS if x != e.label]))
        elif r < 0.05 and e.end - e.start > 2:
            e = replace(e, span=Span.of(doc.text, e.start, e.end - 1))
        pred.entities[e.id] = replace(e, status=SUGGESTED, by="rules")
    k = len(gold.entities) + 1
    for _ in range(n // 100):  # invented
        s = rng.randrange(0, len(doc.text) - 10)
        if doc.text[s : s + 3].isalnum():
            pred.entities[f"T{k}"] = Entity(f"T{k}", "MISC", Span.of(doc.text, s, s + 3), SUGGESTED, "rules")
            k += 1
    for path, aset in ((folder / "gold" / "article.yaml", gold), (folder / "pred" / "article.yaml", pred)):
        path.parent.mkdir(parents=True, exist_ok=True)
        store.save(aset, path)
    return folder / "gold" / "article.yaml", folder / "pred" / "article.yaml"


def ms(times: list[float]) -> str:
    v = sorted(t * 1000 for t in times)
    return f"median {statistics.median(v):7.2f} ms   p95 {v[int(0.95 * (len(v) - 1))]:7.2f} ms"


def core(gold_path: Path, pred_path: Path) -> None:
    gold, pred = store.read(gold_path).checked(), store.read(pred_path).checked()
    t = time.perf_counter()
    ds = disagreements(gold, pred)
    print(f"pair the whole article            {1000 * (time.perf_counter() - t):8.1f} ms   "
          f"({len(ds):,} comparisons, gold {len(gold.entities):,}, other {len(pred.entities):,})")
    adj = Adjudication("article", Session(gold, default_schema(), user="bench"), pred)
    print(f"open disagreements                {len(adj.open):8,}")
    rng = random.Random(3)
    for name in ("take_other", "take_gold", "undo"):
        times = []
        for _ in range(200):
            d = adj.open[rng.randrange(len(adj.open))]
            if name == "undo":
                adj.take_other(d)
                t = time.perf_counter()
                adj.undo()
            else:
                t = time.perf_counter()
                getattr(adj, name)(d)
            times.append(time.perf_counter() - t)
        print(f"{name + ' (one decision)':<33} {ms(times)}")


def probe(cmd: list[str], ready: str, keys: str, repeat: int) -> dict:
    return pty_probe(cmd, ready, keys.split(",") * repeat, limit=600)


def terminal(name: str, gold: Path, pred: Path, runs: int) -> None:
    exe = str(Path(sys.executable).parent / "annotator")
    cmd = [exe, "audit", str(gold), str(pred), "--view", "--annotator", "bench"]
    for label, keys in (("move", MOVE_KEYS), ("decide", DECIDE_KEYS)):
        res = [probe(cmd, "left:", keys, 2) for _ in range(runs)]
        ok = [r for r in res if r.get("median_ms") is not None]
        if not ok:
            print(f"{name}: {label}: no figures ({res[0].get('error', 'unknown')})")
            continue
        med = lambda k: statistics.median(r[k] for r in ok)  # noqa: E731
        print(f"{name:<14} {label:<7} startup {med('startup_s'):6.2f} s   key median {med('median_ms'):7.2f} ms   "
              f"p95 {med('p95_ms'):7.2f} ms   peak {med('peak_rss_mb'):6.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-terminal", action="store_true", help="only the in-process figures")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-adjudicate-") as tmp:
        small = write_files(Path(tmp) / "small", 3000, 150, args.seed)
        big = write_files(Path(tmp) / "big", args.size, args.entities, args.seed)
        print(f"-- in process, {args.size:,} characters, {args.entities:,} entities")
        core(*big)
        if not args.no_terminal:
            # the files are rewritten by the decisions: fresh copies per run are not needed for timing
            terminal("3 kB, 150", *small, args.runs)
            terminal(f"{args.size // 1000} kB, {args.entities // 1000}k", *big, args.runs)


if __name__ == "__main__":
    main()
