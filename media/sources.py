"""What the camera and microphone adapters share: errors and notices for the user.

Sources never print. A problem the user must fix raises :class:`SourceError`;
a problem Gladi works around (no camera, so the test card is used) becomes a
:class:`Notice`. Both carry a key of the ``check`` translation domain and its
parameters, so the caller shows them in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from i18n.errors import GladiError

from .results import Param

__all__ = ["Notice", "SourceError", "SourceLost"]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about a source (e.g. a fallback happened)."""

    key: str
    params: tuple[tuple[str, Param], ...] = field(default=())

    @classmethod
    def make(cls, key: str, **params: Param) -> Notice:
        return cls(key, tuple(sorted(params.items())))

    @property
    def param_map(self) -> dict[str, Param]:
        return dict(self.params)


class SourceError(GladiError):
    """A source the user asked for cannot be used (missing file, no such device …)."""

    def __init__(self, key: str, **params: Param) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def param_map(self) -> dict[str, Param]:
        return dict(self.params)


class SourceLost(GladiError):
    """A source that worked stopped working (unplugged, driver error)."""
