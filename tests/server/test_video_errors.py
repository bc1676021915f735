"""Bad input to the media hub: typed errors, nothing else disturbed, no peer or task left."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpReceiver

from protocol.inbound import ErrorCode
from server.video.errors import MediaError
from server.video.peer import (
    MAX_SDP_CHARS,
    HostState,
    MediaHub,
    MediaStatus,
    Purpose,
    parse_candidate,
)

from .video_peers import HostPeer, SeatPeer, leftover_tasks

TIMEOUT = 30.0


def run(coro: Coroutine[Any, Any, None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TIMEOUT):
            await coro
    asyncio.run(bounded())


async def closed_cleanly(hub: MediaHub) -> None:
    await hub.close()
    assert hub.peer_count == 0 and hub.task_count == 0
    assert await leftover_tasks() == set()


async def client_offer(*, video_codecs: list[str] | None = None,
                       direction: str = "recvonly") -> tuple[RTCPeerConnection, str]:
    """A seat's real offer (recvonly audio and video; "sendonly" for a host's), optionally
    with only some video codecs."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    video = pc.addTransceiver("video", direction=direction)
    pc.addTransceiver("audio", direction=direction)
    if video_codecs is not None:
        caps = RTCRtpReceiver.getCapabilities("video")
        assert caps is not None
        video.setCodecPreferences([c for c in caps.codecs if c.mimeType in video_codecs])
    await pc.setLocalDescription(await pc.createOffer())
    return pc, str(pc.localDescription.sdp)


async def refused(hub: MediaHub, purpose: Purpose, sdp: str, owner: str = "ani") -> ErrorCode:
    with pytest.raises(MediaError) as info:
        await hub.offer(owner, purpose, sdp)
    return info.value.code


