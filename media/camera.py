"""Camera sources: a device, an image file, a video file, or the synthetic test card.

:func:`open_camera` turns the ``--camera`` argument into a source. With no
argument it tries the first camera and falls back to the test card, with a
notice, when there is none; a device that fails later (unplugged) is replaced
by the test card through :class:`FallbackCamera`, again with a notice, instead
of crashing the session.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from av.video.frame import VideoFrame

from .frame import Image, u8
from .recordings import DECODE_ERRORS, open_container, unreadable_reason
from .sources import Notice, SourceError, SourceLost
from .synthetic import SYNTHETIC_FPS, synthetic_frame

__all__ = [
    "CameraSource",
    "DeviceCamera",
    "FallbackCamera",
    "ImageCamera",
    "SyntheticCamera",
    "VideoFileCamera",
    "load_image",
    "open_camera",
    "upright",
]

SYNTHETIC_NAMES = frozenset({"synthetic", "sintetis", "test", "uji"})
VIDEO_SUFFIXES = frozenset({
    ".mp4", ".mov", ".m4v", ".3gp", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".ogv", ".flv"
})


class CameraSource(Protocol):
    """Anything that gives BGR frames."""

    @property
    def live(self) -> bool:
        """Device cameras need a moment for auto-exposure; files and the test card do not."""
        ...

    @property
    def fps(self) -> float:
        """Frames per second the source delivers (for sampling a time window)."""
        ...

    def read(self) -> Image:
        """The next frame; raises :class:`SourceLost` when the source stops working."""
        ...

    def describe(self) -> Notice:
        """What this source is, for the report header."""
        ...

    def close(self) -> None: ...


@contextlib.contextmanager
def _quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own warnings (e.g. "can't open camera by index") while probing."""
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is None:
        yield
        return
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        logging.setLogLevel(previous)


def load_image(path: Path) -> Image:
    """Read an image file as BGR; raises :class:`SourceError` if it is missing or unreadable."""
    if not path.is_file():
        raise SourceError("file_missing", path=str(path))
    # np.fromfile + imdecode instead of imread: imread fails on non-ASCII
    # paths on Windows (C:\Users\Bu Siti Ñ…).
    data = np.fromfile(str(path), dtype=np.uint8)
    with _quiet_opencv():
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise SourceError("image_unreadable", path=str(path))
    return u8(image)


class ImageCamera:
    """A still photo judged as if a camera kept showing it."""

    live = False
    fps = float(SYNTHETIC_FPS)

    def __init__(self, path: Path) -> None:
        self.path = path
        self._image = load_image(path)

    def read(self) -> Image:
        return self._image.copy()

    def describe(self) -> Notice:
        return Notice.make("source_camera_image", path=str(self.path))

    def close(self) -> None:
        pass


def upright(image: Image, rotation: int) -> Image:
    """Turn a decoded frame the way its display matrix says (a phone held upright).

    Phones store portrait video as landscape pictures plus a rotation; FFmpeg
    reports it counter-clockwise in degrees (``VideoFrame.rotation``: -90 for
    an upright iPhone), which is what :func:`numpy.rot90` turns by.
    """
    turns = round(rotation / 90) % 4
    return u8(np.ascontiguousarray(np.rot90(image, turns))) if turns else image


class VideoFileCamera:
    """A video file (any FFmpeg reads: a phone's mp4/mov, H.264 or HEVC), looping at its end.

    Decoded with PyAV rather than OpenCV: FFmpeg opens non-ASCII paths on
    Windows and reports a phone's rotation (see :mod:`media.recordings`).
    """

    live = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._container = open_container(path, "video_unreadable")
        try:
            if not self._container.streams.video:
                raise SourceError("video_no_picture", path=str(path))
            self._stream = self._container.streams.video[0]
            rate = self._stream.average_rate or self._stream.guessed_rate
            fps = float(rate) if rate else 0.0
            self.fps = fps if 1.0 <= fps <= 240.0 else float(SYNTHETIC_FPS)
            self._frames: Iterator[VideoFrame] = self._container.decode(self._stream)
            first = next(self._frames, None)
        except DECODE_ERRORS as error:
            self._container.close()
            raise SourceError(
                "video_unreadable", path=str(path), reason=unreadable_reason(error)
            ) from error
        except SourceError:
            self._container.close()
            raise
        if first is None:
            self._container.close()
            raise SourceError("video_no_picture", path=str(path))
        self._first: VideoFrame | None = first

    def _next(self) -> VideoFrame:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        frame = next(self._frames, None)
        if frame is None:  # the end: start again
            self._container.seek(0)
            self._frames = self._container.decode(self._stream)
            frame = next(self._frames, None)
        if frame is None:
            raise SourceLost(str(self.path))
        return frame

    def read(self) -> Image:
        try:
            frame = self._next()
            return upright(u8(frame.to_ndarray(format="bgr24")), frame.rotation)
        except DECODE_ERRORS as error:
            raise SourceLost(str(self.path)) from error

    def describe(self) -> Notice:
        return Notice.make("source_camera_video", path=str(self.path))

    def close(self) -> None:
        self._container.close()


