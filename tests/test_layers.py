"""The packages form one stack: every import runs downward, and the core stays pure.

The table below is the one in README "How it is built" and docs/engine.md. A
package may import only the packages listed for it; an import anywhere in a
file counts, inside a function too. Function-local imports of Gladi's own
packages are allowed only in the command line's lazy command loading
(``gladi/cmd_*.py``), so that ``gladi simulate`` never pays for the camera.

The core (``scenarios``, ``moderation``) imports no UI, media or network
library, reads no clock, uses no global random state and does no I/O beyond
the scenario loader reading scenario files and built-in data.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Each package of the stack and the packages it may import, bottom to top.
ALLOWED: dict[str, frozenset[str]] = {
    "i18n": frozenset(),
    "scenarios": frozenset({"i18n"}),
    "moderation": frozenset({"i18n", "scenarios"}),
    "media": frozenset({"i18n"}),
    "debrief": frozenset({"i18n", "scenarios", "moderation"}),
    "protocol": frozenset({"i18n", "scenarios", "moderation"}),
    "simulator": frozenset({"i18n", "scenarios", "moderation", "media", "debrief", "protocol"}),
    "server": frozenset({"i18n", "scenarios", "moderation", "media", "debrief", "protocol"}),
    "gladi": frozenset({"i18n", "scenarios", "moderation", "media", "debrief", "protocol",
                        "simulator", "server"}),
}
PACKAGES = frozenset(ALLOWED)
CORE = ("scenarios", "moderation")
FORBIDDEN_MODULES = frozenset({"pygame", "cv2", "websockets", "aiortc", "av", "sounddevice",
                               "redis", "matplotlib"})
#: The one core file that reads files: the scenario format's loader.
ALLOWED_IO = {ROOT / "scenarios" / "loader.py"}


def package_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def all_files() -> list[Path]:
    return [path for package in ALLOWED for path in package_files(package)]


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT))


def imported_modules(path: Path) -> Iterator[tuple[str, int, bool]]:
    """Yield (absolute module, line, inside a function) for every import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = path.relative_to(ROOT).with_suffix("").parts
    package_parts = parts[:-1]  # the package a relative import starts from

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[str, int, bool]]:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package_parts[: len(package_parts) - child.level + 1]
                    module = ".".join((*base, child.module) if child.module else base)
                else:
                    module = child.module or ""
                yield module, child.lineno, in_function
            yield from visit(child, nested)

    yield from visit(tree, False)


def test_the_table_is_a_stack() -> None:
    # No package may import one that imports it back, even through a third.
    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(ALLOWED[start])
        while todo:
            package = todo.pop()
            if package not in seen:
                seen.add(package)
                todo.extend(ALLOWED[package])
        return seen

    for package in ALLOWED:
        assert package not in reaches(package), package


@pytest.mark.parametrize("path", all_files(), ids=_label)
def test_imports_run_downward(path: Path) -> None:
    package = path.relative_to(ROOT).parts[0]
    wrong = [
        f"line {line}: {module}"
        for module, line, _ in imported_modules(path)
        if (top := module.split(".")[0]) in PACKAGES
        and top != package
        and top not in ALLOWED[package]
    ]
    assert wrong == [], f"{_label(path)} imports upward or sideways: {wrong}"


@pytest.mark.parametrize("path", all_files(), ids=_label)
def test_no_function_local_imports_of_gladi_packages(path: Path) -> None:
    # The command line loads its subcommands lazily (gladi/cli.py), and a
    # subcommand imports what it runs only when it runs: that is the one place.
    if path.parent == ROOT / "gladi":
        return
    local = [
        f"line {line}: {module}"
        for module, line, in_function in imported_modules(path)
        if in_function and module.split(".")[0] in PACKAGES
    ]
    assert local == [], f"{_label(path)} imports inside a function: {local}"


def test_the_check_sees_an_upward_import() -> None:
    # The test above must be able to fail: a local import of the top is found.
    sample = ROOT / "moderation" / "_layer_probe.py"
    sample.write_text("def f() -> None:\n    from gladi import cli\n", encoding="utf-8")
    try:
        found = list(imported_modules(sample))
    finally:
        sample.unlink()
    assert found == [("gladi", 2, True)]


def test_importing_the_core_loads_no_ui_or_network_library() -> None:
    code = (
        "import sys, scenarios, moderation.judge, moderation.engine, moderation.autopilot, "
        "moderation.sessionfile, moderation.setup; "
        f"print(sorted(m for m in {sorted(FORBIDDEN_MODULES)!r} if m in sys.modules))"
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


def core_files() -> list[Path]:
    return [path for package in CORE for path in package_files(package)]


@pytest.mark.parametrize("path", core_files(), ids=_label)
def test_no_clock_no_global_random_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {module.split(".")[0] for module, _, _ in imported_modules(path)}
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


def test_the_translation_layer_reads_nothing_at_import() -> None:
    code = (
        "import i18n, sys; "
        "print(i18n.catalogue.cache_info().currsize, hasattr(i18n, 'set_language'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.split() == ["0", "False"]


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> Iterator[str]:
    """The Gladi modules ``path`` imports when it runs (``from a import b`` yields ``a``
    and ``a.b``), leaving out those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test)
        for stmt in guard.body
        for node in ast.walk(stmt)
    }
    parts = path.relative_to(ROOT).with_suffix("").parts
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(parts[: len(parts) - node.level])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (name for name in names if name.split(".")[0] in PACKAGES)


def module_circles(files: list[Path]) -> list[list[str]]:
    """Circles in the graph of module imports (``from a.b import c`` counts as a.b, or as
    the module a.b.c when that is one); TYPE_CHECKING-only imports are left out."""
    modules = {_module_of(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for module in _runtime_imports(path):
            if module in modules and module != name:
                edges.add(module)
        graph[name] = edges
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return circles


def test_no_module_imports_itself_back() -> None:
    # A circle between modules (a imports b imports a) makes import order matter and the
    # two one room; a TYPE_CHECKING-only import is no circle at run time.
    assert module_circles(all_files()) == []


def test_the_circle_check_sees_a_circle(tmp_path: Path) -> None:
    a, b = ROOT / "moderation" / "_probe_a.py", ROOT / "moderation" / "_probe_b.py"
    a.write_text("from moderation import _probe_b\n", encoding="utf-8")
    b.write_text("from moderation._probe_a import x\n", encoding="utf-8")
    try:
        assert module_circles([a, b]) == [["moderation._probe_a", "moderation._probe_b",
                                           "moderation._probe_a"]]
    finally:
        a.unlink()
        b.unlink()


def test_the_desktop_drill_client_holds_no_any() -> None:
    # The desktop host decodes the protocol into its types (protocol/): no raw dicts.
    tree = ast.parse((ROOT / "simulator" / "drill.py").read_text(encoding="utf-8"))
    found = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id == "Any"
             or isinstance(node, ast.Attribute) and node.attr == "Any"]
    assert found == [], f"simulator/drill.py uses Any at lines {found}"


def test_the_protocol_does_no_io() -> None:
    # Both ends import it: no network, UI or media library, no clock.
    for path in package_files("protocol"):
        imported = {module.split(".")[0] for module, _, _ in imported_modules(path)}
        assert not imported & {"time", "datetime", "asyncio", "socket", *FORBIDDEN_MODULES}, path
