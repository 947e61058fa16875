"""The corpus view in the app: C opens it, sort and filter by column, enter opens an article."""

from annotator.tui.corpus_table import CorpusTable

from annotator.articles import find_articles
from annotator.corpus import COLUMNS
from annotator.schema import default_schema
from annotator.tui.app import AnnotatorApp
from annotator.tui.corpus_screen import CorpusScreen

from .test_corpus import make_folder


PENDING = [k for k, _ in COLUMNS].index("pending")


def names(screen: CorpusScreen) -> list[str]:
    return [r.name for r in screen.shown]


async def open_corpus(pilot, app) -> CorpusScreen:
    await pilot.press("C")
    screen = app.screen
    assert isinstance(screen, CorpusScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def make(tmp_path):
    arts, ann = make_folder(tmp_path)
    (arts / "e-bad.txt").unlink()  # the app would refuse to open it; status still shows such files
    return AnnotatorApp(find_articles([str(arts)]), annotations_dir=ann, schema=default_schema(), user="carol",
                        lock_files=False)


async def test_corpus_view_lists_sorts_filters_and_opens(tmp_path):
    app = make(tmp_path)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await open_corpus(pilot, app)
        assert names(screen) == ["b-review", "c-lost", "d-new", "sdf-captures-deir-el-zor"]
        table = screen.query_one(CorpusTable)
        assert [r.name for r in table.rows] == names(screen)
        assert "1/4 done" in str(screen.query_one("#corpus-done").render())
        # Sort by pending (the column under the cursor): most first.
        await pilot.press(*["right"] * PENDING, "s")
        assert names(screen)[0] == "b-review" and screen.sort_reverse
        # Filter that column: only the articles with something pending.
        await pilot.press("f", *">0", "enter")
        assert names(screen) == ["b-review"]
        await pilot.press("F")
        assert len(names(screen)) == 4
        # / filters by name; enter opens the article under the cursor.
        await pilot.press("slash", *"sdf", "enter")
        assert names(screen) == ["sdf-captures-deir-el-zor"]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CorpusScreen)
        assert app.articles[app.index].stem == "sdf-captures-deir-el-zor"
        assert len(app.session.aset.entities) > 100


async def test_open_article_counts_from_the_session_unsaved_included(tmp_path):
    app = make(tmp_path)
    async with app.run_test(size=(130, 36)) as pilot:
        assert app.articles[app.index].stem == "b-review"
        await pilot.press("slash", *"fighters", "enter", "6")  # a new NORP, not saved yet
        screen = await open_corpus(pilot, app)
        row = next(r for r in screen.stats.articles if r.name == "b-review")
        assert row.entities == 2 and row.labels == {"PER": 1, "NORP": 1}
        assert row.saved == "unsaved" and row.by == {"alice": 1, "bob": 1, "carol": 1}
        # esc goes back to the article, nothing changed
        await pilot.press("escape")
        assert not isinstance(app.screen, CorpusScreen)
        assert app.articles[app.index].stem == "b-review"


async def test_esc_in_the_filter_prompt_closes_only_the_prompt(tmp_path):
    app = make(tmp_path)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await open_corpus(pilot, app)
        await pilot.press("f", *"abc", "escape")
        assert isinstance(app.screen, CorpusScreen) and screen.filters == {}
        assert isinstance(app.focused, CorpusTable)
        # A numeric column takes a number condition: anything else keeps the prompt open.
        await pilot.press(*["right"] * PENDING, "f", *">x", "enter")
        assert screen.filters == {} and screen.query_one("#corpus-filter").display
        assert "not a number condition" in str(screen.query_one("#corpus-state").render())
        await pilot.press("escape")
        assert isinstance(app.screen, CorpusScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, CorpusScreen)


async def test_corpus_keys_can_be_remapped(tmp_path):
    app = make(tmp_path)
    async with app.run_test(size=(130, 36)) as pilot:
        app.update_keymap({"corpus.sort": "o", "corpus.down": "n"})
        screen = await open_corpus(pilot, app)
        await pilot.press("s")  # the old key does nothing now
        assert screen.sort_key is None
        await pilot.press("o")
        assert screen.sort_key == "name"
        await pilot.press("n")
        assert screen.query_one(CorpusTable).cursor_row == 1


async def test_an_article_that_cannot_be_opened_is_an_error_row_until_it_is_fixed(tmp_path):
    app = make(tmp_path)
    arts = tmp_path / "articles"
    (arts / "f-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    app.articles = find_articles([str(arts)])
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await open_corpus(pilot, app)
        rows = {r.name: r for r in screen.shown}
        assert rows["f-binary"].state == "error" and "binary" in rows["f-binary"].error
        assert rows["d-new"].state == "new"
        # fixed on disk: ctrl+l reads it again (its size changed), and it is a new article
        (arts / "f-binary.txt").write_text("Now it is text.\n", encoding="utf-8")
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = {r.name: r for r in screen.shown}
        assert rows["f-binary"].state == "new" and rows["f-binary"].error is None


async def test_a_narrow_terminal_hides_the_side_panel_and_scrolls_to_the_cursor_column(tmp_path):
    """At 60 columns the table showed three columns and the side panel the rest of the
    width; l walked into columns off screen and s sorted by one nobody could see."""
    app = make(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_corpus(pilot, app)
        assert not screen.query_one("#corpus-side").display
        table = screen.query_one(CorpusTable)
        last = len(table.columns) - 1
        header = lambda: "".join(seg.text for seg in table.render_line(0))  # noqa: E731
        for col in range(1, last + 1):
            await pilot.press("l")
            assert table.cursor_col == col
            title = table.columns[col][1]
            assert title in header(), (col, title, header())
            assert header().startswith(" " + table.columns[0][1])  # the article's column stays
        await pilot.press("s")
        assert table.columns[last][1].rstrip(" ▲▼") in header()
        for _ in range(last):
            await pilot.press("h")
        assert table.cursor_col == 0 and table.columns[1][1] in header()
    wide = AnnotatorApp(app.articles, annotations_dir=app.annotations_dir, schema=default_schema(), user="carol",
                        lock_files=False)
    async with wide.run_test(size=(130, 36)) as pilot:
        screen = await open_corpus(pilot, wide)
        assert screen.query_one("#corpus-side").display
