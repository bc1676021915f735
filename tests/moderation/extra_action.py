"""A test-only moderation action: what adding one to the closed set takes.

``Highlight`` marks a comment for the host without pinning it. It is not part of
Gladi: ``tests/moderation/test_closed_set.py`` splices its class into a shadow copy
of ``moderation/actions.py`` (and its rule into ``moderation/room.py``) and runs the
project's strict mypy, which must name every dispatcher that does not handle it yet
(docs/architecture.md, "A new moderation action").
"""

from __future__ import annotations

from typing import final

from moderation.actions import Action, Permission, Target
from moderation.values import value


@value(kw_only=True)
@final
class Highlight(Action):
    """*Sorot*: mark a comment for the host (a test-only action)."""

    type = "highlight"
    permission = Permission.MODERATE
    targets = (Target.COMMENT,)
    comment: str


#: Its rule in the room, as it would stand in ``Room._rule``'s exhaustive chain.
ROOM_CASE = '''        elif type(action) is Highlight:
            return [] if action.comment in self.comments else RejectCode.UNKNOWN_COMMENT
'''

#: Its words, as they would stand in each catalogue (playback's line for it).
STRINGS = {"playback.act_highlight": {"id": "Sorot {target}", "en": "Highlight {target}"}}
