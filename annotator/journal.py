"""Crash safety: every change is on disk before the next key is handled.

The journal is ``<annotations_dir>/.<stem>.journal``, JSON lines, append-only:

* line 1, the header: ``{"journal": "annotator/1", "base": SHA, "article": SHA, "length": N}``;
  ``base`` is the sha256 of the YAML file's bytes the records apply on top of
  (``""``: no YAML file yet); ``article`` / ``length`` describe the article the
  records' offsets point into;
* one record per session step, the pairs actually applied (for an undo, the
  inverse of the step): ``{"v": VERSION, "k": "apply"|"undo"|"redo", "l": LABEL,
  "p": [[BEFORE, AFTER], ...]}`` where BEFORE / AFTER are annotations encoded by
  ``encode`` (or null for "absent") and VERSION is ``Session.version`` after the
  step;
* a save marker, appended just before the YAML is replaced:
  ``{"saving": SHA_OF_THE_NEW_YAML, "v": SNAPSHOT_VERSION}``.

Each line is written with one ``os.write`` and made durable with ``fsync``
(``fdatasync`` where there is one) before ``append`` returns.

Replaying (``Journal.open``), given the YAML's current sha:

* ``base`` matches: every record is applied (after replaces before by ID;
  after = None deletes);
* a save marker matches (the process died after the YAML was replaced and
  before the journal was reset): only the records newer than that snapshot;
* nothing matches (another writer changed the YAML meanwhile: a ``git pull``,
  a hand edit): the records are replayed on the file they were made on, kept
  beside the journal as ``.<stem>.journal.base`` (a copy of the base's bytes,
  written when the journal starts on a base: at its opening and at each save,
  without fsync; its sha is checked before it is used), and the result is
  merged with the file as it is now (``three_way.merge3``, as the workspace
  merges a ``git pull`` into an open session); when that copy is missing or
  is not the base, the records are NOT applied: the journal is moved aside to
  ``.<stem>.journal.discarded`` (with its base copy, if any), and
  ``discarded`` says so.

A torn last line (killed mid-write) is ignored, and so is everything after a
line that cannot be read. After the replay the journal is rewritten
(atomically) as a header for the current YAML plus one record holding the
recovered annotations, and records are appended from there.

How it hears of changes: ``attach(session)`` puts a listener first in
``Session.listeners``, which every step (apply, undo, redo) notifies
synchronously inside the call that made it, so the record is on disk before
the app's own listener repaints and before the next key is read. An undo
report carries the step undone: the pairs written are its inverse, the ones
actually applied. A failed write does not stop the change: ``on_error`` is
called (the app says so; the autosave still runs).

Saving goes through ``Journal.save``: the save marker, the atomic YAML write,
then ``folded`` rewrites the journal with the new base, keeping the records
newer than the snapshot (changes made while a background save ran). A crash at
any point leaves the old or the new YAML, and a journal that turns either one
into the latest state.

The records' encoding (annotations <-> JSON, the bytes of a line) is
``annotator.journal_records``.

``annotator.workspace`` puts it all together for every entry point: the lock
(read-only when another process holds it), the file re-anchored to a changed
article, the journal replayed, the session, the saves.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .digest import sha256
from .journal_records import Pair, _line, _read_lines, _record, apply_pairs, decode, decode_pairs, encode, encode_pairs
from .model import AnnotationSet

__all__ = [
    "Journal",
    "journal_path",
    "encode",
    "decode",
    "encode_pairs",
    "decode_pairs",
    "apply_pairs",
    "file_sha",
    "base_copy_path",
    "JOURNAL_FORMAT",
]

JOURNAL_FORMAT = "annotator/1"


def journal_path(yaml_path: str | os.PathLike) -> Path:
    """``<folder>/.<stem>.journal`` for ``<folder>/<stem>.yaml``."""
    p = Path(yaml_path)
    return p.parent / f".{p.stem}.journal"


#: an annotation file this big (the 10 MB article's is 66 MB) keeps its base as a
#: hard link, not a copy: the copy cost 30-100 ms at each opening and each save, and
#: the save held the file's bytes twice (its peak memory) to write it
BASE_LINK_SIZE = 8 * 2**20


def base_copy_path(journal: str | os.PathLike) -> Path:
    """``.<stem>.journal.base``: a copy of the bytes of the YAML the journal's records apply on top of."""
    p = Path(journal)
    return p.with_name(p.name + ".base")


