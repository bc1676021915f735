"""The drill server's video: one :class:`RoomVideo` per room, tied to its seats, clock and log.

:mod:`server.app` stays a thin connection layer; this is the one place that
knows both a :class:`server.room.DrillRoom` and its video:

* who may do what: the host seat publishes, every seat and the trainer watch,
  the host and the trainer get the coaching (:class:`MediaParty`); a
  connection whose ``hello`` said version 1 gets no video at all;
* the room's clock stamps the coaching warnings, which go into the room's
  journal and log (:meth:`server.room.DrillRoom.coach`); a warning dropped
  because the host left the camera is logged as cleared;
* the voice detector's speech becomes the host's ``talk`` in the engine
  (:meth:`server.room.DrillRoom.host_spoke`), so the judge's dead air is real;
* ``welcome.state.media`` follows the host's camera (``room.media``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from media.faces import FaceDetectorUnavailable, HaarFaceDetector
from protocol.inbound import MEDIA_VERSION, ErrorCode, MediaMessage
from protocol.outbound import HostState, MediaInfo
from protocol.roles import Role

from ..journal import CoachRec
from ..outbox import Outcome
from ..room import DrillRoom
from ..seats import Seat
from .coaching import Change, CoachingChange, CoachingWarning, LiveCoach
from .network import ANYWHERE, RtcNetwork
from .peer import MediaHub, MediaStatus
from .room_video import RoomVideo
from .signalling import MediaParty, MediaProblem, error_message

__all__ = ["VOICE_TALK_MS", "DrillVideo", "default_coach", "party_of"]

log = logging.getLogger("gladi.server.video")

#: How long one detected bit of speech keeps dead air away, and how often it is sent
#: (as the desktop app's live screen does with its microphone).
VOICE_TALK_MS = 1500


def default_coach() -> LiveCoach:
    """The live checks with face detection where OpenCV has it (brightness only without)."""
    try:
        return LiveCoach(HaarFaceDetector())
    except FaceDetectorUnavailable:
        return LiveCoach()


def party_of(seat: Seat) -> MediaParty:
    """What a seat may do with the video."""
    return MediaParty(seat.id, may_publish=seat.role is Role.HOST,
                      coached=seat.role in (Role.HOST, Role.TRAINER), lang=seat.lang)


def _record(change: CoachingChange) -> CoachRec:
    warning = change.warning
    return CoachRec(t=change.t_ms, change="raised" if change.change is Change.RAISED
                    else "cleared", check=warning.check,
                    level="fail" if warning.level.value == "fail" else "warn",
                    hint_key=warning.hint_key, params=dict(warning.params),
                    since=warning.since_ms)


@dataclass(eq=False, slots=True)
class _Link:
    """One room and its video."""

    room: DrillRoom
    video: RoomVideo
    #: Warnings in force as the room's log knows them, by check.
    active: dict[str, CoachingWarning] = field(default_factory=dict)
    next_talk: int = 0


class DrillVideo:
    """The video of every room of one server.

    ``dispatch`` delivers a room's :class:`~server.outbox.Outcome` (the server's own
    ``_dispatch``), ``send`` puts a text frame on one connection without waiting,
    ``clock`` is the server's wall clock in ms (what ``room.room_time`` takes).
    """

    def __init__(self, dispatch: Callable[[DrillRoom, Outcome], None],
                 send: Callable[[Hashable, str], None], clock: Callable[[], int], *,
                 coach: Callable[[], LiveCoach | None] = default_coach,
                 network: RtcNetwork = ANYWHERE) -> None:
        self.dispatch = dispatch
        self.send = send
        self.clock = clock
        self.coach = coach
        #: Where the video's peers listen (``gladi serve --host``, ``--rtc-ports``).
        self.network = network
        self._links: dict[int, _Link] = {}
        self._versions: dict[Hashable, int] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def for_room(self, room: DrillRoom) -> RoomVideo:
        """The room's video, made on first use (before the room's first welcome)."""
        link = self._links.get(id(room))
        if link is None or link.room is not room:
            hub = MediaHub(coach=self.coach(), room_time=lambda: room.room_time(self.clock()),
                           network=self.network)
            link = _Link(room, RoomVideo(hub, self.send))
            link.video.hub.on_coaching = lambda changes: self._coached(link, changes)
            link.video.on_status = lambda status: self._status(link, status)
            self._links[id(room)] = link
            room.media = MediaInfo(host=HostState.OFF, viewers=0)
        return link.video

    # ------------------------------------------------------------ connections

    def joined(self, room: DrillRoom, seat: Seat, conn: Hashable, version: int) -> None:
        """A connection was welcomed into ``seat``; version 2 gets ``media.state`` now."""
        self._versions[conn] = version
        if version >= MEDIA_VERSION:
            self.for_room(room).joined(conn, party_of(seat))

    async def receive(self, room: DrillRoom, seat: Seat, conn: Hashable,
                      message: MediaMessage) -> list[str]:
        """A joined connection's ``media.*`` message; the replies for it (encoded)."""
        if self._versions.get(conn, 1) < MEDIA_VERSION:
            problem = MediaProblem(ErrorCode.BAD_VERSION,
                                   f"send hello with v={MEDIA_VERSION} to use the video",
                                   message.id)
            return [json.dumps(error_message(problem, seat.lang), ensure_ascii=False)]
        return await self.for_room(room).handle(conn, message)

    def left(self, room: DrillRoom, conn: Hashable) -> None:
        self._versions.pop(conn, None)
        link = self._links.get(id(room))
        if link is not None:
            link.video.left(conn)

    def freed(self, room: DrillRoom, seat_id: str) -> None:
        """The trainer freed a seat: its peers go at once (the next host may publish)."""
        link = self._links.get(id(room))
        if link is not None:
            self._spawn(link.video.hub.hang_up(seat_id))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ the room's side

    def _coached(self, link: _Link, changes: list[CoachingChange]) -> None:
        for change in changes:
            if change.change is Change.RAISED:
                link.active[change.warning.check] = change.warning
            else:
                link.active.pop(change.warning.check, None)
        self._log(link, [_record(c) for c in changes])

    def _status(self, link: _Link, status: MediaStatus) -> None:
        room = link.room
        room.media = MediaInfo(host=HostState(status.host), viewers=status.viewers)
        # Warnings dropped without being fixed (the host left the camera or reconnected).
        current = {w.check for w in status.coaching}
        gone = [w for check, w in link.active.items() if check not in current]
        if gone:
            t = room.room_time(self.clock())
            for warning in gone:
                del link.active[warning.check]
            self._log(link, [_record(CoachingChange(t, Change.CLEARED, w)) for w in gone])

    def _log(self, link: _Link, records: list[CoachRec]) -> None:
        if records:
            self.dispatch(link.room, link.room.coach(records, self.clock()))

    def tick(self, rooms: Iterable[DrillRoom]) -> None:
        """On the server's clock: the host's speech into each room; the video of rooms the
        server no longer holds is closed."""
        now = self.clock()
        held = {id(r) for r in rooms}
        for key, link in list(self._links.items()):
            if key not in held:
                del self._links[key]
                self._spawn(link.video.close())
                continue
            hub = link.video.hub
            coach = hub.coach
            if coach is None or hub.host is not HostState.LIVE or now < link.next_talk \
                    or not coach.speaking:
                continue
            link.next_talk = now + VOICE_TALK_MS
            self.dispatch(link.room, link.room.host_spoke(VOICE_TALK_MS, now))

    async def close(self) -> None:
        """Every room's video closes (the server stops)."""
        links, self._links = list(self._links.values()), {}
        await asyncio.gather(*(link.video.close() for link in links), return_exceptions=True)
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def peer_count(self) -> int:
        return sum(link.video.hub.peer_count for link in self._links.values())

