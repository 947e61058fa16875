"""`annotator audit` from the command line: pairing, output formats, exit status."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import REJECTED, SUGGESTED, Argument, Entity, Event, Span

TEXT_A = "In Baghdad, a cameraman died when an American tank fired on the Palestine Hotel.\n"
TEXT_B = "Orhan Qereman said the SDF captured Deir el-Zor on Monday.\n"


def write_article(root: Path, name: str, text: str) -> Path:
    path = root / "seeds" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_annotations(root: Path, folder: str, name: str, entities, events=(), file_name: str | None = None) -> Path:
    """entities: (id, label, word, status, by[, suggested_by]); events: (id, type, trigger word, [(role, ref)])."""
    article = root / "seeds" / f"{name}.txt"
    doc = read_article(article)
    yaml_path = root / folder / f"{file_name or name}.yaml"
    aset = store.new_set(doc, yaml_path)
    text = doc.text
    for ent_id, label, word, status, by, *rest in entities:
        s = text.index(word)
        aset.entities[ent_id] = Entity(
            ent_id, label, Span.of(text, s, s + len(word)), status=status, by=by, suggested_by=rest[0] if rest else None
        )
    for ev_id, ev_type, trigger, args in events:
        s = text.index(trigger)
        aset.events[ev_id] = Event(ev_id, ev_type, Span.of(text, s, s + len(trigger)), tuple(Argument(r, x) for r, x in args))
    yaml_path.parent.mkdir(parents=True, exist_ok=True)
    store.save(aset, yaml_path)
    return yaml_path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_article(tmp_path, "baghdad", TEXT_A)
    write_article(tmp_path, "deir", TEXT_B)
    write_article(tmp_path, "extra", "Nothing here.\n")
    write_annotations(tmp_path, "gold", "baghdad", [
        ("T1", "GPE", "Baghdad", "accepted", "alice"),
        ("T2", "PER", "cameraman", "accepted", "alice"),
        ("T3", "FAC", "Palestine Hotel", "accepted", "alice"),
    ])
    write_annotations(tmp_path, "gold", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules"),
        ("T2", "ORG", "SDF", "accepted", "alice"),
        ("T3", "GPE", "Deir el-Zor", "accepted", "alice"),
        ("T4", "DATE", "Monday", REJECTED, "alice", "rules"),
    ])
    write_annotations(tmp_path, "gold", "extra", [])
    write_annotations(tmp_path, "pred", "baghdad", [
        ("T1", "GPE", "Baghdad", SUGGESTED, "rules"),
        ("T2", "ORG", "cameraman", SUGGESTED, "rules"),  # wrong label
        ("T3", "FAC", "Palestine", SUGGESTED, "rules"),  # partial
        ("T4", "NORP", "American", REJECTED, "rules"),  # rejected: not predicted by default
    ])
    write_annotations(tmp_path, "pred", "deir", [
        ("T1", "PER", "Orhan Qereman", SUGGESTED, "rules"),
        ("T2", "GPE", "Deir el-Zor", "accepted", "bob"),
        ("T3", "DATE", "Monday", SUGGESTED, "spacy:en"),  # spurious
    ])
    return tmp_path


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main(["audit", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_two_folders_paired_by_name(project, capsys):
    code, data = run_json(capsys, str(project / "gold"), str(project / "pred"))
    assert code == 0
    assert data["articles"] == ["baghdad", "deir", "extra"]  # extra: gold only, scored against nothing (it has no gold)
    assert list(data) == ["gold", "pred", "articles", "by", "pending_left_out", "entities", "events", "attributions", "review", "calibration", "notes"]
    strict = data["entities"]["micro"]["strict"]
    # gold 6; predicted 6: Baghdad, Orhan Qereman, Deir el-Zor correct; cameraman wrong label,
    # Palestine partial (incorrect in strict), Monday spurious; SDF missed.
    assert (strict["correct"], strict["incorrect"], strict["missed"], strict["spurious"]) == (3, 2, 1, 1)
    assert strict["precision"] == 3 / 6 and strict["recall"] == 3 / 6
    partial = data["entities"]["micro"]["partial"]
    assert (partial["correct"], partial["partial"]) == (4, 1)
    assert partial["precision"] == 4.5 / 6
    assert any("extra" in n and "only in GOLD" in n for n in data["notes"])
    # review decisions come from the gold files
    assert data["review"] == {"rules": {"accepted": 1, "rejected": 1, "pending": 0, "relabelled": 0, "precision": 0.5}}


def test_by_suggester_includes_its_rejected_suggestions(project, capsys):
    code, data = run_json(capsys, str(project / "gold"), str(project / "pred"), "--by", "rules")
    assert code == 0
    strict = data["entities"]["micro"]["strict"]
    # rules: Baghdad, cameraman(ORG), Palestine, American(rejected), Orhan Qereman
    assert strict["actual"] == 5
    assert (strict["correct"], strict["spurious"]) == (2, 1)
    assert data["by"] == "rules"
    assert data["pending_left_out"] is None  # PRED's suggestions are its output, pending or not


def test_by_unknown_suggester_is_a_note(project, capsys):
    code, data = run_json(capsys, str(project / "gold"), str(project / "pred"), "--by", "nobody")
    assert code == 0
    assert data["entities"]["micro"]["strict"]["actual"] == 0
    assert any("nobody" in n for n in data["notes"])


def test_two_files_with_different_names(project, capsys):
    other = project / "elsewhere" / "renamed.yaml"
    other.parent.mkdir()
    other.write_bytes((project / "pred" / "deir.yaml").read_bytes())  # same ../seeds depth
    code, data = run_json(capsys, str(project / "gold" / "deir.yaml"), str(other))
    assert code == 0
    assert data["articles"] == ["deir"]
    assert data["entities"]["micro"]["strict"]["correct"] == 2


def test_file_against_folder(project, capsys):
    code, data = run_json(capsys, str(project / "gold" / "deir.yaml"), str(project / "pred"))
    assert code == 0
    assert data["articles"] == ["deir"]
    assert data["notes"] == []  # the folder's other files are not a surprise


def test_one_folder_against_its_suggestions(project, tmp_path, capsys):
    write_annotations(project, "reviewed", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules"),
        ("T2", "ORG", "SDF", "accepted", "alice"),
        ("T3", "DATE", "Monday", REJECTED, "alice", "rules"),
        ("T4", "GPE", "Deir el-Zor", SUGGESTED, "rules"),
    ])
    code, data = run_json(capsys, str(project / "reviewed"))
    assert code == 0
    assert data["by"] == "rules" and data["pred"] is None
    strict = data["entities"]["micro"]["strict"]
    # gold: Orhan Qereman, SDF; rules: Orhan Qereman (accepted), Monday (rejected), Deir el-Zor
    # (pending: not judged yet, so not scored, and a note says so)
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (1, 1, 1)
    assert data["review"]["rules"] == {"accepted": 1, "rejected": 1, "pending": 1, "relabelled": 0, "precision": 0.5}
    assert data["pending_left_out"] == 1
    assert "1 pending suggestion of 'rules' left out of the scores (not accepted or rejected yet)" in data["notes"]


def test_one_folder_with_two_suggesters_needs_by(project, capsys):
    write_annotations(project, "mixed", "deir", [
        ("T1", "PER", "Orhan Qereman", SUGGESTED, "rules"),
        ("T2", "DATE", "Monday", SUGGESTED, "spacy:en"),
    ])
    assert main(["audit", str(project / "mixed")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--by" in err and "rules" in err and "spacy:en" in err
    code, data = run_json(capsys, str(project / "mixed"), "--by", "spacy:en")
    assert code == 0 and data["pending_left_out"] == 1  # spacy:en's one (pending: not scored)


def test_one_folder_without_suggestions_is_an_error(project, capsys):
    assert main(["audit", str(project / "gold" / "extra.yaml")]) == 2
    assert "no suggestions" in capsys.readouterr().err


def test_fail_under(project, capsys):
    gold, pred = str(project / "gold"), str(project / "pred")
    assert main(["audit", gold, pred, "--markdown", "--fail-under", "0.6"]) == 1  # strict F1 is 0.5
    captured = capsys.readouterr()
    assert "below" in captured.err and "0.5000" in captured.err
    assert main(["audit", gold, pred, "--markdown", "--fail-under", "0.5"]) == 0
    capsys.readouterr()
    assert main(["audit", gold, pred, "--fail-under", "50"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err


def test_fail_under_prints_enough_digits_to_be_true():
    """The exact F1 is compared: the message shows as many digits as it takes
    ("0.6667 is below 0.66667" read false for F1 = 2/3)."""
    from annotator.commands.audit import below

    assert below(0.5, 0.6) == "0.5000"
    assert below(2 / 3, 0.66667) == "0.666667"
    assert below(2 / 3, 0.6667) == "0.66667"
    assert float(below(0.7999999999, 0.8)) < 0.8


def test_markdown_and_rich_output(project, capsys):
    gold, pred = str(project / "gold"), str(project / "pred")
    assert main(["audit", gold, pred, "--markdown"]) == 0
    md = capsys.readouterr().out
    assert "### Entities (3 articles)" in md
    assert "| scheme | COR | INC | PAR | MIS | SPU | P | R | F1 |" in md
    assert "| strict micro | 3 | 2 | 0 | 1 | 1 | 0.5000 | 0.5000 | 0.5000 |" in md
    assert "### Review decisions" in md
    assert "> note:" in md
    assert main(["audit", gold, pred]) == 0
    out = capsys.readouterr().out
    assert "Entities (3 articles)" in out and "strict micro" in out and "0.5000" in out
    assert "Entities per label" in out


def test_events_through_files(project, capsys):
    write_annotations(project, "g", "baghdad", [
        ("T1", "GPE", "Baghdad", "accepted", "a"), ("T2", "PER", "cameraman", "accepted", "a"),
        ("T3", "MISC", "American tank", "accepted", "a"), ("T4", "FAC", "Palestine Hotel", "accepted", "a"),
    ], events=[
        ("E1", "Life.Die", "died", [("Place", "T1"), ("Victim", "T2"), ("Instrument", "T3")]),
        ("E2", "Conflict.Attack", "fired", [("Instrument", "T3"), ("Place", "T1"), ("Target", "T2"), ("Target", "T4")]),
    ])
    write_annotations(project, "p", "baghdad", [
        ("T1", "FAC", "Palestine Hotel", "accepted", "s"), ("T2", "PER", "cameraman", "accepted", "s"),
        ("T3", "MISC", "American tank", "accepted", "s"), ("T4", "GPE", "Baghdad", "accepted", "s"),
    ], events=[
        ("E1", "Life.Die", "died", [("Place", "T1"), ("Victim", "T2")]),
        ("E2", "Conflict.Attack", "fired", [("Attacker", "T3"), ("Place", "T4"), ("Target", "T1")]),
    ])
    code, data = run_json(capsys, str(project / "g"), str(project / "p"))
    assert code == 0
    ev = data["events"]
    assert ev["trigger_classification"]["f1"] == 1.0
    assert (ev["argument_identification"]["precision"], ev["argument_identification"]["recall"]) == (0.8, 4 / 7)
    assert (ev["argument_classification"]["precision"], ev["argument_classification"]["recall"]) == (0.6, 3 / 7)
    assert main(["audit", str(project / "g"), str(project / "p"), "--markdown"]) == 0
    assert "| argument classification | 3 | 5 | 7 | 0.6000 | 0.4286 | 0.5000 |" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# Bad input: one line, exit 2, files untouched
# ---------------------------------------------------------------------------
def snapshot(root: Path) -> dict:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_missing_path(project, capsys):
    before = snapshot(project)
    assert main(["audit", str(project / "gold"), str(project / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err and "no such file or folder" in err
    assert snapshot(project) == before


def test_broken_yaml_names_file_and_line(project, capsys):
    bad = project / "pred" / "deir.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "entities: [unclosed\n", encoding="utf-8")
    before = snapshot(project)
    assert main(["audit", str(project / "gold"), str(project / "pred")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "deir.yaml:" in err and "Traceback" not in err
    assert snapshot(project) == before


def test_no_common_names(project, capsys):
    write_annotations(project, "lonely", "extra", [], file_name="other")
    assert main(["audit", str(project / "gold"), str(project / "lonely")]) == 2
    assert "no annotation file with the same name" in capsys.readouterr().err


def test_different_article_text(project, capsys):
    # pred/deir.yaml pointed at another article
    write_annotations(project, "wrong", "baghdad", [], file_name="deir")
    assert main(["audit", str(project / "gold" / "deir.yaml"), str(project / "wrong" / "deir.yaml")]) == 2
    assert "not annotating the same text" in capsys.readouterr().err


def test_empty_folder(project, capsys):
    (project / "empty").mkdir()
    assert main(["audit", str(project / "empty"), str(project / "pred")]) == 2
    assert "no .yaml annotation files" in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--fail-under" in out and "--by" in out and "--json" in out and "--markdown" in out


def test_unreviewed_folder_says_gold_is_empty(project, capsys):
    write_annotations(project, "fresh", "deir", [("T1", "PER", "Orhan Qereman", SUGGESTED, "rules")])
    code, data = run_json(capsys, str(project / "fresh"))
    assert code == 0
    assert data["entities"]["micro"]["strict"]["spurious"] == 0  # pending: not judged yet
    assert data["pending_left_out"] == 1
    assert any("no accepted annotations" in n for n in data["notes"])
    assert data["review"]["rules"]["pending"] == 1


def test_by_a_suggester_scores_a_relabelled_suggestion_with_the_label_it_suggested(project, capsys):
    """GOLD alone, --by rules: the user accepted rules' ORG on Deir el-Zor as GPE
    (suggested_label: ORG) and its Conflict.Attack on captured as Conflict.Capture:
    rules proposed the wrong label and type, and gets no credit for the corrected ones."""
    text = TEXT_B
    path = write_annotations(project, "relabelled", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules"),  # accepted as suggested
        ("T2", "ORG", "SDF", "accepted", "alice"),  # the user's own: rules missed it
        ("T3", "DATE", "Monday", REJECTED, "alice", "rules"),  # spurious
    ])
    aset = store.read(path).checked()
    s = text.index("Deir el-Zor")
    aset.entities["T4"] = Entity("T4", "GPE", Span.of(text, s, s + 11), by="alice", suggested_by="rules", suggested_label="ORG")
    s = text.index("captured")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, s, s + 8), by="alice", suggested_by="rules",
                              suggested_label="Conflict.Attack")
    store.save(aset, path)
    assert "suggested_label: ORG}" in path.read_text(encoding="utf-8")
    code, data = run_json(capsys, str(path), "--by", "rules")
    assert code == 0 and data["by"] == "rules"
    ents = data["entities"]
    strict = ents["micro"]["strict"]
    # Orhan Qereman correct; Deir el-Zor ORG for GPE incorrect; SDF missed; Monday spurious
    assert (strict["correct"], strict["incorrect"], strict["partial"], strict["missed"], strict["spurious"]) == (1, 1, 0, 1, 1)
    assert (strict["possible"], strict["actual"]) == (3, 3)
    exact = ents["micro"]["exact"]  # the boundaries were right
    assert (exact["correct"], exact["incorrect"]) == (2, 0)
    by_label = {lab: (v["strict"]["correct"], v["strict"]["missed"], v["strict"]["spurious"]) for lab, v in ents["labels"].items()}
    # per label (as nervaluate counts them): gold GPE missed, rules' ORG spurious (and SDF missed)
    assert by_label == {"DATE": (0, 0, 1), "GPE": (0, 1, 0), "ORG": (0, 1, 1), "PER": (1, 0, 0)}
    events = data["events"]
    assert events["trigger_identification"]["correct"] == 1
    assert (events["trigger_classification"]["correct"], events["trigger_classification"]["predicted"]) == (0, 1)
    # T1 accepted as suggested; T4 and E1 relabelled (rules was wrong about them) count as rejected, with T3
    review = data["review"]["rules"]
    assert (review["accepted"], review["rejected"], review["relabelled"]) == (1, 3, 2)
    # the same file audited without --by: its accepted gold against itself, all correct
    code, data = run_json(capsys, str(path), str(path))
    assert data["entities"]["micro"]["strict"]["correct"] == 3 and data["events"]["trigger_classification"]["correct"] == 1


def test_by_a_family_prefix_selects_every_rule_of_it_everywhere(project, capsys):
    """--by rules is rules:name-shape and rules:word-list together: in the scores, the
    review decisions, the calibration, and no note says it suggested nothing."""
    path = write_annotations(project, "rules", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules:name-shape"),
        ("T2", "ORG", "SDF", REJECTED, "alice", "rules:word-list"),
        ("T3", "GPE", "Deir el-Zor", "accepted", "alice", "rules:word-list"),
        ("T4", "DATE", "Monday", REJECTED, "alice", "rulesx"),  # not of the family
    ])
    aset = store.read(path).checked()
    for k, score in (("T1", 0.5), ("T2", 0.6), ("T3", 0.6), ("T4", 0.9)):
        aset.entities[k] = replace(aset.entities[k], score=score)
    store.save(aset, path)
    code, data = run_json(capsys, str(path), "--by", "rules")
    assert code == 0 and data["notes"] == []
    strict = data["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["spurious"]) == (2, 1)
    assert list(data["review"]) == ["rules:name-shape", "rules:word-list"]
    assert data["review"]["rules:word-list"] == {"accepted": 1, "rejected": 1, "pending": 0, "relabelled": 0, "precision": 0.5}
    assert list(data["calibration"]) == ["rules:name-shape", "rules:word-list"]
    assert data["calibration"]["rules:word-list"]["decided"] == 2
    # a PRED folder: the same rule for its note
    code, data = run_json(capsys, str(project / "gold"), str(project / "rules"), "--by", "rules")
    assert not any("nothing in PRED" in n for n in data["notes"])
    code, data = run_json(capsys, str(path), "--by", "rule")  # a prefix of a name is no family
    assert any("nothing here was suggested by 'rule'" in n for n in data["notes"])


def test_gold_alone_without_by_when_one_suggester_ran_with_several_rules(project, capsys):
    """Only rules ran (rules:name-shape, rules:word-list): --by is not needed; two
    suggesters (rules and spacy:en's parts) still need it."""
    path = write_annotations(project, "onefamily", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules:name-shape"),
        ("T2", "ORG", "SDF", REJECTED, "alice", "rules:word-list"),
        ("T3", "GPE", "Deir el-Zor", "accepted", "alice", "rules"),
    ])
    code, data = run_json(capsys, str(path))
    assert code == 0 and data["by"] == "rules"
    strict = data["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["spurious"]) == (2, 1)
    path = write_annotations(project, "twofamilies", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules:name-shape"),
        ("T2", "ORG", "SDF", REJECTED, "alice", "spacy:en:ner"),
        ("T3", "GPE", "Deir el-Zor", "accepted", "alice", "spacy:en"),
    ])
    assert main(["audit", str(path)]) == 2
    assert "suggestions from 2 suggesters (rules, spacy:en): choose one with --by" in capsys.readouterr().err


