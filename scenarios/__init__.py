"""Scenarios: the schema of scenario files, their loader, and the built-in data.

The loader's public API is re-exported here, so callers write
``from scenarios import load_scenario, ScenarioError``.
"""

from .loader import (
    IDENTIFIER,
    Problem,
    ScenarioCheck,
    ScenarioError,
    builtin_content_ids,
    builtin_scenario_ids,
    check_scenario,
    load_content,
    load_content_pack,
    load_economy,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)

__all__ = [
    "IDENTIFIER",
    "Problem",
    "ScenarioCheck",
    "ScenarioError",
    "builtin_content_ids",
    "builtin_scenario_ids",
    "check_scenario",
    "load_content",
    "load_content_pack",
    "load_economy",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
]
