"""One drill room, sans-I/O: decoded client messages and time in, messages out.

A :class:`DrillRoom` wraps one :class:`moderation.engine.Session` (the room rules
live in :class:`moderation.room.Room`; this is the drill around them). It reads
no clock and does no I/O: every call takes ``now`` (monotonic wall
milliseconds, from the caller) and returns an :class:`~server.outbox.Outcome`.

Every input — a seat joining, an action, a trainer's command, a clock
checkpoint — becomes a typed record (:mod:`server.journal`) that is appended
to the room's journal *and then* applied by the one function a restart uses
too, :meth:`DrillRoom._apply`. If the journal cannot store it, the sender gets
``not_saved`` and the room is unchanged.

The pieces, one job each: :mod:`server.seats` (the seats) and :mod:`server.seating`
(who may take one: joining, tokens, taking a seat back),
:mod:`server.clock` (status and room time), :mod:`server.views` (who sees
what, numbered per view), :mod:`server.controls` (the trainer's rules),
:mod:`server.board` and :mod:`server.results` (standings, debrief, exports),
:mod:`server.snapshot` (the live for a late joiner).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import assert_never

from i18n import translate
from moderation.actions import (
    HOST,
    SEAT_ACTIONS,
    AddModerator,
    Permission,
    RemoveModerator,
    Talk,
    undoable,
)
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import Event, RejectCode, SessionEnded
from moderation.scorecard import Scorecard
from moderation.timing import UNDO_MS
from protocol.inbound import (
    ActionMsg,
    Command,
    Control,
    ErrorCode,
    Export,
    FreeSeat,
    Hello,
    InjectMsg,
    Note,
    Ping,
    RejoinMsg,
    SettingsMsg,
)
from protocol.outbound import (
    AckOut,
    CoachingData,
    DebriefOut,
    EndedData,
    ErrorOut,
    ExportOut,
    FreedData,
    JoinedData,
    MediaInfo,
    NoteData,
    PausedData,
    PongOut,
    RejoinsOut,
    ResetData,
    RoomState,
    ScenarioRef,
    SettingsData,
    TemplateKey,
    TrainerState,
    WaitingOut,
    WelcomeOut,
)
from protocol.roles import Role, View
from scenarios.schema import Economy, Scenario
from scenarios.taxonomy import InjectKind, ReportReason

from .board import Board
from .clock import PauseReason, RoomClock, Status
from .coaching_log import CoachingLog
from .controls import ALLOWED, RoomSettings, inject_action
from .journal import (
    ActionRec,
    AnyRecord,
    ClockRec,
    CoachRec,
    ControlRec,
    FreeRec,
    InjectRec,
    JoinRec,
    Journal,
    JournalError,
    MemoryJournal,
    NoteRec,
    SettingsRec,
    SpeechRec,
    TokenRec,
)
from .outbox import CONN, Outbox, Outcome, Target, ToPending, ToSeat, ToView
from .results import csv_text, results_rows, session_file
from .seating import (
    Admission,
    AnotherToken,
    Places,
    Refusal,
    Rejoin,
    Resume,
    Seating,
    TakeBack,
    new_token,
)
from .seats import Seat, Seats
from .snapshot import snapshot
from .views import ViewLogs

__all__ = ["BOARD_EVERY_MS", "DRILL_MODERATORS", "DrillRoom"]

#: How often (wall ms) the leaderboard and seat activity are sent while something changed.
BOARD_EVERY_MS = 2000
#: Moderator seats a drill room takes before team mode is needed.
DRILL_MODERATORS = 100
#: Seats get moderation permissions as TikTok's default moderators have, plus pinning.
SEAT_PERMISSIONS = (Permission.MODERATE, Permission.FILTER, Permission.COMMENTS, Permission.PIN)

ClientMessage = ActionMsg | Control | Export | FreeSeat | Hello | InjectMsg | Note | Ping \
    | RejoinMsg | SettingsMsg


@dataclass(frozen=True, slots=True)
class _Applied:
    """A record was journalled and applied; an action may still have been refused."""

    rejected: RejectCode | None = None
    #: The accepted action can be taken back with an undo (moderation.actions.undoable).
    undoable: bool = False


@dataclass(frozen=True, slots=True)
class _Kept:
    """The run before a reset, kept for its participants' debriefs until the next start."""

    epoch: int
    board: Board
    coaching: CoachingLog
    #: The participants as the run ended (their counts), by seat id.
    seats: dict[str, Seat]


