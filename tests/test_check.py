"""The checker against the contract (formats.md section 4).

Hand-made plans, one valid and one invalid per rule, at the boundary
days; measures derived by hand in comments; and a property test that
compares the checker with a small day-by-day reference written from the
contract alone, on random and on slightly shifted plans.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.analyze.check import CheckResult, check
from rotaplan.model import Deployment, Plan, Scenario, build_scenario
from rotaplan.solve import solve
from strategies import BUILTIN_POLICY, examples, scenario_dicts

ORIGIN = date(2025, 1, 1)
# The core properties: more examples than the default, still fast.
PROPERTY = settings(max_examples=examples(100))


def iso(day: int) -> str:
    return (ORIGIN + timedelta(days=day)).isoformat()


def base_data() -> dict[str, Any]:
    """A one-year scenario; day 0 is 2025-01-01.

    Every unit: transit 10, handover 5, 30..100 days on site, dwell
    ratio 2, no minimum dwell.
    """
    return {
        "name": "checker cases",
        "horizon": {"start": iso(0), "end": iso(365)},
        "defaults": {
            "transit_days": 10,
            "handover_days": 5,
            "min_deployment_days": 30,
            "max_deployment_days": 100,
            "dwell_ratio": 2.0,
            "min_dwell_days": 0,
        },
        "sites": [{"id": "camp"}, {"id": "range"}],
        "units": [
            {"id": "A1", "capability": "armor", "troops": 400},
            {"id": "A2", "capability": "armor", "troops": 400},
            {"id": "A3", "capability": "armor", "troops": 300},
            {"id": "A4", "capability": "armor", "troops": 401},
            {"id": "I1", "capability": "infantry", "troops": 500},
            {"id": "F1", "capability": "artillery", "troops": 100},
        ],
        "requirements": [
            {
                "id": "R",
                "site": "camp",
                "capability": "armor",
                "start": iso(0),
                "end": iso(365),
            }
        ],
        "substitutions": [
            {"capability": "armor", "by": "infantry", "penalty": 3}
        ],
    }


def scenario_with(**changes: Any) -> Scenario:
    """The base scenario with top-level sections replaced or added."""
    data = base_data()
    data.update(changes)
    return build_scenario(data)


def unit_with(unit_id: str, **fields: Any) -> list[dict[str, Any]]:
    """The base units, with extra fields on one of them."""
    units = base_data()["units"]
    for unit in units:
        if unit["id"] == unit_id:
            unit.update(fields)
    return units


def requirement(
    req_id: str, start: int, end: int, *, site: str = "camp", **more: Any
) -> dict[str, Any]:
    return {
        "id": req_id,
        "site": site,
        "capability": more.pop("capability", "armor"),
        "start": iso(start),
        "end": iso(end),
        **more,
    }


def plan_of(*rows: tuple[Any, ...]) -> Plan:
    """``(unit, requirement, start day, end day[, fixed])`` per row."""
    return Plan(
        scenario="checker cases",
        deployments=[
            Deployment(
                row[0],
                row[1],
                ORIGIN + timedelta(days=row[2]),
                ORIGIN + timedelta(days=row[3]),
                bool(row[4]) if len(row) > 4 else False,
            )
            for row in rows
        ],
    )


def broken(result: CheckResult) -> list[tuple[str, int | None]]:
    """Each (rule, deployment index) broken, once."""
    return sorted(
        {(v.rule, v.deployment) for v in result.violations},
        key=lambda rd: (rd[0], -1 if rd[1] is None else rd[1]),
    )


def assert_valid(scenario: Scenario, plan: Plan) -> CheckResult:
    result = check(scenario, plan)
    assert result.valid, [str(v) for v in result.violations]
    return result


# --- H1 -----------------------------------------------------------------


def test_h1_own_capability_and_allowed_substitute_are_valid() -> None:
    assert_valid(
        scenario_with(), plan_of(("A1", "R", 0, 50), ("I1", "R", 0, 50))
    )


@pytest.mark.parametrize(
    "bad",
    [
        ("GHOST", "R", 100, 150),  # unknown unit
        ("A2", "NOWHERE", 100, 150),  # unknown requirement
        ("F1", "R", 100, 150),  # artillery on armor, no substitution
    ],
    ids=["unknown-unit", "unknown-requirement", "capability-mismatch"],
)
def test_h1_reports_the_offending_deployment(bad: tuple) -> None:
    result = check(scenario_with(), plan_of(("A1", "R", 0, 50), bad))
    assert broken(result) == [("H1", 1)]


def test_h1_substitution_is_one_way() -> None:
    # infantry may fill armor, not armor infantry.
    scenario = scenario_with(
        requirements=[requirement("INF", 0, 365, capability="infantry")]
    )
    result = check(scenario, plan_of(("A1", "INF", 0, 50)))
    assert broken(result) == [("H1", 0)]


# --- H2 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "ok"),
    [(30, True), (29, False), (100, True), (101, False), (0, False)],
)
def test_h2_days_on_site_between_min_and_max(days: int, ok: bool) -> None:
    # min_deployment_days 30, max_deployment_days 100.
    result = check(
        scenario_with(),
        plan_of(("A2", "R", 200, 260), ("A1", "R", 10, 10 + days)),
    )
    assert broken(result) == ([] if ok else [("H2", 1)])


def test_h2_end_before_start_is_invalid() -> None:
    result = check(scenario_with(), plan_of(("A1", "R", 50, 40)))
    assert ("H2", 0) in broken(result)


# --- H3 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_fields", "first_end", "earliest_next"),
    [
        # days 30, ratio 2: dwell 60; back home 30 + 10 = 40;
        # next leaves >= 100, arrives >= 110.
        ({}, 30, 110),
        # days 31, ratio 2.5: ceil(77.5) = 78 (77 would be floor);
        # back 41, leaves >= 119, arrives >= 129.
        ({"dwell_ratio": 2.5}, 31, 129),
        # days 30, ratio 2, min_dwell 100 dominates 60;
        # back 40, leaves >= 140, arrives >= 150.
        ({"min_dwell_days": 100}, 30, 150),
    ],
    ids=["ratio", "ceil-of-2.5", "min-dwell-dominates"],
)
@pytest.mark.parametrize("short_by", [0, 1])
def test_h3_dwell_between_tours(
    unit_fields: dict, first_end: int, earliest_next: int, short_by: int
) -> None:
    scenario = scenario_with(units=unit_with("A1", **unit_fields))
    start = earliest_next - short_by
    # The later tour is listed first: the rule orders by start, and the
    # report names the later deployment by its index in the plan.
    plan = plan_of(("A1", "R", start, start + 30), ("A1", "R", 0, first_end))
    result = check(scenario, plan)
    assert broken(result) == ([] if short_by == 0 else [("H3", 0)])


def test_h3_overlapping_tours_of_one_unit_are_invalid() -> None:
    result = check(
        scenario_with(), plan_of(("A1", "R", 0, 50), ("A1", "R", 40, 90))
    )
    assert broken(result) == [("H3", 1)]


def test_h3_other_units_do_not_owe_each_other_dwell() -> None:
    assert_valid(
        scenario_with(), plan_of(("A1", "R", 0, 50), ("A2", "R", 45, 95))
    )


# --- H4 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_fields", "earliest"),
    [
        # last tour 41 days, ratio 2.5: ceil(102.5) = 103 owed after
        # last_return day -50; leaves >= 53, arrives >= 63.
        ({"dwell_ratio": 2.5}, 63),
        # min_dwell 120 dominates 82: leaves >= 70, arrives >= 80.
        ({"min_dwell_days": 120}, 80),
    ],
    ids=["ceil-of-2.5", "min-dwell-dominates"],
)
@pytest.mark.parametrize("short_by", [0, 1])
def test_h4_dwell_after_the_last_tour_before_the_plan(
    unit_fields: dict, earliest: int, short_by: int
) -> None:
    scenario = scenario_with(
        units=unit_with(
            "A1",
            last_return=iso(-50),
            last_deployment_days=41,
            **unit_fields,
        )
    )
    start = earliest - short_by
    plan = plan_of(
        ("A2", "R", 0, 40),
        ("A1", "R", start + 200, start + 230),
        ("A1", "R", start, start + 30),
    )
    result = check(scenario, plan)
    # Only the earliest tour of the unit is judged by H4.
    assert broken(result) == ([] if short_by == 0 else [("H4", 2)])


def test_h4_judges_a_fixed_deployment_when_it_is_the_earliest() -> None:
    # Fixed tour arrives day -30, leaves home day -40; last_return -60:
    # 20 days at home, 103 owed.
    fixed = {
        "unit": "A1",
        "requirement": "R0",
        "start": iso(-30),
        "end": iso(20),
    }
    scenario = scenario_with(
        units=unit_with(
            "A1",
            last_return=iso(-60),
            last_deployment_days=41,
            dwell_ratio=2.5,
        ),
        requirements=[requirement("R0", -100, 365)],
        fixed=[fixed],
    )
    # Fixed 50 days: ceil(2.5 * 50) = 125 owed, back day 30, leaves
    # >= 155, arrives >= 165: the later tour keeps H3.
    plan = plan_of(("A1", "R0", 170, 200), ("A1", "R0", -30, 20, True))
    assert broken(check(scenario, plan)) == [("H4", 1)]


# --- H5 -----------------------------------------------------------------

H5_UNIT = {
    "available_from": iso(20),
    "available_until": iso(300),
    "blackouts": [{"start": iso(100), "end": iso(120), "reason": "refit"}],
}


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        # Away [40, 100) ends where the blackout [100, 120) begins.
        (50, 90, True),
        # Away [40, 101) shares day 100 with it.
        (50, 91, False),
        # Away [120, 170) begins where the blackout ends.
        (130, 160, True),
        # Away [119, 169) shares day 119.
        (129, 159, False),
        # Leaves day 20 = available_from.
        (30, 60, True),
        (29, 59, False),
        # Home day 300 = available_until (exclusive bound).
        (260, 290, True),
        (261, 291, False),
    ],
)
def test_h5_away_interval_inside_availability_and_outside_blackouts(
    start: int, end: int, ok: bool
) -> None:
    scenario = scenario_with(units=unit_with("A2", **H5_UNIT))
    result = check(
        scenario, plan_of(("A1", "R", 0, 30), ("A2", "R", start, end))
    )
    assert broken(result) == ([] if ok else [("H5", 1)])


def test_h5_blackout_covering_the_whole_tour_is_invalid() -> None:
    scenario = scenario_with(units=unit_with("A2", **H5_UNIT))
    result = check(scenario, plan_of(("A2", "R", 95, 125)))
    assert broken(result) == [("H5", 0)]


# --- H6 -----------------------------------------------------------------


def capacity_scenario() -> Scenario:
    return scenario_with(
        sites=[{"id": "camp", "capacity_troops": 800}, {"id": "range"}]
    )


def test_h6_site_exactly_full_is_valid() -> None:
    # 400 + 400 = 800 = capacity.
    assert_valid(
        capacity_scenario(),
        plan_of(("A1", "R", 0, 60), ("A2", "R", 0, 60)),
    )


def test_h6_one_troop_over_capacity_is_invalid() -> None:
    # 400 + 401 = 801 > 800; a site-wide rule, no single deployment.
    result = check(
        capacity_scenario(), plan_of(("A1", "R", 0, 60), ("A4", "R", 0, 60))
    )
    assert broken(result) == [("H6", None)]


def test_h6_troops_in_handover_count() -> None:
    # A4 arrives day 55, A1 leaves day 60: days 55..59 hold 801 troops,
    # although A4 does not yet count toward presence.
    result = check(
        capacity_scenario(), plan_of(("A1", "R", 0, 60), ("A4", "R", 55, 115))
    )
    assert broken(result) == [("H6", None)]
    # Arriving the day A1 leaves is fine.
    assert_valid(
        capacity_scenario(), plan_of(("A1", "R", 0, 60), ("A4", "R", 60, 120))
    )


def test_h6_other_site_does_not_count() -> None:
    scenario = scenario_with(
        sites=[{"id": "camp", "capacity_troops": 800}, {"id": "range"}],
        requirements=[
            requirement("R", 0, 365),
            requirement("S", 0, 365, site="range"),
        ],
    )
    assert_valid(scenario, plan_of(("A1", "R", 0, 60), ("A4", "S", 0, 60)))


# --- H7 -----------------------------------------------------------------


def window_scenario(**changes: Any) -> Scenario:
    return scenario_with(
        requirements=[
            requirement("W", 100, 250),  # inside the horizon
            requirement("LATE", 300, 500),  # runs past horizon end 365
            requirement("EARLY", -100, 200),  # began before the horizon
        ],
        **changes,
    )


@pytest.mark.parametrize(
    ("row", "ok"),
    [
        # W starts day 100, handover 5: may start day 95, not 94.
        (("A1", "W", 95, 125), True),
        (("A1", "W", 94, 124), False),
        # W ends day 250: end == 250 fine, 251 not.
        (("A1", "W", 220, 250), True),
        (("A1", "W", 221, 251), False),
        # Horizon ends day 365: a start on day 364 is inside it, on 365
        # (the horizon's end date) outside.
        (("A1", "LATE", 364, 394), True),
        (("A1", "LATE", 365, 395), False),
        # Horizon starts day 0.
        (("A1", "EARLY", 0, 30), True),
        (("A1", "EARLY", -1, 29), False),
    ],
)
def test_h7_horizon_and_requirement_window(row: tuple, ok: bool) -> None:
    result = check(window_scenario(), plan_of(("A2", "W", 100, 150), row))
    assert broken(result) == ([] if ok else [("H7", 1)])


FIXED_BEFORE = {
    "unit": "A3",
    "requirement": "EARLY",
    "start": iso(-140),
    "end": iso(10),
}


def test_fixed_before_the_horizon_is_exempt_from_h2_and_h7() -> None:
    # 150 days on site (max 100), starting before the horizon.
    scenario = window_scenario(fixed=[FIXED_BEFORE])
    result = assert_valid(scenario, plan_of(("A3", "EARLY", -140, 10, True)))
    assert result.measures.deployments == 0


def test_the_scenario_not_the_plan_flag_decides_what_is_fixed() -> None:
    # The same tour, flagged fixed in the plan but not in the scenario.
    result = check(window_scenario(), plan_of(("A3", "EARLY", -140, 10, True)))
    assert broken(result) == [("H2", 0), ("H7", 0)]


@pytest.mark.parametrize("short_by", [0, 1])
def test_fixed_before_the_horizon_still_owes_dwell(short_by: int) -> None:
    # Fixed tour of 150 days: dwell 300; home day 20, leaves >= 320,
    # arrives >= 330 (LATE may start from day 295).
    scenario = window_scenario(fixed=[FIXED_BEFORE])
    start = 330 - short_by
    plan = plan_of(
        ("A3", "EARLY", -140, 10, True), ("A3", "LATE", start, start + 30)
    )
    result = check(scenario, plan)
    assert broken(result) == ([] if short_by == 0 else [("H3", 1)])


# --- H8 -----------------------------------------------------------------


def test_h8_missing_fixed_deployment() -> None:
    scenario = window_scenario(fixed=[FIXED_BEFORE])
    result = check(scenario, plan_of(("A1", "W", 100, 150)))
    assert broken(result) == [("H8", None)]


def test_h8_changed_fixed_deployment() -> None:
    scenario = window_scenario(fixed=[FIXED_BEFORE])
    # One day longer: no longer the fixed tour, and so not exempt.
    result = check(scenario, plan_of(("A3", "EARLY", -140, 11, True)))
    assert ("H8", None) in broken(result)
    assert ("H7", 0) in broken(result)


# --- Measures -----------------------------------------------------------


def measures_scenario(**changes: Any) -> Scenario:
    """100-day horizon; transit 10, handover 5, 20..100 days on site."""
    data = base_data()
    data["horizon"] = {"start": iso(0), "end": iso(100)}
    data["defaults"]["min_deployment_days"] = 20
    data["requirements"] = [
        requirement("P", 10, 70, priority=3),
        requirement("Q", 0, 100, count=2, priority=0.5),
    ]
    data.update(changes)
    return build_scenario(data)


def test_gap_days_weighted_by_priority_with_count_two() -> None:
    plan = plan_of(
        ("A1", "P", 10, 40),  # counts [15, 40)
        ("A2", "P", 35, 70),  # counts [40, 70)
        ("A3", "Q", 0, 50),  # counts [5, 50)
        ("I1", "Q", 0, 60),  # counts [5, 60), substitute, penalty 3
    )
    result = assert_valid(measures_scenario(), plan)
    m = result.measures
    # P: days 10..14 short 1 -> 5 gap days, weighted 3 * 5 = 15.
    # Q (count 2): days 0..4 short 2 (10), 50..59 short 1 (10),
    # 60..99 short 2 (80) -> 100 gap days, weighted 0.5 * 100 = 50.
    assert m.gap_days == 105
    assert m.weighted_gap_days == pytest.approx(65.0)
    assert m.exercise_gap_days == 0
    assert m.primary == pytest.approx(65.0)
    # I1 is 60 days on site by substitution at 3 per day.
    assert m.substitution_penalty == pytest.approx(180.0)
    assert m.deployments == 4
    # Windows of shortfall: contiguous days short, with the peak.
    assert result.gaps == {
        "P": [(10, 15, 1)],
        "Q": [(0, 5, 2), (50, 100, 2)],
    }


def test_priority_zero_counts_gap_days_but_no_weight() -> None:
    scenario = measures_scenario(
        requirements=[requirement("Z", 0, 100, priority=0)]
    )
    m = check(scenario, plan_of()).measures
    assert (m.gap_days, m.weighted_gap_days) == (100, 0.0)


def test_counted_window_is_clipped_to_the_horizon() -> None:
    # C runs [-30, 130); the horizon is [0, 100): 100 counted days.
    fixed = {
        "unit": "A1",
        "requirement": "C",
        "start": iso(-40),
        "end": iso(20),
    }
    scenario = measures_scenario(requirements=[requirement("C", -30, 130)])
    assert check(scenario, plan_of()).measures.gap_days == 100
    with_fixed = measures_scenario(
        requirements=[requirement("C", -30, 130)], fixed=[fixed]
    )
    # Fixed A1 counts [-35, 20): days 0..19 covered -> 80 gap days.
    m = assert_valid(with_fixed, plan_of(("A1", "C", -40, 20, True))).measures
    assert (m.gap_days, m.deployments) == (80, 0)
    # A2 on [60, 125) counts [65, 125), inside the horizon [65, 100):
    # 35 more days covered -> 45; one deployment that is not fixed.
    m = assert_valid(
        with_fixed, plan_of(("A1", "C", -40, 20, True), ("A2", "C", 60, 125))
    ).measures
    assert (m.gap_days, m.deployments) == (45, 1)


def exercise_scenario() -> Scenario:
    return measures_scenario(
        requirements=[
            requirement("R", 0, 100),
            requirement("S", 0, 100, site="range"),
        ],
        exercises=[
            {
                "id": "X",
                "site": "camp",
                "start": iso(20),
                "end": iso(30),
                "needs": [
                    {"capability": "armor", "count": 2},
                    {"capability": "infantry", "count": 1},
                ],
            }
        ],
    )


def test_exercise_gap_counts_effective_units_of_that_capability() -> None:
    base = [
        ("A1", "R", 10, 40),  # armor at camp, counts [15, 40)
        ("A2", "R", 22, 60),  # armor at camp, counts [27, 60)
        ("A3", "S", 0, 50),  # armor at range: not at the exercise
    ]
    # I1 (infantry) fills the armor requirement R by substitution at
    # camp, counting [5, 60): it meets the infantry need whatever it
    # serves, and does not count as armor.
    result = assert_valid(
        exercise_scenario(), plan_of(*base, ("I1", "R", 0, 60))
    )
    # Armor need 2 on days 20..29: A1 all days, A2 from day 27 ->
    # short 1 on days 20..26 = 7. Infantry: met every day.
    assert result.exercise_gaps == {"X": 7}
    m = result.measures
    assert m.exercise_gap_days == 7
    # R (count 1): covered [5, 60) by I1, A1, A2 -> days 0..4 and
    # 60..99 short = 45. S: A3 counts [5, 50) -> days 0..4 and 50..99
    # short = 55.
    assert m.gap_days == 100
    # primary = weighted 100 (priority 1) + exercise 7.
    assert m.primary == pytest.approx(107.0)


def test_exercise_need_unmet_at_another_site() -> None:
    base = [("A1", "R", 10, 40), ("A2", "R", 22, 60), ("A3", "S", 0, 50)]
    # I1 at range, not camp: the infantry need is short all 10 days.
    result = assert_valid(
        exercise_scenario(), plan_of(*base, ("I1", "S", 0, 60))
    )
    assert result.exercise_gaps == {"X": 7 + 10}


def test_one_unit_twice_at_once_counts_once_for_an_exercise() -> None:
    # A1 twice on R over the exercise days (an H3 violation): one armor
    # unit is there, the need is 2, so 10 days short by 1.
    plan = plan_of(("A1", "R", 10, 40), ("A1", "R", 10, 40))
    result = check(exercise_scenario(), plan)
    assert ("H3", 1) in broken(result)
    assert result.exercise_gaps["X"] == 10 + 10  # armor 10, infantry 10


# --- Reference checker, from the contract alone -----------------------


def _policy(scenario: Scenario, unit: Any) -> dict[str, Any]:
    policy = dict(BUILTIN_POLICY)
    layers = (scenario.defaults, scenario.components.get(unit.component), unit)
    for layer in layers:
        if layer is None:
            continue
        for key in BUILTIN_POLICY:
            value = getattr(layer, key)
            if value is not None:
                policy[key] = value
    return policy


def _dwell(policy: dict[str, Any], days: int) -> int:
    exact = Fraction(policy["dwell_ratio"]) * days
    return max(policy["min_dwell_days"], math.ceil(exact))


def reference_check(
    scenario: Scenario, plan: Plan
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rules and measures of section 4, day by day, in dates.

    Returns ``(rules, measures)``; ``rules`` holds (rule, index) pairs
    for per-deployment rules, units for H3/H4 (whose reported index
    depends on how ties in start are broken), the number of overloaded
    windows for H6 and of missing fixed deployments for H8.
    """
    units = {u.id: u for u in scenario.units}
    reqs = {r.id: r for r in scenario.requirements}
    sites = {s.id: s for s in scenario.sites}
    subs = {(s.capability, s.by): s.penalty for s in scenario.substitutions}
    fixed = Counter(
        (f.unit, f.requirement, f.start, f.end) for f in scenario.fixed
    )
    h0, h1 = scenario.horizon.start, scenario.horizon.end
    per_deployment: set[tuple[str, int]] = set()
    known: list[tuple[int, Deployment, dict[str, Any]]] = []
    for i, d in enumerate(plan.deployments):
        if d.unit not in units or d.requirement not in reqs:
            per_deployment.add(("H1", i))
            continue
        unit, req = units[d.unit], reqs[d.requirement]
        policy = _policy(scenario, unit)
        known.append((i, d, policy))
        if (
            unit.capability != req.capability
            and (req.capability, unit.capability) not in subs
        ):
            per_deployment.add(("H1", i))
        days = (d.end - d.start).days
        is_fixed = (d.unit, d.requirement, d.start, d.end) in fixed
        if not is_fixed:
            if not (
                policy["min_deployment_days"]
                <= days
                <= policy["max_deployment_days"]
            ):
                per_deployment.add(("H2", i))
            earliest = req.start - timedelta(days=policy["handover_days"])
            if (
                not (h0 <= d.start < h1)
                or d.start < earliest
                or d.end > req.end
            ):
                per_deployment.add(("H7", i))
        transit = timedelta(days=policy["transit_days"])
        leave, back = d.start - transit, d.end + transit
        if (
            unit.available_from is not None and leave < unit.available_from
        ) or (
            unit.available_until is not None and back > unit.available_until
        ):
            per_deployment.add(("H5", i))
        if any(leave < b.end and b.start < back for b in unit.blackouts):
            per_deployment.add(("H5", i))

    h3: set[str] = set()
    h4: set[str] = set()
    by_unit: dict[str, list[tuple[Deployment, dict]]] = defaultdict(list)
    for _, d, policy in known:
        by_unit[d.unit].append((d, policy))
    for unit_id, tours in by_unit.items():
        tours.sort(key=lambda dp: (dp[0].start, dp[0].end))
        unit = units[unit_id]
        first, policy = tours[0]
        transit = policy["transit_days"]
        if unit.last_return is not None and unit.last_deployment_days:
            home = (first.start - unit.last_return).days - transit
            if home < _dwell(policy, unit.last_deployment_days):
                h4.add(unit_id)
        for (a, _), (b, _) in itertools.pairwise(tours):
            home = (b.start - a.end).days - 2 * transit
            if home < _dwell(policy, (a.end - a.start).days):
                h3.add(unit_id)

    overloaded = 0
    for site_id, site in sites.items():
        if site.capacity_troops is None:
            continue
        load: Counter[date] = Counter()
        for _, d, _ in known:
            if reqs[d.requirement].site == site_id:
                for k in range((d.end - d.start).days):
                    load[d.start + timedelta(days=k)] += units[d.unit].troops
        over = sorted(t for t, n in load.items() if n > site.capacity_troops)
        overloaded += sum(
            1
            for k, t in enumerate(over)
            if k == 0 or (t - over[k - 1]).days > 1
        )

    present = Counter(
        (d.unit, d.requirement, d.start, d.end) for _, d, _ in known
    )
    missing = sum(max(0, n - present[key]) for key, n in fixed.items())

    def effective(d: Deployment, policy: dict, t: date) -> bool:
        return d.start + timedelta(days=policy["handover_days"]) <= t < d.end

    gap = 0
    weighted = 0.0
    for req in reqs.values():
        t = max(req.start, h0)
        serving = [(d, p) for _, d, p in known if d.requirement == req.id]
        while t < min(req.end, h1):
            have = sum(1 for d, p in serving if effective(d, p, t))
            short = max(0, req.count - have)
            gap += short
            weighted += req.priority * short
            t += timedelta(days=1)
    exercise_gap = 0
    for ex in scenario.exercises:
        for need in ex.needs:
            serving = [
                (d, p)
                for _, d, p in known
                if units[d.unit].capability == need.capability
                and reqs[d.requirement].site == ex.site
            ]
            t = ex.start
            while t < ex.end:
                # The contract counts units: one unit there twice at
                # once (an H3 violation) counts once.
                have = len({d.unit for d, p in serving if effective(d, p, t)})
                exercise_gap += max(0, need.count - have)
                t += timedelta(days=1)
    penalty = 0.0
    for _, d, _ in known:
        needed = reqs[d.requirement].capability
        offered = units[d.unit].capability
        if offered != needed and (needed, offered) in subs:
            penalty += subs[(needed, offered)] * (d.end - d.start).days
    planned = len(plan.deployments) - sum(
        min(n, present[key]) for key, n in fixed.items()
    )
    rules = {
        "per_deployment": per_deployment,
        "H3": h3,
        "H4": h4,
        "H6": overloaded,
        "H8": missing,
    }
    measures = {
        "weighted_gap_days": weighted,
        "gap_days": gap,
        "exercise_gap_days": exercise_gap,
        "substitution_penalty": penalty,
        "deployments": planned,
    }
    return rules, measures