def file_sha(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes; ``""`` when there is no such file."""
    try:
        return sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


# ---------------------------------------------------------------------------
# The journal
# ---------------------------------------------------------------------------


class Journal:
    """The append-only log of one article's changes since its YAML was saved.

    Thread-safe: ``append`` runs on the UI thread, ``save`` / ``folded`` may run
    in a save worker.
    """

    def __init__(self, path: str | os.PathLike, *, on_error: Callable[[OSError], None] | None = None):
        self.path = Path(path)
        self.on_error = on_error
        self._fd: int | None = None
        self._lock = threading.Lock()
        #: (version, line) of every record since the base, in order
        self._records: list[tuple[int, bytes]] = []
        self._header: dict = {}
        self.base = ""
        #: what ``open`` found: steps replayed, and why a journal was discarded
        self.recovered = 0
        self.discarded: str | None = None
        #: where a discarded journal's records were set aside (None: nothing kept)
        self.discarded_path: Path | None = None
        self.torn = False
        self.conflicts = 0
        #: the records were made on an older file (another writer changed it since)
        #: and were merged with the file as it is (three-way, their base kept beside)
        self.merged = False
        #: of those merged, the annotations changed on both sides (both kept as suggestions)
        self.merge_conflicts = 0
        #: the YAML file this journal is for (``open`` copies it as the base)
        self._yaml: Path | None = None
        #: the re-anchoring of recovered spans when the article changed since the crash
        self.reanchored = None
        #: the last write error (the app shows it); None while all is well
        self.error: OSError | None = None
        self._session = None
        #: with ``hold``: the steps not written yet, (pairs, kind, version, label)
        self._held: list[tuple[Sequence[Pair], str, int, str]] | None = None

    @classmethod
    def for_yaml(cls, yaml_path: str | os.PathLike, **kw) -> "Journal":
        return cls(journal_path(yaml_path), **kw)

    # -- opening -------------------------------------------------------------
    def open(self, aset: AnnotationSet, *, base: str | None = None, yaml_path: str | os.PathLike | None = None) -> int:
        """Replay a journal left by a crash onto ``aset`` (in place), then start a fresh one.

        ``base`` is the sha256 of the YAML bytes ``aset`` was loaded from (``""``
        when there is no YAML file); without it the sha of ``yaml_path`` (by
        default the ``<stem>.yaml`` beside the journal) is computed. Returns the
        number of steps recovered. Call it before building the ``Session`` on
        ``aset`` (the session indexes the set when it is made).
        """
        base = self._base(base, yaml_path)
        self._yaml = Path(yaml_path) if yaml_path is not None else self._default_yaml()
        recovered = self._load(aset, base, keep=False)
        self._header = {
            "journal": JOURNAL_FORMAT,
            "base": base,
            "article": aset.document.sha256,
            "length": len(aset.document.text),
        }
        self.base = base
        with self._lock:
            self._records = recovered
            try:
                self._rewrite()
            except OSError:
                # not kept (a full disk): its file stays as it was, what it held is in ``aset``
                if self._fd is not None:
                    os.close(self._fd)
                    self._fd = None
                raise
        self._keep_base(base)
        return self.recovered

    def replay(self, aset: AnnotationSet, *, base: str | None = None, yaml_path: str | os.PathLike | None = None) -> int:
        """Only replay (the file is not touched): for a read-only view of an
        article another process is editing, to show its unsaved changes too."""
        self._load(aset, self._base(base, yaml_path), keep=True)
        return self.recovered

    def _base(self, base: str | None, yaml_path: str | os.PathLike | None) -> str:
        if base is not None:
            return base
        if yaml_path is None:
            yaml_path = self._default_yaml()
        return file_sha(yaml_path)

    def _default_yaml(self) -> Path:
        return self.path.parent / (self.path.name[1:].rsplit(".", 1)[0] + ".yaml")

    # -- the base's copy ---------------------------------------------------------
    #
    # What lets the records be merged with a file another writer changed: the
    # bytes they apply on top of. Written when the journal starts on a base (its
    # opening: a copy of the file; a save: the bytes just written, in the save's
    # thread), not fsynced (a copy lost with the page cache is only a merge not
    # made: its sha is checked before use). On a 3.1 MB annotation file (42,000
    # entities on a 1 MB article) the copy is 1-4 ms at the opening and 3-5 ms
    # at a save (in its thread), beside the save's own atomic write (11 ms).

    def _keep_base(self, base: str, data: Iterable[bytes] | None = None) -> None:
        """Copy the base (the YAML file, or ``data``: its bytes) beside the journal;
        none for no file (base ""). A file of ``BASE_LINK_SIZE`` or more is not
        copied but linked (a hard link: the saves replace the file, they do not
        write into it; one written into in place by another program no longer
        matches its sha, and is then not used). Errors are ignored: without a copy,
        a journal the file no longer matches is set aside instead of merged."""
        copy = base_copy_path(self.path)
        try:
            if not base:
                with _quiet():
                    os.unlink(copy)
                return
            tmp = copy.with_name(copy.name + ".tmp")
            if data is None:
                if self._yaml is None:
                    return
                import shutil

                with _quiet():
                    os.unlink(tmp)
                if os.path.getsize(self._yaml) >= BASE_LINK_SIZE:
                    try:
                        os.link(self._yaml, tmp)
                    except OSError:  # (a file system without hard links)
                        shutil.copyfile(self._yaml, tmp)
                else:
                    shutil.copyfile(self._yaml, tmp)
            else:
                with open(tmp, "wb") as out:
                    for chunk in data:
                        out.write(chunk)
            os.replace(tmp, copy)
        except OSError:
            with _quiet():
                os.unlink(copy)  # (an older base's copy would only be refused by its sha)

    def _base_set(self, header: dict, aset: AnnotationSet) -> AnnotationSet | None:
        """The annotations the records were made on, from the base's copy; None when
        it is not kept (or is not that base)."""
        base = header.get("base")
        if base == "":
            return AnnotationSet(aset.document)
        if not isinstance(base, str):
            return None
        try:
            raw = base_copy_path(self.path).read_bytes()
        except OSError:
            return None
        if sha256(raw).hexdigest() != base:
            return None
        from . import store

        try:
            got = store.read(self._yaml or self._default_yaml(), text=raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, OSError):
            return None
        if got.aset is None or got.problems:
            return None
        return got.aset

    def _load(self, aset: AnnotationSet, base: str, keep: bool) -> list[tuple[int, bytes]]:
        self.recovered = 0
        self.discarded = None
        self.discarded_path = None
        self.torn = False
        self.conflicts = 0
        self.reanchored = None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        return self._replay(raw, aset, base, keep)

    def _replay(self, raw: bytes, aset: AnnotationSet, base: str, keep: bool) -> list[tuple[int, bytes]]:
        lines, self.torn = _read_lines(raw)
        if not lines or lines[0].get("journal") != JOURNAL_FORMAT:
            self.discarded = "not a journal (unreadable first line)"
            return []
        header, body = lines[0], lines[1:]
        after_version: int | None = None
        if header.get("base") == base:
            after_version = -1
        else:
            for rec in body:
                if rec.get("saving") == base and isinstance(rec.get("v"), int):
                    after_version = rec["v"]
        theirs: AnnotationSet | None = None  # the file as it is, to merge with (another writer changed it)
        base_set: AnnotationSet | None = None
        if after_version is None and any("p" in rec for rec in body):
            base_set = self._base_set(header, aset)
            if base_set is not None:
                after_version, theirs = -1, aset.copy()
        if after_version is None:
            if not any("p" in rec for rec in body):
                self.discarded = "nothing in it"
                return []
            self.discarded = (
                "the annotation file was changed since by another writer (a git pull, a hand edit) and the file "
                "its changes were made on is not kept: they were NOT applied"
            )
            if not keep:
                # keep the records aside (with their base's copy, if any), for whoever can apply them
                aside = self.path.with_name(self.path.name + ".discarded")
                try:
                    os.replace(self.path, aside)
                    self.discarded_path = aside
                except OSError:
                    pass
                else:
                    with _quiet():
                        os.replace(base_copy_path(self.path), base_copy_path(aside))
            return []
        # the records go onto the file's set, or onto their own base's when merged
        target = base_set.copy() if base_set is not None else aset
        before = {}
        steps = 0
        for rec in body:
            if "p" not in rec or not isinstance(rec.get("v"), int) or rec["v"] <= after_version:
                continue
            try:
                pairs = decode_pairs(rec["p"])
            except (KeyError, TypeError, ValueError, IndexError):
                self.torn = True
                break
            for b, a in pairs:
                ann = a if a is not None else b
                if ann is not None and ann.id not in before:
                    before[ann.id] = aset.get(ann.id)
            self.conflicts += apply_pairs(target, pairs)
            steps += 1
        self.recovered = steps
        if not steps:
            return []
        article = header.get("article")
        if article is not None and aset.document.sha256 is not None and article != aset.document.sha256:
            # The article changed after the crash: the recovered spans point into
            # the old one. Re-find them (spans that still match are not touched).
            from .reanchor import reanchor

            fixed, report = reanchor(target, aset.document.text, old_length=header.get("length"))
            target.entities, target.events = fixed.entities, fixed.events
            target.attributions, target.relations = fixed.attributions, fixed.relations
            self.reanchored = report
            if base_set is not None:
                fixed, _ = reanchor(base_set, aset.document.text, old_length=header.get("length"))
                base_set = fixed
        if base_set is not None and theirs is not None:
            # Another writer changed the file since: what the records made of their
            # base, merged with the file as it is (both changed one annotation: both kept).
            from .three_way import KINDS, merge3

            target.document = aset.document
            merged = merge3(base_set, target, theirs)
            aset.entities, aset.events = merged.aset.entities, merged.aset.events
            aset.attributions, aset.relations = merged.aset.attributions, merged.aset.relations
            self.merged, self.merge_conflicts = True, merged.conflicts
            self.conflicts = 0  # (made on their own base: none)
            before = {}
            for kind in KINDS:
                old, new = theirs.table(kind), aset.table(kind)
                for ann_id in old.keys() | new.keys():
                    before[ann_id] = old.get(ann_id)
        # One record holding what the replay changed, so that a second crash
        # before the next save recovers the same state.
        pairs: list[Pair] = []
        for ann_id, old in before.items():
            now = aset.get(ann_id)
            if now != old:
                pairs.append((old, now))
        if not pairs:
            # The file holds all the records made (saved already, or another writer's
            # file has them; steps that cancel out): nothing is recovered, nor said so.
            self.recovered, self.conflicts = 0, 0
            self.merged, self.merge_conflicts = False, 0
            self.reanchored = None
            return []
        rec = {"v": 0, "k": "recovered", "l": f"{steps} steps recovered", "p": encode_pairs(pairs)}
        return [(0, _line(rec))]

    # -- writing -------------------------------------------------------------
    def _rewrite(self) -> None:
        """Atomically replace the file with the header and the kept records; reopen for appending."""
        from .store import write_atomic

        data = _line(self._header) + b"".join(line for _, line in self._records)
        try:
            write_atomic(self.path, data)
        finally:
            # On failure the old file is intact: keep appending to it.
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if self.path.exists():
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))

    def _write(self, line: bytes) -> None:
        fd = self._fd
        if fd is None:
            raise OSError("the journal is not open")
        size = os.fstat(fd).st_size
        try:
            view = memoryview(line)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            _sync(fd)
        except OSError:
            # Leave no torn line behind for the next append to follow.
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise

    def append(self, pairs: Sequence[Pair], kind: str = "apply", *, version: int, label: str = "") -> None:
        """Write one step durably (the pairs as applied, in order). Errors go to ``on_error``."""
        with self._lock:
            if self._held is not None:
                self._held.append((pairs, kind, version, label))
                return
        line = _record(version, kind, label, pairs)  # the bytes of _line({"v", "k", "l", "p"})
        with self._lock:
            try:
                self._write(line)
            except OSError as exc:
                self._failed(exc)
                return
            self._records.append((version, line))
            self.error = None

    def hold(self) -> None:
        """The steps from now on wait in memory, their records neither made nor
        written, until the next ``save``: the YAML it writes holds them, and they
        are dropped; a save that fails writes them first (as ``append`` would
        have), and so do ``write_held`` and ``close``. For a step saved at once by
        a process no one watches (`annotator suggest`: the record of 42,000
        suggestions was 0.12 s of its 1 s on 1 MB): killed before the save ends,
        it leaves the old YAML and a journal for it, as if killed before the step."""
        with self._lock:
            if self._held is None:
                self._held = []

    def write_held(self) -> None:
        """Write the steps ``hold`` kept (in order), and stop holding."""
        with self._lock:
            held, self._held = self._held, None
        for pairs, kind, version, label in held or ():
            self.append(pairs, kind, version=version, label=label)

    def saving(self, new_base: str, version: int) -> None:
        """Mark that the snapshot of ``version`` is about to be written as ``new_base``."""
        with self._lock:
            self._write(_line({"saving": new_base, "v": version}))

    def folded(self, new_base: str, keep_after: int) -> None:
        """The YAML now holds the snapshot of version ``keep_after`` (sha ``new_base``).

        The journal restarts on that base, keeping the records made after the
        snapshot was taken.
        """
        with self._lock:
            self._records = [(v, line) for v, line in self._records if v > keep_after]
            self._header = dict(self._header, base=new_base)
            self.base = new_base
            self._rewrite()
        if not new_base:
            self._keep_base("")

    def rebased(self, new_base: str, keep_after: int) -> None:
        """The YAML, written by another writer (a ``git pull`` taken into the
        session), now holds the session's state at version ``keep_after``, as
        after a save of ours: the journal restarts on that file (sha ``new_base``),
        keeping the records made after it, and the file is copied as its base.

        Without it, the journal kept the step that took the pull, on a base the
        file no longer was: left behind by a close (nothing to save), a later
        open replayed it onto whatever the file had become (a teammate's
        deletion pulled since was undone). The journal names its new base before
        the copy is made: a crash in between leaves a journal with no records
        past that base (nothing to replay). A file changed again meanwhile is
        copied too, and its sha then refuses the copy (``_base_set``)."""
        self.folded(new_base, keep_after=keep_after)
        if new_base:
            self._keep_base(new_base)

    def save(
        self, snapshot: AnnotationSet, version: int, yaml_path: str | os.PathLike, *, data: bytes | None = None
    ) -> str:
        """Write the snapshot of ``version`` to the YAML file and fold the journal into it.

        ``data``: the snapshot's YAML, when made already (``store.dump_chunks``
        joined, by a worker). Returns the sha256 of the bytes written. Exceptions
        (OSError) propagate: the YAML is then the old or the new one, and the
        journal still replays onto either.
        """
        from .store import dump_chunks, write_atomic

        digest = sha256(big=True)
        written: list[bytes] = []  # (kept for the base's copy, while the file is small)
        size = 0

        def hashed():  # the file's bytes, made as they are written (see dump_chunks)
            nonlocal size, written
            for chunk in dump_chunks(snapshot) if data is None else (data,):
                digest.update(chunk)
                size += len(chunk)
                if written is not None:
                    written.append(chunk)
                    if size >= BASE_LINK_SIZE:  # a big file's base is a link to it: not held twice
                        written = None
                yield chunk

        def mark() -> None:  # written and synced, not yet in place: the record first
            self.saving(digest.hexdigest(), version)

        try:
            write_atomic(yaml_path, hashed(), before_replace=mark)
        except BaseException:
            self.write_held()  # (the old YAML stays: the held steps are not in it)
            raise
        sha = digest.hexdigest()
        self._keep_base(sha, written)  # (before the journal names it as its base)
        written = None
        with self._lock:
            held, self._held = self._held, None
        try:
            self.folded(sha, keep_after=version)
        finally:
            for pairs, kind, v, label in held or ():
                if v > version:  # (made after the snapshot: not in the YAML)
                    self.append(pairs, kind, version=v, label=label)
        return sha

    def _failed(self, exc: OSError) -> None:
        self.error = exc
        if self.on_error is not None:
            self.on_error(exc)

    @property
    def pending(self) -> int:
        """Records not yet folded into the YAML."""
        return len(self._records)

    # -- the session ---------------------------------------------------------
    def attach(self, session) -> None:
        """Append every change of ``session`` (its listeners run before the next key)."""
        self._session = session
        session.listeners.insert(0, self._on_change)

    def detach(self) -> None:
        if self._session is not None:
            try:
                self._session.listeners.remove(self._on_change)
            except ValueError:
                pass
            self._session = None

    def _on_change(self, report) -> None:
        step = report.step
        if report.undo:
            pairs, kind = step.inverse().pairs, "undo"
        else:
            pairs, kind = step.pairs, "redo" if report.redo else "apply"
        self.append(pairs, kind, version=self._session.version, label=step.label)

    def close(self) -> None:
        """Stop journaling; the file is removed when everything is folded into the YAML."""
        self.detach()
        self.write_held()
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if not self._records:
                for path in (self.path, base_copy_path(self.path)):
                    with _quiet():
                        os.unlink(path)

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _quiet():
    import contextlib

    return contextlib.suppress(OSError)


def _sync(fd: int) -> None:
    sync = getattr(os, "fdatasync", None) or os.fsync
    sync(fd)
