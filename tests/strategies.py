"""Hypothesis strategies for random *valid* scenarios.

Every scenario drawn here is one a planner could hand to rotaplan: it
loads without an input error and its fixed deployments keep every rule
but H2 and H7 by themselves. Validity is built in by construction from
the contract (``formats.md``), not by asking rotaplan's own validator,
so a test can use these scenarios to catch a validator that refuses
good input.

Public entry points: ``scenario_dicts()`` (the raw structure, as a
planner would write it in YAML or JSON) and ``scenarios()`` (the same,
validated into ``Scenario``).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from rotaplan.model import Scenario, build_scenario

CAPABILITIES = ("armor", "artillery", "infantry")
COMPONENTS = ("active", "reserve", "guard")
# Ratios that are exact in binary, so that ``ceil(ratio * days)`` has
# one answer however it is computed.
DWELL_RATIOS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
PRIORITIES = (0.0, 0.5, 1.0, 2.0, 3.5)
PENALTIES = (0.0, 0.5, 1.0, 2.5, 5.0)

BUILTIN_POLICY: dict[str, float] = {
    "transit_days": 14,
    "handover_days": 10,
    "min_deployment_days": 90,
    "max_deployment_days": 270,
    "dwell_ratio": 2.0,
    "min_dwell_days": 0,
}


def iso(origin: date, day: int) -> str:
    """The ISO date ``day`` days after ``origin``."""
    return (origin + timedelta(days=day)).isoformat()


def resolve_policy(data: dict[str, Any], unit: dict[str, Any]) -> dict:
    """A unit's policy from raw scenario data, field by field: built-in,
    ``defaults``, ``components[unit.component]``, the unit's own."""
    policy = dict(BUILTIN_POLICY)
    layers = [
        data.get("defaults", {}),
        data.get("components", {}).get(unit.get("component", "active"), {}),
        unit,
    ]
    for layer in layers:
        policy.update({k: layer[k] for k in BUILTIN_POLICY if k in layer})
    return policy


def dwell_owed(policy: dict, days_on_site: int) -> int:
    """``max(min_dwell_days, ceil(dwell_ratio * days))``, exactly."""
    exact = Fraction(policy["dwell_ratio"]) * days_on_site
    return max(int(policy["min_dwell_days"]), math.ceil(exact))


@st.composite
def policy_overrides(draw: st.DrawFn, chance: float = 0.5) -> dict:
    """Some policy fields, each present with probability ``chance``."""

    def maybe(strategy: st.SearchStrategy) -> Any:
        return draw(strategy) if draw(st.floats(0, 1)) < chance else None

    out = {
        "transit_days": maybe(st.integers(0, 30)),
        "handover_days": maybe(st.integers(0, 20)),
        "min_deployment_days": maybe(st.integers(20, 120)),
        "max_deployment_days": maybe(st.integers(30, 300)),
        "dwell_ratio": maybe(st.sampled_from(DWELL_RATIOS)),
        "min_dwell_days": maybe(st.integers(0, 200)),
    }
    low, high = out["min_deployment_days"], out["max_deployment_days"]
    if low is not None and high is not None and high < low:
        # max < min in one place is an input error; keep this valid.
        out["min_deployment_days"], out["max_deployment_days"] = high, low
    return {k: v for k, v in out.items() if v is not None}


