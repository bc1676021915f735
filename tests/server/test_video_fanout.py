"""The relay's parts without a network: fan-out, keyframe policy, frame gate, crop, encoders
and the shared packer."""

from __future__ import annotations

import asyncio
import fractions

import av
import numpy as np
import pytest
from aiortc.codecs.vpx import Vp8Encoder, VpxPayloadDescriptor
from aiortc.mediastreams import MediaStreamError
from hypothesis import settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from server.video.encode import (
    AudioEncoder,
    FrameGate,
    OutputFormat,
    Scaler,
    SharedPacker,
    VideoEncoder,
)
from server.video.fanout import EncodedPacket, Fanout, KeyframePolicy, PacketQueue, SeatFeed
from tests.machines import counted


def packet(tag: int) -> EncodedPacket:
    return av.Packet(tag.to_bytes(4, "little"))


class FanoutMachine(RuleBasedStateMachine):
    """Seats join, leave, drain slowly or not at all, and lose pictures while frames go out."""

    seats = Bundle("seats")

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        self.keyframes = KeyframePolicy(1.0)
        self.fanout = Fanout(self.keyframes, video_capacity=3, audio_capacity=2)
        self.forced: list[float] = []
        self.tag = 0
        #: For each seat, the packets it drained since it last started over.
        self.drained: dict[SeatFeed, list[tuple[EncodedPacket, bool]]] = {}
        #: Seats whose video queue hands packets to a sink (a sender that sends at once).
        self.attached: set[SeatFeed] = set()
        self.is_key: dict[int, bool] = {}

    @rule(target=seats)
    @counted
    def join(self) -> SeatFeed:
        feed = self.fanout.join()
        assert self.keyframes.wanted
        self.drained[feed] = []
        return feed

    @rule(feed=consumes(seats))
    @counted
    def leave(self, feed: SeatFeed) -> None:
        self.fanout.leave(feed)
        assert feed not in self.fanout.seats
        assert feed.video.closed and len(feed.video) == 0
        assert feed not in self.attached  # an attached sender is told the queue closed

    @rule(dt=st.floats(0.0, 1.5))
    @counted
    def tick(self, dt: float) -> None:
        self.now += dt

    @rule(natural=st.booleans())
    @counted
    def encode(self, natural: bool) -> None:
        forced = self.keyframes.due(self.now)
        key = forced or (natural and self.tag % 7 == 0)  # the encoder's own keyframes too
        if forced:
            self.forced.append(self.now)
        self.tag += 1
        p = packet(self.tag)
        self.is_key[self.tag] = key
        was_waiting = {f: f.waiting for f in self.fanout.seats}
        overflows = {f: f.overflows for f in self.fanout.seats}
        self.fanout.video(p, key)
        if key:
            self.keyframes.sent(self.now)
        for feed in self.fanout.seats:
            if feed.overflows > overflows[feed]:
                assert feed.waiting and len(feed.video) == 0
                self.drained[feed] = []
                assert self.keyframes.wanted or key
            elif not feed.waiting:
                # The same object every seat got, and a restart only on a keyframe.
                if feed in self.attached:
                    assert len(feed.video) == 0 and self.drained[feed][-1][0] is p
                else:
                    assert feed.video._items[-1] is p
                assert key or not was_waiting[feed]

    def _took(self, feed: SeatFeed, got: EncodedPacket) -> None:
        tag = int.from_bytes(bytes(got), "little")
        self.drained.setdefault(feed, []).append((got, self.is_key[tag]))

    @rule(feed=seats, n=st.integers(0, 4))
    @counted
    def drain(self, feed: SeatFeed, n: int) -> None:
        for _ in range(n):
            got = feed.video.get_nowait()
            if got is None:
                break
            self._took(feed, got)

    @rule(feed=seats)
    @counted
    def attach(self, feed: SeatFeed) -> None:
        """The seat's sender starts sending each packet as it comes: first the backlog."""
        backlog = list(feed.video._items)
        before = len(self.drained.get(feed, []))
        feed.video.attach(lambda got: self._took(feed, got), lambda: self.attached.discard(feed))
        if feed.video.closed:
            assert feed not in self.fanout.seats
            return
        self.attached.add(feed)
        assert len(feed.video) == 0
        assert [got for got, _ in self.drained[feed][before:]] == backlog

    @rule(feed=seats)
    @counted
    def detach(self, feed: SeatFeed) -> None:
        feed.video.detach()
        self.attached.discard(feed)

    @rule(feed=seats)
    @counted
    def picture_lost(self, feed: SeatFeed) -> None:
        self.fanout.picture_lost(feed)
        if feed in self.fanout.seats:
            assert self.keyframes.wanted

    @rule()
    @counted
    def audio(self) -> None:
        self.tag += 1
        p = packet(self.tag)
        self.fanout.audio(p)
        for feed in self.fanout.seats:
            assert feed.audio._items[-1] is p  # the newest sound is never the one dropped

    @invariant()
    def queues_are_bounded(self) -> None:
        for feed in self.fanout.seats:
            assert len(feed.video) <= 3 and len(feed.audio) <= 2
            if feed.waiting:
                assert len(feed.video) == 0

    @invariant()
    def every_start_is_a_keyframe(self) -> None:
        for got in self.drained.values():
            if got:
                assert got[0][1], "a seat's decoder must start on a keyframe"

    @invariant()
    def forced_keyframes_are_a_second_apart(self) -> None:
        assert all(b - a >= 1.0 for a, b in zip(self.forced, self.forced[1:], strict=False))


