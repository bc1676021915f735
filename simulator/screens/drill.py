"""Hosting a group drill: the host's live screen over the drill room, and the join form.

``drill`` is the same live screen as a rehearsal (:class:`~simulator.screens.live.DeskScreen`:
the 9:16 stage with the own camera, the moderation panel and its tabs) over a
:class:`~simulator.drill.DrillDesk`: the room's engine runs on the ``gladi serve``
server, the comments, viewers, guests and gifts arrive over the drill protocol (the
staff view), and every click is an ``action`` message the room answers. What is the
drill's own is here: the link's state in the top bar, the trainer's note, the host's
camera as the room sees it and the server's coaching lines on the stage, leaving
(a host does not end a drill: the trainer does), and the room's result at the end.
``drill_join`` is the form the home screen's "Gabung gladi kelompok" opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from debrief.report_text import clock as clock_text
from simulator import theme
from simulator.drill import DrillDesk, DrillLink, DrillView, LinkState, drill_url
from simulator.intents import Intent
from simulator.routes import Drill, DrillJoin, Home
from simulator.screen import Screen, register
from simulator.screens.live import DeskScreen
from simulator.widgets import Button, TextField, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["DrillJoinScreen", "DrillScreen"]

#: The room's view of the host's camera, in words.
CAMERA_KEYS = {"off": "drill.camera_off", "connecting": "drill.camera_connecting",
               "live": "drill.camera_live", "reconnecting": "drill.camera_reconnecting"}


@register(Drill)
class DrillScreen(DeskScreen):
    """The host's seat in drill room ``code`` at ``address`` (``ws://HOST:PORT``)."""

    #: The room hears the host's voice over WebRTC and applies the talk itself.
    voice_talks = False

    def __init__(self, app: App, route: Drill) -> None:
        address, code, host_name, link = route.address, route.code, route.host_name, route.link
        app.ensure_media()  # the link sends the camera and microphone
        self.code = code
        self.view = DrillView()
        self.link = link or DrillLink(drill_url(address), code,
                                      app.trainee if host_name is None else host_name, app.lang,
                                      camera=app.camera, mic=app.mic)
        self.drill = DrillDesk(self.view, self.link, app.wall)
        super().__init__(app, self.drill)
        self._started = False

    # ------------------------------------------------------------ life

    def on_enter(self) -> None:
        if not self._started:
            self._started = True
            self.link.start()

    def on_exit(self) -> None:
        self.link.stop()

    def on_quit(self) -> None:
        self.link.stop()

    def leave(self) -> None:
        self.app.replace(Home())

    def advance(self) -> None:
        self.drill.poll()

    # ------------------------------------------------------------ what differs from a rehearsal

    def top_buttons(self, width: int) -> list[Button]:
        """Only "leave": the trainer starts, pauses and ends the drill."""
        px = self.fonts.px
        return [Button(self.tr("drill.leave"), self.leave,
                       pygame.Rect(width - px(250), px(8), px(236), px(36)), shortcut="F10",
                       colour=theme.BUTTON_DANGER)]

    def pause(self) -> None:
        self.panel.show_problem("drill.no_pause")

    def ask_to_end(self) -> None:
        self.leave()

    def room_warnings(self) -> list[tuple[str, bool]]:
        """The trainer's note, the camera as the room sees it (until it is live), the
        server's coaching, and the lobby's wait."""
        view = self.view
        out: list[tuple[str, bool]] = []
        if view.note:
            out.append((f"{self.tr('seat.note_from_trainer')}: {view.note}", False))
        if view.camera != "live":
            out.append((self.tr(CAMERA_KEYS.get(view.camera, "drill.camera_off"),
                                count=view.watching), False))
        out += [(self.tr("drill.coaching_line", time=clock_text(c.t), text=c.text), c.serious)
                for c in view.coaching]
        if view.status == "lobby":
            out.append((self.tr("drill.waiting_start"), False))
        elif view.status == "paused":
            out.append((self.tr("seat.status.paused"), False))
        return out

    def link_line(self) -> tuple[str, theme.Colour]:
        """The seat's connection, and the camera once the room sees it. A dropped link says
        at once that the host's actions are kept (and how many wait)."""
        link = self.link
        if link.state is LinkState.FAILED:
            text = link.problem or self.tr(link.problem_key or "drill.cannot_connect")
            return text, theme.FAIL
        if link.state is LinkState.RECONNECTING:
            waiting = len(self.drill.kept)
            if waiting:
                return self.tr("drill.offline_waiting", count=waiting), theme.WARN
            return self.tr("drill.offline"), theme.WARN
        if link.state is LinkState.JOINED:
            joined = self.tr("drill.joined", code=self.code)
            if self.view.camera == "live":
                joined += " · " + self.tr("drill.camera_live", count=self.view.watching)
            return joined, theme.OK
        return self.tr("drill.connecting", code=self.code), theme.MUTED

    def on_air(self) -> tuple[str, theme.Colour]:
        """"LIVE", greyed while the room is not running (the warnings say why); while the
        link is down, "TERPUTUS": the clock beside it stands still."""
        if self.drill.offline:
            return self.tr("drill.offline_badge"), theme.WARN
        return (self.tr("desktop.live_badge"),
                theme.ACCENT if self.view.status == "running" else theme.FAINT)

    def headline(self) -> tuple[str, theme.Colour]:
        return self.link_line()

    # ------------------------------------------------------------ the result

    def handle_intent(self, intent: Intent) -> None:
        if self.view.result is None:
            super().handle_intent(intent)
        elif intent is Intent.END:
            self.leave()

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.view.result is None:
            super().handle_event(event)
        else:
            Screen.handle_event(self, event)  # the result has the top buttons only

    def draw(self, surface: pygame.Surface) -> None:
        if self.view.result is None:
            super().draw(surface)
            return
        surface.fill(theme.BG)
        self._draw_topbar(surface)
        self._draw_stage(surface)
        draw_panel(surface, self.panel.rect)
        self._draw_result(surface)
        self.draw_buttons(surface)

    def _draw_result(self, surface: pygame.Surface) -> None:
        """The room's score and verdict and the camera and voice tips, over the panel."""
        fonts, px = self.fonts, self.fonts.px
        result = self.view.result
        assert result is not None
        area = self.panel.rect
        x, y = area.left + px(16), area.top + px(16)
        width = area.width - px(32)
        draw_text(surface, fonts, self.tr("drill.result_title"), (x, y), "h1", theme.TEXT, True)
        y += fonts.line_height("h1") + px(10)
        verdict = self.tr("seat.passed" if result.passed else "seat.not_passed")
        draw_text(surface, fonts, self.tr("drill.score_line", score=f"{result.score:.0f}",
                                          verdict=verdict), (x, y), "h2",
                  theme.OK if result.passed else theme.WARN, True)
        y += fonts.line_height("h2") + px(16)
        draw_text(surface, fonts, self.tr("drill.coaching_title"), (x, y), "label", theme.MUTED,
                  True)
        y += fonts.line_height("label") + px(8)
        lines = [self.tr("drill.coaching_line", time=clock_text(c.t), text=c.text)
                 for c in result.coaching] or [self.tr("drill.coaching_none")]
        for line in lines:
            y += draw_wrapped(surface, fonts, line, pygame.Rect(x, y, width, px(200)), "small",
                              theme.TEXT, max_lines=3) + px(6)


