"""The command line end to end, through a subprocess, as a planner runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rotaplan import check, load_plan, load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lithuania.yaml"
CLI = Path(sys.executable).with_name("rotaplan")


def run(
    *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


GOOD = """\
name: tiny
horizon: {start: 2025-01-01, end: 2026-01-01}
sites: [{id: s1, capacity_troops: 1000}]
units:
  - {id: u1, capability: armor, troops: 500}
  - {id: u2, capability: armor, troops: 500}
requirements:
  - {id: r1, site: s1, capability: armor, start: 2025-01-01,
     end: 2026-01-01}
"""


def test_solve_then_check_the_bundled_example(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    csv_file = tmp_path / "plan.csv"
    solved = run(
        "solve",
        EXAMPLE,
        "-o",
        plan_file,
        "--csv",
        csv_file,
        "--time-limit",
        "20",
        "--seed",
        "1",
    )
    assert solved.returncode == 0, solved.stderr
    assert "presence kept" in solved.stderr
    data = json.loads(plan_file.read_text())
    assert data["format"] == "rotaplan-plan/1"
    assert data["status"] in ("optimal", "feasible")
    scenario = load_scenario(EXAMPLE)
    verdict = check(scenario, load_plan(plan_file))
    assert verdict.valid
    # The plan's own objective is the checker's measures.
    assert data["objective"] == verdict.measures.as_dict()
    checked = run("check", EXAMPLE, plan_file)
    assert checked.returncode == 0, checked.stdout
    assert "VALID" in checked.stdout
    rows = csv_file.read_text().splitlines()
    assert rows[0].startswith("unit,capability,requirement,site,start,end")
    assert len(rows) == 1 + len(data["deployments"])


def solve_example(plan_file: Path, *options: str) -> tuple[str, dict]:
    """``rotaplan solve`` on the bundled example: its summary and plan."""
    solved = run("solve", EXAMPLE, "-o", plan_file, *options)
    assert solved.returncode == 0, solved.stderr
    return solved.stderr, json.loads(plan_file.read_text())


def test_a_work_limit_gives_the_same_plan_twice(tmp_path: Path) -> None:
    options = ("--threads", "2", "--seed", "4", "--work-limit", "0.3")
    plans = []
    for name in ("first.json", "second.json"):
        summary, plan = solve_example(tmp_path / name, *options)
        assert "a rerun may give another plan" not in summary
        assert "gives the same plan (work limit 0.3)" in summary
        plans.append(plan)
    first, second = plans
    assert first["solver"]["reproducible"] is True
    assert first["solver"]["work_limit"] == 0.3
    assert first["deployments"] == second["deployments"]
    assert first["objective"] == second["objective"]


def test_by_default_a_solve_solved_whole_gives_the_same_plan_twice(
    tmp_path: Path,
) -> None:
    # No --work-limit: the bundled example is solved whole, so the search
    # is capped at a quarter of the time limit and a rerun repeats it.
    plans = []
    for name in ("first.json", "second.json"):
        summary, plan = solve_example(tmp_path / name, "--time-limit", "20")
        assert "gives the same plan (work limit 5, a quarter of the" in summary
        plans.append(plan)
    first, second = plans
    assert first["solver"]["work_limit"] == 5.0
    assert first["solver"]["work_limit_auto"] is True
    assert first["solver"]["reproducible"] is True
    assert first["deployments"] == second["deployments"]


def test_work_limit_none_searches_against_the_clock(tmp_path: Path) -> None:
    summary, plan = solve_example(
        tmp_path / "plan.json", "--work-limit", "none", "--time-limit", "5"
    )
    assert "may differ: searched against the clock" in summary
    assert plan["solver"]["work_limit"] is None
    assert plan["solver"]["reproducible"] is False


@pytest.mark.parametrize("limit", ["0", "-1", "soon", "inf"])
def test_a_bad_work_limit_gets_status_2_and_writes_nothing(
    tmp_path: Path, limit: str
) -> None:
    plan_file = tmp_path / "plan.json"
    solved = run("solve", EXAMPLE, "-o", plan_file, "--work-limit", limit)
    assert solved.returncode == 2
    assert "--work-limit" in solved.stderr
    assert "fix:" in solved.stderr
    assert "Traceback" not in solved.stderr
    assert not plan_file.exists()


def test_a_work_limit_cut_by_the_time_limit_is_told(tmp_path: Path) -> None:
    summary, plan = solve_example(
        tmp_path / "plan.json", "--work-limit", "1000", "--time-limit", "0.5"
    )
    assert "a rerun may give another plan" in summary
    assert plan["solver"]["reproducible"] is False


def test_an_interrupted_work_limited_solve_is_not_blamed_on_the_clock() -> (
    None
):
    # Ctrl-C, not the time limit, ended this search: the summary says
    # so, and the time-limit note is not printed.
    from rich.console import Console

    from rotaplan.cli.main import _cut_by_time_limit, summary_table
    from rotaplan.solve import solve

    scenario = load_scenario(EXAMPLE)
    result = solve(scenario, method="greedy")
    plan = result.plan
    plan.solver.update(work_limit=5.0, reproducible=False)
    console = Console(record=True, width=120)
    console.print(summary_table(scenario, plan, result.check, True))
    text = console.export_text()
    assert "may differ: the search was interrupted" in text
    assert "time limit" not in text
    assert not _cut_by_time_limit(plan.solver, True)
    assert _cut_by_time_limit(plan.solver, False)


def test_the_summary_says_why_a_default_solve_kept_the_clock() -> None:
    from rich.console import Console

    from rotaplan.cli.main import summary_table
    from rotaplan.solve import solve

    scenario = load_scenario(EXAMPLE)
    result = solve(scenario, method="greedy")
    plan = result.plan
    plan.solver.update(
        work_limit=None, work_limit_auto=True, reproducible=False
    )
    console = Console(record=True, width=200)
    console.print(summary_table(scenario, plan, result.check, False))
    assert (
        "may differ: a scenario this large is searched against the clock"
        in console.export_text()
    )


def test_solve_writes_the_plan_to_stdout_without_output(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    solved = run("solve", scenario, "--method", "greedy", "-q")
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["scenario"] == "tiny"


def test_check_reports_broken_rules_with_status_1(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    plan = {
        "format": "rotaplan-plan/1",
        "scenario": "tiny",
        "deployments": [
            # 400 days on site: more than the built-in 270 (H2).
            {
                "unit": "u1",
                "requirement": "r1",
                "start": "2025-01-01",
                "end": "2026-01-01",
            },
            # A unit nobody declared (H1).
            {
                "unit": "ghost",
                "requirement": "r1",
                "start": "2025-02-01",
                "end": "2025-06-01",
            },
        ],
    }
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    checked = run("check", scenario, plan_file)
    assert checked.returncode == 1
    assert "H2" in checked.stdout
    assert "H1" in checked.stdout
    assert "ghost" in checked.stdout
    assert "INVALID" in checked.stdout


def test_init_writes_a_scenario_that_solves(tmp_path: Path) -> None:
    made = run("init", "scenario.yaml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "scenario.yaml").read_text()
    assert "#" in text  # commented for the planner
    solved = run(
        "solve",
        "scenario.yaml",
        "-o",
        "plan.json",
        "--time-limit",
        "10",
        cwd=tmp_path,
    )
    assert solved.returncode == 0, solved.stderr
    checked = run("check", "scenario.yaml", "plan.json", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    again = run("init", "scenario.yaml", cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert (tmp_path / "scenario.yaml").read_text() == text


def test_export_writes_one_row_per_deployment(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    plan_file = tmp_path / "plan.json"
    assert (
        run(
            "solve", scenario, "-o", plan_file, "--method", "greedy", "-q"
        ).returncode
        == 0
    )
    exported = run("export", scenario, plan_file)
    assert exported.returncode == 0
    deployments = json.loads(plan_file.read_text())["deployments"]
    assert len(exported.stdout.splitlines()) == 1 + len(deployments)


def _bomb() -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},"
            f"*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    return "\n".join(lines) + "\n"


BAD_INPUTS = {
    "unknown key": (
        GOOD.replace("name: tiny", "name: tiny\ncolour: red"),
        "colour",
    ),
    "missing id": (
        GOOD.replace("{id: u2, ", "{"),
        "units[1].id",
    ),
    "duplicate id": (GOOD.replace("id: u2", "id: u1"), "units[1].id"),
    "unknown site": (
        GOOD.replace("site: s1", "site: nowhere"),
        "requirements[0].site",
    ),
    "unknown capability": (
        GOOD + "substitutions: [{capability: armor, by: cavalry}]\n",
        "substitutions[0].by",
    ),
    "unknown unit": (
        GOOD + "fixed: [{unit: u9, requirement: r1, start: 2025-01-01,"
        " end: 2025-05-01}]\n",
        "fixed[0].unit",
    ),
    "unknown requirement": (
        GOOD + "fixed: [{unit: u1, requirement: r9, start: 2025-01-01,"
        " end: 2025-05-01}]\n",
        "fixed[0].requirement",
    ),
    "end not after start": (
        GOOD.replace("end: 2026-01-01}\n", "end: 2025-01-01}\n"),
        "requirements[0]",
    ),
    "zero troops": (
        GOOD.replace("troops: 500}", "troops: 0}", 1),
        "units[0].troops",
    ),
    "negative troops": (
        GOOD.replace("troops: 500}", "troops: -5}", 1),
        "units[0].troops",
    ),
    "impossible date": (
        GOOD.replace(
            "start: 2025-01-01, end: 2026", "start: 2024-02-30, end: 2026"
        ),
        "horizon.start",
    ),
    "empty file": ("", "empty"),
    "top level not a mapping": ("- a\n- b\n", "mapping"),
    "alias bomb": (_bomb(), "aliases"),
    "max below min": (
        GOOD + "defaults: {min_deployment_days: 200,"
        " max_deployment_days: 100}\n",
        "defaults.max_deployment_days",
    ),
    "fixed deployments too close": (
        GOOD + "fixed:\n"
        "  - {unit: u1, requirement: r1, start: 2025-01-01,"
        " end: 2025-04-01}\n"
        "  - {unit: u1, requirement: r1, start: 2025-05-01,"
        " end: 2025-08-01}\n",
        "H3",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_scenario_gets_status_2_and_writes_nothing(
    case: str, tmp_path: Path
) -> None:
    text, expected = BAD_INPUTS[case]
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(text)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text("previous plan\n")
    solved = run("solve", scenario, "-o", plan_file, "--time-limit", "5")
    assert solved.returncode == 2
    assert "Traceback" not in solved.stderr
    assert "bad.yaml" in solved.stderr
    assert expected in solved.stderr
    assert "fix:" in solved.stderr
    # Nothing is written and nothing is lost.
    assert plan_file.read_text() == "previous plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.yaml",
        "plan.json",
    ]
    checked = run("check", scenario, plan_file)
    assert checked.returncode == 2


def test_oversized_scenario_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "big.yaml"
    padding = "# " + "x" * 1000 + "\n"
    with scenario.open("w") as f:
        f.write(GOOD)
        for _ in range(21 * 1024):
            f.write(padding)
    solved = run("solve", scenario)
    assert solved.returncode == 2
    assert "over the limit" in solved.stderr
    assert "Traceback" not in solved.stderr


def test_bad_plan_file_gets_status_2(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text('{"deployments": [{"unit": "u1"}]}')
    checked = run("check", scenario, plan_file)
    assert checked.returncode == 2
    assert "deployments[0].requirement" in checked.stderr


def test_keep_reports_what_changed_against_the_published_plan(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    published = tmp_path / "published.json"
    assert run("solve", scenario, "-o", published).returncode == 0
    count = len(json.loads(published.read_text())["deployments"])
    # The same scenario again: the published plan is still optimal.
    again = run("solve", scenario, "--keep", published, "-o", tmp_path / "a")
    assert again.returncode == 0, again.stderr
    assert (
        f"against the published plan: {count} kept, 0 moved, 0 removed, "
        "0 added" in again.stderr
    )
    # u2 is gone: its deployments are reported removed, and the new
    # plan, checked, is valid.
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        GOOD.replace("  - {id: u2, capability: armor, troops: 500}\n", "")
    )
    replanned = tmp_path / "replanned.json"
    changed = run("solve", edited, "--keep", published, "-o", replanned)
    assert changed.returncode == 0, changed.stderr
    gone = sum(
        d["unit"] == "u2"
        for d in json.loads(published.read_text())["deployments"]
    )
    assert gone > 0
    assert f" moved, {gone} removed, " in changed.stderr
    assert run("check", edited, replanned).returncode == 0
    # Each change has its line, and the plan file keeps the list.
    assert changed.stderr.count("\n  removed u2 on r1 ") == gone
    listed = json.loads(replanned.read_text())["changes"]
    assert [x["unit"] for x in listed["removed"]] == ["u2"] * gone


def test_keep_needs_the_optimizer(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    published = tmp_path / "published.json"
    assert run("solve", scenario, "-o", published).returncode == 0
    plan_file = tmp_path / "plan.json"
    solved = run(
        "solve",
        scenario,
        "--keep",
        published,
        "--method",
        "greedy",
        "-o",
        plan_file,
    )
    assert solved.returncode == 2
    assert "--method cpsat" in solved.stderr
    assert not plan_file.exists()


def test_keep_refuses_a_plan_of_another_scenario(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    assert run("solve", EXAMPLE, "-o", other).returncode == 0
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    plan_file = tmp_path / "plan.json"
    solved = run("solve", scenario, "--keep", other, "-o", plan_file)
    assert solved.returncode == 2
    assert "Traceback" not in solved.stderr
    assert "other.json: scenario: the plan is for scenario" in solved.stderr
    assert "fix:" in solved.stderr
    assert not plan_file.exists()


def test_json_scenario_solves_like_yaml(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(GOOD)
    data = json.loads(json.dumps(data, default=str))
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(data))
    plan_file = tmp_path / "plan.json"
    solved = run("solve", scenario, "-o", plan_file, "--method", "greedy")
    assert solved.returncode == 0, solved.stderr
    assert run("check", scenario, plan_file).returncode == 0


def test_size_answers_the_rotation_question() -> None:
    # 270-day tours, dwell 2, 21-day transit, 10-day handover: a cycle
    # of 270 + 2*21 + 540 = 852 days gives 260 counting days, so
    # ceil(852 / 260) = 4 units keep one on site.
    sized = run(
        "size",
        "--tour-days",
        "270",
        "--dwell-ratio",
        "2",
        "--transit-days",
        "21",
        "--handover-days",
        "10",
    )
    assert sized.returncode == 0, sized.stderr
    assert "4 units" in sized.stdout
    assert "852" in sized.stdout
    assert "30.5%" in sized.stdout  # 260 / 852 of its time counts


def test_size_of_a_scenario_lists_each_capability() -> None:
    sized = run("size", EXAMPLE, "--json")
    assert sized.returncode == 0, sized.stderr
    data = json.loads(sized.stdout)
    capabilities = {c["capability"]: c for c in data["capabilities"]}
    assert set(capabilities) == {
        "armored-battalion",
        "field-artillery-battery",
    }
    assert capabilities["armored-battalion"]["units_needed"] == 4


def test_size_refuses_an_impossible_policy() -> None:
    sized = run("size", "--tour-days", "5", "--handover-days", "10")
    assert sized.returncode == 2
    assert "handover" in sized.stderr
    assert "Traceback" not in sized.stderr


@pytest.fixture
def solved(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny scenario and a plan of it, in ``tmp_path``."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD)
    plan_file = tmp_path / "plan.json"
    made = run("solve", scenario, "-o", plan_file, "--method", "greedy", "-q")
    assert made.returncode == 0, made.stderr
    return scenario, plan_file


def _refused(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "fix:" in done.stderr
    for word in words:
        assert word in done.stderr


# Command lines (S: the scenario, P: its plan) that would overwrite an
# input or one output with another, and the words the refusal must say.
CLOBBERS = {
    "solve -o S": (["solve", "S", "-o", "S"], ["--output", "SCENARIO"]),
    "solve --csv S": (["solve", "S", "--csv", "S"], ["--csv", "SCENARIO"]),
    "solve -o X --csv X": (
        ["solve", "S", "-o", "x.json", "--csv", "x.json"],
        ["x.json", "--csv", "--output", "its own file"],
    ),
    "solve --keep P --csv P": (
        ["solve", "S", "--keep", "P", "-o", "x.json", "--csv", "P"],
        ["--csv", "--keep"],
    ),
    "export -o P": (["export", "S", "P", "-o", "P"], ["--output", "PLAN"]),
    "export -o S": (["export", "S", "P", "-o", "S"], ["--output", "SCENARIO"]),
    "report -o X --xlsx X": (
        ["report", "S", "P", "-o", "r.html", "--xlsx", "r.html"],
        ["r.html", "--xlsx", "its own file"],
    ),
}


@pytest.mark.parametrize("case", sorted(CLOBBERS))
def test_an_output_never_overwrites_an_input_or_another_output(
    case: str, solved: tuple[Path, Path]
) -> None:
    scenario, plan_file = solved
    folder = scenario.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    args, words = CLOBBERS[case]
    names = {"S": scenario.name, "P": plan_file.name}
    done = run(*(names.get(a, a) for a in args), cwd=folder)
    _refused(done, *words)
    # Nothing is written and nothing is lost.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_keep_replans_in_place(solved: tuple[Path, Path]) -> None:
    scenario, plan_file = solved
    done = run("solve", scenario, "--keep", plan_file, "-o", plan_file, "-q")
    assert done.returncode == 0, done.stderr
    assert "changes" in json.loads(plan_file.read_text())


def test_output_to_a_device_writes_through_it(
    solved: tuple[Path, Path],
) -> None:
    import os
    import stat

    scenario, plan_file = solved
    null = scenario.parent / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root on Linux")
    options = ("-q", "--method", "greedy", "-o", null, "--csv", null)
    done = run("solve", scenario, *options)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)
    exported = run("export", scenario, plan_file, "-o", null)
    assert exported.returncode == 0, exported.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_output_through_a_symlink_keeps_the_link(
    solved: tuple[Path, Path],
) -> None:
    scenario, plan_file = solved
    real = scenario.parent / "real.csv"
    real.write_text("old\n")
    link = scenario.parent / "link.csv"
    link.symlink_to("real.csv")
    done = run("export", scenario, plan_file, "-o", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert real.read_text().startswith("unit,capability,")
    assert sorted(p.name for p in scenario.parent.iterdir()) == [
        "link.csv",
        "plan.json",
        "real.csv",
        "s.yaml",
    ]


# Paths no one can write to: under a regular file, and on Linux a new
# file in /proc. {S}, {P} and {F}: the scenario, its plan, a file.
UNWRITABLE = {
    "solve -o": ["solve", "{S}", "-q", "--method", "greedy", "-o", "{X}"],
    "solve --csv": [
        "solve",
        "{S}",
        "-q",
        "--method",
        "greedy",
        "--csv",
        "{X}",
    ],
    "export -o": ["export", "{S}", "{P}", "-o", "{X}"],
    "report -o": ["report", "{S}", "{P}", "-o", "{X}"],
    "report --xlsx": ["report", "{S}", "{P}", "--xlsx", "{X}"],
    "init": ["init", "{X}"],
}


@pytest.mark.parametrize("where", ["under a file", "/proc"])
@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def test_an_unwritable_output_is_refused_with_its_path(
    case: str, where: str, solved: tuple[Path, Path]
) -> None:
    scenario, plan_file = solved
    if where == "/proc":
        if not Path("/proc/self").exists():
            pytest.skip("no /proc here")
        target = "/proc/rotaplan-test.yaml"
    else:
        target = str(scenario / "out.yaml")
    args = [
        a.format(S=scenario, P=plan_file, X=target) for a in UNWRITABLE[case]
    ]
    before = {p.name: p.read_bytes() for p in scenario.parent.iterdir()}
    done = run(*args)
    _refused(done, target, "choose a folder you can write to")
    assert ".tmp" not in done.stderr
    after = {p.name: p.read_bytes() for p in scenario.parent.iterdir()}
    assert after == before


def test_init_refuses_a_folder_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    done = run("init", "d", "--force", cwd=tmp_path)
    _refused(done, "d: PATH: is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_init_refuses_a_json_name(tmp_path: Path) -> None:
    done = run("init", "x.json", cwd=tmp_path)
    _refused(done, "x.json", "YAML", "x.yaml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["size", "--dwell-ratio", "inf"],
        ["size", "--dwell-ratio", "1e308"],
        ["size", "--dwell-ratio", "nan"],
        ["size", "--transit-days", "99999999999999999999"],
        ["size", "--tour-days", "0"],
        ["solve", str(EXAMPLE), "--seed", "99999999999999999999999"],
        ["solve", str(EXAMPLE), "--seed", "-1"],
    ],
)
def test_out_of_range_options_are_refused(args: list[str]) -> None:
    done = run(*args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert args[-2] in done.stderr  # the option is named


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ["--min-deployment-days", "300"],
            ["--min-deployment-days", "--max-deployment-days 270"],
        ),
        (["--tour-days", "1000"], ["--max-deployment-days 1000"]),
        (["--tour-days", "60"], ["--min-deployment-days 60"]),
        (
            [str(EXAMPLE), "--tour-days", "100", "--dwell-ratio", "5"],
            ["--tour-days, --dwell-ratio", "without a scenario"],
        ),
    ],
)
def test_size_refuses_options_it_cannot_honour(
    args: list[str], words: list[str]
) -> None:
    _refused(run("size", *args), *words)
