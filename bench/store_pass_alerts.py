"""The store pass with node alerts over consecutive nights, timed, and a digest of what it stored, so
two commits can be compared on copies of one store:

    .venv/bin/python bench/store_pass_alerts.py STORE.sqlite [--nights 2] [--as-of 2025-11-20] [--workers 2]

STORE (a copy of your own) has its rows checked and stamped in place once (not timed, as
`bench/nightly_national.py` does), then is copied beside itself (`<STORE>.night.sqlite`, upgraded,
removed at the end), and `api.service.evaluation.evaluate_store` runs with the alerts ruleset (what the nightly's
store pass runs) on `--as-of` and the following days. Per night: the pass's wall time, the tail
after the last range finished (the main process alone: before issue 17's range saves, the whole
alerts save), the main process's CPU and the workers' CPU, the alerts counts. At the end: a
digest of the `node_alert` table (every column but the row id and `updated_at`, in key order),
of the alerts as their readers serve them (`assign.alerts.payload_of`, GET /v1/alerts' rows, without
the row id, in key order) and of the `alerts.raised` events (subject and payload, in publication
order): the same store, dates and digests = the same alerts and the same events. The table digest
changes with what a row stores (issue 17: rows store alerts without the day they were seen on); the
readers' digest does not, so two commits' alerts compare by it (run this script with the other
commit's code on PYTHONPATH: it uses only `payload_of`, which both have).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psutil
import sqlalchemy as sa
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_store import stamp_store  # noqa: E402  (shared with the rules pass bench)

from api.config import BUILTIN_RULEBOOK_DIR  # noqa: E402
from api.service.evaluation import evaluate_store  # noqa: E402
from assign import migrate  # noqa: E402
from assign.alerts import EVENT_KIND, AlertRow, payload_of  # noqa: E402
from assign.db import make_engine  # noqa: E402
from assign.network import builtin_network  # noqa: E402
from rules.alerts import RULESET_ID  # noqa: E402
from rules.loader import load_rulebook, rulebook_file  # noqa: E402

ALERT_COLUMNS = ("case_no", "node", "due_on", "court_code", "severity", "days_overdue", "as_of", "first_seen_on",
                 "active", "resolved_on", "data")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def descendants_cpu() -> float:
    """CPU seconds (user + system) of this process's descendants: the living ones' own and what each has
    reaped, plus this process's reaped children. The store pass's workers come from a forkserver
    (`assign.processes`): its children, not ours, so `os.times()` alone no longer sees them."""
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            t = proc.cpu_times()
        except psutil.Error:  # exited meanwhile: reaped by its parent, counted there
            continue
        total += t.user + t.system + t.children_user + t.children_system
    mine = os.times()
    return total + mine.children_user + mine.children_system


def digests(url: str) -> tuple[str, str, str, int]:
    """(alerts table digest, readers' digest, alerts.raised events digest, events) of the store."""
    engine = make_engine(url)
    alerts, served, raised = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {', '.join(ALERT_COLUMNS)} FROM node_alert "
                                    "ORDER BY case_no, node, due_on"))
        for row in rows:
            alerts.update(repr(tuple(row)).encode())
    with Session(engine) as session:
        stored = session.exec(select(AlertRow).order_by(col(AlertRow.case_no), col(AlertRow.node),
                                                        col(AlertRow.due_on))).yield_per(10_000)
        for alert in stored:
            served.update(json.dumps({k: v for k, v in payload_of(alert).items() if k != "id"},
                                     ensure_ascii=False).encode())
    with engine.connect() as conn:
        n = 0
        for subject, payload in conn.execute(sa.text("SELECT subject, payload FROM event WHERE kind = :k ORDER BY id"),
                                             {"k": EVENT_KIND}):
            raised.update(f"{subject}\n{payload}\n".encode())
            n += 1
    engine.dispose()
    return alerts.hexdigest()[:16], served.hexdigest()[:16], raised.hexdigest()[:16], n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path)
    ap.add_argument("--nights", type=int, default=2)
    ap.add_argument("--as-of", default="2025-11-20")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    store = make_engine(f"sqlite:///{args.store}")
    stamp_store(store, sys.stdout)  # once, in place (a copy of your own): its rows at the current record checks
    store.dispose()
    night = args.store.with_name(args.store.name + ".night.sqlite")
    for old in night.parent.glob(night.name + "*"):
        old.unlink()
    shutil.copyfile(args.store, night)
    url = f"sqlite:///{night}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    network = builtin_network()
    rulebook = load_rulebook(BUILTIN_RULEBOOK_DIR)
    alerts = load_rulebook(rulebook_file(BUILTIN_RULEBOOK_DIR, RULESET_ID), RULESET_ID)
    first = date.fromisoformat(args.as_of)
    for n in range(args.nights):
        as_of = first + timedelta(days=n)
        last_range = [0.0]

        def progress(done: int, total: int, last_range: list[float] = last_range) -> None:
            last_range[0] = time.perf_counter()

        load = tuple(round(x, 1) for x in psutil.getloadavg())
        cpu, children = time.process_time(), descendants_cpu()
        started = time.perf_counter()
        run = evaluate_store(url, as_of, network=network, rulebook=rulebook, workers=args.workers,
                             progress=progress, alerts=alerts)
        ended = time.perf_counter()
        wall = ended - started
        main_cpu = time.process_time() - cpu
        workers_cpu = descendants_cpu() - children
        say(f"night {as_of} (load {load}): pass {wall:.1f} s wall, tail after the last range "
              f"{ended - last_range[0]:.1f} s; CPU main "
              f"{main_cpu:.1f} s, workers {workers_cpu:.1f} s (of it on alerts {run.alerts_s:.1f} s); "
              f"{run.evaluated:,} verdicts, {run.alerts:,} alerts {run.alerts_saved}")
    table, served, raised, n_events = digests(url)
    say(f"digest: node_alert {table}, as served {served}, {EVENT_KIND} {raised} ({n_events} events)")
    for old in night.parent.glob(night.name + "*"):
        old.unlink()


if __name__ == "__main__":
    main()
