"""Where a drill room stands, as both ends of the protocol name it."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PauseReason", "Status"]


class Status(StrEnum):
    """Where the drill is: lobby → running ⇄ paused → ended; ``reset`` goes back to lobby."""

    LOBBY = "lobby"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class PauseReason(StrEnum):
    """Why the room paused."""

    #: The trainer pressed pause.
    TRAINER = "trainer"
    #: The server restarted while the drill ran; the trainer resumes it.
    RESTORED = "restored"
