"""Re-finding spans when the article changed after it was annotated.

The annotation file keeps, for every span, its offsets and its text, but not
the article as it was: the old article is known only where it was annotated.
So re-anchoring works from the span texts, their old offsets and their order.
Every fragment of every span (entity fragments, event triggers, attribution
source / cue / content) is a *piece*, taken in old order. (The placing is in
``reanchor_place``.)

0. **Anchors** (``_Placer.scan``). The pieces are first walked in old order at
   one shift while each one's exact text is at its old offset moved by that
   shift; where that stops, the shifts of the occurrences near where the next
   pieces would be are tried, the one going furthest wins. A run of at least 8
   pieces at one shift moved as one block and is taken as it is: steps 1 and 2
   run only in the *windows* between anchors (with 4 pieces of each, and the
   anchors' shifts as the fixed ends), so their cost follows the edits, not
   the article. A window whose chain does not keep its anchors' ends is given
   up for one chain over the whole article.
1. **Runs that moved together** (``_Placer.chain``). Each piece's exact text
   is looked up in the new text, on word boundaries (``said`` is never found
   inside ``unsaid``): every occurrence of a rare text, and for a common one
   the occurrences at the shifts (new offset - old offset) the pieces before
   it were found at, at its old offset and at its old offset moved by the
   change in length. The best chain of occurrences in both old and new order
   is chosen: 1 point per piece, 1.5 paid per change of shift (the start and
   the end of the article count as fixed ends). Real edits are few and the
   text between two edits moves as one block, so the chain keeps the runs of
   pieces that moved together, repeated words land on the occurrence that
   keeps their place in the run, and a piece of a deleted sentence is not
   pulled onto the same word elsewhere (that would cost two changes of shift
   for one point). Ties go to the chain that keeps earlier pieces: an edit is
   placed as late as the text allows, as diff does.
2. **Between placed neighbours** (``_Placer.between_neighbours``). A piece left
   out lies between the placed pieces before it (P) and after it (N). Its
   exact text between them is taken when its shift is P's or N's give or take
   ``2 + gap/10`` (line-ending changes move offsets a little on every line), or
   when it is the one occurrence between them and that stretch did not grow
   much. Otherwise the text is taken as edited: its left context pins its
   start (its old distance from P, at P's shift), its right context pins its
   end (at N's shift), and the text between becomes the span if it is similar
   (``difflib`` ratio >= 0.6, case-insensitive): an edited name "Abdi" ->
   "Abdy", "Mazlum" -> "Mazloum".

A line-ending change (CRLF -> LF or back) that explains many more pieces than
the text as it is is tried as well: offsets mapped through it, the placement
kept if it places more.

A span that cannot be placed is *lost*: it is kept with its old text, its
offsets clamped into the new article (so the file stays valid), and
``attrs["lost"]`` set (``true`` for an entity or an event trigger; for an
attribution, the list of its lost parts, e.g. ``[cue]``). It is never moved
onto other text. It stays lost until it is tagged again or deleted, or until
the article changes so that its text is back at its offsets. ``store`` skips
the text check of lost parts, and ``store.read`` of a file (``annotator validate``)
lists each as a problem.

With the old article at hand a diff would be exact; it is not stored (only
its sha256), hence the above. On a 1 MB article with 66,000 spans a
re-anchoring takes about 0.3 s of CPU (bench/bench_reanchor.py; one chain
over the whole article, as before the anchors, took 1.2-1.6 s). The moved
spans are kept in the report as rows, made into ``Moved`` objects when
``Report.moved`` is asked for.
"""

from __future__ import annotations

from operator import attrgetter
from dataclasses import dataclass, field, fields
from typing import Callable

