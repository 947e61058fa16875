"""spaCy DocBin, Prodigy/spaCy JSONL, CoNLL, doccano, Label Studio: read by the
real tools, round trips of what each format carries, one-line "left out"
reports, and the command line."""

from __future__ import annotations

import builtins
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.formats import conll, doccano, get, jsonl, labelstudio, spacy_docbin
from annotator.formats.common import Report, Utf16, export_tokens, is_spaced, non_overlapping, tokenize
from annotator.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Relation,
    Span,
)

LABELS = ["PER", "ORG", "GPE", "DATE"]
TEXT_CHARS = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc")),
    st.sampled_from(list(" \n\t\u00a0\u00e9\u4e2d\U0001f600\U0001f44d\U0001f3fd\U00010348")),
)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def entity_sets(draw, statuses=(ACCEPTED,), relations=False, scores=False) -> AnnotationSet:
    text = draw(st.text(TEXT_CHARS, min_size=1, max_size=50).filter(lambda t: t.strip()))
    aset = AnnotationSet(Document(text))
    n = len(text)
    for i in range(1, draw(st.integers(0, 6)) + 1):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, n))
        status = draw(st.sampled_from(statuses))
        by = draw(st.sampled_from([None, "rules", "spacy:en"])) if status == SUGGESTED else None
        score = draw(st.one_of(st.none(), st.floats(0, 1))) if status == SUGGESTED and scores else None
        label = draw(st.sampled_from(LABELS))
        if any((e.label, e.start, e.end) == (label, a, b) for e in aset.entities.values()):
            continue  # one entity per label and span
        aset.entities[f"T{i}"] = Entity(f"T{i}", label, Span.of(text, a, b), status=status, by=by, score=score)
    ents = list(aset.entities)
    if relations and len(ents) >= 2:
        for i in range(1, draw(st.integers(0, 3)) + 1):
            a, b = draw(st.sampled_from(ents)), draw(st.sampled_from(ents))
            st_a = aset.entities[a].status
            if aset.entities[b].status == st_a:
                aset.relations[f"R{i}"] = Relation(f"R{i}", draw(st.sampled_from(["Located", "Works.For"])), a, b, status=st_a)
    return aset


def ents_of(aset: AnnotationSet, with_status=False) -> set:
    return {(e.label, e.start, e.end) + ((e.status,) if with_status else ()) for e in aset.entities.values()}


def rels_of(aset: AnnotationSet) -> set:
    def key(i):
        e = aset.entities[i]
        return (e.label, e.start, e.end)

    return {(r.type, key(r.arg1), key(r.arg2), r.status) for r in aset.relations.values()}


def rels_of_one(aset: AnnotationSet, rel_id: str) -> tuple:
    r = aset.relations[rel_id]
    key = lambda i: (aset.entities[i].label, aset.entities[i].start, aset.entities[i].end)  # noqa: E731
    return (r.type, key(r.arg1), key(r.arg2), r.status)


def export_import(mod, aset, tmp_path, status="all", name="doc.out", **kw):
    out = tmp_path / name
    report = Report(mod.__name__.rsplit(".", 1)[-1])
    mod.write([("doc", aset)], out, report, status, **kw)
    back = list(mod.read(out, Report("read")))
    return back, report, out


# -- tokens and offsets ----------------------------------------------------------------


@SETTINGS
@given(entity_sets())
def test_tokens_cover_the_text_and_every_span_boundary(aset):
    text = aset.document.text
    starts = {e.start for e in aset.entities.values()}
    ends = {e.end for e in aset.entities.values()}
    toks = tokenize(text, starts, ends)
    assert "".join(text[t.start : t.end] + (" " if t.ws else "") for t in toks) == text
    tok_starts = {t.start for t in toks}
    tok_ends = {t.end for t in toks}
    assert starts <= tok_starts and ends <= tok_ends


#: pieces of scripts whose words carry combining marks, joiners and emoji sequences
MARKED_PIECES = st.sampled_from(
    list("ab\u0915\u0930\u093e\u094d\u0947\u0645\u064f\u0651\u0301\u20e3\ufe0f\u200c\u200d .,!'-")
    + ["\U0001f1e8", "\U0001f1ed", "\U0001f468", "\U0001f3fd", "\U000e0067", "\U000e007f", "\U000110b1", "\n", "1"]
)


def _is_mark(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch)[0] == "M"


@SETTINGS
@given(st.lists(st.one_of(MARKED_PIECES, TEXT_CHARS), max_size=60).map("".join))
def test_no_token_starts_on_a_combining_mark(text):
    """A mark belongs to the character before it: a token starts on one only at
    the start of the text or after whitespace (a mark with no base)."""
    toks = tokenize(text)
    assert "".join(text[t.start : t.end] + (" " if t.ws else "") for t in toks) == text
    for t in toks:
        assert t.start < t.end
        if 0 < t.start < len(text) and _is_mark(text[t.start]):
            assert text[t.start - 1].isspace(), (text, t)


@pytest.mark.parametrize(
    "text,words",
    [
        ("\u0928\u0930\u0947\u0928\u094d\u0926\u094d\u0930 \u092e\u094b\u0926\u0940 \u0928\u0947", ["\u0928\u0930\u0947\u0928\u094d\u0926\u094d\u0930", "\u092e\u094b\u0926\u0940", "\u0928\u0947"]),
        ("\u0642\u0627\u0644 \u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f.", ["\u0642\u0627\u0644", "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", "."]),
        ("Rene\u0301 said", ["Rene\u0301", "said"]),
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", ["\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"]),  # ZWNJ inside a Persian word
        ("Swiss \U0001f1e8\U0001f1ed\U0001f1e9\U0001f1ea!", ["Swiss", "\U0001f1e8\U0001f1ed", "\U0001f1e9\U0001f1ea", "!"]),
        ("\U0001f1e8\U0001f1e8\u093e x", ["\U0001f1e8\U0001f1e8\u093e", "x"]),  # a mark after a flag is the flag's (hypothesis found it)
        ("a \U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f44d\U0001f3fd \u2764\ufe0f 1\ufe0f\u20e3", ["a", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "1\ufe0f\u20e3"]),
    ],
)
def test_words_keep_their_marks_and_emoji_sequences_stay_whole(text, words):
    toks = tokenize(text)
    assert [text[t.start : t.end] for t in toks if not text[t.start].isspace()] == words


def test_brat_to_conll_and_back_keeps_the_entity_texts(tmp_path):
    """brat -> annotator -> CoNLL -> annotator: the same entities, word for word,
    in Devanagari, Arabic with harakat, a decomposed accent and flags."""
    text = (
        "\u092a\u094d\u0930\u0927\u093e\u0928\u092e\u0902\u0924\u094d\u0930\u0940 "
        "\u0928\u0930\u0947\u0928\u094d\u0926\u094d\u0930 \u092e\u094b\u0926\u0940 \u0928\u0947 "
        "\u0926\u093f\u0932\u094d\u0932\u0940 \u092e\u0947\u0902 \u0915\u0939\u093e\u0964\n"
        "\u0642\u0627\u0644 \u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f \u0641\u064a "
        "\u0627\u0644\u0642\u0627\u0647\u0631\u0629.\n"
        "Cafe\u0301 Rene\u0301 opened in Bern \U0001f1e8\U0001f1ed.\n"
    )
    names = [
        ("PER", "\u0928\u0930\u0947\u0928\u094d\u0926\u094d\u0930 \u092e\u094b\u0926\u0940"),
        ("GPE", "\u0926\u093f\u0932\u094d\u0932\u0940"),
        ("PER", "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f"),
        ("GPE", "\u0627\u0644\u0642\u0627\u0647\u0631\u0629"),
        ("PER", "Rene\u0301"),
        ("GPE", "Bern \U0001f1e8\U0001f1ed"),
    ]
    src = tmp_path / "src"
    src.mkdir()
    (src / "multi.txt").write_text(text, encoding="utf-8")
    lines = []
    for i, (label, name) in enumerate(names, 1):
        a = text.index(name)
        lines.append(f"T{i}\t{label} {a} {a + len(name)}\t{name}\n")
    (src / "multi.ann").write_text("".join(lines), encoding="utf-8")
    a1, a2, out = tmp_path / "a1", tmp_path / "a2", tmp_path / "x.conll"
    assert main(["import", "--from", "brat", str(src / "multi.ann"), "--annotations", str(a1)]) == 0
    assert main(["export", "--to", "conll", str(a1), "-o", str(out)]) == 0
    assert main(["import", "--from", "conll", str(out), "--annotations", str(a2), "--texts", str(tmp_path / "t2")]) == 0
    (y,) = a2.glob("*.yaml")
    back = store.read(y).checked()
    assert [(e.label, e.text) for e in sorted(back.entities.values(), key=lambda e: e.start)] == names
    assert "".join(back.document.text.split()) == "".join(text.split())  # no character lost or cut off its word