class DrillRoom:
    """A drill room: seats, roles, the clock, and the engine session they share."""

    def __init__(self, code: str, trainer_key: str, scenario: Scenario, content: ContentIndex,
                 economy: Economy, seed: int, journal: Journal | None = None) -> None:
        self.code = code
        self.trainer_key = trainer_key
        # A village-hall drill seats up to sixty people; each moderates as
        # themselves, beyond TikTok's twenty (team mode groups them instead).
        self.scenario = scenario.model_copy(update={"settings": scenario.settings.model_copy(
            update={"max_moderators": max(scenario.settings.max_moderators, DRILL_MODERATORS)})})
        self.content = content
        self.economy = economy
        self.seed = seed
        self.journal: Journal = MemoryJournal() if journal is None else journal
        self.out = Outbox()
        self.views = ViewLogs(self.out)
        self.seats = Seats()
        self.clock = RoomClock()
        self.settings = RoomSettings()
        self.epoch = 0
        #: The host's camera as the server's video last reported it (None: no video).
        self.media: MediaInfo | None = None
        #: The host's camera and voice warnings of this run.
        self.coaching = CoachingLog()
        #: Joining, tokens, taking a seat back (server.seating).
        self.seating = Seating(self.seats, trainer_key)
        self._board_wall = 0
        self._seats_dirty = False
        #: After a reset, the run before, for each participant's debrief until the next start.
        self._kept: _Kept | None = None
        self.session = self._new_session()
        self.board = Board(self.session, self.seats, self.settings, content)

    def _new_session(self) -> Session:
        session = Session(self.scenario, self.content, self.economy, self.seed)
        # Seats take the moderator places; the scenario's placeholder moderators
        # would only take moderator places.
        for name in list(session.room.moderators):
            session.apply(RemoveModerator(t=0, actor=HOST, name=name))
        return session

    @property
    def status(self) -> Status:
        return self.clock.status

    @property
    def card(self) -> Scorecard | None:
        """The final scorecard, once the drill ended."""
        return None if self.board.final is None else self.board.final.card

    def room_time(self, now: int) -> int:
        """Simulated ms: wall time since the start, minus paused time; never backwards."""
        return self.clock.time(now, self.session.now)

    # ------------------------------------------------------------ inputs

    def _commit(self, record: AnyRecord, wall: int | None, lang: str = "id",
                msg_id: int | None = None, to: Target = CONN) -> _Applied | None:
        """Journal ``record``, then apply it; None (and ``not_saved``) if it was not stored."""
        try:
            self.journal.append(record)
        except JournalError:
            self._error(ErrorCode.NOT_SAVED, lang, msg_id, to=to)
            return None
        return self._apply(record, wall)

    def _apply(self, record: AnyRecord, wall: int | None) -> _Applied:
        """Carry out one journalled input: live (``wall`` given) or replaying (None)."""
        match record:
            case JoinRec():
                self._apply_join(record)
            case ActionRec():
                return self._apply_action(record)
            case ControlRec():
                self._apply_control(record, wall)
            case InjectRec():
                result = self.session.apply(record.inject)
                self._events(result.events)
                return _Applied(result.rejected)
            case SettingsRec():
                self._apply_settings(record)
            case NoteRec():
                self._advance(record.t)
                self.views.room("note", self.session.now, self.epoch, NoteData(text=record.text))
            case ClockRec():
                self.clock.checkpoint = record.t
                self._advance(record.t)
            case FreeRec():
                self._apply_free(record)
            case CoachRec():
                self._apply_coach(record)
            case SpeechRec():
                self._apply_speech(record)
            case TokenRec():
                self._apply_token(record)
        return _Applied()

    def restore(self, records: Iterable[AnyRecord]) -> None:
        """Rebuild the room from its journal (after a restart). Nothing is sent."""
        self.out.muted = True
        try:
            for record in records:
                self._apply(record, None)
        finally:
            self.out.muted = False
            self.out.take()
        for seat in self.seats:
            seat.online = 0

    def after_restore(self, now: int) -> Outcome:
        """A restored room that was running comes back paused; the trainer resumes it."""
        if self.status is Status.RUNNING:
            self._commit(ControlRec(t=self.room_time(now), command=Command.PAUSE, wall=now,
                                    reason=PauseReason.RESTORED), now)
        return self.out.take()

    # ------------------------------------------------------------ the engine's events

    def _events(self, events: Iterable[Event]) -> None:
        ended = False
        for event in events:
            self.views.event(event, self.epoch)
            self.board.event(event)
            ended = ended or isinstance(event, SessionEnded)
        if ended and self.status is not Status.ENDED:
            self._finish(self.session.now)

    def _advance(self, t: int) -> None:
        if t > self.session.now and not self.session.ended:
            self._events(self.session.advance(t))

    # ------------------------------------------------------------ joining

    def _places(self) -> Places:
        return Places(self.session.room.moderators, self.scenario.settings.max_moderators,
                      self.settings.team_mode)

    def join(self, hello: Hello, now: int) -> Outcome:
        """A connection's first message (:meth:`server.seating.Seating.join` decides what
        becomes of it). ``outcome.seat`` is set when it succeeded; ``outcome.pending`` when
        it waits for the trainer (docs/protocol.md, "Taking a seat back")."""
        plan = self.seating.join(hello, self._places())
        match plan:
            case Resume():
                self._welcome(plan.seat, plan.token, hello.last_seq, resumed=True)
            case AnotherToken():
                self._give_token(plan.seat, hello, now, CONN, replace=False)
            case Rejoin():
                self._hold(plan)
            case Admission():
                self._new_seat(hello, plan, now, CONN)
            case Refusal():
                self._error(plan.code, hello.lang, hello.id, limit=plan.limit)
            case _:
                assert_never(plan)
        return self.out.take()

    def _new_seat(self, hello: Hello, admission: Admission | Refusal, now: int, to: Target,
                  request: str | None = None) -> None:
        """Take the new seat ``admission`` gives ``hello`` (answer ``to``)."""
        if isinstance(admission, Refusal):
            self._error(admission.code, hello.lang, hello.id, limit=admission.limit, to=to)
            return
        token, token_hash = new_token()
        record = JoinRec(t=self.room_time(now), seat=self.seats.next_id(),
                         token_hash=token_hash, role=admission.role, name=admission.name,
                         team=admission.team, actor=admission.actor, lang=hello.lang)
        if self._commit(record, now, hello.lang, hello.id, to) is not None:
            seat = self.seats[record.seat]
            try:
                self._welcome(seat, token, None, resumed=False, to=to, request=request)
            except Exception:
                # A seat whose welcome never went out must not hold a place (the host's!).
                self.out.take()
                self._commit(FreeRec(t=self.room_time(now), seat=seat.id), now)
                raise

    def _give_token(self, seat: Seat, hello: Hello, now: int, to: Target, replace: bool,
                    request: str | None = None) -> None:
        """Welcome ``hello`` to an existing seat with a new token."""
        token, token_hash = new_token()
        record = TokenRec(t=self.room_time(now), seat=seat.id, token_hash=token_hash,
                          replace=replace, lang=hello.lang)
        if self._commit(record, now, hello.lang, hello.id, to) is not None:
            self._welcome(seat, token, None, resumed=replace, to=to, request=request)

    def _apply_token(self, record: TokenRec) -> None:
        seat = self.seating.token_given(record)
        if record.replace:
            # Its other device is closed: the seat is hers, here.
            self.out.moved(seat.id)
            self._seats_dirty = True

    # ------------------------------------------------------------ taking a seat back

    def _hold(self, rejoin: Rejoin) -> None:
        """``rejoin`` has the name of a seat: it waits for the trainer's answer."""
        hello = rejoin.hello
        self.out.pending(rejoin.request)
        self.out.reply(WaitingOut(id=hello.id, reason="rejoin", request=rejoin.request,
                                  message=translate("serve.waiting.rejoin", hello.lang,
                                                    name=self.seats[rejoin.seat].name)))
        self._send_rejoins()

    def withdraw(self, request: str) -> Outcome:
        """The waiting connection of ``request`` closed before the trainer decided."""
        if self.seating.withdraw(request):
            self._send_rejoins()
        return self.out.take()

    def rejoins_message(self) -> RejoinsOut:
        return self.seating.waiting_message()

    def _send_rejoins(self) -> None:
        self.out.send(ToView(View.TRAINER), self.rejoins_message())

    def _rejoin(self, seat: Seat, msg: RejoinMsg, now: int) -> None:
        """The trainer's answer: her seat back, or a new seat as any ``hello`` gets."""
        answer = self.seating.answer(msg.request, msg.give_seat)
        if answer is None:
            self._error(ErrorCode.UNKNOWN_REQUEST, seat.lang, msg.id, detail=msg.request)
            return
        if isinstance(answer, TakeBack):
            rejoin = answer.rejoin
            self._give_token(answer.seat, rejoin.hello, now, ToPending(rejoin.request),
                             replace=True, request=rejoin.request)
        else:
            self._new_seat(answer.hello, self.seating.admit(answer.hello, self._places()), now,
                           ToPending(answer.request), answer.request)
        self.out.reply(AckOut(id=msg.id, accepted=True))
        self._send_rejoins()

    def _apply_join(self, record: JoinRec) -> None:
        self._advance(record.t)
        seat = self.seating.seated(record)
        self._register(seat)
        self.views.room("joined", self.session.now, self.epoch, JoinedData(
            seat=seat.id, name=seat.name, role=seat.role, team=seat.team, actor=seat.actor))
        self._seats_dirty = True

    def _register(self, seat: Seat) -> None:
        """Make a moderator seat's actor a moderator of the engine's room."""
        if seat.role is not Role.MODERATOR or seat.actor is None or self.session.ended:
            return
        if seat.actor in self.session.room.moderators:
            return
        result = self.session.apply(AddModerator(t=self.session.now, actor=HOST,
                                                 name=seat.actor, permissions=SEAT_PERMISSIONS))
        self._events(result.events)

    def _welcome(self, seat: Seat, token: str, last_seq: int | None, resumed: bool,
                 to: Target = CONN, request: str | None = None) -> None:
        """Welcome a connection (``to``) to ``seat``; a waiting one (``request``) is admitted."""
        view = seat.view
        missed = self.views.missed(view, last_seq)
        self.out.send(to, WelcomeOut(
            room=self.code, seat=seat.id, token=token, role=seat.role, name=seat.name,
            actor=seat.actor, team=seat.team, epoch=self.epoch, seq=self.views.seq(view),
            resumed=resumed, replay=len(missed), state=self._state(seat),
            snapshot=snapshot(self.session, staff=seat.role is not Role.OBSERVER),
            actions=self._actions_of(seat)))
        for payload in missed:
            self.out.send_text(to, payload)
        if request is None:
            self.out.joined(seat)
        else:
            self.out.admitted(request, seat)
        self.out.send(to, self.board.for_role(seat.role))
        if self.board.final is not None:
            self.out.send(to, self._debrief(seat))
        elif (kept := self._kept_debrief(seat)) is not None:
            self.out.send(to, kept)
        if seat.role is Role.TRAINER:
            self.out.send(to, self.board.seats_message())
            self.out.send(to, self.rejoins_message())

    def _state(self, seat: Seat) -> RoomState:
        """Room state for a welcome; the trainer's carries the answer key."""
        lang = seat.lang
        host = self.seats.host()
        fields = {
            "status": self.status, "t": self.session.now,
            "duration_ms": self.session.duration,
            "scenario": ScenarioRef(id=self.scenario.id, title=self.scenario.title.get(lang)),
            "leaderboard": self.settings.leaderboard, "team_mode": self.settings.team_mode,
            "verdicts_live": self.settings.verdicts_live,
            "mute_presets": list(self.scenario.settings.mute_presets_s),
            "report_reasons": [r.value for r in ReportReason],
            "undo_ms": UNDO_MS,
            "host": None if host is None else host.name,
            "media": self.media,
        }
        if seat.role is not Role.TRAINER:
            return RoomState.model_validate(fields)
        room = self.session.room
        return TrainerState.model_validate({
            **fields,
            "injects": [k.value for k in InjectKind],
            # The template of each comment on screen: the trainer's stream shows the key
            # for comments posted before the console (re)connected too.
            "truth": {cid: room.comments[cid].template for cid in room.stream.on_screen()},
            "templates": {tid: TemplateKey(
                category=tpl.category.value, harmful=tpl.harmful, severity=tpl.severity,
                acceptable=[r.value for r in tpl.acceptable],
                explanation=tpl.explanation.get(lang), translation_en=tpl.translation_en)
                for tid, tpl in self.content.by_id.items()},
        })

    def connected(self, seat: Seat, up: bool) -> Outcome:
        """A connection of ``seat`` opened (after its welcome) or closed."""
        seat.online = max(0, seat.online + (1 if up else -1))
        self._seats_dirty = True
        return self.out.take()

    # ------------------------------------------------------------ messages

    def handle(self, seat: Seat, msg: ClientMessage, now: int) -> Outcome:
        """Handle one decoded message from a joined seat."""
        if self.seats.get(seat.id) is not seat:
            self._error(ErrorCode.BAD_TOKEN, seat.lang, msg.id)  # freed meanwhile
            return self.out.take()
        match msg:
            case Ping():
                self.out.reply(PongOut(id=msg.id, t=self.room_time(now)))
            case Hello():
                self._error(ErrorCode.ALREADY_JOINED, seat.lang, msg.id)
            case ActionMsg():
                self._seat_action(seat, msg, now)
            case _ if seat.role is not Role.TRAINER:
                self._error(ErrorCode.UNAUTHORISED, seat.lang, msg.id, detail="type")
            case Control():
                self._control(seat, msg, now)
            case InjectMsg():
                self._inject(seat, msg, now)
            case SettingsMsg():
                self._settings(seat, msg, now)
            case Note():
                self._acked(self._commit(NoteRec(t=self.room_time(now), text=msg.text), now,
                                         seat.lang, msg.id), seat, msg.id)
            case Export():
                self._export(seat, msg)
            case FreeSeat():
                self._free(seat, msg, now)
            case RejoinMsg():
                self._rejoin(seat, msg, now)
        return self.out.take()

    def _error(self, code: ErrorCode, lang: str, msg_id: int | None, detail: str = "",
               limit: int | None = None, to: Target = CONN) -> None:
        params = {} if limit is None else {"limit": limit}
        self.out.send(to, ErrorOut(code=code, message=translate(f"serve.error.{code.value}", lang,
                                                             **params),
                                detail=detail, id=msg_id))

    def _actions_of(self, seat: Seat) -> list[str]:
        """The action types ``seat`` may send and holds the permission for."""
        actor, room = seat.actor, self.session.room
        if actor is None:
            return []
        return [name for name, cls in SEAT_ACTIONS.items()
                if seat.role in cls.roles and room.refusal_of(cls, actor) is None]

    def _acked(self, applied: _Applied | None, seat: Seat, msg_id: int | None,
               cid: str | None = None, repeat: bool = False) -> None:
        """Answer a journalled message: accepted, or refused with the engine's reason."""
        if applied is None:
            return  # not_saved was sent
        code = applied.rejected
        self.out.reply(AckOut(id=msg_id, accepted=code is None,
                              code=None if code is None else code.value,
                              hint=None if code is None else translate(f"reject.{code.value}",
                                                                       seat.lang),
                              undoable=applied.undoable, cid=cid, repeat=repeat))

    def _seat_action(self, seat: Seat, msg: ActionMsg, now: int) -> None:
        body = msg.action
        if seat.role not in SEAT_ACTIONS[body.type].roles or seat.actor is None:
            self._error(ErrorCode.UNAUTHORISED, seat.lang, msg.id,
                        detail=f"action.type: {body.type} is not for a {seat.role.value} seat")
            return
        first = None if msg.cid is None else seat.answers.get(msg.cid)
        if first is not None:
            # Sent again (its answer was lost with a connection): applied once, whatever the
            # room's state now; the undo offer belonged to the first answer.
            self._acked(_Applied(first.rejected), seat, msg.id, msg.cid, repeat=True)
            return
        if self.status is not Status.RUNNING:
            self._error(ErrorCode.BAD_STATE, seat.lang, msg.id)
            return
        t = self.room_time(now)
        record = ActionRec(t=t, seat=seat.id, action=body.to_action(t, seat.actor),
                           cid=msg.cid)
        self._acked(self._commit(record, now, seat.lang, msg.id), seat, msg.id, msg.cid)

    def _apply_action(self, record: ActionRec) -> _Applied:
        seat = self.seats[record.seat]
        action = record.action
        result = self.session.apply(action)
        self._events(result.events)
        seat.actions += 1
        seat.last_action, seat.last_t = action.type, action.t
        if result.rejected is not None:
            seat.rejected += 1
        else:
            self.board.action(seat.id, action)
        if record.cid is not None:
            seat.answers.remember(record.cid, result.rejected)
        self._seats_dirty = True
        return _Applied(result.rejected, result.rejected is None and undoable(action))

    # ------------------------------------------------------------ trainer

    def _control(self, seat: Seat, msg: Control, now: int) -> None:
        if self.status not in ALLOWED[msg.command]:
            self._error(ErrorCode.BAD_STATE, seat.lang, msg.id)
            return
        record = ControlRec(t=self.room_time(now), command=msg.command, wall=now)
        self._acked(self._commit(record, now, seat.lang, msg.id), seat, msg.id)

    def _apply_control(self, record: ControlRec, wall: int | None) -> None:
        command, t = record.command, record.t
        if command is Command.RESET:
            self._reset()
            return
        self._advance(t)
        if command is Command.START:
            self._kept = None
            self.clock.run(t, wall)
            self.views.room("started", t, self.epoch)
        elif command is Command.PAUSE:
            self.clock.pause(t)
            self.views.room("paused", t, self.epoch, PausedData(reason=record.reason))
        elif command is Command.RESUME:
            self.clock.run(t, wall)
            self.views.room("resumed", t, self.epoch)
        elif command is Command.END:
            self._events(self.session.end(t))
            if self.status is not Status.ENDED:
                self._finish(self.session.now)

    def _reset(self) -> None:
        if self.board.final is not None:
            # A participant keeps her results on her phone until the next run starts, also
            # when it reconnects meanwhile (docs/protocol.md, "debrief").
            self._kept = _Kept(self.epoch, self.board, self.coaching, {
                seat.id: replace(seat) for seat in self.seats if seat.role is not Role.TRAINER})
        self.epoch += 1
        self.clock.reset()
        self.coaching = CoachingLog()
        self.seats.retired.clear()
        self.session = self._new_session()
        self.board = Board(self.session, self.seats, self.settings, self.content)
        self.views.room("reset", 0, self.epoch, ResetData(epoch=self.epoch))
        for seat in self.seats:
            seat.clear_counts()
            self._register(seat)
        self._seats_dirty = True
        self._send_boards()

    # ------------------------------------------------------------ the organiser

    def command(self, command: Command, now: int) -> tuple[bool, Outcome]:
        """The training day's organiser drives the room as its trainer would: whether the
        room took the command (not when it does not fit the room's state or could not be
        journalled), and what to send."""
        done = self.status in ALLOWED[command] and self._commit(
            ControlRec(t=self.room_time(now), command=command, wall=now), now) is not None
        return done, self.out.take()

    def set_team_mode(self, on: bool, now: int) -> tuple[bool, Outcome]:
        """Team mode chosen when the room was made (before anyone joined)."""
        msg = SettingsMsg(v=1, type="settings", team_mode=on)
        done = self.settings.allows(msg, self.status, self.seats.has_moderators()) \
            and self._commit(SettingsRec(t=self.room_time(now), team_mode=on), now) is not None
        return done, self.out.take()

    def harm_on_screen(self) -> int:
        """Harmful comments the viewers can see now (the overview's "harm still on screen")."""
        return self.session.room.stream.harmful_on_screen

    def _inject(self, seat: Seat, msg: InjectMsg, now: int) -> None:
        if self.status is not Status.RUNNING:
            self._error(ErrorCode.BAD_STATE, seat.lang, msg.id)
            return
        t = self.room_time(now)
        record = InjectRec(t=t, action=inject_action(msg, t))
        self._acked(self._commit(record, now, seat.lang, msg.id), seat, msg.id)

    def _settings(self, seat: Seat, msg: SettingsMsg, now: int) -> None:
        if not self.settings.allows(msg, self.status, self.seats.has_moderators()):
            self._error(ErrorCode.BAD_STATE, seat.lang, msg.id)
            return
        record = SettingsRec(t=self.room_time(now), leaderboard=msg.leaderboard,
                             team_mode=msg.team_mode, verdicts_live=msg.verdicts_live)
        self._acked(self._commit(record, now, seat.lang, msg.id), seat, msg.id)

    def _apply_settings(self, record: SettingsRec) -> None:
        self._advance(record.t)
        settings = self.settings
        settings.update(record.leaderboard, record.team_mode, record.verdicts_live)
        self.views.room("settings", self.session.now, self.epoch, SettingsData(
            leaderboard=settings.leaderboard, team_mode=settings.team_mode,
            verdicts_live=settings.verdicts_live))
        self._send_boards()

    def _free(self, seat: Seat, msg: FreeSeat, now: int) -> None:
        if msg.seat not in self.seats:
            self._error(ErrorCode.UNKNOWN_SEAT, seat.lang, msg.id, detail=msg.seat)
            return
        record = FreeRec(t=self.room_time(now), seat=msg.seat)
        self._acked(self._commit(record, now, seat.lang, msg.id), seat, msg.id)

    def _apply_free(self, record: FreeRec) -> None:
        self._advance(record.t)
        seat = self.seats.free(record.seat)
        if self._kept is not None:
            self._kept.seats.pop(seat.id, None)
        actor = seat.actor
        if seat.role is Role.MODERATOR and actor is not None and not self.seats.with_actor(actor) \
                and actor in self.session.room.moderators and not self.session.ended:
            # Its moderator place is free again.
            self._events(self.session.apply(RemoveModerator(
                t=self.session.now, actor=HOST, name=actor)).events)
        self.views.room("freed", self.session.now, self.epoch,
                        FreedData(seat=seat.id, name=seat.name, role=seat.role))
        self.out.close(seat.id)
        self._seats_dirty = True

    def _export(self, seat: Seat, msg: Export) -> None:
        stem = f"gladi-{self.code}-{self.epoch}"
        if msg.format == "csv":
            content, filename = self.results_csv(seat.lang), stem + ".csv"
        else:
            content, filename = self.session_file(), stem + ".json"
        self.out.reply(ExportOut(id=msg.id, format=msg.format, filename=filename,
                                 content=content))

    # ------------------------------------------------------------ clock

    def tick(self, now: int) -> Outcome:
        """Advance the running room to ``now``; send the leaderboard and seat activity."""
        if self.status is Status.RUNNING:
            t = self.room_time(now)
            if self.clock.checkpoint_due(t) or t >= self.session.next_change():
                self._checkpoint(t)
        if now - self._board_wall >= BOARD_EVERY_MS:
            self._board_wall = now
            if self.board.dirty and self.status in (Status.RUNNING, Status.PAUSED):
                self._seats_dirty = True  # the harm on screen per seat changed too
                self._send_boards()
            if self._seats_dirty:
                self._seats_dirty = False
                self.out.send(ToView(View.TRAINER), self.board.seats_message())
        return self.out.take()

    def _checkpoint(self, t: int) -> None:
        """Journal the clock at ``t``, then advance to it.

        Write-ahead for what the clock shows: every sequenced message a seat gets comes
        from a journalled record, so a restored room numbers its messages as before and
        never gives a number two meanings. While the journal cannot store the clock, the
        stream waits (nothing is shown that a restart would not show again); the next tick
        tries again and catches up in order.
        """
        try:
            self.journal.append(ClockRec(t=t))
        except JournalError:
            return
        self._apply(ClockRec(t=t), None)

    # ------------------------------------------------------------ results

    def _send_boards(self) -> None:
        self.board.dirty = False
        if self.out.muted:
            return
        self.out.send(ToView(View.TRAINER), self.board.for_role(Role.TRAINER))
        seats = self.board.for_role(Role.MODERATOR)
        for view in (View.STAFF, View.OBSERVER):
            self.out.send(ToView(view), seats)

    def _finish(self, t: int) -> None:
        self.clock.stop(t)
        card = self.board.finish().card
        self.views.room("ended", t, self.epoch, EndedData(score=card.score, passed=card.passed))
        self._send_boards()
        if not self.out.muted:
            for seat in self.seats:
                if seat.online:
                    self.out.send(ToSeat(seat.id), self._debrief(seat))
        self._seats_dirty = True

    def results_rows(self, lang: str) -> list[list[object]]:
        """One row per participant, header first: who, role, team, and their credit."""
        now = self.board.standing()
        return results_rows(self.code, self.epoch, self.scenario.id, self.seats, now.card,
                            now.rows, now.seat_hits, lang, self.status)

    def results_csv(self, lang: str) -> str:
        """:meth:`results_rows` as the CSV file Excel in ``lang`` opens (server.results)."""
        return csv_text(self.results_rows(lang), lang)

    def session_file(self) -> str:
        """The replayable session file (moderation.sessionfile) with the room's seats."""
        return session_file(self.session, self.code, self.epoch, self.seats,
                            self.board.standing().card, coaching=self.coaching.to_json())

    # ------------------------------------------------------------ the host's camera

    def coach(self, records: Iterable[CoachRec], now: int) -> Outcome:
        """Warnings about the host's camera and voice raised or cleared (stamped by the
        server's video with the room time): journalled, and to the trainer's view. An ended
        run keeps the warnings it had."""
        if self.status is not Status.ENDED:
            for record in records:
                self._commit(record, now)
        return self.out.take()

    def _apply_coach(self, record: CoachRec) -> None:
        self.coaching.add(record)
        self.views.room("coaching", record.t, self.epoch, CoachingData(
            change=record.change, check=record.check, level=record.level,
            hint_key=record.hint_key, params=dict(record.params), since_ms=record.since),
            views=(View.TRAINER,))

    def host_spoke(self, duration: int, now: int) -> Outcome:
        """The host on camera was heard speaking: the engine gets the host's ``talk`` (as
        the desktop app's voice detector gives it), so the judge's dead air is real."""
        if self.status is Status.RUNNING and not self.session.ended \
                and self.seats.host() is not None:
            self._commit(SpeechRec(t=self.room_time(now), duration=duration), now)
        return self.out.take()

    def _apply_speech(self, record: SpeechRec) -> None:
        result = self.session.apply(Talk(t=record.t, actor=HOST, duration=record.duration))
        self._events(result.events)

    def _debrief(self, seat: Seat) -> DebriefOut:
        """A seat's debrief of this run; the host's and the trainer's with the camera
        warnings."""
        return self._debrief_of(seat, self.board, self.coaching, self.epoch)

    def _kept_debrief(self, seat: Seat) -> DebriefOut | None:
        """A participant's debrief of the run before a reset (None: there is none for her):
        worked out when asked, from the seat as that run ended, in her language now."""
        kept = self._kept
        then = None if kept is None else kept.seats.get(seat.id)
        if kept is None or then is None:
            return None
        return self._debrief_of(replace(then, lang=seat.lang), kept.board, kept.coaching,
                                kept.epoch)

    @staticmethod
    def _debrief_of(seat: Seat, board: Board, coaching: CoachingLog, epoch: int) -> DebriefOut:
        debrief = board.debrief(seat, epoch)
        if seat.role not in (Role.HOST, Role.TRAINER) or not coaching:
            return debrief
        return debrief.model_copy(update={"coaching": coaching.lines(seat.lang)})
