"""Attributes, links and notes (issue 14.3): declared by the schema, set from the
keyboard, shown in the side panel, undoable, journaled, in the YAML, through brat."""

import pytest

from annotator import store
from annotator.attributes import lines, problem, specs_for, value_of, with_note, with_value
from annotator.errors import InputError
from annotator.formats import brat
from annotator.formats.common import Report
from annotator.model import Entity, Event, Span
from annotator.schema import default_schema, schema_from_data
from annotator.tui.screens import AskValue
from annotator.tui.screens import Picker

SIZE = (120, 36)


def test_schema_declares_attributes_per_label_or_type():
    schema = schema_from_data(
        {
            "entities": ["PER", "ORG"],
            "events": [{"name": "Attack", "roles": ["Attacker"]}],
            "attributes": [
                {"name": "Realis", "for": "event", "values": ["actual", "generic"]},
                {"name": "Negated", "for": ["Attack"], "flag": True},
                {"name": "Wikidata", "for": ["PER"], "link": True, "pattern": "Q[0-9]+"},
                {"name": "Comment"},
            ],
        }
    )
    text = "Ann met Bob."
    per = Entity("T1", "PER", Span.of(text, 0, 3))
    org = Entity("T2", "ORG", Span.of(text, 8, 11))
    ev = Event("E1", "Attack", Span.of(text, 4, 7))
    assert [s.name for s in specs_for(schema, per)] == ["Wikidata", "Comment"]
    assert [s.name for s in specs_for(schema, org)] == ["Comment"]
    assert [s.name for s in specs_for(schema, ev)] == ["Realis", "Negated", "Comment"]
    assert [s.kind for s in schema.attributes] == ["choice", "flag", "link", "text"]


@pytest.mark.parametrize(
    "item, words",
    [
        ({"values": ["a"]}, "needs a 'name'"),
        ({"name": "X", "values": ["a"], "flag": True}, "one of values, flag or link"),
        ({"name": "X", "link": True, "pattern": "("}, "bad pattern"),
        ({"name": "X", "colour": "red"}, "unknown key 'colour'"),
        ({"name": "X", True: ["event"]}, "write 'for:'"),
        ({"name": "#AnnotatorNotes"}, "reserved"),
    ],
)
def test_bad_attribute_declarations_are_one_line(item, words):
    with pytest.raises(InputError) as err:
        schema_from_data({"entities": ["PER"], "attributes": [item]}, "s.yaml")
    assert err.value.message.startswith("s.yaml: ") and words in err.value.message


def test_link_values_live_in_brat_normalizations():
    schema = default_schema()
    wikidata = next(s for s in schema.attributes if s.name == "Wikidata")
    text = "Orhan Qereman spoke."
    ent = Entity("T1", "PER", Span.of(text, 0, 13), attrs={"N:Reference": [["Wikipedia:1", "x"]]})
    attrs = with_value(ent, wikidata, "Q42")
    assert attrs["N:Reference"] == [["Wikipedia:1", "x"], ["Wikidata:Q42", "Orhan Qereman"]]
    ent2 = Entity("T1", "PER", ent.span, attrs=attrs)
    assert value_of(ent2, wikidata) == "Q42"
    assert "Wikidata: Q42  (link)" in lines(ent2, schema) and "Reference: Wikipedia:1 (x)" in lines(ent2, schema)
    assert with_value(ent2, wikidata, None)["N:Reference"] == [["Wikipedia:1", "x"]]
    assert problem(wikidata, "Q42") is None and "does not match" in problem(wikidata, "42")
    assert with_note(ent2, "  two\nlines ")["#AnnotatorNotes"] == "two lines"


async def find(pilot, text):
    await pilot.press("slash", *list(text), "enter")


