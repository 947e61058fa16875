"""The direct reader (files in the writer's layout straight to the model) against the general way.

The general way (fast reader or PyYAML, then the checker) is itself checked
against PyYAML in ``test_store``; here the direct reader must give the very same
set whenever it reads a file, decline whatever it cannot read exactly (hand
edits, damage, problems), and read the writer's own output of a valid set.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.model import AnnotationSet, Document, Entity, Span
from annotator.schema import default_schema
from annotator.store import reader
from annotator.store.direct_reader import Decline, direct_read
from annotator.store.validate import check

from .test_store import EDITS, MUTATION_CHARS, SETTINGS, annotation_sets, hand_edit, strict_equal


def general(text: str, article: str | None, sha: str | None, schema=None):
    """(set, problems) the general way: the fast reader (or PyYAML) and the checker."""
    tree, problem = reader.parse(text, "t")
    if tree is None:
        return None, [problem]
    doc = Document(article, None, sha) if article is not None else None
    checker, aset = check(tree, "t", doc, schema)
    return aset, checker.problems + checker.lost


def direct(text: str, article: str | None, sha: str | None, schema=None):
    try:
        return direct_read(text, "t", article, sha, schema)
    except Decline:
        return None


def same(a: AnnotationSet, b: AnnotationSet) -> bool:
    """Equal sets, attrs compared with their types (1 == 1.0 == True in Python) and order."""
    if not (a.same_annotations(b) and a.document == b.document):
        return False
    for ta, tb in ((a.entities, b.entities), (a.events, b.events), (a.attributions, b.attributions), (a.relations, b.relations)):
        if list(ta) != list(tb):
            return False
        for k, x in ta.items():
            y = tb[k]
            if not strict_equal(dict(x.attrs), dict(y.attrs)) or type(x.score) is not type(y.score):
                return False
    return True


def agrees(text: str, article: str | None, sha: str | None, schema=None) -> bool:
    """The direct reader gives the general set, or declines; True if it read the file."""
    got = direct(text, article, sha, schema)
    if got is None:
        return False
    ref, problems = general(text, article, sha, schema)
    assert not problems, f"the direct reader took a file with problems: {problems[0]}"
    assert ref is not None and same(got, ref)
    return True


def _lost_marked(aset: AnnotationSet) -> bool:
    return any("lost" in ann.attrs for ann in aset.all())


@SETTINGS
@given(annotation_sets())
def test_writer_output_is_read_directly_as_the_general_way_reads_it(aset):
    text = store.dumps(aset)
    doc = aset.document
    read_it = agrees(text, doc.text, doc.sha256)
    _ref, problems = general(text, doc.text, doc.sha256)
    if not problems and not _lost_marked(aset):
        assert read_it, "the writer's output of a valid set must take the direct path"
    agrees(text, None, None)  # without the article


@SETTINGS
@given(annotation_sets(), st.lists(st.sampled_from(EDITS), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_hand_edited_files_are_declined_or_read_the_same(aset, edits, rnd):
    edited = hand_edit(store.dumps(aset), rnd, edits)
    agrees(edited, aset.document.text, aset.document.sha256)


@SETTINGS
@given(annotation_sets(), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(MUTATION_CHARS + [""])),
                                   min_size=1, max_size=3))
def test_damaged_files_are_declined_or_read_the_same(aset, mutations):
    text = store.dumps(aset)
    for pos, ins in mutations:
        marks = [m.end() for m in re.finditer(r": |, |- |\{", text)] + [m.start() for m in re.finditer(r"\}", text)]
        pos = marks[pos // 2 % len(marks)] if pos % 2 and marks else pos % len(text)
        text = text[:pos] + ins + text[pos + (0 if ins else 1):]
    agrees(text, aset.document.text, aset.document.sha256)


@SETTINGS
@given(annotation_sets(), st.data())
def test_changed_article_is_left_to_the_general_way(aset, data):
    """A span that does not match the article (it changed) is a problem: declined."""
    assume(aset.entities)
    text = store.dumps(aset)
    art = aset.document.text
    cut = data.draw(st.integers(0, len(art) - 1))
    changed = art[:cut] + "\u2603" + art[cut:]
    agrees(text, changed, None)


def _bench_set(n_entities=2000, events=200, attributions=200, relations=30, seed=3):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from gen import make_annotations, make_article

    text = make_article(60_000, seed)
    return make_annotations(text, n_entities, seed, n_events=events, n_attributions=attributions, n_relations=relations)


def test_generated_corpus_with_every_layer_and_the_schema():
    aset = _bench_set()
    out = store.dumps(aset)
    schema = default_schema()
    assert agrees(out, aset.document.text, "ab" * 32, schema)
    got = direct(out, aset.document.text, "ab" * 32, schema)
    assert got.same_annotations(aset)
    assert len(got.events) == 200 and len(got.attributions) == 200 and len(got.relations) == 30


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("label: PER", "label: NOPE", 1),  # not in the schema
        lambda t: t.replace("id: T2,", "id: T1,", 1),  # duplicate id
        lambda t: t.replace("ref: T", "ref: X", 1),  # refers to nothing
        lambda t: t.replace("by: alice", "by: 12", 1),  # not a string
        lambda t: t.replace("status: suggested", "status: maybe", 1),
        lambda t: t.replace("score: 0.", "score: .nan #", 1),
        lambda t: t.replace("  type: direct\n", "  type: sarcastic\n", 1),
        lambda t: re.sub(r"(relations:\n- \{id: R\d+, type: )\w+", r"\1nope", t, count=1),
        lambda t: t.replace("attrs: {note: check}", "attrs: {note: check, note: again}", 1),
        lambda t: t.replace("attrs: {note: check}", "attrs: {lost: true}", 1),
        lambda t: t.replace("attrs: {note: check}", "attrs: {note: 2001-01-01}", 1),
        lambda t: t.replace("\n- id: E1\n", "\n- id: E1 # first\n", 1),
        lambda t: t.replace("  arguments: []\n", "  arguments:\n", 1),
        lambda t: t.rstrip("\n"),
        lambda t: t + "extra: 1\n",
    ],
)
def test_problems_and_odd_shapes_go_the_general_way(edit):
    aset = _bench_set(300, 40, 40, 10)
    schema = dataclasses.replace(default_schema(), relation_types=("located_in", "member_of"))
    out = store.dumps(aset)
    edited = edit(out)
    assert edited != out
    assert direct(edited, aset.document.text, None, schema) is None
    agrees(edited, aset.document.text, None, schema)


def test_store_read_gives_the_same_read_with_and_without_the_direct_reader(tmp_path, monkeypatch):
    """Through ``store.read`` (the article found through document.path, editing, a changed article)."""
    aset = _bench_set(400, 40, 40, 10)
    art = tmp_path / "texts" / "a.txt"
    art.parent.mkdir()
    art.write_text(aset.document.text, encoding="utf-8")
    from annotator.articles import read_article

    doc = read_article(art)
    y = tmp_path / "ann" / "a.yaml"
    s = store.new_set(doc, y)
    s.entities, s.events, s.attributions, s.relations = aset.entities, aset.events, aset.attributions, aset.relations
    store.save(s, y)

    from annotator.store import direct_reader as dr

    monkeypatch.setattr(dr, "COMPILE_COST", 0)  # the direct reader for every file, small ones too

    def reads():
        out = [store.read(y), store.read(y, schema=default_schema()), store.read(y, article=doc, editing=True)]
        changed = doc.text[:100] + "NEW " + doc.text[100:]
        out.append(store.read(y, article=changed, editing=True))
        out.append(store.read(y, article=Document(changed, str(art), "0" * 64)))
        return out

    fast = reads()
    assert fast[0].ok and fast[0].aset.same_annotations(aset)
    monkeypatch.setattr(reader, "_direct", lambda *a: None)
    slow = reads()
    for f, s_ in zip(fast, slow):
        assert [str(p) for p in f.problems] == [str(p) for p in s_.problems]
        assert f.notes == s_.notes
        assert (f.aset is None) == (s_.aset is None)
        if f.aset is not None:
            assert same(f.aset, s_.aset)
        assert (f.report is None) == (s_.report is None)


def test_article_cache_reads_an_article_once(tmp_path, monkeypatch):
    text = "Orhan Qereman said."
    art = tmp_path / "a.txt"
    art.write_text(text, encoding="utf-8")
    from annotator import articles

    doc = articles.read_article(art)
    for who in ("x", "y"):
        s = store.new_set(doc, tmp_path / who / "a.yaml")
        s.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by=who)
        store.save(s, tmp_path / who / "a.yaml")
    calls = []
    real = articles.read_article
    monkeypatch.setattr(articles, "read_article", lambda p: calls.append(p) or real(p))
    cache: dict = {}
    got = [store.read(tmp_path / who / "a.yaml", article_cache=cache).checked() for who in ("x", "y")]
    assert len(calls) == 1
    assert [g.entities["T1"].by for g in got] == ["x", "y"]
    assert got[0].document.text == text


def test_a_quoted_scalar_across_lines_is_left_to_the_general_way():
    """YAML folds a line break inside quotes into a space: never read it as a newline."""
    text = "ab\ncd and more\n"
    out = (
        "format: annotator/1\ndocument:\n  length: 15\nentities:\n"
        '- {id: T1, label: PER, start: 0, end: 5, text: "ab\ncd"}\n'
        "events: []\nattributions: []\nrelations: []\n"
    )
    assert direct(out, text, None) is None
    _ref, problems = general(out, text, None)
    assert problems and "does not match" in problems[0].message


def test_objects_made_a_column_at_a_time_equal_those_of_the_constructor():
    """``_maker`` sets the slots itself: the objects must be the class's own, equal to
    ``cls(...)``; a class it was not written for is made by calling it."""
    from annotator.model import NO_ATTRS, Argument, Attribution, Event, Ref, Relation
    from annotator.store import direct_reader as dr

    sp = [Span(((1, 3),), "ab"), Span(((0, 1), (4, 6)), "a cd")]
    want = [Entity("T1", "PER", sp[0]), Entity("T2", "ORG", sp[1], "suggested", "bob", 0.5, "rules", {"k": 1}, "LOC")]
    got = dr._make_entity(2, ["T1", "T2"], ["PER", "ORG"], sp, ["accepted", "suggested"], [None, "bob"], [None, 0.5],
                          [None, "rules"], [None, "LOC"], [NO_ATTRS, {"k": 1}])
    assert got == want and all(type(g) is Entity for g in got) and hash(got[0]) == hash(want[0])
    assert dr._make_span(2, [s.fragments for s in sp], [s.text for s in sp]) == sp
    assert dr._make_ref(1, ["T1"]) == [Ref("T1")]
    args = dr._make_argument(1, ["Agent"], ["T1"])
    assert args == [Argument("Agent", "T1")]
    assert dr._make_event(1, ["E1"], ["Life.Die"], [sp[0]], [tuple(args)], ["accepted"], ["a"], [None], [None],
                          [None], [NO_ATTRS]) == [Event("E1", "Life.Die", sp[0], tuple(args), by="a")]
    assert dr._make_attribution(1, ["A1"], [Ref("T1")], [sp[0]], [None], ["direct"], ["accepted"], [None], [None], [None],
                                [None], [NO_ATTRS]) == [Attribution("A1", Ref("T1"), sp[0], None, "direct")]
    assert dr._make_relation(1, ["R1"], ["r"], ["T1"], ["T2"], ["accepted"], [None], [None], [None],
                             [None], [NO_ATTRS]) == [Relation("R1", "r", "T1", "T2")]
    with pytest.raises(AttributeError):
        got[0].label = "X"  # still frozen

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int
        b: int = 0

        def __post_init__(self):
            if self.a < 0:
                raise ValueError(self.a)

    make = dr._maker(Checked, "a b")  # __post_init__: made by calling the class
    assert make(2, [1, 2], [3, 4]) == [Checked(1, 3), Checked(2, 4)]
    with pytest.raises(ValueError):
        make(1, [-1], [0])
    other = dr._maker(Span, "text fragments")  # not the fields' order: by name
    assert other(1, ["ab"], [((1, 3),)]) == [sp[0]]


def _both_ways(text: str, article: str | None, sha: str | None, schema=None):
    """The set (or None: declined) read a row at a time and a column at a time: the same."""
    from annotator.store import direct_reader as dr

    saved = dr.SMALL
    try:
        dr.SMALL = 10**9
        rows = direct(text, article, sha, schema)
        dr.SMALL = 0
        cols = direct(text, article, sha, schema)
    finally:
        dr.SMALL = saved
    assert (rows is None) == (cols is None)
    if rows is not None:
        assert same(rows, cols)
        for a, b in zip(rows.all(), cols.all()):
            assert type(a) is type(b) and all(type(getattr(a, f)) is type(getattr(b, f)) for f in a.__slots__)
    return rows


@SETTINGS
@given(annotation_sets(), st.lists(st.sampled_from(EDITS), max_size=3), st.randoms(use_true_random=False),
       st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(MUTATION_CHARS + [""])), max_size=2), st.booleans())
def test_small_sections_read_a_row_at_a_time_as_a_column_at_a_time(aset, edits, rnd, mutations, with_article):
    """A section of up to ``SMALL`` items is read row by row: the same sets, the same declines."""
    text = hand_edit(store.dumps(aset), rnd, edits) if edits else store.dumps(aset)
    for pos, ins in mutations:
        pos %= len(text)
        text = text[:pos] + ins + text[pos + (0 if ins else 1):]
    art = aset.document.text if with_article else None
    _both_ways(text, art, aset.document.sha256, None)
    _both_ways(text, art, aset.document.sha256, default_schema())


def test_the_bench_corpus_and_its_odd_shapes_read_the_same_by_rows_and_by_columns():
    aset = _bench_set(300, 40, 40, 10)
    schema = dataclasses.replace(default_schema(), relation_types=("located_in", "member_of"))
    out = store.dumps(aset)
    assert _both_ways(out, aset.document.text, None, schema) is not None
    assert _both_ways(out, None, None, None) is not None
    numbered = re.sub(r"\{role: (\w+),", r"{role: \g<1>2,", out)  # brat's Theme2: a role of Theme
    assert numbered != out and _both_ways(numbered, aset.document.text, None, schema) is not None
    for old, new in (("label: PER", "label: NOPE"), ("id: T2,", "id: T1,"), ("ref: T", "ref: X"), ("{role: ", "{role: Nope"),
                     ("by: alice", "by: 12"), ("status: suggested", "status: maybe"), ("score: 0.", "score: .nan #")):
        assert _both_ways(out.replace(old, new, 1), aset.document.text, None, schema) is None


def test_small_files_go_the_general_way_until_compiling_the_patterns_pays(tmp_path, monkeypatch):
    """Before its patterns are compiled, the direct reader takes a file only when it
    and the small files read the general way before it reach ``COMPILE_COST``
    characters; from then on it takes every file. The sets are the same either way."""
    from annotator.store import direct_reader as dr
    from annotator.store import direct_tokens as dt

    aset = _bench_set(30, 5, 5, 2)
    y = tmp_path / "a.yaml"
    s = store.new_set(aset.document, y)
    s.entities, s.events, s.attributions, s.relations = aset.entities, aset.events, aset.attributions, aset.relations
    text = store.dumps(s)
    monkeypatch.setattr(dt, "_HEADER", dt._LazyPattern("_HEADER", dt._HEADER.pattern))  # not compiled yet
    monkeypatch.setattr(dr, "_spared", 0)
    monkeypatch.setattr(dr, "COMPILE_COST", 2 * len(text) + 1)
    used = []
    real = reader.DirectFile
    monkeypatch.setattr(reader, "DirectFile", lambda *a: used.append(1) or real(*a))
    reads = [store.read(y, text=text, article=aset.document) for _ in range(4)]
    assert used == [1, 1]  # the first two the general way, the third compiles, the fourth too
    assert type(dt._HEADER) is not dt._LazyPattern
    assert all(same(r.checked(), reads[0].checked()) for r in reads)


def test_a_span_one_character_off_is_declined_by_rows_and_by_columns():
    """The column check (the text found at the start, as long as the span) declines
    what comparing the article's slice declines: an end one too far or one short,
    a start one off, in an entity, a trigger or an attribution's cue."""
    aset = _bench_set(300, 40, 40, 10)
    schema = dataclasses.replace(default_schema(), relation_types=("located_in", "member_of"))
    out = store.dumps(aset)
    art = aset.document.text
    assert _both_ways(out, art, None, schema) is not None
    spans = list(re.finditer(r"start: (\d+), end: (\d+), text: ", out))
    entity_at = out.index("\nentities:\n")
    trigger_at = out.index("\n  trigger: {", out.index("\nevents:\n"))
    cue_at = out.index("\n  cue: {")
    for where in (entity_at, trigger_at, cue_at):
        m = next(m for m in spans if m.start() > where)
        s, e = int(m[1]), int(m[2])
        for s2, e2 in ((s, e + 1), (s, e - 1), (s + 1, e), (s - 1, e)):
            if 0 <= s2 < e2 <= len(art):
                bad = out[: m.start()] + f"start: {s2}, end: {e2}, text: " + out[m.end():]
                assert _both_ways(bad, art, None, schema) is None, (where, s2, e2)


