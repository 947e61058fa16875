"""The direct reader for a big file: a section read a piece at a time
(``_PiecedReader``), or the file's bytes decoded a piece at a time (``DirectBytes``),
so that a thread reading it gives way to the UI between pieces (``annotator.pace``).
The tokens, checks and objects are ``direct_reader``'s; the set is the one it
gives for the whole file at once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import AnnotationSet
from ..pace import pause
from . import direct_reader as _dr
from .direct_reader import Decline, DirectFile, _Reader
from .fast_reader import _FAST_BAD

if TYPE_CHECKING:
    from ..schema import Schema

# -- a big file, read a piece at a time ------------------------------------------
#: characters of a section read per piece (about 350 entity lines, 1.5 ms): a
#: key waits for the rest of a piece at most (between two the thread gives way,
#: see ``pace``); 32 KiB cost the load no more CPU than 64 KiB, 16 KiB 7 % more
PIECE = 32 * 1024

#: the bytes that start no character of ``_FAST_BAD`` in UTF-8: tab, newline, the
#: printable ASCII, and every non-ASCII byte but the lead bytes 0xC2 (C1 controls),
#: 0xE2 (LS, PS) and 0xEF (BOM, U+FFFE, U+FFFF). (A surrogate is no valid UTF-8:
#: the strict decode has declined it already.)
_NOT_LEAD = bytes([9, 10, *range(0x20, 0x7F), *(b for b in range(0x80, 0x100) if b not in (0xC2, 0xE2, 0xEF))])
#: the control characters among them: bad wherever they are
_CONTROLS = bytes([*range(0, 9), *range(0x0B, 0x20), 0x7F])
_BAD_AT = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")


def bad_bytes(chunk: bytes) -> bool:
    """``_FAST_BAD.search(chunk.decode())`` for valid UTF-8, on the bytes: deleting
    the bytes that start no bad character (``bytes.translate``, 5 ms a 10 MB, the
    search on the text is 30 ms); a control character left is bad; each lead byte
    left (0xC2, 0xE2, 0xEF) is looked at where it is, found by ``bytes.find``
    (the bad characters are rare, the lead bytes of a few common ones are not:
    ’, —; a regular expression's scan for them, 0.3 s of the 66 MB file's 4 s)."""
    left = chunk.translate(None, _NOT_LEAD)
    if not left:
        return False
    if len(left.translate(None, _CONTROLS)) != len(left):
        return True
    bad_at, find = _BAD_AT.match, chunk.find
    for lead in set(left):
        byte = bytes((lead,))
        i = find(byte)
        while i >= 0:
            if bad_at(chunk, i):
                return True
            i = find(byte, i + 1)
    return False


def _bad_char(text: str) -> bool:
    """``_FAST_BAD.search(text)`` (one character class), a piece at a time."""
    for a in range(0, len(text), 8 * PIECE):
        if _FAST_BAD.search(text, a, a + 8 * PIECE):
            return True
        pause()
    return False


#: bytes searched per C-level call of ``rfind`` (1 ms or so)
FIND_PIECE = 1 << 20


def rfind(raw: bytes, sub: bytes, start: int) -> int:
    """``raw.rfind(sub, start)``, from the end a ``FIND_PIECE`` at a time with a
    ``pause()`` between two (the end of the entities, searched from the file's
    end: one call over 16 MB held the interpreter 10 ms)."""
    hi = len(raw)
    while hi - start > FIND_PIECE:
        lo = hi - FIND_PIECE
        at = raw.rfind(sub, lo, hi)
        if at >= 0:
            return at
        hi = lo + len(sub) - 1  # (an occurrence across ``lo`` is in the next window)
        pause()
    return raw.rfind(sub, start, hi)


class _PiecedReader(_Reader):
    """The direct reader, a big section read ``PIECE`` characters at a time.

    Every C-level call of the column reader takes a whole section (500,000
    entity lines: a second for one ``findall``), which no other thread can
    interrupt. Here a section is cut at line starts (entities, relations) or
    block starts (events, attributions), each piece read by the same code straight into the set's tables, in order (an id twice is
    declined, as in one piece). A file of one piece per section is read as before.
    """

    _piece: tuple[int, int] | None = None

    def section(self, pos: int, key: str, next_key: str | None) -> tuple[int, int]:
        if self._piece is not None:
            return self._piece
        return super().section(pos, key, next_key)

    def cuts(self, start: int, end: int, sep: str) -> list[tuple[int, int]]:
        text = self.text
        out = []
        a = start
        while end - a > PIECE:
            b = text.find(sep, a + PIECE, end)
            if b < 0:
                break
            out.append((a, b + 1))
            a = b + 1
        out.append((a, end))
        return out

    def pieces(self, pos: int, key: str, next_key: str | None, sep: str, aset: AnnotationSet, table: str, run) -> int:
        start, end = super().section(pos, key, next_key)
        cuts = self.cuts(start, end, sep)
        if len(cuts) == 1:
            return run(aset)
        for piece in cuts:
            self._piece = piece
            try:
                run(aset)  # into the set's tables (an id twice, in a piece or across: Decline)
            finally:
                self._piece = None
            pause()
        return end

    def entities(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        read = super().entities
        return self.pieces(pos, "entities", "events", "\n", aset, "entities", lambda s: read(pos, s, article, schema))

    def events(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        read = super().events
        return self.pieces(pos, "events", "attributions", "\n- id: ", aset, "events", lambda s: read(pos, s, article, schema))

    def attributions(self, pos: int, aset: AnnotationSet, article: str | None, schema: Schema | None) -> int:
        read = super().attributions
        return self.pieces(
            pos, "attributions", "relations", "\n- id: ", aset, "attributions", lambda s: read(pos, s, article, schema)
        )

    def relations(self, pos: int, aset: AnnotationSet, schema: Schema | None) -> int:
        read = super().relations
        return self.pieces(pos, "relations", None, "\n", aset, "relations", lambda s: read(pos, s, schema))


class _BytesReader(_PiecedReader):
    """The pieced reader over the file's bytes: each piece decoded when it is read,
    so that the file is never one string (a 66 MB file with one emoji in it is a
    string of 251 MB: four bytes a character). Offsets outside a piece are the
    file's bytes (``self.text`` is the bytes then; a piece's string while it is
    read); the section keys are ASCII, a piece is cut at a newline."""

    def section(self, pos: int, key: str, next_key: str | None) -> tuple[int, int]:
        if self._piece is not None:
            return self._piece
        raw = self.text
        k = key.encode()
        if raw.startswith(k + b": []\n", pos):
            return pos + len(k) + 5, pos + len(k) + 5
        if not raw.startswith(k + b":\n", pos):
            raise Decline
        start = pos + len(k) + 2
        if next_key is None:
            return start, len(raw)
        end = rfind(raw, b"\n" + next_key.encode() + b":", start - 1)
        if end < 0:
            raise Decline
        return start, end + 1

    def pieces(self, pos: int, key: str, next_key: str | None, sep: str, aset: AnnotationSet, table: str, run) -> int:
        raw = self.text
        start, end = self.section(pos, key, next_key)
        cuts = []
        a = start
        while end - a > PIECE:
            b = raw.find(sep.encode(), a + PIECE, end)
            if b < 0:
                break
            cuts.append((a, b + 1))
            a = b + 1
        cuts.append((a, end))
        for a, b in cuts:
            chunk = raw[a:b]
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                raise Decline from None  # read again as a whole: the error names the byte
            if bad_bytes(chunk):
                raise Decline
            self.text, self._piece = text, (0, len(text))
            try:
                run(aset)  # into the set's tables (an id twice, in a piece or across: Decline)
            finally:
                self.text, self._piece = raw, None
            pause()
        return end


class DirectBytes(DirectFile):
    """As ``DirectFile``, from the file's bytes (UTF-8), a piece at a time."""

    __slots__ = ()

    def __init__(self, raw: bytes, source: str):
        cut = raw.find(b"\nentities:")
        if cut < 0:
            raise Decline
        try:
            head = raw[: cut + 1].decode("utf-8")
        except UnicodeDecodeError:
            raise Decline from None
        m = _dr._HEADER.match(head)
        if m is None or m.end() != len(head) or _FAST_BAD.search(head):
            raise Decline
        r = _BytesReader(raw, source)  # type: ignore[arg-type]
        _dr.take_header(r, m)
        r.body = cut + 1
        self._reader = r
        self.path = r.path
