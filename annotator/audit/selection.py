"""Which annotations count (gold, predicted, a suggester's output) and which files pair up.

Files: ``annotation_files(path)`` (a folder's or a file's annotation files by
article: the path under the folder), ``pair_paths(gold, pred)`` (two sides, paired by article, with notes
on the rest), ``group_by_article(paths)`` (N annotators' folders, with notes on
the articles some lack), ``article_sets`` (an article's sets read side by side, or
why it is left out: the batch rule), ``check_same_article`` (both sides annotate one text).
Errors are ``InputError`` (one line naming the file).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import InputError
from ..model import ACCEPTED, REJECTED, SUGGESTED, Annotation, AnnotationSet, label_field


def suggester_of(ann: Annotation) -> str | None:
    """The suggester an annotation came from, or None when a person made it."""
    if ann.suggested_by:
        return ann.suggested_by
    if ann.status != ACCEPTED:
        return ann.by
    return None


def selects(by: str | None, suggester: str | None) -> bool:
    """Does the name given with ``--by`` select this suggester? Its own name, or the
    family it belongs to: ``rules`` selects ``rules:word-list``, ``rules:date-word``
    (``suggest.base.is_from``). The one rule for every use of ``--by`` (scores,
    review decisions, calibration, the notes, ``--view``)."""
    from ..suggest.base import is_from

    return by is not None and is_from(suggester, by)


def is_gold(ann: Annotation) -> bool:
    return ann.status == ACCEPTED


class SuggesterOutput:
    """``predicted_filter(by)``: is an annotation one of ``by``'s suggestions? What
    they count as is what the suggester proposed (``as_suggested``), not what a
    person relabelled it to. ``decided_only`` (a file audited against its own
    suggestions): only those accepted or rejected; a pending one is not judged yet."""

    __slots__ = ("by", "decided_only")

    def __init__(self, by: str, decided_only: bool = False):
        self.by = by  # `--by rules` is every rule of it: rules:gazetteer, ... (``selects``)
        self.decided_only = decided_only  # leave out what is still pending (GOLD alone)

    def __call__(self, ann: Annotation) -> bool:
        if self.decided_only and ann.status == SUGGESTED:
            return False
        return selects(self.by, suggester_of(ann)) or (bool(ann.attrs) and self.also(ann))

    def also(self, ann: Annotation) -> bool:
        """``by`` predicted it too, with the label it was suggested with, after
        another suggester (``suggest.base.ALSO_BY``)."""
        from ..suggest.base import also_suggested_by

        return any(selects(self.by, x) for x in also_suggested_by(ann))

    def pending(self, ann: Annotation) -> bool:
        """One of ``by``'s suggestions nobody has accepted or rejected yet."""
        return ann.status == SUGGESTED and (selects(self.by, suggester_of(ann)) or (bool(ann.attrs) and self.also(ann)))


def predicted_filter(by: str | None = None, decided_only: bool = False) -> Callable[[Annotation], bool]:
    """What counts as predicted: accepted or suggested; with ``by``, all of that
    suggester's output (a ``SuggesterOutput``), or with ``decided_only`` what of it
    was accepted or rejected."""
    if by is None:
        return _not_rejected
    return SuggesterOutput(by, decided_only)


def as_suggested(ann):
    """The annotation as its suggester proposed it: the label (an event's or
    attribution's type) it was suggested with, if a person changed it since."""
    original = ann.suggested_label
    if original is None:
        return ann
    return replace(ann, **{label_field(ann): original})


def predicted_as(keep: Callable[[Annotation], bool]) -> Callable:
    """How a predicted annotation counts under ``keep``: as its suggester proposed
    it for a suggester's output (``as_suggested``), else as it is."""
    return as_suggested if isinstance(keep, SuggesterOutput) else _itself


def _itself(ann):
    return ann


def _not_rejected(ann: Annotation) -> bool:
    return ann.status != REJECTED


def suggesters(asets: Iterable[AnnotationSet]) -> list[str]:
    """Every suggester named in these sets, sorted."""
    from ..suggest.base import also_suggested_by

    found: set[str] = set()
    for aset in asets:
        for ann in aset.all():
            name = suggester_of(ann)
            if name:
                found.add(name)
            if ann.attrs:
                found.update(also_suggested_by(ann))
    return sorted(found)


# ---------------------------------------------------------------------------
# Which files pair up
# ---------------------------------------------------------------------------
def annotation_files(path: Path) -> dict[str, Path]:
    """The annotation files a path names, by article: a folder's as
    ``store.files.annotation_files_in`` finds them (subfolders too), each by its
    path under the folder without the suffix (``corpora/x/y``; in a flat folder,
    the file stem); a file by its stem."""
    from ..store.files import annotation_files_in

    if path.is_dir():
        found, _skipped = annotation_files_in(path)
        if not found:
            raise InputError(str(path), "no .yaml annotation files in this folder or its subfolders")
        return {key: Path(q) for q, key in found}
    if path.is_file():
        return {path.stem: path}
    raise InputError(str(path), "no such file or folder")


