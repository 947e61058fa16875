"""Keys written to a real pseudo-terminal all at once do what they do typed one by one."""

import os

import pytest
import yaml

from .test_e2e_pty import Terminal, annotator_command

SEQUENCES = [
    "/activist\r8",
    "/activist\r/protests\r8",
    "/Iraq\r3g/captured\recaptu\r/Iraq\rrplace\r",
]


def run(seed_copy, tmp_path, keys: str, at_once: bool, name: str):
    ann = tmp_path / name
    term = Terminal([annotator_command(), str(seed_copy), "--annotations", str(ann), "--annotator", "e2e"], cwd=tmp_path)
    try:
        term.wait_for("HASAKEH")
        if at_once:
            os.write(term.proc.fd, keys.encode())
            term.pump(1.5)
        else:
            term.type(keys)
            term.pump(0.5)
        screen = term.text()
        term.type("q")
        assert term.wait_exit() == 0
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    data = yaml.safe_load((ann / seed_copy.with_suffix(".yaml").name).read_text(encoding="utf-8"))
    ents = sorted((e["label"], e["text"], e["start"]) for e in data.get("entities") or [])
    evs = sorted(
        (e["type"], e["trigger"]["text"], sorted(a["role"] for a in e.get("arguments") or []))
        for e in data.get("events") or []
    )
    return ents, evs, screen


@pytest.mark.parametrize("keys", SEQUENCES)
def test_keys_written_at_once_match_keys_typed_one_by_one(seed_copy, tmp_path, keys):
    ents1, evs1, _ = run(seed_copy, tmp_path, keys, False, "one")
    ents2, evs2, screen = run(seed_copy, tmp_path, keys, True, "all")
    assert ents1, "typed one by one, the sequence tags something"
    assert (ents2, evs2) == (ents1, evs1)
    assert "find (enter" not in screen  # the find bar is closed
