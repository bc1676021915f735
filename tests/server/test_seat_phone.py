"""The seat page on phones during a troll raid (Debian's chromium through Playwright).

At 360×740 and 390×844: a tap one second after a comment was located opens that comment
(with a thumb holding the stream; without it, a first tap on rows that had just moved opens
nothing and holds the stream, and the next tap opens the comment: never another one), a
block can be undone for a few seconds, the stream holds still behind a "N komentar baru"
pill, alerts fold into one bar that only the host gets, and a reload after joining by
typed code resumes the seat. The server runs in this process; a trainer and a second
moderator drive it over the protocol (docs/protocol.md), so the page gets real traffic:
raid comments, deletions, pins.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import pytest

from scenarios import load_economy
from tests.realparts import CHROMIUM, needs

from .helpers import Client, Running, running_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONES = {"360x740": {"width": 360, "height": 740}, "390x844": {"width": 390, "height": 844}}
TRIALS = 20

pytestmark = needs(CHROMIUM, "chromium")

# Rows a person can see: inside the stream's box, and the row itself at its centre (not the
# pill, not the sheet). Returns [id, x, y] of each.
VISIBLE_ROWS = """() => {
  const box = document.getElementById("stream").getBoundingClientRect();
  return [...document.querySelectorAll("#stream li.comment:not(.gone)")].map((r) => {
    const b = r.getBoundingClientRect();
    return [r.dataset.id, b.left + b.width / 2, b.top + b.height / 2, r];
  }).filter(([, x, y, r]) => y > box.top && y < box.bottom && y < innerHeight &&
    document.elementFromPoint(x, y)?.closest("li") === r).map(([id, x, y]) => [id, x, y]);
}"""
# What changed on the stream while it holds still: new comments waiting, rows struck through.
ACTIVITY = """() => Number(document.getElementById("new-comments").dataset.count || 0) +
  document.querySelectorAll("#stream li.gone").length"""
HELD = "() => document.getElementById('stream').classList.contains('held')"


def run(coro: Coroutine[Any, Any, None], limit_s: float = 150) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(limit_s):
            await coro
    asyncio.run(bounded())


@contextlib.asynccontextmanager
async def phones(tmp_path: Path) -> AsyncIterator[tuple[Running, Any]]:
    """A drill server in this process, and Debian's chromium to open its pages."""
    async_api = pytest.importorskip("playwright.async_api")
    async with running_server(tmp_path / "data") as srv, async_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield srv, browser
        finally:
            await browser.close()


async def trainer_starts_a_raid(srv: Running) -> Client:
    trainer = await Client.open(srv.url)
    welcome = await trainer.join(srv.room.code, role="trainer", key=srv.room.trainer_key)
    assert welcome["type"] == "welcome"
    await trainer.send(type="control", command="start")
    await trainer.send(type="inject", kind="troll_raid", count=50, over_s=60)
    return trainer


async def join(browser: Any, srv: Running, phone: dict[str, int], name: str,
               role: str = "moderator", errors: list[str] | None = None) -> Any:
    # bypass_csp: Playwright's string predicates are evaluated with eval, which the page's
    # Content-Security-Policy (server/pages.py) rightly forbids.
    context = await browser.new_context(viewport=phone, is_mobile=True, has_touch=True,
                                        bypass_csp=True)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{srv.http}/?room={srv.room.code}")
    await page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                 ".textContent === 'Gabung'")
    await page.fill("#name", name)
    await page.select_option("#role", role)
    await page.tap("#join-button")  # a finger: no mouse pointer left resting on the stream
    await page.wait_for_selector("#live:not([hidden])")
    return page


async def busy_moderator(srv: Running, spared: set[str]) -> None:
    """Another moderator in the room: deletes every other comment a little after it came
    (never one a phone is aiming at) and pins every fifth, so rows leave and the pinned
    bar changes while the phones aim."""
    sari = await Client.open(srv.url)
    await sari.join(srv.room.code, name="Sari")
    seen: list[str] = []
    try:
        while True:
            msg = await sari.next(timeout=60)
            event = msg.get("event") or {}
            if msg["type"] != "event" or event.get("type") != "comment" or event["hidden"]:
                continue
            seen.append(event["id"])
            older = [c for c in seen[-6:-2] if c not in spared]
            if len(seen) % 2 == 0 and older:
                await sari.send(type="action", action={"type": "delete", "comment": older[0]})
            elif len(seen) % 5 == 0:
                await sari.send(type="action", action={"type": "pin", "comment": event["id"]})
    finally:
        await sari.close()


