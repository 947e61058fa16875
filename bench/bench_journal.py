"""Crash safety costs: the journal per key, its replay and fold; re-anchoring a big article.

    python bench/bench_journal.py [--appends 2000] [--dir DIR] [--reanchor]

Prints, for one-entity steps (the common key: tag, relabel, delete, undo):
  - append: median / p90 / p99 microseconds of ``Journal.append`` (JSON line,
    one write, fdatasync), the cost every key pays before the next is handled
    (SPEC floor: 16 ms per key, all included);
  - the same without the sync (what the encoding costs) for scale;
  - key: ``Session.add_entity`` with the journal attached (change + append);
  - replay of the journal left after those steps, and a fold (rewrite on a new base);
  - with ``--reanchor``: re-anchoring the 1 MB / 50,000-entity article of
    bench/gen.py (+5,000 events, 5,000 attributions) after several kinds of edit.

``--dir``: where the journal is written (default: a temporary folder under
./bench/out, on the disk the annotations live on).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator import journal as journal_mod  # noqa: E402
from annotator.journal import Journal  # noqa: E402
from annotator.model import AnnotationSet, Document, Entity, Span  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.session import Session  # noqa: E402

TEXT = (open(ROOT / "seeds" / "sdf-captures-deir-el-zor.txt", encoding="utf-8").read()) * 4


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def show(name: str, xs: list[float]) -> None:
    us = [x * 1e6 for x in xs]
    print(
        f"{name:<34} median {statistics.median(us):8.1f} us   p90 {pct(us, 0.9):8.1f} us"
        f"   p99 {pct(us, 0.99):8.1f} us   (n={len(us)})"
    )


def one_entity_steps(n: int) -> list[tuple[list, str]]:
    """Typical single-entity steps: tag, relabel, delete, undo of a delete."""
    steps = []
    for i in range(n):
        s = (i * 37) % (len(TEXT) - 20)
        ent = Entity(f"T{i + 1}", "PER", Span.of(TEXT, s, s + 12), by="alice")
        kind = i % 4
        if kind == 0:
            steps.append(([(None, ent)], "apply"))
        elif kind == 1:
            steps.append(([(ent, Entity(ent.id, "ORG", ent.span, by="alice"))], "apply"))
        elif kind == 2:
            steps.append(([(ent, None)], "apply"))
        else:
            steps.append(([(None, ent)], "undo"))
    return steps


def bench_journal(n: int, folder: Path) -> None:
    base = AnnotationSet(Document(TEXT, "a.txt", "0" * 64))
    steps = one_entity_steps(n)

    path = folder / ".bench.journal"
    j = Journal(path)
    j.open(base.copy(), base="")
    times = []
    for v, (pairs, kind) in enumerate(steps, 1):
        t0 = time.perf_counter()
        j.append(pairs, kind, version=v, label="bench")
        times.append(time.perf_counter() - t0)
    show("append (write + fdatasync)", times)

    # Without the sync: what encoding and the write cost.
    real_sync = journal_mod._sync
    journal_mod._sync = lambda fd: None
    try:
        j2 = Journal(folder / ".nosync.journal")
        j2.open(base.copy(), base="")
        times = []
        for v, (pairs, kind) in enumerate(steps, 1):
            t0 = time.perf_counter()
            j2.append(pairs, kind, version=v, label="bench")
            times.append(time.perf_counter() - t0)
        show("append without the sync", times)
        j2.close()
    finally:
        journal_mod._sync = real_sync

    # A key as the app does it: the session applies, its listener journals.
    # (add_entity itself grows with the number of entities: next_id scans them.)
    bare = Session(base.copy(), default_schema(), user="alice")
    times = []
    for i in range(n):
        s = (i * 53) % (len(TEXT) - 20)
        t0 = time.perf_counter()
        bare.add_entity("PER", s, s + 7)
        times.append(time.perf_counter() - t0)
    show("key: add_entity, no journal", times)
    session = Session(base.copy(), default_schema(), user="alice")
    j3 = Journal(folder / ".session.journal")
    j3.open(session.aset, base="")
    j3.attach(session)
    times = []
    for i in range(n):
        s = (i * 53) % (len(TEXT) - 20)
        t0 = time.perf_counter()
        session.add_entity("PER", s, s + 7)
        times.append(time.perf_counter() - t0)
    show("key: add_entity + journal", times)

    # Replay after a crash, and a fold.
    size = j3.path.stat().st_size
    t0 = time.perf_counter()
    n_steps = Journal(j3.path).open(base.copy(), base="")
    dt = time.perf_counter() - t0
    print(f"{'replay':<34} {dt * 1e3:8.1f} ms for {n_steps} steps ({size / 1024:.0f} KiB journal)")
    j4 = Journal(folder / ".fold.journal")
    j4.open(base.copy(), base="")
    for v, (pairs, kind) in enumerate(steps[:50], 1):
        j4.append(pairs, kind, version=v)
    t0 = time.perf_counter()
    j4.folded("f" * 64, keep_after=40)
    print(f"{'fold (rewrite, 10 records kept)':<34} {(time.perf_counter() - t0) * 1e3:8.2f} ms")
    for jj in (j, j3, j4):
        jj.close()


def bench_reanchor(runs: int) -> None:
    from gen import make_annotations, make_article

    from annotator.reanchor import reanchor

    text = make_article(1_000_000, 0)
    aset = make_annotations(text, 50_000, 0, n_events=5000, n_attributions=5000)
    cases = {
        "insertion at the start": "BREAKING NEWS. " + text,
        "1000 characters deleted mid-way": text[:500_000] + text[501_000:],
        "a sentence inserted every 100 kB": "".join(
            text[i : i + 100_000] + "Inserted sentence here. " for i in range(0, len(text), 100_000)
        ),
        "CRLF -> LF": text.replace("\r\n", "\n"),
    }
    print(f"re-anchoring {len(text):,} characters, {len(aset):,} annotations (median of {runs}):")
    for name, new in cases.items():
        times = []
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            _, report = reanchor(aset, new, old_length=len(text))
            times.append(time.perf_counter() - t0)
        print(
            f"  {name:<34} {statistics.median(times):6.2f} s   moved {len(report.moved):,}, "
            f"lost {len(report.lost)}, unchanged {report.unchanged:,}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--appends", type=int, default=2000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--reanchor", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=args.dir))
    else:
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=out))
    print(f"journal in {folder} ({os.uname().sysname}, python {sys.version.split()[0]})")
    try:
        bench_journal(args.appends, folder)
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    if args.reanchor:
        bench_reanchor(args.runs)


if __name__ == "__main__":
    main()
