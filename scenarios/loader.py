"""Load and validate scenario files, content packs and the economy config.

Files are YAML checked by the pydantic models of :mod:`scenarios.schema`. A bad
file raises :class:`ScenarioError`, which lists *every* problem of the file,
each with the field path and, where the YAML gives it, the line, so that a
trainer editing a scenario in Notepad can find and fix all mistakes in one go.

How lines are found: the YAML is first *composed* into nodes, which carry their
position in the text, and only then constructed into plain Python data for
pydantic. Each pydantic error location (``("phases", 0, "rates", "hoax")``) is
walked down the node tree to the deepest node that exists; a field that is
missing therefore points at its parent's line.

Built-in data is read with :mod:`importlib.resources`, so it works the same
from a source checkout and from an installed wheel.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import reprlib
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from i18n.errors import GladiError

from .checks import (
    LOADER_CHECKS,
    TOPICAL,
    Finding,
    clash_findings,
    model_rule_findings,
    pack_findings,
    pack_rule_findings,
    scenario_warnings,
    scripted_findings,
    timeline_findings,
)
from .schema import ContentPack, Economy, Scenario, is_pack_file

__all__ = [
    "IDENTIFIER",
    "Problem",
    "ScenarioCheck",
    "ScenarioError",
    "builtin_content_ids",
    "builtin_scenario_ids",
    "check_scenario",
    "load_content",
    "load_content_pack",
    "load_economy",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
]

_M = TypeVar("_M", bound=BaseModel)

#: The pattern of :data:`scenarios.schema.Identifier`; built-in ids must match it
#: before they are turned into a file name, so an id can never escape the data folder.
IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_INPUT_REPR_LIMIT = 60
_YAML_SUFFIXES = (".yaml", ".yml")


# ---------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file.

    ``path`` is the field path (``"phases[2].rates.hoax"``; ``""`` for the
    whole file), ``line`` the 1-based line where that node starts in the YAML,
    ``code`` a stable machine-readable code (pydantic's error type, or one of
    the loader's own: ``yaml_syntax``, ``not_a_mapping``, ``empty_file``,
    ``not_utf8``, ``file_not_found``, ``is_a_directory``, ``unreadable``,
    ``duplicate_key``, ``id_mismatch``, ``unknown_scenario``,
    ``unknown_content_pack``, and the cross-field codes of
    :mod:`scenarios.checks`), ``message`` the English detail, ``params`` the
    values a translated message is built from, and ``file`` the file the
    problem is in when that is not the scenario itself (a content pack file
    beside it, or a built-in pack).
    """

    path: str
    line: int | None
    code: str
    message: str
    # Excluded from the hash because a mapping is not hashable; still compared.
    params: Mapping[str, object] = field(
        default_factory=lambda: types.MappingProxyType({}), hash=False
    )
    file: str | None = None


class ScenarioError(GladiError):
    """A file (scenario, content pack, economy) that cannot be used, with all its problems."""

    file: str
    problems: tuple[Problem, ...]

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        problems = tuple(problems)
        # Passing both to Exception keeps the error picklable (args round-trip).
        super().__init__(file, problems)
        self.file = file
        self.problems = problems

    def __str__(self) -> str:
        # Plain English for logs and developers; people read
        # debrief.scenario_text.describe_scenario_error().
        parts = []
        for problem in self.problems:
            where = ", ".join(
                part
                for part in (
                    problem.file or "",
                    f"line {problem.line}" if problem.line else "",
                    problem.path,
                )
                if part
            )
            parts.append(f"{where}: {problem.message}" if where else problem.message)
        return f"{self.file}: " + "; ".join(parts)

