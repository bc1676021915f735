"""The live screen: a portrait 9:16 stage beside the moderation panel.

:class:`DeskScreen` is the host's live screen over any host desk
(:mod:`simulator.desk`): a local rehearsal (:class:`LiveScreen`, whose engine
advances with the wall clock: each frame reads the live time from
:class:`~simulator.clock.LiveClock`, wall time minus pauses) or a group drill
(:mod:`simulator.screens.drill`). The stage shows what viewers see (mirrored camera, viewer count,
taps, gifts, comments, the pinned comment, guests); the panel
(:mod:`simulator.panel`) is the host's moderation tools. Live warnings (dead
air, face missing, too dark, noisy microphone, camera lost) sit on top of the
stage. Pause (Esc) and the shortcut list (F1) are overlays that stop the live
clock while they are open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from debrief.report_text import clock as clock_text
from media.results import Level
from moderation.actions import HOST, Talk
from moderation.judge import Scorecard
from moderation.sessionfile import scorecard_of
from moderation.setup import load_setup
from simulator import theme
from simulator.clock import LiveClock
from simulator.desk import GiftView, HostDesk
from simulator.intents import Intent, KeyMap
from simulator.model import LiveModel
from simulator.panel import ModerationPanel
from simulator.routes import ConfirmEnd, Debrief, Help, Home, Live, Pause
from simulator.screen import Screen, register
from simulator.widgets import Button, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.app import App

__all__ = ["ConfirmEndScreen", "DeskScreen", "HelpScreen", "LiveScreen", "PauseScreen",
           "build_model"]

#: The voice detector sends the engine a Talk this long, at most this often.
VOICE_TALK_MS = 1500
STAGE_COMMENTS = 7


def build_model(scenario_id: str, seed: int) -> LiveModel:
    """A fresh live session of a scenario (raises ``ScenarioError`` for one that won't load)."""
    return LiveModel(load_setup(scenario_id).start(seed))


class DeskScreen(Screen):
    """The host's live screen over any :class:`~simulator.desk.HostDesk`: the stage, the
    moderation panel and the top bar, whether the room is a local rehearsal
    (:class:`LiveScreen`) or a group drill (``simulator.screens.drill.DrillScreen``).

    A subclass brings the desk up to date each frame (:meth:`advance`), says what ending
    means (:meth:`ask_to_end`) and may add its own warnings (:meth:`room_warnings`).
    """

    keymap = KeyMap.LIVE
    guards_typing = True
    #: Whether the screen opens the camera and microphone.
    uses_media = True
    #: Whether the microphone's voice becomes the host's ``talk`` here. Not in a drill:
    #: the room hears the host's voice itself, over WebRTC (server/room.py, ``host_spoke``).
    voice_talks = True

    def __init__(self, app: App, desk: HostDesk) -> None:
        super().__init__(app)
        if self.uses_media:
            app.ensure_media()
        self.desk = desk
        self.finished = False
        self.panel = ModerationPanel(self)
        self.stage = pygame.Rect(0, 0, 0, 0)
        self.topbar = pygame.Rect(0, 0, 0, 0)
        self.frame: pygame.Surface | None = None
        self._frame_pixels: object = None
        self._last_voice_talk = -10**9
        self.warnings: list[tuple[str, bool]] = []
        self._shade: dict[tuple[int, int, int], pygame.Surface] = {}

    # ------------------------------------------------------------ the subclass's part

    def now(self) -> int:
        """The room's live milliseconds now."""
        return self.desk.now

    def advance(self) -> None:
        """Bring the desk up to now (once a frame, before anything reads it)."""

    def room_warnings(self) -> list[tuple[str, bool]]:
        """(text, serious) the room adds to the live warnings."""
        return []

    def on_ended(self) -> None:
        """The desk says the live is over (once a frame until the screen goes)."""

    def on_air(self) -> tuple[str, theme.Colour]:
        """The "LIVE" beside the clock, top left, and its colour."""
        return self.tr("desktop.live_badge"), theme.ACCENT

    def headline(self) -> tuple[str, theme.Colour]:
        """The top bar's middle line: the scenario's title."""
        return self.desk.title(self.app.lang), theme.MUTED

    # ------------------------------------------------------------ layout

    def strip_height(self) -> int:
        """Room under the top bar for a subclass's strip (a replay's timeline)."""
        return 0

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        pad = px(14)
        self.topbar = pygame.Rect(0, 0, width, px(52))
        strip = self.strip_height()
        sh = height - self.topbar.height - 2 * pad - strip
        sw = round(sh * 9 / 16)
        self.stage = pygame.Rect(pad, self.topbar.bottom + pad + strip, sw, sh)
        camera = self.app.camera
        if camera is not None:
            camera.size = (sw, sh)
        panel = pygame.Rect(self.stage.right + pad, self.stage.top,
                            width - self.stage.right - 2 * pad, sh)
        self.buttons = self.top_buttons(width)
        self.panel.layout(panel)

    def top_buttons(self, width: int) -> list[Button]:
        """Pause and "end the live", top right."""
        px = self.fonts.px
        return [
            Button(self.tr("desktop.pause"), self.pause,
                   pygame.Rect(width - px(330), px(8), px(150), px(36)), shortcut="Esc"),
            Button(self.tr("desktop.end_live"), self.ask_to_end,
                   pygame.Rect(width - px(170), px(8), px(156), px(36)), shortcut="F10",
                   colour=theme.BUTTON_DANGER),
        ]

    # ------------------------------------------------------------ input

    def pause(self) -> None:
        """Esc or the button: what pausing means here (a subclass says)."""
        raise NotImplementedError

    def ask_to_end(self) -> None:
        """F10 or the button: what ending means here (a subclass says)."""
        raise NotImplementedError

    def on_typing(self) -> None:
        """Letters came too quickly to be shortcuts: say why nothing happened."""
        self.panel.show_problem("desktop.typing_ignored")

    def take_input(self, event: pygame.event.Event) -> bool:
        return self.panel.take_input(event)

    def handle_intent(self, intent: Intent) -> None:
        # While a field has the keyboard, Esc, F1 and F10 belong to it, not to the live.
        if not self.panel.typing:
            if intent is Intent.BACK and self.panel.menu is None:
                self.pause()
                return
            if intent is Intent.END:
                self.ask_to_end()
                return
            if intent is Intent.HELP:
                self.app.push(Help(live=self))
                return
        self.panel.handle_intent(intent)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in self.buttons:
                if button.click(event.pos):
                    return
        self.panel.handle_event(event)

    # ------------------------------------------------------------ frame

    def update(self, dt: float) -> None:
        if self.finished:
            return
        self.advance()
        now = self.now()
        camera, mic = self.app.camera, self.app.mic
        if mic is not None:
            mic.poll()
            # A real microphone's voice is the host talking: it keeps dead air away.
            if self.voice_talks and mic.live and mic.speaking \
                    and now - self._last_voice_talk >= VOICE_TALK_MS:
                self._last_voice_talk = now
                self.desk.take(Talk(t=now, actor=HOST, duration=VOICE_TALK_MS))
        if camera is not None:
            camera.poll()
            view = camera.view
            if view is not None and view.pixels is not self._frame_pixels:
                self._frame_pixels = view.pixels
                self.frame = pygame.image.frombuffer(view.pixels.data, view.size, "BGR")
        self.warnings = self.room_warnings() + self._warnings()
        self.panel.update()
        if self.desk.ended:
            self.on_ended()

    def _warnings(self) -> list[tuple[str, bool]]:
        """(text, serious) of each live warning, most urgent first."""
        out: list[tuple[str, bool]] = []
        desk = self.desk
        dead = desk.dead_air_ms()
        if dead > 0:
            # Without a real microphone nothing hears the host: say how to show talking.
            mic = self.app.mic
            key = "desktop.warn_dead_air" if mic is not None and mic.live \
                else "desktop.warn_dead_air_space"
            out.append((self.tr(key, seconds=(dead + 10_000) // 1000), True))
        camera = self.app.camera
        if camera is not None:
            if camera.fell_back or any(n.key == "camera_lost" for n in camera.notices):
                out.append((self.tr("desktop.warn_camera_lost"), True))
            elif camera.error is not None:
                out.append((self.tr("desktop.warn_camera_failed"), False))
            elif any(n.key == "no_camera_found" for n in camera.notices):
                out.append((self.tr("desktop.warn_no_camera"), False))
            results = {r.name: r for r in camera.results}
            face = results.get("face")
            if face is not None and face.level is Level.FAIL:
                out.append((self.tr("desktop.warn_face_missing"), True))
            light = results.get("brightness")
            if light is not None and light.level is not Level.OK and light.value is not None \
                    and light.value < 100:
                out.append((self.tr("desktop.warn_too_dark"), light.level is Level.FAIL))
        mic = self.app.mic
        if mic is not None:
            # The room's noise is heard in the pauses: never said while the host talks.
            noise = next((r for r in mic.results if r.name == "noise"), None)
            if noise is not None and noise.level in (Level.WARN, Level.FAIL) \
                    and not mic.speaking:
                out.append((self.tr("desktop.warn_noisy"), noise.level is Level.FAIL))
        if desk.now < desk.network_down_until:
            out.append((self.tr("desktop.warn_network"), True))
        return out

    # ------------------------------------------------------------ drawing

    def shade(self, w: int, h: int, alpha: int = 120) -> pygame.Surface:
        """A translucent black rectangle, cached by size."""
        key = (w, h, alpha)
        found = self._shade.get(key)
        if found is None:
            if len(self._shade) > 400:
                self._shade.clear()
            found = pygame.Surface((max(1, w), max(1, h)), pygame.SRCALPHA)
            found.fill((0, 0, 0, alpha))
            self._shade[key] = found
        return found

    def gift_label(self, gift: GiftView, width: int) -> str:
        """A gift banner's text, by the gift's name (never its id), cut with "…" to ``width``."""
        label = self.tr("desktop.gift_line", handle=gift.handle,
                        gift=self.desk.gift_name(gift.gift, self.app.lang),
                        count=gift.count, coins=gift.coins)
        return self.fonts.ellipsis(label, "small", width, True)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BG)
        self._draw_topbar(surface)
        self._draw_stage(surface)
        self.panel.draw(surface)
        self.draw_buttons(surface)

    def _draw_topbar(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        pygame.draw.rect(surface, theme.PANEL, self.topbar)
        desk = self.desk
        now = min(desk.now, desk.duration)
        clock = f"{now // 60000}:{now // 1000 % 60:02d} / {desk.duration // 60000}:" \
                f"{desk.duration // 1000 % 60:02d}"
        pygame.draw.circle(surface, theme.ACCENT, (px(20), self.topbar.centery), px(6))
        word, colour = self.on_air()
        badge = draw_text(surface, fonts, word, (px(32), self.topbar.centery), "label", colour,
                          bold=True, anchor="midleft")
        draw_text(surface, fonts, clock, (max(px(100), badge.right + px(12)),
                                          self.topbar.centery), "h2", theme.TEXT,
                  bold=True, anchor="midleft")
        headline, colour = self.headline()
        draw_text(surface, fonts, headline, (px(300), self.topbar.centery), "label", colour,
                  anchor="midleft", max_width=self.topbar.width - px(860))
        draw_text(surface, fonts, self.tr("desktop.help_hint"),
                  (self.topbar.width - px(345), self.topbar.centery), "small", theme.FAINT,
                  anchor="midright")

    def _draw_stage(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        stage = self.stage
        model = self.desk
        if self.frame is not None:
            frame = self.frame
            if frame.get_size() != stage.size:
                frame = pygame.transform.scale(frame, stage.size)
            surface.blit(frame, stage)
        else:
            pygame.draw.rect(surface, theme.PANEL_2, stage)
            draw_text(surface, fonts, self.tr("desktop.camera_opening"), stage.center, "body",
                      theme.MUTED, anchor="center")
        old_clip = surface.get_clip()
        surface.set_clip(stage)
        x0, y0 = stage.left + px(10), stage.top + px(10)
        # Host pill, top left.
        name = self.app.trainee or self.tr("desktop.host_default")
        pill = pygame.Rect(x0, y0, min(px(190), stage.width // 2), px(40))
        surface.blit(self.shade(pill.width, pill.height, 110), pill)
        pygame.draw.circle(surface, theme.ACCENT, (pill.left + px(20), pill.centery), px(14))
        draw_text(surface, fonts, name, (pill.left + px(40), pill.top + px(3)), "small",
                  theme.TEXT, bold=True, max_width=pill.width - px(46))
        draw_text(surface, fonts, self.tr("desktop.taps", count=model.taps),
                  (pill.left + px(40), pill.bottom - px(3)), "tiny", theme.MUTED,
                  anchor="bottomleft")
        # Viewer count and coins, top right.
        viewers = self.tr("desktop.viewers", count=model.viewer_count)
        right = stage.right - px(10)
        image = fonts.text(viewers, "small", theme.TEXT, True)
        box = image.get_rect(topright=(right, y0)).inflate(px(14), px(8))
        surface.blit(self.shade(box.width, box.height, 110), box)
        surface.blit(image, image.get_rect(center=box.center))
        coins = fonts.text(self.tr("desktop.coins", count=model.coins), "tiny", theme.GOLD, True)
        box2 = coins.get_rect(topright=(right, box.bottom + px(6))).inflate(px(12), px(6))
        surface.blit(self.shade(box2.width, box2.height, 110), box2)
        surface.blit(coins, coins.get_rect(center=box2.center))
        # Warnings under the pills.
        y = pill.bottom + px(14)
        for text, serious in self.warnings[:4]:
            lines = fonts.lines(text, "small", stage.width - px(36), 3, True)
            h = len(lines) * fonts.line_height("small") + px(10)
            rect = pygame.Rect(x0, y, stage.width - px(20), h)
            draw_panel(surface, rect, theme.FAIL if serious else theme.WARN, px(8))
            for i, line in enumerate(lines):
                draw_text(surface, fonts, line, (rect.left + px(8),
                          rect.top + px(5) + i * fonts.line_height("small")), "small",
                          (20, 10, 10) if not serious else theme.TEXT, bold=True)
            y = rect.bottom + px(6)
        # Guest tiles down the right edge.
        gy = max(y, box2.bottom + px(12))
        tile_w = stage.width // 4
        for _vid, handle in model.guests():
            tile = pygame.Rect(stage.right - tile_w - px(8), gy, tile_w, round(tile_w * 1.3))
            draw_panel(surface, tile, (60, 50, 90), px(8), theme.ACCENT_2)
            draw_text(surface, fonts, self.tr("desktop.guest"), (tile.centerx, tile.top + px(6)),
                      "tiny", theme.MUTED, anchor="midtop")
            draw_text(surface, fonts, handle, (tile.centerx, tile.bottom - px(6)), "tiny",
                      theme.TEXT, anchor="midbottom", max_width=tile.width - px(6))
            gy = tile.bottom + px(8)
        # Gift banners, left middle.
        gy = stage.top + stage.height * 38 // 100
        for gift in model.active_gifts()[-3:]:
            age = model.now - gift.t
            slide = min(1.0, age / 300)
            image = fonts.text(self.gift_label(gift, stage.width * 3 // 4), "small",
                               theme.GOLD, True)
            rect = image.get_rect(topleft=(stage.left - image.get_width()
                                           + round((image.get_width() + px(10)) * slide), gy))
            back = rect.inflate(px(14), px(8))
            draw_panel(surface, back, (120, 40, 90), back.height // 2)
            surface.blit(image, rect)
            gy = back.bottom + px(6)
        # Hearts rising for recent taps (derived from the tap times; nothing is stored).
        for t_tap, count in list(model.recent_taps)[-12:]:
            age = model.now - t_tap
            if 0 <= age < 2000:
                rise = age * stage.height // 5000
                hx = stage.right - px(30) - (t_tap * 7919 % px(40))
                hy = stage.bottom - px(60) - rise
                pygame.draw.circle(surface, theme.ACCENT, (hx, hy), px(6 + min(count, 6)))
        # Comments stream and pinned comment, bottom.
        bottom = stage.bottom - px(12)
        width = stage.width * 3 // 4
        line_h = fonts.line_height("small")
        mic = self.app.mic
        if mic is not None and mic.live and mic.speaking:
            draw_text(surface, fonts, self.tr("desktop.you_are_talking"),
                      (stage.right - px(10), bottom), "tiny", theme.OK, bold=True,
                      anchor="bottomright")
        if not model.comments_enabled:
            draw_text(surface, fonts, self.tr("desktop.comments_off_stage"),
                      (x0, bottom), "small", theme.MUTED, bold=True, anchor="bottomleft")
        else:
            y = bottom
            for comment in reversed(model.stage_comments(STAGE_COMMENTS)):
                lines = fonts.lines(f"{comment.handle}: {comment.text}", "small", width, 2)
                h = len(lines) * line_h + px(6)
                y -= h
                rect = pygame.Rect(x0 - px(4), y, width + px(8), h)
                surface.blit(self.shade(rect.width, rect.height, 90), rect)
                for i, line in enumerate(lines):
                    draw_text(surface, fonts, line, (x0, y + px(3) + i * line_h), "small",
                              theme.TEXT)
                y -= px(4)
                if y < stage.top + stage.height // 2:
                    break
            bottom = y
        # Room notices (an official joined, a guest request, the network) above the chat.
        for notice in reversed(model.active_notices()[-2:]):
            text = self.tr(notice.key, **dict(notice.params))
            image = fonts.text(fonts.ellipsis(text, "small", width, True), "small",
                               theme.WARN if notice.bad else theme.ACCENT_2, True)
            rect = image.get_rect(bottomleft=(x0, bottom - px(6)))
            back = rect.inflate(px(10), px(6))
            surface.blit(self.shade(back.width, back.height, 150), back)
            surface.blit(image, rect)
            bottom = back.top - px(2)
        pinned = model.pinned()
        if pinned is not None:
            lines = fonts.lines(f"{pinned.handle}: {pinned.text}", "small", width, 2)
            h = len(lines) * line_h + px(10)
            rect = pygame.Rect(x0 - px(4), bottom - h - px(8), width + px(8), h)
            draw_panel(surface, rect, (90, 70, 20), px(8), theme.GOLD)
            draw_text(surface, fonts, self.tr("desktop.pinned"), (rect.left + px(6), rect.top - 2),
                      "tiny", theme.GOLD, anchor="bottomleft")
            for i, line in enumerate(lines):
                draw_text(surface, fonts, line, (rect.left + px(6), rect.top + px(5) + i * line_h),
                          "small", theme.TEXT)
        surface.set_clip(old_clip)


@register(Live)
class LiveScreen(DeskScreen):
    """A live rehearsal of ``scenario_id`` (a built-in id or a YAML file): the host desk is
    a local engine session (:class:`~simulator.model.LiveModel`).

    The session advances with the wall clock: each frame reads the live time from
    :class:`~simulator.clock.LiveClock` (wall time minus pauses). ``seed`` defaults to a
    fresh one (``--seed`` fixes it); ``model`` is a session built by the caller (the
    benchmark's, a replay's).
    """

    def __init__(self, app: App, route: Live) -> None:
        scenario_id, seed = route.scenario_id, route.seed
        self.model = route.model or build_model(scenario_id,
                                          app.new_seed() if seed is None else seed)
        super().__init__(app, self.model)
        self.scenario_id = scenario_id
        self.clock = LiveClock(app.wall)
        self.started = False
        self.card: Scorecard | None = None

    def now(self) -> int:
        """Live milliseconds now (never behind the session's own clock)."""
        return max(self.clock.ms(), self.model.now)

    def advance(self) -> None:
        self.model.advance(self.clock.ms())

    def on_enter(self) -> None:
        """The live clock starts the first time and resumes after pause and help."""
        if not self.started:
            self.started = True
            self.clock.start()
        else:
            self.clock.resume()

    def on_cover(self) -> None:
        """Pause or help opened on top: the live clock stops while they are open."""
        self.clock.pause()

    def on_quit(self) -> None:
        """The window closes mid-live: end and save the session first."""
        self.finish(go_to_debrief=False)

    def on_ended(self) -> None:
        self.finish()

    def pause(self) -> None:
        self.app.push(Pause(live=self))

    def ask_to_end(self) -> None:
        """F10 or the button: "end the live now?" first (the live clock stops meanwhile)."""
        self.app.push(ConfirmEnd(live=self))

    def finish(self, go_to_debrief: bool = True) -> None:
        """End the live now, judge it, save it and show the debrief."""
        if self.finished:
            return
        self.finished = True
        self.clock.resume()
        self.model.end(self.now())
        self.card = scorecard_of(self.model.session)
        self.app.save(self.model, self.card)
        if go_to_debrief:
            self.app.replace(Debrief(model=self.model, card=self.card, ref=self.scenario_id))


@register(Pause)
class PauseScreen(Screen):
    """Pause: the live clock stops; resume, end the live, or leave to home."""

    overlay = True
    keymap = KeyMap.PAUSE

    def __init__(self, app: App, route: Pause) -> None:
        super().__init__(app)
        self.live = route.live

    def layout(self, width: int, height: int) -> None:
        px = self.fonts.px
        w, h = px(420), px(56)
        x = (width - w) // 2
        y = height // 2 - px(40)
        self.buttons = [
            Button(self.tr("desktop.resume"), self.resume, pygame.Rect(x, y, w, h),
                   shortcut="Esc", colour=theme.BUTTON_PRIMARY, role="h2"),
            Button(self.tr("desktop.end_and_debrief"), self.end,
                   pygame.Rect(x, y + h + px(12), w, h), shortcut="E"),
            Button(self.tr("desktop.quit_home"), self.home,
                   pygame.Rect(x, y + 2 * (h + px(12)), w, h), shortcut="H"),
        ]

    def resume(self) -> None:
        self.app.pop()  # the live screen's on_enter resumes its clock

    def end(self) -> None:
        self.app.pop()
        self.live.finish()

    def home(self) -> None:
        self.live.finish(go_to_debrief=False)
        self.app.replace(Home())

    def handle_intent(self, intent: Intent) -> None:
        if intent is Intent.RESUME:
            self.resume()
        elif intent is Intent.END:
            self.end()
        elif intent is Intent.HOME:
            self.home()

    def draw(self, surface: pygame.Surface) -> None:
        width, height = surface.get_size()
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        surface.blit(shade, (0, 0))
        draw_text(surface, self.fonts, self.tr("desktop.paused"),
                  (width // 2, height // 2 - self.fonts.px(120)), "h1", theme.TEXT, bold=True,
                  anchor="center")
        draw_text(surface, self.fonts, self.tr("desktop.paused_hint"),
                  (width // 2, height // 2 - self.fonts.px(80)), "body", theme.MUTED,
                  anchor="center")
        self.draw_buttons(surface)


@register(ConfirmEnd)
class ConfirmEndScreen(Screen):
    """"End the live now?": a live ended early is saved as stopped, never as a pass."""

    overlay = True
    keymap = KeyMap.CONFIRM_END

    def __init__(self, app: App, route: ConfirmEnd) -> None:
        super().__init__(app)
        self.live = route.live

    def layout(self, width: int, height: int) -> None:
        """A box in the middle: the question, what ending early means, the two buttons."""
        fonts = self.fonts
        px = fonts.px
        box_w = min(px(700), width - px(40))
        session = self.live.model.session
        self.body = self.tr("desktop.confirm_end_body", elapsed=clock_text(self.live.model.now),
                            total=clock_text(session.duration))
        body_lines = len(fonts.wrap(self.body, "body", box_w - px(40)))
        button_h = max(px(56), fonts.line_height("h2") + px(16))
        box_h = (px(24) + fonts.line_height("h1") + px(12) + body_lines
                 * fonts.line_height("body") + px(20) + 2 * button_h + px(12) + px(24))
        self.box = pygame.Rect((width - box_w) // 2, max(0, (height - box_h) // 2), box_w, box_h)
        x, w = self.box.left + px(20), box_w - px(40)
        y = self.box.bottom - px(24) - 2 * button_h - px(12)
        self.buttons = [
            Button(self.tr("desktop.confirm_end_yes"), self.end, pygame.Rect(x, y, w, button_h),
                   shortcut="Enter", colour=theme.BUTTON_DANGER, role="h2"),
            Button(self.tr("desktop.confirm_end_no"), self.app.pop,
                   pygame.Rect(x, y + button_h + px(12), w, button_h), shortcut="Esc"),
        ]

    def end(self) -> None:
        self.app.pop()
        self.live.finish()

    def handle_intent(self, intent: Intent) -> None:
        if intent is Intent.CONFIRM:
            self.end()
        elif intent is Intent.BACK:
            self.app.pop()  # the live screen's on_enter resumes its clock

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        width, height = surface.get_size()
        shade = pygame.Surface((width, height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        surface.blit(shade, (0, 0))
        box = self.box
        draw_panel(surface, box, theme.PANEL, px(14), theme.LINE)
        y = box.top + px(24)
        draw_text(surface, fonts, self.tr("desktop.confirm_end_title"), (box.centerx, y), "h1",
                  theme.TEXT, bold=True, anchor="midtop", max_width=box.width - px(40))
        y += fonts.line_height("h1") + px(12)
        draw_wrapped(surface, fonts, self.body, pygame.Rect(box.left + px(20), y,
                                                            box.width - px(40), box.height),
                     "body", theme.MUTED, align="center")
        self.draw_buttons(surface)


@register(Help)
class HelpScreen(Screen):
    """F1: every shortcut of the live screen, read from the buttons themselves.

    The live clock stops while it is open, like a pause. Any key or a click closes it.
    """

    overlay = True
    keymap = KeyMap.HELP

    def __init__(self, app: App, route: Help) -> None:
        super().__init__(app)
        self.live = route.live

    def lines(self) -> list[str]:
        panel = self.live.panel
        seen: set[str] = set()
        out = [f"↑ ↓  {self.tr('desktop.help_select')}", f"Tab  {self.tr('desktop.help_tabs')}"]
        buttons = [*panel.action_buttons, *panel.host_buttons, *self.live.buttons]
        for button in buttons:
            if button.shortcut and button.label not in seen:
                seen.add(button.label)
                out.append(f"{button.shortcut}  {button.label}")
        out += [f"K  {self.tr('desktop.tab_filter')}",
                f"Z  {self.tr('desktop.help_undo')}",
                f"A / X  {self.tr('desktop.help_guests')}",
                f"F2  {self.tr('desktop.language_label')}",
                f"F3  {self.tr('desktop.text_size_label')}"]
        return out

    def handle_intent(self, intent: Intent) -> None:
        if intent is Intent.BACK:
            self.app.pop()  # the live screen's on_enter resumes its clock

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.app.pop()

    def area(self) -> pygame.Rect:
        """Where the list goes: over the panel, never over the stage (the camera and the
        chat stay in view while the live is stopped)."""
        live = self.live
        width, height = self.app.size
        left = live.panel.rect.left
        return pygame.Rect(left, live.topbar.bottom, width - left, height - live.topbar.bottom)

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.area()
        pygame.draw.rect(surface, theme.PANEL, area)
        pygame.draw.line(surface, theme.LINE, area.topleft, area.bottomleft, max(1, px(2)))
        inner = area.inflate(-px(40), -px(24))
        title = draw_text(surface, fonts, self.tr("desktop.help_title"), inner.topleft, "h2",
                          theme.TEXT, bold=True, max_width=inner.width)
        close = draw_text(surface, fonts, self.tr("desktop.help_close"), inner.bottomleft,
                          "small", theme.MUTED, anchor="bottomleft", max_width=inner.width)
        lines = self.lines()
        top = title.bottom + px(12)
        step = fonts.line_height("body")
        per_column = max(1, (close.top - px(8) - top) // step)
        columns = (len(lines) + per_column - 1) // per_column
        column_w = (inner.width - px(24) * (columns - 1)) // max(1, columns)
        for i, line in enumerate(lines):
            x = inner.left + (i // per_column) * (column_w + px(24))
            y = top + (i % per_column) * step
            draw_text(surface, fonts, line, (x, y), "body", theme.TEXT, max_width=column_w)
