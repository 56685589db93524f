"""Side by side: rotaplan's optimizer, its greedy planner and a naive MILP.

For each generated instance (family, supply level, seed) each method runs
in its own process, so that its peak memory (``ru_maxrss``) is its own;
the plan it returns is judged by rotaplan's checker, whose measures are
the ones reported. Per instance: time to the best plan, gap days,
weighted primary objective, proved bound, status, peak memory, and
ratios between the methods.

Usage::

    python benchmarks/run.py                      # S and M, all supplies
    python benchmarks/run.py --quick              # a smoke run, ~1 min
    python benchmarks/run.py --families L XL --supplies tight \\
        --seeds 0 1 --time-limit 120

Results go to ``benchmarks/results/`` (JSON and Markdown, git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SUPPLIES, generate, summary  # noqa: E402

METHODS = ("optimizer", "greedy", "milp")
DEFAULT_LIMITS = {"S": 10.0, "M": 60.0, "L": 300.0, "XL": 600.0}
QUICK_LIMITS = {"S": 5.0, "M": 15.0, "L": 30.0, "XL": 60.0}
RESULTS = HERE / "results"


@dataclass(frozen=True)
class Task:
    """One method on one instance."""

    instance: str
    scenario_file: str
    method: str
    time_limit: float
    threads: int | None
    seed: int


def optimizer_available() -> bool:
    """Whether rotaplan's optimizer (``method="cpsat"``) exists yet."""
    from rotaplan.solve import METHODS as SOLVE_METHODS

    return "cpsat" in SOLVE_METHODS


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_task(task: Task) -> dict[str, Any]:
    """Run one method in this process and return its figures.

    The checker's measures are reported for every method; a planner
    error (the checker rejecting a rotaplan plan) is reported as such,
    with the command that reproduces it.
    """
    from rotaplan.io import load_scenario

    scenario = load_scenario(task.scenario_file)
    record: dict[str, Any] = {
        "instance": task.instance,
        "method": task.method,
        "time_limit": task.time_limit,
        "base_mb": round(_peak_mb(), 1),
    }
    # On a shared machine other processes stretch wall time; CPU time
    # (all threads) and the load average say how much.
    record["load_average"] = round(os.getloadavg()[0], 2)
    cpu_before = _cpu_seconds()
    began = time.perf_counter()
    try:
        if task.method == "milp":
            record.update(_run_milp(scenario, task, began))
        else:
            record.update(_run_rotaplan(scenario, task, began))
    except Exception as exc:  # a benchmark reports, it does not stop
        record.update(
            status=f"error: {type(exc).__name__}: {str(exc)[:300]}",
            seconds=time.perf_counter() - began,
            reproduce=(
                f"python benchmarks/run.py --worker-repro "
                f"{task.scenario_file} {task.method}"
            ),
        )
    record["cpu_seconds"] = round(_cpu_seconds() - cpu_before, 3)
    record["peak_mb"] = round(_peak_mb(), 1)
    return record


def _measures(check: Any) -> dict[str, Any]:
    m = check.measures
    return {
        "valid": check.valid,
        "gap_days": m.gap_days,
        "weighted_gap_days": m.weighted_gap_days,
        "exercise_gap_days": m.exercise_gap_days,
        "primary": m.primary,
        "substitution_penalty": m.substitution_penalty,
        "deployments": m.deployments,
    }


def _run_rotaplan(scenario: Any, task: Task, began: float) -> dict[str, Any]:
    from rotaplan.solve import Progress, solve

    best: list[tuple[float, float]] = []

    def progress(p: Progress) -> None:
        if p.incumbent is not None and (not best or p.incumbent < best[-1][1]):
            best.append((time.perf_counter() - began, p.incumbent))

    method = "cpsat" if task.method == "optimizer" else "greedy"
    result = solve(
        scenario,
        method=method,
        time_limit=task.time_limit,
        threads=task.threads,
        seed=task.seed,
        progress=progress,
    )
    seconds = time.perf_counter() - began
    out = {
        "status": result.status,
        "seconds": seconds,
        "time_to_best": best[-1][0] if best else seconds,
        "bound": result.bound,
        "reproducible": bool(result.plan.solver.get("reproducible")),
    }
    out.update(_measures(result.check))
    return out


