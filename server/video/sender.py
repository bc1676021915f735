"""A seat's RTP sending loop, lean: the relay's payloads out with little work per packet.

Each seat gets every packet of the host's stream, so what the server spends per
packet is paid fifty times over with fifty seats. aiortc's sender loop
(``RTCRtpSender._run_rtp`` in aiortc/rtcrtpsender.py, aiortc 1.16) builds an
``RtpPacket`` object for each packet, reads the NTP clock twice through
``datetime``, and lays out the header extensions again; profiled with fifty
seats (py-spy, GIL samples), that loop was half of the server's Python time.

:func:`lean_sender` replaces that loop on one seat's sender with one that does
the same on the wire:

* the header extensions (the transceiver's ``mid`` and the ``abs-send-time``)
  are laid out once per seat (:func:`extension_writer`), not once per RTP
  packet: only the abs-send-time's three bytes are written for each picture;
* each RTP header is one ``struct.pack`` (:func:`rtp_header`, tested against
  aiortc's ``RtpPacket.serialize`` byte for byte);
* the NTP clock is read once per picture, from ``time.time`` (:func:`ntp_time`),
  not through ``datetime``;
* no task wakes for a picture: the seat's queue hands each packet to the loop
  as the relay puts it (:meth:`server.video.fanout.PacketQueue.attach`), where
  aiortc's loop is a task that wakes for every packet its track gives;
* a picture's packets are protected (SRTP) and handed to the seat's datagram
  socket at once (:class:`_Wire`, looked up once), where aiortc awaits four
  coroutines a packet (``RTCDtlsTransport._send_rtp``, then aioice's
  ``Connection.send``, ``Connection.sendto`` and ``StunProtocol.send_data``),
  none of which ever waits.

The RTCP sender reports keep aiortc's content (fed the same counters) but take
libwebrtc's intervals (:meth:`_LeanLoop.reports`): a video report about every
second and a voice report about every five, where aiortc sends both about every
second (0.5–1.5 s). Everything else is aiortc's: the SRTP session, the ICE pair,
the reading of the seat's reports and the keyframe requests. Lost packets that a
seat asks for again (RTCP NACK) are sent again from this loop's history
(:meth:`_LeanLoop.again`), wrapped for RTX as aiortc does.

The loop reaches into the sender's private fields (``_RTCRtpSender__track`` and
others; aiortc is pinned in pyproject.toml). If one is missing, :func:`lean_sender`
leaves aiortc's own loop in place, which is correct but costs more per seat, and
logs a warning. The same goes for the fields of the DTLS transport and of aioice's
connection that :class:`_Wire` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import struct
import time
import traceback
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpSender
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpsender import random_sequence_number
from aiortc.rtp import (
    RTP_HISTORY_SIZE,
    AnyRtcpPacket,
    HeaderExtensions,
    HeaderExtensionsMap,
    RtcpByePacket,
    RtcpSdesPacket,
    RtcpSenderInfo,
    RtcpSourceInfo,
    RtcpSrPacket,
    RtpPacket,
    wrap_rtx,
)
from aiortc.utils import random32, uint16_add

from .encode import SharedPacker
from .fanout import EncodedPacket, PacketQueue

__all__ = ["extension_block", "extension_writer", "lean_sender", "ntp_time", "rtp_header"]

log = logging.getLogger("gladi.server.video")

_PRIVATE = "_RTCRtpSender__"
#: The sender's private fields the loop reads or keeps up to date.
_FIELDS = ("track", "rtp_started", "rtp_exited", "rtp_header_extensions_map", "mid",
           "ntp_timestamp", "rtp_timestamp", "octet_count", "packet_count",
           "rtx_payload_type", "rtx_sequence_number", "encoder",
           "rtcp_started", "rtcp_exited", "cname", "lsr", "lsr_time")
#: Seconds between a sender's RTCP reports, each varied over 0.5–1.5 times this, as
#: libwebrtc's ``kDefaultVideoReportInterval`` and ``kDefaultAudioReportInterval``
#: (modules/rtp_rtcp/source/rtcp_sender.cc, https://webrtc.googlesource.com/src).
REPORT_INTERVAL_S = {"video": 1.0, "audio": 5.0}
#: The DTLS transport's fields that :class:`_Wire` reads (and aioice's ``_nominated``).
_DTLS_FIELDS = ("_state", "_RTCDtlsTransport__tx_bytes", "_RTCDtlsTransport__tx_packets")
_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")
#: Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01), RFC 5905 §6.
NTP_UNIX_OFFSET = 2_208_988_800


def rtp_header(payload_type: int, sequence_number: int, timestamp: int, ssrc: int,
               marker: bool, extensions: bytes) -> bytes:
    """An RTP header (RFC 3550 §5.1, version 2, no CSRC, no padding) followed by
    ``extensions``, the header extension block (:func:`extension_block`) or nothing."""
    return _HEADER.pack(0x90 if extensions else 0x80, marker << 7 | payload_type,
                        sequence_number, timestamp, ssrc) + extensions


def extension_block(extensions_map: HeaderExtensionsMap, mid: str | None,
                    abs_send_time: int) -> bytes:
    """The header extension block of a packet: its profile, length and the values the
    transceiver negotiated (RFC 8285), as aiortc's ``RtpPacket.serialize`` lays it out."""
    values = HeaderExtensions()
    values.mid = mid
    values.abs_send_time = abs_send_time
    profile, value = extensions_map.set(values)
    if not value:
        return b""
    return _EXTENSION_HEADER.pack(profile, len(value) >> 2) + value


