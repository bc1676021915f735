"""The host's coaching cards on a 360×740 phone (Debian's chromium, through Playwright).

The host joins a real drill server on localhost with Chromium's fake camera and microphone
(a test pattern with no face in it, and a beeping tone), so the server's live coach raises
warnings about her picture and her voice; the trainer starts a gift storm so the alert bar
is up. The cards sit in one strip that covers at most 20 % of the host's own preview, the
alert bar is not over it, nothing else is drawn on top of it, and no card is cut in half;
with the page's large text ("A+") as well.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

import i18n
from media.faces import HaarFaceDetector
from server.video.coaching import CoachSettings, LiveCoach
from tests.realparts import CHROMIUM, needs

from .helpers import Client, running_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"]
PHONE = {"width": 360, "height": 740}
#: Quick to raise, so the test does not wait long; the layout is the same at any pace.
QUICK = CoachSettings(look_every_s=0.2, window=3, judge_every_ms=200, confirm_ms=600,
                      clear_ms=600, min_listen_s=1.0)

pytestmark = needs(CHROMIUM, "chromium")

# The strip, the preview, the alert bar and the cards, as the host's page lays them out; and,
# on a grid over the strip, whether the strip itself is what a finger or an eye meets there.
LAYOUT = """() => {
  const box = (el) => { const b = el.getBoundingClientRect();
    return { x: b.left, y: b.top, w: b.width, h: b.height }; };
  const strip = document.querySelector('#video-stage .coaching');
  const s = strip.getBoundingClientRect();
  const covered = [];
  for (let i = 1; i < 10; i += 1) for (let j = 1; j < 4; j += 1) {
    const x = s.left + s.width * i / 10, y = s.top + s.height * j / 4;
    const top = document.elementFromPoint(x, y);
    if (!top || !strip.contains(top)) covered.push([x, y, top ? top.outerHTML.slice(0, 80) : null]);
  }
  return { stage: box(document.getElementById('video-stage')), strip: box(strip),
           bar: box(document.getElementById('alert-bar')),
           cards: [...strip.children].map(box),
           texts: [...strip.children].map((c) => c.textContent),
           cut: [...strip.querySelectorAll('li > span')]
             .map((t) => t.scrollHeight > t.clientHeight + 1),
           checks: [...strip.children].map((c) => c.dataset.check), covered };
}"""


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The area two boxes share."""
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(0.0, w) * max(0.0, h)


def run(coro: Any) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(120):
            await coro
    asyncio.run(bounded())


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_the_coaching_strip_covers_at_most_a_fifth_of_the_hosts_preview(
        tmp_path: Path, large: bool) -> None:
    async_api = pytest.importorskip("playwright.async_api")

    async def scenario() -> None:
        async with running_server(tmp_path / "data") as srv, async_api.async_playwright() as pw:
            srv.server.video.coach = lambda: LiveCoach(HaarFaceDetector(), QUICK)
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            errors: list[str] = []
            try:
                context = await browser.new_context(viewport=PHONE, is_mobile=True,
                                                    has_touch=True, bypass_csp=True)
                if large:  # the page's own "A+" choice, as a reload remembers it
                    await context.add_init_script("localStorage.setItem('gladi.large', '1')")
                host = await context.new_page()
                host.set_default_timeout(40_000)
                host.on("pageerror", lambda exc: errors.append(str(exc)))
                # localhost: a secure context, so the browser opens the (fake) camera.
                await host.goto(f"http://localhost:{srv.port}/?room={srv.room.code}")
                await host.wait_for_function("document.querySelector('[data-i18n=join]')"
                                             ".textContent === 'Gabung'")
                await host.fill("#name", "Bu Sari")
                await host.select_option("#role", "host")
                await host.tap("#join-button")
                await host.wait_for_selector("#live:not([hidden])")
                trainer = await Client.open(srv.url)
                await trainer.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
                await trainer.send(type="control", command="start")
                await trainer.send(type="inject", kind="gift_storm", count=6, over_s=3)
                # A card about the picture and one about the voice, and the alert bar.
                await host.wait_for_function(
                    "document.querySelectorAll('#video-stage .coaching li').length >= 2"
                    " && !document.getElementById('alert-bar').hidden")
                layout = await host.evaluate(LAYOUT)
                await trainer.close()
            finally:
                await browser.close()
        stage, strip, bar = layout["stage"], layout["strip"], layout["bar"]
        share = strip["w"] * strip["h"] / (stage["w"] * stage["h"])
        assert share <= 0.20, (share, layout)
        assert overlap(strip, bar) == 0.0, layout
        assert layout["covered"] == [], layout["covered"]
        # One card of each kind, each whole inside the strip (not cut by its edge).
        assert sorted(layout["checks"]) == sorted(set(layout["checks"])), layout["checks"]
        assert len(layout["cards"]) == 2
        for card in layout["cards"]:
            assert card["y"] >= strip["y"] - 0.5
            assert card["y"] + card["h"] <= strip["y"] + strip["h"] + 0.5, layout
        # Each card says its short form whole (check.coach_*), not cut off.
        assert all(text.strip() for text in layout["texts"])
        assert layout["cut"] == [False, False], layout["texts"]
        shorts = [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(v)) + "$")
                  for k, v in i18n.catalogue("id").items() if k.startswith("check.coach_")]
        assert all(any(s.search(text) for s in shorts) for text in layout["texts"]), layout
        assert errors == []
    run(scenario())
