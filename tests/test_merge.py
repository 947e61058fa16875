"""`annotator merge`: N annotators -> a gold of what a majority agrees on, the rest left to adjudicate."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.consensus import accepted_share, merge_sets
from annotator.model import (
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Relation,
    Span,
)
from annotator.schema import default_schema

TEXT = "Orhan Qereman said SDF fighters captured the town near Hasakeh on Monday .\n"


def span(word: str) -> Span:
    s = TEXT.index(word)
    return Span.of(TEXT, s, s + len(word))


def annotator_set(name, labels=None, agent="SDF", content="SDF fighters captured the town", extra=()):
    """One annotator's work; ``labels`` overrides entity labels by word."""
    labels = {"Orhan Qereman": "PER", "SDF": "ORG", "town": "LOC", "Hasakeh": "GPE", **(labels or {})}
    x = AnnotationSet(Document(TEXT))
    ids = {}
    for k, (word, lab) in enumerate([*labels.items(), *extra]):
        ids[word] = f"T{k + 1}"
        x.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", lab, span(word), by=name)
    x.events["E1"] = Event("E1", "Conflict.Capture", span("captured"), (Argument("Agent", ids[agent]), Argument("Place", ids["town"])), by=name)
    x.attributions["A1"] = Attribution("A1", Ref(ids["Orhan Qereman"]), span("said"), span(content), type="indirect", by=name)
    x.relations["R1"] = Relation("R1", "near", ids["town"], ids["Hasakeh"], by=name)
    return x


def test_share_rule():
    assert accepted_share(4, 6, None) and not accepted_share(3, 6, None)  # default: more than half
    assert accepted_share(3, 6, 0.5) and not accepted_share(2, 6, 0.5)
    assert accepted_share(6, 6, 1.0) and not accepted_share(5, 6, 1.0)


def test_majority_accepted_the_rest_kept_as_candidates():
    sets = {
        "ann1": annotator_set("ann1"),
        "ann2": annotator_set("ann2", labels={"Hasakeh": "LOC"}),
        "ann3": annotator_set("ann3", agent="Orhan Qereman", extra=[("Monday", "DATE")]),
        "ann4": annotator_set("ann4", content="SDF fighters captured the town near Hasakeh"),
        "ann5": annotator_set("ann5"),
        "ann6": annotator_set("ann6", labels={"SDF": "NORP"}),
    }
    m = merge_sets(sets, Document(TEXT))
    gold = m.aset
    assert m.of == 6
    acc = {(e.label, e.text): e for e in gold.entities.values() if e.status != SUGGESTED}
    cand = {(e.label, e.text): e for e in gold.entities.values() if e.status == SUGGESTED}
    assert set(acc) == {("PER", "Orhan Qereman"), ("ORG", "SDF"), ("LOC", "town"), ("GPE", "Hasakeh")}
    assert acc[("PER", "Orhan Qereman")].attrs["merge"] == {"agree": 6, "of": 6}
    assert acc[("ORG", "SDF")].attrs["merge"] == {"agree": 5, "of": 6} and acc[("ORG", "SDF")].by == "merge"
    assert set(cand) == {("LOC", "Hasakeh"), ("DATE", "Monday"), ("NORP", "SDF")}
    assert cand[("LOC", "Hasakeh")].by == "ann2"
    assert cand[("LOC", "Hasakeh")].attrs["merge"] == {"agree": 1, "of": 6, "annotators": ["ann2"]}
    # events: the majority version accepted; ann3's (another agent) and ann6's (the agent is a NORP) are candidates
    events = sorted(gold.events.values(), key=lambda ev: ev.status)
    accepted = [ev for ev in events if ev.status != SUGGESTED]
    assert len(accepted) == 1 and accepted[0].attrs["merge"] == {"agree": 4, "of": 6}
    agent = gold.get(next(a.ref for a in accepted[0].arguments if a.role == "Agent"))
    assert (agent.label, agent.text, agent.status) == ("ORG", "SDF", "accepted")
    others = [ev for ev in events if ev.status == SUGGESTED]
    assert sorted(ev.by for ev in others) == ["ann3", "ann6"]
    ann6 = next(ev for ev in others if ev.by == "ann6")
    norp = gold.get(next(a.ref for a in ann6.arguments if a.role == "Agent"))
    assert (norp.label, norp.status) == ("NORP", SUGGESTED)  # the candidate event brings its (candidate) entity
    # relations: ann2's ends at a LOC Hasakeh, a candidate pointing at the candidate entity
    rels = {r.by: r for r in gold.relations.values()}
    assert rels["merge"].attrs["merge"] == {"agree": 5, "of": 6}
    assert gold.get(rels["ann2"].arg2).label == "LOC" and rels["ann2"].status == SUGGESTED
    # attributions: ann4's longer content is a candidate; the majority's is accepted with its source entity
    atts = list(gold.attributions.values())
    acc_at = [a for a in atts if a.status != SUGGESTED]
    assert len(acc_at) == 1 and gold.get(acc_at[0].source.ref).text == "Orhan Qereman"
    assert [a.by for a in atts if a.status == SUGGESTED] == ["ann4"]
    # the result is a valid file
    store.read("merged.yaml", text=store.dumps(gold), article=TEXT, schema=default_schema()).checked()


