"""The presence report as a workbook for people who work in spreadsheets.

Sheets: ``summary`` (the headline and any broken rules),
``deployments``, ``coverage by month``, ``unit dwell`` and ``cost
comparison``. Numbers are the same as the HTML report's, from the same
``Presence``; dates are real dates and shares real fractions, so that
filters and formulas work on them.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..analyze.check import CheckResult
from ..io import write_text_atomic
from ..model import Plan, Scenario
from ..model.costs import SOURCES
from .measures import Presence, monthly_coverage, presence

SHEETS = (
    "summary",
    "deployments",
    "coverage by month",
    "unit dwell",
    "cost comparison",
)
_BOLD = Font(bold=True)
_RED = PatternFill("solid", fgColor="F8D7DA")
_GREEN = PatternFill("solid", fgColor="D4EDDA")
_MONEY = "#,##0;-#,##0"
_DATE = "yyyy-mm-dd"


def xlsx_report(
    scenario: Scenario, plan: Plan, result: CheckResult | None = None
) -> bytes:
    """The presence report as the bytes of an ``.xlsx`` workbook.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan, valid or not (broken rules are listed on ``summary``).
    result
        The checker's verdict on the plan, when already at hand.
    """
    return render_xlsx(presence(scenario, plan, result))


def render_xlsx(p: Presence) -> bytes:
    """The workbook for an already measured plan (see ``xlsx_report``)."""
    wb = Workbook()
    first = wb.active
    # A new workbook's one sheet is a worksheet, never a chart sheet.
    assert isinstance(first, Worksheet)
    _summary(first, p)
    _deployments(wb.create_sheet("deployments"), p)
    _coverage(wb.create_sheet("coverage by month"), p)
    _dwell(wb.create_sheet("unit dwell"), p)
    _costs(wb.create_sheet("cost comparison"), p)
    _plain_text(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_xlsx(data: bytes, path: str | Path) -> None:
    """Write the workbook whole or not at all (as ``write_text_atomic``:
    a device is written to, a symbolic link kept)."""
    write_text_atomic(Path(path), data)


def _plain_text(wb: Workbook) -> None:
    """Store every text cell as a string. openpyxl takes a text starting
    with ``=`` for a formula, so a unit id such as ``=cmd|' /C calc'!A0``
    would run in the reader's spreadsheet; the workbook has no formulas
    of its own."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _last_row(ws: Worksheet) -> int:
    """The row ``ws.append`` wrote last (``ws.max_row`` scans every
    cell, too slow to ask per row of a large sheet)."""
    row: int = ws._current_row  # type: ignore[attr-defined]
    return row


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _table(
    ws: Worksheet,
    names: list[str],
    rows: list[list[Any]],
    formats: dict[int, str] | None = None,
) -> None:
    """A header row, data rows, frozen header and filters."""
    _header(ws, 1, names)
    for row in rows:
        ws.append(row)
    for col, number_format in (formats or {}).items():
        for (cell,) in ws.iter_rows(
            min_row=2, min_col=col, max_col=col, max_row=len(rows) + 1
        ):
            cell.number_format = number_format
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = (
            f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
        )


