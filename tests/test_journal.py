"""The journal: every change durable before the next key, replayed after a crash."""

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.articles import read_article
from annotator.journal import Journal, apply_pairs, decode, encode, file_sha, journal_path
from annotator.model import (
    REJECTED,
    SUGGESTED,
    STATUSES,
    Argument,
    Attribution,
    AnnotationSet,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from annotator.schema import default_schema
from annotator.session import Session

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "By Orhan Qereman\nHASAKEH, Syria (Reuters) - The SDF captured Deir el-Zor on Monday, "
    "Mazloum Abdi said. \"We will hold it,\" he told reporters in Raqqa.\n"
)


# ---------------------------------------------------------------------------
# encode / decode
# ---------------------------------------------------------------------------

_ids = st.integers(1, 50)
_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_attr_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.floats(allow_nan=False, allow_infinity=False) | _words,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
    max_leaves=6,
)
_attrs = st.dictionaries(_words, _attr_values, max_size=3)


@st.composite
def spans(draw):
    n = draw(st.integers(1, 3))
    points = sorted(draw(st.lists(st.integers(0, 10_000), min_size=2 * n, max_size=2 * n, unique=True)))
    frags = tuple((points[2 * i], points[2 * i + 1]) for i in range(n))
    return Span(frags, draw(_words))


def _common(draw):
    return dict(
        status=draw(st.sampled_from(STATUSES)),
        by=draw(st.none() | _words),
        score=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
        suggested_by=draw(st.none() | _words),
        attrs=draw(_attrs),
    )


@st.composite
def annotations(draw):
    kind = draw(st.sampled_from("TEAR"))
    i = draw(_ids)
    if kind == "T":
        return Entity(f"T{i}", draw(_words), draw(spans()), **_common(draw))
    if kind == "E":
        args = tuple(Argument(draw(_words), f"T{draw(_ids)}") for _ in range(draw(st.integers(0, 3))))
        return Event(f"E{i}", draw(_words), draw(spans()), args, **_common(draw))
    if kind == "A":
        source = draw(st.none() | st.builds(Ref, st.just("T3")) | spans())
        return Attribution(
            f"A{i}",
            source,
            draw(st.none() | spans()),
            draw(st.none() | spans()),
            draw(st.none() | st.sampled_from(["direct", "indirect", "mixed"])),
            **_common(draw),
        )
    return Relation(f"R{i}", draw(_words), f"T{draw(_ids)}", f"E{draw(_ids)}", **_common(draw))


@given(annotations())
@settings(max_examples=300)
def test_encode_decode_round_trip_through_json(ann):
    line = json.dumps(encode(ann), ensure_ascii=False)
    back = decode(json.loads(line))
    assert back == ann and type(back) is type(ann)
    assert dict(back.attrs) == dict(ann.attrs)


# Every character json can meet: quotes, backslashes, control characters, U+2028,
# astral planes (lone surrogates cannot be written as UTF-8 at all).
_any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=8)
_odd_scores = st.none() | st.floats() | st.integers(-(10**20), 10**20) | st.booleans()


class _Str(str):
    pass


@st.composite
def odd_annotations(draw):
    """Annotations with any text and any score json can write (NaN, infinities, ints, bools)."""
    ann = draw(annotations())
    from dataclasses import replace

    changes = {"score": draw(_odd_scores), "by": draw(st.none() | _any_text)}
    if isinstance(ann, (Entity, Event)):
        part = "span" if isinstance(ann, Entity) else "trigger"
        changes[part] = Span(getattr(ann, part).fragments, draw(_any_text))
        changes["label" if isinstance(ann, Entity) else "type"] = draw(_any_text | st.builds(_Str, _any_text))
    if isinstance(ann, Relation):
        changes["type"] = draw(_any_text)
    return replace(ann, **changes)


_pairs = st.lists(st.tuples(st.none() | odd_annotations(), st.none() | odd_annotations()), max_size=4)


@given(_pairs, st.integers(0, 10**6), st.sampled_from(["apply", "undo", "redo"]), _any_text)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_record_is_written_as_json_dumps_writes_it(pairs, version, kind, label):
    """The fast record writer gives the very bytes of json.dumps over encode_pairs."""
    from annotator.journal import _line, _record, encode_pairs

    expected = _line({"v": version, "k": kind, "l": label, "p": encode_pairs(pairs)})
    assert _record(version, kind, label, pairs) == expected


