"""File I/O: where annotation files live, reading them, and writing any file atomically.

``write_atomic`` is for our own files (annotation YAML, journals); the
``atomic_output`` / ``write_text_atomic`` pair is for every other file the user
names (``export -o``, import's texts and schemas, merge output, settings):
the same all-or-nothing write, and any OS error becomes one ``InputError``
line naming the file (the CLI prints it and exits 2).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from ..errors import InputError
from ..model import AnnotationSet, Document


#: article (absolute path) -> its key, its path under the folder it was found in
#: without ``.txt`` ('TDT/w078'), for the articles ``articles.find_articles``
#: found in a subfolder of a folder given: their annotation files mirror that
#: tree (``<annotations>/TDT/w078.yaml``), as ``annotator import`` writes them
_ARTICLE_KEYS: dict[str, str] = {}


def remember_article_key(article_path: str | os.PathLike, key: str) -> None:
    """``key`` (``TDT/w078``) is where ``article_path``'s annotation file is under
    the annotations folder (``articles.find_articles``, the one door, says so)."""
    _ARTICLE_KEYS[os.path.abspath(article_path)] = key


def article_key(article_path: str | os.PathLike) -> str:
    """The article's path under the folder it was found in, without ``.txt``
    (``TDT/w078``); its stem for an article given by name or at the top of a folder."""
    if _ARTICLE_KEYS:
        got = _ARTICLE_KEYS.get(os.path.abspath(article_path))
        if got is not None:
            return got
    return Path(article_path).stem


def pair_given_article(article_path: str | os.PathLike, annotations_dir: str | os.PathLike) -> None:
    """An article given by name (not found in a folder given) whose annotation file
    is not ``<annotations>/<stem>.yaml`` but in a subfolder of it, where ``import``
    mirrors a collection (``ann/TDT/w078.yaml`` for ``src/TDT/w078.txt``): that one is
    its file, when it is the only ``<stem>.yaml`` there whose ``document.path`` is
    this article (else the article keeps ``<annotations>/<stem>.yaml``)."""
    if annotation_path(article_path, annotations_dir).exists() or not os.path.isdir(annotations_dir):
        return
    name = Path(article_path).stem + ".yaml"
    target = os.path.realpath(article_path)
    found = []
    for path, rel in walk(annotations_dir, (name,)):
        if "/" in rel and os.path.basename(path) == name:
            given = _document_path(path)
            if given and os.path.realpath(os.path.join(os.path.dirname(path), given)) == target:
                found.append(rel[: -len(".yaml")])
    if len(found) == 1:
        remember_article_key(article_path, found[0])


def _document_path(yaml_path: str) -> str | None:
    """``document.path`` from the head of an annotation file (None if not there)."""
    try:
        with open(yaml_path, "rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    lines = head.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line == "document:" and lines[i + 1].startswith("  path: "):
            import yaml

            try:
                value = yaml.safe_load(lines[i + 1][len("  path: "):])
            except yaml.YAMLError:
                return None
            return value if isinstance(value, str) else None
    return None


def annotation_path(article_path: str | os.PathLike, annotations_dir: str | os.PathLike) -> Path:
    """``<annotations_dir>/<article key>.yaml``: the stem, or for an article found
    in a subfolder its path there (``<annotations_dir>/TDT/w078.yaml``)."""
    return Path(annotations_dir) / f"{article_key(article_path)}.yaml"


def relative_path(article_path: str | os.PathLike, yaml_path: str | os.PathLike) -> str:
    folder = os.path.dirname(os.path.abspath(yaml_path))
    target = os.path.abspath(article_path)
    try:
        rel = os.path.relpath(target, folder)
    except ValueError:  # another drive (Windows)
        rel = target
    return Path(rel).as_posix()


def new_set(document: Document, yaml_path: str | os.PathLike) -> AnnotationSet:
    """An empty set whose ``document.path`` is the article relative to the YAML's folder."""
    path = relative_path(document.path, yaml_path) if document.path is not None else None
    return AnnotationSet(Document(document.text, path, document.sha256))


