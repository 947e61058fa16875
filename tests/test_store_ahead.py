"""A big file read ahead by a worker forked before the app starts (``store.ahead``,
``direct_bytes.ahead_read``: its entities', events' and attributions' pieces as
columns, streamed) gives the set read in this process alone; a worker that dies,
a file changed since the fork, another article or schema, a bad token anywhere:
read here, the same set or the same problems; the worker is always reaped (taken
or not)."""

import os
import shutil
import subprocess
import sys

import pytest

from annotator import forked
from annotator.articles import read_article
from annotator.schema import default_schema
from annotator.store import ahead, direct_bytes, direct_reader, read
from tests.test_store_direct import same
from tests import test_store_worker as _worker

# the worker tests' file, pieces and the values the store's workers sent back
big, small_pieces, _entity_lines = _worker.big, _worker.small_pieces, _worker._entity_lines


@pytest.fixture
def ahead_on(small_pieces, monkeypatch):
    monkeypatch.setattr(ahead, "AHEAD_FROM", 0)
    monkeypatch.setattr(forked, "FORK", True)
    monkeypatch.setattr(direct_bytes, "WORKER_PIECES", 1 << 30)  # (the read's own worker: never)
    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", False)  # (none read from the end: see those tests)
    monkeypatch.setattr(direct_bytes, "AHEAD_WAIT", 30.0)  # (wait for each piece: see the slow worker's)
    monkeypatch.setattr(direct_reader, "SMALL", 1)  # (a piece of a few events: columns, as a big one's)
    yield
    for a in list(ahead._pending.values()):
        a.cancel()


@pytest.fixture
def results(monkeypatch):
    """Per read: [pieces made from the worker's columns, from the end's read here, the worker's pid]."""
    got = []
    real_take, real_decode, real_steal = direct_bytes._BytesReader.take_ahead, direct_bytes._decode, direct_bytes._BytesReader.steal_back
    parent = os.getpid()

    def take_ahead(self, *args):
        if self._tag == 0:
            got.append([0, 0, self.ahead._pid])
        return real_take(self, *args)

    def decode(view):
        assert os.getpid() == parent
        got[-1][0] += 1
        return real_decode(view)

    def steal_back(self, tag):
        stole = real_steal(self, tag)
        got[-1][1] += stole
        return stole

    monkeypatch.setattr(direct_bytes._BytesReader, "take_ahead", take_ahead)
    monkeypatch.setattr(direct_bytes, "_decode", decode)
    monkeypatch.setattr(direct_bytes._BytesReader, "steal_back", steal_back)
    return got


def _pieces(p):
    """The pieces the worker reads (its plan's), by section."""
    r = direct_bytes.DirectBytes(p.read_bytes(), str(p))._reader
    plan = r.ahead_plan()
    return {key: sum(1 for _t, k, _c in plan if k == key) for key in ("entities", "events", "attributions")}


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


def _same_read(got, here):
    assert got.ok and here.ok and same(here.aset, got.aset)
    for name in ("entities", "events", "attributions", "relations"):
        assert list(getattr(got.aset, name)) == list(getattr(here.aset, name))
    assert got.sha256 == here.sha256 and got.notes == here.notes


@pytest.mark.parametrize("small", [1, 128])
@pytest.mark.parametrize("back", [False, True])
def test_read_ahead_gives_the_set_read_here(big, ahead_on, results, monkeypatch, back, small):
    """Every piece of the entities, events and attributions made from the worker's
    columns (or, ``back``, the last ones' read here from the end while the worker's
    next one is not there): the set read here, its tables in the same order.
    ``small``: pieces of up to 128 items are read the rows' way (here)."""
    monkeypatch.setattr(direct_reader, "SMALL", small)
    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    assert results == [] and here.ok
    n = _pieces(p)
    assert n["entities"] > 3 and n["events"] > 3 and n["attributions"] > 3
    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", back)
    a = ahead.start(p, doc, schema)
    assert a is not None and ahead.pending(p)
    pid = a.worker._pid
    if not back:
        _wait_sent(a.worker, sum(n.values()))
    got = read(p, article=doc, schema=schema, editing=True)
    assert len(results) == 1 and results[0][2] == pid
    made, stolen, _pid = results[0]
    if small == 128:  # (every piece a few items: the worker sends no columns, nor are they read from the end)
        assert made == 0
    elif back:  # (each piece the worker's or read from the end; the small ones: read here)
        assert stolen > 0 and made + stolen <= sum(n.values())
    else:
        assert stolen == 0 and made >= sum(n.values()) - 3  # (the last of each section may be small)
    assert not ahead.pending(p) and _reaped(pid)
    _same_read(got, here)
    a.cancel()  # (taken: nothing left to do)


