"""The seat page and the trainer console in the pseudo-language ``xx`` (docs/i18n.md), in a
real browser: no Indonesian or English catalogue phrase shows outside brackets in what a
person sees (the visible text, placeholders, titles and labels). What viewers type and
their handles and the keyword filter's words are data; they show as typed (tests/pseudo.py
says what counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from i18n import CONVENTIONS, Lang, translate
from tests.realparts import CHROMIUM, needs

from ..pseudo import unwrapped_phrases
from .serverproc import ServerProcess
from .test_browser import ARGS

pytestmark = needs(CHROMIUM, "chromium")

#: The page's visible strings, and the data among them: what viewers wrote (comment rows and
#: the quoted comment), their handles, the words in the keyword filter.
SEEN = """() => {
  const data = [...document.querySelectorAll("[data-keyword]")].map((chip) => chip.dataset.keyword);
  for (const row of document.querySelectorAll("li.comment, #sheet .quote")) {
    for (const node of row.childNodes) {
      const text = node.nodeType === Node.TEXT_NODE || node.tagName === "B";
      if (text) data.push(node.textContent.trim());
    }
  }
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (node.textContent.trim() && parent && parent.checkVisibility()) texts.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
    if (!el.checkVisibility()) continue;
    for (const name of ["placeholder", "title", "aria-label"]) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return { texts, data: data.filter(Boolean) };
}"""


def leaks(page: Any, names: set[str]) -> dict[str, list[str]]:
    """The strings ``page`` shows with a catalogue phrase outside brackets."""
    seen = page.evaluate(SEEN)
    data = sorted({*seen["data"], *names}, key=len, reverse=True)
    found = {}
    for text in seen["texts"]:
        for piece in data:
            text = text.replace(piece, "")
        if words := unwrapped_phrases(text):
            found[text] = words
    return found


def test_seat_page_and_trainer_console_in_xx(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    # The languages' own names stay as they are in every language (the language links).
    names = {"Ani", "Indonesia", *(CONVENTIONS[lang].name for lang in Lang)}
    with ServerProcess(tmp_path / "data") as server, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True,
                                        has_touch=True).new_page()
            trainer = browser.new_context().new_page()
            errors: list[str] = []
            for page in (phone, trainer):
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.set_default_timeout(30_000)
            phone.goto(f"{server.http}/?room={server.code}&lang=xx")
            phone.wait_for_function("() => document.querySelector('[data-i18n=join]').textContent"
                                    f" === {translate('seat.join', 'xx')!r}")
            assert leaks(phone, names) == {}
            phone.fill("#name", "Ani")
            phone.click("#join-button")
            phone.wait_for_selector("#live:not([hidden])")
            assert leaks(phone, names) == {}

            trainer.goto(f"{server.http}/trainer?room={server.code}&lang=xx#key={server.key}")
            trainer.wait_for_function("() => document.querySelector('#start').textContent"
                                      f" === {translate('seat.start', 'xx')!r}")
            trainer.click("#connect-form button[type=submit]")
            trainer.wait_for_selector("#console:not([hidden])")
            trainer.click("#start")
            trainer.click("button[data-inject=troll_raid]")
            first = phone.wait_for_selector("li.comment:not(.filtered)")
            phone.locator(f"li.comment[data-id='{first.get_attribute('data-id')}']"
                          ).dispatch_event("click")
            phone.wait_for_selector("button[data-act=block]")
            assert leaks(phone, names) == {}
            phone.click("button[data-act=block]")
            trainer.wait_for_selector("li.comment.gone")
            assert leaks(trainer, names) == {}

            asked: list[str] = []

            def answer(dialog: Any) -> None:
                asked.append(dialog.message)
                dialog.accept()

            trainer.on("dialog", answer)
            trainer.click("#end")
            phone.wait_for_selector("p.score")
            assert asked == [translate("seat.confirm_end", "xx")]
            assert leaks(phone, names) == {}
            assert leaks(trainer, names) == {}
            assert errors == []
        finally:
            browser.close()


def test_an_unknown_language_opens_in_indonesian(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with ServerProcess(tmp_path / "data") as server, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{server.http}/?room={server.code}&lang=fr")
            page.wait_for_function("() => document.querySelector('[data-i18n=join]').textContent"
                                   f" === {translate('seat.join', 'id')!r}")
            assert page.evaluate("document.documentElement.lang") == "id"
        finally:
            browser.close()
