"""Seeded benchmark scenarios for rotaplan, in four sizes and three
supply levels.

Families (the unit counts are those of the ``tight`` supply level):

- ``S``: one site, Lithuania-like: an armored battalion and an artillery
  battery for six years, one armored surge, a yearly exercise, about 15
  units.
- ``M``: 8 sites, about 150 units, 10 years.
- ``L``: 24 sites, about 600 units, 10 years.
- ``XL``: 60 sites, about 2,000 units, 10 years.

Every family has surges (extra requirements for some months, some of
count 2), active and reserve units (reserve dwell ratio 4), substitutions
with penalties, site capacities (some only one unit above the steady
load, so that handovers bind), blackouts, availability windows,
``last_return`` history, fixed deployments under way at the start and
exercises.

Supply levels size each capability's units from its peak concurrent
demand ``P`` (the most requirement slots open on one day) and the
rotation multiplier of the component that fills a slot,
``N = ceil((D + 2T + ceil(r * D)) / (D - H))`` with ``D`` the maximum
deployment, ``T`` transit, ``H`` handover and ``r`` the dwell ratio:

- ``tight``: exactly ``N`` units per concurrent slot;
- ``ample``: ``N + max(1, round(N / 4))`` per slot;
- ``short``: ``N - 1`` per slot.

The same family and seed give the same requirements, sites and exercises
at every supply level, so the levels compare like with like.

Command line::

    python benchmarks/generate.py L tight --seed 1 -o l_tight.yaml
    python benchmarks/generate.py greedy600 -o g600.yaml
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

FAMILIES = ("S", "M", "L", "XL")
SUPPLIES = ("ample", "tight", "short")
HORIZON_START = date(2026, 1, 1)

DEFAULTS: dict[str, int | float] = {
    "transit_days": 21,
    "handover_days": 10,
    "min_deployment_days": 90,
    "max_deployment_days": 270,
    "dwell_ratio": 2.0,
}
COMPONENTS = {
    "reserve": {"dwell_ratio": 4.0},
    "guard": {"dwell_ratio": 4.0},
}


@dataclass(frozen=True)
class Capability:
    """A kind of unit, with the figures every unit of it starts from."""

    name: str
    prefix: str  # for unit and requirement ids
    troops: int
    transit_days: int
    handover_days: int
    weight: int  # how often sites ask for it
    priority: float


CAPABILITIES = (
    Capability("armored-battalion", "AR", 550, 21, 10, 4, 1.0),
    Capability("mechanized-infantry-battalion", "MI", 600, 21, 10, 3, 1.0),
    Capability("infantry-battalion", "IN", 700, 3, 7, 3, 1.0),
    Capability("field-artillery-battery", "FA", 110, 21, 10, 3, 0.5),
    Capability("air-defense-battery", "AD", 120, 14, 7, 2, 2.0),
    Capability("engineer-company", "EN", 150, 14, 7, 2, 0.5),
    Capability("aviation-battalion", "AV", 400, 10, 14, 1, 1.0),
    Capability("signal-company", "SC", 100, 3, 5, 1, 0.5),
)
_BY_NAME = {c.name: c for c in CAPABILITIES}

# (needed, offered, penalty per day): a heavier or lighter battalion
# standing in, as planners accept when short.
SUBSTITUTIONS = (
    ("armored-battalion", "mechanized-infantry-battalion", 5.0),
    ("mechanized-infantry-battalion", "armored-battalion", 3.0),
    ("infantry-battalion", "mechanized-infantry-battalion", 2.0),
    ("mechanized-infantry-battalion", "infantry-battalion", 4.0),
    ("air-defense-battery", "field-artillery-battery", 8.0),
)

SITE_NAMES = (
    "pabrade",
    "rukla",
    "tapa",
    "adazi",
    "orzysz",
    "zagan",
    "cincu",
    "novo-selo",
    "tata",
    "lest",
    "powidz",
    "drawsko",
    "skwierzyna",
    "boleslawiec",
    "mihail-kogalniceanu",
    "smardan",
    "bemowo-piskie",
    "siauliai",
    "amari",
    "lielvarde",
    "libava",
    "kadaga",
    "rena",
    "ustka",
)


@dataclass(frozen=True)
class FamilySpec:
    """Size of one family at ``scale`` 1."""

    sites: int
    years: int
    base_requirements: int  # standing requirements, over all sites
    surges: int
    exercises_per_site_year: float
    units: int | None = None  # exact unit count, when fixed


SPECS: dict[str, FamilySpec] = {
    "S": FamilySpec(1, 6, 2, 1, 1.0),
    "M": FamilySpec(8, 10, 23, 8, 0.4),
    "L": FamilySpec(24, 10, 110, 24, 0.3),
    "XL": FamilySpec(60, 10, 385, 60, 0.25),
    # The greedy planner's benchmark: 600 units, 80 requirements.
    "greedy600": FamilySpec(20, 10, 68, 12, 0.3, units=600),
}


def rotation_multiplier(
    max_days: int, transit: int, handover: int, dwell_ratio: float
) -> int:
    """Units one continuous slot needs: a tour's full cycle (on site,
    both transits, dwell) over the days it counts toward presence."""
    dwell = math.ceil(round(dwell_ratio * max_days, 9))
    return math.ceil((max_days + 2 * transit + dwell) / (max_days - handover))


def _multiplier(cap: Capability, component: str) -> int:
    ratio = float(
        COMPONENTS.get(component, {}).get(
            "dwell_ratio", DEFAULTS["dwell_ratio"]
        )
    )
    return rotation_multiplier(
        int(DEFAULTS["max_deployment_days"]),
        cap.transit_days,
        cap.handover_days,
        ratio,
    )


def _pool_size(n: int, supply: str) -> int:
    if supply == "tight":
        return n
    if supply == "ample":
        return n + max(1, round(n / 4))
    return max(1, n - 1)


def _iso(day: int) -> str:
    return (HORIZON_START + timedelta(days=day)).isoformat()


def _horizon_days(years: int) -> int:
    end = HORIZON_START.replace(year=HORIZON_START.year + years)
    return (end - HORIZON_START).days


@dataclass
class _Req:
    id: str
    site: str
    cap: Capability
    start: int
    end: int
    count: int
    priority: float
    standing: bool  # open from the horizon start


def generate(
    family: str, supply: str = "tight", seed: int = 0, scale: float = 1.0
) -> dict[str, Any]:
    """A benchmark scenario as plain data for ``build_scenario``.

    Parameters
    ----------
    family
        ``"S"``, ``"M"``, ``"L"``, ``"XL"`` or ``"greedy600"`` (the
        greedy planner's 600 units and 80 requirements).
    supply
        ``"ample"``, ``"tight"`` or ``"short"``.
    seed
        The same family, seed and scale give the same demand at every
        supply level, and the same scenario for the same supply.
    scale
        Multiplies sites and requirements (at least one of each), for
        quick runs.

    Returns
    -------
    dict
        The scenario, dates as ISO strings, ready for YAML or JSON.
    """
    if family not in SPECS:
        raise ValueError(
            f"unknown family {family!r}; choose one of {', '.join(SPECS)}"
        )
    if supply not in SUPPLIES:
        raise ValueError(
            f"unknown supply {supply!r}; choose one of {', '.join(SUPPLIES)}"
        )
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    spec = SPECS[family]
    horizon = _horizon_days(spec.years)
    demand_rng = random.Random(f"{family}:{seed}:{scale}:demand")
    if family == "S":
        sites, reqs = _lithuania_demand(horizon, demand_rng)
    else:
        sites, reqs = _demand(spec, scale, horizon, demand_rng)
    exercises = _exercises(sites, reqs, spec, horizon, demand_rng)

    unit_rng = random.Random(f"{family}:{seed}:{scale}:{supply}:units")
    # Tours under way at the start are drawn apart from the units, so
    # that every supply level starts from the same ones where it can.
    fixed_rng = random.Random(f"{family}:{seed}:{scale}:fixed")
    units, fixed = _units(
        family, spec, supply, reqs, horizon, unit_rng, fixed_rng
    )
    capabilities = {u["capability"] for u in units}
    site_rows = _sites(sites, reqs, units, demand_rng, family)

    return {
        "name": f"benchmark {family} {supply} seed {seed}"
        + ("" if scale == 1.0 else f" scale {scale:g}"),
        "horizon": {"start": _iso(0), "end": _iso(horizon)},
        "defaults": dict(DEFAULTS),
        "components": {k: dict(v) for k, v in COMPONENTS.items()},
        "sites": site_rows,
        "units": units,
        "requirements": [
            {
                "id": r.id,
                "site": r.site,
                "capability": r.cap.name,
                "count": r.count,
                "start": _iso(r.start),
                "end": _iso(r.end),
                "priority": r.priority,
            }
            for r in reqs
        ],
        "substitutions": [
            {"capability": need, "by": by, "penalty": penalty}
            for need, by, penalty in SUBSTITUTIONS
            if by in capabilities
        ],
        "fixed": fixed,
        "exercises": [
            e
            for e in exercises
            if all(n["capability"] in capabilities for n in e["needs"])
        ],
    }


def _lithuania_demand(
    horizon: int, rng: random.Random
) -> tuple[list[str], list[_Req]]:
    armor, fires = _BY_NAME["armored-battalion"], CAPABILITIES[3]
    reqs = [
        _Req("LT-ARMOR", "pabrade", armor, 0, horizon, 1, 1.0, True),
        _Req("LT-FIRES", "pabrade", fires, 0, horizon, 1, 0.5, True),
    ]
    start = rng.randint(365, horizon - 730)
    reqs.append(
        _Req(
            "LT-ARMOR-SURGE-1",
            "pabrade",
            armor,
            start,
            start + rng.randint(150, 240),
            1,
            2.0,
            False,
        )
    )
    return ["pabrade"], reqs


def _demand(
    spec: FamilySpec, scale: float, horizon: int, rng: random.Random
) -> tuple[list[str], list[_Req]]:
    n_sites = max(1, round(spec.sites * scale))
    sites = [
        SITE_NAMES[i] if i < len(SITE_NAMES) else f"site-{i + 1:02d}"
        for i in range(n_sites)
    ]
    n_base = max(1, round(spec.base_requirements * scale))
    n_surges = max(1, round(spec.surges * scale))
    weights = [c.weight for c in CAPABILITIES]
    reqs: list[_Req] = []
    taken: set[tuple[str, str]] = set()
    for i in range(n_base):
        site = sites[i % n_sites]
        cap = rng.choices(CAPABILITIES, weights)[0]
        for _ in range(20):  # a site asks for each capability once
            if (site, cap.name) not in taken:
                break
            cap = rng.choices(CAPABILITIES, weights)[0]
        taken.add((site, cap.name))
        standing = rng.random() < 0.75
        if standing:
            start, end = 0, horizon
        else:
            start = rng.randint(0, horizon // 2)
            end = min(horizon, start + rng.randint(2 * 365, 6 * 365))
        count = 2 if rng.random() < 0.15 else 1
        rid = f"{site.upper()}-{cap.prefix}"
        if any(r.id == rid for r in reqs):
            rid = f"{rid}-{i + 1}"
        reqs.append(
            _Req(rid, site, cap, start, end, count, cap.priority, standing)
        )
    for k in range(n_surges):
        base = rng.choice(reqs)
        start = rng.randint(180, horizon - 365)
        reqs.append(
            _Req(
                f"{base.site.upper()}-{base.cap.prefix}-SURGE-{k + 1}",
                base.site,
                base.cap,
                start,
                start + rng.randint(120, 300),
                2 if rng.random() < 0.3 else 1,
                2.0,
                False,
            )
        )
    return sites, reqs


def _exercises(
    sites: list[str],
    reqs: list[_Req],
    spec: FamilySpec,
    horizon: int,
    rng: random.Random,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for site in sites:
        here = [r for r in reqs if r.site == site and r.standing]
        if not here:
            continue
        for year in range(spec.years):
            if rng.random() >= spec.exercises_per_site_year:
                continue
            # Spring exercises, as the Baltic ones are.
            start = _horizon_days(year) + rng.randint(100, 160)
            end = start + 14
            if end > horizon:
                continue
            host = rng.choice(here)
            needs = [
                {
                    "capability": host.cap.name,
                    "count": host.count + (1 if rng.random() < 0.5 else 0),
                }
            ]
            other = rng.choice(CAPABILITIES)
            if other is not host.cap and rng.random() < 0.3:
                needs.append({"capability": other.name, "count": 1})
            out.append(
                {
                    "id": f"EX-{site.upper()}-{year + 1:02d}",
                    "site": site,
                    "start": _iso(start),
                    "end": _iso(end),
                    "needs": needs,
                }
            )
    return out


def _peak_slots(reqs: list[_Req]) -> dict[str, int]:
    """Most requirement slots open on one day, per capability."""
    events: dict[str, list[tuple[int, int]]] = {}
    for r in reqs:
        ev = events.setdefault(r.cap.name, [])
        ev += [(r.start, r.count), (r.end, -r.count)]
    peak: dict[str, int] = {}
    for name, ev in events.items():
        level = best = 0
        # Ends sort before starts on the same day: half-open windows.
        for _, delta in sorted(ev):
            level += delta
            best = max(best, level)
        peak[name] = best
    return peak


def _units(
    family: str,
    spec: FamilySpec,
    supply: str,
    reqs: list[_Req],
    horizon: int,
    rng: random.Random,
    fixed_rng: random.Random,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Units sized by supply level, with history and fixed deployments."""
    pools: list[tuple[Capability, str]] = []  # one entry per unit
    for name, slots in sorted(_peak_slots(reqs).items()):
        cap = _BY_NAME[name]
        for slot in range(slots):
            # The first slot of a capability is active so that standing
            # requirements can start from a fixed active deployment; the
            # Lithuania-like family rotates active units only.
            reserve = family != "S" and slot and rng.random() < 0.25
            component = "reserve" if reserve else "active"
            size = _pool_size(_multiplier(cap, component), supply)
            pools += [(cap, component)] * size
    if family == "S":
        # A Guard mechanized battalion that may stand in for armor.
        pools.append((_BY_NAME["mechanized-infantry-battalion"], "guard"))
    if spec.units is not None:
        pools = _resize(pools, spec.units, rng)

    counters: dict[str, int] = {}
    units: list[dict[str, Any]] = []
    for cap, component in pools:
        counters[cap.prefix] = counters.get(cap.prefix, 0) + 1
        unit: dict[str, Any] = {
            "id": f"{cap.prefix}-{counters[cap.prefix]:04d}",
            "capability": cap.name,
            "troops": max(1, round(cap.troops * rng.uniform(0.9, 1.1))),
        }
        if component != "active":
            unit["component"] = component
        if cap.transit_days != DEFAULTS["transit_days"]:
            unit["transit_days"] = cap.transit_days
        if cap.handover_days != DEFAULTS["handover_days"]:
            unit["handover_days"] = cap.handover_days
        units.append(unit)

    fixed = _fixed(reqs, units, fixed_rng)
    busy = {f["unit"] for f in fixed}
    for unit in units:
        if unit["id"] in busy:
            continue
        _history(unit, horizon, rng)
    return units, fixed


def _resize(
    pools: list[tuple[Capability, str]], total: int, rng: random.Random
) -> list[tuple[Capability, str]]:
    """Exactly ``total`` units, keeping each capability's share."""
    if len(pools) >= total:
        kept = sorted(rng.sample(range(len(pools)), total))
        return [pools[i] for i in kept]
    out = list(pools)
    while len(out) < total:
        out.append(pools[rng.randrange(len(pools))])
    return out


def _fixed(
    reqs: list[_Req], units: list[dict[str, Any]], rng: random.Random
) -> list[dict[str, Any]]:
    """Tours under way at the start: most standing slots have one."""
    free: dict[str, list[dict[str, Any]]] = {}
    for unit in units:
        if "component" not in unit:
            free.setdefault(unit["capability"], []).append(unit)
    fixed: list[dict[str, Any]] = []
    for r in reqs:
        if not r.standing:
            continue
        for _ in range(r.count):
            candidates = free.get(r.cap.name, [])
            skip = rng.random() < 0.2
            # Drawn whether used or not, so that every supply level
            # gets the same dates.
            arrived, stay = rng.randint(0, 110), rng.randint(200, 270)
            if not candidates or skip:
                continue
            unit = candidates.pop(0)
            handover = int(
                unit.get("handover_days", DEFAULTS["handover_days"])
            )
            # Arrived before the horizon, so it counts from day 0.
            start = -(handover + arrived)
            end = start + stay
            fixed.append(
                {
                    "unit": unit["id"],
                    "requirement": r.id,
                    "start": _iso(start),
                    "end": _iso(end),
                }
            )
    return fixed


def _history(unit: dict[str, Any], horizon: int, rng: random.Random) -> None:
    """Last tour, blackouts and availability for a unit not on a tour."""
    ratio = float(
        COMPONENTS.get(unit.get("component", ""), {}).get(
            "dwell_ratio", DEFAULTS["dwell_ratio"]
        )
    )
    if rng.random() < 0.8:
        last_days = rng.randint(150, 270)
        # Staggered readiness over the first year and a half, as units
        # come back from tours at different times.
        ready = rng.randint(-90, 540)
        unit["last_return"] = _iso(
            ready - math.ceil(round(ratio * last_days, 9))
        )
        unit["last_deployment_days"] = last_days
    draw = rng.random()
    if draw < 0.06:
        unit["available_from"] = _iso(rng.randint(180, 3 * 365))
    elif draw < 0.10:
        unit["available_until"] = _iso(
            rng.randint(horizon - 3 * 365, horizon - 180)
        )
    if rng.random() < 0.12:
        start = rng.randint(0, horizon - 400)
        unit["blackouts"] = [
            {
                "start": _iso(start),
                "end": _iso(start + rng.randint(120, 365)),
                "reason": rng.choice(("modernization", "reset", "training")),
            }
        ]


def _sites(
    sites: list[str],
    reqs: list[_Req],
    units: list[dict[str, Any]],
    rng: random.Random,
    family: str,
) -> list[dict[str, Any]]:
    """Sites with capacities: tight (one unit above the peak load, so
    handovers queue), loose, or unlimited."""
    heaviest: dict[str, int] = {}
    for unit in units:
        cap = unit["capability"]
        heaviest[cap] = max(heaviest.get(cap, 0), unit["troops"])
    rows: list[dict[str, Any]] = []
    for site in sites:
        here = [r for r in reqs if r.site == site]
        events: list[tuple[int, int]] = []
        for r in here:
            load = r.count * heaviest.get(r.cap.name, r.cap.troops)
            events += [(r.start, load), (r.end, -load)]
        level = peak = 0
        for _, delta in sorted(events):
            level += delta
            peak = max(peak, level)
        handover = max(
            (heaviest.get(r.cap.name, r.cap.troops) for r in here), default=0
        )
        draw = 0.0 if family == "S" else rng.random()
        row: dict[str, Any] = {"id": site, "name": site.replace("-", " ")}
        if draw < 0.35:
            row["capacity_troops"] = max(1, peak + handover)
        elif draw < 0.7:
            row["capacity_troops"] = max(1, round(1.5 * peak + 2 * handover))
        rows.append(row)
    return rows


def summary(data: dict[str, Any]) -> str:
    """One line on a generated scenario's size."""
    capacities = [s for s in data["sites"] if "capacity_troops" in s]
    return (
        f"{data['name']}: {len(data['sites'])} sites "
        f"({len(capacities)} with capacity), {len(data['units'])} units, "
        f"{len(data['requirements'])} requirements, "
        f"{len(data['fixed'])} fixed, {len(data['exercises'])} exercises"
    )


def dump(data: dict[str, Any], path: Path | None) -> str:
    """The scenario as JSON (for ``.json`` paths) or YAML text."""
    if path is not None and path.suffix.lower() == ".json":
        return json.dumps(data, indent=1) + "\n"
    return yaml.safe_dump(data, sort_keys=False, width=100)


def main(argv: list[str] | None = None) -> int:
    """Generate one scenario; ``-o`` writes it to a file."""
    parser = argparse.ArgumentParser(
        description="Generate a seeded rotaplan benchmark scenario."
    )
    parser.add_argument("family", choices=tuple(SPECS))
    parser.add_argument("supply", nargs="?", default="tight", choices=SUPPLIES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "-o", "--output", type=Path, help="file (.yaml or .json)"
    )
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error("--scale must be positive")
    data = generate(args.family, args.supply, args.seed, args.scale)
    text = dump(data, args.output)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(summary(data), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
