"""The built-in `rules` suggester: no model, no extra dependency.

(a) A gazetteer learned from the accepted entities of every annotation file in
    the annotations folder (and of the article itself): an entity tagged once is
    suggested everywhere else, at word boundaries, the longest match winning.
(b) Attributions at cue words (the schema's, and cues already accepted) with a
    guessed source and content.
(c) Event triggers from the schema's per-type trigger words and from triggers
    already accepted, with a few arguments where the rules are sure enough.
(d) Capitalised-name candidates with a label guessed from context, scored lower.

Precision over recall: a wrong suggestion costs a key, a missing one costs the
same key the user would have pressed anyway.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..model import (
    ACCEPTED,
    REJECTED,
    AnnotationSet,
    Argument,
    Attribution,
    Entity,
    Event,
    Ref,
    Span,
)
from ..schema import Schema
from . import lexicon as lx
from ._text import PhraseMatcher, Sentences, Taken, find_many, longest_first
from .base import LocalIds, Progress, Proposals

# Scores: how much each rule is trusted (shown to the user, usable for bulk accept).
SCORE_GAZETTEER = 0.9
SCORE_GAZETTEER_MIXED = 0.7  # the text was accepted with several labels
SCORE_TRIGGER_LEARNED = 0.8
SCORE_TRIGGER_SCHEMA = 0.6
SCORE_CUE = 0.7
SCORE_CUE_WEAK = 0.5


# -- what was learned from accepted annotations -----------------------------------------


@dataclass
class Knowledge:
    """Facts learned from annotation files: surface text -> label / event type votes."""

    entities: dict[str, Counter] = field(default_factory=dict)
    rejected: set[tuple[str, str]] = field(default_factory=set)
    triggers: dict[str, Counter] = field(default_factory=dict)
    cues: set[str] = field(default_factory=set)

    def learn_entity(self, text: str, label: str, status: str) -> None:
        if status == ACCEPTED:
            self.entities.setdefault(text, Counter())[label] += 1
        elif status == REJECTED:
            self.rejected.add((text, label))

    def learn_trigger(self, text: str, type_: str) -> None:
        self.triggers.setdefault(text.casefold(), Counter())[type_] += 1

    def learn_set(self, aset: AnnotationSet) -> None:
        for e in aset.entities.values():
            if not e.span.discontinuous:
                self.learn_entity(e.text, e.label, e.status)
        for ev in aset.events.values():
            if ev.status == ACCEPTED and not ev.trigger.discontinuous:
                self.learn_trigger(ev.trigger.text, ev.type)
        for at in aset.attributions.values():
            if at.status == ACCEPTED and at.cue is not None and not at.cue.discontinuous:
                self.cues.add(at.cue.text.casefold())

    def update(self, other: "Knowledge") -> None:
        for text, votes in other.entities.items():
            self.entities.setdefault(text, Counter()).update(votes)
        self.rejected |= other.rejected
        for text, votes in other.triggers.items():
            self.triggers.setdefault(text, Counter()).update(votes)
        self.cues |= other.cues


@dataclass
class _FileFacts:
    path: Path
    sha256: str | None
    knowledge: Knowledge


def read_facts(path: Path) -> _FileFacts:
    """What one annotation file teaches. Only the file's own ``text`` fields are
    needed, so its article is not read (it may have moved or changed)."""
    from .. import store

    got = store.read(path, text=Path(path).read_text(encoding="utf-8"))
    aset, probs = got.aset, got.problems
    if aset is None:
        raise ValueError(probs[0].message if probs else "not an annotation file")
    k = Knowledge()
    k.learn_set(aset)
    return _FileFacts(Path(path), aset.document.sha256, k)


_SHA_LINE = re.compile(r"^\s*sha256:\s*['\"]?([0-9a-fA-F]{64})", re.M)


def peek_sha256(path: Path) -> str | None:
    """The ``document.sha256`` near the top of an annotation file, without parsing it all."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(2048)
    except OSError:
        return None
    m = _SHA_LINE.search(head)
    return m.group(1).lower() if m else None


class FolderFacts:
    """What the annotation files of a folder teach, each file read once and only
    when needed: the article's own file is recognised by its sha256 and not read."""

    def __init__(self, folder: Path | None):
        self.paths = sorted(Path(folder).glob("*.yaml")) if folder is not None and Path(folder).is_dir() else []
        self._peeked = {p: peek_sha256(p) for p in self.paths}
        self._facts: dict[Path, _FileFacts | None] = {}
        self.notes: list[str] = []

    def others(self, sha256: str | None) -> list[_FileFacts]:
        """Facts of every file not about the article with ``sha256``."""
        out: list[_FileFacts] = []
        for p in self.paths:
            if sha256 is not None and self._peeked[p] == sha256.lower():
                continue
            if p not in self._facts:
                try:
                    self._facts[p] = read_facts(p)
                except Exception as exc:  # noqa: BLE001 - a broken file must not stop suggesting
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    self.notes.append(f"{p}: not learned from: {first}")
                    self._facts[p] = None
            f = self._facts[p]
            if f is not None and not (sha256 is not None and f.sha256 == sha256):
                out.append(f)
        return out


