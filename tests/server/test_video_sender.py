"""The lean seat sender puts on the wire what aiortc's own loop would, byte for byte.

The headers and extension blocks are compared with aiortc's ``RtpPacket.serialize``
over generated packets, and the NTP clock with aiortc's; a packet sent again is the
same as aiortc's retransmission, RTX-wrapped when negotiated; the senders of real
aiortc seats run the lean loop, fed by their queues, send sender reports the seats
answer (the round trip is known), and stop when their connection ends while the
other seats go on; and without aiortc's private fields a seat keeps
aiortc's own loop (the seats' pictures are checked by tests/server/test_video_relay.py).
"""

from __future__ import annotations

import datetime
import logging

import pytest
from aiortc import RTCRtpSender
from aiortc.clock import datetime_to_ntp
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import RTP_HISTORY_SIZE, HeaderExtensionsMap, RtpPacket, wrap_rtx
from hypothesis import given, strategies as st

from server.video import sender as sender_module
from server.video.fanout import PacketQueue
from server.video.peer import MediaHub, _Peer
from server.video.sender import (
    _LeanLoop,
    extension_block,
    extension_writer,
    ntp_time,
    rtp_header,
)

from .test_video_relay import advancing, hub_and_peers, run, watching
from .video_peers import HostPeer, SeatPeer

MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"


def _map(ids: dict[str, int]) -> HeaderExtensionsMap:
    extensions_map = HeaderExtensionsMap()
    extensions_map.configure(RTCRtpParameters(headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=i, uri=uri) for uri, i in ids.items()]))
    return extensions_map


NEGOTIATED = st.sampled_from([{}, {MID: 1}, {ABS_SEND_TIME: 2}, {MID: 4, ABS_SEND_TIME: 3}])


@given(ids=NEGOTIATED, payload_type=st.integers(0, 127), sequence_number=st.integers(0, 65535),
       timestamp=st.integers(0, 2**32 - 1), ssrc=st.integers(0, 2**32 - 1),
       marker=st.booleans(), mid=st.sampled_from([None, "0", "1", "video"]),
       abs_send_time=st.integers(0, 2**24 - 1), payload=st.binary(max_size=64))
def test_a_packet_is_what_aiortc_would_send(ids: dict[str, int], payload_type: int,
                                           sequence_number: int, timestamp: int, ssrc: int,
                                           marker: bool, mid: str | None, abs_send_time: int,
                                           payload: bytes) -> None:
    extensions_map = _map(ids)
    packet = RtpPacket(payload_type=payload_type, sequence_number=sequence_number,
                       timestamp=timestamp, marker=int(marker))
    packet.ssrc = ssrc
    packet.payload = payload
    packet.extensions.abs_send_time = abs_send_time
    packet.extensions.mid = mid
    ours = rtp_header(payload_type, sequence_number, timestamp, ssrc, marker,
                      extension_block(extensions_map, mid, abs_send_time)) + payload
    assert ours == packet.serialize(extensions_map)


@given(ids=NEGOTIATED, mid=st.sampled_from([None, "0", "video", "m" * 20]),
       abs_send_time=st.integers(0, 2**24 - 1))
def test_the_extension_block_laid_out_once_is_the_one_laid_out_each_time(
        ids: dict[str, int], mid: str | None, abs_send_time: int) -> None:
    extensions_map = _map(ids)  # a mid of 20 bytes takes RFC 8285's two-byte form
    assert (extension_writer(extensions_map, mid)(abs_send_time)
            == extension_block(extensions_map, mid, abs_send_time))


#: The last Unix time of NTP's era 0 (2036-02-07): aiortc's 64-bit timestamps end there.
ERA_0_END = 2_085_978_495


@given(unix_time=st.floats(0, ERA_0_END, allow_nan=False))
def test_the_ntp_clock_is_aiortcs_without_datetime(unix_time: float) -> None:
    expected = datetime_to_ntp(datetime.datetime.fromtimestamp(unix_time, datetime.UTC))
    # aiortc goes through whole microseconds: the two agree within two of them.
    assert abs(ntp_time(unix_time) - expected) <= 2 * 2**32 // 1_000_000


class _Sender:
    """The fields of an aiortc sender that sending again reads (no transport needed)."""

    def __init__(self, rtx_payload_type: int | None) -> None:
        self._rtx_ssrc = 0x5EED
        self._RTCRtpSender__rtp_header_extensions_map = _map({MID: 1, ABS_SEND_TIME: 2})
        self._RTCRtpSender__rtx_payload_type = rtx_payload_type
        self._RTCRtpSender__rtx_sequence_number = 65535


