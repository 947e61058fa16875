"""Which annotation files are compared with which: folders paired by file name,
and the suggester a file is compared with when there is only one side.

Used by ``audit`` (scores), ``audit --view`` and the app's adjudication. No
printing: what could not be paired comes back as notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from .errors import InputError
from .model import AnnotationSet

SUFFIXES = (".yaml", ".yml")

__all__ = ["SUFFIXES", "annotation_files", "pair_paths", "pick_suggester", "check_same_article", "names"]


def annotation_files(path: Path) -> dict[str, Path]:
    """The annotation files a path names, by article name (file stem)."""
    if path.is_dir():
        try:
            files = sorted(
                p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
        except OSError as exc:
            raise InputError(str(path), f"cannot list folder: {exc.strerror or exc}") from None
        if not files:
            raise InputError(str(path), "no .yaml annotation files in this folder")
        return {p.stem: p for p in files}
    if path.is_file():
        return {path.stem: path}
    raise InputError(str(path), "no such file or folder")


def names(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def pair_paths(gold: Path, pred: Path, gold_arg: str = "GOLD", pred_arg: str = "PRED"):
    """[(article name, gold file, pred file)] and notes on what could not be paired."""
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
        if only:
            notes.append(f"{len(only)} article(s) only in {gold_arg} ({gold}), not scored: {names(only)}")
        only = sorted(set(p_files) - set(g_files))
        if only:
            notes.append(f"{len(only)} article(s) only in {pred_arg} ({pred}), not scored: {names(only)}")
    return [(n, g_files[n], p_files[n]) for n in common], notes


def pick_suggester(gold: Path, sets: Iterable[AnnotationSet], by: str | None, notes: list[str]) -> str:
    """With GOLD only: the suggester to compare with (``by``, or the only one there is)."""
    from .audit import suggesters

    found = suggesters(sets)
    if by is None:
        if not found:
            raise InputError(str(gold), "no suggestions to audit here: give PRED too, or suggest first")
        if len(found) > 1:
            raise InputError(str(gold), f"suggestions from {len(found)} suggesters ({', '.join(found)}): choose one with --by")
        return found[0]
    if by not in found:
        notes.append(f"nothing here was suggested by {by!r}" + (f" (suggesters: {', '.join(found)})" if found else ""))
    return by


def check_same_article(name: str, a: AnnotationSet, b: AnnotationSet, b_path: Path) -> None:
    if a.document.text != b.document.text:
        raise InputError(str(b_path), f"not annotating the same text as the other side's {name}")
