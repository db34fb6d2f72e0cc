"""The options several commands share, each defined once (flag, help, bounds), and the store a command opens.

A command declares `as_of: AsOf = None` and gets the same `--as-of` as every other command that
evaluates on a day; a store-wide pass (alerts, leads) opens its store and network with `open_pass`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from api.cli.common import parse_as_of
from api.config import get_settings
from api.service import store
from assign.network import CourtNetwork, builtin_network, load_network

AsOf = Annotated[str | None, typer.Option("--as-of", help="evaluation date YYYY-MM-DD (default: today)")]
ImportAsOf = Annotated[str | None, typer.Option("--as-of", help="reject dates after this day (default: today)")]
CourtScope = Annotated[str | None, typer.Option("--court", help="only this court's jurisdiction (本辖区)")]
CourtsFile = Annotated[Path | None, typer.Option("--courts", help="court network (JSON or CSV); default: built-in")]
JsonOut = Annotated[bool, typer.Option("--json", help="print the result as JSON instead of a table")]
JsonReport = Annotated[bool, typer.Option("--json", help="print the row-level report as JSON")]
Workers = Annotated[int, typer.Option("--workers", min=1, help="processes for the store-wide pass")]


def configured_store() -> Engine:
    """The store `DATABASE_URL` names, migrated to the latest schema."""
    return store.open_store(get_settings().database_url)


def file_network(courts: Path | None) -> CourtNetwork:
    """The network of a `--courts` file, or the built-in one."""
    return load_network(courts) if courts else builtin_network()


@dataclass(frozen=True)
class OpenedStore:
    """What a store-wide pass run from the command line works on."""

    day: date
    engine: Engine
    network: CourtNetwork


def open_pass(as_of: str | None, court: str | None) -> OpenedStore:
    """The day, the configured store and its network; an unknown `--court` is a clear error before any work."""
    day = parse_as_of(as_of)
    engine = configured_store()
    network = store.current_network(engine)
    if court:
        network.get(court)
    return OpenedStore(day=day, engine=engine, network=network)
