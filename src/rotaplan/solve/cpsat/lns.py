"""Local search for groups too large to solve whole: re-plan one site
over a window of time with CP-SAT, keeping the rest of the plan.

A neighbourhood frees every deployment at the site that meets the
window, for every unit that could serve there, and asks the exact model
(on a sub-instance) for the best plan of the site in the window, the
units' other deployments held as commitments they owe dwell around. A
better plan replaces the old; the plan stays valid at every step, so the
search can stop at any time. Windows are aimed at the costliest short
days first, then swept over every site for fewer deployments.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from ...model import Instance
from ...model.instance import ExerciseData, Leg, RequirementData
from ..shortfall import (
    Shortfall,
    exercise_presence,
    objective_of,
    shortfalls,
)
from .bounds import ShortFloor
from .engine import Settings, run_cpsat
from .hints import NotInModel
from .model import RotaModel, evaluate

# Days added on each side of a short run to make a window.
_MARGIN = 240
# Length of the windows swept when nothing is short (half overlapping).
_SWEEP = 540
# Widest windows, as a multiple of the first ones.
_WIDEST = 4.0
# Most seconds (and CP-SAT work) one neighbourhood may take: most are
# solved to optimality well within it; a hard one is not worth more.
_STEP_SECONDS = 2.0
# A last try for a short run still above the unavoidable days: the
# whole pool of the capability short there, at every site, over a window
# this much either side of the run. Such a model takes a minute to
# improve at L (141 units, 26 requirements), so it comes after every
# narrower try, once per short run.
_POOL_MARGIN = 90
_POOL_SECONDS = 100.0
# A second try, before the sweep, for an aimed window that gained
# nothing while a plan could still do better there: moving a relief
# into an exercise at a full site, say, takes a site's whole pool and
# more than one step's time.
_RETRY_SECONDS = 8.0


@dataclass
class Neighbourhood:
    """A site over a window, as a sub-instance to solve."""

    sub: Instance
    busy: dict[str, list[Leg]]
    window: tuple[int, int]
    freed: list[Leg]
    kept: list[Leg]
    occupied: dict[str, list[tuple[int, int, int]]] = field(
        default_factory=dict
    )


def neighbourhood(
    inst: Instance,
    legs: list[Leg],
    site: str,
    a: int,
    b: int,
    capabilities: frozenset[str] | None = None,
) -> Neighbourhood | None:
    """Free the deployments at ``site`` that meet ``[a, b)``; with
    ``capabilities``, only those units and the units deployed there may
    take them (a smaller model for an exercise's need)."""
    reqs = [r for r in inst.requirements.values() if r.site == site]
    units = {
        u
        for u in inst.units
        if any(inst.penalty(u, r.id) is not None for r in reqs)
    }
    if capabilities is not None:
        there = {
            x.unit
            for x in legs
            if inst.requirements[x.requirement].site == site
            and x.start < b
            and x.end > a
        }
        units = {
            u
            for u in units
            if u in there or inst.units[u].capability in capabilities
        }
    if not reqs or not units:
        return None

    freed = [
        x
        for x in legs
        if not x.fixed
        and x.unit in units
        and inst.requirements[x.requirement].site == site
        and x.start < b
        and x.end > a
    ]
    return _window_hood(inst, legs, reqs, units, freed, a, b)


def pool_neighbourhood(
    inst: Instance,
    legs: list[Leg],
    capabilities: str | frozenset[str],
    a: int,
    b: int,
) -> Neighbourhood | None:
    """Free the deployments of every unit of ``capabilities`` (one or
    several) that meet ``[a, b)``, at every site: pools re-planned over
    a window. A relief short at one site may need a unit whose tour
    elsewhere moves to make room, which no one site's neighbourhood can
    do; a substitution is undone by swapping units of two pools.

    The requirements those units may fill are in the sub-instance, with
    the other units' deployments there pinned; the troops of other
    requirements at those sites take capacity (``occupied``)."""
    if isinstance(capabilities, str):
        capabilities = frozenset([capabilities])
    units = {u for u, d in inst.units.items() if d.capability in capabilities}
    reqs = [
        r
        for r in inst.requirements.values()
        if any(inst.penalty(u, r.id) is not None for u in units)
    ]
    ids = {r.id for r in reqs}
    freed = [
        x
        for x in legs
        if not x.fixed
        and x.unit in units
        and x.requirement in ids
        and x.start < b
        and x.end > a
    ]
    if not freed:
        return None
    return _window_hood(inst, legs, reqs, units, freed, a, b)


def _window_hood(
    inst: Instance,
    legs: list[Leg],
    reqs: list[RequirementData],
    units: set[str],
    freed: list[Leg],
    a: int,
    b: int,
) -> Neighbourhood | None:
    """The sub-instance in which ``units`` re-plan ``reqs`` over
    ``[a, b)`` (widened to the ``freed`` deployments), the rest of
    ``legs`` kept."""
    a = min([a, *(x.start for x in freed)])
    b = max([b, *(x.end for x in freed)])
    freed_ids = {id(x) for x in freed}
    kept = [x for x in legs if id(x) not in freed_ids]
    sub_reqs = {
        r.id: replace(r, start=max(r.start, a), end=min(r.end, b))
        for r in reqs
        if r.start < b and r.end > a
    }
    if not sub_reqs:
        return None
    sites = {r.site for r in sub_reqs.values()}
    # Kept deployments on these requirements in the window count there
    # (coverage, capacity); a free unit's others are commitments.
    pinned = [
        Leg(x.unit, x.requirement, x.start, x.end, fixed=True)
        for x in kept
        if x.requirement in sub_reqs and x.start < b and x.end > a
    ]
    pinned_ids = {(x.unit, x.start) for x in pinned}
    # A pinned unit may also be sent anew in the sub-instance, so it
    # owes dwell around its other deployments too (it need not be one
    # of ``units``).
    committed = units | {x.unit for x in pinned}
    busy: dict[str, list[Leg]] = {}
    for x in kept:
        if x.unit in committed and (x.unit, x.start) not in pinned_ids:
            busy.setdefault(x.unit, []).append(x)
    # Units kept at the sites' other requirements take capacity there
    # and count for the exercises: the sub-instance asks what they leave.
    outside = [
        x
        for x in kept
        if x.requirement not in sub_reqs
        and inst.requirements[x.requirement].site in sites
    ]
    occupied: dict[str, list[tuple[int, int, int]]] = {}
    for x in outside:
        site = inst.requirements[x.requirement].site
        if inst.sites[site].capacity is not None and x.start < b and x.end > a:
            occupied.setdefault(site, []).append(
                (x.start, x.end, inst.units[x.unit].troops)
            )
    exercises = _exercises_left(inst, outside, sites, a, b)
    sub = Instance(
        name=inst.name,
        origin=inst.origin,
        horizon_end=inst.horizon_end,
        sites={s: inst.sites[s] for s in sorted(sites)},
        units={
            u: d
            for u, d in inst.units.items()
            if u in units or u in {x.unit for x in pinned}
        },
        requirements=sub_reqs,
        exercises=exercises,
        substitutions=dict(inst.substitutions),
        fixed=pinned,
    )
    return Neighbourhood(sub, busy, (a, b), freed, kept, occupied)


def _exercises_left(
    inst: Instance, outside: list[Leg], sites: set[str], a: int, b: int
) -> dict[str, ExerciseData]:
    """The exercise needs at ``sites`` over ``[a, b)`` less what the
    ``outside`` deployments give them, one exercise per need and run of
    days with the same number still asked."""
    out: dict[str, ExerciseData] = {}
    for ex in inst.exercises.values():
        lo, hi = max(ex.start, a), min(ex.end, b)
        if ex.site not in sites or hi <= lo:
            continue
        for i, (capability, count) in enumerate(ex.needs):
            given = exercise_presence(
                inst, outside, ex.site, capability, lo, hi
            )
            left = np.maximum(0, count - given)
            edges = np.flatnonzero(np.diff(left)) + 1
            for s, e in zip(
                [0, *edges.tolist()], [*edges.tolist(), hi - lo], strict=True
            ):
                if left[s]:
                    key = f"{ex.id}/{i}/{lo + s}"
                    out[key] = ExerciseData(
                        key,
                        ex.site,
                        lo + s,
                        lo + e,
                        ((capability, int(left[s])),),
                    )
    return out


def _weighted(rm: RotaModel) -> cp_model.LinearExprT:
    """The lexicographic objective as one weighted sum (the model is
    small, so the weights stay well inside 64 bits)."""
    obj = rm.objective
    slots = rm.slot_count + 1
    longest = max(
        (u.policy.max_deployment_days for u in rm.inst.units.values()),
        default=0,
    )
    worst_penalty = max(
        (obj.penalty_scale.weight(p) for p in rm.inst.substitutions.values()),
        default=0,
    )
    penalty_span = slots * longest * worst_penalty + 1
    return (
        obj.primary * (penalty_span * slots)
        + obj.penalty * slots
        + obj.deployments
    )


def solve_neighbourhood(
    hood: Neighbourhood,
    settings: Settings,
    wall: float,
    work: float | None,
    deadline: float | None = None,
) -> tuple[list[Leg] | None, float]:
    """The neighbourhood's best plan if better than the current one, and
    CP-SAT's work spent. The search ends by ``deadline``
    (``time.perf_counter``) whatever building the model took."""
    rm = RotaModel(
        hood.sub,
        capacity_sites=frozenset(
            s for s, d in hood.sub.sites.items() if d.capacity is not None
        ),
        busy=hood.busy,
        window=hood.window,
        occupied=hood.occupied,
    )
    current = rm.canonical([*hood.sub.fixed, *hood.freed])
    target = _weighted(rm)
    try:
        held = evaluate(target, rm.values_of(current))
    except NotInModel:
        return None, 0.0
    rm.model.minimize(target)
    rm.hint(current)
    if deadline is not None:
        wall = settings.seconds(min(wall, deadline - time.perf_counter()))
        if wall <= 0:
            return None, 0.0
    found, _, value, _, info = run_cpsat(rm.model, settings, wall, work, None)
    if info.get("interrupted"):
        raise KeyboardInterrupt
    if found is None or value is None or value >= held:
        return None, info["work"]
    new = [x for x in rm.legs(found) if not x.fixed]
    return new, info["work"]


def improve(
    inst: Instance,
    legs: list[Leg],
    settings: Settings,
    wall: float,
    work: float | None,
    report: Callable[[float], None] | None = None,
    aimed_only: bool = False,
    floor: ShortFloor | None = None,
    accept: Callable[[list[Leg]], bool] | None = None,
) -> tuple[list[Leg], list[dict[str, object]]]:
    """Improve a valid plan of ``inst`` until the time (or work) runs
    out, or, with ``aimed_only``, until no short day is left to aim
    at; every intermediate plan is valid. Ctrl-C during a neighbourhood
    (with ``interruptible``) ends the search; the log's last entry then
    says ``interrupted``. ``floor`` (``bounds.short_floor(inst)``) marks
    the short days no plan avoids: aimed windows that failed though short
    above it are tried once more, longer, before the sweep. ``accept``
    (the checker's verdict) judges every better plan before it is
    taken, so a neighbourhood's defect costs that step, not the search;
    so does a step that is not better by the whole plan's objective.
    It is given the deployments a step can break a rule with: the fixed
    ones, every one of the units the step moved, and every one at its
    sites (a checker's pass over the whole plan takes 0.5 s at XL).

    Returns the best plan and a log of the neighbourhoods tried.
    """
    began = time.perf_counter()
    work_left = work
    log: list[dict[str, object]] = []
    tried: set[tuple[str, int, int]] = set()
    retried: set[tuple[str, int, int]] = set()
    pooled: set[tuple[str, str, int, int]] = set()
    subbed: set[tuple[str, int, int, frozenset[str]]] = set()
    # Every window tried without gain: try wider ones, up to four times.
    scale = 1.0
    sweep = _sweep_windows(inst, scale)
    # The plan's short runs, those above the floor, and its
    # substitutions: they change only with the plan (at XL each takes a
    # fifth of a step's time).
    every, avoidable = _aims(inst, legs, floor)
    substituted = _substituted(inst, legs)
    objective = objective_of(inst, legs)
    # The longest a step's bookkeeping after its search has taken (the
    # whole plan's objective, the checker, the short runs: 0.6 s at XL):
    # each search ends that much before the time is up, so that the
    # local search does.
    upkeep = 0.0
    while True:
        left = settings.seconds(wall - (time.perf_counter() - began))
        if left - upkeep <= 0.05 or (work_left is not None and work_left <= 0):
            break
        step, only = _STEP_SECONDS, None
        pool: frozenset[str] | None = None
        target, _ = _next_window(inst, tried, every, [], scale)
        if target is None and avoidable is not None:
            target, capability = _next_window(
                inst, retried, avoidable, [], scale
            )
            if target is not None:
                retried.add(target)
                step = _RETRY_SECONDS
                if capability is not None:
                    only = frozenset([capability])
        if target is None and avoidable is not None:
            short = next(
                (x for x in avoidable if _pool_key(x) not in pooled), None
            )
            if short is not None:
                pooled.add(_pool_key(short))
                pool, step = frozenset([short.wanted]), _POOL_SECONDS
                target = (
                    short.site,
                    max(0, short.start - _POOL_MARGIN),
                    min(inst.horizon_end, short.end + _POOL_MARGIN),
                )
        if target is None and not aimed_only:
            # A deployment filled by substitution, costliest first: its
            # site over a window, then the pools of both capabilities,
            # whose tours elsewhere may move or swap to free a unit.
            aim = next((x for x in substituted if x not in subbed), None)
            if aim is not None:
                subbed.add(aim)
                site, a, b, pools = aim
                target = (site, a, b)
                if pools:
                    pool, step = pools, _RETRY_SECONDS
        if target is None and not aimed_only:
            target, _ = _next_window(inst, tried, [], sweep, scale)
        if target is None:
            if aimed_only or scale >= _WIDEST:
                break
            scale *= 1.5
            sweep = _sweep_windows(inst, scale)
            tried = set()
            continue
        site, a, b = target
        if pool is None:
            tried.add(target)
            hood = neighbourhood(inst, legs, site, a, b, only)
        else:
            hood = pool_neighbourhood(inst, legs, pool, a, b)
        if hood is None:
            continue
        step_wall = min(left, step)
        step_work = None if work_left is None else min(work_left, step)
        try:
            new, spent = solve_neighbourhood(
                hood, settings, step_wall, step_work, began + wall - upkeep
            )
        except KeyboardInterrupt:
            # Ctrl-C: the plan so far is valid; the caller reports it.
            log.append({"interrupted": True, "improved": False, "work": 0.0})
            break
        searched = time.perf_counter()
        if work_left is not None:
            work_left -= spent
        better, reached, rejected = None, objective, False
        if new is not None:
            better = sorted(
                [*hood.kept, *new],
                key=lambda x: (x.start, x.unit, x.requirement),
            )
            # The whole plan must be better too, and valid: a sub-instance
            # that misjudges the rest costs this step, not the search.
            reached = objective_of(inst, better)
            rejected = reached >= objective or (
                accept is not None
                and not accept(_touched(inst, better, hood, new))
            )
        log.append(
            {
                "site": site,
                "window": [a, b],
                "pool": None if pool is None else sorted(pool),
                "improved": better is not None and not rejected,
                "rejected": rejected,
                "work": spent,
            }
        )
        if better is None or rejected:
            upkeep = max(upkeep, time.perf_counter() - searched)
            continue
        legs, objective = better, reached
        every, avoidable = _aims(inst, legs, floor)
        substituted = _substituted(inst, legs)
        # Improvements elsewhere may open new chances here.
        tried = {t for t in tried if t[0] not in hood.sub.sites}
        retried = {t for t in retried if t[0] not in hood.sub.sites}
        if report is not None:
            report(sum(x.cost for x in every))
        upkeep = max(upkeep, time.perf_counter() - searched)
    return legs, log


def _substituted(
    inst: Instance, legs: list[Leg]
) -> list[tuple[str, int, int, frozenset[str]]]:
    """The windows to try against the plan's substitutions, costliest
    first: per deployment filled by substitution, its site's window (no
    pools), then the pools of the capability asked and of the unit, as
    (site, start, end, pools)."""
    costed = sorted(
        (-penalty * (x.end - x.start), x.start, x.unit, x.end, x.requirement)
        for x in legs
        if not x.fixed and (penalty := inst.penalty(x.unit, x.requirement))
    )
    out = []
    for _, start, unit, end, req_id in costed:
        req = inst.requirements[req_id]
        pools = frozenset([req.capability, inst.units[unit].capability])
        for chosen, margin in ((frozenset(), _MARGIN), (pools, _POOL_MARGIN)):
            out.append(
                (
                    req.site,
                    max(0, start - margin),
                    min(inst.horizon_end, end + margin),
                    chosen,
                )
            )
    return out


def _pool_key(short: Shortfall) -> tuple[str, str, int, int]:
    return (short.wanted, short.site, short.start, short.end)


def _touched(
    inst: Instance, legs: list[Leg], hood: Neighbourhood, new: list[Leg]
) -> list[Leg]:
    """The deployments of ``legs`` a rule could join to the step's: the
    fixed ones (H8), the moved units' (H3 to H5) and the sites' (H6)."""
    moved = {x.unit for x in (*hood.freed, *new)}
    return [
        x
        for x in legs
        if x.fixed
        or x.unit in moved
        or inst.requirements[x.requirement].site in hood.sub.sites
    ]


def _aims(
    inst: Instance, legs: list[Leg], floor: ShortFloor | None
) -> tuple[list[Shortfall], list[Shortfall] | None]:
    """The plan's short runs, and (given ``floor``) its short runs
    above the floor."""
    every = shortfalls(inst, legs)
    return every, None if floor is None else shortfalls(inst, legs, floor)


def _sweep_windows(inst: Instance, scale: float) -> list[tuple[str, int, int]]:
    out = []
    sites = sorted({r.site for r in inst.requirements.values()})
    length = round(_SWEEP * scale)
    for a in range(0, max(1, inst.horizon_end), length // 2):
        for site in sites:
            out.append((site, a, a + length))
    return out


def _next_window(
    inst: Instance,
    tried: set[tuple[str, int, int]],
    aims: list[Shortfall],
    sweep: list[tuple[str, int, int]],
    scale: float,
) -> tuple[tuple[str, int, int] | None, str | None]:
    """The first window not ``tried``: around the costliest of
    ``aims``, with the capability of the exercise need it is aimed at,
    else of ``sweep``."""
    margin = round(_MARGIN * scale)
    for short in aims:
        window = (
            short.site,
            max(0, short.start - margin),
            min(inst.horizon_end, short.end + margin),
        )
        if window[1] < window[2] and window not in tried:
            return window, short.wanted if short.exercise else None
    for window in sweep:
        if window not in tried:
            return window, None
    return None, None
