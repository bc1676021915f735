"""Write docs/scenario.schema.json, the JSON Schema of scenario files, from the models.

Run it after changing ``scenarios/schema.py``::

    uv run python tools/write_schema.py          # rewrite the file
    uv run python tools/write_schema.py --check  # exit 1 if the file is out of date

A test (tests/gladi/test_cmd_scenario.py) fails while the published file and
the code disagree, so editors never validate against stale rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "scenario.schema.json"

# Run from a checkout without installing: make the project's packages importable.
sys.path.insert(0, str(ROOT))

from gladi.cmd_scenario import schema_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the published schema; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, do not write")
    args = parser.parse_args(argv)
    text = schema_text()
    current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else None
    if args.check:
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run tools/write_schema.py")
            return 1
        return 0
    if current != text:
        # newline="" keeps "\n" line ends on Windows too, so the file is byte-identical.
        TARGET.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
