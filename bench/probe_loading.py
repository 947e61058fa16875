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

    python bench/probe_loading.py [--si 0.00025] [--no-give] [--tick 2] [--over 4]
"""

from __future__ import annotations

import argparse
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

    def give_way() -> None:
        start = time.monotonic()
        while state["busy"] and time.monotonic() - start < 0.1:
            time.sleep(0.001)

    if not args.no_give:
        pace.set_hook(give_way)
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
        before = now
        if woke >= next_key:  # a key: the load waits while it is handled (the pace hook)
            state["busy"] = True
            work()
            state["busy"] = False
            next_key = time.perf_counter() + random.uniform(0.02, 0.04)
    ws = op.wait()
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
    if ws is not None:
        ws.close(save=False)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
