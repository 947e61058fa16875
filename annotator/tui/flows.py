"""Events and attributions made from the keyboard: multi-step flows.

Kept apart from app.py because each flow is a small state machine: an event is a
trigger, a type picked in a filtering picker, then arguments added with ``r``; an
attribution is a source, then a cue (select + enter), then a content (select +
enter). ``esc`` cancels the step in progress and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from ..marks import CONTENT, CUE, SOURCE, TRIGGER
from ..model import ACCEPTED, REJECTED, Attribution, Entity, Event, Ref, Span
from .keymap import extend_keys

REMOVE_ARGUMENT = "(remove this argument)"
CLAUSE_MARKS = frozenset({",", ";", ":", "—", "–", "(", ")", "“", "”", '"'})


@dataclass(init=False, repr=False, eq=False)  # the methods below: see annotator.model
class AttributionDraft:
    """An attribution being made (or one part of one being edited)."""

    step: str  # "cue" | "content" | "edit:source" | "edit:cue" | "edit:content"
    source: Ref | Span | None = None
    cue: Span | None = None
    editing: str | None = None  # the attribution ID when editing a part

    def __init__(self, step, source=None, cue=None, editing=None):
        self.step = step
        self.source = source
        self.cue = cue
        self.editing = editing

    def __repr__(self):
        return f"{self.__class__.__qualname__}(step={self.step!r}, source={self.source!r}, cue={self.cue!r}, editing={self.editing!r})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.step, self.source, self.cue, self.editing) == (other.step, other.source, other.cue, other.editing)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as dataclass(eq=True) leaves it


def guess_attribution_type(content: Span | None) -> str | None:
    """Quoted content is direct speech; content with a quote inside, mixed."""
    if content is None:
        return None
    text = content.text.strip()
    quotes = "\"“”«»„"
    if text[:1] in quotes and text[-1:] in quotes + ".,":
        return "direct"
    if any(q in text for q in quotes):
        return "mixed"
    return "indirect"


class FlowsMixin:
    """Actions for events (`e`, `r`), attributions (`a`, `t`) and part jumps (`.`, `,`)."""

    FLOW_BINDINGS = [
        Binding("e", "event", "Event", id="event"),
        Binding("r", "role", "Role", id="role"),
        Binding("a", "attribution", "Attribution", id="attribution"),
        Binding("t", "attribution_type", "Attr. type", show=False, id="attribution_type"),
        Binding("enter", "confirm", "Confirm step", show=False, id="confirm"),
        Binding("full_stop", "next_part", "Next part", show=False, id="next_part"),
        Binding("comma", "prev_part", "Prev part", show=False, id="prev_part"),
        Binding("R", "relation", "Relation", show=False, id="relation"),
        Binding("D", "delete_relation", "Delete relation", show=False, id="delete_relation"),
        Binding("right_parenthesis", "sentence_end", "Sentence end", show=False, id="sentence_end"),
        Binding("left_parenthesis", "sentence_start", "Sentence start", show=False, id="sentence_start"),
        Binding("right_curly_bracket", "clause_end", "Clause end", show=False, id="clause_end"),
        Binding("left_curly_bracket", "clause_start", "Clause start", show=False, id="clause_start"),
    ]

    active_event: str | None = None
    relation_from: str | None = None
    draft: AttributionDraft | None = None

    # -- events ------------------------------------------------------------------------
    def action_event(self) -> None:
        view = self.view
        session = self.session
        sel = view.selection
        if sel is None:
            ann = session.annotation_at(view.cursor, (Event,))
        else:  # a selection that is exactly a trigger is that event
            ann = next((ev for ev in session.aset.events.values() if ev.trigger.fragments == (sel,)), None)
        if ann is not None:
            if isinstance(ann, Event):
                view.clear_selection()
                if ann.id != self.active_event:
                    self.set_active_event(ann.id)
                    self.say(f"{ann.id} ({ann.type}) is active: {self.key_for('role')} adds arguments; {self.key_for('event')} again changes its type")
                else:
                    self._pick_event_type(lambda t: self._retype(ann.id, t), f"New type for {ann.id}")
                return
        start, end = view.target
        if start >= end:
            self.say("select a trigger first")
            return

        def make(event_type: str) -> None:
            ev = session.add_event(event_type, start, end)
            view.clear_selection()
            self.set_active_event(ev.id)
            self.say(f"{ev.id} {event_type} is active: on an entity, {self.key_for('role')} picks its role")

        self._pick_event_type(make, f"Event type for {session.text[start:end]!r}")

    def _pick_event_type(self, done, title: str) -> None:
        schema = self.schema
        hints = {e.name: ", ".join(e.roles) for e in schema.events}

        def picked(choice: str | None) -> None:
            if choice is None:
                self.say("event cancelled")
                return
            done(choice)

        self.pick(title, list(schema.event_names), hints, then=picked)

    def _retype(self, ev_id: str, event_type: str) -> None:
        dropped = self.session.set_event_type(ev_id, event_type)
        if dropped:
            gone = ", ".join(f"{a.role} {a.ref}" for a in dropped)
            self.say(f"{ev_id} is now {event_type}; not roles of that type, taken off: {gone} ({self.key_for('undo')} brings them back)")

    def set_active_event(self, ev_id: str | None) -> None:
        self.active_event = ev_id
        self._walk = None
        self.refresh_side()
        self.refresh_status()

    def action_role(self) -> None:
        session = self.session
        ev_id = self.active_event
        if ev_id is None or ev_id not in session.aset.events:
            self.active_event = None
            event = self.key_for("event")
            self.say(f"no active event: select a trigger and press {event} (or {event} on a trigger)")
            return
        ev = session.aset.events[ev_id]
        roles = list(self.schema.roles(ev.type)) or ["Arg"]
        view = self.view
        ent = self.entity_in_focus()
        if ent is not None:
            current = next((a.role for a in ev.arguments if a.ref == ent.id), None)
            choices = roles + ([REMOVE_ARGUMENT] if current else [])

            def picked(role: str | None) -> None:
                if role is None:
                    self.say("role cancelled")
                elif role == REMOVE_ARGUMENT:
                    session.remove_argument(ev_id, ent.id)
                    self.say(f"{ent.id} is no longer an argument of {ev_id}")
                else:
                    if ent.status != ACCEPTED:
                        session.set_status(ent.id, ACCEPTED)
                    session.set_argument(ev_id, role, ent.id)
                    self.say(f"{ent.text!r} is {role} of {ev_id}")
                view.clear_selection()
                self.refresh_side()

            title = f"Role of {ent.text!r} in {ev_id} {ev.type}" + (f" (now {current})" if current else "")
            self.pick(title, choices, then=picked)
            return
        start, end = view.target
        if start >= end:
            self.say("put the cursor on an entity, or select the argument")
            return
        labels = list(self.schema.entity_names)
        hints = {lab.name: f"key {self.label_key(lab.key)}  {lab.description}" for lab in self.schema.entities}
        span_text = session.text[start:end]

        def got_label(label: str | None) -> None:
            if label is None:
                self.say("role cancelled")
                return

            def got_role(role: str | None) -> None:
                if role is None:
                    self.say("role cancelled")
                    return
                session.add_argument_entity(ev_id, role, label, start, end)
                view.clear_selection()
                self.say(f"{span_text!r} ({label}) is {role} of {ev_id}")
                self.refresh_side()

            self.pick(f"Role of {span_text!r} in {ev_id} {ev.type}", roles, then=got_role)

        self.pick(f"Label for {span_text!r}", labels, hints, then=got_label)

    # -- attributions ------------------------------------------------------------------
    def action_attribution(self) -> None:
        session = self.session
        view = self.view
        if self.draft is not None:
            self.say(f"finish the attribution step with {self.key_for('confirm')}, or {self.key_for('cancel')} to cancel")
            return
        if view.selection is None:
            at = session.annotation_at(view.cursor, (Attribution,))
            if isinstance(at, Attribution):
                self._edit_attribution(at)
                return
        source: Ref | Span | None
        ent = self.entity_in_focus()
        if ent is not None:
            source = Ref(ent.id)
            what = f"{ent.id} {ent.text!r}"
        else:
            start, end = view.target
            source = session.span(start, end) if start < end else None
            what = repr(source.text) if source else "no source"
        view.clear_selection()
        self.draft = AttributionDraft("cue", source=source)
        keys = self.keys_now()
        self.say(
            f"attribution from {what}: select the cue ({self.key_for('article.select')}, {extend_keys(keys)}), "
            f"{self.key_for('confirm')}; {self.key_for('cancel')} cancels"
        )

    def _edit_attribution(self, at: Attribution) -> None:
        def picked(part: str | None) -> None:
            if part is None:
                self.say("edit cancelled")
            elif part == "type":
                self.action_attribution_type()
            else:
                self.draft = AttributionDraft(f"edit:{part}", editing=at.id)
                self.say(f"select the new {part} of {at.id}, {self.key_for('confirm')}; {self.key_for('cancel')} cancels")

        self.pick(f"Edit which part of {at.id}?", ["source", "cue", "content", "type"], then=picked)

    def action_confirm(self) -> None:
        draft = self.draft
        if draft is None:
            return
        session = self.session
        view = self.view
        start, end = view.target
        if start >= end:
            self.say(f"select something first ({self.key_for('cancel')} cancels)")
            return
        if draft.step == "cue":
            draft.cue = session.span(start, end)
            draft.step = "content"
            view.clear_selection()
            k = self.key_for
            self.say(
                f"cue {draft.cue.text!r}: now select the content ({k('sentence_start')} {k('sentence_end')} by sentence, "
                f"{k('clause_start')} {k('clause_end')} by clause, {k('find')} extends), {k('confirm')}"
            )
            return
        if draft.step == "content":
            content = session.span(start, end)
            at = session.add_attribution(draft.source, draft.cue, content, guess_attribution_type(content))
            self.draft = None
            view.clear_selection()
            view.move_to(at.cue.start if at.cue else content.start)
            self.say(f"{at.id} made ({at.type}); {self.key_for('attribution_type')} changes its type, {self.key_for('attribution')} on it edits a part")
            self.refresh_side()
            return
        part = draft.step.split(":", 1)[1]
        at_id = draft.editing
        self.draft = None
        if at_id is None or at_id not in session.aset.attributions:
            return
        if part == "source":
            ent = session.entity_with_span(start, end)
            value: Ref | Span = Ref(ent.id) if ent is not None else session.span(start, end)
        else:
            value = session.span(start, end)
        session.update_attribution(at_id, **{part: value})
        view.clear_selection()
        self.say(f"{at_id}: {part} changed")
        self.refresh_side()

    def cancel_flow(self) -> bool:
        """Esc: drop the attribution or relation in progress. True if there was one."""
        if self.relation_from is not None:
            self.relation_from = None
            self.say("relation cancelled")
            return True
        if self.draft is not None:
            self.draft = None
            self.view.clear_selection()
            self.say("attribution cancelled: nothing was made")
            return True
        return False

    def action_attribution_type(self) -> None:
        at = self.session.annotation_at(self.view.cursor, (Attribution,))
        if not isinstance(at, Attribution):
            self.say("no attribution under the cursor")
            return

        def picked(t: str | None) -> None:
            if t is not None:
                self.session.update_attribution(at.id, type=t)
                self.say(f"{at.id} is {t}")
                self.refresh_side()

        self.pick(f"Type of {at.id}", list(self.schema.attribution_types), then=picked)

    # -- relations ---------------------------------------------------------------------
    def action_relation(self) -> None:
        """R on an entity starts a relation; R on another picks its type and makes it."""
        ent = self.entity_in_focus()
        if ent is None:
            self.say(f"put the cursor on an entity ({self.key_for('relation')} there starts a relation)")
            return
        if self.relation_from is None or self.relation_from not in self.session.aset.entities:
            self.relation_from = ent.id
            self.say(f"relation from {ent.id} {ent.text!r}: {self.key_for('relation')} on the other entity ({self.key_for('cancel')} cancels)")
            return
        first = self.relation_from
        if first == ent.id:
            self.say("pick another entity for the relation's second argument")
            return
        declared = self.schema.relation_types
        used = {r.type for r in self.session.aset.relations.values()}
        # a schema that declares its relation types takes no other (the file would not
        # open again); one that declares none takes any, a new one typed in the picker
        choices = list(declared) if declared else sorted(used) or ["related"]

        def picked(rel_type: str | None) -> None:
            self.relation_from = None
            if rel_type is None:
                self.say("relation cancelled")
                return
            rel = self.session.add_relation(rel_type, first, ent.id)
            self.say(f"{rel.id}: {first} {rel_type} {ent.id}")
            self.refresh_side()

        title = f"Relation type, {first} → {ent.id}" + ("" if declared else " (type a new one and enter)")
        self.pick(title, choices, allow_new=not declared, then=picked)

    def action_delete_relation(self) -> None:
        """D on an entity: pick one of its relations to delete."""
        ent = self.entity_in_focus()
        rels = [r for r in self.session.aset.referrers(ent.id)] if ent else []
        from ..model import Relation

        rels = [r for r in rels if isinstance(r, Relation)]
        if not rels:
            self.say("no relation on the entity under the cursor")
            return
        labels = {f"{r.id} {r.type} {r.arg1} → {r.arg2}": r.id for r in rels}

        def picked(choice: str | None) -> None:
            if choice is not None:
                self.session.delete(labels[choice])
                self.say(f"deleted {labels[choice]}")
                self.refresh_side()

        self.pick("Delete which relation?", list(labels), then=picked)

    # -- sentence and clause motions (quick selection of long content) ----------------
    def _motion(self, offset: int) -> None:
        view = self.view
        view.move_to(offset, extend=view.selection is not None)

    def action_sentence_end(self) -> None:
        """To the last token of this sentence; from there, of the next one."""
        view = self.view
        sentences = view.text_index.sentences
        s, e = view.cursor_token
        ss, se = sentences.sentence_at(s)
        if e >= se:
            ss, se = sentences.sentence_at(se + 1) if se + 1 < len(self.session.text) else (ss, se)
        self._motion(max(ss, se - 1))

    def action_sentence_start(self) -> None:
        """To the first token of this sentence; from there, of the previous one."""
        view = self.view
        sentences = view.text_index.sentences
        s = view.cursor
        ss, _ = sentences.sentence_at(s)
        if s <= ss and ss > 0:
            prev = ss - 1
            while prev > 0 and self.session.text[prev].isspace():
                prev -= 1
            ss, _ = sentences.sentence_at(prev)
        self._motion(ss)

    def action_clause_end(self) -> None:
        """To the token before the next clause mark (, ; : — quotes), or the sentence end."""
        view = self.view
        tokens = view.tokens
        text = self.session.text
        i = tokens.index_nearest(view.cursor)
        if i is None:
            return
        _, sentence_end = view.text_index.sentences.sentence_at(view.cursor)
        for j in range(i + 1, len(tokens)):
            ts, te = tokens[j]
            if text[ts:te] in CLAUSE_MARKS and j - 1 > i:
                self._motion(tokens[j - 1][0])
                return
            if te >= sentence_end:
                self._motion(ts)
                return

    def action_clause_start(self) -> None:
        """To the token after the previous clause mark (or the sentence start)."""
        view = self.view
        tokens = view.tokens
        i = tokens.index_nearest(view.cursor)
        if i is None:
            return
        ss, _ = view.text_index.sentences.sentence_at(view.cursor)
        j = i - 1
        while j > 0:
            ts, te = tokens[j - 1]
            if self.session.text[ts:te] in CLAUSE_MARKS or tokens[j][0] <= ss:
                break
            j -= 1
        self._motion(tokens[max(0, j)][0])

    # -- structure ----------------------------------------------------------------------
    def related_marks(self, ann) -> list:
        """Every mark of an annotation's parts, linked entities included."""
        session = self.session
        marks = list(session.marks.of(ann.id))
        if isinstance(ann, Event):
            for arg in ann.arguments:
                marks.extend(session.marks.of(arg.ref))
        elif isinstance(ann, Attribution) and isinstance(ann.source, Ref):
            marks.extend(session.marks.of(ann.source.ref))
        return marks

    def parts(self, ann) -> list[tuple[str, int, int]]:
        """The parts the part keys walk, in order, as (name, start, end): an
        event's trigger, then its arguments (named by role); an attribution's
        source, cue and content. Lost parts (not on the article) are left out."""
        from ..lost_marks import lost_of

        session = self.session
        lost = {x.part for x in lost_of(ann)}
        out: list[tuple[str, int, int]] = []
        if isinstance(ann, Event):
            if "trigger" not in lost:
                out.append(("trigger", ann.trigger.start, ann.trigger.end))
            for arg in ann.arguments:
                ref = session.get(arg.ref)
                if isinstance(ref, (Entity, Event)) and not any(x.part in ("span", "trigger") for x in lost_of(ref)):
                    out.append((arg.role, ref.start, ref.end))
        elif isinstance(ann, Attribution):
            for name, part in (("source", ann.source), ("cue", ann.cue), ("content", ann.content)):
                if isinstance(part, Ref):
                    ref = session.get(part.ref)
                    if isinstance(ref, (Entity, Event)) and not lost_of(ref):
                        out.append((name, ref.start, ref.end))
                elif part is not None and name not in lost:
                    out.append((name, part.start, part.end))
        return out

    #: the part walk in progress: (event or attribution ID, part index, the
    #: cursor it left); the next `.` or `,` from that cursor walks on
    _walk: tuple[str, int, int] | None = None

    def _focus_structure(self):
        """The event or attribution the part keys walk: the one being walked (the
        cursor is where the last part key left it); else the one whose trigger,
        cue or source is under the cursor; else one the entity here is a part of
        (the active event first, then an attribution it is the source of); else
        the attribution whose content this is; else the active event.

        The active event came first, and an entity's first link: on an
        attribution (its cue, its source entity) the keys walked an event, and a
        walk jumped to whatever the part it landed on belonged to."""
        session = self.session
        cursor = self.view.cursor
        walk = self._walk
        if walk is not None and walk[2] == cursor:
            ann = session.get(walk[0])
            if isinstance(ann, (Event, Attribution)):
                return ann
        here = sorted(session.marks.at(cursor), key=lambda m: m.status == REJECTED)
        for mark in here:
            if mark.kind in (TRIGGER, CUE, SOURCE):
                ann = session.get(mark.ann_id)
                if isinstance(ann, (Event, Attribution)):
                    return ann
        ent = self.current_entity()
        if ent is not None:
            linked = [o for o in session.aset.referrers(ent.id) if isinstance(o, (Event, Attribution))]
            if linked:
                return (
                    next((o for o in linked if o.id == self.active_event), None)
                    or next((o for o in linked if isinstance(o, Attribution)), None)
                    or linked[0]
                )
        for mark in here:
            if mark.kind == CONTENT:
                ann = session.get(mark.ann_id)
                if isinstance(ann, Attribution):
                    return ann
        if self.active_event and self.active_event in session.aset.events:
            return session.aset.events[self.active_event]
        return None

    def _jump_part(self, delta: int) -> None:
        ann = self._focus_structure()
        if ann is None:
            self.say("no event or attribution here")
            return
        parts = self.parts(ann)
        if not parts:
            self.say(f"{ann.id}: no part of it is on the article")
            return
        cursor = self.view.cursor
        walk = self._walk
        if walk is not None and walk[0] == ann.id and walk[2] == cursor and walk[1] < len(parts):
            i = walk[1]
        else:  # from the part the cursor is on (the smallest), else from before the first
            on = [(e - s, k) for k, (_n, s, e) in enumerate(parts) if s <= cursor < e]
            i = min(on)[1] if on else (-1 if delta > 0 else len(parts))
        i = (i + delta) % len(parts)
        name, start, _end = parts[i]
        self.view.move_to(start)
        self._walk = (ann.id, i, self.view.cursor)
        self.say(f"{ann.id} {name} ({i + 1} of {len(parts)})")

    def action_next_part(self) -> None:
        self._jump_part(1)

    def action_prev_part(self) -> None:
        self._jump_part(-1)