def test_quoted_tokens_in_a_column_read_as_the_general_way_reads_them():
    """A quoted token without an escape is taken as its body (ids, labels, texts,
    refs); an escape, an empty one (``""``: no id), and a quoted number or word
    (a string here) read as the general way reads them, by rows and by columns."""
    art = "".join(f"a, {i:03d} b\\c " for i in range(200))
    lines = []
    for i in range(200):
        s = art.index(f"a, {i:03d}")
        lines.append((f'"T{i}"' if i % 2 else f"T{i}", s, s + 6, f'"a, {i:03d}"'))
    head = f"format: annotator/1\ndocument:\n  length: {len(art)}\nentities:\n"
    tail = "events: []\nattributions: []\nrelations:\n"
    rels = "".join(f"- {{id: R{i}, type: rel, arg1: \"T{i}\", arg2: T{i + 1}}}\n" for i in range(0, 198, 2))

    def text_of(rows, extra=""):
        ents = "".join(f"- {{id: {eid}, label: \"PER\", start: {s}, end: {e}, text: {t}}}\n" for eid, s, e, t in rows)
        return head + ents + extra + tail + rels

    plain = text_of(lines)
    assert agrees(plain, art, None) and _both_ways(plain, art, None) is not None
    got = direct(plain, art, None)
    assert got.entities["T1"].span.text == "a, 001" and got.entities["T1"].label == "PER"
    s = art.index("001 b\\c")
    escaped = lines[:5] + [("T999", s, s + 7, '"001 b\\\\c"'), ("\"12\"", s, s + 3, '"001"')] + lines[5:]
    assert agrees(text_of(escaped), art, None) and _both_ways(text_of(escaped), art, None) is not None
    assert direct(text_of(escaped), art, None).entities["T999"].span.text == "001 b\\c"
    assert "12" in direct(text_of(escaped), art, None).entities
    for bad in ('""', '"T1"', "T1"):  # no id, and an id twice (quoted or not)
        assert _both_ways(text_of(lines[:5] + [(bad, s, s + 3, '"001"')] + lines[5:]), art, None) is None
    assert _both_ways(text_of(lines[:5] + [("T998", s, s + 3, '""')] + lines[5:]), art, None) is None  # text not the span's


