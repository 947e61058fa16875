"""Reviewing suggestions in the app: background suggesting, one key per decision."""

import yaml

from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED
from annotator.schema import default_schema
from annotator.suggest import get_suggester
from annotator.suggest.base import split_by

SIZE = (120, 36)


async def wait_suggestions(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_suggest_on_open_then_tab_y_tab_x_q(make_app, tmp_path):
    app = make_app(suggester=get_suggester("rules", default_schema(), tmp_path / "annotations"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_suggestions(app, pilot)
        pending = app.session.status_counts()[SUGGESTED]
        assert pending > 10
        assert "pending" in app._status_text
        await pilot.press("g", "tab")
        first = app.current_annotation()
        assert first.status == SUGGESTED
        await pilot.press("y")
        second = app.current_annotation()
        assert second.status == SUGGESTED and second.id != first.id
        await pilot.press("x")
        third = app.current_annotation()
        assert third.id not in (first.id, second.id)
        counts = app.session.status_counts()
        assert counts[SUGGESTED] == pending - 2
        await pilot.press("q")
    data = yaml.safe_load(app.session.yaml_path.read_text(encoding="utf-8"))
    rows = {r["id"]: r for key in ("entities", "events", "attributions") for r in data.get(key) or []}
    a, r = rows[first.id], rows[second.id]
    # Both decisions keep the rule that made the suggestion (rules:<rule>).
    assert a.get("status", ACCEPTED) == ACCEPTED and a["by"] == "tester" and a["suggested_by"] == first.by
    assert split_by(first.by)[0] == "rules" and split_by(first.by)[1]
    assert r["status"] == REJECTED and r["suggested_by"] == second.by
    # Suggesting again proposes neither decision again, and adds nothing at all.
    before = app.session.yaml_path.read_bytes()
    article = app.session.article_path
    assert main(["suggest", str(article), "--with", "rules", "--annotations", str(tmp_path / "annotations")]) == 0
    assert app.session.yaml_path.read_bytes() == before


async def test_digit_relabels_and_accepts_and_u_undoes_the_decision(make_app, tmp_path):
    app = make_app(suggester=get_suggester("rules", default_schema(), tmp_path / "annotations"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_suggestions(app, pilot)
        await pilot.press("g", "tab")
        ent = app.current_entity()
        assert ent is not None and ent.status == SUGGESTED
        new_label = "MISC" if ent.label != "MISC" else "PER"
        key = default_schema().key_for_label(new_label)
        await pilot.press(key)
        done = app.session.aset.entities[ent.id]
        assert (done.label, done.status, done.suggested_by) == (new_label, ACCEPTED, ent.by)
        assert done.suggested_label == ent.label  # what the suggester said, for audit --by
        assert app.view.cursor != ent.start  # went on to the next suggestion
        await pilot.press("u")
        back = app.session.aset.entities[ent.id]
        assert (back.label, back.status, back.suggested_label) == (ent.label, SUGGESTED, None)


async def test_accept_all_of_a_label_from_the_palette_is_one_undo_step(make_app, tmp_path):
    app = make_app(suggester=get_suggester("rules", default_schema(), tmp_path / "annotations"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_suggestions(app, pilot)
        gpe = [e for e in app.session.aset.entities.values() if e.label == "GPE" and e.status == SUGGESTED]
        assert gpe
        await pilot.press("ctrl+p", *"accept all pending GPE")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        from annotator.tui.screens import AskNumber

        assert isinstance(app.screen, AskNumber)
        await pilot.press("0", "enter")  # the default is selected: typing replaces it
        await pilot.pause()
        after = [app.session.aset.entities[e.id] for e in gpe]
        assert all(e.status == ACCEPTED for e in after)
        await pilot.press("u")
        assert all(app.session.aset.entities[e.id].status == SUGGESTED for e in gpe)


MERGED = """format: annotator/1
document:
  path: ../a.txt
  sha256: {sha}
  length: {length}
entities:
- {{id: T1, label: PER, start: 0, end: 11, text: Alice Smith, by: x}}
- {{id: T2, label: GPE, start: 29, end: 34, text: Paris, status: suggested, by: bob, attrs: {{merge: {{agree: 1, of: 2, side: ours}}}}}}
- {{id: T3, label: LOC, start: 29, end: 34, text: Paris, status: suggested, by: alice, attrs: {{merge: {{agree: 1, of: 2, side: theirs}}}}}}
events: []
attributions: []
relations: []
"""


async def test_y_on_one_side_of_a_merge_conflict_rejects_the_other_in_one_step(tmp_path):
    """y accepted T2 and left T3 (the other side) pending: tab, y accepted it too,
    two labels for one span. Now as `audit --view`: accept T2, reject T3."""
    import hashlib

    from annotator.tui.app import AnnotatorApp

    text = "Alice Smith met Bob Jones in Paris on Monday.\n"
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    ann = tmp_path / "ann"
    ann.mkdir()
    sha = hashlib.sha256(text.encode()).hexdigest()
    (ann / "a.yaml").write_text(MERGED.format(sha=sha, length=len(text)), encoding="utf-8")
    app = AnnotatorApp([article], annotations_dir=ann, schema=default_schema(), user="carol")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.current_annotation().id == "T2"
        await pilot.press("y")
        ents = app.session.aset.entities
        assert (ents["T2"].status, ents["T3"].status) == (ACCEPTED, REJECTED)
        assert (ents["T2"].by, ents["T2"].suggested_by) == ("carol", "bob")
        assert app.message.startswith("accepted T2; rejected T3")
        await pilot.press("tab", "y")  # nothing else pending: the other side stays rejected
        assert app.session.aset.entities["T3"].status == REJECTED
        await pilot.press("u")  # one step
        ents = app.session.aset.entities
        assert (ents["T2"].status, ents["T3"].status) == (SUGGESTED, SUGGESTED)
        await pilot.press("q")


async def test_a_label_key_on_one_side_of_a_merge_conflict_relabels_it_and_rejects_the_other(tmp_path):
    """A digit on T2 (one side) relabelled and accepted it and left T3 (the other
    side) pending, so the span could end with two accepted labels. Now the digit
    is y with a new label: T2 relabelled and accepted, T3 rejected, one step."""
    import hashlib

    from annotator.tui.app import AnnotatorApp

    schema = default_schema()
    key = next(k for k in "123456789" if schema.label_for_key(k) == "LOC")
    text = "Alice Smith met Bob Jones in Paris on Monday.\n"
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    ann = tmp_path / "ann"
    ann.mkdir()
    sha = hashlib.sha256(text.encode()).hexdigest()
    (ann / "a.yaml").write_text(MERGED.format(sha=sha, length=len(text)), encoding="utf-8")
    app = AnnotatorApp([article], annotations_dir=ann, schema=schema, user="carol")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.current_annotation().id == "T2"
        await pilot.press(key)
        ents = app.session.aset.entities
        assert (ents["T2"].label, ents["T2"].status, ents["T3"].status) == ("LOC", ACCEPTED, REJECTED)
        assert (ents["T2"].suggested_label, ents["T2"].by) == ("GPE", "carol")
        assert app.message.startswith("accepted T2 as LOC; rejected T3")
        await pilot.press("u")  # one step
        ents = app.session.aset.entities
        assert (ents["T2"].label, ents["T2"].status, ents["T3"].status) == ("GPE", SUGGESTED, SUGGESTED)
        await pilot.press("q")
