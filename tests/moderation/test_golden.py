"""Golden session files: what a session produces, pinned byte for byte.

tests/golden/ holds one session file per built-in scenario, written by
tools/make_golden.py (seed 1, the ``good`` autopilot; three lives stopped early so
that no file passes 300 KB). For every file:

- replaying its inputs on a fresh engine gives back the same file (every event
  and the scorecard), byte for byte, as ``gladi report`` and ``gladi replay``
  rely on;
- playing its run again, from the built-in scenario and the autopilot, writes
  the same file.

When a test here fails, what a session produces has changed. If nobody meant
that, it is a bug (lost determinism, a changed JSON form, a changed session-file
format): fix the code, not the files. If it is on purpose (a change to the
engine, the audience, the autopilots, the judge, a built-in scenario or its
content), regenerate the files deliberately and commit them with that change,
after reading what moved in ``git diff --stat tests/golden``::

    uv run python tools/make_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gladi.cli import main
from moderation.engine import Session
from moderation.sessionfile import (
    SessionFileError,
    SessionRecord,
    check_replay,
    document,
    dumps,
    parse,
    replay,
    scorecard_of,
)
from moderation.values import to_json
from scenarios import builtin_scenario_ids, load_content
from tools.make_golden import GOLDEN_DIR, GOLDEN_RUNS, GoldenRun, golden_text

MAX_BYTES = 300_000
REGENERATE = "if this change is on purpose: uv run python tools/make_golden.py"


def first_difference(got: str, want: str) -> str:
    """Where two long texts part, with a little context (pytest's diff of 300 KB is no use)."""
    at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
              min(len(got), len(want)))
    return (f"differs at character {at} of {len(want)}:\n"
            f"  got  …{got[max(0, at - 80):at + 80]!r}\n"
            f"  want …{want[max(0, at - 80):at + 80]!r}")


def same_text(got: str, want: str) -> None:
    """Fail with where ``got`` departs from the golden ``want``."""
    if got != want:
        pytest.fail(f"{first_difference(got, want)}\n{REGENERATE}")


def replayed(rec: SessionRecord) -> Session:
    """Replay ``rec``; when the content packs changed, fail with what to do."""
    try:
        return replay(rec, load_content(rec.scenario))
    except SessionFileError as error:
        raise pytest.fail.Exception(f"{error}\n{REGENERATE}") from None


def test_first_difference_points_at_the_change() -> None:
    assert first_difference("abcdef", "abXdef").startswith("differs at character 2 of 6")
    assert first_difference("abc", "abcd").startswith("differs at character 3 of 4")


def test_there_is_one_golden_file_per_builtin_scenario() -> None:
    assert sorted(g.scenario for g in GOLDEN_RUNS) == sorted(builtin_scenario_ids())
    assert sorted(GOLDEN_DIR.glob("*.json")) == sorted(g.path for g in GOLDEN_RUNS)


@pytest.mark.parametrize("golden", GOLDEN_RUNS, ids=lambda g: g.scenario)
def test_golden_file_is_small(golden: GoldenRun) -> None:
    assert golden.path.stat().st_size < MAX_BYTES, "stop this run earlier (GoldenRun.stop_s)"


@pytest.mark.parametrize("golden", GOLDEN_RUNS, ids=lambda g: g.scenario)
def test_golden_file_replays_byte_for_byte(golden: GoldenRun) -> None:
    text = golden.path.read_text(encoding="utf-8")
    rec = parse(text)
    session = replayed(rec)

    mismatch = check_replay(rec, session)
    if mismatch is not None:
        event = [to_json(e) for e in session.events[mismatch:mismatch + 1]]
        pytest.fail(f"event {mismatch} differs:\n  replayed {event}\n"
                    f"  recorded {list(rec.events[mismatch:mismatch + 1])}\n{REGENERATE}")
    again = document(session, **rec.meta)
    again["scorecard"] = scorecard_of(session).to_json()
    same_text(dumps(again), text)


@pytest.mark.parametrize("golden", GOLDEN_RUNS, ids=lambda g: g.scenario)
def test_simulating_again_writes_the_same_file(golden: GoldenRun) -> None:
    text = golden.path.read_text(encoding="utf-8")
    same_text(golden_text(golden), text)


def test_a_golden_file_is_what_gladi_simulate_writes(tmp_path: Path) -> None:
    """The same run from the command line differs only by the time it was recorded."""
    [golden] = [g for g in GOLDEN_RUNS if g.scenario == "live-pertama"]
    assert golden.stop_s is None
    out = tmp_path / "sesi.json"
    assert main(["simulate", "--scenario", golden.scenario, "--seed", str(golden.seed),
                 "--autopilot", golden.autopilot, "--out", str(out), "--no-history"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"].pop("recorded_at")
    same_text(dumps(data), golden.path.read_text(encoding="utf-8"))
