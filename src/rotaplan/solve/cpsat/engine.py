"""One CP-SAT search, with the settings every search shares."""

from __future__ import annotations

import os
import threading
import time
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
    # No work limit was given: ``work_limit`` is a quarter of the time
    # limit, dropped for the clock when the scenario needs the local
    # search or a published plan is re-planned (``solver.optimize``).
    auto_work: bool = False
    interruptible: bool = False
    log: bool = False
    engine: dict[str, Any] = field(default_factory=dict)
    # When the whole solve must end (``time.perf_counter``): with a work
    # limit, the one wall-clock limit any step obeys.
    deadline: float | None = None

    def seconds(self, wall: float) -> float:
        """Wall seconds a step may take: ``wall``, or with a work limit
        all that is left before the deadline. Work alone then decides
        where each step stops, however loaded the machine, so the same
        input, seed, threads and work limit give the same plan unless the
        time limit ends the solve first."""
        if self.work_limit is None or self.deadline is None:
            return wall
        return max(0.0, self.deadline - time.perf_counter())

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
    params.max_time_in_seconds = max(0.001, settings.seconds(wall))
    if work is not None:
        params.max_deterministic_time = max(0.001, work)
    # Interleaving runs CP-SAT's portfolio (local search included) in
    # fixed batches: reproducible, and on one thread far stronger than
    # the single default search. With several threads and no work limit
    # the free-running portfolio is faster, and not reproducible.
    params.interleave_search = settings.workers == 1 or work is not None
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    # Ctrl-C is watched for here (``_solve``), not by CP-SAT's own
    # ``catch_sigint_signal``: its handler is per thread, and a Ctrl-C
    # the system hands to one of its worker threads was lost in tests.
    params.catch_sigint_signal = False
    params.log_search_progress = settings.log
    if len(model.proto.variables) > _PROBING_VARIABLES:
        params.cp_model_probing_level = 0
    for key, value in settings.engine.items():
        setattr(params, key, value)
    callback = None
    if report is not None:
        callback = _OnSolution(report)
        solver.best_bound_callback = lambda b: report(float("inf"), b)
    status, interrupted = _solve(
        solver, model, callback, settings.interruptible
    )
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    proved = status == cp_model.OPTIMAL
    info: dict[str, Any] = {
        "status": solver.status_name(status),
        "seconds": round(solver.wall_time, 3),
        "work": solver.deterministic_time,
    }
    if interrupted:
        info["interrupted"] = True
    value = round(solver.objective_value) if found else None
    low = solver.best_objective_bound if found else 0.0
    if found:
        info["objective"] = value
        info["bound"] = low
    return (solver if found else None), proved, value, low, info


def solve_guarded(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> Any:
    """``solver.solve``, once more without symmetry detection if CP-SAT
    fails inside it: OR-Tools 9.15's symmetry code raises an internal
    ``IndexError`` ("raw_hash_map<>::at") on some models (a random test
    scenario's infeasible probe; ``symmetry_level`` 1 fails too, 0
    solves it). The failure is deterministic, so the retry keeps a solve
    reproducible."""
    try:
        return solver.solve(model, callback)
    except IndexError:
        solver.parameters.symmetry_level = 0
        return solver.solve(model, callback)


def _solve(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None,
    interruptible: bool,
) -> tuple[Any, bool]:
    """Solve; with ``interruptible`` (and on the main thread, where
    Python handles Ctrl-C), the search runs on a helper thread while
    this one waits, so that Ctrl-C stops the search (CP-SAT returns its
    best so far) instead of the program. Returns (status, interrupted).
    """
    if not interruptible or (
        threading.current_thread() is not threading.main_thread()
    ):
        return solve_guarded(solver, model, callback), False
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solve_guarded(solver, model, callback)
        except BaseException as exc:  # re-raised below, on this thread
            outcome["error"] = exc
        finally:
            finished.set()

    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    worker.start()
    interrupted = False
    # An Event, not ``join``: a Ctrl-C inside ``join`` can leave the
    # thread looking finished while it still runs.
    while not finished.is_set():
        try:
            finished.wait(0.05)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["status"], interrupted
