"""Where compiling the direct reader's patterns pays: their compile (CPU, all of
them, ``re.purge()`` before each), and the seed's annotation file read the
general way and the direct way (patterns compiled), in one process; the
break-even is the characters of files whose direct read saves the compile,
against ``store.tree.COMPILE_COST`` (``direct_reader.worth_compiling``).

    python bench/bench_compile_cost.py [ROUNDS]
"""
import re, statistics, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.store import direct_tokens as dt, reader, tree  # noqa: E402

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
schema = default_schema()
article = read_article(ROOT / "seeds" / "sdf-captures-deir-el-zor.txt")
path = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
text = path.read_text(encoding="utf-8")
sources = {n: (v.source, v.flags) for n, v in vars(dt).items() if type(v) is dt._LazyPattern}


def compile_all() -> float:
    re.purge()
    t = time.process_time()
    for source, flags in sources.values():
        re.compile(source, flags)
    return time.process_time() - t


def read(direct: bool, n: int = 20) -> float:
    """CPU of one ``store.read`` of the seed's file, the direct way or the general way."""
    real = reader.worth_compiling
    reader.worth_compiling = lambda size: direct
    try:
        t = time.process_time()
        for _ in range(n):
            store.read(path, text=text, article=article, schema=schema)
        return (time.process_time() - t) / n
    finally:
        reader.worth_compiling = real


cost = statistics.median(compile_all() for _ in range(rounds))
for name, (source, flags) in sources.items():
    setattr(dt, name, re.compile(source, flags))  # (compiled: the direct reads below pay none)
general = statistics.median(read(False) for _ in range(rounds))
direct = statistics.median(read(True) for _ in range(rounds))
saved = (general - direct) / len(text)
print(f"compile of the {len(sources)} patterns: {cost * 1000:.1f} ms CPU (median of {rounds})")
print(f"the seed's file ({len(text):,} characters): general way {general * 1000:.2f} ms, direct {direct * 1000:.2f} ms CPU")
print(f"break-even: {cost / saved:,.0f} characters read the direct way (COMPILE_COST {tree.COMPILE_COST:,})")