async def test_attributes_and_note_set_in_the_app_survive_yaml_and_brat(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        # An event with Realis and Polarity.
        await find(pilot, "captured")
        await pilot.press("e", *"captu", "enter")
        ev_id = app.active_event
        await pilot.press("i")
        assert isinstance(app.screen, Picker) and app.screen.choices[:2] == ["Realis", "Polarity"]
        await pilot.press(*"realis", "enter")
        assert isinstance(app.screen, Picker)
        await pilot.press(*"actual", "enter")
        await pilot.pause()
        assert app.session.get(ev_id).attrs == {"Realis": "actual"}
        await pilot.press("i", *"polarity", "enter", *"negative", "enter")
        assert app.session.get(ev_id).attrs == {"Realis": "actual", "Polarity": "negative"}
        assert "Realis: actual" in app.query_one("#details").content.plain
        # An entity with a Wikidata link (checked against the pattern) and a note.
        await find(pilot, "Syrian Democratic Forces")
        await pilot.press("2", "i", *"wikidata", "enter")
        assert isinstance(app.screen, AskValue)
        await pilot.press(*"42", "enter")
        assert isinstance(app.screen, AskValue)  # refused, said why
        assert "does not match" in app.screen.query_one("#picker-note").content.plain
        await pilot.press("home", "Q", "enter")
        await pilot.pause()
        (sdf,) = [e for e in app.session.aset.entities.values() if e.text == "Syrian Democratic Forces"]
        assert sdf.attrs == {"N:Reference": [["Wikidata:Q42", "Syrian Democratic Forces"]]}
        await pilot.press("i", *"note", "enter", *"also called QSD", "enter")
        await pilot.pause()
        sdf = app.session.get(sdf.id)
        assert sdf.attrs["#AnnotatorNotes"] == "also called QSD"
        panel = app.query_one("#details").content.plain
        assert "Wikidata: Q42  (link)" in panel and "note: also called QSD" in panel
        # Undoable, one step each.
        await pilot.press("u")
        assert "#AnnotatorNotes" not in app.session.get(sdf.id).attrs
        await pilot.press("ctrl+r")
        assert app.session.get(sdf.id).attrs["#AnnotatorNotes"] == "also called QSD"
        # Journaled before any save.
        journal = app.workspace.journal.path
        assert "also called QSD" in journal.read_text(encoding="utf-8")
        await pilot.press("ctrl+s")
        yaml_path = app.session.yaml_path
        aset = app.session.aset.copy()
    # The YAML has them.
    back = store.read(yaml_path, schema=default_schema()).checked()
    assert back.events[ev_id].attrs == {"Realis": "actual", "Polarity": "negative"}
    assert back.entities[sdf.id].attrs == aset.entities[sdf.id].attrs
    # brat: A, N and # lines, and back.
    ann = brat.dumps_ann(back)
    assert f"Realis {ev_id} actual" in ann and f"Polarity {ev_id} negative" in ann
    assert "\tReference T" in ann and "Wikidata:Q42\tSyrian Democratic Forces" in ann
    assert "\tAnnotatorNotes T" in ann and "\talso called QSD\n" in ann
    again = brat.parse_ann(ann, back.document, "x.ann", None, Report("brat"))
    assert again.events[ev_id].attrs == back.events[ev_id].attrs
    assert again.entities[sdf.id].attrs == back.entities[sdf.id].attrs


async def test_flags_toggle_and_choices_clear(make_app, tmp_path):
    schema = schema_from_data(
        {"entities": ["PER"], "attributes": [{"name": "Uncertain", "flag": True}, {"name": "Mention", "values": ["Name", "Nominal"]}]}
    )
    app = make_app(schema=schema)
    async with app.run_test(size=SIZE) as pilot:
        await find(pilot, "Iraq")
        await pilot.press("1", "i", *"uncertain", "enter")
        (ent,) = app.session.aset.entities.values()
        assert app.session.get(ent.id).attrs == {"Uncertain": True}
        await pilot.press("i", *"mention", "enter", *"nominal", "enter")
        assert app.session.get(ent.id).attrs == {"Uncertain": True, "Mention": "Nominal"}
        await pilot.press("i", *"mention", "enter", *"clear", "enter")
        await pilot.press("i", *"uncertain", "enter")
        assert app.session.get(ent.id).attrs == {}
        await pilot.press("escape", "i", "escape")
        assert "nothing changed" in app.message


def test_a_link_under_another_normalization_type_is_found_and_replaced():
    schema = default_schema()
    wikidata = next(s for s in schema.attributes if s.name == "Wikidata")
    text = "Syria said."
    ent = Entity("T1", "GPE", Span.of(text, 0, 5), attrs={"N:Wikidata": [["Wikidata:Q858", "Syria"]]})
    assert value_of(ent, wikidata) == "Q858"
    attrs = with_value(ent, wikidata, "Q859")
    assert attrs == {"N:Reference": [["Wikidata:Q859", "Syria"]]}
