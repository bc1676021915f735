"""The lean seat sender puts on the wire what aiortc's own loop would, byte for byte.

The headers and extension blocks are compared with aiortc's ``RtpPacket.serialize``
over generated packets; a packet sent again is the same as aiortc's retransmission,
RTX-wrapped when negotiated; and the senders of real aiortc seats run the lean loop
(the seats' pictures are checked by tests/server/test_video_relay.py).
"""

from __future__ import annotations

from aiortc import RTCRtpSender
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import RTP_HISTORY_SIZE, HeaderExtensionsMap, RtpPacket, wrap_rtx
from hypothesis import given, strategies as st

from server.video.sender import _LeanLoop, extension_block, rtp_header

from .test_video_relay import advancing, hub_and_peers, run
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
        loop = _LeanLoop(sender, None)  # type: ignore[arg-type]
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


def test_real_seats_send_through_the_lean_loop() -> None:
    async def scenario() -> None:
        async with hub_and_peers() as (hub, peers):
            peers.append(await HostPeer.publish(hub))
            seat = await SeatPeer.watch(hub, "ani")
            peers.append(seat)
            await seat.until(advancing(5))
            senders: list[RTCRtpSender] = [
                t.sender for peer in hub._peers.values() if peer.feed is not None
                for t in peer.pc.getTransceivers()]
            assert len(senders) == 2  # the seat's video and voice
            for sender in senders:
                loop = vars(sender)["_run_rtp"].__self__
                assert isinstance(loop, _LeanLoop)
                assert vars(sender)["_retransmit"] == loop.retransmit
                assert len(loop.history) > 0
                # The RTCP sender reports count what the lean loop sent.
                assert vars(sender)["_RTCRtpSender__packet_count"] >= len(loop.history)
    run(scenario())
