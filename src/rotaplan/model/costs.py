"""The cost model for comparing rotation with permanent stationing.

Written under ``costs:`` in a scenario; every field is optional and the
defaults come from published estimates (see ``SOURCES``). The model is
deliberately small: what a troop costs on site per day, what rotating
adds on top, what moving a troop costs, and what basing a force
permanently costs up front and per year. All money is in one currency.

The reference force for turning brigade-level figures into per-troop
ones is an armored brigade combat team of ``ABCT_TROOPS`` soldiers, the
middle of the 3,300-4,200 that US Army Europe gives.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]

# The reference armored brigade combat team: 3,300-4,200 troops
# (USAREUR fact sheet 1452873; kdhnews 2022-08-03); the middle, rounded.
ABCT_TROOPS = 3750

# Deni 2017: a stationed ABCT costs USD 1.05bn a year.
_STATIONED_ABCT_PER_YEAR = 1.05e9
# Deni 2017/2024 give +135M and ~70M a year for rotating an ABCT, i.e.
# about USD 20-40k per soldier a year; the middle of that range.
_PREMIUM_PER_TROOP_YEAR = 30_000.0
# Deni 2017: USD 300M (Germany) to 600M (Poland) up front; the middle.
_BASING_ABCT = 450e6

SOURCES: tuple[tuple[str, str], ...] = (
    (
        "Deni, US Army War College (2017), via NGAC and Stars and Stripes",
        "rotating an ABCT costs about USD 1.19bn a year against 1.05bn "
        "stationed (+USD 135M a year); basing one needs USD 300M "
        "(Germany) to 600M (Poland) up front",
    ),
    (
        "Deni, Atlantic Council (2024), via AUSA",
        "rotation still costs about USD 70M a year more than stationing",
    ),
    (
        "Derived estimate",
        "USD 70-135M a year over 3,500-4,000 troops: a rotation premium "
        "of about USD 20-40k per soldier per year",
    ),
    (
        "USAREUR fact sheet 1452873; kdhnews 2022-08-03",
        "an ABCT has 3,300-4,200 troops (3,750 used to turn brigade "
        "figures into per-troop ones)",
    ),
    (
        "Counterpoint: RAND DB421 (1997)",
        "under 1997 conditions, with 6-month rotations, rotation saved "
        "USD 200-350M a year after more than USD 700M of construction",
    ),
)


class _Strict(BaseModel):
    # Unknown cost keys are spelling mistakes: refuse them with their
    # field path rather than silently using a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoveCost(_Strict):
    """The cost of moving one troop one way between a home and a site.

    Either key may be left out to match every home or every site; the
    most specific entry wins (home and site, then site, then home).
    """

    home: str | None = None
    site: str | None = None
    per_troop: Money


class Costs(_Strict):
    """Money figures for rotation versus permanent stationing.

    Rotation is costed from the plan itself: each troop-day on site
    costs ``deployed_per_troop_day`` plus the rotation premium pro rata,
    and each one-way move costs the move price per troop. Stationing
    keeps the requirement's units on site for good: it pays
    ``basing_per_troop`` and one move in at the start, then
    ``stationing_per_troop_year``.
    """

    currency: str = "USD"
    # Pay, operations and sustainment of a troop on site, per day,
    # before what rotating adds: the stationed cost per troop-year.
    deployed_per_troop_day: Money = round(
        _STATIONED_ABCT_PER_YEAR / ABCT_TROOPS / 365.25, 2
    )
    # What rotating adds per troop on site per year. Deni's figures
    # include transport, so the move price below defaults to 0; price
    # moves explicitly and lower this to split the two.
    rotation_premium_per_troop_year: Money = _PREMIUM_PER_TROOP_YEAR
    move_per_troop: Money = 0.0
    moves: list[MoveCost] = []
    basing_per_troop: Money = round(_BASING_ABCT / ABCT_TROOPS, 2)
    stationing_per_troop_year: Money = round(
        _STATIONED_ABCT_PER_YEAR / ABCT_TROOPS, 2
    )
    # A requirement counted in the comparison lasts at least this many
    # days within the horizon.
    persistent_min_days: Annotated[int, Field(ge=1)] = 365

    def move_price(self, home: str, site: str) -> float:
        """Cost of moving one troop one way between ``home`` and
        ``site``: the most specific matching entry of ``moves``, else
        ``move_per_troop``."""
        best: tuple[int, float] | None = None
        for entry in self.moves:
            if entry.home is not None and entry.home != home:
                continue
            if entry.site is not None and entry.site != site:
                continue
            rank = (entry.site is not None) * 2 + (entry.home is not None)
            if best is None or rank > best[0]:
                best = (rank, entry.per_troop)
        return self.move_per_troop if best is None else best[1]

    def is_default(self, field: str) -> bool:
        """Whether ``field`` was left to its default in the scenario."""
        return field not in self.model_fields_set
