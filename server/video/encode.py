"""The one encode: pick frames, crop and scale them for phones, make VP8 and Opus packets.

Why these choices (measured on the 2-core dev machine, PyAV 18 wheels):

* **VP8 with libvpx**, as aiortc's own encoder: every browser that does WebRTC
  decodes it, the wheel ships it, and at 360×640 it costs about 2 ms a frame in
  realtime mode (H.264 through libx264 costs several times more, see
  docs/research/preflight-anchors.md §5).
* **Crop to 9:16, then scale**, in one libavfilter graph (0.2 ms a 720p frame;
  OpenCV's INTER_AREA on the three planes took 2 ms): the seats show the host
  in TikTok's portrait stage, so the sides of a landscape webcam would only be
  cropped away in every browser after costing bits.
* **Opus in 60 ms packets, mono**: a third of the packets of aiortc's 20 ms
  frames. Every packet is protected and sent once per seat, so the packet rate,
  not the bytes, is what fifty seats cost.

* **Packed once**: the RTP payloads of each packet are made once for every
  seat (:class:`SharedPacker`), not once per seat by aiortc's sender.

Timestamps come from the relay's clock, not the host's, so a host that drops
and reconnects continues the same timeline for every seat.
"""

from __future__ import annotations

import fractions
from dataclasses import dataclass

import av
from aiortc.codecs.base import Encoder
from av.audio.frame import AudioFrame
from av.audio.resampler import AudioResampler
from av.filter import Graph
from av.frame import Frame
from av.video.frame import PictureType, VideoFrame

from .fanout import EncodedPacket

__all__ = [
    "AUDIO_RATE",
    "VIDEO_CLOCK",
    "AudioEncoder",
    "FrameGate",
    "OutputFormat",
    "PHONES",
    "Scaler",
    "SharedPacker",
    "VideoEncoder",
]

#: RTP clock rates of VP8 and Opus (RFC 7741, RFC 7587).
VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
VIDEO_TIME_BASE = fractions.Fraction(1, VIDEO_CLOCK)
AUDIO_TIME_BASE = fractions.Fraction(1, AUDIO_RATE)
#: Opus frame lengths libopus accepts, in milliseconds.
OPUS_FRAME_MS = (10, 20, 40, 60)


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """What every seat receives. The defaults are for phones on a hall's Wi-Fi."""

    width: int = 360
    height: int = 640
    fps: int = 15
    video_bitrate: int = 400_000
    audio_bitrate: int = 32_000
    audio_frame_ms: int = 60
    #: Forced keyframes (a seat joining, a seat's picture loss) are at least this far apart.
    keyframe_gap_s: float = 1.0
    #: A keyframe at least this often anyway, for decoders that never ask.
    keyframe_every_s: float = 10.0

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width < 16 or self.height < 16:
            raise ValueError("width and height must be even and at least 16")
        if not 1 <= self.fps <= 60:
            raise ValueError("fps must be 1-60")
        if self.audio_frame_ms not in OPUS_FRAME_MS:
            raise ValueError(f"audio_frame_ms must be one of {OPUS_FRAME_MS}")


#: The default: portrait 360×640 at 15 fps for phones.
PHONES = OutputFormat()


class FrameGate:
    """Let through at most ``fps`` frames a second, evenly, from any input rate.

    The due times form a grid, so 30 fps in gives exactly every other frame
    and 60 fps every fourth; a frame may come up to a quarter period early.
    After a gap (the host paused or dropped) the grid restarts.
    """

    def __init__(self, fps: int) -> None:
        self.period = 1.0 / fps
        self._due: float | None = None

    def due(self, now: float) -> bool:
        if self._due is not None and now < self._due - self.period / 4:
            return False
        if self._due is None or now - self._due > self.period:
            self._due = now
        self._due += self.period
        return True


