"""The shared vocabulary: comment categories, personas, responses, report reasons.

These enumerations sit at the bottom of the dependency graph (scenarios ←
moderation ← simulator) because scenario files and content packs name them,
and every other layer reasons with them. Their string values are the stable
JSON form used in files, logs and the drill protocol.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What a comment is (docs/content.md, "A template")."""

    GREETING = "greeting"
    QUESTION = "question"
    PRAISE = "praise"
    CHITCHAT = "chitchat"
    OFFTOPIC = "offtopic"
    HOAX = "hoax"
    SARA = "sara"
    PORN = "porn"
    JUDOL = "judol"
    SCAM = "scam"
    HARASSMENT = "harassment"
    SPAM = "spam"
    #: Grooming a minor, or sexual talk about children: block and report, every time.
    CHILD_SAFETY = "child_safety"

    @property
    def harmful(self) -> bool:
        """True for the categories a moderator must act on."""
        return self in HARMFUL


HARMFUL: frozenset[Category] = frozenset(
    {
        Category.HOAX,
        Category.SARA,
        Category.PORN,
        Category.JUDOL,
        Category.SCAM,
        Category.HARASSMENT,
        Category.SPAM,
        Category.CHILD_SAFETY,
    }
)
HARMLESS: frozenset[Category] = frozenset(set(Category) - HARMFUL)


class Response(StrEnum):
    """A response a trainee may give to one comment; templates list the acceptable ones."""

    ANSWER = "answer"
    DELETE = "delete"
    MUTE = "mute"
    BLOCK = "block"
    REPORT = "report"
    PIN = "pin"
    THANK = "thank"


#: Responses that hide a comment or silence its author. On a harmless comment
#: any of these (or a report) is a false alarm.
REMOVALS: frozenset[Response] = frozenset({Response.DELETE, Response.MUTE, Response.BLOCK})
#: Responses a template may require all of (``Template.requires``): those that act on
#: the account, not only on the comment.
REQUIRABLE: frozenset[Response] = frozenset({Response.BLOCK, Response.REPORT})
#: What the categories that endanger someone require, whatever the template says:
#: a groomer or a threat is blocked and reported, never only deleted or muted.
REQUIRED_FOR: dict[Category, frozenset[Response]] = {
    Category.CHILD_SAFETY: frozenset({Response.BLOCK, Response.REPORT}),
}


class ReportReason(StrEnum):
    """Report reasons, shaped after TikTok's report menu."""

    MISINFORMATION = "misinformation"
    HATE = "hate"
    SEXUAL = "sexual"
    GAMBLING = "gambling"
    SCAM = "scam"
    HARASSMENT = "harassment"
    SPAM = "spam"


#: The report reason that fits each harmful category.
REPORT_REASON: dict[Category, ReportReason] = {
    Category.HOAX: ReportReason.MISINFORMATION,
    Category.SARA: ReportReason.HATE,
    Category.PORN: ReportReason.SEXUAL,
    Category.JUDOL: ReportReason.GAMBLING,
    Category.SCAM: ReportReason.SCAM,
    Category.HARASSMENT: ReportReason.HARASSMENT,
    Category.SPAM: ReportReason.SPAM,
    # TikTok's menu has no reason of its own for it in Gladi's set; grooming is
    # sexual exploitation, reported as sexual content.
    Category.CHILD_SAFETY: ReportReason.SEXUAL,
}


class Evasion(StrEnum):
    """How a troll comment dodges keyword filters."""

    SPACED = "spaced"  # "g a c o r", "v.c.s", "a-u-t-i-s"
    LEET = "leet"  # digits for letters: "g4c0r"
    HOMOGLYPH = "homoglyph"  # look-alike Unicode: "ｇａｃｏｒ", "𝙜𝙖𝙘𝙤𝙧"
    WAWA = "wawa"  # euphemisms such as "wawa" for WhatsApp
    EUPHEMISM = "euphemism"
    INVISIBLE = "invisible"  # zero-width characters inside a keyword: "sl\u200bot"


class Persona(StrEnum):
    """Who a synthetic viewer is."""

    YOUNG_MOTHER = "young_mother"
    CADRE = "cadre"
    MIDWIFE = "midwife"
    VILLAGE_HEAD = "village_head"
    TEEN = "teen"
    LURKER = "lurker"
    HOAXER = "hoaxer"
    SARA_TROLL = "sara_troll"
    GAMBLER = "gambler"
    SCAMMER = "scammer"
    PORN_BOT = "porn_bot"
    HARASSER = "harasser"
    SPAMMER = "spammer"
    ELDER = "elder"  # an older viewer (lansia), or their grown-up child, at a posyandu lansia
    PREDATOR = "predator"  # an adult approaching minors (grooming)


