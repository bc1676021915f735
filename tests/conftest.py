"""Test-wide settings."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from tests.realparts import MISSING, in_ci


@pytest.fixture(autouse=True)
def _gladi_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the user's real Gladi folder (history, saved sessions)."""
    monkeypatch.setenv("GLADI_DATA_DIR", str(tmp_path / "gladi-data"))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # (file, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
        item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport,
                                                                     pytest.TestReport]:
    """Under CI=true a test skipped for a missing real part (tests/realparts.py) fails."""
    report = yield
    if report.skipped and in_ci():
        reason = _skip_reason(report)
        if reason.startswith(MISSING):
            report.outcome = "failed"
            report.longrepr = f"CI=true, and a {reason}"
    return report
