"""Where the video listens (server/video/network.py) and what it does with a phone's hidden
addresses (server/video/peer.py): real aiortc peers on loopback."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from typing import Any

import pytest
from hypothesis import given, strategies as st

from protocol.inbound import ErrorCode, Purpose
from server.video.errors import MediaError
from server.video.network import RtcNetwork, listen_address, parse_ports
from server.video.peer import MediaHub, hides_address, without_hidden_candidates

from .video_peers import HostPeer, SeatPeer, leftover_tasks

CANDIDATE = re.compile(r"^a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ host", re.M)


def run(coro: Coroutine[Any, Any, None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(60):
            await coro
    asyncio.run(bounded())


def test_a_port_range_is_two_numbers_in_order_above_the_system_ports() -> None:
    assert parse_ports("50000-50100") == (50000, 50100)
    assert parse_ports("50000-50000") == (50000, 50000)
    for bad in ("50100-50000", "80-90", "50000", "5e4-6e4", "-1-5", "50000-70000", ""):
        with pytest.raises(ValueError):
            parse_ports(bad)


@given(st.text(max_size=30))
def test_any_text_is_a_range_or_a_value_error(text: str) -> None:
    try:
        low, high = parse_ports(text)
    except ValueError:
        return
    assert 1024 <= low <= high <= 65535


def test_the_video_listens_where_the_server_does() -> None:
    assert listen_address("0.0.0.0") is None
    assert listen_address("::") is None
    assert listen_address("gladi.local") is None
    assert listen_address("192.168.43.1") == "192.168.43.1"


def test_mdns_candidates_and_end_of_candidates_are_left_out_of_an_offer() -> None:
    offer = ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
             "a=candidate:1 1 udp 2113937151 2a7c9f1e-0f7e-4b8e-9c1a-1f2e3d4c5b6a.local 5000 "
             "typ host generation 0\r\n"
             "a=candidate:2 1 udp 2113937151 192.168.43.20 5001 typ host\r\n"
             "a=end-of-candidates\r\n")
    kept = without_hidden_candidates(offer)
    assert ".local" not in kept and "end-of-candidates" not in kept
    assert "192.168.43.20 5001" in kept and kept.endswith("\r\n")
    assert hides_address("ABC.LOCAL.") and not hides_address("10.0.0.1")


def test_a_seat_whose_only_candidate_is_hidden_still_gets_the_video() -> None:
    """As a phone without camera permission: its one host candidate is an mDNS name and it
    says end-of-candidates; the server connects through the address its checks come from."""
    async def scenario() -> None:
        hub = MediaHub()
        host = await HostPeer.publish(hub)

        async def hidden(purpose: Purpose, sdp: str) -> str:
            name = "5f3c9a1e-1d2b-4c3a-9e8f-7a6b5c4d3e2f.local"
            masked = CANDIDATE.sub(lambda m: m.group(0).replace(m.group(1), name), sdp)
            assert name in masked
            answer = await hub.offer("ani", purpose, masked + "a=end-of-candidates\r\n")
            await hub.candidate("ani", purpose, None)
            return answer

        seat = await SeatPeer.watch_with(hidden)
        await seat.until(lambda s: len(s.pictures) >= 5, timeout=20)
        await seat.close()
        await host.close()
        await hub.close()
        assert hub.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())


def test_peers_listen_on_the_chosen_address_within_the_chosen_ports() -> None:
    async def scenario() -> None:
        hub = MediaHub(network=RtcNetwork("127.0.0.1", (41000, 41002)))
        answers: list[str] = []

        async def signal_as(owner: str) -> Any:
            async def signal(purpose: Purpose, sdp: str) -> str:
                answer = await hub.offer(owner, purpose, sdp)
                answers.append(answer)
                return answer
            return signal

        host = await HostPeer.publish_with(await signal_as("host"))
        seats = [await SeatPeer.watch_with(await signal_as(f"s{i}")) for i in range(2)]
        for seat in seats:
            await seat.until(lambda s: len(s.pictures) >= 3, timeout=20)
        found = [(h, int(p)) for answer in answers for h, p in CANDIDATE.findall(answer)]
        assert {h for h, _ in found} == {"127.0.0.1"}
        assert {p for _, p in found} == {41000, 41001, 41002}
        # The range is full: a fourth peer is refused with a reason, not left listening.
        with pytest.raises(MediaError) as refused:
            await SeatPeer.watch_with(await signal_as("s3"), timeout=5)
        assert refused.value.code is ErrorCode.TOO_MANY_PEERS
        for seat in seats:
            await seat.close()
        await host.close()
        await hub.close()
        assert hub.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())
