"""The drill protocol: the messages both ends speak, imported by the server and the desktop.

As websockets shares one ``protocol`` module between its client and its server,
the drill's message types live here, below :mod:`server` (which sends and
receives them) and :mod:`simulator` (the desktop host, which decodes into the
same types the server encodes). Nothing here does I/O.

* :mod:`protocol.inbound`: what a client sends (``hello``, ``action`` …), the error
  codes, and :func:`~protocol.inbound.decode`, which never raises;
* :mod:`protocol.outbound`: what the server sends, as typed models, and
  :data:`~protocol.outbound.SERVER_MESSAGE`, which decodes them again;
* :mod:`protocol.seat_actions`: the wire form of the engine's actions;
* :mod:`protocol.roles`, :mod:`protocol.status`, :mod:`protocol.text`: who, where the
  room stands, what a text field may hold;
* :mod:`protocol.day`: the training day's overview messages.

``docs/protocol.md`` is generated from these classes (``python -m server.protocol_doc
--write``).
"""
