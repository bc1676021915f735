"""Taking a seat, on its own (server/seating.py): the rules, and a state machine over them.

The room carries out what :class:`Seating` decides; here a small driver does it
the way the room does (a decision's record applied at once), so that the rules
run without an engine: joins of every role under a few names, resumes with
every token ever given (old ones too), trainer consoles opening and closing,
the trainer answering or a waiting connection leaving, seats freed.
"""

from __future__ import annotations

from typing import Any, assert_never

from hypothesis import settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from protocol.inbound import ErrorCode
from protocol.roles import Role
from server.journal import JoinRec, TokenRec
from server.seating import (
    Admission,
    AnotherToken,
    Places,
    Refusal,
    Rejoin,
    Resume,
    Seating,
    TakeBack,
    new_token,
)
from server.seats import Seat, Seats, hash_token

from .harness import KEY, hello

LIMIT = 3


class Driver:
    """Carries out a decision as DrillRoom does: a record, applied; a token, given out."""

    def __init__(self) -> None:
        self.seats = Seats()
        self.seating = Seating(self.seats, KEY)

    def places(self) -> Places:
        moderators = {s.actor for s in self.seats if s.role is Role.MODERATOR and s.actor}
        return Places(moderators, LIMIT, team_mode=False)

    def seat_new(self, admission: Admission) -> tuple[Seat, str]:
        token, token_hash = new_token()
        seat = self.seating.seated(JoinRec(
            t=0, seat=self.seats.next_id(), token_hash=token_hash, role=admission.role,
            name=admission.name, team=admission.team, actor=admission.actor))
        return seat, token

    def give(self, seat: Seat, replace: bool) -> str:
        token, token_hash = new_token()
        self.seating.token_given(TokenRec(t=0, seat=seat.id, token_hash=token_hash,
                                          replace=replace))
        return token

    def join(self, **fields: Any) -> tuple[Seat | Rejoin | Refusal, str | None]:
        """Whom a ``hello`` became (a seat, a waiting request, a refusal) and its token."""
        plan = self.seating.join(hello(**fields), self.places())
        match plan:
            case Resume():
                return plan.seat, plan.token
            case AnotherToken():
                return plan.seat, self.give(plan.seat, replace=False)
            case Rejoin() | Refusal():
                return plan, None
            case Admission():
                return self.seat_new(plan)
            case _:
                assert_never(plan)


def test_a_token_resumes_its_seat_in_the_language_of_the_hello() -> None:
    d = Driver()
    seat, token = d.join(name="Ani")
    assert isinstance(seat, Seat) and token is not None
    again, same = d.join(token=token, lang="en")
    assert again is seat and same == token and seat.lang == "en"
    assert d.join(token="not-a-token") == (Refusal(ErrorCode.BAD_TOKEN), None)


def test_the_trainer_has_one_seat_and_a_token_per_console() -> None:
    d = Driver()
    assert d.join(role="trainer", key="wrong") == (Refusal(ErrorCode.UNAUTHORISED), None)
    trainer, first = d.join(role="trainer", key=KEY)
    assert isinstance(trainer, Seat)
    assert d.join(role="trainer", key="wrong") == (Refusal(ErrorCode.UNAUTHORISED), None)
    console, second = d.join(role="trainer", key=KEY)
    assert console is trainer and second != first
    assert first is not None and second is not None
    assert d.seats.by_token(first) is trainer and d.seats.by_token(second) is trainer


def test_one_host_and_a_full_room() -> None:
    d = Driver()
    assert isinstance(d.join(role="host", name="Bu Sari")[0], Seat)
    assert d.join(role="host", name="Bu Lain") == (Refusal(ErrorCode.HOST_TAKEN), None)
    for name in ("A", "B", "C"):
        assert isinstance(d.join(name=name)[0], Seat)
    assert d.join(name="D") == (Refusal(ErrorCode.ROOM_FULL, LIMIT), None)


