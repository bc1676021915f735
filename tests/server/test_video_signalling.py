"""The media.* messages: validation, typed errors, and a real offer/answer through the handler."""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

import i18n
from media.results import Level
from protocol.inbound import ErrorCode
from server.video.coaching import CoachingWarning
from server.video.peer import MAX_SDP_CHARS, HostState, MediaHub, MediaStatus, Purpose
from server.video.signalling import (
    SERVER_MEDIA_MESSAGE,
    MediaCandidate,
    MediaOffer,
    MediaParty,
    MediaProblem,
    MediaStateIn,
    decode_media,
    handle_media,
    state_message,
)

from .video_peers import HostPeer, StampedCamera, SyntheticVoiceTrack, leftover_tasks

SEAT = MediaParty("ani", may_publish=False, coached=False, lang="id")
HOST = MediaParty("host", may_publish=True, coached=True, lang="en")


def test_valid_messages_decode_to_their_models() -> None:
    offer = decode_media(json.dumps({"type": "media.offer", "v": 2, "id": 3, "sdp": "v=0"}))
    assert isinstance(offer, MediaOffer) and offer.purpose.value == "watch" and offer.id == 3
    cand = decode_media({"type": "media.candidate", "v": 2, "purpose": "publish",
                         "candidate": "", "sdpMid": "0", "sdpMLineIndex": 0})
    assert isinstance(cand, MediaCandidate)
    stop = decode_media({"type": "media.state", "v": 2, "state": "stopped"})
    assert isinstance(stop, MediaStateIn)


@pytest.mark.parametrize(("raw", "code"), [
    ("{", "invalid"),
    ("[1]", "invalid"),
    ({"type": "media.offer", "v": 1, "sdp": "v=0"}, "bad_version"),
    ({"type": "media.offer", "v": 2}, "invalid"),
    ({"type": "media.offer", "v": 2, "sdp": "v=0", "extra": 1}, "invalid"),
    ({"type": "media.offer", "v": 2, "sdp": "v=0", "purpose": "broadcast"}, "invalid"),
    ({"type": "media.offer", "v": 2, "sdp": "x" * (MAX_SDP_CHARS + 1)}, "sdp_too_big"),
    ({"type": "media.candidate", "v": 2, "candidate": "c" * 600}, "invalid"),
    ({"type": "media.candidate", "v": 2, "candidate": "", "sdpMLineIndex": 99}, "invalid"),
    ({"type": "media.state", "v": 2, "state": "playing"}, "invalid"),
    ({"type": "media.nonsense", "v": 2}, "invalid"),
    ({"type": "media.offer", "v": 2, "sdp": "v=0\ud800"}, "invalid"),  # a lone surrogate
])
def test_bad_messages_get_a_typed_problem_with_their_id(raw: Any, code: str) -> None:
    if isinstance(raw, dict):
        raw = {**raw, "id": 7}
    problem = decode_media(raw)
    assert isinstance(problem, MediaProblem)
    assert str(problem.code) == code
    assert problem.id == (7 if isinstance(raw, dict) else None)


def test_every_error_has_a_message_in_both_languages() -> None:
    for lang in i18n.LANGUAGES:
        for code in ErrorCode:
            key = f"serve.error.{code.value}"
            assert i18n.translate(key, lang) != key


def run(coro: Any) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(30):
            await coro
    asyncio.run(bounded())


def test_the_handler_answers_refuses_and_hangs_up() -> None:
    async def scenario() -> None:
        hub = MediaHub()
        # A moderator may not publish: a typed, translated error with the request's id.
        [reply] = await handle_media(hub, SEAT, MediaOffer(type="media.offer", v=2, id=5,
                                                           purpose=Purpose.PUBLISH, sdp="v=0"))
        assert reply["type"] == "error" and reply["code"] == "not_host" and reply["id"] == 5
        assert reply["message"] == i18n.translate("serve.error.not_host", "id")
        [reply] = await handle_media(hub, SEAT, MediaCandidate(
            type="media.candidate", v=2, id=6, candidate="", sdpMid="0"))
        assert reply["code"] == "no_peer" and reply["id"] == 6
        [reply] = await handle_media(hub, SEAT, decode_media("{"))
        assert reply["code"] == "invalid"
        assert reply["message"] == i18n.translate("serve.error.invalid", "id")
        # A real seat offer gets an answer it can apply.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTransceiver("video", direction="recvonly")
        await pc.setLocalDescription(await pc.createOffer())
        [answer] = await handle_media(hub, SEAT, MediaOffer(
            type="media.offer", v=2, id=8, sdp=pc.localDescription.sdp))
        SERVER_MEDIA_MESSAGE.validate_python(answer)
        assert answer["type"] == "media.answer" and answer["id"] == 8
        assert "VP8" in answer["sdp"] and "H264" not in answer["sdp"]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        assert hub.peer_count == 1
        assert await handle_media(hub, SEAT, MediaStateIn(type="media.state", v=2,
                                                          state="stopped")) == []
        assert hub.peer_count == 0
        await pc.close()
        await hub.close()
        assert await leftover_tasks() == set()
    run(scenario())


def test_the_host_publishes_through_the_handler() -> None:
    async def scenario() -> None:
        statuses: list[MediaStatus] = []
        hub = MediaHub(on_status=statuses.append)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        host = HostPeer(pc, StampedCamera(), SyntheticVoiceTrack())
        pc.addTrack(host.camera)
        pc.addTrack(host.voice)
        await pc.setLocalDescription(await pc.createOffer())
        [answer] = await handle_media(hub, HOST, MediaOffer(
            type="media.offer", v=2, purpose=Purpose.PUBLISH, sdp=pc.localDescription.sdp))
        assert answer["type"] == "media.answer", answer
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        live = asyncio.Event()
        hub.on_status = lambda s: live.set() if s.host is HostState.LIVE else None
        if hub.status.host is not HostState.LIVE:
            await asyncio.wait_for(live.wait(), 10)
        await host.close()
        await hub.close()
        assert HostState.CONNECTING in [s.host for s in statuses]
        assert await leftover_tasks() == set()
    run(scenario())


def test_state_messages_carry_coaching_only_for_trainer_and_host() -> None:
    warning = CoachingWarning("brightness", Level.FAIL, "face_too_dark", (), 102_000)
    status = MediaStatus(HostState.LIVE, 12, (warning,))
    coached = state_message(status, coached=True, lang="id")
    plain = state_message(status, coached=False, lang="id")
    for msg in (coached, plain):
        SERVER_MEDIA_MESSAGE.validate_python(msg)
    assert plain["coaching"] is None and plain["viewers"] == 12 and plain["host"] == "live"
    [item] = coached["coaching"]
    assert item["since_ms"] == 102_000 and item["check"] == "brightness"
    assert item["text"].startswith("Wajah terlalu gelap")


def test_every_string_video_js_shows_is_in_both_catalogues() -> None:
    script = (resources.files("server") / "web" / "video.js").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(video\.[a-z_]+)"', script))
    assert len(keys) >= 8
    for lang in i18n.LANGUAGES:
        assert sorted(k for k in keys if k not in i18n.catalogue(lang)) == [], lang
