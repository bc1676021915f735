"""The trainer's controls: which command fits which status, and the room's settings.

Rules only; :class:`server.room.DrillRoom` carries them out. Each table here
is documented in ``docs/protocol.md`` and tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderation.actions import TRAINER, Inject
from protocol.inbound import Command, InjectMsg, SettingsMsg

from .clock import Status

__all__ = ["ALLOWED", "RoomSettings", "inject_action"]

#: The statuses in which each command may be given.
ALLOWED: dict[Command, frozenset[Status]] = {
    Command.START: frozenset({Status.LOBBY}),
    Command.PAUSE: frozenset({Status.RUNNING}),
    Command.RESUME: frozenset({Status.PAUSED}),
    Command.END: frozenset({Status.RUNNING, Status.PAUSED}),
    Command.RESET: frozenset(Status),
}


@dataclass(slots=True)
class RoomSettings:
    """What the trainer set."""

    #: Seats see the leaderboard (the trainer always does).
    leaderboard: bool = True
    #: A team's seats share one actor; only in the lobby before any moderator joined.
    team_mode: bool = False
    #: Seats see the judge's verdicts (points, hits, false alarms) during the live, not
    #: only after it; off by default, because that is a live answer key.
    verdicts_live: bool = False

    def allows(self, msg: SettingsMsg, status: Status, has_moderators: bool) -> bool:
        """Whether ``msg`` may be applied now."""
        if msg.team_mode is None or msg.team_mode == self.team_mode:
            return True
        return status is Status.LOBBY and not has_moderators

    def update(self, leaderboard: bool | None, team_mode: bool | None,
               verdicts_live: bool | None) -> None:
        if leaderboard is not None:
            self.leaderboard = leaderboard
        if team_mode is not None:
            self.team_mode = team_mode
        if verdicts_live is not None:
            self.verdicts_live = verdicts_live


def inject_action(msg: InjectMsg, t: int) -> Inject:
    """The engine's action for a trainer's ``inject`` at room time ``t``."""
    return Inject(t=t, actor=TRAINER, kind=msg.kind, count=msg.count, over_s=msg.over_s,
                  role=msg.role, troll=msg.troll)
