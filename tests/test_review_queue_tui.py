"""The review queue screen driven with keys: filter, sort, a group of 3 with one key, undo."""

from annotator import store
from annotator.cli import main
from annotator.model import ACCEPTED, SUGGESTED
from annotator.schema import default_schema
from annotator.tui.app import AnnotatorApp
from annotator.tui.review_queue import ReviewQueueScreen

TEXT = (
    "Fighters of the SDF said on Monday that they captured Deir el-Zor. "
    "Reuters reported that Damascus denied it. In Damascus, officials said {} villages remained.\n"
)


def folder(tmp_path, n=3):
    arts = tmp_path / "arts"
    arts.mkdir()
    for i in range(n):
        (arts / f"a{i}.txt").write_text(TEXT.format(i + 1), encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["suggest", str(arts), "--with", "rules", "--annotations", str(ann)]) == 0
    return sorted(arts.glob("*.txt")), ann


def statuses(path, text):
    got = store.read(path, schema=default_schema()).checked()
    return [e.status for e in got.entities.values() if e.text == text]


async def test_queue_filter_sort_accept_group_across_folder_and_undo(tmp_path):
    articles, ann = folder(tmp_path)
    before = [store.annotation_path(a, ann).read_bytes() for a in articles]
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.press("S")
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.folder  # a folder of three: the whole folder by default
        rows = {(r.label, r.text): r.count for r in screen.shown}
        assert rows[("ORG", "Reuters")] == 3 and rows[("GPE", "Damascus")] == 6
        # filter by label until GPE
        while screen.label != "GPE":
            await pilot.press("l")
        assert {r.label for r in screen.shown} == {"GPE"}
        await pilot.press("F")
        assert screen.label is None
        # sort: by score puts the highest first
        await pilot.press("s")
        assert screen.how == "score"
        scores = [r.score for r in screen.shown]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("s", "s", "s")
        assert screen.how == "position"
        # Reuters: one row of 3 (one per article); y accepts all three
        target = next(i for i, r in enumerate(screen.shown) if r.text == "Reuters")
        screen.query_one("DataTable").move_cursor(row=target)
        await pilot.press("y")
        assert not [r for r in screen.shown if r.text == "Reuters"]
        assert "accepted 3" in str(screen.query_one("#queue-status").render())
        assert [e.status for e in app.session.aset.entities.values() if e.text == "Reuters"] == [ACCEPTED]
        for a in articles[1:]:
            assert statuses(store.annotation_path(a, ann), "Reuters") == [ACCEPTED]
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the precision estimate learned from the three decisions
        assert screen.estimates["rules:word-list"].accepted == 3
        # one u takes back the whole group, in every article
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(r.text == "Reuters" and r.count == 3 for r in screen.shown)
        assert [e.status for e in app.session.aset.entities.values() if e.text == "Reuters"] == [SUGGESTED]
        assert [store.annotation_path(a, ann).read_bytes() for a in articles[1:]] == before[1:]
        # enter jumps to the row's suggestion in the article
        target = next(i for i, r in enumerate(screen.shown) if r.text == "Damascus")
        screen.query_one("DataTable").move_cursor(row=target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewQueueScreen)
        assert app.session.text[app.view.cursor :].startswith("Damascus")
        # tab / y still work in the article
        await pilot.press("tab")
        assert app.current_annotation().status == SUGGESTED
        await pilot.press("q")


async def test_queue_rows_stay_visible_and_keys_work_while_the_folder_is_read(tmp_path, monkeypatch):
    """The folder's other articles are read in a thread; meanwhile the screen shows the open
    article's rows and takes keys. (Its progress flag was once named ``loading``: Textual's own
    reactive, which covered the whole screen with a loading indicator until the read ended.)"""
    import threading

    from textual.widgets import LoadingIndicator

    from annotator import review_queue as rq_core

    articles, ann = folder(tmp_path)
    go = threading.Event()
    real = rq_core.read_folder

    def slow(*args, **kwargs):
        go.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(rq_core, "read_folder", slow)
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert screen.reading
        assert not screen.loading and not list(screen.query(LoadingIndicator))
        assert "reading the folder" in str(screen.query_one("#queue-status").render())
        assert screen.shown  # the open article's rows, at once
        await pilot.press("s")
        assert screen.how == "score"
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.reading and not list(screen.query(LoadingIndicator))
        assert sum(r.count for r in screen.shown if r.text == "Reuters") == 3


async def test_plus_and_minus_raise_and_lower_the_minimum_score(tmp_path):
    """"Min score +" was bound to plus_sign, a name Textual never sends (it sends
    "plus" for +): the key did nothing. The keymap check now refuses such a name."""
    from annotator.tui.keymap import is_key, key_suggestion

    articles, ann = folder(tmp_path, 1)
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.press("S")
        screen = app.screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.low is None
        await pilot.press("plus", "plus")
        assert screen.low == 0.2 and all(r.score is None or r.score >= 0.2 for r in screen.shown)
        await pilot.press("minus")
        assert screen.low == 0.1
        await pilot.press("escape", "q")
    assert (is_key("plus_sign"), is_key("plus"), key_suggestion("plus_sign")) == (False, True, "plus")


async def test_at_120_columns_the_context_shows_the_suggestion_in_its_words(tmp_path):
    """The context came last and got what the other columns left: "By Orhan" at
    120 columns. It comes after the text now, with the rest of the line."""
    from annotator.tui.review_queue import COLUMNS, fitted

    articles, ann = folder(tmp_path, 1)
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        assert [str(c.label) for c in table.ordered_columns] == list(COLUMNS)
        row = next(i for i, r in enumerate(app.screen.shown) if r.text == "Reuters")
        context = str(table.get_row_at(row)[COLUMNS.index("context")])
        assert "[Reuters]" in context and len(context) >= 30
        widths = sum(c.get_render_width(table) for c in table.ordered_columns[: COLUMNS.index("context") + 1])
        assert widths <= 120
        await pilot.press("escape", "q")
    long = [["1", "attribution:indirect", "x" * 60, "w " * 80, "0.5", "rules:trigger-schema-long", "0.33 [0.01-0.84] n=1"]]
    (cells,) = fitted(long, 120)
    assert cells[1] == "attribution:indirect"[:17] + "…" and len(cells[2]) == 28 and cells[2].endswith("…")
    assert 40 <= len(cells[3]) and cells[3].endswith("…")
