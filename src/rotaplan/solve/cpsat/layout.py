"""Where each unit's deployments can go: the model's skeleton.

Every unit gets a chain of optional *leg slots*. Fixed deployments split
a unit's time into segments; each segment holds as many slots as the
unit could possibly fill there, counted with the shortest deployment and
the dwell it owes (so no plan is cut off). A slot also knows which
requirements it may serve and the earliest and latest days it may use.

Pure Python: no solver type appears here.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ...model import Instance, Policy
from ...model.instance import Leg, UnitData


@dataclass(frozen=True)
class LegSlot:
    """One optional deployment of a unit, between fixed ones.

    ``start_lo..start_hi`` bound its first day on site, ``end_hi`` its
    day of leaving; ``requirements`` are those it may serve.
    """

    unit: str
    segment: int
    index: int
    start_lo: int
    start_hi: int
    end_hi: int
    requirements: tuple[str, ...]
    prev_fixed: Leg | None
    next_fixed: Leg | None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.unit, self.segment, self.index)


@dataclass
class UnitLayout:
    """A unit's fixed deployments and the slots between them."""

    unit: str
    fixed: list[Leg]
    segments: list[list[LegSlot]]

    @property
    def slots(self) -> list[LegSlot]:
        return [s for seg in self.segments for s in seg]


@dataclass
class Layout:
    """Every unit's slots, plus what the constraints need to know."""

    units: dict[str, UnitLayout]
    # Units that can stand in for each other (same capability, troops,
    # policy, availability, history; no fixed deployment), in id order.
    interchangeable: list[list[str]] = field(default_factory=list)

    @property
    def slots(self) -> list[LegSlot]:
        return [s for u in self.units.values() for s in u.slots]


def cycle_days(unit: UnitData) -> int:
    """Fewest days from one start on site to the next: the shortest
    deployment, both transits and the dwell it owes."""
    pol = unit.policy
    shortest = pol.min_deployment_days
    return shortest + 2 * pol.transit_days + pol.dwell_after(shortest)


def dwell_fraction(unit: UnitData) -> Fraction | None:
    """The dwell ratio as a small fraction ``p/q`` with which
    ``ceil(p * days / q)`` equals the policy's own rounding on every
    allowed length of deployment, or None if there is none."""
    return _exact_fraction(unit.policy)


