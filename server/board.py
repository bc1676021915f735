"""Standings while the drill runs: the judge fed as events come, and which seat earned what.

The judge (:class:`moderation.judge.Judge`) credits *actors*. In team mode a
team's seats share an actor, so the board also remembers which seat did what:
each accepted action by time and actor. The judge gives each hit the time and
actor of the action that earned it (:meth:`~moderation.judge.Judge.hits`; for a
*prevented* comment, the keyword or comments-off that kept it off the screen,
:meth:`~moderation.judge.Judge.prevented`), and the board gives it to the seat
that took that action: each seat's own hits, ``seat_hits``.

The leaderboard has two forms: with the judge's verdicts (points, hits, false
alarms …), which the trainer always gets and seats get after the drill or
when the trainer turns on ``verdicts_live``; and without, during the live: the
number of accepted actions per row, which every seat can count from the
``applied`` events anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from debrief.personal import Deed
from moderation.actions import HOST, AnyAction
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import Event
from moderation.judge import Judge
from moderation.scorecard import ActorCredit, Scorecard
from protocol.outbound import ActivityRow, BoardRow, DebriefOut, LeaderboardOut, SeatRow, SeatsOut
from protocol.roles import Role

from .controls import RoomSettings
from .results import debrief
from .seats import Seat, Seats

__all__ = ["POINTS", "Board", "Standing", "activity_rows", "verdict_rows"]

#: Leaderboard points per credit of the judge (documented in docs/protocol.md).
POINTS: dict[str, int] = {"hits": 10, "answers": 5, "thanks": 2, "welcomes": 2,
                          "false_alarms": -10}


@dataclass(frozen=True, slots=True)
class _Acted:
    """An accepted action of a seat, as the judge may credit it."""

    seat: str
    comment: str | None
    viewer: str | None


@dataclass(frozen=True, slots=True)
class Standing:
    """The results at one moment: the scorecard, the rows with verdicts, each seat's hits."""

    card: Scorecard
    rows: list[BoardRow]
    seat_hits: dict[str, int]


