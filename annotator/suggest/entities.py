"""Entity rules: capitalised names with a label guessed from the name and its
context, dates, and nominal group mentions ("Syrian government forces").

Every candidate carries the name of the rule that made it (``rule``), written
into the suggestion's ``by`` (``rules:<rule>``) so that decisions can be counted
per rule (see ``precision``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Iterable

from ..text import Sentences
from . import lexicon as lx
from .context import prev_word, word_after, word_before
from .phrases import RegexAtWords

#: (start, end, label, score, rule)
Candidate = tuple[int, int, str, float, str]

_NAME_WORD = (
    r"(?:(?:al|el|ad|ar|as|ash|at|az|bin|ibn|abu|abd)-)?"
    r"(?:[A-Z][a-z\u00df-\u00ff]+(?:[A-Z][a-z\u00df-\u00ff]+)*(?:-[A-Z][a-z\u00df-\u00ff]+)*"
    r"|[A-Z]{2,}(?![a-z])|(?:[A-Z]\.){2,})"
)
_NAME_RUN = re.compile(
    rf"(?<![\w.]){_NAME_WORD}"
    rf"(?:(?: (?:al|el|bin|ibn|de|da|van|von|der|del|la|le|du|abu|bint|of|for|of the))? {_NAME_WORD})*"
)
_APPOSITION = re.compile(r",\s+(?:(?:an?|the)\s+(\w+)|(who)\b)")
_ACRONYM_PAREN = re.compile(r" \([A-Z]{2,6}\)")
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_ACRONYM_OR_DOTTED = re.compile(r"[A-Z]{2,5}|(?:[A-Z]\.){2,4}")
_RELATIVE_DATE = re.compile(
    r"\b(?:(?:earlier|later) )?(?:last|this|next|past) (?:week|weekend|month|year)\b|(?<=\bin )a (?:week|month|year)\b"
)
#: ``_RELATIVE_DATE`` at the words ``find_many`` visits (the regex alone tries every character)
RELATIVE_DATES = RegexAtWords(_RELATIVE_DATE, None)
_FAC_AFTER = re.compile(r" (?:" + "|".join(re.escape(w) for w in lx.FAC_AFTER) + r")\b")
_NUMBER_AFTER = re.compile(r" \d{1,3}(?![\d.,:%/\w])")
#: a year: (?<![\w.,])(?:1[89]\d\d|20\d\d)(?![\w]), with the look back after the first two
#: digits, so that ``re`` scans for a "1" or "2" instead of trying the look back at every
#: character (the same matches; a 1 MB article: 40 -> 8 ms)
_YEAR = re.compile(r"(?:1[89]|20)(?<![\w.,]..)\d\d(?!\w)")
_DATELINE = re.compile(r"(?m)^([A-Z][A-Z'\u2019\- ]{1,40}[A-Z]),")
_NAME_PREFIX = re.compile(r"^(?:al|el|ad|ash|as|ar|at|az)-")
_OPENERS = " \t\"(“‘'["
_DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]+(?:ian|ians|ese)")


def name_candidates(
    text: str, sents: Sentences, relative_dates: list | None = None, parts: NameParts | None = None
) -> Iterable[Candidate]:
    """Capitalised runs with a guessed label and a score.

    A run's splitting and trimming depend on its words alone, so they are
    worked out once per distinct run (``_run_parts``); the label still looks
    at each place's context. ``relative_dates``: what ``RELATIVE_DATES.find``
    returns, when the caller's ``find_many`` looked for them already.
    ``parts``: what ``name_parts(text, sents)`` returns, when worked out
    already (by a worker beside the caller)."""
    shapes, names = parts if parts is not None else name_parts(text, sents)
    yield from shapes
    if relative_dates is None:
        relative_dates = RELATIVE_DATES.find(text)
    for s, e, _ in relative_dates:
        yield s, e, "DATE", 0.4, "relative-date"
    yield from names


#: (datelines and years, the names made consistent): see ``name_parts``
NameParts = tuple[list[Candidate], list[Candidate]]


def name_parts(text: str, sents: Sentences) -> NameParts:
    """What ``name_candidates`` yields but the relative dates: the datelines and
    years (yielded first), and the capitalised names (last), one label per name."""
    starts = set(sents.starts)
    cands: list[Candidate] = []
    add = cands.append
    stop = lx.STOP
    openers = _OPENERS
    for m in _NAME_RUN.finditer(text):
        run = m.group()
        single = " " not in run
        if single and run in stop:
            continue
        s, e = m.span()
        # At a sentence start (past opening quotes and brackets)?
        j = s
        while j > 0 and text[j - 1] in openers:
            j -= 1
        first = j in starts or j == 0 or text[j - 1] == "\n"
        if single:  # most runs: one word
            got = _one_name(text, s, e, run, first, False)
            if got is not None:
                add(got)
            continue
        for a, b, at_start, titled in _run_parts(run):
            got = _one_name(text, s + a, s + b, run[a:b], first and at_start, titled)
            if got is not None:
                add(got)
    shapes: list[Candidate] = [(m.start(1), m.end(1), "GPE", 0.5, "dateline") for m in _DATELINE.finditer(text)]
    shapes.extend((m.start(), m.end(), "DATE", 0.45, "year") for m in _YEAR.finditer(text))
    return shapes, _consistent(text, cands)


@lru_cache(maxsize=65536)
def _run_parts(run: str) -> tuple[tuple[int, int, bool, bool], ...]:
    """The names of a run of several words, as offsets into it: (start, end,
    still at the run's start, titled) for each segment that keeps a word."""
    out = []
    for seg_s, seg_e in _segments(run, 0, len(run)):
        got = _trim(run, seg_s, seg_e)
        if got is not None:
            a, b, stopped, titled = got
            out.append((a, b, seg_s == 0 and not stopped, titled))
    return tuple(out)


def _trim(text, s, e):
    """A segment without its leading stop words and title: (start, end, a stop word
    was dropped, a title was), or None when no word is left."""
    words = []
    p = s
    for w in text[s:e].split(" "):
        words.append((p, p + len(w)))
        p += len(w) + 1
    titled = stopped = False
    while words:
        w = text[words[0][0] : words[0][1]]
        if w in lx.STOP:
            words.pop(0)
            stopped = True
            continue
        if w in lx.TITLES and len(words) > 1 and not any(text[a:b] in lx.ORG_WORDS for a, b in words):
            titled = True
            words.pop(0)
            continue
        break
    if not words:
        return None
    return words[0][0], words[-1][1], stopped, titled


def _one_name(text, s, e, name, sentence_start, titled):
    if " " not in name:
        # Months, weekdays: dates ("Friday afternoon" with its part of the day).
        if name in lx.MONTHS or name in lx.WEEKDAYS:
            if name == "May" and sentence_start:
                return None
            after = word_after(text, e)
            if name in lx.WEEKDAYS and after in lx.DAYPARTS:
                return s, text.index(after, e) + len(after), "DATE", 0.5, "date-word"
            return s, e, "DATE", 0.5, "date-word"
    if text[e : e + 1] == " ":  # both patterns start with a space
        m = _FAC_AFTER.match(text, e)
        if m:
            return s, m.end(), "FAC", 0.45, "facility-word"  # "Albu Kamal border crossing"
        m = _NUMBER_AFTER.match(text, e)
        if m and not _known(name):
            return s, m.end(), "ORG", 0.35, "name-number"  # "Deir Ezzor 24", "France 24"
    label, score, rule = _guess(text, s, e, name, titled)
    return s, e, label, score, rule

def _guess(text, s, e, name, titled):
    if titled:
        return "PER", 0.5, "title"
    kind = _name_kind(name)
    if kind is not None:
        return kind[0], kind[1], "word-list"
    parts = name.split()
    n = len(parts)
    before = word_before(text, s)
    after = word_after(text, e)
    if after in lx.PLACE_AFTER:
        return lx.PLACE_AFTER[after], 0.45, "place-after"
    if before == "By" or before.islower() and before in lx.PERSON_BEFORE:
        return "PER", 0.45, "person-before"
    nxt = text[e : e + 1]
    if nxt == ",":
        tail = text[e : e + 40]
        m = _APPOSITION.match(tail)
        if m and (m.group(1) in lx.PERSON_APPOSITION or m.group(1) == "who"):
            return "PER", 0.45, "apposition"
    elif nxt == " " and text[e + 1 : e + 2] == "(" and not _known(name):
        if _ACRONYM_PAREN.match(text, e):
            return "ORG", 0.5, "acronym"  # "Syrian Democratic Forces (SDF)"
    if name.isupper():
        if (
            text[s - 2 : s] == " ("
            and text[e : e + 1] == ")"
            and word_before(text, s - 2).split("-")[-1][:1].isupper()
            and _ACRONYM.fullmatch(name)
        ):
            return "ORG", 0.5, "acronym"  # the "(SDF)" itself
        if _ACRONYM_OR_DOTTED.fullmatch(name):
            return "ORG", 0.35, "acronym"
    if before.islower() and before in lx.PLACE_BEFORE and n <= 2:
        return "GPE", 0.35, "place-before"
    if 2 <= n <= 4:
        return "PER", 0.3, "name-shape"
    return "?", 0.0, ""  # kept only if the article names a person so ("Abdi" of "Mazlum Abdi")



def _segments(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split a run of capitalised words where a known name or demonym meets another name:
    "Tehran Iraqi" is two, "Syrian Democratic Forces" and "Saudi Arabia" are one."""
    words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    parts = [text[a:b] for a, b in words]
    for i, p in enumerate(parts):
        if p in ("of", "for"):
            # "Ministry of Defence", "Observatory for Human Rights": one name; "President of Syria": two
            if any(q in lx.ORG_WORDS for q in parts[:i]):
                return [(s, e)]
            j = i + 2 if parts[i + 1 : i + 2] == ["the"] else i + 1
            return _segments(text, s, words[i - 1][1]) + _segments(text, words[j][0], e)
    if len(words) < 2 or text[s:e] in lx.COUNTRIES or text[s:e] in lx.CAPITALS or text[s:e] in lx.KNOWN_ORGS:
        return [(s, e)]
    if any(p in lx.ORG_WORDS or p in lx.TITLES for p in parts):
        return [(s, e)]
    kinds = ["norp" if (p in lx.DEMONYMS or _demonym(p)) else "gpe" if p in lx.COUNTRIES else "name" for p in parts]
    out: list[tuple[int, int]] = []
    cur = 0
    for i in range(1, len(words)):
        if kinds[i] != kinds[i - 1] and "gpe" not in (kinds[i], kinds[i - 1]) or kinds[i] == "gpe" != kinds[i - 1]:
            out.append((words[cur][0], words[i - 1][1]))
            cur = i
    out.append((words[cur][0], words[-1][1]))
    return out


def _consistent(text: str, cands: list[Candidate]) -> list[Candidate]:
    """One label per name in an article: the best-supported guess wins everywhere.

    "Abdi" is a person when "Mazlum Abdi" is; a name guessed a person only by
    default is dropped when it shares a word with a confidently placed name
    ("Deir Ezzor" beside the city "Deir el-Zor")."""
    best: dict[str, tuple[float, str, str]] = {}
    for s, e, label, score, rule in cands:
        name = text[s:e]
        if name not in best or score > best[name][0]:
            best[name] = (score, label, rule)
    surnames: set[str] = set()
    for name, (score, label, _) in best.items():
        parts = name.split()
        if label == "PER" and len(parts) > 1 and score > 0.3:
            surnames.add(parts[-1])
            surnames.add(_NAME_PREFIX.sub("", parts[-1]))
    confident_words: set[str] = set()
    for name, (score, label, _) in best.items():
        if label != "PER" and score >= 0.45 and label != "DATE":
            confident_words.update(name.split())
    out = []
    for s, e, label, score, rule in cands:
        name = text[s:e]
        score, label, rule = best[name]
        if " " not in name and name in surnames and label != "PER" and score < 0.6:
            label, score, rule = "PER", 0.45, "surname"
        if label == "PER" and score <= 0.3 and confident_words.intersection(name.split()):
            continue
        if label == "?":
            continue
        out.append((s, e, label, score, rule))
    return out


@lru_cache(maxsize=65536)
def _name_kind(name: str) -> tuple[str, float] | None:
    """A label from the name alone (word lists, name shape), or None."""
    if name in lx.MEDIA or name in lx.KNOWN_ORGS:
        return "ORG", 0.6
    if name in lx.COUNTRIES or name in lx.CAPITALS:
        return "GPE", 0.6
    parts = name.split()
    if all(p in lx.DEMONYMS or _demonym(p) for p in parts):
        return "NORP", 0.5
    if len(parts) > 1:
        if any(p in lx.ORG_WORDS for p in parts[1:]):
            return "ORG", 0.5
        if parts[-1] in lx.FAC_WORDS:
            return "FAC", 0.45
        if parts[-1] in lx.LOC_WORDS:
            return "LOC", 0.45
    return None


@lru_cache(maxsize=65536)
def _known(name: str) -> bool:
    return (
        name in lx.COUNTRIES
        or name in lx.CAPITALS
        or name in lx.MEDIA
        or name in lx.KNOWN_ORGS
        or name in lx.DEMONYMS
        or _demonym(name)
    )


@lru_cache(maxsize=65536)
def _demonym(word: str) -> bool:
    return bool(_DEMONYM_SHAPE.fullmatch(word)) and word not in (
        "Christian",
    ) or word in lx.DEMONYMS



_GROUP_HEAD = re.compile(r"\b(?:" + "|".join(sorted(lx.GROUP_HEADS)) + r")\b")
#: ``_GROUP_HEAD`` at the words ``find_many`` visits
GROUP_HEADS = RegexAtWords(_GROUP_HEAD, None)


def _group_modifier(word: str) -> bool:
    if word.lower() in lx.GROUP_MODIFIERS:
        return True
    core = word[4:] if word.startswith("pro-") else word
    for suffix in ("-backed", "-led", "-allied", "-aligned", "-based"):
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return bool(core) and core[0].isupper() and _known(core)


def groups(text: str, found: list[Candidate], heads: list | None = None) -> list[Candidate]:
    """Nominal group mentions: up to three modifiers (a nationality, a country, "X-backed",
    "pro-X", "government", "rebel") and a group noun: "Iran-backed Iraqi fighters" (ORG).
    Kept only where they do not cut across a name found already (nesting is fine).
    ``heads``: what ``GROUP_HEADS.find`` returns, when the caller's ``find_many`` looked already."""
    spans = sorted((s, e) for s, e, *_ in found)
    starts = [s for s, _ in spans]
    out = []
    if heads is None:
        heads = GROUP_HEADS.find(text)
    for gs, head_end, _ in heads:
        n = 0
        while n < 3 and gs > 0 and text[gs - 1] == " ":
            pw = prev_word(text, max(0, gs - 41), gs - 1)
            if pw is None or pw[1] != gs - 1 or not _group_modifier(text[pw[0] : pw[1]]):
                break
            gs = pw[0]
            n += 1
        if n == 0:
            continue
        ge = head_end
        i = bisect_left(starts, gs - 80)
        crosses = False
        while i < len(spans):
            s, e = spans[i]
            i += 1
            if s >= ge:
                break
            if s < ge and gs < e and not (gs <= s and e <= ge) and not (s <= gs and ge <= e):
                crosses = True
                break
        if not crosses:
            out.append((gs, ge, "ORG", 0.35, "group"))
    return out

