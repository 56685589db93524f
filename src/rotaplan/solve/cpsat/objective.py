"""The contract's objective (section 4) as integer expressions.

CP-SAT optimizes integers, so priorities and penalties are scaled by the
least common multiple of their decimal denominators (``0.5`` -> 2). When
some value has more than six decimals the scaled figures are rounded and
the solve never claims a proof.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from ...model import Instance
from ...model.instance import Leg
from .variables import LegVars, Variables

_MAX_SCALE = 10**6


@dataclass(frozen=True)
class Scale:
    """Integer multiplier for a family of decimal weights."""

    factor: int
    exact: bool

    def weight(self, value: float) -> int:
        return round(value * self.factor)


def integer_scale(values: list[float]) -> Scale:
    """The least multiplier that makes every value an integer, up to a
    million; beyond that a million, rounding."""
    factor = 1
    for value in values:
        denominator = Fraction(repr(float(value))).denominator
        factor = math.lcm(factor, denominator)
        if factor > _MAX_SCALE:
            return Scale(_MAX_SCALE, exact=False)
    return Scale(factor, exact=True)


@dataclass
class Objective:
    """The three lexicographic levels, and re-planning's change count."""

    primary: cp_model.LinearExpr
    primary_scale: Scale
    penalty: cp_model.LinearExpr
    penalty_scale: Scale
    deployments: cp_model.LinearExpr
    changes: cp_model.LinearExpr | None = None
    keep: list[KeepMatch] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.primary_scale.exact and self.penalty_scale.exact


def primary_scale(inst: Instance) -> Scale:
    """Scale for priorities; exercise gap days weigh 1."""
    return integer_scale([r.priority for r in inst.requirements.values()])


def build_objective(
    model: cp_model.CpModel, inst: Instance, variables: Variables
) -> Objective:
    """Build the objective expressions (none is minimized here)."""
    p_scale = primary_scale(inst)
    s_scale = integer_scale(list(inst.substitutions.values()))
    return Objective(
        primary=primary_expr(inst, variables, p_scale),
        primary_scale=p_scale,
        penalty=penalty_expr(model, inst, variables, s_scale),
        penalty_scale=s_scale,
        # Each deployment serves one requirement: counting them per
        # requirement lets the bound on each count bound the total.
        deployments=sum(
            variables.serving.values(), cp_model.LinearExpr.constant(0)
        ),
    )


def primary_expr(
    inst: Instance, variables: Variables, scale: Scale
) -> cp_model.LinearExpr:
    """Scaled ``weighted_gap_days + exercise_gap_days``."""
    terms: list[cp_model.LinearExpr] = []
    for r, gap in variables.gaps.items():
        weight = scale.weight(inst.requirements[r].priority)
        if weight:
            terms.append(weight * gap)
    for gap in variables.exercise_gaps.values():
        terms.append(scale.factor * gap)
    return sum(terms, cp_model.LinearExpr.constant(0))


def penalty_expr(
    model: cp_model.CpModel,
    inst: Instance,
    variables: Variables,
    scale: Scale,
) -> cp_model.LinearExpr:
    """Scaled ``substitution_penalty``: penalty times days on site of
    every leg filled by substitution."""
    terms: list[cp_model.LinearExpr] = []
    constant = 0
    for lv in variables.legs:
        for r, chosen in lv.serve.items():
            per_day = scale.weight(inst.penalty(lv.unit, r) or 0.0)
            if not per_day:
                continue
            if lv.fixed is not None:
                constant += per_day * lv.fixed.days
                continue
            lv.sub_days[r] = _days_if(model, inst, lv, chosen)
            terms.append(per_day * lv.sub_days[r])
    return constant + sum(terms, cp_model.LinearExpr.constant(0))


def _days_if(
    model: cp_model.CpModel,
    inst: Instance,
    lv: LegVars,
    chosen: cp_model.IntVar,
) -> cp_model.IntVar:
    """Days on site when ``chosen``, else 0."""
    longest = inst.units[lv.unit].policy.max_deployment_days
    days = model.new_int_var(0, longest, f"sub days {lv.unit}")
    model.add(days == lv.days).only_enforce_if(chosen)
    model.add(days == 0).only_enforce_if(chosen.Not())
    return days


@dataclass
class KeepMatch:
    """One published deployment and the legs that could repeat it."""

    leg: Leg
    kept: cp_model.IntVar | None
    same: list[tuple[cp_model.IntVar, LegVars]]


def changes_expr(
    model: cp_model.CpModel,
    inst: Instance,
    variables: Variables,
    published: list[Leg],
) -> tuple[cp_model.LinearExpr, list[KeepMatch]]:
    """Published deployments (not fixed) that the plan does not keep as
    they are: same unit, requirement, start and end."""
    fixed = {(f.unit, f.requirement, f.start, f.end) for f in inst.fixed}
    missed: list[cp_model.LinearExpr] = []
    matches: list[KeepMatch] = []
    for i, leg in enumerate(published):
        if (leg.unit, leg.requirement, leg.start, leg.end) in fixed:
            continue
        same_as = []
        for lv in variables.by_unit.get(leg.unit, []):
            if lv.is_fixed or leg.requirement not in lv.serve:
                continue
            assert lv.slot is not None
            if not lv.slot.start_lo <= leg.start <= lv.slot.start_hi:
                continue
            same = model.new_bool_var(f"keeps {i} {lv.slot.key}")
            model.add_implication(same, lv.serve[leg.requirement])
            model.add(lv.start == leg.start).only_enforce_if(same)
            model.add(lv.end == leg.end).only_enforce_if(same)
            same_as.append((same, lv))
        if not same_as:
            missed.append(cp_model.LinearExpr.constant(1))
            matches.append(KeepMatch(leg, None, []))
            continue
        kept = model.new_bool_var(f"kept {i}")
        model.add(kept == sum(same for same, _ in same_as))
        missed.append(1 - kept)
        matches.append(KeepMatch(leg, kept, same_as))
    return sum(missed, cp_model.LinearExpr.constant(0)), matches


def keep_values(matches: list[KeepMatch], values: dict[object, int]) -> None:
    """Values of the keep literals for a plan already in ``values``."""
    for match in matches:
        leg = match.leg
        hit = False
        for same, lv in match.same:
            is_same = (
                values.get(lv.present) == 1
                and values.get(lv.serve[leg.requirement]) == 1
                and values.get(lv.start) == leg.start
                and values.get(lv.end) == leg.end
            )
            values[same] = int(is_same and not hit)
            hit = hit or is_same
        if match.kept is not None:
            values[match.kept] = int(hit)
