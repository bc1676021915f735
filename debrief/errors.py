"""Errors that end a command with a message for the user instead of a traceback."""

from __future__ import annotations

from i18n.errors import GladiError


class UserError(GladiError):
    """A problem the user can fix; ``str(error)`` is already translated.

    ``exit_code`` follows the usual convention: 2 for bad input or usage.
    """

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