from .model import slot_maker as _maker, slots_settable as _fast
from .model import (
    Annotation,
    AnnotationSet,
    Attribution,
    Document,
    Entity,
    Event,
    NO_ATTRS,
    Fragments,
    Span,
)
from .reanchor_place import _Piece, implied_old, new_piece, newline_change, place
from .collector import paused
from .lost_marks import LOST, is_lost, lost_parts  # the one rule of lost marks

__all__ = ["reanchor", "reattach", "Report", "Moved", "Lost", "lost_parts", "lost_of", "lost_in", "is_lost", "LOST"]



@dataclass(frozen=True, slots=True)
class Moved:
    """A span found again at other offsets (or with other text)."""

    id: str
    part: str  # span | trigger | source | cue | content
    old: Fragments
    new: Fragments
    old_text: str
    new_text: str
    how: str  # exact | similar

    def __str__(self) -> str:
        def pos(fr: Fragments) -> str:
            return ",".join(f"{s}-{e}" for s, e in fr)

        what = self.id if self.part == "span" else f"{self.id} {self.part}"
        edit = "" if self.new_text == self.old_text else f" as {self.new_text!r}"
        return f"{what} {self.old_text!r} moved {pos(self.old)} -> {pos(self.new)}{edit}"


@dataclass(frozen=True)
class Lost:
    """A span not found in the changed article; kept where it was, marked lost."""

    id: str
    part: str
    fragments: Fragments
    text: str
    #: it was lost already (marked so in the file), not by this change
    earlier: bool = False

    def __str__(self) -> str:
        what = self.id if self.part == "span" else f"{self.id} {self.part}"
        return f"span {what} {self.text!r} not found in the changed article"


@dataclass
class Report:
    """What re-anchoring did: spans moved, spans lost, spans untouched."""

    lost: list[Lost] = field(default_factory=list)
    unchanged: int = 0
    #: "crlf->lf" / "lf->crlf" when a line-ending change was recognised
    newlines: str | None = None
    #: the moved spans as rows of ``Moved``'s fields, made into ``Moved`` objects
    #: when ``moved`` is first asked for (opening an article only counts them)
    rows: list[tuple] = field(default_factory=list, repr=False)
    _moved: list[Moved] = field(default_factory=list, repr=False, compare=False)

    @property
    def moved(self) -> list[Moved]:
        """Every span moved, in the order of the annotation set."""
        made = self._moved
        if len(made) < len(self.rows):
            made.extend([_moved(*row) for row in self.rows[len(made) :]])
        return made

    @property
    def lost_ids(self) -> list[str]:
        return sorted({x.id for x in self.lost}, key=_id_key)

    @property
    def moved_ids(self) -> list[str]:
        return sorted({x.id for x in self.moved}, key=_id_key)

    def summary(self) -> str:
        """One line for a status bar."""
        parts = [f"the article changed: {len(self.rows)} spans moved"]
        if self.lost:
            ids = self.lost_ids
            shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
            parts.append(f"{len(self.lost)} not found ({shown}: kept where they were, marked lost)")
        else:
            parts.append("none lost")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        return [str(m) for m in self.moved] + [str(x) for x in self.lost]


def _id_key(ann_id: str) -> tuple:
    digits = ann_id[1:]
    return (ann_id[:1], int(digits) if digits.isdigit() else 0, ann_id)


# ---------------------------------------------------------------------------
# Lost marks
# ---------------------------------------------------------------------------


def lost_of(ann: Annotation) -> list[Lost]:
    """The lost spans of one annotation (as marked in its attrs)."""
    out = []
    for part in lost_parts(ann):
        span = _part(ann, part)
        if span is not None:
            out.append(Lost(ann.id, part, span.fragments, span.text, earlier=True))
    return out


def lost_in(aset: AnnotationSet) -> list[Lost]:
    """Every lost span of a set (as marked in attrs), for the app's list."""
    return [x for ann in aset.all() if ann.attrs for x in lost_of(ann)]


