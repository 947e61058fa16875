"""The status line fits its width: what matters most, whether the work is
saved and the latest message, stays on screen; the counts give way first (to
MIN_COUNTS cells), then the article's name (to MIN_HEAD), then both, then the
message; the state is cut last (a big article's counts alone fill 120 columns;
on 60 or 80 columns the name and counts pushed [saved] off the line)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from annotator.tui.widgets import MIN_COUNTS, MIN_HEAD, fit_status


def _shown_as(part: str, shown: str) -> bool:
    """``shown`` is ``part``, or its start with an ellipsis, or nothing."""
    return shown in ("", part) or (shown.endswith("…") and part.startswith(shown[:-1]))


@given(st.integers(0, 40), st.text(st.sampled_from("c北"), max_size=70), st.integers(1, 20),
       st.text(st.sampled_from("mé北"), max_size=70), st.integers(0, 150))
def test_fit_keeps_the_state_and_the_message_and_cuts_the_rest_first(h, counts, k, message, width):
    head, state = "H" * h, "S" * k  # each part its own letters: the line can be taken apart
    line = fit_status(head, counts, state, message, width)
    whole = head + counts + state + message
    if width == 0 or cell_len(whole) <= width:
        assert line == whole
        return
    assert cell_len(line) <= width
    n_head = len(line) - len(line.lstrip("H…")) if line.startswith("H") else 0
    shown_head, rest = line[:n_head], line[n_head:]
    shown_counts = rest[: len(rest) - len(rest.lstrip("c北…"))] if not rest.startswith("S") else ""
    rest = rest[len(shown_counts):]
    shown_state = rest[: len(rest) - len(rest.lstrip("S…"))]
    shown_message = rest[len(shown_state):]
    for part, shown in ((head, shown_head), (counts, shown_counts), (state, shown_state), (message, shown_message)):
        assert _shown_as(part, shown)
    if cell_len(state + message) <= width:
        assert line.endswith(state + message)  # the state and the message whole
    elif k <= width:
        assert shown_state == state and not shown_head and not shown_counts
    if shown_counts:  # the counts are shown: the head is as long as it goes first
        assert shown_head == head or cell_len(shown_head) >= MIN_HEAD
        assert line.endswith(state + message)
    if shown_head != head:  # the head is cut: the counts were cut as short as they go first
        assert not shown_counts or cell_len(shown_counts) <= MIN_COUNTS


def test_a_big_articles_line_keeps_unsaved_and_the_message():
    counts = " ".join(f"LABEL{k}:{50_000 + k}" for k in range(8)) + "  pending 59988"
    line = fit_status(" big-article.txt  ", counts, "  [unsaved]", "  saving a/big.yaml before quitting…", 120)
    assert cell_len(line) == 120
    assert line.startswith(" big-article.txt  LABEL0:50000")
    assert line.endswith("…  [unsaved]  saving a/big.yaml before quitting…")


def test_a_narrow_line_gives_up_the_counts_then_the_name():
    head, counts = " sdf-captures-deir-el-zor.txt  ", "PER:14 ORG:35 GPE:29 LOC:6 FAC:2 NORP:5 DATE:9"
    line = fit_status(head, counts, "  [saved]", "  nothing to undo", 80)
    assert line.endswith("  [saved]  nothing to undo") and "PER:14" in line and cell_len(line) <= 80
    line = fit_status(head, counts, "  [unsaved]", "  tagged PER Orhan Qereman", 60)
    assert line.endswith("  [unsaved]  tagged PER Orhan Qereman") and cell_len(line) <= 60
    assert line.startswith(" sdf-captures")
    line = fit_status(head, counts, "  [NOT SAVED (Operation not permitted)]", "  q: could not save", 60)
    assert line == "  [NOT SAVED (Operation not permitted)]  q: could not save"
    line = fit_status(head, counts, "  [NOT SAVED (Operation not permitted)]", "  q: could not save; ctrl+q quits", 40)
    assert line.startswith("  [NOT SAVED (Operation not permitted)]") and cell_len(line) <= 40


async def test_the_app_shows_saved_and_the_message_when_the_counts_are_too_long(make_app, seed_copy, tmp_path):
    (tmp_path / "annotations").mkdir()
    gold = Path(__file__).resolve().parent.parent / "annotations" / "sdf-captures-deir-el-zor.yaml"
    (tmp_path / "annotations" / gold.name).write_bytes(gold.read_bytes())  # the seed's gold: every label
    app = make_app()
    async with app.run_test(size=(90, 20)) as pilot:
        await pilot.pause()
        app.say("a message to read")
        await pilot.pause()
        shown = str(app.query_one("#status").render())
        assert shown.endswith("[saved]  a message to read") and "…" in shown and "PER:14" in shown
        assert cell_len(shown) <= 90
        assert "MISC:" in app._status_text and app._status_text.endswith("a message to read")  # the whole line kept
        await pilot.resize_terminal(200, 20)
        await pilot.pause()
        shown = str(app.query_one("#status").render())
        assert shown == app._status_text and "…" not in shown


async def test_a_narrow_terminal_keeps_saved_and_the_message_and_the_article_room(make_app, seed_copy, tmp_path):
    (tmp_path / "annotations").mkdir()
    gold = Path(__file__).resolve().parent.parent / "annotations" / "sdf-captures-deir-el-zor.yaml"
    (tmp_path / "annotations" / gold.name).write_bytes(gold.read_bytes())
    app = make_app()
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        assert not app.query_one("#side").display and app.view.size.width >= 56  # the article: the whole width
        await pilot.press("u")  # nothing to undo: the message
        shown = str(app.query_one("#status").render())
        assert shown.endswith("[saved]  nothing to undo") and cell_len(shown) <= 60
        assert shown.startswith(" sdf-captures")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        shown = str(app.query_one("#status").render())
        assert shown.endswith("[saved]  nothing to undo") and "PER:14" in shown and cell_len(shown) <= 80
        side = app.query_one("#side")
        assert side.display and side.size.width <= 34 and app.view.size.width >= 44
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert app.query_one("#side").outer_size.width == 44  # as before on a wide terminal
