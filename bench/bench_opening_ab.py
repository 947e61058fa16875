"""CPU of the app's opening tail on the 10 MB article (Session, the list's rows as the
app makes them, the referrer index) of an older checkout and of this one, alternated
round by round in ONE process (each its own read of the file), gc off: a busy machine
weighs on both alike, where two processes run one after the other see different spells.

    python bench/bench_opening_ab.py OLD_CHECKOUT [ROUNDS]

The older checkout's ``annotator`` is copied to a temporary folder as the package
``annotator_old`` (its one absolute module name, in ``lazy``, renamed). Prints the
medians of the rounds and the least tail of each."""
import gc, importlib, shutil, statistics, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from gen import ensure  # noqa: E402

old_root = Path(sys.argv[1]).resolve()
tmp = Path(tempfile.mkdtemp(prefix="opening-ab-"))
shutil.copytree(old_root / "annotator", tmp / "annotator_old", ignore=shutil.ignore_patterns("__pycache__"))
lazy = tmp / "annotator_old" / "lazy.py"
lazy.write_text(lazy.read_text().replace('"annotator.columns"', '"annotator_old.columns"'))
sys.path.insert(0, str(tmp))
d = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent
def setup(pkg):
    m = lambda n: importlib.import_module(f"{pkg}.{n}")
    store, columns = m("store"), m("columns")
    schema = m("schema").default_schema()
    columns.want()
    r = store.read(d / "annotations/bench-article.yaml", article=m("articles").read_article(d / "bench-article.txt"), schema=schema, editing=True)
    noted = columns._noted[:]
    Session, AL, for_session = m("session").Session, m("tui.widgets").AnnotationList, m("referrers").for_session
    def tail():
        columns._noted[:] = noted
        t0 = time.process_time()
        s = Session(r.aset, schema)
        t1 = time.process_time()
        take = getattr(s, "take_entity_columns", None)
        rows = AL.rows_of(r.aset, take()) if take else AL.rows_of(r.aset)
        t2 = time.process_time()
        for_session(s)
        t3 = time.process_time()
        return t1 - t0, t2 - t1, t3 - t2, t3 - t0
    return tail
old, new = setup("annotator_old"), setup("annotator")
gc.disable()
res = {"old": [], "new": []}
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 6):
    for name, f in (("old", old), ("new", new)) if i % 2 == 0 else (("new", new), ("old", old)):
        res[name].append(f())
for name, v in res.items():
    cols = list(zip(*v))
    print(name, "Session %.3f rows_of %.3f referrers %.3f tail %.3f (medians of %d)" % (*(statistics.median(c) for c in cols), len(v)),
          "| min tail %.3f" % min(cols[3]))
shutil.rmtree(tmp, ignore_errors=True)
