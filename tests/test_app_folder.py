"""A folder of articles: open lazily, move between them with keys."""

import pytest
import yaml

from annotator.articles import find_articles


def write_articles(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"art{i:03}.txt").write_text(f"Article {i} says Abdi met Qereman in Hasakeh.\n", encoding="utf-8")


async def test_next_and_previous_article_keys(make_app, tmp_path):
    folder = tmp_path / "many"
    write_articles(folder, 3)
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"Abdi", "enter", "1")
        await pilot.press("greater_than_sign")
        assert app.index == 1
        assert app.session.aset.entities == {}
        await pilot.press("slash", *"Hasakeh", "enter", "3")
        await pilot.press("less_than_sign")
        assert app.index == 0
        assert [e.text for e in app.session.aset.entities.values()] == ["Abdi"]
        await pilot.press("less_than_sign")  # no article before the first
        assert app.index == 0
        await pilot.press("q")
    ann = tmp_path / "annotations"
    first = yaml.safe_load((ann / "art000.yaml").read_text())
    second = yaml.safe_load((ann / "art001.yaml").read_text())
    assert [e["text"] for e in first["entities"]] == ["Abdi"]
    assert [e["text"] for e in second["entities"]] == ["Hasakeh"]
    assert not (ann / "art002.yaml").exists()  # never opened, nothing written


def test_listing_is_lazy_and_sorted(tmp_path):
    folder = tmp_path / "f"
    write_articles(folder, 5)
    (folder / "notes.md").write_text("x")
    found = find_articles([str(folder)])
    assert [p.name for p in found] == [f"art{i:03}.txt" for i in range(5)]


async def test_an_article_left_and_opened_again_keeps_its_undo_and_its_cursor(make_app, tmp_path):
    folder = tmp_path / "many"
    write_articles(folder, 3)
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("greater_than_sign")
        await pilot.press("slash", *"Qereman", "enter", "1", "slash", *"Hasakeh", "enter", "3")
        where = app.view.cursor
        assert where > 0
        await pilot.press("less_than_sign", "greater_than_sign")
        assert app.index == 1 and app.view.cursor == where
        await pilot.press("u")
        assert "nothing to undo" not in app._status_text
        assert [e.text for e in app.session.aset.entities.values()] == ["Qereman"]
        await pilot.press("u", "ctrl+r")
        assert [e.text for e in app.session.aset.entities.values()] == ["Qereman"]
        await pilot.press("q")
    second = yaml.safe_load((tmp_path / "annotations" / "art001.yaml").read_text())
    assert [e["text"] for e in second["entities"]] == ["Qereman"]


async def test_next_article_passes_over_one_that_cannot_be_opened(make_app, tmp_path):
    """> onto a broken file said why and stayed: the articles after it could not be
    reached with the keys. Now the broken one is told and passed over, both ways."""
    folder = tmp_path / "many"
    write_articles(folder, 4)
    ann = tmp_path / "annotations"
    ann.mkdir()
    (ann / "art001.yaml").write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    (ann / "art002.yaml").write_bytes(b"\x00\x01binary")
    before = {p.name: p.read_bytes() for p in ann.iterdir()}
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("greater_than_sign")
        assert app.index == 3
        assert app.message.startswith("skipped 2 articles that cannot be opened: ")
        assert str(ann / "art001.yaml") in app.message
        await pilot.press("greater_than_sign")
        assert (app.index, app.message) == (3, "no more articles that way")
        await pilot.press("less_than_sign")
        assert app.index == 0 and "skipped 2 articles" in app.message
        await pilot.press("q")
    assert {p.name: p.read_bytes() for p in ann.iterdir() if p.name in before} == before  # left as they were


async def test_when_no_article_that_way_opens_the_key_says_so_and_stays(make_app, tmp_path):
    folder = tmp_path / "many"
    write_articles(folder, 3)
    ann = tmp_path / "annotations"
    ann.mkdir()
    for n in (1, 2):
        (ann / f"art00{n}.yaml").write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"Abdi", "enter", "1", "greater_than_sign")
        assert app.index == 0
        assert app.message.startswith(f"no article that way can be opened (2 tried): {ann / 'art001.yaml'}")
        assert [e.text for e in app.session.aset.entities.values()] == ["Abdi"]  # still this one, unharmed
        await pilot.press("q")


