"""The direct reader for a big file: a section read a piece at a time
(``_PiecedReader``), or the file's bytes decoded a piece at a time (``DirectBytes``),
so that a thread reading it gives way to the UI between pieces (``annotator.pace``).
The tokens and their checks are ``direct_tokens``', the objects ``direct_reader``'s; the set is the one it
gives for the whole file at once.
"""

from __future__ import annotations

import marshal
import re
import struct
from array import array
from itertools import islice, repeat
from time import perf_counter
from typing import TYPE_CHECKING

from ..columns import Numbers, PartNumbers
from ..forked import Forked, Streamed, spare_core
from ..model import NO_ATTRS, AnnotationSet
from ..pace import chunks, pause, sharing
from . import direct_reader as _dr
from . import direct_tokens as _dt
from .direct_reader import Decline, DirectFile, _Reader
from .fast_reader import _FAST_BAD

if TYPE_CHECKING:
    from ..schema import Schema

# -- a big file, read a piece at a time ------------------------------------------
#: characters of a section read per piece (about 350 entity lines, 1.5 ms): a
#: key waits for the rest of a piece at most (between two the thread gives way,
#: see ``pace``); 32 KiB cost the load no more CPU than 64 KiB, 16 KiB 7 % more
PIECE = 32 * 1024

