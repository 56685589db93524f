"""Why a plan leaves a requirement short, and what would close the gap.

For each gap window the checker reports, every unit that may fill the
requirement is asked: could it have counted on site during the window,
given the rest of the plan? The question is answered exactly, for one
tour of one unit, by ``_best_tour``. It is asked again with one family
of rules lifted at a time (the dwell owed from before the plan, the
unit's other tours in the plan, availability, blackouts, site
capacity); the family whose lifting lets a unit cover the most of the
window is the binding cause. Each suggestion is a concrete change that
was tried the same way and shown to let a unit cover part of the
window.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from ..model import Instance, Plan, Policy, Scenario
from ..model.instance import Leg, RequirementData, UnitData
from .check import CheckResult, check
from .days import runs
from .sizing import (
    BLACKOUT,
    HORIZON_START,
    IN_DWELL,
    NO_ELIGIBLE_UNIT,
    PLANNER_CHOICE,
    SITE_CAPACITY,
    TOO_FEW_UNITS,
    UNAVAILABLE,
    WINDOW_TOO_SHORT,
    default_policy,
    requirement_policy,
    rotation_multiplier,
    tour_fits,
)

# Families of rules that can keep a unit away, and the cause each one
# stands for when it binds.
HISTORY = "history"  # dwell owed from before the plan, fixed tours
PLANNED = "plan"  # the unit's other tours in this plan
AVAILABILITY = "availability"
BLACKOUTS = "blackout"
CAPACITY = "capacity"
FAMILIES = (HISTORY, PLANNED, AVAILABILITY, BLACKOUTS, CAPACITY)
_CAUSE_OF = {
    HISTORY: IN_DWELL,
    PLANNED: TOO_FEW_UNITS,
    AVAILABILITY: UNAVAILABLE,
    BLACKOUTS: BLACKOUT,
    CAPACITY: SITE_CAPACITY,
}
_FAMILY_OF = {cause: family for family, cause in _CAUSE_OF.items()}
# When two families would close as much of a gap, the more specific
# cause is the better explanation: "too few units" is always true of a
# gap in some sense.
_PREFERENCE = (BLACKOUTS, AVAILABILITY, HISTORY, CAPACITY, PLANNED)
# How many units a message lists by name.
_LISTED = 6


@dataclass(frozen=True, kw_only=True)
class GapWindow:
    """What every gap explanation says of its window of days.

    ``cause`` is one of ``rotaplan.analyze.sizing.CAUSES``;
    ``other_causes`` are further causes that would also close part of
    the window.
    """

    start: date
    end: date
    gap_days: int
    peak_short: int
    cause: str
    message: str
    suggestions: list[str] = field(default_factory=list)
    other_causes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Length of the window in days."""
        return (self.end - self.start).days

    def window_fields(self) -> dict[str, Any]:
        """The window's fields as JSON-ready data, dates as ISO strings."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "gap_days": self.gap_days,
            "peak_short": self.peak_short,
            "cause": self.cause,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "other_causes": list(self.other_causes),
            "units": dict(self.units),
        }

    def _with_suggestions(self, head: str) -> str:
        return "\n".join([head] + [f"  - {s}" for s in self.suggestions])


@dataclass(frozen=True)
class GapExplanation(GapWindow):
    """Why one gap window of one requirement is open, and how to close it.

    ``units`` says for each unit that may fill the requirement why it is
    not there.
    """

    requirement: str

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data, dates as ISO strings."""
        return {"requirement": self.requirement, **self.window_fields()}

    def __str__(self) -> str:
        return self._with_suggestions(
            f"{self.requirement} {self.start} to {self.end}: "
            f"{_plural(self.gap_days, 'gap day')}, {self.cause}: "
            f"{self.message}"
        )


@dataclass(frozen=True)
class _Tour:
    """The best single tour found for one unit against one window."""

    start: int
    end: int
    covered: int  # days of the window the tour counts on
    # The unit's tour in the plan this one stretches into the window,
    # when it is that tour run longer rather than a new one.
    replaces: tuple[Leg, ...] = ()


@dataclass(frozen=True)
class _Subject:
    """One unit as a test sees it: its data (possibly changed for a
    what-if) and the tours of the plan that stay around it."""

    unit: UnitData
    legs: tuple[Leg, ...]


class _Context:
    """The plan in integer days, indexed for repeated tests."""

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.scenario = scenario
        inst = Instance.from_scenario(scenario)
        self.inst = inst
        fixed = {(f.unit, f.requirement, f.start, f.end) for f in inst.fixed}
        self.legs: dict[str, list[Leg]] = {u: [] for u in inst.units}
        for d in plan.deployments:
            if d.unit not in inst.units or d.requirement not in (
                inst.requirements
            ):
                continue  # a broken plan: the checker reports it
            leg = inst.leg(d)
            key = (leg.unit, leg.requirement, leg.start, leg.end)
            self.legs[leg.unit].append(replace(leg, fixed=key in fixed))
        for legs in self.legs.values():
            legs.sort(key=lambda x: (x.start, x.end))
        spans = [leg for legs in self.legs.values() for leg in legs]
        self.offset = (
            min(
                [0]
                + [x.start for x in spans]
                + [r.start for r in inst.requirements.values()]
            )
            - 2000
        )
        top = (
            max(
                [inst.horizon_end]
                + [x.end for x in spans]
                + [r.end for r in inst.requirements.values()]
            )
            + 2000
        )
        self.load: dict[str, np.ndarray] = {}
        for site_data in inst.sites.values():
            if site_data.capacity is not None:
                self.load[site_data.id] = np.zeros(top - self.offset, np.int64)
        for leg in spans:
            site = inst.requirements[leg.requirement].site
            if site in self.load:
                o = self.offset
                troops = inst.units[leg.unit].troops
                self.load[site][leg.start - o : leg.end - o] += troops
        self.blackout_reason: dict[tuple[str, int, int], str] = {}
        for u in scenario.units:
            for b in u.blackouts:
                span = (u.id, inst.day(b.start), inst.day(b.end))
                self.blackout_reason[span] = b.reason

    def load_without(
        self, site: str, unit: str, lo: int, hi: int
    ) -> np.ndarray | None:
        """Troops on site for days ``[lo, hi)``, the unit's own tours
        left out; None for a site without a limit."""
        if site not in self.load:
            return None
        o = self.offset
        out = self.load[site][lo - o : hi - o].copy()
        troops = self.inst.units[unit].troops if unit in self.inst.units else 0
        for leg in self.legs.get(unit, []):
            if self.inst.requirements[leg.requirement].site == site:
                _add_clipped(out, lo, leg.start, leg.end, -troops)
        return out

    def present(self, req: RequirementData, lo: int, hi: int) -> np.ndarray:
        """Units counting on a requirement on each day of ``[lo, hi)``."""
        have = np.zeros(hi - lo, dtype=np.int64)
        for legs in self.legs.values():
            for leg in legs:
                if leg.requirement != req.id:
                    continue
                h = self.inst.units[leg.unit].policy.handover_days
                _add_clipped(have, lo, leg.start + h, leg.end, 1)
        return have


