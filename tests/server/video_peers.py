"""Real aiortc peers for the video tests and the video benchmark: a host and seats.

The host's camera is the synthetic presenter test card (``media.synthetic``)
with a *stamp*: a grid of black and white blocks in the middle of the picture
that encodes a frame counter, the time the frame was made and a checksum. It
survives VP8, the relay's portrait crop and scaling, so a seat can read which
frame it is showing and how long it took to get there (every process on one
machine shares ``time.monotonic``). The voice is ``media.synthetic``'s voice, or a
recording (:class:`RecordedVoiceTrack`).

Signalling is a plain function call (``MediaHub.offer``), or any :data:`Signal`:
the drill tests send the same strings over the drill's websocket.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.mediastreams import MediaStreamError
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame
from numpy.typing import NDArray

from media.frame import u8
from media.synthetic import synthetic_frame, synthetic_voice
from server.video.peer import MediaHub, Purpose

from .helpers import Client

#: Grid of the stamp: 8 columns by 6 rows of blocks = 48 bits.
COLS, ROWS = 8, 6
COUNTER_BITS, TIME_BITS = 16, 24
TIME_WRAP = 1 << TIME_BITS
#: A block's side as a share of the picture's height, and the grid's top edge.
BLOCK = 1 / 18
TOP = 0.60
AUDIO_RATE = 48_000
AUDIO_SAMPLES = 960  # 20 ms

#: Offer → answer: how a peer's SDP offer reaches the server (purpose, offer SDP → answer SDP).
Signal = Callable[[Purpose, str], Awaitable[str]]


def now_ms() -> int:
    return int(time.monotonic() * 1000) % TIME_WRAP


def _bits(counter: int, t_ms: int) -> list[int]:
    counter &= 0xFFFF
    t_ms %= TIME_WRAP
    data = counter | t_ms << COUNTER_BITS
    check = (sum(data.to_bytes(5, "little")) & 0xFF) ^ 0xA5
    value = data | check << (COUNTER_BITS + TIME_BITS)
    return [(value >> i) & 1 for i in range(COLS * ROWS)]


def _cells(width: int, height: int) -> list[tuple[int, int, int]]:
    """(x, y, side) of each block, centred horizontally, in a ``width`` × ``height`` picture."""
    side = height * BLOCK
    left = width / 2 - COLS / 2 * side
    return [(round(left + c * side), round(height * TOP + r * side), round(side))
            for r in range(ROWS) for c in range(COLS)]


def stamp(img: NDArray[np.uint8], counter: int, t_ms: int) -> None:
    """Draw the stamp into a BGR picture (in place)."""
    height, width = img.shape[:2]
    for bit, (x, y, side) in zip(_bits(counter, t_ms), _cells(width, height), strict=True):
        img[y:y + side, x:x + side] = 235 if bit else 16


def read_stamp(gray: NDArray[np.uint8]) -> tuple[int, int] | None:
    """(counter, t_ms) from a picture the seat shows (portrait crop); None if unreadable."""
    height, width = gray.shape[:2]
    value = 0
    for i, (x, y, side) in enumerate(_cells(width, height)):
        q = max(1, side // 4)
        block = gray[y + q:y + side - q, x + q:x + side - q]
        if block.size == 0:
            return None
        if float(block.mean()) > 128:
            value |= 1 << i
    data = value & ((1 << (COUNTER_BITS + TIME_BITS)) - 1)
    check = value >> (COUNTER_BITS + TIME_BITS)
    if check != (sum(data.to_bytes(5, "little")) & 0xFF) ^ 0xA5:
        return None
    return data & 0xFFFF, data >> COUNTER_BITS


class StampedCamera(VideoStreamTrack):
    """The presenter test card at 30 fps with the stamp; ``gain`` < 1 makes it dark."""

    def __init__(self, width: int = 640, height: int = 360, backgrounds: int = 8) -> None:
        super().__init__()
        self.gain = 1.0
        self.counter = 0
        self._backgrounds = [synthetic_frame(i * 4, width, height) for i in range(backgrounds)]

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        index = self.counter
        img = self._backgrounds[index % len(self._backgrounds)].copy()
        if self.gain != 1.0:
            img = u8(cv2.convertScaleAbs(img, alpha=self.gain))
        stamp(img, index, now_ms())
        self.counter += 1
        frame = VideoFrame.from_ndarray(img, format="bgr24")
        frame.pts = pts
        frame.time_base = time_base
        return frame


class SyntheticVoiceTrack(MediaStreamTrack):
    """``media.synthetic``'s voice at 48 kHz, in 20 ms frames, paced like a microphone."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.gain = 1.0
        #: "stereo" sends both channels (aiortc's Opus encoder, handed mono, mixes it to
        #: stereo 3 dB down, which a browser does not do).
        self.layout = "mono"
        self._sample = 0
        self._start: float | None = None

    def voice(self, start: int, count: int) -> NDArray[np.float32]:
        """Samples ``start`` to ``start + count`` of what the microphone hears."""
        return synthetic_voice(start, count, AUDIO_RATE)

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            await asyncio.sleep(self._start + self._sample / AUDIO_RATE - time.monotonic())
        voice = self.voice(self._sample, AUDIO_SAMPLES) * self.gain
        pcm = np.clip(voice * 32767, -32768, 32767).astype(np.int16)
        if self.layout == "stereo":
            pcm = np.repeat(pcm, 2)
        frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=self.layout)
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._sample
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._sample += AUDIO_SAMPLES
        return frame