GARBAGE = [
    ("", ErrorCode.BAD_SDP),
    ("hello", ErrorCode.BAD_SDP),
    ("v=0\r\nm=video\r\n", ErrorCode.BAD_SDP),
    ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", ErrorCode.BAD_SDP),  # no media
    ("v=0\r\n" + "a=x\r\n" * (MAX_SDP_CHARS // 5 + 1), ErrorCode.SDP_TOO_BIG),
]


@pytest.mark.parametrize(("sdp", "code"), GARBAGE)
def test_malformed_and_oversize_sdp_get_typed_errors(sdp: str, code: ErrorCode) -> None:
    async def scenario() -> None:
        hub = MediaHub()
        assert await refused(hub, Purpose.WATCH, sdp) is code
        assert await refused(hub, Purpose.PUBLISH, sdp) is code
        assert hub.status.host is HostState.OFF
        await closed_cleanly(hub)
    run(scenario())


def test_an_offer_whose_lines_break_aiortc_is_refused_and_the_peer_closed() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        pc, sdp = await client_offer()
        broken = "\r\n".join(line for line in sdp.split("\r\n")
                             if not line.startswith(("a=fingerprint", "a=ice-ufrag")))
        assert await refused(hub, Purpose.WATCH, broken) is ErrorCode.BAD_SDP
        assert hub.peer_count == 0 and hub.relay.seats == 0
        await pc.close()
        await closed_cleanly(hub)
    run(scenario())


def test_an_offer_that_goes_the_wrong_way_is_refused() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        watcher, watch_sdp = await client_offer()
        sender, send_sdp = await client_offer(direction="sendonly")
        assert await refused(hub, Purpose.PUBLISH, watch_sdp, owner="host") \
            is ErrorCode.BAD_SDP  # a "camera" that sends nothing
        assert await refused(hub, Purpose.WATCH, send_sdp) is ErrorCode.BAD_SDP
        for pc in (watcher, sender):
            await pc.close()
        await closed_cleanly(hub)
    run(scenario())


def test_an_offer_without_vp8_gets_no_codec() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        pc, sdp = await client_offer(video_codecs=["video/H264"])
        assert await refused(hub, Purpose.WATCH, sdp) is ErrorCode.NO_CODEC
        await pc.close()
        await closed_cleanly(hub)
    run(scenario())


def test_a_peer_that_never_completes_ice_is_closed_after_the_timeout() -> None:
    async def scenario() -> None:
        gone = asyncio.Event()

        def changed(status: MediaStatus) -> None:
            if status.viewers == 0 and status.host is HostState.OFF and hub.peer_count == 0:
                gone.set()

        hub = MediaHub(connect_timeout_s=0.5, on_status=changed)
        pc, sdp = await client_offer()
        await hub.offer("ani", Purpose.WATCH, sdp)  # the answer never reaches the client
        assert hub.peer_count == 1 and hub.relay.seats == 1
        host_pc, host_sdp = await client_offer(direction="sendonly")
        await hub.offer("host", Purpose.PUBLISH, host_sdp)
        assert hub.status.host is HostState.CONNECTING
        await asyncio.wait_for(gone.wait(), 10)
        assert hub.relay.seats == 0
        final = hub.status
        assert final.host is HostState.OFF  # no picture ever came: not "reconnecting"
        for client in (pc, host_pc):
            await client.close()
        await closed_cleanly(hub)
    run(scenario())


def test_only_one_seat_publishes_and_the_room_goes_on() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        host = await HostPeer.publish(hub, "host")
        seat = await SeatPeer.watch(hub, "ani")
        await seat.until(lambda s: len(s.pictures) >= 3)
        pc, sdp = await client_offer(direction="sendonly")
        assert await refused(hub, Purpose.PUBLISH, sdp, owner="budi") \
            is ErrorCode.PUBLISHER_TAKEN
        seen = len(seat.pictures)
        await seat.until(lambda s: len(s.pictures) >= seen + 3)  # undisturbed
        for client in (seat, host):
            await client.close()
        await pc.close()
        await closed_cleanly(hub)
    run(scenario())


@pytest.mark.parametrize("line", [
    "candidate:1 1 udp 1 127.0.0.1",
    "candidate:x 1 udp z 1.2.3.4 5 typ host",
    "candidate:1 1 udp 2 1.2.3.4 5 host x",
    "a" * 600,
])
def test_malformed_candidates_are_refused(line: str) -> None:
    with pytest.raises(MediaError) as info:
        parse_candidate(line, "0", 0)
    assert info.value.code is ErrorCode.BAD_CANDIDATE


def test_a_candidate_without_its_line_or_peer_is_refused() -> None:
    line = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"
    with pytest.raises(MediaError) as info:
        parse_candidate(line, None, None)
    assert info.value.code is ErrorCode.BAD_CANDIDATE
    assert parse_candidate("", None, None) is None  # end of candidates

    async def scenario() -> None:
        hub = MediaHub()
        with pytest.raises(MediaError) as info:
            await hub.candidate("ani", Purpose.WATCH, parse_candidate(line, "0", 0))
        assert info.value.code is ErrorCode.NO_PEER
        pc, sdp = await client_offer()
        await hub.offer("ani", Purpose.WATCH, sdp)
        await hub.candidate("ani", Purpose.WATCH, parse_candidate(line, "0", 0))
        await hub.candidate("ani", Purpose.WATCH, None)
        assert await hub.hang_up("ani") == 1
        await pc.close()
        await closed_cleanly(hub)
    run(scenario())


def test_a_closed_hub_refuses_offers() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        await hub.close()
        pc, sdp = await client_offer()
        assert await refused(hub, Purpose.WATCH, sdp) is ErrorCode.CLOSED
        await pc.close()
        await closed_cleanly(hub)
    run(scenario())


def test_too_many_peers_are_refused() -> None:
    async def scenario() -> None:
        hub = MediaHub(max_peers=1)
        first, sdp1 = await client_offer()
        second, sdp2 = await client_offer()
        await hub.offer("ani", Purpose.WATCH, sdp1)
        assert await refused(hub, Purpose.WATCH, sdp2, owner="budi") \
            is ErrorCode.TOO_MANY_PEERS
        for pc in (first, second):
            await pc.close()
        await closed_cleanly(hub)
    run(scenario())