def names_list(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def pair_paths(gold: Path, pred: Path, gold_arg: str = "GOLD", pred_arg: str = "PRED", *, gold_only: bool = False):
    """[(article name, gold file, pred file)] and notes on what could not be paired.

    ``gold_only`` (scoring): two folders' gold articles with no pred file are in the
    list too, their pred file None: an extractor that produced nothing for an
    article missed all of it (the note says so). Otherwise (adjudication) they are
    left out with a note."""
    g_files = annotation_files(gold)
    p_files = annotation_files(pred)
    if gold.is_file() and pred.is_file():
        return [(gold.stem, gold, pred)], []
    common = sorted(set(g_files) & set(p_files))
    if not common:
        raise InputError(str(pred), f"no annotation file with the same name as in {gold_arg} ({gold})")
    notes = []
    if gold.is_dir() and pred.is_dir():  # a single file picks its partner: the rest is no surprise
        only = sorted(set(g_files) - set(p_files))
        if only and gold_only:
            notes.append(
                f"{len(only)} article(s) only in {gold_arg} ({gold}), no prediction: "
                f"their gold annotations count as missed: {names_list(only)}"
            )
            common = sorted(g_files)
        elif only:
            notes.append(f"{len(only)} article(s) only in {gold_arg} ({gold}), not scored: {names_list(only)}")
        only = sorted(set(p_files) - set(g_files))
        if only:
            notes.append(f"{len(only)} article(s) only in {pred_arg} ({pred}), not scored: {names_list(only)}")
    return [(n, g_files[n], p_files.get(n)) for n in common], notes


def article_sets(
    article: str, files: dict[str, dict[str, Path]], loaded: dict
) -> tuple[dict[str, AnnotationSet], list[str]]:
    """One article's sets, side by side, and why it cannot be used, by the batch rule.

    ``files``: side (an annotator's folder, GOLD, PRED) -> article -> file;
    ``loaded``: (side, article) -> the set or the ``InputError`` reading it raised
    (``store.read_sets``). The lines: one for each file of the article that cannot
    be read, one for each that does not annotate the same text as its first file.
    With any line, the sets are ``{}`` (the caller reports the lines and leaves
    the article out; the others go on)."""
    sets: dict[str, AnnotationSet] = {}
    problems: list[str] = []
    first: tuple[Path, AnnotationSet] | None = None
    for side, by_article in files.items():
        path = by_article.get(article)
        if path is None:
            continue
        got = loaded[(side, article)]
        if isinstance(got, InputError):
            problems.append(got.message)
            continue
        if first is None:
            first = (path, got)
        elif got.document.text != first[1].document.text:
            problems.append(f"{path}: not annotating the same text as {first[0]}")
            continue
        sets[side] = got
    return ({} if problems else sets), problems


def check_same_article(name: str, a, b, b_path: Path) -> None:
    if a.document.text != b.document.text:
        raise InputError(str(b_path), f"not annotating the same text as the other side's {name}")


def pick_suggester(gold: Path, sets: Iterable[AnnotationSet], by: str | None, notes: list[str]) -> str:
    """With GOLD only: the suggester to compare with (``by``, or the only one
    there is); a note when ``by`` suggested nothing here."""
    from ..suggest.base import split_by

    found = suggesters(sets)
    if by is None:
        if not found:
            raise InputError(str(gold), "no suggestions to audit here: give PRED too, or suggest first")
        # one suggester is one family: rules:word-list and rules:date-word are rules' (``selects``)
        families = sorted({split_by(name)[0] or name for name in found})
        if len(families) > 1:
            raise InputError(
                str(gold), f"suggestions from {len(families)} suggesters ({', '.join(families)}): choose one with --by"
            )
        return families[0]
    if not any(selects(by, name) for name in found):
        notes.append(f"nothing here was suggested by {by!r}" + (f" (suggesters: {', '.join(found)})" if found else ""))
    return by


def group_by_article(paths: Sequence[str]) -> tuple[dict[str, dict[str, Path]], list[str]]:
    """Each annotator's files (one folder or file per annotator) by article name, and
    notes on the articles some annotators lack. Given one file each, they are one
    article whatever their names."""
    if len(set(paths)) != len(paths):
        raise InputError(paths[0], "the same folder is given twice")
    files = {p: annotation_files(Path(p)) for p in paths}
    if all(Path(p).is_file() for p in paths):
        files = {p: {"article": next(iter(f.values()))} for p, f in files.items()}
    anywhere = set().union(*(set(f) for f in files.values()))
    notes = []
    for p, f in files.items():
        missing = sorted(anywhere - set(f))
        if missing:
            notes.append(f"{p} lacks {len(missing)} article(s) others annotated: {names_list(missing)}")
    return files, notes
