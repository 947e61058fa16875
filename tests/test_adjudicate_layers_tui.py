"""The adjudication view on every layer, driven with keys (Pilot): event and
attribution disagreements between two annotators' files of the seed, a gold
merged by ``annotator merge`` (candidates, y/x), and a ``merge-file`` conflict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator import store
from annotator.audit.disagreements import ARGUMENT, ATTRIBUTION, CANDIDATE, ENTITY, EVENT, PART, WRONG_LABEL
from annotator.cli import build_parser, main
from annotator.commands.audit import view_app
from annotator.model import ACCEPTED, REJECTED, SUGGESTED
from annotator.tui.adjudicate import AdjudicateApp, AdjudicateScreen

from .conftest import ROOT, SEED

GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"
SIZE = (120, 34)


def second_annotator(text: str) -> str:
    """The seed's gold as another annotator left it: Reuters (T4) MISC, no Friday
    (T12) and so no Time for the Capture E1, A2's cue "told" only."""
    out = text.replace("{id: T4, label: ORG, start: 33, end: 40, text: Reuters", "{id: T4, label: MISC, start: 33, end: 40, text: Reuters")
    out = out.replace("- {id: T12, label: DATE, start: 179, end: 185, text: Friday, by: gold-seed}\n", "")
    out = out.replace("  - {role: Time, ref: T12}\n", "", 1)
    out = out.replace("  cue: {start: 617, end: 629, text: told Reuters}", "  cue: {start: 617, end: 621, text: told}")
    assert out.count("\n") == text.count("\n") - 2
    return out


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    """ann_a (the seed's gold) and ann_b folders, next to a copy of the seed."""
    (tmp_path / "seeds").mkdir()
    shutil.copyfile(SEED, tmp_path / "seeds" / SEED.name)
    a, b = tmp_path / "ann_a", tmp_path / "ann_b"
    a.mkdir()
    b.mkdir()
    text = GOLD.read_text(encoding="utf-8")
    (a / GOLD.name).write_text(text, encoding="utf-8")
    (b / GOLD.name).write_text(second_annotator(text), encoding="utf-8")
    return a, b


def parse(*argv: str):
    return build_parser().parse_args(["audit", *argv])


def screen_of(app: AdjudicateApp) -> AdjudicateScreen:
    assert isinstance(app.screen, AdjudicateScreen)
    return app.screen


def what(screen: AdjudicateScreen) -> tuple:
    d = screen.current
    assert d is not None
    return d.layer, d.kind, d.part


async def test_walking_event_and_attribution_disagreements(two):
    a, b = two
    app = view_app(parse(str(a / GOLD.name), str(b / GOLD.name), "--view", "--annotator", "carol"))
    assert app is not None
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        seen = [what(screen)]
        for _ in range(3):
            await pilot.press("n")
            seen.append(what(screen))
        assert seen == [
            (ENTITY, WRONG_LABEL, None),  # Reuters
            (ENTITY, "missed", None),  # Friday
            (EVENT, ARGUMENT, "Time"),  # E1's Time is Friday
            (ATTRIBUTION, PART, "cue"),  # told Reuters / told
        ]
        side = str(screen.query_one("#adj-details").content)
        assert "ATTRIBUTION CUE" in side and "'told Reuters'" in side and "A2 takes the other cue" in side
        await pilot.press("b")  # take the other cue: the last open one; on to the first
        assert what(screen) == (ENTITY, WRONG_LABEL, None)
        await pilot.press("N")  # back to E1's Time (wrapping)
        assert what(screen)[:2] == (EVENT, ARGUMENT)
        await pilot.press("2")
        await pilot.press("u")  # undo the Time: open again, and current
        assert what(screen)[:2] == (EVENT, ARGUMENT)
        await pilot.press("1")  # keep gold's Time: settled, nothing changed
        status = str(screen.query_one("#status").content)
        assert "wrong label 1" in status and "missed 1" in status and "events" not in status
        await pilot.press("q")
    gold = store.read(a / GOLD.name).checked()
    assert gold.attributions["A2"].cue.text == "told"
    assert [x.role for x in gold.events["E1"].arguments].count("Time") == 1
    assert gold.entities["T4"].label == "ORG"  # not decided
    assert store.read(b / GOLD.name).checked().attributions["A2"].cue.text == "told"  # the other side untouched


@pytest.fixture
def merged(two, tmp_path: Path) -> Path:
    a, b = two
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "gold")]) == 0
    return tmp_path / "gold"


