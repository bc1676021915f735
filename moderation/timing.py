"""Timing rules shared by the engine (audience mood) and the judge (score)."""

#: Silence from the host longer than this counts as dead air.
DEAD_AIR_GRACE_MS = 10_000
#: A question unanswered for longer than this starts to annoy viewers.
QUESTION_PATIENCE_MS = 30_000
#: How long after a block, pin, report or comments-off its actor may still undo it.
UNDO_MS = 5_000