# What the page did with each click on the stream, recorded after its own handler ran (the
# page's listener was added first): the row under the finger, whether it was struck through,
# how long the press lasted (the page takes a press over LONG_PRESS_MS in server/web/seat.js
# as a hold, not a tap) and which comment's sheet is open after it.
RECORD_TAPS = """() => { window.taps = []; const box = document.getElementById('stream');
  let down = 0, up = 0;
  box.addEventListener('pointerdown', (e) => { down = e.timeStamp; });
  box.addEventListener('pointerup', (e) => { up = e.timeStamp; });
  box.addEventListener('click', (e) => {
    const li = e.target.closest('li.comment'), sheet = document.getElementById('sheet');
    window.taps.push({ x: e.clientX, y: e.clientY, row: li ? li.dataset.id : null,
      gone: !!li && li.classList.contains('gone'), press: up - down,
      opened: sheet.hidden ? null : sheet.dataset.comment }); }); }"""
#: server/web/seat.js's LONG_PRESS_MS: a longer press only holds the stream.
LONG_PRESS_MS = 500


async def tapped(page: Any, x: float, y: float, after: int) -> dict[str, Any]:
    """The page's record of the click at (x, y), the first after record ``after``."""
    found = f"""() => window.taps.slice({after}).find((t) => Math.abs(t.x - {x}) < 2
      && Math.abs(t.y - {y}) < 2) || null"""
    await page.wait_for_function(found)
    return dict(await page.evaluate(found))


async def tap_trials(page: Any, spared: set[str], rng: random.Random) -> tuple[int, int]:
    """TRIALS times: the thumb rests on the stream (it holds still), a comment is located,
    one second passes with the stream busy, the thumb lifts and taps the comment. Every
    fifth trial first lets the stream go with the pill. What each tap met is what the page
    recorded (RECORD_TAPS), not a guess from the clock: a trial whose comment the other
    moderator deleted meanwhile (struck through: rightly not tappable), or whose tap a busy
    machine stretched into a long press, is void and made again. Returns (hits, pills)."""
    cdp = await page.context.new_cdp_session(page)
    await page.evaluate(RECORD_TAPS)
    hits = pills = trial = 0
    while trial < TRIALS:
        # Catch up: the pill names the new comments and lets the stream go.
        if trial % 5 == 4 and pills < trial // 5 + 1:
            await page.wait_for_selector("#new-comments:not([hidden])")
            assert re.fullmatch(r"\d+ komentar baru ↓|Perbarui komentar ↓",
                                await page.inner_text("#new-comments"))
            pills += 1
            await page.tap("#new-comments")
            await page.wait_for_function(f"!({HELD})()")
            await page.wait_for_function("""() => { const s = document.getElementById('stream');
              return s.scrollTop + s.clientHeight >= s.scrollHeight - 2; }""")
        box = await page.locator("#stream").bounding_box()
        thumb = {"x": box["x"] + 8, "y": box["y"] + box["height"] * 0.4}
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [thumb]})
        await page.wait_for_function(HELD)
        rows = await page.evaluate(VISIBLE_ROWS)
        assert rows, "no comment visible on the stream"
        target, x, y = rows[rng.randrange(len(rows))]
        spared.add(target)
        before = await page.evaluate(ACTIVITY)
        await asyncio.sleep(1.0)  # the human's reaction: the thing under test, not a wait
        await page.wait_for_function(f"({ACTIVITY})() > {before}")  # the stream was busy
        await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        taps = await page.evaluate("window.taps.length")
        await page.touchscreen.tap(x, y)
        tap = await tapped(page, x, y, taps)
        spared.discard(target)
        if tap["gone"] or tap["press"] > LONG_PRESS_MS:
            if tap["opened"] is not None:
                await page.tap("#sheet button[data-act=cancel]")
                await page.wait_for_selector("#sheet", state="hidden")
            continue  # void: the page rightly opened nothing
        # The stream held still under the finger: the row there is the one located, and the
        # tap opens it.
        assert (tap["row"], tap["opened"]) == (target, target), tap
        trial += 1
        hits += 1
        await page.tap("#sheet button[data-act=cancel]")
        await page.wait_for_selector("#sheet", state="hidden")
    return hits, pills


