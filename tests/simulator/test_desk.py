"""One host desk (simulator/desk.py): a rehearsal and a drill take the same actions the
same way; a drill's pending actions always end, applied or refused with a reason.

The drill desk here talks to an :class:`EngineRoom`: a real engine session behind the
drill protocol's own message types, answering as a ``gladi serve`` room does (the room
stamps ``t`` and ``actor``, answers with an ``ack``, then sends the events in the seats'
form). tests/simulator/test_drill.py runs the desk against a real server process.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from moderation.actions import (
    HOST,
    AddModerator,
    AnyAction,
    Block,
    Delete,
    Mute,
    Pin,
    SetComments,
    Talk,
    Undo,
    is_action,
    undoable,
)
from moderation.engine import Session
from moderation.events import CommentPosted, Hidden, RejectCode
from moderation.setup import load_setup
from moderation.values import from_json, to_json
from protocol.outbound import SERVER_MESSAGE, AckOut, AnyServerMessage
from protocol.seat_events import seat_form
from simulator.desk import Applied, DeskRefusal, HostDesk, Pending, Refused, refusal_text
from simulator.drill import DrillDesk, DrillView, LinkState
from simulator.model import LiveModel
from tests.machines import counted


class Wall:
    """The app's wall clock, set by hand (seconds)."""

    def __init__(self, s: float = 0.0) -> None:
        self.s = s

    def __call__(self) -> float:
        return self.s


class Recorder:
    """A link that records what the desk sends (message id, action, client id); the test
    plays the room's answers."""

    def __init__(self) -> None:
        self.state = LinkState.JOINED
        self.joins = 1
        self.sent: list[tuple[int, AnyAction, str]] = []
        self.inbox: list[AnyServerMessage] = []

    def act(self, action: AnyAction, cid: str) -> int:
        self.sent.append((len(self.sent) + 1, action, cid))
        return len(self.sent)

    @property
    def last(self) -> int:
        """The message id of the last action sent."""
        return self.sent[-1][0]

    def drain(self) -> list[AnyServerMessage]:
        out, self.inbox = self.inbox, []
        return out


def ack(ident: int, accepted: bool, code: str | None = None,
        undoable: bool = False) -> AnyServerMessage:
    return SERVER_MESSAGE.validate_python({"v": 1, "type": "ack", "id": ident,
                                           "accepted": accepted, "code": code,
                                           "undoable": undoable})


class EngineRoom(Recorder):
    """A drill room in-process: a real engine session answering over the protocol's types."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.seq = 0

    def act(self, action: AnyAction, cid: str) -> int:
        ident = super().act(action, cid)
        stamped = from_json({**to_json(action), "t": self.session.now, "actor": HOST})
        assert is_action(stamped)
        result = self.session.apply(stamped)
        code = None if result.rejected is None else result.rejected.value
        self.inbox.append(AckOut(id=ident, accepted=code is None, code=code,
                                 undoable=code is None and undoable(stamped)))
        self.publish(result.events)
        return ident

    def publish(self, events: Any) -> None:
        for event in events:
            form = seat_form(event)
            if form is not None:
                self.seq += 1
                self.inbox.append(SERVER_MESSAGE.validate_python(
                    {"v": 1, "type": "event", "seq": self.seq, "epoch": 0, "t": event.t,
                     "event": form}))


def _session() -> Session:
    return load_setup("live-pertama").start(7)


def _running(view: DrillView, wall: Wall) -> None:
    view.status, view.t_at = "running", wall.s


def _first_comment(session: Session) -> CommentPosted:
    while True:
        events = session.advance(session.now + 1000)
        for event in events:
            if isinstance(event, CommentPosted) and event.hidden is None:
                return event


def _both_desks() -> tuple[LiveModel, EngineRoom, DrillDesk, CommentPosted]:
    """A rehearsal and a running drill of the same session, both showing its first comment."""
    rehearsal = LiveModel(_session())
    room = EngineRoom(_session())
    wall = Wall(10.0)
    drill = DrillDesk(DrillView(), room, wall)
    _running(drill.view, wall)
    first = _first_comment(room.session)
    room.publish([first])
    drill.poll()
    rehearsal.advance(room.session.now)
    return rehearsal, room, drill, first


def _settle(desk: HostDesk, reply: Applied | Refused | Pending) -> Applied | Refused:
    """The final reply: at once, or after the room's answer came in."""
    if not isinstance(reply, Pending):
        return reply
    if isinstance(desk, DrillDesk):
        desk.poll()
    answers = {s.ticket: s.reply for s in desk.settled()}
    return answers[reply.ticket]


