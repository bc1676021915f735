"""Gladi: an offline dress-rehearsal room for TikTok LIVE.

This package is the command line only (``gladi.cli``, one ``cmd_*`` module per
subcommand); it sits at the top of the stack and nothing imports it. The
packages below it, bottom to top: ``i18n``, ``scenarios``, ``moderation``,
``media``, ``debrief``, then ``simulator`` (the desktop app) and ``server`` (the
drill server). README, "How it is built", has the table.
"""

__version__ = "0.1.0"
