"""The built-in `rules` suggester: no model, no extra dependency.

(a) A gazetteer learned from the accepted entities of every annotation file in
    the annotations folder (and of the article itself, and of the folders given
    with ``learn_from``): an entity tagged once is suggested everywhere else, at
    word boundaries, the longest match winning (``learned.py``).
(b) Attributions at cue words (the schema's, and cues already accepted) with a
    guessed source and content (``attributions.py``).
(c) Event triggers from the schema's per-type trigger words and from triggers
    already accepted, with a few arguments where the rules are sure enough
    (``events.py``).
(d) Capitalised-name candidates with a label guessed from context, scored lower
    (``entities.py``).

Each suggestion names the rule that made it: ``by: rules:<rule>`` (``gazetteer``,
``name-shape``, ``trigger-schema``, ``content-after``, ...), so that decisions can
be counted per rule (``precision.py``).

Precision over recall: a wrong suggestion costs a key, a missing one costs the
same key the user would have pressed anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..model import ACCEPTED, NO_ATTRS, REJECTED, SUGGESTED, AnnotationSet, Attribution, Entity, Ref, Span, slot_maker
from ..schema import Schema
from ..text import Sentences, split_sentences
from . import lexicon as lx
from .attributions import attributions, cue_matcher
from .base import LocalIds, Progress, Proposals, gc_paused, new_entity, new_span
from .context import Ent, EntityIndex
from .entities import GROUP_HEADS, RELATIVE_DATES, groups, name_candidates, name_parts
from .events import events, phrase_matchers, trigger_matcher
from .learned import FolderFacts, Knowledge, most_common
from .learned import learn_from as learn_from_folders
from .phrases import PhraseMatcher, Taken, find_many, find_many_beside

# Scores: how much each rule is trusted (shown to the user, usable for bulk accept).
SCORE_GAZETTEER = 0.9
SCORE_GAZETTEER_MIXED = 0.7  # the text was accepted with several labels
#: an article this long (characters) or longer has its names found by a worker when
#: ``beside`` (shorter: the fork costs more than it saves)
BESIDE_MIN = 100_000


#: the labels the rules think in (the built-in news schema's); a schema with other
#: labels maps them with its ``label_map`` (``PER: PERSON``), as for a model's
RULE_LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "MISC")


class Labels:
    """The rules' labels <-> a schema's: ``out`` (a rule's label as the schema has
    it: itself, or what ``label_map`` maps it to; None when neither is in the
    schema) and ``inward`` (a schema's label as the rules read it, for the
    entities events and attributions look at: itself, or the first rule label
    mapped to it)."""

    def __init__(self, schema: Schema):
        known = set(schema.entity_names)
        self.out: dict[str, str | None] = {}
        inward: dict[str, str] = {}
        for label in RULE_LABELS:
            mapped = label if label in known else schema.label_map.get(label)
            self.out[label] = mapped if mapped in known else None
            if mapped in known and mapped not in RULE_LABELS:
                inward.setdefault(mapped, label)
        self.inward = inward
        #: the schema shares no label with the rules and maps none to its own
        self.none = not any(self.out.values())

    def to_schema(self, label: str) -> str | None:
        return self.out.get(label, label)

    def to_rules(self, label: str) -> str:
        return self.inward.get(label, label)

    def note(self) -> str | None:
        if not self.none:
            return None
        return ("rules: the schema has none of the rules' labels (" + ", ".join(RULE_LABELS) + ") and its label_map "
                "maps none of them to its own: names are suggested only from the gazetteer (accepted entities)")


class RulesSuggester:
    """The built-in suggester (see the module docstring)."""

    name = "rules"
    #: May ``propose`` give part of its work to a forked worker (``annotator.forked``)?
    #: Only a command sets it (``annotator suggest``, when a core is spare): the app
    #: proposes in a thread, and a process with threads is not forked.
    beside = False
    #: with ``beside``: the last ``propose``'s working objects (see there)
    _kept: tuple = ()
    #: ``ahead``'s (text, its sentences, the worker finding its names), for ``propose``
    _ahead: tuple | None = None

    def __init__(
        self,
        schema: Schema,
        annotations_dir: str | Path | None = None,
        learn_from: Iterable[str | Path] = (),
    ):
        self.schema = schema
        self.annotations_dir = Path(annotations_dir) if annotations_dir is not None else None
        self._folder: FolderFacts | None = None
        self.learn_from = [Path(p) for p in learn_from]
        # Read now: a bad --learn-from folder is one error at the start, not one per article.
        self._extra, self._extra_notes = learn_from_folders(self.learn_from)

    # -- learning ----------------------------------------------------------------
    def knowledge_for(self, aset: AnnotationSet) -> Knowledge:
        """The folder's facts (files of this same article left out), those of the
        ``learn_from`` folders, plus the set's own."""
        if self._folder is None:
            self._folder = FolderFacts(self.annotations_dir)
        k = Knowledge()
        k.update(self._extra)
        # The article's own file is left out: the set in hand is newer.
        for f in self._folder.others(aset.document.sha256):
            k.update(f.knowledge)
        k.learn_set(aset)
        return k

    @property
    def notes(self) -> list[str]:
        return (list(self._folder.notes) if self._folder is not None else []) + self._extra_notes

    def learned_files(self, sha256: str | None = None) -> int:
        """How many files of the folder this suggester learns from for an article."""
        if self._folder is None:
            self._folder = FolderFacts(self.annotations_dir)
        return len(self._folder.others(sha256))

    # -- proposing ---------------------------------------------------------------
    def ahead(self, text: str) -> None:
        """With ``beside``, on a long text: start what depends on the article's text
        alone (its sentences, its names' worker) before its annotation file is read
        (a command: the worker forked from a smaller process, and finding the names
        while this one reads the file, learns and finds the phrases); the next
        ``propose`` on the same text takes it. ``drop_ahead`` when none follows."""
        self.drop_ahead()
        got = self._text_work(text)
        if got[2] is not None:  # (nothing goes beside: propose does it all)
            self._ahead = got

    def drop_ahead(self) -> None:
        """Stop the worker ``ahead`` started, if no ``propose`` took it."""
        got, self._ahead = self._ahead, None
        if got is not None:
            got[2].cancel()

    def _text_work(self, text: str) -> tuple:
        """(``text``, its sentences, the worker finding its names: with ``beside``, on
        a long text; else None). The capitalised names depend on the text alone: a
        worker finds them while this process learns and finds the phrases (each
        ~0.25 s of a 1 MB article)."""
        sents = split_sentences(text)
        names = None
        if self.beside and len(text) >= BESIDE_MIN:
            from ..forked import Forked

            names = Forked(lambda: name_parts(text, sents))
        return text, sents, names

    @gc_paused
    def propose(self, aset: AnnotationSet, *, progress: Progress | None = None) -> Proposals:
        text = aset.document.text
        got = self._ahead
        if got is None or not (got[0] is text or got[0] == text):
            self.drop_ahead()  # (another text's, if any)
            got = self._text_work(text)
        self._ahead = None
        _, sents, names = got
        know = self.knowledge_for(aset)
        out = Proposals(notes=list(self.notes))
        ids = LocalIds()
        if progress:
            progress(0.1)
        schema = self.schema
        known_labels = set(schema.entity_names)
        labels = Labels(schema)
        if labels.note():
            out.notes.append(labels.note())
        to_schema = labels.to_schema

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
            label, n = most_common(votes)
            if label not in known_labels:
                continue
            score = SCORE_GAZETTEER if n == sum(votes.values()) else SCORE_GAZETTEER_MIXED
            gaz_entries.append((surface, (label, score)))
        phrases = phrase_matchers(schema, text)
        # (beside, on a long text: a worker looks up the words of the text's end)
        gaz_hits, trigger_hits, cue_hits, relative_dates, group_heads, *phrase_hits = (
            find_many_beside if names is not None else find_many
        )(
            text,
            [
                PhraseMatcher(gaz_entries), trigger_matcher(schema, know), cue_matcher(schema, know),
                RELATIVE_DATES, GROUP_HEADS, *phrases,
            ],
        )
        found: list[tuple[int, int, str, float, str]] = []
        for s, e, (label, score) in gaz_hits:
            found.append((s, e, label, score, "gazetteer"))
        taken = Taken(len(text), ((s, e) for s, e, *_ in found))
        if progress:
            progress(0.3)

        # (d) capitalised names
        learned_texts = know.entities
        parts = names.result() if names is not None else None
        for s, e, label, score, rule in name_candidates(text, sents, relative_dates, parts):
            if not taken.free(s, e):
                continue
            label = to_schema(label)
            if label is None:
                continue
            if (text[s:e], label) in know.rejected and text[s:e] not in learned_texts:
                continue
            taken.add(s, e)
            found.append((s, e, label, score, rule))
        if progress:
            progress(0.5)

        # Nominal groups ("Syrian government forces"): names may nest inside them.
        org = to_schema("ORG")
        if org is not None:
            found.extend(g if org == "ORG" else (*g[:2], org, *g[3:]) for g in groups(text, found, group_heads))

        ents = existing_entities(aset, labels)
        existing = {(x.start, x.end, x.label) for x in ents}
        existing.update((e.start, e.end, e.label) for e in aset.entities.values() if e.status == REJECTED)
        found.sort()
        any_accepted = any(e.status == ACCEPTED for e in aset.entities.values())
        add, keep = out.annotations.append, ents.append
        make, span = new_entity, new_span
        n = 0
        for s, e, label, score, rule in found:
            if existing and (s, e, label) in existing:
                continue  # already there (the merge would skip it too)
            if any_accepted and not accepted.free(s, e):
                continue  # crosses or nests in an accepted entity
            n += 1
            local = f"~T{n}"
            add(make(local, label, span(((s, e),), text[s:e]), SUGGESTED, rule, score, None, NO_ATTRS))
            keep(Ent(s, e, labels.to_rules(label), local))
        ids.skip("T", n)
        index = EntityIndex(ents)

        # (b) attributions and (c) events read the entities and add only their own
        # kind: a worker finds the attributions while this process finds the events.
        said = None
        if names is not None:
            from ..forked import Forked

            def attributions_only() -> list | tuple:
                mine = Proposals()
                attributions(schema, text, sents, cue_hits, index, mine, ids, know)
                return packed_attributions(mine.annotations)

            said = Forked(attributions_only)
        # (c) events
        events(schema, text, sents, trigger_hits, index, out, ids, phrase_hits)
        if progress:
            progress(0.75)
        # (b) attributions
        if said is not None:
            out.annotations.extend(unpacked_attributions(said.result()))
        else:
            attributions(schema, text, sents, cue_hits, index, out, ids, know)
        if progress:
            progress(0.95)
        if names is not None:
            # (a command's: its working objects, some 200,000, freed with the next
            # article's or not at all when the command leaves at once, not on its path)
            self._kept = (sents, know, accepted, found, taken, ents, existing, index, gaz_hits,
                          trigger_hits, cue_hits, relative_dates, group_heads, phrase_hits)
        return out


