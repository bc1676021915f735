"""The host's camera in a drill: WebRTC in from the host, the same packets out to every seat.

The host's browser or desktop app publishes its camera and microphone to the
server over WebRTC (aiortc). The server decodes them once, scales the picture
to the phones' size and encodes it once (:mod:`.encode`, :mod:`.relay`), and
hands the *same* encoded packets to every watching seat (:mod:`.fanout`):
aiortc's sender packs a pre-encoded ``av.Packet`` without re-encoding it
(``RTCRtpSender._next_encoded_frame`` in aiortc 1.16), so fifty seats cost one
encode, not fifty; and every seat's sender is given one shared packer
(:class:`.encode.SharedPacker`), so each packet is also cut into RTP payloads
once. What stays per seat is aiortc's RTP loop: headers, SRTP, the send.

:mod:`.peer` owns the peer connections, :mod:`.signalling` the ``media.*``
messages, :mod:`.room_video` ties one room's video to its websocket
connections, :mod:`.coaching` runs the pre-flight checks of :mod:`media` on
what the host sends, for the trainer's live coaching, and :mod:`.drill` ties
each drill room to its video (who publishes, the coaching into the room's
journal, the host's speech into the engine).
"""