def test_a_name_waits_only_while_a_trainer_console_is_open() -> None:
    d = Driver()
    ani, _ = d.join(name="Ani")
    assert isinstance(ani, Seat)
    again, _ = d.join(name="ani")  # no trainer: a new seat, named apart
    assert isinstance(again, Seat) and again.actor == "ani"
    trainer, _ = d.join(role="trainer", key=KEY)
    assert isinstance(trainer, Seat)
    trainer.online = 1
    waiting, token = d.join(name="ANI")
    assert isinstance(waiting, Rejoin) and token is None
    assert waiting.seat == ani.id and d.seating.is_waiting(waiting.request)
    rows = d.seating.waiting_message().waiting
    assert [(r.request, r.name, r.seat) for r in rows] == [(waiting.request, "ANI", ani.id)]


def test_the_trainer_gives_the_seat_back_or_a_new_one() -> None:
    d = Driver()
    ani, old = d.join(name="Ani", role="host")
    trainer, _ = d.join(role="trainer", key=KEY)
    assert isinstance(ani, Seat) and isinstance(trainer, Seat) and old is not None
    trainer.online, ani.online = 1, 2
    first, _ = d.join(name="Ani", role="host")
    second, _ = d.join(name="Ani", role="host")
    assert isinstance(first, Rejoin) and isinstance(second, Rejoin)
    assert first.request != second.request
    assert d.seating.answer("j99", True) is None
    taken = d.seating.answer(first.request, give_seat=True)
    assert taken == TakeBack(first, ani)
    d.give(ani, replace=True)
    assert d.seats.by_token(old) is None and ani.online == 0
    # No seat back: the waiting hello is seated as any other (here: the host is taken).
    refused = d.seating.answer(second.request, give_seat=False)
    assert refused == second
    assert d.seating.admit(second.hello, d.places()) == Refusal(ErrorCode.HOST_TAKEN)
    assert d.seating.waiting == {}


def test_a_seat_of_another_role_is_not_given_back() -> None:
    d = Driver()
    ani, _ = d.join(name="Ani")
    trainer, _ = d.join(role="trainer", key=KEY)
    assert isinstance(ani, Seat) and isinstance(trainer, Seat)
    trainer.online = 1
    waiting, _ = d.join(name="Ani")
    assert isinstance(waiting, Rejoin)
    d.seats.free(ani.id)
    assert d.seating.answer(waiting.request, give_seat=True) == waiting  # gone: a new seat


def test_a_withdrawn_request_is_no_longer_waiting() -> None:
    d = Driver()
    d.join(name="Ani")
    trainer, _ = d.join(role="trainer", key=KEY)
    assert isinstance(trainer, Seat)
    trainer.online = 1
    waiting, _ = d.join(name="Ani")
    assert isinstance(waiting, Rejoin)
    assert d.seating.withdraw(waiting.request)
    assert not d.seating.withdraw(waiting.request)
    assert d.seating.answer(waiting.request, give_seat=True) is None


def test_a_freed_moderators_actor_is_not_given_again() -> None:
    d = Driver()
    ani, _ = d.join(name="Ani")
    assert isinstance(ani, Seat)
    d.seats.free(ani.id)
    again, _ = d.join(name="Ani")
    assert isinstance(again, Seat) and again.actor == "Ani-2"


