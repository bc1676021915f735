"""A training day: many rooms in one server, each on its own, driven from one overview."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from debrief import history
from protocol.roles import View

from .day_helpers import DayClient, Seated, delete_some, http_get, seat_room
from .helpers import Client, Running, running_server


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 90))


def _sequenced(client: Client) -> list[dict[str, Any]]:
    return [m for m in client.received if m["type"] in ("event", "room")]


def _only_its_room(srv: Running, code: str, seated: Seated) -> None:
    """Every numbered message the room's seats got is that room's own, as it sent it."""
    room = srv.server.rooms[code]
    for client, view in ((seated.seat, View.STAFF), (seated.trainer, View.TRAINER)):
        log = room.views.log(view)
        got = _sequenced(client)
        assert got, code
        for msg in got:
            sent = json.loads(log[msg["seq"] - 1])
            assert {**msg, "replay": False} == {**sent, "replay": False}


def _actors(client: Client) -> set[str]:
    return {m["event"]["action"]["actor"] for m in _sequenced(client)
            if m["type"] == "event" and m["event"]["type"] == "applied"}


def test_two_rooms_with_different_scenarios_never_mix(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            code_a = srv.room.code
            day = await DayClient.open(srv.port, srv.server.day_key)
            made = await day.create("tamu-resmi", "Kelompok Mawar", team_mode=True, lang="en")
            code_b = made["code"]
            assert made["scenario"]["id"] == "tamu-resmi" and made["team_mode"]
            assert code_b != code_a and made["trainer_key"] != srv.room.trainer_key
            a = await seat_room(srv.url, code_a, srv.room.trainer_key, "Ani")
            b_trainer = await seat_room(srv.url, code_b, made["trainer_key"], "Budi")
            b = b_trainer
            assert b.welcome["state"]["scenario"]["id"] == "tamu-resmi"
            assert b.welcome["state"]["team_mode"] and a.welcome["actor"] == "Ani"
            # One trainer key does not open the other room.
            stray = await Client.open(srv.url)
            refused = await stray.join(code_b, role="trainer", key=srv.room.trainer_key)
            assert refused["type"] == "error" and refused["code"] == "unauthorised"

            started = await day.request(type="day_control", command="start")
            assert sorted(started["done"]) == sorted([code_a, code_b])
            await delete_some(a, 2)
            await delete_some(b, 1)

            # A reset of one room leaves the other running where it was.
            b_epoch_events = len(srv.server.rooms[code_b].session.events)
            reset = await day.request(type="day_control", command="reset", rooms=[code_a])
            assert reset["done"] == [code_a] and reset["skipped"] == []
            await a.seat.until(lambda m: m["type"] == "room" and m["kind"] == "reset")
            room_b = srv.server.rooms[code_b]
            assert room_b.status == "running" and room_b.epoch == 0
            after = room_b.views.seq(View.STAFF)
            await b.seat.until(lambda m: m["type"] == "event" and m["seq"] > after)
            assert len(room_b.session.events) > b_epoch_events
            assert not any(m["type"] == "room" and m["kind"] == "reset"
                           for m in b.seat.received + b.trainer.received)

            # End both (A after a new start): each room's results and history are its own.
            await day.request(type="day_control", command="start", rooms=[code_a])
            ended = await day.request(type="day_control", command="end")
            assert sorted(ended["done"]) == sorted([code_a, code_b])
            for seated in (a, b):
                await seated.seat.until(lambda m: m["type"] == "debrief")
            _only_its_room(srv, code_a, a)
            _only_its_room(srv, code_b, b)
            assert _actors(a.seat) - {"host"} == {"Ani"}
            assert _actors(b.seat) - {"host"} == {"Budi"}

            rooms = await day.until(lambda m: m["type"] == "day_rooms" and all(
                r["status"] == "ended" for r in m["rooms"]), timeout=15)
            glance = {r["code"]: r for r in rooms["rooms"]}
            assert glance[code_b]["name"] == "Kelompok Mawar" and glance[code_b]["seats"] == 1
            assert glance[code_a]["epoch"] == 1 and glance[code_b]["epoch"] == 0
            for client in (a.seat, a.trainer, b.seat, b.trainer, stray, day):
                await client.close()
    run(scenario())
    results = tmp_path / "results"
    csv_b = (results / f"gladi-{_code_b(tmp_path)}-0.csv").read_text()
    assert "Budi" in csv_b and "Ani" not in csv_b
    assert "Budi" not in (results / "gladi-123456-1.csv").read_text()
    rows = {a.trainee: a for a in history.attempts() if a.source == "drill"}
    assert rows["Ani"].room == "123456" and rows["Ani"].group is None
    assert rows["Budi"].room == _code_b(tmp_path) and rows["Budi"].group == "Kelompok Mawar"
    assert rows["Budi"].scenario == "tamu-resmi" and rows["Ani"].scenario == "serbuan-troll"


def _code_b(data: Path) -> str:
    names = sorted(p.name for p in (data / "results").glob("gladi-*-0.csv"))
    codes = {name.split("-")[1] for name in names} - {"123456"}
    assert len(codes) == 1, names
    return codes.pop()


def test_the_overview_needs_its_key_and_answers_every_request(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            day = await DayClient.open(srv.port)
            early = await day.request(type="day_create", scenario="tamu-resmi")
            assert early["type"] == "error" and early["code"] == "not_joined"
            wrong = await day.request(type="day_hello", key="not-the-key")
            assert wrong["type"] == "error" and wrong["code"] == "unauthorised"
            # A trainer key is not the organiser's key.
            wrong = await day.request(type="day_hello", key=srv.room.trainer_key)
            assert wrong["code"] == "unauthorised"
            welcome = await day.request(type="day_hello", key=srv.server.day_key, lang="en")
            assert welcome["type"] == "day_welcome"
            assert [r["code"] for r in welcome["rooms"]] == [srv.room.code]
            assert {"serbuan-troll", "tamu-resmi", "live-pertama"} <= {
                s["id"] for s in welcome["scenarios"]}
            bad = await day.request(type="day_create", scenario="no-such-scenario")
            assert bad["type"] == "error" and bad["code"] == "invalid"
            assert "scenario" in bad["detail"]
            odd = await day.request(type="day_control", command="launch")
            assert odd["type"] == "error" and odd["code"] == "invalid"
            await day.ws.send("{not json")
            assert (await day.until(lambda m: m["type"] == "error"))["code"] == "bad_json"
            ident = await day.send(type="hello", room=srv.room.code)
            unknown = await day.until(lambda m: m["type"] == "error")
            assert unknown["code"] == "unknown_type" and unknown["id"] == ident
            none = await day.request(type="day_control", command="pause")
            assert none["done"] == [] and none["skipped"] == [srv.room.code]  # still a lobby
            ghost = await day.request(type="day_control", command="start", rooms=["999999"])
            assert ghost["skipped"] == ["999999"]
            pong = await day.request(type="ping")
            assert pong["type"] == "pong"
            await day.close()
            # The drill endpoint knows nothing of the overview's messages.
            seat = await Client.open(srv.url)
            await seat.send(type="day_hello", key=srv.server.day_key)
            answer = await seat.until(lambda m: m["type"] == "error")
            assert answer["code"] == "unknown_type"
            await seat.close()
    run(scenario())


def test_the_days_results_download_once_and_qr_codes_join_the_room(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as srv:
            day = await DayClient.open(srv.port, srv.server.day_key)
            made = await day.create("tamu-resmi", "Kelompok Mawar")
            seated = await seat_room(srv.url, made["code"], made["trainer_key"], "Budi")
            await day.request(type="day_control", command="start")
            await delete_some(seated, 1)
            await day.request(type="day_control", command="end", rooms=[made["code"]])
            files: dict[str, bytes] = {}
            for fmt in ("zip", "csv", "report"):
                answer = await day.request(type="day_export", format=fmt)
                assert answer["type"] == "day_file" and answer["url"].startswith("/day/file/")
                status, headers, body = await asyncio.to_thread(http_get, srv.http + answer["url"])
                assert status == 200 and answer["filename"] in headers["Content-Disposition"]
                files[fmt] = body
                again = await asyncio.to_thread(http_get, srv.http + answer["url"])
                assert again[0] == 404  # one time only
            qr = await asyncio.to_thread(http_get, f"{srv.http}/qr/{made['code']}.svg")
            assert qr[0] == 200 and qr[1]["Content-Type"] == "image/svg+xml"
            assert b"<svg" in qr[2]
            missing = await asyncio.to_thread(http_get, f"{srv.http}/qr/999999.svg")
            page = await asyncio.to_thread(http_get, f"{srv.http}/day")
            assert missing[0] == 404 and page[0] == 200 and b"day.js" in page[2]
            for client in (seated.seat, seated.trainer, day):
                await client.close()
            code = made["code"]
            archive = zipfile.ZipFile(io.BytesIO(files["zip"]))
            names = set(archive.namelist())
            assert {"gladi-day.csv", "gladi-day-report.html", f"rooms/gladi-{code}-0.csv",
                    f"rooms/gladi-{code}-0.json", "rooms/gladi-123456-0.csv"} <= names
            # The overview speaks English here: "," and English headers, with a BOM.
            assert files["csv"].startswith("\ufeff".encode())
            combined = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
            assert archive.read("gladi-day.csv").decode() == files["csv"].decode()
            budi = [row for row in combined if row["Name"] == "Budi"]
            assert budi and budi[0]["Group"] == "Kelompok Mawar" and budi[0]["Room"] == code
            # The trainer is no participant: only Budi's row (room 123456 has no seat).
            assert [row["Role"] for row in combined] == ["Moderator"]
            report = files["report"].decode()
            assert "Kelompok Mawar" in report and "Budi" in report
            assert '"format":"gladi-session"' in archive.read(
                f"rooms/gladi-{code}-0.json").decode()
    run(scenario())
