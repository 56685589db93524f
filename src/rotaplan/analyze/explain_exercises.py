"""Why a plan leaves an exercise short, and what would close the gap.

On each day of an exercise, a need for ``count`` units of a capability
counts the units of exactly that capability effective at the exercise's
site, whatever requirement they serve (contract section 4). A unit can
therefore only count while it is deployed on a requirement at that
site. For each run of short days of one need, every unit of the
capability that may fill a requirement at the site is asked, as
``explain_gaps`` asks the units of a requirement: could one tour of it,
on any of those requirements, count on more days of the window, the
rest of the plan kept? The question is asked again with one family of
rules lifted at a time, and the binding cause is named by the same
rules as for requirement gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..model import Plan, Scenario
from ..model.instance import ExerciseData, Leg, RequirementData, UnitData
from .check import CheckResult, check
from .days import runs
from .explain import (
    _FAMILY_OF,
    _LISTED,
    FAMILIES,
    HISTORY,
    PLANNED,
    GapWindow,
    _best_tour,
    _binding,
    _Context,
    _counts_from,
    _describe_unit,
    _dwell_ratio_suggestions,
    _family_words,
    _history_ready,
    _lengthen_suggestion,
    _overlaps,
    _plural,
    _probe,
    _Subject,
    _Tour,
    _unique,
    _UnitFindings,
    held_text,
    new_unit,
    ready_words,
)
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
    tour_fits,
    typical_policy,
)


@dataclass(frozen=True)
class ExerciseGapExplanation(GapWindow):
    """Why one need of one exercise is short over a window of days, and
    how to close it.

    ``need`` is the index of the need in the exercise's ``needs``;
    ``count`` and ``capability`` are that need's. ``units`` says for
    each unit of the capability why it is not counting.
    """

    exercise: str
    need: int
    capability: str
    count: int
    site: str

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data, dates as ISO strings."""
        return {
            "exercise": self.exercise,
            "need": self.need,
            "capability": self.capability,
            "count": self.count,
            "site": self.site,
            **self.window_fields(),
        }

    def __str__(self) -> str:
        return self._with_suggestions(
            f"{self.exercise} needs {self.count} {self.capability} at "
            f"{self.site}, {self.start} to {self.end}: "
            f"{_plural(self.gap_days, 'exercise gap day')}, {self.cause}: "
            f"{self.message}"
        )


def explain_exercise_gaps(
    scenario: Scenario,
    plan: Plan,
    check_result: CheckResult | None = None,
) -> list[ExerciseGapExplanation]:
    """Explain every short window of every exercise need of a plan.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan whose exercise gaps to explain.
    check_result
        ``check(scenario, plan)``, when already at hand; computed if
        None.

    Returns
    -------
    list[ExerciseGapExplanation]
        One per run of short days of one need, in the order of the
        scenario's exercises, then of their needs, then of time; their
        ``gap_days`` add up to the plan's ``exercise_gap_days``. Empty
        when no exercise is short.
    """
    if check_result is None:
        check_result = check(scenario, plan)
    if not any(check_result.exercise_gaps.values()):
        return []
    ctx = _Context(scenario, plan)
    out: list[ExerciseGapExplanation] = []
    for ex in ctx.inst.exercises.values():
        if not check_result.exercise_gaps.get(ex.id):
            continue
        for index, (capability, count) in enumerate(ex.needs):
            have = np.zeros(ex.end - ex.start, dtype=np.int64)
            for unit in ctx.inst.units.values():
                if unit.capability == capability:
                    have += _counting(ctx, unit.id, ex.site, ex.start, ex.end)
            short = np.maximum(0, count - have)
            for lo, hi in runs(short > 0, ex.start):
                window = _Window(
                    ex,
                    index,
                    lo,
                    hi,
                    int(short[lo - ex.start : hi - ex.start].sum()),
                    int(short[lo - ex.start : hi - ex.start].max()),
                )
                out.append(_explain_window(ctx, window))
    return out


@dataclass(frozen=True)
class _Window:
    """One run ``[lo, hi)`` of short days of need ``index``."""

    exercise: ExerciseData
    index: int
    lo: int
    hi: int
    gap_days: int
    peak: int

    @property
    def capability(self) -> str:
        return self.exercise.needs[self.index][0]

    @property
    def count(self) -> int:
        return self.exercise.needs[self.index][1]

    @property
    def site(self) -> str:
        return self.exercise.site


