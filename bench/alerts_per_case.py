"""The node alerts' own cost per case, in CPU time (a figure that holds on a shared machine), and a
digest of the alerts found, so two commits can be compared on the same store:

    .venv/bin/python bench/alerts_per_case.py STORE_URL [N] [--as-of DATE]

Reads the first N open and 终本 cases of the store (case order) and parses them (not timed), then
times what the store pass adds per case for its alerts: `rules.alerts.evaluate_alerts` in pages
of 2,500 and each alert serialized (`AlertValues.of`), on one process. Same store, same date,
same digest: the same alerts, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import date

from api.config import BUILTIN_RULEBOOK_DIR
from assign import repository
from assign.alerts import AlertValues
from assign.db import make_engine, session_scope
from assign.schemas import CaseStatus
from assign.stored_case import read_case
from rules.alerts import RULESET_ID, evaluate_alerts
from rules.engine import RuleEngine
from rules.loader import load_rulebook, rulebook_file

PAGE = 2_500  # the store pass's page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("n", nargs="?", type=int, default=20_000)
    ap.add_argument("--as-of", default="2025-11-20")
    args = ap.parse_args()
    as_of = date.fromisoformat(args.as_of)
    with session_scope(make_engine(args.url)) as s:
        rows = repository.case_records_between(session=s, first="", last="\uffff",
                                               status=(CaseStatus.OPEN, CaseStatus.ZHONGBEN))[: args.n]
    # (case_no, data, ...) rows: read field by field, so the script also runs on commits before the stored checks
    cases = [case for r in rows if (case := read_case(r[0], r[1], {})) is not None]
    engine = RuleEngine(load_rulebook(rulebook_file(BUILTIN_RULEBOOK_DIR, RULESET_ID), RULESET_ID))
    started, cpu = time.perf_counter(), time.process_time()
    found: list[AlertValues] = []
    for lo in range(0, len(cases), PAGE):
        found += [AlertValues.of(a) for a in evaluate_alerts(cases[lo : lo + PAGE], as_of, engine)]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    digest = hashlib.sha256("\n".join(repr(tuple(v)) for v in found).encode()).hexdigest()[:16]
    sys.stdout.write(f"{len(cases):,} cases -> {len(found):,} alerts on {as_of}: {cpu / len(cases) * 1e6:.0f} us CPU "
                     f"per case ({wall / len(cases) * 1e6:.0f} us wall); alerts digest {digest}\n")


if __name__ == "__main__":
    main()
