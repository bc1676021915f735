"""The moderation panel beside the stage: the host's one-click tools.

Five tabs (:mod:`simulator.tabs`: comments, viewers, keyword filter, guest
requests, moderators) over the moderation actions, the host's tools and a
status line. Every action is one :class:`~simulator.intents.Intent`, run by
the same command whether it came from its button or its key (the keys are in
``simulator.intents.KEYS``, documented in docs/desktop.md). A refused action
shows its plain-language hint (``reject.<code>``). Only public event data is
shown (no ground truth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, assert_never

import pygame

from moderation.actions import (
    HOST,
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
    Unmute,
    Unpin,
    Welcome,
)
from moderation.values import to_json
from scenarios.taxonomy import ReportReason
from simulator import theme
from simulator.desk import (
    Applied,
    CommentView,
    HostDesk,
    Pending,
    Refused,
    Reply,
    refusal_text,
)
from simulator.fonts import Fonts
from simulator.intents import Intent, choice_index
from simulator.tabs import (
    CommentsTab,
    FilterTab,
    GuestsTab,
    ModeratorsTab,
    PanelTab,
    Tab,
    ViewersTab,
)
from simulator.widgets import Button, TextField, draw_panel, draw_text

if TYPE_CHECKING:
    from simulator.screens.live import DeskScreen

__all__ = ["ACTIONS", "Done", "KeptLine", "Menu", "ModerationPanel", "Status", "mute_label"]

#: How long a "Bicara" click counts as talking (ms).
TALK_MS = 5000
#: How long the status line shows an action's outcome (ms of live time).
STATUS_SHOW_MS = 6000
#: How long an action kept through an outage stays listed after its answer (wall s), and
#: how many such lines the list shows at most (the newest).
KEPT_SHOW_S = 30.0
KEPT_LINES = 4

#: A moderation button: its label's key, its intent, the key shown on it, its colour.
ActionButton = tuple[str, Intent, str, theme.Colour]
_MUTE: ActionButton = ("desktop.btn_mute", Intent.MUTE, "M", theme.BUTTON)
_BLOCK: ActionButton = ("desktop.btn_block", Intent.BLOCK, "B", theme.BUTTON_DANGER)
#: The moderation buttons above the host's tools, by tab (the other tabs have none).
ACTIONS: dict[Tab, tuple[ActionButton, ...]] = {
    Tab.COMMENTS: (
        _MUTE, _BLOCK,
        ("desktop.btn_delete", Intent.DELETE, "D", theme.BUTTON),
        ("desktop.btn_report", Intent.REPORT, "R", theme.BUTTON),
        ("desktop.btn_pin", Intent.PIN, "P", theme.BUTTON),
        ("desktop.btn_answer", Intent.ANSWER, "J", theme.BUTTON),
        ("desktop.btn_thank", Intent.THANK, "T", theme.BUTTON),
    ),
    Tab.VIEWERS: (
        _MUTE, _BLOCK,
        ("desktop.btn_unmute", Intent.UNMUTE, "U", theme.BUTTON),
        ("desktop.btn_welcome_viewer", Intent.WELCOME, "W", theme.BUTTON),
    ),
}


class Menu(StrEnum):
    """A sub-menu above the actions; the value names its title (``desktop.menu_<value>``)."""

    MUTE = "mute"
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class Status:
    """The outcome of the last action, shown under the buttons for a few seconds."""

    text: str
    #: Done (True), refused (False) or sent and waiting for the room's answer (None).
    ok: bool | None
    #: Live ms when it happened.
    t: int


@dataclass(frozen=True, slots=True)
class Done:
    """What the status line says when an action is done (a catalogue key and its
    parameters), and what else follows then (the keyword field empties)."""

    key: str
    params: tuple[tuple[str, object], ...] = ()
    then: Callable[[], None] | None = None
    #: The action in a few words ("Hapus · @melati"), for the list of kept actions.
    label: str = ""


@dataclass(slots=True)
class KeptLine:
    """An action of a drill kept through an outage: listed under the comments while it
    waits, then with its answer (applied, or refused and why) for a while."""

    ticket: int
    label: str
    reply: Applied | Refused | None = None
    #: When the answer came (wall s).
    at: float = 0.0


def mute_label(tr: Callable[..., str], seconds: int | None) -> str:
    """A mute preset for a button: "5 dtk", "1 mnt", "Sepanjang LIVE"."""
    if seconds is None:
        return tr("desktop.mute_whole")
    if seconds < 60:
        return tr("desktop.mute_seconds", n=seconds)
    return tr("desktop.mute_minutes", n=seconds // 60)


class ModerationPanel:
    """Lays out, draws and drives the panel; the live screen owns it."""

    def __init__(self, live: DeskScreen) -> None:
        self.live = live
        self.app = live.app
        self.comments = CommentsTab(self)
        self.viewers = ViewersTab(self)
        self.filter = FilterTab(self)
        self.guests = GuestsTab(self)
        self.moderators = ModeratorsTab(self)
        self.tabs: dict[Tab, PanelTab] = {tab.tab: tab for tab in (
            self.comments, self.viewers, self.filter, self.guests, self.moderators)}
        self.tab = Tab.COMMENTS
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.list_rect = pygame.Rect(0, 0, 0, 0)
        self.status_rect = pygame.Rect(0, 0, 0, 0)
        self.menu: Menu | None = None
        self.tab_buttons: list[Button] = []
        self.action_buttons: list[Button] = []
        self.menu_buttons: list[Button] = []
        self.host_buttons: list[Button] = []
        #: "Urungkan (Z)" beside the status line while the last action can be undone.
        self.undo_button: Button | None = None
        self.status: Status | None = None
        #: Actions sent to a drill room and waiting for its answer, by ticket.
        self.waiting: dict[int, Done] = {}
        #: A drill's actions kept through an outage, oldest first (:class:`KeptLine`).
        self.kept: list[KeptLine] = []
        self.kept_rect = pygame.Rect(0, 0, 0, 0)
        self._kept_key: tuple[object, ...] = ()
        #: What each action intent does, from its key or from its button.
        self.commands: dict[Intent, Callable[[], None]] = {
            Intent.MUTE: self.open_mute,
            Intent.UNMUTE: self.do_unmute,
            Intent.BLOCK: self.do_block,
            Intent.DELETE: self.do_delete,
            Intent.REPORT: self.open_report,
            Intent.PIN: self.do_pin,
            Intent.ANSWER: self.do_answer,
            Intent.THANK: self.do_thank_comment,
            Intent.THANK_GIFT: self.do_thank_gift,
            Intent.WELCOME: self.do_welcome,
            Intent.TALK: self.do_talk,
            Intent.COMMENTS_ON_OFF: self.do_comments,
            Intent.ACCEPT_GUEST: self.do_accept,
            Intent.DECLINE_GUEST: self.do_decline,
            Intent.KEYWORD_FILTER: self.focus_keyword,
            Intent.UNDO: self.do_undo,
        }

    # ------------------------------------------------------------ helpers

    def tr(self, key: str, **params: object) -> str:
        return self.app.tr(key, **params)

    @property
    def fonts(self) -> Fonts:
        return self.app.fonts

    @property
    def desk(self) -> HostDesk:
        return self.live.desk

    @property
    def current(self) -> PanelTab:
        """The tab shown now."""
        return self.tabs[self.tab]

    @property
    def item_buttons(self) -> list[Button]:
        return self.current.item_buttons

    def fields(self) -> list[TextField]:
        return [tab.field for tab in self.tabs.values() if tab.field is not None]

    @property
    def typing(self) -> bool:
        """A text field has the keyboard."""
        return any(field.focused for field in self.fields())

    def unfocus(self) -> None:
        for field in self.fields():
            field.focused = False

    def now(self) -> int:
        return self.live.now()

    def relayout(self) -> None:
        self.layout(self.rect)

    def act(self, action: AnyAction, ok_key: str, then: Callable[[], None] | None = None, /,
            **params: object) -> Reply:
        """Take ``action`` at the desk and show how it went: done (``ok_key`` with
        ``params``, and ``then`` runs), or why it was refused. A drill's answer comes
        later and is shown the same way when it comes (:meth:`update`)."""
        done = Done(ok_key, tuple(params.items()), then, self.label(action))
        reply = self.desk.take(action)
        match reply:
            case Pending():
                self.waiting[reply.ticket] = done
                if self.desk.offline:  # kept, and listed, until the link is back
                    self.kept.append(KeptLine(reply.ticket, done.label))
                    self.status = Status(self.tr("drill.saved_offline"), None, self.desk.now)
                else:
                    self.status = Status(self.tr("drill.sending"), None, self.desk.now)
            case Applied() | Refused():
                self.show_reply(reply, done)
            case _:
                assert_never(reply)
        return reply

    def label(self, action: AnyAction) -> str:
        """An action in a few words: its name and what it acts on."""
        name = self.tr(f"seat.action.{action.type}")
        desk = self.desk
        target = ""
        form = to_json(action)  # its fields by their wire names
        comment, viewer, keyword = form.get("comment"), form.get("viewer"), form.get("keyword")
        if isinstance(comment, str) and comment in desk.by_id:
            target = "@" + desk.by_id[comment].handle
        elif isinstance(viewer, str):
            target = "@" + desk.handle(viewer)
        elif isinstance(keyword, str):
            target = keyword
        return f"{name} · {target}" if target else name

    def show_reply(self, reply: Applied | Refused, done: Done) -> None:
        """The status line after the room's reply: done, or why it was refused."""
        if isinstance(reply, Refused):
            self.status = Status(refusal_text(reply.reason, self.tr), False, self.desk.now)
            return
        self.status = Status(self.tr(done.key, **dict(done.params)), True, self.desk.now)
        if done.then is not None:
            done.then()
            self.relayout()

    def show_problem(self, key: str) -> None:
        self.status = Status(self.tr(key), False, self.desk.now)

    def _need_comment(self) -> CommentView | None:
        comment = self.comments.selected_comment()
        if comment is None:
            self.show_problem("desktop.pick_comment_first")
        return comment

    def _chosen_viewer(self) -> tuple[str, str] | None:
        """(id, handle) of the viewer chosen in the viewers tab, while it is shown."""
        vid = self.viewers.selected
        if self.tab is not Tab.VIEWERS or vid is None:
            return None
        return vid, self.desk.viewers.get(vid, "?")

    # ------------------------------------------------------------ commands

    def do_mute(self, duration: int | None) -> None:
        self.menu = None
        viewer = self._chosen_viewer()
        if viewer is not None:
            self.act(Mute(t=self.now(), actor=HOST, viewer=viewer[0], duration=duration),
                     "desktop.done_mute", name=viewer[1])
            return
        comment = self._need_comment()
        if comment is not None:
            self.act(Mute(t=self.now(), actor=HOST, viewer=comment.viewer, duration=duration,
                          comment=comment.id), "desktop.done_mute", name=comment.handle)

    def do_unmute(self) -> None:
        """Lift a mute (viewers tab): TikTok lets the host undo one."""
        viewer = self._chosen_viewer()
        if viewer is None:
            self.show_problem("desktop.pick_viewer_first")
            return
        self.act(Unmute(t=self.now(), actor=HOST, viewer=viewer[0]), "desktop.done_unmute",
                 name=viewer[1])

    def do_block(self) -> None:
        viewer = self._chosen_viewer()
        if viewer is not None:
            self.act(Block(t=self.now(), actor=HOST, viewer=viewer[0]), "desktop.done_block",
                     name=viewer[1])
            return
        comment = self._need_comment()
        if comment is not None:
            self.act(Block(t=self.now(), actor=HOST, viewer=comment.viewer, comment=comment.id),
                     "desktop.done_block", name=comment.handle)

    def do_delete(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self.act(Delete(t=self.now(), actor=HOST, comment=comment.id),
                     "desktop.done_delete", name=comment.handle)

    def do_report(self, reason: ReportReason) -> None:
        self.menu = None
        comment = self._need_comment()
        if comment is not None:
            self.act(Report(t=self.now(), actor=HOST, comment=comment.id, reason=reason),
                     "desktop.done_report", name=comment.handle)

    def do_pin(self) -> None:
        comment = self._need_comment()
        if comment is None:
            return
        if self.desk.pinned_id == comment.id:
            self.act(Unpin(t=self.now(), actor=HOST), "desktop.done_unpin", name=comment.handle)
        else:
            self.act(Pin(t=self.now(), actor=HOST, comment=comment.id), "desktop.done_pin",
                     name=comment.handle)

    def do_undo(self) -> None:
        """Take back the last block, pin, report or comments-off (Z, or the button); the
        room decides whether it still can."""
        done = self.desk.undoable
        if isinstance(done, Block):
            key, name = "desktop.undone_block", self.desk.handle(done.viewer)
        elif isinstance(done, Pin):
            key, name = "desktop.undone_pin", ""
        elif isinstance(done, Report):
            view = self.desk.by_id.get(done.comment)
            key, name = "desktop.undone_report", view.handle if view is not None else "?"
        elif isinstance(done, SetComments):
            key, name = "desktop.undone_comments", ""
        else:
            key, name = "seat.undone", ""
        self.act(Undo(t=self.now(), actor=HOST), key, name=name)

    def do_answer(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self.act(Answer(t=self.now(), actor=HOST, comment=comment.id, text=""),
                     "desktop.done_answer", name=comment.handle)

    def do_thank_comment(self) -> None:
        comment = self._need_comment()
        if comment is not None:
            self.act(Thank(t=self.now(), actor=HOST, target=comment.id), "desktop.done_thank",
                     name=comment.handle)

    def do_thank_gift(self) -> None:
        gift = self.desk.unthanked_gift()
        if gift is None:
            self.show_problem("desktop.no_gift")
            return
        self.act(Thank(t=self.now(), actor=HOST, target=gift.id), "desktop.done_thank",
                 name=gift.handle)

    def do_welcome(self) -> None:
        target = self._chosen_viewer()
        if target is None:
            target = self.desk.unwelcomed_official()
            if target is None and (comment := self.comments.selected_comment()) is not None:
                target = (comment.viewer, comment.handle)
        if target is None:
            self.show_problem("desktop.no_one_to_welcome")
            return
        self.act(Welcome(t=self.now(), actor=HOST, viewer=target[0]), "desktop.done_welcome",
                 name=target[1])

    def do_talk(self) -> None:
        self.act(Talk(t=self.now(), actor=HOST, duration=TALK_MS), "desktop.done_talk")

    def do_comments(self) -> None:
        enabled = not self.desk.comments_enabled
        self.act(SetComments(t=self.now(), actor=HOST, enabled=enabled),
                 "desktop.done_comments_on" if enabled else "desktop.done_comments_off")

    def do_accept(self, request: str | None = None) -> None:
        """Accept a guest request (the first waiting one unless ``request`` is named)."""
        found = self._request(request)
        if found is not None:
            self.act(AcceptGuest(t=self.now(), actor=HOST, request=found[0]),
                     "desktop.done_accept", name=found[1])

    def do_decline(self, request: str | None = None) -> None:
        found = self._request(request)
        if found is not None:
            self.act(DeclineGuest(t=self.now(), actor=HOST, request=found[0]),
                     "desktop.done_decline", name=found[1])

    def _request(self, request: str | None) -> tuple[str, str] | None:
        """(request id, handle) of ``request`` or the first open one; None says so."""
        requests = self.desk.open_requests()
        if request is None and requests:
            request = requests[0][0]
        if request is None:
            self.show_problem("desktop.no_requests")
            return None
        return request, next((h for r, _, h in requests if r == request), "?")

    def open_mute(self) -> None:
        if self.tab is Tab.VIEWERS and self.viewers.selected is None:
            self.show_problem("desktop.pick_viewer_first")
            return
        if self.tab is not Tab.VIEWERS and self._need_comment() is None:
            return
        self.menu = None if self.menu is Menu.MUTE else Menu.MUTE
        self.relayout()

    def open_report(self) -> None:
        if self._need_comment() is None:
            return
        self.menu = None if self.menu is Menu.REPORT else Menu.REPORT
        self.relayout()

    def focus_keyword(self) -> None:
        self.set_tab(Tab.FILTER)
        if not self.filter.offered():
            self.filter.confirm()  # says why not
            return
        # K's own text came with its key press, before the typing guard let K through.
        self.filter.field.focus()

    def set_tab(self, tab: Tab) -> None:
        self.tab = tab
        self.menu = None
        self.unfocus()
        self.relayout()

    def step_tab(self, step: int) -> None:
        tabs = list(Tab)
        self.set_tab(tabs[(tabs.index(self.tab) + step) % len(tabs)])

    # ------------------------------------------------------------ layout

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect
        px = self.fonts.px
        tab_w = rect.width // len(Tab)
        self.tab_buttons = [
            Button(self.tr(f"desktop.tab_{tab.value}"), partial(self.set_tab, tab),
                   pygame.Rect(rect.left + i * tab_w, rect.top, tab_w - px(4), px(38)),
                   selected=tab is self.tab, role="small")
            for i, tab in enumerate(Tab)
        ]
        row_h = px(40)
        self._layout_host_tools(rect, row_h)
        self.status_rect = pygame.Rect(rect.left, rect.bottom - row_h - px(34), rect.width,
                                       px(30))
        top = self._layout_actions(rect, row_h)
        menu_top = self._layout_menu(rect, row_h, top)
        kept = len(self.kept_lines())
        kept_h = kept * self.fonts.line_height("small") + (px(12) if kept else 0)
        self.kept_rect = pygame.Rect(rect.left, menu_top - px(6) - kept_h, rect.width, kept_h)
        self.list_rect = pygame.Rect(rect.left, rect.top + px(44), rect.width,
                                     self.kept_rect.top - (px(6) if kept else 0)
                                     - (rect.top + px(44)))
        self.current.layout()

    def kept_lines(self) -> list[tuple[str, theme.Colour]]:
        """The kept actions in words, newest last: waiting, applied, or refused and why."""
        out = []
        for line in self.kept[-KEPT_LINES:]:
            reply = line.reply
            if reply is None:
                out.append((self.tr("drill.kept_pending", action=line.label), theme.MUTED))
            elif isinstance(reply, Applied):
                out.append((self.tr("drill.kept_applied", action=line.label), theme.OK))
            else:
                out.append((self.tr("drill.kept_refused", action=line.label,
                                    reason=refusal_text(reply.reason, self.tr)), theme.WARN))
        return out

    def _layout_host_tools(self, rect: pygame.Rect, row_h: int) -> None:
        """The host's tools along the bottom: always there."""
        px = self.fonts.px
        comments = "desktop.btn_comments_off" if self.desk.comments_enabled \
            else "desktop.btn_comments_on"
        host = [("desktop.btn_talk", Intent.TALK, self.tr("desktop.space_key")),
                (comments, Intent.COMMENTS_ON_OFF, "C"),
                ("desktop.btn_welcome", Intent.WELCOME, "W"),
                ("desktop.btn_thank_gift", Intent.THANK_GIFT, "G")]
        w = rect.width // len(host)
        self.host_buttons = [
            Button(self.tr(label), self.commands[intent],
                   pygame.Rect(rect.left + i * w, rect.bottom - row_h, w - px(4), row_h),
                   shortcut=key, role="small")
            for i, (label, intent, key) in enumerate(host)
        ]

    def _layout_actions(self, rect: pygame.Rect, row_h: int) -> int:
        """The tab's moderation actions above the status line; returns their top."""
        px = self.fonts.px
        actions = ACTIONS.get(self.tab, ())
        per_row = 4
        rows = (len(actions) + per_row - 1) // per_row
        top: int = self.status_rect.top - px(6) - rows * (row_h + px(4))
        w = rect.width // per_row
        self.action_buttons = [
            Button(self.tr(label), self.commands[intent],
                   pygame.Rect(rect.left + (i % per_row) * w,
                               top + (i // per_row) * (row_h + px(4)), w - px(4), row_h),
                   shortcut=key, colour=colour, role="small")
            for i, (label, intent, key, colour) in enumerate(actions)
        ]
        return top

    def _layout_menu(self, rect: pygame.Rect, row_h: int, top: int) -> int:
        """The mute-duration or report-reason menu above the actions; returns its top."""
        px = self.fonts.px
        self.menu_buttons = []
        if self.menu is Menu.MUTE:
            presets = self.desk.mute_presets
            w = rect.width // max(1, len(presets))
            top -= row_h + px(6)
            self.menu_buttons = [
                Button(mute_label(self.tr, p), partial(self.do_mute, p),
                       pygame.Rect(rect.left + i * w, top, w - px(4), row_h),
                       shortcut=str(i + 1), colour=theme.SELECT, role="small")
                for i, p in enumerate(presets)
            ]
        elif self.menu is Menu.REPORT:
            per = 4
            w = rect.width // per
            reasons = self.desk.report_reasons
            n_rows = (len(reasons) + per - 1) // per
            top -= n_rows * (row_h + px(4)) + px(2)
            self.menu_buttons = [
                Button(self.tr(f"desktop.reason_{r.value}"), partial(self.do_report, r),
                       pygame.Rect(rect.left + (i % per) * w,
                                   top + (i // per) * (row_h + px(4)), w - px(4), row_h),
                       shortcut=str(i + 1), colour=theme.SELECT, role="small")
                for i, r in enumerate(reasons)
            ]
        return top

    # ------------------------------------------------------------ input

    def take_input(self, event: pygame.event.Event) -> bool:
        """A key or typed text for the shown tab's focused field; True when it took it."""
        field = self.current.field
        return (event.type in (pygame.KEYDOWN, pygame.TEXTINPUT) and field is not None
                and field.focused and field.handle(event))

    def handle_intent(self, intent: Intent) -> None:
        index = choice_index(intent)
        if index is not None:
            if self.menu is not None:
                # Keys 1-9 with a menu open: its n-th choice.
                if index < len(self.menu_buttons):
                    self.menu_buttons[index].on_click()
                    self.relayout()
            else:
                self.current.choose(index)
            return
        if intent is Intent.CONFIRM:
            self.current.confirm()
        elif intent is Intent.BACK:
            if self.menu is not None:
                self.menu = None
                self.relayout()
        elif intent in (Intent.NEXT_TAB, Intent.PREVIOUS_TAB):
            self.step_tab(-1 if intent is Intent.PREVIOUS_TAB else 1)
        elif intent in (Intent.SELECT_PREVIOUS, Intent.SELECT_NEXT):
            self.current.move_selection(-1 if intent is Intent.SELECT_PREVIOUS else 1)
        elif (command := self.commands.get(intent)) is not None:
            command()
            self.relayout()

    def handle_event(self, event: pygame.event.Event) -> None:
        """Mouse and wheel: buttons, rows, the hold on the comment list."""
        field = self.current.field
        if field is not None and field.handle(event):
            return
        if event.type == pygame.MOUSEMOTION and self.list_rect.collidepoint(event.pos):
            self.comments.armed = True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._click(event.pos)
            return
        if event.type == pygame.MOUSEWHEEL and self.list_rect.collidepoint(self.app.mouse):
            self.comments.scroll = max(0, self.comments.scroll + event.y)

    def _click(self, pos: tuple[int, int]) -> None:
        comments = self.comments
        if comments.freeze_seq is not None and comments.pill.collidepoint(pos):
            comments.release()
            return
        if self.list_rect.collidepoint(pos):
            comments.armed = True
        for button in [*self.menu_buttons, *self.action_buttons, *self.host_buttons,
                       *self.tab_buttons, *self.item_buttons, *self._undo_buttons()]:
            if button.click(pos):
                # Labels (comments on/off) and item lists change after an action.
                self.relayout()
                return
        if self.menu is not None:
            self.menu = None
            self.relayout()
        self.current.click(pos)

    # ------------------------------------------------------------ frame

    def _undo_buttons(self) -> list[Button]:
        return [] if self.undo_button is None else [self.undo_button]

    def update(self) -> None:
        """Show the answers a drill room sent; decide what the shown tab's list holds."""
        wall = self.app.wall()
        if self.desk.offline:  # what was on its way when the link went is kept too
            listed = {line.ticket for line in self.kept}
            self.kept += [KeptLine(ticket, done.label) for ticket, done in self.waiting.items()
                          if ticket not in listed]
        for settled in self.desk.settled():
            done = self.waiting.pop(settled.ticket, None)
            if done is not None:  # None: not a tap's (the voice detector's talk)
                self.show_reply(settled.reply, done)
            for line in self.kept:
                if line.ticket == settled.ticket:
                    line.reply, line.at = settled.reply, wall
        self.kept = [line for line in self.kept
                     if line.reply is None or wall - line.at < KEPT_SHOW_S]
        key = tuple((line.ticket, line.reply) for line in self.kept[-KEPT_LINES:])
        if key != self._kept_key:
            self._kept_key = key
            self.relayout()  # the list of comments gives the kept actions their room
        self._offer_undo()
        self.comments.hold()
        current = self.current
        for tab in self.tabs.values():
            if tab is current:
                tab.update()
            else:
                tab.hide()

    def _offer_undo(self) -> None:
        """The undo button, with the seconds left, while the last action can be undone."""
        left = self.desk.undo_left_ms()
        if not left:
            self.undo_button = None
            return
        px = self.fonts.px
        rect = self.status_rect
        width = min(px(190), rect.width // 3)
        self.undo_button = Button(self.tr("desktop.undo", seconds=(left + 999) // 1000),
                                  self.do_undo, pygame.Rect(rect.right - width, rect.top,
                                                            width, rect.height),
                                  shortcut="Z", colour=theme.SELECT, role="small")

    def draw(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        px = fonts.px
        mouse = self.app.mouse
        draw_panel(surface, self.list_rect, theme.PANEL, px(10))
        for button in self.tab_buttons:
            button.draw(surface, fonts, mouse)
        self.current.draw(surface)
        for button in [*self.menu_buttons, *self.action_buttons, *self.host_buttons,
                       *self.item_buttons, *self._undo_buttons()]:
            button.draw(surface, fonts, mouse)
        if self.menu is not None:
            draw_text(surface, fonts, self.tr(f"desktop.menu_{self.menu.value}"),
                      (self.rect.left, self.menu_buttons[0].rect.top - px(2)), "tiny",
                      theme.MUTED, anchor="bottomleft")
        lines = self.kept_lines()
        if lines:
            box = self.kept_rect
            draw_panel(surface, box, theme.PANEL, px(8))
            line_h = fonts.line_height("small")
            for i, (text, colour) in enumerate(lines):
                draw_text(surface, fonts, text, (box.left + px(8), box.top + px(6) + i * line_h),
                          "small", colour, max_width=box.width - px(16))
        status = self.status
        if status is not None and (status.ok is None or self.desk.now - status.t < STATUS_SHOW_MS):
            colour = theme.MUTED if status.ok is None else theme.OK if status.ok else theme.WARN
            draw_text(surface, fonts, status.text, (self.status_rect.left + px(4),
                                                    self.status_rect.centery), "small",
                      colour, bold=True, anchor="midleft",
                      max_width=self.status_rect.width - px(8)
                      - (self.undo_button.rect.width + px(8) if self.undo_button else 0))