@given(st.text(TEXT_CHARS, max_size=40), st.data())
def test_utf16_offsets_agree_with_javascript_counting(text, data):
    u = Utf16(text)
    cp = data.draw(st.integers(0, len(text)))
    units = len(text[:cp].encode("utf-16-le")) // 2
    assert u.to_units(cp) == units
    assert u.to_code_points(units) == cp


# -- spaCy reads our DocBin and JSONL --------------------------------------------------------


def _overlapping_set() -> AnnotationSet:
    text = "Dr. Jane Doe\U0001f600 of New  York City met\nthe U.N. team on 5 May."
    aset = AnnotationSet(Document(text))
    spans = [("PER", "Jane Doe"), ("GPE", "New  York City"), ("GPE", "New  York"), ("ORG", "U.N."), ("DATE", "5 May")]
    for i, (label, s) in enumerate(spans, 1):
        a = text.index(s)
        aset.entities[f"T{i}"] = Entity(f"T{i}", label, Span.of(text, a, a + len(s)))
    aset.entities["T9"] = Entity("T9", "PER", Span.of(text, 0, 3), status=SUGGESTED, by="rules")
    return aset


def test_spacy_reads_our_docbin_and_its_spans_equal_ours(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    aset = _overlapping_set()
    out = tmp_path / "train.spacy"
    spacy_docbin.write([("doc", aset)], out, Report("spacy"), "all")
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.text == aset.document.text
    accepted = {(e.label, e.start, e.end) for e in aset.entities.values() if e.status == ACCEPTED}
    assert {(s.label_, s.start_char, s.end_char) for s in doc.spans["sc"]} == accepted
    assert {(s.label_, s.start_char, s.end_char) for s in doc.spans["suggested"]} == {("PER", 0, 3)}
    ents = {(s.label_, s.start_char, s.end_char) for s in doc.ents}
    nyc = aset.document.text.index("New  York City")
    assert ents < accepted and ("GPE", nyc, nyc + 14) in ents  # the longer of the two overlapping GPEs
    assert doc.user_data["annotator"]["name"] == "doc"


def test_spacy_reads_our_jsonl_and_its_spans_equal_ours(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    aset = _overlapping_set()
    aset.relations["R1"] = Relation("R1", "Located", "T4", "T2")
    out = tmp_path / "data.jsonl"
    jsonl.write([("doc", aset)], out, Report("jsonl"), "accepted")
    nlp = spacy.blank("en")
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(tasks) == 1 and tasks[0]["answer"] == "accept"
    task = tasks[0]
    doc = Doc(nlp.vocab, words=[t["text"] for t in task["tokens"]], spaces=[t["ws"] for t in task["tokens"]])
    assert doc.text == task["text"] == aset.document.text
    spans = []
    for sp in task["spans"]:
        by_chars = doc.char_span(sp["start"], sp["end"], label=sp["label"])
        assert by_chars is not None
        assert (by_chars.start, by_chars.end - 1) == (sp["token_start"], sp["token_end"])
        spans.append((by_chars.label_, by_chars.start_char, by_chars.end_char))
    assert set(spans) == {(e.label, e.start, e.end) for e in aset.entities.values() if e.status == ACCEPTED}
    (rel,) = task["relations"]
    assert rel["label"] == "Located" and rel["head_span"]["label"] == "ORG" and rel["child_span"]["label"] == "GPE"


@SETTINGS
@given(entity_sets(statuses=(ACCEPTED, SUGGESTED, REJECTED)))
def test_docbin_round_trip(aset):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        back, report, _ = export_import(spacy_docbin, aset, Path(d), name="x.spacy")
    (imp,) = back
    assert imp.aset.document.text == aset.document.text
    assert ents_of(imp.aset, True) == ents_of(aset, True)
    # nothing lost; only doc.ents lacks the overlapping accepted ones (the sc group has them), and says so
    left = len(non_overlapping([e for e in aset.entities.values() if e.status == ACCEPTED])[1])
    assert report.line() == (None if not left else f"spacy_docbin: left out {left} overlapping entit{'y' if left == 1 else 'ies'} "
                             "from doc.ents (kept in the sc span group)")


@SETTINGS
@given(entity_sets(statuses=(ACCEPTED, SUGGESTED, REJECTED), scores=True))
def test_docbin_and_jsonl_keep_who_suggested_and_the_score(aset):
    """A suggestion's ``by`` and ``score`` were dropped by both exports (audit's
    per-suggester scores and calibration had nothing to go on after a round trip):
    the DocBin keeps them in ``doc.user_data``, the JSONL in each span's ``meta``,
    and each import reads them back."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (imp,), _, _ = export_import(spacy_docbin, aset, Path(d), name="x.spacy")
        assert _with_suggesters(imp.aset) == _with_suggesters(aset)
        (imp,), _, out = export_import(jsonl, aset, Path(d), name="x.jsonl")
        assert _with_suggesters(imp.aset) == _with_suggesters(aset)
        for line in out.read_text(encoding="utf-8").splitlines():
            for sp in json.loads(line)["spans"]:
                assert set(sp) <= {"start", "end", "label", "token_start", "token_end", "meta"}


def test_jsonl_span_meta_is_read_from_a_prodigy_file(tmp_path, capsys):
    text = "Rebels took Raqqa."
    task = {"text": text, "_input_hash": 3, "_task_hash": 4, "spans": [
        {"start": 12, "end": 17, "token_start": 2, "token_end": 2, "label": "GPE", "meta": {"by": "spacy:en_core_web_sm", "score": 0.91}},
    ], "meta": {"name": "raqqa"}}
    code, sets, _, err = _import_jsonl(tmp_path, [task], capsys)
    (aset,) = sets
    (ent,) = aset.entities.values()
    assert code == 0 and (ent.status, ent.by, ent.score) == (SUGGESTED, "spacy:en_core_web_sm", 0.91)


def test_without_spacy_one_line_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_spacy(name, *a, **kw):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError("No module named 'spacy'")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    for mod in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
        monkeypatch.delitem(sys.modules, mod)
    y = _write_yaml(tmp_path, _overlapping_set())
    assert main(["export", "--to", "spacy", str(y), "-o", str(tmp_path / "x.spacy")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'annotator[spacy]'" in err


# -- Prodigy JSONL ------------------------------------------------------------------------


@SETTINGS
@given(entity_sets(statuses=(ACCEPTED, SUGGESTED, REJECTED), relations=True))
def test_jsonl_round_trip_keeps_status_as_prodigy_answers(aset):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        back, report, out = export_import(jsonl, aset, Path(d), name="x.jsonl")
        answers = [json.loads(line).get("answer") for line in out.read_text(encoding="utf-8").splitlines()]
    (imp,) = back
    assert imp.name == "doc"
    assert ents_of(imp.aset, True) == ents_of(aset, True)
    carried = {r for r in rels_of(aset) if r[-1] != REJECTED}  # a rejected task holds one span
    assert rels_of(imp.aset) == carried
    if carried != rels_of(aset):
        assert "not between two entities of one task" in report.line()
    assert answers.count("reject") == sum(e.status == REJECTED for e in aset.entities.values())


def _import_jsonl(tmp_path: Path, tasks: list[dict], capsys) -> tuple[int, list[AnnotationSet], str, str]:
    src = tmp_path / "tasks.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    ann = tmp_path / "ann"
    code = main(["import", "--from", "jsonl", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")])
    cap = capsys.readouterr()
    return code, [store.read(y).checked() for y in sorted(ann.glob("*.yaml"))], cap.out, cap.err


def _berlin(h, answer, label, start=0, end=6, **kw) -> dict:
    task = {"text": "Berlin is big", "spans": [{"start": start, "end": end, "label": label}], "answer": answer, **kw}
    if h is not None:
        task["_input_hash"] = h
    return task


@pytest.mark.parametrize("h", [1, None])
def test_jsonl_answers_on_one_input_are_one_article_wherever_they_are(h, tmp_path, capsys):
    """Two ner.teach answers on "Berlin is big", apart in the file: one article
    (by ``_input_hash``, else by the same text)."""
    tasks = [
        {"text": "Apple hired Tim Cook", "spans": [{"start": 0, "end": 5, "label": "ORG"}], "answer": "accept"},
        _berlin(h, "reject", "GPE", _task_hash=2),
        _berlin(h, "accept", "LOC", _task_hash=3),
        {"text": "Rome rocks", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept"},
        _berlin(h, "reject", "MISC", 10, 13, _task_hash=9),
    ]
    code, sets, out, _ = _import_jsonl(tmp_path, tasks, capsys)
    assert code == 0 and "imported 3 of 3 articles" in out
    (berlin,) = [a for a in sets if a.document.text == "Berlin is big"]
    assert ents_of(berlin, with_status=True) == {("GPE", 0, 6, REJECTED), ("LOC", 0, 6, ACCEPTED), ("MISC", 10, 13, REJECTED)}
    assert sorted(a.document.text for a in sets) == ["Apple hired Tim Cook", "Berlin is big", "Rome rocks"]


def test_jsonl_ignored_tasks_make_no_article_unless_an_answer_on_their_input_is_kept(tmp_path, capsys):
    tasks = [
        {"text": "Ignored text", "spans": [], "answer": "ignore"},
        _berlin(7, "ignore", "GPE"),
        {"text": "Rome rocks", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept"},
        _berlin(7, "accept", "LOC"),
    ]
    code, sets, out, err = _import_jsonl(tmp_path, tasks, capsys)
    assert code == 0 and "imported 2 of 2 articles" in out
    assert sorted(a.document.text for a in sets) == ["Berlin is big", "Rome rocks"]
    assert "left out 2 ignored tasks" in err


def test_jsonl_one_input_hash_on_two_texts_refuses_that_article(tmp_path, capsys):
    tasks = [_berlin(5, "accept", "GPE"), {"text": "Rome rocks", "_input_hash": 5, "spans": [], "answer": "accept"}]
    code, sets, out, err = _import_jsonl(tmp_path, tasks, capsys)
    assert code == 2 and sets == []
    assert f"{tmp_path / 'tasks.jsonl'}:2: _input_hash 5 is on another text at {tmp_path / 'tasks.jsonl'}:1" in err


# -- CoNLL + seqeval -----------------------------------------------------------------------


def _import(fmt: str, src: Path, tmp_path: Path, capsys, ann: str = "ann") -> tuple[int, list[str], str, dict]:
    """(exit status, stderr lines, stdout, {article name: its entities as
    (label, text, status)}) of one ``import --from FMT SRC``."""
    rc = main(["import", "--from", fmt, str(src), "--annotations", str(tmp_path / ann), "--texts", str(tmp_path / f"{ann}-txt")])
    cap = capsys.readouterr()
    got = {
        y.stem: sorted((e.label, e.text, e.status) for e in store.read(y).checked().entities.values())
        for y in sorted((tmp_path / ann).glob("*.yaml"))
    }
    return rc, cap.err.splitlines(), cap.out, got


def test_jsonl_reads_spacy_doc_to_json_and_training_lines_as_suggest_does(tmp_path, capsys):
    """spaCy's Doc.to_json() (``ents``; ``spans`` as span groups ``{"sc": [...]}``)
    and spaCy's training lines (``entities`` as [start, end, label]) are read by
    the one reader ``suggest --with file:`` uses, as ``--from spacy`` reads a
    DocBin: accepted, the ``suggested`` group suggested; a span in ``ents`` and
    ``sc`` is one entity, and an unlabelled span group (a span finder's
    candidates) is left out with one counted line."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Span as SpacySpan

    from annotator.schema import default_schema
    from annotator.suggest import get_suggester, suggest_into

    nlp = spacy.blank("en")
    doc = nlp("Ali met María in Damascus.")
    doc.ents = [SpacySpan(doc, 0, 1, "PERSON"), SpacySpan(doc, 4, 5, "GPE")]
    doc.spans["sc"] = [SpacySpan(doc, 0, 1, "PERSON"), SpacySpan(doc, 2, 3, "PERSON")]
    doc.spans["suggested"] = [SpacySpan(doc, 4, 5, "LOC")]
    doc.spans["candidates"] = [SpacySpan(doc, 0, 2), SpacySpan(doc, 2, 4)]
    src = tmp_path / "docs.jsonl"
    src.write_text(
        json.dumps(doc.to_json(), ensure_ascii=False) + "\n"
        + json.dumps({"text": "Bob left Aleppo.", "entities": [[0, 3, "PER"], [9, 15, "GPE"]]}) + "\n",
        encoding="utf-8",
    )
    rc, err, out, got = _import("jsonl", src, tmp_path, capsys)
    assert rc == 0 and "imported 2 of 2 articles" in out
    assert err == ["annotator: jsonl: left out 2 unlabelled spans in span groups (an entity needs a label)"]
    assert got == {
        "docs-1": [("GPE", "Damascus", ACCEPTED), ("LOC", "Damascus", SUGGESTED), ("PERSON", "Ali", ACCEPTED), ("PERSON", "María", ACCEPTED)],
        "docs-2": [("GPE", "Aleppo", ACCEPTED), ("PER", "Bob", ACCEPTED)],
    }
    # suggest --with file: reads the same spans of the same lines
    arts = tmp_path / "arts"
    arts.mkdir()
    for name, text in (("docs-1", doc.text), ("docs-2", "Bob left Aleppo.")):
        (arts / f"{name}.txt").write_text(text, encoding="utf-8")
        art = read_article(arts / f"{name}.txt")
        new = suggest_into(store.new_set(art, tmp_path / "s" / f"{name}.yaml"), get_suggester(f"file:{src}", default_schema(), None))
        assert {e.text for e in new} == {t for _, t, _ in got[name]}  # (one suggestion a span)


def test_jsonl_says_a_doccano_line_is_one_and_a_bad_span_group_is_no_list(tmp_path, capsys):
    src = tmp_path / "mixed.jsonl"
    src.write_text(
        json.dumps({"text": "Ali in Damascus.", "label": [[0, 3, "PER"]]}) + "\n"
        + json.dumps({"text": "Bob in Aleppo.", "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3}]}) + "\n"
        + json.dumps({"text": "Cem in Homs.", "spans": {"sc": {"start": 0}}}) + "\n"
        + json.dumps({"text": "Dan in Idlib.", "entities": [[0, 3]]}) + "\n"
        + json.dumps({"text": "Eve in Hama.", "label": "POSITIVE", "answer": "accept"}) + "\n",
        encoding="utf-8",
    )
    rc, err, out, got = _import("jsonl", src, tmp_path, capsys)
    assert rc == 2 and "imported 1 of 5 articles" in out
    assert err == [
        f"annotator: {src}:1: not a Prodigy or spaCy line: it has doccano's 'label' as [start, end, label] "
        "(import it with --from doccano) (not imported)",
        f"annotator: {src}:2: not a Prodigy or spaCy line: its 'entities' have doccano's 'start_offset' and 'end_offset' "
        "(import it with --from doccano) (not imported)",
        f"annotator: {src}:3: spans.sc: a span group must be a list (not imported)",
        f"annotator: {src}:4: entities[0]: expected [start, end, label], not [0, 3] (not imported)",
    ]
    assert got == {"mixed-5": []}  # a Prodigy textcat task: no spans


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_a_json_array_given_as_json_lines_is_read_as_an_array(fmt, tmp_path, capsys):
    """A pretty-printed tasks.json (a JSON array) is read as one, as --from
    labelstudio reads it, where it gave one "not JSON" line per line of the file."""
    if fmt == "jsonl":
        tasks = [{"text": f"Ali number {i} in Damascus.", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"}
                 for i in range(200)]
    else:
        tasks = [{"text": f"Ali number {i} in Damascus.", "label": [[0, 3, "PER"]]} for i in range(200)]
    tasks[7] = [1, 2]
    src = tmp_path / "tasks.json"
    src.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    rc, err, out, got = _import(fmt, src, tmp_path, capsys)
    assert rc == 2 and "imported 199 of 200 articles" in out
    line = src.read_text(encoding="utf-8").splitlines().index("  [") + 1
    assert err == [f"annotator: {src}:{line}: each task must be a JSON object (not imported)"]
    assert len(got) == 199 and all(v == [("PER", "Ali", ACCEPTED)] for v in got.values())


def test_a_line_that_is_not_json_says_where_json_stopped(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "Doc A.", "label": []}\n{"text": "Doc B., "label": []}\n{"text": "Doc\tC."}\n', encoding="utf-8")
    rc, err, _, _ = _import("doccano", src, tmp_path, capsys)
    assert rc == 2 and err == [
        f"annotator: {src}:2: not JSON: Expecting ',' delimiter (column 20) (not imported)",
        f"annotator: {src}:3: not JSON: Invalid control character at column 14 (not imported)",
    ]
    src.write_text('{"text": "Broken', encoding="utf-8")
    rc, err, _, _ = _import("jsonl", src, tmp_path, capsys)
    assert err == [f"annotator: {src}:1: not JSON: Unterminated string starting at column 10 (not imported)"]


def test_seqeval_scores_our_conll_against_itself_at_one(tmp_path):
    from seqeval.metrics import classification_report, f1_score
    from seqeval.metrics.sequence_labeling import get_entities

    text = "Kurdish forces captured Raqqa on Monday. The SDF said U.S. jets helped.\nAleppo was calm."
    aset = AnnotationSet(Document(text))
    for i, (label, s) in enumerate([("NORP", "Kurdish"), ("GPE", "Raqqa"), ("DATE", "Monday"), ("ORG", "SDF"), ("GPE", "U.S."), ("GPE", "Aleppo")], 1):
        a = text.index(s)
        aset.entities[f"T{i}"] = Entity(f"T{i}", label, Span.of(text, a, a + len(s)))
    out = tmp_path / "gold.conll"
    conll.write([("a", aset), ("b", aset)], out, Report("conll"), "accepted")
    sents, cur = [], []
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        cur.append(line.split()[-1])
    y = [[tag for tag in s] for s in sents]
    assert len(y) == 6  # three sentences per document
    assert f1_score(y, y) == 1.0
    assert "GPE" in classification_report(y, y)
    found = [t for s in y for t, _, _ in get_entities(s)]
    assert sorted(found) == sorted([e.label for e in aset.entities.values()] * 2)


def _conll_view(aset: AnnotationSet) -> list[tuple[str, str]]:
    """What CoNLL carries: non-overlapping entities as labelled token sequences."""
    text = aset.document.text
    kept, _ = non_overlapping([e for e in aset.entities.values()])
    starts = {e.start for e in kept}
    ends = {e.end for e in kept}
    toks = [t for t in export_tokens(text, starts, ends) if not text[t.start].isspace()]
    out = []
    for e in kept:
        words = [text[t.start : t.end] for t in toks if e.start <= t.start and t.end <= e.end]
        if words:
            out.append((e.label, " ".join(words)))
    return out


@SETTINGS
@given(entity_sets())
def test_conll_round_trip(aset):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        back, report, _ = export_import(conll, aset, Path(d), name="x.conll", status="accepted")
    (imp,) = back
    got = [(e.label, e.text) for e in sorted(imp.aset.entities.values(), key=lambda e: e.start)]
    assert got == _conll_view(aset)


def test_conll_reads_iob1_and_bioes(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("EU I-ORG\nrejects O\nGerman I-MISC\ncall O\n\nNew B-LOC\nYork E-LOC\nis O\nbig S-ADJ\n", encoding="utf-8")
    (imp,) = conll.read(p, Report("conll"))
    assert [(e.label, e.text) for e in imp.aset.entities.values()] == [("ORG", "EU"), ("MISC", "German"), ("LOC", "New York"), ("ADJ", "big")]


def test_conll_reads_io_tags_as_runs_of_one_label(tmp_path, capsys):
    """IO tagging (a bare label per token) is common: a run of one label is one entity."""
    src = tmp_path / "io.conll"
    src.write_text("Tim PER\nCook PER\nvisited O\nParis LOC\nNice LOC\n\nAnn PER\nLee B-PER\nsaid _\n", encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "conll", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 0
    (y,) = ann.glob("*.yaml")
    got = [(e.label, e.text) for e in sorted(store.read(y).checked().entities.values(), key=lambda e: e.start)]
    assert got == [("PER", "Tim Cook"), ("LOC", "Paris Nice"), ("PER", "Ann"), ("PER", "Lee")]


@pytest.mark.parametrize("tag", ["B", "I-", "e_"])
def test_conll_a_tag_with_no_label_refuses_its_document_with_its_line(tag, tmp_path, capsys):
    src = tmp_path / "x.conll"
    src.write_text(f"-DOCSTART- -X- O O\n\nRebels B-ORG\n\n-DOCSTART- -X- O O\n\nMook O\nsaid {tag}\n", encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "conll", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 2
    cap = capsys.readouterr()
    assert cap.err.startswith(f"annotator: {src}:8: tag {tag!r} has no label") and cap.err.count("\n") == 1
    assert "imported 1 of 2 articles" in cap.out


def test_conll_comment_lines_are_no_tokens(tmp_path, capsys):
    """MultiCoNER's ``# id ... domain=en`` and CoNLL-U's ``# text = ...`` lines are
    comments; ``# O`` and ``#hashtag O`` (WNUT) are tokens."""
    src = tmp_path / "en_dev.conll"
    src.write_text(
        "# id 3b5b7f1a domain=en\nrobert _ _ B-PER\nfrost _ _ I-PER\nwrote _ _ O\nin _ _ O\nboston _ _ B-LOC\n\n"
        "# text = the nile\n# sent_id = 2\nthe _ _ O\nnile _ _ B-LOC\n\n"
        "#begin document (a); part 000\nprice _ _ O\n# _ _ O\n#nile _ _ B-LOC\n",
        encoding="utf-8",
    )
    (imp,) = conll.read(src, Report("conll"))
    assert imp.aset.document.text == "robert frost wrote in boston\nthe nile\nprice # #nile"
    assert [(e.label, e.text) for e in imp.aset.entities.values()] == [("PER", "robert frost"), ("LOC", "boston"), ("LOC", "nile"),
                                                                        ("LOC", "#nile")]


@pytest.mark.parametrize("tag", ["data.", '"GPE"]]}', "1996", "domain=en", "B-PER,"])
def test_conll_a_last_column_that_is_no_tag_refuses_its_document(tag, tmp_path):
    src = tmp_path / "x.conll"
    src.write_text(f"Ali B-PER\nsaid {tag}\n", encoding="utf-8")
    (bad,) = conll.read(src, Report("conll"))
    assert bad.message == f"{src}:2: not CoNLL: {tag!r} is not a tag (expected O, B-LABEL, I-LABEL, ... or LABEL alone for IO tags)"


def test_conll_import_of_a_folder_refuses_its_readme_and_a_json_line_and_goes_on(tmp_path, capsys):
    """``.txt`` is a CoNLL suffix, so a dataset folder's README.txt is read too:
    prose (lines of other lengths, last words that are no tags) and a JSON line
    are refused, one line each naming the file, and train.txt is imported."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.txt").write_text("EU B-ORG\nrejects O\n\nPeter B-PER\nBlackburn I-PER\n", encoding="utf-8")
    (data / "README.txt").write_text(
        "CoNLL-2003 shared task data\n\nThis folder holds the English training data.\nSee the paper for details.\n", encoding="utf-8"
    )
    (data / "doccano.txt").write_text('{"text": "Ali in Damascus.", "label": [[7, 15, "GPE"]]}\n', encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "conll", str(data), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 2
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [
        f"annotator: {data / 'README.txt'}:3: not CoNLL: this line has 7 columns, line 1 has 4 "
        "(a token and its tag per line, the tag last) (not imported)",
        f"annotator: {data / 'doccano.txt'}:1: not CoNLL: '\"GPE\"]]}}' is not a tag "
        "(expected O, B-LABEL, I-LABEL, ... or LABEL alone for IO tags) (not imported)",
    ]
    assert "imported 1 of 3 articles" in cap.out
    assert [y.name for y in ann.glob("*.yaml")] == ["train-1.yaml"]
    assert not (ann / "schemas").exists() or "data" not in (ann / "schemas" / "conll.yaml").read_text(encoding="utf-8")


#: a CoNLL-2003 file with tokens a tokenizer would split (a date, U.S., n't, 's, Inc., 1,000)
CONLL_2003 = (
    "-DOCSTART- -X- O O\n\nBRUSSELS NNP I-NP B-LOC\n1996-08-22 CD I-NP O\n\n"
    "The DT I-NP O\nU.S. NNP I-NP B-GPE\ndoes VBZ I-VP O\nn't RB I-ADVP O\nagree VB I-VP O\n. . O O\n\n"
    "Acme NNP I-NP B-ORG\nInc. NNP I-NP I-ORG\n's POS B-NP O\nshares NNS I-NP O\nrose VBD I-VP O\n1,000 CD I-NP O\n"
    "( ( O O\nAP NNP I-NP B-ORG\n) ) O O\n. . O O\n\n"
)


def _conll_sentences(path: Path) -> list[list[tuple[str, str]]]:
    """(token, tag) sentences of a CoNLL file, -DOCSTART- lines left out."""
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        cols = line.split()
        if cols and cols[0] == "-DOCSTART-":
            continue
        if not cols:
            if cur:
                sents.append(cur)
            cur = []
            continue
        cur.append((cols[0], cols[-1]))
    return sents


def test_conll_import_then_export_gives_the_same_tokens_and_seqeval_lines_up(tmp_path, capsys):
    """The text is the tokens joined by spaces (``is_spaced``), and export
    tokenises at those spaces: the same tokens, sentences and tags come back, in
    the order of the file (12 documents: ``orig-01`` ... ``orig-12``, not
    ``orig-1``, ``orig-10``, ``orig-11``, ``orig-2``...), so seqeval scores one
    against the other."""
    from seqeval.metrics import classification_report, f1_score

    docs = [CONLL_2003.replace("BRUSSELS", f"BRUSSELS{i}") for i in range(12)]
    orig, back, ann = tmp_path / "orig.conll", tmp_path / "back.conll", tmp_path / "ann"
    orig.write_text("".join(docs), encoding="utf-8")
    assert main(["import", "--from", "conll", str(orig), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 0
    assert sorted(y.name for y in ann.glob("*.yaml"))[:3] == ["orig-01.yaml", "orig-02.yaml", "orig-03.yaml"]
    assert main(["export", "--to", "conll", str(ann), "-o", str(back)]) == 0
    a, b = _conll_sentences(orig), _conll_sentences(back)
    assert [[tok for tok, _ in s] for s in b] == [[tok for tok, _ in s] for s in a]
    y_true = [[tag for _, tag in s] for s in a]
    y_pred = [[tag for _, tag in s] for s in b]
    assert f1_score(y_true, y_pred) == 1.0
    assert "GPE" in classification_report(y_true, y_pred)


def test_conll_article_annotated_afterwards_keeps_its_tokens(tmp_path):
    """An article imported from CoNLL and then annotated (as in the app): its
    tokens stay those of the file, and a new entity inside a token splits that
    token there, and nowhere else."""
    src, ann, back = tmp_path / "orig.conll", tmp_path / "ann", tmp_path / "back.conll"
    src.write_text(CONLL_2003, encoding="utf-8")
    assert main(["import", "--from", "conll", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 0
    (y,) = ann.glob("*.yaml")
    aset = store.read(y).checked()
    text = aset.document.text
    for i, word in ((10, "agree"), (11, "1996")):  # a whole token; the start of 1996-08-22
        a = text.index(word)
        aset.entities[f"T{i}"] = Entity(f"T{i}", "DATE" if word == "1996" else "EVENT", Span.of(text, a, a + len(word)), by="alice")
    store.save(aset, y)
    assert main(["export", "--to", "conll", str(ann), "-o", str(back)]) == 0
    toks = [tok for s in _conll_sentences(back) for tok in s]
    want = [(tok, tag) for s in _conll_sentences(src) for tok, tag in s]
    i = want.index(("1996-08-22", "O"))
    want[i : i + 1] = [("1996", "B-DATE"), ("-08-22", "O")]
    want[want.index(("agree", "O"))] = ("agree", "B-EVENT")
    assert toks == want


def test_prose_keeps_its_tokens_with_acronyms_whole():
    """A prose article (sentence punctuation glued to its words) is tokenised as
    before, ``U.N.`` one token; a text rebuilt from tokens is not."""
    prose = "The U.N. said on Monday, in Geneva, that Mr. Ali left Damascus."
    assert not is_spaced(prose)
    assert [prose[t.start : t.end] for t in export_tokens(prose) if not prose[t.start].isspace()] == [
        "The", "U.N.", "said", "on", "Monday", ",", "in", "Geneva", ",", "that", "Mr", ".", "Ali", "left", "Damascus", ".",
    ]
    spaced = "Mr. Ali of Acme Inc. said , in Geneva , that the U.S. does n't agree ."
    assert is_spaced(spaced)
    assert [spaced[t.start : t.end] for t in export_tokens(spaced) if not spaced[t.start].isspace()] == spaced.split()


def test_conll_tokens_reach_spacy_and_jsonl_as_they_were_and_a_docbin_keeps_its_acronym(tmp_path):
    """The token-based exports share the tokens: an article imported from CoNLL
    goes to a DocBin and to Prodigy JSONL with the file's tokens; a DocBin that
    spaCy tokenised (``U.N.``, ``Geneva ,``) comes back from import -> export
    with its own."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.tokens import Span as SpacySpan

    src, ann = tmp_path / "orig.conll", tmp_path / "ann"
    src.write_text(CONLL_2003, encoding="utf-8")
    assert main(["import", "--from", "conll", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 0
    want = [tok for s in _conll_sentences(src) for tok, _ in s]
    assert main(["export", "--to", "spacy", str(ann), "-o", str(tmp_path / "c.spacy")]) == 0
    assert main(["export", "--to", "jsonl", str(ann), "-o", str(tmp_path / "c.jsonl")]) == 0
    nlp = spacy.blank("en")
    (doc,) = DocBin().from_disk(tmp_path / "c.spacy").get_docs(nlp.vocab)
    assert [t.text for t in doc if not t.is_space] == want
    (task,) = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [t["text"] for t in task["tokens"] if t["text"].strip()] == want

    doc = nlp("The U.N. met in Geneva, said Ali.")
    doc.ents = [SpacySpan(doc, 1, 2, "ORG"), SpacySpan(doc, 4, 5, "GPE")]
    db = DocBin(store_user_data=True)
    db.add(doc)
    db.to_disk(tmp_path / "in.spacy")
    ann2 = tmp_path / "ann2"
    assert main(["import", "--from", "spacy", str(tmp_path / "in.spacy"), "--annotations", str(ann2), "--texts", str(tmp_path / "t2")]) == 0
    assert main(["export", "--to", "spacy", str(ann2), "-o", str(tmp_path / "back.spacy")]) == 0
    (back,) = DocBin().from_disk(tmp_path / "back.spacy").get_docs(nlp.vocab)
    assert [t.text for t in back] == [t.text for t in doc]
    assert [(e.text, e.label_) for e in back.ents] == [("U.N.", "ORG"), ("Geneva", "GPE")]


@SETTINGS
@given(entity_sets())
def test_our_conll_of_prose_comes_back_from_import_and_export_token_for_token(aset):
    """Prose to CoNLL, imported, exported again: the same tokens and tags (the
    second export reads the tokens at the spaces the import put between them).
    (A text already spaced comes back as its file: the tests above.)"""
    import tempfile

    from hypothesis import assume

    aset.document.text += " It fell."  # prose: a glued full stop
    assume(not is_spaced(aset.document.text))
    with tempfile.TemporaryDirectory() as d:
        one, two = Path(d) / "1.conll", Path(d) / "2.conll"
        conll.write([("a", aset)], one, Report("conll"), "accepted")
        (imp,) = conll.read(one, Report("conll"))
        conll.write([("a", imp.aset)], two, Report("conll"), "accepted")
        assert _conll_sentences(two) == _conll_sentences(one)


@SETTINGS
@given(entity_sets())
def test_export_tokens_cover_the_text_and_every_span_boundary(aset):
    text = aset.document.text
    starts = {e.start for e in aset.entities.values()}
    ends = {e.end for e in aset.entities.values()}
    for spaced in (True, False):
        toks = export_tokens(text, starts, ends, spaced)
        assert "".join(text[t.start : t.end] + (" " if t.ws else "") for t in toks) == text
        assert starts <= {t.start for t in toks} and ends <= {t.end for t in toks}
        assert all(not text[t.start].isspace() or text[t.start : t.end].isspace() for t in toks)


# -- doccano --------------------------------------------------------------------------------


@SETTINGS
@given(entity_sets(relations=True))
def test_doccano_round_trip_both_forms(aset):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (imp,), report, _ = export_import(doccano, aset, Path(d), name="x.jsonl", status="accepted")
        assert ents_of(imp.aset) == ents_of(aset)
        assert rels_of(imp.aset) == rels_of(aset)
        assert set(imp.aset.entities) == set(aset.entities)  # T7 travels as id 7
        (imp,), report, out = export_import(doccano, aset, Path(d), name="y.jsonl", status="accepted", fmt_name="doccano-label")
        assert "label" in json.loads(out.read_text(encoding="utf-8"))
        assert ents_of(imp.aset) == ents_of(aset)
        if aset.relations:
            assert report.line() == f"doccano: left out {len(aset.relations)} relation" + ("s" if len(aset.relations) > 1 else "")


def _with_suggesters(aset: AnnotationSet) -> set:
    return {(e.label, e.start, e.end, e.status, e.by, e.score) for e in aset.entities.values()}


@SETTINGS
@given(entity_sets(statuses=(ACCEPTED, SUGGESTED, REJECTED), relations=True, scores=True))
def test_doccano_status_all_and_back_keeps_suggestions_suggested(aset):
    """``--status all`` then import: a suggestion came back as accepted gold (doccano
    has no status); the relation form now marks it (status, by, score on its
    entity or relation), so it returns a suggestion of the same suggester and
    score. Rejected ones are left out and counted, as before."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (imp,), report, _ = export_import(doccano, aset, Path(d), name="x.jsonl", status="all")
    carried = {e for e in _with_suggesters(aset) if e[3] != REJECTED}
    assert _with_suggesters(imp.aset) == carried
    assert rels_of(imp.aset) == {r for r in rels_of(aset) if r[-1] != REJECTED}
    rejected = sum(x.status == REJECTED for x in [*aset.entities.values(), *aset.relations.values()])
    assert (report.line() or "").startswith(f"doccano: left out {rejected} rejected") == bool(rejected)
    assert report.warnings == []


def test_doccano_label_form_says_its_suggestions_read_back_as_accepted(tmp_path, capsys):
    """The label form has no place for a status: ``--status all`` writes suggestions
    as plain labels and the export says, in one line, that they will read back as
    accepted (and which form keeps them)."""
    aset = AnnotationSet(Document("Rebels took Raqqa and Tabqa."))
    aset.entities["T1"] = Entity("T1", "ORG", Span.of(aset.document.text, 0, 6))
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(aset.document.text, 12, 17), status=SUGGESTED, by="rules", score=0.8)
    y = _write_yaml(tmp_path, aset)
    out = tmp_path / "d.jsonl"
    assert main(["export", "--to", "doccano-label", "--status", "all", str(y), "-o", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["annotator: doccano-label: 1 suggestion written as plain labels: [start, end, label] has no status, "
                   "so they read back as accepted (--to doccano keeps them suggestions)"]
    assert json.loads(out.read_text(encoding="utf-8"))["label"] == [[0, 6, "ORG"], [12, 17, "GPE"]]


def test_doccano_reads_files_doccano_writes(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text(
        json.dumps({"id": 1, "text": "EU rejects German call", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []})
        + "\n"
        + json.dumps(
            {
                "id": 2,
                "text": "Google was founded by Larry Page.",
                "entities": [{"id": 10, "label": "ORG", "start_offset": 0, "end_offset": 6}, {"id": 11, "label": "PER", "start_offset": 22, "end_offset": 32}],
                "relations": [{"id": 3, "from_id": 11, "to_id": 10, "type": "founded"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    a, b = doccano.read(p, Report("doccano"))
    assert [(e.label, e.text) for e in a.aset.entities.values()] == [("ORG", "EU"), ("MISC", "German")]
    (rel,) = b.aset.relations.values()
    assert (rel.type, b.aset.entities[rel.arg1].text, b.aset.entities[rel.arg2].text) == ("founded", "Larry Page", "Google")


def test_doccano_values_of_the_wrong_type_refuse_their_line_and_the_rest_goes_in(tmp_path, capsys):
    """``"relations": true``, an entity ``"id": [1]``, a relation ``"to_id": {...}``:
    one line each naming file:line (no traceback), exit 2, the good line imported."""
    ent = {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3}
    lines = [
        {"text": "Ali in Damascus.", "entities": [ent], "relations": True},
        {"text": "Ali in Damascus.", "entities": [dict(ent, id=[1])], "relations": []},
        {"text": "Ali in Damascus.", "entities": [ent], "relations": [{"id": 1, "from_id": 1, "to_id": {"x": 2}, "type": "r"}]},
        {"text": "Ali in Damascus.", "entities": [ent, dict(ent, id=2, start_offset=7, end_offset=15, label="GPE")],
         "relations": [{"id": 1, "from_id": True, "to_id": 2, "type": "in"}]},
        {"text": "Bob in Aleppo.", "entities": [ent], "relations": []},
    ]
    src = tmp_path / "dc.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["import", "--from", "doccano", str(src), "--annotations", str(ann), "--texts", str(tmp_path / "t")]) == 2
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [
        f"annotator: {src}:1: 'relations' must be a list of relations, not True (not imported)",
        f"annotator: {src}:2: an entity's 'id' must be a number or a string, not [1] (not imported)",
        f"annotator: {src}:3: relation 1: 'to_id' must be an entity's id, not {{'x': 2}} (not imported)",
        f"annotator: {src}:4: relation 1: 'from_id' must be an entity's id, not True (not imported)",
    ]
    assert "imported 1 of 5 articles" in cap.out


def test_doccano_says_a_prodigy_or_spacy_line_is_the_other_format(tmp_path, capsys):
    """A Prodigy task, a Doc.to_json() line or a spaCy training line given to
    --from doccano would import with no entities: each is refused with a line
    pointing at --from jsonl; a plain doccano line goes in."""
    lines = [
        {"text": "Ali in Damascus.", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"},
        {"text": "Ali in Damascus.", "ents": [{"start": 0, "end": 3, "label": "PER"}], "tokens": []},
        {"text": "Ali in Damascus.", "entities": [[0, 3, "PER"]]},
        {"text": "Ali in Damascus.", "label": [[0, 3, "PER"]]},
    ]
    src = tmp_path / "mixed.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert main(["import", "--from", "doccano", str(src), "--annotations", str(tmp_path / "a"), "--texts", str(tmp_path / "t")]) == 2
    cap = capsys.readouterr()
    assert cap.err.splitlines() == [
        f"annotator: {src}:1: not a doccano line: it has Prodigy's 'spans' and no doccano 'label' or 'entities' "
        "(import it with --from jsonl) (not imported)",
        f"annotator: {src}:2: not a doccano line: it has spaCy's Doc.to_json() 'ents' and no doccano 'label' or 'entities' "
        "(import it with --from jsonl) (not imported)",
        f"annotator: {src}:3: not a doccano line: its 'entities' are [start, end, label] triples, as spaCy's training lines "
        "have them (import it with --from jsonl) (not imported)",
    ]
    assert "imported 1 of 4 articles" in cap.out


# -- Label Studio ------------------------------------------------------------------------------


def test_label_studio_offsets_are_utf16_on_astral_text(tmp_path):
    text = "\U0001f600\U0001f600 Ana \U0001f1eb\U0001f1f7 met \U00010348Bo in Paris."
    aset = AnnotationSet(Document(text))
    for i, s in enumerate(["Ana", "\U00010348Bo", "Paris"], 1):
        a = text.index(s)
        aset.entities[f"T{i}"] = Entity(f"T{i}", "PER" if i < 3 else "GPE", Span.of(text, a, a + len(s)))
    out = tmp_path / "tasks.json"
    labelstudio.write([("doc", aset)], out, Report("labelstudio"), "accepted")
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    js = text.encode("utf-16-le")
    for item in task["annotations"][0]["result"]:
        v = item["value"]
        # what JavaScript's text.slice(start, end) gives:
        assert js[2 * v["start"] : 2 * v["end"]].decode("utf-16-le") == v["text"]
    starts = sorted(item["value"]["start"] for item in task["annotations"][0]["result"])
    assert starts == [5, 18, 26]  # each emoji, flag half and U+10348 counts two units (code points: 3, 12, 18)
    (imp,) = labelstudio.read(out, Report("ls"))
    assert ents_of(imp.aset) == ents_of(aset)


@SETTINGS
@given(entity_sets(statuses=(ACCEPTED, SUGGESTED), relations=True, scores=True))
def test_label_studio_round_trip_with_predictions(aset):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (imp,), report, out = export_import(labelstudio, aset, Path(d), name="x.json")
        task = json.loads(out.read_text(encoding="utf-8"))[0]
    assert ents_of(imp.aset, True) == ents_of(aset, True)
    sugg = lambda s: {(e.label, e.start, e.end, e.by, e.score) for e in s.entities.values() if e.status == SUGGESTED}  # noqa: E731
    assert sugg(imp.aset) == sugg(aset)
    ent = aset.entities
    one_task = {r.id for r in aset.relations.values() if r.status == ACCEPTED or ent[r.arg1].by == ent[r.arg2].by}
    assert rels_of(imp.aset) == {k for k in rels_of(aset) if any(rels_of_one(aset, i) == k for i in one_task)}
    if len(one_task) < len(aset.relations):
        assert "not between two entities of one annotation" in report.line()
    if any(e.status == SUGGESTED for e in aset.entities.values()):
        assert task["predictions"]


def test_label_studio_reads_a_large_array_streamed(tmp_path):
    tasks = [{"data": {"text": f"Doc {i} Ana"}, "annotations": [{"result": [{"id": "x", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 5 + len(str(i)), "end": 8 + len(str(i)), "labels": ["PER"]}}]}]} for i in range(300)]
    p = tmp_path / "big.json"
    p.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    got = list(labelstudio.iter_tasks(p, chunk=97))
    assert len(got) == 300 and got[299][1]["data"]["text"] == "Doc 299 Ana"
    imps = list(labelstudio.read(p, Report("ls")))
    assert all(next(iter(i.aset.entities.values())).text == "Ana" for i in imps)


# -- what a format cannot carry: one line -------------------------------------------------------


def _rich_set() -> AnnotationSet:
    text = "Rebels attacked Raqqa, the SDF said. New York and York."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "ORG", Span.of(text, 0, 6))
    aset.entities["T2"] = Entity("T2", "GPE", Span.of(text, 16, 21))
    aset.entities["T3"] = Entity("T3", "ORG", Span.of(text, 27, 30))
    aset.entities["T4"] = Entity("T4", "GPE", Span.of(text, 37, 45))
    aset.entities["T5"] = Entity("T5", "GPE", Span.of(text, 41, 45))  # inside T4
    aset.entities["T6"] = Entity("T6", "GPE", Span.from_fragments(text, [(37, 40), (50, 54)]))
    aset.entities["T7"] = Entity("T7", "PER", Span.of(text, 50, 54), status=SUGGESTED, by="rules")
    aset.events["E1"] = Event("E1", "Conflict.Attack", Span.of(text, 7, 15), (Argument("Attacker", "T1"), Argument("Place", "T2")))
    aset.attributions["A1"] = Attribution("A1", None, Span.of(text, 31, 35), Span.of(text, 0, 21))
    aset.relations["R1"] = Relation("R1", "Located", "T3", "T2")
    return aset


def test_each_format_says_in_one_line_what_it_left_out(tmp_path):
    aset = _rich_set()
    r = Report("conll")
    conll.write([("d", aset)], tmp_path / "x.conll", r, "accepted")
    assert r.line() == (
        "conll: left out 1 suggested annotation (--status all includes them), 1 event, 1 attribution, "
        "1 relation, 1 discontinuous entity, 1 overlapping entity"
    )
    r = Report("labelstudio")
    labelstudio.write([("d", aset)], tmp_path / "x.json", r, "all")
    assert r.line() == "labelstudio: left out 1 event, 1 attribution, 1 discontinuous entity"
    r = Report("jsonl")
    jsonl.write([("d", aset)], tmp_path / "x.jsonl", r, "accepted")
    assert r.line() == "jsonl: left out 1 suggested annotation (--status all includes them), 1 event, 1 attribution, 1 discontinuous entity"


def _with_notes_and_links() -> AnnotationSet:
    text = "Citibank moved money to Switzerland."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "ORG", Span.of(text, 0, 8), attrs={"#AnnotatorNotes": "a bank"})
    aset.entities["T2"] = Entity(
        "T2", "GPE", Span.of(text, 24, 35), attrs={"N:Reference": [["Wikidata:Q39", "Switzerland"]], "Realis": "actual"}
    )
    return aset


@pytest.mark.parametrize(
    "fmt, write, out",
    [
        ("conll", conll.write, "x.conll"),
        ("labelstudio", labelstudio.write, "x.json"),
        ("jsonl", jsonl.write, "x.jsonl"),
        ("doccano", doccano.write, "x.jsonl"),
        ("spacy", spacy_docbin.write, "x.spacy"),
    ],
)
def test_notes_links_and_attributes_left_out_are_counted(tmp_path, fmt, write, out):
    """A format with no place for them says so (brat keeps them), never drops them silently."""
    if fmt == "spacy":
        pytest.importorskip("spacy")
    r = Report(fmt)
    write([("d", _with_notes_and_links())], tmp_path / out, r, "accepted")
    assert r.line() == f"{fmt}: left out 1 note, 1 link, 1 attribute (brat keeps them)"


def _write_yaml(tmp_path: Path, aset: AnnotationSet, name: str = "doc") -> Path:
    art = tmp_path / "seeds" / f"{name}.txt"
    art.parent.mkdir(exist_ok=True)
    art.write_text(aset.document.text, encoding="utf-8", newline="")
    y = tmp_path / "annotations" / f"{name}.yaml"
    doc = read_article(art)
    s = store.new_set(doc, y)
    s.entities, s.events, s.attributions, s.relations = aset.entities, aset.events, aset.attributions, aset.relations
    store.save(s, y)
    return y


def test_export_command_prints_the_left_out_line_once(tmp_path, capsys):
    y = _write_yaml(tmp_path, _rich_set())
    assert main(["export", "--to", "conll", str(y.parent), "-o", str(tmp_path / "out.conll")]) == 0
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: conll: left out ") and "1 event" in lines[0]
    assert "exported 1 articles" in cap.out and "articles/s" in cap.out


@pytest.mark.parametrize("fmt,suffix", [("jsonl", "jsonl"), ("conll", "conll"), ("doccano", "jsonl"), ("labelstudio", "json"), ("spacy", "spacy")])
def test_command_line_round_trip_writes_texts_and_yaml(fmt, suffix, tmp_path, capsys):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    aset = _overlapping_set()
    y = _write_yaml(tmp_path, aset, "first")
    _write_yaml(tmp_path, _rich_set(), "second")
    out = tmp_path / f"out.{suffix}"
    assert main(["export", "--to", fmt, str(y.parent), "-o", str(out)]) == 0
    ann, texts = tmp_path / "ann2", tmp_path / "texts2"
    assert main(["import", "--from", fmt, str(out), "--annotations", str(ann), "--texts", str(texts)]) == 0
    names = sorted(p.stem for p in ann.glob("*.yaml"))
    assert len(names) == 2
    for p in ann.glob("*.yaml"):
        back = store.read(p).checked()  # valid files whose article is in --texts
        assert (texts / f"{p.stem}.txt").is_file()
        assert back.entities
    if fmt != "conll":
        assert names == ["first", "second"]
        first = store.read(ann / "first.yaml").checked()
        assert first.document.text == aset.document.text
    assert main(["import", "--from", fmt, str(out), "--annotations", str(ann), "--texts", str(texts)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_unknown_format_and_unreadable_input_are_one_line_exit_2(tmp_path, capsys):
    assert main(["export", "--to", "word", str(tmp_path), "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown format 'word'" in err and "brat" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{not json\n', encoding="utf-8")
    assert main(["import", "--from", "jsonl", str(bad), "--annotations", str(tmp_path / "a"), "--texts", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.jsonl:2" in err
    assert main(["import", "--from", "conll", str(tmp_path / "missing.conll")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "x.spacy").write_bytes(b"not a docbin")
    if spacy_docbin is not None:
        pytest.importorskip("spacy")
        assert main(["import", "--from", "spacy", str(tmp_path / "x.spacy"), "--annotations", str(tmp_path / "a")]) == 2
        assert "not a spaCy DocBin" in capsys.readouterr().err


def test_registry_names_and_aliases():
    assert get("Prodigy") is jsonl and get("label-studio") is labelstudio and get("conll") is conll


def test_spacy_export_counts_the_overlapping_entities_left_out_of_doc_ents(tmp_path, capsys):
    """doc.ents (what spaCy's ner trains on) cannot overlap: the entities it
    lacks are in the sc group, and the summary says how many, as --to conll does."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    text = "Fighters of the Syrian Democratic Forces entered Raqqa.\n"
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"text": text, "label": [[16, 40, "ORG"], [16, 22, "NORP"], [49, 54, "GPE"]], "name": "a"}) + "\n")
    assert main(["import", "--from", "doccano", str(src), "--annotations", str(tmp_path / "ann"), "--texts", str(tmp_path / "t")]) == 0
    capsys.readouterr()
    out = tmp_path / "out.spacy"
    assert main(["export", "--to", "spacy", str(tmp_path / "ann"), "-o", str(out)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "annotator: spacy: left out 1 overlapping entity from doc.ents (kept in the sc span group)"
    ]
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Syrian Democratic Forces", "ORG"), ("Raqqa", "GPE")]
    assert len(doc.spans["sc"]) == 3


def test_spacy_import_leaves_an_unlabelled_span_group_out_and_counts_it(tmp_path, capsys):
    """spaCy allows spans with no label (a span finder's candidates, noun
    chunks): they are no entities, left out with one counted line, and the
    documents' ents are imported (each document was refused over them)."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.tokens import Span as SpacySpan

    nlp = spacy.blank("en")
    db = DocBin()
    for t in ("Ali met María in Damascus.", "Bob went to Aleppo."):
        d = nlp(t)
        d.ents = [SpacySpan(d, 0, 1, "PER"), SpacySpan(d, len(d) - 2, len(d) - 1, "GPE")]
        d.spans["candidates"] = [SpacySpan(d, 0, 2)]
        db.add(d)
    src = tmp_path / "corpus.spacy"
    db.to_disk(src)
    rc, err, out, got = _import("spacy", src, tmp_path, capsys)
    assert rc == 0 and "imported 2 of 2 articles" in out
    assert err == ["annotator: spacy: left out 2 unlabelled spans in span groups (an entity needs a label)"]
    assert got == {
        "corpus-1": [("GPE", "Damascus", ACCEPTED), ("PER", "Ali", ACCEPTED)],
        "corpus-2": [("GPE", "Aleppo", ACCEPTED), ("PER", "Bob", ACCEPTED)],
    }


def test_spacy_export_to_a_folder_writes_shards_spacy_reads(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    sets = [(f"d{i}", _overlapping_set()) for i in range(5)]
    out = tmp_path / "corpus"
    out.mkdir()
    spacy_docbin.write(sets, out, Report("spacy"), "accepted", shard=2)
    parts = sorted(p.name for p in out.glob("*.spacy"))
    assert parts == ["part-0001.spacy", "part-0002.spacy", "part-0003.spacy"]
    nlp = spacy.blank("en")
    docs = [d for p in sorted(out.glob("*.spacy")) for d in DocBin().from_disk(p).get_docs(nlp.vocab)]
    assert [d.user_data["annotator"]["name"] for d in docs] == [n for n, _ in sets]
    back = [imp for p in sorted(out.glob("*.spacy")) for imp in spacy_docbin.read(p, Report("spacy"))]
    assert all(ents_of(imp.aset) == ents_of(sets[0][1]) - {("PER", 0, 3)} for imp in back)


# -- a relabelled suggestion's suggested_label stays ours -------------------------------


def _relabelled_file(tmp_path: Path) -> Path:
    """An article whose gold holds suggestions relabelled by a person (suggested_label:
    NORP, Life.Die, mixed) and one left pending, saved as our YAML."""
    text = "Orhan Qereman said the SDF captured Deir el-Zor."
    article = tmp_path / "seeds" / "deir.txt"
    article.parent.mkdir(parents=True)
    article.write_text(text, encoding="utf-8")
    path = tmp_path / "annotations" / "deir.yaml"
    aset = store.new_set(read_article(article), path)
    at = text.index
    aset.entities["T1"] = Entity("T1", "PER", Span.of(text, 0, 13), by="alice", suggested_by="rules")
    aset.entities["T2"] = Entity("T2", "ORG", Span.of(text, at("SDF"), at("SDF") + 3), by="alice",
                                 suggested_by="rules", suggested_label="NORP")
    aset.entities["T3"] = Entity("T3", "GPE", Span.of(text, at("Deir"), at("Deir") + 11), status=SUGGESTED, by="rules",
                                 score=0.5, suggested_label="NORP")
    aset.events["E1"] = Event("E1", "Conflict.Capture", Span.of(text, at("captured"), at("captured") + 8),
                              (Argument("Agent", "T2"), Argument("Place", "T3")), by="alice", suggested_by="rules",
                              suggested_label="Life.Die")
    aset.attributions["A1"] = Attribution("A1", None, Span.of(text, 14, 18), Span.of(text, 19, 48), "indirect",
                                          by="alice", suggested_by="rules", suggested_label="mixed")
    path.parent.mkdir(parents=True)
    store.save(aset, path)
    assert path.read_text(encoding="utf-8").count("suggested_label: ") == 4
    return path


@pytest.mark.parametrize("fmt", ["brat", "jsonl", "spacy", "conll", "doccano", "doccano-label", "labelstudio"])
@pytest.mark.parametrize("status", ["accepted", "all"])
def test_suggested_label_is_not_exported(fmt, status, tmp_path, capsys):
    """The label a suggester gave is for audits: no export carries it (no brat
    attribute or note, no training label, no meta), and what is read back has none."""
    if fmt == "spacy":
        pytest.importorskip("spacy")
    path = _relabelled_file(tmp_path)
    out = tmp_path / ("out" if fmt == "brat" else f"out.{fmt}")
    assert main(["export", "--to", fmt, str(path), "-o", str(out), "--status", status]) == 0
    capsys.readouterr()
    files = sorted(out.rglob("*")) if out.is_dir() else [out]
    # (brat's annotation.conf lists every label and type of the schema: not the annotations)
    written = "".join(f.read_text(encoding="utf-8") for f in files if f.is_file() and f.suffix not in (".spacy", ".conf"))
    if fmt == "spacy":
        import spacy
        from spacy.tokens import DocBin

        (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
        written = json.dumps(doc.user_data, default=str) + " ".join(
            s.label_ for group in doc.spans.values() for s in group) + " ".join(e.label_ for e in doc.ents)
    assert "PER" in written  # (the export wrote the labels)
    for leak in ("suggested_label", "NORP", "Life.Die", "mixed"):
        assert leak not in written, (fmt, leak)
    mod = get(fmt)
    for got in (got for source in (sorted(out.rglob("*.ann")) if fmt == "brat" else [out])
                for got in mod.read(source, Report("read"))):
        aset = getattr(got, "aset", None)
        if aset is not None:
            assert all(ann.suggested_label is None for ann in aset.all())
            assert not any("suggested_label" in json.dumps(dict(ann.attrs), default=str) for ann in aset.all())