def extension_writer(extensions_map: HeaderExtensionsMap, mid: str | None
                     ) -> Callable[[int], bytes]:
    """``extension_block`` for one seat's ``extensions_map`` and ``mid``, as a function of
    the abs-send-time alone: the block is laid out once, and only the abs-send-time's
    three bytes (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time, in either
    of RFC 8285's element forms) are written for each picture."""
    low = extension_block(extensions_map, mid, 0)
    high = extension_block(extensions_map, mid, 0xFFFFFF)
    changed = [i for i, (a, b) in enumerate(zip(low, high, strict=True)) if a != b]
    if not changed:  # abs-send-time not negotiated: the same block for every picture
        return lambda abs_send_time: low
    start = changed[0]
    if changed != [start, start + 1, start + 2]:  # not the layout RFC 8285 gives: lay it out
        return lambda abs_send_time: extension_block(extensions_map, mid, abs_send_time)
    head, tail = low[:start], low[start + 3:]
    return lambda abs_send_time: head + abs_send_time.to_bytes(3, "big") + tail


def ntp_time(unix_time: float) -> int:
    """The 64-bit NTP timestamp (RFC 3550 §4) of ``unix_time`` (seconds, as ``time.time``):
    aiortc's ``current_ntp_time`` without going through ``datetime``."""
    seconds = math.floor(unix_time)
    return (seconds + NTP_UNIX_OFFSET) << 32 | int((unix_time - seconds) * 4294967296.0)


class _Wire:
    """A seat's SRTP protection and ICE socket, to send packets without waiting.

    What ``RTCDtlsTransport._send_rtp`` and aioice's ``Connection.sendto`` look up for
    every packet, looked up once the DTLS transport is connected (:meth:`of`): the
    nominated candidate pair does not change afterwards (aiortc has no ICE restart).
    The DTLS transport's counters (its ``getStats``) are kept as aiortc keeps them.
    """

    __slots__ = ("dtls", "protect", "sendto", "address")

    def __init__(self, dtls: RTCDtlsTransport, protect: Callable[[bytes], bytes],
                 sendto: Callable[[bytes, Any], None], address: Any) -> None:
        self.dtls = dtls
        self.protect = protect
        self.sendto = sendto
        self.address = address

    @classmethod
    def of(cls, dtls: RTCDtlsTransport) -> _Wire:
        """The wire of ``dtls``, connected; ``ConnectionError`` if it is not."""
        if dtls._state is not State.CONNECTED:
            raise ConnectionError("Cannot send encrypted RTP, not connected")
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None or pair.protocol.transport is None:
            raise ConnectionError("Cannot send data, not connected")
        return cls(dtls, dtls._tx_srtp.protect, pair.protocol.transport.sendto,
                   pair.remote_addr)

    def send(self, packets: list[bytes]) -> None:
        """Protect and send ``packets``; ``ConnectionError`` once the transport is not
        connected any more (as ``_send_rtp``)."""
        dtls = self.dtls
        if dtls._state is not State.CONNECTED:
            raise ConnectionError("Cannot send encrypted RTP, not connected")
        protect, sendto, address = self.protect, self.sendto, self.address
        octets = 0
        for packet in packets:
            data = protect(packet)
            sendto(data, address)
            octets += len(data)
        fields = vars(dtls)
        fields["_RTCDtlsTransport__tx_bytes"] += octets
        fields["_RTCDtlsTransport__tx_packets"] += len(packets)


