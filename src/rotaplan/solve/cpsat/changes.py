"""What re-planning changed against a published plan."""

from __future__ import annotations

from typing import Any

from ...model import Instance
from ...model.instance import Leg


def _when(inst: Instance, leg: Leg) -> dict[str, str]:
    return {
        "start": inst.date(leg.start).isoformat(),
        "end": inst.date(leg.end).isoformat(),
    }


def _named(inst: Instance, leg: Leg) -> dict[str, str]:
    return {"unit": leg.unit, "requirement": leg.requirement} | _when(
        inst, leg
    )


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
    exact = {(x.unit, x.requirement, x.start, x.end) for x in fresh}
    kept = [
        p
        for p in published
        if (p.unit, p.requirement, p.start, p.end) in exact
    ]
    kept_keys = {(p.unit, p.requirement, p.start, p.end) for p in kept}
    left = [
        x
        for x in fresh
        if (x.unit, x.requirement, x.start, x.end) not in kept_keys
    ]
    moved: list[dict[str, Any]] = []
    removed: list[dict[str, str]] = []
    for p in sorted(published, key=lambda x: (x.start, x.unit)):
        if (p.unit, p.requirement, p.start, p.end) in kept_keys:
            continue
        near = [
            x
            for x in left
            if x.unit == p.unit
            and x.requirement == p.requirement
            and x.start < p.end
            and p.start < x.end
        ]
        if near:
            to = min(near, key=lambda x: (abs(x.start - p.start), x.start))
            left.remove(to)
            moved.append(
                {
                    "unit": p.unit,
                    "requirement": p.requirement,
                    "from": _when(inst, p),
                    "to": _when(inst, to),
                }
            )
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
