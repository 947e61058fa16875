"""A folder's progress: what each article holds and how far it is.

Used by the corpus screen of the app and by ``annotator status``; no Textual.

Each annotation file is counted from its lines (or read with the store's
reader when it is not in the writer's shape) and its article is looked at as
opening it would: an article that is missing or cannot be opened is the row's
``error``; one whose sha256 is not the one the file was saved against (it
changed) has the file read as the app opens it (``store.read(...,
editing=True)``: its spans re-found), and the spans not found again count as
lost. An unchanged article costs a read and a hash, not the span checks
(``annotator validate`` does those). A file that cannot be read is reported on
its own row (``error``) and the rest goes on. ``read_file_stats`` is the one
door for an article's row, for ``annotator status`` and the corpus view.

**Done** means: at least one accepted annotation, no pending suggestion and no
lost span (a span whose text was not found again after the article changed).
An article with nothing accepted yet, or with something left to decide, is not
done. The folder's progress is the share of its articles that are done.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .articles import article_check
from .model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet

#: the rule, in one line, for help texts and the command's --help
DONE_RULE = (
    "done: at least one accepted annotation, no pending suggestion, no lost span, "
    "no accepted link to a rejected entity"
)

#: the columns of a row, in order: (key, title); the screen and the table share them
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "article"),
    ("entities", "entities"),
    ("events", "events"),
    ("attributions", "attrib."),
    ("relations", "rel."),
    ("pending", "pending"),
    ("lost", "lost"),
    ("by", "by"),
    ("saved", "saved"),
    ("state", "state"),
)

#: shorter titles, where the width is short
SHORT_TITLES: dict[str, str] = {"entities": "ent.", "events": "ev.", "attributions": "attr.", "pending": "pend."}

NUMERIC = frozenset({"entities", "events", "attributions", "relations", "pending", "lost"})


@dataclass
class ArticleStats:
    """One article of the folder: counts of its accepted annotations and what is left."""

    name: str
    #: position in the list the stats were made from (the app's article index)
    index: int
    article: str | None = None
    yaml: str | None = None
    entities: int = 0
    events: int = 0
    attributions: int = 0
    relations: int = 0
    #: suggestions not decided yet (every kind)
    pending: int = 0
    rejected: int = 0
    #: annotations with a span marked lost (``attrs: {lost: ...}``)
    lost: int = 0
    #: accepted links (event arguments, attribution sources, relation ends) to a
    #: rejected entity (``AnnotationSet.links_to_rejected``: a merge or a hand edit
    #: left them; ``annotator validate`` says where)
    rejected_links: int = 0
    #: accepted annotations per ``by`` (who made or accepted them), most first
    by: dict[str, int] = field(default_factory=dict)
    #: accepted entities per label, accepted events per type
    labels: dict[str, int] = field(default_factory=dict)
    event_types: dict[str, int] = field(default_factory=dict)
    #: changes that are not in the YAML file yet (an open session's, or a journal's)
    unsaved: bool = False
    #: another process has the article open (its lock file is there)
    locked: bool = False
    #: why the file could not be read (the counts are then zero)
    error: str | None = None

    @property
    def accepted(self) -> int:
        return self.entities + self.events + self.attributions + self.relations

    @property
    def done(self) -> bool:
        return (
            self.error is None and self.accepted > 0 and not self.pending and not self.lost and not self.rejected_links
        )

    @property
    def state(self) -> str:
        """``error``, ``done``, ``review`` (suggestions or lost spans left), ``started`` or ``new``."""
        if self.error is not None:
            return "error"
        if self.done:
            return "done"
        if self.pending or self.lost or self.rejected_links:
            return "review"
        if self.yaml is not None and (self.accepted or self.rejected):
            return "started"
        return "new"

    @property
    def saved(self) -> str:
        if self.unsaved:
            return "unsaved"
        if self.yaml is None or self.error is not None:
            return "-"
        return "open" if self.locked else "saved"

    @property
    def by_text(self) -> str:
        return ",".join(self.by)

    def value(self, key: str):
        """The value of a column (``COLUMNS``), for sorting and filtering."""
        if key == "by":
            return self.by_text
        return getattr(self, key)

    def text(self, key: str) -> str:
        """A column's value as shown in a table ("-" for nothing, or for counts of a bad file)."""
        if self.error is not None and key in NUMERIC:
            return "-"
        value = self.value(key)
        return str(value) if value not in (None, "") else "-"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "article": self.article,
            "annotations": self.yaml,
            "state": self.state,
            "done": self.done,
            "entities": self.entities,
            "events": self.events,
            "attributions": self.attributions,
            "relations": self.relations,
            "pending": self.pending,
            "rejected": self.rejected,
            "lost": self.lost,
            "rejected_links": self.rejected_links,
            "by": dict(self.by),
            "labels": dict(self.labels),
            "event_types": dict(self.event_types),
            "unsaved": self.unsaved,
            "locked": self.locked,
            "error": self.error,
        }


