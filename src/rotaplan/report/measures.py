"""The numbers of the presence report, computed once for every format.

Gap days, gap windows and exercise gaps are the checker's
(``rotaplan.analyze.check.check``); presence kept is derived from its
gap days. The rest (handovers, dwell, site load, daily coverage) is
computed here from the plan with the contract's definitions, and the
daily coverage is cross-checked against the checker's total so that no
report can show a number the checker would not sign.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ..analyze.check import CheckResult, check
from ..analyze.costs import (
    DAYS_PER_YEAR,
    CostComparison,
    compare_costs,
    known_legs,
)
from ..model import Instance, Plan, Scenario
from ..model.instance import Leg


@dataclass(frozen=True)
class GapWindow:
    """Days in a row a requirement is short, ``[start, end)``."""

    requirement: str
    site: str
    start: date
    end: date
    short: int  # most units short on a day of the window

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class DwellSpell:
    """A unit's time at home before a tour, against the tour before it.

    ``from_history`` marks a spell measured from the scenario's
    ``last_return`` and ``last_deployment_days`` rather than from a
    deployment in the plan.
    """

    unit: str
    component: str
    next_start: date  # first day on site of the tour that ends the spell
    home_days: int
    preceding_days: int  # days on site of the tour before the spell
    owed_days: int
    from_history: bool

    @property
    def ratio(self) -> float:
        """Days at home per day on site before (the x of BOG:Dwell 1:x)."""
        return self.home_days / self.preceding_days


@dataclass(frozen=True)
class Coverage:
    """Units short of a requirement on each counted day."""

    requirement: str
    lo: int  # first counted day (plan days)
    short: np.ndarray  # short[i] is for day lo + i
    count: int

    @property
    def required_unit_days(self) -> int:
        return self.count * len(self.short)

    @property
    def gap_days(self) -> int:
        return int(self.short.sum())


@dataclass(frozen=True)
class Presence:
    """Everything the presence report shows, for one plan.

    Attributes
    ----------
    result
        The checker's verdict; its measures are the report's.
    required_unit_days
        Sum over requirements of ``count`` times counted days.
    handovers
        Arrivals on site inside the horizon; each costs the unit its
        ``handover_days`` before it counts.
    """

    scenario: Scenario
    plan: Plan
    inst: Instance
    legs: tuple[Leg, ...]
    result: CheckResult
    coverage: dict[str, Coverage]
    gap_windows: tuple[GapWindow, ...]
    required_unit_days: int
    handovers: int
    dwell: tuple[DwellSpell, ...]
    costs: CostComparison

    @property
    def gap_days(self) -> int:
        return self.result.measures.gap_days

    @property
    def presence_share(self) -> float:
        """Share of required unit-days with the unit effective on site."""
        if not self.required_unit_days:
            return 1.0
        return 1.0 - self.gap_days / self.required_unit_days

    @property
    def horizon_years(self) -> float:
        return self.inst.horizon_end / DAYS_PER_YEAR

    @property
    def handovers_per_year(self) -> float:
        return self.handovers / self.horizon_years

    @property
    def units_tied_up(self) -> dict[str, float | None]:
        """Per persistent requirement, units held for each unit kept on
        site: tied-up unit-days over the unit-days kept (required less
        gap); None when nothing was kept."""
        out: dict[str, float | None] = {}
        for r in self.costs.requirements:
            cov = self.coverage[r.requirement]
            kept = cov.required_unit_days - cov.gap_days
            out[r.requirement] = r.tied_up_unit_days / kept if kept else None
        return out

    @property
    def units_tied_up_mean(self) -> float | None:
        values = [v for v in self.units_tied_up.values() if v is not None]
        return statistics.fmean(values) if values else None

    @property
    def dwell_ratio_min(self) -> float | None:
        return min((s.ratio for s in self.dwell), default=None)

    @property
    def dwell_ratio_median(self) -> float | None:
        ratios = [s.ratio for s in self.dwell]
        return statistics.median(ratios) if ratios else None

    def headline(self) -> dict[str, Any]:
        """The headline numbers, as written to the report's JSON block."""
        m = self.result.measures
        return {
            "valid": self.result.valid,
            "violations": [str(v) for v in self.result.violations],
            "measures": m.as_dict(),
            "required_unit_days": self.required_unit_days,
            "effective_unit_days": self.required_unit_days - m.gap_days,
            "presence_pct": round(100 * self.presence_share, 2),
            "gap_days": m.gap_days,
            "gap_windows": [
                {
                    "requirement": g.requirement,
                    "site": g.site,
                    "start": g.start.isoformat(),
                    "end": g.end.isoformat(),
                    "days": g.days,
                    "short": g.short,
                }
                for g in self.gap_windows
            ],
            "exercise_gap_days": m.exercise_gap_days,
            "exercise_gaps": dict(self.result.exercise_gaps),
            "handovers": self.handovers,
            "horizon_years": round(self.horizon_years, 4),
            "handovers_per_year": round(self.handovers_per_year, 2),
            "units_tied_up": {
                k: _round(v, 2) for k, v in self.units_tied_up.items()
            },
            "units_tied_up_mean": _round(self.units_tied_up_mean, 2),
            "dwell_ratio_min": _round(self.dwell_ratio_min, 2),
            "dwell_ratio_median": _round(self.dwell_ratio_median, 2),
            "rotation_cost": round(self.costs.rotation_total),
            "stationing_cost": round(self.costs.stationing_total),
            "break_even_year": self.costs.break_even.year,
            "break_even_extrapolated": self.costs.break_even.extrapolated,
            "currency": self.costs.costs.currency,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def presence(
    scenario: Scenario, plan: Plan, result: CheckResult | None = None
) -> Presence:
    """Measure a plan for the presence report.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan, valid or not; deployments the checker cannot place
        (unknown ids, no days on site) are left out as it leaves them.
    result
        The checker's verdict on this plan, when already at hand.

    Returns
    -------
    Presence
    """
    if result is None:
        result = check(scenario, plan)
    inst = Instance.from_scenario(scenario)
    legs = tuple(
        sorted(
            known_legs(inst, plan),
            key=lambda x: (x.start, x.unit, x.requirement, x.end),
        )
    )
    coverage = daily_coverage(inst, result)
    windows = sorted(
        (
            GapWindow(
                requirement=req_id,
                site=inst.requirements[req_id].site,
                start=inst.date(s),
                end=inst.date(e),
                short=short,
            )
            for req_id, runs in result.gaps.items()
            for s, e, short in runs
        ),
        key=lambda g: (g.start, g.requirement),
    )
    return Presence(
        scenario=scenario,
        plan=plan,
        inst=inst,
        legs=legs,
        result=result,
        coverage=coverage,
        gap_windows=tuple(windows),
        required_unit_days=sum(
            c.required_unit_days for c in coverage.values()
        ),
        handovers=sum(1 for leg in legs if 0 <= leg.start < inst.horizon_end),
        dwell=tuple(dwell_spells(inst, legs)),
        costs=compare_costs(scenario, plan),
    )


def daily_coverage(inst: Instance, result: CheckResult) -> dict[str, Coverage]:
    """Units short of each requirement on each counted day, as the
    checker counted them (contract section 4)."""
    return {
        req_id: Coverage(req_id, lo, short, inst.requirements[req_id].count)
        for req_id, (lo, short) in result.shortfall.items()
    }


def dwell_spells(inst: Instance, legs: tuple[Leg, ...]) -> list[DwellSpell]:
    """Each unit's spells at home between tours, in order of start.

    A spell runs from the day the unit is home from one tour to the day
    it leaves for the next (transit excluded, as in rule H3); the first
    tour's spell counts from ``last_return`` when the scenario gives it.
    """
    by_unit: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_unit[leg.unit].append(leg)
    out: list[DwellSpell] = []
    for unit_id in sorted(by_unit):
        unit = inst.units[unit_id]
        pol = unit.policy
        tours = sorted(by_unit[unit_id], key=lambda x: (x.start, x.end))
        back: int | None = unit.last_return
        before = unit.last_deployment_days if back is not None else None
        from_history = True
        for leg in tours:
            # Only spells the plan's horizon sees: home before a tour
            # that leaves after the horizon starts.
            leaves = leg.start - pol.transit_days
            if back is not None and before and leaves >= 0:
                out.append(
                    DwellSpell(
                        unit=unit_id,
                        component=unit.component,
                        next_start=inst.date(leg.start),
                        home_days=leaves - back,
                        preceding_days=before,
                        owed_days=pol.dwell_after(before),
                        from_history=from_history,
                    )
                )
            back = leg.end + pol.transit_days
            before = leg.days
            from_history = False
    return sorted(out, key=lambda s: (s.next_start, s.unit))


def site_load(
    inst: Instance, legs: tuple[Leg, ...]
) -> dict[str, tuple[list[int], list[int]]]:
    """Troops on site (handover included) per site, as a step curve:
    the days the load changes and the load from each of them on."""
    events: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for leg in legs:
        site = inst.requirements[leg.requirement].site
        troops = inst.units[leg.unit].troops
        events[site][leg.start] += troops
        events[site][leg.end] -= troops
    out: dict[str, tuple[list[int], list[int]]] = {}
    for site in sorted(events):
        days = sorted(d for d, change in events[site].items() if change)
        load = np.cumsum([events[site][d] for d in days]).tolist()
        out[site] = (days, load)
    return out


def monthly_coverage(
    inst: Instance, coverage: dict[str, Coverage]
) -> tuple[list[str], dict[str, list[tuple[int, int]]]]:
    """Required and short unit-days per requirement per calendar month.

    Returns the month labels (``YYYY-MM``) of the horizon and, per
    requirement, ``(required, short)`` for each month (0, 0 outside its
    counted window).
    """
    months: list[tuple[str, int, int]] = []
    first = inst.date(0)
    year, month = first.year, first.month
    while True:
        lo = max(0, inst.day(date(year, month, 1)))
        if lo >= inst.horizon_end:
            break
        year2, month2 = (year + 1, 1) if month == 12 else (year, month + 1)
        hi = min(inst.horizon_end, inst.day(date(year2, month2, 1)))
        months.append((f"{year:04d}-{month:02d}", lo, hi))
        year, month = year2, month2
    out: dict[str, list[tuple[int, int]]] = {}
    for req_id, cov in coverage.items():
        cells = []
        for _, lo, hi in months:
            a = max(lo, cov.lo) - cov.lo
            b = min(hi, cov.lo + len(cov.short)) - cov.lo
            if b <= a:
                cells.append((0, 0))
            else:
                cells.append(((b - a) * cov.count, int(cov.short[a:b].sum())))
        out[req_id] = cells
    return [label for label, _, _ in months], out
