"""`file:PATH` suggestions: our YAML, brat .ann, spaCy/Prodigy JSONL; offsets checked, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.errors import InputError, ValidationError
from annotator.model import (
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Span,
)
from annotator.schema import default_schema
from annotator.suggest import get_suggester, suggest_into

TEXT = "Mazlum Abdi said the SDF captured Raqqa on Friday.\n"


@pytest.fixture
def article(tmp_path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def set_for(article: Path, tmp_path: Path) -> AnnotationSet:
    return store.read(store.annotation_path(article, tmp_path / "annotations"), article=read_article(article), editing=True).checked()


def suggest(spec: str, aset: AnnotationSet):
    return suggest_into(aset, get_suggester(spec, default_schema(), None))


# -- our YAML -----------------------------------------------------------------------------


def test_yaml_from_another_tool(tmp_path, article):
    other = tmp_path / "out" / "a.yaml"
    theirs = store.new_set(read_article(article), other)
    t = TEXT
    theirs.entities["T1"] = Entity("T1", "PER", Span.of(t, 0, 11), by="extractor", score=0.8)
    theirs.entities["T2"] = Entity("T2", "ORG", Span.of(t, 21, 24), by="extractor")
    theirs.entities["T3"] = Entity("T3", "GPE", Span.of(t, 34, 39), status=REJECTED)
    theirs.events["E1"] = Event(
        "E1", "Conflict.Capture", Span.of(t, 25, 33), (Argument("Agent", "T2"), Argument("Place", "T3"))
    )
    theirs.attributions["A1"] = Attribution("A1", Ref("T1"), Span.of(t, 12, 16), Span.of(t, 17, 49))
    store.save(theirs, other)

    aset = set_for(article, tmp_path)
    aset.entities["T1"] = Entity("T1", "PER", Span.of(t, 0, 11), by="alice")  # already accepted here
    new = suggest(f"file:{other}", aset)
    by_id = {a.id: a for a in new}
    assert all(a.by == "file:a.yaml" and a.status == SUGGESTED for a in new)
    ents = [a for a in new if isinstance(a, Entity)]
    assert [(e.id, e.text) for e in ents] == [("T2", "SDF")]  # T1 is decided here, T3 was rejected there
    (ev,) = [a for a in new if isinstance(a, Event)]
    assert ev.arguments == (Argument("Agent", "T2"),)  # the rejected place is not an argument
    (at,) = [a for a in new if isinstance(a, Attribution)]
    assert at.source == Ref("T1")  # the accepted entity here
    assert by_id["T2"].score is None and ev.type == "Conflict.Capture"


def test_yaml_with_offsets_that_do_not_match_is_reported(tmp_path, article):
    other = tmp_path / "b.yaml"
    theirs = store.new_set(read_article(article), other)
    theirs.entities["T1"] = Entity("T1", "PER", Span.of(TEXT, 0, 11))
    theirs.entities["T2"] = Entity("T2", "ORG", Span.of(TEXT, 21, 24))
    store.save(theirs, other)
    # The article changes under the file: "Mazlum" becomes "Mazloum".
    article.write_text(TEXT.replace("Mazlum", "Mazloum"), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        suggest(f"file:{other}", set_for(article, tmp_path))
    msgs = [str(p) for p in info.value.problems]
    assert any("b.yaml:" in m and "T1" in m and "does not match" in m for m in msgs)


# -- brat -----------------------------------------------------------------------------------


def test_brat_ann(tmp_path, article):
    ann = tmp_path / "a.ann"
    ann.write_text(
        "T1\tPERSON 0 11\tMazlum Abdi\n"
        "T2\tOrganization 21 24\tSDF\n"
        "T3\tConflict.Capture 25 33\tcaptured\n"
        "T4\tGPE 34 39\tRaqqa\n"
        "T5\tGPE 0 6;34 39\tMazlum Raqqa\n"
        "E1\tConflict.Capture:T3 Agent:T2 Place:T4 Victim:T1\n"
        "A1\tNegated E1\n"
        "#1\tAnnotatorNotes T1\tchecked\n",
        encoding="utf-8",
    )
    sugg = get_suggester(f"file:{ann}", default_schema(), None)
    props = sugg.propose(set_for(article, tmp_path))
    assert any("label Organization (1)" in n and "role Victim" in n for n in props.notes)
    new = suggest_into(set_for(article, tmp_path), sugg)
    ents = {(e.label, e.text, e.fragments) for e in new if isinstance(e, Entity)}
    assert ents == {("PER", "Mazlum Abdi", ((0, 11),)), ("GPE", "Raqqa", ((34, 39),)), ("GPE", "Mazlum Raqqa", ((0, 6), (34, 39)))}
    (ev,) = [a for a in new if isinstance(a, Event)]
    by_id = {a.id: a for a in new}
    assert ev.trigger.text == "captured"
    assert [(a.role, by_id[a.ref].text) for a in ev.arguments] == [("Place", "Raqqa")]


def test_brat_numbered_roles_are_the_schema_role(tmp_path, article):
    """brat numbers a repeated role (Place2): the suggestion takes the schema's Place,
    as `Schema.role_of` says; a numbered role the type lacks is skipped and noted."""
    ann = tmp_path / "a.ann"
    ann.write_text(
        "T3\tConflict.Capture 25 33\tcaptured\n"
        "T4\tGPE 34 39\tRaqqa\n"
        "T2\tOrganization 21 24\tSDF\n"
        "E1\tConflict.Capture:T3 Place2:T4 Victim2:T2\n",
        encoding="utf-8",
    )
    sugg = get_suggester(f"file:{ann}", default_schema(), None)
    props = sugg.propose(set_for(article, tmp_path))
    assert any("role Victim2" in n for n in props.notes)
    new = suggest_into(set_for(article, tmp_path), sugg)
    (ev,) = [a for a in new if isinstance(a, Event)]
    by_id = {a.id: a for a in new}
    assert [(a.role, by_id[a.ref].text) for a in ev.arguments] == [("Place", "Raqqa")]


def test_brat_mismatch_names_the_line(tmp_path, article):
    ann = tmp_path / "a.ann"
    ann.write_text("T1\tPER 0 11\tMazlum Abdi\nT2\tORG 22 25\tSDF\nT3\tGPE 34 99\tRaqqa\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        suggest(f"file:{ann}", set_for(article, tmp_path))
    msgs = [str(p) for p in info.value.problems]
    assert msgs[0].startswith(f"{ann}:2: T2: text 'SDF' does not match the article at 22-25")
    assert msgs[1].startswith(f"{ann}:3: T3: offsets 34-99 are outside the article")


# -- JSONL -------------------------------------------------------------------------------------


def test_prodigy_jsonl_maps_labels_and_keeps_scores(tmp_path, article):
    jl = tmp_path / "pred.jsonl"
    rows = [
        {"text": "Another article.", "spans": [{"start": 0, "end": 7, "label": "ORG"}]},
        {
            "text": TEXT,
            "spans": [
                {"start": 0, "end": 11, "label": "PERSON", "score": 0.93, "text": "Mazlum Abdi"},
                {"start": 34, "end": 39, "label": "GPE"},
                {"start": 43, "end": 49, "label": "CARDINAL"},
            ],
        },
        {"text": TEXT, "answer": "reject", "spans": [{"start": 21, "end": 24, "label": "ORG"}]},
        {"text": TEXT, "entities": [[21, 24, "ORG"]]},
    ]
    jl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    sugg = get_suggester(f"file:{jl}", default_schema(), None)
    aset = set_for(article, tmp_path)
    props = sugg.propose(aset)
    assert any("label CARDINAL (1)" in n for n in props.notes)
    new = suggest_into(aset, sugg)
    got = {(e.label, e.text, e.score) for e in new}
    assert got == {("PER", "Mazlum Abdi", 0.93), ("GPE", "Raqqa", None), ("ORG", "SDF", None)}
    assert {e.by for e in new} == {"file:pred.jsonl"}


def test_spacy_doc_to_json_ents_and_span_groups(tmp_path, article):
    """What spaCy itself writes (``Doc.to_json()``): entities under "ents", span
    groups as "spans": {"sc": [...]}; a span in both is suggested once."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Span as SpacySpan

    nlp = spacy.blank("en")
    doc = nlp(TEXT)
    doc.ents = [SpacySpan(doc, 0, 2, "PERSON"), SpacySpan(doc, 6, 7, "GPE")]
    jl = tmp_path / "ents.jsonl"
    jl.write_text(json.dumps(doc.to_json()) + "\n", encoding="utf-8")
    got = {(e.label, e.text) for e in suggest(f"file:{jl}", set_for(article, tmp_path))}
    assert got == {("PER", "Mazlum Abdi"), ("GPE", "Raqqa")}
    doc.spans["sc"] = [SpacySpan(doc, 0, 2, "PERSON"), SpacySpan(doc, 4, 5, "ORG")]
    sc = tmp_path / "sc.jsonl"
    sc.write_text(json.dumps(doc.to_json()) + "\n", encoding="utf-8")
    assert isinstance(json.loads(sc.read_text())["spans"], dict)
    new = suggest(f"file:{sc}", set_for(article, tmp_path))
    assert sorted((e.label, e.text) for e in new) == [("GPE", "Raqqa"), ("ORG", "SDF"), ("PER", "Mazlum Abdi")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": TEXT, "spans": {"sc": [{"start": 1, "end": 11, "label": "PER", "text": "Mazlum Abdi"}]}}) + "\n")
    with pytest.raises(ValidationError, match=r"bad.jsonl:1: spans.sc\[0\]: text 'Mazlum Abdi' does not match"):
        suggest(f"file:{bad}", set_for(article, tmp_path))


def test_jsonl_text_mismatch_is_reported_not_guessed(tmp_path, article):
    jl = tmp_path / "one.jsonl"
    jl.write_text(json.dumps({"text": TEXT.replace("\n", "\r\n"), "spans": [{"start": 0, "end": 11, "label": "PER"}]}) + "\n")
    with pytest.raises(ValidationError, match=r"one.jsonl:1: the record's text is not a.txt's \(they differ from character 50\)"):
        suggest(f"file:{jl}", set_for(article, tmp_path))
    jl.write_text(json.dumps({"text": TEXT, "spans": [{"start": 1, "end": 11, "label": "PER", "text": "Mazlum Abdi"}]}) + "\n")
    with pytest.raises(ValidationError, match=r"one.jsonl:1: spans\[0\]: text 'Mazlum Abdi' does not match"):
        suggest(f"file:{jl}", set_for(article, tmp_path))


def test_broken_jsonl_and_unknown_format(tmp_path, article):
    jl = tmp_path / "bad.jsonl"
    jl.write_text('{"text": "x"}\n{oops\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: broken JSON"):
        suggest(f"file:{jl}", set_for(article, tmp_path))
    odd = tmp_path / "x.csv"
    odd.write_text("a,b\n")
    with pytest.raises(InputError, match="unknown format"):
        get_suggester(f"file:{odd}", default_schema(), None)
    with pytest.raises(InputError, match="no such file"):
        get_suggester(f"file:{tmp_path / 'nope.ann'}", default_schema(), None)


def test_folder_pairs_files_with_articles_by_stem(tmp_path, article):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.ann").write_text("T1\tGPE 34 39\tRaqqa\n")
    new = suggest(f"file:{out}", set_for(article, tmp_path))
    assert [(e.label, e.text, e.by) for e in new] == [("GPE", "Raqqa", "file:out")]
    other = tmp_path / "z.txt"
    other.write_text("Nothing here.\n")
    props = get_suggester(f"file:{out}", default_schema(), None).propose(set_for(other, tmp_path))
    assert not props.annotations and "no file for z.txt" in props.notes[0]


def test_command_reports_mismatches_and_leaves_files_alone(tmp_path, article, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ann = tmp_path / "a.ann"
    ann.write_text("T1\tPER 0 11\tMazlum Abdi\nT2\tORG 22 25\tSDF\n")
    assert main(["suggest", str(article), "--with", f"file:{ann}"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"annotator: {ann}:2: T2: text 'SDF' does not match the article at 22-25, which reads 'DF '"
    assert err[-1] == f"annotator: {article}: nothing written"
    assert not (tmp_path / "annotations").exists()
    ann.write_text("T1\tPER 0 11\tMazlum Abdi\nT2\tORG 21 24\tSDF\n")
    assert main(["suggest", str(article), "--with", f"file:{ann}"]) == 0
    assert "2 new suggestions (2 entities) from file:a.ann" in capsys.readouterr().out
    assert main(["suggest", str(article), "--with", f"file:{ann}"]) == 0
    assert "nothing new" in capsys.readouterr().out
