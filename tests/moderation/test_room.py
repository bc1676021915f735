"""The room's rules, as two tables: every rejection, and who may do what.

:meth:`moderation.room.Room.apply` (through :meth:`moderation.engine.Session.apply`)
answers a user's mistake with a :class:`~moderation.events.RejectCode`, never an
exception. ``CASES`` names every code with the situation that earns it, and a test
fails when a code has no row, so a new code arrives with its rule pinned. ``EXPECTED``
is the permission table written out by hand for each action type and each role; the
test plays every cell against the real room, so a changed permission fails it.

Every situation starts from the same live (:func:`situation`): the engine itself,
driven by a scripted scenario, brings in the cast below, so the rows use the real
ids the engine hands out.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields

import pytest

from moderation.actions import (
    HOST,
    TRAINER,
    AcceptGuest,
    AddKeyword,
    AddModerator,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Inject,
    Mute,
    Permission,
    Pin,
    RemoveGuest,
    RemoveKeyword,
    RemoveModerator,
    Report,
    SetComments,
    Talk,
    Thank,
    Unblock,
    Undo,
    Unmute,
    Unpin,
    Welcome,
)
from moderation.engine import Session
from moderation.events import (
    ActionRejected,
    CommentPosted,
    GiftSent,
    GuestRequested,
    OfficialJoined,
    RejectCode,
)
from moderation.values import replace
from scenarios.taxonomy import InjectKind, ReportReason
from tests.factories import session

#: When every action of a row happens: the cast below is all there by then.
T = 2000

# The cast, in the order the engine brings them in (checked by test_the_cast_is_in_place).
OFFICIAL = "v1"  # the midwife joins at 0 s
GUEST_1, GUEST_2 = "v2", "v3"  # each asks to join the live at 0 s: requests r1 and r2
MOTHER = "v4"  # asks a question at 0 s: comment c1
GIVER = "v5"  # sends gift g1 during the first second
TROLL = "v6"  # posts an online-gambling comment at 1 s: comment c2
QUESTION, TROLL_COMMENT = "c1", "c2"
REQUEST_1, REQUEST_2 = "r1", "r2"
GIFT = "g1"
MODERATOR = "mod1"  # the scenario's one moderator, with the default permissions

#: Limits set low so that a row can reach them in a step or two.
MAX_GUESTS, FILTER_LIMIT, MAX_MODERATORS = 1, 2, 2


def situation() -> Session:
    """A live at :data:`T` ms with the cast in place and nothing else going on."""
    live = session(
        1,
        audience={"start_viewers": 3, "peak_viewers": 3, "ramp_s": 0, "leave_rate": 0},
        phases=[{"name": {"id": "sepi", "en": "quiet"}, "start_s": 0, "rates": {},
                 "taps": 0, "follows": 0, "shares": 0}],
        injects=[
            {"at_s": 0, "kind": "official_joins", "role": "midwife"},
            {"at_s": 0, "kind": "guest_request", "count": 2, "troll": True},
            {"at_s": 1, "kind": "gift_storm", "count": 1, "over_s": 1},
        ],
        scripted=[{"at_s": 0, "template": "q-1"}, {"at_s": 1, "template": "judol-1"}],
        settings={"max_guests": MAX_GUESTS, "filter_limit": FILTER_LIMIT,
                  "max_moderators": MAX_MODERATORS},
    )
    live.advance(T)
    return live


def test_the_cast_is_in_place() -> None:
    """The ids the tables use are the ones the engine hands out."""
    live = situation()
    officials = [e.viewer for e in live.events if isinstance(e, OfficialJoined)]
    requests = [(e.id, e.viewer) for e in live.events if isinstance(e, GuestRequested)]
    comments = [(e.id, e.viewer, e.template) for e in live.events
                if isinstance(e, CommentPosted)]
    gifts = [(e.id, e.viewer) for e in live.events if isinstance(e, GiftSent)]
    assert officials == [OFFICIAL]
    assert requests == [(REQUEST_1, GUEST_1), (REQUEST_2, GUEST_2)]
    assert comments == [(QUESTION, MOTHER, "q-1"), (TROLL_COMMENT, TROLL, "judol-1")]
    assert gifts == [(GIFT, GIVER)]
    assert live.room.present == {OFFICIAL, GUEST_1, GUEST_2, MOTHER, GIVER, TROLL}
    assert set(live.room.moderators) == {MODERATOR}
    assert live.now == T and not live.ended


# --------------------------------------------------------------- every RejectCode


@dataclass(frozen=True)
class EndLive:
    """A set-up step: the host ends the live at :data:`T`."""


Step = AnyAction | EndLive


@dataclass(frozen=True)
class Case:
    """Given these steps (each must succeed), ``action`` is refused with ``code``."""

    code: RejectCode
    action: AnyAction
    given: tuple[Step, ...] = ()


def _mute(viewer: str = TROLL, duration: int | None = 60, actor: str = HOST) -> Mute:
    return Mute(t=T, actor=actor, viewer=viewer, duration=duration)


CASES: tuple[Case, ...] = (
    # The session's clock.
    Case(RejectCode.SESSION_ENDED, Talk(t=T), given=(EndLive(),)),
    Case(RejectCode.TIME_IN_PAST, Talk(t=T - 1000)),
    # Who may act.
    Case(RejectCode.NOT_STAFF, Delete(t=T, actor=MOTHER, comment=TROLL_COMMENT)),
    Case(RejectCode.NOT_PERMITTED, Pin(t=T, actor=MODERATOR, comment=QUESTION)),
    Case(RejectCode.NOT_PERMITTED, Inject(t=T, kind=InjectKind.TROLL_RAID)),
    Case(RejectCode.NOT_PERMITTED, Delete(t=T, actor=TRAINER, comment=TROLL_COMMENT)),
    Case(RejectCode.NOT_PERMITTED, AddModerator(t=T, actor=MODERATOR, name="sari")),
    # Comments.
    Case(RejectCode.UNKNOWN_COMMENT, Delete(t=T, comment="c99")),
    Case(RejectCode.UNKNOWN_COMMENT, Answer(t=T, comment="c99")),
    Case(RejectCode.COMMENT_GONE, Delete(t=T, comment=TROLL_COMMENT),
         given=(Delete(t=T, comment=TROLL_COMMENT),)),
    Case(RejectCode.COMMENT_GONE, Pin(t=T, comment=TROLL_COMMENT),
         given=(_mute(),)),
    Case(RejectCode.ALREADY_REPORTED,
         Report(t=T, actor=MODERATOR, comment=TROLL_COMMENT, reason=ReportReason.GAMBLING),
         given=(Report(t=T, comment=TROLL_COMMENT, reason=ReportReason.GAMBLING),)),
    Case(RejectCode.ALREADY_PINNED, Pin(t=T, comment=QUESTION),
         given=(Pin(t=T, comment=QUESTION),)),
    Case(RejectCode.NOTHING_PINNED, Unpin(t=T)),
    Case(RejectCode.NOTHING_PINNED, Unpin(t=T),
         given=(Pin(t=T, comment=QUESTION), Delete(t=T, comment=QUESTION))),
    Case(RejectCode.COMMENTS_ALREADY, SetComments(t=T, enabled=True)),
    Case(RejectCode.COMMENTS_ALREADY, SetComments(t=T, actor=MODERATOR, enabled=False),
         given=(SetComments(t=T, enabled=False),)),
    # Viewers.
    Case(RejectCode.UNKNOWN_VIEWER, _mute(viewer="v99")),
    Case(RejectCode.UNKNOWN_VIEWER, Welcome(t=T, viewer="v99")),
    Case(RejectCode.VIEWER_GONE, Welcome(t=T, viewer=TROLL), given=(Block(t=T, viewer=TROLL),)),
    Case(RejectCode.STAFF_TARGET, _mute(viewer=MOTHER, actor=MODERATOR),
         given=(AddModerator(t=T, name=MOTHER),)),
    Case(RejectCode.STAFF_TARGET, Block(t=T, viewer=MOTHER),
         given=(AddModerator(t=T, name=MOTHER),)),
    Case(RejectCode.ALREADY_MUTED, _mute(duration=30), given=(_mute(),)),
    Case(RejectCode.NOT_MUTED, Unmute(t=T, viewer=TROLL)),
    Case(RejectCode.ALREADY_BLOCKED, Block(t=T, viewer=TROLL), given=(Block(t=T, viewer=TROLL),)),
    Case(RejectCode.ALREADY_BLOCKED, _mute(), given=(Block(t=T, viewer=TROLL),)),
    Case(RejectCode.NOT_BLOCKED, Unblock(t=T, viewer=TROLL)),
    Case(RejectCode.INVALID_DURATION, _mute(duration=7)),  # not one of the presets
    Case(RejectCode.INVALID_DURATION, Talk(t=T, duration=0)),
    Case(RejectCode.INVALID_DURATION, Talk(t=T, duration=600_001)),
    # The keyword filter (limit FILTER_LIMIT).
    Case(RejectCode.KEYWORD_INVALID, AddKeyword(t=T, keyword="   ")),
    Case(RejectCode.KEYWORD_INVALID, AddKeyword(t=T, keyword="x" * 51)),
    Case(RejectCode.KEYWORD_EXISTS, AddKeyword(t=T, keyword="  SLOT "),
         given=(AddKeyword(t=T, keyword="slot"),)),
    Case(RejectCode.KEYWORD_MISSING, RemoveKeyword(t=T, keyword="slot")),
    Case(RejectCode.FILTER_FULL, AddKeyword(t=T, keyword="judi"),
         given=(AddKeyword(t=T, keyword="slot"), AddKeyword(t=T, keyword="gacor"))),
    # Guests (at most MAX_GUESTS).
    Case(RejectCode.UNKNOWN_REQUEST, AcceptGuest(t=T, request="r99")),
    Case(RejectCode.REQUEST_CLOSED, AcceptGuest(t=T, request=REQUEST_1),
         given=(DeclineGuest(t=T, request=REQUEST_1),)),
    Case(RejectCode.REQUEST_CLOSED, DeclineGuest(t=T, request=REQUEST_1),
         given=(Block(t=T, viewer=GUEST_1),)),  # the one asking is no longer here
    Case(RejectCode.GUESTS_FULL, AcceptGuest(t=T, request=REQUEST_2),
         given=(AcceptGuest(t=T, request=REQUEST_1),)),
    Case(RejectCode.NOT_A_GUEST, RemoveGuest(t=T, viewer=GUEST_1)),
    Case(RejectCode.NOT_A_GUEST, RemoveGuest(t=T, viewer=GUEST_1),
         given=(AcceptGuest(t=T, request=REQUEST_1), RemoveGuest(t=T, viewer=GUEST_1))),
    # Moderators (at most MAX_MODERATORS).
    Case(RejectCode.NAME_INVALID, AddModerator(t=T, name="   ")),
    Case(RejectCode.NAME_INVALID, AddModerator(t=T, name=TRAINER)),
    Case(RejectCode.NAME_INVALID, AddModerator(t=T, name="x" * 41)),
    Case(RejectCode.MODERATOR_EXISTS, AddModerator(t=T, name=MODERATOR)),
    Case(RejectCode.UNKNOWN_MODERATOR, RemoveModerator(t=T, name="mod9")),
    Case(RejectCode.MODERATORS_FULL, AddModerator(t=T, name="dewi"),
         given=(AddModerator(t=T, name="sari"),)),
    # Hosting.
    Case(RejectCode.ALREADY_ANSWERED, Answer(t=T, comment=QUESTION),
         given=(Answer(t=T, comment=QUESTION),)),
    Case(RejectCode.TEXT_TOO_LONG, Answer(t=T, comment=QUESTION, text="x" * 501)),
    Case(RejectCode.ALREADY_THANKED, Thank(t=T, target=GIFT), given=(Thank(t=T, target=GIFT),)),
    Case(RejectCode.ALREADY_THANKED, Thank(t=T, target=QUESTION),
         given=(Thank(t=T, target=QUESTION),)),
    Case(RejectCode.UNKNOWN_TARGET, Thank(t=T, target="g99")),
    Case(RejectCode.ALREADY_WELCOMED, Welcome(t=T, viewer=OFFICIAL),
         given=(Welcome(t=T, viewer=OFFICIAL),)),
    # Undo: only the actor's own last block, pin, report or comments-off, while it holds.
    Case(RejectCode.NOTHING_TO_UNDO, Undo(t=T)),
    Case(RejectCode.NOTHING_TO_UNDO, Undo(t=T), given=(Delete(t=T, comment=TROLL_COMMENT),)),
    Case(RejectCode.NOTHING_TO_UNDO, Undo(t=T), given=(Block(t=T, viewer=TROLL), Undo(t=T))),
    Case(RejectCode.NOTHING_TO_UNDO, Undo(t=T),
         given=(Block(t=T, viewer=TROLL), Unblock(t=T, viewer=TROLL))),
    Case(RejectCode.NOTHING_TO_UNDO, Undo(t=T, actor=MODERATOR),
         given=(Pin(t=T, comment=QUESTION),)),
)


def _case_id(case: Case) -> str:
    return f"{case.code.value}-{case.action.type}-{len(case.given)}"


def _room_state(live: Session) -> dict[str, object]:
    """Everything in the room an action may change, copied."""
    room = live.room
    return {f.name: repr(getattr(room, f.name)) for f in fields(room) if f.name != "stream"}


def test_every_reject_code_has_a_row() -> None:
    """A new RejectCode needs a row in CASES, so its rule is pinned."""
    missing = [code.name for code in RejectCode if code not in {c.code for c in CASES}]
    assert not missing, f"add a row to CASES for: {', '.join(missing)}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_rule(case: Case) -> None:
    live = situation()
    for step in case.given:
        if isinstance(step, EndLive):
            live.end(T)
        else:
            result = live.apply(step)
            assert result.accepted, f"set-up step {step} refused: {result.rejected}"
    before = _room_state(live)
    events = len(live.events)

    result = live.apply(case.action)

    assert result.rejected is case.code
    assert _room_state(live) == before, "a refused action changed the room"
    if case.code in (RejectCode.SESSION_ENDED, RejectCode.TIME_IN_PAST):
        assert result.events == () and len(live.events) == events
    else:  # the refusal is in the log, for the debrief
        assert result.events == (ActionRejected(T, case.action, case.code),)
        assert live.events[events:] == [ActionRejected(T, case.action, case.code)]


# --------------------------------------------------------------- role × action

#: What each role is in the table below. ``mod+X`` is a moderator the host
#: granted only permission X; ``mod`` has the default permissions a scenario gives.
ROLES: tuple[str, ...] = (
    "host", "trainer", "viewer", "mod",
    "mod+moderate", "mod+filter", "mod+comments", "mod+pin", "mod+guests",
)

Outcome = RejectCode | None
Y: Outcome = None  # allowed (and, in the situation below, accepted)
P: Outcome = RejectCode.NOT_PERMITTED
S: Outcome = RejectCode.NOT_STAFF
N: Outcome = RejectCode.NOTHING_TO_UNDO

#: The permission table, written out by hand (compare the ``roles`` and ``permission``
#: of each class in moderation/actions.py). Columns follow ROLES. Hosting (answers,
#: thanks, welcomes, talk) is the host's alone, in a rehearsal as in a drill.
EXPECTED: dict[type[AnyAction], tuple[Outcome, ...]] = {
    #                host trainer viewer mod mod+moderate filter comments pin guests
    Mute:            (Y, P, S, Y, Y, P, P, P, P),
    Unmute:          (Y, P, S, Y, Y, P, P, P, P),
    Block:           (Y, P, S, Y, Y, P, P, P, P),
    Unblock:         (Y, P, S, Y, Y, P, P, P, P),
    Delete:          (Y, P, S, Y, Y, P, P, P, P),
    Report:          (Y, P, S, Y, Y, P, P, P, P),
    Pin:             (Y, P, S, P, P, P, P, Y, P),
    Unpin:           (Y, P, S, P, P, P, P, Y, P),
    SetComments:     (Y, P, S, Y, P, P, Y, P, P),
    AddKeyword:      (Y, P, S, Y, P, Y, P, P, P),
    RemoveKeyword:   (Y, P, S, Y, P, Y, P, P, P),
    AcceptGuest:     (Y, P, S, P, P, P, P, P, Y),
    DeclineGuest:    (Y, P, S, P, P, P, P, P, Y),
    RemoveGuest:     (Y, P, S, P, P, P, P, P, Y),
    AddModerator:    (Y, P, P, P, P, P, P, P, P),
    RemoveModerator: (Y, P, P, P, P, P, P, P, P),
    Talk:            (Y, P, P, P, P, P, P, P, P),
    Answer:          (Y, P, P, P, P, P, P, P, P),
    Thank:           (Y, P, P, P, P, P, P, P, P),
    Welcome:         (Y, P, P, P, P, P, P, P, P),
    Inject:          (P, Y, P, P, P, P, P, P, P),
    # The host pinned; a moderator has nothing of their own to undo.
    Undo:            (Y, P, S, N, N, N, N, N, N),
}

#: For each action type: what the host does first, and the action, valid in the
#: situation, that the role then tries.
SAMPLES: dict[type[AnyAction], tuple[tuple[AnyAction, ...], AnyAction]] = {
    Mute: ((), _mute()),
    Unmute: ((_mute(),), Unmute(t=T, viewer=TROLL)),
    Block: ((), Block(t=T, viewer=TROLL)),
    Unblock: ((Block(t=T, viewer=TROLL),), Unblock(t=T, viewer=TROLL)),
    Delete: ((), Delete(t=T, comment=TROLL_COMMENT)),
    Report: ((), Report(t=T, comment=TROLL_COMMENT, reason=ReportReason.GAMBLING)),
    Pin: ((), Pin(t=T, comment=QUESTION)),
    Unpin: ((Pin(t=T, comment=QUESTION),), Unpin(t=T)),
    SetComments: ((), SetComments(t=T, enabled=False)),
    AddKeyword: ((), AddKeyword(t=T, keyword="slot")),
    RemoveKeyword: ((AddKeyword(t=T, keyword="slot"),), RemoveKeyword(t=T, keyword="slot")),
    AcceptGuest: ((), AcceptGuest(t=T, request=REQUEST_1)),
    DeclineGuest: ((), DeclineGuest(t=T, request=REQUEST_1)),
    RemoveGuest: ((AcceptGuest(t=T, request=REQUEST_1),), RemoveGuest(t=T, viewer=GUEST_1)),
    AddModerator: ((), AddModerator(t=T, name="sari")),
    RemoveModerator: ((), RemoveModerator(t=T, name=MODERATOR)),
    Talk: ((), Talk(t=T)),
    Answer: ((), Answer(t=T, comment=QUESTION, text="Ya, gratis di posyandu.")),
    Thank: ((), Thank(t=T, target=GIFT)),
    Welcome: ((), Welcome(t=T, viewer=OFFICIAL)),
    Inject: ((), Inject(t=T, actor=TRAINER, kind=InjectKind.GIFT_STORM)),
    Undo: ((Pin(t=T, comment=QUESTION),), Undo(t=T)),
}


def _actor(role: str, live: Session) -> str:
    """The name ``role`` acts under in ``live``, adding a moderator when the role is one."""
    fixed = {"host": HOST, "trainer": TRAINER, "viewer": MOTHER, "mod": MODERATOR}
    if role in fixed:
        return fixed[role]
    permission = Permission(role.removeprefix("mod+"))
    # Make room for one more moderator: the table is about permissions, not the limit.
    assert live.apply(RemoveModerator(t=T, name=MODERATOR)).accepted
    assert live.apply(AddModerator(t=T, name=role, permissions=(permission,))).accepted
    return role


def _outcome(kind: type[AnyAction], role: str) -> Outcome:
    """What happens when ``role`` tries the sample action of ``kind``."""
    live = situation()
    actor = _actor(role, live)
    given, action = SAMPLES[kind]
    for step in given:
        assert live.apply(step).accepted, f"set-up step {step} refused"
    return live.apply(replace(action, actor=actor)).rejected


def _says(outcome: Outcome) -> str:
    return "allowed" if outcome is None else outcome.value


def test_the_tables_cover_every_action_type() -> None:
    """A new action type needs a row in EXPECTED and a sample."""
    kinds = set(typing.get_args(AnyAction))
    assert set(EXPECTED) == kinds
    assert set(SAMPLES) == kinds
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())
    assert all(type(action) is kind for kind, (_, action) in SAMPLES.items())


def test_every_sample_is_accepted_from_the_host_or_trainer() -> None:
    """So an "allowed" cell below means accepted, not refused for another reason."""
    for kind, (given, action) in SAMPLES.items():
        live = situation()
        for step in given:
            assert live.apply(step).accepted
        assert live.apply(action).accepted, kind.__name__


def test_role_by_action_follows_the_permission_table() -> None:
    wrong = [
        f"{kind.__name__} by {role}: the room says {_says(got)}, the table {_says(want)}"
        for kind, row in EXPECTED.items()
        for role, want in zip(ROLES, row, strict=True)
        if (got := _outcome(kind, role)) != want
    ]
    assert not wrong, "\n".join(wrong)
