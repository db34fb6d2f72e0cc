"""One SHA-256 over the verdicts of every stored open case on each given date: proof that a change
to the rules stage (facts, engine, sentences) leaves every verdict byte-identical.

    .venv/bin/python bench/verdict_digest.py --url sqlite:////tmp/me/store-100000.sqlite \
        2025-06-30 2025-11-20 2026-01-10

Run it on the tree before and after a change (same store, same dates): the printed digests must be
equal. Each verdict is hashed in its full JSON form (`model_dump_json`: every sentence, source and
fact), in case-number order, with the cases that could not be evaluated (number and reason). The
cases are read as the store pass reads them (`assign.stored_case.read_stored`) and evaluated by
`api.service.evaluation.evaluate_each` with the store-wide batch context. Read-only: it saves nothing.
With `--stored`, each verdict is hashed in its stored form instead (`assign.stored_verdict.stored_json`, what
the store pass writes to `verdict.data`), followed by the fired-rule texts the day's verdicts name: proof
that a change to the stored form's writer leaves every stored row byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import date
from pathlib import Path

from api.service.evaluation import evaluate_each
from assign import repository
from assign.db import session_scope
from assign.stored_case import read_stored
from assign.stored_verdict import TextSet, stored_json

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_pass_stages import open_store  # noqa: E402 - a sibling bench script


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("dates", nargs="+", type=date.fromisoformat, help="evaluation dates (not in the future)")
    ap.add_argument("--size", type=int, default=10_000, help="open cases read at a time")
    ap.add_argument("--stored", action="store_true", help="hash the stored form (verdict.data) of each verdict")
    args = ap.parse_args(argv)
    db, network, engine, batch, ranges = open_store(args.url, args.size)
    digests = {day: hashlib.sha256() for day in args.dates}
    counts = dict.fromkeys(args.dates, 0)
    texts: dict[date, dict[str, TextSet]] = {day: {} for day in args.dates}
    for lo, hi, _ in ranges:
        with session_scope(db) as session:
            rows = repository.case_records_between(session=session, first=lo, last=hi)
        cases = [case for row in rows if (case := read_stored(row, {})) is not None]
        for day in args.dates:
            done = evaluate_each(cases, network, day, engine=engine, batch=batch)
            digest = digests[day]
            for verdict in done.verdicts:
                written = stored_json(verdict, texts[day]) if args.stored else verdict.model_dump_json()
                digest.update(written.encode())
                digest.update(b"\n")
            for failure in done.failures:
                digest.update(f"failed {failure.case_no}: {failure.reason}\n".encode())
            counts[day] += len(done.verdicts)
    for day in args.dates:
        for text in sorted(texts[day]):
            digests[day].update(f"{text} {texts[day][text].rule_id} {texts[day][text].texts}\n".encode())
        sys.stdout.write(f"{day} {counts[day]:,} verdicts sha256 {digests[day].hexdigest()}\n")
    sys.stdout.write(f"rulebook {engine.rulebook.id}@{engine.rulebook.version} {engine.rulebook.content_hash}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
