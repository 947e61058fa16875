"""Loading checks everything and reports every problem with its line."""

from __future__ import annotations

import hashlib
import time

import pytest

from annotator import store
from annotator.store import fast_reader, pyyaml_reader
from annotator.errors import ValidationError
from annotator.model import Document, Ref
from annotator.schema import default_schema

ART = "Orhan Qereman said: HASAKEH fell on Monday."
SHA = hashlib.sha256(ART.encode()).hexdigest()
DOC = Document(ART, "a.txt", SHA)
HEAD = f"format: annotator/1\ndocument:\n  path: a.txt\n  sha256: {SHA}\n  length: {len(ART)}\n"  # 5 lines
OK_ENTITIES = (
    "entities:\n"  # line 6
    "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, by: alice}\n"  # 7
    "- {id: T2, label: GPE, start: 20, end: 27, text: HASAKEH, status: suggested, by: rules, score: 0.8}\n"  # 8
)
OK_EVENTS = (
    "events:\n"  # 9
    "- id: E1\n"  # 10
    "  type: Conflict.Capture\n"  # 11
    "  trigger: {start: 28, end: 32, text: fell}\n"  # 12
    "  arguments:\n"  # 13
    "  - {role: Place, ref: T2}\n"  # 14
    "  by: alice\n"  # 15
)
OK_REST = (
    "attributions:\n"  # 16
    "- id: A1\n"  # 17
    "  source: {ref: T1}\n"  # 18
    "  cue: {start: 14, end: 18, text: said}\n"  # 19
    "  content: {start: 20, end: 42, text: HASAKEH fell on Monday}\n"  # 20
    "  type: direct\n"  # 21
    "  by: alice\n"  # 22
    "relations:\n"  # 23
    "- {id: R1, type: near, arg1: T1, arg2: T2}\n"  # 24
)
GOOD = HEAD + OK_ENTITIES + OK_EVENTS + OK_REST


def found(text: str, *, article=DOC, schema=None, source="f.yaml") -> list[str]:
    r = store.read(source, text=text, article=article, schema=schema)
    aset, probs = r.aset, r.problems
    for p in probs:
        assert p.path == source
    return [f"{p.line}: {p.message}" for p in probs]


def test_good_file_has_no_problems():
    assert found(GOOD, schema=default_schema()) == []
    aset = store.read(text=GOOD, article=DOC, schema=default_schema()).checked()
    assert len(aset) == 5
    assert aset.attributions["A1"].source == Ref("T1")
    assert aset.entities["T2"].score == 0.8 and aset.entities["T2"].status == "suggested"


def test_other_format_is_one_clear_problem():
    assert found("format: annotator/2\nentities: 3\n") == ["1: format is 'annotator/2'; this version reads only annotator/1"]
    assert found("entities: []\n") == ["1: no 'format' key: not an annotator file (expected 'format: annotator/1')"]
    assert found("- a\n- b\n") == ["1: not an annotator file: expected a mapping starting with 'format: annotator/1'"]
    assert len(found("")) == 1
    (msg,) = found("{")
    assert msg.startswith("1: broken YAML: expected the node content"), msg


def test_broken_yaml_names_the_line():
    text = GOOD.replace("  by: alice\nattributions", "  by: [alice\nattributions")
    (msg,) = found(text)
    assert msg.split(":")[0] in {"15", "16", "17"} and "broken YAML" in msg


