"""Startup, per-key repaint time and peak memory of the app in a real terminal.

    python bench/bench_app.py [--runs 5] [--huge]
    python bench/bench_app.py --seed-only [--runs 9] [--before EXE]
    python bench/bench_app.py --huge-only [--runs 5] [--before EXE]

Drives the installed ``annotator`` (and a bare Textual app, the anchor, in the same
run) with bench/pty_driver.py in a 120x40 pseudo-terminal, on the seed article with
its gold annotations and on a generated 1 MB article with 50,000 entities (cursor keys,
then editing keys: tag, relabel, delete, undo, redo);
``--huge`` adds a 10 MB article with 500,000
entities, 50,000 events and 50,000 attributions. Prints medians over the runs and
the targets; asserts nothing. ``--seed-only`` measures only the first paint of the
seed and of the anchor (no keys, no 1 MB article), alternating the two programs run
by run so that a busy spell of the machine weighs on both; ``--before EXE`` runs
another ``annotator`` (an older checkout's) in turn with them, for before and after
in the same run. Its CPU figures are read in nanoseconds (``cpu_exact_s``).
``--huge-only`` does the same for the 10 MB article's first paint and load (no
keys pressed), run by run with the anchor and ``--before``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen import ensure  # noqa: E402
from pty_driver import Term, probe, summary  # noqa: E402

SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
SEED_GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
# Cursor moves, selection, jump to the next annotation, page moves.
# (esc is left out: a terminal cannot tell a lone esc from the start of a sequence,
# so every terminal program waits a few tens of ms after it.)
KEYS = "l,l,l,l,j,j,h,k,shift+right,shift+right,l,],],[,pgdn,pgup,l,j".split(",")
#: Editing keys, each timed (the "l" between them only moves to a new token):
#: tag, relabel, delete, undo, redo, undo.
EDITS = "l,l,1,2,x,u,ctrl+r,u".split(",")
MOVES = {"l"}
#: on the status line until the annotations are loaded (a big file loads after the
#: first paint); the keys are pressed once it is gone: they measure the loaded article
LOADED = "loading annotations"


def annotator_exe() -> str:
    """The installed ``annotator`` beside this Python (``ANNOTATOR_EXE`` names another
    one, e.g. an older checkout's, to measure before and after in the same way)."""
    return os.environ.get("ANNOTATOR_EXE") or str(Path(sys.executable).parent / "annotator")


def fresh_copy(yaml_path: Path) -> Path:
    """A new annotations folder holding a copy of one file (each run starts clean)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-ann-"))
    shutil.copyfile(yaml_path, folder / yaml_path.name)
    return folder


def med(runs: list[dict], key: str) -> float | None:
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def run_article(article: Path, yaml_path: Path, ready: str, runs: int, keys=KEYS, repeat: int = 3,
                limit: float = 120.0, exe: str | None = None) -> list[dict]:
    out = []
    for _ in range(runs):
        ann = fresh_copy(yaml_path)
        try:
            res = probe([exe or annotator_exe(), article, "--annotations", ann, "--annotator", "bench"], ready,
                        list(keys) * repeat, limit=limit, loaded=LOADED)
        finally:
            shutil.rmtree(ann, ignore_errors=True)
        if "error" in res:
            print(f"{article.name}: {res['error']}\n{res.get('screen', '')}", file=sys.stderr)
        out.append(res)
    return out


def run_edits(article: Path, yaml_path: Path, ready: str, runs: int, repeat: int = 12) -> list[dict]:
    """The editing keys (``EDITS`` but the moves) timed as the cursor keys are,
    from the write of the key to the last byte of its repaint; once loaded."""
    out = []
    for _ in range(runs):
        ann = fresh_copy(yaml_path)
        lats: list[float] = []
        try:
            with Term([annotator_exe(), str(article), "--annotations", str(ann), "--annotator", "bench"]) as term:
                if term.wait_for(ready, 120.0) is None or term.wait_gone(LOADED, 120.0) is None:
                    print(f"{article.name}: not ready\n{term.text()}", file=sys.stderr)
                    continue
                term.read_until_quiet(0.5)
                for key in EDITS * repeat:
                    ms, _changed = term.press(key)
                    if key not in MOVES and ms is not None:
                        lats.append(ms)
        finally:
            shutil.rmtree(ann, ignore_errors=True)
        out.append(summary(lats))
    return out


def first_word(article: Path) -> str:
    with open(article, encoding="utf-8") as f:
        return f.read(40).split()[0]


def bare(runs: int) -> list[dict]:
    return [probe([sys.executable, ROOT / "bench" / "bare_app.py"], "READY") for _ in range(runs)]


def figures(runs: int = 5, huge: bool = False) -> list[tuple]:
    """Rows (figure, ours, anchor, ratio, target) for the run_all table."""
    run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0)  # warm-up: bytecode caches
    anchor = bare(runs)
    seed = run_article(SEED, SEED_GOLD, "Qereman", runs)
    big, big_ann = ensure(1_000_000, 50_000)
    mb1 = run_article(big, big_ann / "bench-article.yaml", first_word(big), runs)
    seed_edits = run_edits(SEED, SEED_GOLD, "Qereman", runs)
    mb1_edits = run_edits(big, big_ann / "bench-article.yaml", first_word(big), runs)
    b, s = med(anchor, "startup_s"), med(seed, "startup_s")
    ks = med(seed, "median_ms")
    es = med(seed_edits, "median_ms")
    rows = [
        ("first paint, seed (s)", s, b, "bare Textual app", "<= 1.2x"),
        ("first paint, 1 MB / 50k entities (s)", med(mb1, "startup_s"), b, "bare Textual app", "< 0.6 s"),
        ("CPU to first paint, seed (s)", med(seed, "startup_cpu_s"), med(anchor, "startup_cpu_s"),
         "bare Textual app", ""),
        ("CPU to first paint, 1 MB (s)", med(mb1, "startup_cpu_s"), med(anchor, "startup_cpu_s"),
         "bare Textual app", ""),
        ("annotations loaded, 1 MB (s)", med(mb1, "loaded_s"), b, "bare Textual app", ""),
        ("cursor key median, seed (ms)", ks, None, "", ""),
        ("cursor key median, 1 MB (ms)", med(mb1, "median_ms"), ks, "seed", "< 8 ms, <= 1.2x"),
        ("cursor key p95, 1 MB (ms)", med(mb1, "p95_ms"), med(seed, "p95_ms"), "seed", "< 16 ms"),
        ("peak memory, 1 MB (MiB)", med(mb1, "peak_rss_mb"), med(anchor, "peak_rss_mb"), "bare Textual app",
         "< 100 MiB"),
        ("editing key median, seed (ms)", es, ks, "seed's cursor keys", ""),
        ("editing key median, 1 MB (ms)", med(mb1_edits, "median_ms"), es, "seed", "< 16 ms, <= 1.5x"),
        ("editing key p95, 1 MB (ms)", med(mb1_edits, "p95_ms"), med(seed_edits, "p95_ms"), "seed", ""),
    ]
    if huge:
        art, ann = ensure(10_000_000, 500_000, 50_000, 50_000)
        h = run_article(art, ann / "bench-article.yaml", first_word(art), max(1, runs // 2), limit=300)
        rows += [
            ("first paint, 10 MB / 500k entities (s)", med(h, "startup_s"), b, "bare Textual app", "< 2 s"),
            ("CPU to first paint, 10 MB (s)", med(h, "startup_cpu_s"), med(anchor, "startup_cpu_s"),
             "bare Textual app", ""),
            ("annotations loaded, 10 MB (s)", med(h, "loaded_s"), b, "bare Textual app", "< 3 s"),
            ("cursor key median, 10 MB (ms)", med(h, "median_ms"), ks, "seed", "< 8 ms, <= 1.2x"),
            ("cursor key p95, 10 MB (ms)", med(h, "p95_ms"), med(seed, "p95_ms"), "seed", "< 16 ms"),
            ("peak memory, 10 MB (MiB)", med(h, "peak_rss_mb"), med(anchor, "peak_rss_mb"), "bare Textual app",
             "< 600 MiB"),
        ]
    return rows


def seed_only(runs: int = 9, before: str | None = None) -> list[tuple]:
    """Rows for the first paint of the seed alone, the anchor run alternately with it
    (and ``before``, another ``annotator``, in turn with both)."""
    run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0)  # warm-up: bytecode caches
    if before:
        run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0, exe=before)
    anchor, seed, old = [], [], []
    for _ in range(runs):
        anchor += bare(1)
        if before:
            old += run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0, exe=before)
        seed += run_article(SEED, SEED_GOLD, "Qereman", 1, keys=[], repeat=0)
    rows = [
        ("first paint, seed (s)", med(seed, "startup_s"), med(anchor, "startup_s"), "bare Textual app", "<= 1.2x"),
        ("CPU to first paint, seed (s)", med(seed, "startup_cpu_exact_s"), med(anchor, "startup_cpu_exact_s"),
         "bare Textual app", ""),
    ]
    if before:
        rows += [
            ("first paint, seed, --before (s)", med(old, "startup_s"), med(anchor, "startup_s"), "bare Textual app", ""),
            ("CPU to first paint, seed, --before (s)", med(old, "startup_cpu_exact_s"),
             med(anchor, "startup_cpu_exact_s"), "bare Textual app", ""),
        ]
    return rows


def huge_only(runs: int = 5, before: str | None = None) -> list[tuple]:
    """Rows for the 10 MB article's first paint and load alone (no keys), the anchor
    and ``before`` (another ``annotator``) run in turn with it, run by run (``before``
    first, then after, and so on): on a machine whose speed drifts, the ratio of the
    two in the same minutes."""
    art, ann = ensure(10_000_000, 500_000, 50_000, 50_000)
    yaml_path, word = ann / "bench-article.yaml", first_word(art)
    anchor, ours, old = [], [], []
    for i in range(runs):
        anchor += bare(1)
        # (in turn which goes first: the one after runs while the other's 500 MB are let go of)
        if before and i % 2 == 0:
            old += run_article(art, yaml_path, word, 1, keys=[], repeat=0, limit=300, exe=before)
        ours += run_article(art, yaml_path, word, 1, keys=[], repeat=0, limit=300)
        if before and i % 2 == 1:
            old += run_article(art, yaml_path, word, 1, keys=[], repeat=0, limit=300, exe=before)
    b = med(anchor, "startup_s")
    rows = [
        ("first paint, 10 MB / 500k entities (s)", med(ours, "startup_s"), b, "bare Textual app", "< 2 s"),
        ("annotations loaded, 10 MB (s)", med(ours, "loaded_s"), b, "bare Textual app", "< 3 s"),
    ]
    if before:
        rows += [
            ("first paint, 10 MB, --before (s)", med(old, "startup_s"), b, "bare Textual app", ""),
            ("annotations loaded, 10 MB, --before (s)", med(old, "loaded_s"), b, "bare Textual app", ""),
        ]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--huge", action="store_true", help="also the 10 MB article (slow to generate once)")
    ap.add_argument("--seed-only", action="store_true",
                    help="only the first paint of the seed and of the anchor, alternately")
    ap.add_argument("--huge-only", action="store_true",
                    help="only the 10 MB article's first paint and load (no keys), the anchor in turn with it")
    ap.add_argument("--before", metavar="EXE",
                    help="with --seed-only or --huge-only: another annotator, in turn with them")
    args = ap.parse_args()
    from run_all import print_table

    if args.seed_only:
        print_table(seed_only(args.runs, args.before))
    elif args.huge_only:
        print_table(huge_only(args.runs, args.before))
    else:
        print_table(figures(args.runs, args.huge))


if __name__ == "__main__":
    main()
