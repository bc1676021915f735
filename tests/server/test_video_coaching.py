"""Live coaching: the media checks on the host's received picture and voice, as timed warnings."""

from __future__ import annotations

import asyncio
import fractions

import numpy as np
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from media.faces import HaarFaceDetector
from media.results import CheckResult
from media.synthetic import synthetic_frame, synthetic_voice
from media.text import check_hint
from server.video.coaching import Change, CoachingChange, CoachSettings, LiveCoach
from server.video.peer import MediaHub, MediaStatus
from server.video.signalling import state_message
from tests.media.conftest import recording

from .video_peers import HostPeer, RecordedVoiceTrack, SeatPeer, leftover_tasks

FAST = CoachSettings(look_every_s=0.1, window=3, judge_every_ms=200, confirm_ms=600,
                     clear_ms=600)


def picture(index: int, gain: float) -> VideoFrame:
    img = synthetic_frame(index, 360, 640)
    return VideoFrame.from_ndarray((img * gain).astype(np.uint8), format="bgr24")


def sound(start: int, gain: float, count: int = 960) -> AudioFrame:
    pcm = (synthetic_voice(start, count, 48_000) * gain * 32767).astype(np.int16).reshape(1, -1)
    frame = AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = 48_000
    frame.pts = start
    frame.time_base = fractions.Fraction(1, 48_000)
    return frame


def run_pictures(coach: LiveCoach, gains: list[float], start_ms: int = 0,
                 step_ms: int = 250) -> list[CoachingChange]:
    changes: list[CoachingChange] = []
    for i, gain in enumerate(gains):
        coach.look(coach.measure(picture(i, gain)))
        changes += coach.judge(start_ms + i * step_ms)
    return changes


def test_a_dark_picture_raises_the_warning_after_it_lasts_and_light_clears_it() -> None:
    coach = LiveCoach(HaarFaceDetector(), CoachSettings(window=3, confirm_ms=2000, clear_ms=2000))
    dark = run_pictures(coach, [0.12] * 12)  # 0 … 2750 ms
    raised = [c for c in dark if c.warning.check == "brightness"]
    assert [c.change for c in raised] == [Change.RAISED]
    assert raised[0].t_ms == 2000 and raised[0].warning.since_ms == 0
    assert raised[0].warning.hint_key == "face_too_dark"
    assert [w.check for w in coach.active] == ["brightness"]
    light = run_pictures(coach, [1.0] * 16, start_ms=3000)
    cleared = [c for c in light if c.warning.check == "brightness"]
    assert [c.change for c in cleared] == [Change.CLEARED]
    # The window's median turns good after two good looks (3250 ms), then 2 s of good.
    assert cleared[0].t_ms == 5250
    assert coach.active == ()


def test_one_odd_picture_raises_nothing() -> None:
    coach = LiveCoach(HaarFaceDetector(), CoachSettings(window=3, confirm_ms=1000))
    changes = run_pictures(coach, [1.0, 1.0, 0.1, 1.0, 1.0, 1.0, 0.1, 1.0, 1.0])
    assert changes == [] and coach.active == ()


def test_silence_raises_a_microphone_warning_and_the_voice_clears_it() -> None:
    coach = LiveCoach(None, CoachSettings(confirm_ms=1000, clear_ms=1000))
    changes: list[CoachingChange] = []
    for i in range(200):  # 4 s of near silence, then 6 s of voice, 20 ms a frame
        coach.listen(sound(i * 960, 0.0005))
        if i % 10 == 0:
            changes += coach.judge(i * 20)
    raised = {c.warning.check for c in changes if c.change is Change.RAISED}
    assert "signal" in raised
    assert not coach.speaking
    spoke = False
    for i in range(200, 500):
        coach.listen(sound(i * 960, 1.0))
        spoke = spoke or coach.speaking
        if i % 10 == 0:
            changes += coach.judge(i * 20)
    cleared = {c.warning.check for c in changes if c.change is Change.CLEARED}
    assert "signal" in cleared
    assert "signal" not in {w.check for w in coach.active}
    assert spoke