def test_the_same_actions_end_applied_on_a_rehearsal_and_on_a_drill() -> None:
    rehearsal, room, drill, first = _both_desks()
    desks: list[HostDesk] = [rehearsal, drill]
    for desk in desks:
        comment = desk.by_id[first.id]
        t = desk.now
        presets = list(desk.mute_presets)
        # Pin and undo it, mute with the second preset, talk: as the panel builds them.
        for action in (Pin(t=t, comment=comment.id),
                       Undo(t=t),
                       Mute(t=t, viewer=comment.viewer, duration=presets[1],
                            comment=comment.id),
                       Talk(t=t, duration=5000)):
            assert _settle(desk, desk.take(action)) == Applied(), (desk, action)
        assert desk.is_muted(comment.viewer)
        assert comment.hidden == Hidden.MUTED  # muting hides the viewer's comments
        assert desk.pinned_id is None  # the undo took the pin back
    deleted = drill.take(Delete(t=0, comment=first.id))
    assert isinstance(deleted, Pending)
    assert _settle(drill, deleted) == Refused(RejectCode.COMMENT_GONE)
    # A drill's host seat cannot add moderators: the desk says so, the room never hears.
    sent = len(room.sent)
    assert drill.take(AddModerator(t=0, name="Bu Rina")) == Refused(DeskRefusal.NOT_OFFERED)
    assert len(room.sent) == sent
    assert rehearsal.take(AddModerator(t=rehearsal.now, name="Bu Rina")) == Applied()


def test_a_block_can_be_undone_on_both_desks() -> None:
    rehearsal, room, drill, first = _both_desks()
    for desk in (rehearsal, drill):
        comment = desk.by_id[first.id]
        block = Block(t=desk.now, viewer=comment.viewer, comment=comment.id)
        assert _settle(desk, desk.take(block)) == Applied()
        assert desk.undoable is not None and desk.undo_left_ms() > 0
        assert _settle(desk, desk.take(Undo(t=desk.now))) == Applied()
        assert desk.undoable is None and desk.undo_left_ms() == 0
        assert _settle(desk, desk.take(Undo(t=desk.now))) == \
            Refused(RejectCode.NOTHING_TO_UNDO)


def test_actions_wait_while_the_link_is_down_and_go_again_once_with_their_cid() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    off = desk.take(SetComments(t=0, enabled=False))
    assert isinstance(off, Pending) and desk.settled() == []
    [(first_id, _, cid)] = link.sent
    # The link drops before the answer came: the action is kept, not refused.
    link.state = LinkState.RECONNECTING
    desk.poll()
    assert desk.settled() == [] and list(desk.pending) == [off.ticket] and desk.offline
    # Taken while offline: kept, not sent, and the room's clock stands still.
    talk = desk.take(Talk(t=0))
    assert isinstance(talk, Pending) and len(link.sent) == 1
    desk.view.status, desk.view.t, desk.view.t_at = "running", 7000, 5.0
    wall.s = 9.0
    assert desk.now == 7000
    # Back (a new connection): the first goes again with the same cid, then the next.
    link.state, link.joins = LinkState.JOINED, 2
    desk.poll()
    assert [(a, c) for _, a, c in link.sent] == [(SetComments(t=0, enabled=False), cid)] * 2
    assert desk.now == 11000  # the clock runs again
    link.inbox.append(ack(first_id, accepted=True))  # the lost answer, late: not this one's
    desk.poll()
    assert desk.settled() == [] and len(link.sent) == 2
    link.inbox.append(ack(link.last, accepted=True))
    desk.poll()
    assert len(link.sent) == 3 and isinstance(link.sent[-1][1], Talk)
    assert link.sent[-1][2] != cid
    link.inbox.append(ack(link.last, accepted=False, code="comment_gone"))
    desk.poll()
    assert [(s.ticket, s.reply) for s in desk.settled()] == [
        (off.ticket, Applied()), (talk.ticket, Refused(RejectCode.COMMENT_GONE))]
    assert desk.pending == {}