@dataclass
class CorpusStats:
    """Every article of a folder, and the folder's totals."""

    articles: list[ArticleStats]
    #: label order for the totals (the schema's), then any other label by count
    label_order: Sequence[str] = ()

    @property
    def total(self) -> int:
        return len(self.articles)

    @property
    def done(self) -> int:
        return sum(1 for a in self.articles if a.done)

    @property
    def progress(self) -> float:
        return self.done / self.total if self.articles else 0.0

    @property
    def errors(self) -> int:
        return sum(1 for a in self.articles if a.error is not None)

    def _totals(self, attr: str) -> dict[str, int]:
        c: Counter[str] = Counter()
        for a in self.articles:
            c.update(getattr(a, attr))
        return _ordered(c, self.label_order if attr == "labels" else ())

    @property
    def labels(self) -> dict[str, int]:
        """Accepted entities per label over the folder (the schema's order first)."""
        return self._totals("labels")

    @property
    def event_types(self) -> dict[str, int]:
        return self._totals("event_types")

    @property
    def by(self) -> dict[str, int]:
        return self._totals("by")

    def sums(self) -> dict[str, int]:
        keys = ("entities", "events", "attributions", "relations", "pending", "rejected", "lost", "rejected_links")
        return {k: sum(getattr(a, k) for a in self.articles) for k in keys}

    def states(self) -> dict[str, int]:
        c = Counter(a.state for a in self.articles)
        return {s: c.get(s, 0) for s in ("done", "review", "started", "new", "error")}

    def replace(self, row: ArticleStats) -> None:
        """Put a fresh row in place of the one with the same index."""
        for i, a in enumerate(self.articles):
            if a.index == row.index:
                self.articles[i] = row
                return
        self.articles.append(row)

    def to_dict(self) -> dict:
        return {
            "articles": self.total,
            "done": self.done,
            "progress": round(self.progress, 4),
            "done_rule": DONE_RULE,
            "states": self.states(),
            "totals": self.sums(),
            "labels": self.labels,
            "event_types": self.event_types,
            "by": self.by,
            "errors": self.errors,
            "rows": [a.to_dict() for a in self.articles],
        }


def _ordered(counts: Counter, first: Sequence[str] = ()) -> dict[str, int]:
    out = {k: counts[k] for k in first if counts.get(k)}
    for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if k not in out and v:
            out[k] = v
    return out


def _is_lost(ann) -> bool:
    flag = ann.attrs.get("lost") if ann.attrs else None
    return bool(flag)


