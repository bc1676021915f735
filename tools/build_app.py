"""Build the Gladi desktop app as one folder with PyInstaller: ``dist/Gladi/``.

    uv run python tools/build_app.py                 # dist/Gladi/Gladi (Gladi.exe on Windows)
    uv run python tools/build_app.py --dist /tmp/app # somewhere else

The folder needs nothing installed: copy it (or a zip of it) to a laptop and open
``Gladi``. With no arguments it opens the desktop app; with arguments it is the
``gladi`` command line. What goes in and why: ``packaging/gladi.spec``; how to hand
it to trainers: docs/install.md. The same script builds on Windows and macOS
(.github/workflows/build-app.yml); PyInstaller does not cross-compile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "gladi.spec"
NAME = "Gladi"


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (what the unpacked app takes on disk).

    PyInstaller links libraries into ``_internal`` beside their wheel's own folder;
    a link, and whatever is reached through one, is counted once, as the real file.
    """
    total = 0
    for root, _dirs, files in os.walk(folder):  # os.walk does not follow linked folders
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def executable(dist: Path) -> Path:
    """The app's executable inside ``dist``."""
    return dist / NAME / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def has_debug_info(data: bytes) -> bool:
    """Whether a 64-bit little-endian ELF file has a ``.debug_info`` section.

    Reads the section headers (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html)
    rather than searching the bytes: the name also appears inside libraries that have
    no such section, and those must not be rewritten.
    """
    if not data.startswith(b"\x7fELF\x02\x01"):
        return False
    shoff = int.from_bytes(data[0x28:0x30], "little")
    entsize, count, names_index = (int.from_bytes(data[at:at + 2], "little")
                                   for at in (0x3A, 0x3C, 0x3E))
    if not shoff or names_index >= count:
        return False

    def header(index: int) -> tuple[int, int]:  # (name offset, file offset)
        at = shoff + index * entsize
        return int.from_bytes(data[at:at + 4], "little"), \
            int.from_bytes(data[at + 0x18:at + 0x20], "little")

    names = header(names_index)[1]
    for index in range(count):
        start = names + header(index)[0]
        if data[start:data.index(b"\0", start)] == b".debug_info":
            return True
    return False


def strip_debug_info(folder: Path) -> int:
    """Remove the DWARF debug sections some Linux libraries ship with; return bytes saved.

    Only files with a ``.debug_info`` section are touched, and only with
    ``--strip-debug``: a full strip breaks libraries that auditwheel has patched
    (NumPy's OpenBLAS then fails with "ELF load command address/offset not
    page-aligned"). Without binutils' ``strip`` nothing is done; the app is just bigger.
    """
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return 0
    saved = 0
    for path in folder.rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if has_debug_info(data):
            subprocess.run([strip, "--strip-debug", str(path)], check=True)
            saved += len(data) - path.stat().st_size
    return saved


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; return the executable. Raises on a failed build."""
    env = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"}  # pygame greets on import
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
         "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN"],
        cwd=ROOT, env=env, check=True,
    )
    exe = executable(dist)
    strip_debug_info(exe.parent)
    return exe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="folder that receives Gladi/ (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's scratch folder (default: build/pyinstaller/)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        exe = build(args.dist.resolve(), args.work.resolve())
    except subprocess.CalledProcessError as error:
        print(f"build failed: PyInstaller exited with {error.returncode}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    size = folder_size(exe.parent) / 1e6
    print(f"built {exe} in {seconds:.0f} s; the folder holds {size:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
