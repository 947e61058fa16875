"""Suggesters: merging (idempotence, IDs), the rules suggester, the `suggest` command."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import store
from annotator.articles import read_article
from annotator.cli import main
from annotator.errors import InputError
from annotator.model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Argument,
    Attribution,
    Document,
    Entity,
    Event,
    Ref,
    Span,
    with_status,
)
from annotator.schema import default_schema, schema_from_data
from annotator.suggest import apply_suggestions, get_suggester, merge, suggest_into
from annotator.suggest.base import Proposals, split_by
from annotator.suggest.rules import RulesSuggester

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"


def doc_of(text: str, path: str = "a.txt") -> Document:
    return Document(text, path, hashlib.sha256(text.encode()).hexdigest())


def ent(i, label, text, s, e, **kw) -> Entity:
    return Entity(i, label, Span.of(text, s, e), **kw)


def write_article(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def gold_file(tmp_path: Path, name: str, text: str, spans: list[tuple[str, str]], events=(), cues=()) -> Path:
    """An article plus its accepted annotations in tmp/annotations; spans: (text, label) first occurrences."""
    article = write_article(tmp_path / "articles", name, text)
    ann_dir = tmp_path / "annotations"
    aset = store.new_set(read_article(article), store.annotation_path(article, ann_dir))
    aset.document.text = text
    for n, (surface, label) in enumerate(spans, 1):
        s = text.index(surface)
        aset.entities[f"T{n}"] = ent(f"T{n}", label, text, s, s + len(surface), by="alice")
    for n, (trigger, type_) in enumerate(events, 1):
        s = text.index(trigger)
        aset.events[f"E{n}"] = Event(f"E{n}", type_, Span.of(text, s, s + len(trigger)), by="alice")
    for n, cue in enumerate(cues, 1):
        s = text.index(cue)
        aset.attributions[f"A{n}"] = Attribution(f"A{n}", cue=Span.of(text, s, s + len(cue)), by="alice")
    store.save(aset, store.annotation_path(article, ann_dir))
    return article


# -- merge ------------------------------------------------------------------------------

TEXT = "Mazlum Abdi said the SDF captured Raqqa on Friday."


def test_new_ids_continue_numbering_and_set_is_untouched():
    aset = AnnotationSet(doc_of(TEXT))
    aset.entities["T7"] = ent("T7", "PER", TEXT, 0, 11)
    aset.events["E2"] = Event("E2", "Conflict.Attack", Span.of(TEXT, 12, 16))
    before = aset.copy()
    props = Proposals(
        [
            ent("~T1", "ORG", TEXT, 21, 24, score=0.5),
            ent("~T2", "GPE", TEXT, 34, 39),
            Event("~E1", "Conflict.Capture", Span.of(TEXT, 25, 33), (Argument("Agent", "~T1"), Argument("Place", "~T2"))),
        ]
    )
    new = merge(aset, props, "rules")
    assert aset.same_annotations(before)
    assert [a.id for a in new] == ["T8", "T9", "E3"]
    assert all(a.status == SUGGESTED and a.by == "rules" for a in new)
    assert new[0].score == 0.5
    assert new[2].arguments == (Argument("Agent", "T8"), Argument("Place", "T9"))
    merged = apply_suggestions(aset, new)
    assert set(merged.entities) == {"T7", "T8", "T9"} and "E3" in merged.events
    assert merge(merged, props, "rules") == []


def test_decided_spans_block_any_label_and_pending_same_label_blocks():
    aset = AnnotationSet(doc_of(TEXT))
    aset.entities["T1"] = ent("T1", "PER", TEXT, 0, 11)  # accepted
    aset.entities["T2"] = ent("T2", "ORG", TEXT, 21, 24, status=REJECTED, by="alice")
    aset.entities["T3"] = ent("T3", "GPE", TEXT, 34, 39, status=SUGGESTED, by="spacy:x")
    props = [
        ent("~T1", "ORG", TEXT, 0, 11),  # accepted span, other label: blocked
        ent("~T2", "NORP", TEXT, 21, 24),  # rejected span, other label: blocked
        ent("~T3", "GPE", TEXT, 34, 39),  # same as a pending suggestion: blocked
        ent("~T4", "LOC", TEXT, 34, 39),  # another label than the other suggester's: new
        ent("~T5", "DATE", TEXT, 43, 49),
    ]
    new = merge(aset, props, "rules")
    assert [(e.label, e.text) for e in new] == [("LOC", "Raqqa"), ("DATE", "Friday")]
    # The same suggester does not stack a second label on its own pending span.
    again = merge(apply_suggestions(aset, new), [ent("~T1", "GPE", TEXT, 43, 49)], "rules")
    assert again == []


def test_references_resolve_to_kept_entities_and_never_to_rejected_ones():
    aset = AnnotationSet(doc_of(TEXT))
    aset.entities["T1"] = ent("T1", "PER", TEXT, 0, 11)
    aset.entities["T2"] = ent("T2", "ORG", TEXT, 21, 24, status=REJECTED)
    props = [
        ent("~T1", "PER", TEXT, 0, 11),
        ent("~T2", "ORG", TEXT, 21, 24),
        Event("~E1", "Conflict.Capture", Span.of(TEXT, 25, 33), (Argument("Agent", "~T2"), Argument("Place", "T1"))),
        Attribution("~A1", Ref("~T1"), Span.of(TEXT, 12, 16), Span.of(TEXT, 17, 49)),
        Attribution("~A2", Ref("~T2"), Span.of(TEXT, 25, 33), Span.of(TEXT, 34, 39)),
    ]
    new = merge(aset, props, "rules")
    ev = next(a for a in new if isinstance(a, Event))
    assert ev.arguments == (Argument("Place", "T1"),)  # the rejected agent is dropped
    a1, a2 = [a for a in new if isinstance(a, Attribution)]
    assert a1.source == Ref("T1")
    assert a2.source == Span.of(TEXT, 21, 24)  # the words stay, not the link to a rejected entity


def test_events_and_attributions_are_not_proposed_twice():
    aset = AnnotationSet(doc_of(TEXT))
    aset.events["E1"] = Event("E1", "Conflict.Attack", Span.of(TEXT, 25, 33), status=REJECTED)
    aset.attributions["A1"] = Attribution("A1", None, Span.of(TEXT, 12, 16), None)
    props = [
        Event("~E1", "Conflict.Capture", Span.of(TEXT, 25, 33)),  # decided trigger, other type
        Attribution("~A1", None, Span.of(TEXT, 12, 16), Span.of(TEXT, 17, 49)),  # same cue
    ]
    assert merge(aset, props, "rules") == []


def test_accepting_keeps_who_proposed_it():
    aset = AnnotationSet(doc_of(TEXT))
    (new,) = merge(aset, [ent("~T1", "PER", TEXT, 0, 11, score=0.9)], "rules")
    accepted = with_status(new, ACCEPTED, "alice")
    assert (accepted.by, accepted.suggested_by, accepted.status) == ("alice", "rules", ACCEPTED)
    out = apply_suggestions(aset, [accepted])
    line = next(line for line in store.dumps(out).splitlines() if "Mazlum" in line)
    assert "by: alice" in line and "suggested_by: rules" in line


spans_st = st.tuples(st.integers(0, 20), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))
labels_st = st.sampled_from(["PER", "ORG", "GPE"])
existing_st = st.lists(
    st.tuples(spans_st, labels_st, st.sampled_from([ACCEPTED, SUGGESTED, REJECTED]), st.sampled_from(["rules", "x"])),
    max_size=8,
)
proposed_st = st.lists(st.tuples(spans_st, labels_st, st.floats(0, 1)), max_size=10)


@settings(max_examples=200, deadline=None)
@given(existing_st, proposed_st, st.lists(st.tuples(spans_st, st.lists(st.integers(0, 9), max_size=3)), max_size=4))
def test_merge_is_idempotent_and_never_changes_decisions(existing, proposed, events):
    text = "abcdefghij klmnopqrst uvwxyz"
    aset = AnnotationSet(doc_of(text))
    for n, ((s, e), label, status, by) in enumerate(existing, 1):
        aset.entities[f"T{n * 2}"] = ent(f"T{n * 2}", label, text, s, e, status=status, by=by)
    props: list = [ent(f"~T{n}", label, text, s, e, score=sc) for n, ((s, e), label, sc) in enumerate(proposed)]
    for n, ((s, e), refs) in enumerate(events):
        args = tuple(Argument("Agent", f"~T{r}") for r in refs)
        props.append(Event(f"~E{n}", "Conflict.Attack", Span.of(text, s, e), args))
    before = aset.copy()
    new = merge(aset, props, "rules")
    assert aset.same_annotations(before)
    ids = [a.id for a in new]
    assert len(ids) == len(set(ids)) and not any(i in aset for i in ids)
    decided = {e.fragments for e in aset.entities.values() if e.status != SUGGESTED}
    existing_keys = {(e.fragments, e.label) for e in aset.entities.values()}
    for a in new:
        assert a.status == SUGGESTED and a.by == "rules"
        if isinstance(a, Entity):
            assert a.fragments not in decided and (a.fragments, a.label) not in existing_keys
        if isinstance(a, Event):
            for arg in a.arguments:
                target = aset.get(arg.ref) or next(x for x in new if x.id == arg.ref)
                assert target.status != REJECTED
    merged = apply_suggestions(aset, new)
    assert merge(merged, props, "rules") == []


# -- rules --------------------------------------------------------------------------------

OTHER = (
    "Mazlum Abdi, the SDF commander, met officials in Hasakeh. "
    "The Syrian Democratic Forces stormed the town on Monday.\n"
)


def test_gazetteer_learns_from_other_articles(tmp_path):
    gold_file(
        tmp_path,
        "other.txt",
        OTHER,
        [("Mazlum Abdi", "PER"), ("Hasakeh", "GPE"), ("Syrian Democratic Forces", "ORG"), ("SDF", "ORG")],
    )
    text = "In Hasakehs and Hasakeh, Mazlum Abdi spoke; the Syrian Democratic Forces (SDF) advanced.\n"
    aset = AnnotationSet(doc_of(text, "new.txt"))
    new = suggest_into(aset, get_suggester("rules", default_schema(), tmp_path / "annotations"))
    got = {(e.text, e.label, e.score) for e in new if isinstance(e, Entity)}
    assert ("Hasakeh", "GPE", 0.9) in got
    assert ("Mazlum Abdi", "PER", 0.9) in got
    assert ("Syrian Democratic Forces", "ORG", 0.9) in got and ("SDF", "ORG", 0.9) in got
    starts = [e.start for e in new if isinstance(e, Entity) and e.text == "Hasakeh"]
    assert starts == [text.index("Hasakeh,")]  # not inside "Hasakehs"
    # Nothing nested in the longest match.
    assert not any(isinstance(e, Entity) and e.text == "Syrian" for e in new)


def test_gazetteer_skips_the_articles_own_file_but_uses_the_set_in_hand(tmp_path):
    article = gold_file(tmp_path, "own.txt", OTHER, [("Hasakeh", "LOC")])
    ann_dir = tmp_path / "annotations"
    aset = store.read(store.annotation_path(article, ann_dir), article=read_article(article), editing=True).checked()
    # In hand, the user relabelled it (not yet saved): the file's stale label must not come back.
    (t1,) = aset.entities.values()
    aset.entities["T1"] = replace(t1, label="GPE")
    sugg = RulesSuggester(default_schema(), ann_dir)
    assert sugg.knowledge_for(aset).entities == {"Hasakeh": {"GPE": 1}}


def test_rules_suggest_learned_triggers_cues_and_arguments(tmp_path):
    gold_file(
        tmp_path,
        "other.txt",
        OTHER,
        [("SDF", "ORG"), ("Hasakeh", "GPE")],
        events=[("stormed", "Conflict.Attack")],
        cues=["met"],  # an odd cue, to see that accepted cues are learned
    )
    text = "The SDF stormed Hasakeh on Monday. Officials met reporters there to say it was over.\n"
    aset = AnnotationSet(doc_of(text, "new.txt"))
    new = suggest_into(aset, get_suggester("rules", default_schema(), tmp_path / "annotations"))
    by_id = {a.id: a for a in new}
    (ev,) = [a for a in new if isinstance(a, Event) and a.trigger.text == "stormed"]
    assert ev.type == "Conflict.Attack" and ev.score == 0.8
    roles = {a.role: by_id[a.ref].text for a in ev.arguments}
    assert roles == {"Attacker": "SDF", "Place": "Hasakeh", "Time": "Monday"}
    assert any(isinstance(a, Attribution) and a.cue.text == "met" for a in new)


SAID = (
    "Omar Abu Layla, an activist from the city, told Reuters that government forces had pulled out of Raqqa.\n"
    "The town fell on Friday, according to the Syrian Observatory for Human Rights.\n"
    "Residents fled, two army sources said.\n"
)


def test_attribution_guesses_source_cue_and_content():
    aset = AnnotationSet(doc_of(SAID))
    new = suggest_into(aset, RulesSuggester(default_schema()))
    by_id = {a.id: a for a in new}
    ats = {a.cue.text: a for a in new if isinstance(a, Attribution)}
    told = ats["told Reuters"]  # the addressee belongs to the cue
    assert by_id[told.source.ref].text == "Omar Abu Layla"
    assert told.content.text == "government forces had pulled out of Raqqa"
    assert told.type == "indirect"
    acc = ats["according to"]
    src = by_id[acc.source.ref].text if isinstance(acc.source, Ref) else acc.source.text
    assert src == "Syrian Observatory for Human Rights"
    assert acc.content.text == "The town fell on Friday"
    said = ats["said"]
    assert said.source.text == "two army sources" and said.content.text == "Residents fled"


def test_an_attribution_source_does_not_start_with_a_list_marker():
    """ "1) Officials said", "- The ministry said", brat's tokenised "1 ) Wikinews said":
    the marker is no part of the source; an initial ("A. Smith") is kept."""
    text = (
        "Key points:\n1) Officials said that the border was closed.\n- The ministry said that talks would resume.\n"
        "1 ) Wikinews said that it rained.\n(b) Officials said that it rained.\nA. Smith said that it was over.\n"
    )
    new = suggest_into(AnnotationSet(doc_of(text)), RulesSuggester(default_schema()))
    by_id = {a.id: a for a in new}
    sources = [by_id[a.source.ref].text if isinstance(a.source, Ref) else a.source.text
               for a in new if isinstance(a, Attribution) and a.source is not None]
    assert sources == ["Officials", "The ministry", "Wikinews", "Officials", "A. Smith"]


def test_schema_words_alone_give_useful_suggestions_on_the_seed():
    doc = read_article(SEED)
    aset = AnnotationSet(doc)
    new = suggest_into(aset, RulesSuggester(default_schema()))
    by_id = {a.id: a for a in new}
    ents = {(e.text, e.label) for e in new if isinstance(e, Entity)}
    assert {("Syrian Democratic Forces", "ORG"), ("Syria", "GPE"), ("Omar Abu Layla", "PER")} <= ents
    assert all(e.score is not None and e.score < 0.9 for e in new if isinstance(e, Entity))  # guesses score lower
    triggers = {(ev.trigger.text, ev.type) for ev in new if isinstance(ev, Event)}
    assert ("pulled out", "Conflict.Withdraw") in triggers and ("captured", "Conflict.Capture") in triggers
    sources = [by_id[a.source.ref].text for a in new if isinstance(a, Attribution) and isinstance(a.source, Ref)]
    assert "Omar Abu Layla" in sources


def test_rules_never_cut_across_an_accepted_entity():
    text = "Deir el-Zor city fell. Deir el-Zor city is large."
    aset = AnnotationSet(doc_of(text))
    aset.entities["T1"] = ent("T1", "GPE", text, 0, 16)  # "Deir el-Zor city"
    new = suggest_into(aset, RulesSuggester(default_schema()))
    for e in new:
        if isinstance(e, Entity):
            assert e.end <= 0 or e.start >= 16
    # ... and the accepted span is suggested where it recurs.
    assert any(isinstance(e, Entity) and e.start == 23 and e.end == 39 and e.label == "GPE" for e in new)


def test_rejected_guess_is_not_offered_again_by_name_rules(tmp_path):
    gold_file(tmp_path, "other.txt", OTHER, [])
    ann_dir = tmp_path / "annotations"
    other = store.read(store.annotation_path(tmp_path / "articles" / "other.txt", ann_dir), article=read_article(tmp_path / "articles" / "other.txt"), editing=True).checked()
    s = OTHER.index("Mazlum Abdi")
    other.entities["T1"] = ent("T1", "PER", OTHER, s, s + 11, status=REJECTED, by="alice")
    store.save(other, store.annotation_path(tmp_path / "articles" / "other.txt", ann_dir))
    text = "Later, Mazlum Abdi, an activist, spoke.\n"
    new = suggest_into(AnnotationSet(doc_of(text, "x.txt")), RulesSuggester(default_schema(), ann_dir))
    assert not any(isinstance(e, Entity) and e.text == "Mazlum Abdi" for e in new)


def test_broken_files_in_the_folder_are_noted_not_fatal(tmp_path):
    ann_dir = tmp_path / "annotations"
    ann_dir.mkdir()
    (ann_dir / "bad.yaml").write_text("format: [unclosed\n", encoding="utf-8")
    sugg = RulesSuggester(default_schema(), ann_dir)
    props = sugg.propose(AnnotationSet(doc_of(TEXT)))
    assert any("bad.yaml" in n for n in props.notes)
    assert props.annotations


def test_schema_without_words_still_runs():
    schema = schema_from_data({"entities": ["PER", "ORG"]})
    new = suggest_into(AnnotationSet(doc_of(SAID)), RulesSuggester(schema))
    assert all(isinstance(a, Entity) and a.label in ("PER", "ORG") for a in new)
    assert any(a.text == "Omar Abu Layla" for a in new)


# -- registry ----------------------------------------------------------------------------


def test_unknown_suggester_is_one_clear_error():
    with pytest.raises(InputError, match="unknown suggester"):
        get_suggester("magic", default_schema(), None)
    with pytest.raises(InputError, match="spacy:NAME_OR_PATH"):
        get_suggester("spacy:", default_schema(), None)


# -- the command ---------------------------------------------------------------------------


def test_suggest_command_writes_once_and_keeps_decisions(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    article = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, article)
    # A person already decided two spans.
    aset = store.read(store.annotation_path(article, "annotations"), article=read_article(article), editing=True).checked()
    text = aset.document.text
    s = text.index("Omar Abu Layla")
    aset.entities["T1"] = ent("T1", "PER", text, s, s + 14, by="alice")
    s = text.index("Reuters")
    aset.entities["T2"] = ent("T2", "ORG", text, s, s + 7, status=REJECTED, by="alice")
    yaml_path = store.annotation_path(article, "annotations")
    store.save(aset, yaml_path)
    decided_lines = [line for line in yaml_path.read_text().splitlines() if "id: T1," in line or "id: T2," in line]

    assert main(["suggest", str(article), "--with", "rules"]) == 0
    out = capsys.readouterr().out
    assert "new suggestions" in out and "entities" in out and "events" in out and "attributions" in out
    first = yaml_path.read_bytes()
    for line in decided_lines:
        assert line in first.decode()
    after = store.read(store.annotation_path(article, "annotations"), article=read_article(article), editing=True).checked()
    assert after.entities["T1"] == aset.entities["T1"] and after.entities["T2"] == aset.entities["T2"]
    sugg = [e for e in after.entities.values() if e.status == SUGGESTED]
    # every suggestion names the suggester and the rule that made it
    assert sugg and all(split_by(e.by)[0] == "rules" and split_by(e.by)[1] and e.score is not None for e in sugg)
    assert not any(e.start == text.index("Reuters") and e.end == text.index("Reuters") + 7 for e in sugg)

    assert main(["suggest", str(article), "--with", "rules"]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert yaml_path.read_bytes() == first


def test_suggest_command_bad_suggester_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    article = write_article(tmp_path, "a.txt", TEXT)
    assert main(["suggest", str(article), "--with", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown suggester" in err
    assert not (tmp_path / "annotations").exists()


def test_suggest_command_learns_from_gold_of_another_article(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gold_file(tmp_path, "other.txt", OTHER, [("Mazlum Abdi", "PER"), ("Hasakeh", "GPE")])
    article = write_article(tmp_path / "articles", "b.txt", "Mazlum Abdi visited Hasakeh.\n")
    assert main(["suggest", str(article), "--with", "rules"]) == 0
    got = store.read(store.annotation_path(article, "annotations"), article=read_article(article), editing=True).checked()
    assert {(e.text, e.label, e.score) for e in got.entities.values()} >= {
        ("Mazlum Abdi", "PER", 0.9),
        ("Hasakeh", "GPE", 0.9),
    }


def test_function_words_are_not_learned_and_progress_reaches_the_end(tmp_path):
    gold_file(tmp_path, "other.txt", OTHER, [("the", "MISC"), ("Hasakeh", "GPE")], cues=["on"])
    text = "The town of Hasakeh is on the river.\n"
    seen: list[float] = []
    new = suggest_into(
        AnnotationSet(doc_of(text, "x.txt")),
        RulesSuggester(default_schema(), tmp_path / "annotations"),
        progress=seen.append,
    )
    assert [(e.text, e.label) for e in new] == [("Hasakeh", "GPE")]
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_the_articles_own_file_is_not_even_read(tmp_path):
    article = gold_file(tmp_path, "own.txt", OTHER, [("Hasakeh", "GPE")])
    gold_file(tmp_path, "other.txt", OTHER + "More.\n", [("Mazlum Abdi", "PER")])
    ann_dir = tmp_path / "annotations"
    aset = store.read(store.annotation_path(article, ann_dir), article=read_article(article), editing=True).checked()
    own = store.annotation_path(article, ann_dir)
    own.write_text(own.read_text().replace("entities:", "entities: [broken"), encoding="utf-8")
    sugg = RulesSuggester(default_schema(), ann_dir)
    assert sugg.learned_files(aset.document.sha256) == 1
    props = sugg.propose(aset)
    assert not props.notes  # the broken own file was never parsed
    assert any(isinstance(a, Entity) and a.text == "Mazlum Abdi" and a.score == 0.9 for a in props.annotations)


WIRE = (
    "KYIV, Ukraine (Reuters) - Russian forces captured the village of Novomykhailivka on Tuesday, "
    "the Russian Defence Ministry said, as Moscow pressed on.\n"
    '"Our troops are holding their positions," said Nazar Voloshyn, a spokesman for the army.\n'
    "President Volodymyr Zelenskiy met European leaders in Brussels and told them that Ukraine needed more air defence.\n"
)


def test_attribution_patterns_of_wire_copy():
    new = suggest_into(AnnotationSet(doc_of(WIRE)), RulesSuggester(default_schema()))
    by_id = {a.id: a for a in new}

    def src(at):
        return by_id[at.source.ref].text if isinstance(at.source, Ref) else at.source and at.source.text

    got = {(src(a), a.cue.text, a.content.text, a.type) for a in new if isinstance(a, Attribution)}
    assert got == {
        # a parenthetical report: the content came first, the dateline is not part of it
        ("Russian Defence Ministry", "said", "Russian forces captured the village of Novomykhailivka on Tuesday", "indirect"),
        # the source after the cue; a quotation is a direct report, its quote marks are not content
        ("Nazar Voloshyn", "said", "Our troops are holding their positions", "direct"),
        # the subject of coordinated verbs
        ("Volodymyr Zelenskiy", "told them", "Ukraine needed more air defence", "indirect"),
    }
    (capture,) = [a for a in new if isinstance(a, Event) and a.type == "Conflict.Capture"]
    roles = {(a.role, by_id[a.ref].text) for a in capture.arguments}
    assert roles == {("Agent", "Russian forces"), ("Place", "Novomykhailivka"), ("Time", "Tuesday")}
    ents = {(e.text, e.label) for e in new if isinstance(e, Entity)}
    assert {("KYIV", "GPE"), ("Russian Defence Ministry", "ORG"), ("Nazar Voloshyn", "PER"), ("European", "NORP")} <= ents


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=40))
def test_longest_first_by_clusters_is_the_global_rule(spans):
    """Resolving each cluster of overlapping matches alone gives what resolving all at once does."""
    from annotator.suggest.phrases import Taken, longest_first

    matches = [(s, s + n, i) for i, (s, n) in enumerate(spans)]
    expected = []
    taken = Taken(100)
    for m in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if taken.free(m[0], m[1]):
            taken.add(m[0], m[1])
            expected.append(m)
    expected.sort(key=lambda m: (m[0], m[1]))
    assert longest_first(matches) == expected


def test_learned_facts_are_reread_when_a_file_changes(tmp_path):
    """Facts of the folder's files are kept between suggesters, until a file changes."""
    gold_file(tmp_path, "other.txt", OTHER, [("Hasakeh", "GPE")])
    ann_dir = tmp_path / "annotations"
    aset = AnnotationSet(doc_of("Mazlum Abdi went to Hasakeh.\n", "new.txt"))
    first = RulesSuggester(default_schema(), ann_dir).knowledge_for(aset)
    assert set(first.entities) == {"Hasakeh"}
    gold_file(tmp_path, "other.txt", OTHER, [("Hasakeh", "GPE"), ("Mazlum Abdi", "PER")])
    again = RulesSuggester(default_schema(), ann_dir).knowledge_for(aset)
    assert set(again.entities) == {"Hasakeh", "Mazlum Abdi"}


