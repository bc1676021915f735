"""Gladi: an offline dress-rehearsal room for TikTok LIVE.

This package holds the pieces every front end shares: the command line and the
translation layer. The simulation core lives in :mod:`scenarios`,
:mod:`moderation` and :mod:`simulator`.
"""

__version__ = "0.1.0"