def fill_from_set(row: ArticleStats, aset: AnnotationSet, label_order: Sequence[str] = ()) -> ArticleStats:
    """Count an article's annotations into ``row`` (also used for the open session's set)."""
    kinds = {"entities": 0, "events": 0, "attributions": 0, "relations": 0}
    by: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    pending = rejected = lost = 0
    for kind in kinds:
        n = 0
        for ann in getattr(aset, kind).values():
            status = ann.status
            if ann.attrs and _is_lost(ann):
                lost += 1
            if status == ACCEPTED:
                n += 1
                if ann.by:
                    by[ann.by] += 1
                if kind == "entities":
                    labels[ann.label] += 1
                elif kind == "events":
                    types[ann.type] += 1
            elif status == SUGGESTED:
                pending += 1
            elif status == REJECTED:
                rejected += 1
        kinds[kind] = n
    row.entities, row.events = kinds["entities"], kinds["events"]
    row.attributions, row.relations = kinds["attributions"], kinds["relations"]
    row.pending, row.rejected, row.lost = pending, rejected, lost
    row.rejected_links = len(aset.links_to_rejected())
    row.by = _ordered(by)
    row.labels = _ordered(labels, label_order)
    row.event_types = _ordered(types)
    return row


# ---------------------------------------------------------------------------
# Counting a file the store wrote, line by line
# ---------------------------------------------------------------------------
# The store writes one shape (``store.dumps``): one entity or relation per line,
# events and attributions as short blocks. Counting needs only each annotation's
# kind, label or type, status, ``by`` and whether ``attrs`` marks it lost, so a
# file in that shape is counted from its lines with a few regular expressions,
# several times faster than building every annotation. Anything else (a hand
# edit, a quoted label, a comment, nested attrs) returns None and the file goes
# through the store's reader and checker instead: the counts are the same either
# way (tests/test_corpus.py compares them).

_PLAIN = r'[^,"\[\]{}\s][^,\[\]{}]*'  # a plain token in a flow map: no flow indicators
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_NAME = r'[^,"\[\]{}\s][^,\[\]{}]*?'  # label, type, by: plain only (quoted: the slow path)
_TAIL = (
    rf"(?:, status: (?P<status>suggested|rejected|accepted))?(?:, by: (?P<by>{_NAME}))?"
    rf"(?:, score: [^,\[\]{{}}]+)?(?:, suggested_by: {_NAME})?(?:, suggested_label: {_NAME})?"
    rf"(?:, attrs: (?P<attrs>\{{.*\}}))?"
)
_SPAN_POS = r"(?:start: \d+, end: \d+|fragments: \[\[\d+, \d+\](?:, \[\d+, \d+\])*\])"
_ENTITY_LINE = re.compile(
    rf"- \{{id: (?P<id>{_NAME}), label: (?P<label>{_NAME}), {_SPAN_POS}, text: (?:{_QUOTED}|{_PLAIN}|){_TAIL}\}}"
)
_RELATION_LINE = re.compile(
    rf"- \{{id: (?P<id>{_NAME}), type: {_NAME}, arg1: (?P<arg1>{_NAME}), arg2: (?P<arg2>{_NAME}){_TAIL}\}}"
)
#: the links of an event's or attribution's block: an argument, a source that is an ID
_ARG_LINE = re.compile(rf"  - \{{role: {_NAME}, ref: (?P<ref>{_NAME})\}}")
_SOURCE_REF_LINE = re.compile(rf"  source: \{{ref: (?P<ref>{_NAME})\}}")
_BLOCK_SKIP = (
    "  trigger: {", "  arguments:", "  - {role: ", "  source: {", "  cue: {", "  content: {",
    "  score: ", "  suggested_by: ", "  suggested_label: ",
)
_BLOCK_NAME = re.compile(_NAME)
_LOST = re.compile(r"(?:\{|, )lost: (?!(?:false|null|~|0|\"\"|\[\]|\{\})[,}])")
_QUOTED_RE = re.compile(_QUOTED)


def _attrs_lost(attrs: str) -> bool | None:
    """Does a flat ``attrs`` flow map mark the annotation lost? None: not flat (nested maps)."""
    if '"' in attrs:
        attrs = _QUOTED_RE.sub('""', attrs)
        if '"' in attrs.replace('""', ""):
            return None
    if attrs.count("{") != 1 or attrs.count("}") != 1 or not attrs.endswith("}"):
        return None
    return _LOST.search(attrs) is not None


_SECTIONS = {"entities:": "entities", "events:": "events", "attributions:": "attributions", "relations:": "relations"}


