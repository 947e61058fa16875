"""A second extractor's output that matches another suggester's suggestions is not
lost: the suggester is recorded on them (attrs also_suggested_by), so audit --by
counts the prediction for both."""

from __future__ import annotations

import json

from annotator import store
from annotator.cli import main
from annotator.model import ACCEPTED, SUGGESTED, AnnotationSet, Document, Entity, Span, with_status
from annotator.suggest.base import ALSO_BY, Merging, merged

TEXT = "Syria and Iraq.\n"


def test_merging_records_the_second_suggester_on_what_the_first_has():
    a = AnnotationSet(Document(TEXT))
    a.entities["T1"] = Entity("T1", "GPE", Span.of(TEXT, 0, 5), status=SUGGESTED, by="rules:word-list")
    a.entities["T2"] = Entity("T2", "GPE", Span.of(TEXT, 10, 14), status=SUGGESTED, by="rules:word-list")
    props = [Entity("~T1", "GPE", Span.of(TEXT, 0, 5)), Entity("~T2", "ORG", Span.of(TEXT, 10, 14)),
             Entity("~T3", "GPE", Span.of(TEXT, 0, 14))]
    steps = Merging(a, props, "file:tool.jsonl")
    new = merged(steps)
    assert [(e.label, e.text, e.by) for e in new] == [("ORG", "Iraq", "file:tool.jsonl"), ("GPE", "Syria and Iraq", "file:tool.jsonl")]
    assert [(b.id, dict(x.attrs)) for b, x in steps.also] == [("T1", {ALSO_BY: ["file:tool.jsonl"]})]
    # the same suggester again, or the first one: nothing more recorded
    b = a.copy()
    b.entities["T1"] = steps.also[0][1]
    assert Merging(b, props[:1], "file:tool.jsonl").also == []
    assert Merging(b, props[:1], "rules").also == []


def run_json(capsys, *args):
    capsys.readouterr()
    code = main(["audit", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_audit_by_each_of_two_suggesters_run_into_one_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    gold = AnnotationSet(Document(TEXT, "a.txt"))
    gold.entities["T1"] = Entity("T1", "GPE", Span.of(TEXT, 0, 5), by="me")
    gold.entities["T2"] = Entity("T2", "GPE", Span.of(TEXT, 10, 14), by="me")
    (tmp_path / "gold").mkdir()
    store.save(AnnotationSet(Document(TEXT, "../a.txt", gold.document.sha256), gold.entities), tmp_path / "gold" / "a.yaml")
    tool = tmp_path / "tool.jsonl"
    tool.write_text(json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "GPE"}, {"start": 10, "end": 14, "label": "GPE"}]}) + "\n")
    assert main(["suggest", "a.txt", "--with", "rules", "--annotations", "pred"]) == 0
    assert main(["suggest", "a.txt", "--with", f"file:{tool}", "--annotations", "pred"]) == 0
    out = capsys.readouterr().out
    assert "recorded as predicted by file:tool.jsonl too" in out
    for by in ("rules", "file:tool.jsonl"):
        code, data = run_json(capsys, "gold", "pred", "--by", by)
        assert code == 0
        assert data["entities"]["micro"]["strict"]["f1"] == 1.0, by
    # reviewed: accepted in the folder, the gold alone still credits both
    path = tmp_path / "pred" / "a.yaml"
    aset = store.read(path).checked()
    for k, e in list(aset.entities.items()):
        aset.entities[k] = with_status(e, ACCEPTED, "me")
    store.save(aset, path)
    code, data = run_json(capsys, str(path), "--by", "file:tool.jsonl")
    assert data["entities"]["micro"]["strict"]["correct"] == 2
    assert data["review"]["file:tool.jsonl"]["accepted"] == 2
    # two suggesters ran: --by is needed
    assert main(["audit", str(path)]) == 2
