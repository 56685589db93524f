"""From a plan to values of the model's variables, and back.

A valid plan (greedy's, a published one, a previous phase's) becomes a
complete hint: each deployment goes to its unit's slot, and the days it
counts are shared out as the checker counts them. The same mapping lets
the tests compare the model's objective with the checker's measures.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from ...model import Instance
from ...model.instance import Leg
from .layout import Layout
from .variables import Counted, LegVars, Variables, bounds, counted_window


class NotInModel(ValueError):
    """A plan that does not fit the model's slots (not a valid plan)."""


@dataclass(frozen=True)
class _Counted:
    begin: int
    end: int


def canonical_names(layout: Layout, legs: list[Leg]) -> list[Leg]:
    """Give interchangeable units' schedules to them in order of first
    start, as the model's symmetry breaking expects. The plan's measures
    do not change: the units differ only in name."""
    rename: dict[str, str] = {}
    by_unit: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_unit[leg.unit].append(leg)
    for ids in layout.interchangeable:
        order = sorted(
            ids,
            key=lambda u: (
                min((x.start for x in by_unit.get(u, [])), default=10**9),
                u,
            ),
        )
        rename.update(dict(zip(order, ids, strict=True)))
    return [
        Leg(rename.get(x.unit, x.unit), x.requirement, x.start, x.end, x.fixed)
        for x in legs
    ]


def slot_of_legs(variables: Variables, legs: list[Leg]) -> dict[int, Leg]:
    """Which slot (by position in ``variables.legs``) each non-fixed
    deployment of the plan takes: the segment between the fixed (or
    busy) deployments around it, in order of start."""
    index = {id(lv): i for i, lv in enumerate(variables.legs)}
    out: dict[int, Leg] = {}
    by_unit: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        if not leg.fixed:
            by_unit[leg.unit].append(leg)
    for unit, mine in by_unit.items():
        slots = [
            lv for lv in variables.by_unit.get(unit, []) if lv.slot is not None
        ]
        taken: dict[int, int] = defaultdict(int)
        for leg in sorted(mine, key=lambda x: x.start):
            segment = [
                lv
                for lv in slots
                if lv.slot is not None
                and (
                    lv.slot.prev_fixed is None
                    or lv.slot.prev_fixed.start < leg.start
                )
                and (
                    lv.slot.next_fixed is None
                    or leg.start < lv.slot.next_fixed.start
                )
            ]
            if not segment:
                raise NotInModel(f"no slot for {leg}")
            seg = segment[0].slot.segment  # type: ignore[union-attr]
            k = taken[seg]
            taken[seg] += 1
            match = [lv for lv in segment if lv.slot.index == k]  # type: ignore[union-attr]
            if not match:
                raise NotInModel(f"no slot for {leg}")
            slot = match[0].slot
            assert slot is not None
            if (
                leg.requirement not in match[0].serve
                or not slot.start_lo <= leg.start <= slot.start_hi
            ):
                raise NotInModel(f"{leg} is outside its slot")
            out[index[id(match[0])]] = leg
    return out


def _share_out(
    entries: list[tuple[int, int, int]], window: tuple[int, int], count: int
) -> dict[int, _Counted]:
    """Counted days of each entry ``(key, first effective day, end)``:
    in order of arrival, each takes the earliest free place of
    ``count`` and keeps it to its end, so every day counts
    ``min(count, present)`` times."""
    lo, hi = window
    free = [lo] * count
    heapq.heapify(free)
    out: dict[int, _Counted] = {}
    for key, a, b in sorted(entries, key=lambda e: (e[1], -e[2], e[0])):
        a, b = max(a, lo), min(b, hi)
        if b <= a:
            continue
        earliest = heapq.heappop(free)
        begin = max(a, earliest)
        if begin < b:
            out[key] = _Counted(begin, b)
            heapq.heappush(free, b)
        else:
            heapq.heappush(free, earliest)
    return out


def assignment(
    inst: Instance, variables: Variables, legs: list[Leg]
) -> dict[object, int]:
    """Values for the model's variables that reproduce ``legs``.

    Raises
    ------
    NotInModel
        If a deployment has no slot (the plan breaks a rule).
    """
    placed = slot_of_legs(variables, legs)
    values: dict[object, int] = {}
    chosen: dict[int, tuple[int, int, str]] = {}
    for i, lv in enumerate(variables.legs):
        if lv.fixed is not None:
            chosen[i] = (lv.fixed.start, lv.fixed.end, lv.fixed.requirement)
            continue
        assert lv.slot is not None
        leg = placed.get(i)
        if leg is None:
            shortest = inst.units[lv.unit].policy.min_deployment_days
            values[lv.present] = 0
            values[lv.start] = lv.slot.start_lo
            values[lv.end] = lv.slot.start_lo + shortest
            values[lv.days] = shortest
            for lit in lv.serve.values():
                values[lit] = 0
            continue
        chosen[i] = (leg.start, leg.end, leg.requirement)
        values[lv.present] = 1
        values[lv.start] = leg.start
        values[lv.end] = leg.end
        values[lv.days] = leg.end - leg.start
        for r, lit in lv.serve.items():
            values[lit] = int(r == leg.requirement)
    for i, lv in enumerate(variables.legs):
        _site_values(inst, lv, chosen.get(i), values)
        _sub_day_values(lv, chosen.get(i), values)
    _credit_values(inst, variables, chosen, values)
    _exercise_values(inst, variables, chosen, values)
    _gap_values(inst, variables, values)
    return values


