"""agree and merge with a forked worker (``audit.Forked``) give what they give without one."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.commands import agree as agree_cmd
from annotator.commands import audit
from annotator.commands import merge as merge_cmd
from annotator.errors import InputError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    from bench_agree import generate

    root = tmp_path_factory.mktemp("corpus")
    return root, [str(d) for d in generate(root, 14, 3, 20, 7)]


@pytest.fixture
def corpus(clean, tmp_path):
    """The corpus with two refusals: a broken file, an annotator on another text."""
    root = tmp_path / "broken"
    shutil.copytree(clean[0], root)
    dirs = [root / Path(d).name for d in clean[1]]
    (dirs[1] / "a0003.yaml").write_text("format: annotator/1\nentities: [\n", encoding="utf-8")
    other = (dirs[2] / "a0009.yaml").read_text(encoding="utf-8").replace("a0009.txt", "a0010.txt")
    (dirs[2] / "a0009.yaml").write_text(other, encoding="utf-8")
    return [str(d) for d in dirs]


@pytest.fixture
def forks(monkeypatch):
    """How many ``Forked`` workers were started."""
    started = []
    real = audit.Forked

    def counted(fn):
        started.append(fn)
        return real(fn)

    monkeypatch.setattr(audit, "Forked", counted)
    return started


def _run(argv, fork: bool, capsys, monkeypatch):
    monkeypatch.setattr(audit, "FORK", fork)
    monkeypatch.setattr(merge_cmd, "FORK_MIN_ARTICLES", 1)
    monkeypatch.setattr(agree_cmd, "FORK_MIN_ARTICLES", 1)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def test_merge_with_a_worker_writes_the_same_gold_and_says_the_same(corpus, tmp_path, capsys, monkeypatch, forks):
    got = {}
    for fork in (False, True):
        out_dir = tmp_path / f"gold{int(fork)}"
        out_dir.mkdir()
        (out_dir / "a0005.yaml").write_text("kept\n", encoding="utf-8")  # exists: refused without --force
        code, out, err = _run(["merge", *corpus, "-o", str(out_dir)], fork, capsys, monkeypatch)
        got[fork] = (code, out.replace(str(out_dir), "GOLD"), err.replace(str(out_dir), "GOLD"), _files(out_dir))
    assert got[True] == got[False] and len(forks) == 1
    code, out, err, files = got[False]
    assert code == 2 and "merged 11 of 14 articles" in out
    assert [line.split("; ")[-1] for line in err.splitlines()] == ["a0003 not merged", "a0005 not merged", "a0009 not merged"]
    assert files["a0005.yaml"] == b"kept\n" and len(files) == 12


def test_agree_with_a_worker_prints_the_same(clean, capsys, monkeypatch, forks):
    dirs = clean[1]
    for fmt in ("--json", "--markdown", None):
        argv = ["agree", *dirs, "--resamples", "50", *([fmt] if fmt else [])]
        runs = [_run(argv, fork, capsys, monkeypatch) for fork in (False, True)]
        assert runs[0] == runs[1] and runs[0][0] == 0
    assert len(forks) == 3


def test_a_failing_worker_is_done_again_here():
    def boom():
        raise InputError("x.yaml", "bad")

    with pytest.raises(InputError):
        audit.Forked(boom).result()
    calls = []

    def dies():
        if os.getpid() != parent:
            os._exit(3)  # the worker killed: nothing sent back
        calls.append(1)
        return "here"

    parent = os.getpid()
    assert audit.Forked(dies).result() == "here" and calls == [1]
    assert audit.Forked(lambda: (os.getpid() != parent, [1, 2])).result() == (True, [1, 2])


def test_a_worker_only_with_two_cores_not_all_busy(monkeypatch):
    from annotator.store import many

    monkeypatch.setattr(audit, "FORK", None)
    monkeypatch.setattr(sys, "platform", "linux")
    for cores, load, want in ((2, 0.1, True), (2, 1.9, True), (2, 2.0, False), (2, 4.5, False), (1, 0.0, False), (8, 5.0, True)):
        monkeypatch.setattr(many, "_cores", lambda: cores)
        monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
        assert audit.spare_core() is want
    monkeypatch.setattr(audit, "FORK", False)
    assert audit.spare_core() is False


def test_files_read_beside_a_worker_are_the_files_read_here(corpus, monkeypatch):
    from tests.test_store_direct import same

    paths = sorted(Path(d, n) for d in corpus for n in os.listdir(d))
    here = audit.load_many(paths, workers=1)
    monkeypatch.setattr(audit, "FORK", True)
    monkeypatch.setattr(audit, "FORK_MIN_FILES", 1)
    beside = audit.load_many(paths)
    assert len(here) == len(beside) == 42
    for a, b in zip(here, beside):
        assert type(a) is type(b)
        if isinstance(a, InputError):
            assert a.message == b.message
        else:
            assert same(a, b)
    assert sum(isinstance(x, InputError) for x in here) == 2  # the broken file, the one on another text


def test_a_value_that_cannot_be_pickled_is_made_here():
    parent = os.getpid()
    made = audit.Forked(lambda: (lambda: os.getpid() == parent)).result()  # a lambda: not picklable
    assert made() is True
