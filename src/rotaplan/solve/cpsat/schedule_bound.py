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
(HiGHS's interior point method) gives prices, and a dynamic program over
each unit's tours (every start day, length and requirement, with
transit, dwell, handover, availability, blackouts and fixed deployments)
finds the schedule that earns most at them.

The same prices, less a small amount per deployment, bound the
deployments too: no plan at the optimum has fewer than the bound on
``primary + per_deployment * deployments``, less the optimum, allows.

"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from ...model import Instance
from ...model.instance import Leg, UnitData

_NONE = -np.inf
# HiGHS's bare solver: the ``Highs`` wrapper prints a banner to standard
# output when it is made, before any option can silence it, and that
# would break into the command line's output.
_Highs = getattr(highspy, "_Highs", highspy.Highs)
# Branch-and-bound nodes of the schedule combination per second of
# CP-SAT work, when a solve is capped in work.
_NODES_PER_WORK = 200
# Weights of the best prices so far in the next prices (Wentges).
_MIXES = (0.6, 0.9)


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
    earliest: int  # the first day it may start a tour
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
    """The bound on ``primary``; ``weighted``, the bound on ``primary +
    per_deployment * deployments``; and how they were reached:
    ``converged`` when ``weighted`` is the linear relaxation's own (no
    better price exists), ``schedules`` the master's columns."""

    bound: float
    weighted: float
    per_deployment: float
    iterations: int
    seconds: float
    converged: bool
    schedules: tuple[_Schedule, ...]
    _progress: _Progress = field(repr=False)

    def fewest_deployments(self, primary: float) -> int:
        """The fewest deployments (not fixed ones) of any plan whose
        ``primary`` is ``primary``, by ``weighted``: 0 without a price
        per deployment."""
        if not self.per_deployment:
            return 0
        least = (self.weighted - primary) / self.per_deployment
        return max(0, math.ceil(least - 1e-6))


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
        alike: dict[tuple[Any, ...], list[str]] = {}
        for u in inst.units.values():
            options = [
                r
                for r in inst.requirements
                if inst.penalty(u.id, r) is not None
            ]
            if not options:
                continue
            self.units[u.id] = self._unit(u, options, fixed.get(u.id, []))
            if u.id not in fixed:
                key = (
                    u.capability,
                    u.policy,
                    tuple(options),
                    u.available_until,
                    u.blackouts,
                )
                alike.setdefault(key, []).append(u.id)
        # Each unit's dynamic program: units that differ only in the
        # first day they may start share the earliest's, since from any
        # day on which both may start they may make the same tours.
        self.program = dict(self.units)
        for ids in alike.values():
            first = min(ids, key=lambda x: self.units[x].earliest)
            for unit_id in ids:
                self.program[unit_id] = self.units[first]

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
            earliest,
        )

    # -- rewards ---------------------------------------------------------

    @property
    def cells(self) -> int:
        """How many (start day, length, requirement) cells one round of
        the units' dynamic programs looks at (once per shared program):
        what a round costs."""
        programs = {id(p): p for p in self.program.values()}
        return sum(
            len(p.options) * (self.last - self.d0) * len(p.lengths)
            for p in programs.values()
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
        per_deployment: float = 0.0,
    ) -> list[tuple[str, np.ndarray]]:
        """Per option, over (start day of ``block``, length): what the
        tour earns, less ``per_deployment``, plus ``later`` on the day
        the unit is free again; -inf where the tour is not allowed."""
        out = []
        for r_id, ok, a, b in block.options:
            p = prefix[(unit.unit.capability, r_id)]
            val = p[b] - p[a] - per_deployment
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
        self,
        unit: _Unit,
        prefix: dict[tuple[str, str], np.ndarray],
        per_deployment: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``V[x]``: the most the unit earns from tours starting on or
        after day ``x`` (fixed ones from then on included, and
        ``per_deployment`` off each other tour); and per day
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
            for r_id, val in self._values(
                unit, block, prefix, V, per_deployment
            ):
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
        self,
        unit_id: str,
        prefix: dict[tuple[str, str], np.ndarray],
        per_deployment: float = 0.0,
    ) -> tuple[float, _Schedule]:
        """The most the unit can earn at these prices, less
        ``per_deployment`` per deployment (not fixed ones), and a
        schedule that does."""
        return self.best_schedules(prefix, per_deployment, [unit_id])[0]

    def best_schedules(
        self,
        prefix: dict[tuple[str, str], np.ndarray],
        per_deployment: float = 0.0,
        unit_ids: list[str] | None = None,
    ) -> list[tuple[float, _Schedule]]:
        """``best_schedule`` for each of ``unit_ids`` (default: every
        unit), each shared dynamic program run once."""
        solved: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        out = []
        for unit_id in self.units if unit_ids is None else unit_ids:
            program = self.program[unit_id]
            if id(program) not in solved:
                solved[id(program)] = self._backward(
                    program, prefix, per_deployment
                )
            out.append(
                self._follow(
                    self.units[unit_id], program, *solved[id(program)]
                )
            )
        return out

    def _follow(
        self,
        unit: _Unit,
        program: _Unit,
        V: np.ndarray,
        take_r: np.ndarray,
        take_k: np.ndarray,
    ) -> tuple[float, _Schedule]:
        """``unit``'s best value and schedule from the dynamic program
        of ``program`` (itself, or the unit it shares one with): from
        the unit's first day on, the same."""
        unit_id = unit.unit.id
        fixed_at = unit.fixed_at
        legs: list[Leg] = []
        # Fixed tours may come before the first free start.
        first = self.d0
        if not fixed_at:
            first = max(self.d0, min(unit.earliest, self.last))
        x = first
        while x < self.last:
            i = x - self.d0
            if x in fixed_at:
                legs.append(fixed_at[x])
                x = self._fixed_next(unit, fixed_at[x])
            elif take_r[i] >= 0:
                k = int(take_k[i])
                d = int(program.lengths[k])
                requirement = program.options[take_r[i]]
                legs.append(Leg(unit_id, requirement, x, x + d))
                x += int(program.jumps[k])
            else:
                x += 1
        return float(V[first - self.d0]), _Schedule(unit_id, tuple(legs))


