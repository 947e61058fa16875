"""Corpus statistics on a folder of 10,000 annotated articles (the corpus screen, `annotator status`).

    python bench/bench_status.py [--articles 10000] [--entities 30] [--runs 3]

Writes a folder of articles (about 2,500 characters each, like the seed) and
their annotation files (entities, a few events and attributions, some
suggestions), then prints the median of several runs of:

* ``corpus.scan`` (what the screen and the command compute: the store's files are
  counted from their lines, see ``corpus.count_lines``);
* two anchors measured in the same run: reading the same files' bytes (no parsing),
  and the store's reader and checker on every file (``store.read``, once);
* ``annotator status DIR --json`` end to end (a new Python process);
* the corpus view in the app (headless): opened the first time (it reads every
  file), opened again (only changed files are read), and one sort of 10,000 rows.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from annotator import corpus, store  # noqa: E402
from annotator.model import Document  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from gen import make_annotations, make_article  # noqa: E402

#: distinct articles generated; the folder cycles through them (generation is the slow part)
DISTINCT = 25


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build(folder: Path, n: int, n_entities: int) -> tuple[list[Path], Path]:
    texts = folder / "articles"
    ann = folder / "annotations"
    texts.mkdir(parents=True)
    ann.mkdir()
    samples = []
    for k in range(DISTINCT):
        text = make_article(2_500, seed=k)
        aset = make_annotations(text, n_entities, seed=k, n_events=3, n_attributions=2, n_relations=1)
        samples.append((text, aset))
    articles = []
    for i in range(n):
        text, aset = samples[i % DISTINCT]
        path = texts / f"article-{i:05}.txt"
        path.write_text(text, encoding="utf-8")
        yaml_path = ann / f"article-{i:05}.yaml"
        aset.document = Document(text, f"../articles/{path.name}", None)
        yaml_path.write_text(store.dumps(aset), encoding="utf-8")
        articles.append(path)
    return articles, ann


def screen_times(articles: list[Path], ann: Path) -> tuple[float, float, float]:
    """(first open, second open, one sort) of the corpus view, in seconds."""
    import asyncio

    from annotator.tui.app import AnnotatorApp
    from annotator.tui.corpus_screen import _CACHE

    _CACHE.clear()

    async def run() -> tuple[float, float, float]:
        app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="bench", lock_files=False)
        async with app.run_test(size=(130, 40)) as pilot:
            async def open_view() -> float:
                t0 = time.perf_counter()
                await pilot.press("C")
                await app.workers.wait_for_complete()
                await pilot.pause()
                return time.perf_counter() - t0

            first = await open_view()
            await pilot.press("escape")
            second = await open_view()
            await pilot.press("right", "right")
            t0 = time.perf_counter()
            await pilot.press("s")
            await pilot.pause()
            sort = time.perf_counter() - t0
        return first, second, sort

    return asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--entities", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-status-"))
    articles, ann = build(folder, args.articles, args.entities)
    order = [lab.name for lab in default_schema().entities]
    size = sum(p.stat().st_size for p in ann.iterdir())

    def read_bytes() -> None:
        for p in articles:
            (ann / f"{p.stem}.yaml").read_bytes()

    stats = corpus.scan(articles, ann, order)
    assert stats.errors == 0, [a.error for a in stats.articles if a.error][:3]
    anchor = timed(read_bytes, args.runs)
    scan = timed(lambda: corpus.scan(articles, ann, order), args.runs)
    exe = [sys.executable, "-m", "annotator", "status", str(folder / "articles"), "--annotations", str(ann), "--json"]

    def command() -> None:
        subprocess.run(exe, check=True, capture_output=True)

    cli = timed(command, args.runs)
    texts = [(ann / f"{p.stem}.yaml").read_text(encoding="utf-8") for p in articles]
    full = timed(lambda: [store.read(text=t) for t in texts], 1)
    first, again, sort = screen_times(articles, ann)
    n = args.articles
    print(f"{n} articles, {stats.sums()['entities'] + stats.sums()['pending']} entities, "
          f"{size / 2**20:.1f} MiB of YAML; medians of {args.runs} runs")
    print(f"  corpus.scan                 {scan:7.3f} s  ({scan / n * 1e3:.3f} ms per article)")
    print(f"  anchor: read the bytes only {anchor:7.3f} s  (scan is {scan / anchor:.1f}x the anchor)")
    print(f"  anchor: store.read          {full:7.3f} s  (scan is {full / scan:.1f}x faster; once, bytes already read)")
    print(f"  annotator status --json     {cli:7.3f} s  (a new process, end to end)")
    print(f"  corpus view: first open     {first:7.3f} s  (reads every file, in a thread)")
    print(f"  corpus view: open again     {again:7.3f} s  (unchanged files are not read)")
    print(f"  corpus view: sort a column  {sort:7.3f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
