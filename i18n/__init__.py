"""The one translation layer for every user-facing string.

Catalogues are YAML files under ``i18n/locales/<lang>/<domain>.yaml``. Each file
is a flat mapping of keys to :meth:`str.format` templates; the key a caller uses
is ``<domain>.<key>``. Splitting catalogues by domain lets each part of the
application (command line, desktop, server, pre-flight checks) keep its strings
beside the others without editing one huge file.

Indonesian (``id``) is the default; English (``en``) must be complete. A test
checks that both languages hold the same keys with the same placeholders.

The language is always passed in: there is no process-wide current language,
and importing this module reads nothing (catalogues load on first use). The
command line decides the language once (``--lang`` or ``GLADI_LANG``) and hands
it down.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from importlib import resources

import yaml

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "catalogue",
    "normalise_language",
    "placeholders",
    "translate",
]

LANGUAGES: tuple[str, ...] = ("id", "en")
DEFAULT_LANGUAGE = "id"


def normalise_language(lang: str | None) -> str:
    """Map a language tag such as ``en_US.UTF-8`` or ``ID`` to ``id`` or ``en``.

    Unknown tags fall back to Indonesian, the default for Gladi's users.
    """
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].split(".")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Return every message of ``lang`` keyed by ``domain.key``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    messages: dict[str, str] = {}
    folder = resources.files("i18n") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        domain = entry.name.removesuffix(".yaml")
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            messages[f"{domain}.{key}"] = str(value)
    return messages


def placeholders(template: str) -> frozenset[str]:
    """Return the names of the ``{placeholders}`` in a message template."""
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    )


def translate(key: str, lang: str, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (a tag :func:`normalise_language` accepts).

    A key missing from the catalogue is returned as is, so a forgotten string
    shows up visibly instead of crashing a user's session; the catalogue test
    catches it before release.
    """
    messages = catalogue(lang if lang in LANGUAGES else normalise_language(lang))
    template = messages.get(key)
    if template is None:
        return key
    return template.format(**params) if params else template
