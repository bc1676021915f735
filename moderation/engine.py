"""The live-session engine: a scenario and a seed in, events out.

A :class:`Session` is sans-I/O in the manner of h11 and wsproto: the caller
passes simulated time in with :meth:`Session.advance` and actions in with
:meth:`Session.apply`; the session returns the events that follow. It reads no
clock, does no I/O and draws randomness only from a generator seeded by the
caller, so the same scenario, seed and timed actions produce the same events,
byte for byte.

Time runs in one-second ticks. At the start of a tick the engine decides, from
the state at that moment, who arrives and leaves and what will be posted
during the tick; each comment is then *released* at its own millisecond, and
only then meets the moderation state (mute, block, filter, comments off). An
action in the middle of a tick therefore stops a muted troll's next comment
even though the comment was drafted earlier.
"""

from __future__ import annotations

import bisect
import random
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple, assert_never, cast

from moderation.actions import (
    HOST,
    TRAINER,
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
    presence_ms,
)
from moderation.events import (
    ActionRejected,
    AnyEvent,
    AudienceChanged,
    CommentPosted,
    CommentsHidden,
    Followed,
    GiftSent,
    GuestRequested,
    Hidden,
    InjectFired,
    NetworkDropped,
    OfficialJoined,
    RejectCode,
    SessionEnded,
    Shared,
    Tapped,
)
from moderation.room import Room
from moderation.timing import DEAD_AIR_GRACE_MS, QUESTION_PATIENCE_MS
from scenarios.checks import scenario_topics
from scenarios.schema import Economy, Scenario, ScriptedComment, Template
from scenarios.taxonomy import TROLL_FOR, Category, InjectKind, Persona

from .audience import Audience, poisson, weighted
from .content import ContentIndex

__all__ = ["Result", "Session", "TICK_MS"]

TICK_MS = 1000
_at = itemgetter(0)
# What the engine needs to know of a template as it posts it, looked up once.
_HARMFUL, _QUESTION, _CHAT = "harmful", "question", "chat"
_DEFAULT_RAID = (Category.SARA, Category.PORN, Category.JUDOL)


class Result(NamedTuple):
    """What :meth:`Session.apply` returns: the events, and the rejection if any."""

    events: tuple[AnyEvent, ...]
    rejected: RejectCode | None = None

    @property
    def accepted(self) -> bool:
        return self.rejected is None


