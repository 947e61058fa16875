"""The first article opened in a thread: its text is on screen at once, its
annotations load meanwhile; cursor keys work while they load, keys that need
them wait (in order) and then act on the real, journaled session."""

import shutil
import threading

import pytest

from annotator import lock as locking
from annotator import store
from annotator import workspace as workspaces
from annotator.articles import read_article
from annotator.errors import InputError
from annotator.model import AnnotationSet, Entity, Span

SIZE = (120, 36)


@pytest.fixture
def gate(monkeypatch):
    """Hold the opening thread until ``gate.set()`` (so the test sees the loading state)."""
    event = threading.Event()
    real = workspaces.open_article

    def held(*args, **kw):
        assert event.wait(30), "the test never let the opening go on"
        return real(*args, **kw)

    monkeypatch.setattr(workspaces, "open_article", held)
    return event


def gold(art, ann_dir):
    """A file with one entity on the article's first word."""
    text = read_article(art).text
    word_end = text.index(" ")
    aset = AnnotationSet(read_article(art))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, word_end), by="gold")
    path = store.annotation_path(art, ann_dir)
    workspaces.write_new(aset, path)
    return path, text


async def until_loaded(pilot, app):
    for _ in range(400):
        if not app.loading:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    assert not app.loading


async def test_text_first_cursor_moves_at_once_other_keys_wait_in_order(make_app, seed_copy, tmp_path, gate):
    path, text = gold(seed_copy, tmp_path / "annotations")
    before = path.read_bytes()
    app = make_app(document=read_article(seed_copy))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.loading
        assert "loading annotations" in app._status_text
        assert app.view.text == text and len(app.session.aset.entities) == 0
        assert not locking.lock_path(path).exists()  # nothing held yet: the thread waits
        await pilot.press("l")  # a cursor key: at once
        second = app.view.cursor
        assert second > 0
        await pilot.press("l", "2", "l")  # `2` needs the annotations: it and what follows wait
        third = app.view.cursor
        assert third > second  # the first l went at once
        assert app.session.aset.entities == {}
        gate.set()
        await until_loaded(pilot, app)
        await pilot.pause()
        ents = app.session.aset.entities
        assert ents["T1"].by == "gold"  # the file's annotations are there
        added = [e for e in ents.values() if e.id != "T1"]
        assert len(added) == 1 and added[0].start == third and added[0].label == "ORG"
        assert app.view.cursor > third  # the l typed after `2` went after it
        assert app.session.read_only is False and app.workspace.journal is not None
        assert locking.lock_path(path).exists()
        await pilot.press("q")
    saved = store.read(path).checked()
    assert {e.label for e in saved.entities.values()} == {"PER", "ORG"}
    assert path.read_bytes() != before
    assert not locking.lock_path(path).exists()


async def test_quit_while_loading_lets_go_of_everything(make_app, seed_copy, tmp_path, gate):
    path, _text = gold(seed_copy, tmp_path / "annotations")
    before = path.read_bytes()
    app = make_app(document=read_article(seed_copy))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.loading
        await pilot.press("1")  # held
        threading.Timer(0.2, gate.set).start()  # the thread opens (and locks) while quitting
        await pilot.press("ctrl+q")  # goes at once
    assert path.read_bytes() == before
    assert not locking.lock_path(path).exists()
    assert not any(p.name.endswith(".journal") for p in path.parent.iterdir())


async def test_a_bad_file_found_in_the_thread_exits_2_and_leaves_it_untouched(make_app, seed_copy, tmp_path):
    path, _text = gold(seed_copy, tmp_path / "annotations")
    bad = path.read_text(encoding="utf-8").replace("label: PER", "label: WHO")
    path.write_text(bad, encoding="utf-8")
    app = make_app(document=read_article(seed_copy))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(400):
            if app.load_error is not None:
                break
            await pilot.pause(0.01)
    assert app.return_code == 2
    assert isinstance(app.load_error, InputError) and "WHO" in str(app.load_error.message)
    assert path.read_text(encoding="utf-8") == bad
    assert not locking.lock_path(path).exists()


