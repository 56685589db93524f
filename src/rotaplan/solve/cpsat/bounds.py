"""Cheap lower bounds on the gap, and the gap of a plan, in plain numpy.

``availability_bound``: on each day a requirement (or exercise need)
is short at least ``count`` minus the units that could possibly be
counting there that day, judged one unit at a time from its history,
availability, blackouts and fixed deployments. Each requirement's short
is bounded on its own, so the sum bounds the whole. It catches the days
no unit can reach in time (transit and handover at the horizon's start,
units still owed dwell), which is where most unavoidable gap lies.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ...model import Instance
from ...model.instance import Leg, UnitData


def _reach(inst: Instance, unit: UnitData) -> tuple[int, int]:
    """First and last-plus-one day the unit could count anywhere."""
    pol = unit.policy
    t, h = pol.transit_days, pol.handover_days
    first = h
    for leave in (unit.ready_from, unit.available_from):
        if leave is not None:
            first = max(first, leave + t + h)
    last = max(
        [inst.horizon_end, *(r.end for r in inst.requirements.values())]
    )
    if unit.available_until is not None:
        last = min(last, unit.available_until - t)
    return first, last


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _possible(
    inst: Instance,
    units: list[UnitData],
    lo: int,
    hi: int,
    counts: set[tuple[str, str]],
    open_days: np.ndarray | None = None,
) -> np.ndarray:
    """How many of ``units`` could count on each day of ``[lo, hi)``.

    A unit could count on any day it can reach, except during blackouts
    (with transit either side) and its fixed deployments; during a fixed
    deployment it counts if that one does (``counts`` holds the (unit,
    requirement) pairs that do) from its handover on. These periods do
    not overlap in a valid scenario, so each unit adds at most one.
    ``open_days`` (0 or 1 per day) marks the days a new deployment could
    count at all; fixed ones count wherever they are.
    """
    free = np.zeros(hi - lo + 1, dtype=np.int64)
    held = np.zeros(hi - lo + 1, dtype=np.int64)

    def add(days: np.ndarray, a: int, b: int, k: int) -> None:
        a, b = max(a, lo), min(b, hi)
        if b > a:
            days[a - lo] += k
            days[b - lo] -= k

    fixed: dict[str, list[Leg]] = {}
    for leg in inst.fixed:
        fixed.setdefault(leg.unit, []).append(leg)
    for unit in units:
        first, last = _reach(inst, unit)
        add(free, first, last, 1)
        t = unit.policy.transit_days
        # Merged once widened by transit: two blackouts closer than a
        # round trip would otherwise take the unit away twice.
        for b0, b1 in _merged([(b0 - t, b1 + t) for b0, b1 in unit.blackouts]):
            add(free, max(first, b0), min(last, b1), -1)
        for leg in fixed.get(unit.id, []):
            add(free, max(first, leg.start), min(last, leg.end), -1)
            if (unit.id, leg.requirement) in counts:
                add(held, leg.start + unit.policy.handover_days, leg.end, 1)
    possible = np.maximum(0, np.cumsum(free)[:-1])
    if open_days is not None:
        possible = possible * open_days
    return possible + np.cumsum(held)[:-1]


def _open_days(
    inst: Instance, site: str, units: list[UnitData], lo: int, hi: int
) -> np.ndarray:
    """Days of ``[lo, hi)`` on which a new deployment of one of
    ``units`` could count at ``site``: it must serve a requirement there,
    and counts only inside that requirement's window (H7)."""
    days = np.zeros(hi - lo, dtype=np.int64)
    for req in inst.requirements.values():
        if req.site == site and any(
            inst.penalty(u.id, req.id) is not None for u in units
        ):
            a, b = max(req.start, lo), min(req.end, hi)
            if b > a:
                days[a - lo : b - lo] = 1
    return days


@dataclass
class Unavoidable:
    """Short days no plan can avoid, per requirement and exercise need
    (keyed by exercise id and the need's index)."""

    requirements: dict[str, int]
    exercises: dict[tuple[str, int], int]


@dataclass
class ShortFloor:
    """Per day, the short every plan has: for each requirement over
    ``[lo, lo + len)`` of its counted window, and for each exercise
    need over the exercise's days."""

    requirements: dict[str, tuple[int, np.ndarray]]
    exercises: dict[tuple[str, int], np.ndarray]


def short_floor(inst: Instance) -> ShortFloor:
    """Day by day, the short of contract section 4 that every plan of
    ``inst`` has."""
    reqs: dict[str, tuple[int, np.ndarray]] = {}
    for req in inst.requirements.values():
        lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
        if hi <= lo:
            continue
        units = [
            u
            for u in inst.units.values()
            if inst.penalty(u.id, req.id) is not None
        ]
        counts = {(u.id, req.id) for u in units}
        possible = _possible(inst, units, lo, hi, counts)
        reqs[req.id] = (lo, np.maximum(0, req.count - possible))
    needs: dict[tuple[str, int], np.ndarray] = {}
    for ex in inst.exercises.values():
        here = [r.id for r in inst.requirements.values() if r.site == ex.site]
        for i, (capability, count) in enumerate(ex.needs):
            units = [
                u
                for u in inst.units.values()
                if u.capability == capability
                and any(inst.penalty(u.id, r) is not None for r in here)
            ]
            counts = {(u.id, r) for u in units for r in here}
            possible = _possible(
                inst,
                units,
                ex.start,
                ex.end,
                counts,
                _open_days(inst, ex.site, units, ex.start, ex.end),
            )
            needs[(ex.id, i)] = np.maximum(0, count - possible)
    return ShortFloor(reqs, needs)


