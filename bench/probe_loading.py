"""Where a key waits while a big article loads: the app's opening thread runs as
in the app (``workspace.Opening`` with the app's ``_prepare``), and this thread
waits in a select() as the UI waits for a key: a short wait (``--tick``) again
and again, and every 20-40 ms a little Python work as a key's (during which the
pace hook makes the load wait, as the app's does).

A wake-up is late for the interpreter, or for a core on a busy machine: the
time this thread waited for a core (``/proc/self/task/*/schedstat``) is taken
off, and the loading thread's own CPU time over the wait
(``time.pthread_getcpuclockid``) shows that it ran. A *hold* is a wake-up late
by over ``--over`` ms so while the loading thread ran for at least 80 % of the
time: it held the interpreter in one call (a C call, or freeing a big object)
that no switch interval cuts.
Prints how late the wake-ups were (all, and holds only), the longest holds
with where the loading thread was just after each (the line after what held
the interpreter) and at the wake-up before (the hold is between the two), the holds summed by place, and the load's wall and CPU time.

``--calls``: the loading thread runs under a profile hook (``threading.setprofile``:
the load is slower, a C call is not), and each hold is put down to what the
loading thread did with no call or return in between, most often one C call
(``dict.update`` at the line that made it). ``--stretches``: the loading
thread's CPU time between two ``pace.pause()`` calls (a key pressed meanwhile
shares the interpreter with it until the next one), the longest with where
they start and end.

    python bench/probe_loading.py [--si 0.00025] [--no-give] [--tick 2] [--over 4] [--calls] [--stretches]
"""

from __future__ import annotations

import argparse
import bisect
import collections
import random
import selectors
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from annotator import pace
from annotator import workspace as W
from annotator.articles import read_article
from annotator.schema import default_schema
from annotator.tui.app import _prepare
from annotator.tui.keygate import SHARED_SWITCH_INTERVAL as LOADING_SWITCH_INTERVAL  # the interval the app shares at

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import ensure  # noqa: E402


def where(frame, depth: int = 3) -> str:
    names = []
    while frame is not None and len(names) < depth:
        names.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(names)


