"""Small helpers on per-day arrays shared by the analyses."""

from __future__ import annotations

import numpy as np


def runs(mask: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """Maximal runs of True in ``mask`` as half-open (start, end) days,
    index 0 being day ``offset``."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [
        (int(s) + offset, int(e) + offset)
        for s, e in zip(edges[::2], edges[1::2], strict=True)
    ]