# Asked for every leg of every model a local search builds (thousands
# a minute at M), of a handful of distinct (frozen, hashable) policies.
@functools.cache
def _exact_fraction(pol: Policy) -> Fraction | None:
    ratio = Fraction(pol.dwell_ratio).limit_denominator(1000)
    for days in range(pol.min_deployment_days, pol.max_deployment_days + 1):
        exact = -((-ratio.numerator * days) // ratio.denominator)
        if max(pol.min_dwell_days, exact) != pol.dwell_after(days):
            return None
    return ratio


def start_window(inst: Instance, unit: UnitData, req_id: str) -> range:
    """Days a non-fixed deployment of ``unit`` to a requirement may
    start on (H2, H7), ignoring everything else."""
    req = inst.requirements[req_id]
    pol = unit.policy
    lo = max(0, req.start - pol.handover_days)
    hi = min(inst.horizon_end - 1, req.end - pol.min_deployment_days)
    return range(lo, hi + 1)


def build_layout(
    inst: Instance,
    distinguished: frozenset[str] = frozenset(),
    busy: dict[str, list[Leg]] | None = None,
    window: tuple[int, int] | None = None,
) -> Layout:
    """Lay out the leg slots of every unit.

    Parameters
    ----------
    inst
        The instance (or one independent group of it).
    distinguished
        Units that must not be treated as interchangeable with others
        (those named in a published plan that is to be kept).
    busy
        Deployments outside the model that units are committed to: new
        legs keep their dwell around them, as around fixed ones.
    window
        When given, new legs start and end within ``[a, b)`` (the
        neighbourhood of a local search).
    """
    busy = busy or {}
    fixed_by_unit: dict[str, list[Leg]] = defaultdict(list)
    for leg in inst.fixed:
        fixed_by_unit[leg.unit].append(leg)
    units: dict[str, UnitLayout] = {}
    for unit in inst.units.values():
        fixed = sorted(fixed_by_unit.get(unit.id, []), key=lambda x: x.start)
        around = sorted(
            [*fixed, *busy.get(unit.id, [])], key=lambda x: x.start
        )
        reqs = [
            r
            for r in inst.requirements
            if inst.penalty(unit.id, r) is not None
            and len(start_window(inst, unit, r)) > 0
        ]
        bounds = [None, *around, None]
        segments = [
            _segment(inst, unit, reqs, i, prev, nxt, window)
            for i, (prev, nxt) in enumerate(itertools.pairwise(bounds))
        ]
        units[unit.id] = UnitLayout(unit.id, fixed, segments)
    for unit_id, legs in busy.items():
        if legs:
            fixed_by_unit[unit_id].extend(legs)
    return Layout(units, _interchangeable(inst, fixed_by_unit, distinguished))


def _segment(
    inst: Instance,
    unit: UnitData,
    reqs: list[str],
    segment: int,
    prev: Leg | None,
    nxt: Leg | None,
    window: tuple[int, int] | None = None,
) -> list[LegSlot]:
    pol = unit.policy
    t = pol.transit_days
    shortest = pol.min_deployment_days
    if not reqs:
        return []
    windows = {r: start_window(inst, unit, r) for r in reqs}
    lo = min(w.start for w in windows.values())
    hi = max(w.stop - 1 for w in windows.values())
    end_hi = max(inst.requirements[r].end for r in reqs)
    if unit.ready_from is not None:
        lo = max(lo, unit.ready_from + t)
    if unit.available_from is not None:
        lo = max(lo, unit.available_from + t)
    if unit.available_until is not None:
        hi = min(hi, unit.available_until - t - shortest)
        end_hi = min(end_hi, unit.available_until - t)
    if window is not None:
        lo = max(lo, window[0])
        hi = min(hi, window[1] - shortest)
        end_hi = min(end_hi, window[1])
    if prev is not None:
        lo = max(lo, prev.end + 2 * t + pol.dwell_after(prev.days))
    if nxt is not None:
        # The last leg before a fixed one must leave room for its dwell.
        room = nxt.start - 2 * t - pol.dwell_after(shortest)
        hi = min(hi, room - shortest)
        end_hi = min(end_hi, room)
    if hi < lo:
        return []
    cycle = cycle_days(unit)
    count = 1 + (hi - lo) // cycle
    slots = []
    for k in range(count):
        first = lo + k * cycle
        serve = tuple(
            r
            for r in reqs
            if windows[r].start <= hi and windows[r].stop - 1 >= first
        )
        if not serve:
            break
        slots.append(
            LegSlot(
                unit=unit.id,
                segment=segment,
                index=k,
                start_lo=max(first, min(windows[r].start for r in serve)),
                start_hi=min(hi, max(windows[r].stop - 1 for r in serve)),
                end_hi=end_hi,
                requirements=serve,
                prev_fixed=prev,
                next_fixed=nxt,
            )
        )
    return slots


def _interchangeable(
    inst: Instance,
    fixed_by_unit: dict[str, list[Leg]],
    distinguished: frozenset[str],
) -> list[list[str]]:
    """Units that no rule tells apart. History, availability and
    blackouts count only where they can bind: a unit home and rested
    before the horizon starts is like a fresh one."""
    last_end = max(
        [inst.horizon_end, *(r.end for r in inst.requirements.values())]
    )
    capacity = any(s.capacity is not None for s in inst.sites.values())
    classes: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for unit in inst.units.values():
        if unit.id in fixed_by_unit or unit.id in distinguished:
            continue
        t = unit.policy.transit_days
        leave = max(
            (
                x
                for x in (unit.ready_from, unit.available_from)
                if x is not None
            ),
            default=None,
        )
        if leave is not None and leave + t <= 0:
            leave = None
        back = unit.available_until
        if back is not None and back >= last_end + t:
            back = None
        blackouts = tuple(
            (b0, b1)
            for b0, b1 in unit.blackouts
            if b1 > -t and b0 < last_end + t
        )
        key = (
            unit.capability,
            unit.troops if capacity else 0,
            unit.policy,
            leave,
            back,
            blackouts,
        )
        classes[key].append(unit.id)
    return [sorted(ids) for ids in classes.values() if len(ids) > 1]
