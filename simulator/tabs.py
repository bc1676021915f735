"""The five tabs of the moderation panel, one class each.

A tab owns what its list shows: the rows on screen, its selection, its text
field and per-item buttons, and how it draws. The panel
(:mod:`simulator.panel`) owns what every tab shares: the tab buttons, the
moderation actions and host tools, the menus and the status line, and it runs
every command. Only public event data is shown (no ground truth).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING

import pygame

from moderation.actions import (
    HOST,
    AddKeyword,
    AddModerator,
    AnyAction,
    RemoveGuest,
    RemoveKeyword,
    RemoveModerator,
)
from simulator import theme
from simulator.desk import CommentView, Marker
from simulator.lookalike import plain_form
from simulator.widgets import Button, TextField, draw_panel, draw_text, draw_wrapped

if TYPE_CHECKING:
    from simulator.panel import ModerationPanel

__all__ = ["CommentsTab", "FilterTab", "GuestsTab", "ModeratorsTab", "PanelTab", "Tab",
           "ViewersTab"]

ROW_PX = 40


class Tab(StrEnum):
    """The panel's tabs, in order; the value names the label (``desktop.tab_<value>``)."""

    COMMENTS = "comments"
    VIEWERS = "viewers"
    FILTER = "filter"
    GUESTS = "guests"
    MODERATORS = "moderators"


class PanelTab:
    """One tab: its list area's content. The panel calls the hooks while it is shown."""

    tab: Tab
    #: The tab's text field, if it has one (keyword filter, moderators).
    field: TextField | None = None

    def __init__(self, panel: ModerationPanel) -> None:
        self.panel = panel
        #: Buttons on the tab's items (remove a keyword, accept a guest …).
        self.item_buttons: list[Button] = []

    @property
    def area(self) -> pygame.Rect:
        """The list's content area, inside its padding."""
        px = self.panel.fonts.px
        return self.panel.list_rect.inflate(-px(12), -px(12))

    def layout(self) -> None:
        """Place the tab's widgets in the panel's list area (after every panel layout)."""
        self.item_buttons = []

    def update(self) -> None:
        """Decide what the list shows this frame (only while the tab is shown)."""

    def hide(self) -> None:
        """The frame shows another tab: forget the rows on screen."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the list area (the panel draws the buttons)."""

    def click(self, pos: tuple[int, int]) -> bool:
        """A left click on the list that no button took; True when the tab used it."""
        return False

    def move_selection(self, step: int) -> None:
        """↑ / ↓: select the previous or next row."""

    def choose(self, index: int) -> bool:
        """Number key ``index + 1`` on the tab's list; True when it did something."""
        return False

    def confirm(self) -> None:
        """Enter: start typing in the tab's field, if it has one."""


