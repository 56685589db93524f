"""The decision variables of the CP-SAT model.

Per leg (a unit's fixed deployment, or one of its optional slots):

- ``present``, ``start``, ``end``, ``days``: whether it happens and its
  days on site ``[start, end)`` (H2 is in the domain of ``days``);
- ``serve[r]``: it fills requirement ``r`` (exactly one when present);
- ``at_site[s]``: it is on site ``s`` (the sum of its ``serve`` there);
- ``counted[r]``: the days of ``[start + handover, end)`` that count for
  ``r`` (its ``credit``), an interval inside the requirement's counted
  window that ends where the leg ends. Per requirement the counted
  intervals overlap at most ``count`` deep, so the credits sum to the
  days covered, each counted up to ``count`` times: ``count`` times the
  window less the short days;
- ``exercise_counted[(e, i)]``: likewise for need ``i`` of exercise
  ``e``.

Fixed deployments use constants in the same places, so every constraint
is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ...model import Instance
from ...model.instance import Leg
from .layout import Layout, LegSlot

Literal = cp_model.IntVar


@dataclass
class LegVars:
    """The variables of one leg; constants for a fixed deployment."""

    unit: str
    slot: LegSlot | None
    fixed: Leg | None
    present: Literal
    start: cp_model.IntVar
    end: cp_model.IntVar
    days: cp_model.IntVar
    serve: dict[str, Literal] = field(default_factory=dict)
    at_site: dict[str, Literal] = field(default_factory=dict)
    counted: dict[str, Counted] = field(default_factory=dict)
    exercise_counted: dict[tuple[str, int], Counted] = field(
        default_factory=dict
    )
    on_site: dict[str, cp_model.IntervalVar] = field(default_factory=dict)
    # Days on site when filled by substitution, per requirement.
    sub_days: dict[str, cp_model.IntVar] = field(default_factory=dict)

    @property
    def is_fixed(self) -> bool:
        return self.fixed is not None

    @property
    def credit(self) -> dict[str, cp_model.IntVar]:
        return {r: c.credit for r, c in self.counted.items()}

    @property
    def exercise_credit(self) -> dict[tuple[str, int], cp_model.IntVar]:
        return {k: c.credit for k, c in self.exercise_counted.items()}


@dataclass
class Variables:
    """All legs, grouped per unit in time order within each segment."""

    legs: list[LegVars]
    by_unit: dict[str, list[LegVars]]
    # Deployments (not fixed) serving each requirement.
    serving: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # Days credited to each requirement by those deployments.
    credited: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # Shortfall days per requirement and per exercise need.
    gaps: dict[str, cp_model.IntVar] = field(default_factory=dict)
    exercise_gaps: dict[tuple[str, int], cp_model.IntVar] = field(
        default_factory=dict
    )

    def chain(self, unit: str, segment: int) -> list[LegVars]:
        """The optional legs of one segment of a unit, in order."""
        return [
            lv
            for lv in self.by_unit[unit]
            if lv.slot is not None and lv.slot.segment == segment
        ]


def bounds(var: cp_model.IntVar) -> tuple[int, int]:
    """Smallest and largest value in a variable's domain."""
    domain = list(var.proto.domain)
    return domain[0], domain[-1]


def counted_window(inst: Instance, req_id: str) -> tuple[int, int]:
    """The days of a requirement that are measured (contract section 4)."""
    req = inst.requirements[req_id]
    return max(req.start, 0), min(req.end, inst.horizon_end)


def build_variables(
    model: cp_model.CpModel, inst: Instance, layout: Layout
) -> Variables:
    """Create every leg's variables (no constraints between legs)."""
    legs: list[LegVars] = []
    by_unit: dict[str, list[LegVars]] = {}
    for unit_id, unit_layout in layout.units.items():
        mine: list[LegVars] = []
        for leg in unit_layout.fixed:
            mine.append(_fixed_leg(model, inst, leg))
        for slot in unit_layout.slots:
            mine.append(_slot_leg(model, inst, slot))
        by_unit[unit_id] = mine
        legs.extend(mine)
    for lv in legs:
        _site_literals(model, inst, lv)
        _credit_vars(model, inst, lv)
        _exercise_vars(model, inst, lv)
    return Variables(legs, by_unit)


