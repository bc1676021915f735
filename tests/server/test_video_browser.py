"""server/web/video.js in Debian's chromium (Playwright): a seat watching, and a host publishing.

A small page loads the real ``common.js`` and ``video.js`` and talks ``media.*``
over a websocket to a ``MediaHub`` in this process (the drill room is not
needed for the video). Chromium runs with its fake camera and microphone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

import i18n
from server.video.peer import MediaHub, MediaStatus
from server.video.signalling import MediaParty, decode_media, handle_media, state_message
from tests.realparts import CHROMIUM, needs

from .helpers import running_server
from .video_peers import HostPeer, SeatPeer, leftover_tasks

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"]

pytestmark = needs(CHROMIUM, "chromium")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>video</title></head>
<body><div id="toasts"></div><div id="stage"></div>
<script src="/common.js"></script><script src="/video.js"></script>
<script>
(async () => {
  await Gladi.loadLang("id");
  const role = new URLSearchParams(location.search).get("role") || "moderator";
  const ws = new WebSocket(`ws://${location.host}/ws`);
  await new Promise((resolve) => { ws.onopen = resolve; });
  ws.send(JSON.stringify({ owner: role }));
  const link = { send(body) { ws.send(JSON.stringify({ v: 1, ...body })); } };
  const video = GladiVideo.attach(link, document.getElementById("stage"), role);
  ws.onmessage = (e) => video.handle(JSON.parse(e.data));
  window.gladiVideo = video;
})();
</script></body></html>"""


def _response(body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> Response:
    headers = Headers({"Content-Type": content_type, "Content-Length": str(len(body))})
    return Response(status.value, status.phrase, headers, body)


@contextlib.asynccontextmanager
async def page_server(hub: MediaHub) -> AsyncIterator[int]:
    """The test page, the web client's scripts and a media.* websocket, on 127.0.0.1."""
    web = resources.files("server") / "web"
    strings = {k: v for k, v in i18n.catalogue("id").items() if k.split(".")[0] in
               ("seat", "video")}
    connections: set[tuple[ServerConnection, MediaParty]] = set()

    def status(changed: MediaStatus) -> None:
        for ws, party in connections:
            message = state_message(changed, coached=party.coached, lang="id")
            asyncio.ensure_future(ws.send(json.dumps(message)))

    hub.on_status = status

    def files(ws: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?")[0]
        if path == "/ws":
            return None
        if path == "/":
            return _response(PAGE.encode(), "text/html; charset=utf-8")
        if path == "/i18n/id.json":
            return _response(json.dumps(strings).encode(), "application/json")
        if path in ("/common.js", "/video.js"):
            return _response((web / path[1:]).read_bytes(), "text/javascript; charset=utf-8")
        return _response(b"", "text/plain", HTTPStatus.NOT_FOUND)

    async def handler(ws: ServerConnection) -> None:
        owner = str(json.loads(await ws.recv())["owner"])
        party = MediaParty(owner, may_publish=owner == "host", coached=True, lang="id")
        connections.add((ws, party))
        try:
            await ws.send(json.dumps(state_message(hub.status, coached=True, lang="id")))
            async for raw in ws:
                for reply in await handle_media(hub, party, decode_media(str(raw))):
                    await ws.send(json.dumps(reply))
        finally:
            connections.discard((ws, party))

    async with serve(handler, "127.0.0.1", 0, process_request=files) as server:
        yield next(iter(server.sockets)).getsockname()[1]


def run(coro: Any) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(90):
            await coro
    asyncio.run(bounded())


VIDEO_PLAYS = """() => {
  const v = document.querySelector('#video-stage video');
  return v && !v.hidden && v.videoWidth > 0 && v.currentTime > 0;
}"""


def test_a_chromium_seat_shows_the_test_card_then_plays_the_hosts_video() -> None:
    async_api = pytest.importorskip("playwright.async_api")

    async def scenario() -> None:
        hub = MediaHub()
        async with page_server(hub) as port, async_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = await browser.new_page(viewport={"width": 390, "height": 800})
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.set_default_timeout(20_000)
                await page.goto(f"http://127.0.0.1:{port}/")
                # No host yet: the test card and the one-line notice.
                await page.wait_for_function(
                    "() => document.querySelector('#video-stage')?.dataset.notice === "
                    "'video.no_video'")
                notice = await page.inner_text("#video-stage .notice")
                assert notice == i18n.translate("video.no_video", "id")
                assert await page.is_visible("#video-stage canvas.testcard")
                host = await HostPeer.publish(hub)
                await page.wait_for_function(VIDEO_PLAYS)
                size = await page.evaluate(
                    "() => { const v = document.querySelector('#video-stage video');"
                    " return [v.videoWidth, v.videoHeight, v.currentTime]; }")
                assert size[:2] == [360, 640]
                await page.wait_for_function(
                    f"() => document.querySelector('#video-stage video').currentTime > "
                    f"{size[2] + 0.5}")
                await page.wait_for_function(
                    "() => document.querySelector('#video-stage').dataset.notice === ''")
                # The host drops: the seat says so and keeps its peer.
                await host.close()
                await page.wait_for_function(
                    "() => document.querySelector('#video-stage').dataset.notice === "
                    "'video.host_reconnecting'")
                assert errors == []
            finally:
                await browser.close()
        await hub.close()
        assert hub.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())


def test_a_chromium_host_publishes_its_camera_to_an_aiortc_seat() -> None:
    async_api = pytest.importorskip("playwright.async_api")

    async def scenario() -> None:
        hub = MediaHub()
        async with page_server(hub) as port, async_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = await browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.set_default_timeout(20_000)
                await page.goto(f"http://127.0.0.1:{port}/?role=host")
                seat = await SeatPeer.watch(hub, "ani")
                # Chromium's fake camera has no stamp: count decoded pictures instead.
                await seat.until(lambda s: s.unreadable + len(s.pictures) >= 10, timeout=20)
                assert seat.sizes == {(360, 640)}
                await seat.until(lambda s: len(s.levels) >= 10)
                assert errors == []
                await seat.close()
            finally:
                await browser.close()
        await hub.close()
        assert hub.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())