def assert_agrees_with_reference(scenario: Scenario, plan: Plan) -> None:
    result = check(scenario, plan)
    rules, measures = reference_check(scenario, plan)
    got = {
        (v.rule, v.deployment)
        for v in result.violations
        if v.rule in ("H1", "H2", "H5", "H7")
    }
    assert got == rules["per_deployment"], result.violations
    assert {v.unit for v in result.violations if v.rule == "H3"} == rules["H3"]
    assert {v.unit for v in result.violations if v.rule == "H4"} == rules["H4"]
    assert sum(v.rule == "H6" for v in result.violations) == rules["H6"]
    assert sum(v.rule == "H8" for v in result.violations) == rules["H8"]
    m = result.measures
    assert m.gap_days == measures["gap_days"]
    assert m.weighted_gap_days == pytest.approx(measures["weighted_gap_days"])
    assert m.exercise_gap_days == measures["exercise_gap_days"]
    assert m.substitution_penalty == pytest.approx(
        measures["substitution_penalty"]
    )
    assert m.deployments == measures["deployments"]
    assert m.primary == pytest.approx(
        measures["weighted_gap_days"] + measures["exercise_gap_days"]
    )


@st.composite
def scenario_and_random_plan(draw: st.DrawFn) -> tuple[Scenario, Plan]:
    """A valid scenario and an arbitrary plan for it: unknown ids, tours
    of any length anywhere, the fixed deployments kept or changed."""
    scenario = build_scenario(draw(scenario_dicts()))
    h0 = scenario.horizon.start
    span = scenario.horizon.days
    unit_ids = [u.id for u in scenario.units] + ["GHOST"]
    req_ids = [r.id for r in scenario.requirements] + ["NOWHERE"]
    deployments = []
    for f in scenario.fixed:
        if draw(st.integers(0, 4)):
            deployments.append(
                Deployment(f.unit, f.requirement, f.start, f.end, True)
            )
    for _ in range(draw(st.integers(0, 8))):
        start = h0 + timedelta(days=draw(st.integers(-120, span + 10)))
        days = draw(st.integers(1, 320))
        deployments.append(
            Deployment(
                draw(st.sampled_from(unit_ids)),
                draw(st.sampled_from(req_ids)),
                start,
                start + timedelta(days=days),
            )
        )
    order = draw(st.permutations(range(len(deployments))))
    plan = Plan(scenario.name, [deployments[k] for k in order])
    return scenario, plan


@PROPERTY
@given(scenario_and_random_plan())
def test_checker_agrees_with_reference_on_random_plans(
    case: tuple[Scenario, Plan],
) -> None:
    assert_agrees_with_reference(*case)


@PROPERTY
@given(scenario_dicts(), st.data())
def test_checker_agrees_with_reference_near_valid_plans(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    """Greedy plans are valid; shifting one tour by a day or two crosses
    the boundaries of H2..H7, where off-by-one errors live."""
    scenario = build_scenario(data)
    plan = solve(scenario, method="greedy").plan
    assert_agrees_with_reference(scenario, plan)
    if not plan.deployments:
        return
    shifted = copy.deepcopy(plan)
    k = draw.draw(st.integers(0, len(plan.deployments) - 1))
    d = shifted.deployments[k]
    move_start = timedelta(days=draw.draw(st.integers(-3, 3)))
    move_end = timedelta(days=draw.draw(st.integers(-3, 3)))
    shifted.deployments[k] = Deployment(
        d.unit, d.requirement, d.start + move_start, d.end + move_end, d.fixed
    )
    assert_agrees_with_reference(scenario, shifted)
