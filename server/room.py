"""One drill room, sans-I/O: decoded client messages and time in, messages out.

A :class:`Room` wraps one :class:`moderation.engine.Session`. It reads no clock
and does no I/O: every call takes ``now`` (monotonic wall milliseconds, from
the caller) and returns an :class:`Outcome` with

* ``inputs``: records to append to the room's log *before* anything is sent,
  because they are what a restart replays (the engine is deterministic, so
  scenario + seed + the ordered inputs rebuild the room exactly);
* ``sends``: ``(target, payload)`` pairs, where target is ``"view:trainer"``,
  ``"view:staff"``, ``"view:observer"`` (every connection of that view) or
  ``"seat:<id>"`` (every connection of one seat).

What each role sees is decided here and nowhere else. Seats (host, moderator,
observer) only ever receive :func:`moderation.events.public` forms of events,
and their own acknowledgements; the trainer gets every event with its ground
truth. Each view has its own gap-free sequence numbers, so a seat can tell
that it missed something and resume with ``last_seq``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from i18n import translate
from moderation.actions import (
    HOST,
    TRAINER,
    Action,
    AddModerator,
    Inject,
    Permission,
    RemoveModerator,
)
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import (
    ActionRejected,
    CommentPosted,
    Event,
    Hidden,
    SessionEnded,
    public,
)
from moderation.judge import Scorecard, judge
from moderation.values import from_json, to_json
from scenarios.schema import Economy, Scenario
from scenarios.taxonomy import InjectKind, ReportReason

from .protocol import (
    PROTOCOL_VERSION,
    SEAT_ACTIONS,
    ActionMsg,
    Control,
    ErrorCode,
    Export,
    Hello,
    InjectMsg,
    Note,
    Ping,
    Role,
    Settings,
    encode,
    error,
)
from .results import debrief, leaderboard, results_csv, seat_hits, session_file
from .seat import Seat, hash_token, view_of

__all__ = ["CLOCK_EVERY_MS", "Outcome", "Room", "Seat", "VIEWS", "hash_token", "view_of"]

VIEWS = ("trainer", "staff", "observer")
#: How often a running room logs its clock, so a restart lands close to where it stopped.
CLOCK_EVERY_MS = 1000
#: How often (wall ms) the leaderboard and seat activity are recomputed while running.
BOARD_EVERY_MS = 2000
#: Moderator seats a drill room takes before team mode is needed.
DRILL_MODERATORS = 100
#: Seats get moderation permissions as TikTok's default moderators have, plus pinning.
SEAT_PERMISSIONS = (Permission.MODERATE, Permission.FILTER, Permission.COMMENTS, Permission.PIN)
#: A seat resuming further back than this gets a snapshot only, not a replay.
MAX_REPLAY = 5000


@dataclass(slots=True)
class Outcome:
    """What one call produced: log records to persist first, then messages to send."""

    inputs: list[dict[str, Any]] = field(default_factory=list)
    sends: list[tuple[str, str]] = field(default_factory=list)
    seat: Seat | None = None
    close: bool = False


_NAME_RE = re.compile(r"\s+")


def _clean_name(name: str) -> str:
    return _NAME_RE.sub(" ", "".join(ch for ch in name if ch.isprintable())).strip()[:40]


class Room:
    """A drill room: seats, roles, the clock, and the engine session they share."""

    def __init__(self, code: str, trainer_key: str, scenario: Scenario, content: ContentIndex,
                 economy: Economy, seed: int) -> None:
        self.code = code
        self.trainer_key = trainer_key
        # A village-hall drill seats up to sixty people; each moderates as
        # themselves, beyond TikTok's twenty (team mode groups them instead).
        self.scenario = scenario.model_copy(update={"settings": scenario.settings.model_copy(
            update={"max_moderators": max(scenario.settings.max_moderators, DRILL_MODERATORS)})})
        self.content = content
        self.economy = economy
        self.seed = seed
        self.status = "lobby"  # lobby → running ⇄ paused → ended; reset → lobby
        self.epoch = 0
        self.leaderboard_visible = True
        self.team_mode = False
        self.seats: dict[str, Seat] = {}
        self._by_token: dict[str, str] = {}
        self.logs: dict[str, list[str]] = {v: [] for v in VIEWS}
        self._base_t = 0  # room time when the clock last started or stopped
        self._resumed_wall: int | None = None
        self._clock_logged = 0
        self._board_wall = 0
        self._board_dirty = False
        self._seats_dirty = False
        self._out = Outcome()
        self._replaying = False
        self.board: list[dict[str, Any]] = []
        #: Accepted actions by (time, actor): which seats, in order. In team mode a team's
        #: seats share an actor, and this turns the judge's per-actor credit into per-seat.
        self.acted: dict[tuple[int, str], list[tuple[str, str | None, str | None]]] = {}
        self.seat_hits: dict[str, int] = {}
        self.card: Scorecard | None = None
        self.session = self._new_session()

    # ------------------------------------------------------------ building

    def _new_session(self) -> Session:
        session = Session(self.scenario, self.content, self.economy, self.seed)
        # Seats take the moderator places; the scenario's placeholder moderators
        # would only take moderator places.
        for name in list(session.room.moderators):
            session.apply(RemoveModerator(t=0, actor=HOST, name=name))
        return session

    @property
    def view_seq(self) -> dict[str, int]:
        return {v: len(log) for v, log in self.logs.items()}

    def room_time(self, now: int) -> int:
        """Simulated ms: wall time since the start, minus paused time; never backwards."""
        t = self._base_t
        if self.status == "running" and self._resumed_wall is not None:
            t += max(0, now - self._resumed_wall)
        return max(t, self.session.now)

    # ------------------------------------------------------------ output helpers

    def _take(self) -> Outcome:
        out, self._out = self._out, Outcome()
        return out

    def _log_input(self, record_: dict[str, Any]) -> None:
        if not self._replaying:
            self._out.inputs.append(record_)

    def _send(self, target: str, message: dict[str, Any]) -> None:
        if not self._replaying:
            self._out.sends.append((target, encode(message)))

    def _to_seat(self, seat: Seat, message: dict[str, Any]) -> None:
        """Answer the connection that sent the message being handled."""
        self._send("conn", message)

    def _emit(self, view: str, message: dict[str, Any]) -> None:
        """Append a sequenced message to one view's log and send it."""
        log = self.logs[view]
        message["seq"] = len(log) + 1
        payload = encode(message)
        log.append(payload)
        if not self._replaying:
            self._out.sends.append(("view:" + view, payload))

    def _emit_room(self, kind: str, t: int, data: dict[str, Any],
                   views: tuple[str, ...] = VIEWS) -> None:
        for view in views:
            self._emit(view, {"type": "room", "v": PROTOCOL_VERSION, "seq": 0,
                              "epoch": self.epoch, "t": t, "kind": kind, "data": dict(data)})

    def _emit_events(self, events: list[Event] | tuple[Event, ...]) -> None:
        ended = False
        for event in events:
            full = to_json(event)
            self._emit("trainer", {"type": "event", "v": PROTOCOL_VERSION, "seq": 0,
                                   "epoch": self.epoch, "t": event.t, "event": full})
            if isinstance(event, ActionRejected):
                continue  # only the trainer and the seat that acted learn of a rejection
            seen = public(event)
            if seen is None:
                continue
            body = full if seen is event else to_json(seen)
            self._emit("staff", {"type": "event", "v": PROTOCOL_VERSION, "seq": 0,
                                 "epoch": self.epoch, "t": event.t, "event": body})
            if isinstance(event, CommentPosted) and event.hidden is Hidden.FILTER:
                continue  # filtered comments show greyed to staff only, as on TikTok
            self._emit("observer", {"type": "event", "v": PROTOCOL_VERSION, "seq": 0,
                                    "epoch": self.epoch, "t": event.t, "event": body})
            if isinstance(event, SessionEnded):
                ended = True
        if events:
            self._board_dirty = True
        if ended and self.status != "ended":
            self._finish(self.session.now)

    def _advance(self, t: int) -> None:
        if t > self.session.now and not self.session.ended:
            self._emit_events(self.session.advance(t))

    # ------------------------------------------------------------ joining

    def join(self, hello: Hello, now: int) -> Outcome:
        """A connection's first message. ``outcome.seat`` is set when it succeeded."""
        if hello.token is not None:
            seat_id = self._by_token.get(hash_token(hello.token))
            if seat_id is None:
                self._send("conn", error(ErrorCode.BAD_TOKEN, translate(
                    "serve.error.bad_token", hello.lang), hello.id))
                return self._take()
            seat = self.seats[seat_id]
            seat.lang = hello.lang
            self._welcome(seat, hello.token, hello.last_seq, now)
            return self._take()
        role = hello.role
        if role is Role.TRAINER:
            if not hello.key or not secrets.compare_digest(hello.key, self.trainer_key):
                self._send("conn", error(ErrorCode.UNAUTHORISED, translate(
                    "serve.error.unauthorised", hello.lang), hello.id))
                return self._take()
        name = _clean_name(hello.name or "") or translate(f"serve.role.{role.value}", hello.lang)
        team = _clean_name(hello.team) if hello.team else None
        actor: str | None = None
        if role is Role.HOST:
            if any(s.role is Role.HOST for s in self.seats.values()):
                self._send("conn", error(ErrorCode.HOST_TAKEN, translate(
                    "serve.error.host_taken", hello.lang), hello.id))
                return self._take()
            actor = HOST
        elif role is Role.MODERATOR:
            actor = self._actor_for(name, team)
            limit = self.scenario.settings.max_moderators
            if actor not in self.session.room.moderators and \
                    len(self.session.room.moderators) >= limit:
                self._send("conn", error(ErrorCode.ROOM_FULL, translate(
                    "serve.error.room_full", hello.lang, limit=limit), hello.id))
                return self._take()
        token = secrets.token_urlsafe(24)
        t = self.room_time(now)
        rec = {"k": "join", "t": t, "seat": f"s{len(self.seats) + 1}",
               "token_hash": hash_token(token), "role": role.value, "name": name,
               "team": team, "actor": actor, "lang": hello.lang}
        self._log_input(rec)
        seat = self._do_join(rec)
        self._welcome(seat, token, None, now)
        return self._take()

    def _actor_for(self, name: str, team: str | None) -> str:
        if self.team_mode and team:
            return f"tim {team}"[:40]
        taken = set(self.session.room.moderators) | {s.actor for s in self.seats.values()}
        actor, n = name, 1
        while actor in taken or actor in (HOST, TRAINER):
            n += 1
            actor = f"{name[:36]}-{n}"
        return actor

    def _do_join(self, rec: dict[str, Any]) -> Seat:
        self._advance(rec["t"])
        seat = Seat(rec["seat"], rec["token_hash"], Role(rec["role"]), rec["name"], rec["team"],
                    rec["actor"], rec.get("lang", "id"))
        self.seats[seat.id] = seat
        self._by_token[seat.token_hash] = seat.id
        self._register(seat)
        self._emit_room("joined", self.session.now, {
            "seat": seat.id, "name": seat.name, "role": seat.role.value, "team": seat.team,
            "actor": seat.actor})
        self._seats_dirty = True
        return seat

    def _register(self, seat: Seat) -> None:
        """Make a moderator seat's actor a moderator of the engine's room."""
        if seat.role is not Role.MODERATOR or seat.actor is None or self.session.ended:
            return
        if seat.actor in self.session.room.moderators:
            return
        result = self.session.apply(AddModerator(t=self.session.now, actor=HOST,
                                                 name=seat.actor, permissions=SEAT_PERMISSIONS))
        self._emit_events(result.events)

    def state(self, seat: Seat | None = None) -> dict[str, Any]:
        """Room state for a welcome message."""
        lang = seat.lang if seat else "id"
        state: dict[str, Any] = {
            "status": self.status,
            "t": self.session.now,
            "duration_ms": self.session.duration,
            "scenario": {"id": self.scenario.id, "title": self.scenario.title.get(lang)},
            "leaderboard": self.leaderboard_visible,
            "team_mode": self.team_mode,
            "mute_presets": list(self.scenario.settings.mute_presets_s),
            "report_reasons": [r.value for r in ReportReason],
            "injects": [k.value for k in InjectKind],
            "host": next((s.name for s in self.seats.values() if s.role is Role.HOST), None),
            "media": None,  # reserved for the host's camera (a later protocol addition)
        }
        if seat is not None and seat.role is Role.TRAINER:
            # The template of each comment on screen: the trainer's stream shows the key
            # for comments posted before the console (re)connected too.
            room = self.session.room
            state["truth"] = {cid: room.comments[cid].template
                              for cid in room.stream.on_screen()}
            state["templates"] = {
                tid: {"category": tpl.category.value, "harmful": tpl.harmful,
                      "severity": tpl.severity, "acceptable": [r.value for r in tpl.acceptable],
                      "explanation": tpl.explanation.get(lang),
                      "translation_en": tpl.translation_en}
                for tid, tpl in self.content.by_id.items()
            }
        return state

    def _welcome(self, seat: Seat, token: str, last_seq: int | None, now: int) -> None:
        log = self.logs[seat.view]
        replay: list[str] = []
        if last_seq is not None and last_seq <= len(log) and len(log) - last_seq <= MAX_REPLAY:
            replay = log[last_seq:]
        self._send("conn", {
            "type": "welcome", "v": PROTOCOL_VERSION, "room": self.code, "seat": seat.id,
            "token": token, "role": seat.role.value, "name": seat.name, "actor": seat.actor,
            "team": seat.team, "epoch": self.epoch, "seq": len(log),
            "resumed": last_seq is not None, "replay": len(replay), "state": self.state(seat),
            "snapshot": self.session.snapshot(staff=seat.role is not Role.OBSERVER),
        })
        for payload in replay:
            # Same bytes as first sent, marked so a client can tell them from live ones.
            self._out.sends.append(("conn", payload[:-1] + ',"replay":true}'))
        self._out.seat = seat
        self._send_board(to=seat)
        if self.status == "ended":
            self._debrief(seat)
        if seat.role is Role.TRAINER:
            self._send("conn", self._seats_message())

    def connected(self, seat: Seat, up: bool) -> Outcome:
        """A connection of ``seat`` opened (after its welcome) or closed."""
        seat.online = max(0, seat.online + (1 if up else -1))
        self._seats_dirty = True
        return self._take()

    # ------------------------------------------------------------ messages

    def handle(self, seat: Seat, msg: Any, now: int) -> Outcome:
        """Handle one decoded message from a joined seat."""
        if isinstance(msg, Ping):
            self._to_seat(seat, {"type": "pong", "v": PROTOCOL_VERSION, "id": msg.id,
                                           "t": self.room_time(now)})
        elif isinstance(msg, Hello):
            self._refuse(seat, ErrorCode.ALREADY_JOINED, msg.id)
        elif isinstance(msg, ActionMsg):
            self._action(seat, msg, now)
        elif seat.role is not Role.TRAINER:
            self._refuse(seat, ErrorCode.UNAUTHORISED, msg.id)
        elif isinstance(msg, Control):
            self._control(seat, msg, now)
        elif isinstance(msg, InjectMsg):
            self._inject(seat, msg, now)
        elif isinstance(msg, Settings):
            self._settings(seat, msg, now)
        elif isinstance(msg, Note):
            rec = {"k": "note", "t": self.room_time(now), "text": msg.text}
            self._log_input(rec)
            self._do_note(rec)
        elif isinstance(msg, Export):
            self._export(seat, msg)
        return self._take()

    def _refuse(self, seat: Seat, code: ErrorCode, msg_id: int | None, **params: object) -> None:
        self._to_seat(seat, error(code, translate(f"serve.error.{code.value}", seat.lang,
                                                  **params), msg_id))

    def _action(self, seat: Seat, msg: ActionMsg, now: int) -> None:
        if seat.role not in (Role.HOST, Role.MODERATOR) or seat.actor is None:
            self._refuse(seat, ErrorCode.UNAUTHORISED, msg.id)
            return
        if self.status != "running":
            self._refuse(seat, ErrorCode.BAD_STATE, msg.id)
            return
        data = dict(msg.action)
        if data.get("type") not in SEAT_ACTIONS or "t" in data or "actor" in data:
            self._to_seat(seat, error(ErrorCode.INVALID, translate(
                "serve.error.invalid", seat.lang), msg.id, "action"))
            return
        t = self.room_time(now)
        data["t"], data["actor"] = t, seat.actor
        try:
            action = from_json(data)
        except (ValueError, TypeError) as exc:
            self._to_seat(seat, error(ErrorCode.INVALID, translate(
                "serve.error.invalid", seat.lang), msg.id, str(exc)[:200]))
            return
        rec = {"k": "action", "t": t, "seat": seat.id, "action": to_json(action)}
        self._log_input(rec)
        code = self._do_action(rec, action)
        self._to_seat(seat, {
            "type": "ack", "v": PROTOCOL_VERSION, "id": msg.id, "accepted": code is None,
            "code": code,
            "hint": None if code is None else translate(f"reject.{code}", seat.lang),
        })

    def _do_action(self, rec: dict[str, Any], action: Action | None = None) -> str | None:
        if action is None:
            action = from_json(rec["action"])
        seat = self.seats[rec["seat"]]
        result = self.session.apply(action)
        self._emit_events(result.events)
        seat.actions += 1
        seat.last_action, seat.last_t = action.type, action.t
        if result.rejected is not None:
            seat.rejected += 1
        else:
            self.acted.setdefault((action.t, action.actor), []).append(
                (seat.id, getattr(action, "comment", None), getattr(action, "viewer", None)))
        self._seats_dirty = True
        return None if result.rejected is None else result.rejected.value

    # ------------------------------------------------------------ trainer

    def _control(self, seat: Seat, msg: Control, now: int) -> None:
        allowed = {"start": ("lobby",), "pause": ("running",), "resume": ("paused",),
                   "end": ("running", "paused"), "reset": ("lobby", "running", "paused",
                                                            "ended")}
        if self.status not in allowed[msg.command]:
            self._refuse(seat, ErrorCode.BAD_STATE, msg.id)
            return
        rec = {"k": "control", "command": msg.command, "t": self.room_time(now), "wall": now}
        self._log_input(rec)
        self._do_control(rec, now)
        self._to_seat(seat, {"type": "ack", "v": PROTOCOL_VERSION, "id": msg.id,
                                       "accepted": True, "code": None, "hint": None})

    def _do_control(self, rec: dict[str, Any], now: int | None) -> None:
        command, t = rec["command"], rec["t"]
        if command == "reset":
            self.epoch += 1
            self.status = "lobby"
            self._base_t, self._resumed_wall, self._clock_logged = 0, None, 0
            self.card, self.board, self.acted, self.seat_hits = None, [], {}, {}
            self.session = self._new_session()
            for seat in self.seats.values():
                seat.actions = seat.rejected = 0
                seat.last_action = seat.last_t = None
                self._register(seat)
            self._emit_room("reset", 0, {"epoch": self.epoch})
            self._board_dirty = self._seats_dirty = True
            return
        self._advance(t)
        if command == "start":
            self.status, self._base_t, self._resumed_wall = "running", t, now
            self._emit_room("started", t, {})
        elif command == "pause":
            self.status, self._base_t, self._resumed_wall = "paused", t, None
            self._emit_room("paused", t, {"reason": rec.get("reason", "trainer")})
        elif command == "resume":
            self.status, self._base_t, self._resumed_wall = "running", t, now
            self._emit_room("resumed", t, {})
        elif command == "end":
            self._emit_events(self.session.end(t))
            if self.status != "ended":
                self._finish(self.session.now)

    def _inject(self, seat: Seat, msg: InjectMsg, now: int) -> None:
        if self.status != "running":
            self._refuse(seat, ErrorCode.BAD_STATE, msg.id)
            return
        t = self.room_time(now)
        action = Inject(t=t, actor=TRAINER, kind=msg.kind, count=msg.count, over_s=msg.over_s,
                        role=msg.role, troll=msg.troll)
        rec = {"k": "inject", "t": t, "action": to_json(action)}
        self._log_input(rec)
        result = self.session.apply(action)
        self._emit_events(result.events)
        self._to_seat(seat, {
            "type": "ack", "v": PROTOCOL_VERSION, "id": msg.id, "accepted": result.accepted,
            "code": None if result.rejected is None else result.rejected.value, "hint": None})

    def _settings(self, seat: Seat, msg: Settings, now: int) -> None:
        if msg.team_mode is not None and msg.team_mode != self.team_mode and \
                (self.status != "lobby" or any(s.role is Role.MODERATOR
                                               for s in self.seats.values())):
            self._refuse(seat, ErrorCode.BAD_STATE, msg.id)
            return
        rec = {"k": "settings", "t": self.room_time(now), "leaderboard": msg.leaderboard,
               "team_mode": msg.team_mode}
        self._log_input(rec)
        self._do_settings(rec)
        self._to_seat(seat, {"type": "ack", "v": PROTOCOL_VERSION, "id": msg.id,
                                       "accepted": True, "code": None, "hint": None})

    def _do_settings(self, rec: dict[str, Any]) -> None:
        self._advance(rec["t"])
        if rec.get("leaderboard") is not None:
            self.leaderboard_visible = bool(rec["leaderboard"])
        if rec.get("team_mode") is not None:
            self.team_mode = bool(rec["team_mode"])
        self._emit_room("settings", self.session.now, {
            "leaderboard": self.leaderboard_visible, "team_mode": self.team_mode})
        self._board_dirty = True
        self._send_board()

    def _do_note(self, rec: dict[str, Any]) -> None:
        self._advance(rec["t"])
        self._emit_room("note", self.session.now, {"text": rec["text"]})

    # ------------------------------------------------------------ clock

    def tick(self, now: int) -> Outcome:
        """Advance the running room to ``now``; refresh the leaderboard and seat activity."""
        if self.status == "running":
            t = self.room_time(now)
            self._advance(t)
            if self.status == "running" and t - self._clock_logged >= CLOCK_EVERY_MS:
                self._clock_logged = t
                self._log_input({"k": "clock", "t": t})
        # Judging re-reads every event, so a long, busy drill refreshes the board less often
        # (about 10 ms of judging per 1000 events) to keep the tick short.
        every = max(BOARD_EVERY_MS, len(self.session.events) // 10)
        if now - self._board_wall >= every:
            self._board_wall = now
            if self._board_dirty and self.status in ("running", "paused"):
                self._board_dirty = False
                self._compute_board()
                self._send_board()
            if self._seats_dirty:
                self._seats_dirty = False
                self._send("view:trainer", self._seats_message())
        return self._take()

    # ------------------------------------------------------------ results

    def _scorecard(self) -> Scorecard:
        return judge(self.scenario, self.content.by_id, self.session.events)

    def _compute_board(self, card: Scorecard | None = None) -> None:
        card = card or self._scorecard()
        self.board = leaderboard(card, self.seats.values(), self.team_mode)
        self.seat_hits = seat_hits(card, self.acted)

    def _send_board(self, to: Seat | None = None) -> None:
        message = {"type": "leaderboard", "v": PROTOCOL_VERSION,
                   "visible": self.leaderboard_visible, "rows": self.board}
        hidden = {"type": "leaderboard", "v": PROTOCOL_VERSION, "visible": False, "rows": []}
        if to is not None:
            show = self.leaderboard_visible or to.role is Role.TRAINER
            self._send("conn", message if show else hidden)
            return
        self._send("view:trainer", message)
        for view in ("staff", "observer"):
            self._send("view:" + view, message if self.leaderboard_visible else hidden)

    def _seats_message(self) -> dict[str, Any]:
        by_actor = {row["actor"]: row for row in self.board}
        return {"type": "seats", "v": PROTOCOL_VERSION, "seats": [
            {"seat": s.id, "name": s.name, "role": s.role.value, "team": s.team,
             "actor": s.actor, "online": s.online > 0, "actions": s.actions,
             "rejected": s.rejected, "last_action": s.last_action, "last_t": s.last_t,
             "hits": by_actor.get(s.actor or "", {}).get("hits", 0),
             "seat_hits": self.seat_hits.get(s.id, 0),
             "false_alarms": by_actor.get(s.actor or "", {}).get("false_alarms", 0)}
            for s in self.seats.values()]}

    def _finish(self, t: int) -> None:
        self.status = "ended"
        self._base_t, self._resumed_wall = t, None
        self.card = self._scorecard()
        self._compute_board(self.card)
        self._emit_room("ended", t, {"score": self.card.score, "passed": self.card.passed})
        self._send_board()
        for seat in self.seats.values():
            if seat.online:
                self._debrief(seat, target="seat:" + seat.id)
        self._seats_dirty = True

    def _debrief(self, seat: Seat, target: str = "conn") -> None:
        """The debrief: now, and only now, the answer key goes to every seat."""
        if self.card is not None:
            self._send(target, debrief(self.card, self.board, seat, self.leaderboard_visible,
                                       self.seat_hits.get(seat.id, 0)))

    def _export(self, seat: Seat, msg: Export) -> None:
        stem = f"gladi-{self.code}-{self.epoch}"
        content, filename = (self.results_csv(), stem + ".csv") if msg.format == "csv" \
            else (self.session_file(), stem + ".json")
        self._to_seat(seat, {"type": "export", "v": PROTOCOL_VERSION, "id": msg.id,
                             "format": msg.format, "filename": filename, "content": content})

    def results_csv(self) -> str:
        """One row per seat: who, role, team, and their credit in the judge's terms."""
        card = self.card or self._scorecard()
        board = self.board if self.card is not None else \
            leaderboard(card, self.seats.values(), self.team_mode)
        return results_csv(self.code, self.epoch, self.scenario.id, self.seats.values(), card,
                           board, seat_hits(card, self.acted))

    def session_file(self) -> str:
        """The replayable session file (moderation.sessionfile) with the room's seats."""
        return session_file(self.session, self.code, self.epoch, self.seats.values(),
                            self.card or self._scorecard())

    # ------------------------------------------------------------ restore

    def replay_inputs(self, inputs: list[dict[str, Any]]) -> None:
        """Rebuild the room from its log (after a restart). Nothing is sent."""
        handlers: dict[str, Callable[[dict[str, Any]], object]] = {
            "join": self._do_join,
            "action": self._do_action,
            "control": lambda r: self._do_control(r, None),
            "inject": self._replay_inject,
            "settings": self._do_settings,
            "note": self._do_note,
            "clock": lambda r: self._advance(r["t"]),
        }
        self._replaying = True
        try:
            for rec in inputs:
                handlers[rec["k"]](rec)
        finally:
            self._replaying = False
            self._out = Outcome()
        for seat in self.seats.values():
            seat.online = 0

    def _replay_inject(self, rec: dict[str, Any]) -> None:
        self._emit_events(self.session.apply(from_json(rec["action"])).events)

    def after_restore(self, now: int) -> Outcome:
        """A restored room that was running comes back paused; the trainer resumes it."""
        if self.status == "running":
            rec = {"k": "control", "command": "pause", "t": self.session.now, "wall": now,
                   "reason": "restored"}
            self._log_input(rec)
            self._do_control(rec, now)
        return self._take()
