"""Typing in the app's inputs and opening its modals, against a bare Textual Input.

    python bench/bench_inputs.py [--runs 3]

In a 120x40 pseudo-terminal (bench/pty_driver.py), on the seed article with its
gold annotations and on the 1 MB / 50,000-entity article of bench/gen.py:

* find bar: ``/`` opens it, then ``said the`` is typed and two characters erased
  (each keystroke timed), esc closes it (not timed: a lone esc waits);
* event-type picker: ``e`` on the token under the cursor opens it (timed: "modal
  open"), ``at`` typed and erased, esc;
* command palette: ``ctrl+p`` opens it (timed), ``label`` typed, esc;
* the text field the palette's commands ask with (AskText; the app has no settings
  screen: its settings are a TOML file): ``ctrl+p``, ``audit``, enter (not timed)
  opens "Audit this article against another file…", then ``said the`` is typed
  and two characters erased (timed), esc; three times, after the rounds above.

Anchors in the same run: bench/bare_input.py, one focused Input (the same
keystrokes), and the same app with ``--modal`` (``e`` opens a modal with an Input
and a list). Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_app import SEED, SEED_GOLD, annotator_exe, first_word, fresh_copy  # noqa: E402
from gen import ensure  # noqa: E402
from pty_driver import Term  # noqa: E402

FIND_TYPED = list("said the") + ["backspace", "backspace"]
PICK_TYPED = ["a", "t", "backspace", "backspace"]
PALETTE_TYPED = list("label")
ASK_OPEN = list("audit") + ["enter"]
ROUNDS = 3


def cpu_ms(term: Term) -> float | None:
    """CPU time (user + system) of every thread of the program so far, in ms, to the
    nanosecond (``/proc/PID/task/*/schedstat``, Linux): Textual writes to the terminal
    from a thread of its own, so that time counts too."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{term.proc.pid}/task"):
            with open(f"/proc/{term.proc.pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e6


class Timings:
    """Wall time of each key (ms, to its last painted byte) and the CPU it cost."""

    def __init__(self) -> None:
        self.typing: list[float] = []
        self.opening: list[float] = []
        self.typing_cpu: list[float] = []
        self.opening_cpu: list[float] = []

    def _press(self, term: Term, key: str, wall: list[float], cpu: list[float]) -> None:
        c0 = cpu_ms(term)
        ms, _ = term.press(key)
        c1 = cpu_ms(term)
        if ms is not None:
            wall.append(ms)
            if c0 is not None and c1 is not None:
                cpu.append(c1 - c0)

    def typed(self, term: Term, keys: list[str]) -> None:
        for k in keys:
            self._press(term, k, self.typing, self.typing_cpu)

    def opened(self, term: Term, key: str) -> None:
        self._press(term, key, self.opening, self.opening_cpu)


def untimed(term: Term, key: str) -> None:
    term.send(key)
    term.read_until_quiet(quiet=0.3, limit=5.0, wait_first=True)
    term.text()


def app_session(article: Path, yaml_path: Path, ready: str) -> dict[str, Timings]:
    ann = fresh_copy(yaml_path)
    out = {"find": Timings(), "picker": Timings(), "palette": Timings(), "ask": Timings()}
    try:
        cmd = [annotator_exe(), str(article), "--annotations", str(ann), "--annotator", "bench"]
        with Term(cmd) as term:
            if term.wait_for(ready, 120) is None:
                raise SystemExit(f"{article.name}: the app never showed {ready!r}\n{term.text()}")
            for _ in range(ROUNDS):
                out["find"].opened(term, "/")
                out["find"].typed(term, FIND_TYPED)
                untimed(term, "esc")
                out["picker"].opened(term, "e")
                out["picker"].typed(term, PICK_TYPED)
                untimed(term, "esc")
                out["palette"].opened(term, "ctrl+p")
                out["palette"].typed(term, PALETTE_TYPED)
                untimed(term, "esc")
            # after the rounds above, as they ran before it was measured
            for _ in range(ROUNDS):
                untimed(term, "ctrl+p")
                for k in ASK_OPEN:
                    untimed(term, k)
                if "compare this article" not in term.text():
                    raise SystemExit(f"{article.name}: the audit command asked for no file\n{term.text()}")
                out["ask"].typed(term, FIND_TYPED)
                untimed(term, "esc")
    finally:
        shutil.rmtree(ann, ignore_errors=True)
    return out


def bare_session(modal: bool) -> Timings:
    t = Timings()
    cmd = [sys.executable, str(ROOT / "bench" / "bare_input.py")] + (["--modal"] if modal else [])
    with Term(cmd) as term:
        term.wait_for("READY", 60)
        for _ in range(ROUNDS):
            if modal:
                t.opened(term, "e")
                t.typed(term, PICK_TYPED)
                untimed(term, "esc")
            else:
                t.typed(term, FIND_TYPED)
    return t


def med(vals: list[float]) -> float | None:
    return statistics.median(vals) if vals else None


def figures(runs: int = 3) -> list[tuple]:
    """Rows (figure, ours, anchor, anchor name, target) for the run_all table."""
    big, big_ann = ensure(1_000_000, 50_000)
    cases = {"seed": (SEED, SEED_GOLD, "Qereman"), "1 MB": (big, big_ann / "bench-article.yaml", first_word(big))}
    # per run: the median of each figure; then the median over the runs
    per: dict[str, list[float]] = {}

    def add(name: str, vals: list[float]) -> None:
        if vals:
            per.setdefault(name, []).append(statistics.median(vals))

    for _ in range(runs):
        t = bare_session(False)
        add("bare typing", t.typing)
        add("bare typing cpu", t.typing_cpu)
        m = bare_session(True)
        add("bare modal typing", m.typing)
        add("bare modal open", m.opening)
        add("bare modal open cpu", m.opening_cpu)
        for case, (art, yml, ready) in cases.items():
            got = app_session(art, yml, ready)
            for what, t in got.items():
                add(f"{case} {what} typing", t.typing)
                add(f"{case} {what} open", t.opening)
                add(f"{case} {what} typing cpu", t.typing_cpu)
                add(f"{case} {what} open cpu", t.opening_cpu)
    m = {k: med(v) for k, v in per.items()}
    rows = []
    for cpu in ("", " cpu"):
        bt, bo = m.get(f"bare typing{cpu}"), m.get(f"bare modal open{cpu}")
        unit = "CPU ms" if cpu else "ms"
        for case in cases:
            rows += [
                (f"keystroke in the find bar, {case} ({unit})", m.get(f"{case} find typing{cpu}"), bt, "bare Input",
                 "<= 2x"),
                (f"keystroke in the event picker, {case} ({unit})", m.get(f"{case} picker typing{cpu}"), bt,
                 "bare Input", "<= 2x"),
                (f"keystroke in the palette, {case} ({unit})", m.get(f"{case} palette typing{cpu}"), bt, "bare Input",
                 "<= 2x"),
                (f"keystroke in a command's text field, {case} ({unit})", m.get(f"{case} ask typing{cpu}"), bt,
                 "bare Input", "<= 2x"),
                (f"open the event picker, {case} ({unit})", m.get(f"{case} picker open{cpu}"), bo, "bare modal",
                 "< 50 ms" if not cpu else "-"),
                (f"open the palette, {case} ({unit})", m.get(f"{case} palette open{cpu}"), bo, "bare modal",
                 "< 50 ms" if not cpu else "-"),
                (f"open the find bar, {case} ({unit})", m.get(f"{case} find open{cpu}"), bo, "bare modal",
                 "< 50 ms" if not cpu else "-"),
            ]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from run_all import print_table

    print_table(figures(args.runs))


if __name__ == "__main__":
    main()
