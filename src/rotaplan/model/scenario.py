"""The scenario a planner writes: sites, units, requirements and policy.

This module is the schema of section 2 of the interchange contract
(``formats.md``). It validates the structure of one scenario and the
references between its parts; it knows nothing of files or solvers.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .costs import Costs


def _not_a_boolean(value: Any) -> Any:
    # YAML reads `yes` as True, which pydantic would take for 1.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a yes/no value, not a number")
    return value


NoBool = BeforeValidator(_not_a_boolean)
# Bounds far beyond any real scenario keep arithmetic in machine integers.
MAX_DAYS = 100_000
Id = Annotated[str, Field(min_length=1, max_length=200)]
NonNegInt = Annotated[int, NoBool, Field(ge=0, le=MAX_DAYS)]
PosInt = Annotated[int, NoBool, Field(ge=1, le=MAX_DAYS)]
Troops = Annotated[int, NoBool, Field(ge=1, le=10_000_000)]
Count = Annotated[int, NoBool, Field(ge=1, le=10_000)]
Weight = Annotated[float, NoBool, Field(ge=0, le=1e9, allow_inf_nan=False)]

# Every date a planner writes lies in these years. The bounds keep date
# arithmetic (a tour's end plus transit plus dwell) inside the calendar,
# and the horizon bound keeps the solvers near their time limit: both
# are far beyond any real rotation plan.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)
MAX_HORIZON_YEARS = 100
MAX_HORIZON_DAYS = 36_525
DATE_RANGE_FIX = (
    f"write a date between {FIRST_DATE.isoformat()} and "
    f"{LAST_DATE.isoformat()}"
)
_NUMBER = re.compile(r"\s*[+-]?\d+(\.\d*)?([eE][+-]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    # pydantic reads a number (or a text of digits) as seconds since
    # 1970, so `start: 0` would plan from 1970-01-01 without a word.
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise PydanticCustomError(
            "date_number",
            "{value} is a number, not a date",
            {"value": str(value)[:40]},
        )
    return value


def date_out_of_range(day: date) -> str | None:
    """Why ``day`` is refused, or ``None`` when it is in range."""
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    return (
        f"{day.isoformat()} is outside the years {FIRST_DATE.year} "
        f"to {LAST_DATE.year}"
    )


def _in_range(day: date) -> date:
    why = date_out_of_range(day)
    if why is not None:
        raise PydanticCustomError("date_range", why)
    return day


Day = Annotated[
    date, BeforeValidator(_not_a_number), AfterValidator(_in_range)
]

BUILTIN_POLICY: dict[str, float | int] = {
    "transit_days": 14,
    "handover_days": 10,
    "min_deployment_days": 90,
    "max_deployment_days": 270,
    "dwell_ratio": 2.0,
    "min_dwell_days": 0,
}
POLICY_FIELDS = tuple(BUILTIN_POLICY)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    """A half-open interval of days, ``[start, end)``."""

    start: Day
    end: Day

    @model_validator(mode="after")
    def _end_after_start(self) -> Window:
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end} must be after start {self.start}"
            )
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days


class Horizon(Window):
    """The days planned, at most ``MAX_HORIZON_YEARS`` long."""

    @model_validator(mode="after")
    def _not_too_long(self) -> Horizon:
        if self.days > MAX_HORIZON_DAYS:
            raise PydanticCustomError(
                "horizon_too_long",
                "the horizon is {days} days long, more than "
                "{years} years ({limit} days)",
                {
                    "days": f"{self.days:,}",
                    "years": MAX_HORIZON_YEARS,
                    "limit": f"{MAX_HORIZON_DAYS:,}",
                },
            )
        return self


class Blackout(Window):
    """Days a unit cannot be away from home (modernization, leave...)."""

    reason: str = ""


class PolicyOverrides(_Strict):
    """Policy fields, each optional; resolved field by field."""

    transit_days: NonNegInt | None = None
    handover_days: NonNegInt | None = None
    min_deployment_days: PosInt | None = None
    max_deployment_days: PosInt | None = None
    dwell_ratio: (
        Annotated[float, NoBool, Field(ge=0, le=100, allow_inf_nan=False)]
        | None
    ) = None
    min_dwell_days: NonNegInt | None = None

    def given(self) -> dict[str, Any]:
        return {
            k: v for k in POLICY_FIELDS if (v := getattr(self, k)) is not None
        }


class Policy(_Strict):
    """A unit's resolved rotation policy."""

    transit_days: int
    handover_days: int
    min_deployment_days: int
    max_deployment_days: int
    dwell_ratio: float
    min_dwell_days: int

    def dwell_after(self, days_on_site: int) -> int:
        """Days at home owed after a deployment of ``days_on_site``."""
        # The rounding is on a float product; round first so 2.0 * 90
        # stored as 180.00000000000003 does not become 181.
        owed = math.ceil(round(self.dwell_ratio * days_on_site, 9))
        return max(self.min_dwell_days, owed)


