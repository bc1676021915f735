"""Recordings as people have them: every WAV format, FLAC, MP3, phone m4a, Opus voice notes
and phone video are read, and judged as the same take in WAV would be.

Every file is made here from the committed WAV and JPG fixtures with PyAV's encoders
(tests/media/encode.py); nothing binary is committed for these tests.
"""

from __future__ import annotations

import json
import struct
import wave
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from gladi.cli import main
from media import camera as camera_module, microphone as mic_module
from media.camera import VideoFileCamera, open_camera, upright
from media.faces import HaarFaceDetector
from media.frame import u8
from media.microphone import FileMic, open_microphone
from media.preflight import camera_checks, microphone_results, sample_camera
from media.recordings import MAX_RATE, MIN_RATE, read_audio
from media.sources import SourceError
from media.text import source_text

from .conftest import FIXTURES, photo, recording
from .encode import write_audio, write_video

Levels = dict[str, str]


def mic_levels(samples: NDArray[np.float32], rate: int) -> Levels:
    return {r.name: r.level.value for r in microphone_results(samples, rate)}


def camera_levels(path: Path, detector: HaarFaceDetector) -> Levels:
    source, _ = open_camera(str(path))
    try:
        return {r.name: r.level.value for r in camera_checks(sample_camera(source, detector))}
    finally:
        source.close()


def header_format_tag(path: Path) -> int:
    """The ``fmt `` chunk's format tag (1 PCM, 3 float, 0xFFFE extensible)."""
    data = path.read_bytes()
    at = data.index(b"fmt ") + 8
    return int(struct.unpack_from("<H", data, at)[0])


# --- WAV in every sample format -------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "tag", "step"),
    [
        ("pcm_u8", 1, 1 / 128),
        ("pcm_s16le", 1, 1 / 32768),
        ("pcm_s24le", 0xFFFE, 1 / 2**23),  # > 16 bits: FFmpeg writes WAVE_FORMAT_EXTENSIBLE
        ("pcm_s32le", 0xFFFE, 1 / 2**31),
        ("pcm_f32le", 3, 1e-7),
        ("pcm_f64le", 3, 1e-7),
    ],
)
def test_every_wav_sample_format_reads_as_the_same_take(
    tmp_path: Path, codec: str, tag: int, step: float
) -> None:
    take, rate = recording("speech_good")
    path = write_audio(tmp_path / f"{codec}.wav", take, rate, codec)
    assert header_format_tag(path) == tag
    samples, got_rate = read_audio(path, 60.0)
    assert got_rate == rate and samples.size == take.size
    assert float(np.max(np.abs(samples - take))) <= max(step, 1 / 32768)


def extensible_wav(path: Path, values: list[float], bits: int, rate: int = 16_000) -> Path:
    """A WAVE_FORMAT_EXTENSIBLE file written byte by byte, as Audacity and OBS write it."""
    ints = [round(v * 2 ** (bits - 1)) for v in values]
    ints = [min(i, 2 ** (bits - 1) - 1) for i in ints]
    width = bits // 8
    data = b"".join(i.to_bytes(width, "little", signed=True) for i in ints)
    pcm_guid = bytes.fromhex("0100000000001000800000aa00389b71")
    fmt = struct.pack("<HHIIHHHHI16s", 0xFFFE, 1, rate, rate * width, width, bits,
                      22, bits, 0x4, pcm_guid)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


@pytest.mark.parametrize("bits", [16, 24, 32])
def test_a_hand_written_extensible_wav(tmp_path: Path, bits: int) -> None:
    """The file the old reader refused ("unknown format: 65534")."""
    values = [0.0, 0.5, -0.5, -1.0, 0.25]
    samples, rate = read_audio(extensible_wav(tmp_path / "obs.wav", values, bits), 60.0)
    assert rate == 16_000
    assert samples.tolist() == pytest.approx(values, abs=1 / 2 ** (bits - 1))


