"""The suggesters' faster code against the straightforward code it replaced.

Each reference below is the implementation as it was before it was made faster;
hypothesis draws texts with the characters that matter to it (capitals, spaces,
tabs, quotes, apostrophes, dots, hyphens, digits, newlines, non-ASCII letters,
underscores) and checks that both give the same answer everywhere."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest import entities as en
from annotator.suggest import lexicon as lx
from annotator.suggest.context import WORD_CHARS, prev_word, word_after, word_before
from annotator.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "seeds" / "sdf-captures-deir-el-zor.txt").read_text(encoding="utf-8")

# -- references ------------------------------------------------------------------------------


def ref_word_before(text: str, s: int) -> str:
    i = s
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in WORD_CHARS) and i - j < 40:
        j -= 1
    return text[j:i]


def ref_word_after(text: str, e: int) -> str:
    n = len(text)
    i = e
    while i < n and text[i] in " \t":
        i += 1
    j = i
    while j < n and (text[j].isalnum() or text[j] in "-'\u2019_") and j - i < 40:
        j += 1
    return text[i:j]


def ref_prev_word(text: str, lo: int, hi: int):
    i = hi
    while i > lo and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > lo and (text[j - 1].isalnum() or text[j - 1] in WORD_CHARS) and i - j < 40:
        j -= 1
    return (j, i) if j < i else None


def ref_one_name(text, s, e, name, sentence_start, titled):
    if " " not in name:
        if name in lx.MONTHS or name in lx.WEEKDAYS:
            if name == "May" and sentence_start:
                return None
            after = ref_word_after(text, e)
            if name in lx.WEEKDAYS and after in lx.DAYPARTS:
                return s, text.index(after, e) + len(after), "DATE", 0.5, "date-word"
            return s, e, "DATE", 0.5, "date-word"
    m = en._FAC_AFTER.match(text, e)
    if m:
        return s, m.end(), "FAC", 0.45, "facility-word"
    m = en._NUMBER_AFTER.match(text, e)
    if m and not en._known(name):
        return s, m.end(), "ORG", 0.35, "name-number"
    label, score, rule = en._guess(text, s, e, name, titled)
    return s, e, label, score, rule


def ref_split_run(text, s, e, sentence_start):
    words = []
    p = s
    for w in text[s:e].split(" "):
        words.append((p, p + len(w)))
        p += len(w) + 1
    titled = False
    while words:
        w = text[words[0][0] : words[0][1]]
        if w in lx.STOP:
            words.pop(0)
            sentence_start = False
            continue
        if w in lx.TITLES and len(words) > 1 and not any(text[a:b] in lx.ORG_WORDS for a, b in words):
            titled = True
            words.pop(0)
            continue
        break
    if not words:
        return None
    s, e = words[0][0], words[-1][1]
    return ref_one_name(text, s, e, text[s:e], sentence_start, titled)


def ref_name_candidates(text, sents):
    starts = set(sents.starts)
    runs = []
    for m in en._NAME_RUN.finditer(text):
        s = m.start()
        j = s
        while j > 0 and text[j - 1] in en._OPENERS:
            j -= 1
        runs.append((s, m.end(), m.group(), j in starts or j == 0 or text[j - 1] == "\n"))
    for m in en._DATELINE.finditer(text):
        yield m.start(1), m.end(1), "GPE", 0.5, "dateline"
    for m in en._YEAR.finditer(text):
        yield m.start(), m.end(), "DATE", 0.45, "year"
    for m in en._RELATIVE_DATE.finditer(text):
        yield m.start(), m.end(), "DATE", 0.4, "relative-date"
    cands = []
    for s, e, run, first in runs:
        if " " not in run:
            if run in lx.STOP:
                continue
            got = ref_one_name(text, s, e, run, first, False)
            if got is not None:
                cands.append(got)
            continue
        for seg_s, seg_e in en._segments(text, s, e):
            got = ref_split_run(text, seg_s, seg_e, first and seg_s == s)
            if got is not None:
                cands.append(got)
    yield from en._consistent(text, cands)


# -- texts ---------------------------------------------------------------------------------

CHARS = st.sampled_from(list("aAbBzZ \t\n.-'\u2019_\"(“0129éÉßİſ,;:") + ["Syria", "The", "Mr", "of", "al-", "SDF"])
TEXTS = st.lists(CHARS, max_size=120).map("".join)

WORDS = st.sampled_from(
    [
        "The", "In", "Mr", "President", "of", "the", "for", "Syria", "Syrian", "Democratic", "Forces", "SDF",
        "Deir", "el-Zor", "Mazlum", "Abdi", "Friday", "afternoon", "May", "said", "Reuters", "Ministry",
        "Defence", "U.S.", "Iraqi", "Tehran", "border", "crossing", "24", "(SDF)", "who", "a", "spokesman",
        "2019", "last", "week", "HASAKEH", "Kurdish", "Observatory", "Human", "Rights", "Albu", "Kamal",
        "\n", ",", ".", "\"", "“", "al-Assad", "airport", "7", "Kamal,", "Friday,", "Bashar", "France", "de", "la", "Saudi", "Arabia", "in",
    ]
)
NEWS = st.lists(WORDS, max_size=60).map(lambda ws: " ".join(ws).replace(" \n ", "\n"))


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_words_around_a_position_as_before(text, data):
    p = data.draw(st.integers(0, len(text)))
    assert word_before(text, p) == ref_word_before(text, p)
    assert word_after(text, p) == ref_word_after(text, p)
    lo = data.draw(st.integers(0, p))
    assert prev_word(text, lo, p) == ref_prev_word(text, lo, p)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60), st.data())
def test_words_around_a_position_as_before_any_character(text, data):
    p = data.draw(st.integers(0, len(text)))
    assert word_before(text, p) == ref_word_before(text, p)
    assert word_after(text, p) == ref_word_after(text, p)
    lo = data.draw(st.integers(0, p))
    assert prev_word(text, lo, p) == ref_prev_word(text, lo, p)


@settings(max_examples=300, deadline=None)
@given(st.one_of(NEWS, TEXTS))
def test_name_candidates_as_before(text):
    sents = split_sentences(text)
    assert list(en.name_candidates(text, sents)) == list(ref_name_candidates(text, sents))


def test_name_candidates_as_before_on_the_seed_and_a_long_word():
    cases = (
        SEED, SEED * 3, "A" + "b" * 60 + " said", "x" * 50 + " Syria",
        "The May report. In May the SDF said.", "“The May Syria talks”, Mr Abdi said.",
    )
    for text in cases:
        sents = split_sentences(text)
        assert list(en.name_candidates(text, sents)) == list(ref_name_candidates(text, sents))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=30), st.integers(0, 70), st.integers(0, 8))
def test_entity_index_overlapping_as_before(spans, a, width):
    from annotator.suggest.context import Ent, EntityIndex

    index = EntityIndex([Ent(s, s + n, "PER", f"T{i}") for i, (s, n) in enumerate(spans)])
    b = a + width
    i = __import__("bisect").bisect_left(index.starts, b)
    assert index.overlapping(a, b) == any(x.end > a for x in index.by_start[max(0, i - 8) : i])


# -- regexes tried at the words find_many visits, against their own finditer ----------------

from annotator.suggest import events as ev  # noqa: E402
from annotator.suggest.phrases import RegexAtWords, find_many, first_words  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
import re  # noqa: E402

PHRASE_WORDS = st.sampled_from(
    [
        "took", "Took", "TAKE", "take", "control", "full", "effective", "changed", "hands", "recaptured",
        "overran", "press", "news", "conference", "peace", "talks", "last", "week", "this", "month", "earlier",
        "later", "in", "a", "year", "next", "weekend", "army", "forces", "Forces", "fighters", "militias",
        "retake", "hands-on", "_take", "take_", "İ", "ß", "K", "\u212a", "'", "-", ".", ",", "\n", "“",
    ]
)
PHRASE_TEXTS = st.lists(PHRASE_WORDS, max_size=40).map(" ".join)
SEPARATED = st.lists(st.tuples(PHRASE_WORDS, st.sampled_from([" ", "", "-", "\n", ". ", "  "])), max_size=40).map(
    lambda ps: "".join(w + sep for w, sep in ps)
)


def ref_phrase_hits(schema, text):
    """events() before: each type's regex over the lower-cased text (folded when lower-casing changes the length)."""
    out = []
    low = text.lower()
    if len(low) != len(text):
        low = None
    for type_, patterns in lx.TRIGGER_PHRASES.items():
        if schema.has_event(type_):
            rx = ev._phrase_regex(tuple(patterns), low is None)
            for m in rx.finditer(text if low is None else low):
                out.append((m.start(), m.end(), (type_, ev.SCORE_TRIGGER_SCHEMA, "trigger-phrase")))
    return out


