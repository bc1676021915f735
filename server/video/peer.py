"""The peer connections of one drill room: the host publishing, the seats watching.

Every client makes the offer and the server answers (``media.offer`` →
``media.answer``): aiortc gathers its candidates while it sets the local
description ("half-trickle"), so the answer already holds them all and the
server never trickles. A client's trickled candidates are added as they come.

* The **publisher** (the host seat) sends its camera and microphone. Its tracks
  are read by one task each and handed to the :class:`server.video.relay.Relay`
  (and, a few times a second, to the :class:`server.video.coaching.LiveCoach`).
* A **viewer** (any seat, the trainer too) receives: the server adds two
  send-only transceivers fed by the seat's :class:`server.video.fanout.SeatFeed`
  (the lean loop of :mod:`server.video.sender` takes its packets as they come;
  aiortc's own loop, the fallback, reads them through the tracks), restricted to
  VP8 and Opus because the packets are already encoded. The seat's picture-loss
  requests go to the relay.

LAN only: no STUN or TURN (``RTCConfiguration(iceServers=[])``), so a drill
works with no internet. A peer that has not connected within
``connect_timeout_s`` is closed, as is one that fails or closes; nothing of
it stays behind (:attr:`MediaHub.peer_count`, :attr:`MediaHub.task_count`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceCandidate,
    RTCPeerConnection,
    RTCRtpCodecCapability,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.exceptions import OperationError
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import SessionDescription, candidate_from_sdp
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from protocol.inbound import MAX_CANDIDATE_CHARS, MAX_SDP_CHARS, ErrorCode, Purpose
from protocol.outbound import HostState

from .coaching import CoachingChange, CoachingWarning, LiveCoach
from .encode import PHONES, OutputFormat, SharedPacker
from .errors import MediaError
from .fanout import EncodedPacket, PacketQueue, SeatFeed
from .network import ANYWHERE, RtcNetwork, bind
from .relay import Relay
from .sender import lean_sender

__all__ = [
    "MAX_CANDIDATE_CHARS",
    "MAX_SDP_CHARS",
    "HOST_AFTER",
    "HostEvent",
    "HostState",
    "MediaHub",
    "MediaStatus",
    "Purpose",
    "parse_candidate",
]

log = logging.getLogger("gladi.server.video")

#: Peers one room holds at most (every seat watching, the host, the trainer).
MAX_PEERS = 120
CONNECT_TIMEOUT_S = 15.0
#: Decoded host frames that may wait behind the one being read before it is skipped:
#: about 100 ms of video at 30 fps, 200 ms of audio in 20 ms frames.
VIDEO_BEHIND = 3
AUDIO_BEHIND = 10


class HostEvent(StrEnum):
    """What happens to the publisher's peer."""

    #: The host offered (first time, again after a drop, or replacing its peer).
    OFFERED = "offered"
    #: A picture arrived.
    PICTURE = "picture"
    #: The peer closed or failed without the host hanging up.
    DROPPED = "dropped"
    #: The host stopped publishing (``media.state`` stopped, or the drill ended).
    HUNG_UP = "hung_up"


#: The host's state after each event; a reconnecting host is one that was seen live.
HOST_AFTER: dict[tuple[HostState, HostEvent], HostState] = {
    (HostState.OFF, HostEvent.OFFERED): HostState.CONNECTING,
    (HostState.CONNECTING, HostEvent.OFFERED): HostState.CONNECTING,
    (HostState.LIVE, HostEvent.OFFERED): HostState.RECONNECTING,
    (HostState.RECONNECTING, HostEvent.OFFERED): HostState.RECONNECTING,
    **{(state, HostEvent.PICTURE): HostState.LIVE for state in HostState},
    (HostState.OFF, HostEvent.DROPPED): HostState.OFF,
    (HostState.CONNECTING, HostEvent.DROPPED): HostState.OFF,
    (HostState.LIVE, HostEvent.DROPPED): HostState.RECONNECTING,
    (HostState.RECONNECTING, HostEvent.DROPPED): HostState.RECONNECTING,
    **{(state, HostEvent.HUNG_UP): HostState.OFF for state in HostState},
}


