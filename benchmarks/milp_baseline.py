"""The baseline: a naive time-indexed MILP, as an analyst would write it.

One binary ``x[u, r, w]`` per unit ``u``, requirement ``r`` it may fill
and week ``w``: the unit starts a tour of fixed length
(``max_deployment_days``) on day ``7 w`` of the horizon, moved up to the
requirement's first allowed start and cut at its end. Constraints:

- a unit starts at most once in any run of weeks as long as its full
  cycle (tour, two transits and the dwell after a full tour, plus the
  six days a start may move inside its week);
- each week of each requirement is covered ``count`` times by tours
  effective through the whole week, or the shortfall is paid for by a
  gap variable; exercises the same way;
- each week, the troops on site are within the site's capacity.

Tours the rules forbid outright (availability, blackouts, the dwell
owed from ``last_return``, fixed deployments, minimum length) get no
variable. The objective is the weekly weighted gap plus exercise gap,
plus small weights on substitution penalty and number of tours.

The plan it returns is judged by rotaplan's checker like every other
plan; the checker's measures are the ones reported.

Command line::

    python benchmarks/milp_baseline.py scenario.yaml --time-limit 60
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import highspy
import numpy as np

from rotaplan.analyze.check import CheckResult, check
from rotaplan.model import Instance, Plan, Scenario
from rotaplan.model.instance import Leg

# Adds columns (objective, upper bounds, integral?) and returns the
# index of the first.
NewColumns = Callable[[np.ndarray, np.ndarray, bool], int]

# Weights of the secondary goals against one gap day, as an analyst
# would pick them: small enough never to trade a gap day away.
SUBSTITUTION_WEIGHT = 1e-3
DEPLOYMENT_WEIGHT = 1e-2
# Models above this many nonzeros are not built: they would not fit the
# benchmark machine's memory and time budget.
MAX_NONZEROS = 60_000_000


@dataclass
class MilpResult:
    """What the baseline produced, judged by the checker."""

    status: str  # HiGHS model status, or why nothing was solved
    found: bool = False  # whether HiGHS returned a solution
    legs: list[Leg] = field(default_factory=list)
    plan: Plan | None = None
    check: CheckResult | None = None
    valid_as_solved: bool | None = None  # before dropping broken tours
    dropped: int = 0  # tours removed because the checker rejected them
    objective: float | None = None  # the MILP's own (weekly) objective
    bound: float | None = None  # HiGHS dual bound on that objective
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    time_to_best: float | None = None  # from the start of the build
    variables: int = 0
    constraints: int = 0
    nonzeros: int = 0

    @property
    def seconds(self) -> float:
        return self.build_seconds + self.solve_seconds


@dataclass
class _Columns:
    """The model's tour variables as parallel arrays."""

    unit: list[str] = field(default_factory=list)
    req: list[str] = field(default_factory=list)
    week: list[np.ndarray] = field(default_factory=list)
    start: list[np.ndarray] = field(default_factory=list)
    end: list[np.ndarray] = field(default_factory=list)
    effective: list[np.ndarray] = field(default_factory=list)


class _Matrix:
    """Triplets of the constraint matrix, rows added by blocks."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.nnz = 0

    def add_rows(self, lower: np.ndarray, upper: np.ndarray) -> int:
        """Append rows; returns the index of the first."""
        first = len(self.lower)
        self.lower.extend(lower.tolist())
        self.upper.extend(upper.tolist())
        return first

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: Any) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.rows.append(rows)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(
            np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape)
        )
        self.nnz += rows.size
        if self.nnz > MAX_NONZEROS:
            raise _TooLarge(self.nnz)

    def to_csc(self, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column starts, row indices and values, by a counting sort
        chunk by chunk (a global sort of tens of millions of entries
        takes longer than building them)."""
        # Each chunk's columns lie in a narrow range (one block of
        # tours, or one block of auxiliary columns): count them there.
        spans = []
        counts = np.zeros(n_cols, dtype=np.int64)
        for cols in self.cols:
            lo = int(cols.min()) if cols.size else 0
            here = np.bincount(cols - lo)
            counts[lo : lo + here.size] += here
            spans.append((lo, here))
        start = np.concatenate(([0], np.cumsum(counts)))
        fill = start[:-1].copy()
        index = np.empty(self.nnz, dtype=np.int32)
        value = np.empty(self.nnz, dtype=np.float64)
        for rows, cols, vals, (lo, here) in zip(
            self.rows, self.cols, self.vals, spans, strict=True
        ):
            order = np.argsort(cols, kind="stable")
            ordered = cols[order]
            rank = np.arange(ordered.size) - np.searchsorted(ordered, ordered)
            at = fill[ordered] + rank
            index[at] = rows[order]
            value[at] = vals[order]
            fill[lo : lo + here.size] += here
        return start.astype(np.int32), index, value