def _at_words_cases(text):
    schema = default_schema()
    phrases = ev.phrase_matchers(schema, text)
    got = find_many(text, [*phrases, en.RELATIVE_DATES, en.GROUP_HEADS])
    assert [h for per in got[: len(phrases)] for h in per] == ref_phrase_hits(schema, text)
    assert [(s, e) for s, e, _ in got[-2]] == [m.span() for m in en._RELATIVE_DATE.finditer(text)]
    assert [(s, e) for s, e, _ in got[-1]] == [m.span() for m in en._GROUP_HEAD.finditer(text)]
    assert [(s, e) for s, e, _ in en.RELATIVE_DATES.find(text)] == [m.span() for m in en._RELATIVE_DATE.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.one_of(PHRASE_TEXTS, SEPARATED, NEWS, TEXTS))
def test_regexes_at_words_find_what_finditer_finds(text):
    _at_words_cases(text)


def test_regexes_at_words_on_the_seed():
    for text in (SEED, SEED.lower(), SEED.upper(), SEED.replace("Syria", "İSyria"), "took control took control"):
        _at_words_cases(text)


def test_first_words_read_from_the_pattern_or_none():
    assert first_words(re.compile(r"\b(?:take|took) (?:full )?control\b")) == {"take", "took"}
    assert first_words(re.compile(r"\b(?:take|x)s?\b")) == {"take", "takes", "x", "xs"}
    assert first_words(re.compile(r"(?<=\bin )a (?:week|year)\b")) == {"a"}
    assert first_words(en._RELATIVE_DATE) == {"earlier", "later", "last", "this", "next", "past", "a"}
    # a word that may go on, a match that may start inside a word, a class, any case: not read
    for p in (r"\btake", r"take\b", r"\b[Tt]ake\b", r"\b(?i:take)\b", r"\bta+ke\b", r"(?<![\w.])\d{4}\b", r"\b\w+\b"):
        assert first_words(re.compile(p)) is None, p
    assert first_words(re.compile(r"\btake\b", re.I)) is None


