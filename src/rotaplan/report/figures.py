"""The report's charts as Plotly figures, each a pure function of the
measured plan (``Presence``).

Large plans stay light: every chart draws one trace per kind of
segment (transit, handover, counting...), its segments joined in one
line broken by gaps, rather than one shape per deployment; load curves
keep only the days the load changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from ..model import Instance
from ..model.instance import Leg
from .measures import Presence, site_load

COLORS = {
    "transit": "#9aa5b1",
    "handover": "#f0a030",
    "counting": "#2b6cb0",
    "fixed": "#6b46c1",
    "dwell": "#c6e6c6",
    "covered": "#38a169",
    "gap": "#e53e3e",
    "stationing": "#805ad5",
}
ROW_PX = 18
MIN_HEIGHT = 260
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 40}
LABEL_PX = 7  # width of a character of a 12 px axis label, roughly


def _dates(inst: Instance, days: Iterable[int | None]) -> list[str | None]:
    """Plan days as ISO dates, None kept (it breaks a line)."""
    days = list(days)
    known = [d for d in days if d is not None]
    if not known:
        return [None] * len(days)
    origin = np.datetime64(inst.origin.isoformat(), "D")
    text = iter((origin + np.array(known, dtype="timedelta64[D]")).astype(str))
    return [None if d is None else str(next(text)) for d in days]


@dataclass
class _Segments:
    """Horizontal segments of one kind, drawn as one broken line."""

    days: list[int | None] = field(default_factory=list)
    rows: list[str | None] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    hover: bool = False

    def add(self, row: str, start: int, end: int, text: str = "") -> None:
        if end <= start:
            return
        self.days += [start, end, None]
        self.rows += [row, row, None]
        self.text += [text, text, None]
        self.hover = self.hover or bool(text)

    def trace(
        self,
        inst: Instance,
        name: str,
        color: str,
        width: float,
    ) -> go.Scatter:
        return go.Scatter(
            x=_dates(inst, self.days),
            y=self.rows,
            text=self.text if self.hover else None,
            mode="lines",
            name=name,
            line={"color": color, "width": width},
            hoverinfo="text" if self.hover else "skip",
            connectgaps=False,
        )


def _describe(inst: Instance, leg: Leg) -> str:
    tag = " (fixed)" if leg.fixed else ""
    return (
        f"{leg.unit} on {leg.requirement}{tag}<br>"
        f"{inst.date(leg.start)} to {inst.date(leg.end)}, "
        f"{leg.days} days on site"
    )


def _lanes(inst: Instance, legs: list[Leg]) -> list[int]:
    """A lane per leg so that no two legs in a lane are away at once,
    the lowest free lane first (deterministic for a given order)."""
    free_from: list[int] = []
    out = []
    for leg in legs:
        pol = inst.units[leg.unit].policy
        leave, back = leg.start - pol.transit_days, leg.end + pol.transit_days
        for lane, day in enumerate(free_from):
            if day <= leave:
                free_from[lane] = back
                out.append(lane)
                break
        else:
            free_from.append(back)
            out.append(len(free_from) - 1)
    return out


def _span(p: Presence) -> list[str | None]:
    """The x range of time charts: from the first day any unit leaves
    home (or the horizon's start) to the horizon's end."""
    first = (
        min(
            (leg.start - p.inst.units[leg.unit].policy.transit_days)
            for leg in p.legs
        )
        if p.legs
        else 0
    )
    return _dates(p.inst, [min(first, 0), p.inst.horizon_end])


def _layout(
    fig: go.Figure,
    title: str,
    rows: list[str],
    span: list[str | None],
    min_height: int = MIN_HEIGHT,
) -> go.Figure:
    # A margin sized from the longest label: Plotly's automargin
    # measures every label and lays the chart out again, which on a
    # chart of hundreds of rows doubles the time the page takes to open.
    widest = max((len(r) for r in rows), default=0)
    fig.update_layout(
        title={"text": title, "x": 0},
        height=max(min_height, ROW_PX * len(rows) + 120),
        margin=MARGIN | {"l": min(420, 30 + LABEL_PX * widest)},
        hovermode="closest",
        legend={
            "orientation": "h",
            "y": 1.0,
            "yanchor": "bottom",
            "x": 1,
            "xanchor": "right",
        },
        template="plotly_white",
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=rows,
        autorange="reversed",
        automargin=False,
    )
    fig.update_xaxes(type="date", range=span)
    return fig


def _leg_segments(
    inst: Instance,
    leg: Leg,
    row: str,
    kinds: dict[str, _Segments],
    with_dwell: bool,
) -> None:
    pol = inst.units[leg.unit].policy
    text = _describe(inst, leg)
    counting_from = min(leg.start + pol.handover_days, leg.end)
    kinds["transit"].add(row, leg.start - pol.transit_days, leg.start)
    kinds["transit"].add(row, leg.end, leg.end + pol.transit_days)
    # Hover text on the counting part only: it is the longest, and one
    # copy per deployment keeps large pages light.
    kinds["handover"].add(row, leg.start, counting_from)
    kinds["fixed" if leg.fixed else "counting"].add(
        row, counting_from, leg.end, text
    )
    if with_dwell:
        home = leg.end + pol.transit_days
        kinds["dwell"].add(row, home, home + pol.dwell_after(leg.days))


_NAMES = {
    "dwell": "dwell owed at home",
    "transit": "transit",
    "handover": "handover (not yet counting)",
    "counting": "on site, counting",
    "fixed": "fixed deployment, counting",
}


def _gantt_traces(
    inst: Instance, kinds: dict[str, _Segments], width: float
) -> list[go.Scatter]:
    traces = []
    for kind in ("dwell", "transit", "handover", "counting", "fixed"):
        if kind not in kinds or not kinds[kind].days:
            continue
        thin = kind in ("transit", "dwell")
        traces.append(
            kinds[kind].trace(
                inst,
                _NAMES[kind],
                COLORS[kind],
                width * (0.45 if thin else 1.0),
            )
        )
    return traces


def gantt_by_site(p: Presence) -> go.Figure:
    """Deployments by site and requirement, one lane per relay leg,
    with transit, handover and fixed deployments, and the exercises."""
    inst = p.inst
    kinds: dict[str, _Segments] = defaultdict(_Segments)
    by_req: dict[str, list[Leg]] = defaultdict(list)
    for leg in p.legs:
        by_req[leg.requirement].append(leg)
    rows: list[str] = []
    for site in inst.sites:
        reqs = [r for r in inst.requirements.values() if r.site == site]
        for req in reqs:
            legs = by_req.get(req.id, [])
            lanes = _lanes(inst, legs)
            n = max(lanes, default=0) + 1
            labels = [
                f"{site} · {req.id}" + (f" #{i + 1}" if n > 1 else "")
                for i in range(n)
            ]
            rows += labels
            for leg, lane in zip(legs, lanes, strict=True):
                _leg_segments(inst, leg, labels[lane], kinds, False)
        exercises = [e for e in inst.exercises.values() if e.site == site]
        if exercises:
            row = f"{site} · exercises"
            rows.append(row)
            for ex in exercises:
                short = p.result.exercise_gaps.get(ex.id, 0)
                needs = ", ".join(f"{n} {c}" for c, n in ex.needs)
                verdict = (
                    "covered" if not short else f"short {short} unit-days"
                )
                kinds[
                    "exercise covered" if not short else "exercise short"
                ].add(
                    row,
                    ex.start,
                    ex.end,
                    f"{ex.id}: needs {needs}<br>{inst.date(ex.start)} to "
                    f"{inst.date(ex.end)}: {verdict}",
                )
    width = ROW_PX * 0.6
    fig = go.Figure(_gantt_traces(inst, kinds, width))
    for kind, color in (
        ("exercise covered", COLORS["covered"]),
        ("exercise short", COLORS["gap"]),
    ):
        if kinds[kind].days:
            fig.add_trace(kinds[kind].trace(inst, kind, color, width))
    return _layout(fig, "Deployments by site", rows, _span(p))


def gantt_by_unit(p: Presence) -> go.Figure:
    """Each deployed unit's tours: transit, handover, days counting,
    fixed deployments and the dwell it owes afterwards."""
    inst = p.inst
    kinds: dict[str, _Segments] = defaultdict(_Segments)
    units = sorted(
        {leg.unit for leg in p.legs},
        key=lambda u: (inst.units[u].capability, u),
    )
    rows = [f"{u} ({inst.units[u].capability})" for u in units]
    label = dict(zip(units, rows, strict=True))
    for leg in p.legs:
        _leg_segments(inst, leg, label[leg.unit], kinds, True)
    fig = go.Figure(_gantt_traces(inst, kinds, ROW_PX * 0.6))
    return _layout(fig, "Deployments by unit", rows, _span(p))


def coverage_strips(p: Presence) -> go.Figure:
    """One strip per requirement: green while kept, red on the
    checker's gap windows."""
    inst = p.inst
    covered, gap = _Segments(), _Segments()
    windows: dict[str, list[tuple[int, int, int]]] = p.result.gaps
    rows = []
    for req_id, cov in p.coverage.items():
        req = inst.requirements[req_id]
        row = f"{req.site} · {req_id}"
        rows.append(row)
        day = cov.lo
        for s, e, short in windows.get(req_id, []):
            covered.add(row, day, s, f"{req_id}: kept")
            gap.add(
                row,
                s,
                e,
                f"{req_id}: short {short} of {req.count}, {e - s} days "
                f"from {inst.date(s)}",
            )
            day = e
        covered.add(row, day, cov.lo + len(cov.short), f"{req_id}: kept")
    width = ROW_PX * 0.6
    fig = go.Figure(
        [
            covered.trace(inst, "kept", COLORS["covered"], width),
            gap.trace(inst, "gap", COLORS["gap"], width),
        ]
    )
    return _layout(
        fig,
        "Coverage by requirement",
        rows,
        _dates(inst, [0, inst.horizon_end]),
        min_height=160,
    )


def site_load_chart(p: Presence) -> go.Figure:
    """Troops on site (handover overlap included) against capacity."""
    inst = p.inst
    fig = go.Figure()
    palette = [
        "#2b6cb0",
        "#dd6b20",
        "#38a169",
        "#805ad5",
        "#d53f8c",
        "#319795",
        "#b7791f",
        "#4a5568",
        "#c53030",
        "#2c7a7b",
    ]
    for i, (site, (days, load)) in enumerate(site_load(inst, p.legs).items()):
        color = palette[i % len(palette)]
        # The last level runs on to the horizon's end.
        x = _dates(inst, [*days, max(days[-1], inst.horizon_end)])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[*load, load[-1]],
                mode="lines",
                line={"shape": "hv", "color": color, "width": 1.5},
                name=site,
                legendgroup=site,
                hovertemplate=f"{site}: %{{y}} troops from %{{x}}"
                "<extra></extra>",
            )
        )
        cap = inst.sites[site].capacity
        if cap is not None:
            fig.add_trace(
                go.Scatter(
                    x=[x[0], x[-1]],
                    y=[cap, cap],
                    mode="lines",
                    line={"color": color, "dash": "dash", "width": 1},
                    name=f"{site} capacity",
                    legendgroup=site,
                    showlegend=False,
                    hovertemplate=f"{site} capacity {cap}<extra></extra>",
                )
            )
    fig.update_layout(
        title={"text": "Troops on site against capacity (dashed)", "x": 0},
        height=380,
        margin=MARGIN,
        template="plotly_white",
        yaxis_title="troops",
        hovermode="closest",
    )
    fig.update_xaxes(type="date", range=_span(p))
    return fig


