"""Decode once, encode once, fan out: the host's frames in, the same packets to every seat.

aiortc's receiver has already decoded the host's stream (in its own thread)
when a frame reaches :meth:`Relay.push_video`. The relay lets through the
output's frame rate, crops and scales, and encodes on its own single worker
thread, so the event loop that sends every seat's packets never waits on
libvpx (PyAV releases the GIL while it encodes). Each packet is split into
RTP payloads once (:class:`server.video.encode.SharedPacker`) and goes to
:class:`server.video.fanout.Fanout`; each seat's sender takes those payloads,
without encoding or packing again, and sends them at once through a lean RTP
loop (:mod:`server.video.sender`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiortc.codecs.opus import OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from .encode import (
    AUDIO_RATE,
    PHONES,
    VIDEO_CLOCK,
    AudioEncoder,
    FrameGate,
    OutputFormat,
    Scaler,
    SharedPacker,
    VideoEncoder,
)
from .fanout import EncodedPacket, Fanout, KeyframePolicy, SeatFeed

__all__ = ["Relay", "RelayStats"]


@dataclass(slots=True)
class RelayStats:
    """Counters for tests and the benchmark: the encodes do not grow with the seats."""

    frames_in: int = 0
    #: Decoded host frames skipped because more were already waiting (the relay was behind).
    frames_late: int = 0
    audio_late: int = 0
    frames_encoded: int = 0
    keyframes: int = 0
    video_packets: int = 0
    audio_packets: int = 0


class Relay:
    """One host's picture and voice, encoded once for every watching seat."""

    def __init__(self, fmt: OutputFormat = PHONES, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fmt = fmt
        self.clock = clock
        self.fanout = Fanout(KeyframePolicy(fmt.keyframe_gap_s))
        self.stats = RelayStats()
        self._gate = FrameGate(fmt.fps)
        self._scaler = Scaler(fmt.width, fmt.height)
        self._video = VideoEncoder(fmt)
        self._audio = AudioEncoder(fmt)
        #: The RTP payloads of each packet, made once for every seat; each keeps twice what
        #: a seat's queue holds, so every packet a seat's sender can still ask for.
        self.video_packer = SharedPacker(Vp8Encoder(), 2 * self.fanout.video_capacity)
        self.audio_packer = SharedPacker(OpusEncoder(), 2 * self.fanout.audio_capacity)
        self._origin = clock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gladi-video")
        self._closed = False
        #: The last picture encoded (for the live coaching); written by the worker thread.
        self.latest_picture: VideoFrame | None = None

    # ------------------------------------------------------------ seats

    def join(self) -> SeatFeed:
        """A watching seat's feed; its video starts at the next keyframe."""
        return self.fanout.join()

    def leave(self, feed: SeatFeed) -> None:
        self.fanout.leave(feed)

    def picture_lost(self, feed: SeatFeed) -> None:
        self.fanout.picture_lost(feed)

    @property
    def seats(self) -> int:
        return len(self.fanout.seats)

    # ------------------------------------------------------------ host

    def host_started(self) -> None:
        """A host connection begins: audio continues at the wall clock, a keyframe is due."""
        self._audio.resync(round((self.clock() - self._origin) * AUDIO_RATE))
        self.fanout.keyframes.request()

    async def push_video(self, frame: VideoFrame) -> None:
        """Offer one decoded host frame; most are skipped to keep ``fmt.fps``."""
        if self._closed:
            return
        self.stats.frames_in += 1
        now = self.clock()
        if not self._gate.due(now):
            return
        keyframes = self.fanout.keyframes
        forced = keyframes.due(now)
        pts = round((now - self._origin) * VIDEO_CLOCK)
        loop = asyncio.get_running_loop()
        packets = await loop.run_in_executor(self._pool, self._encode, frame, pts, forced)
        if self._closed:
            return
        self.stats.frames_encoded += 1
        for packet in packets:
            key = packet.is_keyframe
            if key:
                keyframes.sent(now)
                self.stats.keyframes += 1
            self.stats.video_packets += 1
            self.video_packer.add(packet)
            self.fanout.video(packet, key)

    def _encode(self, frame: VideoFrame, pts: int, keyframe: bool) -> list[EncodedPacket]:
        picture = self._scaler.scale(frame)
        packets = self._video.encode(picture, pts, keyframe)
        self.latest_picture = picture
        return packets

    def push_audio(self, frame: AudioFrame) -> None:
        """Encode one decoded host audio frame (cheap enough for the event loop)."""
        if self._closed:
            return
        for packet in self._audio.encode(frame):
            self.stats.audio_packets += 1
            self.audio_packer.add(packet)
            self.fanout.audio(packet)

    def close(self) -> None:
        """Stop: every seat's tracks end, the worker thread goes."""
        self._closed = True
        self.fanout.close()
        self._pool.shutdown(wait=True)
