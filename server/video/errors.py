"""Typed media errors: a code for the client and the log, words only at the edge."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MediaError", "MediaErrorCode"]


class MediaErrorCode(StrEnum):
    """Why a ``media.*`` request was refused. Each is also a :class:`server.protocol.ErrorCode`
    (the code on the wire) with a message ``serve.error.<code>``."""

    #: The SDP could not be parsed or applied (not an SDP offer, no ICE or DTLS lines…).
    BAD_SDP = "bad_sdp"
    #: The SDP is longer than :data:`server.video.signalling.MAX_SDP_CHARS`.
    SDP_TOO_BIG = "sdp_too_big"
    #: The offer asks for no codec the relay sends or reads (VP8 / Opus, H.264 in).
    NO_CODEC = "no_codec"
    #: The ICE candidate line could not be parsed or applied.
    BAD_CANDIDATE = "bad_candidate"
    #: A candidate or hang-up for a peer this connection does not have.
    NO_PEER = "no_peer"
    #: Only the host seat publishes a camera.
    NOT_HOST = "not_host"
    #: Another seat is already publishing.
    PUBLISHER_TAKEN = "publisher_taken"
    #: Too many peers in this room.
    TOO_MANY_PEERS = "too_many_peers"
    #: The relay is shut down (the drill ended).
    CLOSED = "closed"


class MediaError(Exception):
    """A refused media request; ``code`` says why, ``detail`` is for logs only."""

    def __init__(self, code: MediaErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
