"""What changed between two plans of one scenario, and whether a plan
belongs to a scenario at all.

Deployments are matched in passes, each keeping the pairs it can make
and handing the rest on:

1. unchanged: same unit, requirement, start and end;
2. moved: same unit and requirement, dates changed, on site together
   for at least half the shorter tour;
3. swapped: same requirement, another unit, on site together for at
   least half the shorter tour (the dates may have changed too);
4. moved: same unit and requirement, any overlap, or starts no
   further apart than the longer tour;
5. swapped: same requirement, another unit, any overlap.

What is left of the first plan was removed, of the second added. Each
pass pairs greedily, most overlap first, so the result does not depend
on the order of deployments in the files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Deployment, Plan, Problem, Scenario
from .check import CheckResult, check

KINDS = ("moved", "swapped", "added", "removed")


@dataclass(frozen=True)
class Change:
    """One difference: ``before`` in the first plan, ``after`` in the
    second (None for an addition or a removal)."""

    kind: str
    before: Deployment | None
    after: Deployment | None

    @property
    def when(self) -> tuple[str, str, str]:
        d = self.after or self.before
        assert d is not None
        return (d.start.isoformat(), d.requirement, d.unit)

    def describe(self) -> str:
        """One line a planner reads, e.g. ``moved 2-8CAV on LT-ARMOR
        2025-03-01 to 2025-11-26 -> 2025-03-10 to 2025-12-05``."""
        a, b = self.before, self.after
        if self.kind == "added":
            assert b is not None
            return f"added {_tour(b)}"
        if self.kind == "removed":
            assert a is not None
            return f"removed {_tour(a)}"
        assert a is not None and b is not None
        if self.kind == "moved":
            shift = (b.start - a.start).days
            length = b.days - a.days
            return (
                f"moved {a.unit} on {a.requirement} {_dates(a)} -> "
                f"{_dates(b)} (start {shift:+d} days, "
                f"{length:+d} days on site)"
            )
        dates = "" if _dates(a) == _dates(b) else f" -> {_dates(b)}"
        return (
            f"swapped on {a.requirement} {_dates(a)}{dates}: {a.unit} -> "
            f"{b.unit}"
        )


def _dates(d: Deployment) -> str:
    return f"{d.start} to {d.end}"


def _tour(d: Deployment) -> str:
    return f"{d.unit} on {d.requirement} {_dates(d)}"


@dataclass(frozen=True)
class PlanDiff:
    """The deployments two plans share and the changes between them."""

    unchanged: int
    changes: tuple[Change, ...]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(k)} {k}" for k in KINDS)
        return f"{counts}, {self.unchanged} unchanged"


@dataclass(frozen=True)
class Comparison:
    """Two plans of one scenario: the changes and the checker's verdict
    on each."""

    diff: PlanDiff
    before: CheckResult
    after: CheckResult


def _key(d: Deployment) -> tuple[str, str, object, object]:
    return (d.unit, d.requirement, d.start, d.end)


def _overlap(a: Deployment, b: Deployment) -> int:
    return max(0, (min(a.end, b.end) - max(a.start, b.start)).days)


def _mostly_overlap(a: Deployment, b: Deployment) -> bool:
    return 2 * _overlap(a, b) >= min(a.days, b.days) > 0


def _pair(
    left: list[Deployment],
    right: list[Deployment],
    group: Callable[[Deployment], tuple[str, ...]],
    fits: Callable[[Deployment, Deployment], bool],
) -> list[tuple[Deployment, Deployment]]:
    """Greedy pairs within groups, most overlap first, then nearest
    start; paired deployments are taken out of ``left`` and ``right``."""
    by_group: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, d in enumerate(right):
        by_group[group(d)].append(j)
    candidates = []
    for i, a in enumerate(left):
        for j in by_group.get(group(a), []):
            b = right[j]
            if fits(a, b):
                candidates.append(
                    (
                        -_overlap(a, b),
                        abs((a.start - b.start).days),
                        _key(a),
                        _key(b),
                        i,
                        j,
                    )
                )
    candidates.sort()
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((left[i], right[j]))
    left[:] = [a for i, a in enumerate(left) if i not in used_left]
    right[:] = [b for j, b in enumerate(right) if j not in used_right]
    return pairs


def diff_plans(first: Plan, second: Plan) -> PlanDiff:
    """The changes from ``first`` to ``second``.

    Parameters
    ----------
    first, second
        Two plans, normally of the same scenario.

    Returns
    -------
    PlanDiff
        Changes in order of date, then requirement and unit.
    """
    # Unchanged deployments, as multisets (a plan may repeat one).
    remaining = Counter(_key(d) for d in second.deployments)
    left: list[Deployment] = []
    unchanged = 0
    for d in first.deployments:
        if remaining[_key(d)]:
            remaining[_key(d)] -= 1
            unchanged += 1
        else:
            left.append(d)
    right: list[Deployment] = []
    for d in second.deployments:
        if remaining[_key(d)]:
            remaining[_key(d)] -= 1
            right.append(d)

    def same_tour(d: Deployment) -> tuple[str, ...]:
        return (d.unit, d.requirement)

    def same_slot(d: Deployment) -> tuple[str, ...]:
        return (d.requirement,)

    # Close matches first, so that two units trading slots read as two
    # swaps rather than two long moves: on site together for at least
    # half the shorter tour; then any overlap, or a shift within a tour.
    moved = _pair(left, right, same_tour, _mostly_overlap)
    swapped = _pair(left, right, same_slot, _mostly_overlap)
    moved += _pair(
        left,
        right,
        same_tour,
        lambda a, b: (
            _overlap(a, b) > 0
            or abs((a.start - b.start).days) <= max(a.days, b.days)
        ),
    )
    swapped += _pair(left, right, same_slot, lambda a, b: _overlap(a, b) > 0)
    changes = (
        [Change("moved", a, b) for a, b in moved]
        + [Change("swapped", a, b) for a, b in swapped]
        + [Change("removed", a, None) for a in left]
        + [Change("added", None, b) for b in right]
    )
    changes.sort(key=lambda c: (c.when, KINDS.index(c.kind)))
    return PlanDiff(unchanged=unchanged, changes=tuple(changes))


def compare_plans(scenario: Scenario, first: Plan, second: Plan) -> Comparison:
    """The changes between two plans and the checker's verdict on each."""
    return Comparison(
        diff=diff_plans(first, second),
        before=check(scenario, first),
        after=check(scenario, second),
    )


