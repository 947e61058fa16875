"""The YAML store: round trips, determinism, and the fast reader agreeing with PyYAML."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.store import fast_reader, pyyaml_reader, scalars
from annotator.articles import read_article
from annotator.model import (
    REJECTED,
    STATUSES,
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

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ------------------------------------------------------------------

TRICKY = [
    "yes", "No", "ON", "off", "null", "Null", "~", "", " ", "  x", "x  ", "a: b", "a:b", "a:", ":a", "- x", "-x", "-",
    "-1", "+1", "#x", "a #b", "a# b", "?x", "a?b", "x?", "[x]", "{x}", "a,b", ",", "'q'", '"q"', "a'b", 'a"b', "&a", "*a",
    "!t", "|", ">", "%x", "@x", "`x", "1", "0", "010", "0x1f", "0o17", "0b11", "1_000", "1:20", "1.5", "1e5", "1.0e+5",
    ".5", ".inf", "-.inf", ".NaN", "2020-01-01", "2001-12-14t21:59:43.10-05:00", "=", "<<", "\t", "a\tb", "x\t", "\n",
    "a\nb", "\r\n", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\ufeffx", "\x00", "\x07", "\x1b", "\x7f", "\x9f", "\ufffe",
    "\uffff", "e\u0301", "\u0301x", "🙂", "👩‍👩‍👧", "مرحبا بالعالم", "中文字", "\xa0x\xa0", "\u3000", "::", "a::b",
    "a :b", "x  y", "...", "---", "--- x", "T1", "\\", "\\n", "y", "N", "n", "Y", "true", "FALSE", "spacy:en_core_web_sm",
    "Washington, D.C.", "say \"hi\"", "a\\b", "{a: b}", "[1, 2]", "x # y", "%", "a%", "@", "`", "a b c",
]

NON_SURROGATE = st.characters(exclude_categories=("Cs",))
ANY_CHAR = st.characters(exclude_categories=())
SPECIAL_CHARS = st.sampled_from(list(":#,[]{}\"'\\-?&*!|>%@` \t\r\n\x85\u2028\u2029\xa0\ufeff\x00\x7f\u0301🙂مح中"))

strings = st.one_of(st.sampled_from(TRICKY), st.text(max_size=10), st.text(ANY_CHAR, max_size=6))
nonempty = strings.filter(bool)
article_text = st.lists(
    st.one_of(SPECIAL_CHARS, NON_SURROGATE, st.sampled_from(["a", "b", "c", " ", "de", "\r\n", "\t"])), min_size=1, max_size=40
).map("".join)

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), strings
)
attr_values = st.recursive(
    json_leaf, lambda c: st.lists(c, max_size=3) | st.dictionaries(strings, c, max_size=3), max_leaves=6
)
attrs_st = st.one_of(st.just({}), st.dictionaries(strings, attr_values, max_size=3))


@st.composite
def spans(draw, text: str) -> Span:
    n = len(text)
    if n >= 5 and draw(st.integers(0, 4)) == 0:
        cuts = sorted(draw(st.sets(st.integers(0, n), min_size=4, max_size=6)))
        pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        return Span.from_fragments(text, pairs)
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start + 1, n))
    return Span.of(text, start, end)


@st.composite
def common(draw) -> dict:
    return {
        "status": draw(st.sampled_from(STATUSES)),
        "by": draw(st.none() | strings),
        "score": draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
        "suggested_by": draw(st.none() | strings),
        "attrs": draw(attrs_st),
        # (a relabelled suggestion's original label; None on most)
        "suggested_label": draw(st.none() | st.none() | nonempty),
    }


def make_id(draw, prefix: str, k: int) -> str:
    if draw(st.integers(0, 5)) == 0:
        return f"{draw(strings)}/{prefix}{k}"  # odd but unique
    return f"{prefix}{k}"


@st.composite
def annotation_sets(draw) -> AnnotationSet:
    text = draw(article_text)
    path = draw(st.none() | st.sampled_from(["../seeds/a.txt", "x y/é.txt", "yes", "a: b.txt", "-x"]))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    aset = AnnotationSet(Document(text, path, sha))
    ids: list[str] = []
    for k in range(1, draw(st.integers(0, 6)) + 1):
        eid = make_id(draw, "T", k)
        aset.entities[eid] = Entity(eid, draw(nonempty), draw(spans(text)), **draw(common()))
        ids.append(eid)
    for k in range(1, draw(st.integers(0, 3)) + 1):
        eid = make_id(draw, "E", k)
        args = tuple(
            Argument(draw(nonempty), draw(st.sampled_from(ids))) for _ in range(draw(st.integers(0, 3)) if ids else 0)
        )
        aset.events[eid] = Event(eid, draw(nonempty), draw(spans(text)), args, **draw(common()))
        ids.append(eid)
    for k in range(1, draw(st.integers(0, 3)) + 1):
        aid = make_id(draw, "A", k)
        choice = draw(st.integers(0, 2))
        source = Ref(draw(st.sampled_from(ids))) if choice == 0 and ids else draw(spans(text)) if choice == 1 else None
        aset.attributions[aid] = Attribution(
            aid,
            source,
            draw(st.none() | spans(text)),
            draw(st.none() | spans(text)),
            draw(st.none() | nonempty),
            **draw(common()),
        )
        ids.append(aid)
    if ids:
        for k in range(1, draw(st.integers(0, 2)) + 1):
            rid = make_id(draw, "R", k)
            aset.relations[rid] = Relation(
                rid, draw(nonempty), draw(st.sampled_from(ids)), draw(st.sampled_from(ids)), **draw(common())
            )
    return aset


def strict_equal(a, b) -> bool:
    """Equality that also compares types (1 == 1.0 == True in Python) and dict order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            strict_equal(ka, kb) and strict_equal(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items())
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)
    return a == b


