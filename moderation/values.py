"""Immutable values with one stable JSON form.

Events and actions are declared like dataclasses, with :func:`value`, and
stored as tuples: a busy live builds a quarter of a million of them per
simulated hour, and a tuple is the cheapest immutable record CPython builds
(less than half the time of a frozen dataclass). Fields are read by name;
equality also compares the type, so two kinds of event with the same fields
never compare equal. Each concrete class names its JSON ``type``;
:func:`to_json` and :func:`from_json` convert between the values and plain
JSON-compatible dicts. Enums travel as their string values, tuples as
lists. The same form is used by the drill protocol, the session file, the
debrief and replay, so changing it is a format change.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any, ClassVar, TypeVar, dataclass_transform

__all__ = ["Value", "fields", "from_json", "register", "replace", "to_json", "value"]

try:  # the C accessor namedtuple uses; a property over itemgetter elsewhere
    from collections import _tuplegetter  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons

    def _tuplegetter(index: int, doc: str | None) -> Any:
        return property(itemgetter(index), doc=doc)


class Value(tuple):  # type: ignore[type-arg]
    """Base of every event and action; subclasses set ``type``."""

    __slots__ = ()
    type: ClassVar[str]
    #: The field names, in order, and the defaults of those that have one.
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        body = ", ".join(f"{n}={v!r}" for n, v in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({body})"

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        # copy and pickle rebuild through tuple.__new__: actions take keywords only.
        return _rebuild, (type(self), tuple(self))


def _rebuild(cls: type[Value], values: tuple[Any, ...]) -> Value:
    return tuple.__new__(cls, values)


_REGISTRY: dict[str, type[Value]] = {}
_HINTS: dict[type[Value], dict[str, Any]] = {}

V = TypeVar("V", bound=type[Value])
V_ = TypeVar("V_", bound=Value)


@dataclass_transform(frozen_default=True)
def value(cls: V | None = None, /, *, kw_only: bool = False) -> Any:
    """Class decorator: declare a value's fields with annotations, as for a dataclass.

    The fields are the base class's, then the class's own annotated names (not
    ``ClassVar``s), in order; a class attribute gives a default. ``kw_only``
    makes every field keyword-only (actions). The class is rebuilt as a tuple
    subclass with a generated ``__new__`` and a read-only accessor per field;
    a field may reuse a tuple method's name (``count``), its accessor wins.
    """

    def wrap(cls: V) -> V:
        base: type[Value] = cls.__mro__[1]
        names = list(base._fields)
        defaults = dict(base._defaults)
        own = [n for n, hint in cls.__dict__.get("__annotations__", {}).items()
               if "ClassVar" not in str(hint)]
        namespace = {k: v for k, v in cls.__dict__.items()
                     if k not in ("__dict__", "__weakref__") and k not in own}
        for name in own:
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
            if name not in names:
                names.append(name)
        params, seen_default = [], False
        closure: dict[str, Any] = {}
        for name in names:
            if name in defaults:
                closure[f"_default_{name}"] = defaults[name]
                params.append(f"{name}=_default_{name}")
                seen_default = True
            elif seen_default and not kw_only:
                raise TypeError(
                    f"{cls.__name__}: field {name!r} without a default follows one with"
                )
            else:
                params.append(name)
        signature = ", ".join(["cls", *(["*"] if kw_only and params else []), *params])
        packed = "".join(f"{n}, " for n in names)
        source = (
            f"def _make({', '.join(closure)}):\n"
            f"    def __new__({signature}):\n"
            f"        return _tuple_new(cls, ({packed}))\n"
            "    return __new__\n"
        )
        scope: dict[str, Any] = {"_tuple_new": tuple.__new__}
        exec(source, scope)  # generated from the class's own field names
        new = scope["_make"](*closure.values())
        new.__qualname__ = f"{cls.__qualname__}.__new__"
        namespace["__new__"] = new
        namespace["__slots__"] = ()
        namespace["_fields"] = tuple(names)
        namespace["_defaults"] = defaults
        namespace["__match_args__"] = () if kw_only else tuple(names)
        for index, name in enumerate(names):
            namespace[name] = _tuplegetter(index, f"Field {index}: {name}.")
        rebuilt = typing.cast(V, type(cls.__name__, cls.__bases__, namespace))
        rebuilt.__qualname__ = cls.__qualname__
        return rebuilt

    return wrap if cls is None else wrap(cls)


def fields(item: Value | type[Value]) -> tuple[str, ...]:
    """The field names of a value or value class, in order."""
    return item._fields


def replace(item: V_, **changes: Any) -> V_:
    """A copy of ``item`` with some fields changed."""
    return type(item)(**{**dict(zip(item._fields, item, strict=True)), **changes})


def register(cls: V) -> V:
    """Class decorator: make ``cls`` known to :func:`from_json` under ``cls.type``."""
    if cls.type in _REGISTRY:
        raise ValueError(f"duplicate value type {cls.type!r}")
    _REGISTRY[cls.type] = cls
    return cls


def _dump(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Value):
        return to_json(value)
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    return value


def to_json(value: Value) -> dict[str, object]:
    """Return the JSON form of an event or action: ``{"type": ..., field: ...}``."""
    out: dict[str, object] = {"type": value.type}
    for name, item in zip(value._fields, value, strict=True):
        out[name] = _dump(item)
    return out


def _hints(cls: type[Value]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = hints
    return hints


def _load(hint: Any, raw: object) -> object:
    """Convert ``raw`` to the annotated type; raise ValueError when it does not fit."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in typing.get_args(hint):
            return None
        values = [arg for arg in typing.get_args(hint)
                  if isinstance(arg, type) and issubclass(arg, Value)]
        if values and isinstance(raw, Mapping):  # a union of values: the one "type" names
            named = [arg for arg in values if arg.type == raw.get("type")]
            if not named:
                raise ValueError(f"type {raw.get('type')!r} does not fit here")
            return _load(named[0], raw)
        errors = []
        for arg in typing.get_args(hint):
            if arg is type(None):
                continue
            try:
                return _load(arg, raw)
            except (ValueError, TypeError) as error:
                errors.append(str(error))
        raise ValueError("; ".join(errors))
    if origin is tuple:
        if not isinstance(raw, list | tuple):
            raise ValueError(f"expected a list, got {type(raw).__name__}")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in raw)
        if len(args) != len(raw):
            raise ValueError(f"expected {len(args)} items")
        return tuple(_load(a, item) for a, item in zip(args, raw, strict=True))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(raw)
    if isinstance(hint, type) and issubclass(hint, Value):
        if not isinstance(raw, Mapping):
            raise ValueError("expected an object")
        item = from_json(raw)
        if not isinstance(item, hint):
            raise ValueError(f"expected {hint.__name__}, got {type(item).__name__}")
        return item
    if hint is bool:
        if not isinstance(raw, bool):
            raise ValueError("expected true or false")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("expected a whole number")
        return raw
    if hint is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError("expected a number")
        return float(raw)
    if hint is str:
        if not isinstance(raw, str):
            raise ValueError("expected text")
        return raw
    if hint is typing.Any or hint is object:
        return raw
    raise TypeError(f"unsupported field type {hint!r}")


def from_json(data: Mapping[str, object]) -> Any:
    """Rebuild an event or action from its JSON form.

    Raises:
        ValueError: the data is not a known value or a field is missing or of
            the wrong type. The message names the field.
    """
    kind = data.get("type")
    cls = _REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown type {kind!r}")
    hints = _hints(cls)
    kwargs: dict[str, object] = {}
    for name in cls._fields:
        if name not in data:
            if name in cls._defaults:
                continue
            raise ValueError(f"{cls.type}: missing field {name!r}")
        try:
            kwargs[name] = _load(hints[name], data[name])
        except (ValueError, TypeError) as error:
            raise ValueError(f"{cls.type}.{name}: {error}") from None
    extra = set(data) - set(cls._fields) - {"type"}
    if extra:
        raise ValueError(f"{cls.type}: unknown fields {sorted(extra)}")
    return cls(**kwargs)
