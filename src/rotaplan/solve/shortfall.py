"""The contract's measures of a plan in integer days, in plain numpy.

``shortfalls``: where a plan is short, for the local search to aim at;
``objective_of``: the objective of section 4, for a solver to compare
its own candidate plans. The checker (``rotaplan.analyze.check``)
stays the judge of every plan written; this is the solvers' quick look.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model import Instance
from ..model.instance import Leg

if TYPE_CHECKING:
    from .cpsat.bounds import ShortFloor


@dataclass(frozen=True)
class Shortfall:
    """A run of days a plan is short somewhere, and what it costs;
    ``wanted`` is the capability asked there (the requirement's or the
    exercise need's), ``exercise`` whether an exercise need asks it."""

    cost: float
    site: str
    start: int
    end: int
    wanted: str
    exercise: bool = False


def days_present(
    inst: Instance, legs: list[Leg], lo: int, hi: int
) -> np.ndarray:
    """Per day of ``[lo, hi)``, how many of ``legs`` are there and count
    (from the end of their handover)."""
    have = np.zeros(hi - lo + 1, dtype=np.int64)
    for leg in legs:
        h = inst.units[leg.unit].policy.handover_days
        a, b = max(leg.start + h, lo), min(leg.end, hi)
        if b > a:
            have[a - lo] += 1
            have[b - lo] -= 1
    return np.cumsum(have)[:-1]


def exercise_presence(
    inst: Instance,
    legs: list[Leg],
    site: str,
    capability: str,
    lo: int,
    hi: int,
) -> np.ndarray:
    """Per day of ``[lo, hi)``, how many of ``legs`` count for an
    exercise need at ``site``: units of ``capability`` there, whatever
    requirement they serve."""
    here = [
        leg
        for leg in legs
        if inst.units[leg.unit].capability == capability
        and inst.requirements[leg.requirement].site == site
    ]
    return days_present(inst, here, lo, hi)


def _runs(short: np.ndarray, lo: int) -> list[tuple[int, int, int]]:
    idx = np.flatnonzero(short > 0)
    if not idx.size:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return [
        (int(s) + lo, int(e) + lo, int(short[s:e].sum()))
        for s, e in zip(starts, ends, strict=True)
    ]


def shortfalls(
    inst: Instance, legs: list[Leg], beyond: ShortFloor | None = None
) -> list[Shortfall]:
    """Every run of short days of the plan, costliest first; with
    ``beyond``, only the short above it (what a plan could still do
    better)."""
    out: list[Shortfall] = []
    by_req: dict[str, list[Leg]] = {}
    for leg in legs:
        by_req.setdefault(leg.requirement, []).append(leg)
    for req in inst.requirements.values():
        lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
        if hi <= lo:
            continue
        have = days_present(inst, by_req.get(req.id, []), lo, hi)
        short = np.maximum(0, req.count - have)
        if beyond is not None and req.id in beyond.requirements:
            short = np.maximum(0, short - beyond.requirements[req.id][1])
        for s, e, days in _runs(short, lo):
            out.append(
                Shortfall(req.priority * days, req.site, s, e, req.capability)
            )
    for ex in inst.exercises.values():
        for i, (capability, count) in enumerate(ex.needs):
            have = exercise_presence(
                inst, legs, ex.site, capability, ex.start, ex.end
            )
            short = np.maximum(0, count - have)
            if beyond is not None and (ex.id, i) in beyond.exercises:
                short = np.maximum(0, short - beyond.exercises[(ex.id, i)])
            for s, e, days in _runs(short, ex.start):
                out.append(
                    Shortfall(float(days), ex.site, s, e, capability, True)
                )
    return sorted(out, key=lambda x: (-x.cost, x.start, x.site))


def primary_of(inst: Instance, legs: list[Leg]) -> float:
    """The plan's ``primary`` measure (contract section 4)."""
    return sum(s.cost for s in shortfalls(inst, legs))


def objective_of(inst: Instance, legs: list[Leg]) -> tuple[float, float, int]:
    """The plan's objective (contract section 4): primary, substitution
    penalty, deployments not fixed; rounded so equal plans compare
    equal."""
    penalty = 0.0
    deployments = 0
    for leg in legs:
        if leg.fixed:
            continue
        deployments += 1
        per_day = inst.penalty(leg.unit, leg.requirement) or 0.0
        penalty += per_day * (leg.end - leg.start)
    return (
        round(primary_of(inst, legs), 9),
        round(penalty, 9),
        deployments,
    )
