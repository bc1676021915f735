"""Every message key the media code and ``gladi check`` use exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "media").glob("*.py")), ROOT / "gladi" / "cmd_check.py"]

# CheckResult.make(name, level, value, unit, "key"...), Notice.make("key"),
# SourceError("key"), t("check.key").
PATTERNS = [
    re.compile(r'CheckResult\.make\(\s*"(?P<name>\w+)",[^"]*?"[^"]*",\s*"(?P<key>\w+)"', re.S),
    re.compile(r'Notice\.make\(\s*"(?P<key>\w+)"'),
    re.compile(r'SourceError\(\s*"(?P<key>\w+)"'),
    re.compile(r'"check\.(?P<key>\w+)"'),
    # Keys picked in expressions: `level, key = Level.FAIL, "too_far"`,
    # `key = "backlit" if ... else "backlight_ok"`, `... else "slow_network"`.
    re.compile(r'Level\.\w+,\s*"(?P<key>\w+)"'),
    re.compile(r'key = "(?P<key>\w+)"'),
    re.compile(r'key = [^\n]*?"(?P<key>\w+)"\s+if'),
    re.compile(r'else\s+\(?"(?P<key>\w+)"'),
    re.compile(r'if offset > 0 else "(?P<key>\w+)"'),
    re.compile(r'\("(?P<key>move_\w+)"'),
    re.compile(r'_key = "\w+", "(?P<key>\w+)"'),
    re.compile(r'_key, \w+_key = "(?P<key>\w+)"'),
]
NAMES = re.compile(r'CheckResult\.make\(\s*"(?P<name>\w+)"')


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                keys.add(match.group("key"))
                if match.groupdict().get("name"):
                    keys.add(f"name_{match.group('name')}")
        keys |= {f"name_{m.group('name')}" for m in NAMES.finditer(text)}
    # Keys built from variables in code: result levels, sections, summaries.
    keys |= {f"result_{level}" for level in ("ok", "warn", "fail", "skip")}
    keys |= {f"section_{s}" for s in ("camera", "microphone", "network")}
    keys |= {"summary_ok", "summary_warn", "summary_fail"}
    return keys


def test_the_scan_finds_the_keys() -> None:
    keys = used_keys()
    assert {
        "face_too_dark",
        "backlit",
        "drowned",
        "server_unreachable",
        "camera_lost",
        "file_missing",
        "name_brightness",
        "cli_help",
    } <= keys
    assert len(keys) > 100


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_used_key_is_translated(lang: str) -> None:
    catalogue = i18n.catalogue(lang)
    missing = sorted(k for k in used_keys() if f"check.{k}" not in catalogue)
    assert missing == []
