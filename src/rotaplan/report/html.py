"""The presence report as one self-contained HTML page.

The page carries Plotly's JavaScript inline once and fetches nothing:
it opens from a USB stick on a machine with no network. Its headline
numbers are the checker's, shown in elements marked ``data-measure``
and repeated in a JSON block (``<script type="application/json"
id="rotaplan-measures">``) for programs.

A plan that breaks rules is still reported, under a warning that lists
every broken rule: a planner needs to see what a draft does before
mending it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from string import Template
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from ..analyze.check import CheckResult
from ..model import Plan, Scenario
from ..model.costs import SOURCES, Costs
from . import figures
from . import format as fmt
from .measures import Presence, presence

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class HtmlOptions:
    """Choices for the HTML report.

    Attributes
    ----------
    title
        The page title; the scenario's name when empty.
    listed_gaps
        Gap windows listed in the headline before the rest fold away.
    listed_violations
        Broken rules listed in the warning before the rest fold away.
    unit_gantt
        Draw the chart of deployments by unit (tall for many units).
    """

    title: str = ""
    listed_gaps: int = 12
    listed_violations: int = 50
    unit_gantt: bool = True


def html_report(
    scenario: Scenario,
    plan: Plan,
    options: HtmlOptions | None = None,
    result: CheckResult | None = None,
) -> str:
    """The presence report for a plan, as one HTML page.

    Parameters
    ----------
    scenario
        The validated scenario.
    plan
        The plan, valid or not (broken rules are listed at the top).
    options
        Page choices; defaults when None.
    result
        The checker's verdict on the plan, when already at hand.

    Returns
    -------
    str
        The page, with Plotly's JavaScript inline.
    """
    return render_html(presence(scenario, plan, result), options)


def render_html(p: Presence, options: HtmlOptions | None = None) -> str:
    """The page for an already measured plan (see ``html_report``)."""
    options = options or HtmlOptions()
    charts = _ChartWriter()
    title = options.title or f"Presence report: {p.scenario.name}"
    body = "\n".join(
        [
            _header(p, title),
            _violations(p, options),
            _headline(p, options),
            _cost_section(p, charts),
            _section(
                "coverage",
                "Coverage by requirement",
                "<p>Green while every unit required counts on site; red "
                "on the days the checker finds a unit short.</p>"
                + charts(figures.coverage_strips(p), "fig-coverage"),
            ),
            _section(
                "by-site",
                "Deployments by site",
                "<p>One lane per tour in a relay. Grey: transit; orange: "
                "handover, on site but not yet counting; blue: counting; "
                "purple: fixed deployments already decided. The "
                "exercises row is green when covered, red when short."
                "</p>" + charts(figures.gantt_by_site(p), "fig-by-site"),
            ),
            (
                _section(
                    "by-unit",
                    "Deployments by unit",
                    "<p>Each unit's tours; light green is the dwell it "
                    "owes at home afterwards.</p>"
                    + charts(figures.gantt_by_unit(p), "fig-by-unit"),
                )
                if options.unit_gantt
                else ""
            ),
            _section(
                "load",
                "Site load",
                "<p>Troops on site each day, handover overlap included, "
                "against each site's capacity.</p>"
                + charts(figures.site_load_chart(p), "fig-load"),
            ),
            _section(
                "dwell",
                "Dwell at home",
                "<p>Each spell at home between tours, as days at home per "
                "day on site in the tour before it (BOG:Dwell 1:x).</p>"
                + charts(figures.dwell_histogram(p), "fig-dwell"),
            ),
            _exercises(p),
            _deployments(p),
            _definitions(p),
            _measures_json(p),
        ]
    )
    return _PAGE.substitute(
        title=escape(title), style=_STYLE, body=body, script=_SORT_SCRIPT
    )


class _ChartWriter:
    """Writes figures as HTML fragments, Plotly's JavaScript inline with
    the first one only."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig: go.Figure, div_id: str) -> str:
        include: bool = self.first
        self.first = False
        # A fixed div id keeps the page the same for the same plan.
        html: str = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=include,
            div_id=div_id,
            config=PLOTLY_CONFIG,
        )
        return f'<div class="chart">{html}</div>'