def reattach(ann: Annotation, part: str, span: Span) -> Annotation:
    """``ann`` with its lost ``part`` put on ``span`` (found again by the user), no longer lost.

    The other lost parts of an attribution stay lost. ``ValueError`` when that
    part is not lost (only lost spans are re-attached: a found one is edited).
    """
    lost = list(lost_parts(ann))
    if part not in lost:
        raise ValueError(f"{ann.id} {part} is not lost")
    lost.remove(part)
    return _rebuild(ann, {part: span}, lost)


def _part(ann: Annotation, part: str) -> Span | None:
    if part == "span":
        return ann.span  # type: ignore[union-attr]
    if part == "trigger":
        return ann.trigger  # type: ignore[union-attr]
    value = getattr(ann, part, None)
    return value if isinstance(value, Span) else None


# ---------------------------------------------------------------------------
# Pieces and their placement
# ---------------------------------------------------------------------------


def _split(span: Span) -> list[tuple[int, int, str]] | None:
    """(start, end, text) of each fragment; None when the text does not fit the fragments."""
    frs = span.fragments
    if len(frs) == 1:
        return [(frs[0][0], frs[0][1], span.text)]
    lengths = [e - s for s, e in frs]
    if sum(lengths) + len(frs) - 1 != len(span.text):
        return None
    out, i = [], 0
    for (s, e), n in zip(frs, lengths):
        out.append((s, e, span.text[i : i + n]))
        i += n + 1
    return out


def _clamp(frs: Fragments, n: int) -> Fragments:
    """Fragments moved inside [0, n) so that the span stays valid."""
    out: list[list[int]] = []
    for s, e in frs:
        s = min(max(s, 0), n - 1)
        e = min(max(e, s + 1), n)
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


# ---------------------------------------------------------------------------
# The whole set
# ---------------------------------------------------------------------------


def reanchor(
    aset: AnnotationSet, new: str | Document, *, old_length: int | None = None
) -> tuple[AnnotationSet, Report]:
    """Re-find every span of ``aset`` (offsets and texts as in its file) in the new article.

    ``new`` is the article's text now (or its ``Document``: its sha256 is
    kept); ``old_length`` the ``document.length`` the file recorded (it helps
    to place spans after the last edit). Returns a new set (the input is not
    changed) whose spans match the new text, except the lost ones, and the
    report.
    """
    # Many small objects and no cycles: the cyclic collector would only walk
    # them (40% of the time on a 1 MB article with 60,000 annotations).
    with paused():
        return _reanchor(aset, new, old_length)


#: a piece's sort key is ``(start << 32) - end``: ints, cheap to make, to hash and to
#: sort, in old order (start, longest first); offsets below 2**32


