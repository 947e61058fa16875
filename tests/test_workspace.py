"""The workspace: one door for an open article (lock, load, journal, notes,
saves, switch, close), and the entry points that use it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from annotator import lock as locking
from annotator import autosave, store, workspace
from annotator.articles import read_article
from annotator.journal import journal_path
from annotator.model import Entity, Span
from annotator.schema import default_schema
from annotator.session import ReadOnlyError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
TEXT = "By Orhan Qereman\nHASAKEH, Syria (Reuters) - The SDF captured Deir el-Zor.\n"
SIZE = (120, 36)


def article(tmp_path: Path, name: str = "a", text: str = TEXT) -> Path:
    path = tmp_path / "seeds" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def held_by_us(yaml_path: Path) -> bool:
    rec = locking.read_record(locking.lock_path(yaml_path))
    return rec is not None and rec["pid"] == os.getpid()


# ---------------------------------------------------------------------------
# The core
# ---------------------------------------------------------------------------
def test_open_change_save_close(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema(), user="alice")
    assert not ws.read_only and ws.notes == []
    assert held_by_us(ws.yaml_path) and journal_path(ws.yaml_path).exists()
    assert not ws.save()  # nothing in it: no file
    assert not ws.yaml_path.exists()
    ws.session.add_entity("PER", 3, 16)
    assert ws.dirty and ws.save() and not ws.dirty
    assert [e.text for e in store.read(ws.yaml_path).checked().entities.values()] == ["Orhan Qereman"]
    ws.close()
    assert not locking.lock_path(ws.yaml_path).exists() and not journal_path(ws.yaml_path).exists()
    ws.close()  # twice is fine


def test_a_closed_workspace_is_freed_without_the_cyclic_collector(tmp_path):
    """Closed and let go, a workspace and its session go at once (reference counting):
    no cycle (the journal's error callback, a method of the workspace) keeps the
    article's set alive until the next full collection (a command's exit)."""
    import gc
    import weakref

    ws = workspace.open_article(article(tmp_path), tmp_path / "annotations", default_schema(), user="alice")
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.close()
    gone = weakref.ref(ws)
    was = gc.isenabled()
    gc.disable()
    try:
        del ws
        assert gone() is None
    finally:
        if was:
            gc.enable()


def test_an_article_tagged_then_untagged_gets_no_file(tmp_path):
    art = article(tmp_path)
    ws = workspace.open_article(art, tmp_path / "annotations", default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.session.undo()
    assert ws.dirty
    ws.close()
    assert not ws.yaml_path.exists()
    assert not journal_path(ws.yaml_path).exists()  # nothing left to replay


def test_a_second_opener_is_read_only_and_told_who_holds_it(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    first = workspace.open_article(art, ann, default_schema(), user="alice")
    first.session.add_entity("PER", 3, 16)
    second = workspace.open_article(art, ann, default_schema(), user="bob")
    assert second.read_only and second.journal is None and second.lock is None
    assert second.notes[0].startswith("READ-ONLY") and f"pid {os.getpid()}" in second.notes[0]
    assert "T1" in second.session.aset.entities  # the holder's unsaved change, shown
    with pytest.raises(ReadOnlyError):
        second.session.add_entity("GPE", 17, 24)
    assert not second.save()
    with pytest.raises(InputErrorType):
        workspace.open_file(ann / "a.yaml", default_schema())  # exclusive: refused in one line
    second.close()
    assert held_by_us(first.yaml_path) and journal_path(first.yaml_path).exists()  # untouched
    first.close()


from annotator.errors import InputError as InputErrorType  # noqa: E402


def test_a_journal_another_writer_overtook_is_merged_with_the_changed_file(tmp_path):
    """Killed with a tag only in the journal, then a ``git pull`` (or a hand edit)
    changes the file: the journal's steps are replayed on the file they were made
    on (its copy beside the journal) and merged with the file as it is now."""
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)  # journaled, not saved; then the process dies
    crashed(ws)
    # a teammate's tag arrives, written in place (the base's copy is not a link to it)
    text = ws.yaml_path.read_text(encoding="utf-8")
    line = "- {id: T2, label: ORG, start: 33, end: 40, text: Reuters, by: bob}\n"
    with open(ws.yaml_path, "r+", encoding="utf-8") as f:
        f.write(text.replace("entities:\n", "entities:\n" + line, 1))
    again = workspace.open_article(art, ann, default_schema())
    got = {(e.label, e.text, e.by) for e in again.session.aset.entities.values()}
    assert got == {("PER", "Orhan Qereman", "annotator"), ("GPE", "HASAKEH", "annotator"), ("ORG", "Reuters", "bob")}
    assert any("recovered 1 unsaved changes" in n and "merged" in n for n in again.notes), again.notes
    assert not any("already folded in" in n or "set aside" in n for n in again.notes), again.notes
    again.close()
    saved = {e.text for e in store.read(again.yaml_path).checked().entities.values()}
    assert saved == {"Orhan Qereman", "HASAKEH", "Reuters"}
    aside = journal_path(ws.yaml_path).with_name(journal_path(ws.yaml_path).name + ".discarded")
    assert not aside.exists() and not journal_path(ws.yaml_path).exists()
    assert not ws.yaml_path.with_name(".a.journal.base").exists(), "the base's copy goes with the journal"


def test_a_journal_whose_changes_the_file_holds_already_recovers_nothing(tmp_path):
    """A journal left with records another writer's file holds already (a pull of
    the very same tag; an older version's journal of a pull taken into the
    session): replayed and merged, nothing differs from the file. It said
    'recovered 1 unsaved changes' for changes that were saved."""
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)  # journaled, not saved; then the process dies
    crashed(ws)
    store.save(ws.session.aset, ws.yaml_path)  # another writer's file with that very tag
    assert ws.journal.path.exists()
    again = workspace.open_article(art, ann, default_schema())
    assert not any("recovered" in n for n in again.notes), again.notes
    assert {e.text for e in again.session.aset.entities.values()} == {"Orhan Qereman", "HASAKEH"}
    assert not again.session.dirty and not again.session.can_undo
    again.close()
    assert not again.journal.path.exists()


def test_a_journal_of_steps_that_cancel_out_recovers_nothing(tmp_path):
    """A tag and its undo, journaled and not saved (the process dies): replayed on
    the same file they change nothing, and nothing is said recovered."""
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)
    ws.session.undo()
    crashed(ws)
    assert ws.journal.pending == 2
    again = workspace.open_article(art, ann, default_schema())
    assert not any("recovered" in n for n in again.notes), again.notes
    assert not again.session.dirty and not again.session.can_undo
    again.close()
    assert not again.journal.path.exists()


def test_a_big_file_s_base_is_a_link_and_still_merges_a_pull(tmp_path, monkeypatch):
    """A big annotation file (the 10 MB article's is 66 MB) keeps its base as a hard
    link, not a copy: copying it cost 30-100 ms at each opening and each save, and
    the save held its bytes twice. A pull replaces the file (as git does): merged."""
    from annotator import journal as journal_mod

    monkeypatch.setattr(journal_mod, "BASE_LINK_SIZE", 1)
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    base = ws.yaml_path.with_name(".a.journal.base")
    assert base.stat().st_ino == ws.yaml_path.stat().st_ino  # the saved file itself
    ws.session.add_entity("GPE", 17, 24)  # journaled, not saved; then the process dies
    crashed(ws)
    text = ws.yaml_path.read_text(encoding="utf-8")
    line = "- {id: T2, label: ORG, start: 33, end: 40, text: Reuters, by: bob}\n"
    pulled = ws.yaml_path.with_name("pulled.tmp")
    pulled.write_text(text.replace("entities:\n", "entities:\n" + line, 1), encoding="utf-8")
    os.replace(pulled, ws.yaml_path)  # a new file in its place, as git checkout writes it
    again = workspace.open_article(art, ann, default_schema())
    got = {(e.label, e.text) for e in again.session.aset.entities.values()}
    assert got == {("PER", "Orhan Qereman"), ("GPE", "HASAKEH"), ("ORG", "Reuters")}
    assert any("merged" in n for n in again.notes), again.notes
    again.close()


def test_a_journal_whose_base_is_not_kept_is_set_aside_and_said_not_applied(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)  # journaled, not saved; then the process dies
    crashed(ws)
    os.unlink(ws.yaml_path.with_name(".a.journal.base"))  # (an older version's journal: no copy)
    ws.yaml_path.write_text(ws.yaml_path.read_text() + "\n", encoding="utf-8")
    again = workspace.open_article(art, ann, default_schema())
    aside = journal_path(ws.yaml_path).with_name(journal_path(ws.yaml_path).name + ".discarded")
    assert aside.exists()
    assert any("NOT applied" in n and str(aside) in n for n in again.notes), again.notes
    assert not any("folded in" in n for n in again.notes), again.notes
    assert {e.text for e in again.session.aset.entities.values()} == {"Orhan Qereman"}
    again.close()


def test_lost_spans_are_counted_every_time_the_article_opens(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.session.add_entity("GPE", 17, 24)
    ws.close()
    art.write_text(TEXT.replace("HASAKEH", "Qamishli"), encoding="utf-8")
    first = workspace.open_article(art, ann, default_schema())
    assert any("not found" in n for n in first.notes)
    first.close()
    for _ in range(2):
        again = workspace.open_article(art, ann, default_schema())
        assert any(n.startswith("1 span lost") and "T2" in n for n in again.notes), again.notes
        again.close()


def test_switch_to_another_article_keeps_the_old_one_when_the_new_cannot_open(tmp_path):
    a, b = article(tmp_path, "a"), article(tmp_path, "b")
    ann = tmp_path / "annotations"
    ann.mkdir()
    (ann / "b.yaml").write_text("not: [valid\n", encoding="utf-8")
    ws = workspace.open_article(a, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    with pytest.raises(InputErrorType):
        workspace.switch(ws, b, ann, default_schema())
    assert not ws.closed and held_by_us(ws.yaml_path) and journal_path(ws.yaml_path).exists()
    assert not locking.lock_path(ann / "b.yaml").exists()
    (ann / "b.yaml").unlink()
    new = workspace.switch(ws, b, ann, default_schema())
    assert ws.closed and not locking.lock_path(ws.yaml_path).exists()
    assert held_by_us(new.yaml_path) and journal_path(new.yaml_path).exists() and not new.read_only
    assert "T1" in store.read(ann / "a.yaml").checked().entities
    new.close()


def test_switch_to_an_article_with_the_same_file_lets_go_first(tmp_path):
    """Two articles of one name share an annotation file: the new one must not
    find its own lock and open read-only."""
    a = article(tmp_path / "x", "story")
    b = article(tmp_path / "y", "story")
    ann = tmp_path / "annotations"
    ws = workspace.open_article(a, ann, default_schema())
    new = workspace.switch(ws, b, ann, default_schema())
    assert ws.closed and not new.read_only
    assert held_by_us(new.yaml_path) and journal_path(new.yaml_path).exists()
    new.close()


def test_write_new_locks_writes_and_releases(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    aset = store.new_set(read_article(art), ann / "a.yaml")
    aset.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 3, 16))
    workspace.write_new(aset, ann / "a.yaml")
    assert "T1" in store.read(ann / "a.yaml").checked().entities
    assert not locking.lock_path(ann / "a.yaml").exists()
    with pytest.raises(InputErrorType, match="already exists"):
        workspace.write_new(aset, ann / "a.yaml")
    ws = workspace.open_article(art, ann, default_schema())
    with pytest.raises(InputErrorType, match="open in the app"):
        workspace.write_new(aset, ann / "a.yaml", replace=True)
    ws.close()
    workspace.write_new(aset, ann / "a.yaml", replace=True, durable=False)


class FakeClock:
    """Timers and threads for a Saver, run by hand."""

    def __init__(self):
        self.timers: list[list] = []
        self.jobs: list[tuple] = []

    def set_timer(self, delay, callback):
        timer = [delay, callback, True]

        class Handle:
            def stop(self_inner):
                timer[2] = False

        self.timers.append(timer)
        return Handle()

    def run_off_thread(self, fn, done, failed):
        self.jobs.append((fn, done, failed))

    def fire(self):
        live = [t for t in self.timers if t[2]]
        self.timers = []
        for t in live:
            t[1]()
        return [t[0] for t in live]

    def finish(self):
        jobs, self.jobs = self.jobs, []
        for fn, done, failed in jobs:
            try:
                result = fn()
            except OSError as exc:
                failed(exc)
            else:
                done(result)


def test_saver_debounces_saves_in_the_background_and_retries_after_a_failure(tmp_path, monkeypatch):
    art = article(tmp_path)
    ws = workspace.open_article(art, tmp_path / "annotations", default_schema())
    clock = FakeClock()
    saver = autosave.Saver(ws, set_timer=clock.set_timer, run_off_thread=clock.run_off_thread)
    heard = []
    saver.listeners.append(heard.append)
    ws.session.add_entity("PER", 3, 16)
    saver.changed()
    saver.changed()  # a second change restarts the delay: one timer runs
    assert clock.fire() == [autosave.AUTOSAVE_DELAY]
    assert len(clock.jobs) == 1
    clock.finish()
    assert heard == ["saved"] and not ws.session.dirty and ws.yaml_path.exists()
    # A failure: the error is kept for the status line, and a retry is scheduled.
    real_replace = os.replace

    def refused(src, dst, *a, **k):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    ws.session.add_entity("GPE", 17, 24)
    saver.changed()
    clock.fire()
    clock.finish()
    assert heard[-1] == "failed" and "Permission denied" in saver.error
    assert ws.session.dirty and [t[0] for t in clock.timers] == [autosave.RETRY_DELAY]
    monkeypatch.setattr(os, "replace", real_replace)
    clock.fire()  # the retry
    clock.finish()
    assert heard[-1] == "saved" and saver.error is None and not ws.session.dirty
    assert "T2" in store.read(ws.yaml_path).checked().entities
    saver.stop()
    ws.close()


# ---------------------------------------------------------------------------
# The app and the palette's adjudication (issue 13's bug)
# ---------------------------------------------------------------------------
@pytest.fixture
def seed_with_gold(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "annotations").mkdir()
    art = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, art)
    shutil.copyfile(GOLD, tmp_path / "annotations" / GOLD.name)
    return art, tmp_path / "annotations"


async def test_adjudicating_from_the_palette_keeps_the_article_writable(seed_with_gold, tmp_path):
    """Palette -> audit this article against another file -> take one
    disagreement -> q: the article is still the user's, lock and journal beside
    it, and the edit keys work (and are journaled)."""
    from annotator.tui.adjudicate import AdjudicateScreen
    from annotator.tui.app import AnnotatorApp

    art, ann = seed_with_gold
    app = AnnotatorApp([art], annotations_dir=ann, schema=default_schema(), user="tester")
    yaml_path = ann / GOLD.name
    other = store.read(yaml_path).checked()
    other.entities = {k: v for k, v in list(other.entities.items())[:-3]}  # three fewer: missed in the other
    other.events, other.attributions, other.relations = {}, {}, {}
    other.document.path = os.path.relpath(art, tmp_path)
    store.save(other, tmp_path / "other.yaml")
    async with app.run_test(size=SIZE) as pilot:
        assert held_by_us(yaml_path) and journal_path(yaml_path).exists()
        await pilot.press("ctrl+p", *"audit this article")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "other.yaml"), "enter")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AdjudicateScreen)
        before = len(app.session.aset.entities)
        await pilot.press("2")  # take the other side once
        await pilot.press("q")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, AdjudicateScreen)
        assert len(app.session.aset.entities) == before - 1
        assert not app.session.read_only and "READ-ONLY" not in app._status_text
        assert held_by_us(yaml_path), "the app still holds the lock"
        assert journal_path(yaml_path).exists(), "the journal is still there"
        assert app.check_action("label", (1,)) is True  # the edit keys are on
        await pilot.press("g", "slash", *"Reporting", "enter", "1")
        assert any(e.text == "Reporting" for e in app.session.aset.entities.values())
        assert b"Reporting" in journal_path(yaml_path).read_bytes()  # journaled before the next key
        # A second annotator opening it now is read-only: one writer.
        second = workspace.open_article(art, ann, default_schema())
        assert second.read_only
        second.close()
        await pilot.press("q")
    assert any(e.text == "Reporting" for e in store.read(yaml_path).checked().entities.values())
    assert not locking.lock_path(yaml_path).exists() and not journal_path(yaml_path).exists()


async def test_switching_articles_keeps_one_writer_per_article(make_app, tmp_path):
    from annotator.articles import find_articles

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"art{i}.txt").write_text(f"Article {i} says Abdi met Qereman in Hasakeh.\n", encoding="utf-8")
    ann = tmp_path / "annotations"
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=SIZE) as pilot:
        for i in range(3):
            if i:
                await pilot.press("greater_than_sign")
            assert app.index == i
            assert held_by_us(ann / f"art{i}.yaml") and journal_path(ann / f"art{i}.yaml").exists()
            others = [j for j in range(3) if j != i]
            assert not any(locking.lock_path(ann / f"art{j}.yaml").exists() for j in others)
            await pilot.press("slash", *"Abdi", "enter", "1")
        await pilot.press("less_than_sign", "less_than_sign")
        assert app.index == 0 and not app.session.read_only
        assert [e.text for e in app.session.aset.entities.values()] == ["Abdi"]
        await pilot.press("q")
    assert not list(ann.glob(".*.lock")) and not list(ann.glob(".*.journal"))


async def test_the_app_shows_the_notes_of_the_workspace(seed_with_gold, tmp_path):
    from annotator.tui.app import AnnotatorApp

    art, ann = seed_with_gold
    holder = workspace.open_article(art, ann, default_schema(), user="alice")
    app = AnnotatorApp([art], annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(200, 36)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in app._status_text and f"pid {os.getpid()}" in app._status_text
        assert any("READ-ONLY" in n.message for n in app._notifications)
        assert app.check_action("label", (1,)) is False
        await pilot.press("q")
    holder.close()
    assert not locking.lock_path(ann / GOLD.name).exists()


# ---------------------------------------------------------------------------
# Changes recovered from the journal: saved soon, undoable (a kill -9, a full disk)
# ---------------------------------------------------------------------------
def crashed(ws: workspace.Workspace) -> None:
    """The process that had ``ws`` open died (kill -9): its lock is stale, its journal left."""
    if ws.journal is not None:
        ws.journal.detach()
    os.unlink(locking.lock_path(ws.yaml_path))


def test_changes_recovered_from_the_journal_are_autosaved_and_undoable(tmp_path):
    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)  # journaled, not saved
    crashed(ws)
    again = workspace.open_article(art, ann, default_schema())
    assert any("recovered 1 unsaved changes" in n for n in again.notes), again.notes
    assert again.dirty and again.session.can_undo
    # A second crash before anything is saved recovers the same, once.
    crashed(again)
    again = workspace.open_article(art, ann, default_schema())
    assert sorted(e.text for e in again.session.aset.entities.values()) == ["HASAKEH", "Orhan Qereman"]
    clock = FakeClock()
    saver = autosave.Saver(again, set_timer=clock.set_timer, run_off_thread=clock.run_off_thread)
    saver.opened()  # (the app: once it runs)
    assert clock.fire() == [autosave.AUTOSAVE_DELAY]
    clock.finish()
    assert not again.dirty
    assert "HASAKEH" in {e.text for e in store.read(again.yaml_path).checked().entities.values()}
    assert again.session.undo() is not None  # the recovered changes: one step
    assert [e.text for e in again.session.aset.entities.values()] == ["Orhan Qereman"]
    again.session.redo()
    saver.stop()
    again.close()
    assert not journal_path(again.yaml_path).exists()


def test_a_full_disk_at_reopening_leaves_the_recovered_changes_unsaved_until_space_is_back(tmp_path, monkeypatch):
    """The journal cannot be rewritten (ENOSPC): what it recovered is not on disk
    but in the session, dirty (not "saved"), and written once there is room."""
    import errno

    art = article(tmp_path)
    ann = tmp_path / "annotations"
    ws = workspace.open_article(art, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.save()
    ws.session.add_entity("GPE", 17, 24)
    crashed(ws)
    real_write = os.write

    def full(fd, data):
        if not os.readlink(f"/proc/self/fd/{fd}").endswith(".lock"):  # (the lock's few bytes fit)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    again = workspace.open_article(art, ann, default_schema())
    assert again.journal is None and any("cannot keep a journal" in n for n in again.notes), again.notes
    assert any("recovered 1 unsaved changes" in n for n in again.notes), again.notes
    assert again.dirty and again.needs_save(), "not on disk: not 'saved'"
    clock = FakeClock()
    saver = autosave.Saver(again, set_timer=clock.set_timer, run_off_thread=clock.run_off_thread)
    saver.opened()
    clock.fire()
    clock.finish()
    assert saver.error and "No space left" in saver.error and again.dirty
    monkeypatch.undo()  # space is back
    assert clock.fire() == [autosave.RETRY_DELAY]
    clock.finish()
    assert saver.error is None and not again.dirty
    assert "HASAKEH" in {e.text for e in store.read(again.yaml_path).checked().entities.values()}
    assert not journal_path(again.yaml_path).exists(), "the old journal is folded in: nothing set aside next time"
    saver.stop()
    again.close()
    last = workspace.open_article(art, ann, default_schema())
    assert last.notes == [] and len(last.session.aset.entities) == 2
    last.close()


async def test_the_app_saves_changes_recovered_from_the_journal_soon_and_undoes_them(make_app, seed_copy, tmp_path):
    ann = tmp_path / "annotations"
    ws = workspace.open_article(seed_copy, ann, default_schema())
    start = ws.session.text.index("Syria")
    ws.session.add_entity("GPE", start, start + 5)  # journaled, never saved: then kill -9
    crashed(ws)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "recovered 1 unsaved changes" in app._status_text
        await pilot.pause(autosave.AUTOSAVE_DELAY + 0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "[saved]" in app._status_text and not app.session.dirty
        assert "Syria" in {e.text for e in store.read(app.session.yaml_path).checked().entities.values()}
        await pilot.press("u")
        assert "Syria" not in {e.text for e in app.session.aset.entities.values()}
        await pilot.press("q")
    assert "Syria" not in {e.text for e in store.read(ann / (seed_copy.stem + ".yaml")).checked().entities.values()}


# ---------------------------------------------------------------------------
# An article left and opened again keeps its undo and redo
# ---------------------------------------------------------------------------
def test_switching_back_keeps_the_undo_history_while_the_file_is_as_it_was_left(tmp_path):
    a, b = article(tmp_path, "a"), article(tmp_path, "b")
    ann = tmp_path / "annotations"
    ws = workspace.open_article(a, ann, default_schema())
    ws.session.add_entity("PER", 3, 16)
    ws.session.add_entity("GPE", 17, 24)
    ws.session.undo()  # one to redo
    other = workspace.switch(ws, b, ann, default_schema())
    assert ws.history is not None and not locking.lock_path(ws.yaml_path).exists()  # let go meanwhile
    back = workspace.switch(other, a, ann, default_schema(), history=ws.history)
    assert back.resumed and back.notes == []
    assert back.session.redo() is not None and back.session.undo() is not None
    assert back.session.undo() is not None  # the tag of T1, made before the switches
    assert back.session.aset.entities == {} and not back.session.can_undo
    back.session.redo()
    left = workspace.switch(back, b, ann, default_schema())
    # Another writer changes a.yaml meanwhile: those steps no longer fit it.
    aset = store.read(ann / "a.yaml").checked()
    aset.entities["T9"] = Entity("T9", "ORG", Span.of(TEXT, 46, 49))
    store.save(aset, ann / "a.yaml")
    again = workspace.switch(left, a, ann, default_schema(), history=back.history)
    assert again.resumed is False and not again.session.can_undo
    assert any("undo history dropped" in n for n in again.notes), again.notes
    again.close()


def test_a_failed_save_names_the_users_file_not_the_temporary_one(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    tmp = tmp_path / ".a.yaml.1091.5041d69f.tmp"
    assert autosave.save_error(PermissionError(1, "Operation not permitted", str(tmp)), yaml_path) == (
        "Operation not permitted: a.yaml", "Operation not permitted"
    )
    assert autosave.save_error(OSError(28, "No space left on device"), yaml_path)[0] == "No space left on device: a.yaml"
    assert autosave.save_error(IsADirectoryError(21, "Is a directory", str(tmp_path)), yaml_path)[0] == (
        f"Is a directory: {tmp_path.name}"
    )