def _section(anchor: str, title: str, content: str) -> str:
    return (
        f'<section id="{anchor}"><h2>{escape(title)}</h2>\n{content}</section>'
    )


def _measure(name: str, text: str) -> str:
    return f'<span data-measure="{name}">{escape(text)}</span>'


def _header(p: Presence, title: str) -> str:
    s = p.scenario
    solver = p.plan.solver.get("name") or p.plan.solver.get("method") or ""
    bits = [
        f"horizon {s.horizon.start} to {s.horizon.end} "
        f"({fmt.decimal(p.horizon_years, 1)} years)",
        f"plan status: {p.plan.status}",
        f"{len(p.plan.deployments)} deployments",
    ]
    if solver:
        bits.append(f"planned by {solver}")
    return (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="sub">{escape(" · ".join(bits))}</p>'
        '<nav><a href="#headline">Headline</a> <a href="#costs">Rotation '
        'vs stationing</a> <a href="#coverage">Coverage</a> '
        '<a href="#by-site">By site</a> <a href="#by-unit">By unit</a> '
        '<a href="#load">Site load</a> <a href="#dwell">Dwell</a> '
        '<a href="#exercises">Exercises</a> <a href="#deployments">'
        'Deployments</a> <a href="#definitions">Definitions</a></nav>'
        "</header>"
    )


def _violations(p: Presence, options: HtmlOptions) -> str:
    violations = p.result.violations
    if not violations:
        return ""
    items = [f"<li>{escape(str(v))}</li>" for v in violations]
    shown = "".join(items[: options.listed_violations])
    rest = items[options.listed_violations :]
    more = (
        f"<details><summary>and {len(rest)} more</summary><ul>"
        f"{''.join(rest)}</ul></details>"
        if rest
        else ""
    )
    return (
        '<div class="warning" id="violations" role="alert">'
        f"<h2>This plan breaks {_measure('violations', str(len(violations)))}"
        f" rule{'s' if len(violations) != 1 else ''} and cannot be carried "
        "out as written</h2><p>The figures below describe the plan as "
        "written. Deployments with unknown ids or no days on site are "
        "left out of them, as the checker leaves them out. Run "
        "<code>rotaplan check</code> for the same list.</p>"
        f"<ul>{shown}</ul>{more}</div>"
    )


def _verdict(p: Presence) -> str:
    """The answer to the page's question in one paragraph."""
    m = p.result.measures
    kept = (
        "kept every required unit-day"
        if not m.gap_days
        else (
            f"kept {fmt.percent(100 * p.presence_share)} of required "
            f"unit-days, with {fmt.integer(m.gap_days)} gap days in "
            f"{len(p.gap_windows)} windows"
        )
    )
    handover = sorted({u.policy.handover_days for u in p.inst.units.values()})
    text = (
        f"Rotation {kept}. It needs {fmt.decimal(p.handovers_per_year, 1)} "
        f"handovers a year, each leaving the incoming unit "
        f"{'/'.join(str(h) for h in handover)} days on site before it "
        "counts."
    )
    tied = p.units_tied_up_mean
    if tied is not None:
        text += (
            f" Each unit kept on a persistent requirement holds "
            f"{fmt.decimal(tied, 1)} units out of the force (away, or "
            "in the dwell owed afterwards); stationed, it would hold one."
        )
    c = p.costs
    if c.requirements:
        cur = c.costs.currency
        text += (
            f" Over the horizon rotation costs "
            f"{fmt.money(c.rotation_total, cur)} against "
            f"{fmt.money(c.stationing_total, cur)} for stationing the same "
            f"force; stationing breaks even: {c.break_even.describe()}."
        )
    return f'<p class="verdict">{escape(text)}</p>'


def _card(label: str, value: str, note: str = "") -> str:
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{value}</div>'
        f'<div class="note">{note}</div></div>'
    )