def _lagrangian(
    pricing: _Pricing,
    prices: dict[tuple[str, ...], np.ndarray],
    asked: float,
    per_deployment: float = 0.0,
) -> tuple[float, list[_Schedule]]:
    """The bound at ``prices`` (on ``primary + per_deployment *
    deployments``) and each unit's best schedule at them."""
    prefix = pricing.earnings_prefix(prices)
    value = 0.0
    for need in pricing.needs:
        value += float(
            need.count * np.maximum(0.0, need.weight - prices[need.key]).sum()
        )
    schedules = []
    for earns, sched in pricing.best_schedules(prefix, per_deployment):
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


class _Master:
    """The restricted master: the best mix, one schedule per unit, of
    the schedules found so far. Rebuilt and solved by HiGHS's interior
    point method each round: its prices lie inside the optimal face, not
    at a vertex, and the bound converges in far fewer rounds on them
    (vertex prices swing from round to round on this degenerate master).
    Days on which no schedule's count changes are one segment: every
    schedule counts the same on all of them, so the master over segments
    has the same optimum with far fewer rows, and each segment's price is
    spread evenly over its days."""

    def __init__(self, pricing: _Pricing, per_deployment: float) -> None:
        self.pricing = pricing
        self.columns: list[_Schedule] = []
        self._known: set[_Schedule] = set()
        self._cost: list[float] = []
        self._units = {u: i for i, u in enumerate(pricing.units)}
        self.per_deployment = per_deployment
        self.asked = sum(
            n.weight * n.count * (n.hi - n.lo) for n in pricing.needs
        )
        # Per need, where the schedules' counts change: (column, day,
        # +1 or -1).
        self._changes: dict[tuple[str, ...], list[tuple[int, int, int]]] = {
            need.key: [] for need in pricing.needs
        }

    def add(self, sched: _Schedule) -> bool:
        if sched in self._known:
            return False
        self._known.add(sched)
        j = len(self.columns)
        self.columns.append(sched)
        free = sum(1 for leg in sched.legs if not leg.fixed)
        self._cost.append(self.per_deployment * free)
        for key, pieces in _coverage(self.pricing, sched).items():
            for a, b in pieces:
                self._changes[key] += [(j, a, 1), (j, b, -1)]
        return True

    def _build(
        self,
    ) -> tuple[highspy.HighsLp, dict[tuple[str, ...], tuple[int, np.ndarray]]]:
        """The master as HiGHS reads it, and per need its first row and
        its segments' edges."""
        n_sched = len(self.columns)
        # The schedules' columns come first, then per need segment its
        # covered days z_k (up to ``count``, earning ``weight`` per day)
        # and their slack. Segment k's row reads z_k + slack_k = (the
        # schedules' units counting on it), less segment k-1's: a
        # schedule has a coefficient only where its count changes.
        col_parts = [np.arange(n_sched)]
        row_parts = [
            np.array([self._units[s.unit] for s in self.columns], dtype=int)
        ]
        val_parts = [np.ones(n_sched)]
        cost = [np.array(self._cost)]
        upper = [np.full(n_sched, np.inf)]
        n_rows, n_cols = len(self._units), n_sched
        segments: dict[tuple[str, ...], tuple[int, np.ndarray]] = {}
        for need in self.pricing.needs:
            change = np.array(self._changes[need.key], dtype=np.int64)
            change = change.reshape(-1, 3)
            edges = np.unique(
                np.concatenate((change[:, 1], [need.lo, need.hi]))
            )
            days = np.diff(edges)
            k = len(days)
            segments[need.key] = (n_rows, edges)
            at = np.searchsorted(edges, change[:, 1])
            inside = at < k
            col_parts.append(change[inside, 0])
            row_parts.append(n_rows + at[inside])
            val_parts.append(-change[inside, 2].astype(float))
            for kind in range(2):
                cols = n_cols + kind * k + np.arange(k)
                col_parts += [cols, cols[:-1]]
                row_parts += [n_rows + np.arange(k), n_rows + np.arange(1, k)]
                val_parts += [np.ones(k), -np.ones(k - 1)]
            cost += [-need.weight * days.astype(float), np.zeros(k)]
            upper += [np.full(k, float(need.count)), np.full(k, np.inf)]
            n_rows += k
            n_cols += 2 * k
        cols = np.concatenate(col_parts)
        rows = np.concatenate(row_parts)
        vals = np.concatenate(val_parts)
        # One entry per (column, row): a schedule that ends a tour on
        # the day it starts the next changes its count there by 0.
        order = np.lexsort((rows, cols))
        cols, rows, vals = cols[order], rows[order], vals[order]
        first = np.ones(len(cols), dtype=bool)
        first[1:] = (cols[1:] != cols[:-1]) | (rows[1:] != rows[:-1])
        at = np.flatnonzero(first)
        vals = np.add.reduceat(vals, at) if len(at) else vals
        cols, rows = cols[at], rows[at]
        keep = vals != 0
        cols, rows, vals = cols[keep], rows[keep], vals[keep]
        one = np.zeros(n_rows)
        one[: len(self._units)] = 1.0
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        lp.col_cost_ = np.concatenate(cost)
        lp.col_lower_ = np.zeros(n_cols)
        lp.col_upper_ = np.minimum(np.concatenate(upper), highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = one, one.copy()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(
            cols, np.arange(n_cols + 1)
        ).astype(np.int32)
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        return lp, segments

    def relaxation(
        self, seconds: float
    ) -> tuple[float, dict[tuple[str, ...], np.ndarray]] | None:
        """The master's optimum, as a bound would read it (what it
        leaves uncovered, plus the price per deployment), and the prices
        per need day; None if HiGHS finds no optimum within about
        ``seconds``."""
        began = time.perf_counter()
        lp, segments = self._build()
        highs = _solver(
            ("solver", "ipm"),
            ("run_crossover", "off"),
            ("time_limit", max(0.01, seconds)),
        )
        highs.passModel(lp)
        highs.run()
        left = seconds - (time.perf_counter() - began)
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal and left > 0:
            # Where the interior point stops short of its tolerances,
            # the simplex's vertex prices still make a bound.
            highs = _solver(("solver", "simplex"), ("time_limit", left))
            highs.passModel(lp)
            highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        # HiGHS minimizes; the master maximizes what is covered.
        dual = -np.asarray(highs.getSolution().row_dual)
        prices = {}
        for need in self.pricing.needs:
            r0, edges = segments[need.key]
            days = np.diff(edges)
            nu = np.append(dual[r0 : r0 + len(days)], 0.0)
            per_day = np.maximum(0.0, nu[:-1] - nu[1:]) / days
            prices[need.key] = np.repeat(per_day, days)
        return self.asked + highs.getInfo().objective_function_value, prices

    def best_mix(
        self, seconds: float, nodes: int | None
    ) -> tuple[list[_Schedule] | None, dict[str, Any]]:
        """One schedule per unit, covering the most (less the price per
        deployment), by HiGHS's branch and bound within ``seconds`` and,
        if given, ``nodes``: the schedules the bound found, and its
        relaxation is tight on them, so it often proves the best mix at
        its first node. Returns the schedules (None if none was found)
        and the search's details."""
        began = time.perf_counter()
        lp, _ = self._build()
        n_sched = len(self.columns)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_sched + [
            highspy.HighsVarType.kContinuous
        ] * (lp.num_col_ - n_sched)
        options: list[tuple[str, Any]] = [("time_limit", max(0.01, seconds))]
        if nodes is not None:
            options.append(("mip_max_nodes", max(1, nodes)))
        highs = _solver(*options)
        highs.passModel(lp)
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        details: dict[str, Any] = {
            "phase": "schedule combination",
            "work": int(info.mip_node_count) / _NODES_PER_WORK,
            "status": "OPTIMAL"
            if status == highspy.HighsModelStatus.kOptimal
            else "FEASIBLE"
            if info.primal_solution_status == highspy.kSolutionStatusFeasible
            else "UNKNOWN",
            "seconds": round(time.perf_counter() - began, 3),
            "nodes": int(info.mip_node_count),
        }
        if details["status"] == "UNKNOWN":
            return None, details
        details["objective"] = round(
            self.asked + info.objective_function_value, 6
        )
        taken = np.asarray(highs.getSolution().col_value)[:n_sched] > 0.5
        return [
            s for s, x in zip(self.columns, taken, strict=True) if x
        ], details


def _solver(*options: tuple[str, Any]) -> Any:
    """A silent, single-threaded and so reproducible HiGHS."""
    highs = _Highs()
    for option, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
        *options,
    ):
        highs.setOptionValue(option, value)
    return highs