def read_yaml_text(yaml_path: Path) -> str:
    return yaml_text(read_yaml_bytes(yaml_path), str(yaml_path))


def read_yaml_bytes(yaml_path: Path) -> bytes:
    """The file's bytes (InputError: a folder, no such file, cannot read)."""
    where = str(yaml_path)
    if yaml_path.is_dir():
        raise InputError(where, "is a folder, not an annotation file")
    try:
        return yaml_path.read_bytes()
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}") from None


def yaml_text(raw: bytes, where: str) -> str:
    """The file's text (InputError: not UTF-8)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(where, f"is not UTF-8 text (bad byte at byte {exc.start})") from None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_beside(p: Path) -> tuple[Path, int]:
    """A new temporary file beside ``p``, open for writing (its name and its file
    descriptor), with ``p``'s permissions when ``p`` exists."""
    try:
        mode = os.stat(p).st_mode & 0o7777
    except OSError:
        mode = None
    tmp = p.parent / f".{p.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666 if mode is None else mode)
    if mode is not None and hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, mode)
        except OSError:
            os.close(fd)
            os.unlink(tmp)
            raise
    return tmp, fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_atomic(
    path: str | os.PathLike, data: str | bytes | Iterable[bytes], *, before_replace: Callable[[], None] | None = None
) -> None:
    """Write a file so that it is either all old or all new, never half-written.

    ``data``: the text (written as UTF-8), the bytes, or byte chunks (a list, or
    made as they are written: ``writer.dump_chunks``) written one after the other.

    A temporary file in the same folder is written, flushed and fsynced, then
    ``before_replace()`` is called (the journal marks the save there: the file is
    still the old one), then it is renamed over the target, then the folder is
    fsynced. On any failure the old file is untouched, the temporary file removed,
    and the exception propagates. The folder is created if missing; an existing
    file keeps its permissions.
    """
    p = _followed(Path(path))
    folder = p.parent
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        chunks: Iterable[bytes] = [data.encode("utf-8")]
    elif isinstance(data, (bytes, bytearray, memoryview)):
        chunks = [bytes(data)]
    else:
        chunks = data
    tmp, fd = _temp_beside(p)
    try:
        try:
            for chunk in chunks:
                _write_all(fd, bytes(chunk))
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def save(aset: AnnotationSet, yaml_path: str | os.PathLike) -> None:
    """Write the set's canonical YAML atomically (folder created if missing)."""
    from .writer import dump_chunks  # (the writer: imported on the first save, not before the first frame)

    write_atomic(yaml_path, dump_chunks(aset))


def _cannot_write(path: Path, exc: OSError) -> InputError:
    """One line for a failed write of a file the user named."""
    why = exc.strerror or exc.__class__.__name__
    folder = path.parent
    if isinstance(exc, NotADirectoryError) or (exc.errno == errno.ENOENT and folder.is_file()):
        return InputError(str(path), f"cannot write: {folder} is a file, not a folder")
    if exc.errno == errno.ENOENT and not folder.exists():
        return InputError(str(path), f"cannot write: no such folder {folder}")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError(str(path), f"cannot write: {why} (is the folder {folder} writable?)")
    if exc.errno == errno.ENOENT:  # the folder exists but takes no new files (/proc, /sys)
        return InputError(str(path), f"cannot write: the folder {folder} takes no new files ({why})")
    return InputError(str(path), f"cannot write: {why}")


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike, *, binary: bool = False, make_folder: bool = False, fsync: bool = True
) -> Iterator[IO]:
    """A file the user named, written all or nothing; any OS error is an ``InputError``.

    Yields an open file (text: UTF-8, ``\n`` line ends; or ``binary``) on a
    temporary file beside the target, renamed over it when the block ends
    without an error. On an error the target is untouched and the temporary
    file removed. ``make_folder`` creates missing folders (else a missing
    folder is an error: a typo in ``-o``); ``fsync=False`` skips the flush to
    disk, for a batch that syncs once at the end. An existing file keeps its
    permissions.
    """
    if str(path) == "-":  # the command line's name for stdout
        yield from _into_stdout(binary)
        return
    p = Path(path)
    if p.is_dir():
        raise InputError(str(p), "is a folder, not a file")
    if _not_a_file(p):
        yield from _into_existing(p, binary)
        return
    p = _followed(p)
    folder = p.parent
    fh: IO | None = None
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        tmp, fd = _temp_beside(p)
        fh = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise _cannot_write(p, exc) from None
    try:
        with fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _cannot_write(p, exc) from None
        raise
    if fsync:
        _fsync_dir(folder)


