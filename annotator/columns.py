"""The annotations of the set read last, as the reader's columns.

The direct readers make a big table's entities from columns (all the ids, all
the labels, all the fragments, ...: ``store.direct_reader.put_entities``).
Right after, the app's opening reads the same values back from the objects
three times (the marks index, the counts, the list's rows): for 500,000
entities, an attribute walk over objects spread in memory each time (about
0.5 s in all). The reader notes its columns here (``note``); those steps take
them (``of``) when they describe the table exactly: the same number of entities
and, in order, the very objects made from them (entities are frozen, so
their values are the columns'). Anything else (another set, a table changed
since, rows read one at a time) gets None, and the step reads the objects.

Nothing is noted unless asked for (``want``: the app's opening asks, before it
reads its first article); one set is noted at a time (the last read), and
``forget`` lets go of it and of the wish (the opening, once its steps are done).

Events and attributions are noted the same way, for the same steps, by what those
steps need of them (``note_spans``; ``note_span_objects`` for a few made one at a
time): the numbers of their spans (an event's trigger; an attribution's source,
cue and content), which the marks index and the list's rows take (``spans_of``),
and the ids they link to with the id of each one linking, which the referrers'
index takes (``links_of``). Each describes its table only while it holds the very
objects noted, in order; else the step reads the objects.
"""

from __future__ import annotations

import sys
from array import array
from itertools import chain, compress, islice, repeat
from operator import is_, is_not, itemgetter
from typing import Iterator, NamedTuple

from .lost_marks import LOST
from .pace import CHUNK, drop, pause

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)

#: [id of the entities table, its columns (objects, ids, labels, fragments,
#: statuses), the arrays made of them (``_arrays``), is a span of theirs lost?,
#: the fragments' numbers of each part noted (``Numbers``; None: a part had none),
#: the statuses' codes (``Columns.chunks``: the chunks' bounds and a uint8 array each)]
_noted: list = [None, None, None, False, None, None]


class Numbers(NamedTuple):
    """A piece's fragments as ``_arrays`` wants them, made by whoever read the piece
    (``numbers_of``: in a read-ahead worker, which has no numpy): the bytes of the
    int64 arrays of their starts and of their ends, and of the number of fragments
    of each entity (None: one each)."""

    starts: bytes
    ends: bytes
    counts: bytes | None


def numbers_of(fr_col: list) -> Numbers | None:
    """The ``Numbers`` of the fragments of a piece's entities (``fr_col``: a tuple of
    (start, end) pairs each); None for a number past int64 (no article to check it
    against: the arrays are made from the fragments, as without ``Numbers``)."""
    pairs = list(chain.from_iterable(fr_col))
    try:
        counts = None if len(pairs) == len(fr_col) else array("q", map(len, fr_col)).tobytes()
        return Numbers(array("q", map(_FIRST, pairs)).tobytes(), array("q", map(_SECOND, pairs)).tobytes(), counts)
    except OverflowError:
        return None


class Piece(NamedTuple):
    """Up to ``CHUNK`` entities: their columns (lists, or None: see ``chunks``),
    their fragments' starts and ends (int64 arrays) and the number of fragments
    of each (an array, or None when each has one)."""

    objs: list
    ids: list
    labels: list
    statuses: list
    starts: object
    ends: object
    counts: object
    codes: object = None  # (the statuses' codes: see ``Columns.chunks``)


#: the ``Numbers`` of no fragment (a part of attributions none of a piece's has)
NO_NUMBERS = Numbers(b"", b"", None)


class PartNumbers(NamedTuple):
    """The ``Numbers`` of a piece's attributions' spans (source, cue, content; None
    for a part none of them has, or with a number past int64), read with the piece."""

    source: Numbers | None
    cue: Numbers | None
    content: Numbers | None


#: the spans of the events and of the attributions read last (``note_spans``):
#: id of the table -> [the objects made, in order (a list a piece), their marks'
#: parts a piece (``note_spans``' ``parts``), all their numbers there?, their ``Spans``,
#: their links a piece (``note_spans``' ``links``)]
_spans: dict[int, list] = {}


