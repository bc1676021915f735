"""The real programs the suite drives instead of mocks, and what a test does when one is absent.

On a developer's machine a missing part skips the tests that need it, with the reason in the
summary (``-rs`` in pyproject.toml). Under ``CI=true`` (as .ci/run runs) the same skip fails
the test with one line that names the part and its Debian package (tests/conftest.py), so a CI
machine without them can never pass green.

A test that needs a part marks itself with :func:`needs`; one that finds out only while it runs
(``ip netns`` needs root, redis-sentinel is its own Debian package) skips with
``pytest.skip(missing(what, package))``: the same rule applies.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Debian's chromium, driven by Playwright (never ``playwright install``).
CHROMIUM = Path(os.environ.get("GLADI_CHROMIUM", "/usr/bin/chromium"))
#: Debian's redis-server: the multi-worker drill (server/cluster.py) on a real Redis.
REDIS_SERVER = Path("/usr/bin/redis-server")
#: A real X server for the desktop smoke test (Debian: xvfb).
XVFB = Path("/usr/bin/Xvfb")
#: Real key presses into that X server (Debian: xdotool).
XDOTOOL = Path("/usr/bin/xdotool")

#: Every skip reason for a missing part starts so; the CI hook looks for it.
MISSING = "real part missing: "


def missing(what: str, package: str) -> str:
    """The skip reason for an absent part: what is missing and how to install it."""
    return f"{MISSING}{what} (apt-get install {package}; .ci/run installs it)"


def needs(path: Path, package: str) -> pytest.MarkDecorator:
    """Skip (locally) or fail (under CI=true) when the program at ``path`` is absent."""
    found = path.is_file() and os.access(path, os.X_OK)
    return pytest.mark.skipif(not found, reason=missing(str(path), package))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def needs_netbed() -> pytest.MarkDecorator:
    """Skip (locally) or fail (under CI=true) where the hotspot bed cannot be built
    (tests/netbed.py: network namespaces, veth, tc and iptables, as root)."""
    from tests.netbed import unavailable

    why = unavailable()
    return pytest.mark.skipif(why is not None,
                              reason=missing(f"network namespaces ({why})", "iproute2 iptables"))
