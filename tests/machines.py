"""Shared help for the hypothesis state machines: each rule reports that it ran.

``pytest --hypothesis-show-statistics`` (as .ci/run runs the suite) lists, under "Events",
the share of examples in which each rule ran, so a rule that never runs shows up in the log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from hypothesis import event

P = ParamSpec("P")
R = TypeVar("R")


def counted(function: Callable[P, R]) -> Callable[P, R]:
    """Put under ``@rule``/``@initialize``: record an event each time the rule runs."""
    name = f"rule {function.__name__}"

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        event(name)
        return function(*args, **kwargs)

    return run