@pytest.mark.parametrize(
    "line, replacement, expected",
    [
        (7, "- {id: T1, label: PER, start: x, end: 13, text: Orhan Qereman}", "7: T1: start must be a whole number, not 'x'"),
        (7, "- {id: T1, label: PER, start: 1.0, end: 13, text: Orhan Qereman}", "7: T1: start must be a whole number, not 1.0"),
        (7, "- {id: T1, label: PER, start: true, end: 13, text: Orhan Qereman}", "7: T1: start must be a whole number, not True"),
        (7, "- {id: T1, label: PER, end: 13, text: Orhan Qereman}", "7: T1: 'start' is missing"),
        (7, "- {id: T1, label: PER, start: 5, end: 5, text: ''}", "7: T1: end 5 must be after start 5"),
        (7, "- {id: T1, label: PER, start: -1, end: 5, text: x}", "7: T1: start -1 is negative"),
        (7, "- {id: T1, label: PER, start: 40, end: 99, text: x}", "7: T1: end 99 is past the end of the article (43 characters)"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: 13}", "7: T1: text must be a string, not 13"),
        (7, "- {id: T1, label: PER, start: 0, end: 13}", "7: T1: 'text' is missing"),
        (7, "- {id: T1, label: PER, start: 0, end: 5, text: Orhan Q}",
         "7: T1: text 'Orhan Q' does not match the article at 0-5, which reads 'Orhan'"),
        (7, "- {id: T1, label: PER, fragments: [[0, 5], [20, 27]], text: Orhan HASAKEH}", None),
        (7, "- {id: T1, label: PER, fragments: [[0, 5], [20, 27]], text: OrhanHASAKEH}",
         "7: T1: text 'OrhanHASAKEH' does not match the article at 0-5 20-27, which reads 'Orhan HASAKEH'"),
        (7, "- {id: T1, label: PER, fragments: [[20, 27], [0, 5]], text: x}", "7: T1: fragments must be in order and must not overlap"),
        (7, "- {id: T1, label: PER, fragments: [[0, 5], 3], text: x}", "7: T1: fragment 3 must be a [start, end] pair of whole numbers"),
        (7, "- {id: T1, label: PER, start: 0, end: 5, fragments: [[0, 5]], text: x}", "7: T1: give either start/end or fragments, not both"),
        (7, "- {id: T1, label: PERSON, start: 0, end: 13, text: Orhan Qereman}",
         "7: T1: label 'PERSON' is not in the schema (PER, ORG, GPE, LOC, FAC, NORP, DATE, MISC)"),
        (7, "- {id: T1, label: '', start: 0, end: 13, text: Orhan Qereman}", "7: T1: label must be a non-empty string, not ''"),
        (7, "- {id: T1, start: 0, end: 13, text: Orhan Qereman}", "7: T1: 'label' is missing"),
        (7, "- {id: 1, label: PER, start: 0, end: 13, text: Orhan Qereman}", "7: entity id must be a non-empty string, not 1"),
        (7, "- {label: PER, start: 0, end: 13, text: Orhan Qereman}", "7: entity without an 'id'"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, status: maybe}",
         "7: T1: status 'maybe' must be accepted, suggested or rejected"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, by: 3}", "7: T1: by must be a string, not 3"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, score: high}",
         "7: T1: score must be a finite number, not 'high'"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, score: .nan}",
         "7: T1: score must be a finite number, not nan"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, attrs: [1]}", "7: T1: attrs must be a mapping, not [1]"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, attrs: {d: 2020-01-01}}",
         "7: T1: attrs: datetime.date(2020, 1, 1) cannot be kept (quote dates and binary data)"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, lable: PER}", "7: T1: unknown key 'lable'"),
        (7, "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, by: a, by: b}",
         "7: key 'by' appears twice in one mapping (the last one would win)"),
        (7, "- [T1, PER, 0, 13]", "7: an entity must be a mapping {id, label, start, end, text}, not ['T1', 'PER', 0, 13]"),
        (8, "- {id: T1, label: GPE, start: 20, end: 27, text: HASAKEH}", "8: duplicate id T1 (first at line 7)"),
        (11, "  type: Conflict.Explode", "11: E1: event type 'Conflict.Explode' is not in the schema"),
        (12, "  trigger: {start: 28, end: 31, text: fell}", "12: E1 trigger: text 'fell' does not match the article at 28-31, which reads 'fel'"),
        (12, "  trigger: fell", "12: E1: trigger must be a mapping {start, end, text}, not 'fell'"),
        (14, "  - {role: Victim, ref: T2}", "14: E1: role 'Victim' is not a role of Conflict.Capture (Agent, Place, Opponent, Time)"),
        (14, "  - {role: Place, ref: T9}", "14: E1: argument Place refers to T9, which is not in the file"),
        (14, "  - {role: Place}", "14: E1 argument: 'ref' is missing"),
        (17, "- id: T2", "17: duplicate id T2 (first at line 8)"),
        (18, "  source: {ref: T7}", "18: A1: source refers to T7, which is not in the file"),
        (18, "  source: {ref: T1, start: 0}", "18: A1: source is either {ref: ID} or a span {start, end, text}, not both"),
        (18, "  source: {start: 0, end: 13, text: Orhan Qereman}", None),
        (21, "  type: quoted", "21: A1: attribution type 'quoted' must be one of direct, indirect, mixed"),
        (24, "- {id: R1, type: near, arg1: T1, arg2: E9}", "24: R1: arg2 refers to E9, which is not in the file"),
        (24, "- {id: R1, type: near, arg1: T1}", "24: R1: 'arg2' is missing"),
        (5, "  length: many", "5: document: length must be a whole number, not 'many'"),
        (1, "format: annotator/1\nextra: 1", "2: unknown top-level key 'extra'"),
    ],
)
def test_each_problem_with_its_line(line, replacement, expected):
    lines = GOOD.split("\n")
    lines[line - 1] = replacement
    got = found("\n".join(lines), schema=default_schema())
    if expected is None:
        assert got == []
    else:
        assert got[0].startswith(expected), got
        # an item that could not be read leaves the references to it dangling: said so, nothing else
        assert all("which is not in the file" in g for g in got[1:]), got