# -- the suggester -------------------------------------------------------------------------

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
_DATELINE_PREFIX = re.compile(r"[A-Z][A-Z .'\u2019-]*(?:, [A-Z][\w .]*)? *\([^)\n]{1,30}\) *[-\u2013\u2014]+ *")
_FAC_AFTER = re.compile(r" (?:" + "|".join(re.escape(w) for w in lx.FAC_AFTER) + r")\b")
_NUMBER_AFTER = re.compile(r" \d{1,3}(?![\d.,:%/\w])")
_YEAR = re.compile(r"(?<![\w.,])(?:1[89]\d\d|20\d\d)(?![\w])")
_DATELINE = re.compile(r"(?m)^([A-Z][A-Z'\u2019\- ]{1,40}[A-Z]),")
_CLAUSE_PUNCT = re.compile(r"[,;:(\u2014]")
_LEAD = re.compile(r"[\"“‘(]*(?:(?:But|And|However|Meanwhile),?\s+)?")
_ARTICLE = re.compile(r"(?:the|a|an)\s+")
_ADVERBIALS_AFTER_CUE = re.compile(r"\s*(?:on \w+\s+|in a statement\s+|earlier\s+|later\s+|also\s+)*")
_A_WORD = re.compile(r"(\w+)")
_THAT = re.compile(r"\bthat\s+")
_QUOTE_AHEAD = re.compile(r"\s*[\"“]")
_PREP_WORDS = re.compile(r"[\w'-]+")
_NAME_PREFIX = re.compile(r"^(?:al|el|ad|ash|as|ar|at|az)-")
_DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]+(?:ian|ians|ese)")
_AUX = frozenset(
    """had has have was were is are been be being already also reportedly then later first just would
    will could may might not never previously now again itself themselves""".split()
)
_TRANSITIVE_MOVES = frozenset("sent transported evacuated deployed shipped delivered".split())
_REPEATABLE = frozenset(["Place", "Time", "Destination", "Target", "Participant"])
_PASSIVE = frozenset("was were is are been be being".split())
_HEADS = frozenset("group forces force army militia militias alliance coalition government fighters troops".split())
_SUBJECT_LABELS = frozenset(["PER", "ORG", "NORP", "GPE"])
_PLACE_LABELS = frozenset(["GPE", "LOC", "FAC"])
_OBJECT_PRONOUNS = frozenset("reporters journalists him her them us me parliament lawmakers".split())
_ADVERBIAL = frozenset(
    "on in at earlier later by during after before from over yesterday today last this late early".split()
)
_CLAUSE_WORDS = re.compile(r"\b(?:before|after|when|while|because|but|although|though|since|until|which|who|whose|that|where)\b")
_WEAK_CUES = frozenset(["added", "stated", "announced", "reported", "claimed", "confirmed", "denied", "warned"])
_QUOTES_OPEN = "\"\u201c\u2018"
_QUOTES_CLOSE = "\"\u201d\u2019"


@dataclass(slots=True)
class _Ent:
    start: int
    end: int
    label: str
    id: str  # an existing ID or a local proposal ID


