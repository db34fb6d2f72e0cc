"""The store-wide alerts pass gives the same alerts inline and in worker processes."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.alerts import store_alerts
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network

AS_OF = date(2025, 11, 20)


def test_workers_find_what_one_process_finds(sqlite_engine: Engine) -> None:
    network = builtin_network()
    import_cases(sqlite_engine, generate_cases(network, 1500, seed=5, as_of=AS_OF, province="51"),
                 as_of=AS_OF, network=network)
    inline = store_alerts(sqlite_engine, AS_OF, network=network, rulebook_dir=BUILTIN_RULEBOOK_DIR, range_size=400)
    pooled = store_alerts(sqlite_engine, AS_OF, network=network, rulebook_dir=BUILTIN_RULEBOOK_DIR, range_size=400,
                          workers=2)
    assert inline.alerts and inline.cases == pooled.cases
    assert [a.key for a in inline.alerts] == [a.key for a in pooled.alerts]
    assert inline.ruleset == pooled.ruleset
