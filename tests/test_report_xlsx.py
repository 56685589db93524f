"""The workbook: the same numbers as the checker, sheet by sheet."""

from __future__ import annotations

import copy
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from rotaplan import build_scenario, check, solve
from rotaplan.analyze.costs import compare_costs
from rotaplan.report.xlsx import SHEETS, xlsx_report
from test_report_cases import GAPS, broken_plan, gaps_plan, gaps_scenario


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture(scope="module")
def book() -> Any:
    data = xlsx_report(gaps_scenario(), gaps_plan())
    return load_workbook(io.BytesIO(data))


def test_the_sheets(book: Any) -> None:
    assert tuple(book.sheetnames) == SHEETS


def test_summary_gives_the_checkers_measures(book: Any) -> None:
    m = check(gaps_scenario(), gaps_plan()).measures
    values = {r[0]: r[1] for r in rows(book["summary"]) if r and r[0]}
    assert values["gap days"] == m.gap_days
    assert values["exercise gap days"] == m.exercise_gap_days
    assert values["weighted gap days"] == pytest.approx(m.weighted_gap_days)
    assert values["deployments planned (not fixed)"] == m.deployments
    assert values["valid"] == "yes"


def test_one_row_per_deployment_with_real_dates(book: Any) -> None:
    plan = gaps_plan()
    header, *body = rows(book["deployments"])
    assert len(body) == len(plan.deployments)
    start = header.index("start (on site)")
    end = header.index("end (leaves site)")
    got = sorted(
        (r[header.index("unit")], r[start].date(), r[end].date()) for r in body
    )
    assert got == sorted((d.unit, d.start, d.end) for d in plan.deployments)
    assert all(isinstance(r[start], datetime) for r in body)


def test_monthly_coverage_adds_up_to_the_checkers_gap_days(
    book: Any,
) -> None:
    result = check(gaps_scenario(), gaps_plan())
    header, *body = rows(book["coverage by month"])
    gap_col = header.index("gap days")
    # Requirement rows have a count; the note under them has none.
    data = [r for r in body if r[2] is not None]
    assert [r[0] for r in data] == ["N-ARMOR", "S-INF"]
    assert sum(r[gap_col] for r in data) == result.measures.gap_days
    # A month short on some day is below 100 %.
    for r in data:
        shares = [v for v in r[4:] if v is not None]
        assert (min(shares) < 1) == (r[gap_col] > 0)


def test_unit_dwell_rows_meet_what_they_owe(book: Any) -> None:
    header, *body = rows(book["unit dwell"])
    assert body, "the case has units that come home and leave again"
    home = header.index("days at home")
    owed = header.index("days owed")
    met = header.index("dwell met")
    for r in body:
        assert (r[met] == "yes") == (r[home] >= r[owed])


def test_cost_comparison_lists_each_persistent_requirement(
    book: Any,
) -> None:
    scenario = gaps_scenario()
    costs = compare_costs(scenario, gaps_plan())
    sheet = rows(book["cost comparison"])
    listed = [r[0] for r in sheet[1 : 1 + len(costs.requirements)]]
    assert listed == [r.requirement for r in costs.requirements]
    rotation = sheet[0].index("rotation cost, horizon (USD)")
    for r, row in zip(costs.requirements, sheet[1:], strict=False):
        assert row[rotation] == round(r.rotation_total)


def test_a_broken_plan_lists_its_rules_on_the_summary() -> None:
    scenario = gaps_scenario()
    plan = broken_plan()
    result = check(scenario, plan)
    book = load_workbook(io.BytesIO(xlsx_report(scenario, plan)))
    summary = rows(book["summary"])
    listed = [(r[0], r[1]) for r in summary if r and r[0] in ("H2", "H3")]
    expected = [
        (v.rule, v.message)
        for v in result.violations
        if v.rule in ("H2", "H3")
    ]
    assert listed == expected


def test_a_text_that_looks_like_a_formula_stays_text() -> None:
    # A unit id, home or site a spreadsheet would run as a formula.
    attack = "=cmd|' /C calc'!A0"
    data = copy.deepcopy(GAPS)
    data["units"][0]["id"] = attack
    data["units"][1]["home"] = "=1+1"
    scenario = build_scenario(data)
    plan = solve(scenario, method="greedy").plan
    assert any(d.unit == attack for d in plan.deployments)
    book = load_workbook(io.BytesIO(xlsx_report(scenario, plan)))
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert {c.value for c in texts} == {attack, "=1+1"}
    assert all(c.data_type == "s" for c in texts)
    # Numbers stay numbers.
    header, *body = rows(book["deployments"])
    days = header.index("days on site")
    assert all(isinstance(r[days], int) for r in body)
