"""The HTML presence report and ``rotaplan report``.

The report's headline must be the checker's: every test here reads the
numbers back from the page (the JSON block and the visible text) and
compares them with ``rotaplan.analyze.check.check`` on the same plan.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from rotaplan import Plan, Scenario, check, load_scenario, solve
from rotaplan.cli.report_cmd import register
from rotaplan.io import write_plan
from rotaplan.report.html import HtmlOptions, html_report
from test_report_cases import (
    EXAMPLE,
    GAPS,
    broken_plan,
    gaps_plan,
    gaps_scenario,
    required_unit_days,
)


class _Page(HTMLParser):
    """Collects the text of ``data-measure`` elements and the JSON
    block of a report."""

    def __init__(self) -> None:
        super().__init__()
        self.measures: dict[str, str] = {}
        self.json_text = ""
        self._open: list[str | None] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[Any]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("id") == "rotaplan-measures":
            self._in_json = True
        if tag == "span":
            self._open.append(a.get("data-measure"))
            if a.get("data-measure"):
                self.measures[a["data-measure"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_text += data
        for name in self._open:
            if name:
                self.measures[name] += data


def read_page(page: str) -> tuple[dict[str, str], dict[str, Any]]:
    parser = _Page()
    parser.feed(page)
    return parser.measures, json.loads(parser.json_text)


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def example_case() -> tuple[Scenario, Plan]:
    scenario = load_scenario(EXAMPLE)
    return scenario, solve(scenario, method="greedy").plan


@pytest.mark.parametrize("case", ["gaps", "broken", "example"])
def test_every_headline_number_is_the_checkers(case: str) -> None:
    if case == "example":
        scenario, plan = example_case()
    else:
        scenario = gaps_scenario()
        plan = gaps_plan() if case == "gaps" else broken_plan()
    result = check(scenario, plan)
    m = result.measures
    shown, block = read_page(html_report(scenario, plan))

    # The machine-readable block: the checker's measures, exactly.
    assert block["measures"] == m.as_dict()
    assert block["valid"] == result.valid
    assert block["violations"] == [str(v) for v in result.violations]
    assert block["gap_days"] == m.gap_days
    assert block["exercise_gap_days"] == m.exercise_gap_days
    assert block["exercise_gaps"] == result.exercise_gaps
    windows = sorted(
        (
            (req, scenario.horizon.start.toordinal() + s, e - s, short)
            for req, runs in result.gaps.items()
            for s, e, short in runs
        ),
        key=lambda w: (w[1], w[0]),
    )
    assert [
        (
            w["requirement"],
            _ordinal(w["start"]),
            w["days"],
            w["short"],
        )
        for w in block["gap_windows"]
    ] == windows
    required = required_unit_days(scenario)
    assert block["required_unit_days"] == required
    kept = 100 * (1 - m.gap_days / required)
    assert block["presence_pct"] == pytest.approx(kept, abs=0.005)

    # The visible text says the same.
    assert number(shown["gap_days"]) == m.gap_days
    assert number(shown["exercise_gap_days"]) == m.exercise_gap_days
    assert number(shown["weighted_gap_days"]) == pytest.approx(
        m.weighted_gap_days, abs=0.005
    )
    assert number(shown["substitution_penalty"]) == pytest.approx(
        m.substitution_penalty, abs=0.005
    )
    assert number(shown["deployments"]) == m.deployments
    assert number(shown["primary"]) == pytest.approx(m.primary, abs=0.005)
    assert number(shown["required_unit_days"]) == required
    assert shown["presence_pct"] == f"{kept:.2f}%"
    assert number(shown["gap_windows"]) == len(windows)
    if result.violations:
        assert number(shown["violations"]) == len(result.violations)
    else:
        assert "violations" not in shown


def _ordinal(iso: str) -> int:
    from datetime import date

    return date.fromisoformat(iso).toordinal()


def test_the_gaps_case_has_gaps_and_a_short_exercise() -> None:
    # Guards the fixture: the headline test must see gap windows and
    # exercise gaps, not just zeros.
    result = check(gaps_scenario(), gaps_plan())
    assert result.valid
    assert sum(len(w) for w in result.gaps.values()) >= 2
    assert result.measures.exercise_gap_days > 0
    assert 0 in result.exercise_gaps.values()


def test_the_page_needs_no_network() -> None:
    page = html_report(gaps_scenario(), gaps_plan())
    # No external script, style sheet or image; Plotly inline, once.
    assert not re.search(r"<script[^>]+src=", page)
    assert "<link" not in page
    assert not re.search(r"<img[^>]+src=", page)
    assert page.count("* plotly.js v") == 1
    charts = page.count('<div class="chart">')
    # Costs, coverage, by site, by unit, site load, dwell.
    assert charts == 6
    assert page.count("Plotly.newPlot(") == charts


def test_cost_sources_are_printed() -> None:
    page = unescape(html_report(gaps_scenario(), gaps_plan()))
    for source in ("Deni, US Army War College (2017)", "Atlantic Council"):
        assert source in page
    # The scenario's overrides are marked as such.
    assert re.search(r"move_per_troop</code></td>.*?scenario</td>", page)


def test_a_plan_that_breaks_rules_is_reported_under_a_warning() -> None:
    scenario = gaps_scenario()
    plan = broken_plan()
    result = check(scenario, plan)
    rules = {v.rule for v in result.violations}
    assert {"H2", "H3"} <= rules
    page = html_report(scenario, plan)
    warning = page[page.index('id="violations"') :]
    warning = unescape(warning[: warning.index("</div>")])
    for v in result.violations:
        assert str(v) in warning
    # The warning comes before the headline.
    assert page.index('id="violations"') < page.index('id="headline"')


def test_many_violations_fold_away_but_all_are_listed() -> None:
    scenario = gaps_scenario()
    plan = broken_plan()
    count = len(check(scenario, plan).violations)
    page = html_report(scenario, plan, HtmlOptions(listed_violations=1))
    assert f"and {count - 1} more" in page


def test_the_same_plan_gives_the_same_page() -> None:
    scenario = gaps_scenario()
    assert html_report(scenario, gaps_plan()) == html_report(
        scenario, gaps_plan()
    )


def test_the_unit_chart_can_be_left_out() -> None:
    page = html_report(
        gaps_scenario(), gaps_plan(), HtmlOptions(unit_gantt=False)
    )
    assert 'id="fig-by-unit"' not in page
    assert 'id="fig-by-site"' in page


# The command line, through the command functions registered on an app.


def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)
    return cli


@pytest.fixture
def files(tmp_path: Path, write_scenario: Any) -> tuple[Path, Path]:
    scenario_file = write_scenario(GAPS)
    plan_file = tmp_path / "plan.json"
    write_plan(gaps_plan(), plan_file)
    return scenario_file, plan_file


def test_report_writes_the_page_and_the_workbook(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    scenario_file, plan_file = files
    html_file = tmp_path / "out" / "report.html"
    xlsx_file = tmp_path / "out" / "report.xlsx"
    result = CliRunner().invoke(
        app(),
        [
            "report",
            str(scenario_file),
            str(plan_file),
            "-o",
            str(html_file),
            "--xlsx",
            str(xlsx_file),
        ],
    )
    assert result.exit_code == 0, result.output
    _, block = read_page(html_file.read_text(encoding="utf-8"))
    m = check(gaps_scenario(), gaps_plan()).measures
    assert block["measures"] == m.as_dict()
    assert load_workbook(xlsx_file).sheetnames[1:] == [
        "deployments",
        "coverage by month",
        "unit dwell",
        "cost comparison",
    ]
    assert f"{m.gap_days:,} gap days" in result.stdout


def test_report_of_a_broken_plan_warns_and_still_writes(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    scenario_file, _ = files
    plan_file = tmp_path / "broken.json"
    write_plan(broken_plan(), plan_file)
    html_file = tmp_path / "report.html"
    result = CliRunner().invoke(
        app(),
        ["report", str(scenario_file), str(plan_file), "-o", str(html_file)],
    )
    assert result.exit_code == 0
    assert "warning: the plan breaks" in result.stderr
    assert 'id="violations"' in html_file.read_text(encoding="utf-8")


def _bad_inputs(
    tmp_path: Path, scenario_file: Path, plan_file: Path
) -> dict[str, tuple[list[str], str]]:
    foreign = tmp_path / "foreign.json"
    write_plan(Plan("Another scenario", gaps_plan().deployments), foreign)
    typo = tmp_path / "typo.yaml"
    typo.write_text(
        scenario_file.read_text(encoding="utf-8").replace(
            "move_per_troop:", "move_per_trop:"
        ),
        encoding="utf-8",
    )
    unknown_site = tmp_path / "site.yaml"
    unknown_site.write_text(
        scenario_file.read_text(encoding="utf-8").replace(
            "site: north\n    per_troop", "site: nowhere\n    per_troop"
        ),
        encoding="utf-8",
    )
    out = str(tmp_path / "r.html")
    return {
        "missing plan": (
            [str(scenario_file), str(tmp_path / "nope.json"), "-o", out],
            "no such file",
        ),
        "foreign plan": (
            [str(scenario_file), str(foreign), "-o", out],
            "the plan is for scenario 'Another scenario'",
        ),
        "misspelt cost": (
            [str(typo), str(plan_file), "-o", out],
            "costs.move_per_trop",
        ),
        "unknown cost site": (
            [str(unknown_site), str(plan_file), "-o", out],
            "costs.moves[0].site: unknown site 'nowhere'",
        ),
        "nothing to write": (
            [str(scenario_file), str(plan_file)],
            "nothing to write",
        ),
        "overwrites the plan": (
            [str(scenario_file), str(plan_file), "-o", str(plan_file)],
            "would be overwritten",
        ),
        "output is a folder": (
            [str(scenario_file), str(plan_file), "-o", str(tmp_path)],
            "is a folder",
        ),
        "two outputs on one path": (
            [str(scenario_file), str(plan_file), "-o", out, "--xlsx", out],
            "one would overwrite the other",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing plan",
        "foreign plan",
        "misspelt cost",
        "unknown cost site",
        "nothing to write",
        "overwrites the plan",
        "output is a folder",
        "two outputs on one path",
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    case: str, tmp_path: Path, files: tuple[Path, Path]
) -> None:
    scenario_file, plan_file = files
    plan_before = plan_file.read_text(encoding="utf-8")
    args, message = _bad_inputs(tmp_path, scenario_file, plan_file)[case]
    result = CliRunner().invoke(app(), ["report", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()
    assert plan_file.read_text(encoding="utf-8") == plan_before
