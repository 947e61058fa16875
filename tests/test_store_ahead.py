"""A big file's entities read ahead by a worker forked before the app starts
(``store.ahead``, ``direct_bytes.ahead_entities``) give the set read in this
process alone; a worker that dies, a file changed since the fork, another
article or schema: read here, the same set or the same problems; the worker is
always reaped (taken or not)."""

import os
import shutil

import pytest

from annotator import forked
from annotator.articles import read_article
from annotator.schema import default_schema
from annotator.store import ahead, direct_bytes, read
from tests.test_store_direct import same
from tests import test_store_worker as _worker

# the worker tests' file, pieces and the values the store's workers sent back
big, small_pieces, results, _entity_lines = _worker.big, _worker.small_pieces, _worker.results, _worker._entity_lines


@pytest.fixture
def ahead_on(small_pieces, monkeypatch):
    monkeypatch.setattr(ahead, "AHEAD_FROM", 0)
    monkeypatch.setattr(forked, "FORK", True)
    monkeypatch.setattr(direct_bytes, "WORKER_PIECES", 1 << 30)  # (the read's own worker: never)
    monkeypatch.setattr(direct_bytes, "AHEAD_STEAL", False)  # (wait for it: see the test of stealing)
    yield
    for a in list(ahead._pending.values()):
        a.cancel()


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _files(big):
    d, _text, yaml_text = big
    p = d / "a.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    return p, read_article(d / "a.txt"), default_schema()


def _here(p, doc, schema, monkeypatch):
    monkeypatch.setattr(forked, "FORK", False)
    try:
        return read(p, article=doc, schema=schema, editing=True)
    finally:
        monkeypatch.setattr(forked, "FORK", True)


def test_read_ahead_gives_the_set_read_here(big, ahead_on, results, monkeypatch):
    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    assert results == [] and here.ok
    a = ahead.start(p, doc, schema)
    assert a is not None and ahead.pending(p)
    pid = a.worker._pid
    got = read(p, article=doc, schema=schema, editing=True)
    assert len(results) == 1 and results[0] is not None  # the worker's columns were taken
    assert not ahead.pending(p) and _reaped(pid)
    assert got.ok and same(here.aset, got.aset)
    assert list(got.aset.entities) == list(here.aset.entities)
    assert got.sha256 == here.sha256 and got.notes == here.notes
    a.cancel()  # (taken: nothing left to do)


def test_a_worker_that_dies_is_read_here(big, ahead_on, results, monkeypatch):
    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    parent = os.getpid()

    def dies(*args):
        assert os.getpid() != parent  # only ever run in the worker
        os._exit(3)

    monkeypatch.setattr(ahead, "_read", dies)
    ahead.start(p, doc, schema)
    got = read(p, article=doc, schema=schema, editing=True)
    assert results == [None]
    assert got.ok and same(here.aset, got.aset)


@pytest.mark.parametrize("change", ["another label", "a problem"])
def test_a_file_changed_after_the_fork_is_read_as_it_is_now(big, ahead_on, results, monkeypatch, tmp_path, change):
    p, doc, schema = _files(big)
    then = tmp_path / "then.yaml"
    shutil.copyfile(p, then)  # the worker reads the file as it was at the fork
    real = ahead._read
    monkeypatch.setattr(ahead, "_read", lambda path, article, schema: real(then, article, schema))
    lines, ents = _entity_lines(p.read_text(encoding="utf-8"))
    i = ents[-1]  # an entity of the worker's share
    if change == "another label":
        label = "PER" if "label: PER," not in lines[i] else "ORG"
        lines[i] = lines[i].split("label: ")[0] + f"label: {label}," + lines[i].split(",", 2)[2]
    else:
        lines[i] = lines[i].replace("label: ", "label: NOPE", 1)
    p.write_text("\n".join(lines), encoding="utf-8")
    here = _here(p, doc, schema, monkeypatch)
    ahead.start(p, doc, schema)  # (reading the file as it was)
    got = read(p, article=doc, schema=schema, editing=True)
    assert len(results) == 1 and results[0] is not None  # it sent the old file's columns: not taken
    if change == "another label":
        assert got.ok and here.ok and same(here.aset, got.aset)
        ent = list(got.aset.entities.values())[-1]
        assert ent.label == label
    else:
        assert here.problems and list(map(str, got.problems)) == list(map(str, here.problems))


@pytest.mark.parametrize("steal", [False, True])
@pytest.mark.parametrize("where", ["label", "event id"])
def test_a_problem_in_the_workers_share_is_reported_as_without_it(big, ahead_on, monkeypatch, where, steal):
    p, doc, schema = _files(big)
    monkeypatch.setattr(direct_bytes, "AHEAD_STEAL", steal)
    lines, ents = _entity_lines(p.read_text(encoding="utf-8"))
    if where == "label":
        lines[ents[-1]] = lines[ents[-1]].replace("label: ", "label: NOPE", 1)
    else:  # an event's id that is an entity's of the worker's share
        ident = lines[ents[-1]].split(",")[0][len("- {id: "):]
        at = lines.index("events:") + 1
        assert lines[at].startswith("- id: ")
        lines[at] = "- id: " + ident
    p.write_text("\n".join(lines), encoding="utf-8")
    here = _here(p, doc, schema, monkeypatch)
    ahead.start(p, doc, schema)
    got = read(p, article=doc, schema=schema, editing=True)
    assert here.problems and list(map(str, got.problems)) == list(map(str, here.problems))


