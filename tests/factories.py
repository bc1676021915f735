"""Small, hand-written scenarios and content for unit tests of the core."""

from __future__ import annotations

from typing import Any

from moderation.content import ContentIndex
from moderation.engine import Session
from scenarios.schema import ContentPack, Economy, Scenario


def _t(text: str) -> dict[str, str]:
    return {"id": text, "en": text}


def template(tid: str, category: str, text: str, **extra: Any) -> dict[str, Any]:
    harmful = category in {"hoax", "sara", "porn", "judol", "scam", "harassment", "spam",
                           "child_safety"}
    data: dict[str, Any] = {
        "id": tid,
        "category": category,
        "text": text,
        "translation_en": text,
        "severity": 2 if harmful else 0,
        "explanation": _t(f"why {tid}"),
        "acceptable": ["delete", "mute", "block", "report"] if harmful else [],
    }
    if category in ("question", "hoax"):
        data["answer"] = _t("the answer")
        data["source"] = "Kemenkes"
    if category == "question":
        data["acceptable"] = ["answer"]
    if category == "hoax":
        data["acceptable"] = ["delete", "answer", "mute", "report"]
    data.update(extra)
    return data


def pack() -> ContentPack:
    templates = [
        template("hi-1", "greeting", "halo kak dari {place}"),
        template("hi-2", "greeting", "salken bun"),
        template("q-1", "question", "kak imunisasi gratis kan?"),
        template("q-2", "question", "anak sy {age} bln blm BCG, telat?"),
        template("pr-1", "praise", "makasih infonya kak"),
        template("cc-1", "chitchat", "wkwk lucu"),
        template("ot-1", "offtopic", "ada yg jual baju?"),
        template("hx-1", "hoax", "vaksin bikin autis!!"),
        template("sara-1", "sara", "dasar kaum X", severity=3),
        template("porn-1", "porn", "cek bio ada video hot", severity=3),
        template("judol-1", "judol", "slot gacor modal 20rb"),
        template("judol-2", "judol", "s l o t g4c0r", evasion="spaced"),
        template("scam-1", "scam", "giveaway! bayar biaya admin dulu"),
        template("har-1", "harassment", "host jelek"),
        template("spam-1", "spam", "follow aku follow balik"),
        template("child-1", "child_safety", "dek dm kk ya ada hadiah", severity=3,
                 acceptable=["delete", "block", "report"], requires=["block", "report"]),
    ]
    return ContentPack.model_validate(
        {
            "id": "test",
            "title": _t("test pack"),
            "slots": {"place": ["Sukamaju", "Cibodas"], "age": ["2", "4"]},
            "handles": {p: [f"user{i}"] for i, p in enumerate([
                "young_mother", "cadre", "teen", "lurker", "midwife", "village_head",
                "hoaxer", "sara_troll", "gambler", "scammer", "porn_bot", "harasser", "spammer",
                "predator",
            ])},
            "templates": templates,
        }
    )


def economy() -> Economy:
    return Economy.model_validate(
        {
            "as_of": "2026-11",
            "source": "test",
            "coin_idr": 250,
            "creator_share": 0.5,
            "gifts": [
                {"id": "mawar", "name": _t("Mawar"), "coins": 1, "weight": 10},
                {"id": "galaxy", "name": _t("Galaxy"), "coins": 1000, "weight": 1},
            ],
        }
    )


def scenario(**overrides: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "unit",
        "title": _t("Unit"),
        "summary": _t("A scenario for unit tests"),
        "topic": "immunisation",
        "duration_s": 120,
        "difficulty": "easy",
        "learning_goals": [_t("test")],
        "content": ["test"],
        "audience": {"start_viewers": 10, "peak_viewers": 30, "ramp_s": 30},
        "phases": [
            {
                "name": _t("only"),
                "start_s": 0,
                "rates": {"greeting": 0.3, "question": 0.2, "praise": 0.1, "judol": 0.1,
                          "hoax": 0.05},
                "gifts": 0.2,
            }
        ],
    }
    data.update(overrides)
    return Scenario.model_validate(data)


def session(seed: int = 1, **overrides: Any) -> Session:
    sc = scenario(**overrides)
    return Session(sc, ContentIndex([pack()], sc.topic), economy(), seed)