def _followed(p: Path) -> Path:
    """The file a symbolic link names (written beside it and renamed over it, so
    the link stays a link), or ``p`` itself."""
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def _not_a_file(p: Path) -> bool:
    """Does ``p`` name something that is there and is not a file: a terminal, a
    pipe, a device (``-o /dev/stdout``, ``-o >(gzip > x.gz)``)? It is written in
    place: a rename would put a file where it was."""
    import stat

    try:
        mode = os.stat(p).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _into_existing(p: Path, binary: bool) -> Iterator[IO]:
    try:
        fh = open(p, "wb") if binary else open(p, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise _cannot_write(p, exc) from None
    try:
        with fh:
            yield fh
    except OSError as exc:
        raise _cannot_write(p, exc) from None


def _into_stdout(binary: bool) -> Iterator[IO]:
    """stdout, as bytes, or as UTF-8 text with ``\n`` line ends whatever the locale
    (the same bytes as the file would hold)."""
    import io

    sys.stdout.flush()
    if binary:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    fh = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        yield fh
        fh.flush()
    finally:
        fh.detach()  # stdout's buffer stays open for the command's own lines


def write_text_atomic(path: str | os.PathLike, data: str | bytes, *, make_folder: bool = False, fsync: bool = True) -> None:
    """Write a whole file the user named (see ``atomic_output``): str as UTF-8, or bytes."""
    binary = not isinstance(data, str)
    with atomic_output(path, binary=binary, make_folder=make_folder, fsync=fsync) as fh:
        fh.write(data)


class Staged:
    """Many new files, each all or nothing, made durable together (``annotator merge``).

    ``add`` writes a file's bytes to a temporary file beside it, not flushed;
    ``sync`` flushes every one to disk at once (``os.sync``: on Linux it waits
    for the disk, as an fsync of each file would; elsewhere each file is
    fsynced); ``place`` renames one over its target; ``sync_folders`` fsyncs
    each folder once. ``write_atomic`` gives each file the same guarantee with
    an fsync of the file and of its folder per file. A target only ever names
    complete data that is on disk (flushed before the rename), whatever stops
    the process or the machine; until ``sync_folders`` returns a rename may be
    lost in a power cut (the target is then as it was). Leaving the ``with``
    block removes the temporary files not placed. Any OS error is an
    ``InputError`` naming the file.
    """

    def __init__(self) -> None:
        self._tmp: dict[Path, Path] = {}
        self._folders: set[Path] = set()

    def __len__(self) -> int:
        """Files staged and not yet placed or dropped."""
        return len(self._tmp)

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    def add(self, path: str | os.PathLike, data: bytes) -> None:
        p = Path(path)
        if p in self._tmp:
            raise ValueError(f"{p} is staged twice")
        try:
            tmp, fd = _temp_beside(p)
        except OSError as exc:
            raise _cannot_write(p, exc) from None
        self._tmp[p] = tmp
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
        except OSError as exc:
            self.drop(p)
            raise _cannot_write(p, exc) from None

    def sync(self) -> None:
        """Every staged file's data on disk."""
        if not self._tmp:
            return
        if sys.platform.startswith("linux"):
            os.sync()
            return
        for p, tmp in self._tmp.items():
            try:
                fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                raise _cannot_write(p, exc) from None

    def place(self, path: str | os.PathLike) -> None:
        """The staged file renamed over ``path`` (after ``sync``)."""
        p = Path(path)
        tmp = self._tmp.pop(p)
        try:
            os.replace(tmp, p)
        except OSError as exc:
            self._tmp[p] = tmp
            raise _cannot_write(p, exc) from None
        self._folders.add(p.parent)

    def drop(self, path: str | os.PathLike) -> None:
        """The staged file removed, its target untouched."""
        tmp = self._tmp.pop(Path(path), None)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def discard(self) -> None:
        for p in list(self._tmp):
            self.drop(p)

    def sync_folders(self) -> None:
        """The renames on disk: each folder a file was placed in, fsynced once."""
        for folder in sorted(self._folders):
            _fsync_dir(folder)
        self._folders.clear()


#: the endings of annotation files
YAML_SUFFIXES = (".yaml", ".yml")


#: folders of tools, never of articles: a virtual environment's site-packages alone
#: holds hundreds of LICENSE.txt files, which ``annotator .`` in a project would list
_TOOL_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages", "dist-packages"})


def _skipped(parent: str, name: str) -> bool:
    """A hidden folder, a tool's (``_TOOL_FOLDERS``) or a virtual environment (``pyvenv.cfg``)."""
    if name.startswith(".") or name in _TOOL_FOLDERS:
        return True
    return os.path.exists(os.path.join(parent, name, "pyvenv.cfg"))


def walk(root: str | os.PathLike, suffixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(path, path relative to root, '/'-separated) of the files under ``root``
    (its subfolders too) whose names end with one of ``suffixes``, sorted by the
    relative path. Hidden files and folders (journals, locks, ``.git``), virtual
    environments and tools' folders (``node_modules``) are skipped. Plain strings: 10,000 Path objects weigh ~10 MiB."""
    found: list[tuple[str, str]] = []
    base = str(root)
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not _skipped(folder, d)]
        rel_folder = os.path.relpath(folder, base)
        for name in files:
            if name.startswith(".") or not name.endswith(suffixes):
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            found.append((os.path.join(folder, name), rel))
    found.sort(key=lambda pair: pair[1])
    return found


def is_annotation_file(path: str | os.PathLike) -> bool:
    """Our files start with ``format: annotator/1``; other YAML (a schema, such as
    the ``schemas/`` import writes beside the files) is passed over. A file that
    names a ``format`` (another version), or that is not YAML at all (empty, binary,
    not UTF-8, broken), is taken too, so that reading it names it and its problem
    (as for a file given by name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            if b"annotator/1" in head:
                return True
            data = head + fh.read()
    except OSError:
        return True  # let loading report it
    if not data.strip() or b"\x00" in data:
        return True
    try:
        import yaml

        data = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return True
    return isinstance(data, dict) and "format" in data


def annotation_files_in(folder: str | os.PathLike) -> tuple[list[tuple[str, str]], int]:
    """The annotation files of a folder, found the one way every command finds
    them: its subfolders too (``annotator import`` mirrors the source tree), hidden
    files and folders skipped, other YAML (a schema) passed over. Each file comes
    with its key, its path under the folder without the suffix ('/'-separated:
    ``corpora/x/y``), by which the files of two folders pair up; and the count of
    the YAML files passed over, not counting those of the folder's own
    ``schemas/`` (where ``annotator import`` writes them: no news to say). Plain
    strings, as ``walk`` gives them.
    ``InputError`` when the folder cannot be listed."""
    p = Path(folder)
    try:
        os.scandir(p).close()  # os.walk says nothing of a folder it cannot list
    except OSError as exc:
        raise InputError(str(p), f"cannot list folder: {exc.strerror or exc}") from None
    out: list[tuple[str, str]] = []
    skipped = 0
    for q, rel in walk(p, YAML_SUFFIXES):
        if is_annotation_file(q):
            out.append((q, rel.rsplit(".", 1)[0]))
        elif not rel.startswith("schemas/"):
            skipped += 1
    return out, skipped


def yaml_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files given, folders replaced by their annotation files (``annotation_files_in``)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(Path(q) for q, _ in annotation_files_in(p)[0])
        else:
            out.append(p)
    return out