@pytest.mark.parametrize("other", ["article", "schema"])
def test_another_article_or_schema_is_read_here(big, ahead_on, results, monkeypatch, other):
    p, doc, schema = _files(big)
    a = ahead.start(p, doc, schema)
    pid = a.worker._pid
    doc2 = read_article(p.parent / "a.txt") if other == "article" else doc
    schema2 = None if other == "schema" else schema
    got = read(p, article=doc2, schema=schema2, editing=True)
    assert results == [] and _reaped(pid)  # cancelled: never asked for its value
    assert got.ok and same(_here(p, doc, schema, monkeypatch).aset, got.aset)


def test_a_worker_nobody_takes_is_reaped(big, ahead_on):
    p, doc, schema = _files(big)
    a = ahead.start(p, doc, schema)
    pid = a.worker._pid
    a.cancel()
    assert _reaped(pid) and not ahead.pending(p)
    a.cancel()  # idempotent


def test_no_worker_for_a_small_file_or_no_core_to_spare(big, ahead_on, monkeypatch):
    p, doc, schema = _files(big)
    monkeypatch.setattr(ahead, "AHEAD_FROM", p.stat().st_size + 1)
    assert ahead.start(p, doc, schema) is None
    monkeypatch.setattr(ahead, "AHEAD_FROM", 0)
    monkeypatch.setattr(forked, "FORK", False)
    assert ahead.start(p, doc, schema) is None and not ahead._pending


@pytest.mark.parametrize("loads", [True, False])
def test_the_cli_reads_ahead_and_reaps_the_worker(big, ahead_on, results, monkeypatch, tmp_path, loads):
    """``annotate`` forks the worker before the app, which takes it (its load) or
    quits before: reaped either way."""
    from annotator.cli import main
    from annotator.commands import annotate

    p, doc, schema = _files(big)
    folder = tmp_path / "ann"
    folder.mkdir()
    shutil.copyfile(p, folder / "a.yaml")
    started, pids = [], []
    real_start = ahead.start

    def start(*args, **kw):
        a = real_start(*args, **kw)
        started.append(a)
        pids.append(a.worker._pid)
        return a

    monkeypatch.setattr(ahead, "start", start)
    seen = {}

    class Fake:
        def __init__(self, articles, **kw):
            seen.update(kw)
            self.load_error = None

        def run(self):
            if loads:  # as the opening thread does
                seen["read"] = read(folder / "a.yaml", article=seen["document"], schema=seen["schema"], editing=True)
            return 0

    monkeypatch.setattr("annotator.tui.app.AnnotatorApp", Fake)
    monkeypatch.setattr(annotate, "READ_BEFORE", 0)
    assert main([str(p.parent / "a.txt"), "--annotations", str(folder)]) == 0
    assert len(started) == 1 and started[0] is not None
    assert started[0].worker is None and not ahead._pending
    if loads:
        assert len(results) == 1 and results[0] is not None
        here = _here(folder / "a.yaml", seen["document"], seen["schema"], monkeypatch)
        assert seen["read"].ok and same(here.aset, seen["read"].aset)
    else:
        assert results == []
    assert _reaped(pids[0])


def _wait_ready(worker):
    import time

    deadline = time.monotonic() + 60
    while not worker.ready() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("slow", ["all read here", "some read here", "none read here"])
def test_a_slow_worker_s_pieces_are_read_here_meanwhile(big, ahead_on, results, monkeypatch, slow):
    """AHEAD_STEAL: while the worker is not done, the reader reads its pieces, from the first."""
    import time

    from annotator import forked as forked_module

    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    monkeypatch.setattr(direct_bytes, "AHEAD_STEAL", True)
    if slow == "all read here":
        real = ahead._read

        def slow_read(*args):
            time.sleep(30)  # (killed before: its value is not wanted)
            return real(*args)

        monkeypatch.setattr(ahead, "_read", slow_read)
    a = ahead.start(p, doc, schema)
    pid = a.worker._pid
    if slow != "all read here":
        _wait_ready(a.worker)
    if slow == "some read here":  # the first two pieces read here, then its columns of the rest
        real_ready, asked = forked_module.Forked.ready, []

        def ready(self):
            asked.append(1)
            return len(asked) > 2 and real_ready(self)

        monkeypatch.setattr(forked_module.Forked, "ready", ready)
    started = time.monotonic()
    got = read(p, article=doc, schema=schema, editing=True)
    assert _reaped(pid) and time.monotonic() - started < 20
    if slow == "all read here":
        assert results == []  # never waited for
    else:
        assert len(results) == 1 and results[0] is not None
    assert got.ok and same(here.aset, got.aset)
    assert list(got.aset.entities) == list(here.aset.entities)


@pytest.mark.parametrize("idle", [0, 1])
def test_no_worker_unless_a_core_is_idle(big, ahead_on, monkeypatch, idle):
    from annotator.store import many

    p, doc, schema = _files(big)
    monkeypatch.setattr(forked, "FORK", None)
    monkeypatch.setattr(ahead, "spare_core", lambda force=None: True)
    monkeypatch.setattr(many, "_idle_cores", lambda: idle)
    a = ahead.start(p, doc, schema)
    assert (a is not None) == (idle == 1)
    if a is not None:
        a.cancel()
