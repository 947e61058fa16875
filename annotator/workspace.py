"""One door for an open article: its lock, its journal, its session, its saves.

Every entry point that edits an article (the app, the adjudication screen,
``audit --view``, ``suggest``) opens it here, and nothing else writes an
annotation file, a journal or a lock. The life of an open article, in order:

1. **open** (``open_article`` / ``open_file``): take the lock, or open read-only
   and say who holds it; load (re-anchored when the article changed); replay
   the journal a crash left; collect in ``notes`` every line the user must see
   (read-only and why, changes recovered, a journal set aside and where, spans
   moved or lost);
2. **change**: through ``Session.apply`` only; the journal (attached to the
   session) appends each step before the next key is read;
3. **save** (``Workspace.write`` / ``save``, or an ``autosave.Saver`` for the
   debounced autosave with retry): the journal's save marker, the atomic write, the
   journal folded into the new file; an article with nothing in it and no file
   gets no file;
4. **close** (``close``) or **switch** (``switch``): the last save, the journal
   stopped (removed once folded), the lock released, in an order that never
   lets go of the lock or journal of what stays open.

``write_new`` writes a new annotation file for an article that is not open
(import, merge): lock, atomic write, release.

No Textual here (nor in ``annotator.autosave``: the app gives a ``Saver`` its
timer and its worker thread).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Callable

from . import lock as locking
from . import store
from .articles import read_article
from .collector import freeze as _freeze
from .errors import InputError, short_error
from .journal import Journal
from .model import AnnotationSet, Document
from .schema import Schema
from .session import Session

__all__ = ["Workspace", "Opening", "ChangedOnDisk", "History", "open_article", "open_file", "switch", "write_new"]



class ChangedOnDisk(OSError):
    """The annotation file changed on disk since this workspace read or wrote it
    (a ``git pull``, another tool): it is not overwritten; ``take_disk_changes``
    merges what changed there into the session first."""


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What says a file changed without reading it: its mtime, size and inode
    (an atomic write, ours or git's, makes a new inode); None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class History:
    """The undo and redo of an article left by ``switch``, for when this process
    opens it again (``open_article(..., history=)``). The lock is let go
    meanwhile (another annotator may take the article): the steps are taken
    back only when the file is as it was left (its sha, read while the lock was
    still held) over the same article text, with no journal replayed; otherwise
    they are dropped, and the opening says so."""

    __slots__ = ("sha", "article", "undo", "redo")

    def __init__(self, sha: str, article: str | None, undo: list, redo: list):
        #: the file's sha256 when it was left ("" for no file)
        self.sha = sha
        #: the article's sha256 then
        self.article = article
        self.undo = undo
        self.redo = redo

    def __repr__(self) -> str:
        return f"History({len(self.undo)} undo, {len(self.redo)} redo, sha={self.sha[:12]!r})"


class Workspace:
    """An open article: its session, and the lock and journal that keep it safe.

    ``read_only``: another process (or another window of this one) holds the
    lock; every change raises ``ReadOnlyError`` and nothing is ever written.
    ``notes``: what the user must be told now that it is open.
    """

    def __init__(
        self,
        session: Session,
        *,
        lock: locking.Lock | None,
        journal: Journal | None,
        notes: list[str],
        holder: str | None = None,
        base: AnnotationSet | None = None,
        stamp: tuple[int, int, int] | None = None,
    ):
        self.session = session
        #: the set the file held when this workspace last read or wrote it, and the
        #: file's ``_stamp`` then: the base of a three-way merge with what is on
        #: disk now, if another writer (git) changed it meanwhile
        self._base = base if base is not None else session.aset.copy()
        self._stamp = stamp if stamp is not None else _stamp(session.yaml_path) if session.yaml_path else None
        self.lock = lock
        self.journal = journal
        self.notes = notes
        #: who holds the lock when this one is read-only
        self.holder = holder
        self.closed = False
        #: after ``close(keep_history=True)``: its undo and redo (see ``History``)
        self.history: History | None = None
        #: ``open_article(..., history=)``: True when its steps were taken back,
        #: False when they were dropped (the file changed), None when not tried (read-only)
        self.resumed: bool | None = None
        #: called (any thread) when the journal cannot be written; the app says so
        self.on_journal_error: Callable[[OSError], None] | None = None
        self._write_lock = threading.Lock()
        #: the file of a journal replayed but not kept (a full disk): the next save
        #: holds what it recovered, then it goes (else the next open sets it aside)
        self._stale_journal: Path | None = None
        #: the newest version on disk (saves may run in threads)
        self.written_version = -1
        if journal is not None:
            journal.on_error = self._journal_failed

    # -- state ----------------------------------------------------------------
    @property
    def yaml_path(self) -> Path:
        assert self.session.yaml_path is not None
        return self.session.yaml_path

    @property
    def article_path(self) -> Path | None:
        return self.session.article_path

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    @property
    def dirty(self) -> bool:
        return not self.read_only and self.session.dirty

    def _journal_failed(self, exc: OSError) -> None:
        if self.on_journal_error is not None:
            self.on_journal_error(exc)

    # -- saving -----------------------------------------------------------------
    def write(self, version: int, snapshot: AnnotationSet, *, data: bytes | None = None) -> int:
        """Write the snapshot of ``version`` (any thread); returns ``version``.

        An older snapshot never overwrites a newer one. With a journal, the save
        is marked in it and folded (``Journal.save``). A set with nothing in it
        creates no file (an existing one is written: the user deleted the
        last annotation). OSError propagates: the old file is then intact.
        ``data``: the snapshot's YAML (``store.dump_chunks`` joined), when made already."""
        if self.read_only:
            raise PermissionError(f"{self.yaml_path}: open read-only (held by {self.holder}), not saved")
        with self._write_lock:
            if version <= self.written_version:
                return version
            if self._changed():
                raise ChangedOnDisk(f"{self.yaml_path.name} changed on disk since it was read: not overwritten")
            journal = self.journal
            if not snapshot and not self.yaml_path.exists():
                if journal is not None and journal.base == "":
                    journal.folded("", keep_after=version)  # nothing to keep: the journal may go
            elif journal is not None:
                journal.save(snapshot, version, self.yaml_path, data=data)
            elif data is not None:
                store.write_atomic(self.yaml_path, data)
            else:
                store.save(snapshot, self.yaml_path)
            self.written_version = version
            self._base, self._stamp = snapshot, _stamp(self.yaml_path)
            if self._stale_journal is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._stale_journal)
                self._stale_journal = None
        return version

    # -- another writer -----------------------------------------------------------
    def _changed(self) -> bool:
        now = _stamp(self.yaml_path)
        # (a file gone from disk is not a change to merge: the next save writes it again)
        return now is not None and now != self._stamp

    def changed_on_disk(self) -> bool:
        """Has another writer (``git pull``, an editor) changed the annotation file
        since this workspace read or wrote it? One ``stat``; nothing is read."""
        return not self.read_only and not self.closed and self._changed()

    def take_disk_changes(self) -> str | None:
        """Merge what another writer changed in the file into the session, as one
        undoable step through ``Session.apply``: a three-way merge (``three_way.merge3``)
        of the set as this workspace last read or wrote it, the session's set (with
        its unsaved changes) and the file's, as ``annotator merge-file`` merges for
        git; where both changed one annotation, both versions are kept as
        suggestions to review. Returns what to tell the user, or None when the file
        did not change. A file that cannot be read raises ``ChangedOnDisk`` with its
        first problem: nothing is merged or written until it is mended (the
        session and the journal keep the work)."""
        from .errors import ValidationError
        from .three_way import KINDS, merge3

        stamp = _stamp(self.yaml_path)
        if self.read_only or stamp is None or stamp == self._stamp:
            return None
        session = self.session
        try:
            got = store.read(self.yaml_path, article=session.aset.document, schema=session.schema, editing=True)
            theirs = got.checked()
        except (ValidationError, InputError) as err:
            first = err.problems[0] if isinstance(err, ValidationError) and err.problems else err
            raise ChangedOnDisk(
                f"{self.yaml_path.name} changed on disk and cannot be read ({first}): not saved until it is mended; "
                "your work is kept"
            ) from err
        merged = merge3(self._base, session.aset, theirs)
        pairs = _differences(session.aset, merged.aset)
        if pairs:
            session.apply(f"changes on disk to {self.yaml_path.name}", pairs)
        self._base, self._stamp = theirs, stamp
        if all(merged.aset.table(kind) == theirs.table(kind) for kind in KINDS) and self._holds_it_all(got):
            session.mark_saved(session.version)  # the file holds it all: nothing to write
        what = f"{self.yaml_path.name} changed on disk: took {len(pairs)} change{'s' * (len(pairs) != 1)}"
        if merged.conflicts:
            what += f"; {merged.conflicts} changed here too, both kept as suggestions to review"
        return what

    def _holds_it_all(self, got: store.Read) -> bool:
        """The file another writer wrote (``got``, as read) holds the session's
        state: as after a save of ours, the journal restarts on it (its records
        folded, the file copied as its base; ``Journal.rebased``). Without that,
        the journal kept the step that took the file, on the file it replaced:
        closed with nothing to save (``>``, ``q``), it was left behind, and the
        next open replayed it onto what the file had become since (a teammate's
        deletion pulled meanwhile was undone, said as 'recovered 1 unsaved
        changes'). False when the journal cannot be rewritten (a full disk):
        the session stays unsaved, and the next save writes the file and folds
        the journal as any save does. Called with the merge equal to the file."""
        journal = self.journal
        if journal is None or got.report is not None:
            # (no journal to fold; or spans re-anchored to a changed article, which
            # the file does not hold: as before, not written now, the journal kept)
            return True
        if not got.sha256:
            return False
        with self._write_lock:
            version = self.session.version
            try:
                journal.rebased(got.sha256, keep_after=version)
            except OSError:
                return False
            self.written_version = max(self.written_version, version)
            if self._stale_journal is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._stale_journal)
                self._stale_journal = None
        return True

    def needs_save(self) -> bool:
        """Is there something the file does not hold yet?"""
        if self.read_only or self.closed:
            return False
        if self.session.dirty:
            return True
        # Opened with annotations but no file (a new article pre-tagged): write it.
        return bool(self.session.aset) and not self.yaml_path.exists()

    def save(self, prepared: tuple[int, Callable[[], bytes]] | None = None) -> bool:
        """Save now on the calling thread if needed. True when something was written.
        OSError propagates (nothing is lost: the session and the journal hold it).

        ``prepared``: (version, made): ``made()`` is the YAML of the session's set
        at that version (made beside: see `annotator suggest`); used when the
        session is at that version, else the set is written as it is."""
        if self.changed_on_disk():
            self.take_disk_changes()  # (ChangedOnDisk when it cannot be read: nothing written)
        if not self.needs_save():
            return False
        version, snapshot = self.session.snapshot()
        data = prepared[1]() if prepared is not None and prepared[0] == version else None
        self.write(version, snapshot, data=data)
        self.session.mark_saved(version)
        return True

    # -- closing ------------------------------------------------------------------
    def close(self, *, save: bool = True, keep_history: bool = False) -> None:
        """Save (unless ``save=False``: then the journal keeps the unsaved work for
        the next open), stop journaling (the file goes once folded) and let go of
        the lock. Idempotent. A failed save raises OSError and leaves it open.
        ``keep_history``: ``history`` keeps the undo and redo, with the file's sha
        read before the lock goes (``switch``)."""
        if self.closed:
            return
        if save:
            self.save()
        self.closed = True
        if keep_history and not self.read_only:
            from .journal import file_sha

            try:
                sha = file_sha(self.yaml_path)
            except OSError:
                sha = None
            if sha is not None:
                self.history = History(sha, self.session.aset.document.sha256, *self.session.steps())
        if self.journal is not None:
            self.journal.close()
            # (its error callback is a method of this workspace: a cycle that kept a closed
            # article's whole set alive until a full collection; 0.1 s at a command's exit on 1 MB)
            self.journal.on_error = None
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close(save=exc[0] is None)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "read-only" if self.read_only else "open"
        return f"Workspace({str(self.yaml_path)!r}, {state})"


