"""Re-planning against a published plan (``solve(..., keep=plan)``).

Among the optimal plans (gap, substitution penalty, deployments), the
optimizer keeps the most published deployments (same unit, requirement, start
and end) and reports what changed with ids and ISO dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from rotaplan.io import load_plan, write_plan
from rotaplan.model import Deployment, Plan, Scenario, build_scenario
from rotaplan.solve import Result, solve

EXAMPLE = Path(__file__).parents[1] / "examples" / "lithuania.yaml"


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def optimize(scenario: Scenario, keep: Plan | None = None) -> Result:
    return solve(scenario, method="cpsat", time_limit=60, threads=2, keep=keep)


@pytest.fixture(scope="module")
def published() -> tuple[Scenario, Result]:
    scenario = build_scenario(example_data())
    result = optimize(scenario)
    assert result.status == "optimal"
    return scenario, result


def planned(plan: Plan) -> list[Deployment]:
    return sorted(d for d in plan.deployments if not d.fixed)


def test_published_optimal_plan_is_kept_unchanged(
    published: tuple[Scenario, Result], tmp_path: Path
) -> None:
    scenario, first = published
    # Through a file, as a planner would publish it.
    path = tmp_path / "published.json"
    write_plan(first.plan, path)
    again = optimize(scenario, keep=load_plan(path))
    assert again.check.valid
    assert planned(again.plan) == planned(first.plan)
    changes = again.details["changes"]
    # The scenario's fixed deployments are published ones kept too.
    assert changes == {
        "kept": len(first.plan.deployments),
        "moved": [],
        "removed": [],
        "added": [],
    }
    assert again.objective.key() == first.objective.key()


def blackout_over(data: dict[str, Any], d: Deployment) -> dict[str, Any]:
    """The scenario with ``d``'s unit out of service during ``d``."""
    for u in data["units"]:
        if u["id"] == d.unit:
            u.setdefault("blackouts", []).append(
                {
                    "start": d.start,
                    "end": d.end,
                    "reason": "broke down",
                }
            )
    return data


