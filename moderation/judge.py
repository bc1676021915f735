"""The judge: a session log in, a scorecard out.

Moderation is scored like a detection task: hits on harmful comments, misses,
false alarms on harmless ones, and reaction time, plus the harm viewers were
exposed to and how well the host hosted. The formula is written out in
``docs/scoring.md``; this module and :mod:`moderation.scoring` are its only
implementation, used alike by ``gladi simulate``, the desktop app and drills.

:class:`Judge` folds the log, event by event, into running facts (who hid
what and when, what is on screen, what the host did); :func:`moderation.scoring.score`
turns the facts into a :class:`~moderation.scorecard.Scorecard`. The fold is
incremental: a judge fed a log in any number of pieces gives the scorecard a
full re-judge of the same log gives, so a drill can keep its scorecard current
at the cost of the new events only.

The judge reads only the log: it replays the on-screen stream with the same
:class:`~moderation.stream.Stream` rules the engine used, so exposure is
measured on exactly the screen the viewers had.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, assert_never

from scenarios.schema import Scenario, Template
from scenarios.taxonomy import (
    HARMFUL,
    OFFICIALS,
    REPORT_REASON,
    TROLL_FOR,
    Category,
    Persona,
    ReportReason,
    Response,
)

from .actions import (
    HOST,
    AcceptGuest,
    AddKeyword,
    AddModerator,
    Answer,
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
    UndoableAction,
    Unmute,
    Unpin,
    Welcome,
    presence_ms,
)
from .events import (
    ActionApplied,
    ActionRejected,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Event,
    GiftSent,
    GuestRequested,
    Hidden,
    OfficialJoined,
    SessionEnded,
)
from .room import normalise_keyword
from .scorecard import (
    ActorCredit,
    CategoryTally,
    Exposure,
    Handling,
    Hosting,
    HostingParts,
    Item,
    Outcome,
    Part,
    Reaction,
    Scorecard,
    Tip,
    TipCode,
)
from .scoring import (
    ANSWER_FAST_MS,
    FAST_MS,
    Facts,
    HostingLog,
    PinnedSpan,
    exposure_weight,
    score,
    tip,
    too_late,
)
from .stream import Stream

# The scorecard's records are defined in moderation.scorecard and the formulas
# in moderation.scoring; the judge's users find them here too.
__all__ = [
    "FAST_MS",
    "SETUP",
    "TIP_CODES",
    "ActorCredit",
    "CategoryTally",
    "Exposure",
    "Handling",
    "Hit",
    "Hosting",
    "HostingParts",
    "Item",
    "Judge",
    "Outcome",
    "Part",
    "Reaction",
    "Scorecard",
    "Tip",
    "TipCode",
    "judge",
]

#: Every kind of coaching tip the judge gives (each has a translated text).
TIP_CODES: tuple[TipCode, ...] = tuple(TipCode)
#: Who "did" what the scenario set up before the live (starting filter, comments off).
SETUP = "setup"
TROLLS = frozenset(TROLL_FOR.values())
_HIDE_RESPONSE = {"deleted": Response.DELETE, "muted": Response.MUTE, "blocked": Response.BLOCK}
#: Outcomes that keep a comment in the count however late in the live it came.
_SETTLED = frozenset({Outcome.PREVENTED, Outcome.FALSE_ALARM, Outcome.SILENCED})
#: The responses that take a comment off the screen.
_HIDING = frozenset({Response.DELETE, Response.MUTE, Response.BLOCK})


class _Comment:
    """The running fate of one posted comment (the scorecard gets an :class:`Item`)."""

    __slots__ = ("event", "template", "harmful", "viewers", "outcome", "responses",
                 "reaction_ms", "credited", "reported", "answered_ms")

    def __init__(self, event: CommentPosted, template: Template, harmful: bool, viewers: int,
                 outcome: Outcome) -> None:
        self.event = event
        self.template = template
        self.harmful = harmful
        self.viewers = viewers
        self.outcome = outcome
        #: A tuple, not a list: most comments get none, and the scorecard shares it.
        self.responses: tuple[Handling, ...] = ()
        self.reaction_ms: int | None = None
        self.credited: str | None = None
        self.reported: ReportReason | None = None
        self.answered_ms: int | None = None


class _Tally:
    """One actor's running credit."""

    __slots__ = ("hits", "false_alarms", "answers", "thanks", "welcomes", "actions", "rejected")

    def __init__(self) -> None:
        self.hits = self.false_alarms = self.answers = self.thanks = 0
        self.welcomes = self.actions = self.rejected = 0

    def credit(self, more_false_alarms: int = 0) -> ActorCredit:
        return ActorCredit(self.hits, self.false_alarms + more_false_alarms, self.answers,
                           self.thanks, self.welcomes, self.actions, self.rejected)