#: (id, source, cue, content, type, status, by, score, suggested_by, attrs); spans and refs as tuples
new_attribution = slot_maker(Attribution)
new_ref = slot_maker(Ref)


def packed_attributions(anns: list) -> list | tuple:
    """Attributions as plain tuples, for the way back from a worker (the objects
    pickled field by field: unpickling 2,900 of them was 0.03 s of the command's
    path), or ``anns`` themselves when they hold anything else."""
    rows = []
    add = rows.append
    for a in anns:
        if type(a) is not Attribution:
            return anns
        spans = []
        for part in (a.source, a.cue, a.content):
            t = type(part)
            if t is Span:
                spans.append((part.fragments, part.text))
            elif t is Ref:
                spans.append((part.ref,))
            elif part is None:
                spans.append(None)
            else:
                return anns
        add((a.id, *spans, a.type, a.status, a.by, a.score, a.suggested_by, a.attrs))
    return ("attributions", rows)


def unpacked_attributions(got: list | tuple) -> list:
    """The attributions ``packed_attributions`` gave (the same values, new objects)."""
    if type(got) is not tuple:
        return got
    span, ref, make = new_span, new_ref, new_attribution

    def part(p):
        if p is None:
            return None
        return ref(p[0]) if len(p) == 1 else span(p[0], p[1])

    return [
        make(i, part(source), part(cue), part(content), kind, status, by, score, suggested_by, attrs)
        for i, source, cue, content, kind, status, by, score, suggested_by, attrs in got[1]
    ]


