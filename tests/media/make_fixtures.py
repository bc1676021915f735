"""Make the small photo and speech fixtures that the media tests judge.

The outputs are committed under ``tests/media/fixtures/``; the tests never run
this script and need none of its sources. Run it again only to change the
fixtures::

    pip download --no-deps --no-binary :all: -d /tmp/fr face_recognition==1.3.0
    apt-get install espeak-ng sox           # Debian/Ubuntu
    uv run --with scikit-image --with matplotlib python tests/media/make_fixtures.py \\
        --face-recognition-sdist /tmp/fr/face_recognition-1.3.0.tar.gz

Where the photographs come from (all real photographs of people, all public
domain; none of them is a runtime dependency of Gladi):

- ``astronaut``: NASA portrait of astronaut Eileen Collins (NASA image
  GPN-2000-001177), shipped in scikit-image as ``skimage.data.astronaut()``.
  Public domain (work of NASA, a US federal agency); see
  ``skimage/data/README.txt``.
- ``hopper``: official US Navy portrait of Rear Admiral Grace Hopper (1984,
  photo by James S. Davis), shipped in matplotlib as
  ``mpl-data/sample_data/grace_hopper.jpg``. Public domain (work of the US
  Navy).
- ``obama``: official White House portrait of President Barack Obama
  (6 December 2012, photo by Pete Souza), ``tests/test_images/obama.jpg`` in
  the ``face_recognition`` 1.3.0 source distribution on PyPI. Public domain as
  a work of the US federal government (17 U.S.C. § 105); the photo's EXIF
  carries the White House's courtesy note about personal use, which is not a
  copyright licence. Used here only to calibrate the checks on a darker skin
  tone, never shipped in the package.

Every variant below is made from those photographs with plain arithmetic
(exposure gain in linear light, Gaussian defocus, mirrored edges, a person
mask from OpenCV's GrabCut), so the faces the checks see stay real.

The speech is Indonesian text spoken by ``espeak-ng -v id`` and resampled with
``sox`` to 16 kHz mono 16-bit; the noise is a fan-like mixture (rumble, broad
band hiss and blade-pass tones) made with a seeded NumPy generator.
"""

from __future__ import annotations

import argparse
import subprocess
import tarfile
import tempfile
import wave
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from media.frame import u8

HERE = Path(__file__).parent / "fixtures"
SIZE = (640, 480)  # the camera size Gladi asks for
JPEG_QUALITY = 75
RATE = 16_000
SPEECH_TEXT = "Selamat pagi, Ibu-ibu. Ayo timbang balita."

# Face boxes (x, y, w, h) in each source photo, found once with OpenCV's
# haarcascade_frontalface_default at full resolution. Only used to place crops.
FACES: dict[str, tuple[int, int, int, int]] = {
    "astronaut": (177, 66, 95, 95),
    "hopper": (155, 105, 222, 222),
    "obama": (342, 95, 300, 300),
}
# How tall the face box is in the "good" frame (share of frame height): each
# value keeps the mirrored padding clear of the face.
GOOD_FACE_HEIGHT = {"astronaut": 0.28, "hopper": 0.40, "obama": 0.36}

Image = NDArray[np.uint8]


def load_sources(sdist: Path) -> dict[str, Image]:
    """Load the three portraits as BGR arrays."""
    import importlib

    import matplotlib

    # scikit-image is only installed for this script (uv run --with scikit-image).
    skimage_data = importlib.import_module("skimage.data")

    hopper_path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    with tarfile.open(sdist) as tar:
        member = tar.extractfile("face_recognition-1.3.0/tests/test_images/obama.jpg")
        assert member is not None
        obama_bytes = np.frombuffer(member.read(), np.uint8)
    return {
        "astronaut": cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR),
        "hopper": cv2.imread(str(hopper_path)),
        "obama": cv2.imdecode(obama_bytes, cv2.IMREAD_COLOR),
    }


def crop_with_mirror(img: Image, x0: int, y0: int, w: int, h: int) -> Image:
    """Crop a window that may leave the photo; the outside is the photo mirrored."""
    ih, iw = img.shape[:2]
    left, top = max(0, -x0), max(0, -y0)
    right, bottom = max(0, x0 + w - iw), max(0, y0 + h - ih)
    padded = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_REFLECT)
    return u8(padded[y0 + top : y0 + top + h, x0 + left : x0 + left + w])


def frame_around_face(
    img: Image,
    face: tuple[int, int, int, int],
    face_height: float,
    centre_x: float = 0.5,
    centre_y: float = 0.40,
) -> Image:
    """Crop a 4:3 frame so that the face box has the given height and centre."""
    x, y, w, h = face
    crop_h = round(h / face_height)
    crop_w = round(crop_h * SIZE[0] / SIZE[1])
    x0 = round(x + w / 2 - centre_x * crop_w)
    y0 = round(y + h / 2 - centre_y * crop_h)
    crop = crop_with_mirror(img, x0, y0, crop_w, crop_h)
    interp = cv2.INTER_AREA if crop_h > SIZE[1] else cv2.INTER_CUBIC
    return u8(cv2.resize(crop, SIZE, interpolation=interp))


