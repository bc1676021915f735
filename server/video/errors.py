"""Typed media errors: a code for the client and the log, words only at the edge."""

from __future__ import annotations

from i18n.errors import GladiError
from protocol.inbound import ErrorCode

__all__ = ["MediaError"]


class MediaError(GladiError):
    """A refused media request; ``code`` says why (one of the camera's codes of
    :class:`protocol.inbound.ErrorCode`, documented there), ``detail`` is for logs only."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
