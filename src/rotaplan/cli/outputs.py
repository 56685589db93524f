"""Output files of the commands: refused before any work when they
would overwrite an input or each other, or cannot be written; written
whole, or the command exits with status 2 naming them."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import typer

from ..io import write_text_atomic


def fail(lines: list[str]) -> typer.Exit:
    """Print each line as an error; return the exit (status 2) to raise."""
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    return typer.Exit(2)


# The fix for an output the system will not let us write.
_WRITABLE_FIX = "choose a folder you can write to"


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            # Hard links and symbolic links are the same file too.
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _is_device(path: Path) -> bool:
    """Whether ``path`` is an existing device, FIFO or socket: written
    to directly, never replaced (``/dev/null`` discards any output)."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _nearest_folder(path: Path) -> Path:
    """The closest ancestor of ``path`` that exists: where writing it
    would create folders from."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _check_folder(name: str, path: Path) -> None:
    if path.is_dir():
        raise fail(
            [f"{path}: {name}: is a folder (fix: name a file to write)"]
        )
    folder = _nearest_folder(path)
    if not folder.is_dir():
        raise fail(
            [
                f"{path}: {name}: {folder} is a file, not a folder "
                f"(fix: {_WRITABLE_FIX})"
            ]
        )


def _probe(name: str, path: Path) -> None:
    """Create and remove a file where ``path`` will be written, so that
    a folder we cannot write to is refused before a long solve, not
    after it."""
    try:
        folder = _nearest_folder(path.resolve())
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".rotaplan-probe.")
        os.close(fd)
        os.unlink(tmp)
    except (OSError, RuntimeError) as exc:
        raise fail([_unwritable(name, path, exc)]) from None


def _unwritable(name: str, path: Path, exc: BaseException) -> str:
    why = getattr(exc, "strerror", None) or str(exc)
    return f"{path}: {name}: cannot be written ({why}) (fix: {_WRITABLE_FIX})"


def check_outputs(
    outputs: Sequence[tuple[str, Path | None]],
    inputs: Sequence[tuple[str, Path | None]],
    in_place: tuple[str, str] | None = None,
) -> None:
    """Refuse, before any work, an output that would overwrite an input
    or another output, or that cannot be written. Exit status 2.

    Outputs and inputs are pairs of the name the user knows them by (an
    option such as ``--csv``, an argument such as ``SCENARIO``) and the
    path, ``None`` when not given. ``in_place`` is the one (output,
    input) pair that may be the same file: ``solve --keep K -o K`` reads
    the published plan whole before anything is written.
    """
    given = [(name, path) for name, path in outputs if path is not None]
    for i, (name, path) in enumerate(given):
        _check_folder(name, path)
        if _is_device(path):
            continue
        for other_name, other in given[:i]:
            if _same_file(path, other):
                raise fail(
                    [
                        f"{path}: {name}: is also the {other_name} file, "
                        "and one would overwrite the other (fix: give "
                        "each output its own file)"
                    ]
                )
        for source_name, source in inputs:
            if source is None or (name, source_name) == in_place:
                continue
            if _same_file(path, source):
                raise fail(
                    [
                        f"{path}: {name}: is {source_name}, an input of "
                        "this command, and would be overwritten (fix: "
                        f"name another file for {name})"
                    ]
                )
        _probe(name, path)


def write_output(name: str, path: Path, data: str | bytes) -> None:
    """Write an output whole, or exit with status 2 naming it."""
    try:
        write_text_atomic(path, data)
    except (OSError, RuntimeError) as exc:
        raise fail([_unwritable(name, path, exc)]) from None
