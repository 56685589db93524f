"""A plan: which unit is deployed where, and when (contract section 3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

PLAN_FORMAT = "rotaplan-plan/1"


@dataclass(frozen=True, order=True)
class Deployment:
    """One unit on site for one requirement, ``[start, end)``."""

    unit: str
    requirement: str
    start: date
    end: date
    fixed: bool = False
    # Keys other tools put on a deployment; kept through read and write.
    extra: Mapping[str, Any] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Measures:
    """The measures of contract section 4 for one plan."""

    weighted_gap_days: float = 0.0
    gap_days: int = 0
    exercise_gap_days: int = 0
    substitution_penalty: float = 0.0
    deployments: int = 0

    @property
    def primary(self) -> float:
        return self.weighted_gap_days + self.exercise_gap_days

    def as_dict(self) -> dict[str, Any]:
        return {
            "primary": self.primary,
            "weighted_gap_days": self.weighted_gap_days,
            "gap_days": self.gap_days,
            "exercise_gap_days": self.exercise_gap_days,
            "substitution_penalty": self.substitution_penalty,
            "deployments": self.deployments,
        }

    def key(self) -> tuple[float, float, int]:
        """The lexicographic objective; smaller is better."""
        return (
            round(self.primary, 6),
            round(self.substitution_penalty, 6),
            self.deployments,
        )


@dataclass
class Plan:
    """A plan as written to and read from ``plan.json``.

    ``extra`` holds every other top-level key (solver details,
    explanations, changes against a published plan...) so that a plan
    read and written again keeps what other tools put in it.
    """

    scenario: str
    deployments: list[Deployment]
    status: str = "feasible"
    objective: Measures | None = None
    bound: float | None = None
    solver: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def sorted_deployments(self) -> list[Deployment]:
        return sorted(
            self.deployments, key=lambda d: (d.start, d.unit, d.requirement)
        )
