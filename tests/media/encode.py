"""Write the recordings people have — every WAV format, FLAC, MP3, m4a, Opus, phone video —
from NumPy arrays with PyAV's encoders, so the tests make their fixtures instead of
committing binaries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.video.stream import VideoStream
from numpy.typing import NDArray

from media.frame import Image

__all__ = ["write_audio", "write_video"]

#: x265 prints a banner on stderr unless told not to.
QUIET_X265 = {"x265-params": "log-level=none"}


def _audio_stream(out: OutputContainer, codec: str, rate: int, channels: int,
                  sample_format: str | None) -> AudioStream:
    stream = out.add_stream(codec, rate=rate, layout="stereo" if channels == 2 else "mono")
    assert isinstance(stream, AudioStream), codec
    if sample_format is not None:
        stream.format = sample_format
    return stream


def _encode_audio(out: OutputContainer, stream: AudioStream, samples: NDArray[np.float32],
                  rate: int, channels: int) -> None:
    planes = np.ascontiguousarray(np.tile(samples, (channels, 1)), dtype=np.float32)
    frame = av.AudioFrame.from_ndarray(planes, format="fltp",
                                       layout="stereo" if channels == 2 else "mono")
    frame.sample_rate = rate
    frame.pts = 0
    for packet in stream.encode(frame):
        out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def write_audio(path: Path, samples: NDArray[np.float32], rate: int, codec: str, *,
                container: str | None = None, sample_format: str | None = None,
                channels: int = 1, file_rate: int | None = None) -> Path:
    """Encode mono ``samples`` at ``rate`` (copied to every channel) with FFmpeg's ``codec``;
    the file's own rate is ``file_rate`` (PyAV resamples on the way in)."""
    with av.open(str(path), "w", format=container) as out:
        stream = _audio_stream(out, codec, file_rate or rate, channels, sample_format)
        _encode_audio(out, stream, samples, rate, channels)
    return path


def _video_stream(out: OutputContainer, codec: str, fps: int, size: tuple[int, int],
                  rotation: float | None) -> VideoStream:
    stream = out.add_stream(codec, rate=fps, options=QUIET_X265 if codec == "libx265" else {})
    assert isinstance(stream, VideoStream), codec
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if rotation is not None:
        stream.set_display_rotation(rotation)
    return stream


def write_video(path: Path, frames: Sequence[Image], fps: int = 10, codec: str = "libx264", *,
                rotation: float | None = None,
                sound: tuple[NDArray[np.float32], int] | None = None) -> Path:
    """Encode BGR ``frames`` (and, with ``sound``, an AAC track) as a phone would.

    ``rotation`` is the display matrix a phone writes: -90 for a phone held upright,
    whose stored picture is then the upright view turned on its side.
    """
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as out:
        video = _video_stream(out, codec, fps, (width, height), rotation)
        audio = _audio_stream(out, "aac", sound[1], 1, None) if sound is not None else None
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
            frame.pts = i
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio is not None and sound is not None:
            _encode_audio(out, audio, sound[0], sound[1], 1)
    return path
