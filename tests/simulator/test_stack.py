"""The stack builds screens by name, and keys become intents in one table only."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pygame
import pytest

from simulator.intents import KEYS, Intent, KeyMap, choice_index, intent_for
from simulator.routes import Home, Route
from simulator.screen import SCREENS, UnknownScreen
from simulator.screens.home import HomeScreen

from .conftest import Driver

SIMULATOR = Path(__file__).resolve().parents[2] / "simulator"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("name", ["app.py", "screen.py"])
def test_the_stack_never_imports_a_screen(name: str) -> None:
    assert [m for m in _imports(SIMULATOR / name) if m.startswith("simulator.screens")] == []


def _reads_key_codes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"line {node.lineno}: pygame.{node.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "pygame" and node.attr.startswith(("K_", "KMOD_"))]


@pytest.mark.parametrize("path", [*sorted((SIMULATOR / "screens").glob("*.py")),
                                  SIMULATOR / "panel.py", SIMULATOR / "tabs.py",
                                  SIMULATOR / "app.py"], ids=lambda p: p.name)
def test_no_screen_reads_a_key_code(path: Path) -> None:
    assert _reads_key_codes(path) == []


def test_the_check_sees_a_key_code(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import pygame\nif key == pygame.K_m:\n    pass\n", encoding="utf-8")
    assert _reads_key_codes(probe) == ["line 2: pygame.K_m"]


def test_every_route_has_its_screen() -> None:
    assert set(SCREENS) == set(typing.get_args(Route))


@pytest.mark.parametrize("route", typing.get_args(Route), ids=lambda r: r.__name__)
def test_each_screen_is_built_from_its_own_route(route: type[Route]) -> None:
    # What the registry's table cannot tell mypy: the screen registered for a route takes
    # that route (and the route's fields are what mypy checks where it is built).
    screen = SCREENS[route]
    assert isinstance(screen, type)
    annotation = inspect.signature(screen).parameters["route"].annotation
    assert annotation in (route, route.__name__), (screen, annotation)


def test_an_unregistered_route_says_what_is_registered(driver: Driver) -> None:
    home = SCREENS.pop(Home)
    try:
        with pytest.raises(UnknownScreen, match="no screen for Home.*Preflight"):
            driver.app.push(Home())
    finally:
        SCREENS[Home] = home
    assert driver.app.top is None


def test_push_builds_from_the_route_and_pop_returns(driver: Driver) -> None:
    app = driver.app
    home = app.replace(Home())
    assert isinstance(home, HomeScreen) and app.stack == [home]
    second = app.push(Home())
    assert app.top is second and second is not home
    app.pop()
    assert app.top is home


@pytest.mark.parametrize(
    ("keymap", "key", "mod", "intent"),
    [
        (KeyMap.LIVE, pygame.K_m, 0, Intent.MUTE),
        (KeyMap.LIVE, pygame.K_m, pygame.KMOD_LSHIFT, Intent.MUTE),
        (KeyMap.LIVE, pygame.K_DELETE, 0, Intent.DELETE),
        (KeyMap.LIVE, pygame.K_d, 0, Intent.DELETE),
        (KeyMap.LIVE, pygame.K_SPACE, 0, Intent.TALK),
        (KeyMap.LIVE, pygame.K_TAB, 0, Intent.NEXT_TAB),
        (KeyMap.LIVE, pygame.K_TAB, pygame.KMOD_RSHIFT, Intent.PREVIOUS_TAB),
        (KeyMap.LIVE, pygame.K_TAB, pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT,
         Intent.PREVIOUS_TAB),
        (KeyMap.LIVE, pygame.K_9, 0, Intent.CHOOSE_9),
        (KeyMap.LIVE, pygame.K_KP_1, 0, None),
        (KeyMap.LIVE, pygame.K_F2, 0, None),  # the app's own
        (KeyMap.APP, pygame.K_F2, 0, Intent.LANGUAGE),
        (KeyMap.HOME, pygame.K_RETURN, 0, Intent.CONFIRM),
        (KeyMap.HOME, pygame.K_KP_ENTER, pygame.KMOD_RCTRL, Intent.START_SKIPPING_CHECKS),
        (KeyMap.HOME, pygame.K_RETURN, pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT,
         Intent.START_SKIPPING_CHECKS),
        (KeyMap.PREFLIGHT, pygame.K_c, 0, Intent.SWITCH_CAMERA),
        (KeyMap.PREFLIGHT, pygame.K_4, 0, None),
        (KeyMap.DEBRIEF, pygame.K_k, 0, Intent.OPEN_QUIZ),
        (KeyMap.PAUSE, pygame.K_SPACE, 0, Intent.RESUME),
        (KeyMap.PLAYBACK, pygame.K_p, 0, Intent.PLAY_PAUSE),
        (KeyMap.PLAYBACK, pygame.K_KP_PLUS, 0, Intent.FASTER),
        (KeyMap.PLAYBACK, pygame.K_5, 0, None),
        (KeyMap.HELP, pygame.K_q, 0, Intent.BACK),  # any key closes the help
    ],
)
def test_keys_mean_what_docs_desktop_md_says(keymap: KeyMap, key: int, mod: int,
                                             intent: Intent | None) -> None:
    assert intent_for(keymap, key, mod) is intent


def test_number_keys_are_choices_in_order() -> None:
    assert [choice_index(intent_for(KeyMap.LIVE, pygame.K_1 + n) or Intent.BACK)
            for n in range(9)] == list(range(9))
    assert choice_index(Intent.MUTE) is None


def test_every_screen_map_is_in_the_table() -> None:
    assert set(KEYS) == set(KeyMap)
