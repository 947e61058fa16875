"""What the rules learn from annotation files: names and their labels, triggers,
attribution cues, sources and content shapes.

Learned from the annotations folder (every file but the article's own), from the
folders given with ``--learn-from``, and saved beside a trained model
(``annotator-lexicon.json``, written by ``annotator train``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from ..errors import InputError
from ..model import ACCEPTED, REJECTED, AnnotationSet, Attribution, Ref, Span

# -- what was learned from accepted annotations -----------------------------------------

_COUNT = itemgetter(1)


def most_common(votes: dict[str, int]) -> tuple[str, int]:
    """``Counter.most_common(1)[0]`` of a text's votes, which is ``max()`` of the items
    (the first of equal counts), without its call to ``heapq`` (10,000 learned names
    on 1 MB, one label each the most often)."""
    return next(iter(votes.items())) if len(votes) == 1 else max(votes.items(), key=_COUNT)


@dataclass
class Knowledge:
    """Facts learned from annotation files: surface text -> label / event type votes,
    attribution cues, sources and the shapes each cue was used in."""

    entities: dict[str, Counter] = field(default_factory=dict)
    rejected: set[tuple[str, str]] = field(default_factory=set)
    triggers: dict[str, Counter] = field(default_factory=dict)
    cues: set[str] = field(default_factory=set)
    #: source phrases of accepted attributions (a span's text, or the entity's)
    sources: set[str] = field(default_factory=set)
    #: cue (case-folded) -> shape -> how many accepted attributions had it (see attributions.py)
    cue_shapes: dict[str, Counter] = field(default_factory=dict)

    def learn_trigger(self, text: str, type_: str) -> None:
        self.triggers.setdefault(text.casefold(), Counter())[type_] += 1

    def learn_set(self, aset: AnnotationSet) -> None:
        # each contiguous entity: an accepted one's text votes for its label, a rejected
        # one's (text, label) is noted (inline: an article's own 50,000 entities are
        # learned on every suggest, 131 -> 75 ms against a method call each)
        names, rejected = self.entities, self.rejected
        for e in aset.entities.values():
            span = e.span
            if len(span.fragments) > 1:
                continue
            status = e.status
            if status == ACCEPTED:
                votes = names.get(span.text)
                if votes is None:
                    votes = names[span.text] = Counter()
                votes[e.label] += 1
            elif status == REJECTED:
                rejected.add((span.text, e.label))
        for ev in aset.events.values():
            if ev.status == ACCEPTED and not ev.trigger.discontinuous:
                self.learn_trigger(ev.trigger.text, ev.type)
        for at in aset.attributions.values():
            if at.status != ACCEPTED or at.cue is None or at.cue.discontinuous:
                continue
            cue = at.cue.text.casefold()
            self.cues.add(cue)
            source = at.source
            if isinstance(source, Ref):
                source = aset.entities.get(source.ref)
                source = source.span if source is not None else None
            if isinstance(source, Span) and not source.discontinuous and len(source.text.split()) > 1:
                self.sources.add(source.text)  # one word ("he", "Abdi") says little on its own
            shape = attribution_shape(at, source)
            if shape is not None:
                # "told Reuters": the shape is learned for the cue word as the rules match it
                self.cue_shapes.setdefault(cue.split()[0] if cue.split()[0] in ("told", "tells") else cue, Counter())[shape] += 1

    def update(self, other: "Knowledge") -> None:
        for text, votes in other.entities.items():
            self.entities.setdefault(text, Counter()).update(votes)
        self.rejected |= other.rejected
        for text, votes in other.triggers.items():
            self.triggers.setdefault(text, Counter()).update(votes)
        self.cues |= other.cues
        self.sources |= other.sources
        for cue, shapes in other.cue_shapes.items():
            self.cue_shapes.setdefault(cue, Counter()).update(shapes)

    # -- saved beside a trained model (``annotator train``) -------------------------------
    def to_json(self) -> dict:
        return {
            "format": LEXICON_FORMAT,
            "entities": {t: dict(v) for t, v in sorted(self.entities.items())},
            "rejected": sorted([t, lab] for t, lab in self.rejected),
            "triggers": {t: dict(v) for t, v in sorted(self.triggers.items())},
            "cues": sorted(self.cues),
            "sources": sorted(self.sources),
            "cue_shapes": {c: dict(v) for c, v in sorted(self.cue_shapes.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> "Knowledge":
        if not isinstance(data, dict) or data.get("format") != LEXICON_FORMAT:
            raise ValueError(f"not an {LEXICON_FORMAT} file")
        return cls(
            {t: Counter(v) for t, v in data.get("entities", {}).items()},
            {(t, lab) for t, lab in data.get("rejected", [])},
            {t: Counter(v) for t, v in data.get("triggers", {}).items()},
            set(data.get("cues", [])),
            set(data.get("sources", [])),
            {c: Counter(v) for c, v in data.get("cue_shapes", {}).items()},
        )

    def save(self, folder: Path) -> Path:
        path = Path(folder) / LEXICON_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, folder: Path) -> "Knowledge":
        path = Path(folder) / LEXICON_FILE
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(str(path), f"cannot read the learned lexicon: {exc}") from None


LEXICON_FORMAT = "annotator-lexicon/1"
LEXICON_FILE = "annotator-lexicon.json"


def attribution_shape(at: Attribution, source: Span | None) -> str | None:
    """How an attribution is laid out around its cue (the rule names of attributions.py)."""
    cue, content = at.cue, at.content
    if cue is None or content is None:
        return None
    if cue.text.casefold() == "according to":
        return "according-to"
    if content.end <= cue.start:
        return "source-after-cue" if source is not None and source.start >= cue.end else "content-first"
    if content.start >= cue.end:
        return "content-after"
    return None


@dataclass
class _FileFacts:
    path: Path
    sha256: str | None
    knowledge: Knowledge


def read_facts(path: Path) -> _FileFacts:
    """What one annotation file teaches. Only the file's own ``text`` fields are
    needed, so its article is not read (it may have moved or changed)."""
    from .. import store

    got = store.read(path, text=Path(path).read_text(encoding="utf-8"))
    aset, probs = got.aset, got.problems
    if aset is None:
        raise ValueError(probs[0].message if probs else "not an annotation file")
    k = Knowledge()
    k.learn_set(aset)
    return _FileFacts(Path(path), aset.document.sha256, k)


_CACHE: "OrderedDict[Path, tuple[tuple[int, int], _FileFacts]]" = OrderedDict()
_CACHE_SIZE = 4096
_CACHE_LOCK = threading.Lock()


def cached_facts(path: Path) -> _FileFacts:
    """``read_facts``, kept while the file's size and mtime stay the same: the app
    suggests on every article it opens, and the folder's other files rarely change
    in between (a worker thread may ask: the cache is locked)."""
    path = Path(path)
    st = path.stat()
    stamp = (st.st_size, st.st_mtime_ns)
    with _CACHE_LOCK:
        hit = _CACHE.get(path)
        if hit is not None and hit[0] == stamp:
            _CACHE.move_to_end(path)
            return hit[1]
    facts = read_facts(path)
    with _CACHE_LOCK:
        _CACHE[path] = (stamp, facts)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return facts


_SHA_LINE = re.compile(r"^\s*sha256:\s*['\"]?([0-9a-fA-F]{64})", re.M)


def peek_sha256(path: Path) -> str | None:
    """The ``document.sha256`` near the top of an annotation file, without parsing it all."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(2048)
    except OSError:
        return None
    m = _SHA_LINE.search(head)
    return m.group(1).lower() if m else None