async def test_the_app_opens_on_the_article_it_is_given_and_tells_those_skipped(make_app, tmp_path):
    folder = tmp_path / "many"
    write_articles(folder, 3)
    app = make_app(find_articles([str(folder)]), start=2, skipped=["a.yaml:3: broken", "b.yaml:1: broken"])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.index == 2 and app.articles[app.index].name == "art002.txt"
        assert app.message == "skipped 2 articles that cannot be opened: a.yaml:3: broken (and 1 more)"
        await pilot.press("slash", *"Abdi", "enter", "1", "q")
    assert (tmp_path / "annotations" / "art002.yaml").is_file()
    assert not (tmp_path / "annotations" / "art000.yaml").exists()


# ---------------------------------------------------------------------------
# A pull into the open article, then away and back (REPORT 05)
# ---------------------------------------------------------------------------
PULL_A = "Maria Lopez met Juan Perez in Madrid.\n"


def _pull(yaml_path, change):
    """A ``git pull``: another writer's new file put in place of the annotation file."""
    import os

    from annotator import store

    theirs = store.read(yaml_path).checked()
    change(theirs)
    tmp = yaml_path.with_name(".pull.tmp")
    tmp.write_bytes(store.dumps(theirs).encode("utf-8"))
    os.replace(tmp, yaml_path)


async def _until(pilot, done, what):
    for _ in range(100):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")


async def _go(app, pilot, how, index):
    """Move to article ``index``: with < and >, the corpus view, or a review-queue jump."""
    if how == "keys":
        await pilot.press("greater_than_sign" if index > app.index else "less_than_sign")
    elif how == "corpus":
        await pilot.press("C")
        await pilot.pause()
        app.screen.dismiss(index)
    else:
        await pilot.press("S")
        await pilot.pause()
        app.screen.dismiss((app.articles[index], 0))
    await _until(pilot, lambda: app.index == index and len(app.screen_stack) == 1, f"article {index} open")
    await pilot.pause()


@pytest.mark.parametrize("how", ["keys", "corpus", "queue"])
async def test_a_pull_merged_and_saved_leaves_no_journal_and_a_later_deletion_is_kept(make_app, tmp_path, monkeypatch,
                                                                                      how):
    """05: a pull adds bob's entity to the open a.txt ([saved]); moving to b.txt left
    a.txt's journal (an 'apply' of that pull) behind; a second pull deleted the
    entity; coming back replayed the journal: the entity was back, and 'recovered 1
    unsaved changes from the journal' said so. Now nothing is left behind."""
    from annotator import autosave, store
    from annotator.model import Entity, Span

    monkeypatch.setattr(autosave, "WATCH_DELAY", 0.1)
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text(PULL_A, encoding="utf-8")
    (folder / "b.txt").write_text("Carlos Ruiz lives in Lima.\n", encoding="utf-8")
    ann = tmp_path / "annotations"
    a_yaml = ann / "a.yaml"
    app = make_app(find_articles([str(folder)]))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.press("slash", *"Maria Lopez", "enter", "1")
        await _until(pilot, lambda: a_yaml.exists() and not app.session.dirty, "a.txt saved")
        bob = Entity("T2", "PER", Span.of(PULL_A, 16, 26), by="bob")
        _pull(a_yaml, lambda x: x.entities.__setitem__("T2", bob))
        await _until(pilot, lambda: "T2" in app.session.aset.entities, "the pull taken")
        assert not app.session.dirty
        await _go(app, pilot, how, 1)
        assert sorted(p.name for p in ann.iterdir() if p.name.startswith(".a.")) == []  # journal folded
        _pull(a_yaml, lambda x: x.entities.pop("T2"))  # bob deleted it
        await _go(app, pilot, how, 0)
        notes = [str(n.message) for n in app._notifications] + [app.message]
        assert not any("recovered" in n for n in notes), notes
        assert [e.text for e in app.session.aset.entities.values()] == ["Maria Lopez"]
        assert not app.session.dirty
        await pilot.press("q")
    assert [e.text for e in store.read(a_yaml).checked().entities.values()] == ["Maria Lopez"]
    assert not (ann / ".a.journal").exists() and not (ann / ".a.journal.base").exists()
