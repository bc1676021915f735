"""Results of a drill: each seat's debrief, the CSV table and the session file.

Pure functions of the judge's scorecard and the room's seats; the room decides
when to call them and who receives what. The debrief is where the answer key
reaches the seats; the judge's detail per actor (credit, who handled which
comment) reaches only that actor and the trainer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from debrief.csv_export import to_csv
from debrief.personal import Act, Deed, personal
from debrief.report_text import tip_text
from i18n import translate
from moderation.engine import Session
from moderation.judge import SETUP
from moderation.scorecard import ActorCredit, Scorecard
from moderation.sessionfile import document, dumps
from protocol.outbound import ActOut, BoardRow, DebriefOut, MineOut, TipOut, TruthOut, YouOut
from protocol.roles import Role
from protocol.status import Status
from scenarios.taxonomy import Category

from .seats import Seat

__all__ = ["BOM", "COLUMNS", "csv_text", "debrief", "results_rows", "session_file"]

#: The columns of the results CSV; each header is ``serve.csv.<column>`` in the file's language.
COLUMNS = ("room", "epoch", "scenario", "seat", "name", "role", "team", "actor", "rank",
           "points", "hits", "false_alarms", "answers", "thanks", "welcomes", "actions",
           "rejected", "seat_hits", "room_score", "room_passed")
#: The byte-order mark a results CSV begins with: Excel then reads it as UTF-8.
BOM = "\ufeff"


def debrief(card: Scorecard, rows: list[BoardRow], seat: Seat, board_visible: bool,
            own_hits: int, deeds: Sequence[Deed], epoch: int) -> DebriefOut:
    """The ``debrief`` message of run ``epoch`` for one seat: the scorecard with its answer
    key, and theirs: their credit, and what they themselves did (``deeds``, their accepted
    actions) with their tips, in their language."""
    trainer = seat.role is Role.TRAINER
    you = mine = None
    if seat.actor is not None:
        credit = card.actors.get(seat.actor, ActorCredit())
        you = YouOut(**credit.to_json(), actions_sent=seat.actions,
                     rejected_sent=seat.rejected, seat_hits=own_hits,
                     rank=next((r.rank for r in rows if seat.id in r.seats), None))
        mine = _mine(card, seat, seat.actor, own_hits, deeds)
    truth = {item.template.id: TruthOut(
        explanation=item.template.explanation.get(seat.lang),
        answer=item.template.answer.get(seat.lang) if item.template.answer else None,
        source=item.template.source) for item in card.items}
    answered = [item.id for item in card.items
                if item.category is Category.QUESTION and item.answered_ms is not None]
    return DebriefOut(epoch=epoch,
                      scorecard=card.to_json() if trainer else _own_part(card, seat.actor),
                      you=you, leaderboard=rows if board_visible or trainer else [],
                      truth=truth, mine=mine, answered=answered)


def _mine(card: Scorecard, seat: Seat, actor: str, own_hits: int,
          deeds: Sequence[Deed]) -> MineOut:
    """What the seat did itself (:func:`debrief.personal.personal`), its tips in words."""
    own = personal(card, seat.role, actor, own_hits, deeds)
    items = {item.id: item for item in card.items}
    tips = []
    for tip in own.tips:
        text, *detail = tip_text(tip, items, seat.lang)
        tips.append(TipOut(t=tip.t, code=tip.code, comment=tip.comment, text=text,
                           detail=detail))
    return MineOut(hits=own.hits, misses=own.misses, false_alarms=own.false_alarms,
                   unanswered=own.unanswered, fastest=_act(own.fastest),
                   slowest=_act(own.slowest), tips=tips)


def _act(act: Act | None) -> ActOut | None:
    if act is None:
        return None
    item = act.item
    return ActOut(t=act.t, response=act.response, comment=item.id, handle=item.handle,
                  text=item.text, reaction_ms=act.reaction_ms, late=act.late)


def _own_part(card: Scorecard, actor: str | None) -> dict[str, Any]:
    """The scorecard as a seat sees it: the room's result and answer key, and of the
    per-actor detail only its own actor's (credit, responses, who was credited)."""
    data = card.to_json()
    actors: dict[str, Any] = data["actors"]  # type: ignore[assignment]
    data["actors"] = {name: credit for name, credit in actors.items() if name == actor}
    items: list[dict[str, Any]] = data["items"]  # type: ignore[assignment]
    for item in items:
        if item["by"] not in (actor, SETUP):
            item["by"] = None
        item["responses"] = [r for r in item["responses"] if r["actor"] == actor]
    return data


def results_rows(code: str, epoch: int, scenario: str, seats: Iterable[Seat],
                 card: Scorecard, rows: list[BoardRow], own_hits: dict[str, int],
                 lang: str, status: Status = Status.ENDED) -> list[list[object]]:
    """The results table, header first: one row per participant (host, moderators,
    observers; the trainer is none), their credit in the judge's terms. A run that has
    not started has no score, rank or points (room_passed says "belum mulai"); one still
    going has its score so far, and room_passed says so ("masih berjalan")."""
    started = status is not Status.LOBBY
    ranks = {sid: row.rank for row in rows for sid in row.seats} if started else {}
    points = {sid: row.points for row in rows for sid in row.seats} if started else {}
    score: object = float(card.score) if started else ""
    passed: object = card.passed if status is Status.ENDED else translate(
        "serve.day_report.running" if started else "serve.day_report.not_started", lang)
    table: list[list[object]] = [[translate(f"serve.csv.{c}", lang) for c in COLUMNS]]
    for seat in seats:
        if seat.role is Role.TRAINER:
            continue
        credit = card.actors.get(seat.actor or "", ActorCredit())
        table.append([code, epoch, scenario, seat.id, seat.name,
                      translate(f"serve.role.{seat.role.value}", lang), seat.team or "",
                      seat.actor or "", ranks.get(seat.id, ""), points.get(seat.id, ""),
                      credit.hits, credit.false_alarms, credit.answers, credit.thanks,
                      credit.welcomes, seat.actions, seat.rejected, own_hits.get(seat.id, 0),
                      score, passed])
    return table


def csv_text(table: Sequence[Sequence[object]], lang: str) -> str:
    """A table as the CSV file Excel in ``lang`` opens in columns (debrief's writer: ";"
    and 77,2 in Indonesian, "," and 77.2 in English, ya/tidak), with a byte-order mark."""
    return BOM + to_csv(table, lang)


def session_file(session: Session, code: str, epoch: int, seats: Iterable[Seat],
                 card: Scorecard, coaching: list[dict[str, Any]] | None = None) -> str:
    """The replayable session file (moderation.sessionfile) with the room's seats in meta,
    and the host's camera warnings (``meta.coaching``, when there were any)."""
    extra = {"coaching": coaching} if coaching else {}
    data = document(session, room=code, epoch=epoch, seats=[
        {"seat": s.id, "name": s.name, "role": s.role.value, "team": s.team, "actor": s.actor}
        for s in seats], **extra)
    data["scorecard"] = card.to_json()
    return dumps(data)
