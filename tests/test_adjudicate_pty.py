"""End to end: adjudicating a merged gold with the installed `annotator` in a real pseudo-terminal."""

from __future__ import annotations

import pytest

from annotator import store
from annotator.cli import main
from annotator.model import ACCEPTED, REJECTED, SUGGESTED

from .test_adjudicate_layers_tui import GOLD, two  # noqa: F401 (fixture)

pytest.importorskip("ptyprocess")
pytest.importorskip("pyte")

from .test_e2e_pty import Terminal, annotator_command  # noqa: E402


def _adjudicating(folders, tmp_path) -> Terminal:
    """`annotator audit gold --view` in a terminal, on the merge of the two folders."""
    a, b = folders
    assert main(["merge", str(a), str(b), "-o", str(tmp_path / "gold")]) == 0
    return Terminal([annotator_command(), "audit", "gold", "--view", "--annotator", "e2e"], cwd=tmp_path)


def test_merge_then_adjudicate_in_a_real_terminal(two, tmp_path):  # noqa: F811
    term = _adjudicating(two, tmp_path)
    try:
        term.wait_for("ENTITY CANDIDATE")
        term.wait_for("candidates 7")
        term.type("y")  # accept the first Reuters: the other one is rejected
        term.wait_for("candidates 5")
        term.type("x")  # reject the next candidate
        term.wait_for("candidates 4")
        term.type("q")
        assert term.wait_exit() == 0
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    gold = store.read(tmp_path / "gold" / GOLD.name).checked()
    reuters = sorted(e.status for e in gold.entities.values() if e.start == 33)
    assert reuters == sorted([ACCEPTED, REJECTED])
    statuses = [x.status for x in gold.all() if isinstance(x.attrs.get("merge"), dict) and "annotators" in x.attrs["merge"]]
    assert statuses.count(SUGGESTED) == 4 and statuses.count(REJECTED) == 2


def test_sigterm_while_adjudicating_saves_the_decisions(two, tmp_path):  # noqa: F811
    """`kill` (or a closed terminal) saves the decisions made, as q does, and lets go of the locks."""
    import os
    import signal

    term = _adjudicating(two, tmp_path)
    try:
        term.wait_for("candidates 7")
        term.type("y")  # accept the first Reuters: the other one is rejected
        term.wait_for("candidates 5")
        os.kill(term.proc.pid, signal.SIGTERM)
        assert term.wait_exit() == 128 + signal.SIGTERM
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    gold = store.read(tmp_path / "gold" / GOLD.name).checked()
    assert sorted(e.status for e in gold.entities.values() if e.start == 33) == sorted([ACCEPTED, REJECTED])
    assert not [p.name for p in (tmp_path / "gold").iterdir() if p.name.startswith(".")]  # no lock, no journal
