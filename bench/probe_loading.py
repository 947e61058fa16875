"""Where a key waits while a big article loads: the app's opening thread (and,
with LAYOUT=thread, a layout thread beside it) runs as in the app; this thread
wakes every 20-40 ms from a select() (as the UI waits for a key), and records
how late it woke plus how long a little Python work took. For each wait over
8 ms it prints where the other threads were (just after what held the
interpreter). Prints the load's wall and CPU time.

    SI=0.001 LAYOUT=none GIVE=1 python bench/probe_loading.py

SI: the switch interval; LAYOUT: none (the app now) or thread (the layout beside
the load, as before); GIVE: the pace hook (waits while this thread "handles a key")."""
import sys, time, threading, selectors, socket, random, collections, shutil, tempfile, os, gc
from pathlib import Path
from annotator import pace
from annotator.tui.app import _prepare
from annotator import workspace as W
from annotator.schema import default_schema
from annotator.articles import read_article
from annotator.tui.article_layout import ArticleLayout

SI = float(os.environ.get("SI", "0.001"))
LAYOUT = os.environ.get("LAYOUT", "none")  # none (the app) | thread
GIVE = os.environ.get("GIVE", "1") == "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import ensure  # noqa: E402

src = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent  # generated once into bench/out/
tmp = Path(tempfile.mkdtemp())
shutil.copytree(src / "annotations", tmp / "annotations")
art = src / "bench-article.txt"
schema = default_schema()
doc = read_article(art)
op = W.Opening(art, tmp / "annotations", schema, doc, user="probe", locked=False, then=_prepare)
state = {"input_at": 0.0, "busy": False}
def give_way():
    start = time.monotonic()
    while state["busy"] and time.monotonic() - start < 0.1:
        time.sleep(0.001)
if GIVE:
    pace.set_hook(give_way)
old = sys.getswitchinterval(); sys.setswitchinterval(SI)
done = threading.Event()
c0 = time.process_time(); t0 = time.perf_counter()
op.start(done.set)
if LAYOUT == "thread":
    geo = ArticleLayout(doc.text)
    threading.Thread(target=lambda: geo.rest(118), daemon=True).start()
sel = selectors.DefaultSelector()
a, b = socket.socketpair()
sel.register(a, selectors.EVENT_READ)
lat = []; where = collections.Counter()
main_id = threading.main_thread().ident
def work():
    x = 0
    for i in range(20000): x += i
    return x
while not done.is_set():
    d = random.uniform(0.02, 0.04)
    t = time.perf_counter()
    sel.select(d)
    woke = time.perf_counter()
    late = woke - t - d
    state["busy"] = True
    w0 = time.perf_counter(); work(); w = time.perf_counter() - w0
    state["busy"] = False
    tot = max(late, 0) + w
    lat.append(tot * 1000)
    if tot > 0.008:
        for tid, fr in sys._current_frames().items():
            if tid == main_id: continue
            f = fr; names = []
            while f is not None and len(names) < 3:
                names.append(f"{Path(f.f_code.co_filename).name}:{f.f_lineno}:{f.f_code.co_name}")
                f = f.f_back
            where[(round(tot*1000), " < ".join(names))] += 1
wall = time.perf_counter() - t0; cpu = time.process_time() - c0
sys.setswitchinterval(old)
lat.sort()
base = 0
w0 = time.perf_counter(); work(); base = (time.perf_counter() - w0) * 1000
print(f"SI={SI} LAYOUT={LAYOUT} GIVE={GIVE} loaded {wall:.2f}s cpu {cpu:.2f}s samples {len(lat)} "
      f"median {lat[len(lat)//2]:.1f} p95 {lat[int(len(lat)*.95)]:.1f} max {lat[-1]:.1f} ms (work alone {base:.1f} ms) err={op.error}")
for (ms, k), n in sorted(where.items(), key=lambda kv: -kv[0][0])[:25]:
    print(f"  {ms:4d} ms  {k}")
shutil.rmtree(tmp)