def to_linear(img: Image) -> NDArray[np.float32]:
    """sRGB-ish gamma 2.2 to linear light, so exposure changes look like a camera's."""
    return (img.astype(np.float32) / 255.0) ** 2.2


def from_linear(lin: NDArray[np.float32]) -> Image:
    return u8(np.clip(np.clip(lin, 0, 1) ** (1 / 2.2) * 255.0 + 0.5, 0, 255).astype(np.uint8))


def sensor_noise(img: Image, sigma: float, rng: np.random.Generator) -> Image:
    noisy = img.astype(np.float32) + rng.normal(0, sigma, img.shape).astype(np.float32)
    return u8(np.clip(noisy + 0.5, 0, 255).astype(np.uint8))


def expose(img: Image, gain: float, noise: float, rng: np.random.Generator) -> Image:
    """Change exposure by ``gain`` stops-as-a-factor in linear light, then add noise."""
    return sensor_noise(from_linear(to_linear(img) * gain), noise, rng)


def person_mask(img: Image, face: tuple[int, int, int, int]) -> NDArray[np.float32]:
    """A soft mask of the person: GrabCut seeded with a box around head and body."""
    x, y, w, h = face
    ih, iw = img.shape[:2]
    rect = (max(0, x - w), max(0, y - h // 2), min(iw - 1, 3 * w), ih - max(0, y - h // 2) - 1)
    mask = np.zeros((ih, iw), np.uint8)
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(7)
    cv2.grabCut(img, mask, rect, bgd, fgd, 5, cv2.GC_INIT_WITH_RECT)
    hard = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 1.0, 0.0).astype(np.float32)
    hard[y : y + h, x : x + w] = 1.0  # the face itself is always the person
    return np.asarray(cv2.GaussianBlur(hard, (0, 0), 3), np.float32)


def backlit(img: Image, face: tuple[int, int, int, int], rng: np.random.Generator) -> Image:
    """A bright window behind the person: background blown out, person in shadow."""
    m = person_mask(img, face)[..., None]
    lin = to_linear(img)
    out = lin * (0.12 * m + 6.0 * (1 - m)) + 0.35 * (1 - m)
    return sensor_noise(from_linear(out), 2.0, rng)


def shift_face(img: Image, dx: int) -> Image:
    """Move the picture left by ``dx`` pixels; the new strip mirrors the far edge."""
    w = img.shape[1]
    kept = img[:, dx:]
    fill = img[:, w - dx :][:, ::-1]
    return np.ascontiguousarray(np.hstack([kept, fill]))


def far_away(img: Image, background: Image, scale: float) -> Image:
    """The person small in the middle of a real room photo (a faceless background)."""
    canvas = cv2.resize(background, SIZE, interpolation=cv2.INTER_AREA)
    small = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    y0, x0 = SIZE[1] - sh, (SIZE[0] - sw) // 2  # standing on the floor, centred
    alpha = np.ones((sh, sw), np.float32)
    alpha = cv2.GaussianBlur(
        cv2.copyMakeBorder(alpha[4:-4, 4:-4], 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=0), (0, 0), 2
    )[..., None]
    region = canvas[y0 : y0 + sh, x0 : x0 + sw].astype(np.float32)
    canvas[y0 : y0 + sh, x0 : x0 + sw] = (alpha * small + (1 - alpha) * region).astype(np.uint8)
    return u8(canvas)


def tint(img: Image, b: float, g: float, r: float) -> Image:
    """A white-balance error: per-channel gain in linear light."""
    return from_linear(to_linear(img) * np.array([b, g, r], np.float32))


def write_jpeg(name: str, img: Image) -> None:
    path = HERE / f"{name}.jpg"
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    assert ok
    path.write_bytes(data.tobytes())


def make_photos(sources: dict[str, Image]) -> None:
    rng = np.random.default_rng(2024)
    good: dict[str, Image] = {}
    for name, img in sources.items():
        face = FACES[name]
        frame = sensor_noise(frame_around_face(img, face, GOOD_FACE_HEIGHT[name]), 1.5, rng)
        good[name] = frame
        write_jpeg(f"{name}_good", frame)
        write_jpeg(f"{name}_dark", expose(frame, 0.05, 2.5, rng))
        write_jpeg(f"{name}_bright", expose(frame, 5.0, 1.0, rng))
        blurred = u8(cv2.GaussianBlur(frame, (0, 0), 4.0))
        write_jpeg(f"{name}_blurred", sensor_noise(blurred, 1.5, rng))
        write_jpeg(f"{name}_offcentre", shift_face(frame, 200))
        # The backlit frame needs the face box in frame coordinates.
        scale = SIZE[1] * GOOD_FACE_HEIGHT[name] / face[3]
        fh = round(face[3] * scale)
        fbox = (SIZE[0] // 2 - fh // 2, round(SIZE[1] * 0.40) - fh // 2, fh, fh)
        write_jpeg(f"{name}_backlit", backlit(frame, fbox, rng))
        write_jpeg(f"{name}_close", frame_around_face(img, face, 0.70, centre_y=0.45))

    # Faceless: the rooms behind the portraits, with nobody in them.
    office = sources["obama"][0:560, 0:300]  # flag and curtain left of the President
    write_jpeg("empty_office", u8(cv2.resize(office, SIZE, interpolation=cv2.INTER_AREA)))
    shuttle = sources["astronaut"][0:330, 300:512]  # the shuttle model beside Collins
    write_jpeg("empty_shuttle", u8(cv2.resize(shuttle, SIZE, interpolation=cv2.INTER_AREA)))

    # Too far: the whole good frame shrunk in the empty office until the face is
    # 12 % of the frame height (the detector still sees it; it is just small).
    for name in ("astronaut", "obama"):
        write_jpeg(f"{name}_far", far_away(good[name], office, 0.12 / GOOD_FACE_HEIGHT[name]))

    # Two people side by side (two real portraits, each half a frame).
    halves = [good["astronaut"][:, 160:480], good["obama"][:, 160:480]]
    write_jpeg("two_people", np.hstack(halves))

    # White-balance errors: tungsten (orange) and cold daylight/fluorescent (blue).
    write_jpeg("hopper_orange", tint(good["hopper"], 0.45, 0.85, 1.35))
    write_jpeg("astronaut_blue", tint(good["astronaut"], 1.5, 1.05, 0.55))


# --- speech ----------------------------------------------------------------


def speak(text: str) -> NDArray[np.float32]:
    """Indonesian speech from espeak-ng, as 16 kHz mono float32 in [-1, 1]."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
        subprocess.run(["espeak-ng", "-v", "id", "-s", "165", "-w", str(raw), text], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True
        )
        with wave.open(str(out)) as w:
            data = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    return data.astype(np.float32) / 32768.0


def rms_db(x: NDArray[np.float32]) -> float:
    return float(10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-20))


def at_db(x: NDArray[np.float32], db: float) -> NDArray[np.float32]:
    return (x * 10 ** ((db - rms_db(x)) / 20)).astype(np.float32)


def fan_noise(n: int, rng: np.random.Generator) -> NDArray[np.float32]:
    """Steady fan noise: rumble, broad hiss and blade-pass tones with a slow wobble."""
    t = np.arange(n) / RATE
    white = rng.standard_normal(n)
    rumble = np.cumsum(rng.standard_normal(n))
    rumble -= np.convolve(rumble, np.ones(200) / 200, mode="same")  # drop DC drift
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    pink = np.fft.irfft(spectrum / np.sqrt(np.maximum(freqs, 20.0)), n)
    blades = sum(np.sin(2 * np.pi * 87 * k * t + k) / k for k in range(1, 6))
    mix = (
        rumble / np.std(rumble)
        + 1.2 * pink / np.std(pink)
        + 0.2 * white
        + 0.5 * blades * (1 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    )
    return mix.astype(np.float32)


def room_tone(n: int, db: float, rng: np.random.Generator) -> NDArray[np.float32]:
    return at_db(fan_noise(n, rng), db)


def write_wav(name: str, x: NDArray[np.float32]) -> None:
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(HERE / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def make_speech() -> None:
    rng = np.random.default_rng(16000)
    voice = speak(SPEECH_TEXT)
    # Trim espeak's own silence, then give the take 0.4 s of room before and after,
    # as a real recording has.
    active = np.flatnonzero(np.abs(voice) > 0.01)
    voice = voice[active[0] : active[-1] + 1]
    pad = int(0.4 * RATE)
    voice = np.concatenate([np.zeros(pad, np.float32), voice, np.zeros(pad, np.float32)])
    n = len(voice)
    # Speech RMS over the whole take about -21 dBFS: peaks near -6 dBFS, as the
    # streaming guides ask (research §2.5).
    speech = at_db(voice, -21.0)
    write_wav("speech_good", speech + room_tone(n, -62.0, rng))
    write_wav("speech_quiet", at_db(voice, -50.0) + room_tone(n, -68.0, rng))
    loud = at_db(voice, -21.0) * 10 ** (20 / 20)  # 20 dB too much gain
    write_wav("speech_clipped", np.clip(loud, -1.0, 32767 / 32768) + room_tone(n, -62.0, rng))
    write_wav("speech_noisy", speech + room_tone(n, -22.0, rng))
    write_wav("noise_fan", room_tone(n, -30.0, rng))
    write_wav("silence", room_tone(n, -75.0, rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--face-recognition-sdist",
        type=Path,
        required=True,
        help="face_recognition-1.3.0.tar.gz from PyPI (holds obama.jpg)",
    )
    parser.add_argument("--only", choices=("photos", "speech"), default=None)
    args = parser.parse_args()
    HERE.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "photos"):
        make_photos(load_sources(args.face_recognition_sdist))
    if args.only in (None, "speech"):
        make_speech()
    total = sum(p.stat().st_size for p in HERE.iterdir() if p.is_file())
    print(f"fixtures: {len(list(HERE.iterdir()))} files, {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
