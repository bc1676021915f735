"""The host's camera in a drill: WebRTC in from the host, the same packets out to every seat.

The host's browser or desktop app publishes its camera and microphone to the
server over WebRTC (aiortc). The server decodes them once, scales the picture
to the phones' size and encodes it once (:mod:`.encode`, :mod:`.relay`), and
hands the *same* encoded packets to every watching seat (:mod:`.fanout`), so
fifty seats cost one encode, not fifty. Each packet is also cut into RTP
payloads once for every seat (:class:`.encode.SharedPacker`). What stays per
seat is the RTP sending itself: each seat's sender runs a lean loop
(:mod:`.sender`) that writes the same bytes as aiortc's with less work per
packet, sends each packet as the relay hands it over (no task wakes per seat
and packet), and protects it with the seat's SRTP session.

:mod:`.peer` owns the peer connections, :mod:`.signalling` the ``media.*``
messages, :mod:`.room_video` ties one room's video to its websocket
connections, :mod:`.coaching` runs the pre-flight checks of :mod:`media` on
what the host sends, for the trainer's live coaching, and :mod:`.drill` ties
each drill room to its video (who publishes, the coaching into the room's
journal, the host's speech into the engine).
"""