def _add_clipped(
    days: np.ndarray, lo: int, start: int, end: int, amount: int
) -> None:
    """Add ``amount`` to the days of ``[start, end)`` that ``days``
    holds; its first entry is day ``lo``."""
    s, e = max(start, lo), min(end, lo + len(days))
    if e > s:
        days[s - lo : e - lo] += amount


def _overlaps(leg: Leg, lo: int, hi: int) -> bool:
    """Whether the unit is on site for ``leg`` on a day of ``[lo, hi)``."""
    return leg.start < hi and leg.end > lo


def _ready_after(pol: Policy, leg: Leg) -> int:
    """The first day the unit may leave home again after ``leg``: back
    from transit, then the dwell the tour earns (H4)."""
    return leg.end + pol.transit_days + pol.dwell_after(leg.days)


def _best_tour(
    ctx: _Context,
    subject: _Subject,
    req: RequirementData,
    lo: int,
    hi: int,
    relax: frozenset[str] = frozenset(),
    capacity: int | None = None,
) -> _Tour | None:
    """The tour of ``subject`` on ``req`` that counts on the most days
    of ``[lo, hi)`` under every rule of the contract (H2 to H7) except
    the families in ``relax``; None if it cannot count on any.

    ``capacity`` replaces the site's capacity for a what-if.

    Within one stretch of days free of blackouts, unavailability and
    overload, and between two of the unit's kept tours, the best tour
    starts ``handover`` days before ``lo`` or as close to it as the
    rules allow, and is as long as they allow: starting earlier only
    loses days at the end, starting later loses them at the start.
    """
    inst = ctx.inst
    unit = subject.unit
    pol = unit.policy
    t, h = pol.transit_days, pol.handover_days
    shortest, longest = pol.min_deployment_days, pol.max_deployment_days
    first_start = max(req.start - h, 0)
    x0 = max(first_start, lo - h - longest)
    x1 = min(req.end, hi + longest)
    if x1 - x0 < shortest:
        return None
    days = np.arange(x0, x1)
    ok = np.ones(x1 - x0, dtype=bool)
    if AVAILABILITY not in relax:
        if unit.available_from is not None:
            ok &= days >= unit.available_from + t
        if unit.available_until is not None:
            ok &= days < unit.available_until - t
    if BLACKOUTS not in relax:
        # Away [s - T, e + T) meets [b0, b1) iff on site [s, e) meets
        # [b0 - T, b1 + T).
        for b0, b1 in unit.blackouts:
            ok &= ~((days >= b0 - t) & (days < b1 + t))
    if CAPACITY not in relax:
        cap = (
            capacity if capacity is not None else inst.sites[req.site].capacity
        )
        load = ctx.load_without(req.site, unit.id, x0, x1)
        if cap is not None:
            if load is None:
                load = np.zeros(x1 - x0, dtype=np.int64)
            ok &= load + unit.troops <= cap
    kept = [
        leg
        for leg in subject.legs
        if not (
            (leg.fixed and HISTORY in relax)
            or (not leg.fixed and PLANNED in relax)
        )
    ]
    ready = None if HISTORY in relax else unit.ready_from
    slots = list(zip([None, *kept], [*kept, None], strict=True))
    best: _Tour | None = None
    for a, b in runs(ok, x0):
        for prev, nxt in slots:
            s_lo = max(a, first_start)
            if prev is not None:
                s_lo = max(s_lo, _ready_after(pol, prev) + t)
            elif ready is not None:
                # H4 binds the unit's first tour in the plan.
                s_lo = max(s_lo, ready + t)
            s_hi = min(b - shortest, inst.horizon_end - 1)
            if nxt is not None:
                s_hi = min(
                    s_hi,
                    nxt.start - 2 * t - pol.dwell_after(shortest) - shortest,
                )
            if s_lo > s_hi:
                continue
            s = min(max(lo - h, s_lo), s_hi)
            e = min(b, s + longest)
            if nxt is not None:
                # The longest tour that still leaves the dwell it owes
                # before the next one; shortest fits (s <= s_hi).
                good, bad = s + shortest, e + 1
                while bad - good > 1:
                    mid = (good + bad) // 2
                    if nxt.start - 2 * t - mid >= pol.dwell_after(mid - s):
                        good = mid
                    else:
                        bad = mid
                e = good
            covered = min(e, hi) - max(s + h, lo)
            if covered <= 0:
                continue
            tour = _Tour(s, e, covered)
            if best is None or (covered, -s) > (best.covered, -best.start):
                best = tour
    return best


def _ask(
    ctx: _Context,
    subject: _Subject,
    req: RequirementData,
    lo: int,
    hi: int,
    relax: frozenset[str] = frozenset(),
    capacity: int | None = None,
    stretch: Leg | None = None,
) -> _Tour | None:
    """The unit's best tour for ``[lo, hi)`` as ``_best_tour`` finds
    it, or, when ``stretch`` is its tour ending where the window
    starts, that tour run longer, whichever counts on more days.

    Both are asked: a unit already at its longest tour cannot stretch,
    yet may come back for a new one once its other tours are lifted.
    """
    tour = _best_tour(ctx, subject, req, lo, hi, relax, capacity)
    if stretch is None:
        return tour
    longer = _stretched(ctx, subject, req, stretch, lo, hi, relax, capacity)
    # On a tie the new tour is kept: it is the answer the explanation
    # gave before the stretch was asked.
    if longer is not None and longer.covered > _covered(tour):
        return longer
    return tour


def _stretched(
    ctx: _Context,
    subject: _Subject,
    req: RequirementData,
    leg: Leg,
    lo: int,
    hi: int,
    relax: frozenset[str],
    capacity: int | None,
) -> _Tour | None:
    """``leg``, which ends on day ``lo``, run on into ``[lo, hi)`` as
    far as the rules (but those of ``relax``) allow; None if it cannot
    run on. Its covered days are the days of the window it adds."""
    rest = _Subject(subject.unit, tuple(x for x in subject.legs if x != leg))
    pol = subject.unit.policy
    # Asked from the first day the tour counts and for no more days
    # than its longest tour from its start, the best tour starts with
    # it: any other tour would count on fewer of those days.
    tour = _best_tour(
        ctx,
        rest,
        req,
        leg.start + pol.handover_days,
        min(hi, leg.start + pol.max_deployment_days),
        relax,
        capacity,
    )
    if tour is None or tour.start > leg.start or tour.end <= lo:
        return None
    # No longer than the window needs: a shorter tour owes less dwell
    # and keeps every rule the longer one keeps.
    end = min(tour.end, hi)
    return _Tour(tour.start, end, end - lo, replaces=(leg,))


