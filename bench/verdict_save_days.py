"""Saving a night's verdicts as the days stored grow: the unique index's column order (issue 14, save14b).

    .venv/bin/python bench/verdict_save_days.py --url sqlite:////tmp/COPY-OF-STORE.sqlite [--days 20]

The verdict table's unique key (case_no, as_of, rulebook_hash) is case-major: each night's verdicts
(a new as_of) go between the earlier nights' entries of the same cases, so a page of 2,500 verdicts
dirties index pages all over the index, and the more nights are stored the more pages each page of
verdicts writes (WAL frames, then the checkpoint's copy). The store pass's benchmark
(`bench/evaluate_store.py`) re-runs one day, replacing rows, and never sees this; the nightly does.

This bench saves the same verdicts (one range of stored open cases, evaluated once, in their
stored form) for one new day after another, in pages of 2,500 per transaction as the pass does,
alternately into the store as it is and into a copy whose verdict table has the day-major key
(as_of, case_no, rulebook_hash) plus an index on case_no (the look-ups by case), and prints the
CPU µs per verdict (`time.process_time`: executemany, commit and the automatic checkpoints) of
each day. It writes into the file given and a copy beside it (`<file>.day-major`), verdict rows
whose texts it does not store: run it on a copy of a store, then delete both.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.evaluation import evaluate_each
from assign import repository
from assign.db import make_engine, session_scope
from assign.network import builtin_network
from assign.schemas import CaseStatus, Verdict
from assign.stored_case import read_stored
from assign.stored_verdict import stored_json
from rules.engine import RuleEngine
from rules.facts import UNFINISHED_STATUSES, BatchContext
from rules.loader import load_rulebook

_COLUMNS = "id, case_no, as_of, outcome, forum, recommended_mode, rulebook_hash, data, created_at"
_DAY_MAJOR = [  # the verdict table rebuilt with the day-major key (same columns and rows)
    "CREATE TABLE verdict_day_major (id INTEGER NOT NULL PRIMARY KEY, case_no VARCHAR(128) NOT NULL, "
    "as_of DATE NOT NULL, outcome VARCHAR(32) NOT NULL, forum VARCHAR(32), recommended_mode VARCHAR(16), "
    "rulebook_hash VARCHAR(64) NOT NULL, data TEXT NOT NULL, created_at DATETIME NOT NULL, "
    "UNIQUE (as_of, case_no, rulebook_hash))",
    f"INSERT INTO verdict_day_major ({_COLUMNS}) SELECT {_COLUMNS} FROM verdict",
    "DROP TABLE verdict",
    "ALTER TABLE verdict_day_major RENAME TO verdict",
    "CREATE INDEX ix_verdict_as_of_outcome ON verdict (as_of, outcome)",
    "CREATE INDEX ix_verdict_case_no ON verdict (case_no)",
]
_UPSERT = ("INSERT INTO verdict (case_no, as_of, outcome, forum, recommended_mode, rulebook_hash, data, created_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ({key}) DO UPDATE SET outcome = excluded.outcome, "
           "forum = excluded.forum, recommended_mode = excluded.recommended_mode, data = excluded.data, "
           "created_at = excluded.created_at")


def _verdicts(url: str, size: int, as_of: date) -> list[Verdict]:
    """The verdicts of the second range of `size` stored open cases (as bench/store_pass_stages.py takes)."""
    db = make_engine(url)
    with session_scope(db) as session:
        batch = BatchContext(repository.debtor_case_counts(session=session, status=UNFINISHED_STATUSES))
        ranges = list(repository.case_no_ranges(session=session, size=size, status=CaseStatus.OPEN))
        lo, hi, _ = ranges[min(1, len(ranges) - 1)]
        rows = repository.case_records_between(session=session, first=lo, last=hi)
    db.dispose()
    cases = [case for row in rows if (case := read_stored(row, {})) is not None]
    engine = RuleEngine(load_rulebook(BUILTIN_RULEBOOK_DIR))
    return evaluate_each(cases, builtin_network(), as_of, engine=engine, batch=batch).verdicts


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as assign.db.make_engine
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _save_day(conn: sqlite3.Connection, sql: str, rows: list[tuple[object, ...]]) -> float:
    """CPU µs per verdict of saving `rows` in transactions of 2,500."""
    started = time.process_time()
    for start in range(0, len(rows), 2_500):
        conn.execute("BEGIN")
        conn.executemany(sql, rows[start : start + 2_500])
        conn.execute("COMMIT")
    return (time.process_time() - started) / len(rows) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="sqlite:////path of a COPY of a store (rows are added)")
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--size", type=int, default=10_000, help="open cases whose verdicts are saved each day")
    ap.add_argument("--as-of", default="2025-06-30")
    args = ap.parse_args(argv)
    path = args.url.split("///", 1)[1]
    as_of = date.fromisoformat(args.as_of)
    verdicts = _verdicts(args.url, args.size, as_of)
    data = [stored_json(v, {}) for v in verdicts]  # the stored form; its texts are not written (nothing reads them)
    copy = f"{path}.day-major"
    case_major = _connect(path)
    case_major.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(path, copy)
    day_major = _connect(copy)
    for statement in ("BEGIN", *_DAY_MAJOR, "COMMIT"):
        day_major.execute(statement)
    stored = case_major.execute("SELECT count(DISTINCT as_of) FROM verdict").fetchone()[0]
    layouts = {"case-major": (case_major, _UPSERT.format(key="case_no, as_of, rulebook_hash"), []),
               "day-major": (day_major, _UPSERT.format(key="as_of, case_no, rulebook_hash"), [])}
    sys.stdout.write(f"{len(verdicts):,} verdicts a day; {stored} days stored before; CPU µs per verdict saved\n")
    for k in range(1, args.days + 1):
        day = (as_of - timedelta(days=1000 + k)).isoformat()  # days no run of the store pass writes
        written = f"2026-01-01 00:00:{k % 60:02d}.000000"
        rows = [(v.case_no, day, v.outcome.value, v.forum, v.recommended_mode.value if v.recommended_mode else None,
                 v.rulebook_version.hash, d, written) for v, d in zip(verdicts, data, strict=True)]
        for name in sorted(layouts, reverse=k % 2 == 1):  # alternately first
            conn, sql, spent = layouts[name]
            spent.append(_save_day(conn, sql, rows))
        sys.stdout.write(f"day {k} ({stored + k - 1} stored before it): "
                         + ", ".join(f"{name} {spent[-1]:.1f}" for name, (_, _, spent) in layouts.items()) + "\n")
    for name, (_, _, spent) in layouts.items():
        third = max(1, len(spent) // 3)
        sys.stdout.write(f"{name}: median of the first {third} days {statistics.median(spent[:third]):.1f}, "
                         f"of the last {third} {statistics.median(spent[-third:]):.1f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
