"""The Gladi desktop rehearsal app (pygame-ce); docs/desktop.md describes it.

Inside the package, imports run one way, from the bottom:

* pieces without a window: :mod:`.clock`, :mod:`.display`, :mod:`.storage`,
  :mod:`.model` (what the trainee sees of the live session), :mod:`.feeds`
  (camera and microphone on their threads);
* drawing and input: :mod:`.theme`, :mod:`.fonts`, :mod:`.widgets`,
  :mod:`.intents` (the one key table);
* the stack: :mod:`.screen` (the screen hooks and the registry of screens by
  name) and :mod:`.app` (the window and the main loop), which never imports a
  screen;
* the live screen's moderation panel: :mod:`.panel` and its tabs, :mod:`.tabs`;
* :mod:`.screens`: the screens, registered by name when the package is imported;
* :mod:`.bench`, the headless frame-time benchmark, which starts the app.

The engine is driven in real time from the app layer; the engine itself never
reads the clock.
"""
