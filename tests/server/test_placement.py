"""A drill server is composed, not subclassed: a placement and journals as parameters.

The Redis implementations run against a real redis-server in test_cluster.py;
here, the defaults and the seams themselves.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import server
from protocol.inbound import Command
from server.app import DrillServer
from server.journal import Journal
from server.placement import LocalPlacement, StoreJournals, build_room
from server.room import DrillRoom
from server.store import Store, StoreJournal


class HeldJournals(StoreJournals):
    """SQLite journals whose outcomes wait until the test lets them go."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.waiting: list[tuple[DrillRoom, Callable[[], None]]] = []
        self.given: list[str] = []

    def journal(self, code: str) -> Journal:
        self.given.append(code)
        return super().journal(code)

    def written(self, room: DrillRoom, send: Callable[[], None]) -> None:
        self.waiting.append((room, send))


def test_no_server_class_subclasses_the_drill_server() -> None:
    for info in pkgutil.walk_packages(server.__path__, "server."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            assert cls is DrillServer or not issubclass(cls, DrillServer), cls


def test_the_defaults_hold_every_room_here_in_sqlite(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        srv = DrillServer(store)
        assert isinstance(srv.placement, LocalPlacement)
        assert isinstance(srv.journals, StoreJournals)
        assert not srv.placement.glancing
        assert srv.day_key == store.day_key()
        room = build_room("100001", "k", "live-pertama", 1)
        srv.add_room(room, "live-pertama", lang="en")
        assert isinstance(room.journal, StoreJournal)
        assert srv.room_lang("100001") == "en" and srv.room_lang("999999") is None
    finally:
        store.close()


def test_what_a_room_decided_goes_out_when_its_journals_say(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        journals = HeldJournals(store)
        srv = DrillServer(store, journals=journals)
        room = build_room("100001", "k", "live-pertama", 1)
        srv.add_room(room, "live-pertama")
        assert journals.given == ["100001"]
        done, skipped = srv.control_here(Command.START, ["100001", "100002"])
        assert (done, skipped) == (["100001"], ["100002"])
        assert [r for r, _ in journals.waiting] == [room]
        sent: list[str] = []
        srv.deliver(room, room.tick(0), then=lambda: sent.append("then"))
        assert sent == []  # not before the journals say so
        journals.waiting[-1][1]()
        assert sent == ["then"]
    finally:
        store.close()