def test_a_record_with_a_lone_surrogate_fails_as_before():
    from annotator.journal import _line, _record, encode_pairs

    ent = Entity("T1", "PER", Span(((0, 1),), "\ud800"))
    with pytest.raises(UnicodeEncodeError):
        _line({"v": 1, "k": "apply", "l": "", "p": encode_pairs([(None, ent)])})
    with pytest.raises(UnicodeEncodeError):
        _record(1, "apply", "", [(None, ent)])


# ---------------------------------------------------------------------------
# Sessions with a journal
# ---------------------------------------------------------------------------


def _base_set() -> AnnotationSet:
    aset = AnnotationSet(Document(TEXT, "a.txt", "f" * 64))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 3, 16), by="alice")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(TEXT, 17, 24), status=SUGGESTED, by="rules", score=0.8)
    return aset


def _session(aset: AnnotationSet) -> Session:
    return Session(aset, default_schema(), user="alice")


def _run_ops(s: Session, ops: list[tuple[int, int, int]]) -> None:
    """Drive a session with arbitrary steps (every kind, undo and redo)."""
    n = len(s.text)
    for op, a, b in ops:
        ents = sorted(s.aset.entities)
        pick = ents[a % len(ents)] if ents else None
        start = a % (n - 1)
        end = min(n, start + 1 + b % 12)
        if op == 0:
            s.add_entity(["PER", "ORG", "GPE", "LOC"][b % 4], start, end)
        elif op == 1 and pick:
            s.relabel(pick, ["PER", "ORG", "GPE"][b % 3])
        elif op == 2 and pick:
            s.delete(pick)
        elif op == 3 and pick:
            s.set_status(pick, [SUGGESTED, REJECTED, "accepted"][b % 3])
        elif op == 4:
            ev = s.add_event("Conflict.Capture", start, end)
            if pick:
                s.set_argument(ev.id, "Agent", pick)
        elif op == 5:
            src = Ref(pick) if pick and b % 2 else Span.of(s.text, start, end)
            s.add_attribution(src, Span.of(s.text, 0, 2), Span.from_fragments(s.text, [(3, 5), (8, 10)]), "direct")
        elif op == 6 and pick and ents and len(ents) > 1:
            s.add_relation("near", pick, ents[b % len(ents)])
        elif op == 7:
            s.undo()
        elif op == 8:
            s.redo()
        elif op == 9 and pick:
            ent = s.aset.entities[pick]
            s.apply("note", [(ent, Entity(ent.id, ent.label, ent.span, ent.status, ent.by, 0.5, "x", {"note": [1, "two"]}))])


_ops = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 10_000), st.integers(0, 10_000)), max_size=40)


@given(_ops)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_replay_rebuilds_the_session_after_any_steps(tmp_path, ops):
    path = tmp_path / f".a{uuid.uuid4().hex}.journal"
    j = Journal(path)
    s = _session(_base_set())
    assert j.open(s.aset, base="b" * 64) == 0
    j.attach(s)
    _run_ops(s, ops)
    steps = j.pending
    # The process dies here: nothing is saved, nothing is closed.
    again = _base_set()
    j2 = Journal(path)
    # (steps that leave the file's set as it was recover nothing, and say nothing)
    assert j2.open(again, base="b" * 64) == (0 if _base_set().same_annotations(s.aset) else steps)
    assert j2.conflicts == 0
    assert again.same_annotations(s.aset)
    # A second crash right after the replay recovers the same state.
    third = _base_set()
    Journal(path).open(third, base="b" * 64)
    assert third.same_annotations(s.aset)


def test_every_append_is_on_disk_before_it_returns(tmp_path):
    j = Journal(tmp_path / ".a.journal")
    s = _session(_base_set())
    j.open(s.aset, base="")
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    lines = (tmp_path / ".a.journal").read_bytes().split(b"\n")
    assert json.loads(lines[0])["base"] == "" and lines[-1] == b""
    rec = json.loads(lines[1])
    assert rec["k"] == "apply" and rec["v"] == s.version and rec["p"][0][0] is None
    assert decode(rec["p"][0][1]) == s.aset.entities["T3"]
    s.undo()
    rec = json.loads((tmp_path / ".a.journal").read_bytes().split(b"\n")[2])
    assert rec["k"] == "undo" and rec["p"][0][1] is None  # the inverse pairs: T3 goes


