"""The optimizer's ``work_limit`` as users give it (the API or
``--work-limit``): one rule for what it may be."""

from __future__ import annotations

import contextlib
import math

# The default: a work limit chosen from the time limit, or the clock
# (see ``cpsat.optimize_plan``).
AUTO = "auto"


def work_limit_of(value: object) -> float | str | None:
    """``value`` as a work limit: ``AUTO``, None (against the clock), or
    seconds of work above 0 (a number, or its text).

    Raises
    ------
    ValueError
        For anything else: 0, a negative or infinite number, other text.
    """
    if value is None:
        return None
    if value == AUTO:
        return AUTO
    seconds = math.nan
    if isinstance(value, int | float | str):
        with contextlib.suppress(ValueError):
            seconds = float(value)
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(
            "work_limit must be a number of seconds above 0, "
            f"{AUTO!r} or None; got {value!r}"
        )
    return seconds
