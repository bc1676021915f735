"""A session's set-up: the scenario, its content and the economy, loaded together.

Every front end starts a session the same way (``gladi simulate``, the desktop
app, the drill server, the benchmarks): it names a scenario (a built-in id or a
file), and gets back everything :class:`~moderation.engine.Session` needs. A
scenario that cannot be used raises :class:`scenarios.ScenarioError` with all
its problems; the caller puts them into words (``debrief.scenario_text``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scenarios import load_content, load_economy, load_scenario
from scenarios.schema import Economy, Scenario

from .content import ContentIndex
from .engine import Session

__all__ = ["DEFAULT_SCENARIO", "SessionSetup", "load_setup"]

#: The scenario a command uses when none is named: the gentlest first live.
DEFAULT_SCENARIO = "live-pertama"


@dataclass(frozen=True, slots=True)
class SessionSetup:
    """What a session is built from, apart from its seed."""

    scenario: Scenario
    content: ContentIndex
    economy: Economy

    def start(self, seed: int) -> Session:
        """A new session of this set-up, its randomness seeded by ``seed``."""
        return Session(self.scenario, self.content, self.economy, seed)


def load_setup(ref: str | Path | None = None) -> SessionSetup:
    """Load the scenario ``ref`` (default :data:`DEFAULT_SCENARIO`) with its content.

    Raises :class:`scenarios.ScenarioError` naming every problem of the
    scenario, its content packs or the economy.
    """
    scenario = load_scenario(DEFAULT_SCENARIO if ref is None else ref)
    packs = load_content(scenario)
    return SessionSetup(scenario, ContentIndex(packs, scenario.topic), load_economy())