def _reanchor(aset: AnnotationSet, new: str | Document, old_length: int | None) -> tuple[AnnotationSet, Report]:
    if isinstance(new, Document):
        text, sha = new.text, new.sha256
    else:
        text, sha = new, aset.document.sha256
    report = Report()
    out = AnnotationSet(Document(text, aset.document.path, sha))
    if not text:
        raise ValueError("cannot re-anchor spans in an empty article")

    # Pieces, one per distinct (start, end, text) fragment, taken in old order
    # (start, longest first, text, then as met). ``by_key`` holds the first piece
    # at each offsets, keyed by its sort key; ``table`` the (rare) pieces at the
    # same offsets as one there with another text or lost mark.
    by_key: dict[int, _Piece] = {}
    table: dict[tuple[int, int, str, bool], _Piece] = {}
    first = by_key.get
    keep = by_key.setdefault
    no_attrs = NO_ATTRS
    # As each piece is made, with its text at hand (a later pass over the pieces
    # would fetch every text again): is its text empty (left out), is it of a
    # span lost earlier, and is it at its offsets in the old text a line-ending
    # change implies (``newline_change`` counts those).
    implied = implied_old(text)
    at_old = implied[1].startswith if implied is not None else None
    matches = empty = lost_before = 0

    def counted(piece: _Piece) -> _Piece:
        nonlocal matches, empty, lost_before
        if not piece.text:
            empty += 1
        elif piece.earlier:
            lost_before += 1
        elif at_old is not None:
            matches += at_old(piece.text, piece.s)
        return piece

    def piece_of(s: int, e: int, t: str, earlier: bool) -> _Piece:
        key = (s, e, t, earlier)
        piece = table.get(key)
        if piece is None:
            piece = table[key] = counted(new_piece(s, e, t, earlier))
        return piece

    def one_piece(s: int, e: int, t: str, earlier: bool) -> _Piece:
        """The piece at s:e (one per offsets; another only when its text or mark differs)."""
        key = (s << 32) - e
        piece = first(key)
        if piece is None:
            piece = by_key[key] = counted(new_piece(s, e, t, earlier))
        elif piece.text != t or piece.earlier != earlier:
            piece = piece_of(s, e, t, earlier)
        return piece

    def pieces_of(span: Span, earlier: bool) -> list[_Piece] | None:
        split = _split(span)
        if split is None:
            return None
        return [one_piece(s, e, t, earlier) for s, e, t in split]

    # Entities and events (one span each): for each annotation, in the order of
    # its table, its piece, or for a span of several fragments the list of its
    # pieces (None when its text does not fit them). (one_piece inlined: this
    # runs once per entity.)
    plans: list[list] = []
    for kind, part in ((aset.entities, "span"), (aset.events, "trigger")):
        plan: list = []
        add_piece = plan.append
        anns = kind.values()
        for ann, span in zip(anns, map(attrgetter(part), anns)):
            attrs = ann.attrs
            earlier = attrs is not no_attrs and bool(attrs) and bool(attrs.get(LOST))
            frs = span.fragments
            if len(frs) == 1:
                s, e = frs[0]
                t = span.text
                fresh = new_piece(s, e, t, earlier)  # (mostly the first at its offsets: one look-up)
                piece = keep((s << 32) - e, fresh)
                if piece is fresh:  # (counted, inline)
                    if not t:
                        empty += 1
                    elif earlier:
                        lost_before += 1
                    elif at_old is not None:
                        matches += at_old(t, s)
                elif piece.text != t or piece.earlier != earlier:
                    piece = piece_of(s, e, t, earlier)
                add_piece(piece)
            else:
                add_piece(pieces_of(span, earlier))
        plans.append(plan)
    others: list[tuple[Attribution, list[tuple[str, Span, list[_Piece] | None]]]] = []
    add_other = others.append
    for ann in aset.attributions.values():
        attrs = ann.attrs
        earlier_parts = lost_parts(ann) if attrs is not no_attrs and attrs else ()
        parts = []
        for part, span in (("source", ann.source), ("cue", ann.cue), ("content", ann.content)):
            if not isinstance(span, Span):
                continue
            earlier = part in earlier_parts if earlier_parts else False
            frs = span.fragments
            if len(frs) == 1:  # (one_piece, inlined)
                s, e = frs[0]
                t = span.text
                key = (s << 32) - e
                piece = first(key)
                if piece is None:
                    piece = by_key[key] = counted(new_piece(s, e, t, earlier))
                elif piece.text != t or piece.earlier != earlier:
                    piece = piece_of(s, e, t, earlier)
                parts.append((part, span, [piece]))
            else:
                parts.append((part, span, pieces_of(span, earlier)))
        add_other((ann, parts))
    if table:
        # Pieces at the same offsets: text, then as met, decide (the first one met
        # at some offsets is in ``by_key``, the others in ``table`` in the order met).
        rows = [(k, p.text, 0, 0, p) for k, p in by_key.items()]
        rows += [((p.s << 32) - p.e, p.text, 1, i, p) for i, p in enumerate(table.values())]
        rows.sort()
        pieces = [row[4] for row in rows if row[1]]
    elif empty:
        pieces = [p for p in map(by_key.__getitem__, sorted(by_key)) if p.text]
    else:
        pieces = list(map(by_key.__getitem__, sorted(by_key)))

    _place_all(pieces, text, old_length, report, implied, matches if at_old is not None else None, lost_before > 0)

    moved = report.rows
    add, make = moved.append, _span
    unchanged = 0
    for kind, part, plan, table_out in (
        (aset.entities, "span", plans[0], out.entities),
        (aset.events, "trigger", plans[1], out.events),
    ):
        move = _mover(Entity, "span") if part == "span" else _mover(Event, "trigger")
        anns = kind.values()
        for ann, span, p in zip(anns, map(attrgetter(part), anns), plan):
            # (placed, one fragment, and no lost mark to keep or take off: what
            # ``_settle`` would do, inline)
            if type(p) is _Piece and p.ns >= 0 and ((attrs := ann.attrs) is no_attrs or not attrs or LOST not in attrs):
                ns, ne = p.ns, p.ne
                old_text = span.text
                if p.how != "similar":
                    if ns == p.s and ne == p.e:  # (the piece's offsets are the span's)
                        unchanged += 1
                        table_out[ann.id] = ann
                        continue
                    new_text = old_text  # the very text, found again
                    how = "exact"
                else:
                    new_text = text[ns:ne]
                    if ns == p.s and ne == p.e and new_text == old_text:
                        unchanged += 1
                        table_out[ann.id] = ann
                        continue
                    how = "similar"
                frs = ((ns, ne),)
                ann_id = ann.id
                table_out[ann_id] = move(ann, frs, new_text)
                add((ann_id, part, span.fragments, frs, old_text, new_text, how))
                continue
            table_out[ann.id] = _settle(ann, [(part, span, [p] if type(p) is _Piece else p)], text, report)
    table_out = out.attributions
    with_parts = _keeping(Attribution, ("source", "cue", "content"))
    for ann, parts in others:
        # Every part one placed piece and no lost mark to keep or take off: what
        # ``_settle`` would do, inline (this runs once per attribution).
        attrs = ann.attrs
        if attrs is no_attrs or not attrs or LOST not in attrs:
            for _part, _sp, mine in parts:
                if mine is None or len(mine) != 1 or mine[0].ns < 0:
                    break
            else:
                changes: list | None = None
                for part, span, (p,) in parts:
                    ns, ne = p.ns, p.ne
                    old_text = span.text
                    if p.how != "similar":
                        if ns == p.s and ne == p.e:
                            unchanged += 1
                            continue
                        new_text, how = old_text, "exact"
                    else:
                        new_text = text[ns:ne]
                        if ns == p.s and ne == p.e and new_text == old_text:
                            unchanged += 1
                            continue
                        how = "similar"
                    frs = ((ns, ne),)
                    if changes is None:
                        changes = [ann.source, ann.cue, ann.content]
                    changes[_PART_INDEX[part]] = make(frs, new_text)
                    add((ann.id, part, span.fragments, frs, old_text, new_text, how))
                table_out[ann.id] = ann if changes is None else with_parts(ann, *changes)
                continue
        table_out[ann.id] = _settle(ann, parts, text, report)
    report.unchanged += unchanged
    table_out = out.relations
    for ann in aset.relations.values():
        table_out[ann.id] = _settle(ann, [], text, report)
    return out, report