def existing_entities(aset: AnnotationSet, labels: Labels | None = None) -> list[Ent]:
    """The set's contiguous entities a person has not rejected, for the index
    (their labels as the rules read them, with ``labels``: ``Labels.to_rules``)."""
    # (the span's fragments read once: its properties were 0.02 s of a second run on 1 MB)
    inward = labels.inward if labels is not None else {}
    # (two comprehensions, not one with inward.get: the news schema maps nothing, and
    # a lookup per entity was 20-30 ms more on the 50,000 of gen.ensure(1_000_000, 50_000))
    if inward:
        return [
            Ent(frags[0][0], frags[-1][1], inward.get(e.label, e.label), e.id)
            for e in aset.entities.values()
            if len(frags := e.span.fragments) <= 1 and e.status != REJECTED
        ]
    return [
        Ent(frags[0][0], frags[-1][1], e.label, e.id)
        for e in aset.entities.values()
        if len(frags := e.span.fragments) <= 1 and e.status != REJECTED
    ]


def structures(
    schema: Schema, aset: AnnotationSet, proposed: list[Entity], know: Knowledge, out: Proposals, ids: LocalIds,
    sents: Sentences | None = None,
) -> None:
    """Events and attributions over given entities (a model's), with what ``know`` taught."""
    text = aset.document.text
    sents = sents or split_sentences(text)
    labels = Labels(schema)
    ents = existing_entities(aset, labels) + [
        Ent(e.start, e.end, labels.to_rules(e.label), e.id) for e in proposed if not e.span.discontinuous
    ]
    index = EntityIndex(ents)
    phrases = phrase_matchers(schema, text)
    trigger_hits, cue_hits, *phrase_hits = find_many(
        text, [trigger_matcher(schema, know), cue_matcher(schema, know), *phrases]
    )
    events(schema, text, sents, trigger_hits, index, out, ids, phrase_hits)
    attributions(schema, text, sents, cue_hits, index, out, ids, know)


__all__ = ["RulesSuggester", "Knowledge", "FolderFacts", "Labels", "RULE_LABELS", "structures", "existing_entities"]
