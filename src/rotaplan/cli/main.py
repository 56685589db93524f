"""The ``rotaplan`` command line: a thin layer over the public API."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ..analyze import (
    RULES,
    CheckResult,
    ExerciseGapExplanation,
    GapExplanation,
    ScenarioSizing,
    Sizing,
    check,
    explain_exercise_gaps,
    explain_gaps,
    rotation_multiplier,
    size_scenario,
)
from ..analyze.compare import foreign_plan_problems
from ..io import (
    InputError,
    dumps_plan,
    load_plan,
    load_scenario,
    plan_to_csv,
)
from ..model import Plan, Policy, Scenario
from ..model.scenario import BUILTIN_POLICY, MAX_DAYS
from ..solve import METHODS, Progress, Result, solve
from ..solve.work_limit import work_limit_of
from .outputs import check_outputs, write_output
from .progress import SolveProgress

app = typer.Typer(
    name="rotaplan",
    help="Plans that provably keep a persistent presence with rotating units.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

T = TypeVar("T")

# CP-SAT takes a 32-bit seed.
_MAX_SEED = 2**31 - 1
# The scenario's own bound on a number of days and on a dwell ratio, so
# that what size is told is what a scenario could say.
_MAX_DWELL_RATIO = 100.0


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input becomes a message and exit status 2, never a traceback."""
    try:
        yield
    except InputError as exc:
        for line in exc.lines():
            err.print(f"[red]error:[/red] {line}", soft_wrap=True)
        raise typer.Exit(2) from None


def _load(path: Path) -> Scenario:
    with user_errors():
        return load_scenario(path)


def _load_plan(path: Path) -> Plan:
    with user_errors():
        return load_plan(path)


def _load_published(path: Path, scenario: Scenario) -> Plan:
    """The published plan ``--keep`` starts from. Units and requirements
    the scenario no longer has are allowed (their deployments count as
    removed), but a plan naming another scenario is the wrong file: its
    every deployment would be reported as changed."""
    plan = _load_plan(path)
    problems = foreign_plan_problems(scenario, plan)
    named = [p for p in problems if p.path == "scenario"]
    if named:
        with user_errors():
            raise InputError.from_problems(str(path), named)
    return plan


def _bad(file: str, path: str, message: str, fix: str) -> typer.Exit:
    err.print(
        f"[red]error:[/red] {file}: {path}: {message} (fix: {fix})",
        soft_wrap=True,
    )
    return typer.Exit(2)


def required_unit_days(scenario: Scenario) -> int:
    """Unit-days of presence the requirements ask for in the horizon."""
    h = scenario.horizon
    total = 0
    for r in scenario.requirements:
        lo, hi = max(r.start, h.start), min(r.end, h.end)
        total += r.count * max(0, (hi - lo).days)
    return total


def summary_table(
    scenario: Scenario,
    plan: Plan,
    result: CheckResult,
    interrupted: bool = False,
) -> Table:
    m = result.measures
    required = required_unit_days(scenario)
    kept = 100.0 if required == 0 else 100.0 * (1 - m.gap_days / required)
    units = {d.unit for d in plan.deployments}
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("scenario", scenario.name)
    table.add_row("status", plan.status)
    table.add_row("presence kept", f"{kept:.2f} % of {required:,} unit-days")
    table.add_row(
        "gap days",
        f"{m.gap_days:,} (weighted {m.weighted_gap_days:,.1f})",
    )
    table.add_row("exercise gap days", f"{m.exercise_gap_days:,}")
    table.add_row("deployments", f"{m.deployments:,} planned + fixed")
    table.add_row("units used", f"{len(units):,} of {len(scenario.units):,}")
    if m.substitution_penalty:
        table.add_row("substitution penalty", f"{m.substitution_penalty:,.1f}")
    if plan.bound is not None:
        table.add_row("proved bound", f"{plan.bound:,.1f} (primary objective)")
    seconds = plan.solver.get("seconds")
    if seconds is not None:
        table.add_row("solve time", f"{seconds:.2f} s ({plan.solver['name']})")
    if "reproducible" in plan.solver:
        table.add_row("rerun", _rerun_words(plan.solver, interrupted))
    return table