class _TooLarge(Exception):
    def __init__(self, nnz: int, tours: int = 0) -> None:
        super().__init__(nnz)
        self.nnz = nnz
        self.tours = tours


def _week_span(
    first: np.ndarray, last_excl: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For spans ``[first[i], last_excl[i])``: (span index, week) pairs."""
    lengths = np.maximum(0, last_excl - first)
    owner = np.repeat(np.arange(first.size), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(
        np.cumsum(lengths) - lengths, lengths
    )
    return owner, first[owner] + offsets


def _tours(
    inst: Instance, weeks: int
) -> tuple[_Columns, dict[str, list[Leg]]]:
    """Every allowed fixed-length tour, one per unit, requirement, week.

    Raises ``_TooLarge`` as soon as the tours found would need more
    nonzeros than ``MAX_NONZEROS``: each has a coverage entry per week
    it counts and, at a site with a capacity, one per week on site.
    """
    cols = _Columns()
    expected = tours = 0
    fixed_by_unit: dict[str, list[Leg]] = defaultdict(list)
    for leg in inst.fixed:
        fixed_by_unit[leg.unit].append(leg)
    for req in inst.requirements.values():
        for unit_id, _ in inst.eligible_units(req.id):
            unit = inst.units[unit_id]
            pol = unit.policy
            t, h = pol.transit_days, pol.handover_days
            earliest = max(0, req.start - h)
            w = np.arange(earliest // 7, weeks)
            start = np.maximum(7 * w, earliest)
            end = np.minimum(start + pol.max_deployment_days, req.end)
            ok = (
                (start < inst.horizon_end)
                & (end - start >= pol.min_deployment_days)
                & (end > start + h)
            )
            leave, back = start - t, end + t
            if unit.available_from is not None:
                ok &= leave >= unit.available_from
            if unit.available_until is not None:
                ok &= back <= unit.available_until
            for b_start, b_end in unit.blackouts:
                ok &= (back <= b_start) | (leave >= b_end)
            if unit.ready_from is not None:
                ok &= leave >= unit.ready_from
            for f in fixed_by_unit.get(unit_id, []):
                after = leave - (f.end + t) >= pol.dwell_after(f.days)
                owed = np.ceil(np.round(pol.dwell_ratio * (end - start), 9))
                owed = np.maximum(owed, pol.min_dwell_days)
                before = (f.start - t) - back >= owed
                ok &= after | before
            found = int(ok.sum())
            if not found:
                continue
            per_tour = (pol.max_deployment_days - h) / 7
            if inst.sites[req.site].capacity is not None:
                per_tour += pol.max_deployment_days / 7
            expected += int(found * per_tour)
            tours += found
            if expected > MAX_NONZEROS:
                # Count the rest, keep nothing: the size is the finding.
                cols = _Columns()
                continue
            cols.unit.append(unit_id)
            cols.req.append(req.id)
            cols.week.append(w[ok])
            cols.start.append(start[ok])
            cols.end.append(end[ok])
            cols.effective.append(start[ok] + h)
    if expected > MAX_NONZEROS:
        raise _TooLarge(expected, tours)
    return cols, fixed_by_unit


def _fixed_cover(
    inst: Instance, legs: list[Leg], site: str | None, lo: int, hi: int
) -> np.ndarray:
    """Per day of ``[lo, hi)``: how many of ``legs`` (those at ``site``
    when given) are effective."""
    have = np.zeros(hi - lo, dtype=np.int64)
    for leg in legs:
        unit = inst.units[leg.unit]
        where = inst.requirements[leg.requirement].site
        if site is not None and where != site:
            continue
        s = max(leg.start + unit.policy.handover_days, lo)
        e = min(leg.end, hi)
        if e > s:
            have[s - lo : e - lo] += 1
    return have


def _weekly_min(
    daily: np.ndarray, lo: int, hi: int, weeks: np.ndarray
) -> np.ndarray:
    """Per week of ``weeks``: the least of ``daily`` (day ``lo`` first)
    over that week's days inside ``[lo, hi)``."""
    out = np.empty(weeks.size, dtype=np.int64)
    for i, k in enumerate(weeks.tolist()):
        first, last = max(7 * k, lo), min(7 * k + 7, hi)
        out[i] = daily[first - lo : last - lo].min()
    return out


def build_and_solve(
    scenario: Scenario,
    time_limit: float = 60.0,
    threads: int | None = None,
    seed: int = 0,
) -> MilpResult:
    """Build the naive MILP, solve it with HiGHS, judge the plan.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        Seconds for build and solve together; the solve gets what the
        build leaves, and at least one second.
    threads
        HiGHS threads (its default when None).
    seed
        HiGHS random seed.

    Returns
    -------
    MilpResult
        The plan (fixed deployments included) with the checker's
        verdict and measures, the MILP's own objective and bound, and
        times.
    """
    began = time.perf_counter()
    inst = Instance.from_scenario(scenario)
    weeks = math.ceil(inst.horizon_end / 7)
    try:
        cols, _ = _tours(inst, weeks)
    except _TooLarge as exc:
        return _judge(
            scenario,
            inst,
            [],
            began,
            0.0,
            f"not built: {exc.tours:,} tour variables, about "
            f"{exc.nnz:,} nonzeros (limit {MAX_NONZEROS:,})",
        )
    blocks = len(cols.unit)
    sizes = np.array([c.size for c in cols.week], dtype=np.int64)
    n_x = int(sizes.sum())
    if n_x == 0:
        return _judge(scenario, inst, [], began, 0.0, "no tour possible")
    block_of = np.repeat(np.arange(blocks), sizes)
    unit_idx = {u: i for i, u in enumerate(inst.units)}
    x_unit = np.repeat(
        np.array([unit_idx[u] for u in cols.unit], dtype=np.int64), sizes
    )
    x_week = np.concatenate(cols.week)
    x_start = np.concatenate(cols.start)
    x_end = np.concatenate(cols.end)
    x_req = [cols.req[b] for b in range(blocks)]

    cost: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    integral: list[np.ndarray] = []
    penalties = np.array(
        [inst.penalty(cols.unit[b], x_req[b]) or 0.0 for b in range(blocks)]
    )
    cost.append(
        SUBSTITUTION_WEIGHT * penalties[block_of] * (x_end - x_start)
        + DEPLOYMENT_WEIGHT
    )
    lower.append(np.zeros(n_x))
    upper.append(np.ones(n_x))
    integral.append(np.ones(n_x, dtype=bool))
    n_cols = n_x

    def new_columns(obj: np.ndarray, hi: np.ndarray, whole: bool) -> int:
        nonlocal n_cols
        first = n_cols
        cost.append(obj)
        lower.append(np.zeros(obj.size))
        upper.append(hi)
        integral.append(np.full(obj.size, whole))
        n_cols += obj.size
        return first

    matrix = _Matrix()
    try:
        _spacing(inst, matrix, new_columns, x_unit, x_week, weeks)
        _coverage(inst, cols, matrix, new_columns, sizes, weeks)
        _exercises(inst, cols, matrix, new_columns, sizes, weeks)
        _capacity(inst, cols, matrix, sizes, weeks)
    except _TooLarge as exc:
        result = _judge(
            scenario,
            inst,
            [],
            began,
            0.0,
            f"not built: over {exc.nnz:,} nonzeros "
            f"(limit {MAX_NONZEROS:,}) with {n_x:,} tour variables",
        )
        result.variables = n_x
        return result

    start, index, value = matrix.to_csc(n_cols)
    nnz = matrix.nnz
    matrix.rows, matrix.cols, matrix.vals = [], [], []
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", int(seed))
    if threads is not None:
        highs.setOptionValue("threads", int(threads))
    # The array form of passModel: numpy arrays go to HiGHS without a
    # Python object per entry.
    highs.passModel(
        n_cols,
        len(matrix.lower),
        nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.concatenate(cost),
        np.concatenate(lower),
        np.concatenate(upper),
        np.array(matrix.lower),
        np.array(matrix.upper),
        start[:-1],
        index,
        value,
        np.concatenate(integral).astype(np.int32),
    )
    del start, index, value
    build_seconds = time.perf_counter() - began
    highs.setOptionValue(
        "time_limit", float(max(1.0, time_limit - build_seconds))
    )
    improved: list[float] = []
    highs.cbMipImprovingSolution.subscribe(
        lambda _event: improved.append(time.perf_counter() - began)
    )
    highs.run()
    solve_seconds = time.perf_counter() - began - build_seconds
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    legs: list[Leg] = []
    objective = bound = None
    if info.primal_solution_status == highspy.kSolutionStatusFeasible:
        values = np.asarray(highs.getSolution().col_value[:n_x])
        chosen = np.flatnonzero(values > 0.5)
        objective = float(info.objective_function_value)
        bound = float(info.mip_dual_bound)
        legs = [
            Leg(
                cols.unit[block_of[i]],
                x_req[block_of[i]],
                int(x_start[i]),
                int(x_end[i]),
            )
            for i in chosen
        ]
    result = _judge(
        scenario, inst, legs, began, solve_seconds, status, build_seconds
    )
    result.objective, result.bound = objective, bound
    result.found = objective is not None
    result.time_to_best = improved[-1] if improved else None
    result.variables, result.constraints = n_cols, len(matrix.lower)
    result.nonzeros = nnz
    return result


def _spacing(
    inst: Instance,
    matrix: _Matrix,
    new_columns: NewColumns,
    x_unit: np.ndarray,
    x_week: np.ndarray,
    weeks: int,
) -> None:
    """At most one start per unit in any window of its cycle's weeks.

    The window sums are written through running totals ``c[u, w]`` of
    the unit's starts, which gives the same constraints and relaxation
    as listing each window's variables, with a fraction of the
    nonzeros.
    """
    unit_ids = list(inst.units)
    for ui in np.unique(x_unit):
        pol = inst.units[unit_ids[ui]].policy
        longest = pol.max_deployment_days
        cycle = longest + 2 * pol.transit_days + pol.dwell_after(longest)
        span = math.ceil((cycle + 6) / 7)
        mine = np.flatnonzero(x_unit == ui)
        total = new_columns(
            np.zeros(weeks), np.full(weeks, float(weeks)), False
        )
        # c[w] - c[w-1] - sum of starts in week w = 0
        first = matrix.add_rows(np.zeros(weeks), np.zeros(weeks))
        w = np.arange(weeks)
        matrix.add(first + w, total + w, 1.0)
        matrix.add(first + w[1:], total + w[1:] - 1, -1.0)
        matrix.add(first + x_week[mine], mine, -1.0)
        # c[w] - c[w - span] <= 1
        first = matrix.add_rows(np.full(weeks, -np.inf), np.ones(weeks))
        matrix.add(first + w, total + w, 1.0)
        late = w[w >= span]
        matrix.add(first + late, total + late - span, -1.0)


def _coverage(
    inst: Instance,
    cols: _Columns,
    matrix: _Matrix,
    new_columns: NewColumns,
    sizes: np.ndarray,
    weeks: int,
) -> None:
    """Each counted week of a requirement: tours effective through it
    plus the gap reach ``count``."""
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    by_req: dict[str, list[int]] = defaultdict(list)
    for b, r in enumerate(cols.req):
        by_req[r].append(b)
    for req in inst.requirements.values():
        lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
        if hi <= lo:
            continue
        w_lo, w_hi = lo // 7, math.ceil(hi / 7)
        w = np.arange(w_lo, w_hi)
        days = np.minimum(7 * w + 7, hi) - np.maximum(7 * w, lo)
        fixed = _fixed_cover(
            inst,
            [f for f in inst.fixed if f.requirement == req.id],
            None,
            lo,
            hi,
        )
        # A week counts as covered by a fixed leg only if covered on
        # each of its days.
        fixed_weekly = _weekly_min(fixed, lo, hi, w)
        need = np.maximum(0, req.count - fixed_weekly).astype(float)
        first = _demand_rows(matrix, new_columns, req.priority * days, need)
        for b in by_req.get(req.id, []):
            eff, end = cols.effective[b], cols.end[b]
            wa = np.where(eff == lo, lo // 7, -(-eff // 7))
            wb = np.where(end >= hi, w_hi, end // 7)
            owner, week = _week_span(wa, wb)
            matrix.add(first + week - w_lo, offsets[b] + owner, 1.0)


def _demand_rows(
    matrix: _Matrix,
    new_columns: NewColumns,
    gap_cost: np.ndarray,
    need: np.ndarray,
) -> int:
    """One row a week, ``covered + gap >= need``, with a gap column each
    at ``gap_cost``; returns the first row (the tours' terms go in by
    week from there)."""
    weeks = np.arange(need.size)
    gap = new_columns(gap_cost, need, False)
    first = matrix.add_rows(need, np.full(need.size, np.inf))
    matrix.add(first + weeks, gap + weeks, 1.0)
    return first


def _exercises(
    inst: Instance,
    cols: _Columns,
    matrix: _Matrix,
    new_columns: NewColumns,
    sizes: np.ndarray,
    weeks: int,
) -> None:
    """Each exercise week: units of the capability effective at the site
    through the exercise's days that week, plus the gap, reach the need."""
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for b, r in enumerate(cols.req):
        site = inst.requirements[r].site
        blocks[(site, inst.units[cols.unit[b]].capability)].append(b)
    for ex in inst.exercises.values():
        w_lo, w_hi = ex.start // 7, math.ceil(ex.end / 7)
        w = np.arange(w_lo, w_hi)
        days = np.minimum(7 * w + 7, ex.end) - np.maximum(7 * w, ex.start)
        for capability, count in ex.needs:
            fixed = _fixed_cover(
                inst,
                [
                    f
                    for f in inst.fixed
                    if inst.units[f.unit].capability == capability
                ],
                ex.site,
                ex.start,
                ex.end,
            )
            fixed_weekly = _weekly_min(fixed, ex.start, ex.end, w)
            need = np.maximum(0, count - fixed_weekly).astype(float)
            first = _demand_rows(matrix, new_columns, days.astype(float), need)
            for b in blocks.get((ex.site, capability), []):
                eff, end = cols.effective[b], cols.end[b]
                # Covers week k if effective on all its exercise days.
                wa = np.where(
                    eff <= ex.start, w_lo, np.maximum(w_lo, -(-eff // 7))
                )
                wb = np.where(end >= ex.end, w_hi, np.minimum(w_hi, end // 7))
                owner, week = _week_span(wa, wb)
                matrix.add(first + week - w_lo, offsets[b] + owner, 1.0)


def _capacity(
    inst: Instance,
    cols: _Columns,
    matrix: _Matrix,
    sizes: np.ndarray,
    weeks: int,
) -> None:
    """Each week, troops of tours on site any day of it within capacity."""
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    by_site: dict[str, list[int]] = defaultdict(list)
    for b, r in enumerate(cols.req):
        by_site[inst.requirements[r].site].append(b)
    for site_id, site in inst.sites.items():
        if site.capacity is None or site_id not in by_site:
            continue
        # Tours may run some weeks past the horizon.
        span = max(weeks, math.ceil(max(int(e.max()) for e in cols.end) / 7))
        span += 1
        load = np.zeros(7 * span, dtype=np.int64)
        for f in inst.fixed:
            if inst.requirements[f.requirement].site != site_id:
                continue
            s, e = max(f.start, 0), min(f.end, 7 * span)
            if e > s:
                load[s:e] += inst.units[f.unit].troops
        fixed_weekly = load.reshape(span, 7).max(axis=1)
        room = np.maximum(0, site.capacity - fixed_weekly).astype(float)
        first = matrix.add_rows(np.full(span, -np.inf), room)
        for b in by_site[site_id]:
            troops = inst.units[cols.unit[b]].troops
            owner, week = _week_span(cols.start[b] // 7, -(-cols.end[b] // 7))
            matrix.add(first + week, offsets[b] + owner, float(troops))


def _judge(
    scenario: Scenario,
    inst: Instance,
    legs: list[Leg],
    began: float,
    solve_seconds: float,
    status: str,
    build_seconds: float | None = None,
) -> MilpResult:
    """The checker's verdict; tours it rejects are dropped one by one
    until the rest is valid, and counted."""
    if build_seconds is None:
        build_seconds = time.perf_counter() - began
    # Latest last, so that dropping from the end drops the latest.
    planned = sorted(legs, key=lambda leg: (leg.start, leg.unit))
    everything = list(inst.fixed) + planned
    plan = _plan(scenario, inst, everything)
    verdict = check(scenario, plan)
    valid_as_solved = verdict.valid
    dropped = 0
    while not verdict.valid:
        bad = {
            v.deployment
            for v in verdict.violations
            if v.deployment is not None and v.deployment >= len(inst.fixed)
        }
        if not bad:
            break  # only fixed or site-wide faults: nothing to drop
        # Drop the latest offending tour: earlier ones stay valid.
        worst = max(bad, key=lambda i: (everything[i].start, i))
        everything.pop(worst)
        dropped += 1
        plan = _plan(scenario, inst, everything)
        verdict = check(scenario, plan)
    if not verdict.valid:
        # A capacity overload with no deployment index: drop the latest
        # tours at that site until the checker is satisfied.
        while not verdict.valid and len(everything) > len(inst.fixed):
            everything.pop()
            dropped += 1
            plan = _plan(scenario, inst, everything)
            verdict = check(scenario, plan)
    plan.status = "feasible"
    plan.objective = verdict.measures
    plan.solver = {"name": "naive-milp-highs", "status": status}
    return MilpResult(
        status=status,
        legs=everything,
        plan=plan,
        check=verdict,
        valid_as_solved=valid_as_solved if legs else None,
        dropped=dropped,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
    )


def _plan(scenario: Scenario, inst: Instance, legs: list[Leg]) -> Plan:
    return Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )


def main(argv: list[str] | None = None) -> int:
    """Solve one scenario file with the baseline and print its figures."""
    from rotaplan.io import InputError, load_scenario, write_plan

    parser = argparse.ArgumentParser(
        description="Solve a scenario with the naive time-indexed MILP."
    )
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "-o", "--output", type=Path, help="write the plan (JSON) here"
    )
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    result = build_and_solve(scenario, args.time_limit, args.threads)
    m = result.check.measures if result.check else None
    print(
        f"status {result.status}; build {result.build_seconds:.1f} s, "
        f"solve {result.solve_seconds:.1f} s; {result.variables:,} "
        f"columns, {result.constraints:,} rows, {result.nonzeros:,} "
        f"nonzeros; MILP objective {result.objective}, bound "
        f"{result.bound}"
    )
    if m is not None and result.check is not None:
        print(
            f"checker: {'valid' if result.check.valid else 'INVALID'} "
            f"({result.dropped} tours dropped); gap days {m.gap_days}, "
            f"primary {m.primary:g}, exercise gap {m.exercise_gap_days}, "
            f"substitution {m.substitution_penalty:g}, "
            f"deployments {m.deployments}"
        )
    if args.output is not None and result.plan is not None:
        write_plan(result.plan, args.output)
        print(f"plan written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
