"""The live as it is now, for a seat that joins or comes back: ``welcome.snapshot``.

A pure read of the engine's session: it changes nothing (no expiry, no
clean-up), so it is safe at any moment, however the room got here. What has
run out by the session's time (a comment past ``stream_max_s``, a timed mute)
is left out here rather than removed. No ground truth: only what the
viewers, or the host and moderators, see on TikTok.
"""

from __future__ import annotations

from itertools import islice

from moderation.engine import Session
from moderation.events import Hidden
from protocol.outbound import (
    FilteredComment,
    Guest,
    LocalText,
    Pinned,
    Request,
    Snapshot,
    StaffSnapshot,
    StreamComment,
)

__all__ = ["FILTERED_MAX", "FILTERED_MS", "snapshot"]

#: Filtered comments a staff snapshot shows: at most this many, of the last minute.
FILTERED_MAX = 200
FILTERED_MS = 60_000


def snapshot(session: Session, staff: bool) -> Snapshot:
    """The public state of ``session``; ``staff`` adds the filter, mutes and blocks."""
    room, now = session.room, session.now
    handles = session.audience.handles
    max_ms = room.stream.max_ms
    stream = [StreamComment(id=c.id, viewer=c.viewer, handle=c.handle, text=c.text, t=c.t)
              for c in (room.comments[cid] for cid in room.stream.on_screen())
              if c.t + max_ms > now]
    pinned = None
    if room.pinned is not None:
        comment = room.comments[room.pinned]
        pinned = Pinned(id=comment.id, text=comment.text, handle=comment.handle)
    fields = {
        "t": now, "ended": session.ended, "viewers": session.audience.count,
        "taps": session.taps, "coins": session.coins, "follows": session.follows,
        "shares": session.shares, "comments_enabled": room.comments_enabled,
        "pinned": pinned, "stream": stream,
        "guests": [Guest(viewer=v, handle=handles[v]) for v in room.guests],
        "requests": [Request(id=rid, viewer=v, handle=handles[v])
                     for rid, (v, open_) in room.requests.items()
                     if open_ and v in room.present],
        "moderators": {name: sorted(p) for name, p in room.moderators.items()},
        "phase": LocalText.model_validate(
            session.scenario.phase_at(now / 1000).name.model_dump()),
    }
    if not staff:
        return Snapshot.model_validate(fields)
    recent = list(islice(reversed(room.comments.values()), FILTERED_MAX))
    return StaffSnapshot.model_validate({
        **fields,
        "keywords": list(room.keywords),
        "muted": {v: until for v, until in room.muted.items()
                  if until is None or until > now},
        "blocked": sorted(room.blocked),
        "filtered": [FilteredComment(id=c.id, text=c.text, handle=c.handle, t=c.t)
                     for c in reversed(recent)
                     if c.hidden is Hidden.FILTER and c.t > now - FILTERED_MS],
    })