TestFanout = FanoutMachine.TestCase
TestFanout.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_queue_get_waits_for_a_packet_and_ends_when_closed() -> None:
    async def scenario() -> None:
        queue = PacketQueue(2)
        waiter = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        assert not waiter.done()
        p = packet(1)
        assert queue.put(p)
        assert await waiter is p
        assert queue.put(packet(2)) and queue.put(packet(3)) and not queue.put(packet(4))
        queue.close()
        with pytest.raises(MediaStreamError):
            await queue.get()
        assert not queue.put(packet(5))
    asyncio.run(asyncio.wait_for(scenario(), 5))


def test_an_attached_sink_takes_the_backlog_then_each_packet_until_the_queue_closes() -> None:
    queue = PacketQueue(3)
    first, second, third = packet(1), packet(2), packet(3)
    assert queue.put(first) and queue.put(second)
    taken: list[EncodedPacket] = []
    closed: list[bool] = []
    queue.attach(taken.append, lambda: closed.append(True))
    assert taken == [first, second] and len(queue) == 0
    for i in range(4, 10):  # more than the capacity: a sink is never full
        assert queue.put(packet(i))
    assert len(taken) == 8 and len(queue) == 0
    queue.detach()
    assert queue.put(third) and len(queue) == 1 and len(taken) == 8  # queued again
    queue.attach(taken.append, lambda: closed.append(True))
    assert taken[-1] is third
    queue.close()
    assert closed == [True] and not queue.put(packet(10)) and len(taken) == 9
    queue.attach(taken.append, lambda: closed.append(True))  # closed already: told at once
    assert closed == [True, True]


def test_a_sink_that_detaches_itself_leaves_the_rest_queued() -> None:
    queue = PacketQueue(3)
    packets = [packet(i) for i in range(3)]
    for p in packets:
        queue.put(p)
    taken: list[EncodedPacket] = []

    def take_one(got: EncodedPacket) -> None:
        taken.append(got)
        queue.detach()  # as a sender does when its connection fails

    queue.attach(take_one, lambda: None)
    assert taken == packets[:1] and list(queue._items) == packets[1:]


def test_keyframe_policy_spaces_forced_keyframes() -> None:
    policy = KeyframePolicy(1.0)
    assert not policy.due(0.0)
    policy.request()
    assert policy.due(0.0)
    policy.sent(0.0)
    policy.request()
    assert not policy.due(0.5)
    assert policy.due(1.0)


@pytest.mark.parametrize(("fps_in", "seconds", "expected"), [(30, 4, 60), (60, 4, 60), (15, 4, 60),
                                                           (10, 4, 40)])
def test_frame_gate_keeps_the_output_rate(fps_in: int, seconds: int, expected: int) -> None:
    gate = FrameGate(15)
    passed = sum(gate.due(i / fps_in) for i in range(fps_in * seconds))
    assert abs(passed - expected) <= 1


def test_frame_gate_restarts_after_a_gap() -> None:
    gate = FrameGate(15)
    assert gate.due(0.0)
    assert gate.due(10.0)  # the host came back: the first frame passes at once
    assert not gate.due(10.01)


def _frame(width: int, height: int, colour: tuple[int, int, int] = (40, 80, 200)) -> av.VideoFrame:
    img = np.zeros((height, width, 3), np.uint8)
    img[:] = colour
    half = max(2, width // 40)
    img[:, width // 2 - half:width // 2 + half] = 255  # a white band down the middle
    return av.VideoFrame.from_ndarray(img, format="bgr24")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (640, 480), (360, 640), (1080, 1920),
                                               (322, 242)])
def test_scaler_crops_the_centre_to_portrait(width: int, height: int) -> None:
    scaler = Scaler(360, 640)
    out = scaler.scale(_frame(width, height))
    assert (out.width, out.height, out.format.name) == (360, 640, "yuv420p")
    luma = out.to_ndarray(format="gray")
    # The middle line stays in the middle: the crop is centred.
    assert luma[:, 170:190].mean() > luma[:, :100].mean() + 20


def test_scaler_follows_a_change_of_input_size() -> None:
    scaler = Scaler(360, 640)
    assert scaler.scale(_frame(1280, 720)).height == 640
    assert scaler.scale(_frame(640, 480)).width == 360


