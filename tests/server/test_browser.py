"""The seat page in a real browser (Debian's chromium through Playwright).

Two phones join from the seat page, the trainer starts the drill from the
trainer console, one seat blocks a viewer, and the comment vanishes on the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realparts import CHROMIUM, needs

from .serverproc import ServerProcess

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = needs(CHROMIUM, "chromium")


def test_block_from_the_seat_page_removes_the_comment_on_another_seat(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with ServerProcess(tmp_path / "data") as server, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            phone = {"viewport": {"width": 390, "height": 800}, "is_mobile": True,
                     "has_touch": True}
            ani = browser.new_context(**phone).new_page()
            budi = browser.new_context(**phone).new_page()
            trainer = browser.new_context().new_page()
            errors: list[str] = []
            for page in (ani, budi, trainer):
                page.on("pageerror", lambda exc: errors.append(str(exc)))
            for page, name in ((ani, "Ani"), (budi, "Budi")):
                page.set_default_timeout(30_000)
                page.goto(f"{server.http}/?room={server.code}")
                page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                       ".textContent === 'Gabung'")  # Indonesian by default
                page.fill("#name", name)
                page.click("#join-button")
                page.wait_for_selector("#live:not([hidden])")
            trainer.set_default_timeout(30_000)
            trainer.goto(f"{server.http}/trainer?room={server.code}#key={server.key}")
            trainer.click("#connect-form button[type=submit]")
            trainer.wait_for_selector("#console:not([hidden])")
            trainer.click("#start")
            trainer.click("button[data-inject=troll_raid]")  # comments sooner

            first = ani.wait_for_selector("li.comment:not(.filtered)")
            comment_id = first.get_attribute("data-id")
            selector = f"li.comment[data-id='{comment_id}']"
            budi.wait_for_selector(selector)
            # New comments push the list down as they arrive; a click by coordinates could
            # land on a newer comment, so the tap is dispatched on the element itself.
            ani.locator(selector).dispatch_event("click")
            assert comment_id and ani.inner_text("#sheet .quote")
            ani.click("button[data-act=block]")
            budi.wait_for_selector(selector, state="detached")
            ani.wait_for_selector(selector, state="detached")
            # The trainer console shows who blocked it.
            trainer.wait_for_selector("li.comment.gone")
            # A keyword filter added on one phone shows on the other, and is removed from there.
            budi.fill("#keyword", "Judi")
            budi.click("#add-keyword")
            ani.wait_for_selector("button.chip[data-keyword=judi]")
            ani.locator("button.chip[data-keyword=judi]").dispatch_event("click")
            budi.wait_for_selector("button.chip[data-keyword=judi]", state="detached")
            # A reload (a phone's browser dropping the tab) resumes the same seat.
            budi.reload()
            budi.wait_for_selector("#live:not([hidden])")
            assert "Budi" in budi.inner_text("#me")
            assert budi.query_selector(selector) is None
            assert errors == []  # no JavaScript error on any page
        finally:
            browser.close()
