"""Benchmark the article view: time per key and time to first paint.

    python bench/bench_view.py            # bare app, seed, 1 MB: each in a fresh process
    python bench/bench_view.py --case big # one case: big (1 MB, 50,000 entities), seed or bare

Builds the view in an App under ``run_test`` (headless, 120x40), presses ``l``
200 times and ``j`` 100 times. For each key it records:

* ``wall``: time around ``pilot.press`` (as asked). Pilot sleeps in
  ``wait_for_idle`` (at least 2 x 20 ms per key), so this is ~40-60 ms even on a
  bare app: it measures Pilot, not us;
* ``latency``: from the key event being sent to the end of the compositor update
  that painted its result (includes waiting for Textual's 60 fps update timer);
* ``cpu``: process CPU time during the press (the real work: key dispatch, our
  action, rendering the changed rows, the compositor; plus Pilot's own loop);
* ``action``: time in the view's cursor code; ``paint``: time in the compositor
  refresh (which calls our ``render_line`` for the dirty rows).

Also the time to the view's first painted row and peak memory. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T_IMPORT = time.perf_counter()
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Static  # noqa: E402

from annotator.marks import MarkIndex  # noqa: E402
from annotator.model import SUGGESTED, AnnotationSet, Document, Entity, Span  # noqa: E402
from annotator.text import tokenize  # noqa: E402
from annotator.tui.article_view import ArticleView  # noqa: E402

T_IMPORT = time.perf_counter() - T_IMPORT

SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
LABELS = ["PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC"]
SLOTS = {lab: i + 1 for i, lab in enumerate(LABELS)}

WORDS = (
    "the a of in on to and said that was for with as by at from his her their it is were had has "
    "forces government city border crossing rebels alliance fighters control army officials attack "
    "people week Friday sources province region capital town group statement reported spokesman "
    "military troops advance withdrew captured village oil fields desert river north eastern south"
).split()
NAMES = (
    "Syria Iraq Damascus Homs Aleppo Reuters Assad Kurdish SDF Hasakeh Deir el-Zor Tehran Moscow "
    "Ankara Washington U.S. Mr. Qereman Abu Layla Hama Islamic State José Müller Zürich Erdoğan"
).split()
UNICODE_BITS = ["\u201cwe will\u201d", "Syria\u2019s", "\u5317\u4eac", "\u062f\u0645\u0634\u0642", "caf\u00e9", "na\u0308ive", "\U0001F4F0"]


def make_article(size: int, rng: random.Random) -> str:
    """Sentence-like text with some Unicode, in paragraphs of a few sentences."""
    paragraphs: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(2, 7)):
            n = rng.randint(8, 28)
            words = []
            for k in range(n):
                r = rng.random()
                if r < 0.18:
                    words.append(rng.choice(NAMES))
                elif r < 0.2:
                    words.append(rng.choice(UNICODE_BITS))
                elif r < 0.23:
                    words.append(str(rng.randint(1, 2025)))
                else:
                    words.append(rng.choice(WORDS))
                if k < n - 1 and rng.random() < 0.06:
                    words[-1] += ","
            sent = " ".join(words)
            sentences.append(sent[0].upper() + sent[1:] + rng.choice(".....?!"))
        para = " ".join(sentences)
        paragraphs.append(para)
        total += len(para) + 1
    return "\n".join(paragraphs)[:size]


def make_entities(text: str, count: int, rng: random.Random) -> AnnotationSet:
    """``count`` entities over 1-3 tokens each, some suggested, some nested."""
    tokens = tokenize(text)
    aset = AnnotationSet(Document(text))
    n = len(tokens)
    picks = sorted(rng.sample(range(n - 3), min(count, n - 3)))
    for k, i in enumerate(picks, 1):
        j = min(n - 1, i + rng.choice((0, 0, 0, 1, 2)))
        start, end = tokens.starts[i], tokens.ends[j]
        if "\n" in text[start:end]:
            end = tokens.ends[i]
        status = SUGGESTED if rng.random() < 0.1 else "accepted"
        aset.entities[f"T{k}"] = Entity(f"T{k}", rng.choice(LABELS), Span.of(text, start, end), status=status)
    return aset


class BenchApp(App):
    def __init__(self, text: str, marks: MarkIndex):
        super().__init__(css_path=[ROOT / "styles" / "article.tcss"])
        self.text = text
        self.marks = marks
        self.first_paint: float | None = None

    def compose(self) -> ComposeResult:
        yield ArticleView(self.text, self.marks, slot_of=lambda lab: SLOTS.get(lab, 0), id="article")


class BareApp(App):
    def __init__(self):
        super().__init__()
        self.first_paint: float | None = None

    def compose(self) -> ComposeResult:
        yield Static("hello")


def stats(samples: list[float]) -> dict[str, float]:
    """Median and p95 in ms (keys that painted nothing have no latency: left out)."""
    ms = sorted(x * 1000 for x in samples if x == x)
    if not ms:
        return {"median": float("nan"), "p95": float("nan"), "n": 0}
    return {"median": round(statistics.median(ms), 2), "p95": round(ms[max(0, int(len(ms) * 0.95) - 1)], 2), "n": len(ms)}


def summarise(samples: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    return {k: stats([x[k] for x in samples]) for k in samples[0]}


class Probe:
    """Times one key: sent -> handled -> painted, and the CPU it took."""

    def __init__(self, app: App):
        self.app = app
        self.sent = 0.0
        self.painted = 0.0
        self.paint = 0.0
        self.action = 0.0
        screen = app.screen
        self._screen = screen
        self._refresh = screen._compositor_refresh
        self._send = app._driver.send_message
        self._set_cursor = ArticleView._set_cursor

        def compositor_refresh():
            t = time.perf_counter()
            self._refresh()
            self.painted = time.perf_counter()
            self.paint += self.painted - t

        def send_message(message):
            self.sent = time.perf_counter()
            self._send(message)

        probe = self

        def set_cursor(view, *args, **kwargs):
            t = time.perf_counter()
            probe._set_cursor(view, *args, **kwargs)
            probe.action += time.perf_counter() - t

        screen._compositor_refresh = compositor_refresh
        app._driver.send_message = send_message
        ArticleView._set_cursor = set_cursor

    def close(self) -> None:
        del self._screen._compositor_refresh
        del self.app._driver.send_message
        ArticleView._set_cursor = self._set_cursor

    async def press(self, pilot, key: str) -> dict[str, float]:
        self.paint = self.action = 0.0
        self.painted = 0.0
        cpu = time.process_time()
        t = time.perf_counter()
        await pilot.press(key)
        wall = time.perf_counter() - t
        cpu = time.process_time() - cpu
        latency = self.painted - self.sent if self.painted >= self.sent else float("nan")
        return {"wall": wall, "latency": latency, "cpu": cpu, "action": self.action, "paint": self.paint}


async def bench_case(case: str) -> dict:
    rng = random.Random(1234)
    t = time.perf_counter()
    if case == "big":
        text = make_article(1_000_000, rng)
        aset = make_entities(text, 50_000, rng)
    else:
        text = SEED.read_text(encoding="utf-8") if SEED.exists() else make_article(2_500, rng)
        aset = make_entities(text, max(10, len(text) // 20), rng)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    marks = MarkIndex.build(aset)
    t_index = time.perf_counter() - t

    first: list[float] = []
    original = ArticleView.render_line

    def timed_render_line(self, y):
        strip = original(self, y)
        if not first:
            first.append(time.perf_counter())
        return strip

    ArticleView.render_line = timed_render_line
    t0 = time.perf_counter()
    app = BenchApp(text, marks)
    result: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t_ready = time.perf_counter() - t0
        ArticleView.render_line = original
        view = app.query_one(ArticleView)
        renders0 = view.renders
        probe = Probe(app)
        samples_l = [await probe.press(pilot, "l") for _ in range(200)]
        await pilot.press("g")  # back to the top, so the seed has rows to go down
        samples_j = [await probe.press(pilot, "j") for _ in range(100)]
        probe.close()
        rows_drawn = view.renders - renders0
        result = {
            "case": case,
            "chars": len(text),
            "entities": len(aset.entities),
            "rows": len(view.layout),
            "generate_s": round(t_gen, 3),
            "mark_index_s": round(t_index, 3),
            "first_paint_s": round(first[0] - t0, 3) if first else None,
            "run_test_ready_s": round(t_ready, 3),
            "key_l": summarise(samples_l),
            "key_j": summarise(samples_j),
            "all_keys": summarise(samples_l + samples_j),
            "rows_drawn_for_300_keys": rows_drawn,
        }
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["import_s"] = round(T_IMPORT, 3)
    return result


async def bench_bare() -> dict:
    first: list[float] = []
    original = Static.render_line

    def timed(self, y):
        strip = original(self, y)
        if not first:
            first.append(time.perf_counter())
        return strip

    Static.render_line = timed
    t0 = time.perf_counter()
    app = BareApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ready = time.perf_counter() - t0
        Static.render_line = original
        walls, cpus = [], []
        for _ in range(100):  # a key nothing is bound to: Pilot's own cost
            c, t = time.process_time(), time.perf_counter()
            await pilot.press("l")
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
    return {
        "case": "bare",
        "first_paint_s": round(first[0] - t0, 3) if first else None,
        "run_test_ready_s": round(ready, 3),
        "key": {"wall": stats(walls), "cpu": stats(cpus)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["big", "seed", "bare"])
    parser.add_argument("--json", action="store_true", help="print one JSON object (used by the parent run)")
    args = parser.parse_args()
    if args.case:
        result = asyncio.run(bench_bare() if args.case == "bare" else bench_case(args.case))
        print(json.dumps(result) if args.json else json.dumps(result, indent=2))
        return
    results = []
    for case in ("bare", "seed", "big"):
        out = subprocess.run(
            [sys.executable, __file__, "--case", case, "--json"], capture_output=True, text=True, check=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    bare, seed, big = results
    print(
        f"bare Textual app: first paint {bare['first_paint_s']} s (run_test ready {bare['run_test_ready_s']} s);"
        f" an unbound key: pilot.press wall median {bare['key']['wall']['median']} ms,"
        f" cpu median {bare['key']['cpu']['median']} ms"
    )
    for r in (seed, big):
        print(
            f"\n{r['case']}: {r['chars']:,} chars, {r['entities']:,} entities, {r['rows']:,} rows at 120x40"
            f"\n  first paint of the view {r['first_paint_s']} s (run_test ready {r['run_test_ready_s']} s;"
            f" MarkIndex.build {r['mark_index_s']} s before it)"
            f"\n  peak RSS {r['peak_rss_mib']} MiB; rows drawn for 300 keys: {r['rows_drawn_for_300_keys']}"
        )
        print(f"  {'ms per key':<12}" + "".join(f"{k:>18}" for k in r["all_keys"]))
        for name in ("key_l", "key_j", "all_keys"):
            row = r[name]
            cells = "".join(f"{row[k]['median']:>9.2f} /{row[k]['p95']:>7.2f}" for k in row)
            print(f"  {name:<12}{cells}")
        lat = r["all_keys"]["latency"]["n"]
        print(f"  (each cell: median / p95; latency over the {lat} keys that changed the screen)")
    for k in ("latency", "cpu"):
        ratio = big["all_keys"][k]["median"] / seed["all_keys"][k]["median"]
        print(f"big/seed median {k}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
