"""Where Gladi keeps the user's data (the history database).

One helper, :func:`data_dir`, so every writer agrees on the folder and tests
can point it elsewhere with ``GLADI_DATA_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir", "history_path"]

#: Environment variable that overrides the data folder (tests, portable installs).
DATA_DIR_ENV = "GLADI_DATA_DIR"
HISTORY_FILE = "history.sqlite3"


def data_dir() -> Path:
    """The user's Gladi data folder (not created here)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("gladi", appauthor=False))


def history_path() -> Path:
    """The history database file inside :func:`data_dir`."""
    return data_dir() / HISTORY_FILE
