"""A lower bound from the units' whole schedules, priced day by day.

The other bounds look at a stretch of days or a day at a time, so they
let every unit be at its best at both ends of a stretch; three batteries
relieving one another for six years lose far more to dwell than that.
Here each unit's schedule is followed over the whole horizon.

The value of a plan is what it covers: ``priority`` per requirement day
covered (up to ``count``) and one per exercise need day met. Put a price
``price[r][t] >= 0`` on each requirement day (and each exercise need
day); then no plan covers more than

    sum over days of count * max(0, priority - price)
    + sum over units of the best its schedule can earn at those prices,

because a plan's coverage, day by day, is at most its units' counted
days and at most ``count``. Every price gives a bound (a Lagrangian
bound); the best one is the linear relaxation's, found by column
generation: a master linear program over the schedules found so far
(OR-Tools' GLOP) gives prices, and a dynamic program over each unit's
tours (every start day, length and requirement, with transit, dwell,
handover, availability, blackouts and fixed deployments) finds the
schedule that earns most at them.

"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from ...model import Instance
from ...model.instance import Leg, UnitData
from .engine import Settings, run_cpsat

_NONE = -np.inf
# Weights of the best prices so far in the next prices (Wentges).
_MIXES = (0.3, 0.6, 0.8, 0.9, 0.97)


@dataclass
class _Need:
    """A requirement or an exercise need, with its days in the master."""

    key: tuple[str, ...]
    site: str
    capability: str | None  # an exercise need's capability
    lo: int
    hi: int
    count: int
    weight: float


@dataclass
class _Unit:
    """One unit's tours: what it may fill and when it may start."""

    unit: UnitData
    options: list[str]
    lengths: np.ndarray
    jumps: np.ndarray  # days from a tour's start to the next possible
    fixed_at: dict[int, Leg]  # its fixed tours by start day
    startable: np.ndarray  # per day of the domain
    longest: np.ndarray  # per day: longest tour away-allowed from it
    blocks: list[_Block] | None = None


@dataclass
class _Block:
    """Start days ``s`` of one run (see ``_Pricing._blocks``), where the
    unit is free again after each (start, length) (``land``, an index of
    the domain), and per option the allowed tours and where their
    counted days begin and end in the earnings' prefix sums."""

    s: np.ndarray
    land: np.ndarray
    options: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class _Schedule:
    unit: str
    legs: tuple[Leg, ...]


@dataclass(frozen=True)
class ScheduleBound:
    """The bound on ``primary``, and how it was reached: ``converged``
    when it is the linear relaxation's own (no better price exists)."""

    bound: float
    iterations: int
    seconds: float
    converged: bool
    schedules: tuple[_Schedule, ...]
    _prices: dict[tuple[str, ...], np.ndarray] = field(repr=False)
    _pricing: _Pricing = field(repr=False)


