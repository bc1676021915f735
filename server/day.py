"""A training day, sans-I/O: every room at a glance, and the day's results in one file.

One server holds many rooms, one per group, each its own :class:`~server.room.DrillRoom`
with its own clock, injects and results. This module holds what the overview
adds on top of them: a room's glance (:class:`~protocol.day.DayRoom`),
refreshed so that the overview costs little (the judge is fed only the events
it has not seen, and a room's score is worked out at most every
:data:`SCORE_EVERY_MS`, a few rooms a tick), and the day's results: one CSV
with every seat of every room, and a zip with each room's CSV and session file
and the day report (:mod:`debrief.day_report`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from debrief.day_report import Group, Member, render_day
from i18n import normalise_language, translate
from moderation.scorecard import ActorCredit
from protocol.day import DayRoom
from protocol.outbound import ScenarioRef
from protocol.roles import Role

from .clock import Status
from .results import COLUMNS, csv_text
from .room import DrillRoom
from .store import RoomRecord

__all__ = ["SCORE_EVERY_MS", "DayFiles", "Glances", "day_csv", "day_files", "group_of"]

#: How often (wall ms) the overview works out a running room's score so far.
SCORE_EVERY_MS = 10_000
#: Rooms whose score is worked out in one tick, at most.
SCORES_PER_TICK = 2


@dataclass(slots=True)
class _Score:
    epoch: int
    fed: int
    status: Status
    score: float | None
    passed: bool | None
    at: int


class Glances:
    """Each room at a glance, with its score so far refreshed a few rooms at a time."""

    def __init__(self) -> None:
        self._scores: dict[str, _Score] = {}

    def _stale(self, room: DrillRoom, now: int) -> bool:
        known = self._scores.get(room.code)
        if known is None or known.epoch != room.epoch or known.status != room.status:
            return True
        return known.fed != len(room.session.events) and now - known.at >= SCORE_EVERY_MS

    def refresh(self, rooms: Iterable[DrillRoom], now: int,
                budget: int = SCORES_PER_TICK) -> None:
        """Work out the score of at most ``budget`` rooms whose score is out of date, those
        waiting longest first."""
        stale = [room for room in rooms if self._stale(room, now)]
        stale.sort(key=lambda room: self._scores[room.code].at
                   if room.code in self._scores else -1)
        for room in stale[:budget]:
            self._scores[room.code] = self._score(room, now)

    @staticmethod
    def _score(room: DrillRoom, now: int) -> _Score:
        if room.status is Status.LOBBY:
            return _Score(room.epoch, 0, room.status, None, None, now)
        card = room.board.card_now()
        return _Score(room.epoch, len(room.session.events), room.status, card.score,
                      card.passed, now)

    def forget(self, code: str) -> None:
        self._scores.pop(code, None)

    def glance(self, room: DrillRoom, record: RoomRecord, lang: str,
               worker: str | None = None) -> DayRoom:
        """The room as the overview shows it (its score as last worked out)."""
        known = self._scores.get(room.code)
        fresh = known is not None and known.epoch == room.epoch
        seats = [s for s in room.seats if s.role is not Role.TRAINER]
        if room.status is Status.LOBBY:  # not started: no score, whatever was worked out
            known = None
        return DayRoom(
            code=room.code, name=record.name, lang=normalise_language(record.lang),
            scenario=ScenarioRef(id=room.scenario.id, title=room.scenario.title.get(lang)),
            trainer_key=room.trainer_key, status=room.status, epoch=room.epoch,
            t=room.session.now, duration_ms=room.session.duration,
            team_mode=room.settings.team_mode, seats=len(seats),
            online=sum(1 for s in seats if s.online > 0), harm=room.harm_on_screen(),
            score=known.score if fresh and known is not None else None,
            passed=known.passed if fresh and known is not None else None, worker=worker)


# ---------------------------------------------------------------- results of the day


def day_csv(rooms: Sequence[tuple[RoomRecord, DrillRoom]], lang: str) -> str:
    """Every participant of every room: the group's name, then the room's own CSV columns
    (:mod:`server.results`), in ``lang``."""
    table: list[list[object]] = [[translate("serve.csv.group", lang),
                                  *(translate(f"serve.csv.{c}", lang) for c in COLUMNS)]]
    for record, room in rooms:
        table += [[record.name or room.code, *row] for row in room.results_rows(lang)[1:]]
    return csv_text(table, lang)


def group_of(record: RoomRecord, room: DrillRoom, lang: str) -> Group:
    """One room's results as the day report compares them."""
    standing = room.board.standing()
    rows = {sid: row for row in standing.rows for sid in row.seats}
    members = []
    for seat in room.seats:
        if seat.role not in (Role.HOST, Role.MODERATOR):
            continue
        row = rows.get(seat.id)
        credit = standing.card.actors.get(seat.actor or "", ActorCredit())
        members.append(Member(
            name=seat.name, role=seat.role.value, team=seat.team,
            points=row.points if row is not None else 0, hits=credit.hits,
            false_alarms=credit.false_alarms, answers=credit.answers,
            actions=seat.actions, seat_hits=standing.seat_hits.get(seat.id, 0)))
    started = room.status is not Status.LOBBY  # a run not started has no score yet
    return Group(name=record.name or room.code, code=room.code, scenario=room.scenario,
                 status=room.status.value, ended=room.status is Status.ENDED,
                 card=standing.card if started else None, members=tuple(members))


@dataclass(frozen=True, slots=True)
class DayFiles:
    """The day's results, ready to download."""

    csv: str
    report: str
    archive: bytes


def day_files(rooms: Sequence[tuple[RoomRecord, DrillRoom]], lang: str, title: str) -> DayFiles:
    """The combined CSV, the day report, and a zip of both with every room's own files."""
    combined = day_csv(rooms, lang)
    report = render_day([group_of(record, room, lang) for record, room in rooms], lang, title)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gladi-day.csv", combined)
        archive.writestr("gladi-day-report.html", report)
        for _, room in rooms:
            stem = f"rooms/gladi-{room.code}-{room.epoch}"
            archive.writestr(stem + ".csv", room.results_csv(lang))
            archive.writestr(stem + ".json", room.session_file())
    return DayFiles(combined, report, buffer.getvalue())
