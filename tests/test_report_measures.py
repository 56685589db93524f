"""The numbers behind the report, on a plan small enough to derive by
hand, and their agreement with the checker on larger ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rotaplan import Deployment, Plan, build_scenario, check
from rotaplan.report.measures import monthly_coverage, presence, site_load
from test_report_cases import broken_plan, gaps_plan, gaps_scenario

# 2025 (365 days), one requirement of one unit at one site of capacity
# 250. Transit 10, handover 5, dwell ratio 2.
TINY: dict[str, Any] = {
    "name": "tiny",
    "horizon": {"start": "2025-01-01", "end": "2026-01-01"},
    "defaults": {
        "transit_days": 10,
        "handover_days": 5,
        "min_deployment_days": 30,
        "max_deployment_days": 200,
        "dwell_ratio": 2.0,
    },
    "sites": [{"id": "s", "capacity_troops": 250}],
    "units": [
        {"id": "U1", "capability": "armor", "troops": 100},
        {
            "id": "U2",
            "capability": "armor",
            "troops": 120,
            "last_return": "2024-10-01",
            "last_deployment_days": 60,
        },
    ],
    "requirements": [
        {
            "id": "R",
            "site": "s",
            "capability": "armor",
            "start": "2025-01-01",
            "end": "2026-01-01",
        }
    ],
}

# U1 on site Jan 1 - Jul 1 (days 0-181), counting from Jan 6 (day 5);
# U2 on site Jun 26 - Jan 1 (days 176-365), counting from Jul 1.
PLAN = Plan(
    scenario="tiny",
    deployments=[
        Deployment("U1", "R", date(2025, 1, 1), date(2025, 7, 1)),
        Deployment("U2", "R", date(2025, 6, 26), date(2026, 1, 1)),
    ],
)


@pytest.fixture
def tiny() -> Any:
    scenario = build_scenario(TINY)
    assert check(scenario, PLAN).valid
    return presence(scenario, PLAN)


def test_presence_kept_is_required_less_the_checkers_gap(tiny: Any) -> None:
    # Only the first five days (U1's handover) are short.
    assert tiny.gap_days == 5
    assert tiny.required_unit_days == 365
    assert tiny.presence_share == pytest.approx(360 / 365)
    (window,) = tiny.gap_windows
    assert (window.start, window.end, window.short) == (
        date(2025, 1, 1),
        date(2025, 1, 6),
        1,
    )


def test_handovers_are_arrivals_inside_the_horizon(tiny: Any) -> None:
    assert tiny.handovers == 2
    assert tiny.handovers_per_year == pytest.approx(2 / (365 / 365.25))


def test_dwell_is_measured_from_the_last_return(tiny: Any) -> None:
    # U2 left home on Jun 16 (Jun 26 less 10 days of transit) after
    # coming home on 2024-10-01: 258 days home after 60 on site.
    (spell,) = tiny.dwell
    assert spell.unit == "U2"
    assert (spell.home_days, spell.preceding_days) == (258, 60)
    assert spell.owed_days == 120
    assert spell.from_history
    assert tiny.dwell_ratio_min == pytest.approx(4.3)
    assert tiny.dwell_ratio_median == pytest.approx(4.3)


def test_units_tied_up_per_unit_kept(tiny: Any) -> None:
    # U1 is held all year (away from day -10, then 362 days of dwell
    # owed from day 191); U2 from leaving home on day 166: 199 days.
    # 564 unit-days held for 360 unit-days kept.
    assert tiny.units_tied_up == {"R": pytest.approx(564 / 360)}
    assert tiny.units_tied_up_mean == pytest.approx(564 / 360)


def test_site_load_counts_the_handover_overlap(tiny: Any) -> None:
    days, load = site_load(tiny.inst, tiny.legs)["s"]
    # 100 troops from day 0, 220 during the overlap days 176-181, then
    # 120 until the horizon's end.
    assert days == [0, 176, 181, 365]
    assert load == [100, 220, 120, 0]


def test_monthly_coverage_of_the_first_month(tiny: Any) -> None:
    months, cells = monthly_coverage(tiny.inst, tiny.coverage)
    assert months[0] == "2025-01" and months[-1] == "2025-12"
    assert cells["R"][0] == (31, 5)
    assert all(short == 0 for _, short in cells["R"][1:])


@pytest.mark.parametrize("make_plan", [gaps_plan, broken_plan])
def test_daily_coverage_adds_up_to_the_checkers_gap_days(
    make_plan: Any,
) -> None:
    scenario = gaps_scenario()
    plan = make_plan()
    result = check(scenario, plan)
    p = presence(scenario, plan)
    assert sum(c.gap_days for c in p.coverage.values()) == (
        result.measures.gap_days
    )
    _, cells = monthly_coverage(p.inst, p.coverage)
    assert sum(short for row in cells.values() for _, short in row) == (
        result.measures.gap_days
    )
    # Each requirement's short days are exactly the checker's windows.
    for req_id, cov in p.coverage.items():
        short_days = {cov.lo + i for i, s in enumerate(cov.short) if s}
        windows = {
            d for s, e, _ in result.gaps.get(req_id, []) for d in range(s, e)
        }
        assert short_days == windows


def test_deployments_the_checker_cannot_place_are_left_out() -> None:
    scenario = build_scenario(TINY)
    plan = Plan(
        scenario="tiny",
        deployments=[
            *PLAN.deployments,
            Deployment("U1", "R", date(2025, 9, 1), date(2025, 9, 1)),
        ],
    )
    p = presence(scenario, plan)
    assert len(p.legs) == 2
    assert p.gap_days == check(scenario, plan).measures.gap_days
