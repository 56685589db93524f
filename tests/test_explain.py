"""Gap explanations: the binding cause of each gap and a tested fix.

Each crafted scenario has one clear cause. Where a suggestion names a
change, the change is made and the scenario solved again, to show the
suggestion closes (part of) the gap it was made for.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import strategies
from rotaplan.analyze.check import check
from rotaplan.analyze.explain import GapExplanation, explain_gaps
from rotaplan.analyze.sizing import (
    BLACKOUT,
    CAUSES,
    HORIZON_START,
    IN_DWELL,
    NO_ELIGIBLE_UNIT,
    PLANNER_CHOICE,
    SITE_CAPACITY,
    TOO_FEW_UNITS,
    UNAVAILABLE,
    WINDOW_TOO_SHORT,
)
from rotaplan.io import load_scenario
from rotaplan.model import Deployment, Plan, Scenario, build_scenario
from rotaplan.solve import solve
from strategies import examples

EXAMPLE = Path(__file__).parents[1] / "examples" / "lithuania.yaml"

# One 240-day requirement inside a one-year horizon: a single tour can
# cover it all, so one unit is enough unless something holds it back.
ONE_YEAR = {"start": "2024-01-01", "end": "2025-01-01"}
SHORT_REQ = {
    "id": "R",
    "site": "pabrade",
    "capability": "armored-battalion",
    "start": "2024-04-10",
    "end": "2024-12-06",
}


def armored(uid: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "capability": "armored-battalion",
        "troops": 600,
        **fields,
    }


def scenario_data(
    units: list[dict[str, Any]],
    requirements: list[dict[str, Any]] | None = None,
    capacity: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Three years, 9-month tours, 1:2 dwell, 21 days transit, 10 days
    handover; one armored presence from day 10."""
    site: dict[str, Any] = {"id": "pabrade"}
    if capacity is not None:
        site["capacity_troops"] = capacity
    data: dict[str, Any] = {
        "name": "crafted",
        "horizon": {"start": "2024-01-01", "end": "2027-01-01"},
        "defaults": {
            "transit_days": 21,
            "handover_days": 10,
            "min_deployment_days": 90,
            "max_deployment_days": 270,
            "dwell_ratio": 2.0,
        },
        "sites": [site],
        "units": units,
        "requirements": requirements
        or [
            {
                "id": "LT-ARMOR",
                "site": "pabrade",
                "capability": "armored-battalion",
                "start": "2024-01-11",
                "end": "2027-01-01",
            }
        ],
    }
    data.update(extra)
    return data


def explain(s: Scenario) -> tuple[list[GapExplanation], int]:
    result = solve(s, method="greedy")
    return (
        explain_gaps(s, result.plan, result.check),
        result.check.measures.gap_days,
    )


def gap_days_between(s: Scenario, start: date, end: date) -> int:
    """Gap days the relay leaves in ``[start, end)``."""
    result = solve(s, method="greedy")
    origin = s.horizon.start
    lo, hi = (start - origin).days, (end - origin).days
    return sum(
        max(0, min(e, hi) - max(b, lo))
        for windows in result.check.gaps.values()
        for b, e, _ in windows
    )


def suggested_date(text: str) -> str:
    found = re.search(r"from (\d{4}-\d\d-\d\d)", text)
    assert found, text
    return found.group(1)


def test_bundled_example_without_gaps_has_no_explanation() -> None:
    s = load_scenario(EXAMPLE)
    result = solve(s, method="greedy")
    assert not result.check.gaps
    assert explain_gaps(s, result.plan, result.check) == []


def test_too_few_units_for_the_rotation() -> None:
    data = scenario_data([armored(f"A{i}") for i in range(3)])
    explanations, before = explain(build_scenario(data))
    assert explanations
    first = explanations[0]
    assert first.cause == TOO_FEW_UNITS
    assert first.message.startswith(
        "needs 4 armored-battalion units in rotation, 3 eligible"
    )
    more = [
        s
        for s in first.suggestions
        if s.startswith("one more armored-battalion unit available from")
    ]
    assert more
    # The fix, tried: a fourth unit from that day closes the window.
    data["units"].append(armored("A3", available_from=suggested_date(more[0])))
    fixed = build_scenario(data)
    assert gap_days_between(fixed, first.start, first.end) == 0
    assert solve(fixed, method="greedy").check.measures.gap_days < before