class RulesSuggester:
    """The built-in suggester (see the module docstring)."""

    name = "rules"

    def __init__(self, schema: Schema, annotations_dir: str | Path | None = None):
        self.schema = schema
        self.annotations_dir = Path(annotations_dir) if annotations_dir is not None else None
        self._folder: FolderFacts | None = None

    # -- learning ----------------------------------------------------------------
    def knowledge_for(self, aset: AnnotationSet) -> Knowledge:
        """The folder's facts (files of this same article left out) plus the set's own."""
        if self._folder is None:
            self._folder = FolderFacts(self.annotations_dir)
        k = Knowledge()
        # The article's own file is left out: the set in hand is newer.
        for f in self._folder.others(aset.document.sha256):
            k.update(f.knowledge)
        k.learn_set(aset)
        return k

    @property
    def notes(self) -> list[str]:
        return list(self._folder.notes) if self._folder is not None else []

    def learned_files(self, sha256: str | None = None) -> int:
        """How many files of the folder this suggester learns from for an article."""
        if self._folder is None:
            self._folder = FolderFacts(self.annotations_dir)
        return len(self._folder.others(sha256))

    # -- proposing ---------------------------------------------------------------
    def propose(self, aset: AnnotationSet, *, progress: Progress | None = None) -> Proposals:
        text = aset.document.text
        know = self.knowledge_for(aset)
        out = Proposals(notes=list(self.notes))
        ids = LocalIds()
        if progress:
            progress(0.1)
        sents = Sentences(text)
        schema = self.schema
        known_labels = set(schema.entity_names)

        # Spans a person decided: rule entities must not cut across accepted ones.
        accepted = Taken(
            len(text),
            ((e.start, e.end) for e in aset.entities.values() if e.status == ACCEPTED and not e.span.discontinuous),
        )

        # (a) gazetteer
        gaz_entries: list[tuple[str, tuple[str, float]]] = []
        for surface, votes in know.entities.items():
            if len(surface) < 2 or lx.is_noise(surface):
                continue  # "he", "the": never worth suggesting everywhere
            label, n = votes.most_common(1)[0]
            if label not in known_labels:
                continue
            score = SCORE_GAZETTEER if n == sum(votes.values()) else SCORE_GAZETTEER_MIXED
            gaz_entries.append((surface, (label, score)))
        gaz_hits, trigger_hits, cue_hits = find_many(
            text, [PhraseMatcher(gaz_entries), self._trigger_matcher(know), self._cue_matcher(know)]
        )
        found: list[tuple[int, int, str, float]] = []
        for s, e, (label, score) in gaz_hits:
            found.append((s, e, label, score))
        taken = Taken(len(text), ((s, e) for s, e, _, _ in found))
        if progress:
            progress(0.3)

        # (d) capitalised names
        learned_texts = know.entities
        for s, e, label, score in self._name_candidates(text, sents):
            if not taken.free(s, e):
                continue
            if (text[s:e], label) in know.rejected and text[s:e] not in learned_texts:
                continue
            if label not in known_labels:
                continue
            taken.add(s, e)
            found.append((s, e, label, score))
        if progress:
            progress(0.5)

        # Nominal groups ("Syrian government forces"): names may nest inside them.
        if "ORG" in known_labels:
            found.extend(_groups(text, found))

        ents: list[_Ent] = []
        existing: set[tuple[int, int, str]] = set()
        for e in aset.entities.values():
            if not e.span.discontinuous:
                existing.add((e.start, e.end, e.label))
                if e.status != REJECTED:
                    ents.append(_Ent(e.start, e.end, e.label, e.id))
        for s, e, label, score in sorted(found):
            if (s, e, label) in existing:
                continue  # already there (the merge would skip it too)
            if not accepted.free(s, e):
                continue  # crosses or nests in an accepted entity
            ent = Entity(ids("T"), label, Span.of(text, s, e), score=score)
            out.add(ent)
            ents.append(_Ent(s, e, label, ent.id))
        index = _EntityIndex(ents)

        # (c) events
        self._events(text, sents, trigger_hits, index, out, ids)
        if progress:
            progress(0.75)
        # (b) attributions
        self._attributions(text, sents, cue_hits, index, out, ids)
        if progress:
            progress(0.95)
        return out

    # -- (d) --------------------------------------------------------------------------
    def _name_candidates(self, text: str, sents: Sentences) -> Iterable[tuple[int, int, str, float]]:
        """Capitalised runs with a guessed label and a score."""
        starts = set(sents.starts)
        runs: list[tuple[int, int, str, bool]] = []
        midwords: set[str] = set()
        for m in _NAME_RUN.finditer(text):
            s = m.start()
            run = m.group()
            first = _at_sentence_start(text, s, starts)
            runs.append((s, m.end(), run, first))
            if " " in run:
                words = run.split()
                midwords.update(words[1:] if first else words)
            elif not first:
                midwords.add(run)
        for m in _DATELINE.finditer(text):
            yield m.start(1), m.end(1), "GPE", 0.5
        for m in _YEAR.finditer(text):
            yield m.start(), m.end(), "DATE", 0.45
        for m in _RELATIVE_DATE.finditer(text):
            yield m.start(), m.end(), "DATE", 0.4
        cands: list[tuple[int, int, str, float]] = []
        for s, e, run, first in runs:
            if " " not in run:  # most runs: one word
                if run in lx.STOP:
                    continue
                got = self._one_name(text, s, e, run, first, midwords, False)
                if got is not None:
                    cands.append(got)
                continue
            for seg_s, seg_e in _segments(text, s, e):
                got = self._split_run(text, seg_s, seg_e, first and seg_s == s, midwords)
                if got is not None:
                    cands.append(got)
        yield from _consistent(text, cands)

    def _split_run(self, text, s, e, sentence_start, midwords):
        words = []
        p = s
        for w in text[s:e].split(" "):
            words.append((p, p + len(w)))
            p += len(w) + 1
        # Leading stop words (sentence-initial "The", "In") and titles are not the name.
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
        return self._one_name(text, s, e, text[s:e], sentence_start, midwords, titled)

    def _one_name(self, text, s, e, name, sentence_start, midwords, titled):
        if " " not in name:
            # Months, weekdays: dates ("Friday afternoon" with its part of the day).
            if name in lx.MONTHS or name in lx.WEEKDAYS:
                if name == "May" and sentence_start:
                    return None
                after = _word_after(text, e)
                if name in lx.WEEKDAYS and after in lx.DAYPARTS:
                    return s, text.index(after, e) + len(after), "DATE", 0.5
                return s, e, "DATE", 0.5
        m = _FAC_AFTER.match(text, e)
        if m:
            return s, m.end(), "FAC", 0.45  # "Albu Kamal border crossing"
        m = _NUMBER_AFTER.match(text, e)
        if m and not _known(name):
            return s, m.end(), "ORG", 0.35  # "Deir Ezzor 24", "France 24"
            if sentence_start and name not in midwords and not _known(name):
                return None  # "Shortly", "Reporting": capitalised only because a sentence starts there
        label, score = self._guess(text, s, e, name, titled)
        return s, e, label, score

    def _guess(self, text, s, e, name, titled):
        if titled:
            return "PER", 0.5
        kind = _name_kind(name)
        if kind is not None:
            return kind
        parts = name.split()
        n = len(parts)
        before = _word_before(text, s)
        after = _word_after(text, e)
        if after in lx.PLACE_AFTER:
            return lx.PLACE_AFTER[after], 0.45
        if before == "By" or before.islower() and before in lx.PERSON_BEFORE:
            return "PER", 0.45
        nxt = text[e : e + 1]
        if nxt == ",":
            tail = text[e : e + 40]
            m = _APPOSITION.match(tail)
            if m and (m.group(1) in lx.PERSON_APPOSITION or m.group(1) == "who"):
                return "PER", 0.45
        elif nxt == " " and text[e + 1 : e + 2] == "(" and not _known(name):
            if _ACRONYM_PAREN.match(text, e):
                return "ORG", 0.5  # "Syrian Democratic Forces (SDF)"
        if name.isupper():
            if (
                text[s - 2 : s] == " ("
                and text[e : e + 1] == ")"
                and _word_before(text, s - 2).split("-")[-1][:1].isupper()
                and _ACRONYM.fullmatch(name)
            ):
                return "ORG", 0.5  # the "(SDF)" itself
            if _ACRONYM_OR_DOTTED.fullmatch(name):
                return "ORG", 0.35
        if before.islower() and before in lx.PLACE_BEFORE and n <= 2:
            return "GPE", 0.35
        if 2 <= n <= 4:
            return "PER", 0.3
        return "?", 0.0  # kept only if the article names a person so ("Abdi" of "Mazlum Abdi")

    # -- (c) --------------------------------------------------------------------------
    def _trigger_matcher(self, know: Knowledge) -> PhraseMatcher:
        schema = self.schema
        phrases: dict[str, tuple[str, float]] = {}
        for et in schema.events:
            for t in et.triggers:
                phrases[t.casefold()] = (et.name, SCORE_TRIGGER_SCHEMA)
        for t, votes in know.triggers.items():
            type_, _ = votes.most_common(1)[0]
            if schema.has_event(type_) and len(t) > 1 and not lx.is_noise(t):
                phrases[t] = (type_, SCORE_TRIGGER_LEARNED)
        return PhraseMatcher(phrases.items(), fold=True)

    def _cue_matcher(self, know: Knowledge) -> PhraseMatcher:
        cues = {c.casefold() for c in self.schema.attribution_cues} | {c for c in know.cues if not lx.is_noise(c)}
        return PhraseMatcher(((c, c) for c in cues), fold=True)

    def _events(self, text, sents, hits, index: "_EntityIndex", out: Proposals, ids: LocalIds) -> None:
        phrase_hits = []
        low = text.lower()
        if len(low) != len(text):  # a rare character whose lower case is longer: fold in the regex
            low = None
        for type_, patterns in lx.TRIGGER_PHRASES.items():
            if self.schema.has_event(type_):
                rx = _phrase_regex(tuple(patterns), low is None)
                for m in rx.finditer(text if low is None else low):
                    phrase_hits.append((m.start(), m.end(), (type_, SCORE_TRIGGER_SCHEMA)))
        if phrase_hits:
            hits = longest_first(list(hits) + phrase_hits)
        found = [m for m in hits if not index.overlapping(m[0], m[1])]  # not inside a name
        for i, (s, e, (type_, score)) in enumerate(found):
            limit = found[i + 1][0] if i + 1 < len(found) else len(text)
            args = self._arguments(text, sents, index, s, e, type_, limit)
            out.add(
                Event(ids("E"), type_, Span.of(text, s, e), tuple(Argument(r, ref) for r, ref in args), score=score)
            )

    def _arguments(self, text, sents, index, s, e, type_, limit) -> list[tuple[str, str]]:
        roles = self.schema.roles(type_)
        if not roles:
            return []
        ss, se = sents.around(s)
        args: list[tuple[str, str]] = []
        used: set[str] = set()
        # Before the trigger: its subject.
        subj, passive = _subject(text, index, ss, s)
        if subj is not None and subj.label in _SUBJECT_LABELS:
            if passive:
                role = _first(roles, ("Victim", "Target", "Artifact"))
            elif "Artifact" in roles and text[s:e].lower() not in _TRANSITIVE_MOVES:
                role = "Artifact"  # "the SDF swept in": what moved
            else:
                role = _first(roles, ("Agent", "Attacker", "Participant"))
            if role:
                args.append((role, subj.id))
                used.add(role)
                # "X and Y had pulled out": both
                before = _trim(text, ss, subj.start, " \t")[1]
                if text[max(ss, before - 3) : before] == "and":
                    other = index.ending_at(_trim(text, ss, before - 3, " \t,")[1])
                    if other is not None and other.label in _SUBJECT_LABELS and other.start >= ss:
                        args.append((role, other.id))
        # After it, in the same clause: places and a time.
        used_count = {r: 1 for r in used}
        clause_end = min(_clause_end(text, e, se), limit)
        m = _CLAUSE_WORDS.search(text, e, clause_end)
        if m:
            clause_end = m.start()
        words_seen = 0
        outer_end = e
        for ent in index.starting_in(e, clause_end):
            if ent.start < outer_end:
                continue  # nested in the previous one: the outer entity is the argument
            outer_end = ent.end
            words_seen = len(text[e : ent.start].split())
            if words_seen > 16:
                break
            if ent.label == "DATE":
                role = "Time" if "Time" in roles else None
            elif ent.label in _PLACE_LABELS:
                prep = _preposition_before(text, e, ent.start)
                if prep == "of" and text[s:e].lower().endswith(" out"):
                    prep = "out of"  # "pulled out of X"
                if prep in ("from", "out of"):
                    role = _first(roles, ("Origin", "Place"))
                elif prep in ("to", "into", "toward", "towards"):
                    role = _first(roles, ("Destination", "Place"))
                elif prep in ("in", "at", "near", "of", "through", "across", "on", "inside", "outside", ""):
                    role = _first(roles, ("Place", "Destination") if prep in ("in", "through", "inside") else ("Place",))
                else:
                    role = None
            elif ent.label in _SUBJECT_LABELS:
                prep = _preposition_before(text, e, ent.start)
                if passive and prep == "by":
                    role = _first(roles, ("Agent", "Attacker"))
                elif prep == "with" and "Target" in roles:
                    role = "Target"  # "clashed with HTS"
                else:
                    role = None
            else:
                role = None
            if role and used_count.get(role, 0) < (2 if role in _REPEATABLE else 1):
                args.append((role, ent.id))
                used.add(role)
                used_count[role] = used_count.get(role, 0) + 1
        return args

    # -- (b) --------------------------------------------------------------------------
    def _attributions(self, text, sents, hits, index, out: Proposals, ids: LocalIds) -> None:
        for cs, ce, cue in hits:
            ss, se = sents.around(cs)
            guess = _attribution(text, index, ss, se, cs, ce, cue)
            if guess is None:
                continue
            source, content, score, direct = guess
            c_text = text[content[0] : content[1]]
            if direct or c_text[:1] in _QUOTES_OPEN and c_text[-1:] in _QUOTES_CLOSE and not _has_quote(c_text[1:-1]):
                kind = "direct"
            elif _has_quote(c_text):
                kind = "mixed"
            else:
                kind = "indirect"
            if kind not in self.schema.attribution_types:
                kind = None
            if cue in ("told", "tells"):
                ce = _addressee_end(text, index, ce) or ce  # the cue is "told Reuters"
            out.add(
                Attribution(
                    ids("A"),
                    source=source,
                    cue=Span.of(text, cs, ce),
                    content=Span.of(text, *content),
                    type=kind,
                    score=score,
                )
            )