def test_gold_alone_leaves_pending_suggestions_out_of_the_scores(project, capsys):
    """Half-way through a review: 1 suggestion accepted, 3 pending. The pending ones
    are not judged yet: precision is over the decided one, not 1 / 4."""
    write_annotations(project, "midway", "deir", [
        ("T1", "PER", "Orhan Qereman", "accepted", "alice", "rules:word-list"),
        ("T2", "ORG", "SDF", SUGGESTED, "rules:word-list"),
        ("T3", "GPE", "Deir el-Zor", SUGGESTED, "rules:word-list"),
        ("T4", "DATE", "Monday", SUGGESTED, "rules:word-list"),
        ("T5", "DATE", "said", SUGGESTED, "spacy:en"),  # another suggester's: not counted
    ])
    code, data = run_json(capsys, str(project / "midway"), "--by", "rules")
    assert code == 0
    strict = data["entities"]["micro"]["strict"]
    assert (strict["correct"], strict["spurious"], strict["actual"]) == (1, 0, 1)
    assert strict["precision"] == 1.0
    assert data["pending_left_out"] == 3
    assert "3 pending suggestions of 'rules' left out of the scores (not accepted or rejected yet)" in data["notes"]
    assert main(["audit", str(project / "midway"), "--by", "rules"]) == 0
    assert "note: 3 pending suggestions of 'rules' left out" in capsys.readouterr().out
