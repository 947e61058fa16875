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


def _run(tmp: Path, fork: bool, monkeypatch, capsys, status: int = 0) -> tuple[bytes, list[str], str, int]:
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
    assert main(["suggest", str(article), "--with", "rules", "--annotations", str(ann)]) == status
    if status:
        return b"", [], "", len(started)
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
# the YAML worker writes the entities (all, the first 70%, none but the header) / and the events
@pytest.mark.parametrize("entities_alone, entities_here", [(0.0, 0.0), (0.0, 0.3), (0.0, 1.0), (2.0, 0.3)])
def test_a_failing_worker_is_done_here(tmp_path, monkeypatch, capsys, entities_alone, entities_here):
    monkeypatch.setattr(suggest_cmd, "ENTITIES_ALONE", entities_alone)
    monkeypatch.setattr(suggest_cmd, "ENTITIES_HERE", entities_here)
    alone = _run(tmp_path / "alone", False, monkeypatch, capsys)
    beside = _run(tmp_path / "beside", True, monkeypatch, capsys)
    assert beside[3] == 3 and beside[:3] == alone[:3]
    # the worker dies at once: result() does the work in this process
    monkeypatch.setattr(forked, "_run_forked", lambda fn, send: send.close())
    failed = _run(tmp_path / "failed", True, monkeypatch, capsys)
    assert failed[3] == 3 and failed[:3] == alone[:3]


@pytest.mark.parametrize("fork", [False, True])
def test_a_failed_save_keeps_the_suggestions_in_the_journal(tmp_path, monkeypatch, capsys, fork):
    """The suggestions' journal record is written only when the save fails (a
    save that works folds it at once): then the old file stays, and the journal
    brings back every suggestion at the next open, as the file would have held them."""
    if fork and not forked.spare_core(True):
        pytest.skip("no fork here")
    from annotator import workspace
    from annotator.journal import journal_path
    from annotator.schema import default_schema

    saved = _run(tmp_path / "saved", fork, monkeypatch, capsys)
    assert saved[1] == [SEED.stem + ".yaml"]  # (no journal left)
    real = store.write_atomic

    def full(path, data, **kw):
        if str(path).endswith(".yaml"):
            raise OSError(28, "No space left on device")
        return real(path, data, **kw)

    monkeypatch.setattr(store, "write_atomic", full)
    _run(tmp_path / "full", fork, monkeypatch, capsys, status=2)
    assert "not saved: No space left on device" in capsys.readouterr().err
    monkeypatch.setattr(store, "write_atomic", real)
    article = tmp_path / "full" / "articles" / SEED.name
    yaml_path = store.annotation_path(article, tmp_path / "full" / "annotations")
    assert b"status: suggested" not in yaml_path.read_bytes()  # the last good file
    assert journal_path(yaml_path).exists()
    ws = workspace.open_article(article, yaml_path.parent, default_schema())
    try:
        assert any("recovered 1 unsaved changes" in n for n in ws.notes), ws.notes
        assert b"".join(store.dump_chunks(ws.session.aset)) == saved[0]
    finally:
        ws.close(save=False)


@pytest.mark.skipif(not forked.spare_core(True), reason="no fork here")
def test_names_started_ahead_are_taken_by_propose_on_that_text_only(monkeypatch):
    """``ahead`` forks the names' worker before the file is read; ``propose`` on the
    same text takes it, on another text stops it (and finds its own): the same
    proposals as without; ``drop_ahead`` stops one no propose took."""
    from annotator.schema import default_schema

    monkeypatch.setattr(rules, "BESIDE_MIN", 0)
    doc = read_article(SEED)
    aset = store.new_set(doc, store.annotation_path(SEED, ROOT / "annotations"))
    plain = rules.RulesSuggester(default_schema()).propose(aset).annotations
    sugg = rules.RulesSuggester(default_schema())
    sugg.beside = True
    sugg.ahead(doc.text)
    worker = sugg._ahead[2]
    assert sugg.propose(aset).annotations == plain and sugg._ahead is None and worker._pid is None
    sugg.ahead(doc.text[:-1] + "x")  # another text: not this one's names
    stray = sugg._ahead[2]
    assert sugg.propose(aset).annotations == plain and stray._pid is None
    sugg.ahead(doc.text)
    stray = sugg._ahead[2]
    sugg.drop_ahead()
    assert sugg._ahead is None and stray._pid is None
    sugg.beside = False
    sugg.ahead(doc.text)  # (no worker when nothing goes beside)
    assert sugg._ahead is None


def test_attributions_packed_for_the_way_back_are_the_same():
    """What the attributions worker sends (plain tuples, pickled) unpacks to equal
    attributions: every kind of source (an entity's ref, a span, none), types,
    scores and rules; anything else is sent as the objects themselves."""
    import pickle

    from annotator.model import NO_ATTRS, Attribution, Ref
    from annotator.schema import default_schema
    from annotator.suggest.rules import RulesSuggester, packed_attributions, unpacked_attributions

    doc = read_article(SEED)
    aset = store.new_set(doc, store.annotation_path(SEED, ROOT / "annotations"))
    said = [a for a in RulesSuggester(default_schema(), ROOT / "annotations").propose(aset).annotations
            if type(a) is Attribution]
    text = doc.text
    odd = [
        Attribution("~A90", None, Span.of(text, 0, 3), None, None, by="x", score=None),
        Attribution("~A91", Span(((0, 3), (5, 9)), "By O Qere"), None, Span.of(text, 4, 9), "direct", attrs={"k": [1]}),
    ]
    assert {type(a.source) for a in said} >= {Ref}
    for anns in (said, said + odd, []):
        back = unpacked_attributions(pickle.loads(pickle.dumps(packed_attributions(anns))))
        assert back == anns and [type(b) for b in back] == [type(a) for a in anns]
        assert all(b.attrs is NO_ATTRS for a, b in zip(anns, back) if a.attrs is NO_ATTRS)
    other = said + [Entity("~T1", "PER", Span.of(text, 0, 3))]
    assert packed_attributions(other) is other and unpacked_attributions(other) is other


def test_merging_a_step_at_a_time_is_merge():
    """The YAML worker is forked between the entities' step and the rest of the
    merge: the first step holds the new entities, and finishing it gives merge's very
    list (an accepted entity in the set, proposals on it)."""
    from annotator.model import Event
    from annotator.schema import default_schema
    from annotator.suggest.base import Merging, merge, merged
    from annotator.suggest.rules import RulesSuggester

    doc = read_article(SEED)
    aset = store.new_set(doc, store.annotation_path(SEED, ROOT / "annotations"))
    s = doc.text.index("Omar Abu Layla")
    aset.entities["T1"] = Entity("T1", "PER", Span.of(doc.text, s, s + 14), ACCEPTED, "alice")
    props = RulesSuggester(default_schema(), None).propose(aset)
    want = merge(aset, props, "rules")
    steps = Merging(aset, props, "rules")
    next(steps)
    first = list(steps.new)
    assert first and all(type(a) is Entity for a in first)
    assert first == [a for a in want if type(a) is Entity]
    assert any(type(a) is Event for a in want)
    assert merged(steps) == want
