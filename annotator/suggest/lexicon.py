"""Word lists the rules suggester uses to guess labels from context.

Small on purpose: the gazetteer learned from accepted annotations does the
heavy lifting; these only give capitalised-name candidates a plausible label.
"""

from __future__ import annotations

COUNTRIES = frozenset(
    """Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bahrain Bangladesh
    Belarus Belgium Bolivia Bosnia Brazil Britain Bulgaria Burma Cambodia Cameroon Canada Chad Chile
    China Colombia Congo Croatia Cuba Cyprus Denmark Egypt England Eritrea Ethiopia Finland France
    Georgia Germany Ghana Greece Haiti Hungary India Indonesia Iran Iraq Ireland Israel Italy Japan
    Jordan Kazakhstan Kenya Kosovo Kuwait Kyrgyzstan Laos Lebanon Libya Lithuania Malaysia Mali Mexico
    Moldova Mongolia Morocco Mozambique Myanmar Nepal Netherlands Nicaragua Niger Nigeria Norway Oman
    Pakistan Palestine Panama Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Scotland
    Senegal Serbia Singapore Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tajikistan Tanzania
    Thailand Tunisia Turkey Turkmenistan Uganda Ukraine Uruguay Uzbekistan Venezuela Vietnam Wales
    Yemen Zambia Zimbabwe Gaza""".split()
) | frozenset(
    [
        "U.S.", "US", "USA", "U.S.A.", "UK", "U.K.", "United States", "United Kingdom", "Saudi Arabia",
        "South Africa", "North Korea", "South Korea", "New Zealand", "Sri Lanka", "South Sudan",
        "United Arab Emirates", "UAE", "West Bank", "Czech Republic", "Ivory Coast",
    ]
)

CAPITALS = frozenset(
    """Abu Dhabi Amman Ankara Athens Baghdad Beijing Beirut Berlin Brussels Cairo Damascus Doha Dubai
    Geneva Istanbul Jerusalem Kabul Kyiv Kiev Khartoum Lisbon London Madrid Manila Minsk Moscow
    Nairobi Paris Riyadh Rome Sanaa Seoul Tehran Tokyo Tripoli Tunis Vienna Warsaw Washington
    Aleppo Homs Hama Idlib Raqqa Latakia Mosul Basra Erbil Kirkuk Gaza Kandahar""".split()
) | frozenset(["Abu Dhabi", "New York", "New Delhi", "Tel Aviv", "Hong Kong"])

DEMONYMS = frozenset(
    """Kurd Kurds Kurdish Arab Arabs Arabic Sunni Sunnis Shia Shiite Shiites Alawite Alawites Druze
    Christian Christians Muslim Muslims Jew Jews Jewish Islamist Islamists Jihadist Jihadists Yazidi
    Yazidis Turkmen Thai Swiss Dutch French British English Irish Welsh Scottish Greek Turkish Polish
    Danish Swedish Finnish Spanish Chinese Japanese Vietnamese Lebanese Sudanese Pakistani Pakistanis
    Iraqi Iraqis Israeli Israelis Kuwaiti Qatari Saudi Saudis Yemeni Yemenis Emirati Omani Bahraini
    Afghan Afghans Uzbek Kazakh Tajik Pashtun Baloch Houthi Houthis Republican Republicans Democrat
    Democrats European Europeans""".split()
)

MEDIA = frozenset(["Reuters", "AFP", "AP", "Associated Press", "Bloomberg", "BBC", "CNN", "Al Jazeera", "Xinhua", "TASS", "Interfax"])

KNOWN_ORGS = frozenset(["Islamic State", "Al-Qaeda", "Al Qaeda", "Hezbollah", "Hamas", "Taliban", "NATO", "United Nations", "UN", "U.N.", "European Union", "EU"])

MONTHS = frozenset(
    "January February March April May June July August September October November December".split()
)
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())

#: inside a name, these make it an organisation
ORG_WORDS = frozenset(
    """Forces Force Army Group Council Party Front Ministry Agency Committee Union Organization
    Organisation Corporation Company Bank University Institute Brigade Brigades Movement Alliance
    Coalition Guard Guards Police Court Parliament Assembly Commission Association Federation Office
    Department Network Observatory Centre Center Council Institute Ministry Office Foundation Fund Authority Administration Command Corps Militia
    Militias Council Cabinet Staff Senate Congress Inc Corp Ltd Group Club Team Airlines Airways""".split()
)
#: inside a name, these make it a place (LOC) or a facility (FAC)
LOC_WORDS = frozenset("River Mountains Mountain Desert Valley Sea Gulf Lake Ocean Plain Plains Heights Peninsula".split())
FAC_WORDS = frozenset(
    "Airport Airbase Base Dam Bridge Square Street Road Highway Prison Hospital Palace Crossing Stadium Mosque Church".split()
)
#: after a name, lower-case words that make it a city or region
PLACE_AFTER = {
    "city": "GPE", "town": "GPE", "village": "GPE", "province": "GPE", "governorate": "GPE",
    "district": "GPE", "countryside": "GPE", "border": "GPE", "region": "LOC", "desert": "LOC", "river": "LOC",
}
#: titles (capitalised, part of the run of names but not of the name) that mark a person
TITLES = frozenset(
    """President Minister Prime King Queen Prince Princess Sheikh Emir Mr Mrs Ms Dr General Gen
    Colonel Col Commander Chief Secretary Senator Sen Governor Mayor Pope Ayatollah Imam Lieutenant
    Lt Sergeant Sgt Captain Capt Major Maj Judge Vice Foreign Defence Defense Interior State""".split()
)
#: lower-case words before a name that make it a person
PERSON_BEFORE = frozenset(
    """head leader commander spokesman spokeswoman spokesperson chief minister president envoy official
    activist analyst journalist correspondent director editor founder governor mayor general by""".split()
)
#: lower-case words after ", a/an/the" that make the name before the comma a person
PERSON_APPOSITION = frozenset(
    """activist analyst journalist spokesman spokeswoman official commander leader researcher resident
    witness doctor lawyer professor expert adviser advisor member minister diplomat""".split()
)
#: prepositions of place: a lone name after them is a place
PLACE_BEFORE = frozenset("in at near from to into across outside inside toward towards of through around".split())

