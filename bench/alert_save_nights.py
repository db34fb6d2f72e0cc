"""The node-alert save alone, over nights: what `assign.alert_saves` (the save the nightly's ranges, `assign
alerts --save` and the API share) costs to store a first night, the next day's night and that night again:

    .venv/bin/python bench/alert_save_nights.py STORE.sqlite [--as-of 2025-11-20] [--rounds 3]

The alerts of STORE's open and 终本 cases on `--as-of` and the day after are computed once (`store_alerts`,
not saved: STORE is only read), then each round saves them into a fresh, empty store beside it
(`<STORE>.saves.sqlite`, removed at the end) night by night, one transaction each, and prints the
save's wall and CPU time (the alerts serialized before, as the pass's workers do) and its counts. Run
it with each commit's code on PYTHONPATH to compare two commits.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from api.config import BUILTIN_RULEBOOK_DIR
from api.service.alerts import store_alerts
from assign import migrate
from assign.alert_saves import save_alert_values
from assign.alerts import AlertValues
from assign.db import make_engine, session_scope
from assign.network import builtin_network


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path)
    ap.add_argument("--as-of", default="2025-11-20")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    first = date.fromisoformat(args.as_of)
    days = (first, first + timedelta(days=1))
    source = make_engine(f"sqlite:///{args.store}")
    found = {day: store_alerts(source, day, network=builtin_network(), rulebook_dir=BUILTIN_RULEBOOK_DIR,
                               workers=2).alerts for day in days}
    source.dispose()
    target = args.store.with_name(args.store.name + ".saves.sqlite")
    for n in range(args.rounds):
        _remove(target)
        engine = make_engine(f"sqlite:///{target}")
        migrate.upgrade(engine)
        for label, day in (("first night", days[0]), ("next night", days[1]), ("next night again", days[1])):
            values = [AlertValues.of(a) for a in found[day]]  # serialized where found, as a pass's workers do
            wall, cpu = time.perf_counter(), time.process_time()
            with session_scope(engine) as session:
                counts = save_alert_values(session=session, as_of=day, alerts=values)
            sys.stdout.write(f"round {n + 1}, {label} {day}: save {time.perf_counter() - wall:.2f} s wall, "
                             f"{time.process_time() - cpu:.2f} s CPU {counts}\n")
            sys.stdout.flush()
        engine.dispose()
    _remove(target)


if __name__ == "__main__":
    main()
