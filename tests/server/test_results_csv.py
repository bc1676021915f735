"""The results CSV opens in Indonesian Excel: a BOM, ";" between cells, Indonesian headers,
ya/tidak, and decimals with a comma (77,2); in English "," and 77.2 (docs/protocol.md,
"export")."""

from __future__ import annotations

import csv
import io

from protocol.inbound import Export
from server.results import csv_text

from .harness import KEY, Harness


def _table(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_cells_are_written_as_excel_in_the_language_reads_them() -> None:
    table: list[list[object]] = [["Nama", "Skor ruangan", "Ruangan lulus"],
                                 ["Bu Wati; Sari", 77.2, True]]
    assert _table(csv_text(table, "id"), ";") == [["Nama", "Skor ruangan", "Ruangan lulus"],
                                                   ["Bu Wati; Sari", "77,2", "ya"]]
    assert _table(csv_text(table, "en"), ",")[1] == ["Bu Wati; Sari", "77.2", "yes"]


def test_a_drills_export_is_indonesian_for_an_indonesian_console() -> None:
    h = Harness()
    trainer = h.join("tr", role="trainer", key=KEY)
    ani = h.join("ani", name="Ani")
    h.control(trainer, "start")
    h.run(20_000)
    comment = h.first_comment()
    h.act(ani, "ani", type="delete", comment=comment["id"])
    h.run(5_000)
    h.control(trainer, "end")
    content = h.send(trainer, Export(v=1, type="export", format="csv"), "tr")[-1]["content"]
    header, *rows = _table(content, ";")
    assert header[:6] == ["Ruangan", "Putaran", "Skenario", "Tempat duduk", "Nama", "Peran"]
    assert header[-2:] == ["Skor ruangan", "Ruangan lulus"]
    (row,) = rows  # Ani; the trainer is no participant
    cells = dict(zip(header, row, strict=True))
    assert cells["Nama"] == "Ani" and cells["Peran"] == "Moderator"
    assert cells["Ruangan lulus"] in ("ya", "tidak")
    card = h.room.card
    assert card is not None
    score = f"{card.score:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert cells["Skor ruangan"] == score and "." not in cells["Skor ruangan"]
    english = h.room.results_csv("en")
    assert _table(english, ",")[0][:2] == ["Room", "Run"]