# Counts the hints that a tap landed on rows that had just moved (the tap opened nothing).
COUNT_MOVED_HINTS = """() => { window.movedHints = 0;
  new MutationObserver((changes) => { for (const c of changes) for (const n of c.addedNodes)
    if (n.classList?.contains('toast') && n.textContent.startsWith('Komentar bergeser'))
      window.movedHints++; }).observe(document.getElementById('toasts'), { childList: true }); }"""


async def first_tap_trials(page: Any, spared: set[str], rng: random.Random
                           ) -> tuple[int, int, int]:
    """TRIALS times with no finger on the stream, which moves with the raid (let go with the
    pill first): a comment is located, one second passes, the finger taps where it was. A
    tap on rows that had just moved opens nothing, holds the stream and says so; then the
    comment is located again and tapped one second later. A trial whose comment left the
    screen meanwhile is void and made again. Returns (sheets of the located comment, sheets
    of another comment, first taps that only held the stream)."""
    await page.evaluate(COUNT_MOVED_HINTS)
    right = wrong = held = trial = 0
    while trial < TRIALS:
        if await page.evaluate(HELD):
            await page.wait_for_selector("#new-comments:not([hidden])")
            await page.tap("#new-comments")
            await page.wait_for_function(f"!({HELD})()")
        await asyncio.sleep(rng.uniform(0.1, 0.8))  # the person looks at a moving stream
        rows = await page.evaluate(VISIBLE_ROWS)
        target, x, y = rows[rng.randrange(len(rows))]
        spared.add(target)
        await asyncio.sleep(1.0)  # the human's reaction: the thing under test, not a wait
        hints = await page.evaluate("window.movedHints")
        await page.touchscreen.tap(x, y)
        try:
            await page.wait_for_function(
                f"!document.getElementById('sheet').hidden || window.movedHints > {hints}",
                timeout=3000)
        except Exception:  # noqa: BLE001 - the tap hit no comment (a bar moved in): void
            spared.discard(target)
            continue
        if await page.locator("#sheet").is_hidden():
            held += 1
            assert await page.evaluate(HELD)
            again = {row[0]: row for row in await page.evaluate(VISIBLE_ROWS)}
            if target not in again:  # deleted by the other moderator, or scrolled away
                spared.discard(target)
                continue
            _, x, y = again[target]
            await asyncio.sleep(1.0)
            await page.touchscreen.tap(x, y)
            await page.wait_for_selector("#sheet:not([hidden])")
        trial += 1
        if await page.get_attribute("#sheet", "data-comment") == target:
            right += 1
        else:
            wrong += 1
        await page.tap("#sheet button[data-act=cancel]")
        await page.wait_for_selector("#sheet", state="hidden")
        spared.discard(target)
    return right, wrong, held


