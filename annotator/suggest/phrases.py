"""A phrase matcher for the suggesters (gazetteer, triggers, cues), and ``Taken``.

Sentences come from ``annotator.text.split_sentences`` (one splitter for the project).

Offsets are ``str`` indices. Everything here is linear in the text (plus a
log factor) so a 1 MB article stays well under a second.
"""

from __future__ import annotations

import re
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

    def find_all(self, text: str) -> list[tuple[int, int, T]]:
        """The longest match at each word start (these may overlap)."""
        return find_many(text, [self], resolve=False)[0]

    def find(self, text: str) -> list[tuple[int, int, T]]:
        """Non-overlapping matches, longest first, then leftmost; sorted by start."""
        return longest_first(self.find_all(text))


def find_many(text: str, matchers: list[PhraseMatcher], *, resolve: bool = True) -> list[list[tuple[int, int, object]]]:
    """``[m.find(text) for m in matchers]`` in one pass over the text's words."""
    merged: dict[str, list[tuple[int, PhraseMatcher, list]]] = {}
    for k, m in enumerate(matchers):
        for key, buckets in m._index.items():
            merged.setdefault(key, []).append((k, m, buckets))
    found: list[list[tuple[int, int, object]]] = [[] for _ in matchers]
    get = merged.get
    for w in WORD.finditer(text):
        entries = get(w.group().casefold())
        if entries is None:
            continue
        p = w.start()
        for k, m, buckets in entries:
            hit = m.match_at(text, p, buckets)
            if hit is not None:
                found[k].append((p, hit[0], hit[1]))
    return [longest_first(f) for f in found] if resolve else found


def longest_first(matches: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    """Keep the longest of overlapping matches (then the leftmost); sorted by start."""
    if not matches:
        return []
    chosen: list[tuple[int, int, T]] = []
    taken = Taken(max(m[1] for m in matches))
    for m in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if taken.free(m[0], m[1]):
            taken.add(m[0], m[1])
            chosen.append(m)
    chosen.sort(key=lambda m: (m[0], m[1]))
    return chosen


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
