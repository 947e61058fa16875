"""The articles to annotate: finding them (files or folders of .txt, with their
subfolders, listed lazily) and reading one.

A folder of 10,000 articles costs one walk of its tree; nothing is read until an
article is opened (``read_article``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .digest import sha256
from .errors import InputError
from .model import Document
from .resources import data_dir

SEED_NAME = "sdf-captures-deir-el-zor.txt"


def bundled_seed() -> Path:
    """The seed article: the repository's copy when run from a checkout, else the packaged one."""
    return data_dir("seeds") / SEED_NAME


#: a PATH with one of these endings is an annotation file, not an article
ANNOTATION_SUFFIXES = (".yaml", ".yml")


def articles_of_annotation_files(paths: list[str], annotations: str | os.PathLike | None) -> tuple[list[str], Path | None]:
    """PATH arguments where annotation files (``annotations/x.yaml``) stand for
    the article each annotates (its ``document.path``, relative to the file).

    Returns the paths with each annotation file replaced by its article, and the
    folder those files are in: the annotations folder to use (None when no
    annotation file was given). ``annotations`` is the folder otherwise in use
    (``--annotations`` or the settings). One line naming the file when it is not
    an annotation file, names no article, is not that article's file in its
    folder (``<folder>/<article stem>.yaml``), or when files of two folders are
    given.
    """
    out: list[str] = []
    folder: Path | None = None
    for raw in paths:
        p = Path(raw)
        if not (p.suffix.lower() in ANNOTATION_SUFFIXES and p.is_file()):
            out.append(raw)
            continue
        article = _annotated_article(p)
        expected = p.parent / f"{article.stem}.yaml"
        if os.path.normcase(os.path.abspath(expected)) != os.path.normcase(os.path.abspath(p)):
            raise InputError(
                str(p), f"annotates {article}, whose annotation file in this folder is {expected.name}: "
                "rename it, or open the article with --annotations FOLDER"
            )
        if folder is not None and os.path.abspath(folder) != os.path.abspath(p.parent):
            raise InputError(str(p), f"is not in {folder}, like the other annotation files given: open one folder at a time")
        folder = p.parent
        out.append(str(article))
    if folder is not None and annotations is not None and os.path.abspath(annotations) != os.path.abspath(folder):
        raise InputError(
            str(folder), f"holds the annotation files given, but --annotations is {annotations}: give one or the other"
        )
    return out, folder


def _annotated_article(p: Path) -> Path:
    """The article an annotation file names in ``document.path`` (read from its head only)."""
    import yaml

    try:
        with open(p, "rb") as f:
            head = f.read(64 * 1024)
    except OSError as exc:
        raise InputError(str(p), f"cannot read: {exc.strerror or exc}") from None
    lines = []
    for line in head.decode("utf-8", "replace").splitlines():
        if lines and line[:1] not in (" ", "") and not line.startswith(("format:", "document:")):
            break  # the first section after the header
        lines.append(line)
    joined = "\n".join(lines)
    try:
        data = yaml.safe_load(joined)
    except yaml.YAMLError as exc:
        if joined.startswith("format: annotator/"):  # ours, broken: where, as validate says it
            raise _broken(p, exc, joined) from None
        data = None
    doc = data.get("document") if isinstance(data, dict) and str(data.get("format", "")).startswith("annotator/") else None
    if not isinstance(doc, dict):
        raise InputError(str(p), "is not an annotation file (format: annotator/1): open .txt articles or folders of them")
    rel = doc.get("path")
    if not isinstance(rel, str) or not rel:
        raise InputError(str(p), "names no article (document.path): open the article itself")
    return Path(os.path.normpath(p.parent / rel)) if not os.path.isabs(rel) else Path(rel)


def _broken(p: Path, exc: Exception, head: str) -> InputError:
    """The error for an annotation file whose header is broken YAML: the line and
    the problem that ``annotator validate`` gives (read from the whole file)."""
    from .store.pyyaml_reader import _yaml_error_problem, slow_parse

    try:
        problem = slow_parse(Path(p).read_bytes().decode("utf-8", "replace"), str(p))[1]
    except OSError:
        problem = None
    if problem is None:
        problem = _yaml_error_problem(exc, head, str(p))
    return InputError(str(p), problem.message, line=problem.line)


