"""Adjudication: settle an audit's disagreements one at a time, in the gold set.

An ``Adjudication`` holds one article: a ``Session`` on the gold set (every change
goes through it, so it is undoable and saved like any other edit) and the other
side (a predicted set, never written). ``annotator.audit.disagreements`` pairs
the two sides; each disagreement that is not a match is *open* until decided:

* **keep gold** (``take_gold``): gold stays as it is and the disagreement is
  marked settled. When the other side is a pending suggestion in the gold file
  itself (one file and ``by``), it is rejected instead: that is the decision, and
  it is kept in the file.
* **take the other side** (``take_other``): gold is made to agree with the other
  side: a spurious entity is added (``by`` the adjudicator, ``suggested_by`` the
  other side's ``by``), a wrong label is relabelled, a partial span takes the
  other span (and label), and a missed entity is deleted (its links removed, as
  ``Session.delete`` does). With one file, the suggestion itself is accepted, and
  the gold entity it replaces is removed, its links moved to the accepted one.

With one file, a disagreement whose suggestion is already rejected there is not
open: someone decided it. Events and attributions are walked there too (a layer
the suggester suggested nothing in is not): keeping gold rejects the suggestion,
taking it accepts it (with the suggested entities it refers to) in place of the
gold one it was paired with.

Events and attributions: their disagreements (trigger, type, each
argument role; the whole attribution, its source, cue, content, type) are
decided the same way; taking the other side brings the entities they refer to
(``annotator.adjudication_changes``). A merged gold (``merged``: ``annotator
merge`` or ``merge-file``) is one file whose candidates are decided: taking
"the other side" accepts a candidate, keeping gold rejects it. Decisions have their own undo stack: a decision is
undone whole, whether it made session steps or only marked a disagreement
settled. No Textual here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .audit import (
    MATCH,
    MISSED,
    PARTIAL,
    SPURIOUS,
    WRONG_LABEL,
    Disagreement,
    disagreements,
    predicted_filter,
    suggester_of,
)
from .audit.selection import selects
from .audit.disagreements import (
    _KIND_ORDER,
    ARGUMENT,
    ATTRIBUTION,
    CANDIDATE,
    ENTITY,
    EVENT,
    LAYER_ORDER,
    PART,
    RELATION,
    attribution_disagreements,
    candidates,
    event_disagreements,
    has_candidates,
    merge_info,
    proposers,
)
from . import adjudication_changes as changes
from .adjudication_changes import redirect_links
from .marks import MarkIndex
from .model import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    AnnotationSet,
    Entity,
    id_number,
    with_status,
)
from .session import Pair, Session

#: Kinds to decide, in the order the status line counts them.
OPEN_KINDS = (WRONG_LABEL, PARTIAL, MISSED, SPURIOUS)
KIND_NAMES = {
    MATCH: "match", WRONG_LABEL: "wrong label", PARTIAL: "partial", MISSED: "missed", SPURIOUS: "spurious",
    ARGUMENT: "argument", PART: "part", CANDIDATE: "candidate",
}
LAYERS = (ENTITY, EVENT, ATTRIBUTION, RELATION)

Key = tuple


def key_of(d: Disagreement) -> Key:
    """What identifies a disagreement across recomputations (IDs are stable)."""
    return (d.layer, d.kind, d.gold_id, d.pred_id, d.part)


def order_of(d: Disagreement) -> tuple:
    """Reading order: by position, entities before events before attributions."""
    return (d.start, d.end, LAYER_ORDER[d.layer], _KIND_ORDER[d.kind], d.part or "", d.gold_id or "", d.pred_id or "")


def name_of(d: Disagreement) -> str:
    """What a disagreement is, in words: "missed", "event wrong type", "attribution cue"."""
    if d.layer == ENTITY and d.kind != CANDIDATE:
        return KIND_NAMES[d.kind]
    if d.kind == CANDIDATE:
        return f"{d.layer} candidate"
    if d.kind == ARGUMENT:
        return f"event argument {d.part}"
    if d.kind == PART:
        return f"attribution {d.part}"
    if d.layer == EVENT:
        return "event " + {WRONG_LABEL: "wrong type", PARTIAL: "trigger overlaps"}.get(d.kind, KIND_NAMES[d.kind])
    return f"{d.layer} {KIND_NAMES[d.kind]}"


@dataclass(frozen=True)
class Decision:
    """One decision, as undo needs it."""

    key: Key
    order: tuple
    side: str  # "gold" or "other"
    label: str
    steps: int = 0  # session steps it made
    settled: bool = False  # marked settled without a change


@dataclass
class Delta:
    """What one decision (or undo) changed in the disagreements: the view repaints these."""

    removed: list[Disagreement] = field(default_factory=list)
    added: list[Disagreement] = field(default_factory=list)


class Adjudication:
    """One article's disagreements and the decisions taken on them.

    The disagreements are computed once for the article; after a change only the
    entities around the changed characters are paired again (``_update``): a
    group of entities that overlap nothing outside itself pairs the same way
    alone as among all the others, so a decision costs the size of its
    neighbourhood, not of the article. (One difference: two entities of one side
    with the very same span are taken in ID order there, in file order by a
    whole-article pairing; either way the pairing is a valid one.)
    """

    def __init__(
        self,
        name: str,
        session: Session,
        pred: AnnotationSet,
        *,
        by: str | None = None,
        pred_path: Path | None = None,
        merged: bool = False,
    ) -> None:
        self.name = name
        self.session = session
        self.pred = session.aset if merged else pred
        self.by = by
        self.pred_path = pred_path
        #: a merged gold: its candidates are decided (``by``: only that annotator's)
        self.merged = merged
        #: one file: the other side is the gold file's own suggestions (needs ``by``)
        self.same = self.pred is session.aset and not merged
        if self.same and by is None:
            raise ValueError("comparing a set with itself needs a suggester (by)")
        self._keep_pred = predicted_filter(None if merged else by)
        #: the other side's entities by position (it never changes, unless it is the gold set)
        self._pred_marks = session.marks if self.pred is session.aset else MarkIndex.build(self.pred)
        self.settled: set[Key] = set()
        self._done: list[Decision] = []
        self._undone: list[Decision] = []
        #: the delta of the last decision, undo or redo
        self.delta = Delta()
        #: bumped by every change to the disagreements: lets a view know its picture is stale
        self.revision = 0
        self.refresh()

    # -- state ------------------------------------------------------------------
    @property
    def user(self) -> str:
        return self.session.user

    def refresh(self) -> list[Disagreement]:
        """Compute every disagreement of the article again."""
        if self.merged:
            found = candidates(self.session.aset, self.by)
        else:
            found = disagreements(self.session.aset, self.pred, self.by) + self._other_layers()
        self.all = sorted(found, key=order_of)
        self._all_keys = [order_of(d) for d in self.all]
        self.open = [d for d in self.all if self.is_open(d)]
        self._open_keys = [order_of(d) for d in self.open]
        entities = [d for d in self.all if d.layer == ENTITY and d.kind != CANDIDATE]
        self._by_gold = {d.gold_id: d for d in entities if d.gold_id is not None}
        self._by_pred = {d.pred_id: d for d in entities if d.pred_id is not None}
        self._by_key = {key_of(d): d for d in self.all}
        self._kinds = Counter(d.kind for d in self.all)
        self._open_kinds = Counter((d.layer, d.kind) for d in self.open)
        self._longest = max((d.end - d.start for d in self.open), default=0)
        self.delta = Delta(removed=[], added=list(self.all))
        self.revision += 1
        return self.open

    def _other_layers(self) -> list[Disagreement]:
        """Event and attribution disagreements. A layer the other side has nothing
        of (e.g. an entity tagger's output; one file: a layer the suggester
        suggested nothing in) is not compared: its gold would be all "missed"."""
        out: list[Disagreement] = []
        if self._compared(self.pred.events):
            out += event_disagreements(self.session.aset, self.pred, self.by)
        if self._compared(self.pred.attributions):
            out += attribution_disagreements(self.session.aset, self.pred, self.by)
        return out

    def _compared(self, table: dict) -> bool:
        if not self.same:
            return bool(table)
        return any(self._keep_pred(x) for x in table.values())

    def is_open(self, d: Disagreement) -> bool:
        if d.kind == CANDIDATE:
            return changes.candidate_is_open(self.session.aset, d)
        if d.kind == MATCH or key_of(d) in self.settled:
            return False
        if self.same and d.pred_id is not None:
            # The suggestion was rejected in this file: someone already decided.
            p = self.pred.get(d.pred_id)
            return p is None or p.status != REJECTED
        return True

    def counts(self) -> dict[str, int]:
        """Open entity disagreements per kind (in ``OPEN_KINDS`` order)."""
        return {k: self._open_kinds[(ENTITY, k)] for k in OPEN_KINDS}

    def layer_counts(self) -> dict[str, int]:
        """Open disagreements (or candidates) per layer."""
        out = dict.fromkeys(LAYERS, 0)
        for (layer, _kind), n in self._open_kinds.items():
            out[layer] += n
        return out

    def matches(self) -> int:
        return self._kinds[MATCH]

    def settled_count(self) -> int:
        """Disagreements decided: those still listed and not open (kept gold, or a
        candidate decided along with another), and those a decision made go away
        (taking the other side turns a disagreement into a match, or removes it)."""
        gone = sum(1 for key in {dec.key for dec in self._done} if key not in self._by_key)
        return len(self.all) - self._kinds[MATCH] - len(self.open) + gone

    def position(self, d: Disagreement) -> int | None:
        """Index of an open disagreement in ``open`` (None if it is not open)."""
        key = order_of(d)
        i = bisect_left(self._open_keys, key)
        return i if i < len(self.open) and self._open_keys[i] == key else None

    def find(self, key: Key) -> Disagreement | None:
        return self._by_key.get(key)

    def gold_entity(self, d: Disagreement) -> Entity | None:
        return self.session.aset.entities.get(d.gold_id) if d.gold_id and d.layer == ENTITY else None

    def pred_entity(self, d: Disagreement) -> Entity | None:
        return self.pred.entities.get(d.pred_id) if d.pred_id and d.layer == ENTITY else None

    def gold_annotation(self, d: Disagreement):
        return self.session.aset.get(d.gold_id) if d.gold_id else None

    def pred_annotation(self, d: Disagreement):
        return self.pred.get(d.pred_id) if d.pred_id else None

    def who(self, d: Disagreement) -> str:
        """A candidate's proposers and agreement, e.g. "proposed by ann, 1 of 3 agree"."""
        ann = self.pred_annotation(d)
        if ann is None:
            return ""
        info = merge_info(ann) or {}
        names = proposers(ann)
        out = f"proposed by {', '.join(names)}" if names else ""
        if "agree" in info and "of" in info:
            out += f"; {info['agree']} of {info['of']} agree"
        if "side" in info:
            out += f"; {info['side']} side of a conflict"
            if info.get("status"):  # that side had it so (merge-file: rejected, and the other linked to it)
                out += f", {info['status']} there"
        return out.lstrip("; ")

    def source_of(self, p: Entity) -> str | None:
        """Who the other side's entity came from: recorded as ``suggested_by``."""
        return self._by_of(p) or p.by or suggester_of(p)

    def _by_of(self, p) -> str | None:
        """With ``by``: the suggester it selects that made ``p`` (``rules:word-list``
        under ``--by rules``: the rule is kept), else ``by``; None without ``by``."""
        if self.by is None:
            return None
        made = suggester_of(p) if p is not None else None
        return made if made and selects(self.by, made) else self.by

    def describe_take_other(self, d: Disagreement) -> str:
        """What taking the other side would do, for the side panel."""
        if d.kind == CANDIDATE:
            ann = self.pred_annotation(d)
            beaten = changes.rivals(self.session.aset, ann) if ann is not None else []
            return f"accept {d.pred_id}" + (f", reject {', '.join(x.id for x in beaten)}" if beaten else "")
        if d.layer != ENTITY:
            return self._describe_layer(d)
        if d.kind == SPURIOUS:
            return f"add {d.pred_label} to gold" if not self.same else f"accept the {d.pred_label} suggestion"
        if d.kind == WRONG_LABEL:
            return f"relabel {d.gold_id} as {d.pred_label}"
        if d.kind == PARTIAL:
            return f"{d.gold_id} takes the other span" + (f" and {d.pred_label}" if d.pred_label != d.gold_label else "")
        if d.kind == MISSED:
            return f"delete {d.gold_id} from gold"
        return "nothing (they agree)"

    def _describe_layer(self, d: Disagreement) -> str:
        what = "event" if d.layer == EVENT else "attribution"
        if self.same and d.kind != MISSED:
            return f"accept the {what} suggestion {d.pred_id}" + (f" over {d.gold_id}" if d.gold_id and d.gold_id != d.pred_id else "")
        if d.kind == SPURIOUS:
            return f"add the {what} (and its entities) to gold"
        if d.kind == MISSED:
            return f"delete {what} {d.gold_id} from gold"
        if d.kind == WRONG_LABEL:
            return f"type {d.gold_id} as {d.pred_label}"
        if d.kind == PARTIAL:
            return f"{d.gold_id} takes the other trigger" + (f" and {d.pred_label}" if d.pred_label != d.gold_label else "")
        if d.kind in (ARGUMENT, PART):
            return f"{d.gold_id} takes the other {d.part}"
        return "nothing (they agree)"

    # -- decisions ---------------------------------------------------------------
    def take_gold(self, d: Disagreement) -> Decision | None:
        """Keep gold as it is; the disagreement is settled (a candidate: rejected)."""
        if not self.is_open(d):
            return None
        self._begin()
        if d.kind == CANDIDATE:
            label, report = self._apply(*changes.reject_candidate(self.session.aset, d.pred_id, self.user))  # type: ignore[arg-type]
            return self._record(Decision(key_of(d), order_of(d), "gold", label, int(report is not None)), [report])
        p = self.pred_annotation(d) if self.same else None
        if p is not None and p.status == SUGGESTED:  # one file: keeping gold rejects the suggestion
            label, report = self._apply(f"reject {p.id}", [(p, with_status(p, REJECTED, self.user))])
            label = "kept gold: rejected" + label.removeprefix("reject")
            decision = Decision(key_of(d), order_of(d), "gold", label, int(report is not None))
            return self._record(decision, [report])
        self.settled.add(key_of(d))
        self._resettle(d)
        return self._record(Decision(key_of(d), order_of(d), "gold", f"kept gold ({KIND_NAMES[d.kind]})", settled=True), [])

    def take_other(self, d: Disagreement) -> Decision | None:
        """Make gold agree with the other side here."""
        if not self.is_open(d):
            return None
        self._begin()
        s = self.session
        g = self.gold_entity(d)
        p = self.pred_entity(d)
        label = f"took the other side ({KIND_NAMES[d.kind]})"
        if d.kind == CANDIDATE or d.layer != ENTITY:
            if d.kind == CANDIDATE:
                label, pairs = changes.accept_candidate(s.aset, d.pred_id, self.user)  # type: ignore[arg-type]
            elif self.same and d.kind != MISSED:
                p_ann = self.pred_annotation(d)
                assert p_ann is not None
                g_ann = self.gold_annotation(d)
                label, pairs = changes.accept_suggestion(s.aset, p_ann, self.user, self._by_of(p_ann))
                if g_ann is not None and g_ann.id != p_ann.id:  # the suggestion replaces this gold one, links and all
                    label += f" over {g_ann.id}"
                    pairs.append((g_ann, None))
                    pairs.extend(redirect_links(s.aset, g_ann.id, p_ann.id))
            else:
                p_ann = self.pred_annotation(d)
                source = self._by_of(p_ann) or (p_ann.by or suggester_of(p_ann) if p_ann is not None else None)
                take = changes.take_other_event if d.layer == EVENT else changes.take_other_attribution
                label, pairs = take(s.aset, self.pred, d, self.user, source, s.next_id)
            label, report = self._apply(label, pairs)
        elif d.kind == MISSED:
            assert g is not None
            report = s.delete(g.id)
            label = report.step.note if report is not None and report.step.note else f"deleted {g.id}"
        elif self.same:
            assert p is not None
            accepted = replace(p, status=ACCEPTED, by=self.user, suggested_by=self.source_of(p))
            pairs: list[Pair] = [(p, accepted)]
            if g is not None:  # the suggestion replaces this gold entity, links and all
                pairs.append((g, None))
                pairs.extend(redirect_links(s.aset, g.id, p.id))
            label = f"took {p.id} ({p.label})" + (f" over {g.id}" if g is not None else "")
            label, report = self._apply(label, pairs)
        elif d.kind == SPURIOUS:
            assert p is not None
            new = Entity(
                s.next_id(Entity),
                p.label,
                p.span,
                by=self.user,
                score=p.score,
                suggested_by=self.source_of(p),
                attrs=dict(p.attrs),
            )
            label = f"added {new.id} {p.label} from the other side"
            report = s.apply(label, [(None, new)])
        else:  # wrong label, partial: the gold entity takes the other's span and label
            assert g is not None and p is not None
            new = replace(g, span=p.span, label=p.label, by=self.user, suggested_by=self.source_of(p))
            label = f"relabelled {g.id} as {p.label}" if d.kind == WRONG_LABEL else f"{g.id} took the other span"
            report = s.apply(label, [(g, new)])
        return self._record(Decision(key_of(d), order_of(d), "other", label, int(report is not None)), [report])

    def _apply(self, label: str, pairs: list[Pair]):
        """Apply one decision as one session step; ``(label, report)``. The links it
        would leave to a rejected annotation are dropped by ``Session.apply`` (the one
        door: the gold always validates), which names them in the report."""
        report = self.session.apply(label, pairs)
        note = report.step.note if report is not None and report.step is not None else ""
        return (note or label), report

    def _record(self, decision: Decision, reports: list) -> Decision:
        self._done.append(decision)
        self._undone.clear()
        self._after(reports)
        return decision

    # -- undo ----------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self) -> Decision | None:
        if not self._done:
            return None
        decision = self._done.pop()
        self._begin()
        reports = [self.session.undo() for _ in range(decision.steps)]
        if decision.settled:
            self.settled.discard(decision.key)
            self._resettle_key(decision.key)
        self._undone.append(decision)
        self._after(reports)
        return decision

    def redo(self) -> Decision | None:
        if not self._undone:
            return None
        decision = self._undone.pop()
        self._begin()
        reports = [self.session.redo() for _ in range(decision.steps)]
        if decision.settled:
            self.settled.add(decision.key)
            self._resettle_key(decision.key)
        self._done.append(decision)
        self._after(reports)
        return decision

    # -- keeping the disagreements up to date ----------------------------------------
    def _begin(self) -> None:
        self.delta = Delta()

    def _resettle(self, d: Disagreement) -> None:
        """``d`` was settled or unsettled (no data changed): file it again."""
        self._remove([d])
        self._insert([d])

    def _resettle_key(self, key: Key) -> None:
        d = self.find(key)
        if d is not None:
            self._resettle(d)

    def _after(self, reports: list) -> None:
        """Pair again the entities around what the session steps changed."""
        ranges: list[tuple[int, int]] = []
        ids: set[str] = set()
        for r in reports:
            if r is not None:
                ranges.extend(r.ranges)
                ids.update(r.ids)
        if (ranges or ids) and not self.merged:
            self._update(ranges, ids)
        self._relayer(ids)
        self.revision += 1

    def _relayer(self, ids: set[str]) -> None:
        """Compute the event and attribution disagreements (a merged gold: the
        candidates) again, and file what changed (few: a decision is local)."""
        if self.merged:
            new = candidates(self.session.aset, self.by)
            old = [d for d in self.all]
        else:
            new = self._other_layers()
            old = [d for d in self.all if d.layer != ENTITY]
        fresh = set(new)
        # A candidate (one file: a suggestion) decided is the same disagreement, no longer open: filed again.
        gone = [d for d in old if d not in fresh or ((self.merged or self.same) and d.pred_id in ids)]
        self._remove(gone)
        self._insert([d for d in new if key_of(d) not in self._by_key])

    def _relevant(self, mark, gold_side: bool) -> Entity | None:
        if mark.kind != "entity":
            return None
        if gold_side:
            e = self.session.aset.entities.get(mark.ann_id)
            return e if e is not None and e.status == ACCEPTED else None
        e = self.pred.entities.get(mark.ann_id)
        return e if e is not None and self._keep_pred(e) else None

    def _neighbourhood(self, lo: int, hi: int) -> tuple[int, int, dict[str, Entity], dict[str, Entity]]:
        """Grow [lo, hi) until no entity of either side crosses its edges."""
        while True:
            golds: dict[str, Entity] = {}
            preds: dict[str, Entity] = {}
            for mark in self.session.marks.overlapping(lo, hi):
                e = self._relevant(mark, True)
                if e is not None:
                    golds[e.id] = e
            for mark in self._pred_marks.overlapping(lo, hi):
                e = self._relevant(mark, False)
                if e is not None:
                    preds[e.id] = e
            nlo = min([lo, *(e.start for e in golds.values()), *(e.start for e in preds.values())])
            nhi = max([hi, *(e.end for e in golds.values()), *(e.end for e in preds.values())])
            if (nlo, nhi) == (lo, hi):
                return lo, hi, golds, preds
            lo, hi = nlo, nhi

    def _update(self, ranges: list[tuple[int, int]], ids: set[str]) -> None:
        # Merge the changed ranges into neighbourhoods, each closed under overlap.
        windows: list[list] = []
        for s, e in sorted(ranges):
            if windows and s <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], e)
            else:
                windows.append([s, e])
        golds: dict[str, Entity] = {}
        preds: dict[str, Entity] = {}
        grown: list[tuple[int, int]] = []
        for s, e in windows:
            if grown and s < grown[-1][1]:
                s = grown[-1][0]  # already inside the previous neighbourhood
            lo, hi, g, p = self._neighbourhood(s, e)
            golds.update(g)
            preds.update(p)
            grown.append((lo, hi))
        # Old disagreements of these entities (and of entities the steps removed) go ...
        stale: dict[Key, Disagreement] = {}
        for gid in (*golds, *ids):
            d = self._by_gold.get(gid)
            if d is not None:
                stale[key_of(d)] = d
        for pid in (*preds, *(ids if self.same else ())):
            d = self._by_pred.get(pid)
            if d is not None:
                stale[key_of(d)] = d
        self._remove(list(stale.values()))
        # ... and the neighbourhoods are paired again, alone.
        doc = self.session.aset.document
        order = lambda e: (e.start, e.end, id_number(e.id), e.id)  # noqa: E731
        sub_gold = AnnotationSet(doc, {e.id: e for e in sorted(golds.values(), key=order)})
        if self.same:
            both = {**golds, **preds}
            sub_gold = AnnotationSet(doc, {e.id: e for e in sorted(both.values(), key=order)})
            sub_pred = sub_gold
        else:
            sub_pred = AnnotationSet(doc, {e.id: e for e in sorted(preds.values(), key=order)})
        self._insert(disagreements(sub_gold, sub_pred, self.by))

    def _remove(self, gone: list[Disagreement]) -> None:
        for d in gone:
            key = order_of(d)
            i = bisect_left(self._all_keys, key)
            if i < len(self.all) and self._all_keys[i] == key:
                del self.all[i]
                del self._all_keys[i]
                self._kinds[d.kind] -= 1
            i = bisect_left(self._open_keys, key)
            if i < len(self.open) and self._open_keys[i] == key:
                del self.open[i]
                del self._open_keys[i]
                self._open_kinds[(d.layer, d.kind)] -= 1
            if d.gold_id is not None and self._by_gold.get(d.gold_id) == d:
                del self._by_gold[d.gold_id]
            if d.pred_id is not None and self._by_pred.get(d.pred_id) == d:
                del self._by_pred[d.pred_id]
            if self._by_key.get(key_of(d)) == d:
                del self._by_key[key_of(d)]
            self.delta.removed.append(d)

    def _insert(self, new: list[Disagreement]) -> None:
        for d in new:
            key = order_of(d)
            i = bisect_left(self._all_keys, key)
            self.all.insert(i, d)
            self._all_keys.insert(i, key)
            self._kinds[d.kind] += 1
            if self.is_open(d):
                i = bisect_left(self._open_keys, key)
                self.open.insert(i, d)
                self._open_keys.insert(i, key)
                self._open_kinds[(d.layer, d.kind)] += 1
                self._longest = max(self._longest, d.end - d.start)
            if d.layer == ENTITY and d.kind != CANDIDATE:
                if d.gold_id is not None:
                    self._by_gold[d.gold_id] = d
                if d.pred_id is not None:
                    self._by_pred[d.pred_id] = d
            self._by_key[key_of(d)] = d
            self.delta.added.append(d)

    # -- navigation --------------------------------------------------------------------
    def next_open(self, after: tuple | None, forward: bool = True) -> Disagreement | None:
        """The open disagreement after (or before) a reading-order position, wrapping."""
        if not self.open:
            return None
        if after is None:
            return self.open[0] if forward else self.open[-1]
        if forward:
            i = bisect_right(self._open_keys, after)
            return self.open[i] if i < len(self.open) else self.open[0]
        i = bisect_left(self._open_keys, after) - 1
        return self.open[i] if i >= 0 else self.open[-1]

    def open_at(self, offset: int) -> Disagreement | None:
        """The first open disagreement covering a character."""
        lo = bisect_left(self._open_keys, (offset - self._longest,))
        hi = bisect_right(self._open_keys, (offset, 1 << 62))
        for d in self.open[lo:hi]:
            if any(sp is not None and sp.covers(offset) for sp in (d.gold_span, d.pred_span)):
                return d
        return None