@settings(max_examples=200, deadline=None)
@given(PHRASE_TEXTS, st.sampled_from([r"\btake\b", r"take", r"\b(?:took|take)s?\b", r"\b[Tt]ook\b", r"(?<=in )a\b"]))
def test_regex_at_words_any_pattern_as_finditer(text, pattern):
    rx = re.compile(pattern)
    assert [(s, e) for s, e, _ in RegexAtWords(rx, None).find(text)] == [m.span() for m in rx.finditer(text)]


# -- merge against the merge it replaced ---------------------------------------------------------


def test_merge_as_before_on_the_seed_in_every_state():
    from annotator import store
    from annotator.articles import read_article
    from annotator.model import ACCEPTED, REJECTED, AnnotationSet, with_status
    from annotator.suggest.base import merge
    from annotator.suggest.rules import RulesSuggester

    from ._ref_merge import ref_merge

    seed_path = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
    schema = default_schema()
    gold = store.read(store.annotation_path(seed_path, ROOT / "annotations"), article=read_article(seed_path), schema=schema, editing=True).checked()
    sugg = RulesSuggester(schema, None)
    empty = AnnotationSet(gold.document)
    props = sugg.propose(empty)
    first = merge(empty, props, "rules")
    assert first == ref_merge(empty, props, "rules")
    held = empty.copy()
    for i, a in enumerate(first):
        held.table(type(a))[a.id] = with_status(a, (ACCEPTED, REJECTED)[i % 2], "alice") if i % 3 else a
    for aset in (gold, held):
        p = sugg.propose(aset)
        assert merge(aset, p, "rules") == ref_merge(aset, p, "rules")
        assert merge(aset, p, "other") == ref_merge(aset, p, "other")


