"""A folder of articles: open lazily, move between them with keys."""

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
