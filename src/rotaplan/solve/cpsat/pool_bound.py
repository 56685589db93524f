"""A lower bound on the gap from the rotation cycle of a pool of units.

``short_floor`` counts a unit as able to count on every day it can
reach, so three batteries look enough for one requirement for six years
though each owes two days home for every day on tour. Here a unit's
tours are followed: over any stretch of ``W`` days one unit can count at
most ``most_counted(W)`` days (tours of at most the longest length, each
followed by transit, dwell, transit and handover before the next counts).
For a group's requirements and the units that may fill them (and
nothing else, as ``groups.split`` makes them), every stretch is short at
least its asked unit-days less what the units can give, charged to the
cheapest priorities first. The stretches of a partition of the horizon
add up; the best partition on a grid of days is found by dynamic
programming, each stretch taking the larger of this and
``short_floor``'s days.
"""

from __future__ import annotations

import numpy as np

from ...model import Instance
from ...model.instance import Leg, RequirementData
from ...model.scenario import Policy
from .bounds import ShortFloor, _reach

# Stretches start and end on a grid of about this many points.
_GRID_POINTS = 240


def cycle_excess(inst: Instance, floor: ShortFloor) -> float:
    """How much more than ``floor`` (``short_floor(inst)``) every plan of
    ``inst`` is short on its requirements, in ``primary`` units.

    Each capability's requirements are bounded with the units that may
    fill them (substitutes included); the sets are disjoint, so the
    bounds add up. That is kept unless bounding all at once does better
    (where units that may fill several are shared)."""
    reqs = [
        r
        for r in inst.requirements.values()
        if r.id in floor.requirements and r.count > 0
    ]
    by_capability: dict[str, list[RequirementData]] = {}
    for r in reqs:
        by_capability.setdefault(r.capability, []).append(r)
    counted: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    apart = sum(
        _excess(inst, floor, part, counted) for part in by_capability.values()
    )
    together = (
        _excess(inst, floor, reqs, counted) if len(by_capability) > 1 else 0.0
    )
    return max(apart, together)


