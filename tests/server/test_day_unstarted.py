"""A room that has not started has no score: not in the overview's data, not in the day
report, not in the CSV (room's or day's), where it says "belum mulai". Before, its empty
run was scored as if it had ended (79.0, "masih berjalan"), above the room that ran."""

from __future__ import annotations

import csv
import io
import re

from i18n import translate
from i18n.formats import decimal, figure
from server.day import Glances, day_files
from server.seats import Seat
from server.store import RoomRecord

from .harness import KEY, Harness, csv_rows


def _ran_and_waiting() -> tuple[Harness, Seat, Harness]:
    """Room "Melati" ran a raid a moderator half handled and ended; "Mawar" has seats but
    never started (or was reset, which starts a new run that has not started)."""
    ran = Harness()
    trainer = ran.join("tr", role="trainer", key=KEY)
    ani = ran.join("a", name="Ani")
    ran.control(trainer, "start")
    ran.message(trainer, {"type": "inject", "kind": "troll_raid", "count": 6, "over_s": 2})
    ran.run(3_000)
    ran.act(ani, "a", type="delete", comment=ran.first_comment()["id"])
    ran.run(20_000)
    ran.control(trainer, "end")
    waiting = Harness(code="222222")
    waiting.join("tr", role="trainer", key=KEY)
    waiting.join("b", name="Budi")
    return ran, trainer, waiting


def _record(h: Harness, name: str) -> RoomRecord:
    return RoomRecord(h.room.code, KEY, "serbuan-troll", 1, 0.0, name=name)


def test_an_unstarted_room_has_no_score_in_the_overview_report_and_csv() -> None:
    ran, _, waiting = _ran_and_waiting()
    card = ran.room.card
    assert card is not None
    glances = Glances()
    glances.refresh([ran.room, waiting.room], ran.now)
    assert glances.glance(waiting.room, _record(waiting, "Mawar"), "id").score is None
    assert glances.glance(waiting.room, _record(waiting, "Mawar"), "id").passed is None
    assert glances.glance(ran.room, _record(ran, "Melati"), "id").score == card.score

    rooms = [(_record(ran, "Melati"), ran.room), (_record(waiting, "Mawar"), waiting.room)]
    for lang in ("id", "en"):
        files = day_files(rooms, lang, "Hari")
        not_started = translate("serve.day_report.not_started", lang)
        row = re.search(r"<tr><td >Mawar</td>(.*?)</tr>", files.report)
        assert row is not None
        cells = re.findall(r"<td [^>]*>(.*?)</td>", row.group(1))
        assert cells[4:6] == ["—", not_started]
        assert decimal(card.score, lang) in files.report  # the room that ran: its score
        delimiter = ";" if lang == "id" else ","
        table = list(csv.DictReader(io.StringIO(files.csv[1:]), delimiter=delimiter))
        score, passed = (translate(f"serve.csv.{c}", lang) for c in ("room_score",
                                                                    "room_passed"))
        points = translate("serve.csv.points", lang)
        budi = next(r for r in table if r[translate("serve.csv.name", lang)] == "Budi")
        assert (budi[score], budi[passed], budi[points]) == ("", not_started, "")
        ani = next(r for r in table if r[translate("serve.csv.name", lang)] == "Ani")
        assert ani[score] == figure(card.score, lang) and ani[points] != ""
        assert ani[passed] == translate("report.yes" if card.passed else "report.no", lang)


def test_a_reset_room_has_no_score_until_it_starts_again() -> None:
    ran, trainer, _ = _ran_and_waiting()
    ran.control(trainer, "reset")
    rows = csv_rows(ran.room.results_csv("id"))
    assert [(r["Nama"], r["Skor ruangan"], r["Ruangan lulus"], r["Peringkat"]) for r in rows] \
        == [("Ani", "", "belum mulai", "")]
    glances = Glances()
    glances.refresh([ran.room], ran.now)
    assert glances.glance(ran.room, _record(ran, "Melati"), "id").score is None
    ran.control(trainer, "start")
    ran.run(2_000)
    rows = csv_rows(ran.room.results_csv("id"))
    assert rows[0]["Ruangan lulus"] == "masih berjalan" and rows[0]["Skor ruangan"] != ""
