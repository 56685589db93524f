"""The scenario in integer days, indexed by id, ready for computation.

Day 0 is ``horizon.start``; a day before it is negative. Every interval
is half-open. Solvers and analyses work on an ``Instance``; they never
see calendar dates, and they convert back with ``Instance.date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .plan import Deployment
from .scenario import Policy, Scenario

# The method ``Instance.date`` hides the type inside the class.
Date = date


@dataclass(frozen=True)
class SiteData:
    id: str
    capacity: int | None


@dataclass(frozen=True)
class UnitData:
    id: str
    capability: str
    troops: int
    component: str
    policy: Policy
    available_from: int | None
    available_until: int | None
    blackouts: tuple[tuple[int, int], ...]
    last_return: int | None
    last_deployment_days: int | None

    @property
    def ready_from(self) -> int | None:
        """First day the unit may leave home, from its last tour (H4)."""
        if self.last_return is None or self.last_deployment_days is None:
            return None
        return self.last_return + self.policy.dwell_after(
            self.last_deployment_days
        )

    def away_allowed(self, leave: int, back: int) -> bool:
        """Whether the unit may be away from home for ``[leave, back)``
        (availability and blackouts, rule H5)."""
        if self.available_from is not None and leave < self.available_from:
            return False
        if self.available_until is not None and back > self.available_until:
            return False
        return all(back <= s or e <= leave for s, e in self.blackouts)


@dataclass(frozen=True)
class RequirementData:
    id: str
    site: str
    capability: str
    start: int
    end: int
    count: int
    priority: float


@dataclass(frozen=True)
class ExerciseData:
    id: str
    site: str
    start: int
    end: int
    needs: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Leg:
    """A deployment in integer days."""

    unit: str
    requirement: str
    start: int
    end: int
    fixed: bool = False

    @property
    def days(self) -> int:
        return self.end - self.start


@dataclass
class Instance:
    """A scenario resolved to integer days and per-unit policies."""

    name: str
    origin: date
    horizon_end: int
    sites: dict[str, SiteData]
    units: dict[str, UnitData]
    requirements: dict[str, RequirementData]
    exercises: dict[str, ExerciseData]
    # (capability needed, capability offered) -> penalty per day on site
    substitutions: dict[tuple[str, str], float]
    fixed: list[Leg] = field(default_factory=list)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Instance:
        origin = scenario.horizon.start

        def day(d: date | None) -> int | None:
            return None if d is None else (d - origin).days

        def day_of(d: date) -> int:
            return (d - origin).days

        units = {
            u.id: UnitData(
                id=u.id,
                capability=u.capability,
                troops=u.troops,
                component=u.component,
                policy=scenario.policy(u),
                available_from=day(u.available_from),
                available_until=day(u.available_until),
                blackouts=tuple(
                    sorted(
                        (day_of(b.start), day_of(b.end)) for b in u.blackouts
                    )
                ),
                last_return=day(u.last_return),
                last_deployment_days=u.last_deployment_days,
            )
            for u in scenario.units
        }
        return cls(
            name=scenario.name,
            origin=origin,
            horizon_end=day_of(scenario.horizon.end),
            sites={
                s.id: SiteData(s.id, s.capacity_troops) for s in scenario.sites
            },
            units=units,
            requirements={
                r.id: RequirementData(
                    id=r.id,
                    site=r.site,
                    capability=r.capability,
                    start=day_of(r.start),
                    end=day_of(r.end),
                    count=r.count,
                    priority=r.priority,
                )
                for r in scenario.requirements
            },
            exercises={
                e.id: ExerciseData(
                    id=e.id,
                    site=e.site,
                    start=day_of(e.start),
                    end=day_of(e.end),
                    needs=tuple((n.capability, n.count) for n in e.needs),
                )
                for e in scenario.exercises
            },
            substitutions={
                (s.capability, s.by): s.penalty for s in scenario.substitutions
            },
            fixed=[
                Leg(
                    f.unit,
                    f.requirement,
                    day_of(f.start),
                    day_of(f.end),
                    fixed=True,
                )
                for f in scenario.fixed
            ],
        )

    def date(self, day: int) -> Date:
        return self.origin + timedelta(days=day)

    def day(self, d: Date) -> int:
        return (d - self.origin).days

    def penalty(self, unit_id: str, requirement_id: str) -> float | None:
        """Penalty per day for ``unit`` on ``requirement``: 0 for its own
        capability, the substitution's penalty, or None if not allowed."""
        offered = self.units[unit_id].capability
        needed = self.requirements[requirement_id].capability
        if offered == needed:
            return 0.0
        return self.substitutions.get((needed, offered))

    def eligible_units(self, requirement_id: str) -> list[tuple[str, float]]:
        """Units that may fill a requirement, with their daily penalty,
        own capability first, then by penalty, then by id."""
        out = [
            (u, p)
            for u in self.units
            if (p := self.penalty(u, requirement_id)) is not None
        ]
        return sorted(out, key=lambda up: (up[1], up[0]))

    def leg(self, deployment: Deployment) -> Leg:
        return Leg(
            deployment.unit,
            deployment.requirement,
            self.day(deployment.start),
            self.day(deployment.end),
            deployment.fixed,
        )

    def deployment(self, leg: Leg) -> Deployment:
        return Deployment(
            leg.unit,
            leg.requirement,
            self.date(leg.start),
            self.date(leg.end),
            leg.fixed,
        )
