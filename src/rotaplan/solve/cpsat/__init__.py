"""The optimizer: OR-Tools CP-SAT, warm-started from the relay plan.

``optimize_plan`` is the seam between ``rotaplan.solve`` and the engine;
no CP-SAT type crosses it. The model is described in
``docs/optimizer.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat import sat_parameters_pb2

from ...model import Instance, Measures
from ...model.instance import Leg
from ..greedy import greedy_plan
from .changes import plan_changes
from .engine import Settings
from .solver import Snapshot, optimize

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
    work = params.get("work_limit")
    return Settings(
        time_limit=float(time_limit),
        threads=threads,
        seed=int(seed),
        work_limit=None if work is None else float(work),
        interruptible=bool(params.get("interruptible", False)),
        log=bool(params.get("log", False)),
        engine=engine,
    )


def _order(measures: Measures, changes: int) -> tuple[float, float, int, int]:
    primary, penalty, deployments = measures.key()
    return (primary, penalty, changes, deployments)


def optimize_plan(
    inst: Instance,
    settings: Settings,
    judge: Judge,
    published: list[Leg] | None = None,
    progress: Callable[[Snapshot], None] | None = None,
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
    """

    def changes(legs: list[Leg]) -> int:
        if published is None:
            return 0
        return len(published) - plan_changes(inst, published, legs)["kept"]

    def order(legs: list[Leg]) -> tuple[float, float, int, int]:
        return _order(judge(legs)[1], changes(legs))

    relay = greedy_plan(inst)
    start = relay
    if published is not None:
        again = sorted(
            [*published, *inst.fixed], key=lambda x: (x.start, x.unit)
        )
        valid, _ = judge(again)
        if valid and order(again) <= order(relay):
            start = again
    outcome = optimize(
        inst,
        start,
        settings,
        published,
        progress,
        is_valid=lambda legs: judge(legs)[0],
    )
    legs = outcome.legs
    proved = outcome.proved
    valid, _ = judge(legs)
    if not valid or order(start) < order(legs):
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
        },
    }
    if published is not None:
        details["changes"] = plan_changes(inst, published, legs)
    return Optimized(legs=legs, bound=outcome.bound, details=details)
