"""Every string the web pages show comes from gladi/locales, in both languages."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from i18n import LANGUAGES, catalogue
from moderation.actions import SEAT_ACTIONS
from moderation.events import RejectCode
from protocol.inbound import ErrorCode
from protocol.roles import Role
from scenarios.taxonomy import Category, InjectKind, ReportReason

WEB = resources.files("server") / "web"


def _text(name: str) -> str:
    return (WEB / name).read_text(encoding="utf-8")


def _static_keys() -> set[str]:
    keys: set[str] = set()
    for name in ("common.js", "offline.js", "seat.js", "debrief.js", "trainer.js", "day.js"):
        keys |= set(re.findall(r"\bt\(\"([a-z_.]+)\"", _text(name)))
    for name in ("index.html", "trainer.html", "day.html"):
        keys |= set(re.findall(r'data-i18n(?:-placeholder|-title)?="([a-z_.]+)"', _text(name)))
    # Keys assembled from a fixed list in the page (e.g. the seats table header).
    keys |= set(re.findall(r'"(name_col|role|team_col|online|actions|rejected|hits|seat_hits|'
                           r'false_alarms|last_action)"', _text("trainer.js")))
    # The debrief's groups and act lines, named by their key (debrief.js).
    keys |= set(re.findall(r'"(key_harmful|key_false_alarms|key_questions|fastest|slowest)"',
                           _text("debrief.js")))
    return keys


def _lookup(lang: str, key: str) -> str | None:
    messages = catalogue(lang)
    return messages.get("seat." + key, messages.get(key))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_static_keys_exist(lang: str) -> None:
    keys = _static_keys()
    assert len(keys) > 40
    assert sorted(k for k in keys if _lookup(lang, k) is None) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dynamic_key_families_are_complete(lang: str) -> None:
    families = {
        "status": ["lobby", "running", "paused", "ended"],
        "reason": [r.value for r in ReportReason],
        "inject": [k.value for k in InjectKind],
        "official": ["midwife", "village_head"],
        "outcome": ["hit", "late", "miss", "prevented", "false_alarm", "ok", "silenced",
                    "answered", "unanswered"],
        "action": sorted(SEAT_ACTIONS),
        "act": ["delete", "mute", "block", "report", "pin", "unpin", "answer", "thank",
                "welcome", "accept", "decline", "cancel"],
        "serve.role": [r.value for r in Role],
        "serve.error": [c.value for c in ErrorCode],
        "reject": [c.value for c in RejectCode],
        "confirm": ["reset", "end"],
        "day_status": ["lobby", "running", "paused", "ended"],
        "category": [c.value for c in Category],
    }
    missing = [f"{prefix}.{name}" if prefix != "confirm" else f"confirm_{name}"
               for prefix, names in families.items() for name in names
               if _lookup(lang, f"{prefix}.{name}" if prefix != "confirm"
                          else f"confirm_{name}") is None]
    assert missing == []


def test_pages_use_no_inline_script_or_remote_resources() -> None:
    for name in ("index.html", "trainer.html", "day.html"):
        html = _text(name)
        assert "<script>" not in html and "onclick=" not in html  # CSP: script-src 'self'
        assert not re.search(r'(src|href)="(https?:)?//', html)
