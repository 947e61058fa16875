"""`i`: the attributes, links and note of the annotation under the cursor.

A picker lists what the schema lets this annotation carry (Realis, Polarity, a
Wikidata link, ...) with the current values, then the note, then the entity's
relations (whose own attributes are edited the same way). Picking one asks for
the value: a picker for a choice, a line of text for text and links (checked
against the schema's pattern), a toggle for a flag. Each change is one step
through ``Session.set_attrs``: undoable, journaled, saved.
"""

from __future__ import annotations

from textual.binding import Binding

from ..attributes import note_of, problem, specs_for, value_of, with_note, with_value
from ..model import Entity, Relation

NOTE_CHOICE = "note"
CLEAR = "(clear)"


class AttributesMixin:
    """The `i` key of the app (mixed into AnnotatorApp)."""

    ATTRIBUTE_BINDINGS = [Binding("i", "attributes", "Attributes", show=False, id="attributes")]

    def action_attributes(self) -> None:
        ann = self.current_annotation()
        if ann is None:
            self.say(f"no annotation under the cursor: {self.key_for('attributes')} works on an entity, a trigger or an attribution")
            return
        self.edit_attributes(ann.id)

    def edit_attributes(self, ann_id: str) -> None:
        session = self.session
        ann = session.get(ann_id)
        if ann is None:
            return
        specs = {spec.name: spec for spec in specs_for(self.schema, ann)}
        choices: list[str] = []
        hints: dict[str, str] = {}
        for name, spec in specs.items():
            value = value_of(ann, spec)
            now = "(not set)" if value is None else f"= {'yes' if value is True else value}"
            allowed = "/".join(spec.values) if spec.kind == "choice" else spec.kind
            choices.append(name)
            hints[name] = f"{now}   {allowed}  {spec.description}".rstrip()
        note = note_of(ann)
        choices.append(NOTE_CHOICE)
        hints[NOTE_CHOICE] = f"= {note}" if note else "(none)  free text"
        relations: dict[str, str] = {}
        if isinstance(ann, Entity):
            for other in session.aset.referrers(ann.id):
                if isinstance(other, Relation):
                    label = f"{other.id} {other.arg1} {other.type} {other.arg2}"
                    relations[label] = other.id
                    choices.append(label)
                    hints[label] = "its attributes and note"
        what = getattr(ann, "text", None) or getattr(getattr(ann, "trigger", None), "text", None) or ""
        title = f"Attributes of {ann.id}" + (f" {what!r}" if what else "") + ("" if specs else "  (the schema declares none for it)")

        def picked(choice: str | None) -> None:
            if choice is None:
                self.say("attributes: nothing changed")
            elif choice in relations:
                self.edit_attributes(relations[choice])
            elif choice == NOTE_CHOICE:
                self._ask_note(ann_id)
            else:
                self._ask_value(ann_id, specs[choice])

        self.pick(title, choices, hints, then=picked)

    def _set(self, ann_id: str, attrs: dict, label: str, said: str) -> None:
        report = self.session.set_attrs(ann_id, attrs, label)
        self.say(said if report is not None else f"{ann_id}: nothing changed")

    def _ask_value(self, ann_id: str, spec) -> None:
        ann = self.session.get(ann_id)
        current = value_of(ann, spec)
        if spec.kind == "flag":
            on = current is None
            self._set(ann_id, with_value(ann, spec, True if on else None), f"{spec.name} of {ann_id}", f"{ann_id}: {spec.name} {'on' if on else 'off'}")
            return
        if spec.kind == "choice":
            choices = list(spec.values) + ([CLEAR] if current is not None else [])

            def chosen(value: str | None) -> None:
                if value is None:
                    self.say(f"{spec.name}: nothing changed")
                    return
                fresh = self.session.get(ann_id)
                value = None if value == CLEAR else value
                self._set(ann_id, with_value(fresh, spec, value), f"{spec.name} of {ann_id}", f"{ann_id}: {spec.name} " + (f"= {value}" if value else "cleared"))

            now = f" (now {current})" if current else ""
            about = f": {spec.description}" if spec.description else ""
            self.pick(f"{spec.name} of {ann_id}{now}{about}", choices, then=chosen)
            return

        def typed(value: str | None) -> None:
            if value is None:
                self.say(f"{spec.name}: nothing changed")
                return
            fresh = self.session.get(ann_id)
            self._set(ann_id, with_value(fresh, spec, value or None), f"{spec.name} of {ann_id}", f"{ann_id}: {spec.name} " + (f"= {value}" if value else "cleared"))

        from .screens import AskValue

        hint = f"e.g. {spec.pattern}" if spec.pattern else spec.description
        cancel = self.key_for("ask.cancel", AskValue, typing=True)
        self.push_screen(
            AskValue(f"{spec.name} of {ann_id} (enter takes it, empty clears, {cancel} cancels)", current or "", lambda v: problem(spec, v), hint),
            typed,
        )

    def _ask_note(self, ann_id: str) -> None:
        ann = self.session.get(ann_id)

        def typed(text: str | None) -> None:
            if text is None:
                self.say("note: nothing changed")
                return
            fresh = self.session.get(ann_id)
            self._set(ann_id, with_note(fresh, text), f"note on {ann_id}", f"{ann_id}: note " + ("saved" if text else "removed"))

        from .screens import AskValue

        cancel = self.key_for("ask.cancel", AskValue, typing=True)
        self.push_screen(AskValue(f"Note on {ann_id} (enter takes it, empty removes it, {cancel} cancels)", note_of(ann), None, "free text"), typed)