@dataclass
class _Progress:
    """Column generation so far, to go on from."""

    pricing: _Pricing
    master: _Master
    weighted: float = -np.inf
    bound: float = -np.inf
    weighted_prices: dict[tuple[str, ...], np.ndarray] = field(
        default_factory=dict
    )
    bound_prices: dict[tuple[str, ...], np.ndarray] = field(
        default_factory=dict
    )
    iterations: int = 0
    seconds: float = 0.0


def schedule_bound(
    inst: Instance,
    start: list[Leg],
    seconds: float,
    rounds: int | None = None,
    target: float = np.inf,
    per_deployment: float = 0.0,
    deployments_target: float = np.inf,
    tolerance: float = 1e-4,
    most_cells: int | None = None,
    resume: ScheduleBound | None = None,
) -> ScheduleBound | None:
    """The bound by column generation, started from plan ``start``'s
    schedules, within about ``seconds``. With ``per_deployment``, the
    column generation bounds ``primary + per_deployment * deployments``
    (``ScheduleBound.weighted``), which bounds the deployments of plans
    at the optimum; ``bound`` is then the bound on ``primary`` at the
    same prices. Stops early once ``bound`` reaches ``target`` and
    ``weighted`` ``deployments_target``. With ``resume``, goes on from
    an earlier run on the same group (with its ``per_deployment``).
    None when the group has nothing to bound, when a round would look at
    more than ``most_cells`` cells, or when no master could be solved."""
    began = time.perf_counter()
    if resume is not None:
        state = resume._progress
    else:
        pricing = _Pricing(inst)
        if not pricing.needs or not pricing.units:
            return None
        if most_cells is not None and pricing.cells > most_cells:
            return None
        state = _Progress(pricing, _Master(pricing, per_deployment))
    pricing, master = state.pricing, state.master
    per_deployment = master.per_deployment
    by_unit: dict[str, list[Leg]] = {u: [] for u in pricing.units}
    for leg in start:
        if leg.unit in by_unit:
            by_unit[leg.unit].append(leg)
    for u, legs in by_unit.items():
        master.add(_Schedule(u, tuple(sorted(legs, key=lambda x: x.start))))

    asked = master.asked
    iterations = 0
    converged = False
    while True:
        iterations += 1
        # The first round gets a second at least, so that a call with
        # little time left still gives a bound.
        left = seconds - (time.perf_counter() - began)
        solved = master.relaxation(left if iterations > 1 else max(left, 1.0))
        if solved is None:
            break
        relaxed, prices = solved
        # Prices between the best so far and the master's (Wentges'
        # smoothing): a unit's dynamic program costs little beside the
        # master, so several mixes are priced per round.
        tries = [prices]
        if state.weighted_prices:
            tries += [
                {
                    k: mix * state.weighted_prices[k] + (1 - mix) * prices[k]
                    for k in prices
                }
                for mix in _MIXES
            ]
        new = 0
        for at in tries:
            value, schedules = _lagrangian(pricing, at, asked, per_deployment)
            if value > state.weighted:
                state.weighted, state.weighted_prices = value, at
                if per_deployment:
                    value = _lagrangian(pricing, at, asked, 0.0)[0]
                if value > state.bound:
                    state.bound, state.bound_prices = value, at
            new += sum(master.add(sched) for sched in schedules)
        if relaxed - state.weighted <= tolerance or not new:
            converged = True
            break
        if state.bound >= target and (
            not per_deployment or state.weighted >= deployments_target
        ):
            break
        if time.perf_counter() - began > seconds or (
            rounds is not None and iterations >= rounds
        ):
            break
    state.iterations += iterations
    state.seconds += time.perf_counter() - began
    if not state.bound_prices:
        return None  # HiGHS solved no master: no prices, no bound.
    return ScheduleBound(
        # A hair under: the sums above are in floating point.
        bound=max(0.0, state.bound - 1e-6),
        weighted=state.weighted - 1e-6,
        per_deployment=per_deployment,
        iterations=state.iterations,
        seconds=state.seconds,
        converged=converged,
        schedules=tuple(master.columns),
        _progress=state,
    )


