"""The video of one drill room, as the websocket layer sees it: connections in, messages out.

The drill server keeps one :class:`RoomVideo` per room. It tells it who joined
(:meth:`RoomVideo.joined`), hands it every ``media.*`` message
(:meth:`RoomVideo.handle` once decoded, :meth:`RoomVideo.receive` as text),
and tells it who left (:meth:`RoomVideo.left`).
``send`` is the server's way to put a text frame on one connection without
waiting (``websockets.asyncio.server.broadcast`` to one connection does that);
``media.state`` goes to every connection of the room when it changes, with the
coaching warnings only for the trainer and the host. Coaching changes also go
to ``on_coaching`` (the room log, the host's debrief), and every status to
``on_status``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from protocol.inbound import MediaMessage

from .coaching import CoachingChange
from .peer import MediaHub, MediaStatus
from .signalling import (
    MEDIA_TYPES,
    MediaParty,
    MediaProblem,
    decode_media,
    handle_media,
    state_message,
)

__all__ = ["RoomVideo", "is_media"]


def is_media(kind: object) -> bool:
    """Is a client message of this ``type`` one of the ``media.*`` messages?"""
    return isinstance(kind, str) and kind in MEDIA_TYPES


class RoomVideo:
    """One room's :class:`server.video.peer.MediaHub` and the connections that see it."""

    def __init__(self, hub: MediaHub, send: Callable[[Hashable, str], None], *,
                 on_coaching: Callable[[list[CoachingChange]], None] | None = None,
                 on_status: Callable[[MediaStatus], None] | None = None) -> None:
        self.hub = hub
        self.send = send
        self.parties: dict[Hashable, MediaParty] = {}
        self.on_status = on_status
        hub.on_status = self._status
        hub.on_coaching = on_coaching

    def _encode(self, message: dict[str, Any]) -> str:
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    def _status(self, status: MediaStatus) -> None:
        if self.on_status is not None:
            self.on_status(status)
        for conn, party in list(self.parties.items()):
            self.send(conn, self._encode(state_message(status, coached=party.coached,
                                                       lang=party.lang)))

    def joined(self, conn: Hashable, party: MediaParty) -> None:
        """A connection joined (or resumed): it gets the current ``media.state`` at once."""
        self.parties[conn] = party
        self.send(conn, self._encode(state_message(self.hub.status, coached=party.coached,
                                                   lang=party.lang)))

    async def receive(self, conn: Hashable, raw: str | dict[str, Any]) -> list[str]:
        """Run one ``media.*`` message of ``conn``, as text; the replies for it (encoded)."""
        return await self.handle(conn, decode_media(raw))

    async def handle(self, conn: Hashable, message: MediaMessage | MediaProblem) -> list[str]:
        """Run one decoded ``media.*`` message of ``conn``; the replies for it (encoded)."""
        party = self.parties.get(conn)
        if party is None:
            return []  # not joined: the protocol layer answers not_joined before this
        replies = await handle_media(self.hub, party, message)
        return [self._encode(r) for r in replies]

    def left(self, conn: Hashable) -> None:
        """The connection closed. Its peers stay: WebRTC does not need the websocket, a
        phone's websocket drops and resumes often, a reload replaces the peer with a new
        offer, and a peer whose other end is gone fails its ICE consent checks (RFC 7675,
        about 30 s in aioice) and is dropped then."""
        self.parties.pop(conn, None)

    async def close(self) -> None:
        """The room ends: every peer closes."""
        self.parties.clear()
        await self.hub.close()
