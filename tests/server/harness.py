"""Drive a drill room without sockets: a fake wall clock, and what each target received."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from typing import Any

from moderation.content import ContentIndex
from protocol.inbound import Control, Hello, ProtocolError, decode
from protocol.outbound import SERVER_MESSAGE
from scenarios import load_content, load_economy, load_scenario
from scenarios.schema import Economy, Scenario
from server.journal import MemoryJournal
from server.outbox import Outcome, ToConn, ToSeat, ToView
from server.room import DrillRoom
from server.seats import Seat

KEY = "rahasia"
CODE = "111111"


@cache
def _loaded(scenario: str) -> tuple[Scenario, ContentIndex, Economy]:
    loaded = load_scenario(scenario)
    return loaded, ContentIndex(load_content(loaded), loaded.topic), load_economy()


def new_room(scenario: str = "serbuan-troll", seed: int = 1,
             journal: MemoryJournal | None = None, code: str = CODE) -> DrillRoom:
    """A room like ``build_room`` makes, with the scenario loaded once per test run."""
    loaded, content, economy = _loaded(scenario)
    return DrillRoom(code, KEY, loaded, content, economy, seed, journal)


def csv_rows(text: str, lang: str = "id") -> list[dict[str, str]]:
    """A results CSV as Excel in ``lang`` reads it: BOM, then ";" (id) or "," (en)."""
    assert text.startswith("\ufeff"), text[:20]
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";" if lang == "id" else ","))


def hello(**fields: Any) -> Hello:
    fields.setdefault("room", CODE)
    return Hello(v=1, type="hello", **fields)


class Harness:
    """A room, a fake wall clock, and every message each target received, decoded."""

    def __init__(self, scenario: str = "serbuan-troll", seed: int = 1, code: str = CODE) -> None:
        self.journal = MemoryJournal()
        self.scenario, self.seed = scenario, seed
        self.room = new_room(scenario, seed, self.journal, code)
        self.now = 1_000_000
        self.got: dict[str, list[dict[str, Any]]] = {}

    def take(self, outcome: Outcome, conn: str = "conn") -> Outcome:
        for target, payload in outcome.sends:
            if isinstance(target, ToConn):
                name = conn
            elif isinstance(target, ToView):
                name = "view:" + target.view.value
            else:
                assert isinstance(target, ToSeat)
                name = "seat:" + target.seat
            message = json.loads(payload)
            SERVER_MESSAGE.validate_python(message)  # every message matches docs/protocol.md
            self.got.setdefault(name, []).append(message)
        return outcome

    def try_join(self, conn: str, **fields: Any) -> Outcome:
        return self.take(self.room.join(hello(**{"room": self.room.code, **fields}), self.now),
                         conn)

    def join(self, conn: str, **fields: Any) -> Seat:
        outcome = self.try_join(conn, **fields)
        assert outcome.seat is not None, self.got[conn][-1]
        self.take(self.room.connected(outcome.seat, True))
        return outcome.seat

    def send(self, seat: Seat, msg: Any, conn: str = "conn") -> list[dict[str, Any]]:
        start = len(self.got.get(conn, []))
        self.take(self.room.handle(seat, msg, self.now), conn)
        return self.got.get(conn, [])[start:]

    def run(self, ms: int, step: int = 100) -> None:
        for _ in range(ms // step):
            self.now += step
            self.take(self.room.tick(self.now))

    def control(self, trainer: Seat, command: str, conn: str = "conn") -> list[dict[str, Any]]:
        return self.send(trainer, Control.model_validate(
            {"v": 1, "type": "control", "command": command}), conn)

    def act(self, seat: Seat, conn: str = "conn", **action: Any) -> dict[str, Any]:
        """Send an action as a client would and return the answer (an ``ack`` or ``error``;
        a message the protocol refuses answers as the server's connection layer does)."""
        return self.message(seat, {"type": "action", "id": 7, "action": action}, conn)

    def message(self, seat: Seat, message: dict[str, Any], conn: str = "conn") -> dict[str, Any]:
        """Send one client message given as JSON data; return the last answer."""
        decoded = decode(json.dumps({"v": 1, **message}))
        if isinstance(decoded, ProtocolError):
            return {"type": "error", "code": decoded.code.value, "detail": decoded.detail}
        replies = self.send(seat, decoded, conn)
        return replies[-1] if replies else {}

    def view(self, name: str) -> list[dict[str, Any]]:
        return [m for m in self.got.get("view:" + name, []) if m["type"] in ("event", "room")]

    def first_comment(self, view: str = "staff") -> dict[str, Any]:
        for msg in self.view(view):
            if msg["type"] == "event" and msg["event"]["type"] == "comment" \
                    and msg["event"]["hidden"] is None:
                return dict(msg["event"])
        raise AssertionError("no comment yet")

    def restarted(self) -> DrillRoom:
        """A room rebuilt from this room's journal, as a restarted server rebuilds it."""
        copy = new_room(self.scenario, self.seed, MemoryJournal(), self.room.code)
        copy.restore(self.journal.records())
        return copy
