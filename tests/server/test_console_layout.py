"""The trainer console and the training-day overview never hide their controls (Debian's
chromium through Playwright), on a phone (360×740) and at 200 % zoom (a 360×740 phone and a
1366×768 laptop zoomed to 200 %: the page's CSS viewport is half as wide and half as high).

Toasts go to an area of their own under the controls, so none covers *Jeda*, *Akhiri*,
*Ulang* or the *Semua ruangan* buttons (bounding boxes, and what a tap at a button's centre
hits); the host's camera warnings are a list under the picture whose lines overlap neither
each other nor the picture's status line; numbers are written the page's language's way,
and a room that has not started says "belum mulai" instead of a score.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import pytest

from server.journal import CoachRec
from server.placement import now_ms
from tests.realparts import CHROMIUM, needs

from .helpers import Running, running_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: A phone, the same phone at 200 % zoom, a village-hall laptop at 200 % zoom.
SCREENS = {"phone": {"width": 360, "height": 740},
           "phone-200": {"width": 180, "height": 370},
           "laptop-200": {"width": 683, "height": 384}}

pytestmark = needs(CHROMIUM, "chromium")

# Every pair of a visible toast and a visible control whose boxes intersect; and every
# control that a tap at its centre (scrolled to the middle of the screen) would not hit.
COVERED = """(controls) => {
  const boxes = (sel) => [...document.querySelectorAll(sel)].filter((n) => n.checkVisibility())
    .map((n) => [n, n.getBoundingClientRect()]);
  const meet = (a, b) => a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  for (const [button, b] of boxes(controls)) {
    for (const [toast, r] of boxes(".toast")) {
      if (meet(b, r)) found.push(`${button.textContent} under ${toast.textContent}`);
    }
  }
  for (const [button] of boxes(controls)) {
    button.scrollIntoView({ block: "center" });
    const b = button.getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    const what = hit && hit.outerHTML.slice(0, 60);
    if (!button.contains(hit)) found.push(`${button.textContent} hidden by ${what}`);
  }
  scrollTo(0, 0);
  return found;
}"""


def run(coro: Coroutine[Any, Any, None], limit_s: float = 150) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(limit_s):
            await coro
    asyncio.run(bounded())


@contextlib.asynccontextmanager
async def browser(tmp_path: Path) -> AsyncIterator[tuple[Running, Any]]:
    async_api = pytest.importorskip("playwright.async_api")
    async with running_server(tmp_path / "data") as srv, async_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield srv, chromium
        finally:
            await chromium.close()


async def page_at(chromium: Any, screen: str, errors: list[str]) -> Any:
    context = await chromium.new_context(viewport=SCREENS[screen], bypass_csp=True,
                                         is_mobile=screen.startswith("phone"),
                                         has_touch=screen.startswith("phone"))
    page = await context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    return page


def console_url(srv: Running) -> str:
    return f"{srv.http}/trainer?room={srv.room.code}#key={srv.room.trainer_key}"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_toasts_never_cover_the_consoles_controls(tmp_path: Path, screen: str) -> None:
    async def scenario() -> None:
        async with browser(tmp_path) as (srv, chromium):
            errors: list[str] = []
            page = await page_at(chromium, screen, errors)
            await page.goto(console_url(srv))
            await page.click("#connect-form button[type=submit]")
            await page.wait_for_selector("#console:not([hidden])")
            # Injects before the start are refused: three toasts, one after another.
            for button in (await page.query_selector_all("#injects button"))[:3]:
                await button.dispatch_event("click")
            await page.wait_for_function("document.querySelectorAll('.toast').length >= 3")
            assert await page.evaluate(COVERED, ".controls button") == []
            assert await page.locator("#console-toasts .toast").count() == 3
            # Running, Jeda is there too; a long message wraps in its area, and the area
            # keeps the newest three.
            await page.click("#start")
            await page.wait_for_selector("#pause:not([hidden])")
            await page.evaluate("Gladi.toast('Pesan panjang '.repeat(30))")
            assert await page.locator("#console-toasts .toast").count() == 3
            assert await page.evaluate(COVERED, ".controls button") == []
            assert errors == []
    run(scenario())


@pytest.mark.parametrize("screen", list(SCREENS))
def test_toasts_never_cover_the_overviews_buttons(tmp_path: Path, screen: str) -> None:
    async def scenario() -> None:
        async with browser(tmp_path) as (srv, chromium):
            errors: list[str] = []
            page = await page_at(chromium, screen, errors)
            await page.goto(f"{srv.http}/day#key={srv.server.day_key}")
            await page.click("#connect-form button[type=submit]")
            await page.wait_for_selector(f"article[data-room='{srv.room.code}']")
            # A room that has not started: no score.
            assert await page.inner_text(f"[data-score='{srv.room.code}']") == \
                "Skor sementara: belum mulai"
            for command in ("pause", "resume", "end"):  # none fits a room in the lobby
                await page.click(f"[data-all={command}]")
            await page.wait_for_function("document.querySelectorAll('.toast').length >= 3")
            assert "Berhasil di 0 ruangan; 1 dilewati" in await page.inner_text(
                "#console-toasts")
            assert await page.evaluate(COVERED, ".controls button, .room-card button") == []
            # Nothing runs off the side, where a room's buttons would be out of reach.
            assert await page.evaluate("document.documentElement.scrollWidth "
                                       "<= document.documentElement.clientWidth")
            # Started, it has a score so far, written the Indonesian way.
            await page.click(f"button[data-cmd='{srv.room.code}:start']")
            await page.wait_for_function(
                f"/^Skor sementara: \\d+(,\\d)?$/.test(document.querySelector("
                f"\"[data-score='{srv.room.code}']\").textContent)")
            assert errors == []
    run(scenario())


def test_the_consoles_coaching_lines_overlap_nothing_and_numbers_are_local(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with browser(tmp_path) as (srv, chromium):
            errors: list[str] = []
            page = await page_at(chromium, "phone", errors)
            english = await page_at(chromium, "laptop-200", errors)
            for opened, lang in ((page, "id"), (english, "en")):
                await opened.goto(console_url(srv).replace("#", f"&lang={lang}#"))
                await opened.click("#connect-form button[type=submit]")
                await opened.wait_for_selector("#console:not([hidden])")
            warnings = [("audio.clipping", "near_clipping", {"peak": -2.6}),
                        ("exposure.face_clipped", "face_clipped", {"percent": 12.5}),
                        ("exposure.brightness", "face_too_dark", {})]
            records = [CoachRec(t=1_000 * i, change="raised", check=check, level="warn",
                                hint_key=key, params=params, since=1_000 * i)
                       for i, (check, key, params) in enumerate(warnings, 1)]
            srv.server.deliver(srv.room, srv.room.coach(records, now_ms()))
            await page.wait_for_function(
                "document.querySelectorAll('#coaching-log li').length === 3")
            lines = await page.eval_on_selector_all("#coaching-log li", "(l) => l.map((x) => "
                                                    "x.textContent)")
            assert any("-2,6 dBFS" in line for line in lines), lines
            assert any("12,5%" in line for line in lines), lines
            overlaps = await page.evaluate("""() => {
              const boxes = [...document.querySelectorAll('#coaching-log li, #stage .notice')]
                .filter((n) => n.checkVisibility()).map((n) => n.getBoundingClientRect());
              let n = 0;
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i], b = boxes[j];
                if (a.left < b.right && b.left < a.right
                    && a.top < b.bottom && b.top < a.bottom) n++;
              }
              return [boxes.length, n];
            }""")
            assert overlaps[0] >= 3 and overlaps[1] == 0
            # Nothing of the coaching covers the picture's status line.
            assert await page.locator("#stage .coaching:visible").count() == 0
            # Numbers in the tables are Indonesian (grouping with a dot), English in English.
            assert await page.evaluate("Gladi.num(1234.5, 1)") == "1.234,5"
            assert await english.evaluate("Gladi.num(1234.5, 1)") == "1,234.5"
            await english.wait_for_function(
                "document.querySelectorAll('#coaching-log li').length === 3")
            lines = await english.eval_on_selector_all("#coaching-log li", "(l) => l.map((x) => "
                                                       "x.textContent)")
            assert any("-2.6 dBFS" in line for line in lines), lines
            assert errors == []
    run(scenario())
