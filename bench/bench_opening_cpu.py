"""CPU of the app's opening work on the 10 MB article after store.read: Session
(MarkIndex + counts), the list's rows, the referrer index; best of 3, gc off.
Run an older checkout's with PYTHONPATH=that/checkout from outside this one."""
import gc, sys, time
from pathlib import Path
import annotator
from annotator import store
from annotator.articles import read_article
from annotator.schema import default_schema
from annotator.marks import MarkIndex
from annotator.session import Session
from annotator.tui.widgets import AnnotationList
from annotator.referrers import for_session
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import ensure  # noqa: E402

d = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent  # generated once into bench/out/
schema = default_schema()
try:  # (a checkout whose steps read the reader's columns: noted as the app's opening asks)
    from annotator import columns
    columns.want()
except ImportError:
    columns = None
r = store.read(d / "annotations/bench-article.yaml", article=read_article(d / "bench-article.txt"), schema=schema, editing=True)
aset = r.aset
gc.disable()
out = {}
if columns is not None:  # the arrays made of them again each run (once a read in the app)
    noted = columns._noted[:]
for _ in range(3):
    if columns is not None:
        columns._noted[:] = noted  # each run as the app's one: the arrays made again
    t0 = time.process_time(); m = MarkIndex.build(aset)
    if columns is not None:
        columns._noted[:] = noted
    t1 = time.process_time(); s = Session(aset, schema)
    # (as the app's opening: with the entities' columns as the session checked them, if it keeps them)
    t2 = time.process_time(); rows = AnnotationList.rows_of(aset, *([s.take_entity_columns()] if hasattr(s, "take_entity_columns") else []))
    t3 = time.process_time(); for_session(s)
    t4 = time.process_time()
    for k, v in (("build", t1 - t0), ("Session", t2 - t1), ("rows_of", t3 - t2), ("referrers", t4 - t3), ("Session+rows+refs", t4 - t1)):
        out[k] = min(out.get(k, 9), v)
print(Path(annotator.__file__).parent.parent.name, {k: round(v, 3) for k, v in out.items()})