def _fixed_leg(model: cp_model.CpModel, inst: Instance, leg: Leg) -> LegVars:
    one = model.new_constant(1)
    return LegVars(
        unit=leg.unit,
        slot=None,
        fixed=leg,
        present=one,
        start=model.new_constant(leg.start),
        end=model.new_constant(leg.end),
        days=model.new_constant(leg.days),
        serve={leg.requirement: one},
    )


def _slot_leg(
    model: cp_model.CpModel, inst: Instance, slot: LegSlot
) -> LegVars:
    pol = inst.units[slot.unit].policy
    name = f"{slot.unit}/{slot.segment}/{slot.index}"
    lo, hi = slot.start_lo, slot.start_hi
    start = model.new_int_var(lo, hi, f"start {name}")
    end = model.new_int_var(
        lo + pol.min_deployment_days,
        max(lo + pol.min_deployment_days, slot.end_hi),
        f"end {name}",
    )
    present = model.new_bool_var(f"present {name}")
    days = model.new_int_var(
        pol.min_deployment_days, pol.max_deployment_days, f"days {name}"
    )
    model.add(days == end - start)
    serve = {
        r: model.new_bool_var(f"serve {name} {r}") for r in slot.requirements
    }
    return LegVars(
        unit=slot.unit,
        slot=slot,
        fixed=None,
        present=present,
        start=start,
        end=end,
        days=days,
        serve=serve,
    )


