"""Results of a drill: the leaderboard, each seat's debrief, CSV and session-file export.

Pure functions of the judge's scorecard and the room's seats; the room decides
when to call them and who receives what.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from moderation.actions import HOST
from moderation.engine import Session
from moderation.judge import Scorecard
from moderation.sessionfile import dumps, record

from .protocol import PROTOCOL_VERSION, Role
from .seat import Seat

__all__ = ["POINTS", "debrief", "leaderboard", "results_csv", "seat_hits", "session_file"]

#: Leaderboard points per credit of the judge (documented in docs/protocol.md).
POINTS = {"hits": 10, "answers": 5, "thanks": 2, "welcomes": 2, "false_alarms": -10}


def leaderboard(card: Scorecard, seats: Iterable[Seat], team_mode: bool) -> list[dict[str, Any]]:
    """One row per actor (a seat, or a team in team mode), best first, with ranks."""
    rows: dict[str, dict[str, Any]] = {}
    for seat in seats:
        if seat.actor is None:
            continue
        # In team mode the team's seats share one actor, so they share one row.
        team_row = team_mode and seat.team is not None and seat.actor != HOST
        row = rows.setdefault(seat.actor, {
            # The actor is unique ("Sari", "Sari-2"); the host's actor is "host".
            "name": seat.team if team_row else seat.name if seat.actor == HOST
            else seat.actor, "actor": seat.actor,
            "seats": [], "points": 0, **{k: 0 for k in POINTS}})
        row["seats"].append(seat.id)
    for actor, row in rows.items():
        stats = card.actors.get(actor, {})
        for k, weight in POINTS.items():
            row[k] = stats.get(k, 0)
            row["points"] += weight * stats.get(k, 0)
    board = sorted(rows.values(), key=lambda r: (-r["points"], r["name"]))
    for rank, row in enumerate(board, 1):
        row["rank"] = rank
    return board


def seat_hits(card: Scorecard,
              acted: dict[tuple[int, str], list[tuple[str, str | None, str | None]]],
              ) -> dict[str, int]:
    """Hits per seat: each hit the judge credits to an actor goes to the seat whose action
    (by that actor, at that millisecond, on that comment or viewer) earned it.

    ``acted`` maps (time, actor) to the accepted actions as (seat, comment, viewer).
    """
    hits: dict[str, int] = {}
    for item in card.items:
        if item.outcome != "hit" or item.credited is None or item.reaction_ms is None:
            continue
        entries = acted.get((item.t + item.reaction_ms, item.credited))
        if not entries:
            continue
        seat = next((s for s, comment, _ in entries if comment == item.id),
                    next((s for s, _, viewer in entries if viewer == item.viewer), entries[0][0]))
        hits[seat] = hits.get(seat, 0) + 1
    return hits


def debrief(card: Scorecard, board: list[dict[str, Any]], seat: Seat,
            board_visible: bool, own_hits: int = 0) -> dict[str, Any]:
    """The ``debrief`` message for one seat: the scorecard with its answer key, and theirs."""
    you: dict[str, Any] | None = None
    if seat.actor is not None:
        you = dict(card.actors.get(seat.actor, {}))
        you.update(actions_sent=seat.actions, rejected_sent=seat.rejected, seat_hits=own_hits)
        you["rank"] = next((r["rank"] for r in board if seat.id in r["seats"]), None)
    truth = {item.template.id: {"explanation": item.template.explanation.get(seat.lang),
                                "answer": item.template.answer.get(seat.lang)
                                if item.template.answer else None,
                                "source": item.template.source}
             for item in card.items}
    show_board = board_visible or seat.role is Role.TRAINER
    return {"type": "debrief", "v": PROTOCOL_VERSION, "scorecard": card.to_json(), "you": you,
            "leaderboard": board if show_board else [], "truth": truth}


def results_csv(code: str, epoch: int, scenario: str, seats: Iterable[Seat], card: Scorecard,
                board: list[dict[str, Any]], own_hits: dict[str, int]) -> str:
    """One row per seat: who, role, team, and their credit in the judge's terms."""
    ranks = {sid: row["rank"] for row in board for sid in row["seats"]}
    points = {sid: row["points"] for row in board for sid in row["seats"]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["room", "epoch", "scenario", "seat", "name", "role", "team", "actor",
                     "rank", "points", "hits", "false_alarms", "answers", "thanks",
                     "welcomes", "actions", "rejected", "seat_hits", "room_score",
                     "room_passed"])
    for seat in seats:
        stats = card.actors.get(seat.actor or "", {})
        writer.writerow([code, epoch, scenario, seat.id, seat.name, seat.role.value,
                         seat.team or "", seat.actor or "", ranks.get(seat.id, ""),
                         points.get(seat.id, ""), stats.get("hits", 0),
                         stats.get("false_alarms", 0), stats.get("answers", 0),
                         stats.get("thanks", 0), stats.get("welcomes", 0), seat.actions,
                         seat.rejected, own_hits.get(seat.id, 0), card.score, card.passed])
    return out.getvalue()


def session_file(session: Session, code: str, epoch: int, seats: Iterable[Seat],
                 card: Scorecard) -> str:
    """The replayable session file (moderation.sessionfile) with the room's seats in meta."""
    data = record(session, room=code, epoch=epoch, seats=[
        {"seat": s.id, "name": s.name, "role": s.role.value, "team": s.team, "actor": s.actor}
        for s in seats])
    data["scorecard"] = card.to_json()
    return dumps(data)
