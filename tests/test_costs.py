"""The cost model under ``costs:`` and rotation against stationing."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from rotaplan import Deployment, Plan, build_scenario
from rotaplan.analyze.check import check
from rotaplan.analyze.costs import break_even, compare_costs, cost_problems
from rotaplan.model import ScenarioError
from rotaplan.model.costs import Costs

# One site, one persistent requirement for all of 2025 (365 days), two
# units of 100 troops relaying through it. Easy prices: a troop-day on
# site costs 10, the premium 365.25 a year (1 a day), a move 100 a
# troop, basing 1,000 a troop and stationing 5 a troop-day.
BASE: dict[str, Any] = {
    "name": "costs",
    "horizon": {"start": "2025-01-01", "end": "2026-01-01"},
    "defaults": {
        "transit_days": 10,
        "handover_days": 5,
        "min_deployment_days": 30,
        "max_deployment_days": 200,
        "dwell_ratio": 2.0,
    },
    "sites": [{"id": "s"}],
    "units": [
        {"id": "U1", "capability": "armor", "troops": 100, "home": "A"},
        {"id": "U2", "capability": "armor", "troops": 100, "home": "B"},
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
    "costs": {
        "deployed_per_troop_day": 10,
        "rotation_premium_per_troop_year": 365.25,
        "move_per_troop": 100,
        "basing_per_troop": 1000,
        "stationing_per_troop_year": 5 * 365.25,
    },
}

# U1 on site days 0..181, U2 days 176..365 (the horizon's end).
PLAN = Plan(
    scenario="costs",
    deployments=[
        Deployment("U1", "R", date(2025, 1, 1), date(2025, 7, 1)),
        Deployment("U2", "R", date(2025, 6, 26), date(2026, 1, 1)),
    ],
)


def test_defaults_come_from_the_published_figures() -> None:
    costs = build_scenario(_without_costs()).costs
    # Deni 2017: a stationed ABCT costs USD 1.05bn a year; with 3,750
    # troops that is USD 280,000 a troop-year, also the daily rate of a
    # troop on site before the premium.
    assert costs.stationing_per_troop_year == pytest.approx(280_000)
    assert costs.deployed_per_troop_day * 365.25 == pytest.approx(
        280_000, rel=1e-4
    )
    # Deni: USD 70-135M a year more for rotating, i.e. 20-40k a soldier.
    assert 20_000 <= costs.rotation_premium_per_troop_year <= 40_000
    # Basing USD 300-600M up front for an ABCT of 3,300-4,200 troops.
    assert 300e6 / 4200 <= costs.basing_per_troop <= 600e6 / 3300
    assert costs.currency == "USD"


def _without_costs() -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    del data["costs"]
    return data


def test_an_unknown_cost_key_is_refused_with_its_path() -> None:
    data = copy.deepcopy(BASE)
    data["costs"]["basing_per_troops"] = 5
    with pytest.raises(ScenarioError) as caught:
        build_scenario(data)
    assert [p.path for p in caught.value.problems] == [
        "costs.basing_per_troops"
    ]


def test_a_negative_price_is_refused_with_its_path() -> None:
    data = copy.deepcopy(BASE)
    data["costs"]["moves"] = [{"site": "s", "per_troop": -1}]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(data)
    assert [p.path for p in caught.value.problems] == [
        "costs.moves[0].per_troop"
    ]


def test_the_most_specific_move_price_wins() -> None:
    costs = Costs(
        move_per_troop=1,
        moves=[
            {"home": "A", "per_troop": 2},
            {"site": "s", "per_troop": 3},
            {"home": "A", "site": "s", "per_troop": 4},
        ],
    )
    assert costs.move_price("A", "s") == 4
    assert costs.move_price("B", "s") == 3
    assert costs.move_price("A", "t") == 2
    assert costs.move_price("B", "t") == 1


def test_fields_given_in_the_scenario_are_told_from_defaults() -> None:
    costs = build_scenario(BASE).costs
    assert not costs.is_default("basing_per_troop")
    assert costs.is_default("currency")


def test_cost_references_must_match_a_site_and_a_home() -> None:
    data = copy.deepcopy(BASE)
    data["costs"]["moves"] = [
        {"home": "A", "site": "s", "per_troop": 1},
        {"home": "Fort Nowhere", "site": "t", "per_troop": 1},
    ]
    problems = cost_problems(build_scenario(data))
    assert [p.path for p in problems] == [
        "costs.moves[1].site",
        "costs.moves[1].home",
    ]


def test_rotation_and_stationing_from_the_plan() -> None:
    scenario = build_scenario(BASE)
    assert check(scenario, PLAN).valid
    c = compare_costs(scenario, PLAN)
    (r,) = c.requirements
    # Troop-days on site: (181 + 189) * 100 = 37,000, at 10 + 1 a day.
    # Moves inside the horizon: U1 leaving the site (day 181) and U2
    # leaving home (day 166); U1 left home and U2 leaves the site
    # outside it. 2 moves * 100 troops * 100.
    assert r.rotation_total == pytest.approx(37_000 * 11 + 20_000)
    assert r.moves == 2
    # Stationing 100 troops: basing plus a move in at the plan's average
    # move price (100), then 5 a troop-day for 365 days.
    assert r.troops_on_station == 100
    assert r.stationing_total == pytest.approx(100 * 1100 + 100 * 365 * 5)
    # Handover: 5 days for each arrival inside the window.
    assert r.handover_unit_days == 10
    # Held: U1 all 365 days (away from day -10, then owes 362 days of
    # dwell); U2 from leaving home on day 166 to the end, 199 days.
    assert r.tied_up_unit_days == 365 + 199
    assert r.units_tied_up == pytest.approx(564 / 365)
    assert r.units_used == 2
    # Stationing costs less in its first and only year.
    assert c.break_even.year == 2025
    assert not c.break_even.extrapolated
    assert c.years == (2025,)


def test_a_plan_without_tours_costs_nothing_to_rotate() -> None:
    scenario = build_scenario(BASE)
    c = compare_costs(scenario, Plan(scenario="costs", deployments=[]))
    (r,) = c.requirements
    assert r.rotation_total == 0
    # The stationed force takes the size of the units able to serve.
    assert r.troops_on_station == 100
    assert c.break_even.year is None


def test_short_requirements_are_not_compared() -> None:
    data = copy.deepcopy(BASE)
    data["requirements"][0]["end"] = "2025-12-31"  # 364 days
    assert compare_costs(build_scenario(data), PLAN).requirements == ()


def test_break_even_inside_the_horizon() -> None:
    # Cumulative: 100 vs 250, 200 vs 300, 300 vs 350, 400 vs 390.
    found = break_even(
        [2025, 2026, 2027, 2028],
        [365, 365, 365, 366],
        [100, 100, 100, 100],
        [250, 50, 50, 40],
    )
    assert (found.year, found.extrapolated) == (2028, False)


def test_break_even_after_the_horizon_is_extrapolated() -> None:
    # Saving 50 a year after the up-front year, 50 behind at the end:
    # one more full year.
    found = break_even(
        [2025, 2026, 2027], [365, 365, 365], [100, 100, 100], [250, 50, 50]
    )
    assert (found.year, found.extrapolated) == (2028, True)
    assert found.describe() == "2028 (extrapolated)"


def test_no_break_even_without_a_yearly_saving() -> None:
    found = break_even([2025, 2026], [365, 365], [100, 100], [250, 100])
    assert found.year is None
    assert found.describe() == "never"


def test_no_extrapolation_for_a_requirement_that_ends() -> None:
    found = break_even(
        [2025, 2026, 2027],
        [365, 365, 365],
        [100, 100, 100],
        [250, 50, 50],
        runs_on=False,
    )
    assert found.year is None
