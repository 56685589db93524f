"""The optimizer: OR-Tools CP-SAT, warm-started from the relay plan.

``optimize_plan`` is the seam between ``rotaplan.solve`` and the engine;
no CP-SAT type crosses it. The model is described in
``docs/optimizer.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat import sat_parameters_pb2

from ...model import Instance, Measures
from ...model.instance import Leg
from ..greedy import greedy_plan
from ..work_limit import AUTO, work_limit_of
from .changes import plan_changes
from .engine import Settings
from .solver import Snapshot, optimize

# Checks of a whole plan still to come when the search stops.
_FINAL_CHECKS = 3
# ``work_limit`` by default (``AUTO``): a quarter of the time limit, so
# that a rerun gives the same plan, unless the scenario needs the local
# search or a published plan is re-planned (then the clock alone, see
# ``solver.optimize``). A work-second costs 1.5 to 4 s of wall time on
# two threads, depending on the scenario, so the work limit, not the
# clock, ends a search that does not end by proof.
_AUTO_WORK_PER_SECOND = 0.25
# Our own parameters; every other keyword goes to CP-SAT as it is.
OWN_PARAMS = ("interruptible", "work_limit", "log")
_ENGINE_FIELDS = frozenset(
    f.name for f in sat_parameters_pb2.SatParameters.DESCRIPTOR.fields
)

# (valid, measures) of a plan, from the independent checker.
Judge = Callable[[list[Leg]], tuple[bool, Measures]]


@dataclass
class Optimized:
    """The optimizer's plan and what it proved."""

    legs: list[Leg]
    bound: float
    details: dict[str, Any] = field(default_factory=dict)


def settings_from(
    time_limit: float,
    threads: int | None,
    seed: int,
    params: dict[str, Any],
) -> Settings:
    """Split ``solve``'s keyword parameters into ours and CP-SAT's.

    Raises
    ------
    ValueError
        For a keyword that is neither ours nor a CP-SAT parameter.
    """
    engine = {k: v for k, v in params.items() if k not in OWN_PARAMS}
    unknown = sorted(set(engine) - _ENGINE_FIELDS)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for method "
            f"'cpsat'; use {', '.join(OWN_PARAMS)} or a CP-SAT "
            "parameter name"
        )
    work = work_limit_of(params.get("work_limit", AUTO))
    return Settings(
        time_limit=float(time_limit),
        threads=threads,
        seed=int(seed),
        work_limit=work if isinstance(work, float) else None,
        auto_work=work == AUTO,
        interruptible=bool(params.get("interruptible", False)),
        log=bool(params.get("log", False)),
        engine=engine,
    )


def _order(measures: Measures, changes: int) -> tuple[float, float, int, int]:
    primary, penalty, deployments = measures.key()
    return (primary, penalty, deployments, changes)


def optimize_plan(
    inst: Instance,
    settings: Settings,
    judge: Judge,
    published: list[Leg] | None = None,
    progress: Callable[[Snapshot], None] | None = None,
    began: float | None = None,
) -> Optimized:
    """Plan ``inst`` with CP-SAT, starting from the relay plan.

    Parameters
    ----------
    inst
        The instance.
    settings
        Limits and engine parameters (``settings_from``).
    judge
        The checker, as ``legs -> (valid, measures)``; the final plan is
        the best of the optimizer's, the relay plan's and, when
        re-planning, the published one's by its verdict.
    published
        The non-fixed deployments of a published plan to keep where the
        optimum allows.
    progress
        Called with a ``Snapshot`` as the search goes.
    began
        When the caller's clock started (``time.perf_counter``); the
        time limit counts from then. Default: now.
    """

    def changes(legs: list[Leg]) -> int:
        if published is None:
            return 0
        return len(published) - plan_changes(inst, published, legs)["kept"]

    def order(legs: list[Leg]) -> tuple[float, float, int, int]:
        return _order(judge(legs)[1], changes(legs))

    if began is None:
        began = time.perf_counter()
    if settings.auto_work:
        # From the whole time limit, before the relay plan's time is
        # taken off it; ``optimize`` drops it where the clock is better.
        settings = replace(
            settings, work_limit=settings.time_limit * _AUTO_WORK_PER_SECOND
        )
    relay = greedy_plan(inst)
    checking = time.perf_counter()
    relay_order = order(relay)
    check_seconds = time.perf_counter() - checking
    start = relay
    if published is not None:
        again = sorted(
            [*published, *inst.fixed], key=lambda x: (x.start, x.unit)
        )
        valid, measures = judge(again)
        if valid and _order(measures, changes(again)) <= relay_order:
            start = again
    # The time limit is for the whole call: the relay plan and the
    # checks still to come (the final plan, its start, and the caller's
    # own) are paid out of it.
    spent = time.perf_counter() - began
    settings = replace(
        settings,
        time_limit=max(
            0.0,
            settings.time_limit - spent - _FINAL_CHECKS * check_seconds,
        ),
    )
    outcome = optimize(
        inst,
        start,
        settings,
        published,
        progress,
        is_valid=lambda legs: judge(legs)[0],
        began=began,
    )
    legs = outcome.legs
    proved = outcome.proved
    valid, measures = judge(legs)
    start_order = relay_order if start is relay else order(start)
    if not valid or start_order < _order(measures, changes(legs)):
        # The model's plan can only lose to its own start by a defect;
        # the start is a valid plan, so the user still gets the best.
        legs, proved = start, False
    details: dict[str, Any] = {
        "proved": proved,
        "interrupted": outcome.interrupted,
        "groups": len(outcome.groups),
        "phases": [
            phase for group in outcome.groups for phase in group.phases
        ],
        "solver": {
            "threads": settings.workers,
            "seed": settings.seed,
            "groups": len(outcome.groups),
            "work_limit": outcome.work_limit,
            "work_limit_auto": settings.auto_work,
            "reproducible": outcome.reproducible,
        },
    }
    if published is not None:
        details["changes"] = plan_changes(inst, published, legs)
    return Optimized(legs=legs, bound=outcome.bound, details=details)
