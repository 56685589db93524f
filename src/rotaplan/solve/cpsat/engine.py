"""One CP-SAT search, with the settings every search shares."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

# Most CP-SAT workers worth starting on one machine.
_MAX_THREADS = 8
# Models above this many variables skip CP-SAT's probing in presolve,
# which on them costs more time than it saves.
_PROBING_VARIABLES = 5000


@dataclass(frozen=True)
class Settings:
    """How to run the search (see ``docs/optimizer.md``)."""

    time_limit: float = 60.0
    threads: int | None = None
    seed: int = 0
    # Deterministic time (CP-SAT's work units) for the whole solve; when
    # given, the search is reproducible whatever the machine's load.
    work_limit: float | None = None
    interruptible: bool = False
    log: bool = False
    engine: dict[str, Any] = field(default_factory=dict)

    @property
    def workers(self) -> int:
        if self.threads is not None:
            return max(1, self.threads)
        return max(1, min(_MAX_THREADS, os.cpu_count() or 1))


class _OnSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(self.objective_value, self.best_objective_bound)


def run_cpsat(
    model: cp_model.CpModel,
    settings: Settings,
    wall: float,
    work: float | None,
    report: Callable[[float, float], None] | None,
) -> tuple[cp_model.CpSolver | None, bool, int | None, float, dict[str, Any]]:
    """One CP-SAT search: (the solver if it found a solution, proved
    optimal, objective value, best bound, details)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.001, wall)
    if work is not None:
        params.max_deterministic_time = max(0.001, work)
    # Interleaving runs CP-SAT's portfolio (local search included) in
    # fixed batches: reproducible, and on one thread far stronger than
    # the single default search. With several threads and no work limit
    # the free-running portfolio is faster, and not reproducible.
    params.interleave_search = settings.workers == 1 or work is not None
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    params.catch_sigint_signal = settings.interruptible
    params.log_search_progress = settings.log
    if len(model.proto.variables) > _PROBING_VARIABLES:
        params.cp_model_probing_level = 0
    for key, value in settings.engine.items():
        setattr(params, key, value)
    callback = None
    if report is not None:
        callback = _OnSolution(report)
        solver.best_bound_callback = lambda b: report(float("inf"), b)
    handler = _python_sigint_handler()
    try:
        status = solver.solve(model, callback)
    finally:
        _restore_sigint(handler)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    proved = status == cp_model.OPTIMAL
    # Only a time limit, a work limit or Ctrl-C end a search early, and
    # the first two show in the solver's clocks.
    stopped_early = (
        not proved
        and status != cp_model.INFEASIBLE
        and solver.wall_time < 0.95 * params.max_time_in_seconds
        and (
            work is None
            or solver.deterministic_time < 0.95 * params.max_deterministic_time
        )
    )
    info: dict[str, Any] = {
        "status": solver.status_name(status),
        "seconds": round(solver.wall_time, 3),
        "work": solver.deterministic_time,
    }
    if settings.interruptible and stopped_early:
        info["interrupted"] = True
    value = round(solver.objective_value) if found else None
    low = solver.best_objective_bound if found else 0.0
    if found:
        info["objective"] = value
        info["bound"] = low
    return (solver if found else None), proved, value, low, info


def _python_sigint_handler() -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.getsignal(signal.SIGINT)


def _restore_sigint(handler: Any) -> None:
    """CP-SAT resets SIGINT to the default after catching it; give
    Python its handler back so that a later Ctrl-C is still caught."""
    if handler is not None:
        signal.signal(signal.SIGINT, handler)
