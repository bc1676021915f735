"""RoomVideo: the websocket layer's view of a room's video (connections in, messages out)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Hashable
from typing import Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from server.video.peer import MediaHub
from server.video.room_video import RoomVideo, is_media
from server.video.signalling import SERVER_MEDIA_MESSAGE, MediaParty

from .video_peers import StampedCamera, SyntheticVoiceTrack, leftover_tasks

TRAINER = MediaParty("trainer", may_publish=False, coached=True, lang="en")
HOST = MediaParty("seat-host", may_publish=True, coached=True, lang="id")
ANI = MediaParty("seat-ani", may_publish=False, coached=False, lang="id")


def test_only_media_types_are_media() -> None:
    assert is_media("media.offer") and is_media("media.state")
    assert not is_media("hello") and not is_media("media.answer") and not is_media(None)


def test_the_room_tells_every_connection_when_the_host_goes_live() -> None:
    async def scenario() -> None:
        sent: list[tuple[Hashable, dict[str, Any]]] = []
        news = asyncio.Event()

        def send(conn: Hashable, text: str) -> None:
            message = json.loads(text)
            SERVER_MEDIA_MESSAGE.validate_python(message)  # matches the reference models
            sent.append((conn, message))
            news.set()

        video = RoomVideo(MediaHub(), send)
        for conn, party in (("t", TRAINER), ("h", HOST), ("a", ANI)):
            video.joined(conn, party)
        first = {conn: msg for conn, msg in sent}
        assert first["t"]["host"] == "off" and first["t"]["coaching"] == []
        assert first["a"]["coaching"] is None
        # A moderator may not publish; a stranger's message goes nowhere.
        [refusal] = await video.receive("a", {"type": "media.offer", "v": 2, "id": 4,
                                              "purpose": "publish", "sdp": "v=0"})
        assert json.loads(refusal)["code"] == "not_host"
        assert await video.receive("stranger", {"type": "media.state", "v": 2,
                                                "state": "stopped"}) == []
        video.left("a")
        # The host publishes through the same path the websocket uses.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(StampedCamera())
        pc.addTrack(SyntheticVoiceTrack())
        await pc.setLocalDescription(await pc.createOffer())
        [answer] = await video.receive("h", json.dumps({
            "type": "media.offer", "v": 2, "id": 9, "purpose": "publish",
            "sdp": pc.localDescription.sdp}))
        reply = json.loads(answer)
        assert reply["type"] == "media.answer" and reply["id"] == 9
        await pc.setRemoteDescription(RTCSessionDescription(sdp=reply["sdp"], type="answer"))

        async def live_for(conn: str) -> None:
            while not any(c == conn and m["host"] == "live" for c, m in sent):
                news.clear()
                await news.wait()

        await asyncio.wait_for(asyncio.gather(live_for("t"), live_for("h")), 10)
        assert all(c != "a" for c, _ in sent[3:])  # gone after it left
        await pc.close()
        await video.close()
        assert video.hub.peer_count == 0
        assert await leftover_tasks() == set()

    async def bounded() -> None:
        async with asyncio.timeout(30):
            await scenario()
    asyncio.run(bounded())