_TOKEN_CHARS = st.sampled_from([*"aZ09 -:,#\"\\'{}[]?&*!|>%@`\t", "\u00e9", "\u4e2d", "\u00a0"])
#: a token: of letters and digits with now and then a space, a colon, a wide or a
#: Latin-1 character (most of them read as plain tokens), of any of these
#: characters, or quoted
_TOKENS = st.one_of(
    st.text(st.sampled_from([*"abXZ09.-" * 4, "\u00e9", "\u4e2d", "\x85", "\u2028", "\ufeff", " ", ":"]), min_size=1, max_size=8),
    st.text(_TOKEN_CHARS, min_size=1, max_size=8),
    st.text(_TOKEN_CHARS, max_size=6).map(lambda s: '"' + s + '"'),
)


def _with_wide(pattern: re.Pattern) -> re.Pattern:
    """The pattern as it was before its classes left out the wide characters."""
    from annotator.store import scalars

    return re.compile(pattern.pattern.replace(scalars._EXC_LATIN1, scalars._EXC), pattern.flags)


@settings(deadline=None)  # (its first example compiles the wide patterns: 60 ms, 1 s on a loaded machine)
@given(st.lists(_TOKENS, min_size=4, max_size=4))
def test_the_direct_patterns_match_as_with_the_wide_characters_on_the_text_they_take(tokens):
    """The direct reader's patterns leave the wide characters of ``scalars._EXC``
    out of their classes: on any text ``_FAST_BAD`` lets through (every text they
    run on), they match as the patterns with them do, group for group; and that
    check stops every text holding one of them."""
    from annotator.store import direct_tokens as dt, fast_reader, scalars

    i, lab, text, by = tokens
    lines = (
        f"- {{id: {i}, label: {lab}, start: 0, end: 3, text: {text}, by: {by}}}\n"
        f"- {{id: {i}, type: {lab}, arg1: {text}, arg2: {by}}}\n"
        f"- id: {i}\n  type: {lab}\n  trigger: {{start: 1, end: 2, text: {text}}}\n  arguments:\n  - {{role: {by}, ref: {i}}}\n"
        f"- id: {i}\n  source: {{ref: {lab}}}\n  cue: {{start: 1, end: 2, text: {text}}}\n  type: {by}\n"
    )
    wide = re.compile(f"[{scalars._EXC_WIDE}]")
    if wide.search(lines):
        assert fast_reader._FAST_BAD.search(lines)
        return
    for name in ("_ENTITY_LINE", "_RELATION_LINE", "_EVENT", "_ATTRIBUTION", "_ARGS"):
        pattern = getattr(dt, name)  # (compiled on first use)
        ours = re.compile(pattern.pattern, pattern.flags)
        before = _with_wide(ours)
        assert ours.pattern != before.pattern
        assert [(m.span(), m.groups()) for m in ours.finditer(lines)] == [(m.span(), m.groups()) for m in before.finditer(lines)], name