def _run_milp(scenario: Any, task: Task, began: float) -> dict[str, Any]:
    from milp_baseline import build_and_solve

    result = build_and_solve(
        scenario, task.time_limit, task.threads, task.seed
    )
    seconds = time.perf_counter() - began
    status = result.status.lower()
    if not result.found and not status.startswith("not built"):
        # What remains is the fixed deployments alone.
        status += ", no plan"
    out: dict[str, Any] = {
        "status": status,
        "seconds": seconds,
        "build_seconds": result.build_seconds,
        "time_to_best": result.time_to_best,
        # HiGHS's bound holds for its own weekly, fixed-length model, not
        # for the contract's objective: kept apart from proved bounds.
        "bound": None,
        "model_objective": result.objective,
        "model_bound": result.bound,
        "variables": result.variables,
        "constraints": result.constraints,
        "nonzeros": result.nonzeros,
        "valid_as_solved": result.valid_as_solved,
        "dropped": result.dropped,
    }
    if result.check is not None:
        out.update(_measures(result.check))
    return out


def run_in_subprocess(task: Task) -> dict[str, Any]:
    """Run a task in a fresh interpreter; its peak memory is its own."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "task.json"
        out = Path(tmp) / "result.json"
        spec.write_text(json.dumps(task.__dict__), encoding="utf-8")
        # Generous: building and checking come on top of the limit.
        allowed = 3 * task.time_limit + 300
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", str(spec), str(out)],
                capture_output=True,
                text=True,
                timeout=allowed,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {
                "instance": task.instance,
                "method": task.method,
                "status": f"killed after {allowed:.0f} s",
            }
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            return {
                "instance": task.instance,
                "method": task.method,
                "status": f"crashed (exit {proc.returncode}): "
                + " | ".join(tail),
            }
        return dict(json.loads(out.read_text(encoding="utf-8")))


def _ratio(num: float | None, den: float | None) -> float | str | None:
    if num is None or den is None:
        return None
    if den == 0:
        return 1.0 if num == 0 else "inf"
    return num / den


# (method over, method under, measure, its name in the ratio's label)
_RATIOS = (
    ("optimizer", "milp", "time_to_best", "time"),
    ("greedy", "optimizer", "gap_days", "gap"),
    ("greedy", "optimizer", "primary", "primary"),
    ("milp", "optimizer", "primary", "primary"),
    ("milp", "greedy", "primary", "primary"),
    ("milp", "greedy", "time_to_best", "time"),
)


def ratios(by_method: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Ratios between the methods on one instance (None: not run)."""

    def get(method: str, key: str) -> float | None:
        rec = by_method.get(method)
        if rec is None or rec.get(key) is None:
            return None
        return float(rec[key])

    return {
        f"{top}_{label} / {bottom}_{label}": _ratio(
            get(top, key), get(bottom, key)
        )
        for top, bottom, key, label in _RATIOS
    }


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if 0 < abs(value) < 1:
            # Sub-second times would all read 0.0.
            digits = max(digits, 3)
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


COLUMNS = (
    ("instance", "instance", 0),
    ("method", "method", 0),
    ("status", "status", 0),
    ("time_to_best", "to best (s)", 1),
    ("seconds", "total (s)", 1),
    ("cpu_seconds", "CPU (s)", 1),
    ("gap_days", "gap days", 0),
    ("primary", "primary", 1),
    ("bound", "bound", 1),
    ("valid", "valid", 0),
    ("peak_mb", "peak MB", 0),
    ("load_average", "load", 1),
)
RATIO_KEYS = (
    "optimizer_time / milp_time",
    "greedy_primary / optimizer_primary",
    "milp_primary / optimizer_primary",
    "milp_primary / greedy_primary",
    "milp_time / greedy_time",
)


def tables(
    records: list[dict[str, Any]], per_instance: dict[str, dict[str, Any]]
) -> tuple[Table, Table]:
    """The figures and the ratios as Rich tables."""
    figures = Table(title="rotaplan benchmarks (checker's measures)")
    for _, title, _ in COLUMNS:
        figures.add_column(
            title,
            justify="left"
            if title in ("instance", "method", "status")
            else "right",
        )
    for rec in records:
        figures.add_row(
            *(_fmt(rec.get(key), digits) for key, _, digits in COLUMNS)
        )
    ratio_table = Table(title="ratios per instance")
    ratio_table.add_column("instance")
    for key in RATIO_KEYS:
        ratio_table.add_column(key, justify="right")
    for instance, r in per_instance.items():
        ratio_table.add_row(
            instance, *(_fmt(r.get(key), 2) for key in RATIO_KEYS)
        )
    return figures, ratio_table


