"""Bad scenario files: every one an ``InputError`` naming the file, the
field path and a fix (contract section 2, last paragraph)."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from rotaplan.analyze.check import check
from rotaplan.io import InputError, load_scenario
from rotaplan.io.scenario_file import MAX_FILE_BYTES
from rotaplan.solve import solve
from strategies import examples, scenario_dicts

WriteFile = Callable[..., Path]


def good() -> dict[str, Any]:
    """A small valid scenario; each case below breaks one thing."""
    return {
        "name": "Error cases",
        "horizon": {"start": "2025-01-01", "end": "2026-01-01"},
        "defaults": {"transit_days": 10, "handover_days": 5},
        "components": {"reserve": {"dwell_ratio": 4.0}},
        "sites": [
            {"id": "camp", "capacity_troops": 2000},
            {"id": "range"},
        ],
        "units": [
            {"id": "A1", "capability": "armor", "troops": 500},
            {"id": "A2", "capability": "armor", "troops": 500},
            {
                "id": "A3",
                "capability": "armor",
                "troops": 500,
                "component": "reserve",
                "blackouts": [
                    {"start": "2025-06-01", "end": "2025-09-01"},
                ],
            },
            {"id": "I1", "capability": "infantry", "troops": 600},
        ],
        "requirements": [
            {
                "id": "R",
                "site": "camp",
                "capability": "armor",
                "start": "2025-01-01",
                "end": "2026-01-01",
            }
        ],
        "substitutions": [{"capability": "armor", "by": "infantry"}],
        "fixed": [
            {
                "unit": "A1",
                "requirement": "R",
                "start": "2024-11-01",
                "end": "2025-03-01",
            }
        ],
        "exercises": [
            {
                "id": "X",
                "site": "camp",
                "start": "2025-05-01",
                "end": "2025-05-15",
                "needs": [{"capability": "armor", "count": 2}],
            }
        ],
    }


def test_the_good_scenario_loads(write_scenario: WriteFile) -> None:
    scenario = load_scenario(write_scenario(good()))
    assert [u.id for u in scenario.units] == ["A1", "A2", "A3", "I1"]


def assert_input_error(path: Path, field: str, *words: str) -> InputError:
    """Loading ``path`` fails naming the file, ``field`` and a fix, and
    the message holds each of ``words``."""
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    error = caught.value
    text = str(error)
    assert error.file == str(path)
    assert path.name in text
    assert error.path == field, text
    assert field in text
    assert error.fix, f"no fix offered: {text}"
    assert "fix:" in text
    for word in words:
        assert word.lower() in text.lower(), text
    return error


Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Change:
    """A change setting ``a.b[2].c`` (list indices in brackets)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = _parts(path)
        node: Any = data
        for part in parents:
            node = node[part]
        node[last] = value

    return change