class FolderFacts:
    """What the annotation files of a folder teach, each file read once and only
    when needed: the article's own file is recognised by its sha256 and not read.
    The files are those every command finds (``store.files.annotation_files_in``:
    subfolders too, as ``annotator import`` writes them; hidden files and other
    YAML, such as ``schemas/``, left out)."""

    def __init__(self, folder: Path | None):
        self.notes: list[str] = []
        self.paths: list[Path] = []
        if folder is not None and Path(folder).is_dir():
            try:
                self.paths = _annotation_files(Path(folder))
            except InputError as exc:  # a folder that cannot be listed: nothing learned, and said
                self.notes.append(f"{exc.where}: not learned from: {exc.problem}")
        self._peeked = {p: peek_sha256(p) for p in self.paths}
        self._facts: dict[Path, _FileFacts | None] = {}

    def others(self, sha256: str | None) -> list[_FileFacts]:
        """Facts of every file not about the article with ``sha256``."""
        out: list[_FileFacts] = []
        for p in self.paths:
            if sha256 is not None and self._peeked[p] == sha256.lower():
                continue
            if p not in self._facts:
                try:
                    self._facts[p] = cached_facts(p)
                except Exception as exc:  # noqa: BLE001 - a broken file must not stop suggesting
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    self.notes.append(f"{p}: not learned from: {first}")
                    self._facts[p] = None
            f = self._facts[p]
            if f is not None and not (sha256 is not None and f.sha256 == sha256):
                out.append(f)
        return out


def _annotation_files(folder: Path) -> list[Path]:
    from ..store.files import annotation_files_in

    return [Path(q) for q, _key in annotation_files_in(folder)[0]]


def learn_from(folders) -> tuple[Knowledge, list[str]]:
    """Everything the annotation files of ``folders`` teach (a folder holding a saved
    lexicon, e.g. a trained model's, gives that lexicon), and notes on files skipped."""
    k = Knowledge()
    notes: list[str] = []
    for folder in folders:
        folder = Path(folder)
        if (folder / LEXICON_FILE).is_file():
            k.update(Knowledge.load(folder))
            continue
        if not folder.is_dir():
            raise InputError(str(folder), "is not a folder (--learn-from)")
        facts = FolderFacts(folder)
        for f in facts.others(None):
            k.update(f.knowledge)
        notes.extend(facts.notes)
    return k, notes
