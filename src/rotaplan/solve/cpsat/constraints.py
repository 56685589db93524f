"""The rules of the contract (H1..H8) and the coverage bookkeeping, one
small function each.

H1 holds by construction (a leg only has ``serve`` literals for the
requirements its unit may fill), H2 is the domain of a leg's ``days``,
and H8 holds as fixed deployments are constants. H4 and the bounds of
H5 and H7 are in the variables' domains (see ``layout``); the
functions here post the rest, and the redundant constraints that help
the search prove.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from ...model import Instance
from ...model.instance import UnitData
from .bounds import unavoidable
from .layout import Layout, dwell_fraction
from .variables import Counted, LegVars, Variables, bounds, counted_window

LinearExpr = cp_model.LinearExprT


def add_constraints(
    model: cp_model.CpModel,
    inst: Instance,
    layout: Layout,
    variables: Variables,
    capacity_sites: frozenset[str],
    occupied: dict[str, list[tuple[int, int, int]]] | None = None,
) -> None:
    """Post every constraint of the model; site capacity (H6) only at
    ``capacity_sites`` (the solver adds sites as plans overload them),
    less the troops ``occupied`` holds there outside the model."""
    legs = [lv for lv in variables.legs if not lv.is_fixed]
    for lv in legs:
        one_requirement_when_present(model, lv)
        absent_legs_rest(model, inst, lv)
        requirement_window(model, inst, lv)
        away_outside_blackouts(model, inst, lv)
    for unit_id, unit_layout in layout.units.items():
        unit = inst.units[unit_id]
        for segment in range(len(unit_layout.segments)):
            chain = variables.chain(unit_id, segment)
            legs_in_order_with_dwell(model, unit, chain)
            dwell_before_fixed(model, unit, chain)
    for lv in variables.legs:
        counted_inside_effective(model, inst, lv)
    site_capacity(model, inst, variables, capacity_sites, occupied)
    requirement_coverage(model, inst, variables)
    exercise_coverage(model, inst, variables)
    unavoidable_gaps(model, inst, variables)
    interchangeable_units_in_order(model, layout, variables)


def one_requirement_when_present(model: cp_model.CpModel, lv: LegVars) -> None:
    """A leg that happens fills exactly one requirement (H1: only those
    its unit may fill have a literal)."""
    model.add(sum(lv.serve.values()) == lv.present)


def absent_legs_rest(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    """A leg that does not happen takes fixed days, so the search does
    not wander over meaningless values."""
    assert lv.slot is not None
    shortest = inst.units[lv.unit].policy.min_deployment_days
    absent = lv.present.Not()
    model.add(lv.start == lv.slot.start_lo).only_enforce_if(absent)
    model.add(lv.end == lv.slot.start_lo + shortest).only_enforce_if(absent)


def requirement_window(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    """H7: no earlier than a handover before the requirement starts, gone
    by its end (the horizon bounds are in the start's domain)."""
    pol = inst.units[lv.unit].policy
    for r, chosen in lv.serve.items():
        req = inst.requirements[r]
        model.add(lv.start >= req.start - pol.handover_days).only_enforce_if(
            chosen
        )
        model.add(lv.end <= req.end).only_enforce_if(chosen)


def away_outside_blackouts(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    """H5: the days away from home ``[start - T, end + T)`` meet no
    blackout: the leg ends its return before one or leaves after it."""
    unit = inst.units[lv.unit]
    t = unit.policy.transit_days
    for b_start, b_end in unit.blackouts:
        before = model.new_bool_var(f"before blackout {lv.unit} {b_start}")
        model.add(lv.end + t <= b_start).only_enforce_if([before, lv.present])
        model.add(lv.start - t >= b_end).only_enforce_if(
            [before.Not(), lv.present]
        )


def _owed_dwell(
    model: cp_model.CpModel,
    unit: UnitData,
    home: LinearExpr,
    days: LinearExpr,
    enforce: cp_model.IntVar,
) -> None:
    """``home >= max(min_dwell_days, ceil(dwell_ratio * days))`` when
    ``enforce`` holds, with the policy's own rounding."""
    pol = unit.policy
    model.add(home >= pol.min_dwell_days).only_enforce_if(enforce)
    ratio = dwell_fraction(unit)
    if ratio is not None:
        # For an integer ``home``, home >= ceil(p*d/q) iff q*home >= p*d.
        model.add(
            ratio.denominator * home >= ratio.numerator * days
        ).only_enforce_if(enforce)
        return
    # A ratio with no small exact fraction: look the dwell up.
    lo, hi = pol.min_deployment_days, pol.max_deployment_days
    table = [pol.dwell_after(d) for d in range(lo, hi + 1)]
    index = model.new_int_var(0, hi - lo, f"dwell index {unit.id}")
    owed = model.new_int_var(min(table), max(table), f"dwell {unit.id}")
    model.add(index == days - lo)
    model.add_element(index, table, owed)
    model.add(home >= owed).only_enforce_if(enforce)


def legs_in_order_with_dwell(
    model: cp_model.CpModel, unit: UnitData, chain: list[LegVars]
) -> None:
    """H3: a unit's legs happen in order, each after the dwell owed for
    the one before (so they never overlap)."""
    t = unit.policy.transit_days
    for a, b in itertools.pairwise(chain):
        model.add_implication(b.present, a.present)
        home = (b.start - t) - (a.end + t)
        _owed_dwell(model, unit, home, a.days, b.present)


def dwell_before_fixed(
    model: cp_model.CpModel, unit: UnitData, chain: list[LegVars]
) -> None:
    """H3 around fixed deployments: the dwell owed after a fixed one is
    in the start's domain; before the next fixed one, each leg of the
    segment owes its own dwell (implied for all but the last)."""
    t = unit.policy.transit_days
    for lv in chain:
        assert lv.slot is not None
        nxt = lv.slot.next_fixed
        if nxt is None:
            continue
        home = (nxt.start - t) - (lv.end + t)
        _owed_dwell(model, unit, home, lv.days, lv.present)


def counted_inside_effective(
    model: cp_model.CpModel, inst: Instance, lv: LegVars
) -> None:
    """The days a leg counts start no earlier than its first effective
    day, ``start + handover`` (they end where it ends, see
    ``variables.Counted``), and there are none unless it is there."""
    for r, counted in lv.counted.items():
        _inside(model, counted, lv.serve[r])
    for (ex_id, _), counted in lv.exercise_counted.items():
        _inside(model, counted, lv.at_site[inst.exercises[ex_id].site])


def _inside(
    model: cp_model.CpModel, counted: Counted, here: cp_model.IntVar
) -> None:
    model.add(counted.begin >= counted.low).only_enforce_if(here)
    if counted.high is not None:
        model.add(counted.end <= counted.high).only_enforce_if(here)
    # An absent interval's size is free: tie it to zero.
    model.add(counted.credit <= bounds(counted.credit)[1] * here)


def _covered_at_most(
    model: cp_model.CpModel,
    counted: list[Counted],
    count: int,
    blocks: list[cp_model.IntervalVar] | None = None,
) -> None:
    """Counted intervals overlap at most ``count`` deep; ``blocks`` take
    the full depth outside the window, where only empty intervals fit."""
    if counted:
        blocks = blocks or []
        model.add_cumulative(
            [c.interval for c in counted] + blocks,
            [1] * len(counted) + [count] * len(blocks),
            count,
        )


def _blocks(
    model: cp_model.CpModel, counted: list[Counted], window: tuple[int, int]
) -> list[cp_model.IntervalVar]:
    """Fixed intervals filling the counted intervals' range outside
    ``window``."""
    if not counted:
        return []
    lo, hi = window
    low = min(bounds(c.begin)[0] for c in counted)
    high = max(bounds(c.end)[1] for c in counted)  # type: ignore[arg-type]
    out = []
    if low < lo:
        out.append(model.new_fixed_size_interval_var(low, lo - low, "before"))
    if high > hi:
        out.append(model.new_fixed_size_interval_var(hi, high - hi, "after"))
    return out


def _gap(
    model: cp_model.CpModel,
    credits: list[cp_model.IntVar],
    asked: int,
    name: str,
) -> cp_model.IntVar:
    """The shortfall ``asked - credited`` as a variable of its own: its
    domain ``[0, asked]`` lets a bound on the objective propagate to
    each requirement's credits."""
    gap = model.new_int_var(0, max(0, asked), f"gap {name}")
    model.add(gap == asked - sum(credits))
    return gap


def requirement_coverage(
    model: cp_model.CpModel, inst: Instance, variables: Variables
) -> None:
    """Per requirement, the counted days overlap at most ``count`` deep
    inside the counted window, so their sum is ``count * days - short``
    at best (contract section 4); ``variables.gaps`` gets the short."""
    by_req: dict[str, list[Counted]] = defaultdict(list)
    credits: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for lv in variables.legs:
        for r, counted in lv.counted.items():
            by_req[r].append(counted)
            credits[r].append(counted.credit)
    for r, req in inst.requirements.items():
        lo, hi = counted_window(inst, r)
        _covered_at_most(model, by_req[r], req.count)
        asked = req.count * max(0, hi - lo)
        fixed = [
            lv.counted[r].credit
            for lv in variables.legs
            if lv.is_fixed and r in lv.counted
        ]
        planned = _legs_needed(model, variables, r, asked)
        variables.gaps[r] = _gap(model, [*fixed, planned], asked, r)


def _legs_needed(
    model: cp_model.CpModel, variables: Variables, req_id: str, asked: int
) -> cp_model.IntVar:
    """Count the deployments (not fixed) that serve a requirement into
    ``variables.serving`` and return the days they are credited. Their
    number times the most one can count bounds those days; the number
    being an integer, propagation rounds up, ``legs >= ceil(credited /
    most)``, which proves the fewest deployments once the gap is held.
    """
    legs = [
        lv for lv in variables.legs if req_id in lv.serve and not lv.is_fixed
    ]
    count = model.new_int_var(0, len(legs), f"legs {req_id}")
    model.add(count == sum(lv.serve[req_id] for lv in legs))
    variables.serving[req_id] = count
    credits = [lv.counted[req_id].credit for lv in legs]
    credited = model.new_int_var(0, max(0, asked), f"credited {req_id}")
    model.add(credited == sum(credits))
    most = max((bounds(c)[1] for c in credits), default=0)
    model.add(credited <= most * count)
    variables.credited[req_id] = credited
    return credited


def exercise_coverage(
    model: cp_model.CpModel, inst: Instance, variables: Variables
) -> None:
    """Per exercise need, likewise over the exercise's days;
    ``variables.exercise_gaps`` gets the short."""
    by_need: dict[tuple[str, int], list[Counted]] = defaultdict(list)
    credits: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for lv in variables.legs:
        for key, counted in lv.exercise_counted.items():
            by_need[key].append(counted)
            credits[key].append(counted.credit)
    for ex in inst.exercises.values():
        for i, (_capability, count) in enumerate(ex.needs):
            key = (ex.id, i)
            _covered_at_most(
                model,
                by_need[key],
                count,
                _blocks(model, by_need[key], (ex.start, ex.end)),
            )
            asked = count * (ex.end - ex.start)
            variables.exercise_gaps[key] = _gap(
                model, credits[key], asked, f"{ex.id} {i}"
            )


def site_capacity(
    model: cp_model.CpModel,
    inst: Instance,
    variables: Variables,
    sites: frozenset[str],
    occupied: dict[str, list[tuple[int, int, int]]] | None = None,
) -> None:
    """H6: the troops on site, handover included, within capacity, at
    each of ``sites``, with the troops ``occupied`` (``(start, end,
    troops)`` per site) holds there outside the model."""
    by_site: dict[str, list[tuple[LegVars, str]]] = defaultdict(list)
    for lv in variables.legs:
        for site in lv.at_site:
            by_site[site].append((lv, site))
    for site_id, entries in by_site.items():
        cap = inst.sites[site_id].capacity
        if cap is None or site_id not in sites:
            continue
        troops = [inst.units[lv.unit].troops for lv, _ in entries]
        held = (occupied or {}).get(site_id, [])
        if sum(troops) + sum(x[2] for x in held) <= cap:
            continue
        intervals = []
        for lv, site in entries:
            if site not in lv.on_site:
                lv.on_site[site] = model.new_optional_interval_var(
                    lv.start,
                    lv.days,
                    lv.end,
                    lv.at_site[site],
                    f"on site {lv.unit} {site}",
                )
            intervals.append(lv.on_site[site])
        for start, end, men in held:
            intervals.append(
                model.new_fixed_size_interval_var(
                    start, end - start, f"held {site_id} {start}"
                )
            )
            troops.append(men)
        model.add_cumulative(intervals, troops, cap)


def interchangeable_units_in_order(
    model: cp_model.CpModel, layout: Layout, variables: Variables
) -> None:
    """Units that differ only in name are used in order of their first
    start, which cuts out plans that merely swap their names."""
    for ids in layout.interchangeable:
        firsts = []
        for unit_id in ids:
            chain = variables.chain(unit_id, 0)
            if chain:
                firsts.append(chain[0])
        for a, b in itertools.pairwise(firsts):
            model.add_implication(b.present, a.present)
            model.add(a.start <= b.start).only_enforce_if(b.present)


def unavoidable_gaps(
    model: cp_model.CpModel, inst: Instance, variables: Variables
) -> None:
    """Redundant: each requirement and exercise need is short at least
    the days no unit can reach it (``bounds.unavoidable``), which the
    relaxation cannot see (it does not know where intervals may lie)."""
    low = unavoidable(inst)
    for r, days in low.requirements.items():
        if days and r in variables.gaps:
            model.add(variables.gaps[r] >= days)
    for key, days in low.exercises.items():
        if days and key in variables.exercise_gaps:
            model.add(variables.exercise_gaps[key] >= days)