def _site_of(ctx: _Context, leg: Leg) -> str:
    return ctx.inst.requirements[leg.requirement].site


def _counting(
    ctx: _Context,
    unit_id: str,
    site: str,
    lo: int,
    hi: int,
    legs: list[Leg] | tuple[Leg, ...] | None = None,
) -> np.ndarray:
    """Days of ``[lo, hi)`` on which the unit is effective at the site,
    by ``legs`` (its tours in the plan if None)."""
    h = ctx.inst.units[unit_id].policy.handover_days
    out = np.zeros(hi - lo, dtype=bool)
    for leg in ctx.legs[unit_id] if legs is None else legs:
        if _site_of(ctx, leg) != site:
            continue
        s, e = max(leg.start + h, lo), min(leg.end, hi)
        if e > s:
            out[s - lo : e - lo] = True
    return out


@dataclass
class _Asked:
    """What was asked of one unit: the requirements it may be sent on,
    the tours of the plan the test takes out (a relief at the site
    overlapping the window: could it come sooner or stay longer?), and
    for each set of lifted families the requirement of the best tour."""

    reqs: list[RequirementData]
    # A requirement at the site for words that only need the site.
    near: RequirementData
    dropped: list[Leg] = field(default_factory=list)
    via: dict[frozenset[str], RequirementData] = field(default_factory=dict)


def _explain_window(ctx: _Context, w: _Window) -> ExerciseGapExplanation:
    inst = ctx.inst
    ex, capability, site = w.exercise, w.capability, w.site
    lo, hi = w.lo, w.hi

    def done(
        cause: str,
        message: str,
        suggestions: list[str],
        others: list[str] | None = None,
        units: dict[str, str] | None = None,
    ) -> ExerciseGapExplanation:
        return ExerciseGapExplanation(
            exercise=ex.id,
            need=w.index,
            capability=capability,
            count=w.count,
            site=site,
            start=inst.date(lo),
            end=inst.date(hi),
            gap_days=w.gap_days,
            peak_short=w.peak,
            cause=cause,
            message=message,
            suggestions=_unique(suggestions),
            other_causes=others or [],
            units=units or {},
        )

    kind = [u for u in inst.units.values() if u.capability == capability]
    reqs = [
        r
        for r in inst.requirements.values()
        if r.site == site
        and r.start < hi
        and r.end > lo
        and (
            r.capability == capability
            or (r.capability, capability) in inst.substitutions
        )
    ]
    # No tour starts before the horizon (H7), so none counts anywhere
    # before its handover is over: a window that ends by then is the
    # horizon's doing, and no unit, requirement or substitution added
    # would fill it.
    policies = [u.policy for u in kind] or [
        default_policy(ctx.scenario, capability)
    ]
    horizon_count = min(p.handover_days for p in policies)
    if hi <= horizon_count:
        return done(
            HORIZON_START,
            _horizon_message(ctx, w, horizon_count),
            _horizon_suggestions(ctx, w, horizon_count),
        )
    if not kind:
        message = (
            f"no unit has capability {capability!r}; only units of exactly "
            f"that capability count for {ex.id}"
        )
        if not reqs:
            message += f", while deployed on a requirement at {site}"
        return done(
            NO_ELIGIBLE_UNIT,
            message,
            _new_unit_suggestions(ctx, w, kind, reqs, lo, hi)
            or [f"add a {capability} unit"],
        )
    if not reqs:
        message, suggestions, units = _no_requirement_text(ctx, w, kind)
        return done(NO_ELIGIBLE_UNIT, message, suggestions, units=units)
    fits = {u.id: [r for r in reqs if tour_fits(inst, u, r)] for u in kind}
    fitting = [u for u in kind if fits[u.id]]
    if not fitting:
        pol = typical_policy(kind, default_policy(ctx.scenario, capability))
        return done(
            WINDOW_TOO_SHORT,
            f"no tour of at least min_deployment_days "
            f"{pol.min_deployment_days} fits in "
            f"{', '.join(r.id for r in reqs)}, the requirements at {site} "
            f"{capability} units may fill then",
            [_lengthen_suggestion(r, kind) for r in reqs],
        )

    # Days before any new tour could count: the horizon start (H7) or
    # the start of the requirements a unit may be sent on.
    first_count, by_horizon = min(
        (
            max(r.start - u.policy.handover_days, 0) + u.policy.handover_days,
            r.start < u.policy.handover_days,
        )
        for u in fitting
        for r in fits[u.id]
    )
    early = max(0, min(hi, first_count) - lo)
    if first_count >= hi:
        return done(
            HORIZON_START,
            _horizon_message(ctx, w, first_count),
            _horizon_suggestions(ctx, w, first_count),
        )
    a = max(lo, first_count)
    asked: dict[str, _Asked] = {}
    findings = _examine(ctx, w, fitting, fits, a, hi, asked)
    cause, others, chosen = _binding(findings)
    units = {
        uid: _unit_words(ctx, asked[uid], f, a, hi)
        for uid, f in findings.items()
    }
    message, suggestions = _cause_text(
        ctx, w, cause, chosen, findings, asked, kind, a, hi
    )
    if early:
        if by_horizon:
            others = [HORIZON_START, *others]
            message += "; and " + _horizon_message(ctx, w, first_count)
            suggestions += _horizon_suggestions(ctx, w, first_count)
        else:
            message += (
                f"; and no requirement at {site} that {capability} units may "
                f"fill starts before {inst.date(first_count)}"
            )
            suggestions.append(
                f"start a requirement at {site} for {capability} by "
                f"{inst.date(lo)}"
            )
    return done(cause, message, suggestions, others, units)


