"""Several ``gladi serve`` workers on one Redis: rooms placed on workers, journals in streams.

The one-process server (:class:`server.app.DrillServer`, SQLite) is the default
and needs nothing installed. When one machine is not enough (a district or a
province training online), several workers share a Redis server
(``gladi serve --redis redis://…``); docs/protocol.md ("Several workers") says
how it behaves. A worker is the same ``DrillServer``, given a :class:`RedisCluster`
as its placement and its journals (:mod:`server.placement`). In short:

- **Placement.** Each room is held by one worker at a time: the worker whose
  *lease* (``gladi:lease:<code>``, a key with an expiry, renewed every third of
  it) names it. A new room goes to the live worker holding the fewest rooms.
- **Journal.** A room's inputs are appended to the Redis stream
  ``gladi:journal:<code>`` before anything they caused is sent: the room applies
  an input at once, but its messages (the ``ack`` among them) wait until the
  stream has the record. The append is fenced by the lease (one Lua script
  checks the lease and appends), so a worker that lost its lease cannot write.
- **Routing.** A seat may connect to any worker. A worker that does not hold
  the seat's room passes the connection through to the worker that does
  (proxying: the seat sees one ordinary connection; no redirect, so the
  browser's origin, its stored token and its websocket stay the same).
- **Failover.** A worker that dies stops renewing its leases; when one expires,
  any worker takes the room and rebuilds it from its stream (the engine is
  deterministic), paused, with every acknowledged input. Seats reconnect by
  themselves (to any worker: behind one address, a reverse proxy or DNS with
  several addresses) and resume with their tokens.
- **Outage.** While Redis cannot be reached a worker keeps its rooms and their
  connections: records are refused (``not_saved``), a write that was under way
  waits (with what the room decided after it) and is sent again when Redis
  answers (:data:`_APPEND` does not append it twice), every connection gets
  ``storage`` and ``/healthz`` answers 503. When Redis answers the worker takes
  its leases back (:data:`_RENEW`) before it writes, and subscribes again.
- **Durability.** :meth:`RedisCluster.open` refuses a Redis without its
  append-only file unless ``ephemeral``; ``redis+sentinel://`` URLs go through
  redis-py's Sentinel client, and each write then waits for a replica (``WAIT``).

Keys (prefix ``gladi:``): ``rooms`` (hash: code → how the room was made),
``journal:<code>`` (stream), ``lease:<code>``, ``worker:<id>`` (its address and
room count, with an expiry), ``glance`` (hash: code → the room at a glance, for
any worker's overview), ``day_key``, ``control`` and ``placed`` (channels).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel
from redis.exceptions import RedisError, ResponseError
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from i18n import LANGUAGES, normalise_language, translate
from i18n.errors import GladiError
from protocol.day import DayCreate, DayRoom
from protocol.inbound import Command, ErrorCode, Hello
from protocol.outbound import ScenarioRef

from .app import CLOSE_MOVED, WS_MAX_SIZE
from .clock import Status
from .day import DayFiles, day_files
from .journal import AnyRecord, JournalError, SettingsRec, dumps_record, loads_record
from .overview import Refused
from .placement import RoomHost, Routed, build_room, error_text, new_code, now_ms
from .room import DrillRoom
from .store import RoomRecord

__all__ = ["LEASE_MS", "Keys", "NotDurable", "RedisCluster", "RedisJournal", "redis_client"]

log = logging.getLogger("gladi.server")

#: How long a worker's hold on a room lasts without renewal (renewed every third of it).
LEASE_MS = 5000
#: How long a ``hello`` for a room held elsewhere may wait for the room to be reachable
#: (its worker died: the lease must run out and another worker restore it).
ROUTE_S = 20.0
RETRY_S = 0.25
#: How long a ``day_control`` waits for the workers holding the other rooms.
CONTROL_WAIT_S = 2.0
#: How often a worker publishes its rooms' glances for the overviews (wall ms).
GLANCE_EVERY_MS = 2000
#: How often a worker that cannot reach Redis tries again (s).
OUTAGE_RETRY_S = 0.25
#: How long a Redis call may take before Redis counts as unreachable (s).
REDIS_TIMEOUT_S = 3.0
#: With Sentinel: how long a write waits for a replica to have it before it is sent (ms).
REPLICA_WAIT_MS = 1000

#: Append records to a room's stream if (and only if) this worker holds the lease and the
#: stream has the length this worker knows (ARGV[2]); the stream's new length. A batch sent
#: again after a lost connection is not appended twice: a stream that ends with exactly
#: that batch answers its length. -1: the lease is not ours; -2: the stream is not what
#: this worker wrote.
_APPEND = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = redis.call('XLEN', KEYS[2])
local base = tonumber(ARGV[2])
local k = #ARGV - 2
if n == base then
  for i = 3, #ARGV do redis.call('XADD', KEYS[2], '*', 'r', ARGV[i]) end
  return n + k
end
if n ~= base + k then return -2 end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', k)
for j = 1, k do
  if last[k + 1 - j][2][2] ~= ARGV[2 + j] then return -2 end
end
return n
"""
#: Renew each lease this worker holds (KEYS: n leases, then their n streams); 1 for renewed,
#: 0 for lost. A lease that ran out while Redis was unreachable is taken again when nobody
#: else took it and the stream is as this worker wrote it (ARGV: worker, ms, then a low and a
#: high length per room: a batch whose answer was lost may or may not be in it).
_RENEW = """
local n = #KEYS / 2
local out = {}
for i = 1, n do
  local holder = redis.call('GET', KEYS[i])
  if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2]); out[i] = 1
  elseif not holder then
    local len = redis.call('XLEN', KEYS[n + i])
    if len >= tonumber(ARGV[1 + 2 * i]) and len <= tonumber(ARGV[2 + 2 * i]) then
      redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]); out[i] = 1
    else out[i] = 0 end
  else out[i] = 0 end
end
return out
"""
#: Let go of leases (a clean shutdown): other workers take the rooms at once.
_RELEASE = """
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Keys:
    """The cluster's Redis keys."""

    prefix: str = "gladi:"

    @property
    def rooms(self) -> str:
        return self.prefix + "rooms"

    @property
    def glance(self) -> str:
        return self.prefix + "glance"

    @property
    def day_key(self) -> str:
        return self.prefix + "day_key"

    @property
    def control(self) -> str:
        return self.prefix + "control"

    @property
    def placed(self) -> str:
        return self.prefix + "placed"

    @property
    def first(self) -> str:
        return self.prefix + "first"

    def journal(self, code: str) -> str:
        return f"{self.prefix}journal:{code}"

    def lease(self, code: str) -> str:
        return f"{self.prefix}lease:{code}"

    def worker(self, worker: str) -> str:
        return f"{self.prefix}worker:{worker}"

    def reply(self, request: str) -> str:
        return f"{self.prefix}reply:{request}"


