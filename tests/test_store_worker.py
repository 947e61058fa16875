"""A big file's last entities read by a forked worker (``direct_bytes``,
``forked.Forked``) give the set read in this process alone: the same tables in
the same order, the same annotations; a worker that fails, or no core to spare,
reads them here; a file with a problem lists the same problems."""

import dataclasses
import os
import sys
from pathlib import Path

import pytest

from annotator import forked
from annotator.schema import default_schema
from annotator.store import direct_bytes, read, reader
from annotator.store.writer import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from gen import make_annotations, make_article  # noqa: E402
from tests.test_store_direct import same  # noqa: E402


def odd(aset):
    """Some entities with odd scalars: tokens that read as no string if not quoted,
    scores, another status, attrs, an id that needs quotes."""
    ents = list(aset.entities.values())
    used = {r.arg1 for r in aset.relations.values()} | {r.arg2 for r in aset.relations.values()}
    used |= {a.ref for e in aset.events.values() for a in e.arguments}
    used |= {getattr(a.source, "ref", None) for a in aset.attributions.values()}
    aset.entities.clear()
    for i, e in enumerate(ents):
        k = i % 7
        if k == 1:
            e = dataclasses.replace(e, by="yes", suggested_by="1.5", score=0.25, status="suggested")
        elif k == 2:
            e = dataclasses.replace(e, by="null", score=3.0, attrs={"note": "x: y", "n": [1, 2.5, None, True]})
        elif k == 3:
            e = dataclasses.replace(e, by="o'brien \"q\" \\", status="rejected")
        elif k == 4 and e.id not in used:
            e = dataclasses.replace(e, id=f"T {i}: x")
        aset.entities[e.id] = e
    return aset


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("worker")
    text = make_article(40_000, seed=5)
    aset = odd(make_annotations(text, 600, seed=5, n_events=80, n_attributions=80, n_relations=40))
    (d / "a.txt").write_text(text, encoding="utf-8")
    return d, text, dumps(aset)


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(reader, "BYTES_FROM", 0)
    monkeypatch.setattr(reader, "worth_compiling", lambda size: True)
    monkeypatch.setattr(direct_bytes, "PIECE", 400)
    monkeypatch.setattr(direct_bytes, "WORKER_PIECES", 2)


@pytest.fixture
def results(monkeypatch):
    """What each ``Forked`` worker of the store sent back (None: it failed)."""
    got = []
    real = forked.Forked.result

    def result(self):
        value = real(self)
        got.append(value)
        assert self._pid is None  # reaped
        return value

    monkeypatch.setattr(forked.Forked, "result", result)
    return got


def _read(d, yaml_text, monkeypatch, fork):
    from annotator.articles import read_article

    p = d / "a.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    monkeypatch.setattr(forked, "FORK", fork)
    return read(p, article=read_article(d / "a.txt"), schema=default_schema(), editing=True)


def test_the_worker_reads_the_set_read_here(big, small_pieces, results, monkeypatch):
    d, _text, yaml_text = big
    assert 'by: "yes"' in yaml_text and "attrs: {" in yaml_text and 'id: "T ' in yaml_text
    here = _read(d, yaml_text, monkeypatch, False)
    assert results == [] and here.ok
    beside = _read(d, yaml_text, monkeypatch, True)
    assert len(results) == 1 and results[0] is not None  # the worker's columns were taken
    assert beside.ok and same(here.aset, beside.aset)
    assert beside.sha256 == here.sha256 and beside.notes == here.notes
    assert len(here.aset.entities) == 600 and here.aset.events and here.aset.attributions and here.aset.relations


@pytest.mark.parametrize("how", ["dies", "raises"])
def test_a_failing_worker_is_read_here(big, small_pieces, results, monkeypatch, how):
    d, _text, yaml_text = big
    here = _read(d, yaml_text, monkeypatch, False)
    parent = os.getpid()
    real = direct_bytes._BytesReader.worker_entities

    def failing(self, *args):
        assert os.getpid() != parent  # only ever run in the worker
        if how == "dies":
            os._exit(3)
        raise MemoryError

    monkeypatch.setattr(direct_bytes._BytesReader, "worker_entities", failing)
    beside = _read(d, yaml_text, monkeypatch, True)
    assert results == [None]
    assert beside.ok and same(here.aset, beside.aset)
    monkeypatch.setattr(direct_bytes._BytesReader, "worker_entities", real)


def _entity_lines(yaml_text):
    lines = yaml_text.split("\n")
    return lines, [i for i, line in enumerate(lines) if line.startswith("- {id: ") and ", label: " in line]


@pytest.mark.parametrize("worker", ["works", "dies"])
@pytest.mark.parametrize("where", ["last entity", "first entity", "event id"])
def test_a_problem_is_reported_as_without_a_worker(big, small_pieces, monkeypatch, where, worker):
    d, _text, yaml_text = big
    if worker == "dies":
        monkeypatch.setattr(direct_bytes._BytesReader, "worker_entities", lambda self, *a: os._exit(3))
    lines, ents = _entity_lines(yaml_text)
    if where == "event id":  # an event's id that is an entity's of the worker's share
        ident = lines[ents[-1]].split(",")[0][len("- {id: "):]
        at = lines.index("events:") + 1
        assert lines[at].startswith("- id: ")
        lines[at] = "- id: " + ident
    else:
        i = ents[-1] if where == "last entity" else ents[0]
        lines[i] = lines[i].replace("label: ", "label: NOPE", 1)
    bad = "\n".join(lines)
    here = _read(d, bad, monkeypatch, False)
    beside = _read(d, bad, monkeypatch, True)
    assert here.problems and list(map(str, beside.problems)) == list(map(str, here.problems))
    assert any(str(p.line) in str(p) for p in here.problems if p.line)


def test_no_core_to_spare_no_worker(big, small_pieces, monkeypatch):
    d, _text, yaml_text = big
    started = []
    monkeypatch.setattr(direct_bytes, "Forked", lambda *a, **k: started.append(1))
    assert _read(d, yaml_text, monkeypatch, False).ok and started == []


def test_no_worker_while_a_ui_shares_the_interpreter(big, small_pieces, results, monkeypatch):
    from annotator import pace

    d, _text, yaml_text = big
    pace.set_hook(lambda: None)
    try:
        assert _read(d, yaml_text, monkeypatch, True).ok and results == []
        monkeypatch.setattr(direct_bytes, "WORKER_BESIDE_UI", True)
        assert _read(d, yaml_text, monkeypatch, True).ok and len(results) == 1 and results[0] is not None
    finally:
        pace.set_hook(None)
