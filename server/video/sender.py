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
  are laid out once per picture or voice packet, not once per RTP packet;
* each RTP header is one ``struct.pack`` (:func:`rtp_header`, tested against
  aiortc's ``RtpPacket.serialize`` byte for byte);
* the NTP clock is read once per picture.

Everything else is aiortc's: the SRTP protection and the datagram send
(``RTCDtlsTransport._send_rtp``), the RTCP sender reports (fed the same counters),
and the keyframe requests. Lost packets that a seat asks for again (RTCP NACK) are
sent again from this loop's history (:meth:`_LeanLoop.again`), wrapped for RTX as
aiortc does.

The loop reaches into the sender's private fields (``_RTCRtpSender__track`` and
others; aiortc is pinned in pyproject.toml). If one is missing, :func:`lean_sender`
leaves aiortc's own loop in place, which is correct but costs more per seat, and
logs a warning.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import traceback
from typing import Any

from aiortc import RTCRtpSender
from aiortc.clock import current_ntp_time
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpsender import random_sequence_number
from aiortc.rtp import RTP_HISTORY_SIZE, HeaderExtensions, HeaderExtensionsMap, RtpPacket, wrap_rtx
from aiortc.utils import random32, uint16_add

from .encode import SharedPacker

__all__ = ["extension_block", "lean_sender", "rtp_header"]

log = logging.getLogger("gladi.server.video")

_PRIVATE = "_RTCRtpSender__"
#: The sender's private fields the loop reads or keeps up to date.
_FIELDS = ("track", "rtp_started", "rtp_exited", "rtp_header_extensions_map", "mid",
           "ntp_timestamp", "rtp_timestamp", "octet_count", "packet_count",
           "rtx_payload_type", "rtx_sequence_number", "encoder")
_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")


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


class _LeanLoop:
    """One seat sender's loop and its history of sent packets."""

    def __init__(self, sender: RTCRtpSender, packer: SharedPacker) -> None:
        self.sender = sender
        self.packer = packer
        self.fields: dict[str, Any] = vars(sender)
        #: The last packets sent, by sequence number modulo the history's size.
        self.history: dict[int, bytes] = {}

    def _get(self, name: str) -> Any:
        return self.fields[_PRIVATE + name]

    def _set(self, name: str, value: Any) -> None:
        self.fields[_PRIVATE + name] = value

    async def run(self, codec: RTCRtpCodecParameters) -> None:
        """aiortc's ``_run_rtp``, the same packets on the wire with less work per packet."""
        sender = self.sender
        self._get("rtp_started").set()
        extensions_map: HeaderExtensionsMap = self._get("rtp_header_extensions_map")
        mid = self._get("mid")
        send = sender.transport._send_rtp
        payload_type = codec.payloadType
        assert payload_type is not None  # the negotiated codec has one (aiortc's loop says so)
        sequence_number = random_sequence_number()
        origin = random32()
        octets = packets = 0
        try:
            while True:
                track = self._get("track")
                if track is None:
                    await asyncio.sleep(0.02)  # as aiortc's loop: no track, nothing to send
                    continue
                data = await track.recv()
                if not sender._enabled:
                    continue
                payloads, timestamp = self.packer.pack(data)
                if not payloads:
                    continue
                timestamp = (origin + timestamp) & 0xFFFFFFFF
                ntp = current_ntp_time()
                extensions = extension_block(extensions_map, mid, (ntp >> 14) & 0x00FFFFFF)
                last = len(payloads) - 1
                for i, payload in enumerate(payloads):
                    packet = rtp_header(payload_type, sequence_number, timestamp,
                                        sender._ssrc, i == last, extensions) + payload
                    self.history[sequence_number % RTP_HISTORY_SIZE] = packet
                    await send(packet)
                    octets += len(payload)
                    packets += 1
                    sequence_number = uint16_add(sequence_number, 1)
                # What the RTCP sender reports say: the last packet's times, and the counts.
                self._set("ntp_timestamp", ntp)
                self._set("rtp_timestamp", timestamp)
                self._set("octet_count", octets)
                self._set("packet_count", packets)
        except (asyncio.CancelledError, ConnectionError, MediaStreamError):
            pass
        except Exception:  # noqa: BLE001 - as aiortc's loop: it must end, and say why
            log.warning("a seat's RTP loop failed:\n%s", traceback.format_exc())
        track = self._get("track")
        if track is not None:
            track.stop()
            self._set("track", None)
        self._set("encoder", None)
        self._get("rtp_exited").set()

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

    async def retransmit(self, sequence_number: int) -> None:
        """Send again a packet a seat reported lost (RTCP NACK)."""
        data = self.again(sequence_number)
        if data is not None:
            await self.sender.transport._send_rtp(data)


def lean_sender(sender: RTCRtpSender, packer: SharedPacker) -> bool:
    """Give ``sender`` (not started yet) the lean loop, taking its payloads from
    ``packer``; False (and aiortc's own loop kept) when aiortc's fields are not there."""
    fields = vars(sender)
    missing = [name for name in _FIELDS if _PRIVATE + name not in fields]
    if missing or not hasattr(sender, "_run_rtp") or not hasattr(sender, "_retransmit"):
        log.warning("aiortc's RTCRtpSender lacks %s: each seat keeps aiortc's own RTP loop",
                    ", ".join(missing) or "_run_rtp")
        return False
    loop = _LeanLoop(sender, packer)
    # Looked up on the instance first: RTCRtpSender.send starts self._run_rtp(codec), and
    # its RTCP handling calls self._retransmit(sequence_number).
    fields["_run_rtp"] = loop.run
    fields["_retransmit"] = loop.retransmit
    return True
