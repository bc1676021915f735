"""Host → server → seats with real aiortc peers on 127.0.0.1 (no WebRTC mocks).

The host's camera stamps a frame counter into each picture (tests/server/video_peers.py);
a seat that reads advancing counters is decoding the relayed stream. Every test
ends by closing all peers and checking that no peer and no task is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcrtpreceiver import RemoteStreamTrack
from av.video.frame import VideoFrame

from media.synthetic import synthetic_frame
from server.video.peer import (
    HOST_AFTER,
    HostEvent,
    HostState,
    MediaHub,
    MediaStatus,
    Purpose,
    _Peer,
)

from .video_peers import HostPeer, SeatPeer, leftover_tasks

TIMEOUT = 45.0


def run(coro: Coroutine[Any, Any, None]) -> None:
    """Run a test's scenario with an upper bound, in the main task (so leftovers are others)."""
    async def bounded() -> None:
        async with asyncio.timeout(TIMEOUT):
            await coro
    asyncio.run(bounded())


@contextlib.asynccontextmanager
async def hub_and_peers(statuses: list[MediaStatus] | None = None
                        ) -> AsyncIterator[tuple[MediaHub, list[HostPeer | SeatPeer]]]:
    """A hub and a list the test adds its peers to; all closed, and checked, at the end."""
    hub = MediaHub(on_status=statuses.append if statuses is not None else None)
    peers: list[HostPeer | SeatPeer] = []
    try:
        yield hub, peers
    finally:
        for peer in peers:
            await peer.close()
        await hub.close()
    assert hub.peer_count == 0 and hub.task_count == 0
    assert await leftover_tasks() == set()


def advancing(count: int, after: int = 0) -> Any:
    """A seat condition: ``count`` readable pictures after the first ``after``, counters rising."""
    def pred(seat: SeatPeer) -> bool:
        counters = seat.counters()[after:]
        return len(counters) >= count and counters[-1] > counters[0]
    return pred


async def watching(hub: MediaHub, peers: list[HostPeer | SeatPeer], owner: str) -> SeatPeer:
    """A seat that watches, closed with the test's peers, once it has read 5 pictures."""
    seat = await SeatPeer.watch(hub, owner)
    peers.append(seat)
    await seat.until(advancing(5))
    return seat


@pytest.mark.parametrize(("before", "event", "after"), [
    (HostState.OFF, HostEvent.OFFERED, HostState.CONNECTING),
    (HostState.CONNECTING, HostEvent.OFFERED, HostState.CONNECTING),
    (HostState.LIVE, HostEvent.OFFERED, HostState.RECONNECTING),
    (HostState.RECONNECTING, HostEvent.OFFERED, HostState.RECONNECTING),
    (HostState.CONNECTING, HostEvent.PICTURE, HostState.LIVE),
    (HostState.RECONNECTING, HostEvent.PICTURE, HostState.LIVE),
    (HostState.CONNECTING, HostEvent.DROPPED, HostState.OFF),  # never seen: not "reconnecting"
    (HostState.LIVE, HostEvent.DROPPED, HostState.RECONNECTING),
    (HostState.RECONNECTING, HostEvent.DROPPED, HostState.RECONNECTING),
    (HostState.LIVE, HostEvent.HUNG_UP, HostState.OFF),
    (HostState.RECONNECTING, HostEvent.HUNG_UP, HostState.OFF),
])
def test_the_host_state_table(before: HostState, event: HostEvent, after: HostState) -> None:
    assert HOST_AFTER[(before, event)] is after


def test_the_host_state_table_is_complete() -> None:
    assert set(HOST_AFTER) == {(s, e) for s in HostState for e in HostEvent}


def test_two_seats_see_the_hosts_counter_advance_and_hear_the_voice() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            a = await SeatPeer.watch(hub, "ani")
            b = await SeatPeer.watch(hub, "budi")
            peers += [a, b]
            for seat in (a, b):
                await seat.until(advancing(10))
                await seat.until(lambda s: len(s.levels) >= 10)
                assert seat.sizes == {(360, 640)}  # portrait, phone-sized
                assert max(seat.levels) > -40.0  # the voice, not silence
                counters = seat.counters()
                assert counters == sorted(counters)
            # Encoded once: the encoder's frames do not depend on the number of seats,
            # and each frame is about every other host frame (30 fps in, 15 out).
            stats = hub.relay.stats
            assert stats.frames_encoded <= stats.frames_in // 2 + 2
    run(scenario())


def test_every_packet_is_packed_once_for_all_the_seats() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            seats = [await SeatPeer.watch(hub, name) for name in ("ani", "budi", "citra")]
            peers += seats
            for seat in seats:
                await seat.until(advancing(3))
            relay = hub.relay
            packers = (relay.video_packer, relay.audio_packer)
            before = [(packer.packed, packer.served) for packer in packers]
            for seat in seats:  # every seat watching: the next pictures go to all three
                await seat.until(advancing(10, after=len(seat.counters())))
            assert relay.video_packer.packed == relay.stats.video_packets
            assert relay.audio_packer.packed == relay.stats.audio_packets
            for packer, (packed, served) in zip(packers, before, strict=True):
                # aiortc's senders (RTCRtpSender._next_encoded_frame) take the shared
                # payloads: about three times as many as were made, none made twice.
                assert packer.packed - packed >= 5
                assert packer.served - served >= 2 * (packer.packed - packed)
    run(scenario())