async def test_open_read_only_when_another_annotator_holds_it(make_app, seed_copy, tmp_path):
    path, _text = gold(seed_copy, tmp_path / "annotations")
    other = workspaces.open_article(seed_copy, tmp_path / "annotations", make_app().schema, user="other")
    try:
        app = make_app(document=read_article(seed_copy))
        async with app.run_test(size=SIZE) as pilot:
            await until_loaded(pilot, app)
            assert app.session.read_only and "READ-ONLY" in app._status_text
            assert "T1" in app.session.aset.entities
            await pilot.press("2")
            assert len(app.session.aset.entities) == 1
    finally:
        other.close()


def test_the_cli_reads_a_big_file_in_the_app(tmp_path, monkeypatch):
    """Above READ_BEFORE the file is not read before the terminal is taken over."""
    from annotator.commands import annotate

    art = tmp_path / "a.txt"
    shutil.copyfile(workspaces.Path(__file__).parent.parent / "seeds" / "sdf-captures-deir-el-zor.txt", art)
    path, _text = gold(art, tmp_path / "ann")
    seen = {}

    class Fake:
        def __init__(self, articles, **kw):
            seen.update(kw)
            self.load_error = None

        def run(self):
            return 0

    monkeypatch.setattr("annotator.tui.app.AnnotatorApp", Fake)
    monkeypatch.setattr(annotate, "READ_BEFORE", 0)
    from annotator.cli import main

    assert main([str(art), "--annotations", str(tmp_path / "ann")]) == 0
    assert seen["first"] is None and seen["document"].text == read_article(art).text
    monkeypatch.setattr(annotate, "READ_BEFORE", 1 << 30)
    assert main([str(art), "--annotations", str(tmp_path / "ann")]) == 0
    assert seen["document"] is None and "T1" in seen["first"].aset.entities


async def test_ctrl_s_on_a_big_article_saves_off_the_ui_thread(make_app, seed_copy, tmp_path, monkeypatch):
    from annotator.tui import app as app_module

    monkeypatch.setattr(app_module, "SAVE_IN_BACKGROUND", 0)
    path, _text = gold(seed_copy, tmp_path / "annotations")
    app = make_app()
    ui = threading.current_thread()
    writers = []
    real_write = workspaces.Workspace.write

    def write(self, version, snapshot):
        writers.append(threading.current_thread())
        return real_write(self, version, snapshot)

    monkeypatch.setattr(workspaces.Workspace, "write", write)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "2", "ctrl+s")
        assert "saving" in app.message or "saved" in app.message
        for _ in range(400):
            if not app.session.dirty:
                break
            await pilot.pause(0.01)
        assert not app.session.dirty and "saved" in app.message and "[saved]" in app._status_text
        assert writers and all(t is not ui for t in writers)
        assert len(store.read(path).checked().entities) == 2


async def test_q_on_a_big_article_saves_off_the_ui_thread_says_so_then_quits(make_app, seed_copy, tmp_path, monkeypatch):
    """q with unsaved changes on a big article: the status line says it is saving,
    keys go on meanwhile (a change made then is written too), and the app quits
    once everything is on disk."""
    from annotator.tui import app as app_module

    monkeypatch.setattr(app_module, "SAVE_IN_BACKGROUND", 0)
    path, _text = gold(seed_copy, tmp_path / "annotations")
    app = make_app()
    ui = threading.current_thread()
    writers, gate = [], threading.Event()
    real_write = workspaces.Workspace.write

    def write(self, version, snapshot):
        writers.append(threading.current_thread())
        gate.wait(5)  # a slow disk: the first save is still running when the next key comes
        return real_write(self, version, snapshot)

    monkeypatch.setattr(workspaces.Workspace, "write", write)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "2", "q")
        assert "before quitting" in app.message and app.is_running
        await pilot.press("l", "l", "3")  # still usable while it writes
        gate.set()
        for _ in range(500):
            if not app.is_running:
                break
            await pilot.pause(0.01)
        assert not app.is_running and app.return_code == 0
    assert writers and all(t is not ui for t in writers)
    assert len(store.read(path).checked().entities) == 3