def _examine(
    ctx: _Context,
    w: _Window,
    units: list[UnitData],
    fits: dict[str, list[RequirementData]],
    lo: int,
    hi: int,
    asked: dict[str, _Asked],
) -> dict[str, _UnitFindings]:
    """Run the tests for every unit of the capability; ``asked`` gets
    what each was asked.

    A unit with no tour at the site during the window is asked for one
    more tour on any requirement it may be sent on. A unit whose tour at
    the site overlaps the window without counting on all of it (the
    relief arriving, or the unit it relieves leaving) is asked whether
    that tour, on its own requirement, could have started sooner or
    ended later: only a tour containing it keeps every day it serves.
    """
    out: dict[str, _UnitFindings] = {}
    for unit in units:
        h = unit.policy.handover_days
        now = int(_counting(ctx, unit.id, w.site, lo, hi).sum())
        dropped = [
            leg
            for leg in ctx.legs[unit.id]
            if not leg.fixed
            and _site_of(ctx, leg) == w.site
            and _overlaps(leg, lo, hi)
        ]
        kept = tuple(leg for leg in ctx.legs[unit.id] if leg not in dropped)
        subject = _Subject(unit, kept)
        reqs = fits[unit.id]
        if dropped:
            own = {leg.requirement for leg in dropped}
            reqs = [r for r in reqs if r.id in own] if len(own) == 1 else []
        question = _Asked(reqs, fits[unit.id][0], dropped)
        asked[unit.id] = question
        # A unit counting on every day of the window cannot do more.
        found = _UnitFindings(subject, serving=now == hi - lo)
        out[unit.id] = found
        if found.serving:
            continue
        # Its kept tours never overlap a new one (H3), so the days the
        # unit would count are theirs plus the new tour's.
        gain_over = now - int(
            _counting(ctx, unit.id, w.site, lo, hi, kept).sum()
        )
        # Asking from the first day the tour counts makes the best tour
        # start as early as the tour it would replace.
        ask_lo = min([lo] + [leg.start + h for leg in dropped])

        def best(
            relax: frozenset[str],
            subject: _Subject = subject,
            question: _Asked = question,
            gain_over: int = gain_over,
            ask_lo: int = ask_lo,
            h: int = h,
        ) -> _Tour | None:
            top: tuple[_Tour, RequirementData] | None = None
            for req in question.reqs:
                tour = _best_tour(ctx, subject, req, ask_lo, hi, relax)
                if tour is None or not all(
                    tour.start <= leg.start and tour.end >= leg.end
                    for leg in question.dropped
                ):
                    continue
                if question.dropped:
                    # No longer than the window and the tour it
                    # stretches need: a shorter tour owes less dwell
                    # and keeps every rule the longer one keeps.
                    need = max([hi] + [leg.end for leg in question.dropped])
                    tour = replace(tour, end=min(tour.end, need))
                # Scored by the days of the window it adds: a tour that
                # replaces one gives up the days that one counted.
                gain = min(tour.end, hi) - max(tour.start + h, lo) - gain_over
                if gain > 0 and (
                    top is None
                    or (gain, -tour.start) > (top[0].covered, -top[0].start)
                ):
                    top = (replace(tour, covered=gain), req)
            if top is None:
                return None
            question.via[relax] = top[1]
            return top[0]

        _probe(found, best)
    return out


