"""The status line fits its width: the counts are cut first (not below
MIN_COUNTS cells), then the message; the article's name and whether the work is
saved always stay on screen (a big article's counts alone fill 120 columns)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from annotator.tui.widgets import MIN_COUNTS, fit_status

@given(st.integers(0, 30), st.text(st.sampled_from("c北"), max_size=70), st.integers(1, 20),
       st.text(st.sampled_from("mé北"), max_size=70), st.integers(0, 150))
def test_fit_cuts_the_counts_then_the_message_never_the_head_or_the_state(h, counts, k, message, width):
    head, state = "H" * h, "S" * k  # each part its own letters: the line can be taken apart (the state is never empty)
    line = fit_status(head, counts, state, message, width)
    whole = head + counts + state + message
    if width == 0 or cell_len(whole) <= width:
        assert line == whole
        return
    assert line.startswith(head) and line.count("S") == k and "H" not in line[h:]
    rest = line[h:]
    cut = rest.index(state)
    shown_counts, shown_message = rest[:cut], rest[cut + k:]
    shortest = min(cell_len(counts), MIN_COUNTS)
    if shown_counts != counts:
        assert shown_counts.endswith("…")
        kept = shown_counts[:-1].rstrip(" ")
        assert counts.startswith(kept) and cell_len(shown_counts) - 1 >= shortest
    if shown_message != message:
        assert cell_len(shown_counts) - 1 <= shortest + 1  # the counts went first, as short as they go
        assert shown_message == "" or (shown_message.endswith("…") and message.startswith(shown_message[:-1].rstrip(" ")))
    floor = h + shortest + 1 + k
    assert cell_len(line) <= width or floor >= width


def test_a_big_articles_line_keeps_unsaved_and_the_message():
    counts = " ".join(f"LABEL{k}:{50_000 + k}" for k in range(8)) + "  pending 59988"
    line = fit_status(" big-article.txt  ", counts, "  [unsaved]", "  saving a/big.yaml before quitting…", 120)
    assert cell_len(line) == 120
    assert line.startswith(" big-article.txt  LABEL0:50000")
    assert line.endswith("…  [unsaved]  saving a/big.yaml before quitting…")


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