def _summary(ws: Worksheet, p: Presence) -> None:
    ws.title = "summary"
    h = p.headline()
    m = p.result.measures
    cur = p.costs.costs.currency
    ws.append(["Presence report", p.scenario.name])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [
            "horizon",
            f"{p.scenario.horizon.start} to {p.scenario.horizon.end}",
        ]
    )
    ws.append(["plan status", p.plan.status])
    ws.append(["valid", "yes" if p.result.valid else "NO"])
    ws.append([])
    lines: list[tuple[str, Any, str]] = [
        ("presence kept", p.presence_share, "0.00%"),
        ("required unit-days", p.required_unit_days, "#,##0"),
        ("gap days", m.gap_days, "#,##0"),
        ("gap windows", len(p.gap_windows), "#,##0"),
        ("weighted gap days", m.weighted_gap_days, "#,##0.00"),
        ("exercise gap days", m.exercise_gap_days, "#,##0"),
        ("substitution penalty", m.substitution_penalty, "#,##0.00"),
        ("deployments planned (not fixed)", m.deployments, "#,##0"),
        ("handovers", p.handovers, "#,##0"),
        ("handovers per year", h["handovers_per_year"], "0.00"),
        (
            "units tied up per unit kept (persistent requirements)",
            h["units_tied_up_mean"],
            "0.00",
        ),
        ("BOG:Dwell min (x of 1:x)", h["dwell_ratio_min"], "0.00"),
        ("BOG:Dwell median (x of 1:x)", h["dwell_ratio_median"], "0.00"),
        (
            f"rotation cost over the horizon ({cur})",
            h["rotation_cost"],
            _MONEY,
        ),
        (
            f"stationing cost over the horizon ({cur})",
            h["stationing_cost"],
            _MONEY,
        ),
        ("stationing breaks even", p.costs.break_even.describe(), "@"),
    ]
    for label, value, number_format in lines:
        ws.append([label, value])
        ws.cell(row=_last_row(ws), column=2).number_format = number_format
    if p.gap_windows:
        ws.append([])
        ws.append(["gap windows"])
        ws.cell(row=_last_row(ws), column=1).font = _BOLD
        ws.append(
            [
                "requirement",
                "site",
                "from",
                "until (first day kept)",
                "days",
                "units short (most)",
            ]
        )
        for g in p.gap_windows:
            ws.append([g.requirement, g.site, g.start, g.end, g.days, g.short])
            for col in (3, 4):
                ws.cell(row=_last_row(ws), column=col).number_format = _DATE
    if p.result.violations:
        ws.append([])
        ws.append(
            [
                f"This plan breaks {len(p.result.violations)} rules and "
                "cannot be carried out as written"
            ]
        )
        ws.cell(row=_last_row(ws), column=1).font = Font(
            bold=True, color="C00000"
        )
        for v in p.result.violations:
            ws.append(
                [
                    v.rule,
                    v.message,
                    "" if v.deployment is None else v.deployment,
                ]
            )
    _widths(ws, [44, 22, 14, 20, 8, 18])


def _deployments(ws: Worksheet, p: Presence) -> None:
    inst = p.inst
    broken: dict[int, set[str]] = defaultdict(set)
    for v in p.result.violations:
        if v.deployment is not None:
            broken[v.deployment].add(v.rule)
    spells = {(s.unit, s.next_start): s for s in p.dwell}
    homes = {u.id: u.home for u in p.scenario.units}
    rows = []
    for i, d in sorted(
        enumerate(p.plan.deployments),
        key=lambda id_: (id_[1].start, id_[1].unit, id_[1].requirement),
    ):
        unit = inst.units.get(d.unit)
        req = inst.requirements.get(d.requirement)
        t = unit.policy.transit_days if unit else 0
        spell = spells.get((d.unit, d.start))
        rows.append(
            [
                i,
                d.unit,
                unit.capability if unit else None,
                unit.component if unit else None,
                homes.get(d.unit),
                d.requirement,
                req.site if req else None,
                d.start - timedelta(days=t) if unit else None,
                d.start,
                d.start + timedelta(days=unit.policy.handover_days)
                if unit
                else None,
                d.end,
                d.end + timedelta(days=t) if unit else None,
                d.days,
                spell.home_days if spell else None,
                round(spell.ratio, 3) if spell else None,
                "yes" if d.fixed else "no",
                " ".join(sorted(broken.get(i, ()))),
            ]
        )
    _table(
        ws,
        [
            "#",
            "unit",
            "capability",
            "component",
            "home",
            "requirement",
            "site",
            "leaves home",
            "start (on site)",
            "counts from",
            "end (leaves site)",
            "home again",
            "days on site",
            "dwell before (days)",
            "BOG:Dwell before (x of 1:x)",
            "fixed",
            "rules broken",
        ],
        rows,
        {8: _DATE, 9: _DATE, 10: _DATE, 11: _DATE, 12: _DATE},
    )
    _widths(ws, [5, 12, 22, 10, 16, 14, 12] + [12] * 5 + [8, 10, 12, 6, 10])


def _coverage(ws: Worksheet, p: Presence) -> None:
    inst = p.inst
    months, cells = monthly_coverage(inst, p.coverage)
    _header(
        ws,
        1,
        ["requirement", "site", "units required", "gap days", *months],
    )
    for req_id, per_month in cells.items():
        req = inst.requirements[req_id]
        row: list[Any] = [
            req_id,
            req.site,
            req.count,
            p.coverage[req_id].gap_days,
        ]
        for required, short in per_month:
            row.append(None if not required else 1 - short / required)
        ws.append(row)
        for col, (required, short) in enumerate(per_month, start=5):
            if not required:
                continue
            cell = ws.cell(row=_last_row(ws), column=col)
            cell.number_format = "0%"
            cell.fill = _RED if short else _GREEN
    ws.freeze_panes = "E2"
    _widths(ws, [16, 12, 8, 9] + [8] * len(months))
    ws.append([])
    ws.append(
        [
            "Each month's share of required unit-days kept (a unit counts "
            "from handover_days after arriving); red: a unit short on at "
            "least one day. Blank: the requirement does not run that month."
        ]
    )


