"""Check results and source notices in words, in the language passed in.

Results and notices carry a key of the ``check`` translation domain and its
parameters (``media.results``, ``media.sources``); only this module renders
them, so the values themselves stay free of any language.
"""

from __future__ import annotations

from collections.abc import Mapping

from i18n import translate
from i18n.formats import figure, figures

from .results import CheckResult
from .sources import Notice, SourceError

__all__ = ["check_hint", "check_json", "check_label", "check_value", "hint_text", "source_text"]


def hint_text(hint_key: str, params: Mapping[str, object], lang: str) -> str:
    """A check's message by its key and parameters, numbers written the reader's way
    (``-2,6`` in Indonesian): for warnings that travel without their result."""
    return translate(f"check.{hint_key}", lang, **figures(params, lang))


def check_hint(result: CheckResult, lang: str) -> str:
    """What the user should do about ``result``."""
    return hint_text(result.hint_key, result.param_map, lang)


def check_value(result: CheckResult, lang: str) -> str:
    """The measured value with its unit, ``146,9 /255`` (id); ``—`` when not measured."""
    if result.value is None:
        return "—"
    return f"{figure(result.value, lang, digits=4)} {result.unit}".strip()


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
