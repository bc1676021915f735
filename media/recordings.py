"""Recordings as people have them, decoded by FFmpeg through PyAV.

A cadre's recording may be a WAV of any sample format (8/16/24/32-bit integer,
32/64-bit float, WAVE_FORMAT_EXTENSIBLE as Audacity and OBS write it), FLAC,
an OGG/Opus voice note, an MP3, a phone's m4a/AAC, or the sound of an mp4/mov
video. FFmpeg reads all of them (https://pyav.basswood-io.com/), so Gladi keeps
no file reader of its own. PyAV's wheels carry FFmpeg on Windows, macOS and
Linux; nothing else is installed.

Paths go to FFmpeg as text: it opens UTF-8 names through the wide-character
API on Windows, so ``C:\\Users\\Siti Nurhaliza\\Dokumen\\rekaman suara.m4a``
works as it is.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer

from .audio_levels import Samples, to_mono_float
from .sources import SourceError

__all__ = ["MAX_RATE", "MIN_RATE", "open_container", "read_audio", "unreadable_reason"]

#: The voice detector needs at least 8 kHz (media/voice.py); slower recordings
#: are resampled up to it.
MIN_RATE = 8_000
#: Faster recordings (96 kHz studio takes) are resampled down: the checks judge
#: speech and room noise, and twice the data would buy nothing.
MAX_RATE = 48_000

#: What PyAV raises for a file it cannot demultiplex or decode. ``ValueError``
#: also covers a stream whose sample format changes halfway (the resampler refuses).
DECODE_ERRORS = (av.FFmpegError, ValueError, OSError)


def unreadable_reason(error: BaseException) -> str:
    """FFmpeg's short reason ("Invalid data found when processing input"), without the path."""
    if isinstance(error, av.FFmpegError) and error.strerror:
        return str(error.strerror)
    return str(error) or type(error).__name__


def open_container(path: Path, unreadable_key: str) -> InputContainer:
    """Open ``path`` for reading; a missing or foreign file is a :class:`SourceError`."""
    if not path.is_file():
        raise SourceError("file_missing", path=str(path))
    try:
        return av.open(str(path), mode="r")
    except DECODE_ERRORS as error:
        reason = unreadable_reason(error)
        raise SourceError(unreadable_key, path=str(path), reason=reason) from error


def _mono(frame: AudioFrame) -> Samples:
    """One planar float frame (channels × samples) as mono ``float32``, channels averaged."""
    return to_mono_float(frame.to_ndarray().T)


def _decode(container: InputContainer, stream: AudioStream, rate: int, limit: int) -> Samples:
    """Decode ``stream`` to mono float at ``rate``, stopping after ``limit`` samples."""
    resampler = av.AudioResampler(format="fltp", rate=rate)
    chunks: list[Samples] = []
    got = 0
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            chunks.append(_mono(out))
            got += chunks[-1].size
        if got >= limit:
            break
    else:
        chunks.extend(_mono(out) for out in resampler.resample(None))
    if not chunks:
        return np.zeros(0, np.float32)
    return np.concatenate(chunks)[:limit]


def read_audio(path: Path, max_seconds: float) -> tuple[Samples, int]:
    """The first sound track of ``path`` as mono ``float32`` and its sample rate.

    At most ``max_seconds`` are decoded, so an hour-long file costs no more than
    the part the checks judge. The rate is the file's own when it lies in
    [:data:`MIN_RATE`, :data:`MAX_RATE`], else the nearer bound. Raises
    :class:`SourceError` (``file_missing``, ``recording_unreadable``,
    ``recording_no_sound``) with the path, for a message that says what to do.
    """
    with open_container(path, "recording_unreadable") as container:
        if not container.streams.audio:
            raise SourceError("recording_no_sound", path=str(path))
        stream = container.streams.audio[0]
        rate = min(max(stream.codec_context.sample_rate or MIN_RATE, MIN_RATE), MAX_RATE)
        try:
            samples = _decode(container, stream, rate, max(1, round(max_seconds * rate)))
        except DECODE_ERRORS as error:
            raise SourceError(
                "recording_unreadable", path=str(path), reason=unreadable_reason(error)
            ) from error
    if samples.size == 0:
        raise SourceError("recording_no_sound", path=str(path))
    return samples, rate
