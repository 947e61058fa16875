"""brat as real attribution corpora write it (PolNeAR's shape): fragments in any
order, a content in numbered parts, lines that point at missing IDs, a broken
article in a folder of good ones; and A, N, # lines that come back exactly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.cli import main
from annotator.formats import brat
from annotator.formats.common import Report
from annotator.model import Document

from .test_formats_brat import canon_ann

HERE = Path(__file__).resolve().parent
POLNEAR = HERE / "fixtures" / "brat-polnear"
GOOD = ["01-split-quote", "02-content-in-parts", "05-attributes-and-notes"]


def _read(name: str, report: Report | None = None):
    return next(brat.read(POLNEAR / f"{name}.ann", report or Report("brat"), root=POLNEAR)).aset


def _through_yaml(aset, tmp_path: Path):
    """The store's own writer and reader in between."""
    y = tmp_path / "x.yaml"
    doc = Document(aset.document.text, str(POLNEAR / "x.txt"), aset.document.sha256)
    s = store.new_set(doc, y)
    s.entities, s.events, s.attributions, s.relations = aset.entities, aset.events, aset.attributions, aset.relations
    text = store.dumps(s)
    return store.read(text=text, article=aset.document).checked()


def test_fragments_written_out_of_order_are_read_sorted():
    text = (POLNEAR / "01-split-quote.txt").read_text(encoding="utf-8")
    raw = (POLNEAR / "01-split-quote.ann").read_text(encoding="utf-8")
    assert "\tContent 68 112;0 27\t" in raw  # the later fragment first, as brat allows
    a1 = _read("01-split-quote").attributions["A1"]
    assert a1.content.fragments == ((0, 27), (68, 112))
    assert a1.content.text == text[0:27] + " " + text[68:112]
    assert a1.source.text == "the spokesman" and a1.cue.text == "told" and a1.type == "direct"


def test_the_text_column_is_checked_in_the_order_written(tmp_path):
    text = "alpha beta gamma"
    doc = Document(text)
    ok = brat.parse_ann("T1\tX 11 16;0 5\tgamma alpha\n", doc, "d.ann", None, Report("brat"))
    assert ok.entities["T1"].span.fragments == ((0, 5), (11, 16))
    import pytest

    from annotator.errors import InputError

    with pytest.raises(InputError) as err:
        brat.parse_ann("T1\tX 11 16;0 5\tgamma beta\n", doc, "d.ann", None, Report("brat"))
    assert "d.ann:1" in str(err.value) and "does not match" in str(err.value)
    with pytest.raises(InputError) as err:
        brat.parse_ann("T1\tX 0 10;5 16\talpha beta beta gamma\n", doc, "d.ann", None, Report("brat"))
    assert "overlap" in str(err.value)


def test_numbered_content_parts_join_one_attribution():
    aset = _read("02-content-in-parts")
    assert not aset.events and not aset.entities  # one attribution, not a generic event
    (at,) = aset.attributions.values()
    assert at.id == "A5"
    assert at.source.text == "a poll published on Friday" and at.cue.text == "according to"
    assert at.content.fragments == ((0, 19), (62, 103))
    assert at.content.text == "Voters in the north favour the new candidate by a wide margin"
    assert at.type == "indirect"


def test_numbered_parts_are_written_back_as_parts_while_they_still_fit(tmp_path):
    aset = _read("02-content-in-parts")
    out = brat.dumps_ann(_through_yaml(aset, tmp_path))
    assert canon_ann(out) == canon_ann((POLNEAR / "02-content-in-parts.ann").read_text(encoding="utf-8"))
    assert " Content2:" in out
    # Once the content is edited, the parts no longer say what it is: one span.
    from dataclasses import replace

    from annotator.model import Span

    (at,) = aset.attributions.values()
    text = aset.document.text
    aset.attributions[at.id] = replace(at, content=Span.from_fragments(text, [(0, 19), (62, 68)]))
    out = brat.dumps_ann(aset)
    assert "Content2" not in out and "\tContent 0 19;62 68\t" in out


def test_lines_pointing_at_missing_ids_are_left_out_one_line_each():
    report = Report("brat")
    aset = _read("03-missing-ids", report)
    where = str(POLNEAR / "03-missing-ids.ann")
    assert report.warnings == [
        f"{where}:6: left out E2: it refers to T9, which is not defined",
        f"{where}:7: left out A1: it refers to E2, which was left out",
        f"{where}:9: left out R1: it refers to E7, which is not defined",
        f"{where}:10: left out #1: it refers to T12, which is not defined",
    ]
    assert list(aset.attributions) == ["A1"] and aset.attributions["A1"].type is None
    assert list(aset.entities) == ["T5"] and aset.entities["T5"].attrs == {"#AnnotatorNotes": "civil engineers"}
    assert not aset.relations and not aset.events