def note_spans(table: dict, made: list, parts: tuple, first: bool, links: tuple) -> None:
    """The reader made ``made`` (events or attributions, just added to ``table``;
    ``first``: as its first) with the spans ``parts``: (kind code of ``marks``,
    where (None: each of them has it; else the places of those that have one),
    their ``Numbers``) of each span of theirs (an event's trigger; an attribution's
    source, cue and content), numbers None when the reader has none (then the
    table is read from its objects); ``links``: the ids they link to (an event's
    arguments', an attribution's source's) and the id of each one linking, in
    step, in order (``links_of``: the referrers' index)."""
    if not _wanted[0]:
        return
    noted = _spans.get(id(table))
    if first or noted is None:
        noted = _spans[id(table)] = [[], [], True, None, []]
    noted[3] = None  # (``Spans`` made of them: again with this piece)
    noted[0].append(made)
    noted[1].append(parts)
    noted[4].append(links)
    if not all(numbers is not None for _, _, numbers in parts):
        noted[2] = False


def note_span_objects(table: dict, made: list, first: bool) -> None:
    """As ``note_spans``, for a few events or attributions made one at a time (their
    spans' numbers read from them)."""
    if not _wanted[0] or not made:
        return
    from .model import Event, Ref, Span

    if type(made[0]) is Event:
        parts: tuple = ((1, None, numbers_of([e.trigger.fragments for e in made])),)
        links = ([a.ref for e in made for a in e.arguments], [e.id for e in made for _ in e.arguments])
    else:
        linking = [a for a in made if type(a.source) is Ref]
        links = ([a.source.ref for a in linking], [a.id for a in linking])
        got = []
        for code, name in ((2, "source"), (3, "cue"), (4, "content")):
            values = [getattr(a, name) for a in made]
            at = [i for i, v in enumerate(values) if type(v) is Span]
            if at:
                got.append((code, None if len(at) == len(made) else at, numbers_of([values[i].fragments for i in at])))
        parts = tuple(got)
    note_spans(table, made, parts, first, links)


def spans_of(table: dict) -> "Spans | None":
    """The events or attributions ``table`` as the reader noted them (``note_spans``),
    if that describes it exactly (the very objects, in order, checked in C-level
    passes) with every span's numbers; else None (then it is read from its objects)."""
    noted = _noted_exactly(table)
    if noted is None or not noted[2]:
        return None
    if noted[3] is None:
        noted[3] = Spans(noted[0], noted[1])
    return noted[3]


def links_of(table: dict) -> tuple[list, list] | None:
    """The links of the events or attributions ``table`` as the reader noted them
    (``note_spans``' ``links``: the ids linked to and the ids linking, in step, in
    the table's order), if that describes it exactly; else None."""
    noted = _noted_exactly(table)
    if noted is None:
        return None
    return list(chain.from_iterable(t for t, _ in noted[4])), list(chain.from_iterable(o for _, o in noted[4]))


def _noted_exactly(table: dict) -> list | None:
    """``_spans``' entry of ``table`` if its objects are the table's, in order (checked
    in C-level passes); None for a small table (read from its objects)."""
    noted = _spans.get(id(table))
    if noted is None or len(table) <= SMALL:
        return None
    made = noted[0]
    if sum(map(len, made)) != len(table):
        return None
    values = iter(table.values())
    for part in made:
        if not all(map(is_, part, islice(values, len(part)))):
            return None
    pause()
    return noted