@dataclass(frozen=True, slots=True)
class MediaStatus:
    """What the room shows about the video: sent as ``media.state``."""

    host: HostState
    viewers: int
    coaching: tuple[CoachingWarning, ...]


@dataclass(eq=False, slots=True)
class _Peer:
    owner: str
    purpose: Purpose
    pc: RTCPeerConnection
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    feed: SeatFeed | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    dropped: bool = False


class _FeedTrack(MediaStreamTrack):
    """A seat's outgoing track: the relay's packets as they are (aiortc packs, not encodes)."""

    def __init__(self, kind: str, queue: PacketQueue) -> None:
        super().__init__()
        self.kind = kind
        self._queue = queue

    async def recv(self) -> EncodedPacket:
        return await self._queue.get()


def _codecs(kind: str, names: frozenset[str]) -> list[RTCRtpCodecCapability]:
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs
            if c.mimeType.split("/")[1].lower() in names]


def _waiting(track: MediaStreamTrack) -> int:
    """Decoded frames queued behind the one just read from a remote track.

    aiortc queues a peer's decoded frames without a bound (``RemoteStreamTrack._queue``,
    an ``asyncio.Queue``, in aiortc 1.16); a relay that fell behind would otherwise show
    the seats an ever older picture (aiortc issue #1192). Another track type has none.
    """
    queue = getattr(track, "_queue", None)
    return queue.qsize() if isinstance(queue, asyncio.Queue) else 0


def _share_packer(sender: RTCRtpSender, packer: SharedPacker) -> None:
    """Make ``sender`` take the relay's payloads instead of packing every packet itself.

    aiortc 1.16 gives a sender its encoder on its first frame only if it has none yet, and
    calls the encoder's ``pack`` for each pre-encoded packet a track gives
    (``self.__encoder`` in ``RTCRtpSender._next_encoded_frame``, aiortc/rtcrtpsender.py).
    The attribute is private: if it is not there the sender keeps packing for itself,
    correct but once per seat (tests/server/test_video_relay.py notices).
    """
    fields = vars(sender)
    if "_RTCRtpSender__encoder" in fields and fields["_RTCRtpSender__encoder"] is None:
        fields["_RTCRtpSender__encoder"] = packer
    else:
        log.warning("aiortc's RTCRtpSender has no unset encoder: each seat packs for itself")


def check_sdp(sdp: str) -> SessionDescription:
    """Parse an offer's SDP, or raise a typed :class:`MediaError`."""
    if len(sdp) > MAX_SDP_CHARS:
        raise MediaError(ErrorCode.SDP_TOO_BIG, f"{len(sdp)} characters")
    if not sdp.startswith("v=0"):
        raise MediaError(ErrorCode.BAD_SDP, "an SDP starts with v=0")
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:  # aiortc's parser raises many kinds on hostile input
        raise MediaError(ErrorCode.BAD_SDP, f"{type(exc).__name__}: {exc}"[:200]) from None
    if not any(m.kind in ("audio", "video") for m in parsed.media):
        raise MediaError(ErrorCode.BAD_SDP, "no audio or video line")
    return parsed


def _usable_kinds(parsed: SessionDescription, purpose: Purpose) -> frozenset[str]:
    """The media kinds of an offer that go the way ``purpose`` needs, or a typed error."""
    wanted = ("sendonly", "sendrecv") if purpose is Purpose.PUBLISH else ("recvonly", "sendrecv")
    kinds = frozenset(m.kind for m in parsed.media
                      if m.kind in ("audio", "video") and m.direction in wanted)
    if not kinds:
        way = "sends" if purpose is Purpose.PUBLISH else "receives"
        raise MediaError(ErrorCode.BAD_SDP, f"the offer {way} no audio or video")
    return kinds


def hides_address(host: str) -> bool:
    """Whether a candidate's address is a browser's mDNS name (``<uuid>.local``).

    Chrome and Safari hide a page's local address behind such a name until it has camera
    permission, which a watching seat never asks for. Resolving the name needs multicast,
    which hotspots and many access points drop; aioice would wait a second for it, fail,
    and, with the client's end-of-candidates, declare ICE failed before the phone's first
    check arrives. The server needs no name: the phone's checks come from its real address,
    which aioice learns as a peer-reflexive candidate (RFC 8445 section 7.3.1.3).
    """
    return host.lower().rstrip(".").endswith(".local")