class RedisJournal:
    """A room's journal whose records go to a Redis stream. :meth:`append` checks a record
    (what could not be stored is refused at once, as by the SQLite journal) and keeps it;
    the worker writes what was kept before it sends anything the records caused. While Redis
    cannot be reached (``down`` says so) every record is refused: the room answers
    ``not_saved``."""

    def __init__(self, down: Callable[[], bool] = lambda: False) -> None:
        self.pending: list[str] = []
        self._down = down

    def append(self, record: AnyRecord) -> None:
        if self._down():
            raise JournalError("storage unreachable")
        self.pending.append(dumps_record(record))

    def take(self) -> list[str]:
        taken, self.pending = self.pending, []
        return taken


@dataclass(slots=True)
class _Waiting:
    """What a room decided, waiting for its records to be in the stream."""

    texts: list[str]
    send: Callable[[], None]


@dataclass(slots=True)
class _Committer:
    """One room's outcomes in the order the room made them, sent once written."""

    queue: deque[_Waiting] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    #: How many records the room's stream has, as far as this worker knows.
    length: int = 0
    #: Records sent to Redis whose answer has not come (they may be in the stream or not).
    unsure: int = 0


class NotDurable(GladiError):
    """The Redis server keeps its data only in memory (``appendonly no``): a restart of it
    would lose every room of the day. ``gladi serve --redis-ephemeral`` accepts that."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url}: appendonly is not on")
        self.url = url


def redis_client(url: str) -> tuple[aioredis.Redis, bool]:
    """A client for ``url``, and whether it goes through Redis Sentinel.

    ``redis://…`` and ``rediss://…`` name one server; ``redis+sentinel://host:port[,host:port…]
    /service_name`` names the sentinels that watch the primary called ``service_name``: the
    client asks them where the primary is, and asks again when it is lost (a replica took
    over). Raises ValueError for a sentinel URL without sentinels or service name.
    """
    timeouts: dict[str, Any] = {"socket_timeout": REDIS_TIMEOUT_S,
                                "socket_connect_timeout": REDIS_TIMEOUT_S}
    if not url.startswith("redis+sentinel://"):
        return aioredis.from_url(url, decode_responses=True, **timeouts), False
    where, _, service = url.removeprefix("redis+sentinel://").partition("/")
    service = service.strip("/")
    sentinels: list[tuple[str, int]] = []
    for part in where.split(","):
        host, _, port = part.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{part!r} is not host:port")
        sentinels.append((host.strip("[]"), int(port)))
    if not service:
        raise ValueError("no service name after the sentinels (…/mymaster)")
    sentinel = Sentinel(sentinels, sentinel_kwargs=timeouts, **timeouts)
    return sentinel.master_for(service, decode_responses=True), True


def _record_json(record: RoomRecord) -> str:
    return json.dumps(asdict(record), ensure_ascii=False)


def _record_of(text: str) -> RoomRecord:
    return RoomRecord(**json.loads(text))


def rebuild(record: RoomRecord, texts: Iterable[str]) -> DrillRoom:
    """A room as its journal left it (every record applied; nothing sent)."""
    room = build_room(record.code, record.trainer_key, record.scenario, record.seed)
    room.restore(loads_record(text) for text in texts)
    return room


class RedisCluster:
    """A worker's part of a cluster: a :class:`~server.placement.Placement` (rooms held
    under leases, seats of other workers' rooms passed on, every room on the overview) and
    the :class:`~server.placement.Journals` (Redis streams, written before anything is sent)
    of the :class:`~server.app.DrillServer` it is given to as both::

        cluster = RedisCluster("redis://…", worker="w1", first_scenario="live-pertama")
        server = DrillServer(store, placement=cluster, journals=cluster)
    """

    def __init__(self, redis_url: str, *, worker: str | None = None,
                 lease_ms: int | None = None, advertise: str | None = None,
                 first_scenario: str | None = None, seed: int = 1,
                 prefix: str = "gladi:", ephemeral: bool = False) -> None:
        self.redis_url = redis_url
        #: Whether a Redis without persistence is accepted (``--redis-ephemeral``).
        self.ephemeral = ephemeral
        #: This worker's name in the cluster.
        self.worker = worker or f"{socket.gethostname()}-{os.getpid()}"
        self.lease_ms = lease_ms or LEASE_MS
        self.keys = Keys(prefix)
        self._advertise = advertise
        self._first = first_scenario
        self._seed = seed
        self._host: RoomHost | None = None
        self._db: aioredis.Redis | None = None
        self._committers: dict[str, _Committer] = {}
        self._loading: dict[str, asyncio.Future[DrillRoom | None]] = {}
        #: Every open room of the cluster, as last read from Redis.
        self._known: dict[str, RoomRecord] = {}
        self._day_key = ""
        self._url = ""
        self._renewed = 0
        self._glanced = 0
        self._published: dict[str, str] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Through Redis Sentinel: each write waits for a replica before it is sent.
        self._sentinel = False
        #: Redis cannot be reached: records are refused, the seats are told.
        self._down = False
        self._up = asyncio.Event()
        self._up.set()
        #: After an outage, rooms without a lease are left to their holders until then.
        self._grace_until = 0
        #: The other workers' glances as last read (the overview while Redis is away).
        self._glances: dict[str, str] = {}

    # ------------------------------------------------------------ Redis

    @property
    def host(self) -> RoomHost:
        assert self._host is not None, "the cluster is not attached to a server"
        return self._host

    @property
    def rooms(self) -> dict[str, DrillRoom]:
        """The rooms this worker holds."""
        return self.host.rooms

    @property
    def db(self) -> aioredis.Redis:
        assert self._db is not None, "the worker is not connected to Redis"
        return self._db

    @property
    def day_key(self) -> str:
        return self._day_key

    @property
    def glancing(self) -> bool:
        return True  # any worker's overview may show this worker's rooms

    @property
    def healthy(self) -> bool:
        """False while Redis cannot be reached (``/healthz`` answers 503)."""
        return not self._down

    def _outage(self, exc: BaseException) -> None:
        """Redis cannot be reached: refuse records (``not_saved``) and tell the seats."""
        if self._down:
            return
        log.warning("redis unreachable, rooms keep running unsaved: %s", exc)
        self._down = True
        self._up.clear()
        self.host.storage(False)

    def _recovered(self) -> None:
        """Redis answers again (and this worker's leases are renewed): write and save."""
        if not self._down:
            return
        log.warning("redis reachable again")
        self._down = False
        self._grace_until = now_ms() + self.lease_ms
        self._up.set()
        self.host.storage(True)

    @property
    def url(self) -> str:
        """Where other workers pass seats to this one (``ws://host:port/ws``)."""
        return self._url

    async def _script(self, script: str, keys: list[str], args: list[Any]) -> Any:
        return await self.db.eval(script, len(keys), *keys, *args)

    async def _stream(self, code: str) -> list[str]:
        """A room's journal: the JSON text of each record, in order."""
        entries = await self.db.xrange(self.keys.journal(code))
        return [str(fields["r"]) for _, fields in entries or () if fields]

    # ------------------------------------------------------------ running

    def attach(self, host: RoomHost) -> None:
        self._host = host

    async def open(self) -> None:
        """Connect to Redis, make sure it keeps what it is given (unless ephemeral), and
        learn the day's organiser key (made by the first worker).

        Raises:
            NotDurable: Redis runs without its append-only file and ``ephemeral`` is off.
        """
        self._db, self._sentinel = redis_client(self.redis_url)
        await self._check_durable()
        await self.db.set(self.keys.day_key, secrets.token_urlsafe(12), nx=True)
        self._day_key = str(await self.db.get(self.keys.day_key))

    async def _check_durable(self) -> None:
        """A Redis without its append-only file loses the day when it restarts."""
        if self.ephemeral:
            return
        try:
            answer = await self.db.config_get("appendonly")
        except ResponseError:  # CONFIG turned off: nobody can say it persists
            answer = {}
        if str(answer.get("appendonly", "")).lower() != "yes":
            raise NotDurable(self.redis_url)

    async def start(self, host: str, port: int) -> None:
        """Listening: register, take the rooms placed here or left by dead workers, make
        the cluster's first room if nobody has, and keep the leases from now on."""
        shown = host if host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        self._url = self._advertise or f"ws://{shown}:{port}/ws"
        await self._heartbeat()
        await self._take_orphans()
        await self._first_room()
        for job in (self._maintain(), self._listen()):
            self._spawn(job)

    async def close(self) -> None:
        """Let go of the leases (other workers take the rooms at once) and of Redis."""
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(RedisError, OSError):
            await self._release()
        await self.db.aclose()

    def _spawn(self, job: Awaitable[Any]) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        """A background job ended: Redis lost meanwhile is an outage, not a lost exception."""
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, RedisError | OSError):
            self._outage(exc)
        elif exc is not None:
            log.error("worker job failed", exc_info=exc)

    async def _first_room(self) -> None:
        """The cluster's first room, made by the first worker to start (``gladi serve``
        makes one room; more come from the overview)."""
        if not self._first or self._known:
            return
        if await self.db.set(self.keys.first, self.worker, nx=True):
            await self._place(self._first, self._seed, "", "id", False, self.worker)

    async def _heartbeat(self) -> None:
        await self.db.set(self.keys.worker(self.worker),
                          json.dumps({"url": self._url, "rooms": len(self.rooms)}),
                          px=self.lease_ms)

    async def _release(self) -> None:
        leases = [self.keys.lease(code) for code in self.rooms]
        if leases:
            await self._script(_RELEASE, leases, [self.worker])
        await self.db.delete(self.keys.worker(self.worker))

    async def _maintain(self) -> None:
        """Every third of the lease: say this worker lives, renew its leases, publish its
        rooms' glances, and take rooms whose worker is gone. While Redis cannot be reached
        the rooms stay here (their seats connected, their records refused) and this worker
        tries again often; when it answers, the leases are renewed (taken again if they ran
        out and nobody else took them) before anything is written."""
        while True:
            await asyncio.sleep(OUTAGE_RETRY_S if self._down else self.lease_ms / 3000)
            try:
                await self._heartbeat()
                await self._renew()
                self._recovered()
                now = now_ms()
                if now - self._glanced >= GLANCE_EVERY_MS:
                    self._glanced = now
                    await self._publish_glances()
                await self._take_orphans()
            except (RedisError, OSError) as exc:
                self._outage(exc)
            except Exception:
                log.exception("worker upkeep failed")

    async def _renew(self) -> None:
        codes = list(self.rooms)
        if codes:
            kept = await self._renew_codes(codes)
            for code, ok in zip(codes, kept, strict=True):
                if not ok:
                    log.warning("room %s: lease lost", code)
                    self._lose(code)
        self._renewed = now_ms()

    async def _renew_codes(self, codes: list[str]) -> list[int]:
        """Renew (or take again, :data:`_RENEW`) the leases of ``codes``: 1 kept, 0 lost."""
        lengths: list[int] = []
        for code in codes:
            committer = self._committers.get(code, _Committer())
            lengths += [committer.length, committer.length + committer.unsure]
        keys = [self.keys.lease(c) for c in codes] + [self.keys.journal(c) for c in codes]
        return [int(k) for k in await self._script(_RENEW, keys,
                                                   [self.worker, self.lease_ms, *lengths])]

    async def _listen(self) -> None:
        """Rooms placed on this worker, and the organisers' commands for its rooms; after
        a lost connection (Redis restarted, or a replica took over) it subscribes again."""
        while True:
            try:
                await self._subscribed()
            except (RedisError, OSError) as exc:
                self._outage(exc)
            await asyncio.sleep(OUTAGE_RETRY_S)

    async def _subscribed(self) -> None:
        pubsub = self.db.pubsub()
        await pubsub.subscribe(self.keys.control, self.keys.placed)
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    data = json.loads(message["data"])
                    if message["channel"] == self.keys.placed:
                        if data["worker"] == self.worker:
                            self._spawn(self._claim(data["code"]))
                    else:
                        await self._controlled(data)
                except (ValueError, KeyError, TypeError, RedisError) as exc:
                    log.warning("cluster message not understood: %s", exc)
        finally:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()

    # ------------------------------------------------------------ holding rooms

    async def _take_orphans(self) -> None:
        """Read the cluster's rooms; load those placed here, take those no worker holds."""
        raw = await cast(Awaitable[dict[str, str]], self.db.hgetall(self.keys.rooms))
        self._known = {code: _record_of(text) for code, text in raw.items()}
        others = [code for code in self._known if code not in self.rooms
                  and code not in self._loading]
        if not others or now_ms() < self._grace_until:
            return
        holders = await self.db.mget([self.keys.lease(code) for code in others])
        for code, holder in zip(others, holders, strict=True):
            if holder is None or holder == self.worker:
                self._spawn(self._claim(code))

    async def _claim(self, code: str) -> DrillRoom | None:
        """Hold ``code`` here if nobody does (or it was placed here), and load it."""
        if code in self.rooms:
            return self.rooms[code]
        loading = self._loading.get(code)
        if loading is not None:
            return await loading
        holder = await self.db.get(self.keys.lease(code))
        if holder is None:
            if not await self.db.set(self.keys.lease(code), self.worker, nx=True,
                                     px=self.lease_ms):
                return None
        elif holder != self.worker:
            return None
        return await self._load(code)

    async def _load(self, code: str) -> DrillRoom | None:
        """Rebuild a room this worker holds from its stream, and serve it."""
        future: asyncio.Future[DrillRoom | None] = asyncio.get_running_loop().create_future()
        self._loading[code] = future
        room: DrillRoom | None = None
        try:
            text = await cast(Awaitable[str | None], self.db.hget(self.keys.rooms, code))
            if text is not None:
                record = _record_of(text)
                texts = await self._stream(code)
                built = await asyncio.to_thread(rebuild, record, texts)
                # The lease is renewed only for served rooms: make sure it held meanwhile.
                kept = await self._script(_RENEW, [self.keys.lease(code),
                                                   self.keys.journal(code)],
                                          [self.worker, self.lease_ms, 0, 0])
                if kept[0]:
                    self._hold(built, record, len(texts))
                    room = built
        except Exception:
            log.exception("room %s could not be restored", code)
            room = None
        finally:
            del self._loading[code]
            future.set_result(room)
        return room

    def _hold(self, room: DrillRoom, record: RoomRecord, length: int) -> None:
        self._known[room.code] = record
        self._committers[room.code] = _Committer(length=length)
        self.host.hold(room, record)
        log.info("worker %s holds room %s", self.worker, room.code)

    def _lose(self, code: str) -> None:
        """Stop serving a room (its lease is gone): its seats reconnect and find it."""
        self._committers.pop(code, None)
        self.host.drop(code)

    # ------------------------------------------------------------ write, then send

    def journal(self, code: str) -> RedisJournal:
        """A held room's journal: its records wait for :meth:`written` to append them."""
        self._committers.setdefault(code, _Committer())
        return RedisJournal(lambda: self._down)

    def written(self, room: DrillRoom, send: Callable[[], None]) -> None:
        """Run ``send`` once the room's records are in its stream, in the order the room
        made them; nothing of a room this worker no longer holds goes out."""
        committer = self._committers.get(room.code)
        if committer is None or self.rooms.get(room.code) is not room:
            return
        journal = room.journal
        texts = journal.take() if isinstance(journal, RedisJournal) else []
        if not texts and not committer.queue and committer.task is None:
            send()
            return
        committer.queue.append(_Waiting(texts, send))
        if committer.task is None:
            committer.task = asyncio.get_running_loop().create_task(
                self._write(room, committer))

    async def _write(self, room: DrillRoom, committer: _Committer) -> None:
        """Append the waiting records (one round trip for all of them), then send what they
        caused, in order; a worker that lost the room sends nothing."""
        code = room.code
        try:
            while committer.queue:
                batch = list(committer.queue)
                committer.queue.clear()
                texts = [text for waiting in batch for text in waiting.texts]
                if texts:
                    written = await self._append(code, committer, texts)
                    if written < 0:
                        # Not written (or not ours any more): the room as it is here may hold
                        # inputs the stream lacks. Whoever holds the lease rebuilds it.
                        self._lose(code)
                        with contextlib.suppress(RedisError, OSError):
                            await self._script(_RELEASE, [self.keys.lease(code)], [self.worker])
                        return
                if self.rooms.get(code) is not room:
                    return
                for waiting in batch:
                    waiting.send()
        finally:
            committer.task = None

    async def _append(self, code: str, committer: _Committer, texts: list[str]) -> int:
        """Append ``texts`` to the room's stream: its new length, or -1 (the lease is not
        this worker's) or -2 (the stream is not as this worker wrote it). While Redis cannot
        be reached the batch waits and is sent again when it answers (in order: what the
        room decided after it waits behind it); :data:`_APPEND` does not append it twice."""
        committer.unsure = len(texts)
        try:
            while True:
                await self._up.wait()
                try:
                    written = int(await self._script(
                        _APPEND, [self.keys.lease(code), self.keys.journal(code)],
                        [self.worker, committer.length, *texts]))
                    if written >= 0 and self._sentinel:
                        await self._replicated(code)
                except (RedisError, OSError) as exc:
                    log.warning("room %s: journal not written yet: %s", code, exc)
                    self._outage(exc)
                    continue
                if written >= 0:
                    committer.length = written
                return written
        finally:
            committer.unsure = 0

    async def _replicated(self, code: str) -> None:
        """Through Sentinel: wait until a replica has what was written, so that a primary
        lost now loses nothing a seat was told."""
        replicas = int(await self.db.wait(1, REPLICA_WAIT_MS))
        if replicas < 1:
            log.warning("room %s: no replica confirmed the write", code)

    # ------------------------------------------------------------ routing seats

    async def find(self, ws: ServerConnection, hello: Hello,
                   raw: str | bytes) -> DrillRoom | Routed:
        """The room here, or taken here, or the connection passed to the worker holding it."""
        deadline = time.monotonic() + ROUTE_S
        while True:
            room = self.rooms.get(hello.room)
            if room is not None:
                return room
            try:
                where = await self._where(hello.room)
            except RedisError as exc:
                log.warning("redis: %s", exc)
                where = ("", None)
            if where is None:
                broadcast([ws], error_text(ErrorCode.ROOM_NOT_FOUND, hello.lang, hello.id))
                return Routed.ANSWERED
            holder, url = where
            if holder is None or holder == self.worker:
                with contextlib.suppress(RedisError):
                    claimed = await self._claim(hello.room)
                    if claimed is not None:
                        return claimed
            elif url is not None and await self._proxy(ws, url, raw):
                return Routed.ELSEWHERE
            if time.monotonic() > deadline:
                broadcast([ws], error_text(ErrorCode.ROOM_NOT_FOUND, hello.lang, hello.id))
                return Routed.ANSWERED
            await asyncio.sleep(RETRY_S)

    async def _where(self, code: str) -> tuple[str | None, str | None] | None:
        """None: no such room; else the worker holding it (None: nobody) and its address."""
        async with self.db.pipeline(transaction=False) as pipe:
            pipe.hexists(self.keys.rooms, code)
            pipe.get(self.keys.lease(code))
            exists, holder = await pipe.execute()
        if not exists:
            return None
        if holder is None or holder == self.worker:
            return holder, None
        info = await self.db.get(self.keys.worker(holder))
        return holder, None if info is None else str(json.loads(info)["url"])

    async def _proxy(self, ws: ServerConnection, url: str, first: str | bytes) -> bool:
        """Pass the connection to the worker at ``url`` (its ``hello`` first) until either
        side closes; False if that worker cannot be reached."""
        try:
            upstream = await connect(url, open_timeout=3, max_size=WS_MAX_SIZE,
                                     compression=None)
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError):
            return False
        async with upstream:
            await upstream.send(first)

            async def down() -> None:
                async for message in upstream:
                    await ws.send(message)

            async def up() -> None:
                async for message in ws:
                    await upstream.send(message)

            pumps = [asyncio.create_task(down()), asyncio.create_task(up())]
            done, pending = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            for task in done:
                with contextlib.suppress(ConnectionClosed):
                    task.result()
            if upstream.close_code is not None and ws.close_code is None:
                # The holder closed it: pass on what it meant (a freed seat: 4000); its
                # worker gone or the room moved: reconnect.
                code = upstream.close_code
                if code in (1000, 1001, 1006, 1011):
                    code, reason = CLOSE_MOVED, "reconnect"
                else:
                    reason = upstream.close_reason or ""
                with contextlib.suppress(ConnectionClosed):
                    await ws.close(code, reason)
        return True

    # ------------------------------------------------------------ the day's overview

    async def _publish_glances(self) -> None:
        changed: dict[Any, Any] = {}
        for code, room in self.rooms.items():
            text = json.dumps({lang: self.host.glances.glance(room, self.host.records[code], lang,
                                                         self.worker).model_dump(mode="json")
                               for lang in LANGUAGES}, ensure_ascii=False)
            if self._published.get(code) != text:
                changed[code] = self._published[code] = text
        if changed:
            await self.db.hset(self.keys.glance, mapping=changed)

    def room_lang(self, code: str) -> str | None:
        record = self._known.get(code)
        return None if record is None else record.lang

    async def day_rooms(self, lang: str) -> list[DayRoom]:
        """Every room of the day; while Redis cannot be reached, other workers' rooms as
        they were last read."""
        try:
            self._glances = await cast(Awaitable[dict[str, str]],
                                       self.db.hgetall(self.keys.glance))
        except (RedisError, OSError) as exc:
            self._outage(exc)
        published = self._glances
        rooms = []
        for code, record in sorted(self._known.items(), key=lambda kv: kv[1].created):
            room = self.rooms.get(code)
            if room is not None:
                rooms.append(self.host.glances.glance(room, self.host.records[code], lang,
                                                      self.worker))
            elif code in published:
                rooms.append(DayRoom.model_validate(json.loads(published[code])[lang]))
            else:
                rooms.append(self._unheld(record, lang))
        return rooms

    def _unheld(self, record: RoomRecord, lang: str) -> DayRoom:
        """A room no worker has shown yet (just placed, or being restored)."""
        title = self.host.scenario_title(record.scenario, lang)
        return DayRoom(code=record.code, name=record.name, lang=normalise_language(record.lang),
                       scenario=ScenarioRef(id=record.scenario, title=title),
                       trainer_key=record.trainer_key, status=Status.LOBBY, epoch=0, t=0,
                       duration_ms=0, team_mode=False, seats=0, online=0, harm=0, score=None,
                       passed=None, worker=None)

    async def create_room(self, msg: DayCreate, lang: str) -> DayRoom | Refused:
        ref = self.host.new_room_ref(msg, len(self._known))
        if isinstance(ref, Refused):
            return ref
        try:
            target = await self._least_loaded()
            record = await self._place(ref, msg.seed, msg.name or "", msg.lang,
                                       msg.team_mode, target)
        except (RedisError, OSError) as exc:
            self._outage(exc)
            return Refused(ErrorCode.NOT_SAVED, "storage unreachable")
        room = self.rooms.get(record.code)
        if room is not None:
            return self.host.glances.glance(room, record, lang, self.worker)
        return self._unheld(record, lang).model_copy(update={"worker": target,
                                                              "team_mode": msg.team_mode})

    async def _least_loaded(self) -> str:
        """The live worker holding the fewest rooms (this one on a tie)."""
        loads = {self.worker: len(self.rooms)}
        async for key in self.db.scan_iter(match=self.keys.worker("*")):
            info = await self.db.get(key)
            if info is not None:
                loads.setdefault(key.removeprefix(self.keys.worker("")),
                                 int(json.loads(info)["rooms"]))
        return min(loads, key=lambda w: (loads[w], w != self.worker, w))

    async def _place(self, ref: str, seed: int, name: str, lang: str, team_mode: bool,
                     target: str) -> RoomRecord:
        """Make a room in Redis and hand it to ``target`` (which loads it from there)."""
        while True:
            record = RoomRecord(new_code(set(self._known)), secrets.token_urlsafe(12), ref, seed,
                                time.time(), name, lang)
            if await self.db.hsetnx(self.keys.rooms, record.code, _record_json(record)):
                break
        self._known[record.code] = record
        if team_mode:  # journalled before any worker can load the room
            await self.db.xadd(self.keys.journal(record.code),
                               {"r": dumps_record(SettingsRec(t=0, team_mode=True))})
        await self.db.set(self.keys.lease(record.code), target, px=self.lease_ms)
        if target == self.worker:
            await self._load(record.code)
        else:
            await self.db.publish(self.keys.placed, json.dumps({"code": record.code,
                                                                "worker": target}))
        return record

    async def control_rooms(self, command: Command,
                            codes: list[str] | None) -> tuple[list[str], list[str]]:
        wanted = list(self._known) if codes is None else codes
        here = [code for code in wanted if code in self.rooms]
        done, skipped = self.host.control_here(command, here)
        elsewhere = [code for code in wanted if code not in self.rooms]
        if not elsewhere:
            return done, skipped
        answered: set[str] = set()
        try:
            await self._control_elsewhere(command, elsewhere, done, skipped, answered)
        except (RedisError, OSError) as exc:  # those rooms' workers cannot be told now
            self._outage(exc)
        skipped += [code for code in elsewhere if code not in answered]
        return done, skipped

    async def _control_elsewhere(self, command: Command, elsewhere: list[str],
                                 done: list[str], skipped: list[str],
                                 answered: set[str]) -> None:
        """Ask the workers holding ``elsewhere`` to carry out ``command``; gather answers."""
        request = secrets.token_hex(8)
        await self.db.publish(self.keys.control, json.dumps(
            {"request": request, "command": command.value, "rooms": elsewhere}))
        deadline = time.monotonic() + CONTROL_WAIT_S
        while len(answered) < len(elsewhere) and time.monotonic() < deadline:
            reply = await cast(Awaitable[Any], self.db.blpop(
                [self.keys.reply(request)], timeout=max(0.1, deadline - time.monotonic())))
            if reply is None:
                break
            data = json.loads(reply[1])
            done += data["done"]
            skipped += data["skipped"]
            answered.update(data["done"] + data["skipped"])

    async def _controlled(self, data: dict[str, Any]) -> None:
        """An organiser's command for rooms of the cluster: carry it out for those held here."""
        mine = [code for code in data["rooms"] if code in self.rooms]
        if not mine:
            return
        done, skipped = self.host.control_here(Command(data["command"]), mine)
        key = self.keys.reply(data["request"])
        await self.db.rpush(key, json.dumps({"done": done, "skipped": skipped}))
        await self.db.expire(key, 30)

    async def day_files(self, lang: str) -> DayFiles:
        rooms: list[tuple[RoomRecord, DrillRoom]] = []
        for code, record in sorted(self._known.items(), key=lambda kv: kv[1].created):
            room = self.rooms.get(code)
            if room is None:  # held elsewhere: its stream says everything
                try:
                    texts = await self._stream(code)
                except (RedisError, OSError) as exc:  # not readable now: left out
                    self._outage(exc)
                    continue
                room = await asyncio.to_thread(rebuild, record, texts)
            rooms.append((record, room))
        return day_files(rooms, lang, translate("serve.day_report.title", lang))
