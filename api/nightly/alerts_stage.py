"""The nightly alerts stage: node alerts of every open and 终本 case, stored, new ones published.

Called from the pipeline between solve and publish (one line). Idempotent: a rerun of the same
night finds the same alerts stored and publishes nothing new.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from api.service.alerts import store_alerts
from assign.network import CourtNetwork

log = logging.getLogger(__name__)
WORKERS = 2  # processes for stores of more than one range (10,000 cases); the machine's two cores


def alerts_stage(engine: Engine, as_of: date, network: CourtNetwork, rulebook_dir: Path) -> float:
    """Compute, store and publish the night's alerts; returns the stage's wall time in seconds."""
    started = time.perf_counter()
    run = store_alerts(engine, as_of, network=network, rulebook_dir=rulebook_dir, save=True, workers=WORKERS)
    log.info("alerts on %s: %d cases, %d alerts, %s", as_of, run.cases, len(run.alerts), run.saved)
    if run.rejected:
        log.warning("alerts on %s: %d stored cases could not be read", as_of, run.rejected)
    return round(time.perf_counter() - started, 3)
