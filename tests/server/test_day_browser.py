"""The training-day overview in a real browser (Debian's chromium through Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realparts import CHROMIUM, needs

from .serverproc import ServerProcess
from .test_browser import ARGS

pytestmark = needs(CHROMIUM, "chromium")


def test_the_organiser_makes_a_room_starts_it_and_opens_its_console(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with ServerProcess(tmp_path / "data") as server, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_context().new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: dialog.accept())
            page.set_default_timeout(30_000)
            page.goto(f"{server.http}/day#key={server.day_key}")
            page.click("#connect-form button[type=submit]")
            page.wait_for_selector("#console:not([hidden])")
            page.wait_for_selector(f"article[data-room='{server.code}']")
            page.fill("#room-name", "Kelompok Mawar")
            page.select_option("#scenario", "tamu-resmi")
            page.click("#create-form button[type=submit]")
            card = page.wait_for_selector("article.room-card:has-text('Kelompok Mawar')")
            code = card.get_attribute("data-room")
            assert code and code != server.code
            page.wait_for_function(f"document.querySelector(\"article[data-room='{code}'] "
                                   "img.qr\").naturalWidth > 0")  # the QR code loaded
            page.click(f"button[data-cmd='{code}:start']")
            page.wait_for_selector(f"article[data-room='{code}'].running")
            # The other room was not started.
            assert "lobby" in (page.get_attribute(f"article[data-room='{server.code}']",
                                                  "class") or "")
            with page.context.expect_page() as opened:
                page.click(f"a[data-console='{code}']")
            console = opened.value
            console.set_default_timeout(30_000)
            console.click("#connect-form button[type=submit]")
            console.wait_for_selector("#console:not([hidden])")
            assert code in console.inner_text("#room-title")
            assert errors == []
        finally:
            browser.close()
