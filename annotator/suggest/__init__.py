"""Suggesters: each turns an article into suggested annotations.

``get_suggester("rules" | "spacy:NAME_OR_PATH" | "file:PATH", schema, annotations_dir)``
builds one; ``suggest_into(aset, suggester)`` returns the new suggestions (fresh IDs,
status ``suggested``) without changing ``aset``; ``apply_suggestions`` adds them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..schema import Schema
from .base import Proposals, Suggester, apply_suggestions, merge, suggest_into

SPECS = "rules, spacy:NAME_OR_PATH or file:PATH"


def get_suggester(
    spec: str, schema: Schema, annotations_dir: str | Path | None = None, learn_from: Iterable[str | Path] = ()
) -> Suggester:
    """The suggester a ``--with`` value names; InputError for anything else.

    ``learn_from``: gold folders (or ``annotator train`` model folders) whose names,
    triggers, cues, sources and shapes the ``rules`` suggester learns as well."""
    spec = (spec or "").strip()
    kind, _, arg = spec.partition(":")
    learn_from = list(learn_from)
    if learn_from and spec != "rules":
        raise InputError("--learn-from", "is for --with rules (a spacy: model learned when it was trained)")
    if spec == "rules":
        from .rules import RulesSuggester

        return RulesSuggester(schema, annotations_dir, learn_from)
    if kind == "spacy":
        if not arg:
            raise InputError("--with spacy:", "name a spaCy pipeline: spacy:NAME_OR_PATH (e.g. spacy:en_core_web_sm)")
        from .spacy_pipeline import SpacySuggester

        return SpacySuggester(arg, schema)
    if kind == "file":
        if not arg:
            raise InputError("--with file:", "name the file: file:PATH")
        from .from_file import FileSuggester

        return FileSuggester(arg, schema)
    raise InputError(f"--with {spec}" if spec else "--with", f"unknown suggester; use {SPECS}")


__all__ = ["get_suggester", "suggest_into", "apply_suggestions", "merge", "Suggester", "Proposals", "SPECS"]