def test_two_units_short_asks_for_two_more() -> None:
    # Two on site every day from three units: during the window both
    # slots are empty at once, so one more unit would not be enough.
    data = scenario_data([armored(f"A{i}") for i in range(3)])
    data["requirements"][0]["count"] = 2
    explanations, _ = explain(build_scenario(data))
    first = explanations[0]
    assert first.cause == TOO_FEW_UNITS
    assert any(
        s.startswith("2 more armored-battalion units available from")
        for s in first.suggestions
    ), first.suggestions


def test_reserve_unit_still_in_dwell() -> None:
    # Home 2023-12-22 after 100 days at 1:4: 400 days owed, free
    # 2025-01-25, counting from 2025-01-25 + 21 + 10 = 2025-02-25.
    # At 1:3, 300 days: free 2024-10-17, counting from 2024-11-17.
    unit = armored(
        "1-163IN",
        component="reserve",
        last_return="2023-12-22",
        last_deployment_days=100,
    )
    req = dict(SHORT_REQ, start="2024-01-11", end="2025-12-01")
    data = scenario_data(
        [unit], [req], components={"reserve": {"dwell_ratio": 4.0}}
    )
    explanations, _ = explain(build_scenario(data))
    first = explanations[0]
    assert first.cause == IN_DWELL
    assert (first.start, first.end) == (date(2024, 1, 11), date(2025, 2, 25))
    assert "1-163IN ready 2025-01-25" in first.message
    assert (
        "reserve dwell ratio 4 to 3 would free 1-163IN from 2024-10-17 "
        "(counting from 2024-11-17)"
    ) in first.suggestions
    # The fix, tried: at 1:3 the gap ends on 2024-11-17.
    data["components"]["reserve"]["dwell_ratio"] = 3.0
    result = solve(build_scenario(data), method="greedy")
    start, end, _ = result.check.gaps["R"][0]
    assert (start, end) == (10, (date(2024, 11, 17) - date(2024, 1, 1)).days)


def test_a_unit_free_too_late_for_any_tour_is_not_said_to_count() -> None:
    # Free 2025-01-25 (as above), the reserve unit arrives 2025-02-15
    # at the earliest; R ends 2025-04-01, before any 90-day tour from
    # then could end, so no date it "counts from" exists.
    unit = armored(
        "1-163IN",
        component="reserve",
        last_return="2023-12-22",
        last_deployment_days=100,
    )
    req = dict(SHORT_REQ, start="2024-01-11", end="2025-04-01")
    data = scenario_data(
        [unit], [req], components={"reserve": {"dwell_ratio": 4.0}}
    )
    s = build_scenario(data)
    explanations, _ = explain(s)
    (first,) = explanations
    assert first.cause == IN_DWELL
    assert "1-163IN ready 2025-01-25" in first.message
    assert "counts from" not in first.message
    assert "cannot count before R ends 2025-04-01" in first.message
    # As said: the earliest tour the unit may make is either too short
    # or runs past R.
    arrive = date(2025, 2, 15)
    for end in (date(2025, 4, 1), arrive + timedelta(days=90)):
        tour = Deployment("1-163IN", "R", arrive, end)
        assert not check(s, Plan(s.name, [tour])).valid


def test_a_dwell_ratio_set_on_the_unit_is_suggested_on_the_unit() -> None:
    # Each unit sets its own ratio, which wins over its component's: a
    # suggestion naming the component would change nothing.
    units = [armored(uid, dwell_ratio=3.0) for uid in ("A", "B")]
    data = scenario_data(units)
    explanations, _ = explain(build_scenario(data))
    suggested = [
        (e, found)
        for e in explanations
        for text in e.suggestions
        if (found := re.match(r"(\w+)'s dwell ratio (\S+) to (\S+) ", text))
    ]
    assert suggested
    assert not any(
        "active dwell ratio" in text
        for e in explanations
        for text in e.suggestions
    )
    for e, found in suggested:
        uid, old, new = found.groups()
        (unit,) = [u for u in data["units"] if u["id"] == uid]
        assert unit["dwell_ratio"] == float(old)
        before = gap_days_between(build_scenario(data), e.start, e.end)
        # The change, made as worded: on the unit.
        changed = {**data, "units": [dict(u) for u in data["units"]]}
        for u in changed["units"]:
            if u["id"] == uid:
                u["dwell_ratio"] = float(new)
        after = gap_days_between(build_scenario(changed), e.start, e.end)
        assert after < before, (e.suggestions, before, after)