def test_video_encoder_makes_a_keyframe_when_asked() -> None:
    fmt = OutputFormat()
    encoder = VideoEncoder(fmt)
    scaler = Scaler(fmt.width, fmt.height)
    keys: list[bool] = []
    for i in range(6):
        packets = encoder.encode(scaler.scale(_frame(640, 360, (i * 30, 90, 90))), i * 6000,
                                 keyframe=i == 4)
        assert all(p.pts == i * 6000 for p in packets)
        keys.extend(p.is_keyframe for p in packets)
    assert keys[0] and not any(keys[1:4]) and keys[4]


def test_audio_encoder_makes_60_ms_packets_on_a_continuous_clock() -> None:
    encoder = AudioEncoder(OutputFormat())
    out = []
    for i in range(20):
        pcm = (np.sin(np.arange(960 * 2) / 7) * 8000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = 48_000
        frame.pts = i * 960
        frame.time_base = fractions.Fraction(1, 48_000)
        out.extend(encoder.encode(frame))
    assert len(out) == 6  # 20 x 20 ms = 400 ms = six whole 60 ms packets
    assert [p.pts for p in out] == [i * 2880 for i in range(6)]
    encoder.resync(100)  # never backwards
    assert encoder.next_pts == 6 * 2880
    encoder.resync(10**6)
    assert encoder.next_pts == 10**6


@pytest.mark.parametrize("kwargs", [{"width": 361}, {"fps": 0}, {"audio_frame_ms": 30}])
def test_output_format_refuses_what_the_encoders_cannot_do(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        OutputFormat(**kwargs)


class _CountingVp8(Vp8Encoder):
    """aiortc's VP8 packer, counting the packets it splits."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.picture_id = 0  # aiortc starts at random; from 0 the ids cannot wrap in a test

    def pack(self, packet: EncodedPacket) -> tuple[list[bytes], int]:
        self.calls += 1
        return super().pack(packet)


def _vp8_packet(i: int, size: int = 3000) -> EncodedPacket:
    p = av.Packet(bytes((i + k) % 251 for k in range(size)))
    p.pts = i * 6000
    p.time_base = fractions.Fraction(1, 90_000)
    return p


def _unpacked(payloads: list[bytes]) -> tuple[int, bytes]:
    """The picture id and the frame the payloads carry (RFC 7741 descriptors removed)."""
    parsed = [VpxPayloadDescriptor.parse(payload) for payload in payloads]
    ids = {d.picture_id for d, _ in parsed}
    assert len(ids) == 1 and None not in ids, "every payload of a picture carries its id"
    return int(ids.pop() or 0), b"".join(data for _, data in parsed)


@pytest.mark.parametrize("seats", [1, 3, 50])
def test_each_packet_is_packed_once_however_many_seats_send_it(seats: int) -> None:
    counting = _CountingVp8()
    packer = SharedPacker(counting, capacity=30)
    fanout = Fanout(KeyframePolicy(1.0))
    feeds = [fanout.join() for _ in range(seats)]
    sent = [_vp8_packet(i) for i in range(12)]
    for i, p in enumerate(sent):
        if i == 1:
            late = fanout.join()  # takes video from the next keyframe, the seventh packet
        packer.add(p)  # as Relay.push_video does, before handing the packet out
        fanout.video(p, keyframe=i in (0, 6))
    received: dict[SeatFeed, list[tuple[list[bytes], int]]] = {}
    for feed in [*feeds, late]:  # each seat's sender drains its queue and packs
        while (got := feed.video.get_nowait()) is not None:
            received.setdefault(feed, []).append(packer.pack(got))
    assert counting.calls == len(sent) == packer.packed
    assert packer.served == seats * len(sent) + len(sent) - 6
    for feed in feeds:
        assert all(r is packer.pack(p) for r, p in zip(received[feed], sent, strict=True))
    ids: list[int] = []
    for (payloads, timestamp), p in zip(received[feeds[0]], sent, strict=True):
        picture, frame = _unpacked(payloads)
        assert len(payloads) == 3  # 3000 bytes in aiortc's 1300-byte payloads
        assert frame == bytes(p) and timestamp == p.pts  # what aiortc's own packer sends
        ids.append(picture)
    assert ids == sorted(set(ids))  # one id a picture, rising
    late_ids = [_unpacked(payloads)[0] for payloads, _ in received[late]]
    assert late_ids == ids[6:]  # the late seat's ids continue the stream's, after a gap


def test_a_packet_packed_again_after_it_was_dropped_gets_a_new_picture_id() -> None:
    counting = _CountingVp8()
    packer = SharedPacker(counting, capacity=2)
    first, *others = [_vp8_packet(i) for i in range(3)]
    for p in (first, *others):
        packer.add(p)
    again = packer.pack(first)  # no longer kept: packed again, counted
    assert counting.calls == packer.packed == 4
    assert _unpacked(again[0])[1] == bytes(first)
    assert _unpacked(again[0])[0] > _unpacked(packer.pack(others[-1])[0])[0]
    assert counting.calls == 4  # the newest are still kept
    with pytest.raises(TypeError):
        packer.encode(av.VideoFrame(16, 16, "yuv420p"))