def pct(xs: list[float], q: float) -> float:
    return xs[min(len(xs) - 1, int(len(xs) * q))] if xs else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--si", type=float, default=LOADING_SWITCH_INTERVAL, help="switch interval while loading (default: the app's)")
    ap.add_argument("--no-give", action="store_true", help="no pace hook (the load never waits for a key)")
    ap.add_argument("--tick", type=float, default=2.0, help="ms of each wait (default 2)")
    ap.add_argument("--over", type=float, default=4.0, help="ms late that counts as a hold (default 4)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--ahead", action="store_true",
                    help="the entities read ahead by a worker forked first, as annotate does (store.ahead)")
    ap.add_argument("--calls", action="store_true", help="each hold put down to the call that made it (a profile hook)")
    ap.add_argument("--stretches", action="store_true", help="the loading thread's CPU between two pace.pause() calls")
    args = ap.parse_args()

    src = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent  # generated once into bench/out/
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(src / "annotations", tmp / "annotations")
    art = src / "bench-article.txt"
    doc = read_article(art)
    schema = default_schema()
    if args.ahead:
        from annotator.store import ahead

        ahead.start(tmp / "annotations" / "bench-article.yaml", doc, schema, force=True)
    op = W.Opening(art, tmp / "annotations", schema, doc, user="probe", locked=False, then=_prepare)
    state = {"busy": False}
    stretches: list[tuple[float, str, str]] = []  # (ms of CPU, the pause before, the pause after)
    last_pause: list = [None, "(start)"]

    def give_way() -> None:
        if args.stretches:
            now, at = time.thread_time(), where(sys._getframe(2), 3)
            if last_pause[0] is not None:
                stretches.append(((now - last_pause[0]) * 1000, last_pause[1], at))
            last_pause[1] = at
        start = time.monotonic()
        while state["busy"] and time.monotonic() - start < 0.1:
            time.sleep(0.001)
        if args.stretches:
            last_pause[0] = time.thread_time()

    if not args.no_give or args.stretches:
        pace.set_hook(give_way)
    # --calls: the loading thread's stretches of over 1 ms with no profile event
    # (call, return, C call, C return): their start, end and what bounds them
    gap_from: list[float] = []
    gap_to: list[float] = []
    gap_what: list[str] = []
    if args.calls:
        pc = time.perf_counter
        prev: list = [0.0, "", None]

        def event_at(frame, event: str, arg) -> str:
            name = (getattr(arg, "__qualname__", None) or getattr(arg, "__name__", "?")) if event.startswith("c_") else ""
            return f"{event} {name} at {where(frame, 2)}".replace("  ", " ")

        def profile(frame, event, arg):
            now = pc()
            if now - prev[0] > 0.001 and prev[2] is not None:
                gap_from.append(prev[0])
                gap_to.append(now)
                gap_what.append(f"{event_at(*prev[2])}\n              -> {event_at(frame, event, arg)}")
            prev[2] = (frame, event, arg)
            prev[0] = pc()

        threading.setprofile(profile)
    old = sys.getswitchinterval()
    sys.setswitchinterval(args.si)
    done = threading.Event()
    c0, t0 = time.process_time(), time.perf_counter()
    op.start(done.set)
    loader = op._thread
    assert loader is not None and loader.ident is not None
    clock = time.pthread_getcpuclockid(loader.ident)
    sel = selectors.DefaultSelector()
    a, _b = socket.socketpair()
    sel.register(a, selectors.EVENT_READ)
    tick = args.tick / 1000
    late_all: list[float] = []
    holds: list[tuple[float, str]] = []
    by_place: collections.defaultdict[str, list[float]] = collections.defaultdict(list)
    frames = sys._current_frames
    next_key = time.perf_counter() + random.uniform(0.02, 0.04)
    before = "(start)"
    held: list[tuple[float, float, float]] = []  # (from, to, ms late) of each hold

    def work() -> int:
        x = 0
        for i in range(20000):
            x += i
        return x

    stat = open(f"/proc/self/task/{threading.get_native_id()}/schedstat", "rb", buffering=0)

    def queued() -> float:
        """ms this thread has waited for a core (runnable, not running), in all"""
        stat.seek(0)
        return int(stat.read().split()[1]) / 1e6

    while not done.is_set():
        q0 = queued()
        try:
            cpu0 = time.clock_gettime(clock)
        except OSError:
            break  # the thread is gone
        t = time.perf_counter()
        sel.select(tick)
        woke = time.perf_counter()
        try:
            ran = time.clock_gettime(clock) - cpu0
        except OSError:
            break
        # late, less the time this thread waited for a core: the wait for the interpreter
        late = (woke - t - tick) * 1000 - (queued() - q0)
        late_all.append(max(late, 0.0))
        fr = frames().get(loader.ident)
        now = where(fr, 2) if fr is not None else "(gone)"
        if late > args.over and ran * 1000 >= 0.8 * (woke - t) * 1000 - args.tick:
            holds.append((late, f"{now}\n            (before it: {before})"))
            by_place[now.split(" < ")[0]].append(late)
            held.append((t + tick, woke, late))
        before = now
        if woke >= next_key:  # a key: the load waits while it is handled (the pace hook)
            state["busy"] = True
            work()
            state["busy"] = False
            next_key = time.perf_counter() + random.uniform(0.02, 0.04)
    ws = op.wait()
    threading.setprofile(None)  # (--calls: set until the loading thread is done, which reads it as it starts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    sys.setswitchinterval(old)
    pace.set_hook(None)
    late_all.sort()
    hl = sorted(h for h, _ in holds)
    print(
        f"si={args.si} give={not args.no_give} loaded {wall:.2f} s wall, {cpu:.2f} s CPU, error={op.error!r}\n"
        f"wake-ups {len(late_all)}: late median {pct(late_all, .5):.1f} p95 {pct(late_all, .95):.1f} "
        f"p99 {pct(late_all, .99):.1f} max {late_all[-1] if late_all else 0:.1f} ms\n"
        f"holds (late > {args.over:g} ms, the loader running): {len(hl)}, "
        f"median {pct(hl, .5):.1f} max {hl[-1] if hl else 0:.1f} ms, {sum(hl):.0f} ms in all"
    )
    print("longest holds (where the loading thread was just after):")
    for ms, place in sorted(holds, reverse=True)[: args.top]:
        print(f"  {ms:5.1f} ms  {place}")
    print("by place (count, max, sum ms):")
    for place, xs in sorted(by_place.items(), key=lambda kv: -max(kv[1]))[: args.top]:
        print(f"  {len(xs):4d} {max(xs):6.1f} {sum(xs):7.1f}  {place}")
    if args.calls:
        print("holds by what the loading thread did meanwhile (count, max, sum ms):")
        by_call: collections.defaultdict[str, list[float]] = collections.defaultdict(list)
        for a, b, ms in held:
            i = bisect.bisect_right(gap_from, b) - 1
            best = (0.0, "(no one stretch: Python code, or several calls)")
            while i >= 0 and gap_to[i] > a:
                overlap = min(b, gap_to[i]) - max(a, gap_from[i])
                if overlap > best[0] and overlap > 0.5 * (b - a):
                    best = (overlap, gap_what[i])
                i -= 1
            by_call[best[1]].append(ms)
        for what, xs in sorted(by_call.items(), key=lambda kv: -max(kv[1]))[: args.top]:
            print(f"  {len(xs):4d} {max(xs):6.1f} {sum(xs):7.1f}  {what}")
    if args.stretches and stretches:
        stretches.sort(reverse=True)
        cpu_ms = [ms for ms, _, _ in stretches]
        print(f"CPU between two pauses: {len(cpu_ms)} stretches, median {cpu_ms[len(cpu_ms) // 2]:.2f} "
              f"p99 {cpu_ms[len(cpu_ms) // 100]:.2f} max {cpu_ms[0]:.1f} ms; the longest (ms, from, to):")
        by_pair: collections.defaultdict[tuple[str, str], list[float]] = collections.defaultdict(list)
        for ms, a, b in stretches:
            by_pair[(a, b)].append(ms)
        for (a, b), xs in sorted(by_pair.items(), key=lambda kv: -max(kv[1]))[: args.top]:
            print(f"  {len(xs):4d} {max(xs):6.1f}  {a}\n              -> {b}")
    if ws is not None:
        ws.close(save=False)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
