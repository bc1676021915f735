"""The value every check returns: a level, what was measured and what to do."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["CheckResult", "Level", "Param", "overall", "failing"]

#: A message parameter: numbers are formatted by the message template itself.
Param = float | int | str


class Level(enum.StrEnum):
    """How a check came out, from best to worst; ``SKIP`` means "not measured"."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    @property
    def rank(self) -> int:
        """Order for "worst of": skip < ok < warn < fail."""
        return _RANK[self]


_RANK = {Level.SKIP: 0, Level.OK: 1, Level.WARN: 2, Level.FAIL: 3}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One verdict of one check.

    ``name`` is a stable identifier (``"exposure.brightness"``); ``hint_key`` and
    ``params`` select and fill a message of the ``check`` translation domain, so
    the same result can be shown in Indonesian and English (``media.text``).
    """

    name: str
    level: Level
    value: float | None
    unit: str
    hint_key: str
    params: tuple[tuple[str, Param], ...] = field(default=())

    @classmethod
    def make(
        cls,
        name: str,
        level: Level,
        value: float | None,
        unit: str,
        hint_key: str,
        **params: Param,
    ) -> CheckResult:
        """Build a result with keyword message parameters."""
        return cls(name, level, value, unit, hint_key, tuple(sorted(params.items())))

    @property
    def param_map(self) -> Mapping[str, Param]:
        return dict(self.params)


def overall(results: Iterable[CheckResult]) -> Level:
    """The worst level among ``results`` (``SKIP`` when there are none)."""
    worst = Level.SKIP
    for result in results:
        if result.level.rank > worst.rank:
            worst = result.level
    return worst


def failing(results: Iterable[CheckResult], *, strict: bool = False) -> bool:
    """True when a check failed, or with ``strict`` when one warned."""
    bad = {Level.FAIL, Level.WARN} if strict else {Level.FAIL}
    return any(r.level in bad for r in results)