# -- helpers ------------------------------------------------------------------------------


class _EntityIndex:
    """Entities by position: what ends just before an offset, what starts in a range."""

    def __init__(self, ents: list[_Ent]):
        # One per span: the first listed (existing before proposed).
        seen: dict[tuple[int, int], _Ent] = {}
        for x in ents:
            seen.setdefault((x.start, x.end), x)
        self.by_start = sorted(seen.values(), key=lambda x: (x.start, -x.end))
        self.starts = [x.start for x in self.by_start]
        self.by_end = sorted(seen.values(), key=lambda x: (x.end, x.start))
        self.ends = [x.end for x in self.by_end]

    def ending_at(self, end: int) -> _Ent | None:
        """The longest entity ending exactly at ``end``."""
        i = bisect_left(self.ends, end)
        best = None
        while i < len(self.ends) and self.ends[i] == end:
            x = self.by_end[i]
            if best is None or x.start < best.start:
                best = x
            i += 1
        return best

    def starting_at(self, start: int) -> _Ent | None:
        i = bisect_left(self.starts, start)
        return self.by_start[i] if i < len(self.starts) and self.starts[i] == start else None

    def starting_in(self, a: int, b: int) -> list[_Ent]:
        i, j = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return [x for x in self.by_start[i:j] if x.end <= b]

    def overlapping(self, a: int, b: int) -> bool:
        i = bisect_left(self.starts, b)
        return any(x.end > a for x in self.by_start[max(0, i - 8) : i])


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


