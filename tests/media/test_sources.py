"""Camera and microphone sources, their errors and their fall-backs."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
import pytest

from media import camera as camera_module, microphone as mic_module
from media.camera import (
    FallbackCamera,
    ImageCamera,
    SyntheticCamera,
    VideoFileCamera,
    open_camera,
)
from media.microphone import DeviceMic, FallbackMic, FileMic, SyntheticMic, open_microphone
from media.sources import SourceError, SourceLost
from media.synthetic import synthetic_frame
from media.text import source_text

from .conftest import FIXTURES


def test_image_camera_repeats_the_photo() -> None:
    cam = ImageCamera(FIXTURES / "obama_good.jpg")
    assert np.array_equal(cam.read(), cam.read())
    assert not cam.live
    assert "obama_good.jpg" in source_text(cam.describe(), "en")


@pytest.mark.parametrize("spec", ["nope.jpg", "nope.mp4"])
def test_missing_files_are_user_errors(spec: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as error:
        open_camera(str(tmp_path / spec))
    assert error.value.key == "file_missing"


def test_unreadable_image_and_video(tmp_path: Path) -> None:
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    (tmp_path / "broken.mp4").write_bytes(b"nothing here")
    with pytest.raises(SourceError) as image:
        open_camera(str(tmp_path / "broken.jpg"))
    assert image.value.key == "image_unreadable"
    with pytest.raises(SourceError) as video:
        open_camera(str(tmp_path / "broken.mp4"))
    assert video.value.key == "video_unreadable"


def test_video_file_camera_loops(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240))
    for i in range(3):
        writer.write(cv2.resize(synthetic_frame(i), (320, 240)))
    writer.release()
    cam, notices = open_camera(str(path))
    assert isinstance(cam, VideoFileCamera) and notices == []
    frames = [cam.read() for _ in range(7)]  # past the end: it loops
    assert all(f.shape == (240, 320, 3) for f in frames)
    assert cam.fps == pytest.approx(10)
    cam.close()


def test_no_camera_falls_back_to_the_test_card(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_device(index: int) -> None:
        raise SourceError("camera_missing", index=index)

    monkeypatch.setattr(camera_module, "DeviceCamera", no_device)
    cam, notices = open_camera(None)
    assert isinstance(cam, SyntheticCamera)
    assert [n.key for n in notices] == ["no_camera_found"]
    with pytest.raises(SourceError) as error:
        open_camera("3")
    assert error.value.key == "camera_missing"


def test_synthetic_camera_by_name() -> None:
    for name in ("synthetic", "sintetis", "SYNTHETIC"):
        cam, notices = open_camera(name)
        assert isinstance(cam, SyntheticCamera) and notices == []


class DyingCamera:
    """A device that works for ``frames`` frames, then is unplugged."""

    live = True
    fps = 30.0

    def __init__(self, frames: int) -> None:
        self.left = frames
        self.closed = False

    def read(self) -> np.ndarray:
        if self.left == 0:
            raise SourceLost("unplugged")
        self.left -= 1
        return np.zeros((48, 64, 3), np.uint8)

    def describe(self) -> Any:
        raise AssertionError("not used")

    def close(self) -> None:
        self.closed = True


def test_unplugged_camera_falls_back_with_a_notice() -> None:
    dying = DyingCamera(2)
    cam = FallbackCamera(dying)
    assert cam.read().shape == (48, 64, 3)
    assert cam.read().shape == (48, 64, 3)
    third = cam.read()  # unplugged here
    assert third.shape == (480, 640, 3)
    assert cam.fell_back and dying.closed
    assert [n.key for n in cam.notices] == ["camera_lost"]
    assert "kamera" in source_text(cam.notices[0], "id").lower()


def test_file_mic_reads_to_the_end() -> None:
    mic = FileMic(FIXTURES / "speech_good.wav")
    assert mic.sample_rate == 16_000 and not mic.live
    total = 0
    while (chunk := mic.read(4000)).size:
        total += chunk.size
    assert total == round(mic.duration * 16_000)


def test_no_audio_system_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: None)
    mic, notices = open_microphone(None)
    assert isinstance(mic, SyntheticMic)
    assert [n.key for n in notices] == ["no_audio_system"]
    with pytest.raises(SourceError) as error:
        open_microphone("1")
    assert error.value.key == "audio_system_missing"


class FakeStream:
    def __init__(self, fail_after: int, **_: object) -> None:
        self.left = fail_after

    def start(self) -> None:
        pass

    def read(self, count: int) -> tuple[np.ndarray, bool]:
        if self.left == 0:
            raise RuntimeError("device unplugged")  # PortAudioError in real life
        self.left -= 1
        return np.full((count, 1), 0.1, np.float32), False

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def fake_sounddevice(fail_after: int, devices: int = 1) -> SimpleNamespace:
    def query_devices(device: int | None, kind: str) -> dict[str, object]:
        if device is not None and device >= devices:
            raise ValueError("no such device")
        return {"name": "Mic Laptop", "default_samplerate": 48000.0}

    return SimpleNamespace(
        query_devices=query_devices,
        InputStream=lambda **kw: FakeStream(fail_after, **kw),
    )


def test_device_mic_and_unplugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: fake_sounddevice(1))
    mic, notices = open_microphone(None)
    assert isinstance(mic, FallbackMic) and notices == []
    assert mic.live and mic.sample_rate == 48_000
    assert source_text(mic.describe(), "en") == "microphone Mic Laptop"
    assert mic.read(480).tolist() == pytest.approx([0.1] * 480)
    after = mic.read(480)  # unplugged: synthetic voice at 16 kHz from here on
    assert after.size == 480
    assert isinstance(mic.current, SyntheticMic)
    assert [n.key for n in mic.notices] == ["mic_lost"]


def test_missing_mic_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: fake_sounddevice(5, devices=1))
    with pytest.raises(SourceError) as error:
        open_microphone("4")
    assert error.value.key == "mic_missing"
    with pytest.raises(SourceError):
        DeviceMic(9, fake_sounddevice(5))  # type: ignore[arg-type]


#: What ``import sounddevice`` does on each kind of machine, as a stand-in module's body.
SOUNDDEVICE = {
    "present": "InputStream = object\n",
    "no PortAudio": "raise OSError('PortAudio library not found')\n",
    "no package": "raise ImportError('No module named sounddevice')\n",
}


@pytest.mark.parametrize("machine", SOUNDDEVICE)
def test_sounddevice_loads_or_is_reported_missing(machine: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sounddevice.py").write_text(SOUNDDEVICE[machine], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    module = mic_module.load_sounddevice()
    if machine == "present":
        assert module is not None and module.__file__ == str(tmp_path / "sounddevice.py")
        assert module.InputStream is object
    else:
        assert module is None