def _counts_from(ctx: _Context, unit: UnitData, tour: _Tour, lo: int) -> date:
    """The first day of the window the tour counts on."""
    return ctx.inst.date(max(tour.start + unit.policy.handover_days, lo))


def _covered(tour: _Tour | None) -> int:
    return 0 if tour is None else tour.covered


@dataclass
class _UnitFindings:
    """What the tests found for one unit against one window."""

    subject: _Subject
    base: _Tour | None = None
    single: dict[str, _Tour | None] = field(default_factory=dict)
    essential: list[str] = field(default_factory=list)
    serving: bool = False
    # The unit's tours on the requirement that the test left out (the
    # late relief itself): a tour found replaces them.
    dropped: tuple[Leg, ...] = ()
    # Its tour on the requirement ending where the window starts: the
    # tests also ask whether it could have stayed on.
    stretch: Leg | None = None

    def freed_by(self, family: str) -> bool:
        """Whether lifting the family alone lets the unit count."""
        return self.single.get(family) is not None


def explain_gaps(
    scenario: Scenario,
    plan: Plan,
    check_result: CheckResult | None = None,
) -> list[GapExplanation]:
    """Explain every gap window of a plan.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan whose gaps to explain.
    check_result
        ``check(scenario, plan)``, when already at hand; computed if
        None.

    Returns
    -------
    list[GapExplanation]
        One per gap window, in the order of the scenario's requirements
        and then of time; empty when the plan has no gap.
    """
    if check_result is None:
        check_result = check(scenario, plan)
    if not check_result.gaps:
        return []
    ctx = _Context(scenario, plan)
    out: list[GapExplanation] = []
    for req_id in ctx.inst.requirements:
        for start, end, peak in check_result.gaps.get(req_id, []):
            out.append(_explain_window(ctx, req_id, start, end, peak))
    return out


def _explain_window(
    ctx: _Context, req_id: str, lo: int, hi: int, peak: int
) -> GapExplanation:
    inst = ctx.inst
    req = inst.requirements[req_id]
    short = np.maximum(0, req.count - ctx.present(req, lo, hi))
    gap_days = int(short.sum())
    eligible = [inst.units[u] for u, _ in inst.eligible_units(req_id)]

    def done(
        cause: str,
        message: str,
        suggestions: list[str],
        others: list[str] | None = None,
        units: dict[str, str] | None = None,
    ) -> GapExplanation:
        return GapExplanation(
            requirement=req_id,
            start=inst.date(lo),
            end=inst.date(hi),
            gap_days=gap_days,
            peak_short=peak,
            cause=cause,
            message=message,
            suggestions=_unique(suggestions),
            other_causes=others or [],
            units=units or {},
        )

    if not eligible:
        return done(
            NO_ELIGIBLE_UNIT,
            f"no unit has capability {req.capability!r} and no "
            "substitution lets another capability fill it",
            _new_unit_suggestions(ctx, req, lo, hi, peak)
            + _substitution_suggestions(ctx, req, lo, hi),
        )
    fitting = [u for u in eligible if tour_fits(inst, u, req)]
    if not fitting:
        return done(
            WINDOW_TOO_SHORT,
            _too_short_message(ctx, req, eligible),
            [
                _lengthen_suggestion(req, eligible),
                *_lower_minimum_suggestion(req, eligible),
            ],
        )

    # Days before any new tour could count: the horizon start (H7).
    first_count = min(
        max(req.start - u.policy.handover_days, 0) + u.policy.handover_days
        for u in fitting
    )
    early = max(0, min(hi, first_count) - lo)
    if first_count >= hi:
        return done(
            HORIZON_START,
            _horizon_message(ctx, req, first_count),
            _horizon_suggestions(ctx, req, first_count),
        )
    a = max(lo, first_count)
    findings = _examine(ctx, req, fitting, a, hi)
    cause, others, chosen = _binding(findings)
    if early:
        others = [HORIZON_START, *others]
    units = {
        uid: _describe_unit(ctx, req, f, a, hi) for uid, f in findings.items()
    }
    message, suggestions = _cause_text(
        ctx, req, cause, chosen, findings, a, hi, peak
    )
    if early:
        message += (
            f"; and no new tour can count before {inst.date(first_count)}"
            " (start of the horizon)"
        )
        suggestions += _horizon_suggestions(ctx, req, first_count)
    return done(cause, message, suggestions, others, units)


def _examine(
    ctx: _Context,
    req: RequirementData,
    units: list[UnitData],
    lo: int,
    hi: int,
) -> dict[str, _UnitFindings]:
    """Run the tests for every unit that may fill ``req``."""
    out: dict[str, _UnitFindings] = {}
    for unit in units:
        h = unit.policy.handover_days
        kept: list[Leg] = []
        dropped: list[Leg] = []
        serving = False
        for leg in ctx.legs[unit.id]:
            on_req = leg.requirement == req.id
            if on_req and max(leg.start + h, lo) < min(leg.end, hi):
                serving = True
            # A tour of this requirement still in handover during the
            # window is the late relief itself: the test asks whether
            # it could have come sooner, so it is left out.
            if on_req and _overlaps(leg, lo, hi) and not leg.fixed:
                dropped.append(leg)
                continue
            kept.append(leg)
        subject = _Subject(unit, tuple(kept))
        # A fixed tour is what happened: it is not asked to stay on.
        ending = [
            leg
            for leg in kept
            if leg.requirement == req.id and leg.end == lo and not leg.fixed
        ]
        found = _UnitFindings(
            subject,
            serving=serving,
            dropped=tuple(dropped),
            stretch=ending[0] if ending else None,
        )
        out[unit.id] = found
        if serving:
            continue

        def best(
            relax: frozenset[str], found: _UnitFindings = found
        ) -> _Tour | None:
            return _ask(
                ctx, found.subject, req, lo, hi, relax, stretch=found.stretch
            )

        _probe(found, best)
    return out


def _probe(
    found: _UnitFindings,
    best: Callable[[frozenset[str]], _Tour | None],
) -> None:
    """Fill in ``found`` from ``best``, the unit's best tour with the
    given families of rules lifted: first with none, then one family
    at a time, then, if no single family is enough, all but one."""
    found.base = best(frozenset())
    if found.base is not None:
        return
    for family in FAMILIES:
        found.single[family] = best(frozenset({family}))
    if not any(found.single.values()):
        everything = frozenset(FAMILIES)
        if best(everything):
            found.essential = [
                f for f in FAMILIES if best(everything - {f}) is None
            ]


