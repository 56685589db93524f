"""How long the presence report takes, and how big it gets, on a large
plan: 600 units rotating through 80 requirements at 20 sites for ten
years, planned by the relay heuristic.

Targets: the HTML report in under 10 s and under 10 MB. The baseline,
run on the same plan in the same process, is the checker alone
(``rotaplan.analyze.check.check``): the report's time is also given as a
multiple of it.

Run::

    .venv/bin/python benchmarks/bench_report.py [--seed 1] [--repeat 3]
        [--keep out/]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rotaplan.analyze.check import check
from rotaplan.io import write_plan, write_text_atomic
from rotaplan.model import Scenario, build_scenario
from rotaplan.report.html import html_report
from rotaplan.report.xlsx import xlsx_report
from rotaplan.solve import solve

START = date(2026, 1, 1)
YEARS = 10
SITES = 20
REQUIREMENTS = 80
UNITS = 600
CAPABILITIES = (
    ("armored-battalion", 550),
    ("mechanized-infantry-battalion", 600),
    ("field-artillery-battery", 110),
    ("air-defense-battery", 120),
    ("engineer-company", 150),
)
TIME_TARGET_S = 10.0
SIZE_TARGET_MB = 10.0


def make_scenario(seed: int) -> dict[str, Any]:
    """A seeded large scenario: 20 sites, 80 requirements, 600 units."""
    rng = random.Random(seed)
    end = date(START.year + YEARS, START.month, START.day)
    sites = [
        {
            "id": f"site-{i:02d}",
            "name": f"Site {i:02d}",
            "capacity_troops": rng.choice([2500, 3000, 4000]),
        }
        for i in range(SITES)
    ]
    requirements = []
    slots: dict[str, int] = {c: 0 for c, _ in CAPABILITIES}
    for i in range(REQUIREMENTS):
        capability, _ = CAPABILITIES[i % len(CAPABILITIES)]
        persistent = rng.random() < 0.8
        if persistent:
            r_start, r_end = START, end
        else:
            offset = rng.randrange(0, 365 * (YEARS - 2))
            r_start = START + timedelta(days=offset)
            r_end = r_start + timedelta(days=rng.randrange(180, 720))
        count = 1 if rng.random() < 0.75 else 2
        slots[capability] += count
        requirements.append(
            {
                "id": f"R{i:02d}",
                "site": sites[i % SITES]["id"],
                "capability": capability,
                "count": count,
                "start": r_start.isoformat(),
                "end": r_end.isoformat(),
                "priority": rng.choice([0.5, 1.0, 1.0, 2.0]),
            }
        )
    # Units in proportion to each capability's slots; a little short in
    # places so the report has gaps to show.
    total = sum(slots.values())
    units = []
    homes = [
        "Fort Cavazos",
        "Fort Stewart",
        "Fort Carson",
        "Fort Bliss",
        "Fort Riley",
        "Fort Drum",
    ]
    counts = {c: round(UNITS * slots[c] / total) for c, _ in CAPABILITIES}
    counts[CAPABILITIES[0][0]] += UNITS - sum(counts.values())
    for capability, troops in CAPABILITIES:
        for j in range(counts[capability]):
            reserve = rng.random() < 0.25
            unit: dict[str, Any] = {
                "id": f"{capability[:3].upper()}-{j:03d}",
                "capability": capability,
                "troops": troops,
                "home": rng.choice(homes),
                "component": "reserve" if reserve else "active",
            }
            if rng.random() < 0.1:
                b_start = START + timedelta(days=rng.randrange(0, 3000))
                unit["blackouts"] = [
                    {
                        "start": b_start.isoformat(),
                        "end": (b_start + timedelta(days=180)).isoformat(),
                        "reason": "modernization",
                    }
                ]
            units.append(unit)
    exercises = [
        {
            "id": f"EX-{s['id']}-{year}",
            "site": s["id"],
            "start": date(year, 5, 10).isoformat(),
            "end": date(year, 5, 24).isoformat(),
            "needs": [{"capability": CAPABILITIES[k % 5][0], "count": 1}],
        }
        for k, s in enumerate(sites)
        for year in range(START.year + 1, START.year + YEARS, 3)
    ]
    return {
        "name": f"Benchmark report {UNITS} units seed {seed}",
        "horizon": {"start": START.isoformat(), "end": end.isoformat()},
        "defaults": {
            "transit_days": 21,
            "handover_days": 10,
            "max_deployment_days": 270,
            "dwell_ratio": 2.0,
        },
        "components": {"reserve": {"dwell_ratio": 4.0}},
        "sites": sites,
        "units": units,
        "requirements": requirements,
        "substitutions": [
            {
                "capability": "armored-battalion",
                "by": "mechanized-infantry-battalion",
                "penalty": 5.0,
            }
        ],
        "exercises": exercises,
    }


def timed(job: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="folder to keep scenario, plan, report"
    )
    args = parser.parse_args()

    scenario: Scenario = build_scenario(make_scenario(args.seed))
    began = time.perf_counter()
    result = solve(scenario, method="greedy")
    plan_s = time.perf_counter() - began
    plan = result.plan
    m = result.check.measures
    print(
        f"scenario: {len(scenario.sites)} sites, "
        f"{len(scenario.requirements)} requirements, "
        f"{len(scenario.units)} units, {YEARS} years"
    )
    print(
        f"plan (greedy): {len(plan.deployments)} deployments, "
        f"{m.gap_days:,} gap days, {plan_s:.1f} s"
    )

    check_s, _ = timed(lambda: check(scenario, plan), args.repeat)
    html_s, page = timed(lambda: html_report(scenario, plan), args.repeat)
    xlsx_s, book = timed(lambda: xlsx_report(scenario, plan), args.repeat)
    size_mb = len(page.encode("utf-8")) / 1e6
    met = html_s < TIME_TARGET_S and size_mb < SIZE_TARGET_MB
    print(f"baseline, checker alone: {check_s:.2f} s")
    print(
        f"HTML report: {html_s:.2f} s ({html_s / check_s:.1f}x the "
        f"checker), {size_mb:.2f} MB; targets < {TIME_TARGET_S:g} s, "
        f"< {SIZE_TARGET_MB:g} MB: {'met' if met else 'MISSED'}"
    )
    print(
        f"workbook: {xlsx_s:.2f} s ({xlsx_s / check_s:.1f}x the checker), "
        f"{len(book) / 1e6:.2f} MB"
    )
    if args.keep:
        import yaml

        args.keep.mkdir(parents=True, exist_ok=True)
        write_text_atomic(
            args.keep / "scenario.yaml",
            yaml.safe_dump(make_scenario(args.seed), sort_keys=False),
        )
        write_plan(plan, args.keep / "plan.json")
        write_text_atomic(args.keep / "report.html", page)
        (args.keep / "report.xlsx").write_bytes(book)
        print(f"kept in {args.keep}")


if __name__ == "__main__":
    main()
