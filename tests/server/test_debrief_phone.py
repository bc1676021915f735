"""The debrief on a phone (360×740, touch) in Debian's chromium through Playwright.

A moderator deletes harmful comments from her phone during a troll raid; the trainer ends
the drill. Her debrief opens with what *she* did (her hits, the harm the room missed, her
false alarms, her fastest act) and her tips with their times, all on the first screens;
the answer key is folded below; no catalogue key shows raw; "Simpan hasil" saves it as a
text file. When the trainer resets the room the debrief stays (also through a reload of the
page) until the next run starts. The trainer drives the server over the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from i18n import catalogue
from server.app import WEB_DOMAINS
from tests.realparts import CHROMIUM, needs

from .helpers import Client, Running, running_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
#: What a catalogue key looks like (``outcome.silenced``, ``seat.key_harmful``).
KEYLIKE = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")

pytestmark = needs(CHROMIUM, "chromium")


def run(coro: Coroutine[Any, Any, None], limit_s: float = 150) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(limit_s):
            await coro
    asyncio.run(bounded())


def raw_keys(text: str, lang: str = "id") -> list[str]:
    """The words of ``text`` that are keys of the web pages' catalogues, shown raw."""
    keys = {key for key in catalogue(lang) if key.split(".")[0] in WEB_DOMAINS}
    keys |= {key.removeprefix("seat.") for key in keys}
    return [word for word in KEYLIKE.findall(text) if word in keys]


@contextlib.asynccontextmanager
async def phone(tmp_path: Path) -> AsyncIterator[tuple[Running, Any]]:
    """A drill server in this process, and a phone-sized chromium page."""
    async_api = pytest.importorskip("playwright.async_api")
    async with running_server(tmp_path / "data") as srv, async_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                                bypass_csp=True, accept_downloads=True)
            page = await context.new_page()
            page.set_default_timeout(20_000)
            yield srv, page
        finally:
            await browser.close()


def hidden(comment: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a message is the event that hid ``comment``."""
    return lambda m: m["type"] == "event" and m["event"]["type"] == "hidden" \
        and comment in m["event"]["comments"]


async def moderate_a_raid(srv: Running, page: Any, trainer: Client) -> int:
    """The trainer starts a raid; the phone deletes harmful comments as they come (by a
    tap on the row and "Hapus"). Returns how many deletes the room accepted."""
    await trainer.send(type="control", command="start")
    await trainer.send(type="inject", kind="troll_raid", count=8, over_s=4)
    deleted = 0
    while deleted < 2:
        msg = await trainer.until(lambda m: m["type"] == "event"
                                  and m["event"]["type"] == "comment"
                                  and m["event"]["hidden"] is None)
        event = msg["event"]
        if not srv.room.content.by_id[event["template"]].harmful:
            continue
        row = f"#stream li.comment[data-id='{event['id']}']"
        await page.wait_for_selector(row)
        await page.locator(row).dispatch_event("click")
        await page.wait_for_selector(f"#sheet[data-comment='{event['id']}']")
        await page.tap("#sheet button[data-act=delete]")
        await trainer.until(hidden(event["id"]))
        deleted += 1
    return deleted


def test_the_phone_debrief_shows_her_own_figures_and_tips_first_and_stays_after_reset(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with phone(tmp_path) as (srv, page):
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{srv.http}/?room={srv.room.code}")
            await page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                         ".textContent === 'Gabung'")
            await page.fill("#name", "Ani")
            await page.tap("#join-button")
            await page.wait_for_selector("#live:not([hidden])")
            trainer = await Client.open(srv.url)
            await trainer.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
            deleted = await moderate_a_raid(srv, page, trainer)
            await trainer.send(type="control", command="end")
            await page.wait_for_selector("#debrief:not([hidden]) #debrief-mine")
            assert await page.is_hidden("#live")
            card = srv.room.card
            assert card is not None

            # Her own figures first, on the first screen; then her tips, before the key.
            tops = await page.evaluate("""() => Object.fromEntries(['debrief-mine',
                'debrief-tips', 'answer-key'].map((id) => [id,
                document.getElementById(id).getBoundingClientRect().top + scrollY]))""")
            assert tops["debrief-mine"] < PHONE["height"] / 3
            assert tops["debrief-mine"] < tops["debrief-tips"] < tops["answer-key"]
            figures = await page.eval_on_selector_all(
                "#debrief-mine .figure", "(fs) => fs.map((f) => [f.querySelector('dt')"
                ".textContent, f.querySelector('dd').textContent])")
            seat_hits = srv.room.board.final.seat_hits if srv.room.board.final else {}
            assert figures[0] == ["Tindakan tepat (kamu sendiri)",
                                  str(sum(seat_hits.values()))]
            assert 1 <= sum(seat_hits.values()) <= deleted
            acts = await page.inner_text("#debrief-mine .acts")
            # Her fastest act on the room clock, its reaction in Indonesian (a decimal comma).
            assert re.search(r"Tercepat: \d+:\d\d · Hapus pada \S+ — \d+(,\d)? detik", acts), acts
            tips = await page.eval_on_selector_all("#debrief-tips li", "(l) => l.map((x) => "
                                                   "x.querySelector('b').textContent)")
            assert 1 <= len(tips) <= 3 and all(re.match(r"\d+:\d\d — ", tip) for tip in tips)
            # The answer key is folded; opened, it names every outcome in words.
            key = page.locator("#answer-key")
            assert await key.get_attribute("open") is None
            assert await page.is_hidden("#answer-key ol.items")
            await page.tap("#answer-key summary")
            await page.wait_for_selector("#answer-key ol.items", state="visible")
            text = await page.inner_text("#debrief")
            assert raw_keys(text) == [], raw_keys(text)
            for meta in await page.eval_on_selector_all(
                    "#answer-key li.item", "(l) => l.map((x) => x.className + '|' + "
                    "x.querySelector('.meta').textContent)"):
                assert "Hasil: aman" not in meta, meta  # a question is answered or not
            width = await page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1]  # nothing runs off the side of the phone

            # Saved as a text file, in words.
            async with page.expect_download() as download:
                await page.tap("#save-debrief")
            saved = Path(await (await download.value).path()).read_text(encoding="utf-8")
            assert (await download.value).suggested_filename == \
                f"gladi-{srv.room.code}-hasil-1.txt"
            assert "Hasil kamu" in saved and tips[0] in saved and "Kunci jawaban" in saved
            assert raw_keys(saved) == []

            # "Ulang dari awal": the results stay, through a reload too, until the next start.
            await trainer.send(type="control", command="reset")
            await page.wait_for_selector("#debrief-kept:not([hidden])")
            assert await page.is_visible("#debrief-mine") and await page.is_hidden("#live")
            await page.reload()
            await page.wait_for_selector("#debrief:not([hidden]) #debrief-kept:not([hidden])")
            assert await page.is_visible("#debrief-tips")
            await trainer.send(type="control", command="start")
            await page.wait_for_selector("#live:not([hidden])")
            assert await page.is_hidden("#debrief")
            await trainer.close()
            assert errors == []
    run(scenario())