def test_a_lost_packet_is_sent_again_as_aiortc_would_and_only_while_kept() -> None:
    for rtx in (None, 97):
        sender = _Sender(rtx)
        loop = _LeanLoop(sender, None, PacketQueue(1))  # type: ignore[arg-type]
        extensions_map = sender._RTCRtpSender__rtp_header_extensions_map
        sent = rtp_header(96, 1000, 123456, 42, True,
                          extension_block(extensions_map, "0", 777)) + b"picture"
        loop.history[1000 % RTP_HISTORY_SIZE] = sent
        expected = RtpPacket.parse(sent, extensions_map)
        if rtx is not None:
            expected = wrap_rtx(expected, payload_type=rtx, sequence_number=65535, ssrc=0x5EED)
        assert loop.again(1000) == expected.serialize(extensions_map)
        assert loop.again(1000 + RTP_HISTORY_SIZE) is None  # overwritten since: gone
        assert loop.again(1001) is None
        if rtx is not None:  # each RTX packet has its own sequence number, wrapping
            assert sender._RTCRtpSender__rtx_sequence_number == 0


def _hub_peer(hub: MediaHub, owner: str) -> _Peer:
    """The server's end of ``owner``'s one peer connection."""
    [peer] = [p for (who, _), p in hub._peers.items() if who == owner]
    return peer


def test_real_seats_send_through_the_lean_loop() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            seat = await watching(hub, peers, "ani")
            senders: list[RTCRtpSender] = [
                t.sender for peer in hub._peers.values() if peer.feed is not None
                for t in peer.pc.getTransceivers()]
            assert len(senders) == 2  # the seat's video and voice
            loops: list[_LeanLoop] = []
            for sender in senders:
                loop = vars(sender)["_run_rtp"].__self__
                assert isinstance(loop, _LeanLoop)
                assert vars(sender)["_retransmit"] == loop.retransmit
                assert len(loop.history) > 0
                # The RTCP sender reports count what the lean loop sent.
                assert vars(sender)["_RTCRtpSender__packet_count"] >= len(loop.history)
                # The seat's queue hands the loop each packet: nothing waits in it.
                assert loop.queue._sink == loop.send and len(loop.queue) == 0
                loops.append(loop)
            # The DTLS transport (shared by both) counts the packets as aiortc's does.
            [dtls] = {sender.transport for sender in senders}
            assert vars(dtls)["_RTCDtlsTransport__tx_packets"] >= sum(
                vars(sender)["_RTCRtpSender__packet_count"] for sender in senders)
            # The sender reports go out at libwebrtc's intervals, and the seat's receiver
            # reports answer them: the server knows the round trip to the seat.
            for sender in senders:
                assert vars(sender)["_run_rtcp"] == vars(sender)["_run_rtp"].__self__.reports
            video = next(sender for sender in senders if sender.kind == "video")
            await seat.until(lambda _: vars(video)["_RTCRtpSender__rtt"] is not None,
                             timeout=10)
            stats = await next(t.receiver for t in seat.pc.getTransceivers()
                               if t.kind == "video").getStats()
            assert any(s.type == "remote-outbound-rtp" and s.packetsSent > 0
                       for s in stats.values())
            assert await hub.hang_up("ani") == 1
            for loop in loops:  # the loop ended, and the queue no longer feeds it
                assert loop._ended.is_set() and loop.queue._sink is None
                assert vars(loop.sender)["_RTCRtpSender__rtp_exited"].is_set()
    run(scenario())


def test_a_seat_whose_connection_ends_stops_sending_and_the_others_go_on() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            ani = await SeatPeer.watch(hub, "ani")
            budi = await SeatPeer.watch(hub, "budi")
            peers += [ani, budi]
            await ani.until(advancing(5))
            await budi.until(advancing(5))
            peer = _hub_peer(hub, "ani")
            loops = [vars(t.sender)["_run_rtp"].__self__ for t in peer.pc.getTransceivers()]
            # The DTLS session ends under the seat's senders (as on a close_notify).
            await peer.pc.getTransceivers()[0].sender.transport.stop()
            seen = len(budi.counters())
            await budi.until(advancing(15, after=seen))
            for loop in loops:
                assert loop._ended.is_set() and loop.queue._sink is None
            assert all(feed.overflows == 0 for feed in hub.relay.fanout.seats
                       if feed is not peer.feed)
    run(scenario())


def test_without_aiortcs_private_fields_a_seat_keeps_aiortcs_own_loop(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # As if a newer aiortc had renamed a field the lean loop needs.
    monkeypatch.setattr(sender_module, "_FIELDS", (*sender_module._FIELDS, "renamed"))

    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            await watching(hub, peers, "ani")  # aiortc's loop reads the seat's track instead
            peer = _hub_peer(hub, "ani")
            for transceiver in peer.pc.getTransceivers():
                assert "_run_rtp" not in vars(transceiver.sender)
    with caplog.at_level(logging.WARNING, logger="gladi.server.video"):
        run(scenario())
    assert "lacks renamed" in caplog.text
