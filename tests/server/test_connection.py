"""A drill connection's state (server.app.Connection): the moves it makes, and no others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from protocol.roles import Role
from server.app import Connection, ConnectionState, ConnectionStateError, Waiter
from server.room import DrillRoom
from server.seats import Seat

from .harness import new_room

S = ConnectionState
ROOM = new_room()


def _seat(n: int = 1) -> Seat:
    return Seat(f"s{n}", "hash", Role.MODERATOR, "Ani", None, "Ani")


def state(conn: Connection) -> ConnectionState:
    """Read afresh after a move (mypy would keep the state narrowed from before it)."""
    return conn.state


def _waiter(request: str = "j1") -> Waiter:
    ws: Any = object()  # never used: the connection only keeps it
    return Waiter(ws, request, 1)


def test_a_hello_takes_a_seat() -> None:
    conn = Connection()
    assert conn.state is S.HELLO and conn.seat is None
    conn.found(ROOM)
    seat = _seat()
    conn.seated(seat)
    assert state(conn) is S.SEATED and conn.seat is seat and conn.room is ROOM
    assert conn.close() is ROOM and conn.state is S.CLOSED and conn.seat is None


def test_a_waiting_hello_is_seated_or_may_say_hello_again() -> None:
    conn = Connection()
    conn.found(ROOM)
    waiter = _waiter()
    conn.wait(waiter)
    assert conn.state is S.WAITING and conn.waiter is waiter
    conn.refused()
    assert state(conn) is S.HELLO and conn.waiter is None and conn.room is ROOM
    conn.found(ROOM)
    conn.wait(_waiter("j2"))
    conn.seated(_seat())
    assert conn.state is S.SEATED and conn.waiter is None


@pytest.mark.parametrize("move", ["wait", "seated", "room"])
def test_no_room_no_seat(move: str) -> None:
    conn = Connection()
    with pytest.raises(ConnectionStateError) as error:
        if move == "wait":
            conn.wait(_waiter())
        elif move == "seated":
            conn.seated(_seat())
        else:
            conn.room  # noqa: B018
    assert error.value.state is S.HELLO and error.value.move == move


def test_a_seated_connection_does_not_say_hello_again() -> None:
    conn = Connection()
    conn.found(ROOM)
    conn.seated(_seat())
    moves: list[Callable[[], object]] = [lambda: conn.found(ROOM), lambda: conn.wait(_waiter()),
                                         conn.refused, lambda: conn.seated(_seat(2))]
    for move in moves:
        with pytest.raises(ConnectionStateError):
            move()
    assert conn.state is S.SEATED


def test_a_closed_connection_makes_no_move() -> None:
    conn = Connection()
    assert conn.close() is None
    for move in (lambda: conn.found(ROOM), conn.close, conn.refused):
        with pytest.raises(ConnectionStateError):
            move()


class ConnectionStates(RuleBasedStateMachine):
    """Any sequence of moves: a move allowed in the model happens, any other raises and
    changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.conn = Connection()
        self.state = S.HELLO
        self.room: DrillRoom | None = None

    def _try(self, allowed: bool, move: Any, after: ConnectionState) -> None:
        before = (self.conn.state, self.conn.waiter, self.conn.seat)
        if allowed:
            move()
            self.state = after
        else:
            with pytest.raises(ConnectionStateError):
                move()
            assert (self.conn.state, self.conn.waiter, self.conn.seat) == before

    @rule()
    def found(self) -> None:
        allowed = self.state is S.HELLO
        self._try(allowed, lambda: self.conn.found(ROOM), S.HELLO)
        if allowed:
            self.room = ROOM

    @rule()
    def wait(self) -> None:
        self._try(self.state is S.HELLO and self.room is not None,
                  lambda: self.conn.wait(_waiter()), S.WAITING)

    @rule(n=st.integers(1, 3))
    def seated(self, n: int) -> None:
        self._try(self.state in (S.HELLO, S.WAITING) and self.room is not None,
                  lambda: self.conn.seated(_seat(n)), S.SEATED)

    @rule()
    def refused(self) -> None:
        self._try(self.state is S.WAITING, self.conn.refused, S.HELLO)

    @rule()
    def close(self) -> None:
        self._try(self.state is not S.CLOSED, self.conn.close, S.CLOSED)

    @invariant()
    def state_and_what_it_holds_agree(self) -> None:
        conn = self.conn
        assert conn.state is self.state
        assert (conn.waiter is not None) == (conn.state is S.WAITING)
        assert (conn.seat is not None) == (conn.state is S.SEATED)


test_connection_states = ConnectionStates.TestCase