def _rerun_words(solver: dict[str, Any], interrupted: bool) -> str:
    """Whether a rerun gives this plan again, and how to make it so."""
    auto = solver.get("work_limit_auto")
    if solver.get("reproducible"):
        work = solver.get("work_limit")
        if work is None:
            return "gives the same plan"
        whence = ", a quarter of the time limit" if auto else ""
        return f"gives the same plan (work limit {work:g}{whence})"
    if interrupted:
        return "may differ: the search was interrupted"
    if solver.get("work_limit") is None:
        why = "a scenario this large is " if auto else ""
        return (
            f"may differ: {why}searched against the clock "
            "(--work-limit W repeats a plan)"
        )
    return "may differ: the time limit came before the work limit"


def _work_limit(text: str) -> float | str | None:
    """``--work-limit`` as ``solve`` takes it (``none``: None)."""
    word = text.strip().lower()
    try:
        return work_limit_of(None if word == "none" else word)
    except ValueError:
        raise _bad(
            "--work-limit",
            "work_limit",
            f"{text!r} is not a number of seconds above 0, 'auto' or 'none'",
            "give deterministic seconds such as 5, or 'auto', or 'none'",
        ) from None


def _cut_by_time_limit(solver: dict[str, Any], interrupted: bool) -> bool:
    """Whether the time limit ended a search capped in work."""
    return bool(solver.get("work_limit")) and not (
        solver.get("reproducible") or interrupted
    )


@app.command("solve")
def solve_command(
    scenario_file: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="YAML or JSON scenario")
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="plan file (default: stdout)"),
    ] = None,
    time_limit: Annotated[
        float, typer.Option(min=0.1, help="seconds the search may take")
    ] = 60.0,
    method: Annotated[
        str, typer.Option(help=f"planner: {', '.join(METHODS)}")
    ] = METHODS[0],
    threads: Annotated[
        int | None, typer.Option(min=1, help="search workers")
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, max=_MAX_SEED, help="random seed")
    ] = 0,
    work_limit: Annotated[
        str,
        typer.Option(
            metavar="W|auto|none",
            help="cap the search in deterministic seconds W, so that the "
            "same input, seed, threads and work limit give the same plan; "
            "'auto' takes a quarter of the time limit, or searches "
            "against the clock when the scenario needs the local search; "
            "'none' always searches against the clock",
        ),
    ] = "auto",
    keep: Annotated[
        Path | None,
        typer.Option(help="published plan to change as little as possible"),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option(help="also write the plan as CSV")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no summary, no progress")
    ] = False,
) -> None:
    """Plan a scenario and write the plan (contract section 3)."""
    if method not in METHODS:
        raise _bad(
            "--method",
            "method",
            f"unknown method {method!r}",
            f"use one of {', '.join(METHODS)}",
        )
    if keep is not None and method != "cpsat":
        raise _bad(
            "--keep",
            "method",
            f"the {method} planner cannot keep a published plan",
            "use --method cpsat (the default) to re-plan",
        )
    work = _work_limit(work_limit)
    scenario = _load(scenario_file)
    published = _load_published(keep, scenario) if keep is not None else None
    check_outputs(
        [("--output", output), ("--csv", csv)],
        [("SCENARIO", scenario_file), ("--keep", keep)],
        in_place=("--output", "--keep"),
    )
    bar = None if quiet else SolveProgress(err, time_limit)
    result = _run(
        lambda cb: solve(
            scenario,
            method=method,
            time_limit=time_limit,
            threads=threads,
            seed=seed,
            keep=published,
            progress=cb,
            interruptible=True,
            work_limit=work,
        ),
        bar,
    )
    plan = result.plan
    explanations: list[GapExplanation | ExerciseGapExplanation] = [
        *explain_gaps(scenario, plan, result.check),
        *explain_exercise_gaps(scenario, plan, result.check),
    ]
    if explanations:
        plan.extra["explanations"] = [e.to_dict() for e in explanations]
    if "changes" in result.details:
        plan.extra["changes"] = result.details["changes"]
    text = dumps_plan(plan)
    if output is None:
        sys.stdout.write(text)
    else:
        write_output("--output", output, text)
    if csv is not None:
        write_output("--csv", csv, plan_to_csv(scenario, plan))
    if not quiet:
        interrupted = bool(result.details.get("interrupted"))
        err.print(summary_table(scenario, plan, result.check, interrupted))
        _print_changes(result)
        for explanation in explanations:
            err.print(f"[yellow]gap[/yellow] {explanation}", soft_wrap=True)
        if _cut_by_time_limit(plan.solver, interrupted):
            err.print(
                "[yellow]note[/yellow] the time limit ended the search "
                "before its work limit: a rerun may give another plan "
                "(fix: a longer --time-limit or a smaller --work-limit)",
                soft_wrap=True,
            )
        if output is not None:
            err.print(f"plan written to {output}")


