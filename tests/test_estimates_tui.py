"""Rule precision in the app: counted when the folder opens (a worker; keys still
act meanwhile), shown beside a pending suggestion, and one more after a decision."""

from __future__ import annotations

import threading

from annotator import store
from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED, with_status
from annotator.schema import default_schema
from annotator.suggest import precision
from annotator.tui.app import AnnotatorApp
from annotator.tui.review_queue import ReviewQueueScreen

TEXT = (
    "Fighters of the SDF said on Monday that they captured Deir el-Zor. "
    "Reuters reported that Damascus denied it. In Damascus, officials said {} villages remained.\n"
)


def folder(tmp_path, n=3):
    """n articles with the rules' suggestions; in all but the first, every
    suggestion is decided (accepted, except Damascus, rejected)."""
    arts = tmp_path / "arts"
    arts.mkdir()
    for i in range(n):
        (arts / f"a{i}.txt").write_text(TEXT.format(i + 1), encoding="utf-8")
    ann = tmp_path / "ann"
    assert main(["suggest", str(arts), "--with", "rules", "--annotations", str(ann)]) == 0
    articles = sorted(arts.glob("*.txt"))
    schema = default_schema()
    for a in articles[1:]:
        path = store.annotation_path(a, ann)
        aset = store.read(path, schema=schema).checked()
        for table in (aset.entities, aset.events, aset.attributions, aset.relations):
            for k, x in list(table.items()):
                if x.status == SUGGESTED:
                    bad = getattr(x, "text", "") == "Damascus"
                    table[k] = with_status(x, REJECTED if bad else ACCEPTED, "alice")
        store.save(aset, path)
    return articles, ann


def panel_text(app) -> str:
    return str(app.query_one("#details").content)


def counted(articles, ann) -> dict[str, list[int]]:
    return precision.decisions(store.read(store.annotation_path(a, ann), schema=default_schema()).checked() for a in articles)


async def test_estimates_appear_without_the_queue_and_follow_each_decision(tmp_path):
    articles, ann = folder(tmp_path)
    expected = counted(articles, ann)
    assert expected  # the other articles hold decisions
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ReviewQueueScreen)
        assert {k: [e.accepted, e.rejected] for k, e in app.rule_estimates.items()} == expected
        await pilot.press("tab")
        ann0 = app.current_annotation()
        assert ann0 is not None and ann0.status == SUGGESTED
        rule = precision.rule_of(ann0)
        n = sum(expected[rule])
        assert f"rule precision {app.rule_estimates[rule].describe()}" in panel_text(app)
        assert f"n={n}" in panel_text(app)
        await pilot.press("y")  # accept: the count of its rule goes up by one
        assert app.rule_estimates[rule].n == n + 1
        assert app.rule_estimates[rule].accepted == expected[rule][0] + 1
        # another pending suggestion of the same rule shows the new count
        for _ in range(40):
            cur = app.current_annotation()
            if cur is not None and cur.status == SUGGESTED and precision.rule_of(cur) == rule:
                break
            await pilot.press("tab")
        else:
            raise AssertionError(f"no other pending suggestion by {rule}")
        assert f"n={n + 1}" in panel_text(app)
        await pilot.press("u")  # undo: back to n
        assert app.rule_estimates[rule].n == n
        # the queue's "most uncertain first" uses the same estimates
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewQueueScreen)
        assert screen.estimates is app.rule_estimates
        while screen.how != "uncertain":
            await pilot.press("s")
        from annotator import review_queue as rq

        assert [r.text for r in screen.shown] == [r.text for r in rq.order(screen.shown, "uncertain", app.rule_estimates)]
        shown_precision = {r.text: r.precision_text() for r in screen.shown}
        assert any(f"n={n}" in t for t in shown_precision.values())
        await pilot.press("escape")
        await pilot.press("q")


async def test_keys_act_while_the_folder_is_counted(tmp_path, monkeypatch):
    articles, ann = folder(tmp_path, n=4)
    expected = counted(articles, ann)
    release = threading.Event()
    started = threading.Event()
    real = precision.decisions_in_file

    def slow(path):  # the worker waits here until the keys below have landed
        started.set()
        assert release.wait(30)
        return real(path)

    monkeypatch.setattr(precision, "decisions_in_file", slow)
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.pause()
        assert started.wait(10)
        assert "estimating precision 0/3" in app._status_text
        # only this article's own decisions so far (none: it is all pending)
        assert app.rule_estimates == {}
        start = app.view.cursor
        await pilot.press("l", "l", "tab")
        assert app.view.cursor != start  # the keys acted while the worker ran
        sugg = app.current_annotation()
        assert sugg is not None and sugg.status == SUGGESTED
        await pilot.press("x")  # a decision meanwhile counts at once
        rule = precision.rule_of(sugg)
        assert app.rule_estimates[rule].rejected == 1
        workers = [w for w in app.workers if w.group == "estimates"]
        assert workers and not workers[0].is_finished
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "estimating" not in app._status_text
        got = {k: [e.accepted, e.rejected] for k, e in app.rule_estimates.items()}
        expected.setdefault(rule, [0, 0])[1] += 1
        assert got == expected
        await pilot.press("q")


async def test_a_large_folder_is_counted_in_another_process(tmp_path, monkeypatch):
    from annotator.tui import estimates

    articles, ann = folder(tmp_path, n=4)
    expected = counted(articles, ann)
    monkeypatch.setattr(estimates, "IN_THREAD", 0)  # what a folder of thousands does
    monkeypatch.setattr(estimates, "CHUNK", 2)  # two chunks: progress between them

    def not_here(paths):
        raise AssertionError("counted in the app's process")

    monkeypatch.setattr(precision, "decisions_in_files", not_here)  # the other process is not patched
    app = AnnotatorApp(articles, annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {k: [e.accepted, e.rejected] for k, e in app.rule_estimates.items()} == expected
        assert "estimating" not in app._status_text
        await pilot.press("q")


async def test_an_article_opened_alone_counts_every_file_of_the_annotations_folder(tmp_path):
    """README: "When a folder (or an article) opens, the app counts the decisions of
    every annotation file of the folder": one article opened by name counts the other
    files of --annotations too (subfolders included), in the background; it counted
    its own only ("no decisions yet")."""
    import shutil

    articles, ann = folder(tmp_path)
    expected = counted(articles, ann)
    # one of them moved into a subfolder of the annotations folder (as import mirrors a tree)
    (ann / "old").mkdir()
    shutil.move(store.annotation_path(articles[2], ann), ann / "old" / "a2.yaml")
    text = (ann / "old" / "a2.yaml").read_text(encoding="utf-8")
    (ann / "old" / "a2.yaml").write_text(text.replace("path: ../arts/", "path: ../../arts/"), encoding="utf-8")
    app = AnnotatorApp(articles[:1], annotations_dir=ann, schema=default_schema(), user="tester")
    async with app.run_test(size=(140, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {k: [e.accepted, e.rejected] for k, e in app.rule_estimates.items()} == expected
        assert "estimating" not in app._status_text
        await pilot.press("q")