def _wait_sent(worker, n):
    """Until the worker has sent ``n`` pieces (all of them) or ended."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and forked._LEN.unpack_from(worker._buf, 16)[0] < n:
        time.sleep(0.01)


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
    assert [r[:2] for r in results] == [[0, 0]]
    _same_read(got, here)


@pytest.mark.parametrize("after", [3, 20])
def test_a_worker_that_dies_midway_is_read_here(big, ahead_on, results, monkeypatch, after):
    """The pieces it sent are made from its columns, the others read here."""
    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    real_send = forked._StreamOut.send

    def send(self, tag, data):
        if tag > after:
            os._exit(3)
        real_send(self, tag, data)

    monkeypatch.setattr(forked._StreamOut, "send", send)
    ahead.start(p, doc, schema)
    got = read(p, article=doc, schema=schema, editing=True)
    assert 0 < results[0][0] <= after
    _same_read(got, here)


@pytest.mark.parametrize("change", ["another label", "a problem", "another event id"])
def test_a_file_changed_after_the_fork_is_read_as_it_is_now(big, ahead_on, results, monkeypatch, tmp_path, change):
    p, doc, schema = _files(big)
    then = tmp_path / "then.yaml"
    shutil.copyfile(p, then)  # the worker reads the file as it was at the fork
    real = ahead._read
    monkeypatch.setattr(ahead, "_read", lambda out, path, article, schema: real(out, then, article, schema))
    lines, ents = _entity_lines(p.read_text(encoding="utf-8"))
    i = ents[-1]
    if change == "another label":
        label = "PER" if "label: PER," not in lines[i] else "ORG"
        lines[i] = lines[i].split("label: ")[0] + f"label: {label}," + lines[i].split(",", 2)[2]
    elif change == "a problem":
        lines[i] = lines[i].replace("label: ", "label: NOPE", 1)
    else:
        at = [j for j in range(lines.index("events:"), lines.index("attributions:")) if lines[j].startswith("- id: ")][-1]
        lines[at] = "- id: E_changed"
    p.write_text("\n".join(lines), encoding="utf-8")
    here = _here(p, doc, schema, monkeypatch)
    ahead.start(p, doc, schema)  # (reading the file as it was)
    got = read(p, article=doc, schema=schema, editing=True)
    assert [r[:2] for r in results] == [[0, 0]]  # its sha256 not this file's: nothing taken
    if change == "a problem":
        assert here.problems and list(map(str, got.problems)) == list(map(str, here.problems))
    else:
        _same_read(got, here)
        if change == "another label":
            assert list(got.aset.entities.values())[-1].label == label
        else:
            assert list(got.aset.events)[-1] == "E_changed"


def _spoil(lines, ents, where):
    """One bad token (or an id twice, a ref to nothing) in the file's lines."""
    ev = lines.index("events:") + 1
    at = lines.index("attributions:") + 1
    ev_blocks = [j for j in range(ev, at) if lines[j].startswith("- id: ")]
    at_blocks = [j for j in range(at, len(lines)) if lines[j].startswith("- id: ")]
    if where == "label":
        lines[ents[-1]] = lines[ents[-1]].replace("label: ", "label: NOPE", 1)
    elif where == "event id":  # an event's id that is an entity's
        lines[ev_blocks[-2]] = "- id: " + lines[ents[-1]].split(",")[0][len("- {id: "):]
    elif where == "event type":
        j = ev_blocks[-2] + 1
        assert lines[j].startswith("  type: ")
        lines[j] = "  type: Nope.Nothing"
    elif where == "event token":  # a trigger's text that reads as no string
        j = ev_blocks[-2] + 2
        assert lines[j].startswith("  trigger: {")
        lines[j] = lines[j].rsplit("text: ", 1)[0] + "text: [x]}"
    elif where == "event ref":  # an argument's ref to nothing
        j = next(j for j in ev_blocks[::-1] if lines[j + 4].startswith("  - {role: "))
        lines[j + 4] = lines[j + 4].rsplit("ref: ", 1)[0] + "ref: T_nowhere}"
    elif where == "attribution type":
        j = next(j for j in at_blocks[::-1] if any(lines[k].startswith("  type: ") for k in range(j + 1, j + 6)))
        k = next(k for k in range(j + 1, j + 6) if lines[k].startswith("  type: "))
        lines[k] = "  type: nope"
    elif where == "attribution id twice":
        lines[at_blocks[-1]] = lines[at_blocks[1]]
    elif where == "attribution token":
        j = at_blocks[-2]
        k = next(k for k in range(j + 1, j + 6) if lines[k].startswith(("  cue: {", "  content: {")))
        lines[k] = lines[k].replace("start: ", "start: -", 1)
    else:
        raise AssertionError(where)