#: capitalised words that begin sentences and are not names
STOP = frozenset(
    """The A An In On At By For But And Or If As He She It They We I You This That These Those His Her
    Their Its Our My Your After Before While When Where Why How What Who Which Since Until Shortly Two
    Three Four Five Six Seven Eight Nine Ten One First Last Later Earlier Meanwhile However Also There
    Here Some Many Most All Both Each Every Such Other Another Several Few No Not Yet Still Even Only
    Just Then Thus So Although Though Despite Because During Amid Over Under Among Between Without With
    From To Into Of Instead Reporting Editing Writing Additional Asked Speaking Photo Video Read Follow
    Sign Update Updated Breaking Exclusive Analysis Opinion According Sources Officials Witnesses Residents
    Mondays""".split()
)

PRONOUNS = frozenset("he she they it we i you him her them us me who".split())

#: common lower-case words: a learned name, trigger or cue made only of these is noise
FUNCTION_WORDS = frozenset(
    """a an the of to in on at for with from by about as into onto over under after before during near
    against between among through and or but nor so yet if then than that this these those there here
    is are was were be been being am has have had do does did will would shall should can could may
    might must not no yes it its he him his she her they them their we us our you your i me my who whom
    whose which what when where why how all any each every some such other more most very just also
    only even still up down out off again once too own same both few many much""".split()
)


def is_noise(phrase: str) -> bool:
    """A learned phrase made only of function words, digits and punctuation ("the", "of the")."""
    # (the first word with a letter that is no function word answers: 10,000 learned
    # names of 1 MB asked, each word looked at before)
    for w in phrase.casefold().replace("-", " ").split():
        if w.strip(".,;:'\"’()") not in FUNCTION_WORDS and any(c.isalpha() for c in w):
            return False
    return True

#: multi-word trigger phrases (regular expressions) for event types a schema may have
TRIGGER_PHRASES = {
    "Conflict.Capture": [
        r"(?:take|takes|took|taken|taking|seize|seized|seizes|seizing|gain|gained|gains|assume|assumed)"
        r" (?:(?:full|effective|complete|total|partial|military) )?control",
        r"(?:change|changed|changes|changing) hands",
        r"(?:recaptured|recapture|overran|overrun)",
    ],
    "Contact.Meet": [r"(?:press|news) conference", r"peace talks"],
}
#: lower-case words after a name that make it (with them) a facility
FAC_AFTER = ("border crossing", "crossing", "airport", "air base", "airbase", "military base", "dam", "bridge", "prison", "checkpoint")
#: heads of nominal group mentions ("Syrian government forces") and the lower-case words that may modify them
GROUP_HEADS = frozenset("army forces fighters factions rebels militia militias troops militants soldiers".split())
GROUP_MODIFIERS = frozenset("government rebel opposition security islamist jihadist kurdish".split())
#: words after a weekday that belong to the date
DAYPARTS = frozenset("morning afternoon evening night".split())

#: auxiliaries and adverbs skipped between a subject and its verb
AUX = frozenset(
    """had has have was were is are been be being already also reportedly then later first just would
    will could may might not never previously now again itself themselves""".split()
)
TRANSITIVE_MOVES = frozenset("sent transported evacuated deployed shipped delivered".split())
REPEATABLE_ROLES = frozenset(["Place", "Time", "Destination", "Target", "Participant"])
PASSIVE = frozenset("was were is are been be being".split())
SUBJECT_HEADS = frozenset("group forces force army militia militias alliance coalition government fighters troops".split())
SUBJECT_LABELS = frozenset(["PER", "ORG", "NORP", "GPE"])
PLACE_LABELS = frozenset(["GPE", "LOC", "FAC"])
OBJECT_PRONOUNS = frozenset("reporters journalists him her them us me parliament lawmakers".split())
ADVERBIAL = frozenset(
    "on in at earlier later by during after before from over yesterday today last this late early".split()
)
WEAK_CUES = frozenset(["added", "stated", "announced", "reported", "claimed", "confirmed", "denied", "warned"])
QUOTES_OPEN = "\"\u201c\u2018"
QUOTES_CLOSE = "\"\u201d\u2019"