@st.composite
def scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario as plain data (what YAML/JSON parse to).

    1-3 sites with optional capacity, 2-12 units over 1-3 capabilities,
    1-4 requirements with count 1-2, optional substitutions, exercises,
    history, availability, blackouts, component policies and fixed
    deployments, over a horizon of 1-4 years.
    """
    origin = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    horizon = draw(st.integers(365, 4 * 365 + 1))
    data: dict[str, Any] = {
        "name": draw(st.sampled_from(["Random presence", "Test été"])),
        "horizon": {"start": iso(origin, 0), "end": iso(origin, horizon)},
    }
    if draw(st.booleans()):
        data["defaults"] = draw(policy_overrides())
    components = draw(
        st.dictionaries(
            st.sampled_from(COMPONENTS), policy_overrides(), max_size=2
        )
    )
    if components:
        data["components"] = components

    site_count = draw(st.integers(1, 3))
    sites = []
    for i in range(site_count):
        site: dict[str, Any] = {"id": f"S{i}"}
        if draw(st.booleans()):
            site["capacity_troops"] = draw(st.integers(300, 3000))
        sites.append(site)
    data["sites"] = sites

    capabilities = CAPABILITIES[: draw(st.integers(1, 3))]
    units = []
    for i in range(draw(st.integers(2, 12))):
        unit: dict[str, Any] = {
            "id": f"U{i:02d}",
            "capability": draw(st.sampled_from(capabilities)),
            "troops": draw(st.integers(50, 900)),
        }
        if draw(st.booleans()):
            unit["component"] = draw(st.sampled_from(COMPONENTS))
        if draw(st.integers(0, 3)) == 0:
            unit.update(draw(policy_overrides(chance=0.4)))
        if draw(st.booleans()):
            unit["last_return"] = iso(origin, draw(st.integers(-700, 30)))
            unit["last_deployment_days"] = draw(st.integers(30, 300))
        if draw(st.integers(0, 3)) == 0:
            unit["available_from"] = draw(st.integers(-100, 400))
        if draw(st.integers(0, 3)) == 0:
            low = unit.get("available_from", -100)
            unit["available_until"] = low + draw(st.integers(200, 1500))
        blackouts = []
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(-100, horizon))
            blackouts.append((start, start + draw(st.integers(10, 300))))
        unit["blackouts"] = blackouts
        units.append(unit)
    present = sorted({u["capability"] for u in units})

    requirements = []
    for i in range(draw(st.integers(1, 4))):
        start = draw(st.integers(-60, horizon - 30))
        end = start + draw(st.integers(30, horizon + 60))
        requirement: dict[str, Any] = {
            "id": f"R{i}",
            "site": draw(st.sampled_from(sites))["id"],
            "capability": draw(st.sampled_from(present)),
            "start": iso(origin, start),
            "end": iso(origin, end),
        }
        if draw(st.booleans()):
            requirement["count"] = draw(st.integers(1, 2))
        if draw(st.booleans()):
            requirement["priority"] = draw(st.sampled_from(PRIORITIES))
        requirements.append(requirement)
    data["requirements"] = requirements

    substitutions = []
    pairs = [(a, b) for a in capabilities for b in present if a != b]
    if pairs:
        chosen = draw(
            st.lists(st.sampled_from(pairs), unique=True, max_size=2)
        )
        for needed, offered in chosen:
            substitution: dict[str, Any] = {
                "capability": needed,
                "by": offered,
            }
            if draw(st.booleans()):
                substitution["penalty"] = draw(st.sampled_from(PENALTIES))
            substitutions.append(substitution)
    if substitutions:
        data["substitutions"] = substitutions
    allowed = {(s["capability"], s["by"]) for s in substitutions}

    exercises = []
    for i in range(draw(st.integers(0, 2))):
        start = draw(st.integers(0, horizon - 5))
        needs = draw(
            st.lists(
                st.sampled_from(present), unique=True, min_size=1, max_size=2
            )
        )
        exercises.append(
            {
                "id": f"E{i}",
                "site": draw(st.sampled_from(sites))["id"],
                "start": iso(origin, start),
                "end": iso(origin, start + draw(st.integers(3, 30))),
                "needs": [
                    {"capability": c, "count": draw(st.integers(1, 2))}
                    for c in needs
                ],
            }
        )
    if exercises:
        data["exercises"] = exercises

    # Resolved policies must be usable: max >= min, handover < max.
    for unit in units:
        policy = resolve_policy(data, unit)
        if (
            policy["max_deployment_days"] < policy["min_deployment_days"]
            or policy["handover_days"] >= policy["max_deployment_days"]
        ):
            unit["max_deployment_days"] = max(
                policy["min_deployment_days"],
                policy["handover_days"] + 1,
                policy["max_deployment_days"],
            )

    fixed = []
    fixed_units = draw(
        st.lists(
            st.sampled_from(units), unique_by=lambda u: u["id"], max_size=2
        )
    )
    for unit in fixed_units:
        fillable = [
            r
            for r in requirements
            if r["capability"] == unit["capability"]
            or (r["capability"], unit["capability"]) in allowed
        ]
        if not fillable:
            continue
        policy = resolve_policy(data, unit)
        start = draw(st.integers(-250, horizon - 30))
        # One or two fixed tours of the unit, the second after the
        # dwell the first one owes (H3).
        for _ in range(draw(st.integers(1, 2))):
            end = start + draw(st.integers(20, 300))
            requirement = draw(st.sampled_from(fillable))
            fixed.append(
                {
                    "unit": unit["id"],
                    "requirement": requirement["id"],
                    "start": iso(origin, start),
                    "end": iso(origin, end),
                }
            )
            _make_room_for_fixed(draw, data, unit, requirement, start, end)
            start = (
                end
                + 2 * int(policy["transit_days"])
                + dwell_owed(policy, end - start)
                + draw(st.integers(0, 60))
            )
    if fixed:
        data["fixed"] = fixed

    # Integer days to ISO dates, now that fixed deployments have moved
    # availability and blackouts out of their way.
    for unit in units:
        for key in ("available_from", "available_until"):
            if key in unit:
                unit[key] = iso(origin, unit[key])
        unit["blackouts"] = [
            {"start": iso(origin, s), "end": iso(origin, e)}
            for s, e in unit["blackouts"]
        ]
        if not unit["blackouts"]:
            del unit["blackouts"]
    data["units"] = units
    return data


def _make_room_for_fixed(
    draw: st.DrawFn,
    data: dict[str, Any],
    unit: dict[str, Any],
    requirement: dict[str, Any],
    start: int,
    end: int,
) -> None:
    """Adjust the unit and site so that a fixed deployment ``[start,
    end)`` keeps H4, H5 and H6 (the caller spaces the unit's fixed
    deployments for H3)."""
    policy = resolve_policy(data, unit)
    transit = int(policy["transit_days"])
    leave, back = start - transit, end + transit
    unit["blackouts"] = [
        (s, e) for s, e in unit["blackouts"] if e <= leave or back <= s
    ]
    if "available_from" in unit and unit["available_from"] > leave:
        unit["available_from"] = leave - draw(st.integers(0, 30))
    if "available_until" in unit and unit["available_until"] < back:
        unit["available_until"] = back + draw(st.integers(0, 30))
    if "last_return" in unit:
        origin = date.fromisoformat(data["horizon"]["start"])
        last_return = (date.fromisoformat(unit["last_return"]) - origin).days
        owed = dwell_owed(policy, unit["last_deployment_days"])
        if leave - last_return < owed:
            latest = leave - owed - draw(st.integers(0, 30))
            unit["last_return"] = iso(origin, latest)
    site = next(s for s in data["sites"] if s["id"] == requirement["site"])
    if "capacity_troops" in site:
        # Room for every fixed deployment at the site at once.
        site["capacity_troops"] += unit["troops"]


def scenarios() -> st.SearchStrategy[Scenario]:
    """Random valid scenarios, validated into ``Scenario`` objects."""
    return scenario_dicts().map(build_scenario)


# The suite's profile draws this many examples per test (conftest).
SUITE_EXAMPLES = 60


def examples(n: int) -> int:
    """A test's ``n`` examples in the suite, scaled up with the profile
    (the thorough hunt draws about 33 times as many): a test's own
    ``max_examples`` would otherwise override the profile's."""
    return max(n, round(n * settings.default.max_examples / SUITE_EXAMPLES))
