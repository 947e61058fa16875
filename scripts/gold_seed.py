"""The gold annotation of the seed article, written down as decisions.

Each span is named by its text and, where the text occurs more than once, by a
longer context that occurs once (the span is the first occurrence of the text
inside that context). The script builds the annotation through ``Session``, the
same door every key of the app goes through, and saves it with the app's store:

    python scripts/gold_seed.py [OUT.yaml]

Guidelines used (ACE/OntoNotes-like, kept to the default news schema):
- Entities: names of persons, organisations, places, nationalities and dates; a
  nominal mention ("the alliance", "Syrian government forces") is tagged only
  where it is an event argument or an attribution source, so every argument is an
  entity in the text. Nested names inside longer mentions are tagged too.
- Events: each trigger of a schema type, with every argument present in the text
  (pronouns are not arguments).
- Attributions: every reported speech: source (an entity, or a span such as "Two
  security sources based in eastern Syria" or a pronoun), cue ("said", "told
  Reuters", "told reporters"), content (the reported clause), and its type.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator import store  # noqa: E402
from annotator.articles import read_article  # noqa: E402
from annotator.model import Ref  # noqa: E402
from annotator.schema import default_schema  # noqa: E402
from annotator.session import Session  # noqa: E402

ARTICLE = ROOT / "seeds" / "sdf-captures-deir-el-zor.txt"
OUT = ROOT / "annotations" / "sdf-captures-deir-el-zor.yaml"

# (key, label, text, context). key names the entity for events and attributions.
ENTITIES = [
    ("byline", "PER", "Orhan Qereman", "By Orhan Qereman"),
    ("hasakeh1", "GPE", "HASAKEH", None),
    ("syria1", "GPE", "Syria", "HASAKEH, Syria"),
    ("reuters1", "ORG", "Reuters", "(Reuters)"),
    ("alliance", "ORG", "A U.S.-backed alliance led by Syrian Kurdish fighters", None),
    ("us1", "GPE", "U.S.", "A U.S.-backed"),
    ("kurdish", "NORP", "Syrian Kurdish", None),
    ("main_city", "GPE", "the main city in eastern Syria", None),
    ("syria2", "GPE", "Syria", "eastern Syria and the main"),
    ("crossing1", "FAC", "the main border crossing with Iraq", None),
    ("iraq1", "GPE", "Iraq", "crossing with Iraq on Friday"),
    ("friday1", "DATE", "Friday", "Iraq on Friday"),
    ("desert", "LOC", "Syria’s vast eastern desert", None),
    ("syria3", "GPE", "Syria", "Syria’s vast"),
    ("syria4", "GPE", "Syria", "based in eastern Syria"),
    ("friday_afternoon", "DATE", "Friday afternoon", None),
    ("sdf_full", "ORG", "Syrian Democratic Forces", "known as the Syrian Democratic Forces"),
    ("sdf1", "ORG", "SDF", "(SDF)"),
    ("deir1", "GPE", "Deir el-Zor", "the city of Deir el-Zor"),
    ("assad1", "PER", "Bashar al-Assad", None),
    ("week1", "DATE", "a week", "in a week"),
    ("abu_layla", "PER", "Omar Abu Layla", None),
    ("deir_ezzor_24", "ORG", "Deir Ezzor 24", None),
    ("reuters2", "ORG", "Reuters", "city, told Reuters"),
    ("gov_forces1", "ORG", "Syrian government forces", "Reuters that Syrian government forces"),
    ("iran_backed", "ORG", "Iran-backed Iraqi fighters", None),
    ("iran1", "GPE", "Iran", "Iran-backed"),
    ("iraqi1", "NORP", "Iraqi", "Iran-backed Iraqi"),
    ("deir2", "GPE", "Deir el-Zor", "out of Deir el-Zor"),
    ("sdf2", "ORG", "SDF", "before the SDF swept in"),
    ("sdf_full2", "ORG", "Syrian Democratic Forces", "the Syrian Democratic Forces swept through"),
    ("albu_kamal", "FAC", "Albu Kamal border crossing", None),
    ("iraq2", "GPE", "Iraq", "crossing with Iraq, two"),
    ("syrian_army1", "ORG", "Syrian army", "two Syrian army sources"),
    ("reuters3", "ORG", "Reuters", "sources told Reuters"),
    ("deir3", "GPE", "Deir el-Zor", "Deir el-Zor city has changed"),
    ("syria5", "GPE", "Syria", "since Syria’s conflict"),
    ("y2011", "DATE", "2011", None),
    ("assad2", "PER", "Assad", "protests against Assad"),
    ("rebel_forces", "ORG", "rebel forces", "fell to rebel forces"),
    ("islamic_state", "ORG", "Islamic State", None),
    ("y2014", "DATE", "2014", None),
    ("syrian_army2", "ORG", "Syrian army", "The Syrian army, backed"),
    ("pro_tehran", "ORG", "pro-Tehran Iraqi factions", None),
    ("tehran1", "GPE", "Tehran", "pro-Tehran"),
    ("iraqi2", "NORP", "Iraqi", "pro-Tehran Iraqi"),
    ("y2017", "DATE", "2017", None),
    ("friday2", "DATE", "Friday", "held it until Friday"),
    ("sdf3", "ORG", "SDF", "The SDF advance"),
    ("syrian_rebels", "ORG", "Syrian rebels led by Hayat Tahrir al-Sham", None),
    ("syrian1", "NORP", "Syrian", "Syrian rebels led"),
    ("hts_full1", "ORG", "Hayat Tahrir al-Sham", "led by Hayat Tahrir al-Sham"),
    ("hts1", "ORG", "HTS", "al-Sham (HTS), an Islamist"),
    ("islamist", "NORP", "Islamist", None),
    ("al_qaeda", "ORG", "Al-Qaeda", None),
    ("syrian2", "NORP", "Syrian", "central Syrian city"),
    ("homs", "GPE", "Homs", None),
    ("friday3", "DATE", "Friday", "Homs on Friday"),
    ("the_rebels", "ORG", "The rebels", None),
    ("aleppo1", "GPE", "Aleppo", "city of Aleppo"),
    ("last_week", "DATE", "last week", None),
    ("hama", "GPE", "Hama", None),
    ("this_week", "DATE", "earlier this week", None),
    ("assad3", "PER", "Assad", "blows to Assad"),
    ("sdf4", "ORG", "SDF", "SDF head"),
    ("abdi1", "PER", "Mazlum Abdi", None),
    ("friday4", "DATE", "Friday", "earlier on Friday at"),
    ("hasakeh2", "GPE", "Hasakeh", "in Hasakeh city"),
    ("hts_full2", "ORG", "Hayat Tahrir al-Sham", "communication with Hayat Tahrir al-Sham"),
    ("hts2", "ORG", "HTS", "al-Sham (HTS),”"),
    ("kurds", "NORP", "Kurds", None),
    ("aleppo2", "GPE", "Aleppo", "Aleppo city."),
    ("sdf5", "ORG", "SDF", "He said the SDF"),
    ("hts3", "ORG", "HTS", "clashed with HTS"),
    ("sdf6", "ORG", "SDF", "that the SDF would"),
    ("us2", "GPE", "U.S.", "the U.S. and Russia"),
    ("russia", "GPE", "Russia", None),
    ("abdi2", "PER", "Abdi", "Abdi, whose force"),
    ("whose_force", "ORG", "whose force", None),
    ("gov_forces2", "ORG", "Syrian government forces", "clashed with Syrian government forces"),
    ("tehran_backed", "ORG", "Tehran-backed Iraqi fighters", None),
    ("tehran2", "GPE", "Tehran", "Tehran-backed"),
    ("iraqi3", "NORP", "Iraqi", "Tehran-backed Iraqi"),
    ("gov_forces3", "ORG", "government forces", "see government forces collapse"),
    ("rebel", "ORG", "rebel", "the rebel assault"),
    ("february", "DATE", "February", None),
    ("reuters4", "ORG", "Reuters", "he told Reuters"),
    ("air_defences", "MISC", "additional air defences", None),
    ("ne_syria", "LOC", "northeast Syria", None),
    ("syria6", "GPE", "Syria", "northeast Syria"),
    ("six_fighters", "PER", "six of his fighters", None),
    ("drone", "MISC", "drone", None),
    ("pro_iran", "ORG", "pro-Iran factions", None),
    ("iran2", "GPE", "Iran", "pro-Iran"),
    ("byline2", "PER", "Orhan Qereman", "Reporting by Orhan Qereman"),
    ("hasakeh3", "GPE", "Hasakeh", "in Hasakeh, Syria"),
    ("syria7", "GPE", "Syria", "Hasakeh, Syria, Suleiman"),
    ("khalidi", "PER", "Suleiman al-Khalidi", None),
    ("amman", "GPE", "Amman", None),
    ("gebeily", "PER", "Maya Gebeily", None),
    ("beirut", "GPE", "Beirut", None),
    ("georgy", "PER", "Michael Georgy", None),
    ("heinrich", "PER", "Mark Heinrich", None),
    ("maclean", "PER", "William Maclean", None),
]

# (type, trigger text, context, [(role, entity key), ...])
EVENTS = [
    ("Conflict.Capture", "captured", "fighters captured the main city",
     [("Agent", "alliance"), ("Place", "main_city"), ("Place", "crossing1"), ("Time", "friday1")]),
    ("Conflict.Capture", "taking effective control", None, [("Agent", "alliance"), ("Place", "desert")]),
    ("Conflict.Capture", "taken full control", None,
     [("Agent", "sdf_full"), ("Place", "deir1"), ("Time", "friday_afternoon")]),
    ("Conflict.Capture", "fall", "city to fall out", [("Place", "deir1"), ("Opponent", "assad1"), ("Time", "week1")]),
    ("Conflict.Withdraw", "pulled out", None, [("Agent", "gov_forces1"), ("Agent", "iran_backed"), ("Origin", "deir2")]),
    ("Movement.Transport", "swept", "SDF swept in", [("Artifact", "sdf2"), ("Destination", "deir2")]),
    ("Movement.Transport", "swept", "Forces swept through", [("Artifact", "sdf_full2"), ("Destination", "albu_kamal")]),
    ("Conflict.Capture", "changed hands", None, [("Place", "deir3")]),
    ("Conflict.Attack", "conflict", "Syria’s conflict broke", [("Place", "syria5"), ("Time", "y2011")]),
    ("Conflict.Capture", "fell", "It first fell", [("Agent", "rebel_forces")]),
    ("Conflict.Capture", "captured", "group captured it", [("Agent", "islamic_state"), ("Time", "y2014")]),
    ("Conflict.Capture", "retook", None, [("Agent", "syrian_army2"), ("Time", "y2017")]),
    ("Movement.Transport", "advance", "SDF advance", [("Artifact", "sdf3")]),
    ("Conflict.Attack", "bore down", None, [("Attacker", "syrian_rebels"), ("Target", "homs"), ("Time", "friday3")]),
    ("Conflict.Capture", "taken", "already taken the northern",
     [("Agent", "the_rebels"), ("Place", "aleppo1"), ("Place", "hama"), ("Time", "last_week"), ("Time", "this_week")]),
    ("Conflict.Attack", "blows", None, [("Attacker", "the_rebels"), ("Target", "assad3")]),
    ("Contact.Meet", "press conference", None, [("Participant", "abdi1"), ("Place", "hasakeh2"), ("Time", "friday4")]),
    ("Conflict.Attack", "clashed", "had not clashed", [("Attacker", "sdf5"), ("Target", "hts3")]),
    ("Conflict.Attack", "attacked", None, []),
    ("Contact.Meet", "contact", "in contact with", [("Participant", "sdf6"), ("Participant", "us2"), ("Participant", "russia")]),
    ("Conflict.Attack", "clashed", "force has clashed",
     [("Attacker", "whose_force"), ("Target", "gov_forces2"), ("Target", "tehran_backed")]),
    ("Conflict.Withdraw", "collapse", None, [("Agent", "gov_forces3")]),
    ("Conflict.Attack", "assault", None, [("Attacker", "rebel")]),
    ("Movement.Transport", "deployed", None, [("Artifact", "air_defences"), ("Destination", "ne_syria")]),
    ("Life.Die", "killed", None, [("Victim", "six_fighters"), ("Instrument", "drone")]),
    ("Conflict.Attack", "attack", "drone attack",
     [("Instrument", "drone"), ("Target", "six_fighters"), ("Attacker", "pro_iran")]),
]

# (source: entity key or (text, context), cue (text, context), content (text, context), type)
ATTRIBUTIONS = [
    (("Two security sources based in eastern Syria", None), ("said", "Syria said that"),
     ("by Friday afternoon the alliance, known as the Syrian Democratic Forces (SDF), had taken full control of the "
      "city of Deir el-Zor, the third city to fall out of President Bashar al-Assad’s control in a week", None),
     "indirect"),
    ("abu_layla", ("told Reuters", "city, told Reuters"),
     ("Syrian government forces and Iran-backed Iraqi fighters had pulled out of Deir el-Zor before the SDF swept in",
      None), "indirect"),
    (("two Syrian army sources", None), ("told Reuters", "sources told Reuters"),
     ("Shortly afterwards, the Syrian Democratic Forces swept through the nearby Albu Kamal border crossing with Iraq",
      None), "indirect"),
    ("abdi1", ("told reporters", None),
     ("his forces had “channels of communication with Hayat Tahrir al-Sham (HTS),” particularly in order to protect "
      "Kurds living in Aleppo city", None), "mixed"),
    (("He", "He said the SDF"), ("said", "He said the SDF"),
     ("the SDF had not clashed with HTS but that the SDF would defend itself if it was attacked, and that it was in "
      "contact with both the U.S. and Russia to protect areas under their control", None), "indirect"),
    ("abdi2", ("said", "past, said he"),
     ("he was surprised to see government forces collapse so quickly amid the rebel assault", None), "indirect"),
    (("he", "February, he told"), ("told Reuters", "he told Reuters"),
     ("additional air defences should be deployed in northeast Syria after six of his fighters were killed in a drone "
      "attack blamed on pro-Iran factions", None), "indirect"),
]


def locate(text: str, target: str, context: str | None) -> tuple[int, int]:
    """The one place ``target`` stands: inside ``context`` (which must be unique)."""
    where = context or target
    first = text.find(where)
    if first < 0 or text.find(where, first + 1) >= 0:
        raise SystemExit(f"{where!r} must occur exactly once in the article")
    start = text.index(target, first)
    return start, start + len(target)


def build(user: str = "gold-seed") -> Session:
    schema = default_schema()
    doc = read_article(ARTICLE)
    aset = store.new_set(doc, OUT)
    session = Session(aset, schema, yaml_path=OUT, article_path=ARTICLE, user=user)
    text = doc.text
    ids: dict[str, str] = {}
    for key, label, target, context in ENTITIES:
        start, end = locate(text, target, context)
        ent = session.add_entity(label, start, end)
        assert key not in ids, key
        ids[key] = ent.id
    for ev_type, trigger, context, args in EVENTS:
        start, end = locate(text, trigger, context)
        ev = session.add_event(ev_type, start, end)
        for role, key in args:
            assert role in schema.roles(ev_type), (ev_type, role)
            session.set_argument(ev.id, role, ids[key])
    for source, cue, content, kind in ATTRIBUTIONS:
        src = Ref(ids[source]) if isinstance(source, str) else session.span(*locate(text, *source))
        session.add_attribution(src, session.span(*locate(text, *cue)), session.span(*locate(text, *content)), kind)
    return session


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    session = build()
    store.save(session.aset, out)
    a = session.aset
    print(f"{out}: {len(a.entities)} entities, {len(a.events)} events, {len(a.attributions)} attributions")


if __name__ == "__main__":
    main()