def test_every_problem_is_listed():
    text = GOOD.replace("start: 0, end: 13, text: Orhan Qereman", "start: 0, end: 13, text: Orhan").replace(
        "label: GPE", "label: CITY"
    ).replace("ref: T2}", "ref: T99}").replace("  type: direct", "  type: hearsay")
    got = found(text, schema=default_schema())
    assert [g.split(":")[0] for g in got] == ["7", "8", "21", "14"], got
    with pytest.raises(ValidationError) as info:
        store.read("f.yaml", text=text, article=DOC, schema=default_schema()).checked()
    assert len(info.value.problems) == 4
    assert info.value.message.startswith("f.yaml:7: T1: text 'Orhan' does not match") and "(and 3 more problems)" in info.value.message


def test_without_schema_labels_are_free_but_structure_is_checked():
    text = GOOD.replace("label: GPE", "label: CITY").replace("  type: direct", "  type: hearsay")
    assert found(text) == []


def test_sha_mismatch_is_fine_while_the_spans_match():
    changed = Document(ART, "a.txt", "0" * 64)
    r = store.read("f.yaml", text=GOOD, article=changed)
    aset, probs = r.aset, r.problems
    assert probs == [] and aset.document.sha256 == "0" * 64  # the article as it is now


def test_sha_mismatch_reports_each_moved_span():
    new_art = "Mr " + ART
    doc = Document(new_art, "a.txt", hashlib.sha256(new_art.encode()).hexdigest())
    r = store.read("f.yaml", text=GOOD, article=doc)
    aset, probs = r.aset, r.problems
    assert [p.line for p in probs] == [7, 8, 12, 19, 20]  # T1, T2, trigger, cue, content
    assert all("the article has changed since this file was saved" in p.message for p in probs)
    # the set is still returned, spans as the file has them, for re-anchoring
    assert aset is not None and aset.entities["T1"].span.fragments == ((0, 13),)


def test_without_an_article_offsets_are_not_checked_against_it():
    aset = store.read(text=GOOD).checked()
    assert aset.document.text == "" and aset.document.sha256 == SHA and len(aset) == 5