def count_lines(text: str) -> dict | None:
    """Counts of a file in the store's own shape, or None (then read it the slow way).

    ``{kind: accepted count, "pending", "rejected", "lost", "by", "labels", "event_types",
    "document"}`` (``document``: the ``path`` and ``sha256`` the file records, or None)."""
    lines = text.split("\n")
    if len(lines) < 6 or lines[0] != "format: annotator/1" or lines[1] != "document:":
        return None
    counts = {"entities": 0, "events": 0, "attributions": 0, "relations": 0}
    pending = rejected = lost = 0
    by: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    rejected_ids: set[str] = set()
    links: list[str] = []  # what accepted annotations link to (one per link)
    section = None
    item: dict | None = None  # the event or attribution being read: status, by, type, lost, id, refs

    def close(kind: str, it: dict) -> None:
        nonlocal pending, rejected, lost
        if it["lost"]:
            lost += 1
        status = it["status"]
        if status == "suggested":
            pending += 1
        elif status == "rejected":
            rejected += 1
            rejected_ids.add(it["id"])
        else:
            counts[kind] += 1
            links.extend(it["refs"])
            if it["by"] is not None:
                by[it["by"]] += 1
            if kind == "events" and it["type"] is not None:
                types[it["type"]] += 1

    i = 2
    document: dict[str, str | None] = {"path": None, "sha256": None}
    while i < len(lines) and lines[i].startswith("  "):
        key, sep, value = lines[i][2:].partition(": ")  # the document block: path, sha256, length
        if key in document and sep:
            if value[:1] in ('"', "'"):
                return None  # a quoted path: the reader's way
            document[key] = value
        i += 1
    for line in lines[i:]:
        if not line:
            continue
        if line[0] != " " and line[0] != "-":  # a top-level key
            if item is not None:
                close(section, item)
                item = None
            key = line[:-4] + ":" if line.endswith(": []") else line
            section = _SECTIONS.get(key)
            if section is None:
                return None
            if line.endswith(": []"):
                section = None
            continue
        if section in ("entities", "relations"):
            m = (_ENTITY_LINE if section == "entities" else _RELATION_LINE).fullmatch(line)
            if m is None:
                return None
            attrs = m.group("attrs")
            if attrs is not None:
                flag = _attrs_lost(attrs)
                if flag is None:
                    return None
                lost += flag
            status = m.group("status")
            if status == "suggested":
                pending += 1
            elif status == "rejected":
                rejected += 1
                rejected_ids.add(m.group("id"))
            else:
                counts[section] += 1
                if section == "relations":
                    links.extend((m.group("arg1"), m.group("arg2")))
                who = m.group("by")
                if who is not None:
                    by[who] += 1
                if section == "entities":
                    labels[m.group("label")] += 1
            continue
        if section not in ("events", "attributions"):
            return None
        if line.startswith("- id: "):
            if item is not None:
                close(section, item)
            item = {"status": None, "by": None, "type": None, "lost": False, "id": line[6:], "refs": []}
            continue
        if item is None:
            return None
        if line.startswith("  status: "):
            item["status"] = line[10:]
        elif line.startswith("  by: "):
            if _BLOCK_NAME.fullmatch(line[6:]) is None:
                return None
            item["by"] = line[6:]
        elif line.startswith("  type: "):
            if section == "events" and _BLOCK_NAME.fullmatch(line[8:]) is None:
                return None
            item["type"] = line[8:]
        elif line.startswith("  attrs: {"):
            flag = _attrs_lost(line[9:])
            if flag is None:
                return None
            item["lost"] = flag
        elif line.startswith(("  - {role: ", "  source: {ref: ")):
            m = (_ARG_LINE if line[2] == "-" else _SOURCE_REF_LINE).fullmatch(line)
            if m is None:
                return None
            item["refs"].append(m.group("ref"))
        elif not line.startswith(_BLOCK_SKIP):
            return None
    if item is not None:
        close(section, item)
    return {
        **counts, "pending": pending, "rejected": rejected, "lost": lost,
        "rejected_links": sum(1 for ref in links if ref in rejected_ids),
        "by": by, "labels": labels, "event_types": types, "document": document,
    }


