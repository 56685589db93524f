"""How many units does a persistent requirement tie up?

A unit on rotation repeats one cycle: ``T`` days of transit out, ``D``
days on site, ``T`` days back, then the dwell it owes at home,
``max(min_dwell_days, ceil(dwell_ratio * D))``. Of its ``D`` days on site
the first ``H`` (handover) do not count, so one cycle of ``C(D)`` days
gives ``D - H`` days of presence and keeping one unit on site needs
``N(D) = ceil(C(D) / (D - H))`` units taking turns.

``rotation_multiplier`` computes that figure for one policy.
``size_scenario`` applies it to every requirement of a scenario and
says, per capability, whether the units on hand are enough and, per
requirement, why one cannot be fully covered. It is an explainable
model, not a planner: the assumptions are set out in ``docs/sizing.md``.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from ..model import Instance, Policy, Scenario
from ..model.instance import RequirementData, UnitData
from ..model.scenario import Unit
from .days import runs

# Stable cause codes shared by sizing reasons and gap explanations.
NO_ELIGIBLE_UNIT = "no-eligible-unit"
WINDOW_TOO_SHORT = "window-too-short"
HORIZON_START = "horizon-start"
IN_DWELL = "in-dwell"
UNAVAILABLE = "unavailable"
BLACKOUT = "blackout"
SITE_CAPACITY = "site-capacity"
TOO_FEW_UNITS = "too-few-units"
PLANNER_CHOICE = "planner-choice"
CAUSES = (
    NO_ELIGIBLE_UNIT,
    WINDOW_TOO_SHORT,
    HORIZON_START,
    IN_DWELL,
    UNAVAILABLE,
    BLACKOUT,
    SITE_CAPACITY,
    TOO_FEW_UNITS,
    PLANNER_CHOICE,
)

# Floating-point slack when comparing presence with demand.
_EPS = 1e-9


@dataclass(frozen=True)
class Sizing:
    """The rotation arithmetic of one policy at one tour length.

    ``units_needed`` units taking turns keep one unit on site for good;
    ``ratio`` is the same figure before rounding up, and
    ``effective_fraction`` its inverse: the share of its time one unit
    counts toward presence over the long run.
    """

    tour_days: int
    transit_days: int
    handover_days: int
    dwell_days: int
    cycle_days: int
    effective_days: int
    units_needed: int
    ratio: float
    effective_fraction: float
    formula: str

    def units_for(self, window_days: int) -> int:
        """Units needed to keep one on site for ``window_days`` days.

        A window shorter than ``units_needed`` tours needs one unit per
        tour: no unit comes round twice.
        """
        tours = math.ceil(window_days / self.effective_days)
        return max(0, min(tours, self.units_needed))

    def to_dict(self) -> dict[str, Any]:
        return {
            "tour_days": self.tour_days,
            "transit_days": self.transit_days,
            "handover_days": self.handover_days,
            "dwell_days": self.dwell_days,
            "cycle_days": self.cycle_days,
            "effective_days": self.effective_days,
            "units_needed": self.units_needed,
            "ratio": round(self.ratio, 6),
            "effective_fraction": round(self.effective_fraction, 6),
            "formula": self.formula,
        }

    def __str__(self) -> str:
        return (
            f"{self.units_needed} units keep one on site: tours of "
            f"{self.tour_days} days, a {self.cycle_days}-day cycle with "
            f"{self.effective_days} days counting ({self.formula})"
        )


def _sizing(policy: Policy, tour: int) -> Sizing:
    transit = policy.transit_days
    handover = policy.handover_days
    dwell = policy.dwell_after(tour)
    cycle = tour + 2 * transit + dwell
    effective = tour - handover
    units = -(-cycle // effective)
    ratio = cycle / effective
    formula = (
        "N = ceil((D + 2T + max(m, ceil(r*D))) / (D - H)) = "
        f"ceil(({tour} + 2*{transit} + max({policy.min_dwell_days}, "
        f"ceil({policy.dwell_ratio:g}*{tour}))) / ({tour} - {handover})) "
        f"= ceil({cycle} / {effective}) = ceil({ratio:.3f}) = {units}"
    )
    return Sizing(
        tour_days=tour,
        transit_days=transit,
        handover_days=handover,
        dwell_days=dwell,
        cycle_days=cycle,
        effective_days=effective,
        units_needed=units,
        ratio=ratio,
        effective_fraction=effective / cycle,
        formula=formula,
    )


def rotation_multiplier(
    policy: Policy, tour_days: int | None = None
) -> Sizing:
    """Units needed in rotation to keep one unit on site for good.

    Parameters
    ----------
    policy
        The units' rotation policy.
    tour_days
        Days on site per tour. ``None`` picks the tour length in
        ``[min_deployment_days, max_deployment_days]`` that needs the
        fewest units; among equals, the longest.

    Returns
    -------
    Sizing
        Cycle, effective days, units needed and the formula with the
        numbers put in.

    Raises
    ------
    ValueError
        If the tour is outside the policy's deployment bounds, or no
        tour longer than ``handover_days`` is allowed, so that a unit
        would never count toward presence.
    """
    handover = policy.handover_days
    shortest = policy.min_deployment_days
    longest = policy.max_deployment_days
    if tour_days is not None:
        if not shortest <= tour_days <= longest:
            raise ValueError(
                f"a tour of {tour_days} days is outside the policy's "
                f"min_deployment_days {shortest} to max_deployment_days "
                f"{longest}; choose a tour in that range or change the "
                "policy"
            )
        if tour_days <= handover:
            raise ValueError(
                f"a tour of {tour_days} days is not longer than "
                f"handover_days {handover}: the unit would never count "
                "toward presence; lengthen the tour or shorten "
                "handover_days"
            )
        return _sizing(policy, tour_days)
    if longest <= handover:
        raise ValueError(
            f"handover_days {handover} is not less than "
            f"max_deployment_days {longest}: a unit would never count "
            "toward presence; shorten handover_days or allow longer tours"
        )
    return _best_sizing(policy)


@functools.lru_cache(maxsize=256)
def _best_sizing(policy: Policy) -> Sizing:
    """The best tour of a policy; cached, as a scenario asks for the
    same few policies once per unit and requirement."""
    first = max(policy.min_deployment_days, policy.handover_days + 1)
    options = [
        _sizing(policy, d)
        for d in range(first, policy.max_deployment_days + 1)
    ]
    return min(options, key=lambda s: (s.units_needed, -s.tour_days))


# --------------------------------------------------------------------
# Scenario sizing


@dataclass(frozen=True)
class SizingReason:
    """Why a requirement cannot be fully covered, in the model's terms.

    ``code`` is one of ``CAUSES``; ``days`` estimates the days short
    that this reason alone forces, when the model can tell.
    """

    code: str
    message: str
    days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "days": self.days}


@dataclass(frozen=True)
class RequirementSizing:
    """One requirement against the units that may fill it."""

    requirement: str
    capability: str
    site: str
    start: date
    end: date
    days: int
    count: int
    sizing: Sizing
    units_needed: int
    own_units: tuple[str, ...]
    substitute_units: tuple[str, ...]
    presence: float
    reasons: tuple[SizingReason, ...] = ()

    @property
    def covered(self) -> bool:
        """Whether the model finds nothing in the way of full cover."""
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "capability": self.capability,
            "site": self.site,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "count": self.count,
            "sizing": self.sizing.to_dict(),
            "units_needed": self.units_needed,
            "own_units": list(self.own_units),
            "substitute_units": list(self.substitute_units),
            "presence": round(self.presence, 3),
            "covered": self.covered,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class CapabilitySizing:
    """Demand and supply for one capability over the horizon.

    ``equivalent_own`` and ``equivalent_substitutes`` count the units
    in units of the typical policy, after availability, blackouts and
    each unit's own dwell ratio: a reserve unit owing 1:4 dwell counts
    for less than an active one owing 1:2.
    """

    capability: str
    requirements: tuple[str, ...]
    peak_demand: int
    sizing: Sizing
    units_needed: int
    own_units: tuple[str, ...]
    substitutes: dict[str, tuple[str, ...]]
    equivalent_own: float
    equivalent_substitutes: float
    shortfall: int
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "capability": self.capability,
            "requirements": list(self.requirements),
            "peak_demand": self.peak_demand,
            "sizing": self.sizing.to_dict(),
            "units_needed": self.units_needed,
            "own_units": list(self.own_units),
            "substitutes": {k: list(v) for k, v in self.substitutes.items()},
            "equivalent_own": round(self.equivalent_own, 3),
            "equivalent_substitutes": round(self.equivalent_substitutes, 3),
            "shortfall": self.shortfall,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class ScenarioSizing:
    """What ``rotaplan size`` reports for a scenario."""

    scenario: str
    capabilities: tuple[CapabilitySizing, ...]
    requirements: tuple[RequirementSizing, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "capabilities": [c.to_dict() for c in self.capabilities],
            "requirements": [r.to_dict() for r in self.requirements],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = [f"Sizing of {self.scenario}"]
        for cap in self.capabilities:
            subs = sum(len(v) for v in cap.substitutes.values())
            lines.append(
                f"{cap.capability}: peak {cap.peak_demand} on site, "
                f"{_plural(cap.units_needed, 'unit')} needed, "
                f"{len(cap.own_units)} "
                f"own"
                + (f" + {subs} substitutes" if subs else "")
                + f": {cap.verdict}"
            )
            lines.append(f"  {cap.sizing.formula}")
        for req in self.requirements:
            for reason in req.reasons:
                lines.append(
                    f"{req.requirement}: {reason.code}: {reason.message}"
                )
        lines.extend(self.notes)
        return "\n".join(lines)


def default_policy(scenario: Scenario, capability: str) -> Policy:
    """The policy an active unit with no fields of its own would have."""
    return scenario.policy(Unit(id="(new)", capability=capability, troops=1))


def typical_policy(units: list[UnitData], fallback: Policy) -> Policy:
    """The policy most of ``units`` follow; among equally common ones,
    the one needing fewest units; ``fallback`` when there are none."""
    if not units:
        return fallback
    counts = Counter(u.policy for u in units)
    return min(
        counts,
        key=lambda p: (
            -counts[p],
            rotation_multiplier(p).ratio,
            p.model_dump_json(),
        ),
    )


def requirement_policy(
    scenario: Scenario, inst: Instance, requirement_id: str
) -> Policy:
    """The typical policy of the units that may fill a requirement: of
    its own capability if any, else of the substitutes."""
    req = inst.requirements[requirement_id]
    eligible = [inst.units[u] for u, _ in inst.eligible_units(req.id)]
    own = [u for u in eligible if u.capability == req.capability]
    return typical_policy(
        own or eligible, default_policy(scenario, req.capability)
    )


def _exact_units(sizing: Sizing, window_days: int) -> float:
    """``Sizing.units_for`` before rounding up: what one on-site slot
    really ties up, for comparing with fractional supply."""
    tours = math.ceil(window_days / sizing.effective_days)
    return float(min(tours, sizing.ratio))


def counted_window(inst: Instance, req: RequirementData) -> tuple[int, int]:
    """The days of a requirement that count toward the measures."""
    return max(req.start, 0), min(req.end, inst.horizon_end)


def unit_presence(unit: UnitData, window_days: int) -> float:
    """Average number of units on site this unit alone can keep over a
    window of ``window_days``: one tour in a window shorter than its
    rotation, else its effective fraction."""
    sizing = rotation_multiplier(unit.policy)
    slot = _exact_units(sizing, window_days)
    return 1.0 / slot if slot else 0.0


def usable_days(
    unit: UnitData,
    lo: int,
    hi: int,
    busy: Sequence[tuple[int, int]] = (),
) -> np.ndarray:
    """Boolean per day of ``[lo, hi)``: could the unit count on site that
    day, as far as availability, blackouts and ``busy`` on-site spans
    go? History (dwell owed at the start) is left out on purpose."""
    pol = unit.policy
    t, h = pol.transit_days, pol.handover_days
    days = np.arange(lo, hi)
    ok = np.ones(hi - lo, dtype=bool)
    # Counting on day x needs on-site days [x - H, x] and the away span
    # [x - H - T, x + 1 + T) clear of every block.
    if unit.available_from is not None:
        ok &= days >= unit.available_from + t + h
    if unit.available_until is not None:
        ok &= days < unit.available_until - t
    for b_start, b_end in unit.blackouts:
        ok &= ~((days >= b_start - t) & (days < b_end + t + h))
    for s, e in busy:
        ok &= ~((days >= s) & (days < e + h))
    return ok


def tour_fits(inst: Instance, unit: UnitData, req: RequirementData) -> bool:
    """Whether any tour that counts can fit the requirement's window and
    the horizon (rules H2 and H7), whatever else is in the way."""
    pol = unit.policy
    length = max(pol.min_deployment_days, pol.handover_days + 1)
    if length > pol.max_deployment_days:
        return False
    first = max(req.start - pol.handover_days, 0)
    last = min(inst.horizon_end - 1, req.end - length)
    return first <= last


def _fewer(count: int) -> str:
    return (
        "no eligible unit"
        if count == 1
        else f"fewer than {count} eligible units"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def size_scenario(scenario: Scenario) -> ScenarioSizing:
    """Size every requirement and capability of a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    ScenarioSizing
        Per capability: peak demand, units needed, units on hand (own
        and substitutes) and a verdict; per requirement: the rotation
        figure and every reason the model sees why it cannot be fully
        covered.
    """
    inst = Instance.from_scenario(scenario)
    fixed_by_unit: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for leg in inst.fixed:
        fixed_by_unit[leg.unit].append((leg.start, leg.end, leg.requirement))

    req_sizings = [
        _size_requirement(scenario, inst, req, fixed_by_unit)
        for req in inst.requirements.values()
    ]
    caps = sorted({r.capability for r in inst.requirements.values()})
    cap_sizings = [
        _size_capability(scenario, inst, cap, req_sizings, fixed_by_unit)
        for cap in caps
    ]
    notes: list[str] = []
    outside = [r.requirement for r in req_sizings if r.days == 0]
    if outside:
        notes.append("outside the horizon, not sized: " + ", ".join(outside))
    return ScenarioSizing(
        scenario=scenario.name,
        capabilities=tuple(cap_sizings),
        requirements=tuple(req_sizings),
        notes=tuple(notes),
    )


def _busy_elsewhere(
    unit: UnitData,
    served: set[str],
    fixed_by_unit: dict[str, list[tuple[int, int, str]]],
) -> list[tuple[int, int]]:
    """On-site spans, plus the dwell they owe, of a unit's fixed tours
    for requirements outside ``served``: time lost to those. A fixed
    tour on a served requirement is part of the rotation, not a loss."""
    pol = unit.policy
    return [
        (s, e + 2 * pol.transit_days + pol.dwell_after(e - s))
        for s, e, r in fixed_by_unit.get(unit.id, [])
        if r not in served
    ]


def _size_requirement(
    scenario: Scenario,
    inst: Instance,
    req: RequirementData,
    fixed_by_unit: dict[str, list[tuple[int, int, str]]],
) -> RequirementSizing:
    lo, hi = counted_window(inst, req)
    days = max(0, hi - lo)
    policy = requirement_policy(scenario, inst, req.id)
    sizing = rotation_multiplier(policy)
    eligible = [inst.units[u] for u, _ in inst.eligible_units(req.id)]
    own = tuple(u.id for u in eligible if u.capability == req.capability)
    subs = tuple(u.id for u in eligible if u.capability != req.capability)
    base = RequirementSizing(
        requirement=req.id,
        capability=req.capability,
        site=req.site,
        start=inst.date(lo if days else req.start),
        end=inst.date(hi if days else req.end),
        days=days,
        count=req.count,
        sizing=sizing,
        units_needed=req.count * sizing.units_for(days),
        own_units=own,
        substitute_units=subs,
        presence=0.0,
    )
    if not days:
        return base
    reasons: list[SizingReason] = []
    if not eligible:
        reasons.append(
            SizingReason(
                NO_ELIGIBLE_UNIT,
                f"no unit has capability {req.capability!r} and no "
                "substitution lets another capability fill it",
                req.count * days,
            )
        )
        return replace(base, reasons=tuple(reasons))

    fitting = [u for u in eligible if tour_fits(inst, u, req)]
    if not fitting:
        pol = eligible[0].policy
        reasons.append(
            SizingReason(
                WINDOW_TOO_SHORT,
                f"the window {inst.date(req.start)} to {inst.date(req.end)} "
                f"({req.end - req.start} days) cannot hold a tour of "
                f"min_deployment_days {pol.min_deployment_days} that "
                f"starts at most handover_days {pol.handover_days} "
                "before it and inside the horizon",
                req.count * days,
            )
        )
        return replace(base, reasons=tuple(reasons))

    # Days already held by fixed tours need no new unit.
    held = np.zeros(days, dtype=np.int64)
    for leg in inst.fixed:
        if leg.requirement != req.id:
            continue
        h = inst.units[leg.unit].policy.handover_days
        s, e = max(leg.start + h, lo), min(leg.end, hi)
        if e > s:
            held[s - lo : e - lo] += 1
    open_days = held < req.count

    usable = {
        u.id: usable_days(
            u, lo, hi, _busy_elsewhere(u, {req.id}, fixed_by_unit)
        )
        for u in fitting
    }
    presence = sum(
        unit_presence(u, days) * float(usable[u.id].mean()) for u in fitting
    )
    base = replace(base, presence=presence)

    start_reason = _start_reason(inst, req, fitting, open_days, lo, hi)
    if start_reason is not None:
        reasons.append(start_reason)
        # The start-up gap already explains its own days.
        assert start_reason.days is not None
        open_days = open_days.copy()
        first = int(np.flatnonzero(open_days)[0])
        open_days[first : first + start_reason.days] = False
    reasons.extend(_blocked_reasons(inst, req, fitting, usable, open_days, lo))
    reasons.extend(_capacity_reasons(inst, req, fitting, sizing, days))
    # Availability and blackouts already reported do not make the pool
    # too small by themselves: only a pool short with them counted in
    # over the whole window is.
    whole = sum(unit_presence(u, days) for u in fitting)
    blocked_only = bool(reasons) and whole + _EPS >= req.count
    if presence + _EPS < req.count and open_days.any() and not blocked_only:
        per_slot = _exact_units(sizing, days)
        equivalent = presence * per_slot
        short_units = max(
            1, math.ceil(req.count * per_slot - equivalent - 1e-6)
        )
        reasons.append(
            SizingReason(
                TOO_FEW_UNITS,
                f"needs {_plural(base.units_needed, req.capability + ' unit')}"
                f" in rotation ({req.count} on site at a time, "
                f"{sizing.units_needed} per place for tours of "
                f"{sizing.tour_days} days), {len(eligible)} eligible, worth "
                f"{equivalent:.1f} after availability, blackouts and "
                f"their own dwell ratios: short by about "
                f"{_plural(short_units, 'unit')}",
                round((req.count - presence) * days),
            )
        )
    return replace(base, reasons=tuple(reasons))


def earliest_effective(
    inst: Instance, unit: UnitData, req: RequirementData
) -> tuple[int, str, str]:
    """The first day a unit could count on a requirement, what holds it
    back until then (a cause code) and in words.

    Only the start-up bounds are looked at: dwell owed from its last
    tour or a fixed one, availability, and the start of the horizon.
    """
    pol = unit.policy
    t, h = pol.transit_days, pol.handover_days
    # (earliest start on site, cause, words); the latest bound binds.
    bounds: list[tuple[int, str, str]] = [
        (
            max(req.start - h, 0),
            HORIZON_START,
            "no new tour may start before the horizon or more than "
            "handover_days before the requirement",
        )
    ]
    if unit.ready_from is not None:
        bounds.append(
            (
                unit.ready_from + t,
                IN_DWELL,
                f"in dwell until {inst.date(unit.ready_from)} after its "
                f"last tour (home {inst.date(unit.last_return or 0)})",
            )
        )
    for leg in inst.fixed:
        if leg.unit != unit.id or leg.start > req.start:
            continue
        ready = leg.end + t + pol.dwell_after(leg.days)
        bounds.append(
            (
                ready + t,
                IN_DWELL,
                f"in dwell until {inst.date(ready)} after its fixed tour "
                f"on {leg.requirement}",
            )
        )
    if unit.available_from is not None:
        bounds.append(
            (
                unit.available_from + t,
                UNAVAILABLE,
                f"available only from {inst.date(unit.available_from)}",
            )
        )
    # Ties go to the bound the planner can do least about: the horizon.
    order = {HORIZON_START: 0, IN_DWELL: 1, UNAVAILABLE: 2}
    start, code, words = max(bounds, key=lambda b: (b[0], -order[b[1]]))
    return start + h, code, words


def _start_reason(
    inst: Instance,
    req: RequirementData,
    fitting: list[UnitData],
    open_days: np.ndarray,
    lo: int,
    hi: int,
) -> SizingReason | None:
    """A gap at the start, when too few units can be there in time."""
    if not open_days.any():
        return None
    first_open = lo + int(np.flatnonzero(open_days)[0])
    ready = sorted((earliest_effective(inst, u, req), u.id) for u in fitting)
    if len(ready) < req.count:
        return None  # too few units at all: reported as such
    (day, code, _), _ = ready[req.count - 1]
    if day <= first_open:
        return None
    end = min(day, hi)
    listed = "; ".join(
        f"{uid} counts from {inst.date(d)} ({words})"
        for (d, _, words), uid in ready[: max(req.count, 4)]
    )
    if code == HORIZON_START:
        message = (
            f"no new tour may start before {inst.date(0)} (the horizon) "
            f"or more than the handover before the requirement, so the "
            f"first unit counts only from {inst.date(day)}; list a tour "
            "already under way as fixed"
        )
    else:
        message = (
            f"from {inst.date(first_open)} to {inst.date(end)} "
            f"{_fewer(req.count)} can be on site in time: {listed}"
        )
    return SizingReason(code, message, end - first_open)


def _blocked_reasons(
    inst: Instance,
    req: RequirementData,
    fitting: list[UnitData],
    usable: dict[str, np.ndarray],
    open_days: np.ndarray,
    lo: int,
) -> list[SizingReason]:
    """Spans where availability or blackouts leave fewer than ``count``
    units that could be on site."""
    count = np.sum([usable[u.id] for u in fitting], axis=0)
    short = (count < req.count) & open_days
    out: list[SizingReason] = []
    for s, e in runs(short, lo):
        why: list[str] = []
        code = BLACKOUT
        for unit in fitting:
            if usable[unit.id][s - lo]:
                continue
            t, h = unit.policy.transit_days, unit.policy.handover_days
            hit = [
                (bs, be)
                for bs, be in unit.blackouts
                if bs - t <= s < be + t + h
            ]
            if hit:
                bs, be = hit[0]
                why.append(
                    f"{unit.id} in blackout {inst.date(bs)} to {inst.date(be)}"
                )
            elif unit.available_from is not None and (
                s < unit.available_from + t + h
            ):
                code = UNAVAILABLE
                why.append(
                    f"{unit.id} available from "
                    f"{inst.date(unit.available_from)}"
                )
            elif unit.available_until is not None and (
                s >= unit.available_until - t
            ):
                code = UNAVAILABLE
                why.append(
                    f"{unit.id} available until "
                    f"{inst.date(unit.available_until)}"
                )
            else:
                code = UNAVAILABLE
                why.append(f"{unit.id} on a fixed tour elsewhere")
        out.append(
            SizingReason(
                code,
                f"from {inst.date(s)} to {inst.date(e)} "
                f"{_fewer(req.count)} could be on site: " + "; ".join(why),
                e - s,
            )
        )
    return out


def _capacity_reasons(
    inst: Instance,
    req: RequirementData,
    fitting: list[UnitData],
    sizing: Sizing,
    days: int,
) -> list[SizingReason]:
    cap = inst.sites[req.site].capacity
    if cap is None:
        return []
    # The smallest units the pool could send, one per place, and the
    # relief of one place overlapping for the handover.
    by_size = sorted(fitting, key=lambda u: (u.troops, u.id))
    steady = sum(u.troops for u in by_size[: req.count])
    relief = by_size[: req.count + 1]
    # Steady presence of the other requirements at the site.
    others = 0
    for other in inst.requirements.values():
        if (
            other.id == req.id
            or other.site != req.site
            or other.end <= req.start
            or req.end <= other.start
        ):
            continue
        troops = sorted(
            inst.units[u].troops for u, _ in inst.eligible_units(other.id)
        )
        others += sum(troops[: other.count])
    where = f"site {req.site} holds {cap} troops" + (
        f", {others} of them taken by the other requirements there"
        if others
        else ""
    )
    smallest = by_size[0].troops
    if cap - others < smallest:
        return [
            SizingReason(
                SITE_CAPACITY,
                f"{where}; the smallest eligible unit, {by_size[0].id}, "
                f"has {smallest}: raise the capacity to {others + smallest}",
                req.count * days,
            )
        ]
    if cap - others < steady:
        fit = 0
        while sum(u.troops for u in by_size[: fit + 1]) <= cap - others:
            fit += 1
        return [
            SizingReason(
                SITE_CAPACITY,
                f"{where}: room for {fit} of the {req.count} units at a "
                f"time; raise it to {others + steady}",
                (req.count - fit) * days,
            )
        ]
    overlap = sum(u.troops for u in relief)
    if len(relief) > req.count and cap - others < overlap:
        reliefs = max(
            0,
            math.ceil((days + sizing.handover_days) / sizing.tour_days) - 1,
        )
        pair = " and ".join(f"{u.id} ({u.troops})" for u in relief[-2:])
        return [
            SizingReason(
                SITE_CAPACITY,
                f"{where}: even the smallest relief, {pair}, cannot "
                f"overlap for the {sizing.handover_days}-day handover, so "
                f"each relief leaves a gap of {sizing.handover_days} days "
                f"(about {reliefs * sizing.handover_days} days over the "
                f"window); raise the capacity to {others + overlap} "
                "during handovers",
                reliefs * sizing.handover_days,
            )
        ]
    return []


def _size_capability(
    scenario: Scenario,
    inst: Instance,
    capability: str,
    req_sizings: list[RequirementSizing],
    fixed_by_unit: dict[str, list[tuple[int, int, str]]],
) -> CapabilitySizing:
    reqs = [
        inst.requirements[r.requirement]
        for r in req_sizings
        if r.capability == capability
    ]
    by_id = {r.requirement: r for r in req_sizings}
    own_units = [u for u in inst.units.values() if u.capability == capability]
    policy = typical_policy(own_units, default_policy(scenario, capability))
    sizing = rotation_multiplier(policy)
    subs: dict[str, tuple[str, ...]] = {}
    for needed, offered in sorted(inst.substitutions):
        if needed != capability or offered == capability:
            continue
        ids = tuple(
            sorted(
                u.id for u in inst.units.values() if u.capability == offered
            )
        )
        if ids:
            subs[offered] = ids

    # Sweep the day boundaries for the peaks of concurrent demand:
    # units on site, units tied up, and the same before rounding.
    events: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    windows = []
    for req in reqs:
        lo, hi = counted_window(inst, req)
        if hi <= lo:
            continue
        windows.append((lo, hi))
        change = (
            req.count,
            req.count * sizing.units_for(hi - lo),
            req.count * _exact_units(sizing, hi - lo),
        )
        for day, sign in ((lo, 1), (hi, -1)):
            for i, value in enumerate(change):
                events[day][i] += sign * value
    peak = units_needed = 0
    exact_need = 0.0
    running = [0.0, 0.0, 0.0]
    for day in sorted(events):
        running = [a + b for a, b in zip(running, events[day], strict=True)]
        peak = max(peak, round(running[0]))
        units_needed = max(units_needed, round(running[1]))
        exact_need = max(exact_need, running[2])

    served = {r.id for r in reqs}

    def equivalent(units: list[UnitData]) -> float:
        """Units in units of the typical policy over the demand span."""
        if not windows:
            return 0.0
        lo = min(w[0] for w in windows)
        hi = max(w[1] for w in windows)
        total = 0.0
        for unit in units:
            busy = _busy_elsewhere(unit, served, fixed_by_unit)
            share = float(usable_days(unit, lo, hi, busy).mean())
            total += unit_presence(unit, hi - lo) * share
        return total * _exact_units(sizing, hi - lo)

    sub_units = [inst.units[u] for ids in subs.values() for u in ids]
    eq_own = equivalent(own_units)
    eq_sub = equivalent(sub_units)
    blocked = [r for r in reqs if not by_id[r.id].covered and by_id[r.id].days]
    shortfall = 0
    if not windows:
        verdict = "no demand in the horizon"
    elif eq_own + _EPS >= exact_need:
        verdict = "enough"
    elif eq_own + eq_sub + _EPS >= exact_need:
        verdict = "enough with substitutes"
    else:
        shortfall = max(1, math.ceil(exact_need - eq_own - eq_sub - 1e-6))
        verdict = f"short by {_plural(shortfall, 'unit')}"
        if len(own_units) + len(sub_units) >= units_needed:
            verdict += " once availability and blackouts are counted"
    if blocked and windows:
        verdict += (
            f"; {_plural(len(blocked), 'requirement')} cannot be fully "
            "covered (see reasons)"
        )
    return CapabilitySizing(
        capability=capability,
        requirements=tuple(r.id for r in reqs),
        peak_demand=peak,
        sizing=sizing,
        units_needed=units_needed,
        own_units=tuple(sorted(u.id for u in own_units)),
        substitutes=subs,
        equivalent_own=eq_own,
        equivalent_substitutes=eq_sub,
        shortfall=shortfall,
        verdict=verdict,
    )
