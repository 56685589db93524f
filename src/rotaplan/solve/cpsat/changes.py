"""What re-planning changed against a published plan."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...model import Deployment, Instance
from ...model.instance import Leg


def _key(leg: Leg) -> tuple[str, str, int, int]:
    return (leg.unit, leg.requirement, leg.start, leg.end)


def _when(inst: Instance, leg: Leg) -> dict[str, str]:
    return {
        "start": inst.date(leg.start).isoformat(),
        "end": inst.date(leg.end).isoformat(),
    }


def _named(inst: Instance, leg: Leg) -> dict[str, str]:
    return {"unit": leg.unit, "requirement": leg.requirement} | _when(
        inst, leg
    )


def _moved_to(candidates: list[Leg], leg: Leg) -> Leg | None:
    """Where ``leg`` moved: the candidate of the same unit and
    requirement overlapping it that starts nearest it (the earlier on a
    tie), if any."""
    same = [
        x
        for x in candidates
        if x.unit == leg.unit
        and x.requirement == leg.requirement
        and x.start < leg.end
        and leg.start < x.end
    ]
    if not same:
        return None
    return min(same, key=lambda x: (abs(x.start - leg.start), x.start))


def _moved(inst: Instance, leg: Leg, to: Leg) -> dict[str, Any]:
    return {
        "unit": leg.unit,
        "requirement": leg.requirement,
        "from": _when(inst, leg),
        "to": _when(inst, to),
    }


def plan_changes(
    inst: Instance, published: list[Leg], legs: list[Leg]
) -> dict[str, Any]:
    """Compare the published deployments (not fixed) with a new plan.

    A deployment is kept when the same unit serves the same requirement
    from the same start to the same end. One that is not kept is
    *moved* when the new plan has an unmatched deployment of the same
    unit to the same requirement that overlaps it (the nearest start
    wins), else *removed*; new deployments left over are *added*.

    Returns
    -------
    dict
        ``{"kept": n, "moved": [...], "removed": [...], "added": [...]}``
        with unit and requirement ids and ISO dates.
    """
    fresh = [x for x in legs if not x.fixed]
    # Matched one to one, so that no new deployment keeps two published
    # ones.
    unmatched = Counter(_key(x) for x in fresh)
    kept: list[Leg] = []
    rest: list[Leg] = []
    for p in sorted(published, key=lambda x: (x.start, x.unit)):
        if unmatched[_key(p)] > 0:
            unmatched[_key(p)] -= 1
            kept.append(p)
        else:
            rest.append(p)
    left = [x for x in fresh if unmatched[_key(x)] > 0]
    moved: list[dict[str, Any]] = []
    removed: list[dict[str, str]] = []
    for p in rest:
        to = _moved_to(left, p)
        if to is not None:
            left.remove(to)
            moved.append(_moved(inst, p, to))
        else:
            removed.append(_named(inst, p))
    added = [
        _named(inst, x) for x in sorted(left, key=lambda x: (x.start, x.unit))
    ]
    return {
        "kept": len(kept),
        "moved": moved,
        "removed": removed,
        "added": added,
    }


def published_legs(
    inst: Instance, deployments: list[Deployment]
) -> tuple[list[Leg], dict[str, Any]]:
    """The published deployments the optimizer may keep, and the changes
    settled before it runs.

    The scenario's ``fixed:`` list alone says what is fixed; the
    published plan's own ``fixed`` flags are not read. A published
    deployment the scenario fixes as it is counts as kept; one of the
    same unit and requirement that overlaps a fixed deployment with
    other dates (the nearest start wins) is *moved* there. Those naming
    a unit or requirement the scenario no longer has are *removed*. A
    deployment listed twice is one deployment.

    Returns
    -------
    tuple
        The deployments left to the optimizer (not fixed), and
        ``{"kept": n, "moved": [...], "removed": [...]}`` for the rest.
    """
    fixed_left = Counter(_key(f) for f in inst.fixed)
    kept = 0
    removed: list[dict[str, str]] = []
    candidates: list[Leg] = []
    seen: set[tuple[str, str, int, int]] = set()
    for d in sorted(deployments, key=lambda x: (x.start, x.unit)):
        leg = inst.leg(d)
        leg = Leg(leg.unit, leg.requirement, leg.start, leg.end)
        if d.unit not in inst.units or d.requirement not in inst.requirements:
            removed.append(_named(inst, leg))
            continue
        if _key(leg) in seen:
            continue
        seen.add(_key(leg))
        if fixed_left[_key(leg)] > 0:
            fixed_left[_key(leg)] -= 1
            kept += 1
        else:
            candidates.append(leg)
    unmatched_fixed = [f for f in inst.fixed if fixed_left[_key(f)] > 0]
    moved: list[dict[str, Any]] = []
    published: list[Leg] = []
    for p in candidates:
        to = _moved_to(unmatched_fixed, p)
        if to is None:
            published.append(p)
            continue
        unmatched_fixed.remove(to)
        moved.append(_moved(inst, p, to))
    return published, {"kept": kept, "moved": moved, "removed": removed}
