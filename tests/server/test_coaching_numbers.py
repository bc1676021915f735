"""The host's camera and voice warnings write their numbers the reader's way: "puncak -2,6
dBFS" in Indonesian, "peak -2.6 dBFS" in English, live (``media.state``) and in the debrief
(``debrief.coaching``), as every check hint does (media.text)."""

from __future__ import annotations

import pytest

from media.results import Level
from server.coaching_log import CoachingLog
from server.journal import CoachRec
from server.video.coaching import CoachingWarning
from server.video.signalling import coaching_out


@pytest.mark.parametrize(("lang", "peak", "percent"), [("id", "-2,6", "12,5"),
                                                       ("en", "-2.6", "12.5")])
def test_warnings_write_numbers_the_readers_way(lang: str, peak: str, percent: str) -> None:
    log = CoachingLog()
    log.add(CoachRec(t=1_000, change="raised", check="audio.clipping", level="fail",
                     hint_key="near_clipping", params={"peak": -2.6}, since=900))
    log.add(CoachRec(t=2_000, change="raised", check="exposure.face_clipped", level="warn",
                     hint_key="face_clipped", params={"percent": 12.5}, since=1_900))
    clipped, glare = (line.text for line in log.lines(lang))
    assert f"{peak} dBFS" in clipped and f"{percent}%" in glare
    live = coaching_out(CoachingWarning("audio.clipping", Level.FAIL, "near_clipping",
                                        (("peak", -2.6),), 900), lang)
    assert live.text == clipped and live.params == {"peak": -2.6}  # the data stays a number