def fill_from_counts(row: ArticleStats, counts: dict, label_order: Sequence[str] = ()) -> ArticleStats:
    row.entities, row.events = counts["entities"], counts["events"]
    row.attributions, row.relations = counts["attributions"], counts["relations"]
    row.pending, row.rejected, row.lost = counts["pending"], counts["rejected"], counts["lost"]
    row.rejected_links = counts["rejected_links"]
    row.by = _ordered(counts["by"])
    row.labels = _ordered(counts["labels"], label_order)
    row.event_types = _ordered(counts["event_types"])
    return row


def read_file_stats(
    row: ArticleStats,
    yaml_path: Path,
    label_order: Sequence[str] = (),
    *,
    article: tuple[Path, str | None] | None = None,
    check: Callable[[Path], tuple] = article_check,
) -> ArticleStats:
    """Fill ``row`` from one annotation file and its article; a bad file, or an
    article that is missing or cannot be opened, sets ``row.error`` (one line).

    ``article``: (its path, its sha256) when the caller has looked at it (``scan``:
    the .txt the app opens the file with); otherwise the article the file names
    (``document.path``, relative to the file) is looked at with ``check``
    (``articles.article_check``, or a cache's). When the article is not the text
    the file was saved against, the file is read as the app opens it and the
    spans not found again are counted lost (``state``: review)."""
    from . import store
    from .errors import InputError

    row.yaml = str(yaml_path)
    try:
        raw = yaml_path.read_bytes()
    except OSError as exc:
        row.error = f"{yaml_path}: cannot read: {exc.strerror or exc}"
        return row
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        row.error = f"{yaml_path}: is not UTF-8 text (bad byte at byte {exc.start})"
        return row
    counts = count_lines(text)
    aset = None
    if counts is not None:
        recorded_path, recorded_sha = counts["document"]["path"], counts["document"]["sha256"]
    else:
        try:
            got = store.read(yaml_path, text=text)
            aset, probs = got.aset, got.problems
        except InputError as err:  # pragma: no cover - problems() reports, but be safe
            row.error = err.message
            return row
        if probs:
            more = f" (and {len(probs) - 1} more problems)" if len(probs) > 1 else ""
            row.error = f"{probs[0]}{more}"
            return row
        assert aset is not None
        recorded_path, recorded_sha = aset.document.path, aset.document.sha256
    if article is None and recorded_path is not None:
        where = Path(recorded_path) if os.path.isabs(recorded_path) else yaml_path.parent / recorded_path
        err, now = check(where)
        if not row.article and os.path.exists(where):
            row.article = os.path.normpath(where)  # the article the file names (status --json: "article")
        if err is not None:  # as validate says it
            row.error = f"{yaml_path}: article {recorded_path} (relative to this file): {err.problem}"
            return row
        article = (where, now)
    if article is not None and recorded_sha is not None and article[1] is not None and article[1] != recorded_sha:
        return _reopened(row, yaml_path, article[0], label_order)
    if counts is not None:
        return fill_from_counts(row, counts, label_order)
    assert aset is not None
    return fill_from_set(row, aset, label_order)


def _reopened(row: ArticleStats, yaml_path: Path, article: Path, label_order: Sequence[str]) -> ArticleStats:
    """The row of a file whose article changed: the file read as the app opens it
    (its spans re-found in the article as it is now; those not found marked lost)."""
    from . import store
    from .articles import read_article
    from .errors import InputError

    try:
        got = store.read(yaml_path, article=read_article(article), editing=True)
    except InputError as err:
        row.error = err.message
        return row
    if got.aset is None or got.problems:
        probs = got.problems
        more = f" (and {len(probs) - 1} more problems)" if len(probs) > 1 else ""
        row.error = f"{probs[0]}{more}" if probs else f"{yaml_path}: cannot read the file"
        return row
    return fill_from_set(row, got.aset, label_order)