def test_fast_constructors_make_the_same_objects():
    from annotator.model import NO_ATTRS, Argument, Entity, Event, Span
    from annotator.suggest.base import new_entity, new_event, new_span

    sp = new_span(((1, 3),), "ab")
    assert sp == Span(((1, 3),), "ab")
    assert new_entity("T1", "PER", sp, "suggested", "rules:x", 0.5, None, NO_ATTRS) == Entity("T1", "PER", sp, "suggested", "rules:x", 0.5)
    args = (Argument("Agent", "T1"),)
    assert new_event("E1", "Conflict.Attack", sp, args, "accepted", "r", 0.6, None, NO_ATTRS) == Event("E1", "Conflict.Attack", sp, args, by="r", score=0.6)


_OLD_YEAR = __import__("re").compile(r"(?<![\w.,])(?:1[89]\d\d|20\d\d)(?![\w])")  # the year rule as it was


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("1289020 .,\n\tax_\u0661\u00e9")), max_size=40))
def test_years_are_found_as_before(text):
    """The year pattern with its look back moved after the first digits finds what it found."""
    assert [m.span() for m in en._YEAR.finditer(text)] == [m.span() for m in _OLD_YEAR.finditer(text)]


def test_years_in_the_seed_and_a_generated_article_are_found_as_before():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from gen import make_article

    for text in (SEED, make_article(200_000, seed=3)):
        assert [m.span() for m in en._YEAR.finditer(text)] == [m.span() for m in _OLD_YEAR.finditer(text)]


def test_merge_as_before_whoever_made_the_pending_suggestions():
    """The merge asks once per ``by`` value whether a pending suggestion is its
    suggester's (``is_from``): the same as asking for each, whatever they hold."""
    from dataclasses import replace

    from annotator.model import AnnotationSet, Entity, Event
    from annotator.suggest.base import merge
    from annotator.suggest.rules import RulesSuggester

    from ._ref_merge import ref_merge

    sugg = RulesSuggester(default_schema(), None)
    empty = AnnotationSet(_seed_doc())
    props = sugg.propose(empty)
    first = merge(empty, props, "rules")
    bys = ["rules", "rules:gazetteer", "rulesx:gazetteer", None, "spacy:rules", "spacy:en:ner", "alice", "rules:"]
    held = AnnotationSet(empty.document)
    for i, a in enumerate(first):  # (another label or type: a proposal there is new unless one of "mine" blocks it)
        other = {"label": "MISC"} if isinstance(a, Entity) else {"type": "X.Y"} if isinstance(a, Event) else {}
        held.table(type(a))[a.id] = replace(a, by=bys[i % len(bys)], **other)
    assert len({a.by for a in held.entities.values()}) == len(bys)
    for name in ("rules", "spacy:en", "alice"):
        p = sugg.propose(held)
        got = merge(held, p, name)
        assert got == ref_merge(held, p, name)
    p = sugg.propose(held)
    assert 0 < len(merge(held, p, "rules")) < len(merge(held, p, "alice"))  # (some blocked, some not)


def _seed_doc():
    from annotator.articles import read_article

    return read_article(ROOT / "seeds" / "sdf-captures-deir-el-zor.txt")


