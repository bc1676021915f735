"""Write tests/golden/: one session file per built-in scenario, the engine's output pinned.

Each file is what ``gladi simulate --scenario ID --seed 1 --autopilot good --out
FILE`` writes, without the time it was recorded (so that the same run gives the
same bytes); the lives the table below stops early end as if the host stopped
them, to keep each file under 300 KB. tests/moderation/test_golden.py replays every
file and simulates every run again, and fails when either differs by a byte.

Regenerate only on purpose: after a change meant to alter what a session
produces (the engine, the audience, the autopilots, the judge, a built-in
scenario or content pack), then read ``git diff --stat tests/golden`` and commit
the files with the change that explains them::

    uv run python tools/make_golden.py          # rewrite every golden file
    uv run python tools/make_golden.py --check  # exit 1 if a file is out of date
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "golden"

# Run from a checkout without installing: make the project's packages importable.
sys.path.insert(0, str(ROOT))

from moderation.autopilot import Autopilot, make_autopilot, run  # noqa: E402
from moderation.engine import TICK_MS, Session  # noqa: E402
from moderation.sessionfile import document, dumps, scorecard_of  # noqa: E402
from moderation.setup import load_setup  # noqa: E402


@dataclass(frozen=True, slots=True)
class GoldenRun:
    """One golden session: a built-in scenario played by an autopilot."""

    scenario: str
    #: What the scenario stands for among the built-in ones (for the reader).
    family: str
    #: Stop the live here (seconds) rather than at the scenario's end, to keep the file small.
    stop_s: int | None = None
    seed: int = 1
    autopilot: str = "good"

    @property
    def path(self) -> Path:
        return GOLDEN_DIR / f"{self.scenario}.json"


#: Every built-in scenario (a test checks the list against ``gladi scenario list``).
GOLDEN_RUNS: tuple[GoldenRun, ...] = (
    GoldenRun("live-pertama", "easy: scripted first live"),
    GoldenRun("posyandu-lansia", "easy: the elderly"),
    GoldenRun("posyandu-remaja", "medium: teenagers"),
    GoldenRun("kelas-ibu-hamil", "medium: pregnancy class"),
    GoldenRun("asi-mpasi", "medium: food myths"),
    GoldenRun("timbang-bulanan", "medium: weighing day"),
    GoldenRun("tanya-imunisasi", "medium: questions and answers"),
    GoldenRun("tamu-resmi", "medium: officials and gifts"),
    # Both troll raids and the guest request, not the closing gift storm.
    GoldenRun("live-jualan", "medium: live selling", stop_s=480),
    # The first two raids whole, most of the third; not the closing question wave.
    GoldenRun("serbuan-troll", "hard: troll raid", stop_s=330),
    # Both hoax waves, the raid and the network drop; not the closing question wave.
    GoldenRun("krisis-hoaks-vaksin", "hard: hoax crisis", stop_s=420),
)


def play_until(session: Session, pilot: Autopilot, stop_ms: int) -> None:
    """Play like :func:`moderation.autopilot.run`, then end the live at ``stop_ms``."""
    while session.now < stop_ms:
        now = session.now
        step_end = min(now + TICK_MS, stop_ms)
        due = pilot.next_due()
        if due is None or due > step_end:
            pilot.observe(session.advance(step_end))
            continue
        for action in pilot.pop_due(max(due, now)):
            pilot.observe(session.apply(action).events)
    session.end(stop_ms)


def golden_text(golden: GoldenRun) -> str:
    """The session file of ``golden``, as ``gladi simulate --out`` writes it."""
    session = load_setup(golden.scenario).start(golden.seed)
    pilot = make_autopilot(golden.autopilot, session)
    if golden.stop_s is None:
        run(session, pilot)
    else:
        play_until(session, pilot, golden.stop_s * 1000)
    data = document(session, trainee=None, autopilot=golden.autopilot)
    data["scorecard"] = scorecard_of(session).to_json()
    return dumps(data)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) every golden file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for golden in GOLDEN_RUNS:
        text = golden_text(golden)
        current = golden.path.read_text(encoding="utf-8") if golden.path.exists() else None
        if text == current:
            print(f"{golden.path.name}: unchanged ({len(text.encode()):,} bytes)")
        elif args.check:
            stale.append(golden.path.name)
            print(f"{golden.path.name}: out of date")
        else:
            golden.path.write_text(text, encoding="utf-8", newline="\n")
            print(f"{golden.path.name}: written ({len(text.encode()):,} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
