"""Adding an action to the closed set: mypy names every dispatcher that lacks it.

The test-only action of :mod:`tests.moderation.extra_action` is spliced into a shadow
copy of ``moderation/actions.py`` (its class, and one more member of ``AnyAction``)
and the project's strict mypy runs over the product packages. Each dispatcher over
actions is exhaustive — a ``match``, or a ``type(x) is`` chain over the final classes
where speed counts, ending in ``assert_never`` (STYLE.md 11) — so each must be named,
and nothing else may break. Giving the room its rule takes the room off the list.
docs/architecture.md walks through the same steps.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import typing
from pathlib import Path

from i18n import translate
from moderation.actions import ACTION_CLASSES, SEAT_ACTIONS, AnyAction

from . import extra_action

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("i18n", "scenarios", "moderation", "media", "debrief", "protocol", "simulator",
           "server", "gladi")
#: Every dispatcher over actions (docs/architecture.md lists them in this order).
DISPATCHERS = frozenset({"moderation/room.py", "moderation/engine.py", "moderation/judge.py",
                         "simulator/screens/playback.py", "simulator/drill.py"})
_NEVER = re.compile(r'^([\w/]+\.py):\d+: error: Argument 1 to "assert_never" has '
                    r'incompatible type "Highlight"')


def _shadow_actions(folder: Path) -> Path:
    source = (ROOT / "moderation" / "actions.py").read_text(encoding="utf-8")
    marker = "#: Every action, one closed set"
    union_end = "| Talk | Inject\n)"
    assert marker in source and union_end in source
    cls = inspect.getsource(extra_action.Highlight)
    source = source.replace(marker, f"@register\n{cls}\n\n{marker}")
    source = source.replace(union_end, "| Talk | Inject | Highlight\n)")
    shadow = folder / "actions.py"
    shadow.write_text(source, encoding="utf-8")
    return shadow


def _shadow_room(folder: Path) -> Path:
    source = (ROOT / "moderation" / "room.py").read_text(encoding="utf-8")
    anchor = "        elif type(action) is Inject:\n"
    imports = "from .timing import UNDO_MS\n"
    assert anchor in source and imports in source
    source = source.replace(anchor, extra_action.ROOM_CASE + anchor)
    source = source.replace(imports, imports + "from .actions import Highlight\n")
    shadow = folder / "room.py"
    shadow.write_text(source, encoding="utf-8")
    return shadow


def _mypy(folder: Path, shadows: dict[str, Path]) -> list[str]:
    args = [sys.executable, "-m", "mypy", "--cache-dir", str(folder / "cache"),
            "--no-error-summary", "--hide-error-context", "--no-pretty"]
    for original, shadow in shadows.items():
        args += ["--shadow-file", original, str(shadow)]
    done = subprocess.run([*args, *PRODUCT], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    return [line for line in done.stdout.splitlines() if ": error:" in line]


def _named(errors: list[str]) -> set[str]:
    return {m.group(1) for line in errors if (m := _NEVER.match(line))}


def test_mypy_names_every_dispatcher_a_new_action_has_not_reached(tmp_path: Path) -> None:
    actions = _shadow_actions(tmp_path)
    errors = _mypy(tmp_path, {"moderation/actions.py": actions})
    assert _named(errors) == DISPATCHERS, errors
    # Nothing but the exhaustiveness checks complains: the class is all it took so far.
    assert [e for e in errors if not _NEVER.match(e)] == []
    # The room's rule added: the room is off the list, the other dispatchers remain.
    room = _shadow_room(tmp_path)
    errors = _mypy(tmp_path, {"moderation/actions.py": actions, "moderation/room.py": room})
    assert _named(errors) == DISPATCHERS - {"moderation/room.py"}, errors


def test_the_shadow_copy_is_the_real_file_plus_the_action(tmp_path: Path) -> None:
    # The splice above must change nothing but what it says.
    shadow = _shadow_actions(tmp_path).read_text(encoding="utf-8")
    real = (ROOT / "moderation" / "actions.py").read_text(encoding="utf-8")
    added = shadow.replace(inspect.getsource(extra_action.Highlight), "", 1)
    assert added.replace("@register\n\n\n", "", 1).replace(" | Highlight", "") == real


def test_every_action_has_its_words_in_every_language() -> None:
    # The third thing a new action needs: its strings (the playback line; for a seat
    # action, its name on the seat page and the trainer's console).
    for lang in ("id", "en"):
        for name, cls in ACTION_CLASSES.items():
            keys = (["playback.act_comments_on", "playback.act_comments_off"]
                    if name == "comments" else [f"playback.act_{name}"])
            if name in SEAT_ACTIONS:
                keys.append(f"seat.action.{name}")
            for key in keys:
                assert translate(key, lang, target="x", seconds=1, duration="x",
                                 reason="x", kind="x") != key, (lang, cls.__name__, key)
    assert set(extra_action.STRINGS) == {"playback.act_highlight"}


def test_the_closed_set_is_every_action_class() -> None:
    assert set(typing.get_args(AnyAction)) == set(ACTION_CLASSES.values())
