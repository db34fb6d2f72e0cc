"""The store a command opens: the one `DATABASE_URL` names, migrated; for a store-wide pass also its day and network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from api.cli.common import parse_as_of
from api.config import get_settings
from api.service import store
from assign.network import CourtNetwork


def configured_store() -> Engine:
    """The store `DATABASE_URL` names, migrated to the latest schema."""
    return store.open_store(get_settings().database_url)


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
