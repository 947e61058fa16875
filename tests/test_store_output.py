"""Files the user names (export -o, import's texts and schemas) are written all
or nothing, and any OS error is one line and exit 2, never a traceback."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.errors import InputError
from annotator.store import atomic_output, write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
GOLD = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"


@pytest.fixture
def gold(tmp_path) -> Path:
    """The seed and its gold, copied: the gold's document.path finds the article."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "annotations").mkdir()
    shutil.copyfile(SEED, tmp_path / "seeds" / SEED.name)
    shutil.copyfile(GOLD, tmp_path / "annotations" / GOLD.name)
    return tmp_path / "annotations" / GOLD.name


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("fmt", ["conll", "jsonl", "doccano", "labelstudio"])
def test_export_into_proc_is_one_line_and_exit_2(gold, capsys, fmt):
    assert main(["export", "--to", fmt, str(gold), "-o", f"/proc/x.{fmt}"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"annotator: /proc/x.{fmt}: cannot write")


def test_export_where_the_parent_is_a_file(gold, tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder\n")
    out = blocker / "x.conll"
    assert main(["export", "--to", "conll", str(gold), "-o", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line == f"annotator: {out}: cannot write: {blocker} is a file, not a folder"
    assert blocker.read_text() == "a file, not a folder\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_export_into_a_read_only_folder(gold, tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.conll").write_text("old\n")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert main(["export", "--to", "conll", str(gold), "-o", str(folder / "x.conll")]) == 2
    finally:
        folder.chmod(0o755)
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"annotator: {folder / 'x.conll'}: cannot write: Permission denied")
    assert (folder / "x.conll").read_text() == "old\n"


def test_export_refused_by_the_folder_keeps_the_old_file(gold, tmp_path, capsys, monkeypatch):
    """A folder that refuses new files (read-only, as root sees it too): the OS
    says EACCES when the temporary file is created."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "x.conll"
    target.write_text("old\n")
    real_open = os.open

    def refuse(path, flags, *args, **kw):
        if Path(path).parent == folder and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", refuse)
    assert main(["export", "--to", "conll", str(gold), "-o", str(target)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line == f"annotator: {target}: cannot write: Permission denied (is the folder {folder} writable?)"
    assert target.read_text() == "old\n" and _leftovers(folder) == []


def test_export_failing_midway_leaves_the_old_file_and_no_temporary(gold, tmp_path, capsys, monkeypatch):
    """Reading stops at the second file (an error that is not a bad file's): the
    export stops with its line, and the output file is still the one from before
    (not half an export)."""
    from annotator import store
    from annotator.errors import InputError

    second = gold.parent / "zz-second.yaml"
    second.write_text(gold.read_text())
    read_sets = store.read_sets

    def failing(paths, *a, **kw):
        if str(paths[0]) == str(second):
            raise InputError(str(second), "cannot read: Input/output error")
        return read_sets(paths, *a, **kw)

    monkeypatch.setattr(store, "read_sets", failing)
    out = tmp_path / "out.conll"
    out.write_text("before\n")
    assert main(["export", "--to", "conll", str(gold.parent), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{second}:" in err and "Traceback" not in err
    assert out.read_text() == "before\n" and _leftovers(tmp_path) == []


def test_export_leaves_out_a_broken_file_and_writes_the_rest(gold, tmp_path, capsys):
    """The batch rule: the broken file is one line, the others are exported, exit 2."""
    broken = gold.parent / "zz-broken.yaml"
    broken.write_text(gold.read_text().replace("label: PER", "label: 7", 1))
    out = tmp_path / "out.conll"
    out.write_text("before\n")
    assert main(["export", "--to", "conll", str(gold.parent), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    line = captured.err.strip().splitlines()[0]  # (then the line of what conll cannot carry)
    assert line.startswith(f"annotator: {broken}:") and "label" in line
    assert "exported 1 articles" in captured.out and "1 file left out" in captured.out
    assert out.read_text() != "before\n" and "Orhan" in out.read_text() and _leftovers(tmp_path) == []


def test_write_text_atomic_replaces_whole_and_keeps_the_mode(tmp_path):
    target = tmp_path / "settings.yaml"
    write_text_atomic(target, "one: 1\n")
    target.chmod(0o600)
    write_text_atomic(target, b"two: 2\n")
    assert target.read_bytes() == b"two: 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_write_text_atomic_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        write_text_atomic(tmp_path / "missing" / "x.txt", "x")
    write_text_atomic(tmp_path / "made" / "x.txt", "x", make_folder=True)
    assert (tmp_path / "made" / "x.txt").read_text() == "x"
    with pytest.raises(InputError, match="is a folder"):
        write_text_atomic(tmp_path / "made", "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="is a file, not a folder") as err:
        write_text_atomic(tmp_path / "file" / "sub" / "x.txt", "x", make_folder=True)
    assert "\n" not in str(err.value)


def test_atomic_output_leaves_the_target_alone_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(ZeroDivisionError):
        with atomic_output(target) as fh:
            fh.write("half of it\n")
            1 / 0
    assert target.read_text() == "old\n" and _leftovers(tmp_path) == []
