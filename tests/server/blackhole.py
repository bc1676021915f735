"""A TCP proxy on 127.0.0.1 that can go silent: a Wi-Fi blip, real at the socket level.

A browser opened through :class:`Blackhole` talks to the drill server through it. While
the link is :meth:`~Blackhole.cut`, nothing is forwarded and nothing is closed: bytes
either way wait (as TCP keeps retransmitting them), a new connection is accepted by the
kernel but its first bytes never reach the server (as a SYN lost on the air), and a
connection its client gives up during the cut never reaches the server at all. On
:meth:`~Blackhole.restore` everything waiting goes on, in order, as it would once the
radio is back: the server's side of every connection survived, like a phone's on a
hotspot that dropped out for a few seconds. Nothing is faked at the application level:
the page has to notice the silence itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

__all__ = ["Blackhole"]

CHUNK = 65536


class Blackhole:
    """Forward ``127.0.0.1:port`` (:attr:`port`, chosen by the kernel) to ``target``."""

    def __init__(self, target: int, host: str = "127.0.0.1") -> None:
        self.target, self.host = target, host
        self.port = 0
        self._up = asyncio.Event()
        self._up.set()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        #: Connections the server saw, and connections given up before it could.
        self.passed = 0
        self.vanished = 0

    async def __aenter__(self) -> Blackhole:
        self._server = await asyncio.start_server(self._accepted, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.restore()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def is_cut(self) -> bool:
        return not self._up.is_set()

    def cut(self) -> None:
        """The link goes silent: nothing forwarded, nothing closed."""
        self._up.clear()

    def restore(self) -> None:
        """The link is back: what waited is delivered."""
        self._up.set()

    def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, client_in: asyncio.StreamReader,
                     client_out: asyncio.StreamWriter) -> None:
        self._writers.add(client_out)
        server_out: asyncio.StreamWriter | None = None
        try:
            first = await client_in.read(CHUNK)
            await self._up.wait()
            if not first or client_in.at_eof():
                self.vanished += 1  # given up while the link was down: the server never knew
                return
            server_in, server_out = await asyncio.open_connection(self.host, self.target)
            self._writers.add(server_out)
            self.passed += 1
            server_out.write(first)
            await asyncio.gather(self._pump(client_in, server_out),
                                 self._pump(server_in, client_out))
        except (ConnectionError, OSError):
            pass
        finally:
            for writer in (client_out, server_out):
                if writer is not None:
                    self._writers.discard(writer)
                    writer.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One direction: each chunk waits while the link is cut; so does the close."""
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(CHUNK):
                await self._up.wait()
                writer.write(data)
                await writer.drain()
            await self._up.wait()
            if writer.can_write_eof():
                writer.write_eof()