#: a big file's entities read beside the rest by a forked worker from this many
#: pieces on (16 MB, 100,000 entities or so: the fork and the worker's start cost
#: some 20 ms, and this process may wait for a worker slowed by a busy machine;
#: the 4.6 MB file of 50,000 entities read 0.22 s wall alone, 0.29 s beside one),
#: when there is a core to spare (``forked.spare_core``)
WORKER_PIECES = 512
#: the share of the entities' pieces the worker reads: this process reads the
#: rest, the other sections and makes the worker's entities from its columns
WORKER_SHARE = 0.7
#: a worker also while a thread shares the interpreter with the app's UI (the
#: first article's load): off, as measured in the pseudo-terminal with keys pressed
#: meanwhile (bench_loading.py, 2 busy cores): loaded 5.4 -> 4.3 s, process CPU
#: 5.3 -> 4.2 s, but a key's p95 12 -> 26 ms (likely: the UI's pages copied on write after
#: the fork, a core less for the UI): past the 16 ms a key may wait
WORKER_BESIDE_UI = False
#: the worker's niceness (0: outside the app nobody waits for keys, and a worker
#: slowed down is waited for)
WORKER_NICE = 0

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
        self._entity_args = (article, schema)  # (for a worker: see _BytesReader)
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

    _worker: tuple | None = None  # (the Forked, its cuts, the run of a piece): see ``pieces``

    #: the pieces' columns read ahead by a worker forked before the app started
    #: (``store.ahead``): a ``Streamed`` sending ``ahead_read``'s parts
    ahead: Streamed | None = None
    #: sha256 of the file's bytes (``ahead_read`` sends the one it read first)
    sha_of_bytes: bytes = b""
    _tag = 0  # the next piece's tag (``ahead_read``'s: the pieces of its sections in order, from 1)
    _held: tuple | None = None  # a part sent for a later piece than the one asked for
    _from_worker = True  # was the last piece the worker's? (then its next one is waited for)
    _limit = 1 << 62  # the first piece whose columns were read here from the end (``steal_back``)
    _plan: list = []  # the pieces not read from the end yet (``ahead_plan``)
    _worker_at = 0  # the last piece the worker sent

    def cut(self, start: int, end: int, sep: str) -> list[tuple[int, int]]:
        """The pieces of ``start:end``: ``PIECE`` bytes or so each, cut after ``sep``."""
        raw, s = self.text, sep.encode()
        cuts = []
        a = start
        while end - a > PIECE:
            b = raw.find(s, a + PIECE, end)
            if b < 0:
                break
            cuts.append((a, b + 1))
            a = b + 1
        cuts.append((a, end))
        return cuts

    def pieces(self, pos: int, key: str, next_key: str | None, sep: str, aset: AnnotationSet, table: str, run) -> int:
        start, end = self.section(pos, key, next_key)
        cuts = self.cut(start, end, sep)
        if self.ahead is not None and table in AHEAD_SECTIONS:
            self.take_ahead(table, cuts, aset, run)
            return end
        if table == "entities" and len(cuts) >= WORKER_PIECES and (WORKER_BESIDE_UI or not sharing()) and spare_core():
            cut = len(cuts) - int(len(cuts) * WORKER_SHARE)
            cuts, theirs = cuts[:cut], cuts[cut:]
            article, schema = self._entity_args
            self._worker = (Forked(lambda: self.worker_entities(theirs, article, schema), here=lambda: None, raw=True, nice=WORKER_NICE), theirs, run)
        self.run_pieces(cuts, aset, run)
        return end

    def run_pieces(self, cuts: list[tuple[int, int]], aset: AnnotationSet, run) -> None:
        raw = self.text
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

    # -- the last entities, read beside the rest by a forked worker ---------------
    # A big file's entities are most of its cost (500,000 lines: 2 s of 3.5).
    # With a core to spare, a worker (``forked.Forked``) reads the last
    # ``WORKER_SHARE`` of their pieces into plain columns (``entity_columns``:
    # every token read and checked as here) and sends them back by ``marshal``,
    # while this process reads the other pieces, the events, attributions and
    # relations; then the worker's columns are made into entities, after the
    # others (the table in the file's order). A piece the worker declines, or a
    # worker that fails, is read here instead: the same set or the same Decline.

    def worker_entities(self, cuts: list[tuple[int, int]], article: str | None, schema) -> bytes:
        """In the worker: the columns of each piece, marshalled (``Decline``: none)."""
        raw = self.text
        label = self.label_of(schema)
        out = []
        for a, b in cuts:
            chunk = raw[a:b]
            if bad_bytes(chunk):
                raise Decline
            self.text = chunk.decode("utf-8")
            try:
                rows = self.lines(_dt._ENTITY_LINE, 0, len(self.text))
            finally:
                self.text = raw
            if not rows:
                raise Decline  # (a piece is never empty)
            out.append(_encode(self.entity_columns(rows, article, label)))
        # the count, each piece's length, the pieces: read back without a copy
        return struct.pack(f"<{len(out) + 1}Q", len(out), *map(len, out)) + b"".join(out)

    def last_entities(self, aset: AnnotationSet) -> None:
        if self._worker is None:
            return
        worker, cuts, run = self._worker
        self._worker = None
        before = len(aset.entities)
        got = worker.result()  # None: the worker failed
        blobs = None
        if got is not None and len(got) >= 8 and struct.unpack_from("<Q", got)[0] == len(cuts):
            sizes = struct.unpack_from(f"<{len(cuts)}Q", got, 8)
            at = 8 * (len(cuts) + 1)
            if at + sum(sizes) == len(got):
                blobs = []
                for size in sizes:
                    blobs.append((at, at + size))
                    at += size
        if blobs is None or len(blobs) != len(cuts):  # (``result`` gives None when the worker failed)
            self.run_pieces(cuts, aset, run)
            # read after the other sections: an id of theirs an entity's was not seen then
            if not self.disjoint_since(aset, before):
                raise Decline
        else:
            ids = self.ids
            view = memoryview(got)
            for a, b in blobs:
                cols = _decode(view[a:b])
                if not ids.isdisjoint(cols[1]):  # an entity's id an event's, attribution's or relation's
                    raise Decline
                self.put_entities(aset, cols)
                pause()
        pause()

    # -- the pieces read ahead by a worker forked before the app -----------------
    # ``ahead_read`` (in that worker) sends the columns of each piece of the
    # entities, events and attributions (``piece_columns``) as it reads them,
    # after the sha256 of the bytes it read; here each piece is made from its
    # columns, in the file's order, into the set's tables (the ids checked new,
    # the refs noted: ``put_entities``, ``put_events``, ``put_attributions``, as
    # when read here). While the worker's next piece is not there, this thread
    # reads the columns of the last pieces itself (from the end: the worker
    # stops before them), made when their turn comes: the two meet in the
    # middle, neither waits. A piece without columns (small or empty: read the
    # rows' way; declined; the worker failed or lags behind) is read here when
    # its turn comes, by the code that reads it without a worker: the same set,
    # or the same Decline.

    def piece_columns(self, key: str, a: int, b: int, how: tuple, sent: bool = False) -> list | None:
        """The columns of the piece ``a:b`` of section ``key`` (None: read it the rows'
        way, ``SMALL`` items or fewer); raises as reading it does. ``how``: ``_how``'s.
        ``sent``: for ``_encode`` (the entities' fragments left to their numbers, as
        it sends them: see ``span_columns``)."""
        raw = self.text
        chunk = raw[a:b]
        if bad_bytes(chunk):
            raise Decline
        self.text = text = chunk.decode("utf-8")
        article, schema, label, event_type, atype = how
        try:
            if key == "entities":
                rows = self.lines(_dt._ENTITY_LINE, 0, len(text))
                if len(rows) <= _dr.SMALL:
                    return None
                return self.entity_columns(rows, article, label, numbers=True, sent=sent)  # (the marks index's and rows': see columns)
            if key == "events":
                rows = self.blocks(_dt._EVENT, 0, len(text))
                return self.event_columns(rows, article, event_type, schema, True, sent) if len(rows) > _dr.SMALL else None
            rows = self.blocks(_dt._ATTRIBUTION, 0, len(text))
            return self.attribution_columns(rows, article, atype, True) if len(rows) > _dr.SMALL else None
        finally:
            self.text = raw

    def how(self, article: str | None, schema: Schema | None) -> tuple:
        return article, schema, self.label_of(schema), self.event_type_of(schema), self.atype_of(schema)

    def ahead_plan(self) -> list[tuple[int, str, tuple[int, int]]]:
        """(tag, section, cut) of every piece of the entities, events and attributions,
        as ``ahead_read`` tags them (from 1); the sections found (a section not there:
        the reader finds it when it comes to it, the worker stops there)."""
        plan = []
        pos, tag = self.body, 1
        for key, next_key, sep in AHEAD_CUTS:
            try:
                start, pos = self.section(pos, key, next_key)
            except Decline:
                break
            for cut in self.cut(start, pos, sep):
                plan.append((tag, key, cut))
                tag += 1
        return plan

    def take_ahead(self, table: str, cuts: list[tuple[int, int]], aset: AnnotationSet, run) -> None:
        s = self.ahead
        assert s is not None
        if self._tag == 0:  # the first section: the worker read these very bytes?
            got = s.next(AHEAD_SHA_WAIT)
            same = type(got) is tuple and got[0] == 0 and got[1] == self.sha_of_bytes
            if type(got) is tuple:
                got[1].release()
            if not same:
                self.cancel_worker()  # (another file's, or none yet: all read here)
                self.run_pieces(cuts, aset, run)
                return
            self._tag = 1
            self._plan = self.ahead_plan()
            self._how = self.how(*self._entity_args)
            self._back = {}
            self._pieces = len(self._plan)
            self._times = [0.0, 0, 0.0, 0]  # wall seconds and count: the pieces made, read from the end
        put = getattr(self, f"put_{table}")
        for cut in cuts:
            tag = self._tag
            self._tag = tag + 1
            if tag >= self._limit:  # its columns read here from the end
                cols = self._back.pop(tag, None)
            else:
                view = self.ahead_part(tag)
                cols = _decode(view) if view is not None else None
                if view is not None:
                    view.release()
            if cols is None:
                self.run_pieces([cut], aset, run)
                continue
            t0 = perf_counter()
            put(aset, cols)
            times = self._times
            times[0] += perf_counter() - t0
            times[1] += 1
            pause()
        if table == AHEAD_SECTIONS[-1]:
            self.cancel_worker()  # (all its pieces taken)

    def steal_back(self, tag: int) -> bool:
        """Read the columns of the last piece not read yet, if after ``tag`` (the worker
        stops before it); None for them when it is not read that way (read at its turn)."""
        plan = self._plan
        if not plan or plan[-1][0] <= tag:
            return False
        # (only while the worker is behind: then both end at the same time)
        if AHEAD_BACK is not None:
            if not AHEAD_BACK:
                return False
        elif not self.behind(tag):
            return False
        s = self.ahead
        assert s is not None
        back, key, (a, b) = plan.pop()
        self._limit = back
        s.stop_at(back)
        t0 = perf_counter()
        try:
            self._back[back] = self.piece_columns(key, a, b, self._how)
        except Exception:  # (read at its turn: the same error then, if it comes to it)
            self._back[back] = None
        self._times[2] += perf_counter() - t0
        self._times[3] += 1
        pause()
        return True

    def behind(self, tag: int) -> bool:
        """Will the worker's share left take longer than this thread's (each piece
        made, from ``tag`` on, and one more read)? (Then one more is read here.)"""
        made, n_made, read, n_read = self._times
        per_made = made / n_made if n_made else 0.0006
        per_read = read / n_read if n_read else 0.0015
        s, at = self.ahead, self._worker_at
        assert s is not None
        per_worker = (perf_counter() - s.started) / max(at, 1)
        return (self._limit - at - 1) * per_worker > (self._pieces - tag + 1) * per_made + per_read

    def ahead_part(self, tag: int) -> memoryview | None:
        """The worker's columns of piece ``tag``, or None: read it here (the worker
        is told to go past it when it lags behind)."""
        s = self.ahead
        if s is None:
            return None
        held = self._held
        if held is not None:
            if held[0] > tag:
                s.skip(tag + 1)
                return None
            self._held = None
            if held[0] == tag:
                return held[1] if len(held[1]) else None
        while True:
            got = s.next(0)
            if got is s.WAIT:
                if self.steal_back(tag):
                    continue
                got = s.next(AHEAD_WAIT if self._from_worker else 0)
            if got is s.END:
                return None
            if got is s.WAIT:
                self._from_worker = False
                s.skip(tag + 1)  # (read here: the worker goes on after it)
                return None
            t, view = got
            self._worker_at = t
            if t < tag:  # (read here meanwhile)
                view.release()
                continue
            if t > tag:  # (the worker went past: those before it are read here)
                self._held = got
                s.skip(tag + 1)
                return None
            self._from_worker = True
            if not len(view):  # (the worker leaves this one to be read here)
                return None
            return view

    def disjoint_since(self, aset: AnnotationSet, before: int) -> bool:
        """No entity of the table from ``before`` on has the id of an event, attribution
        or relation (read after them): ``CHUNK`` ids a C-level call, a pause between
        two (500,000 at once held the interpreter 30 ms)."""
        ids = self.ids
        for part in chunks(islice(aset.entities, before, None)):
            if not ids.isdisjoint(part):
                return False
        return True

    def cancel_worker(self) -> None:
        if self._worker is not None:
            self._worker[0].cancel()
            self._worker = None
        if self._held is not None:
            self._held[1].release()
            self._held = None
        # (``_how``'s checks hold this reader: no cycle left for a collector that is off)
        self._how = self._plan = self._back = None  # type: ignore[assignment]
        if self.ahead is not None:  # (done, or declined)
            self.ahead.cancel()
            self.ahead = None

    def build(self, article, article_sha, schema) -> AnnotationSet:
        try:
            return super().build(article, article_sha, schema)
        finally:
            self.cancel_worker()  # (after a Decline, when the worker's entities were not taken)


