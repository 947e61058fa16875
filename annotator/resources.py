"""Where the packaged data lives: stylesheets and the bundled seed.

In a wheel, ``styles/`` and ``seeds/`` are installed inside the package
(``annotator/styles``, ``annotator/seeds``: see pyproject's package-dir); in a
checkout they sit beside the package. Both are found without importing anything.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``styles`` or ``seeds``: the installed copy, else the checkout's."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"annotator's {name}/ folder is missing from the installation")