# ---------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """A safe loader that reads scalars the way people writing scenarios expect.

    YAML 1.1, which PyYAML follows, turns ``2025-01-31`` into a date, ``on``,
    ``off``, ``yes``, ``no`` into booleans and ``1:30`` into 90. A date where a
    text is expected, or a keyword ``no`` that became ``False``, would be a
    baffling error, so here only ``true``/``false`` are booleans and dates stay
    text (as in YAML 1.2). Pydantic still accepts ``yes``/``no`` for true
    booleans.
    """


_DROPPED_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


#: How a PyYAML complaint reads, mapped to the kind of mistake a person made, so
#: that the message can say what to do in the user's language instead of
#: passing the parser's English on. Checked in order; the first match wins.
_YAML_KINDS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "tab"),
    ("tab character", "tab"),
    ("that cannot start any token", "special_char"),
    ("quoted scalar", "quote"),
    ("escape character", "quote"),
    ("flow sequence", "bracket"),
    ("flow mapping", "bracket"),
    ("mapping values are not allowed", "colon_in_value"),
    ("could not find expected ':'", "missing_colon"),
    ("alias", "alias"),
    ("anchor", "alias"),
    ("constructor for the tag", "tag"),
    ("block end", "indent"),
    ("expected key", "indent"),
    ("'-' indicator", "indent"),
    ("block collection", "indent"),
    ("block mapping", "indent"),
)


def yaml_kind(problem: str, context: str | None = None) -> str:
    """The kind of a PyYAML error (``tab``, ``quote``, ``indent`` …), ``other`` if unknown."""
    words = f"{problem} {context or ''}"
    return next((kind for marker, kind in _YAML_KINDS if marker in words), "other")


def _unpaired_quote(text: str, first: yaml.Mark | None, last: yaml.Mark | None) -> bool:
    """True when a line between two parser marks has an odd number of double quotes."""
    if first is None or last is None:
        return False
    lines = text.splitlines()[first.line:last.line + 1]
    return any(line.replace('\\"', "").count('"') % 2 for line in lines)


def _char_at(text: str, mark: yaml.Mark) -> str:
    """The character at a parser mark ("" past the end)."""
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""


def _yaml_params(kind: str, detail: str, column: int | None,
                 **extra: object) -> types.MappingProxyType[str, object]:
    return types.MappingProxyType({"kind": kind, "detail": detail, "column": column, **extra})


def _yaml_problem(error: yaml.YAMLError, text: str) -> Problem:
    """Turn a PyYAML error into a ``yaml_syntax`` problem with its line, column and kind.

    ``detail`` keeps the parser's English for developers; messages for people
    are built from ``kind`` (and ``char``, the character at fault).
    """
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        detail = problem
        extra: dict[str, object] = {}
        if error.context:
            context_line = error.context_mark.line + 1 if error.context_mark else None
            extra["context"] = error.context
            extra["context_line"] = context_line
            detail = f"{detail} ({error.context}" + (
                f", line {context_line})" if context_line else ")"
            )
        kind = yaml_kind(problem, error.context)
        if kind in ("indent", "bracket", "colon_in_value") and _unpaired_quote(
            text, error.context_mark or mark, mark
        ):
            # An unclosed quote swallows what follows, and the parser then
            # complains about the indentation or a bracket further down.
            kind = "quote"
        found = re.search(r"found character '(.)'", problem)
        if found:
            extra["char"] = found.group(1)
        if (kind == "bracket" and error.context_mark is not None and mark is not None
                and mark.line > error.context_mark.line):
            # The parser notices only further down; the mistake is where the bracket opened.
            mark = error.context_mark
            kind = "bracket_unclosed"
            extra["char"] = _char_at(text, mark)
            extra["close"] = {"{": "}", "[": "]"}.get(str(extra["char"]), "")
        elif kind == "bracket" and "but got ':'" in problem:
            # {id: Inti: pagi, en: Core}: the colon, not a bracket, is the mistake.
            kind = "colon_in_braces"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        return Problem("", line, "yaml_syntax", detail,
                       _yaml_params(kind, detail, column, **extra))
    if isinstance(error, yaml.reader.ReaderError):
        # A control character (often from copy-and-paste): the reader knows only
        # its offset in the text, from which the line follows.
        character = error.character
        detail = (
            f"unacceptable character #x{character:04x}"
            if isinstance(character, int)
            else f"unacceptable character {character!r}"
        )
        line = text.count("\n", 0, error.position) + 1
        return Problem("", line, "yaml_syntax", detail, _yaml_params("control_char", detail, None))
    detail = str(error)
    return Problem("", None, "yaml_syntax", detail, _yaml_params("other", detail, None))


def _duplicate_keys(root: yaml.Node) -> list[Problem]:
    """Find keys written twice in one mapping; PyYAML would silently keep the last."""
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    # An explicit stack rather than recursion: deep files must not overflow it,
    # and the id set makes aliases (even recursive ones) cheap.
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    stack.append((value_node, path))
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = str(key_node.value)
                child_path = _join_path(path, key)
                if key in first_lines:
                    problems.append(
                        Problem(
                            child_path,
                            _line(key_node),
                            "duplicate_key",
                            f"key {key!r} appears twice (first on line {first_lines[key]})",
                            types.MappingProxyType({"field": key, "first_line": first_lines[key]}),
                        )
                    )
                else:
                    first_lines[key] = _line(key_node)
                stack.append((value_node, child_path))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))
    return problems


def _join_path(path: str, element: int | str) -> str:
    """Append one pydantic location element to a dotted field path."""
    if isinstance(element, int):
        return f"{path}[{element}]"
    if re.fullmatch(r"[A-Za-z0-9_-]+", element):
        return f"{path}.{element}" if path else element
    return f"{path}[{element!r}]"


def _child(node: yaml.Node | None, element: int | str) -> tuple[yaml.Node | None, int | None]:
    """Return the child node at ``element`` and the line where it starts."""
    if isinstance(node, yaml.MappingNode):
        # The last match wins, as in YAML construction: after a merge (<<) the
        # explicit key follows the merged ones.
        for key_node, value_node in reversed(node.value):
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(element):
                return value_node, _line(key_node)
        return None, None
    if isinstance(node, yaml.SequenceNode) and isinstance(element, int):
        if 0 <= element < len(node.value):
            item = node.value[element]
            return item, _line(item)
    return None, None


def _locate(root: yaml.Node, loc: Sequence[int | str]) -> tuple[str, int | None]:
    """Map a pydantic location to a field path and the line of its deepest known node.

    The root mapping gives no line of its own: a field missing at the top
    level belongs to the whole file, not to whichever key happens to come first.
    """
    path = ""
    line: int | None = None
    node: yaml.Node | None = root
    for element in loc:
        path = _join_path(path, element)
        node, child_line = _child(node, element)
        if child_line is not None:
            line = child_line
    return path, line


# ---------------------------------------------------------------- pydantic


def _unwrap(annotation: object) -> object:
    """Strip ``Annotated`` and ``X | None`` down to the type that holds fields."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            arms = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(arms) != 1:
                return annotation
            annotation = arms[0]
        else:
            return annotation


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[str, ...]:
    """Return the field names of the model found at ``loc`` (best effort, for suggestions)."""
    current: object = model
    for element in loc:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(element))
            if info is None:
                return ()
            current = info.annotation
        elif origin in (tuple, list) and args:
            current = args[0]
        elif origin is dict and len(args) == 2:
            current = args[1]
        else:
            return ()
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return tuple(current.model_fields)
    return ()