def _binding(
    findings: dict[str, _UnitFindings],
) -> tuple[str, list[str], dict[str, str]]:
    """The binding cause, other causes, and for the binding family the
    unit whose relief would close most (keyed by family)."""
    planner = [
        (f.base.covered, uid)
        for uid, f in findings.items()
        if f.base is not None
    ]
    if planner:
        _, uid = min(planner, key=lambda c: (-c[0], c[1]))
        return PLANNER_CHOICE, [], {PLANNER_CHOICE: uid}
    score: dict[str, tuple[int, str]] = {}
    for uid in sorted(findings):
        for family, tour in findings[uid].single.items():
            if (
                tour is not None
                and tour.covered > score.get(family, (0, ""))[0]
            ):
                score[family] = (tour.covered, uid)
    if score:
        family, others = _strongest({f: c for f, (c, _) in score.items()})
        return (
            _CAUSE_OF[family],
            others,
            {f: uid for f, (_, uid) in score.items()},
        )
    counts: dict[str, list[str]] = defaultdict(list)
    for uid in sorted(findings):
        for family in findings[uid].essential:
            counts[family].append(uid)
    if counts:
        family, others = _strongest({f: len(u) for f, u in counts.items()})
        return _CAUSE_OF[family], others, {f: u[0] for f, u in counts.items()}
    return TOO_FEW_UNITS, [], {}


def _strongest(strength: dict[str, int]) -> tuple[str, list[str]]:
    """The family with the most strength, and the causes the other
    families stand for.

    On a tie, and in the order of the others, the more specific cause
    comes first (see ``_PREFERENCE``).
    """
    family = max(strength, key=lambda f: (strength[f], -_PREFERENCE.index(f)))
    others = [
        _CAUSE_OF[f] for f in _PREFERENCE if f in strength and f != family
    ]
    return family, others


# --------------------------------------------------------------------
# Words


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _fewest_days(unit: UnitData) -> int:
    """The shortest tour of the unit that counts on a day: at least
    min_deployment_days, and longer than its handover."""
    pol = unit.policy
    return max(pol.min_deployment_days, pol.handover_days + 1)


def _lead(unit: UnitData, req: RequirementData) -> int:
    """How many days before ``req`` starts the unit's tour may start:
    its handover, but never before the horizon (H7)."""
    return max(0, min(unit.policy.handover_days, req.start))


def _room(unit: UnitData, req: RequirementData) -> int:
    """The longest tour of the unit that fits ``req``: from its
    earliest start to the requirement's end."""
    return req.end - (req.start - _lead(unit, req))


def _length_to_fit(unit: UnitData, req: RequirementData) -> int:
    """The fewest days ``req``, keeping its start, must last for one
    tour of the unit to fit it."""
    return _fewest_days(unit) - _lead(unit, req)


def _too_short_message(
    ctx: _Context, req: RequirementData, eligible: list[UnitData]
) -> str:
    """Why no eligible unit fits one tour in ``req``, worded for the
    unit that comes closest."""
    inst = ctx.inst
    unit = min(eligible, key=lambda u: (_length_to_fit(u, req), u.id))
    pol = unit.policy
    shortest = (
        f"of at least min_deployment_days {pol.min_deployment_days}"
        if pol.min_deployment_days > pol.handover_days
        else f"longer than handover_days {pol.handover_days}"
    )
    message = (
        f"{req.id} lasts {_plural(req.end - req.start, 'day')} "
        f"({inst.date(req.start)} to {inst.date(req.end)}): no tour "
        f"{shortest} fits in it"
    )
    lead = _lead(unit, req)
    if lead == pol.handover_days:
        return message + (
            f", even starting handover_days {pol.handover_days} early"
        )
    # H7 takes away part of the handover lead a tour would have.
    early = f"more than {_plural(lead, 'day')} early" if lead else "early"
    return message + (
        f", and no tour may start before the horizon ({inst.date(0)}), "
        f"so none can start {early}"
    )


def _lengthen_suggestion(
    req: RequirementData, eligible: list[UnitData]
) -> str:
    days = min(_length_to_fit(u, req) for u in eligible)
    return f"lengthen {req.id} to at least {_plural(days, 'day')}"


def _lower_minimum_suggestion(
    req: RequirementData, eligible: list[UnitData]
) -> list[str]:
    """The highest min_deployment_days at which some eligible unit fits
    a tour in ``req``; none when no unit's minimum is what binds (the
    room left is no longer than its handover)."""
    lowered = {
        u.id: _room(u, req)
        for u in eligible
        if u.policy.handover_days
        < _room(u, req)
        < u.policy.min_deployment_days
    }
    if not lowered:
        return []
    days = max(lowered.values())
    named = sorted(uid for uid, room in lowered.items() if room == days)
    whom = (
        f"the {req.capability} units"
        if len(named) == len(eligible)
        else ", ".join(named)
    )
    return [f"lower min_deployment_days to {days} for {whom}"]


def _horizon_message(
    ctx: _Context, req: RequirementData, first_count: int
) -> str:
    inst = ctx.inst
    return (
        f"no new tour may start before the horizon ({inst.date(0)}) or "
        f"more than its handover before {req.id} starts, so no unit "
        f"arriving under this plan counts before {inst.date(first_count)}"
    )


def _horizon_suggestions(
    ctx: _Context, req: RequirementData, first_count: int
) -> list[str]:
    inst = ctx.inst
    return [
        f"list the tour already on site for {req.id} under 'fixed:'",
        f"or start {req.id} on {inst.date(first_count)}",
    ]


def _free_from(subject: _Subject, tour: _Tour) -> int:
    """The first day the unit may leave home before ``tour``, by the
    dwell it owes from its tour before, or from before the plan."""
    unit = subject.unit
    pol = unit.policy
    before = [leg for leg in subject.legs if leg.end <= tour.start]
    if before:
        return _ready_after(pol, before[-1])
    if unit.ready_from is not None:
        return unit.ready_from
    return tour.start - pol.transit_days


def _history_ready(subject: _Subject, lo: int) -> int | None:
    """The first day the unit may leave home by what it owes from
    before the plan: its last tour and fixed tours before ``lo``."""
    unit = subject.unit
    pol = unit.policy
    days = [
        _ready_after(pol, leg)
        for leg in subject.legs
        if leg.fixed and leg.start < lo
    ]
    if unit.ready_from is not None:
        days.append(unit.ready_from)
    return max(days, default=None)