class CommentsTab(PanelTab):
    """The comment list, which holds still under the mouse so nobody chases a name.

    While the pointer is on the list (however long it rests there) no new comment comes
    in, and a comment hidden meanwhile keeps its row, greyed and struck through, so the
    rows under the pointer never move after an action. The pill ("N komentar baru") or
    moving the pointer away lets the list catch up.
    """

    tab = Tab.COMMENTS

    def __init__(self, panel: ModerationPanel) -> None:
        super().__init__(panel)
        self.selected: str | None = None  # comment id
        self.rows: list[tuple[pygame.Rect, CommentView]] = []
        #: The newest comment shown while the list is held (None: it follows the chat).
        self.freeze_seq: int | None = None
        #: Comments already hidden when the hold began: the held list leaves them out.
        self.gone_before: set[str] = set()
        #: The pointer moved onto the list since the pill last let it go.
        self.armed = False
        self.pill = pygame.Rect(0, 0, 0, 0)  # "N new comments": click to jump to the newest
        self.scroll = 0  # rows scrolled back from the newest

    def selected_comment(self) -> CommentView | None:
        if self.selected is None:
            return None
        view = self.panel.desk.by_id.get(self.selected)
        return view if view is not None and view.hidden is None else None

    @property
    def hovering(self) -> bool:
        """The pointer is on the comment list (no time limit: a slow reader keeps it)."""
        panel = self.panel
        return (self.armed and panel.tab is Tab.COMMENTS
                and panel.list_rect.collidepoint(panel.app.mouse))

    def hold(self) -> None:
        """Every frame, whatever the tab: hold the list while hovered or scrolled back."""
        if self.hovering or self.scroll > 0:
            if self.freeze_seq is None:
                desk = self.panel.desk
                self.freeze_seq = desk.posted
                self.gone_before = {c.id for c in desk.comments if c.hidden is not None}
        else:
            self.freeze_seq = None
            self.gone_before = set()

    def release(self) -> None:
        """The pill was clicked: back to the newest comments (until the pointer moves)."""
        self.scroll = 0
        self.armed = False

    def update(self) -> None:
        fonts = self.panel.fonts
        px = fonts.px
        desk = self.panel.desk
        area = self.area
        limit = self.freeze_seq
        if limit is None:
            shown = desk.visible_comments()
        else:  # held: what was there stays there, hidden since or not
            gone = self.gone_before
            shown = [c for c in desk.comments if c.seq <= limit and c.id not in gone]
        if self.scroll:
            self.scroll = min(self.scroll, max(0, len(shown) - 1))
            shown = shown[: len(shown) - self.scroll]
        self.rows = []
        y = area.bottom - px(24)
        text_w = area.width - px(16)
        line_h = fonts.line_height("body")
        for comment in reversed(shown):
            lines = fonts.wrap(comment.text, "body", text_w)[:2]
            h = fonts.line_height("small") + len(lines) * line_h + px(10)
            if comment.marker is None and plain_form(comment.text) is not None:
                h += fonts.line_height("tiny")
            y -= h
            if y < area.top:
                break
            self.rows.append((pygame.Rect(area.left, y, area.width, h - px(4)), comment))
        self.rows.reverse()
        if self.freeze_seq is not None:
            image = fonts.text(self._pill_label(), "small", theme.BG, True)
            self.pill = image.get_rect(midbottom=(area.centerx, area.bottom)).inflate(
                px(16), px(6))

    def _pill_label(self) -> str:
        assert self.freeze_seq is not None
        return self.panel.tr("desktop.list_paused",
                             count=self.panel.desk.posted - self.freeze_seq)

    def hide(self) -> None:
        self.rows = []

    def click(self, pos: tuple[int, int]) -> bool:
        for rect, comment in self.rows:
            if rect.collidepoint(pos) and comment.hidden is None:
                self.selected = comment.id
                return True
        return False

    def move_selection(self, step: int) -> None:
        self.selected = _step_through([c.id for _, c in self.rows if c.hidden is None],
                                      self.selected, step)

    def draw(self, surface: pygame.Surface) -> None:
        panel = self.panel
        fonts = panel.fonts
        px = fonts.px
        area = self.area
        line_h = fonts.line_height("body")
        pinned = panel.desk.pinned_id
        for rect, comment in self.rows:
            if comment.marker is not None:
                self._draw_marker(surface, rect, comment)
                continue
            if comment.hidden is not None:
                self._draw_gone(surface, rect, comment)
                continue
            chosen = comment.id == self.selected
            hover = rect.collidepoint(panel.app.mouse)
            if chosen or hover:
                draw_panel(surface, rect, theme.SELECT if chosen else theme.HOVER, px(6),
                           theme.ACCENT_2 if chosen else None)
            colour = theme.FAINT if comment.filtered else theme.TEXT
            tags = []
            if comment.filtered:
                tags.append(panel.tr("desktop.tag_filtered"))
            if pinned == comment.id:
                tags.append(panel.tr("desktop.tag_pinned"))
            if comment.answered:
                tags.append(panel.tr("desktop.tag_answered"))
            if comment.reported:
                tags.append(panel.tr("desktop.tag_reported"))
            head = comment.handle + (f"  · {' · '.join(tags)}" if tags else "")
            draw_text(surface, fonts, head, (rect.left + px(8), rect.top + px(3)), "small",
                      theme.ACCENT_2 if not comment.filtered else theme.FAINT, bold=True,
                      max_width=rect.width - px(16))
            y = rect.top + px(3) + fonts.line_height("small")
            for line in fonts.wrap(comment.text, "body", area.width - px(16))[:2]:
                draw_text(surface, fonts, line, (rect.left + px(8), y), "body", colour)
                y += line_h
            plain = plain_form(comment.text)
            if plain is not None:  # disguised letters: what the comment says
                draw_text(surface, fonts, panel.tr("desktop.reads_as", text=plain),
                          (rect.left + px(8), y), "tiny", theme.ACCENT_2, bold=True,
                          max_width=rect.width - px(16))
        if self.freeze_seq is not None:
            image = fonts.text(self._pill_label(), "small", theme.BG, True)
            draw_panel(surface, self.pill, theme.ACCENT_2, self.pill.height // 2)
            surface.blit(image, image.get_rect(center=self.pill.center))
        elif not self.rows:
            draw_text(surface, fonts, panel.tr("desktop.no_comments_yet"), area.center, "body",
                      theme.MUTED, anchor="center")

    def _draw_gone(self, surface: pygame.Surface, rect: pygame.Rect,
                   comment: CommentView) -> None:
        """A comment hidden while the list was held: its row stays, greyed and struck."""
        panel = self.panel
        fonts = panel.fonts
        px = fonts.px
        reason = panel.tr(f"desktop.hidden_{comment.hidden}")
        draw_text(surface, fonts, f"{comment.handle}  · {reason}",
                  (rect.left + px(8), rect.top + px(3)), "small", theme.FAINT, bold=True,
                  max_width=rect.width - px(16))
        y = rect.top + px(3) + fonts.line_height("small")
        for line in fonts.wrap(comment.text, "body", self.area.width - px(16))[:2]:
            drawn = draw_text(surface, fonts, line, (rect.left + px(8), y), "body", theme.FAINT)
            pygame.draw.line(surface, theme.FAINT, (drawn.left, drawn.centery),
                             (drawn.right, drawn.centery), max(1, px(2)))
            y += fonts.line_height("body")

    def _draw_marker(self, surface: pygame.Surface, rect: pygame.Rect,
                     comment: CommentView) -> None:
        """A replay's marker: the trainee's action, highlighted among the comments."""
        fonts = self.panel.fonts
        px = fonts.px
        refused = comment.marker is Marker.REFUSED
        draw_panel(surface, rect, (70, 55, 20) if not refused else (80, 30, 36), px(6),
                   theme.GOLD if not refused else theme.FAIL)
        draw_text(surface, fonts, comment.handle, (rect.left + px(8), rect.top + px(3)), "small",
                  theme.GOLD if not refused else theme.FAIL, bold=True,
                  max_width=rect.width - px(16))
        y = rect.top + px(3) + fonts.line_height("small")
        for line in fonts.wrap(comment.text, "body", rect.width - px(16), True)[:2]:
            draw_text(surface, fonts, line, (rect.left + px(8), y), "body", theme.TEXT, bold=True)
            y += fonts.line_height("body")


class ViewersTab(PanelTab):
    """The named viewers present now; mute, block, unmute or welcome one."""

    tab = Tab.VIEWERS

    def __init__(self, panel: ModerationPanel) -> None:
        super().__init__(panel)
        self.selected: str | None = None  # viewer id
        self.rows: list[tuple[pygame.Rect, str, str]] = []  # (rect, viewer id, handle)

    def update(self) -> None:
        px = self.panel.fonts.px
        area = self.area
        self.rows = []
        y = area.top + px(30)
        row = px(36)
        for vid, handle in list(self.panel.desk.viewers.items())[-200:]:
            if y + row > area.bottom:
                break
            self.rows.append((pygame.Rect(area.left, y, area.width, row - px(4)), vid, handle))
            y += row

    def hide(self) -> None:
        self.rows = []

    def click(self, pos: tuple[int, int]) -> bool:
        for rect, vid, _handle in self.rows:
            if rect.collidepoint(pos):
                self.selected = vid
                return True
        return False

    def move_selection(self, step: int) -> None:
        self.selected = _step_through([vid for _, vid, _ in self.rows], self.selected, step)

    def draw(self, surface: pygame.Surface) -> None:
        panel = self.panel
        fonts = panel.fonts
        px = fonts.px
        area = self.area
        desk = panel.desk
        draw_text(surface, fonts, panel.tr("desktop.viewers_named", count=len(desk.viewers),
                                           total=desk.viewer_count),
                  area.topleft, "small", theme.MUTED)
        guests = {vid for vid, _ in desk.guests()}
        for rect, vid, handle in self.rows:
            chosen = vid == self.selected
            if chosen or rect.collidepoint(panel.app.mouse):
                draw_panel(surface, rect, theme.SELECT if chosen else theme.HOVER, px(6))
            tags = []
            if desk.is_muted(vid):
                tags.append(panel.tr("desktop.tag_muted"))
            if vid in guests:
                tags.append(panel.tr("desktop.tag_guest"))
            if desk.is_welcomed(vid):
                tags.append(panel.tr("desktop.tag_welcomed"))
            label = handle + (f"  · {' · '.join(tags)}" if tags else "")
            draw_text(surface, fonts, label, (rect.left + px(8), rect.centery), "body",
                      theme.TEXT, anchor="midleft", max_width=rect.width - px(16))


class _EntryTab(PanelTab):
    """A tab with a field to add an entry and numbered entries to remove."""

    placeholder_key: str
    title_key: str
    hint_key: str
    done_add_key: str
    done_remove_key: str
    #: The name of the entry in the done messages' parameters ("word", "name").
    param: str

    def __init__(self, panel: ModerationPanel, max_len: int) -> None:
        super().__init__(panel)
        self.field: TextField = TextField(max_len=max_len, on_enter=self.add)

    def entries(self) -> list[str]:
        raise NotImplementedError

    def adding(self, t: int, text: str) -> AnyAction:
        """The action that adds ``text``."""
        raise NotImplementedError

    def removing(self, t: int, entry: str) -> AnyAction:
        """The action that removes ``entry``."""
        raise NotImplementedError

    #: The action class that adds an entry; a desk that does not offer it shows the
    #: entries without the field and the remove buttons, and :attr:`not_offered_key` says why.
    adds: type[AnyAction]
    not_offered_key = "drill.refused_not_offered"

    def offered(self) -> bool:
        return self.panel.desk.offers(self.adds)

    def add(self, text: str) -> None:
        """Add what was typed; clear the field only when the room accepted it."""
        text = text.strip()
        if not text:
            return
        panel = self.panel

        def clear() -> None:
            if self.field.text.strip() == text:  # unless the host typed on meanwhile
                self.field.text = ""

        panel.act(self.adding(panel.now(), text), self.done_add_key, clear,
                  **{self.param: text})
        panel.relayout()

    def remove(self, entry: str) -> None:
        panel = self.panel
        panel.act(self.removing(panel.now(), entry), self.done_remove_key,
                  **{self.param: entry})
        panel.relayout()

    def choose(self, index: int) -> bool:
        entries = self.entries()
        if not self.offered() or index >= len(entries):
            return False
        self.remove(entries[index])
        return True

    def confirm(self) -> None:
        if self.offered():
            self.field.focused = True
        else:
            self.panel.show_problem(self.not_offered_key)

    def layout(self) -> None:
        panel = self.panel
        px = panel.fonts.px
        list_rect = panel.list_rect
        if not self.offered():
            self.field.focused = False
            self.field.rect = pygame.Rect(0, 0, 0, 0)
            self.item_buttons = []
            return
        self.field.placeholder = panel.tr(self.placeholder_key)
        self.field.rect = pygame.Rect(list_rect.left + px(10), list_rect.top + px(36),
                                      list_rect.width - px(150), px(40))
        add = pygame.Rect(self.field.rect.right + px(8), self.field.rect.top, px(120), px(40))
        self.item_buttons = [Button(panel.tr("desktop.add"), lambda: self.add(self.field.text),
                                    add, shortcut="Enter", role="small")]
        y = list_rect.top + px(90)
        for entry in self.entries():
            self.item_buttons.append(self.remove_button(entry, list_rect.right - px(10), y))
            y += px(ROW_PX)

    def remove_button(self, entry: str, right: int, y: int) -> Button:
        raise NotImplementedError

    def label(self, n: int, entry: str) -> str:
        return f"{n}. {entry}"

    def draw(self, surface: pygame.Surface) -> None:
        panel = self.panel
        fonts = panel.fonts
        px = fonts.px
        area = self.area
        draw_text(surface, fonts, self.title(), area.topleft, "label", theme.TEXT, bold=True)
        offered = self.offered()
        if offered:
            self.field.draw(surface, fonts)
        y = panel.list_rect.top + px(90)
        for n, entry in enumerate(self.entries(), 1):
            draw_text(surface, fonts, self.label(n, entry), (area.left + px(4), y + px(14)),
                      "body", theme.TEXT, anchor="midleft", max_width=self.label_width())
            y += px(ROW_PX)
        if offered:
            draw_text(surface, fonts, panel.tr(self.hint_key), (area.left, area.bottom),
                      "tiny", theme.MUTED, anchor="bottomleft", max_width=area.width)
        else:  # why there is no field: the room's moderators join from their phones
            hint = panel.tr(self.not_offered_key)
            height = len(fonts.wrap(hint, "small", area.width)) * fonts.line_height("small")
            draw_wrapped(surface, fonts, hint, pygame.Rect(area.left, area.bottom - height,
                                                           area.width, height),
                         "small", theme.MUTED)

    def title(self) -> str:
        raise NotImplementedError

    def label_width(self) -> int | None:
        return None


class FilterTab(_EntryTab):
    """The keyword filter: comments with these words are hidden from viewers."""

    tab = Tab.FILTER
    placeholder_key = "desktop.keyword_placeholder"
    hint_key = "desktop.filter_hint"
    done_add_key = "desktop.done_keyword"
    done_remove_key = "desktop.done_keyword_removed"
    param = "word"
    adds = AddKeyword

    def __init__(self, panel: ModerationPanel) -> None:
        super().__init__(panel, max_len=50)

    def entries(self) -> list[str]:
        return list(self.panel.desk.keywords)

    def adding(self, t: int, text: str) -> AnyAction:
        return AddKeyword(t=t, actor=HOST, keyword=text)

    def removing(self, t: int, entry: str) -> AnyAction:
        return RemoveKeyword(t=t, actor=HOST, keyword=entry)

    def remove_button(self, entry: str, right: int, y: int) -> Button:
        px = self.panel.fonts.px
        return Button("×", partial(self.remove, entry),
                      pygame.Rect(right - px(44), y, px(44), px(ROW_PX) - px(6)),
                      colour=theme.BUTTON_DANGER, role="small")

    def label(self, n: int, entry: str) -> str:
        return f"{n}. {entry}" if n < 10 else entry

    def title(self) -> str:
        desk = self.panel.desk
        if desk.filter_limit is None:
            return self.panel.tr("drill.filter_title", count=len(desk.keywords))
        return self.panel.tr("desktop.filter_title", count=len(desk.keywords),
                             limit=desk.filter_limit)


class ModeratorsTab(_EntryTab):
    """The room's moderators, added by name."""

    tab = Tab.MODERATORS
    placeholder_key = "desktop.moderator_placeholder"
    hint_key = "desktop.moderators_hint"
    done_add_key = "desktop.done_moderator"
    done_remove_key = "desktop.done_moderator_removed"
    param = "name"
    adds = AddModerator
    not_offered_key = "drill.moderators_join"

    def __init__(self, panel: ModerationPanel) -> None:
        super().__init__(panel, max_len=40)

    def entries(self) -> list[str]:
        return list(self.panel.desk.moderators)

    def adding(self, t: int, text: str) -> AnyAction:
        return AddModerator(t=t, actor=HOST, name=text)

    def removing(self, t: int, entry: str) -> AnyAction:
        return RemoveModerator(t=t, actor=HOST, name=entry)

    def remove_button(self, entry: str, right: int, y: int) -> Button:
        px = self.panel.fonts.px
        return Button(self.panel.tr("desktop.remove"), partial(self.remove, entry),
                      pygame.Rect(right - px(110), y, px(110), px(ROW_PX) - px(6)),
                      colour=theme.BUTTON_DANGER, role="small")

    def label(self, n: int, entry: str) -> str:
        """"1. mod1 (moderasi, filter kata, komentar)": what each may do, in words."""
        perms = self.panel.desk.moderators[entry]
        words = ", ".join(self.panel.tr(f"desktop.permission_{p.value}")
                          for p in sorted(perms, key=lambda p: p.value))
        return f"{n}. {entry}  ({words})"

    def label_width(self) -> int | None:
        return self.area.width - self.panel.fonts.px(130)

    def title(self) -> str:
        return self.panel.tr("desktop.moderators_title", count=len(self.panel.desk.moderators))


class GuestsTab(PanelTab):
    """Guest requests to accept or decline, and the guests on the live."""

    tab = Tab.GUESTS

    def layout(self) -> None:
        panel = self.panel
        px = panel.fonts.px
        right = panel.list_rect.right - px(10)
        row = px(ROW_PX)
        self.item_buttons = []

        def add(label: str, action: Callable[[], None], x_right: int, width: int, y: int,
                colour: theme.Colour) -> None:
            self.item_buttons.append(Button(label, action,
                                            pygame.Rect(x_right - width, y, width, row - px(6)),
                                            colour=colour, role="small"))

        y = panel.list_rect.top + px(40)
        requests = panel.desk.open_requests()
        for rid, _vid, _handle in requests:
            add(panel.tr("desktop.decline"), partial(panel.do_decline, rid), right, px(110), y,
                theme.BUTTON_DANGER)
            add(panel.tr("desktop.accept"), partial(panel.do_accept, rid), right - px(116),
                px(110), y, (40, 120, 70))
            y += row
        y = panel.list_rect.top + px(40) + row * max(1, len(requests)) + px(40)
        for vid, _handle in panel.desk.guests():
            add(panel.tr("desktop.remove"), partial(self.remove, vid), right, px(110), y,
                theme.BUTTON_DANGER)
            y += row

    def update(self) -> None:
        # Requests come and go with the live: the buttons follow them every frame.
        self.layout()

    def remove(self, viewer: str) -> None:
        panel = self.panel
        handle = panel.desk.handle(viewer)
        panel.act(RemoveGuest(t=panel.now(), actor=HOST, viewer=viewer),
                  "desktop.done_guest_removed", name=handle)
        panel.relayout()

    def choose(self, index: int) -> bool:
        guests = self.panel.desk.guests()
        if index >= len(guests):
            return False
        self.remove(guests[index][0])
        return True

    def draw(self, surface: pygame.Surface) -> None:
        panel = self.panel
        fonts = panel.fonts
        px = fonts.px
        area = self.area
        desk = panel.desk
        draw_text(surface, fonts, panel.tr("desktop.requests_title"), area.topleft, "label",
                  theme.TEXT, bold=True)
        y = panel.list_rect.top + px(40)
        requests = desk.open_requests()
        for _rid, _vid, handle in requests:
            draw_text(surface, fonts, handle, (area.left + px(4), y + px(14)), "body",
                      theme.TEXT, anchor="midleft", max_width=area.width - px(250))
            y += px(ROW_PX)
        if not requests:
            draw_text(surface, fonts, panel.tr("desktop.no_requests"), (area.left + px(4), y),
                      "small", theme.MUTED)
        y = panel.list_rect.top + px(40) + px(ROW_PX) * max(1, len(requests)) + px(40)
        guests = desk.guests()
        title = panel.tr("drill.guests_title", count=len(guests)) if desk.max_guests is None \
            else panel.tr("desktop.guests_title", count=len(guests), limit=desk.max_guests)
        draw_text(surface, fonts, title, (area.left, y - px(34)), "label", theme.TEXT,
                  bold=True)
        for n, (_vid, handle) in enumerate(guests, 1):
            draw_text(surface, fonts, f"{n}. {handle}", (area.left + px(4), y + px(14)), "body",
                      theme.TEXT, anchor="midleft")
            y += px(ROW_PX)


def _step_through(ids: list[str], current: str | None, step: int) -> str | None:
    """The row ``step`` away from ``current`` (the newest when nothing is chosen)."""
    if not ids:
        return current
    if current in ids:
        return ids[max(0, min(len(ids) - 1, ids.index(current) + step))]
    return ids[-1]