def _safe_param(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_safe_param(v) for v in value)
    return str(value)


#: Bounded repr: the offending input may be a whole block of the file, and a
#: full repr of a large (or alias-multiplied) block would be slow and useless.
_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = _INPUT_REPR_LIMIT
_REPR.maxother = _INPUT_REPR_LIMIT


def _short_repr(value: object) -> str:
    text = _REPR.repr(value)
    return text if len(text) <= _INPUT_REPR_LIMIT else text[: _INPUT_REPR_LIMIT - 3] + "..."


def _validation_problem(error: ErrorDetails, root: yaml.Node, model: type[BaseModel],
                        prefix: Sequence[int | str] = ()) -> Problem:
    """Turn one pydantic error into a :class:`Problem` located in the YAML."""
    loc = [*prefix, *error["loc"]]
    params: dict[str, object] = {}
    if loc and loc[-1] == "[key]":
        # A dict key of the wrong kind, e.g. an unknown category under rates.
        loc.pop()
        params["in_key"] = True
        params["key_name"] = str(loc[-1]) if loc else ""
    ctx = dict(error.get("ctx") or {})
    # A model's own rule names the field below the model it is about ("at").
    at = ctx.pop("at", ())
    if isinstance(at, (list, tuple)):
        loc.extend(part for part in at if isinstance(part, int | str))
    path, line = _locate(root, loc)
    for name, value in ctx.items():
        params[name] = _safe_param(value)
    code = error["type"]
    message = error["msg"]
    if code == "value_error" and "error" in params:
        # pydantic prefixes "Value error, "; the validator's own words are clearer.
        message = str(params["error"])
    if code in ("enum", "literal_error") and isinstance(params.get("expected"), str):
        # "'a', 'b' or 'c'" (English "or", enum reprs for literals) → a plain list.
        params["choices"] = tuple(re.findall(r"'([^']*)'", str(params["expected"])))
    if loc and isinstance(loc[-1], str):
        params["field"] = loc[-1]
    if code == "extra_forbidden" and loc:
        allowed = _fields_at(model, loc[len(prefix):-1])
        params["allowed"] = allowed
        matches = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if matches:
            params["suggestion"] = matches[0]
    params["input"] = _short_repr(error.get("input"))
    return Problem(path, line, code, message, types.MappingProxyType(params))


