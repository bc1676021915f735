"""SIGKILL a server with three running rooms; every room comes back, nothing acknowledged lost."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from .day_helpers import DayClient, Seated, delete_some, seat_room
from .helpers import Client, ack_for, is_event
from .serverproc import ServerProcess

#: The rooms of the day besides the one the server starts with: scenario and group name.
MORE = (("tamu-resmi", "Kelompok Mawar"), ("live-pertama", "Kelompok Melati"))


def _deleted_in(messages: list[dict[str, Any]]) -> set[str]:
    return {cid for m in messages if is_event("hidden")(m) for cid in m["event"]["comments"]}


def test_sigkill_with_three_running_rooms_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "data"

    async def before(server: ServerProcess) -> dict[str, Any]:
        day = await DayClient.open(server.port, server.day_key)
        made = [await day.create(ref, name) for ref, name in MORE]
        keys = {server.code: server.key, **{r["code"]: r["trainer_key"] for r in made}}
        seated: dict[str, Seated] = {}
        for n, (code, key) in enumerate(keys.items()):
            seated[code] = await seat_room(server.url, code, key, f"Peserta {n}")
        started = await day.request(type="day_control", command="start")
        assert sorted(started["done"]) == sorted(keys)
        acked = {code: await delete_some(s, 2) for code, s in seated.items()}
        # A note in each room: acknowledged, so it must come back too.
        for code, s in seated.items():
            ident = await s.trainer.send(type="note", text=f"catatan {code}")
            assert (await s.trainer.until(ack_for(ident)))["accepted"]
        state = {"keys": keys, "acked": acked,
                 "tokens": {code: s.welcome["token"] for code, s in seated.items()},
                 "seats": {code: s.welcome["seat"] for code, s in seated.items()},
                 "names": {r["code"]: r["name"] for r in made}}
        return state

    async def after(server: ServerProcess, state: dict[str, Any]) -> None:
        day = await DayClient.open(server.port)
        welcome = await day.request(type="day_hello", key=server.day_key, lang="en")
        rooms = {r["code"]: r for r in welcome["rooms"]}
        assert set(rooms) == set(state["keys"])
        assert all(r["status"] == "paused" for r in rooms.values())  # they wait for the trainer
        for code, name in state["names"].items():
            assert rooms[code]["name"] == name
        for code in state["keys"]:
            seat = await Client.open(server.url)
            welcome = await seat.join(code, token=state["tokens"][code], last_seq=0)
            assert welcome["type"] == "welcome" and welcome["resumed"]
            assert welcome["seat"] == state["seats"][code]
            assert welcome["state"]["status"] == "paused"
            replayed = [await seat.next() for _ in range(welcome["replay"])]
            assert set(state["acked"][code]) <= _deleted_in(replayed)
            notes = [m["data"]["text"] for m in replayed
                     if m["type"] == "room" and m["kind"] == "note"]
            assert notes == [f"catatan {code}"]
            await seat.close()
        # Every room goes on where it stopped, on its own.
        resumed = await day.request(type="day_control", command="resume")
        assert sorted(resumed["done"]) == sorted(state["keys"])
        await day.close()

    with ServerProcess(data) as first:
        state = asyncio.run(asyncio.wait_for(before(first), 90))
        first.kill()
    with ServerProcess(data) as second:
        assert second.day_key == first.day_key
        asyncio.run(asyncio.wait_for(after(second, state), 60))