#: Personas the audience mix may name (trolls arrive through comment rates and injects).
REGULAR_PERSONAS: frozenset[Persona] = frozenset(
    {Persona.YOUNG_MOTHER, Persona.CADRE, Persona.TEEN, Persona.LURKER, Persona.ELDER}
)
OFFICIALS: frozenset[Persona] = frozenset({Persona.MIDWIFE, Persona.VILLAGE_HEAD})

#: Which troll persona posts each harmful category.
TROLL_FOR: dict[Category, Persona] = {
    Category.HOAX: Persona.HOAXER,
    Category.SARA: Persona.SARA_TROLL,
    Category.PORN: Persona.PORN_BOT,
    Category.JUDOL: Persona.GAMBLER,
    Category.SCAM: Persona.SCAMMER,
    Category.HARASSMENT: Persona.HARASSER,
    Category.SPAM: Persona.SPAMMER,
    Category.CHILD_SAFETY: Persona.PREDATOR,
}


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class InjectKind(StrEnum):
    """Scripted or trainer-triggered happenings."""

    TROLL_RAID = "troll_raid"
    HOAX_WAVE = "hoax_wave"
    GIFT_STORM = "gift_storm"
    QUESTION_WAVE = "question_wave"
    OFFICIAL_JOINS = "official_joins"
    GUEST_REQUEST = "guest_request"
    NETWORK_DROP = "network_drop"


#: The built-in topics and the words a trainer may write for them (Indonesian and
#: English), so that ``topic: anemia`` is matched to ``adolescent`` by meaning, not
#: to ``vitamin_a`` by spelling. A pack may bring topics of its own; these are
#: the ones the built-in packs use (docs/content.md, "Topics").
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "general": ("umum", "general"),
    "posyandu": ("posyandu", "ilp", "kader", "cadre", "meja", "langkah", "ukbm"),
    "immunisation": ("imunisasi", "immunization", "immunisation", "vaksin", "vaccine",
                     "vaccination", "vaksinasi", "imun", "bias", "polio", "bcg", "campak",
                     "measles", "rotavirus", "pcv", "mr", "kipi", "dpt"),
    "weighing": ("timbang", "penimbangan", "menimbang", "berat", "weight", "weighing", "kms",
                 "grafik", "growth", "tumbuh", "pertumbuhan", "bb", "2t"),
    "breastfeeding": ("asi", "menyusui", "laktasi", "breastfeeding", "breast", "kolostrum",
                      "colostrum", "imd", "susu"),
    "mpasi": ("mpasi", "mp-asi", "complementary", "feeding", "weaning", "makan", "makanan",
              "bubur"),
    "vitamin_a": ("vitamin", "vita", "kapsul", "capsule"),
    "pmt": ("pmt", "supplementary", "tambahan"),
    "stunting": ("stunting", "pendek", "kerdil", "gizi", "nutrition", "malnutrition", "hpk"),
    "first_aid": ("p3k", "pertolongan", "first", "aid", "diare", "diarrhoea", "diarrhea",
                  "demam", "fever", "kejang", "seizure", "oralit", "darurat", "emergency",
                  "sakit"),
    "selling": ("jualan", "jual", "selling", "shop", "toko", "belanja", "keranjang",
                "dagang", "umkm"),
    "live_tools": ("live", "tiktok", "moderasi", "moderation", "moderator", "filter", "tools",
                   "fitur"),
    "adolescent": ("remaja", "teen", "teenager", "teenagers", "adolescent", "adolescents",
                   "anemia", "anaemia", "ttd", "haid", "menstruasi", "menstruation", "putri",
                   "rematri", "sekolah", "school", "youth"),
    "pregnancy": ("hamil", "bumil", "kehamilan", "pregnancy", "pregnant", "antenatal", "anc",
                  "prenatal", "persalinan", "birth", "nifas", "mms"),
    "elderly": ("lansia", "elderly", "elder", "older", "lanjut", "usia", "hipertensi",
                "hypertension", "tensi", "diabetes", "gula", "ptm", "manula"),
}


def builtin_topic(word: str) -> str | None:
    """The built-in topic a trainer's word means (``anemia`` → ``adolescent``), or None."""
    folded = word.casefold().replace("_", " ").replace("-", " ")
    parts = folded.split()
    whole = {folded, folded.replace(" ", ""), folded.replace(" ", "_"), word.casefold()}
    for topic, words in TOPIC_WORDS.items():
        if topic in whole or whole & set(words):
            return topic
    for topic, words in TOPIC_WORDS.items():
        if any(part in words for part in parts):
            return topic
    return None
