"""Built-in synthetic camera and microphone signals, so Gladi always runs.

Both are pure functions of a frame index or a sample index: the same index
gives the same pixels or samples on every machine, which keeps tests and
replays deterministic. The camera draws an animated presenter test card (a
drawn face that breathes, sways and talks, colour bars and a frame counter);
the microphone makes a voice-like signal (a pitch-gliding harmonic source
shaped by vowel formants, in syllables and pauses) over a faint room tone.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .audio_levels import Samples
from .frame import Image

__all__ = ["SYNTHETIC_FPS", "synthetic_frame", "synthetic_voice"]

SYNTHETIC_FPS = 30
_BARS = [
    (192, 192, 192),
    (0, 192, 192),
    (192, 192, 0),
    (0, 192, 0),
    (192, 0, 192),
    (0, 0, 192),
    (192, 0, 0),
]  # BGR 75 % colour bars
_SKIN = (120, 155, 200)  # BGR, a mid-brown skin tone
_HAIR = (30, 35, 45)


def synthetic_frame(index: int, width: int = 640, height: int = 480) -> Image:
    """Frame ``index`` of the presenter test card, BGR ``uint8``."""
    t = index / SYNTHETIC_FPS
    img = np.empty((height, width, 3), np.uint8)
    # A softly lit wall: brighter towards the top.
    ramp = np.linspace(185, 135, height, dtype=np.float32)[:, None]
    img[:] = np.stack([ramp * 0.95, ramp * 0.97, ramp], axis=-1).astype(np.uint8)
    s = height / 480  # every size below is for 480 lines
    cx = width / 2 + 6 * s * math.sin(2 * math.pi * 0.2 * t)  # gentle sway
    cy = 0.40 * height + 2 * s * math.sin(2 * math.pi * 0.25 * t)  # breathing

    def p(x: float, y: float) -> tuple[int, int]:
        return round(cx + x * s), round(cy + y * s)

    def r(v: float) -> int:
        return max(1, round(v * s))

    # Body and neck.
    cv2.ellipse(img, p(0, 250), (r(170), r(140)), 0, 180, 360, (90, 60, 40), -1, cv2.LINE_AA)
    cv2.rectangle(img, p(-22, 60), p(22, 120), _SKIN, -1)
    # Hair behind the head, then the face.
    cv2.ellipse(img, p(0, -12), (r(80), r(96)), 0, 0, 360, _HAIR, -1, cv2.LINE_AA)
    cv2.ellipse(img, p(0, 6), (r(66), r(84)), 0, 0, 360, _SKIN, -1, cv2.LINE_AA)
    cv2.ellipse(img, p(0, -60), (r(68), r(34)), 0, 180, 360, _HAIR, -1, cv2.LINE_AA)
    # Brows, eyes (blinking every 4 s), nose shadow, mouth (talking at ~4 syllables/s).
    blink = 0.15 if (t % 4.0) < 0.12 else 1.0
    for side in (-1, 1):
        cv2.line(img, p(side * 16, -35), p(side * 44, -31), _HAIR, r(5), cv2.LINE_AA)
        cv2.ellipse(
            img,
            p(side * 29, -14),
            (r(14), max(1, r(8 * blink))),
            0,
            0,
            360,
            (235, 235, 235),
            -1,
            cv2.LINE_AA,
        )
        cv2.circle(img, p(side * 29, -14), max(1, r(6 * blink)), (40, 30, 25), -1, cv2.LINE_AA)
    cv2.line(img, p(0, -8), p(-6, 26), (95, 125, 165), r(4), cv2.LINE_AA)
    cv2.ellipse(img, p(0, 28), (r(16), r(6)), 0, 0, 360, (100, 130, 170), -1, cv2.LINE_AA)
    opening = 0.5 + 0.5 * math.sin(2 * math.pi * 4.0 * t)
    cv2.ellipse(
        img,
        p(0, 48),
        (r(22), max(1, r(3 + 9 * opening))),
        0,
        0,
        360,
        (50, 40, 110),
        -1,
        cv2.LINE_AA,
    )
    # Colour bars and a frame counter along the bottom, like a broadcast test card.
    bar_h = max(4, round(0.05 * height))
    bar_w = width / len(_BARS)
    for i, colour in enumerate(_BARS):
        cv2.rectangle(
            img, (round(i * bar_w), height - bar_h), (round((i + 1) * bar_w), height), colour, -1
        )
    cv2.putText(
        img,
        f"GLADI {index:06d}",
        (r(10), height - bar_h - r(10)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.6 * s,
        (255, 255, 255),
        max(1, r(2)),
        cv2.LINE_AA,
    )
    return img


def synthetic_voice(start: int, count: int, sample_rate: int = 16_000) -> Samples:
    """Samples ``start`` to ``start + count`` of the synthetic voice, mono float32.

    About four syllables a second with a pause every two seconds, a pitch
    gliding around 190 Hz, vowel formants changing per syllable, speech RMS near
    -22 dBFS and a room tone near -65 dBFS.
    """
    n = np.arange(start, start + count, dtype=np.float64)
    t = n / sample_rate
    # Pitch glide and its phase, integrated analytically so any slice matches.
    f0, depth, rate = 190.0, 25.0, 0.35
    phase = 2 * math.pi * (f0 * t - depth / (2 * math.pi * rate) * np.cos(2 * math.pi * rate * t))
    syllable = np.floor(t * 4.0).astype(np.int64)
    within = t * 4.0 - syllable
    envelope = np.sin(np.pi * within) ** 2
    envelope *= (t % 2.0) < 1.5  # half a second of pause every two seconds
    # Vowel formants (F1, F2) for a, i, u, e, o, picked per syllable.
    formants = np.array([(800, 1200), (300, 2300), (320, 800), (500, 1900), (500, 900)], float)
    f1 = formants[syllable % 5, 0]
    f2 = formants[syllable % 5, 1]
    voice = np.zeros(count)
    for k in range(1, 21):
        fk = k * (f0 + depth * np.sin(2 * math.pi * rate * t))
        gain = (
            np.exp(-(((fk - f1) / 120.0) ** 2)) + 0.6 * np.exp(-(((fk - f2) / 160.0) ** 2)) + 0.05
        ) / k**0.5
        voice += gain * np.sin(k * phase)
    voice *= envelope * 0.25
    # Room tone: a deterministic pseudo-noise from the sample index (hash-like).
    hashed = np.sin(n * 12.9898 + 78.233) * 43758.5453
    tone = (hashed - np.floor(hashed) - 0.5) * 0.002
    return (voice + tone).astype(np.float32)