def has_surrogates(s: str) -> bool:
    return bool(re.search("[\ud800-\udfff]", s)) or bool(re.search(r"\\ud[89a-f]", s))


def reference(text: str):
    """What PyYAML's safe loader reads (or the exception class it raises)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return exc
    except ValueError as exc:  # e.g. a timestamp with day 31 of February
        return exc


# -- scalars ---------------------------------------------------------------------


@SETTINGS
@given(st.one_of(st.sampled_from(TRICKY), st.text(ANY_CHAR), st.text(SPECIAL_CHARS)))
def test_scalar_reads_back_as_the_same_string(s):
    q = scalars.scalar(s)
    assert "\n" not in q and "\r" not in q
    docs = {
        f"k: {q}\n": lambda d: d["k"],
        f"- {{k: {q}, z: 1}}\n": lambda d: d[0]["k"],
        f"[{q}, 1]\n": lambda d: d[0],
    }
    for doc, pick in docs.items():
        data = yaml.safe_load(doc)
        value = pick(data)
        assert value == s and type(value) is str
        if not has_surrogates(q) and not has_surrogates(s):
            c = yaml.load(doc, Loader=yaml.CSafeLoader)
            assert c == data
    assert strict_equal(fast_reader.fast_parse(f"k: {q}\n").data, {"k": s})


def test_plain_only_when_safe():
    assert scalars.scalar("Orhan Qereman") == "Orhan Qereman"
    assert scalars.scalar("spacy:en_core_web_sm") == "spacy:en_core_web_sm"
    assert scalars.scalar("Conflict.Capture") == "Conflict.Capture"
    for s, q in [
        ("yes", '"yes"'), ("", '""'), ("1.5", '"1.5"'), ("a: b", '"a: b"'), ("x #y", '"x #y"'),
        ("a\nb", '"a\\nb"'), ("tab\t", '"tab\\t"'), ("\x85", '"\\x85"'), ("\u2028", '"\\u2028"'),
        ("\ufeff", '"\\ufeff"'), ("\ud800", '"\\ud800"'), ('"hi"', '"\\"hi\\""'), ("- x", '"- x"'),
        ("1e5", '"1e5"'),  # a string to YAML 1.1, a float to YAML 1.2: quoted for both
    ]:
        assert scalars.scalar(s) == q, s


@SETTINGS
@given(st.floats(allow_nan=False))
def test_floats_read_back(x):
    assert yaml.safe_load(f"k: {scalars.number(x)}")["k"] == x


# -- round trips -----------------------------------------------------------------


@SETTINGS
@given(annotation_sets())
def test_round_trip(aset):
    text = store.dumps(aset)
    loaded = store.read("t.yaml", text=text, article=aset.document).checked()
    assert loaded.same_annotations(aset)
    assert loaded.document.path == aset.document.path
    assert loaded.document.sha256 == aset.document.sha256
    assert loaded.document.text == aset.document.text
    # deterministic: dumping what was read gives the same bytes
    assert store.dumps(loaded) == text


@SETTINGS
@given(annotation_sets(), st.randoms(use_true_random=False))
def test_output_does_not_depend_on_insertion_order(aset, rnd):
    shuffled = aset.copy()
    for name in ("entities", "events", "attributions", "relations"):
        items = list(getattr(aset, name).items())
        rnd.shuffle(items)
        setattr(shuffled, name, dict(items))
    scalars.QUOTE_CACHE.clear()
    assert store.dumps(shuffled) == store.dumps(aset)


@SETTINGS
@given(annotation_sets())
def test_fast_reader_equals_pyyaml_on_our_output(aset):
    text = store.dumps(aset)
    fast = fast_reader.fast_parse(text).data  # our own files never need the fallback
    assert strict_equal(fast, yaml.safe_load(text))
    slow, problem = pyyaml_reader.slow_parse(text, "t")
    assert problem is None and strict_equal(slow.data, fast)
    if not has_surrogates(text):
        assert strict_equal(yaml.load(text, Loader=yaml.CSafeLoader), fast)


def test_round_trip_through_files(tmp_path):
    article = tmp_path / "seeds" / "a.txt"
    article.parent.mkdir()
    article.write_bytes("Orhan Qereman said:\r\n\"HASAKEH\" fell, 2020.".encode())
    ann_dir = tmp_path / "annotations"
    aset = store.read(store.annotation_path(article, ann_dir), article=read_article(article), editing=True).checked()
    assert len(aset) == 0 and aset.document.path == "../seeds/a.txt"
    text = aset.document.text
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by="alice")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(text, 21, 30), status=SUGGESTED, by="rules", score=0.8)
    aset.entities["T3"] = Entity("T3", "DATE", Span.of(text, 37, 41), status=REJECTED, by="bob", suggested_by="rules")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, 31, 35), (Argument("Place", "T2"),), by="alice")
    aset.attributions["A1"] = Attribution("A1", Ref("T1"), Span.of(text, 14, 18), Span.of(text, 21, 41), "direct", by="a")
    yaml_path = store.annotation_path(article, ann_dir)
    assert yaml_path == ann_dir / "a.yaml"
    store.save(aset, yaml_path)
    again = store.read(store.annotation_path(article, ann_dir), article=read_article(article), editing=True).checked()
    assert again.same_annotations(aset)
    assert store.read(yaml_path).checked().same_annotations(aset)
    written = yaml_path.read_text(encoding="utf-8")
    assert written.startswith("format: annotator/1\ndocument:\n  path: ../seeds/a.txt\n  sha256: ")
    assert '- {id: T2, label: GPE, start: 21, end: 30, text: "\\"HASAKEH\\"", status: suggested, by: rules, score: 0.8}\n' in written
    assert "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, by: alice}\n" in written
    assert "relations: []\n" in written


def test_spec_example_shape():
    text = "Orhan Qereman said."
    aset = AnnotationSet(Document(text, "../a.txt", "ab" * 32))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by="alice")
    aset.entities["T2"] = Entity("T2", "MISC", Span.from_fragments(text, [(0, 5), (14, 18)]), attrs={"note": "x"})
    aset.events["E1"] = Event("E1", "Life.Die", Span.of(text, 14, 18), (Argument("Victim", "T1"),), by="alice")
    aset.attributions["A1"] = Attribution("A1", Ref("T1"), Span.of(text, 14, 18), None, by="alice")
    aset.relations["R1"] = Relation("R1", "same", "T1", "T2")
    assert store.dumps(aset) == (
        "format: annotator/1\n"
        "document:\n"
        "  path: ../a.txt\n"
        f"  sha256: {'ab' * 32}\n"
        "  length: 19\n"
        "entities:\n"
        "- {id: T1, label: PER, start: 0, end: 13, text: Orhan Qereman, by: alice}\n"
        "- {id: T2, label: MISC, fragments: [[0, 5], [14, 18]], text: Orhan said, attrs: {note: x}}\n"
        "events:\n"
        "- id: E1\n"
        "  type: Life.Die\n"
        "  trigger: {start: 14, end: 18, text: said}\n"
        "  arguments:\n"
        "  - {role: Victim, ref: T1}\n"
        "  by: alice\n"
        "attributions:\n"
        "- id: A1\n"
        "  source: {ref: T1}\n"
        "  cue: {start: 14, end: 18, text: said}\n"
        "  by: alice\n"
        "relations:\n"
        "- {id: R1, type: same, arg1: T1, arg2: T2}\n"
    )


def test_empty_set_shape():
    assert store.dumps(AnnotationSet(Document("abc"))) == (
        "format: annotator/1\ndocument:\n  length: 3\nentities: []\nevents: []\nattributions: []\nrelations: []\n"
    )


def test_sorted_by_position_then_id_number():
    text = "abcdefghij"
    aset = AnnotationSet(Document(text))
    for eid, (s, e) in {"T10": (2, 4), "T9": (2, 4), "T2": (0, 3), "T1": (5, 6), "T3": (2, 3)}.items():
        aset.entities[eid] = Entity(eid, "X", Span.of(text, s, e))
    order = re.findall(r"id: (T\d+)", store.dumps(aset))
    assert order == ["T2", "T3", "T9", "T10", "T1"]


def test_long_attribute_keys_stay_readable():
    text = "abc"
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "X", Span.of(text, 0, 1), attrs={"k" * 2000: 1, "b": 2})
    out = store.dumps(aset)
    assert yaml.safe_load(out)["entities"][0]["attrs"] == {"k" * 2000: 1, "b": 2}
    assert store.read(text=out, article=text).checked().same_annotations(aset)


def test_big_generated_set_round_trips():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from gen import make_annotations, make_article

    text = make_article(60_000, 7)
    aset = make_annotations(text, 3000, 7, n_events=300, n_attributions=300, n_relations=50)
    out = store.dumps(aset)
    assert strict_equal(fast_reader.fast_parse(out).data, yaml.load(out, Loader=yaml.CSafeLoader))
    assert store.read(text=out, article=text).checked().same_annotations(aset)


# -- hand-edited files: the fast reader is exact or steps aside ---------------------


def check_fast_agrees(text: str) -> bool:
    """The fast reader reads ``text`` as PyYAML does, or declines. True if it read it.

    The fallback too (strict: the reference parser alone), unless it refuses
    (anchors, tags, ...).
    """
    ref = reference(text)
    slow, problem = pyyaml_reader.slow_parse(text, "t", strict=True)
    if slow is not None:
        assert not isinstance(ref, Exception), f"fallback accepted what PyYAML rejects: {ref}"
        assert strict_equal(slow.data, ref)
    elif not isinstance(ref, Exception):
        assert re.search(r"anchors|aliases|tag|merge|must be quoted|nests too deeply", problem.message), problem
    try:
        fast = fast_reader.fast_parse(text).data
    except fast_reader.NotOurs:
        return False
    assert not isinstance(ref, Exception), f"fast reader accepted what PyYAML rejects: {ref}"
    assert strict_equal(fast, ref)
    return True


def reorder_line(line: str, rnd: random.Random, style: str) -> str:
    """Rewrite a ``- {..}`` line with its keys shuffled and scalars in another style."""
    d = yaml.safe_load(line.lstrip()[2:])

    def emit(v):
        if isinstance(v, str):
            if style == "single" and re.fullmatch("[^\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*", v):
                return "'" + v.replace("'", "''") + "'"
            if style == "json" and not re.search("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]", v):
                return json.dumps(v, ensure_ascii=False)  # (with \\u escapes a pair reads as two surrogates)
            return scalars.scalar(v)
        if isinstance(v, dict):
            return "{" + ", ".join(f"{emit(k)}: {emit(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(emit(x) for x in v) + "]"
        return scalars.flow(v)

    items = list(d.items())
    rnd.shuffle(items)
    sep = rnd.choice([", ", " , ", ",  ", ","])
    colon = rnd.choice([": ", ":  "])
    return line[: len(line) - len(line.lstrip())] + "- {" + sep.join(f"{emit(k)}{colon}{emit(v)}" for k, v in items) + "}"


EDITS = ["comment", "blank", "trailing_comment", "crlf", "trailing_space", "indent_seq", "reorder", "single", "json"]


def hand_edit(text: str, rnd: random.Random, edits: list[str]) -> str:
    lines = text.split("\n")[:-1]
    for edit in edits:
        if edit == "comment":
            i = rnd.randrange(len(lines) + 1)
            lines.insert(i, " " * rnd.randrange(4) + "# a note: {x}")
        elif edit == "blank":
            lines.insert(rnd.randrange(len(lines) + 1), " " * rnd.randrange(3))
        elif edit == "trailing_comment":
            i = rnd.randrange(len(lines))
            if not lines[i].lstrip().startswith("#"):
                lines[i] += "  # checked"
        elif edit == "trailing_space":
            i = rnd.randrange(len(lines))
            lines[i] += "   "
        elif edit == "indent_seq":
            out, inside = [], False
            for ln in lines:
                if ln[:1] not in (" ", "-", "#", ""):
                    inside = ln.rstrip().endswith(":") or ln.rstrip().endswith("# checked")
                    out.append(ln)
                else:
                    out.append(("  " + ln) if inside and ln.strip() else ln)
            lines = out
        elif edit in ("reorder", "single", "json"):
            for i, ln in enumerate(lines):
                if ln.lstrip().startswith("- {") and ln.rstrip().endswith("}") and rnd.random() < 0.5:
                    lines[i] = reorder_line(ln.rstrip(), rnd, edit)
    joined = "\n".join(lines) + "\n"
    if "crlf" in edits:
        joined = joined.replace("\n", "\r\n")
    return joined


@SETTINGS
@given(annotation_sets(), st.lists(st.sampled_from(EDITS), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_hand_edited_files_read_as_pyyaml_reads_them(aset, edits, rnd):
    edited = hand_edit(store.dumps(aset), rnd, edits)
    check_fast_agrees(edited)
    ref = reference(edited)
    assume(not isinstance(ref, Exception))
    # and the annotations are the same whichever reader is used
    r = store.read("e.yaml", text=edited, article=aset.document)
    got, probs = r.aset, r.problems
    assert not probs, probs
    assert got.same_annotations(aset)


def test_common_hand_edits_keep_the_fast_path():
    text = "Orhan Qereman said: HASAKEH fell."
    aset = AnnotationSet(Document(text, "../a.txt", "ab" * 32))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by="alice")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(text, 20, 27), status=SUGGESTED, by="rules", score=0.5)
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, 28, 32), (Argument("Place", "T2"),))
    out = store.dumps(aset)
    rnd = random.Random(1)
    for edits in (["comment", "blank", "trailing_comment"], ["crlf"], ["indent_seq"], ["reorder"], ["single"],
                  ["json"], ["trailing_space"]):
        edited = hand_edit(out, rnd, edits)
        assert check_fast_agrees(edited), edits


MUTATION_CHARS = list(":#,[]{}\"'\\-?&*!|>%@` \t\n\r0a\x85\ufeff\u2028") + ["\\u", "\\x4", "- ", ": ", " #", "  ", "\n  "]


@SETTINGS
@given(annotation_sets(), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(MUTATION_CHARS + [""])),
                                   min_size=1, max_size=3))
def test_mutated_files_read_as_pyyaml_reads_them(aset, mutations):
    """Random damage anywhere: the fast reader must never disagree with PyYAML."""
    text = store.dumps(aset)
    for pos, ins in mutations:
        # half of the time, aim at a token boundary (after ": ", ", ", "- ", "{", before "}")
        marks = [m.end() for m in re.finditer(r": |, |- |\{", text)] + [m.start() for m in re.finditer(r"\}", text)]
        pos = marks[pos // 2 % len(marks)] if pos % 2 and marks else pos % len(text)
        text = text[:pos] + ins + text[pos + (0 if ins else 1):]
    check_fast_agrees(text)
    # and checking never crashes
    r = store.read("m.yaml", text=text, article=aset.document)
    got, probs = r.aset, r.problems
    assert got is not None or probs


@pytest.mark.parametrize(
    "doc",
    [
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 010, end: 0x10, text: abc}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: yes, start: 1, end: 2, text: ~}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: a: b}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: a #b}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: 'it''s'}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: \"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\/\"}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: \"\\q\"}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X, start: 1, end: 2, text: 2020-01-01}\n",
        "format: annotator/1\nentities:\n- {id: T1, id: T2, label: X, start: 1, end: 2, text: a}\n",
        "format: annotator/1\nentities:\n  - {id: T1, label: X, start: 1, end: 2, text: a}\n  - {id: T2}\n",
        "format: annotator/1\nentities:\n- {id: T1, label: X,\n   start: 1, end: 2, text: a}\n",
        "format: annotator/1\nentities: [{id: T1}, {id: T2}]\nevents:\n",
        "format: annotator/1\nevents:\n- id: E1\n  arguments:\n  - {role: A, ref: T1}\n  - role: B\n    ref: T2\n",
        "format: annotator/1\nevents:\n-   id: E1\n    type: X\n",
        "format: annotator/1\ndocument: {path: a.txt, length: 3}\n",
        "format: annotator/1\ndocument:\n  path: a\n   b\n",
        "format: annotator/1\nformat: annotator/2\n",
        "format: annotator/1 # the format\n",
        "format: 'annotator/1'\n",
        "---\nformat: annotator/1\n",
        "format: annotator/1\n...\n",
        "format: &a annotator/1\nx: *a\n",
        "format: !!str annotator/1\n",
        "format: |\n  annotator/1\n",
        "\tformat: annotator/1\n",
        "format:\tannotator/1\n",
        "format: annotator/1\r\n",
        "\ufeffformat: annotator/1\n",
        "format: annotator/1\n\ufeffx: 1\n",
        "format: annotator/1\rx: 1\n",
        "on: off\ny: n\nnull: ~\n",
        "a: [1, 2, ]\n",
        "a: {b: }\n",
        "a: {? b: c}\n",
        "a: {b: c}x\n",
        "a: -\n",
        "a:\n-\n  b\n",
        "- a\n- b\n",
        "a\n",
        "",
        "# only a comment\n",
        "a: b:c\nd: [e:f]\n",
        "a: 1:20\nb: 1_000\nc: .5\nd: 1e5\ne: -.inf\n",
        "a: \"\\ud83d\\ude00\"\n",
        "a: b\n  c: d\n",
        "a:\n  b: 1\n c: 2\n",
        "a:b\n",
        "a: " + "9" * 5000 + "\n",
        "entities:\n- {id: T1, label: X, start: " + "9" * 5000 + ", end: 2, text: a}\n",
        "a: <<\nb: =\n",
        "x:\n  a:b\n",
        "x: y\nz:w\n",
        "entities:\n- {id: T1, label:  X, start: 1, end: 2, text: a}\n",
        "entities:\n- {id: T1, label: -X, start: 1, end: 2, text: a}\n",
        "entities:\n- {id: T1, label: - X, start: 1, end: 2, text: a}\n",
        "entities:\n- {id: T1, label: X , start: 1, end: 2, text: a }\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: *a}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: &a x}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: !x}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a\tb}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a?b}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a:,b}\n",
        "entities:\n- {id: T1, label: X, start: +1, end: 2_0, text: a}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a, by: no, score: 1e5}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a, score: .5, status: null}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: \"a\" b}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: \"a, by: b\"}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: \"a\\\"}\n",
        "entities:\n- {id: T1,label: X, start: 1, end: 2, text: a}\n",
        "entities:\n-   {id: T1, label: X, start: 1, end: 2, text: a}\n",
        "entities:\n-\t{id: T1, label: X, start: 1, end: 2, text: a}\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a} #c\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a}#c\n",
        "entities:\n- {id: T1, label: X, start: 1, end: 2, text: a} x\n",
    ],
)
def test_fast_reader_hand_written_cases(doc):
    check_fast_agrees(doc)
