"""CPU of ``suggest``'s merge on the 1 MB article with its own 50,000 entities
(``gen.ensure(1_000_000, 50_000)``), of an older checkout and of this one,
alternated round by round in ONE process, gc off: the set read and the rules'
proposals made once (by this checkout), then each checkout's ``merge`` of them in
turn. Also says whether the two gave the same suggestions (ids and fields).

    python bench/bench_merge_ab.py OLD_CHECKOUT [ROUNDS]

The older checkout's ``annotator/suggest/base.py`` (where the merge is) is loaded
as a module of this checkout's package, ``annotator.suggest.base_before``, so that
both merge the same objects (the same model classes). Prints the medians."""
import gc, importlib.util, statistics, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from gen import ensure  # noqa: E402

article, ann = ensure(1_000_000, 50_000)
from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.suggest import get_suggester  # noqa: E402

schema = default_schema()
aset = store.read(ann / (article.stem + ".yaml"), article=read_article(article), schema=schema).aset
proposals = get_suggester("rules", schema, ann, []).propose(aset.copy()).annotations
spec = importlib.util.spec_from_file_location("annotator.suggest.base_before", Path(sys.argv[1]) / "annotator/suggest/base.py")
before = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = before  # (its dataclasses look their module up)
spec.loader.exec_module(before)
from annotator.suggest import base  # noqa: E402

merges = {"old": before.merge, "new": base.merge}
gc.disable()
res: dict = {"old": [], "new": []}
got: dict = {}
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 15):
    for name in ("old", "new") if i % 2 == 0 else ("new", "old"):
        t = time.process_time()
        new = merges[name](aset, proposals, "rules")
        res[name].append(time.process_time() - t)
        got[name] = [(a.id, repr(a)) for a in new]
        del new
for name, v in res.items():
    print(f"{name}: merge {statistics.median(v):.3f} s CPU (median of {len(v)}, least {min(v):.3f})")
print(f"{len(got['new'])} suggestions,", "the same" if got["old"] == got["new"] else "NOT THE SAME")