class _Silencing(NamedTuple):
    """A mute, block or delete waiting for the comments it hid (the next event says)."""

    action: Mute | Block | Delete
    hidden: set[str]


class _FalseAlarm(NamedTuple):
    """``actor`` acted at ``t`` on a harmless comment or viewer (``comment`` when known)."""

    comment: _Comment | None
    actor: str
    t: int
    action: str


#: Who took an action that keeps comments off the screen, and when (ms): a keyword
#: added to the filter, comments turned off. A drill credits the seat that took it.
_By = tuple[str, int]
#: The scenario's own set-up: nobody's doing.
_NOBODY: _By = (SETUP, 0)


class _Undoable:
    """An actor's last block, pin, report or comments-off, and what the judge made of it,
    so that an :class:`~moderation.actions.Undo` can take it back (docs/scoring.md, "Undo")."""

    __slots__ = ("action", "alarm", "relabelled", "tips", "pinned_before", "off_by_before")

    def __init__(self, action: UndoableAction,
                 pinned_before: str | None = None, off_by_before: _By = _NOBODY) -> None:
        self.action = action
        #: The false alarm it caused, and the comment's outcome before it said so.
        self.alarm: _FalseAlarm | None = None
        self.relabelled: tuple[Outcome, str | None] | None = None
        self.tips: list[Tip] = []
        self.pinned_before = pinned_before
        self.off_by_before = off_by_before

    def caused(self, alarm: _FalseAlarm) -> bool:
        return alarm.t == self.action.t and alarm.action == self.action.type


class Hit(NamedTuple):
    """A hit in time, as a drill credits it to a seat: who acted at ``t`` on what."""

    t: int
    actor: str
    comment: str
    viewer: str


