"""Autopilots: scripted trainees for tests, benchmarks and demos.

``idle`` does nothing; ``random`` clicks at random; ``good`` acts like a
capable human, with human reaction times and some mistakes; ``perfect`` acts
on everything quickly and correctly. They read the ground truth (that is what
makes them reference points), so they are never shown to trainees.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable
from typing import ClassVar, assert_never

from moderation.actions import (
    AcceptGuest,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Mute,
    Pin,
    Report,
    Talk,
    Thank,
    Welcome,
)
from moderation.events import (
    ActionApplied,
    ActionRejected,
    AnyEvent,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Followed,
    GiftSent,
    GuestRequested,
    InjectFired,
    NetworkDropped,
    OfficialJoined,
    SessionEnded,
    Shared,
    Tapped,
    Undone,
)
from moderation.values import replace
from scenarios.schema import Template
from scenarios.taxonomy import REPORT_REASON, Category, ReportReason, Response

from .engine import Session

__all__ = ["AUTOPILOTS", "Autopilot", "make_autopilot", "run"]

class Autopilot:
    """Base class: watches events and plans actions for later times."""

    name: ClassVar[str] = "idle"
    talk_every_ms: ClassVar[int | None] = None
    #: False when the pilot only ever responds to harmful comments and questions.
    reads_chat: ClassVar[bool] = True

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rng = random.Random(f"{session.seed}:{self.name}")
        self._plans: list[tuple[int, int, AnyAction]] = []
        self._seq = 0
        self._next_talk = 0 if self.talk_every_ms else None
        self._targeted: set[str] = set()
        self._thanked: dict[str, int] = {}
        templates = session.content.by_id
        #: The templates whose comments reach :meth:`on_comment`.
        self.watched: dict[str, Template] = templates if self.reads_chat else {
            tid: t for tid, t in templates.items()
            if t.harmful or t.category is Category.QUESTION
        }
        presets = session.scenario.settings.mute_presets_s
        #: The longest mute the scenario offers (None: the whole live).
        self.longest_mute = None if None in presets else max(p for p in presets if p is not None)

    def plan(self, action: AnyAction) -> None:
        """Take ``action`` at its time ``action.t`` (or as soon after as the run allows)."""
        self._seq += 1
        heapq.heappush(self._plans, (action.t, self._seq, action))

    def next_due(self) -> int | None:
        """When the autopilot next wants to act."""
        talk = self._next_talk
        if not self._plans:
            return talk
        due = self._plans[0][0]
        return due if talk is None or due < talk else talk

    def pop_due(self, now: int) -> list[AnyAction]:
        """The actions due by ``now``, stamped no earlier than ``now``."""
        actions: list[AnyAction] = []
        if self._next_talk is not None and self._next_talk <= now and self.talk_every_ms:
            duration, gap = self.talk_pattern()
            actions.append(Talk(t=now, duration=duration))
            self._next_talk = now + gap
        plans = self._plans
        while plans and plans[0][0] <= now:
            action = heapq.heappop(plans)[2]
            actions.append(action if action.t == now else replace(action, t=now))
        return actions

    def talk_pattern(self) -> tuple[int, int]:
        """(how long the host talks, when they talk next), in ms."""
        every = self.talk_every_ms or 8000
        return every, every

    def observe(self, events: Iterable[AnyEvent]) -> None:
        """Look at new events and plan responses."""
        watched = self.watched
        for event in events:
            # The commonest events first: this runs for every event of a busy live. A
            # ``type(event) is`` chain over final classes, exhaustive to mypy as a match is
            # but cheaper (see moderation.room.Room._rule; docs/benchmarks.md).
            if type(event) is CommentPosted and event.hidden is None:
                template = watched.get(event.template)
                if template is not None:
                    self.on_comment(event, template)
            elif (type(event) is ActionApplied or type(event) is CommentsHidden or
                  type(event) is AudienceChanged or type(event) is CommentPosted):
                pass
            elif type(event) is GiftSent:
                self.on_gift(event)
            elif (type(event) is Followed or type(event) is Shared or type(event) is Tapped or
                  type(event) is NetworkDropped or type(event) is InjectFired or
                  type(event) is Undone or type(event) is ActionRejected or
                  type(event) is SessionEnded):
                pass
            elif type(event) is OfficialJoined:
                self.on_official(event)
            elif type(event) is GuestRequested:
                self.on_guest(event)
            else:
                assert_never(event)

    def on_comment(self, event: CommentPosted, template: Template) -> None:
        pass

    def on_gift(self, event: GiftSent) -> None:
        pass

    def on_official(self, event: OfficialJoined) -> None:
        pass

    def on_guest(self, event: GuestRequested) -> None:
        pass

    # -------------------------------------------------------- shared moves

    def recently_thanked(self, gift: GiftSent) -> bool:
        """True if this gifter was thanked in the last half minute.

        A host thanks a gifter, not every rose of a streak: one thanks covers
        the gifts that follow it for a while.
        """
        last = self._thanked.get(gift.viewer)
        if last is not None and gift.t - last < 30_000:
            return True
        self._thanked[gift.viewer] = gift.t
        return False

    def handle_troll(self, event: CommentPosted, template: Template, delay: int) -> None:
        """Remove a harmful comment the way its template says is right."""
        acceptable, required = template.acceptable, template.requires
        viewer, comment = event.viewer, event.id
        due = event.t + delay
        report = Report(t=due + 400, comment=comment, reason=REPORT_REASON[template.category])
        if viewer in self._targeted:
            # The mute or block already planned will take this comment too; one that
            # requires a report gets its own.
            if Response.REPORT in required:
                self.plan(report)
            return
        longest = self.longest_mute
        if Response.BLOCK in required or (Response.BLOCK in acceptable
                                          and template.severity >= 2):
            self._targeted.add(viewer)
            self.plan(Block(t=due, viewer=viewer, comment=comment))
        elif Response.MUTE in acceptable:
            self._targeted.add(viewer)
            self.plan(Mute(t=due, viewer=viewer, duration=longest, comment=comment))
        elif Response.DELETE in acceptable:
            self.plan(Delete(t=due, comment=comment))
        else:
            self.plan(Answer(t=due, comment=comment))
        if Response.REPORT in acceptable:
            self.plan(report)


class Idle(Autopilot):
    """Does nothing at all: the floor of the score."""

    name = "idle"
    reads_chat = False


class Perfect(Autopilot):
    """Acts on everything, quickly and correctly."""

    name = "perfect"
    talk_every_ms = 8000
    reads_chat = False

    def on_comment(self, event: CommentPosted, template: Template) -> None:
        if template.harmful:
            self.handle_troll(event, template, 1000)
        elif template.category is Category.QUESTION:
            self.plan(Answer(t=event.t + 3000, comment=event.id, text="…"))

    def on_gift(self, event: GiftSent) -> None:
        if self.recently_thanked(event):
            return
        self.plan(Thank(t=event.t + 2000, target=event.id))

    def on_official(self, event: OfficialJoined) -> None:
        self.plan(Welcome(t=event.t + 2000, viewer=event.viewer))

    def on_guest(self, event: GuestRequested) -> None:
        if event.troll:
            self.plan(DeclineGuest(t=event.t + 3000, request=event.id))
        else:
            self.plan(AcceptGuest(t=event.t + 3000, request=event.id))


class Good(Autopilot):
    """A capable trainee: human reaction times, some misses, a few mistakes."""

    name = "good"
    talk_every_ms = 10_000

    def reaction(self, base: int) -> int:
        # Human reaction to a chat is skewed: usually a few seconds, sometimes much longer.
        return base + int(self.rng.lognormvariate(7.8, 0.6))

    def talk_pattern(self) -> tuple[int, int]:
        if self.rng.random() < 0.1:
            return 6000, 25_000  # distracted by the chat for a while
        return 9000, 10_000

    def on_comment(self, event: CommentPosted, template: Template) -> None:
        rng = self.rng
        if template.harmful:
            if rng.random() < 0.9:
                self.handle_troll(event, template, self.reaction(1500))
        elif template.category is Category.QUESTION:
            if rng.random() < 0.85:
                self.plan(Answer(t=event.t + 5000 + rng.randrange(15_000), comment=event.id,
                                 text="…"))
        elif rng.random() < 0.01:
            # A mistake: deleting a harmless comment.
            self.plan(Delete(t=event.t + self.reaction(1500), comment=event.id))

    def on_gift(self, event: GiftSent) -> None:
        if self.recently_thanked(event):
            return
        if self.rng.random() < 0.75:
            self.plan(Thank(t=event.t + 3000 + self.rng.randrange(8000), target=event.id))

    def on_official(self, event: OfficialJoined) -> None:
        self.plan(Welcome(t=event.t + 3000 + self.rng.randrange(6000), viewer=event.viewer))

    def on_guest(self, event: GuestRequested) -> None:
        right = self.rng.random() < 0.85
        accept = (not event.troll) == right
        due = event.t + 4000 + self.rng.randrange(8000)
        self.plan(AcceptGuest(t=due, request=event.id) if accept
                  else DeclineGuest(t=due, request=event.id))


class RandomPilot(Autopilot):
    """Clicks buttons at random on whatever is on screen."""

    name = "random"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._next_click = 2000

    def next_due(self) -> int | None:
        due = super().next_due()
        return self._next_click if due is None else min(due, self._next_click)

    def pop_due(self, now: int) -> list[AnyAction]:
        actions = super().pop_due(now)
        if now >= self._next_click:
            self._next_click = now + 1000 + self.rng.randrange(3000)
            action = self._click(now)
            if action is not None:
                actions.append(action)
        return actions

    def _click(self, now: int) -> AnyAction | None:
        rng = self.rng
        room = self.session.room
        on_screen = room.stream.on_screen()
        choice = rng.randrange(9)
        if choice == 0:
            return Talk(t=now, duration=5000)
        if not on_screen:
            return None
        cid = rng.choice(on_screen)
        viewer = room.comments[cid].viewer
        presets = [p for p in self.session.scenario.settings.mute_presets_s]
        moves: list[AnyAction] = [
            Delete(t=now, comment=cid),
            Mute(t=now, viewer=viewer, duration=rng.choice(presets), comment=cid),
            Block(t=now, viewer=viewer, comment=cid),
            Answer(t=now, comment=cid, text="?"),
            Pin(t=now, comment=cid),
            Report(t=now, comment=cid, reason=rng.choice(list(ReportReason))),
            Thank(t=now, target=cid),
            Welcome(t=now, viewer=viewer),
        ]
        return moves[choice - 1]


AUTOPILOTS: dict[str, type[Autopilot]] = {
    "idle": Idle,
    "random": RandomPilot,
    "good": Good,
    "perfect": Perfect,
}


def make_autopilot(kind: str, session: Session) -> Autopilot:
    """Build the autopilot called ``kind`` for ``session``."""
    return AUTOPILOTS[kind](session)


def run(session: Session, pilot: Autopilot, step_ms: int = 1000) -> None:
    """Play ``session`` to its end with ``pilot`` at the controls.

    Time moves in steps of ``step_ms``, or straight to the pilot's next planned
    action, which :meth:`Session.apply` advances to by itself. Reaction delays
    of at least one step are therefore exact.
    """
    # Bound once: the loop turns once per planned action, tens of thousands of times.
    observe, next_due, pop_due = pilot.observe, pilot.next_due, pilot.pop_due
    advance, apply, duration = session.advance, session.apply, session.duration
    while not session.ended:
        now = session.now
        step_end = now + step_ms if now + step_ms < duration else duration
        due = next_due()
        if due is None or due > step_end:
            observe(advance(step_end))
            continue
        for action in pop_due(due if due > now else now):
            observe(apply(action).events)
        if session.now >= duration:
            advance(duration)
