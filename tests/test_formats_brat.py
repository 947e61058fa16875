"""brat standoff: real documents written by others survive import + export, our
own files survive YAML -> brat -> YAML, PolNeAR attributions, annotation.conf."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.cli import main
from annotator.formats import brat
from annotator.formats.common import Report
from annotator.model import (
    REJECTED,
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

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "brat"


# -- a brat file as a set of what it says, IDs and line order aside ------------------


def canon_ann(raw: str) -> set:
    """Every annotation with each ID replaced by what it denotes (recursively)."""
    recs: dict[str, list[str]] = {}
    stars = []
    for line in raw.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        f = line.split("\t")
        if f[0] == "*":
            stars.append(f)
        else:
            recs[f[0]] = f
    memo: dict[str, tuple] = {}

    def c(i: str) -> tuple:
        if i in memo:
            return memo[i]
        f = recs[i]
        kind = i[0]
        if kind == "T":
            t, _, spec = f[1].partition(" ")
            v = ("T", t, tuple(sorted(tuple(map(int, p.split())) for p in spec.split(";"))))
        elif kind == "E":
            parts = f[1].split()
            et, _, tr = parts[0].rpartition(":")
            args = frozenset((r, c(a)) for r, _, a in (p.rpartition(":") for p in parts[1:]))
            v = ("E", et, c(tr), args)
        elif kind == "R":
            parts = f[1].split()
            v = ("R", parts[0], *((r, c(a)) for r, _, a in (p.rpartition(":") for p in parts[1:])))
        elif kind in "AM":
            b = f[1].split()
            v = ("A", b[0], c(b[1]), b[2] if len(b) > 2 else True)
        elif kind == "N":
            b = f[1].split()
            v = ("N", b[0], c(b[1]), b[2], "\t".join(f[2:]))
        else:  # '#'
            b = f[1].split()
            v = ("#", b[0], c(b[1]), "\t".join(f[2:]))
        memo[i] = v
        return v

    out = {c(i) for i in recs}
    for f in stars:
        b = f[1].split()
        out.add(("*", b[0], frozenset(c(m) for m in b[1:])))
    return out


def _all_ann(root: Path) -> list[Path]:
    return sorted(root.rglob("*.ann"))


def _brat_docs():
    return [("fixtures", p) for p in _all_ann(FIXTURES)]


@pytest.mark.parametrize("where,ann", _brat_docs(), ids=lambda x: x if isinstance(x, str) else x.stem)
def test_every_brat_document_round_trips(where, ann, tmp_path):
    """brat -> YAML (through the store's own writer and reader) -> brat: same set."""
    root = FIXTURES
    report = Report("brat")
    imp = next(brat.read(ann, report, root=root))
    assert report.line() is None
    yaml_path = tmp_path / "a.yaml"
    aset = store.new_set(imp.aset.document, yaml_path)
    aset.entities, aset.events, aset.attributions, aset.relations = (
        imp.aset.entities,
        imp.aset.events,
        imp.aset.attributions,
        imp.aset.relations,
    )
    store.save(aset, yaml_path)
    back = store.read(yaml_path).checked()
    out = tmp_path / "out"
    brat.write([(ann.stem, back)], out, Report("brat"), "all")
    original = canon_ann(ann.read_text(encoding="utf-8"))
    assert canon_ann((out / f"{ann.stem}.ann").read_text(encoding="utf-8")) == original
    assert (out / f"{ann.stem}.txt").read_bytes() == ann.with_suffix(".txt").read_bytes()


def test_the_shared_folder_through_the_command_line(tmp_path, capsys):
    """`annotator import` a whole brat tree, `annotator export` it back: every
    document the same, and the YAML of a second import identical to the first."""
    src = FIXTURES
    a1, a2, out = tmp_path / "ann1", tmp_path / "ann2", tmp_path / "out"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(a1)]) == 0
    assert main(["export", "--to", "brat", str(a1), "-o", str(out), "--status", "all"]) == 0
    n = 0
    for ann in _all_ann(src):
        mine = out / ann.relative_to(src)
        assert canon_ann(mine.read_text(encoding="utf-8")) == canon_ann(ann.read_text(encoding="utf-8")), ann
        n += 1
    assert n >= 30  # every document of the development subset
    assert main(["import", "--from", "brat", str(out), "--annotations", str(a2)]) == 0
    for y1 in a1.rglob("*.yaml"):
        if "schemas" in y1.parts:
            continue
        y2 = a2 / y1.relative_to(a1)
        strip = lambda t: [line for line in t.splitlines() if not line.startswith("  path:")]  # noqa: E731
        assert strip(y1.read_text()) == strip(y2.read_text()), y1
    assert "imported" in capsys.readouterr().out


