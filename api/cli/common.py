"""Shared CLI helpers: consoles, error display, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from assign.errors import AssignError, DataError, RowProblem
from assign.fields import event_date

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

T = TypeVar("T")

EXIT_INVALID_INPUT = 2  # some rows or arguments were invalid (valid ones still processed)
EXIT_FAILED = 1


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn domain errors into a readable message on stderr and a non-zero exit."""
    try:
        yield
    except DataError as e:
        err.print(f"[red]invalid input:[/red] {escape(str(e))}", markup=True, highlight=False)
        raise typer.Exit(EXIT_INVALID_INPUT) from None
    except AssignError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", markup=True, highlight=False)
        raise typer.Exit(EXIT_FAILED) from None


def parse_as_of(text: str | None) -> date:
    """`--as-of` as a date (default: today), within the format's date range; a command that stores
    results also refuses a day after today (`assign.fields.require_not_future`, in the service)."""
    if not text:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DataError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None
    try:
        return event_date(day)
    except ValueError as e:
        raise DataError(f"--as-of: {e}") from None


def write_json_stdout(text: str) -> None:
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def print_rejected(problems: list[RowProblem], shown: int = 200) -> None:
    """The rejected rows of an import on stderr, masked as in the API, the first `shown` of them."""
    for p in problems[:shown]:
        err.print(f"[red]rejected[/red] {escape(str(p.masked()))}", highlight=False)
    if len(problems) > shown:
        err.print(f"... and {len(problems) - shown} more problems")


def run(fn: Callable[[], T]) -> T:
    with cli_errors():
        return fn()