def dwell_histogram(p: Presence) -> go.Figure:
    """Days at home per day on site before it, spell by spell, with the
    policy's ratio for each component."""
    fig = go.Figure()
    by_component: dict[str, list[float]] = defaultdict(list)
    for spell in p.dwell:
        by_component[spell.component].append(round(spell.ratio, 3))
    for component in sorted(by_component):
        fig.add_trace(
            go.Histogram(
                x=by_component[component],
                name=component,
                xbins={"size": 0.25},
                hovertemplate="1:%{x}: %{y} spells<extra></extra>",
            )
        )
    goals = sorted(
        {
            (u.component, u.policy.dwell_ratio)
            for u in p.inst.units.values()
            if u.component in by_component
        }
    )
    for component, ratio in goals:
        fig.add_vline(
            x=ratio,
            line_dash="dash",
            line_color="#4a5568",
            annotation_text=f"{component} policy 1:{ratio:g}",
            annotation_position="top",
        )
    fig.update_layout(
        title={
            "text": "BOG:Dwell achieved (1:x, x = days home / days on "
            "site before)",
            "x": 0,
        },
        barmode="stack",
        height=340,
        margin=MARGIN,
        template="plotly_white",
        xaxis_title="x in 1:x",
        yaxis={"title": "spells at home", "tickformat": ",d"},
    )
    return fig


def cost_chart(p: Presence) -> go.Figure:
    """Cumulative cost of rotation and of stationing, year by year."""
    c = p.costs
    years = [str(y) for y in c.years]
    rotation = np.cumsum(c.rotation_by_year) / 1e6
    stationing = np.cumsum(c.stationing_by_year) / 1e6
    currency = c.costs.currency
    fig = go.Figure(
        [
            go.Scatter(
                x=years,
                y=rotation.round(1).tolist(),
                name="rotation (as planned)",
                mode="lines+markers",
                line={"color": COLORS["counting"]},
            ),
            go.Scatter(
                x=years,
                y=stationing.round(1).tolist(),
                name="permanent stationing",
                mode="lines+markers",
                line={"color": COLORS["stationing"]},
            ),
        ]
    )
    fig.update_layout(
        title={"text": f"Cumulative cost, {currency} million", "x": 0},
        height=340,
        margin=MARGIN,
        template="plotly_white",
        xaxis={"type": "category", "title": "end of year"},
        yaxis_title=f"{currency} million",
        hovermode="x unified",
    )
    return fig
