"""The on-screen stream: window, time-out and hiding."""

from moderation.stream import Stream


def test_window_pushes_oldest_out() -> None:
    s = Stream(window=2, max_ms=60_000)
    s.post("a", 0, harmful=True)
    s.post("b", 100, harmful=False)
    s.post("c", 200, harmful=False)
    assert s.on_screen() == ["b", "c"]
    assert s.ended["a"] == 200
    assert s.harmful_on_screen == 0


def test_quiet_chat_times_out() -> None:
    s = Stream(window=10, max_ms=1000)
    s.post("a", 0, harmful=True)
    s.expire(999)
    assert "a" in s
    s.expire(1000)
    assert "a" not in s and s.ended["a"] == 1000


def test_hide_frees_a_slot_and_records_the_time() -> None:
    s = Stream(window=2, max_ms=60_000)
    s.post("a", 0, harmful=True)
    s.post("b", 10, harmful=False)
    assert s.harmful_on_screen == 1
    assert s.hide("a", 50)
    assert not s.hide("a", 60)
    s.post("c", 70, harmful=False)
    assert s.on_screen() == ["b", "c"]
    assert s.ended == {"a": 50}