def stdlib_wav(path: Path, raw: bytes, width: int, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(16_000)
        w.writeframes(raw)
    return path


def test_8_bit_wav_is_unsigned(tmp_path: Path) -> None:
    raw = np.array([128, 192, 64, 0], np.uint8).tobytes()
    samples, _ = read_audio(stdlib_wav(tmp_path / "u8.wav", raw, 1), 60.0)
    assert samples.tolist() == [0.0, 0.5, -0.5, -1.0]


def test_stereo_is_the_mean_of_its_channels(tmp_path: Path) -> None:
    raw = np.array([16384, 0, 0, -16384], "<i2").tobytes()
    samples, _ = read_audio(stdlib_wav(tmp_path / "s.wav", raw, 2, channels=2), 60.0)
    assert samples.tolist() == [0.25, -0.25]


# --- compressed formats: the same verdicts as the WAV -----------------------------------

COMPRESSED = [
    # name, codec, container, the file's sample rate (what phones and apps write)
    pytest.param("take.flac", "flac", None, 16_000, id="flac"),
    pytest.param("take.mp3", "libmp3lame", None, 44_100, id="mp3"),
    pytest.param("take.m4a", "aac", "mp4", 48_000, id="m4a-aac"),
    pytest.param("voice-note.ogg", "libopus", "ogg", 48_000, id="ogg-opus"),
    pytest.param("voice-note.opus", "libopus", "opus", 48_000, id="opus"),
    pytest.param("take.webm", "libopus", "webm", 48_000, id="webm-opus"),
]


@pytest.mark.parametrize(("name", "codec", "container", "file_rate"), COMPRESSED)
@pytest.mark.parametrize("take_name", ["speech_good", "speech_quiet", "silence"])
def test_compressed_recordings_get_the_verdicts_of_the_wav(
    tmp_path: Path, name: str, codec: str, container: str | None, file_rate: int, take_name: str
) -> None:
    take, rate = recording(take_name)
    path = write_audio(tmp_path / name, take, rate, codec, container=container, file_rate=file_rate)
    samples, got_rate = read_audio(path, 60.0)
    assert got_rate == file_rate
    assert samples.size / got_rate == pytest.approx(take.size / rate, abs=0.1)
    assert mic_levels(samples, got_rate) == mic_levels(take, rate)


def test_flac_is_lossless(tmp_path: Path) -> None:
    take, rate = recording("speech_noisy")
    samples, _ = read_audio(write_audio(tmp_path / "x.flac", take, rate, "flac"), 60.0)
    assert np.array_equal(samples, take)


@pytest.mark.parametrize(("file_rate", "expected"), [(6_000, MIN_RATE), (22_050, 22_050),
                                                     (96_000, MAX_RATE)])
def test_rates_outside_what_the_checks_need_are_resampled(
    tmp_path: Path, file_rate: int, expected: int
) -> None:
    take, rate = recording("speech_good")
    path = write_audio(tmp_path / "x.wav", take, rate, "pcm_s16le", file_rate=file_rate)
    samples, got_rate = read_audio(path, 60.0)
    assert got_rate == expected
    assert samples.size / got_rate == pytest.approx(take.size / rate, abs=0.05)
    assert mic_levels(samples, got_rate)["speech"] == "ok"


def test_a_long_recording_is_read_only_as_far_as_needed(tmp_path: Path) -> None:
    take, rate = recording("speech_good")
    path = write_audio(tmp_path / "long.m4a", np.tile(take, 20), rate, "aac", container="mp4")
    samples, got_rate = read_audio(path, 10.0)
    assert samples.size == 10 * got_rate


def test_file_mic_loops_through_a_phone_recording(tmp_path: Path) -> None:
    take, rate = recording("speech_good")
    mic, notices = open_microphone(str(write_audio(tmp_path / "hp.m4a", take, rate, "aac",
                                                   container="mp4")))
    assert isinstance(mic, FileMic) and notices == [] and not mic.live
    first = mic.read(4000)
    while mic.read(4000).size:
        pass
    mic.rewind()
    assert np.array_equal(mic.read(4000), first)
    assert "hp.m4a" in source_text(mic.describe(), "id")


# --- what cannot be read: a message that says what to do --------------------------------


def broken_files(tmp_path: Path) -> dict[str, Path]:
    take, rate = recording("speech_good")
    whole = write_audio(tmp_path / "whole.m4a", take, rate, "aac", container="mp4").read_bytes()
    half = tmp_path / "setengah.m4a"  # a copy from the phone that stopped halfway
    half.write_bytes(whole[: len(whole) // 2])
    garbage = tmp_path / "rusak.wav"
    garbage.write_bytes(b"RIFF\x00\x00not a wav at all")
    silent_video = write_video(tmp_path / "bisu.mp4", [photo("obama_good")] * 3)
    return {"half": half, "garbage": garbage, "silent_video": silent_video,
            "photo": FIXTURES / "obama_good.jpg"}


def test_unreadable_and_soundless_files_are_clear_messages(tmp_path: Path) -> None:
    files = broken_files(tmp_path)
    expected = {"half": "recording_unreadable", "garbage": "recording_unreadable",
                "silent_video": "recording_no_sound", "photo": "recording_no_sound"}
    for name, key in expected.items():
        with pytest.raises(SourceError) as error:
            FileMic(files[name])
        assert error.value.key == key, name
        assert files[name].name in source_text(error.value, "id")
    with pytest.raises(SourceError) as missing:
        FileMic(tmp_path / "tidak-ada.mp3")
    assert missing.value.key == "file_missing"


@pytest.mark.parametrize(("lang", "words"), [("id", "Salin lagi dari HP"),
                                             ("en", "Copy it from the phone again")])
def test_check_names_the_damaged_file_and_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    half = broken_files(tmp_path)["half"]
    status = main(["--lang", lang, "check", "--no-camera", "--mic", str(half)])
    err = capsys.readouterr().err
    assert status == 2
    assert str(half) in err and words in err and "Traceback" not in err


# --- video from a phone ------------------------------------------------------------------


@pytest.fixture(scope="module")
def detector() -> HaarFaceDetector:
    return HaarFaceDetector()


@pytest.mark.parametrize(
    ("name", "codec"),
    [("hp.mp4", "libx264"), ("iphone.mov", "libx265"), ("kamera.avi", "mpeg4"),
     ("klip.webm", "libvpx")],
)
def test_a_video_gets_the_verdicts_of_its_picture(
    tmp_path: Path, detector: HaarFaceDetector, name: str, codec: str
) -> None:
    picture = photo("obama_good")
    path = write_video(tmp_path / name, [picture] * 12, codec=codec)
    cam, _ = open_camera(str(path))
    assert isinstance(cam, VideoFileCamera) and cam.fps == pytest.approx(10)
    cam.close()
    assert camera_levels(path, detector) == camera_levels(FIXTURES / "obama_good.jpg", detector)


def test_a_phone_held_upright_is_shown_upright(tmp_path: Path, detector: HaarFaceDetector) -> None:
    # A 360 × 640 portrait made from the middle of the 640 × 480 photo.
    portrait = u8(cv2.resize(np.ascontiguousarray(photo("obama_good")[:, 80:560]), (360, 640)))
    # An upright iPhone stores the picture on its side with a -90° display matrix.
    stored = [np.ascontiguousarray(np.rot90(portrait, 1))] * 10
    path = write_video(tmp_path / "potret.mov", stored, rotation=-90)
    cam = VideoFileCamera(path)
    frame = cam.read()
    cam.close()
    assert frame.shape == portrait.shape
    assert float(np.mean(np.abs(frame.astype(np.float32) - portrait))) < 8.0
    assert camera_levels(path, detector)["face"] == "ok"


def test_upright_turns_by_the_display_rotation() -> None:
    image = np.zeros((2, 3, 3), np.uint8)
    image[0, 0] = 255  # top-left
    assert upright(image, 0) is image
    assert upright(image, -90)[0, -1, 0] == 255  # clockwise: top-left goes top-right
    assert upright(image, 90)[-1, 0, 0] == 255  # counter-clockwise: bottom-left
    assert upright(image, 180)[-1, -1, 0] == 255


def test_a_video_loops_at_its_end(tmp_path: Path) -> None:
    frames = [np.full((48, 64, 3), 40 * i, np.uint8) for i in range(3)]
    cam = VideoFileCamera(write_video(tmp_path / "pendek.mp4", frames))
    means = [float(cam.read().mean()) for _ in range(7)]
    cam.close()
    assert means[3] == pytest.approx(means[0], abs=3) and means[6] == pytest.approx(means[0], abs=3)


def test_videos_that_cannot_be_shown(tmp_path: Path) -> None:
    take, rate = recording("speech_good")
    sound_only = write_audio(tmp_path / "suara.mp4", take, rate, "aac", container="mp4")
    garbage = tmp_path / "rusak.mov"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypqt  not a movie")
    for path, key in [(sound_only, "video_no_picture"), (garbage, "video_unreadable")]:
        with pytest.raises(SourceError) as error:
            open_camera(str(path))
        assert error.value.key == key
        assert path.name in source_text(error.value, "en")


@pytest.fixture
def no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_camera(index: int) -> None:
        raise SourceError("camera_missing", index=index)

    monkeypatch.setattr(camera_module, "DeviceCamera", no_camera)
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: None)


@pytest.mark.usefixtures("no_devices")
def test_check_a_phone_video_for_picture_and_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take, rate = recording("speech_good")
    clip = write_video(tmp_path / "VID_20250101.mp4", [photo("obama_good")] * 40,
                       sound=(take, rate))
    status = main(["--lang", "en", "check", "--camera", str(clip), "--mic", str(clip), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0, document
    assert document["sources"]["camera"] == f"video {clip}"
    assert document["sources"]["microphone"] == f"recording {clip}"
    levels = {r["name"]: r["level"] for r in document["sections"]["microphone"]}
    assert levels["speech"] == "ok"