def test_an_ann_file_written_with_a_bom_and_crlf_is_read(tmp_path):
    (tmp_path / "d.txt").write_text("Mook said so.", encoding="utf-8")
    (tmp_path / "d.ann").write_bytes("\ufeffT1\tSource 0 4\tMook\r\nT2\tCue 5 9\tsaid\r\nT3\tContent 10 12\tso\r\n"
                                     "T4\tAttribution 5 9\tsaid\r\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\r\n".encode("utf-8"))
    aset = next(brat.read(tmp_path / "d.ann", Report("brat"), root=tmp_path)).aset
    assert aset.attributions["A1"].content.text == "so"


def test_an_event_pointing_at_a_left_out_event_is_left_out_too():
    text = "Rebels attacked and took the town."
    raw = (
        "T1\tOrg 0 6\tRebels\nT2\tAttack 7 15\tattacked\nT3\tTake 20 24\ttook\n"
        "E1\tAttack:T2 Attacker:T1 Place:T8\nE2\tTake:T3 Agent:T1 Cause:E1\nR1\tRel Arg1:T1 Arg2:E2\t\n"
    )
    report = Report("brat")
    aset = brat.parse_ann(raw, Document(text), "d.ann", None, report)
    assert [w.split(": ", 1)[0] for w in report.warnings] == ["d.ann:4", "d.ann:5", "d.ann:6"]
    assert "E1, which was left out" in report.warnings[1]
    assert list(aset.entities) == ["T1"]  # the triggers of left-out events go with them
    assert not aset.events and not aset.relations


def test_the_fixtures_come_back_from_yaml_the_same(tmp_path):
    for name in GOOD:
        aset = _read(name)
        out = brat.dumps_ann(_through_yaml(aset, tmp_path))
        assert canon_ann(out) == canon_ann((POLNEAR / f"{name}.ann").read_text(encoding="utf-8")), name


def test_attributes_notes_and_links_on_every_kind():
    aset = _read("05-attributes-and-notes")
    assert aset.entities["T1"].attrs == {"Mention": "Name", "#AnnotatorNotes": "armed opposition groups"}
    assert aset.entities["T2"].attrs == {"N:Wikidata": [["Wikidata:Q131116", "Raqqa"]]}
    assert aset.events["E1"].attrs == {"Negation": True, "Realis": "actual", "#AnnotatorNotes": "check the date"}
    at = aset.attributions["A2"]
    assert at.type == "indirect"
    assert at.attrs == {"Confidence": "High", "N:Wikidata": [["Wikidata:Q1", "the monitor's report"]], "#AnnotatorNotes": "paraphrased"}
    assert aset.relations["R1"].attrs == {"Certain": True, "#AnnotatorNotes": "from the map"}


# -- the command line, as a person runs it ----------------------------------------------


def test_a_folder_with_one_broken_article_imports_the_others(tmp_path, capsys):
    src = tmp_path / "corpus"
    shutil.copytree(POLNEAR, src)
    ann = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann)]) == 2
    cap = capsys.readouterr()
    err = cap.err.splitlines()
    refused = [line for line in err if "not imported" in line]
    assert refused == [
        f"annotator: {src / '04-broken.ann'}:3: T3: text 'the rumour' does not match the article at 20 30 ('the report') (not imported)"
    ]
    assert sum("03-missing-ids.ann:" in line and "left out" in line for line in err) == 4
    assert "imported 4 of 5 articles from brat" in cap.out
    assert sorted(p.stem for p in ann.glob("*.yaml")) == ["01-split-quote", "02-content-in-parts", "03-missing-ids", "05-attributes-and-notes"]
    for y in ann.glob("*.yaml"):
        store.read(y).checked()  # each a valid annotation file
    # The YAML written exports back to what the annotators wrote.
    out = tmp_path / "out"
    assert main(["export", "--to", "brat", str(ann), "-o", str(out), "--status", "all"]) == 0
    for name in GOOD:
        assert canon_ann((out / f"{name}.ann").read_text(encoding="utf-8")) == canon_ann((src / f"{name}.ann").read_text(encoding="utf-8"))


