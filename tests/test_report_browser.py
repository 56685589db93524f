"""The report as a planner sees it: opened in headless Chromium with the
network cut off.

Chromium is Debian's ``chromium`` package at /usr/bin/chromium, driven
by Playwright; no browser is ever downloaded. Without it these tests
fail with a message saying how to install it: CI installs it, and a
silent skip would hide a report that no longer renders.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rotaplan import check
from rotaplan.report.html import html_report
from test_report_cases import (
    broken_plan,
    gaps_plan,
    gaps_scenario,
    required_unit_days,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHARTS = 6  # costs, coverage, by site, by unit, site load, dwell
# Generous: a loaded two-core machine parses Plotly's bundle slowly.
RENDER_MS = 90_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need "
            "Debian's chromium package (apt-get install -y chromium); "
            "'make test' installs it when missing",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright is missing: pip install -e '.[dev]'", pytrace=False
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class OpenedPage:
    """A report opened with every request that is not a local file
    refused and recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.left: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(
            offline=True, viewport={"width": 1300, "height": 900}
        )

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                self.left.append(url)
                route.abort()

        self.context.route("**/*", guard)
        self.page = self.context.new_page()
        self.page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("file:", "data:", "blob:", "about:"))
                else self.left.append(r.url)
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function(
            "n => document.querySelectorAll("
            "'.js-plotly-plot .main-svg').length >= n",
            arg=CHARTS,
            timeout=RENDER_MS,
        )

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector)).strip()

    def column(self, table: str, index: int) -> list[str]:
        return list(
            self.page.eval_on_selector_all(
                f"#{table} tbody tr",
                f"rows => rows.map(r => r.cells[{index}].textContent.trim())",
            )
        )

    def close(self) -> None:
        self.context.close()


def open_report(browser: Any, folder: Path, plan: Any) -> OpenedPage:
    path = folder / "report.html"
    path.write_text(html_report(gaps_scenario(), plan), encoding="utf-8")
    return OpenedPage(browser, path)


@pytest.fixture(scope="module")
def valid_page(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpenedPage]:
    """The report of a valid plan, opened once for the tests that only
    read it or sort its tables."""
    opened = open_report(browser, tmp_path_factory.mktemp("r"), gaps_plan())
    yield opened
    opened.close()


def test_the_report_renders_offline_with_the_checkers_numbers(
    valid_page: OpenedPage,
) -> None:
    scenario, plan = gaps_scenario(), gaps_plan()
    m = check(scenario, plan).measures
    opened = valid_page
    page = opened.page
    assert opened.left == [], "the page asked the network for something"
    assert opened.errors == []
    # Every chart drawn, with its traces.
    charts = page.query_selector_all(".js-plotly-plot")
    assert len(charts) == CHARTS
    for chart in charts:
        assert chart.query_selector("svg.main-svg") is not None
    gantt = page.query_selector_all("#fig-by-site .scatterlayer .trace")
    assert len(gantt) >= 3  # transit, handover, counting at least
    # The headline, as shown.
    required = required_unit_days(scenario)
    assert opened.text("[data-measure=gap_days]") == f"{m.gap_days:,}"
    assert opened.text("[data-measure=exercise_gap_days]") == (
        f"{m.exercise_gap_days:,}"
    )
    assert opened.text("[data-measure=presence_pct]") == (
        f"{100 * (1 - m.gap_days / required):.2f}%"
    )
    assert opened.text("[data-measure=required_unit_days]") == (
        f"{required:,}"
    )
    assert page.query_selector("#violations") is None


def test_the_deployment_table_sorts_on_click(valid_page: OpenedPage) -> None:
    opened = valid_page
    days_header = "#deployment-table th:has-text('days on site')"
    opened.page.click(days_header)
    days = [int(v) for v in opened.column("deployment-table", 7)]
    assert days == sorted(days)
    opened.page.click(days_header)
    days = [int(v) for v in opened.column("deployment-table", 7)]
    assert days == sorted(days, reverse=True)
    assert len(set(days)) > 1, "the case must have tours of two lengths"
    opened.page.click("#deployment-table th:has-text('unit')")
    units = opened.column("deployment-table", 1)
    assert units == sorted(units)


def test_a_broken_plan_shows_its_warning(browser: Any, tmp_path: Path) -> None:
    scenario, plan = gaps_scenario(), broken_plan()
    violations = check(scenario, plan).violations
    opened = open_report(browser, tmp_path, plan)
    try:
        warning = opened.page.locator("#violations")
        assert warning.is_visible()
        text = warning.inner_text()
        assert f"This plan breaks {len(violations)} rules" in text
        for v in violations:
            assert str(v) in text
    finally:
        opened.close()
