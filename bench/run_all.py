"""Every speed figure of the project in one table.

    python bench/run_all.py [--runs 3] [--huge]

Runs bench_app.py (first paint, cursor keys, memory), bench_inputs.py (typing in
inputs, opening modals), bench_reanchor.py and bench_store.py (load and save), each with its anchor measured in the
same run, and prints one table: the figure, ours, the anchor, the ratio, the target.
``--huge`` adds the 10 MB / 500,000-entity article (generated once into bench/out/,
which takes a few minutes). See docs/benchmarks.md for how each figure is taken.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def print_table(rows: list[tuple]) -> None:
    """rows: (figure, ours, anchor value, anchor name, target)."""
    head = ("figure", "ours", "anchor", "ratio", "anchor is", "target")
    table = [head]
    for name, ours, anchor, anchor_name, target in rows:
        ratio = f"{ours / anchor:.2f}x" if ours is not None and anchor else "-"
        table.append((name, _fmt(ours), _fmt(anchor), ratio, anchor_name or "-", target or "-"))
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for k, r in enumerate(table):
        print("  ".join(c.ljust(w) if i in (0, 4, 5) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (medians are printed)")
    ap.add_argument("--huge", action="store_true", help="also the 10 MB article")
    args = ap.parse_args()
    import bench_app
    import bench_inputs
    import bench_reanchor
    import bench_store

    rows = bench_app.figures(args.runs, args.huge)
    rows += bench_inputs.figures(args.runs)
    rows += bench_reanchor.figures(args.runs)
    rows += bench_store.figures(args.runs, args.huge)
    print_table(rows)


if __name__ == "__main__":
    main()