async def test_ctrl_q_on_a_big_article_saves_before_it_quits(make_app, seed_copy, tmp_path, monkeypatch):
    """ctrl+q (listed as Quit beside q) quit a big article without waiting for its
    save off the UI thread: the YAML lacked the last change, only the journal had
    it. Now it writes the file, on this thread, then quits."""
    from annotator.tui import app as app_module

    monkeypatch.setattr(app_module, "SAVE_IN_BACKGROUND", 0)
    path, _text = gold(seed_copy, tmp_path / "annotations")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "2", "ctrl+q")
        await pilot.pause()
    assert not app.is_running
    assert len(store.read(path).checked().entities) == 2


async def test_lost_spans_of_a_file_read_in_the_thread(tmp_path):
    """Re-anchoring in the thread: the lost spans are counted and listed as when
    the file is read before the app starts."""
    from .test_lost_spans import LOST_IDS, _app, changed  # noqa: F401 (fixture body reused below)

    article, ann = changed.__wrapped__(tmp_path)
    app = _app(article, ann, document=read_article(article))
    async with app.run_test(size=SIZE) as pilot:
        await until_loaded(pilot, app)
        assert app.lost_ids() == LOST_IDS and "LOST:6" in app._status_text
        assert app.annotation_list.key_at(0)[0] == -1  # listed first


async def test_long_article_laid_out_after_the_load_then_switch_interval_restored(
    make_app, seed_copy, tmp_path, gate, monkeypatch
):
    """The rest of a long article is laid out once its annotations are in (not
    beside the load, which would share the interpreter with it); the lowered
    switch interval is what it was once both are done."""
    import sys

    from annotator import pace
    from annotator.tui import article_layout

    monkeypatch.setattr(article_layout, "PART", 500)  # the seed is a long article now
    before = sys.getswitchinterval()
    gold(seed_copy, tmp_path / "annotations")
    app = make_app(document=read_article(seed_copy))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert app.loading
        assert sys.getswitchinterval() < before  # keys get the interpreter sooner meanwhile
        assert pace._hook is not None
        assert not app.view._geo.complete  # only the first part: the rest waits for the load
        await pilot.press("l")  # a cursor key is handled during the load
        assert app.view.cursor > 0
        gate.set()
        await until_loaded(pilot, app)
        for _ in range(400):
            if app.view._geo.complete and sys.getswitchinterval() == before:
                break
            await pilot.pause(0.01)
        assert app.view._geo.complete
        assert sys.getswitchinterval() == before
        assert pace._hook is None
        assert "loading annotations" not in app._status_text
        await pilot.press("q")
    assert sys.getswitchinterval() == before


async def test_quit_while_loading_restores_the_switch_interval(make_app, seed_copy, tmp_path, gate):
    import sys

    from annotator import pace

    before = sys.getswitchinterval()
    gold(seed_copy, tmp_path / "annotations")
    app = make_app(document=read_article(seed_copy))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.loading and sys.getswitchinterval() < before
        threading.Timer(0.2, gate.set).start()
        await pilot.press("ctrl+q")
    assert sys.getswitchinterval() == before
    assert pace._hook is None


async def test_a_save_in_its_thread_shares_the_interpreter_with_the_keys(make_app, monkeypatch):
    """An autosave writes in a worker thread: meanwhile the switch interval is
    lowered and the writer's pieces give way to keys (as during a load); after
    it, both are as they were."""
    import sys

    from annotator import pace
    from annotator.workspace import Workspace

    before = sys.getswitchinterval()
    seen = []
    real = Workspace.write

    def write(ws, version, snapshot):
        seen.append((threading.current_thread() is not threading.main_thread(), sys.getswitchinterval(), pace._hook))
        return real(ws, version, snapshot)

    monkeypatch.setattr(Workspace, "write", write)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert sys.getswitchinterval() == before and pace._hook is None
        await pilot.press("l", "1")
        for _ in range(300):
            if seen and not app.saver.saving:
                break
            await pilot.pause(0.01)
        (in_thread, interval, hook), *_ = seen
        assert in_thread and interval < before and hook is not None
        assert sys.getswitchinterval() == before and pace._hook is None
        assert app.workspace.yaml_path.exists()