def test_a_late_seat_gets_a_picture_within_two_seconds() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            first = await SeatPeer.watch(hub, "ani")
            peers.append(first)
            await first.until(advancing(15))
            late = await SeatPeer.watch(hub, "budi")
            peers.append(late)
            # The bar: a seat that joins mid-stream sees the picture within 2 s.
            await late.until(advancing(2), timeout=2.0)
            assert late.counters()[0] > first.counters()[0]
    run(scenario())


def test_a_seat_that_leaves_and_comes_back_gets_video_again() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            seat = await SeatPeer.watch(hub, "ani")
            await seat.until(advancing(5))
            await seat.close()
            again = await SeatPeer.watch(hub, "ani")  # same owner: replaces any old peer
            peers.append(again)
            await again.until(advancing(5))
            assert hub.relay.seats == 1 and hub.peer_count == 2
            assert again.counters()[0] > seat.counters()[-1]
    run(scenario())


def test_the_host_dropping_shows_reconnecting_and_the_seats_resume() -> None:
    async def scenario() -> None:
        statuses: list[MediaStatus] = []
        async with hub_and_peers(statuses) as (hub, peers):
            host = await HostPeer.publish(hub)
            seat = await watching(hub, peers, "ani")
            assert hub.status.host is HostState.LIVE
            await host.close()
            await asyncio.wait_for(_host_state(hub, HostState.RECONNECTING), 10)
            seen = len(seat.pictures)
            back = await HostPeer.publish(hub)
            peers.append(back)
            await seat.until(advancing(5, after=seen))
            # The new camera counts from zero again: these pictures are the new host's.
            assert min(seat.counters()[seen:]) < max(seat.counters()[:seen])
            states = [s.host for s in statuses]
            live = states.index(HostState.LIVE)
            again = states.index(HostState.RECONNECTING, live)
            assert HostState.LIVE in states[again:] and states[-1] is HostState.LIVE
    run(scenario())


def test_a_seat_that_takes_nothing_never_slows_the_others() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            stuck = hub.relay.join()  # a seat whose sender never takes a packet
            seat = await SeatPeer.watch(hub, "ani")
            peers.append(seat)
            await seat.until(advancing(40))  # well past the stuck seat's one-second queue
            assert stuck.overflows >= 1 and len(stuck.video) <= stuck.video.capacity
            assert stuck.audio_dropped > 0
            # The watching seat lost nothing to it: its own queue never overflowed.
            [other] = hub.relay.fanout.seats - {stuck}
            assert other.overflows == 0 and other.audio_dropped == 0
            hub.relay.leave(stuck)
    run(scenario())


def test_a_seats_picture_loss_request_brings_a_keyframe() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            seat = await watching(hub, peers, "ani")
            before = hub.relay.stats.keyframes
            receiver = next(t.receiver for t in seat.pc.getTransceivers() if t.kind == "video")
            ssrc = receiver.getSynchronizationSources()[0].source
            # What a browser sends when its decoder lost the picture (RTCP PLI, RFC 4585).
            await receiver._send_rtcp_pli(ssrc)
            await seat.until(lambda _: hub.relay.stats.keyframes > before, timeout=5)
    run(scenario())


async def _host_state(hub: MediaHub, state: HostState) -> None:
    changed = asyncio.Event()
    previous = hub.on_status

    def watch(status: MediaStatus) -> None:
        if previous is not None:
            previous(status)
        if status.host is state:
            changed.set()

    hub.on_status = watch
    try:
        if hub.status.host is not state:
            await changed.wait()
    finally:
        hub.on_status = previous


def test_a_backlog_of_decoded_host_frames_is_skipped_to_the_newest() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        # aiortc's remote track, as the host's peer fills it when the relay falls behind.
        track = RemoteStreamTrack(kind="video")
        for i in range(10):
            frame = VideoFrame.from_ndarray(synthetic_frame(i, 320, 180), format="bgr24")
            frame.pts, frame.time_base = i * 3000, fractions.Fraction(1, 90_000)
            track._queue.put_nowait(frame)
        track._queue.put_nowait(None)  # the end of the track
        peer = _Peer("host", Purpose.PUBLISH, RTCPeerConnection())
        await hub._read(peer, track)
        # A frame with more than three waiting behind it (the end marker counts) is skipped:
        # only the newest three reach the relay.
        assert hub.relay.stats.frames_late == 7 and hub.relay.stats.frames_in == 3
        await peer.pc.close()
        await hub.close()
    run(scenario())
