"""`annotator train`: a spaCy pipeline fitted on the accepted annotations of folders.

From a blank English pipeline on the CPU: spaCy's own quickstart config for
``ner`` (the non-overlapping entities, longest first) and ``spancat`` (every
entity, so nested and overlapping labels are learned too: "Syrian" NORP inside
"Syrian government forces" ORG), trained with spaCy's training loop
(``spacy.training.loop.train``) on DocBin files written to a temporary folder.
Progress goes to a callback through a spaCy logger registered here.

Beside the pipeline, ``annotator-lexicon.json`` keeps what the rules learn from
the same gold (names, triggers, attribution cues, sources, content shapes: see
``learned.py``), so ``--with spacy:MODEL_DIR`` suggests events and attributions
with it, and ``--with rules --learn-from MODEL_DIR`` uses it too.

spaCy is an optional extra: ``require_spacy`` raises the one-line InputError.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InputError
from ..model import ACCEPTED, AnnotationSet
from .learned import Knowledge

INSTALL_HINT = "spaCy is not installed; install it with: pip install 'annotator[spacy]'"
SPANS_KEY = "sc"
#: paragraphs (training docs) per training step
BATCH = 8
LOGGER = "annotator.progress.v1"

#: ``progress(info)``: info has ``step``, ``max_steps``, ``epoch``, ``losses``, ``score``
TrainProgress = Callable[[dict], None]


def require_spacy(where: str = "annotator train"):
    """spaCy, or the one-line InputError saying what to install."""
    try:
        import spacy  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise InputError(where, INSTALL_HINT) from None
    return spacy


@dataclass
class TrainReport:
    model_dir: Path
    articles: int
    docs: int
    entities: int
    labels: list[str]
    steps: int = 0
    seconds: float = 0.0
    scores: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the scores are on the training docs themselves (too few to hold a tenth out)
    dev_is_train: bool = False


def gold_sets(folders: Iterable[str | Path], schema) -> tuple[list[AnnotationSet], list[str]]:
    """The annotation sets of the annotation files of ``folders`` with their articles,
    found as every command finds them (``store.files.annotation_files_in``: subfolders
    too, as ``annotator import`` writes them; hidden files and other YAML, such as
    ``schemas/``, left out); a file that cannot be read is a note, not the end."""
    from .. import store
    from ..store.files import annotation_files_in

    sets: list[AnnotationSet] = []
    notes: list[str] = []
    unknown: list[str] = []  # of each file skipped for labels or types the schema lacks: the first
    folders = [Path(f) for f in folders]
    for folder in folders:
        if not folder.is_dir():
            raise InputError(str(folder), "is not a folder of annotation files")
        for path in (Path(q) for q, _key in annotation_files_in(folder)[0]):
            try:
                sets.append(store.read(path, schema=schema).checked())
            except Exception as exc:  # noqa: BLE001 - one bad file is reported and skipped
                msg = str(getattr(exc, "message", "") or exc).strip().splitlines()
                notes.append(f"{path}: skipped: {msg[0] if msg else type(exc).__name__}")
                lacks = [p for p in getattr(exc, "problems", None) or [] if "is not in the schema" in p.message]
                if lacks:
                    unknown.append(f"{lacks[0].path}:{lacks[0].line}: {lacks[0].message}")
    if not sets and unknown:
        label = re.search(r"'([^']+)' is not in the schema", unknown[0])
        schemas = [p for f in folders for p in _import_schemas(f, label.group(1) if label else None)]
        hint = f"--schema {schemas[0]} (the schema import wrote)" if len(schemas) == 1 else "--schema FILE (the schema import wrote under DIR/schemas/)"
        if len(schemas) > 1:
            hint += f": {', '.join(map(str, schemas))}"
        where = " ".join(str(f) for f in folders)
        raise InputError(
            where,
            f"no annotation files to learn from: {len(unknown)} of {len(notes)} skipped for labels the schema "
            f"lacks (first: {unknown[0]}); give the schema they use with {hint}",
        )
    return sets, notes


def _import_schemas(folder: Path, label: str | None) -> list[Path]:
    """The schemas ``annotator import`` wrote for the files of ``folder``: those of
    its ``schemas/`` (``DIR/schemas/*.yaml``); when none there declares ``label``, those
    of the nearest folder above it whose ``schemas/`` does (``train annotations/news``
    of an import into ``annotations/``: ``annotations/schemas/news.yaml``)."""
    from ..schema import load_schema

    def declaring(where: Path) -> list[Path]:
        out = []
        for path in sorted((where / "schemas").glob("*.yaml")):
            try:
                got = load_schema(path)
            except InputError:
                continue
            if label is None or got.has_entity(label) or got.has_event(label) or label in got.relation_types:
                out.append(path)
        return out

    own = sorted((folder / "schemas").glob("*.yaml"))
    if label is None:
        return own
    for where in (folder, *folder.parents):
        found = declaring(where)
        if found:
            return found
    return own


def paragraphs(text: str, size: int = 400) -> Iterable[tuple[int, int]]:
    """(start, end) pieces of ``text`` cut at line breaks, about ``size`` characters."""
    n = len(text)
    start = 0
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.find("\n", end)
            end = n if cut < 0 else cut + 1
        yield start, end
        start = end


def to_docs(nlp, asets: Iterable[AnnotationSet]) -> tuple[list, int]:
    """Training Docs (a paragraph each): accepted entities in ``doc.spans["sc"]`` and the
    longest non-overlapping of them in ``doc.ents``. Returns (docs, entities used)."""
    from spacy.util import filter_spans

    docs = []
    used = 0
    for aset in asets:
        text = aset.document.text
        ents = sorted(
            (e for e in aset.entities.values() if e.status == ACCEPTED and not e.span.discontinuous),
            key=lambda e: (e.start, -e.end),
        )
        k = 0
        for ps, pe in paragraphs(text):
            while k < len(ents) and ents[k].start < ps:
                k += 1
            mine = []
            j = k
            while j < len(ents) and ents[j].start < pe:
                if ents[j].end <= pe:
                    mine.append(ents[j])
                j += 1
            piece = text[ps:pe]
            if not piece.strip():
                continue
            doc = nlp.make_doc(piece)
            spans = []
            for e in mine:
                sp = doc.char_span(e.start - ps, e.end - ps, label=e.label, alignment_mode="expand")
                if sp is not None:
                    spans.append(sp)
            doc.spans[SPANS_KEY] = spans
            doc.ents = filter_spans(spans)
            used += len(spans)
            docs.append(doc)
    return docs, used


def config(labels: list[str], *, max_steps: int, max_epochs: int, seed: int = 0):
    """spaCy's quickstart config for ner + spancat (CPU, efficiency), set for our data."""
    from spacy.cli.init_config import init_config

    cfg = init_config(lang="en", pipeline=["ner", "spancat"], optimize="efficiency", gpu=False)
    cfg["components"]["spancat"]["suggester"]["sizes"] = [1, 2, 3, 4, 5]
    t = cfg["training"]
    t["max_steps"] = max_steps
    t["max_epochs"] = max_epochs
    t["patience"] = max_steps  # stop at max_steps (or max_epochs), not earlier
    t["eval_frequency"] = max(10, max_steps // 20)  # progress is reported at each evaluation
    t["seed"] = seed
    t["logger"] = {"@loggers": LOGGER}
    cfg["system"]["seed"] = seed
    cfg["nlp"]["batch_size"] = 64
    # A step is a batch of BATCH paragraphs. (Sized in words, as the quickstart's
    # batcher is, a batch of 4 to 64 words held one paragraph: 300 steps were 300
    # paragraphs, under three passes over 40 news articles, and the model stayed
    # far from fitted; see bench/bench_learning.py.)
    t["batcher"] = {"@batchers": "spacy.batch_by_sequence.v1", "size": BATCH, "get_length": None}
    return cfg


_progress: list[TrainProgress | None] = [None]


def _register_logger(spacy) -> None:
    if LOGGER in spacy.registry.loggers:
        return

    @spacy.registry.loggers(LOGGER)
    def _make():
        def setup(nlp, stdout=None, stderr=None):
            def log_step(info):
                cb = _progress[0]
                if info is not None and cb is not None:
                    cb(info)

            return log_step, lambda: None

        return setup


def train(
    folders: Iterable[str | Path],
    model_dir: str | Path,
    schema,
    *,
    max_steps: int = 300,
    max_epochs: int = 0,
    seed: int = 0,
    progress: TrainProgress | None = None,
    sets: list[AnnotationSet] | None = None,
) -> TrainReport:
    """Fit ner + spancat on the accepted entities of ``folders`` (or ``sets``) and save
    the pipeline and the learned lexicon in ``model_dir``."""
    import time

    spacy = require_spacy()
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as spacy_train

    notes: list[str] = []
    if sets is None:
        sets, notes = gold_sets(folders, schema)
    if not sets:
        raise InputError(" ".join(str(f) for f in folders) or "annotator train", "no annotation files to learn from")
    blank = spacy.blank("en")
    docs, used = to_docs(blank, sets)
    labels = sorted({sp.label_ for d in docs for sp in d.spans[SPANS_KEY]})
    if not labels:
        raise InputError(" ".join(str(f) for f in folders), "no accepted entities to learn from")
    rng = random.Random(seed)
    rng.shuffle(docs)
    # A dev set for spaCy's evaluation (model-best): a tenth, or the training docs when few.
    n_dev = len(docs) // 10 if len(docs) >= 20 else 0
    dev, trn = docs[:n_dev] or docs, docs[n_dev:]
    model_dir = Path(model_dir)
    if model_dir.exists() and not model_dir.is_dir():
        raise InputError(str(model_dir), "is not a folder (-o)")
    _register_logger(spacy)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as tmp:
        tmp = Path(tmp)
        DocBin(docs=trn, store_user_data=False).to_disk(tmp / "train.spacy")
        DocBin(docs=dev, store_user_data=False).to_disk(tmp / "dev.spacy")
        cfg = config(labels, max_steps=max_steps, max_epochs=max_epochs, seed=seed)
        cfg["paths"]["train"] = str(tmp / "train.spacy")
        cfg["paths"]["dev"] = str(tmp / "dev.spacy")
        steps = [0]

        def on_step(info: dict) -> None:
            steps[0] = info.get("step", steps[0])
            if progress is not None:
                progress(dict(info, max_steps=max_steps))

        _progress[0] = on_step
        try:
            nlp = init_nlp(cfg, use_gpu=-1)
            out = tmp / "out"
            out.mkdir()
            spacy_train(nlp, out, use_gpu=-1, stdout=_Null(), stderr=_Null())
        finally:
            _progress[0] = None
        best = out / "model-best"
        if not best.is_dir():
            best = out / "model-last"
        model_dir.mkdir(parents=True, exist_ok=True)
        for child in best.iterdir():
            target = model_dir / child.name
            if target.is_dir():
                shutil.rmtree(target)
            if child.is_dir():
                shutil.copytree(child, target)
            else:
                shutil.copy2(child, target)
    seconds = time.perf_counter() - t0
    know = Knowledge()
    for aset in sets:
        know.learn_set(aset)
    know.save(model_dir)
    scores = {}
    try:
        import json

        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        scores = {k: v for k, v in (meta.get("performance") or {}).items() if isinstance(v, (int, float))}
    except (OSError, ValueError):
        pass
    return TrainReport(model_dir, len(sets), len(docs), used, labels, steps[0], seconds, scores, notes, n_dev == 0)


class _Null:
    """A stream that drops spaCy's own console output (the caller shows progress)."""

    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


__all__ = ["train", "TrainReport", "require_spacy", "gold_sets", "to_docs", "INSTALL_HINT"]
