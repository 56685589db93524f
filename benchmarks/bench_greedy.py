"""How fast the greedy planner is: 600 units, 80 requirements, 10 years.

Times ``greedy_plan`` (median of ``--repeat`` runs) and, in the same
process as baselines, the time to build the ``Instance`` and the
checker's time on the plan; prints the ratios. ``--profile`` adds a
cProfile of one run, hotspots as ``file:function``.

Usage::

    python benchmarks/bench_greedy.py
    python benchmarks/bench_greedy.py --family XL --supply tight --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SPECS, SUPPLIES, generate, summary  # noqa: E402
from rotaplan.analyze.check import check  # noqa: E402
from rotaplan.model import Instance, Plan, build_scenario  # noqa: E402
from rotaplan.model.instance import Leg  # noqa: E402
from rotaplan.solve.greedy import greedy_plan  # noqa: E402


def _median_time(
    fn: Callable[[], object], repeat: int
) -> tuple[float, list[float], float]:
    """Median wall seconds, each run's wall seconds, median CPU seconds.

    CPU time is reported too: on a shared machine other processes
    stretch wall time, not the process's own CPU time.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), walls, statistics.median(cpus)


def hotspots(fn: Callable[[], object], top: int = 15) -> str:
    """cProfile of one call: the functions with most own time, then
    most cumulative time, as ``file:line(function)``."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    out.write("--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=tuple(SPECS), default="greedy600")
    parser.add_argument("--supply", choices=SUPPLIES, default="tight")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    data = generate(args.family, args.supply, args.seed)
    scenario = build_scenario(data)
    print(summary(data))

    inst_time, _, inst_cpu = _median_time(
        lambda: Instance.from_scenario(scenario), args.repeat
    )
    inst = Instance.from_scenario(scenario)
    legs: list[Leg] = []

    def plan_once() -> None:
        legs[:] = greedy_plan(inst)

    greedy_time, runs, greedy_cpu = _median_time(plan_once, args.repeat)
    plan = Plan(
        scenario=scenario.name,
        deployments=[inst.deployment(leg) for leg in legs],
    )
    verdict = check(scenario, plan)
    check_time, _, check_cpu = _median_time(
        lambda: check(scenario, plan), args.repeat
    )

    m = verdict.measures
    print(
        f"greedy plan: {'valid' if verdict.valid else 'INVALID'}, "
        f"{m.deployments} deployments, gap days {m.gap_days}, "
        f"primary {m.primary:g}, exercise gap {m.exercise_gap_days}, "
        f"substitution penalty {m.substitution_penalty:g}"
    )
    if not verdict.valid:
        for v in verdict.violations[:5]:
            print(f"  {v}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    print(
        f"greedy_plan: median {greedy_time:.2f} s wall of {args.repeat} "
        f"({', '.join(f'{t:.2f}' for t in runs)}), "
        f"{greedy_cpu:.2f} s CPU"
    )
    print(
        f"baseline Instance.from_scenario: {inst_time:.3f} s wall, "
        f"{inst_cpu:.3f} s CPU"
    )
    print(
        f"baseline check(plan): {check_time:.3f} s wall, {check_cpu:.3f} s CPU"
    )
    print(
        f"ratio greedy / check: {greedy_cpu / check_cpu:.0f}x CPU "
        f"({greedy_time / check_time:.0f}x wall); greedy / instance "
        f"build: {greedy_cpu / inst_cpu:.0f}x CPU"
    )
    if args.profile:
        print(hotspots(lambda: greedy_plan(inst)))
    return 0 if verdict.valid else 1


if __name__ == "__main__":
    sys.exit(main())
