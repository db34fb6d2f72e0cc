"""Saving a night's verdicts as the days stored grow: the unique index's column order (issue 14, save14b).

    .venv/bin/python bench/verdict_save_days.py --url sqlite:////tmp/COPY-OF-STORE.sqlite [--days 20]

A case-major unique key (case_no, as_of, rulebook_hash), the verdict table's until migration 0013, puts
each night's verdicts (a new as_of) between the earlier nights' entries of the same cases, so a page of
2,500 verdicts dirties index pages all over the index, and the more nights are stored the more pages
each page of verdicts writes (WAL frames, then the checkpoint's copy). The store pass's benchmark
(`bench/evaluate_store.py`) re-runs one day, replacing rows, and never sees this; the nightly does.
The day-major key (as_of, case_no, rulebook_hash) of migration 0013 appends a night at the end of the
index; the look-ups by case then need their own index (case_no, as_of), smaller than the old key.

This bench saves the same verdicts (one range of stored open cases, evaluated once, in their
stored form) for one new day after another, in pages of 2,500 per transaction as the pass does,
alternately into two copies of the store whose verdict tables are rebuilt with each layout (same
columns and rows), and prints the CPU µs per verdict (`time.process_time`: executemany, commit and
the automatic checkpoints) of each day. The store given is only read; the copies beside it
(`<file>.case-major`, `<file>.day-major`) hold verdict rows whose texts are not stored: delete them after.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
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
_LAYOUTS = {  # name: (the unique key, the index for look-ups by case or None)
    "case-major": ("case_no, as_of, rulebook_hash", None),
    "day-major": ("as_of, case_no, rulebook_hash", "case_no, as_of"),
}


def _rebuild(conn: sqlite3.Connection, key: str, by_case: str | None) -> None:
    """The verdict table rebuilt with `key` unique and `by_case` indexed (same columns and rows)."""
    statements = [
        "CREATE TABLE verdict_rebuilt (id INTEGER NOT NULL PRIMARY KEY, case_no VARCHAR(128) NOT NULL, "
        "as_of DATE NOT NULL, outcome VARCHAR(32) NOT NULL, forum VARCHAR(32), recommended_mode VARCHAR(16), "
        f"rulebook_hash VARCHAR(64) NOT NULL, data TEXT NOT NULL, created_at DATETIME NOT NULL, UNIQUE ({key}))",
        f"INSERT INTO verdict_rebuilt ({_COLUMNS}) SELECT {_COLUMNS} FROM verdict",
        "DROP TABLE verdict",
        "ALTER TABLE verdict_rebuilt RENAME TO verdict",
        "CREATE INDEX ix_verdict_as_of_outcome ON verdict (as_of, outcome)",
        *([f"CREATE INDEX ix_verdict_by_case ON verdict ({by_case})"] if by_case else []),
    ]
    for statement in ("BEGIN", *statements, "COMMIT"):
        conn.execute(statement)


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


def _save_day(conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[object, ...]]) -> float:
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
    source = _connect(path)
    source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = source.execute("SELECT count(DISTINCT as_of) FROM verdict").fetchone()[0]
    source.close()
    layouts: dict[str, tuple[sqlite3.Connection, str, list[float]]] = {}
    for name, (key, by_case) in _LAYOUTS.items():
        shutil.copyfile(path, f"{path}.{name}")
        conn = _connect(f"{path}.{name}")
        _rebuild(conn, key, by_case)
        layouts[name] = (conn, _UPSERT.format(key=key), [])
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
