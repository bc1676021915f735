"""``python -m server DATA HOST PORT [SCENARIO [SEED]] [--redis URL --worker ID]``.

A small entry point for the tests and the benchmark (``gladi serve`` is the user's):
it serves until killed and prints one JSON line once the port is open: the port,
the organiser's key and the rooms this process holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server as WsServer

from .app import DrillServer
from .cluster import RedisCluster
from .store import Store
from .video.network import RtcNetwork, listen_address, parse_ports


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server")
    parser.add_argument("data", type=Path)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("scenario", nargs="?", default="live-pertama")
    parser.add_argument("seed", nargs="?", type=int, default=1)
    parser.add_argument("--redis", default=None, help="redis://… : a worker of a cluster")
    parser.add_argument("--worker", default=None, help="this worker's name (cluster)")
    parser.add_argument("--lease-ms", type=int, default=None, help="room lease (cluster)")
    parser.add_argument("--redis-ephemeral", action="store_true",
                        help="accept a Redis without its append-only file (cluster)")
    parser.add_argument("--rtc-ports", type=parse_ports, default=None,
                        help="LOW-HIGH: the UDP ports the video may use")
    args = parser.parse_args(argv)
    rtc = RtcNetwork(listen_address(args.host), args.rtc_ports)
    store = Store(args.data)
    srv: DrillServer
    if args.redis is not None:
        cluster = RedisCluster(args.redis, worker=args.worker, lease_ms=args.lease_ms,
                               first_scenario=args.scenario, seed=args.seed,
                               ephemeral=args.redis_ephemeral)
        srv = DrillServer(store, scenarios=[args.scenario], placement=cluster, journals=cluster,
                          rtc=rtc)
    else:
        srv = DrillServer(store, scenarios=[args.scenario], rtc=rtc)
        if not srv.restore():
            srv.new_room(args.scenario, args.seed)

    async def go() -> None:
        started: asyncio.Future[WsServer] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(srv.run(args.host, args.port, started))
        both: list[asyncio.Future[Any]] = [started, task]
        await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            await task
        server = started.result()
        bound = next(iter(server.sockets)).getsockname()[1]
        print(json.dumps({"port": bound, "day_key": srv.day_key, "rooms": [
            {"code": r.code, "key": r.trainer_key, "status": r.status}
            for r in srv.rooms.values()]}), flush=True)
        await task

    asyncio.run(go())


if __name__ == "__main__":
    main()