def test_brat_extras_land_in_attrs_and_equivalences_in_relations():
    ann = FIXTURES / "example-data/tutorials/news/000-introduction.ann"
    aset = next(brat.read(ann, Report("brat"), root=FIXTURES)).aset
    t5 = aset.entities["T5"]
    assert t5.attrs == {"Mention": "Nominal", "Individual": True, "N:Reference": [["Wikipedia:64488", "Carlos Salinas de Gortari"]]}
    assert aset.entities["T2"].attrs == {"#AnnotatorNotes": "100000000 USD"}
    assert aset.events["E1"].attrs == {"Confidence": "High"}
    assert "T3" not in aset.entities  # the trigger is the event's, not an entity
    assert aset.events["E1"].trigger.text == "moving"
    ann = FIXTURES / "example-data/tutorials/news/060-relation_annotation.ann"
    aset = next(brat.read(ann, Report("brat"), root=FIXTURES)).aset
    alias = [r for r in aset.relations.values() if r.attrs.get("brat:equiv")]
    assert {(r.type, r.arg1, r.arg2) for r in alias} == {("Alias", "T3", "T4"), ("Alias", "T4", "T5")}


def test_repeated_roles_are_numbered_as_brat_does():
    text = "Rebels took Raqqa and Tabqa."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "GPE", Span.of(text, 12, 17))
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(text, 22, 27))
    aset.events["E1"] = Event("E1", "Capture", Span.of(text, 7, 11), (Argument("Place", "T1"), Argument("Place", "T2")))
    out = brat.dumps_ann(aset)
    assert "E1\tCapture:T3 Place:T1 Place2:T2" in out
    back = brat.parse_ann(out, aset.document, "x.ann", None, Report("brat"))
    assert back.events["E1"].arguments == aset.events["E1"].arguments


def test_shared_triggers_are_written_once(tmp_path):
    ann = FIXTURES / "example-data/corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE/PMID-10438843.ann"
    aset = next(brat.read(ann, Report("brat"), root=FIXTURES)).aset
    assert aset.events["E1"].trigger == aset.events["E2"].trigger  # T25 "secreted"
    text = brat.dumps_ann(aset)
    assert sum(1 for line in text.splitlines() if "\tLocalization 682 690\t" in line) == 1


# -- PolNeAR attributions ----------------------------------------------------------------

POLNEAR_TEXT = (
    "Flynn says Trump was right. "  # 0..27
    "\u201cWe are tired,\u201d Mook said, \u201cof all this.\u201d "  # quote split around the cue
    "It was, in an answer about tax, a dodge. "
    "Mook added that it would pass."
)


