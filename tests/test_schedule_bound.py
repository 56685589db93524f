"""The bound from whole unit schedules priced day by day, and the plans
combined from the schedules it finds.

A unit's best schedule at given prices is checked against exhaustive
search over its tours (and by the checker); the bound against a
hand-derived optimum and against plans of both planners judged by the
checker; the bound on deployments against exhaustive search and those
plans; the combined plans by the checker.
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rotaplan.analyze.check import check
from rotaplan.model import Instance, Scenario
from rotaplan.solve import solve
from rotaplan.solve.cpsat.schedule_bound import (
    _Pricing,
    combine_schedules,
    schedule_bound,
)
from rotaplan.solve.shortfall import primary_of
from strategies import examples, scenarios
from test_cpsat import (
    dwell_bound_scenario,
    iso,
    one_site,
    requirement,
    unit,
)
from test_lns import as_plan, greedy_legs
from test_pool_bound import cycle_bound, three_units_one_post
from test_site_bound import assert_no_plan_below

HORIZON = 40


def best_by_search(
    inst: Instance, unit_id: str, earn: np.ndarray, per_tour: float = 0.0
) -> float:
    """The most one unit can earn, ``earn[t]`` per counted day less
    ``per_tour`` per tour, over every sequence of tours the rules allow
    it (H2 to H5, H7)."""
    u = inst.units[unit_id]
    pol = u.policy
    t, h = pol.transit_days, pol.handover_days
    req = next(iter(inst.requirements.values()))
    lengths = range(pol.min_deployment_days, pol.max_deployment_days + 1)
    first = max(0, req.start - h)
    if u.ready_from is not None:
        first = max(first, u.ready_from + t)

    @functools.cache
    def best(earliest: int) -> float:
        out = 0.0
        for start in range(earliest, inst.horizon_end):
            for d in lengths:
                if start + d > req.end:
                    continue
                if not u.away_allowed(start - t, start + d + t):
                    continue
                counted = earn[
                    max(start + h, req.start) : min(start + d, req.end)
                ].sum()
                after = start + d + 2 * t + pol.dwell_after(d)
                out = max(out, float(counted) - per_tour + best(after))
        return out

    return best(first)


@st.composite
def one_unit_scenarios(draw: st.DrawFn) -> Scenario:
    """One unit, one requirement within a 40-day horizon; some history,
    a blackout, short tours."""
    transit, handover = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    # A unit must be able to count past its handover.
    shortest = handover + draw(st.integers(1, 4))
    more: dict[str, object] = {}
    owed = draw(st.none() | st.integers(1, 6))
    if owed is not None:
        # Back from a tour of ``owed`` days the day before the horizon.
        more = {"last_return": iso(-1), "last_deployment_days": owed}
    blackout = draw(
        st.none() | st.tuples(st.integers(0, 35), st.integers(1, 6))
    )
    if blackout is not None:
        more["blackouts"] = [
            {"start": iso(blackout[0]), "end": iso(sum(blackout))}
        ]
    return one_site(
        [unit("A", **more)],
        [
            requirement(
                draw(st.integers(0, 10)), draw(st.integers(20, HORIZON))
            )
        ],
        horizon=HORIZON,
        policy={
            "transit_days": transit,
            "handover_days": handover,
            "min_deployment_days": shortest,
            "max_deployment_days": shortest + draw(st.integers(0, 4)),
            "dwell_ratio": draw(st.sampled_from([0.5, 1.0, 2.0])),
        },
    )


@settings(max_examples=examples(60), deadline=None)
@given(
    scenario=one_unit_scenarios(),
    prices=st.lists(
        st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0]),
        min_size=HORIZON,
        max_size=HORIZON,
    ),
    per_tour=st.sampled_from([0.0, 0.3, 2.0]),
)
def test_a_units_best_schedule_matches_exhaustive_search(
    scenario: Scenario, prices: list[float], per_tour: float
) -> None:
    inst = Instance.from_scenario(scenario)
    pricing = _Pricing(inst)
    lo, hi = inst.requirements["R"].start, inst.requirements["R"].end
    earn = np.array(prices[lo:hi])
    prefix = pricing.earnings_prefix({("R",): earn})
    value, schedule = pricing.best_schedule("A", prefix, per_tour)
    day_prices = np.zeros(HORIZON)
    day_prices[lo:hi] = earn
    searched = best_by_search(inst, "A", day_prices, per_tour)
    assert abs(value - searched) < 1e-9
    # The schedule is one the rules allow, and earns that much.
    verdict = check(scenario, as_plan(scenario, inst, list(schedule.legs)))
    assert verdict.valid, verdict.violations
    h = inst.units["A"].policy.handover_days
    earned = sum(
        day_prices[max(x.start + h, lo) : min(x.end, hi)].sum()
        for x in schedule.legs
    )
    assert abs(earned - per_tour * len(schedule.legs) - value) < 1e-9


@settings(max_examples=examples(40), deadline=None)
@given(scenario=one_unit_scenarios())
def test_fewest_deployments_at_the_optimum_match_exhaustive_search(
    scenario: Scenario,
) -> None:
    # With one unit the relaxation is exact, for the gap days and for
    # the deployments at the fewest gap days alike. A price per tour
    # far under a day, 0.001, takes the fewest tours among the
    # schedules that count the most days.
    inst = Instance.from_scenario(scenario)
    req = inst.requirements["R"]
    earn = np.zeros(HORIZON)
    earn[req.start : req.end] = 1.0
    most = best_by_search(inst, "A", earn)
    fewest = round((most - best_by_search(inst, "A", earn, 0.001)) / 0.001)
    optimum = (req.end - req.start) - most
    # Under a day's gap shared among every tour the unit could make.
    found = schedule_bound(inst, [], seconds=30, per_deployment=0.05)
    assert found is not None and found.converged
    assert abs(found.bound - optimum) < 1e-3
    assert found.fewest_deployments(optimum) == fewest


@settings(max_examples=examples(60), deadline=None)
@given(scenario=scenarios(), seed=st.integers(0, 2**16))
def test_units_sharing_a_dynamic_program_get_their_own_best(
    scenario: Scenario, seed: int
) -> None:
    # Units that differ only in their first day share the earliest's
    # dynamic program; each must still get what its own would give.
    inst = Instance.from_scenario(scenario)
    pricing = _Pricing(inst)
    rng = np.random.default_rng(seed)
    prices = {
        need.key: rng.choice([0.0, 0.5, 2.0], size=need.hi - need.lo)
        for need in pricing.needs
    }
    prefix = pricing.earnings_prefix(prices)
    shared = pricing.best_schedules(prefix, 0.1)
    for (value, schedule), data in zip(
        shared, pricing.units.values(), strict=True
    ):
        own = pricing._follow(
            data, data, *pricing._backward(data, prefix, 0.1)
        )
        assert abs(value - own[0]) < 1e-9
        assert schedule.unit == data.unit.id


def test_one_unit_owing_dwell_is_bounded_exactly() -> None:
    # 220 of 400 days short in every plan (see the scenario); with one
    # unit the relaxation is exact.
    inst = Instance.from_scenario(dwell_bound_scenario())
    found = schedule_bound(inst, [], seconds=30)
    assert found is not None and found.converged
    assert abs(found.bound - 220) < 1e-5


def test_whole_schedules_see_more_than_rotation_cycles() -> None:
    # Three units hold the post 270 of every 320 days once relieving one
    # another; the cycle bound lets each be at its best at both ends of
    # every stretch, the schedules cannot. Every plan of both planners
    # stays at or above the stronger bound.
    scenario = three_units_one_post()
    inst = Instance.from_scenario(scenario)
    found = schedule_bound(inst, greedy_legs(scenario, inst), seconds=60)
    assert found is not None and found.converged
    assert found.bound > cycle_bound(inst) + 1
    assert_no_plan_below(scenario, found.bound)


def test_a_bound_cut_short_goes_on_to_the_same_bound() -> None:
    # The solver stops the column generation to combine its schedules,
    # then goes on from where it stopped.
    scenario = three_units_one_post()
    inst = Instance.from_scenario(scenario)
    start = greedy_legs(scenario, inst)
    whole = schedule_bound(inst, start, seconds=60, per_deployment=0.02)
    cut = schedule_bound(inst, start, 60, rounds=1, per_deployment=0.02)
    assert whole is not None and whole.converged
    assert cut is not None and not cut.converged
    resumed = schedule_bound(inst, start, seconds=60, resume=cut)
    assert resumed is not None and resumed.converged
    assert resumed.iterations > cut.iterations
    assert abs(resumed.weighted - whole.weighted) < 1e-3
    assert resumed.fewest_deployments(380) == whole.fewest_deployments(380)


def test_the_optimizer_reports_the_stronger_bound() -> None:
    scenario = three_units_one_post()
    inst = Instance.from_scenario(scenario)
    result = solve(scenario, method="cpsat", time_limit=20, threads=1)
    verdict = check(scenario, result.plan)
    assert verdict.valid, verdict.violations
    assert result.bound > cycle_bound(inst) + 1
    assert result.bound <= verdict.measures.primary + 1e-6
    # The same prices bound the deployments at the optimum: every level
    # is proved.
    assert result.status == "optimal"
    assert result.objective == verdict.measures


def test_combined_schedules_give_a_valid_plan_no_worse_than_the_start() -> (
    None
):
    scenario = three_units_one_post()
    inst = Instance.from_scenario(scenario)
    start = greedy_legs(scenario, inst)
    found = schedule_bound(inst, start, seconds=5)
    assert found is not None
    legs, _ = combine_schedules(found, 10, None)
    assert legs is not None
    verdict = check(scenario, as_plan(scenario, inst, legs))
    assert verdict.valid, verdict.violations
    assert verdict.measures.primary <= primary_of(inst, start) + 1e-9


@settings(max_examples=examples(30), deadline=None)
@given(scenario=scenarios())
def test_no_valid_plan_is_below_the_schedule_bound(scenario: Scenario) -> None:
    inst = Instance.from_scenario(scenario)
    found = schedule_bound(
        inst, greedy_legs(scenario, inst), seconds=5, per_deployment=0.02
    )
    if found is None:
        return
    plans = [
        solve(scenario, method=method, time_limit=3, threads=1).plan
        for method in ("greedy", "cpsat")
    ]
    for plan in plans:
        verdict = check(scenario, plan)
        assert verdict.valid, verdict.violations
    legs_found, _ = combine_schedules(found, 2, None)
    if legs_found is not None:
        plan = as_plan(scenario, inst, [*legs_found, *inst.fixed])
        verdict = check(scenario, plan)
        # Site capacity is the caller's to check; every other rule holds.
        rules = {v.rule for v in verdict.violations}
        assert rules <= {"H6"}, verdict.violations
        plans.append(plan)
    for plan in plans:
        measures = check(scenario, plan).measures
        assert found.bound <= measures.primary + 1e-6
        # No plan has fewer deployments than the bound allows at its
        # gap days.
        assert measures.deployments >= found.fewest_deployments(
            measures.primary
        )
