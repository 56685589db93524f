"""Run CP-SAT on each independent group, one objective level at a time.

Per group, three levels, each starting from the best plan so far:

1. minimize ``primary`` (weighted gap days plus exercise gap days);
2. with ``primary`` held at its proved optimum, minimize the
   substitution penalty;
3. with both held, minimize the deployments (when re-planning, first the
   published deployments changed, then the deployments).

When re-planning, the first two levels do not depend on the published
plan, so they are solved by the same model as a fresh plan (its
symmetry breaking, bounds and local search included); only the last
level is solved by a model that knows the published deployments.

Levels run across all groups in turn (every group's gap first). A level
that does not finish by proof ends the sequence for its group: the plan
is the best found, and only the bound on ``primary`` is claimed. A
group's plan is never worse than the plan it started from.

Site capacity is added lazily. Groups are first solved as if no
capacity bound; that is a relaxation, so its bounds hold. Sites the
combined plan overloads get their capacity modelled, the groups they
link are merged, and those are solved again.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, cast

from ortools.sat.python import cp_model, cp_model_helper

from ...model import Instance
from ...model.instance import Leg
from ..greedy import greedy_plan
from ..shortfall import primary_of, shortfalls
from .bounds import (
    ShortFloor,
    availability_bound,
    fewest_deployments,
    short_floor,
)
from .engine import Settings, run_cpsat
from .groups import split
from .hints import NotInModel
from .layout import build_layout
from .lns import improve
from .model import RotaModel, evaluate
from .pool_bound import cycle_excess
from .schedule_bound import ScheduleBound, combine_schedules, schedule_bound
from .site_bound import capacity_excess

# Share of the time a first pass over the gap may take, keeping the rest
# for capacity found binding and for the later levels.
_FIRST_PASS = 0.8
# Share of a level's time for the search; the rest goes to probing for a
# plan one better (see ``_GroupSearch._probe``).
_MAIN_SHARE = 0.75
# Share of the first level's time the local search may take first.
_LOCAL_SHARE = 0.3

# Share of the first level's time the schedule bound may take, for
# groups whose every unit's dynamic program over its tours has at most
# _PRICING_CELLS (start day, length, requirement) cells; and how many of
# its rounds a second of CP-SAT work buys when the search is capped in
# work, so that capped solves stay reproducible.
_SCHEDULE_SHARE = 0.45
# Share of the first level's time for combining the schedules found.
_COMBINE_SHARE = 0.35
_PRICING_CELLS = 5_000_000
_ROUNDS_PER_WORK = 60

# Groups with more (leg slot, requirement) pairs than this are searched
# locally instead of solved whole.
_WHOLE_MODEL_LIMIT = 4000

# With a work limit, a solve that ends closer than this to its time
# limit may have been cut by it, and is not called reproducible.
_DEADLINE_MARGIN = 0.05

PRIMARY, PENALTY, DEPLOYMENTS, DONE = 0, 1, 2, 3
_LEVEL_NAMES = ("primary", "substitution_penalty", "deployments")


@dataclass
class Snapshot:
    """What the search knows at one moment, in contract units."""

    elapsed: float
    incumbent: float
    bound: float
    message: str


@dataclass
class GroupOutcome:
    """One group's plan and what was proved about it."""

    legs: list[Leg]
    primary: float
    bound: float
    proved: bool
    phases: list[dict[str, Any]]


@dataclass
class Outcome:
    """The combined plan of all groups."""

    legs: list[Leg]
    bound: float
    proved: bool
    interrupted: bool
    groups: list[GroupOutcome]
    # Whether work alone ended every step (a work limit was given, and
    # the time limit did not cut in): a rerun gives the same plan.
    reproducible: bool = False
    # The work limit the search had (None: against the clock).
    work_limit: float | None = None


class _Reporter:
    """Sums the groups' incumbents and bounds and reports them, from
    any thread, one call at a time."""

    def __init__(
        self, callback: Callable[[Snapshot], None] | None, began: float
    ) -> None:
        self.callback = callback
        self.began = began
        self.incumbents: list[float] = []
        self.bounds: list[float] = []
        self.message = ""
        self.lock = threading.Lock()

    def reset(self, incumbents: list[float], bounds: list[float]) -> None:
        with self.lock:
            self.incumbents = list(incumbents)
            self.bounds = list(bounds)

    def update(
        self,
        group: int,
        incumbent: float | None = None,
        bound: float | None = None,
        message: str | None = None,
    ) -> None:
        with self.lock:
            if incumbent is not None:
                self.incumbents[group] = min(self.incumbents[group], incumbent)
            if bound is not None:
                self.bounds[group] = max(self.bounds[group], bound)
            if message is not None:
                self.message = message
        self.emit()

    def emit(self) -> None:
        if self.callback is None or not self.incumbents:
            # Nothing to say before the groups have their start plans.
            return
        with self.lock:
            self.callback(
                Snapshot(
                    elapsed=time.perf_counter() - self.began,
                    incumbent=sum(self.incumbents),
                    bound=sum(self.bounds),
                    message=self.message,
                )
            )


