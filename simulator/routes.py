"""Where the app can go: one typed route per screen, the stack's only vocabulary.

A screen module registers its class for its route (``@register(Live)``,
:mod:`simulator.screen`), and code that navigates builds a route —
``app.push(Pause(live=self))``, ``app.replace(Home())`` — so mypy checks every
screen's parameters where it is asked for, and the stack still never imports a
screen module (Tuxemon's state stack, ``tuxemon/state.py``). The screens' classes
appear here only for the type checker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from debrief.quiz import QuizResult
    from debrief.session import Loaded
    from moderation.engine import Session
    from moderation.scorecard import Scorecard
    from simulator.drill import DrillLink
    from simulator.model import LiveModel
    from simulator.screens.live import DeskScreen, LiveScreen
    from simulator.tabs import Tab

__all__ = ["ConfirmEnd", "Debrief", "Drill", "DrillJoin", "Help", "Home", "Live", "Pause",
           "Playback", "Preflight", "Quiz", "Route"]


@dataclass(frozen=True, slots=True)
class Home:
    """The home screen: name, language, scenarios."""


@dataclass(frozen=True, slots=True)
class Preflight:
    """The pre-flight check before a live of ``scenario_id`` (an id or a file)."""

    scenario_id: str


@dataclass(frozen=True, slots=True)
class Live:
    """A live rehearsal of ``scenario_id``: a fresh seed unless ``seed`` fixes it, or the
    session ``model`` built by the caller (the benchmark's, a replay's)."""

    scenario_id: str
    seed: int | None = None
    model: LiveModel | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    """Pause over a rehearsal's ``live`` screen (its clock stops)."""

    live: LiveScreen


@dataclass(frozen=True, slots=True)
class ConfirmEnd:
    """"End the live now?" over a rehearsal's ``live`` screen."""

    live: LiveScreen


@dataclass(frozen=True, slots=True)
class Help:
    """F1: the shortcuts of the host's ``live`` screen."""

    live: DeskScreen


@dataclass(frozen=True, slots=True)
class Debrief:
    """The result of a live; ``again`` replaces "try again" (a replay watches again)."""

    model: LiveModel
    card: Scorecard | None = None
    ref: str | None = None
    again: Callable[[], None] | None = None
    again_label: str | None = None


@dataclass(frozen=True, slots=True)
class Quiz:
    """The questions after a live; ``on_result`` hears the result."""

    session: Session
    card: Scorecard
    count: int = 4
    on_result: Callable[[QuizResult], None] | None = None


@dataclass(frozen=True, slots=True)
class Playback:
    """A saved session played back from ``start_ms``."""

    loaded: Loaded
    speed: float = 1.0
    start_ms: int = 0
    paused: bool = False
    tab: Tab | None = None


@dataclass(frozen=True, slots=True)
class Drill:
    """The host's seat in drill room ``code`` at ``address`` (``ws://HOST:PORT``)."""

    address: str
    code: str
    host_name: str | None = None
    link: DrillLink | None = None


@dataclass(frozen=True, slots=True)
class DrillJoin:
    """"Gabung gladi kelompok": the drill server's address and the room code."""


#: Every place the app can go.
Route = (Home | Preflight | Live | Pause | ConfirmEnd | Help | Debrief | Quiz | Playback | Drill
         | DrillJoin)