def test_site_capacity_during_handover() -> None:
    data = scenario_data([armored(f"A{i}") for i in range(5)], capacity=1000)
    explanations, before = explain(build_scenario(data))
    # Each relief leaves a 10-day gap: 600 + 600 troops do not fit 1000.
    reliefs = [e for e in explanations if e.days == 10]
    assert reliefs
    for e in reliefs:
        assert e.cause == SITE_CAPACITY
        assert "1200 troops" in e.message
        assert any(
            s.startswith(
                "raise capacity at pabrade to 1200 troops during the handover"
            )
            for s in e.suggestions
        )
    data["sites"][0]["capacity_troops"] = 1200
    after = solve(build_scenario(data), method="greedy").check
    assert after.measures.gap_days < before
    assert all(
        gap_days_between(build_scenario(data), e.start, e.end) == 0
        for e in reliefs
    )


def test_blackout_keeps_the_only_unit_home() -> None:
    # To count from 2024-04-10 the unit must arrive 2024-03-31 and leave
    # home 2024-03-10; its blackout lasts until 2024-04-30.
    unit = armored(
        "A",
        blackouts=[
            {"start": "2024-02-10", "end": "2024-04-30", "reason": "refit"}
        ],
    )
    data = scenario_data([unit], [SHORT_REQ], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == BLACKOUT
    assert "2024-02-10 to 2024-04-30 (refit)" in only.message
    assert (
        "end A's blackout (refit) by 2024-03-10 instead of 2024-04-30"
        in only.suggestions
    )
    assert only.units == {"A": "blackout 2024-02-10 to 2024-04-30 (refit)"}
    data["units"][0]["blackouts"][0]["end"] = "2024-03-10"
    assert not solve(build_scenario(data), method="greedy").check.gaps


def test_unit_not_yet_available() -> None:
    unit = armored("A", available_from="2024-04-30")
    data = scenario_data([unit], [SHORT_REQ], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == UNAVAILABLE
    assert "available only from 2024-04-30" in only.message
    assert (
        "make A available from 2024-03-10 instead of 2024-04-30"
        in only.suggestions
    )
    data["units"][0]["available_from"] = "2024-03-10"
    assert not solve(build_scenario(data), method="greedy").check.gaps


def test_availability_is_named_before_dwell_after_a_fixed_tour() -> None:
    # A's fixed tour ends 2024-06-29 and it then owes dwell; B, its
    # relief, is available only from 2024-08-01. Either, lifted, would
    # close the gap: the date a planner can move is the cause named.
    data = scenario_data(
        [armored("A"), armored("B", available_from="2024-08-01")],
        [dict(SHORT_REQ, start="2024-01-11", end="2024-12-17")],
        horizon=ONE_YEAR,
        fixed=[
            {
                "unit": "A",
                "requirement": "R",
                "start": "2024-01-01",
                "end": "2024-06-29",
            }
        ],
    )
    first = explain(build_scenario(data))[0][0]
    assert first.start == date(2024, 6, 29)
    assert first.cause == UNAVAILABLE
    assert IN_DWELL in first.other_causes
    (make,) = first.suggestions
    found = re.fullmatch(
        r"make B available from (\S+) instead of 2024-08-01", make
    )
    assert found, make
    before = gap_days_between(build_scenario(data), first.start, first.end)
    data["units"][1]["available_from"] = found.group(1)
    after = gap_days_between(build_scenario(data), first.start, first.end)
    assert after < before


def late_cut_scenario(**b_fields: Any) -> dict[str, Any]:
    """A's fixed tour ends 2024-06-29 and A then owes dwell past R's end;
    B relieves it, but ``b_fields`` (a blackout, an end of
    availability) call B home before R ends."""
    return scenario_data(
        [armored("A"), armored("B", **b_fields)],
        [dict(SHORT_REQ, start="2024-01-11", end="2024-12-17")],
        horizon=ONE_YEAR,
        fixed=[
            {
                "unit": "A",
                "requirement": "R",
                "start": "2024-01-01",
                "end": "2024-06-29",
            }
        ],
    )


def test_a_blackout_that_cuts_the_tour_short_is_the_cause() -> None:
    # B must be home by its blackout on 2024-11-01, so its tour ends
    # 21 days of transit earlier and R goes short: the blackout is
    # what to move, not A's dwell or a new unit.
    refit = {"start": "2024-11-01", "end": "2024-12-01", "reason": "refit"}
    data = late_cut_scenario(blackouts=[refit])
    last = explain(build_scenario(data))[0][-1]
    assert last.start == date(2024, 10, 11)
    assert last.cause == BLACKOUT
    assert last.message.startswith("B is in blackout 2024-11-01")
    assert IN_DWELL in last.other_causes
    (postpone,) = last.suggestions
    found = re.fullmatch(
        r"postpone B's blackout \(refit\) to start on or after (\S+)",
        postpone,
    )
    assert found, postpone
    before = gap_days_between(build_scenario(data), last.start, last.end)
    start = date.fromisoformat(found.group(1))
    data["units"][1]["blackouts"] = [
        dict(refit, start=str(start), end=str(start + timedelta(days=30)))
    ]
    after = gap_days_between(build_scenario(data), last.start, last.end)
    assert after < before


def test_an_end_of_availability_that_cuts_the_tour_short_is_named() -> None:
    data = late_cut_scenario(available_until="2024-11-01")
    last = explain(build_scenario(data))[0][-1]
    assert last.start == date(2024, 10, 11)
    assert last.cause == UNAVAILABLE
    assert "B is available only until 2024-11-01" in last.message
    (keep,) = last.suggestions
    found = re.fullmatch(
        r"keep B available until (\S+) instead of 2024-11-01", keep
    )
    assert found, keep
    before = gap_days_between(build_scenario(data), last.start, last.end)
    data["units"][1]["available_until"] = found.group(1)
    after = gap_days_between(build_scenario(data), last.start, last.end)
    assert after < before


def test_a_unit_at_its_longest_tour_is_resting_after_it() -> None:
    # In a plain rotation the unit leaving as the gap opens has served
    # its longest tour: it cannot stay on, it must rest.
    s = build_scenario(scenario_data([armored(f"A{i}") for i in range(3)]))
    result = solve(s, method="greedy")
    first = explain_gaps(s, result.plan, result.check)[0]
    leaving = next(
        d
        for d in result.plan.deployments
        if d.end == first.start and d.requirement == "LT-ARMOR"
    )
    assert (leaving.end - leaving.start).days == 270
    assert first.cause == TOO_FEW_UNITS
    ended = leaving.end.isoformat()
    assert first.units[leaving.unit].startswith(
        f"resting after its tour on LT-ARMOR ending {ended}"
    )


def test_no_unit_of_the_capability() -> None:
    engineers = {"id": "E1", "capability": "engineers", "troops": 150}
    data = scenario_data([engineers], [SHORT_REQ], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == NO_ELIGIBLE_UNIT
    assert (only.start, only.end) == (date(2024, 4, 10), date(2024, 12, 6))
    assert only.gap_days == 240
    assert any(
        s.startswith("allow engineers to fill armored-battalion")
        for s in only.suggestions
    )
    # The fix, tried: with the substitution the gap closes.
    data["substitutions"] = [
        {"capability": "armored-battalion", "by": "engineers"}
    ]
    assert not solve(build_scenario(data), method="greedy").check.gaps


def test_window_too_short_for_a_tour() -> None:
    # 52 days; a 90-day tour starting 10 days early ends 28 days late.
    short = dict(SHORT_REQ, end="2024-06-01")
    data = scenario_data([armored("A")], [short], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == WINDOW_TOO_SHORT
    assert "lengthen R to at least 80 days" in only.suggestions
    data["requirements"][0]["end"] = "2024-06-29"  # 80 days
    assert not solve(build_scenario(data), method="greedy").check.gaps


@pytest.mark.parametrize("start", ["2024-01-01", "2024-01-06"])
def test_window_too_short_near_the_horizon_start(start: str) -> None:
    # No tour may start before the horizon, so a requirement starting
    # less than handover_days after it loses part of the lead.
    begin = date.fromisoformat(start)
    short = dict(SHORT_REQ, start=start, end=str(begin + timedelta(82)))
    data = scenario_data([armored("A")], [short], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == WINDOW_TOO_SHORT
    assert "handover_days 10 early" not in only.message
    assert "no tour may start before the horizon (2024-01-01)" in only.message

    def gap_days_with(
        end: date | None = None, minimum: int | None = None
    ) -> int:
        changed = {
            **data,
            "requirements": [dict(short, end=str(end or short["end"]))],
            "defaults": dict(data["defaults"]),
        }
        if minimum is not None:
            changed["defaults"]["min_deployment_days"] = minimum
        s = build_scenario(changed)
        return solve(s, method="greedy").check.measures.gap_days

    (lengthen,) = [x for x in only.suggestions if x.startswith("lengthen")]
    found = re.fullmatch(r"lengthen R to at least (\d+) days", lengthen)
    assert found, lengthen
    days = int(found.group(1))
    assert days > 82
    # At least that long, as worded: a day less still fits no tour.
    assert gap_days_with(begin + timedelta(days - 1)) == days - 1
    assert gap_days_with(begin + timedelta(days)) < days
    (lower,) = [x for x in only.suggestions if x.startswith("lower")]
    found = re.match(r"lower min_deployment_days to (\d+) ", lower)
    assert found, lower
    minimum = int(found.group(1))
    assert minimum < 90
    assert gap_days_with(minimum=minimum) < 82
    assert gap_days_with(minimum=minimum + 1) == 82


def test_requirement_starting_with_the_horizon() -> None:
    at_start = dict(SHORT_REQ, start="2024-01-01", end="2024-06-01")
    data = scenario_data([armored("A")], [at_start], horizon=ONE_YEAR)
    (only,) = explain(build_scenario(data))[0]
    assert only.cause == HORIZON_START
    assert (only.start, only.end) == (date(2024, 1, 1), date(2024, 1, 11))


def test_gap_the_plan_could_have_filled() -> None:
    # A hand-made plan that sends the only unit 40 days late.
    data = scenario_data([armored("A")], [SHORT_REQ], horizon=ONE_YEAR)
    s = build_scenario(data)
    late = Deployment("A", "R", date(2024, 5, 10), date(2024, 12, 6))
    plan = Plan(scenario=s.name, deployments=[late])
    verdict = check(s, plan)
    assert verdict.valid and verdict.gaps
    (only,) = explain_gaps(s, plan, verdict)
    assert only.cause == PLANNER_CHOICE
    sooner = "deploy A on R from 2024-03-31 to 2024-12-06"
    assert f"{sooner} instead of 2024-05-10 to 2024-12-06" in only.suggestions
    moved = Plan(
        scenario=s.name,
        deployments=[
            Deployment("A", "R", date(2024, 3, 31), date(2024, 12, 6))
        ],
    )
    assert check(s, moved).measures.gap_days < verdict.measures.gap_days


def test_counts_of_one_are_worded_in_the_singular() -> None:
    # A arrives a day late: one gap day.
    data = scenario_data([armored("A")], [SHORT_REQ], horizon=ONE_YEAR)
    s = build_scenario(data)
    late = Deployment("A", "R", date(2024, 4, 1), date(2024, 12, 6))
    (only,) = explain_gaps(s, Plan(s.name, [late]))
    assert only.gap_days == 1
    assert "R 2024-04-10 to 2024-04-11: 1 gap day, " in str(only)


def test_one_unit_held_elsewhere_is_worded_in_the_singular() -> None:
    # The only unit is on LONG while SHORT, one tour long, needs it.
    long = dict(SHORT_REQ, id="LONG", start="2024-01-11", end="2024-09-01")
    short = dict(SHORT_REQ, id="SHORT", start="2024-04-10", end="2024-07-20")
    data = scenario_data([armored("A")], [long, short], horizon=ONE_YEAR)
    s = build_scenario(data)
    busy = Deployment("A", "LONG", date(2024, 1, 1), date(2024, 9, 1))
    plan = Plan(s.name, [busy])
    assert check(s, plan).valid
    (only,) = [e for e in explain_gaps(s, plan) if e.requirement == "SHORT"]
    assert only.cause == TOO_FEW_UNITS
    assert only.message.startswith(
        "needs 1 armored-battalion unit in rotation; 1 is eligible but it "
        "is held by other tours in the plan"
    ), only.message


def test_a_unit_is_due_on_the_tour_that_ends_the_gap() -> None:
    # A is home from 2024-04-01 and may arrive again 2024-11-11, the day
    # the plan sends it back: that relief ends the gap, not the tour
    # after it in 2026. B's tour is as long as B may stay, so B cannot
    # stay on into the gap either: too few units.
    s = build_scenario(
        scenario_data([armored("A"), armored("B", max_deployment_days=163)])
    )
    relief = Deployment("A", "LT-ARMOR", date(2024, 11, 11), date(2025, 4, 1))
    plan = Plan(
        s.name,
        [
            Deployment("A", "LT-ARMOR", date(2024, 1, 1), date(2024, 4, 1)),
            Deployment("B", "LT-ARMOR", date(2024, 3, 22), date(2024, 9, 1)),
            relief,
            Deployment("A", "LT-ARMOR", date(2026, 3, 1), date(2026, 6, 1)),
        ],
    )
    verdict = check(s, plan)
    assert verdict.valid
    first = explain_gaps(s, plan, verdict)[0]
    assert first.cause == TOO_FEW_UNITS
    found = re.search(r"due on LT-ARMOR from (\S+)", first.units["A"])
    assert found, first.units["A"]
    due = date.fromisoformat(found.group(1))
    # The tour due then is the one whose arrival closes the window.
    assert due == relief.start
    assert due + timedelta(days=10) == first.end
    assert f"due on LT-ARMOR from {due}" in first.message


def test_a_requirement_of_no_priority_is_left_open_and_told_why() -> None:
    # R has priority 0: its gap days cost nothing, and a deployment is
    # the objective's last level, so the optimal plan sends no one.
    data = scenario_data(
        [armored("A")], [{**SHORT_REQ, "priority": 0}], horizon=ONE_YEAR
    )
    s = build_scenario(data)
    result = solve(s, time_limit=20)
    assert result.status == "optimal"
    assert result.check.measures.deployments == 0
    (only,) = explain_gaps(s, result.plan, result.check)
    assert only.cause == PLANNER_CHOICE
    assert "R has priority 0, so its gap days cost nothing" in only.message
    assert only.suggestions[0] == (
        "give R a priority above 0 if these days matter"
    )
    # The named tour, tried: it closes the gap and keeps every rule.
    found = re.match(r"deploy A on R from (\S+) to (\S+)", only.suggestions[1])
    assert found
    start, end = map(date.fromisoformat, found.groups())
    sent = check(s, Plan(s.name, [Deployment("A", "R", start, end)]))
    assert sent.valid
    assert sent.measures.gap_days < result.check.measures.gap_days


def test_a_sooner_relief_that_only_moves_the_gap_is_told_so() -> None:
    # R runs 2024-01-11 to 2024-12-31 (355 days), one unit, tours of at
    # most 270 days, 10 days handover. The plan's tour runs 2024-03-01
    # to 2024-11-26: 60 gap days before it counts, 35 after it ends.
    # Starting it on 2024-01-01 counts on all 60 early days but, at 270
    # days, ends on 2024-09-27: 95 gap days at the end. The gap moves.
    data = scenario_data(
        [armored("A")],
        [{**SHORT_REQ, "start": "2024-01-11", "end": "2024-12-31"}],
        horizon=ONE_YEAR,
    )
    s = build_scenario(data)
    plan = Plan(
        scenario=s.name,
        deployments=[
            Deployment("A", "R", date(2024, 3, 1), date(2024, 11, 26))
        ],
    )
    verdict = check(s, plan)
    assert verdict.valid and verdict.measures.gap_days == 95
    first = explain_gaps(s, plan, verdict)[0]
    assert first.cause == PLANNER_CHOICE
    assert "run 2024-01-01 to 2024-09-27" in first.message
    assert "95 gap days, against 95 now: the gap moves" in first.message
    assert not any(x.startswith("deploy A") for x in first.suggestions)
    assert any(
        "one more armored-battalion unit" in x for x in first.suggestions
    )
    moved = Plan(
        scenario=s.name,
        deployments=[
            Deployment("A", "R", date(2024, 1, 1), date(2024, 9, 27))
        ],
    )
    assert check(s, moved).valid
    assert check(s, moved).measures.gap_days == verdict.measures.gap_days


def test_explanations_are_json_ready_and_readable() -> None:
    data = scenario_data([armored(f"A{i}") for i in range(3)])
    explanations, _ = explain(build_scenario(data))
    for e in explanations:
        d = json.loads(json.dumps(e.to_dict()))
        assert d["cause"] in CAUSES
        assert date.fromisoformat(d["start"]) < date.fromisoformat(d["end"])
        assert d["days"] == e.days and d["gap_days"] == e.gap_days
        assert set(d["units"]) == {"A0", "A1", "A2"}
        text = str(e)
        assert e.cause in text and e.requirement in text
        assert all(s in text for s in e.suggestions)


def test_check_result_is_optional_and_output_stable() -> None:
    s = build_scenario(scenario_data([armored(f"A{i}") for i in range(3)]))
    result = solve(s, method="greedy")
    given = explain_gaps(s, result.plan, result.check)
    assert explain_gaps(s, result.plan) == given


@settings(max_examples=examples(40), deadline=None)
@given(strategies.scenarios())
def test_every_gap_window_is_explained(s: Scenario) -> None:
    result = solve(s, method="greedy")
    explanations = explain_gaps(s, result.plan, result.check)
    windows = sum(len(w) for w in result.check.gaps.values())
    assert len(explanations) == windows
    # The explanations account for exactly the checker's gap days.
    assert sum(e.gap_days for e in explanations) == (
        result.check.measures.gap_days
    )
    for e in explanations:
        assert e.cause in CAUSES
        json.dumps(e.to_dict())
        if e.cause == PLANNER_CHOICE:
            assert_planner_choice_is_sound(s, result, e)


@settings(max_examples=examples(30), deadline=None)
@given(strategies.scenarios())
def test_planner_choices_on_optimizer_plans_are_sound(s: Scenario) -> None:
    # The optimizer's plans, unlike the relay's, often hold a relief
    # back on purpose: moving it sooner only moves the gap, and the
    # explanation must say which.
    result = solve(s, method="cpsat", time_limit=10, threads=1, work_limit=1)
    for e in explain_gaps(s, result.plan, result.check):
        if e.cause == PLANNER_CHOICE:
            assert_planner_choice_is_sound(s, result, e)


def assert_planner_choice_is_sound(
    s: Scenario, result: Any, e: GapExplanation
) -> None:
    """The tour a planner-choice explanation names keeps every rule (with
    the unit's late relief it replaces taken out), and does to the gap
    days what the explanation says: closes some, or only moves them."""
    moves = "the gap moves" in e.message
    if moves:
        found = re.match(
            r"(\S+) could have counted .* run (\S+) to (\S+) \(from",
            e.message,
        )
        assert found
        unit, start, end = found.groups()
        req = e.requirement
    else:
        deploy = next(x for x in e.suggestions if x.startswith("deploy"))
        found = re.match(r"deploy (\S+) on (\S+) from (\S+) to (\S+)", deploy)
        assert found
        unit, req, start, end = found.groups()
    extra = Deployment(
        unit, req, date.fromisoformat(start), date.fromisoformat(end)
    )
    # The named tour replaces the unit's late relief in the window, or
    # the tour it stretches into the window: either way one it overlaps.
    others = [
        d
        for d in result.plan.deployments
        if d.fixed
        or not (
            d.unit == unit
            and d.requirement == req
            and (
                (d.start < e.end and d.end > e.start)
                or (d.start < extra.end and d.end > extra.start)
            )
        )
    ]
    after = check(s, Plan(s.name, [*others, extra]))
    assert after.valid
    before = result.check.measures.gap_days
    if moves:
        assert after.measures.gap_days >= before
    else:
        assert after.measures.gap_days < before


def test_busy_units_get_substitutes_the_scenario_already_uses() -> None:
    # Three armored units cannot keep one on site; engineers and a
    # mechanized battalion sit idle. Only mechanized units stand in for
    # anything in this scenario, so only they are offered as a
    # substitution: a planner does not send engineers as armor.
    units = [armored(f"A{i}") for i in range(3)] + [
        {"id": "E1", "capability": "engineers", "troops": 150},
        {"id": "M1", "capability": "mechanized", "troops": 600},
    ]
    data = scenario_data(
        units,
        substitutions=[{"capability": "infantry", "by": "mechanized"}],
    )
    explanations, _ = explain(build_scenario(data))
    suggested = [
        s
        for e in explanations
        if e.cause == TOO_FEW_UNITS
        for s in e.suggestions
    ]
    assert suggested
    assert any(
        s.startswith("allow mechanized to fill armored-battalion")
        for s in suggested
    )
    assert not any(s.startswith("allow engineers") for s in suggested)