def _drop(path: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        *parents, last = _parts(path)
        node: Any = data
        for part in parents:
            node = node[part]
        del node[last]

    return change


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.replace("]", "").split("."):
        name, *indices = piece.split("[")
        parts.append(name)
        parts.extend(int(i) for i in indices)
    return parts


CASES: dict[str, tuple[Change, str, tuple[str, ...]]] = {
    # name: (change to the good scenario, field path, words in message)
    "unknown-top-level-key": (_set("colour", "red"), "colour", ()),
    "unknown-unit-key": (_set("units[1].troop", 5), "units[1].troop", ()),
    "missing-unit-id": (_drop("units[2].id"), "units[2].id", ()),
    "missing-name": (_drop("name"), "name", ()),
    "duplicate-unit-id": (_set("units[3].id", "A1"), "units[3].id", ("A1",)),
    "duplicate-site-id": (_set("sites[1].id", "camp"), "sites[1].id", ()),
    "duplicate-exercise-id": (
        lambda d: d["exercises"].append(dict(d["exercises"][0])),
        "exercises[1].id",
        ("X",),
    ),
    "unknown-site": (
        _set("requirements[0].site", "moon"),
        "requirements[0].site",
        ("moon", "camp"),
    ),
    "unknown-fixed-unit": (
        _set("fixed[0].unit", "Z9"),
        "fixed[0].unit",
        ("Z9",),
    ),
    "unknown-fixed-requirement": (
        _set("fixed[0].requirement", "NOPE"),
        "fixed[0].requirement",
        ("NOPE",),
    ),
    "unknown-exercise-site": (
        _set("exercises[0].site", "moon"),
        "exercises[0].site",
        ("moon",),
    ),
    "unknown-exercise-capability": (
        _set("exercises[0].needs[0].capability", "cavalry"),
        "exercises[0].needs[0].capability",
        ("cavalry",),
    ),
    "unknown-substitute-capability": (
        _set("substitutions[0].by", "cavalry"),
        "substitutions[0].by",
        ("cavalry",),
    ),
    "zero-troops": (_set("units[3].troops", 0), "units[3].troops", ()),
    "negative-troops": (_set("units[3].troops", -5), "units[3].troops", ()),
    "fractional-troops": (
        _set("units[0].troops", 2.5),
        "units[0].troops",
        (),
    ),
    "negative-transit": (
        _set("defaults.transit_days", -1),
        "defaults.transit_days",
        (),
    ),
    "negative-priority": (
        _set("requirements[0].priority", -1),
        "requirements[0].priority",
        (),
    ),
    "zero-count": (
        _set("requirements[0].count", 0),
        "requirements[0].count",
        (),
    ),
    "impossible-date": (
        _set("requirements[0].start", "2024-02-30"),
        "requirements[0].start",
        ("YYYY-MM-DD",),
    ),
    "not-a-date": (
        _set("horizon.end", "next year"),
        "horizon.end",
        ("YYYY-MM-DD",),
    ),
    "defaults-max-below-min": (
        _set(
            "defaults",
            {"min_deployment_days": 200, "max_deployment_days": 100},
        ),
        "defaults.max_deployment_days",
        ("200", "100"),
    ),
    "component-max-below-min": (
        _set(
            "components.reserve",
            {"min_deployment_days": 200, "max_deployment_days": 100},
        ),
        "components.reserve.max_deployment_days",
        ("200", "100"),
    ),
    "last-return-without-days": (
        _set("units[1].last_return", "2024-06-01"),
        "units[1].last_return",
        ("last_deployment_days",),
    ),
    "empty-needs": (
        _set("exercises[0].needs", []),
        "exercises[0].needs",
        (),
    ),
    "units-not-a-list": (_set("units", "A1, A2"), "units", ()),
    "date-with-a-time": (
        _set("horizon.start", "2025-01-01T10:00:00"),
        "horizon.start",
        ("YYYY-MM-DD",),
    ),
    "id-too-long": (_set("units[0].id", "A" * 300), "units[0].id", ()),
    "name-not-text": (_set("name", ["a", "b"]), "name", ()),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_field_is_named_with_a_fix(
    case: str, write_scenario: WriteFile
) -> None:
    change, field, words = CASES[case]
    data = good()
    change(data)
    assert_input_error(write_scenario(data), field, *words)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("requirements[0]", "end"),
        ("horizon", "end"),
        ("exercises[0]", "end"),
        ("units[2].blackouts[0]", "end"),
        ("fixed[0]", "end"),
    ],
)
def test_end_not_after_start(
    entry: str, field: str, write_scenario: WriteFile
) -> None:
    data = good()
    node: Any = data
    for part in _parts(entry):
        node = node[part]
    node["end"] = node["start"]
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(data))
    error = caught.value
    # The entry is named, and the message says which date to move.
    assert error.path in (entry, f"{entry}.{field}")
    assert "end" in error.message and "after" in error.message
    assert error.fix


def test_numeric_id_loads_or_gets_a_fix(write_scenario: WriteFile) -> None:
    # ``id: 101`` is how a planner writes a battalion numbered 101; YAML
    # reads it as a number. Either it is taken as the id "101", or the
    # message says how to write it.
    data = good()
    data["units"][1]["id"] = 101
    path = write_scenario(data)
    try:
        scenario = load_scenario(path)
    except InputError as error:
        assert error.path == "units[1].id"
        assert error.fix, str(error)
    else:
        assert scenario.units[1].id == "101"


def test_not_a_number_gets_a_fix(write_scenario: WriteFile) -> None:
    path = write_scenario('{"name": "x", "defaults": {"dwell_ratio": NaN}}')
    path = path.rename(path.with_suffix(".json"))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    problems = {p.path: p for p in caught.value.problems}
    assert problems["defaults.dwell_ratio"].fix


def test_yes_is_not_a_troop_count(write_scenario: WriteFile) -> None:
    # YAML reads ``yes`` as true; true is not 1 troop.
    text = yaml.safe_dump(good(), sort_keys=False).replace(
        "troops: 600", "troops: yes"
    )
    assert "troops: yes" in text
    assert_input_error(write_scenario(text), "units[3].troops")


def test_key_written_twice_in_one_mapping(write_scenario: WriteFile) -> None:
    text = yaml.safe_dump(good(), sort_keys=False).replace(
        "troops: 600", "troops: 600\n  troops: 60"
    )
    # The loader sees the repeat before the schema does, so it names
    # the line of the second key rather than the field path.
    line = text.splitlines().index("  troops: 60") + 1
    assert_input_error(
        write_scenario(text), f"line {line}, column 3", "'troops'", "twice"
    )


