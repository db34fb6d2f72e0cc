"""The options several commands share, each defined once (flag, help, bounds).

A command declares `as_of: AsOf = None` and gets the same `--as-of` as every other command that
evaluates on a day. Light on purpose: `assign recommend` imports it and must start without the
store's machinery (the store a command opens: `api.cli.stores`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assign.network import CourtNetwork, builtin_network, load_network

AsOf = Annotated[str | None, typer.Option("--as-of", help="evaluation date YYYY-MM-DD (default: today)")]
ImportAsOf = Annotated[str | None, typer.Option("--as-of", help="reject dates after this day (default: today)")]
CourtScope = Annotated[str | None, typer.Option("--court", help="only this court's jurisdiction (本辖区)")]
CourtsFile = Annotated[Path | None, typer.Option("--courts", help="court network (JSON or CSV); default: built-in")]
JsonOut = Annotated[bool, typer.Option("--json", help="print the result as JSON instead of a table")]
JsonReport = Annotated[bool, typer.Option("--json", help="print the row-level report as JSON")]
# the store-wide passes that find things (alerts, leads): each command keeps its own default
SaveFindings = Annotated[bool, typer.Option("--save/--no-save", help="store them and publish the new ones as events")]
Workers = Annotated[int, typer.Option("--workers", min=1, help="processes for the store-wide pass")]


def file_network(courts: Path | None) -> CourtNetwork:
    """The network of a `--courts` file, or the built-in one."""
    return load_network(courts) if courts else builtin_network()
