"""Database glue shared by every entry point: open the store, migrate, import, load a network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy.engine import Engine

from assign import migrate, repository
from assign.db import make_engine, session_scope
from assign.errors import DataError, ImportReport, NotFound
from assign.importer import import_stream
from assign.interchange import iter_records, open_source, validate_record
from assign.network import CourtNetwork, load_network


def open_store(url: str, *, upgrade: bool = True) -> Engine:
    """An engine on `url`, migrated to the latest schema unless `upgrade` is False."""
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    return engine


def current_network(engine: Engine) -> CourtNetwork:
    with session_scope(engine) as session:
        return repository.active_network(session=session)


def import_case_file(
    engine: Engine,
    source: str | Path | bytes | IO[bytes],
    *,
    fmt: str | None = None,
    as_of: date | None = None,
    network: CourtNetwork | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Parse and store a case file as a stream (memory stays flat); every bad row is in the report,
    every valid row stored, in one transaction."""
    if isinstance(source, (str, Path)) and not isinstance(source, bytes) and fmt is None:
        path = Path(source)
        if not path.exists():
            raise NotFound(f"no file {path}")
    net = network or current_network(engine)
    with open_source(source, fmt) as (stream, kind):
        items = ((row, validate_record(row, record)) for row, record in iter_records(stream, kind))
        return import_stream(engine, items, as_of=as_of, network=net, progress=progress)


def load_court_file(engine: Engine, path: str | Path) -> CourtNetwork:
    """Validate a network file and make it the active network, in one transaction."""
    network = load_network(path)
    if len(network) == 0:
        raise DataError(f"{path}: the network has no courts")
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=network, source=str(path))
    return network