def markdown(
    records: list[dict[str, Any]],
    per_instance: dict[str, dict[str, Any]],
    header: str,
) -> str:
    """The same tables in Markdown, for docs/performance.md."""
    lines = [header, ""]
    lines.append("| " + " | ".join(t for _, t, _ in COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for rec in records:
        cells = [_fmt(rec.get(k), d) for k, _, d in COLUMNS]
        lines.append(
            "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
        )
    lines += ["", "| instance | " + " | ".join(RATIO_KEYS) + " |"]
    lines.append("|" + "---|" * (len(RATIO_KEYS) + 1))
    for instance, r in per_instance.items():
        lines.append(
            f"| {instance} | "
            + " | ".join(_fmt(r.get(k), 2) for k in RATIO_KEYS)
            + " |"
        )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run rotaplan's optimizer, greedy planner and a naive "
        "MILP side by side on generated instances."
    )
    parser.add_argument(
        "--families",
        nargs="+",
        choices=tuple(DEFAULT_LIMITS),
        default=None,
        help="default: S M",
    )
    parser.add_argument(
        "--supplies",
        nargs="+",
        choices=SUPPLIES,
        default=None,
        help="default: ample tight short",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=None)
    parser.add_argument(
        "--methods", nargs="+", choices=METHODS, default=list(METHODS)
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per method and instance, for every family "
        "(default: S 10, M 60, L 300, XL 600; MILP the same)",
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: S and M, tight supply, seed 0, short limits",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="folder for the JSON and Markdown results",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.families = args.families or ["S", "M"]
        args.supplies = args.supplies or ["tight"]
    args.families = args.families or ["S", "M"]
    args.supplies = args.supplies or list(SUPPLIES)
    args.seeds = args.seeds or [0]
    if args.time_limit is not None and not args.time_limit > 0:
        parser.error("--time-limit must be positive")
    if not args.scale > 0:
        parser.error("--scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    args = parse_args(argv)
    # Wide enough for the tables when the output goes to a file.
    console = Console(width=max(Console().width, 170))
    methods = list(args.methods)
    if "optimizer" in methods and not optimizer_available():
        console.print(
            "[yellow]rotaplan's optimizer (method='cpsat') is not "
            "available yet: skipped.[/yellow]"
        )
        methods.remove("optimizer")
    limits = QUICK_LIMITS if args.quick else DEFAULT_LIMITS
    instances_dir = args.out / "instances"
    instances_dir.mkdir(parents=True, exist_ok=True)

    records: list[dict[str, Any]] = []
    per_instance: dict[str, dict[str, Any]] = {}
    for family in args.families:
        limit = args.time_limit or limits[family]
        for supply in args.supplies:
            for seed in args.seeds:
                name = f"{family}-{supply}-s{seed}"
                if args.scale != 1.0:
                    name += f"-x{args.scale:g}"
                data = generate(family, supply, seed, args.scale)
                path = instances_dir / f"{name}.json"
                path.write_text(json.dumps(data), encoding="utf-8")
                console.print(f"[bold]{name}[/bold]: {summary(data)}")
                by_method: dict[str, dict[str, Any]] = {}
                for method in methods:
                    task = Task(
                        name, str(path), method, limit, args.threads, seed
                    )
                    rec = run_in_subprocess(task)
                    rec["units"] = len(data["units"])
                    rec["requirements"] = len(data["requirements"])
                    console.print(
                        f"  {method}: {rec.get('status')}, "
                        f"{_fmt(rec.get('time_to_best'))} s to best, "
                        f"gap days {_fmt(rec.get('gap_days'))}, "
                        f"primary {_fmt(rec.get('primary'))}"
                    )
                    records.append(rec)
                    by_method[method] = rec
                per_instance[name] = ratios(by_method)

    figures, ratio_table = tables(records, per_instance)
    console.print(figures)
    console.print(ratio_table)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = {
        "when": stamp,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "args": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
        },
        "optimizer": "optimizer" in methods,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "runs": records, "ratios": per_instance}
    text = json.dumps(payload, indent=1, default=str)
    md = markdown(
        records,
        per_instance,
        f"Benchmark run {stamp} ({os.cpu_count()} "
        "cores); measures from rotaplan's checker.",
    )
    for base in (f"run-{stamp}", "latest"):
        (args.out / f"{base}.json").write_text(text, encoding="utf-8")
        (args.out / f"{base}.md").write_text(md, encoding="utf-8")
    console.print(f"results: {args.out / f'run-{stamp}.json'} and .md")
    return 0


def _worker(spec_file: str, out_file: str) -> int:
    task = Task(**json.loads(Path(spec_file).read_text(encoding="utf-8")))
    record = run_task(task)
    Path(out_file).write_text(json.dumps(record), encoding="utf-8")
    return 0


def _repro(scenario_file: str, method: str) -> int:
    """Re-run one method in this process, letting any error show."""
    from rotaplan.io import load_scenario
    from rotaplan.solve import solve

    scenario = load_scenario(scenario_file)
    if method == "milp":
        from milp_baseline import build_and_solve

        print(build_and_solve(scenario, 60.0))
        return 0
    result = solve(
        scenario, method="cpsat" if method == "optimizer" else "greedy"
    )
    print(result.status, result.objective)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "--worker-repro":
        sys.exit(_repro(sys.argv[2], sys.argv[3]))
    sys.exit(main())
