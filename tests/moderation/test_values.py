"""Events and actions have one stable JSON form that round-trips."""

from __future__ import annotations

import json

import pytest

from moderation import actions as a, events as e
from moderation.values import from_json, to_json
from scenarios.taxonomy import InjectKind, Persona, ReportReason

SAMPLES = [
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
    e.ActionRejected(14, a.Block(t=14, viewer="v2"), e.RejectCode.ALREADY_BLOCKED),
    e.SessionEnded(15),
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: v.type)
def test_round_trip_through_json_text(value: object) -> None:
    """to_json → JSON text → from_json gives an equal value."""
    data = json.loads(json.dumps(to_json(value)))  # type: ignore[arg-type]
    assert from_json(data) == value


def test_every_registered_type_is_sampled() -> None:
    from moderation.values import _REGISTRY

    sampled = {v.type for v in SAMPLES} | {"viewer"}  # type: ignore[attr-defined]
    assert set(_REGISTRY) == sampled


def test_values_are_immutable() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        SAMPLES[0].t = 99  # type: ignore[misc]


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
def test_quick_init_builds_what_the_dataclass_would(value: object) -> None:
    """register() swaps in a faster __init__; it must take the same arguments."""
    import dataclasses

    cls = type(value)
    fields = dataclasses.fields(value)  # type: ignore[arg-type]
    by_name = {f.name: getattr(value, f.name) for f in fields}
    assert cls(**by_name) == value
    positional = [by_name[f.name] for f in fields if not f.kw_only]
    keyword = {f.name: by_name[f.name] for f in fields if f.kw_only}
    assert cls(*positional, **keyword) == value
    required = next(f.name for f in fields if f.default is dataclasses.MISSING)
    with pytest.raises(TypeError, match=required):
        cls(**{k: v for k, v in by_name.items() if k != required})
    with pytest.raises(TypeError):
        cls(**by_name, unknown=1)
    if keyword:  # actions take keywords only, as their dataclass declares
        with pytest.raises(TypeError):
            cls(*by_name.values())
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    built = cls(**{k: v for k, v in by_name.items() if k not in defaults})
    assert all(getattr(built, k) == d for k, d in defaults.items())
