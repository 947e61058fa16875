"""Another writer changes an open article's file (a ``git pull``, an editor): the
workspace merges what changed there into the session instead of overwriting it."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from annotator import autosave, store, workspace
from annotator.model import SUGGESTED, Entity, Span
from annotator.schema import default_schema

from tests.test_workspace import FakeClock, article

TEXT = "By Orhan Qereman\nHASAKEH, Syria (Reuters) - The SDF captured Deir el-Zor.\n"


def opened(tmp_path: Path, *labels: tuple[str, int, int]) -> workspace.Workspace:
    """An article opened with a file holding ``labels`` (saved by "bob" before)."""
    art = article(tmp_path, text=TEXT)
    ws = workspace.open_article(art, tmp_path / "annotations", default_schema(), user="bob")
    for label, s, e in labels:
        ws.session.add_entity(label, s, e)
    ws.save()
    ws.close()
    return workspace.open_article(art, tmp_path / "annotations", default_schema(), user="alice")


def pulled(ws: workspace.Workspace, change) -> bytes:
    """What ``git pull`` does to the file: a new file put in its place, written by
    another (``change`` edits a copy of the file's set); its bytes."""
    theirs = store.read(ws.yaml_path).checked()
    change(theirs)
    data = store.dumps(theirs).encode("utf-8")
    tmp = ws.yaml_path.with_name(".pull.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, ws.yaml_path)
    return data


def entity(label: str, s: int, e: int, by: str = "carol") -> Entity:
    return Entity("T9", label, Span.of(TEXT, s, e), by=by)


def labels(aset) -> list[tuple[str, str, str]]:
    return sorted((e.text, e.label, e.status) for e in aset.entities.values())


def test_a_change_on_disk_is_merged_with_the_unsaved_work_not_overwritten(tmp_path):
    ws = opened(tmp_path, ("PER", 3, 16))
    ws.session.add_entity("GPE", 17, 24)  # alice's, not saved yet
    assert not ws.changed_on_disk()
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51)))
    assert ws.changed_on_disk()
    assert ws.save()
    on_disk = store.read(ws.yaml_path).checked()
    want = [("HASAKEH", "GPE", "accepted"), ("Orhan Qereman", "PER", "accepted"), ("SDF", "ORG", "accepted")]
    assert labels(on_disk) == labels(ws.session.aset) == want
    assert not ws.changed_on_disk() and not ws.save()  # our own write is no change on disk
    # the merge was one step of the session: undone, alice's set is as it was
    ws.session.undo()
    assert labels(ws.session.aset) == [("HASAKEH", "GPE", "accepted"), ("Orhan Qereman", "PER", "accepted")]
    ws.close()


def test_a_change_on_disk_while_idle_is_taken_and_nothing_is_written(tmp_path):
    ws = opened(tmp_path, ("PER", 3, 16))
    data = pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51)))
    note = ws.take_disk_changes()
    assert note is not None and "changed on disk: took 1 change" in note
    assert labels(ws.session.aset) == [("Orhan Qereman", "PER", "accepted"), ("SDF", "ORG", "accepted")]
    assert not ws.session.dirty and not ws.save()
    assert ws.yaml_path.read_bytes() == data
    assert ws.take_disk_changes() is None  # nothing new since
    ws.close()
    assert ws.yaml_path.read_bytes() == data


def test_one_annotation_changed_on_both_sides_keeps_both_as_suggestions(tmp_path):
    ws = opened(tmp_path, ("PER", 3, 16))
    ws.session.relabel("T1", "ORG")  # alice

    def carol(x):
        x.entities["T1"] = replace(x.entities["T1"], label="GPE", by="carol")

    pulled(ws, carol)
    note = ws.take_disk_changes()
    assert "both kept as suggestions to review" in note
    got = {(e.label, e.status, e.attrs["merge"]["side"]) for e in ws.session.aset.entities.values()}
    assert got == {("ORG", SUGGESTED, "ours"), ("GPE", SUGGESTED, "theirs")}
    assert ws.save()
    assert labels(store.read(ws.yaml_path).checked()) == labels(ws.session.aset)
    ws.close()