def _run(
    job: Callable[[Callable[[Progress], None] | None], Result],
    bar: SolveProgress | None,
) -> Result:
    if bar is None:
        return job(None)
    with bar:
        return job(bar.update)


# Change lines the summary shows before pointing to the plan file.
_CHANGES_SHOWN = 20


def _print_changes(result: Result) -> None:
    changes = result.details.get("changes")
    if not changes:
        return
    err.print(
        f"against the published plan: {changes.get('kept', 0)} kept, "
        f"{len(changes.get('moved', []))} moved, "
        f"{len(changes.get('removed', []))} removed, "
        f"{len(changes.get('added', []))} added"
    )
    lines = change_lines(changes)
    for line in lines[:_CHANGES_SHOWN]:
        err.print(f"  {line}", soft_wrap=True, highlight=False)
    if len(lines) > _CHANGES_SHOWN:
        err.print(
            f"  and {len(lines) - _CHANGES_SHOWN} more: see 'changes' in "
            "the plan file"
        )


def change_lines(changes: dict[str, Any]) -> list[str]:
    """One line per change of a re-plan, in the words of ``compare``:
    ``moved U on R 2026-01-01 to 2026-09-28 -> ...``."""

    def tour(x: dict[str, str]) -> str:
        return f"{x['start']} to {x['end']}"

    lines = [
        f"moved {m['unit']} on {m['requirement']} {tour(m['from'])} -> "
        f"{tour(m['to'])}"
        for m in changes.get("moved", [])
    ]
    for kind in ("removed", "added"):
        lines += [
            f"{kind} {x['unit']} on {x['requirement']} {tour(x)}"
            for x in changes.get(kind, [])
        ]
    return lines


@app.command("check")
def check_command(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO")],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN")],
) -> None:
    """Check a plan: every broken rule (H1..H8) and the measures.

    Exit status 0 when valid, 1 when a rule is broken, 2 on bad input.
    """
    scenario = _load(scenario_file)
    plan = _load_plan(plan_file)
    result = check(scenario, plan)
    for v in result.violations:
        out.print(f"{v.rule} {RULES[v.rule]}: {v}", soft_wrap=True)
    m = result.measures
    for key, value in m.as_dict().items():
        out.print(f"{key}: {value:g}")
    if result.violations:
        out.print(f"INVALID: {len(result.violations)} rule violation(s)")
        raise typer.Exit(1)
    out.print("VALID")


# The options of ``size`` that describe a policy, as the user types them.
_POLICY_OPTIONS = {
    "tour_days": "--tour-days",
    "transit_days": "--transit-days",
    "handover_days": "--handover-days",
    "min_deployment_days": "--min-deployment-days",
    "max_deployment_days": "--max-deployment-days",
    "dwell_ratio": "--dwell-ratio",
    "min_dwell_days": "--min-dwell-days",
}


def _days_option(name: str, low: int) -> Any:
    return typer.Option(min=low, max=MAX_DAYS, help=f"{name}, days")


