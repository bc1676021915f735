"""Measure round-trip time, jitter and loss to a drill server with WebSocket pings.

The drill server's protocol is not fixed yet; WebSocket control pings are
answered by any WebSocket server (the ``websockets`` library does it itself),
so this needs nothing from the protocol. ``http://`` and ``https://`` URLs are
taken as the same address over ``ws://`` / ``wss://``. Over TCP a ping is not
"lost" on the wire; one whose pong does not arrive within the timeout counts
as lost, which is what a live stream would feel as a stall.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidURI

from .network import NetworkStats, summarise_rtts
from .sources import SourceError

__all__ = ["normalise_url", "probe", "probe_sync"]


def normalise_url(url: str) -> str:
    """``ws``/``wss`` as is, ``http``/``https`` mapped to them; anything else is an error."""
    parts = urlsplit(url.strip())
    schemes = {"ws": "ws", "wss": "wss", "http": "ws", "https": "wss"}
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise SourceError("bad_url", url=url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a non-numeric port
    except ValueError as error:
        raise SourceError("bad_url", url=url) from error
    return urlunsplit(parts._replace(scheme=schemes[parts.scheme.lower()]))


async def probe(
    url: str,
    *,
    count: int = 10,
    interval: float = 0.2,
    timeout: float = 1.0,
    connect_timeout: float = 5.0,
) -> NetworkStats:
    """Send ``count`` pings ``interval`` seconds apart; each waits ``timeout`` for its pong."""
    target = normalise_url(url)
    rtts: list[float | None] = []
    try:
        websocket = await connect(target, open_timeout=connect_timeout, ping_interval=None)
    except (OSError, TimeoutError, InvalidHandshake, InvalidMessage, InvalidURI):
        # Refused, no route, DNS failure, TLS failure, not a WebSocket server.
        return NetworkStats(count, 0, None, None, reachable=False)
    try:
        for i in range(count):
            if i:
                await asyncio.sleep(interval)  # pacing between probes, not synchronisation
            started = time.perf_counter()
            try:
                pong = await websocket.ping()
                await asyncio.wait_for(pong, timeout)
            except (TimeoutError, ConnectionClosed):
                rtts.append(None)
                continue
            rtts.append(1000.0 * (time.perf_counter() - started))
    finally:
        try:
            async with asyncio.timeout(timeout):
                await websocket.close()
        except (TimeoutError, OSError, ConnectionClosed):
            pass  # the server may already be gone; the measurements stand
    return summarise_rtts(rtts)


def probe_sync(
    url: str,
    *,
    count: int = 10,
    interval: float = 0.2,
    timeout: float = 1.0,
    connect_timeout: float = 5.0,
) -> NetworkStats:
    """:func:`probe` for synchronous callers (the CLI)."""
    return asyncio.run(
        probe(url, count=count, interval=interval, timeout=timeout, connect_timeout=connect_timeout)
    )
