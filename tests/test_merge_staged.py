"""``store.files.Staged``, merge's writer: nothing appears until placed, only complete files, leftovers removed."""

from __future__ import annotations

import pytest

from annotator.store.files import Staged


def test_staged_files_appear_only_when_placed_and_a_crash_leaves_only_complete_ones(tmp_path):
    with pytest.raises(RuntimeError):
        with Staged() as staged:
            for k in range(3):
                staged.add(tmp_path / f"a{k}.yaml", f"file {k}\n".encode())
            assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == []
            staged.sync()
            staged.place(tmp_path / "a0.yaml")
            raise RuntimeError("crash mid-way")
    assert [p.name for p in tmp_path.iterdir()] == ["a0.yaml"]  # the others' temporary files removed
    assert (tmp_path / "a0.yaml").read_text() == "file 0\n"


def test_a_dropped_file_leaves_its_target_untouched(tmp_path):
    (tmp_path / "a.yaml").write_text("old\n")
    with Staged() as staged:
        staged.add(tmp_path / "a.yaml", b"new\n")
        staged.add(tmp_path / "b.yaml", b"b\n")
        staged.sync()
        staged.drop(tmp_path / "a.yaml")
        staged.place(tmp_path / "b.yaml")
        staged.sync_folders()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]
    assert (tmp_path / "a.yaml").read_text() == "old\n"