#: the sections whose pieces a worker forked before the app reads ahead (``ahead_read``)
AHEAD_SECTIONS = ("entities", "events", "attributions")
#: (section, next section, where its pieces are cut) of those
AHEAD_CUTS = (("entities", "events", "\n"), ("events", "attributions", "\n- id: "), ("attributions", "relations", "\n- id: "))
#: seconds the reader waits for the worker's next piece when it sent the last
#: one (some four pieces' time); when none came, the pieces are read here until
#: the worker's are there again, without waiting (a worker slowed by busy cores)
AHEAD_WAIT = 0.005
#: seconds the reader waits for the worker's first part (the sha256 of the bytes it read)
AHEAD_SHA_WAIT = 0.5
#: the pieces' columns read here from the end while the worker's next piece is not
#: there: None, while the worker is behind (``behind``); True: always; False: never
AHEAD_BACK: bool | None = None
#: pieces a worker lagging behind the reader skips past the reader's (so that they
#: do not read the same piece: the reader reads these meanwhile)
AHEAD_JUMP = 8


def _encode(cols: list) -> bytes:
    """A piece's columns (``entity_columns``, ``event_columns``, ``attribution_columns``)
    as plain data, marshalled: a ``repeat`` as a tuple of its value, another tuple
    as a list; the column of attrs None when all are NO_ATTRS, else None for each;
    then the entities' or events' ``Numbers`` (as a tuple; None when the columns end
    with their attrs), and then their fragments are not sent when each has one (made
    again from the numbers: ``_decode``), or the attributions' ``PartNumbers`` (as a
    list of three such tuples)."""
    numbers: tuple | list | None = None
    if type(cols[-1]) is Numbers:
        numbers = tuple(cols[-1])
        cols = cols[:-1]
    elif type(cols[-1]) is PartNumbers:  # (an attribution's: a list of three, each a tuple or None)
        numbers = [None if x is None else tuple(x) for x in cols[-1]]
        cols = cols[:-1]
    *cols, attrs = cols
    out: list = []
    for col in cols:
        t = type(col)
        out.append((next(col),) if t is repeat else list(col) if t is tuple else col)
    if type(numbers) is tuple and numbers[2] is None:
        out[3] = None  # (the fragments: one each, their numbers in ``numbers``)
    out.append(None if type(attrs) is repeat else [None if a is NO_ATTRS else a for a in attrs])
    out.append(numbers)
    return marshal.dumps(out)