def _headline(p: Presence, options: HtmlOptions) -> str:
    m = p.result.measures
    c = p.costs
    cur = c.costs.currency
    cards = [
        _card(
            "Presence kept",
            _measure("presence_pct", fmt.percent(100 * p.presence_share)),
            "of "
            + _measure("required_unit_days", fmt.integer(p.required_unit_days))
            + " required unit-days effective",
        ),
        _card(
            "Gap days",
            _measure("gap_days", fmt.integer(m.gap_days)),
            "unit-days short in "
            + _measure("gap_windows", fmt.integer(len(p.gap_windows)))
            + " windows; weighted "
            + _measure("weighted_gap_days", fmt.decimal(m.weighted_gap_days)),
        ),
        _card(
            "Handovers per year",
            _measure("handovers_per_year", fmt.decimal(p.handovers_per_year)),
            _measure("handovers", fmt.integer(p.handovers))
            + " arrivals over the horizon",
        ),
        _card(
            "Units tied up",
            _measure("units_tied_up_mean", fmt.decimal(p.units_tied_up_mean)),
            "held for each unit kept on site, average over persistent "
            "requirements (stationed: 1.00)",
        ),
        _card(
            "BOG:Dwell achieved",
            _measure("dwell_ratio_min", fmt.ratio(p.dwell_ratio_min))
            + ' <span class="small">min</span>',
            _measure("dwell_ratio_median", fmt.ratio(p.dwell_ratio_median))
            + f" median over {len(p.dwell)} spells at home",
        ),
        _card(
            "Exercise gap days",
            _measure("exercise_gap_days", fmt.integer(m.exercise_gap_days)),
            f"{sum(1 for v in p.result.exercise_gaps.values() if not v)} of "
            f"{len(p.result.exercise_gaps)} exercises covered",
        ),
        _card(
            "Cost over the horizon",
            _measure("rotation_cost", fmt.money(c.rotation_total, cur)),
            "rotating; stationing "
            + _measure("stationing_cost", fmt.money(c.stationing_total, cur))
            + ", break-even "
            + _measure("break_even_year", c.break_even.describe()),
        ),
    ]
    others = (
        '<p class="small">Checker\'s measures: substitution penalty '
        + _measure("substitution_penalty", fmt.decimal(m.substitution_penalty))
        + ", deployments planned (not fixed) "
        + _measure("deployments", fmt.integer(m.deployments))
        + ", primary objective "
        + _measure("primary", fmt.decimal(m.primary))
        + ".</p>"
    )
    return _section(
        "headline",
        "Is persistent rotation the same as permanent presence?",
        _verdict(p)
        + f'<div class="cards">{"".join(cards)}</div>'
        + others
        + _gap_list(p, options),
    )


def _gap_list(p: Presence, options: HtmlOptions) -> str:
    if not p.gap_windows:
        return "<p>No gap: every requirement is kept every day.</p>"
    ordered = sorted(
        p.gap_windows, key=lambda g: (-g.days, g.start, g.requirement)
    )

    def row(g: Any) -> str:
        return (
            f"<tr><td>{escape(g.requirement)}</td><td>{escape(g.site)}</td>"
            f"<td>{g.start}</td><td>{g.end}</td>"
            f'<td class="num">{g.days}</td><td class="num">{g.short}</td>'
            "</tr>"
        )

    head = (
        "<thead><tr><th>requirement</th><th>site</th><th>from</th>"
        '<th>until (first day kept)</th><th data-type="number">days</th>'
        '<th data-type="number">units short (most)</th></tr></thead>'
    )
    shown = "".join(row(g) for g in ordered[: options.listed_gaps])
    rest = ordered[options.listed_gaps :]
    out = (
        "<h3>Gap windows, longest first</h3>"
        f'<table class="sortable" id="gap-table">{head}<tbody>{shown}'
        "</tbody></table>"
    )
    if rest:
        out += (
            f"<details><summary>and {len(rest)} more windows</summary>"
            f'<table class="sortable">{head}<tbody>'
            f"{''.join(row(g) for g in rest)}</tbody></table></details>"
        )
    return out