def test_crlf_and_fallback_keep_line_numbers():
    text = GOOD.replace("label: GPE", "label: CITY").replace("\n", "\r\n")
    assert found(text, schema=default_schema())[0].startswith("8: T2: label 'CITY'")
    # a block-style entity sends the file to PyYAML: lines still right
    block = GOOD.replace(
        "- {id: T2, label: GPE, start: 20, end: 27, text: HASAKEH, status: suggested, by: rules, score: 0.8}\n",
        "- id: T2\n  label: CITY\n  start: 20\n  end: 27\n  text: HASAKEH\n",
    )
    with pytest.raises(fast_reader.NotOurs):
        fast_reader.fast_parse(block.replace("- id: T2\n  label", "- id: T2\n  label: &a x\n  lab"))
    got = found(block, schema=default_schema())
    assert got and got[0].startswith("9: T2: label 'CITY'"), got
    anchored = block.replace("  text: HASAKEH\n", "  text: !!str HASAKEH\n")
    assert found(anchored, schema=default_schema())[0].startswith("9: T2: label 'CITY'")


def test_duplicate_keys_in_block_mappings():
    text = GOOD.replace("  by: alice\nattributions", "  by: alice\n  by: bob\nattributions")
    assert found(text) == ["16: key 'by' appears twice in one mapping (the last one would win)"]


def test_alias_bomb_is_refused_quickly():
    bomb = "format: annotator/1\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for k in range(1, 12):
        bomb += f"{chr(97 + k)}: &{chr(97 + k)} [" + ", ".join([f"*{chr(96 + k)}"] * 9) + "]\n"
    t0 = time.perf_counter()
    got = found(bomb)
    assert got == ["2: anchors (&a) are not used in annotator files"]
    assert time.perf_counter() - t0 < 5  # generous: the point is that it returns at all
    assert found("format: annotator/1\nx: *a\n")[0].startswith("2: ")


@pytest.mark.parametrize(
    "doc",
    [
        "[" * 100_000,
        "format: annotator/1\nx: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "format: annotator/1\nx: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
        "format: annotator/1\nx:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 3000)),
        "- " * 20_000 + "x\n",
    ],
)
def test_deep_nesting_is_a_problem_not_a_crash(doc):
    r = store.read("deep.yaml", text=doc)
    aset, probs = r.aset, r.problems
    assert aset is None and len(probs) == 1
    assert "nests too deeply" in probs[0].message or "broken YAML" in probs[0].message


def test_nonprintable_character_is_reported_with_its_line():
    text = GOOD.replace("by: alice}", "by: al\x00ice}")
    (msg,) = found(text)
    assert msg.startswith("7: character U+0000 is not allowed raw in YAML")


def test_surrogate_escapes_read_like_pyyaml():
    text = HEAD + 'entities:\n- {id: T1, label: "\\ud800", start: 0, end: 13, text: Orhan Qereman}\n'
    aset = store.read(text=text, article=DOC).checked()
    assert aset.entities["T1"].label == "\ud800"
    # the C parser refuses it; the fallback then asks the pure-Python one
    tree, problem = pyyaml_reader.slow_parse(text, "x")
    assert problem is None and tree.data["entities"][0]["label"] == "\ud800"


def test_validate_holds_files_to_the_pure_python_reference(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("is a?b ok")
    text = "format: annotator/1\ndocument: {path: a.txt}\nentities:\n- {id: T1, label: X, start: 3, end: 6, text: a?b}\n"
    yaml_path = tmp_path / "a.yaml"
    yaml_path.write_text(text)
    # libyaml (the app's fallback, for speed) reads it ...
    aset = store.read(yaml_path).checked()
    assert aset.entities["T1"].text == "a?b"
    # ... PyYAML's pure-Python safe loader, the reference, does not: validate says so
    (problem,) = store.validate_paths([yaml_path])
    assert problem.line == 4 and problem.message.startswith("broken YAML: expected ',' or '}', but got '?'")
