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
) -> np.ndarray:
    """How many of ``units`` could count on each day of ``[lo, hi)``.

    A unit could count on any day it can reach, except during blackouts
    (with transit either side) and its fixed deployments; during a fixed
    deployment it counts if that one does (``counts`` holds the (unit,
    requirement) pairs that do) from its handover on. These periods do
    not overlap in a valid scenario, so each unit adds at most one.
    """
    count = np.zeros(hi - lo + 1, dtype=np.int64)

    def add(a: int, b: int, k: int) -> None:
        a, b = max(a, lo), min(b, hi)
        if b > a:
            count[a - lo] += k
            count[b - lo] -= k

    fixed: dict[str, list[Leg]] = {}
    for leg in inst.fixed:
        fixed.setdefault(leg.unit, []).append(leg)
    for unit in units:
        first, last = _reach(inst, unit)
        add(first, last, 1)
        t = unit.policy.transit_days
        for b0, b1 in _merged(list(unit.blackouts)):
            add(max(first, b0 - t), min(last, b1 + t), -1)
        for leg in fixed.get(unit.id, []):
            add(max(first, leg.start), min(last, leg.end), -1)
            if (unit.id, leg.requirement) in counts:
                add(leg.start + unit.policy.handover_days, leg.end, 1)
    return np.maximum(0, np.cumsum(count)[:-1])


@dataclass
class Unavoidable:
    """Short days no plan can avoid, per requirement and exercise need
    (keyed by exercise id and the need's index)."""

    requirements: dict[str, int]
    exercises: dict[tuple[str, int], int]


def unavoidable(inst: Instance) -> Unavoidable:
    """Per requirement and exercise need, the short days of contract
    section 4 that every plan of ``inst`` has."""
    reqs: dict[str, int] = {}
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
        reqs[req.id] = int(np.maximum(0, req.count - possible).sum())
    needs: dict[tuple[str, int], int] = {}
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
            possible = _possible(inst, units, ex.start, ex.end, counts)
            needs[(ex.id, i)] = int(np.maximum(0, count - possible).sum())
    return Unavoidable(reqs, needs)


def availability_bound(inst: Instance) -> float:
    """A lower bound on ``primary`` for any plan of ``inst``."""
    low = unavoidable(inst)
    return sum(
        inst.requirements[r].priority * days
        for r, days in low.requirements.items()
    ) + sum(low.exercises.values())