def test_a_torn_last_line_is_ignored(tmp_path):
    path = tmp_path / ".a.journal"
    j = Journal(path)
    s = _session(_base_set())
    j.open(s.aset, base="x")
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    s.add_entity("PER", 80, 87)
    expected = dict(s.aset.entities)
    s.add_entity("GPE", 130, 135)
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rstrip(b"\n").rfind(b"\n") + 1] + b'{"v": 4, "k": "apply", "p": [[null, {"k": "T", "i')
    again = _base_set()
    j2 = Journal(path)
    assert j2.open(again, base="x") == 2
    assert j2.torn and again.entities == expected
    # The torn line is gone: what is appended next is readable.
    s2 = _session(again)
    j2.attach(s2)
    s2.add_entity("LOC", 130, 135)
    third = _base_set()
    assert Journal(path).open(third, base="x") == 2  # the recovered record (one) and the new step
    assert third.same_annotations(s2.aset)


def test_a_journal_on_another_base_is_discarded(tmp_path):
    path = tmp_path / ".a.journal"
    j = Journal(path)
    s = _session(_base_set())
    j.open(s.aset, base="old")
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    again = _base_set()
    j2 = Journal(path)
    assert j2.open(again, base="new") == 0
    assert j2.discarded and "NOT applied" in j2.discarded  # (no copy of the base "old" to merge on)
    assert again.same_annotations(_base_set())
    assert json.loads(path.read_bytes().split(b"\n")[0])["base"] == "new"
    assert len(path.with_name(".a.journal.discarded").read_bytes().splitlines()) == 2  # kept aside