def ready_words(
    ctx: _Context, unit: UnitData, ready: int, reqs: list[RequirementData]
) -> str:
    """The words for a unit free to leave home on day ``ready``: ready D
    (counts from C), C the first day a tour on one of ``reqs`` counts.

    A unit free too late for even its shortest tour to fit before the
    requirements end (or to start inside the horizon) will not count
    on them at all: a counts-from date would promise a tour no rule
    allows, so the words say it cannot count instead.
    """
    inst = ctx.inst
    pol = unit.policy
    t, h = pol.transit_days, pol.handover_days
    shortest = _fewest_days(unit)
    counts = [
        start + h
        for req in reqs
        for start in [max(ready + t, req.start - h, 0)]
        if start + shortest <= req.end and start < inst.horizon_end
    ]
    if counts:
        return (
            f"ready {inst.date(ready)} (counts from {inst.date(min(counts))})"
        )
    # Name whichever ends first: the requirements or the horizon.
    if all(req.end > inst.horizon_end for req in reqs):
        return (
            f"ready {inst.date(ready)} (cannot count before the horizon "
            f"ends {inst.date(inst.horizon_end)})"
        )
    ends = " or ".join(
        f"{req.id} ends {inst.date(req.end)}"
        for req in sorted(reqs, key=lambda r: (r.end, r.id))
    )
    return (
        f"ready {inst.date(ready)} (cannot count before {ends}: no tour "
        f"of at least {_plural(shortest, 'day')} fits)"
    )


def _describe_unit(
    ctx: _Context,
    req: RequirementData,
    found: _UnitFindings,
    lo: int,
    hi: int,
) -> str:
    """One line on why a unit is not counting during the window."""
    inst = ctx.inst
    unit = found.subject.unit
    if found.serving:
        return "on site and counting"
    if found.base is not None:
        instead = "".join(
            f" instead of {inst.date(x.start)} to {inst.date(x.end)}"
            for x in found.base.replaces
        )
        return (
            f"could count from {_counts_from(ctx, unit, found.base, lo)}"
            f" with a tour {inst.date(found.base.start)} to "
            f"{inst.date(found.base.end)}{instead}"
        )
    families = [f for f in FAMILIES if found.freed_by(f)]
    if not families:
        families = found.essential
    if not families:
        return "cannot count then under any change tried"
    return "; ".join(
        _family_words(ctx, req, found, f, lo, hi) for f in families
    )


def _family_words(
    ctx: _Context,
    req: RequirementData,
    found: _UnitFindings,
    family: str,
    lo: int,
    hi: int,
) -> str:
    inst = ctx.inst
    subject = found.subject
    unit = subject.unit
    pol = unit.policy
    if family == HISTORY:
        # Whichever of its history binds last: the last tour before the
        # plan, or a fixed tour.
        binds: list[tuple[int, str]] = []
        if unit.ready_from is not None:
            binds.append(
                (
                    unit.ready_from,
                    f"in dwell until {inst.date(unit.ready_from)} after "
                    f"its last tour (home "
                    f"{inst.date(unit.last_return or 0)})",
                )
            )
        for leg in subject.legs:
            if not leg.fixed:
                continue
            if _overlaps(leg, lo, hi):
                binds.append(
                    (
                        hi + leg.end,
                        f"on its fixed tour on {leg.requirement} until "
                        f"{inst.date(leg.end)}",
                    )
                )
            elif leg.end <= lo:
                ready = _ready_after(pol, leg)
                binds.append(
                    (
                        ready,
                        f"in dwell until {inst.date(ready)} after its "
                        f"fixed tour on {leg.requirement} ending "
                        f"{inst.date(leg.end)}",
                    )
                )
        return max(binds)[1] if binds else "held by its history"
    if family == PLANNED:
        during = [
            f"on {leg.requirement} until {inst.date(leg.end)}"
            for leg in subject.legs
            if not leg.fixed and _overlaps(leg, lo, hi)
        ]
        before = [
            leg for leg in subject.legs if not leg.fixed and leg.end <= lo
        ]
        after = [
            leg for leg in subject.legs if not leg.fixed and leg.start >= hi
        ]
        parts = during
        if before:
            last = before[-1]
            ready = _ready_after(pol, last)
            parts.append(
                f"resting after its tour on {last.requirement} ending "
                f"{inst.date(last.end)}, may leave again "
                f"{inst.date(ready)}"
            )
        # The relief the test left out is the unit's next tour: it
        # ends the gap, so a tour after it is not what the unit is due
        # on.
        due = sorted([*found.dropped, *after], key=lambda x: x.start)
        if due:
            parts.append(
                f"due on {due[0].requirement} from {inst.date(due[0].start)}"
            )
        return "; ".join(parts) or "held by its other tours"
    if family == AVAILABILITY:
        parts = []
        if unit.available_from is not None:
            parts.append(f"available from {inst.date(unit.available_from)}")
        if unit.available_until is not None:
            parts.append(f"available until {inst.date(unit.available_until)}")
        return " and ".join(parts)
    if family == BLACKOUTS:
        tour = found.single.get(BLACKOUTS)
        hit = _blackouts_hit(unit, tour)
        return (
            "; ".join(
                f"blackout {inst.date(b0)} to {inst.date(b1)}"
                + _reason(ctx, unit.id, b0, b1)
                for b0, b1 in hit
            )
            or "blackouts"
        )
    tour = found.single.get(CAPACITY)
    if tour is None:
        return f"no room at {req.site}"
    need = _capacity_needed(ctx, req, unit, tour)
    return (
        f"no room at {req.site}: {_plural(need, 'troop')} with it on site, "
        "capacity "
        f"{inst.sites[req.site].capacity}"
    )


def _reason(ctx: _Context, unit: str, b0: int, b1: int) -> str:
    why = ctx.blackout_reason.get((unit, b0, b1), "")
    return f" ({why})" if why else ""


def _blackouts_hit(
    unit: UnitData, tour: _Tour | None
) -> list[tuple[int, int]]:
    if tour is None:
        return list(unit.blackouts)
    t = unit.policy.transit_days
    return [
        (b0, b1)
        for b0, b1 in unit.blackouts
        if tour.start - t < b1 and b0 < tour.end + t
    ]


def _load_during(
    ctx: _Context, req: RequirementData, unit: UnitData, tour: _Tour
) -> np.ndarray | None:
    """Troops the rest of the plan puts on the site on each day of the
    tour; None for a site without a limit."""
    return ctx.load_without(req.site, unit.id, tour.start, tour.end)