@register(DrillJoin)
class DrillJoinScreen(Screen):
    """"Gabung gladi kelompok": the drill server's address and the room code."""

    def __init__(self, app: App, route: DrillJoin) -> None:
        super().__init__(app)
        self.address = TextField(max_len=120)
        self.code = TextField(max_len=12, on_enter=lambda _: self.join())
        self.problem: str | None = None

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        w = min(px(560), width - px(80))
        x = (width - w) // 2
        h = max(px(44), self.fonts.line_height("body") + px(12))
        self.address.placeholder = self.tr("drill.address_placeholder")
        self.code.placeholder = self.tr("drill.code_placeholder")
        self.address.rect = pygame.Rect(x, px(220), w, h)
        self.code.rect = pygame.Rect(x, px(320), w, h)
        self.buttons = [
            Button(self.tr("drill.join"), self.join, pygame.Rect(x, px(400), w, px(52)),
                   colour=theme.BUTTON_PRIMARY),
            Button(self.tr("drill.back"), self.back,
                   pygame.Rect(x, px(464), w, px(44))),
        ]

    def take_input(self, event: pygame.event.Event) -> bool:
        return self.address.handle(event) or self.code.handle(event)

    def back(self) -> None:
        self.app.replace(Home())

    def join(self) -> None:
        try:
            drill_url(self.address.text)
        except ValueError:
            self.problem = self.tr("drill.bad_address", address=self.address.text)
            return
        if not self.code.text.strip():
            self.problem = self.tr("drill.code_needed")
            return
        self.app.replace(Drill(address=self.address.text, code=self.code.text.strip()))

    def draw(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        surface.fill(theme.BG)
        x, w = self.address.rect.left, self.address.rect.width
        draw_text(surface, fonts, self.tr("drill.join_title"), (x, px(60)), "h1", theme.TEXT, True)
        draw_wrapped(surface, fonts, self.tr("drill.join_intro"),
                     pygame.Rect(x, px(110), w, px(80)), "body", theme.MUTED, max_lines=3)
        draw_text(surface, fonts, self.tr("drill.address_label"),
                  (x, self.address.rect.top - px(6)), "label", theme.MUTED, anchor="bottomleft")
        draw_text(surface, fonts, self.tr("drill.code_label"), (x, self.code.rect.top - px(6)),
                  "label", theme.MUTED, anchor="bottomleft")
        self.address.draw(surface, fonts)
        self.code.draw(surface, fonts)
        if self.problem:
            draw_wrapped(surface, fonts, self.problem, pygame.Rect(x, px(520), w, px(90)),
                         "small", theme.FAIL, max_lines=3)
        self.draw_buttons(surface)
