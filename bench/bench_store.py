"""Store speed on a 1 MB article with 50,000 entities (targets: load < 0.25 s, save < 0.1 s).

    python bench/bench_store.py [--runs 5] [--events] [--size N] [--entities N] [--no-pyyaml] [--huge]

Prints the median (and min) of several runs of: dumps, write_atomic, save
(dumps + write), loads on the fast path (with the article and the news schema,
i.e. every check), load_for_article (read article + YAML + loads), and, for
reference, PyYAML's safe_load of the same text with its C loader. ``--huge``:
only the load of the 10 MB article with 500,000 entities, 50,000 events and
50,000 attributions (``gen.ensure``, as ``bench_app.py --huge``; target < 3 s).
``figures()`` gives the rows of ``run_all.py`` (CPU seconds, the anchor being
PyYAML's C loader on the same text).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

from annotator import store  # noqa: E402
from annotator.store import fast_reader, pyyaml_reader, scalars  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from gen import ensure, make_annotations, make_article  # noqa: E402


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(median wall, min wall, median CPU) seconds: on a shared machine the CPU time
    is the figure that does not depend on the neighbours."""
    times, cpu = [], []
    for _ in range(runs):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), min(times), statistics.median(cpu)


def huge_load(runs: int) -> tuple[float, float]:
    """(median wall, median CPU) of opening the 10 MB article's annotations as the app does."""
    article, ann = ensure(10_000_000, 500_000, 50_000, 50_000)
    yaml_path = ann / "bench-article.yaml"
    schema = default_schema()
    med, _best, cpu = timed(
        lambda: store.read(yaml_path, article=read_article(article), schema=schema, editing=True).checked(), runs
    )
    return med, cpu


def figures(runs: int = 3, huge: bool = False) -> list[tuple]:
    """Rows for run_all.py: (figure, ours, anchor, anchor name, target), CPU seconds."""
    text = make_article(1_000_000, 0)
    aset = make_annotations(text, 50_000, 0)
    schema = default_schema()
    data = store.dumps(aset)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    ref = timed(lambda: yaml.load(data, Loader=loader), 1)[2]  # slow: one run
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.yaml"
        rows = [
            ("load, 50k entities, CPU (s)", timed(lambda: store.read("x", text=data, article=text, schema=schema).checked(), runs)[2],
             ref, "PyYAML C safe_load", "< 0.25 s"),
            ("save, 50k entities, CPU (s)", timed(lambda: store.save(aset, path), runs)[2], ref, "PyYAML C safe_load", "< 0.1 s"),
        ]
    if huge:
        rows.append(("load, 10 MB / 500k entities, CPU (s)", huge_load(max(1, runs // 2))[1], ref, "PyYAML C safe_load (1 MB)", "< 3 s"))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=50_000)
    ap.add_argument("--events", action="store_true", help="add 5,000 events and 5,000 attributions")
    ap.add_argument("--no-pyyaml", action="store_true", help="skip the (slow) PyYAML reference")
    ap.add_argument("--huge", action="store_true", help="only the load of the 10 MB / 500,000-entity article")
    args = ap.parse_args()
    if args.huge:
        med, cpu = huge_load(args.runs)
        print(f"load of the 10 MB article (500,000 entities, 50,000 events, 50,000 attributions), "
              f"as the app opens it: {med:.3f} s wall, cpu {cpu:.3f} s (medians of {args.runs})")
        return 0

    text = make_article(args.size, 0)
    n = 5000 if args.events else 0
    aset = make_annotations(text, args.entities, 0, n_events=n, n_attributions=n)
    schema = default_schema()
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "bench-article.txt"
        article.write_bytes(text.encode("utf-8"))
        yaml_path = store.annotation_path(article, Path(tmp) / "annotations")
        aset.document = store.new_set(read_article(article), yaml_path).document
        data = store.dumps(aset)
        store.save(aset, yaml_path)
        scalars.QUOTE_CACHE.clear()

        print(f"article: {len(text):,} characters; {len(aset.entities):,} entities, {len(aset.events):,} events, "
              f"{len(aset.attributions):,} attributions; YAML {len(data.encode()):,} bytes, {data.count(chr(10)):,} lines")
        print(f"runs: {args.runs}, figures: median (min) wall seconds, median CPU seconds")

        def dumps_cold():
            scalars.QUOTE_CACHE.clear()
            store.dumps(aset)

        rows = [
            ("dumps (quote cache cold)", dumps_cold),
            ("dumps (quote cache warm)", lambda: store.dumps(aset)),
            ("write_atomic (fsync)", lambda: store.write_atomic(yaml_path, data)),
            ("save = dumps + write", lambda: store.save(aset, yaml_path)),
            ("loads (fast path, all checks)", lambda: store.read("x", text=data, article=text, schema=schema).checked()),
            ("fast reader alone (parse)", lambda: fast_reader.fast_parse(data)),
            ("load_for_article (read + loads)", lambda: store.read(store.annotation_path(article, yaml_path.parent), article=read_article(article), schema=schema, editing=True).checked()),
        ]
        for name, fn in rows:
            med, best, cpu = timed(fn, args.runs)
            print(f"  {name:34s} {med:7.3f}  ({best:.3f})  cpu {cpu:6.3f}")

        # The result must equal what PyYAML reads (checked here once, not timed).
        loaded = store.read("x", text=data, article=text, schema=schema).checked()
        assert loaded.same_annotations(aset), "round trip differs"

        if not args.no_pyyaml:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            runs = max(1, min(args.runs, 3))
            t0 = time.perf_counter()
            ref = yaml.load(data, Loader=loader)
            first = time.perf_counter() - t0
            assert fast_reader.fast_parse(data).data == ref, "fast reader differs from PyYAML"
            med, best, _cpu = timed(lambda: yaml.load(data, Loader=loader), runs - 1) if runs > 1 else (first, first, 0)
            print(f"  {'PyYAML ' + loader.__name__ + ' safe_load':34s} {med:7.3f}  ({best:.3f})  [reference]")
            t0 = time.perf_counter()
            pyyaml_reader.slow_parse(data, "x")
            print(f"  {'fallback reader (PyYAML events)':34s} {time.perf_counter() - t0:7.3f}  [one run]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
