"""The store-wide alerts pass gives the same alerts inline and in worker processes."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.alerts import store_alerts
from assign.generator import generate_cases
from assign.importer import import_cases
from assign.network import builtin_network
from assign.schemas import CaseStatus

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


def test_a_stored_case_that_no_longer_validates_is_reported_as_the_other_store_passes_report_it(
        sqlite_engine: Engine) -> None:
    network = builtin_network()
    cases = list(generate_cases(network, 40, seed=5, as_of=AS_OF, province="51"))
    import_cases(sqlite_engine, cases, as_of=AS_OF, network=network)
    read = [c.case_no for c in cases if c.status in (CaseStatus.OPEN, CaseStatus.ZHONGBEN)]
    poisoned = read[0]
    with sqlite_engine.begin() as conn:  # written around the service, as an old store would hold it
        data = json.loads(conn.execute(sa.text("SELECT data FROM case_record WHERE case_no = :n"),
                                       {"n": poisoned}).scalar_one())
        conn.execute(sa.text("UPDATE case_record SET data = :d WHERE case_no = :n"),
                     {"d": json.dumps(data | {"received_on": "9999-12-20", "filed_on": "9999-12-21"}), "n": poisoned})
    run = store_alerts(sqlite_engine, AS_OF, network=network, rulebook_dir=BUILTIN_RULEBOOK_DIR, range_size=7)
    assert run.rejected == 1 and run.cases == len(read) - 1
    assert len(run.problems) == 1
    assert run.problems[0].startswith(f"case {poisoned}: the stored record no longer validates: received_on")
    assert poisoned not in {a.case_no for a in run.alerts}