def _site_literals(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    by_site: dict[str, list[str]] = {}
    for r in lv.serve:
        by_site.setdefault(inst.requirements[r].site, []).append(r)
    for site, reqs in by_site.items():
        if len(reqs) == 1:
            lv.at_site[site] = lv.serve[reqs[0]]
        else:
            here = model.new_bool_var(f"at {lv.unit} {site}")
            model.add(here == sum(lv.serve[r] for r in reqs))
            lv.at_site[site] = here


def _effective_bounds(inst: Instance, lv: LegVars) -> tuple[int, int]:
    """Earliest first effective day and latest end of a leg."""
    pol = inst.units[lv.unit].policy
    if lv.fixed is not None:
        return lv.fixed.start + pol.handover_days, lv.fixed.end
    assert lv.slot is not None
    return (
        lv.slot.start_lo + pol.handover_days,
        max(lv.slot.end_hi, lv.slot.start_hi + pol.handover_days),
    )


def _longest_effective(inst: Instance, lv: LegVars) -> int:
    """Most days one leg can count toward presence."""
    pol = inst.units[lv.unit].policy
    days = pol.max_deployment_days if lv.fixed is None else lv.fixed.days
    return days - pol.handover_days


def _clip(
    model: cp_model.CpModel,
    expr: cp_model.LinearExprT,
    span: tuple[int, int],
    window: tuple[int, int],
    name: str,
) -> cp_model.LinearExprT:
    """``min(max(expr, lo), hi)``; ``expr`` itself when its range
    ``span`` already lies inside ``window``."""
    lo, hi = window
    if isinstance(expr, int):
        return min(max(expr, lo), hi)
    if span[1] <= lo:
        return lo
    if span[0] >= hi:
        return hi
    out = expr
    if span[1] > hi:
        top = model.new_int_var(min(span[0], hi), hi, f"{name} top")
        model.add_min_equality(top, [out, hi])
        out = top
    if span[0] < lo:
        bottom = model.new_int_var(lo, min(span[1], hi), f"{name} bottom")
        model.add_max_equality(bottom, [out, lo])
        out = bottom
    return out


@dataclass
class Counted:
    """Days of one leg that count for one requirement or exercise need:
    ``[begin, end)`` with ``end`` the leg's end clipped to the window
    and ``begin >= low`` (its first effective day, clipped likewise).

    Anchoring the end is no loss: sharing the days of overlapping legs
    in order of arrival gives each leg a tail of its effective days, and
    that sharing counts every day as often as the checker does.
    """

    begin: cp_model.IntVar
    credit: cp_model.IntVar
    end: cp_model.LinearExprT
    low: cp_model.LinearExprT
    interval: cp_model.IntervalVar
    # When set, ``end`` is free and must not pass ``high`` (the days of
    # an exercise, see ``_exercise_counted``).
    high: cp_model.LinearExprT | None = None


def _counted(
    model: cp_model.CpModel,
    inst: Instance,
    lv: LegVars,
    requirement: str,
    name: str,
) -> Counted:
    pol = inst.units[lv.unit].policy
    h = pol.handover_days
    window = counted_window(inst, requirement)
    presence = lv.serve[requirement]
    lo, hi = window
    if lv.fixed is not None:
        end_span = (lv.fixed.end, lv.fixed.end)
        start_span = (lv.fixed.start, lv.fixed.start)
        end_expr: cp_model.LinearExprT = lv.fixed.end
        start_expr: cp_model.LinearExprT = lv.fixed.start + h
    else:
        assert lv.slot is not None
        # The days the leg can take while it serves: the clips below are
        # needed only where these pass the window.
        req = inst.requirements[requirement]
        start_span = (
            max(lv.slot.start_lo, req.start - h),
            min(lv.slot.start_hi, req.end - pol.min_deployment_days),
        )
        end_span = (
            start_span[0] + pol.min_deployment_days,
            min(bounds(lv.end)[1], req.end),
        )
        end_expr = lv.end
        start_expr = lv.start + h
    end = _clip(model, end_expr, end_span, window, f"counted end {name}")
    first = _clip(
        model,
        start_expr,
        (start_span[0] + h, start_span[1] + h),
        window,
        f"first counted {name}",
    )
    longest = _longest_effective(inst, lv)
    # With a handover no longer than the shortest stay, the first
    # effective day never passes the end; else take the smaller.
    low: cp_model.LinearExprT
    if isinstance(first, int) and isinstance(end, int):
        low = min(first, end)
    elif lv.fixed is None and pol.min_deployment_days >= h:
        low = first
    else:
        low = model.new_int_var(lo, hi, f"counted low {name}")
        model.add_min_equality(low, [first, end])
    reach = min(end_span[1], hi) - max(start_span[0] + h, lo)
    cap = max(0, min(longest, reach))
    begin = model.new_int_var(lo, hi, f"counted start {name}")
    credit = model.new_int_var(0, cap, f"credit {name}")
    interval = model.new_optional_interval_var(
        begin, credit, end, presence, f"counted {name}"
    )
    return Counted(begin, credit, end, low, interval)


def _credit_vars(model: cp_model.CpModel, inst: Instance, lv: LegVars) -> None:
    for r in lv.serve:
        lv.counted[r] = _counted(model, inst, lv, r, f"{lv.unit} {r}")


def _exercise_counted(
    model: cp_model.CpModel,
    inst: Instance,
    lv: LegVars,
    window: tuple[int, int],
    presence: Literal,
    name: str,
) -> Counted:
    """Counted days for a short window (an exercise): ``[begin, end)``
    within ``[start + handover, end)`` with both ends free. The interval
    may lie outside the window only with no length; full-depth blocks
    around the window (``constraints.exercise_coverage``) see to it.
    Cheaper than clipping for windows much shorter than a stay."""
    pol = inst.units[lv.unit].policy
    h = pol.handover_days
    eff_lo, eff_hi = _effective_bounds(inst, lv)
    lo, hi = window
    low_dom, high_dom = min(lo, eff_lo), max(hi, eff_hi)
    begin = model.new_int_var(low_dom, high_dom, f"exercise start {name}")
    finish = model.new_int_var(low_dom, high_dom, f"exercise end {name}")
    reach = min(eff_hi, hi) - max(eff_lo, lo)
    cap = max(0, min(_longest_effective(inst, lv), reach))
    credit = model.new_int_var(0, cap, f"exercise credit {name}")
    interval = model.new_optional_interval_var(
        begin, credit, finish, presence, f"exercise {name}"
    )
    first: cp_model.LinearExprT
    last: cp_model.LinearExprT
    if lv.fixed is not None:
        first = lv.fixed.start + h
        last = max(lv.fixed.end, first)
    else:
        first = lv.start + h
        last = lv.end
        if pol.min_deployment_days < h:
            top = model.new_int_var(low_dom, high_dom, f"effective end {name}")
            model.add_max_equality(top, [lv.end, first])
            last = top
    return Counted(begin, credit, finish, first, interval, high=last)


def _exercise_vars(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    unit = inst.units[lv.unit]
    eff_lo, eff_hi = _effective_bounds(inst, lv)
    for ex in inst.exercises.values():
        if ex.site not in lv.at_site:
            continue
        if not (eff_lo < ex.end and eff_hi > ex.start):
            continue
        for i, (capability, _count) in enumerate(ex.needs):
            if capability != unit.capability:
                continue
            lv.exercise_counted[(ex.id, i)] = _exercise_counted(
                model,
                inst,
                lv,
                (ex.start, ex.end),
                lv.at_site[ex.site],
                f"{lv.unit} {ex.id} {i}",
            )
