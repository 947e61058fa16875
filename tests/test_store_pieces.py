"""A big file is read a piece at a time, so that a thread reading it gives way
to the UI (annotator.pace): the same set as in one piece (every table in the same
order, every annotation equal), the same sha256, the same decoded text, the same
error for a bad byte."""

import hashlib
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator import pace
from annotator.schema import default_schema
from annotator.store import direct_bytes, direct_reader, reader
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
    monkeypatch.setattr(direct_bytes, "PIECE", piece)
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
    monkeypatch.setattr(direct_bytes, "PIECE", 500)
    with pytest.raises(direct_reader.Decline):
        direct_reader.direct_read("\n".join(lines), "f", None, None, None)


def test_sha256_in_pieces(monkeypatch):
    monkeypatch.setattr(reader, "_SHA_PIECE", 5)
    for text in ["", "abc", "ééé€€𝄞𝄞 x" * 13, "a\ud800b\udfffc" * 9, "𝄞" * 40]:
        raw = text.encode("utf-8", "surrogatepass")
        assert reader._sha256(text) == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("piece", [300, 10**9])
def test_a_big_file_is_read_from_its_bytes_as_from_its_text(big, tmp_path, monkeypatch, piece):
    from annotator.articles import read_article
    from annotator.store import read

    article, yaml_text = big
    (tmp_path / "a.txt").write_text(article, encoding="utf-8")
    doc = read_article(tmp_path / "a.txt")
    # one character outside the BMP: the text would be a string of four bytes a character
    assert "attrs: {note: check}" in yaml_text
    yaml_text = yaml_text.replace("attrs: {note: check}", 'attrs: {note: "check \U0001f642"}', 1)
    p = tmp_path / "a.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    want = read(p, article=doc, schema=default_schema(), editing=True)
    monkeypatch.setattr(reader, "BYTES_FROM", 0)
    monkeypatch.setattr(direct_bytes, "PIECE", piece)
    seen = []
    monkeypatch.setattr(reader, "DirectBytes", lambda raw, where: seen.append(1) or direct_reader.DirectBytes(raw, where))
    got = read(p, article=doc, schema=default_schema(), editing=True)
    assert seen and got.ok and want.ok
    assert tables(got.aset) == tables(want.aset)
    assert got.aset.document == want.aset.document
    assert got.sha256 == want.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert got.notes == want.notes
    raw = p.read_bytes()
    direct = direct_reader.DirectBytes(raw, "f").build(doc.text, doc.sha256, default_schema())
    assert tables(direct) == tables(want.aset)
    assert any(a.attrs.get("note") == "check \U0001f642" for a in direct.entities.values())


def test_a_big_file_with_a_problem_is_read_the_general_way(big, tmp_path, monkeypatch):
    from annotator.store import read

    article, yaml_text = big
    p = tmp_path / "a.yaml"
    p.write_text(yaml_text.replace("label: ", "label: NOPE", 1), encoding="utf-8")
    want = read(p, article=article, schema=default_schema())
    monkeypatch.setattr(reader, "BYTES_FROM", 0)
    monkeypatch.setattr(direct_bytes, "PIECE", 300)
    got = read(p, article=article, schema=default_schema())
    assert not want.ok and list(map(str, got.problems)) == list(map(str, want.problems))
    p.write_bytes(p.read_bytes()[:100] + b"\xff" + p.read_bytes()[100:])
    got = read(p, article=article, schema=default_schema())
    assert [x.message for x in got.problems] == ["is not UTF-8 text (bad byte at byte 100)"]


def test_a_failing_hook_does_not_fail_the_work():
    import threading

    def bad():
        raise ValueError("boom")

    pace.set_hook(bad)
    try:
        done = []
        t = threading.Thread(target=lambda: (pace.pause(), done.append(1)))
        t.start()
        t.join()
        assert done == [1]
    finally:
        pace.set_hook(None)


def test_the_piece_reader_names_stay_importable_from_direct_reader():
    from annotator.store.direct_reader import PIECE, DirectBytes, _PiecedReader  # noqa: F401

    assert direct_reader.DirectBytes is direct_bytes.DirectBytes
    assert direct_reader._PiecedReader is direct_bytes._PiecedReader
    assert reader.DirectBytes is direct_bytes.DirectBytes


