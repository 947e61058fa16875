"""A big file is read a piece at a time, so that a thread reading it gives way
to the UI (annotator.pace): the same set as in one piece (every table in the same
order, every annotation equal), the same sha256, the same decoded text, the same
error for a bad byte."""

import hashlib
import sys
from pathlib import Path

import pytest

from annotator import pace
from annotator.schema import default_schema
from annotator.store import direct_reader, files, reader
from annotator.store.writer import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from gen import make_annotations, make_article  # noqa: E402


def tables(aset):
    return [list(t.items()) for t in (aset.entities, aset.events, aset.attributions, aset.relations)]


@pytest.fixture(scope="module")
def big():
    text = make_article(30_000, seed=3)
    aset = make_annotations(text, 400, seed=3, n_events=60, n_attributions=60, n_relations=30)
    return text, dumps(aset)


@pytest.mark.parametrize("piece", [200, 1000, 5000])
def test_pieces_read_the_same_set(big, monkeypatch, piece):
    article, yaml_text = big
    whole = direct_reader.direct_read(yaml_text, "f", article, None, default_schema())
    monkeypatch.setattr(direct_reader, "PIECE", piece)
    calls = []
    pace.set_hook(lambda: calls.append(1))
    try:
        import threading

        got = []
        t = threading.Thread(target=lambda: got.append(direct_reader.direct_read(yaml_text, "f", article, None, default_schema())))
        t.start()
        t.join()
    finally:
        pace.set_hook(None)
    assert tables(got[0]) == tables(whole)
    for a, b in zip(tables(got[0]), tables(whole)):
        assert [x.attrs for _, x in a] == [y.attrs for _, y in b]
    assert len(calls) > 10  # it gave way between pieces


def test_an_id_twice_in_two_pieces_is_declined(big, monkeypatch):
    article, yaml_text = big
    lines = yaml_text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("- {id: T"))
    last = max(i for i, line in enumerate(lines) if line.startswith("- {id: T"))
    ident = lines[first].split(",")[0]
    lines[last] = ident + "," + lines[last].split(",", 1)[1]
    monkeypatch.setattr(direct_reader, "PIECE", 500)
    with pytest.raises(direct_reader.Decline):
        direct_reader.direct_read("\n".join(lines), "f", None, None, None)


def test_sha256_and_decoding_in_pieces(monkeypatch):
    monkeypatch.setattr(reader, "_SHA_PIECE", 5)
    monkeypatch.setattr(files, "_DECODE_PIECE", 7)
    for text in ["", "abc", "ééé€€𝄞𝄞 x" * 13, "a\ud800b\udfffc" * 9, "𝄞" * 40]:
        raw = text.encode("utf-8", "surrogatepass")
        assert reader._sha256(text) == hashlib.sha256(raw).hexdigest()
        if "\ud800" not in text:
            assert files._decode_in_pieces(raw) == text


def test_a_bad_byte_is_named_at_its_place_in_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "_DECODE_PIECE", 7)
    p = tmp_path / "a.yaml"
    p.write_bytes("format: annotator/1 ééé".encode() + b"\xff" + b"x" * 40)
    with pytest.raises(Exception) as err:
        files.read_yaml_text(p)
    assert "bad byte at byte 26" in str(err.value)
