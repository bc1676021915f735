"""End to end over real websockets on 127.0.0.1: join, moderate, resume, limits, HTTP."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from debrief import history
from protocol.inbound import MAX_MESSAGE_BYTES
from server.app import CLOSE_FREED, host_allowed

from .helpers import Client, Running, ack_for, is_event, running_server


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _trainer(srv: Running) -> Client:
    trainer = await Client.open(srv.url)
    welcome = await trainer.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
    assert welcome["type"] == "welcome" and welcome["role"] == "trainer"
    return trainer


async def _comment(client: Client) -> dict[str, Any]:
    msg = await client.until(lambda m: is_event("comment")(m) and m["event"]["hidden"] is None,
                             timeout=30)
    return dict(msg["event"])


def test_block_on_one_seat_removes_the_comment_on_the_other(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            a, b = await Client.open(srv.url), await Client.open(srv.url)
            assert (await a.join(srv.room.code, name="Ani"))["actor"] == "Ani"
            assert (await b.join(srv.room.code, name="Budi"))["actor"] == "Budi"
            await trainer.send(type="control", command="start")
            # A raid now, so the first comments come within a second, not in seven.
            await trainer.send(type="inject", kind="troll_raid", count=5, over_s=1)
            comment = await _comment(a)
            first = await a.send(type="action", action={
                "type": "block", "viewer": comment["viewer"], "comment": comment["id"]})
            second = await b.send(type="action", action={
                "type": "block", "viewer": comment["viewer"]})
            assert (await a.until(ack_for(first)))["accepted"] is True
            refused = await b.until(ack_for(second))
            assert refused["accepted"] is False and refused["code"] == "already_blocked"
            hidden = [m for m in b.received if is_event("hidden")(m)
                      and comment["id"] in m["event"]["comments"]]
            assert hidden and hidden[0]["event"]["by"] == "Ani"
            for c in (trainer, a, b):
                await c.close()
    run(scenario())


def test_resume_with_token_replays_missed_events_without_a_gap(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            watcher, seat = await Client.open(srv.url), await Client.open(srv.url)
            await watcher.join(srv.room.code, name="Watcher")
            welcome = await seat.join(srv.room.code, name="Ani")
            token = welcome["token"]
            await trainer.send(type="control", command="start")
            # A raid now, so the first comments come within a second, not in seven.
            await trainer.send(type="inject", kind="troll_raid", count=5, over_s=1)
            await _comment(seat)
            last = max(m["seq"] for m in seat.events())
            await seat.close()
            # While the seat is away the room goes on; the watcher sees everything.
            await trainer.send(type="inject", kind="troll_raid", count=5, over_s=2)
            await watcher.until(lambda m: m["type"] == "event" and m["seq"] > last + 5,
                                timeout=30)
            back = await Client.open(srv.url)
            again = await back.join(srv.room.code, token=token, last_seq=last)
            assert again["resumed"] and again["seat"] == welcome["seat"]
            assert again["actor"] == "Ani"
            replayed = [await back.next() for _ in range(again["replay"])]
            assert [m["seq"] for m in replayed] == list(range(last + 1, again["seq"] + 1))
            assert all(m["replay"] for m in replayed)
            # The replay is exactly what a connected seat of the same view received.
            await watcher.until(lambda m: m.get("seq", 0) >= again["seq"])
            seen = {m["seq"]: m for m in watcher.events()}
            for m in replayed:
                assert {**m, "replay": False} == {**seen[m["seq"]], "replay": False}
            for c in (trainer, watcher, back):
                await c.close()
    run(scenario())


def test_bad_input_gets_typed_errors_and_the_connection_stays(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            c = await Client.open(srv.url)
            await c.send_raw("{not json")
            assert (await c.next())["code"] == "bad_json"
            await c.send_raw(json.dumps({"v": 1, "type": "hello", "room": "x" * 20}))
            assert (await c.next())["code"] == "invalid"
            await c.send_raw(json.dumps({"v": 99, "type": "ping"}))
            assert (await c.next())["code"] == "bad_version"
            await c.send_raw(json.dumps({"v": 1, "type": "dance"}))
            assert (await c.next())["code"] == "unknown_type"
            await c.send_raw(b"\x00\x01")
            assert (await c.next())["code"] == "binary"
            await c.send(type="action", action={"type": "delete", "comment": "c1"})
            assert (await c.next())["code"] == "not_joined"
            await c.send(type="hello", room="999999")
            assert (await c.next())["code"] == "room_not_found"
            await c.send_raw(json.dumps({"v": 1, "type": "note", "text": "x" * MAX_MESSAGE_BYTES}))
            assert (await c.next())["code"] == "too_big"
            welcome = await c.join(srv.room.code, name="Ani")
            assert welcome["type"] == "welcome"
            await c.send(type="hello", room=srv.room.code)
            assert (await c.until(lambda m: m["type"] == "error"))["code"] == "already_joined"
            ping = await c.send(type="ping")
            assert (await c.until(lambda m: m["type"] == "pong"))["id"] == ping
            await c.close()
    run(scenario())


def test_rate_limit_answers_rate_limited_and_keeps_the_seat(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path, rate=1.0, burst=5.0) as srv:
            c = await Client.open(srv.url)
            welcome = await c.join(srv.room.code, name="Ani")
            for _ in range(20):
                await c.send(type="ping")
            await c.until(lambda m: m["type"] == "error" and m["code"] == "rate_limited")
            # The seat is kept: its connection still gets the room's events ...
            trainer = await _trainer(srv)
            await trainer.send(type="control", command="start")
            await trainer.send(type="inject", kind="troll_raid", count=5, over_s=1)
            await _comment(c)
            # ... and its token still opens the same seat, as Ani.
            again = await Client.open(srv.url)
            back = await again.join(srv.room.code, token=welcome["token"])
            assert back["type"] == "welcome" and back["resumed"]
            assert (back["seat"], back["actor"]) == (welcome["seat"], "Ani")
            for client in (c, trainer, again):
                await client.close()
    run(scenario())


def test_origin_check_refuses_other_sites(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            with pytest.raises(InvalidStatus) as refused:
                await Client.open(srv.url, origin="http://evil.example")
            assert refused.value.response.status_code == 403
            same = await Client.open(srv.url, origin=f"http://127.0.0.1:{srv.port}")
            assert (await same.join(srv.room.code, name="Ani"))["type"] == "welcome"
            await same.close()
    run(scenario())


def test_a_foreign_host_name_is_refused_even_with_a_matching_origin(tmp_path: Path) -> None:
    """DNS rebinding: a page whose domain now points at the laptop names that domain."""
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            def status(path: str, host: str) -> int:
                request = urllib.request.Request(srv.http + path, headers={
                    "Host": host, "Origin": f"http://{host}"})
                try:
                    with urllib.request.urlopen(request, timeout=10) as r:
                        return int(r.status)
                except urllib.error.HTTPError as e:
                    return e.code
            codes = await asyncio.gather(*(asyncio.to_thread(status, path, host) for path, host in (
                ("/", f"evil.example:{srv.port}"), ("/ws", f"evil.example:{srv.port}"),
                ("/", f"127.0.0.1:{srv.port}"), ("/", f"localhost:{srv.port}"),
                ("/", f"[::1]:{srv.port}"))))
            assert codes == [403, 403, 200, 200, 200]
    run(scenario())
    assert host_allowed("192.168.1.20:8765", frozenset())
    assert host_allowed("laptop.local:8765", frozenset({"laptop.local"}))
    assert not host_allowed("laptop.local:8765", frozenset())
    assert not host_allowed(None, frozenset()) and not host_allowed("", frozenset())


def test_a_freed_seat_is_disconnected_and_its_place_is_free(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            host = await Client.open(srv.url)
            welcome = await host.join(srv.room.code, role="host", name="Bu Sari")
            other = await Client.open(srv.url)
            assert (await other.join(srv.room.code, role="host"))["code"] == "host_taken"
            ident = await trainer.send(type="free_seat", seat=welcome["seat"])
            assert (await trainer.until(ack_for(ident)))["accepted"]
            freed = await host.until(lambda m: m["type"] == "room" and m["kind"] == "freed")
            assert freed["data"]["seat"] == welcome["seat"]
            with pytest.raises(ConnectionClosed):
                await host.next()
            assert host.ws.close_code == CLOSE_FREED
            assert (await other.join(srv.room.code, role="host"))["type"] == "welcome"
            back = await Client.open(srv.url)
            assert (await back.join(srv.room.code, token=welcome["token"]))["code"] == \
                "bad_token"
            for c in (trainer, other, back):
                await c.close()
    run(scenario())


def test_web_client_and_catalogues_are_served(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            def get(path: str) -> tuple[int, str, str]:
                try:
                    with urllib.request.urlopen(srv.http + path, timeout=10) as r:
                        return r.status, r.headers["Content-Type"], r.read().decode()
                except urllib.error.HTTPError as e:
                    return e.code, "", ""
            results = await asyncio.gather(*(asyncio.to_thread(get, p) for p in (
                "/", "/trainer", "/seat.js", "/app.css", "/i18n/en.json", "/healthz",
                "/nope.html", "/../pyproject.toml")))
            page, trainer, js, css, cat, health, missing, escape = results
            assert page[0] == 200 and "seat.js" in page[2] and "text/html" in page[1]
            assert trainer[0] == 200 and "trainer.js" in trainer[2]
            assert js[0] == 200 and "javascript" in js[1]
            assert css[0] == 200
            strings = json.loads(cat[2])
            assert strings["seat.act.block"] == "Block" and "reject.already_blocked" in strings
            assert health[:1] == (200,)
            assert missing[0] == 404 and escape[0] == 404
            # No page loads anything from another host: the drill works offline.
            for text in (page[2], trainer[2], js[2], css[2]):
                assert "http://" not in text and "https://" not in text
    run(scenario())


def test_end_writes_results_and_late_joiners_get_the_debrief(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            trainer = await _trainer(srv)
            seat = await Client.open(srv.url)
            await seat.join(srv.room.code, name="Ani")
            await trainer.send(type="control", command="start")
            ident = await trainer.send(type="control", command="end")
            await trainer.until(ack_for(ident))
            debrief = await seat.until(lambda m: m["type"] == "debrief")
            assert debrief["you"] is not None and "items" in debrief["scorecard"]
            late = await Client.open(srv.url)
            await late.join(srv.room.code, role="observer", name="Telat")
            late_debrief = await late.until(lambda m: m["type"] == "debrief")
            assert late_debrief["you"] is None
            ident = await trainer.send(type="export", format="csv")
            export = await trainer.until(lambda m: m["type"] == "export" and m["id"] == ident)
            assert export["content"].startswith("\ufeffRuangan;Putaran;Skenario")
            for c in (trainer, seat, late):
                await c.close()
    run(scenario())
    results = tmp_path / "results"
    # Saved when the drill ended: the header and Ani (not the trainer, not the late observer).
    assert (results / "gladi-123456-0.csv").read_text().count("\n") == 2
    assert '"format":"gladi-session"' in (results / "gladi-123456-0.json").read_text()
    # Each participant's attempt joins the training history, with the room (GLADI_DATA_DIR
    # is a tmp folder here); the trainer and observers did not moderate.
    rows = [a for a in history.attempts() if a.source == "drill"]
    assert [(r.trainee, r.room) for r in rows] == [("Ani", "123456")]
    assert rows[0].credit is not None and rows[0].credit["false_alarms"] == 0


def test_the_rate_limit_is_per_seat_not_per_connection(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path, rate=0.5, burst=6.0) as srv:
            first = await Client.open(srv.url)
            welcome = await first.join(srv.room.code, name="Ani")  # 1 token spent
            second = await Client.open(srv.url)
            await second.join(srv.room.code, token=welcome["token"])  # its hello: per connection
            # Eight pings, four on each connection: within a per-connection limit of six,
            # over the seat's.
            for client in (first, second) * 4:
                await client.send(type="ping")
            limited = [m for c in (first, second) for m in
                       [await c.until(lambda m: m["type"] in ("pong", "error")) for _ in range(4)]]
            assert sum(m["type"] == "error" and m["code"] == "rate_limited"
                       for m in limited) >= 1
            await first.close()
            await second.close()
    run(scenario())