class Scaler:
    """Crop a frame to the output's aspect ratio around its centre and scale it, in YUV 4:2:0."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self._graph: Graph | None = None
        self._input: tuple[int, int, str] | None = None

    def _build(self, frame: VideoFrame) -> Graph:
        w, h = frame.width, frame.height
        # The largest centred window of the output's aspect ratio, in even pixels.
        if w * self.height > h * self.width:
            cw, ch = (h * self.width // self.height) & ~1, h & ~1
        else:
            cw, ch = w & ~1, (w * self.height // self.width) & ~1
        graph = Graph()
        source = graph.add_buffer(width=w, height=h, format=frame.format,
                                  time_base=VIDEO_TIME_BASE)
        crop = graph.add("crop", f"{cw}:{ch}:{(w - cw) // 2 & ~1}:{(h - ch) // 2 & ~1}")
        scale = graph.add("scale", f"{self.width}:{self.height}:flags=bilinear")
        pixels = graph.add("format", "yuv420p")
        sink = graph.add("buffersink")
        source.link_to(crop)
        crop.link_to(scale)
        scale.link_to(pixels)
        pixels.link_to(sink)
        graph.configure()
        return graph

    def scale(self, frame: VideoFrame) -> VideoFrame:
        shape = (frame.width, frame.height, frame.format.name)
        if self._graph is None or shape != self._input:
            self._graph, self._input = self._build(frame), shape
        self._graph.vpush(frame)
        return self._graph.vpull()


class VideoEncoder:
    """One libvpx VP8 encoder in realtime mode; packets carry a 90 kHz ``pts``."""

    def __init__(self, fmt: OutputFormat) -> None:
        self.fmt = fmt
        codec = av.CodecContext.create("libvpx", "w")
        codec.width = fmt.width
        codec.height = fmt.height
        codec.pix_fmt = "yuv420p"
        codec.time_base = VIDEO_TIME_BASE
        codec.framerate = fractions.Fraction(fmt.fps, 1)
        codec.bit_rate = fmt.video_bitrate
        codec.gop_size = round(fmt.keyframe_every_s * fmt.fps)
        codec.qmin = 4
        codec.qmax = 56
        codec.thread_count = 1
        # The realtime settings of aiortc's Vp8Encoder (aiortc/codecs/vpx.py), with a
        # constant bitrate: every seat gets the same stream, so there is no per-seat REMB.
        rate = str(fmt.video_bitrate)
        codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
            "bufsize": rate,
            "minrate": rate,
            "maxrate": rate,
            "static-thresh": "1",
            "undershoot-pct": "100",
            "overshoot-pct": "15",
            "partitions": "0",
            "error-resilient": "1",
        }
        self.codec = codec

    def encode(self, frame: VideoFrame, pts: int, keyframe: bool) -> list[EncodedPacket]:
        """Encode ``frame`` (already at the output size) stamped ``pts`` (90 kHz)."""
        frame.pts = pts
        frame.time_base = VIDEO_TIME_BASE
        frame.pict_type = PictureType.I if keyframe else PictureType.NONE
        packets = self.codec.encode(frame)
        for packet in packets:
            packet.pts = pts
            packet.time_base = VIDEO_TIME_BASE
        return packets


class AudioEncoder:
    """One libopus encoder, mono, in ``fmt.audio_frame_ms`` packets; ``pts`` at 48 kHz."""

    def __init__(self, fmt: OutputFormat) -> None:
        codec = av.CodecContext.create("libopus", "w")
        codec.sample_rate = AUDIO_RATE
        codec.layout = "mono"
        codec.format = "s16"
        codec.bit_rate = fmt.audio_bitrate
        codec.time_base = AUDIO_TIME_BASE
        codec.options = {"application": "voip", "frame_duration": str(fmt.audio_frame_ms)}
        codec.open()
        self.codec = codec
        self.frame_size = codec.frame_size
        self._resampler = AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE,
                                         frame_size=self.frame_size)
        #: The ``pts`` of the next packet, in samples at 48 kHz.
        self.next_pts = 0

    def encode(self, frame: AudioFrame) -> list[EncodedPacket]:
        """Encode ``frame`` (any format); returns the packets completed so far."""
        out: list[EncodedPacket] = []
        for chunk in self._resampler.resample(frame):
            chunk.pts = None
            for packet in self.codec.encode(chunk):
                packet.pts = self.next_pts
                packet.time_base = AUDIO_TIME_BASE
                self.next_pts += self.frame_size
                out.append(packet)
        return out

    def resync(self, pts: int) -> None:
        """Continue the timeline at ``pts`` (never backwards): the host was away."""
        self.next_pts = max(self.next_pts, pts)


class SharedPacker(Encoder):
    """The RTP payloads of each encoded packet, made once for every seat's sender.

    aiortc's sender splits a pre-encoded packet into RTP payloads with an encoder
    of its own, one per seat (``RTCRtpSender._next_encoded_frame`` in
    aiortc/rtcrtpsender.py, aiortc 1.16): fifty seats would split every frame
    fifty times. The relay packs each packet here once, in the order it hands
    the packets out (:meth:`add`), and every seat's sending loop
    (:mod:`server.video.sender`, or aiortc's own, given this object as its
    encoder) calls :meth:`pack`, which returns the payloads already made.

    ``packer`` does the splitting: aiortc's own ``Vp8Encoder`` or ``OpusEncoder``
    (``pack`` in aiortc/codecs/vpx.py and aiortc/codecs/opus.py), so the bytes
    are the ones aiortc would send. Its VP8 picture id then counts the stream's
    pictures, not each seat's: a seat that skipped pictures (waiting for a
    keyframe) sees a gap, which is how a VP8 receiver is told pictures were lost
    (https://www.rfc-editor.org/rfc/rfc7741#section-4.2).

    The payloads of the last ``capacity`` packets are kept; a seat's queue holds
    only recent packets, so an older one is packed again, counted in :attr:`packed`.
    """

    def __init__(self, packer: Encoder, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._packer = packer
        #: Keyed by the packet object itself (kept alive here, so never confused with another).
        self._made: dict[EncodedPacket, tuple[list[bytes], int]] = {}
        #: Packets split into payloads (once each, unless one was packed after being dropped).
        self.packed = 0
        #: Payload lists handed to seats' senders.
        self.served = 0

    def add(self, packet: EncodedPacket) -> None:
        """Pack ``packet`` now, before any seat asks for it."""
        if packet not in self._made:
            self._make(packet)

    def pack(self, packet: EncodedPacket) -> tuple[list[bytes], int]:
        """``packet``'s RTP payloads and timestamp (aiortc's ``Encoder.pack``)."""
        self.served += 1
        made = self._made.get(packet)
        return made if made is not None else self._make(packet)

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        raise TypeError("SharedPacker packs encoded packets; a seat's track never gives frames")

    def _make(self, packet: EncodedPacket) -> tuple[list[bytes], int]:
        made = self._packer.pack(packet)
        self.packed += 1
        self._made[packet] = made
        if len(self._made) > self.capacity:
            del self._made[next(iter(self._made))]
        return made