@app.command("size")
def size_command(
    ctx: typer.Context,
    scenario_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[SCENARIO]",
            help="size every capability of a scenario (from its own "
            "policies); without it, size one persistent requirement "
            "under the policy options",
        ),
    ] = None,
    tour_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_DAYS,
            help="days on site per tour, within the deployment bounds "
            "(default: the best)",
        ),
    ] = None,
    transit_days: Annotated[int, _days_option("transit each way", 0)] = int(
        BUILTIN_POLICY["transit_days"]
    ),
    handover_days: Annotated[
        int, _days_option("first days on site that do not count", 0)
    ] = int(BUILTIN_POLICY["handover_days"]),
    min_deployment_days: Annotated[
        int, _days_option("shortest tour", 1)
    ] = int(BUILTIN_POLICY["min_deployment_days"]),
    max_deployment_days: Annotated[int, _days_option("longest tour", 1)] = int(
        BUILTIN_POLICY["max_deployment_days"]
    ),
    dwell_ratio: Annotated[
        float,
        typer.Option(
            min=0,
            max=_MAX_DWELL_RATIO,
            help="days at home owed per day on site",
        ),
    ] = float(BUILTIN_POLICY["dwell_ratio"]),
    min_dwell_days: Annotated[
        int, _days_option("least days at home between tours", 0)
    ] = int(BUILTIN_POLICY["min_dwell_days"]),
    as_json: Annotated[
        bool, typer.Option("--json", help="machine-readable output")
    ] = False,
) -> None:
    """How many units one persistent requirement ties up.

    Example: 270-day tours, dwell ratio 2, 21-day transit and 10-day
    handover need 4 units in the cycle to keep 1 on site.
    """
    given = [
        flag for name, flag in _POLICY_OPTIONS.items() if _typed(ctx, name)
    ]
    if scenario_file is not None:
        if given:
            # Ignoring them would answer another question than asked.
            raise _bad(
                "size",
                ", ".join(given),
                "policy options size one requirement without a "
                "scenario; a scenario is sized under its own policies",
                "leave out the options, or change the policy in the "
                "scenario (defaults, components or units)",
            )
        sizing = size_scenario(_load(scenario_file))
        if as_json:
            out.print_json(data=sizing.to_dict())
        else:
            _print_scenario_sizing(sizing)
        return
    _check_size_options(
        tour_days,
        handover_days,
        min_deployment_days,
        max_deployment_days,
    )
    policy = Policy(
        transit_days=transit_days,
        handover_days=handover_days,
        min_deployment_days=min_deployment_days,
        max_deployment_days=max_deployment_days,
        dwell_ratio=dwell_ratio,
        min_dwell_days=min_dwell_days,
    )
    try:
        one = rotation_multiplier(policy, tour_days)
    except ValueError as exc:
        raise _bad("size", "policy options", str(exc), "see --help") from None
    if as_json:
        out.print_json(data=one.to_dict())
    else:
        _print_sizing(one)


