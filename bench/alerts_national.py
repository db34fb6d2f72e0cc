"""Node alerts over a national store: the nightly's alerts stage (read every open and 终本 case,
the alerts ruleset on the one engine, store, publish the new ones), timed, with peak memory.

    .venv/bin/python bench/alerts_national.py [N] [--url URL] [--workers 2] [--as-of DATE] [--no-save]

Setup (not timed): generate N cases (about 55% open, docs/workload.md) with the v1.2 process
nodes and import them into a SQLite file, reused when it already holds N cases. Timed:
`api.service.alerts.store_alerts` (what `assign alerts --save` and the nightly stage run),
first on an empty alert table (every alert new: inserts and events), then again (updates
only). PSS sampled every 0.2 s, summed over the main process and its workers.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_store import PeakRss, ensure_store, store_line  # noqa: E402  (shared with the rules pass bench)

from api.config import BUILTIN_RULEBOOK_DIR  # noqa: E402
from api.service.alerts import store_alerts  # noqa: E402
from assign.network import builtin_network  # noqa: E402
from assign.schemas import CaseStatus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=1_800_000, help="cases to generate (1.8M: about 1M open)")
    ap.add_argument("--url", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--as-of", default="2025-11-20")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--no-save", action="store_true", help="compute only (no table, no events)")
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)
    url = args.url or f"sqlite:///{Path('/tmp/assign-bench') / f'alerts-{args.n}.sqlite'}"
    Path("/tmp/assign-bench").mkdir(exist_ok=True)
    out = sys.stdout
    network = builtin_network()
    db = ensure_store(url, args.n, seed=args.seed, as_of=as_of, network=network, out=out)
    with db.begin() as conn:
        conn.exec_driver_sql("DELETE FROM node_alert")
    line, (_, open_cases, _) = store_line(db, args.workers, CaseStatus.OPEN, CaseStatus.ZHONGBEN)
    out.write(line)
    out.flush()
    for label in ("first pass (all new)", "second pass (unchanged)") if not args.no_save else ("compute only",):
        run = None  # the previous pass's alerts are not held while this one is measured
        t = time.perf_counter()
        with PeakRss() as peak:
            run = store_alerts(db, as_of, network=network, rulebook_dir=BUILTIN_RULEBOOK_DIR, save=not args.no_save,
                               workers=args.workers)
        wall = time.perf_counter() - t
        out.write(f"{label}: {run.cases:,} cases -> {len(run.alerts):,} alerts in {wall:.1f} s = "
                  f"{run.cases / wall:,.0f} cases/s; saved {run.saved}; peak PSS {peak.total_mb:.0f} MB summed, "
                  f"{peak.process_mb:.0f} MB largest process\n")
        out.flush()
    out.write("by node: " + ", ".join(f"{k} {v:,}" for k, v in Counter(a.node for a in run.alerts).most_common())
              + "\n")
    out.write(f"per 1M open cases (scaled): {wall * 1_000_000 / max(open_cases, 1):.0f} s for the last pass\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