def unavoidable(
    inst: Instance, floor: ShortFloor | None = None
) -> Unavoidable:
    """Per requirement and exercise need, the short days of contract
    section 4 that every plan of ``inst`` has (from ``floor``, its
    ``short_floor``, when already at hand)."""
    if floor is None:
        floor = short_floor(inst)
    return Unavoidable(
        {r: int(days.sum()) for r, (_, days) in floor.requirements.items()},
        {k: int(days.sum()) for k, days in floor.exercises.items()},
    )


def availability_bound(
    inst: Instance, floor: ShortFloor | None = None
) -> float:
    """A lower bound on ``primary`` for any plan of ``inst`` (from
    ``floor``, its ``short_floor``, when already at hand)."""
    low = unavoidable(inst, floor)
    return sum(
        inst.requirements[r].priority * days
        for r, days in low.requirements.items()
    ) + sum(low.exercises.values())


def fewest_deployments(
    inst: Instance, floor: ShortFloor | None = None
) -> dict[str, int]:
    """Per requirement, the fewest deployments (not fixed) to it in any
    plan whose ``primary`` equals ``availability_bound(inst)``.

    In such a plan every requirement of positive priority and every
    exercise need is short on exactly the days ``short_floor`` says, so
    the days each requirement must be covered, and how deep, are known.
    Where an exercise's units can only come from one requirement, that
    requirement must also be covered as deep as the exercise needs: the
    reliefs an exercise forces. The least number of deployments that
    cover such a profile, each counting for at most its longest
    effective stay, is found by covering each day as late and as long as
    possible (an exchange argument shows nothing does better); ignoring
    which units exist makes it a bound. ``floor`` is ``short_floor(inst)``
    when already at hand.
    """
    if floor is None:
        floor = short_floor(inst)
    demand: dict[str, tuple[int, np.ndarray]] = {}
    for req_id, (lo, short) in floor.requirements.items():
        req = inst.requirements[req_id]
        # Short days of a requirement of no priority cost nothing, so
        # an optimal plan need not hold it at all.
        depth = req.count - short if req.priority > 0 else np.zeros_like(short)
        demand[req_id] = (lo, depth)
    for (ex_id, i), short in floor.exercises.items():
        ex = inst.exercises[ex_id]
        capability, count = ex.needs[i]
        sources = _sources(inst, ex_id, capability)
        if len(sources) != 1 or sources[0] not in demand:
            continue
        lo, depth = demand[sources[0]]
        need = count - short
        a, b = max(ex.start, lo), min(ex.end, lo + len(depth))
        if b > a:
            depth = depth.copy()
            part = depth[a - lo : b - lo]
            np.maximum(part, need[a - ex.start : b - ex.start], out=part)
            demand[sources[0]] = (lo, depth)
    fewest: dict[str, int] = {}
    for req_id, (lo, depth) in demand.items():
        longest = max(
            (
                u.policy.max_deployment_days - u.policy.handover_days
                for u in inst.units.values()
                if inst.penalty(u.id, req_id) is not None
            ),
            default=0,
        )
        held = [
            (
                leg.start + inst.units[leg.unit].policy.handover_days,
                leg.end,
            )
            for leg in inst.fixed
            if leg.requirement == req_id
        ]
        fewest[req_id] = _fewest_covering(lo, depth, held, longest)
    return fewest


def _sources(inst: Instance, ex_id: str, capability: str) -> list[str]:
    """Requirements at the exercise's site whose deployments could put
    a unit of ``capability`` there on one of its days."""
    ex = inst.exercises[ex_id]
    found = set()
    for req in inst.requirements.values():
        if req.site != ex.site or req.start >= ex.end or req.end <= ex.start:
            continue
        if any(
            u.capability == capability
            and inst.penalty(u.id, req.id) is not None
            for u in inst.units.values()
        ):
            found.add(req.id)
    for leg in inst.fixed:
        unit = inst.units[leg.unit]
        if (
            unit.capability == capability
            and inst.requirements[leg.requirement].site == ex.site
            and leg.start + unit.policy.handover_days < ex.end
            and leg.end > ex.start
        ):
            found.add(leg.requirement)
    return sorted(found)


def _fewest_covering(
    lo: int, depth: np.ndarray, held: list[tuple[int, int]], longest: int
) -> int:
    """Fewest spans of at most ``longest`` days that, with the ``held``
    spans, cover each day ``lo + i`` at least ``depth[i]`` deep."""
    if longest <= 0 or not depth.any():
        return 0
    held = sorted(held)
    active: list[int] = []
    added = 0
    k = 0
    for i in np.flatnonzero(depth):
        day = lo + int(i)
        while k < len(held) and held[k][0] <= day:
            heapq.heappush(active, held[k][1])
            k += 1
        while active and active[0] <= day:
            heapq.heappop(active)
        for _ in range(int(depth[i]) - len(active)):
            heapq.heappush(active, day + longest)
            added += 1
    return added