def _overload(
    ctx: _Context, req: RequirementData, unit: UnitData, tour: _Tour
) -> int:
    """Troop-days over the site's capacity if the unit made the tour."""
    cap = ctx.inst.sites[req.site].capacity
    load = _load_during(ctx, req, unit, tour)
    if cap is None or load is None:
        return 0
    return int(np.maximum(0, load + unit.troops - cap).sum())


def _capacity_needed(
    ctx: _Context, req: RequirementData, unit: UnitData, tour: _Tour
) -> int:
    load = _load_during(ctx, req, unit, tour)
    base = 0 if load is None or not load.size else int(load.max())
    return base + unit.troops


def _typical(ctx: _Context, req: RequirementData) -> tuple[Policy, int]:
    """The typical policy for ``req`` and the troops of its typical
    unit (the smallest eligible, else the smallest unit at all)."""
    inst = ctx.inst
    policy = requirement_policy(ctx.scenario, inst, req.id)
    eligible = [inst.units[u].troops for u, _ in inst.eligible_units(req.id)]
    every = [u.troops for u in inst.units.values()]
    troops = min(eligible or every or [1])
    return policy, troops


def new_unit(capability: str, troops: int, policy: Policy) -> UnitData:
    """A unit a planner could add: free from the start, no history."""
    return UnitData(
        id="(new)",
        capability=capability,
        troops=troops,
        component="active",
        policy=policy,
        available_from=None,
        available_until=None,
        blackouts=(),
        last_return=None,
        last_deployment_days=None,
    )


def _gap_days_if_moved(
    ctx: _Context,
    req: RequirementData,
    dropped: tuple[Leg, ...],
    uid: str,
    tour: _Tour,
) -> tuple[int, int]:
    """The requirement's gap days in the plan, and with ``dropped``
    replaced by ``tour`` of ``uid``."""
    inst = ctx.inst
    lo, hi = max(req.start, 0), min(req.end, inst.horizon_end)
    now = ctx.present(req, lo, hi)
    then = now.copy()
    for leg in dropped:
        h = inst.units[leg.unit].policy.handover_days
        _add_clipped(then, lo, leg.start + h, leg.end, -1)
    h = inst.units[uid].policy.handover_days
    _add_clipped(then, lo, tour.start + h, tour.end, 1)
    short_now = int(np.maximum(0, req.count - now).sum())
    short_then = int(np.maximum(0, req.count - then).sum())
    return short_now, short_then


def _new_unit_suggestions(
    ctx: _Context, req: RequirementData, lo: int, hi: int, peak: int
) -> list[str]:
    """One more unit of the capability, free from when it is needed:
    tried, and offered only if it would count."""
    inst = ctx.inst
    policy, troops = _typical(ctx, req)
    if not ctx.inst.eligible_units(req.id):
        policy = default_policy(ctx.scenario, req.capability)
    fresh = new_unit(req.capability, troops, policy)
    tour = _best_tour(ctx, _Subject(fresh, ()), req, lo, hi)
    if tour is None:
        return []
    more = "one more" if peak <= 1 else f"{peak} more"
    units = "unit" if peak <= 1 else "units"
    text = (
        f"{more} {req.capability} {units} available from "
        f"{inst.date(tour.start - policy.transit_days)}"
    )
    if tour.covered < hi - lo:
        text += (
            f" (would count on {tour.covered} of the {hi - lo} days, "
            f"from {inst.date(tour.start + policy.handover_days)})"
        )
    return [text]


def _substitution_suggestions(
    ctx: _Context,
    req: RequirementData,
    lo: int,
    hi: int,
    known_only: bool = False,
) -> list[str]:
    """Units of another capability that could count if a substitution
    allowed them: tried with all of their own rules.

    With ``known_only``, only capabilities the scenario already lets
    stand in for some requirement: when units of the right kind exist
    but are busy, an artillery gap should not be met by "let engineers
    fill it"."""
    inst = ctx.inst
    out: list[str] = []
    by_capability: dict[str, list[tuple[int, str, _Tour]]] = defaultdict(list)
    eligible = {u for u, _ in inst.eligible_units(req.id)}
    stand_ins = {offered for _, offered in inst.substitutions}
    for unit in inst.units.values():
        if unit.id in eligible:
            continue
        if known_only and unit.capability not in stand_ins:
            continue
        subject = _Subject(unit, tuple(ctx.legs[unit.id]))
        tour = _best_tour(ctx, subject, req, lo, hi)
        if tour is not None:
            by_capability[unit.capability].append(
                (-tour.covered, unit.id, tour)
            )
    for capability in sorted(by_capability):
        _, uid, tour = min(by_capability[capability])
        out.append(
            f"allow {capability} to fill {req.capability} (a "
            f"substitution): {uid} could count from "
            f"{_counts_from(ctx, inst.units[uid], tour, lo)}"
        )
    return out


def _dwell_ratio_suggestions(
    ctx: _Context,
    req: RequirementData,
    findings: dict[str, _UnitFindings],
    family: str,
    lo: int,
    hi: int,
) -> list[str]:
    """A lower dwell ratio for the units the family holds back, tried
    one whole step at a time down to 1."""
    inst = ctx.inst
    out: list[tuple[int, str]] = []
    for uid, found in sorted(findings.items()):
        if not found.freed_by(family):
            continue
        subject = found.subject
        pol = subject.unit.policy
        ratio = pol.dwell_ratio
        step = math.ceil(ratio) - 1
        while step >= 1:
            changed = replace(
                subject.unit,
                policy=pol.model_copy(update={"dwell_ratio": step}),
            )
            trial = _Subject(changed, subject.legs)
            tour = _best_tour(ctx, trial, req, lo, hi)
            if tour is not None:
                free = _free_from(trial, tour)
                counts = _counts_from(ctx, changed, tour, lo)
                out.append(
                    (
                        free,
                        f"{_ratio_owner(ctx, subject.unit)} dwell ratio "
                        f"{ratio:g} to {step:g} would free {uid} from "
                        f"{inst.date(free)} (counting from {counts})",
                    )
                )
                break
            step -= 1
    return [text for _, text in sorted(out)[:2]]


def _ratio_owner(ctx: _Context, unit: UnitData) -> str:
    """Where the unit's dwell ratio is set, in words: the unit itself
    or its component.

    A unit's own value wins over its component's (see
    ``Scenario.policy``), so a change to the component would not reach
    a unit that sets its own ratio.
    """
    if ctx.scenario.unit(unit.id).dwell_ratio is not None:
        return f"{unit.id}'s"
    return unit.component