def _place_all(
    pieces: list[_Piece], text: str, old_length: int | None, report: Report,
    implied: tuple[str, str] | None | bool = True, matches: int | None = None, lost_before: bool | None = None,
) -> None:
    """Place the pieces in the new text, through a line-ending change when that places more.

    ``implied``, ``matches``: see ``newline_change``; ``lost_before``: are any of
    the pieces of spans lost earlier (None: not known)."""
    if lost_before is None:
        lost_before = any(map(_earlier, pieces))
    plain = [p for p in pieces if not p.earlier] if lost_before else pieces
    change = newline_change(plain, text, implied, matches)
    trial: list[_Piece] = []
    if change is not None:
        # A line-ending change explains more pieces in place than the text as it
        # is: try the offsets mapped through it, and keep whichever places more
        # (then: more at the very offsets expected). When it places every piece
        # at the very offsets expected, the text as it is cannot do better.
        name, fn = change
        trial = [p.mapped(fn) for p in pieces]
        got = place(trial, text, None if old_length is None else fn(old_length))
        if got == (len(pieces), len(pieces)) or got > place(pieces, text, old_length):
            report.newlines = name
            for p, t in zip(pieces, trial):
                p.ns, p.ne, p.how = t.ns, t.ne, t.how
        return
    # (Without a line-ending change recognised, it is not tried; ``newline_change``
    # tells so when every piece is where it was, too.)
    place(pieces, text, old_length, count=False, plain=plain)