class Site(_Strict):
    id: Id
    name: str = ""
    country: str = ""
    capacity_troops: Troops | None = None


class Unit(PolicyOverrides):
    id: Id
    capability: Id
    troops: Troops
    component: Id = "active"
    name: str = ""
    home: str = ""
    available_from: Day | None = None
    available_until: Day | None = None
    blackouts: list[Blackout] = []
    last_return: Day | None = None
    last_deployment_days: PosInt | None = None

    @model_validator(mode="after")
    def _availability_order(self) -> Unit:
        if (
            self.available_from is not None
            and self.available_until is not None
            and self.available_until <= self.available_from
        ):
            raise ValueError(
                f"available_until {self.available_until} must be after "
                f"available_from {self.available_from}"
            )
        return self


class Requirement(Window):
    id: Id
    site: Id
    capability: Id
    count: Count = 1
    priority: Weight = 1.0


class Substitution(_Strict):
    capability: Id
    by: Id
    penalty: Weight = 1.0


class FixedDeployment(Window):
    unit: Id
    requirement: Id


class Need(_Strict):
    capability: Id
    count: Count = 1


class Exercise(Window):
    id: Id
    site: Id
    needs: list[Need] = Field(min_length=1)


class Scenario(_Strict):
    """A whole planning problem as the planner wrote it."""

    name: Annotated[str, Field(min_length=1)]
    horizon: Horizon
    defaults: PolicyOverrides = PolicyOverrides()
    components: dict[str, PolicyOverrides] = {}
    sites: list[Site] = Field(min_length=1)
    units: list[Unit] = []
    requirements: list[Requirement] = []
    substitutions: list[Substitution] = []
    fixed: list[FixedDeployment] = []
    exercises: list[Exercise] = []
    # Money figures for rotation versus stationing; defaults when absent.
    costs: Costs = Costs()

    def policy(self, unit: Unit) -> Policy:
        """Resolve a unit's policy: built-in, defaults, component, unit."""
        fields: dict[str, Any] = dict(BUILTIN_POLICY)
        fields.update(self.defaults.given())
        component = self.components.get(unit.component)
        if component is not None:
            fields.update(component.given())
        fields.update(unit.given())
        return Policy(**fields)

    def unit(self, unit_id: str) -> Unit:
        return _index(self.units)[unit_id]

    def requirement(self, requirement_id: str) -> Requirement:
        return _index(self.requirements)[requirement_id]

    def site(self, site_id: str) -> Site:
        return _index(self.sites)[site_id]