def write_folders(root: Path, sets: dict) -> list[str]:
    article = root / "seeds" / "capture.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(TEXT, encoding="utf-8")
    doc = read_article(article)
    dirs = []
    for name, aset in sets.items():
        path = root / name / "capture.yaml"
        out = store.new_set(doc, path)
        out.entities, out.events, out.attributions, out.relations = aset.entities, aset.events, aset.attributions, aset.relations
        store.save(out, path)
        dirs.append(str(root / name))
    return dirs


def test_merge_command_writes_a_gold_the_adjudication_view_opens_on(tmp_path, capsys):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    sets["ann3"] = annotator_set("ann3", labels={"Hasakeh": "LOC"})
    dirs = write_folders(tmp_path, sets)
    gold_dir = tmp_path / "gold"
    assert main(["merge", *dirs, "-o", str(gold_dir)]) == 0
    out = capsys.readouterr().out
    assert "merged 1 of 1 article into" in out and "left to adjudicate" in out
    gold = store.read(gold_dir / "capture.yaml").checked()
    assert gold.document.text == TEXT
    cand = [e for e in gold.entities.values() if e.status == SUGGESTED]
    assert [(e.label, e.text, e.by) for e in cand] == [("LOC", "Hasakeh", "ann3")]
    # the adjudication view opens on ann3's candidates: a wrong label against the accepted GPE
    from annotator.adjudication import Adjudication
    from annotator.session import Session

    session = Session(gold, default_schema(), yaml_path=gold_dir / "capture.yaml", user="judge")
    adj = Adjudication("capture", session, gold, by="ann3")
    # (the accepted entities ann3 has no candidate for are listed as "missed" by today's view)
    assert [(d.kind, d.gold_label, d.pred_label) for d in adj.open if d.kind != "missed"] == [("wrong_label", "GPE", "LOC")]
    adj.take_other(next(d for d in adj.open if d.kind == "wrong_label"))
    assert [e.label for e in session.aset.entities.values() if e.text == "Hasakeh" and e.status == "accepted"] == ["LOC"]
    # again: the gold exists, refused without --force
    assert main(["merge", *dirs, "-o", str(gold_dir)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["merge", *dirs, "-o", str(gold_dir), "--force", "--min-share", "0.3"]) == 0
    gold = store.read(gold_dir / "capture.yaml").checked()
    assert all(e.status != SUGGESTED for e in gold.entities.values())  # 1 of 3 is enough now


def test_one_bad_file_is_skipped_the_rest_goes_on(tmp_path, capsys):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    dirs = write_folders(tmp_path, sets)
    # a second article, and a broken file for it in one folder
    (tmp_path / "seeds" / "other.txt").write_text(TEXT, encoding="utf-8")
    for d in dirs:
        src = (Path(d) / "capture.yaml").read_text(encoding="utf-8").replace("capture.txt", "other.txt")
        (Path(d) / "other.yaml").write_text(src, encoding="utf-8")
    (Path(dirs[1]) / "other.yaml").write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    gold_dir = tmp_path / "gold"
    assert main(["merge", *dirs, "-o", str(gold_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "other.yaml" in captured.err and "other not merged" in captured.err
    assert "merged 1 of 2 articles" in captured.out
    assert (gold_dir / "capture.yaml").is_file() and not (gold_dir / "other.yaml").exists()


@pytest.mark.parametrize("argv,needle", [
    (["merge", "x", "-o", "g"], "two or more"),
    (["merge", "a", "b", "-o", "g", "--min-share", "0"], "--min-share"),
])
def test_bad_usage(tmp_path, capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


# ---------------------------------------------------------------------------
# An attribution's source: a span, or a reference to an entity on that span
# ---------------------------------------------------------------------------
def with_source(x: AnnotationSet, source) -> AnnotationSet:
    x.attributions["A1"] = Attribution("A1", source, span("said"), span("SDF fighters captured the town"), type="indirect",
                                       by=x.attributions["A1"].by)
    return x


def without_entity(x: AnnotationSet, word: str) -> AnnotationSet:
    """``x`` without its entity on ``word`` (nothing else may refer to it)."""
    (eid,) = [i for i, e in x.entities.items() if e.text == word]
    del x.entities[eid]
    return x


def attributions_agree(a: AnnotationSet, b: AnnotationSet) -> bool:
    """Whole-attribution strict F1 is 1.0 for audit and for agree."""
    from annotator.audit import score_attributions
    from annotator.audit.layers import WHOLE_ATTRIBUTION, items

    audit = score_attributions([(a, b)]).parts["attribution"]["strict"]
    whole = [[i[:3] for i in items(x, "attributions") if i[0] == WHOLE_ATTRIBUTION] for x in (a, b)]
    return audit.f1 == 1.0 and whole[0] == whole[1] != []


def test_a_source_given_as_a_span_and_as_the_entity_on_it_is_one_attribution():
    """Annotator a gave the source as a span, b as the PER entity on that span:
    audit and agree score the two as the same attribution (whole F1 1.0), and so
    does merge: one attribution, accepted (agree 2 of 2), not two candidates left
    to adjudicate. Its source is the entity when the entity is in the gold
    (accepted: both tagged it), else the span (b's entity is only a candidate)."""
    for a_has_the_entity in (True, False):
        a = with_source(annotator_set("a"), span("Orhan Qereman"))
        if not a_has_the_entity:
            a = without_entity(a, "Orhan Qereman")
        b = annotator_set("b")  # source: {ref: its PER "Orhan Qereman"}
        assert isinstance(b.attributions["A1"].source, Ref)
        assert attributions_agree(a, b) and attributions_agree(b, a)
        for sets in ({"a": a, "b": b}, {"b": b, "a": a}):  # whoever comes first
            gold = merge_sets(sets, Document(TEXT), schema=default_schema()).aset
            (at,) = gold.attributions.values()
            assert (at.status, at.by, at.attrs["merge"]) == ("accepted", "merge", {"agree": 2, "of": 2})
            (per,) = [e for e in gold.entities.values() if e.text == "Orhan Qereman"]
            if a_has_the_entity:
                assert per.status == "accepted" and at.source == Ref(per.id)
            else:
                assert per.status == SUGGESTED and at.source == span("Orhan Qereman")
            store.read("merged.yaml", text=store.dumps(gold), article=TEXT, schema=default_schema()).checked()


def test_a_source_given_as_entities_of_two_labels_on_one_span_is_one_source():
    """Sources are compared by their characters, as audit and agree score them:
    b's PER and c's ORG on one span are the same source (the entity layer has the
    disagreement); neither entity is in the gold, so the source is the span."""
    a = with_source(without_entity(annotator_set("a"), "Orhan Qereman"), span("Orhan Qereman"))
    b = annotator_set("b")
    c = annotator_set("c", labels={"Orhan Qereman": "ORG"})
    assert attributions_agree(b, c)
    m = merge_sets({"a": a, "b": b, "c": c}, Document(TEXT), schema=default_schema())
    (at,) = m.aset.attributions.values()
    assert (at.status, at.attrs["merge"]["agree"], at.source) == ("accepted", 3, span("Orhan Qereman"))
    assert sorted((e.label, e.status) for e in m.aset.entities.values() if e.text == "Orhan Qereman") == [
        ("ORG", SUGGESTED), ("PER", SUGGESTED)]
    # two of them gave the PER: it is accepted, and it is the source
    c = annotator_set("c")
    m = merge_sets({"a": a, "b": b, "c": c}, Document(TEXT), schema=default_schema())
    (at,) = m.aset.attributions.values()
    assert m.aset.entities[at.source.ref].label == "PER" and m.aset.entities[at.source.ref].status == "accepted"


def test_a_candidate_attribution_keeps_its_source_entity():
    """An attribution one annotator of three made stays a candidate as it was
    made: its source the entity that annotator gave (a candidate too), which
    accepting it in the adjudication view accepts with it."""
    sets = {f"ann{k}": without_entity(annotator_set(f"ann{k}"), "Orhan Qereman") for k in (1, 2)}
    for x in sets.values():
        del x.attributions["A1"]
    sets["ann3"] = annotator_set("ann3")
    gold = merge_sets(sets, Document(TEXT), schema=default_schema()).aset
    (at,) = gold.attributions.values()
    assert at.status == SUGGESTED and isinstance(at.source, Ref)
    assert (gold.entities[at.source.ref].text, gold.entities[at.source.ref].status) == ("Orhan Qereman", SUGGESTED)


def test_merge_command_accepts_an_attribution_whose_source_one_gave_as_an_entity(tmp_path, capsys):
    a = with_source(without_entity(annotator_set("a"), "Orhan Qereman"), span("Orhan Qereman"))
    dirs = write_folders(tmp_path, {"a": a, "b": annotator_set("b")})
    assert main(["merge", *dirs, "-o", str(tmp_path / "gold")]) == 0
    assert "1 left to adjudicate" in capsys.readouterr().out  # b's PER entity, not the attribution
    assert main(["validate", str(tmp_path / "gold")]) == 0
    gold = store.read(tmp_path / "gold" / "capture.yaml").checked()
    (at,) = gold.attributions.values()
    assert at.status == "accepted" and at.attrs["merge"] == {"agree": 2, "of": 2} and at.source == span("Orhan Qereman")


def _by_none(aset):
    """The same work with no ``by`` (an imported corpus records none)."""
    from dataclasses import replace

    out = AnnotationSet(aset.document)
    for table, mine in zip(
        (aset.entities, aset.events, aset.attributions, aset.relations), (out.entities, out.events, out.attributions, out.relations)
    ):
        mine.update({k: replace(a, by=None) for k, a in table.items()})
    return out


def test_each_candidate_is_by_the_annotator_the_files_record_not_the_folder(tmp_path, capsys):
    """The git layout: every clone's folder is ``annotations/``. The candidates are
    ``by`` the person the files record (``by: carol``), not ``carol/annotations``."""
    sets = {f"{who}/annotations": annotator_set(who) for who in ("alice", "bob")}
    sets["carol/annotations"] = annotator_set("carol", labels={"Hasakeh": "LOC"})
    dirs = write_folders(tmp_path, sets)
    assert main(["merge", *dirs, "-o", str(tmp_path / "gold")]) == 0
    gold = store.read(tmp_path / "gold" / "capture.yaml").checked()
    cand = [e for e in gold.entities.values() if e.status == SUGGESTED]
    assert [(e.text, e.by, e.attrs["merge"]["annotators"]) for e in cand] == [("Hasakeh", "carol", ["carol"])]
    # Files that record nobody (an import): the shortest end of the folder that tells them apart.
    sets = {name: _by_none(aset) for name, aset in sets.items()}
    dirs = write_folders(tmp_path / "imported", sets)
    assert main(["merge", *dirs, "-o", str(tmp_path / "gold2")]) == 0
    gold = store.read(tmp_path / "gold2" / "capture.yaml").checked()
    assert [(e.by, e.attrs["merge"]["annotators"]) for e in gold.entities.values() if e.status == SUGGESTED] == [("carol", ["carol"])]
    capsys.readouterr()


def test_annotator_names_from_the_files_else_the_folders(tmp_path):
    from annotator.consensus import folder_names, names_of, people

    assert folder_names(["alice/annotations", "bob/annotations"]) == ["alice", "bob"]
    assert folder_names(["../A/annotations", "../B/annotations"]) == ["A", "B"]
    assert folder_names(["gold", "pred"]) == ["gold", "pred"]
    assert folder_names(["x/a/ann", "y/a/ann"]) == ["x", "y"]
    assert folder_names(["x/ann", "y/a/ann"]) == ["x", "a"]

    def aset(*bys, status="accepted"):
        x = AnnotationSet(Document(TEXT))
        for k, by in enumerate(bys):
            x.entities[f"T{k}"] = Entity(f"T{k}", "PER", span("Orhan Qereman"), status=status, by=by)
        return x

    # a person's accepted annotations outnumber the rest; rules, models and merge name nobody
    assert people([aset("alice", "alice", "bob", "merge", "rules:gazetteer"), aset(status="suggested", *["rules"] * 9)]) == "alice"
    assert people([aset("alice", "bob")]) is None  # no one made most
    assert people([aset("merge", "spacy:news:ner")]) is None
    # from the files themselves, as merge reads them (parsed, no article needed)
    path = tmp_path / "a.yaml"
    store.save(aset("dana", "dana", "eve"), path)
    assert people([path]) == "dana"
    # two folders recording the same person: their folders tell them apart
    assert names_of(["p/annotations", "q/annotations"], {"p/annotations": [aset("dana")], "q/annotations": [aset("dana")]}) == ["p", "q"]
    # a folder named as another's person: the paths as given
    assert names_of(["dana", "x/ann"], {"dana": [aset()], "x/ann": [aset("dana")]}) == ["dana", "x/ann"]
