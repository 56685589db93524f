"""Re-planning (``solve(..., keep=published)``) against a fresh solve.

For each scenario, a plan is solved and published; then the scenario
changes the way it does in service, and the changed scenario is solved
twice in the same process: fresh (the baseline) and re-planned against
the published plan. Changes, per scenario:

- ``lose U (tour k)``: the unit of the k-th published tour (the first,
  then the middle one) is no longer there;
- ``blackout U (tour k)``: that unit is blacked out from 30 days before
  that tour's start to 60 days after;
- ``new exercise``: two units of the first requirement's capability
  wanted for 14 days, a third of the way through the published tours.

Per case: status, ``primary``, penalty and deployments of both solves,
the published deployments kept, moved, removed and added, seconds, and
whether the re-plan is reproducible. Every plan is judged by the
checker.

Usage::

    python benchmarks/replan.py       # the example, S tight, S short
    python benchmarks/replan.py examples/lithuania.yaml --work-limit none
    python benchmarks/replan.py --time-limit 30

Results go to ``benchmarks/results/replan-*.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from rotaplan.model import Plan, build_scenario  # noqa: E402
from rotaplan.solve import Result, solve  # noqa: E402

EXAMPLE = HERE.parent / "examples" / "lithuania.yaml"


def _iso(day: date) -> str:
    return day.isoformat()


def changes_of(
    data: dict[str, Any], plan: Plan
) -> list[tuple[str, dict[str, Any]]]:
    """The changed scenarios, named."""
    tours = sorted(
        (d for d in plan.deployments if not d.fixed),
        key=lambda d: (d.start, d.unit),
    )
    out: list[tuple[str, dict[str, Any]]] = []
    if not tours:
        return out
    for k in sorted({0, len(tours) // 2}):
        tour = tours[k]
        lost = copy.deepcopy(data)
        lost["units"] = [u for u in lost["units"] if u["id"] != tour.unit]
        lost["fixed"] = [
            f for f in lost.get("fixed") or [] if f["unit"] != tour.unit
        ]
        out.append((f"lose {tour.unit} (tour {k})", lost))
        dark = copy.deepcopy(data)
        for u in dark["units"]:
            if u["id"] == tour.unit:
                u.setdefault("blackouts", []).append(
                    {
                        "start": _iso(tour.start - timedelta(days=30)),
                        "end": _iso(tour.start + timedelta(days=60)),
                    }
                )
        out.append((f"blackout {tour.unit} (tour {k})", dark))
    tour = tours[len(tours) // 3]
    busy = copy.deepcopy(data)
    first = busy["requirements"][0]
    busy.setdefault("exercises", []).append(
        {
            "id": "NEW-EXERCISE",
            "site": first["site"],
            "start": _iso(tour.start + timedelta(days=100)),
            "end": _iso(tour.start + timedelta(days=114)),
            "needs": [{"capability": first["capability"], "count": 2}],
        }
    )
    out.append(("new exercise", busy))
    return out


def _measures(result: Result) -> dict[str, Any]:
    m = result.check.measures
    return {
        "status": result.status,
        "valid": result.check.valid,
        "primary": m.weighted_gap_days + m.exercise_gap_days,
        "penalty": m.substitution_penalty,
        "deployments": m.deployments,
        "bound": result.bound,
        "reproducible": bool(result.plan.solver.get("reproducible")),
    }


def run_case(
    name: str,
    data: dict[str, Any],
    published: Plan,
    time_limit: float,
    work_limit: float | str | None,
) -> dict[str, Any]:
    scenario = build_scenario(data)
    began = time.perf_counter()
    fresh = solve(scenario, time_limit=time_limit, work_limit=work_limit)
    fresh_seconds = time.perf_counter() - began
    began = time.perf_counter()
    again = solve(
        scenario,
        time_limit=time_limit,
        work_limit=work_limit,
        keep=published,
    )
    seconds = time.perf_counter() - began
    changes = again.details["changes"]
    return {
        "case": name,
        "fresh": _measures(fresh) | {"seconds": round(fresh_seconds, 2)},
        "replan": _measures(again)
        | {
            "seconds": round(seconds, 2),
            "kept": changes["kept"],
            "moved": len(changes["moved"]),
            "removed": len(changes["removed"]),
            "added": len(changes["added"]),
        },
    }


def _scenarios(files: list[str]) -> list[tuple[str, dict[str, Any]]]:
    if files:
        return [
            (Path(f).name, yaml.safe_load(Path(f).read_text(encoding="utf-8")))
            for f in files
        ]
    return [
        (
            "lithuania.yaml",
            yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")),
        ),
        ("S tight", generate("S", "tight", seed=0)),
        ("S short", generate("S", "short", seed=0)),
    ]


def _work_limit(text: str) -> float | str | None:
    word = text.strip().lower()
    if word == "none":
        return None
    if word == "auto":
        return "auto"
    return float(word)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "scenarios", nargs="*", help="scenario files (default: see above)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--work-limit",
        type=_work_limit,
        default="auto",
        help="auto (default), none (the clock) or seconds of work",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)

    console = Console()
    rows: list[dict[str, Any]] = []
    for label, data in _scenarios(args.scenarios):
        first = solve(
            build_scenario(data),
            time_limit=args.time_limit,
            work_limit=args.work_limit,
        )
        console.print(
            f"[bold]{label}[/bold]: published plan {first.status}, "
            f"primary {first.objective.weighted_gap_days:g} + "
            f"{first.objective.exercise_gap_days}"
        )
        for name, changed in changes_of(data, first.plan):
            row = run_case(
                name, changed, first.plan, args.time_limit, args.work_limit
            )
            row["scenario"] = label
            rows.append(row)
            console.print(f"  {name}: done", style="dim")

    table = Table(title="re-planning against a fresh solve, same process")
    for column in (
        "scenario",
        "change",
        "fresh",
        "s",
        "re-plan",
        "s",
        "kept/moved/removed/added",
        "rerun",
    ):
        table.add_column(column)
    for row in rows:
        f, r = row["fresh"], row["replan"]
        table.add_row(
            row["scenario"],
            row["case"],
            f"{f['status']} {f['primary']:g} / {f['penalty']:g} / "
            f"{f['deployments']}",
            f"{f['seconds']:.1f}",
            f"{r['status']} {r['primary']:g} / {r['penalty']:g} / "
            f"{r['deployments']}",
            f"{r['seconds']:.1f}",
            f"{r['kept']}/{r['moved']}/{r['removed']}/{r['added']}",
            "same" if r["reproducible"] else "may differ",
        )
    console.print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.out / f"replan-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "time_limit": args.time_limit,
                "work_limit": args.work_limit,
                "runs": rows,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    console.print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