def test_every_article_refused_is_one_line_and_exit_2(tmp_path, capsys):
    src = tmp_path / "corpus"
    src.mkdir()
    for i, ann in enumerate(["T1\tX 0 3\tabc\n", "T1\tX 0 99\tabc\n", "Q1\tnonsense\n", "T1\tX 0 3\tabc\nT1\tX 0 3\tabc\n"]):
        (src / f"d{i}.txt").write_text("abc def", encoding="utf-8")
        (src / f"d{i}.ann").write_text(ann, encoding="utf-8")
    (src / "d9.ann").write_text("T1\tX 0 3\tabc\n", encoding="utf-8")  # no article beside it
    (src / "annotation.conf").write_text("[entities]\nX\n", encoding="utf-8")  # X is a known label
    ann_dir = tmp_path / "ann"
    assert main(["import", "--from", "brat", str(src), "--annotations", str(ann_dir)]) == 2
    cap = capsys.readouterr()
    lines = cap.err.splitlines()
    assert len(lines) == 4 and all(line.endswith("(not imported)") for line in lines)
    assert [line.split(": ")[1].rsplit("/", 1)[-1] for line in lines] == ["d1.ann:1", "d2.ann:1", "d3.ann:2", "d9.txt"]
    assert "imported 1 of 5 articles" in cap.out
    assert [p.name for p in ann_dir.glob("*.yaml")] == ["d0.yaml"]
    # Nothing there to import at all: still one line per source, exit 2.
    assert main(["import", "--from", "brat", str(tmp_path / "nothing-here"), "--annotations", str(ann_dir)]) == 2
    assert "no such file or folder" in capsys.readouterr().err


# -- A, N and # lines: brat -> YAML -> brat, exactly ---------------------------------------

WORDS = ["Rebels", "took", "Raqqa", "said", "the", "monitor", "on", "Monday", "town", "fell", "Mook", "added"]
NOTE_TEXT = st.text(
    st.sampled_from(list("\t ab:\u00e9\U0001f600")) | st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=12,
)