def test_fold_keeps_the_records_made_after_the_snapshot(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    j = Journal.for_yaml(yaml_path)
    assert j.path == tmp_path / ".a.journal" == journal_path(yaml_path)
    s = _session(_base_set())
    j.open(s.aset)  # no YAML yet: base ""
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    version, snapshot = s.snapshot()
    s.add_entity("PER", 80, 87)  # made while the snapshot is being saved
    sha = j.save(snapshot, version, yaml_path)
    assert sha == file_sha(yaml_path) and j.base == sha
    assert j.pending == 1
    # Crash now: the YAML holds the snapshot; the journal the later change.
    loaded = store.read(text=yaml_path.read_text(), article=TEXT).checked()
    assert Journal.for_yaml(yaml_path).open(loaded) == 1
    assert loaded.same_annotations(s.aset)


def test_a_crash_between_the_yaml_write_and_the_fold(tmp_path):
    """The save marker says which records the new YAML already holds."""
    yaml_path = tmp_path / "a.yaml"
    j = Journal.for_yaml(yaml_path)
    s = _session(_base_set())
    j.open(s.aset)
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    version, snapshot = s.snapshot()
    data = store.dumps(snapshot).encode()
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    j.saving(sha, version)
    s.add_entity("PER", 80, 87)  # during the save
    store.write_atomic(yaml_path, data)
    # killed before folded(): the journal still has base "" and every record
    s.relabel("T3", "GPE")  # and after the write, before the fold
    left = j.path.read_bytes()
    loaded = store.read(text=yaml_path.read_text(), article=TEXT).checked()
    j2 = Journal.for_yaml(yaml_path)
    assert j2.open(loaded) == 2  # only the two made after the snapshot
    assert j2.conflicts == 0
    assert loaded.same_annotations(s.aset)
    # Had the rename not happened (old YAML, here: none yet), the same journal replays all.
    j.path.write_bytes(left)
    yaml_path.unlink()
    fresh = _base_set()
    j3 = Journal.for_yaml(yaml_path)
    assert j3.open(fresh) == 3 and j3.conflicts == 0
    assert fresh.same_annotations(s.aset)


def test_close_removes_a_folded_journal_and_keeps_a_pending_one(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    j = Journal.for_yaml(yaml_path)
    s = _session(_base_set())
    j.open(s.aset)
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    j.save(s.aset.copy(), s.version, yaml_path)
    j.close()
    assert not j.path.exists()
    s.add_entity("PER", 80, 87)  # detached: not journaled
    j = Journal.for_yaml(yaml_path)
    loaded = store.read(text=yaml_path.read_text(), article=TEXT).checked()
    j.open(loaded)
    s2 = _session(loaded)
    j.attach(s2)
    s2.add_entity("PER", 80, 87)
    j.close()
    assert j.path.exists()  # not saved: kept for the next open


def test_a_failed_append_is_reported_not_raised(tmp_path):
    errors = []
    j = Journal(tmp_path / ".a.journal", on_error=errors.append)
    s = _session(_base_set())
    j.open(s.aset, base="")
    j.attach(s)
    os.close(j._fd)
    j._fd = os.open(j.path, os.O_RDONLY)
    s.add_entity("ORG", 44, 47)  # the change itself happens
    assert "T3" in s.aset.entities
    assert errors and isinstance(j.error, OSError)


def test_recovered_spans_follow_an_article_changed_after_the_crash(tmp_path):
    j = Journal(tmp_path / ".a.journal")
    s = _session(_base_set())
    j.open(s.aset, base="y")
    j.attach(s)
    ent = s.add_entity("PER", TEXT.index("Mazloum"), TEXT.index("Mazloum") + len("Mazloum Abdi"))
    # The article gains a dateline before the crash is recovered.
    new_text = "UPDATED " + TEXT
    base = _base_set()
    fixed = AnnotationSet(Document(new_text, "a.txt", "e" * 64))
    for e in base.entities.values():
        fixed.entities[e.id] = Entity(e.id, e.label, Span.of(new_text, e.start + 8, e.end + 8), e.status, e.by, e.score)
    j2 = Journal(tmp_path / ".a.journal")
    assert j2.open(fixed, base="y") == 1
    got = fixed.entities[ent.id]
    assert new_text[got.start : got.end] == "Mazloum Abdi" and got.start == ent.start + 8
    assert j2.reanchored is not None and [m.id for m in j2.reanchored.moved] == [ent.id]


def test_apply_pairs_counts_conflicts():
    aset = _base_set()
    t1 = aset.entities["T1"]
    other = Entity("T1", "ORG", t1.span)
    assert apply_pairs(aset, [(other, None)]) == 1 and "T1" not in aset.entities


# ---------------------------------------------------------------------------
# Killed processes
# ---------------------------------------------------------------------------

_APPENDER = r"""
import sys
from annotator.journal import Journal
from annotator.model import AnnotationSet, Document
from annotator.schema import default_schema
from annotator.session import Session
text = open(sys.argv[2], encoding="utf-8").read()
s = Session(AnnotationSet(Document(text)), default_schema(), user="k")
j = Journal(sys.argv[1])
j.open(s.aset, base="")
j.attach(s)
for i in range(int(sys.argv[3])):
    s.add_entity("PER", i, i + 1)
    print(i + 1, flush=True)   # acknowledged: durable
if sys.argv[4] == "wait":
    sys.stdin.read()
"""


def _spawn(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True, env=env
    )


def _article(tmp_path) -> Path:
    art = tmp_path / "a.txt"
    art.write_text("x" * 400 + "\n", encoding="utf-8")
    return art


def test_killed_after_n_appends_replay_finds_all_n(tmp_path):
    art = _article(tmp_path)
    jpath = tmp_path / ".a.journal"
    proc = _spawn(_APPENDER, str(jpath), str(art), "50", "wait")
    acked = [proc.stdout.readline() for _ in range(50)]
    assert acked[-1].strip() == "50"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    aset = AnnotationSet(Document(art.read_text()))
    assert Journal(jpath).open(aset, base="") == 50
    assert len(aset.entities) == 50


def test_killed_at_any_moment_every_acknowledged_step_survives(tmp_path):
    art = _article(tmp_path)
    rng = random.Random(7)
    for round_ in range(4):
        jpath = tmp_path / f".a{round_}.journal"
        proc = _spawn(_APPENDER, str(jpath), str(art), "300", "exit")
        acked = 0
        stop_after = rng.randint(1, 200)
        while acked < stop_after:
            line = proc.stdout.readline()
            if not line:
                break
            acked = int(line)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        aset = AnnotationSet(Document(art.read_text()))
        j = Journal(jpath)
        n = j.open(aset, base="")
        assert n >= acked and len(aset.entities) == n
        assert sorted(aset.entities) == sorted(f"T{i}" for i in range(1, n + 1))


_SAVER = r"""
import sys
from pathlib import Path
from annotator import store
from annotator.articles import read_article
from annotator.journal import Journal
from annotator.schema import default_schema
from annotator.session import Session
article, ann_dir = Path(sys.argv[1]), Path(sys.argv[2])
opened = store.read(store.annotation_path(article, ann_dir), article=read_article(article), editing=True)
s = Session(opened.aset, default_schema(), user="k")
j = Journal.for_yaml(opened.path)
j.open(s.aset, base=opened.sha256)
j.attach(s)
i = len(s.aset.entities)
while True:
    s.add_entity("PER", i, i + 1)
    i += 1
    print(i, flush=True)
    if i % 3 == 0:
        v, snap = s.snapshot()
        j.save(snap, v, opened.path)
"""


def test_killed_during_saves_the_file_is_whole_and_nothing_acknowledged_is_lost(tmp_path):
    art = _article(tmp_path)
    ann = tmp_path / "annotations"
    rng = random.Random(11)
    for _ in range(5):
        proc = _spawn(_SAVER, str(art), str(ann))
        acked = 0
        stop_after = rng.randint(5, 60)
        deadline = time.monotonic() + 30
        while acked < stop_after and time.monotonic() < deadline:
            acked = int(proc.stdout.readline())
        time.sleep(rng.random() * 0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        yaml_path = ann / "a.yaml"
        opened = store.read(store.annotation_path(art, ann), article=read_article(art), editing=True)  # never a broken file: it loads
        j = Journal.for_yaml(yaml_path)
        j.open(opened.aset, base=opened.sha256)
        j.close()
        assert len(opened.aset.entities) >= acked
        assert sorted(opened.aset.entities, key=lambda x: int(x[1:])) == [
            f"T{i}" for i in range(1, len(opened.aset.entities) + 1)
        ]
        # The next round goes on from this state (the journal is kept when not folded).
        if opened.aset.entities:
            store.save(opened.aset, yaml_path)
            jp = journal_path(yaml_path)
            if jp.exists():
                jp.unlink()


# ---------------------------------------------------------------------------
# workspace.open_article: lock, load, replay, session, as every entry point uses them
# ---------------------------------------------------------------------------


def _seed_article(tmp_path) -> Path:
    art = tmp_path / "seeds" / "a.txt"
    art.parent.mkdir()
    art.write_text(TEXT, encoding="utf-8")
    return art


def test_open_editing_a_new_article(tmp_path):
    from annotator.workspace import open_article as open_editing

    art = _seed_article(tmp_path)
    ed = open_editing(art, tmp_path / "annotations", default_schema(), user="alice")
    assert not ed.read_only and ed.notes == [] and not ed.session.dirty
    assert ed.journal.path.exists() and ed.lock.path.exists()
    ed.session.add_entity("PER", 3, 16)
    v, snap = ed.session.snapshot()
    ed.write(v, snap)
    ed.session.mark_saved(v)
    ed.close()
    assert not ed.journal.path.exists() and not ed.lock.path.exists()
    again = open_editing(art, tmp_path / "annotations", default_schema())
    assert [e.text for e in again.session.aset.entities.values()] == ["Orhan Qereman"]
    again.close()


def test_a_second_editor_is_read_only_and_sees_the_first_ones_unsaved_changes(tmp_path):
    from annotator.workspace import open_article as open_editing
    from annotator.session import ReadOnlyError

    art = _seed_article(tmp_path)
    first = open_editing(art, tmp_path / "annotations", default_schema(), user="alice")
    first.session.add_entity("PER", 3, 16)  # journaled, not saved
    second = open_editing(art, tmp_path / "annotations", default_schema(), user="bob")
    assert second.read_only and second.session.read_only and second.journal is None
    assert "read-only" in second.notes[0] and f"pid {os.getpid()}" in second.notes[0]
    assert "T1" in second.session.aset.entities
    with pytest.raises(ReadOnlyError):
        second.session.add_entity("GPE", 17, 24)
    with pytest.raises(PermissionError):
        second.write(1, second.session.aset)
    second.close()
    assert first.lock.still_held() and first.journal.path.exists()
    first.close()


def test_after_a_crash_the_lock_is_taken_over_and_the_work_recovered(tmp_path):
    from annotator import lock as locking
    from annotator.workspace import open_article as open_editing

    art = _seed_article(tmp_path)
    ann = tmp_path / "annotations"
    first = open_editing(art, ann, default_schema(), user="alice")
    first.session.add_entity("PER", 3, 16)
    first.session.add_entity("GPE", 17, 24)
    first.session.undo()
    # The process dies: its lock names a pid that is gone; the journal stays.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    rec = locking.read_record(first.lock.path)
    first.lock.path.write_text(json.dumps(dict(rec, pid=dead.pid, token="dead", proc_start=None)))
    again = open_editing(art, ann, default_schema(), user="alice")
    assert not again.read_only
    assert any("took over" in n for n in again.notes)
    assert any("recovered 3 unsaved changes" in n for n in again.notes)
    assert again.session.dirty  # the autosave will write it
    assert [e.text for e in again.session.aset.entities.values()] == ["Orhan Qereman"]
    again.close()


def test_open_editing_a_changed_article_says_what_moved(tmp_path):
    from annotator.workspace import open_article as open_editing

    art = _seed_article(tmp_path)
    ann = tmp_path / "annotations"
    ed = open_editing(art, ann, default_schema(), user="alice")
    ed.session.add_entity("PER", 3, 16)
    ed.session.add_entity("GPE", 17, 24)
    v, snap = ed.session.snapshot()
    ed.write(v, snap)
    ed.close()
    art.write_text("UPDATED\n" + TEXT.replace("HASAKEH", "Qamishli"), encoding="utf-8")
    ed = open_editing(art, ann, default_schema())
    assert any("1 spans moved" in n and "1 not found (T2" in n for n in ed.notes)
    assert ed.session.dirty and ed.session.aset.entities["T1"].start == 11
    ed.close()


_SUGGESTER = r"""
import sys
from annotator.journal import Journal
from annotator.model import SUGGESTED, AnnotationSet, Attribution, Document, Entity, Event, Span
from annotator.schema import default_schema
from annotator.session import Session
text = open(sys.argv[2], encoding="utf-8").read()
s = Session(AnnotationSet(Document(text)), default_schema(), user="k")
j = Journal(sys.argv[1])
j.open(s.aset, base="")
j.attach(s)
s.add_entity("PER", 0, 3)
n = int(sys.argv[3])
new = []
for i in range(n):
    p = 5 + 3 * (i % 100)
    if i % 3 == 0:
        new.append(Entity(f"T{i + 2}", "GPE", Span.of(text, p, p + 2), SUGGESTED, "rules:gazetteer", 0.8))
    elif i % 3 == 1:
        new.append(Event(f"E{i + 1}", "Conflict.Attack", Span.of(text, p, p + 1), status=SUGGESTED, by="rules:trigger"))
    else:
        new.append(Attribution(f"A{i + 1}", None, Span.of(text, p, p + 1), Span.of(text, p + 2, p + 9),
                               status=SUGGESTED, by="rules:cue", score=0.5, attrs={"note": "é \"q\"\n"}))
s.add_many(f"{n} suggestions from rules", new)
if sys.argv[4] == "undo":
    s.undo()
import json
from annotator.journal import encode
print(json.dumps(sorted(json.dumps(encode(a)) for a in s.aset.all())), flush=True)  # acknowledged
sys.stdin.read()
"""


@pytest.mark.parametrize("then", ["keep", "undo"])
def test_killed_after_a_batch_of_suggestions_replay_finds_them_all(tmp_path, then):
    """A worker's batch (add_many: marks merged at once, the record written
    directly) is recovered whole after a kill, and so is its undo."""
    from annotator import session as session_mod

    art = _article(tmp_path)
    jpath = tmp_path / ".a.journal"
    n = 3 * session_mod._MANY
    proc = _spawn(_SUGGESTER, str(jpath), str(art), str(n), then)
    held = json.loads(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    aset = AnnotationSet(Document(art.read_text()))
    j = Journal(jpath)
    assert j.open(aset, base="") == (3 if then == "undo" else 2)
    assert j.conflicts == 0
    assert sorted(json.dumps(encode(a)) for a in aset.all()) == held  # what the killed session held
    assert len(held) == (1 if then == "undo" else 1 + n)


def test_scores_json_writes_apart_are_written_apart():
    """Equal scores json spells differently (0 / 0.0 / -0.0 / False, 1 / 1.0 / True),
    NaN and the infinities: each as json.dumps writes it, however often met."""
    from annotator.journal import _line, _record, encode_pairs

    scores = [0.0, -0.0, 0, False, 1, 1.0, True, None, 0.5, float("nan"), float("inf"), -float("inf"), 10**20, 1e-7]
    pairs = [(None, Entity(f"T{i}", "PER", Span(((0, 1),), "x"), SUGGESTED, "rules", score)) for i, score in enumerate(scores)]
    for order in (pairs, pairs[::-1], pairs + pairs):
        assert _record(3, "apply", "s", order) == _line({"v": 3, "k": "apply", "l": "s", "p": encode_pairs(order)})


def test_the_save_marker_is_on_disk_before_the_yaml_is_replaced(tmp_path, monkeypatch):
    """A save writes the file in chunks, hashing them on the way; the marker with
    that sha is in the journal before the new file takes the old one's place, and
    the file's sha is the marker's."""
    yaml_path = tmp_path / "a.yaml"
    path = tmp_path / ".a.journal"
    j = Journal(path)
    s = _session(_base_set())
    j.open(s.aset, base="")
    j.attach(s)
    s.add_entity("ORG", 44, 47)
    seen = []
    real = os.replace

    def replace(src, dst):
        if Path(dst) == yaml_path:
            marks = [json.loads(x) for x in path.read_bytes().splitlines() if b'"saving"' in x]
            seen.append((marks, file_sha(src), yaml_path.exists()))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    sha = j.save(s.aset.copy(), s.version, yaml_path)
    (marks, temp_sha, existed), = seen
    assert marks == [{"saving": sha, "v": s.version}] and temp_sha == sha and not existed
    assert file_sha(yaml_path) == sha and yaml_path.read_text(encoding="utf-8") == store.dumps(s.aset)


def test_held_steps_are_written_only_when_the_save_fails(tmp_path, monkeypatch):
    """``hold``: the steps' records wait; a save that works drops them (its file
    holds them; a step made after its snapshot is written then), one that fails
    writes them first, and so does ``close``: the journal replays to the same set."""
    from annotator import store as store_mod

    yaml_path = tmp_path / "a.yaml"
    path = tmp_path / ".a.journal"

    def records() -> list[dict]:
        return [json.loads(x) for x in path.read_bytes().splitlines()[1:]]

    j = Journal(path)
    s = _session(_base_set())
    j.open(s.aset, base="")
    j.attach(s)
    j.hold()
    s.add_entity("ORG", 44, 47)
    assert records() == []
    v, snap = s.snapshot()
    s.add_entity("GPE", 0, 2)  # after the snapshot: not in the file the save writes
    sha = j.save(snap, v, yaml_path)
    assert [r["v"] for r in records()] == [v + 1] and j.base == sha
    # a failed save: the old file stays, the held step is in the journal
    j.hold()
    s.add_entity("PER", 30, 35)
    real = store_mod.write_atomic

    def full(p, data, **kw):
        if Path(p) == yaml_path:
            raise OSError(28, "No space left on device")
        return real(p, data, **kw)

    monkeypatch.setattr(store_mod, "write_atomic", full)
    v, snap = s.snapshot()
    with pytest.raises(OSError):
        j.save(snap, v, yaml_path)
    monkeypatch.setattr(store_mod, "write_atomic", real)
    assert [r["v"] for r in records()] == [v - 1, v]
    j.hold()
    s.add_entity("PER", 36, 40)  # held, then the journal closes: written
    j.close()
    assert [r["v"] for r in records()] == [v - 1, v, v + 1]
    again = store.read(yaml_path, text=yaml_path.read_text(encoding="utf-8")).aset
    assert Journal(path).open(again, base=file_sha(yaml_path)) == 3
    assert again.entities == s.aset.entities