def test_an_answer_that_never_comes_sends_the_action_again() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    desk.take(Talk(t=0))
    wall.s += 4.0
    desk.poll()
    assert len(link.sent) == 1
    wall.s += 2.0  # over ANSWER_S: a message over the rate limit has no answer
    desk.poll()
    assert len(link.sent) == 2 and link.sent[0][2] == link.sent[1][2]


def test_a_seat_that_is_gone_or_a_restarted_drill_refuses_what_waits() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    link.state = LinkState.RECONNECTING
    kept = desk.take(Talk(t=0))
    assert isinstance(kept, Pending) and link.sent == []
    # The trainer restarted the drill meanwhile: the action belonged to the run before.
    desk.view.epoch = 1
    link.state, link.joins = LinkState.JOINED, 2
    desk.poll()
    assert [s.reply for s in desk.settled()] == [Refused(DeskRefusal.RESTARTED)]
    assert link.sent == []
    # The seat is gone (freed, or the app left): what waits is refused, nothing is taken.
    link.state = LinkState.RECONNECTING
    gone = desk.take(Talk(t=0))
    link.state = LinkState.FAILED
    desk.poll()
    assert [(s.ticket, s.reply) for s in desk.settled()] == [
        (gone.ticket, Refused(DeskRefusal.NOT_CONNECTED))] if isinstance(gone, Pending) else False
    assert desk.take(Talk(t=0)) == Refused(DeskRefusal.NOT_CONNECTED)
    # The reason reads in the user's language.
    text = refusal_text(DeskRefusal.RESTARTED, lambda key, **_: key)
    assert text == "drill.refused_restarted"


def test_an_answer_that_came_before_the_drop_is_kept() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    sent = desk.take(Delete(t=0, comment="c1"))
    assert isinstance(sent, Pending)
    link.inbox.append(ack(link.last, accepted=True))
    link.state = LinkState.RECONNECTING
    desk.poll()
    assert [s.reply for s in desk.settled()] == [Applied()]


ACTIONS = st.sampled_from([Delete(t=0, comment="c1"), Block(t=0, viewer="v1"),
                           Pin(t=0, comment="c1"), SetComments(t=0, enabled=False),
                           SetComments(t=0, enabled=True), Talk(t=0), Undo(t=0)])


class RoomLink(Recorder):
    """A link over which each message's connection is known (the link's ``joins`` then)."""

    def __init__(self) -> None:
        super().__init__()
        self.on: list[int] = []

    def act(self, action: AnyAction, cid: str) -> int:
        self.on.append(self.joins)
        return super().act(action, cid)


