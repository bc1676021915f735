"""``gladi check`` end to end: exit codes, the table and the JSON document."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from gladi.cli import main
from media import camera as camera_module, microphone as mic_module
from media.recordings import read_audio
from media.sources import SourceError

from .conftest import FIXTURES


@pytest.fixture(autouse=True)
def no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behave like the headless CI machine even on a laptop with a webcam."""

    def no_camera(index: int) -> None:
        raise SourceError("camera_missing", index=index)

    monkeypatch.setattr(camera_module, "DeviceCamera", no_camera)
    monkeypatch.setattr(mic_module, "load_sounddevice", lambda: None)


def run(capsys: pytest.CaptureFixture[str], *args: str, lang: str = "id") -> tuple[int, str, str]:
    status = main(["--lang", lang, "check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def files(image: str, wav: str) -> list[str]:
    return ["--camera", str(FIXTURES / f"{image}.jpg"), "--mic", str(FIXTURES / f"{wav}.wav")]


def test_good_photo_and_speech_pass(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *files("obama_good", "speech_good"))
    assert status == 0
    assert "Semua baik" in out
    assert "Terang wajah" in out and "Volume suara" in out


def test_a_failing_check_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *files("astronaut_dark", "speech_good"))
    assert status == 1
    assert "hadapkan wajah ke jendela" in out


def test_strict_turns_warnings_into_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The good take 14 dB quieter: the voice level only warns (about -37 dBFS).
    samples, rate = read_audio(FIXTURES / "speech_good.wav", 60.0)
    quieter = tmp_path / "agak_pelan.wav"
    with wave.open(str(quieter), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((samples * 10 ** (-14 / 20) * 32767).astype("<i2").tobytes())
    status, out, _ = run(capsys, "--no-camera", "--mic", str(quieter), "--json")
    levels = {r["name"]: r["level"] for r in json.loads(out)["sections"]["microphone"]}
    assert levels["level"] == "warn"
    assert set(levels.values()) == {"ok", "warn"}
    assert status == 0
    status, out, _ = run(capsys, "--no-camera", "--mic", str(quieter), "--strict")
    assert status == 1
    assert "Bisa mulai berlatih" not in out and "Ada yang perlu dibenahi" in out


def test_two_faces_warn(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--camera", str(FIXTURES / "two_people.jpg"), "--no-mic", "--json")
    levels = {r["name"]: r["level"] for r in json.loads(out)["sections"]["camera"]}
    assert levels["face"] == "warn"


def test_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *files("obama_backlit", "speech_noisy"), "--json", lang="en")
    document = json.loads(out)
    assert status == 1 and document["exit_code"] == 1 and document["status"] == "fail"
    assert document["language"] == "en"
    camera = {r["name"]: r for r in document["sections"]["camera"]}
    mic = {r["name"]: r for r in document["sections"]["microphone"]}
    assert camera["backlight"]["level"] == "fail"
    assert camera["backlight"]["hint"].startswith("The light comes from behind you")
    assert mic["snr"]["level"] == "fail" and mic["snr"]["unit"] == "dB"
    assert document["sources"]["camera"].startswith("photo ")
    assert document["notices"] == []


def test_no_devices_falls_back_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json")
    document = json.loads(out)
    assert status == 0, document
    assert len(document["notices"]) == 2
    assert "kamera contoh bawaan" in document["notices"][0]
    assert "suara contoh bawaan" in document["notices"][1]
    assert "bukan kamera sungguhan" in document["sources"]["camera"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--camera", "missing.jpg"], "tidak ditemukan"),
        (["--mic", "missing.wav", "--no-camera"], "tidak ditemukan"),
        (["--camera", "7"], "Kamera nomor 7"),
        (["--server", "not a url", "--no-camera", "--no-mic"], "tidak benar"),
    ],
)
def test_bad_input_is_a_clear_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2
    assert words in err and "Traceback" not in err


def test_unreadable_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "rusak.jpg"
    bad.write_bytes(b"not an image")
    status, _, err = run(capsys, "--camera", str(bad), "--no-mic")
    assert status == 2 and "bukan foto" in err


def test_unreachable_server_is_a_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # find a free loopback port, then leave it closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status, out, _ = run(
        capsys, "--no-camera", "--no-mic", "--server", f"ws://127.0.0.1:{port}", "--json"
    )
    document = json.loads(out)
    assert status == 1
    (result,) = document["sections"]["network"]
    assert result["name"] == "server" and result["level"] == "fail"
    assert "hotspot" in result["hint"]


def test_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *files("hopper_blurred", "speech_clipped"), lang="en")
    assert status == 1
    assert "Sharpness" in out and "blurred" in out
    assert "Distortion" in out and "✗ Failed" in out