def _dwell(ws: Worksheet, p: Presence) -> None:
    rows = [
        [
            s.unit,
            s.component,
            s.next_start,
            s.preceding_days,
            s.home_days,
            s.owed_days,
            round(s.ratio, 3),
            "yes" if s.home_days >= s.owed_days else "NO",
            "last_return" if s.from_history else "plan",
        ]
        for s in p.dwell
    ]
    _table(
        ws,
        [
            "unit",
            "component",
            "next tour starts",
            "days on site before",
            "days at home",
            "days owed",
            "BOG:Dwell (x of 1:x)",
            "dwell met",
            "tour before from",
        ],
        rows,
        {3: _DATE},
    )
    _widths(ws, [14, 11, 14, 12, 12, 10, 12, 9, 12])


def _costs(ws: Worksheet, p: Presence) -> None:
    c = p.costs
    cur = c.costs.currency
    names = [
        "requirement",
        "site",
        "units required",
        "presence kept by rotation",
        "units tied up, rotation (average)",
        "units tied up, stationed",
        "effective unit-days lost to handovers",
        "moves per year, rotation",
        f"rotation cost per year ({cur})",
        f"stationing cost per year ({cur})",
        f"rotation cost, horizon ({cur})",
        f"stationing cost, horizon ({cur})",
        "stationing breaks even",
    ]
    _header(ws, 1, names)
    for r in c.requirements:
        cov = p.coverage[r.requirement]
        years = (r.window[1] - r.window[0]) / 365.25
        ws.append(
            [
                r.requirement,
                r.site,
                r.count,
                1 - cov.gap_days / cov.required_unit_days,
                round(r.units_tied_up, 3),
                r.count,
                r.handover_unit_days,
                round(r.moves_per_year, 3),
                round(r.rotation_total / years),
                round(r.stationing_total / years),
                round(r.rotation_total),
                round(r.stationing_total),
                r.break_even.describe(),
            ]
        )
        ws.cell(row=_last_row(ws), column=4).number_format = "0.00%"
        for col in (9, 10, 11, 12):
            ws.cell(row=_last_row(ws), column=col).number_format = _MONEY
    ws.freeze_panes = "A2"
    start = _last_row(ws) + 2
    _header(
        ws,
        start,
        [
            "year",
            "days in horizon",
            f"rotation ({cur})",
            f"stationing ({cur})",
            f"rotation, cumulative ({cur})",
            f"stationing, cumulative ({cur})",
        ],
    )
    cum_r = cum_s = 0.0
    for year, days, r_cost, s_cost in zip(
        c.years,
        c.year_days,
        c.rotation_by_year,
        c.stationing_by_year,
        strict=True,
    ):
        cum_r += r_cost
        cum_s += s_cost
        ws.append(
            [
                year,
                days,
                round(r_cost),
                round(s_cost),
                round(cum_r),
                round(cum_s),
            ]
        )
        for col in (3, 4, 5, 6):
            ws.cell(row=_last_row(ws), column=col).number_format = _MONEY
    ws.append(["stationing breaks even", c.break_even.describe()])
    ws.append([])
    ws.append(["cost model", "value", "from"])
    ws.cell(row=_last_row(ws), column=1).font = _BOLD
    for name in (
        "deployed_per_troop_day",
        "rotation_premium_per_troop_year",
        "move_per_troop",
        "basing_per_troop",
        "stationing_per_troop_year",
    ):
        ws.append(
            [
                name,
                getattr(c.costs, name),
                "default" if c.costs.is_default(name) else "scenario",
            ]
        )
    for entry in c.costs.moves:
        ws.append(
            [
                f"moves: home {entry.home or 'any'}, site "
                f"{entry.site or 'any'}",
                entry.per_troop,
                "scenario",
            ]
        )
    ws.append([])
    ws.append(["sources"])
    ws.cell(row=_last_row(ws), column=1).font = _BOLD
    for who, what in SOURCES:
        ws.append([who, what])
    _widths(ws, [30, 12, 10, 12] + [14] * 9)
