"""The error every reader raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Problem


@dataclass
class InputError(Exception):
    """Bad input: which file, which field, what is wrong, how to fix it.

    ``problems`` holds more entries when a file has several faults.
    """

    file: str
    path: str
    message: str
    fix: str = ""
    problems: tuple[Problem, ...] = ()

    @classmethod
    def from_problems(cls, file: str, problems: list[Problem]) -> InputError:
        first = problems[0]
        return cls(file, first.path, first.message, first.fix, tuple(problems))

    def lines(self) -> list[str]:
        """One line per problem: ``file: path: message (fix: ...)``."""
        problems = self.problems or (
            Problem(path=self.path, message=self.message, fix=self.fix),
        )
        return [
            f"{self.file}: {p.path}: {p.message}"
            + (f" (fix: {p.fix})" if p.fix else "")
            for p in problems
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())
