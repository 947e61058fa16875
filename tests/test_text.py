"""Tokens, sentences, display widths and word wrap (annotator.text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from annotator import text as T
from annotator.text import (
    Layout,
    TextIndex,
    char_cells,
    clusters,
    split_sentences,
    str_cells,
    tokenize,
    wrap,
)

# Pieces that make hard text: wide, zero-width, right-to-left, tabs, CRLF, emoji.
PIECES = [
    "a", "b", "Zy", "word", "1", "2,000", " ", "  ", "\t", "\n", "\r\n", ".", ". ", "-", "'", "\u2019s",
    "U.S.", "Mr.", "\u4e16", "\u754c", "\u65e5\u672c", "e\u0301", "\u0301", "\U0001F600", "\U0001F468\u200d\U0001F469",
    "\u2764\ufe0f", "\u200b", "\u200f", "\u0645\u0631\u062d\u0628\u0627", "\u064b", "\xa0", "_", "\x00", "\u3000",
    "\U0001F44D\U0001F3FD", "\u0915\u093f", "?", "\u201cQuote\u201d",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
widths = st.integers(min_value=1, max_value=30)


def toks(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


# -- tokens ---------------------------------------------------------------------


@pytest.mark.parametrize("extra", ["", " \u65e5"])  # the plain pattern, and the full one (CJK in the text)
def test_a_word_snaps_to_initialisms_and_contractions_whole(extra):
    """The cursor's token (what a digit labels, what a span snaps to): U.S. is one
    token, with its periods, or without the last one; a contraction is one word
    (don't, can\u2019t: the span users expect, not spaCy's do + n't); a possessive
    's is its own token, as in spaCy and the PTB."""
    text = "The U.S. and U.S.A, or the U.S, don't; can\u2019t (U.S.) U.S.-backed Syria's" + extra
    got = toks(text)
    assert got[:17] == [
        "The", "U.S.", "and", "U.S.A", ",", "or", "the", "U.S", ",", "don't", ";", "can\u2019t",
        "(", "U.S.", ")", "U.S.", "-",
    ]
    assert got[17:20] == ["backed", "Syria", "'s"]
    assert [text[s:e] for s, e in T.tokenize_in_parts(text + "\n", part=8)] == got


def test_tokens_of_a_news_sentence():
    text = "HASAKEH, Syria (Reuters) -A U.S.-backed alliance led by Syria\u2019s Kurds didn't say."
    assert toks(text) == [
        "HASAKEH", ",", "Syria", "(", "Reuters", ")", "-", "A", "U.S.", "-", "backed", "alliance",
        "led", "by", "Syria", "\u2019s", "Kurds", "didn't", "say", ".",
    ]


def test_tokens_numbers_abbreviations_and_apostrophes():
    assert toks("Mr. O'Brien paid $3.5bn, or 1,000 at 10:30 in 2011.") == [
        "Mr.", "O'Brien", "paid", "$", "3.5bn", ",", "or", "1,000", "at", "10:30", "in", "2011", ".",
    ]
    assert toks("e.g. Gen. Smith's") == ["e.g.", "Gen.", "Smith", "'s"]
    assert toks("xMr. A.") == ["xMr", ".", "A", "."]


def test_tokens_unicode():
    assert toks("\u65e5\u672c\u8a9e") == ["\u65e5", "\u672c", "\u8a9e"]  # one ideograph each
    assert toks("cafe\u0301 bar") == ["cafe\u0301", "bar"]  # combining mark stays in its word
    assert toks("\u0645\u064e\u0631\u062d\u0628\u0627 \u0628\u0643") == ["\u0645\u064e\u0631\u062d\u0628\u0627", "\u0628\u0643"]
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert toks(f"hi {family}!") == ["hi", family, "!"]
    assert toks("\u2764\ufe0f x") == ["\u2764\ufe0f", "x"]


def test_token_navigation():
    text = "Two  words, here."
    tk = tokenize(text)
    assert tk.token_at(0) == (0, 3)
    assert tk.token_at(2) == (0, 3)
    assert tk.token_at(3) is None  # whitespace
    assert tk.nearest(3) == (5, 10)
    assert tk.next_token(0) == (5, 10)
    assert tk.next_token(4) == (5, 10)
    assert tk.next_token(16) is None
    assert tk.prev_token(5) == (0, 3)
    assert tk.prev_token(4) == (0, 3)
    assert tk.prev_token(0) is None
    assert list(tk.overlapping(2, 11)) == [0, 1, 2]
    assert list(tk.overlapping(3, 5)) == []
    idx = TextIndex(text)
    assert idx.token_at(6) == (5, 10) and idx.next_token(6) == (10, 11) and idx.prev_token(6) == (0, 3)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_tokens_cover_every_non_space_char_once(text):
    tk = tokenize(text)
    covered = []
    last_end = 0
    for s, e in tk:
        assert last_end <= s < e <= len(text)
        assert not any(c.isspace() for c in text[s:e]), (text, s, e)
        covered.extend(range(s, e))
        last_end = e
    assert covered == [i for i, c in enumerate(text) if not c.isspace()]


def test_marks_table_is_every_combining_mark_of_the_bmp():
    import re
    import unicodedata

    marks = re.compile(f"[{T._MARKS}]")
    for cp in range(0x300, 0x10000):
        ch = chr(cp)
        assert bool(marks.match(ch)) == (unicodedata.category(ch)[0] == "M"), hex(cp)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if not T._needs_full_tokens(p)]), max_size=60).map("".join))
