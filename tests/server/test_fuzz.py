"""Property-based fuzzing of the protocol: bad input gets typed errors, never a crash."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from server.app import build_room
from server.protocol import ErrorCode, ProtocolError, decode
from server.room import Room

from .helpers import Client, running_server

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | \
    st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=20)
TYPES = ["hello", "action", "control", "inject", "settings", "note", "export", "ping", "x", ""]
ACTIONS = ["mute", "unmute", "block", "unblock", "delete", "report", "pin", "unpin", "comments",
           "filter_add", "filter_remove", "guest_accept", "guest_decline", "guest_remove",
           "answer", "thank", "welcome", "talk", "inject", "moderator_add", "nope"]
FIELDS = ["viewer", "comment", "duration", "reason", "enabled", "keyword", "request", "text",
          "target", "t", "actor", "name", "kind", "count"]
field_values = st.none() | st.booleans() | st.integers(-10, 10**6) | st.text(max_size=20) \
    | st.sampled_from(["v1", "v2", "c1", "c2", "g1", "r1", "hate", "troll_raid"]) \
    | st.lists(st.integers(), max_size=2)

actions = st.fixed_dictionaries({"type": st.sampled_from(ACTIONS)},
                                optional={f: field_values for f in FIELDS})
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={"v": st.sampled_from([1, 2, "1", None]), "id": st.integers(-5, 2**60) | st.text(),
              "room": st.text(max_size=15), "role": st.text(max_size=10)
              | st.sampled_from(["trainer", "host", "moderator", "observer"]),
              "command": st.sampled_from(["start", "pause", "resume", "reset", "end", "fly"]),
              "action": actions | json_values, "kind": st.text(max_size=12)
              | st.sampled_from(["troll_raid", "gift_storm"]), "count": st.integers(-3, 100),
              "text": st.text(max_size=40), "format": st.sampled_from(["csv", "session", "pdf"]),
              "leaderboard": st.booleans() | st.none(), "team_mode": st.booleans(),
              "token": st.text(max_size=5), "last_seq": st.integers(-2, 10**6),
              "extra": json_values})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=50) | json_values.map(json.dumps))
def test_decode_never_raises(raw: Any) -> None:
    result = decode(raw)
    assert isinstance(result, ProtocolError) or result.v == 1


@settings(max_examples=300, deadline=None)
@given(messages)
def test_decode_structured_messages(message: dict[str, Any]) -> None:
    result = decode(json.dumps(message))
    if isinstance(result, ProtocolError):
        assert result.code in ErrorCode
    else:
        assert result.type == message["type"]


_ROOM: dict[str, Any] = {}


def _live_room() -> tuple[Room, Any, Any, Any]:
    """One running room shared by the examples (building one per example is slow)."""
    from server.protocol import Control, Hello

    if not _ROOM:
        room = build_room("222222", "k", "serbuan-troll", 5)
        trainer = room.join(Hello(v=1, type="hello", room="222222", role="trainer",
                                  key="k"), 0).seat
        seat = room.join(Hello(v=1, type="hello", room="222222", name="Ani"), 0).seat
        host = room.join(Hello(v=1, type="hello", room="222222", role="host",
                               name="Bu Sari"), 0).seat
        assert trainer is not None
        room.handle(trainer, Control(v=1, type="control", command="start"), 0)
        room.tick(20_000)
        _ROOM.update(room=room, seats=(trainer, seat, host), now=20_000)
    _ROOM["now"] += 37
    return _ROOM["room"], *_ROOM["seats"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages, st.integers(0, 2))
def test_room_answers_every_message(message: dict[str, Any], who: int) -> None:
    room, *seats = _live_room()
    message.setdefault("v", 1)
    decoded = decode(json.dumps(message))
    if isinstance(decoded, ProtocolError):
        return
    if room.status == "ended" or (message.get("type") == "control"
                                  and message.get("command") in ("end", "reset")):
        _ROOM.clear()  # keep the shared room alive for the next examples
        return
    outcome = room.handle(seats[who], decoded, _ROOM["now"])
    for _, payload in outcome.sends:
        json.loads(payload)
    replies = [json.loads(p) for target, p in outcome.sends if target == "conn"]
    if decoded.type in ("action", "control", "inject", "settings", "export", "ping"):
        assert replies, message  # an answer: ack, error, export or pong
    for reply in replies:
        if reply["type"] == "error":
            assert reply["code"] in {c.value for c in ErrorCode}


def test_garbage_over_a_real_socket_keeps_the_server_up(tmp_path: Path) -> None:
    where: dict[str, Any] = {}  # the running server, for the examples' thread

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(messages.map(json.dumps) | st.text(max_size=100), min_size=1, max_size=5))
    def one(batch: list[str]) -> None:
        async def go() -> None:
            client = await Client.open(where["url"])
            # The trainer may send everything, so the whole room is exercised.
            welcome = await client.join(where["code"], role="trainer", key=where["key"])
            assert welcome["type"] == "welcome"
            for raw in batch:
                await client.send_raw(raw)
            # Still answering on the same connection.
            await client.send_raw(json.dumps({"v": 1, "type": "ping", "id": 424242}))
            await client.until(lambda m: m["type"] == "pong" and m["id"] == 424242)
            await client.close()
        asyncio.run_coroutine_threadsafe(go(), where["loop"]).result(30)

    async def main() -> None:
        async with running_server(tmp_path, rate=1000, burst=1000) as srv:
            where.update(url=srv.url, code=srv.room.code, key=srv.room.trainer_key,
                         loop=asyncio.get_running_loop())
            await asyncio.to_thread(one)
            healthy = await Client.open(srv.url)
            welcome = await healthy.join(srv.room.code, role="observer", name="After")
            assert welcome["type"] == "welcome"
            await healthy.close()

    asyncio.run(main())


steps = st.lists(st.tuples(st.integers(0, 3), messages, st.integers(0, 3000)), max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_any_message_sequence_replays_from_the_log_identically(script: list[Any]) -> None:
    """Whatever seats and the trainer send, the logged inputs rebuild the same room."""
    from server.protocol import Control, Hello

    room = build_room("333333", "k", "serbuan-troll", 2)
    now = 0
    inputs: list[dict[str, Any]] = []

    def take(outcome: Any) -> Any:
        inputs.extend(outcome.inputs)
        return outcome

    seats = [take(room.join(Hello(v=1, type="hello", room="333333", role="trainer",
                                  key="k"), now)).seat,
             take(room.join(Hello(v=1, type="hello", room="333333", name="Ani"), now)).seat,
             take(room.join(Hello(v=1, type="hello", room="333333", role="host",
                                  name="Bu"), now)).seat,
             take(room.join(Hello(v=1, type="hello", room="333333", role="observer",
                                  name="O"), now)).seat]
    take(room.handle(seats[0], Control(v=1, type="control", command="start"), now))
    for who, message, dt in script:
        now += dt
        take(room.tick(now))
        message.setdefault("v", 1)
        decoded = decode(json.dumps(message))
        if isinstance(decoded, ProtocolError) or decoded.type == "hello":
            continue
        take(room.handle(seats[who], decoded, now))
    copy = build_room("333333", "k", "serbuan-troll", 2)
    copy.replay_inputs(json.loads(json.dumps(inputs)))
    for view, log in room.logs.items():
        assert copy.logs[view] == log[:len(copy.logs[view])], view
    assert copy.status == room.status or room.status == "ended"
    assert copy.epoch == room.epoch
