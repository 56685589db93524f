"""The judge: rules H1..H8 and the measures of contract section 4.

Written from the contract alone; it shares no code with any planner, so
a planner's bookkeeping error cannot hide here.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..model import Deployment, Instance, Measures, Plan, Scenario
from ..model.instance import Leg

RULES = {
    "H1": "ids exist and the capability fits the requirement",
    "H2": "days on site within min/max deployment days",
    "H3": "dwell at home between consecutive deployments of a unit",
    "H4": "dwell after the unit's last deployment before the plan",
    "H5": "away from home only while available and outside blackouts",
    "H6": "troops on site within site capacity",
    "H7": "deployment inside the horizon and the requirement window",
    "H8": "every fixed deployment appears unchanged",
}


@dataclass(frozen=True)
class Violation:
    """One broken rule; ``deployment`` is its index in the plan, if any."""

    rule: str
    message: str
    deployment: int | None = None
    unit: str | None = None

    def __str__(self) -> str:
        where = "" if self.deployment is None else f" [#{self.deployment}]"
        return f"{self.rule}{where} {self.message}"


@dataclass
class CheckResult:
    violations: list[Violation]
    measures: Measures
    # requirement id -> (start day, end day, most units short) for each
    # half-open window with a shortfall; exercise id -> its gap days.
    gaps: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    exercise_gaps: dict[str, int] = field(default_factory=dict)
    # requirement id -> (first counted day, units short on each counted
    # day from it): the per-day figures behind gap_days, for reports.
    shortfall: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.violations


def check(scenario: Scenario, plan: Plan) -> CheckResult:
    """Check a plan against a scenario: every violation, and the measures.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan to judge; its own ``objective`` is ignored.
    """
    inst = Instance.from_scenario(scenario)
    deployments = plan.deployments
    violations: list[Violation] = []
    known: list[tuple[int, Leg]] = []

    for i, d in enumerate(deployments):
        ok = True
        if d.unit not in inst.units:
            violations.append(Violation("H1", f"unknown unit {d.unit!r}", i))
            ok = False
        if d.requirement not in inst.requirements:
            violations.append(
                Violation(
                    "H1", f"unknown requirement {d.requirement!r}", i, d.unit
                )
            )
            ok = False
        if d.end <= d.start:
            violations.append(
                Violation(
                    "H2",
                    f"{_name(d)} ends {d.end} not after it starts {d.start}",
                    i,
                    d.unit,
                )
            )
            ok = False
        if ok:
            known.append((i, inst.leg(d)))

    fixed_wanted = {
        (f.unit, f.requirement, f.start, f.end) for f in inst.fixed
    }

    for i, leg in known:
        unit = inst.units[leg.unit]
        req = inst.requirements[leg.requirement]
        pol = unit.policy
        d = deployments[i]
        # The scenario, not the plan's own flag, decides what is fixed.
        is_fixed = (
            leg.unit,
            leg.requirement,
            leg.start,
            leg.end,
        ) in fixed_wanted
        if inst.penalty(leg.unit, leg.requirement) is None:
            violations.append(
                Violation(
                    "H1",
                    f"{_name(d)}: capability {unit.capability!r} cannot "
                    f"fill {req.capability!r} (no substitution allows it)",
                    i,
                    d.unit,
                )
            )
        if not is_fixed:
            if leg.days < pol.min_deployment_days:
                violations.append(
                    Violation(
                        "H2",
                        f"{_name(d)}: {leg.days} days on site, fewer than "
                        f"min_deployment_days {pol.min_deployment_days}",
                        i,
                        d.unit,
                    )
                )
            if leg.days > pol.max_deployment_days:
                violations.append(
                    Violation(
                        "H2",
                        f"{_name(d)}: {leg.days} days on site, more than "
                        f"max_deployment_days {pol.max_deployment_days}",
                        i,
                        d.unit,
                    )
                )
            if not 0 <= leg.start < inst.horizon_end:
                violations.append(
                    Violation(
                        "H7",
                        f"{_name(d)}: starts {d.start}, outside the horizon",
                        i,
                        d.unit,
                    )
                )
            if leg.start < req.start - pol.handover_days:
                violations.append(
                    Violation(
                        "H7",
                        f"{_name(d)}: starts {d.start}, more than "
                        f"handover_days {pol.handover_days} before the "
                        f"requirement starts {inst.date(req.start)}",
                        i,
                        d.unit,
                    )
                )
            if leg.end > req.end:
                violations.append(
                    Violation(
                        "H7",
                        f"{_name(d)}: ends {d.end}, after the requirement "
                        f"ends {inst.date(req.end)}",
                        i,
                        d.unit,
                    )
                )
        leave = leg.start - pol.transit_days
        back = leg.end + pol.transit_days
        if unit.available_from is not None and leave < unit.available_from:
            violations.append(
                Violation(
                    "H5",
                    f"{_name(d)}: leaves home {inst.date(leave)}, before "
                    f"available_from {inst.date(unit.available_from)}",
                    i,
                    d.unit,
                )
            )
        if unit.available_until is not None and back > unit.available_until:
            violations.append(
                Violation(
                    "H5",
                    f"{_name(d)}: home again {inst.date(back)}, after "
                    f"available_until {inst.date(unit.available_until)}",
                    i,
                    d.unit,
                )
            )
        for b_start, b_end in unit.blackouts:
            if leave < b_end and b_start < back:
                violations.append(
                    Violation(
                        "H5",
                        f"{_name(d)}: away {inst.date(leave)} to "
                        f"{inst.date(back)} meets the blackout "
                        f"{inst.date(b_start)} to {inst.date(b_end)}",
                        i,
                        d.unit,
                    )
                )

    # H3 and H4, per unit in order of start.
    by_unit: dict[str, list[tuple[int, Leg]]] = defaultdict(list)
    for i, leg in known:
        by_unit[leg.unit].append((i, leg))
    for unit_id, legs in by_unit.items():
        unit = inst.units[unit_id]
        pol = unit.policy
        legs.sort(key=lambda il: (il[1].start, il[1].end, il[0]))
        first_i, first = legs[0]
        if unit.last_return is not None and unit.last_deployment_days:
            owed = pol.dwell_after(unit.last_deployment_days)
            home = (first.start - pol.transit_days) - unit.last_return
            if home < owed:
                violations.append(
                    Violation(
                        "H4",
                        f"{_name(deployments[first_i])}: {home} days at "
                        f"home since last_return "
                        f"{inst.date(unit.last_return)}, {owed} owed",
                        first_i,
                        unit_id,
                    )
                )
        for (_, a), (j, b) in itertools.pairwise(legs):
            home = (b.start - pol.transit_days) - (a.end + pol.transit_days)
            owed = pol.dwell_after(a.days)
            if home < owed:
                violations.append(
                    Violation(
                        "H3",
                        f"{_name(deployments[j])}: {home} days at home after "
                        f"the deployment ending {inst.date(a.end)}, "
                        f"{owed} owed",
                        j,
                        unit_id,
                    )
                )

    # H8: each fixed deployment of the scenario, unchanged.
    present: dict[tuple[str, str, int, int], int] = defaultdict(int)
    for _, leg in known:
        present[(leg.unit, leg.requirement, leg.start, leg.end)] += 1
    for f in inst.fixed:
        key = (f.unit, f.requirement, f.start, f.end)
        if present[key] == 0:
            violations.append(
                Violation(
                    "H8",
                    f"fixed deployment of {f.unit} to {f.requirement} "
                    f"{inst.date(f.start)} to {inst.date(f.end)} is missing "
                    "or changed",
                    None,
                    f.unit,
                )
            )
        else:
            present[key] -= 1

    violations.extend(_capacity_violations(inst, [leg for _, leg in known]))
    fixed_count = sum(
        1
        for _, leg in known
        if (leg.unit, leg.requirement, leg.start, leg.end) in fixed_wanted
    )
    measures, gaps, exercise_gaps, shortfall = _measures(
        inst, [leg for _, leg in known], len(deployments) - fixed_count
    )
    violations.sort(
        key=lambda v: (
            v.rule,
            -1 if v.deployment is None else v.deployment,
            v.message,
        )
    )
    return CheckResult(violations, measures, gaps, exercise_gaps, shortfall)


def _name(d: Deployment) -> str:
    return f"{d.unit} on {d.requirement} {d.start} to {d.end}"


def _capacity_violations(inst: Instance, legs: list[Leg]) -> list[Violation]:
    out: list[Violation] = []
    by_site: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_site[inst.requirements[leg.requirement].site].append(leg)
    for site_id, site_legs in sorted(by_site.items()):
        cap = inst.sites[site_id].capacity
        if cap is None:
            continue
        lo = min(leg.start for leg in site_legs)
        hi = max(leg.end for leg in site_legs)
        load = np.zeros(hi - lo + 1, dtype=np.int64)
        for leg in site_legs:
            troops = inst.units[leg.unit].troops
            load[leg.start - lo] += troops
            load[leg.end - lo] -= troops
        load = np.cumsum(load)
        over = np.flatnonzero(load > cap)
        if over.size:
            # One violation per contiguous overload window.
            breaks = np.flatnonzero(np.diff(over) > 1)
            starts = np.concatenate(([over[0]], over[breaks + 1]))
            ends = np.concatenate((over[breaks], [over[-1]])) + 1
            for s, e in zip(starts, ends, strict=True):
                peak = int(load[s:e].max())
                out.append(
                    Violation(
                        "H6",
                        f"site {site_id}: {peak} troops on site from "
                        f"{inst.date(int(s) + lo)} to "
                        f"{inst.date(int(e) + lo)}, capacity {cap}",
                    )
                )
    return out


def _measures(
    inst: Instance, legs: list[Leg], planned: int
) -> tuple[
    Measures,
    dict[str, list[tuple[int, int, int]]],
    dict[str, int],
    dict[str, tuple[int, np.ndarray]],
]:
    horizon = inst.horizon_end
    per_req: dict[str, list[Leg]] = defaultdict(list)
    penalty = 0.0
    for leg in legs:
        per_req[leg.requirement].append(leg)
        p = inst.penalty(leg.unit, leg.requirement)
        if p:
            penalty += p * leg.days

    gap_days = 0
    weighted = 0.0
    gaps: dict[str, list[tuple[int, int, int]]] = {}
    shortfall: dict[str, tuple[int, np.ndarray]] = {}
    for req in inst.requirements.values():
        lo, hi = max(req.start, 0), min(req.end, horizon)
        if hi <= lo:
            continue
        have = np.zeros(hi - lo + 1, dtype=np.int64)
        for leg in per_req.get(req.id, []):
            handover = inst.units[leg.unit].policy.handover_days
            s = min(max(leg.start + handover, lo), hi)
            e = min(max(leg.end, lo), hi)
            if e > s:
                have[s - lo] += 1
                have[e - lo] -= 1
        short = np.maximum(0, req.count - np.cumsum(have)[:-1])
        total = int(short.sum())
        gap_days += total
        weighted += req.priority * total
        if total:
            gaps[req.id] = _windows(short, lo)
        shortfall[req.id] = (lo, short)

    exercise_gap_days = 0
    exercise_gaps: dict[str, int] = {}
    unit_rows = {unit_id: i for i, unit_id in enumerate(inst.units)}
    for ex in inst.exercises.values():
        missing = 0
        for capability, count in ex.needs:
            # The contract counts units: a unit present twice over (a
            # plan already broken by H3) still counts once.
            present = np.zeros(
                (len(inst.units), ex.end - ex.start), dtype=bool
            )
            for leg in legs:
                unit = inst.units[leg.unit]
                if (
                    unit.capability != capability
                    or inst.requirements[leg.requirement].site != ex.site
                ):
                    continue
                s = max(leg.start + unit.policy.handover_days, ex.start)
                e = min(leg.end, ex.end)
                if e > s:
                    row = unit_rows[leg.unit]
                    present[row, s - ex.start : e - ex.start] = True
            have = present.sum(axis=0)
            missing += int(np.maximum(0, count - have).sum())
        exercise_gap_days += missing
        exercise_gaps[ex.id] = missing
    measures = Measures(
        weighted_gap_days=float(weighted),
        gap_days=gap_days,
        exercise_gap_days=exercise_gap_days,
        substitution_penalty=float(penalty),
        deployments=planned,
    )
    return measures, gaps, exercise_gaps, shortfall


def _windows(short: np.ndarray, offset: int) -> list[tuple[int, int, int]]:
    """Contiguous runs of shortfall as (start day, end day, peak short)."""
    out: list[tuple[int, int, int]] = []
    idx = np.flatnonzero(short > 0)
    if not idx.size:
        return out
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    for s, e in zip(starts, ends, strict=True):
        out.append((int(s) + offset, int(e) + offset, int(short[s:e].max())))
    return out
