"""Issue 15, fault 1: one case that cannot be evaluated never stops the night.

The poisoned cases are written around the service, as an old store (from before a check
existed) or a hand-edited row would hold them: one whose record no longer validates (a date
near 9999) and one that validates but names a court the network does not have. The real
store pass reports both (run summary, `cases.not_evaluated` event) and the night publishes.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.config import BUILTIN_RULEBOOK_DIR
from api.nightly import default_services, run_nightly
from solver.instance import SolveParams
from tests.nightly.helpers import AS_OF, InlineExecutor, fast_options, seed_store

NEAR_9999 = "(2024)川执00001号"
UNKNOWN_COURT = "(2024)川执00002号"


def poison(engine: Engine) -> None:
    """Rewrite two stored records the way only direct database access (or an old store) could."""
    with engine.begin() as conn:
        for case_no, change in ((NEAR_9999, {"received_on": "9999-12-20", "filed_on": "9999-12-21"}),
                                (UNKNOWN_COURT, {"court_code": "B999999"})):
            data = json.loads(conn.execute(sa.text("SELECT data FROM case_record WHERE case_no = :n"),
                                           {"n": case_no}).scalar_one())
            conn.execute(sa.text("UPDATE case_record SET data = :d WHERE case_no = :n"),
                         {"d": json.dumps(data | change, ensure_ascii=False), "n": case_no})


def test_the_night_reports_and_skips_cases_that_cannot_be_evaluated_and_still_publishes(engine: Engine) -> None:
    seed_store(engine, 30)
    poison(engine)
    services = default_services(rulebook_dir=BUILTIN_RULEBOOK_DIR, eval_workers=1,
                                solve_params=SolveParams(seed=3, workers=1, time_limit_s=1.0))
    report = run_nightly(engine, as_of=AS_OF, services=services, options=fast_options(), executor=InlineExecutor())
    assert report.status == "published"
    assert report.summary.not_evaluated == 2 and report.summary.cases_evaluated == 28
    with engine.connect() as conn:
        payloads = [json.loads(p) for (p,) in conn.execute(sa.text(
            "SELECT payload FROM event WHERE kind = 'cases.not_evaluated'")).all()]
    assert len(payloads) == 1 and payloads[0]["count"] == 2
    reasons = " | ".join(payloads[0]["cases"])
    assert f"case {NEAR_9999}: the stored record no longer validates: received_on" in reasons
    assert f"case {UNKNOWN_COURT}:" in reasons and "B999999" in reasons
