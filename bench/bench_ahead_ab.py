"""The 10 MB article's load as the app's opening thread does it, outside the app, of
an older checkout and of this one in turn (old, new, new, old, ...): the read-ahead
worker forked first, then ``store.read`` taking its pieces, then the tail after the
read (the session's index and counts, the referrers, the list's rows, the decisions).

    python bench/bench_ahead_ab.py OLD_CHECKOUT [ROUNDS]

Each run is a process of its own, with the checkout first on ``sys.path`` and the
worker forced (``store.ahead.start(force=True)``, as on an idle machine). Prints,
for each checkout, the medians of the runs: the read, the tail, both (wall
seconds from the read's start), the process's CPU and the worker's. No terminal
and no UI thread: ``bench_app.py --huge-only --before`` gives the app's own figure,
with the noise of a whole app around it."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

RUN = r"""
import gc, resource, sys, time
from annotator import columns, store
from annotator.articles import read_article
from annotator.schema import default_schema
from annotator.store import ahead
d = sys.argv[1]
schema = default_schema()
doc = read_article(d + "/bench-article.txt")
y = d + "/annotations/bench-article.yaml"
columns.want()
gc.disable()
import numpy  # (the app's opening imports it before the read: workspace._while_read_ahead)
from annotator.referrers import for_session
from annotator.session import Session
from annotator.suggest import precision
from annotator.tui.widgets import AnnotationList
a = ahead.start(y, doc, schema, force=True)
time.sleep(0.25)  # (the app paints its first screen meanwhile)
c0, t1 = time.process_time(), time.monotonic()
r = store.read(y, article=doc, schema=schema, editing=True)
t2 = time.monotonic()
s = Session(r.aset, schema)
for_session(s)
take = getattr(s, "take_entity_columns", None)
rows = AnnotationList.rows_of(s.aset, take()) if take else AnnotationList.rows_of(s.aset)
columns.forget()
precision.decisions([s.aset])
t3, c1 = time.monotonic(), time.process_time()
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
import annotator
assert annotator.__file__.startswith(sys.argv[2]), annotator.__file__
print(t2 - t1, t3 - t2, t3 - t1, c1 - c0, ch.ru_utime + ch.ru_stime)
"""

NAMES = ("read", "tail", "read + tail", "CPU", "worker CPU")


def one(checkout: Path, folder: Path) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    # (run from the checkout: ``-c`` puts the working folder first on sys.path)
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(folder), str(checkout)], env=env, cwd=checkout, capture_output=True, text=True, check=True
    )
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    old = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    new = HERE.parent
    sys.path.insert(0, str(HERE))
    from gen import ensure

    folder = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent
    got: dict[str, list[list[float]]] = {"old": [], "new": []}
    for i in range(rounds):
        for name in ("old", "new") if i % 2 == 0 else ("new", "old"):
            got[name].append(one(old if name == "old" else new, folder))
    print(f"{'median of ' + str(rounds) + ' runs (s)':24} " + " ".join(f"{n:>11}" for n in NAMES))
    for name in ("old", "new"):
        cols = list(zip(*got[name]))
        print(f"{name + ' ' + str(old if name == 'old' else new):24.24} " + " ".join(f"{statistics.median(c):11.3f}" for c in cols))


if __name__ == "__main__":
    main()