# ---------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------


def _differences(now: AnnotationSet, after: AnnotationSet) -> list:
    """The (before, after) pairs that make ``now``'s annotations ``after``'s: one
    step for ``Session.apply``."""
    from .three_way import KINDS

    pairs = []
    for kind in KINDS:
        mine, theirs = now.table(kind), after.table(kind)
        pairs.extend((b, theirs.get(i)) for i, b in mine.items() if theirs.get(i) is not b and theirs.get(i) != b)
        pairs.extend((None, a) for i, a in theirs.items() if i not in mine)
    return pairs


def _holder(yaml_path: Path) -> str:
    who = locking.holder(yaml_path)
    rec = locking.read_record(locking.lock_path(yaml_path))
    if rec is not None and rec.get("pid") == os.getpid() and rec.get("host") == locking._hostname():
        who += ", this very annotator"
    return who


def _open(
    yaml_path: Path,
    load: Callable[[], store.Read],
    schema: Schema,
    *,
    user: str,
    article_path: Path | None,
    exclusive: bool,
    locked: bool = True,
    index: bool = True,
    history: History | None = None,
) -> Workspace:
    """The one order: lock, load, replay, session, notes.

    ``load()`` reads the file (``store.read``); its problems raise here.
    ``exclusive``: raise InputError instead of opening read-only.
    ``history``: the steps of this article when it was left (``History``)."""
    notes: list[str] = []
    held: locking.Lock | None = None
    lock_error: OSError | None = None
    if locked:
        try:
            held = locking.acquire(yaml_path, annotator=user)
        except OSError as exc:  # cannot even create the folder or the lock file
            lock_error = exc
        if held is None:
            who = _holder(yaml_path) if lock_error is None else f"nobody (cannot lock: {short_error(lock_error)})"
            if exclusive:
                raise InputError(str(yaml_path), f"is open in the app by {who}: quit it first")
    stamp = _stamp(yaml_path)  # (before the read: a change meanwhile is seen as one, and merged)
    try:
        got = load()
        aset = got.checked()
    except BaseException:
        if held is not None:
            held.release()
        raise
    base = aset.copy()  # the file's set, before the journal's unsaved changes
    reanchored, yaml_sha = got.report, got.sha256
    writer = held is not None or not locked
    journal: Journal | None = Journal.for_yaml(yaml_path)
    assert journal is not None
    #: the journal replayed onto ``aset``, kept or not; the file of one that could not be kept
    replayed: Journal | None = journal if writer else None
    stale: Path | None = None
    if not writer:
        journal.replay(aset, base=yaml_sha)  # the holder's unsaved changes, shown too
        if journal.recovered:
            notes.append(f"showing {journal.recovered} unsaved changes of the other annotator")
        journal = None
        notes.insert(0, f"READ-ONLY: {yaml_path.name} is open in another annotator ({who}); read-only here")
    else:
        try:
            journal.open(aset, base=yaml_sha)
        except OSError as exc:  # (a full disk): what it replayed is in the set, its file as it was
            notes.append(f"cannot keep a journal ({short_error(exc)}): changes are only autosaved")
            replayed, journal = journal, None
            if replayed.recovered:
                stale = replayed.path  # its records are in the set: it goes once a save holds them
    if replayed is not None:
        if replayed.recovered:
            what = f"recovered {replayed.recovered} unsaved changes from the journal"
            if replayed.merged:
                what += f", merged with the changes made to {yaml_path.name} since by another writer"
                if replayed.merge_conflicts:
                    what += f"; {replayed.merge_conflicts} changed there too, both kept as suggestions to review"
            notes.append(what)
        if replayed.discarded_path is not None:
            notes.append(
                f"unsaved changes NOT applied: {yaml_path.name} was changed by another writer since they were "
                f"made, and the file they were made on is not kept; they are kept in {replayed.discarded_path}"
            )
        if replayed.reanchored is not None:
            notes.append("recovered changes: " + replayed.reanchored.summary())
    notes.extend(got.notes)  # spans moved, spans lost (each time it opens)
    if held is not None and held.took_over is not None:  # the least news: last
        gone = held.took_over
        if gone.get("copied"):
            notes.append(
                f"took over a lock copied from elsewhere (committed to git? see the README's Git setup): it named "
                f"{gone.get('annotator') or gone.get('user') or 'someone'} (pid {gone.get('pid', '?')} on {gone.get('host', '?')})"
            )
        else:
            notes.append(f"took over the lock of a process that is gone (pid {gone.get('pid', '?')})")
    # What the journal recovered is one step of the session, made on the file's set
    # (undoable; the file does not hold it: the session is dirty, the next save writes it).
    recovered = _differences(base, aset) if writer and replayed is not None and replayed.recovered else []
    start = base.copy() if recovered else aset
    session = Session(start, schema, yaml_path=yaml_path, article_path=article_path, user=user, index=index)
    ws = Workspace(session, lock=held, journal=journal, notes=notes, holder=None if writer else who, base=base, stamp=stamp)
    ws._stale_journal = stale
    if not writer:
        session.read_only = True
    else:
        if recovered:
            # (before the journal hears of it: its rewritten file holds it already, as one record)
            session.apply(f"recovered {replayed.recovered} unsaved changes", recovered)
        if journal is not None:
            journal.attach(session)  # every change is on disk before the next key
        if reanchored is not None:
            session.mark_unsaved()  # the file does not hold this yet: the next save writes it
        if history is not None:
            ws.resumed = (
                history.sha == yaml_sha and history.article == aset.document.sha256
                and not recovered and reanchored is None
            )
            if ws.resumed:
                session.carry(history.undo, history.redo)
            elif history.undo or history.redo:
                notes.append(f"undo history dropped: {yaml_path.name} changed since you left it")
    return ws


