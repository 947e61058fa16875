"""Every entry point that edits an article, in a real process in a terminal:
the lock is held by exactly that one writer, the journal exists while the
article is open, and a SIGKILL right after a change loses nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import lock as locking
from annotator import store, workspace
from annotator.journal import journal_path
from annotator.schema import default_schema

from .test_e2e_pty import Terminal, annotator_command

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


@pytest.fixture
def seed_with_gold(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "ann").mkdir()
    art = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, art)
    shutil.copyfile(GOLD, tmp_path / "ann" / GOLD.name)
    return art, tmp_path / "ann" / GOLD.name


def other_side(tmp_path: Path, yaml_path: Path, art: Path) -> Path:
    """The gold without its last three entities: three 'missed' to decide."""
    other = store.read(yaml_path).checked()
    other.entities = dict(list(other.entities.items())[:-3])
    other.events, other.attributions, other.relations = {}, {}, {}
    other.document.path = os.path.relpath(art, tmp_path)
    path = tmp_path / "other.yaml"
    store.save(other, path)
    return path


def one_writer(yaml_path: Path, pid: int) -> None:
    """The lock names that process, the journal is there, and nobody else can write."""
    rec = locking.read_record(locking.lock_path(yaml_path))
    assert rec is not None and rec["pid"] == pid, rec
    assert journal_path(yaml_path).exists()
    assert locking.acquire(yaml_path) is None


def kill(term: Terminal) -> None:
    os.kill(term.proc.pid, signal.SIGKILL)
    term.proc.wait()


def reopen_article(art: Path, ann: Path):
    ws = workspace.open_article(art, ann, default_schema())
    assert not ws.read_only  # the dead process's lock is taken over
    return ws


def tag(term: Terminal, word: str, key: str = "1") -> None:
    term.type("g", pause=0.02)
    term.type("/", pause=0.02)
    term.wait_for("find (enter")
    term.type(word, pause=0.02)
    term.type("\r", pause=0.05)
    term.wait_for(f"found {word!r}")
    term.type(key, pause=0.05)
    term.wait_for("tag ")


def app(argv: list[str], cwd: Path) -> Terminal:
    term = Terminal([annotator_command(), *argv], cwd=cwd)
    term.wait_for("/ Find")  # the footer and the find bar are mounted
    return term


def test_the_app(tmp_path):
    (tmp_path / "seeds").mkdir()
    art = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, art)
    ann = tmp_path / "ann"
    term = app([str(art), "--annotations", "ann"], tmp_path)
    try:
        tag(term, "Reporting")
        one_writer(ann / "sdf-captures-deir-el-zor.yaml", term.proc.pid)
        kill(term)
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    ws = reopen_article(art, ann)
    assert [e.text for e in ws.session.aset.entities.values()] == ["Reporting"]
    ws.close()


def test_palette_adjudication(seed_with_gold, tmp_path):
    art, yaml_path = seed_with_gold
    other = other_side(tmp_path, yaml_path, art)
    before = len(store.read(yaml_path).checked().entities)
    term = app([str(art), "--annotations", "ann"], tmp_path)
    try:
        term.type("\x10", pause=0.3)  # ctrl+p
        term.type("audit this article", pause=0.5)
        term.type("\r", pause=0.5)
        term.type(str(other), pause=0.05)
        term.type("\r", pause=0.1)
        term.wait_for("keep gold")
        one_writer(yaml_path, term.proc.pid)  # the adjudication works in the app's workspace
        term.type("2", pause=0.1)  # take the other side: a gold entity goes
        term.wait_for("of 2 open")
        term.type("q", pause=0.1)
        term.wait_for("back from adjudication")
        assert "READ-ONLY" not in term.text()
        tag(term, "Reporting")
        one_writer(yaml_path, term.proc.pid)
        kill(term)
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    ws = reopen_article(art, yaml_path.parent)
    texts = [e.text for e in ws.session.aset.entities.values()]
    assert len(texts) == before and "Reporting" in texts  # one taken away, one tagged
    ws.close()


def test_audit_view(seed_with_gold, tmp_path):
    art, yaml_path = seed_with_gold
    other = other_side(tmp_path, yaml_path, art)
    before = len(store.read(yaml_path).checked().entities)
    term = Terminal([annotator_command(), "audit", str(yaml_path), str(other), "--view"], cwd=tmp_path)
    try:
        term.wait_for("keep gold")
        one_writer(yaml_path, term.proc.pid)
        term.type("2", pause=0.1)
        term.wait_for("of 2 open")
        kill(term)
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    ws = reopen_article(art, yaml_path.parent)
    assert len(ws.session.aset.entities) == before - 1  # from the file or the journal
    ws.close()


def test_suggest_while_the_app_has_the_article_open(tmp_path):
    (tmp_path / "seeds").mkdir()
    art = tmp_path / "seeds" / SEED.name
    shutil.copyfile(SEED, art)
    ann = tmp_path / "ann"
    term = app([str(art), "--annotations", "ann"], tmp_path)
    try:
        tag(term, "Reporting")
        out = subprocess.run(
            [sys.executable, "-m", "annotator", "suggest", str(art), "--with", "rules", "--annotations", str(ann)],
            capture_output=True, text=True, cwd=tmp_path,
        )
        assert out.returncode == 2 and "open in the app" in out.stderr
        one_writer(ann / "sdf-captures-deir-el-zor.yaml", term.proc.pid)  # suggest left lock and journal alone
        kill(term)
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    ws = reopen_article(art, ann)
    assert [e.text for e in ws.session.aset.entities.values()] == ["Reporting"]
    ws.close()
    # With the app gone, suggest writes, through the workspace (lock released after).
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "suggest", str(art), "--with", "rules", "--annotations", str(ann)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert not locking.lock_path(ann / "sdf-captures-deir-el-zor.yaml").exists()
    assert "Reporting" in {e.text for e in store.read(ann / "sdf-captures-deir-el-zor.yaml").checked().entities.values()}


def test_switching_articles_in_a_folder(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"art{i}.txt").write_text(f"Article {i} says Abdi met Qereman in Hasakeh.\n", encoding="utf-8")
    ann = tmp_path / "ann"
    term = app([str(folder), "--annotations", "ann"], tmp_path)
    try:
        tag(term, "Abdi")
        one_writer(ann / "art0.yaml", term.proc.pid)
        term.type(">", pause=0.1)
        term.wait_for("2/3 art1.txt")
        one_writer(ann / "art1.yaml", term.proc.pid)
        assert not locking.lock_path(ann / "art0.yaml").exists() and not journal_path(ann / "art0.yaml").exists()
        tag(term, "Hasakeh")
        one_writer(ann / "art1.yaml", term.proc.pid)
        kill(term)
    finally:
        if term.proc.isalive():
            term.proc.terminate(force=True)
    assert [e.text for e in store.read(ann / "art0.yaml").checked().entities.values()] == ["Abdi"]  # saved on leaving
    ws = reopen_article(folder / "art1.txt", ann)
    assert [e.text for e in ws.session.aset.entities.values()] == ["Hasakeh"]
    ws.close()
