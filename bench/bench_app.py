"""Startup, per-key repaint time and peak memory of the app in a real terminal.

    python bench/bench_app.py [--runs 5] [--events]

Drives the installed `annotator` (and a bare Textual app for comparison) with
../shared/tools/tui_probe.py in a pseudo-terminal, on the seed article and on a
generated 1 MB article with 50,000 entities (``--events`` adds 5,000 events and
5,000 attributions). Prints medians over the runs; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT.parent / "shared" / "tools" / "tui_probe.py"
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
# Cursor moves, selection, find-next, jump to the next annotation, page moves.
# (esc is left out: a terminal cannot tell a lone esc from the start of a sequence,
# so every terminal program waits a few tens of ms after it.)
KEYS = "l,l,l,l,j,j,h,k,shift+right,shift+right,l,],],[,pgdn,pgup,l,j"


def probe(cmd: list[str], ready: str, keys: str = "", repeat: int = 1, cwd: Path | None = None) -> dict:
    argv = [sys.executable, str(PROBE), "--ready", ready, "--cols", "120", "--rows", "40"]
    if keys:
        argv += ["--keys", keys, "--repeat", str(repeat)]
    # Let Python cache bytecode as an installed package does (pip compiles at install);
    # some shells set PYTHONDONTWRITEBYTECODE, which would recompile our modules on
    # every start while Textual's stay compiled.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run([*argv, "--", *cmd], capture_output=True, text=True, cwd=cwd, timeout=300, env=env)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "{}"
    return json.loads(line)


def median(runs: list[dict], key: str):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(vals), 3) if vals else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", action="store_true", help="add 5,000 events and 5,000 attributions")
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "annotator")
    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    gen = [sys.executable, str(ROOT / "bench" / "gen.py"), str(tmp / "big")] + (["--events"] if args.events else [])
    subprocess.run(gen, check=True, capture_output=True)
    big = tmp / "big" / "bench-article.txt"
    big_first_words = big.read_text(encoding="utf-8")[:12].split()[0]
    # The seed with its gold annotation (104 entities, 26 events, 7 attributions).
    seed_ann = tmp / "seed-ann"
    seed_ann.mkdir()
    shutil.copyfile(ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml", seed_ann / "sdf-captures-deir-el-zor.yaml")

    rows = []
    probe([exe, str(SEED), "--annotations", str(seed_ann)], "Qereman")  # warm-up: bytecode caches
    bare = [probe([sys.executable, str(ROOT / "bench" / "bare_app.py")], "READY") for _ in range(args.runs)]
    rows.append(("bare Textual app", bare))
    seed = [
        probe([exe, str(SEED), "--annotations", str(seed_ann)], "Qereman", KEYS, repeat=3) for _ in range(args.runs)
    ]
    rows.append(("annotator, seed", seed))
    bigr = [
        probe([exe, str(big), "--annotations", str(tmp / "big" / "annotations")], big_first_words, KEYS, repeat=3)
        for _ in range(args.runs)
    ]
    label = "annotator, 1 MB + 50k entities" + (" + 5k events + 5k attributions" if args.events else "")
    rows.append((label, bigr))

    print(f"{'':48} {'startup s':>10} {'key median ms':>14} {'key p95 ms':>11} {'peak MiB':>9}")
    for name, runs in rows:
        print(
            f"{name:48} {median(runs, 'startup_s')!s:>10} {median(runs, 'median_ms')!s:>14} "
            f"{median(runs, 'p95_ms')!s:>11} {median(runs, 'peak_rss_mb')!s:>9}"
        )
    b, s, g = (median(r, "startup_s") for _, r in rows)
    ks, kg = median(seed, "median_ms"), median(bigr, "median_ms")
    if b and s:
        print(f"startup on the seed / bare Textual app: {s / b:.2f}x (SPEC: at most 1.5x)")
    if ks and kg:
        print(f"per-key median, big / seed: {kg / ks:.2f}x (SPEC: under 16 ms and at most 1.5x)")


if __name__ == "__main__":
    main()