def _renamed_schema(mapped: bool, every: bool = False):
    """The news schema with its entity labels renamed (PER -> PERSON, ...), its
    events as they are, and (``mapped``) a label_map from the rules' labels."""
    from annotator.schema import schema_data

    data = schema_data(default_schema())
    names = {"PER": "PERSON", "ORG": "GROUP", "GPE": "PLACE", "LOC": "AREA", "DATE": "WHEN"}
    if every:
        names.update(FAC="BUILDING", NORP="PEOPLE", MISC="OTHER")
    data["entities"] = [dict(e, name=names.get(e["name"], e["name"])) for e in data["entities"]]
    data["label_map"] = names if mapped else {}
    return schema_from_data(data, "mine.yaml"), names


def test_rules_suggest_a_schema_s_own_labels_through_its_label_map():
    """A schema with its own labels (PERSON, GROUP, PLACE, ...) and a label_map from
    the news labels: rules suggested no entity at all, and said nothing. Now each
    rule's label is mapped, and events and attributions still find their entities."""
    text = read_article(SEED).text
    news = RulesSuggester(default_schema()).propose(AnnotationSet(doc_of(text)))
    mine, names = _renamed_schema(True)
    got = RulesSuggester(mine).propose(AnnotationSet(doc_of(text)))
    def entities(p):
        return sorted((a.start, a.end, a.label) for a in p.annotations if isinstance(a, Entity))
    assert entities(got) == sorted((s, e, names.get(label, label)) for s, e, label in entities(news))
    assert len(entities(got)) > 50
    def kinds(p):
        return sorted(type(a).__name__ for a in p.annotations if not isinstance(a, Entity))
    assert kinds(got) == kinds(news)
    assert not [n for n in got.notes if "none of the rules' labels" in n]


def test_rules_say_why_no_name_is_suggested_when_no_label_maps():
    text = read_article(SEED).text
    mine, _ = _renamed_schema(False, every=True)
    got = RulesSuggester(mine).propose(AnnotationSet(doc_of(text)))
    assert not [a for a in got.annotations if isinstance(a, Entity)]
    assert any("the schema has none of the rules' labels (PER, ORG" in n for n in got.notes)
