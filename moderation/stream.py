"""The on-screen comment stream: which comments viewers can see right now.

A comment leaves the screen when a moderation action hides it, when
``window`` newer comments have pushed it out, or when it has been up for
``max_ms`` milliseconds. The engine uses this to let visible trolls drive
viewers away; the judge replays the same rules from the log to measure harm
exposure, so both see exactly the same screen.
"""

from __future__ import annotations


class Stream:
    """The comments on screen, oldest first."""

    __slots__ = ("window", "max_ms", "_on", "_harmful", "ended", "_record")

    def __init__(self, window: int, max_ms: int, *, record: bool = True) -> None:
        """``record``: keep :attr:`ended` (the judge does; the engine needs only the screen)."""
        self.window = window
        self.max_ms = max_ms
        self._record = record
        # A plain dict keeps insertion order and is quicker than OrderedDict here.
        self._on: dict[str, int] = {}
        self._harmful: set[str] = set()
        #: When each comment left the screen (milliseconds), filled as they go.
        self.ended: dict[str, int] = {}

    def expire(self, now: int) -> None:
        """Let comments that have been up for ``max_ms`` scroll away."""
        on = self._on
        while on:
            comment = next(iter(on))
            posted = on[comment]
            if posted + self.max_ms > now:
                break
            del on[comment]
            self._leave(comment, posted + self.max_ms)

    def post(self, comment: str, now: int, harmful: bool) -> None:
        """Put a new comment on screen, pushing the oldest out when full."""
        on = self._on
        if on:
            oldest = next(iter(on))
            if on[oldest] + self.max_ms <= now:
                self.expire(now)
        on[comment] = now
        if harmful:
            self._harmful.add(comment)
        # Runs for every comment of a busy chat, so the bookkeeping of _leave is inlined.
        if len(on) > self.window:  # one in, at most one out
            oldest = next(iter(on))
            del on[oldest]
            if self._harmful:
                self._harmful.discard(oldest)
            if self._record:
                self.ended[oldest] = now

    def hide(self, comment: str, now: int) -> bool:
        """Take a comment off screen; return False if it was not on screen."""
        if self._on.pop(comment, None) is None:
            return False
        self._leave(comment, now)
        return True

    def _leave(self, comment: str, when: int) -> None:
        self._harmful.discard(comment)
        if self._record:
            self.ended[comment] = when

    def __contains__(self, comment: object) -> bool:
        return comment in self._on

    def on_screen(self) -> list[str]:
        """The ids on screen, oldest first."""
        return list(self._on)

    @property
    def harmful_on_screen(self) -> int:
        """How many harmful comments are on screen now."""
        return len(self._harmful)
