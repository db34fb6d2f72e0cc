"""Run one night with the stand-in services in a separate process (the kill -9 tests).

usage: python -m tests.nightly.driver DATABASE_URL AS_OF [STALE_AFTER_S] [EXECUTOR]
Exit status 3 when another run holds the lock, as `assign nightly` does.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from api.nightly import run_nightly
from assign.db import make_engine
from assign.errors import Conflict
from tests.nightly.helpers import fast_options, standin_services


def main(argv: list[str]) -> int:
    url, as_of = argv[0], date.fromisoformat(argv[1])
    stale_after = float(argv[2]) if len(argv) > 2 else 30.0
    executor = argv[3] if len(argv) > 3 else "local"
    engine = make_engine(url)
    try:
        report = run_nightly(engine, as_of=as_of, services=standin_services(),
                             options=fast_options(workers=1, stale_after_s=stale_after, executor=executor))
    except Conflict as e:
        sys.stderr.write(f"refused: {e}\n")
        return 3
    sys.stdout.write(json.dumps({"status": report.status, "resumed": report.resumed_forums,
                                 "summary": report.summary.data()}, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
