"""Writing files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import os
from pathlib import Path

from i18n import normalise_language, translate

from .errors import UserError

__all__ = ["replace_atomically", "write_atomically"]


def replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``.

    Raises:
        OSError: the folder or the file cannot be written; no temporary file is left.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # A plain open (not mkstemp) so the file gets the user's usual permissions.
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str, error_key: str, lang: str | None = None) -> None:
    """:func:`replace_atomically` for commands: a failure becomes a translated message.

    ``error_key`` names the message (with ``{path}`` and ``{reason}``) that says
    what to do instead.
    """
    try:
        replace_atomically(path, text)
    except OSError as error:
        raise UserError(translate(error_key, normalise_language(lang), path=path,
                                  reason=error.strerror or error)) from None
