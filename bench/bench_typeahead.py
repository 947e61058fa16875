"""Keys typed ahead: how long a clump of keystrokes written at once takes to be done.

Twenty find-and-tag sequences (``g/WORD⏎8``, 178 keys) are written to the app's
pseudo-terminal in one write, as a paste, key repeat or a slow link delivers them;
the time runs until the status line shows all twenty tags. The anchor, measured in
the same run, is the median latency of one key typed alone (``l``, next token:
write to the end of its repaint). Prints figures; asserts nothing.

    python bench/bench_typeahead.py [--runs 3]

Needs the ``bench`` extra (ptyprocess, pyte).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ptyprocess
import pyte

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
WORDS = ["Syria", "Reuters", "Iraq", "Friday", "Deir", "SDF", "Assad", "Omar", "Abu", "Layla",
         "Kurdish", "Homs", "Aleppo", "Hama", "Tehran", "Beirut", "Amman", "Russia", "Kurds", "HTS"]  # fmt: skip


class Term:
    def __init__(self, argv, cwd):
        env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=str(Path(cwd) / "xdg"))
        self.proc = ptyprocess.PtyProcess.spawn(argv, cwd=str(cwd), dimensions=(40, 140), env=env)
        self.screen = pyte.Screen(140, 40)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, timeout: float) -> bool:
        r, _, _ = select.select([self.proc.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.proc.fd, 65536)
        except OSError:
            return False
        if b"\x1b[6n" in data:
            os.write(self.proc.fd, b"\x1b[1;1R")
        self.stream.feed(data)
        return True

    def wait_for(self, needle: str, timeout: float = 60) -> float:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.read(0.01)
            if needle in "\n".join(self.screen.display):
                return time.perf_counter()
        raise SystemExit(f"{needle!r} never appeared")

    def key_latency(self, key: bytes, quiet: float = 0.15) -> float:
        t0 = time.perf_counter()
        os.write(self.proc.fd, key)
        last = t0
        while True:
            if self.read(quiet):
                last = time.perf_counter()
            else:
                return (last - t0) * 1000

    def close(self):
        if self.proc.isalive():
            self.proc.terminate(force=True)


def one_run(exe: str) -> tuple[float, list[float]]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-typeahead-"))
    try:
        shutil.copyfile(SEED, tmp / SEED.name)
        term = Term([exe, str(tmp / SEED.name), "--annotations", str(tmp / "ann")], tmp)
        try:
            term.wait_for("HASAKEH")
            while term.read(0.3):
                pass  # the footer and the rest of the first frames
            singles = [term.key_latency(b"l") for _ in range(15)]
            keys = "".join(f"g/{w}\r8" for w in WORDS).encode()
            t0 = time.perf_counter()
            os.write(term.proc.fd, keys)
            done = term.wait_for(f"MISC:{len(WORDS)}")
            return (done - t0) * 1000, singles
        finally:
            term.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "annotator")
    n_keys = sum(len(f"g/{w}\r8") for w in WORDS)
    clumps, singles = [], []
    for _ in range(args.runs):
        total, single = one_run(exe)
        clumps.append(total)
        singles += single
    clump = statistics.median(clumps)
    anchor = statistics.median(singles)
    per_key = clump / n_keys
    print(f"clump of {n_keys} keys written at once: median {clump:.0f} ms ({per_key:.1f} ms a key) over {args.runs} runs")
    print(f"anchor, one key typed alone (l): median {anchor:.1f} ms")
    print(f"ratio (a key in a clump / a key alone): {per_key / anchor:.2f}")
    print(json.dumps({"keys": n_keys, "clump_ms": round(clump, 1), "per_key_ms": round(per_key, 2), "single_key_ms": round(anchor, 2), "ratio": round(per_key / anchor, 3)}))


if __name__ == "__main__":
    main()
