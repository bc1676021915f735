"""Keys become intents here, once, in one table; no screen reads a key code.

After Tuxemon's input layer (https://github.com/Tuxemon/Tuxemon, files
``tuxemon/platform/events.py`` and ``tuxemon/platform/const/intentions.py``): the app
translates each key press with :func:`intent_for`, using the :class:`KeyMap` of the screen
on top, and hands the screen an :class:`Intent`. A key can mean different things on
different screens (``C`` turns comments off in the live and switches the camera in the
pre-flight), so each screen names its map; an intent means one thing wherever it appears.
The shortcuts are documented in docs/desktop.md, and F1 on the live screen lists them.

Text fields are the exception: while one has the keyboard it reads the typed text itself
(``simulator.widgets.TextField``), before any key is translated. And on a screen whose
shortcuts are single letters (the live), a :class:`TypingGuard` tells a shortcut from a
word being typed: a letter, digit or space is held back a moment, and one that follows
another that quickly is typing, so neither fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

import pygame

__all__ = ["ANY_KEY", "CHOICES", "HOLD_S", "KEYS", "QUIET_S", "Intent", "KeyMap", "Mod",
           "TypingGuard", "choice_index", "intent_for", "is_typing_key"]


class Intent(Enum):
    """What the user asked for with a key."""

    #: Enter: the screen's main step (start, go live, try again, type in the tab's field).
    CONFIRM = auto()
    #: Esc: close what is open, else go back a step (home: quit; live: pause).
    BACK = auto()
    #: ↑ / ↓: move the selection in a list.
    SELECT_PREVIOUS = auto()
    SELECT_NEXT = auto()
    #: ↑ / ↓ / Page Up / Page Down: scroll a long read-only list.
    SCROLL_UP = auto()
    SCROLL_DOWN = auto()
    #: Number keys 1-9: the n-th option on screen (see :func:`choice_index`).
    CHOOSE_1 = auto()
    CHOOSE_2 = auto()
    CHOOSE_3 = auto()
    CHOOSE_4 = auto()
    CHOOSE_5 = auto()
    CHOOSE_6 = auto()
    CHOOSE_7 = auto()
    CHOOSE_8 = auto()
    CHOOSE_9 = auto()
    #: Tab / Shift+Tab: the next or previous tab of the moderation panel.
    NEXT_TAB = auto()
    PREVIOUS_TAB = auto()
    #: F1: every shortcut of the live screen.
    HELP = auto()
    #: F10 (and E on the pause screen): end the live; in a replay, skip to the result.
    END = auto()
    #: F2 / F3, on every screen: switch the language, switch large text.
    LANGUAGE = auto()
    TEXT_SIZE = auto()
    # Home.
    #: Ctrl+Enter: go live at once, without the pre-flight check.
    START_SKIPPING_CHECKS = auto()
    #: Tab: type the trainee's name.
    FOCUS_NAME = auto()
    #: F5: start the booster drill of the home's booster card (when there is one).
    START_BOOSTER = auto()
    # Pre-flight.
    SWITCH_CAMERA = auto()
    # Live: the moderation panel's actions and the host's tools.
    MUTE = auto()
    UNMUTE = auto()
    BLOCK = auto()
    DELETE = auto()
    REPORT = auto()
    PIN = auto()
    ANSWER = auto()
    THANK = auto()
    THANK_GIFT = auto()
    WELCOME = auto()
    TALK = auto()
    COMMENTS_ON_OFF = auto()
    KEYWORD_FILTER = auto()
    ACCEPT_GUEST = auto()
    DECLINE_GUEST = auto()
    # Pause.
    RESUME = auto()
    HOME = auto()
    # Debrief.
    NEXT_SCENARIO = auto()
    OPEN_QUIZ = auto()
    # Quiz.
    #: Backspace (quiz): take the last choice back; Z or Ctrl+Z (live): undo the last
    #: block, pin, report or comments-off.
    UNDO = auto()
    # Replay.
    PLAY_PAUSE = auto()
    FASTER = auto()
    SLOWER = auto()
    #: Home: back to the start of the replay.
    REWIND = auto()


#: The number-key intents, in order: ``CHOICES[n]`` is key ``n + 1``.
CHOICES = (Intent.CHOOSE_1, Intent.CHOOSE_2, Intent.CHOOSE_3, Intent.CHOOSE_4, Intent.CHOOSE_5,
           Intent.CHOOSE_6, Intent.CHOOSE_7, Intent.CHOOSE_8, Intent.CHOOSE_9)


def choice_index(intent: Intent) -> int | None:
    """0 for the intent of key 1, …, 8 for key 9; None for any other intent."""
    return CHOICES.index(intent) if intent in CHOICES else None


class KeyMap(Enum):
    """Which keys a screen listens to (its column of :data:`KEYS`)."""

    #: Before any screen: language and text size.
    APP = auto()
    HOME = auto()
    PREFLIGHT = auto()
    LIVE = auto()
    PAUSE = auto()
    #: "End the live now?": yes or go on.
    CONFIRM_END = auto()
    HELP = auto()
    DEBRIEF = auto()
    QUIZ = auto()
    PLAYBACK = auto()


class Mod(Enum):
    """The modifier a key binding asks for (a binding without one fires with any)."""

    NONE = auto()
    SHIFT = auto()
    CTRL = auto()


#: A key binding: a pygame key code and the modifier held with it.
Key = tuple[int, Mod]
#: The key code of a binding that fires for any key the map does not name.
ANY_KEY = -1


def _keys(*codes: int, mod: Mod = Mod.NONE) -> list[Key]:
    return [(code, mod) for code in codes]


def _bind(*pairs: tuple[list[Key], Intent]) -> dict[Key, Intent]:
    return {key: intent for keys, intent in pairs for key in keys}


def _numbers(count: int) -> list[tuple[list[Key], Intent]]:
    return [(_keys(pygame.K_1 + n), CHOICES[n]) for n in range(count)]


ENTER = (pygame.K_RETURN, pygame.K_KP_ENTER)

#: The one key table: each screen's keys and what they mean there.
KEYS: dict[KeyMap, dict[Key, Intent]] = {
    KeyMap.APP: _bind(
        (_keys(pygame.K_F2), Intent.LANGUAGE),
        (_keys(pygame.K_F3), Intent.TEXT_SIZE),
    ),
    KeyMap.HOME: _bind(
        (_keys(pygame.K_UP), Intent.SELECT_PREVIOUS),
        (_keys(pygame.K_DOWN), Intent.SELECT_NEXT),
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(*ENTER, mod=Mod.CTRL), Intent.START_SKIPPING_CHECKS),
        (_keys(pygame.K_TAB), Intent.FOCUS_NAME),
        (_keys(pygame.K_F5), Intent.START_BOOSTER),
        (_keys(pygame.K_ESCAPE), Intent.BACK),
    ),
    KeyMap.PREFLIGHT: _bind(
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(pygame.K_ESCAPE), Intent.BACK),
        (_keys(pygame.K_c), Intent.SWITCH_CAMERA),
        *_numbers(3),
    ),
    KeyMap.LIVE: _bind(
        (_keys(pygame.K_ESCAPE), Intent.BACK),
        (_keys(pygame.K_F10), Intent.END),
        (_keys(pygame.K_F1), Intent.HELP),
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(pygame.K_TAB), Intent.NEXT_TAB),
        (_keys(pygame.K_TAB, mod=Mod.SHIFT), Intent.PREVIOUS_TAB),
        (_keys(pygame.K_UP), Intent.SELECT_PREVIOUS),
        (_keys(pygame.K_DOWN), Intent.SELECT_NEXT),
        (_keys(pygame.K_m), Intent.MUTE),
        (_keys(pygame.K_u), Intent.UNMUTE),
        (_keys(pygame.K_b), Intent.BLOCK),
        (_keys(pygame.K_d, pygame.K_DELETE), Intent.DELETE),
        (_keys(pygame.K_r), Intent.REPORT),
        (_keys(pygame.K_p), Intent.PIN),
        (_keys(pygame.K_j), Intent.ANSWER),
        (_keys(pygame.K_t), Intent.THANK),
        (_keys(pygame.K_g), Intent.THANK_GIFT),
        (_keys(pygame.K_w), Intent.WELCOME),
        (_keys(pygame.K_SPACE), Intent.TALK),
        (_keys(pygame.K_c), Intent.COMMENTS_ON_OFF),
        (_keys(pygame.K_k), Intent.KEYWORD_FILTER),
        (_keys(pygame.K_a), Intent.ACCEPT_GUEST),
        (_keys(pygame.K_x), Intent.DECLINE_GUEST),
        (_keys(pygame.K_z), Intent.UNDO),
        *_numbers(9),
    ),
    KeyMap.CONFIRM_END: _bind(
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(pygame.K_ESCAPE), Intent.BACK),
    ),
    KeyMap.PAUSE: _bind(
        (_keys(pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_SPACE), Intent.RESUME),
        (_keys(pygame.K_e), Intent.END),
        (_keys(pygame.K_h), Intent.HOME),
    ),
    # Any key closes the help.
    KeyMap.HELP: _bind((_keys(ANY_KEY), Intent.BACK)),
    KeyMap.DEBRIEF: _bind(
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(pygame.K_n), Intent.NEXT_SCENARIO),
        (_keys(pygame.K_k), Intent.OPEN_QUIZ),
        (_keys(pygame.K_ESCAPE), Intent.BACK),
        (_keys(pygame.K_DOWN, pygame.K_PAGEDOWN), Intent.SCROLL_DOWN),
        (_keys(pygame.K_UP, pygame.K_PAGEUP), Intent.SCROLL_UP),
    ),
    KeyMap.QUIZ: _bind(
        (_keys(pygame.K_ESCAPE), Intent.BACK),
        (_keys(*ENTER), Intent.CONFIRM),
        (_keys(pygame.K_DOWN, pygame.K_PAGEDOWN), Intent.SCROLL_DOWN),
        (_keys(pygame.K_UP, pygame.K_PAGEUP), Intent.SCROLL_UP),
        (_keys(pygame.K_BACKSPACE), Intent.UNDO),
        *_numbers(4),
    ),
    KeyMap.PLAYBACK: _bind(
        (_keys(pygame.K_SPACE, pygame.K_p), Intent.PLAY_PAUSE),
        (_keys(pygame.K_RIGHT, pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS), Intent.FASTER),
        (_keys(pygame.K_LEFT, pygame.K_MINUS, pygame.K_KP_MINUS), Intent.SLOWER),
        (_keys(pygame.K_F10), Intent.END),
        (_keys(pygame.K_ESCAPE), Intent.BACK),
        (_keys(pygame.K_HOME), Intent.REWIND),
        (_keys(pygame.K_TAB), Intent.NEXT_TAB),
        (_keys(pygame.K_TAB, mod=Mod.SHIFT), Intent.PREVIOUS_TAB),
        *_numbers(4),
    ),
}


def intent_for(keymap: KeyMap, key: int, mod: int = 0) -> Intent | None:
    """What pressing ``key`` (with the pygame modifier bits ``mod``) means under ``keymap``.

    A binding with Ctrl or Shift wins while that modifier is held; otherwise the
    plain binding fires whatever is held (Shift+M still mutes).
    """
    table = KEYS[keymap]
    held = [m for m, bits in ((Mod.CTRL, pygame.KMOD_CTRL), (Mod.SHIFT, pygame.KMOD_SHIFT))
            if mod & bits]
    for wanted in (*held, Mod.NONE):
        intent = table.get((key, wanted))
        if intent is not None:
            return intent
    return table.get((ANY_KEY, Mod.NONE))


#: A typed letter waits this long (seconds) before it counts as a shortcut.
HOLD_S = 0.35
#: Typing goes on until no letter came for this long (seconds).
QUIET_S = 0.8
#: Clocks add seconds in floating point: 0.1 + 0.25 is a hair under 0.35.
_EPSILON = 1e-6
#: The intents that open a menu whose next key (a number) picks from it: "M 5" is no word.
_MENUS = frozenset({Intent.MUTE, Intent.REPORT})


def is_typing_key(unicode: str, mod: int) -> bool:
    """Whether a key press types a character (a letter, digit, space or sign), not a command."""
    if mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META):
        return False
    return len(unicode) == 1 and unicode.isprintable()


@dataclass(slots=True)
class _Held:
    intent: Intent | None
    at: float


class TypingGuard:
    """Holds a typed character's shortcut back for :data:`HOLD_S`: if another character
    follows that soon, the user is typing a word, and neither fires (nor any character
    after it, until :data:`QUIET_S` passes without one). Keys that type nothing (arrows,
    Enter, Esc, F-keys, Ctrl+…) are never held.

    Typing "gacor g4c0r" into a list that has no text field must not mute, pin, report
    and block (docs/desktop.md, "No accidental actions"). The wall clock is passed in.
    """

    def __init__(self) -> None:
        self._held: _Held | None = None
        self._typing_until = float("-inf")

    def press(self, intent: Intent | None, now: float) -> tuple[list[Intent], bool]:
        """A typed character whose shortcut is ``intent``, at ``now``: the intents to run
        now (a held one the new key proves was a command), and whether the key is typing."""
        ready: list[Intent] = []
        held = self._held
        if held is not None and now - held.at >= HOLD_S - _EPSILON:  # it waited long enough
            ready = [held.intent] if held.intent is not None else []
            self._held = held = None
        if now < self._typing_until:
            self._typing_until = now + QUIET_S
            return ready, True
        if held is not None:
            first = held.intent
            if first is not None and first in _MENUS and intent is not None \
                    and choice_index(intent) is not None:
                self._held = _Held(intent, now)
                return [*ready, first], False
            self._held = None
            self._typing_until = now + QUIET_S
            return ready, True
        self._typing_until = float("-inf")
        self._held = _Held(intent, now)
        return ready, False

    def flush(self) -> Intent | None:
        """A key that types nothing came: a held shortcut was a command after all."""
        held, self._held = self._held, None
        return None if held is None else held.intent

    def due(self, now: float) -> Intent | None:
        """The held shortcut, once it has waited :data:`HOLD_S` with no character after it."""
        held = self._held
        if now >= self._typing_until:
            self._typing_until = float("-inf")
        if held is None or now - held.at < HOLD_S - _EPSILON:
            return None
        self._held = None
        return held.intent

    def reset(self) -> None:
        """Forget a held key (the screen changed)."""
        self._held = None
        self._typing_until = float("-inf")
