"""The cluster's Lua scripts on a real Redis, over time: a room's stream is appended once per
batch (a batch sent again after a lost answer is not doubled), only by the lease holder, only
on the stream it knows; a lease that ran out during an outage is taken back only by a worker
whose stream is as it wrote it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from server.cluster import _APPEND, _RENEW, Keys
from tests.realparts import needs

from .redisproc import REDIS, RedisProcess

pytestmark = needs(REDIS, "redis-server")

KEYS = Keys("test:")
CODE = "123456"
LEASE, STREAM = KEYS.lease(CODE), KEYS.journal(CODE)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    server = RedisProcess(Path(tmp_path_factory.mktemp("redis")))
    server.start()
    client = redis.Redis.from_url(server.url, decode_responses=True)
    try:
        yield client
    finally:
        client.close()
        server.stop()


class StreamMachine(RuleBasedStateMachine):
    """Worker ``w1`` writes a room's journal; Redis loses answers, leases run out, ``w2``
    takes the room; the stream always holds each record once, in order."""

    db: redis.Redis

    def __init__(self) -> None:
        super().__init__()
        self.db.delete(LEASE, STREAM)
        self.db.set(LEASE, "w1")
        #: What the stream must hold.
        self.model: list[str] = []
        #: What w1 believes the stream's length is.
        self.known = 0
        #: The last batch w1 sent, whose answer may have been lost.
        self.last: tuple[int, list[str]] | None = None
        self.holder: str | None = "w1"
        self.serial = 0

    def _append(self, worker: str, base: int, texts: list[str]) -> int:
        return int(self.db.eval(_APPEND, 2, LEASE, STREAM, worker, base, *texts))

    def _batch(self, size: int) -> list[str]:
        self.serial += size
        return [f"r{self.serial - size + i}" for i in range(size)]

    @precondition(lambda self: self.last is None)
    @rule(size=st.integers(1, 4), answered=st.booleans())
    def w1_writes(self, size: int, answered: bool) -> None:
        texts = self._batch(size)
        written = self._append("w1", self.known, texts)
        if self.holder != "w1":
            assert written == -1
            return
        if len(self.model) != self.known:  # another worker wrote meanwhile
            assert written == -2
            return
        assert written == self.known + size
        self.model += texts
        if answered:
            self.known = written
        else:  # the connection dropped before the answer came: w1 sends it again
            self.last = (self.known, texts)

    @precondition(lambda self: self.last is not None)
    @rule()
    def w1_sends_again(self) -> None:
        """The same batch on the same base: in the stream once, whatever happened."""
        assert self.last is not None
        base, texts = self.last
        written = self._append("w1", base, texts)
        if self.holder != "w1":
            assert written == -1
            return
        self.last = None
        if self.model[base:] == texts:
            assert written == len(self.model)  # it was there: not appended twice
            self.known = written
        elif len(self.model) == base:
            assert written == base + len(texts)
            self.model += texts
            self.known = written
        else:
            assert written == -2

    @precondition(lambda self: self.holder is not None)
    @rule()
    def lease_runs_out(self) -> None:
        self.db.delete(LEASE)
        self.holder = None

    @rule(low=st.integers(-1, 1), high=st.integers(0, 2))
    def w1_renews(self, low: int, high: int) -> None:
        """w1 takes its lease back if nobody holds it and the stream's length is between
        what it knows and that plus what it sent unanswered."""
        lo, hi = self.known + low, self.known + low + high
        kept = self.db.eval(_RENEW, 2, LEASE, STREAM, "w1", 60_000, lo, hi)
        expected = self.holder == "w1" or (self.holder is None
                                           and lo <= len(self.model) <= hi)
        assert kept == [int(expected)]
        if expected:
            self.holder = "w1"

    @precondition(lambda self: self.holder is None)
    @rule(size=st.integers(1, 3))
    def w2_takes_the_room_and_writes(self, size: int) -> None:
        self.db.set(LEASE, "w2")
        self.holder = "w2"
        texts = self._batch(size)
        assert self._append("w2", len(self.model), texts) == len(self.model) + size
        self.model += texts

    @invariant()
    def the_stream_holds_each_record_once_in_order(self) -> None:
        entries = self.db.xrange(STREAM) or []
        assert [str(fields["r"]) for _, fields in entries if fields] == self.model


def test_stream_scripts(db: redis.Redis) -> None:
    StreamMachine.db = db
    TestScripts = StreamMachine.TestCase
    TestScripts.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
    TestScripts().runTest()