def _polnear_files(tmp_path: Path) -> Path:
    t = POLNEAR_TEXT
    flynn = (t.index("Flynn"), t.index("Flynn") + 5)
    says = (t.index("says"), t.index("says") + 4)
    right = (t.index("Trump"), t.index("right") + 5)
    q1 = (t.index("\u201cWe"), t.index("tired,\u201d") + 7)
    mook = (t.index("Mook"), t.index("Mook") + 4)
    said = (t.index("said"), t.index("said") + 4)
    q2 = (t.index("\u201cof"), t.index("this.\u201d") + 6)
    cue3 = (t.index("an answer about"), t.index("an answer about") + 15)
    cont3 = (t.index("tax"), t.index("tax") + 3)
    added = (t.index("added"), t.index("added") + 5)
    cont4 = (t.index("that it"), t.index("pass") + 4)
    lines = [
        f"T1\tSource {flynn[0]} {flynn[1]}\tFlynn",
        f"T2\tCue {says[0]} {says[1]}\tsays",
        f"T3\tContent {right[0]} {right[1]}\t{t[right[0]:right[1]]}",
        f"T4\tAttribution {says[0]} {says[1]}\tsays",
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        f"T5\tSource {mook[0]} {mook[1]}\tMook",
        f"T6\tCue {said[0]} {said[1]}\tsaid",
        f"T7\tContent {q1[0]} {q1[1]};{q2[0]} {q2[1]}\t{t[q1[0]:q1[1]]} {t[q2[0]:q2[1]]}",
        f"T8\tAttribution {said[0]} {said[1]}\tsaid",
        "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
        f"T9\tCue {cue3[0]} {cue3[1]}\tan answer about",
        f"T10\tContent {cont3[0]} {cont3[1]}\ttax",
        f"T11\tAttribution-no-source {cue3[0]} {cue3[1]}\tan answer about",
        "E3\tAttribution-no-source:T11 Content:T10 Cue:T9",
        f"T12\tCue {added[0]} {added[1]}\tadded",
        f"T13\tContent {cont4[0]} {cont4[1]}\t{t[cont4[0]:cont4[1]]}",
        f"T14\tAttribution {added[0]} {added[1]}\tadded",
        "E4\tAttribution:T14 Content:T13 Cue:T12 Source:T5",  # the same source as E2
    ]
    (tmp_path / "doc.txt").write_text(t, encoding="utf-8")
    (tmp_path / "doc.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "doc.ann"


def test_polnear_attributions_import_and_export(tmp_path):
    ann = _polnear_files(tmp_path)
    aset = next(brat.read(ann, Report("brat"), root=tmp_path)).aset
    assert not aset.entities and not aset.events
    a = aset.attributions
    assert set(a) == {"A1", "A2", "A3", "A4"}
    assert a["A1"].source.text == "Flynn" and a["A1"].cue.text == "says"
    assert a["A2"].content.discontinuous and a["A2"].content.text.startswith("\u201cWe are tired")
    assert a["A3"].source is None and a["A3"].cue.text == "an answer about"
    assert a["A4"].source == a["A2"].source  # one Source T serves two attributions
    text = brat.dumps_ann(aset)
    assert canon_ann(text) == canon_ann(ann.read_text(encoding="utf-8"))
    assert sum(1 for line in text.splitlines() if line.split("\t")[1].startswith("Source ")) == 2  # Flynn, Mook (shared)
    assert "Attribution-no-source:" in text


def test_an_attribution_whose_source_is_an_entity(tmp_path):
    text = "Orhan Qereman said the town fell."
    doc = Document(text)
    aset = AnnotationSet(doc)
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13))
    aset.attributions["A1"] = Attribution(
        "A1", Ref("T1"), Span.of(text, 14, 18), Span.of(text, 19, 32), type="indirect", by="alice"
    )
    out = brat.dumps_ann(aset)
    assert "E1\tAttribution:T2 Source:T1 Cue:T3 Content:T4" in out
    assert "\tType E1 indirect" in out
    back = brat.parse_ann(out, doc, "x.ann", None, Report("brat"))
    assert store.dumps(back) == store.dumps(aset)


# -- our files: YAML -> brat -> YAML unchanged ----------------------------------------

LABELS = ["PER", "ORG", "GPE"]
EVENT_TYPES = ["Conflict.Attack", "Life.Die", "Move"]
ROLES = ["Agent", "Place", "Theme", "Victim"]
TEXT_CHARS = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc")),
    st.sampled_from(list(" \n\t\r\u2028\u00e9\U0001f600\U0001f1eb\U0001f1f7")),
)
ATTRS = st.dictionaries(
    st.sampled_from(["Negation", "Mention", "#AnnotatorNotes", "N:Reference", "weird key", "ratio", "#Lemma", "Type"]),
    st.one_of(st.just(True), st.sampled_from(["Name", "two words", "x\ny", " lead", "a\tb", "direct"]), st.just([["Wikipedia:1", "X Y"]]), st.just(0.5)),
    max_size=2,
)


