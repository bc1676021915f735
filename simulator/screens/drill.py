"""Hosting a group drill: the 9:16 stage with the own camera, and the host's tools, fed by the room.

``drill`` shows a ``gladi serve`` room from the host's seat (:mod:`simulator.drill`):
the drill room's engine runs on the server, the comments, viewers, guests and gifts
arrive over the drill protocol (the staff view), and every click is an ``action``
message answered by the room. The camera and microphone go to the room over WebRTC;
the server's live coaching ("wajah terlalu gelap") comes back on the stage, and the
debrief shows the room's score and the timed tips. ``drill_join`` is the form the
home screen's "Gabung gladi kelompok" opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from debrief.report_text import clock as clock_text
from moderation.actions import (
    AcceptGuest,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Mute,
    Pin,
    Report,
    SetComments,
    Talk,
    Thank,
    Undo,
    Unpin,
    Welcome,
)
from scenarios.taxonomy import ReportReason
from simulator import theme
from simulator.drill import DrillLink, DrillView, LinkState, Request, drill_url
from simulator.model import CommentView
from simulator.screen import Screen, register
from simulator.widgets import Button, TextField, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["DrillJoinScreen", "DrillScreen"]

STAGE_COMMENTS = 7
LIST_ROWS = 12
#: Report reasons in the order the seat page offers them (state.report_reasons wins).
REASONS = ("misinformation", "hate", "sexual", "gambling", "scam", "harassment", "spam")


@register("drill")
class DrillScreen(Screen):
    """The host's seat in drill room ``code`` at ``address`` (``ws://HOST:PORT``)."""

    def __init__(self, app: App, address: str, code: str, host_name: str | None = None,
                 link: DrillLink | None = None) -> None:
        super().__init__(app)
        app.ensure_media()
        self.code = code
        self.view = DrillView()
        self.link = link or DrillLink(drill_url(address), code,
                                      app.trainee if host_name is None else host_name, app.lang,
                                      camera=app.camera, mic=app.mic)
        self.selected: str | None = None
        self.menu: str | None = None  # "mute" or "report": a row of choices
        self.stage = pygame.Rect(0, 0, 0, 0)
        self.panel = pygame.Rect(0, 0, 0, 0)
        self.rows: list[tuple[str, pygame.Rect]] = []
        self.frame: pygame.Surface | None = None
        self._pixels: object = None
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
        self.app.replace("home")

    # ------------------------------------------------------------ the room

    def send_action(self, label: str, action: AnyAction) -> None:
        """One host action, as the seat page sends it (the room stamps ``t`` and ``actor``);
        its answer comes back as an ``ack``."""
        ident = self.link.act(action)
        self.view.pending[ident] = Request(self.tr(label))
        self.menu = None

    def undo(self) -> None:
        """Take back the last block, pin, report or comments-off (docs/protocol.md, "Undo")."""
        self.view.undo_until = 0.0
        self.send_action("seat.undone", Undo(t=0))
        self.layout(*self.app.size)

    def _comment(self) -> CommentView | None:
        found = self.view.by_id.get(self.selected or "")
        if found is None or found.hidden is not None:
            self.view.last = (self.tr("drill.no_comment_selected"), False)
            return None
        return found

    def on_comment(self, act: str) -> None:
        """A moderation button for the selected comment (mute and report open a row first)."""
        comment = self._comment()
        if comment is None:
            return
        if act in ("mute", "report"):
            self.menu = None if self.menu == act else act
            self.layout(*self.app.size)
            return
        label = f"seat.act.{act}"
        if act == "delete":
            self.send_action(label, Delete(t=0, comment=comment.id))
        elif act == "block":
            self.send_action(label, Block(t=0, viewer=comment.viewer, comment=comment.id))
        elif act == "pin":
            if self.view.pinned == comment.id:
                self.send_action("seat.act.unpin", Unpin(t=0))
            else:
                self.send_action(label, Pin(t=0, comment=comment.id))
        elif act == "answer":
            self.send_action(label, Answer(t=0, comment=comment.id))
        elif act == "thank":
            self.send_action(label, Thank(t=0, target=comment.id))

    def mute(self, seconds: int | None) -> None:
        comment = self._comment()
        if comment is not None:
            self.send_action("seat.act.mute", Mute(t=0, viewer=comment.viewer,
                                                   duration=seconds, comment=comment.id))
        self.layout(*self.app.size)

    def report(self, reason: ReportReason) -> None:
        comment = self._comment()
        if comment is not None:
            self.send_action("seat.act.report", Report(t=0, comment=comment.id,
                                                       reason=reason))
        self.layout(*self.app.size)

    def host_tool(self, tool: str) -> None:
        """The host's own buttons: talk, comments on/off, guests, welcome, thank a gift."""
        view = self.view
        if tool == "talk":
            self.send_action("seat.act.talk", Talk(t=0, duration=10_000))
        elif tool == "comments":
            enabled = not view.comments_enabled
            self.send_action("seat.act.comments_on" if enabled else "seat.act.comments_off",
                             SetComments(t=0, enabled=enabled))
        elif tool in ("accept", "decline") and (request := view.first_request()) is not None:
            decide = AcceptGuest if tool == "accept" else DeclineGuest
            self.send_action(f"seat.act.{tool}", decide(t=0, request=request))
        elif tool == "welcome" and view.unwelcomed_official() is not None:
            viewer, _ = view.unwelcomed_official() or ("", "")
            self.send_action("seat.act.welcome", Welcome(t=0, viewer=viewer))
        elif tool == "gift":
            gift = view.unthanked_gift()
            if gift is not None:
                self.send_action("seat.act.thank", Thank(t=0, target=gift.id))

    # ------------------------------------------------------------ frame

    def update(self, dt: float) -> None:
        wall = self.app.wall()
        for message in self.link.drain():
            self.view.apply(message, wall)
        camera, mic = self.app.camera, self.app.mic
        if mic is not None:
            mic.poll()
        if camera is not None:
            camera.poll()
            view = camera.view
            if view is not None and view.pixels is not self._pixels:
                self._pixels = view.pixels
                self.frame = pygame.image.frombuffer(view.pixels.data, view.size, "BGR")
        self.layout(*self.app.size)

    # ------------------------------------------------------------ layout

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        pad = px(14)
        top = px(52)
        sh = height - top - 2 * pad
        self.stage = pygame.Rect(pad, top + pad, round(sh * 9 / 16), sh)
        if self.app.camera is not None:
            self.app.camera.size = self.stage.size
        self.panel = pygame.Rect(self.stage.right + pad, self.stage.top,
                                 width - self.stage.right - 2 * pad, sh)
        self.buttons = [Button(self.tr("drill.leave"), self.leave,
                               pygame.Rect(width - px(230), px(8), px(216), px(36)),
                               colour=theme.BUTTON_DANGER)]
        if self.view.result is not None:
            return
        self._layout_rows()
        self._layout_tools()

    def _layout_rows(self) -> None:
        px = self.fonts.px
        row_h = self.fonts.line_height("small") + px(10)
        y = self.panel.top + px(64)
        self.rows = []
        for comment in self.view.visible()[-LIST_ROWS:]:
            rect = pygame.Rect(self.panel.left + px(10), y, self.panel.width - px(20), row_h)
            self.rows.append((comment.id, rect))
            y += row_h + px(4)

    def _button_row(self, labels: list[tuple[str, Any]], y: int,
                    colour: theme.Colour = theme.BUTTON) -> int:
        px = self.fonts.px
        h = max(px(40), self.fonts.line_height("label") + px(12))
        gap = px(6)
        w = (self.panel.width - px(20) - gap * (len(labels) - 1)) // max(1, len(labels))
        for i, (label, action) in enumerate(labels):
            rect = pygame.Rect(self.panel.left + px(10) + i * (w + gap), y, w, h)
            self.buttons.append(Button(label, action, rect, colour=colour))
        return y + h + px(8)

    def _layout_tools(self) -> None:
        px = self.fonts.px
        tr = self.tr
        bottom = self.panel.bottom - px(44)
        rows: list[list[tuple[str, Any]]] = [
            [(tr(f"seat.act.{a}"), lambda a=a: self.on_comment(a)) for a in
             ("delete", "mute", "block", "report", "pin", "answer", "thank")],
            [(tr("seat.act.talk"), lambda: self.host_tool("talk")),
             (tr("seat.act.comments_off" if self.view.comments_enabled
                 else "seat.act.comments_on"), lambda: self.host_tool("comments")),
             (tr("seat.act.accept"), lambda: self.host_tool("accept")),
             (tr("seat.act.decline"), lambda: self.host_tool("decline")),
             (tr("seat.act.welcome"), lambda: self.host_tool("welcome")),
             (f"{tr('seat.act.thank')} 🎁", lambda: self.host_tool("gift"))],
        ]
        if self.menu == "mute":
            rows.insert(0, [(self._mute_label(s), lambda s=s: self.mute(s))
                            for s in self.view.mute_presets])
        elif self.menu == "report":
            reasons = self.view.report_reasons or list(REASONS)
            rows.insert(0, [(tr(f"seat.reason.{r}"), lambda r=r: self.report(r))
                            for r in reasons])
        left = self.view.undo_left(self.app.wall())
        if left:
            rows.insert(0, [(tr("seat.act.undo", seconds=left), self.undo)])
        h = max(px(40), self.fonts.line_height("label") + px(12)) + px(8)
        y = bottom - h * len(rows)
        for row in rows:
            y = self._button_row(row, y)

    def _mute_label(self, seconds: int | None) -> str:
        if seconds is None:
            return self.tr("seat.mute_whole")
        if seconds >= 60:
            return self.tr("seat.minutes", n=seconds // 60)
        return self.tr("seat.seconds", n=seconds)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in list(self.buttons):
                if button.click(event.pos):
                    return
            for cid, rect in self.rows:
                if rect.collidepoint(event.pos):
                    self.selected = cid
                    return

    # ------------------------------------------------------------ drawing

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BG)
        self._draw_topbar(surface)
        self._draw_stage(surface)
        draw_panel(surface, self.panel)
        if self.view.result is not None:
            self._draw_result(surface)
        else:
            self._draw_list(surface)
        self.draw_buttons(surface)

    def _link_line(self) -> tuple[str, theme.Colour]:
        link = self.link
        if link.state is LinkState.FAILED:
            text = link.problem or self.tr(link.problem_key or "drill.cannot_connect")
            return text, theme.FAIL
        if link.state is LinkState.RECONNECTING:
            return self.tr("drill.reconnecting"), theme.WARN
        if link.state is LinkState.JOINED:
            return self.tr("drill.joined", code=self.code), theme.OK
        return self.tr("drill.connecting", code=self.code), theme.MUTED

    def _draw_topbar(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        bar = pygame.Rect(0, 0, surface.get_width(), px(52))
        pygame.draw.rect(surface, theme.PANEL, bar)
        view = self.view
        status = self.tr(f"seat.status.{view.status}")
        colour = theme.ACCENT if view.status == "running" else theme.MUTED
        draw_text(surface, fonts, status, (px(16), bar.centery), "label", colour, bold=True,
                  anchor="midleft")
        now = min(view.now(self.app.wall()), view.duration_ms or 10**9)
        draw_text(surface, fonts, clock_text(now), (px(250), bar.centery), "h2", theme.TEXT,
                  bold=True, anchor="midleft")
        line, line_colour = self._link_line()
        draw_text(surface, fonts, line, (px(360), bar.centery), "small", line_colour,
                  anchor="midleft", max_width=bar.width - px(620))

    def _draw_stage(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        stage, view = self.stage, self.view
        if self.frame is not None:
            frame = self.frame if self.frame.get_size() == stage.size \
                else pygame.transform.scale(self.frame, stage.size)
            surface.blit(frame, stage)
        else:
            pygame.draw.rect(surface, theme.PANEL_2, stage)
        old_clip = surface.get_clip()
        surface.set_clip(stage)
        x0, y = stage.left + px(10), stage.top + px(10)
        camera = {"off": "drill.camera_off", "connecting": "drill.camera_connecting",
                  "live": "drill.camera_live", "reconnecting": "drill.camera_reconnecting"}
        text = self.tr(camera.get(view.camera, "drill.camera_off"), count=view.watching)
        y = self._box(surface, text, y, theme.OK if view.camera == "live" else theme.PANEL_2)
        draw_text(surface, fonts, f"{view.viewer_count} {self.tr('seat.viewers')} · "
                  f"{view.taps} {self.tr('seat.taps')}", (x0, y), "small", theme.TEXT, bold=True)
        y += fonts.line_height("small") + px(8)
        for warning in view.coaching[:4]:
            line = self.tr("drill.coaching_line", time=clock_text(warning.t), text=warning.text)
            y = self._box(surface, line, y, theme.FAIL if warning.serious else theme.WARN)
        if view.status == "lobby":
            self._box(surface, self.tr("drill.waiting_start"), y, theme.PANEL_2)
        self._draw_stage_comments(surface)
        surface.set_clip(old_clip)

    def _box(self, surface: pygame.Surface, text: str, y: int, colour: theme.Colour) -> int:
        fonts, px = self.fonts, self.fonts.px
        width = self.stage.width - px(20)
        lines = fonts.lines(text, "small", width - px(16), 3, True)
        rect = pygame.Rect(self.stage.left + px(10), y, width,
                           len(lines) * fonts.line_height("small") + px(10))
        draw_panel(surface, rect, colour, px(8))
        draw_wrapped(surface, fonts, text, rect.inflate(-px(16), -px(10)), "small", theme.TEXT,
                     bold=True, max_lines=3)
        return rect.bottom + px(6)

    def _draw_stage_comments(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        stage = self.stage
        width = stage.width * 3 // 4
        y = stage.bottom - px(12)
        line_h = fonts.line_height("small")
        for comment in reversed(self.view.stage(STAGE_COMMENTS)):
            lines = fonts.lines(f"{comment.handle}: {comment.text}", "small", width, 2)
            y -= len(lines) * line_h + px(6)
            rect = pygame.Rect(stage.left + px(6), y, width + px(8), len(lines) * line_h + px(6))
            draw_panel(surface, rect, (20, 20, 26), px(6))
            for i, line in enumerate(lines):
                draw_text(surface, fonts, line, (rect.left + px(4), y + px(3) + i * line_h),
                          "small", theme.TEXT)
            y -= px(4)
            if y < stage.top + stage.height // 2:
                break

    def _draw_list(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        view = self.view
        draw_text(surface, fonts, view.title, (self.panel.left + px(12), self.panel.top + px(10)),
                  "label", theme.MUTED, max_width=self.panel.width - px(24))
        if view.note:
            draw_text(surface, fonts, f"{self.tr('seat.note_from_trainer')}: {view.note}",
                      (self.panel.left + px(12), self.panel.top + px(36)), "small", theme.ACCENT_2,
                      max_width=self.panel.width - px(24))
        if not self.rows:
            draw_text(surface, fonts, self.tr("seat.no_comments"),
                      (self.panel.left + px(12), self.panel.top + px(70)), "body", theme.FAINT)
        for cid, rect in self.rows:
            comment = view.by_id.get(cid)
            if comment is None:
                continue
            back = theme.SELECT if cid == self.selected else theme.PANEL_2
            draw_panel(surface, rect, back, px(6))
            colour = theme.FAINT if comment.filtered else theme.TEXT
            pin = "📌 " if view.pinned == cid else ""
            draw_text(surface, fonts, f"{pin}{comment.handle}: {comment.text}",
                      (rect.left + px(8), rect.centery), "small", colour, anchor="midleft",
                      max_width=rect.width - px(16))
        if view.last is not None:
            text, ok = view.last
            draw_text(surface, fonts, text, (self.panel.left + px(12), self.panel.bottom - px(12)),
                      "small", theme.OK if ok else theme.FAIL, anchor="bottomleft",
                      max_width=self.panel.width - px(24))

    def _draw_result(self, surface: pygame.Surface) -> None:
        fonts, px = self.fonts, self.fonts.px
        result = self.view.result
        assert result is not None
        x, y = self.panel.left + px(16), self.panel.top + px(16)
        width = self.panel.width - px(32)
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


@register("drill_join")
class DrillJoinScreen(Screen):
    """"Gabung gladi kelompok": the drill server's address and the room code."""

    def __init__(self, app: App) -> None:
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
        self.app.replace("home")

    def join(self) -> None:
        try:
            drill_url(self.address.text)
        except ValueError:
            self.problem = self.tr("drill.bad_address", address=self.address.text)
            return
        if not self.code.text.strip():
            self.problem = self.tr("drill.code_needed")
            return
        self.app.replace("drill", address=self.address.text, code=self.code.text.strip())

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