def _consistent(text: str, cands: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """One label per name in an article: the best-supported guess wins everywhere.

    "Abdi" is a person when "Mazlum Abdi" is; a name guessed a person only by
    default is dropped when it shares a word with a confidently placed name
    ("Deir Ezzor" beside the city "Deir el-Zor")."""
    best: dict[str, tuple[float, str]] = {}
    for s, e, label, score in cands:
        name = text[s:e]
        if name not in best or score > best[name][0]:
            best[name] = (score, label)
    surnames: set[str] = set()
    for name, (score, label) in best.items():
        parts = name.split()
        if label == "PER" and len(parts) > 1 and score > 0.3:
            surnames.add(parts[-1])
            surnames.add(_NAME_PREFIX.sub("", parts[-1]))
    confident_words: set[str] = set()
    for name, (score, label) in best.items():
        if label != "PER" and score >= 0.45 and label != "DATE":
            confident_words.update(name.split())
    out = []
    for s, e, label, score in cands:
        name = text[s:e]
        score, label = best[name]
        if " " not in name and name in surnames and label != "PER" and score < 0.6:
            label, score = "PER", 0.45
        if label == "PER" and score <= 0.3 and confident_words.intersection(name.split()):
            continue
        if label == "?":
            continue
        out.append((s, e, label, score))
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


def _at_sentence_start(text: str, s: int, starts: set[int]) -> bool:
    j = s
    while j > 0 and text[j - 1] in " \t\"(“‘'[":
        j -= 1
    return j in starts or j == 0 or text[j - 1] == "\n"


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


_WORD_CHARS = frozenset(".-'\u2019_")


def _word_before(text: str, s: int) -> str:
    """The word (letters, digits, . - ' ’) that ends right before ``s``, past spaces and tabs."""
    i = s
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in _WORD_CHARS) and i - j < 40:
        j -= 1
    return text[j:i]


