"""The core stays sans-I/O: no UI or network libraries, no clock, no global random.

DESIGN §3: scenarios, moderation and the engine import no pygame, cv2,
websockets or aiortc, do no I/O, never read the wall clock and never use
global random state. The one exception is ``scenarios/loader.py``, the
scenario format's loader, which reads scenario files and built-in data.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("scenarios", "moderation", "simulator")
FORBIDDEN_MODULES = ("pygame", "cv2", "websockets", "aiortc", "av", "sounddevice")
ALLOWED_IO = {ROOT / "scenarios" / "loader.py"}


def core_files() -> list[Path]:
    files = []
    for package in CORE:
        for path in sorted((ROOT / package).rglob("*.py")):
            # The desktop app will live in its own subpackage of simulator/.
            if "desktop" in path.parts:
                continue
            files.append(path)
    return files


def test_importing_the_core_loads_no_ui_or_network_library() -> None:
    code = (
        "import sys, scenarios, moderation.judge, simulator.engine, simulator.autopilot, "
        "simulator.sessionfile; "
        f"print(sorted(m for m in {FORBIDDEN_MODULES!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def _calls(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            parts = []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
                names.append(".".join(reversed(parts)))
    return names


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_clock_no_global_random_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & {"time", "datetime", *FORBIDDEN_MODULES}, path
    bad = []
    for call in _calls(tree):
        head = call.split(".")[0]
        if head == "random" and call != "random.Random":
            bad.append(call)  # module-level functions share global state
        if call in ("print", "input") or (call == "open" and path not in ALLOWED_IO):
            bad.append(call)
        if call.endswith(("read_text", "write_text", "read_bytes", "write_bytes")) \
                and path not in ALLOWED_IO:
            bad.append(call)
    assert bad == [], f"{path}: {bad}"
