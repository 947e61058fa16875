"""Export and import of many small articles in every format: articles per second
and peak memory, at two sizes, to show that memory does not grow with the count.

    python bench/bench_formats.py            # 1,000 and 10,000 articles
    python bench/bench_formats.py --n 2000   # one size
    python bench/bench_formats.py --formats jsonl conll

Each export and import runs as its own process (``python -m annotator ...``,
the real command line) and reports its peak resident memory (ru_maxrss); the
figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import store  # noqa: E402
from annotator.model import AnnotationSet, Argument, Attribution, Document, Entity, Event, Relation, Span  # noqa: E402

FORMATS = {
    "brat": "out_brat",
    "jsonl": "out.jsonl",
    "conll": "out.conll",
    "doccano": "out.doccano.jsonl",
    "labelstudio": "out.json",
    "spacy": "out_spacy/",  # a folder: shards of 1,000, so memory stays flat
}

WORDS = "the rebels said forces captured town on Monday after fighting near river border officials reported".split()
NAMES = [("PER", "Orhan Qereman"), ("GPE", "Hasakeh"), ("ORG", "SDF"), ("GPE", "Deir el-Zor"), ("DATE", "Monday"), ("NORP", "Kurdish \U0001f600")]


def make_article(rng: random.Random, i: int) -> tuple[str, AnnotationSet]:
    """About 600 characters, 8 entities, an event, an attribution, a relation."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for _ in range(8):
        filler = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) + " "
        parts.append(filler)
        pos += len(filler)
        label, name = rng.choice(NAMES)
        parts.append(name)
        spans.append((label, pos, pos + len(name)))
        pos += len(name)
        parts.append(". ")
        pos += 2
    text = "".join(parts) + "\n"
    aset = AnnotationSet(Document(text))
    for k, (label, s, e) in enumerate(spans, 1):
        aset.entities[f"T{k}"] = Entity(f"T{k}", label, Span.of(text, s, e), by="bench")
    said = text.find("said")
    if said >= 0:
        aset.attributions["A1"] = Attribution("A1", None, Span.of(text, said, said + 4), Span.of(text, said + 5, min(len(text) - 1, said + 40)))
    cap = text.find("captured")
    if cap >= 0:
        aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, cap, cap + 8), (Argument("Agent", "T1"), Argument("Place", "T2")))
    aset.relations["R1"] = Relation("R1", "Located", "T1", "T2")
    return text, aset


def generate(folder: Path, n: int) -> Path:
    rng = random.Random(n)
    seeds, ann = folder / "seeds", folder / "annotations"
    seeds.mkdir(parents=True)
    ann.mkdir()
    import hashlib

    for i in range(n):
        text, aset = make_article(rng, i)
        art = seeds / f"a{i:05d}.txt"
        data = text.encode("utf-8")
        art.write_bytes(data)
        y = ann / f"a{i:05d}.yaml"
        s = store.new_set(Document(text, str(art), hashlib.sha256(data).hexdigest()), y)
        s.entities, s.events, s.attributions, s.relations = aset.entities, aset.events, aset.attributions, aset.relations
        y.write_text(store.dumps(s), encoding="utf-8")
    return ann


# Peak memory: VmHWM (this process image's high-water mark; ru_maxrss would
# carry over the parent's peak across fork+exec on Linux).
RUNNER = (
    "import resource, sys, time\n"
    "from annotator.cli import main\n"
    "t = time.perf_counter(); rc = main(sys.argv[1:]); dt = time.perf_counter() - t\n"
    "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "peak = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('BENCH', rc, dt, peak, file=sys.stderr)\n"
)


def run(argv: list[str], cwd: Path) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-c", RUNNER, *argv], cwd=cwd, env=env, capture_output=True, text=True)
    line = [x for x in p.stderr.splitlines() if x.startswith("BENCH ")]
    if p.returncode or not line or line[-1].split()[1] != "0":
        raise SystemExit(f"failed: annotator {' '.join(argv)}\n{p.stdout}\n{p.stderr}")
    _, rc, dt, rss = line[-1].split()
    note = "; ".join(x for x in p.stderr.splitlines() if x.startswith("annotator: "))
    return float(dt), int(rss) / 1024, note


def bench(n: int, formats: list[str]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_formats_") as d:
        base = Path(d)
        t0 = time.perf_counter()
        ann = generate(base / "src", n)
        print(f"  generated {n:,} articles in {time.perf_counter() - t0:.1f} s", flush=True)
        for fmt in formats:
            out = base / FORMATS[fmt]
            dest = str(out) + ("/" if FORMATS[fmt].endswith("/") else "")
            dt, rss, note = run(["export", "--to", fmt, str(ann), "-o", dest], base)
            rows.append({"n": n, "format": fmt, "step": "export", "s": dt, "per_s": n / dt, "peak_mib": rss})
            print(f"  export {fmt:12s} {n / dt:8,.0f} articles/s  peak {rss:6.1f} MiB   {note[:90]}", flush=True)
            dst = base / f"imp_{fmt}"
            dt, rss, note = run(["import", "--from", fmt, str(out), "--annotations", str(dst / "ann"), "--texts", str(dst / "txt")], base)
            rows.append({"n": n, "format": fmt, "step": "import", "s": dt, "per_s": n / dt, "peak_mib": rss})
            print(f"  import {fmt:12s} {n / dt:8,.0f} articles/s  peak {rss:6.1f} MiB   {note[:90]}", flush=True)
            shutil.rmtree(dst, ignore_errors=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="*", default=[1000, 10000], help="article counts (default: 1000 10000)")
    ap.add_argument("--formats", nargs="*", default=list(FORMATS), choices=list(FORMATS))
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    try:
        import spacy  # noqa: F401
    except ImportError:
        args.formats = [f for f in args.formats if f != "spacy"]
    rows = []
    for n in args.n:
        print(f"{n:,} articles (~600 characters, 8 entities, 1 event, 1 attribution, 1 relation each):", flush=True)
        rows += bench(n, args.formats)
    if len(args.n) > 1:
        print("peak memory, smallest -> largest count (constant memory: about equal):")
        for fmt in args.formats:
            for step in ("export", "import"):
                peaks = [r["peak_mib"] for r in rows if r["format"] == fmt and r["step"] == step]
                print(f"  {step} {fmt:12s} " + " -> ".join(f"{p:.1f}" for p in peaks) + " MiB")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
