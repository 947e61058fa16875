"""Opening a folder of 10,000 articles: time to the first painted article.

    python bench/bench_folder.py [--articles 10000] [--runs 3]

Articles are listed lazily (one scandir) and only the first is read, so this
should stay close to the single-article startup. Measured in a real terminal
with bench/pty_driver.py; prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pty_driver import probe  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-folder-")) / "articles"
    folder.mkdir()
    for i in range(args.articles):
        (folder / f"article-{i:05}.txt").write_text(
            f"Article {i}. Reporters said the SDF captured Deir el-Zor on Friday.\n", encoding="utf-8"
        )
    exe = str(Path(sys.executable).parent / "annotator")
    times = []
    for _ in range(args.runs + 1):  # the first run warms the bytecode cache
        res = probe([exe, str(folder), "--annotations", str(folder.parent / "ann")], "Article 0.")
        times.append(res["startup_s"])
    print(f"{args.articles} articles: startup to the first painted article, median of {args.runs}: "
          f"{statistics.median(times[1:]):.3f} s (target: under 2 s)")


if __name__ == "__main__":
    main()