@st.composite
def brat_files(draw) -> tuple[str, str]:
    """A .txt and a .ann of entities, events, attributions (Content in parts
    sometimes, fragments in any order) and relations, with A, N, # lines."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=8, max_size=16))
    text = " ".join(words) + ".\n"
    offs, pos = [], 0
    for w in words:
        offs.append((pos, pos + len(w)))
        pos += len(w) + 1
    lines: list[str] = []
    count = {"T": 0, "E": 0, "R": 0, "A": 0, "N": 0, "#": 0}

    def nid(k: str) -> str:
        count[k] += 1
        return f"{k}{count[k]}"

    def t_line(ttype: str, idx: list[int]) -> str:
        frags = [offs[i] for i in sorted(idx)]
        if len(frags) > 1 and draw(st.booleans()):
            frags = draw(st.permutations(frags))  # any order, as brat allows
        tid = nid("T")
        lines.append(f"{tid}\t{ttype} " + ";".join(f"{s} {e}" for s, e in frags) + "\t" + " ".join(text[s:e] for s, e in frags))
        return tid

    def words_at(k_max: int = 2, pool=None) -> list[int]:
        pool = list(range(len(words))) if pool is None else pool
        return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=k_max, unique=True))

    entities = [t_line(draw(st.sampled_from(["PER", "ORG", "GPE"])), words_at()) for _ in range(draw(st.integers(1, 4)))]
    targets: list[str] = list(entities)
    attributions: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        trig = t_line("Attack", words_at(1))
        roles = draw(st.lists(st.sampled_from(["Attacker", "Target"]), max_size=3))
        seen: dict[str, int] = {}
        args = []
        for r in roles:
            seen[r] = seen.get(r, 0) + 1
            args.append(f"{r}{seen[r] if seen[r] > 1 else ''}:{draw(st.sampled_from(entities))}")
        eid = nid("E")
        lines.append(f"{eid}\tAttack:{trig}" + "".join(" " + a for a in args))
        targets.append(eid)
    for _ in range(draw(st.integers(0, 2))):
        cue_idx = words_at(1)
        cue = t_line("Cue", cue_idx)
        free = [i for i in range(len(words)) if i not in cue_idx]
        n_parts = draw(st.integers(1, 3)) if len(free) >= 3 else 1
        chosen = draw(st.lists(st.sampled_from(free), min_size=n_parts, max_size=n_parts, unique=True)) if free else []
        parts = [t_line("Content", [i]) for i in chosen] if chosen else []
        kind = draw(st.sampled_from(["span", "entity", "none"]))
        src = t_line("Source", words_at(1)) if kind == "span" else draw(st.sampled_from(entities)) if kind == "entity" else None
        etype = "Attribution" if src else "Attribution-no-source"
        trig = t_line(etype, cue_idx)
        args = ([f"Source:{src}"] if src else []) + [f"Cue:{cue}"]
        args += [f"Content{k if k > 1 else ''}:{p}" for k, p in enumerate(parts, 1)]
        eid = nid("E")
        lines.append(f"{eid}\t{etype}:{trig} " + " ".join(draw(st.permutations(args))))
        attributions.append(eid)
        if draw(st.booleans()):
            lines.append(f"{nid('A')}\tType {eid} {draw(st.sampled_from(['direct', 'indirect', 'mixed']))}")
        if draw(st.booleans()):
            targets.append(cue)  # notes on a part make that span an entity too
    targets += attributions
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(entities)), draw(st.sampled_from(targets))
        rid = nid("R")
        lines.append(f"{rid}\tLocated Arg1:{a} Arg2:{b}\t")
        targets.append(rid)
    for tgt in draw(st.lists(st.sampled_from(targets), max_size=6)):
        kind = draw(st.sampled_from(["flag", "value", "norm", "note"]))
        if kind == "flag":
            lines.append(f"{nid('A')}\t{draw(st.sampled_from(['Negation', 'Certain']))} {tgt}")
        elif kind == "value":
            name = draw(st.sampled_from(["Confidence", "Realis"] + ([] if tgt in attributions else ["Type"])))
            lines.append(f"{nid('A')}\t{name} {tgt} {draw(st.sampled_from(['High', 'low', 'x-1']))}")
        elif kind == "norm":
            lines.append(f"{nid('N')}\tWikidata {tgt} Wikidata:Q{draw(st.integers(1, 99))}\t{draw(NOTE_TEXT)}")
        else:
            lines.append(f"{nid('#')}\t{draw(st.sampled_from(['AnnotatorNotes', 'Lemma']))} {tgt}\t{draw(NOTE_TEXT)}")
    # brat keeps one attribute of a name per annotation
    out, seen_attr = [], set()
    for line in lines:
        if line[0] == "A":
            name, tgt = line.split("\t")[1].split()[:2]
            if (name, tgt) in seen_attr:
                continue
            seen_attr.add((name, tgt))
        out.append(line)
    return text, "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(brat_files())
def test_brat_to_yaml_to_brat_keeps_every_line(files):
    text, raw = files
    doc = Document(text, "doc.txt", "0" * 64)
    report = Report("brat")
    aset = brat.parse_ann(raw, doc, "x.ann", None, report)
    assert report.warnings == [] and report.line() is None
    back = store.read(text=store.dumps(aset), article=doc).checked()  # a valid file, read by the store
    assert canon_ann(brat.dumps_ann(back)) == canon_ann(raw)


# -- whatever the reader takes is a valid annotation file ----------------------------------

_IDS = ["T1", "T2", "T3", "T4", "E1", "E2", "R1", "A1", "N1", "#1", "T9", "E9"]


@st.composite
def messy_ann(draw) -> tuple[str, str]:
    """Lines as a careless tool might write them: IDs that clash, point at
    nothing, at themselves, at the wrong kind; any order of fragments."""
    text = "Rebels took Raqqa and Tabqa on Monday, the monitor said.\n"
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    lines = []
    used: dict[str, int] = {}
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from("TTTTEEERAN#*"))
        if kind == "*":
            i = "*"
        elif draw(st.integers(0, 9)) == 0:  # now and then an ID used twice
            i = draw(st.sampled_from([x for x in _IDS if x[0] == kind] or [kind + "1"]))
        else:
            used[kind] = used.get(kind, 0) + 1
            i = f"{kind}{used[kind]}"
        if kind == "T":
            frags = [words[k] for k in sorted(draw(st.lists(st.integers(0, len(words) - 1), min_size=1, max_size=2, unique=True)))]
            frags = draw(st.permutations(frags))
            typ = draw(st.sampled_from(["PER", "Source", "Cue", "Content", "Attribution", "Attack"]))
            body = f"{typ} " + ";".join(f"{s} {e}" for s, e in frags)
            lines.append(f"{i}\t{body}\t" + " ".join(text[s:e] for s, e in frags))
        elif kind == "E":
            typ = draw(st.sampled_from(["Attribution", "Attribution-no-source", "Attack"]))
            roles = draw(st.lists(st.sampled_from(["Source", "Cue", "Content", "Content2", "Cue2", "Source2", "Agent", "Agent2"]), max_size=4))
            lines.append(f"{i}\t{typ}:{draw(st.sampled_from(_IDS))}" + "".join(f" {r}:{draw(st.sampled_from(_IDS))}" for r in roles))
        elif kind == "R":
            lines.append(f"{i}\tRel Arg1:{draw(st.sampled_from(_IDS))} Arg2:{draw(st.sampled_from(_IDS))}\t")
        elif kind == "A":
            lines.append(f"{i}\t{draw(st.sampled_from(['Type', 'Negation']))} {draw(st.sampled_from(_IDS))}" + draw(st.sampled_from(["", " direct", " x"])))
        elif kind == "N":
            lines.append(f"{i}\tWikidata {draw(st.sampled_from(_IDS))} Wikidata:Q1\tx")
        elif kind == "#":
            lines.append(f"{i}\tAnnotatorNotes {draw(st.sampled_from(_IDS))}\tnote")
        else:
            lines.append("*\tEquiv " + " ".join(draw(st.lists(st.sampled_from(_IDS), min_size=2, max_size=3))))
    return text, "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_ann())
def test_the_reader_refuses_or_gives_a_file_that_validates(files):
    from annotator.errors import InputError

    text, raw = files
    doc = Document(text, "doc.txt", "0" * 64)
    try:
        aset = brat.parse_ann(raw, doc, "x.ann", None, Report("brat"))
    except InputError as err:
        assert str(err).startswith("x.ann:")
        return
    back = store.read(text=store.dumps(aset), article=doc).checked()  # raises if the file would not validate
    assert store.dumps(back) == store.dumps(aset)
    brat.dumps_ann(back)  # and it exports


# -- annotation.conf [attributes] <-> the schema's attributes -------------------------------


def test_the_conf_attributes_become_schema_attributes():
    conf = brat.read_conf(POLNEAR / "annotation.conf")
    got = {a["name"]: a for a in conf.schema_data()["attributes"]}
    assert "Type" not in got  # an attribution's type is its type, not an attribute
    assert got["Realis"] == {"name": "Realis", "for": ["event", "attribution"], "values": ["actual", "generic", "other"]}
    assert got["Negation"] == {"name": "Negation", "for": ["event", "attribution"], "flag": True}
    assert got["Certain"] == {"name": "Certain", "for": ["relation"], "flag": True}
    assert got["Mention"] == {"name": "Mention", "for": ["entity"], "values": ["Name", "Nominal"]}
    assert got["Wikidata"] == {"name": "Wikidata", "link": True}  # a knowledge base of tools.conf
    ncbi = brat.read_conf(HERE / "fixtures/brat/example-data/corpora/NCBI-disease/annotation.conf").schema_data()
    assert ncbi["attributes"] == [
        {"name": "Category", "for": ["Disease"], "values": ["SpecificDisease", "Modifier", "DiseaseClass", "CompositeMention"]}
    ]
    from annotator.schema import schema_from_data

    schema = schema_from_data(conf.schema_data())  # a schema file the app reads
    if hasattr(schema, "attributes"):
        specs = {a.name: a for a in schema.attributes}
        assert specs["Realis"].kind == "choice" and specs["Negation"].kind == "flag" and specs["Wikidata"].kind == "link"


def test_the_schemas_attributes_are_declared_in_the_exported_conf(tmp_path):
    from dataclasses import replace

    from annotator.schema import AttributeSpec, default_schema

    schema = replace(
        default_schema(),
        attributes=(
            AttributeSpec("Realis", "choice", ("actual", "generic", "other"), ("event",)),
            AttributeSpec("Negated", "flag", (), ("event", "attribution")),
            AttributeSpec("Wikidata", "link", (), ("PER",)),
            AttributeSpec("Kind", "choice", ("a", "b"), ("PER", "Conflict.Attack")),
        ),
    )
    aset = _read("05-attributes-and-notes")
    brat.write([("doc", aset)], tmp_path, Report("brat"), "all", schema=schema)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert "\nRealis\tArg:<EVENT>, Value:actual|generic|other\n" in conf
    assert "\nNegated\tArg:<EVENT>\n" in conf
    assert "\nKind\tArg:Conflict_Attack|PER, Value:a|b\n" in conf
    assert "Wikidata\tArg" not in conf  # a link is a normalization, not an attribute
    back = {a["name"]: a for a in brat.read_conf(tmp_path / "annotation.conf").schema_data()["attributes"]}
    assert back["Realis"]["values"] == ["actual", "generic", "other"] and back["Negated"]["flag"] is True
    assert back["Kind"]["for"] == ["Conflict.Attack", "PER"]
