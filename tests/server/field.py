"""A drill on phones over a hotspot (tests/netbed.py): the server in its namespace, Chromium
phones in theirs, the trainer's protocol client from a phone's namespace. Shared by
tests/server/test_field_drill.py and bench/bench_field_video.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.netbed import NetBed, Profile, connected

from .helpers import Client
from .serverproc import ServerProcess

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}

# When the page was asked to join, and when its host video first showed a picture
# (performance.now(), ms): media events do not bubble, but a capturing listener hears them.
TIMING = """
window.__gladi = { joinAt: null, firstPicture: null };
document.addEventListener("submit", () => { window.__gladi.joinAt = performance.now(); }, true);
document.addEventListener("timeupdate", (e) => {
  const v = e.target;
  if (window.__gladi.firstPicture === null && v.videoWidth > 0 && v.currentTime > 0)
    window.__gladi.firstPicture = performance.now();
}, true);
"""
# The host's video on a seat's stage or the console's panel: its current time, or -1.
PLAYING_AT = """() => { const v = document.querySelector('#video-stage video');
  return v && !v.hidden && v.videoWidth > 0 ? v.currentTime : -1; }"""
PLAYED_A_SECOND = """() => { const v = document.querySelector('#video-stage video');
  return !!v && !v.hidden && v.videoWidth > 0 && v.currentTime > 1; }"""


@dataclass
class Field:
    bed: NetBed
    srv: ServerProcess
    pw: Any

    @property
    def join_url(self) -> str:
        return f"{self.srv.http}/?room={self.srv.code}"

    async def browser(self, phone: int, *extra: str) -> Any:
        return await self.pw.chromium.launch(
            executable_path=self.bed.chromium(self.bed.phones[phone]), args=[*ARGS, *extra])

    async def trainer(self) -> Client:
        """The trainer's protocol client, from the last phone's namespace."""
        sock = connected(self.bed.phones[-1], self.srv.host, self.srv.port)
        trainer = await Client.open(self.srv.url, sock=sock)
        welcome = await trainer.join(self.srv.code, role="trainer", key=self.srv.key)
        assert welcome["type"] == "welcome"
        return trainer


@contextlib.asynccontextmanager
async def field(tmp_path: Path, profile: Profile, phones: int) -> AsyncIterator[Field]:
    from playwright import async_api

    with NetBed(phones, profile) as bed:
        srv = ServerProcess(tmp_path / "data", host=bed.server_ip,
                            prefix=bed.command(bed.server))
        try:
            async with async_api.async_playwright() as pw:
                yield Field(bed, srv, pw)
        finally:
            srv.kill()


async def join(page: Any, url: str, name: str, role: str) -> None:
    await page.goto(url)
    await page.wait_for_function(
        "document.querySelector('[data-i18n=join]').textContent.length > 0")
    await page.fill("#name", name)
    await page.select_option("#role", role)
    await page.click("#join-button")
    await page.wait_for_selector("#live:not([hidden])")


async def host_goes_live(field: Field) -> Any:
    browser = await field.browser(0, "--use-fake-device-for-media-stream",
                                  "--use-fake-ui-for-media-stream",
                                  f"--unsafely-treat-insecure-origin-as-secure={field.srv.http}")
    page = await (await browser.new_context(**PHONE)).new_page()
    page.set_default_timeout(30_000)
    await join(page, field.join_url, "Bu Sari", "host")
    return page


@dataclass(frozen=True, slots=True)
class Watched:
    """How the host's video played on each seat, and on the trainer's console."""

    #: 1-s samples in which each seat's video played (time advancing), and the console's.
    plays: list[int]
    console_plays: int
    #: From asking to join to the first picture, per seat (ms).
    first_picture_ms: list[float]


async def seats_watch(f: Field, seats: int, seconds: int, phone: int = 1) -> Watched:
    """``seats`` phone pages join as moderators (one Chromium in phone ``phone``'s
    namespace, default settings), the trainer's console opens beside them, and each is
    sampled once a second for ``seconds``."""
    browser = await f.browser(phone)
    pages = []
    for i in range(seats):
        page = await (await browser.new_context(**PHONE)).new_page()
        page.set_default_timeout(30_000)
        await page.add_init_script(TIMING)
        await join(page, f.join_url, f"Kader {i + 1}", "moderator")
        pages.append(page)
    console = await (await browser.new_context(
        viewport={"width": 1280, "height": 800})).new_page()
    console.set_default_timeout(30_000)
    await console.goto(f"{f.srv.http}/trainer?room={f.srv.code}#key={f.srv.key}")
    await console.click("#connect-form button[type=submit]")
    await console.wait_for_selector("#console:not([hidden])")
    sampled = [*pages, console]
    last = [-1.0] * len(sampled)
    plays = [0] * len(sampled)
    for _ in range(seconds):
        await asyncio.sleep(1)  # the sampling period, not a synchronisation
        for i, page in enumerate(sampled):
            now = await page.evaluate(PLAYING_AT)
            plays[i] += now > 0 and now > last[i]
            last[i] = now
    firsts = [await page.evaluate("() => window.__gladi.firstPicture - window.__gladi.joinAt")
              for page in pages]
    await browser.close()
    return Watched(plays[:-1], plays[-1], firsts)
