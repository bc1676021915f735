"""The desktop app as the host of a group drill (simulator/drill.py, simulator/screens/drill.py).

The view is fed protocol messages directly; the end-to-end test runs a real drill
server process, opens the app off-screen (SDL's dummy driver) with a camera whose
picture carries a frame counter, joins as the host, and an aiortc seat reads the
counter advancing; a click on the desktop's "Hapus" removes the comment on the seat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest

from gladi.cli import main as gladi_main
from media.sources import Notice
from media.synthetic import synthetic_frame
from moderation.actions import Delete, Pin, undoable
from moderation.events import RejectCode
from moderation.values import from_json
from protocol.outbound import SERVER_MESSAGE, AnyServerMessage
from simulator.desk import Applied, Pending, Refused
from simulator.drill import DrillDesk, DrillView, LinkState, drill_url
from simulator.routes import Drill, DrillJoin, Home
from simulator.screens.drill import DrillJoinScreen, DrillScreen

from ..server.helpers import Client, is_event
from ..server.serverproc import ServerProcess
from ..server.video_peers import SeatPeer, leftover_tasks, signal_over, stamp
from .conftest import Driver, make_app
from .test_desk import Recorder, Wall, ack as _ack


@pytest.mark.parametrize(("address", "url"), [
    ("ws://192.168.1.5:8765", "ws://192.168.1.5:8765/ws"),
    ("192.168.1.5:8765", "ws://192.168.1.5:8765/ws"),
    ("http://192.168.1.5:8765/?room=482913", "ws://192.168.1.5:8765/ws"),
    ("https://laptop.local:8765", "wss://laptop.local:8765/ws"),
    (" localhost:8765 ", "ws://localhost:8765/ws"),
])
def test_the_address_a_trainer_gives_becomes_the_websocket_url(address: str, url: str) -> None:
    assert drill_url(address) == url


@pytest.mark.parametrize("address", ["", "ftp://x:1", "ws://", "ws://host:notaport", "://"])
def test_a_bad_address_is_refused(address: str) -> None:
    with pytest.raises(ValueError):
        drill_url(address)


def test_a_bad_drill_address_or_a_missing_code_is_a_clear_message(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert gladi_main(["--lang", "en", "rehearse", "--drill", "ws://", "--code", "1"]) == 2
    assert "cannot be used" in capsys.readouterr().err
    assert gladi_main(["--lang", "en", "rehearse", "--drill", "ws://127.0.0.1:9"]) == 2
    assert "room code" in capsys.readouterr().err


WELCOME: dict[str, Any] = {
    "v": 1, "type": "welcome", "room": "482913", "seat": "s2", "token": "t", "role": "host",
    "name": "Bu Sari", "actor": "host", "team": None, "epoch": 0, "seq": 3, "resumed": False,
    "replay": 0,
    "state": {"status": "running", "t": 5000, "duration_ms": 600_000,
              "scenario": {"id": "x", "title": "Live pertama"}, "leaderboard": True,
              "team_mode": False, "verdicts_live": False, "mute_presets": [5, 60, None],
              "report_reasons": ["hate", "spam"], "undo_ms": 4000, "host": "Bu Sari",
              "media": {"host": "connecting", "viewers": 0}},
    "snapshot": {"t": 5000, "ended": False, "viewers": 12, "taps": 40, "coins": 0,
                 "follows": 0, "shares": 0, "comments_enabled": True,
                 "pinned": {"id": "c1", "text": "halo", "handle": "ani"},
                 "stream": [{"id": "c1", "viewer": "v1", "handle": "ani", "text": "halo",
                             "t": 4000}],
                 "guests": [], "requests": [{"id": "r1", "viewer": "v3", "handle": "budi"}],
                 "moderators": {}, "phase": {"id": "a", "en": "a"}, "keywords": [],
                 "muted": {}, "blocked": [], "filtered": []},
}


def _msg(data: dict[str, Any]) -> AnyServerMessage:
    """A server message as the desktop decodes it (the protocol's own types)."""
    return SERVER_MESSAGE.validate_python(data)


def _event(seq: int, t: int, **event: Any) -> AnyServerMessage:
    return _msg({"v": 1, "type": "event", "seq": seq, "epoch": 0, "t": t,
                 "event": {"t": t, **event}})


def test_the_view_folds_the_rooms_messages_from_the_hosts_chair() -> None:
    view = DrillView()
    view.apply(_msg(WELCOME), wall=100.0)
    assert (view.status, view.viewer_count, view.taps, view.camera) == \
        ("running", 12, 40, "connecting")
    assert view.pinned_id == "c1" and view.first_request() == "r1"
    assert view.now(101.5) == 6500  # the clock runs on while the room runs
    view.apply(_event(4, 6000, type="comment", id="c2", viewer="v2", handle="troll",
                      text="judi", hidden=None), 101.0)
    view.apply(_event(5, 6100, type="comment", id="c3", viewer="v4", handle="x",
                      text="spam", hidden="filter"), 101.1)
    assert [c.id for c in view.stage_comments(5)] == ["c1", "c2"]  # no filtered ones
    view.apply(_event(6, 7000, type="hidden", comments=["c1", "c2"], reason="deleted",
                      by="host"), 102.0)
    assert view.pinned_id is None and [c.id for c in view.visible_comments()] == ["c3"]
    view.apply(_event(7, 7100, type="applied",
                      action={"type": "guest_accept", "request": "r1", "t": 7100,
                              "actor": "host"}), 102.1)
    assert view.guests == {"v3": "budi"} and view.first_request() is None
    view.apply(_event(8, 7200, type="gift", id="g1", viewer="v5", handle="ibu", gift="rose",
                      coins=1, count=3), 102.2)
    assert view.unthanked_gift() is not None and view.coins == 1
    view.apply(_msg({"v": 2, "type": "media.state", "host": "live", "viewers": 7, "coaching": [
        {"check": "brightness", "level": "fail", "hint_key": "face_too_dark", "params": {},
         "since_ms": 102_000, "text": "Wajah terlalu gelap"}]}), 104.0)
    assert view.camera == "live" and view.watching == 7
    assert [(c.t, c.serious) for c in view.coaching] == [(102_000, True)]
    view.apply(_msg({"v": 1, "type": "room", "seq": 9, "epoch": 0, "t": 9000, "kind": "ended",
                "data": {"score": 71.0, "passed": True}}), 105.0)
    debrief = {"v": 1, "type": "debrief", "epoch": 0,
               "scorecard": {"score": 71.0, "passed": True}, "you": None, "leaderboard": [],
               "truth": {}, "mine": None, "answered": [], "coaching": [
                   {"t": 102_000, "check": "brightness", "level": "fail",
                    "hint_key": "face_too_dark", "params": {}, "cleared_t": None,
                    "text": "Wajah terlalu gelap"}]}
    view.apply(_msg(debrief), 106.0)
    assert view.status == "ended" and view.result is not None
    assert view.result.passed and [c.text for c in view.result.coaching] == \
        ["Wajah terlalu gelap"]
    # After a reset the server sends a reconnecting seat the run before's debrief (kept for
    # the phones until the next start); the desk shows the run at hand, in the lobby.
    view.apply(_msg({"v": 1, "type": "room", "seq": 10, "epoch": 1, "t": 0, "kind": "reset",
                     "data": {"epoch": 1}}), 107.0)
    view.apply(_msg(debrief), 107.5)
    assert view.status == "lobby" and view.result is None and view.epoch == 1


def test_the_desk_offers_an_undo_after_an_undoable_action_and_the_view_folds_the_undone(
) -> None:
    link, wall = Recorder(), Wall(100.0)
    view = DrillView()
    desk = DrillDesk(view, link, wall)
    desk.receive(_msg(WELCOME))
    assert view.undo_ms == 4000 and desk.undo_left_ms() == 0
    deleted = desk.take(Delete(t=0, comment="c1"))
    assert isinstance(deleted, Pending)
    wall.s = 101.0
    desk.receive(_ack(link.last, accepted=True))
    assert desk.undo_left_ms() == 0  # a delete has no undo
    pinned = desk.take(Pin(t=0, comment="c9"))
    assert isinstance(pinned, Pending)
    desk.receive(_ack(link.last, accepted=False, code="comment_gone"))
    assert desk.undo_left_ms() == 0  # refused: nothing to undo
    pinned = desk.take(Pin(t=0, comment="c9"))
    assert isinstance(pinned, Pending)
    wall.s = 103.0
    desk.receive(_ack(link.last, accepted=True, undoable=True))
    assert [s.reply for s in desk.settled()] == [Applied(), Refused(RejectCode.COMMENT_GONE),
                                                  Applied()]
    # The room's 4 s less the answer's trip: 3.5 s.
    lefts = []
    for w in (103.0, 105.9, 106.4, 106.6):
        wall.s = w
        lefts.append((desk.undo_left_ms() + 999) // 1000)
    assert lefts == [4, 1, 1, 0] and desk.undoable is None
    view.apply(_event(4, 6000, type="applied", action={"type": "pin", "comment": "c9",
                                                      "t": 6000, "actor": "host"}), 103.1)
    view.apply(_event(5, 6100, type="undone", action={"type": "pin", "comment": "c9",
                                                     "t": 6000, "actor": "host"},
                      pinned="c1"), 103.2)
    assert view.pinned_id == "c1"
    view.apply(_event(6, 6200, type="applied", action={"type": "comments", "enabled": False,
                                                      "t": 6200, "actor": "host"}), 103.3)
    assert not view.comments_enabled
    view.apply(_event(7, 6300, type="undone", action={"type": "comments", "enabled": False,
                                                     "t": 6200, "actor": "host"}), 103.4)
    assert view.comments_enabled


@pytest.mark.parametrize(("action", "expected"), [
    ({"type": "block", "viewer": "v1"}, True), ({"type": "pin", "comment": "c1"}, True),
    ({"type": "report", "comment": "c1", "reason": "spam"}, True),
    ({"type": "comments", "enabled": False}, True), ({"type": "comments", "enabled": True}, False),
    ({"type": "delete", "comment": "c1"}, False), ({"type": "mute", "viewer": "v1"}, False),
])
def test_exactly_what_the_room_can_undo_offers_an_undo(action: dict[str, Any],
                                                       expected: bool) -> None:
    # The room's rule, which the server's ack reports as ``undoable``.
    assert undoable(from_json({"t": 0, "actor": "host", **action})) is expected


def test_the_join_form_checks_the_address_and_the_code(driver: Driver) -> None:
    driver.app.replace(DrillJoin())
    screen = driver.app.top
    assert isinstance(screen, DrillJoinScreen)
    screen.address.text = "ftp://nope"
    screen.join()
    assert screen.problem is not None and "ftp://nope" in screen.problem
    screen.address.text = "127.0.0.1:8765"
    screen.join()
    assert screen.problem is not None and driver.app.top is screen  # no code yet
    driver.frame()


def test_home_opens_the_form_and_an_unreachable_server_says_so(driver: Driver) -> None:
    driver.app.replace(Home())
    home = driver.app.top
    assert home is not None
    button = next(b for b in home.buttons if b.label == driver.app.tr("drill.home_button"))
    driver.click(button.rect.center)
    form = driver.app.top
    assert isinstance(form, DrillJoinScreen)
    form.address.text, form.code.text = "127.0.0.1:9", "482913"  # nothing listens on port 9
    form.join()
    screen = driver.app.top
    assert isinstance(screen, DrillScreen)
    thread = screen.link._thread
    assert thread is not None
    thread.join(10)  # a link that cannot connect ends its thread
    driver.frame()
    assert screen.link.state is LinkState.FAILED
    assert screen.link_line()[0] == driver.app.tr("drill.cannot_connect")
    driver.app.replace(Home())  # the link is stopped, nothing keeps running
    assert not thread.is_alive()


class StampedSource:
    """A camera whose picture carries a frame counter (as the video tests' host camera)."""

    live = False
    fps = 30.0

    def __init__(self) -> None:
        self.count = 0
        self.card = synthetic_frame(0, 640, 360)

    def read(self) -> np.ndarray[Any, np.dtype[np.uint8]]:
        img = self.card.copy()
        stamp(img, self.count, 0)
        self.count += 1
        return img

    def describe(self) -> Notice:
        return Notice.make("source_camera_synthetic")

    def close(self) -> None:
        pass


@contextlib.contextmanager
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path / "data") as proc:
        yield proc


def _click(pos: tuple[int, int]) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))