def _settle(ann: Annotation, parts: list[tuple[str, Span, list[_Piece] | None]], text: str, report: Report) -> Annotation:
    """The annotation with its placed parts at their new offsets and its unplaced ones lost."""
    n_text = len(text)
    new_parts: dict[str, Span] = {}
    lost_now: list[str] = []
    for part, span, mine in parts:
        ok = mine is not None
        if ok:
            for p in mine:  # type: ignore[union-attr]
                if p.ns < 0:
                    ok = False
                    break
        if ok and len(mine) == 1:  # type: ignore[arg-type]
            p = mine[0]  # type: ignore[index]
            frs = ((p.ns, p.ne),)
            # (an exact piece is on its very text)
            new_text = text[p.ns : p.ne] if p.how == "similar" else span.text
            if frs == span.fragments and new_text == span.text:
                report.unchanged += 1
                continue
            new_parts[part] = _span(frs, new_text)
            how = "similar" if p.how == "similar" else "exact"
            report.rows.append((ann.id, part, span.fragments, frs, span.text, new_text, how))
            continue
        if ok:
            frs = tuple((p.ns, p.ne) for p in mine)  # type: ignore[union-attr]
            if any(b[0] < a[1] for a, b in zip(frs, frs[1:])):
                ok = False
        if not ok:
            lost_now.append(part)
            frs = _clamp(span.fragments, n_text)
            if frs != span.fragments:
                new_parts[part] = Span(frs, span.text)
            report.lost.append(Lost(ann.id, part, frs, span.text, earlier=part in lost_parts(ann)))
            continue
        new_text = " ".join(text[s:e] for s, e in frs)
        if frs == span.fragments and new_text == span.text:
            report.unchanged += 1
            continue
        new_parts[part] = Span(frs, new_text)
        how = "similar" if any(p.how == "similar" for p in mine) else "exact"  # type: ignore[union-attr]
        report.rows.append((ann.id, part, span.fragments, frs, span.text, new_text, how))
    return _rebuild(ann, new_parts, lost_now) if new_parts or lost_now or ann.attrs else ann


def _rebuild(ann: Annotation, parts: dict[str, Span], lost: list[str]) -> Annotation:
    changes: dict = dict(parts)  # (the parts are named as their fields)
    had = bool(ann.attrs) and LOST in ann.attrs
    if lost or had:
        attrs = dict(ann.attrs) if ann.attrs else {}
        if lost:
            attrs[LOST] = sorted(lost, key=("source", "cue", "content").index) if isinstance(ann, Attribution) else True
        else:
            attrs.pop(LOST, None)
        changes["attrs"] = attrs
    return _replace(ann, changes) if changes else ann


_FIELDS: dict[type, tuple[str, ...]] = {}


