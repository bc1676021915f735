"""The phone seat page's screenshots: ``uv run python tools/seat_screenshots.py docs/img``.

A drill server on 127.0.0.1 (in this process, a temporary data folder) runs
``serbuan-troll``; a trainer starts it and fires a troll raid, a gift storm, guest
requests and the village head joining. Debian's chromium (Playwright, never
``playwright install``; ``GLADI_CHROMIUM`` names another binary) shows the host's seat
on a 360×740 phone with a thumb resting on the stream, so it holds still behind its
"N komentar baru" pill and the alerts sit in their one bar: ``seat-raid.png``, then the
same with large text: ``seat-raid-large.png``. The pictures differ from run to run only
in the raid's timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from playwright.async_api import Page, ViewportSize, async_playwright
from websockets.asyncio.client import ClientConnection, connect

from server.app import DrillServer, build_room
from server.store import Store

CHROMIUM = os.environ.get("GLADI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = ViewportSize(width=360, height=740)
SCENARIO = "serbuan-troll"
CODE = "482913"
INJECTS: tuple[dict[str, Any], ...] = (
    {"kind": "troll_raid", "count": 30, "over_s": 20},
    {"kind": "gift_storm", "count": 4, "over_s": 3},
    {"kind": "guest_request", "count": 1, "over_s": 1},
    {"kind": "official_joins", "count": 1, "role": "village_head"},
)


@contextlib.asynccontextmanager
async def drill_server(data: Path) -> AsyncIterator[tuple[int, str]]:
    """One room on a free port of 127.0.0.1: (port, trainer key)."""
    store = Store(data)
    server = DrillServer(store)
    key = secrets.token_urlsafe(12)
    server.add_room(build_room(CODE, key, SCENARIO, 1), SCENARIO)
    stop = asyncio.Event()
    started: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(server.run("127.0.0.1", 0, started, stop))
    listening = await started
    try:
        yield next(iter(listening.sockets)).getsockname()[1], key
    finally:
        stop.set()
        await task
        store.close()


async def trainer(port: int, key: str) -> ClientConnection:
    """The trainer starts the drill and fires the raid and its company."""
    ws = await connect(f"ws://127.0.0.1:{port}/ws", max_queue=None)
    await ws.send(json.dumps({"v": 1, "type": "hello", "room": CODE, "role": "trainer",
                              "key": key}))
    await ws.send(json.dumps({"v": 1, "type": "control", "command": "start"}))
    for inject in INJECTS:
        await ws.send(json.dumps({"v": 1, "type": "inject", **inject}))
    return ws


async def shoot(page: Page, out: Path, name: str) -> None:
    """A thumb on the stream (it holds still), then the picture once new comments wait."""
    cdp = await page.context.new_cdp_session(page)
    box = await page.locator("#stream").bounding_box()
    assert box is not None
    thumb = {"x": box["x"] + 8, "y": box["y"] + box["height"] * 0.4}
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [thumb]})
    await page.wait_for_function("Number(document.getElementById('new-comments')"
                                 ".dataset.count) >= 2")
    await page.screenshot(path=str(out / name))
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    await page.tap("#new-comments")  # let it go on


async def take(out: Path) -> None:
    with tempfile.TemporaryDirectory() as data:
        async with drill_server(Path(data)) as (port, key), async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                context = await browser.new_context(viewport=PHONE, is_mobile=True,
                                                    has_touch=True, device_scale_factor=2,
                                                    bypass_csp=True)
                page = await context.new_page()
                page.set_default_timeout(30_000)
                await page.goto(f"http://127.0.0.1:{port}/?room={CODE}")
                await page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                             ".textContent === 'Gabung'")
                await page.fill("#name", "Bu Wati")
                await page.select_option("#role", "host")
                await page.tap("#join-button")
                await page.wait_for_selector("#live:not([hidden])")
                ws = await trainer(port, key)
                await page.wait_for_function(
                    "document.querySelectorAll('#stream li.comment').length >= 8 && "
                    "Number(document.getElementById('alert-bar').dataset.count) >= 3")
                await shoot(page, out, "seat-raid.png")
                await page.tap("#live .large-toggle")
                await page.wait_for_function("document.documentElement.classList"
                                             ".contains('large')")
                await shoot(page, out, "seat-raid-large.png")
                await ws.close()
            finally:
                await browser.close()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/img")
    out.mkdir(parents=True, exist_ok=True)
    asyncio.run(take(out))
    print(f"seat-raid.png, seat-raid-large.png -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