def _excess(
    inst: Instance,
    floor: ShortFloor,
    reqs: list[RequirementData],
    counted: dict[tuple, tuple[np.ndarray, np.ndarray]],
) -> float:
    """``counted`` keeps ``_most_counted``'s answers per policy and
    length."""
    if not reqs:
        return 0.0
    lo = min(floor.requirements[r.id][0] for r in reqs)
    hi = max(
        floor.requirements[r.id][0] + len(floor.requirements[r.id][1])
        for r in reqs
    )
    step = max(7, -(-(hi - lo) // _GRID_POINTS))
    marks = {lo, hi}
    marks.update(range(lo, hi, step))
    for r in reqs:
        marks.update(x for x in (r.start, r.end) if lo < x < hi)
    grid = np.array(sorted(marks), dtype=np.int64)
    a, b = np.meshgrid(grid, grid, indexing="ij")
    valid = a < b

    supply = np.zeros(a.shape, dtype=np.int64)
    fixed: dict[str, list[Leg]] = {}
    for leg in inst.fixed:
        fixed.setdefault(leg.unit, []).append(leg)
    for unit in inst.units.values():
        if not any(inst.penalty(unit.id, r.id) is not None for r in reqs):
            continue
        first, last = _reach(inst, unit)
        mine = fixed.get(unit.id, [])
        if mine:
            if len(mine) > 1 or mine[0].start > 0:
                # Fixed tours later on: the unit may tour around them.
                supply += b - a
                continue
            # A tour under way at the start (fixed tours may be longer
            # than the policy allows): it counts as given, then the unit
            # owes transit, dwell, transit and a handover.
            leg, pol = mine[0], unit.policy
            supply += np.clip(
                np.minimum(b, leg.end)
                - np.maximum(a, leg.start + pol.handover_days),
                0,
                None,
            )
            first = max(
                first,
                leg.end
                + 2 * pol.transit_days
                + pol.handover_days
                + pol.dwell_after(leg.end - leg.start),
            )
        length = np.clip(np.minimum(b, last) - np.maximum(a, first), 0, None)
        key = (*unit.policy.model_dump().values(), int(hi - lo))
        if key not in counted:
            counted[key] = _most_counted(unit.policy, int(hi - lo))
        free, mid_tour = counted[key]
        # Before its first possible day a unit is home, so a stretch
        # from then on starts with it free.
        supply += np.where(a <= first, free[length], mid_tour[length])

    levels = sorted({r.priority for r in reqs})
    asked = {p: np.zeros(a.shape, dtype=np.int64) for p in levels}
    floor_cost = np.zeros(a.shape, dtype=np.float64)
    for r in reqs:
        overlap = np.clip(
            np.minimum(b, r.end) - np.maximum(a, r.start), 0, None
        )
        asked[r.priority] += r.count * overlap
        start, short = floor.requirements[r.id]
        cum = np.concatenate(([0], np.cumsum(short)))
        aa = np.clip(a - start, 0, len(short))
        bb = np.clip(b - start, 0, len(short))
        floor_cost += r.priority * np.maximum(0, cum[bb] - cum[aa])
    missing = np.maximum(0, sum(asked.values()) - supply)
    cost = np.zeros(a.shape, dtype=np.float64)
    for p in levels:
        taken = np.minimum(missing, asked[p])
        cost += p * taken
        missing -= taken
    stretch = np.where(valid, np.maximum(cost, floor_cost), -np.inf)

    best = np.full(len(grid), -np.inf)
    best[0] = 0.0
    for j in range(1, len(grid)):
        best[j] = np.max(best[:j] + stretch[:j, j])
    return max(0.0, float(best[-1] - floor_cost[0, -1]))


def _most_counted(
    policy: Policy, longest: int
) -> tuple[np.ndarray, np.ndarray]:
    """For stretches of 0..``longest`` days, the most days one unit with
    ``policy`` can count in them: starting free, and in any state (on a
    tour under way at the start, say)."""
    t, h = policy.transit_days, policy.handover_days
    tours = np.arange(
        max(policy.min_deployment_days, h + 1),
        policy.max_deployment_days + 1,
    )
    if not len(tours):
        empty = np.zeros(longest + 1, dtype=np.int64)
        return empty, empty
    counted = tours - h
    # From one tour's first counted day to the next's.
    cycle = (
        counted
        + 2 * t
        + h
        + np.array([policy.dwell_after(int(d)) for d in tours])
    )
    span = int(counted.max())

    def run(ready: np.ndarray) -> np.ndarray:
        # ready[s]: most days counted before s, the unit free to count
        # again from s.
        for s in range(longest + 1):
            if s:
                ready[s] = max(ready[s], ready[s - 1])
            ends = s + cycle
            ok = ends <= longest
            np.maximum.at(ready, ends[ok], ready[s] + counted[ok])
        # most[w]: the best ``ready[s] + min(w - s, span)`` over s <= w,
        # the last tour still under way at the stretch's end.
        days = np.arange(longest + 1)
        late = ready - days
        most = late.copy()
        for k in range(1, min(span, longest) + 1):
            np.maximum(most[k:], late[:-k], out=most[k:])
        most += days
        if span <= longest:
            early = np.maximum.accumulate(ready)[: longest + 1 - span] + span
            np.maximum(most[span:], early, out=most[span:])
        return most

    free = np.full(longest + 1, np.iinfo(np.int64).min // 4, dtype=np.int64)
    free[0] = 0
    mid = free.copy()
    # A tour under way at the start: its first x counted days in the
    # stretch, the rest of it before; the shortest such tour owes the
    # least dwell.
    for x in range(1, span + 1):
        d = max(policy.min_deployment_days, x + h)
        ends = x + 2 * t + h + policy.dwell_after(d)
        if ends <= longest:
            mid[ends] = max(mid[ends], x)
    return run(free), run(mid)