def test_a_file_broken_on_disk_is_not_overwritten_and_the_work_is_kept(tmp_path):
    ws = opened(tmp_path, ("PER", 3, 16))
    ws.session.add_entity("GPE", 17, 24)
    broken = b"format: annotator/1\n<<<<<<< HEAD\nentities: [\n"  # a conflict git left
    ws.yaml_path.write_bytes(broken)
    try:
        ws.save()
    except workspace.ChangedOnDisk as exc:
        assert "changed on disk and cannot be read" in str(exc) and "your work is kept" in str(exc)
    else:
        raise AssertionError("saved over a file it could not read")
    assert ws.yaml_path.read_bytes() == broken and ws.session.dirty
    # mended (the conflict resolved by hand, keeping carol's entity): the next save merges
    art_set = store.new_set(ws.session.aset.document, ws.yaml_path)
    art_set.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 3, 16), by="bob")
    art_set.entities["T9"] = entity("ORG", 48, 51)
    ws.yaml_path.write_text(store.dumps(art_set), encoding="utf-8")
    assert ws.save()
    assert labels(store.read(ws.yaml_path).checked()) == [
        ("HASAKEH", "GPE", "accepted"), ("Orhan Qereman", "PER", "accepted"), ("SDF", "ORG", "accepted"),
    ]
    ws.close()


def test_the_autosave_takes_a_change_on_disk_and_says_so(tmp_path):
    ws = opened(tmp_path, ("PER", 3, 16))
    clock = FakeClock()
    saver = autosave.Saver(ws, set_timer=clock.set_timer, run_off_thread=clock.run_off_thread)
    heard: list[str] = []
    saver.listeners.append(heard.append)
    saver.watch(1.0)
    assert clock.fire() == [1.0] and heard == []  # nothing changed: only the next look
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51)))
    assert clock.fire() == [1.0]
    assert heard == ["took"] and "took 1 change" in saver.note
    assert ("SDF", "ORG", "accepted") in labels(ws.session.aset) and not ws.session.dirty
    # a change of the file between the autosave's look and its write: merged, then written
    ws.session.add_entity("GPE", 17, 24)
    saver.changed()
    clock.fire()
    pulled(ws, lambda x: x.entities.__setitem__("T8", Entity("T8", "LOC", Span.of(TEXT, 61, 72), by="carol")))
    clock.finish()  # the write refused (ChangedOnDisk): taken, saved again soon
    assert heard[-1] == "took" and ws.session.dirty
    assert autosave.AUTOSAVE_DELAY in clock.fire()
    clock.finish()
    assert heard[-1] == "saved" and not ws.session.dirty
    assert {e.text for e in store.read(ws.yaml_path).checked().entities.values()} == {
        "Orhan Qereman", "SDF", "HASAKEH", "Deir el-Zor",
    }
    saver.stop()
    assert clock.fire() == []  # stopped: no more looks
    ws.close()


async def test_the_app_shows_a_pull_made_while_it_is_open_and_keeps_both(tmp_path, monkeypatch):
    from annotator.tui.app import AnnotatorApp

    monkeypatch.setattr(autosave, "WATCH_DELAY", 0.1)
    opened(tmp_path, ("PER", 3, 16)).close()
    art = tmp_path / "seeds" / "a.txt"
    app = AnnotatorApp([art], annotations_dir=tmp_path / "annotations", schema=default_schema(), user="alice")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        pulled(app.workspace, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51)))
        for _ in range(40):
            await pilot.pause(0.05)
            if "T9" in app.session.aset.entities:
                break
        assert app.session.aset.entities["T9"].label == "ORG"
        assert any("changed on disk: took 1 change" in str(n.message) for n in app._notifications)
        app.session.add_entity("GPE", 17, 24)
        await pilot.press("q")
    on_disk = store.read(tmp_path / "annotations" / "a.yaml").checked()
    assert {e.text for e in on_disk.entities.values()} == {"Orhan Qereman", "SDF", "HASAKEH"}


# ---------------------------------------------------------------------------
# A pull taken while nothing is unsaved: the journal is folded, not left behind
# ---------------------------------------------------------------------------
def pulled_file(yaml_path: Path, change) -> None:
    """``pulled`` for an article not open here (another writer's new file in its place)."""
    theirs = store.read(yaml_path).checked()
    change(theirs)
    tmp = yaml_path.with_name(".pull.tmp")
    tmp.write_bytes(store.dumps(theirs).encode("utf-8"))
    os.replace(tmp, yaml_path)


def journal_files(ws: workspace.Workspace) -> list[str]:
    return sorted(p.name for p in ws.yaml_path.parent.iterdir() if p.name.startswith(f".{ws.yaml_path.stem}.journal"))


