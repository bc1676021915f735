"""The root of Gladi's own exceptions (websockets' ``exceptions.py`` roots its errors alike).

It sits at the bottom of the stack so that every package can derive from it.
"""

from __future__ import annotations

__all__ = ["GladiError"]


class GladiError(Exception):
    """The root of every error the project raises on purpose.

    It carries no words: an error holds codes and parameters (or a message that
    was already rendered in the user's language by whoever raised it); words are
    rendered at the edge. ``except GladiError`` catches the project's own errors
    and none of Python's or a library's.
    """
