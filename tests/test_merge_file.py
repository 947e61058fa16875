"""`annotator merge-file`: a git merge driver that merges annotation by annotation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.adjudication_changes import accept_suggestion
from annotator.model import ACCEPTED, SUGGESTED, AnnotationSet, Argument, Attribution, Document, Entity, Event, Ref, Relation, Span, with_label, with_status
from annotator.schema import load_schema
from annotator.three_way import merge3

TEXT = "Orhan Qereman said SDF fighters captured the town near Hasakeh on Monday .\n"


def span(word: str) -> Span:
    s = TEXT.index(word)
    return Span.of(TEXT, s, s + len(word))


def base_set() -> AnnotationSet:
    x = AnnotationSet(Document(TEXT))
    for k, (word, lab) in enumerate([("Orhan Qereman", "PER"), ("SDF", "ORG"), ("Hasakeh", "GPE")]):
        x.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", lab, span(word), by="alice")
    x.events["E1"] = Event("E1", "Conflict.Capture", span("captured"), (Argument("Agent", "T2"),), by="alice")
    return x


def relabel(x: AnnotationSet, ann_id: str, label: str, by: str) -> None:
    x.entities[ann_id] = replace(x.entities[ann_id], label=label, by=by)


def add(x: AnnotationSet, word: str, label: str, by: str) -> str:
    new = x.next_id(Entity)
    x.entities[new] = Entity(new, label, span(word), by=by)
    return new


def valid(x: AnnotationSet) -> AnnotationSet:
    return store.read("merged.yaml", text=store.dumps(x), article=TEXT).checked()


def test_changes_to_different_annotations_merge_cleanly():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    relabel(ours, "T2", "NORP", "bob")
    relabel(theirs, "T3", "LOC", "carol")
    del theirs.entities["T1"]
    res = merge3(base, ours, theirs)
    assert res.conflicts == 0
    got = valid(res.aset)
    assert {i: e.label for i, e in got.entities.items()} == {"T2": "NORP", "T3": "LOC"}


def test_new_ids_that_clash_are_renumbered_with_their_references():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    assert add(ours, "Monday", "DATE", "bob") == "T4"
    assert add(theirs, "town", "LOC", "carol") == "T4"
    theirs.relations["R1"] = Relation("R1", "near", "T4", "T3", by="carol")
    same = add(ours, "fighters", "MISC", "bob"), add(theirs, "fighters", "MISC", "carol")  # both added it
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and res.renumbered == 1
    texts = {e.text: i for i, e in got.entities.items()}
    assert texts["Monday"] == "T4" and texts["town"] == "T6" and texts["fighters"] == same[0]
    assert len([e for e in got.entities.values() if e.text == "fighters"]) == 1
    assert got.relations["R1"].arg1 == "T6"


def test_new_links_are_compared_in_ours_ids_not_by_their_clashing_ids():
    """Both sides' next free ID is the same one: theirs' T4 is another entity than
    ours' T4, so a relation (or an argument) to "T4" on each side is not the same
    link. Compared once theirs' IDs are ours', both relations are kept; a twin
    entity added under another ID still makes theirs' link the same as ours'."""
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    assert add(ours, "Monday", "DATE", "bob") == "T4"
    assert add(theirs, "town", "LOC", "carol") == "T4"
    ours.relations["R1"] = Relation("R1", "near", "T4", "T3", by="bob")
    theirs.relations["R1"] = Relation("R1", "near", "T4", "T3", by="carol")
    assert add(ours, "fighters", "MISC", "bob") == "T5"
    assert add(theirs, "fighters", "MISC", "carol") == "T5"
    ours.relations["R2"] = Relation("R2", "part", "T5", "T2", by="bob")
    theirs.relations["R2"] = Relation("R2", "part", "T5", "T2", by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0
    texts = {e.text: i for i, e in got.entities.items()}
    links = sorted((got.entities[r.arg1].text, r.type, got.entities[r.arg2].text) for r in got.relations.values())
    assert links == [("Monday", "near", "Hasakeh"), ("fighters", "part", "SDF"), ("town", "near", "Hasakeh")]
    assert texts["town"] not in ("T4", "T5")


def test_a_twin_under_another_id_makes_theirs_link_the_same():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    assert add(ours, "fighters", "MISC", "bob") == "T4"
    assert add(theirs, "town", "LOC", "carol") == "T4"
    assert add(theirs, "fighters", "MISC", "carol") == "T5"
    ours.relations["R1"] = Relation("R1", "part", "T4", "T2", by="bob")
    theirs.relations["R1"] = Relation("R1", "part", "T5", "T2", by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and list(got.relations) == ["R1"]
    assert got.entities[got.relations["R1"].arg1].text == "fighters"
    assert sorted(e.text for e in got.entities.values() if e.text in ("fighters", "town")) == ["fighters", "town"]


def test_an_argument_to_each_sides_new_entity_is_a_disagreement_not_one_argument():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    assert add(ours, "Monday", "DATE", "bob") == "T4"
    assert add(theirs, "town", "LOC", "carol") == "T4"
    ours.events["E1"] = replace(ours.events["E1"], arguments=(Argument("Agent", "T2"), Argument("Time", "T4")))
    theirs.events["E1"] = replace(theirs.events["E1"], arguments=(Argument("Agent", "T2"), Argument("Time", "T4")))
    ours.events["E2"] = Event("E2", "Contact.Meet", span("said"), (Argument("Time", "T4"),), by="bob")
    theirs.events["E2"] = Event("E2", "Contact.Meet", span("said"), (Argument("Time", "T4"),), by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 2  # E1 changed both ways (the same IDs, not the same entity), E2 new on both
    said = sorted(
        (ev.attrs["merge"]["side"], [got.entities[a.ref].text for a in ev.arguments])
        for ev in got.events.values() if ev.trigger.text == "said"
    )
    assert said == [("ours", ["Monday"]), ("theirs", ["town"])]
    captured = sorted(
        (ev.attrs["merge"]["side"], [(a.role, got.entities[a.ref].text) for a in ev.arguments])
        for ev in got.events.values() if ev.trigger.text == "captured"
    )
    assert captured == [("ours", [("Agent", "SDF"), ("Time", "Monday")]), ("theirs", [("Agent", "SDF"), ("Time", "town")])]


def test_two_changes_to_one_annotation_keep_both_sides():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    relabel(ours, "T2", "NORP", "bob")
    relabel(theirs, "T2", "GPE", "carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 1
    sides = sorted((e.label, e.by, e.status, e.attrs["merge"]["side"]) for e in got.entities.values() if "merge" in e.attrs)
    assert sides == [("GPE", "carol", SUGGESTED, "theirs"), ("NORP", "bob", SUGGESTED, "ours")]
    assert got.entities["T2"].label == "NORP" and got.events["E1"].arguments[0].ref == "T2"


def test_a_conflict_keeps_each_sides_by_and_invents_none():
    base = base_set()
    for e in list(base.entities.values()):
        base.entities[e.id] = replace(e, by=None)  # e.g. a hand-written or imported file
    ours, theirs = base.copy(), base.copy()
    relabel(ours, "T2", "NORP", None)
    relabel(theirs, "T2", "GPE", None)
    del ours.entities["T1"]
    theirs.events["E2"] = Event("E2", "Contact.Meet", span("said"), (Argument("Participant", "T1"),))
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    marked = sorted((e.label, e.by, e.attrs["merge"]["side"]) for e in got.entities.values() if "merge" in e.attrs)
    assert marked == [("GPE", None, "theirs"), ("NORP", None, "ours"), ("PER", None, "theirs")]
    assert "by:" not in store.dumps(got).split("events:")[0]


def test_a_deleted_annotation_still_used_comes_back_marked():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    del ours.entities["T1"]
    theirs.events["E2"] = Event("E2", "Contact.Meet", span("said"), (Argument("Participant", "T1"),), by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert got.entities["T1"].status == SUGGESTED and got.entities["T1"].attrs["merge"]["side"] == "theirs"
    assert got.events["E2"].arguments[0].ref == "T1"


# ---------------------------------------------------------------------------
# Through git
# ---------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """git run in ``repo`` (a folder of the work tree, or its top)."""
    # the driver git runs imports this checkout (not another worktree's editable install)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "team"
    (repo / "seeds").mkdir(parents=True)
    (repo / "seeds" / "capture.txt").write_text(TEXT, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "Tester")
    (repo / ".gitattributes").write_text("annotations/*.yaml merge=annotator\n", encoding="utf-8")
    driver = f"{sys.executable} -m annotator merge-file %O %A %B %P"
    git(repo, "config", "merge.annotator.driver", driver)
    save(repo, base_set())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def path_of(repo: Path) -> Path:
    return repo / "annotations" / "capture.yaml"


def save(repo: Path, x: AnnotationSet) -> None:
    doc = read_article(repo / "seeds" / "capture.txt")
    out = store.new_set(doc, path_of(repo))
    out.entities, out.events, out.attributions, out.relations = x.entities, x.events, x.attributions, x.relations
    store.save(out, path_of(repo))


def branch(repo: Path, name: str, change) -> None:
    git(repo, "checkout", "-q", "-b", name, "main")
    x = store.read(path_of(repo)).checked()
    change(x)
    save(repo, x)
    git(repo, "commit", "-q", "-am", name)


def test_git_merge_clean(repo):
    branch(repo, "bob", lambda x: (relabel(x, "T2", "NORP", "bob"), add(x, "Monday", "DATE", "bob")))
    branch(repo, "carol", lambda x: (relabel(x, "T3", "LOC", "carol"), add(x, "town", "LOC", "carol")))
    git(repo, "checkout", "-q", "bob")
    res = git(repo, "merge", "-q", "--no-edit", "carol", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    got = store.read(path_of(repo)).checked()  # validates, against the article
    assert {e.text: (i, e.label) for i, e in got.entities.items()} == {
        "Orhan Qereman": ("T1", "PER"), "SDF": ("T2", "NORP"), "Hasakeh": ("T3", "LOC"),
        "Monday": ("T4", "DATE"), "town": ("T5", "LOC"),
    }
    assert "<<<<<<<" not in path_of(repo).read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain").stdout == ""  # committed


def test_git_merge_with_a_conflicting_change_keeps_both_sides(repo):
    branch(repo, "bob", lambda x: (relabel(x, "T2", "NORP", "bob"), add(x, "Monday", "DATE", "bob")))
    branch(repo, "carol", lambda x: (relabel(x, "T2", "GPE", "carol"), relabel(x, "T3", "LOC", "carol")))
    git(repo, "checkout", "-q", "bob")
    res = git(repo, "merge", "--no-edit", "carol", check=False)
    assert res.returncode != 0  # git stops: annotations to adjudicate
    assert "annotations/capture.yaml: 1 annotation(s) to adjudicate, kept as suggestions" in res.stdout + res.stderr
    assert ".merge_file_" not in res.stdout + res.stderr  # the work tree's path, not git's copy
    text = path_of(repo).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and "=======" not in text
    got = store.read(path_of(repo)).checked()  # the result validates
    sdf = sorted((e.label, e.by, e.attrs["merge"]["side"]) for e in got.entities.values() if e.text == "SDF")
    assert sdf == [("GPE", "carol", "theirs"), ("NORP", "bob", "ours")]
    assert got.entities["T3"].label == "LOC" and got.entities["T4"].text == "Monday"
    assert main(["validate", str(path_of(repo))]) == 0
    git(repo, "add", "annotations/capture.yaml")
    git(repo, "commit", "-q", "--no-edit")


def test_git_merge_of_annotations_without_by_names_nobody(repo):
    unnamed = lambda x: [x.entities.__setitem__(i, replace(e, by=None)) for i, e in list(x.entities.items())]  # noqa: E731
    branch(repo, "bob", lambda x: (relabel(x, "T2", "NORP", "bob"), unnamed(x)))
    git(repo, "checkout", "-q", "main")
    branch(repo, "carol", lambda x: (relabel(x, "T2", "GPE", "carol"), unnamed(x)))
    git(repo, "checkout", "-q", "bob")
    res = git(repo, "merge", "--no-edit", "carol", check=False)
    assert res.returncode != 0
    text = path_of(repo).read_text(encoding="utf-8")
    assert "by: ours" not in text and "by: theirs" not in text
    got = store.read(path_of(repo)).checked()
    assert sorted((e.label, e.by) for e in got.entities.values() if e.text == "SDF") == [("GPE", None), ("NORP", None)]


@pytest.mark.parametrize(
    "names, path, named",
    [
        (("ours.yaml", "theirs.yaml"), [], "theirs.yaml"),
        # with git's %P, the work tree's path, not git's temporary copy
        ((".merge_file_a1", ".merge_file_b2"), ["annotations/capture.yaml"], "annotations/capture.yaml (theirs)"),
    ],
)
def test_bad_input_leaves_ours_alone(tmp_path, capsys, names, path, named):
    good, bad = tmp_path / names[0], tmp_path / names[1]
    x = base_set()
    x.document = Document(TEXT, "capture.txt", "0" * 64)
    good.write_text(store.dumps(x), encoding="utf-8")
    before = good.read_bytes()
    bad.write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    assert main(["merge-file", str(good), str(good), str(bad), *path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err
    assert not path or ".merge_file_" not in err
    assert good.read_bytes() == before


def test_two_labels_added_for_one_span_are_a_conflict():
    """Both annotators tag the same new span with another label (and each its
    own IDs): a disagreement to adjudicate, not two accepted entities on one span."""
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    o = add(ours, "fighters", "MISC", "alice")
    add(theirs, "Monday", "DATE", "bob")  # the same new ID as ours' "fighters"
    t = add(theirs, "fighters", "GPE", "bob")
    theirs.events["E2"] = Event("E2", "Conflict.Attack", span("town"), (Argument("Target", t),), by="bob")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 1
    at = [e for e in got.entities.values() if e.span.fragments == span("fighters").fragments]
    assert sorted((e.label, e.status, e.attrs["merge"]["side"]) for e in at) == [
        ("GPE", SUGGESTED, "theirs"), ("MISC", SUGGESTED, "ours")
    ]
    gpe = next(e for e in at if e.label == "GPE")
    assert got.events["E2"].arguments == (Argument("Target", gpe.id),)  # theirs' link follows theirs' version
    assert next(e for e in at if e.label == "MISC").id == o
    assert [e.label for e in got.entities.values() if e.span.text == "Monday"] == ["DATE"]  # renumbered, kept
    # the same label on both sides: once, no conflict
    ours2, theirs2 = base.copy(), base.copy()
    add(ours2, "fighters", "MISC", "alice")
    add(theirs2, "Monday", "DATE", "bob")
    add(theirs2, "fighters", "MISC", "bob")
    res2 = merge3(base, ours2, theirs2)
    assert res2.conflicts == 0
    assert [e.label for e in valid(res2.aset).entities.values() if e.span.text == "fighters"] == ["MISC"]


def test_an_accepted_link_to_an_entity_the_other_side_rejected_is_a_conflict(tmp_path, capsys):
    """Ours rejected a suggested entity, theirs made it an argument of an accepted
    event: not a clean merge into a file that fails validate (E1 accepted ->
    argument to a rejected entity), but the entity back as a candidate."""
    base = base_set()
    base.entities["T4"] = Entity("T4", "DATE", span("Monday"), status=SUGGESTED, by="rules")
    ours, theirs = base.copy(), base.copy()
    ours.entities["T4"] = replace(base.entities["T4"], status="rejected", by="bob", suggested_by="rules")
    theirs.events["E1"] = replace(base.events["E1"], arguments=(Argument("Agent", "T2"), Argument("Time", "T4")), by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 1 and got.links_to_rejected() == []
    t4 = got.entities["T4"]
    assert t4.status == SUGGESTED and t4.attrs["merge"] == {"agree": 1, "of": 2, "side": "ours", "status": "rejected"}
    assert Argument("Time", "T4") in got.events["E1"].arguments
    # through the command: exit 1 (to adjudicate), and the file validates
    for name, x in (("base", base), ("ours", ours), ("theirs", theirs)):
        x.document = Document(TEXT, "capture.txt", "0" * 64)
        (tmp_path / f"{name}.yaml").write_text(store.dumps(x), encoding="utf-8")
    b, o, t = (str(tmp_path / f"{n}.yaml") for n in ("base", "ours", "theirs"))
    assert main(["merge-file", b, o, t]) == 1
    merged = store.read(o, text=(tmp_path / "ours.yaml").read_text(encoding="utf-8"))
    assert store.rejected_link_problems(merged) == [] and merged.checked().entities["T4"].status == SUGGESTED


def test_an_input_with_an_accepted_link_to_a_rejected_entity_is_refused(tmp_path, capsys):
    """merge-file checks as strictly as validate: a side that already fails it is
    refused (exit 2, OURS untouched, one line naming the file)."""
    x = base_set()
    x.document = Document(TEXT, "capture.txt", "0" * 64)
    good, bad = tmp_path / ".merge_file_a1", tmp_path / ".merge_file_b2"
    good.write_text(store.dumps(x), encoding="utf-8")
    x.entities["T2"] = replace(x.entities["T2"], status="rejected")  # E1 (accepted) has T2 as its Agent
    bad.write_text(store.dumps(x), encoding="utf-8")
    before = good.read_bytes()
    assert main(["merge-file", str(good), str(good), str(bad), "annotations/capture.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "annotations/capture.yaml (theirs)" in err and "rejected entity" in err
    assert good.read_bytes() == before
    assert main(["merge-file", str(good), str(bad), str(good)]) == 2  # ours itself
    assert str(bad) in capsys.readouterr().err


@pytest.mark.parametrize("rejecter", ["ours", "theirs", "both"])
def test_deleted_on_one_side_and_rejected_on_the_other_merges_cleanly(rejecter):
    """Both sides removed the suggestion from the gold: no conflict, and no pending
    suggestion back; the rejection is kept (a suggester's record)."""
    base = base_set()
    base.entities["T4"] = Entity("T4", "DATE", span("Monday"), status=SUGGESTED, by="rules")
    ours, theirs = base.copy(), base.copy()
    rejected = lambda who: replace(base.entities["T4"], status="rejected", by=who, suggested_by="rules")  # noqa: E731
    if rejecter == "ours":
        ours.entities["T4"] = rejected("bob")
        del theirs.entities["T4"]
    elif rejecter == "theirs":
        del ours.entities["T4"]
        theirs.entities["T4"] = rejected("carol")
    else:  # each rejected it (another name): the same decision
        ours.entities["T4"], theirs.entities["T4"] = rejected("bob"), rejected("carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0
    t4 = got.entities["T4"]
    assert t4.status == "rejected" and "merge" not in t4.attrs
    assert t4.by == ("carol" if rejecter == "theirs" else "bob")


def test_a_rejected_event_does_not_bring_back_what_the_other_side_deleted():
    base = base_set()
    ours, theirs = base.copy(), base.copy()
    del ours.events["E1"], ours.entities["T2"]  # ours deleted the event and its Agent
    theirs.events["E1"] = replace(base.events["E1"], status="rejected", by="carol")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and "T2" not in got.entities
    assert got.events["E1"].status == "rejected" and got.events["E1"].arguments == ()


def test_git_merge_of_a_rejection_against_a_new_link_stops_for_adjudication(repo):
    """Through git: bob rejected the suggested Monday, carol made it E1's Time. Git
    used to commit a clean merge that validate refused."""
    git(repo, "checkout", "-q", "main")
    x = store.read(path_of(repo)).checked()
    x.entities["T4"] = Entity("T4", "DATE", span("Monday"), status=SUGGESTED, by="rules")
    save(repo, x)
    git(repo, "commit", "-q", "-am", "suggestion")
    reject = lambda x: x.entities.__setitem__("T4", replace(x.entities["T4"], status="rejected", by="bob"))  # noqa: E731
    branch(repo, "bob", reject)
    git(repo, "checkout", "-q", "main")
    link = lambda x: x.events.__setitem__("E1", replace(x.events["E1"], arguments=(*x.events["E1"].arguments, Argument("Time", "T4"))))  # noqa: E731
    branch(repo, "carol", link)
    git(repo, "checkout", "-q", "bob")
    res = git(repo, "merge", "--no-edit", "carol", check=False)
    assert res.returncode != 0, res.stdout + res.stderr  # not committed: T4 to adjudicate
    assert main(["validate", str(path_of(repo))]) == 0
    got = store.read(path_of(repo)).checked()
    assert got.entities["T4"].status == SUGGESTED and got.entities["T4"].attrs["merge"]["status"] == "rejected"


# ---------------------------------------------------------------------------
# The schema: each side and the result are checked as `annotator validate` checks them
# ---------------------------------------------------------------------------
def person_schema(path: Path) -> Path:
    """The news schema plus PERSON (spaCy's name for PER), a team's own schema."""
    from annotator.schema import DEFAULT_SCHEMA_YAML

    marker = "- {name: MISC, key: '8', description: anything else named}\n"
    assert marker in DEFAULT_SCHEMA_YAML
    path.write_text(DEFAULT_SCHEMA_YAML.replace(marker, marker + "- {name: PERSON, key: '9'}\n"), encoding="utf-8")
    return path


def outside_the_schema(how: str) -> AnnotationSet:
    """The base with one thing `validate` refuses under the news schema: an entity
    label it lacks, or an event retyped that kept a role its new type lacks."""
    x = base_set()
    if how == "label":
        relabel(x, "T1", "PERSON", "bob")
    else:
        x.events["E1"] = replace(x.events["E1"], type="Conflict.Attack", by="bob")  # keeps its Agent
    return x


def write_versions(folder: Path, **sets: AnnotationSet) -> dict[str, Path]:
    """Each set as an annotation file of the article ``folder/capture.txt`` (written too)."""
    (folder / "capture.txt").write_text(TEXT, encoding="utf-8")
    doc = read_article(folder / "capture.txt")
    paths = {}
    for name, x in sets.items():
        paths[name] = folder / f"{name}.yaml"
        out = store.new_set(doc, paths[name])
        out.entities, out.events, out.attributions, out.relations = x.entities, x.events, x.attributions, x.relations
        paths[name].write_text(store.dumps(out), encoding="utf-8")
    return paths


def first_validate_problem(path: Path, capsys, *schema: str) -> str:
    """What `annotator validate` says first about ``path`` (it must refuse it)."""
    assert main(["validate", str(path), *schema]) == 2
    line = capsys.readouterr().err.splitlines()[0]
    return line.split(": ", 1)[1]  # without FILE:LINE


@pytest.mark.parametrize("how, problem", [
    ("label", "T1: label 'PERSON' is not in the schema"),
    ("role", "E1: role 'Agent' is not a role of Conflict.Attack"),
])
@pytest.mark.parametrize("side", ["theirs", "ours"])
def test_a_side_that_validate_refuses_for_the_schema_is_refused(tmp_path, capsys, monkeypatch, side, how, problem):
    """A label the schema lacks, or a role the event's type lacks: validate refuses
    the file, so merge-file does too (exit 2, one line naming the side's file and
    its first problem, OURS untouched). It used to merge it (exit 0, a clean merge
    for git) into a file that validate and the app then refused."""
    monkeypatch.chdir(tmp_path)
    good = base_set()
    relabel(good, "T3", "LOC", "carol")  # a change of the other side's, to merge
    bad = outside_the_schema(how)
    paths = write_versions(tmp_path, base=base_set(), ours=bad if side == "ours" else good,
                           theirs=bad if side == "theirs" else good)
    said = first_validate_problem(paths[side], capsys)
    assert said.startswith(problem)
    before = paths["ours"].read_bytes()
    argv = ["merge-file", str(paths["base"]), str(paths["ours"]), str(paths["theirs"])]
    assert main([*argv, "annotations/capture.yaml"]) == 2
    err = capsys.readouterr().err
    named = "annotations/capture.yaml (theirs):" if side == "theirs" else "annotations/capture.yaml:"
    assert err.count("\n") == 1 and err.startswith(f"annotator: {named}") and said in err, err
    assert paths["ours"].read_bytes() == before
    assert main(argv) == 2  # without %P: git's copy is named
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{paths[side]}:" in err and said in err
    assert paths["ours"].read_bytes() == before


def test_merge_file_checks_with_the_schema_validate_uses(tmp_path, capsys, monkeypatch):
    """The settings' schema (annotator.toml where the driver runs: git runs it at the
    top of the work tree), else --schema, as for validate: a label of the team's
    schema merges; a label of the news schema the team's lacks does not."""
    monkeypatch.chdir(tmp_path)
    person_schema(tmp_path / "team.yaml")
    theirs = outside_the_schema("label")  # PERSON
    paths = write_versions(tmp_path, base=base_set(), ours=base_set(), theirs=theirs)
    argv = ["merge-file", str(paths["base"]), str(paths["ours"]), str(paths["theirs"]), "annotations/capture.yaml"]
    assert main(argv) == 2
    capsys.readouterr()
    assert main([*argv, "--schema", "team.yaml"]) == 0, capsys.readouterr().err
    assert main(["validate", str(paths["ours"]), "--schema", "team.yaml"]) == 0
    assert store.read(paths["ours"]).checked().entities["T1"].label == "PERSON"
    # the same through the settings
    paths = write_versions(tmp_path, base=base_set(), ours=base_set(), theirs=theirs)
    (tmp_path / "annotator.toml").write_text('schema = "team.yaml"\n', encoding="utf-8")
    assert main(argv) == 0, capsys.readouterr().err
    assert main(["validate", str(paths["ours"])]) == 0
    # a schema without PER: ours (PER) is refused as validate refuses it
    (tmp_path / "team.yaml").write_text(
        person_schema(tmp_path / "team.yaml").read_text(encoding="utf-8")
        .replace("- {name: PER, key: '1', description: person}\n", ""), encoding="utf-8")
    paths = write_versions(tmp_path, base=base_set(), ours=base_set(), theirs=theirs)
    before = paths["ours"].read_bytes()
    said = first_validate_problem(paths["ours"], capsys)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "annotations/capture.yaml:" in err and said in err and "'PER'" in err
    assert paths["ours"].read_bytes() == before


def test_a_label_a_schema_of_import_declares_names_the_schema_to_give(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "annotations" / "schemas").mkdir(parents=True)
    declares = person_schema(tmp_path / "annotations" / "schemas" / "team.yaml").relative_to(tmp_path)
    paths = write_versions(tmp_path, base=base_set(), ours=base_set(), theirs=outside_the_schema("label"))
    argv = ["merge-file", str(paths["base"]), str(paths["ours"]), str(paths["theirs"]), "annotations/capture.yaml"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and (f'(the schema {declares} declares it: set schema = "{declares}" in the annotator.toml '
                                    f'at the top of the work tree, or give --schema {declares})') in err


def test_git_pull_refuses_a_side_outside_the_schema_and_reads_the_top_settings(repo, tmp_path):
    """Through git, a bare repository and two clones, the driver configured as the
    README says: bob's tool wrote PERSON, a label the news schema lacks, and he
    pushed; carol's pull used to be a clean merge into a file validate refused. It
    stops, carol's file as it was; with the team's schema in annotator.toml at the
    top of her work tree the same merge is clean, even pulled from a subfolder
    (git runs the driver at the top)."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    clones = {}
    for who in ("bob", "carol"):
        clones[who] = tmp_path / who
        git(tmp_path, "clone", "-q", str(origin), who)
        git(clones[who], "config", "user.email", f"{who}@example.org")
        git(clones[who], "config", "user.name", who)
        git(clones[who], "config", "merge.annotator.driver", f"{sys.executable} -m annotator merge-file %O %A %B %P")
        git(clones[who], "config", "pull.rebase", "false")

    def commit(who: str, change) -> None:
        x = store.read(path_of(clones[who])).checked()
        change(x)
        save(clones[who], x)
        git(clones[who], "commit", "-q", "-am", who)

    commit("bob", lambda x: relabel(x, "T1", "PERSON", "bob"))
    git(clones["bob"], "push", "-q", "origin", "HEAD")
    carol = clones["carol"]
    commit("carol", lambda x: relabel(x, "T3", "LOC", "carol"))
    before = path_of(carol).read_bytes()
    res = git(carol, "pull", "--no-edit", "origin", "main", check=False)
    assert res.returncode != 0, res.stdout + res.stderr
    out = res.stdout + res.stderr
    assert "annotator: annotations/capture.yaml (theirs):" in out and "T1: label 'PERSON' is not in the schema" in out
    assert path_of(carol).read_bytes() == before  # carol's, untouched
    assert main(["validate", str(path_of(carol))]) == 0
    git(carol, "merge", "--abort")
    person_schema(carol / "team.yaml")
    (carol / "annotator.toml").write_text('schema = "team.yaml"\n', encoding="utf-8")
    res = git(carol / "seeds", "pull", "-q", "--no-edit", "origin", "main", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    got = store.read(path_of(carol), schema=load_schema(carol / "team.yaml")).checked()
    assert (got.entities["T1"].label, got.entities["T3"].label) == ("PERSON", "LOC")


# ---------------------------------------------------------------------------
# An attribution's source: a span, or a reference to an entity on that span (one source)
# ---------------------------------------------------------------------------
def said_by(x: AnnotationSet, source, ann_id: str = "A1", type_: str = "indirect") -> AnnotationSet:
    x.attributions[ann_id] = Attribution(ann_id, source, span("said"), span("SDF fighters captured the town"), type=type_,
                                         by="alice")
    return x


def test_a_source_given_as_a_span_on_one_side_and_as_the_entity_on_the_other():
    """As merge, agree and audit take it (model.source_span), a span and a reference
    to an entity on that span are one source: two versions of an attribution that
    differ only so are not a conflict. The result refers to the entity when it is
    accepted in the result, else it has the span."""
    base = base_set()
    # new on both sides: ours gave the span, theirs the entity (T1, accepted)
    ours, theirs = said_by(base.copy(), span("Orhan Qereman")), said_by(base.copy(), Ref("T1"))
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and list(got.attributions) == ["A1"] and got.attributions["A1"].source == Ref("T1")
    res = merge3(base, theirs, ours)  # the other way round
    assert res.conflicts == 0 and valid(res.aset).attributions["A1"].source == Ref("T1")
    # changed on both sides from the span: ours to the entity, theirs to its own new PER on the span
    # with another label (a conflict of the entities: neither is accepted, so the span)
    base = said_by(without_t1(base_set()), span("Orhan Qereman"))
    ours, theirs = base.copy(), base.copy()
    o = add(ours, "Orhan Qereman", "PER", "bob")
    t = add(theirs, "Orhan Qereman", "NORP", "carol")
    ours.attributions["A1"] = replace(base.attributions["A1"], source=Ref(o))
    theirs.attributions["A1"] = replace(base.attributions["A1"], source=Ref(t))
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 1  # the entity, not the attribution
    assert list(got.attributions) == ["A1"] and got.attributions["A1"].source == span("Orhan Qereman")
    assert sorted(e.label for e in got.entities.values() if e.text == "Orhan Qereman") == ["NORP", "PER"]


def without_t1(x: AnnotationSet) -> AnnotationSet:
    del x.entities["T1"]
    return x


def test_one_side_gives_the_source_as_the_entity_the_other_changes_the_attribution():
    """Ours only gave A1's source another way (the PER it tagged on that span),
    theirs changed its type: not a conflict, theirs' change is taken and ours'
    entity stays the source (theirs kept the source's characters). Had theirs
    changed the source, theirs' is taken whole."""
    base = said_by(without_t1(base_set()), span("Orhan Qereman"))
    ours, theirs = base.copy(), base.copy()
    o = add(ours, "Orhan Qereman", "PER", "bob")
    ours.attributions["A1"] = replace(base.attributions["A1"], source=Ref(o))
    theirs.attributions["A1"] = replace(base.attributions["A1"], type="direct")
    for a, b, mine in ((ours, theirs, o), (theirs, ours, None)):  # and the other way round
        res = merge3(base, a, b)
        got = valid(res.aset)
        assert res.conflicts == 0 and list(got.attributions) == ["A1"]
        at = got.attributions["A1"]
        assert at.type == "direct" and got.entities[at.source.ref].text == "Orhan Qereman"
        assert mine is None or at.source == Ref(mine)
    theirs.attributions["A1"] = replace(base.attributions["A1"], type="direct", source=span("SDF"))
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and got.attributions["A1"].source == span("SDF") and got.attributions["A1"].type == "direct"
    # the entity deleted on one side, the source given as its span there: the other side's type change is taken,
    # with the span, and the entity is not brought back
    base = said_by(base_set(), Ref("T1"))
    ours, theirs = base.copy(), base.copy()
    del ours.entities["T1"]
    ours.attributions["A1"] = replace(base.attributions["A1"], source=span("Orhan Qereman"))
    theirs.attributions["A1"] = replace(base.attributions["A1"], type="direct")
    res = merge3(base, ours, theirs)
    got = valid(res.aset)
    assert res.conflicts == 0 and "T1" not in got.entities
    assert (got.attributions["A1"].source, got.attributions["A1"].type) == (span("Orhan Qereman"), "direct")
    # a change of one side only is taken as it is, either way
    res = merge3(base, ours, base.copy())
    assert res.conflicts == 0 and valid(res.aset).attributions["A1"].source == span("Orhan Qereman")
    res = merge3(ours, base.copy(), ours)
    assert res.conflicts == 0 and valid(res.aset).attributions["A1"].source == Ref("T1")


def test_git_merge_of_a_source_given_as_the_entity_on_its_span(repo):
    """Through git: bob tagged A1's source as a PER and made it the source; carol
    changed A1's type. A clean merge, as merge and agree see one source."""
    git(repo, "checkout", "-q", "main")
    x = store.read(path_of(repo)).checked()
    said_by(without_t1(x), span("Orhan Qereman"))
    save(repo, x)
    git(repo, "commit", "-q", "-am", "attribution")

    def tag(x):
        t = add(x, "Orhan Qereman", "PER", "bob")
        x.attributions["A1"] = replace(x.attributions["A1"], source=Ref(t))

    branch(repo, "bob", tag)
    git(repo, "checkout", "-q", "main")
    branch(repo, "carol", lambda x: x.attributions.__setitem__("A1", replace(x.attributions["A1"], type="direct")))
    res = git(repo, "merge", "--no-edit", "bob", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    got = store.read(path_of(repo)).checked()
    at = got.attributions["A1"]
    assert at.type == "direct" and got.entities[at.source.ref].label == "PER"
    assert main(["validate", str(path_of(repo))]) == 0


# ---------------------------------------------------------------------------
# A suggestion both sides got (each annotator ran `suggest` in their clone)
# ---------------------------------------------------------------------------
def suggest(x: AnnotationSet) -> AnnotationSet:
    """``x`` with what ``annotator suggest --with rules`` adds on TEXT, numbered
    from ``x``'s next free IDs (as the suggester numbers them in each clone)."""
    ids = {}
    for word, label, rule, score in [("Orhan Qereman", "PER", "name-shape", 0.3), ("SDF", "ORG", "acronym", 0.35),
                                     ("Hasakeh", "GPE", "place-before", 0.35), ("Monday", "DATE", "date-word", 0.5)]:
        ids[word] = new = x.next_id(Entity)
        x.entities[new] = Entity(new, label, span(word), status=SUGGESTED, by=f"rules:{rule}", score=score)
    args = (Argument("Agent", ids["SDF"]), Argument("Place", ids["Hasakeh"]), Argument("Time", ids["Monday"]))
    e = x.next_id(Event)
    x.events[e] = Event(e, "Conflict.Capture", span("captured"), args, status=SUGGESTED, by="rules:trigger-schema", score=0.6)
    a = x.next_id(Attribution)
    x.attributions[a] = Attribution(a, Ref(ids["Orhan Qereman"]), span("said"), span("SDF fighters captured the town near Hasakeh on Monday"),
                                    type="indirect", status=SUGGESTED, by="rules:content-after", score=0.7)
    return x


def by_text(x: AnnotationSet, word: str) -> str:
    return next(i for i, e in x.entities.items() if e.text == word)


def dumped(x: AnnotationSet) -> str:
    return store.dumps(valid(x))


def decide(x: AnnotationSet, how: str, user: str) -> AnnotationSet:
    """``x`` with ``user``'s decision on the suggested Hasakeh: accepted, rejected, or relabelled and accepted."""
    t = by_text(x, "Hasakeh")
    if how == "relabelled":
        x.entities[t] = with_status(with_label(x.entities[t], "LOC"), ACCEPTED, by=user)
    else:
        x.entities[t] = with_status(x.entities[t], how, by=user)
    return x


@pytest.mark.parametrize("decider", ["ours", "theirs"])
@pytest.mark.parametrize("how", ["accepted", "rejected", "relabelled"])
def test_a_suggestion_both_sides_got_decided_on_one_merges_as_if_the_base_had_it(how, decider):
    """Both annotators ran the suggester in their clone (the base has none of its
    suggestions; ours' IDs are one further on, bob tagged the town first), and one
    decided a suggestion the other left pending: one annotation, with the decision,
    as when the suggestion was committed before the clones (the pending one in the
    base, the decision a change of one side). Used to be a conflict."""
    base = AnnotationSet(Document(TEXT))
    ours = base.copy()
    add(ours, "town", "LOC", "bob")
    ours, theirs = suggest(ours), suggest(base.copy())
    assert by_text(ours, "Hasakeh") == "T4" and by_text(theirs, "Hasakeh") == "T3"
    held = ours.copy()  # the same suggestions, committed before the clones
    if decider == "ours":
        decide(ours, how, "bob")
    else:
        decide(theirs, how, "carol")
    res = merge3(base, ours, theirs)
    assert res.conflicts == 0
    got = valid(res.aset)
    hasakeh = [e for e in got.entities.values() if e.text == "Hasakeh"]
    assert len(hasakeh) == 1 and hasakeh[0].id == "T4"
    assert (hasakeh[0].status, hasakeh[0].label, hasakeh[0].suggested_by) == (
        "rejected" if how == "rejected" else "accepted", "LOC" if how == "relabelled" else "GPE", "rules:place-before")
    assert hasakeh[0].by == ("bob" if decider == "ours" else "carol")
    assert hasakeh[0].suggested_label == ("GPE" if how == "relabelled" else None)
    # the same as with the suggestions in the base
    decided = held.copy()
    decide(decided, how, "bob" if decider == "ours" else "carol")
    sides = (decided, held) if decider == "ours" else (held, decided)
    assert merge3(held, *sides).conflicts == 0
    assert dumped(res.aset) == dumped(merge3(held, *sides).aset)
    # and either way round
    res = merge3(base, theirs, ours)
    assert res.conflicts == 0
    assert [(e.status, e.label) for e in valid(res.aset).entities.values() if e.text == "Hasakeh"] == [
        (hasakeh[0].status, hasakeh[0].label)]


def test_a_suggested_event_accepted_with_its_arguments_on_one_side_pending_on_the_other():
    """Theirs accepted the suggested event with the suggested entities it refers to
    (as the app does), ours the suggested attribution with its source; the rest is
    pending on both sides, under other IDs: a clean merge, every reference in ours'
    IDs, as with the suggestions in the base."""
    base = AnnotationSet(Document(TEXT))
    ours = base.copy()
    add(ours, "town", "LOC", "bob")
    ours, theirs = suggest(ours), suggest(base.copy())
    held = ours.copy()

    def accept(x: AnnotationSet, ann, user: str) -> None:
        for _old, new in accept_suggestion(x, ann, user, None)[1]:
            x.table(type(new))[new.id] = new

    accept(theirs, theirs.events["E1"], "carol")
    accept(ours, ours.attributions["A1"], "bob")
    res = merge3(base, ours, theirs)
    assert res.conflicts == 0
    got = valid(res.aset)
    assert len(got.entities) == 5 and list(got.events) == ["E1"] and list(got.attributions) == ["A1"]
    event = got.events["E1"]
    assert (event.status, event.by, event.suggested_by) == ("accepted", "carol", "rules:trigger-schema")
    assert [(a.role, got.entities[a.ref].text, got.entities[a.ref].status) for a in event.arguments] == [
        ("Agent", "SDF", "accepted"), ("Place", "Hasakeh", "accepted"), ("Time", "Monday", "accepted")]
    assert [a.ref for a in event.arguments] == ["T3", "T4", "T5"]  # ours' IDs
    at = got.attributions["A1"]
    assert (at.status, at.by, at.source) == ("accepted", "bob", Ref("T2"))
    assert (got.entities["T2"].text, got.entities["T2"].status) == ("Orhan Qereman", "accepted")
    # as with the suggestions in the base
    o, t = held.copy(), held.copy()
    accept(t, t.events["E1"], "carol")
    accept(o, o.attributions["A1"], "bob")
    assert dumped(res.aset) == dumped(merge3(held, o, t).aset)


def test_two_decisions_on_a_suggestion_both_sides_got_are_a_conflict():
    """Accepted on one side and rejected on the other, or relabelled two ways: both
    versions kept for adjudication, as today. The suggested event that refers to it,
    pending on both sides, is one event (referring to ours' version), as with the
    suggestions in the base: not a second conflict."""
    base = AnnotationSet(Document(TEXT))
    for ours_how, theirs_how in (("accepted", "rejected"), ("rejected", "relabelled"), ("relabelled", "other label")):
        ours = base.copy()
        add(ours, "town", "LOC", "bob")
        ours, theirs = suggest(ours), suggest(base.copy())
        held = ours.copy()
        o, t = held.copy(), held.copy()
        for x, how, user in ((ours, ours_how, "bob"), (theirs, theirs_how, "carol"), (o, ours_how, "bob"), (t, theirs_how, "carol")):
            if how == "other label":
                h = by_text(x, "Hasakeh")
                x.entities[h] = with_status(with_label(x.entities[h], "FAC"), ACCEPTED, by=user)
            else:
                decide(x, how, user)
        res = merge3(base, ours, theirs)
        assert res.conflicts == 1, (ours_how, theirs_how)
        got = valid(res.aset)
        sides = sorted((e.by, e.attrs["merge"]["side"]) for e in got.entities.values() if e.text == "Hasakeh")
        assert sides == [("bob", "ours"), ("carol", "theirs")]
        assert list(got.events) == ["E1"] and got.events["E1"] == ours.events["E1"]  # Place: T4, ours' version
        assert dumped(res.aset) == dumped(merge3(held, o, t).aset)


def test_the_same_pending_suggestions_on_both_sides_under_other_ids_merge_to_one():
    """Both sides' suggestions, pending, ours' one ID further on: each once, pending,
    in ours' IDs; theirs' own new entity is renumbered, and its relation follows
    both the renumbering and the twins."""
    base = AnnotationSet(Document(TEXT))
    ours = base.copy()
    add(ours, "town", "LOC", "bob")
    ours, theirs = suggest(ours), suggest(base.copy())
    fighters = add(theirs, "fighters", "MISC", "carol")
    assert fighters == "T5" and by_text(ours, "Monday") == "T5"
    theirs.relations["R1"] = Relation("R1", "near", fighters, by_text(theirs, "Hasakeh"), by="carol")
    res = merge3(base, ours, theirs)
    assert res.conflicts == 0 and res.renumbered == 1
    got = valid(res.aset)
    assert {i: (e.text, e.status) for i, e in got.entities.items()} == {
        "T1": ("town", "accepted"), "T2": ("Orhan Qereman", "suggested"), "T3": ("SDF", "suggested"),
        "T4": ("Hasakeh", "suggested"), "T5": ("Monday", "suggested"), "T6": ("fighters", "accepted"),
    }
    assert got.events["E1"] == ours.events["E1"] and got.attributions["A1"] == ours.attributions["A1"]
    assert (got.relations["R1"].arg1, got.relations["R1"].arg2) == ("T6", "T4")


def test_git_pull_of_a_suggestion_each_clone_got_and_one_accepted(tmp_path):
    """Through git, as the README sets it up (a bare repository, two clones, the
    driver and the ignored app files): each annotator runs `annotator suggest --with
    rules` in their clone; alice accepts the suggested event with its entities and
    rejects a suggestion, bob tags the town first (his IDs are one further on),
    accepts the attribution and leaves the rest pending. Bob's pull of alice's work
    is a clean merge, each suggestion once, with whichever decision was made."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    team = tmp_path / "team"
    (team / "seeds").mkdir(parents=True)
    (team / "seeds" / "capture.txt").write_text(TEXT, encoding="utf-8")
    git(team, "init", "-q", "-b", "main")
    git(team, "config", "user.email", "t@example.org")
    git(team, "config", "user.name", "Tester")
    (team / ".gitattributes").write_text("annotations/**/*.yaml merge=annotator\nannotations/schemas/*.yaml merge=text\n",
                                         encoding="utf-8")
    (team / ".gitignore").write_text("annotations/**/.*\n", encoding="utf-8")
    git(team, "add", "-A")
    git(team, "commit", "-q", "-m", "the articles")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(team), str(origin))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    clones = {}
    for who in ("alice", "bob"):
        clones[who] = clone = tmp_path / who
        git(tmp_path, "clone", "-q", str(origin), who)
        git(clone, "config", "user.email", f"{who}@example.org")
        git(clone, "config", "user.name", who)
        git(clone, "config", "merge.annotator.driver", f"{sys.executable} -m annotator merge-file %O %A %B %P")
        git(clone, "config", "pull.rebase", "false")
        if who == "bob":
            x = store.new_set(read_article(clone / "seeds" / "capture.txt"), path_of(clone))
            add(x, "town", "LOC", "bob")
            save(clone, x)
        done = subprocess.run([sys.executable, "-m", "annotator", "suggest", "seeds/capture.txt", "--with", "rules",
                               "--annotations", "annotations"], cwd=clone, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    def commit(who: str, change) -> AnnotationSet:
        x = store.read(path_of(clones[who])).checked()
        change(x)
        save(clones[who], x)
        git(clones[who], "add", "-A")
        git(clones[who], "commit", "-q", "-m", who)
        return x

    def accept(x: AnnotationSet, ann, user: str) -> None:
        for _old, new in accept_suggestion(x, ann, user, None)[1]:
            x.table(type(new))[new.id] = new

    def alice(x: AnnotationSet) -> None:
        (event,) = x.events.values()
        accept(x, event, "alice")

    def bob(x: AnnotationSet) -> None:
        (at,) = x.attributions.values()
        accept(x, at, "bob")

    a, b = commit("alice", alice), commit("bob", bob)
    assert by_text(a, "Hasakeh") != by_text(b, "Hasakeh")
    git(clones["alice"], "push", "-q", "origin", "HEAD")
    res = git(clones["bob"], "pull", "--no-edit", "origin", "main", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert git(clones["bob"], "status", "--porcelain").stdout == ""  # committed
    assert main(["validate", str(path_of(clones["bob"]))]) == 0
    got = store.read(path_of(clones["bob"])).checked()
    assert not any("merge" in ann.attrs for ann in got.all())
    assert sorted((e.text, e.status, e.by) for e in got.entities.values()) == [
        ("Hasakeh", "accepted", "alice"), ("Monday", "accepted", "alice"), ("Orhan Qereman", "accepted", "bob"),
        ("SDF", "accepted", "alice"), ("town", "accepted", "bob")]
    (event,) = got.events.values()
    assert (event.status, event.by, event.suggested_by) == ("accepted", "alice", "rules:trigger-schema")
    assert sorted(got.entities[arg.ref].text for arg in event.arguments) == ["Hasakeh", "Monday", "SDF"]
    (at,) = got.attributions.values()
    assert (at.status, at.by, got.entities[at.source.ref].text) == ("accepted", "bob", "Orhan Qereman")


def test_a_relabelled_suggestion_finds_its_pending_twin_beside_another_suggesters():
    """Two suggesters put GPE and LOC on Hasakeh, on both sides; theirs relabelled
    the rules' GPE to LOC and accepted it. The rules' pending GPE is its twin (the
    same suggestion), not the other suggester's LOC, which both left pending."""
    base = AnnotationSet(Document(TEXT))
    ours, theirs = suggest(base.copy()), suggest(base.copy())
    for x in (ours, theirs):
        new = x.next_id(Entity)
        x.entities[new] = Entity(new, "LOC", span("Hasakeh"), status=SUGGESTED, by="spacy:en", score=0.8)
    decide(theirs, "relabelled", "carol")
    res = merge3(base, ours, theirs)
    assert res.conflicts == 0
    got = valid(res.aset)
    assert sorted((e.label, e.status, e.by, e.suggested_by) for e in got.entities.values() if e.text == "Hasakeh") == [
        ("LOC", "accepted", "carol", "rules:place-before"), ("LOC", "suggested", "spacy:en", None)]


@pytest.mark.parametrize("tagger", ["ours", "theirs"])
def test_an_entity_tagged_by_hand_where_the_other_side_has_it_pending_is_that_suggestion_accepted(tagger):
    """Carol ran the suggester and left Hasakeh GPE pending; bob, who did not, tagged
    Hasakeh GPE by hand. Both versions were kept as a conflict to adjudicate. Tagging
    a pending suggestion's span with its label in the app accepts it: so does the
    merge (by bob, suggested_by the rule). Another label stays a conflict."""
    base = AnnotationSet(Document(TEXT))
    hand, suggested = base.copy(), suggest(base.copy())
    add(hand, "Hasakeh", "GPE", "bob")
    sides = (hand, suggested) if tagger == "ours" else (suggested, hand)
    res = merge3(base, *sides)
    assert res.conflicts == 0
    got = [e for e in valid(res.aset).entities.values() if e.text == "Hasakeh"]
    assert [(e.status, e.label, e.by, e.suggested_by, e.score) for e in got] == [
        ("accepted", "GPE", "bob", "rules:place-before", 0.35)]
    # the suggestion's event still refers to it
    (ev,) = valid(res.aset).events.values()
    assert {a.role: res.aset.entities[a.ref].text for a in ev.arguments}["Place"] == "Hasakeh"
    other = base.copy()
    add(other, "Hasakeh", "LOC", "bob")
    assert merge3(base, other, suggest(base.copy())).conflicts == 1
