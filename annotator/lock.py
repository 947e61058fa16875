"""One writer per article: a lock file beside its annotation file.

``<annotations_dir>/.<stem>.lock`` holds one JSON line: pid, host, user, start
time (and, on Linux, the kernel's start time of that process, so a pid reused
by another program is not mistaken for the holder). It is created with
``O_CREAT | O_EXCL``: of two processes racing for it, exactly one wins.

The record also holds the lock file's inode and (real) path, taken when it is
created: a lock file that is not the one its record was written into (copied,
committed to git and checked out in a clone, on this machine or another) holds
nobody, and is stale.

A lock is stale when its record is unreadable, or it is such a copy, or its
host is this host and its process is gone (``os.kill(pid, 0)`` says no such
process, the process is a zombie, or the pid now belongs to a process started
at another time). A stale lock is taken over
atomically: it is renamed to a private name (only one process can rename that
file), checked to be the very record judged stale, removed, and the ``O_EXCL``
creation is tried again. A lock held on another host (in its own
file: a shared folder) is never judged stale (we cannot see its processes): ``holder()`` names the host and the file to
remove by hand.

No Textual here. ``acquire(yaml_path)`` returns a ``Lock`` or ``None`` (someone
else holds it: open the article read-only and say who, with ``holder()``).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

__all__ = ["Lock", "acquire", "holder", "lock_path", "read_record", "is_stale", "copied"]

#: How many times a stale lock is taken over before giving up (others racing).
_ATTEMPTS = 5


def lock_path(yaml_path: str | os.PathLike) -> Path:
    """``<folder>/.<stem>.lock`` for ``<folder>/<stem>.yaml``."""
    p = Path(yaml_path)
    return p.parent / f".{p.stem}.lock"


def _hostname() -> str:
    try:
        return socket.gethostname() or "localhost"
    except OSError:
        return "localhost"


def _user() -> str:
    # what getpass.getuser() does, without importing getpass (and termios)
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(name)
        if user:
            return user
    try:
        import pwd

        return pwd.getpwuid(os.getuid())[0]
    except Exception:  # no name for this uid (containers), no pwd (Windows)
        return os.environ.get("USER") or "unknown"


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` from the third (state) on, Linux only."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    return stat[stat.rfind(")") + 2 :].split()


def _proc_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), Linux only."""
    rest = _proc_stat(pid)
    # rest[0] is field 3 (state); field 22 (starttime) is rest[19].
    return rest[19] if rest is not None and len(rest) > 19 else None


def _zombie(pid: int) -> bool:
    """Has ``pid`` exited, not yet reaped by its parent (state Z, or X: dead)?"""
    rest = _proc_stat(pid)
    return bool(rest) and rest[0] in ("Z", "X")


def _token(nbytes: int) -> str:
    """``secrets.token_hex(nbytes)`` (which is this), without importing secrets
    (and hmac, hashlib: ~2 ms of the app's start)."""
    return os.urandom(nbytes).hex()


_SELF: dict = {}


def _record(annotator: str | None = None) -> dict:
    pid = os.getpid()
    if _SELF.get("pid") != pid:  # who we are does not change (but a fork is another process)
        _SELF.clear()
        _SELF.update(pid=pid, host=_hostname(), user=_user())
        pst = _proc_start(pid)
        if pst is not None:
            _SELF["proc_start"] = pst
    rec = {
        "pid": pid,
        "host": _SELF["host"],
        "user": _SELF["user"],
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "token": _token(8),
    }
    if "proc_start" in _SELF:
        rec["proc_start"] = _SELF["proc_start"]
    if annotator:
        rec["annotator"] = annotator  # (--annotator: on a shared account, the user says nothing)
    return rec


def _parse(raw: bytes) -> dict | None:
    try:
        rec = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(rec, dict) or type(rec.get("pid")) is not int or not isinstance(rec.get("host"), str):
        return None
    return rec


def read_record(path: str | os.PathLike) -> dict | None:
    """The lock file's record, or None when it is missing or unreadable."""
    try:
        return _parse(Path(path).read_bytes())
    except OSError:
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    except OSError:
        return False
    return True


def copied(rec: dict, path: str | os.PathLike) -> bool:
    """Is the lock file at ``path`` not the one ``rec`` was written into (its inode,
    or on this host its real path, differs): a copy, committed and cloned?"""
    ino = rec.get("ino")
    if type(ino) is int:
        try:
            if os.stat(path).st_ino != ino:
                return True
        except OSError:
            return False
    where = rec.get("path")
    return isinstance(where, str) and rec.get("host") == _hostname() and where != os.path.realpath(path)