async def test_a_merged_gold_opens_on_its_candidates(merged):
    app = view_app(parse(str(merged), "--view", "--annotator", "carol"))
    assert app is not None
    path = merged / GOLD.name
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        adj = screen.adj
        assert adj.merged and all(d.kind == CANDIDATE for d in adj.all)
        assert len(adj.open) == 7  # Reuters ×2, Friday, E1 ×2, A2 ×2
        side = str(screen.query_one("#adj-details").content)
        first = screen.current
        assert first is not None and first.layer == ENTITY
        assert "proposed by ann_" in side and "1 of 2 agree" in side
        await pilot.press("x")  # reject the first Reuters
        assert store_status(adj, first.pred_id) == REJECTED
        second = screen.current
        await pilot.press("y")  # accept the other Reuters
        assert store_status(adj, second.pred_id) == ACCEPTED
        # Now the event candidates: accepting ann_a's E1 (with Friday) brings Friday and rejects ann_b's E1.
        for _ in range(len(adj.open)):
            if screen.current is not None and screen.current.layer == EVENT and _args(adj, screen.current):
                break
            await pilot.press("n")
        ev = screen.current
        assert ev is not None
        friday = _args(adj, ev)
        await pilot.press("y")
        assert store_status(adj, ev.pred_id) == ACCEPTED and all(store_status(adj, t) == ACCEPTED for t in friday)
        assert sum(1 for d in adj.all if d.layer == EVENT and store_status(adj, d.pred_id) == REJECTED) == 1
        await pilot.press("u")
        assert store_status(adj, ev.pred_id) == SUGGESTED and all(store_status(adj, t) == SUGGESTED for t in friday)
        await pilot.press("y")
        status = str(screen.query_one("#status").content)
        assert "candidates 2 (attributions 2)" in status
        await pilot.press("q")
    gold = store.read(path).checked()
    assert sum(1 for e in gold.events.values() if e.status == SUGGESTED) == 0
    assert sum(1 for x in gold.attributions.values() if x.status == SUGGESTED) == 2


def store_status(adj, ann_id: str) -> str:
    return adj.session.aset.get(ann_id).status


def _args(adj, d) -> list[str]:
    ev = adj.session.aset.events.get(d.pred_id)
    return [x.ref for x in ev.arguments if x.role == "Time"] if ev is not None else []


async def test_by_one_annotator_shows_only_their_candidates_never_missed(merged):
    app = view_app(parse(str(merged), "--view", "--by", "ann_b", "--annotator", "carol"))
    assert app is not None
    async with app.run_test(size=SIZE):
        adj = screen_of(app).adj
        assert [d.kind for d in adj.all] == [CANDIDATE] * 3  # Reuters MISC, E1 without Time, A2 with "told"
        assert all(d.kind != "missed" for d in adj.all)


async def test_a_merge_file_conflict_is_settled_by_one_key(two, tmp_path):
    a, b = two
    base = tmp_path / "base.yaml"
    shutil.copyfile(a / GOLD.name, base)
    ours = a / GOLD.name
    theirs_text = GOLD.read_text(encoding="utf-8").replace(
        "{id: T4, label: ORG, start: 33, end: 40, text: Reuters", "{id: T4, label: PER, start: 33, end: 40, text: Reuters"
    )
    ours.write_text(
        GOLD.read_text(encoding="utf-8").replace(
            "{id: T4, label: ORG, start: 33, end: 40, text: Reuters", "{id: T4, label: MISC, start: 33, end: 40, text: Reuters"
        ),
        encoding="utf-8",
    )
    theirs = tmp_path / "theirs.yaml"
    theirs.write_text(theirs_text, encoding="utf-8")
    assert main(["merge-file", str(base), str(ours), str(theirs)]) in (0, 1)
    app = view_app(parse(str(ours), "--view", "--annotator", "carol"))
    assert app is not None
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        adj = screen.adj
        assert len(adj.open) == 2
        side = str(screen.query_one("#adj-details").content)
        assert "side of a conflict" in side and "reject" in side
        chosen = screen.current.pred_label
        await pilot.press("y")
        assert adj.open == [] and screen.current is None
        await pilot.press("q")
    gold = store.read(ours).checked()
    reuters = sorted((e.label, e.status) for e in gold.entities.values() if e.start == 33)
    assert sorted(reuters) == sorted([(chosen, ACCEPTED), ({"MISC": "PER", "PER": "MISC"}[chosen], REJECTED)])


