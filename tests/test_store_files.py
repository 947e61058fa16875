"""Articles on disk, annotation files beside them, atomic writes."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from annotator import store
from annotator.articles import read_article
from annotator.errors import InputError, ValidationError
from annotator.model import AnnotationSet, Document, Entity, Span

ART = "Orhan Qereman said:\r\nHASAKEH fell.\n"


@pytest.fixture
def article(tmp_path):
    p = tmp_path / "seeds" / "story one.txt"
    p.parent.mkdir()
    p.write_bytes(ART.encode("utf-8"))
    return p


# -- read_article -----------------------------------------------------------------


def test_read_article_keeps_cr_and_hashes_raw_bytes(article):
    doc = read_article(article)
    assert doc.text == ART and "\r" in doc.text
    assert doc.sha256 == hashlib.sha256(article.read_bytes()).hexdigest()
    assert doc.path == str(article)


def test_bom_is_not_part_of_the_text_but_of_the_hash(tmp_path):
    p = tmp_path / "bom.txt"
    raw = b"\xef\xbb\xbfHello"
    p.write_bytes(raw)
    doc = read_article(p)
    assert doc.text == "Hello"
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.txt", None, "no such article file"),
        ("folder", "dir", "is a folder"),
        ("nul.txt", b"abc\x00def", "binary file"),
        ("latin1.txt", "café".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t", "empty"),
        ("bomonly.txt", b"\xef\xbb\xbf", "empty"),
    ],
)
def test_bad_articles_give_one_line_naming_the_file(tmp_path, name, content, message):
    p = tmp_path / name
    if content == "dir":
        p.mkdir()
    elif content is not None:
        p.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_article(p)
    text = info.value.message
    assert text.startswith(str(p) + ": ") and message in text and "\n" not in text


# -- paths and empty sets ------------------------------------------------------------


def test_annotation_path_and_relative_document_path(article, tmp_path):
    yaml_path = store.annotation_path(article, tmp_path / "annotations")
    assert yaml_path == tmp_path / "annotations" / "story one.yaml"
    aset = store.new_set(read_article(article), yaml_path)
    assert aset.document.path == "../seeds/story one.txt"
    assert len(aset) == 0 and aset.document.text == ART


def test_load_for_article_without_a_file_is_empty_and_writes_nothing(article, tmp_path):
    aset = store.read(store.annotation_path(article, tmp_path / "annotations"), article=read_article(article), editing=True).checked()
    assert len(aset) == 0 and aset.document.sha256 == hashlib.sha256(ART.encode()).hexdigest()
    assert not (tmp_path / "annotations").exists()


def test_corrupt_file_raises_and_is_left_alone(article, tmp_path):
    ann = tmp_path / "annotations"
    ann.mkdir()
    yaml_path = ann / "story one.yaml"
    broken = "format: annotator/1\nentities:\n- {id: T1, label: PER, start: 0, end: 5, text: Nope}\n"
    yaml_path.write_text(broken)
    with pytest.raises(ValidationError) as info:
        store.read(store.annotation_path(article, ann), article=read_article(article), editing=True).checked()
    assert info.value.message.startswith(f"{yaml_path}:3: T1: text 'Nope' does not match")
    assert yaml_path.read_text() == broken


def test_save_and_load_file_find_the_article_through_the_relative_path(article, tmp_path):
    yaml_path = tmp_path / "annotations" / "story one.yaml"
    aset = store.new_set(read_article(article), yaml_path)
    aset.entities["T1"] = Entity("T1", "PER", Span.of(ART, 0, 13), by="alice")
    store.save(aset, yaml_path)  # creates the folder
    loaded = store.read(yaml_path).checked()
    assert loaded.same_annotations(aset) and loaded.document.text == ART
    assert store.validate_paths([yaml_path]) == []


def test_load_file_reports_a_missing_article(tmp_path):
    yaml_path = tmp_path / "a.yaml"
    yaml_path.write_text("format: annotator/1\ndocument:\n  path: ../gone.txt\nentities: []\n")
    with pytest.raises(ValidationError) as info:
        store.read(yaml_path).checked()
    assert str(info.value.problems[0]) == f"{yaml_path}:3: article ../gone.txt (relative to this file): no such article file"
    yaml_path.write_text("format: annotator/1\ndocument:\n  length: 3\nentities: []\n")
    (problem,) = store.validate_paths([yaml_path])
    assert "document.path is missing" in problem.message


def test_validate_paths_lists_every_file_and_problem(article, tmp_path):
    ann = tmp_path / "annotations"
    good = ann / "story one.yaml"
    aset = store.new_set(read_article(article), good)
    aset.entities["T1"] = Entity("T1", "PER", Span.of(ART, 0, 5))
    store.save(aset, good)
    bad = ann / "bad.yaml"
    bad.write_text(store.dumps(aset).replace("label: PER", "label: 7").replace("../seeds/story one.txt", "'../seeds/story one.txt'"))
    # header: format, document, path, sha256, length, entities: -> T1 on line 7
    found = store.validate_paths([good, bad, ann / "missing.yaml"])
    assert [str(p) for p in found] == [
        f"{bad}:7: T1: label must be a non-empty string, not 7",
        f"{ann / 'missing.yaml'}: no such file",
    ]
    assert [str(p) for p in store.validate_paths([ann])] == [f"{bad}:7: T1: label must be a non-empty string, not 7"]


# -- atomic writes -----------------------------------------------------------------


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_replaces_and_creates_folders(tmp_path):
    target = tmp_path / "new" / "deeper" / "x.yaml"
    store.write_atomic(target, "one\n")
    assert target.read_text() == "one\n"
    store.write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert leftovers(target.parent) == []


def test_write_atomic_keeps_permissions(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("old")
    os.chmod(target, 0o640)
    store.write_atomic(target, "new")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


@pytest.mark.parametrize("failing", ["replace", "write", "fsync"])
def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "x.yaml"
    target.write_text("old content\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.files.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        store.write_atomic(target, "new content\n" * 1000)
    monkeypatch.undo()
    assert target.read_text() == "old content\n"
    assert leftovers(tmp_path) == []


def test_save_failure_in_dumps_leaves_the_old_file(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("old\n")
    aset = AnnotationSet(Document("abc"))
    aset.entities["T1"] = Entity("T1", "X", Span.of("abc", 0, 1), attrs={"bad": object()})
    with pytest.raises(TypeError):
        store.save(aset, target)
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


def test_unwritable_folder_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "x.yaml"
    target.write_text("old\n")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(store.files.os, "open", refuse)
    with pytest.raises(PermissionError):
        store.write_atomic(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "x.yaml"
    target.write_text("old\n")
    os.chmod(folder, 0o500)
    try:
        with pytest.raises(PermissionError):
            store.write_atomic(target, "new\n")
        assert target.read_text() == "old\n"
    finally:
        os.chmod(folder, 0o700)
    assert leftovers(folder) == []


def test_a_symlinked_file_is_written_through_its_link(tmp_path):
    """A file that is a symbolic link (a shared file linked into a folder): the file
    it names gets the new bytes, atomically beside itself, and the link stays."""
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "a.yaml"
    real.write_text("old\n")
    link = tmp_path / "a.yaml"
    link.symlink_to(real)
    store.write_atomic(link, "ours\n")  # our own files (annotation YAML)
    assert link.is_symlink() and real.read_text() == "ours\n"
    store.write_text_atomic(link, "theirs\n")  # files the user names (export -o)
    assert link.is_symlink() and real.read_text() == "theirs\n"
    assert sorted(p.name for p in shared.iterdir()) == ["a.yaml"]  # no temporary file left


def test_a_pipe_or_device_is_written_in_place(tmp_path):
    """``-o /dev/stdout`` or ``-o >(gzip > x.gz)`` names a pipe or a device: it is
    written into, never replaced by a file (as root, a rename would replace /dev/stdout)."""
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        with store.atomic_output(fifo) as fh:
            fh.write("line one\nline two\n")
        reader.join(10)
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert got == [b"line one\nline two\n"]
    finally:
        if reader.is_alive() and stat.S_ISFIFO(os.stat(fifo).st_mode):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # lets a waiting reader go


def test_dash_is_stdout(capfdbinary, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # (a file named "-" would land here)
    with store.atomic_output("-") as fh:
        fh.write("caf\u00e9\n")
    with store.atomic_output("-", binary=True) as fh:
        fh.write(b"\x00\x01")
    assert capfdbinary.readouterr().out == "caf\u00e9\n".encode() + b"\x00\x01"
    assert list(tmp_path.iterdir()) == []
