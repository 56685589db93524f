"""Plans as JSON (contract section 3) and as CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from ..model import PLAN_FORMAT, Deployment, Instance, Measures, Plan, Scenario
from ..model.scenario import DATE_RANGE_FIX, date_out_of_range
from .errors import InputError
from .scenario_file import read_data

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROW_KEYS = {"unit", "requirement", "start", "end", "fixed"}
_KNOWN = {
    "format",
    "scenario",
    "status",
    "objective",
    "bound",
    "deployments",
    "solver",
}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the contract's JSON structure, deployments in order."""
    out: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "scenario": plan.scenario,
        "status": plan.status,
    }
    if plan.objective is not None:
        out["objective"] = plan.objective.as_dict()
    if plan.bound is not None:
        out["bound"] = {"primary": plan.bound}
    out["deployments"] = [
        {
            **d.extra,
            "unit": d.unit,
            "requirement": d.requirement,
            "start": d.start.isoformat(),
            "end": d.end.isoformat(),
            "fixed": d.fixed,
        }
        for d in plan.sorted_deployments()
    ]
    out["solver"] = plan.solver
    out.update(plan.extra)
    return out


def dumps_plan(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=2) + "\n"


def write_text_atomic(path: Path, text: str | bytes) -> None:
    """Write a file whole or not at all: a crash never leaves half a plan
    over the planner's previous one. ``bytes`` are written as they are.

    A device or FIFO (``/dev/null``, a named pipe) is written to
    directly: renaming a file over it would replace the device node.
    Through a symbolic link, the file it points to is replaced and the
    link kept.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # A folder fails here, as it should, with IsADirectoryError.
        with path.open("wb") as stream:
            stream.write(data)
        return
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name per write: two writers never share a temporary file,
    # and a file planted under a predictable name is never followed.
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; the file keeps the mode it had,
        # or gets the one a plain open() would have given it.
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, stat.S_IMODE(mode))
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_plan(plan: Plan, path: str | Path) -> None:
    write_text_atomic(Path(path), dumps_plan(plan))


def plan_from_dict(data: Any, file: str = "(plan)") -> Plan:
    """Read the contract's plan structure; extra keys are kept."""
    if not isinstance(data, dict):
        raise InputError(
            file,
            "(top level)",
            "a plan must be a JSON object",
            "give a plan written by 'rotaplan solve'",
        )
    rows = data.get("deployments")
    if not isinstance(rows, list):
        raise InputError(
            file,
            "deployments",
            "missing or not a list",
            "give a list of deployments",
        )
    deployments = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InputError(
                file,
                f"deployments[{i}]",
                "not an object",
                "write {unit, requirement, start, end}",
            )
        for key in ("unit", "requirement", "start", "end"):
            if key not in row:
                raise InputError(
                    file,
                    f"deployments[{i}].{key}",
                    "missing",
                    f"add '{key}'",
                )
        values = {
            key: _plan_date(row[key], file, f"deployments[{i}].{key}")
            for key in ("start", "end")
        }
        fixed = row.get("fixed", False)
        if not isinstance(fixed, bool):
            raise InputError(
                file,
                f"deployments[{i}].fixed",
                f"{fixed!r} is not true or false",
                "write true or false (JSON booleans, no quotes)",
            )
        deployments.append(
            Deployment(
                unit=str(row["unit"]),
                requirement=str(row["requirement"]),
                start=values["start"],
                end=values["end"],
                fixed=fixed,
                extra={k: v for k, v in row.items() if k not in _ROW_KEYS},
            )
        )
    objective = None
    if isinstance(data.get("objective"), dict):
        o = data["objective"]
        try:
            objective = Measures(
                weighted_gap_days=float(o.get("weighted_gap_days", 0)),
                gap_days=int(o.get("gap_days", 0)),
                exercise_gap_days=int(o.get("exercise_gap_days", 0)),
                substitution_penalty=float(o.get("substitution_penalty", 0)),
                deployments=int(o.get("deployments", 0)),
            )
        except (TypeError, ValueError):
            raise InputError(
                file,
                "objective",
                "holds a value that is not a number",
                "remove 'objective' or correct it",
            ) from None
    bound = None
    if isinstance(data.get("bound"), dict) and "primary" in data["bound"]:
        try:
            bound = float(data["bound"]["primary"])
        except (TypeError, ValueError):
            raise InputError(
                file,
                "bound.primary",
                f"{data['bound']['primary']!r} is not a number",
                "remove 'bound' or correct it",
            ) from None
    solver = data.get("solver") or {}
    if not isinstance(solver, dict):
        raise InputError(
            file,
            "solver",
            "not an object",
            'write an object such as {"name": "...", "seconds": 1.0}',
        )
    return Plan(
        scenario=str(data.get("scenario", "")),
        deployments=deployments,
        status=str(data.get("status", "feasible")),
        objective=objective,
        bound=bound,
        solver=dict(solver),
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


def _plan_date(value: Any, file: str, where: str) -> date:
    """A date written YYYY-MM-DD in the years a scenario may use."""
    # Only the extended form: date.fromisoformat would also take
    # 20250101, and str() of a number would let one through.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        what = (
            "is a number, not a date"
            if isinstance(value, int | float) and not isinstance(value, bool)
            else "is not a date"
        )
        raise InputError(
            file, where, f"{value!r} {what}", "write the date as YYYY-MM-DD"
        )
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(
            file,
            where,
            f"{value!r} is not a day of the calendar",
            "write the date as YYYY-MM-DD, a day that exists",
        ) from None
    why = date_out_of_range(day)
    if why is not None:
        raise InputError(file, where, why, DATE_RANGE_FIX)
    return day


def load_plan(path: str | Path) -> Plan:
    """Read a plan JSON file; bad input raises ``InputError``."""
    path = Path(path)
    return plan_from_dict(read_data(path, kind="plan"), str(path))


CSV_COLUMNS = (
    "unit",
    "capability",
    "requirement",
    "site",
    "start",
    "end",
    "days_on_site",
    "dwell_before_days",
    "fixed",
)


def plan_to_csv(scenario: Scenario, plan: Plan) -> str:
    """One row per deployment, in order of start.

    ``dwell_before_days`` is the days the unit spent at home before
    leaving for this deployment: since its previous deployment in the
    plan, else since ``last_return``; empty when neither is known.
    """
    inst = Instance.from_scenario(scenario)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    previous_return: dict[str, int] = {
        u.id: u.last_return
        for u in inst.units.values()
        if u.last_return is not None
    }
    for d in plan.sorted_deployments():
        unit = inst.units.get(d.unit)
        req = inst.requirements.get(d.requirement)
        transit = unit.policy.transit_days if unit else 0
        leave = inst.day(d.start) - transit
        before = previous_return.get(d.unit)
        writer.writerow(
            [
                d.unit,
                unit.capability if unit else "",
                d.requirement,
                req.site if req else "",
                d.start.isoformat(),
                d.end.isoformat(),
                d.days,
                "" if before is None else leave - before,
                "yes" if d.fixed else "no",
            ]
        )
        previous_return[d.unit] = inst.day(d.end) + transit
    return buffer.getvalue()