def test_unavailable_unit_changes_few_deployments(
    published: tuple[Scenario, Result],
) -> None:
    _, first = published
    # A tour in the middle of the plan can no longer happen.
    tours = planned(first.plan)
    lost = tours[len(tours) // 2]
    changed = build_scenario(blackout_over(example_data(), lost))
    result = optimize(changed, keep=first.plan)
    fresh = optimize(changed)
    assert result.check.valid
    # Still optimal in gap and penalty...
    assert result.objective.primary == pytest.approx(fresh.objective.primary)
    assert result.objective.substitution_penalty == pytest.approx(
        fresh.objective.substitution_penalty
    )
    # ...and the lost tour is all that had to go: kept + not kept add up,
    # and at most a couple of others move.
    changes = result.details["changes"]
    not_kept = len(changes["moved"]) + len(changes["removed"])
    assert changes["kept"] + not_kept == len(first.plan.deployments)
    assert 1 <= not_kept <= 3
    assert lost not in planned(result.plan)
    gone = {(c["unit"], c["start"]) for c in changes["removed"]}
    gone |= {(c["unit"], c["from"]["start"]) for c in changes["moved"]}
    assert (lost.unit, lost.start.isoformat()) in gone


def test_changes_name_ids_and_iso_dates(
    published: tuple[Scenario, Result],
) -> None:
    scenario, first = published
    tours = planned(first.plan)
    # Publish one tour a week later than the optimizer would: a tour
    # that is still allowed but no longer the kept one.
    late = tours[-1]
    shifted = Deployment(
        late.unit,
        late.requirement,
        late.start + timedelta(days=7),
        late.end,
    )
    plan = Plan(
        scenario=first.plan.scenario,
        deployments=[d for d in first.plan.deployments if d != late]
        + [shifted],
    )
    result = optimize(scenario, keep=plan)
    changes = result.details["changes"]
    for entry in changes["removed"] + changes["added"]:
        assert set(entry) == {"unit", "requirement", "start", "end"}
        date.fromisoformat(entry["start"])
        date.fromisoformat(entry["end"])
    for entry in changes["moved"]:
        assert set(entry) == {"unit", "requirement", "from", "to"}
        date.fromisoformat(entry["from"]["start"])
        date.fromisoformat(entry["to"]["end"])
    assert changes["kept"] >= len(tours) - 2
    # Re-planning is reproducible by default, like a fresh solve: a
    # work limit of a quarter of the time limit.
    assert result.plan.solver["work_limit"] == 15.0
    assert result.plan.solver["work_limit_auto"] is True
    assert result.plan.solver["reproducible"] is True


def test_deployments_of_a_unit_no_longer_there_are_removed(
    published: tuple[Scenario, Result],
) -> None:
    _, first = published
    tours = planned(first.plan)
    data = example_data()
    gone = tours[0].unit
    if gone in {f["unit"] for f in data["fixed"]}:
        pytest.skip("the first tour's unit has a fixed deployment")
    data["units"] = [u for u in data["units"] if u["id"] != gone]
    result = optimize(build_scenario(data), keep=first.plan)
    assert result.check.valid
    removed = {
        (c["unit"], c["start"]) for c in result.details["changes"]["removed"]
    }
    for tour in tours:
        if tour.unit == gone:
            assert (gone, tour.start.isoformat()) in removed


def without_armor(count: int) -> Scenario:
    """The example less its first ``count`` armored battalions."""
    data = example_data()
    gone = [
        u["id"]
        for u in data["units"]
        if u["capability"] == "armored-battalion"
    ][:count]
    data["units"] = [u for u in data["units"] if u["id"] not in gone]
    data["fixed"] = [f for f in data["fixed"] if f["unit"] not in gone]
    return build_scenario(data)


def test_a_replan_is_as_good_as_a_fresh_plan_and_repeats(
    published: tuple[Scenario, Result],
) -> None:
    # Three battalions fewer leave gap days: re-planning must find as
    # few as a fresh solve, and prove it, before it counts changes. A
    # rerun gives the same plan.
    _, first = published
    scenario = without_armor(3)
    fresh = optimize(scenario)
    assert fresh.status == "optimal"
    assert fresh.objective.weighted_gap_days > 0
    replans = [optimize(scenario, keep=first.plan) for _ in range(2)]
    for result in replans:
        assert result.check.valid
        assert result.status == "optimal"
        # Optimal means optimal on every level: no more deployments
        # than a fresh plan.
        assert result.check.measures.key() == fresh.check.measures.key()
        assert result.plan.solver["reproducible"] is True
    assert replans[0].plan.deployments == replans[1].plan.deployments
    assert replans[0].details["changes"] == replans[1].details["changes"]


def counted(changes: dict[str, Any]) -> int:
    """Published deployments the changes account for."""
    return changes["kept"] + len(changes["moved"]) + len(changes["removed"])


def test_the_scenario_alone_says_what_is_fixed(
    published: tuple[Scenario, Result],
) -> None:
    # The scenario no longer fixes the tours the published plan flags
    # as fixed: they are published tours like the others, and every
    # one is kept, moved or removed.
    _, first = published
    data = example_data()
    data["fixed"] = []
    result = optimize(build_scenario(data), keep=first.plan)
    assert result.check.valid
    changes = result.details["changes"]
    assert counted(changes) == len(first.plan.deployments)
    kept = {(d.unit, d.start) for d in result.plan.deployments}
    flagged = [d for d in first.plan.deployments if d.fixed]
    assert flagged
    lost = [d for d in flagged if (d.unit, d.start) not in kept]
    # Whatever the new plan does with them, the changes say it.
    named = {(c["unit"], c["start"]) for c in changes["removed"]}
    named |= {(c["unit"], c["from"]["start"]) for c in changes["moved"]}
    for d in lost:
        assert (d.unit, d.start.isoformat()) in named


def test_a_deployment_listed_twice_is_kept_once(
    published: tuple[Scenario, Result],
) -> None:
    scenario, first = published
    twice = Plan(
        scenario=first.plan.scenario,
        deployments=[*first.plan.deployments, planned(first.plan)[3]],
    )
    result = optimize(scenario, keep=twice)
    assert result.details["changes"] == {
        "kept": len(first.plan.deployments),
        "moved": [],
        "removed": [],
        "added": [],
    }


def test_a_tour_the_scenario_now_fixes_at_other_dates_is_moved_there(
    published: tuple[Scenario, Result],
) -> None:
    _, first = published
    tour = planned(first.plan)[len(planned(first.plan)) // 2]
    data = example_data()
    later = tour.start + timedelta(days=16)
    data["fixed"].append(
        {
            "unit": tour.unit,
            "requirement": tour.requirement,
            "start": later,
            "end": tour.end,
        }
    )
    result = optimize(build_scenario(data), keep=first.plan)
    assert result.check.valid
    changes = result.details["changes"]
    assert {
        "unit": tour.unit,
        "requirement": tour.requirement,
        "from": {"start": tour.start.isoformat(), "end": tour.end.isoformat()},
        "to": {"start": later.isoformat(), "end": tour.end.isoformat()},
    } in changes["moved"]
    assert counted(changes) == len(first.plan.deployments)


def test_only_the_optimizer_keeps_a_published_plan(
    published: tuple[Scenario, Result],
) -> None:
    scenario, first = published
    with pytest.raises(ValueError, match="keep needs the optimizer"):
        solve(scenario, method="greedy", keep=first.plan)


def test_a_tour_made_redundant_by_a_new_fixed_one_is_dropped(
    published: tuple[Scenario, Result],
) -> None:
    # Another battalion is now fixed on a published tour's dates. Keeping
    # the published tour as well would put two battalions where one is
    # asked: more deployments than the optimum, so a re-plan called
    # optimal must not keep it.
    _, first = published
    armor = [d for d in planned(first.plan) if d.requirement == "LT-ARMOR"]
    tour = armor[len(armor) // 2]
    busy = {d.unit for d in first.plan.deployments}
    data = example_data()
    spare = [
        u["id"]
        for u in data["units"]
        if u["capability"] == "armored-battalion"
        and u["id"] != tour.unit
        and u["id"] not in busy
    ]
    assert spare, "the example leaves an armored battalion at home"
    data["fixed"].append(
        {
            "unit": spare[0],
            "requirement": tour.requirement,
            "start": tour.start,
            "end": tour.end,
        }
    )
    scenario = build_scenario(data)
    fresh = optimize(scenario)
    result = optimize(scenario, keep=first.plan)
    assert result.check.valid
    assert fresh.status == result.status == "optimal"
    assert result.check.measures.key() == fresh.check.measures.key()
    assert (tour.unit, tour.start) not in {
        (d.unit, d.start) for d in result.plan.deployments
    }