# After units or requirements were dropped, the earlier scenario still
# holds both plans' ids; a re-plan's changes are in its own plan file.
_UNKNOWN_ID_FIX = (
    "use the scenario the plan was made from (to compare a re-plan after "
    "units or requirements were dropped: the earlier one); a plan made "
    "with 'solve --keep' lists its changes under 'changes'"
)


def foreign_plan_problems(
    scenario: Scenario, plan: Plan, limit: int = 10
) -> list[Problem]:
    """Why a plan cannot be a plan of this scenario: it names another
    scenario, or its deployments name units or requirements the
    scenario does not have. Empty when it may be one (it may still
    break rules: that is for the checker).

    Parameters
    ----------
    limit
        Most unknown ids listed (none when the plan names another
        scenario); one more line says how many were left.
    """
    problems: list[Problem] = []
    renamed = bool(plan.scenario) and plan.scenario != scenario.name
    if renamed:
        problems.append(
            Problem(
                path="scenario",
                message=f"the plan is for scenario {plan.scenario!r}, not "
                f"{scenario.name!r}",
                fix="give the plan made from this scenario, or correct "
                "the plan's 'scenario' field if the scenario was renamed",
            )
        )
    units = {u.id for u in scenario.units}
    requirements = {r.id for r in scenario.requirements}
    unknown: list[Problem] = []
    for i, d in enumerate(plan.deployments):
        for field, value, known in (
            ("unit", d.unit, units),
            ("requirement", d.requirement, requirements),
        ):
            if value not in known:
                unknown.append(
                    Problem(
                        path=f"deployments[{i}].{field}",
                        message=f"unknown {field} {value!r} (not in "
                        f"scenario {scenario.name!r})",
                        fix=_UNKNOWN_ID_FIX,
                    )
                )
    # Under another scenario's name every id is likely foreign: one
    # line says how many rather than a screenful.
    shown = 0 if renamed else limit
    problems += unknown[:shown]
    if len(unknown) > shown:
        problems.append(
            Problem(
                path="deployments",
                message=f"{'and ' if shown else ''}"
                f"{len(unknown) - shown} {'more ' if shown else ''}"
                "unit or requirement ids unknown to this scenario",
                fix=_UNKNOWN_ID_FIX,
            )
        )
    return problems