def open_article(
    article_path: str | os.PathLike,
    annotations_dir: str | os.PathLike,
    schema: Schema,
    *,
    user: str = "annotator",
    opened: store.Read | None = None,
    exclusive: bool = False,
    locked: bool = True,
    document: Document | None = None,
    index: bool = True,
    history: History | None = None,
) -> Workspace:
    """Open an article for editing (read-only when another annotator has it).

    ``opened``: the article's file as ``store.read(..., editing=True)``
    already read it (before the terminal was taken over); it is read again if
    the file changed since. ``document``: the article as ``read_article``
    read it already (not read again). ``ValidationError`` / ``InputError``
    for a bad file (the lock is then not kept). ``locked=False``: no lock
    (tests that open twice). ``index=False``: the session's marks index is
    built only when first asked for (a command with no view: see ``Session``).
    ``history``: its undo and redo when this process left it (``History``):
    taken back when its file is as it was left (``Workspace.resumed``)."""
    article = Path(article_path)
    yaml_path = store.annotation_path(article, annotations_dir)

    def load() -> store.Read:
        if opened is not None and opened.aset is not None and opened.sha256 == _sha(yaml_path):
            return opened
        doc = document if document is not None else read_article(article)
        return store.read(yaml_path, article=doc, schema=schema, editing=True)

    return _open(
        yaml_path, load, schema, user=user, article_path=article, exclusive=exclusive, locked=locked, index=index,
        history=history,
    )