class SeatingStates(RuleBasedStateMachine):
    """The model: every token given out, and which seat it should open (None: none)."""

    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.d = Driver()
        self.opens: dict[str, str | None] = {}

    def _given(self, seat: Seat, token: str | None) -> str:
        assert token is not None
        self.opens.setdefault(token, seat.id)
        return token

    @rule(target=tokens, role=st.sampled_from(list(Role)),
          name=st.sampled_from(["Ani", "ani", "Budi", "Bu Sari"]),
          key=st.sampled_from([KEY, "salah", None]))
    def join(self, role: Role, name: str, key: str | None) -> str:
        trainer = self.d.seats.trainer()
        named = self.d.seats.named(name, role)
        had_host = self.d.seats.host() is not None
        before = len(self.d.seats)
        whom, token = self.d.join(role=role, name=name, key=key)
        if isinstance(whom, Rejoin):
            assert named is not None and trainer is not None and trainer.online > 0
            assert whom.seat == named.id and self.d.seating.is_waiting(whom.request)
            return "-"
        if isinstance(whom, Refusal):
            assert len(self.d.seats) == before
            assert whom.code in {ErrorCode.UNAUTHORISED, ErrorCode.HOST_TAKEN,
                                 ErrorCode.ROOM_FULL}
            if whom.code is ErrorCode.UNAUTHORISED:
                assert role is Role.TRAINER and key != KEY
            if whom.code is ErrorCode.HOST_TAKEN:
                assert had_host
            return "-"
        if role is Role.TRAINER and trainer is not None:
            assert whom is trainer and len(self.d.seats) == before
        return self._given(whom, token)

    @rule(token=tokens, lang=st.sampled_from(["id", "en"]))
    def resume(self, token: str, lang: str) -> None:
        whom, again = self.d.join(token=token, lang=lang)
        expected = self.opens.get(token)
        if expected is None:
            assert whom == Refusal(ErrorCode.BAD_TOKEN)
        else:
            assert isinstance(whom, Seat) and whom.id == expected and again == token
            assert whom.lang == lang

    @rule(token=tokens, up=st.booleans())
    def console(self, token: str, up: bool) -> None:
        """A connection of the seat of ``token`` opens or closes."""
        seat = self.d.seats.get(self.opens.get(token) or "")
        if seat is not None:
            seat.online = max(0, seat.online + (1 if up else -1))

    @rule(target=tokens, data=st.data(), give_seat=st.booleans())
    def answer(self, data: st.DataObject, give_seat: bool) -> str:
        if not self.d.seating.waiting:
            return "-"
        request = data.draw(st.sampled_from(sorted(self.d.seating.waiting)))
        rejoin = self.d.seating.waiting[request]
        old = self.d.seats.get(rejoin.seat)
        answer = self.d.seating.answer(request, give_seat)
        assert not self.d.seating.is_waiting(request)
        if isinstance(answer, TakeBack):
            assert give_seat and old is answer.seat and old.role is rejoin.hello.role
            for token, seat_id in self.opens.items():
                if seat_id == old.id:
                    self.opens[token] = None  # replaced
            token = self.d.give(old, replace=True)
            assert old.online == 0
            return self._given(old, token)
        assert answer == rejoin
        assert not (give_seat and old is not None and old.role is rejoin.hello.role)
        admission = self.d.seating.admit(rejoin.hello, self.d.places())
        if isinstance(admission, Refusal):
            return "-"
        seat, token = self.d.seat_new(admission)
        return self._given(seat, token)

    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        if self.d.seating.waiting:
            request = data.draw(st.sampled_from(sorted(self.d.seating.waiting)))
            assert self.d.seating.withdraw(request)
            assert not self.d.seating.withdraw(request)

    @rule(token=tokens)
    def free(self, token: str) -> None:
        seat_id = self.opens.get(token)
        if seat_id is not None and seat_id in self.d.seats:
            seat = self.d.seats.free(seat_id)
            for other, opens in self.opens.items():
                if opens == seat.id:
                    self.opens[other] = None

    @invariant()
    def one_host_and_one_trainer_seat(self) -> None:
        roles = [s.role for s in self.d.seats]
        assert roles.count(Role.HOST) <= 1 and roles.count(Role.TRAINER) <= 1

    @invariant()
    def every_token_opens_what_the_model_says(self) -> None:
        for token, seat_id in self.opens.items():
            seat = self.d.seats.by_token(token)
            assert (None if seat is None else seat.id) == seat_id, token
            if seat is not None and seat.role is not Role.TRAINER:
                assert seat.token_hash == hash_token(token)  # a participant's one token

    @invariant()
    def moderators_act_as_themselves(self) -> None:
        actors = [s.actor for s in self.d.seats if s.role is Role.MODERATOR]
        assert len(actors) == len(set(actors)) <= LIMIT
        assert not set(actors) & self.d.seats.retired

    @invariant()
    def the_waiting_list_is_keyed_by_request(self) -> None:
        for request, rejoin in self.d.seating.waiting.items():
            assert rejoin.request == request
            assert [r.request for r in self.d.seating.waiting_message().waiting] == \
                list(self.d.seating.waiting)


SeatingStates.TestCase.settings = settings(max_examples=150, stateful_step_count=30,
                                           deadline=None)
test_seating_states = SeatingStates.TestCase