@st.composite
def annotation_sets(draw) -> AnnotationSet:
    text = draw(st.text(TEXT_CHARS, min_size=2, max_size=60).filter(lambda t: t.strip()))
    n = len(text)
    doc = Document(text, "doc.txt", "0" * 64)
    aset = AnnotationSet(doc)

    def span(discontinuous=True) -> Span:
        if discontinuous and n >= 4 and draw(st.booleans()):
            a, b, c, d = sorted(draw(st.lists(st.integers(0, n), min_size=4, max_size=4)))
            if a < b and c < d and b <= c:
                return Span.from_fragments(text, [(a, b), (c, d)])
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, n))
        return Span.of(text, a, b)

    def common():
        status = draw(st.sampled_from(["accepted", "accepted", SUGGESTED, REJECTED]))
        return dict(
            status=status,
            by=draw(st.one_of(st.none(), st.sampled_from(["alice", "rules", "spacy:en"]))),
            score=draw(st.one_of(st.none(), st.floats(0, 1))) if status != "accepted" else None,
            attrs=draw(ATTRS),
        )

    for i in range(1, draw(st.integers(0, 5)) + 1):
        aset.entities[f"T{i}"] = Entity(f"T{i}", draw(st.sampled_from(LABELS)), span(), **common())
    ents = list(aset.entities)
    for i in range(1, draw(st.integers(0, 3)) + 1):
        targets = ents + list(aset.events)
        args = ()
        if targets:
            args = tuple(
                Argument(draw(st.sampled_from(ROLES)), draw(st.sampled_from(targets)))
                for _ in range(draw(st.integers(0, 3)))
            )
        aset.events[f"E{i}"] = Event(f"E{i}", draw(st.sampled_from(EVENT_TYPES)), span(False), args, **common())
    for i in range(1, draw(st.integers(0, 3)) + 1):
        kind = draw(st.sampled_from(["ref", "span", "none"] if ents else ["span", "none"]))
        source = Ref(draw(st.sampled_from(ents))) if kind == "ref" else span() if kind == "span" else None
        cue = draw(st.one_of(st.none(), st.builds(lambda: span(False))))
        content = span()
        aset.attributions[f"A{i}"] = Attribution(
            f"A{i}", source, cue, content, type=draw(st.sampled_from([None, "direct", "indirect", "mixed"])), **common()
        )
    linkable = ents + list(aset.events) + list(aset.attributions)
    if len(linkable) >= 2:
        for i in range(1, draw(st.integers(0, 3)) + 1):
            a, b = draw(st.sampled_from(linkable)), draw(st.sampled_from(linkable))
            aset.relations[f"R{i}"] = Relation(f"R{i}", draw(st.sampled_from(["Located", "Part.Of"])), a, b, **common())
    return aset


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_sets())
def test_our_files_survive_yaml_to_brat_to_yaml(aset):
    yaml_text = store.dumps(aset)
    loaded = store.read(text=yaml_text, article=aset.document).checked()  # a valid file to begin with
    names = brat._Names()
    ann = brat.dumps_ann(loaded, names)
    conf = brat.Conf(None)
    conf.names = names.mapping()
    back = brat.parse_ann(ann, aset.document, "x.ann", conf, Report("brat"))
    assert store.dumps(back) == yaml_text


def test_type_names_brat_cannot_store_are_mapped_in_the_conf(tmp_path):
    text = "Rebels attacked the town."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "ORG", Span.of(text, 0, 6))
    aset.events["E1"] = Event("E1", "Conflict.Attack", Span.of(text, 7, 15), (Argument("Attacker", "T1"),))
    out = tmp_path / "b"
    from annotator.schema import default_schema

    brat.write([("doc", aset)], out, Report("brat"), schema=default_schema())
    assert "E1\tConflict_Attack:T2 Attacker:T1" in (out / "doc.ann").read_text()
    conf = (out / "annotation.conf").read_text()
    assert '"Conflict_Attack": "Conflict.Attack"' in conf
    assert "\nConflict_Attack\t" in conf and "\nPER\n" in conf
    parsed = brat.read_conf(out / "annotation.conf")
    assert "Conflict_Attack" in parsed.events and "Source" in parsed.entities
    back = next(brat.read(out / "doc.ann", Report("brat"), root=out)).aset
    assert back.events["E1"].type == "Conflict.Attack"
    schema = parsed.schema_data()
    assert {"name": "Conflict.Attack", "roles": ["Attacker", "Target", "Instrument", "Place", "Time"]} in schema["events"]
    assert "Source" not in [e["name"] for e in schema["entities"]]


def test_annotation_conf_becomes_a_schema(tmp_path):
    conf = brat.read_conf(FIXTURES / "example-data/tutorials/news/annotation.conf")
    data = conf.schema_data()
    assert [e["name"] for e in data["entities"]] == ["Person", "Organization", "GPE", "Money"]
    ev = {e["name"]: e["roles"] for e in data["events"]}
    assert "Life" not in ev  # '!Life' is a grouping, not a type
    assert ev["Marry"] == ["Person-Arg", "Place-Arg"]
    assert ev["Merge-org"] == ["Org-Arg"]
    assert "Alias" in data["relations"] and "Alias" in conf.equiv_types
    from annotator.schema import schema_from_data

    schema = schema_from_data(data)
    assert schema.label_for_key("1") == "Person"


