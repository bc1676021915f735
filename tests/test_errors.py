"""One root for the project's own errors: every exception class Gladi defines derives from
:class:`i18n.errors.GladiError` (websockets roots its errors at ``WebSocketException`` alike).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest

import i18n.errors
from i18n.errors import GladiError
from media.faces import FaceDetectorUnavailable
from moderation.sessionfile import SessionFileError
from simulator.screen import UnknownScreen

from .test_layers import ALLOWED

#: Every package of the stack.
PACKAGES = tuple(ALLOWED)


def project_modules() -> Iterator[str]:
    for package in PACKAGES:
        yield package
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if not info.name.endswith("__main__"):
                yield info.name


def project_exceptions() -> list[type[BaseException]]:
    """Every exception class defined (not only imported) in a module of the project."""
    found: dict[str, type[BaseException]] = {}
    for name in project_modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == name:
                found[f"{name}.{obj.__qualname__}"] = obj
    return [found[key] for key in sorted(found)]


def test_the_walk_finds_the_known_errors() -> None:
    # The walk must be able to fail: it sees errors of the core, the media and the edges.
    names = {cls.__name__ for cls in project_exceptions()}
    assert {"GladiError", "ScenarioError", "SessionFileError", "SourceError", "JournalError",
            "MediaError", "UserError", "UnknownScreen"} <= names


@pytest.mark.parametrize("cls", project_exceptions(), ids=lambda c: c.__qualname__)
def test_every_project_exception_derives_from_the_root(cls: type[BaseException]) -> None:
    assert issubclass(cls, GladiError), f"{cls.__module__}.{cls.__qualname__}"


def test_the_root_carries_no_words() -> None:
    # Words are rendered at the edge: the root adds no message of its own.
    assert i18n.errors.__all__ == ["GladiError"]
    assert str(GladiError()) == ""
    assert GladiError.__bases__ == (Exception,)


def test_errors_that_were_value_or_lookup_errors_still_are() -> None:
    assert issubclass(SessionFileError, ValueError)
    assert issubclass(UnknownScreen, LookupError)
    assert issubclass(FaceDetectorUnavailable, RuntimeError)