class RecordedVoiceTrack(SyntheticVoiceTrack):
    """A recording (mono float at any rate, brought to 48 kHz) played once, then silence,
    on both channels as a browser sends a microphone; ``ended`` is set when it has all
    been sent."""

    def __init__(self, samples: NDArray[np.float32], rate: int) -> None:
        super().__init__()
        self.layout = "stereo"
        count = round(samples.size * AUDIO_RATE / rate)
        self._take = np.interp(np.arange(count) * rate / AUDIO_RATE, np.arange(samples.size),
                               samples).astype(np.float32)
        self.ended = asyncio.Event()

    def voice(self, start: int, count: int) -> NDArray[np.float32]:
        part = self._take[start:start + count]
        if start + count >= self._take.size:
            self.ended.set()
        return np.pad(part, (0, count - part.size))


def _pc() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def _offer(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createOffer())
    return str(pc.localDescription.sdp)


async def _wait_connected(pc: RTCPeerConnection, timeout: float) -> None:
    connected = asyncio.Event()

    def changed() -> None:
        if pc.connectionState == "connected":
            connected.set()

    pc.on("connectionstatechange", changed)
    changed()
    await asyncio.wait_for(connected.wait(), timeout)


@dataclass(eq=False)
class HostPeer:
    """The host's side: publishes a stamped camera and the synthetic voice."""

    pc: RTCPeerConnection
    camera: StampedCamera
    voice: SyntheticVoiceTrack

    @classmethod
    async def publish(cls, hub: MediaHub, owner: str = "host", *, width: int = 640,
                      height: int = 360, timeout: float = 10.0,
                      voice: SyntheticVoiceTrack | None = None) -> HostPeer:
        async def signal(purpose: Purpose, sdp: str) -> str:
            return await hub.offer(owner, purpose, sdp)
        return await cls.publish_with(signal, width=width, height=height, timeout=timeout,
                                      voice=voice)

    @classmethod
    async def publish_with(cls, signal: Signal, *, width: int = 640, height: int = 360,
                           timeout: float = 10.0,
                           voice: SyntheticVoiceTrack | None = None) -> HostPeer:
        pc = _pc()
        host = cls(pc, StampedCamera(width, height), voice or SyntheticVoiceTrack())
        pc.addTrack(host.camera)
        pc.addTrack(host.voice)
        answer = await signal(Purpose.PUBLISH, await _offer(pc))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await _wait_connected(pc, timeout)
        return host

    async def close(self) -> None:
        await self.pc.close()


@dataclass(eq=False)
class SeatPeer:
    """A watching seat: decodes what arrives, reads each picture's stamp, measures the sound."""

    pc: RTCPeerConnection
    #: (counter, arrival in monotonic seconds, latency in ms) of each readable picture.
    pictures: list[tuple[int, float, int]] = field(default_factory=list)
    unreadable: int = 0
    sizes: set[tuple[int, int]] = field(default_factory=set)
    #: RMS level (dBFS) of each received audio frame.
    levels: list[float] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _news: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    async def watch(cls, hub: MediaHub, owner: str, *,
                    timeout: float = 10.0) -> SeatPeer:
        async def signal(purpose: Purpose, sdp: str) -> str:
            return await hub.offer(owner, purpose, sdp)
        return await cls.watch_with(signal, timeout=timeout)

    @classmethod
    async def watch_with(cls, signal: Signal, *, timeout: float = 10.0) -> SeatPeer:
        pc = _pc()
        seat = cls(pc)
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        pc.on("track", seat._on_track)
        answer = await signal(Purpose.WATCH, await _offer(pc))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await _wait_connected(pc, timeout)
        return seat

    def _on_track(self, track: MediaStreamTrack) -> None:
        reader = self._read_video if track.kind == "video" else self._read_audio
        task = asyncio.get_running_loop().create_task(reader(track))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _read_video(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                assert isinstance(frame, VideoFrame)
                self.sizes.add((frame.width, frame.height))
                read = read_stamp(u8(frame.to_ndarray(format="gray")))
                if read is None:
                    self.unreadable += 1
                else:
                    counter, stamped = read
                    latency = (now_ms() - stamped) % TIME_WRAP
                    self.pictures.append((counter, time.monotonic(), latency))
                self._news.set()
        except MediaStreamError:
            pass

    async def _read_audio(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                assert isinstance(frame, AudioFrame)
                pcm = frame.to_ndarray().astype(np.float64) / 32768.0
                rms = math.sqrt(float(np.mean(pcm * pcm))) if pcm.size else 0.0
                self.levels.append(20 * math.log10(max(rms, 1e-6)))
                self._news.set()
        except MediaStreamError:
            pass

    async def until(self, pred: Callable[[SeatPeer], bool], timeout: float = 10.0) -> None:
        """Wait until ``pred(self)`` holds (checked on every picture and sound)."""
        async def wait() -> None:
            while not pred(self):
                self._news.clear()
                await self._news.wait()
        await asyncio.wait_for(wait(), timeout)

    def counters(self) -> list[int]:
        return [c for c, _, _ in self.pictures]

    async def close(self) -> None:
        await self.pc.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def other_tasks() -> set[asyncio.Task[object]]:
    """Tasks still alive besides the caller's (a leak once every peer is closed)."""
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


async def leftover_tasks(timeout: float = 2.0) -> set[asyncio.Task[object]]:
    """Wait (up to ``timeout``) for tasks that are ending; the ones still running."""
    others = other_tasks()
    if others:
        await asyncio.wait(others, timeout=timeout)
    return other_tasks()


def signal_over(client: Client) -> Signal:
    """Offer → answer over the drill's websocket (``media.offer`` → ``media.answer``)."""
    async def signal(purpose: Purpose, sdp: str) -> str:
        ident = await client.send(type="media.offer", v=2, purpose=purpose.value, sdp=sdp)
        reply = await client.until(lambda m: m.get("id") == ident
                                   and m["type"] in ("media.answer", "error"))
        assert reply["type"] == "media.answer", reply
        return str(reply["sdp"])
    return signal