def test_plain_text_tokens_same_with_the_light_pattern(text):
    """Articles without marks, CJK or emoji get a pattern that compiles fast: same tokens."""
    assert not T._needs_full_tokens(text)
    light = T._token_re(False).findall(text)
    full = T._token_re(True).findall(text)
    assert light == full


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=0, max_value=300))
def test_token_lookups_agree(text, offset):
    tk = tokenize(text)
    spans = list(tk)
    inside = [sp for sp in spans if sp[0] <= offset < sp[1]]
    assert tk.token_at(offset) == (inside[0] if inside else None)
    after = [sp for sp in spans if sp[0] > offset]
    assert tk.next_token(offset) == (after[0] if after else None)
    cur = inside[0][0] if inside else offset
    before = [sp for sp in spans if sp[0] < cur]
    assert tk.prev_token(offset) == (before[-1] if before else None)


# -- sentences ------------------------------------------------------------------


def sents(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_rules():
    text = 'Mr. Smith went to the U.S. on Friday. He said: "No." "Really?" she asked! 3 died.\nNew line here'
    assert sents(text) == [
        "Mr. Smith went to the U.S. on Friday.",
        'He said: "No."',
        '"Really?" she asked!',
        "3 died.",
        "New line here",
    ]
    assert sents("it is 3.5 percent. and lower case follows") == ["it is 3.5 percent. and lower case follows"]
    assert sents("  \n\n") == []
    assert split_sentences("").sentence_at(0) == (0, 0)


def test_sentence_at():
    text = "One two. Three four.\r\nFive."
    ss = split_sentences(text)
    assert ss.sentence_at(0) == (0, 8)
    assert ss.sentence_at(8) == (0, 8)  # the space after a sentence belongs to it
    assert ss.sentence_at(10) == (9, 20)
    assert ss.sentence_at(len(text) - 1) == (22, 27)
    assert TextIndex(text).sentence_at(23) == (22, 27)


def test_sentences_at_newlines():
    """The project's one splitter (the app's ``)``/``(`` and the suggesters'
    sentences): a line break ends a sentence, a paragraph of lines gives no empty
    or blank sentence, and every sentence is trimmed of the spaces around it."""
    # A headline without a full stop, a dateline paragraph, a final line without one.
    text = "SDF captures city\nHASAKEH, Syria (Reuters) - A U.S.-backed alliance said. It won.\nNo stop here"
    assert sents(text) == [
        "SDF captures city",
        "HASAKEH, Syria (Reuters) - A U.S.-backed alliance said.",
        "It won.",
        "No stop here",
    ]
    # A full stop right before the break: one sentence, no empty one after it.
    assert sents("He said.\nThe end.") == ["He said.", "The end."]
    # CRLF, blank lines, lines of spaces, indented lines, a lower-case line start.
    text = "One.\r\n\r\n   \n\tTwo two.\r\n  three starts low\n\n"
    assert sents(text) == ["One.", "Two two.", "three starts low"]
    ss = split_sentences(text)
    assert all(not text[s:e].isspace() and "\r" not in text[s:e] for s, e in ss)
    # Between two lines, the offset belongs to the sentence before.
    two = split_sentences("Alpha.\n\nBeta.")
    assert two.sentence_at(6) == (0, 6) and two.sentence_at(7) == (0, 6) and two.sentence_at(8) == (8, 13)


def test_rules_use_the_one_splitter():
    """A cue's sentence ends at the line break (a headline is not part of the next
    paragraph's attribution)."""
    from annotator.model import AnnotationSet, Attribution, Document
    from annotator.schema import default_schema
    from annotator.suggest.rules import RulesSuggester

    text = "Talks fail\nThe ministry said the talks had failed.\n"
    aset = AnnotationSet(Document(text))
    props = RulesSuggester(default_schema()).propose(aset)
    ats = [a for a in props.annotations if isinstance(a, Attribution)]
    assert [a.content.text for a in ats] == ["the talks had failed"]
    assert all(a.start >= text.index("The") for a in ats)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_sentences_are_trimmed_disjoint_and_within_lines(text):
    last = 0
    for s, e in split_sentences(text):
        assert last <= s < e <= len(text)
        assert "\n" not in text[s:e]
        assert not text[s].isspace() and not text[e - 1].isspace()
        last = e


# -- widths ---------------------------------------------------------------------


def test_char_cells():
    assert char_cells("a") == 1
    assert char_cells("\u4e16") == 2
    assert char_cells("\u0301") == 0
    assert char_cells("\u200b") == 0
    assert char_cells("\r") == 0
    assert char_cells("\t", 0) == 4 and char_cells("\t", 3) == 1 and char_cells("\t", 5, 8) == 3
    assert char_cells("\u0645") == 1
    assert str_cells("\u4e16\u754c!") == 5
    assert str_cells("a\tb") == 5
    assert str_cells("\u2764\ufe0f") == 2
    assert str_cells("\U0001F468\u200d\U0001F469\u200d\U0001F467") == 2


def test_clusters_attach_zero_width_chars():
    text = "e\u0301\u4e16\U0001F468\u200d\U0001F469 \t\u0645\u064b"
    assert clusters(text) == [(0, 2, 1), (2, 3, 2), (3, 6, 2), (6, 7, 1), (7, 8, 2), (8, 10, 1)]


def test_simple_class_is_one_cell_each():
    body_chars = [chr(c) for c in range(0x20, 0x2200) if not T._COMPLEX.match(chr(c))]
    assert len(body_chars) > 1000
    for ch in body_chars:
        assert T._base_cells(ch) == 1 == cell_len(ch), hex(ord(ch))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if p not in ("\t", "\n", "\r\n", "\x00")]), max_size=20).map("".join))
