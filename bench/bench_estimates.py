"""Rule precision estimates: what a decision costs, counting a folder, keys meanwhile.

    python bench/bench_estimates.py                  # all three parts
    python bench/bench_estimates.py --decision       # one part only (also --folder, --keys)
    python bench/bench_estimates.py --articles 3000  # the folder's size (default 2000)

* decision: on the 1 MB article with 50,000 entities (bench/gen.py), moving the
  counts by one accept (``Tally.change`` of the step, then ``estimates()``)
  against counting the whole article again (``decisions``, what a recount of the
  article costs); medians over 200 decisions, CPU time (process time).
* folder: counting the decisions of a folder of small articles from their YAML
  alone (``decisions_in_file``, what the app's worker does), against reading each
  file whole with its article (``review_queue.read_folder``, the anchor); wall and CPU.
* keys: ``annotator DIR`` in a terminal (bench/pty_driver.py): cursor keys right
  after the first paint, while the worker counts the folder, against the same
  keys at the same moment with an empty annotations folder (nothing to count:
  the anchor). Needs the `bench` extra.

Figures only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator import store  # noqa: E402
from annotator.model import ACCEPTED, SUGGESTED, AnnotationSet, Document, with_status  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.session import Session  # noqa: E402
from annotator.suggest.precision import Tally, decisions, decisions_in_file  # noqa: E402

OUT = ROOT / "bench" / "out"


def _cpu_wall(fn) -> tuple[float, float]:
    c, w = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c, time.perf_counter() - w


def bench_decision() -> None:
    import gen

    article, ann = gen.ensure(1_000_000, 50_000)
    aset = store.read(store.annotation_path(article, ann), schema=default_schema()).checked()
    session = Session(aset, default_schema(), user="bench")
    tally = Tally()
    tally.recount("a", aset)
    tally.estimates()
    pending = [e for e in aset.entities.values() if e.status == SUGGESTED][:200]
    step_us, full_us = [], []
    for ent in pending:
        report = session.set_status(ent.id, ACCEPTED)
        c = time.process_time_ns()
        tally.change("a", report.step.pairs)
        tally.estimates()
        step_us.append((time.process_time_ns() - c) / 1000)
        c = time.process_time_ns()
        decisions([aset])
        full_us.append((time.process_time_ns() - c) / 1000)
    s, f = statistics.median(step_us), statistics.median(full_us)
    print(f"decision on the 1 MB article ({len(aset)} annotations), median CPU of {len(pending)}:")
    print(f"  Tally.change + estimates   {s:10.1f} us")
    print(f"  recount of the article     {f:10.1f} us   (ratio {s / f:.4f})")


def make_folder(n: int) -> tuple[Path, Path]:
    """n small articles with decided and pending suggestions (kept in bench/out/)."""
    folder = OUT / f"estimates-folder-{n}"
    arts, ann = folder / "articles", folder / "annotations"
    if (ann / f"article-{n - 1:05}.yaml").exists():
        return arts, ann
    import random

    import gen

    arts.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    for i in range(n):
        text = f"Article {i}. " + gen.make_article(2_000, seed=i)
        path = arts / f"article-{i:05}.txt"
        path.write_text(text, encoding="utf-8")
        made = gen.make_annotations(text, 30, seed=i)
        aset = AnnotationSet(Document(text, path=f"../articles/{path.name}"), entities=made.entities)
        for k, e in list(aset.entities.items()):
            if e.status == SUGGESTED and rng.random() < 0.5:
                aset.entities[k] = with_status(e, ACCEPTED, "alice")
        store.save(aset, ann / f"article-{i:05}.yaml")
    return arts, ann


def bench_folder(n: int) -> None:
    from annotator.review_queue import read_folder

    arts, ann = make_folder(n)
    articles = sorted(arts.glob("*.txt"))
    schema = default_schema()
    ours, whole = [], []
    for _ in range(3):
        ours.append(_cpu_wall(lambda: [decisions_in_file(store.annotation_path(a, ann)) for a in articles]))
        whole.append(_cpu_wall(lambda: read_folder(articles, ann, schema)))
    oc, ow = statistics.median(x[0] for x in ours), statistics.median(x[1] for x in ours)
    wc, ww = statistics.median(x[0] for x in whole), statistics.median(x[1] for x in whole)
    print(f"counting a folder of {n} articles, median of 3:")
    print(f"  from the YAML alone (the worker)  CPU {oc:6.2f} s  wall {ow:6.2f} s")
    print(f"  files read whole (anchor)         CPU {wc:6.2f} s  wall {ww:6.2f} s   (CPU ratio {oc / wc:.2f})")


def bench_keys(n: int) -> None:
    import tempfile

    from pty_driver import Term

    arts, ann = make_folder(n)
    exe = str(Path(sys.executable).parent / "annotator")
    keys = ["l", "l", "j", "j", "h", "h", "k", "k"]
    during, anchor, seen = [], [], []
    with tempfile.TemporaryDirectory() as empty:
        for _ in range(3):
            with Term([exe, str(arts), "--annotations", str(ann), "--annotator", "bench"]) as term:
                term.wait_for("Article 0.")
                seen.append("estimating precision" in term.text())
                during.append(term.press_all(keys))
            # the anchor: the same keys at the same moment, nothing to count (no annotation files)
            with Term([exe, str(arts), "--annotations", empty, "--annotator", "bench"]) as term:
                term.wait_for("Article 0.")
                anchor.append(term.press_all(keys))
    d = statistics.median(x["median_ms"] for x in during)
    a = statistics.median(x["median_ms"] for x in anchor)
    print(f"cursor keys right after the first paint, folder of {n} articles, median of 3 runs (per-run medians):")
    print(f"  while the worker counts the folder   {d:7.1f} ms   (worker seen running in {sum(seen)} of 3 runs)")
    print(f"  no annotation files to count (anchor) {a:7.1f} ms   (ratio {d / a:.2f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--decision", action="store_true")
    ap.add_argument("--folder", action="store_true")
    ap.add_argument("--keys", action="store_true")
    ap.add_argument("--articles", type=int, default=2000)
    a = ap.parse_args(argv)
    every = not (a.decision or a.folder or a.keys)
    if every or a.decision:
        bench_decision()
    if every or a.folder:
        bench_folder(a.articles)
    if every or a.keys:
        bench_keys(a.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
