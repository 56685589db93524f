"""How the report writes numbers, shared by every output format."""

from __future__ import annotations


def integer(value: int | float) -> str:
    """``1234`` -> ``1,234``."""
    return f"{round(value):,}"


def decimal(value: float | None, digits: int = 2) -> str:
    """A number with ``digits`` decimals, or "n/a" when unknown."""
    return "n/a" if value is None else f"{value:,.{digits}f}"


def percent(value: float, digits: int = 2) -> str:
    """A percentage already scaled to 0-100."""
    return f"{value:.{digits}f}%"


def ratio(value: float | None) -> str:
    """Days home per day on site as BOG:Dwell, ``1:2.35``."""
    return "n/a" if value is None else f"1:{value:.2f}"


def money(value: float, currency: str = "") -> str:
    """``1.19e9`` -> ``USD 1.19bn``; ``1.35e8`` -> ``USD 135.0M``; no
    currency prefix when ``currency`` is empty."""
    sign = "-" if value < 0 else ""
    unit = f"{currency} " if currency else ""
    value = abs(value)
    if value >= 1e9:
        return f"{sign}{unit}{value / 1e9:,.2f}bn"
    if value >= 1e6:
        return f"{sign}{unit}{value / 1e6:,.1f}M"
    return f"{sign}{unit}{value:,.0f}"