_CHARS = "a\t\n é’—ل\x00\x08\x0b\x0c\r\x1f\x7f\x80\x9f\xa0\u2027\u2028\u2029\u202a\ufeff\ufffd\ufffe\uffff\U0001f600"


@given(st.text(alphabet=_CHARS, max_size=40))
def test_bad_bytes_is_the_fast_readers_search_on_the_text(text):
    from annotator.store.fast_reader import _FAST_BAD

    assert direct_bytes.bad_bytes(text.encode("utf-8")) == bool(_FAST_BAD.search(text))


@given(st.text(max_size=40))
def test_bad_bytes_on_any_text(text):
    from annotator.store.fast_reader import _FAST_BAD

    raw = text.encode("utf-8", "surrogatepass")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # declined before: see _BytesReader.pieces
    assert direct_bytes.bad_bytes(raw) == bool(_FAST_BAD.search(text))


def test_bad_bytes_past_many_harmless_lead_bytes():
    # ’ — “ ” (lead byte 0xE2), é, non-breaking space (0xC2 0xA0), U+FFFD (0xEF):
    # a piece full of them, the bad character last, first, or not there
    fine = "it’s — “so” é\xa0\ufffd " * 300
    for bad in ("\u2028", "\u2029", "\x85", "\ufeff", "\ufffe", "\uffff", "\x00", "\r", "\x7f"):
        for text in (fine + bad, bad + fine, fine[:500] + bad + fine[500:]):
            assert direct_bytes.bad_bytes(text.encode("utf-8"))
    assert not direct_bytes.bad_bytes(fine.encode("utf-8"))
    assert not direct_bytes.bad_bytes(("plain ascii\tand\n" * 100).encode("utf-8"))


@given(
    st.binary(max_size=60).map(lambda b: bytes(b"ab\n:"[x % 4] for x in b)),
    st.sampled_from([b"\na:", b"a", b"\n", b"ab:", b"\nab:"]),
    st.integers(0, 62),
    st.integers(4, 9),
)
def test_rfind_in_pieces_is_rfind(raw, sub, start, piece):
    old = direct_bytes.FIND_PIECE
    direct_bytes.FIND_PIECE = piece
    try:
        assert direct_bytes.rfind(raw, sub, start) == raw.rfind(sub, start)
    finally:
        direct_bytes.FIND_PIECE = old


def test_refs_checked_a_piece_at_a_time(big, monkeypatch):
    article, yaml_text = big
    whole = direct_reader.direct_read(yaml_text, "f", article, None, default_schema())
    monkeypatch.setattr(direct_reader, "REFS_PIECE", 3)
    monkeypatch.setattr(direct_bytes, "FIND_PIECE", 64)
    assert tables(direct_reader.DirectBytes(yaml_text.encode(), "f").build(article, None, default_schema())) == tables(whole)
    # a ref to no annotation, in the last piece of refs: declined
    lines = yaml_text.split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("- {id: R"))
    head, arg2 = lines[last].split(", arg2: ", 1)
    lines[last] = head + ", arg2: NOWHERE, " + arg2.split(", ", 1)[1]
    with pytest.raises(direct_reader.Decline):
        direct_reader.direct_read("\n".join(lines), "f", None, None, None)


def test_a_save_in_a_thread_gives_way_between_pieces_and_writes_the_same(big):
    """``dumps`` in a thread calls ``pace.pause`` between pieces of entity lines;
    the text is the same as in one piece."""
    import threading

    from annotator.store import writer

    article, yaml_text = big
    aset = direct_reader.direct_read(yaml_text, "f", article, None, default_schema())
    whole = writer.dumps(aset)
    calls = []
    pace.set_hook(lambda: calls.append(1))
    saved = writer._LINES_PIECE
    writer._LINES_PIECE = 50
    try:
        got = []
        t = threading.Thread(target=lambda: got.append(writer.dumps(aset)))
        t.start()
        t.join()
    finally:
        pace.set_hook(None)
        writer._LINES_PIECE = saved
    assert got == [whole] == [yaml_text]
    assert len(calls) >= len(aset.entities) // 50 - 1