class _Pricing:
    """The dynamic program over one group's units."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.h_end = inst.horizon_end
        starts = [leg.start for leg in inst.fixed]
        self.d0 = min([0, *starts])
        longest = max(
            (u.policy.max_deployment_days for u in inst.units.values()),
            default=1,
        )
        # Free tours start before the horizon's end; fixed ones may lie
        # beyond it, and the dynamic programs run past them.
        self.last = max([self.h_end, *(x.start + 1 for x in inst.fixed)])
        self.d1 = max([self.last + longest, *(x.end for x in inst.fixed)]) + 1
        self.needs: list[_Need] = []
        for r in inst.requirements.values():
            lo, hi = max(r.start, 0), min(r.end, self.h_end)
            if hi > lo and r.count > 0:
                self.needs.append(
                    _Need((r.id,), r.site, None, lo, hi, r.count, r.priority)
                )
        for ex in inst.exercises.values():
            for i, (capability, count) in enumerate(ex.needs):
                if ex.end > ex.start and count > 0:
                    self.needs.append(
                        _Need(
                            (ex.id, str(i)),
                            ex.site,
                            capability,
                            ex.start,
                            ex.end,
                            count,
                            1.0,
                        )
                    )
        fixed: dict[str, list[Leg]] = {}
        for leg in inst.fixed:
            fixed.setdefault(leg.unit, []).append(leg)
        self.units: dict[str, _Unit] = {}
        for u in inst.units.values():
            options = [
                r
                for r in inst.requirements
                if inst.penalty(u.id, r) is not None
            ]
            if not options:
                continue
            self.units[u.id] = self._unit(u, options, fixed.get(u.id, []))

    def _unit(
        self, u: UnitData, options: list[str], fixed: list[Leg]
    ) -> _Unit:
        pol = u.policy
        t = pol.transit_days
        lengths = np.arange(
            pol.min_deployment_days, pol.max_deployment_days + 1
        )
        jumps = np.array(
            [d + 2 * t + pol.dwell_after(int(d)) for d in lengths],
            dtype=np.int64,
        )
        days = np.arange(self.d0, self.d1)
        earliest = 0
        for leave in (u.ready_from, u.available_from):
            if leave is not None:
                earliest = max(earliest, leave + t)
        startable = (days >= earliest) & (days < self.h_end)
        until = np.iinfo(np.int64).max // 4
        if u.available_until is not None:
            until = u.available_until
        longest = until - t - days
        for b0, b1 in u.blackouts:
            inside = (days - t >= b0) & (days - t < b1)
            startable &= ~inside
            before = days - t < b0
            longest = np.where(
                before, np.minimum(longest, b0 - t - days), longest
            )
        return _Unit(
            u,
            options,
            lengths,
            jumps,
            {leg.start: leg for leg in fixed},
            startable,
            longest,
        )

    # -- rewards ---------------------------------------------------------

    @property
    def cells(self) -> int:
        """How many (start day, length, requirement) cells one round of
        the units' dynamic programs looks at: what a round costs."""
        return sum(
            len(u.options) * (self.last - self.d0) * len(u.lengths)
            for u in self.units.values()
        )

    def earnings_prefix(
        self, prices: dict[tuple[str, ...], np.ndarray]
    ) -> dict[tuple[str, str], np.ndarray]:
        """Per (capability, requirement), the prefix sums over the
        domain of what a counted day there earns."""
        out: dict[tuple[str, str], np.ndarray] = {}
        n = self.d1 - self.d0
        for cap in {u.unit.capability for u in self.units.values()}:
            for r in self.inst.requirements.values():
                earn = np.zeros(n)
                for need in self.needs_of(cap, r.id):
                    earn[need.lo - self.d0 : need.hi - self.d0] += prices[
                        need.key
                    ]
                out[(cap, r.id)] = np.concatenate(([0.0], np.cumsum(earn)))
        return out

    def needs_of(self, capability: str, requirement: str) -> list[_Need]:
        """The needs a tour of a unit of ``capability`` serving
        ``requirement`` counts toward: the requirement, and the exercise
        needs for that capability at its site."""
        site = self.inst.requirements[requirement].site
        return [
            need
            for need in self.needs
            if (need.capability is None and need.key[0] == requirement)
            or (need.capability == capability and need.site == site)
        ]

    def tour_earnings(self, prefix: np.ndarray, leg: Leg, h: int) -> float:
        a = min(max(leg.start + h, self.d0), self.d1) - self.d0
        b = min(max(leg.end, self.d0), self.d1) - self.d0
        return float(prefix[b] - prefix[a]) if b > a else 0.0

    # -- the dynamic programs -------------------------------------------

    def _blocks(self, unit: _Unit) -> list[_Block]:
        """Runs of start days holding no fixed start, each shorter than
        the unit's shortest round trip, so that no tour from a run lets
        the unit start again within it: the dynamic programs then take a
        run at a time."""
        if unit.blocks is not None:
            return unit.blocks
        h = unit.unit.policy.handover_days
        step = int(unit.jumps.min())
        edges = [self.d0 - 1, *sorted(unit.fixed_at), self.last]
        blocks: list[_Block] = []
        for k in range(len(edges) - 1):
            after = edges[k + 1] if k + 1 < len(edges) - 1 else None
            for lo in range(edges[k] + 1, edges[k + 1], step):
                s = np.arange(lo, min(lo + step, edges[k + 1]))
                i0 = s - self.d0
                free_at = s[:, None] + unit.jumps[None, :]
                ok_base = unit.startable[i0][:, None] & (
                    unit.lengths[None, :] <= unit.longest[i0][:, None]
                )
                if after is not None:
                    ok_base &= free_at <= after
                ends = s[:, None] + unit.lengths[None, :]
                options = []
                for r_id in unit.options:
                    r = self.inst.requirements[r_id]
                    ok = (
                        ok_base
                        & (s[:, None] >= max(0, r.start - h))
                        & (ends <= r.end)
                    )
                    if ok.any():
                        options.append(
                            (
                                r_id,
                                ok,
                                # A tour no longer than its handover
                                # counts no day.
                                np.clip(
                                    np.minimum(s[:, None] + h, ends) - self.d0,
                                    0,
                                    self.d1 - self.d0,
                                ),
                                np.clip(ends - self.d0, 0, self.d1 - self.d0),
                            )
                        )
                land = np.minimum(free_at, self.last) - self.d0
                blocks.append(_Block(s, land, options))
        unit.blocks = blocks
        return blocks

    def _values(
        self,
        unit: _Unit,
        block: _Block,
        prefix: dict[tuple[str, str], np.ndarray],
        later: np.ndarray | None,
    ) -> list[tuple[str, np.ndarray]]:
        """Per option, over (start day of ``block``, length): what the
        tour earns, plus ``later`` on the day the unit is free again;
        -inf where the tour is not allowed."""
        out = []
        for r_id, ok, a, b in block.options:
            p = prefix[(unit.unit.capability, r_id)]
            val = p[b] - p[a]
            if later is not None:
                val += later[block.land]
            val[~ok] = _NONE
            out.append((r_id, val))
        return out

    def _fixed_next(self, unit: _Unit, leg: Leg) -> int:
        pol = unit.unit.policy
        free = leg.end + 2 * pol.transit_days + pol.dwell_after(leg.days)
        return min(free, self.last)

    def _backward(
        self, unit: _Unit, prefix: dict[tuple[str, str], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``V[x]``: the most the unit earns from tours starting on or
        after day ``x`` (fixed ones from then on included); and per day
        the tour to start there (option index and length index, -1 for
        none)."""
        n = self.d1 - self.d0
        V = np.full(n + 1, _NONE)
        V[self.last - self.d0 :] = 0.0
        take_r = np.full(n, -1)
        take_k = np.full(n, -1)
        h = unit.unit.policy.handover_days
        fixed_at = unit.fixed_at
        blocks = self._blocks(unit)
        options = {r: i for i, r in enumerate(unit.options)}

        def fixed(x: int) -> None:
            leg = fixed_at[x]
            p = prefix[(unit.unit.capability, leg.requirement)]
            V[x - self.d0] = (
                self.tour_earnings(p, leg, h)
                + V[self._fixed_next(unit, leg) - self.d0]
            )

        x = self.last - 1
        for block in reversed(blocks):
            while x > block.s[-1]:
                fixed(x)
                x -= 1
            best = np.full(len(block.s), _NONE)
            best_r = np.full(len(block.s), -1)
            best_k = np.full(len(block.s), -1)
            rows = np.arange(len(block.s))
            for r_id, val in self._values(unit, block, prefix, V):
                k = val.argmax(axis=1)
                v = val[rows, k]
                better = v > best
                best = np.where(better, v, best)
                best_r = np.where(better, options[r_id], best_r)
                best_k = np.where(better, k, best_k)
            i, j = block.s[0] - self.d0, block.s[-1] + 1 - self.d0
            run = np.maximum.accumulate(np.concatenate(([V[j]], best[::-1])))
            V[i:j] = run[1:][::-1]
            # Start a tour where it is worth at least waiting a day.
            go = (best > _NONE) & (best >= V[i + 1 : j + 1])
            take_r[i:j] = np.where(go, best_r, -1)
            take_k[i:j] = np.where(go, best_k, -1)
            x = block.s[0] - 1
        while x >= self.d0:
            fixed(x)
            x -= 1
        return V, take_r, take_k

    def best_schedule(
        self, unit_id: str, prefix: dict[tuple[str, str], np.ndarray]
    ) -> tuple[float, _Schedule]:
        """The most the unit can earn at these prices, and a schedule
        that does."""
        unit = self.units[unit_id]
        V, take_r, take_k = self._backward(unit, prefix)
        fixed_at = unit.fixed_at
        legs: list[Leg] = []
        x = self.d0
        while x < self.last:
            i = x - self.d0
            if x in fixed_at:
                legs.append(fixed_at[x])
                x = self._fixed_next(unit, fixed_at[x])
            elif take_r[i] >= 0:
                k = int(take_k[i])
                d = int(unit.lengths[k])
                legs.append(Leg(unit_id, unit.options[take_r[i]], x, x + d))
                x += int(unit.jumps[k])
            else:
                x += 1
        return float(V[0]), _Schedule(unit_id, tuple(legs))


def _lagrangian(
    pricing: _Pricing, prices: dict[tuple[str, ...], np.ndarray], asked: float
) -> tuple[float, list[_Schedule]]:
    """The bound at ``prices`` and each unit's best schedule at them."""
    prefix = pricing.earnings_prefix(prices)
    value = 0.0
    for need in pricing.needs:
        value += float(
            need.count * np.maximum(0.0, need.weight - prices[need.key]).sum()
        )
    schedules = []
    for u in pricing.units:
        earns, sched = pricing.best_schedule(u, prefix)
        value += earns
        schedules.append(sched)
    return asked - value, schedules


def _earns(
    pricing: _Pricing,
    prefix: dict[tuple[str, str], np.ndarray],
    sched: _Schedule,
) -> float:
    unit = pricing.units[sched.unit].unit
    h = unit.policy.handover_days
    return sum(
        pricing.tour_earnings(
            prefix[(unit.capability, leg.requirement)], leg, h
        )
        for leg in sched.legs
    )


def _coverage(
    pricing: _Pricing, sched: _Schedule
) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Per need, the day spans ``sched`` counts on."""
    inst = pricing.inst
    unit = inst.units[sched.unit]
    h = unit.policy.handover_days
    out: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for leg in sched.legs:
        for need in pricing.needs_of(unit.capability, leg.requirement):
            a, b = max(leg.start + h, need.lo), min(leg.end, need.hi)
            if b > a:
                out.setdefault(need.key, []).append((a, b))
    return out


def schedule_bound(
    inst: Instance,
    start: list[Leg],
    seconds: float,
    rounds: int | None = None,
    target: float = np.inf,
    tolerance: float = 1e-4,
    most_cells: int | None = None,
) -> ScheduleBound | None:
    """The bound by column generation, started from plan ``start``'s
    schedules, within about ``seconds``. None when the group has nothing
    to bound, or when a round would look at more than ``most_cells``
    cells."""
    began = time.perf_counter()
    pricing = _Pricing(inst)
    if not pricing.needs or not pricing.units:
        return None
    if most_cells is not None and pricing.cells > most_cells:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    # Without presolve GLOP starts each solve from the last basis;
    # steepest edge takes fewer pivots on these degenerate masters.
    lp.SetSolverSpecificParametersAsString(
        "use_preprocessing: false feasibility_rule: STEEPEST_EDGE "
        "optimization_rule: STEEPEST_EDGE"
    )
    objective = lp.Objective()
    objective.SetMaximization()
    # Day t of a need: z_t + slack_t = (the schedules' units counting on
    # t), z_t up to ``count`` earning ``weight``. Each row below is day
    # t's equation less day t-1's, so a schedule has a coefficient only
    # where its count changes (a few per tour, not one per day), which
    # makes the master far sparser; prices come back as differences.
    rows: dict[tuple[str, ...], list[pywraplp.Constraint]] = {}
    lows: dict[tuple[str, ...], int] = {}
    asked = 0.0
    for need in pricing.needs:
        days = need.hi - need.lo
        mine = [lp.Constraint(0.0, 0.0) for _ in range(days)]
        for i in range(days):
            z = lp.NumVar(0.0, float(need.count), "")
            slack = lp.NumVar(0.0, lp.infinity(), "")
            objective.SetCoefficient(z, need.weight)
            for var in (z, slack):
                mine[i].SetCoefficient(var, 1.0)
                if i + 1 < days:
                    mine[i + 1].SetCoefficient(var, -1.0)
        rows[need.key] = mine
        lows[need.key] = need.lo
        asked += need.weight * need.count * days
    convex = {u: lp.Constraint(1.0, 1.0) for u in pricing.units}

    columns: list[_Schedule] = []

    def add(sched: _Schedule) -> None:
        columns.append(sched)
        theta = lp.NumVar(0.0, lp.infinity(), "")
        convex[sched.unit].SetCoefficient(theta, 1.0)
        for key, spans in _coverage(pricing, sched).items():
            change: dict[int, int] = {}
            for a, b in spans:
                change[a] = change.get(a, 0) + 1
                change[b] = change.get(b, 0) - 1
            need_rows = rows[key]
            for day, k in change.items():
                i = day - lows[key]
                if k and i < len(need_rows):
                    need_rows[i].SetCoefficient(theta, -float(k))

    by_unit: dict[str, list[Leg]] = {u: [] for u in pricing.units}
    for leg in start:
        if leg.unit in by_unit:
            by_unit[leg.unit].append(leg)
    for u, legs in by_unit.items():
        add(_Schedule(u, tuple(sorted(legs, key=lambda x: x.start))))

    best_bound = -np.inf
    best_prices: dict[tuple[str, ...], np.ndarray] = {}
    iterations = 0
    converged = False
    while True:
        iterations += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            break
        master = asked - objective.Value()
        duals = {}
        for key, rs in rows.items():
            nu = np.array([r.dual_value() for r in rs] + [0.0])
            duals[key] = np.maximum(0.0, nu[:-1] - nu[1:])
        # Prices between the best so far and the master's (Wentges'
        # smoothing): the master's own prices swing from one iteration
        # to the next, and the bound converges far slower on them. A
        # unit's dynamic program costs little beside the master, so
        # several mixes are priced per round.
        tries = [duals]
        if best_prices:
            tries += [
                {k: mix * best_prices[k] + (1 - mix) * duals[k] for k in duals}
                for mix in _MIXES
            ]
        found: list[_Schedule] = []
        master_prefix = pricing.earnings_prefix(duals)
        for at in tries:
            bound, schedules = _lagrangian(pricing, at, asked)
            if bound > best_bound:
                best_bound, best_prices = bound, at
            found.extend(
                sched
                for sched in schedules
                if _earns(pricing, master_prefix, sched)
                > convex[sched.unit].dual_value() + 1e-7
                and sched not in found
            )
        if master - best_bound <= tolerance or best_bound >= target:
            converged = master - best_bound <= tolerance
            break
        if not found:
            converged = True
            break
        if time.perf_counter() - began > seconds or (
            rounds is not None and iterations >= rounds
        ):
            break
        for sched in found:
            add(sched)
    return ScheduleBound(
        # A hair under: the sums above are in floating point.
        bound=max(0.0, best_bound - 1e-6),
        iterations=iterations,
        seconds=time.perf_counter() - began,
        converged=converged,
        schedules=tuple(columns),
        _prices=best_prices,
        _pricing=pricing,
    )


def combine_schedules(
    found: ScheduleBound,
    settings: Settings,
    wall: float,
    work: float | None,
    below: float = np.inf,
) -> tuple[list[Leg] | None, dict[str, Any]]:
    """The best plan that gives each unit one of the schedules column
    generation found (its schedule in the start plan among them), by
    CP-SAT: the linear relaxation's schedules often combine into a plan
    the search over tours does not reach. Site capacity is left to the
    caller's check. With ``below``, only schedules that could be in a
    plan of ``primary`` below it are tried. Returns the plan's
    deployments (not fixed ones), or None when no plan was found, and
    the search's details."""
    pricing = found._pricing
    prefix = pricing.earnings_prefix(found._prices)
    most = {u: pricing.best_schedule(u, prefix)[0] for u in pricing.units}
    model = cp_model.CpModel()
    picks: dict[str, list[tuple[cp_model.IntVar, tuple[Leg, ...]]]] = {}
    for sched in dict.fromkeys(found.schedules):
        # A plan with this schedule is at least the bound plus what the
        # schedule earns less than the unit's best at the bound's
        # prices: schedules that cannot be in a plan below ``below``
        # are left out (but each unit's first, the hint).
        loss = most[sched.unit] - _earns(pricing, prefix, sched)
        if sched.unit in picks and found.bound + loss >= below - 1e-9:
            continue
        picks.setdefault(sched.unit, []).append(
            (model.new_bool_var(""), sched.legs)
        )
    covering: dict[tuple[tuple[str, ...], int], list[cp_model.IntVar]] = {}
    # Each unit's first schedule is its schedule in the start plan: the
    # hint, with what it covers.
    hinted: dict[tuple[tuple[str, ...], int], int] = {}
    for unit, options in picks.items():
        model.add_exactly_one(v for v, _ in options)
        for i, (v, legs) in enumerate(options):
            model.add_hint(v, i == 0)
            spans = _coverage(pricing, _Schedule(unit, legs))
            for key, pieces in spans.items():
                for a, b in pieces:
                    for t in range(a, b):
                        covering.setdefault((key, t), []).append(v)
                        if i == 0:
                            hinted[(key, t)] = hinted.get((key, t), 0) + 1
    earned = []
    for need in pricing.needs:
        for t in range(need.lo, need.hi):
            units = covering.get((need.key, t))
            if not units:
                continue
            z = model.new_int_var(0, need.count, "")
            model.add(z <= sum(units))
            model.add_hint(z, min(need.count, hinted.get((need.key, t), 0)))
            earned.append(need.weight * z)
    model.maximize(sum(earned))
    solver, _, _, _, info = run_cpsat(model, settings, wall, work, None)
    info["phase"] = "schedule combination"
    if solver is None:
        return None, info
    plan = [
        leg
        for options in picks.values()
        for v, chosen in options
        if solver.boolean_value(v)
        for leg in chosen
        if not leg.fixed
    ]
    return plan, info
