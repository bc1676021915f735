"""Seats learn nothing before the debrief: everything a seat receives during a live,
with every kind of inject, holds no ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from protocol.inbound import InjectMsg
from scenarios.taxonomy import InjectKind

from .harness import KEY, Harness

#: Keys that would carry the answer key (or a verdict) to a seat.
SECRET_KEYS = frozenset({"troll", "template", "templates", "truth", "slots", "category",
                         "acceptable", "explanation", "harmful", "severity", "translation_en",
                         "points", "hits", "false_alarms", "seat_hits", "outcome", "injects"})
PUBLIC_PERSONAS = frozenset({"lurker", "midwife", "village_head"})


def _walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)


def _leaks(messages: list[dict[str, Any]], template_ids: set[str]) -> list[str]:
    found = []
    for message in messages:
        for key, value in _walk(message):
            if key in SECRET_KEYS:
                found.append(f"{message['type']}: key {key!r}")
            if key == "type" and value in ("injected", "rejected", "inject"):
                found.append(f"{message['type']}: {value!r}")
            if key == "persona" and value not in PUBLIC_PERSONAS:
                found.append(f"persona {value!r}")
            if isinstance(value, str) and value in template_ids:
                found.append(f"{message['type']}: template id {value!r} under {key!r}")
    return found


def test_no_seat_receives_ground_truth_during_a_live() -> None:
    h = Harness()
    trainer = h.join("tr", role="trainer", key=KEY)
    host = h.join("host", role="host", name="Bu Sari")
    mod = h.join("mod", name="Ani")
    h.join("obs", role="observer", name="Citra")
    h.control(trainer, "start")
    injects = [InjectMsg(v=1, type="inject", kind=kind, count=4, over_s=3)
               for kind in InjectKind if kind is not InjectKind.OFFICIAL_JOINS]
    injects += [InjectMsg(v=1, type="inject", kind=InjectKind.OFFICIAL_JOINS, role=role)
                for role in ("midwife", "village_head")]
    injects.append(InjectMsg(v=1, type="inject", kind=InjectKind.GUEST_REQUEST, troll=True))
    for inject in injects:
        assert h.send(trainer, inject, "tr")[-1]["accepted"]
        h.run(2_500)
        _moderate(h, host, mod)
    # Seats coming back mid-live get a snapshot and a replay of what they missed.
    for conn in ("host", "mod", "obs"):
        h.try_join(conn, token=h.got[conn][0]["token"], last_seq=0)
    h.run(2_500)

    template_ids = set(h.room.content.by_id)
    for seat in ("host", "mod", "obs"):
        view = "observer" if seat == "obs" else "staff"
        seat_id = h.got[seat][0]["seat"]
        received = h.got[seat] + h.got["view:" + view] + h.got.get("seat:" + seat_id, [])
        assert len(received) > 100
        assert _leaks(received, template_ids) == [], seat
    # The trainer does get all of it: the test looks where the secrets are.
    trainer_leaks = _leaks(h.got["tr"] + h.got["view:trainer"], template_ids)
    for secret in ("key 'troll'", "'injected'", "key 'template'", "key 'points'"):
        assert any(secret in leak for leak in trainer_leaks), secret


def _moderate(h: Harness, host: Any, mod: Any) -> None:
    """A few actions on what is on screen, some of them refused."""
    screen = h.room.session.room.stream.on_screen()
    if not screen:
        return
    comment = h.room.session.room.comments[screen[-1]]
    h.act(mod, "mod", type="delete", comment=comment.id)
    h.act(mod, "mod", type="delete", comment=comment.id)  # refused: already gone
    h.act(mod, "mod", type="mute", viewer=comment.viewer, duration=5)
    h.act(host, "host", type="answer", comment=screen[0])
    h.act(host, "host", type="report", comment=comment.id, reason="spam")
