"""Events and actions have one stable JSON form that round-trips."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable

import pytest

from moderation import actions as a, events as e
from moderation.values import _REGISTRY, Value, fields, from_json, replace, to_json
from scenarios.taxonomy import InjectKind, Persona, ReportReason

SAMPLES: list[a.Action | e.Event] = [
    a.Mute(t=1, viewer="v1", duration=30, comment="c1"),
    a.Mute(t=1, actor="mod1", viewer="v1"),
    a.Unmute(t=2, viewer="v1"),
    a.Block(t=3, viewer="v2"),
    a.Unblock(t=3, viewer="v2"),
    a.Delete(t=4, comment="c9"),
    a.Report(t=5, comment="c9", reason=ReportReason.SCAM),
    a.Pin(t=6, comment="c1"),
    a.Unpin(t=7),
    a.SetComments(t=8, enabled=False),
    a.AddKeyword(t=9, keyword="gacor"),
    a.RemoveKeyword(t=9, keyword="gacor"),
    a.AcceptGuest(t=10, request="r1"),
    a.DeclineGuest(t=10, request="r2"),
    a.RemoveGuest(t=11, viewer="v3"),
    a.AddModerator(t=12, name="Sari", permissions=(a.Permission.PIN,)),
    a.RemoveModerator(t=12, name="Sari"),
    a.Answer(t=13, comment="c1", text="BCG umur 1 bulan 🙏"),
    a.Thank(t=14, target="g1"),
    a.Welcome(t=15, viewer="v4"),
    a.Talk(t=16, duration=3000),
    a.Inject(t=17, actor="trainer", kind=InjectKind.TROLL_RAID, count=9),
    a.Undo(t=18),
    e.AudienceChanged(0, (e.Viewer("v1", "bunda_rara", Persona.YOUNG_MOTHER),), ("v2",), 7),
    e.CommentPosted(5, "c1", "v1", "bunda_rara", "halo kak", "hi-1", (("place", "X"),),
                    e.Hidden.FILTER),
    e.Tapped(6, "v1", "bunda_rara", 12),
    e.GiftSent(7, "g1", "v1", "bunda_rara", "mawar", 5, 5),
    e.Followed(8, "v1", "bunda_rara"),
    e.Shared(8, "v1", "bunda_rara"),
    e.GuestRequested(9, "r1", "v1", "bunda_rara", True),
    e.OfficialJoined(9, "v9", "bidan.desa", Persona.MIDWIFE),
    e.NetworkDropped(10, 5000),
    e.InjectFired(11, InjectKind.GIFT_STORM, "trainer"),
    e.CommentsHidden(12, ("c1", "c2"), "muted", "host"),
    e.ActionApplied(13, a.Block(t=13, viewer="v2")),
    e.Undone(13, a.Pin(t=12, comment="c1"), "c0"),
    e.ActionRejected(14, a.Block(t=14, viewer="v2"), e.RejectCode.ALREADY_BLOCKED),
    e.SessionEnded(15),
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: v.type)
def test_round_trip_through_json_text(value: a.Action | e.Event) -> None:
    """to_json → JSON text → from_json gives an equal value."""
    data = json.loads(json.dumps(to_json(value)))
    assert from_json(data) == value


def test_every_registered_type_is_sampled() -> None:
    sampled = {v.type for v in SAMPLES} | {"viewer"}
    assert set(_REGISTRY) == sampled


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: v.type)
def test_values_are_immutable(value: a.Action | e.Event) -> None:
    with pytest.raises(AttributeError):
        value.t = 99  # type: ignore[misc]  # read-only, as tested
    with pytest.raises(AttributeError):
        value.extra = 1  # type: ignore[union-attr]  # no instance dict to add to


def test_equal_fields_of_different_kinds_are_not_equal() -> None:
    assert e.Followed(8, "v1", "h") != e.Shared(8, "v1", "h")
    assert e.Followed(8, "v1", "h") == e.Followed(8, "v1", "h")
    assert hash(e.Followed(8, "v1", "h")) == hash(e.Followed(8, "v1", "h"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "nope"}, "unknown type"),
        ({"t": 1}, "unknown type"),
        ({"type": "delete", "t": 1}, "missing field 'comment'"),
        ({"type": "delete", "t": "1", "comment": "c1"}, "delete.t"),
        ({"type": "delete", "t": True, "comment": "c1"}, "delete.t"),
        ({"type": "delete", "t": 1, "comment": "c1", "extra": 2}, "unknown fields"),
        ({"type": "report", "t": 1, "comment": "c1", "reason": "ugly"}, "report.reason"),
        ({"type": "mute", "t": 1, "viewer": "v", "duration": "forever"}, "mute.duration"),
        ({"type": "comments", "t": 1, "enabled": "yes"}, "comments.enabled"),
    ],
)
def test_bad_json_is_a_clear_value_error(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_json(data)


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: v.type)
def test_constructor_takes_the_declared_fields(value: a.Action | e.Event) -> None:
    """value() generates the constructor; it must take the fields as declared."""
    cls: Callable[..., Value] = type(value)  # the constructor value() generates
    names = fields(value)
    by_name = {n: getattr(value, n) for n in names}
    assert tuple(by_name.values()) == tuple(value)
    assert cls(**by_name) == value
    keyword_only = isinstance(value, a.Action)
    if keyword_only:  # actions take keywords only
        with pytest.raises(TypeError):
            cls(*by_name.values())
    else:
        assert cls(*by_name.values()) == value
    defaults = type(value)._defaults
    required = next(n for n in names if n not in defaults)
    with pytest.raises(TypeError, match=required):
        cls(**{k: v for k, v in by_name.items() if k != required})
    with pytest.raises(TypeError):
        cls(**by_name, unknown=1)
    built = cls(**{k: v for k, v in by_name.items() if k not in defaults})
    assert all(getattr(built, k) == d for k, d in defaults.items())
    later = replace(value, t=value.t + 1)
    assert later.t == value.t + 1 and later != value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value
    assert repr(value).startswith(f"{cls.__name__}(t=")
