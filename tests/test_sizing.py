"""Rotation sizing: the arithmetic of one policy, and whole scenarios."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rotaplan.analyze.sizing import (
    BLACKOUT,
    HORIZON_START,
    IN_DWELL,
    NO_ELIGIBLE_UNIT,
    SITE_CAPACITY,
    TOO_FEW_UNITS,
    UNAVAILABLE,
    WINDOW_TOO_SHORT,
    RequirementSizing,
    rotation_multiplier,
    size_scenario,
)
from rotaplan.io import load_scenario
from rotaplan.model import Policy, Scenario, build_scenario
from rotaplan.solve import solve

EXAMPLE = Path(__file__).parents[1] / "examples" / "lithuania.yaml"


def policy(**fields: Any) -> Policy:
    values: dict[str, Any] = {
        "transit_days": 21,
        "handover_days": 10,
        "min_deployment_days": 90,
        "max_deployment_days": 270,
        "dwell_ratio": 2.0,
        "min_dwell_days": 0,
    }
    values.update(fields)
    return Policy(**values)


def armored(uid: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "capability": "armored-battalion",
        "troops": 600,
        **fields,
    }


def scenario(
    units: list[dict[str, Any]],
    requirements: list[dict[str, Any]] | None = None,
    capacity: int | None = None,
    **extra: Any,
) -> Scenario:
    """Three years, 9-month tours, 1:2 dwell, 21 days transit, 10 days
    handover; one armored presence from day 10 (so the first unit,
    arriving on day 0, counts from its first day)."""
    site: dict[str, Any] = {"id": "pabrade"}
    if capacity is not None:
        site["capacity_troops"] = capacity
    data: dict[str, Any] = {
        "name": "crafted",
        "horizon": {"start": "2024-01-01", "end": "2027-01-01"},
        "defaults": {
            "transit_days": 21,
            "handover_days": 10,
            "min_deployment_days": 90,
            "max_deployment_days": 270,
            "dwell_ratio": 2.0,
        },
        "sites": [site],
        "units": units,
        "requirements": requirements
        or [
            {
                "id": "LT-ARMOR",
                "site": "pabrade",
                "capability": "armored-battalion",
                "start": "2024-01-11",
                "end": "2027-01-01",
            }
        ],
    }
    data.update(extra)
    return build_scenario(data)


def only_requirement(s: Scenario) -> RequirementSizing:
    (req,) = size_scenario(s).requirements
    return req


def codes(req: RequirementSizing) -> list[str]:
    return [r.code for r in req.reasons]


# --- rotation_multiplier ---------------------------------------------


def test_nine_month_tours_at_one_to_two_need_four_battalions() -> None:
    # D=270, r=2, T=21, H=10: C = 270 + 42 + 540 = 852 days, 260 count,
    # N = ceil(852 / 260) = ceil(3.277) = 4.
    s = rotation_multiplier(policy(), tour_days=270)
    assert s.cycle_days == 852
    assert s.dwell_days == 540
    assert s.effective_days == 260
    assert s.units_needed == 4
    assert s.ratio == pytest.approx(852 / 260)
    assert s.effective_fraction == pytest.approx(260 / 852)
    assert "852 / 260" in s.formula
    assert s.formula.endswith("= 4")


def test_min_dwell_dominates_the_ratio() -> None:
    # D=180, r=1, T=14, H=10, m=365: ceil(1*180) = 180 < 365, so the
    # dwell is 365 and C = 180 + 28 + 365 = 573; 170 days count;
    # N = ceil(573 / 170) = ceil(3.37) = 4.
    p = policy(
        transit_days=14,
        dwell_ratio=1.0,
        min_dwell_days=365,
        max_deployment_days=180,
    )
    s = rotation_multiplier(p, tour_days=180)
    assert s.dwell_days == 365
    assert s.cycle_days == 573
    assert s.effective_days == 170
    assert s.units_needed == 4
    assert "max(365, ceil(1*180))" in s.formula


def test_best_tour_needs_fewest_units_and_prefers_the_longest() -> None:
    # With 60 days of transit each way, 90-day tours need
    # ceil((90 + 120 + 180) / 80) = 5 units, 270-day tours
    # ceil((270 + 120 + 540) / 260) = 4.
    p = policy(transit_days=60)
    assert rotation_multiplier(p, tour_days=90).units_needed == 5
    best = rotation_multiplier(p)
    assert best.units_needed == 4
    every = [
        rotation_multiplier(p, tour_days=d).units_needed
        for d in range(90, 271)
    ]
    assert best.units_needed == min(every)
    # Every tour from 90 to 270 days needs 4 units at 21 days transit;
    # the tie goes to the longest tour.
    assert rotation_multiplier(policy()).tour_days == 270


def test_best_tour_skips_tours_no_longer_than_the_handover() -> None:
    p = policy(handover_days=100, min_deployment_days=60)
    assert rotation_multiplier(p).tour_days > 100
    with pytest.raises(ValueError, match="handover_days 100"):
        rotation_multiplier(p, tour_days=100)


def test_handover_as_long_as_any_tour_is_an_error() -> None:
    p = policy(handover_days=270)
    with pytest.raises(ValueError, match="never count toward presence"):
        rotation_multiplier(p)


def test_tour_outside_the_policy_is_an_error() -> None:
    with pytest.raises(ValueError, match="max_deployment_days 270"):
        rotation_multiplier(policy(), tour_days=300)


# --- size_scenario ---------------------------------------------------


def test_bundled_example_has_enough_of_both_capabilities() -> None:
    sized = size_scenario(load_scenario(EXAMPLE))
    caps = {c.capability: c for c in sized.capabilities}
    armor = caps["armored-battalion"]
    assert armor.peak_demand == 1
    assert armor.units_needed == 4
    assert len(armor.own_units) == 10
    assert armor.substitutes == {"mechanized-infantry-battalion": ("1-163IN",)}
    assert armor.verdict == "enough"
    assert caps["field-artillery-battery"].verdict == "enough"
    assert all(r.covered for r in sized.requirements)
    assert "armored-battalion" in str(sized)


def test_three_units_are_one_short_and_the_relay_agrees() -> None:
    three = scenario([armored(f"A{i}") for i in range(3)])
    (cap,) = size_scenario(three).capabilities
    assert cap.units_needed == 4
    assert cap.verdict.startswith("short by 1 unit")
    assert cap.shortfall == 1
    req = only_requirement(three)
    assert codes(req) == [TOO_FEW_UNITS]
    assert "needs 4 armored-battalion units in rotation" in (
        req.reasons[0].message
    )
    assert solve(three, method="greedy").check.gaps

    four = scenario([armored(f"A{i}") for i in range(4)])
    assert size_scenario(four).capabilities[0].verdict == "enough"
    assert only_requirement(four).covered
    assert not solve(four, method="greedy").check.gaps


def test_reserve_unit_counts_for_less_than_an_active_one() -> None:
    units = [armored(f"A{i}") for i in range(3)] + [
        armored("R1", component="reserve")
    ]
    ten_years = {"start": "2024-01-01", "end": "2034-01-01"}
    presence = {
        "id": "LT-ARMOR",
        "site": "pabrade",
        "capability": "armored-battalion",
        "start": "2024-01-11",
        "end": "2034-01-01",
    }
    s = scenario(
        units,
        [presence],
        components={"reserve": {"dwell_ratio": 4.0}},
        horizon=ten_years,
    )
    (cap,) = size_scenario(s).capabilities
    # Active cycle 852 days, reserve 270 + 42 + 1080 = 1392: over ten
    # years the reserve unit is worth 852 / 1392 of an active one.
    assert cap.equivalent_own == pytest.approx(3 + 852 / 1392)
    assert cap.verdict == "enough"

    # Over three years (1086 days, 5 tours of 260 counting days) the
    # reserve unit comes round once: it makes 1 tour of 5, worth
    # (852 / 260) / 5 of an active unit.
    s = scenario(units, components={"reserve": {"dwell_ratio": 4.0}})
    (cap,) = size_scenario(s).capabilities
    assert cap.equivalent_own == pytest.approx(3 + 852 / 260 / 5)

    reserve_only = scenario(
        [armored(f"R{i}", component="reserve") for i in range(4)],
        [presence],
        components={"reserve": {"dwell_ratio": 4.0}},
        horizon=ten_years,
    )
    (cap,) = size_scenario(reserve_only).capabilities
    # ceil(1392 / 260) = ceil(5.354) = 6 reserve units, 4 on hand.
    assert cap.units_needed == 6
    assert cap.verdict.startswith("short by 2 units")


def test_substitutes_are_listed_apart_and_can_make_up_the_pool() -> None:
    units = [armored(f"A{i}") for i in range(3)] + [
        {"id": "M1", "capability": "mech-infantry", "troops": 600}
    ]
    s = scenario(
        units,
        substitutions=[
            {"capability": "armored-battalion", "by": "mech-infantry"}
        ],
    )
    cap = next(
        c
        for c in size_scenario(s).capabilities
        if c.capability == "armored-battalion"
    )
    assert cap.own_units == ("A0", "A1", "A2")
    assert cap.substitutes == {"mech-infantry": ("M1",)}
    assert cap.verdict == "enough with substitutes"


def test_no_eligible_unit() -> None:
    s = scenario([{"id": "E1", "capability": "engineers", "troops": 100}])
    req = only_requirement(s)
    assert codes(req) == [NO_ELIGIBLE_UNIT]
    assert size_scenario(s).capabilities[0].verdict.startswith("short by 4")


def test_window_shorter_than_any_tour() -> None:
    # 60 days: a 90-day tour starting 10 days early still ends 20 days
    # after the requirement.
    s = scenario(
        [armored("A0")],
        [
            {
                "id": "SHORT",
                "site": "pabrade",
                "capability": "armored-battalion",
                "start": "2024-04-10",
                "end": "2024-06-09",
            }
        ],
    )
    assert codes(only_requirement(s)) == [WINDOW_TOO_SHORT]


def test_units_in_dwell_at_the_start() -> None:
    # Home 2023-12-01 after 200 days: 400 days of dwell owed, free on
    # 2025-01-04, counting from 2025-01-04 + 21 + 10 = 2025-02-04.
    units = [
        armored(f"A{i}", last_return="2023-12-01", last_deployment_days=200)
        for i in range(4)
    ]
    req = only_requirement(scenario(units))
    assert codes(req) == [IN_DWELL]
    gap = date(2025, 2, 4) - date(2024, 1, 11)
    assert req.reasons[0].days == gap.days
    assert "2025-02-04" in req.reasons[0].message


def test_requirement_at_the_horizon_start_needs_a_fixed_tour() -> None:
    s = scenario(
        [armored(f"A{i}") for i in range(4)],
        [
            {
                "id": "LT-ARMOR",
                "site": "pabrade",
                "capability": "armored-battalion",
                "start": "2024-01-01",
                "end": "2027-01-01",
            }
        ],
    )
    req = only_requirement(s)
    assert codes(req) == [HORIZON_START]
    assert req.reasons[0].days == 10


def test_blackout_of_the_whole_pool() -> None:
    blackout = [{"start": "2025-01-01", "end": "2025-03-01"}]
    units = [armored(f"A{i}", blackouts=blackout) for i in range(5)]
    req = only_requirement(scenario(units))
    assert BLACKOUT in codes(req)
    reason = next(r for r in req.reasons if r.code == BLACKOUT)
    # Counting needs the away span clear: from 21 days before the
    # blackout to 21 + 10 days after it, 2024-12-11 to 2025-04-01.
    assert reason.days == 111
    assert "2024-12-11 to 2025-04-01" in reason.message


def test_units_leaving_service_leave_the_end_uncovered() -> None:
    units = [armored(f"A{i}", available_until="2026-06-01") for i in range(5)]
    req = only_requirement(scenario(units))
    assert UNAVAILABLE in codes(req)


def test_site_smaller_than_one_unit() -> None:
    req = only_requirement(
        scenario([armored(f"A{i}") for i in range(4)], capacity=500)
    )
    assert codes(req) == [SITE_CAPACITY]
    assert "raise the capacity to 600" in req.reasons[0].message


def test_site_too_small_for_handover_overlap_forces_gaps() -> None:
    s = scenario([armored(f"A{i}") for i in range(5)], capacity=1000)
    req = only_requirement(s)
    assert codes(req) == [SITE_CAPACITY]
    assert "raise the capacity to 1200 during handovers" in (
        req.reasons[0].message
    )
    # The relay agrees: each relief opens a gap of exactly the handover.
    windows = solve(s, method="greedy").check.gaps["LT-ARMOR"]
    relief_gaps = [end - start for start, end, _ in windows[:-1]]
    assert relief_gaps and set(relief_gaps) == {10}


def test_sizing_is_json_ready() -> None:
    import json

    sized = size_scenario(scenario([armored(f"A{i}") for i in range(3)]))
    data = json.loads(json.dumps(sized.to_dict()))
    assert data["capabilities"][0]["units_needed"] == 4
    assert data["requirements"][0]["reasons"][0]["code"] == TOO_FEW_UNITS