def open_file(
    yaml_path: str | os.PathLike, schema: Schema | None, *, user: str = "annotator", exclusive: bool = True
) -> Workspace:
    """Open an annotation file named directly (a gold file to adjudicate); its
    article is found through ``document.path``. ``exclusive`` (the default):
    InputError when another annotator has it open."""
    from .schema import default_schema

    path = Path(yaml_path)

    def load() -> store.Read:
        return store.read(path, schema=schema)

    return _open(path, load, schema or default_schema(), user=user, article_path=None, exclusive=exclusive)


class Opening:
    """An article opened in a thread: ``open_article`` (lock, load, replay,
    session) off the UI thread, so that the app paints the article's text
    first and indexes its annotations meanwhile (a big annotation file).

    Until it is done the app shows ``placeholder()``: the text, no
    annotations, read-only, with no lock or journal (nothing can be changed or
    written through it). ``done`` is called from the thread when the opening
    ended, either way; then ``workspace`` (or ``error``) is set. ``then(ws)``,
    if given, runs in the thread after the opening (what the app can prepare
    from the set off its thread); its result is ``prepared``. Whoever starts
    an Opening owns what it opens: ``wait()`` for it and close it, even when
    quitting before it is done.
    """

    def __init__(
        self,
        article_path: str | os.PathLike,
        annotations_dir: str | os.PathLike,
        schema: Schema,
        document: Document,
        *,
        user: str = "annotator",
        locked: bool = True,
        then: Callable[[Workspace], object] | None = None,
    ):
        self.article_path = Path(article_path)
        self.annotations_dir = annotations_dir
        self.schema = schema
        self.document = document
        self.user = user
        self.locked = locked
        self.then = then
        self.workspace: Workspace | None = None
        self.error: BaseException | None = None
        self.prepared: object = None
        #: the thread has opened the article (or failed): ``workspace`` or ``error`` is set
        self.finished = False
        self._thread: threading.Thread | None = None
        self._done: Callable[[], None] | None = None

    def placeholder(self) -> Workspace:
        """The article's text with no annotations, read-only, holding nothing."""
        yaml_path = store.annotation_path(self.article_path, self.annotations_dir)
        session = Session(
            AnnotationSet(self.document), self.schema, yaml_path=yaml_path, article_path=self.article_path, user=self.user
        )
        session.read_only = True
        return Workspace(session, lock=None, journal=None, notes=[], holder="nobody (still opening)")

    def start(self, done: Callable[[], None]) -> None:
        self._done = done
        self._thread = threading.Thread(target=self._run, name="annotator-open", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import gc

        # Hundreds of thousands of objects, no cycles: no collection while they
        # are made, then out of the collector's sight (see commands.annotate).
        gc.disable()
        from . import columns

        # the index, the counts and the list's rows made from the reader's columns
        columns.want()
        try:
            _while_read_ahead(store.annotation_path(self.article_path, self.annotations_dir))
            ws = open_article(
                self.article_path,
                self.annotations_dir,
                self.schema,
                user=self.user,
                locked=self.locked,
                document=self.document,
            )
            self.workspace = ws
            if self.then is not None:
                self.prepared = self.then(ws)
        except BaseException as exc:  # the app reports it (a bad file: exit 2, one line)
            self.error = exc
        finally:
            columns.forget()  # (what they were wanted for is made: see ``then``)
            _freeze()
            gc.enable()
            self.finished = True
            if self._done is not None:
                self._done()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> Workspace | None:
        """Wait for the thread; the workspace it opened (None after an error)."""
        if self._thread is not None:
            self._thread.join()
        return self.workspace


def _while_read_ahead(yaml_path: Path) -> None:
    """A worker reads the file's entities ahead (``store.ahead``): this thread will
    wait for it, so what the set's index needs first is imported now (numpy: a
    third of a second)."""
    from .store import ahead

    if ahead.pending(yaml_path):
        import importlib

        importlib.import_module("numpy")


def _sha(path: Path) -> str:
    from .journal import file_sha

    try:
        return file_sha(path)
    except OSError:
        return "?"


def switch(
    old: Workspace,
    article_path: str | os.PathLike,
    annotations_dir: str | os.PathLike,
    schema: Schema,
    **kw,
) -> Workspace:
    """Save and close ``old``, open another article; returns the new workspace.

    Another file: the new one is opened first, so that when it cannot be
    opened (InputError) ``old`` stays open, its lock and journal untouched.
    The same file (two articles of one name, or a reload): ``old`` lets go
    first, or the new one would find its own lock and open read-only.
    OSError from the save propagates with ``old`` still open. ``old.history``
    keeps its undo and redo, for when it is opened again (``History``); ``kw``
    go to ``open_article`` (``history=``: the new one's, when it was left before)."""
    yaml_path = store.annotation_path(article_path, annotations_dir)
    old.save()
    if _same(yaml_path, old.yaml_path):
        old.close(keep_history=True)
        return open_article(article_path, annotations_dir, schema, **kw)
    new = open_article(article_path, annotations_dir, schema, **kw)
    old.close(keep_history=True)
    return new


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


# ---------------------------------------------------------------------------
# A new file for an article that is not open (import, merge)
# ---------------------------------------------------------------------------


def write_new(aset: AnnotationSet, yaml_path: str | os.PathLike, *, replace: bool = False, durable: bool = True) -> None:
    """Write ``aset`` as a new annotation file: take the lock, write atomically, release.

    InputError when the file exists (unless ``replace``) or when an annotator
    has it open. ``durable=False`` skips the fsync of each file (a bulk import
    syncs once at the end); the write is still all-or-nothing."""
    path = Path(yaml_path)
    with _new_file_door(path, replace, durable):
        data = store.dumps(aset).encode("utf-8")
        if durable:
            store.write_atomic(path, data)
        else:
            _write_replace(path, data)


def place_new(staged, yaml_path: str | os.PathLike, *, replace: bool = False) -> None:
    """Rename a file staged (and synced) in ``staged`` (``store.files.Staged``) into
    place as a new annotation file, through ``write_new``'s door: the same
    InputErrors, the staged file left for ``staged`` to remove. The lock is not
    fsynced (held for one rename: after a crash it is stale anyway)."""
    path = Path(yaml_path)
    with _new_file_door(path, replace, durable=False):
        staged.place(path)


@contextlib.contextmanager
def _new_file_door(path: Path, replace: bool, durable: bool):
    """The article's lock held around writing a new file (refused: InputError)."""
    try:
        held = locking.acquire(path, durable=durable)
    except OSError as exc:
        raise InputError(str(path), f"cannot write here: {short_error(exc)}") from None
    if held is None:
        raise InputError(str(path), f"is open in the app by {_holder(path)}: nothing written")
    try:
        if path.exists() and not replace:
            raise InputError(str(path), "already exists (use --force to replace it)")
        yield
    finally:
        held.release()


def _write_replace(path: Path, data: bytes) -> None:
    """All-or-nothing (a temporary file renamed over the target), no fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
