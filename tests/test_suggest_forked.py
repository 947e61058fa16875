"""`annotator suggest` with its forked workers (names, attributions, the file's YAML) write
the same file, the same journal-less folder and the same lines as without one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator import forked, store
from annotator.articles import read_article
from annotator.cli import main
from annotator.commands import suggest as suggest_cmd
from annotator.model import ACCEPTED, Entity, Span
from annotator.suggest import rules

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"


def _run(tmp: Path, fork: bool, monkeypatch, capsys) -> tuple[bytes, list[str], str, int]:
    monkeypatch.setattr(suggest_cmd, "FORK", fork)
    monkeypatch.setattr(rules, "BESIDE_MIN", 0)  # the seed is short: the worker anyway
    monkeypatch.setattr(suggest_cmd, "YAML_BESIDE_MIN", 1)
    started = []
    real = forked.Forked

    def counted(fn, **kw):
        started.append(fn)
        return real(fn, **kw)

    monkeypatch.setattr(forked, "Forked", counted)
    (tmp / "articles").mkdir(parents=True)
    article = tmp / "articles" / SEED.name
    shutil.copyfile(SEED, article)
    ann = tmp / "annotations"
    # an accepted name (the gazetteer, and no rule entity across it) in the file already
    doc = read_article(article)
    aset = store.new_set(doc, store.annotation_path(article, ann))
    s = doc.text.index("Omar Abu Layla")
    aset.entities["T1"] = Entity("T1", "PER", Span.of(doc.text, s, s + 14), ACCEPTED, "alice")
    store.save(aset, store.annotation_path(article, ann))
    assert main(["suggest", str(article), "--with", "rules", "--annotations", str(ann)]) == 0
    out = capsys.readouterr().out.replace(str(tmp), "TMP")
    return store.annotation_path(article, ann).read_bytes(), sorted(p.name for p in ann.iterdir()), out, len(started)


@pytest.mark.skipif(not forked.spare_core(True), reason="no fork here")
def test_forked_worker_writes_what_one_process_writes(tmp_path, monkeypatch, capsys):
    alone = _run(tmp_path / "alone", False, monkeypatch, capsys)
    beside = _run(tmp_path / "beside", True, monkeypatch, capsys)
    assert alone[3] == 0 and beside[3] == 3  # the names, the attributions, the YAML
    assert beside[:3] == alone[:3]
    assert b"status: suggested" in alone[0] and "new suggestions" in alone[2]


@pytest.mark.skipif(not forked.spare_core(True), reason="no fork here")
def test_a_failing_worker_is_done_here(tmp_path, monkeypatch, capsys):
    alone = _run(tmp_path / "alone", False, monkeypatch, capsys)
    # the worker dies at once: result() does the work in this process
    monkeypatch.setattr(forked, "_run_forked", lambda fn, send: send.close())
    beside = _run(tmp_path / "beside", True, monkeypatch, capsys)
    assert beside[3] == 3 and beside[:3] == alone[:3]