def test_without_a_face_detector_only_the_light_is_judged() -> None:
    coach = LiveCoach(None, FAST)
    coach.look(coach.measure(picture(0, 1.0)))
    assert {r.name for r in coach.results()} == {"brightness", "highlights"}


def test_a_warning_reads_as_a_sentence_in_both_languages() -> None:
    coach = LiveCoach(HaarFaceDetector(), CoachSettings(window=1, confirm_ms=0))
    changes = run_pictures(coach, [0.12])
    warning = next(c.warning for c in changes if c.warning.check == "brightness")
    result = CheckResult(warning.check, warning.level, None, "", warning.hint_key, warning.params)
    assert "gelap" in check_hint(result, "id")
    assert "dark" in check_hint(result, "en")


def test_the_hosts_dark_clip_then_a_good_one_raises_and_clears_the_warning() -> None:
    async def scenario() -> None:
        changes: list[CoachingChange] = []
        news = asyncio.Event()

        def coached(batch: list[CoachingChange]) -> None:
            changes.extend(batch)
            news.set()

        async def until(change: Change) -> CoachingChange:
            while True:
                for c in changes:
                    if c.warning.check == "brightness" and c.change is change:
                        return c
                news.clear()
                await news.wait()

        hub = MediaHub(coach=LiveCoach(HaarFaceDetector(), FAST), on_coaching=coached)
        host = await HostPeer.publish(hub)
        host.camera.gain = 0.12
        seat = await SeatPeer.watch(hub, "trainer")
        raised = await asyncio.wait_for(until(Change.RAISED), 15)
        assert raised.warning.hint_key in ("face_too_dark", "frame_too_dark")
        assert "brightness" in {w.check for w in hub.status.coaching}
        host.camera.gain = 1.0
        cleared = await asyncio.wait_for(until(Change.CLEARED), 15)
        assert cleared.t_ms > raised.t_ms
        assert all(w.check != "brightness" for w in hub.status.coaching)
        for peer in (seat, host):
            await peer.close()
        await hub.close()
        assert await leftover_tasks() == set()

    async def bounded() -> None:
        async with asyncio.timeout(40):
            await scenario()
    asyncio.run(bounded())


def test_a_recorded_voice_quiet_then_clipped_never_shows_too_quiet_and_distorted_together(
) -> None:
    """The host's voice, recorded, is first too quiet (the phone on the table), then clipped
    (held at the mouth with the gain up): sent through a real aiortc peer (Opus), judged
    with the coach's drill settings. Every ``media.state`` the host gets says one of the two
    at most, and says each of them while it is true."""
    quiet, rate = recording("speech_quiet")
    clipped, _ = recording("speech_clipped")
    take = np.concatenate([quiet] * 3 + [clipped] * 3)  # 12.6 s, then 12.6 s

    async def scenario() -> None:
        said: list[list[str]] = []
        news = asyncio.Event()

        def status(changed: MediaStatus) -> None:
            message = state_message(changed, coached=True, lang="id")
            said.append([str(w["text"]) for w in message["coaching"] or []])
            news.set()

        hub = MediaHub(coach=LiveCoach(None), on_status=status)
        voice = RecordedVoiceTrack(take, rate)
        host = await HostPeer.publish(hub, voice=voice)
        await asyncio.wait_for(voice.ended.wait(), 60)
        await asyncio.sleep(0)  # the last frames' judgement
        await host.close()
        await hub.close()
        assert await leftover_tasks() == set()
        quiet_said = [i for i, texts in enumerate(said) if any("terlalu pelan" in t for t in texts)]
        clipped_said = [i for i, texts in enumerate(said) if any("pecah" in t for t in texts)]
        both = [texts for texts in said if any("terlalu pelan" in t for t in texts)
                and any("pecah" in t for t in texts)]
        assert quiet_said and clipped_said, said
        assert min(quiet_said) < min(clipped_said)
        assert both == [], both
        # A clipped voice is said to hit full scale, never with a peak above 0 dBFS.
        texts = [t for texts in said for t in texts if "pecah" in t]
        assert all("skala penuh" in t for t in texts), texts

    async def bounded() -> None:
        async with asyncio.timeout(90):
            await scenario()
    asyncio.run(bounded())