# --------------------------------------------------------------------
# Words


def _cause_text(
    ctx: _Context,
    w: _Window,
    cause: str,
    chosen: dict[str, str],
    findings: dict[str, _UnitFindings],
    asked: dict[str, _Asked],
    kind: list[UnitData],
    lo: int,
    hi: int,
) -> tuple[str, list[str]]:
    """The message and tested suggestions for the binding cause."""
    inst = ctx.inst
    if cause == PLANNER_CHOICE:
        uid = chosen[PLANNER_CHOICE]
        found = findings[uid]
        tour = found.base
        assert tour is not None
        req = asked[uid].via[frozenset()]
        counting = _counts_from(ctx, found.subject.unit, tour, lo)
        deploy = (
            f"deploy {uid} on {req.id} from {inst.date(tour.start)} to "
            f"{inst.date(tour.end)}"
        )
        instead = "; ".join(
            f"{inst.date(leg.start)} to {inst.date(leg.end)} on "
            f"{leg.requirement}"
            for leg in asked[uid].dropped
        )
        message = (
            f"{uid} could have counted on {tour.covered} of these days "
            f"with a tour on {req.id} {inst.date(tour.start)} to "
            f"{inst.date(tour.end)} (from {counting}); the plan does not "
            "send it"
        )
        if instead:
            message = (
                f"{uid} could have counted on {tour.covered} more of these "
                f"days had its tour {instead} run {inst.date(tour.start)} "
                f"to {inst.date(tour.end)} (from {counting}), overlapping "
                "the relief"
            )
            deploy += f" instead of {instead}"
        return message, [
            deploy,
            "solve with the optimizer or a longer time limit",
        ]
    if cause == IN_DWELL:
        waiting: list[tuple[int, str]] = []
        fixed_only = False
        for uid, found in findings.items():
            if not (found.freed_by(HISTORY) or HISTORY in found.essential):
                continue
            ready, words = _history_words(ctx, found, asked[uid], lo)
            waiting.append((ready, f"{uid} {words}"))
            fixed_only = fixed_only or ready == _NEVER
        waiting.sort()
        listed = ", ".join(words for _, words in waiting[:_LISTED])
        if len(waiting) == 1:
            state = (
                "unit is held by its last or fixed tours"
                if fixed_only
                else "unit is still in dwell from its last tour"
            )
        else:
            state = (
                "units are held by their last or fixed tours"
                if fixed_only
                else "units are still in dwell from their last tours"
            )
        return (
            f"the {w.capability} {state}: {listed}",
            _dwell_suggestions(ctx, findings, asked, HISTORY, lo, hi)
            + _new_unit_suggestions(ctx, w, kind, _all_reqs(asked), lo, hi),
        )
    if cause == TOO_FEW_UNITS:
        there = sorted(uid for uid, f in findings.items() if f.serving)
        message = (
            f"{w.exercise.id} needs {w.count} {w.capability} at {w.site}; "
            f"{_units(len(kind), w.capability)} in all"
        )
        if there:
            message += f" ({', '.join(there[:_LISTED])} already counting)"
        in_plan = [
            f"{uid} " + _family_words(ctx, asked[uid].near, f, PLANNED, lo, hi)
            for uid, f in sorted(findings.items())
            if f.freed_by(PLANNED)
        ]
        stuck = [
            f"{uid} {_tour_words(ctx, asked[uid])}"
            for uid, f in sorted(findings.items())
            if _stuck(asked[uid], f)
        ]
        if in_plan or stuck:
            message += ": " + "; ".join((in_plan + stuck)[:_LISTED])
        return message, (
            _new_unit_suggestions(ctx, w, kind, _all_reqs(asked), lo, hi)
            + _dwell_suggestions(ctx, findings, asked, PLANNED, lo, hi)
        )
    if cause in (SITE_CAPACITY, BLACKOUT, UNAVAILABLE):
        family = _FAMILY_OF[cause]
        named = chosen.get(family)
        if named is None:
            named = next(
                u for u, f in findings.items() if family in f.essential
            )
        via = asked[named].via
        req = via.get(frozenset({family})) or via[frozenset(FAMILIES)]
        return held_text(ctx, req, chosen, findings, family, lo, hi)
    return (
        f"no {w.capability} unit could count at {w.site} then",
        _new_unit_suggestions(ctx, w, kind, _all_reqs(asked), lo, hi),
    )


