"""Cursor keys pressed while a big article's annotations load, in a real terminal.

    python bench/bench_loading.py [--runs 3] [--size 10]

Drives the installed ``annotator`` with bench/pty_driver.py in a 120x40
pseudo-terminal on the generated 10 MB article (500,000 entities, 50,000 events,
50,000 attributions; ``--size 1``: the 1 MB one with 50,000 entities), and presses
cursor keys (those that move the article's cursor or selection: the others wait
for the annotations) from the first painted screen on, without waiting for them.
Only the keys pressed while the status line still says "loading annotations"
count. A run gives some twenty such keys (each waits for its repaint to go quiet,
0.15 s), too few for a steady 95th percentile of its own: the per-key median and
p95 are of the keys of all runs together (each still timed from its write to its
repaint, pressed while loading); the other figures (time until the annotations
are loaded, process CPU, peak memory) are medians over the runs. Each run's own
keys, median and p95 go to stderr. The cursor keys of the seed, in the same run,
are the anchor; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_app import KEYS, LOADED, SEED, SEED_GOLD, annotator_exe, first_word, fresh_copy, med, run_article  # noqa: E402
from gen import ensure  # noqa: E402
from pty_driver import Term, summary  # noqa: E402

#: the cursor keys of bench_app without ``]`` and ``[``: those need the annotations,
#: so the app holds them until they are loaded (a held key paints nothing, and the
#: run stopped counting at the first one)
LOADING_KEYS = [k for k in KEYS if k not in ("]", "[")]


def during_load(article: Path, yaml_path: Path, limit: float = 300.0, quiet: float = 0.15) -> dict:
    """One run: keys from the first paint until the annotations are loaded."""
    ann = fresh_copy(yaml_path)
    try:
        cmd = [annotator_exe(), str(article), "--annotations", str(ann), "--annotator", "bench"]
        with Term(cmd) as term:
            res: dict = {"startup_s": term.wait_for(first_word(article), limit)}
            if res["startup_s"] is None:
                return {"error": "the ready text never appeared", "screen": term.text()}
            lats: list[float] = []
            i = 0
            while LOADED in term.text() and i < 10_000:
                ms, _changed = term.press(LOADING_KEYS[i % len(LOADING_KEYS)], quiet)
                i += 1
                if ms is not None and LOADED in term.text():
                    lats.append(ms)  # the repaint still says loading: pressed during the load
            res["loaded_s"] = term.wait_gone(LOADED, limit)
            res.update(summary(lats))
            res["latencies"] = lats
            res["peak_rss_mb"] = term.peak_rss_mb()
            res["cpu_s"] = term.cpu_s()
            return res
    finally:
        shutil.rmtree(ann, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", type=int, choices=(1, 10), default=10, help="MB: 10 (default) or 1")
    args = ap.parse_args()
    from run_all import print_table

    run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0)  # warm-up: bytecode caches
    seed = run_article(SEED, SEED_GOLD, "Qereman", args.runs)
    if args.size == 10:
        art, ann = ensure(10_000_000, 500_000, 50_000, 50_000)
    else:
        art, ann = ensure(1_000_000, 50_000)
    runs = []
    for _ in range(args.runs):
        res = during_load(art, ann / "bench-article.yaml")
        if "error" in res:
            print(f"{art.name}: {res['error']}\n{res.get('screen', '')}", file=sys.stderr)
        runs.append(res)
    n = f"{args.size} MB"
    for i, r in enumerate(runs, 1):
        print(f"run {i}: {r.get('keys', 0)} keys while loading, median {r.get('median_ms')} p95 {r.get('p95_ms')} "
              f"max {r.get('max_ms')} ms, loaded {r.get('loaded_s')} s", file=sys.stderr)
    pooled = summary([ms for r in runs for ms in r.get("latencies", ())])
    print(f"all runs: {pooled.get('keys', 0)} keys while loading, max {pooled.get('max_ms')} ms", file=sys.stderr)
    print_table([
        (f"cursor key median while loading, {n} (ms)", pooled.get("median_ms"), med(seed, "median_ms"), "seed",
         "< 8 ms"),
        (f"cursor key p95 while loading, {n} (ms)", pooled.get("p95_ms"), med(seed, "p95_ms"), "seed", "< 16 ms"),
        (f"annotations loaded while pressing, {n} (s)", med(runs, "loaded_s"), None, "", "< 3 s"),
        (f"peak memory, {n} (MiB)", med(runs, "peak_rss_mb"), None, "", ""),
        (f"process CPU until loaded, {n} (s)", med(runs, "cpu_s"), None, "", ""),
    ])


if __name__ == "__main__":
    main()