def test_a_first_tap_on_a_moving_stream_never_opens_another_comment(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with phones(tmp_path) as (srv, browser):
            errors: list[str] = []
            spared: set[str] = set()
            page = await join(browser, srv, PHONES["360x740"], "Bu Ani", errors=errors)
            trainer = await trainer_starts_a_raid(srv)
            # A second raid keeps the stream moving for as long as the trials take.
            await trainer.send(type="inject", kind="troll_raid", count=50, over_s=150)
            busy = asyncio.create_task(busy_moderator(srv, spared))
            await page.wait_for_function(
                "document.querySelectorAll('#stream li.comment').length >= 6")
            right, wrong, held = await first_tap_trials(page, spared, random.Random(7))
            busy.cancel()
            await trainer.close()
            assert wrong == 0 and right == TRIALS, (right, wrong, held)
            assert held > 0  # the raid did move the rows under some first taps
            assert errors == []
    run(scenario(), limit_s=300)  # twenty trials of two taps each, about 100 s


def test_a_tap_one_second_after_locating_a_comment_opens_that_comment(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with phones(tmp_path) as (srv, browser):
            errors: list[str] = []
            spared: set[str] = set()
            pages = [await join(browser, srv, phone, f"Bu {size}", errors=errors)
                     for size, phone in PHONES.items()]
            trainer = await trainer_starts_a_raid(srv)
            busy = asyncio.create_task(busy_moderator(srv, spared))
            for page in pages:
                await page.wait_for_function(
                    "document.querySelectorAll('#stream li.comment').length >= 6")
            results = await asyncio.gather(*(tap_trials(page, spared, random.Random(i))
                                             for i, page in enumerate(pages)))
            busy.cancel()
            await trainer.close()
            for (size, _), (hits, pills) in zip(PHONES.items(), results, strict=True):
                assert hits == TRIALS, f"{size}: {hits} of {TRIALS} taps opened the comment"
                assert pills == TRIALS // 5
            assert errors == []
    run(scenario())


@pytest.mark.parametrize("size", sorted(PHONES))
def test_alerts_fold_into_one_bar_for_the_host_only_and_comments_stay_visible(
        tmp_path: Path, size: str) -> None:
    economy = load_economy()

    async def scenario() -> None:
        async with phones(tmp_path) as (srv, browser):
            errors: list[str] = []
            host = await join(browser, srv, PHONES[size], "Bu Host", "host", errors)
            mod = await join(browser, srv, PHONES[size], "Bu Mod", errors=errors)
            # Anything host-only the moderator's page ever shows is recorded.
            await mod.evaluate("""() => { window.hostOnly = [];
              new MutationObserver(() => {
                const bar = document.getElementById('alert-bar');
                if (!bar.hidden || bar.childElementCount) window.hostOnly.push(bar.textContent);
                for (const t of document.querySelectorAll('#toasts .toast'))
                  if (/bergabung|hadiah|ingin bergabung/.test(t.textContent))
                    window.hostOnly.push(t.textContent);
              }).observe(document.body, { subtree: true, childList: true, attributes: true,
                                          characterData: true }); }""")
            trainer = await trainer_starts_a_raid(srv)
            await trainer.send(type="inject", kind="gift_storm", count=6, over_s=3)
            await trainer.send(type="inject", kind="guest_request", count=2, over_s=2)
            await trainer.send(type="inject", kind="official_joins", count=1,
                               role="village_head")
            await host.wait_for_function(
                "Number(document.getElementById('alert-bar').dataset.count) >= 5")
            await mod.wait_for_function(
                "document.querySelectorAll('#stream li.comment').length >= 4")
            # One bar, one line high; no alert stacked anywhere else.
            assert await host.locator(".alert-bar").count() == 1
            assert await host.locator(".overlay .alert").count() == 0
            bar = await host.locator("#alert-bar").bounding_box()
            assert bar is not None and bar["height"] < 48
            assert await host.evaluate(VISIBLE_ROWS), "no comment row visible on the host"
            assert await mod.evaluate(VISIBLE_ROWS), "no comment row visible on the mod"
            # Every alert in the list, gifts by their names, never their ids.
            await host.tap("#alert-bar .count")
            lines = await host.locator("#sheet .alert-list li").all_inner_texts()
            gifts = [line for line in lines if "hadiah" in line]
            assert len(lines) >= 5 and gifts
            names = [g.name.id for g in economy.gifts]
            assert all(any(n in line for n in names) for line in gifts), gifts
            assert not any(g.id in line for g in economy.gifts if "_" in g.id
                           for line in lines)
            count = int(await host.get_attribute("#alert-bar", "data-count") or 0)
            await host.locator("#sheet .alert-list li.gift button").first.tap()
            await host.wait_for_function(
                f"Number(document.getElementById('alert-bar').dataset.count) < {count}")
            assert await mod.evaluate("window.hostOnly") == []
            assert await mod.locator("#alert-bar").is_hidden()
            await trainer.close()
            assert errors == []
    run(scenario())


@pytest.mark.parametrize("size", sorted(PHONES))
def test_a_reload_after_joining_by_typed_code_resumes_the_seat(tmp_path: Path,
                                                                 size: str) -> None:
    async def scenario() -> None:
        async with phones(tmp_path) as (srv, browser):
            context = await browser.new_context(viewport=PHONES[size], is_mobile=True,
                                                has_touch=True, bypass_csp=True)
            page = await context.new_page()
            page.set_default_timeout(20_000)
            toasts: list[str] = []
            await page.expose_function("toastSeen", lambda text: toasts.append(text))
            await page.add_init_script("""new MutationObserver((changes) => {
              for (const c of changes) for (const n of c.addedNodes)
                if (n.classList && n.classList.contains('toast'))
                  window.toastSeen(n.textContent);
            }).observe(document, { subtree: true, childList: true });""")
            await page.goto(f"{srv.http}/")  # the code is typed, not in the link
            await page.wait_for_function("document.querySelector('[data-i18n=join]')"
                                         ".textContent === 'Gabung'")
            await page.tap(".panel .large-toggle")  # large text, kept across the reload
            await page.fill("#room", srv.room.code)
            await page.fill("#name", "Bu Wati")
            await page.tap("#join-button")
            await page.wait_for_selector("#live:not([hidden])")
            assert f"room={srv.room.code}" in page.url
            seat = await page.get_attribute("#me", "data-seat")
            assert seat
            await page.reload()
            await page.wait_for_selector("#live:not([hidden])")
            assert await page.get_attribute("#me", "data-seat") == seat
            assert "Bu Wati" in await page.inner_text("#me")
            assert await page.evaluate("document.documentElement.classList.contains('large')")
            # Words, not keys: "connecting" became "Menghubungkan…".
            assert toasts and not [t for t in toasts if re.fullmatch(r"[a-z_.]+", t)]
            assert "Menghubungkan…" in toasts
            assert await page.evaluate("Gladi.num(77.2)") == "77,2"
            assert await page.evaluate("Gladi.num(1234)") == "1.234"
    run(scenario())


def test_a_block_from_the_phone_can_be_undone_for_a_few_seconds(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with phones(tmp_path) as (srv, browser):
            errors: list[str] = []
            page = await join(browser, srv, PHONES["360x740"], "Bu Wati", errors=errors)
            trainer = await trainer_starts_a_raid(srv)
            await page.wait_for_function(
                "document.querySelectorAll('#stream li.comment').length >= 3")
            target, x, y = (await page.evaluate(VISIBLE_ROWS))[0]
            await page.touchscreen.tap(x, y)
            await page.wait_for_selector("#sheet:not([hidden])")
            target = await page.get_attribute("#sheet", "data-comment")
            await page.tap("#sheet button[data-act=block]")
            # The bar counts down the seconds left; the undo takes the block back.
            undo = page.locator("#toasts .toast.undo #undo")
            await undo.wait_for()
            assert re.fullmatch(r"Urungkan \([1-5]\)", await undo.inner_text())
            await undo.tap()
            await page.wait_for_selector("#toasts .toast.good:has-text('Diurungkan')")
            assert await page.locator("#toasts .toast.undo").count() == 0
            undone = await trainer.until(lambda m: m["type"] == "event"
                                         and m["event"]["type"] == "undone")
            assert undone["event"]["action"]["type"] == "block"
            assert undone["event"]["action"]["actor"] == "Bu Wati"
            assert undone["event"]["action"]["comment"] == target
            # A delete has no undo: no bar.
            rows = await page.evaluate(VISIBLE_ROWS)
            await page.touchscreen.tap(rows[-1][1], rows[-1][2])
            await page.wait_for_selector("#sheet:not([hidden])")
            await page.tap("#sheet button[data-act=delete]")
            await page.wait_for_selector("#toasts .toast.good:has-text('Berhasil')")
            assert await page.locator("#toasts .toast.undo").count() == 0
            await trainer.close()
            assert errors == []
    run(scenario())
