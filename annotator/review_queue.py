"""The review queue: pending suggestions as rows, grouped, filtered, sorted, decided.

Every pending suggestion with the same label and text is one *decision*: a row
holds all of them (in the open article, or across the open folder) and one key
accepts or rejects the lot. No Textual here: the screen only shows rows and calls
``decide``; ``FolderStep.undo`` takes the whole group back, article by article.

- ``pending(article, aset, index)``: the article's pending suggestions as ``Item``s
- ``rows(items, estimates, folder=...)``: grouped rows (``Row``)
- ``select(rows, label=, suggester=, low=, high=)``, ``order(rows, how, estimates)``
- ``decide(row, status, open_session)``: one ``Session.apply`` per article
  through ``open_session(article) -> (session, done)``; returns a ``FolderStep``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .model import ACCEPTED, REJECTED, SUGGESTED, Annotation, AnnotationSet, Attribution, Entity, Event, Relation, is_candidate, with_status
from .suggest import precision
from .suggest.precision import Estimate

SORTS = ("position", "score", "uncertain", "certain")
SORT_NAMES = {
    "position": "position",
    "score": "score",
    "uncertain": "most uncertain first",
    "certain": "most certain first",
}
CONTEXT_WORDS = 4


def label_of(ann: Annotation) -> str:
    if isinstance(ann, Entity):
        return ann.label
    if isinstance(ann, Event):
        return ann.type
    if isinstance(ann, Relation):
        return ann.type
    return "attribution" + (f":{ann.type}" if ann.type else "")


def text_of(ann: Annotation) -> str:
    if isinstance(ann, Entity):
        return ann.text
    if isinstance(ann, Event):
        return ann.trigger.text
    if isinstance(ann, Attribution):
        part = ann.cue or ann.content
        return part.text if part is not None else ""
    return f"{ann.arg1}->{ann.arg2}"


def context_of(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> str:
    """A few words either side of ``text[start:end]``, the span in [brackets], one line."""
    before = text[max(0, start - 200) : start].split()[-words:]
    after = text[end : end + 200].split()[:words]
    return " ".join([*before, f"[{' '.join(text[start:end].split())}]", *after])


@dataclass(frozen=True)
class Item:
    """One pending suggestion of one article."""

    article: Path
    index: int  # the article's place in the folder (for sorting by position)
    ann: Annotation
    context: str
    #: where it is in the article (a relation: from its first end to its last)
    start: int = 0
    end: int = 0

    @property
    def rule(self) -> str:
        return precision.rule_of(self.ann) or ""


@dataclass
class Row:
    """One decision: every pending suggestion with this label and text."""

    label: str
    text: str
    items: list[Item]
    estimate: Estimate | None = None

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def rules(self) -> list[str]:
        return sorted({i.rule for i in self.items})

    @property
    def rule(self) -> str:
        r = self.rules
        return r[0] if len(r) == 1 else f"{r[0]} +{len(r) - 1}"

    @property
    def score(self) -> float | None:
        scores = [i.ann.score for i in self.items if i.ann.score is not None]
        return max(scores) if scores else None

    @property
    def articles(self) -> list[Path]:
        return sorted({i.article for i in self.items}, key=lambda p: str(p))

    def precision_text(self) -> str:
        return self.estimate.describe() if self.estimate is not None else "no decisions yet"


def pending(article: Path, aset: AnnotationSet, index: int = 0) -> list[Item]:
    """The pending suggestions of one article, in article order."""
    text = aset.document.text
    out = []
    for a in aset.all():
        if a.status == SUGGESTED:
            start, end = place_of(aset, a)
            out.append(Item(article, index, a, context_of(text, start, end), start, end))
    out.sort(key=lambda i: (i.start, i.end, i.ann.id))
    return out


def place_of(aset: AnnotationSet, ann: Annotation) -> tuple[int, int]:
    """(start, end) of a suggestion; a relation has none of its own: from the start
    of its first end to the end of its last (0, 0 when neither is there)."""
    if not isinstance(ann, Relation):
        return ann.start, ann.end
    ends = [x for x in map(aset.get, (ann.arg1, ann.arg2)) if x is not None and not isinstance(x, Relation)]
    if not ends:
        return 0, 0
    return min(x.start for x in ends), max(x.end for x in ends)


def rows(items: Iterable[Item], estimates: dict[str, Estimate] | None = None, *, folder: bool = True) -> list[Row]:
    """Group items by (label, text); ``folder=False`` keeps articles apart."""
    estimates = estimates or {}
    groups: dict[tuple, Row] = {}
    for it in items:
        key = (label_of(it.ann), text_of(it.ann)) + (() if folder else (str(it.article),))
        row = groups.get(key)
        if row is None:
            row = groups[key] = Row(key[0], key[1], [], estimates.get(it.rule))
        row.items.append(it)
    return list(groups.values())


def suggester_of(rule: str) -> str:
    return rule.split(":", 1)[0]


def select(
    rows_: Iterable[Row],
    *,
    label: str | None = None,
    suggester: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> list[Row]:
    """Rows of that label, that suggester (``rules`` or ``rules:gazetteer``), and a
    score within [low, high] (rows without a score pass only an open range)."""
    out = []
    for r in rows_:
        if label and r.label != label:
            continue
        if suggester and not any(i.rule == suggester or suggester_of(i.rule) == suggester for i in r.items):
            continue
        if low is not None or high is not None:
            s = r.score
            if s is None or (low is not None and s < low) or (high is not None and s > high):
                continue
        out.append(r)
    return out


def order(rows_: Sequence[Row], how: str = "position", estimates: dict[str, Estimate] | None = None) -> list[Row]:
    """Rows by position (folder order, then offset), score (highest first), or the
    rule's precision: ``uncertain`` (nearest one half, widest interval first) or
    ``certain`` (most likely right first)."""
    estimates = estimates or {}

    def pos(r: Row):
        return (r.first.index, r.first.start, r.first.ann.id)

    if how == "position":
        return sorted(rows_, key=pos)
    if how == "score":
        return sorted(rows_, key=lambda r: (-(r.score if r.score is not None else -1.0), pos(r)))
    if how == "uncertain":
        return sorted(
            rows_,
            key=lambda r: (abs(precision.probability(r.first.ann, estimates) - 0.5), -precision._width(r.first.ann, estimates), pos(r)),
        )
    if how == "certain":
        return sorted(
            rows_,
            key=lambda r: (-precision.probability(r.first.ann, estimates), precision._width(r.first.ann, estimates), pos(r)),
        )
    raise ValueError(f"unknown order {how!r}: one of {', '.join(SORTS)}")


# -- deciding a group, and undoing it ----------------------------------------------------------

#: article -> (its session, a callback when the change is done: save and close it), or None
#: when it cannot be changed (locked by another process), with the reason
Opener = Callable[[Path], "tuple[object, Callable[[], None]] | str"]


@dataclass
class FolderStep:
    """One group decision: what it swapped in each article (in order), for one undo."""

    label: str
    changes: list[tuple[Path, list]] = field(default_factory=list)
    changed: int = 0
    #: the other sides of merge conflicts rejected with the sides accepted
    rivals: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def articles(self) -> list[Path]:
        return [a for a, _ in self.changes]

    def undo(self, open_session: Opener) -> list[str]:
        """Take the decision back in each article, last first, each through its
        session's ``apply`` (an article reopened since has a new session, so the
        step is replayed in reverse, not popped). An annotation changed since is
        left as it is. Returns one line per article that could not be undone."""
        lines = []
        for article, pairs in reversed(self.changes):
            got = open_session(article)
            if isinstance(got, str):
                lines.append(got)
                continue
            session, done = got
            try:
                back = []
                for before, after in reversed(pairs):
                    now = session.aset.get(after.id)
                    if now == after:
                        back.append((now, before))
                if len(back) < len(pairs):
                    lines.append(f"{article.name}: {len(pairs) - len(back)} changed since, left as they are")
                if back:
                    session.apply(f"undo {self.label}", back)
            finally:
                done()
        return lines


def decide(row: Row, status: str, open_session: Opener) -> FolderStep:
    """Accept or reject every item of the row: one ``Session.apply`` per article."""
    assert status in (ACCEPTED, REJECTED)
    verb = "accept" if status == ACCEPTED else "reject"
    step = FolderStep(f"{verb} {row.count} × {row.label} {row.text!r}")
    by_article: dict[Path, list[Item]] = {}
    for it in row.items:
        by_article.setdefault(it.article, []).append(it)
    for article, its in by_article.items():
        got = open_session(article)
        if isinstance(got, str):
            step.skipped.append(got)
            continue
        session, done = got
        try:
            pairs = []
            seen: set[str] = set()
            for it in its:
                ann = session.aset.get(it.ann.id)
                if ann is None or ann.status != SUGGESTED or ann.id in seen:
                    continue
                seen.add(ann.id)
                if status == ACCEPTED and is_candidate(ann):
                    # one side of a merge conflict: the other side rejected with it, as y does
                    from .adjudication_changes import accept_candidate

                    for b, a in accept_candidate(session.aset, ann.id, session.user)[1]:
                        if b.id == ann.id or b.id not in seen:
                            seen.add(b.id)
                            pairs.append((b, a))
                    continue
                pairs.append((ann, with_status(ann, status, session.user)))
                if status == ACCEPTED:
                    for ref in session._part_refs(ann):
                        part = session.aset.get(ref)
                        if part is not None and part.status == SUGGESTED and ref not in seen:
                            seen.add(ref)
                            pairs.append((part, with_status(part, ACCEPTED, session.user)))
            if pairs and session.apply(f"{step.label} ({len(pairs)} here)", pairs) is not None:
                step.changes.append((article, pairs))
                mine = {i.ann.id for i in its}
                step.changed += sum(1 for b, a in pairs if b.id in mine and a is not None and a.status == status)
                step.rivals += sum(1 for b, a in pairs if a is not None and a.status == REJECTED != status
                                   and b.status == SUGGESTED and is_candidate(b))
        finally:
            done()
    return step


def folder_opener(
    current: Path | None,
    current_session,
    annotations_dir: Path,
    schema,
    *,
    user: str = "annotator",
    locked: bool = True,
) -> Opener:
    """An ``Opener`` for the folder: the open article's own session as it is;
    any other article opened through ``workspace.open_article`` (lock, journal),
    saved and closed when done; one line, and nothing changed, when another
    annotator holds it or it cannot be read."""
    from . import workspace
    from .errors import InputError

    def open_session(article: Path):
        if current is not None and Path(article) == Path(current):
            return current_session, lambda: None
        try:
            ws = workspace.open_article(article, annotations_dir, schema, user=user, locked=locked)
        except InputError as err:
            return f"skipped {Path(article).name}: {err.message}"
        if ws.read_only:
            ws.close(save=False)
            return f"skipped {Path(article).name}: open in another annotator ({ws.holder})"
        return ws.session, ws.close

    return open_session


def read_folder(articles: Sequence[Path], annotations_dir: Path, schema, progress=None) -> dict[Path, AnnotationSet]:
    """Every article's annotation set as saved (for the folder-wide queue and the
    precision estimates); an unreadable file is left out. ``progress(done, total)``."""
    from . import store
    from .articles import read_article
    from .errors import InputError

    out: dict[Path, AnnotationSet] = {}
    for n, article in enumerate(articles):
        path = store.annotation_path(article, annotations_dir)
        if path.exists():
            try:
                got = store.read(path, article=read_article(article), schema=schema)
                out[Path(article)] = got.checked()
            except (InputError, OSError):  # a bad file is the corpus view's and audit's to report
                pass
        if progress is not None:
            progress(n + 1, len(articles))
    return out
