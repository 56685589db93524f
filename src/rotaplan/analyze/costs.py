"""Persistent rotation against permanent stationing, requirement by
requirement: force tied up, presence lost to handovers, moves, money.

Rotation is measured on the plan as written; stationing is the
alternative of basing the same force on site for the requirement's
whole window. Money uses the scenario's cost model
(``rotaplan.model.costs.Costs``); every figure is per calendar year of
the horizon, partial first and last years pro rata.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..model import Instance, Plan, Problem, Scenario
from ..model.costs import Costs
from ..model.instance import Leg

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class BreakEven:
    """When stationing's cumulative cost falls to rotation's.

    ``year`` is the calendar year at whose end stationing has cost no
    more than rotation, or None when it never does at the rates of the
    horizon. ``extrapolated`` says the year lies after the horizon and
    was reached by carrying the horizon's average yearly saving on.
    """

    year: int | None
    extrapolated: bool

    def describe(self) -> str:
        """``2027``, ``2031 (extrapolated)`` or ``never``."""
        if self.year is None:
            return "never"
        if self.extrapolated:
            return f"{self.year} (extrapolated)"
        return str(self.year)


@dataclass(frozen=True)
class RequirementCosts:
    """One persistent requirement under rotation and under stationing."""

    requirement: str
    site: str
    capability: str
    count: int
    window: tuple[int, int]  # counted days, [start, end) in plan days
    units_used: int
    # Unit-days inside the counted window that units are away from home
    # for this requirement or in the dwell they owe after a tour for it.
    tied_up_unit_days: int
    troops_on_station: int
    handover_unit_days: int  # unit-days on site before counting
    moves: int  # one-way unit moves that start inside the horizon
    moves_per_year: float
    rotation_by_year: tuple[float, ...]
    stationing_by_year: tuple[float, ...]
    break_even: BreakEven

    @property
    def units_tied_up(self) -> float:
        """Units held on an average day of the counted window."""
        return self.tied_up_unit_days / (self.window[1] - self.window[0])

    @property
    def rotation_total(self) -> float:
        return sum(self.rotation_by_year)

    @property
    def stationing_total(self) -> float:
        return sum(self.stationing_by_year)


@dataclass(frozen=True)
class CostComparison:
    """Rotation against stationing for every persistent requirement."""

    costs: Costs
    years: tuple[int, ...]
    year_days: tuple[int, ...]  # days of each year inside the horizon
    requirements: tuple[RequirementCosts, ...]
    rotation_by_year: tuple[float, ...]
    stationing_by_year: tuple[float, ...]
    break_even: BreakEven

    @property
    def horizon_years(self) -> float:
        return sum(self.year_days) / DAYS_PER_YEAR

    @property
    def rotation_total(self) -> float:
        return sum(self.rotation_by_year)

    @property
    def stationing_total(self) -> float:
        return sum(self.stationing_by_year)


def persistent_requirements(inst: Instance, costs: Costs) -> list[str]:
    """Requirements whose counted window inside the horizon lasts at
    least ``costs.persistent_min_days``, in scenario order."""
    out = []
    for req in inst.requirements.values():
        lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
        if hi - lo >= costs.persistent_min_days:
            out.append(req.id)
    return out


def calendar_years(inst: Instance) -> list[tuple[int, int, int]]:
    """``(year, first day, end day)`` of each calendar year that meets
    the horizon, clipped to it, in plan days."""
    first = inst.date(0).year
    last = inst.date(inst.horizon_end - 1).year
    out = []
    for year in range(first, last + 1):
        lo = max(0, inst.day(date(year, 1, 1)))
        hi = min(inst.horizon_end, inst.day(date(year + 1, 1, 1)))
        out.append((year, lo, hi))
    return out


def known_legs(inst: Instance, plan: Plan) -> list[Leg]:
    """The plan's deployments the checker measures: known unit and
    requirement, and an end after the start."""
    return [
        inst.leg(d)
        for d in plan.deployments
        if d.unit in inst.units
        and d.requirement in inst.requirements
        and d.end > d.start
    ]


def tied_up_days(inst: Instance, leg: Leg, lo: int, hi: int) -> int:
    """Days of ``[lo, hi)`` the unit is held by ``leg``: away from home
    for it, or at home in the dwell it owes after it."""
    pol = inst.units[leg.unit].policy
    start = leg.start - pol.transit_days
    end = leg.end + pol.transit_days + pol.dwell_after(leg.days)
    return max(0, min(end, hi) - max(start, lo))


def compare_costs(scenario: Scenario, plan: Plan) -> CostComparison:
    """Rotation as planned against permanent stationing.

    Parameters
    ----------
    scenario
        The validated scenario; its ``costs`` section prices both.
    plan
        The plan; deployments with unknown ids or no days on site are
        left out, as the checker leaves them out of its measures.

    Returns
    -------
    CostComparison
        Per persistent requirement and in total, by calendar year.
    """
    inst = Instance.from_scenario(scenario)
    costs = scenario.costs
    homes = {u.id: u.home for u in scenario.units}
    years = calendar_years(inst)
    legs_by_req: dict[str, list[Leg]] = defaultdict(list)
    for leg in known_legs(inst, plan):
        legs_by_req[leg.requirement].append(leg)

    rows = [
        _requirement_costs(
            inst, costs, homes, years, req_id, legs_by_req[req_id]
        )
        for req_id in persistent_requirements(inst, costs)
    ]
    rotation = tuple(
        sum(r.rotation_by_year[i] for r in rows) for i in range(len(years))
    )
    stationing = tuple(
        sum(r.stationing_by_year[i] for r in rows) for i in range(len(years))
    )
    year_days = tuple(hi - lo for _, lo, hi in years)
    overall = (
        break_even(
            [y for y, _, _ in years],
            year_days,
            rotation,
            stationing,
            runs_on=any(r.window[1] == inst.horizon_end for r in rows),
        )
        if rows
        else BreakEven(None, False)
    )
    return CostComparison(
        costs=costs,
        years=tuple(y for y, _, _ in years),
        year_days=year_days,
        requirements=tuple(rows),
        rotation_by_year=rotation,
        stationing_by_year=stationing,
        break_even=overall,
    )


def _requirement_costs(
    inst: Instance,
    costs: Costs,
    homes: dict[str, str],
    years: list[tuple[int, int, int]],
    req_id: str,
    legs: list[Leg],
) -> RequirementCosts:
    req = inst.requirements[req_id]
    lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
    per_day = (
        costs.deployed_per_troop_day
        + costs.rotation_premium_per_troop_year / DAYS_PER_YEAR
    )
    rotation = [0.0] * len(years)
    tied = 0
    handover = 0
    moves = 0
    unit_days = 0
    troop_days = 0
    move_troops = 0
    move_spend = 0.0
    for leg in legs:
        unit = inst.units[leg.unit]
        pol = unit.policy
        price = costs.move_price(homes[leg.unit], req.site)
        tied += tied_up_days(inst, leg, lo, hi)
        handover += max(
            0,
            min(leg.start + pol.handover_days, leg.end, hi)
            - max(leg.start, lo),
        )
        unit_days += leg.days
        troop_days += leg.days * unit.troops
        # A move is priced in the year it starts: leaving home, and
        # leaving the site.
        for depart in (leg.start - pol.transit_days, leg.end):
            if 0 <= depart < inst.horizon_end:
                moves += 1
                move_troops += unit.troops
                move_spend += unit.troops * price
                rotation[_year_index(years, depart)] += unit.troops * price
        for i, (_, y_lo, y_hi) in enumerate(years):
            days = max(0, min(leg.end, y_hi) - max(leg.start, y_lo))
            rotation[i] += days * unit.troops * per_day

    troops_per_unit = (
        troop_days / unit_days if unit_days else _typical_troops(inst, req_id)
    )
    on_station = round(req.count * troops_per_unit)
    move_in = (
        move_spend / move_troops
        if move_troops
        else costs.move_price("", req.site)
    )
    stationing = [0.0] * len(years)
    stationing[_year_index(years, lo)] += on_station * (
        costs.basing_per_troop + move_in
    )
    for i, (_, y_lo, y_hi) in enumerate(years):
        days = max(0, min(hi, y_hi) - max(lo, y_lo))
        stationing[i] += (
            on_station * days * costs.stationing_per_troop_year / DAYS_PER_YEAR
        )
    window_years = (hi - lo) / DAYS_PER_YEAR
    year_days = [y_hi - y_lo for _, y_lo, y_hi in years]
    return RequirementCosts(
        requirement=req_id,
        site=req.site,
        capability=req.capability,
        count=req.count,
        window=(lo, hi),
        units_used=len({leg.unit for leg in legs}),
        tied_up_unit_days=tied,
        troops_on_station=on_station,
        handover_unit_days=handover,
        moves=moves,
        moves_per_year=moves / window_years,
        rotation_by_year=tuple(rotation),
        stationing_by_year=tuple(stationing),
        break_even=break_even(
            [y for y, _, _ in years],
            year_days,
            rotation,
            stationing,
            runs_on=hi == inst.horizon_end,
        ),
    )


def _typical_troops(inst: Instance, req_id: str) -> float:
    """Median troops of the units that may fill a requirement, for one
    that no unit served in the plan."""
    troops = sorted(
        inst.units[u].troops for u, _ in inst.eligible_units(req_id)
    )
    if not troops:
        return 0.0
    mid = len(troops) // 2
    if len(troops) % 2:
        return float(troops[mid])
    return (troops[mid - 1] + troops[mid]) / 2


def _year_index(years: list[tuple[int, int, int]], day: int) -> int:
    for i, (_, lo, hi) in enumerate(years):
        if lo <= day < hi:
            return i
    return len(years) - 1


def break_even(
    years: Sequence[int],
    year_days: Sequence[int],
    rotation: Sequence[float],
    stationing: Sequence[float],
    runs_on: bool = True,
) -> BreakEven:
    """The first year at whose end stationing has cost no more than
    rotation, carried past the horizon at its average yearly saving.

    Parameters
    ----------
    years, year_days
        Calendar years and the days of each inside the horizon.
    rotation, stationing
        Cost of each option in each year; stationing's first year with
        any cost carries the up-front basing.
    runs_on
        Whether the requirement goes on after the horizon, so that
        stationing keeps saving there.
    """
    cum_rotation = cum_stationing = 0.0
    for year, r, s in zip(years, rotation, stationing, strict=True):
        cum_rotation += r
        cum_stationing += s
        # A cent's tolerance keeps float sums from deciding a tie.
        if cum_stationing <= cum_rotation + 0.01:
            return BreakEven(year, False)
    if not runs_on:
        return BreakEven(None, False)
    # The saving per day, over the years after the up-front payment.
    upfront = next((i for i, s in enumerate(stationing) if s > 0), 0)
    later_days = sum(year_days[upfront + 1 :])
    if later_days <= 0:
        return BreakEven(None, False)
    saving_per_day = (
        sum(rotation[upfront + 1 :]) - sum(stationing[upfront + 1 :])
    ) / later_days
    if saving_per_day <= 0:
        return BreakEven(None, False)
    days_more = (cum_stationing - cum_rotation) / saving_per_day
    # The horizon's last year may be partial: its rest comes first.
    last = years[-1]
    spare = (date(last + 1, 1, 1) - date(last, 1, 1)).days - year_days[-1]
    extra_years = math.ceil(max(0.0, days_more - spare) / DAYS_PER_YEAR)
    return BreakEven(last + extra_years, True)


def cost_problems(scenario: Scenario) -> list[Problem]:
    """References in ``costs.moves`` that match nothing: a site id not
    in the scenario, or a home no unit has (a spelling slip, most
    likely, that would silently price nothing)."""
    sites = {s.id for s in scenario.sites}
    homes = {u.home for u in scenario.units}
    problems = []
    for i, entry in enumerate(scenario.costs.moves):
        if entry.site is not None and entry.site not in sites:
            listed = ", ".join(sorted(sites)[:8])
            problems.append(
                Problem(
                    path=f"costs.moves[{i}].site",
                    message=f"unknown site {entry.site!r}",
                    fix=f"use one of the site ids ({listed})",
                )
            )
        if entry.home is not None and entry.home not in homes:
            listed = ", ".join(sorted(h for h in homes if h)[:8])
            problems.append(
                Problem(
                    path=f"costs.moves[{i}].home",
                    message=f"no unit has home {entry.home!r}",
                    fix=f"write a unit's home as given ({listed})",
                )
            )
    return problems
