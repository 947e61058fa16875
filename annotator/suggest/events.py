"""Event rules: triggers (the schema's words, phrases, triggers accepted before)
and the arguments the rules are sure enough of (the subject, places and a time
in the same clause)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import ACCEPTED, NO_ATTRS, Argument
from ..schema import Schema
from ..text import Sentences
from . import lexicon as lx
from .base import LocalIds, Proposals, new_event, new_span
from .context import Ent, EntityIndex, clause_end, first_role, preposition_before, prev_word, trim
from .learned import Knowledge, most_common
from .phrases import PhraseMatcher, RegexAtWords, find_many, longest_first

SCORE_TRIGGER_LEARNED = 0.8
SCORE_TRIGGER_SCHEMA = 0.6

_CLAUSE_WORDS = re.compile(r"\b(?:before|after|when|while|because|but|although|though|since|until|which|who|whose|that|where)\b")


def trigger_matcher(schema: Schema, know: Knowledge) -> PhraseMatcher:
    """Trigger words of the schema's event types and triggers accepted before."""
    phrases: dict[str, tuple[str, float, str]] = {}
    for et in schema.events:
        for t in et.triggers:
            phrases[t.casefold()] = (et.name, SCORE_TRIGGER_SCHEMA, "trigger-schema")
    for t, votes in know.triggers.items():
        type_, _ = most_common(votes)
        if schema.has_event(type_) and len(t) > 1 and not lx.is_noise(t):
            phrases[t] = (type_, SCORE_TRIGGER_LEARNED, "trigger-learned")
    return PhraseMatcher(phrases.items(), fold=True)


def phrase_matchers(schema: Schema, text: str) -> list[RegexAtWords]:
    """The schema's trigger phrases (``lexicon.TRIGGER_PHRASES``), one matcher per
    event type, for ``find_many`` over ``text``: matched in the lower-cased text
    (any case), or case-insensitively where lower-casing changes the length."""
    low = text.lower()
    fold = len(low) != len(text)  # a rare character whose lower case is longer: fold in the regex
    return [
        RegexAtWords(_phrase_regex(tuple(patterns), fold), (type_, SCORE_TRIGGER_SCHEMA, "trigger-phrase"), None if fold else low)
        for type_, patterns in lx.TRIGGER_PHRASES.items()
        if schema.has_event(type_)
    ]


def events(
    schema: Schema, text: str, sents: Sentences, hits, index: EntityIndex, out: Proposals, ids: LocalIds,
    phrase_hits: list[list] | None = None,
) -> None:
    """Event suggestions at trigger ``hits`` (from ``trigger_matcher``), with arguments.

    ``phrase_hits``: what ``phrase_matchers`` found, when the caller's ``find_many``
    looked for them (found here otherwise)."""
    if phrase_hits is None:
        phrase_hits = find_many(text, phrase_matchers(schema, text))
    phrase_hits = [h for per_type in phrase_hits for h in per_type]
    if phrase_hits:
        hits = longest_first(list(hits) + phrase_hits)
    found = [m for m in hits if not index.overlapping(m[0], m[1])]  # not inside a name
    add, make, span = out.annotations.append, new_event, new_span
    for i, (s, e, (type_, score, rule)) in enumerate(found):
        limit = found[i + 1][0] if i + 1 < len(found) else len(text)
        args = _arguments(schema, text, sents, index, s, e, type_, limit)
        trigger = span(((s, e),), text[s:e])
        add(make(ids("E"), type_, trigger, tuple(Argument(r, ref) for r, ref in args), ACCEPTED, rule, score, None, NO_ATTRS))


def _arguments(schema, text, sents, index, s, e, type_, limit) -> list[tuple[str, str]]:
    roles = schema.roles(type_)
    if not roles:
        return []
    ss, se = sents.sentence_at(s)
    args: list[tuple[str, str]] = []
    used: set[str] = set()
    # Before the trigger: its subject.
    subj, passive = _subject(text, index, ss, s)
    if subj is not None and subj.label in lx.SUBJECT_LABELS:
        if passive:
            role = first_role(roles, ("Victim", "Target", "Artifact"))
        elif "Artifact" in roles and text[s:e].lower() not in lx.TRANSITIVE_MOVES:
            role = "Artifact"  # "the SDF swept in": what moved
        else:
            role = first_role(roles, ("Agent", "Attacker", "Participant"))
        if role:
            args.append((role, subj.id))
            used.add(role)
            # "X and Y had pulled out": both
            before = trim(text, ss, subj.start, " \t")[1]
            if text[max(ss, before - 3) : before] == "and":
                other = index.ending_at(trim(text, ss, before - 3, " \t,")[1])
                if other is not None and other.label in lx.SUBJECT_LABELS and other.start >= ss:
                    args.append((role, other.id))
    # After it, in the same clause: places and a time.
    used_count = {r: 1 for r in used}
    cl_end = min(clause_end(text, e, se), limit)
    m = _CLAUSE_WORDS.search(text, e, cl_end)
    if m:
        cl_end = m.start()
    words_seen = 0
    outer_end = e
    for ent in index.iter_starting_in(e, cl_end):
        if ent.start < outer_end:
            continue  # nested in the previous one: the outer entity is the argument
        outer_end = ent.end
        words_seen = len(text[e : ent.start].split())
        if words_seen > 16:
            break
        if ent.label == "DATE":
            role = "Time" if "Time" in roles else None
        elif ent.label in lx.PLACE_LABELS:
            prep = preposition_before(text, e, ent.start)
            if prep == "of" and text[s:e].lower().endswith(" out"):
                prep = "out of"  # "pulled out of X"
            if prep in ("from", "out of"):
                role = first_role(roles, ("Origin", "Place"))
            elif prep in ("to", "into", "toward", "towards"):
                role = first_role(roles, ("Destination", "Place"))
            elif prep in ("in", "at", "near", "of", "through", "across", "on", "inside", "outside", ""):
                role = first_role(roles, ("Place", "Destination") if prep in ("in", "through", "inside") else ("Place",))
            else:
                role = None
        elif ent.label in lx.SUBJECT_LABELS:
            prep = preposition_before(text, e, ent.start)
            if passive and prep == "by":
                role = first_role(roles, ("Agent", "Attacker"))
            elif prep == "with" and "Target" in roles:
                role = "Target"  # "clashed with HTS"
            else:
                role = None
        else:
            role = None
        if role and used_count.get(role, 0) < (2 if role in lx.REPEATABLE_ROLES else 1):
            args.append((role, ent.id))
            used.add(role)
            used_count[role] = used_count.get(role, 0) + 1
    return args



def _subject(text: str, index: EntityIndex, ss: int, s: int) -> tuple[Ent | None, bool]:
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
        m = prev_word(text, ss, j)
        if m is None:
            return None, passive
        w = text[m[0] : m[1]].lower()
        if w in lx.AUX:
            passive = passive or w in lx.PASSIVE
        elif w in lx.SUBJECT_HEADS and heads == 0 and not passive:
            heads += 1
        else:
            return None, passive
        pos = m[0]
    return None, passive



@lru_cache(maxsize=32)
def _phrase_regex(patterns: tuple[str, ...], fold: bool) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE if fold else 0)