async def _join(page: Any, url: str, name: str, role: str = "moderator") -> None:
    await page.goto(url)
    await page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                 ".textContent === 'Gabung'")
    await page.fill("#name", name)
    await page.select_option("#role", role)
    await page.click("#join-button")
    await page.wait_for_selector("#live:not([hidden])")


ADVANCING = """(before) => {
  const v = document.querySelector('#video-stage video');
  return v.videoWidth > 0 && v.currentTime > before + 0.5;
}"""


def test_a_chromium_host_reaches_a_chromium_seat_through_the_drill_server(tmp_path: Path) -> None:
    """The seat page and the trainer console of a real drill server: the host joins on
    localhost (a secure context, so the browser gives the camera) and publishes; a seat on the
    LAN address and the trainer console play the host's video in the 9:16 stage."""
    async_api = pytest.importorskip("playwright.async_api")

    async def scenario() -> None:
        async with running_server(tmp_path) as srv, async_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            errors: list[str] = []
            try:
                phone = {"viewport": {"width": 390, "height": 800}, "is_mobile": True,
                         "has_touch": True}
                host, seat = [await (await browser.new_context(**phone)).new_page()
                              for _ in range(2)]
                trainer = await (await browser.new_context()).new_page()
                for page in (host, seat, trainer):
                    page.on("pageerror", lambda exc: errors.append(str(exc)))
                    page.set_default_timeout(30_000)
                code = srv.room.code
                await _join(host, f"http://localhost:{srv.port}/?room={code}", "Bu Sari", "host")
                await _join(seat, f"{srv.http}/?room={code}", "Ani")
                await seat.wait_for_function(VIDEO_PLAYS)
                before = await seat.evaluate(
                    "() => document.querySelector('#video-stage video').currentTime")
                await seat.wait_for_function(ADVANCING, arg=before)
                size = await seat.evaluate(
                    "() => { const v = document.querySelector('#video-stage video');"
                    " return [v.videoWidth, v.videoHeight]; }")
                assert size == [360, 640]
                box = await seat.locator("#stage").bounding_box()
                assert box is not None and abs(box["width"] / box["height"] - 9 / 16) < 0.02
                # The overlays sit on the stage, over the video.
                assert await seat.locator("#stage .overlay #stream").count() == 1
                await trainer.goto(f"{srv.http}/trainer?room={code}#key={srv.room.trainer_key}")
                await trainer.click("#connect-form button[type=submit]")
                await trainer.wait_for_selector("#console:not([hidden])")
                await trainer.wait_for_function(VIDEO_PLAYS)
                assert errors == []
            finally:
                await browser.close()
            video = srv.server.video
        assert video.peer_count == 0
        assert await leftover_tasks() == set()
    run(scenario())
