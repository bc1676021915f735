"""The app's screens. Importing this package registers every screen for its route.

``simulator.app`` never imports a screen: it builds them from the registry in
``simulator.screen``, by the type of a route of :mod:`simulator.routes`
(``app.push(Pause(live=self))``). Whoever starts the app (``gladi rehearse``, ``gladi replay
--watch``, the tests, ``tools/screenshots.py``, ``simulator.bench``) imports this package
once first.

| route | screen |
|---|---|
| ``Home`` | :class:`~simulator.screens.home.HomeScreen` |
| ``Preflight`` | :class:`~simulator.screens.preflight.PreflightScreen` |
| ``Live`` | :class:`~simulator.screens.live.LiveScreen` (a rehearsal's host desk) |
| ``Pause``, ``ConfirmEnd``, ``Help`` | overlays on the live: :mod:`simulator.screens.live` |
| ``Debrief`` | :class:`~simulator.screens.debrief.DebriefScreen` |
| ``Quiz`` | :class:`~simulator.screens.quiz.QuizScreen` |
| ``Playback`` | :class:`~simulator.screens.playback.PlaybackScreen` |
| ``Drill``, ``DrillJoin`` | hosting a group drill: :mod:`simulator.screens.drill` |
"""

from simulator.screens import debrief, drill, home, live, playback, preflight, quiz

__all__ = ["debrief", "drill", "home", "live", "playback", "preflight", "quiz"]