def _typed(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave option ``name`` (a default is not given)."""
    # By the source's name: typer bundles its own click, whose enum is
    # not the one ``import click`` would give.
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in (
        "DEFAULT",
        "DEFAULT_MAP",
    )


def _check_size_options(
    tour: int | None,
    handover: int,
    shortest: int,
    longest: int,
) -> None:
    """Refuse policy options that contradict each other, naming them."""
    if shortest > longest:
        raise _bad(
            "size",
            "--min-deployment-days",
            f"{shortest} is more than --max-deployment-days {longest}",
            "give a shortest tour no longer than the longest",
        )
    if tour is None:
        return
    # The handover first: it is why a short tour can never count.
    if tour <= handover:
        raise _bad(
            "size",
            "--tour-days",
            f"a tour of {tour} days is not longer than --handover-days "
            f"{handover}: the unit would never count toward presence",
            "a longer --tour-days or a shorter --handover-days",
        )
    if not shortest <= tour <= longest:
        bound = "--min" if tour < shortest else "--max"
        raise _bad(
            "size",
            "--tour-days",
            f"a tour of {tour} days is outside --min-deployment-days "
            f"{shortest} to --max-deployment-days {longest}",
            f"a tour in that range, or {bound}-deployment-days {tour}",
        )


def _print_sizing(one: Sizing) -> None:
    out.print(
        f"[bold]{one.units_needed} units[/bold] in the cycle keep one on site."
    )
    out.print(f"  tour on site D = {one.tour_days} days")
    out.print(
        f"  cycle = D + 2 x transit + dwell = {one.tour_days} + "
        f"2 x {one.transit_days} + {one.dwell_days} = {one.cycle_days} days"
    )
    out.print(
        f"  counting per tour = D - handover = {one.tour_days} - "
        f"{one.handover_days} = {one.effective_days} days"
    )
    out.print(f"  {one.formula}", soft_wrap=True)
    out.print(
        f"  long-run effective fraction per unit: "
        f"{one.effective_fraction:.1%} (exact ratio {one.ratio:.3f})"
    )


def _print_scenario_sizing(sizing: ScenarioSizing) -> None:
    table = Table(
        title=f"Sizing of {sizing.scenario}",
        caption="peak: units on site at once; needed: units in the "
        "rotation; eff./unit: share of its time a unit counts",
    )
    for column in (
        "capability",
        "peak on site",
        "units needed",
        "own units",
        "substitutes",
        "effective / unit",
        "verdict",
    ):
        table.add_column(column)
    for cap in sizing.capabilities:
        subs = sum(len(v) for v in cap.substitutes.values())
        table.add_row(
            cap.capability,
            str(cap.peak_demand),
            str(cap.units_needed),
            str(len(cap.own_units)),
            str(subs),
            f"{cap.sizing.effective_fraction:.1%}",
            cap.verdict,
        )
    out.print(table)
    for cap in sizing.capabilities:
        out.print(f"{cap.capability}: {cap.sizing.formula}", soft_wrap=True)
    for req in sizing.requirements:
        for reason in req.reasons:
            out.print(
                f"[yellow]{req.requirement}[/yellow] cannot be fully "
                f"covered ({reason.code}): {reason.message}",
                soft_wrap=True,
            )
    for note in sizing.notes:
        out.print(f"note: {note}", soft_wrap=True)


@app.command("export")
def export_command(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO")],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="CSV file")
    ] = None,
) -> None:
    """Export a plan as CSV: one row per deployment."""
    scenario = _load(scenario_file)
    plan = _load_plan(plan_file)
    check_outputs(
        [("--output", output)],
        [("SCENARIO", scenario_file), ("PLAN", plan_file)],
    )
    text = plan_to_csv(scenario, plan)
    if output is None:
        sys.stdout.write(text)
    else:
        write_output("--output", output, text)


@app.command("init")
def init_command(
    path: Annotated[
        Path, typer.Argument(help="where to write the starter scenario")
    ] = Path("scenario.yaml"),
    force: Annotated[
        bool, typer.Option(help="overwrite an existing file")
    ] = False,
) -> None:
    """Write a commented starter scenario to edit."""
    if path.suffix.lower() == ".json":
        # The starter is commented YAML, and a .json name is read as
        # JSON: solve could not read what init wrote.
        raise _bad(
            str(path),
            "PATH",
            "init writes a commented YAML scenario, which a .json file "
            "cannot hold",
            f"name it {path.with_suffix('.yaml').name}",
        )
    check_outputs([("PATH", path)], [])
    if path.exists() and not force:
        raise _bad(
            str(path),
            "(file)",
            "already exists",
            "choose another name or pass --force",
        )
    text = (
        resources.files("rotaplan")
        .joinpath("templates/starter.yaml")
        .read_text(encoding="utf-8")
    )
    write_output("PATH", path, text)
    err.print(
        f"wrote {path}; edit it, then run: rotaplan solve {path} -o plan.json"
    )


_EXTRA_COMMANDS: list[str] = ["report_cmd"]


def _register_extra_commands() -> None:
    """Commands that live in their own modules register themselves."""
    import importlib

    for name in _EXTRA_COMMANDS:
        module: Any = importlib.import_module(f"{__package__}.{name}")
        module.register(app)


_register_extra_commands()


def main() -> None:
    """Entry point of the ``rotaplan`` script."""
    app()