__all__ = ["Adjudication", "Decision", "Delta", "LAYERS", "redirect_links", "OPEN_KINDS", "KIND_NAMES", "key_of", "name_of", "order_of"]


# ---------------------------------------------------------------------------
# What to adjudicate: the article open in the app, or files named on the command line
# ---------------------------------------------------------------------------


def for_session(session: Session, pred: str | Path | None, *, by: str | None = None) -> tuple["Adjudication | None", list[str]]:
    """The adjudication of an open article (its own session: decisions are its
    changes) against another annotation file, or, with ``pred`` None, against
    its own suggestions (a merged gold: its merge candidates). (None, notes)
    when nothing disagrees."""
    from . import store
    from .errors import InputError
    from .audit.selection import check_same_article, pick_suggester

    assert session.yaml_path is not None
    name = session.yaml_path.stem
    notes: list[str] = []
    if pred is None and has_candidates(session.aset):
        adj = Adjudication(name, session, session.aset, by=by, merged=True)
    elif pred is None:
        by = pick_suggester(session.yaml_path, [session.aset], by, notes)
        adj = Adjudication(name, session, session.aset, by=by)
    else:
        p_path = Path(pred)
        if not p_path.is_file():
            raise InputError(str(p_path), "no such annotation file")
        try:
            same_file = p_path.resolve() == session.yaml_path.resolve()
        except OSError:
            same_file = False
        if same_file:
            raise InputError(str(p_path), "is this article's own file: leave it empty to adjudicate its suggestions")
        p_set = store.read(p_path, schema=session.schema).checked()
        check_same_article(name, session.aset, p_set, p_path)
        adj = Adjudication(name, session, p_set, by=by, pred_path=p_path)
    return (adj if adj.open else None), notes