class DeviceCamera:
    """A webcam by index, asked for 640×480."""

    live = True

    def __init__(self, index: int, width: int = 640, height: int = 480) -> None:
        self.index = index
        with _quiet_opencv():
            capture = self._open(index)
            if capture is None:
                raise SourceError("camera_missing", index=index)
            self._capture: cv2.VideoCapture = capture
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            ok, frame = self._capture.read()
        if not ok or frame is None:
            self._capture.release()
            raise SourceError("camera_missing", index=index)
        fps = float(self._capture.get(cv2.CAP_PROP_FPS))
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0

    @staticmethod
    def _open(index: int) -> cv2.VideoCapture | None:
        # DirectShow opens most Windows webcams in well under a second where the
        # default Media Foundation backend can take several; try it first there.
        backends = [cv2.CAP_DSHOW, cv2.CAP_ANY] if sys.platform == "win32" else [cv2.CAP_ANY]
        for backend in backends:
            capture = cv2.VideoCapture(index, backend)
            if capture.isOpened():
                return capture
            capture.release()
        return None

    def read(self) -> Image:
        ok, frame = self._capture.read()
        if not ok or frame is None:
            raise SourceLost(f"camera {self.index}")
        return u8(frame)

    def describe(self) -> Notice:
        return Notice.make("source_camera_device", index=self.index)

    def close(self) -> None:
        self._capture.release()


class SyntheticCamera:
    """The built-in animated presenter test card."""

    live = False
    fps = float(SYNTHETIC_FPS)

    def __init__(self, width: int = 640, height: int = 480) -> None:
        self.width, self.height = width, height
        self.index = 0

    def read(self) -> Image:
        frame = synthetic_frame(self.index, self.width, self.height)
        self.index += 1
        return frame

    def describe(self) -> Notice:
        return Notice.make("source_camera_synthetic")

    def close(self) -> None:
        pass


class FallbackCamera:
    """Wrap a source; if it is lost, continue with the test card and leave a notice."""

    def __init__(self, primary: CameraSource) -> None:
        self.current: CameraSource = primary
        self.notices: list[Notice] = []

    @property
    def live(self) -> bool:
        return self.current.live

    @property
    def fps(self) -> float:
        return self.current.fps

    @property
    def fell_back(self) -> bool:
        return isinstance(self.current, SyntheticCamera) and bool(self.notices)

    def read(self) -> Image:
        try:
            return self.current.read()
        except SourceLost:
            if isinstance(self.current, SyntheticCamera):
                raise
            self.notices.append(Notice.make("camera_lost"))
            with contextlib.suppress(Exception):
                self.current.close()
            self.current = SyntheticCamera()
            return self.current.read()

    def describe(self) -> Notice:
        return self.current.describe()

    def close(self) -> None:
        self.current.close()


def open_camera(spec: str | None) -> tuple[CameraSource, list[Notice]]:
    """Open the camera named by ``spec`` (device index, image or video file, ``synthetic``).

    ``None`` means the first camera, or the test card when there is none.
    Raises :class:`SourceError` for an explicit choice that cannot be used.
    """
    if spec is None:
        try:
            return FallbackCamera(DeviceCamera(0)), []
        except SourceError:
            return SyntheticCamera(), [Notice.make("no_camera_found")]
    if spec.strip().lower() in SYNTHETIC_NAMES:
        return SyntheticCamera(), []
    if spec.strip().isdigit():
        return FallbackCamera(DeviceCamera(int(spec))), []
    path = Path(spec)
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return VideoFileCamera(path), []
    return ImageCamera(path), []