def find_articles(paths: list[str]) -> list[Path]:
    """Expand PATH arguments into article files, in order: the one door by which
    every command finds articles. A folder gives its ``.txt`` files and those of
    its subfolders (a brat collection, as ``annotator import`` mirrors it),
    sorted by their path in it; hidden files and folders are skipped. An article
    in a subfolder is paired with the annotation file of the same path under the
    annotations folder (``src/TDT/w078.txt`` -> ``annotations/TDT/w078.yaml``)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = articles_in(p)
            if not found:
                raise InputError(str(p), "no .txt articles in this folder or its subfolders")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out


def articles_in(folder: str | os.PathLike) -> list[Path]:
    """The ``.txt`` articles of a folder and its subfolders (see ``find_articles``);
    InputError when it cannot be listed."""
    from .store.files import remember_article_key, walk

    p = Path(folder)
    try:
        os.scandir(p).close()  # os.walk says nothing of a folder it cannot list
    except OSError as exc:
        raise InputError(str(p), f"cannot list folder: {exc.strerror or exc}") from None
    out: list[Path] = []
    for q, rel in walk(p, (".txt",)):
        if not os.path.isfile(q):
            continue
        if "/" in rel:
            remember_article_key(q, rel[: -len(".txt")])
        out.append(Path(q))
    return out


#: Larger files are refused at once (a book is a few MiB): the app keeps tokens,
#: rows and marks for the whole article in memory.
MAX_ARTICLE_BYTES = 32 * 2**20


def read_article(path: str | os.PathLike) -> Document:
    """Read an article: raw bytes hashed, UTF-8 decoded strictly, ``\\r`` kept.

    A leading UTF-8 byte-order mark is not part of the text: offsets count from
    the character after it (as spaCy, brat and Python's ``utf-8-sig`` see the
    text); ``sha256`` is still that of the raw bytes, BOM included.
    ``InputError`` naming the file for a missing path, a folder, a binary or
    non-UTF-8 file, or an empty one.
    """
    raw, text = _read_text(Path(path))
    return Document(text, str(path), sha256(raw).hexdigest())


def article_problem(path: str | os.PathLike) -> str | None:
    """Why ``read_article`` would refuse this file (its one line), or None when it opens."""
    err, _sha = article_check(path)
    return None if err is None else err.message


def article_check(path: str | os.PathLike) -> tuple[InputError | None, str | None]:
    """(why ``read_article`` would refuse this file, None) or (None, its sha256).

    What ``annotator status`` and the corpus screen know of an article: whether
    it opens, by the same rule as opening it, and whether it is the text its
    annotation file was saved against (the sha256 the file records)."""
    try:
        raw, _text = _read_text(Path(path))
    except InputError as err:
        return err, None
    return None, sha256(raw).hexdigest()


def _read_text(p: Path) -> tuple[bytes, str]:
    """The raw bytes and the text (BOM dropped) of an article; ``InputError`` when it cannot be one."""
    where = str(p)
    if not p.exists():
        raise InputError(where, "no such article file")
    if p.is_dir():
        raise InputError(where, "is a folder, not an article (.txt file)")
    size = p.stat().st_size
    if size > MAX_ARTICLE_BYTES:  # before reading it
        raise InputError(where, _too_big(size))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(where, f"cannot read the article: {exc.strerror or exc}") from None
    return raw, text_of(raw, where)


def _too_big(size: int) -> str:
    return f"is {size / 2**20:.0f} MiB; articles up to {MAX_ARTICLE_BYTES // 2**20} MiB can be opened (split it)"


def text_of(raw: bytes, where: str, subject: str = "") -> str:
    """The text an article of these bytes reads as (a leading BOM dropped), by the
    rules of opening one: ``InputError(where, ...)`` when it cannot be one (too
    big, binary, not UTF-8, empty). The one door for those rules: an article read
    from disk, and a text ``annotator import`` is about to write (``subject``
    names it in the line: "its text ")."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise InputError(where, subject + _too_big(len(raw)))
    if b"\x00" in raw:
        raise InputError(where, f"{subject}is a binary file (it contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"{subject}is not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(where, "the article is empty")
    return text
