"""Drive a terminal program in a real pseudo-terminal, as a person at a keyboard would.

Used by the benchmarks of ``bench/``; also a small command of its own::

    python bench/pty_driver.py --ready TEXT [--keys K1,K2,...] [--repeat N] -- CMD ...

It measures:

* startup: from spawning the program to the last byte of the first frame that shows
  the ``--ready`` text (the program has then painted its first screen);
* per key: from writing the key's bytes to the program's last byte of the repaint
  that the key caused (output is read until it has been quiet for ``quiet`` seconds;
  the quiet time itself is not counted);
* peak resident memory (``VmHWM`` of ``/proc/PID/status``, Linux);
* the CPU time the program used until its first frame (``startup_cpu_s``), a
  steadier figure than wall time on a busy machine.

The screen is rebuilt with pyte outside the timed path, to check that a key really
changed what is shown (``unchanged`` counts the keys that did not). The driver answers
the terminal queries Textual sends (cursor position, device attributes) as a real
terminal does. Prints one JSON object on the last line.

Needs the ``bench`` extra: ``pip install -e '.[bench]'`` (ptyprocess, pyte).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import sys
import time

import ptyprocess
import pyte

KEYS = {
    "right": "\x1b[C", "left": "\x1b[D", "up": "\x1b[A", "down": "\x1b[B", "enter": "\r",
    "tab": "\t", "shift+tab": "\x1b[Z", "esc": "\x1b", "space": " ", "backspace": "\x7f",
    "pgdn": "\x1b[6~", "pgup": "\x1b[5~", "home": "\x1b[H", "end": "\x1b[F",
    "shift+right": "\x1b[1;2C", "shift+left": "\x1b[1;2D", "delete": "\x1b[3~", "comma": ",",
}  # fmt: skip


def keybytes(key: str) -> bytes:
    """The bytes a terminal sends for a key name (``ctrl+x``, ``pgdn``, or a literal character)."""
    if key in KEYS:
        return KEYS[key].encode()
    if key.startswith("ctrl+") and len(key) == 6:
        return bytes([ord(key[-1].lower()) - 96])
    return key.encode("utf-8")


def summary(latencies_ms: list[float]) -> dict:
    """median, p95 and max of a list of latencies (ms), rounded to 0.01 ms."""
    s = sorted(latencies_ms)
    if not s:
        return {}
    return {
        "keys": len(s),
        "median_ms": round(statistics.median(s), 2),
        "p95_ms": round(s[min(len(s) - 1, int(0.95 * len(s)))], 2),
        "max_ms": round(s[-1], 2),
    }


class Term:
    """One program running in a pseudo-terminal of ``cols`` x ``rows`` cells."""

    def __init__(self, cmd: list[str], cols: int = 120, rows: int = 40, env: dict | None = None, cwd=None) -> None:
        e = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        # Let Python cache bytecode as an installed package does (pip compiles at install).
        e.pop("PYTHONDONTWRITEBYTECODE", None)
        e.update(env or {})
        self.t0 = time.perf_counter()
        self.proc = ptyprocess.PtyProcess.spawn(cmd, dimensions=(rows, cols), env=e, cwd=cwd)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.pending = bytearray()

    # -- reading -------------------------------------------------------------------------
    def read_until_quiet(self, quiet: float = 0.05, limit: float = 10.0, wait_first: bool = False) -> float | None:
        """Read output until ``quiet`` seconds pass without a byte; the time of the last byte.

        With ``wait_first``, silence before the first byte does not stop the reading
        (up to ``limit`` seconds)."""
        last = None
        start = time.perf_counter()
        fd = self.proc.fd
        while time.perf_counter() - start <= limit:
            ready, _, _ = select.select([fd], [], [], quiet)
            if not ready:
                if last is not None or not wait_first:
                    break
                continue
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                break
            if not data:
                break
            last = time.perf_counter()
            self.pending += data
            self._answer(data)
        return last

    def _answer(self, data: bytes) -> None:
        # Reply to cursor-position and device-attribute queries like a real terminal.
        if b"\x1b[6n" in data:
            os.write(self.proc.fd, b"\x1b[1;1R")
        if b"\x1b[c" in data:
            os.write(self.proc.fd, b"\x1b[?62;22c")

    def text(self) -> str:
        """The screen as text (feeds what was read so far to the terminal emulator)."""
        self.stream.feed(bytes(self.pending))
        self.pending.clear()
        return "\n".join(self.screen.display)

    def cells(self) -> int:
        """A hash of every cell with its colours and style: a change of highlight counts."""
        self.text()
        return hash(
            tuple(
                (c.data, c.fg, c.bg, c.reverse, c.bold, c.underscore, c.italics)
                for row in self.screen.buffer.values()
                for c in row.values()
            )
        )

    # -- driving -------------------------------------------------------------------------
    def wait_for(self, needle: str, limit: float = 60.0) -> float | None:
        """Seconds from spawn to the last byte of the frame showing ``needle`` (None: never)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            last = self.read_until_quiet(quiet=0.02, limit=0.5, wait_first=True)
            if needle in self.text():
                # let the frame finish
                end = self.read_until_quiet(quiet=0.1, limit=2.0)
                self.text()
                return ((end or last) or time.perf_counter()) - self.t0
        return None

    def wait_gone(self, needle: str, limit: float = 60.0) -> float | None:
        """Seconds from spawn to the last byte of the first frame no longer showing
        ``needle`` (None: still there after ``limit``)."""
        deadline = time.perf_counter() + limit
        last = None
        while time.perf_counter() < deadline:
            if needle not in self.text():
                end = self.read_until_quiet(quiet=0.1, limit=2.0)
                self.text()
                return ((end or last) or time.perf_counter()) - self.t0
            last = self.read_until_quiet(quiet=0.02, limit=0.5, wait_first=True) or last
        return None

    def send(self, key: str) -> None:
        os.write(self.proc.fd, keybytes(key))

    def press(self, key: str, quiet: float = 0.15) -> tuple[float | None, bool]:
        """Send one key; (ms to the last byte of its repaint or None, whether the screen changed)."""
        before = self.cells()
        t = time.perf_counter()
        self.send(key)
        last = self.read_until_quiet(quiet=quiet, limit=5.0, wait_first=True)
        changed = self.cells() != before
        return (None if last is None else (last - t) * 1000), changed

    def press_all(self, keys: list[str], quiet: float = 0.15) -> dict:
        """Press each key; the summary of their latencies and how many left the screen unchanged."""
        lats, unchanged = [], 0
        for k in keys:
            ms, changed = self.press(k, quiet)
            if ms is not None:
                lats.append(ms)
            if ms is None or not changed:
                unchanged += 1
        return {**summary(lats), "unchanged": unchanged}

    def cpu_s(self) -> float | None:
        """CPU time (user + system) the program has used so far, in seconds (Linux).

        Less sensitive than wall time to other programs sharing the machine."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def cpu_exact_s(self) -> float | None:
        """The time the program's threads have run on a CPU so far, in seconds, from
        the kernel's per-thread counters in nanoseconds (Linux ``schedstat``): the
        same time as ``cpu_s`` without its clock ticks of 10 ms."""
        try:
            tasks = os.listdir(f"/proc/{self.proc.pid}/task")
        except OSError:
            return None
        ns = 0
        for tid in tasks:
            try:
                with open(f"/proc/{self.proc.pid}/task/{tid}/schedstat") as f:
                    ns += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return ns / 1e9

    def peak_rss_mb(self) -> float | None:
        """Peak resident memory of the program so far (Linux), in MiB."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None

    def close(self) -> None:
        try:
            self.proc.terminate(force=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def __enter__(self) -> "Term":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def probe(
    cmd: list[str], ready: str, keys: list[str] = (), *, cols: int = 120, rows: int = 40, limit: float = 60.0,
    quiet: float = 0.15, cwd=None, loaded: str | None = None,
) -> dict:
    """Start ``cmd``, wait for ``ready`` on screen, press ``keys``: startup_s, key figures, peak_rss_mb.

    ``loaded``: then wait until this text is gone from the screen (``loaded_s``,
    ``loaded_cpu_s``: e.g. the status line's "loading annotations") before pressing
    the keys."""
    res: dict = {"cmd": " ".join(map(str, cmd))}
    with Term(list(map(str, cmd)), cols, rows, cwd=cwd) as term:
        res["startup_s"] = term.wait_for(ready, limit)
        res["startup_cpu_s"] = term.cpu_s()
        res["startup_cpu_exact_s"] = term.cpu_exact_s()
        if res["startup_s"] is None:
            res["error"] = "the ready text never appeared"
            res["screen"] = term.text()
            return res
        if loaded is not None:
            res["loaded_s"] = term.wait_gone(loaded, limit)
            res["loaded_cpu_s"] = term.cpu_s()
        if keys:
            res.update(term.press_all(list(keys), quiet))
        res["peak_rss_mb"] = term.peak_rss_mb()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ready", required=True, help="text that shows the program is up")
    ap.add_argument("--keys", default="", help="comma-separated key names (right, pgdn, ctrl+s, x, ...)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--quiet", type=float, default=0.15)
    ap.add_argument("--show", action="store_true", help="print the last screen on stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    keys = [k for k in a.keys.split(",") if k] * a.repeat
    res = probe(cmd, a.ready, keys, cols=a.cols, rows=a.rows, limit=a.limit, quiet=a.quiet)
    if a.show or "error" in res:
        print(res.pop("screen", ""), file=sys.stderr)
    print(json.dumps(res))
    return 0 if "error" not in res else 1


if __name__ == "__main__":
    sys.exit(main())
