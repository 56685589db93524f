"""One entry point, ``solve``, for every planning method."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..analyze.check import CheckResult, check
from ..model import Instance, Measures, Plan, Scenario
from ..model.instance import Leg
from .greedy import greedy_plan

# The optimizer first: it is the default.
METHODS = ("cpsat", "greedy")


@dataclass(frozen=True)
class Progress:
    """What a long solve reports as it goes; feeds bars and pages."""

    elapsed: float
    fraction: float | None = None  # share of the work done, when known
    incumbent: float | None = None  # best primary objective so far
    bound: float | None = None  # proved lower bound on primary
    message: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass
class Result:
    """What ``solve`` returns: the plan and how good it is proved to be."""

    plan: Plan
    status: str
    objective: Measures
    bound: float
    runtime: float
    method: str
    check: CheckResult
    details: dict[str, Any] = field(default_factory=dict)


class PlannerError(RuntimeError):
    """A planner produced a plan the checker rejects: a bug, never the
    user's fault; the plan is not written."""


def solve(
    scenario: Scenario,
    *,
    method: str = "cpsat",
    time_limit: float = 60.0,
    threads: int | None = None,
    seed: int = 0,
    keep: Plan | None = None,
    progress: ProgressCallback | None = None,
    **params: Any,
) -> Result:
    """Plan a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    method
        ``"cpsat"`` (the optimizer, proves optimality) or ``"greedy"``
        (the relay heuristic, fast, no proof).
    time_limit
        Seconds the search may take.
    threads, seed
        Search workers and random seed. With a work limit (below, the
        default for scenarios solved whole) the same input, seed,
        threads and work limit give the same plan, unless the time limit
        cuts the search first (``plan.solver["reproducible"]`` says).
        With ``threads=1`` a solve that finishes by proof does too.
    keep
        A published plan to change as little as possible: among the
        optimal plans (gap, substitution penalty, then deployments),
        ``cpsat`` keeps the most of its deployments and reports the
        rest in
        ``details["changes"]``. Only with ``cpsat``: the relay planner
        would ignore it, so ``greedy`` with ``keep`` is a ``ValueError``.
    progress
        Called with a ``Progress`` as the search goes (from solver
        threads, one call at a time).
    **params
        For ``cpsat``: ``interruptible=True`` lets Ctrl-C stop the
        search and return the best plan so far
        (``details["interrupted"]``); ``work_limit`` caps the search in
        CP-SAT's deterministic seconds, for reproducible plans. The
        default ``"auto"`` takes a quarter of ``time_limit`` when every
        group of the scenario is solved whole (re-planning with
        ``keep`` too), and searches against the clock alone when one
        needs the local search (large scenarios);
        ``None`` always searches against the clock (all threads
        free-running: faster to a good plan at scale, not
        reproducible);
        ``log=True`` prints CP-SAT's log; any other name is passed to
        CP-SAT as a parameter.

    Returns
    -------
    Result
        The plan with status, measures recomputed by the checker, and
        the proved bound on the primary objective.
    """
    if method not in METHODS:
        raise ValueError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}"
        )
    if keep is not None and method != "cpsat":
        raise ValueError(
            f"keep needs the optimizer (method 'cpsat'), not {method!r}"
        )
    began = time.perf_counter()
    inst = Instance.from_scenario(scenario)

    def report(fraction: float) -> None:
        if progress is not None:
            progress(Progress(time.perf_counter() - began, fraction=fraction))

    details: dict[str, Any] = {}
    proved_bound: float | None = None
    if method == "greedy":
        legs = greedy_plan(inst, progress=report)
    elif method == "cpsat":
        legs, proved_bound, details = _optimize(
            scenario,
            inst,
            time_limit,
            threads,
            seed,
            keep,
            progress,
            params,
            began,
        )
    else:  # pragma: no cover - guarded above
        raise AssertionError(method)
    runtime = time.perf_counter() - began
    return _finish(
        scenario, inst, legs, method, runtime, proved_bound, details
    )


def _optimize(
    scenario: Scenario,
    inst: Instance,
    time_limit: float,
    threads: int | None,
    seed: int,
    keep: Plan | None,
    progress: ProgressCallback | None,
    params: dict[str, Any],
    began: float,
) -> tuple[list[Leg], float, dict[str, Any]]:
    """Run the CP-SAT optimizer; the checker judges every candidate."""
    from .cpsat import optimize_plan, settings_from
    from .cpsat.changes import published_legs

    settings = settings_from(time_limit, threads, seed, params)

    def judge(legs: list[Leg]) -> tuple[bool, Measures]:
        plan = Plan(
            scenario=scenario.name,
            deployments=[inst.deployment(leg) for leg in legs],
        )
        verdict = check(scenario, plan)
        return verdict.valid, verdict.measures

    published: list[Leg] | None = None
    settled: dict[str, Any] = {"kept": 0, "moved": [], "removed": []}
    if keep is not None:
        published, settled = published_legs(inst, keep.deployments)

    def relay(snapshot: Any) -> None:
        if progress is not None:
            progress(
                Progress(
                    elapsed=snapshot.elapsed,
                    fraction=min(
                        1.0, snapshot.elapsed / max(time_limit, 1e-9)
                    ),
                    incumbent=snapshot.incumbent,
                    bound=snapshot.bound,
                    message=snapshot.message,
                )
            )

    done = optimize_plan(inst, settings, judge, published, relay, began)
    changes = done.details.get("changes")
    if changes is not None:
        changes["kept"] += settled["kept"]
        changes["moved"] = settled["moved"] + changes["moved"]
        changes["removed"] = settled["removed"] + changes["removed"]
    return done.legs, done.bound, done.details


def _finish(
    scenario: Scenario,
    inst: Instance,
    legs: list[Leg],
    method: str,
    runtime: float,
    proved_bound: float | None,
    details: dict[str, Any],
) -> Result:
    """Judge the planner's legs with the checker and build the result."""
    plan = Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )
    verdict = check(scenario, plan)
    if not verdict.valid:
        raise PlannerError(
            f"the {method} planner broke a rule: "
            + "; ".join(str(v) for v in verdict.violations[:5])
        )
    measures = verdict.measures
    # No gap day is a trivial lower bound; only the optimizer proves more,
    # and only it may call the whole lexicographic objective optimal.
    bound = (
        0.0 if proved_bound is None else min(proved_bound, measures.primary)
    )
    status = "optimal" if details.get("proved") else "feasible"
    plan.status = status
    plan.objective = measures
    plan.bound = bound
    plan.solver = {"name": f"rotaplan-{method}", "seconds": round(runtime, 3)}
    if method == "greedy":
        # The relay planner has no clock in it.
        plan.solver["reproducible"] = True
    plan.solver.update(details.get("solver", {}))
    return Result(
        plan=plan,
        status=status,
        objective=measures,
        bound=bound,
        runtime=runtime,
        method=method,
        check=verdict,
        details=details,
    )
