"""Scenario problems in words: what :class:`scenarios.ScenarioError` means, for people.

The loader reports each problem as a code with its parameters, field path and
line (see ``scenarios/loader.py``); this module turns them into the message a
trainer reads, in the language passed in, falling back to pydantic's English
detail only for a code the catalogue does not know.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from i18n import catalogue, translate
from scenarios.loader import IDENTIFIER, Problem, ScenarioError

__all__ = [
    "describe_path",
    "describe_problem",
    "describe_scenario_error",
    "describe_warning",
    "describe_warnings",
]

#: The pattern of ``as_of`` dates (scenarios/schema.py, ``AsOf``): a date, not an identifier.
_DATE_PATTERN_START = r"^\d{4}-"


def describe_scenario_error(error: ScenarioError, lang: str) -> str:
    """Return a translated, multi-line message naming the file and each problem."""
    count = len(error.problems)
    header_key = (
        "scenario.describe.header_one" if count == 1 else "scenario.describe.header_many"
    )
    lines = [translate(header_key, lang, file=error.file, count=count)]
    lines.extend("  - " + describe_problem(p, lang) for p in error.problems)
    return "\n".join(lines)


#: Error codes whose offending value helps the reader (a mistyped number, a
#: wrong word); for the others the value is a whole block or is already named.
_SHOW_INPUT = frozenset(
    {
        "bool_parsing",
        "bool_type",
        "dict_type",
        "enum",
        "float_parsing",
        "float_type",
        "greater_than",
        "greater_than_equal",
        "int_from_float",
        "int_parsing",
        "int_type",
        "less_than",
        "less_than_equal",
        "list_type",
        "literal_error",
        "model_attributes_type",
        "model_type",
        "string_pattern_mismatch",
        "string_too_long",
        "string_type",
        "tuple_type",
    }
)

#: Codes that share a message with another code.
_SAME_MESSAGE = {
    "literal_error": "enum",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
    "tuple_type": "list_type",
    "int_type": "int_parsing",
    "float_type": "float_parsing",
    "bool_type": "bool_parsing",
}


def _message_key(problem: Problem) -> str:
    """Choose the catalogue key for a problem, including its more specific variants."""
    code = _SAME_MESSAGE.get(problem.code, problem.code)
    params = problem.params
    if code == "enum" and params.get("in_key"):
        return "enum_key"
    if code == "string_pattern_mismatch" and params.get("pattern") == IDENTIFIER.pattern:
        return "string_pattern_mismatch_identifier"
    if code == "string_pattern_mismatch" and str(params.get("pattern", "")).startswith(
        _DATE_PATTERN_START
    ):
        return "string_pattern_mismatch_date"
    if code in (
        "extra_forbidden", "unknown_scenario", "unknown_content_pack", "unknown_template"
    ) and params.get("suggestion"):
        return code + "_suggest"
    if code == "yaml_syntax" and params.get("column") is None:
        return "yaml_syntax_no_column"
    return code


def _yaml_hint(problem: Problem, lang: str) -> str:
    """What to do about a YAML mistake, from its kind (never the parser's English)."""
    kind = str(problem.params.get("kind") or "other")
    if kind == "special_char" and not problem.params.get("char"):
        kind = "special_char_nochar"
    key = f"scenario.yaml.{kind}"
    if key not in catalogue(lang):
        key = "scenario.yaml.other"
    return translate(key, lang, char=problem.params.get("char", ""),
                     close=problem.params.get("close", ""))


def _format_param(value: object, none_text: str) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else none_text
    return str(value)


def describe_problem(problem: Problem, lang: str) -> str:
    """One problem in words: where it is (file, line, field) and what to do."""
    return _place(problem, _message(problem, "scenario.error." + _message_key(problem), lang),
                  lang)


def describe_warning(warning: Problem, lang: str) -> str:
    """One warning (a valid scenario that may make a poor drill) in words, with its place."""
    return _place(warning, _message(warning, "scenario.warn." + warning.code, lang), lang)


def describe_warnings(file: str, warnings: Sequence[Problem], lang: str) -> str:
    """A header naming the file, then each warning on its own line ("" when none)."""
    if not warnings:
        return ""
    lines = [translate("scenario.describe.warnings_header", lang, file=file,
                       count=len(warnings))]
    lines += [translate("scenario.describe.warning_item", lang,
                        message=describe_warning(w, lang)) for w in warnings]
    return "\n".join(lines)


def _message(problem: Problem, key: str, lang: str) -> str:
    none_text = translate("scenario.describe.none", lang)
    params = {name: _format_param(value, none_text) for name, value in problem.params.items()}
    if problem.code == "yaml_syntax":
        params["hint"] = _yaml_hint(problem, lang)
    text = problem.message
    if key in catalogue(lang):
        try:
            text = translate(key, lang, **params)
        except (KeyError, IndexError, ValueError):
            # A message whose values are missing falls back to pydantic's English.
            text = problem.message
    # For a wrong dict key the message already names it.
    if problem.code in _SHOW_INPUT and "input" in params and not problem.params.get("in_key"):
        text += translate("scenario.describe.input", lang, input=params["input"])
    return text


#: One step of a field path: ``.name``, ``[0]`` or ``['a key']``.
_STEP = re.compile(r"\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def describe_path(path: str, lang: str) -> str:
    """A field path as a person counts: ``phases[0].rates.hoax`` is "phases ke-1 > rates >
    hoax" in Indonesian. The names stay as they are written in the file; list items
    count from 1."""
    steps: list[str] = []
    for name, index, key in _STEP.findall(path):
        if index:
            field = steps.pop() if steps else ""
            steps.append(translate("scenario.describe.path_item", lang, field=field,
                                   n=int(index) + 1).strip())
        else:
            steps.append(name or key)
    return translate("scenario.describe.path_sep", lang).join(steps) if steps else path


def _place(problem: Problem, text: str, lang: str) -> str:
    """Prefix a message with its line and field path, and its file when not the scenario."""
    path = describe_path(problem.path, lang) if problem.path else ""
    if problem.line is not None and path:
        placed = translate(
            "scenario.describe.item_line_path",
            lang,
            line=problem.line,
            path=path,
            message=text,
        )
    elif problem.line is not None:
        placed = translate("scenario.describe.item_line", lang, line=problem.line, message=text)
    elif path:
        placed = translate("scenario.describe.item_path", lang, path=path, message=text)
    else:
        placed = text
    if problem.file:
        return translate("scenario.describe.in_file", lang, file=problem.file, rest=placed)
    return placed
