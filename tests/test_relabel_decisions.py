"""A suggestion accepted after a relabel (or retype) means its suggester was wrong
about the label: review decisions, calibration and rule precision count it as not
accepted (rejected), as audit --by scores it as a wrong label."""

from __future__ import annotations

import json

from annotator import store
from annotator.audit import calibration, review_counts
from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span, with_label, with_status
from annotator.schema import default_schema
from annotator.session import Session
from annotator.suggest.precision import Tally, decisions, decisions_in_file, estimate

TEXT = "SDF and YPG fighters met in Raqqa."


def reviewed() -> AnnotationSet:
    a = AnnotationSet(Document(TEXT))
    sug = [Entity(f"T{k}", "GPE", Span.of(TEXT, s, e), status=SUGGESTED, by="rules:acronym", score=0.9)
           for k, (s, e) in enumerate([(0, 3), (8, 11), (28, 33)], 1)]
    a.entities["T1"] = with_label(with_status(sug[0], ACCEPTED, "me"), "ORG")  # relabelled, accepted
    a.entities["T2"] = with_status(sug[1], REJECTED, "me")
    a.entities["T3"] = with_status(sug[2], ACCEPTED, "me")  # accepted as suggested
    assert a.entities["T1"].suggested_label == "GPE"
    return a


def test_review_counts_and_calibration_count_a_relabel_as_rejected():
    a = reviewed()
    t = review_counts([a])["rules:acronym"]
    assert (t.accepted, t.rejected, t.relabelled, t.pending) == (1, 2, 1, 0)
    assert t.precision == 1 / 3
    assert t.to_dict()["relabelled"] == 1
    cal = calibration([a])["rules:acronym"]
    assert (cal.decided, cal.accepted) == (3, 1)


def test_rule_precision_counts_a_relabel_as_rejected_from_sets_files_and_steps(tmp_path):
    a = reviewed()
    assert decisions([a]) == {"rules:acronym": [1, 2]}
    assert estimate([a])["rules:acronym"].rejected == 2
    path = tmp_path / "a.yaml"
    store.save(a, path)
    assert decisions_in_file(path) == {"rules:acronym": [1, 2]}
    # the app's running tally: relabelling an accepted suggestion moves it to rejected
    s = Session(AnnotationSet(Document(TEXT)), default_schema(), user="me")
    s.add_many("suggest", [Entity("T1", "GPE", Span.of(TEXT, 0, 3), status=SUGGESTED, by="rules:acronym")])
    tally = Tally()
    s.listeners.append(lambda report: tally.change("a", report.step.pairs))
    s.set_status("T1", ACCEPTED)
    assert tally.total["rules:acronym"] == [1, 0]
    s.relabel("T1", "ORG")
    assert tally.total["rules:acronym"] == [0, 1]


def test_audit_review_table_says_how_many_were_relabelled(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    a = reviewed()
    path = tmp_path / "a.yaml"
    a = AnnotationSet(Document(TEXT, "a.txt"), a.entities)
    store.save(a, path)
    assert main(["audit", str(path), "--by", "rules", "--json"]) == 0
    review = json.loads(capsys.readouterr().out)["review"]["rules:acronym"]
    assert (review["accepted"], review["rejected"], review["relabelled"]) == (1, 2, 1)
    assert main(["audit", str(path), "--by", "rules"]) == 0
    assert "2 (1 relabelled)" in capsys.readouterr().out
