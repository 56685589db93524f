"""``rotaplan report`` and ``rotaplan compare``: the presence report of a
plan, and what changed between two plans.

Both read a scenario and plans through the same checks: a missing or
malformed file, a plan made for another scenario (another name, or ids
the scenario does not have) and unknown references in ``costs:`` are
input errors (exit status 2, nothing written). A plan that breaks rules
is still reported, with the broken rules at the top of the report and a
warning here; the status stays 0 because the report was written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..analyze.compare import (
    KINDS,
    compare_plans,
    foreign_plan_problems,
)
from ..analyze.costs import cost_problems
from ..io import InputError, load_plan, load_scenario
from ..model import Plan, Scenario
from ..report import format as fmt
from ..report.html import HtmlOptions, render_html
from ..report.measures import Presence, presence
from ..report.xlsx import render_xlsx
from .outputs import check_outputs, fail, write_output


def load_inputs(
    scenario_file: Path, plan_files: list[Path]
) -> tuple[Scenario, list[Plan]]:
    """The scenario and its plans, or ``InputError`` naming the file,
    the field and the fix."""
    scenario = load_scenario(scenario_file)
    problems = cost_problems(scenario)
    if problems:
        raise InputError.from_problems(str(scenario_file), problems)
    plans = []
    for plan_file in plan_files:
        plan = load_plan(plan_file)
        problems = foreign_plan_problems(scenario, plan)
        if problems:
            raise InputError.from_problems(str(plan_file), problems)
        plans.append(plan)
    return scenario, plans


def _warn_if_invalid(p: Presence) -> None:
    violations = p.result.violations
    if violations:
        typer.echo(
            f"warning: the plan breaks {len(violations)} rule"
            f"{'s' if len(violations) != 1 else ''} (first: "
            f"{violations[0]}); the report lists them at the top",
            err=True,
        )


def report_command(
    scenario_file: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="YAML or JSON scenario")
    ],
    plan_file: Annotated[
        Path, typer.Argument(metavar="PLAN", help="plan JSON of the scenario")
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="HTML report to write"),
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="workbook (.xlsx) to write")
    ] = None,
    title: Annotated[
        str, typer.Option(help="page title (default: from the scenario)")
    ] = "",
    no_unit_chart: Annotated[
        bool,
        typer.Option(
            "--no-unit-chart", help="leave out the chart of tours by unit"
        ),
    ] = False,
) -> None:
    """Write the presence report of a plan: is persistent rotation the
    same as permanent presence?

    One self-contained HTML page (opens with no network) and, with
    --xlsx, a workbook. Exit status 0 when written (a plan that breaks
    rules is reported under a warning), 2 on bad input.
    """
    if output is None and xlsx is None:
        raise fail(
            [
                "report: nothing to write (fix: give -o report.html, "
                "--xlsx report.xlsx, or both)"
            ]
        )
    outputs = [p for p in (output, xlsx) if p is not None]
    check_outputs(
        [("--output", output), ("--xlsx", xlsx)],
        [("SCENARIO", scenario_file), ("PLAN", plan_file)],
    )
    try:
        scenario, (plan,) = load_inputs(scenario_file, [plan_file])
    except InputError as exc:
        raise fail(exc.lines()) from None
    measured = presence(scenario, plan)
    # Render everything before writing anything: all or nothing.
    page = (
        render_html(
            measured,
            HtmlOptions(title=title, unit_gantt=not no_unit_chart),
        )
        if output is not None
        else None
    )
    book = render_xlsx(measured) if xlsx is not None else None
    if output is not None and page is not None:
        write_output("--output", output, page)
    if xlsx is not None and book is not None:
        write_output("--xlsx", xlsx, book)
    _warn_if_invalid(measured)
    m = measured.result.measures
    typer.echo(
        f"presence kept {fmt.percent(100 * measured.presence_share)}, "
        f"{fmt.integer(m.gap_days)} gap days, "
        f"{fmt.integer(m.exercise_gap_days)} exercise gap days"
    )
    for path in outputs:
        typer.echo(f"wrote {path}")


def _plan_measures(p: Presence) -> dict[str, Any]:
    h = p.headline()
    m = p.result.measures
    return {
        "valid": p.result.valid,
        "rules_broken": len(p.result.violations),
        "presence_pct": h["presence_pct"],
        "gap_days": m.gap_days,
        "weighted_gap_days": m.weighted_gap_days,
        "exercise_gap_days": m.exercise_gap_days,
        "substitution_penalty": m.substitution_penalty,
        "deployments": m.deployments,
        "handovers_per_year": h["handovers_per_year"],
        "units_tied_up_mean": h["units_tied_up_mean"],
        "dwell_ratio_min": h["dwell_ratio_min"],
        "dwell_ratio_median": h["dwell_ratio_median"],
        "rotation_cost": h["rotation_cost"],
    }


_ROWS = (
    ("valid", "valid", None),
    ("rules_broken", "rules broken", "int"),
    ("presence_pct", "presence kept (%)", "pct"),
    ("gap_days", "gap days", "int"),
    ("weighted_gap_days", "weighted gap days", "dec"),
    ("exercise_gap_days", "exercise gap days", "int"),
    ("substitution_penalty", "substitution penalty", "dec"),
    ("deployments", "deployments (not fixed)", "int"),
    ("handovers_per_year", "handovers per year", "dec"),
    ("units_tied_up_mean", "units tied up per unit kept", "dec"),
    ("dwell_ratio_min", "BOG:Dwell min (1:x)", "dec"),
    ("dwell_ratio_median", "BOG:Dwell median (1:x)", "dec"),
    ("rotation_cost", "rotation cost over the horizon", "int"),
)


def _cell(value: Any, kind: str | None) -> str:
    if value is None:
        return "n/a"
    if kind is None:
        return "yes" if value else "NO"
    if kind == "int":
        return fmt.integer(value)
    return fmt.decimal(value)


def _change(a: Any, b: Any, kind: str | None) -> str:
    if kind is None or a is None or b is None or a == b:
        return ""
    delta = b - a
    if kind == "int":
        return f"{'+' if delta > 0 else '-'}{fmt.integer(abs(delta))}"
    return f"{'+' if delta > 0 else '-'}{fmt.decimal(abs(delta))}"


def compare_command(
    scenario_file: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="YAML or JSON scenario")
    ],
    first_file: Annotated[
        Path, typer.Argument(metavar="PLAN_A", help="the plan before")
    ],
    second_file: Annotated[
        Path, typer.Argument(metavar="PLAN_B", help="the plan after")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="print JSON instead of text")
    ] = False,
) -> None:
    """What changed between two plans of a scenario.

    Deployments moved, units swapped, added and removed, and the
    checker's measures before and after. Exit status 0, or 2 on bad
    input.
    """
    try:
        scenario, (first, second) = load_inputs(
            scenario_file, [first_file, second_file]
        )
    except InputError as exc:
        raise fail(exc.lines()) from None
    comparison = compare_plans(scenario, first, second)
    before = _plan_measures(presence(scenario, first, comparison.before))
    after = _plan_measures(presence(scenario, second, comparison.after))
    diff = comparison.diff
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "counts": {k: diff.count(k) for k in KINDS}
                    | {"unchanged": diff.unchanged},
                    "changes": [
                        {
                            "kind": c.kind,
                            "before": _deployment_json(c.before),
                            "after": _deployment_json(c.after),
                            "text": c.describe(),
                        }
                        for c in diff.changes
                    ],
                    "before": before,
                    "after": after,
                },
                indent=2,
            )
        )
        return
    typer.echo(f"A: {first_file}")
    typer.echo(f"B: {second_file}")
    typer.echo(f"changes: {diff.summary()}")
    for c in diff.changes:
        typer.echo(f"  {c.describe()}")
    rows = [("measure", "A", "B", "change")] + [
        (
            label,
            _cell(before[key], kind),
            _cell(after[key], kind),
            _change(before[key], after[key], kind),
        )
        for key, label, kind in _ROWS
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    typer.echo("")
    for r in rows:
        typer.echo(
            f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  "
            f"{r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()
        )
    for name, result in (("A", comparison.before), ("B", comparison.after)):
        for v in result.violations:
            typer.echo(f"{name} breaks {v}")


def _deployment_json(d: Any) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "unit": d.unit,
        "requirement": d.requirement,
        "start": d.start.isoformat(),
        "end": d.end.isoformat(),
    }


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``compare`` to the ``rotaplan`` command line."""
    app.command("report")(report_command)
    app.command("compare")(compare_command)