def plan_files(
    gold: Path, pred: Path | None, *, by: str | None, schema, merged: bool | None = None,
    problems: list[str] | None = None,
) -> tuple[list[tuple], list[str], str | None]:
    """The (name, gold file, pred file or None, merged) to adjudicate, notes, and
    the suggester: ``audit GOLD [PRED] --view``. Loads every file first.

    The batch rule, as audit and agree read their articles
    (``audit.selection.article_sets``): a file that cannot be read, or a pred file
    not over its gold file's text, is one line added to ``problems`` (the file and
    its problem) and its article is left out; the others go on.

    With GOLD only, a merged gold (one with merge candidates, or ``merged``
    True) opens on its candidates (``by``: only that annotator's); otherwise on
    one suggester's suggestions."""
    from . import store
    from .audit import suggesters
    from .errors import InputError
    from .audit.selection import annotation_files, article_sets, names_list as names, pair_paths, pick_suggester

    notes: list[str] = []
    sides = []
    if problems is None:
        problems = []
    if pred is not None and merged:
        raise InputError("--merged", "adjudicates the candidates of GOLD itself: leave out PRED")

    def usable(files: dict[str, dict[str, Path]]) -> dict[str, dict[str, AnnotationSet]]:
        """side -> article -> set, of the articles whose files can all be used."""
        wanted = [(side, n) for side, by_article in files.items() for n in by_article]
        loaded = dict(zip(wanted, store.read_sets([files[side][n] for side, n in wanted], schema)))
        out: dict[str, dict[str, AnnotationSet]] = {side: {} for side in files}
        for n in dict.fromkeys(n for _, n in wanted):
            by_side, lines = article_sets(n, files, loaded)
            problems.extend(lines)
            for side, aset in by_side.items():
                out[side][n] = aset
        return out

    if pred is None:
        files = annotation_files(gold)
        sets = usable({"GOLD": files})["GOLD"]
        if not sets:
            return [], notes, by
        with_candidates = {n for n, aset in sets.items() if has_candidates(aset)}
        if merged or (merged is None and with_candidates):
            left = sorted(set(sets) - with_candidates)
            if left:
                notes.append(f"{len(left)} article(s) with no merge candidate, not opened: {names(left)}")
            return [(n, files[n], None, True) for n in files if n in with_candidates], notes, by
        by = pick_suggester(gold, sets.values(), by, notes)
        # An article that suggester never ran on has nothing to compare with.
        ran = {n for n, aset in sets.items() if any(selects(by, x) for x in suggesters([aset]))}
        if len(ran) < len(sets):
            not_run = sorted(set(sets) - ran)
            notes.append(f"{len(not_run)} article(s) with nothing suggested by {by!r}, not opened: {names(not_run)}")
        sides = [(n, files[n], None, False) for n in files if n in ran]
    else:
        paired, notes = pair_paths(gold, pred)
        for name, g_path, p_path in paired:
            if g_path.resolve() == p_path.resolve():
                raise InputError(str(p_path), "is the GOLD file itself: give GOLD only, with --by, to adjudicate its suggestions")
        kept = usable({"GOLD": {n: g for n, g, _ in paired}, "PRED": {n: p for n, _, p in paired}})["GOLD"]
        sides = [(name, g_path, p_path, False) for name, g_path, p_path in paired if name in kept]
    return sides, notes, by


