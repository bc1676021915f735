"""The drill server behind ``gladi serve``: one room of phones, one simulated live.

- :mod:`server.protocol`: every message (pydantic models), the version, typed errors,
  decoding with size limits. Documented in ``docs/protocol.md``.
- :mod:`server.room`: the sans-I/O room core (roles, views, clock, conflicts, reset,
  restore) around one :class:`moderation.engine.Session`.
- :mod:`server.seat`, :mod:`server.results`: seats; leaderboard, debrief and exports.
- :mod:`server.store`: the append-only SQLite log a restart replays.
- :mod:`server.app`: the thin asyncio layer (websockets, static web client, the tick).
- ``server/web/``: the seat page and trainer console (plain HTML/CSS/JS, no CDN).
"""