_NEVER = 10**9


def _history_words(
    ctx: _Context, found: _UnitFindings, question: _Asked, lo: int
) -> tuple[int, str]:
    """When the unit may leave home by what it owes from before the plan
    and its fixed tours before the window (``_NEVER`` if it is a fixed
    tour from the window on that holds it), and the words for it."""
    inst = ctx.inst
    ready = _history_ready(found.subject, lo)
    if ready is not None:
        reqs = question.reqs or [question.near]
        return ready, ready_words(ctx, found.subject.unit, ready, reqs)
    later = [
        leg for leg in found.subject.legs if leg.fixed and leg.start >= lo
    ]
    if later:
        return _NEVER, (
            f"due on its fixed tour on {later[0].requirement} from "
            f"{inst.date(later[0].start)}"
        )
    return _NEVER, "held by its fixed tours"


def _stuck(question: _Asked, found: _UnitFindings) -> bool:
    """Whether the unit has a tour at the site over the window that no
    change tried could stretch to count on more of it."""
    return bool(question.dropped) and not (
        found.serving
        or found.base
        or any(found.single.values())
        or found.essential
    )


def _tour_words(ctx: _Context, question: _Asked) -> str:
    inst = ctx.inst
    tours = ", ".join(
        f"{leg.requirement} {inst.date(leg.start)} to {inst.date(leg.end)}"
        for leg in question.dropped
    )
    return f"on {tours}, which cannot stretch over more of these days"


def _unit_words(
    ctx: _Context, question: _Asked, found: _UnitFindings, lo: int, hi: int
) -> str:
    """One line on why a unit is not counting (more) during the window."""
    if _stuck(question, found):
        return _tour_words(ctx, question)
    return _describe_unit(ctx, question.near, found, lo, hi)


def _all_reqs(asked: dict[str, _Asked]) -> list[RequirementData]:
    seen: dict[str, RequirementData] = {}
    for question in asked.values():
        for req in question.reqs:
            seen.setdefault(req.id, req)
    return list(seen.values())


def _units(n: int, capability: str) -> str:
    return _plural(n, f"{capability} unit")


def _dwell_suggestions(
    ctx: _Context,
    findings: dict[str, _UnitFindings],
    asked: dict[str, _Asked],
    family: str,
    lo: int,
    hi: int,
) -> list[str]:
    """A lower dwell ratio, tried for each unit on the requirement its
    best tour with the family lifted would serve."""
    lifted = frozenset({family})
    by_req: dict[str, dict[str, _UnitFindings]] = {}
    reqs: dict[str, RequirementData] = {}
    for uid, found in findings.items():
        req = asked[uid].via.get(lifted)
        # The ratio is tried with a fresh tour: not for a unit asked to
        # stretch one.
        if (
            req is not None
            and found.freed_by(family)
            and not (asked[uid].dropped)
        ):
            by_req.setdefault(req.id, {})[uid] = found
            reqs[req.id] = req
    out: list[str] = []
    for req_id in sorted(by_req):
        out += _dwell_ratio_suggestions(
            ctx, reqs[req_id], by_req[req_id], family, lo, hi
        )
    return out[:2]


def _new_unit_suggestions(
    ctx: _Context,
    w: _Window,
    kind: list[UnitData],
    reqs: list[RequirementData],
    lo: int,
    hi: int,
    named: bool = True,
) -> list[str]:
    """More units of the capability, free from when they are needed:
    tried on each requirement one may be sent on, and offered only if
    one would count. ``named`` says which requirement that is."""
    inst = ctx.inst
    policy = typical_policy(kind, default_policy(ctx.scenario, w.capability))
    every = [u.troops for u in inst.units.values()]
    troops = min([u.troops for u in kind] or every or [1])
    fresh = new_unit(w.capability, troops, policy)
    best: tuple[_Tour, RequirementData] | None = None
    for req in reqs:
        tour = _best_tour(ctx, _Subject(fresh, ()), req, lo, hi)
        if tour is not None and (
            best is None
            or (tour.covered, -tour.start) > (best[0].covered, -best[0].start)
        ):
            best = (tour, req)
    if best is None:
        return []
    tour, req = best
    more = "one more" if w.peak <= 1 else f"{w.peak} more"
    units = "unit" if w.peak <= 1 else "units"
    text = (
        f"{more} {w.capability} {units} available from "
        f"{inst.date(tour.start - policy.transit_days)}"
    )
    if named:
        text += f", sent on {req.id}"
    if tour.covered < hi - lo:
        text += (
            f" (would count on {tour.covered} of the {hi - lo} days, "
            f"from {inst.date(tour.start + policy.handover_days)})"
        )
    return [text]