def open_files(
    gold: Path, pred: Path | None, *, by: str | None, schema, user: str, merged: bool | None = None,
    problems: list[str] | None = None,
):
    """``audit GOLD [PRED] --view``: each gold file with open disagreements, open
    for writing in a workspace (InputError when an annotator has one open).
    A file that cannot be used is a line in ``problems`` and its article is left
    out (``plan_files``: the batch rule).

    Returns (adjudications, their workspaces, notes); the caller closes the
    workspaces. Nothing to adjudicate: ([], [], notes) with a note saying so."""
    from . import store
    from .schema import default_schema
    from .workspace import open_file

    sides, notes, by = plan_files(gold, pred, by=by, schema=schema, merged=merged, problems=problems)
    schema = schema or default_schema()
    articles: list[Adjudication] = []
    opened = []
    try:
        for name, g_path, p_path, is_merged in sides:
            ws = open_file(g_path, schema, user=user, exclusive=True)
            p_set = ws.session.aset if p_path is None else store.read(p_path, schema=schema).checked()
            adj = Adjudication(name, ws.session, p_set, by=by, pred_path=p_path, merged=is_merged)
            if adj.open:
                articles.append(adj)
                opened.append(ws)
            else:
                ws.close(save=False)
    except BaseException:
        for ws in opened:
            ws.close(save=False)
        raise
    if not articles:
        n = len(sides)
        notes.insert(0, f"nothing to adjudicate: no open disagreement in {n} article{'s' if n != 1 else ''}")
    return articles, opened, notes