def test_import_writes_yaml_and_schema_and_refuses_to_overwrite(tmp_path, capsys):
    src = FIXTURES / "example-data" / "tutorials" / "news"
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    y = ann / "000-introduction.yaml"
    aset = store.read(y).checked()
    assert aset.document.text == (src / "000-introduction.txt").read_text(encoding="utf-8")
    assert (ann / "schemas" / "news.yaml").is_file()
    before = y.read_bytes()
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert y.read_bytes() == before


def test_a_broken_ann_file_is_one_line_naming_file_and_line(tmp_path, capsys):
    (tmp_path / "d.txt").write_text("Hello world", encoding="utf-8")
    # An event pointing at a T that is not there is left out, with one line
    # naming file:line; the rest of the article is imported.
    (tmp_path / "d.ann").write_text("T1\tPER 0 5\tHello\nE1\tMeet:T9 Agent:T1\n", encoding="utf-8")
    assert main(["import", "--from", "brat", str(tmp_path / "d.ann"), "--annotations", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "d.ann:2" in err and "T9" in err and "left out E1" in err
    got = store.read(tmp_path / "a" / "d.yaml").checked()
    assert list(got.entities) == ["T1"] and not got.events
    # Text that does not match the article refuses the article: nothing written.
    (tmp_path / "d.ann").write_text("T1\tPER 0 5\tHELLO\n", encoding="utf-8")
    assert main(["import", "--from", "brat", str(tmp_path / "d.ann"), "--annotations", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "does not match" in err and "d.ann:1" in err and err.count("\n") == 1
    assert not (tmp_path / "b" / "d.yaml").exists()


def _project_annotation_files() -> list[Path]:
    folder = HERE.parent / "annotations"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


@pytest.mark.skipif(not _project_annotation_files(), reason="no annotation files in ./annotations")
def test_the_projects_own_annotation_files_survive_the_command_line_trip(tmp_path):
    """annotations/*.yaml -> `export --to brat --status all` -> `import` -> same YAML
    (the article path aside: the import points at brat's copy of the text)."""
    src = tmp_path / "src"
    src.mkdir()
    for y in _project_annotation_files():
        aset = store.read(y).checked()
        dst = src / y.name
        moved = store.new_set(Document(aset.document.text, str((y.parent / aset.document.path).resolve()), aset.document.sha256), dst)
        moved.entities, moved.events, moved.attributions, moved.relations = aset.entities, aset.events, aset.attributions, aset.relations
        store.save(moved, dst)
    out, back = tmp_path / "brat", tmp_path / "back"
    assert main(["export", "--to", "brat", str(src), "-o", str(out), "--status", "all"]) == 0
    assert main(["import", "--from", "brat", str(out), "--annotations", str(back)]) == 0
    for y in src.glob("*.yaml"):
        drop = lambda t: [line for line in t.splitlines() if not line.startswith("  path:")]  # noqa: E731
        assert drop((back / y.name).read_text(encoding="utf-8")) == drop(y.read_text(encoding="utf-8")), y.name


def _corpora_with_conf() -> list[Path]:
    return sorted(c.parent for c in FIXTURES.rglob("annotation.conf") if any(c.parent.glob("*.ann")))


@pytest.mark.parametrize("src", _corpora_with_conf(), ids=lambda p: p.name)
def test_every_imported_corpus_validates_against_the_schema_its_import_wrote(src, tmp_path, capsys):
    """brat's numbered roles (``Theme2``, and ``Site2`` paired with it, as in the
    GE and ID corpora's Binding events) are roles of the conf's ``Theme``/``Site``."""
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 0
    (schema,) = (ann / "schemas").glob("*.yaml")
    capsys.readouterr()
    assert main(["validate", str(ann), "--schema", str(schema)]) == 0, capsys.readouterr()


def test_numbered_roles_are_the_roles_of_the_schema():
    from annotator.schema import schema_from_data

    s = schema_from_data({"name": "t", "entities": [{"name": "Protein"}],
                          "events": [{"name": "Binding", "roles": ["Theme", "Site"]}]})
    assert s.has_role("Binding", "Theme") and s.has_role("Binding", "Theme2") and s.has_role("Binding", "Site12")
    assert not s.has_role("Binding", "Cause") and not s.has_role("Binding", "Cause2")
    assert not s.has_role("Binding", "2") and not s.has_role("Other", "Theme")
    assert [s.role_of("Binding", r) for r in ("Theme", "Theme2", "Site12", "Cause2", "2")] == [
        "Theme", "Theme", "Site", None, None]


def test_a_corpus_with_numbered_roles_merges_with_them(tmp_path, capsys):
    src = FIXTURES / "example-data/corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE"
    a, b, gold = tmp_path / "a", tmp_path / "b", tmp_path / "gold"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(a)]) == 0
    assert main(["import", "--from", "brat", str(src), "--annotations", str(b)]) == 0
    schema = a / "schemas" / "BioNLP-ST_2011_GE.yaml"
    assert main(["merge", str(a), str(b), "-o", str(gold), "--schema", str(schema)]) == 0
    roles = {g.role for ev in store.read(gold / "PMID-8934542.yaml").checked().events.values() for g in ev.arguments}
    assert "Site2" in roles and "Theme" in roles
    assert "merged 4 of 4 articles" in capsys.readouterr().out


# -- which schema a brat import checks against: brat's annotation.conf rule ----------------

NCBI = FIXTURES / "example-data/corpora/NCBI-disease"


def _sub_collection(tmp_path: Path) -> Path:
    """NCBI-disease with its annotation.conf one folder up, as brat allows."""
    import shutil

    coll = tmp_path / "coll"
    (coll / "sub").mkdir(parents=True)
    shutil.copy(NCBI / "annotation.conf", coll / "annotation.conf")
    for name in ("PMID-23402", "PMID-7795652"):
        for ext in (".txt", ".ann"):
            shutil.copy(NCBI / f"{name}{ext}", coll / "sub" / f"{name}{ext}")
    return coll


def test_a_sub_collection_takes_its_parents_annotation_conf(tmp_path, capsys):
    coll = _sub_collection(tmp_path)
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(coll / "sub"), "--annotations", str(ann)]) == 0
    out = capsys.readouterr().out
    schema = ann / "schemas" / "coll.yaml"
    assert f"--schema {schema}" in out and "imported 2 of 2" in out
    # What import wrote is what validate (and the app) take with that schema.
    assert main(["validate", str(ann), "--schema", str(schema)]) == 0


