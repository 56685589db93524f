"""A lower bound on the gap that a site's capacity forces.

``short_floor`` judges each requirement and exercise need on its own,
so it misses what they lose to each other at a full site: a site for
1,800 troops holding three battalions of 600 cannot also take the
armored battalion an exercise wants there, so on those days either a
requirement or the exercise is short. Day by day, the least weighted
short at the site is a small integer program: how many units of each
kind to have counting for each requirement there, within the units that
could be counting that day (as ``short_floor`` judges them) and the
troops the site holds. Every plan's units counting at the site on that
day are one answer, so the least short is a bound; sites' terms are
disjoint, so they add up.

The program is solved once per stretch of days on which none of its
data changes, and only where capacity might bind: where the troops that
could be needed to reach the floor do not fit.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from ...model import Instance
from .bounds import ShortFloor, _possible
from .engine import solve_guarded
from .objective import primary_scale


@dataclass(frozen=True)
class _Kind:
    """Units alike at one site: capability, troops and the requirements
    there they may fill."""

    capability: str
    troops: int
    fills: tuple[str, ...]


def capacity_excess(
    inst: Instance, floor: ShortFloor, sites: Iterable[str]
) -> float:
    """How much more than ``floor`` (``short_floor(inst)``) every plan
    of ``inst`` is short, in ``primary`` units, from the capacity of
    ``sites``."""
    free: dict[str, np.ndarray] = {}
    return sum(
        _site_excess(inst, floor, site, free)
        for site in sorted(sites)
        if inst.sites[site].capacity is not None
    )


def _site_excess(
    inst: Instance, floor: ShortFloor, site: str, free: dict[str, np.ndarray]
) -> float:
    """``free`` caches, per unit, the days from 0 on it could count
    (shared by the sites)."""
    capacity = inst.sites[site].capacity
    assert capacity is not None
    reqs = [
        r
        for r in inst.requirements.values()
        if r.site == site and r.id in floor.requirements
    ]
    needs = [
        (ex, i)
        for ex in inst.exercises.values()
        if ex.site == site
        for i in range(len(ex.needs))
        if (ex.id, i) in floor.exercises
    ]
    if not reqs:
        return 0.0
    lo = min(r.start for r in reqs)
    hi = max(r.end for r in reqs)
    lo, hi = max(lo, 0), min(hi, inst.horizon_end)
    if hi <= lo:
        return 0.0
    days = hi - lo

    kinds: dict[_Kind, list] = defaultdict(list)
    for unit in inst.units.values():
        fills = tuple(
            r.id for r in reqs if inst.penalty(unit.id, r.id) is not None
        )
        if fills:
            kinds[_Kind(unit.capability, unit.troops, fills)].append(unit)
    order = sorted(kinds, key=lambda k: (k.capability, k.troops, k.fills))
    # Fixed deployments elsewhere take their units away; those here are
    # in every plan, so their troops and counts are given.
    for unit in (u for k in order for u in kinds[k]):
        if unit.id not in free:
            free[unit.id] = _possible(inst, [unit], 0, inst.horizon_end, set())
    available = np.array(
        [sum(free[u.id][lo:hi] for u in kinds[k]) for k in order],
        dtype=np.int64,
    ).reshape(len(order), days)
    forced = np.zeros(days, dtype=np.int64)
    held_req = {r.id: np.zeros(days, dtype=np.int64) for r in reqs}
    held_cap: dict[str, np.ndarray] = defaultdict(
        lambda: np.zeros(days, dtype=np.int64)
    )
    for leg in inst.fixed:
        if inst.requirements[leg.requirement].site != site:
            continue
        unit = inst.units[leg.unit]
        a, b = max(leg.start, lo) - lo, min(leg.end, hi) - lo
        if b > a:
            forced[a:b] += unit.troops
        a = max(leg.start + unit.policy.handover_days, lo) - lo
        if b > a:
            if leg.requirement in held_req:
                held_req[leg.requirement][a:b] += 1
            held_cap[unit.capability][a:b] += 1

    active = np.zeros((len(reqs), days), dtype=np.int64)
    req_floor = np.zeros((len(reqs), days), dtype=np.int64)
    for j, r in enumerate(reqs):
        start, short = floor.requirements[r.id]
        a, b = max(start, lo) - lo, min(start + len(short), hi) - lo
        if b > a:
            active[j, a:b] = 1
            req_floor[j, a:b] = short[a + lo - start : b + lo - start]
    need_active = np.zeros((len(needs), days), dtype=np.int64)
    need_floor = np.zeros((len(needs), days), dtype=np.int64)
    for j, (ex, i) in enumerate(needs):
        short = floor.exercises[(ex.id, i)]
        a, b = max(ex.start, lo) - lo, min(ex.end, hi) - lo
        if b > a:
            need_active[j, a:b] = 1
            need_floor[j, a:b] = short[a + lo - ex.start : b + lo - ex.start]

    table = np.vstack(
        [
            available,
            forced[None, :],
            np.array([held_req[r.id] for r in reqs]),
            active,
            req_floor,
            need_active,
            need_floor,
            np.array(
                [held_cap[ex.needs[i][0]] for ex, i in needs], dtype=np.int64
            ).reshape(len(needs), days),
        ]
    )
    # The most troops reaching every floor could take, day by day: where
    # that fits, capacity cannot bind.
    troops = np.array([k.troops for k in order], dtype=np.int64)[:, None]
    present = troops * (available > 0)
    widest = np.zeros(days, dtype=np.int64)
    for j, r in enumerate(reqs):
        mine = [g for g, k in enumerate(order) if r.id in k.fills]
        biggest = present[mine].max(axis=0) if mine else 0
        wanted = np.maximum(0, r.count - held_req[r.id] - req_floor[j])
        widest += active[j] * wanted * biggest
    for j, (ex, i) in enumerate(needs):
        capability, count = ex.needs[i]
        mine = [g for g, k in enumerate(order) if k.capability == capability]
        biggest = present[mine].max(axis=0) if mine else 0
        wanted = np.maximum(0, count - held_cap[capability] - need_floor[j])
        widest += need_active[j] * wanted * biggest
    binds = widest > capacity - forced
    if not binds.any():
        return 0.0
    changes = np.flatnonzero(np.any(table[:, 1:] != table[:, :-1], axis=0)) + 1
    edges = [0, *changes.tolist(), days]
    scale = primary_scale(inst)
    solved: dict[bytes, float] = {}
    excess = 0.0
    for a, b in itertools.pairwise(edges):
        if not binds[a]:
            continue
        column = table[:, a]
        key = column.tobytes()
        if key not in solved:
            solved[key] = _day_excess(
                capacity - int(forced[a]),
                [(k, int(available[g, a])) for g, k in enumerate(order)],
                [
                    (r, int(held_req[r.id][a]), int(req_floor[j, a]))
                    for j, r in enumerate(reqs)
                    if active[j, a]
                ],
                [
                    (
                        *ex.needs[i],
                        int(held_cap[ex.needs[i][0]][a]),
                        int(need_floor[j, a]),
                    )
                    for j, (ex, i) in enumerate(needs)
                    if need_active[j, a]
                ],
                scale.factor,
            )
        excess += solved[key] * (b - a)
    return excess


def _day_excess(
    room: int,
    kinds: list[tuple[_Kind, int]],
    reqs: list[tuple],
    needs: list[tuple[str, int, int, int]],
    factor: int,
) -> float:
    """Least weighted short above the floor on one day, in ``primary``
    units; 0 where the fixed deployments alone fill the site (the floor
    still holds there)."""
    at_floor = sum(r.priority * low for r, _, low in reqs) + sum(
        low for *_, low in needs
    )
    if room < 0:
        return 0.0
    open_reqs = {r.id for r, _, _ in reqs}
    usable = [(k, n) for k, n in kinds if n > 0 and set(k.fills) & open_reqs]

    model = cp_model.CpModel()
    counting: dict[tuple[int, str], cp_model.IntVar] = {}
    for g, (kind, n) in enumerate(usable):
        mine = []
        for r in kind.fills:
            if r in open_reqs:
                counting[(g, r)] = model.new_int_var(0, n, f"x{g}_{r}")
                mine.append(counting[(g, r)])
        model.add(sum(mine) <= n)
    model.add(
        sum(usable[g][0].troops * var for (g, _), var in counting.items())
        <= room
    )
    terms = []
    for r, held, low in reqs:
        short = model.new_int_var(low, r.count, f"s_{r.id}")
        model.add(
            short
            >= r.count
            - held
            - sum(var for (g, rid), var in counting.items() if rid == r.id)
        )
        terms.append(round(r.priority * factor) * short)
    for j, (capability, count, held, low) in enumerate(needs):
        short = model.new_int_var(low, count, f"n{j}")
        model.add(
            short
            >= count
            - held
            - sum(
                var
                for (g, _), var in counting.items()
                if usable[g][0].capability == capability
            )
        )
        terms.append(factor * short)
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # CP-SAT's own Ctrl-C handler would replace Python's for good.
    solver.parameters.catch_sigint_signal = False
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 5.0
    status = solve_guarded(solver, model)
    if status == cp_model.OPTIMAL:
        return max(0.0, solver.objective_value / factor - at_floor)
    if status == cp_model.FEASIBLE:
        return max(0.0, solver.best_objective_bound / factor - at_floor)
    return 0.0
