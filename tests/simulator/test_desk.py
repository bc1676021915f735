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


class Wall:
    """The app's wall clock, set by hand (seconds)."""

    def __init__(self, s: float = 0.0) -> None:
        self.s = s

    def __call__(self) -> float:
        return self.s


class Recorder:
    """A link that records what the desk sends; the test plays the room's answers."""

    def __init__(self) -> None:
        self.state = LinkState.JOINED
        self.joins = 1
        self.sent: list[tuple[int, AnyAction]] = []
        self.inbox: list[AnyServerMessage] = []

    def act(self, action: AnyAction) -> int:
        self.sent.append((len(self.sent) + 1, action))
        return len(self.sent)

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

    def act(self, action: AnyAction) -> int:
        ident = super().act(action)
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
    assert isinstance(drill.take(Delete(t=0, comment=first.id)), Pending)
    assert _settle(drill, Pending(len(room.sent))) == Refused(RejectCode.COMMENT_GONE)
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


def test_a_pending_action_ends_refused_when_the_link_drops() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    sent = desk.take(SetComments(t=0, enabled=False))
    assert isinstance(sent, Pending) and desk.settled() == []
    link.state = LinkState.RECONNECTING
    desk.poll()
    [settled] = desk.settled()
    assert settled.ticket == sent.ticket
    assert settled.reply == Refused(DeskRefusal.NOT_CONNECTED)
    assert desk.pending == {}
    # While reconnecting nothing is sent: refused at once, with the same reason.
    assert desk.take(Talk(t=0)) == Refused(DeskRefusal.NOT_CONNECTED)
    assert len(link.sent) == 1
    # A request sent just before a reconnect the desk did not see is refused too.
    link.state = LinkState.JOINED
    late = desk.take(Talk(t=0))
    assert isinstance(late, Pending)
    link.joins += 1
    desk.poll()
    assert [s.reply for s in desk.settled()] == [Refused(DeskRefusal.NOT_CONNECTED)]
    # The reason reads in the user's language.
    text = refusal_text(DeskRefusal.NOT_CONNECTED, lambda key, **_: key)
    assert text == "drill.refused_not_connected"


def test_an_answer_that_came_before_the_drop_is_kept() -> None:
    link, wall = Recorder(), Wall(5.0)
    desk = DrillDesk(DrillView(), link, wall)
    sent = desk.take(Delete(t=0, comment="c1"))
    assert isinstance(sent, Pending)
    link.inbox.append(ack(sent.ticket, accepted=True))
    link.state = LinkState.RECONNECTING
    desk.poll()
    assert [s.reply for s in desk.settled()] == [Applied()]


ACTIONS = st.sampled_from([Delete(t=0, comment="c1"), Block(t=0, viewer="v1"),
                           Pin(t=0, comment="c1"), SetComments(t=0, enabled=False),
                           SetComments(t=0, enabled=True), Talk(t=0), Undo(t=0)])


class DeskBookkeeping(RuleBasedStateMachine):
    """Every action taken ends exactly once (applied, refused, or refused at once); none
    waits after its connection dropped; an undo is offered only inside the room's window."""

    def __init__(self) -> None:
        super().__init__()
        self.link, self.wall = Recorder(), Wall(100.0)
        self.desk = DrillDesk(DrillView(), self.link, self.wall)
        self.desk.view.undo_ms = 4000
        self.open: set[int] = set()
        self.ended: dict[int, Applied | Refused] = {}

    def _collect(self) -> None:
        for settled in self.desk.settled():
            assert settled.ticket in self.open and settled.ticket not in self.ended
            self.open.discard(settled.ticket)
            self.ended[settled.ticket] = settled.reply

    @rule(action=ACTIONS)
    def take(self, action: AnyAction) -> None:
        reply = self.desk.take(action)
        if isinstance(reply, Pending):
            assert self.link.state is LinkState.JOINED
            self.open.add(reply.ticket)
        else:
            assert reply == Refused(DeskRefusal.NOT_CONNECTED)
            assert self.link.state is not LinkState.JOINED

    @precondition(lambda self: bool(self.open) and self.link.state is LinkState.JOINED)
    @rule(data=st.data(), accepted=st.booleans())
    def answer(self, data: st.DataObject, accepted: bool) -> None:
        ticket = data.draw(st.sampled_from(sorted(self.open)))
        action = dict(self.link.sent)[ticket]
        self.link.inbox.append(ack(ticket, accepted, None if accepted else "comment_gone",
                                   undoable=accepted and undoable(action)))
        self.desk.poll()
        self._collect()
        assert ticket in self.ended

    @rule()
    def drop(self) -> None:
        self.link.state = LinkState.RECONNECTING
        self.desk.poll()
        self._collect()

    @rule()
    def rejoin(self) -> None:
        if self.link.state is not LinkState.JOINED:
            self.link.state = LinkState.JOINED
            self.link.joins += 1

    @rule(seconds=st.floats(0.0, 6.0))
    def wait(self, seconds: float) -> None:
        self.wall.s += seconds
        self.desk.poll()
        self._collect()

    @invariant()
    def every_action_is_open_or_ended_once(self) -> None:
        assert self.open == set(self.desk.pending)
        assert not self.open & set(self.ended)

    @invariant()
    def nothing_waits_on_a_dropped_connection(self) -> None:
        if self.link.state is not LinkState.JOINED:
            self.desk.poll()
            self._collect()
            assert self.desk.pending == {}

    @invariant()
    def undo_only_inside_the_window(self) -> None:
        left = self.desk.undo_left_ms()
        assert 0 <= left <= self.desk.view.undo_ms
        assert (self.desk.undoable is None) == (left == 0)


TestDeskBookkeeping = DeskBookkeeping.TestCase
