"""Hand the same encoded packets to every seat, each through its own bounded queue.

Every watching seat has a :class:`SeatFeed`: a short video queue and a short
audio queue that its peer connection's sender drains, or that hand each packet
straight to a sender that sends without waiting (:meth:`PacketQueue.attach`, the
lean loop of :mod:`server.video.sender`: then no task wakes per packet).
:class:`Fanout` puts each packet, the same object, into every feed; putting never waits, so a seat
whose sender falls behind (a slow phone, a lossy Wi-Fi) never slows the
others. When a seat's video queue is full its backlog is dropped and the seat
waits for the next keyframe, which it asks for: a decoder can only restart on
a keyframe. A new seat starts the same way, at the next keyframe.

Keyframes cost every seat bandwidth, so :class:`KeyframePolicy` forces at most
one every ``gap_s`` seconds however many seats join or report picture loss
(aiortc's sender turns a seat's RTCP PLI or FIR into such a request,
``RTCRtpSender._send_keyframe``). Nothing here reads a clock: the caller passes
the time in.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from aiortc.mediastreams import MediaStreamError
from av.packet import Packet
from av.stream import Stream

__all__ = ["EncodedPacket", "Fanout", "KeyframePolicy", "PacketQueue", "SeatFeed"]

#: An encoded VP8 or Opus packet, shared by every seat (never changed after encoding).
# PyAV's stubs make Packet generic over its stream; the runtime class is not subscriptable.
if TYPE_CHECKING:
    EncodedPacket: TypeAlias = Packet[Stream]
else:
    EncodedPacket = Packet

#: Video packets a seat may have waiting: one second at 15 frames a second.
VIDEO_BACKLOG = 15
#: Audio packets a seat may have waiting: 1.2 s of the relay's 60 ms packets.
AUDIO_BACKLOG = 20


#: Takes a packet at once and never raises (an attached sender, :meth:`PacketQueue.attach`).
Sink = Callable[[EncodedPacket], None]


class PacketQueue:
    """A bounded first-in first-out queue of packets; :meth:`put` never waits.

    While a sink is attached, each packet put goes to it at once instead.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: deque[EncodedPacket] = deque()
        self._ready = asyncio.Event()
        self._closed = False
        self._sink: Sink | None = None
        self._on_close: Callable[[], None] | None = None

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, packet: EncodedPacket) -> bool:
        """Queue ``packet`` (or hand it to the sink); False (and nothing queued) when
        full or closed."""
        if self._closed:
            return False
        if self._sink is not None:
            self._sink(packet)
            return True
        if len(self._items) >= self.capacity:
            return False
        self._items.append(packet)
        self._ready.set()
        return True

    def clear(self) -> None:
        self._items.clear()

    def close(self) -> None:
        """End the queue: waiting and later :meth:`get` calls raise ``MediaStreamError``,
        and an attached sink is told (its ``on_close``)."""
        self._closed = True
        self._items.clear()
        self._ready.set()
        on_close = self._on_close
        self.detach()
        if on_close is not None:
            on_close()

    def attach(self, sink: Sink, on_close: Callable[[], None]) -> None:
        """From now on hand each packet to ``sink`` as it is put, starting with those
        queued, oldest first; ``on_close`` is called when the queue closes (at once if
        it is closed already). ``sink`` may :meth:`detach` itself; later packets queue."""
        if self._closed:
            on_close()
            return
        self._sink, self._on_close = sink, on_close
        while self._items and self._sink is sink:
            sink(self._items.popleft())

    def detach(self) -> None:
        """Queue packets again, as before :meth:`attach`."""
        self._sink = self._on_close = None

    def get_nowait(self) -> EncodedPacket | None:
        """The oldest packet, or None when there is none."""
        return self._items.popleft() if self._items else None

    async def get(self) -> EncodedPacket:
        """The oldest packet, waiting for one; ``MediaStreamError`` once closed.

        aiortc's sender ends its RTP loop quietly on ``MediaStreamError``.
        """
        while not self._items:
            if self._closed:
                raise MediaStreamError
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


class KeyframePolicy:
    """When the encoder must make a keyframe: on request, at most one every ``gap_s``."""

    def __init__(self, gap_s: float) -> None:
        self.gap_s = gap_s
        self.wanted = False
        self.last: float | None = None

    def request(self) -> None:
        self.wanted = True

    def due(self, now: float) -> bool:
        """Should the next frame, encoded at ``now``, be forced to a keyframe?"""
        return self.wanted and (self.last is None or now - self.last >= self.gap_s)

    def sent(self, now: float) -> None:
        """A keyframe went out at ``now`` (forced or the encoder's own)."""
        self.wanted = False
        self.last = now


class SeatFeed:
    """One watching seat: its queues, and whether it waits for a keyframe."""

    def __init__(self, video_capacity: int = VIDEO_BACKLOG,
                 audio_capacity: int = AUDIO_BACKLOG) -> None:
        self.video = PacketQueue(video_capacity)
        self.audio = PacketQueue(audio_capacity)
        #: No video is queued until a keyframe arrives (a decoder starts only on one).
        self.waiting = True
        #: Times this seat fell behind and dropped its video backlog.
        self.overflows = 0
        #: Audio packets dropped because this seat fell behind.
        self.audio_dropped = 0

    def close(self) -> None:
        self.video.close()
        self.audio.close()


class Fanout:
    """The set of watching seats and the one place packets are handed to them."""

    def __init__(self, keyframes: KeyframePolicy, *, video_capacity: int = VIDEO_BACKLOG,
                 audio_capacity: int = AUDIO_BACKLOG) -> None:
        self.keyframes = keyframes
        self.video_capacity = video_capacity
        self.audio_capacity = audio_capacity
        self.seats: set[SeatFeed] = set()

    def join(self) -> SeatFeed:
        """A new seat; it gets video from the next keyframe, which is requested now."""
        feed = SeatFeed(self.video_capacity, self.audio_capacity)
        self.seats.add(feed)
        self.keyframes.request()
        return feed

    def leave(self, feed: SeatFeed) -> None:
        self.seats.discard(feed)
        feed.close()

    def picture_lost(self, feed: SeatFeed) -> None:
        """The seat's decoder lost the picture (RTCP PLI/FIR): ask for a keyframe."""
        if feed in self.seats:
            self.keyframes.request()

    def video(self, packet: EncodedPacket, keyframe: bool) -> None:
        """Give every seat ``packet``; a seat whose queue is full drops to the next keyframe."""
        for feed in self.seats:
            if feed.waiting:
                if not keyframe:
                    continue
                feed.waiting = False
            if not feed.video.put(packet):
                feed.video.clear()
                feed.waiting = True
                feed.overflows += 1
                self.keyframes.request()

    def audio(self, packet: EncodedPacket) -> None:
        """Give every seat ``packet``; a seat that is behind loses its backlog, not the new one."""
        for feed in self.seats:
            if not feed.audio.put(packet):
                feed.audio_dropped += len(feed.audio)
                feed.audio.clear()
                feed.audio.put(packet)

    def close(self) -> None:
        for feed in self.seats:
            feed.close()
        self.seats.clear()