class Spans:
    """The spans of a table of events or attributions read from columns (``spans_of``):
    its objects in order, and of each kind of span (the events' triggers; the
    attributions' sources, cues and contents), which of them have one and their
    fragments' numbers, cut into the same chunks as from the objects (``cut``)."""

    def __init__(self, made: list, parts: list) -> None:
        import numpy as np

        self.objs: list = list(chain.from_iterable(made))
        offsets = [0]
        for piece in made:
            offsets.append(offsets[-1] + len(piece))
        #: code -> [(the places of those that have it, from the table's start), starts, ends, counts]
        by_code: dict[int, list] = {}
        for piece_at, piece, spans in zip(offsets, made, parts):
            for code, at, x in spans:
                got = by_code.setdefault(code, [[], [], [], []])
                n = len(piece) if at is None else len(at)
                got[0].append(np.arange(piece_at, piece_at + n) if at is None else np.asarray(at, np.intp) + piece_at)
                got[1].append(np.frombuffer(x.starts, np.int64))
                got[2].append(np.frombuffer(x.ends, np.int64))
                got[3].append(np.ones(n, np.intp) if x.counts is None else np.frombuffer(x.counts, np.int64).astype(np.intp))
        #: (code, places (None: each one), starts, ends, counts (None: one fragment each), where each one's fragments start)
        self.parts: list = []
        for code in sorted(by_code):
            at, starts, ends, counts = (np.concatenate(c) if c else np.zeros(0, np.intp) for c in by_code[code])
            ones = bool((counts == 1).all())
            bounds = None if ones else np.concatenate(([0], np.cumsum(counts)))
            self.parts.append((code, None if len(at) == len(self.objs) else at, starts, ends, None if ones else counts, bounds))

    def __len__(self) -> int:
        return len(self.objs)

    def cut(self, a: int, b: int) -> tuple[list, list]:
        """The objects ``a:b``, and of each kind of span of theirs in order: (its code,
        the places in ``a:b`` of those that have one (None: each), those objects, their
        fragments' starts and ends (int64 arrays), the fragments of each (None: one))."""
        import numpy as np

        objs = self.objs[a:b]
        out = []
        for code, at, starts, ends, counts, bounds in self.parts:
            if at is None:
                i, j, where, owners = a, min(b, len(self.objs)), None, objs
            else:
                i, j = np.searchsorted(at, (a, b)).tolist()
                if i == j:
                    continue
                where = at[i:j] - a
                owners = list(map(objs.__getitem__, where.tolist()))
            f0, f1 = (i, j) if bounds is None else (int(bounds[i]), int(bounds[j]))
            out.append((code, where, owners, starts[f0:f1], ends[f0:f1], None if counts is None else counts[i:j]))
        return objs, out


#: are the columns of the next set read wanted (``want``)?
_wanted = [False]


def want() -> None:
    """Note the columns of the sets read from now on (until ``forget``)."""
    _wanted[0] = True


def numbers_from(s_col: list, e_col: list, multi: list, frags: dict) -> Numbers | None:
    """The ``Numbers`` of a piece's entities from the reader's columns: the start and
    end of each (lists of ints), the places of those of many fragments (``multi``,
    in order) and their fragments (``frags``: by place; their first start and last
    end in ``s_col`` and ``e_col``); None for a number past int64 (``numbers_of``)."""
    try:
        return _numbers_from(s_col, e_col, multi, frags)
    except OverflowError:
        return None


def _numbers_from(s_col: list, e_col: list, multi: list, frags: dict) -> Numbers:
    if not multi:
        return Numbers(array("q", s_col).tobytes(), array("q", e_col).tobytes(), None)
    starts, ends, counts = array("q"), array("q"), array("q", [1]) * len(s_col)
    prev = 0
    for i in multi:
        fr = frags[i]
        starts.extend(s_col[prev:i])
        ends.extend(e_col[prev:i])
        starts.extend([f[0] for f in fr])
        ends.extend([f[1] for f in fr])
        counts[i] = len(fr)
        prev = i + 1
    starts.extend(s_col[prev:])
    ends.extend(e_col[prev:])
    return Numbers(starts.tobytes(), ends.tobytes(), counts.tobytes())


def wanted() -> bool:
    """Are the columns of the sets read wanted (``want``)?"""
    return _wanted[0]


