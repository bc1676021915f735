"""``gladi report``: the self-contained HTML debrief and the CSV tables."""

from __future__ import annotations

import csv
import json
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from debrief import tables
from debrief.report_html import render_session
from debrief.session import load
from gladi.cli import main
from moderation.judge import Outcome
from moderation.sessionfile import scorecard_of
from tests import factories

from .conftest import session_copy

CHARTS = ("viewers", "comments", "actions", "reaction")


class Page(HTMLParser):
    """Collects what the tests look at: references, ids, charts, table rows, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.svg_in_figure: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.text: list[str] = []
        self._figure: str | None = None
        self._section: str | None = None
        self._in_tbody = False
        self._style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        for name in ("src", "href", "xlink:href", "action", "data"):
            if name in a:
                self.refs.append((tag, name, a[name]))
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "section":
            self._section = a.get("id")
        if tag == "figure":
            self._figure = a.get("id", "").removeprefix("chart-")
        if tag == "svg" and self._figure:
            self.svg_in_figure[self._figure] = self.svg_in_figure.get(self._figure, 0) + 1
        if tag == "tbody":
            self._in_tbody = True
        if tag == "tr" and self._in_tbody and self._section:
            self.rows[self._section] = self.rows.get(self._section, 0) + 1
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._figure = None
        if tag == "tbody":
            self._in_tbody = False
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.styles.append(data)
        else:
            self.text.append(data)


def parse_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def pages(troll_session: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    out = {}
    for lang in ("id", "en"):
        out[lang] = folder / f"{lang}.html"
        assert main(["report", str(troll_session), "--html", str(out[lang]),
                     "--lang", lang]) == 0
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_holds_every_chart_and_no_external_reference(
        pages: dict[str, Path], lang: str) -> None:
    page = parse_page(pages[lang])
    assert page.tags[0] == "html" and "head" in page.tags and "body" in page.tags
    for chart in CHARTS:
        assert page.svg_in_figure.get(chart) == 1, chart
    assert "script" not in page.tags and "link" not in page.tags
    assert "img" not in page.tags and "iframe" not in page.tags
    external = [r for r in page.refs if not r[2].startswith("#")]
    assert external == []
    css = "".join(page.styles)
    assert "@import" not in css and "url(" not in css
    assert "@media print" in css


@pytest.mark.parametrize("lang", ["id", "en"])
def test_element_ids_are_unique_across_charts(pages: dict[str, Path], lang: str) -> None:
    page = parse_page(pages[lang])
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert duplicates == set()
    internal = {r[2][1:] for r in page.refs}
    assert internal <= set(page.ids)  # every #reference resolves inside the page


def test_both_languages_render_translated(pages: dict[str, Path]) -> None:
    indonesian = " ".join(parse_page(pages["id"]).text)
    english = " ".join(parse_page(pages["en"]).text)
    assert "Kunci jawaban" in indonesian and "Saran terpenting" in indonesian
    assert "Answer key" in english and "Most important tips" in english
    assert "English translation" in english and "English translation" not in indonesian
    untranslated = re.compile(r"\b(report|judge|history|quiz)\.[a-z_]+\b")
    assert not untranslated.search(indonesian) and not untranslated.search(english)
    svg = pages["en"].read_text(encoding="utf-8")
    assert "report.chart" not in svg and "report.axis" not in svg


def test_answer_key_lists_every_harmful_comment_and_every_question(
        troll_session: Path, pages: dict[str, Path]) -> None:
    loaded = load(troll_session, "en")
    page = parse_page(pages["en"])
    key = tables.key_rows(loaded.card)
    harmful = [i for i in loaded.card.items if i.harmful and i.outcome is not Outcome.SILENCED]
    assert len(harmful) > 10
    assert {r.id for r in key} >= {i.id for i in harmful}
    assert page.rows["answer-key"] == len(key)
    questions = tables.question_rows(loaded.card)
    assert questions and page.rows["questions"] == len(questions)
    text = pages["en"].read_text(encoding="utf-8")
    for row in questions:
        assert row.answer is not None
        assert row.answer.en.replace("'", "&#x27;").replace('"', "&quot;")[:40] in text


def test_tips_have_time_what_happened_and_what_was_right(pages: dict[str, Path],
                                                         troll_session: Path) -> None:
    card = load(troll_session, "en").card
    text = pages["en"].read_text(encoding="utf-8")
    tips_html = text[text.index('id="tips"'):text.index('id="answer-key"')]
    shown = min(len(card.tips), tables.TIPS_SHOWN)
    assert 3 <= shown <= 5
    assert tips_html.count("<li>") == shown
    assert tips_html.count("What would have been right") == shown
    assert len(re.findall(r"\d+:\d\d", tips_html)) >= shown


def test_score_parts_add_up_to_the_score(troll_session: Path) -> None:
    card = load(troll_session, "en").card
    points = [r.points for r in tables.part_rows(card) if r.points is not None]
    assert sum(points) == pytest.approx(card.score, abs=0.3)


def test_csv_tables_match_the_scorecard(troll_session: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["--lang", "en", "report", str(troll_session), "--html",
                 str(tmp_path / "r.html"), "--csv", str(folder)]) == 0
    card = load(troll_session, "en").card
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["answer_key.csv", "categories.csv", "questions.csv", "score_parts.csv",
                     "tips.csv"]
    with (folder / "categories.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Kind", "Total", "Hits"]
    assert [int(r[1]) for r in rows[1:]] == [c.total for c in card.categories.values()]
    with (folder / "answer_key.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 1 + len(tables.key_rows(card))


def test_default_output_goes_next_to_the_session(first_session: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "sesi.json"
    copy.write_bytes(first_session.read_bytes())
    assert main(["report", str(copy)]) == 0
    assert (tmp_path / "sesi.html").exists()
    assert str(tmp_path / "sesi.html") in capsys.readouterr().out


def test_same_session_same_page(first_session: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert main(["report", str(first_session), "--html", str(a)]) == 0
    assert main(["report", str(first_session), "--html", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def _bad(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["report", "replay", "quiz"])
@pytest.mark.parametrize(
    ("case", "needle_en"),
    [
        ("missing", "does not exist"),
        ("not_json", "damaged"),
        ("not_session", "is not a Gladi session file"),
        ("newer", "newer than this Gladi"),
        ("broken", "cannot be used"),
        ("content_changed", "content changed"),
    ],
)
def test_bad_input_is_a_translated_message_not_a_traceback(
        command: str, case: str, needle_en: str, first_session: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    paths = {
        "missing": tmp_path / "nope.json",
        "not_json": _bad(tmp_path, "x.json", '{"format": "gladi-session", '),
        "not_session": _bad(tmp_path, "y.json", json.dumps({"hello": 1})),
        "newer": session_copy(first_session, tmp_path, "v.json", version=99),
        "broken": session_copy(first_session, tmp_path, "s.json", seed="three"),
        "content_changed": session_copy(first_session, tmp_path, "c.json",
                                        content_digest="0" * 64),
    }
    for lang, needle in (("en", needle_en), ("id", None)):
        code = main(["--lang", lang, command, str(paths[case])])
        captured = capsys.readouterr()
        assert code == 2, captured
        assert "Traceback" not in captured.err
        assert str(paths[case]) in captured.err
        if needle:
            assert needle in captured.err
        else:
            assert "Galat" in captured.err  # the Indonesian error prefix


def test_report_refuses_a_session_whose_events_were_edited(
        first_session: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(first_session.read_text(encoding="utf-8"))
    data["events"] = data["events"][:-5]
    edited = _bad(tmp_path, "cut.json", json.dumps(data))
    assert main(["--lang", "en", "report", str(edited)]) == 2
    err = capsys.readouterr().err
    assert "does not replay" in err and "Traceback" not in err


def test_unwritable_output_is_a_clear_error(first_session: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--lang", "en", "report", str(first_session), "--html",
                 str(blocker / "r.html")]) == 2
    assert "Cannot save" in capsys.readouterr().err
    assert main(["--lang", "en", "report", str(first_session), "--html",
                 str(tmp_path / "r.html"), "--csv", str(blocker / "csv")]) == 2
    assert "Cannot save" in capsys.readouterr().err
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("end_ms", [0, 2_000, 120_000])
def test_render_copes_with_short_and_empty_sessions(end_ms: int) -> None:
    """The desktop app may stop a live at once: the page still has every part."""
    session = factories.session()
    session.end(end_ms)
    card = scorecard_of(session)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no matplotlib warning on an empty chart
        text = render_session(session, card, {"trainee": None}, "en")
    page = Page()
    page.feed(text)
    assert all(page.svg_in_figure.get(chart) == 1 for chart in CHARTS)
    assert "Answer key" in text and "Score" in text
