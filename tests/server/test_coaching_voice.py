"""The live coach on the host's voice, with synthetic sound: warnings a host can follow.

Whatever the host's microphone does (quiet, right, clipped, a noisy room with or without
talk, silence), the coach never says *too quiet* and *distorted* together, shows at most one
warning about the voice and one about the picture, never shows the room's noise while the
host speaks, and writes peaks as negative dBFS with the reader's decimal comma
(docs/preflight.md, "Live coaching").
"""

from __future__ import annotations

import fractions
import re
from collections import Counter
from enum import StrEnum
from pathlib import Path

import numpy as np
from av.audio.frame import AudioFrame
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import i18n
from media.faces import HaarFaceDetector
from media.mic_checks import AudioMeter, mic_checks
from media.preflight import camera_checks, observe
from media.results import CheckResult, Level
from media.synthetic import synthetic_voice
from server.video.coaching import (
    BETWEEN_WORDS,
    ORDER,
    Change,
    CoachingChange,
    CoachingWarning,
    CoachSettings,
    Kind,
    LiveCoach,
    kind_of,
)
from server.video.signalling import coaching_out
from tests.machines import counted
from tests.media.conftest import photo

RATE = 16_000
FRAME = RATE // 50  # 20 ms
LOOP_S = 8  # a whole number of the synthetic voice's 2-s phrases
FAST = CoachSettings(judge_every_ms=200, confirm_ms=600, clear_ms=600, listen_s=4.0,
                     min_listen_s=1.0)


class Sound(StrEnum):
    """What the host's microphone picks up."""

    QUIET = "quiet"  # speech about -48 dBFS: the phone on the table
    NORMAL = "normal"  # speech about -22 dBFS
    CLIPPED = "clipped"  # the same voice with 20 dB too much gain, flat-topped
    NOISY = "noisy"  # a fan at -30 dBFS and nobody talking
    NOISY_TALK = "noisy_talk"  # the fan, and the host talking over it
    SILENT = "silent"  # a muted or unplugged microphone


