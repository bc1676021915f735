"""The moderation panel beside the stage: the host's one-click tools.

Tabs: comments (with pause-on-hover, so nobody chases a name around a moving
chat), viewers, keyword filter, guest requests and moderators. Every action
has a keyboard shortcut; a refused action shows its plain-language hint
(``reject.<code>``). Only public event data is shown (no ground truth).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import pygame

from moderation.events import RejectCode
from scenarios.taxonomy import ReportReason
from simulator import theme
from simulator.fonts import Fonts
from simulator.model import CommentView, LiveModel
from simulator.widgets import Button, TextField, draw_panel, draw_text

if TYPE_CHECKING:
    from simulator.screens.live import LiveScreen

__all__ = ["TABS", "ModerationPanel", "mute_label"]

TABS = ("comments", "viewers", "filter", "guests", "moderators")
#: A mouse resting on the list holds it this long after it last moved (seconds of
#: wall time), so a pointer left there by accident does not freeze the chat for good.
HOVER_HOLD_S = 15.0
REASONS = tuple(ReportReason)


def mute_label(t: Callable[..., str], seconds: int | None) -> str:
    """A mute preset for a button: "5 dtk", "1 mnt", "Sepanjang LIVE"."""
    if seconds is None:
        return t("desktop.mute_whole")
    if seconds < 60:
        return t("desktop.mute_seconds", n=seconds)
    return t("desktop.mute_minutes", n=seconds // 60)


class ModerationPanel:
    """Draws and drives the panel; the live screen owns it."""

    def __init__(self, live: LiveScreen) -> None:
        self.live = live
        self.app = live.app
        self.tab = "comments"
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.list_rect = pygame.Rect(0, 0, 0, 0)
        self.selected: str | None = None  # comment id
        self.selected_viewer: str | None = None
        #: "mute" or "report" while a sub-menu is open.
        self.menu: str | None = None
        self.freeze_seq: int | None = None
        self.last_motion = -1e9  # wall time the mouse last moved over the list
        self.pill = pygame.Rect(0, 0, 0, 0)  # "N new comments": click to jump to the newest
        self.scroll = 0  # rows scrolled back from the newest
        self.rows: list[tuple[pygame.Rect, CommentView]] = []
        self.viewer_rows: list[tuple[pygame.Rect, str, str]] = []
        self.item_buttons: list[Button] = []
        self.tab_buttons: list[Button] = []
        self.action_buttons: list[Button] = []
        self.menu_buttons: list[Button] = []
        self.host_buttons: list[Button] = []
        self.status: tuple[str, bool, int] | None = None  # text, ok, live ms
        self.keyword = TextField(max_len=50, on_enter=self._add_keyword)
        self.moderator = TextField(max_len=40, on_enter=self._add_moderator)

    # ------------------------------------------------------------ helpers

    def t(self, key: str, **params: object) -> str:
        return self.app.t(key, **params)

    @property
    def fonts(self) -> Fonts:
        return self.app.fonts

    @property
    def model(self) -> LiveModel:
        return self.live.model

    @property
    def typing(self) -> bool:
        return self.keyword.focused or self.moderator.focused

    def now(self) -> int:
        return self.live.now()

    def selected_comment(self) -> CommentView | None:
        if self.selected is None:
            return None
        view: CommentView | None = self.model.by_id.get(self.selected)
        return view if view is not None and view.hidden is None else None

    def _result(self, code: RejectCode | None, ok_key: str, **params: object) -> None:
        if code is None:
            self.status = (self.t(ok_key, **params), True, self.model.now)
        else:
            self.status = (self.t(f"reject.{code.value}"), False, self.model.now)

    def _need_comment(self) -> CommentView | None:
        comment = self.selected_comment()
        if comment is None:
            self.status = (self.t("desktop.pick_comment_first"), False, self.model.now)
        return comment

    # ------------------------------------------------------------ actions

    def do_mute(self, duration: int | None) -> None:
        self.menu = None
        if self.tab == "viewers" and self.selected_viewer is not None:
            handle = self.model.viewers.get(self.selected_viewer, "?")
            code = self.model.mute_viewer(self.now(), self.selected_viewer, duration)
            self._result(code, "desktop.done_mute", name=handle)
            return
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.mute(self.now(), comment, duration), "desktop.done_mute",
                         name=comment.handle)

    def do_unmute(self) -> None:
        """Lift a mute (viewers tab): TikTok lets the host undo one."""
        vid = self.selected_viewer
        if self.tab != "viewers" or vid is None:
            self.status = (self.t("desktop.pick_viewer_first"), False, self.model.now)
            return
        handle = self.model.viewers.get(vid, "?")
        self._result(self.model.unmute(self.now(), vid), "desktop.done_unmute", name=handle)

    def do_block(self) -> None:
        if self.tab == "viewers" and self.selected_viewer is not None:
            handle = self.model.viewers.get(self.selected_viewer, "?")
            code = self.model.block_viewer(self.now(), self.selected_viewer)
            self._result(code, "desktop.done_block", name=handle)
            return
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.block(self.now(), comment), "desktop.done_block",
                         name=comment.handle)

    def do_delete(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.delete(self.now(), comment), "desktop.done_delete",
                         name=comment.handle)

    def do_report(self, reason: ReportReason) -> None:
        self.menu = None
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.report(self.now(), comment, reason), "desktop.done_report",
                         name=comment.handle)

    def do_pin(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            pinned = self.model.session.room.pinned == comment.id
            self._result(self.model.pin(self.now(), comment),
                         "desktop.done_unpin" if pinned else "desktop.done_pin",
                         name=comment.handle)

    def do_answer(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.answer(self.now(), comment), "desktop.done_answer",
                         name=comment.handle)

    def do_thank_comment(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self._result(self.model.thank(self.now(), comment.id), "desktop.done_thank",
                         name=comment.handle)

    def do_thank_gift(self) -> None:
        gift = self.model.unthanked_gift()
        if gift is None:
            self.status = (self.t("desktop.no_gift"), False, self.model.now)
            return
        self._result(self.model.thank(self.now(), gift.id), "desktop.done_thank",
                     name=gift.handle)

    def do_welcome(self) -> None:
        target: tuple[str, str] | None = None
        if self.tab == "viewers" and self.selected_viewer is not None:
            target = (self.selected_viewer, self.model.viewers.get(self.selected_viewer, "?"))
        else:
            target = self.model.unwelcomed_official()
            if target is None and (comment := self.selected_comment()) is not None:
                target = (comment.viewer, comment.handle)
        if target is None:
            self.status = (self.t("desktop.no_one_to_welcome"), False, self.model.now)
            return
        self._result(self.model.welcome(self.now(), target[0]), "desktop.done_welcome",
                     name=target[1])

    def do_talk(self) -> None:
        self._result(self.model.talk(self.now()), "desktop.done_talk")

    def do_comments(self) -> None:
        enabled = not self.model.session.room.comments_enabled
        self._result(self.model.set_comments(self.now(), enabled),
                     "desktop.done_comments_on" if enabled else "desktop.done_comments_off")

    def do_accept(self, request: str | None = None) -> None:
        requests = self.model.open_requests()
        if request is None and requests:
            request = requests[0][0]
        if request is None:
            self.status = (self.t("desktop.no_requests"), False, self.model.now)
            return
        handle = next((h for r, _, h in requests if r == request), "?")
        self._result(self.model.accept(self.now(), request), "desktop.done_accept", name=handle)

    def do_decline(self, request: str | None = None) -> None:
        requests = self.model.open_requests()
        if request is None and requests:
            request = requests[0][0]
        if request is None:
            self.status = (self.t("desktop.no_requests"), False, self.model.now)
            return
        handle = next((h for r, _, h in requests if r == request), "?")
        self._result(self.model.decline(self.now(), request), "desktop.done_decline",
                     name=handle)

    def _add_keyword(self, text: str) -> None:
        self._add_from_field(self.keyword, text, self.model.add_keyword,
                             "desktop.done_keyword", "word")

    def _add_moderator(self, text: str) -> None:
        self._add_from_field(self.moderator, text, self.model.add_moderator,
                             "desktop.done_moderator", "name")

    def _add_from_field(self, field: TextField, text: str,
                        add: Callable[[int, str], RejectCode | None], done_key: str,
                        param: str) -> None:
        """Add what was typed in ``field``; clear it only when the room accepted it."""
        text = text.strip()
        if not text:
            return
        code = add(self.now(), text)
        self._result(code, done_key, **{param: text})
        if code is None:
            field.text = ""
        self.layout(self.rect)

    def set_tab(self, tab: str) -> None:
        self.tab = tab
        self.menu = None
        self.keyword.focused = self.moderator.focused = False
        self.layout(self.rect)

    # ------------------------------------------------------------ layout

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect
        px = self.fonts.px
        t = self.t
        tab_w = rect.width // len(TABS)
        self.tab_buttons = [
            Button(t(f"desktop.tab_{name}"), partial(self.set_tab, name),
                   pygame.Rect(rect.left + i * tab_w, rect.top, tab_w - px(4), px(38)),
                   selected=name == self.tab, role="small")
            for i, name in enumerate(TABS)
        ]
        # Host tools along the bottom: always there.
        bottom = rect.bottom
        row_h = px(40)
        host = [
            (t("desktop.btn_talk"), self.do_talk, "Spasi"),
            (t("desktop.btn_comments_off") if self.model.session.room.comments_enabled
             else t("desktop.btn_comments_on"), self.do_comments, "C"),
            (t("desktop.btn_welcome"), self.do_welcome, "W"),
            (t("desktop.btn_thank_gift"), self.do_thank_gift, "G"),
        ]
        w = rect.width // len(host)
        self.host_buttons = [
            Button(label, fn, pygame.Rect(rect.left + i * w, bottom - row_h, w - px(4), row_h),
                   shortcut=key, role="small")
            for i, (label, fn, key) in enumerate(host)
        ]
        self.status_rect = pygame.Rect(rect.left, bottom - row_h - px(34), rect.width, px(30))
        # Moderation actions above the host tools (comments and viewers tabs).
        actions: list[tuple[str, Callable[[], None], str, theme.Colour]] = []
        if self.tab in ("comments", "viewers"):
            actions = [
                (t("desktop.btn_mute"), self.open_mute, "M", theme.BUTTON),
                (t("desktop.btn_block"), self.do_block, "B", theme.BUTTON_DANGER),
            ]
        if self.tab == "viewers":
            actions += [
                (t("desktop.btn_unmute"), self.do_unmute, "U", theme.BUTTON),
                (t("desktop.btn_welcome_viewer"), self.do_welcome, "W", theme.BUTTON),
            ]
        if self.tab == "comments":
            actions += [
                (t("desktop.btn_delete"), self.do_delete, "D", theme.BUTTON),
                (t("desktop.btn_report"), self.open_report, "R", theme.BUTTON),
                (t("desktop.btn_pin"), self.do_pin, "P", theme.BUTTON),
                (t("desktop.btn_answer"), self.do_answer, "J", theme.BUTTON),
                (t("desktop.btn_thank"), self.do_thank_comment, "T", theme.BUTTON),
            ]
        per_row = 4
        rows = (len(actions) + per_row - 1) // per_row
        top = self.status_rect.top - px(6) - rows * (row_h + px(4))
        w = rect.width // per_row
        self.action_buttons = [
            Button(label, fn, pygame.Rect(rect.left + (i % per_row) * w,
                                          top + (i // per_row) * (row_h + px(4)),
                                          w - px(4), row_h),
                   shortcut=key, colour=colour, role="small")
            for i, (label, fn, key, colour) in enumerate(actions)
        ]
        # The mute-duration or report-reason menu sits above the actions.
        self.menu_buttons = []
        menu_top = top
        if self.menu == "mute":
            presets = self.model.session.scenario.settings.mute_presets_s
            w = rect.width // max(1, len(presets))
            menu_top = top - row_h - px(6)
            self.menu_buttons = [
                Button(mute_label(self.t, p), partial(self.do_mute, p),
                       pygame.Rect(rect.left + i * w, menu_top, w - px(4), row_h),
                       shortcut=str(i + 1), colour=theme.SELECT, role="small")
                for i, p in enumerate(presets)
            ]
        elif self.menu == "report":
            per = 4
            w = rect.width // per
            n_rows = (len(REASONS) + per - 1) // per
            menu_top = top - n_rows * (row_h + px(4)) - px(2)
            self.menu_buttons = [
                Button(t(f"desktop.reason_{r.value}"), partial(self.do_report, r),
                       pygame.Rect(rect.left + (i % per) * w,
                                   menu_top + (i // per) * (row_h + px(4)), w - px(4), row_h),
                       shortcut=str(i + 1), colour=theme.SELECT, role="small")
                for i, r in enumerate(REASONS)
            ]
        self.list_rect = pygame.Rect(rect.left, rect.top + px(44), rect.width,
                                     menu_top - px(6) - (rect.top + px(44)))
        self.keyword.placeholder = t("desktop.keyword_placeholder")
        self.moderator.placeholder = t("desktop.moderator_placeholder")
        field_rect = pygame.Rect(self.list_rect.left + px(10), self.list_rect.top + px(36),
                                 self.list_rect.width - px(150), px(40))
        add_rect = pygame.Rect(field_rect.right + px(8), field_rect.top, px(120), px(40))
        self.item_buttons = []
        if self.tab == "filter":
            self.keyword.rect = field_rect
            self.item_buttons.append(Button(t("desktop.add"),
                                            lambda: self._add_keyword(self.keyword.text),
                                            add_rect, shortcut="Enter", role="small"))
        elif self.tab == "moderators":
            self.moderator.rect = field_rect
            self.item_buttons.append(Button(t("desktop.add"),
                                            lambda: self._add_moderator(self.moderator.text),
                                            add_rect, shortcut="Enter", role="small"))
        self._layout_items()

    def _layout_items(self) -> None:
        """Per-item buttons of the filter, guests and moderators tabs."""
        px = self.fonts.px
        keep = self.item_buttons[:1] if self.tab in ("filter", "moderators") else []
        self.item_buttons = keep
        room = self.model.session.room
        left, right = self.list_rect.left + px(10), self.list_rect.right - px(10)
        y = self.list_rect.top + px(90)
        row = px(40)

        def add(label: str, fn: Callable[[], None], x_right: int, width: int,
                colour: theme.Colour = theme.BUTTON) -> None:
            self.item_buttons.append(Button(label, fn, pygame.Rect(x_right - width, y, width,
                                                                   row - px(6)),
                                            colour=colour, role="small"))

        if self.tab == "filter":
            for word in room.keywords:
                add("×", partial(self._remove_keyword, word), right, px(44),
                    theme.BUTTON_DANGER)
                y += row
        elif self.tab == "moderators":
            for name in room.moderators:
                add(self.t("desktop.remove"), partial(self._remove_moderator, name), right,
                    px(110), theme.BUTTON_DANGER)
                y += row
        elif self.tab == "guests":
            y = self.list_rect.top + px(40)
            requests = self.model.open_requests()
            for rid, _vid, _handle in requests:
                add(self.t("desktop.decline"), partial(self.do_decline, rid), right, px(110),
                    theme.BUTTON_DANGER)
                add(self.t("desktop.accept"), partial(self.do_accept, rid), right - px(116),
                    px(110), (40, 120, 70))
                y += row
            y = self.list_rect.top + px(40) + row * max(1, len(requests)) + px(40)
            for vid, _handle in self.model.guests():
                add(self.t("desktop.remove"), partial(self._remove_guest, vid), right,
                    px(110), theme.BUTTON_DANGER)
                y += row
        del left

    def _remove_keyword(self, word: str) -> None:
        self._result(self.model.remove_keyword(self.now(), word), "desktop.done_keyword_removed",
                     word=word)
        self.layout(self.rect)

    def _remove_moderator(self, name: str) -> None:
        self._result(self.model.remove_moderator(self.now(), name),
                     "desktop.done_moderator_removed", name=name)
        self.layout(self.rect)

    def _remove_guest(self, viewer: str) -> None:
        handle = self.model.viewers.get(viewer, "?")
        self._result(self.model.remove_guest(self.now(), viewer), "desktop.done_guest_removed",
                     name=handle)
        self.layout(self.rect)

    def open_mute(self) -> None:
        if self.tab == "viewers" and self.selected_viewer is None:
            self.status = (self.t("desktop.pick_viewer_first"), False, self.model.now)
            return
        if self.tab != "viewers" and self._need_comment() is None:
            return
        self.menu = None if self.menu == "mute" else "mute"
        self.layout(self.rect)

    def open_report(self) -> None:
        if self._need_comment() is None:
            return
        self.menu = None if self.menu == "report" else "report"
        self.layout(self.rect)

    # ------------------------------------------------------------ events

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.tab == "filter" and self.keyword.handle(event):
            return
        if self.tab == "moderators" and self.moderator.handle(event):
            return
        if event.type == pygame.MOUSEMOTION and self.list_rect.collidepoint(event.pos):
            self.last_motion = self.app.wall()
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.freeze_seq is not None and self.pill.collidepoint(event.pos):
                self.scroll = 0
                self.last_motion = -1e9
                return
            if self.list_rect.collidepoint(event.pos):
                self.last_motion = self.app.wall()
            for button in [*self.menu_buttons, *self.action_buttons, *self.host_buttons,
                           *self.tab_buttons, *self.item_buttons]:
                if button.click(event.pos):
                    self._after_click()
                    return
            if self.menu is not None:
                self.menu = None
                self.layout(self.rect)
            for rect, comment in self.rows:
                if rect.collidepoint(event.pos):
                    self.selected = comment.id
                    return
            for rect, vid, _handle in self.viewer_rows:
                if rect.collidepoint(event.pos):
                    self.selected_viewer = vid
                    return
            return
        if event.type == pygame.MOUSEWHEEL and self.list_rect.collidepoint(self.app.mouse):
            self.scroll = max(0, self.scroll + event.y)
            return
        if event.type == pygame.KEYDOWN:
            self._key(event)

    def _after_click(self) -> None:
        # Labels (comments on/off) and item lists change after an action.
        self.layout(self.rect)

    def _key(self, event: pygame.event.Event) -> None:
        key = event.key
        if self.menu is not None and pygame.K_1 <= key <= pygame.K_9:
            index = key - pygame.K_1
            if index < len(self.menu_buttons):
                self.menu_buttons[index].on_click()
                self.layout(self.rect)
            return
        if self.menu is None and pygame.K_1 <= key <= pygame.K_9 and self._number(key - pygame.K_1):
            return
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.tab in ("filter", "moderators"):
            field = self.keyword if self.tab == "filter" else self.moderator
            field.focused = True
            return
        if key == pygame.K_ESCAPE and self.menu is not None:
            self.menu = None
            self.layout(self.rect)
            return
        if key == pygame.K_TAB:
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            self.set_tab(TABS[(TABS.index(self.tab) + step) % len(TABS)])
            return
        if key in (pygame.K_UP, pygame.K_DOWN):
            self._move_selection(-1 if key == pygame.K_UP else 1)
            return
        actions: dict[int, Callable[[], None]] = {
            pygame.K_m: self.open_mute,
            pygame.K_b: self.do_block,
            pygame.K_d: self.do_delete,
            pygame.K_DELETE: self.do_delete,
            pygame.K_r: self.open_report,
            pygame.K_p: self.do_pin,
            pygame.K_j: self.do_answer,
            pygame.K_t: self.do_thank_comment,
            pygame.K_g: self.do_thank_gift,
            pygame.K_w: self.do_welcome,
            pygame.K_SPACE: self.do_talk,
            pygame.K_c: self.do_comments,
            pygame.K_a: self.do_accept,
            pygame.K_x: self.do_decline,
            pygame.K_k: self._focus_keyword,  # K (and its text "k", swallowed)
            pygame.K_u: self.do_unmute,
        }
        action = actions.get(key)
        if action is not None:
            action()
            self.layout(self.rect)

    def _number(self, index: int) -> bool:
        """Keys 1-9 in the list tabs: remove keyword n, moderator n or guest n."""
        room = self.model.session.room
        if self.tab == "filter" and index < len(room.keywords):
            self._remove_keyword(room.keywords[index])
        elif self.tab == "moderators" and index < len(room.moderators):
            self._remove_moderator(list(room.moderators)[index])
        elif self.tab == "guests" and index < len(room.guests):
            self._remove_guest(room.guests[index])
        else:
            return False
        return True

    def _focus_keyword(self) -> None:
        self.set_tab("filter")
        self.keyword.focus(shortcut="k")

    def _move_selection(self, step: int) -> None:
        if self.tab == "viewers":
            ids = [vid for _, vid, _ in self.viewer_rows]
            current = self.selected_viewer
        else:
            ids = [c.id for _, c in self.rows]
            current = self.selected
        if not ids:
            return
        if current in ids:
            index = max(0, min(len(ids) - 1, ids.index(current) + step))
        else:
            index = len(ids) - 1
        if self.tab == "viewers":
            self.selected_viewer = ids[index]
        else:
            self.selected = ids[index]

    # ------------------------------------------------------------ update

    @property
    def hovering(self) -> bool:
        """The mouse is on the comment list and moved there recently."""
        return (self.tab == "comments" and self.list_rect.collidepoint(self.app.mouse)
                and self.app.wall() - self.last_motion < HOVER_HOLD_S)

    def update(self) -> None:
        """Decide which rows are on screen this frame (the list freezes under the mouse)."""
        fonts = self.fonts
        px = fonts.px
        model = self.model
        if self.hovering or self.scroll > 0:
            if self.freeze_seq is None:
                self.freeze_seq = model.posted
        else:
            self.freeze_seq = None
        self.rows = []
        self.viewer_rows = []
        area = self.list_rect.inflate(-px(12), -px(12))
        if self.tab == "comments":
            limit = self.freeze_seq
            shown = [c for c in model.visible_comments() if limit is None or c.seq <= limit]
            if self.scroll:
                self.scroll = min(self.scroll, max(0, len(shown) - 1))
                shown = shown[: len(shown) - self.scroll]
            y = area.bottom - px(24)
            text_w = area.width - px(16)
            line_h = fonts.line_height("body")
            for comment in reversed(shown):
                lines = fonts.wrap(comment.text, "body", text_w)[:2]
                h = fonts.line_height("small") + len(lines) * line_h + px(10)
                y -= h
                if y < area.top:
                    break
                self.rows.append((pygame.Rect(area.left, y, area.width, h - px(4)), comment))
            self.rows.reverse()
            if self.freeze_seq is not None:
                label = self.t("desktop.list_paused", count=model.posted - self.freeze_seq)
                image = fonts.text(label, "small", theme.BG, True)
                self.pill = image.get_rect(midbottom=(area.centerx, area.bottom)).inflate(
                    px(16), px(6))
        elif self.tab == "viewers":
            y = area.top + px(30)
            muted = model.session.room
            row = px(36)
            for vid, handle in list(model.viewers.items())[-200:]:
                if y + row > area.bottom:
                    break
                self.viewer_rows.append((pygame.Rect(area.left, y, area.width, row - px(4)),
                                         vid, handle))
                y += row
            del muted
        if self.tab == "guests":
            self._layout_items()

    # ------------------------------------------------------------ drawing

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        mouse = self.app.mouse
        draw_panel(surface, self.list_rect, theme.PANEL, px(10))
        for button in self.tab_buttons:
            button.draw(surface, fonts, mouse)
        getattr(self, f"_draw_{self.tab}")(surface)
        for button in [*self.menu_buttons, *self.action_buttons, *self.host_buttons,
                       *self.item_buttons]:
            button.draw(surface, fonts, mouse)
        if self.menu is not None:
            draw_text(surface, fonts, self.t(f"desktop.menu_{self.menu}"),
                      (self.rect.left, self.menu_buttons[0].rect.top - px(2)), "tiny",
                      theme.MUTED, anchor="bottomleft")
        if self.status is not None and self.model.now - self.status[2] < 6000:
            text, ok, _ = self.status
            draw_text(surface, fonts, text, (self.status_rect.left + px(4),
                                             self.status_rect.centery), "small",
                      theme.OK if ok else theme.WARN, bold=True, anchor="midleft",
                      max_width=self.status_rect.width - px(8))

    def _draw_comments(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.list_rect.inflate(-px(12), -px(12))
        line_h = fonts.line_height("body")
        room = self.model.session.room
        for rect, comment in self.rows:
            if comment.marker is not None:
                self._draw_marker(surface, rect, comment)
                continue
            chosen = comment.id == self.selected
            hover = rect.collidepoint(self.app.mouse)
            if chosen or hover:
                draw_panel(surface, rect, theme.SELECT if chosen else theme.HOVER, px(6),
                           theme.ACCENT_2 if chosen else None)
            colour = theme.FAINT if comment.filtered else theme.TEXT
            tags = []
            if comment.filtered:
                tags.append(self.t("desktop.tag_filtered"))
            if room.pinned == comment.id:
                tags.append(self.t("desktop.tag_pinned"))
            if comment.answered:
                tags.append(self.t("desktop.tag_answered"))
            if comment.reported:
                tags.append(self.t("desktop.tag_reported"))
            head = comment.handle + (f"  · {' · '.join(tags)}" if tags else "")
            draw_text(surface, fonts, head, (rect.left + px(8), rect.top + px(3)), "small",
                      theme.ACCENT_2 if not comment.filtered else theme.FAINT, bold=True,
                      max_width=rect.width - px(16))
            y = rect.top + px(3) + fonts.line_height("small")
            for line in fonts.wrap(comment.text, "body", area.width - px(16))[:2]:
                draw_text(surface, fonts, line, (rect.left + px(8), y), "body", colour)
                y += line_h
        if self.freeze_seq is not None:
            label = self.t("desktop.list_paused", count=self.model.posted - self.freeze_seq)
            image = fonts.text(label, "small", theme.BG, True)
            draw_panel(surface, self.pill, theme.ACCENT_2, self.pill.height // 2)
            surface.blit(image, image.get_rect(center=self.pill.center))
        elif not self.rows:
            draw_text(surface, fonts, self.t("desktop.no_comments_yet"), area.center, "body",
                      theme.MUTED, anchor="center")

    def _draw_marker(self, surface: pygame.Surface, rect: pygame.Rect,
                     comment: CommentView) -> None:
        """A replay's marker: the trainee's action, highlighted among the comments."""
        fonts = self.fonts
        px = fonts.px
        refused = comment.marker == "refused"
        draw_panel(surface, rect, (70, 55, 20) if not refused else (80, 30, 36), px(6),
                   theme.GOLD if not refused else theme.FAIL)
        draw_text(surface, fonts, comment.handle, (rect.left + px(8), rect.top + px(3)), "small",
                  theme.GOLD if not refused else theme.FAIL, bold=True,
                  max_width=rect.width - px(16))
        y = rect.top + px(3) + fonts.line_height("small")
        for line in fonts.wrap(comment.text, "body", rect.width - px(16), True)[:2]:
            draw_text(surface, fonts, line, (rect.left + px(8), y), "body", theme.TEXT, bold=True)
            y += fonts.line_height("body")

    def _draw_viewers(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.list_rect.inflate(-px(12), -px(12))
        draw_text(surface, fonts, self.t("desktop.viewers_named", count=len(self.model.viewers),
                                         total=self.model.viewer_count),
                  area.topleft, "small", theme.MUTED)
        room = self.model.session.room
        now = self.model.now
        for rect, vid, handle in self.viewer_rows:
            chosen = vid == self.selected_viewer
            if chosen or rect.collidepoint(self.app.mouse):
                draw_panel(surface, rect, theme.SELECT if chosen else theme.HOVER, px(6))
            tags = []
            if room.is_muted(vid, now):
                tags.append(self.t("desktop.tag_muted"))
            if vid in room.guests:
                tags.append(self.t("desktop.tag_guest"))
            if vid in room.welcomed:
                tags.append(self.t("desktop.tag_welcomed"))
            label = handle + (f"  · {' · '.join(tags)}" if tags else "")
            draw_text(surface, fonts, label, (rect.left + px(8), rect.centery), "body",
                      theme.TEXT, anchor="midleft", max_width=rect.width - px(16))

    def _draw_filter(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.list_rect.inflate(-px(12), -px(12))
        room = self.model.session.room
        draw_text(surface, fonts, self.t("desktop.filter_title", count=len(room.keywords),
                                         limit=room.settings.filter_limit),
                  area.topleft, "label", theme.TEXT, bold=True)
        self.keyword.draw(surface, fonts)
        y = self.list_rect.top + px(90)
        for n, word in enumerate(room.keywords, 1):
            draw_text(surface, fonts, f"{n}. {word}" if n < 10 else word,
                      (area.left + px(4), y + px(14)), "body", theme.TEXT, anchor="midleft")
            y += px(40)
        draw_text(surface, fonts, self.t("desktop.filter_hint"), (area.left, area.bottom),
                  "tiny", theme.MUTED, anchor="bottomleft", max_width=area.width)

    def _draw_guests(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.list_rect.inflate(-px(12), -px(12))
        draw_text(surface, fonts, self.t("desktop.requests_title"), area.topleft, "label",
                  theme.TEXT, bold=True)
        y = self.list_rect.top + px(40)
        requests = self.model.open_requests()
        for _rid, _vid, handle in requests:
            draw_text(surface, fonts, handle, (area.left + px(4), y + px(14)), "body",
                      theme.TEXT, anchor="midleft", max_width=area.width - px(250))
            y += px(40)
        if not requests:
            draw_text(surface, fonts, self.t("desktop.no_requests"), (area.left + px(4), y),
                      "small", theme.MUTED)
        y = self.list_rect.top + px(40) + px(40) * max(1, len(requests)) + px(40)
        draw_text(surface, fonts, self.t("desktop.guests_title",
                                         count=len(self.model.session.room.guests),
                                         limit=self.model.session.scenario.settings.max_guests),
                  (area.left, y - px(34)), "label", theme.TEXT, bold=True)
        for n, (_vid, handle) in enumerate(self.model.guests(), 1):
            draw_text(surface, fonts, f"{n}. {handle}", (area.left + px(4), y + px(14)), "body",
                      theme.TEXT, anchor="midleft")
            y += px(40)

    def _draw_moderators(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        area = self.list_rect.inflate(-px(12), -px(12))
        room = self.model.session.room
        draw_text(surface, fonts, self.t("desktop.moderators_title", count=len(room.moderators)),
                  area.topleft, "label", theme.TEXT, bold=True)
        self.moderator.draw(surface, fonts)
        y = self.list_rect.top + px(90)
        for n, (name, perms) in enumerate(room.moderators.items(), 1):
            label = f"{n}. {name}  ({', '.join(sorted(p.value for p in perms))})"
            draw_text(surface, fonts, label, (area.left + px(4), y + px(14)), "body", theme.TEXT,
                      anchor="midleft", max_width=area.width - px(130))
            y += px(40)
        draw_text(surface, fonts, self.t("desktop.moderators_hint"), (area.left, area.bottom),
                  "tiny", theme.MUTED, anchor="bottomleft", max_width=area.width)
