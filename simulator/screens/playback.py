"""``gladi replay SESSION.json --watch``: a saved session played back in the app.

The session is rebuilt from its file: a fresh engine session of the same
scenario, content, economy and seed, fed the recorded inputs at their own
times while the playback clock runs (0.5×, 1×, 2×, 4× or paused). It is the
live screen in read-only mode: the stage and the moderation panel show what
the host saw (only public events, through :class:`~.model.LiveModel`), every
action button is off, and each of the trainee's actions is marked — a gold
line "01:23  Blokir @handle" in the comment list (red when it was refused)
and a tick on the timeline under the top bar (click it to jump). At the end
comes the debrief of the replayed session, whose scorecard must equal the
recorded one.

Nothing is saved: a replay is not a new attempt. The quiz from its debrief
is recorded in the history like ``gladi quiz``'s.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import assert_never

import pygame

from debrief.report_text import clock as clock_text
from debrief.session import Loaded
from i18n import conventions, translate
from moderation.actions import (
    HOST,
    AcceptGuest,
    AddKeyword,
    AddModerator,
    Answer,
    AnyAction,
    Block,
    DeclineGuest,
    Delete,
    Inject,
    Mute,
    Pin,
    RemoveGuest,
    RemoveKeyword,
    RemoveModerator,
    Report,
    SetComments,
    Talk,
    Thank,
    Unblock,
    Undo,
    Unmute,
    Unpin,
    Welcome,
)
from moderation.content import ContentIndex
from moderation.engine import Session
from moderation.events import RejectCode
from moderation.sessionfile import scorecard_of
from simulator import theme
from simulator.app import App, Options
from simulator.clock import WallClock
from simulator.intents import Intent, KeyMap, choice_index
from simulator.model import LiveModel
from simulator.panel import mute_label
from simulator.routes import Debrief, Live, Playback
from simulator.screen import register
from simulator.screens.live import LiveScreen
from simulator.tabs import Tab
from simulator.widgets import Button, draw_text

__all__ = ["SPEEDS", "Marked", "PlaybackScreen", "action_text", "watch"]

#: Playback speeds, on keys 1–4 and their buttons.
SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
#: A frame longer than this (a stalled window) does not jump the playback further.
MAX_FRAME_S = 1.0


@dataclass(frozen=True, slots=True)
class Marked:
    """One recorded input as the playback marks it."""

    t: int
    text: str
    actor: str
    #: Whether the engine refused it (marked once played).
    refused: bool
    #: Shown in the comment list (talking is only a tick on the timeline).
    listed: bool


def speed_label(speed: float, lang: str = "id") -> str:
    """"0,5×" in Indonesian, "0.5×" in English (the language's decimal mark)."""
    return f"{speed:g}×".replace(".", conventions(lang).decimal_mark)


@register(Playback)
class PlaybackScreen(LiveScreen):
    """The live screen replaying a saved session, read-only, with speed control.

    ``start_ms``, ``paused`` and ``tab`` let a backward seek start a fresh playback
    where the old one was looking.
    """

    keymap = KeyMap.PLAYBACK
    #: Read-only: a number pressed quickly after another is a speed, never an action.
    guards_typing = False
    uses_media = False

    def __init__(self, app: App, route: Playback) -> None:
        loaded, speed, start_ms, paused = route.loaded, route.speed, route.start_ms, route.paused
        tab = route.tab or Tab.COMMENTS
        rec = loaded.record
        content = ContentIndex(loaded.session.content.packs, rec.scenario.topic)
        model = LiveModel(Session(rec.scenario, content, rec.economy, rec.seed))
        super().__init__(app, Live(scenario_id=rec.scenario.id, seed=rec.seed, model=model))
        self.loaded = loaded
        self.inputs: tuple[AnyAction, ...] = rec.inputs
        self.end_t = rec.end_t
        self.pos = 0
        self.playhead = 0.0
        self.speed = speed if speed in SPEEDS else 1.0
        self.paused = paused
        self.marks: list[Marked] = []
        self.strip = pygame.Rect(0, 0, 0, 0)
        self.bar = pygame.Rect(0, 0, 0, 0)
        #: Whether the replayed scorecard equals the one recomputed on loading (and so
        #: the recorded one, which ``gladi replay`` checked before opening the window).
        self.matches: bool | None = None
        if tab is not Tab.COMMENTS:
            self.panel.set_tab(tab)
        if start_ms:
            self.playhead = float(start_ms)
            self._play_to(start_ms)

    # ------------------------------------------------------------ time

    def now(self) -> int:
        return min(self.end_t, int(self.playhead))

    def on_enter(self) -> None:
        """The playback clock is its own; nothing to start."""

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self.paused = False
        self.layout(*self.app.size)

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.layout(*self.app.size)

    def seek(self, t: int) -> None:
        """Jump to ``t`` ms: forward plays the inputs on the way; backward starts a
        fresh playback and plays it up to ``t`` at once (the engine only goes forward)."""
        t = max(0, min(self.end_t, t))
        if t >= self.now():
            self.playhead = float(t)
            self._play_to(t)
            self.panel.update()
            return
        fresh = self.app.replace(Playback(loaded=self.loaded, speed=self.speed, start_ms=t,
                                          paused=self.paused, tab=self.panel.tab))
        assert isinstance(fresh, PlaybackScreen)
        fresh.panel.update()

    def step_speed(self, step: int) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else 1
        self.set_speed(SPEEDS[max(0, min(len(SPEEDS) - 1, index + step))])

    # ------------------------------------------------------------ layout

    def strip_height(self) -> int:
        return self.fonts.px(58)

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        px = self.fonts.px
        pad = px(14)
        self.strip = pygame.Rect(pad, self.topbar.bottom + px(8), width - 2 * pad, px(58))
        self.bar = pygame.Rect(self.strip.left + px(8), self.strip.top + px(10),
                               self.strip.width - px(16), px(14))
        h = px(36)
        y = px(8)
        x = width - px(14)
        buttons: list[Button] = []
        skip_w = px(190)
        x -= skip_w
        buttons.append(Button(self.tr("playback.skip"), self.finish,
                              pygame.Rect(x, y, skip_w, h), shortcut="F10",
                              colour=theme.BUTTON_DANGER, role="small"))
        for i, speed in reversed(list(enumerate(SPEEDS))):
            w = px(76)
            x -= w + px(6)
            buttons.append(Button(speed_label(speed, self.app.lang),
                                  partial(self.set_speed, speed),
                                  pygame.Rect(x, y, w, h), shortcut=str(i + 1), role="small",
                                  selected=speed == self.speed and not self.paused))
        pause_w = px(130)
        x -= pause_w + px(6)
        buttons.append(Button(self.tr("playback.play" if self.paused else "playback.pause"),
                              self.toggle_pause, pygame.Rect(x, y, pause_w, h),
                              shortcut=self.tr("playback.space_key"), role="small",
                              colour=theme.BUTTON_PRIMARY if self.paused else theme.BUTTON))
        buttons.reverse()
        self.buttons = buttons
        self._lock_panel()
        # No camera was recorded: the stage says so instead of "opening the camera".
        frame = pygame.Surface(self.stage.size)
        frame.fill(theme.PANEL_2)
        label = self.fonts.text(self.tr("playback.no_camera"), "small", theme.MUTED)
        frame.blit(label, label.get_rect(center=(self.stage.width // 2,
                                                 self.stage.height // 3)))
        self.frame = frame

    def _lock_panel(self) -> None:
        """Read-only: every action of the panel is off (tabs still switch)."""
        panel = self.panel
        for button in [*panel.action_buttons, *panel.host_buttons, *panel.menu_buttons,
                       *panel.item_buttons]:
            button.enabled = False
        panel.unfocus()
        panel.menu = None

    # ------------------------------------------------------------ input

    def take_input(self, event: pygame.event.Event) -> bool:
        return False  # read-only: no field takes the keyboard

    def handle_intent(self, intent: Intent) -> None:
        """Speed, pause, skip and tabs; no action reaches the session."""
        index = choice_index(intent)
        if intent is Intent.PLAY_PAUSE:
            self.toggle_pause()
        elif index is not None and index < len(SPEEDS):
            self.set_speed(SPEEDS[index])
        elif intent is Intent.FASTER:
            self.step_speed(1)
        elif intent is Intent.SLOWER:
            self.step_speed(-1)
        elif intent in (Intent.END, Intent.BACK):
            self.finish()
        elif intent is Intent.REWIND:
            self.seek(0)
        elif intent in (Intent.NEXT_TAB, Intent.PREVIOUS_TAB):
            self.panel.step_tab(-1 if intent is Intent.PREVIOUS_TAB else 1)
            self._lock_panel()

    def handle_event(self, event: pygame.event.Event) -> None:
        """Clicks on the buttons, the tabs and the timeline."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for button in [*self.buttons, *self.panel.tab_buttons]:
                if button.click(event.pos):
                    self._lock_panel()
                    return
            if self.bar.inflate(0, self.fonts.px(24)).collidepoint(event.pos) and self.bar.width:
                self.seek(round(self.end_t * (event.pos[0] - self.bar.left) / self.bar.width))

    # ------------------------------------------------------------ frame

    def update(self, dt: float) -> None:
        if self.finished:
            return
        if not self.paused:
            self.playhead = min(float(self.end_t),
                                self.playhead + min(dt, MAX_FRAME_S) * 1000 * self.speed)
        self._play_to(self.now())
        self.warnings = self._warnings()
        self._lock_panel()
        self.panel.update()
        if self.now() >= self.end_t:
            self.finish()

    def _play_to(self, target: int) -> None:
        """Apply the inputs due by ``target`` at their own times, then advance."""
        model = self.model
        while self.pos < len(self.inputs) and self.inputs[self.pos].t <= target:
            action = self.inputs[self.pos]
            self.pos += 1
            # Up to its time first, so the viewers and comments it names are known.
            model.advance(action.t)
            text = action_text(action, model, self.app.tr)
            code = model.act(action)
            model.undoable = None  # a replay offers no undo
            self._mark(action, text, code)
        model.advance(target)

    def _mark(self, action: AnyAction, text: str, code: RejectCode | None) -> None:
        listed = not isinstance(action, Talk)
        if code is not None:
            text = self.tr("playback.refused", action=text, reason=self.tr(f"reject.{code.value}"))
        when = clock_text(action.t)
        line = text
        if action.actor == HOST:
            head = self.tr("playback.mark_head", time=when)
        else:
            head = self.tr("playback.mark_head_by", time=when, actor=self._actor(action.actor))
            if not isinstance(action, Inject):
                line = self.tr("playback.by", actor=self._actor(action.actor), action=text)
        self.marks.append(Marked(action.t, line, action.actor, code is not None, listed))
        if listed:
            # The row's head already says who did it.
            self.model.mark(action.t, head, text, refused=code is not None)

    def _actor(self, actor: str) -> str:
        return self.tr("playback.trainer") if actor == "trainer" else actor

    def finish(self, go_to_debrief: bool = True) -> None:
        """Play what is left at once, judge the replayed session, show the debrief.

        Nothing is saved: the session file already exists and a replay is not
        a new attempt.
        """
        if self.finished:
            return
        self.finished = True
        if not go_to_debrief:
            return
        self._play_to(self.end_t)
        self.playhead = float(self.end_t)
        self.model.end(self.end_t)
        self.card = scorecard_of(self.model.session)
        self.matches = self.card.to_json() == self.loaded.card.to_json()
        self.app.replace(Debrief(model=self.model, card=self.card, again=self.watch_again,
                                 again_label=self.tr("playback.watch_again")))

    def watch_again(self) -> None:
        self.app.replace(Playback(loaded=self.loaded, speed=self.speed))

    # ------------------------------------------------------------ drawing

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        self._draw_strip(surface)

    def _draw_topbar(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        pygame.draw.rect(surface, theme.PANEL, self.topbar)
        now, end = self.now(), self.end_t
        pygame.draw.circle(surface, theme.GOLD, (px(20), self.topbar.centery), px(6))
        label = draw_text(surface, fonts, self.tr("playback.replay"), (px(32), self.topbar.centery),
                          "label", theme.GOLD, bold=True, anchor="midleft")
        time_rect = draw_text(surface, fonts, f"{clock_text(now)} / {clock_text(end)}",
                              (label.right + px(14), self.topbar.centery), "h2", theme.TEXT,
                              bold=True, anchor="midleft")
        state = self.tr("playback.paused") if self.paused else \
            speed_label(self.speed, self.app.lang)
        state_rect = draw_text(surface, fonts, state, (time_rect.right + px(12),
                                                       self.topbar.centery),
                               "label", theme.WARN if self.paused else theme.ACCENT_2,
                               bold=True, anchor="midleft")
        left = self.buttons[0].rect.left if self.buttons else self.topbar.right
        title = self.model.session.scenario.title.get(self.app.lang)
        room = left - state_rect.right - px(30)
        if room > px(60):
            draw_text(surface, fonts, title, (state_rect.right + px(16), self.topbar.centery),
                      "small", theme.MUTED, anchor="midleft", max_width=room)

    def _draw_strip(self, surface: pygame.Surface) -> None:
        """The timeline: played part, one tick per input, the playhead, the last action."""
        fonts = self.fonts
        px = fonts.px
        bar = self.bar
        end = max(1, self.end_t)
        pygame.draw.rect(surface, theme.PANEL_2, bar, border_radius=bar.height // 2)
        played = bar.copy()
        played.width = round(bar.width * min(1.0, self.now() / end))
        if played.width:
            pygame.draw.rect(surface, theme.LINE, played, border_radius=bar.height // 2)
        done = len(self.marks)
        for i, action in enumerate(self.inputs):
            x = bar.left + round(bar.width * min(1.0, action.t / end))
            if i < done:
                mark = self.marks[i]
                colour = theme.FAIL if mark.refused else (
                    theme.GOLD if mark.actor == HOST else theme.ACCENT_2)
            else:
                colour = theme.MUTED
            if isinstance(action, Talk):
                pygame.draw.line(surface, theme.FAINT if i >= done else theme.OK,
                                 (x, bar.bottom - px(4)), (x, bar.bottom), 1)
            else:
                pygame.draw.line(surface, colour, (x, bar.top - px(6)), (x, bar.bottom + px(4)),
                                 max(2, px(3)))
        head = bar.left + played.width
        pygame.draw.line(surface, theme.ACCENT, (head, bar.top - px(8)),
                         (head, bar.bottom + px(8)), max(2, px(3)))
        last = next((m for m in reversed(self.marks) if m.listed), None)
        if last is not None:
            text = self.tr("playback.last_action", time=clock_text(last.t), action=last.text)
            colour = theme.FAIL if last.refused else theme.GOLD
        else:
            text, colour = self.tr("playback.no_action_yet"), theme.MUTED
        draw_text(surface, fonts, text, (bar.left, bar.bottom + px(8)), "small", colour,
                  bold=last is not None, max_width=bar.width * 3 // 4)
        count = sum(1 for m in self.marks if m.listed)
        total = sum(1 for a in self.inputs if not isinstance(a, Talk))
        draw_text(surface, fonts, self.tr("playback.count", done=count, total=total),
                  (bar.right, bar.bottom + px(8)), "small", theme.MUTED, anchor="topright")


def action_text(action: AnyAction, model: LiveModel, tr: Callable[..., str]) -> str:
    """"Blokir @handle": an input in plain words (``playback.act_<type>``).

    Called before the input is applied, while a blocked viewer is still known.
    """
    session = model.session
    handles = session.audience.handles
    room = session.room

    def viewer(vid: str | None) -> str:
        return f"@{handles.get(vid, vid)}" if vid else "?"

    def comment(cid: str | None) -> str:
        if cid is None:
            return "?"
        view = model.by_id.get(cid)
        if view is not None:
            return f"@{view.handle}"
        record = room.comments.get(cid)
        return viewer(record.viewer) if record is not None else cid

    target: str
    match action:
        case Mute():
            return tr("playback.act_mute", target=viewer(action.viewer),
                      duration=mute_label(tr, action.duration))
        case Unmute() | Unblock() | Block() | Welcome() | RemoveGuest():
            target = viewer(action.viewer)
        case Delete() | Pin() | Answer():
            target = comment(action.comment)
        case Report():
            return tr("playback.act_report", target=comment(action.comment),
                      reason=tr(f"desktop.reason_{action.reason.value}"))
        case SetComments():
            return tr("playback.act_comments_on" if action.enabled
                      else "playback.act_comments_off")
        case AddKeyword() | RemoveKeyword():
            target = action.keyword
        case AcceptGuest() | DeclineGuest():
            request = room.requests.get(action.request)
            target = viewer(request[0]) if request is not None else action.request
        case AddModerator() | RemoveModerator():
            target = action.name
        case Thank():
            gift = next((g for g in model.gifts if g.id == action.target), None)
            target = f"@{gift.handle}" if gift is not None else comment(action.target)
        case Talk():
            return tr("playback.act_talk", seconds=action.duration // 1000)
        case Inject():
            return tr("playback.act_inject", kind=tr(f"playback.inject_{action.kind.value}"))
        case Unpin() | Undo():
            target = ""
        case _:
            assert_never(action)
    return tr(f"playback.act_{action.type}", target=target)


def watch(loaded: Loaded, lang: str, speed: float = 1.0, *,
          wall: WallClock | None = None) -> int:
    """Open the app on the playback of ``loaded``; return when the window closes."""
    trainee = loaded.record.meta.get("trainee")
    options = Options(lang=lang, trainee=trainee if isinstance(trainee, str) else "",
                      use_mic=False)
    try:
        app = App(options, wall=wall or time.monotonic)
    except pygame.error as error:
        print(translate("desktop.display_failed", lang, reason=str(error)), file=sys.stderr)
        return 0
    return app.run(start=lambda: app.replace(Playback(loaded=loaded, speed=speed)))