def is_stale(rec: dict | None, path: str | os.PathLike | None = None) -> bool:
    """True when the record names no live holder (see the module docstring);
    ``path``: the lock file it was read from (a copy of a lock is stale)."""
    if rec is None:
        return True
    if path is not None and copied(rec, path):
        return True
    if rec["host"] != _hostname():
        return False
    pid = rec["pid"]
    if not _alive(pid) or _zombie(pid):
        return True
    want = rec.get("proc_start")
    if want is not None:
        now = _proc_start(pid)
        if now is not None and now != str(want):
            return True  # the pid was reused by a newer process
    return False


class Lock:
    """A held lock; ``release()`` removes the file if it is still ours."""

    def __init__(self, path: Path, record: dict, *, took_over: dict | None = None):
        self.path = path
        self.record = record
        #: the stale record this lock replaced (None when the file was free)
        self.took_over = took_over
        self.released = False

    def still_held(self) -> bool:
        rec = read_record(self.path)
        return rec is not None and rec.get("token") == self.record["token"]

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if self.still_held():
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lock({str(self.path)!r}, pid={self.record['pid']})"


def _create(path: Path, record: dict, durable: bool = True) -> bool:
    """Create the lock file with ``O_EXCL``; False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        # the file the record is in: a copy of it (git) is then known for one
        record["ino"] = os.fstat(fd).st_ino
        record["path"] = os.path.realpath(path)
        os.write(fd, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    os.close(fd)
    return True


def _take_over(path: Path, stale_raw: bytes | None) -> bool:
    """Move the stale lock out of the way, if it is still the one judged stale."""
    aside = path.with_name(f"{path.name}.stale.{os.getpid()}.{_token(4)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return True  # someone else removed it: just try to create
    except OSError:
        return False
    try:
        raw = aside.read_bytes()
    except OSError:
        raw = None
    if raw == stale_raw:
        try:
            os.unlink(aside)
        except OSError:
            pass
        return True
    # We moved a fresh lock that another process made meanwhile: put it back
    # (link fails if yet another lock appeared: then that one rules).
    try:
        os.link(aside, path)
    except OSError:
        pass
    try:
        os.unlink(aside)
    except OSError:
        pass
    return False


def acquire(yaml_path: str | os.PathLike, *, durable: bool = True, annotator: str | None = None) -> Lock | None:
    """Take the article's lock; None when a live process holds it.
    ``annotator``: who annotates (``--annotator``), named to whoever finds it held.

    The annotations folder is created if missing (the lock lives there).
    ``durable=False``: the record is not fsynced (a lock held for one quick
    write, as by a bulk import: after a crash it is stale anyway).
    """
    path = lock_path(yaml_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = _record(annotator)
    took_over = None
    for _ in range(_ATTEMPTS):
        if _create(path, record, durable):
            return Lock(path, record, took_over=took_over)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue  # released meanwhile
        except OSError:
            raw = None
        rec = _parse(raw) if raw is not None else None
        if rec is not None and not is_stale(rec, path):
            return None
        if raw is not None and rec is None and _young(path):
            return None  # being written right now by its creator: not stale yet
        gone = (dict(rec, copied=True) if copied(rec, path) else rec) if rec else {"unreadable": True}
        if not _take_over(path, raw):
            return None
        took_over = gone
    return None


def _young(path: Path, seconds: float = 2.0) -> bool:
    """An unreadable lock younger than this may be mid-write by its creator."""
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def holder(yaml_path: str | os.PathLike) -> str:
    """Who holds the article's lock, for a one-line message."""
    path = lock_path(yaml_path)
    rec = read_record(path)
    if rec is None:
        return f"an unreadable lock {path}" if path.exists() else "nobody"
    who = rec.get("user") or "someone"
    where = f"pid {rec['pid']} on {rec['host']}"
    annotator = rec.get("annotator")
    if isinstance(annotator, str) and annotator and annotator != who:  # (``--annotator``: who it is)
        who, where = annotator, (f"user {who}, " if rec.get("user") else "") + where
    since = f", since {rec['started']}" if rec.get("started") else ""
    if rec["host"] != _hostname():
        return f"{who} ({where}{since}; if that process is gone, remove {path})"
    return f"{who} ({where}{since})"