def note(table: dict, made: list, ids, labels, fr_col, statuses, attrs, first: bool, numbers: Numbers | None = None) -> None:
    """The reader made ``made`` (just added to ``table``; ``first``: as its first
    entities) from these columns (lists, or ``repeat``s of one value); ``numbers``:
    their fragments' (``numbers_of``), if the reader has them (else made here)."""
    if not _wanted[0]:
        return
    from .model import NO_ATTRS

    n = len(made)
    if first or _noted[0] != id(table) or _noted[1] is None:
        _noted[0], _noted[1], _noted[3], _noted[4] = id(table), ([], [], [], [], []), False, []
    _noted[2] = _noted[5] = None
    if _noted[4] is not None:  # (the fragments' numbers made now, while the set is read, not after)
        if numbers is None:
            numbers = numbers_of(fr_col)
        if numbers is None:
            _noted[4] = None  # (a number past int64: the arrays made from the fragments)
        else:
            _noted[4].append((n, numbers))
    objs, id_col, label_col, frag_col, status_col = _noted[1]
    objs += made
    id_col += ids
    label_col += _list(labels, n)
    frag_col += fr_col
    status_col += _list(statuses, n)
    if type(attrs) is repeat:
        attrs = (next(attrs),)
    if any(map(_has_lost, compress(attrs, map(is_not, attrs, repeat(NO_ATTRS))))):
        _noted[3] = True  # (never from the direct readers' columns: they decline a lost span)


def note_objects(table: dict, made: list, first: bool) -> None:
    """As ``note``, for a few entities made one at a time (their columns read from them)."""
    if not _wanted[0]:
        return
    note(
        table, made, [a.id for a in made], [a.label for a in made], [a.span.fragments for a in made],
        [a.status for a in made], [a.attrs for a in made], first,
    )


def _list(col, n: int):
    return [next(col)] * n if type(col) is repeat else col


def forget() -> None:
    """Let go of the columns noted (the app has made what it needed of them), and
    note no more. Columns nobody else holds are emptied a ``CHUNK`` at a time, a
    ``pause`` between two (``pace.drop``): letting go of the five lists of 500,000
    at once held the interpreter 10-13 ms, one decref an entity, id or span."""
    cols = _noted[1]
    _noted[0], _noted[1], _noted[2], _noted[3], _noted[4], _noted[5] = None, None, None, False, None, None
    _wanted[0] = False
    _spans.clear()
    # (held elsewhere too, as a ``Columns`` still in use: let go of as before)
    if cols is not None and sys.getrefcount(cols) <= 2:  # (``cols`` and the call's own)
        for col in cols:
            drop(col)


#: a table of at most this many entities is read from its objects (as the marks
#: index and the list's rows read a small set: no numpy, whose import is longer)
SMALL = 2_000


def of(table: dict) -> "Columns | None":
    """The columns of ``table`` if they were noted and describe it exactly (checked
    a ``CHUNK`` at a time, with a ``pause`` between two), else None; None too when
    a span of theirs is marked lost (painted and listed apart: read from the
    objects), and for a small table (``SMALL``)."""
    if _noted[0] != id(table) or _noted[1] is None or _noted[3] or len(table) <= SMALL:
        return None
    cols = _noted[1]
    made = cols[0]
    if len(made) != len(table) or not all(map(len_is, cols, repeat(len(made)))):
        return None
    values = iter(table.values())
    for a in range(0, len(made), CHUNK):
        part = made[a : a + CHUNK]
        if not all(map(is_, part, islice(values, len(part)))):
            return None
        pause()
    return Columns(cols)


def len_is(col, n: int) -> bool:
    return len(col) == n


def _has_lost(attrs) -> bool:
    return bool(attrs) and bool(attrs.get(LOST))


def _arrays(cols: tuple, given: list | None = None) -> "_Arrays":
    """The columns' numbers as numpy arrays (``Columns``), a ``CHUNK`` at a time;
    from the ``Numbers`` the reader gave (``given``: (entities, numbers) of each
    part, in order) when it gave them for all, else from the fragments."""
    import numpy as np

    if given is not None:
        return _given_arrays(given)
    objs, ids, labels, frags, statuses = cols
    fs: list = []
    fe: list = []
    counts: list = []
    for a in range(0, len(objs), CHUNK):
        part = frags[a : a + CHUNK]
        pairs = list(chain.from_iterable(part))
        n, m = len(pairs), len(part)
        fs.append(np.fromiter(map(_FIRST, pairs), np.int64, n))
        fe.append(np.fromiter(map(_SECOND, pairs), np.int64, n))
        counts.append(None if n == m else np.fromiter(map(len, part), np.intp, m))
        pause()
    return _Arrays(fs, fe, counts, [*range(0, len(objs), CHUNK), len(objs)])


