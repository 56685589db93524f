"""A live progress line for long solves, on standard error."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from ..solve import Progress as SolveUpdate


class SolveProgress:
    """Shows elapsed time against the limit, the incumbent and the bound.

    Used as a context manager; ``update`` is the solve's progress
    callback. Hidden when standard error is not a terminal.
    """

    def __init__(self, console: Console, time_limit: float) -> None:
        self.time_limit = time_limit
        self._progress = Progress(
            TextColumn("[bold]solving[/bold]"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[state]}"),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(
            "solve", total=1.0, state="starting"
        )

    def __enter__(self) -> SolveProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def update(self, update: SolveUpdate) -> None:
        if update.fraction is not None:
            done = update.fraction
        else:
            done = min(1.0, update.elapsed / max(self.time_limit, 1e-9))
        parts = []
        if update.incumbent is not None:
            parts.append(f"best {update.incumbent:,.1f}")
        if update.bound is not None:
            parts.append(f"bound {update.bound:,.1f}")
        if update.message:
            parts.append(update.message)
        self._progress.update(
            self._task, completed=done, state="  ".join(parts)
        )
