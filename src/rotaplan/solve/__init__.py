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

METHODS = ("greedy",)


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
    method: str = "greedy",
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
        ``"greedy"`` (the relay heuristic) or another of ``METHODS``.
    time_limit
        Seconds the search may take.
    threads, seed
        Search workers and random seed; the same input and seed give the
        same plan.
    keep
        A published plan to change as little as possible.
    progress
        Called with a ``Progress`` as the search goes.
    **params
        Passed on to the method's engine.

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
    inst = Instance.from_scenario(scenario)
    began = time.perf_counter()

    def report(fraction: float) -> None:
        if progress is not None:
            progress(Progress(time.perf_counter() - began, fraction=fraction))

    details: dict[str, Any] = {}
    proved_bound: float | None = None
    if method == "greedy":
        legs = greedy_plan(inst, progress=report)
    else:  # pragma: no cover - guarded above
        raise AssertionError(method)
    runtime = time.perf_counter() - began
    return _finish(
        scenario, inst, legs, method, runtime, proved_bound, details
    )


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
