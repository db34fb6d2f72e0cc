"""Register matching at scale: import a register feed, then the restoration-lead pass (one debtor-id join),
timed, with peak memory.

    .venv/bin/python bench/register_matching.py [N] [M] [--share 0.10] [--url URL] [--as-of DATE]

Setup (not timed): generate N cases (`assign.generator`: about 55% open, a share 终本) into a
SQLite file, reused when it already holds N; generate M register records
(`assign.generator.registers`), a share `--share` of them (default 10%) belonging to the
store's open and 终本 debtors, written as JSON lines. Timed: the import of that file
(`import_register_file`, what `assign registers import` runs; skipped when the store already
holds M rows), then `run_leads` (what
`assign leads` and `POST /v1/leads/run` run) twice: first on an empty lead table (every lead
new: inserts and events), then again (the first-seen dates kept, no new events). PSS sampled
every 0.2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_store import PeakRss, ensure_store, store_line  # noqa: E402

from api.service.leads import run_leads  # noqa: E402
from assign.generator.registers import generate_register_records  # noqa: E402
from assign.leads import debtor_ids  # noqa: E402
from assign.network import builtin_network  # noqa: E402
from assign.register_import import import_register_file  # noqa: E402
from assign.schemas import CaseStatus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=200_000, help="cases")
    ap.add_argument("m", nargs="?", type=int, default=1_000_000, help="register rows")
    ap.add_argument("--share", type=float, default=0.10, help="share of register rows held by store debtors")
    ap.add_argument("--url", default=None)
    ap.add_argument("--as-of", default="2025-11-20")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--reimport", action="store_true", help="time the import even when the store holds M rows")
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)
    work = Path("/tmp/assign-bench")
    work.mkdir(exist_ok=True)
    url = args.url or f"sqlite:///{work / f'registers-{args.n}.sqlite'}"
    out = sys.stdout
    network = builtin_network()
    db = ensure_store(url, args.n, seed=args.seed, as_of=as_of, network=network, out=out)
    with db.begin() as conn:
        conn.exec_driver_sql("DELETE FROM restoration_lead")
        held = conn.execute(sa.text("SELECT count(*) FROM register_record")).scalar_one()
        if held != args.m or args.reimport:
            conn.exec_driver_sql("DELETE FROM register_record")
    debtors = debtor_ids(db)
    line, _ = store_line(db, 1, CaseStatus.OPEN, CaseStatus.ZHONGBEN)
    out.write(line)
    feed = work / f"registers-{args.n}-{args.m}-{args.share}.jsonl"
    if not feed.exists():
        t = time.perf_counter()
        with feed.open("w", encoding="utf-8") as f:
            for record in generate_register_records(debtors, args.m, debtor_share=args.share, seed=args.seed,
                                                    as_of=as_of):
                f.write(record.model_dump_json() + "\n")
        out.write(f"setup: {args.m:,} register rows ({args.share:.0%} of {len(debtors):,} debtors) in "
                  f"{time.perf_counter() - t:.0f} s (not timed)\n")
    out.flush()
    if held != args.m or args.reimport:
        t, cpu = time.perf_counter(), time.process_time()
        with PeakRss() as peak:
            report = import_register_file(db, feed, fmt="jsonl")
        wall = time.perf_counter() - t
        out.write(f"import: {args.m:,} rows in {wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU = "
                  f"{args.m / wall:,.0f} rows/s; {report.counts}, rejected {report.rejected_rows}; "
                  f"peak PSS {peak.total_mb:.0f} MB\n")
    else:
        out.write(f"import: the store already holds the {args.m:,} rows (--reimport to time it)\n")
    out.flush()
    for label in ("first pass (all new)", "second pass (first-seen kept)"):
        t, cpu = time.perf_counter(), time.process_time()
        with PeakRss() as peak:
            run = run_leads(db, as_of, network=network, action_days=30)
        wall = time.perf_counter() - t
        out.write(f"{label}: {run.pairs:,} debtor matches -> {sum(run.counts.values()):,} leads "
                  f"({dict(run.counts)}) in {wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
                  f"new {run.new:,}, events {run.events:,}; "
                  f"peak PSS {peak.total_mb:.0f} MB\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