def _word_after(text: str, e: int) -> str:
    """The word that starts right after ``e``, past spaces and tabs."""
    n = len(text)
    i = e
    while i < n and text[i] in " \t":
        i += 1
    j = i
    while j < n and (text[j].isalnum() or text[j] in "-'\u2019_") and j - i < 40:
        j += 1
    return text[i:j]


def _first(roles: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    for r in wanted:
        if r in roles:
            return r
    return None


def _clause_end(text: str, e: int, se: int) -> int:
    """Where the clause after ``e`` ends: the next , ; : or sentence end."""
    m = _CLAUSE_PUNCT.search(text, e, se)
    return m.start() if m else se


def _preposition_before(text: str, a: int, b: int) -> str:
    """The preposition heading the phrase ``text[a:b]`` ends with ('' when none)."""
    words = _PREP_WORDS.findall(text[a:b].lower())
    skip = {"the", "a", "an", "eastern", "western", "northern", "southern", "central", "nearby", "city", "town", "of"}
    # "pulled out of X": "out of"; "the city of X": "of"
    while words and words[-1] in ("the", "eastern", "western", "northern", "southern", "central", "nearby"):
        words.pop()
    if len(words) >= 2 and words[-2:] == ["out", "of"]:
        return "out of"
    if words and (words[-1] in lx.PLACE_BEFORE or words[-1] in ("by", "with")):
        return words[-1]
    if not words or all(w in skip for w in words):
        return ""
    return "?"


def _subject(text: str, index: _EntityIndex, ss: int, s: int) -> tuple[_Ent | None, bool]:
    """The entity right before offset ``s`` (skipping auxiliaries), and whether the verb is passive."""
    pos = s
    passive = False
    heads = 0
    while pos > ss:
        j = pos
        while j > ss and text[j - 1] in " \t":
            j -= 1
        ent = index.ending_at(j)
        if ent is not None and ent.start >= ss:
            if heads and ent.label not in ("ORG", "GPE"):
                return None, passive
            return ent, passive
        m = _prev_word(text, ss, j)
        if m is None:
            return None, passive
        w = text[m[0] : m[1]].lower()
        if w in _AUX:
            passive = passive or w in _PASSIVE
        elif w in _HEADS and heads == 0 and not passive:
            heads += 1
        else:
            return None, passive
        pos = m[0]
    return None, passive


def _prev_word(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """(start, end) of the word ending before ``hi`` (past spaces), not before ``lo``."""
    i = hi
    while i > lo and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > lo and (text[j - 1].isalnum() or text[j - 1] in _WORD_CHARS) and i - j < 40:
        j -= 1
    return (j, i) if j < i else None


def _has_quote(s: str) -> bool:
    return any(q in s for q in "\"\u201c\u201d")


def _trim(text: str, a: int, b: int, chars: str = " \t,;:.") -> tuple[int, int]:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def _np_before(text: str, index: _EntityIndex, ss: int, cs: int) -> Ref | Span | None:
    """The source of a cue such as "said": who is saying it, right before the cue."""
    a, b = _trim(text, ss, cs, " \t")
    # "sources said on Friday", "he also said": step over adverbs and auxiliaries.
    while True:
        m = _prev_word(text, a, b)
        if m and text[m[0] : m[1]].lower() in _AUX:
            b = _trim(text, a, m[0], " \t")[1]
            continue
        break
    if b <= a:
        return None
    if text[max(a, b - 4) : b] == " and" or b - a == 3 and text[a:b] == "and":
        # "Zelenskiy met leaders ... and told them": the sentence's subject.
        lead = _LEAD.match(text, a, b)
        p = lead.end() if lead else a
        for x in index.starting_in(p, b):
            if x.start > p + 25:
                break
            if x.label in _SUBJECT_LABELS:
                return Ref(x.id)
        return None
    ent = index.ending_at(b)
    if ent is not None and ent.start >= a and ent.label in _SUBJECT_LABELS:
        if _preposition_before(text, max(a, ent.start - 40), ent.start) in ("", "?"):
            return Ref(ent.id)  # not "sources based in eastern Syria"
    m = _prev_word(text, a, b)
    if m and text[m[0] : m[1]].lower() in lx.PRONOUNS:
        return Span.of(text, m[0], m[1])
    if text[b - 1] == ",":
        # "Omar Abu Layla, an activist ..., told": the subject opens the sentence.
        lead = _LEAD.match(text, a, b)
        p = lead.end() if lead else a
        first = index.starting_at(p)
        if first is not None and first.label in _SUBJECT_LABELS and text[first.end : first.end + 1] == ",":
            return Ref(first.id)
        comma = text.find(",", p, b)
        if comma > p and len(text[p:comma].split()) <= 6:
            return Span.of(text, *_trim(text, p, comma))
        return None
    # A short noun phrase from the clause start: "two Syrian army sources".
    cut = max(text.rfind(c, a, b) for c in ",;:\u201d\u201c\"(")
    p = cut + 1 if cut >= a else a
    p, b2 = _trim(text, p, b, " \t\"“”'")
    words = text[p:b2].split()
    while words and words[0].lower() in ("and", "but", "while", "as", "whereas"):
        p = text.index(words[0], p) + len(words[0])
        p = _trim(text, p, b2, " \t")[0]
        words = words[1:]
    if 1 <= len(words) <= 8 and not any(w.lower() in ("that", "which", "who", "when", "if") for w in words):
        ent = index.starting_at(p)
        if ent is not None and ent.end == b2:
            return Ref(ent.id)
        return Span.of(text, p, b2)
    return None


def _np_after(text: str, index: _EntityIndex, a: int, se: int) -> tuple[Ref | Span | None, int]:
    """The source after "according to": an entity or the phrase up to the next comma."""
    p = _trim(text, a, se, " \t")[0]
    ent = index.starting_at(p)
    if ent is None:
        m = _ARTICLE.match(text, p)
        if m:
            ent = index.starting_at(m.end())  # "according to the Syrian Observatory"
    stop = _clause_end(text, p, se)
    if ent is not None and ent.end == _trim(text, p, stop)[1]:
        return Ref(ent.id), stop
    q, r = _trim(text, p, stop)
    if r <= q or len(text[q:r].split()) > 8:
        return None, stop
    return Span.of(text, q, r), stop


_GROUP_HEAD = re.compile(r"\b(?:" + "|".join(sorted(lx.GROUP_HEADS)) + r")\b")


@lru_cache(maxsize=32)
def _phrase_regex(patterns: tuple[str, ...], fold: bool) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE if fold else 0)


def _group_modifier(word: str) -> bool:
    if word.lower() in lx.GROUP_MODIFIERS:
        return True
    core = word[4:] if word.startswith("pro-") else word
    for suffix in ("-backed", "-led", "-allied", "-aligned", "-based"):
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return bool(core) and core[0].isupper() and _known(core)


def _groups(text: str, found: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Nominal group mentions: up to three modifiers (a nationality, a country, "X-backed",
    "pro-X", "government", "rebel") and a group noun: "Iran-backed Iraqi fighters" (ORG).
    Kept only where they do not cut across a name found already (nesting is fine)."""
    spans = sorted((s, e) for s, e, _, _ in found)
    starts = [s for s, _ in spans]
    out = []
    for m in _GROUP_HEAD.finditer(text):
        gs = m.start()
        n = 0
        while n < 3 and gs > 0 and text[gs - 1] == " ":
            pw = _prev_word(text, max(0, gs - 41), gs - 1)
            if pw is None or pw[1] != gs - 1 or not _group_modifier(text[pw[0] : pw[1]]):
                break
            gs = pw[0]
            n += 1
        if n == 0:
            continue
        ge = m.end()
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
            out.append((gs, ge, "ORG", 0.35))
    return out


def _addressee_end(text: str, index: "_EntityIndex", ce: int) -> int | None:
    """Where the addressee of "told" ends ("told Reuters", "told reporters"), or None."""
    p = ce
    while p < len(text) and text[p] in " \t":
        p += 1
    ent = index.starting_at(p)
    if ent is not None and ent.label in ("ORG", "PER"):
        return ent.end
    m = _A_WORD.match(text, p)
    if m and m.group(1).lower() in _OBJECT_PRONOUNS:
        return m.end()
    return None


def _content_after(text: str, index: _EntityIndex, ce: int, se: int, cue: str) -> tuple[int, int] | None:
    """What was said, after the cue: the "that" clause or the rest of the sentence."""
    p = ce
    rest = text[p:se]
    m = _ADVERBIALS_AFTER_CUE.match(rest)
    p += m.end() if m else 0
    if cue in ("told", "tells", "warned", "informed", "assured"):
        # the addressee: "told Reuters", "told reporters"
        ent = index.starting_at(p)
        if ent is not None:
            p = ent.end
        else:
            m = _A_WORD.match(text, p)
            if m and m.group(1).lower() in _OBJECT_PRONOUNS:
                p = m.end()
    # "that" right after the cue, or after an adverbial phrase ("told reporters
    # earlier on Friday at a press conference ... that"): the content follows it.
    m = _THAT.search(text, p, min(se, p + 120))
    between = text[p : m.start()].split() if m else []
    if m and (
        not between
        or between[0].lower() in _ADVERBIAL and len(between) <= 12 and "," not in text[p : m.start()]
    ):
        p = m.end()
    elif cue in _WEAK_CUES and not _QUOTE_AHEAD.match(text, p, se) and cue != "warned":
        return None  # "claimed responsibility", "reported 5 deaths": not a report of speech
    a, b = _trim(text, p, se, " \t,;:.")
    if b - a < 3 or len(text[a:b].split()) < 2:
        return None
    return a, b


def _content_before(text: str, ss: int, b: int) -> tuple[tuple[int, int], bool] | None:
    """What was said before the source: ``text[ss:b]`` trimmed; a quotation loses its
    quote marks (and is then a direct report)."""
    while b < len(text) and text[b] in _QUOTES_CLOSE:
        b += 1  # '"We will fight," he said': the quote closes after the comma
    a, b = _trim(text, ss, b, " \t,")
    m = _DATELINE_PREFIX.match(text, a, b)
    if m:
        a = m.end()  # "KYIV, Ukraine (Reuters) - "
    quoted = False
    if a < b and text[a] in _QUOTES_OPEN:
        close = b
        while close > a and text[close - 1] in " \t,":
            close -= 1
        if text[close - 1] in _QUOTES_CLOSE and not _has_quote(text[a + 1 : close - 1]):
            a, b = _trim(text, a + 1, close - 1, " \t,")
            quoted = True
    if b - a < 3:
        return None
    return (a, b), quoted


def _attribution(text, index, ss, se, cs, ce, cue):
    """(source, (content start, end), score, direct) for one cue, or None."""
    if cue == "according to":
        source, stop = _np_after(text, index, ce, se)
        lead = text[ss:cs].strip(" \t\"“‘(")
        if not lead:
            # "According to X, content."
            a, b = _trim(text, stop, se)
        else:
            a, b = _trim(text, ss, cs)
        if b - a < 3:
            return None
        return source, (a, b), SCORE_CUE if source is not None else SCORE_CUE_WEAK, False
    end = _addressee_end(text, index, ce) if cue in ("told", "tells") else None
    end = end or ce
    rest = text[end:se].strip(" \t.\"”’)")
    if not rest or rest.startswith(","):
        # "..., he said." / "..., the ministry said, as ...": the content comes first.
        comma = max(text.rfind(",", ss, cs), text.rfind("\u201d", ss, cs) - 1)
        if comma <= ss:
            return None
        source = _np_before(text, index, comma + 1, cs)
        got = _content_before(text, ss, comma + 1)
        if got is None:
            return None
        return source, got[0], SCORE_CUE if source is not None else SCORE_CUE_WEAK, got[1]
    # '..., said Omar Abu Layla.', '"...," said X, a spokesman': the source follows the cue.
    ent = index.starting_at(_trim(text, ce, se)[0])
    if ent is not None and ent.label == "PER":
        tail = text[ent.end : se].strip(" \t.\"”’)")
        comma = max(text.rfind(",", ss, cs), text.rfind("\u201d", ss, cs) - 1)
        if (not tail or tail.startswith(",")) and comma > ss:
            got = _content_before(text, ss, comma + 1)
            if got is not None:
                return Ref(ent.id), got[0], SCORE_CUE, got[1]
    content = _content_after(text, index, ce, se, cue)
    if content is None:
        return None
    source = _np_before(text, index, ss, cs)
    strong = cue not in _WEAK_CUES and source is not None
    return source, content, SCORE_CUE if strong else SCORE_CUE_WEAK, False
