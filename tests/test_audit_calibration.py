"""Calibration in the audit: for score bins, the share of decided suggestions accepted."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.audit import calibration
from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span, with_status

TEXT = "w " * 200


def decided(aset, k, status, score, by="rules"):
    e = Entity(f"T{k}", "PER", Span.of(TEXT, 2 * k, 2 * k + 1), status=SUGGESTED, by=by, score=score)
    aset.entities[e.id] = with_status(e, status, by="alice") if status != SUGGESTED else e


def test_bins_by_hand():
    x = AnnotationSet(Document(TEXT))
    decided(x, 1, ACCEPTED, 0.95)
    decided(x, 2, ACCEPTED, 0.91)
    decided(x, 3, REJECTED, 0.92)
    decided(x, 4, REJECTED, 0.15)
    decided(x, 5, SUGGESTED, 0.5)  # pending: not decided
    decided(x, 6, ACCEPTED, None)  # no score
    decided(x, 7, ACCEPTED, 1.0)  # the top bin takes 1.0
    decided(x, 8, ACCEPTED, 0.12, by="spacy:sm")
    x.entities["T9"] = Entity("T9", "ORG", Span.of(TEXT, 18, 19), by="alice", score=0.3)  # a person's: no suggester
    cal = calibration([x])
    assert list(cal) == ["rules", "spacy:sm"]
    rules = cal["rules"]
    assert (rules.decided, rules.accepted) == (5, 3)
    top = rules.bins[9].to_dict()
    assert top == {"low": 0.9, "high": 1.0, "decided": 4, "accepted": 3, "share": 0.75, "mean_score": (0.95 + 0.91 + 0.92 + 1.0) / 4}
    assert rules.bins[1].share == 0.0 and rules.bins[5].share is None
    assert rules.ece == 4 / 5 * abs(0.75 - top["mean_score"]) + 1 / 5 * 0.15
    assert calibration([x], by="spacy:sm")["spacy:sm"].bins[1].accepted == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), max_size=60))
def test_bins_count_every_decided_suggestion_once(rows):
    x = AnnotationSet(Document(TEXT))
    for k, (score, ok) in enumerate(rows, start=1):
        decided(x, k, ACCEPTED if ok else REJECTED, score)
    cal = calibration([x]).get("rules")
    if not rows:
        assert cal is None
        return
    assert cal.decided == len(rows) and cal.accepted == sum(ok for _, ok in rows)
    for b in cal.bins:
        inside = [(s, ok) for s, ok in rows if b.low <= s < b.high or (b.high == 1.0 and s == 1.0)]
        assert b.decided == len(inside) and b.accepted == sum(ok for _, ok in inside)


def test_the_audit_command_reports_calibration(tmp_path: Path, capsys):
    article = tmp_path / "seeds" / "a.txt"
    article.parent.mkdir()
    article.write_text(TEXT, encoding="utf-8")
    doc = store.read_article(article)
    path = tmp_path / "ann" / "a.yaml"
    x = store.new_set(doc, path)
    decided(x, 1, ACCEPTED, 0.85)
    decided(x, 2, REJECTED, 0.82)
    decided(x, 3, ACCEPTED, 0.3)
    store.save(x, path)
    assert main(["audit", str(path), "--by", "rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    bins = data["calibration"]["rules"]["bins"]
    assert bins[8]["decided"] == 2 and bins[8]["share"] == 0.5 and bins[3]["share"] == 1.0
    assert main(["audit", str(path), "--by", "rules", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "### Calibration: decided suggestions with a score, by score" in out
    assert "| rules | 0.8-0.9 | 2 | 1 | 0.5000 | 0.8350 |" in out