WHERE = ["label", "event id", "event type", "event token", "event ref", "attribution type", "attribution id twice", "attribution token"]


@pytest.mark.parametrize("back", [False, True])
@pytest.mark.parametrize("where", WHERE)
def test_a_problem_in_the_workers_share_is_reported_as_without_it(big, ahead_on, results, monkeypatch, where, back):
    """A bad token in the entities, events or attributions: the same problems as
    read here (the worker's pieces before it taken, or the last ones read here)."""
    p, doc, schema = _files(big)
    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", back)
    lines, ents = _entity_lines(p.read_text(encoding="utf-8"))
    _spoil(lines, ents, where)
    p.write_text("\n".join(lines), encoding="utf-8")
    before = p.read_bytes()
    here = _here(p, doc, schema, monkeypatch)
    assert here.problems and not here.ok
    ahead.start(p, doc, schema)
    got = read(p, article=doc, schema=schema, editing=True)
    assert len(results) == 1 and results[0][0] + results[0][1] > 0  # (the worker's pieces before it taken)
    assert list(map(str, got.problems)) == list(map(str, here.problems))
    assert p.read_bytes() == before


@pytest.mark.parametrize("other", ["article", "schema"])
def test_another_article_or_schema_is_read_here(big, ahead_on, results, monkeypatch, other):
    p, doc, schema = _files(big)
    a = ahead.start(p, doc, schema)
    pid = a.worker._pid
    doc2 = read_article(p.parent / "a.txt") if other == "article" else doc
    schema2 = None if other == "schema" else schema
    got = read(p, article=doc2, schema=schema2, editing=True)
    assert results == [] and _reaped(pid)  # cancelled: never asked for its value
    _same_read(got, _here(p, doc2, schema2, monkeypatch))


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
        assert len(results) == 1 and results[0][0] > 0
        here = _here(folder / "a.yaml", seen["document"], seen["schema"], monkeypatch)
        assert seen["read"].ok and same(here.aset, seen["read"].aset)
    else:
        assert results == []
    assert _reaped(pids[0])


_FORKED_BEFORE_TEXTUAL = """
import os, sys
from annotator.commands import annotate
from annotator.store import ahead
annotate.READ_BEFORE = 0
from annotator.commands import defaults
defaults.terminal_problem = lambda: None  # (no terminal here)
ahead._core_free = lambda force: True

def start(*args, **kw):
    print("textual" in sys.modules, flush=True)
    os._exit(0)

ahead.start = start
from annotator.cli import main
main(sys.argv[1:])
"""


