"""Re-anchoring a changed article: the 1 MB article of bench/gen.py with 50,000
entities, 5,000 events and 5,000 attributions (60,000 annotations, 66,000 spans).

    python bench/bench_reanchor.py [--runs 3]

Four edits (text inserted at the start, 1,000 characters deleted mid-way, a sentence
inserted every 100 kB, CRLF -> LF); for each, the median time of
``annotator.reanchor.reanchor`` over the runs, in process, wall and CPU (the
process's time: on a shared machine the wall time also counts the others). The
anchor, in the same run, is reading the annotation file back
(``store.read(...).checked()``): the other cost a changed article pays on opening.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gen import ensure, make_annotations, make_article  # noqa: E402

from annotator import store  # noqa: E402
from annotator.reanchor import reanchor  # noqa: E402


def edits(text: str) -> dict[str, str]:
    return {
        "insertion at the start": "BREAKING NEWS. " + text,
        "1000 characters deleted mid-way": text[:500_000] + text[501_000:],
        "a sentence inserted every 100 kB": "".join(
            text[i : i + 100_000] + "Inserted sentence here. " for i in range(0, len(text), 100_000)
        ),
        "CRLF -> LF": text.replace("\r\n", "\n"),
    }


def timed(fn, runs: int, before=None) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``fn()`` over the runs; ``before()``
    runs before each, off the clock."""
    walls, cpus = [], []
    for _ in range(runs):
        if before is not None:
            before()
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def figures(runs: int = 3, verbose: bool = False) -> list[tuple]:
    text = make_article(1_000_000, 0)
    aset = make_annotations(text, 50_000, 0, n_events=5000, n_attributions=5000)
    _, ann = ensure(1_000_000, 50_000, 5_000, 5_000)
    load = timed(lambda: store.read(ann / "bench-article.yaml").checked(), runs)
    results = {}
    for name, new in edits(text).items():
        out = {}

        def run():
            # the whole result is kept, as the app keeps it (dropping it here
            # would time freeing the new set too); the last run's is let go of
            # before the clock starts
            out["result"] = reanchor(aset, new, old_length=len(text))

        results[name] = timed(run, runs, before=out.clear)
        if verbose:
            r = out["result"][1]
            wall, cpu = results[name]
            print(f"  {name:<34} {wall:6.3f} s (CPU {cpu:.3f} s)   moved {len(r.moved):,}, lost {len(r.lost)}, "
                  f"unchanged {r.unchanged:,}")
    worst = max(results, key=lambda k: results[k][0])
    worst_cpu = max(results, key=lambda k: results[k][1])
    return [
        (f"re-anchor 1 MB / {len(aset):,} annotations, worst edit (s)", results[worst][0], load[0],
         "load of that file", "< 0.3 s"),
        (f"re-anchor 1 MB / {len(aset):,} annotations, worst edit, CPU (s)", results[worst_cpu][1], load[1],
         "load of that file, CPU", "< 0.3 s"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from run_all import print_table

    print_table(figures(args.runs, verbose=True))


if __name__ == "__main__":
    main()