def _cause_text(
    ctx: _Context,
    req: RequirementData,
    cause: str,
    chosen: dict[str, str],
    findings: dict[str, _UnitFindings],
    lo: int,
    hi: int,
    peak: int,
) -> tuple[str, list[str]]:
    """The message and tested suggestions for the binding cause."""
    inst = ctx.inst
    cap_word = req.capability
    if cause == PLANNER_CHOICE:
        uid = chosen[PLANNER_CHOICE]
        found = findings[uid]
        tour = found.base
        assert tour is not None
        counting = _counts_from(ctx, found.subject.unit, tour, lo)
        moved = f"{inst.date(tour.start)} to {inst.date(tour.end)}"
        deploy = f"deploy {uid} on {req.id} from {moved}"
        replaced = (*found.dropped, *tour.replaces)
        if not replaced and req.priority == 0:
            # Such days cost nothing, and every deployment counts
            # against a plan: the optimizer leaves them open.
            return (
                f"{uid} could have counted on {tour.covered} of these days "
                f"with a tour {moved} (from {counting}); {req.id} has "
                "priority 0, so its gap days cost nothing and the plan "
                "saves the deployment",
                [
                    f"give {req.id} a priority above 0 if these days matter",
                    deploy,
                ],
            )
        if not replaced:
            return (
                f"{uid} could have counted on {tour.covered} of these days "
                f"with a tour {moved} (from {counting}); the plan does not "
                "use it",
                [deploy, "solve with the optimizer or a longer time limit"],
            )
        instead = "; ".join(
            f"{inst.date(x.start)} to {inst.date(x.end)}" for x in replaced
        )
        message = (
            f"{uid} could have counted on {tour.covered} of these days had "
            f"its tour {instead} run {moved} (from {counting})"
        )
        now, then = _gap_days_if_moved(ctx, req, replaced, uid, tour)
        if then < now:
            return message, [
                f"{deploy} instead of {instead}",
                "solve with the optimizer or a longer time limit",
            ]
        # The earlier relief ends sooner or owes its dwell sooner: it
        # moves the gap rather than closing it.
        return (
            f"{message}, but {req.id} would then have "
            f"{_plural(then, 'gap day')}, "
            f"against {now} now: the gap moves, it does not close",
            _new_unit_suggestions(ctx, req, lo, hi, peak),
        )
    if cause == IN_DWELL:
        waiting = []
        for uid, found in findings.items():
            ready = _history_ready(found.subject, lo)
            if ready is None or not found.freed_by(HISTORY):
                continue
            words = ready_words(ctx, found.subject.unit, ready, [req])
            waiting.append((ready, uid, words))
        waiting.sort()
        listed = ", ".join(
            f"{uid} {words}" for _, uid, words in waiting[:_LISTED]
        )
        message = (
            f"the {cap_word} units are still in dwell from their last "
            f"tours: {listed}"
            if len(waiting) > 1
            else f"the {cap_word} unit is still in dwell from its last "
            f"tour: {listed}"
        )
        return message, (
            _dwell_ratio_suggestions(ctx, req, findings, HISTORY, lo, hi)
            + _new_unit_suggestions(ctx, req, lo, hi, peak)
        )
    if cause == TOO_FEW_UNITS:
        policy, _ = _typical(ctx, req)
        sizing = rotation_multiplier(policy)
        span_lo, span_hi = max(req.start, 0), min(req.end, inst.horizon_end)
        needed = req.count * sizing.units_for(span_hi - span_lo)
        eligible = len(findings)
        in_rotation = (
            f"needs {_plural(needed, cap_word + ' unit')} in rotation"
        )
        message = f"{in_rotation}, {eligible} eligible"
        if eligible >= needed:
            held = (
                "1 is eligible but it is held"
                if eligible == 1
                else f"{eligible} are eligible but all are held"
            )
            message = f"{in_rotation}; {held} by other tours in the plan"
        in_plan = [
            f"{uid} {_family_words(ctx, req, f, PLANNED, lo, hi)}"
            for uid, f in sorted(findings.items())
            if f.freed_by(PLANNED)
        ]
        if in_plan:
            message += ": " + "; ".join(in_plan[:_LISTED])
        return message, (
            _new_unit_suggestions(ctx, req, lo, hi, peak)
            + _dwell_ratio_suggestions(ctx, req, findings, PLANNED, lo, hi)
            + _substitution_suggestions(ctx, req, lo, hi, known_only=True)
        )
    if cause in (SITE_CAPACITY, BLACKOUT, UNAVAILABLE):
        return held_text(ctx, req, chosen, findings, _FAMILY_OF[cause], lo, hi)
    return (
        f"no eligible unit could count on {req.id} then",
        _new_unit_suggestions(ctx, req, lo, hi, peak),
    )


def held_text(
    ctx: _Context,
    req: RequirementData,
    chosen: dict[str, str],
    findings: dict[str, _UnitFindings],
    family: str,
    lo: int,
    hi: int,
) -> tuple[str, list[str]]:
    """Message and suggestions when site capacity, a blackout or
    availability (``family``) holds the unit that could go on ``req``."""
    held = _held_unit(ctx, req, chosen, findings, family, lo, hi)
    if family == CAPACITY:
        return _capacity_text(ctx, req, held, lo, hi)
    if family == BLACKOUTS:
        return _blackout_text(ctx, req, held, findings, lo, hi)
    return _availability_text(ctx, req, held, lo, hi)


@dataclass(frozen=True)
class _Held:
    """The unit a family of rules holds back that a cause's message
    names, and the tour it would make were those rules lifted."""

    found: _UnitFindings
    family: str
    tour: _Tour
    counts: date  # the first day of the window the tour counts on

    @property
    def uid(self) -> str:
        return self.unit.id

    @property
    def unit(self) -> UnitData:
        return self.found.subject.unit

    @property
    def leaves(self) -> int:
        """The day the unit would leave home for the tour."""
        return self.tour.start - self.unit.policy.transit_days

    @property
    def returns(self) -> int:
        """The day the unit would be home again after the tour."""
        return self.tour.end + self.unit.policy.transit_days


def _held_unit(
    ctx: _Context,
    req: RequirementData,
    chosen: dict[str, str],
    findings: dict[str, _UnitFindings],
    family: str,
    lo: int,
    hi: int,
) -> _Held:
    """The unit the message on ``family`` names, and its best tour with
    the family lifted.

    The unit is the one ``_binding`` chose for the family (for site
    capacity, of those that would close as much, the one overloading
    the site least). When no family alone frees it, its tour is the
    one with every family lifted.
    """
    uid = chosen.get(family)
    if uid is None:
        uid = next(u for u, f in findings.items() if family in f.essential)
    if family == CAPACITY:
        uid = _least_overloading(ctx, req, findings, uid)
    found = findings[uid]
    tour = found.single.get(family)
    if tour is None:
        everything = frozenset(FAMILIES)
        tour = _ask(
            ctx,
            found.subject,
            req,
            lo,
            hi,
            everything,
            stretch=found.stretch,
        )
    assert tour is not None
    counts = _counts_from(ctx, found.subject.unit, tour, lo)
    return _Held(found, family, tour, counts)


