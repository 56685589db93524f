"""Scenarios and plans shared by the report tests (no tests here).

``GAPS`` is small but has everything a report shows: two sites (one
with a capacity), a persistent requirement and a shorter one of count
2, too few units to keep both (so there are gap windows), a reserve
unit with a longer dwell, exercises (one covered, one short) and an
overridden cost model.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from rotaplan import Deployment, Plan, Scenario, build_scenario, solve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lithuania.yaml"

GAPS: dict[str, Any] = {
    "name": "Small gaps",
    "horizon": {"start": "2025-01-01", "end": "2027-01-01"},
    "defaults": {
        "transit_days": 7,
        "handover_days": 5,
        "min_deployment_days": 60,
        "max_deployment_days": 180,
        "dwell_ratio": 2.0,
    },
    "sites": [{"id": "north", "capacity_troops": 1000}, {"id": "south"}],
    "units": [
        {"id": "A1", "capability": "armor", "troops": 400, "home": "Fort A"},
        {"id": "A2", "capability": "armor", "troops": 400, "home": "Fort B"},
        {
            "id": "A3",
            "capability": "armor",
            "troops": 400,
            "home": "Fort B",
            "component": "reserve",
            "dwell_ratio": 4.0,
            "last_return": "2024-09-01",
            "last_deployment_days": 60,
        },
        {"id": "I1", "capability": "infantry", "troops": 300},
        {"id": "I2", "capability": "infantry", "troops": 300},
    ],
    "requirements": [
        {
            "id": "N-ARMOR",
            "site": "north",
            "capability": "armor",
            "start": "2025-01-01",
            "end": "2027-01-01",
        },
        {
            "id": "S-INF",
            "site": "south",
            "capability": "infantry",
            "count": 2,
            "start": "2025-03-01",
            "end": "2026-09-01",
            "priority": 0.5,
        },
    ],
    "exercises": [
        {
            "id": "EX-1",
            "site": "north",
            "start": "2025-05-01",
            "end": "2025-05-15",
            "needs": [{"capability": "armor", "count": 2}],
        },
        {
            "id": "EX-2",
            "site": "south",
            "start": "2025-06-01",
            "end": "2025-06-10",
            "needs": [{"capability": "infantry", "count": 1}],
        },
    ],
    "costs": {
        "move_per_troop": 3000,
        "moves": [{"home": "Fort B", "site": "north", "per_troop": 5000}],
    },
}


def gaps_scenario() -> Scenario:
    return build_scenario(copy.deepcopy(GAPS))


@cache
def _gaps_plan() -> Plan:
    return solve(gaps_scenario(), method="greedy").plan


def gaps_plan() -> Plan:
    """The relay planner's plan for ``GAPS`` (a fresh copy each call)."""
    return copy.deepcopy(_gaps_plan())


def broken_plan() -> Plan:
    """``gaps_plan`` with rules broken: its first deployment made too
    short (H2) and a unit sent again with no dwell (H3)."""
    plan = gaps_plan()
    first = plan.deployments[0]
    plan.deployments[0] = Deployment(
        first.unit,
        first.requirement,
        first.start,
        first.start + timedelta(days=20),
    )
    plan.deployments.append(
        Deployment(
            first.unit,
            first.requirement,
            first.start + timedelta(days=25),
            first.start + timedelta(days=125),
        )
    )
    return plan


def required_unit_days(scenario: Scenario) -> int:
    """Count times days of each requirement inside the horizon, from the
    contract (section 4), independently of the report's code."""
    h = scenario.horizon
    total = 0
    for r in scenario.requirements:
        lo, hi = max(r.start, h.start), min(r.end, h.end)
        total += r.count * max(0, (hi - lo).days)
    return total


def day(scenario: Scenario, n: int) -> date:
    return scenario.horizon.start + timedelta(days=n)