def test_a_pull_taken_with_nothing_unsaved_folds_the_journal_onto_the_pulled_file(tmp_path):
    """The merge of a pull was a journaled step, then marked saved with the journal
    still on the old file: the journal held an 'apply' of the pull, on a base the
    file no longer was. Now the journal restarts on the pulled file at once."""
    from annotator.journal import base_copy_path, file_sha

    ws = opened(tmp_path, ("PER", 3, 16))
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51)))
    assert "took 1 change" in ws.take_disk_changes()
    assert not ws.session.dirty and ws.journal.pending == 0
    sha = file_sha(ws.yaml_path)
    assert ws.journal.base == sha
    header = ws.journal.path.read_text(encoding="utf-8").splitlines()
    assert len(header) == 1 and sha in header[0]  # (the header only, on the pulled file)
    assert file_sha(base_copy_path(ws.journal.path)) == sha
    ws.close()
    assert journal_files(ws) == []  # folded: removed, as after a save


def test_a_teammates_deletion_pulled_while_the_article_was_left_is_not_undone(tmp_path):
    """05: a pull adds bob's T9 ([saved]); > to another article; a second pull
    deletes T9; < back: the stale journal of the first pull was replayed and put
    T9 back, saying 'recovered 1 unsaved changes'."""
    ws = opened(tmp_path, ("PER", 3, 16))
    yaml_path = ws.yaml_path
    ws.session.add_entity("GPE", 17, 24)  # alice's, saved before the pull
    assert ws.save()
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51, by="bob")))
    assert "took 1 change" in ws.take_disk_changes() and not ws.session.dirty
    other = article(tmp_path, "b", text="Carlos Ruiz lives in Lima.\n")
    schema = ws.session.schema
    b = workspace.switch(ws, other, tmp_path / "annotations", schema, user="alice")
    assert journal_files(ws) == []  # left with everything saved: nothing behind
    pulled_file(yaml_path, lambda x: x.entities.pop("T9"))  # bob deleted it
    back = workspace.switch(b, tmp_path / "seeds" / "a.txt", tmp_path / "annotations", schema, user="alice",
                            history=ws.history)
    assert not any("recovered" in n for n in back.notes), back.notes
    assert "T9" not in back.session.aset.entities and not back.session.dirty
    assert not back.save()
    assert {e.text for e in store.read(yaml_path).checked().entities.values()} == {"Orhan Qereman", "HASAKEH"}
    back.close()
    assert "T9" not in store.read(yaml_path).checked().entities


def test_the_autosave_watch_folds_the_journal_of_a_pull_before_a_switch(tmp_path):
    """The same through the app's path: the saver's watch takes the pull."""
    ws = opened(tmp_path, ("PER", 3, 16))
    clock = FakeClock()
    saver = autosave.Saver(ws, set_timer=clock.set_timer, run_off_thread=clock.run_off_thread)
    saver.watch(1.0)
    ws.session.add_entity("GPE", 17, 24)
    saver.changed()
    clock.fire()
    clock.finish()
    assert not ws.session.dirty
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51, by="bob")))
    clock.fire()
    assert "took 1 change" in saver.note and not ws.session.dirty
    assert ws.journal.pending == 0
    assert not ws.save()  # nothing to write: the file holds it
    saver.stop()
    b = workspace.switch(ws, article(tmp_path, "b", text="Lima.\n"), tmp_path / "annotations", ws.session.schema,
                         user="alice")
    assert journal_files(ws) == []
    b.close()


def test_a_pull_taken_over_unsaved_work_keeps_it_in_the_journal_until_saved(tmp_path):
    """With alice's change not saved yet, the file does not hold it all: the journal
    keeps it (a crash then recovers it, merged with the pull); the save folds it."""
    ws = opened(tmp_path, ("PER", 3, 16))
    ws.session.add_entity("GPE", 17, 24)
    pulled(ws, lambda x: x.entities.__setitem__("T9", entity("ORG", 48, 51, by="bob")))
    ws.take_disk_changes()
    assert ws.session.dirty and ws.journal.pending
    ws.close(save=False)  # (as a crash: the journal keeps it)
    again = workspace.open_article(tmp_path / "seeds" / "a.txt", tmp_path / "annotations", default_schema(),
                                   user="alice")
    assert any("recovered" in n for n in again.notes)
    assert labels(again.session.aset) == [
        ("HASAKEH", "GPE", "accepted"), ("Orhan Qereman", "PER", "accepted"), ("SDF", "ORG", "accepted"),
    ]
    assert again.save()
    again.close()
    assert journal_files(again) == []