def test_the_worker_is_forked_before_textual_is_imported(big, tmp_path):
    """The settings' keymap is checked against Textual's bindings (importing
    Textual: a fifth of a second): ``annotate`` forks the worker before, so
    that it reads meanwhile."""
    p, _doc, _schema = _files(big)
    folder = tmp_path / "ann"
    folder.mkdir()
    shutil.copyfile(p, folder / "a.yaml")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    got = subprocess.run([sys.executable, "-c", _FORKED_BEFORE_TEXTUAL, str(p.parent / "a.txt"), "--annotations", str(folder)],
                         capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert (got.stdout.strip(), got.returncode) == ("False", 0), got.stderr


def test_a_bad_keymap_checked_after_the_fork_reaps_the_worker(big, ahead_on, monkeypatch, tmp_path, capsys):
    """A bad settings file found once the worker is forked: one line, exit 2,
    the worker reaped, the annotation file untouched."""
    from annotator.cli import main
    from annotator.commands import annotate

    p, _doc, _schema = _files(big)
    folder = tmp_path / "ann"
    folder.mkdir()
    shutil.copyfile(p, folder / "a.yaml")
    before = (folder / "a.yaml").read_bytes()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "annotator.toml").write_text('[keymap]\nfindd = "f"\n', encoding="utf-8")
    started = []
    real_start = ahead.start

    def start(*args, **kw):
        a = real_start(*args, **kw)
        started.append((a, a.worker._pid))
        return a

    monkeypatch.setattr(ahead, "start", start)
    monkeypatch.setattr(annotate, "READ_BEFORE", 0)
    capsys.readouterr()
    assert main([str(p.parent / "a.txt"), "--annotations", str(folder)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "unknown binding id 'findd'" in lines[0]
    assert len(started) == 1 and started[0][0].worker is None and not ahead._pending
    assert _reaped(started[0][1])
    assert (folder / "a.yaml").read_bytes() == before


@pytest.mark.parametrize("slow", ["all read here", "some read here"])
def test_a_slow_worker_s_pieces_are_read_here_meanwhile(big, ahead_on, results, monkeypatch, slow):
    """While the worker's next piece is not there (``AHEAD_WAIT``), the reader reads
    it (the worker goes past it), or the last pieces' columns from the end."""
    import time

    p, doc, schema = _files(big)
    here = _here(p, doc, schema, monkeypatch)
    monkeypatch.setattr(direct_bytes, "AHEAD_WAIT", 0.0)
    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", None)
    real_send = forked._StreamOut.send

    def send(self, tag, data):
        if tag > 0:
            time.sleep(30 if slow == "all read here" else 0.02)
        real_send(self, tag, data)

    monkeypatch.setattr(forked._StreamOut, "send", send)
    a = ahead.start(p, doc, schema)
    pid = a.worker._pid
    started = time.monotonic()
    got = read(p, article=doc, schema=schema, editing=True)
    assert _reaped(pid) and time.monotonic() - started < 20
    made, stolen, _pid = results[0]
    if slow == "all read here":
        assert made == 0  # never waited for
    else:
        assert stolen > 0
    _same_read(got, here)


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


@pytest.mark.parametrize("where", ["event token", "attribution type"])
def test_the_cli_reports_a_bad_token_read_ahead_in_one_line(big, ahead_on, results, monkeypatch, tmp_path, capsys, where):
    """``annotate`` on a big file with a bad token in its events or attributions,
    read ahead: the one line without a worker, exit 2, the file untouched."""
    from annotator.cli import main
    from annotator.commands import annotate

    p, doc, schema = _files(big)
    folder = tmp_path / "ann"
    folder.mkdir()
    lines, ents = _entity_lines(p.read_text(encoding="utf-8"))
    _spoil(lines, ents, where)
    (folder / "a.yaml").write_text("\n".join(lines), encoding="utf-8")
    before = (folder / "a.yaml").read_bytes()

    class Fake:  # the app: its loading thread reads the file, the error is raised after it closed
        def __init__(self, articles, **kw):
            self.kw, self.load_error = kw, None

        def run(self):
            try:
                read(folder / "a.yaml", article=self.kw["document"], schema=self.kw["schema"], editing=True).checked()
            except Exception as err:
                self.load_error = err
            return 0

    monkeypatch.setattr("annotator.tui.app.AnnotatorApp", Fake)
    monkeypatch.setattr(annotate, "READ_BEFORE", 0)
    lines_of = []
    for fork in (False, True):
        monkeypatch.setattr(forked, "FORK", fork)
        assert main([str(p.parent / "a.txt"), "--annotations", str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert err and "\n" not in err and "a.yaml" in err
        lines_of.append(err)
    assert len(results) == 1 and results[0][0] > 0  # (with a worker: its pieces before the bad one taken)
    assert lines_of[0] == lines_of[1]
    assert (folder / "a.yaml").read_bytes() == before and not ahead._pending


def test_the_reader_is_freed_without_the_collector(big, ahead_on, results, monkeypatch):
    """The app loads with the collector off, then freezes what is left: a read ahead
    leaves no cycle holding the reader (its bytes, its ids) behind."""
    import gc

    p, doc, schema = _files(big)
    ahead.start(p, doc, schema)
    gc.collect()
    gc.disable()
    try:
        got = read(p, article=doc, schema=schema, editing=True)
        left = [o for o in gc.get_objects() if isinstance(o, direct_bytes._BytesReader)]
    finally:
        gc.enable()
    assert got.ok and results[0][0] > 0 and left == []


def test_no_fork_no_worker(big, ahead_on, monkeypatch):
    """A fork that fails (or no room for the shared mapping): no worker, the file
    read in the app."""
    p, doc, schema = _files(big)

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert ahead.start(p, doc, schema) is None and not ahead._pending
    monkeypatch.undo()
    assert read(p, article=doc, schema=schema, editing=True).ok


@pytest.mark.parametrize("back", [False, True])
def test_read_ahead_gives_the_numbers_of_the_index_and_rows(big, ahead_on, monkeypatch, back):
    """The pieces read ahead (or from the end) carry their fragments' numbers
    (``columns.Numbers``): the marks index, the rows and the counts made from the
    columns are those made from the objects."""
    from annotator import columns
    from tests.test_columns import _same_everything

    monkeypatch.setattr(direct_bytes, "AHEAD_BACK", back)
    monkeypatch.setattr(columns, "SMALL", 10)
    p, doc, schema = _files(big)
    columns.want()
    try:
        ahead.start(p, doc, schema)
        got = read(p, article=doc, schema=schema, editing=True)
        assert got.ok and columns._noted[4] is not None
        assert sum(n for n, _ in columns._noted[4]) == len(got.aset.entities)
        _same_everything(got.aset)
    finally:
        columns.forget()


def test_the_columns_sent_carry_the_numbers_and_not_the_fragments_of_one_each(big, small_pieces, monkeypatch):
    import marshal
    from itertools import islice

    from annotator.columns import Numbers, numbers_of

    monkeypatch.setattr(direct_reader, "SMALL", 1)  # (a piece of a few entities: columns, as a big one's)
    p, doc, schema = _files(big)
    r = direct_bytes.DirectBytes(p.read_bytes(), str(p))._reader
    how = r.how(doc.text, schema)
    seen = set()
    for _tag, key, (a, b) in r.ahead_plan():
        if key != "entities":
            continue
        cols = r.piece_columns(key, a, b, how)
        if cols is None:
            continue
        assert type(cols[-1]) is Numbers and cols[-1] == numbers_of(cols[3])
        one_each = cols[-1].counts is None
        seen.add(one_each)
        blob = direct_bytes._encode(cols)
        assert (marshal.loads(blob)[3] is None) == one_each  # (made again from the numbers)
        back = direct_bytes._decode(memoryview(blob))
        assert back[3] == list(cols[3]) and back[-1] == cols[-1] and len(back) == len(cols)
        n = cols[0]
        assert [list(islice(c, n)) for c in back[1:3]] == [list(islice(c, n)) for c in cols[1:3]]
    assert seen == {True, False}  # (pieces of both kinds in the file)
