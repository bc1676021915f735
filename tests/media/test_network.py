"""Network bands (pure) and the WebSocket probe against servers on loopback only."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.server import ServerConnection, serve

from media.net_probe import normalise_url, probe
from media.network import NetworkStats, network_checks, summarise_rtts
from media.results import Level
from media.sources import SourceError


def levels(stats: NetworkStats) -> dict[str, Level]:
    return {r.name: r.level for r in network_checks(stats)}


def test_bands() -> None:
    assert levels(NetworkStats(10, 10, 40.0, 5.0)) == {
        "rtt": Level.OK,
        "jitter": Level.OK,
        "loss": Level.OK,
    }
    assert levels(NetworkStats(50, 49, 200.0, 35.0)) == {
        "rtt": Level.WARN,
        "jitter": Level.WARN,
        "loss": Level.WARN,
    }
    assert levels(NetworkStats(10, 9, 350.0, 80.0)) == {
        "rtt": Level.FAIL,
        "jitter": Level.FAIL,
        "loss": Level.FAIL,
    }
    assert levels(NetworkStats(10, 0, None, None)) == {
        "rtt": Level.FAIL,
        "jitter": Level.SKIP,
        "loss": Level.FAIL,
    }
    unreachable = network_checks(NetworkStats(10, 0, None, None, reachable=False))
    assert [(r.name, r.level, r.hint_key) for r in unreachable] == [
        ("server", Level.FAIL, "server_unreachable")
    ]


def test_summarise_rtts() -> None:
    stats = summarise_rtts([10.0, 30.0, None, 20.0])
    assert (stats.sent, stats.received) == (4, 3)
    assert stats.rtt_ms == 20.0
    assert stats.jitter_ms == pytest.approx(15.0)  # |30-10| and |20-30|
    assert stats.loss == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ws://10.0.0.2:8765/drill", "ws://10.0.0.2:8765/drill"),
        ("http://localhost:8000/", "ws://localhost:8000/"),
        ("HTTPS://example.test/x", "wss://example.test/x"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize("url", ["localhost:8765", "ftp://host/", "ws://", "ws://host:port/", ""])
def test_bad_urls(url: str) -> None:
    with pytest.raises(SourceError) as error:
        normalise_url(url)
    assert error.value.key == "bad_url"


async def _echo(websocket: ServerConnection) -> None:
    await websocket.wait_closed()


def test_probe_a_real_server_on_loopback() -> None:
    async def scenario() -> NetworkStats:
        async with serve(_echo, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            return await probe(f"ws://127.0.0.1:{port}/", count=5, interval=0.0)

    stats = asyncio.run(scenario())
    assert (stats.sent, stats.received, stats.reachable) == (5, 5, True)
    assert levels(stats) == {"rtt": Level.OK, "jitter": Level.OK, "loss": Level.OK}


def test_probe_an_address_nobody_listens_on() -> None:
    async def scenario() -> NetworkStats:
        # Bind a port, then close it: nothing listens there any more.
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        return await probe(f"ws://127.0.0.1:{port}/", count=3, interval=0.0)

    stats = asyncio.run(scenario())
    assert not stats.reachable
    assert levels(stats) == {"server": Level.FAIL}


def test_pongs_that_never_come_count_as_lost() -> None:
    """A server that completes the handshake but then ignores every frame."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import base64
        import hashlib

        request = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key")
        )
        accept = base64.b64encode(
            hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
        )
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        await writer.drain()
        await reader.read()  # swallow pings until the client goes away
        writer.close()

    async def scenario() -> NetworkStats:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await probe(f"ws://127.0.0.1:{port}/", count=3, interval=0.0, timeout=0.2)

    stats = asyncio.run(scenario())
    assert stats.reachable and stats.received == 0
    assert levels(stats)["loss"] is Level.FAIL
    assert levels(stats)["rtt"] is Level.FAIL
