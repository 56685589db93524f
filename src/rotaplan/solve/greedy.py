"""The relay heuristic: fast, always valid, never optimal by proof.

Requirements are served in order of their earliest shortfall. When a
requirement is short on day ``t``, a unit is sent to arrive ``handover``
days before ``t`` so that it counts from ``t``; among the units that can
go earliest, own capability first, then the smallest substitution
penalty, then the most dwell slack. Each tour is as long as policy,
availability, blackouts, later commitments and site capacity allow.
Exercises are then covered with extra tours where they are short.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..model import Instance
from ..model.instance import ExerciseData, Leg, RequirementData, UnitData
from .shortfall import objective_of

# Slack of a unit that has no deployment history: ahead of all others.
_FRESH = 10**6


@dataclass
class _Schedule:
    """Deployments made so far: per unit in order, and per-site load."""

    inst: Instance
    legs: dict[str, list[Leg]] = field(default_factory=dict)
    load: dict[str, np.ndarray] = field(default_factory=dict)
    coverage: dict[str, np.ndarray] = field(default_factory=dict)
    offset: int = 0
    # Each site's exercises in order of start.
    exercises_at: dict[str, list[ExerciseData]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        inst = self.inst
        lo = min(
            [0]
            + [leg.start for leg in inst.fixed]
            + [r.start - 400 for r in inst.requirements.values()]
        )
        hi = max(
            [inst.horizon_end]
            + [leg.end for leg in inst.fixed]
            + [r.end for r in inst.requirements.values()]
        )
        self.offset = lo
        size = hi - lo + 1
        self.legs = {u: [] for u in inst.units}
        self.load = {
            s: np.zeros(size, dtype=np.int64)
            for s, site in inst.sites.items()
            if site.capacity is not None
        }
        self.coverage = {
            r: np.zeros(size, dtype=np.int64) for r in inst.requirements
        }
        for ex in sorted(
            inst.exercises.values(), key=lambda e: (e.start, e.id)
        ):
            self.exercises_at.setdefault(ex.site, []).append(ex)
        for leg in inst.fixed:
            self.add(leg)

    def add(self, leg: Leg) -> None:
        inst = self.inst
        unit = inst.units[leg.unit]
        bisect.insort(self.legs[leg.unit], leg, key=lambda x: x.start)
        req = inst.requirements[leg.requirement]
        o = self.offset
        if req.site in self.load:
            self.load[req.site][leg.start - o : leg.end - o] += unit.troops
        eff = leg.start + unit.policy.handover_days
        if leg.end > eff:
            self.coverage[req.id][eff - o : leg.end - o] += 1

    def neighbours(
        self, unit: str, start: int
    ) -> tuple[Leg | None, Leg | None]:
        legs = self.legs[unit]
        i = bisect.bisect_left(legs, start, key=lambda x: x.start)
        prev = legs[i - 1] if i > 0 else None
        nxt = legs[i] if i < len(legs) else None
        return prev, nxt

    def slack(self, unit: UnitData, start: int) -> int:
        pol = unit.policy
        prev, _ = self.neighbours(unit.id, start)
        leave = start - pol.transit_days
        if prev is not None:
            back = prev.end + pol.transit_days
            return leave - back - pol.dwell_after(prev.days)
        if unit.ready_from is not None:
            return leave - unit.ready_from
        return _FRESH

    def earliest_start(
        self, unit: UnitData, req: RequirementData, wanted: int
    ) -> int | None:
        """The first start >= ``wanted`` at which ``unit`` can begin a
        minimum-length tour on ``req``, or None if it never can."""
        pol = unit.policy
        t, h = pol.transit_days, pol.handover_days
        shortest = pol.min_deployment_days
        latest = min(req.end - shortest, self.inst.horizon_end - 1)
        # Near the requirement's end a tour may start earlier than wanted
        # (a longer handover overlap) so that a minimum tour still fits.
        s = max(min(wanted, latest), req.start - h, 0)
        if unit.available_from is not None:
            s = max(s, unit.available_from + t)
        for _ in range(10_000):
            if s > latest:
                return None
            moved = s
            prev, nxt = self.neighbours(unit.id, s)
            if prev is not None:
                moved = max(
                    moved,
                    prev.end + 2 * t + pol.dwell_after(prev.days),
                    prev.start + 1,
                )
            elif unit.ready_from is not None:
                moved = max(moved, unit.ready_from + t)
            if moved == s and nxt is not None:
                end = s + shortest
                if nxt.start - t - (end + t) < pol.dwell_after(shortest):
                    moved = nxt.end + 2 * t + pol.dwell_after(nxt.days)
            if moved == s:
                for b_start, b_end in unit.blackouts:
                    if s - t < b_end and b_start < s + shortest + t:
                        moved = b_end + t
                        break
            if (
                moved == s
                and unit.available_until is not None
                and s + shortest + t > unit.available_until
            ):
                return None
            if moved == s and req.site in self.load:
                cap = self.inst.sites[req.site].capacity or 0
                o = self.offset
                window = self.load[req.site][s - o : s + shortest - o]
                over = np.flatnonzero(window + unit.troops > cap)
                if over.size:
                    moved = s + int(over[-1]) + 1
            if moved == s:
                return s
            s = moved
        return None

    def longest_end(
        self, unit: UnitData, req: RequirementData, start: int, wanted: int
    ) -> int:
        """The latest end <= ``wanted`` for a tour starting at ``start``
        (which ``earliest_start`` returned, so a minimum tour fits)."""
        pol = unit.policy
        t = pol.transit_days
        shortest = start + pol.min_deployment_days
        hi = min(wanted, start + pol.max_deployment_days, req.end)
        if unit.available_until is not None:
            hi = min(hi, unit.available_until - t)
        for b_start, _ in unit.blackouts:
            if b_start >= start:
                hi = min(hi, b_start - t)
        if req.site in self.load:
            cap = self.inst.sites[req.site].capacity or 0
            o = self.offset
            window = self.load[req.site][start - o : hi - o]
            over = np.flatnonzero(window + unit.troops > cap)
            if over.size:
                hi = start + int(over[0])
        _, nxt = self.neighbours(unit.id, start)
        if nxt is not None:

            def fits(end: int) -> bool:
                home = nxt.start - t - (end + t)
                return home >= pol.dwell_after(end - start)

            lo = shortest
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if fits(mid):
                    lo = mid
                else:
                    hi = mid - 1
        return max(hi, shortest)

    def first_short_day(self, req: RequirementData, frm: int) -> int | None:
        """First day >= ``frm`` in the counted window with a shortfall."""
        lo = max(frm, req.start, 0)
        hi = min(req.end, self.inst.horizon_end)
        if lo >= hi:
            return None
        o = self.offset
        short = np.flatnonzero(
            self.coverage[req.id][lo - o : hi - o] < req.count
        )
        return None if not short.size else lo + int(short[0])


@dataclass(frozen=True)
class _Choice:
    unit: str
    start: int
    penalty: float
    slack: int

    def key(self) -> tuple[int, float, int, str]:
        return (self.start, self.penalty, -self.slack, self.unit)


def _best_unit(
    schedule: _Schedule,
    req: RequirementData,
    candidates: list[tuple[str, float]],
    wanted: int,
    counts_before: int | None = None,
) -> _Choice | None:
    inst = schedule.inst
    best: _Choice | None = None
    for unit_id, penalty in candidates:
        unit = inst.units[unit_id]
        h = unit.policy.handover_days
        if best is not None and best.start == wanted:
            # Nobody can count earlier than the best so far; a candidate
            # wins only on penalty, then slack. Candidates come in order
            # of penalty, and slack only shrinks when a unit leaves
            # earlier, so its slack on the wanted day bounds it.
            if penalty > best.penalty:
                break
            bound = _Choice(
                unit_id, wanted, penalty, schedule.slack(unit, wanted - h)
            )
            if bound.key() >= best.key():
                continue
        start = schedule.earliest_start(unit, req, wanted - h)
        if start is None:
            continue
        if counts_before is not None and start + h >= counts_before:
            continue
        # Arriving earlier than needed gains nothing: compare on the day
        # the unit starts to count.
        choice = _Choice(
            unit_id,
            max(start + h, wanted),
            penalty,
            schedule.slack(unit, start),
        )
        if best is None or choice.key() < best.key():
            best = choice
    return best


def greedy_plan(
    inst: Instance, progress: Callable[[float], None] | None = None
) -> list[Leg]:
    """Plan every requirement by relay, then top up exercises.

    The relay runs once per lead in ``EARLY_RELIEF_TRIES`` (how far a
    relief may come forward to overlap an exercise); the best of those
    plans by the contract's objective is returned. Whether the days a
    relief gives up cost more than the tour it saves depends on how
    tight the units are, which no rule fixes in advance.

    Returns the plan's deployments, the fixed ones included.
    """
    best: tuple[tuple[float, float, int], list[Leg]] | None = None
    # Without exercises every lead gives the plain relay.
    leads = EARLY_RELIEF_TRIES if inst.exercises else (0,)
    for i, lead in enumerate(leads):
        legs = _relay(inst, lead, _share(progress, i, len(leads)))
        key = objective_of(inst, legs)
        if best is None or key < best[0]:
            best = (key, legs)
    assert best is not None
    return best[1]


def _share(
    progress: Callable[[float], None] | None, i: int, parts: int
) -> Callable[[float], None] | None:
    """Progress of part ``i`` of ``parts`` equal parts, as a whole."""
    if progress is None:
        return None
    report = progress
    return lambda fraction: report((i + fraction) / parts)


def _relay(
    inst: Instance, lead: int, progress: Callable[[float], None] | None
) -> list[Leg]:
    """One relay plan, exercises topped up, with reliefs coming up to
    ``lead`` days forward to overlap an exercise; the fixed deployments
    included."""
    schedule = _Schedule(inst)
    eligible = {r: inst.eligible_units(r) for r in inst.requirements}
    queue: list[tuple[int, str]] = []
    for req in inst.requirements.values():
        day = schedule.first_short_day(req, 0)
        if day is not None:
            heapq.heappush(queue, (day, req.id))
    total = max(1, inst.horizon_end)
    while queue:
        day, req_id = heapq.heappop(queue)
        req = inst.requirements[req_id]
        if progress is not None:
            progress(min(1.0, max(0, day) / total))
        early = _early_relief(schedule, req, day, lead)
        choice = (
            None
            if early is None
            else _best_unit(schedule, req, eligible[req_id], early)
        )
        if early is not None and choice is not None and choice.start <= early:
            relief = early
        else:
            # Nobody can come for the exercise: relieve when due.
            relief = day
            choice = _best_unit(schedule, req, eligible[req_id], day)
        if choice is None:
            continue  # nobody can come any more: the rest is gap
        if choice.start > day:
            # Nobody can come by ``day``: send the unit only if it is
            # still needed on the day it starts to count.
            useful = schedule.first_short_day(req, choice.start)
            if useful is None:
                continue
            if useful > choice.start:
                heapq.heappush(queue, (useful, req_id))
                continue
        unit = inst.units[choice.unit]
        h = unit.policy.handover_days
        start = schedule.earliest_start(unit, req, relief - h)
        assert start is not None
        end = schedule.longest_end(
            unit, req, start, start + unit.policy.max_deployment_days
        )
        effective = start + h
        if end > effective:
            schedule.add(Leg(unit.id, req_id, start, end))
        # Days before the new tour counts stay short: no unit could come
        # earlier, so the search goes on from where it helps.
        frm = day if effective <= day < end else max(day + 1, effective)
        nxt = schedule.first_short_day(req, frm)
        if nxt is not None:
            heapq.heappush(queue, (nxt, req_id))
    _cover_exercises(schedule)
    legs = [leg for legs in schedule.legs.values() for leg in legs]
    return sorted(legs, key=lambda x: (x.start, x.unit, x.requirement))


# How many days a relief may come forward to overlap an exercise that
# wants one more unit of its kind; each is tried (see ``greedy_plan``).
EARLY_RELIEF_TRIES = (0, 60, 130)


def _early_relief(
    schedule: _Schedule, req: RequirementData, day: int, lead: int
) -> int | None:
    """The first day of an exercise the relief due on ``day`` could
    overlap, if one at the site wants more units of the requirement's
    capability than it has while the outgoing unit is still there."""
    if lead <= 0:
        return None
    for ex in schedule.exercises_at.get(req.site, []):
        if not (day - lead <= ex.start and ex.end <= day):
            continue
        for capability, count in ex.needs:
            if capability == req.capability and (
                _present(schedule, ex.site, capability, ex.start, ex.end)
                < count
            ):
                return ex.start
    return None


def _cover_exercises(schedule: _Schedule) -> None:
    inst = schedule.inst
    for ex in sorted(inst.exercises.values(), key=lambda e: (e.start, e.id)):
        for capability, count in ex.needs:
            hosts = [
                r
                for r in inst.requirements.values()
                if r.site == ex.site
                and r.start < ex.end
                and r.end > ex.start
                and (
                    r.capability == capability
                    or (r.capability, capability) in inst.substitutions
                )
            ]
            units = sorted(
                u.id for u in inst.units.values() if u.capability == capability
            )
            for _ in range(count):
                if (
                    _present(schedule, ex.site, capability, ex.start, ex.end)
                    >= count
                ):
                    break
                choice = _exercise_unit(schedule, ex, capability, hosts, units)
                if choice is None:
                    break
                req, unit_id, start = choice
                unit = inst.units[unit_id]
                shortest = start + unit.policy.min_deployment_days
                end = schedule.longest_end(
                    unit, req, start, max(shortest, ex.end)
                )
                schedule.add(Leg(unit_id, req.id, start, end))


def _exercise_unit(
    schedule: _Schedule,
    ex: ExerciseData,
    capability: str,
    hosts: list[RequirementData],
    units: list[str],
) -> tuple[RequirementData, str, int] | None:
    """The host requirement, unit and start of the tour that best adds
    one unit to an exercise: counting earliest, then least penalty, then
    most slack.

    A shortest tour that just covers the exercise may start as early as
    its length before the exercise ends; searching from there (not from
    a handover before it starts) finds units whose other tours leave
    only an earlier window, and brings them home sooner.
    """
    inst = schedule.inst
    best: tuple[tuple[int, float, int, str], RequirementData, int] | None
    best = None
    for req in hosts:
        penalty = (
            0.0
            if req.capability == capability
            else inst.substitutions[(req.capability, capability)]
        )
        for unit_id in units:
            unit = inst.units[unit_id]
            pol = unit.policy
            h = pol.handover_days
            wanted = min(ex.end - pol.min_deployment_days, ex.start - h)
            start = schedule.earliest_start(unit, req, wanted)
            if start is None or start + h >= ex.end:
                continue
            key = (
                max(start + h, ex.start),
                penalty,
                -schedule.slack(unit, start),
                unit_id,
            )
            if best is None or key < best[0]:
                best = (key, req, start)
    if best is None:
        return None
    return best[1], best[0][3], best[2]


def _present(
    schedule: _Schedule, site: str, capability: str, start: int, end: int
) -> int:
    """Fewest units of ``capability`` effective at ``site`` on a day of
    ``[start, end)``."""
    inst = schedule.inst
    have = np.zeros(end - start, dtype=np.int64)
    for legs in schedule.legs.values():
        for leg in legs:
            unit = inst.units[leg.unit]
            if (
                unit.capability != capability
                or inst.requirements[leg.requirement].site != site
            ):
                continue
            s = max(leg.start + unit.policy.handover_days, start)
            e = min(leg.end, end)
            if e > s:
                have[s - start : e - start] += 1
    return int(have.min()) if have.size else 0