def _cost_section(p: Presence, charts: _ChartWriter) -> str:
    c = p.costs
    cur = c.costs.currency
    if not c.requirements:
        return _section(
            "costs",
            "Rotation vs permanent stationing",
            "<p>No persistent requirement: none lasts "
            f"{c.costs.persistent_min_days} days or more inside the "
            "horizon.</p>" + _cost_model(c.costs),
        )
    per_req_gap = {req_id: cov.gap_days for req_id, cov in p.coverage.items()}
    rows = []
    for r in c.requirements:
        cov = p.coverage[r.requirement]
        kept = 100 * (1 - per_req_gap[r.requirement] / cov.required_unit_days)
        years = (r.window[1] - r.window[0]) / 365.25
        rows.append(
            f"<tr><td>{escape(r.requirement)}</td><td>{escape(r.site)}</td>"
            f'<td class="num">{r.count}</td>'
            f'<td class="num">{fmt.percent(kept)}</td>'
            f'<td class="num">{fmt.decimal(r.units_tied_up)}</td>'
            f'<td class="num">{r.count}</td>'
            f'<td class="num">{fmt.integer(r.handover_unit_days)}</td>'
            '<td class="num">0</td>'
            f'<td class="num">{fmt.decimal(r.moves_per_year)}</td>'
            f'<td class="num">0 <span class="small">(+{r.count} once)'
            "</span></td>"
            f'<td class="num">{fmt.money(r.rotation_total / years)}</td>'
            f'<td class="num">'
            f"{fmt.money(r.stationing_total / years)}</td>"
            f'<td class="num">{fmt.money(r.rotation_total)}</td>'
            f'<td class="num">{fmt.money(r.stationing_total)}</td>'
            f"<td>{escape(r.break_even.describe())}</td></tr>"
        )
    table = (
        '<div class="wide"><table class="compare" id="cost-table">'
        "<thead><tr>"
        '<th rowspan="2">requirement</th><th rowspan="2">site</th>'
        '<th rowspan="2">units required</th>'
        '<th rowspan="2">presence kept by rotation</th>'
        '<th colspan="2">force tied up (units)</th>'
        '<th colspan="2">effective unit-days lost to handovers</th>'
        '<th colspan="2">moves per year</th>'
        f'<th colspan="2">cost per year ({escape(cur)})</th>'
        f'<th colspan="2">cumulative over the horizon ({escape(cur)})</th>'
        '<th rowspan="2">stationing breaks even</th></tr><tr>'
        + "<th>rotation</th><th>stationed</th>" * 5
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    cum_r = cum_s = 0.0
    year_rows = []
    for year, days, r_cost, s_cost in zip(
        c.years,
        c.year_days,
        c.rotation_by_year,
        c.stationing_by_year,
        strict=True,
    ):
        cum_r += r_cost
        cum_s += s_cost
        year_rows.append(
            f'<tr><td>{year}</td><td class="num">{days}</td>'
            f'<td class="num">{fmt.money(r_cost, cur)}</td>'
            f'<td class="num">{fmt.money(s_cost, cur)}</td>'
            f'<td class="num">{fmt.money(cum_r, cur)}</td>'
            f'<td class="num">{fmt.money(cum_s, cur)}</td>'
            f'<td class="num">{fmt.money(cum_s - cum_r, cur)}</td></tr>'
        )
    by_year = (
        "<h3>All persistent requirements, year by year</h3>"
        '<table class="compare" id="cost-years"><thead><tr><th>year</th>'
        "<th>days in horizon</th><th>rotation</th><th>stationing</th>"
        "<th>rotation, cumulative</th><th>stationing, cumulative</th>"
        "<th>stationing minus rotation</th></tr></thead>"
        f"<tbody>{''.join(year_rows)}</tbody></table>"
        f"<p>Stationing breaks even: <strong>"
        f"{escape(c.break_even.describe())}</strong>.</p>"
    )
    intro = (
        "<p>Each persistent requirement (one lasting "
        f"{c.costs.persistent_min_days} days or more inside the horizon) "
        "as rotated in this plan, against basing the same force on site "
        "for the requirement's whole window. A stationed force keeps "
        "presence every day, hands over nothing and moves once.</p>"
    )
    return _section(
        "costs",
        "Rotation vs permanent stationing",
        intro
        + table
        + charts(figures.cost_chart(p), "fig-costs")
        + by_year
        + _cost_model(c.costs),
    )


_COST_FIELDS = (
    ("deployed_per_troop_day", "per troop-day on site, rotating"),
    ("rotation_premium_per_troop_year", "rotation premium per troop-year"),
    ("move_per_troop", "one-way move per troop (unless in moves)"),
    ("basing_per_troop", "up-front basing per troop stationed"),
    ("stationing_per_troop_year", "stationing per troop-year"),
)


def _cost_model(costs: Costs) -> str:
    rows = []
    for name, label in _COST_FIELDS:
        origin = "default" if costs.is_default(name) else "scenario"
        rows.append(
            f"<tr><td><code>{name}</code></td><td>{escape(label)}</td>"
            f'<td class="num">'
            f"{escape(fmt.money(getattr(costs, name), costs.currency))}</td>"
            f"<td>{origin}</td></tr>"
        )
    for entry in costs.moves:
        where = f"home {entry.home or 'any'}, site {entry.site or 'any'}"
        rows.append(
            f"<tr><td><code>moves</code></td><td>{escape(where)}</td>"
            f'<td class="num">'
            f"{escape(fmt.money(entry.per_troop, costs.currency))}</td>"
            "<td>scenario</td></tr>"
        )
    sources = "".join(
        f"<li><strong>{escape(who)}</strong>: {escape(what)}</li>"
        for who, what in SOURCES
    )
    return (
        "<h3>Cost model</h3><p>Rotation: each troop-day on site costs "
        "<code>deployed_per_troop_day</code> plus the premium pro rata; "
        "each one-way move (leaving home, leaving the site) costs its "
        "price per troop, in the year it starts. Stationing: "
        "<code>basing_per_troop</code> and one move in for the force, "
        "in the year the requirement starts, then "
        "<code>stationing_per_troop_year</code> for every day of its "
        "window. The stationed force has as many troops per unit as the "
        "units that rotated (average by days on site). Override any "
        "figure under <code>costs:</code> in the scenario.</p>"
        '<table class="compare" id="cost-model"><thead><tr><th>field</th>'
        "<th>meaning</th><th>value</th><th>from</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p>Defaults turn brigade figures into per-troop ones with an "
        "armored brigade combat team of 3,750 troops; the premium is the "
        "middle of the derived range. Sources:</p>"
        f'<ul class="sources">{sources}</ul>'
    )


def _exercises(p: Presence) -> str:
    inst = p.inst
    if not inst.exercises:
        return _section(
            "exercises", "Exercises", "<p>The scenario has no exercise.</p>"
        )
    rows = []
    for ex in sorted(inst.exercises.values(), key=lambda e: (e.start, e.id)):
        short = p.result.exercise_gaps.get(ex.id, 0)
        needs = ", ".join(f"{n} {c}" for c, n in ex.needs)
        verdict = (
            '<span class="ok">covered</span>'
            if not short
            else '<span class="bad">short</span>'
        )
        rows.append(
            f"<tr><td>{escape(ex.id)}</td><td>{escape(ex.site)}</td>"
            f"<td>{inst.date(ex.start)}</td><td>{inst.date(ex.end)}</td>"
            f"<td>{escape(needs)}</td>"
            f'<td class="num" data-exercise="{escape(ex.id)}">{short}</td>'
            f"<td>{verdict}</td></tr>"
        )
    return _section(
        "exercises",
        "Exercises",
        "<p>An exercise is covered when on each of its days enough units "
        "of each capability it needs count on its site, whatever "
        "requirement they serve; the gap is in unit-days.</p>"
        '<table class="sortable" id="exercise-table"><thead><tr>'
        "<th>exercise</th><th>site</th><th>start</th><th>end</th>"
        '<th>needs</th><th data-type="number">gap unit-days</th>'
        f"<th>verdict</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table>",
    )


def _deployments(p: Presence) -> str:
    inst = p.inst
    broken: dict[int, list[str]] = defaultdict(list)
    for v in p.result.violations:
        if v.deployment is not None:
            broken[v.deployment].append(v.rule)
    before = {(s.unit, s.next_start): s for s in p.dwell}
    rows = []
    order = sorted(
        range(len(p.plan.deployments)),
        key=lambda i: (
            p.plan.deployments[i].start,
            p.plan.deployments[i].unit,
            p.plan.deployments[i].requirement,
        ),
    )
    for i in order:
        d = p.plan.deployments[i]
        unit = inst.units.get(d.unit)
        req = inst.requirements.get(d.requirement)
        counts = (
            str(d.start + timedelta(days=unit.policy.handover_days))
            if unit
            else ""
        )
        spell = before.get((d.unit, d.start))
        rules = " ".join(sorted(set(broken.get(i, []))))
        rows.append(
            f"<tr{_BROKEN if rules else ''}>"
            f'<td class="num">{i}</td><td>{escape(d.unit)}</td>'
            f"<td>{escape(unit.capability if unit else '?')}</td>"
            f"<td>{escape(d.requirement)}</td>"
            f"<td>{escape(req.site if req else '?')}</td>"
            f"<td>{d.start}</td><td>{d.end}</td>"
            f'<td class="num">{d.days}</td><td>{counts}</td>'
            f'<td class="num">{spell.home_days if spell else ""}</td>'
            f'<td class="num" data-sort="{spell.ratio if spell else ""}">'
            f"{fmt.ratio(spell.ratio) if spell else ''}</td>"
            f"<td>{'yes' if d.fixed else ''}</td>"
            f"<td>{escape(rules)}</td></tr>"
        )
    return _section(
        "deployments",
        "Deployments",
        "<p>Click a column heading to sort. Dwell before: days at home "
        "before leaving for this tour, since the unit's previous one. "
        "# is the deployment's place in the plan file, as "
        "<code>rotaplan check</code> names it.</p>"
        '<table class="sortable" id="deployment-table"><thead><tr>'
        '<th data-type="number">#</th><th>unit</th><th>capability</th>'
        "<th>requirement</th><th>site</th><th>start</th><th>end</th>"
        '<th data-type="number">days on site</th><th>counts from</th>'
        '<th data-type="number">dwell before (days)</th>'
        '<th data-type="number">BOG:Dwell before</th><th>fixed</th>'
        "<th>rules broken</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
    )


_BROKEN = ' class="broken"'


def _definitions(p: Presence) -> str:
    items = [
        (
            "Presence kept",
            "required unit-days (each requirement's count times its days "
            "inside the horizon) less the checker's gap days, over "
            "required unit-days. A unit counts from handover_days after "
            "it arrives until it leaves.",
        ),
        (
            "Gap days, gap windows",
            "the checker's: units short summed over days; a window is "
            "days in a row with a unit short, first day to the first day "
            "kept again.",
        ),
        (
            "Handovers per year",
            "arrivals on site inside the horizon, over the horizon's "
            "years (365.25 days).",
        ),
        (
            "Units tied up",
            "for each persistent requirement, the unit-days units are "
            "away for it (transit and on site) or at home in the dwell "
            "they owe after it, inside the requirement's window, over the "
            "unit-days it was kept (required less gap days): the units "
            "held for each unit kept on site. The headline is the "
            "average over persistent requirements; the comparison table "
            "gives the units held on an average day.",
        ),
        (
            "BOG:Dwell achieved",
            "for each spell at home before a tour, days at home (from "
            "coming home to leaving again, transit excluded) over the "
            "days on site of the tour before it; from the scenario's "
            "last_return for a unit's first tour.",
        ),
        (
            "Effective unit-days lost to handovers",
            "days on site before a unit counts, inside the requirement's "
            "window.",
        ),
        (
            "Break-even",
            "the first calendar year at whose end stationing's cumulative "
            "cost (up-front basing included) is no more than rotation's. "
            "Past the horizon it is extrapolated at the horizon's average "
            "yearly difference after the up-front year, for requirements "
            "that run to the horizon's end; never when stationing saves "
            "nothing per year. Rotation is costed as planned: where it "
            "leaves gaps, it is paid for the presence it kept only.",
        ),
        (
            "Moves per year",
            "one-way unit moves (leaving home, leaving the site) that "
            "start inside the horizon, over the requirement's years.",
        ),
    ]
    return _section(
        "definitions",
        "Definitions",
        "<dl>"
        + "".join(
            f"<dt>{escape(t)}</dt><dd>{escape(d)}</dd>" for t, d in items
        )
        + "</dl>",
    )


def _measures_json(p: Presence) -> str:
    text = json.dumps(p.headline(), sort_keys=True, indent=1)
    # Inside a script element only "</" could end it early.
    text = text.replace("</", "<\\/")
    return (
        '<script type="application/json" id="rotaplan-measures">'
        f"{text}</script>"
    )


_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$style</style>
</head>
<body>
$body
<script>$script</script>
</body>
</html>
"""
)

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  margin: 0 auto; max-width: 1400px; padding: 0 1.5rem 3rem;
  color: #1a202c; line-height: 1.45; }
header { border-bottom: 2px solid #2b6cb0; margin-bottom: 1rem; }
h1 { margin: 1rem 0 .2rem; font-size: 1.6rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.sub { color: #4a5568; margin: 0 0 .4rem; }
nav a { margin-right: .8rem; color: #2b6cb0; text-decoration: none;
  font-size: .9rem; }
.warning { background: #fff5f5; border: 3px solid #e53e3e;
  padding: .6rem 1rem; margin: 1rem 0; }
.warning h2 { color: #c53030; margin-top: .3rem; }
.verdict { font-size: 1.1rem; background: #ebf8ff;
  border-left: 5px solid #2b6cb0; padding: .7rem 1rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { flex: 1 1 11rem; border: 1px solid #cbd5e0; border-radius: 6px;
  padding: .6rem .8rem; }
.card .label { font-size: .8rem; text-transform: uppercase;
  color: #4a5568; letter-spacing: .03em; }
.card .value { font-size: 1.6rem; font-weight: 600; }
.card .note, .small { font-size: .85rem; color: #4a5568; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border: 1px solid #e2e8f0; padding: .25rem .5rem;
  text-align: left; vertical-align: top; }
th { background: #f7fafc; }
td.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.wide { overflow-x: auto; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable td { white-space: nowrap; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; }
table.sortable th[aria-sort=descending]::after { content: " \\25BC"; }
tr.broken td { background: #fff5f5; }
.ok { color: #276749; font-weight: 600; }
.bad { color: #c53030; font-weight: 600; }
.chart { margin: .5rem 0 1rem; }
dt { font-weight: 600; margin-top: .4rem; }
@media print { nav { display: none; } .chart { break-inside: avoid; } }
"""

# Sorting by a click on a column heading, with no library: the cell's
# data-sort value when given, else its text; numbers as numbers.
_SORT_SCRIPT = """
(function () {
  function key(cell, numeric) {
    var raw = cell.hasAttribute('data-sort') ?
      cell.getAttribute('data-sort') : cell.textContent.trim();
    if (!numeric) { return raw; }
    var n = parseFloat(raw.replace(/[^0-9.eE+-]/g, ''));
    return isNaN(n) ? Infinity : n;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) {
          h.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var numeric = th.getAttribute('data-type') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, i) {
          return [key(row.cells[col], numeric), i, row];
        });
        keyed.sort(function (a, b) {
          var order = a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0);
          return (ascending ? order : -order) || a[1] - b[1];
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (k) { fragment.appendChild(k[2]); });
        body.appendChild(fragment);
      });
    });
  });
})();
"""