class DeskBookkeeping(RuleBasedStateMachine):
    """A drill desk over a link that drops and a room that applies a client id once: every
    action taken ends exactly once and in the order taken, applied exactly when the room
    applied it, refused with the room's reason when it refused it; nothing waits while the
    link is up, and everything ends once it stays up; an undo is offered only inside the
    room's window."""

    def __init__(self) -> None:
        super().__init__()
        self.link, self.wall = RoomLink(), Wall(100.0)
        self.desk = DrillDesk(DrillView(), self.link, self.wall)
        self.desk.view.undo_ms = 4000
        self.open: list[int] = []
        self.ended: dict[int, Applied | Refused] = {}
        self.cid: dict[int, str] = {}  # ticket → its client id
        #: The room: each cid it applied, and whether it accepted it (its first answer).
        self.applied: dict[str, bool] = {}
        self.received = 0  # messages that reached the room (a prefix of link.sent)

    def _poll(self) -> None:
        self.desk.poll()
        for settled in self.desk.settled():
            assert settled.ticket == self.open[0], "answers end the actions in order"
            self.open.pop(0)
            self.ended[settled.ticket] = settled.reply
            first = self.applied.get(self.cid[settled.ticket])
            if settled.reply == Applied():
                assert first is True
            elif settled.reply == Refused(RejectCode.COMMENT_GONE):
                assert first is False

    @rule(action=ACTIONS)
    @counted
    def take(self, action: AnyAction) -> None:
        reply = self.desk.take(action)
        assert isinstance(reply, Pending)
        self.open.append(reply.ticket)
        self.cid[reply.ticket] = self.desk.kept[-1].cid

    @precondition(lambda self: len(self.link.sent) > self.received)
    @rule(accepted=st.booleans(), lost=st.booleans())
    @counted
    def room_gets_them(self, accepted: bool, lost: bool) -> None:
        """What was sent reaches the room, in order: a cid it had applied is answered with
        the first answer, a new one is applied (accepted or not). Answers reach the desk
        only on the connection in use, and are lost if the link drops now."""
        if lost:
            self.link.state = LinkState.RECONNECTING
        for n in range(self.received, len(self.link.sent)):
            ident, action, cid = self.link.sent[n]
            first = self.applied.setdefault(cid, accepted)
            if self.link.state is LinkState.JOINED and self.link.on[n] == self.link.joins:
                self.link.inbox.append(ack(ident, first, None if first else "comment_gone",
                                           undoable=first and undoable(action)))
        self.received = len(self.link.sent)
        self._poll()

    @rule(reach=st.booleans())
    @counted
    def drop(self, reach: bool) -> None:
        """The link drops; what was on its way reaches the room, or never does."""
        if not reach:
            self.received = len(self.link.sent)  # lost on the air
        self.link.state = LinkState.RECONNECTING
        self._poll()

    @rule(reach=st.booleans())
    @counted
    def blip(self, reach: bool) -> None:
        """The link drops and is back between two frames: only ``joins`` tells."""
        if not reach:
            self.received = len(self.link.sent)
        self.link.state = LinkState.JOINED
        self.link.joins += 1
        self._poll()

    @rule()
    @counted
    def rejoin(self) -> None:
        if self.link.state is not LinkState.JOINED:
            self.link.state = LinkState.JOINED
            self.link.joins += 1
            self._poll()

    @rule(seconds=st.floats(0.0, 6.0))
    @counted
    def wait(self, seconds: float) -> None:
        self.wall.s += seconds
        self._poll()

    @invariant()
    def every_action_is_open_or_ended_once(self) -> None:
        assert self.open == list(self.desk.pending)
        assert not set(self.open) & set(self.ended)

    @invariant()
    def the_oldest_is_on_its_way_while_the_link_is_up(self) -> None:
        sent = self.desk.sent
        if sent is not None:
            assert sent.kept is self.desk.kept[0]
        if self.link.state is LinkState.JOINED and self.desk.kept:
            assert sent is not None

    @invariant()
    def undo_only_inside_the_window(self) -> None:
        left = self.desk.undo_left_ms()
        assert 0 <= left <= self.desk.view.undo_ms
        assert (self.desk.undoable is None) == (left == 0)

    def teardown(self) -> None:
        """Once the link stays up, every action ends, each as the room answered it."""
        self.rejoin()
        for _ in range(len(self.open)):
            self.room_gets_them(True, False)
        assert self.open == [] and self.desk.kept == []


TestDeskBookkeeping = DeskBookkeeping.TestCase
