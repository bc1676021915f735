"""The room clock: the drill's status and its simulated time, from wall time passed in.

Room time is wall time since *start*, minus the time spent paused, and never
goes backwards. Nothing here reads a clock: every call takes ``wall``, the
caller's monotonic milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocol.status import PauseReason, Status

__all__ = ["CLOCK_EVERY_MS", "PauseReason", "RoomClock", "Status"]

#: How often a running room journals its clock, so a restart lands close to where it stopped.
CLOCK_EVERY_MS = 1000


@dataclass(slots=True)
class RoomClock:
    """The status and the numbers that turn wall time into room time."""

    status: Status = Status.LOBBY
    #: Room time when the clock last started or stopped.
    base_t: int = 0
    #: Wall time when the clock last started (None while stopped).
    started_wall: int | None = None
    #: Room time of the last journalled clock checkpoint.
    checkpoint: int = 0

    def time(self, wall: int, floor: int = 0) -> int:
        """Room time at ``wall``; never below ``floor`` (the session's own clock)."""
        t = self.base_t
        if self.status is Status.RUNNING and self.started_wall is not None:
            t += max(0, wall - self.started_wall)
        return max(t, floor)

    def run(self, t: int, wall: int | None) -> None:
        """Start or resume at room time ``t`` (``wall`` None: replaying a journal)."""
        self.status, self.base_t, self.started_wall = Status.RUNNING, t, wall

    def pause(self, t: int) -> None:
        self.status, self.base_t, self.started_wall = Status.PAUSED, t, None

    def stop(self, t: int) -> None:
        """The drill ended at room time ``t``."""
        self.status, self.base_t, self.started_wall = Status.ENDED, t, None

    def reset(self) -> None:
        self.status, self.base_t, self.started_wall, self.checkpoint = \
            Status.LOBBY, 0, None, 0

    def checkpoint_due(self, t: int) -> bool:
        """Whether a running room should journal its clock at room time ``t``."""
        return self.status is Status.RUNNING and t - self.checkpoint >= CLOCK_EVERY_MS
