"""`annotator validate FILE.yaml...`."""

from __future__ import annotations

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import Argument, Entity, Event, Span

ART = "Orhan Qereman said HASAKEH fell."


def make_files(tmp_path):
    article = tmp_path / "seeds" / "a.txt"
    article.parent.mkdir()
    article.write_text(ART, encoding="utf-8")
    yaml_path = tmp_path / "annotations" / "a.yaml"
    aset = store.new_set(read_article(article), yaml_path)
    aset.entities["T1"] = Entity("T1", "PER", Span.of(ART, 0, 13), by="alice")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(ART, 19, 26), by="alice")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(ART, 27, 31), (Argument("Place", "T2"),))
    store.save(aset, yaml_path)
    return article, yaml_path


def test_ok(tmp_path, capsys):
    _, yaml_path = make_files(tmp_path)
    assert main(["validate", str(yaml_path)]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: 1 files, 3 annotations\n" and err == ""


def test_every_problem_on_stderr_and_nothing_changed(tmp_path, capsys):
    _, yaml_path = make_files(tmp_path)
    text = yaml_path.read_text().replace("label: GPE", "label: CITY").replace("text: fell", "text: fall")
    yaml_path.write_text(text)
    missing = tmp_path / "annotations" / "nope.yaml"
    assert main(["validate", str(yaml_path), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{yaml_path}:8: T2: label 'CITY' is not in the schema (PER, ORG, GPE, LOC, FAC, NORP, DATE, MISC)",
        f"{yaml_path}:12: E1 trigger: text 'fall' does not match the article at 27-31, which reads 'fell'",
        f"{missing}: no such file",
    ]
    assert yaml_path.read_text() == text


def test_an_accepted_link_to_a_rejected_entity_is_a_problem_at_its_line(tmp_path, capsys):
    from annotator.model import REJECTED, SUGGESTED, Attribution, Ref, Relation

    _, yaml_path = make_files(tmp_path)
    aset = store.read(yaml_path).checked()
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(ART, 19, 26), status=REJECTED, by="bob")  # after a merge
    aset.attributions["A1"] = Attribution("A1", Ref("T2"), Span.of(ART, 14, 18), None, by="alice")
    aset.relations["R1"] = Relation("R1", "near", "T1", "T2", by="alice")
    aset.relations["R2"] = Relation("R2", "near", "T2", "T1", status=SUGGESTED, by="rules")  # a suggestion may
    store.save(aset, yaml_path)
    lines = yaml_path.read_text().splitlines()
    at = lambda s: next(i for i, line in enumerate(lines, 1) if s in line)  # noqa: E731
    assert main(["validate", str(yaml_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{yaml_path}:{at('role: Place')}: E1: argument Place refers to T2, a rejected entity, but E1 is accepted: "
        "accept T2 or drop the link",
        f"{yaml_path}:{at('source: {ref: T2}')}: A1: source refers to T2, a rejected entity, but A1 is accepted: "
        "accept T2 or drop the link",
        f"{yaml_path}:{at('id: R1')}: R1: arg2 refers to T2, a rejected entity, but R1 is accepted: "
        "accept T2 or drop the link",
    ]
    assert [str(p) for p in store.validate_paths([yaml_path])] == err.splitlines()
    # the file still opens (the app must let the user mend it)
    assert store.read(yaml_path).checked().entities["T2"].status == REJECTED


def test_schema_option(tmp_path, capsys):
    _, yaml_path = make_files(tmp_path)
    schema = tmp_path / "schema.yaml"
    schema.write_text("entities: [PER, CITY]\nevents:\n- name: Conflict.Capture\n  roles: [Place]\n")
    yaml_path.write_text(yaml_path.read_text().replace("label: GPE", "label: CITY"))
    assert main(["validate", "--schema", str(schema), str(yaml_path)]) == 0
    assert capsys.readouterr().out == "ok: 1 files, 3 annotations\n"
    assert main(["validate", str(yaml_path)]) == 2
    assert "label 'CITY' is not in the schema" in capsys.readouterr().err


def test_bad_schema_file_is_one_line(tmp_path, capsys):
    _, yaml_path = make_files(tmp_path)
    assert main(["validate", "--schema", str(tmp_path / "none.yaml"), str(yaml_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.yaml" in err


def test_folder_and_other_format(tmp_path, capsys):
    _, yaml_path = make_files(tmp_path)
    other = yaml_path.parent / "b.yaml"
    other.write_text("format: annotator/0\n")
    assert main(["validate", str(yaml_path.parent)]) == 2
    assert capsys.readouterr().err == f"{other}:1: format is 'annotator/0'; this version reads only annotator/1\n"
    other.unlink()
    assert main(["validate", str(yaml_path.parent)]) == 0
    assert capsys.readouterr().out == "ok: 1 files, 3 annotations\n"