def combine_schedules(
    found: ScheduleBound,
    wall: float,
    work: float | None,
    below: float = np.inf,
) -> tuple[list[Leg] | None, dict[str, Any]]:
    """The best plan that gives each unit one of the schedules column
    generation found (its schedule in the start plan among them): the
    linear relaxation's schedules often combine into a plan the search
    over tours does not reach. Site capacity is left to the caller's
    check. With ``below``, only schedules that could be in a plan of
    ``primary`` below it are tried. With ``work``, the search is capped
    in branch-and-bound nodes too, so that capped solves stay
    reproducible. Returns the plan's deployments (not fixed ones), or
    None when no plan was found, and the search's details."""
    pricing = found._progress.pricing
    prefix = pricing.earnings_prefix(found._progress.bound_prices)
    most = {
        sched.unit: value for value, sched in pricing.best_schedules(prefix)
    }
    master = _Master(pricing, found.per_deployment)
    seen: set[str] = set()
    for sched in found.schedules:
        # A plan with this schedule is at least the bound plus what the
        # schedule earns less than the unit's best at the bound's
        # prices: schedules that cannot be in a plan below ``below``
        # are left out (but each unit's first, from the start plan).
        loss = most[sched.unit] - _earns(pricing, prefix, sched)
        if sched.unit not in seen or found.bound + loss < below - 1e-9:
            master.add(sched)
            seen.add(sched.unit)
    nodes = None if work is None else int(work * _NODES_PER_WORK)
    chosen, info = master.best_mix(wall, nodes)
    if chosen is None:
        return None, info
    plan = [leg for sched in chosen for leg in sched.legs if not leg.fixed]
    return plan, info
