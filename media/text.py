"""Check results and source notices in words, in the language passed in.

Results and notices carry a key of the ``check`` translation domain and its
parameters (``media.results``, ``media.sources``); only this module renders
them, so the values themselves stay free of any language.
"""

from __future__ import annotations

from i18n import translate

from .results import CheckResult
from .sources import Notice, SourceError

__all__ = ["check_hint", "check_json", "check_label", "source_text"]


def check_hint(result: CheckResult, lang: str) -> str:
    """What the user should do about ``result``."""
    return translate(f"check.{result.hint_key}", lang, **result.param_map)


def check_label(result: CheckResult, lang: str) -> str:
    """The check's short name for a table row."""
    return translate(f"check.name_{result.name}", lang)


def check_json(result: CheckResult, lang: str) -> dict[str, object]:
    """A JSON-ready dictionary of ``result``, with the translated label and hint."""
    return {
        "name": result.name,
        "label": check_label(result, lang),
        "level": result.level.value,
        "value": result.value,
        "unit": result.unit,
        "hint": check_hint(result, lang),
        "hint_key": result.hint_key,
        "params": dict(result.params),
    }


def source_text(item: Notice | SourceError, lang: str) -> str:
    """A source's notice or error as the sentence the user reads."""
    return translate(f"check.{item.key}", lang, **item.param_map)