def test_widths_match_rich(text):
    """Textual measures with Rich: our layout must agree or highlights drift."""
    assert str_cells(text) == cell_len(text)
    for s, e, w in clusters(text):
        assert cell_len(text[s:e]) == w


# -- wrap -----------------------------------------------------------------------


def test_wrap_breaks_at_spaces_and_keeps_them():
    text = "The quick brown fox jumps"
    rows = wrap(text, 10)
    assert [text[s:e] for s, e in rows] == ["The quick ", "brown fox ", "jumps"]


def test_wrap_hard_breaks_long_words_and_paragraphs():
    text = "abcdefghijkl mn\n\nxy"
    assert [text[s:e] for s, e in wrap(text, 5)] == ["abcde", "fghij", "kl mn\n", "\n", "xy"]


def test_wrap_wide_tabs_crlf():
    text = "\u4e16\u754c\u4e16\u754c ab\r\n\tx\ty"
    rows = [text[s:e] for s, e in wrap(text, 5)]
    assert rows == ["\u4e16\u754c", "\u4e16\u754c ", "ab\r\n", "\tx\t", "y"]
    assert wrap("\u4e16x", 1) == [(0, 1), (1, 2)]  # a lone wide char wider than the width
    assert wrap("", 10) == [(0, 0)]
    assert wrap("ab\n", 10) == [(0, 3)]