def _replace(ann: Annotation, changes: dict) -> Annotation:
    """``dataclasses.replace`` without its per-field checks (called for every moved span)."""
    cls = type(ann)
    if len(changes) == 1:
        ((name, value),) = changes.items()
        return _with(cls, name)(ann, value)
    copy = _copier(cls)
    if copy is not None:
        new = copy(ann, getattr(ann, "id"))  # a fresh object: its slots are set as __init__ would
        for name, value in changes.items():
            cls.__dict__[name].__set__(new, value)
        return new
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls) if f.init)
    get = changes.get
    return cls(*[get(n, getattr(ann, n)) if n in changes else getattr(ann, n) for n in names])


_WITH: dict[tuple[type, str], Callable] = {}
_COPY: dict[type, Callable | None] = {}


def _copier(cls: type) -> Callable | None:
    """``f(ann, ann.id)``: a copy of ``ann`` slot by slot (None when ``_maker`` would not be fast)."""
    if cls not in _COPY:
        _COPY[cls] = _with(cls, "id") if _fast(cls) and "id" in {f.name for f in fields(cls)} else None
    return _COPY[cls]


def _with(cls: type, name: str) -> Callable:
    got = _WITH.get((cls, name))
    if got is None:
        got = _WITH[(cls, name)] = _maker(cls, keep=name)
    return got


def _mover(cls: type, name: str) -> Callable:
    """``f(ann, fragments, text)``: a copy of ``ann`` with its span field ``name`` set
    to ``Span(fragments, text)``, both made in one call (once per moved span)."""
    got = _MOVE.get((cls, name))
    if got is not None:
        return got
    if not (_fast(cls) and _fast(Span)):
        with_span = _with(cls, name)

        def got(ann, frs, text):
            return with_span(ann, _span(frs, text))

    else:
        names = [f.name for f in fields(cls)]
        env = {"_new_": object.__new__, "_cls_": cls, "_Span_": Span,
               "_set_frs_": Span.__dict__["fragments"].__set__, "_set_text_": Span.__dict__["text"].__set__,
               **{f"_set_{n}": cls.__dict__[n].__set__ for n in names}}
        lines = ["def move(_ann_, _frs_, _text_):", "    _span_ = _new_(_Span_)", "    _set_frs_(_span_, _frs_)",
                 "    _set_text_(_span_, _text_)", "    _o_ = _new_(_cls_)"]
        lines += [f"    _set_{n}(_o_, {'_span_' if n == name else '_ann_.' + n})" for n in names]
        exec("\n".join([*lines, "    return _o_"]), env)
        got = env["move"]
    _MOVE[(cls, name)] = got
    return got


_MOVE: dict[tuple[type, str], Callable] = {}
_PART_INDEX = {"source": 0, "cue": 1, "content": 2}


def _keeping(cls: type, names: tuple[str, ...]) -> Callable:
    """``f(ann, *values)``: a copy of ``ann`` with the fields ``names`` set to ``values``
    (positional: keyword arguments cost more than the copy; once per moved attribution)."""
    got = _KEEP.get((cls, names))
    if got is not None:
        return got
    args = [f"_v{i}_" for i in range(len(names))]
    if not _fast(cls):

        def got(ann, *values):
            return _replace(ann, dict(zip(names, values)))

    else:
        given = dict(zip(names, args))
        every = [f.name for f in fields(cls)]
        env = {"_new_": object.__new__, "_cls_": cls, **{f"_set_{n}": cls.__dict__[n].__set__ for n in every}}
        lines = [f"def keeping(_ann_, {', '.join(args)}):", "    _o_ = _new_(_cls_)"]
        lines += [f"    _set_{n}(_o_, {given.get(n, '_ann_.' + n)})" for n in every]
        exec("\n".join([*lines, "    return _o_"]), env)
        got = env["keeping"]
    _KEEP[(cls, names)] = got
    return got


_KEEP: dict[tuple[type, tuple[str, ...]], Callable] = {}
_span = _maker(Span)
_earlier = attrgetter("earlier")
_moved = _maker(Moved)