#: A comment decided at the start of a tick: (viewer, template, slot values).
#: A plain tuple, because a busy live drafts a hundred of these a second.
_Draft = tuple[str, Template, tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class _Spawn:
    """One comment or gift of an inject, due at ``t``."""

    t: int
    kind: InjectKind
    category: Category | None
    evasive: bool


class _Truth(Mapping[str, Template]):
    """Comment id → template, read through the room's comments (no copy kept)."""

    __slots__ = ("_comments", "_templates")

    def __init__(self, comments: Mapping[str, CommentPosted],
                 templates: Mapping[str, Template]) -> None:
        self._comments = comments
        self._templates = templates

    def __getitem__(self, comment: str) -> Template:
        return self._templates[self._comments[comment].template]

    def __iter__(self) -> Iterator[str]:
        return iter(self._comments)

    def __len__(self) -> int:
        return len(self._comments)


class Session:
    """One live session, advanced in simulated milliseconds."""

    def __init__(
        self,
        scenario: Scenario,
        content: ContentIndex,
        economy: Economy,
        seed: int,
    ) -> None:
        self.scenario = scenario
        self.content = content
        self.economy = economy
        self.seed = seed
        self.rng = random.Random(seed)
        self.duration = scenario.duration_s * 1000
        self.now = 0
        self.ended = False
        #: Every action given to :meth:`apply`, accepted or not, in order.
        self.inputs: list[AnyAction] = []
        #: Every event, in order.
        self.events: list[AnyEvent] = []
        self.audience = Audience(content, self.rng)
        moderators = [f"mod{i}" for i in range(1, scenario.settings.moderators + 1)]
        self.room = Room.create(scenario.settings, moderators)
        # The room and the audience share the same view of who is here.
        self.room.present = self._present = self.audience.present
        self.room.handles = self._handles = self.audience.handles
        #: The template behind each posted comment (ground truth), by comment id.
        self.truth: Mapping[str, Template] = _Truth(self.room.comments, content.by_id)
        self.taps = 0
        self.coins = 0
        self.follows = 0
        self.shares = 0
        self._next_tick = 0
        # What the current tick will post, sorted by (time, order of drafting).
        self._pending: list[tuple[int, int, _Draft | AnyEvent]] = []
        self._pos = 0
        self._generating = False
        self._seq = 0
        self._ids = {"g": 0, "r": 0}
        self._comments = 0
        self._texts: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self._kinds = {
            tid: _HARMFUL if t.harmful else _QUESTION if t.category is Category.QUESTION
            else _CHAT
            for tid, t in content.by_id.items()
        }
        self._injects = sorted(scenario.injects, key=lambda i: i.at_s)
        self._inject_pos = 0
        self._script = sorted(scenario.scripted, key=lambda c: c.at_s)
        self._script_pos = 0
        self._spawns: dict[int, list[_Spawn]] = {}
        self._announced = 0
        self._host_active_until = 0
        self._good: deque[int] = deque()
        # Questions posted in the last 30 s, then those waiting longer for an answer.
        self._fresh_questions: deque[tuple[int, str]] = deque()
        # Ordered, oldest first; an OrderedDict because a plain dict slows down
        # when it is emptied from the front, as this one is every tick.
        self._waiting: OrderedDict[str, int] = OrderedDict()
        self._drop_until = 0
        #: The template pools of this scenario's topics (docs/scenario-format.md).
        self._draw = content.drawer(scenario_topics(scenario))
        self._mix = tuple(scenario.audience.personas.items())
        self._mix_total = sum(scenario.audience.personas.values())
        gifts = economy.gifts
        self._gift_cum: list[float] = []
        total = 0.0
        for gift in gifts:
            total += gift.weight
            self._gift_cum.append(total)

    # ---------------------------------------------------------------- time

    def advance(self, t: int) -> list[AnyEvent]:
        """Run the live up to ``t`` milliseconds; return the events that happened.

        Raises:
            ValueError: ``t`` is earlier than the session's clock (a driver bug,
                not a user's mistake).
        """
        if t < self.now:
            raise ValueError(f"time goes forward only: {t} < {self.now}")
        if self.ended:
            return []
        out: list[AnyEvent] = []
        end = min(t, self.duration)
        while True:
            self._release_due(end, out)
            tick_start = self._next_tick * TICK_MS
            if tick_start <= end and tick_start < self.duration:
                self.now = tick_start
                # Expiries happen here, at one point of the tick, never inside a query.
                self.room.expire_mutes(tick_start)
                self._pending = []
                self._pos = 0
                self._generating = True
                self._generate(tick_start, out)
                self._generating = False
                # Stable, so equal times keep their drafting order (the seq).
                self._pending.sort(key=_at)
                self._next_tick += 1
                continue
            break
        self.now = end
        if end >= self.duration:
            self._finish(self.duration, out)
        self.events.extend(out)
        return out

    def next_change(self) -> int:
        """The earliest time at which :meth:`advance` posts or does anything: the next
        drafted comment, the next tick (where mutes expire and comments are drafted), or
        the end. Advancing to an earlier time only moves :attr:`now`.

        A driver that must record what it shows before showing it (the drill server's
        write-ahead journal) records the clock only once it reaches this time.
        """
        if self.ended:
            return self.duration
        due = min(self._next_tick * TICK_MS, self.duration)
        if self._pos < len(self._pending):
            due = min(due, self._pending[self._pos][0])
        return due

    def end(self, t: int) -> list[AnyEvent]:
        """End the live at ``t`` (the trainee or trainer stopped early)."""
        out = self.advance(t)
        if not self.ended:
            tail: list[AnyEvent] = []
            self._finish(self.now, tail)
            self.events.extend(tail)
            out.extend(tail)
        return out

    def _finish(self, t: int, out: list[AnyEvent]) -> None:
        self.ended = True
        self.end_t = t
        self.room.stream.expire(t)
        out.append(SessionEnded(t))

    def _push(self, t: int, item: _Draft | AnyEvent) -> None:
        self._seq += 1
        entry = (t, self._seq, item)
        if self._generating:
            self._pending.append(entry)  # sorted once when the tick is drafted
        else:
            # A trainer's inject in the middle of a tick: slot it in among what is left.
            bisect.insort(self._pending, entry, lo=self._pos)

    def _new_id(self, prefix: str) -> str:
        self._ids[prefix] += 1
        return f"{prefix}{self._ids[prefix]}"

    # ---------------------------------------------------------------- ticks

    def _generate(self, now: int, out: list[AnyEvent]) -> None:
        """Decide what happens during the tick starting at ``now``."""
        scenario = self.scenario
        rng = self.rng
        audience = self.audience
        phase = scenario.phase_at(now / 1000)
        while (
            self._inject_pos < len(self._injects)
            and self._injects[self._inject_pos].at_s * 1000 <= now
        ):
            inj = self._injects[self._inject_pos]
            self._inject_pos += 1
            self._fire(
                now, inj.kind, inj.count, inj.over_s, inj.categories, inj.role, inj.troll,
                inj.evasive, inj.duration_s, "scenario", out,
            )
        leave_mult, engage = self._mood(now)
        aud = scenario.audience

        # Audience: a target that ramps from start to peak, bent by the mood.
        if now == 0:
            for _ in range(aud.start_viewers):
                audience.arrive(self._regular_persona())
        ramp = 1.0 if aud.ramp_s == 0 else min(1.0, now / (aud.ramp_s * 1000))
        target = aud.start_viewers + (aud.peak_viewers - aud.start_viewers) * ramp
        watching = len(audience.roaming.items) + audience.anonymous
        audience.churn(
            aud.leave_rate * leave_mult,
            engage * (target * aud.leave_rate + max(0.0, target - watching) * 0.05),
            self._mix, self._mix_total,
        )

        # Comments. Harmless chat grows with the audience; trolls do not.
        watching = len(audience.roaming.items) + audience.anonymous
        scale = min(2.0, max(0.1, watching / aud.peak_viewers))
        chat_mood = scale * min(engage, 1.2)
        content = self.content
        drawer = self._draw
        pending = self._pending
        draw = rng.random
        for category, rate in phase.rates.items():
            if rate <= 0 or not drawer.has(category):
                continue
            if category.harmful:
                n = poisson(rng, rate)
                for _ in range(n):
                    evasive = draw() < phase.evasion
                    self._draft_troll(now + int(draw() * TICK_MS), category, evasive,
                                      phase.repeat_offenders)
                continue
            # The hot loop of a busy live: drafting ordinary chat. Who writes is
            # decided first (the room's mix), then what they write (their pool).
            n = poisson(rng, rate * chat_mood)
            if not n:
                continue
            slotted = content.slotted
            # Who may write, weighed once per category and tick: a comment's
            # writer hardly changes the mix (stepping out keeps the persona).
            writers, writer_cum = audience.writers(category)
            if not writers:
                for _ in range(n):
                    self._draft_chat(now + int(draw() * TICK_MS), category)
                continue
            pools = [drawer.plain_pool(category, p) for p in writers]
            top, last_writer = writer_cum[-1], len(writers) - 1
            for _ in range(n):
                w = bisect.bisect(writer_cum, draw() * top)
                w = w if w < last_writer else last_writer
                pool = pools[w]
                if pool is None:
                    break
                i = bisect.bisect(pool.cum, draw() * pool.total)
                template = pool.templates[min(i, len(pool.templates) - 1)]
                chatter = audience.pick_of(writers[w])
                slots = content.fill(template, rng) if template.id in slotted else ()
                self._seq += 1
                pending.append((now + int(draw() * TICK_MS), self._seq,
                                (chatter, template, slots)))
        for spawn in self._spawns.pop(now // TICK_MS, ()):
            self._spawn(spawn)
        while (
            self._script_pos < len(self._script)
            and self._script[self._script_pos].at_s * 1000 <= now
        ):
            self._draft_scripted(self._script[self._script_pos])
            self._script_pos += 1

        # Taps, gifts, follows, shares and guest requests follow the mood.
        dropped = now < self._drop_until
        if not dropped:
            taps = poisson(rng, phase.taps * scale * engage)
            tapper = audience.pick_regular() if taps else None
            if tapper is not None:
                t = now + int(rng.random() * TICK_MS)
                self._push(t, Tapped(t, tapper, audience.handles[tapper], taps))
            if scenario.settings.gifts:
                for _ in range(poisson(rng, phase.gifts * scale * engage)):
                    self._draft_gift(now + int(rng.random() * TICK_MS))
            for _ in range(poisson(rng, phase.follows * scale * engage)):
                vid = audience.pick_regular()
                if vid is not None:
                    t = now + int(rng.random() * TICK_MS)
                    self._push(t, Followed(t, vid, audience.handles[vid]))
            for _ in range(poisson(rng, phase.shares * scale * engage)):
                vid = audience.pick_regular()
                if vid is not None:
                    t = now + int(rng.random() * TICK_MS)
                    self._push(t, Shared(t, vid, audience.handles[vid]))
            for _ in range(poisson(rng, phase.guest_requests)):
                self._guest_request(now, troll=False, out=out)
        self._flush_audience(now, out)

    def _regular_persona(self) -> Persona:
        return weighted(self.rng, self._mix, self._mix_total)

    def _flush_audience(self, now: int, out: list[AnyEvent]) -> None:
        """Announce who joined and left since the last announcement."""
        audience = self.audience
        if audience.joined or audience.left or audience.count != self._announced:
            for vid in audience.left:
                if vid in self.room.guests:
                    self.room.guests.remove(vid)
            out.append(
                AudienceChanged(now, tuple(audience.joined), tuple(audience.left),
                                audience.count)
            )
            audience.joined = []
            audience.left = []
            self._announced = audience.count

    def _mood(self, now: int) -> tuple[float, float]:
        """How the room feels: (how fast viewers leave, how engaged they are).

        Dead air, unanswered questions, trolls left on screen and comments
        switched off drive viewers away; recent answers, thanks and welcomes
        bring taps, follows and gifts.
        """
        dead = min(1.0, max(0, now - self._host_active_until - DEAD_AIR_GRACE_MS) / 30_000)
        fresh, waiting = self._fresh_questions, self._waiting
        while fresh and fresh[0][0] <= now - QUESTION_PATIENCE_MS:
            posted, cid = fresh.popleft()
            if cid not in self.room.gone and cid not in self.room.answered:
                waiting[cid] = posted
        # After two minutes a question no longer weighs on the room: it has scrolled away.
        while waiting:
            cid = next(iter(waiting))
            if waiting[cid] > now - 120_000:
                break
            del waiting[cid]
        unanswered = len(waiting)
        good = self._good
        while good and good[0] < now - 60_000:
            good.popleft()
        self.room.stream.expire(now)
        trolls = min(1.0, self.room.stream.harmful_on_screen / 3)
        patience = min(1.0, unanswered / 4)
        praise = min(1.0, len(good) / 4)
        off = 0.0 if self.room.comments_enabled else 1.0
        s = self.scenario.audience.sensitivity
        leave = 1 + s * (2.0 * dead + 1.0 * patience + 1.5 * trolls + 0.5 * off)
        if now < self._drop_until:
            leave *= 3
        engage = 1 + s * (0.6 * praise - 0.5 * dead - 0.3 * patience - 0.4 * trolls - 0.3 * off)
        return leave, min(2.0, max(0.2, engage))

    # ---------------------------------------------------------------- drafts

    def _draft_chat(self, t: int, category: Category) -> None:
        persona = self.audience.chatter_persona(category)
        template = self._draw.pick(category, self.rng, False, persona)
        if template is None:
            return
        audience = self.audience
        vid = audience.newcomer(category) if persona is None else audience.pick_of(persona)
        self._push(t, (vid, template, self.content.fill(template, self.rng)))

    def _draft_troll(self, t: int, category: Category, evasive: bool, repeat: float) -> None:
        template = self._draw.pick(category, self.rng, evasive)
        if template is None:
            return
        vid = self.audience.pick_troll(TROLL_FOR[category], repeat)
        self._push(t, (vid, template, self.content.fill(template, self.rng)))

    def _draft_scripted(self, scripted: ScriptedComment) -> None:
        """Post a scenario's scripted comment at exactly its time."""
        template = self.content.by_id[scripted.template]
        persona = scripted.persona or (
            TROLL_FOR[template.category] if template.harmful else Persona.YOUNG_MOTHER
        )
        audience = self.audience
        if persona in audience.anon and (audience.anon[persona] or audience.pools[persona]):
            # Someone already watching speaks up.
            vid = audience.pick_of(persona)
        else:
            vid = audience.join(persona).id
        self._push(scripted.at_s * 1000, (vid, template, self.content.fill(template, self.rng)))

    def _draft_gift(self, t: int) -> None:
        vid = self.audience.pick_regular()
        if vid is None:
            return
        draw = self.rng.random
        cum = self._gift_cum
        i = bisect.bisect(cum, draw() * cum[-1])
        gift = self.economy.gifts[min(i, len(cum) - 1)]
        # A rose comes in streaks of 2–10; a dear gift comes alone.
        count = 1 if gift.coins >= 100 or draw() < 0.6 else 2 + int(draw() * 9)
        self._push(
            t, GiftSent(t, self._new_id("g"), vid, self.audience.handles[vid], gift.id,
                        gift.coins * count, count)
        )

    def _guest_request(self, now: int, troll: bool, out: list[AnyEvent]) -> None:
        if troll:
            vid = self.audience.join(Persona.HARASSER).id
        else:
            found = self.audience.pick_regular()
            if found is None:
                return
            vid = found
        rid = self._new_id("r")
        self.room.requests[rid] = (vid, True)
        self._push(now, GuestRequested(now, rid, vid, self.audience.handles[vid], troll))

    # ---------------------------------------------------------------- injects

    def _fire(
        self,
        now: int,
        kind: InjectKind,
        count: int,
        over_s: int,
        categories: tuple[Category, ...],
        role: Persona | None,
        troll: bool,
        evasive: bool,
        duration_s: int,
        by: str,
        out: list[AnyEvent],
    ) -> None:
        """Start an inject: announce it and schedule what it brings."""
        out.append(InjectFired(now, kind, by))
        if kind is InjectKind.OFFICIAL_JOINS:
            viewer = self.audience.join(role or Persona.MIDWIFE)
            self._flush_audience(now, out)
            out.append(OfficialJoined(now, viewer.id, viewer.handle, viewer.persona))
            return
        if kind is InjectKind.GUEST_REQUEST:
            for _ in range(count if count <= 5 else 5):
                self._guest_request(now, troll, out)
            self._flush_audience(now, out)
            return
        if kind is InjectKind.NETWORK_DROP:
            self._drop_until = now + duration_s * 1000
            out.append(NetworkDropped(now, duration_s * 1000))
            return
        cycle: tuple[Category | None, ...]
        if kind is InjectKind.TROLL_RAID:
            cycle = categories or _DEFAULT_RAID
        elif kind is InjectKind.HOAX_WAVE:
            cycle = (Category.HOAX,)
        elif kind is InjectKind.QUESTION_WAVE:
            cycle = (Category.QUESTION,)
        else:
            cycle = (None,)
        span = over_s * 1000
        current_tick = self._next_tick - 1 if self._next_tick * TICK_MS > now else self._next_tick
        for i in range(count):
            t = now + (i * span) // count + self.rng.randrange(max(1, span // count))
            spawn = _Spawn(t, kind, cycle[i % len(cycle)], evasive)
            tick = t // TICK_MS
            if tick <= current_tick:
                self._spawn(spawn)
            else:
                self._spawns.setdefault(tick, []).append(spawn)

    def _spawn(self, spawn: _Spawn) -> None:
        if spawn.kind is InjectKind.GIFT_STORM:
            if self.scenario.settings.gifts:
                self._draft_gift(spawn.t)
            return
        category = spawn.category
        if category is None:
            return
        if category.harmful:
            # Raids and hoax waves are coordinated: many fresh accounts, some repeats.
            evasive = spawn.evasive or self.rng.random() < 0.2
            self._draft_troll(spawn.t, category, evasive, 0.25)
        else:
            self._draft_chat(spawn.t, category)

    # ---------------------------------------------------------------- release

    def _release_due(self, end: int, out: list[AnyEvent]) -> None:
        """Post everything drafted for up to ``end``, now meeting the moderation state.

        This is the engine's hottest loop, so what it reads often is held in
        locals. Nothing in it can change whether comments are on or the filter
        list (only actions do that, and none is applied mid-release), so those
        are read once.
        """
        pending = self._pending
        pos = self._pos
        count = len(pending)
        if pos >= count or pending[pos][0] > end:
            return
        room = self.room
        present, handles, kinds = self._present, self._handles, self._kinds
        muted = room.muted
        enabled = room.comments_enabled
        filtering = bool(room.keywords)
        post = room.stream.post
        # The room's records of each comment, written here directly: this runs for
        # every comment of a busy live.
        comments, gone, by_viewer = room.comments, room.gone, room.by_viewer
        questions = self._fresh_questions
        texts = self._texts
        emit = out.append
        while pos < count:
            t, _, item = pending[pos]
            if t > end:
                break
            pos += 1
            # A ready-made event, not a drafted comment (``type(item) is``: this runs for
            # every comment, see moderation.room.Room._rule).
            if type(item) is not tuple:
                self._release_event(cast(AnyEvent, item), emit)
                continue
            vid, template, slots = item
            if vid not in present:
                continue  # left or was blocked before posting
            if slots:
                # A live repeats a few hundred filled-in texts; render each once.
                key = (template.id, slots)
                text = texts.get(key)
                if text is None:
                    text = texts[key] = ContentIndex.render(template.text, slots)
            else:
                text = template.text
            hidden: Hidden | None = None
            if muted and vid in muted and room.is_muted(vid, t):
                hidden = Hidden.MUTED
            elif not enabled:
                hidden = Hidden.COMMENTS_OFF
            elif filtering and room.filter_match(text) is not None:
                hidden = Hidden.FILTER
            self._comments += 1
            cid = f"c{self._comments}"
            event = CommentPosted(t, cid, vid, handles[vid], text, template.id, slots, hidden)
            emit(event)
            comments[cid] = event
            if hidden is None:
                mine = by_viewer.get(vid)
                if mine is None:
                    by_viewer[vid] = [cid]
                else:
                    mine.append(cid)
                kind = kinds[template.id]
                post(cid, t, kind is _HARMFUL)
                if kind is _QUESTION:
                    questions.append((t, cid))
            else:
                gone.add(cid)
        self._pos = pos

    def _release_event(self, event: AnyEvent, emit: Callable[[AnyEvent], None]) -> None:
        """Release a ready-made event (taps, gifts, follows …), counting it."""
        if isinstance(event, Tapped):
            self.taps += event.count
        elif isinstance(event, GiftSent):
            if event.viewer not in self._present:
                return
            self.room.gifts[event.id] = event.viewer
            self.coins += event.coins
        elif isinstance(event, Followed):
            self.follows += 1
        elif isinstance(event, Shared):
            self.shares += 1
        emit(event)

    # ---------------------------------------------------------------- actions

    def apply(self, action: AnyAction) -> Result:
        """Apply a host's, moderator's or trainer's action at ``action.t``.

        The session first advances to ``action.t``. A mistake (acting on a
        comment that is gone, muting twice, a moderator without permission …)
        comes back as a rejection with a :class:`RejectCode`; it never raises.
        """
        if self.ended:
            return Result((), RejectCode.SESSION_ENDED)
        if action.t < self.now:
            return Result((), RejectCode.TIME_IN_PAST)
        events = self.advance(action.t)
        if self.ended:
            return Result(tuple(events), RejectCode.SESSION_ENDED)
        self.inputs.append(action)
        now = self.now
        outcome = self.room.apply(action, now)
        if isinstance(outcome, RejectCode):
            rejected = ActionRejected(now, action, outcome)
            self.events.append(rejected)
            return Result((*events, rejected), outcome)
        self._carry_out(action, now, outcome)
        if len(outcome) > 1 and self._waiting:
            for event in outcome:
                if type(event) is CommentsHidden:
                    for cid in event.comments:
                        self._waiting.pop(cid, None)
        self.events.extend(outcome)
        if events:
            events.extend(outcome)
            return Result(tuple(events))
        return Result(tuple(outcome))

    def _carry_out(self, action: AnyAction, now: int, outcome: list[AnyEvent]) -> None:
        """What an accepted action does beyond the room: to the audience, to dead air.

        A ``type(action) is`` chain ending in ``assert_never`` rather than a ``match``, for
        speed (see :meth:`moderation.room.Room._rule`).
        """
        if action.actor == HOST:
            until = now + presence_ms(action)
            if until > self._host_active_until:
                self._host_active_until = until
        if type(action) is Answer:
            self._good.append(now)
            self._waiting.pop(action.comment, None)
        elif (type(action) is Thank or type(action) is Welcome or type(action) is AcceptGuest or
              type(action) is DeclineGuest):
            self._good.append(now)  # viewers warm to thanks, welcomes, guest decisions
        elif type(action) is Block:
            self.audience.leave(action.viewer)
            self._flush_audience(now, outcome)
        elif type(action) is Inject:
            self._fire(
                now, action.kind, action.count, action.over_s, (),
                Persona(action.role)
                if action.role in (Persona.MIDWIFE, Persona.VILLAGE_HEAD)
                else Persona.MIDWIFE,
                action.troll, False, 10, TRAINER, outcome,
            )
        elif (type(action) is Report or type(action) is Mute or type(action) is Unmute or
              type(action) is Unblock or type(action) is Delete or type(action) is Pin or
              type(action) is Unpin or type(action) is Undo or type(action) is SetComments or
              type(action) is AddKeyword or type(action) is RemoveKeyword or
              type(action) is RemoveGuest or type(action) is AddModerator or
              type(action) is RemoveModerator or type(action) is Talk):
            pass
        else:
            assert_never(action)