def _no_requirement_text(
    ctx: _Context, w: _Window, kind: list[UnitData]
) -> tuple[str, list[str], dict[str, str]]:
    """Message, suggestions and words on each unit when no requirement
    at the site that the capability may fill runs during the window.

    The remedies, a requirement at the site for the capability over
    the window or a substitution onto a requirement already there, are
    tried with the units as the plan keeps them: a change that lets no
    unit count is not offered. When every unit is held, one more unit
    sent on the new requirement is offered instead, if it would count.
    """
    inst = ctx.inst
    lo, hi = w.lo, w.hi
    pol = typical_policy(kind, default_policy(ctx.scenario, w.capability))
    end = max(hi, lo - pol.handover_days + pol.min_deployment_days)
    added = RequirementData(
        id="(new)",
        site=w.site,
        capability=w.capability,
        start=lo,
        end=end,
        count=1,
        priority=1.0,
    )
    message = (
        f"a unit counts for {w.exercise.id} only while deployed on a "
        f"requirement at {w.site}, and none that {w.capability} units may "
        f"fill runs between {inst.date(lo)} and {inst.date(hi)}"
    )
    add = (
        f"add a requirement at {w.site} for {w.capability} from "
        f"{inst.date(lo)} to {inst.date(end)} or longer"
    )

    def counts_on(req: RequirementData) -> bool:
        return any(
            _best_tour(ctx, _Subject(u, tuple(ctx.legs[u.id])), req, lo, hi)
            for u in kind
        )

    out = [add] if counts_on(added) else []
    others: dict[str, list[RequirementData]] = {}
    for r in inst.requirements.values():
        if r.site == w.site and r.start < hi and r.end > lo:
            others.setdefault(r.capability, []).append(r)
    for capability in sorted(others):
        if any(counts_on(r) for r in others[capability]):
            out.append(
                f"{'or ' if out else ''}allow {w.capability} to fill "
                f"{capability} (a substitution), so {w.capability} units "
                f"may be sent to {w.site}"
            )
    if out or not kind:
        return message, out, {}
    # Every unit of the capability is held where it is: say by what,
    # for the new requirement would not bring it.
    units: dict[str, str] = {}
    for u in kind:
        subject = _Subject(u, tuple(ctx.legs[u.id]))
        found = _UnitFindings(subject)

        def best(
            relax: frozenset[str], subject: _Subject = subject
        ) -> _Tour | None:
            return _best_tour(ctx, subject, added, lo, hi, relax)

        _probe(found, best)
        units[u.id] = _describe_unit(ctx, added, found, lo, hi)
    held = "; ".join(f"{uid} {words}" for uid, words in units.items())
    message += (
        f"; and the only {w.capability} unit is held: {held}"
        if len(kind) == 1
        else f"; and every {w.capability} unit is held: {held}"
    )
    more = _new_unit_suggestions(ctx, w, kind, [added], lo, hi, named=False)
    # The new unit needs the new requirement to be sent to the site.
    return message, [f"{add}, and {x}" for x in more], units


def _horizon_message(ctx: _Context, w: _Window, first_count: int) -> str:
    inst = ctx.inst
    return (
        f"no new tour may start before the horizon ({inst.date(0)}), so "
        f"no {w.capability} unit sent to {w.site} under this plan counts "
        f"before {inst.date(first_count)}"
    )


def _horizon_suggestions(
    ctx: _Context, w: _Window, first_count: int
) -> list[str]:
    inst = ctx.inst
    return [
        f"list the tour already at {w.site} under 'fixed:'",
        f"or move {w.exercise.id} to start on or after "
        f"{inst.date(first_count)}",
    ]
