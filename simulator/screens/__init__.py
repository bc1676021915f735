"""The app's screens. Importing this package registers every screen by its name.

``simulator.app`` never imports a screen: it builds them by name from the registry in
``simulator.screen``. Whoever starts the app (``gladi rehearse``, ``gladi replay
--watch``, the tests, ``tools/screenshots.py``, ``simulator.bench``) imports this package
once first.

| name | screen |
|---|---|
| ``home`` | :class:`~simulator.screens.home.HomeScreen` |
| ``preflight`` | :class:`~simulator.screens.preflight.PreflightScreen` |
| ``live`` | :class:`~simulator.screens.live.LiveScreen` |
| ``pause``, ``help`` | overlays on the live: :mod:`simulator.screens.live` |
| ``debrief`` | :class:`~simulator.screens.debrief.DebriefScreen` |
| ``quiz`` | :class:`~simulator.screens.quiz.QuizScreen` |
| ``playback`` | :class:`~simulator.screens.playback.PlaybackScreen` |
| ``drill``, ``drill_join`` | hosting a group drill: :mod:`simulator.screens.drill` |
"""

from simulator.screens import debrief, drill, home, live, playback, preflight, quiz

__all__ = ["debrief", "drill", "home", "live", "playback", "preflight", "quiz"]