def test_a_file_with_a_wide_character_goes_the_general_way():
    """A line separator or a BOM inside a token: the direct reader declines the
    file (its patterns do not look for those), which the general reader reads."""
    from annotator.store.direct_bytes import DirectBytes

    aset = _bench_set(30, 5, 5, 2)
    text = store.dumps(aset)
    for c in ("\u2028", "\ufeff", "\x85"):
        bad = text.replace("by: ", f"by: x{c}", 1)
        assert bad != text
        with pytest.raises(Decline):
            direct_read(bad, "f", None, None, None)
        with pytest.raises(Decline):
            DirectBytes(bad.encode(), "f").build(None, None, None)


# -- suggested_label: a relabelled suggestion's original label ---------------------------


def _relabelled_set() -> AnnotationSet:
    from annotator.model import Attribution, Event, Ref

    text = "Orhan Qereman said HASAKEH fell."
    aset = AnnotationSet(Document(text, "../seeds/a.txt", None))
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by="alice")
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(text, 19, 26), by="alice", suggested_by="rules", suggested_label="ORG")
    aset.entities["T3"] = Entity("T3", "LOC", Span.of(text, 27, 31), status="suggested", by="rules", suggested_label="MISC")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, 27, 31), by="alice", suggested_by="rules",
                              suggested_label="Conflict.Attack")
    aset.attributions["A1"] = Attribution("A1", Ref("T1"), Span.of(text, 14, 18), Span.of(text, 19, 31), "indirect",
                                          by="alice", suggested_by="rules", suggested_label="direct")
    return aset


