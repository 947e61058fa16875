"""The phrase matcher (``PhraseMatcher`` through ``find_many``) against a plain one.

``ref_find_all`` below says what the matcher promises in the plainest way: at each
word of the text (a maximal ``\\w+`` run), every length of the phrases under that
word is tried, longest first, against the phrases themselves in their order (no
index, no trie, no casefolded copy of the text). Hypothesis draws phrases and texts
from words and characters that matter to the matcher: phrases that are prefixes of
others and overlap, capitals, all-capitals, punctuation at the end of a phrase,
underscores and digits (word characters), and characters whose case changes their
length or their kind ("ß", "İ", "ﬁ", a combining ypogegrammeni, final sigma), with
which a text is not ``plain_text`` and the matcher takes its other path."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.phrases import PhraseMatcher, find_many, longest_first, plain_text

WORD = re.compile(r"\w+")


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def ref_find_all(phrases, text, fold=False):
    """For each word start: the longest phrase there (its end and payload), by brute force."""
    entries = []  # (phrase, payload, its first word casefolded), in order
    for phrase, payload in phrases:
        phrase = phrase.strip()
        m = WORD.match(phrase)
        if phrase and m is not None:
            entries.append((phrase, payload, m.group().casefold()))
    out = []
    n = len(text)
    for w in WORD.finditer(text):
        p = w.start()
        mine = [x for x in entries if x[2] == w.group().casefold()]
        for length in sorted({len(x[0]) for x in mine}, reverse=True):
            end = p + length
            if end > n:
                continue
            seg = text[p:end]
            if _word(seg[-1]) and end < n and _word(text[end]):
                continue  # ends inside a word
            same = [x for x in mine if len(x[0]) == length]
            hit = next((x for x in same if x[0] == seg), None)  # the first phrase spelled so
            if hit is None:
                if fold or (length > 2 and seg.isupper()):
                    hit = next((x for x in same if x[0].casefold() == seg.casefold()), None)
                elif seg[0].isupper():
                    hit = next((x for x in same if x[0] == seg[0].lower() + seg[1:]), None)
            if hit is not None:
                out.append((p, end, hit[1]))
                break
    return out


WORDS = [
    "al", "Al", "AL", "al-Bab", "Deir", "deir", "DEIR", "ez", "Zor", "zor", "the", "The", "THE", "forces", "Forces",
    "a", "A", "U", "S", "1", "2020", "x_y", "_", "São", "SÃO", "são", "Straße", "STRASSE", "strasse", "İdlib",
    "idlib", "ﬁre", "FIRE", "fire", "σ", "Σ", "ΟΔΟΣ", "οδος", "οδός", "ᾳ", "\u0345", "é", "É", "e\u0301",
]
SEPS = [" ", " ", " ", "  ", "-", ".", ". ", ", ", "\n", "'", "’", "", "\t", "("]
#: the words without the characters that make a text not plain (the fast path)
PLAIN_WORDS = [w for w in WORDS if plain_text(w)]


def _texts(words):
    return st.lists(st.tuples(st.sampled_from(words), st.sampled_from(SEPS)), max_size=30).map(
        lambda ps: "".join(w + s for w, s in ps)
    )


def _phrases(words):
    # a few words with separators, sometimes ending in a separator ("U.S."), stripped or not
    one = st.lists(st.tuples(st.sampled_from(words), st.sampled_from(SEPS)), min_size=1, max_size=4).map(
        lambda ps: "".join(w + s for w, s in ps[:-1]) + ps[-1][0] + (ps[-1][1] if ps[-1][1] in (".", "'") else "")
    )
    return st.lists(one, max_size=25)


@st.composite
def cases(draw, words):
    text = draw(_texts(words))
    phrases = draw(_phrases(WORDS))  # (in a plain text too: "Straße" is "STRASSE" casefolded)
    # pieces of the text itself, so that many phrases are found (prefixes of each other, overlapping)
    for _ in range(draw(st.integers(0, 12))):
        if text:
            s = draw(st.integers(0, len(text) - 1))
            e = draw(st.integers(s + 1, min(len(text), s + 30)))
            piece = text[s:e]
            piece = draw(st.sampled_from([piece, piece.lower(), piece.upper(), piece.capitalize(), piece.casefold()]))
            phrases.append(piece)
    return text, [(ph, k) for k, ph in enumerate(phrases)]  # the payload says which phrase it was


def _check(text, phrases, fold):
    got = PhraseMatcher(phrases, fold=fold).find_all(text)
    assert got == ref_find_all(phrases, text, fold)
    return got


@settings(max_examples=600, deadline=None)
@given(cases(PLAIN_WORDS), st.booleans())
def test_the_matcher_finds_what_a_plain_search_finds_in_plain_texts(case, fold):
    text, phrases = case
    assert plain_text(text)
    _check(text, phrases, fold)


@settings(max_examples=600, deadline=None)
@given(cases(WORDS), st.booleans())
def test_the_matcher_finds_what_a_plain_search_finds_in_any_text(case, fold):
    text, phrases = case
    _check(text, phrases, fold)


@settings(max_examples=200, deadline=None)
@given(cases(WORDS), cases(PLAIN_WORDS))
def test_find_many_is_each_matcher_alone(a, b):
    """Several matchers in one pass: each gets what it finds alone (and find keeps the longest)."""
    text = a[0] + " " + b[0]
    matchers = [PhraseMatcher(a[1]), PhraseMatcher(b[1], fold=True), PhraseMatcher(a[1] + b[1])]
    together = find_many(text, matchers)
    for m, got, fold, phrases in zip(matchers, together, (False, True, False), (a[1], b[1], a[1] + b[1])):
        assert got == longest_first(ref_find_all(phrases, text, fold)) == m.find(text)


def test_examples():
    phrases = [("Deir ez-Zor", "GPE"), ("Deir", "X"), ("Deir ez", "Y"), ("U.S.", "GPE"), ("U.S", "Z"), ("the forces", "F")]
    text = "DEIR EZ-ZOR and Deir ez-Zorro, deir ez; the U.S. and U.S, The forces"
    got = _check(text, phrases, False)
    assert [(text[s:e], v) for s, e, v in got] == [
        ("DEIR EZ-ZOR", "GPE"), ("Deir ez", "Y"), ("U.S.", "GPE"), ("U.S", "Z"), ("The forces", "F"),
    ]
    # "ß" casefolds to "ss": not plain, the other path; the same answers
    assert not plain_text("Straße") and plain_text(text)
    assert _check("STRASSE Straße strasse", [("Straße", 1), ("strasse", 2)], False) == [(0, 7, 2), (8, 14, 1), (15, 22, 2)]
    # in a plain text, "Straße" (6 characters) is not "STRASSE" (7), though both casefold to "strasse"
    assert _check("STRASSE", [("strasse", 2), ("Straße", 1)], False) == [(0, 7, 2)]
    assert _check("STRASSE", [("Straße", 1), ("strasse", 2)], True) == [(0, 7, 2)]
    assert _check("Straße STRASSE", [("Straße", 1)], True) == [(0, 6, 1)]


@settings(max_examples=300, deadline=None)
@given(_texts(WORDS))
def test_a_plain_text_casefolds_to_the_same_words_at_the_same_places(text):
    if plain_text(text):
        folded = text.casefold()
        assert len(folded) == len(text)
        assert [m.span() for m in WORD.finditer(folded)] == [m.span() for m in WORD.finditer(text)]
        assert [m.group() for m in WORD.finditer(folded)] == [m.group().casefold() for m in WORD.finditer(text)]
        for c in set(text):
            assert c.lower().casefold() == c.casefold()
    else:
        assert any(len(c.casefold()) != 1 or _word(c.casefold()) != _word(c) or c.lower().casefold() != c.casefold()
                   for c in text)


def ref_longest_first(matches):
    """``longest_first`` as it was: every cluster sorted, longest first, and each match
    kept when it overlaps none kept before."""
    if not matches:
        return []
    ordered = sorted(matches, key=lambda m: (m[0], m[1]))
    chosen, cluster, end = [], [], -1

    def resolve(cluster):
        kept = []
        for m in sorted(cluster, key=lambda m: (m[0] - m[1], m[0])):
            if all(m[1] <= k[0] or k[1] <= m[0] for k in kept):
                kept.append(m)
        kept.sort(key=lambda m: (m[0], m[1]))
        return kept

    for m in ordered:
        if m[0] >= end and cluster:
            chosen.extend(resolve(cluster))
            cluster = []
        cluster.append(m)
        if m[1] > end:
            end = m[1]
    chosen.extend(resolve(cluster))
    return chosen


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=30))
def test_longest_first_is_what_it_was(spans):
    """Clusters of two inline: the same as before, with equal spans and empty ones too."""
    matches = [(s, s + n, i) for i, (s, n) in enumerate(spans)]
    assert longest_first(matches) == ref_longest_first(matches)


@settings(max_examples=300, deadline=None)
@given(cases(WORDS), st.lists(st.integers(0, 200), max_size=3))
def test_find_many_by_parts_is_find_many(case, ats):
    """The hits of consecutive parts of a text (cut where no word crosses), one
    after the other, are the whole text's (what ``find_many_beside`` joins)."""
    from annotator.suggest.entities import GROUP_HEADS, RELATIVE_DATES
    from annotator.suggest.phrases import word_cut

    text, phrases = case
    text = text + " last week in a year, the forces"
    matchers = [PhraseMatcher(phrases), PhraseMatcher(phrases, fold=True), RELATIVE_DATES, GROUP_HEADS]
    whole = find_many(text, matchers, resolve=False)
    cuts = sorted({c for c in (word_cut(text, min(a, len(text))) for a in ats) if c is not None})
    joined = [[] for _ in matchers]
    for lo, hi in zip([0, *cuts], [*cuts, None]):
        for mine, got in zip(joined, find_many(text, matchers, resolve=False, part=(lo, hi))):
            mine.extend(got)
    assert joined == whole
    for c in cuts:
        assert not (text[c - 1].isalnum() or text[c - 1] == "_")