def test_existing_entities_as_before():
    from annotator.model import ACCEPTED, REJECTED, SUGGESTED, AnnotationSet, Document, Entity, Span
    from annotator.suggest.context import Ent
    from annotator.suggest.rules import existing_entities

    text = "Abu Layla went to Deir el-Zor and Raqqa."
    aset = AnnotationSet(Document(text))
    spans = [((0, 9),), ((18, 22), (23, 29)), ((34, 39),), ((18, 29),), ((0, 3),)]
    for i, (frags, status) in enumerate(zip(spans, (ACCEPTED, ACCEPTED, REJECTED, SUGGESTED, SUGGESTED))):
        aset.entities[f"T{i + 1}"] = Entity(f"T{i + 1}", "GPE", Span(frags, "x"), status, "rules")
    ref = [
        Ent(e.start, e.end, e.label, e.id)
        for e in aset.entities.values()
        if not e.span.discontinuous and e.status != REJECTED
    ]
    assert existing_entities(aset) == ref == [Ent(0, 9, "GPE", "T1"), Ent(18, 29, "GPE", "T4"), Ent(0, 3, "GPE", "T5")]


def ref_is_noise(phrase: str) -> bool:
    words = [w for w in phrase.casefold().replace("-", " ").split() if any(c.isalpha() for c in w)]
    return not words or all(w.strip(".,;:'\"’()") in lx.FUNCTION_WORDS for w in words)


_NOISE_WORDS = ["the", "The", "OF", "of-the", "he", "Deir", "ez-Zor", "1", "2020", "x", "’s", "(the", "the,", "é", "İ", "ﬁ"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NOISE_WORDS), st.sampled_from([" ", "-", "  ", "\t", ".", ""])), max_size=5))
def test_is_noise_is_the_reference(parts):
    """The first word with a letter that is no function word answers: the same as
    looking at every word first (function words, digits, punctuation, hyphens)."""
    phrase = "".join(w + sep for w, sep in parts)
    assert lx.is_noise(phrase) == ref_is_noise(phrase)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["PER", "ORG", "GPE", "LOC"]), st.integers(1, 3)), min_size=1, max_size=5))
def test_the_most_common_label_is_counters(votes):
    """The gazetteer's label of a learned name: ``max`` of its votes (or its one
    label), the same as ``Counter.most_common(1)``, the first of equal counts."""
    from collections import Counter

    from annotator.suggest.learned import most_common

    c = Counter()
    for label, n in votes:
        c[label] += n
    assert most_common(c) == c.most_common(1)[0]


def ref_learn_entity(know, text: str, label: str, status: str) -> None:
    from collections import Counter

    from annotator.model import ACCEPTED, REJECTED

    if status == ACCEPTED:
        know.entities.setdefault(text, Counter())[label] += 1
    elif status == REJECTED:
        know.rejected.add((text, label))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Raqqa", "raqqa", "SDF", "he"]), st.sampled_from(["GPE", "ORG", "PER"]),
                          st.sampled_from(["accepted", "rejected", "suggested"]), st.booleans()), max_size=12))
def test_learn_set_learns_each_contiguous_entity(rows):
    """``learn_set``'s inline loop: what ``ref_learn_entity`` (the method it had)
    of each contiguous entity learns (accepted names voted in their order,
    rejected pairs), discontinuous ones left out."""
    from annotator.model import AnnotationSet, Document, Entity, Span
    from annotator.suggest.learned import Knowledge

    text = "Raqqa raqqa SDF he " * 2
    aset = AnnotationSet(Document(text))
    for n, (word, label, status, split) in enumerate(rows):
        s = text.index(word + " ")
        span = Span(((s, s + 2), (s + 3, s + len(word))), word[:2] + " " + word[3:]) if split and len(word) > 3 else Span.of(text, s, s + len(word))
        aset.entities[f"T{n}"] = Entity(f"T{n}", label, span, status, "alice")
    got, want = Knowledge(), Knowledge()
    got.learn_set(aset)
    for e in aset.entities.values():
        if not e.span.discontinuous:
            ref_learn_entity(want, e.text, e.label, e.status)
    assert got.entities == want.entities and list(got.entities) == list(want.entities)
    assert {t: list(v.items()) for t, v in got.entities.items()} == {t: list(v.items()) for t, v in want.entities.items()}
    assert got.rejected == want.rejected