def _gap_values(
    inst: Instance, variables: Variables, values: dict[object, int]
) -> None:
    for r, count in variables.serving.items():
        planned = [
            lv for lv in variables.legs if r in lv.serve and not lv.is_fixed
        ]
        values[count] = sum(values[lv.serve[r]] for lv in planned)
        values[variables.credited[r]] = sum(
            values[lv.counted[r].credit] for lv in planned
        )
    for r, gap in variables.gaps.items():
        lo, hi = counted_window(inst, r)
        asked = inst.requirements[r].count * max(0, hi - lo)
        credited = sum(
            values[lv.credit[r]] for lv in variables.legs if r in lv.credit
        )
        values[gap] = asked - credited
    for key, gap in variables.exercise_gaps.items():
        ex = inst.exercises[key[0]]
        asked = ex.needs[key[1]][1] * (ex.end - ex.start)
        credited = sum(
            values[lv.exercise_credit[key]]
            for lv in variables.legs
            if key in lv.exercise_credit
        )
        values[gap] = asked - credited


def _site_values(
    inst: Instance,
    lv: LegVars,
    leg: tuple[int, int, str] | None,
    values: dict[object, int],
) -> None:
    where = None if leg is None else inst.requirements[leg[2]].site
    for site, lit in lv.at_site.items():
        values[lit] = int(site == where)


def _sub_day_values(
    lv: LegVars,
    leg: tuple[int, int, str] | None,
    values: dict[object, int],
) -> None:
    for r, days in lv.sub_days.items():
        hit = leg is not None and leg[2] == r
        values[days] = leg[1] - leg[0] if hit and leg else 0


def _effective(inst: Instance, lv: LegVars, start: int) -> int:
    return start + inst.units[lv.unit].policy.handover_days


def _counted_values(
    counted: Counted,
    share: _Counted | None,
    here: bool,
    first: int,
    end: int,
    window: tuple[int, int],
    values: dict[object, int],
) -> None:
    """Values of one counted interval: its share, or nothing (an empty
    interval where the leg's clipped end is)."""
    free_end = counted.high is not None
    if share is not None:
        values[counted.begin] = share.begin
        values[counted.credit] = share.end - share.begin
        if free_end:
            values[counted.end] = share.end
        return
    lo, hi = window
    if free_end:
        # An empty interval where the leg starts to count, or anywhere.
        at = first if here else bounds(counted.begin)[0]
        values[counted.begin] = at
        values[counted.end] = at
    else:
        values[counted.begin] = min(max(end, lo), hi) if here else lo
    values[counted.credit] = 0


def _credit_values(
    inst: Instance,
    variables: Variables,
    chosen: dict[int, tuple[int, int, str]],
    values: dict[object, int],
) -> None:
    by_req: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for i, (start, end, r) in chosen.items():
        lv = variables.legs[i]
        by_req[r].append((i, _effective(inst, lv, start), end))
    shares: dict[tuple[str, int], _Counted] = {}
    for r, entries in by_req.items():
        window = counted_window(inst, r)
        count = inst.requirements[r].count
        for i, share in _share_out(entries, window, count).items():
            shares[(r, i)] = share
    for i, lv in enumerate(variables.legs):
        leg = chosen.get(i)
        for r, counted in lv.counted.items():
            here = leg is not None and leg[2] == r
            _counted_values(
                counted,
                shares.get((r, i)),
                here,
                _effective(inst, lv, leg[0]) if leg is not None else 0,
                leg[1] if leg is not None else 0,
                counted_window(inst, r),
                values,
            )


def _exercise_values(
    inst: Instance,
    variables: Variables,
    chosen: dict[int, tuple[int, int, str]],
    values: dict[object, int],
) -> None:
    def here(leg: tuple[int, int, str] | None, ex_id: str) -> bool:
        return (
            leg is not None
            and inst.requirements[leg[2]].site == inst.exercises[ex_id].site
        )

    by_need: dict[tuple[str, int], list[tuple[int, int, int]]] = defaultdict(
        list
    )
    for i, lv in enumerate(variables.legs):
        leg = chosen.get(i)
        for key in lv.exercise_counted:
            if leg is not None and here(leg, key[0]):
                by_need[key].append((i, _effective(inst, lv, leg[0]), leg[1]))
    shares: dict[tuple[str, int, int], _Counted] = {}
    for key, entries in by_need.items():
        ex = inst.exercises[key[0]]
        count = ex.needs[key[1]][1]
        for i, share in _share_out(entries, (ex.start, ex.end), count).items():
            shares[(*key, i)] = share
    for i, lv in enumerate(variables.legs):
        leg = chosen.get(i)
        for key, counted in lv.exercise_counted.items():
            ex = inst.exercises[key[0]]
            _counted_values(
                counted,
                shares.get((*key, i)),
                here(leg, key[0]),
                _effective(inst, lv, leg[0]) if leg is not None else 0,
                leg[1] if leg is not None else 0,
                (ex.start, ex.end),
                values,
            )
