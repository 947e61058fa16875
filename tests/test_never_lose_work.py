"""Never lose work: the journal survives SIGKILL, one writer per article, and a
failed save keeps everything in memory and the old file intact."""

import errno
import os
import signal

import pytest
import yaml

from annotator import store
from annotator.session import ReadOnlyError

from .test_e2e_pty import Terminal, annotator_command

SIZE = (120, 36)
WORDS = ["Syria", "Reuters", "Iraq", "Friday", "Deir", "SDF", "Assad", "Omar", "Abu", "Layla",
         "Kurdish", "Homs", "Aleppo", "Hama", "Tehran", "Beirut", "Amman", "Russia", "Kurds", "HTS"]


def test_twenty_annotations_survive_sigkill(seed_copy, tmp_path):
    """Type 20 annotations in the real app, kill it with SIGKILL right after the
    last key, reopen: all 20 are there (what no autosave wrote yet is replayed
    from the journal)."""
    argv = [annotator_command(), str(seed_copy), "--annotations", "ann", "--annotator", "e2e"]
    term = Terminal(argv, cwd=tmp_path)
    try:
        term.wait_for("HASAKEH")
        term.wait_for("/ Find")  # the footer and the find bar are mounted: keys go where they should
        for word in WORDS:
            term.type("g", pause=0.02)
            term.type("/", pause=0.02)
            term.wait_for("find (enter")  # the find bar has the focus (a loaded machine lags)
            term.type(word, pause=0.02)
            term.type("\r", pause=0.05)
            term.wait_for(f"found {word!r}")
            term.type("8", pause=0.02)
        term.wait_for("MISC:20", timeout=60)  # every key handled (a loaded machine lags)
        os.kill(term.proc.pid, signal.SIGKILL)
        term.proc.wait()
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    journal = tmp_path / "ann" / ".sdf-captures-deir-el-zor.journal"
    assert journal.exists()
    # Reopen in the real app, quit at once: the recovered work is saved.
    term = Terminal(argv, cwd=tmp_path)
    try:
        term.wait_for("recovered")
        term.type("q")
        assert term.wait_exit() == 0
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    data = yaml.safe_load((tmp_path / "ann" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8"))
    texts = [e["text"] for e in data["entities"]]
    assert len(texts) == 20
    assert sorted(texts) == sorted(WORDS)


async def test_second_instance_is_read_only(make_app):
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syria", "enter", "3")
        second = make_app()
        assert second.session.read_only
        assert "READ-ONLY" in second.message
        with pytest.raises(ReadOnlyError):
            second.session.add_entity("PER", 3, 16)
        second.workspace.close()
        await pilot.press("q")
    # The lock is gone with the first app: a third opens read-write.
    third = make_app()
    assert not third.session.read_only
    third.workspace.close()


def test_stale_lock_of_a_dead_process_is_taken_over(make_app, tmp_path):
    import subprocess
    import sys

    from annotator.lock import lock_path

    app = make_app()
    yaml_path = app.session.yaml_path
    app.workspace.close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    lp = lock_path(yaml_path)
    lp.parent.mkdir(parents=True, exist_ok=True)
    lp.write_text('{"pid": %d, "host": "%s", "token": "x"}' % (pid, os.uname().nodename))
    again = make_app()
    assert not again.session.read_only
    again.workspace.close()


@pytest.mark.parametrize("failure", ["disk full", "read-only folder", "file replaced by a directory"])
async def test_failed_save_keeps_work_and_old_file(make_app, monkeypatch, failure, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syria", "enter", "3", "ctrl+s")
        good = app.session.yaml_path.read_bytes()
        if failure == "disk full":
            real_write = os.write

            def full(fd, data):
                if bytes(data[:19]) == b"format: annotator/1":  # the YAML, not the journal
                    raise OSError(errno.ENOSPC, "No space left on device")
                return real_write(fd, data)

            monkeypatch.setattr(os, "write", full)
        elif failure == "read-only folder":
            real_replace = os.replace

            def refused(src, dst, *a, **k):
                raise PermissionError(errno.EACCES, "Permission denied", str(dst))

            monkeypatch.setattr(os, "replace", refused)
        await pilot.press("slash", *"Iraq", "enter", "3", "ctrl+s")
        if failure == "file replaced by a directory":
            app.session.yaml_path.unlink()
            app.session.yaml_path.mkdir()
            await pilot.press("slash", *"Friday", "enter", "7", "ctrl+s")
        assert app.save_error, "the failure is shown"
        assert "NOT SAVED" in app._status_text
        texts = sorted(e.text for e in app.session.aset.entities.values())
        assert "Iraq" in texts and "Syria" in texts  # kept in memory
        if failure != "file replaced by a directory":
            assert app.session.yaml_path.read_bytes() == good  # never truncated
        # Once the problem is gone, saving works again.
        monkeypatch.undo()
        if failure == "file replaced by a directory":
            app.session.yaml_path.rmdir()
        await pilot.press("ctrl+s")
        assert not app.save_error
        saved = store.read(app.session.yaml_path).checked()
        assert "Iraq" in {e.text for e in saved.entities.values()}
        await pilot.press("q")


async def test_changed_article_spans_are_refound_or_listed_as_lost(tmp_path):
    """The seed with its gold, then the article edited: a line inserted at the top
    (every span moves) and the sentence with "Albu Kamal" deleted (its spans are lost)."""
    import shutil
    from pathlib import Path

    from annotator.schema import default_schema
    from annotator.tui.app import AnnotatorApp

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "seeds").mkdir()
    (tmp_path / "annotations").mkdir()
    article = tmp_path / "seeds" / "sdf-captures-deir-el-zor.txt"
    text = (root / "seeds" / article.name).read_text(encoding="utf-8")
    shutil.copyfile(root / "annotations" / "sdf-captures-deir-el-zor.yaml", tmp_path / "annotations" / "sdf-captures-deir-el-zor.yaml")
    start = text.index("Shortly afterwards")
    end = text.index("\n", start) + 1
    article.write_text("UPDATED 12:00 GMT\n" + text[:start] + text[end:], encoding="utf-8", newline="")
    app = AnnotatorApp([article], annotations_dir=tmp_path / "annotations", schema=default_schema(), user="t")
    async with app.run_test(size=SIZE) as pilot:
        assert "spans moved" in app.message and "not found" in app.message
        new = app.session.text
        lost = [e for e in app.session.aset.entities.values() if e.attrs.get("lost")]
        assert {e.text for e in lost} >= {"Albu Kamal border crossing"}
        kept = [e for e in app.session.aset.entities.values() if not e.attrs.get("lost")]
        assert all(new[e.start : e.end] == e.text for e in kept)  # moved onto their own words
        await pilot.press("q")
    problems = store.read(app.session.yaml_path).problems  # what validate prints
    assert problems and all("not found" in p.message for p in problems)
    assert any("Albu Kamal" in p.message for p in problems)


async def test_suggest_command_leaves_an_article_open_in_the_app_alone(make_app):
    import subprocess
    import sys

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syria", "enter", "3", "ctrl+s")
        before = app.session.yaml_path.read_bytes()
        out = subprocess.run(
            [sys.executable, "-m", "annotator", "suggest", str(app.session.article_path), "--with", "rules",
             "--annotations", str(app.session.yaml_path.parent)],
            capture_output=True, text=True,
        )
        assert out.returncode == 2
        assert "open in the app" in out.stderr
        assert app.session.yaml_path.read_bytes() == before
        await pilot.press("q")


@pytest.mark.parametrize("failure", ["read-only folder", "disk full"])
async def test_a_failing_save_is_told_once_in_a_short_line_and_q_says_how_to_quit(make_app, monkeypatch, failure):
    """Each retry failed alike: a new toast every 5 s over the status line's end, the
    temporary file's path on it, the q message (and ctrl+q) pushed out of sight,
    and "your work is kept" even when the journal could not be written."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Syria", "enter", "3", "ctrl+s")
        name = app.session.yaml_path.name
        if failure == "read-only folder":
            def refused(src, dst, *a, **k):  # (as a rename in a folder made read-only: the temporary file named)
                raise PermissionError(errno.EPERM, "Operation not permitted", str(src))

            monkeypatch.setattr(os, "replace", refused)
        else:
            def full(fd, data):  # the YAML and the journal alike
                raise OSError(errno.ENOSPC, "No space left on device", os.readlink(f"/proc/self/fd/{fd}"))

            monkeypatch.setattr(os, "write", full)
        await pilot.press("slash", *"Iraq", "enter", "3")
        for _ in range(3):  # the autosave, then retries
            await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = [n.message for n in app._notifications if n.message.startswith("Could not save")]
        assert len(told) == 1, told
        assert name in told[0] and ".tmp" not in told[0]
        if failure == "read-only folder":
            assert "kept in the journal" in told[0]
        else:
            assert "only in memory" in told[0] and "kept in the journal" not in told[0]
            journal = [n.message for n in app._notifications if n.message.startswith("Could not write the journal")]
            assert len(journal) == 1 and "/" not in journal[0], journal
        reason = "Operation not permitted" if failure == "read-only folder" else "No space left on device"
        assert f"[NOT SAVED ({reason})]" in app._status_text and ".tmp" not in app._status_text
        await pilot.press("q")
        shown = app.query_one("#status")._fitted
        assert "ctrl+q" in shown, shown
        assert app.is_running
        monkeypatch.undo()
        await pilot.press("q")
    assert "Iraq" in {e.text for e in store.read(app.session.yaml_path).checked().entities.values()}