class Board:
    """One epoch's standings, and what each role sees of them."""

    def __init__(self, session: Session, seats: Seats, settings: RoomSettings,
                 content: ContentIndex) -> None:
        self._session = session
        self._seats = seats
        self._settings = settings
        self._content = content
        self._judge = Judge(session.scenario, content.by_id)
        self._acted: dict[tuple[int, str], list[_Acted]] = {}
        #: The comments each seat acted on (accepted actions): harm it has handled.
        self._touched: dict[str, set[str]] = {}
        #: Each seat's accepted actions, in order: its own part of the debrief.
        self._deeds: dict[str, list[Deed]] = {}
        #: The results once the drill ended.
        self.final: Standing | None = None
        #: Something changed since the leaderboard was last sent.
        self.dirty = False

    # ------------------------------------------------------------ what happened

    def event(self, event: Event) -> None:
        """Note one engine event, in the order of the log (before later actions)."""
        self.dirty = True

    def action(self, seat: str, action: AnyAction) -> None:
        """Note an action the engine accepted from ``seat``."""
        comment = getattr(action, "comment", None)
        viewer = getattr(action, "viewer", None)
        self._acted.setdefault((action.t, action.actor), []).append(_Acted(
            seat, comment, viewer))
        self._deeds.setdefault(seat, []).append(Deed(action.t, action.type, comment, viewer))
        if comment is not None:
            self._touched.setdefault(seat, set()).add(comment)

    # ------------------------------------------------------------ results

    def _seat_hits(self) -> dict[str, int]:
        """Hits per seat: the judge's hits, in time and prevented, each given to the
        seat whose action (at the hit's time, by the hit's actor) earned it."""
        judge = self._judge
        judge.catch_up(self._session.events)
        hits: dict[str, int] = {}
        for hit in (*judge.hits(), *judge.prevented()):
            entries = self._acted.get((hit.t, hit.actor))
            if not entries:
                continue
            seat = next((e.seat for e in entries if e.comment == hit.comment),
                        next((e.seat for e in entries if e.viewer == hit.viewer),
                             entries[0].seat))
            hits[seat] = hits.get(seat, 0) + 1
        return hits

    def verdicts(self) -> list[BoardRow]:
        """The rows with the judge's verdicts, now (cheap: no scoring while live)."""
        if self.final is not None:
            return self.final.rows
        self._judge.catch_up(self._session.events)
        return verdict_rows(self._judge.credits(), self._seats, self._settings.team_mode)

    def standing(self) -> Standing:
        """The results now: the final ones, or as if the drill ended here."""
        if self.final is not None:
            return self.final
        self._judge.catch_up(self._session.events)
        card = self._judge.scorecard()
        return Standing(card, verdict_rows(card.actors, self._seats, self._settings.team_mode),
                        self._seat_hits())

    def card_now(self) -> Scorecard:
        """The scorecard now: the final one, or as if the drill ended here (the judge is
        fed only the events it has not seen)."""
        if self.final is not None:
            return self.final.card
        self._judge.catch_up(self._session.events)
        return self._judge.scorecard()

    def finish(self) -> Standing:
        """The drill ended: fix the results."""
        self.final = self.standing()
        return self.final

    # ------------------------------------------------------------ who sees what

    def for_role(self, role: Role) -> LeaderboardOut:
        """The leaderboard a role sees now (docs/protocol.md, "leaderboard")."""
        settings = self._settings
        if role is Role.TRAINER:
            return LeaderboardOut(visible=settings.leaderboard, verdicts=True,
                                  rows=self.verdicts())
        if not settings.leaderboard:
            return LeaderboardOut(visible=False, verdicts=False, rows=[])
        if self.final is not None or settings.verdicts_live:
            return LeaderboardOut(visible=True, verdicts=True, rows=self.verdicts())
        return LeaderboardOut(visible=True, verdicts=False,
                              rows=activity_rows(self._seats, settings.team_mode))

    def harmful_on_screen(self) -> list[str]:
        """The harmful comments on screen now, oldest first (none once the drill ended)."""
        if self._session.ended:
            return []
        room = self._session.room
        return [cid for cid in room.stream.on_screen()
                if self._content.by_id[room.comments[cid].template].harmful]

    def seats_message(self) -> SeatsOut:
        """The trainer's view of every seat, with the harm on screen each may still act on
        (host and moderators may delete, mute and block: docs/protocol.md, "seats")."""
        by_actor = {row.actor: row for row in self.verdicts()}
        own = self.final.seat_hits if self.final is not None else self._seat_hits()
        harmful = self.harmful_on_screen()
        rows = []
        for s in self._seats:
            row = by_actor.get(s.actor or "")
            touched = self._touched.get(s.id, set())
            harm = sum(1 for cid in harmful if cid not in touched) \
                if s.role in (Role.HOST, Role.MODERATOR) else None
            rows.append(SeatRow(
                seat=s.id, name=s.name, role=s.role, team=s.team, actor=s.actor,
                online=s.online > 0, actions=s.actions, rejected=s.rejected,
                last_action=s.last_action, last_t=s.last_t, hits=row.hits if row else 0,
                seat_hits=own.get(s.id, 0), false_alarms=row.false_alarms if row else 0,
                connections=s.online, harm=harm))
        return SeatsOut(seats=rows)

    def debrief(self, seat: Seat, epoch: int) -> DebriefOut:
        """The debrief of run ``epoch``: now, and only now, the answer key goes to the
        seats."""
        final = self.final
        assert final is not None
        return debrief(final.card, final.rows, seat, self._settings.leaderboard,
                       final.seat_hits.get(seat.id, 0), self._deeds.get(seat.id, []), epoch)


def _groups(seats: Iterable[Seat], team_mode: bool) -> dict[str, tuple[str, list[str]]]:
    """Seats by actor (a seat, or a team in team mode): the row's name and seat ids."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for seat in seats:
        if seat.actor is None:
            continue
        # The actor is unique ("Sari", "Sari-2"); the host's actor is "host".
        if team_mode and seat.team is not None and seat.actor != HOST:
            name = seat.team
        else:
            name = seat.name if seat.actor == HOST else seat.actor
        groups.setdefault(seat.actor, (name, []))[1].append(seat.id)
    return groups


def verdict_rows(credits: Mapping[str, ActorCredit], seats: Iterable[Seat],
                 team_mode: bool) -> list[BoardRow]:
    """The leaderboard with the judge's verdicts, best first, with ranks."""
    rows = []
    for actor, (name, ids) in _groups(seats, team_mode).items():
        credit = credits.get(actor, ActorCredit())
        points = sum(weight * getattr(credit, k) for k, weight in POINTS.items())
        rows.append(BoardRow(rank=0, name=name, actor=actor, seats=ids, points=points,
                             hits=credit.hits, answers=credit.answers, thanks=credit.thanks,
                             welcomes=credit.welcomes, false_alarms=credit.false_alarms))
    rows.sort(key=lambda r: (-r.points, r.name))
    for rank, row in enumerate(rows, 1):
        row.rank = rank
    return rows


def activity_rows(seats: Iterable[Seat], team_mode: bool) -> list[ActivityRow]:
    """The leaderboard without verdicts: accepted actions per row, by name."""
    seats = list(seats)
    accepted = {s.id: s.actions - s.rejected for s in seats}
    rows = [ActivityRow(name=name, actor=actor, seats=ids,
                        actions=sum(accepted[i] for i in ids))
            for actor, (name, ids) in _groups(seats, team_mode).items()]
    return sorted(rows, key=lambda r: r.name)
