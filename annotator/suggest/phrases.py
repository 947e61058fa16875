"""A phrase matcher for the suggesters (gazetteer, triggers, cues), and ``Taken``.

Sentences come from ``annotator.text.split_sentences`` (one splitter for the project).

Offsets are ``str`` indices. Everything here is linear in the text (plus a
log factor) so a 1 MB article stays well under a second.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import itemgetter
from typing import Generic, Iterable, TypeVar

WORD = re.compile(r"\w+")

T = TypeVar("T")


_NONE = object()


class PhraseMatcher(Generic[T]):
    """Finds phrases in a text at word boundaries; the longest match wins.

    Phrases are indexed by their first word and, under it, by length: at each word
    of the text one dict lookup per distinct phrase length, however many phrases
    share that first word. Case: exact, or any case when ``fold``; otherwise an
    all-capitals text span matches its phrase ("HASAKEH" for "Hasakeh") and a
    lower-case phrase matches when capitalised (at a sentence start).
    """

    def __init__(self, phrases: Iterable[tuple[str, T]], *, fold: bool = False):
        self.fold = fold
        tmp: dict[str, dict[int, tuple[dict, dict]]] = {}
        for phrase, payload in phrases:
            phrase = phrase.strip()
            m = WORD.match(phrase)
            if not phrase or m is None:
                continue  # phrases must start with a word character
            exact, folded = tmp.setdefault(m.group().casefold(), {}).setdefault(len(phrase), ({}, {}))
            exact.setdefault(phrase, payload)
            folded.setdefault(phrase.casefold(), payload)
        self._index = {
            key: sorted(((n, ex, fo) for n, (ex, fo) in by_len.items()), key=lambda b: -b[0])
            for key, by_len in tmp.items()
        }
        #: the longest phrase's length: no match is longer (buckets: longest first)
        self.longest = max((buckets[0][0] for buckets in self._index.values()), default=0)
        self._words: dict | None = None  # (made when first needed: ``_by_words``)

    def __bool__(self) -> bool:
        return bool(self._index)

    def match_at(self, text: str, p: int, buckets) -> tuple[int, T] | None:
        """The longest phrase of ``buckets`` at ``p``: (end, payload), or None."""
        n = len(text)
        fold = self.fold
        for length, exact, folded in buckets:
            end = p + length
            if end > n:
                continue
            seg = text[p:end]
            last = seg[-1]
            if (last.isalnum() or last == "_") and end < n and (text[end].isalnum() or text[end] == "_"):
                continue
            v = exact.get(seg, _NONE)
            if v is _NONE:
                if fold or (length > 2 and seg.isupper()):
                    v = folded.get(seg.casefold(), _NONE)
                elif seg[0].isupper():
                    v = exact.get(seg[0].lower() + seg[1:], _NONE)
            if v is not _NONE:
                return end, v
        return None

    def _by_words(self) -> dict:
        """The phrases again, by where they can end in a plain text (see
        ``plain_text``): for each first word, ``(trie, exact, folded, gaps, buckets)``.

        ``trie``: the casefolds of its phrases ending in a word character, by
        steps of the text's words: a dict of each step (the characters up to the
        end of the next word: separator and word) to the dict of the next steps,
        where the key "" marks a phrase ending there. ``exact`` and ``folded``: the
        buckets' dicts in one (their keys have their bucket's length, so one dict
        answers as the bucket of the key's length). ``gaps``: the buckets of the
        phrases ending in another character, longest first; ``buckets``: all, by length.

        In a plain text a match (exact, casefolded, or capitalised) has the casefold
        of its phrase, of the same length and with the same word runs (``\\w+``):
        one ending in a word character ends where one of the text's words does, the
        first word of the casefold being the text's. So ``match_words`` follows the
        text's words in the trie, as far as a phrase goes, and tries only where a
        phrase ends, longest first, not every length of the first word's phrases.
        A phrase whose casefold has another length matches in no plain text, nor one
        whose casefold starts with another word: they are left out here."""
        if self._words is None:
            words: dict = {}
            for key, buckets in self._index.items():
                trie: dict = {}
                gaps: dict[int, tuple] = {}
                exact_all: dict = {}
                folded_all: dict = {}
                for b in buckets:
                    length, exact, folded = b
                    exact_all.update(exact)
                    for f, v in folded.items():
                        if len(f) == length:
                            folded_all[f] = v
                    for phrase in exact:
                        f = phrase.casefold()
                        if len(f) != length:
                            continue
                        if not _is_word(f[-1]):
                            gaps[length] = b
                            continue
                        runs = list(WORD.finditer(f))
                        if runs[0].start() != 0 or runs[0].group() != key:
                            continue
                        node = trie
                        for prev, run in zip(runs, runs[1:]):
                            node = node.setdefault(f[prev.end():run.end()], {})
                        node[""] = True
                words[key] = (
                    trie,
                    exact_all,
                    folded_all,
                    tuple(gaps[n] for n in sorted(gaps, reverse=True)),
                    {b[0]: b for b in buckets},
                )
            self._words = words
        return self._words

    def match_words(self, text: str, folded_text: str, p: int, i: int, ends: list[int], entry) -> tuple | None:
        """``match_at`` in a plain text (``plain_text``; ``folded_text``: its casefold),
        at its ``i``-th word (which starts at ``p``; ``ends``: where its words end),
        trying only where a phrase can end there (``_by_words``; ``entry``: the
        first word's): the hit ``(p, end, payload)``, or None."""
        trie, exact, folded, gaps, _ = entry
        if gaps:
            hit = self._match_gaps(text, folded_text, p, i, ends, entry)
            return None if hit is None else (p, *hit)
        # the words of the text, as far as the trie goes: where phrases end
        j = i + 1
        nw = len(ends)
        node = trie.get(folded_text[ends[i]:ends[j]]) if j < nw else None
        if node is None:  # (the most: no phrase goes on past the word)
            if "" not in trie:
                return None
            at = (ends[i],)
        else:
            at = [ends[i]] if "" in trie else []
            while True:
                if "" in node:
                    at.append(ends[j])
                j += 1
                if j >= nw:
                    break
                node = node.get(folded_text[ends[j - 1]:ends[j]])
                if node is None:
                    break
            at.reverse()  # the longest first
        fold = self.fold
        for end in at:
            # (a word's end: the boundary holds; the folded text holds the casefold)
            seg = text[p:end]
            v = exact.get(seg, _NONE)
            if v is _NONE:
                length = end - p
                if fold or (length > 2 and seg.isupper()):
                    v = folded[folded_text[p:end]]
                elif seg[0].isupper():
                    v = exact.get(seg[0].lower() + seg[1:], _NONE)
            if v is not _NONE:
                return p, end, v
        return None

    def _match_gaps(self, text: str, folded_text: str, p: int, i: int, ends: list[int], entry) -> tuple[int, T] | None:
        """``match_words`` where some phrases end in a non-word character: the
        buckets of the lengths that can match, longest first, to ``match_at``."""
        trie, _exact, _folded, gaps, by_len = entry
        tried = {b[0]: b for b in gaps}  # (by length: a length may be in both)
        node = trie
        if "" in node:
            tried[ends[i] - p] = by_len[ends[i] - p]
        for j in range(i + 1, len(ends)):
            node = node.get(folded_text[ends[j - 1]:ends[j]])
            if node is None:
                break
            if "" in node:
                tried[ends[j] - p] = by_len[ends[j] - p]
        return self.match_at(text, p, [tried[n] for n in sorted(tried, reverse=True)])

    def resolve(self, text: str, hits: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
        """What ``find`` keeps of the hits ``find_many`` collected."""
        return longest_first(hits)

    def find_all(self, text: str) -> list[tuple[int, int, T]]:
        """The longest match at each word start (these may overlap)."""
        return find_many(text, [self], resolve=False)[0]

    def find(self, text: str) -> list[tuple[int, int, T]]:
        """Non-overlapping matches, longest first, then leftmost; sorted by start."""
        return longest_first(self.find_all(text))


def find_many(
    text: str, matchers: list, *, resolve: bool = True, part: tuple[int, int | None] = (0, None)
) -> list[list[tuple[int, int, object]]]:
    """``[m.find(text) for m in matchers]`` in one pass over the text's words.

    A matcher is a ``PhraseMatcher`` or a ``RegexAtWords``: an ``_index`` of
    casefolded first words, ``match_at(text, p, buckets)`` and ``resolve(text, hits)``.
    In a plain text (``plain_text``: nearly all) a ``PhraseMatcher`` is asked with
    ``match_words`` instead: the same answer, without trying every length of the
    phrases under the word (50,000 names learned: 3 s of a 1 MB article).

    ``part``: only the words that start in ``text[lo:hi]`` (``hi`` None: to the
    end), where no word crosses ``lo`` or ``hi`` (see ``word_cut``); with
    ``resolve`` False, the hits of consecutive parts, one after the other, are
    those of the whole text (a hit depends on its word and the text after it)."""
    lo, hi = part
    plain = plain_text(text)
    merged: dict[str, list[tuple[int, object, object]]] = {}
    for k, m in enumerate(matchers):
        if plain and isinstance(m, PhraseMatcher):
            for key, entry in m._by_words().items():
                merged.setdefault(key, []).append((k, m.match_words, entry, True))
        else:
            for key, buckets in m._index.items():
                merged.setdefault(key, []).append((k, m.match_at, buckets, False))
    found: list[list[tuple[int, int, object]]] = [[] for _ in matchers]
    get = merged.get
    if plain:
        # the casefolded text has the same words at the same places (``plain_text``)
        folded = text.casefold()
        spans = [w.span() for w in WORD.finditer(folded, lo)]  # (the words after ``hi`` too: phrases go on)
        ends = [e for _, e in spans]
        if hi is not None:
            spans = spans[: bisect_left(ends, hi + 1)]
        for i, (p, e) in enumerate(spans):
            entries = get(folded[p:e])
            if entries is None:
                continue
            for k, match, arg, words in entries:
                if words:
                    hit = match(text, folded, p, i, ends, arg)
                    if hit is not None:
                        found[k].append(hit)
                else:
                    hit = match(text, p, arg)
                    if hit is not None:
                        found[k].append((p, hit[0], hit[1]))
    else:
        for w in WORD.finditer(text, lo) if hi is None else WORD.finditer(text, lo, hi):
            entries = get(w.group().casefold())
            if entries is None:
                continue
            p = w.start()
            for k, match, buckets, _ in entries:
                hit = match(text, p, buckets)
                if hit is not None:
                    found[k].append((p, hit[0], hit[1]))
    return [m.resolve(text, f) for m, f in zip(matchers, found)] if resolve else found


#: a text this long or longer has its second part's words looked up by a worker, when
#: asked (``find_many_beside``): shorter, the fork costs more than it saves
BESIDE_MIN = 100_000
#: the share of the text's words the worker looks up (it starts later: the fork,
#: and its hits are pickled back)
BESIDE_SHARE = 0.45


def find_many_beside(text: str, matchers: list) -> list[list[tuple[int, int, object]]]:
    """``find_many(text, matchers)``, the words of the text's last part
    (``BESIDE_SHARE``) looked up by a forked worker (``forked.Forked``) while this
    process looks up the rest: the same hits. Only where a process may fork (a
    command, not the app's threads): the caller decides.

    A ``PhraseMatcher``'s hits are resolved where they are found (``longest_first``
    resolves each cluster of overlapping hits on its own): the worker resolves its
    clusters that start ``reach`` (its longest phrase) past the cut or later,
    which no hit of this part reaches, and sends the others as they are; this
    process resolves its own but the last clusters, then those with the
    worker's first ones. The other matchers' hits are all resolved here."""
    if len(text) < BESIDE_MIN:
        return find_many(text, matchers)
    from ..forked import Forked

    cut = word_cut(text, int(len(text) * (1 - BESIDE_SHARE)))
    if cut is None:
        return find_many(text, matchers)
    plain = plain_text(text)
    reach = []
    for m in matchers:
        if type(m) is PhraseMatcher:
            if plain:
                m._by_words()  # (made before the fork: both processes use it)
            reach.append(m.longest)
        else:
            reach.append(None)

    def theirs() -> list:
        found = find_many(text, matchers, resolve=False, part=(cut, None))
        out = []
        for m, hits, r in zip(matchers, found, reach):
            if r is None:
                out.append((hits, None))
            else:
                k = _cluster_at(hits, cut + r)
                out.append((hits[:k], m.resolve(text, hits[k:])))
        return out

    worker = Forked(theirs)
    found = find_many(text, matchers, resolve=False, part=(0, cut))
    first = []
    for m, hits, r in zip(matchers, found, reach):
        if r is None:
            first.append(None)
        else:  # (the clusters before ``j``, one among the last hits: no hit of the worker's part is in them)
            j = _cluster_at(hits, 0, max(0, len(hits) - LAST_HITS))
            j = 0 if j == len(hits) else j
            first.append(m.resolve(text, hits[:j]))
            del hits[:j]
    out = []
    for m, mine, done, (early, late) in zip(matchers, found, first, worker.result()):
        mine.extend(early)
        if done is None:
            out.append(m.resolve(text, mine))
        else:
            done.extend(m.resolve(text, mine))
            done.extend(late)
            out.append(done)
    return out


def _cluster_at(hits: list[tuple], bound: int, i: int = 0) -> int:
    """The index of the first of ``hits[i:]`` (``hits`` by start) that starts a
    cluster (it overlaps none of the hits before it) at ``bound`` or after;
    ``len(hits)``: none does."""
    end = max(map(_END, hits[:i]), default=-1)
    for k in range(i, len(hits)):
        h = hits[k]
        if h[0] >= bound and h[0] >= end:
            return k
        if h[1] > end:
            end = h[1]
    return len(hits)


#: the last hits of this process's part in which a cluster's start is looked for
LAST_HITS = 64


_END = itemgetter(1)


_NOT_WORD = re.compile(r"\W")


def word_cut(text: str, at: int) -> int | None:
    """A place at ``at`` or after it that no word (``\\w+``) crosses: just after
    a character that is not a word's. None: none after ``at``."""
    m = _NOT_WORD.search(text, at)
    return None if m is None else m.end()


def _plain_char(c: str) -> bool:
    f = c.casefold()
    return len(f) == 1 and _is_word(f) == _is_word(c) and c.lower().casefold() == f


#: the characters that are not plain (``plain_text``), worked out once
_NOT_PLAIN: set[str] = set()
_PLAIN: set[str] = set()


def plain_text(text: str) -> bool:
    """Does every character of ``text`` casefold to one character, a word character
    (``\\w``) or not as itself, and lower-cased then casefolded to the same? (All
    but some hundred rare ones: "ß", "İ", ligatures, some Greek.) Then the casefold
    of any part of the text has its length and its words at the same places."""
    chars = set(text)
    new = chars - _PLAIN
    if new & _NOT_PLAIN:
        return False
    for c in new:
        (_PLAIN if _plain_char(c) else _NOT_PLAIN).add(c)
    return not (new & _NOT_PLAIN)


def longest_first(matches: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    """Keep the longest of overlapping matches (then the leftmost); sorted by start.

    Matches that overlap nothing are kept as they are; only each cluster of
    overlapping ones is resolved (longest first), which is the same as resolving
    all at once since a choice never reaches outside its cluster. (A cluster of
    two, the most of them, inline: 128,000 gazetteer hits on 1 MB.)"""
    if not matches:
        return []
    ordered = sorted(matches, key=_START_END)
    chosen: list[tuple[int, int, T]] = []
    add = chosen.append
    first = None  # the cluster's first match; ``more``: all of them, when more than one
    more: list | None = None
    end = -1
    for m in ordered:
        if m[0] >= end and first is not None:
            if more is None:
                add(first)
            else:
                _flush(more, chosen)
                more = None
            first = m
        elif first is None:
            first = m
        elif more is None:
            more = [first, m]
        else:
            more.append(m)
        if m[1] > end:
            end = m[1]
    if more is None:
        add(first)
    else:
        _flush(more, chosen)
    return chosen


_START_END = itemgetter(0, 1)


def _flush(cluster: list, chosen: list) -> None:
    """``chosen.extend(_resolve(cluster))``, two matches without the sorts."""
    if len(cluster) != 2:
        chosen.extend(_resolve(cluster))
        return
    a, b = cluster
    if (b[0] - b[1], b[0]) < (a[0] - a[1], a[0]):
        w, o = b, a
    else:
        w, o = a, b  # (equal keys: the sort is stable)
    if o[1] <= w[0] or w[1] <= o[0]:
        chosen.extend(cluster)  # both kept, and in (start, end) order already
    else:
        chosen.append(w)


def _resolve(cluster: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    if len(cluster) == 1:
        return cluster
    kept: list[tuple[int, int, T]] = []
    for m in sorted(cluster, key=lambda m: (m[0] - m[1], m[0])):
        if all(m[1] <= k[0] or k[1] <= m[0] for k in kept):
            kept.append(m)
    kept.sort(key=lambda m: (m[0], m[1]))
    return kept


class RegexAtWords(Generic[T]):
    """A regex whose matches all start at a word, tried only at the words
    ``find_many`` visits anyway, instead of by a scan of its own.

    ``re`` finds no prefix to search for in a pattern that starts with ``\\b`` or
    a lookbehind, so ``finditer`` tries the whole pattern at every character
    (the event trigger phrases took 160 ms on a 1 MB article). Here the words a
    match can start with are read from the pattern (``first_words``) and the
    pattern is tried at those words alone; ``resolve`` then keeps what
    ``finditer`` would return: leftmost matches that do not overlap. Each hit
    is ``(start, end, payload)``.

    ``subject``: the string matched, when not the text itself (the text
    lower-cased, of the same length). A pattern whose first words cannot be
    read is scanned with ``finditer`` as before."""

    def __init__(self, rx: re.Pattern, payload: T, subject: str | None = None):
        self.rx = rx
        self.payload = payload
        self.subject = subject
        words = first_words(rx)
        self.scan = words is None
        self._index = {} if words is None else {w.casefold(): None for w in words}

    def match_at(self, text: str, p: int, _buckets) -> tuple[int, T] | None:
        m = self.rx.match(text if self.subject is None else self.subject, p)
        return None if m is None else (m.end(), self.payload)

    def resolve(self, text: str, hits: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
        if self.scan:
            payload = self.payload
            return [(m.start(), m.end(), payload) for m in self.rx.finditer(text if self.subject is None else self.subject)]
        out = []
        end = -1
        for h in hits:  # by start: a match that starts inside the one kept is not one of finditer's
            if h[0] >= end:
                out.append(h)
                end = h[1]
        return out

    def find(self, text: str) -> list[tuple[int, int, T]]:
        return find_many(text, [self])[0]


class _Unknown(Exception):
    pass


def first_words(rx: re.Pattern) -> frozenset[str] | None:
    """The words a match of ``rx`` can start with, or None when the pattern does
    not show them plainly.

    Plainly: every match starts at a word (after a ``\\b``, or a lookbehind
    ending in a non-word character, before its first character), and the
    first word is spelled out in literals, alternatives and optional groups
    (``(?:take|took) (?:full )?control\\b``) up to a non-word character or a
    ``\\b``. The match's first word in the text is then one of these whole
    (the pattern itself decides the rest). Case-insensitive patterns: None."""
    if rx.flags & re.IGNORECASE or not isinstance(rx.pattern, str):
        return None
    try:
        try:
            from re import _parser as sre_parse  # Python 3.11+
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_parse  # type: ignore[no-redef]
        opens, done = _words(sre_parse.parse(rx.pattern, rx.flags).data, {("", False)}, sre_parse)
    except (_Unknown, re.error, RecursionError, AttributeError, TypeError, ValueError):
        return None
    if opens or not done or "" in done:
        return None  # a word that may go on past the pattern's literals, or no word at all
    return frozenset(done)


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _words(items, opens: set[tuple[str, bool]], c) -> tuple[set[tuple[str, bool]], set[str]]:
    """Walk a parsed pattern's items: the prefixes still open (with whether they
    are known to start at a word) and the first words completed."""
    done: set[str] = set()
    for op, av in items:
        if not opens:
            break
        if op is c.LITERAL:
            ch = chr(av)
            if any(not anchored and not prefix for prefix, anchored in opens):
                raise _Unknown  # a match that may start inside a word
            if _is_word(ch):
                opens = {(prefix + ch, True) for prefix, _ in opens}
            else:
                done.update(prefix for prefix, _ in opens)
                opens = set()
        elif op is c.AT:
            if av is c.AT_BOUNDARY:
                done.update(prefix for prefix, _ in opens if prefix)
                opens = {(prefix, True) for prefix, _ in opens if not prefix}
            # other positions (^, $, \\B) only narrow the matches
        elif op is c.ASSERT or op is c.ASSERT_NOT:
            direction, sub = av
            if op is c.ASSERT and direction < 0 and sub.data and sub.data[-1][0] is c.LITERAL and not _is_word(
                chr(sub.data[-1][1])
            ):
                opens = {(prefix, anchored or not prefix) for prefix, anchored in opens}  # (?<=... ): at a word
            # other lookarounds only narrow the matches
        elif op is c.BRANCH:
            new_opens: set[tuple[str, bool]] = set()
            for alt in av[1]:
                o, d = _words(alt.data, opens, c)
                new_opens |= o
                done |= d
            opens = new_opens
        elif op is c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                raise _Unknown
            opens, d = _words(sub.data, opens, c)
            done |= d
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] == 1:  # (...)? or (...){1}
            lo, _hi, sub = av
            o, d = _words(sub.data, opens, c)
            done |= d
            opens = o if lo == 1 else o | opens
        else:
            raise _Unknown  # a character class, a repeat, a back-reference...
    return opens, done


class Taken:
    """Which characters of a text are covered; asks whether [s, e) is all free."""

    def __init__(self, size: int, ranges: Iterable[tuple[int, int]] = ()):
        self._b = bytearray(size + 1)
        for s, e in ranges:
            self.add(s, e)

    def free(self, s: int, e: int) -> bool:
        return self._b.find(1, s, e) < 0

    def add(self, s: int, e: int) -> None:
        self._b[s:e] = b"\x01" * (e - s)