def journal_has_records(path: Path) -> bool:
    """A journal holding records past its header: changes not in the YAML yet."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    first = head.find(b"\n")
    return first >= 0 and bool(head[first + 1 :].strip())


def lock_held(path: Path) -> bool:
    """Does a live process hold this lock file? (A crashed one's lock is stale: not held.)"""
    from .lock import is_stale, read_record

    rec = read_record(path)
    return rec is not None and not is_stale(rec, path)


def _names_in(folder: Path) -> set[str]:
    try:
        with os.scandir(folder) as it:
            return {e.name for e in it}
    except OSError:
        return set()


def _stamps_in(folder: Path) -> dict[str, tuple[int, int]]:
    """name -> (mtime_ns, size) of what the folder holds (one listing)."""
    out: dict[str, tuple[int, int]] = {}
    try:
        with os.scandir(folder) as it:
            for e in it:
                try:
                    st = e.stat()
                except OSError:
                    continue
                out[e.name] = (st.st_mtime_ns, st.st_size)
    except OSError:
        pass
    return out


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class ScanCache:
    """What scans read, kept by each file's (mtime_ns, size): a scan given the
    same cache again reads only the articles and annotation files changed since
    (the corpus view's ``ctrl+l``)."""

    def __init__(self) -> None:
        #: article path -> (stamp, (why it cannot be opened or None, its sha256 or None))
        self.articles: dict[str, tuple[tuple[int, int], tuple]] = {}
        #: (annotation file path, label order) -> (stamp, the article's sha256, the row read from it)
        self.files: dict[tuple[str, tuple[str, ...]], tuple[tuple[int, int], str | None, ArticleStats]] = {}

    def clear(self) -> None:
        """Forget everything read (the next scan reads every file)."""
        self.articles.clear()
        self.files.clear()

    def article_check(self, article: Path) -> tuple:
        """``articles.article_check``, kept while the article is unchanged."""
        stamp = _stamp(article)
        if stamp is None:
            return article_check(article)
        hit = self.articles.get(str(article))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        found = article_check(article)
        self.articles[str(article)] = (stamp, found)
        return found

    def read_file_stats(
        self, row: ArticleStats, yaml_path: Path, stamp: tuple[int, int], label_order: Sequence[str],
        article: tuple[Path, str | None],
    ) -> ArticleStats:
        """``read_file_stats`` into ``row``, or the counts of the last read of an
        unchanged file (against the same article)."""
        import copy

        key = (str(yaml_path), tuple(label_order))
        hit = self.files.get(key)
        if hit is not None and hit[0] == stamp and hit[1] == article[1]:
            got = copy.copy(hit[2])
            got.name, got.index, got.article = row.name, row.index, row.article
            return got
        read_file_stats(row, yaml_path, label_order, article=article)
        self.files[key] = (stamp, article[1], copy.copy(row))
        return row


def scan(
    articles: Sequence[Path],
    annotations_dir: Path,
    label_order: Sequence[str] = (),
    *,
    cache: ScanCache | None = None,
    progress: Callable[[int], object] | None = None,
) -> CorpusStats:
    """Stats of articles whose YAML files live in ``annotations_dir`` (as the app keeps them).

    One listing of the folder tells which articles have a file, a journal with
    unsaved records, or a lock. Each article is read once to tell whether it can
    be opened and whether it is the text its file was saved against
    (``articles.article_check``: a binary, non-UTF-8 or empty file is the row's
    ``error``, and its annotation file is not read; see ``read_file_stats``). With ``cache``,
    files unchanged since its last scan are not read again. ``progress(n)`` is
    called every 500 articles."""
    from .store.files import article_key

    top = Path(annotations_dir)
    listed: dict[str, dict[str, tuple[int, int]]] = {}  # one listing per folder of annotation files
    check = cache.article_check if cache is not None else article_check
    rows = []
    for i, article in enumerate(articles):
        if progress is not None and i and i % 500 == 0:
            progress(i)
        key = article_key(article)  # 'TDT/w078' for an article found in a subfolder
        sub, _, stem = key.rpartition("/")
        folder = top / sub if sub else top
        seen = listed.get(sub)
        if seen is None:
            seen = listed[sub] = _stamps_in(folder)
        row = ArticleStats(name=key, index=i, article=str(article))
        yaml_name = f"{stem}.yaml"
        err, sha = check(Path(article))
        row.error = None if err is None else err.message
        if yaml_name in seen and row.error is None:
            if cache is not None:
                row = cache.read_file_stats(row, folder / yaml_name, seen[yaml_name], label_order, (Path(article), sha))
            else:
                read_file_stats(row, folder / yaml_name, label_order, article=(Path(article), sha))
        elif yaml_name in seen:
            row.yaml = str(folder / yaml_name)
        journal = f".{stem}.journal"
        row.unsaved = journal in seen and seen[journal][1] > 0 and journal_has_records(folder / journal)
        row.locked = f".{stem}.lock" in seen and lock_held(folder / f".{stem}.lock")
        rows.append(row)
    return CorpusStats(rows, tuple(label_order))


def scan_files(
    yaml_files: Iterable[Path], label_order: Sequence[str] = (), *, row_names: Sequence[str] | None = None
) -> CorpusStats:
    """Stats of annotation files given directly (a folder of YAML, no articles listed).
    ``row_names``: each row's name (a file's path under its folder); by default the file stem."""
    rows = []
    listed: dict[Path, set[str]] = {}
    for i, path in enumerate(yaml_files):
        path = Path(path)
        row = ArticleStats(name=path.stem if row_names is None else row_names[i], index=i)
        read_file_stats(row, path, label_order)
        names = listed.get(path.parent)
        if names is None:
            names = listed[path.parent] = _names_in(path.parent)
        if f".{path.stem}.journal" in names:
            row.unsaved = journal_has_records(path.parent / f".{path.stem}.journal")
        row.locked = f".{path.stem}.lock" in names and lock_held(path.parent / f".{path.stem}.lock")
        rows.append(row)
    return CorpusStats(rows, tuple(label_order))


def filter_rows(rows: Iterable[ArticleStats], filters: dict[str, str]) -> list[ArticleStats]:
    """Rows matching every ``column: condition`` (see ``matches``)."""
    tests = [(key, parse_condition(key, cond)) for key, cond in filters.items() if cond.strip()]
    return [r for r in rows if all(test(r.value(key)) for key, test in tests)]


def parse_condition(key: str, cond: str):
    """A predicate from what a user typed for a column.

    Numeric columns: ``3``, ``>0``, ``>=2``, ``<5``, ``<=1``, ``!=0``, ``=0``.
    Text columns: a case-insensitive substring; ``!text`` for "does not contain";
    ``=text`` for an exact value. ``ValueError`` when a numeric condition is not a number.
    """
    cond = cond.strip()
    if key in NUMERIC:
        for op in (">=", "<=", "!=", ">", "<", "="):
            if cond.startswith(op):
                n = int(cond[len(op) :].strip())
                break
        else:
            op, n = "=", int(cond)
        return {
            ">=": lambda v: v >= n,
            "<=": lambda v: v <= n,
            "!=": lambda v: v != n,
            ">": lambda v: v > n,
            "<": lambda v: v < n,
            "=": lambda v: v == n,
        }[op]
    if cond.startswith("!"):
        needle = cond[1:].lower()
        return lambda v: needle not in str(v).lower()
    if cond.startswith("="):
        exact = cond[1:].lower()
        return lambda v: str(v).lower() == exact
    needle = cond.lower()
    return lambda v: needle in str(v).lower()


def sort_rows(rows: Iterable[ArticleStats], key: str, reverse: bool = False) -> list[ArticleStats]:
    """Rows sorted by a column; ties keep the folder's order."""
    if key in NUMERIC:
        return sorted(rows, key=lambda r: (r.value(key), -r.index if reverse else r.index), reverse=reverse)
    return sorted(rows, key=lambda r: (str(r.value(key)).lower(), -r.index if reverse else r.index), reverse=reverse)