def _heartbeat(reporter: _Reporter, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        reporter.emit()


class _Interrupted(Exception):
    """Ctrl-C stopped a search (only with ``interruptible``)."""


class _GroupSearch:
    """The levels of one group, run one at a time."""

    @property
    def size(self) -> int:
        return max(1, self.rm.slot_count)

    def __init__(
        self,
        rm: RotaModel,
        start: list[Leg],
        published: list[Leg] | None,
        floor: float,
        is_valid: Callable[[list[Leg]], bool] | None = None,
        keep: list[Leg] | None = None,
    ) -> None:
        """``published``: the group's part of the published plan, given
        only where it is still valid (the caller asks the checker);
        ``is_valid``: the checker's verdict on the group's deployments,
        for plans found outside the model; ``keep``: when re-planning,
        the group's part of the published plan, valid or not, whose
        changes the last level counts."""
        self.rm = rm
        self.is_valid = is_valid
        self.keep = keep
        self.published = published
        candidates = [rm.canonical(start)]
        if published is not None:
            again = self._in_model(published)
            if again is not None:
                candidates.append(again)
        self.best = min(candidates, key=self.key)
        self.floored = False
        self.level = PRIMARY
        self.stalled = False
        # Computed once: the bound, the local search's aim and the
        # deployment floors all start from it.
        self.floor = short_floor(rm.inst)
        self.reachable = availability_bound(rm.inst, self.floor)
        self.bound = max(floor, self.reachable)
        if rm.objective.exact:
            # Capacity only where the model holds it, or its own optimum
            # could fall below this bound.
            self.bound = max(
                self.bound,
                self.reachable
                + _excess(rm.inst, self.floor, rm.capacity_sites),
            )
        self.phases: list[dict[str, Any]] = []
        # The schedule bound, when it ran: it also bounds the deployments
        # of plans at the optimum (``ScheduleBound.fewest_deployments``).
        self.schedules: ScheduleBound | None = None
        if rm.slot_count == 0:
            # Nothing to decide (an exercise no unit can reach, say):
            # the one plan is optimal and its gap is the bound.
            self.level = DONE
            self.bound = max(floor, _measure(rm, self.best)[0])

    @property
    def pending(self) -> bool:
        return not self.stalled and self.level < DONE

    def key(self, legs: list[Leg]) -> tuple[float, float, int, int]:
        primary, penalty, deployments, changes = _measure(self.rm, legs)
        return (round(primary, 6), round(penalty, 6), deployments, changes)

    def outcome(self) -> GroupOutcome:
        return GroupOutcome(
            legs=self.best,
            primary=_measure(self.rm, self.best)[0],
            bound=self.bound,
            proved=self.level == DONE and self.rm.objective.exact,
            phases=self.phases,
        )

    def _local_first(
        self,
        settings: Settings,
        wall: float,
        work: float | None,
        report: Callable[[float | None, float | None], None],
    ) -> tuple[float, float]:
        """Aim the local search at the start plan's short days before
        the whole model searches: moving a relief into an exercise, say,
        is one small neighbourhood for it and a long way for the whole
        search. Returns the (seconds, work) spent."""
        if self._at_bound() or not shortfalls(
            self.rm.inst, self.best, self.floor
        ):
            return 0.0, 0.0
        began = time.perf_counter()
        legs, log = improve(
            self.rm.inst,
            self.best,
            settings,
            wall * _LOCAL_SHARE,
            None if work is None else work * _LOCAL_SHARE,
            lambda primary: report(primary, None),
            aimed_only=True,
            floor=self.floor,
        )
        self._take_legs(legs)
        if log and log[-1].get("interrupted"):
            self.stalled = True
            raise _Interrupted
        spent = sum(float(cast(float, x["work"])) for x in log)
        self.phases.append(
            {
                "phase": "local search",
                "status": "FEASIBLE",
                "seconds": round(time.perf_counter() - began, 3),
                "work": spent,
                "neighbourhoods": len(log),
                "improved": sum(1 for x in log if x["improved"]),
                "rejected": sum(1 for x in log if x.get("rejected")),
            }
        )
        return time.perf_counter() - began, spent

    def _scaled_bound(self) -> int:
        """The bound in the model's integer units of ``primary``: no
        plan's ``primary`` is below it."""
        scale = self.rm.objective.primary_scale.factor
        return math.ceil(self.bound * scale - 1e-6)

    def _at_bound(self) -> bool:
        """Whether the best plan's ``primary`` is proved optimal: within
        one of its steps of the bound."""
        scale = self.rm.objective.primary_scale.factor
        best = round(_measure(self.rm, self.best)[0] * scale)
        return best <= self._scaled_bound()

    def _take_legs(self, legs: list[Leg]) -> None:
        legs = self.rm.canonical(legs)
        if self.key(legs) < self.key(self.best):
            self.best = legs

    def _take(self, found: cp_model.CpSolver | None) -> None:
        if found is not None:
            legs = self.rm.legs(found)
            if self.key(legs) < self.key(self.best):
                self.best = legs

    def _probe(
        self,
        target: cp_model.LinearExprT,
        value: int,
        settings: Settings,
        wall: float,
        work: float | None,
    ) -> tuple[bool, int]:
        """Ask for a plan one better than ``value``: none proves
        ``value`` optimal (CP-SAT's presolve often proves that at once,
        though its reported bound lags); one found is the new best.
        Returns (proved, value)."""
        began = time.perf_counter()
        while True:
            left = settings.seconds(wall - (time.perf_counter() - began))
            if left <= 0.01 or (work is not None and work <= 0.0):
                return False, value
            probe = self.rm.model.clone()
            probe.add(target <= value - 1)
            found, proved, better, _, info = run_cpsat(
                probe, settings, left, work, None
            )
            info["phase"] = f"{self.phases[-1]['phase']} probe"
            self.phases.append(info)
            if work is not None:
                work -= info["work"]
            if info["status"] == "INFEASIBLE":
                return True, value
            if info.get("interrupted"):
                self.stalled = True
                raise _Interrupted
            if found is None or better is None:
                return False, value
            self._take(found)
            value = better
            if proved:
                return True, value

    def _price_schedules(
        self,
        settings: Settings,
        wall: float,
        work: float | None,
        report: Callable[[float | None, float | None], None],
    ) -> float:
        """Raise the bound with whole unit schedules
        (``schedule_bound``) where the cheaper bounds leave a gap to the
        best plan and the group is small enough, and combine the
        schedules found into a plan. Returns the seconds spent."""
        if self.bound >= _measure(self.rm, self.best)[0] - 1e-9:
            return 0.0
        began = time.perf_counter()
        # ``primary`` moves in steps of ``step``: a bound above the best
        # plan's less a step proves it. A price per deployment under a
        # step shared among the plan's deployments keeps a plan one step
        # worse but with fewer deployments from undercutting it, so the
        # same prices bound the last level too.
        step = 1.0 / self.rm.objective.primary_scale.factor
        per_deployment = step / (2 * (_free(self.best) + 1))
        budget = _SCHEDULE_SHARE + _COMBINE_SHARE
        found = None
        for share in (_SCHEDULE_SHARE, budget):
            # The second pass goes on from the first with what is left
            # of both shares, aimed at the plan the schedules combined
            # into.
            incumbent = _measure(self.rm, self.best)[0]
            done = 0 if found is None else found.iterations
            took = 0.0 if found is None else found.seconds
            found = schedule_bound(
                self.rm.inst,
                self.best,
                seconds=settings.seconds(
                    wall * share - (time.perf_counter() - began)
                ),
                rounds=None
                if work is None
                else max(1, int(work * share * _ROUNDS_PER_WORK) - done),
                target=incumbent - step + 1e-5,
                per_deployment=per_deployment,
                deployments_target=incumbent
                + per_deployment * (_free(self.best) - 1)
                + 1e-5,
                most_cells=_PRICING_CELLS,
                resume=found,
            )
            if found is None:
                break
            self.schedules = found
            self.bound = max(self.bound, found.bound)
            report(None, self.bound)
            self.phases.append(
                {
                    "phase": "schedule bound",
                    "seconds": round(found.seconds - took, 3),
                    "work": (found.iterations - done) / _ROUNDS_PER_WORK,
                    "bound": round(found.bound, 6),
                    "fewest_deployments": found.fewest_deployments(incumbent),
                    "rounds": found.iterations - done,
                    "converged": found.converged,
                }
            )
            if self.bound >= incumbent - 1e-9 or share == budget:
                break
            legs, info = combine_schedules(
                found,
                settings.seconds(wall * _COMBINE_SHARE),
                None if work is None else work * _COMBINE_SHARE,
                below=incumbent,
            )
            self.phases.append(info)
            if legs is not None:
                self._take_checked(legs)
                report(_measure(self.rm, self.best)[0], None)
            if found.converged or (
                _measure(self.rm, self.best)[0] >= incumbent - 1e-9
            ):
                break
        return time.perf_counter() - began

    def _in_model(self, legs: list[Leg]) -> list[Leg] | None:
        """``legs`` (the group's deployments, not fixed ones) with the
        fixed ones, as the model holds them; None if it cannot."""
        plan = self.rm.canonical(
            sorted(
                [*legs, *self.rm.inst.fixed], key=lambda x: (x.start, x.unit)
            )
        )
        try:
            self.rm.values_of(plan)
        except NotInModel:
            return None
        return plan

    def _take_checked(self, legs: list[Leg]) -> None:
        """Take ``legs`` (the group's deployments, not fixed ones) if the
        checker finds the plan valid and the model can hold it."""
        plan = self._in_model(legs)
        if plan is None or (
            self.is_valid is not None and not self.is_valid(plan)
        ):
            return
        self._take_legs(plan)

    def _add_deployment_floors(self) -> None:
        """Every optimal plan is short only where no plan can help it,
        so each requirement needs at least its fewest deployments
        (``bounds.fewest_deployments``); telling the model lets it prove
        the last level, which its own relaxation rarely does. Added again
        to re-planning's model (``_to_replanning``), recorded once."""
        fewest = fewest_deployments(self.rm.inst, self.floor)
        serving = self.rm.variables.serving
        for req_id, least in fewest.items():
            if least > 0 and req_id in serving:
                self.rm.model.add(serving[req_id] >= least)
        if not self.floored:
            self.phases.append(
                {
                    "phase": "deployment floors",
                    "deployments": sum(fewest.values()),
                }
            )
        self.floored = True

    def _to_replanning(self) -> float:
        """Re-planning's last level: from here on, the model that counts
        the published deployments changed, with the first two levels
        held at the optimum proved for them. The best plan so far, the
        published plan (where still valid) and the published plan
        repaired by the relay planner compete on deployments, then
        changes. Returns the seconds spent."""
        began = time.perf_counter()
        old = self.rm
        rm = RotaModel(old.inst, self.keep, old.capacity_sites)
        best = rm.canonical(self.best)
        values = rm.values_of(best)
        obj = rm.objective
        rm.model.add(obj.primary <= evaluate(obj.primary, values))
        rm.model.add(obj.penalty <= evaluate(obj.penalty, values))
        self.rm = rm
        self.best = best
        if self.floored:
            self._add_deployment_floors()
        for legs in (self.published, self._published_repaired()):
            if legs is not None:
                self._take_checked(legs)
        spent = time.perf_counter() - began
        self.phases.append(
            {
                "phase": "published plan",
                "seconds": round(spent, 3),
                "changes": self.key(self.best)[3],
            }
        )
        return spent

    def _published_repaired(self) -> list[Leg] | None:
        """The published deployments the model can still hold, with the
        relay planner filling around them what they leave open: when it
        is as good at the first two levels, a plan that changes nothing
        that could stay, which the search itself finds slowly (seconds
        on the bundled example less one unit, against a few
        milliseconds here)."""
        held = [m.leg for m in self.rm.objective.keep if m.kept is not None]
        if not held:
            return None
        inst = self.rm.inst
        ours = {(x.unit, x.requirement, x.start, x.end) for x in held}
        around = replace(
            inst, fixed=[*inst.fixed, *(replace(x, fixed=True) for x in held)]
        )
        legs = []
        for x in greedy_plan(around):
            if (x.unit, x.requirement, x.start, x.end) in ours:
                legs.append(replace(x, fixed=False))
            elif not x.fixed:
                legs.append(x)
        return legs

    def advance(
        self,
        settings: Settings,
        wall: float,
        work: float | None,
        report: Callable[[float | None, float | None], None],
    ) -> None:
        """Run the next level; raise ``_Interrupted`` on Ctrl-C."""
        rm, obj = self.rm, self.rm.objective
        scale = obj.primary_scale.factor
        level = self.level
        if level == PENALTY and _is_constant(obj.penalty):
            rm.model.add(obj.penalty <= evaluate(obj.penalty, {}))
            self.level = DEPLOYMENTS
            level = DEPLOYMENTS
        if level == DEPLOYMENTS and self.keep is not None:
            if rm.objective.changes is None:
                wall = max(0.0, wall - self._to_replanning())
            rm, obj = self.rm, self.rm.objective
        target: cp_model.LinearExprT = (obj.primary, obj.penalty)[
            min(level, PENALTY)
        ]
        hint = self.best
        if level == DEPLOYMENTS:
            target = obj.deployments
            if self.schedules is not None:
                # Plans at the optimum have at least this many.
                fewest = self.schedules.fewest_deployments(
                    _measure(rm, self.best)[0]
                )
                rm.model.add(obj.deployments >= fewest)
                self.phases.append(
                    {"phase": "deployments bound", "deployments": fewest}
                )
            if obj.changes is not None:
                # Changes count only among plans with the fewest
                # deployments: a plan that keeps a tour no longer
                # needed is not optimal (the contract's objective).
                target = obj.deployments * (len(obj.keep) + 1) + obj.changes
        if level == PRIMARY and obj.exact:
            # First, as the local search then starts from the plan the
            # schedules combine into.
            spent_wall = self._price_schedules(settings, wall, work, report)
            wall = max(0.0, wall - spent_wall)
        if level == PRIMARY:
            spent = self._local_first(settings, wall, work, report)
            wall = max(0.0, wall - spent[0])
            work = None if work is None else max(0.0, work - spent[1])
            hint = self.best
        if level == PRIMARY and obj.exact:
            # The proved bound as a cut: the model's own relaxation
            # rarely finds it, and with it a plan at the bound is proved
            # at once.
            rm.model.add(obj.primary >= self._scaled_bound())
        rm.model.minimize(target)
        rm.hint(hint)
        on_primary = None
        if level == PRIMARY:

            def on_primary(value: float, bound: float) -> None:
                report(value / scale, bound / scale)

        began = time.perf_counter()
        found, proved, value, low, info = run_cpsat(
            rm.model,
            settings,
            wall * _MAIN_SHARE,
            None if work is None else work * _MAIN_SHARE,
            on_primary,
        )
        info["phase"] = _LEVEL_NAMES[level]
        self.phases.append(info)
        self._take(found)
        if level == PRIMARY:
            self.bound = max(self.bound, low / scale)
        if info.get("interrupted"):
            self.stalled = True
            raise _Interrupted
        # The best plan may be the start, when the search found no better.
        held = evaluate(target, rm.values_of(self.best))
        value = held if value is None else min(value, held)
        if not proved:
            proved, value = self._probe(
                target,
                value,
                settings,
                wall - (time.perf_counter() - began),
                None if work is None else work - info["work"],
            )
        if not proved or value is None:
            self.stalled = True
            return
        # Hold this level at its optimum for the next.
        if level == PRIMARY:
            self.bound = max(self.bound, value / scale)
            rm.model.add(obj.primary <= value)
            if obj.exact and abs(value / scale - self.reachable) < 1e-9:
                self._add_deployment_floors()
        elif level == PENALTY:
            rm.model.add(obj.penalty <= value)
        self.level = level + 1


class _LocalSearch:
    """A group too large to solve whole: local search from its start
    plan (see ``lns``), with the availability bound. It runs in the
    first level only and proves nothing beyond the bound. ``is_valid``
    (the checker's verdict on the group's plan) judges every step."""

    def __init__(
        self,
        group: Instance,
        start: list[Leg],
        floor: float,
        is_valid: Callable[[list[Leg]], bool] | None = None,
    ):
        self.group = group
        self.is_valid = is_valid
        self.best = start
        self.level = PRIMARY
        self.stalled = False
        self.floor = short_floor(group)
        self.bound = max(
            floor,
            availability_bound(group, self.floor)
            + _excess(group, self.floor, group.sites),
        )
        self.phases: list[dict[str, Any]] = []
        self.size = _serve_options(group)

    @property
    def pending(self) -> bool:
        return not self.stalled

    def outcome(self) -> GroupOutcome:
        return GroupOutcome(
            legs=self.best,
            primary=primary_of(self.group, self.best),
            bound=self.bound,
            proved=False,
            phases=self.phases,
        )

    def advance(
        self,
        settings: Settings,
        wall: float,
        work: float | None,
        report: Callable[[float | None, float | None], None],
    ) -> None:
        began = time.perf_counter()
        self.best, log = improve(
            self.group,
            self.best,
            settings,
            wall,
            work,
            lambda primary: report(primary, None),
            floor=self.floor,
            accept=self.is_valid,
        )
        self.stalled = True
        if log and log[-1].get("interrupted"):
            raise _Interrupted
        self.phases.append(
            {
                "phase": "local search",
                "status": "FEASIBLE",
                "seconds": round(time.perf_counter() - began, 3),
                "work": sum(float(cast(float, x["work"])) for x in log),
                "neighbourhoods": len(log),
                "improved": sum(1 for x in log if x["improved"]),
                "rejected": sum(1 for x in log if x.get("rejected")),
            }
        )


def _serve_options(group: Instance) -> int:
    return sum(len(s.requirements) for s in build_layout(group).slots)


def _too_big(group: Instance) -> bool:
    """Whether a group is beyond the whole model (see the docs)."""
    return _serve_options(group) > _WHOLE_MODEL_LIMIT


_Search = _GroupSearch | _LocalSearch


def overloaded_sites(inst: Instance, legs: list[Leg]) -> frozenset[str]:
    """Sites where the plan puts more troops on site than capacity."""
    events: dict[str, list[tuple[int, int]]] = {}
    for leg in legs:
        site = inst.requirements[leg.requirement].site
        if inst.sites[site].capacity is None:
            continue
        troops = inst.units[leg.unit].troops
        events.setdefault(site, []).extend(
            [(leg.start, troops), (leg.end, -troops)]
        )
    over = set()
    for site, marks in events.items():
        load = 0
        cap = inst.sites[site].capacity or 0
        # Departures sort before arrivals on a day: ``[start, end)``.
        for _, change in sorted(marks):
            load += change
            if load > cap:
                over.add(site)
                break
    return frozenset(over)


class _GroupKey(NamedTuple):
    """What a group is made of, and the capacity modelled in it."""

    units: frozenset[str]
    requirements: frozenset[str]
    needs: frozenset[tuple[str, str]]
    capacity_sites: frozenset[str]


def _group_key(group: Instance, enforced: frozenset[str]) -> _GroupKey:
    return _GroupKey(
        frozenset(group.units),
        frozenset(group.requirements),
        frozenset(
            (ex.id, capability)
            for ex in group.exercises.values()
            for capability, _ in ex.needs
        ),
        enforced & frozenset(group.sites),
    )


def _restrict(legs: list[Leg] | None, group: Instance) -> list[Leg] | None:
    if legs is None:
        return None
    return [x for x in legs if x.unit in group.units]


def optimize(
    inst: Instance,
    start: list[Leg],
    settings: Settings,
    published: list[Leg] | None = None,
    progress: Callable[[Snapshot], None] | None = None,
    is_valid: Callable[[list[Leg]], bool] | None = None,
    began: float | None = None,
) -> Outcome:
    """Optimize every independent group of ``inst``.

    Parameters
    ----------
    inst
        The instance.
    start
        A valid plan to start from (greedy's, or the published one).
    settings
        Limits, threads, seed and engine parameters.
    published
        The published plan's deployments (not fixed) when re-planning.
    progress
        Called with a ``Snapshot`` on every improvement and every second.
    is_valid
        The checker's verdict on a whole plan; a group starts from its
        part of the published plan only where that is still valid.
    began
        When the caller's clock started (``time.perf_counter``), for the
        elapsed time in progress reports; default now.
    """
    clock = _Clock(settings)
    first_groups = split(inst, frozenset())
    local = any(_too_big(g) for g in first_groups)
    if settings.auto_work and local:
        # CP-SAT's reproducible search solves the local search's
        # neighbourhoods several times more slowly (docs/optimizer.md):
        # a work limit chosen for the user is dropped for the clock.
        settings = replace(settings, work_limit=None)
        clock.settings = settings
    settings = replace(settings, deadline=clock.deadline)

    def still_valid(group: Instance) -> list[Leg] | None:
        mine = _restrict(published, group)
        if mine is None or is_valid is None:
            return None
        others = [x for x in start if x.unit not in group.units]
        fixed = [x for x in inst.fixed if x.unit in group.units]
        return mine if is_valid([*others, *fixed, *mine]) else None

    def valid_in_plan(group: Instance) -> Callable[[list[Leg]], bool] | None:
        """The checker's verdict on deployments of a group (its fixed ones
        among them), with the fixed deployments of the others."""
        if is_valid is None:
            return None
        others = [x for x in inst.fixed if x.unit not in group.units]
        return lambda legs: is_valid([*others, *legs])

    reporter = _Reporter(
        progress, time.perf_counter() if began is None else began
    )
    stop = threading.Event()
    if progress is not None:
        threading.Thread(
            target=_heartbeat, args=(reporter, stop), daemon=True
        ).start()
    enforced: frozenset[str] = frozenset()
    searches: dict[_GroupKey, _Search] = {}
    current: list[_Search] = []
    current_groups: list[Instance] = []
    # The last combined plan that overloads no site: what groups fall
    # back to when time runs out with a site overloaded.
    sound = start
    interrupted = False
    try:
        while True:
            groups = split(inst, enforced) if enforced else first_groups
            if not enforced and local:
                # Large instances are searched locally, with capacity
                # in every neighbourhood: link their sites from the start.
                enforced = frozenset(
                    s for s, d in inst.sites.items() if d.capacity is not None
                )
                groups = split(inst, enforced)
            keys = [_group_key(g, enforced) for g in groups]
            try:
                for g, key in zip(groups, keys, strict=True):
                    if key not in searches:
                        searches[key] = _new_search(
                            g,
                            enforced,
                            sound,
                            published,
                            still_valid,
                            _floor(g, searches),
                            valid_in_plan(g),
                        )
            except KeyboardInterrupt:
                # Ctrl-C while building models or bounds: the plan so
                # far stands.
                if not settings.interruptible:
                    raise
                interrupted = True
                break
            current = [searches[k] for k in keys]
            current_groups = groups
            reporter.reset(
                [s.outcome().primary for s in current],
                [s.bound for s in current],
            )
            over: frozenset[str] = frozenset()
            for level in (PRIMARY, PENALTY, DEPLOYMENTS):
                interrupted = interrupted or _run_level(
                    current, level, settings, clock, reporter, interrupted
                )
                combined = _combine(current)
                over = overloaded_sites(inst, combined)
                if not over:
                    sound = combined
                if over or interrupted:
                    break
            if not over:
                break
            enforced = enforced | over
            if clock.out() or interrupted:
                break
    finally:
        stop.set()
    if not current:
        return Outcome(
            legs=sorted(start, key=lambda x: (x.start, x.unit, x.requirement)),
            bound=0.0,
            proved=False,
            interrupted=True,
            groups=[],
        )
    outcomes = [s.outcome() for s in current]
    if overloaded_sites(inst, _combine(outcomes)):
        outcomes = _fall_back(inst, outcomes, sound, current_groups)
    legs = _combine(outcomes)
    return Outcome(
        legs=legs,
        bound=sum(o.bound for o in outcomes),
        proved=all(o.proved for o in outcomes)
        and not interrupted
        and not overloaded_sites(inst, legs),
        interrupted=interrupted,
        groups=outcomes,
        reproducible=settings.work_limit is not None
        and not interrupted
        and clock.wall_left() > _DEADLINE_MARGIN,
        work_limit=settings.work_limit,
    )


def _new_search(
    group: Instance,
    enforced: frozenset[str],
    start: list[Leg],
    published: list[Leg] | None,
    still_valid: Callable[[Instance], list[Leg] | None],
    floor: float,
    is_valid: Callable[[list[Leg]], bool] | None = None,
) -> _Search:
    legs = _restrict(start, group) or []
    if _too_big(group):
        return _LocalSearch(group, legs, floor, is_valid)
    # The first two levels are solved as for a fresh plan; the published
    # deployments count only in the last (``_GroupSearch._to_replanning``).
    return _GroupSearch(
        RotaModel(group, None, enforced & frozenset(group.sites)),
        legs,
        still_valid(group),
        floor,
        is_valid,
        keep=_restrict(published, group) or None,
    )


class _Clock:
    """Wall time and CP-SAT work left for the whole solve."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.deadline = time.perf_counter() + settings.time_limit
        self.work_used = 0.0
        self.first_pass = True

    def wall_left(self) -> float:
        return max(0.0, self.deadline - time.perf_counter())

    def work_left(self) -> float | None:
        if self.settings.work_limit is None:
            return None
        return max(0.0, self.settings.work_limit - self.work_used)

    def out(self) -> bool:
        left = self.work_left()
        return self.wall_left() <= 0.0 or (left is not None and left <= 0)


def _run_level(
    searches: list[_Search],
    level: int,
    settings: Settings,
    clock: _Clock,
    reporter: _Reporter,
    interrupted: bool,
) -> bool:
    """Run one level on every group waiting for it; True if Ctrl-C."""
    waiting = [i for i, s in enumerate(searches) if s.pending]
    waiting = [i for i in waiting if searches[i].level <= level]
    sizes = {i: searches[i].size for i in waiting}
    reserve = _FIRST_PASS if level == PRIMARY and clock.first_pass else 1.0
    for n, i in enumerate(waiting):
        if interrupted:
            return True
        search = searches[i]
        # Local search models capacity as it goes: no need to keep time
        # back for it.
        keep_back = 1.0 if isinstance(search, _LocalSearch) else reserve
        share = sizes[i] / sum(sizes[j] for j in waiting[n:]) * keep_back
        work_left = clock.work_left()
        reporter.update(i, message=f"{_LEVEL_NAMES[level]}")
        before = len(search.phases)

        def report(
            incumbent: float | None, bound: float | None, i: int = i
        ) -> None:
            reporter.update(i, incumbent, bound)

        try:
            search.advance(
                settings,
                clock.wall_left() * share,
                None if work_left is None else work_left * share,
                report,
            )
        except _Interrupted:
            interrupted = True
        except KeyboardInterrupt:
            if not settings.interruptible:
                raise
            interrupted = True
        clock.work_used += sum(
            p.get("work", 0.0) for p in search.phases[before:]
        )
        outcome = search.outcome()
        reporter.update(i, outcome.primary, outcome.bound)
    if level == PRIMARY:
        clock.first_pass = False
    return interrupted


def _excess(
    group: Instance, floor: ShortFloor, capacity_sites: Iterable[str]
) -> float:
    """What the group is short above ``floor`` in every plan: the larger
    of what full sites force and what the units' rotation cycles force
    (each bound counts some of the same short days, so they do not
    add)."""
    return max(
        capacity_excess(group, floor, capacity_sites),
        cycle_excess(group, floor),
    )


def _floor(group: Instance, searches: dict[_GroupKey, _Search]) -> float:
    """Bounds proved for the parts of a merged group: each part was
    solved with less capacity modelled, so each bound holds."""
    reqs = set(group.requirements)
    units = set(group.units)
    best: dict[frozenset[str], float] = {}
    for key, search in searches.items():
        part = key.requirements
        if part and part <= reqs and key.units <= units:
            best[part] = max(best.get(part, 0.0), search.bound)
    return sum(best.values())


def _combine(parts: list[Any]) -> list[Leg]:
    legs = [
        x
        for p in parts
        for x in (p.legs if isinstance(p, GroupOutcome) else p.best)
    ]
    return sorted(legs, key=lambda x: (x.start, x.unit, x.requirement))


def _fall_back(
    inst: Instance,
    outcomes: list[GroupOutcome],
    sound: list[Leg],
    groups: list[Instance],
) -> list[GroupOutcome]:
    """Out of time with a site overloaded: give the groups there their
    part of ``sound`` back until no site is (``sound``, the last
    combined plan that overloaded none, or the start, is valid, so this
    ends). A level that ran out of time after an earlier one passed so
    keeps what that one found, not just the start."""
    outcomes = list(outcomes)
    while over := overloaded_sites(inst, _combine(outcomes)):
        for i, group in enumerate(groups):
            if over & frozenset(group.sites):
                old = outcomes[i]
                outcomes[i] = GroupOutcome(
                    _restrict(sound, group) or [],
                    old.primary,
                    old.bound,
                    False,
                    old.phases,
                )
    return outcomes


def _measure(rm: RotaModel, legs: list[Leg]) -> tuple[float, float, int, int]:
    """A plan's measures by the model's own accounting, which on a given
    plan is exact: primary, penalty, deployments, changes."""
    values = rm.values_of(rm.canonical(legs))
    obj = rm.objective
    changes = 0 if obj.changes is None else evaluate(obj.changes, values)
    return (
        evaluate(obj.primary, values) / obj.primary_scale.factor,
        evaluate(obj.penalty, values) / obj.penalty_scale.factor,
        evaluate(obj.deployments, values),
        changes,
    )


def _free(legs: list[Leg]) -> int:
    """How many of ``legs`` are deployments, not fixed ones."""
    return sum(1 for leg in legs if not leg.fixed)


def _is_constant(expr: cp_model.LinearExprT) -> bool:
    if isinstance(expr, int):
        return True
    flat = cp_model_helper.FlatIntExpr(cast(cp_model.LinearExpr, expr))
    return not flat.vars