def _decode(view: memoryview) -> list:
    """``_encode``'s columns again."""
    cols = marshal.loads(view)
    numbers = cols.pop()
    attrs = cols.pop()
    for i, col in enumerate(cols):
        if type(col) is tuple:
            cols[i] = repeat(col[0])
    parts = None
    if type(numbers) is list:
        parts = PartNumbers(*(None if x is None else Numbers(*x) for x in numbers))
        numbers = None
    if numbers is not None and cols[3] is None:  # one fragment each: ((start, end),)
        starts, ends = array("q"), array("q")
        starts.frombytes(numbers[0])
        ends.frombytes(numbers[1])
        cols[3] = list(zip(zip(starts.tolist(), ends.tolist())))
    cols.append(repeat(NO_ATTRS) if attrs is None else [NO_ATTRS if a is None else a for a in attrs])
    if numbers is not None:
        cols.append(Numbers(*numbers))
    elif parts is not None:
        cols.append(parts)
    return cols


def ahead_read(out, path, article: str | None, schema: Schema | None) -> None:
    """In a worker forked before the app (``store.ahead``): the annotation file at
    ``path`` read, and sent through ``out`` (a ``forked.Streamed`` part each):
    the sha256 of its bytes (tag 0), then the columns of each piece of its
    entities, events and attributions (tags from 1, the pieces ``take_ahead``
    cuts), each read and checked as ``run_pieces`` reads it, but for what needs
    the other sections (the ids new, the refs there: the reader checks those).
    A piece read the rows' way here (``SMALL`` items or fewer) or empty: no
    columns (the reader reads it). The first piece it declines (or anything else
    going wrong) ends it: the reader reads the rest, and finds the same."""
    from pathlib import Path

    from ..digest import sha256
    from .files import read_yaml_bytes

    raw = read_yaml_bytes(Path(path))
    out.send(0, sha256(raw, big=True).digest())  # (as store.read hashes the bytes it reads)
    r = DirectBytes(raw, str(path))._reader
    how = r.how(article, schema)
    resume = 1
    for tag, key, (a, b) in r.ahead_plan():
        if tag >= out.limit():  # the reader reads it, and those after it
            return
        if tag < resume:
            continue
        skipped = out.skipped()
        if tag < skipped:  # the reader read it (and the next ones, likely): go past it
            resume = skipped + AHEAD_JUMP
            continue
        cols = r.piece_columns(key, a, b, how, sent=True)  # (it raises: the reader reads it, and finds it)
        out.send(tag, b"" if cols is None else _encode(cols))


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
        m = _dt._HEADER.match(head)
        if m is None or m.end() != len(head) or _FAST_BAD.search(head):
            raise Decline
        r = _BytesReader(raw, source)  # type: ignore[arg-type]
        _dr.take_header(r, m)
        r.body = cut + 1
        self._reader = r
        self.path = r.path