@pytest.mark.parametrize(
    "field",
    [
        "units[1].troops",
        "requirements[0].count",
        "exercises[0].needs[0].count",
    ],
)
def test_absurdly_large_numbers_are_refused_or_handled(
    field: str, write_scenario: WriteFile
) -> None:
    # 10**20 troops fits the schema's "integer >= 1". The tool must
    # either refuse it as input, naming the field, or plan and check
    # with it; never stop with a traceback.
    data = good()
    _set(field, 10**20)(data)
    path = write_scenario(data)
    try:
        scenario = load_scenario(path)
    except InputError as error:
        assert error.path == field
        assert error.fix
        return
    result = solve(scenario, method="greedy")
    assert check(scenario, result.plan).valid


def test_unit_level_max_below_min(write_scenario: WriteFile) -> None:
    data = good()
    data["units"][1].update(min_deployment_days=200, max_deployment_days=100)
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(data))
    error = caught.value
    assert error.path.startswith("units[1]")
    assert "max_deployment_days" in str(error)
    assert error.fix


def test_every_problem_is_listed(write_scenario: WriteFile) -> None:
    data = good()
    data["units"][0]["troops"] = 0
    data["units"][3]["colour"] = "green"
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(data))
    paths = {p.path for p in caught.value.problems}
    assert {"units[0].troops", "units[3].colour"} <= paths
    assert len(caught.value.lines()) >= 2


# --- Fixed deployments that break a rule by themselves -------------------


def test_two_fixed_tours_of_one_unit_too_close(
    write_scenario: WriteFile,
) -> None:
    # A2 on site [2025-01-01, 2025-04-01) = 90 days; dwell 2 * 90 = 180;
    # home 2025-04-11; a second tour arriving 2025-05-01 leaves home
    # 2025-04-21, 10 days later.
    data = good()
    data["fixed"] += [
        {
            "unit": "A2",
            "requirement": "R",
            "start": "2025-05-01",
            "end": "2025-08-01",
        },
        {
            "unit": "A2",
            "requirement": "R",
            "start": "2025-01-01",
            "end": "2025-04-01",
        },
    ]
    error = assert_input_error(write_scenario(data), "fixed[1]", "H3")
    # The one judged too close is the later tour, listed as fixed[1].
    assert "A2" in error.message


def test_fixed_tour_in_a_blackout(write_scenario: WriteFile) -> None:
    # A3's blackout is [2025-06-01, 2025-09-01).
    data = good()
    data["fixed"].append(
        {
            "unit": "A3",
            "requirement": "R",
            "start": "2025-07-01",
            "end": "2025-10-01",
        }
    )
    assert_input_error(write_scenario(data), "fixed[1]", "H5")


def test_fixed_tour_of_the_wrong_capability(
    write_scenario: WriteFile,
) -> None:
    data = good()
    data["substitutions"] = []
    data["fixed"][0]["unit"] = "I1"
    assert_input_error(write_scenario(data), "fixed[0]", "H1")


def test_fixed_tours_over_site_capacity(write_scenario: WriteFile) -> None:
    # camp holds 2000; A1 (500) + I1 (600) + A2 (500) + A3 (500) = 2100
    # while all four are there in March 2025.
    data = good()
    data["fixed"] = [
        {
            "unit": u,
            "requirement": "R",
            "start": "2025-02-15",
            "end": "2025-05-15",
        }
        for u in ("A1", "I1", "A2")
    ] + [
        {
            "unit": "A3",
            "requirement": "R",
            "start": "2025-03-01",
            "end": "2025-05-01",
        }
    ]
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(data))
    assert caught.value.path.startswith("fixed")
    assert "H6" in str(caught.value)
    assert caught.value.fix


def test_fixed_tour_exempt_from_h2_and_h7_loads(
    write_scenario: WriteFile,
) -> None:
    # 400 days on site (more than 270) starting before the horizon.
    data = good()
    data["fixed"][0].update(start="2024-01-01", end="2025-02-04")
    assert load_scenario(write_scenario(data)).fixed[0].end.year == 2025


# --- The file itself ---------------------------------------------------


def test_empty_file(write_scenario: WriteFile) -> None:
    path = write_scenario("\n  \n")
    assert_input_error(path, "(file)", "empty")


