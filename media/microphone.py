"""Microphone sources: a device (sounddevice), a recording, or the synthetic voice.

sounddevice needs PortAudio. Its wheels bundle it on Windows and macOS; on
Linux it needs the system's libportaudio, so it is imported lazily and its
absence means "no microphone", not a crash. Every source gives mono float32.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast

import numpy as np

from .audio_levels import Samples, to_mono_float
from .recordings import read_audio
from .sources import Notice, SourceError, SourceLost
from .synthetic import synthetic_voice

__all__ = [
    "DeviceMic",
    "FallbackMic",
    "FileMic",
    "MicSource",
    "SyntheticMic",
    "load_sounddevice",
    "open_microphone",
]

SYNTHETIC_NAMES = frozenset({"synthetic", "sintetis", "test", "uji"})
SYNTHETIC_RATE = 16_000
#: Seconds of a recording kept: the check judges up to 30 s (media/preflight.py
#: MAX_FILE_S) and the desktop app loops what it has.
FILE_LIMIT_S = 60.0


class MicSource(Protocol):
    @property
    def sample_rate(self) -> int: ...

    @property
    def live(self) -> bool:
        """Devices record in real time (the user must speak); files are read at once."""
        ...

    def read(self, count: int) -> Samples:
        """Up to ``count`` samples; fewer (or none) only at the end of a file."""
        ...

    def describe(self) -> Notice: ...

    def close(self) -> None: ...


def load_sounddevice() -> ModuleType | None:
    """Import sounddevice, or ``None`` when PortAudio is missing or broken."""
    try:
        import sounddevice  # type: ignore[import-untyped]
    except (ImportError, OSError):  # OSError: "PortAudio library not found"
        return None
    return cast(ModuleType, sounddevice)


class FileMic:
    """A recording (any format :func:`media.recordings.read_audio` reads) judged as if a
    microphone had recorded it."""

    live = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._samples, self.sample_rate = read_audio(path, FILE_LIMIT_S)
        self._position = 0

    @property
    def duration(self) -> float:
        return self._samples.size / self.sample_rate

    def read(self, count: int) -> Samples:
        chunk = self._samples[self._position : self._position + count]
        self._position += chunk.size
        return chunk

    def rewind(self) -> None:
        """Start the recording again (the desktop app loops it)."""
        self._position = 0

    def describe(self) -> Notice:
        return Notice.make("source_mic_file", path=str(self.path))

    def close(self) -> None:
        pass


class SyntheticMic:
    """The built-in voice-like signal, at 16 kHz."""

    live = False
    sample_rate = SYNTHETIC_RATE

    def __init__(self) -> None:
        self._position = 0

    def read(self, count: int) -> Samples:
        chunk = synthetic_voice(self._position, count, self.sample_rate)
        self._position += count
        return chunk

    def describe(self) -> Notice:
        return Notice.make("source_mic_synthetic")

    def close(self) -> None:
        pass


class DeviceMic:
    """A sound-card input through sounddevice, mono, at the device's own rate."""

    live = True

    def __init__(self, device: int | None, sd: ModuleType) -> None:
        self.device = device
        self._sd = sd
        try:
            info: Any = sd.query_devices(device, "input")
            self.sample_rate = int(info["default_samplerate"]) or 16_000
            self.name = str(info["name"])
            self._stream = sd.InputStream(
                device=device, channels=1, samplerate=self.sample_rate, dtype="float32"
            )
            self._stream.start()
        except Exception as error:  # PortAudioError, ValueError for a bad index
            raise SourceError("mic_missing", index="-" if device is None else device) from error

    def read(self, count: int) -> Samples:
        try:
            data, _overflowed = self._stream.read(count)
        except Exception as error:  # device unplugged mid-read
            raise SourceLost(self.name) from error
        return to_mono_float(np.asarray(data))

    def describe(self) -> Notice:
        return Notice.make("source_mic_device", name=self.name)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.stop()
            self._stream.close()


class FallbackMic:
    """Wrap a source; if it is lost, continue with the synthetic voice and leave a notice."""

    def __init__(self, primary: MicSource) -> None:
        self.current: MicSource = primary
        self.notices: list[Notice] = []

    @property
    def sample_rate(self) -> int:
        return self.current.sample_rate

    @property
    def live(self) -> bool:
        return self.current.live

    def read(self, count: int) -> Samples:
        try:
            return self.current.read(count)
        except SourceLost:
            if isinstance(self.current, SyntheticMic):
                raise
            self.notices.append(Notice.make("mic_lost"))
            with contextlib.suppress(Exception):
                self.current.close()
            self.current = SyntheticMic()
            return self.current.read(count)

    def describe(self) -> Notice:
        return self.current.describe()

    def close(self) -> None:
        self.current.close()


def open_microphone(spec: str | None) -> tuple[MicSource, list[Notice]]:
    """Open the microphone named by ``spec`` (device index, recording file, ``synthetic``).

    ``None`` means the default input device, or the synthetic voice when there
    is none (or no audio system). Raises :class:`SourceError` for an explicit
    choice that cannot be used.
    """
    if spec is not None and spec.strip().lower() in SYNTHETIC_NAMES:
        return SyntheticMic(), []
    if spec is not None and not spec.strip().isdigit():
        return FileMic(Path(spec)), []
    sd = load_sounddevice()
    if sd is None:
        if spec is not None:
            raise SourceError("audio_system_missing")
        return SyntheticMic(), [Notice.make("no_audio_system")]
    device = int(spec) if spec is not None else None
    try:
        return FallbackMic(DeviceMic(device, sd)), []
    except SourceError:
        if spec is not None:
            raise
        return SyntheticMic(), [Notice.make("no_mic_found")]
