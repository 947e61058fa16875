"""One writer per article: the lock file beside the annotation file."""

import json
import os
import subprocess
import sys

import pytest

from annotator import lock


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_second_acquire_gets_none_and_names_the_holder(tmp_path):
    yaml_path = tmp_path / "annotations" / "story.yaml"
    first = lock.acquire(yaml_path)
    assert first is not None
    assert lock.lock_path(yaml_path) == tmp_path / "annotations" / ".story.lock"
    assert lock.acquire(yaml_path) is None
    who = lock.holder(yaml_path)
    assert f"pid {os.getpid()}" in who
    first.release()
    assert not lock.lock_path(yaml_path).exists()
    again = lock.acquire(yaml_path)
    assert again is not None and again.took_over is None
    again.release()


def test_the_record_says_who_and_since_when(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    with lock.acquire(yaml_path) as held:
        rec = json.loads(lock.lock_path(yaml_path).read_text())
        assert rec["pid"] == os.getpid() and rec["host"] and rec["started"]
        assert held.still_held()
    assert not lock.lock_path(yaml_path).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    pid = _dead_pid()
    stale = {"pid": pid, "host": lock._hostname(), "user": "ghost", "started": "2020-01-01T00:00:00", "token": "x"}
    lock.lock_path(yaml_path).write_text(json.dumps(stale))
    assert lock.is_stale(lock.read_record(lock.lock_path(yaml_path)))
    held = lock.acquire(yaml_path)
    assert held is not None
    assert held.took_over["pid"] == pid
    assert lock.read_record(lock.lock_path(yaml_path))["pid"] == os.getpid()
    assert not [p for p in tmp_path.iterdir() if ".stale." in p.name]  # nothing left lying around
    held.release()


def test_an_unreadable_old_lock_is_stale(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    path = lock.lock_path(yaml_path)
    path.write_bytes(b"\x00garbage")
    os.utime(path, (1, 1))  # not one being written right now
    held = lock.acquire(yaml_path)
    assert held is not None and held.took_over == {"unreadable": True}
    held.release()


def test_a_fresh_empty_lock_is_respected(tmp_path):
    """Its creator may be between O_EXCL and writing the record."""
    yaml_path = tmp_path / "a.yaml"
    lock.lock_path(yaml_path).write_bytes(b"")
    assert lock.acquire(yaml_path) is None


def test_a_live_process_of_another_program_keeps_its_lock(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        rec = {"pid": proc.pid, "host": lock._hostname(), "user": "bob", "started": "now", "token": "y"}
        pst = lock._proc_start(proc.pid)
        if pst is not None:
            rec["proc_start"] = pst
        lock.lock_path(yaml_path).write_text(json.dumps(rec))
        assert lock.acquire(yaml_path) is None
        assert "bob" in lock.holder(yaml_path)
    finally:
        proc.kill()
        proc.wait()
    assert lock.acquire(yaml_path) is not None  # gone now: stale


def test_a_reused_pid_is_not_the_holder(tmp_path):
    """Same pid, but a process started at another time: the holder is gone."""
    yaml_path = tmp_path / "a.yaml"
    if lock._proc_start(os.getpid()) is None:
        pytest.skip("no /proc here: nothing to compare")
    rec = {"pid": os.getpid(), "host": lock._hostname(), "started": "then", "token": "z", "proc_start": "1"}
    lock.lock_path(yaml_path).write_text(json.dumps(rec))
    assert lock.acquire(yaml_path) is not None


def test_a_lock_on_another_host_is_never_stale(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    rec = {"pid": _dead_pid(), "host": "elsewhere.example", "user": "carol", "started": "t", "token": "w"}
    lock.lock_path(yaml_path).write_text(json.dumps(rec))
    assert lock.acquire(yaml_path) is None
    msg = lock.holder(yaml_path)
    assert "elsewhere.example" in msg and str(lock.lock_path(yaml_path)) in msg


def test_release_leaves_a_lock_that_is_not_ours(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    held = lock.acquire(yaml_path)
    other = {"pid": 1, "host": "h", "token": "someone-else"}
    lock.lock_path(yaml_path).write_text(json.dumps(other))
    held.release()
    assert json.loads(lock.lock_path(yaml_path).read_text())["token"] == "someone-else"


_RACER = """
import sys
from annotator import lock
held = lock.acquire(sys.argv[1])
print("got" if held else "none", flush=True)
sys.stdin.read()  # hold it until the test has heard from everyone
"""


def test_racing_processes_one_wins(tmp_path):
    """Four processes find a stale lock at once: exactly one takes it over."""
    yaml_path = tmp_path / "a.yaml"
    pid = _dead_pid()
    lock.lock_path(yaml_path).write_text(json.dumps({"pid": pid, "host": lock._hostname(), "token": "s"}))
    env = dict(os.environ, PYTHONPATH=str(os.path.dirname(os.path.dirname(lock.__file__))))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(yaml_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    try:
        outs = [p.stdout.readline().strip() for p in procs]
    finally:
        for p in procs:
            p.communicate(timeout=30)
    assert sorted(outs) == ["got", "none", "none", "none"], outs


def test_the_holder_is_named_by_the_annotator_not_only_the_account(tmp_path):
    """On a shared account (or under `serve`) the OS user says nothing: the lock
    names the annotator (``--annotator``), and the workspace's read-only note too."""
    from annotator import workspace
    from annotator.schema import default_schema

    art = tmp_path / "a.txt"
    art.write_text("Orhan Qereman said so.\n", encoding="utf-8")
    first = workspace.open_article(art, tmp_path / "ann", default_schema(), user="alice")
    yaml_path = first.yaml_path
    assert lock.read_record(lock.lock_path(yaml_path))["annotator"] == "alice"
    who = lock.holder(yaml_path)
    assert who.startswith("alice (user ") and f"pid {os.getpid()}" in who
    second = workspace.open_article(art, tmp_path / "ann", default_schema(), user="bob")
    assert second.read_only and "open in another annotator (alice (user" in second.notes[0]
    second.close()
    first.close()
    plain = lock.acquire(yaml_path)  # (no annotator named: the account, as before)
    assert "annotator" not in lock.read_record(lock.lock_path(yaml_path)) and not lock.holder(yaml_path).startswith("alice")
    plain.release()


def test_a_lock_committed_and_cloned_holds_nobody(tmp_path):
    """alice's lock went into git; bob's clone (this host, her app still running)
    has a copy of it: not the file its record was written into, so it is stale."""
    alice = tmp_path / "alice" / "annotations" / "a.yaml"
    held = lock.acquire(alice, annotator="alice")  # a live holder: this very process
    bob = tmp_path / "bob" / "annotations" / "a.yaml"
    bob.parent.mkdir(parents=True)
    lock.lock_path(bob).write_bytes(lock.lock_path(alice).read_bytes())  # (what a clone checks out)
    assert not lock.is_stale(lock.read_record(lock.lock_path(alice)), lock.lock_path(alice))
    assert lock.is_stale(lock.read_record(lock.lock_path(bob)), lock.lock_path(bob))
    mine = lock.acquire(bob, annotator="bob")
    assert mine is not None and mine.took_over["copied"] and mine.took_over["annotator"] == "alice"
    assert lock.acquire(alice) is None, "alice's own lock still holds"
    mine.release()
    held.release()


def test_a_copy_of_another_hosts_lock_holds_nobody(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    path = lock.lock_path(yaml_path)
    path.write_text("")
    ino = os.stat(path).st_ino
    rec = {"pid": 1, "host": "elsewhere.example", "user": "carol", "started": "t", "token": "w"}
    path.write_text(json.dumps(dict(rec, ino=ino, path="/home/carol/annotations/.a.lock")))
    assert lock.acquire(yaml_path) is None, "its own file (a shared folder): held on that host"
    path.unlink()
    path.write_text(json.dumps(dict(rec, ino=ino + 1, path="/home/carol/annotations/.a.lock")))  # a checkout
    held = lock.acquire(yaml_path)
    assert held is not None and held.took_over["copied"]
    held.release()


def test_a_zombie_holds_no_lock(tmp_path):
    """Exited, not yet reaped by its parent (state Z): dead."""
    import time

    yaml_path = tmp_path / "a.yaml"
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        for _ in range(200):
            stat = lock._proc_stat(proc.pid)
            if stat is None:
                pytest.skip("no /proc here")
            if stat[0] == "Z":
                break
            time.sleep(0.02)
        rec = {"pid": proc.pid, "host": lock._hostname(), "user": "ghost", "started": "t", "token": "z"}
        pst = lock._proc_start(proc.pid)
        if pst is not None:
            rec["proc_start"] = pst
        lock.lock_path(yaml_path).write_text(json.dumps(rec))
        held = lock.acquire(yaml_path)
        assert held is not None and held.took_over["pid"] == proc.pid
        held.release()
    finally:
        proc.wait()
