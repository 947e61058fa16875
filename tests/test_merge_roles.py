"""`annotator merge` after a retype: the merged gold always validates against the schema."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from annotator import store
from annotator.cli import main
from annotator.consensus import merge_sets
from annotator.model import SUGGESTED, AnnotationSet, Argument, Document, Entity, Event
from annotator.schema import default_schema

from .test_merge import TEXT, annotator_set, span, write_folders


def retype(x: AnnotationSet, event_type: str, agent: str | None = None) -> AnnotationSet:
    """The annotator retyped E1 and kept its arguments (the app allows it)."""
    ev = x.events["E1"]
    args = ev.arguments
    if agent is not None:
        ref = next(e.id for e in x.entities.values() if e.text == agent)
        args = tuple(Argument(a.role, ref) if a.role == "Agent" else a for a in args)
    x.events["E1"] = replace(ev, type=event_type, arguments=args)
    return x


def read_gold(path: Path) -> AnnotationSet:
    return store.read(path, schema=default_schema()).checked()


def test_a_retyped_event_with_a_stray_role_merges_into_a_valid_gold(tmp_path, capsys):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    retype(sets["ann3"], "Conflict.Attack")  # Agent is not a role of Conflict.Attack
    dirs = write_folders(tmp_path, sets)
    assert main(["merge", *dirs, "-o", str(tmp_path / "gold")]) == 0
    gold = read_gold(tmp_path / "gold" / "capture.yaml")
    evs = {ev.type: ev for ev in gold.events.values()}
    assert set(evs) == {"Conflict.Capture", "Conflict.Attack"}
    attack = evs["Conflict.Attack"]
    assert attack.status == SUGGESTED and attack.by == "ann3"
    # its Agent is already on the accepted Capture at that trigger: not kept twice
    assert [a.role for a in attack.arguments] == ["Place"]
    assert {a.role for a in evs["Conflict.Capture"].arguments} == {"Agent", "Place"}


def test_a_stray_argument_nobody_else_has_is_kept_on_a_candidate_of_its_type(tmp_path, capsys):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    retype(sets["ann3"], "Conflict.Attack", agent="Orhan Qereman")
    dirs = write_folders(tmp_path, sets)
    gold_dir = tmp_path / "gold"
    assert main(["merge", *dirs, "-o", str(gold_dir)]) == 0
    gold = read_gold(gold_dir / "capture.yaml")
    cands = sorted((ev for ev in gold.events.values() if ev.status == SUGGESTED), key=lambda ev: ev.type)
    assert [(ev.type, ev.by) for ev in cands] == [("Conflict.Attack", "ann3"), ("Conflict.Capture", "ann3")]
    attack, split = cands
    assert [a.role for a in attack.arguments] == ["Place"]
    assert [(a.role, gold.get(a.ref).text) for a in split.arguments] == [("Agent", "Orhan Qereman")]
    assert split.attrs["merge"] == {"agree": 1, "of": 3, "annotators": ["ann3"], "split_from": attack.id}
    # the adjudication view opens on ann3's candidates; they are alternatives to each other
    from annotator.adjudication import open_files

    adjs, opened, _notes = open_files(gold_dir, None, by="ann3", schema=None, user="judge")
    try:
        (adj,) = adjs
        d = next(d for d in adj.open if d.pred_id == split.id)
        adj.take_other(d)
        s = adj.session.aset
        assert s.events[split.id].status == "accepted" and s.events[attack.id].status == "rejected"
        assert s.get(split.arguments[0].ref).status == "accepted"
    finally:
        for ws in opened:
            ws.close(save=True)
    read_gold(gold_dir / "capture.yaml")  # still valid once decided and saved


def test_a_retype_the_majority_made_is_accepted_without_the_stray_role(tmp_path):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    retype(sets["ann2"], "Conflict.Attack")
    retype(sets["ann3"], "Conflict.Attack")
    m = merge_sets(sets, Document(TEXT), schema=default_schema())
    acc = [ev for ev in m.aset.events.values() if ev.status != SUGGESTED]
    assert [(ev.type, [a.role for a in ev.arguments]) for ev in acc] == [("Conflict.Attack", ["Place"])]
    # ann1's Capture keeps the Agent: nothing of the retyped events' is lost
    (cap,) = [ev for ev in m.aset.events.values() if ev.type == "Conflict.Capture"]
    assert cap.by == "ann1" and {a.role for a in cap.arguments} == {"Agent", "Place"}
    store.read("m.yaml", text=store.dumps(m.aset), article=TEXT, schema=default_schema()).checked()


def test_an_article_that_would_not_validate_is_refused_the_rest_goes_on(tmp_path, capsys):
    sets = {f"ann{k}": annotator_set(f"ann{k}") for k in range(1, 4)}
    dirs = write_folders(tmp_path, sets)
    (tmp_path / "seeds" / "other.txt").write_text(TEXT, encoding="utf-8")
    for d in dirs:  # a second article with an event type the schema does not have
        src = (Path(d) / "capture.yaml").read_text(encoding="utf-8").replace("capture.txt", "other.txt")
        (Path(d) / "other.yaml").write_text(src.replace("Conflict.Capture", "Made.Up"), encoding="utf-8")
    gold_dir = tmp_path / "gold"
    assert main(["merge", *dirs, "-o", str(gold_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "other.yaml" in captured.err and "Made.Up" in captured.err and "other not merged" in captured.err
    assert "merged 1 of 2 articles" in captured.out
    assert not (gold_dir / "other.yaml").exists()
    read_gold(gold_dir / "capture.yaml")


def test_merge_file_with_the_event_retyped_on_both_sides_is_valid(tmp_path):
    from .test_merge_file import base_set

    def side(event_type: str, role: str) -> AnnotationSet:
        x = base_set()
        x.events["E1"] = replace(x.events["E1"], type=event_type, arguments=(Argument(role, "T2"),))
        return x

    paths = []
    for name, x in [("base", base_set()), ("ours", side("Conflict.Attack", "Attacker")),
                    ("theirs", side("Conflict.Withdraw", "Agent"))]:
        x.document = Document(TEXT, "capture.txt", "0" * 64)
        p = tmp_path / f"{name}.yaml"
        p.write_text(store.dumps(x), encoding="utf-8")
        paths.append(str(p))
    assert main(["merge-file", *paths]) == 1
    got = store.read(paths[1], text=Path(paths[1]).read_text(encoding="utf-8"), article=TEXT,
                     schema=default_schema()).checked()
    assert sorted((ev.type, ev.attrs["merge"]["side"]) for ev in got.events.values()) == [
        ("Conflict.Attack", "ours"), ("Conflict.Withdraw", "theirs")]


# -- property: any annotators' sets, any retype -> a gold that validates ----------------------
SCHEMA = default_schema()
WORDS = ["Orhan Qereman", "SDF", "fighters", "town", "Hasakeh", "Monday"]
LABELS = ["PER", "ORG", "LOC", "GPE"]
TYPES = list(SCHEMA.event_names)
ALL_ROLES = sorted({r for t in TYPES for r in SCHEMA.roles(t)})


@st.composite
def annotator_sets(draw):
    x = AnnotationSet(Document(TEXT))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True))
    for k, w in enumerate(words):
        x.entities[f"T{k + 1}"] = Entity(f"T{k + 1}", draw(st.sampled_from(LABELS)), span(w))
    for k, trig in enumerate(draw(st.lists(st.sampled_from(["captured", "said", "near"]), max_size=2, unique=True))):
        etype = draw(st.sampled_from(TYPES))
        roles = SCHEMA.roles(etype)
        args = tuple(
            Argument(draw(st.sampled_from(roles)), f"T{i}")
            for i in draw(st.lists(st.integers(1, len(words)), max_size=3, unique=True))
        )
        if draw(st.booleans()):  # retyped, the arguments kept (they may no longer fit)
            etype = draw(st.sampled_from(TYPES))
        if draw(st.booleans()):  # or a role of any type
            args += (Argument(draw(st.sampled_from(ALL_ROLES)), "T1"),)
        x.events[f"E{k + 1}"] = Event(f"E{k + 1}", etype, span(trig), args)
    return x


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(annotator_sets(), min_size=2, max_size=4), st.sampled_from([None, 0.3, 1.0]))
def test_property_merge_always_validates(sets, share):
    named = {f"ann{k}": s for k, s in enumerate(sets)}
    m = merge_sets(named, Document(TEXT), share, schema=SCHEMA)
    store.read("m.yaml", text=store.dumps(m.aset), article=TEXT, schema=SCHEMA).checked()
    # no argument an annotator accepted is lost: each (role, filler text) at its trigger is somewhere
    kept = {(ev.trigger.fragments, a.role, m.aset.get(a.ref).span.fragments, m.aset.get(a.ref).label)
            for ev in m.aset.events.values() for a in ev.arguments}
    for s in sets:
        for ev in s.events.values():
            for a in ev.arguments:
                e = s.get(a.ref)
                assert (ev.trigger.fragments, a.role, e.span.fragments, e.label) in kept