def _least_overloading(
    ctx: _Context,
    req: RequirementData,
    findings: dict[str, _UnitFindings],
    uid: str,
) -> str:
    """Of the units whose capacity relief would close as much as that
    of ``uid``, the one that overloads the site least (troops over
    capacity, summed over the days); ``uid`` if there is none.

    That is usually the relief the plan sends, a few days early: the
    change a planner would make first.
    """
    best_cover = _covered(findings[uid].single.get(CAPACITY))
    options: list[tuple[int, str]] = []
    for other, f in findings.items():
        tour = f.single.get(CAPACITY)
        if tour is not None and tour.covered == best_cover:
            excess = _overload(ctx, req, f.subject.unit, tour)
            options.append((excess, other))
    return min(options)[1] if options else uid


def _lets_it_count(
    ctx: _Context,
    req: RequirementData,
    held: _Held,
    lo: int,
    hi: int,
    changed: UnitData | None = None,
    capacity: int | None = None,
) -> bool:
    """Whether the held unit, ``changed`` or at the site ``capacity``
    a suggestion names, could count: only then is it offered."""
    if not held.found.freed_by(held.family):
        # Other rules hold the unit too, so no change to this family
        # alone can let it count; the change is still one it needs.
        return True
    unit = held.unit if changed is None else changed
    trial = _Subject(unit, held.found.subject.legs)
    tour = _ask(
        ctx,
        trial,
        req,
        lo,
        hi,
        capacity=capacity,
        stretch=held.found.stretch,
    )
    return tour is not None


def _away_to_count(ctx: _Context, held: _Held) -> str:
    inst = ctx.inst
    # A tour that stays on is named as such: the change is to let the
    # unit stay, not to send it again.
    stay = "".join(
        f", its tour on {x.requirement} from {inst.date(x.start)} running "
        f"to {inst.date(held.tour.end)} instead of {inst.date(x.end)},"
        for x in held.tour.replaces
    )
    return (
        f"away {inst.date(held.leaves)} to {inst.date(held.returns)}{stay} "
        f"to count from {held.counts}"
    )


def _capacity_text(
    ctx: _Context, req: RequirementData, held: _Held, lo: int, hi: int
) -> tuple[str, list[str]]:
    inst = ctx.inst
    unit, tour = held.unit, held.tour
    cap = inst.sites[req.site].capacity
    load = _load_during(ctx, req, unit, tour)
    assert cap is not None and load is not None
    over = np.flatnonzero(load + unit.troops > cap)
    need = int((load + unit.troops).max())
    if over.size:
        first, last = tour.start + int(over[0]), tour.start + int(over[-1])
    else:
        first, last = tour.start, tour.end - 1
    when = f"{inst.date(first)} to {inst.date(last + 1)}"
    during = (
        " during the handover"
        if last + 1 - first <= unit.policy.handover_days
        else ""
    )
    message = (
        f"site {req.site} holds {_plural(cap, 'troop')}; {held.uid} "
        f"({_plural(unit.troops, 'troop')}) would have to arrive "
        f"{inst.date(tour.start)} to count from {held.counts}, which puts "
        f"{_plural(need, 'troop')} on site{during} "
        f"({when})"
    )
    if not _lets_it_count(ctx, req, held, lo, hi, capacity=need):
        return message, []
    return message, [
        f"raise capacity at {req.site} to {_plural(need, 'troop')}{during} "
        f"({when})"
    ]


def _blackout_text(
    ctx: _Context,
    req: RequirementData,
    held: _Held,
    findings: dict[str, _UnitFindings],
    lo: int,
    hi: int,
) -> tuple[str, list[str]]:
    inst = ctx.inst
    uid, unit = held.uid, held.unit
    hit = _blackouts_hit(unit, held.tour)
    named = "; ".join(
        f"{inst.date(b0)} to {inst.date(b1)}{_reason(ctx, uid, b0, b1)}"
        for b0, b1 in hit
    )
    blocked = [
        other
        for other, f in sorted(findings.items())
        if f.freed_by(BLACKOUTS) and other != uid
    ]
    message = f"{uid} is in blackout {named}; it would be " + _away_to_count(
        ctx, held
    )
    if blocked:
        message += "; also held by blackouts: " + ", ".join(blocked)
    # Shorten each blackout that begins before the unit would leave;
    # postpone one that begins while it would be away.
    moved: list[tuple[int, int]] = []
    words: list[str] = []
    for b0, b1 in unit.blackouts:
        if (b0, b1) not in hit:
            moved.append((b0, b1))
        elif b0 < held.leaves:
            moved.append((b0, held.leaves))
            words.append(
                f"end {uid}'s blackout{_reason(ctx, uid, b0, b1)} by "
                f"{inst.date(held.leaves)} instead of {inst.date(b1)}"
            )
        else:
            moved.append((held.returns, held.returns + b1 - b0))
            words.append(
                f"postpone {uid}'s blackout{_reason(ctx, uid, b0, b1)} to "
                f"start on or after {inst.date(held.returns)}"
            )
    changed = replace(unit, blackouts=tuple(sorted(moved)))
    if not _lets_it_count(ctx, req, held, lo, hi, changed):
        return message, []
    return message, words


def _availability_text(
    ctx: _Context, req: RequirementData, held: _Held, lo: int, hi: int
) -> tuple[str, list[str]]:
    inst = ctx.inst
    uid, unit = held.uid, held.unit
    words: list[str] = []
    changed = unit
    parts = []
    if unit.available_from is not None and held.leaves < unit.available_from:
        parts.append(f"available only from {inst.date(unit.available_from)}")
        words.append(
            f"make {uid} available from {inst.date(held.leaves)} "
            f"instead of {inst.date(unit.available_from)}"
        )
        changed = replace(changed, available_from=held.leaves)
    if (
        unit.available_until is not None
        and held.returns > unit.available_until
    ):
        parts.append(f"available only until {inst.date(unit.available_until)}")
        words.append(
            f"keep {uid} available until {inst.date(held.returns)} "
            f"instead of {inst.date(unit.available_until)}"
        )
        changed = replace(changed, available_until=held.returns)
    message = (
        f"{uid} is "
        + " and ".join(parts or ["unavailable"])
        + "; it would have to be "
        + _away_to_count(ctx, held)
    )
    if not _lets_it_count(ctx, req, held, lo, hi, changed):
        return message, []
    return message, words
