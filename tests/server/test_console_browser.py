"""The trainer console in a real browser (Debian's chromium through Playwright): the
projector view, the results on top after "Akhiri" with where they were saved and the
drill controls locked, and the prompt for a participant who joins again under her name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from tests.realparts import CHROMIUM, needs

from .serverproc import ServerProcess

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = needs(CHROMIUM, "chromium")


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Any]]:
    """A server, and a trainer console at 1366×768 (a village-hall laptop), connected."""
    sync_api = pytest.importorskip("playwright.sync_api")
    data = tmp_path_factory.mktemp("console") / "data"
    with ServerProcess(data) as server, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
            page.set_default_timeout(30_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: dialog.accept())  # "Akhiri latihan sekarang …?"
            page.goto(f"{server.http}/trainer?room={server.code}#key={server.key}")
            page.click("#connect-form button[type=submit]")
            page.wait_for_selector("#console:not([hidden])")
            yield server, page
            assert errors == []  # no JavaScript error on the console
        finally:
            browser.close()


def _join(stack: ExitStack, server: ServerProcess,
          name: str) -> tuple[ClientConnection, dict[str, Any]]:
    """A participant's phone, as a plain websocket client: its first answer."""
    ws = stack.enter_context(connect(server.url))
    ws.send(json.dumps({"v": 1, "type": "hello", "room": server.code, "name": name}))
    while True:
        msg = json.loads(ws.recv(timeout=30))
        if msg["type"] in ("welcome", "waiting", "error"):
            return ws, msg


def test_the_projector_view_shows_the_code_and_the_qr(
        console: tuple[ServerProcess, Any]) -> None:
    server, page = console
    page.click("#project")
    page.wait_for_selector("#projector:not([hidden])")
    assert page.inner_text("#projector-code") == server.code
    assert f"/?room={server.code}" in page.inner_text("#projector-join")
    # The page's Content-Security-Policy allows no eval: no wait_for_function here.
    width = page.eval_on_selector("#projector-qr", "e => e.decode().then(() => e.naturalWidth)")
    assert width > 0  # the QR image loaded
    assert page.get_attribute("#projector-qr", "src") == f"/qr/{server.code}.svg"
    size = page.eval_on_selector("#projector-code",
                                 "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 64  # readable from the back of the hall
    page.click("#projector-close")
    page.wait_for_selector("#projector", state="hidden")


def test_a_rejoin_under_her_name_asks_the_trainer(console: tuple[ServerProcess, Any]) -> None:
    server, page = console
    with ExitStack() as stack:
        _, first = _join(stack, server, "Bu Wati")
        laptop, waiting = _join(stack, server, "Bu Wati")
        assert first["type"] == "welcome" and waiting["type"] == "waiting"
        prompt = page.wait_for_selector(f"[data-request={waiting['request']}]")
        assert "Bu Wati ingin bergabung lagi — berikan kursinya?" in prompt.inner_text()
        page.click(f"button[data-give={waiting['request']}]")
        while (msg := json.loads(laptop.recv(timeout=30)))["type"] != "welcome":
            pass
        assert msg["seat"] == first["seat"] and msg["actor"] == "Bu Wati"
        page.wait_for_selector("#rejoins", state="hidden")
        # One row for her (not "Bu Wati-2"); the trainer is a line above, not a row.
        page.wait_for_selector("#seats tr[data-seat]")
        assert len(page.query_selector_all("#seats tr[data-seat]")) == 1
        assert "Pelatih" in page.inner_text("#trainer-row")
        assert page.query_selector(f"#seats button[data-free={first['seat']}]") is not None


def test_after_akhiri_the_results_are_on_top_and_the_controls_locked(
        console: tuple[ServerProcess, Any]) -> None:
    server, page = console
    page.click("#start")
    page.wait_for_selector("#pause:not([hidden])")
    start, end = (page.eval_on_selector(sel, "e => getComputedStyle(e).backgroundColor")
                  for sel in ("#start", "#end"))
    assert start != end  # primary and danger look different
    page.click("#end")  # the confirm dialog is accepted
    page.wait_for_selector("#results:not([hidden])")
    page.wait_for_selector("#saved:has-text('.csv')")
    saved = page.inner_text("#saved")
    assert "Hasil disimpan di" in saved and f"gladi-{server.code}-0.csv" in saved
    csv_path = saved.split(": ", 1)[1].split(" · ")[0]
    assert Path(csv_path).read_bytes().startswith(b"\xef\xbb\xbf")
    # On top: above the injects and the seats, and in view without scrolling.
    results_top = page.eval_on_selector("#results", "e => e.getBoundingClientRect().top")
    injects_top = page.eval_on_selector("#injects", "e => e.getBoundingClientRect().top")
    assert results_top < injects_top and results_top < 768
    for sel in ("#end", "#pause", "#resume", "#start", "#note-form button", "#show-board",
                "#injects button"):
        assert page.is_disabled(sel), sel
    assert not page.is_disabled("#reset") and not page.is_disabled("#export-csv")
    # A reset unlocks the controls and takes the results away.
    page.click("#reset")
    page.wait_for_selector("#results", state="hidden")
    assert not page.is_disabled("#start") and not page.is_disabled("#injects button")