def without_hidden_candidates(sdp: str) -> str:
    """``sdp`` without mDNS candidates and end-of-candidates (see :func:`hides_address`).

    With no end-of-candidates, aioice keeps waiting for the client's checks; the hub's own
    ``connect_timeout_s`` closes a peer that never connects.
    """
    kept = []
    for line in sdp.splitlines():
        if line == "a=end-of-candidates":
            continue
        if line.startswith("a=candidate:"):
            bits = line.split()
            if len(bits) > 4 and hides_address(bits[4]):
                continue
        kept.append(line)
    return "\r\n".join(kept) + "\r\n"


def parse_candidate(line: str, sdp_mid: str | None, mline: int | None) -> RTCIceCandidate | None:
    """A browser's ``RTCIceCandidate.candidate`` line; None for end-of-candidates ("")."""
    if not line:
        return None
    text = line.removeprefix("a=").removeprefix("candidate:")
    bits = text.split()
    if len(text) > MAX_CANDIDATE_CHARS or len(bits) < 8 or bits[6] != "typ":
        raise MediaError(ErrorCode.BAD_CANDIDATE, "not an ICE candidate line")
    if sdp_mid is None and mline is None:
        raise MediaError(ErrorCode.BAD_CANDIDATE, "sdpMid or sdpMLineIndex is needed")
    try:
        candidate = candidate_from_sdp(text)
    except ValueError as exc:
        raise MediaError(ErrorCode.BAD_CANDIDATE, str(exc)[:200]) from None
    candidate.sdpMid = sdp_mid
    candidate.sdpMLineIndex = mline
    return candidate