def test_suggested_label_is_written_after_suggested_by_and_read_back_by_every_reader(tmp_path):
    aset = _relabelled_set()
    text = store.dumps(aset)
    assert ("- {id: T2, label: GPE, start: 19, end: 26, text: HASAKEH, by: alice, suggested_by: rules, "
            "suggested_label: ORG}\n") in text
    assert "- {id: T3, label: LOC, start: 27, end: 31, text: fell, status: suggested, by: rules, suggested_label: MISC}\n" in text
    assert "  suggested_by: rules\n  suggested_label: Conflict.Attack\n" in text
    assert "  type: indirect\n  by: alice\n  suggested_by: rules\n  suggested_label: direct\n" in text
    assert "suggested_label" not in text.split("T1")[1].split("\n")[0]  # (not written where nothing changed)
    article = aset.document.text
    got = direct(text, article, None)
    assert got is not None, "the writer's output must take the direct path"
    assert same(got, aset) and got.entities["T2"].suggested_label == "ORG"
    assert _both_ways(text, article, None) is not None
    ref, problems = general(text, article, None)
    assert not problems and same(ref, aset)
    from annotator.store.pyyaml_reader import slow_parse

    tree, _problem = slow_parse(text, "t", True)
    checker, by_pyyaml = check(tree, "t", article, None)  # PyYAML's way
    assert not checker.problems and by_pyyaml.same_annotations(aset)
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    assert store.read(path, article=article).checked().same_annotations(aset)
    assert store.dumps(got) == text
    from annotator.store.many import _pack, _unpack  # (read in a worker process: sent back as tuples)

    assert same(_unpack(_pack(got)), aset)


def test_a_file_without_suggested_label_reads_as_before():
    aset = _relabelled_set()
    for table in (aset.entities, aset.events, aset.attributions):
        for k, ann in table.items():
            table[k] = dataclasses.replace(ann, suggested_label=None)
    text = store.dumps(aset)
    assert "suggested_label" not in text
    got = direct(text, aset.document.text, None)
    assert got is not None and same(got, aset)
    assert all(ann.suggested_label is None for ann in got.all())


@pytest.mark.parametrize("value", ['""', "1", "[ORG]"])
def test_a_bad_suggested_label_is_a_problem(value):
    text = store.dumps(_relabelled_set()).replace("suggested_label: ORG", f"suggested_label: {value}")
    assert direct(text, _relabelled_set().document.text, None) is None
    _aset, problems = general(text, _relabelled_set().document.text, None)
    assert any("T2: suggested_label must be a non-empty string" in p.message for p in problems)