def _hiss(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    brown = np.cumsum(rng.standard_normal(count))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")
    fan = brown / brown.std() + 0.5 * rng.standard_normal(count)
    scaled: np.ndarray = fan / np.sqrt(np.mean(fan**2))
    return scaled


def _loop(sound: Sound) -> np.ndarray:
    n = LOOP_S * RATE
    voice = synthetic_voice(0, n, RATE).astype(np.float64)
    fan = _hiss(n, 7) * 10 ** (-30 / 20)
    match sound:
        case Sound.QUIET:
            return voice * 10 ** (-26 / 20)
        case Sound.NORMAL:
            return voice
        case Sound.CLIPPED:
            return np.clip(voice * 10.0, -1.0, 1.0)
        case Sound.NOISY:
            return fan
        case Sound.NOISY_TALK:
            return voice + fan
        case Sound.SILENT:
            return _hiss(n, 8) * 10 ** (-80 / 20)


LOOPS = {sound: _loop(sound) for sound in Sound}


def frame_of(samples: np.ndarray, rate: int = RATE, layout: str = "mono") -> AudioFrame:
    """``samples`` as the 16-bit PCM a decoder gives (stereo: both channels the same)."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    if layout == "stereo":
        pcm = np.repeat(pcm, 2)
    frame = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
    frame.sample_rate = rate
    frame.time_base = fractions.Fraction(1, rate)
    return frame


class Host:
    """A coach listening to a host, 20 ms at a time, judged every 200 ms of room time."""

    def __init__(self, settings: CoachSettings = FAST) -> None:
        self.coach = LiveCoach(None, settings)
        self.t_ms = 0
        self.changes: list[CoachingChange] = []
        #: Every list of warnings in force the host was shown, with its time.
        self.shown: list[tuple[int, tuple[CoachingWarning, ...]]] = []

    def hear(self, sound: Sound, seconds: float) -> None:
        self.play(LOOPS[sound], seconds)

    def play(self, loop: np.ndarray, seconds: float) -> None:
        for _ in range(round(seconds * 50)):
            start = (self.t_ms * RATE // 1000) % loop.size
            self.coach.listen(frame_of(loop[start : start + FRAME]))
            self.t_ms += 20
            if self.t_ms % 200 == 0:
                self.judge()

    def judge(self) -> list[CoachingChange]:
        changes = self.coach.judge(self.t_ms)
        self.changes += changes
        self.shown.append((self.t_ms, self.coach.active))
        return changes

    def hints(self) -> set[str]:
        return {w.hint_key for w in self.coach.active}


def contradicts(hints: set[str]) -> bool:
    """*Too quiet* with anything about distortion."""
    clipping = {"clipped", "near_clipping", "near_clipping_full"}
    return "too_quiet" in hints and bool(hints & clipping)


class CoachVoiceMachine(RuleBasedStateMachine):
    """Any sequence of sounds; the invariants hold after each judgement."""

    def __init__(self) -> None:
        super().__init__()
        self.host = Host()
        #: The warnings in force as the log of raised and cleared changes tells it.
        self.logged: dict[str, CoachingWarning] = {}

    @rule(sound=st.sampled_from(Sound), seconds=st.sampled_from([0.2, 0.6, 1.0, 2.0, 3.0]))
    @counted
    def hear(self, sound: Sound, seconds: float) -> None:
        before = len(self.host.changes)
        self.host.hear(sound, seconds)
        self.host.judge()
        for change in self.host.changes[before:]:
            check = change.warning.check
            if change.change is Change.RAISED:
                assert check not in self.logged or self.logged[check] != change.warning
                self.logged[check] = change.warning
            else:
                assert self.logged.pop(check) == change.warning, "cleared what was not shown"

    @rule()
    @counted
    def reconnect(self) -> None:
        self.host.coach.reset()
        self.logged.clear()

    @invariant()
    def too_quiet_and_distorted_are_never_said_together(self) -> None:
        assert not contradicts(self.host.hints())
        results = {r.name: r for r in self.host.coach.results()}
        level, clipping = results.get("level"), results.get("clipping")
        if level is not None and clipping is not None and level.hint_key == "too_quiet":
            assert clipping.level is Level.OK

    @invariant()
    def at_most_one_warning_per_kind(self) -> None:
        kinds = Counter(kind_of(w.check) for w in self.host.coach.active)
        assert all(n <= 1 for n in kinds.values()), self.host.coach.active

    @invariant()
    def no_room_noise_while_the_host_speaks(self) -> None:
        if self.host.coach.speaking:
            assert not {w.check for w in self.host.coach.active} & BETWEEN_WORDS

    @invariant()
    def the_log_of_changes_tells_what_is_shown(self) -> None:
        assert set(self.logged.values()) == set(self.host.coach.active)

    @invariant()
    def peaks_are_never_above_full_scale(self) -> None:
        for warning in self.host.coach.active:
            peak = dict(warning.params).get("peak")
            assert peak is None or (isinstance(peak, float) and peak <= 0.0)


TestCoachVoice = CoachVoiceMachine.TestCase
TestCoachVoice.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)


def first(host: Host, hint: str) -> int | None:
    return next((t for t, shown in host.shown if hint in {w.hint_key for w in shown}), None)


def test_quiet_then_clipped_hands_the_card_over_at_once_and_never_shows_both() -> None:
    host = Host(CoachSettings())  # the defaults a drill runs with
    host.hear(Sound.QUIET, 12)
    assert host.hints() == {"too_quiet"}
    host.hear(Sound.CLIPPED, 12)
    assert host.hints() == {"clipped"}
    host.hear(Sound.QUIET, 14)
    assert host.hints() == {"too_quiet"}
    assert not any(contradicts({w.hint_key for w in shown}) for _, shown in host.shown)
    # The hand-over is one judgement: "too quiet" cleared, "distorted" raised, same time.
    handover = [c for c in host.changes if c.warning.check in ("level", "clipping")]
    times = {c.t_ms for c in handover if c.warning.hint_key == "clipped"}
    assert any({(c.change, c.warning.hint_key) for c in handover if c.t_ms == t}
               == {(Change.CLEARED, "too_quiet"), (Change.RAISED, "clipped")} for t in times)


def test_good_speech_from_the_first_word_never_hears_a_noisy_room() -> None:
    host = Host(CoachSettings())
    # The host starts talking at once and keeps going for 4.5 s before her first pause.
    phrase = LOOPS[Sound.NORMAL][: int(1.5 * RATE)]
    host.play(np.tile(phrase, LOOP_S), 4.5)
    host.hear(Sound.NORMAL, 16)
    raised = {c.warning.hint_key for c in host.changes if c.change is Change.RAISED}
    assert raised == set(), raised


def test_a_noisy_room_shows_in_the_pauses_and_gives_way_to_the_voice() -> None:
    host = Host()
    host.hear(Sound.NORMAL, 4)
    host.hear(Sound.NOISY, 6)  # long enough for the talk before to leave the window
    assert host.hints() == {"noisy_room"}
    spoke = 0
    for _ in range(10):  # the host starts talking over the fan: judged every 200 ms
        host.hear(Sound.NOISY_TALK, 0.2)
        if host.coach.speaking:
            spoke += 1
            assert "noisy_room" not in host.hints()
    assert spoke >= 5
    host.hear(Sound.NOISY_TALK, 4)
    # Over the fan, what matters is the voice against the noise.
    assert host.hints() == {"drowned"}


def test_a_more_urgent_problem_takes_the_card_and_a_lesser_one_waits() -> None:
    host = Host()
    host.hear(Sound.QUIET, 4)
    assert host.hints() == {"too_quiet"}
    host.hear(Sound.SILENT, 5)  # the microphone is unplugged: that comes first
    assert host.hints() == {"silent"}
    host.hear(Sound.NORMAL, 6)
    assert host.hints() == set()


def test_the_level_warning_does_not_flicker_at_its_threshold() -> None:
    """A voice hovering 1.5 dB inside the band after being too quiet stays 'too quiet'."""
    host = Host()
    host.hear(Sound.QUIET, 4)
    assert host.hints() == {"too_quiet"}
    level = {r.name: r for r in host.coach.results()}["level"].value
    assert level is not None
    # The quiet voice brought up to 1.5 dB inside the -32 dBFS band edge.
    host.play(LOOPS[Sound.QUIET] * 10 ** ((-32.0 + 1.5 - level) / 20), 6)
    assert host.hints() == {"too_quiet"}
    assert not [c for c in host.changes if c.change is Change.CLEARED]


def test_decoded_48_khz_stereo_is_measured_at_its_own_rate_and_never_above_full_scale() -> None:
    coach = LiveCoach(None, FAST)
    voice = synthetic_voice(0, 6 * 48_000, 48_000).astype(np.float64)
    clipped = np.clip(voice * 10.0, -1.0, 1.0)
    for i in range(0, clipped.size, 960):
        coach.listen(frame_of(clipped[i : i + 960], 48_000, "stereo"))
    results = {r.name: r for r in coach.results()}
    assert results["clipping"].hint_key == "clipped"
    peak = results["clipping"].param_map["peak"]
    assert isinstance(peak, float) and -0.1 <= peak <= 0.0
    assert results["level"].hint_key == "too_loud"


def test_the_warning_sent_to_the_host_writes_numbers_her_way() -> None:
    hot = CheckResult.make("clipping", Level.WARN, 0.0, "%", "near_clipping", peak=-0.6)
    warning = CoachingWarning.of(hot, 1000)
    assert "puncak -0,6 dBFS" in coaching_out(warning, "id").text
    assert "peak -0.6 dBFS" in coaching_out(warning, "en").text
    assert kind_of("clipping") is Kind.VOICE and kind_of("backlight") is Kind.PICTURE


def advice_keys() -> list[str]:
    """The camera and microphone messages that are advice (not "ok", not "cannot judge"),
    as the Indonesian catalogue lists them between its camera and network sections."""
    text = (Path(i18n.__file__).parent / "locales" / "id" / "check.yaml").read_text("utf-8")
    part = text.split("# --- saran kamera ---")[1].split("# --- saran jaringan ---")[0]
    keys = re.findall(r"^(\w+):", part, re.M)
    verdicts = re.compile(r"_ok$|skip|^speak_to_measure$|^not_muted$|^muted_quiet$")
    return [k for k in keys if not verdicts.search(k)]


def test_every_warning_has_a_short_card_in_both_languages() -> None:
    keys = advice_keys()
    assert {"face_missing", "backlit", "too_quiet", "clipped", "noisy_room"} <= set(keys)
    for lang in ("id", "en"):
        catalogue = i18n.catalogue(lang)
        for key in keys:
            short = catalogue.get(f"check.coach_{key}")
            assert short is not None, (lang, key)
            # Read at a glance: one or two lines of a phone's preview.
            assert len(short) <= 60, (lang, key, short)
            assert set(re.findall(r"\{\w+\}", short)) <= set(
                re.findall(r"\{\w+\}", catalogue[f"check.{key}"])), (lang, key)


def test_every_check_has_its_place_in_the_order() -> None:
    face = photo("obama_good")
    camera = {r.name for r in camera_checks([observe(face, HaarFaceDetector().detect(face))])}
    voice = {r.name for r in mic_checks(AudioMeter(RATE).window(), muted=True)}
    assert set(ORDER[Kind.PICTURE]) == camera
    assert set(ORDER[Kind.VOICE]) == voice