def _finding_problem(finding: Finding, root: yaml.Node | None, file: str | None = None) -> Problem:
    """Locate a cross-field finding in the YAML it came from."""
    if root is None:
        path = ""
        for element in finding.loc:
            path = _join_path(path, element)
        line = None
    else:
        path, line = _locate(root, finding.loc)
    params = {name: _safe_param(value) for name, value in finding.params.items()}
    return Problem(path, line, finding.code, finding.message, types.MappingProxyType(params),
                   file)


def _sort_key(problem: Problem) -> tuple[bool, str, int]:
    # The file's own problems first, top to bottom; whole-file problems first.
    return (problem.file is not None, problem.file or "", problem.line or 0)


@dataclass(frozen=True)
class _Document:
    """A YAML file composed into nodes (for lines) and constructed into data."""

    root: yaml.Node
    data: dict[str, Any]
    problems: list[Problem]


def _compose(text: str, filename: str) -> _Document:
    """Read YAML ``text`` into nodes and data; raise for what makes it unreadable."""
    loader: _Loader | None = None
    try:
        # Inside the try: the reader already rejects control characters here.
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is None:
            raise ScenarioError(filename, [Problem("", None, "empty_file", "the file is empty")])
        problems = _duplicate_keys(root)
        data = loader.construct_document(root)
    except yaml.YAMLError as error:
        raise ScenarioError(filename, [_yaml_problem(error, text)]) from None
    except RecursionError:
        # Only a pathologically nested file gets here; say so rather than crash.
        raise ScenarioError(
            filename,
            [
                Problem(
                    "",
                    None,
                    "yaml_syntax",
                    "the YAML is nested too deeply",
                    _yaml_params("nesting", "the YAML is nested too deeply", None),
                )
            ],
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise ScenarioError(filename, [Problem("", None, "empty_file", "the file is empty")])
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else "scalar"
        raise ScenarioError(
            filename,
            [
                Problem(
                    "",
                    _line(root),
                    "not_a_mapping",
                    f"the file must be a mapping of fields, not a {kind}",
                    types.MappingProxyType({"kind": kind}),
                )
            ],
        )
    return _Document(root, data, problems)


def _validate(document: _Document, model: type[_M]) -> tuple[_M | None, list[Problem]]:
    """Validate the document as ``model``; its schema problems, and its cross-field ones."""
    problems: list[Problem] = []
    result: _M | None = None
    try:
        result = model.model_validate(document.data, context={LOADER_CHECKS: True})
    except ValidationError as error:
        problems.extend(
            _validation_problem(details, document.root, model)
            for details in error.errors(include_url=False)
        )
    problems = [p for p in problems if not _spurious(p, document.data)]
    findings: list[Finding] = []
    if model is ContentPack:
        findings = pack_findings(document.data) + pack_rule_findings(document.data)
    elif model is Scenario:
        findings = timeline_findings(document.data) + model_rule_findings(document.data)
        raw_packs = document.data.get("packs")
        if isinstance(raw_packs, list):
            for i, raw in enumerate(raw_packs):
                if isinstance(raw, Mapping):
                    findings += [Finding(("packs", i, *f.loc), f.code, f.message, f.params)
                                 for f in pack_findings(raw)]
    # A rule about a value the schema already refuses would only repeat it.
    refused = {p.path for p in problems}
    for finding in findings:
        problem = _finding_problem(finding, document.root)
        if problem.path in refused or ("duration_s" in refused
                                       and "duration_s" in finding.params):
            continue
        problems.append(problem)
    return (result if not findings else None), problems


def _raw_at(data: object, path: str) -> object:
    """The raw value at a field path (``phases[0].rates``), or None when there is none."""
    for key, index in re.findall(r"\.?([A-Za-z0-9_-]+)|\[(\d+)\]", path):
        if index:
            data = data[int(index)] if isinstance(data, list) and int(index) < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    return data


def _spurious(problem: Problem, data: object) -> bool:
    """A problem pydantic adds on top of the real ones: a list "too short" because its
    items failed, though the file has enough of them (the items' problems are reported)."""
    if problem.code != "too_short":
        return False
    raw = _raw_at(data, problem.path)
    minimum = problem.params.get("min_length")
    return isinstance(raw, list) and isinstance(minimum, int) and len(raw) >= minimum


def _parse_model(text: str, filename: str, model: type[_M]) -> _M:
    """Parse YAML ``text`` into ``model``, raising :class:`ScenarioError` with every problem."""
    document = _compose(text, filename)
    result, problems = _validate(document, model)
    problems = document.problems + problems
    if problems or result is None:
        raise ScenarioError(filename, sorted(problems, key=_sort_key))
    return result


def _decode(data: bytes, filename: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or raise ``not_utf8``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScenarioError(
            filename,
            [
                Problem(
                    "",
                    line,
                    "not_utf8",
                    f"the file is not UTF-8 text (byte {error.start}: {error.reason})",
                    types.MappingProxyType({"byte": error.start, "detail": error.reason}),
                )
            ],
        ) from None


def _read_file(path: Path, filename: str) -> bytes:
    """Read a file the user named, turning OS errors into problems."""

    def fail(code: str, message: str, **params: object) -> ScenarioError:
        return ScenarioError(
            filename, [Problem("", None, code, message, types.MappingProxyType(params))]
        )

    # Checked first: on Windows reading a folder is a PermissionError, not IsADirectoryError.
    if path.is_dir():
        raise fail("is_a_directory", "this is a folder, not a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("file_not_found", "file not found") from None
    except OSError as error:
        detail = error.strerror or type(error).__name__
        raise fail("unreadable", f"the file cannot be read: {detail}", detail=detail) from None


# ---------------------------------------------------------------- built-in data


def _data_root() -> Traversable:
    """The folder of built-in data inside the installed package."""
    return resources.files("scenarios") / "data"


def _builtin_ids(folder: str) -> tuple[str, ...]:
    directory = _data_root() / folder
    if not directory.is_dir():
        return ()
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in directory.iterdir()
            if entry.name.endswith(".yaml")
            and entry.is_file()
            and IDENTIFIER.match(entry.name.removesuffix(".yaml"))
        )
    )


def _builtin_file(folder: str, item_id: str) -> Traversable | None:
    if not IDENTIFIER.match(item_id):
        return None
    entry = _data_root() / folder / f"{item_id}.yaml"
    return entry if entry.is_file() else None


def _unknown(code: str, ref: str, known: tuple[str, ...], *, param: str) -> Problem:
    """A problem for an id that names nothing, with the known ids and the closest one."""
    params: dict[str, object] = {param: ref, "known": known}
    matches = difflib.get_close_matches(ref, known, n=1)
    if matches:
        params["suggestion"] = matches[0]
    return Problem("", None, code, f"unknown {param} {ref!r}", types.MappingProxyType(params))


def builtin_scenario_ids() -> tuple[str, ...]:
    """Return the ids of the built-in scenarios, sorted."""
    # Not cached: listing a folder is cheap and the data may change in development.
    return _builtin_ids("scenarios")


def builtin_content_ids() -> tuple[str, ...]:
    """Return the ids of the built-in content packs, sorted."""
    return _builtin_ids("content")


def _load_builtin(
    folder: str, item_id: str, filename: str, model: type[_M], unknown_code: str,
    known: Callable[[], tuple[str, ...]], param: str,
) -> _M:
    """Load and validate the built-in ``folder/item_id.yaml`` as ``model``."""
    entry = _builtin_file(folder, item_id)
    if entry is None:
        raise ScenarioError(filename, [_unknown(unknown_code, item_id, known(), param=param)])
    loaded = _parse_model(_decode(entry.read_bytes(), filename), filename, model)
    loaded_id = getattr(loaded, "id", item_id)
    if loaded_id != item_id:
        # A session file names the scenario by id; a mismatch would replay the wrong one.
        raise ScenarioError(
            filename,
            [
                Problem(
                    "id",
                    None,
                    "id_mismatch",
                    f"the id {loaded_id!r} must match the file name {item_id!r}",
                    types.MappingProxyType({"id": loaded_id, "expected": item_id}),
                )
            ],
        )
    return loaded


def _is_path_like(ref: str) -> bool:
    separators = {"/", "\\", os.sep, os.altsep or "/"}
    return ref.lower().endswith(_YAML_SUFFIXES) or any(s in ref for s in separators)


def parse_scenario(text: str, *, filename: str) -> Scenario:
    """Validate the YAML ``text`` of a scenario; ``filename`` names it in errors.

    Checks the schema and the rules between fields (phase order, events after
    the end), not the content packs: :func:`check_scenario` and
    :func:`load_scenario` do that too. Raises :class:`ScenarioError` listing
    every problem found.
    """
    return _parse_model(text, filename, Scenario)


@dataclass(frozen=True)
class ScenarioCheck:
    """Everything known about one scenario file: its problems, and its warnings.

    ``scenario`` and ``packs`` are set only when there are no ``problems``; the
    scenario then names only built-in packs in ``content`` and carries its own
    packs (inline, or read from the files ``content`` named) in ``packs``, so it
    travels whole, into a saved session too. ``warnings`` say why a valid
    scenario may make a poor drill (an unknown topic, nothing to moderate,
    rates far from a real live's).
    """

    file: str
    scenario: Scenario | None
    packs: tuple[ContentPack, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()


def _scenario_source(ref: str | os.PathLike[str]) -> tuple[str, str, Path | None, str | None]:
    """The text of scenario ``ref``, its display name, its folder and the id it must have."""
    if isinstance(ref, os.PathLike) or _is_path_like(ref):
        filename = os.fspath(ref)
        return _decode(_read_file(Path(ref), filename), filename), filename, Path(ref).parent, None
    entry = _builtin_file("scenarios", ref)
    if entry is not None:
        filename = f"<builtin:{ref}>"
        return _decode(entry.read_bytes(), filename), filename, None, ref
    if ref and Path(ref).exists():
        return _decode(_read_file(Path(ref), ref), ref), ref, Path(ref).parent, None
    raise ScenarioError(ref, [_unknown("unknown_scenario", ref, builtin_scenario_ids(),
                                       param="ref")])


def check_scenario(ref: str | os.PathLike[str], *, warnings: bool = True) -> ScenarioCheck:
    """Check the scenario ``ref`` (a built-in id or a path) with its content packs.

    Never raises for a bad file: every problem of the scenario, of the pack
    files beside it and of the built-in packs it names comes back at once.
    """
    try:
        text, filename, folder, expected_id = _scenario_source(ref)
    except ScenarioError as error:
        return ScenarioCheck(error.file, None, (), error.problems)
    return _check_scenario_text(text, filename, folder, expected_id, warnings=warnings)


def load_scenario(ref: str | os.PathLike[str]) -> Scenario:
    """Load a scenario by built-in id (``"hoax-basics"``) or from a ``.yaml``/``.yml`` path.

    A string with a path separator or a YAML suffix is a path; otherwise a
    built-in id is tried first, then an existing file of that name. The content
    packs are checked too; pack files named in ``content`` are read into the
    scenario's ``packs``. Raises :class:`ScenarioError` with every problem.
    """
    check = check_scenario(ref, warnings=False)
    if check.scenario is None:
        raise ScenarioError(check.file, check.problems)
    return check.scenario


Loc = tuple[int | str, ...]


@dataclass
class _Content:
    """The content packs of a scenario being checked, and what went wrong with them."""

    builtin: list[ContentPack] = field(default_factory=list)
    #: Packs the scenario brings, with where they are: a file, or ``packs[i]``.
    local: list[tuple[ContentPack, str | None, Loc]] = field(default_factory=list)
    local_roots: list[yaml.Node | None] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken: bool = False


def _check_scenario_text(text: str, filename: str, folder: Path | None,
                         expected_id: str | None, *, warnings: bool) -> ScenarioCheck:
    """The whole check of one scenario text: schema, cross-field rules, content, warnings."""
    try:
        document = _compose(text, filename)
    except ScenarioError as error:
        return ScenarioCheck(filename, None, (), error.problems)
    scenario, problems = _validate(document, Scenario)
    problems = document.problems + problems
    if scenario is not None and expected_id is not None and scenario.id != expected_id:
        # A session file names the scenario by id; a mismatch would replay the wrong one.
        problems.append(_id_mismatch(scenario.id, expected_id, document.root))
    content = _resolve_content(document, folder)
    _inline_packs(document, scenario, content)
    problems += content.problems
    if not content.broken:
        problems += _cross_pack_problems(document, content)
    if problems or scenario is None:
        return ScenarioCheck(filename, None, (), tuple(sorted(problems, key=_sort_key)))
    local = tuple(pack for pack, _, _ in content.local)
    scenario = scenario.model_copy(update={
        "content": tuple(pack.id for pack in content.builtin), "packs": local})
    packs = (*content.builtin, *local)
    found = scenario_warnings(scenario, packs, _builtin_topics()) if warnings else []
    if warnings and expected_id is None and scenario.id in builtin_scenario_ids():
        # A session file and the history know a scenario by its id: this file's
        # results would be filed with the built-in's.
        found.append(Finding(("id",), "builtin_id_reused",
                             f"the id {scenario.id!r} is a built-in scenario's",
                             types.MappingProxyType({"id": scenario.id})))
    return ScenarioCheck(filename, scenario, packs, (),
                         tuple(_finding_problem(f, document.root) for f in found))


def _id_mismatch(loaded_id: str, expected: str, root: yaml.Node | None) -> Problem:
    line = _locate(root, ("id",))[1] if root is not None else None
    return Problem("id", line, "id_mismatch",
                   f"the id {loaded_id!r} must match the file name {expected!r}",
                   types.MappingProxyType({"id": loaded_id, "expected": expected}))


def _resolve_content(document: _Document, folder: Path | None) -> _Content:
    """Load every pack ``content`` names: built-in ids, and pack files beside the scenario."""
    content = _Content()
    raw = document.data.get("content", ["core"])
    if not isinstance(raw, list):
        content.broken = True
        return content  # the schema says what is wrong
    known = builtin_content_ids()
    for i, ref in enumerate(raw):
        if not isinstance(ref, str):
            content.broken = True
            continue
        path, line = _locate(document.root, ("content", i))
        if is_pack_file(ref):
            _load_pack_file(ref, folder, path, line, content)
        elif ref not in known:
            unknown = _unknown("unknown_content_pack", ref, known, param="pack")
            content.problems.append(Problem(path, line, unknown.code, unknown.message,
                                            unknown.params))
            content.broken = True
        else:
            try:
                content.builtin.append(load_content_pack(ref))
            except ScenarioError as error:
                content.problems += [replace(p, file=error.file) for p in error.problems]
                content.broken = True
    return content


def _load_pack_file(ref: str, folder: Path | None, path: str, line: int | None,
                    content: _Content) -> None:
    """Read the pack file ``ref`` (relative to ``folder``) into ``content``."""
    if folder is None:
        content.problems.append(Problem(path, line, "pack_file_in_builtin",
                                        "a built-in scenario names only built-in packs",
                                        types.MappingProxyType({"pack": ref})))
        content.broken = True
        return
    name = os.fspath(folder / ref)
    try:
        text = _decode(_read_file(folder / ref, name), name)
        document = _compose(text, name)
    except ScenarioError as error:
        first = error.problems[0]
        if first.code in ("file_not_found", "is_a_directory", "unreadable"):
            # The mistake is in the scenario's content list, so point there.
            params = {**first.params, "pack": ref, "folder": os.fspath(folder) or "."}
            content.problems.append(Problem(path, line, "pack_" + first.code, first.message,
                                            types.MappingProxyType(params)))
        else:
            content.problems += [replace(p, file=name) for p in error.problems]
        content.broken = True
        return
    pack, problems = _validate(document, ContentPack)
    content.problems += [replace(p, file=name) for p in problems]
    if pack is None:
        content.broken = True
        return
    content.local.append((pack, name, ()))
    content.local_roots.append(document.root)


def _inline_packs(document: _Document, scenario: Scenario | None, content: _Content) -> None:
    """Add the scenario's inline packs (their problems came with the scenario's own)."""
    if scenario is not None:
        content.local += [(pack, None, ("packs", i)) for i, pack in enumerate(scenario.packs)]
        content.local_roots += [document.root] * len(scenario.packs)
        return
    raw = document.data.get("packs")
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            pack = ContentPack.model_validate(item, context={LOADER_CHECKS: True})
        except ValidationError:
            content.broken = True  # already reported as packs[i]...
            continue
        content.local.append((pack, None, ("packs", i)))
        content.local_roots.append(document.root)


def _cross_pack_problems(document: _Document, content: _Content) -> list[Problem]:
    """Template ids used in two packs, and scripted comments naming no template."""
    problems: list[Problem] = []
    locals_ = [(loc, pack) for pack, _, loc in content.local]
    for index, finding in clash_findings(locals_, content.builtin):
        _, file, _ = content.local[index]
        problems.append(_finding_problem(finding, content.local_roots[index], file))
    packs = [*content.builtin, *(pack for pack, _, _ in content.local)]
    template_ids = frozenset(t.id for pack in packs for t in pack.templates)
    findings = scripted_findings(document.data, template_ids, [p.id for p in packs])
    problems += [_finding_problem(f, document.root) for f in findings]
    return problems


def _builtin_topics() -> dict[str, tuple[str, ...]]:
    """Each topic of the built-in packs' questions and hoaxes, with the packs that have it."""
    topics: dict[str, set[str]] = {}
    for pack_id in builtin_content_ids():
        try:
            pack = load_content_pack(pack_id)
        except ScenarioError:
            continue  # a broken built-in pack is reported where it is used
        for template in pack.templates:
            if template.category in TOPICAL:
                topics.setdefault(template.topic, set()).add(pack.id)
    return {topic: tuple(sorted(ids)) for topic, ids in topics.items()}


@functools.cache
def load_content_pack(pack_id: str) -> ContentPack:
    """Load the built-in content pack ``pack_id`` (cached).

    Raises :class:`ScenarioError` with ``unknown_content_pack`` when there is
    no such pack, or with the pack's problems when its file is invalid.
    """
    return _load_builtin("content", pack_id, f"<builtin:content/{pack_id}>", ContentPack,
                         "unknown_content_pack", builtin_content_ids, "pack")


def load_content(scenario: Scenario) -> tuple[ContentPack, ...]:
    """Return the content packs of ``scenario``: the built-in ones it names, then its own.

    Every unknown pack id is reported at once, as ``content[i]`` of the
    scenario (the file is given as ``<scenario:ID>``). A scenario loaded with
    :func:`load_scenario` names only built-in packs: it carries its own packs in
    ``scenario.packs``.
    """
    known = builtin_content_ids()
    missing = [(i, pack_id) for i, pack_id in enumerate(scenario.content) if pack_id not in known]
    if missing:
        problems = []
        for i, pack_id in missing:
            problem = _unknown("unknown_content_pack", pack_id, known, param="pack")
            problems.append(
                Problem(f"content[{i}]", None, problem.code, problem.message, problem.params)
            )
        raise ScenarioError(f"<scenario:{scenario.id}>", problems)
    packs = (*(load_content_pack(pack_id) for pack_id in scenario.content), *scenario.packs)
    template_ids = frozenset(template.id for pack in packs for template in pack.templates)
    data = {"scripted": [{"template": s.template} for s in scenario.scripted]}
    findings = scripted_findings(data, template_ids, [p.id for p in packs])
    if findings:
        raise ScenarioError(f"<scenario:{scenario.id}>",
                            [_finding_problem(f, None) for f in findings])
    return packs


@functools.cache
def load_economy() -> Economy:
    """Load the built-in economy config (gift prices, coin value), cached."""
    filename = "<builtin:economy>"
    entry = _data_root() / "economy.yaml"
    if not entry.is_file():
        raise ScenarioError(filename, [Problem("", None, "file_not_found", "file not found")])
    return _parse_model(_decode(entry.read_bytes(), filename), filename, Economy)


def scenario_json_schema() -> dict[str, object]:
    """Return the JSON Schema of a scenario file, for editors and documentation."""
    schema: dict[str, Any] = Scenario.model_json_schema()
    # Declared as draft-07: pydantic's output uses nothing newer, and the VS Code
    # YAML extension (yaml-language-server) validates draft-07 but only warns
    # "not yet fully supported" for 2020-12.
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema}
