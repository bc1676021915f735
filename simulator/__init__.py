"""The Gladi desktop rehearsal app (pygame-ce).

A thin main loop (:mod:`.app`) over a stack of screens (home, pre-flight,
live with its moderation panel, pause, debrief). The engine is driven in real
time from the app layer; the engine itself never reads the clock. Modules
without ``pygame`` in their imports (:mod:`.display`, :mod:`.storage`,
:mod:`.clock`, :mod:`.model`) hold the logic the screens draw.
"""
