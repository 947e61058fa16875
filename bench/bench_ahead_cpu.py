"""CPU of the read-ahead's steps on the 10 MB article's entities (best of 3, gc
off): each piece's columns read and checked (``parse``: as the worker, or the app's
thread from the end, reads them), marshalled (``encode``: the worker's), taken
back and made into the entities (``decode+put``: the app's thread), and the
fragments' arrays of the marks index and the list's rows (``arrays``: made once,
after the read). Run an older checkout's with its own Python from inside it."""
import gc
import sys
import time
from pathlib import Path

import annotator
from annotator import columns
from annotator.articles import read_article
from annotator.model import AnnotationSet, Document
from annotator.schema import default_schema
from annotator.store.direct_bytes import DirectBytes, _decode, _encode
from annotator.store.files import read_yaml_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import ensure  # noqa: E402

d = ensure(10_000_000, 500_000, 50_000, 50_000)[0].parent  # generated once into bench/out/
article = read_article(d / "bench-article.txt")
raw = read_yaml_bytes(d / "annotations/bench-article.yaml")
gc.disable()
out: dict = {}
for _ in range(3):
    r = DirectBytes(raw, "bench")._reader
    how = r.how(article.text, default_schema())
    plan = [p for p in r.ahead_plan() if p[1] == "entities"]
    t0 = time.process_time()
    cols = [r.piece_columns(key, a, b, how) for _tag, key, (a, b) in plan]
    t1 = time.process_time()
    blobs = [_encode(c) for c in cols if c is not None]
    t2 = time.process_time()
    columns.want()
    aset = AnnotationSet(Document(article.text, None, None))
    r.entities_table = aset.entities
    for blob in blobs:
        r.put_entities(aset, _decode(memoryview(blob)))
    t3 = time.process_time()
    noted = columns.of(aset.entities)
    assert noted is not None
    for _piece in noted.chunks("numbers"):
        pass
    t4 = time.process_time()
    columns.forget()
    for k, v in (("parse", t1 - t0), ("encode", t2 - t1), ("decode+put", t3 - t2), ("arrays", t4 - t3)):
        out[k] = min(out.get(k, 9.0), v)
    del aset, cols, blobs, noted
print(Path(annotator.__file__).parent.parent.name, {k: round(v, 3) for k, v in out.items()})
