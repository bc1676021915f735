"""Where the server's peer connections listen: one address, a fixed range of UDP ports.

A trainer whose laptop runs a firewall opens the drill's TCP port and a range of UDP
ports for the video (``gladi serve --host ADDRESS --rtc-ports LOW-HIGH``, docs/install.md).
aiortc has no setting for either: its ICE agent (aioice) binds every local address on an
ephemeral port. :func:`bind` gives each peer's ICE connection a subclass of aioice's
``Connection`` that gathers host candidates only on the chosen address and only in the
chosen range. The server uses no STUN or TURN, so host candidates are all it gathers.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import socket
from dataclasses import dataclass

from aioice import Candidate, Connection
from aioice.candidate import candidate_foundation, candidate_priority
from aioice.ice import StunProtocol
from aiortc import RTCPeerConnection

from protocol.inbound import ErrorCode

from .errors import MediaError

__all__ = ["ANYWHERE", "RtcNetwork", "bind", "listen_address", "parse_ports"]

log = logging.getLogger("gladi.server.video")

#: aioice's receive buffer for a host candidate's socket (aioice.turn.UDP_SOCKET_BUFFER_SIZE).
RECEIVE_BUFFER = 262144


@dataclass(frozen=True, slots=True)
class RtcNetwork:
    """The address and UDP ports the video may use (None: every address, any port)."""

    address: str | None = None
    ports: tuple[int, int] | None = None

    @property
    def limited(self) -> bool:
        return self.address is not None or self.ports is not None


#: Every address, any port: aiortc's own way, the default.
ANYWHERE = RtcNetwork()


def parse_ports(text: str) -> tuple[int, int]:
    """``"50000-50100"`` → ``(50000, 50100)``; ValueError when it is not such a range."""
    low, sep, high = text.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise ValueError(text)
    first, last = int(low), int(high)
    if not 1024 <= first <= last <= 65535:
        raise ValueError(text)
    return first, last


def listen_address(host: str) -> str | None:
    """The address the video binds for the server's ``--host``: that one, or every
    address when the server listens on all of them (``0.0.0.0``, ``::``, a name)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if address.is_unspecified else str(address)


class _Cursor:
    """Where the next port search in a range starts, so peers spread over the range."""

    next: int = 0


class _BoundConnection(Connection):
    """aioice's connection, gathering host candidates as an :class:`RtcNetwork` says."""

    network: RtcNetwork

    async def get_component_candidates(self, component: int, addresses: list[str],
                                       timeout: int = 5) -> list[Candidate]:
        if self.network.address is not None:
            addresses = [a for a in addresses if a == self.network.address] \
                or [self.network.address]
        candidates = []
        for address in addresses:
            protocol = await self._listen(address)
            if protocol is None:
                continue
            host, port = protocol.transport.get_extra_info("sockname")[:2]
            protocol.local_candidate = Candidate(
                foundation=candidate_foundation("host", "udp", host), component=component,
                transport="udp", priority=candidate_priority(component, "host"),
                host=host, port=port, type="host")
            self._protocols.append(protocol)
            candidates.append(protocol.local_candidate)
        if not candidates:
            raise MediaError(ErrorCode.TOO_MANY_PEERS, "no free UDP port for the video")
        return candidates

    async def _listen(self, address: str) -> StunProtocol | None:
        """A socket on ``address`` at a free port of the range (any port without one)."""
        loop = asyncio.get_running_loop()
        span = self.network.ports
        ports = [0] if span is None else _search(span)
        for port in ports:
            try:
                transport, protocol = await loop.create_datagram_endpoint(
                    lambda: StunProtocol(self), local_addr=(address, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                log.info("video cannot listen on %s: %s", address, exc)
                return None
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            return protocol
        log.warning("every UDP port of the video's range is in use on %s", address)
        return None


def _search(span: tuple[int, int]) -> list[int]:
    first, last = span
    size = last - first + 1
    start = _Cursor.next % size
    _Cursor.next = start + 1
    return [first + (start + i) % size for i in range(size)]


def bind(pc: RTCPeerConnection, network: RtcNetwork) -> None:
    """Make ``pc``'s ICE connections gather as ``network`` says; call it before the peer
    gathers (before ``setLocalDescription``).

    aiortc keeps each gatherer's aioice connection in ``RTCIceGatherer._connection``
    (aiortc 1.16, rtcicetransport.py); without it the address and ports cannot be honoured,
    and the peer is refused rather than listening where the firewall is closed.
    """
    if not network.limited:
        return
    for transceiver in pc.getTransceivers():
        gatherer = transceiver.sender.transport.transport.iceGatherer
        connection = getattr(gatherer, "_connection", None)
        if not isinstance(connection, Connection):
            raise MediaError(ErrorCode.CLOSED, "this aiortc cannot limit the video's ports")
        if not isinstance(connection, _BoundConnection):
            connection.__class__ = _BoundConnection
        assert isinstance(connection, _BoundConnection)
        connection.network = network
