"""Re-finding spans in an article that changed after it was annotated."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.model import AnnotationSet, Attribution, Document, Entity, Event, Ref, Span
from annotator.reanchor import LOST, is_lost, lost_in, lost_parts, reanchor

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
ART = SEED.read_text(encoding="utf-8")
GOLD = store.read(text=(ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8"), article=ART).checked()


def parts(ann):
    if isinstance(ann, Entity):
        return [("span", ann.span)]
    if isinstance(ann, Event):
        return [("trigger", ann.trigger)]
    if isinstance(ann, Attribution):
        return [(p, getattr(ann, p)) for p in ("source", "cue", "content") if isinstance(getattr(ann, p), Span)]
    return []


def edit(text: str, edits: list[tuple[int, int, str]]):
    """Apply (position, deleted length, inserted text) edits; and old -> new offsets."""
    edits = sorted(edits)
    out, last = [], 0
    for pos, n, ins in edits:
        out += [text[last:pos], ins]
        last = pos + n
    out.append(text[last:])

    def where(s: int, e: int) -> tuple[int, int] | None:
        """New offsets of old [s, e), None when an edit touches it."""
        shift = 0
        for pos, n, ins in edits:
            if s < pos + n and pos < e or (n == 0 and s < pos < e):
                return None
            if pos + n <= s:
                shift += len(ins) - n
        return s + shift, e + shift

    return "".join(out), where


def expect_moved(aset, out, where) -> tuple[list, list]:
    """(misplaced, lost) spans against the true mapping, for spans no edit touched."""
    misplaced, lost = [], []
    for ann in aset.all():
        got = out.get(ann.id)
        gone = set(lost_parts(got))
        for (part, span), (_, gspan) in zip(parts(ann), parts(got)):
            want = [where(s, e) for s, e in span.fragments]
            if None in want:
                continue
            if part in gone:
                lost.append((ann.id, part))
            elif tuple(want) != gspan.fragments:
                misplaced.append((ann.id, part, span.fragments, gspan.fragments, want))
    return misplaced, lost


def assert_sound(out: AnnotationSet, text: str) -> None:
    """Every span found is on its own text (or a similar one); lost ones are kept, valid and marked."""
    for ann in out.all():
        gone = lost_parts(ann)
        for part, span in parts(ann):
            for s, e in span.fragments:
                assert 0 <= s < e <= len(text)
            if part in gone:
                continue
            here = " ".join(text[s:e] for s, e in span.fragments)
            assert here == span.text, (ann.id, part, span, here)


# ---------------------------------------------------------------------------
# The seed and its gold annotations
# ---------------------------------------------------------------------------


def line(i: int) -> tuple[int, int, str]:
    starts = [0] + [m.end() for m in re.finditer("\n", ART)]
    return starts[i], starts[i + 1] - starts[i], ""


def test_insertion_before_every_span_moves_them_all():
    new, where = edit(ART, [(0, 0, "UPDATED 3 times since Friday. ")])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    assert expect_moved(GOLD, out, where) == ([], [])
    assert not report.lost and len(report.moved) == sum(len(parts(a)) for a in GOLD.all())
    assert report.moved[0].how == "exact" and "moved 3-16 -> 33-46" in str(report.moved[0])
    assert_sound(out, new)


def test_insertion_in_the_middle_moves_only_what_follows():
    at = ART.index("Deir el-Zor city has")
    new, where = edit(ART, [(at, 0, "Fighting went on in Raqqa, Reuters said, and the SDF said Abdi was in Hasakeh.\n")])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    assert expect_moved(GOLD, out, where) == ([], [])
    assert all(m.old[0][0] >= at for m in report.moved)
    assert report.unchanged > 0


def test_deleted_sentence_loses_its_spans_and_moves_the_rest():
    start = ART.index("It first fell")
    end = ART.index("The Syrian army, backed")
    new, where = edit(ART, [(start, end - start, "")])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    inside = {a.id for a in GOLD.all() if any(start <= s.start < end for _, s in parts(a))}
    assert inside and set(report.lost_ids) == inside
    assert expect_moved(GOLD, out, where) == ([], [])
    for ann_id in inside:  # kept where they were, with their text, marked
        old, got = GOLD.get(ann_id), out.get(ann_id)
        assert got.attrs[LOST] is True and parts(got)[0][1] == parts(old)[0][1]
    assert_sound(out, new)


@pytest.mark.parametrize("i", range(1, 13))
def test_deleted_line_loses_exactly_its_spans(i):
    new, where = edit(ART, [line(i)])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    misplaced, lost = expect_moved(GOLD, out, where)
    assert misplaced == [] and lost == []
    s, n, _ = line(i)
    gone = {(x.id, x.part) for x in report.lost}
    assert gone == {(a.id, p) for a in GOLD.all() for p, sp in parts(a) if sp.start < s + n and s < sp.end}


def test_edited_names_are_found_with_their_new_text():
    edits = [(m.start(), 4, "Abdy") for m in re.finditer("Abdi", ART)]
    edits.append((ART.index("Mazlum"), 6, "Mazloum"))
    new, where = edit(ART, edits)
    out, report = reanchor(GOLD, new, old_length=len(ART))
    assert not report.lost
    assert expect_moved(GOLD, out, where) == ([], [])
    similar = {m.id: m for m in report.moved if m.how == "similar"}
    assert similar["T78"].new_text == "Abdy" and similar["T66"].new_text == "Mazloum Abdy"
    assert "as 'Abdy'" in str(similar["T78"])
    assert_sound(out, new)


def test_a_name_replaced_by_another_is_lost_not_moved():
    at = ART.index("Omar Abu Layla")
    new, _ = edit(ART, [(at, len("Omar Abu Layla"), "A local source")])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    assert report.lost_ids == ["T22"]
    assert out.entities["T22"].text == "Omar Abu Layla" and is_lost(out.entities["T22"])


def test_attribution_parts_are_lost_one_by_one():
    at = ART.index("told reporters earlier")
    new, _ = edit(ART, [(at, len("told reporters"), "informed journalists")])
    out, report = reanchor(GOLD, new, old_length=len(ART))
    a4 = out.attributions["A4"]
    assert a4.attrs[LOST] == ["cue"] and lost_parts(a4) == ("cue",)
    assert isinstance(a4.source, Ref) and not is_lost(out.entities[a4.source.ref])
    assert new[a4.content.start : a4.content.end] == a4.content.text


def _crlf(aset: AnnotationSet, text: str) -> tuple[AnnotationSet, str]:
    """The same annotations over the text with CRLF line endings."""
    crlf = text.replace("\n", "\r\n")
    nl = [m.start() for m in re.finditer("\n", text)]

    def f(o: int) -> int:
        return o + bisect.bisect_left(nl, o)

    out = AnnotationSet(Document(crlf))
    for ann in aset.all():
        change = {}
        for part, span in parts(ann):
            frs = tuple((f(s), f(e)) for s, e in span.fragments)
            change[part] = Span(frs, " ".join(crlf[s:e] for s, e in frs))
        out.table(type(ann))[ann.id] = replace(ann, **change)
    return out, crlf


def test_crlf_to_lf():
    crlf_set, crlf = _crlf(GOLD, ART)
    out, report = reanchor(crlf_set, ART, old_length=len(crlf))
    assert not report.lost
    assert {a.id: a for a in out.all()} == {a.id: a for a in GOLD.all()}


def test_lf_to_crlf_and_then_an_insertion():
    crlf_set, crlf = _crlf(GOLD, ART)
    out, report = reanchor(GOLD, crlf, old_length=len(ART))
    assert not report.lost and {a.id: a for a in out.all()} == {a.id: a for a in crlf_set.all()}
    out2, report2 = reanchor(crlf_set, "NEW: " + ART, old_length=len(crlf))
    assert not report2.lost
    for ann in GOLD.all():
        for (_, want), (_, got) in zip(parts(ann), parts(out2.get(ann.id))):
            assert got.fragments == tuple((s + 5, e + 5) for s, e in want.fragments)


def test_repeated_words_land_on_the_right_occurrence():
    text = "Abdi said the SDF won. Reuters said Abdi left. Abdi said no. The SDF said Abdi said so.\n"
    aset = AnnotationSet(Document(text))
    for k, m in enumerate(re.finditer(r"Abdi|said|SDF", text), 1):
        aset.entities[f"T{k}"] = Entity(f"T{k}", "X", Span.of(text, m.start(), m.end()))
    # a sentence with the same words inserted in the middle, and one deleted
    ins = text.index("Reuters said")
    new, where = edit(text, [(ins, 0, "Reuters quoted Abdi, who said the SDF said nothing. "), (text.index("Abdi said no."), len("Abdi said no. "), "")])
    out, report = reanchor(aset, new, old_length=len(text))
    misplaced, lost = expect_moved(aset, out, where)
    assert misplaced == [] and lost == []
    assert sorted(report.lost_ids, key=lambda i: int(i[1:])) == ["T6", "T7"]  # "Abdi said" of the deleted sentence
    assert_sound(out, new)


def test_discontinuous_spans_move_fragment_by_fragment():
    text = "The town of Tel Abyad, north of Raqqa, fell to the SDF on Monday."
    aset = AnnotationSet(Document(text))
    aset.entities["T1"] = Entity("T1", "GPE", Span.from_fragments(text, [(12, 15), (32, 37)]))
    new = "Reports say: " + text
    out, report = reanchor(aset, new, old_length=len(text))
    assert out.entities["T1"].fragments == ((25, 28), (45, 50)) and out.entities["T1"].text == "Tel Raqqa"


def test_the_input_set_is_not_changed_and_a_second_pass_changes_nothing():
    new, _ = edit(ART, [(0, 0, "X. "), line(5)])
    before = {a.id: a for a in GOLD.all()}
    out, _ = reanchor(GOLD, new, old_length=len(ART))
    assert {a.id: a for a in GOLD.all()} == before
    again, report = reanchor(out, new, old_length=len(new))
    assert {a.id: a for a in again.all()} == {a.id: a for a in out.all()}
    assert not report.moved and all(x.earlier for x in report.lost)


def test_a_lost_span_is_found_again_when_the_article_changes_back():
    new, _ = edit(ART, [line(5)])
    out, _ = reanchor(GOLD, new, old_length=len(ART))
    assert lost_in(out)
    back, report = reanchor(out, ART, old_length=len(new))
    assert not report.lost and not lost_in(back)
    assert {a.id: a for a in back.all()} == {a.id: a for a in GOLD.all()}


def test_lost_offsets_are_clamped_into_a_shorter_article():
    new = ART[:100]
    out, report = reanchor(GOLD, new, old_length=len(ART))
    assert report.lost
    assert_sound(out, new)
    t90 = out.entities["T90"]
    assert t90.text == "Syria" and t90.fragments == ((99, 100),)


# ---------------------------------------------------------------------------
# Generated articles (hypothesis)
# ---------------------------------------------------------------------------

_VOCAB = "the said SDF Abdi Raqqa forces city army town near on of and Reuters told rebels Assad week".split()
_NEW_WORDS = st.sampled_from("QXA ZZB WWQ VVX JJK".split())


@st.composite
def articles(draw, vocab=_VOCAB, crlf=False):
    sentences = []
    for _ in range(draw(st.integers(2, 8))):
        words = draw(st.lists(st.sampled_from(vocab), min_size=2, max_size=9))
        sentences.append(" ".join(words) + ".")
    eol = "\r\n" if crlf else "\n"
    text = ""
    for s in sentences:
        text += s + draw(st.sampled_from([" ", eol, eol + eol]))
    return text


def annotate_tokens(text: str, keep) -> AnnotationSet:
    aset = AnnotationSet(Document(text))
    for k, m in enumerate(re.finditer(r"\w+", text), 1):
        if keep(k):
            aset.entities[f"T{k}"] = Entity(f"T{k}", "X", Span.of(text, m.start(), m.end()))
    return aset


@given(articles(), st.data())
@settings(max_examples=150, deadline=None)
def test_an_insertion_moves_every_span_exactly(text, data):
    """All tokens annotated, repeated words included; text inserted at a token start."""
    aset = annotate_tokens(text, lambda k: True)
    starts = [m.start() for m in re.finditer(r"\w+", text)] + [len(text)]
    words = data.draw(st.lists(_NEW_WORDS, min_size=1, max_size=6))
    new, where = edit(text, [(data.draw(st.sampled_from(starts)), 0, " ".join(words) + " ")])
    out, report = reanchor(aset, new, old_length=len(text))
    assert expect_moved(aset, out, where) == ([], [])
    assert not report.lost


def unique_words_text(data, n_sentences: int) -> tuple[str, list[str]]:
    """Sentences whose words never repeat (nothing is ambiguous)."""
    order = data.draw(st.permutations([f"w{i}x" for i in range(400)]))
    sentences, k = [], 0
    for _ in range(n_sentences):
        size = data.draw(st.integers(2, 8))
        sentences.append(" ".join(order[k : k + size]) + ".")
        k += size
    return "\n".join(sentences) + "\n", sentences


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_insertions_anywhere_move_every_span_exactly(data):
    text, _ = unique_words_text(data, data.draw(st.integers(2, 8)))
    aset = annotate_tokens(text, lambda j: data.draw(st.booleans()))
    assume(aset.entities)
    starts = [m.start() for m in re.finditer(r"\w+", text)] + [len(text)]
    at = sorted(set(data.draw(st.lists(st.sampled_from(starts), min_size=1, max_size=4))))
    edits = [(pos, 0, " ".join(data.draw(st.lists(_NEW_WORDS, min_size=1, max_size=6))) + " ") for pos in at]
    new, where = edit(text, edits)
    out, report = reanchor(aset, new, old_length=len(text))
    assert expect_moved(aset, out, where) == ([], [])
    assert not report.lost


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_deleted_sentences_lose_their_spans_only(data):
    """Words never repeat (no ambiguity): spans of deleted sentences lost, the others moved."""
    n = data.draw(st.integers(3, 8))
    text, sentences = unique_words_text(data, n)
    aset = annotate_tokens(text, lambda j: data.draw(st.booleans()) or j % 3 == 0)
    assume(aset.entities)
    kill = sorted(set(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n - 1))))
    assume(len(kill) < n)
    offsets = [0]
    for s in sentences:
        offsets.append(offsets[-1] + len(s) + 1)
    edits = [(offsets[i], offsets[i + 1] - offsets[i], "") for i in kill]
    new, where = edit(text, edits)
    out, report = reanchor(aset, new, old_length=len(text))
    assert expect_moved(aset, out, where) == ([], [])
    gone = {e.id for e in aset.entities.values() if where(e.start, e.end) is None}
    assert set(report.lost_ids) == gone


@given(articles(crlf=True), st.data())
@settings(max_examples=150, deadline=None)
def test_crlf_to_lf_moves_every_span_exactly(text, data):
    aset = annotate_tokens(text, lambda k: data.draw(st.booleans()))
    assume(aset.entities)
    new = text.replace("\r\n", "\n")
    crs = [m.start() for m in re.finditer("\r", text)]
    out, report = reanchor(aset, new, old_length=len(text))
    assert not report.lost
    for ent in aset.entities.values():
        got = out.entities[ent.id]
        shift = bisect.bisect_left(crs, ent.start)
        assert got.fragments == ((ent.start - shift, ent.end - shift),)


@given(articles(), st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_edit_never_puts_a_span_on_other_text(text, data):
    """Arbitrary edits, arbitrary subsets: what is found is on its own text; the rest is lost and kept."""
    aset = annotate_tokens(text, lambda k: data.draw(st.booleans()))
    assume(aset.entities)
    edits, used = [], []
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(text)))
        n = data.draw(st.integers(0, min(40, len(text) - pos)))
        if any(pos <= e and s <= pos + n for s, e in used):
            continue
        used.append((pos, pos + n))
        edits.append((pos, n, " ".join(data.draw(st.lists(st.sampled_from(_VOCAB), max_size=4)))))
    new, _ = edit(text, edits)
    assume(new.strip())
    out, report = reanchor(aset, new, old_length=len(text))
    assert len(report.moved) + len(report.lost) + report.unchanged == len(aset.entities)
    for ent in aset.entities.values():
        got = out.entities[ent.id]
        if is_lost(got):
            assert got.text == ent.text
        else:
            assert new[got.start : got.end] == got.text
            assert got.text == ent.text or any(m.id == ent.id and m.how == "similar" for m in report.moved)
    assert_sound(out, new)
    # the order of spans found is the order they had
    found = sorted((e for e in aset.entities.values() if not is_lost(out.entities[e.id])), key=lambda e: e.start)
    new_starts = [out.entities[e.id].start for e in found]
    assert new_starts == sorted(new_starts)


# ---------------------------------------------------------------------------
# Through the store: opening, validating, saving
# ---------------------------------------------------------------------------


@pytest.fixture
def changed(tmp_path):
    """The seed with its gold file, then the article edited: a line deleted and a name changed."""
    article = tmp_path / "seeds" / SEED.name
    article.parent.mkdir()
    article.write_text(ART, encoding="utf-8")
    ann = tmp_path / "annotations"
    yaml_path = ann / (SEED.stem + ".yaml")
    aset = store.new_set(read_article(article), yaml_path)
    for a in GOLD.all():
        aset.table(type(a))[a.id] = a
    store.save(aset, yaml_path)
    s, n, _ = line(5)
    new = ART[:s] + ART[s + n :]
    new = new.replace("Omar Abu Layla", "Omar Abou Layla")
    article.write_text("Updated.\n" + new, encoding="utf-8")
    return article, ann, yaml_path


def test_opening_a_changed_article_reanchors_and_reports(changed):
    article, ann, yaml_path = changed
    before = yaml_path.read_bytes()
    opened = store.read(store.annotation_path(article, ann), article=read_article(article), editing=True)
    report = opened.report
    assert report is not None and report.lost_ids == ["E8", "E9", "T36", "T37", "T38", "T39"]
    assert any(m.id == "T22" and m.new_text == "Omar Abou Layla" for m in report.moved)
    assert "6 not found" in report.summary()
    assert opened.sha256 == hashlib.sha256(before).hexdigest()
    text = article.read_text(encoding="utf-8")
    assert opened.aset.document.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert opened.aset.document.path == f"../seeds/{SEED.name}"
    assert_sound(opened.aset, text)
    assert store.read(store.annotation_path(article, ann), article=read_article(article), editing=True).checked().same_annotations(opened.aset)
    assert yaml_path.read_bytes() == before  # opening changes nothing on disk


def test_validate_lists_lost_spans_and_not_moved_ones(changed, capsys):
    article, ann, yaml_path = changed
    got = store.read(yaml_path)
    aset, probs, report = got.aset, got.problems, got.report
    assert report is not None and len(report.moved) > 100
    assert [p.message.split(" not found")[0] for p in probs] == [
        "span T36 'Deir el-Zor'",
        "span T37 'Syria'",
        "span T38 '2011'",
        "span T39 'Assad'",
        "span E8 trigger 'changed hands'",
        "span E9 trigger 'conflict'",
    ]
    lines = yaml_path.read_text().splitlines()
    for p in probs:
        assert p.line is not None and f"id: {p.message.split()[1]}" in lines[p.line - 1]
    assert main(["validate", str(yaml_path)]) == 2
    err = capsys.readouterr().err
    assert f"{yaml_path}:" in err and "span T36 'Deir el-Zor' not found in the changed article" in err


def test_saved_after_reanchoring_the_lost_spans_load_and_are_listed(changed):
    article, ann, yaml_path = changed
    opened = store.read(store.annotation_path(article, ann), article=read_article(article), editing=True)
    store.save(opened.aset, yaml_path)
    again = store.read(store.annotation_path(article, ann), article=read_article(article), editing=True)
    assert again.report is None  # the sha matches now
    assert again.aset.same_annotations(opened.aset)
    assert {x.id for x in lost_in(again.aset)} == {"E8", "E9", "T36", "T37", "T38", "T39"}
    probs = store.read(yaml_path).problems
    assert len(probs) == 6 and all("marked lost" in p.message for p in probs)
    assert all(p.line is not None for p in probs)
    # The article is put back: the lost spans are found again where they were.
    article.write_text(ART, encoding="utf-8")
    back = store.read(store.annotation_path(article, ann), article=read_article(article), editing=True)
    assert back.report is not None and not back.report.lost
    assert {a.id: a for a in back.aset.all()} == {a.id: a for a in GOLD.all()}


def test_a_file_with_wrong_spans_for_the_same_article_still_raises(changed):
    article, ann, yaml_path = changed
    article.write_text(ART, encoding="utf-8")
    yaml_path.write_text(yaml_path.read_text().replace("text: Orhan Qereman", "text: Orhan Q"))
    with pytest.raises(store.ValidationError):
        store.read(store.annotation_path(article, ann), article=read_article(article), editing=True).checked()


def test_a_changed_article_and_a_broken_file_still_raises(changed):
    article, ann, yaml_path = changed
    yaml_path.write_text(yaml_path.read_text().replace("label: PER", "label: 42"))
    with pytest.raises(store.ValidationError):
        store.read(store.annotation_path(article, ann), article=read_article(article), editing=True).checked()
