"""Fuzzing the protocol: bad input gets typed errors, never a crash, never a changed room.

Each valid message is broken one field at a time (lone surrogates, control
characters, wrong types, huge and negative numbers, nested junk), through the
decoder, through a room, and through the real socket on 127.0.0.1; afterwards
the room must still serve every role.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from websockets.exceptions import ConnectionClosed

from protocol.inbound import ErrorCode, ProtocolError, decode
from protocol.outbound import SERVER_MESSAGE
from server.app import CLOSE_FREED
from server.room import DrillRoom
from server.seats import Seat

from .harness import KEY, Harness
from .helpers import Client, running_server

#: A plausible message of every type (seat actions with made-up ids).
VALID: list[dict[str, Any]] = [
    {"type": "hello", "room": "111111", "role": "moderator", "name": "Ani", "team": "Melati",
     "lang": "en"},
    {"type": "hello", "room": "111111", "token": "abc", "last_seq": 3},
    {"type": "action", "action": {"type": "delete", "comment": "c1"}},
    {"type": "action", "action": {"type": "mute", "viewer": "v1", "duration": 5,
                                  "comment": "c1"}},
    {"type": "action", "action": {"type": "block", "viewer": "v2"}},
    {"type": "action", "action": {"type": "report", "comment": "c2", "reason": "hate"}},
    {"type": "action", "action": {"type": "comments", "enabled": False}},
    {"type": "action", "action": {"type": "filter_add", "keyword": "judi"}},
    {"type": "action", "action": {"type": "answer", "comment": "c3", "text": "Ya, Bu."}},
    {"type": "action", "action": {"type": "thank", "target": "g1"}},
    {"type": "action", "action": {"type": "guest_accept", "request": "r1"}},
    {"type": "action", "action": {"type": "talk", "duration": 5000}},
    {"type": "control", "command": "pause"},
    {"type": "inject", "kind": "troll_raid", "count": 3, "over_s": 2},
    {"type": "inject", "kind": "guest_request", "troll": True},
    {"type": "settings", "leaderboard": False, "verdicts_live": True},
    {"type": "note", "text": "Bagus!"},
    {"type": "export", "format": "csv"},
    {"type": "free_seat", "seat": "s99"},
    {"type": "ping"},
]
#: Every kind of bad value, each tried at every field of every message.
BAD_VALUES: list[Any] = [None, True, 0, -1, 1.5, 2**53 + 1, 2**64, -2**63, "", " ", "\ud83d",
                         "a\udc00b", "\x00", "\u202e", "\u3164", "x" * 600, [], [1], {},
                         {"a": 1}]
WEIRD = st.one_of(st.sampled_from(BAD_VALUES),
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.sampled_from([-1, 0, 2**53 + 1]),
    st.floats(allow_nan=False), st.text(max_size=12),
    st.sampled_from(["\ud83d", "a\udc00b", "\x00", "\x1b[2J", "\u202eevil", " ", "",
                     "\u3164", "x" * 600, "s1", "c1", "[]", "{}"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=2),
)


@st.composite
def broken(draw: st.DrawFn) -> dict[str, Any]:
    """A valid message with one field (top level or inside ``action``) replaced or added."""
    message: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(VALID))))
    target = message["action"] if "action" in message and draw(st.booleans()) else message
    keys = [*target, "extra"]
    target[draw(st.sampled_from(keys))] = draw(WEIRD)
    return message


messages = broken() | st.sampled_from(VALID)


def _every_bad_field() -> list[tuple[str, str]]:
    """Each valid message with each of its fields set to each bad value, and who sends it."""
    out = []
    for message in VALID:
        who = "host" if message["type"] in ("action", "hello") else "trainer"
        paths = [(k,) for k in message] + [("action", k) for k in message.get("action", {})]
        for path in paths:
            for value in BAD_VALUES:
                broken_one = json.loads(json.dumps(message))
                target = broken_one if len(path) == 1 else broken_one["action"]
                target[path[-1]] = value
                out.append((who, json.dumps({"v": 1, **broken_one})))
    return out


EVERY_BAD_FIELD = _every_bad_field()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=50) | messages.map(json.dumps))
def test_decode_never_raises(raw: Any) -> None:
    result = decode(raw)
    assert isinstance(result, ProtocolError) or result.v in (1, 2)


@settings(max_examples=300, deadline=None)
@given(messages)
def test_decoded_strings_can_be_stored_and_sent(message: dict[str, Any]) -> None:
    """Whatever gets through the decoder is well-formed and typed as documented."""
    result = decode(json.dumps({"v": 1, **message}))
    if isinstance(result, ProtocolError):
        assert result.code in ErrorCode
        result.detail.encode("utf-8")  # the error itself can be sent
        return
    assert result.type == message["type"]
    result.model_dump_json().encode("utf-8")


def test_each_kind_of_bad_field_gets_a_typed_error() -> None:
    cases = {
        '{"v":1,"type":"action","action":{"type":"filter_add","keyword":"\\ud83d"}}': "invalid",
        '{"v":1,"type":"action","action":{"type":"answer","comment":"c1","text":"a\\udc00"}}':
            "invalid",
        '{"v":1,"type":"action","action":{"type":"delete","comment":"\\ud83d"}}': "invalid",
        '{"v":1,"type":["hello"]}': "invalid",
        '{"v":1,"type":{"a":1}}': "invalid",
        '{"v":true,"type":"ping"}': "bad_version",
        '{"v":1.0,"type":"ping"}': "bad_version",
        '{"v":1,"type":"hello","room":"111111","name":"   "}': "invalid",
        '{"v":1,"type":"hello","room":"111111","name":"\\u3164"}': "invalid",
        '{"v":1,"type":"hello","room":"111111","name":"A\\u0000B"}': "invalid",
        '{"v":1,"type":"inject","kind":"troll_raid","count":"5"}': "invalid",
        '{"v":1,"type":"settings","leaderboard":1}': "invalid",
        '{"v":1,"type":"action","action":{"type":"mute","viewer":"v1","duration":1e400}}':
            "invalid",
        '{"v":1,"type":"action","action":{"type":"talk","duration":-5}}': "invalid",
        '{"v":1,"type":"ping","id":-1}': "invalid",
        '{"v":1,"type":"ping","\\ud83d":1}': "invalid",
    }
    for raw, code in cases.items():
        result = decode(raw)
        assert isinstance(result, ProtocolError) and result.code.value == code, (raw, result)


class _Live:
    """A running room with a seat of every role, five seconds into the drill."""

    def __init__(self) -> None:
        self.h = Harness(seed=5)
        self.seats: list[Seat] = [
            self.h.join("trainer", role="trainer", key=KEY), self.h.join("host", role="host"),
            self.h.join("mod", name="Ani"), self.h.join("obs", role="observer")]
        self.h.control(self.seats[0], "start")
        self.h.run(5_000, step=1000)

    @property
    def room(self) -> DrillRoom:
        return self.h.room


@functools.cache
def _started() -> _Live:
    """Built once (it takes most of a second); each example works on its own copy."""
    return _Live()


ROLES = ("trainer", "host", "moderator", "observer")  # the order of _Live.seats
#: Who may send each action of VALID (docs/protocol.md's action table): hosting is the
#: host's; moderating and guests the host's and the moderators' (a moderator without the
#: `guests` permission gets an ack that refuses it); the trainer and observers send none.
ACTION_ROLES = {
    **dict.fromkeys(["delete", "mute", "block", "report", "comments", "filter_add",
                     "guest_accept"], {"host", "moderator"}),
    **dict.fromkeys(["answer", "thank", "talk"], {"host"}),
}
TRAINER_ONLY = {"control", "inject", "settings", "note", "export", "free_seat"}


def expected_replies(message: dict[str, Any], role: str) -> set[tuple[str, str | None]]:
    """The replies (type, error code) a seat of ``role`` may get to a message that decoded."""
    kind = message["type"]
    refused: set[tuple[str, str | None]] = {("error", "unauthorised")}
    if kind == "hello":
        return {("error", "already_joined")}
    if kind == "ping":
        return {("pong", None)}
    if kind == "action":
        # An ack either way: accepted, or refused by the room with a reason inside it.
        return {("ack", None)} if role in ACTION_ROLES[message["action"]["type"]] else refused
    assert kind in TRAINER_ONLY, kind
    if role != "trainer":
        return refused
    if kind == "export":
        return {("export", None)}
    if kind == "free_seat":  # a made-up seat, or one that is there (then it is freed)
        return {("ack", None), ("error", "unknown_seat")}
    return {("ack", None)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages, st.integers(0, 3))
def test_a_room_answers_every_message_and_keeps_its_journal(message: dict[str, Any],
                                                             who: int) -> None:
    decoded = decode(json.dumps({"v": 1, **message}))
    if isinstance(decoded, ProtocolError):
        return
    live = copy.deepcopy(_started())
    seat = live.seats[who]
    journalled = len(live.h.journal.texts)
    replies = live.h.send(seat, decoded, f"c{who}")
    assert replies, message
    last = replies[-1]
    code = last.get("code") if last["type"] == "error" else None
    assert (last["type"], code) in expected_replies(message, ROLES[who]), (message, last)
    if last["type"] == "ack":
        assert last["accepted"] is True or last["code"], last  # a refusal says why
    if last["type"] == "error":
        assert len(live.h.journal.texts) == journalled, last  # refused: nothing changed


def test_garbage_over_a_real_socket_keeps_the_room_serving_every_role(tmp_path: Path) -> None:
    where: dict[str, Any] = {}  # the running server, for the examples' thread

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.sampled_from(["trainer", "host", "mod"]),
                              messages.map(json.dumps) | st.text(max_size=60)),
                    min_size=1, max_size=6))
    def one(batch: list[tuple[str, str]]) -> None:
        asyncio.run_coroutine_threadsafe(_send_batch(where, batch), where["loop"]).result(30)

    async def main() -> None:
        # Limits far above what a fast machine sends here: the rate limit is not under test.
        async with running_server(tmp_path, rate=100_000, burst=100_000,
                                  trainer_rate=100_000) as srv:
            where.update(url=srv.url, code=srv.room.code, key=srv.room.trainer_key,
                         loop=asyncio.get_running_loop())
            await _seat_everyone(where)
            for start in range(0, len(EVERY_BAD_FIELD), 40):
                await _send_batch(where, EVERY_BAD_FIELD[start:start + 40])
            await asyncio.to_thread(one)
            await _every_role_is_served(where)

    asyncio.run(asyncio.wait_for(main(), 240))


def _pong_to(ident: int) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m["type"] == "pong" and m["id"] == ident


async def _seat_everyone(where: dict[str, Any]) -> None:
    trainer = await Client.open(where["url"])
    assert (await trainer.join(where["code"], role="trainer", key=where["key"]))["type"] == \
        "welcome"
    await trainer.send(type="control", command="start")
    host = await Client.open(where["url"])
    welcome = await host.join(where["code"], role="host", name="Bu Sari")
    where["clients"] = {"trainer": trainer, "host": host,
                        "mod": await Client.open(where["url"])}
    where["host_token"] = welcome["token"]
    await where["clients"]["mod"].join(where["code"], name="Ani")


async def _send_batch(where: dict[str, Any], batch: list[tuple[str, str]]) -> None:
    clients: dict[str, Client] = where["clients"]
    for who, raw in batch:
        await clients[who].send_raw(raw)
    # Each connection still answers (a freed seat's connection is closed with 4000).
    for who, client in clients.items():
        try:
            ident = await client.send(type="ping")
            await client.until(_pong_to(ident))
        except (ConnectionClosed, TimeoutError) as exc:
            code = client.ws.close_code
            assert code == CLOSE_FREED, (who, code, exc)  # only "seat freed" closes a seat
            clients[who] = await Client.open(where["url"])
            role = "moderator" if who == "mod" else who
            welcome = await clients[who].join(where["code"], role=role,
                                              key=where["key"] if who == "trainer" else None)
            assert welcome["type"] == "welcome", welcome
            if who == "host":
                where["host_token"] = welcome["token"]


async def _every_role_is_served(where: dict[str, Any]) -> None:
    for role in ("trainer", "moderator", "observer", "host"):
        client = await Client.open(where["url"])
        hello: dict[str, Any] = {"role": role, "name": f"Akhir {role}"}
        if role == "trainer":
            hello["key"] = where["key"]
        if role == "host":
            hello = {"token": where["host_token"], "last_seq": 0}
        welcome = await client.join(where["code"], **hello)
        if role == "host" and welcome.get("code") == "bad_token":  # the fuzzer freed it
            welcome = await client.join(where["code"], role="host", name="Bu Sari")
        assert welcome["type"] == "welcome", (role, welcome)
        ident = await client.send(type="ping")
        await client.until(_pong_to(ident))
        for message in client.received:
            SERVER_MESSAGE.validate_python(message)
        await client.close()
    for client in where["clients"].values():
        await client.close()