class Judge:
    """A session's log folded in order into the running facts the score is made of.

    :meth:`feed` the events as they come (in order, each once); :meth:`scorecard`
    gives the scorecard of the log fed so far at any point, and the judge can
    be fed on afterwards. :meth:`credits` is the cheap part a leaderboard needs.
    """

    __slots__ = ("_scenario", "_templates", "_harmful", "_window", "_end", "_fed", "_comments",
                 "_personas", "_last_comment", "_tallies", "_keywords", "_comments_off_by",
                 "_viewers", "_pinned", "_pinned_spans", "_tips", "_pending", "_false_alarms",
                 "_hosting", "_stream", "_natural", "_undoable", "_prevented_at")

    def __init__(self, scenario: Scenario, templates: Mapping[str, Template]) -> None:
        settings = scenario.settings
        self._scenario = scenario
        self._templates = templates
        #: The harmful templates' ids: a str is hashed faster than an enum member.
        self._harmful = frozenset(tid for tid, t in templates.items() if t.category in HARMFUL)
        self._window = scenario.scoring.response_window_s * 1000
        #: When the live ends: as scheduled, until the log says it ended.
        self._end = scenario.duration_s * 1000
        self._fed = 0
        self._comments: dict[str, _Comment] = {}
        self._personas: dict[str, Persona] = {}
        #: Each viewer's last comment on screen.
        self._last_comment: dict[str, str] = {}
        self._tallies: dict[str, _Tally] = {}
        #: Each filter keyword (normalised) and who added it, when.
        self._keywords = {normalise_keyword(k): _NOBODY for k in settings.keyword_filter}
        self._comments_off_by = _NOBODY
        #: When the action that kept each prevented comment off the screen was taken.
        self._prevented_at: dict[str, int] = {}
        self._viewers = 0
        self._pinned: tuple[str, int] | None = None
        self._pinned_spans: list[PinnedSpan] = []
        self._tips: list[Tip] = []
        self._pending: _Silencing | None = None
        self._false_alarms: dict[Category | None, int] = {}
        self._hosting = HostingLog(off_since=None if settings.comments_enabled else 0)
        #: The screen the viewers had, and the one they would have had with no moderation.
        self._stream = Stream(settings.stream_window, settings.stream_max_s * 1000)
        self._natural = Stream(settings.stream_window, settings.stream_max_s * 1000)
        #: Each actor's last undoable action.
        self._undoable: dict[str, _Undoable] = {}

    @property
    def fed(self) -> int:
        """How many events have been folded."""
        return self._fed

    def feed(self, events: Iterable[Event]) -> None:
        """Fold ``events``, which continue the log fed so far."""
        fed = self._fed
        for event in events:
            fed += 1
            if self._pending is not None and not isinstance(event, CommentsHidden):
                self._settle()
            # The busiest kinds first: this runs for every event of a long live.
            if isinstance(event, CommentPosted):
                self._posted(event)
            elif isinstance(event, ActionApplied):
                self._applied(event)
            elif isinstance(event, GiftSent):
                self._hosting.gifts.append(event)
            elif isinstance(event, AudienceChanged):
                for viewer in event.joined:
                    self._personas[viewer.id] = viewer.persona
                self._viewers = event.viewers
            elif isinstance(event, CommentsHidden):
                self._hidden(event)
            elif isinstance(event, ActionRejected):
                self._tally(event.action.actor).rejected += 1
            elif isinstance(event, OfficialJoined):
                self._hosting.officials[event.viewer] = (event.t, event.handle)
            elif isinstance(event, GuestRequested):
                self._hosting.requests[event.id] = event
            elif isinstance(event, SessionEnded):
                self._end = event.t
        self._fed = fed

    def catch_up(self, log: Sequence[Event]) -> None:
        """Fold what ``log`` gained since the last call: ``log`` is the whole log so far."""
        if len(log) > self._fed:
            self.feed(log[self._fed:])

    # ------------------------------------------------------------ results

    def scorecard(self) -> Scorecard:
        """The scorecard of the log fed so far, equal to :func:`judge` of that log."""
        return score(self._scenario, self.facts())

    def credits(self) -> dict[str, ActorCredit]:
        """Each actor's credit so far, as :meth:`scorecard` gives it, without scoring."""
        verdict = self._verdict()
        blamed = verdict.actor if verdict is not None else None
        credits = {name: tally.credit(1 if name == blamed else 0)
                   for name, tally in sorted(self._tallies.items())}
        if blamed is not None and blamed not in credits:
            credits = dict(sorted({**credits, blamed: ActorCredit(false_alarms=1)}.items()))
        return credits

    def hits(self) -> list[Hit]:
        """The hits in time so far (not the prevented ones), in the order posted.

        The scorecard's items with the outcome :attr:`Outcome.HIT`, without scoring.
        """
        verdict = self._verdict()
        relabel = verdict.comment if verdict is not None else None
        return [Hit(c.event.t + c.reaction_ms, c.credited, c.event.id, c.event.viewer)
                for c in self._comments.values()
                if c.outcome is Outcome.HIT and c.credited is not None
                and c.reaction_ms is not None and c is not relabel]

    def prevented(self) -> list[Hit]:
        """The harmful comments a keyword or comments-off kept off the screen, each as a
        hit at the time of the action that did it, by its actor, in the order posted."""
        at = self._prevented_at
        return [Hit(at[c.event.id], c.credited, c.event.id, c.event.viewer)
                for c in self._comments.values()
                if c.outcome is Outcome.PREVENTED and c.credited is not None
                and c.event.id in at]

    def facts(self) -> Facts:
        """What the log fed so far established, as if it ended here; changes nothing."""
        end = self._end
        verdict = self._verdict()
        false_alarms = dict(self._false_alarms)
        tips = list(self._tips)
        if verdict is not None:
            key = None if verdict.comment is None else verdict.comment.template.category
            false_alarms[key] = false_alarms.get(key, 0) + 1
            tips.append(_false_alarm_tip(verdict))
        pinned = list(self._pinned_spans)
        if self._pinned is not None:
            span = self._pin_span(end)
            if span is not None:
                pinned.append(span)
        return Facts(end, self._items(end, verdict), false_alarms, tuple(tips), self.credits(),
                     tuple(pinned), self._hosting)

    # ------------------------------------------------------------ the fold

    def _tally(self, actor: str) -> _Tally:
        tally = self._tallies.get(actor)
        if tally is None:
            tally = self._tallies[actor] = _Tally()
        return tally

    def _posted(self, event: CommentPosted) -> None:
        hidden = event.hidden
        if hidden is Hidden.MUTED:
            return  # a muted troll's attempt never appeared
        template = self._templates[event.template]
        harmful = event.template in self._harmful
        cid, now = event.id, event.t
        if hidden is None:
            self._comments[cid] = _Comment(event, template, harmful, self._viewers,
                                           Outcome.MISS if harmful else Outcome.OK)
            self._stream.post(cid, now, harmful)
            self._natural.post(cid, now, harmful)
            self._last_comment[event.viewer] = cid
            return
        comment = self._comments[cid] = _Comment(event, template, harmful, self._viewers,
                                                 Outcome.SILENCED)
        if hidden is Hidden.FILTER:
            folded = event.text.casefold()
            who, since = next((by for k, by in self._keywords.items() if k in folded), _NOBODY)
        else:
            who, since = self._comments_off_by if harmful else _NOBODY
        if who == SETUP:
            # The scenario's own set-up kept it off the screen: nobody's doing.
            if hidden is Hidden.COMMENTS_OFF:
                self._hosting.silenced += 1
            return
        self._natural.post(cid, now, harmful)
        if harmful:
            comment.outcome, comment.reaction_ms, comment.credited = Outcome.PREVENTED, 0, who
            self._prevented_at[cid] = since
            self._tally(who).hits += 1
        else:
            self._false_alarm(_FalseAlarm(comment, who, now, "filter"))

    def _hidden(self, event: CommentsHidden) -> None:
        response = _HIDE_RESPONSE.get(event.reason, Response.DELETE)
        now, pending = event.t, self._pending
        for cid in event.comments:
            self._stream.hide(cid, now)
            if self._pinned is not None and self._pinned[0] == cid:
                self._unpin(now)
            self._respond(self._comments[cid], now, event.by, response)
            if pending is not None:
                pending.hidden.add(cid)
        if pending is not None:
            self._settle()

    def _respond(self, comment: _Comment, now: int, who: str, response: Response) -> None:
        comment.responses += (Handling(now, who, response),)
        if not comment.harmful or comment.outcome.is_hit:
            return
        self._credit(comment, now, who)

    def _credit(self, comment: _Comment, now: int, who: str) -> None:
        """Count a harmful comment handled at ``now`` by ``who``: a hit within the window,
        else late. One that requires several actions (``Template.requires``: a groomer is
        blocked and reported) counts only once all of them were taken, by whoever
        completes them."""
        required = comment.template.requires
        if required and not set(required) <= {h.response for h in comment.responses}:
            return
        reaction = now - comment.event.t
        comment.reaction_ms, comment.credited = reaction, who
        if reaction <= self._window:
            comment.outcome = Outcome.HIT
            self._tally(who).hits += 1
        else:
            comment.outcome = Outcome.LATE

    def _applied(self, event: ActionApplied) -> None:
        action, now = event.action, event.t
        who = action.actor
        tally = self._tally(who)
        tally.actions += 1
        hosting = self._hosting
        if who == HOST:
            until = now + presence_ms(action)
            hosting.host_active.append((now, until))
        # The commonest actions first; a ``type(action) is`` chain ending in assert_never
        # rather than a match, for speed (see moderation.room.Room._rule).
        if type(action) is Answer:
            self._answered(action, tally, now)
        elif type(action) is Thank:
            tally.thanks += 1
            hosting.thanked.setdefault(action.target, now)
        elif type(action) is Report:
            self._undoable[who] = _Undoable(action)
            self._reported(action, now)
        elif type(action) is Block:
            self._undoable[who] = _Undoable(action)
            self._pending = _Silencing(action, set())
        elif type(action) is Mute or type(action) is Delete:
            self._pending = _Silencing(action, set())
        elif type(action) is Pin:
            record = self._undoable[who] = _Undoable(
                action, None if self._pinned is None else self._pinned[0])
            self._unpin(now)
            self._pinned = (action.comment, now)
            target = self._comments.get(action.comment)
            if target is not None and target.harmful:
                record.tips.append(tip(TipCode.PINNED_HARMFUL, now, target.event.id,
                                       (("handle", target.event.handle),)))
                self._tips.append(record.tips[-1])
        elif type(action) is Unpin:
            self._unpin(now)
        elif type(action) is Welcome:
            tally.welcomes += 1
            hosting.welcomed.setdefault(action.viewer, now)
        elif type(action) is AcceptGuest or type(action) is DeclineGuest:
            hosting.decisions[action.request] = (now, isinstance(action, AcceptGuest))
        elif type(action) is SetComments:
            if action.enabled and hosting.off_since is not None:
                hosting.off_total += now - hosting.off_since
                hosting.off_since = None
            elif not action.enabled:
                self._undoable[who] = _Undoable(action,
                                                off_by_before=self._comments_off_by)
                hosting.off_since, self._comments_off_by = now, (who, now)
        elif type(action) is Undo:
            self._undo(who, now)
        elif type(action) is AddKeyword:
            self._keywords.setdefault(normalise_keyword(action.keyword), (who, now))
        elif type(action) is RemoveKeyword:
            self._keywords.pop(normalise_keyword(action.keyword), None)
        elif (type(action) is Talk or type(action) is Unmute or type(action) is Unblock or
              type(action) is RemoveGuest or type(action) is AddModerator or
              type(action) is RemoveModerator or type(action) is Inject):
            pass  # no part of the score
        else:
            assert_never(action)

    def _answered(self, action: Answer, tally: _Tally, now: int) -> None:
        target = self._comments.get(action.comment)
        if target is None:
            return
        tally.answers += 1
        if target.answered_ms is None:
            target.answered_ms = now - target.event.t
        if target.harmful and Response.ANSWER in target.template.acceptable:
            self._respond(target, now, action.actor, Response.ANSWER)

    def _reported(self, action: Report, now: int) -> None:
        target = self._comments.get(action.comment)
        if target is None:
            return
        if not target.harmful:
            self._false_alarm(_FalseAlarm(target, action.actor, now, "report"))
            return
        # A report alone hides nothing, so it is recorded but is no hit, unless it
        # completes what the comment requires (a groomer blocked, then reported).
        target.reported = action.reason
        target.responses += (Handling(now, action.actor, Response.REPORT),)
        if target.template.requires and not target.outcome.is_hit:
            self._credit(target, now, action.actor)
        right = REPORT_REASON[target.template.category]
        if action.reason is not right:
            self._tips.append(tip(TipCode.WRONG_REASON, now, target.event.id,
                                  (("reason", action.reason.value), ("right", right.value))))
            self._undoable[action.actor].tips.append(self._tips[-1])

    def _undo(self, actor: str, now: int) -> None:
        """``actor`` took back their last block, pin, report or comments-off: what it did
        to the screen stays done, but it no longer counts against them."""
        record = self._undoable.pop(actor, None)
        if record is None:
            return
        for given in record.tips:
            self._tips.remove(given)
        if record.alarm is not None:
            self._withdraw(record.alarm, record.relabelled)
        action = record.action
        if isinstance(action, Pin):
            self._unpin(now)
            before = record.pinned_before
            if before is not None and not any(h.response in _HIDING
                                              for h in self._comments[before].responses):
                self._pinned = (before, now)
        elif isinstance(action, Report):
            target = self._comments.get(action.comment)
            if target is not None and target.harmful:
                target.reported = None
                target.responses = tuple(h for h in target.responses if h != Handling(
                    action.t, actor, Response.REPORT))
                self._uncredit(target)
        elif isinstance(action, SetComments):
            hosting = self._hosting
            if hosting.off_since is not None:
                hosting.off_total += now - hosting.off_since
                hosting.off_since = None
            self._comments_off_by = record.off_by_before

    def _uncredit(self, comment: _Comment) -> None:
        """Take back the hit of a comment that requires a report once its report is undone."""
        required = comment.template.requires
        if (not required or comment.outcome not in (Outcome.HIT, Outcome.LATE)
                or set(required) <= {h.response for h in comment.responses}):
            return
        if comment.outcome is Outcome.HIT and comment.credited is not None:
            self._tally(comment.credited).hits -= 1
        comment.outcome, comment.reaction_ms, comment.credited = Outcome.MISS, None, None

    def _withdraw(self, alarm: _FalseAlarm,
                  relabelled: tuple[Outcome, str | None] | None) -> None:
        """Take back a false alarm :meth:`_false_alarm` counted."""
        self._tally(alarm.actor).false_alarms -= 1
        comment = alarm.comment
        key = None if comment is None else comment.template.category
        left = self._false_alarms[key] - 1
        if left:
            self._false_alarms[key] = left
        else:
            del self._false_alarms[key]
        if comment is not None and relabelled is not None:
            comment.outcome, comment.credited = relabelled

    def _pin_span(self, until: int) -> PinnedSpan | None:
        """The pinned comment's exposure span up to ``until``, if it is harmful."""
        assert self._pinned is not None
        cid, since = self._pinned
        comment = self._comments[cid]
        if not comment.harmful:
            return None
        return PinnedSpan(comment.template.severity, comment.viewers, since, until)

    def _unpin(self, now: int) -> None:
        if self._pinned is not None:
            span = self._pin_span(now)
            if span is not None:
                self._pinned_spans.append(span)
            self._pinned = None

    def _false_alarm(self, alarm: _FalseAlarm) -> None:
        self._tally(alarm.actor).false_alarms += 1
        comment = alarm.comment
        key = None if comment is None else comment.template.category
        self._false_alarms[key] = self._false_alarms.get(key, 0) + 1
        record = self._undoable.get(alarm.actor)
        if record is not None and not record.caused(alarm):
            record = None
        if comment is not None and comment.outcome is not Outcome.FALSE_ALARM:
            if record is not None:
                record.relabelled = (comment.outcome, comment.credited)
            comment.outcome, comment.credited = Outcome.FALSE_ALARM, alarm.actor
        self._tips.append(_false_alarm_tip(alarm))
        if record is not None:
            record.alarm = alarm
            record.tips.append(self._tips[-1])

    def _settle(self) -> None:
        """Judge the pending mute, block or delete now that its hidden comments are known."""
        alarm = self._verdict()
        self._pending = None
        if alarm is not None:
            self._false_alarm(alarm)

    def _verdict(self) -> _FalseAlarm | None:
        """Whether the pending mute, block or delete, hiding no harm, was a false alarm."""
        if self._pending is None:
            return None
        action, hidden = self._pending
        comments = self._comments
        if any(comments[c].harmful for c in hidden):
            return None
        if isinstance(action, Delete):
            item = comments.get(action.comment)
            if item is not None and not item.harmful:
                return _FalseAlarm(item, action.actor, action.t, "delete")
            return None
        persona = self._personas.get(action.viewer)
        if persona in TROLLS:
            return None  # silencing a troll before they post is fine
        target = comments.get(action.comment) if action.comment else None
        if target is None:
            last = self._last_comment.get(action.viewer)
            target = comments[last] if last is not None else None
        if persona in OFFICIALS or target is None or not target.harmful:
            return _FalseAlarm(target, action.actor, action.t, action.type)
        return None

    # ------------------------------------------------------------ the items

    def _items(self, end: int, verdict: _FalseAlarm | None) -> tuple[Item, ...]:
        """Every comment counted, as the scorecard's items, with the log ending at ``end``."""
        relabel, blamed = (verdict.comment, verdict.actor) if verdict is not None else (None, "")
        shown_until = _leaving(self._stream, self._comments, end)
        would_until = _leaving(self._natural, self._comments, end)
        shown_ended, would_ended = self._stream.ended, self._natural.ended
        # Only comments of the last moments can be left out (scoring.too_late).
        recent = end - ANSWER_FAST_MS
        items = []
        for cid, c in self._comments.items():
            event = c.event
            outcome, credited = c.outcome, c.credited
            if c is relabel and outcome is not Outcome.FALSE_ALARM:
                outcome, credited = Outcome.FALSE_ALARM, blamed
            if event.t > recent and too_late(event.t, end, c.template.category, bool(
                    c.responses) or c.answered_ms is not None or outcome in _SETTLED):
                continue
            exposure = worst = 0.0
            if c.harmful and outcome is not Outcome.SILENCED:
                weight = exposure_weight(c.template.severity, c.viewers)
                shown = 0 if event.hidden is not None else (
                    shown_until[cid] if cid in shown_until else shown_ended.get(cid, end)
                ) - event.t
                would = (would_until[cid] if cid in would_until
                         else would_ended.get(cid, end)) - event.t
                exposure, worst = weight * shown, weight * would
            items.append(Item(cid, event.t, event.viewer, event.handle, event.text, c.template,
                              c.viewers, event.hidden, outcome, c.responses,
                              c.reaction_ms, credited, c.reported, c.answered_ms, exposure,
                              worst))
        return tuple(items)


def _leaving(stream: Stream, comments: Mapping[str, _Comment], end: int) -> dict[str, int]:
    """When the comments still on ``stream`` time out by ``end``, as ``stream.expire(end)``
    would record it, without changing the stream; the others stay on to the end."""
    leaving: dict[str, int] = {}
    for cid in stream.on_screen():
        until = comments[cid].event.t + stream.max_ms
        if until > end:
            break
        leaving[cid] = until
    return leaving


def _false_alarm_tip(alarm: _FalseAlarm) -> Tip:
    comment = alarm.comment
    return tip(TipCode.FALSE_ALARM, alarm.t, None if comment is None else comment.event.id,
               (("action", alarm.action), ("handle", "" if comment is None
                                           else comment.event.handle)))


def judge(
    scenario: Scenario,
    templates: Mapping[str, Template],
    events: Iterable[Event],
) -> Scorecard:
    """Score a session from its events (which include every applied action)."""
    folded = Judge(scenario, templates)
    folded.feed(events)
    return folded.scorecard()