class _LeanLoop:
    """One seat sender's loop and its history of sent packets."""

    def __init__(self, sender: RTCRtpSender, packer: SharedPacker, queue: PacketQueue) -> None:
        self.sender = sender
        self.packer = packer
        self.queue = queue
        self.fields: dict[str, Any] = vars(sender)
        #: The last packets sent, by sequence number modulo the history's size.
        self.history: dict[int, bytes] = {}
        self._wire: _Wire | None = None
        self._payload_type = 0
        self._sequence_number = random_sequence_number()
        self._origin = random32()
        self._stamp: Callable[[int], bytes] = lambda abs_send_time: b""
        self._ended = asyncio.Event()

    def _get(self, name: str) -> Any:
        return self.fields[_PRIVATE + name]

    def _set(self, name: str, value: Any) -> None:
        self.fields[_PRIVATE + name] = value

    async def run(self, codec: RTCRtpCodecParameters) -> None:
        """aiortc's ``_run_rtp``, the same packets on the wire with less work per packet:
        started once the seat is connected, it sends each packet as the relay puts it
        into the seat's queue (:meth:`send`), until the queue closes, sending fails or
        the sender stops (cancelling this task)."""
        self._get("rtp_started").set()
        assert codec.payloadType is not None  # the negotiated codec has one (aiortc says so)
        self._payload_type = codec.payloadType
        self._stamp = extension_writer(self._get("rtp_header_extensions_map"), self._get("mid"))
        self.queue.attach(self.send, self._ended.set)
        with contextlib.suppress(asyncio.CancelledError):
            await self._ended.wait()
        self._end()
        track = self._get("track")
        if track is not None:
            track.stop()
            self._set("track", None)
        self._set("encoder", None)
        self._get("rtp_exited").set()

    def send(self, data: EncodedPacket) -> None:
        """Send one encoded packet's RTP packets now; a failure ends the loop (as it ends
        aiortc's), and never reaches the relay that put the packet. Once the loop has
        ended the queue no longer calls it (:meth:`_end` detaches it)."""
        sender = self.sender
        if self._get("track") is None or not sender._enabled:
            return  # as aiortc's loop: no track, or not sending
        try:
            payloads, timestamp = self.packer.pack(data)
            if not payloads:
                return
            if self._wire is None:
                self._wire = _Wire.of(sender.transport)
            timestamp = (self._origin + timestamp) & 0xFFFFFFFF
            ntp = ntp_time(time.time())
            extensions = self._stamp((ntp >> 14) & 0x00FFFFFF)
            payload_type, ssrc = self._payload_type, sender._ssrc
            sequence_number = self._sequence_number
            last = len(payloads) - 1
            picture: list[bytes] = []
            for i, payload in enumerate(payloads):
                packet = rtp_header(payload_type, sequence_number, timestamp, ssrc, i == last,
                                    extensions) + payload
                self.history[sequence_number % RTP_HISTORY_SIZE] = packet
                picture.append(packet)
                sequence_number = (sequence_number + 1) & 0xFFFF
            self._sequence_number = sequence_number
            self._wire.send(picture)
        except ConnectionError:
            self._end()
            return
        except Exception:  # noqa: BLE001 - as aiortc's loop: it must end, and say why
            log.warning("a seat's RTP loop failed:\n%s", traceback.format_exc())
            self._end()
            return
        # What the RTCP sender reports say: the last packet's times, and the counts.
        fields = self.fields
        fields[_PRIVATE + "ntp_timestamp"] = ntp
        fields[_PRIVATE + "rtp_timestamp"] = timestamp
        fields[_PRIVATE + "octet_count"] += sum(map(len, payloads))
        fields[_PRIVATE + "packet_count"] += len(picture)

    def _end(self) -> None:
        self.queue.detach()
        self._ended.set()

    def again(self, sequence_number: int) -> bytes | None:
        """The packet ``sequence_number`` to send again, as RTX when negotiated (aiortc's
        ``RTCRtpSender._retransmit``), or None when it is no longer kept."""
        data = self.history.get(sequence_number % RTP_HISTORY_SIZE)
        if data is None:
            return None
        extensions_map: HeaderExtensionsMap = self._get("rtp_header_extensions_map")
        packet = RtpPacket.parse(data, extensions_map)
        if packet.sequence_number != sequence_number:
            return None
        rtx_payload_type = self._get("rtx_payload_type")
        if rtx_payload_type is not None:
            rtx_sequence_number = self._get("rtx_sequence_number")
            packet = wrap_rtx(packet, payload_type=rtx_payload_type,
                              sequence_number=rtx_sequence_number,
                              ssrc=self.sender._rtx_ssrc)
            self._set("rtx_sequence_number", uint16_add(rtx_sequence_number, 1))
        return packet.serialize(extensions_map)

    async def reports(self) -> None:
        """aiortc's ``_run_rtcp``, the same sender report and source description, at
        libwebrtc's interval for the sender's kind (:data:`REPORT_INTERVAL_S`)."""
        sender = self.sender
        self._get("rtcp_started").set()
        interval = REPORT_INTERVAL_S.get(sender.kind, 1.0)
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(interval * (0.5 + random.random()))
                ntp_timestamp = self._get("ntp_timestamp")
                packets: list[AnyRtcpPacket] = [RtcpSrPacket(
                    ssrc=sender._ssrc,
                    sender_info=RtcpSenderInfo(
                        ntp_timestamp=ntp_timestamp,
                        rtp_timestamp=self._get("rtp_timestamp"),
                        packet_count=self._get("packet_count") & 0xFFFFFFFF,
                        octet_count=self._get("octet_count") & 0xFFFFFFFF))]
                # What a seat's receiver report refers back to, for the round-trip time.
                self._set("lsr", (ntp_timestamp >> 16) & 0xFFFFFFFF)
                self._set("lsr_time", time.time())
                cname = self._get("cname")
                if cname is not None:
                    packets.append(RtcpSdesPacket(chunks=[RtcpSourceInfo(
                        ssrc=sender._ssrc, items=[(1, cname.encode("utf8"))])]))
                await sender._send_rtcp(packets)
        await sender._send_rtcp([RtcpByePacket(sources=[sender._ssrc])])
        self._get("rtcp_exited").set()

    async def retransmit(self, sequence_number: int) -> None:
        """Send again a packet a seat reported lost (RTCP NACK)."""
        data = self.again(sequence_number)
        if data is not None:
            await self.sender.transport._send_rtp(data)