def test_comment_only_file(write_scenario: WriteFile) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario("# nothing here\n"))
    assert caught.value.fix
    assert "scenario.yaml" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["- a\n- b\n", "just words\n", "42\n"], ids=["list", "str", "int"]
)
def test_top_level_not_a_mapping(text: str, write_scenario: WriteFile) -> None:
    assert_input_error(write_scenario(text), "(top level)", "mapping")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)
    assert caught.value.fix


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"name: *a{levels}")
    return "\n".join(lines) + "\n"


def test_alias_bomb_fails_without_eating_memory(
    write_scenario: WriteFile,
) -> None:
    # 9 ** 10 (about 3.5 billion) strings once expanded; the file is
    # under 1 KB. Refusing it must not build the expansion: a few MB
    # of Python objects at most, where expanding would need ~100 GB.
    path = write_scenario(_billion_laughs())
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            load_scenario(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert "alias" in str(caught.value)
    assert caught.value.fix
    assert path.name in str(caught.value)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        # A sparse file: the size is what counts, not the content.
        f.truncate(MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            load_scenario(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Refused before reading it.
    assert peak < MAX_FILE_BYTES // 4
    error = caught.value
    assert error.file == str(path)
    assert "limit" in error.message
    assert error.fix


def test_invalid_yaml_names_line_and_column(
    write_scenario: WriteFile,
) -> None:
    text = (
        "name: x\nhorizon: {start: 2025-01-01, end: [2026-01-01\nsites: []\n"
    )
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(text))
    error = caught.value
    assert error.path.startswith("line ")
    assert "column" in error.path
    assert "YAML" in error.message
    assert error.fix


def test_tab_indented_yaml(write_scenario: WriteFile) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario("name: x\nsites:\n\t- id: a\n"))
    assert caught.value.path.startswith("line 3")
    assert caught.value.fix


def test_invalid_json_names_line_and_column(
    write_scenario: WriteFile,
) -> None:
    text = json.dumps(good(), indent=2)
    # Drop the comma after the name on line 2.
    broken = text.replace('"Error cases",', '"Error cases"', 1)
    with pytest.raises(InputError) as caught:
        load_scenario(write_scenario(broken, suffix=".json"))
    error = caught.value
    assert error.path.startswith("line 3")
    assert "JSON" in error.message
    assert error.fix
    assert "scenario.json" in str(error)


def test_json_field_errors_name_the_path(write_scenario: WriteFile) -> None:
    data = good()
    data["units"][3]["troops"] = -1
    path = write_scenario(data, suffix=".json")
    assert_input_error(path, "units[3].troops")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert "UTF-8" in str(caught.value)


def test_json_equivalent_to_yaml_loads_the_same(
    write_scenario: WriteFile,
) -> None:
    from_yaml = load_scenario(write_scenario(good(), name="s"))
    from_json = load_scenario(write_scenario(good(), name="s", suffix=".json"))
    assert from_json == from_yaml


def test_yaml_dates_unquoted_load_as_dates(write_scenario: WriteFile) -> None:
    # What a planner types: bare dates, not strings.
    text = yaml.safe_dump(good(), sort_keys=False).replace("'", "")
    scenario = load_scenario(write_scenario(text))
    assert scenario.horizon.start.isoformat() == "2025-01-01"


@settings(max_examples=examples(30))
@given(scenario_dicts())
def test_valid_scenarios_load_from_json(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    # No false alarms: every valid scenario loads, its fixed
    # deployments included.
    path = tmp_path_factory.mktemp("valid") / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    scenario = load_scenario(path)
    assert len(scenario.units) == len(data["units"])
    assert len(scenario.fixed) == len(data.get("fixed", []))


# --- Input the parsers or the calendar cannot take ----------------------
# Each of these once stopped with a Python traceback (or, for the
# numbers-as-dates and the repeated JSON key, planned from the wrong
# data without a word).


def test_list_as_a_mapping_key(write_scenario: WriteFile) -> None:
    text = "? [a, b]\n: 1\nname: x\n"
    assert_input_error(
        write_scenario(text), "line 1, column 3", "key", "plain name"
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("levels", [150, 5000])
def test_deep_nesting_is_refused(
    levels: int, suffix: str, write_scenario: WriteFile
) -> None:
    # 150 levels parse, and are refused by depth; 5,000 stop the parser.
    data = {**good(), "units": "[" * levels + "]" * levels}
    text = json.dumps(data).replace('"[', "[").replace(']"', "]")
    path = write_scenario(text, suffix=suffix)
    field = "units" if levels == 150 else "(file)"
    assert_input_error(path, field, "nested", "levels")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_number_of_thousands_of_digits(
    suffix: str, write_scenario: WriteFile
) -> None:
    text = json.dumps(good()).replace(
        '"troops": 600', '"troops": ' + "9" * 5000
    )
    assert_input_error(
        write_scenario(text, suffix=suffix),
        "units[3].troops",
        "5,000",
        "correct the number",
    )


def test_json_with_a_byte_order_mark_loads(write_scenario: WriteFile) -> None:
    path = write_scenario("\ufeff" + json.dumps(good()), suffix=".json")
    assert load_scenario(path).name == "Error cases"


def test_json_key_written_twice(write_scenario: WriteFile) -> None:
    text = json.dumps(good()).replace(
        '"troops": 600', '"troops": 600, "troops": 6000000'
    )
    assert_input_error(
        write_scenario(text, suffix=".json"),
        "units[3].troops",
        "twice",
        "keep one",
    )


@pytest.mark.parametrize(
    "value", [0, 20250101, 1735689600, "1735689600", 2025.5]
)
@pytest.mark.parametrize(
    "field", ["horizon.start", "units[2].blackouts[0].end"]
)
def test_number_for_a_date(
    field: str, value: Any, write_scenario: WriteFile
) -> None:
    # pydantic reads a number as seconds since 1970: `start: 0` would
    # plan from 1970-01-01.
    data = good()
    _set(field, value)(data)
    for suffix in (".yaml", ".json"):
        error = assert_input_error(
            write_scenario(data, suffix=suffix), field, "number, not a date"
        )
        assert error.fix == "write the date as YYYY-MM-DD"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("horizon.start", "0001-01-01"),
        ("horizon.start", "1899-12-31"),
        ("requirements[0].end", "9999-12-31"),
        ("fixed[0].end", "9999-12-30"),
        ("units[0].last_return", "0001-01-01"),
        ("units[2].blackouts[0].end", "2200-01-01"),
    ],
)
def test_date_outside_the_years_planned(
    field: str, value: str, write_scenario: WriteFile
) -> None:
    data = good()
    _set(field, value)(data)
    if field.endswith("last_return"):
        data["units"][0]["last_deployment_days"] = 180
    path = write_scenario(data)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    error = caught.value
    assert field in [p.path for p in error.problems], str(error)
    assert f"{field}: {value} is outside the years 1900 to 2199" in str(error)
    assert "between 1900-01-01 and 2199-12-31" in str(error)


def test_dates_at_the_ends_of_the_range_load(
    write_scenario: WriteFile,
) -> None:
    data = good()
    data["horizon"] = {"start": "2100-01-01", "end": "2199-12-31"}
    data["requirements"][0].update(start="2100-01-01", end="2199-12-31")
    data["units"][0]["last_return"] = "1900-01-01"
    data["units"][0]["last_deployment_days"] = 180
    del data["fixed"], data["exercises"]
    scenario = load_scenario(write_scenario(data))
    assert scenario.horizon.days == 36_523


def test_horizon_over_a_hundred_years(write_scenario: WriteFile) -> None:
    data = good()
    data["horizon"] = {"start": "1950-01-01", "end": "2150-01-01"}
    assert_input_error(
        write_scenario(data), "horizon", "100 years", "at most 100 years"
    )


def test_dwell_past_the_calendar(write_scenario: WriteFile) -> None:
    # 100 times a 100,000-day tour: each bound allowed, their product
    # not, or the end of the dwell falls past year 9999.
    data = good()
    data["units"][1].update(
        dwell_ratio=100,
        max_deployment_days=100_000,
        last_return="2024-06-01",
        last_deployment_days=100_000,
    )
    assert_input_error(write_scenario(data), "units[1]", "dwell", "lower")


BROKEN_FILES = {
    "complexkey.yaml": "? [a, b]\n: 1\n",
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep.json": "[" * 5000 + "]" * 5000,
    "bigint.json": json.dumps(good()).replace(
        '"troops": 600', '"troops": ' + "9" * 5000
    ),
    "epoch.yaml": yaml.safe_dump(
        {**good(), "horizon": {"start": 0, "end": "2026-01-01"}}
    ),
    "y9999.yaml": yaml.safe_dump(
        {**good(), "horizon": {"start": "2025-01-01", "end": "9999-12-31"}}
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_cli_refuses_without_a_traceback(name: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    scenario = tmp_path / name
    scenario.write_text(BROKEN_FILES[name], encoding="utf-8")
    plan = tmp_path / "plan.json"
    cli = Path(sys.executable).with_name("rotaplan")
    for args in (["size"], ["solve", "-o", plan, "--time-limit", "5"]):
        done = subprocess.run(
            [cli, *args[:1], scenario, *args[1:]],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert f"{scenario}: " in done.stderr and "(fix: " in done.stderr
    assert not plan.exists()
