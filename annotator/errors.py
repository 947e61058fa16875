"""User-facing errors: one clear line naming the file and the problem."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user. The CLI prints ``str(err)`` and exits 2.

    ``where`` is a file name, optionally with ``:line``.
    """

    def __init__(self, where: str, problem: str, line: int | None = None):
        self.where = where
        self.problem = problem
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        loc = f"{self.where}:{self.line}" if self.line is not None else self.where
        return f"{loc}: {self.problem}"


class Problem:
    """One finding of validation: where and what."""

    __slots__ = ("path", "line", "message")

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{loc}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class ValidationError(InputError):
    """A file with one or more problems; the first is the message."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first.path, first.message + more, first.line)


def short_error(exc: BaseException | None) -> str:
    """A failure in a few words for the status line ("Permission denied: a.yaml")."""
    if exc is None:
        return "unknown error"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc.__class__.__name__}: {exc.filename or ''}".strip(": ")
    return str(exc) or exc.__class__.__name__