def test_the_desktop_hosts_a_real_drill_on_camera(tmp_path: Path) -> None:
    source = StampedSource()
    app, clock = make_app(camera="synthetic", mic="synthetic", use_mic=True,
                          extra={"camera_kwargs": {"opener": lambda spec: (source, [])}})

    async def scenario(proc: ServerProcess) -> None:
        async def pump() -> None:
            while True:
                clock.advance(0.03)
                app.step()
                await asyncio.sleep(0.02)

        async def until(pred: Any, timeout: float = 30) -> None:
            async def wait() -> None:
                while not pred():
                    await asyncio.sleep(0.05)
            await asyncio.wait_for(wait(), timeout)

        app.replace(Drill(address=f"127.0.0.1:{proc.port}", code=proc.code,
                          host_name="Bu Sari"))
        screen = app.top
        assert isinstance(screen, DrillScreen)
        pumping = asyncio.create_task(pump())
        trainer, ani = await Client.open(proc.url), await Client.open(proc.url)
        try:
            await until(lambda: screen.link.state is LinkState.JOINED)
            await trainer.join(proc.code, role="trainer", key=proc.key, v=2)
            await ani.join(proc.code, name="Ani", v=2)
            seat = await SeatPeer.watch_with(signal_over(ani))
            await seat.until(lambda s: len(s.pictures) >= 10 and len(s.levels) >= 10, 30)
            counters = seat.counters()
            assert counters[-1] > counters[0]  # the desktop's own camera, frame after frame
            await trainer.until(lambda m: m["type"] == "media.state" and m["host"] == "live")
            await until(lambda: screen.view.camera == "live")
            # The room, not a local engine, feeds the host's panel; the host's click acts in it.
            await trainer.send(type="control", command="start")
            await trainer.send(type="inject", kind="troll_raid", count=5, over_s=2)
            panel = screen.panel
            await until(lambda: bool(panel.comments.rows))
            row, comment = panel.comments.rows[-1]
            cid = comment.id
            _click(row.center)
            await until(lambda: panel.comments.selected == cid)
            delete = next(b for b in panel.action_buttons
                          if b.label == app.tr("desktop.btn_delete"))
            _click(delete.rect.center)
            await ani.until(lambda m: is_event("hidden", by="host")(m)
                            and cid in m["event"]["comments"])
            await until(lambda: panel.status is not None and panel.status.text
                        == app.tr("desktop.done_delete", name=comment.handle))
            # A block can be taken back for a few seconds, from a button that counts down.
            await until(lambda: any(c.id != cid and c.hidden is None
                                    for _, c in panel.comments.rows))
            row, other = next((r, c) for r, c in panel.comments.rows
                              if c.id != cid and c.hidden is None)
            _click(row.center)
            await until(lambda: panel.comments.selected == other.id)
            block = next(b for b in panel.action_buttons
                         if b.label == app.tr("desktop.btn_block"))
            _click(block.rect.center)
            await until(lambda: panel.undo_button is not None)
            undo = panel.undo_button
            assert undo is not None
            assert undo.label in {app.tr("desktop.undo", seconds=n) for n in range(1, 6)}
            _click(undo.rect.center)
            undone = await ani.until(is_event("undone"))
            assert undone["event"]["action"]["type"] == "block"
            assert undone["event"]["action"]["comment"] == other.id
            await until(lambda: panel.status is not None and panel.status.ok is True
                        and panel.status.text == app.tr("desktop.undone_block",
                                                        name=other.handle))
            assert panel.undo_button is None
            await seat.close()
            app.replace(Home())  # leaving stops the camera: the room sees the host go
            await trainer.until(lambda m: m["type"] == "media.state" and m["host"] == "off")
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
            for client in (trainer, ani):
                await client.close()
        assert screen.link.state is LinkState.CLOSED
        assert await leftover_tasks() == set()

    async def bounded(proc: ServerProcess) -> None:
        async with asyncio.timeout(120):
            await scenario(proc)

    try:
        with server(tmp_path) as proc:
            asyncio.run(bounded(proc))
    finally:
        app.close()