def _missing(sender: RTCRtpSender) -> list[str]:
    """The private fields of aiortc and aioice the lean loop needs that ``sender`` lacks."""
    fields = vars(sender)
    missing = [name for name in _FIELDS if _PRIVATE + name not in fields]
    missing += [name for name in ("_run_rtp", "_run_rtcp", "_retransmit", "_send_rtcp")
                if not hasattr(sender, name)]
    dtls = sender.transport
    missing += [name for name in _DTLS_FIELDS if name not in vars(dtls)]
    connection = getattr(dtls.transport, "_connection", None)
    if not isinstance(getattr(connection, "_nominated", None), dict):
        missing.append("_connection._nominated")
    return missing


def lean_sender(sender: RTCRtpSender, packer: SharedPacker, queue: PacketQueue) -> bool:
    """Give ``sender`` (not started yet) the lean loop, taking its payloads from
    ``packer`` and its packets from ``queue``, the queue its track reads; False (and
    aiortc's own loop kept) when aiortc's or aioice's fields are not there."""
    missing = _missing(sender)
    if missing:
        log.warning("aiortc's RTCRtpSender lacks %s: each seat keeps aiortc's own RTP loop",
                    ", ".join(missing))
        return False
    loop = _LeanLoop(sender, packer, queue)
    # Looked up on the instance first: RTCRtpSender.send starts self._run_rtp(codec) and
    # self._run_rtcp(), and its RTCP handling calls self._retransmit(sequence_number).
    fields = vars(sender)
    fields["_run_rtp"] = loop.run
    fields["_run_rtcp"] = loop.reports
    fields["_retransmit"] = loop.retransmit
    return True
