"""The host's camera through the real drill server: protocol version 2 over the drill's websocket.

Real aiortc peers (no mocks of WebRTC) signal over the same websocket as the
drill: the host publishes the stamped test card and the synthetic voice, seats
read the frame counter advancing, the trainer gets the live state and the
coaching, warnings go into the journal and the debrief, and speech keeps dead
air away. Version-1 clients keep working without any of it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from gladi.cli import main as gladi_main
from media.faces import HaarFaceDetector
from server.journal import CoachRec, SpeechRec
from server.video.coaching import CoachSettings, LiveCoach

from .helpers import Client, ack_for, running_server
from .video_peers import HostPeer, SeatPeer, leftover_tasks, signal_over

FAST = CoachSettings(look_every_s=0.1, window=3, judge_every_ms=200, confirm_ms=600,
                     clear_ms=600)
Pred = Callable[[dict[str, Any]], bool]


def run(coro: Coroutine[Any, Any, None], timeout: float = 90) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(timeout):
            await coro
    asyncio.run(bounded())


async def seen(client: Client, pred: Pred, timeout: float = 20) -> dict[str, Any]:
    """A message matching ``pred``, received already or still to come."""
    for message in client.received:
        if pred(message):
            return message
    return await client.until(pred, timeout)


def media_state(host: str) -> Pred:
    return lambda m: m["type"] == "media.state" and m["host"] == host


def coaching(change: str) -> Pred:
    return lambda m: m["type"] == "room" and m["kind"] == "coaching" \
        and m["data"]["change"] == change and m["data"]["check"] == "brightness"


def test_a_version_1_client_keeps_working_without_video(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            old = await Client.open(srv.url)
            welcome = await old.join(srv.room.code, name="Ani")  # "v": 1
            assert welcome["type"] == "welcome" and welcome["v"] == 1
            assert welcome["state"]["media"] == {"host": "off", "viewers": 0}
            ident = await old.send(type="media.offer", v=2, sdp="v=0")
            refused = await old.until(ack_for(ident))
            assert (refused["code"], refused["v"]) == ("bad_version", 2)
            ident = await old.send(type="media.offer", sdp="v=0")  # a media message in v1
            assert (await old.until(ack_for(ident)))["code"] == "bad_version"
            ident = await old.send(type="ping")
            await old.until(lambda m: m["type"] == "pong" and m["id"] == ident)
            assert all(m["v"] == 1 or m["type"] == "error" for m in old.received)
            assert not [m for m in old.received if m["type"].startswith("media.")]
            await old.close()
    run(scenario())


def test_the_host_on_camera_reaches_every_seat_through_the_drill(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            code = srv.room.code
            trainer, host_ws, ani, obs = [await Client.open(srv.url) for _ in range(4)]
            await trainer.join(code, role="trainer", key=srv.room.trainer_key, v=2)
            host_seat = (await host_ws.join(code, role="host", name="Bu Sari", v=2))["seat"]
            await ani.join(code, name="Ani", v=2)
            await obs.join(code, role="observer", name="Ina", v=2)
            first = await seen(trainer, media_state("off"))
            assert first["coaching"] == [] and first["v"] == 2
            assert (await seen(ani, media_state("off")))["coaching"] is None
            # A moderator may not publish; the room is not disturbed.
            ident = await ani.send(type="media.offer", v=2, purpose="publish", sdp="v=0")
            assert (await ani.until(ack_for(ident)))["code"] == "not_host"

            host = await HostPeer.publish_with(signal_over(host_ws))
            seats = [await SeatPeer.watch_with(signal_over(c)) for c in (ani, obs)]
            for seat in seats:
                await seat.until(lambda s: len(s.pictures) >= 10 and len(s.levels) >= 10,
                                 timeout=20)
                counters = seat.counters()
                assert counters[-1] > counters[0]  # the host's frames, advancing
                assert seat.sizes == {(360, 640)}
                assert max(seat.levels) > -40  # the host's voice is heard
            live = await seen(trainer, media_state("live"))
            assert live["v"] == 2
            # Already in the first "live" state when both seats connected before it.
            await seen(trainer, lambda m: m["type"] == "media.state" and m["viewers"] == 2)
            late = await Client.open(srv.url)
            welcome = await late.join(code, role="observer", name="Telat", v=2)
            assert welcome["state"]["media"] == {"host": "live", "viewers": 2}
            await late.close()

            # The trainer frees the host's seat: its camera goes at once.
            await trainer.send(type="free_seat", seat=host_seat)
            await trainer.until(media_state("off"))
            await host.close()
            for seat in seats:
                await seat.close()
            for client in (trainer, host_ws, ani, obs):
                await client.close()
            video = srv.server.video
        assert video.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())


def test_coaching_and_speech_go_into_the_journal_the_debrief_and_the_report(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path / "server") as srv:
            srv.server.video.coach = lambda: LiveCoach(HaarFaceDetector(), FAST)
            code = srv.room.code
            trainer, host_ws, ani = [await Client.open(srv.url) for _ in range(3)]
            await trainer.join(code, role="trainer", key=srv.room.trainer_key, v=2)
            await host_ws.join(code, role="host", name="Bu Sari", v=2)
            await ani.join(code, name="Ani", v=2)
            await trainer.send(type="control", command="start")
            host = await HostPeer.publish_with(signal_over(host_ws))
            host.camera.gain = 0.12
            raised = await seen(trainer, coaching("raised"), timeout=30)
            assert raised["data"]["hint_key"] in ("face_too_dark", "frame_too_dark")
            # The host's own media.state carries the warning in words.
            await seen(host_ws, lambda m: m["type"] == "media.state" and any(
                w["check"] == "brightness" and "gelap" in w["text"]
                for w in m["coaching"] or []))
            # The voice is heard as speech: the host talks in the engine.
            await seen(trainer, lambda m: m["type"] == "event"
                       and m["event"]["type"] == "applied"
                       and m["event"]["action"] == {**m["event"]["action"], "type": "talk",
                                                    "actor": "host"})
            host.camera.gain = 1.0
            await seen(trainer, coaching("cleared"), timeout=30)
            assert not [m for m in ani.received if m["type"] == "room"
                        and m["kind"] == "coaching"]
            await trainer.send(type="control", command="end")
            debrief = await seen(host_ws, lambda m: m["type"] == "debrief")
            [line] = [c for c in debrief["coaching"] if c["check"] == "brightness"]
            assert line["cleared_t"] is not None and line["cleared_t"] >= line["t"]
            assert "gelap" in line["text"]
            assert (await seen(ani, lambda m: m["type"] == "debrief"))["coaching"] is None
            records = srv.server.store.records(code)
            assert [r for r in records if isinstance(r, CoachRec)]
            assert [r for r in records if isinstance(r, SpeechRec)]
            session = json.loads(srv.room.session_file())
            await host.close()
            for client in (trainer, host_ws, ani):
                await client.close()
        # The session file carries the warnings; the report shows them with their time.
        path = tmp_path / "drill.json"
        path.write_text(json.dumps(session), encoding="utf-8")
        assert [c["check"] for c in session["meta"]["coaching"]].count("brightness") == 1
        assert gladi_main(["--lang", "id", "report", str(path)]) == 0
        page = path.with_suffix(".html").read_text(encoding="utf-8")
        assert 'id="coaching"' in page and "terlalu gelap" in page
        assert await leftover_tasks() == set()
    run(scenario(), timeout=120)
