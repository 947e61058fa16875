"""End to end: the installed `annotator` command in a real pseudo-terminal."""

import os
import select
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml

ptyprocess = pytest.importorskip("ptyprocess")
pyte = pytest.importorskip("pyte")

ROOT = Path(__file__).resolve().parent.parent


def annotator_command() -> str:
    exe = Path(sys.executable).parent / "annotator"
    found = str(exe) if exe.exists() else shutil.which("annotator")
    if not found:
        pytest.fail("the `annotator` command is not installed (pip install -e .)")
    return found


class Terminal:
    def __init__(self, argv, cwd, cols=120, rows=36):
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        env.pop("TEXTUAL", None)
        # the checkout these tests come from, whatever the installed command was installed from
        # (a second worktree of the repository shares the first one's editable install)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        self.proc = ptyprocess.PtyProcess.spawn(argv, cwd=str(cwd), dimensions=(rows, cols), env=env)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, seconds=0.2):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.proc.fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(self.proc.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                # Answer cursor-position queries like a real terminal.
                if b"\x1b[6n" in data:
                    os.write(self.proc.fd, b"\x1b[1;1R")
                self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.1)
            if needle in self.text():
                return
        raise AssertionError(f"{needle!r} never appeared on screen:\n{self.text()}")

    def type(self, keys: str, pause=0.15):
        for ch in keys:
            os.write(self.proc.fd, ch.encode())
            self.pump(0.03)
        self.pump(pause)

    def wait_exit(self, timeout=15.0):
        end = time.monotonic() + timeout
        while self.proc.isalive() and time.monotonic() < end:
            self.pump(0.1)
        assert not self.proc.isalive(), "the app did not quit"
        return self.proc.exitstatus


def test_find_label_quit_in_a_real_terminal(seed_copy, tmp_path):
    term = Terminal([annotator_command(), str(seed_copy), "--annotations", "ann", "--annotator", "e2e"], cwd=tmp_path)
    try:
        term.wait_for("HASAKEH")
        term.type("/")
        term.type("Orhan Qereman")
        term.type("\r")
        term.type("1", pause=0.3)
        term.type("q")
        assert term.wait_exit() == 0
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    data = yaml.safe_load((tmp_path / "ann" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8"))
    ent = data["entities"][0]
    assert (ent["label"], ent["start"], ent["end"], ent["text"], ent["by"]) == ("PER", 3, 16, "Orhan Qereman", "e2e")
    assert data["document"]["path"] == "../seeds/sdf-captures-deir-el-zor.txt"


def test_event_and_attribution_by_keys_in_a_real_terminal(seed_copy, tmp_path):
    """One event with two arguments and one attribution, typed into the real app."""
    term = Terminal([annotator_command(), str(seed_copy), "--annotations", "ann", "--annotator", "e2e"], cwd=tmp_path)
    try:
        term.wait_for("HASAKEH")
        # Two entities, then the event on "captured" with both as arguments.
        term.type("/"); term.type("Iraq"); term.type("\r"); term.type("3")
        term.type("/"); term.type("Friday"); term.type("\r"); term.type("7")
        term.type("g"); term.type("/"); term.type("captured"); term.type("\r")
        term.type("e", pause=0.4); term.type("capture"); term.type("\r", pause=0.4)
        term.type("g"); term.type("/"); term.type("Iraq"); term.type("\r"); term.type("\x1b", pause=0.3)
        term.type("r", pause=0.4); term.type("place"); term.type("\r", pause=0.4)
        term.type("g"); term.type("/"); term.type("Friday"); term.type("\r"); term.type("\x1b", pause=0.3)
        term.type("r", pause=0.4); term.type("time"); term.type("\r", pause=0.4)
        # Attribution: Mazlum Abdi (tagged PER) told reporters ... to the end of the sentence.
        term.type("/"); term.type("Mazlum Abdi"); term.type("\r"); term.type("1")
        term.type("a")
        term.type("/"); term.type("told reporters"); term.type("\r"); term.type("\r")
        term.type("/"); term.type("his forces"); term.type("\r"); term.type("v"); term.type(")"); term.type("\r")
        term.type("q")
        assert term.wait_exit() == 0
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    data = yaml.safe_load((tmp_path / "ann" / "sdf-captures-deir-el-zor.yaml").read_text(encoding="utf-8"))
    ents = {e["id"]: e for e in data["entities"]}
    (ev,) = data["events"]
    assert ev["type"] == "Conflict.Capture" and ev["trigger"]["text"] == "captured"
    assert sorted((a["role"], ents[a["ref"]]["text"]) for a in ev["arguments"]) == [("Place", "Iraq"), ("Time", "Friday")]
    (at,) = data["attributions"]
    assert ents[at["source"]["ref"]]["text"] == "Mazlum Abdi"
    assert at["cue"]["text"] == "told reporters"
    assert at["content"]["text"].startswith("his forces had") and at["content"]["text"].endswith("Aleppo city.")


def _tag_hasakeh(term: Terminal) -> None:
    term.wait_for("HASAKEH")
    term.type("/")
    term.type("HASAKEH")
    term.type("\r")
    term.type("3")  # GPE
    term.wait_for("unsaved")


def test_sigterm_saves_lets_go_of_the_lock_and_exits_143(seed_copy, tmp_path):
    """`kill`: the tag made a moment ago is in the file (not only the journal),
    the lock is gone, and the status is a shell's for SIGTERM."""
    import signal

    term = Terminal([annotator_command(), str(seed_copy), "--annotations", "ann", "--annotator", "e2e"], cwd=tmp_path)
    try:
        _tag_hasakeh(term)
        os.kill(term.proc.pid, signal.SIGTERM)
        assert term.wait_exit() == 128 + signal.SIGTERM
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    data = yaml.safe_load((tmp_path / "ann" / f"{seed_copy.stem}.yaml").read_text(encoding="utf-8"))
    assert [(e["label"], e["text"]) for e in data["entities"]] == [("GPE", "HASAKEH")]
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == [f"{seed_copy.stem}.yaml"]  # no lock, no journal


def test_a_closed_terminal_saves_and_lets_go_of_the_lock(seed_copy, tmp_path):
    """The terminal window closed (or ssh dropped): SIGHUP, handled as SIGTERM."""
    import signal

    term = Terminal([annotator_command(), str(seed_copy), "--annotations", "ann", "--annotator", "e2e"], cwd=tmp_path)
    try:
        _tag_hasakeh(term)
        term.proc.fileobj.close()  # the terminal's side gone: the kernel hangs up its session
        end = time.monotonic() + 15
        while term.proc.isalive() and time.monotonic() < end:
            time.sleep(0.05)
        assert not term.proc.isalive(), "the app did not end"
        assert term.proc.exitstatus == 128 + signal.SIGHUP
    finally:
        if term.proc.isalive():
            term.proc.kill(signal.SIGKILL)
    data = yaml.safe_load((tmp_path / "ann" / f"{seed_copy.stem}.yaml").read_text(encoding="utf-8"))
    assert [(e["label"], e["text"]) for e in data["entities"]] == [("GPE", "HASAKEH")]
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == [f"{seed_copy.stem}.yaml"]
