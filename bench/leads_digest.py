"""Digests and CPU of three restoration-lead passes on a copy of a store: proof that a change to the leads pass
leaves the stored leads, the `leads.raised` events and the returned leads byte-identical, and its A/B figure.

    cp /tmp/b17/store-200000-r1000000-0.1-s17-2025-11-20.sqlite /tmp/me/s.sqlite   # a COPY: the passes write
    .venv/bin/python bench/leads_digest.py /tmp/me/s.sqlite --workers 2

The passes (`api.service.leads.run_leads`, what the nightly's leads stage runs): 2025-11-20 (on a store without
leads: every lead new), 2025-11-21 (every lead found again, unchanged), then the store is changed as a later day
would find it (300 matched cases concluded, 300 restored, 300 given a measure; 500 register records released)
and 2026-01-10 (past every action window: states change, leads resolved). Run it on the tree before and after a
change, each on a fresh copy of the same store: the digests must be equal. Each pass prints its wall time, the
CPU of this process and of its worker processes (SQLite runs inside them: that is the database's work too).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sqlite3
import sys
import time
from datetime import date

from api.service.leads import LeadPass, run_leads
from assign import migrate
from assign.db import make_engine
from assign.network import builtin_network

DAYS = (date(2025, 11, 20), date(2025, 11, 21), date(2026, 1, 10))
MEASURE = '{"kind":"notice","on":"2025-12-02","asset_id":null,"result":null}'


def _digest(path: str, run: LeadPass) -> str:
    db = sqlite3.connect(path)
    leads = hashlib.sha256()
    for row in db.execute("SELECT case_no, record_id, court_code, forum, kind, state, asset_kind, value, first_seen_on,"
                          " as_of, active, resolved_on, data FROM restoration_lead ORDER BY case_no, record_id"):
        leads.update(repr(row).encode())
    raised, n = hashlib.sha256(), 0
    for row in db.execute("SELECT id, kind, subject, payload FROM event WHERE kind = 'leads.raised' ORDER BY id"):
        raised.update(repr(row).encode())
        n += 1
    shown = hashlib.sha256(repr([x.model_dump_json() for x in run.leads]).encode()).hexdigest()[:16]
    return (f"pairs {run.pairs} counts {dict(sorted(run.counts.items()))} new {run.new} resolved {run.resolved}"
            f" events {run.events} | leads {leads.hexdigest()[:16]} events({n}) {raised.hexdigest()[:16]}"
            f" returned({len(run.leads)}) {shown}")


def _change(path: str) -> None:
    """What a later day finds: matched cases concluded, restored or given a measure; register records released."""
    db = sqlite3.connect(path)
    nos = [(r[0],) for r in db.execute("SELECT DISTINCT case_no FROM restoration_lead ORDER BY case_no LIMIT 900")]
    db.executemany("UPDATE case_record SET status = 'concluded', data = json_set(data, '$.status', 'concluded')"
                   " WHERE case_no = ?", nos[:300])
    db.executemany("UPDATE case_record SET data = json_set(data, '$.restored_on', '2025-12-01') WHERE case_no = ?",
                   nos[300:600])
    db.executemany(f"UPDATE case_record SET data = json_insert(data, '$.measures[#]', json('{MEASURE}'))"
                   " WHERE case_no = ?", nos[600:900])
    records = [(r[0],) for r in db.execute("SELECT record_id FROM restoration_lead ORDER BY record_id LIMIT 500")]
    db.executemany("UPDATE register_record SET released_on = '2025-11-25' WHERE record_id = ?", records)
    db.commit()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", help="a COPY of an SQLite store with a register feed and no leads (it is written)")
    ap.add_argument("--workers", type=int, default=1, help="processes classifying the units of courts")
    # the A side of an A/B runs this file against the older tree: PYTHONPATH=<old tree> .venv/bin/python <this file>
    args = ap.parse_args(argv)
    engine = make_engine(f"sqlite:///{args.store}")
    migrate.upgrade(engine)
    network = builtin_network()
    split = {"workers": args.workers} if args.workers > 1 else {}  # a tree before the split pass has no `workers`
    for i, day in enumerate(DAYS):
        if i == 2:
            _change(args.store)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, cpu = time.perf_counter(), time.process_time()
        run = run_leads(engine, day, network=network, action_days=30, **split)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
        sys.stdout.write(f"{day}: {wall:.1f} s wall, CPU {cpu:.1f} s + workers {workers:.1f} s"
                         f" | {_digest(args.store, run)}\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
