"""The session file replays to the identical log; bad files get clear errors."""

from __future__ import annotations

import json

import pytest

from moderation import actions as a
from moderation.autopilot import make_autopilot, run
from moderation.sessionfile import (
    SessionFileError,
    check_replay,
    document,
    dumps,
    parse,
    replay,
    scorecard_of,
)
from tests.factories import pack, session


def played(kind: str = "good", seed: int = 5) -> str:
    s = session(seed, injects=[{"at_s": 20, "kind": "official_joins", "role": "midwife"}])
    run(s, make_autopilot(kind, s))
    return dumps(document(s, trainee="Sari", autopilot=kind))


@pytest.mark.parametrize("kind", ["good", "random", "perfect"])
def test_replay_reproduces_every_event_and_the_score(kind: str) -> None:
    text = played(kind)
    rec = parse(text)
    again = replay(rec, [pack()])
    assert check_replay(rec, again) is None
    assert dumps(document(again, trainee="Sari", autopilot=kind)) == text
    assert scorecard_of(again) == scorecard_of(replay(rec, [pack()]))
    assert rec.meta == {"trainee": "Sari", "autopilot": kind}


def test_a_session_stopped_early_replays_too() -> None:
    s = session(9)
    s.advance(30_000)
    s.apply(a.Talk(t=30_000))
    s.end(45_500)
    text = dumps(document(s))
    rec = parse(text)
    assert rec.end_t == 45_500
    assert check_replay(rec, replay(rec, [pack()])) is None


def test_a_tampered_log_is_detected() -> None:
    data = json.loads(played())
    data["events"][3]["t"] += 1
    rec = parse(json.dumps(data))
    assert check_replay(rec, replay(rec, [pack()])) == 3


def test_changed_content_refuses_to_replay() -> None:
    data = json.loads(played())
    data["content_digest"] = "0" * 64
    with pytest.raises(SessionFileError, match="content changed"):
        replay(parse(json.dumps(data)), [pack()])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "{not json", "not JSON"),
        (lambda d: json.dumps([1, 2]), "not a Gladi session"),
        (lambda d: json.dumps({**d, "version": 99}), "newer"),
        (lambda d: json.dumps({k: v for k, v in d.items() if k != "seed"}), "missing field"),
        (lambda d: json.dumps({**d, "seed": "x"}), "whole numbers"),
        (lambda d: json.dumps({**d, "inputs": [{"type": "boom"}]}), "unknown type"),
        (lambda d: json.dumps({**d, "scenario": {"id": "x"}}), "validation error"),
    ],
)
def test_bad_files_raise_a_clear_error(mutate: object, message: str) -> None:
    data = json.loads(played())
    with pytest.raises(SessionFileError, match=message):
        parse(mutate(data))  # type: ignore[operator]