def test_layout_columns_and_offsets():
    text = "ab\u4e16c\tde\u0301f\nxyz"
    lay = Layout(text, 40)
    assert len(lay) == 2
    assert lay.column_of(0) == (0, 0)
    assert lay.column_of(2) == (0, 2)
    assert lay.column_of(3) == (0, 4)
    assert lay.column_of(5) == (0, 8)  # after the tab (5 -> 8)
    assert lay.column_of(8) == (0, 10)
    assert lay.offset_at(0, 3) == 2  # second cell of the wide char
    assert lay.offset_at(0, 6) == 4  # inside the tab
    assert lay.offset_at(0, 9) == 6  # e + combining acute: the cluster start
    assert lay.offset_at(0, 99) == 8  # past the end: last visible char
    assert lay.offset_at(1, 1) == 11
    assert lay.row_of(11) == 1
    assert lay.rewrap(40) is False and lay.rewrap(5) is True and lay.width == 5


def test_ascii_fast_path_matches_general_path():
    text = "  Indented start with averyveryverylongword and   many spaces   here " * 3
    for width in range(1, 40):
        fast = T.array("i")
        slow = T.array("i")
        T._wrap_simple(text, 0, len(text), width, fast)
        T._wrap_complex(text, 0, len(text), width, 4, slow)
        assert fast == slow, width


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if "\n" not in p]), max_size=80).map("".join), widths)
def test_row_by_row_fast_path_matches_general_path(text, width):
    """Rows with only simple chars are broken by arithmetic: same breaks as walking clusters."""
    end = len(text) - 1 if text.endswith("\r") else len(text)
    mixed = T.array("i")
    slow = T.array("i")
    T._wrap_mixed(text, 0, end, width, 4, mixed)
    T._wrap_complex(text, 0, end, width, 4, slow)
    assert mixed == slow


@settings(max_examples=300, deadline=None)
@given(texts, widths)
def test_wrap_partitions_text_and_fits_width(text, width):
    lay = Layout(text, width)
    rows = lay.rows()
    assert rows[0][0] == 0 and rows[-1][1] == len(text)
    for (s1, e1), (s2, _e2) in zip(rows, rows[1:]):
        assert e1 == s2 and s1 <= e1
    for i, (s, e) in enumerate(rows):
        assert "\n" not in text[s : e - 1]  # a newline only ends a row
        cells = lay.row_cells(i)
        if cells > width:  # only a single wide cluster may be wider than the row
            shown = [a for a, b, w in lay.clusters(i) if w > 0 and not T.is_break_space(text[a])]
            assert len(shown) == 1, (text, width, text[s:e])
        # clusters of a row never straddle a row boundary
        assert all(s <= a < b <= e for a, b, _w in lay.clusters(i))


@settings(max_examples=200, deadline=None)
@given(texts, widths, st.data())
def test_column_offset_round_trip(text, width, data):
    lay = Layout(text, width)
    if not text:
        return
    offset = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    row, col = lay.column_of(offset)
    back = lay.offset_at(row, col)
    # back to the same cell (a zero-width cluster shares its cell with the next one),
    # or for a hidden \r or \n, to the row's last visible character
    if text[offset] in "\r\n":
        assert lay.row(row)[0] <= back <= offset
    else:
        assert lay.column_of(back) == (row, col)


def test_core_does_not_import_textual():
    import subprocess
    import sys

    code = "import sys, annotator.text; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