def _given_arrays(given: list) -> "_Arrays":
    """``_arrays`` of the parts' ``Numbers``: the parts of about ``CHUNK`` entities
    joined into one chunk (a copy of their bytes, no Python object a number)."""
    import numpy as np

    fs: list = []
    fe: list = []
    counts: list = []
    bounds = [0]
    i = 0
    while i < len(given):
        # the parts from the ``i``-th, up to about ``CHUNK`` entities (one at least)
        j, m = i + 1, given[i][0]
        while j < len(given) and m + given[j][0] <= CHUNK:
            m += given[j][0]
            j += 1
        group, i = given[i:j], j
        bounds.append(bounds[-1] + m)
        fs.append(np.concatenate([np.frombuffer(x.starts, np.int64) for _, x in group]))
        fe.append(np.concatenate([np.frombuffer(x.ends, np.int64) for _, x in group]))
        if all(x.counts is None for _, x in group):
            counts.append(None)
        else:
            counts.append(np.concatenate([
                np.ones(n, np.intp) if x.counts is None else np.frombuffer(x.counts, np.int64).astype(np.intp, copy=False)
                for n, x in group
            ]))
        pause()
    return _Arrays(fs, fe, counts, bounds)


class _Arrays(NamedTuple):
    """Per chunk of entities (about ``CHUNK``): their fragments' starts and ends
    (int64 arrays), and the number of fragments of each (None: one each)."""

    fs: list
    fe: list
    counts: list
    bounds: list  # (where each chunk starts, and the end of the last)


class Columns:
    """The columns of a table, checked (``of``)."""

    def __init__(self, cols: tuple) -> None:
        self._cols = cols

    def chunks(self, *wanted: str, code_of=None) -> Iterator[Piece]:
        """The entities in the table's order, ``CHUNK`` at a time (a ``pause`` between
        two); of the columns ``objs``, ``ids``, ``labels`` and ``statuses``, only those
        ``wanted`` are cut (the others are None: a slice of each of 500,000 is 3 ms),
        and the fragments' numbers only with ``numbers`` (made once: numpy, 0.1 s).
        With ``codes``, each piece's statuses as a uint8 array of their codes
        (``code_of[status]``): made with ``code_of`` given (the marks index), once for
        the set (kept with the columns); without it, those made already, or None
        (the session's counts read them, as numpy is imported then: ``np.bincount``)."""
        objs, ids, labels, frags, statuses = self._cols
        cut = [name in wanted for name in ("objs", "ids", "labels", "statuses")]
        ar = None
        bounds = [*range(0, len(objs), CHUNK), len(objs)]
        codes = None
        mine = _noted[1] is self._cols  # (not another set read since)
        if "codes" in wanted and mine and _noted[5] is not None and "numbers" not in wanted:
            bounds = _noted[5][0]  # (the pieces of the codes made)
        if "numbers" in wanted:
            if _noted[1] is not self._cols:  # (another set read since: made for this one alone)
                ar = _arrays(self._cols)
            else:
                if _noted[2] is None:
                    _noted[2] = _arrays(self._cols, _noted[4])
                    _noted[4] = None  # (in the arrays now)
                ar = _noted[2]
            bounds = ar.bounds
        if "codes" in wanted:
            if mine and _noted[5] is not None and _noted[5][0] == bounds:
                codes = _noted[5][1]
            elif code_of is not None:
                codes = _codes(statuses, bounds, code_of)
                if mine:
                    _noted[5] = (bounds, codes)
        for i in range(len(bounds) - 1):
            if i:
                pause()
            a, b = bounds[i], bounds[i + 1]
            got = [col[a:b] if want else None for col, want in zip((objs, ids, labels, statuses), cut)]
            code = None if codes is None else codes[i]
            if ar is None:
                yield Piece(*got, None, None, None, code)
            else:
                yield Piece(*got, ar.fs[i], ar.fe[i], ar.counts[i], code)


def _codes(statuses: list, bounds: list, code_of) -> list:
    """The codes (``code_of[status]``) of the statuses of each chunk (``bounds``), uint8
    arrays, a ``pause`` between two."""
    import numpy as np

    out = []
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        out.append(np.fromiter(map(code_of.__getitem__, statuses[a:b]), np.uint8, b - a))
        pause()
    return out
