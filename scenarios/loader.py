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
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .schema import ContentPack, Economy, Scenario

__all__ = [
    "IDENTIFIER",
    "Problem",
    "ScenarioError",
    "builtin_scenario_ids",
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
    ``unknown_content_pack``), ``message`` the English detail, and ``params``
    the values a translated message is built from.
    """

    path: str
    line: int | None
    code: str
    message: str
    # Excluded from the hash because a mapping is not hashable; still compared.
    params: Mapping[str, object] = field(
        default_factory=lambda: types.MappingProxyType({}), hash=False
    )


class ScenarioError(Exception):
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


def _yaml_problem(error: yaml.YAMLError, text: str) -> Problem:
    """Turn a PyYAML error into a ``yaml_syntax`` problem with its line and column."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        detail = error.problem or "invalid YAML"
        params: dict[str, object] = {"detail": detail}
        if error.context:
            context_line = error.context_mark.line + 1 if error.context_mark else None
            params["context"] = error.context
            params["context_line"] = context_line
            detail = f"{detail} ({error.context}" + (
                f", line {context_line})" if context_line else ")"
            )
            params["detail"] = detail
        line = mark.line + 1 if mark else None
        params["column"] = mark.column + 1 if mark else None
        return Problem("", line, "yaml_syntax", detail, types.MappingProxyType(params))
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
        return Problem(
            "",
            line,
            "yaml_syntax",
            detail,
            types.MappingProxyType({"detail": detail, "column": None}),
        )
    detail = str(error)
    return Problem(
        "", None, "yaml_syntax", detail, types.MappingProxyType({"detail": detail, "column": None})
    )


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


def _validation_problem(error: ErrorDetails, root: yaml.Node, model: type[BaseModel]) -> Problem:
    """Turn one pydantic error into a :class:`Problem` located in the YAML."""
    loc = list(error["loc"])
    params: dict[str, object] = {}
    if loc and loc[-1] == "[key]":
        # A dict key of the wrong kind, e.g. an unknown category under rates.
        loc.pop()
        params["in_key"] = True
        params["key_name"] = str(loc[-1]) if loc else ""
    path, line = _locate(root, loc)
    for name, value in (error.get("ctx") or {}).items():
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
        allowed = _fields_at(model, loc[:-1])
        params["allowed"] = allowed
        matches = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        if matches:
            params["suggestion"] = matches[0]
    params["input"] = _short_repr(error.get("input"))
    return Problem(path, line, code, message, types.MappingProxyType(params))


def _sort_key(problem: Problem) -> int:
    # Top to bottom through the file; whole-file problems first.
    return problem.line or 0


def _parse_model(text: str, filename: str, model: type[_M]) -> _M:
    """Parse YAML ``text`` into ``model``, raising :class:`ScenarioError` with every problem."""
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
                    types.MappingProxyType(
                        {"detail": "the YAML is nested too deeply", "column": None}
                    ),
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
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        problems.extend(
            _validation_problem(details, root, model) for details in error.errors(include_url=False)
        )
        result = None
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


def _builtin_content_ids() -> tuple[str, ...]:
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


def _load_builtin_scenario(scenario_id: str) -> Scenario:
    if _builtin_file("scenarios", scenario_id) is None:
        raise ScenarioError(
            scenario_id,
            [_unknown("unknown_scenario", scenario_id, builtin_scenario_ids(), param="ref")],
        )
    return _load_builtin("scenarios", scenario_id, f"<builtin:{scenario_id}>", Scenario,
                         "unknown_scenario", builtin_scenario_ids, "ref")


def _is_path_like(ref: str) -> bool:
    separators = {"/", "\\", os.sep, os.altsep or "/"}
    return ref.lower().endswith(_YAML_SUFFIXES) or any(s in ref for s in separators)


def parse_scenario(text: str, *, filename: str) -> Scenario:
    """Validate the YAML ``text`` of a scenario; ``filename`` names it in errors.

    Raises :class:`ScenarioError` listing every problem found.
    """
    return _parse_model(text, filename, Scenario)


def load_scenario(ref: str | os.PathLike[str]) -> Scenario:
    """Load a scenario by built-in id (``"hoax-basics"``) or from a ``.yaml``/``.yml`` path.

    A string with a path separator or a YAML suffix is a path; otherwise a
    built-in id is tried first, then an existing file of that name.
    """
    if isinstance(ref, os.PathLike) or _is_path_like(ref):
        filename = os.fspath(ref)
        return parse_scenario(_decode(_read_file(Path(ref), filename), filename), filename=filename)
    if _builtin_file("scenarios", ref) is not None:
        return _load_builtin_scenario(ref)
    if ref and Path(ref).exists():
        return parse_scenario(_decode(_read_file(Path(ref), ref), ref), filename=ref)
    raise ScenarioError(
        ref,
        [_unknown("unknown_scenario", ref, builtin_scenario_ids(), param="ref")],
    )


@functools.cache
def load_content_pack(pack_id: str) -> ContentPack:
    """Load the built-in content pack ``pack_id`` (cached).

    Raises :class:`ScenarioError` with ``unknown_content_pack`` when there is
    no such pack, or with the pack's problems when its file is invalid.
    """
    return _load_builtin("content", pack_id, f"<builtin:content/{pack_id}>", ContentPack,
                         "unknown_content_pack", _builtin_content_ids, "pack")


def load_content(scenario: Scenario) -> tuple[ContentPack, ...]:
    """Return the built-in content packs ``scenario.content`` names, in order.

    Every unknown pack id is reported at once, as ``content[i]`` of the
    scenario (the file is given as ``<scenario:ID>``).
    """
    known = _builtin_content_ids()
    missing = [(i, pack_id) for i, pack_id in enumerate(scenario.content) if pack_id not in known]
    if missing:
        problems = []
        for i, pack_id in missing:
            problem = _unknown("unknown_content_pack", pack_id, known, param="pack")
            problems.append(
                Problem(f"content[{i}]", None, problem.code, problem.message, problem.params)
            )
        raise ScenarioError(f"<scenario:{scenario.id}>", problems)
    packs = tuple(load_content_pack(pack_id) for pack_id in scenario.content)
    templates = {template.id for pack in packs for template in pack.templates}
    unknown = [(i, s.template) for i, s in enumerate(scenario.scripted)
               if s.template not in templates]
    if unknown:
        raise ScenarioError(
            f"<scenario:{scenario.id}>",
            [
                Problem(f"scripted[{i}].template", None, "unknown_template",
                        f"no template {template!r} in the scenario's content packs",
                        types.MappingProxyType({"template": template,
                                                "packs": ", ".join(scenario.content)}))
                for i, template in unknown
            ],
        )
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
