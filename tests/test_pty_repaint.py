"""What a real terminal shows equals a full headless render of the same state.

A frame that is wrong only in a real terminal (a row not repainted, a line that
makes the terminal scroll) is invisible to Pilot screenshots: here the installed
app runs in a pseudo-terminal (ptyprocess + pyte) and each modal's screen, as the
terminal emulator sees it, is compared row by row with the compositor's own
render of the same keys in ``run_test``.
"""

import pytest

from tests.test_e2e_pty import Terminal, annotator_command

SIZE = (120, 36)
PLACEHOLDER = "type to filter, enter picks, esc cancels"

# (keys as the terminal sends them, the same keys for Pilot, a text that shows the state is up)
CASES = {
    "event picker": ("lle", ["l", "l", "e"], PLACEHOLDER),
    "event picker, typed": ("lleat", ["l", "l", "e", "a", "t"], "Conflict.Attack"),
    "help": ("?", ["question_mark"], "Keys of annotator"),
    "palette": ("\x10", ["ctrl+p"], "Search for commands"),
    "find bar": ("/", ["slash"], "HASAKEH"),
    "attributes": ("1i", ["1", "i"], "Attributes of"),
    "relation picker": ("1Rll1R", ["1", "R", "l", "l", "1", "R"], "Relation type"),
}


async def headless_rows(make_app, keys) -> list[str]:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from annotator.tui.footer import KeyFooter

        for _ in range(50):  # the footer is mounted after the first frame: as in the terminal, wait for it
            if app.query(KeyFooter):
                break
            await pilot.pause(0.05)
        await pilot.press(*keys)
        await pilot.pause(0.3)
        return [strip.text for strip in app.screen._compositor.render_strips()]


def terminal_rows(seed_copy, tmp_path, keys, ready) -> list[str]:
    term = Terminal([annotator_command(), str(seed_copy), "--annotations", "ann-pty", "--annotator", "tester"], cwd=tmp_path, cols=SIZE[0], rows=SIZE[1])
    try:
        term.wait_for("HASAKEH")
        term.pump(0.5)
        for ch in keys:
            term.type(ch, pause=0.3)
        term.wait_for(ready)
        term.pump(1.0)  # let every frame land
        return list(term.screen.display)
    finally:
        term.proc.terminate(force=True)


@pytest.mark.parametrize("case", list(CASES))
async def test_terminal_shows_what_the_compositor_renders(case, make_app, seed_copy, tmp_path):
    tty_keys, pilot_keys, ready = CASES[case]
    want = await headless_rows(make_app, pilot_keys)
    if ready not in "\n".join(want):
        pytest.fail(f"{case}: the headless app never showed {ready!r}:\n" + "\n".join(want))
    got = terminal_rows(seed_copy, tmp_path, tty_keys, ready)
    screen = "\n".join(got)
    assert got[0] == want[0], f"{case}: the terminal scrolled:\n{screen}"
    if "picker" in case or case == "attributes":
        assert screen.count(PLACEHOLDER) <= 1, f"{case}: the filter box is drawn twice:\n{screen}"
    if case == "event picker":
        assert "Conflict.Attack  Attacker" in screen, f"{case}: the first choice is missing:\n{screen}"
    if case == "palette":
        assert screen.count("Search for commands") == 1, f"{case}: the search box is drawn twice:\n{screen}"
        return  # its hits arrive in an order that varies from run to run: no row-by-row comparison
    if case == "help":
        assert screen.count("Keys of annotator") == 1, f"{case}: the title is drawn twice:\n{screen}"
    diff = [f"{y:2} tty |{g}|\n   want|{w}|" for y, (g, w) in enumerate(zip(got, want)) if g.rstrip() != w.rstrip()]
    assert not diff, f"{case}: rows differ from a full render:\n" + "\n".join(diff)