async def test_palette_adjudicates_the_candidates_of_the_open_merged_gold(merged, tmp_path):
    """In the annotator, on an article whose gold is merged: "Audit this article
    against another file..." with nothing typed opens on the candidates."""
    from annotator.schema import default_schema
    from annotator.tui.app import AnnotatorApp

    app = AnnotatorApp([tmp_path / "seeds" / SEED.name], annotations_dir=merged, schema=default_schema(), user="carol")
    async with app.run_test(size=SIZE) as pilot:
        await app.adjudicate(None)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdjudicateScreen) and screen.adj.merged and len(screen.adj.open) == 7
        await pilot.press("y")
        assert len(screen.adj.open) == 5
        await pilot.press("q")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, AdjudicateScreen)
        assert sum(1 for e in app.session.aset.entities.values() if e.start == 33 and e.status == ACCEPTED) == 1


# -- one file: its own event and attribution suggestions (audit GOLD --by SUGGESTER --view) ----
@pytest.fixture
def suggested(tmp_path: Path) -> Path:
    """The seed's gold with a suggester's output in it: an event (Capture at
    "dealing", Agent the gold's T59, Time a suggested entity "years") and an
    attribution that has A2's source and content but the cue "told" only."""
    from annotator.model import Argument, Attribution, Entity, Event, Ref, Span

    (tmp_path / "seeds").mkdir()
    shutil.copyfile(SEED, tmp_path / "seeds" / SEED.name)
    (tmp_path / "ann").mkdir()
    path = tmp_path / "ann" / GOLD.name
    path.write_text(GOLD.read_text(encoding="utf-8"), encoding="utf-8")
    gold = store.read(path).checked()
    text = gold.document.text
    at = text.index("dealing")
    years = text.index("years", at)
    gold.entities["T90"] = Entity("T90", "DATE", Span.of(text, years, years + 5), status=SUGGESTED, by="rules")
    gold.events["E20"] = Event("E20", "Conflict.Capture", Span.of(text, at, at + 7),
                               (Argument("Agent", "T59"), Argument("Time", "T90")), status=SUGGESTED, by="rules")
    a2 = gold.attributions["A2"]
    gold.attributions["A20"] = Attribution("A20", Ref("T22"), Span.of(text, 617, 621), a2.content, a2.type,
                                           status=SUGGESTED, by="rules")
    store.save(gold, path)
    return path


async def go_to(pilot, screen, target: tuple) -> None:
    """Press n until the current disagreement is ``target`` (layer, kind, part)."""
    for _ in range(len(screen.adj.open) + 1):
        if what(screen) == target:
            return
        await pilot.press("n")
    raise AssertionError(f"{target} is not open")


async def test_one_file_walks_its_event_and_attribution_suggestions(suggested):
    app = view_app(parse(str(suggested), "--by", "rules", "--view", "--annotator", "carol"))
    assert app is not None
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        # What the suggester disagrees on, besides what it did not find (missed), on every layer:
        found = {(d.layer, d.kind, d.part, d.gold_id, d.pred_id) for d in screen.adj.open if d.kind != "missed"}
        assert found == {
            (ATTRIBUTION, PART, "cue", "A2", "A20"),  # A2 "told Reuters" / A20 "told"
            (EVENT, "spurious", None, None, "E20"),  # E20 at "dealing"
            (ENTITY, "spurious", None, None, "T90"),  # T90 "years"
        }
        status = str(screen.query_one("#status").content)
        assert "events" in status and "attributions" in status
        await go_to(pilot, screen, (ATTRIBUTION, PART, "cue"))
        side = str(screen.query_one("#adj-details").content)
        assert "accept the attribution suggestion A20 over A2" in side
        await pilot.press("1")  # keep gold: the suggestion is rejected
        await go_to(pilot, screen, (EVENT, "spurious", None))
        await pilot.press("2")  # take it: E20 accepted, with the entity it brings
        still = {(d.layer, d.kind, d.pred_id) for d in screen.adj.open if d.kind != "missed"}
        assert still == set()  # T90 came along with E20; A20 decided
        await pilot.press("u")  # undo: E20 and T90 are suggestions again
        assert {(d.layer, d.pred_id) for d in screen.adj.open if d.kind == "spurious"} == {(EVENT, "E20"), (ENTITY, "T90")}
        await go_to(pilot, screen, (EVENT, "spurious", None))
        await pilot.press("2")
        await pilot.press("q")
    got = store.read(suggested).checked()
    assert got.attributions["A20"].status == REJECTED
    assert got.attributions["A2"].cue.text == "told Reuters" and got.attributions["A2"].status == ACCEPTED
    e20, t90 = got.events["E20"], got.entities["T90"]
    assert (e20.status, e20.by, e20.suggested_by) == (ACCEPTED, "carol", "rules")
    assert (t90.status, t90.by) == (ACCEPTED, "carol")
    assert [a.ref for a in e20.arguments] == ["T59", "T90"]