def _index(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


class Problem(BaseModel):
    """One thing wrong with a scenario, where it is and how to fix it."""

    path: str
    message: str
    fix: str = ""


class ScenarioError(ValueError):
    """A scenario that breaks the contract; lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def build_scenario(data: Any) -> Scenario:
    """Validate raw data (parsed YAML or JSON) into a ``Scenario``.

    Raises
    ------
    ScenarioError
        With every structural problem, or else every broken reference
        or policy inconsistency, each with its field path.
    """
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(
            [
                Problem(
                    path="(top level)",
                    message=f"the scenario must be a mapping, got {kind}",
                    fix="start the file with keys such as 'name:', "
                    "'horizon:', 'sites:' (see 'rotaplan init')",
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [_problem_from_pydantic(e) for e in exc.errors()]
        ) from None
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenario


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("units", 3, "troops")`` -> ``units[3].troops``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


_FIXES = {
    "extra_forbidden": "remove the key or check its spelling against "
    "the scenario format",
    "missing": "add the field",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD, a day "
    "that exists in the calendar",
    "date_parsing": "write the date as YYYY-MM-DD, a day that exists in "
    "the calendar",
    "date_type": "write the date as YYYY-MM-DD",
    "greater_than_equal": "use a larger number",
    "int_parsing": "write a whole number",
    "int_from_float": "write a whole number",
    "float_parsing": "write a number",
    "too_short": "add at least one entry",
    "string_too_short": "give a non-empty value",
    "dict_type": "write a mapping (key: value)",
    "model_type": "write a mapping (key: value)",
    "list_type": "write a list (- item)",
    "less_than_equal": "use a smaller number",
    "string_type": "write text; quote it if it looks like a number or a "
    "date ('101')",
    "string_too_long": "shorten it",
    "finite_number": "write a finite number",
    "date_from_datetime_inexact": "write a date without a time, YYYY-MM-DD",
    "bool_type": "write true or false",
    "int_type": "write a whole number",
    "float_type": "write a number",
    "literal_error": "use one of the allowed values",
    "date_number": "write the date as YYYY-MM-DD",
    "date_range": DATE_RANGE_FIX,
    "horizon_too_long": f"end the horizon at most {MAX_HORIZON_YEARS} "
    "years after its start; plan further ahead in separate scenarios",
}


def _problem_from_pydantic(error: Any) -> Problem:
    loc = tuple(error["loc"])
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    fix = _FIXES.get(
        error["type"],
        "correct the value; the scenario format lists each field",
    )
    if error["type"] == "value_error" and "must be after" in message:
        fix = "make the end date later than the start date"
    elif error["type"] == "value_error" and "yes/no" in message:
        fix = "write a number"
    return Problem(path=field_path(loc), message=message, fix=fix)


def check_references(scenario: Scenario) -> list[Problem]:
    """Every id unique, every reference known, every policy consistent."""
    problems: list[Problem] = []

    def duplicates(kind: str, items: list[Any]) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(
                    Problem(
                        path=f"{kind}[{i}].id",
                        message=f"duplicate id {item.id!r}",
                        fix=f"give each entry of '{kind}' its own id",
                    )
                )
            seen.add(item.id)
        return seen

    site_ids = duplicates("sites", scenario.sites)
    unit_ids = duplicates("units", scenario.units)
    requirement_ids = duplicates("requirements", scenario.requirements)
    duplicates("exercises", scenario.exercises)

    capabilities = {u.capability for u in scenario.units}

    def unknown(path: str, kind: str, value: str, known: set[str]) -> None:
        if value not in known:
            listed = ", ".join(sorted(known)[:8]) or "none defined"
            problems.append(
                Problem(
                    path=path,
                    message=f"unknown {kind} {value!r}",
                    fix=f"use one of the {kind} ids ({listed})",
                )
            )

    for i, r in enumerate(scenario.requirements):
        unknown(f"requirements[{i}].site", "site", r.site, site_ids)
    for i, s in enumerate(scenario.substitutions):
        unknown(f"substitutions[{i}].by", "capability", s.by, capabilities)
    for i, e in enumerate(scenario.exercises):
        unknown(f"exercises[{i}].site", "site", e.site, site_ids)
        for j, n in enumerate(e.needs):
            unknown(
                f"exercises[{i}].needs[{j}].capability",
                "capability",
                n.capability,
                capabilities,
            )
    for i, f in enumerate(scenario.fixed):
        unknown(f"fixed[{i}].unit", "unit", f.unit, unit_ids)
        unknown(
            f"fixed[{i}].requirement",
            "requirement",
            f.requirement,
            requirement_ids,
        )
    for name, overrides in scenario.components.items():
        _check_policy(f"components.{name}", overrides, problems)
    _check_policy("defaults", scenario.defaults, problems)
    for i, unit in enumerate(scenario.units):
        policy = scenario.policy(unit)
        if policy.max_deployment_days < policy.min_deployment_days:
            problems.append(
                Problem(
                    path=f"units[{i}]",
                    message=(
                        f"resolved max_deployment_days "
                        f"{policy.max_deployment_days} is less than "
                        f"min_deployment_days {policy.min_deployment_days}"
                    ),
                    fix="raise max_deployment_days or lower "
                    "min_deployment_days",
                )
            )
        if policy.handover_days >= policy.max_deployment_days:
            problems.append(
                Problem(
                    path=f"units[{i}]",
                    message=(
                        f"handover_days {policy.handover_days} is not "
                        f"less than max_deployment_days "
                        f"{policy.max_deployment_days}: the unit could "
                        "never count toward presence"
                    ),
                    fix="shorten handover_days",
                )
            )
        longest = max(
            policy.max_deployment_days, unit.last_deployment_days or 0
        )
        if policy.dwell_after(longest) > MAX_DAYS:
            # Each bound alone is generous; their product would put the
            # end of a dwell past the calendar's last year.
            problems.append(
                Problem(
                    path=f"units[{i}]",
                    message=(
                        f"dwell owed after a tour of {longest:,} days is "
                        f"{policy.dwell_after(longest):,} days, more than "
                        f"{MAX_DAYS:,}"
                    ),
                    fix="lower dwell_ratio, max_deployment_days or "
                    "last_deployment_days",
                )
            )
        if (unit.last_return is None) != (unit.last_deployment_days is None):
            # H4 needs both; one alone is almost always a typing slip.
            given = (
                "last_return" if unit.last_return else ("last_deployment_days")
            )
            missing = (
                "last_deployment_days"
                if given == "last_return"
                else "last_return"
            )
            problems.append(
                Problem(
                    path=f"units[{i}].{given}",
                    message=f"{given} is given without {missing}",
                    fix=f"add {missing}, or remove {given}",
                )
            )
    return problems


def _check_policy(
    path: str, overrides: PolicyOverrides, problems: list[Problem]
) -> None:
    lo = overrides.min_deployment_days
    hi = overrides.max_deployment_days
    if lo is not None and hi is not None and hi < lo:
        problems.append(
            Problem(
                path=f"{path}.max_deployment_days",
                message=(
                    f"max_deployment_days {hi} is less than "
                    f"min_deployment_days {lo}"
                ),
                fix="make max_deployment_days at least min_deployment_days",
            )
        )