def test_a_label_its_annotation_conf_does_not_declare_is_refused_naming_both(tmp_path, capsys):
    coll = _sub_collection(tmp_path)
    conf = coll / "annotation.conf"
    conf.write_text(conf.read_text().replace("\nDisease\n", "\nIllness\n"))
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(coll / "sub"), "--annotations", str(ann)]) == 2
    cap = capsys.readouterr()
    lines = cap.err.splitlines()
    assert len(lines) == 2 and all(line.endswith("(not imported)") for line in lines)
    assert all(f"label 'Disease' is not in the schema (Illness), read from {conf.resolve()}" in line for line in lines)
    assert "imported 0 of 2" in cap.out
    assert not list(ann.rglob("*.yaml"))  # neither the files nor a schema nobody needs


def test_with_no_annotation_conf_the_schema_it_will_be_opened_with_decides(tmp_path, capsys):
    src = tmp_path / "bare"
    src.mkdir()
    (src / "a.txt").write_text("Abdi met p53 today.\n", encoding="utf-8")
    (src / "a.ann").write_text("T1\tPerson 0 4\tAbdi\nT2\tProtein 9 12\tp53\n", encoding="utf-8")
    (src / "b.txt").write_text("Abdi met p53 today.\n", encoding="utf-8")
    (src / "b.ann").write_text("T1\tPER 0 4\tAbdi\n", encoding="utf-8")
    ann = tmp_path / "ann"
    # The built-in schema: the document it cannot open is refused, one line naming the label.
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 2
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [
        f"annotator: {src / 'a.ann'}: it would make an invalid annotation file: T1: label 'Person' is not in the schema "
        "(PER, ORG, GPE, LOC, FAC, NORP, DATE, MISC), the built-in news schema: give --schema FILE, or an "
        "annotation.conf that declares it (and 1 more problems) (not imported)"
    ]
    assert "imported 1 of 2" in cap.out
    assert sorted(p.name for p in ann.glob("*.yaml")) == ["b.yaml"]
    assert main(["validate", str(ann)]) == 0
    # --schema: the one the user will open them with.
    schema = tmp_path / "bio.yaml"
    schema.write_text("entities: [Person, Protein]\n", encoding="utf-8")
    ann2 = tmp_path / "ann2"
    assert main(["import", "--from", "brat", str(src / "a.ann"), "--annotations", str(ann2), "--schema", str(schema)]) == 0
    assert main(["validate", str(ann2), "--schema", str(schema)]) == 0
