"""Finding the articles to annotate: files or folders of .txt, listed lazily.

A folder of 10,000 articles costs one ``os.scandir``; nothing is read until an
article is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .resources import data_dir

SEED_NAME = "sdf-captures-deir-el-zor.txt"


def bundled_seed() -> Path:
    """The seed article: the repository's copy when run from a checkout, else the packaged one."""
    return data_dir("seeds") / SEED_NAME


def find_articles(paths: list[str]) -> list[Path]:
    """Expand PATH arguments into article files, in order; folders sorted by name."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            try:
                names = sorted(
                    e.name for e in os.scandir(p) if e.name.endswith(".txt") and not e.name.startswith(".") and e.is_file()
                )
            except OSError as exc:
                raise InputError(str(p), f"cannot list folder: {exc.strerror or exc}") from None
            if not names:
                raise InputError(str(p), "no .txt articles in this folder")
            out.extend(p / n for n in names)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out