def test_find_many_beside_is_find_many():
    """The worker's part of the words and this process's: the same hits as one pass."""
    from annotator.suggest import phrases as ph

    words = ["Deir", "ez-Zor", "the", "forces", "of", "Raqqa", "said", "DEIR", "EZ-ZOR", "x_y", "U.S.", "1"]
    text = " ".join(words[(k * 7 + k // 3) % len(words)] for k in range(40_000))
    phrases = [("Deir ez-Zor", 1), ("the forces", 2), ("forces of Raqqa", 3), ("U.S.", 4), ("Raqqa", 5), ("said", 6)]
    for t in (text, text + " Straße"):  # plain, and not
        matchers = [PhraseMatcher(phrases), PhraseMatcher(phrases, fold=True)]
        alone = find_many(t, matchers)
        assert len(t) >= ph.BESIDE_MIN and alone[0]
        assert ph.find_many_beside(t, matchers) == alone


@settings(max_examples=200, deadline=None)
@given(cases(WORDS), st.floats(0.05, 0.95), st.integers(1, 6), st.booleans())
def test_find_many_beside_resolves_each_part_as_one_pass_does(case, share, last, plain):
    """A worker resolves its part's clusters of hits that start past the reach of
    this part's hits, this process its own but the last, then the clusters
    between: the same matches as resolved in one pass, wherever the text is cut
    (hits across the cut, clusters of many, texts plain or not)."""
    from unittest.mock import patch

    from annotator import forked
    from annotator.suggest import phrases as ph
    from annotator.suggest.entities import GROUP_HEADS, RELATIVE_DATES

    if not forked.spare_core(True):
        return
    text, phrases = case
    text = (text if plain or not plain_text(text) else text + " Straße") + " last week in a year, the forces"
    matchers = [PhraseMatcher(phrases), PhraseMatcher(phrases, fold=True), RELATIVE_DATES, GROUP_HEADS]
    alone = find_many(text, matchers)
    with patch.object(ph, "BESIDE_MIN", 0), patch.object(ph, "BESIDE_SHARE", share), patch.object(ph, "LAST_HITS", last):
        assert ph.find_many_beside(text, matchers) == alone


def test_a_hit_across_the_cut_is_resolved_with_the_workers_hits():
    """This part's "the forces" goes on past the cut, into the worker's "forces of
    Raqqa", which is longer: the one kept, as in one pass (the worker resolves only
    what starts past the reach of this part's longest phrase)."""
    from unittest.mock import patch

    from annotator import forked
    from annotator.suggest import phrases as ph

    if not forked.spare_core(True):
        return
    text = "x " * 300 + "the forces of Raqqa said " + "y " * 300
    at = text.index("the forces") + 3  # the cut: just after "the "
    matchers = [PhraseMatcher([("the forces", 1), ("forces of Raqqa", 2), ("said", 3)])]
    alone = find_many(text, matchers)
    assert [x[2] for x in alone[0]] == [2, 3]
    with patch.object(ph, "BESIDE_MIN", 0), patch.object(ph, "BESIDE_SHARE", 1 - (at + 0.5) / len(text)):
        assert ph.word_cut(text, int(len(text) * (1 - ph.BESIDE_SHARE))) == at + 1
        assert ph.find_many_beside(text, matchers) == alone