class MediaHub:
    """The relay and every peer connection of one drill room.

    ``on_status`` is called (on the event loop) whenever :attr:`status`
    changes; ``room_time`` gives the room's clock in milliseconds for the
    coaching warnings; ``coach`` is optional (no face detector, no checks).
    """

    def __init__(self, fmt: OutputFormat = PHONES, *,
                 coach: LiveCoach | None = None,
                 on_status: Callable[[MediaStatus], None] | None = None,
                 on_coaching: Callable[[list[CoachingChange]], None] | None = None,
                 room_time: Callable[[], int] | None = None,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 max_peers: int = MAX_PEERS,
                 network: RtcNetwork = ANYWHERE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.relay = Relay(fmt, clock=clock)
        self.coach = coach
        self.on_status = on_status
        self.on_coaching = on_coaching
        self.connect_timeout_s = connect_timeout_s
        self.max_peers = max_peers
        self.network = network
        self.clock = clock
        origin = clock()
        self.room_time = room_time or (lambda: round((clock() - origin) * 1000))
        self.host = HostState.OFF
        self._peers: dict[tuple[str, Purpose], _Peer] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        self._coach_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gladi-coach")
        self._coach_busy = False
        self._next_look = 0.0
        self._next_judge = 0
        self._closed = False
        self._last_status: MediaStatus | None = None

    # ------------------------------------------------------------ state

    @property
    def peer_count(self) -> int:
        return len(self._peers)

    @property
    def task_count(self) -> int:
        """Background tasks of the hub and its peers (the senders' own are aiortc's)."""
        return len(self._tasks) + sum(len(p.tasks) for p in self._peers.values())

    @property
    def status(self) -> MediaStatus:
        coaching = self.coach.active if self.coach is not None else ()
        return MediaStatus(self.host, self.relay.seats, coaching)

    def _changed(self) -> None:
        status = self.status
        if status != self._last_status:
            self._last_status = status
            if self.on_status is not None:
                self.on_status(status)

    def _host_event(self, event: HostEvent) -> None:
        self.host = HOST_AFTER[(self.host, event)]
        if self.host is HostState.OFF and self.coach is not None:
            self.coach.reset()
        self._changed()

    def _spawn(self, coro: Coroutine[Any, Any, None], peer: _Peer | None = None) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        tasks = peer.tasks if peer is not None else self._tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    # ------------------------------------------------------------ signalling

    async def offer(self, owner: str, purpose: Purpose, sdp: str) -> str:
        """Answer ``owner``'s offer; returns the answer's SDP or raises :class:`MediaError`.

        A new offer from the same owner for the same purpose replaces the old
        peer (a reload, a reconnect).
        """
        kinds = _usable_kinds(check_sdp(sdp), purpose)
        sdp = without_hidden_candidates(sdp)
        async with self._lock:
            if self._closed:
                raise MediaError(ErrorCode.CLOSED)
            if purpose is Purpose.PUBLISH:
                taken = [p for (o, k), p in self._peers.items()
                         if k is Purpose.PUBLISH and o != owner]
                if taken:
                    raise MediaError(ErrorCode.PUBLISHER_TAKEN)
            old = self._peers.get((owner, purpose))
            if old is not None:
                await self._drop(old, replaced=True)
            if len(self._peers) >= self.max_peers:
                raise MediaError(ErrorCode.TOO_MANY_PEERS)
            peer = _Peer(owner, purpose, RTCPeerConnection(RTCConfiguration(iceServers=[])))
            self._peers[(owner, purpose)] = peer
            try:
                answer = await self._answer(peer, sdp, kinds)
            except BaseException:
                await self._drop(peer)
                raise
        self._spawn(self._await_connection(peer), peer)
        return answer

    async def _answer(self, peer: _Peer, sdp: str, kinds: frozenset[str]) -> str:
        pc = peer.pc
        pc.on("connectionstatechange", lambda: self._state_changed(peer))
        if peer.purpose is Purpose.WATCH:
            self._add_feed(peer, kinds)
        else:
            pc.on("track", lambda track: self._spawn(self._read(peer, track), peer))
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            bind(pc, self.network)
            await pc.setLocalDescription(await pc.createAnswer())
        except MediaError:
            raise
        except OperationError as exc:
            raise MediaError(ErrorCode.NO_CODEC, str(exc)[:200]) from None
        except Exception as exc:  # aiortc validates with ValueError, asserts and its own errors
            raise MediaError(ErrorCode.BAD_SDP,
                             f"{type(exc).__name__}: {exc}"[:200]) from None
        if peer.purpose is Purpose.PUBLISH:
            self.relay.host_started()
            if self.coach is not None:
                self.coach.reset()
            self._host_event(HostEvent.OFFERED)
        return str(pc.localDescription.sdp)

    def _add_feed(self, peer: _Peer, kinds: frozenset[str]) -> None:
        """Send-only transceivers for the kinds the offer has, before it is applied: so they
        take the offer's lines and the codec choice is limited to what the relay sends."""
        feed = self.relay.join()
        peer.feed = feed
        relay = self.relay
        for kind, queue, names, packer in (
                ("video", feed.video, frozenset({"vp8", "rtx"}), relay.video_packer),
                ("audio", feed.audio, frozenset({"opus"}), relay.audio_packer)):
            if kind not in kinds:
                continue
            transceiver: RTCRtpTransceiver = peer.pc.addTransceiver(
                _FeedTrack(kind, queue), direction="sendonly")
            transceiver.setCodecPreferences(_codecs(kind, names))
            if not lean_sender(transceiver.sender, packer, queue):
                _share_packer(transceiver.sender, packer)
            if kind == "video":
                # aiortc calls this on a seat's RTCP PLI/FIR (RTCRtpSender._handle_rtcp_packet);
                # its own flag only reaches an encoder, and these packets are pre-encoded.
                transceiver.sender._send_keyframe = (  # type: ignore[method-assign]
                    lambda: self.relay.picture_lost(feed))
        self._changed()

    async def candidate(self, owner: str, purpose: Purpose,
                        candidate: RTCIceCandidate | None) -> None:
        """Add a trickled ICE candidate (None: the client has no more).

        End-of-candidates and mDNS candidates are left out (:func:`hides_address`).
        """
        peer = self._peers.get((owner, purpose))
        if peer is None:
            raise MediaError(ErrorCode.NO_PEER)
        if candidate is None or hides_address(candidate.ip):
            return
        try:
            await peer.pc.addIceCandidate(candidate)
        except Exception as exc:  # aioice rejects addresses it cannot use in several ways
            raise MediaError(ErrorCode.BAD_CANDIDATE, str(exc)[:200]) from None

    async def hang_up(self, owner: str, purpose: Purpose | None = None) -> int:
        """Close ``owner``'s peers (of ``purpose``, or all); returns how many were closed."""
        async with self._lock:
            peers = [p for (o, k), p in list(self._peers.items())
                     if o == owner and purpose in (None, k)]
            for peer in peers:
                await self._drop(peer, hung_up=True)
        return len(peers)

    async def close(self) -> None:
        """Close every peer and the relay; waits for every task it started."""
        async with self._lock:
            self._closed = True
            for peer in list(self._peers.values()):
                await self._drop(peer, hung_up=True)
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.relay.close()
        self._coach_pool.shutdown(wait=True)

    # ------------------------------------------------------------ life of a peer

    def _state_changed(self, peer: _Peer) -> None:
        state = peer.pc.connectionState
        if state == "connected":
            peer.connected.set()
        elif state in ("failed", "closed") and not peer.dropped:
            self._spawn(self._drop_locked(peer))

    async def _await_connection(self, peer: _Peer) -> None:
        try:
            await asyncio.wait_for(peer.connected.wait(), self.connect_timeout_s)
        except TimeoutError:
            log.info("media peer of %s (%s) did not connect", peer.owner, peer.purpose.value)
            self._spawn(self._drop_locked(peer))

    async def _drop_locked(self, peer: _Peer) -> None:
        async with self._lock:
            await self._drop(peer)

    async def _drop(self, peer: _Peer, *, hung_up: bool = False, replaced: bool = False) -> None:
        """Forget and close ``peer`` (the caller holds the lock)."""
        if peer.dropped:
            return
        peer.dropped = True
        if self._peers.get((peer.owner, peer.purpose)) is peer:
            del self._peers[(peer.owner, peer.purpose)]
        if peer.feed is not None:
            self.relay.leave(peer.feed)
        await peer.pc.close()
        current = asyncio.current_task()
        others = [t for t in peer.tasks if t is not current]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        if peer.purpose is Purpose.PUBLISH and not replaced:
            self._host_event(HostEvent.HUNG_UP if hung_up else HostEvent.DROPPED)
        self._changed()

    # ------------------------------------------------------------ the host's media

    async def _read(self, peer: _Peer, track: MediaStreamTrack) -> None:
        """Hand every frame of one of the publisher's tracks to the relay (and the coach).

        A frame with more already waiting behind it is skipped (counted as late): the
        relay fell behind, and the seats should see the newest picture, not a backlog.
        """
        stats = self.relay.stats
        try:
            while True:
                frame = await track.recv()
                behind = _waiting(track)
                if isinstance(frame, VideoFrame):
                    if behind > VIDEO_BEHIND:
                        stats.frames_late += 1
                        continue
                    await self.relay.push_video(frame)
                    if self.host is not HostState.LIVE and not peer.dropped:
                        self._host_event(HostEvent.PICTURE)
                    self._coach_look()
                elif isinstance(frame, AudioFrame):
                    if behind > AUDIO_BEHIND:
                        stats.audio_late += 1
                        continue
                    self.relay.push_audio(frame)
                    if self.coach is not None:
                        self.coach.listen(frame)
                self._coach_judge()
        except MediaStreamError:
            pass

    def _coach_look(self) -> None:
        coach, picture = self.coach, self.relay.latest_picture
        now = self.clock()
        if coach is None or picture is None or self._coach_busy or now < self._next_look:
            return
        self._next_look = now + coach.settings.look_every_s
        self._coach_busy = True
        self._spawn(self._measure(coach, picture))

    async def _measure(self, coach: LiveCoach, picture: VideoFrame) -> None:
        try:
            loop = asyncio.get_running_loop()
            observation = await loop.run_in_executor(self._coach_pool, coach.measure, picture)
            if coach is self.coach and self.host is not HostState.OFF:
                coach.look(observation)
        finally:
            self._coach_busy = False

    def _coach_judge(self) -> None:
        coach = self.coach
        if coach is None:
            return
        t_ms = self.room_time()
        if t_ms < self._next_judge:
            return
        self._next_judge = t_ms + coach.settings.judge_every_ms
        changes = coach.judge(t_ms)
        if changes:
            if self.on_coaching is not None:
                self.on_coaching(changes)
            self._changed()
